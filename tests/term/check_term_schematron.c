/*
 * Terminology against the official eHDSI Schematron (issue 5 acceptance:
 * "transcoded and translated corpus documents stay Schematron-clean where
 * their source was").
 *
 * Every document of shared/corpus/samples that libepsos parses is
 * transcoded with the MVC catalogue (ART-DECOR voc files, the Danish
 * national mapping, the multilingual designations), then translated from
 * the transcoded form into da-DK, de-AT, fr-BE and sk-SK, and the de-AT
 * form once more into fr-BE (a translation of a translation).  A Danish
 * national document (a corpus PS whose dose form is an LMS22 code and one
 * dose in an LMS15 unit) is transcoded and translated too.  All sources and outputs go to ONE run of
 * shared/tools/schematron/ehdsi-validate (one JVM, one stylesheet
 * compilation per document kind).  For each source, every error an output
 * has (rule id, message, location without the line) must be an error of
 * its source: a clean source gives clean outputs, a faulty one gains
 * nothing.  Skipped (77) with a message without Java, Saxon-HE, the runner
 * or the corpus.
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <epsos.h>
#include "../shareddir.h"

#define OK(x) ck_assert_msg((x) == EPSOS_OK, "%s: %s", #x, epsos_ctx_errmsg(ctx))

static epsos_ctx *ctx;
static char shared[4096];

static void setup(void) { ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK); }
static void teardown(void) { epsos_ctx_free(ctx); ctx = NULL; }

typedef struct { char **v; size_t n, cap; } strv;

static void strv_add(strv *s, const char *x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        ck_assert_ptr_nonnull(s->v);
    }
    s->v[s->n++] = strdup(x);
}

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* *.xml below dir (sorted), or with a prefix in dir itself when !deep. */
static void list_xml(strv *out, const char *dir, const char *prefix, bool deep)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        size_t l = strlen(e->d_name);
        struct stat sb;
        if (stat(p, &sb) != 0)
            continue;
        if (S_ISDIR(sb.st_mode)) {
            if (deep)
                list_xml(out, p, prefix, deep);
        } else if (l > 4 && !strcmp(e->d_name + l - 4, ".xml") &&
                   !strncmp(e->d_name, prefix, strlen(prefix))) {
            strv_add(out, p);
        }
    }
    closedir(dh);
    qsort(out->v, out->n, sizeof *out->v, cmp_strp);
}

static void save(epsos_doc *doc, const char *path)
{
    uint8_t *x = NULL;
    size_t n = 0;
    OK(epsos_doc_serialize(&x, &n, doc, 0));
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(x, 1, n, f), n);
    fclose(f);
    epsos_free(x);
}

static void save_bytes(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

static size_t stat_of(const epsos_term_report *r, int32_t what)
{
    size_t n = 0;
    OK(epsos_term_report_stat(r, what, &n));
    return n;
}

static const char *const langs[] = { "da-DK", "de-AT", "fr-BE", "sk-SK" };
#define NVAR 6   /* tc, 4 languages, chain (de-AT then fr-BE) */
static const char *const variants[NVAR] = { "tc", "da-DK", "de-AT", "fr-BE", "sk-SK", "chain" };

typedef struct { size_t transcoded, translated, outputs; } totals;

/* Writes DIR/NNN-src.xml and its variants; false if libepsos does not read it. */
static bool process(const epsos_catalogue *cat, const char *dir, unsigned no, const char *data,
                    size_t len, totals *t)
{
    epsos_doc *doc = NULL;
    if (epsos_doc_parse(&doc, ctx, (const uint8_t *)data, len, 0) != EPSOS_OK)
        return false;
    char p[4200];
    snprintf(p, sizeof p, "%s/%03u-src.xml", dir, no);
    save_bytes(p, data, len);
    epsos_term_report *r = NULL;
    OK(epsos_term_report_new(&r, ctx));
    OK(epsos_transcode(doc, cat, 0, r));
    t->transcoded += stat_of(r, EPSOS_TERM_STAT_TRANSCODED);
    uint8_t *tc = NULL;
    size_t tcl = 0;
    OK(epsos_doc_serialize(&tc, &tcl, doc, 0));
    snprintf(p, sizeof p, "%s/%03u-tc.xml", dir, no);
    save(doc, p);
    epsos_doc_free(doc);
    for (size_t l = 0; l < 4; l++) {
        OK(epsos_doc_parse(&doc, ctx, tc, tcl, 0));
        OK(epsos_translate(doc, cat, langs[l], 0, r));
        t->translated += stat_of(r, EPSOS_TERM_STAT_TRANSLATED);
        snprintf(p, sizeof p, "%s/%03u-%s.xml", dir, no, langs[l]);
        save(doc, p);
        if (!strcmp(langs[l], "de-AT")) {
            OK(epsos_translate(doc, cat, "fr-BE", 0, r));
            snprintf(p, sizeof p, "%s/%03u-chain.xml", dir, no);
            save(doc, p);
        }
        epsos_doc_free(doc);
    }
    t->outputs += NVAR;
    epsos_free(tc);
    epsos_term_report_free(r);
    return true;
}

/* One finding line of ehdsi-validate: "FILE: error [id] msg (loc; line N)". */
typedef struct { unsigned no; int var; char *key; } err;

static int var_of(const char *s, size_t n)
{
    if (n == 3 && !strncmp(s, "src", 3))
        return -1;
    for (int v = 0; v < NVAR; v++)
        if (strlen(variants[v]) == n && !strncmp(variants[v], s, n))
            return v;
    return -2;
}

static int cmp_err(const void *a, const void *b)
{
    const err *x = a, *y = b;
    if (x->no != y->no)
        return x->no < y->no ? -1 : 1;
    if (x->var != y->var)
        return x->var < y->var ? -1 : 1;
    return strcmp(x->key, y->key);
}

START_TEST(test_schematron_clean_where_source_was)
{
    char inc[8192], samples[8192], d[4200], p[8300];
    snprintf(inc, sizeof inc, "%s/corpus/schematron/ehdsi-2024-04/include", shared);
    snprintf(samples, sizeof samples, "%s/corpus/samples", shared);
    strv src = { 0 }, docs = { 0 };
    list_xml(&src, inc, "voc-", false);
    ck_assert_uint_gt(src.n, 30);
    static const char *const tsv[] = { "designations-multilingual.tsv",
                                       "national-to-mvc-mappings.tsv", "code-systems.tsv" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/corpus/terminology/derived/%s", shared, tsv[i]);
        strv_add(&src, p);
    }
    epsos_catalogue_builder *b = NULL;
    OK(epsos_catalogue_builder_new(&b, ctx));
    for (size_t i = 0; i < src.n; i++)
        ck_assert_msg(epsos_catalogue_builder_add_file(b, src.v[i]) == EPSOS_OK, "%s",
                      epsos_ctx_errmsg(ctx));
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_builder_finish(&cat, b));
    epsos_catalogue_builder_free(b);

    snprintf(d, sizeof d, "/tmp/check_term_sch.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d));
    list_xml(&docs, samples, "", true);
    ck_assert_uint_gt(docs.n, 40);
    totals t = { 0 };
    unsigned no = 0;
    for (size_t i = 0; i < docs.n; i++) {
        size_t len = 0;
        char *data = slurp(docs.v[i], &len);
        if (data && process(cat, d, no + 1, data, len, &t))
            no++;
        free(data);
    }
    /* a Danish national document: a corpus PS with an LMS22 dose form */
    snprintf(p, sizeof p, "%s/konateq-openncp/samples/9999001M_L3_pivot.xml", samples);
    size_t len = 0;
    char *ps = slurp(p, &len);
    ck_assert_ptr_nonnull(ps);
    const char *from = "<epsos:formCode nullFlavor=\"UNK\" />";
    const char *to = "<epsos:formCode code=\"VASEL\" codeSystem=\"2.16.17.710.802.1000.990.1.20.22\""
                     " displayName=\"vaselin\" />";
    char *at = strstr(ps, from);
    ck_assert_ptr_nonnull(at);
    char *nat = malloc(len + strlen(to) + 64);
    size_t pre = (size_t)(at - ps);
    memcpy(nat, ps, pre);
    strcpy(nat + pre, to);
    strcat(nat + pre, at + strlen(from));
    /* and a dose in an LMS15 unit (ML: milliliter) */
    const char *dfrom = "<doseQuantity nullFlavor=\"UNK\" />";
    const char *dto = "<doseQuantity value=\"5\" unit=\"ML\"/>";
    char *dq = strstr(nat, dfrom);
    ck_assert_ptr_nonnull(dq);
    memmove(dq + strlen(dto), dq + strlen(dfrom), strlen(dq + strlen(dfrom)) + 1);
    memcpy(dq, dto, strlen(dto));
    size_t before = t.transcoded;
    ck_assert(process(cat, d, no + 1, nat, strlen(nat), &t));
    no++;
    ck_assert_uint_ge(t.transcoded - before, 2);   /* the dose form and the unit */
    free(nat);
    free(ps);
    ck_assert_uint_gt(no, 40);
    ck_assert_uint_gt(t.translated, 100);
    fprintf(stderr, "schematron: %u sources, %zu outputs, %zu codes transcoded, "
            "%zu displays translated\n", no, t.outputs, t.transcoded, t.translated);

    /* one run of the Schematron over every file */
    char cmd[17000];
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --no-info '%s'/*.xml "
             "> '%s/report.txt' 2>&1", shared, d, d);
    int st = system(cmd);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) <= 2, "ehdsi-validate did not run (%d)", st);
    snprintf(p, sizeof p, "%s/report.txt", d);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    err *e = NULL;
    size_t ne = 0, cap = 0, summaries = 0, clean_src = 0, src_validated = 0;
    char line[65536];
    size_t dl = strlen(d);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, d, dl) || line[dl] != '/')
            continue;
        char *name = line + dl + 1, *colon = strstr(name, ".xml: ");
        if (!colon)
            continue;
        unsigned n = (unsigned)strtoul(name, NULL, 10);
        char *dash = strchr(name, '-');
        if (!dash || dash > colon || n == 0 || n >= 4096)
            continue;
        int var = var_of(dash + 1, (size_t)(colon - dash - 1));
        ck_assert_int_ne(var, -2);
        char *rest = colon + 6;
        unsigned errs = 0, warns = 0;
        if (sscanf(rest, "%u errors, %u warnings", &errs, &warns) == 2) {
            summaries++;
            if (var == -1) {
                src_validated++;
                clean_src += errs == 0;
            }
            continue;
        }
        if (strncmp(rest, "error ", 6))
            continue;
        /* the key: id, message, location; not the line */
        char *ln = strstr(rest, "; line ");
        if (ln)
            *ln = '\0';
        if (ne == cap) {
            cap = cap ? cap * 2 : 1024;
            e = realloc(e, cap * sizeof *e);
            ck_assert_ptr_nonnull(e);
        }
        e[ne].no = n;
        e[ne].var = var;
        e[ne].key = strdup(rest + 6);
        ne++;
    }
    fclose(f);
    ck_assert_msg(src_validated >= 40 && summaries >= src_validated * (NVAR + 1),
                  "the Schematron validated %zu sources, %zu files: see %s", src_validated,
                  summaries, p);
    ck_assert_uint_ge(clean_src, 2);
    if (ne)
        qsort(e, ne, sizeof *e, cmp_err);
    /* every output error must be an error of its source (as multisets):
     * sorted by (source, variant, key), the source's errors come first */
    size_t fresh = 0;
    for (size_t i = 0; i < ne;) {
        size_t s0 = i, s1 = i;
        while (s1 < ne && e[s1].no == e[s0].no && e[s1].var == -1)
            s1++;
        size_t j = s1;
        while (j < ne && e[j].no == e[s0].no) {
            /* one variant: merge with the source's errors */
            size_t v0 = j, k = s0;
            while (j < ne && e[j].no == e[s0].no && e[j].var == e[v0].var) {
                int c = 1;
                while (k < s1 && (c = strcmp(e[k].key, e[j].key)) < 0)
                    k++;
                if (k < s1 && c == 0) {
                    k++;      /* matched once */
                } else {
                    fprintf(stderr, "%s/%03u-%s.xml: new error: %s\n", d, e[j].no,
                            variants[e[j].var], e[j].key);
                    fresh++;
                }
                j++;
            }
        }
        i = j;
    }
    fprintf(stderr, "schematron: %zu sources validated, %zu clean; %zu errors in all, "
            "%zu new in outputs\n", src_validated, clean_src, ne, fresh);
    ck_assert_msg(fresh == 0, "%zu new Schematron errors in transcoded/translated documents "
                  "(files kept in %s)", fresh, d);
    for (size_t i = 0; i < ne; i++)
        free(e[i].key);
    free(e);
    /* clean up */
    strv out = { 0 };
    list_xml(&out, d, "", false);
    for (size_t i = 0; i < out.n; i++)
        unlink(out.v[i]);
    strv_free(&out);
    unlink(p);
    rmdir(d);
    epsos_catalogue_free(cat);
    strv_free(&src);
    strv_free(&docs);
}
END_TEST

int main(void)
{
    shared_dir(shared, sizeof shared);
    char probe[8192];
    snprintf(probe, sizeof probe, "%s/corpus/samples", shared);
    if (access(probe, R_OK) != 0) {
        printf("no corpus at %s: skipped\n", probe);
        return 77;
    }
    /* ehdsi-validate needs Java and Saxon-HE (Debian: default-jre-headless,
     * libsaxonhe-java); without them the Schematron oracle cannot run. */
    if (schematron_ready(shared) != 0)
        return 77;
    Suite *su = suite_create("term-schematron");
    TCase *tc = tcase_create("schematron");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_schematron_clean_where_source_was);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
