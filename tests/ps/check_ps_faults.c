/*
 * Patient Summary builder under fault injection (the harness of
 * tests/check_faults.c): sections, entries, absent entries, narrative,
 * level 1 PDF.  The n-th allocation fails, for n = 0, 1, 2, ... until the
 * whole scenario runs without reaching it.  Every run must end in a clean
 * error (a status code and a message on the ctx) or in success - never a
 * crash; valgrind and ASan in CI check that nothing leaks.  The failing
 * allocator is installed by this test program (the host) with xmlMemSetup;
 * libepsos allocates through libxml2's allocator functions, so the library's
 * own allocations and libxml2's are both counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <check.h>
#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <epsos.h>
#include "../faultinject.h"



static int fixed_id(void *user, char *buf, size_t len)
{
    unsigned *n = user;
    snprintf(buf, len, "2.999.9.%u", ++*n);
    return 0;
}

static const char pdf[] = "%PDF-1.4\n%%EOF\n";

static int scenario_ps(epsos_ctx *ctx)
{
    epsos_doc *doc = NULL;
    epsos_item *s, *c, *o, *r;
    uint8_t *out = NULL, *back = NULL;
    size_t len, blen;
    unsigned counter = 0;
    int rc = epsos_doc_new(&doc, ctx, EPSOS_DOC_PS);
#define STEP(call) if (rc == EPSOS_OK) rc = (call)
    STEP(epsos_doc_set_sources(doc, fixed_id, NULL, &counter));
    STEP(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_ALLERGIES_SECTION));
    STEP(epsos_item_add_child(&c, s, EPSOS_F_ALLERGY));
    STEP(epsos_item_add_child(&o, c, EPSOS_F_OBSERVATION));
    STEP(epsos_item_set_code(o, EPSOS_F_CODE, 0, "609328004", "2.16.840.1.113883.6.96", "Allergic disposition"));
    STEP(epsos_item_set_text(o, EPSOS_F_STATUS, 0, "completed"));
    STEP(epsos_item_set_code(o, EPSOS_F_AGENT, 0, "J01CA04", "2.16.840.1.113883.6.73", "amoxicillin"));
    STEP(epsos_item_set_code(o, EPSOS_F_CRITICALITY, 0, "high", "2.16.840.1.113883.4.642.4.130", "High Risk"));
    STEP(epsos_item_add_child(&r, o, EPSOS_F_REACTION));
    STEP(epsos_item_set_code(r, EPSOS_F_VALUE, 0, "247472004", "2.16.840.1.113883.6.96", "Wheal"));
    STEP(epsos_item_set_code(r, EPSOS_F_SEVERITY, 0, "24484000", "2.16.840.1.113883.6.96", "Severe"));
    STEP(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_MEDICATION_SECTION, EPSOS_ABSENT_NO_KNOWN));
    STEP(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_PROBLEMS_SECTION, EPSOS_ABSENT_NO_INFO));
    STEP(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_SURGERIES_SECTION, EPSOS_ABSENT_NO_KNOWN));
    STEP(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_DEVICES_SECTION, EPSOS_ABSENT_NO_INFO));
    STEP(epsos_doc_complete(doc, 0));
    STEP(epsos_doc_serialize(&out, &len, doc, 0));
    STEP(epsos_doc_set_pdf(doc, (const uint8_t *)pdf, sizeof pdf - 1));
    STEP(epsos_doc_get_pdf(&back, &blen, doc));
#undef STEP
    epsos_free(out);
    epsos_free(back);
    epsos_doc_free(doc);
    return rc;
}


START_TEST(test_faults_ps) { fi_run(scenario_ps, "ps build+complete+pdf"); }
END_TEST

int main(void)
{
    epsos_init();                              /* one-time state before counting */
    fi_install();
    Suite *s = suite_create("ps_faults");
    TCase *tc = tcase_create("ps_faults");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_faults_ps);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
