/*
 * Limits: inputs at and just over the configured limits, and inputs built to
 * be expensive (huge text nodes, a million attributes, many sections, deep
 * nesting).  Each must end in bounded time - the test has a timeout - with
 * success or a clear EPSOS_ELIMIT naming the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <check.h>
#include <epsos.h>

static epsos_ctx *ctx;
static void setup(void) { ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK); }
static void teardown(void) { epsos_ctx_free(ctx); }

#define HEAD "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
#define TAIL "</ClinicalDocument>"

/* CPU time of this process: a ratio of two timings must not depend on what
 * else the machine runs at the same time (wall time under a parallel
 * `make check` made the linearity test fail now and then). */
static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A document of exactly `size` bytes: padding in a comment. */
static char *doc_of_size(size_t size)
{
    size_t fixed = strlen(HEAD "<!--" "-->" TAIL);
    ck_assert_uint_ge(size, fixed);
    char *s = malloc(size + 1);
    strcpy(s, HEAD "<!--");
    memset(s + strlen(s), 'x', size - fixed);
    strcpy(s + strlen(HEAD "<!--") + (size - fixed), "-->" TAIL);
    ck_assert_uint_eq(strlen(s), size);
    return s;
}

START_TEST(test_size_limit_exact_and_over)
{
    const size_t lim = 8u * 1024 * 1024;
    epsos_doc *doc = NULL;
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_BYTES, lim), EPSOS_OK);
    char *at = doc_of_size(lim), *over = doc_of_size(lim + 1);
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)at, lim, 0), EPSOS_OK);
    epsos_doc_free(doc);
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)over, lim + 1, 0), EPSOS_ELIMIT);
    ck_assert_ptr_null(doc);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "8388609 bytes"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "size limit (8388608 bytes)"));
    free(at);
    free(over);
}
END_TEST

/* A 10 MB text node (the PDF of a level 1 document is one) parses and reads. */
START_TEST(test_ten_megabyte_text_node)
{
    const size_t n = 10u * 1024 * 1024;
    size_t len = strlen(HEAD "<title>" "</title>" TAIL) + n;
    char *s = malloc(len + 1);
    strcpy(s, HEAD "<title>");
    memset(s + strlen(s), 'A', n);
    strcpy(s + strlen(HEAD "<title>") + n, "</title>" TAIL);
    epsos_doc *doc = NULL;
    epsos_item *h;
    const char *title;
    double t0 = seconds();
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)s, len, 0), EPSOS_OK);
    ck_assert_int_eq(epsos_doc_header(&h, doc), EPSOS_OK);
    ck_assert_int_eq(epsos_item_get_text(h, EPSOS_F_TITLE, 0, &title), EPSOS_OK);
    ck_assert_uint_eq(strlen(title), n);
    fprintf(stderr, "10 MB text node: %.2f s\n", seconds() - t0);
    epsos_doc_free(doc);
    free(s);
}
END_TEST

static char *many_attributes(size_t n, size_t *len)
{
    char *s = malloc(64 + n * 16);
    size_t w = (size_t)sprintf(s, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"");
    for (size_t i = 0; i < n; i++)
        w += (size_t)sprintf(s + w, " a%zu='>'", i);   /* '>' in values: quotes honoured */
    w += (size_t)sprintf(s + w, "/>");
    *len = w;
    return s;
}

/* libxml2 2.9 would spend minutes on this; the pre-scan refuses it at once. */
START_TEST(test_million_attributes)
{
    size_t len;
    char *s = many_attributes(1000000, &len);
    epsos_doc *doc = NULL;
    double t0 = seconds();
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)s, len, 0), EPSOS_ELIMIT);
    double dt = seconds() - t0;
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "more attributes than the limit (256)"));
    ck_assert_int_eq(epsos_ctx_errline(ctx), 1);
    fprintf(stderr, "10^6 attributes refused in %.3f s\n", dt);
    free(s);
    /* at the limit it parses: 255 attributes + the namespace declaration */
    s = many_attributes(255, &len);
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)s, len, 0), EPSOS_OK);
    epsos_doc_free(doc);
    free(s);
    s = many_attributes(256, &len);
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)s, len, 0), EPSOS_ELIMIT);
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_ATTRIBUTES, 1000), EPSOS_OK);
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)s, len, 0), EPSOS_OK);
    epsos_doc_free(doc);
    free(s);
    /* '=' inside comments, CDATA, PIs and attribute values does not count */
    const char *tricky = HEAD "<!-- a=1 b=2 c=3 --><?pi a=1 b=2?><title a=\"=\">x=y<![CDATA[ a=b c=d ]]></title>" TAIL;
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_ATTRIBUTES, 1), EPSOS_OK);
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (const uint8_t *)tricky, strlen(tricky), 0),
                     EPSOS_OK);
    epsos_doc_free(doc);
}
END_TEST

static double min2(double a, double b) { return a < b ? a : b; }

/* Many sections: parse and read every one; the time must grow linearly. */
static double sections_time(size_t n)
{
    char *s = malloc(128 + n * 96);
    size_t w = (size_t)sprintf(s, HEAD "<component><structuredBody>");
    for (size_t i = 0; i < n; i++)
        w += (size_t)sprintf(s + w, "<component><section><code code=\"%zu\"/><title>S</title>"
                                    "</section></component>", i);
    w += (size_t)sprintf(s + w, "</structuredBody></component>" TAIL);
    double t0 = seconds();
    epsos_doc *doc = NULL;
    epsos_item *h, *sec;
    size_t count = 0;
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, (uint8_t *)s, w, 0), EPSOS_OK);
    ck_assert_int_eq(epsos_doc_header(&h, doc), EPSOS_OK);
    ck_assert_int_eq(epsos_item_count(h, EPSOS_F_SECTION, &count), EPSOS_OK);
    ck_assert_uint_eq(count, n);
    for (size_t i = 0; i < n; i++) {
        const char *code;
        ck_assert_int_eq(epsos_item_child(&sec, h, EPSOS_F_SECTION, i), EPSOS_OK);
        ck_assert_int_eq(epsos_item_get_code(sec, EPSOS_F_CODE, 0, &code, NULL, NULL), EPSOS_OK);
        ck_assert_int_eq(atol(code), (long)i);
    }
    double dt = seconds() - t0;
    epsos_doc_free(doc);
    free(s);
    return dt;
}

START_TEST(test_many_sections_linear)
{
    /* the best of two runs of each size: one slow run is noise, not growth */
    double t1 = min2(sections_time(25000), sections_time(25000));
    double t2 = min2(sections_time(100000), sections_time(100000));
    fprintf(stderr, "sections: 25000 in %.3f s, 100000 in %.3f s (ratio %.1f for 4x input)\n",
            t1, t2, t2 / t1);
    ck_assert_msg(t2 / t1 < 8.0, "reading sections is not linear: %.1fx time for 4x input",
                  t2 / t1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_size_limit_exact_and_over);
    tcase_add_test(tc, test_ten_megabyte_text_node);
    tcase_add_test(tc, test_million_attributes);
    tcase_add_test(tc, test_many_sections_linear);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
