/*
 * Fault injection: the n-th allocation fails, for n = 0, 1, 2, ... until the
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
#include "faultinject.h"


/* Reads every field of an item and of its nested items. */
static int read_all(epsos_item *it)
{
    int32_t k = epsos_item_kind(it);
    for (size_t i = 0; i < epsos_kind_field_count(k); i++) {
        int32_t f = epsos_kind_field_at(k, i);
        size_t n = 0;
        int rc = epsos_item_count(it, f, &n);
        if (rc != EPSOS_OK)
            return rc;
        for (size_t j = 0; j < n; j++) {
            const char *a, *b, *c;
            epsos_item *child;
            switch (epsos_field_type(k, f)) {
            case EPSOS_T_ITEM:
                rc = epsos_item_child(&child, it, f, j);
                if (rc == EPSOS_OK)
                    rc = read_all(child);
                break;
            case EPSOS_T_CD: rc = epsos_item_get_code(it, f, j, &a, &b, &c); break;
            case EPSOS_T_II: rc = epsos_item_get_id(it, f, j, &a, &b); break;
            case EPSOS_T_TS: rc = epsos_item_get_time(it, f, j, &a); break;
            case EPSOS_T_TEL: rc = epsos_item_get_telecom(it, f, j, &a, &b); break;
            case EPSOS_T_PQ: rc = epsos_item_get_quantity(it, f, j, &a, &b); break;
            default: rc = epsos_item_get_text(it, f, j, &a); break;
            }
            (void)epsos_item_path(it);   /* may fall back to "" without memory */
            if (rc != EPSOS_OK)
                return rc;
        }
    }
    return EPSOS_OK;
}

static uint8_t *input;
static size_t input_len;

static int scenario_parse(epsos_ctx *ctx)
{
    epsos_doc *doc = NULL;
    epsos_item *h;
    uint8_t *out = NULL;
    size_t len;
    int rc = epsos_doc_parse(&doc, ctx, input, input_len, 0);
    if (rc == EPSOS_OK)
        rc = epsos_doc_header(&h, doc);
    if (rc == EPSOS_OK)
        rc = read_all(h);
    if (rc == EPSOS_OK)
        rc = epsos_doc_serialize(&out, &len, doc, EPSOS_SERIALIZE_FORMAT);
    epsos_free(out);
    epsos_doc_free(doc);
    return rc;
}

static int scenario_build(epsos_ctx *ctx)
{
    epsos_doc *doc = NULL;
    epsos_item *h, *p, *name, *a;
    uint8_t *out = NULL;
    size_t len;
    int rc = epsos_doc_new(&doc, ctx, EPSOS_DOC_ED);
#define STEP(call) if (rc == EPSOS_OK) rc = (call)
    STEP(epsos_doc_header(&h, doc));
    STEP(epsos_item_set_id(h, EPSOS_F_ID, 0, "2.999.1", "x"));
    STEP(epsos_item_set_text(h, EPSOS_F_TITLE, 0, "Dispensation"));
    STEP(epsos_item_set_time(h, EPSOS_F_EFFECTIVE_TIME, 0, "20261124120000+0100"));
    STEP(epsos_item_add_child(&p, h, EPSOS_F_PATIENT));
    STEP(epsos_item_add_child(&name, p, EPSOS_F_NAME));
    STEP(epsos_item_set_text(name, EPSOS_F_FAMILY, 0, "Exemplo"));
    STEP(epsos_item_add_child(&a, h, EPSOS_F_AUTHOR));
    STEP(epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "2262", "2.16.840.1.113883.2.9.6.2.7",
                             "Pharmacists"));
    STEP(epsos_item_add_translation(a, EPSOS_F_FUNCTION_CODE, 0, "PH", "2.999.2", NULL));
    STEP(epsos_item_set_id(h, EPSOS_F_ORDER_ID, 0, "2.999.3", "RX-1"));
    STEP(epsos_item_set_null_flavor(p, EPSOS_F_BIRTH_TIME, 0, "UNK"));
    STEP(epsos_item_remove(h, EPSOS_F_AUTHOR, 0));
    STEP(epsos_doc_serialize(&out, &len, doc, 0));
#undef STEP
    epsos_free(out);
    epsos_doc_free(doc);
    return rc;
}


START_TEST(test_faults_parse) { fi_run(scenario_parse, "parse+read+serialize"); }
END_TEST
START_TEST(test_faults_build) { fi_run(scenario_build, "build+serialize"); }
END_TEST

int main(void)
{
    FILE *f = fopen(TEST_DATA "/ps-header.xml", "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0)
        return 99;
    input_len = (size_t)ftell(f);
    rewind(f);
    input = malloc(input_len);
    if (!input || fread(input, 1, input_len, f) != input_len)
        return 99;
    fclose(f);
    epsos_init();                              /* one-time state before counting */
    fi_install();

    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_faults_parse);
    tcase_add_test(tc, test_faults_build);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(input);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
