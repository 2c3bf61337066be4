/*
 * libepsos - XML signature tests: profile, interop with xmlsec1 in both
 * directions, the real legacy epSOS sample, and the attack suite.
 * SPDX-License-Identifier: MIT
 *
 * Keys and certificates are made by tests/dsig/mkpki.sh (openssl) in a
 * fresh temporary directory for every run.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <epsos.h>
#include "../testutil.h"

#define OK(x) ck_assert_int_eq((x), EPSOS_OK)

#define HCP "_hcp-5b1d7c2e-1f4a-4c1e-9d3a-2b7f3a0c9e11"
#define TRC "_trc-0c6f2d4a-8e3b-4b5f-a1d2-7e9c3b5a1f20"
#define TMPL_ID "_a7f3c2d1-9b8e-4f6a-8c5d-3e2f1a0b9c8d"
#define ID_ATTR "--id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion"

static char pki[512];
static int have_xmlsec = 0;

/* ---- helpers ------------------------------------------------------------ */

static char *pki_path(const char *name)
{
    static char buf[4][600];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", pki, name);
    return buf[k];
}

static char *data_file(const char *name)
{
    char p[600];
    snprintf(p, sizeof p, "%s/dsig/%s", TEST_DATA, name);
    return slurp(p, NULL);
}

/* The substring from the first `from` to the end of the first `to` after it. */
static char *extract(const char *s, const char *from, const char *to)
{
    const char *a = strstr(s, from);
    ck_assert_ptr_nonnull(a);
    const char *b = strstr(a, to);
    ck_assert_ptr_nonnull(b);
    b += strlen(to);
    return strndup(a, (size_t)(b - a));
}

static epsos_signer *signer(epsos_ctx *ctx, const char *name, int chain)
{
    char kp[600], cp[600];
    snprintf(kp, sizeof kp, "%s/%s.key", pki, name);
    snprintf(cp, sizeof cp, "%s/%s.pem", pki, name);
    size_t kl, cl;
    char *k = slurp(kp, &kl), *c = slurp(cp, &cl);
    epsos_signer *s = NULL;
    OK(epsos_signer_new_pem(&s, ctx, (uint8_t *)k, kl, (uint8_t *)c, cl));
    free(k);
    free(c);
    if (chain) {
        char *ch = slurp(pki_path("chain.pem"), &cl);
        OK(epsos_signer_add_chain_pem(s, (uint8_t *)ch, cl));
        free(ch);
    }
    return s;
}

static char *sign_str(epsos_signer *s, const char *xml, const char *id, int32_t pos)
{
    uint8_t *out = NULL;
    size_t len = 0;
    OK(epsos_xml_sign(&out, &len, s, (const uint8_t *)xml, strlen(xml), id, pos));
    char *r = strndup((char *)out, len);
    epsos_free(out);
    return r;
}

/* The signed SOAP header: HCP by RSA, TRC by EC, both with the chain. */
static char *signed_header(epsos_ctx *ctx)
{
    char *xml = data_file("soap-header.xml");
    epsos_signer *r = signer(ctx, "rsa", 1), *e = signer(ctx, "ec", 1);
    char *a = sign_str(r, xml, HCP, EPSOS_DSIG_POS_DEFAULT);
    char *b = sign_str(e, a, TRC, EPSOS_DSIG_POS_DEFAULT);
    free(xml);
    free(a);
    epsos_signer_free(r);
    epsos_signer_free(e);
    return b;
}

static epsos_verifier *verifier(epsos_ctx *ctx, uint32_t flags)
{
    epsos_verifier *v = NULL;
    OK(epsos_verifier_new(&v, ctx));
    OK(epsos_verifier_add_trust(v, pki_path("trust.pem")));
    OK(epsos_verifier_set_flags(v, flags));
    return v;
}

/* The reason of verifying xml (for id) with the test trust store. */
static int32_t reason_of(epsos_ctx *ctx, const char *xml, const char *id, uint32_t flags)
{
    epsos_verifier *v = verifier(ctx, flags);
    epsos_dsig_result *res = NULL;
    OK(epsos_xml_verify(&res, v, (const uint8_t *)xml, strlen(xml), id));
    int32_t reason = epsos_dsig_result_reason(res);
    int32_t status = epsos_dsig_result_status(res);
    ck_assert_int_eq(status, reason == EPSOS_DSIG_OK ? EPSOS_DSIG_VALID : EPSOS_DSIG_INVALID);
    ck_assert_str_ne(epsos_dsig_result_message(res), "");
    epsos_dsig_result_free(res);
    epsos_verifier_free(v);
    return reason;
}

#define REASON(ctx, xml, id, flags, want)                                                  \
    do {                                                                                   \
        int32_t got_ = reason_of(ctx, xml, id, flags);                                     \
        ck_assert_msg(got_ == (want), "reason %s, expected %s", epsos_dsig_reason_name(got_), \
                      epsos_dsig_reason_name(want));                                       \
    } while (0)

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- profile ------------------------------------------------------------ */

START_TEST(test_sign_verify_header)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    char *x = signed_header(ctx);
    /* placement: right after saml:Issuer, both assertions */
    ck_assert_ptr_nonnull(strstr(x, "urn:idp:DK:countryB</saml2:Issuer><ds:Signature"));
    ck_assert_ptr_nonnull(strstr(x, "urn:initgw:DK:countryB</saml2:Issuer><ds:Signature"));
    ck_assert_ptr_nonnull(strstr(x, "PrefixList=\"xsd\""));
    ck_assert_ptr_nonnull(strstr(x, "xmldsig-more#ecdsa-sha256"));

    epsos_verifier *v = verifier(ctx, 0);
    epsos_dsig_result *res = NULL;
    OK(epsos_xml_verify(&res, v, (uint8_t *)x, strlen(x), HCP));
    ck_assert_int_eq(epsos_dsig_result_status(res), EPSOS_DSIG_VALID);
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_OK);
    ck_assert_str_eq(epsos_dsig_result_path(res),
                     "/*[local-name()='Envelope']/*[local-name()='Header']/*[local-name()='Security']"
                     "/*[local-name()='Assertion'][1]");
    ck_assert_str_eq(epsos_dsig_result_subject(res), "CN=ncp-b.example,O=NCP-B,C=DK");
    const uint8_t *der = NULL;
    size_t der_len = 0;
    OK(epsos_dsig_result_cert(res, &der, &der_len));
    size_t want_len;
    char *want = slurp(pki_path("rsa.der"), &want_len);
    ck_assert_uint_eq(der_len, want_len);
    ck_assert(memcmp(der, want, der_len) == 0);
    free(want);
    epsos_dsig_result_free(res);

    OK(epsos_xml_verify(&res, v, (uint8_t *)x, strlen(x), TRC));
    ck_assert_int_eq(epsos_dsig_result_status(res), EPSOS_DSIG_VALID);
    ck_assert_str_eq(epsos_dsig_result_subject(res), "CN=ncp-a.example,O=NCP-A,C=AT");
    ck_assert_ptr_nonnull(strstr(epsos_dsig_result_path(res), "Assertion'][2]"));
    epsos_dsig_result_free(res);

    /* the whole header holds two signatures, not one */
    REASON(ctx, x, NULL, 0, EPSOS_DSIG_MULTIPLE_SIGNATURES);
    /* nothing else in the document changed */
    char *orig = data_file("soap-header.xml");
    char *s1 = extract(x, "<ds:Signature", "</ds:Signature>");
    char *y = replace(x, s1, "");
    char *s2 = extract(y, "<ds:Signature", "</ds:Signature>");
    char *z = replace(y, s2, "");
    ck_assert_ptr_nonnull(strstr(orig, strchr(z, '>') + 1));
    free(orig); free(s1); free(s2); free(y); free(z);
    epsos_verifier_free(v);
    free(x);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_sign_doc)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    char p[600];
    snprintf(p, sizeof p, "%s/ps-header.xml", TEST_DATA);
    epsos_doc *doc = NULL;
    OK(epsos_doc_parse_file(&doc, ctx, p, 0));
    epsos_signer *s = signer(ctx, "ec", 1);
    epsos_verifier *v = verifier(ctx, 0);
    epsos_dsig_result *res = NULL;
    OK(epsos_doc_verify(&res, v, doc, NULL));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_NO_SIGNATURE);
    epsos_dsig_result_free(res);

    OK(epsos_doc_sign(doc, s, NULL, EPSOS_DSIG_POS_DEFAULT));
    OK(epsos_doc_verify(&res, v, doc, NULL));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_OK);
    ck_assert_str_eq(epsos_dsig_result_path(res), "/hl7:ClinicalDocument");
    epsos_dsig_result_free(res);
    /* signing twice is refused */
    ck_assert_int_eq(epsos_doc_sign(doc, s, NULL, EPSOS_DSIG_POS_DEFAULT), EPSOS_EVALUE);

    uint8_t *out = NULL;
    size_t len = 0;
    OK(epsos_doc_serialize(&out, &len, doc, 0));
    char *x = strndup((char *)out, len);
    epsos_free(out);
    ck_assert_ptr_nonnull(strstr(x, "<ds:Reference URI=\"\">"));
    ck_assert_ptr_nonnull(strstr(x, "</ds:Signature></ClinicalDocument>"));
    REASON(ctx, x, NULL, 0, EPSOS_DSIG_OK);
    /* the content of the whole document is signed */
    char *y = replace(x, "<title>", "<title>X");
    REASON(ctx, y, NULL, 0, EPSOS_DSIG_DIGEST_MISMATCH);
    free(y);
    /* expects URI="" */
    y = replace(x, "<ds:Reference URI=\"\">", "<ds:Reference URI=\"#x\">");
    REASON(ctx, y, NULL, 0, EPSOS_DSIG_REFERENCE_NOT_FOUND);
    free(y);
    free(x);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_pkcs12_and_position)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    size_t len;
    char *p12 = slurp(pki_path("rsa.p12"), &len);
    epsos_signer *s = NULL;
    ck_assert_int_eq(epsos_signer_new_pkcs12(&s, ctx, (uint8_t *)p12, len, (const uint8_t *)"wrong", 5),
                     EPSOS_EVALUE);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(epsos_signer_new_pkcs12(&s, ctx, (uint8_t *)p12, len, (const uint8_t *)"s3\0x", 4),
                     EPSOS_EINVAL);
    OK(epsos_signer_new_pkcs12(&s, ctx, (uint8_t *)p12, len, (const uint8_t *)"s3cret pass", 11));
    char *xml = data_file("soap-header.xml");
    /* position 0: the first child element of the assertion */
    char *x = sign_str(s, xml, HCP, 0);
    ck_assert_ptr_nonnull(strstr(x, "<ds:Signature"));
    ck_assert(strstr(x, "<ds:Signature") < strstr(x, "<saml2:Issuer"));
    /* the chain of the PKCS#12 bag is in KeyInfo: verifies against the root */
    REASON(ctx, x, HCP, 0, EPSOS_DSIG_OK);
    free(x);
    x = sign_str(s, xml, HCP, 2);
    ck_assert_ptr_nonnull(strstr(x, "</saml2:Subject>\n        <ds:Signature"));
    REASON(ctx, x, HCP, 0, EPSOS_DSIG_OK);
    free(x);
    uint8_t *out = NULL;
    ck_assert_int_eq(epsos_xml_sign(&out, &len, s, (uint8_t *)xml, strlen(xml), "_none", -1),
                     EPSOS_ENOTFOUND);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(epsos_xml_sign(&out, &len, s, (uint8_t *)xml, strlen(xml), HCP, -2),
                     EPSOS_EINVAL);
    /* a key that is not the certificate's */
    char *k = slurp(pki_path("ec.key"), NULL), *c = slurp(pki_path("rsa.pem"), NULL);
    epsos_signer *bad = NULL;
    ck_assert_int_eq(epsos_signer_new_pem(&bad, ctx, (uint8_t *)k, strlen(k), (uint8_t *)c, strlen(c)),
                     EPSOS_EVALUE);
    ck_assert_ptr_null(bad);
    free(k);
    free(c);
    free(xml);
    free(p12);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- interop with xmlsec1 ----------------------------------------------- */

START_TEST(test_interop_to_xmlsec)
{
    if (!have_xmlsec) {
        fprintf(stderr, "xmlsec1 not found: interop test skipped\n");
        return;
    }
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    const char *algs[] = { "rsa", "ec" };
    char *xml = data_file("soap-header.xml");
    char *cda = data_file("tmpl-doc-rsa.xml");
    char *sig = extract(cda, "<Signature", "</Signature>");
    char *plain = replace(cda, sig, "");
    for (int i = 0; i < 2; i++) {
        epsos_signer *s = signer(ctx, algs[i], 1);
        char *a = sign_str(s, xml, HCP, EPSOS_DSIG_POS_DEFAULT);
        char *d = sign_str(s, plain, NULL, EPSOS_DSIG_POS_DEFAULT);
        char f1[600], f2[600], cmd[2400];
        snprintf(f1, sizeof f1, "%s/to-xmlsec-a-%s.xml", pki, algs[i]);
        snprintf(f2, sizeof f2, "%s/to-xmlsec-d-%s.xml", pki, algs[i]);
        spit(f1, a);
        spit(f2, d);
        snprintf(cmd, sizeof cmd, "xmlsec1 --verify --trusted-pem %s " ID_ATTR " %s >/dev/null 2>&1",
                 pki_path("trust.pem"), f1);
        ck_assert_msg(sh(cmd) == 0, "xmlsec1 rejects our %s assertion signature", algs[i]);
        snprintf(cmd, sizeof cmd, "xmlsec1 --verify --trusted-pem %s %s >/dev/null 2>&1",
                 pki_path("trust.pem"), f2);
        ck_assert_msg(sh(cmd) == 0, "xmlsec1 rejects our %s document signature", algs[i]);
        /* the oracle is not vacuous: a changed byte fails in xmlsec1 too */
        char *t = replace(a, "doctor@hospital", "doctor@hospitaL");
        spit(f1, t);
        snprintf(cmd, sizeof cmd, "xmlsec1 --verify --trusted-pem %s " ID_ATTR " %s >/dev/null 2>&1",
                 pki_path("trust.pem"), f1);
        ck_assert_int_ne(sh(cmd), 0);
        free(t);
        free(a);
        free(d);
        epsos_signer_free(s);
    }
    free(xml);
    free(cda);
    free(sig);
    free(plain);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_interop_from_xmlsec)
{
    if (!have_xmlsec) {
        fprintf(stderr, "xmlsec1 not found: interop test skipped\n");
        return;
    }
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    const char *algs[] = { "rsa", "ec" };
    for (int i = 0; i < 2; i++) {
        for (int doc = 0; doc < 2; doc++) {
            char out[600], cmd[2400];
            snprintf(out, sizeof out, "%s/from-xmlsec-%d-%s.xml", pki, doc, algs[i]);
            snprintf(cmd, sizeof cmd,
                     "xmlsec1 --sign --privkey-pem %s/%s.key,%s/%s.pem,%s/chain.pem " ID_ATTR
                     " --output %s %s/dsig/tmpl-%s-%s.xml >/dev/null 2>&1",
                     pki, algs[i], pki, algs[i], pki, out, TEST_DATA, doc ? "doc" : "assertion",
                     algs[i]);
            ck_assert_msg(sh(cmd) == 0, "xmlsec1 --sign failed: %s", cmd);
            char *x = slurp(out, NULL);
            ck_assert_ptr_nonnull(strstr(x, "<ds:X509Certificate>") ? x : strstr(x, "<X509Certificate>"));
            const char *id = doc ? NULL : TMPL_ID;
            REASON(ctx, x, id, 0, EPSOS_DSIG_OK);
            char *t = doc ? replace(x, "No known allergies", "No known allergies!")
                          : replace(x, "Dr. Anna Gruber", "Dr. Anna Gruber ");
            REASON(ctx, t, id, 0, EPSOS_DSIG_DIGEST_MISMATCH);
            free(t);
            free(x);
        }
    }
    epsos_ctx_free(ctx);
}
END_TEST

/* RSA keys under 2048 bits: not for signing; verified in legacy mode only */
START_TEST(test_weak_key)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    size_t kl, cl;
    char *k = slurp(pki_path("weak.key"), &kl), *c = slurp(pki_path("weak.pem"), &cl);
    epsos_signer *s = NULL;
    ck_assert_int_eq(epsos_signer_new_pem(&s, ctx, (uint8_t *)k, kl, (uint8_t *)c, cl), EPSOS_EVALUE);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "1024 bits"));
    free(k);
    free(c);
    if (!have_xmlsec) {
        fprintf(stderr, "xmlsec1 not found: weak-key verification skipped\n");
        epsos_ctx_free(ctx);
        return;
    }
    char out[600], cmd[2400];
    snprintf(out, sizeof out, "%s/weak.xml", pki);
    snprintf(cmd, sizeof cmd,
             "xmlsec1 --sign --privkey-pem %s/weak.key,%s/weak.pem,%s/chain.pem " ID_ATTR
             " --output %s %s/dsig/tmpl-assertion-rsa.xml >/dev/null 2>&1", pki, pki, pki, out, TEST_DATA);
    ck_assert_int_eq(sh(cmd), 0);
    char *x = slurp(out, NULL);
    REASON(ctx, x, TMPL_ID, 0, EPSOS_DSIG_WEAK_KEY);
    REASON(ctx, x, TMPL_ID, EPSOS_VERIFY_LEGACY, EPSOS_DSIG_OK);
    free(x);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- the real legacy epSOS sample --------------------------------------- */

static char *corpus_file(const char *rel)
{
    const char *env = getenv("EPSOS_CORPUS");
    static char path[4096];
    if (env)
        snprintf(path, sizeof path, "%s/%s", env, rel);
    else
        snprintf(path, sizeof path, "%s/../shared/corpus/%s", TOP_SRCDIR, rel);
    return access(path, R_OK) == 0 ? path : NULL;
}

START_TEST(test_legacy_sample)
{
    const char *p = corpus_file("samples/khypponen-openncp/resources/signed_ePsample_UNK.xml");
    if (!p) {
        fprintf(stderr, "corpus not found: legacy signature test skipped\n");
        return;
    }
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    size_t len;
    char *x = slurp(p, &len);
    /* the embedded certificate is the trust anchor */
    char *b64 = extract(x, "<X509Certificate>", "</X509Certificate>");
    b64[strlen(b64) - strlen("</X509Certificate>")] = '\0';
    char pem[8192];
    snprintf(pem, sizeof pem, "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n",
             b64 + strlen("<X509Certificate>"));
    epsos_verifier *v = NULL;
    OK(epsos_verifier_new(&v, ctx));
    OK(epsos_verifier_add_trust_pem(v, (uint8_t *)pem, strlen(pem)));
    OK(epsos_verifier_set_time(v, 1293840000));   /* 2011-01-01, within the validity */
    epsos_dsig_result *res = NULL;

    /* without legacy mode: refused for its algorithm */
    OK(epsos_xml_verify(&res, v, (uint8_t *)x, len, NULL));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_LEGACY_ALGORITHM);
    epsos_dsig_result_free(res);

    OK(epsos_verifier_set_flags(v, EPSOS_VERIFY_LEGACY));
    OK(epsos_xml_verify(&res, v, (uint8_t *)x, len, NULL));
    ck_assert_msg(epsos_dsig_result_status(res) == EPSOS_DSIG_VALID, "%s",
                  epsos_dsig_result_message(res));
    ck_assert_str_eq(epsos_dsig_result_path(res), "/hl7:ClinicalDocument");
    ck_assert_ptr_nonnull(strstr(epsos_dsig_result_subject(res), "CN=Test NCP"));
    epsos_dsig_result_free(res);

    /* the same through epsos_doc */
    epsos_doc *doc = NULL;
    OK(epsos_doc_parse(&doc, ctx, (uint8_t *)x, len, 0));
    OK(epsos_doc_verify(&res, v, doc, NULL));
    ck_assert_int_eq(epsos_dsig_result_status(res), EPSOS_DSIG_VALID);
    epsos_dsig_result_free(res);
    epsos_doc_free(doc);

    /* one byte of signed content changed */
    char *t = replace(x, "<family>Tolvansson</family>", "<family>Tolvanssom</family>");
    OK(epsos_xml_verify(&res, v, (uint8_t *)t, strlen(t), NULL));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_DIGEST_MISMATCH);
    epsos_dsig_result_free(res);
    free(t);
    /* one byte of SignedInfo changed: in the digest value ... */
    t = replace(x, "apCU3BHBzwkSuWtYat66aWkY4qc=", "apCV3BHBzwkSuWtYat66aWkY4qc=");
    OK(epsos_xml_verify(&res, v, (uint8_t *)t, strlen(t), NULL));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_DIGEST_MISMATCH);
    epsos_dsig_result_free(res);
    free(t);
    /* ... or only in its unused base64 padding bits: same digest, but
     * SignedInfo is not the signed one */
    t = replace(x, "apCU3BHBzwkSuWtYat66aWkY4qc=", "apCU3BHBzwkSuWtYat66aWkY4qd=");
    OK(epsos_xml_verify(&res, v, (uint8_t *)t, strlen(t), NULL));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_SIGNATURE_MISMATCH);
    epsos_dsig_result_free(res);
    free(t);
    /* at the current time the certificate has long expired */
    OK(epsos_verifier_set_time(v, 0));
    OK(epsos_xml_verify(&res, v, (uint8_t *)x, len, NULL));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_CERT_EXPIRED);
    epsos_dsig_result_free(res);
    /* and our own trust store does not know it */
    REASON(ctx, x, NULL, EPSOS_VERIFY_LEGACY, EPSOS_DSIG_CERT_UNTRUSTED);

    epsos_verifier_free(v);
    free(b64);
    free(x);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- attacks ------------------------------------------------------------ */

START_TEST(test_attack_content_and_signedinfo)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    char *x = signed_header(ctx), *t;
    REASON(ctx, x, HCP, 0, EPSOS_DSIG_OK);

    /* altered content */
    t = replace(x, "doctor@hospital.example", "attacker@evil.example");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_DIGEST_MISMATCH);
    free(t);
    /* whitespace injected into signed text */
    t = replace(x, "doctor@hospital.example", "doctor@hospital.example ");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_DIGEST_MISMATCH);
    free(t);
    /* comment injected into signed text: C14N without comments would not see it */
    t = replace(x, "doctor@hospital.example", "doctor@hospital<!---->.example");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_COMMENT_IN_TEXT);
    free(t);
    t = replace(x, "doctor@hospital.example", "doctor@hospital<?x?>.example");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_COMMENT_IN_TEXT);
    free(t);
    /* altered SignedInfo */
    t = replace(x, "<ds:Reference URI=\"#" HCP, "<ds:Reference Id=\"r\" URI=\"#" HCP);
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_SIGNATURE_MISMATCH);
    free(t);
    /* an empty, truncated or garbled SignatureValue (RSA: the first one) */
    char *sv = extract(x, "<ds:SignatureValue>", "</ds:SignatureValue>");
    t = replace(x, sv, "<ds:SignatureValue></ds:SignatureValue>");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_SIGNATURE_VALUE);
    free(t);
    char *cut = strdup(sv);
    strcpy(cut + strlen(cut) - strlen("</ds:SignatureValue>") - 4, "</ds:SignatureValue>");
    t = replace(x, sv, cut);
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_SIGNATURE_VALUE);
    free(t);
    cut[20] = '*';
    t = replace(x, sv, cut);
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_SIGNATURE_VALUE);
    free(t);
    free(cut);
    /* a flipped bit in a full-length value */
    char *flip = strdup(sv);
    flip[25] = flip[25] == 'A' ? 'B' : 'A';
    t = replace(x, sv, flip);
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_SIGNATURE_MISMATCH);
    free(t);
    free(flip);
    free(sv);
    /* ECDSA (the TRC's): truncated r||s */
    char *trc = strstr(x, "urn:initgw:DK:countryB");
    char *esv = extract(trc, "<ds:SignatureValue>", "</ds:SignatureValue>");
    cut = strdup(esv);
    strcpy(cut + strlen(cut) - strlen("</ds:SignatureValue>") - 4, "</ds:SignatureValue>");
    t = replace(x, esv, cut);
    REASON(ctx, t, TRC, 0, EPSOS_DSIG_BAD_SIGNATURE_VALUE);
    free(t);
    free(cut);
    free(esv);
    free(x);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_attack_structure)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    char *x = signed_header(ctx), *t;
    char *sig = extract(x, "<ds:Signature", "</ds:Signature>");
    const char *hcp_ref = "<ds:Reference URI=\"#" HCP "\">";

    /* signature moved to another element */
    t = replace(x, sig, "");
    char *u = replace(t, "<wsa:Action>", sig);
    char *w = replace(u, "</ds:Signature>", "</ds:Signature><wsa:Action>");
    REASON(ctx, w, HCP, 0, EPSOS_DSIG_SIGNATURE_MISPLACED);
    free(t); free(u); free(w);
    /* no signature at all */
    t = replace(x, sig, "");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_NO_SIGNATURE);
    free(t);
    /* two signatures in the assertion */
    t = replace(x, "</saml2:Subject>", "</saml2:Subject>");
    u = replace(t, sig, "");
    char *two = malloc(2 * strlen(sig) + 1);
    strcpy(two, sig);
    strcat(two, sig);
    w = replace(x, sig, two);
    REASON(ctx, w, HCP, 0, EPSOS_DSIG_MULTIPLE_SIGNATURES);
    free(t); free(u); free(w); free(two);
    /* two references */
    char *ref = extract(sig, "<ds:Reference ", "</ds:Reference>");
    char *tworef = malloc(2 * strlen(ref) + 1);
    strcpy(tworef, ref);
    strcat(tworef, ref);
    t = replace(x, ref, tworef);
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_REFERENCE_COUNT);
    free(t); free(tworef); free(ref);
    /* an Object in the Signature */
    t = replace(x, "</ds:KeyInfo></ds:Signature>", "</ds:KeyInfo><ds:Object>x</ds:Object></ds:Signature>");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_MALFORMED);
    free(t);
    /* duplicate IDs: in the body, and as a namespaced wsu:Id */
    t = replace(x, "<soap:Body/>", "<soap:Body><x ID=\"" HCP "\"/></soap:Body>");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_DUPLICATE_ID);
    free(t);
    t = replace(x, "<soap:Body/>",
                "<soap:Body xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/"
                "oasis-200401-wss-wssecurity-utility-1.0.xsd\" wsu:Id=\"" HCP "\"/>");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_DUPLICATE_ID);
    free(t);
    /* a reference to an ID that does not exist */
    t = replace(x, hcp_ref, "<ds:Reference URI=\"#_missing\">");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_REFERENCE_NOT_FOUND);
    free(t);
    /* a reference to the other assertion */
    t = replace(x, hcp_ref, "<ds:Reference URI=\"#" TRC "\">");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_REFERENCE_MISMATCH);
    free(t);
    /* the ID asked for does not exist */
    REASON(ctx, x, "_nobody", 0, EPSOS_DSIG_ID_NOT_FOUND);
    /* extra XPath and XSLT transforms */
    const char *env = "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
    char xp[600];
    snprintf(xp, sizeof xp, "%s<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">"
             "<ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>", env);
    t = replace(x, env, xp);
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_TRANSFORM);
    free(t);
    snprintf(xp, sizeof xp, "%s<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\">"
             "<xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\"/>"
             "</ds:Transform>", env);
    t = replace(x, env, xp);
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_TRANSFORM);
    free(t);
    /* the enveloped transform alone: legacy only */
    t = replace(sig, "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\">"
                "<ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" "
                "PrefixList=\"xsd\"/></ds:Transform>", "");
    u = replace(x, sig, t);
    REASON(ctx, u, HCP, 0, EPSOS_DSIG_BAD_TRANSFORM);
    free(t); free(u);
    /* KeyInfo removed */
    char *ki = extract(sig, "<ds:KeyInfo>", "</ds:KeyInfo>");
    t = replace(x, ki, "");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_KEYINFO);
    free(t); free(ki);
    free(sig);
    free(x);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_attack_algorithms)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    char *x = signed_header(ctx), *t;
    const char *rsa256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    /* downgraded to RSA-SHA1 */
    t = replace(x, rsa256, "http://www.w3.org/2000/09/xmldsig#rsa-sha1");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_LEGACY_ALGORITHM);
    REASON(ctx, t, HCP, EPSOS_VERIFY_LEGACY, EPSOS_DSIG_SIGNATURE_MISMATCH);
    free(t);
    t = replace(x, "http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_LEGACY_ALGORITHM);
    REASON(ctx, t, HCP, EPSOS_VERIFY_LEGACY, EPSOS_DSIG_DIGEST_MISMATCH);
    free(t);
    /* unsupported: HMAC, MD5, inclusive C14N */
    t = replace(x, rsa256, "http://www.w3.org/2000/09/xmldsig#hmac-sha1");
    REASON(ctx, t, HCP, EPSOS_VERIFY_LEGACY, EPSOS_DSIG_BAD_ALGORITHM);
    free(t);
    t = replace(x, rsa256, "http://www.w3.org/2001/04/xmldsig-more#rsa-md5");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_ALGORITHM);
    free(t);
    t = replace(x, "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
                "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_BAD_ALGORITHM);
    free(t);
    /* ECDSA label on an RSA key */
    t = replace(x, rsa256, "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256");
    REASON(ctx, t, HCP, 0, EPSOS_DSIG_KEY_MISMATCH);
    free(t);
    free(x);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_attack_certificates)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    char *xml = data_file("soap-header.xml");
    struct { const char *name; int chain; int32_t want; } c[] = {
        { "evil", 0, EPSOS_DSIG_CERT_UNTRUSTED },      /* same subject, untrusted CA */
        { "rsa", 0, EPSOS_DSIG_CERT_UNTRUSTED },       /* intermediate missing */
        { "expired", 1, EPSOS_DSIG_CERT_EXPIRED },
        { "future", 1, EPSOS_DSIG_CERT_NOT_YET_VALID },
        { "revoked", 1, EPSOS_DSIG_OK },               /* no CRL given: not known */
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        epsos_signer *s = signer(ctx, c[i].name, c[i].chain);
        char *x = sign_str(s, xml, HCP, EPSOS_DSIG_POS_DEFAULT);
        REASON(ctx, x, HCP, 0, c[i].want);
        free(x);
        epsos_signer_free(s);
    }
    /* the intermediate CA's own key: chains to the root, but its key usage
     * (keyCertSign, cRLSign) does not allow signing documents */
    {
        char *k = slurp(pki_path("inter.key"), NULL), *ca = slurp(pki_path("chain.pem"), NULL);
        epsos_signer *s = NULL;
        OK(epsos_signer_new_pem(&s, ctx, (uint8_t *)k, strlen(k), (uint8_t *)ca, strlen(ca)));
        char *x = sign_str(s, xml, HCP, EPSOS_DSIG_POS_DEFAULT);
        REASON(ctx, x, HCP, 0, EPSOS_DSIG_CERT_INVALID);
        free(x);
        free(k);
        free(ca);
        epsos_signer_free(s);
    }
    /* CRLs: revoked leaf refused, good leaf accepted */
    epsos_verifier *v = verifier(ctx, 0);
    OK(epsos_verifier_add_trust(v, pki_path("crls.pem")));
    const char *names[] = { "revoked", "rsa" };
    for (int i = 0; i < 2; i++) {
        epsos_signer *s = signer(ctx, names[i], 1);
        char *x = sign_str(s, xml, HCP, EPSOS_DSIG_POS_DEFAULT);
        epsos_dsig_result *res = NULL;
        OK(epsos_xml_verify(&res, v, (uint8_t *)x, strlen(x), HCP));
        ck_assert_int_eq(epsos_dsig_result_reason(res), i == 0 ? EPSOS_DSIG_CERT_REVOKED : EPSOS_DSIG_OK);
        epsos_dsig_result_free(res);
        /* verification time: long after, long before (no CRLs) */
        epsos_verifier *t = verifier(ctx, 0);
        OK(epsos_verifier_set_time(t, 4102444800));   /* 2100 */
        OK(epsos_xml_verify(&res, t, (uint8_t *)x, strlen(x), HCP));
        ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_CERT_EXPIRED);
        epsos_dsig_result_free(res);
        OK(epsos_verifier_set_time(t, 946684800));    /* 2000 */
        OK(epsos_xml_verify(&res, t, (uint8_t *)x, strlen(x), HCP));
        ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_CERT_NOT_YET_VALID);
        epsos_dsig_result_free(res);
        epsos_verifier_free(t);
        free(x);
        epsos_signer_free(s);
    }
    epsos_verifier_free(v);
    /* a trust store from a directory */
    char dir[700], cmd[3000];
    snprintf(dir, sizeof dir, "%s/trustdir", pki);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s %s/ && echo not-pem > %s/README", dir,
             pki_path("trust.pem"), dir, dir);
    ck_assert_int_eq(sh(cmd), 0);
    OK(epsos_verifier_new(&v, ctx));
    ck_assert_int_eq(epsos_verifier_add_trust(v, pki_path("nonexistent.pem")), EPSOS_EIO);
    ck_assert_int_eq(epsos_verifier_add_trust(v, pki_path("rsa.key")), EPSOS_EVALUE);
    OK(epsos_verifier_add_trust(v, dir));
    epsos_signer *s = signer(ctx, "rsa", 1);
    char *x = sign_str(s, xml, HCP, EPSOS_DSIG_POS_DEFAULT);
    epsos_dsig_result *res = NULL;
    OK(epsos_xml_verify(&res, v, (uint8_t *)x, strlen(x), HCP));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_OK);
    epsos_dsig_result_free(res);
    /* an empty trust store trusts nothing */
    epsos_verifier *empty = NULL;
    OK(epsos_verifier_new(&empty, ctx));
    OK(epsos_xml_verify(&res, empty, (uint8_t *)x, strlen(x), HCP));
    ck_assert_int_eq(epsos_dsig_result_reason(res), EPSOS_DSIG_CERT_UNTRUSTED);
    epsos_dsig_result_free(res);
    epsos_verifier_free(empty);
    free(x);
    epsos_signer_free(s);
    epsos_verifier_free(v);
    free(xml);
    epsos_ctx_free(ctx);
}
END_TEST

/* The eight XML signature wrapping variants of Somorovsky et al., "On
 * Breaking SAML: Be Whoever You Want to Be" (USENIX Security 2012), as
 * catalogued XSW1..XSW8, applied to the HCP assertion inside wsse:Security.
 * The application processes the first assertion of the header and asks for
 * the signature of the ID it carries (evil: the attacker's). */
START_TEST(test_attack_wrapping)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    char *x = signed_header(ctx);
    char *orig = extract(x, "<saml2:Assertion", "</saml2:Assertion>");
    char *sig = extract(orig, "<ds:Signature", "</ds:Signature>");
    char *nosig = replace(orig, sig, "");
    char *evil_same = replace(nosig, "doctor@hospital.example", "admin@hospital.example");
    char *evil = replace(evil_same, "ID=\"" HCP "\"", "ID=\"_evil\"");
    char buf[65536], *a, *b, *doc;
    const char *obj_open = "<ds:Object>", *obj_close = "</ds:Object></ds:Signature>";

    /* XSW1: evil copy (new ID) holds the signature, the original inside it */
    snprintf(buf, sizeof buf, "%.*s%s</ds:Signature>", (int)(strlen(sig) - 15), sig, orig);
    a = replace(evil, "</saml2:Issuer>", "</saml2:Issuer>");
    b = replace(a, "urn:idp:DK:countryB</saml2:Issuer>", "urn:idp:DK:countryB</saml2:Issuer>");
    free(a);
    {
        char ins[70000];
        snprintf(ins, sizeof ins, "urn:idp:DK:countryB</saml2:Issuer>%s", buf);
        a = replace(b, "urn:idp:DK:countryB</saml2:Issuer>", ins);
    }
    doc = replace(x, orig, a);
    REASON(ctx, doc, "_evil", 0, EPSOS_DSIG_MALFORMED);
    free(a); free(b); free(doc);

    /* XSW2: evil (new ID) holds the detached original, then the signature */
    snprintf(buf, sizeof buf, "urn:idp:DK:countryB</saml2:Issuer>%s%s", nosig, sig);
    a = replace(evil, "urn:idp:DK:countryB</saml2:Issuer>", buf);
    doc = replace(x, orig, a);
    REASON(ctx, doc, "_evil", 0, EPSOS_DSIG_REFERENCE_MISMATCH);
    free(a); free(doc);

    /* XSW3: evil with the same ID before the original */
    snprintf(buf, sizeof buf, "%s%s", evil_same, orig);
    doc = replace(x, orig, buf);
    REASON(ctx, doc, HCP, 0, EPSOS_DSIG_DUPLICATE_ID);
    free(doc);

    /* XSW4: evil with the same ID wraps the original */
    snprintf(buf, sizeof buf, "urn:idp:DK:countryB</saml2:Issuer>%s", orig);
    a = replace(evil_same, "urn:idp:DK:countryB</saml2:Issuer>", buf);
    doc = replace(x, orig, a);
    REASON(ctx, doc, HCP, 0, EPSOS_DSIG_DUPLICATE_ID);
    free(a); free(doc);

    /* XSW5: evil (new ID) keeps the signature, the original goes to the Body */
    snprintf(buf, sizeof buf, "urn:idp:DK:countryB</saml2:Issuer>%s", sig);
    a = replace(evil, "urn:idp:DK:countryB</saml2:Issuer>", buf);
    b = replace(x, orig, a);
    snprintf(buf, sizeof buf, "<soap:Body>%s</soap:Body>", nosig);
    doc = replace(b, "<soap:Body/>", buf);
    REASON(ctx, doc, "_evil", 0, EPSOS_DSIG_REFERENCE_MISMATCH);
    REASON(ctx, doc, HCP, 0, EPSOS_DSIG_SIGNATURE_MISPLACED);
    free(a); free(b); free(doc);

    /* XSW6: evil with the same ID keeps the signature, the original inside
     * the signature's Object */
    snprintf(buf, sizeof buf, "%.*s%s%s%s", (int)(strlen(sig) - 15), sig, obj_open, nosig, obj_close);
    {
        char ins[70000];
        snprintf(ins, sizeof ins, "urn:idp:DK:countryB</saml2:Issuer>%s", buf);
        a = replace(evil_same, "urn:idp:DK:countryB</saml2:Issuer>", ins);
    }
    doc = replace(x, orig, a);
    REASON(ctx, doc, HCP, 0, EPSOS_DSIG_DUPLICATE_ID);
    free(a); free(doc);

    /* XSW7: the original hidden in an extension element, an unsigned evil
     * assertion (new ID) first */
    snprintf(buf, sizeof buf, "%s<ext:Extensions xmlns:ext=\"urn:example:ext\">%s</ext:Extensions>",
             evil, orig);
    doc = replace(x, orig, buf);
    REASON(ctx, doc, "_evil", 0, EPSOS_DSIG_NO_SIGNATURE);
    {   /* the original still verifies, and the result says where it is */
        epsos_verifier *v = verifier(ctx, 0);
        epsos_dsig_result *res = NULL;
        OK(epsos_xml_verify(&res, v, (uint8_t *)doc, strlen(doc), HCP));
        ck_assert_int_eq(epsos_dsig_result_status(res), EPSOS_DSIG_VALID);
        ck_assert_ptr_nonnull(strstr(epsos_dsig_result_path(res), "Extensions"));
        epsos_dsig_result_free(res);
        epsos_verifier_free(v);
    }
    free(doc);

    /* XSW8: evil (new ID) keeps the signature with the original in its Object */
    snprintf(buf, sizeof buf, "%.*s%s%s%s", (int)(strlen(sig) - 15), sig, obj_open, nosig, obj_close);
    {
        char ins[70000];
        snprintf(ins, sizeof ins, "urn:idp:DK:countryB</saml2:Issuer>%s", buf);
        a = replace(evil, "urn:idp:DK:countryB</saml2:Issuer>", ins);
    }
    doc = replace(x, orig, a);
    REASON(ctx, doc, "_evil", 0, EPSOS_DSIG_MALFORMED);
    REASON(ctx, doc, HCP, 0, EPSOS_DSIG_SIGNATURE_MISPLACED);
    free(a); free(doc);

    free(evil); free(evil_same); free(nosig); free(sig); free(orig); free(x);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_api_misuse)
{
    epsos_ctx *ctx, *other;
    OK(epsos_ctx_new(&ctx));
    OK(epsos_ctx_new(&other));
    epsos_signer *s = NULL;
    ck_assert_int_eq(epsos_signer_new_pem(&s, ctx, NULL, 0, NULL, 0), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_signer_new_pem(&s, ctx, (const uint8_t *)"x", 1, (const uint8_t *)"y", 1),
                     EPSOS_EVALUE);
    ck_assert_ptr_null(s);
    epsos_verifier *v = NULL;
    OK(epsos_verifier_new(&v, other));
    ck_assert_int_eq(epsos_verifier_set_flags(v, 0x80), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_verifier_set_time(v, -1), EPSOS_EINVAL);
    epsos_dsig_result *res = (epsos_dsig_result *)1;
    ck_assert_int_eq(epsos_xml_verify(&res, v, (const uint8_t *)"<a>", 3, NULL), EPSOS_EPARSE);
    ck_assert_ptr_null(res);
    ck_assert_int_eq(epsos_xml_verify(&res, v, (const uint8_t *)"<a/>", 4, ""), EPSOS_EINVAL);
    const char *dtd = "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>";
    ck_assert_int_eq(epsos_xml_verify(&res, v, (const uint8_t *)dtd, strlen(dtd), NULL), EPSOS_EUNSAFE);
    char p[600];
    snprintf(p, sizeof p, "%s/ps-header.xml", TEST_DATA);
    epsos_doc *doc = NULL;
    OK(epsos_doc_parse_file(&doc, ctx, p, 0));
    ck_assert_int_eq(epsos_doc_verify(&res, v, doc, NULL), EPSOS_EINVAL);
    s = signer(other, "rsa", 0);
    ck_assert_int_eq(epsos_doc_sign(doc, s, NULL, -1), EPSOS_EINVAL);
    epsos_doc_free(doc);
    ck_assert_str_eq(epsos_dsig_reason_name(EPSOS_DSIG_DIGEST_MISMATCH), "digest-mismatch");
    ck_assert_str_eq(epsos_dsig_reason_name(EPSOS_DSIG_COMMENT_IN_TEXT), "comment-in-text");
    ck_assert_str_eq(epsos_dsig_reason_name(EPSOS_DSIG_WEAK_KEY), "weak-key");
    ck_assert_ptr_null(epsos_dsig_reason_name(25));
    ck_assert_ptr_null(epsos_dsig_reason_name(-1));
    const uint8_t *der = (const uint8_t *)1;
    size_t dl = 1;
    ck_assert_int_eq(epsos_dsig_result_cert(NULL, &der, &dl), EPSOS_EINVAL);
    ck_assert_ptr_null(der);
    epsos_signer_free(s);
    epsos_verifier_free(v);
    epsos_signer_free(NULL);
    epsos_verifier_free(NULL);
    epsos_dsig_result_free(NULL);
    epsos_ctx_free(other);
    epsos_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("dsig");
    TCase *t = tcase_create("dsig");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_sign_verify_header);
    tcase_add_test(t, test_sign_doc);
    tcase_add_test(t, test_pkcs12_and_position);
    tcase_add_test(t, test_interop_to_xmlsec);
    tcase_add_test(t, test_interop_from_xmlsec);
    tcase_add_test(t, test_weak_key);
    tcase_add_test(t, test_legacy_sample);
    tcase_add_test(t, test_attack_content_and_signedinfo);
    tcase_add_test(t, test_attack_structure);
    tcase_add_test(t, test_attack_algorithms);
    tcase_add_test(t, test_attack_certificates);
    tcase_add_test(t, test_attack_wrapping);
    tcase_add_test(t, test_api_misuse);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(pki, sizeof pki, "%s/epsos-dsig.XXXXXX", tmp && *tmp ? tmp : "/tmp");
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
    have_xmlsec = sh("xmlsec1 --version >/dev/null 2>&1") == 0;
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(cmd, sizeof cmd, "rm -rf %s", pki);
    sh(cmd);
    return failed ? 1 : 0;
}
