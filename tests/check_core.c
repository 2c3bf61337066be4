/* Tests of the core API: init, versions, status texts, contexts, limits,
 * and the read-only template table introspection. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <epsos.h>

static const int all_codes[] = { EPSOS_OK, EPSOS_ERROR, EPSOS_ENOMEM, EPSOS_EINVAL,
    EPSOS_EPARSE, EPSOS_ENOTCDA, EPSOS_ELIMIT, EPSOS_EUNSAFE, EPSOS_ENOTFOUND, EPSOS_ETYPE,
    EPSOS_EVALUE, EPSOS_EIO };

START_TEST(test_versions)
{
    ck_assert_int_eq(epsos_version_number(), EPSOS_VERSION_NUMBER);
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", EPSOS_VERSION_MAJOR, EPSOS_VERSION_MINOR,
             EPSOS_VERSION_PATCH);
    ck_assert_str_eq(epsos_version_string(), want);
}
END_TEST

START_TEST(test_strerror)
{
    size_t n = sizeof all_codes / sizeof all_codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *s = epsos_strerror(all_codes[i]);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_ne(s, epsos_strerror(12345));
        ck_assert_int_eq(all_codes[i], -(int)i);       /* fixed values 0, -1, -2 ... */
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(s, epsos_strerror(all_codes[j]));
    }
    ck_assert_str_eq(epsos_strerror(12345), "unknown status code");
}
END_TEST

static void *thread_init(void *arg)
{
    epsos_ctx *ctx = NULL;
    int *rc = arg;
    *rc = epsos_init();
    if (*rc == EPSOS_OK)
        *rc = epsos_ctx_new(&ctx);
    if (*rc == EPSOS_OK && epsos_kind_field_count(EPSOS_KIND_HEADER) == 0)
        *rc = -100;
    epsos_ctx_free(ctx);
    return NULL;
}

START_TEST(test_init_threads)
{
    pthread_t t[8];
    int rc[8];
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, thread_init, &rc[i]), 0);
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(rc[i], EPSOS_OK);
    }
    ck_assert_int_eq(epsos_init(), EPSOS_OK);   /* idempotent */
}
END_TEST

START_TEST(test_ctx_errors_and_limits)
{
    epsos_ctx *ctx = NULL;
    uint64_t v = 0;
    ck_assert_int_eq(epsos_ctx_new(NULL), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    ck_assert_str_eq(epsos_ctx_errmsg(ctx), "");
    ck_assert_str_eq(epsos_ctx_errloc(ctx), "");
    ck_assert_int_eq(epsos_ctx_errline(ctx), 0);

    ck_assert_int_eq(epsos_ctx_get_limit(ctx, EPSOS_LIMIT_MAX_BYTES, &v), EPSOS_OK);
    ck_assert_uint_eq(v, 64u * 1024 * 1024);
    ck_assert_int_eq(epsos_ctx_get_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, &v), EPSOS_OK);
    ck_assert_uint_eq(v, 256);
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, 32), EPSOS_OK);
    ck_assert_int_eq(epsos_ctx_get_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, &v), EPSOS_OK);
    ck_assert_uint_eq(v, 32);

    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, 100000), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EINVAL);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "EPSOS_LIMIT_MAX_DEPTH"));
    ck_assert_int_eq(epsos_ctx_get_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, &v), EPSOS_OK);
    ck_assert_uint_eq(v, 32);                  /* unchanged by the refused call */
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_BYTES, 0), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, 99, 1), EPSOS_EINVAL);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "unknown limit 99"));
    ck_assert_int_eq(epsos_ctx_get_limit(ctx, 99, &v), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_ctx_get_limit(ctx, EPSOS_LIMIT_MAX_BYTES, NULL), EPSOS_EINVAL);

    epsos_ctx_clear_error(ctx);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    ck_assert_str_eq(epsos_ctx_errmsg(ctx), "");

    /* NULL-safety */
    epsos_ctx_free(NULL);
    epsos_doc_free(NULL);
    epsos_free(NULL);
    epsos_ctx_clear_error(NULL);
    ck_assert_int_eq(epsos_ctx_errcode(NULL), EPSOS_EINVAL);
    ck_assert_str_eq(epsos_ctx_errmsg(NULL), "");
    ck_assert_int_eq(epsos_ctx_set_limit(NULL, EPSOS_LIMIT_MAX_DEPTH, 3), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_doc_kind(NULL), EPSOS_DOC_UNKNOWN);
    ck_assert_int_eq(epsos_doc_generation(NULL), EPSOS_GEN_UNKNOWN);
    ck_assert_int_eq(epsos_item_kind(NULL), 0);
    ck_assert_str_eq(epsos_item_path(NULL), "");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(epsos_doc_kind_name(EPSOS_DOC_PS), "PS");
    ck_assert_str_eq(epsos_doc_kind_name(EPSOS_DOC_EP), "eP");
    ck_assert_str_eq(epsos_doc_kind_name(EPSOS_DOC_ED), "eD");
    ck_assert_str_eq(epsos_doc_kind_name(EPSOS_DOC_PS_L1), "PS-L1");
    ck_assert_str_eq(epsos_doc_kind_name(EPSOS_DOC_EP_L1), "eP-L1");
    ck_assert_str_eq(epsos_doc_kind_name(EPSOS_DOC_UNKNOWN), "unknown");
    ck_assert_ptr_null(epsos_doc_kind_name(-1));
    ck_assert_ptr_null(epsos_doc_kind_name(6));
    ck_assert_str_eq(epsos_generation_name(EPSOS_GEN_EPSOS), "epSOS");
    ck_assert_str_eq(epsos_generation_name(EPSOS_GEN_EHDSI), "eHDSI");
    ck_assert_ptr_null(epsos_generation_name(3));
    ck_assert_str_eq(epsos_kind_name(EPSOS_KIND_HEADER), "header");
    ck_assert_str_eq(epsos_kind_name(EPSOS_KIND_SECTION), "section");
    ck_assert_ptr_null(epsos_kind_name(0));
    ck_assert_ptr_null(epsos_kind_name(100000));
    ck_assert_str_eq(epsos_field_name(EPSOS_F_ID), "id");
    ck_assert_str_eq(epsos_field_name(EPSOS_F_SECTION), "section");
    ck_assert_ptr_null(epsos_field_name(0));
    ck_assert_ptr_null(epsos_field_name(100000));
}
END_TEST

/* The table as seen through the API is complete and consistent. */
START_TEST(test_table_introspection)
{
    size_t rows = 0;
    for (int32_t k = EPSOS_KIND_HEADER; k <= EPSOS_KIND_SECTION; k++) {
        size_t n = epsos_kind_field_count(k);
        ck_assert_msg(n > 0, "kind %d has no fields", k);
        for (size_t i = 0; i < n; i++) {
            int32_t f = epsos_kind_field_at(k, i);
            uint32_t mn = 9, mx = 0;
            ck_assert_ptr_nonnull(epsos_field_name(f));
            int32_t t = epsos_field_type(k, f);
            ck_assert_msg(t >= EPSOS_T_TEXT && t <= EPSOS_T_ITEM, "%s.%s type %d",
                          epsos_kind_name(k), epsos_field_name(f), t);
            ck_assert_int_eq(epsos_field_cardinality(k, f, &mn, &mx), EPSOS_OK);
            ck_assert_uint_le(mn, mx);
            ck_assert_uint_ge(mx, 1);
            int32_t ck = epsos_field_item_kind(k, f);
            if (t == EPSOS_T_ITEM)
                ck_assert_ptr_nonnull(epsos_kind_name(ck));
            else
                ck_assert_int_eq(ck, 0);
            for (size_t j = 0; j < i; j++)
                ck_assert_int_ne(epsos_kind_field_at(k, j), f);   /* no duplicate rows */
            rows++;
        }
        ck_assert_int_eq(epsos_kind_field_at(k, n), 0);
    }
    ck_assert_uint_ge(rows, 80);
    ck_assert_int_eq(epsos_field_type(EPSOS_KIND_HEADER, EPSOS_F_PATIENT), EPSOS_T_ITEM);
    ck_assert_int_eq(epsos_field_item_kind(EPSOS_KIND_HEADER, EPSOS_F_CUSTODIAN),
                     EPSOS_KIND_ORGANIZATION);
    ck_assert_int_eq(epsos_field_type(EPSOS_KIND_NAME, EPSOS_F_BIRTH_TIME), 0);
    ck_assert_int_eq(epsos_field_cardinality(EPSOS_KIND_NAME, EPSOS_F_BIRTH_TIME, NULL, NULL),
                     EPSOS_ETYPE);
    uint32_t mn, mx;
    ck_assert_int_eq(epsos_field_cardinality(EPSOS_KIND_HEADER, EPSOS_F_AUTHOR, &mn, &mx), EPSOS_OK);
    ck_assert_uint_eq(mn, 1);
    ck_assert_uint_eq(mx, UINT32_MAX);
    ck_assert_uint_eq(epsos_kind_field_count(0), 0);
    ck_assert_uint_eq(epsos_kind_field_count(99), 0);
}
END_TEST

/* One ctx per thread, documents parsed and read concurrently: every thread
 * sees the same values (run under valgrind/ASan in CI; TSan-ready). */
static void *thread_parse(void *arg)
{
    int *rc = arg;
    epsos_ctx *ctx = NULL;
    *rc = epsos_ctx_new(&ctx);
    for (int i = 0; i < 40 && *rc == EPSOS_OK; i++) {
        epsos_doc *doc = NULL;
        epsos_item *h, *p;
        const char *birth = NULL;
        *rc = epsos_doc_parse_file(&doc, ctx, TEST_DATA "/ps-header.xml", 0);
        if (*rc == EPSOS_OK)
            *rc = epsos_doc_header(&h, doc);
        if (*rc == EPSOS_OK)
            *rc = epsos_item_child(&p, h, EPSOS_F_PATIENT, 0);
        if (*rc == EPSOS_OK)
            *rc = epsos_item_get_time(p, EPSOS_F_BIRTH_TIME, 0, &birth);
        if (*rc == EPSOS_OK && (!birth || strcmp(birth, "19700512") != 0))
            *rc = -200;
        if (*rc == EPSOS_OK && epsos_doc_parse(&(epsos_doc *){NULL}, ctx,
                                               (const uint8_t *)"<x", 2, 0) != EPSOS_EPARSE)
            *rc = -201;                       /* errors stay on this thread's ctx */
        epsos_doc_free(doc);
    }
    epsos_ctx_free(ctx);
    return NULL;
}

START_TEST(test_threads_parse)
{
    pthread_t t[4];
    int rc[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, thread_parse, &rc[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(rc[i], EPSOS_OK);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_versions);
    tcase_add_test(tc, test_strerror);
    tcase_add_test(tc, test_init_threads);
    tcase_add_test(tc, test_ctx_errors_and_limits);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_table_introspection);
    tcase_add_test(tc, test_threads_parse);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
