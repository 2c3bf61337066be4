/*
 * Field-level round trip over every level 3 Patient Summary of the corpus:
 * read every field of every item (through the template table's
 * introspection), build a new document from the values with the generic
 * item API (sections through epsos_doc_add_section), read it again and
 * compare.  Every source value must come back at the same place; values
 * the strict setters refuse (not valid for their datatype, e.g. a code
 * without a codeSystem OID) are written as read through epsos_item_set_attr
 * and must come back too; occurrences the builder adds (template defaults)
 * are counted.
 */
#define _XOPEN_SOURCE 700
#include <check.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <epsos.h>

static char samples[4200];
static char **paths;
static size_t npaths, cap;
static size_t n_values, n_refused, n_extra, n_mismatch, n_docs, n_as_read;

/* Source occurrences the builder refused (not valid for their datatype). */
typedef struct { const epsos_item *item; int32_t f; size_t i; } occ;
static occ *refused;
static size_t nrefused, caprefused;

static void refuse(const epsos_item *it, int32_t f, size_t i)
{
    if (nrefused == caprefused)
        refused = realloc(refused, (caprefused = caprefused ? 2 * caprefused : 256) * sizeof *refused);
    refused[nrefused++] = (occ){ it, f, i };
    n_refused++;
}

static bool was_refused(const epsos_item *it, int32_t f, size_t i)
{
    for (size_t j = 0; j < nrefused; j++)
        if (refused[j].item == it && refused[j].f == f && refused[j].i == i)
            return true;
    return false;
}

static int collect(const char *p, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb, (void)ftw;
    size_t n = strlen(p);
    if (type == FTW_F && n > 4 && !strcmp(p + n - 4, ".xml")) {
        if (npaths == cap)
            paths = realloc(paths, (cap = cap ? 2 * cap : 64) * sizeof *paths);
        paths[npaths++] = strdup(p);
    }
    return 0;
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* the values of one occurrence as up to 3 strings + nullFlavor */
typedef struct { const char *v[3]; const char *nf; int rc; } val;

static val get(const epsos_item *it, int32_t f, int32_t t, size_t i)
{
    val x = { { NULL, NULL, NULL }, NULL, 0 };
    switch (t) {
    case EPSOS_T_TEXT: case EPSOS_T_CS: x.rc = epsos_item_get_text(it, f, i, &x.v[0]); break;
    case EPSOS_T_CD: x.rc = epsos_item_get_code(it, f, i, &x.v[0], &x.v[1], &x.v[2]); break;
    case EPSOS_T_II: x.rc = epsos_item_get_id(it, f, i, &x.v[0], &x.v[1]); break;
    case EPSOS_T_TS: x.rc = epsos_item_get_time(it, f, i, &x.v[0]); break;
    case EPSOS_T_PQ: x.rc = epsos_item_get_quantity(it, f, i, &x.v[0], &x.v[1]); break;
    case EPSOS_T_TEL: x.rc = epsos_item_get_telecom(it, f, i, &x.v[0], &x.v[1]); break;
    default: break;
    }
    epsos_item_get_null_flavor(it, f, i, &x.nf);
    return x;
}

static bool empty(const val *x) { return !x->v[0] && !x->v[1] && !x->v[2]; }

static int set(epsos_item *it, int32_t f, int32_t t, size_t i, const val *x)
{
    if (x->nf && empty(x))
        return epsos_item_set_null_flavor(it, f, i, x->nf);
    switch (t) {
    case EPSOS_T_TEXT: case EPSOS_T_CS: return epsos_item_set_text(it, f, i, x->v[0] ? x->v[0] : "");
    case EPSOS_T_CD: return epsos_item_set_code(it, f, i, x->v[0], x->v[1], x->v[2]);
    case EPSOS_T_II: return epsos_item_set_id(it, f, i, x->v[0], x->v[1]);
    case EPSOS_T_TS: return epsos_item_set_time(it, f, i, x->v[0]);
    case EPSOS_T_PQ: return epsos_item_set_quantity(it, f, i, x->v[0], x->v[1]);
    case EPSOS_T_TEL: return epsos_item_set_telecom(it, f, i, x->v[0], x->v[1]);
    default: return EPSOS_ETYPE;
    }
}

/* The lenient path (as `epsos build` does): what the strict setter refuses
 * (a code without a codeSystem OID, a time stamp that is no HL7 TS) is
 * written attribute by attribute, as read. */
static int set_as_read(epsos_item *it, int32_t f, int32_t t, size_t i, const val *x)
{
    static const char *const cs[] = { "code", NULL, NULL }, *const cd[] = { "code", "codeSystem",
        "displayName" }, *const ii[] = { "root", "extension", NULL }, *const ts[] = { "value",
        NULL, NULL }, *const pq[] = { "value", "unit", NULL }, *const tel[] = { "value", "use",
        NULL };
    const char *const *names = t == EPSOS_T_CS ? cs : t == EPSOS_T_CD ? cd : t == EPSOS_T_II ? ii
                             : t == EPSOS_T_TS ? ts : t == EPSOS_T_PQ ? pq : t == EPSOS_T_TEL ? tel
                             : NULL;
    if (!names)
        return EPSOS_ETYPE;
    int rc = EPSOS_EVALUE;
    for (int k = 0; k < 3; k++)
        if (names[k] && x->v[k] && (rc = epsos_item_set_attr(it, f, i, names[k], x->v[k])) != EPSOS_OK)
            return rc;
    if (rc == EPSOS_OK && x->nf)
        rc = epsos_item_set_attr(it, f, i, "nullFlavor", x->nf);
    return rc;
}

static bool same(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* Copies src into dst (same kind).  `refused` marks, per field, occurrences
 * the builder refused, so the comparison skips them. */
static void copy_item(epsos_doc *dstdoc, epsos_item *src, epsos_item *dst)
{
    int32_t k = epsos_item_kind(src);
    size_t nf = epsos_kind_field_count(k);
    for (size_t j = 0; j < nf; j++) {
        int32_t f = epsos_kind_field_at(k, j), t = epsos_field_type(k, f);
        size_t n = 0, w = 0;
        epsos_item_count(src, f, &n);
        for (size_t i = 0; i < n; i++) {
            if (t == EPSOS_T_ITEM) {
                epsos_item *sc, *dc = NULL;
                ck_assert_int_eq(epsos_item_child(&sc, src, f, i), EPSOS_OK);
                int32_t sk = epsos_item_kind(sc);
                int rc = k == EPSOS_KIND_HEADER && f == EPSOS_F_SECTION && sk != EPSOS_KIND_SECTION
                             ? epsos_doc_add_section(&dc, dstdoc, sk)
                             : epsos_item_add_child(&dc, dst, f);
                ck_assert_int_eq(rc, EPSOS_OK);
                if (epsos_item_kind(dc) != sk) {
                    refuse(src, f, i);  /* e.g. a refined sub-section built as a section */
                    fprintf(stderr, "refused item: %s.%s[%zu]\n", epsos_kind_name(k),
                            epsos_field_name(f), i);
                    continue;
                }
                copy_item(dstdoc, sc, dc);
                continue;
            }
            val x = get(src, f, t, i);
            if (x.rc != EPSOS_OK || (empty(&x) && !x.nf))
                continue;
            if (set(dst, f, t, w, &x) == EPSOS_OK)
                w++;
            else if (set_as_read(dst, f, t, w, &x) == EPSOS_OK)
                w++, n_as_read++;
            else {
                refuse(src, f, i);
                fprintf(stderr, "refused: %s.%s[%zu]\n", epsos_kind_name(k),
                        epsos_field_name(f), i);
            }
        }
    }
}

/* Every source value must come back at the same index, as far as the
 * builder accepted them (refused values shift nothing: compare by value
 * in order, skipping source values the builder refused). */
static void compare(const char *file, epsos_item *src, epsos_item *dst)
{
    int32_t k = epsos_item_kind(src);
    size_t nf = epsos_kind_field_count(k);
    for (size_t j = 0; j < nf; j++) {
        int32_t f = epsos_kind_field_at(k, j), t = epsos_field_type(k, f);
        size_t n = 0, m = 0, d = 0;
        epsos_item_count(src, f, &n);
        epsos_item_count(dst, f, &m);
        for (size_t i = 0; i < n; i++) {
            if (was_refused(src, f, i))
                continue;
            if (t == EPSOS_T_ITEM) {
                epsos_item *sc, *dc;
                epsos_item_child(&sc, src, f, i);
                if (d >= m) {
                    n_mismatch++;
                    fprintf(stderr, "%s: %s.%s[%zu]: item missing\n", file,
                            epsos_kind_name(k), epsos_field_name(f), i);
                    continue;
                }
                epsos_item_child(&dc, dst, f, d);
                if (epsos_item_kind(dc) == epsos_item_kind(sc))
                    compare(file, sc, dc);
                d++;
                continue;
            }
            val x = get(src, f, t, i);
            if (x.rc != EPSOS_OK || (empty(&x) && !x.nf))
                continue;
            n_values++;
            val y = d < m ? get(dst, f, t, d) : (val){ { NULL, NULL, NULL }, NULL, -1 };
            bool eq = y.rc == EPSOS_OK && same(x.v[0], y.v[0]) && same(x.v[1], y.v[1]) &&
                      same(x.v[2], y.v[2]) && (same(x.nf, y.nf) || !empty(&x));
            d++;
            if (!eq) {
                n_mismatch++;
                if (n_mismatch <= 40)
                    fprintf(stderr, "%s: %s.%s[%zu]: \"%s\" \"%s\" \"%s\" nf=%s came back as "
                            "\"%s\" \"%s\" \"%s\" nf=%s\n", file, epsos_kind_name(k),
                            epsos_field_name(f), i, x.v[0] ? x.v[0] : "-", x.v[1] ? x.v[1] : "-",
                            x.v[2] ? x.v[2] : "-", x.nf ? x.nf : "-", y.v[0] ? y.v[0] : "-",
                            y.v[1] ? y.v[1] : "-", y.v[2] ? y.v[2] : "-", y.nf ? y.nf : "-");
            }
        }
        if (t != EPSOS_T_ITEM && m > d)
            n_extra += m - d;
    }
}

START_TEST(test_roundtrip)
{
    ck_assert_int_eq(nftw(samples, collect, 32, FTW_PHYS), 0);
    qsort(paths, npaths, sizeof *paths, cmpstr);
    epsos_ctx *ctx;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    for (size_t p = 0; p < npaths; p++) {
        epsos_doc *src, *dst, *back;
        ck_assert_int_eq(epsos_doc_parse_file(&src, ctx, paths[p], 0), EPSOS_OK);
        if (epsos_doc_kind(src) != EPSOS_DOC_PS) {
            epsos_doc_free(src);
            continue;
        }
        n_docs++;
        epsos_item *sh, *dh, *bh;
        ck_assert_int_eq(epsos_doc_new(&dst, ctx, EPSOS_DOC_PS), EPSOS_OK);
        ck_assert_int_eq(epsos_doc_header(&sh, src), EPSOS_OK);
        ck_assert_int_eq(epsos_doc_header(&dh, dst), EPSOS_OK);
        copy_item(dst, sh, dh);
        uint8_t *buf;
        size_t len;
        ck_assert_int_eq(epsos_doc_serialize(&buf, &len, dst, 0), EPSOS_OK);
        ck_assert_int_eq(epsos_doc_parse(&back, ctx, buf, len, 0), EPSOS_OK);
        epsos_free(buf);
        ck_assert_int_eq(epsos_doc_header(&bh, back), EPSOS_OK);
        size_t before = n_mismatch;
        compare(paths[p] + strlen(samples) + 1, sh, bh);
        printf("  %-75s %s\n", paths[p] + strlen(samples) + 1,
               n_mismatch > before ? "MISMATCH" : "ok");
        epsos_doc_free(back);
        epsos_doc_free(dst);
        epsos_doc_free(src);
        nrefused = 0;
    }
    epsos_ctx_free(ctx);
    printf("round trip: %zu PS documents, %zu values compared, %zu refused by the strict "
           "setters and written as read, %zu refused, %zu occurrences added by the builder, "
           "%zu mismatches\n", n_docs, n_values, n_as_read, n_refused, n_extra, n_mismatch);
    for (size_t i = 0; i < npaths; i++)
        free(paths[i]);
    free(paths);
    free(refused);
    ck_assert_uint_ge(n_docs, 30);
    ck_assert_uint_ge(n_values, 10000);
    ck_assert_uint_eq(n_mismatch, 0);
    ck_assert_uint_eq(n_refused, 0);      /* every value of every document comes back */
}
END_TEST

int main(void)
{
    const char *env = getenv("EPSOS_CORPUS"), *top = getenv("top_srcdir");
    if (env && *env)
        snprintf(samples, sizeof samples, "%s/samples", env);
    else
        snprintf(samples, sizeof samples, "%s/../shared/corpus/samples", top && *top ? top : TOP_SRCDIR);
    struct stat st;
    if (stat(samples, &st) != 0) {
        printf("corpus not found at %s: skipped\n", samples);
        return 77;
    }
    Suite *s = suite_create("ps_roundtrip");
    TCase *tc = tcase_create("roundtrip");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_roundtrip);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
