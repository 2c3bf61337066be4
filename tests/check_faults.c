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
#include <glob.h>
#include <unistd.h>
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

/* ---- validate (issue 9): a corpus PS, without and with a catalogue ------------ */

static epsos_ctx *vctx;              /* the ctx of the document and of validation */
static epsos_doc *vdoc;              /* parsed once: the faults land in validation */
static epsos_catalogue *vcat;        /* the value sets of the official Schematron */

/* Every finding and the JSONL and SVRL forms of the report, in one string
 * (the test's own malloc: never failed). */
static int report_text(epsos_report *r, char **text)
{
    size_t cap = 4096, n = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    t[0] = '\0';
    for (size_t i = 0; i < epsos_report_count(r, 0); i++) {
        const char *rule = epsos_report_rule(r, i), *xp = epsos_report_xpath(r, i),
                   *msg = epsos_report_message(r, i);
        size_t need = strlen(rule) + strlen(xp) + strlen(msg) + 64;
        if (n + need > cap) {
            while (n + need > cap)
                cap *= 2;
            t = realloc(t, cap);
            ck_assert_ptr_nonnull(t);
        }
        n += (size_t)snprintf(t + n, cap - n, "%d %s %s %d %s\n", (int)epsos_report_severity(r, i),
                              rule, xp, (int)epsos_report_line(r, i), msg);
    }
    int rc = EPSOS_OK;
    for (int32_t fmt = EPSOS_REPORT_SVRL; rc == EPSOS_OK && fmt <= EPSOS_REPORT_JSONL; fmt++) {
        uint8_t *out = NULL;
        size_t len = 0;
        rc = epsos_report_serialize(&out, &len, vctx, r, fmt, "ps.xml");
        if (rc == EPSOS_OK) {
            t = realloc(t, n + len + 1);
            ck_assert_ptr_nonnull(t);
            memcpy(t + n, out, len);
            n += len;
            t[n] = '\0';
        }
        epsos_free(out);
    }
    if (rc != EPSOS_OK) {
        free(t);
        t = NULL;
    }
    *text = t;
    return rc;
}

static int validate_once(const epsos_catalogue *cat, char **text)
{
    epsos_report *r = (epsos_report *)&r;
    *text = NULL;
    int rc = cat ? epsos_validate_with(&r, vctx, vdoc, cat, 0) : epsos_validate(&r, vctx, vdoc, 0);
    if (rc != EPSOS_OK) {
        ck_assert_msg(r == NULL, "validate: %d but a report", rc);
        return rc;
    }
    rc = report_text(r, text);
    epsos_report_free(r);
    return rc;
}

/* Fails the n-th allocation of validate (+ report serialization) for
 * n = 0, 1, ...: each failed run gives a status and a message on the ctx,
 * each run that succeeds (also one whose failed allocation was recovered
 * from) gives exactly the findings of the run without faults. */
static void validate_faults(const epsos_catalogue *cat, const char *name)
{
    char *want = NULL, *got = NULL;
    fi_performed = 0;
    ck_assert_msg(validate_once(cat, &want) == EPSOS_OK, "%s: %s", name, epsos_ctx_errmsg(vctx));
    long total = fi_performed, failures = 0, recovered = 0;
    ck_assert_int_gt(total, 10);
    ck_assert_ptr_nonnull(strstr(want, "\"rule\""));            /* the PS has findings */
    for (long n = 0;; n++) {
        fi_countdown = n;
        fi_performed = 0;
        int rc = validate_once(cat, &got);
        bool reached = fi_countdown == 0;
        fi_countdown = -1;
        if (rc == EPSOS_OK) {
            ck_assert_msg(strcmp(got, want) == 0, "%s: n=%ld: %s findings differ from the run "
                          "without faults", name, n, reached ? "after a failed allocation, the" : "the");
            free(got);
            got = NULL;
            if (!reached)
                break;
            recovered++;
        } else {
            failures++;
            ck_assert_msg(reached, "%s: n=%ld: %d without a failed allocation", name, n, rc);
            ck_assert_msg(rc == EPSOS_ENOMEM, "%s: n=%ld: status %d (%s), expected EPSOS_ENOMEM",
                          name, n, rc, epsos_ctx_errmsg(vctx));
            ck_assert_msg(epsos_ctx_errcode(vctx) == rc, "%s: n=%ld: status %d but ctx says %d",
                          name, n, rc, epsos_ctx_errcode(vctx));
            ck_assert_msg(epsos_ctx_errmsg(vctx)[0] != '\0', "%s: n=%ld: no message", name, n);
        }
        ck_assert_msg(n < 1000000, "%s: does not terminate", name);
    }
    fprintf(stderr, "%s: %ld allocations, %ld injected failures reported cleanly, %ld recovered "
            "with the same findings\n", name, total, failures, recovered);
    ck_assert_int_gt(failures, total / 2);
    free(want);
}

static char *corpus_path(const char *rel)
{
    static char path[4096];
    const char *env = getenv("EPSOS_CORPUS");
    if (env)
        snprintf(path, sizeof path, "%s/%s", env, rel);
    else
        snprintf(path, sizeof path, "%s/../shared/corpus/%s", TOP_SRCDIR, rel);
    return path;
}

#define VALIDATE_PS "samples/khypponen-openncp/samples/0245791M-L3.xml"  /* 117 findings, 7 rules */

static bool validate_setup(void)
{
    if (vdoc)
        return true;
    char *ps = corpus_path(VALIDATE_PS);
    if (access(ps, R_OK) != 0) {
        fprintf(stderr, "no corpus (%s): validate fault injection skipped\n", ps);
        return false;
    }
    ck_assert_int_eq(epsos_ctx_new(&vctx), EPSOS_OK);
    ck_assert_msg(epsos_doc_parse_file(&vdoc, vctx, ps, 0) == EPSOS_OK, "%s: %s", ps,
                  epsos_ctx_errmsg(vctx));
    glob_t g;
    char pat[4200];
    snprintf(pat, sizeof pat, "%s", corpus_path("schematron/ehdsi-2024-04/include/voc-*.xml"));
    ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
    epsos_catalogue_builder *b = NULL;
    ck_assert_int_eq(epsos_catalogue_builder_new(&b, vctx), EPSOS_OK);
    for (size_t i = 0; i < g.gl_pathc; i++)
        ck_assert_msg(epsos_catalogue_builder_add_file(b, g.gl_pathv[i]) == EPSOS_OK, "%s: %s",
                      g.gl_pathv[i], epsos_ctx_errmsg(vctx));
    ck_assert_int_eq(epsos_catalogue_builder_finish(&vcat, b), EPSOS_OK);
    epsos_catalogue_builder_free(b);
    globfree(&g);
    return true;
}

static void validate_teardown(void)
{
    epsos_catalogue_free(vcat);
    epsos_doc_free(vdoc);
    epsos_ctx_free(vctx);
    vcat = NULL;
    vdoc = NULL;
    vctx = NULL;
}

START_TEST(test_faults_validate)
{
    if (validate_setup())
        validate_faults(NULL, "validate");
    validate_teardown();
}
END_TEST

START_TEST(test_faults_validate_with)
{
    if (validate_setup()) {
        char *plain = NULL, *with = NULL;
        ck_assert_int_eq(validate_once(NULL, &plain), EPSOS_OK);
        ck_assert_int_eq(validate_once(vcat, &with), EPSOS_OK);
        ck_assert_str_ne(plain, with);               /* the catalogue adds findings */
        free(plain);
        free(with);
        validate_faults(vcat, "validate_with");
    }
    validate_teardown();
}
END_TEST


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
    tcase_add_test(tc, test_faults_validate);
    tcase_add_test(tc, test_faults_validate_with);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(input);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
