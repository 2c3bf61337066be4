/*
 * libepsos - the shared, immutable trust store (epsos_trust, issue 9):
 * made once from the PEM of a real openssl-made chain (tests/dsig/mkpki.sh),
 * attached to verifiers of other contexts, never changed by what a
 * verifier adds, refcounted past its creator and its verifiers, refusing
 * what it does not trust and PEM that does not decode; and the same store
 * under epsos_assertion_verify.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <epsos.h>
#include "../testutil.h"

#define OK(x) ck_assert_int_eq((x), EPSOS_OK)
#define HCP "_hcp-5b1d7c2e-1f4a-4c1e-9d3a-2b7f3a0c9e11"

static char pki[512];
static char *header;        /* tests/data/dsig/soap-header.xml */

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *pki_path(const char *name)
{
    static char buf[4][600];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", pki, name);
    return buf[k];
}

static char *pki_file(const char *name, size_t *len)
{
    return slurp(pki_path(name), len);
}

/* The header with its HCP assertion signed by NAME.key / NAME.pem (with
 * the intermediate in KeyInfo when chain). */
static char *signed_by(const char *name, int chain)
{
    char k[64], c[64];
    snprintf(k, sizeof k, "%s.key", name);
    snprintf(c, sizeof c, "%s.pem", name);
    size_t kl, cl, hl;
    char *key = pki_file(k, &kl), *cert = pki_file(c, &cl);
    epsos_ctx *ctx = NULL;
    epsos_signer *s = NULL;
    OK(epsos_ctx_new(&ctx));
    OK(epsos_signer_new_pem(&s, ctx, (uint8_t *)key, kl, (uint8_t *)cert, cl));
    if (chain) {
        char *ch = pki_file("chain.pem", &hl);
        OK(epsos_signer_add_chain_pem(s, (uint8_t *)ch, hl));
        free(ch);
    }
    uint8_t *out = NULL;
    size_t len = 0;
    OK(epsos_xml_sign(&out, &len, s, (uint8_t *)header, strlen(header), HCP, EPSOS_DSIG_POS_DEFAULT));
    char *r = strndup((char *)out, len);
    epsos_free(out);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
    free(key);
    free(cert);
    return r;
}

/* The reason v gives for the HCP signature of xml. */
static int32_t reason(epsos_verifier *v, const char *xml)
{
    epsos_dsig_result *r = NULL;
    OK(epsos_xml_verify(&r, v, (const uint8_t *)xml, strlen(xml), HCP));
    int32_t why = epsos_dsig_result_reason(r);
    ck_assert_int_eq(epsos_dsig_result_status(r), why == EPSOS_DSIG_OK ? EPSOS_DSIG_VALID
                                                                       : EPSOS_DSIG_INVALID);
    epsos_dsig_result_free(r);
    return why;
}

#define REASON(v, xml, want)                                                                  \
    do {                                                                                      \
        int32_t got_ = reason(v, xml);                                                        \
        ck_assert_msg(got_ == (want), "reason %s, expected %s", epsos_dsig_reason_name(got_), \
                      epsos_dsig_reason_name(want));                                          \
    } while (0)

static epsos_verifier *with_trust(epsos_ctx *ctx, epsos_trust *t)
{
    epsos_verifier *v = NULL;
    OK(epsos_verifier_new(&v, ctx));
    OK(epsos_verifier_set_trust(v, t));
    return v;
}

/* A store from a file, from memory and from a directory verifies the
 * chain root -> intermediate -> leaf in verifiers of other contexts, after
 * the context that made it is gone. */
START_TEST(test_shared_store_verifies)
{
    char *rsa = signed_by("rsa", 1), *ec = signed_by("ec", 1);
    epsos_ctx *maker = NULL, *a = NULL, *b = NULL;
    OK(epsos_ctx_new(&maker));
    OK(epsos_ctx_new(&a));
    OK(epsos_ctx_new(&b));
    epsos_trust *from_file = NULL, *from_mem = NULL;
    OK(epsos_trust_new(&from_file, maker, pki_path("trust.pem")));
    size_t len;
    char *pem = pki_file("trust.pem", &len);
    OK(epsos_trust_new_pem(&from_mem, maker, (uint8_t *)pem, len));
    free(pem);
    epsos_ctx_free(maker);                           /* the stores do not need it */
    ck_assert_uint_eq(epsos_trust_count(from_file), 1);
    ck_assert_uint_eq(epsos_trust_count(from_mem), 1);
    epsos_trust *stores[] = { from_file, from_mem };
    for (int i = 0; i < 2; i++) {
        epsos_verifier *va = with_trust(a, stores[i]), *vb = with_trust(b, stores[i]);
        REASON(va, rsa, EPSOS_DSIG_OK);
        REASON(vb, ec, EPSOS_DSIG_OK);
        REASON(vb, rsa, EPSOS_DSIG_OK);
        epsos_dsig_result *r = NULL;
        OK(epsos_xml_verify(&r, va, (uint8_t *)rsa, strlen(rsa), HCP));
        ck_assert_str_eq(epsos_dsig_result_subject(r), "CN=ncp-b.example,O=NCP-B,C=DK");
        epsos_dsig_result_free(r);
        epsos_verifier_free(va);
        epsos_verifier_free(vb);
    }
    epsos_trust_free(from_file);
    epsos_trust_free(from_mem);

    /* a directory: the root, both CRLs, a file without PEM (skipped) */
    char dir[700], cmd[3000];
    snprintf(dir, sizeof dir, "%s/sharedtrust", pki);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s %s %s/ && echo not-pem > %s/README", dir,
             pki_path("trust.pem"), pki_path("crls.pem"), dir, dir);
    ck_assert_int_eq(sh(cmd), 0);
    epsos_trust *t = NULL;
    OK(epsos_trust_new(&t, a, dir));
    ck_assert_uint_eq(epsos_trust_count(t), 3);      /* a certificate and two CRLs */
    char *revoked = signed_by("revoked", 1);
    epsos_verifier *v = with_trust(b, t);
    REASON(v, rsa, EPSOS_DSIG_OK);
    REASON(v, revoked, EPSOS_DSIG_CERT_REVOKED);     /* the store's CRLs are checked */
    OK(epsos_verifier_set_time(v, 4102444800));      /* 2100: the CRLs are out of date */
    REASON(v, rsa, EPSOS_DSIG_CERT_INVALID);
    epsos_verifier_free(v);
    epsos_trust_free(t);
    free(revoked);
    free(rsa);
    free(ec);
    epsos_ctx_free(a);
    epsos_ctx_free(b);
}
END_TEST

/* What a verifier adds stays in that verifier: the shared store and the
 * other verifiers of it are unchanged. */
START_TEST(test_store_not_modified)
{
    char *rsa = signed_by("rsa", 1), *evil = signed_by("evil", 0), *revoked = signed_by("revoked", 1);
    epsos_ctx *ctx = NULL;
    OK(epsos_ctx_new(&ctx));
    epsos_trust *t = NULL;
    OK(epsos_trust_new(&t, ctx, pki_path("trust.pem")));
    epsos_verifier *v1 = with_trust(ctx, t), *v2 = with_trust(ctx, t);
    REASON(v1, evil, EPSOS_DSIG_CERT_UNTRUSTED);
    OK(epsos_verifier_add_trust(v1, pki_path("evilca.pem")));   /* v1 alone */
    REASON(v1, evil, EPSOS_DSIG_OK);
    REASON(v1, rsa, EPSOS_DSIG_OK);                  /* the shared anchors still there */
    REASON(v1, revoked, EPSOS_DSIG_OK);
    epsos_verifier *v4 = with_trust(ctx, t);
    OK(epsos_verifier_add_trust(v4, pki_path("crls.pem")));     /* v4 alone */
    REASON(v4, revoked, EPSOS_DSIG_CERT_REVOKED);
    REASON(v4, rsa, EPSOS_DSIG_OK);
    ck_assert_uint_eq(epsos_trust_count(t), 1);
    REASON(v2, evil, EPSOS_DSIG_CERT_UNTRUSTED);     /* not in the shared store */
    REASON(v2, revoked, EPSOS_DSIG_OK);              /* no CRL there */
    REASON(v1, revoked, EPSOS_DSIG_OK);              /* nor in v1 */
    epsos_verifier *v3 = with_trust(ctx, t);         /* attached after the addition */
    REASON(v3, evil, EPSOS_DSIG_CERT_UNTRUSTED);
    /* set_trust replaces what the verifier had; NULL empties it */
    OK(epsos_verifier_set_trust(v1, t));
    REASON(v1, evil, EPSOS_DSIG_CERT_UNTRUSTED);
    REASON(v1, revoked, EPSOS_DSIG_OK);
    epsos_verifier *own = NULL;
    OK(epsos_verifier_new(&own, ctx));
    OK(epsos_verifier_add_trust(own, pki_path("evilca.pem")));
    REASON(own, evil, EPSOS_DSIG_OK);
    OK(epsos_verifier_set_trust(own, t));
    REASON(own, evil, EPSOS_DSIG_CERT_UNTRUSTED);
    REASON(own, rsa, EPSOS_DSIG_OK);
    OK(epsos_verifier_set_trust(own, NULL));
    REASON(own, rsa, EPSOS_DSIG_CERT_UNTRUSTED);
    OK(epsos_verifier_add_trust(own, pki_path("trust.pem")));    /* a store of its own again */
    REASON(own, rsa, EPSOS_DSIG_OK);
    ck_assert_uint_eq(epsos_trust_count(t), 1);
    epsos_verifier_free(own);
    epsos_verifier_free(v1);
    epsos_verifier_free(v2);
    epsos_verifier_free(v3);
    epsos_verifier_free(v4);
    epsos_trust_free(t);
    epsos_ctx_free(ctx);
    free(rsa);
    free(evil);
    free(revoked);
}
END_TEST

/* Chains the store does not vouch for are refused. */
START_TEST(test_untrusted_refused)
{
    epsos_ctx *ctx = NULL;
    OK(epsos_ctx_new(&ctx));
    epsos_trust *t = NULL;
    OK(epsos_trust_new(&t, ctx, pki_path("trust.pem")));
    epsos_verifier *v = with_trust(ctx, t);
    struct { const char *name; int chain; int32_t want; } c[] = {
        { "evil", 0, EPSOS_DSIG_CERT_UNTRUSTED },    /* same subject, another root */
        { "rsa", 0, EPSOS_DSIG_CERT_UNTRUSTED },     /* intermediate missing */
        { "expired", 1, EPSOS_DSIG_CERT_EXPIRED },
        { "future", 1, EPSOS_DSIG_CERT_NOT_YET_VALID },
        { "rsa", 1, EPSOS_DSIG_OK },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        char *x = signed_by(c[i].name, c[i].chain);
        REASON(v, x, c[i].want);
        free(x);
    }
    {   /* the verification time of the verifier applies */
        char *x = signed_by("rsa", 1);
        OK(epsos_verifier_set_time(v, 4102444800));  /* 2100 */
        REASON(v, x, EPSOS_DSIG_CERT_EXPIRED);
        OK(epsos_verifier_set_time(v, 946684800));   /* 2000 */
        REASON(v, x, EPSOS_DSIG_CERT_NOT_YET_VALID);
        OK(epsos_verifier_set_time(v, 0));
        free(x);
    }
    /* a store of the evil root only trusts the evil leaf */
    epsos_trust *e = NULL;
    OK(epsos_trust_new(&e, ctx, pki_path("evilca.pem")));
    OK(epsos_verifier_set_trust(v, e));
    epsos_trust_free(e);
    char *x = signed_by("rsa", 1), *y = signed_by("evil", 0);
    REASON(v, x, EPSOS_DSIG_CERT_UNTRUSTED);
    REASON(v, y, EPSOS_DSIG_OK);
    free(x);
    free(y);
    epsos_verifier_free(v);
    epsos_trust_free(t);
    epsos_ctx_free(ctx);
}
END_TEST

/* Bad input: a clear error on the ctx, *out NULL. */
START_TEST(test_bad_pem)
{
    epsos_ctx *ctx = NULL;
    OK(epsos_ctx_new(&ctx));
    epsos_trust *t = (epsos_trust *)1;
    size_t len;
    char *good = pki_file("trust.pem", &len);
    /* a corrupted certificate: base64 of no DER certificate */
    char *bad = strdup(good);
    char *mid = strstr(bad, "-----END CERTIFICATE-----") - 40;
    memset(mid, 'A', 30);
    ck_assert_int_eq(epsos_trust_new_pem(&t, ctx, (uint8_t *)bad, strlen(bad)), EPSOS_EVALUE);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EVALUE);
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), "not a valid certificate or X509 CRL") != NULL,
                  "message: %s", epsos_ctx_errmsg(ctx));
    /* the same for a verifier's own additions, and in a file */
    epsos_verifier *v = NULL;
    OK(epsos_verifier_new(&v, ctx));
    ck_assert_int_eq(epsos_verifier_add_trust_pem(v, (uint8_t *)bad, strlen(bad)), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "not a valid certificate"));
    char path[700];
    snprintf(path, sizeof path, "%s/bad.pem", pki);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(bad, f);
    fclose(f);
    t = (epsos_trust *)1;
    ck_assert_int_eq(epsos_trust_new(&t, ctx, path), EPSOS_EVALUE);
    ck_assert_ptr_null(t);
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), path) != NULL, "message: %s", epsos_ctx_errmsg(ctx));
    /* one good certificate followed by a bad one: all refused */
    size_t gl = strlen(good), bl = strlen(bad);
    char *both = malloc(gl + bl + 1);
    memcpy(both, good, gl);
    memcpy(both + gl, bad, bl + 1);
    ck_assert_int_eq(epsos_trust_new_pem(&t, ctx, (uint8_t *)both, gl + bl), EPSOS_EVALUE);
    ck_assert_ptr_null(t);
    /* no PEM at all; a private key only; nothing; no file */
    const char *junk = "this is no certificate\n";
    ck_assert_int_eq(epsos_trust_new_pem(&t, ctx, (const uint8_t *)junk, strlen(junk)), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "no PEM certificate or CRL"));
    ck_assert_int_eq(epsos_trust_new(&t, ctx, pki_path("rsa.key")), EPSOS_EVALUE);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(epsos_trust_new_pem(&t, ctx, NULL, 0), EPSOS_EINVAL);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "epsos_trust_new_pem: no data"));
    ck_assert_int_eq(epsos_trust_new(&t, ctx, pki_path("nonexistent.pem")), EPSOS_EIO);
    ck_assert_int_eq(epsos_trust_new(&t, ctx, NULL), EPSOS_EINVAL);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "NULL path"));
    ck_assert_int_eq(epsos_trust_new(NULL, ctx, pki_path("trust.pem")), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_trust_new(&t, NULL, pki_path("trust.pem")), EPSOS_EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(epsos_verifier_set_trust(NULL, NULL), EPSOS_EINVAL);
    ck_assert_uint_eq(epsos_trust_count(NULL), 0);
    epsos_trust_free(NULL);
    /* the good one is fine after all that */
    OK(epsos_trust_new_pem(&t, ctx, (uint8_t *)good, gl));
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    epsos_trust_free(t);
    epsos_verifier_free(v);
    free(both);
    free(bad);
    free(good);
    epsos_ctx_free(ctx);
}
END_TEST

/* The store lives while a verifier holds it: the creator's reference can
 * go first, verifiers can be freed in any order (valgrind checks there is
 * no use after free and no leak). */
START_TEST(test_refcount)
{
    char *rsa = signed_by("rsa", 1);
    epsos_ctx *c1 = NULL, *c2 = NULL;
    OK(epsos_ctx_new(&c1));
    OK(epsos_ctx_new(&c2));
    epsos_trust *t = NULL;
    OK(epsos_trust_new(&t, c1, pki_path("trust.pem")));
    epsos_verifier *v1 = with_trust(c1, t), *v2 = with_trust(c2, t);
    OK(epsos_verifier_set_trust(v1, t));             /* again: no extra reference kept */
    epsos_trust_free(t);                             /* the creator lets go */
    REASON(v1, rsa, EPSOS_DSIG_OK);
    epsos_verifier_free(v1);
    epsos_ctx_free(c1);
    REASON(v2, rsa, EPSOS_DSIG_OK);                  /* still alive in v2 */
    OK(epsos_verifier_add_trust(v2, pki_path("crls.pem")));   /* a private copy */
    REASON(v2, rsa, EPSOS_DSIG_OK);
    epsos_verifier_free(v2);                         /* the last reference */
    /* the last reference dropped by set_trust(NULL) while the verifier
     * has a private copy of the store: both released (valgrind: no leak) */
    OK(epsos_trust_new(&t, c2, pki_path("trust.pem")));
    OK(epsos_verifier_new(&v2, c2));
    OK(epsos_verifier_set_trust(v2, t));
    epsos_trust_free(t);
    OK(epsos_verifier_add_trust(v2, pki_path("evilca.pem")));
    OK(epsos_verifier_set_trust(v2, NULL));
    REASON(v2, rsa, EPSOS_DSIG_CERT_UNTRUSTED);
    epsos_verifier_free(v2);
    epsos_ctx_free(c2);
    free(rsa);
}
END_TEST

/* epsos_assertion_verify with a verifier on a shared store. */
START_TEST(test_assertion_shared_store)
{
    epsos_ctx *ctx = NULL;
    OK(epsos_ctx_new(&ctx));
    int64_t t0 = 1798761600;                         /* 2027-01-01: the certificates are valid */
    epsos_assertion_builder *b = NULL;
    OK(epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_TRC));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ID, "_trc-0001"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ISSUER, "urn:initgw:DK:countryB"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NAME_ID, "doctor@hospital.example"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_SUBJECT_ID, "1011649927^^^&1.2.208.176.1.2&ISO"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_PURPOSE, "TREATMENT"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_HCP_ID_REF, "_hcp-0001"));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_ISSUE_INSTANT, t0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_BEFORE, t0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_ON_OR_AFTER, t0 + 3600));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_AUTHN_INSTANT, t0));
    const char *signers[] = { "rsa", "evil" };
    int32_t want[] = { EPSOS_SAML_OK, EPSOS_SAML_BAD_SIGNATURE };
    epsos_trust *t = NULL;
    OK(epsos_trust_new(&t, ctx, pki_path("trust.pem")));
    for (int i = 0; i < 2; i++) {
        char k[64], c[64];
        snprintf(k, sizeof k, "%s.key", signers[i]);
        snprintf(c, sizeof c, "%s.pem", signers[i]);
        size_t kl, cl, hl;
        char *key = pki_file(k, &kl), *cert = pki_file(c, &cl), *ch = pki_file("chain.pem", &hl);
        epsos_signer *s = NULL;
        OK(epsos_signer_new_pem(&s, ctx, (uint8_t *)key, kl, (uint8_t *)cert, cl));
        if (i == 0)
            OK(epsos_signer_add_chain_pem(s, (uint8_t *)ch, hl));
        uint8_t *out = NULL;
        size_t len = 0;
        OK(epsos_assertion_builder_sign(&out, &len, b, s));
        epsos_verifier *v = with_trust(ctx, t);
        OK(epsos_verifier_set_time(v, t0 + 60));
        epsos_assertion *a = NULL;
        OK(epsos_assertion_parse(&a, ctx, out, len, EPSOS_ASSERTION_TRC, 0));
        int32_t verdict = -1;
        OK(epsos_assertion_verify(&verdict, a, v, t0 + 60, 60));
        ck_assert_msg(verdict == want[i], "%s: verdict %d (%s)", signers[i], (int)verdict,
                      epsos_assertion_message(a));
        if (i == 1)
            ck_assert_ptr_nonnull(strstr(epsos_assertion_message(a), "cert-untrusted"));
        epsos_assertion_free(a);
        epsos_verifier_free(v);
        epsos_free(out);
        epsos_signer_free(s);
        free(key);
        free(cert);
        free(ch);
    }
    epsos_trust_free(t);
    epsos_assertion_builder_free(b);
    epsos_ctx_free(ctx);
}
END_TEST

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(pki, sizeof pki, "%s/epsos-trust.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(pki)) {
        perror("mkdtemp");
        return 99;
    }
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "sh %s/tests/dsig/mkpki.sh %s", TOP_SRCDIR, pki);
    if (sh(cmd) != 0) {
        fprintf(stderr, "cannot make the test PKI with openssl (%s)\n", cmd);
        return 99;
    }
    FILE *f = fopen(TEST_DATA "/dsig/soap-header.xml", "rb");
    if (!f)
        return 99;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    header = calloc(1, (size_t)n + 1);
    if (!header || fread(header, 1, (size_t)n, f) != (size_t)n)
        return 99;
    fclose(f);
    Suite *s = suite_create("trust");
    TCase *t = tcase_create("trust");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_shared_store_verifies);
    tcase_add_test(t, test_store_not_modified);
    tcase_add_test(t, test_untrusted_refused);
    tcase_add_test(t, test_bad_pem);
    tcase_add_test(t, test_refcount);
    tcase_add_test(t, test_assertion_shared_store);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(cmd, sizeof cmd, "rm -rf %s", pki);
    sh(cmd);
    free(header);
    return failed ? 1 : 0;
}
