/*
 * Thread safety (issue 9): parse + read every field, build, validate,
 * transcode, translate, sign and verify on 8 threads at once, each thread
 * with its own ctx, all sharing one in-memory catalogue (built once from
 * the terminology fixtures) and ONE trust store (an epsos_trust made once
 * from the certificate, attached to every thread's verifier), and one key
 * and certificate (an RSA key and a self-signed certificate made here with
 * OpenSSL, so that signatures are deterministic).  Every thread writes what
 * it gets (fields, serialized bytes with injected identifier and clock
 * sources, findings, signed bytes, verdicts) into a transcript, which must
 * be byte for byte the transcript of the single-thread run.  CI runs it
 * under ThreadSanitizer (.ci/run).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <epsos.h>
#include "testutil.h"

#define THREADS 8
#define ROUNDS 2           /* work() runs per thread */

/* ---- a growable transcript ----------------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
    int failed;            /* an API call failed where the fixture must work */
} tx;

static void put(tx *t, const void *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->n + n + 1)
            cap *= 2;
        char *np = realloc(t->p, cap);
        if (!np) {
            t->failed = 1;
            return;
        }
        t->p = np;
        t->cap = cap;
    }
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

__attribute__((format(printf, 2, 3)))
static void putf(tx *t, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(t, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void puts_or_null(tx *t, const char *s)
{
    put(t, s ? s : "(null)", strlen(s ? s : "(null)"));
    put(t, "|", 1);
}

/* records the status of a call; a failure is written and counted */
#define TRY(t, ctx, call) try_(t, ctx, #call, (call))
static int try_(tx *t, epsos_ctx *ctx, const char *what, int rc)
{
    if (rc != EPSOS_OK) {
        putf(t, "FAILED %s: %d %s\n", what, rc, ctx ? epsos_ctx_errmsg(ctx) : "");
        t->failed = 1;
    }
    return rc;
}

/* ---- shared fixtures (read-only once the threads start) ------------------ */

static struct {
    epsos_catalogue *cat;
    epsos_trust *trust;            /* the one trust store of every thread */
    char *key, *cert;              /* PEM */
    size_t key_len, cert_len;
    char *ps, *national;           /* document fixtures */
    size_t ps_len, national_len;
} fx;

static char *bio_text(BIO *b, size_t *len)
{
    char *d = NULL;
    long n = BIO_get_mem_data(b, &d);
    char *s = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(s);
    memcpy(s, d, (size_t)n);
    s[n] = '\0';
    *len = (size_t)n;
    return s;
}

/* An RSA 2048 key (PKCS#1 v1.5 signatures are deterministic) and its
 * self-signed CA certificate, valid from 2020 to 2040. */
static void make_pki(void)
{
    EVP_PKEY *pk = EVP_RSA_gen(2048);
    ck_assert_ptr_nonnull(pk);
    X509 *x = X509_new();
    ck_assert_ptr_nonnull(x);
    X509_NAME *name = X509_get_subject_name(x);
    ck_assert(X509_set_version(x, 2));
    ck_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), 9));
    ck_assert(ASN1_TIME_set_string(X509_getm_notBefore(x), "20200101000000Z"));
    ck_assert(ASN1_TIME_set_string(X509_getm_notAfter(x), "20400101000000Z"));
    ck_assert(X509_set_pubkey(x, pk));
    ck_assert(X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"EU", -1, -1, 0));
    ck_assert(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                         (const unsigned char *)"ncp-threads.example", -1, -1, 0));
    ck_assert(X509_set_issuer_name(x, name));
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *bc = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "critical,CA:TRUE");
    X509_EXTENSION *ku = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
                                             "critical,digitalSignature,nonRepudiation,keyCertSign");
    ck_assert(bc && ku && X509_add_ext(x, bc, -1) && X509_add_ext(x, ku, -1));
    X509_EXTENSION_free(bc);
    X509_EXTENSION_free(ku);
    ck_assert(X509_sign(x, pk, EVP_sha256()) > 0);
    BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
    ck_assert(kb && cb);
    ck_assert(PEM_write_bio_PrivateKey(kb, pk, NULL, NULL, 0, NULL, NULL));
    ck_assert(PEM_write_bio_X509(cb, x));
    fx.key = bio_text(kb, &fx.key_len);
    fx.cert = bio_text(cb, &fx.cert_len);
    BIO_free(kb);
    BIO_free(cb);
    X509_free(x);
    EVP_PKEY_free(pk);
}

static const char *const term_fixtures[] = {
    "aliases.tsv", "svs-gender.xml", "decor-roles.xml", "fhir-units.xml", "fhir-gender-cs.xml",
    "fhir-roles-cm.xml", "national.tsv", "designations.tsv", NULL
};

static void setup(void)
{
    epsos_ctx *ctx = NULL;
    epsos_catalogue_builder *b = NULL;
    char path[4096];
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    ck_assert_int_eq(epsos_catalogue_builder_new(&b, ctx), EPSOS_OK);
    for (int i = 0; term_fixtures[i]; i++) {
        snprintf(path, sizeof path, "%s/term/%s", TEST_DATA, term_fixtures[i]);
        ck_assert_msg(epsos_catalogue_builder_add_file(b, path) == EPSOS_OK, "%s: %s", path,
                      epsos_ctx_errmsg(ctx));
    }
    ck_assert_int_eq(epsos_catalogue_builder_finish(&fx.cat, b), EPSOS_OK);
    epsos_catalogue_builder_free(b);
    epsos_ctx_free(ctx);               /* the catalogue does not keep it */
    fx.ps = slurp(TEST_DATA "/ps-header.xml", &fx.ps_len);
    fx.national = slurp(TEST_DATA "/term/ps-national.xml", &fx.national_len);
    make_pki();
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    ck_assert_msg(epsos_trust_new_pem(&fx.trust, ctx, (const uint8_t *)fx.cert, fx.cert_len) ==
                  EPSOS_OK, "trust store: %s", epsos_ctx_errmsg(ctx));
    epsos_ctx_free(ctx);               /* the trust store does not keep it */
    ck_assert_uint_eq(epsos_trust_count(fx.trust), 1);
}

static void teardown(void)
{
    epsos_catalogue_free(fx.cat);
    epsos_trust_free(fx.trust);
    free(fx.key);
    free(fx.cert);
    free(fx.ps);
    free(fx.national);
    memset(&fx, 0, sizeof fx);
}

/* ---- the work of one thread ------------------------------------------------ */

static void read_all(tx *t, epsos_item *it, int depth)
{
    int32_t k = epsos_item_kind(it);
    putf(t, "%*s%s %s line %d\n", depth, "", epsos_kind_name(k), epsos_item_path(it),
         (int)epsos_item_line(it));
    for (size_t i = 0; i < epsos_kind_field_count(k); i++) {
        int32_t f = epsos_kind_field_at(k, i);
        size_t n = 0;
        epsos_item_count(it, f, &n);
        for (size_t j = 0; j < n; j++) {
            const char *a = NULL, *b = NULL, *c = NULL;
            epsos_item *child;
            putf(t, "%*s%s[%zu] ", depth, "", epsos_field_name(f), j);
            switch (epsos_field_type(k, f)) {
            case EPSOS_T_ITEM:
                put(t, "\n", 1);
                if (epsos_item_child(&child, it, f, j) == EPSOS_OK)
                    read_all(t, child, depth + 1);
                continue;
            case EPSOS_T_CD:
                epsos_item_get_code(it, f, j, &a, &b, &c);
                break;
            case EPSOS_T_II: epsos_item_get_id(it, f, j, &a, &b); break;
            case EPSOS_T_TS: epsos_item_get_time(it, f, j, &a); break;
            case EPSOS_T_TEL: epsos_item_get_telecom(it, f, j, &a, &b); break;
            case EPSOS_T_PQ: epsos_item_get_quantity(it, f, j, &a, &b); break;
            default: epsos_item_get_text(it, f, j, &a); break;
            }
            puts_or_null(t, a);
            puts_or_null(t, b);
            puts_or_null(t, c);
            put(t, "\n", 1);
        }
    }
}

static void serialize(tx *t, epsos_ctx *ctx, const char *label, epsos_doc *doc)
{
    uint8_t *out = NULL;
    size_t len = 0;
    putf(t, "== %s\n", label);
    if (TRY(t, ctx, epsos_doc_serialize(&out, &len, doc, 0)) == EPSOS_OK)
        put(t, out, len);
    put(t, "\n", 1);
    epsos_free(out);
}

static void validate(tx *t, epsos_ctx *ctx, const char *label, epsos_doc *doc)
{
    epsos_report *r = NULL;
    putf(t, "== validate %s\n", label);
    if (TRY(t, ctx, epsos_validate(&r, ctx, doc, 0)) == EPSOS_OK) {
        size_t n = epsos_report_count(r, 0);
        putf(t, "%zu findings, %zu errors\n", n, epsos_report_count(r, EPSOS_SEV_ERROR));
        for (size_t i = 0; i < n; i++)
            putf(t, "%d %s %s line %d: %s\n", (int)epsos_report_severity(r, i),
                 epsos_report_rule(r, i), epsos_report_xpath(r, i), (int)epsos_report_line(r, i),
                 epsos_report_message(r, i));
    }
    epsos_report_free(r);
}

static void term_report(tx *t, const epsos_term_report *r)
{
    for (int32_t s = EPSOS_TERM_STAT_VISITED; s <= EPSOS_TERM_STAT_MISSING; s++) {
        size_t v = 0;
        epsos_term_report_stat(r, s, &v);
        putf(t, "stat %d = %zu\n", (int)s, v);
    }
    for (size_t i = 0; i < epsos_term_report_count(r); i++) {
        int32_t code = 0;
        const char *xp = NULL, *vs = NULL, *msg = NULL;
        epsos_term_report_finding(r, i, &code, &xp, &vs, &msg);
        putf(t, "finding %d ", (int)code);
        puts_or_null(t, xp);
        puts_or_null(t, vs);
        puts_or_null(t, msg);
        put(t, "\n", 1);
    }
}

static int fixed_id(void *user, char *buf, size_t len)
{
    unsigned *n = user;
    snprintf(buf, len, "2.999.77.%u", ++*n);
    return 0;
}

static int fixed_clock(void *user, char *buf, size_t len)
{
    (void)user;
    snprintf(buf, len, "20261124120000+0000");
    return 0;
}

static void verify(tx *t, epsos_ctx *ctx, epsos_verifier *v, const char *label,
                   const uint8_t *xml, size_t len)
{
    epsos_dsig_result *r = NULL;
    putf(t, "== verify %s: ", label);
    if (TRY(t, ctx, epsos_xml_verify(&r, v, xml, len, NULL)) == EPSOS_OK)
        putf(t, "%s %s subject %s\n",
             epsos_dsig_result_status(r) == EPSOS_DSIG_VALID ? "valid" : "invalid",
             epsos_dsig_reason_name(epsos_dsig_result_reason(r)), epsos_dsig_result_subject(r));
    epsos_dsig_result_free(r);
}

static void work(tx *t)
{
    epsos_ctx *ctx = NULL;
    epsos_doc *doc = NULL;
    epsos_item *h = NULL, *s, *e;
    if (TRY(t, NULL, epsos_ctx_new(&ctx)) != EPSOS_OK)
        return;

    /* parse and read every field */
    if (TRY(t, ctx, epsos_doc_parse(&doc, ctx, (const uint8_t *)fx.ps, fx.ps_len, 0)) == EPSOS_OK &&
        TRY(t, ctx, epsos_doc_header(&h, doc)) == EPSOS_OK) {
        read_all(t, h, 0);
        validate(t, ctx, "parsed", doc);
    }
    epsos_doc_free(doc);
    doc = NULL;

    /* build: the header of the fixture, sections through the API */
    unsigned counter = 0;
    size_t n = 0;
    if (TRY(t, ctx, epsos_doc_parse(&doc, ctx, (const uint8_t *)fx.ps, fx.ps_len, 0)) == EPSOS_OK &&
        TRY(t, ctx, epsos_doc_header(&h, doc)) == EPSOS_OK) {
        epsos_item_count(h, EPSOS_F_SECTION, &n);
        while (n-- > 0)
            TRY(t, ctx, epsos_item_remove(h, EPSOS_F_SECTION, 0));
        TRY(t, ctx, epsos_item_remove(h, EPSOS_F_EFFECTIVE_TIME, 0));   /* from the clock */
        TRY(t, ctx, epsos_doc_set_sources(doc, fixed_id, fixed_clock, &counter));
        TRY(t, ctx, epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_ALLERGIES_SECTION));
        TRY(t, ctx, epsos_item_add_child(&e, s, EPSOS_F_ALLERGY));
        TRY(t, ctx, epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
        TRY(t, ctx, epsos_item_set_time(e, EPSOS_F_START, 0, "20100301"));
        epsos_item *o = NULL;
        TRY(t, ctx, epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
        TRY(t, ctx, epsos_item_set_code(o, EPSOS_F_CODE, 0, "609328004", "2.16.840.1.113883.6.96",
                                        "Allergic disposition"));
        TRY(t, ctx, epsos_item_set_text(o, EPSOS_F_STATUS, 0, "completed"));
        TRY(t, ctx, epsos_item_set_time(o, EPSOS_F_START, 0, "20100301"));
        TRY(t, ctx, epsos_item_set_code(o, EPSOS_F_AGENT, 0, "J01CA04", "2.16.840.1.113883.6.73",
                                        "amoxicillin"));
        static const int32_t absent[] = { EPSOS_KIND_PS_MEDICATION_SECTION,
            EPSOS_KIND_PS_PROBLEMS_SECTION, EPSOS_KIND_PS_SURGERIES_SECTION,
            EPSOS_KIND_PS_DEVICES_SECTION };
        for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
            TRY(t, ctx, epsos_ps_set_absent(NULL, doc, absent[i], EPSOS_ABSENT_NO_INFO));
        TRY(t, ctx, epsos_doc_complete(doc, 0));
        serialize(t, ctx, "built", doc);
        validate(t, ctx, "built", doc);
    }
    epsos_doc_free(doc);
    doc = NULL;

    /* transcode and translate with the shared catalogue */
    epsos_term_report *r = NULL;
    if (TRY(t, ctx, epsos_doc_parse(&doc, ctx, (const uint8_t *)fx.national, fx.national_len,
                                    0)) == EPSOS_OK &&
        TRY(t, ctx, epsos_term_report_new(&r, ctx)) == EPSOS_OK) {
        put(t, "== transcode\n", 13);
        TRY(t, ctx, epsos_transcode(doc, fx.cat, 0, r));
        term_report(t, r);
        epsos_term_report_free(r);
        r = NULL;
        put(t, "== translate\n", 13);
        if (TRY(t, ctx, epsos_term_report_new(&r, ctx)) == EPSOS_OK) {
            TRY(t, ctx, epsos_translate(doc, fx.cat, "de-AT", 0, r));
            term_report(t, r);
        }
        serialize(t, ctx, "transcoded and translated", doc);
    }
    epsos_term_report_free(r);
    epsos_doc_free(doc);
    doc = NULL;

    /* sign (RSA: the same bytes every time) and verify */
    epsos_signer *signer = NULL;
    epsos_verifier *v = NULL;
    uint8_t *signed_xml = NULL;
    size_t signed_len = 0;
    if (TRY(t, ctx, epsos_signer_new_pem(&signer, ctx, (const uint8_t *)fx.key, fx.key_len,
                                         (const uint8_t *)fx.cert, fx.cert_len)) == EPSOS_OK &&
        TRY(t, ctx, epsos_doc_parse(&doc, ctx, (const uint8_t *)fx.ps, fx.ps_len, 0)) == EPSOS_OK &&
        TRY(t, ctx, epsos_doc_sign(doc, signer, NULL, EPSOS_DSIG_POS_DEFAULT)) == EPSOS_OK &&
        TRY(t, ctx, epsos_doc_serialize(&signed_xml, &signed_len, doc, 0)) == EPSOS_OK) {
        put(t, "== signed\n", 10);
        put(t, signed_xml, signed_len);
        put(t, "\n", 1);
    }
    if (signed_xml && TRY(t, ctx, epsos_verifier_new(&v, ctx)) == EPSOS_OK &&
        TRY(t, ctx, epsos_verifier_set_trust(v, fx.trust)) == EPSOS_OK &&
        TRY(t, ctx, epsos_verifier_set_time(v, 1798761600)) == EPSOS_OK) {   /* 2027-01-01 */
        verify(t, ctx, v, "signed", signed_xml, signed_len);
        char *title = strstr((char *)signed_xml, "<title>");
        if (title) {
            title[7] ^= 0x20;                     /* flip the case of a signed letter */
            verify(t, ctx, v, "tampered", signed_xml, signed_len);
        }
    }
    epsos_free(signed_xml);
    epsos_verifier_free(v);
    epsos_doc_free(doc);
    epsos_signer_free(signer);
    epsos_ctx_free(ctx);
}

static tx results[THREADS][ROUNDS];

static void *thread_main(void *arg)
{
    tx *mine = arg;
    for (int i = 0; i < ROUNDS; i++)
        work(&mine[i]);
    return NULL;
}

START_TEST(test_threads_same_results)
{
    tx ref = { 0 };
    work(&ref);                                   /* the single-thread run */
    if (getenv("THREADS_TRANSCRIPT")) {           /* to look at it */
        FILE *f = fopen(getenv("THREADS_TRANSCRIPT"), "w");
        if (f) {
            fwrite(ref.p, 1, ref.n, f);
            fclose(f);
        }
    }
    ck_assert_msg(!ref.failed, "single-thread run failed:\n%.2000s",
                  ref.p ? strstr(ref.p, "FAILED") : "(out of memory)");
    /* the reference itself is what it should be */
    ck_assert_ptr_nonnull(strstr(ref.p, "== verify signed: valid ok subject "));
    ck_assert_ptr_nonnull(strstr(ref.p, "== verify tampered: invalid digest-mismatch"));
    ck_assert_ptr_nonnull(strstr(ref.p, "2.999.77.1"));           /* the injected ids */
    ck_assert_ptr_nonnull(strstr(ref.p, "20261124120000+0000"));  /* and clock */
    const char *vb = strstr(ref.p, "== validate built\n");
    size_t nfind = 0, nerr = 1;
    ck_assert_ptr_nonnull(vb);
    ck_assert_int_eq(sscanf(vb + 18, "%zu findings, %zu errors", &nfind, &nerr), 2);
    ck_assert_uint_eq(nerr, 0);                                   /* a valid PS built */
    const char *tc = strstr(ref.p, "== transcode\n");
    size_t visited = 0, transcoded = 0;
    ck_assert_ptr_nonnull(tc);
    ck_assert_int_eq(sscanf(tc, "== transcode\nstat 1 = %zu\nstat 2 = %zu", &visited,
                            &transcoded), 2);
    ck_assert_uint_gt(transcoded, 0);                             /* W -> F */

    pthread_t th[THREADS];
    memset(results, 0, sizeof results);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main, results[i]), 0);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    ck_assert_uint_eq(epsos_trust_count(fx.trust), 1);  /* untouched by the threads */
    for (int i = 0; i < THREADS; i++)
        for (int j = 0; j < ROUNDS; j++) {
            tx *got = &results[i][j];
            size_t k = 0;
            while (k < ref.n && k < got->n && ref.p[k] == got->p[k])
                k++;
            ck_assert_msg(!got->failed && got->n == ref.n && k == ref.n,
                          "thread %d round %d differs from the single-thread run at byte %zu:\n"
                          "want: %.200s\ngot:  %.200s", i, j, k, ref.p + k,
                          got->p ? got->p + k : "(nothing)");
            free(got->p);
        }
    free(ref.p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_threads_same_results);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
