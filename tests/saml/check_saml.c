/*
 * libepsos - identity assertion tests: HCP and TRC assertions built,
 * signed with real keys (tests/dsig/mkpki.sh), verified, read back, checked
 * by xmlsec1, each verification rule and each access rule refused with its
 * reason.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <epsos.h>
#include "../testutil.h"

#define OK(x) ck_assert_int_eq((x), EPSOS_OK)
#define ID_ATTR "--id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion"
#define PATIENT "1011649927^^^&1.2.208.176.1.2&ISO"

static char pki[512];
static int have_xmlsec;
static int64_t T0;          /* issue time of every assertion built here */

static int sh(const char *cmd)
{
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = (size_t)n;
    return b;
}

/* s without the substring from the first `from` to the end of the first `to` after it. */
static char *cut(const char *s, const char *from, const char *to)
{
    const char *a = strstr(s, from);
    ck_assert_msg(a != NULL, "'%s' not found", from);
    const char *b = strstr(a, to);
    ck_assert_ptr_nonnull(b);
    char *piece = strndup(a, (size_t)(b + strlen(to) - a));
    char *r = replace(s, piece, "");
    free(piece);
    return r;
}

static epsos_signer *signer(epsos_ctx *ctx, const char *name)
{
    char kp[600], cp[600], chp[600];
    snprintf(kp, sizeof kp, "%s/%s.key", pki, name);
    snprintf(cp, sizeof cp, "%s/%s.pem", pki, name);
    snprintf(chp, sizeof chp, "%s/chain.pem", pki);
    size_t kl, cl, hl;
    char *k = slurp(kp, &kl), *c = slurp(cp, &cl), *h = slurp(chp, &hl);
    epsos_signer *s = NULL;
    OK(epsos_signer_new_pem(&s, ctx, (uint8_t *)k, kl, (uint8_t *)c, cl));
    OK(epsos_signer_add_chain_pem(s, (uint8_t *)h, hl));
    free(k);
    free(c);
    free(h);
    return s;
}

static epsos_verifier *verifier(epsos_ctx *ctx)
{
    char p[600];
    snprintf(p, sizeof p, "%s/trust.pem", pki);
    epsos_verifier *v = NULL;
    OK(epsos_verifier_new(&v, ctx));
    OK(epsos_verifier_add_trust(v, p));
    return v;
}

/* A complete HCP (or TRC) builder at T0. */
static epsos_assertion_builder *hcp_builder(epsos_ctx *ctx)
{
    epsos_assertion_builder *b = NULL;
    OK(epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_HCP));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ID, "_hcp-0001"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ISSUER, "urn:idp:DK:countryB"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NAME_ID, "doctor@hospital.example"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NAME_ID_FORMAT,
                                   "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_SUBJECT_ID, "Dr. Ørsted & \"Søn\" <MD>"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ROLE, "221"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ROLE_NAME, "Medical Doctors"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ORGANIZATION, "Rigshospitalet"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ORGANIZATION_ID, "urn:oid:1.2.208.176.1.1"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_FACILITY_TYPE, "Hospital"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_PURPOSE, "TREATMENT"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_LOCALITY, "Copenhagen"));
    const char *perms[] = { "PRD-006", "PRD-003", "PRD-005", "PRD-010", "PRD-016" };
    for (size_t i = 0; i < 5; i++)
        OK(epsos_assertion_builder_add_permission(b, perms[i]));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_ISSUE_INSTANT, T0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_BEFORE, T0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_ON_OR_AFTER, T0 + 4 * 3600));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_AUTHN_INSTANT, T0 - 60));
    return b;
}

static epsos_assertion_builder *trc_builder(epsos_ctx *ctx, const char *hcp_id)
{
    epsos_assertion_builder *b = NULL;
    OK(epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_TRC));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ID, "_trc-0001"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ISSUER, "urn:initgw:DK:countryB"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NAME_ID, "doctor@hospital.example"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_SUBJECT_ID, PATIENT));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_PURPOSE, "TREATMENT"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_HCP_ID_REF, hcp_id));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_PRESCRIPTION_ID, "1.2.208.176.7.2.1^RX-42"));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_ISSUE_INSTANT, T0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_BEFORE, T0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_ON_OR_AFTER, T0 + 2 * 3600));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_AUTHN_INSTANT, T0));
    return b;
}

static char *sign_builder(epsos_assertion_builder *b, epsos_signer *s)
{
    uint8_t *out = NULL;
    size_t len = 0;
    OK(epsos_assertion_builder_sign(&out, &len, b, s));
    char *r = strndup((char *)out, len);
    epsos_free(out);
    return r;
}

/* Parse and verify; returns the verdict, *out the assertion when asked. */
static int32_t check_xml_flags(epsos_ctx *ctx, epsos_verifier *v, const char *xml, int32_t kind,
                               int64_t at, epsos_assertion **keep, uint32_t flags)
{
    epsos_assertion *a = NULL;
    OK(epsos_assertion_parse(&a, ctx, (const uint8_t *)xml, strlen(xml), kind, flags));
    int32_t verdict = -1;
    OK(epsos_assertion_verify(&verdict, a, v, at, 60));
    if (keep)
        *keep = a;
    else
        epsos_assertion_free(a);
    return verdict;
}

static int32_t check_xml(epsos_ctx *ctx, epsos_verifier *v, const char *xml, int32_t kind,
                         int64_t at, epsos_assertion **keep)
{
    return check_xml_flags(ctx, v, xml, kind, at, keep, 0);
}

static const char *iso(int64_t t)
{
    static char buf[32];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* Remove the signature of a signed assertion, edit, sign again. */
static char *resign(epsos_signer *s, const char *xml, const char *old, const char *new, const char *id)
{
    char *plain = cut(xml, "<ds:Signature", "</ds:Signature>");
    char *edited = old ? replace(plain, old, new) : strdup(plain);
    uint8_t *out = NULL;
    size_t len = 0;
    OK(epsos_xml_sign(&out, &len, s, (const uint8_t *)edited, strlen(edited), id,
                      EPSOS_DSIG_POS_DEFAULT));
    char *r = strndup((char *)out, len);
    epsos_free(out);
    free(plain);
    free(edited);
    return r;
}

/* ---- round trips ------------------------------------------------------------ */

START_TEST(test_hcp_round_trip)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *b = hcp_builder(ctx);
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ON_BEHALF_OF, "2221"));
    char *xml = sign_builder(b, s);
    /* the structure of the OpenNCP assertions: signature right after Issuer,
       Role and PurposeOfUse as HL7 elements, permissions as URNs */
    const char *iss = strstr(xml, "</saml2:Issuer>");
    ck_assert_ptr_nonnull(iss);
    ck_assert_msg(strncmp(iss + strlen("</saml2:Issuer>"), "<ds:Signature", 13) == 0,
                  "signature not right after Issuer");
    ck_assert_ptr_nonnull(strstr(xml, "<Role xmlns=\"urn:hl7-org:v3\" code=\"221\" "
                                      "codeSystem=\"2.16.840.1.113883.2.9.6.2.7\" "
                                      "codeSystemName=\"ISCO\" displayName=\"Medical Doctors\"/>"));
    ck_assert_ptr_nonnull(strstr(xml, "<PurposeOfUse xmlns=\"urn:hl7-org:v3\" code=\"TREATMENT\""));
    ck_assert_ptr_nonnull(strstr(xml, ">urn:oasis:names:tc:xspa:1.0:subject:hl7:permission:PRD-016<"));
    ck_assert_ptr_nonnull(strstr(xml, "NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\""));
    ck_assert_ptr_nonnull(strstr(xml, "<ec:InclusiveNamespaces") ? strstr(xml, "PrefixList=\"xsd\"")
                                                                  : NULL);
    epsos_assertion *a = NULL;
    ck_assert_int_eq(check_xml(ctx, v, xml, EPSOS_ASSERTION_HCP, T0 + 60, &a), EPSOS_SAML_OK);
    ck_assert_str_eq(epsos_assertion_message(a), "");
    ck_assert_int_eq(epsos_assertion_kind(a), EPSOS_ASSERTION_HCP);
    const struct { int32_t f; const char *v; } want[] = {
        { EPSOS_SAML_ID, "_hcp-0001" },
        { EPSOS_SAML_ISSUER, "urn:idp:DK:countryB" },
        { EPSOS_SAML_NAME_ID, "doctor@hospital.example" },
        { EPSOS_SAML_NAME_ID_FORMAT, "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" },
        { EPSOS_SAML_AUDIENCE, "urn:ehdsi:assertions.audience:x-border" },
        { EPSOS_SAML_AUTHN_CLASS, "urn:oasis:names:tc:SAML:2.0:ac:classes:X509" },
        { EPSOS_SAML_SUBJECT_ID, "Dr. Ørsted & \"Søn\" <MD>" },
        { EPSOS_SAML_ROLE, "221" },
        { EPSOS_SAML_ROLE_NAME, "Medical Doctors" },
        { EPSOS_SAML_ORGANIZATION, "Rigshospitalet" },
        { EPSOS_SAML_ORGANIZATION_ID, "urn:oid:1.2.208.176.1.1" },
        { EPSOS_SAML_FACILITY_TYPE, "Hospital" },
        { EPSOS_SAML_PURPOSE, "TREATMENT" },
        { EPSOS_SAML_LOCALITY, "Copenhagen" },
        { EPSOS_SAML_ON_BEHALF_OF, "2221" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = NULL;
        OK(epsos_assertion_get(a, want[i].f, &got));
        ck_assert_str_eq(got, want[i].v);
    }
    const char *none = "x";
    ck_assert_int_eq(epsos_assertion_get(a, EPSOS_SAML_HCP_ID_REF, &none), EPSOS_ENOTFOUND);
    ck_assert_ptr_null(none);
    int64_t t = 0;
    OK(epsos_assertion_get_time(a, EPSOS_SAML_NOT_BEFORE, &t));
    ck_assert_int_eq(t, T0);
    OK(epsos_assertion_get_time(a, EPSOS_SAML_NOT_ON_OR_AFTER, &t));
    ck_assert_int_eq(t, T0 + 4 * 3600);
    OK(epsos_assertion_get_time(a, EPSOS_SAML_AUTHN_INSTANT, &t));
    ck_assert_int_eq(t, T0 - 60);
    ck_assert_uint_eq(epsos_assertion_permission_count(a), 5);
    const char *p = NULL;
    OK(epsos_assertion_permission(a, 0, &p));
    ck_assert_str_eq(p, "PRD-006");
    OK(epsos_assertion_permission(a, 4, &p));
    ck_assert_str_eq(p, "PRD-016");
    ck_assert_int_eq(epsos_assertion_permission(a, 5, &p), EPSOS_ENOTFOUND);
    /* the builder's defaults: a fresh "_" + UUID ID each time */
    epsos_assertion_builder *b2 = NULL, *b3 = NULL;
    OK(epsos_assertion_builder_new(&b2, ctx, EPSOS_ASSERTION_HCP));
    OK(epsos_assertion_builder_new(&b3, ctx, EPSOS_ASSERTION_HCP));
    epsos_assertion_builder_free(b2);
    epsos_assertion_builder_free(b3);
    epsos_assertion_free(a);
    epsos_assertion_builder_free(b);
    free(xml);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_default_id)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "ec");
    epsos_verifier *v = verifier(ctx);
    char *x[2];
    const char *ids[2];
    epsos_assertion *a[2];
    for (int i = 0; i < 2; i++) {
        epsos_assertion_builder *b = hcp_builder(ctx);
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_ID, NULL));
        ck_assert_int_eq(epsos_assertion_builder_sign(&(uint8_t *){ 0 }, &(size_t){ 0 }, b, s),
                         EPSOS_EVALUE);   /* ID is required */
        epsos_assertion_builder_free(b);
        /* defaults of a fresh builder (ID, window now .. now + 4 h) */
        OK(epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_HCP));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_ISSUER, "urn:idp:DK:countryB"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_NAME_ID, "nurse@clinic.example"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_SUBJECT_ID, "Nurse"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_ROLE, "2221"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_ORGANIZATION, "Clinic"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_ORGANIZATION_ID, "urn:oid:1.2.3"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_FACILITY_TYPE, "Other"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_PURPOSE, "EMERGENCY"));
        OK(epsos_assertion_builder_set(b, EPSOS_SAML_LOCALITY, "Aarhus"));
        OK(epsos_assertion_builder_add_permission(b, "urn:oasis:names:tc:xspa:1.0:subject:hl7:permission:PRD-006"));
        x[i] = sign_builder(b, s);
        epsos_assertion_builder_free(b);
        ck_assert_int_eq(check_xml(ctx, v, x[i], 0, 0, &a[i]), EPSOS_SAML_OK);
        OK(epsos_assertion_get(a[i], EPSOS_SAML_ID, &ids[i]));
        ck_assert_int_eq((int)strlen(ids[i]), 37);
        ck_assert_int_eq(ids[i][0], '_');
        ck_assert_int_eq(ids[i][15], '4');
    }
    ck_assert_str_ne(ids[0], ids[1]);
    for (int i = 0; i < 2; i++) {
        epsos_assertion_free(a[i]);
        free(x[i]);
    }
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_trc_round_trip_and_header)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *hb = hcp_builder(ctx), *tb = trc_builder(ctx, "_hcp-0001");
    char *hx = sign_builder(hb, s), *tx = sign_builder(tb, s);
    ck_assert_ptr_nonnull(strstr(tx, "<saml2:Advice><saml2:AssertionIDRef>_hcp-0001</saml2:AssertionIDRef></saml2:Advice>"));
    ck_assert_ptr_nonnull(strstr(tx, "NameQualifier=\"urn:ehdsi:assertions:trc\""));
    ck_assert_ptr_nonnull(strstr(tx, "urn:oasis:names:tc:SAML:2.0:ac:classes:PreviousSession"));
    ck_assert_ptr_nonnull(strstr(tx, ">1011649927^^^&amp;1.2.208.176.1.2&amp;ISO<"));
    epsos_assertion *t = NULL;
    ck_assert_int_eq(check_xml(ctx, v, tx, EPSOS_ASSERTION_TRC, T0 + 7000, &t), EPSOS_SAML_OK);
    ck_assert_int_eq(epsos_assertion_kind(t), EPSOS_ASSERTION_TRC);
    const char *g;
    OK(epsos_assertion_get(t, EPSOS_SAML_SUBJECT_ID, &g));
    ck_assert_str_eq(g, PATIENT);
    OK(epsos_assertion_get(t, EPSOS_SAML_HCP_ID_REF, &g));
    ck_assert_str_eq(g, "_hcp-0001");
    OK(epsos_assertion_get(t, EPSOS_SAML_PURPOSE, &g));
    ck_assert_str_eq(g, "TREATMENT");
    OK(epsos_assertion_get(t, EPSOS_SAML_PRESCRIPTION_ID, &g));
    ck_assert_str_eq(g, "1.2.208.176.7.2.1^RX-42");
    ck_assert_int_eq(epsos_assertion_get(t, EPSOS_SAML_DISPENSATION_PIN, &g), EPSOS_ENOTFOUND);
    epsos_assertion_free(t);

    /* both in a WS-Security header: each found by its kind, each verified */
    const char *xd = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    char *h1 = replace(hx, xd, ""), *t1 = replace(tx, xd, "");
    size_t n = strlen(h1) + strlen(t1) + 1000;
    char *hdr = malloc(n);
    snprintf(hdr, n, "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Header>"
             "<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\">"
             "%s%s</wsse:Security></soap:Header><soap:Body/></soap:Envelope>", t1, h1);
    epsos_assertion *ha = NULL, *ta = NULL;
    ck_assert_int_eq(check_xml(ctx, v, hdr, EPSOS_ASSERTION_HCP, T0 + 60, &ha), EPSOS_SAML_OK);
    ck_assert_int_eq(check_xml(ctx, v, hdr, EPSOS_ASSERTION_TRC, T0 + 60, &ta), EPSOS_SAML_OK);
    OK(epsos_assertion_get(ha, EPSOS_SAML_ID, &g));
    ck_assert_str_eq(g, "_hcp-0001");
    OK(epsos_assertion_get(ta, EPSOS_SAML_ID, &g));
    ck_assert_str_eq(g, "_trc-0001");
    int32_t verdict = -1;
    OK(epsos_access_decide(&verdict, ha, ta, EPSOS_TX_RETRIEVE_PS));
    ck_assert_int_eq(verdict, EPSOS_SAML_OK);
    epsos_assertion_free(ha);
    epsos_assertion_free(ta);
    free(hdr);
    free(h1);
    free(t1);
    epsos_assertion_builder_free(hb);
    epsos_assertion_builder_free(tb);
    free(hx);
    free(tx);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- each verification rule --------------------------------------------------- */

typedef struct {
    const char *name;
    int32_t kind;
    int32_t field;          /* builder text field to change (0: none) */
    const char *value;
    int32_t tfield;         /* builder time field to change (0: none) */
    int64_t toff;           /* its value - T0 */
    int64_t at;             /* verification time - T0 */
    const char *old, *new;  /* after signing: edit (resign 0: tamper, 1: sign again) */
    int resign;
    const char *signer;
    int32_t verdict;
    const char *msg;        /* in the message */
} rule_case;

#define PV(c) "<saml2:AttributeValue xsi:type=\"xsd:string\">urn:oasis:names:tc:xspa:1.0:subject:hl7:permission:" c "</saml2:AttributeValue>"
#define PERMS_ATTR "<saml2:Attribute FriendlyName=\"Hl7 Permissions\" Name=\"urn:oasis:names:tc:xspa:1.0:subject:hl7:permission\" " \
    "NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">" PV("PRD-006") PV("PRD-003") PV("PRD-005") \
    PV("PRD-010") PV("PRD-016") "</saml2:Attribute>"

static const rule_case rules[] = {
    { "valid HCP", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_OK, "" },
    { "valid HCP, last second", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 4 * 3600 + 60, NULL, NULL, 0, "rsa", EPSOS_SAML_OK, "" },
    { "valid TRC", EPSOS_ASSERTION_TRC, 0, NULL, 0, 0, 60, NULL, NULL, 0, "ec", EPSOS_SAML_OK, "" },
    { "expired", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 4 * 3600 + 61, NULL, NULL, 0, "rsa", EPSOS_SAML_EXPIRED, "NotOnOrAfter" },
    { "expired TRC", EPSOS_ASSERTION_TRC, 0, NULL, 0, 0, 3 * 3600, NULL, NULL, 0, "rsa", EPSOS_SAML_EXPIRED, "has passed" },
    { "not yet valid", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, -61, NULL, NULL, 0, "rsa", EPSOS_SAML_NOT_YET_VALID, "NotBefore" },
    { "within skew", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, -60, NULL, NULL, 0, "rsa", EPSOS_SAML_OK, "" },
    { "HCP over 4 h", EPSOS_ASSERTION_HCP, 0, NULL, EPSOS_SAML_NOT_ON_OR_AFTER, 4 * 3600 + 1, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_VALIDITY_TOO_LONG, "4 h" },
    { "TRC over 2 h", EPSOS_ASSERTION_TRC, 0, NULL, EPSOS_SAML_NOT_ON_OR_AFTER, 2 * 3600 + 1, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_VALIDITY_TOO_LONG, "2 h" },
    { "wrong audience", EPSOS_ASSERTION_HCP, EPSOS_SAML_AUDIENCE, "urn:example:other", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_WRONG_AUDIENCE, "x-border" },
    { "unknown role", EPSOS_ASSERTION_HCP, EPSOS_SAML_ROLE, "9999", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_UNKNOWN_ROLE, "9999" },
    { "unknown on-behalf-of", EPSOS_ASSERTION_HCP, EPSOS_SAML_ON_BEHALF_OF, "1111", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_UNKNOWN_ROLE, "on-behalf-of" },
    { "one-factor authentication", EPSOS_ASSERTION_HCP, EPSOS_SAML_AUTHN_CLASS,
      "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_ONE_FACTOR, "two-factor" },
    { "bad purpose", EPSOS_ASSERTION_HCP, EPSOS_SAML_PURPOSE, "RESEARCH", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_BAD_VALUE, "RESEARCH" },
    { "bad purpose TRC", EPSOS_ASSERTION_TRC, EPSOS_SAML_PURPOSE, "RESEARCH", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_BAD_VALUE, "RESEARCH" },
    { "bad facility type", EPSOS_ASSERTION_HCP, EPSOS_SAML_FACILITY_TYPE, "Castle", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_BAD_VALUE, "Castle" },
    { "tampered attribute", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, ">Copenhagen<", ">Stockholm<", 0, "rsa", EPSOS_SAML_BAD_SIGNATURE, "digest-mismatch" },
    { "tampered permission", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, "permission:PRD-006<", "permission:PPD-046<", 0, "rsa", EPSOS_SAML_BAD_SIGNATURE, "digest-mismatch" },
    { "tampered TRC binding", EPSOS_ASSERTION_TRC, 0, NULL, 0, 0, 60, ">_hcp-0001<", ">_hcp-0002<", 0, "rsa", EPSOS_SAML_BAD_SIGNATURE, "signature" },
    { "untrusted signer", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, NULL, NULL, 0, "evil", EPSOS_SAML_BAD_SIGNATURE, "cert-untrusted" },
    { "missing locality", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60,
      "<saml2:Attribute FriendlyName=\"XSPA Locality\" Name=\"urn:oasis:names:tc:xspa:1.0:environment:locality\" "
      "NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\"><saml2:AttributeValue xsi:type=\"xsd:string\">"
      "Copenhagen</saml2:AttributeValue></saml2:Attribute>", "", 1, "rsa", EPSOS_SAML_MISSING_FIELD, "locality" },
    { "empty role", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, " code=\"221\"", "", 1, "rsa", EPSOS_SAML_MISSING_FIELD, "role" },
    { "missing TRC binding", EPSOS_ASSERTION_TRC, 0, NULL, 0, 0, 60,
      "<saml2:Advice><saml2:AssertionIDRef>_hcp-0001</saml2:AssertionIDRef></saml2:Advice>", "", 1, "rsa", EPSOS_SAML_MISSING_FIELD, "AssertionIDRef" },
    { "missing patient id", EPSOS_ASSERTION_TRC, 0, NULL, 0, 0, 60, "1011649927^^^&amp;1.2.208.176.1.2&amp;ISO", "", 1, "rsa", EPSOS_SAML_MISSING_FIELD, "subject-id" },
    { "wrong issuer qualifier", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, "urn:ehdsi:assertions:hcp", "urn:example:idp", 1, "rsa", EPSOS_SAML_WRONG_ISSUER, "NameQualifier" },
    { "no sender-vouches", EPSOS_ASSERTION_TRC, 0, NULL, 0, 0, 60, "cm:sender-vouches", "cm:bearer", 1, "rsa", EPSOS_SAML_BAD_VALUE, "sender-vouches" },
    { "version 1.1", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, "Version=\"2.0\"", "Version=\"1.1\"", 1, "rsa", EPSOS_SAML_BAD_VALUE, "Version" },
    { "no permission", EPSOS_ASSERTION_HCP, 0, NULL, 0, 0, 60, PERMS_ATTR, "", 1, "rsa", EPSOS_SAML_MISSING_FIELD, "permission" },
};

START_TEST(test_rules)
{
    const rule_case *c = &rules[_i];
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, c->signer), *good = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *b = c->kind == EPSOS_ASSERTION_HCP ? hcp_builder(ctx)
                                                                 : trc_builder(ctx, "_hcp-0001");
    if (c->field)
        OK(epsos_assertion_builder_set(b, c->field, c->value));
    char *xml;
    if (c->tfield) {
        /* the builder refuses a window over 4 h / 2 h: write it into a valid one */
        int64_t max = c->kind == EPSOS_ASSERTION_HCP ? 4 * 3600 : 2 * 3600;
        OK(epsos_assertion_builder_set_time(b, c->tfield, T0 + c->toff));
        uint8_t *o = (void *)1;
        size_t ol = 1;
        ck_assert_int_eq(epsos_assertion_builder_sign(&o, &ol, b, s), EPSOS_EVALUE);
        ck_assert_ptr_null(o);
        ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "validity window"));
        OK(epsos_assertion_builder_set_time(b, c->tfield, T0 + max));
        char *ok = sign_builder(b, s), was[64], now[64];
        snprintf(was, sizeof was, "NotOnOrAfter=\"%s\"", iso(T0 + max));
        snprintf(now, sizeof now, "NotOnOrAfter=\"%s\"", iso(T0 + c->toff));
        xml = resign(good, ok, was, now, c->kind == EPSOS_ASSERTION_HCP ? "_hcp-0001" : "_trc-0001");
        free(ok);
    } else {
        xml = sign_builder(b, s);
    }
    if (c->old) {
        char *x2 = c->resign ? resign(good, xml, c->old, c->new,
                                      c->kind == EPSOS_ASSERTION_HCP ? "_hcp-0001" : "_trc-0001")
                             : replace(xml, c->old, c->new);
        free(xml);
        xml = x2;
    }
    epsos_assertion *a = NULL;
    int32_t got = check_xml(ctx, v, xml, 0, T0 + c->at, &a);
    ck_assert_msg(got == c->verdict, "%s: verdict %s, expected %s (%s)", c->name,
                  epsos_saml_verdict_name(got), epsos_saml_verdict_name(c->verdict),
                  epsos_assertion_message(a));
    ck_assert_msg(strstr(epsos_assertion_message(a), c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"",
                  c->name, epsos_assertion_message(a), c->msg);
    /* only a verified assertion opens access */
    if (c->kind == EPSOS_ASSERTION_HCP) {
        int32_t d = -1;
        OK(epsos_access_decide(&d, a, NULL, EPSOS_TX_IDENTIFY_PATIENT));
        ck_assert_int_eq(d, got == EPSOS_SAML_OK ? EPSOS_SAML_OK : EPSOS_SAML_NOT_VERIFIED);
    }
    epsos_assertion_free(a);
    free(xml);
    epsos_assertion_builder_free(b);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_signer_free(good);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- legacy epSOS assertions (spec 5.6) ------------------------------------------- */

START_TEST(test_legacy)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *hb = hcp_builder(ctx), *tb = trc_builder(ctx, "_hcp-0001");
    char *hx = sign_builder(hb, s), *tx = sign_builder(tb, s);
    /* an HCP assertion in the epSOS shape: plain-string role and purpose, wp3.4 facility type */
    char *x1 = resign(s, hx, "<Role xmlns=\"urn:hl7-org:v3\" code=\"221\" codeSystem=\"2.16.840.1.113883.2.9.6.2.7\" "
                             "codeSystemName=\"ISCO\" displayName=\"Medical Doctors\"/>", "physician", "_hcp-0001");
    char *x2 = replace(x1, "urn:ehdsi:names:subject:healthcare-facility-type",
                       "urn:epsos:names:wp3.4:subject:healthcare-facility-type");
    char *x3 = replace(x2, "<PurposeOfUse xmlns=\"urn:hl7-org:v3\" code=\"TREATMENT\" codeSystem=\"3bc18518-d305-46c2-a8d6-94bd59856e9e\" "
                           "codeSystemName=\"eHDSI XSPA PurposeOfUse\" displayName=\"TREATMENT\"/>", "TREATMENT");
    char *legacy = resign(s, x3, NULL, NULL, "_hcp-0001");
    epsos_assertion *a = NULL;
    ck_assert_int_eq(check_xml_flags(ctx, v, legacy, 0, T0 + 60, &a, EPSOS_ASSERTION_LEGACY), EPSOS_SAML_OK);
    const char *g;
    OK(epsos_assertion_get(a, EPSOS_SAML_ROLE, &g));
    ck_assert_str_eq(g, "physician");
    OK(epsos_assertion_get(a, EPSOS_SAML_FACILITY_TYPE, &g));
    ck_assert_str_eq(g, "Hospital");
    OK(epsos_assertion_get(a, EPSOS_SAML_PURPOSE, &g));
    ck_assert_str_eq(g, "TREATMENT");
    epsos_assertion_free(a);
    /* not without the flag: the old attribute name is not read, */
    ck_assert_int_eq(check_xml(ctx, v, legacy, 0, T0 + 60, &a), EPSOS_SAML_MISSING_FIELD);
    ck_assert_ptr_nonnull(strstr(epsos_assertion_message(a), "healthcare-facility-type"));
    epsos_assertion_free(a);
    /* the plain-string role is refused, */
    char *y = resign(s, legacy, "urn:epsos:names:wp3.4:subject:healthcare-facility-type",
                     "urn:ehdsi:names:subject:healthcare-facility-type", "_hcp-0001");
    ck_assert_int_eq(check_xml(ctx, v, y, 0, T0 + 60, &a), EPSOS_SAML_UNKNOWN_ROLE);
    ck_assert_ptr_nonnull(strstr(epsos_assertion_message(a), "legacy mode only"));
    epsos_assertion_free(a);
    /* and so is the plain-string purpose */
    char *y2 = resign(s, y, ">physician<", "><Role xmlns=\"urn:hl7-org:v3\" code=\"221\"/><", "_hcp-0001");
    ck_assert_int_eq(check_xml(ctx, v, y2, 0, T0 + 60, &a), EPSOS_SAML_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(epsos_assertion_message(a), "PurposeOfUse"));
    epsos_assertion_free(a);
    free(y2);
    /* a legacy role outside the epSOS list */
    char *z = resign(s, legacy, "physician", "wizard", "_hcp-0001");
    ck_assert_int_eq(check_xml_flags(ctx, v, z, 0, T0 + 60, &a, EPSOS_ASSERTION_LEGACY), EPSOS_SAML_UNKNOWN_ROLE);
    epsos_assertion_free(a);
    /* a TRC with the patient in resource-id */
    char *t1 = resign(s, tx, "urn:oasis:names:tc:xspa:1.0:subject:subject-id",
                      "urn:oasis:names:tc:xacml:1.0:resource:resource-id", "_trc-0001");
    ck_assert_int_eq(check_xml_flags(ctx, v, t1, 0, T0 + 60, &a, EPSOS_ASSERTION_LEGACY), EPSOS_SAML_OK);
    OK(epsos_assertion_get(a, EPSOS_SAML_SUBJECT_ID, &g));
    ck_assert_str_eq(g, PATIENT);
    epsos_assertion_free(a);
    ck_assert_int_eq(check_xml(ctx, v, t1, 0, T0 + 60, &a), EPSOS_SAML_MISSING_FIELD);
    epsos_assertion_free(a);
    ck_assert_int_eq(epsos_assertion_parse(&a, ctx, (const uint8_t *)t1, strlen(t1), 0, 2), EPSOS_EINVAL);
    ck_assert_ptr_null(a);
    free(t1);
    free(z);
    free(y);
    free(legacy);
    free(x3);
    free(x2);
    free(x1);
    free(hx);
    free(tx);
    epsos_assertion_builder_free(hb);
    epsos_assertion_builder_free(tb);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- access decisions (spec 5.4) --------------------------------------------- */

typedef struct {
    const char *name;
    const char *perms;      /* space-separated permissions of the HCP */
    int32_t tx;
    int trc;                /* 0 none, 1 bound, 2 bound to another HCP assertion */
    int32_t verdict;
    const char *msg;
} access_case;

static const access_case accesses[] = {
    { "identify", "PRD-006", EPSOS_TX_IDENTIFY_PATIENT, 0, EPSOS_SAML_OK, "" },
    { "identify without PRD-006", "PRD-003 PRD-005 PRD-010 PRD-016", EPSOS_TX_IDENTIFY_PATIENT, 0,
      EPSOS_SAML_MISSING_PERMISSION, "PRD-006" },
    { "PS", "PRD-003 PRD-005 PRD-010 PRD-016", EPSOS_TX_RETRIEVE_PS, 1, EPSOS_SAML_OK, "" },
    { "PS without PRD-005", "PRD-003 PRD-010 PRD-016", EPSOS_TX_RETRIEVE_PS, 1,
      EPSOS_SAML_MISSING_PERMISSION, "PRD-005" },
    { "PS without PRD-016", "PRD-003 PRD-005 PRD-010", EPSOS_TX_RETRIEVE_PS, 1,
      EPSOS_SAML_MISSING_PERMISSION, "PRD-016" },
    { "PS without TRC", "PRD-003 PRD-005 PRD-010 PRD-016", EPSOS_TX_RETRIEVE_PS, 0,
      EPSOS_SAML_TRC_REQUIRED, "TRC" },
    { "PS, TRC of another HCP", "PRD-003 PRD-005 PRD-010 PRD-016", EPSOS_TX_RETRIEVE_PS, 2,
      EPSOS_SAML_TRC_NOT_BOUND, "_hcp-0001" },
    { "eP", "PRD-004 PRD-010", EPSOS_TX_RETRIEVE_EP, 1, EPSOS_SAML_OK, "" },
    { "eP without PRD-004", "PRD-003 PRD-005 PRD-010 PRD-016", EPSOS_TX_RETRIEVE_EP, 1,
      EPSOS_SAML_MISSING_PERMISSION, "PRD-004" },
    { "eP without PRD-010", "PRD-004", EPSOS_TX_RETRIEVE_EP, 1, EPSOS_SAML_MISSING_PERMISSION, "PRD-010" },
    { "eD submit", "PPD-046", EPSOS_TX_SUBMIT_ED, 1, EPSOS_SAML_OK, "" },
    { "eD submit by a reader", "PRD-004 PRD-010", EPSOS_TX_SUBMIT_ED, 1, EPSOS_SAML_MISSING_PERMISSION, "PPD-046" },
    { "eD discard", "PPD-046", EPSOS_TX_DISCARD_ED, 1, EPSOS_SAML_OK, "" },
    { "eD discard without TRC", "PPD-046", EPSOS_TX_DISCARD_ED, 0, EPSOS_SAML_TRC_REQUIRED, "TRC" },
    { "consent", "PPD-032", EPSOS_TX_SUBMIT_CONSENT, 1, EPSOS_SAML_OK, "" },
    { "consent without PPD-032", "PPD-033 PPD-046", EPSOS_TX_SUBMIT_CONSENT, 1,
      EPSOS_SAML_MISSING_PERMISSION, "PPD-032" },
};

START_TEST(test_access)
{
    const access_case *c = &accesses[_i];
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    /* a pharmacist (or doctor) with this case's permissions, valid from now */
    epsos_assertion_builder *h2 = NULL;
    OK(epsos_assertion_builder_new(&h2, ctx, EPSOS_ASSERTION_HCP));
    const int32_t fields[] = { EPSOS_SAML_ID, EPSOS_SAML_ISSUER, EPSOS_SAML_NAME_ID, EPSOS_SAML_SUBJECT_ID,
                               EPSOS_SAML_ROLE, EPSOS_SAML_ORGANIZATION, EPSOS_SAML_ORGANIZATION_ID,
                               EPSOS_SAML_FACILITY_TYPE, EPSOS_SAML_PURPOSE, EPSOS_SAML_LOCALITY };
    const char *vals[] = { "_hcp-0001", "urn:idp:DK:countryB", "pharmacist@apotek.example", "Pharmacist",
                           "2262", "Apotek", "urn:oid:1.2.208.176.1.9", "Pharmacy", "TREATMENT", "Odense" };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        OK(epsos_assertion_builder_set(h2, fields[i], vals[i]));
    char perms[200];
    snprintf(perms, sizeof perms, "%s", c->perms);
    for (char *save = NULL, *p = strtok_r(perms, " ", &save); p; p = strtok_r(NULL, " ", &save))
        OK(epsos_assertion_builder_add_permission(h2, p));
    char *hx = sign_builder(h2, s);
    epsos_assertion *h = NULL, *t = NULL;
    ck_assert_int_eq(check_xml(ctx, v, hx, EPSOS_ASSERTION_HCP, 0, &h), EPSOS_SAML_OK);
    int32_t d = -1;
    /* before verification nothing is allowed, after a failed one neither */
    epsos_assertion *raw = NULL;
    OK(epsos_assertion_parse(&raw, ctx, (const uint8_t *)hx, strlen(hx), EPSOS_ASSERTION_HCP, 0));
    OK(epsos_access_decide(&d, raw, NULL, EPSOS_TX_IDENTIFY_PATIENT));
    ck_assert_int_eq(d, EPSOS_SAML_NOT_VERIFIED);
    epsos_assertion_free(raw);
    char *tx = NULL;
    if (c->trc) {
        epsos_assertion_builder *tb = trc_builder(ctx, c->trc == 1 ? "_hcp-0001" : "_hcp-other");
        OK(epsos_assertion_builder_set_time(tb, EPSOS_SAML_NOT_BEFORE, (int64_t)time(NULL)));
        OK(epsos_assertion_builder_set_time(tb, EPSOS_SAML_NOT_ON_OR_AFTER, (int64_t)time(NULL) + 3600));
        tx = sign_builder(tb, s);
        epsos_assertion_builder_free(tb);
        ck_assert_int_eq(check_xml(ctx, v, tx, EPSOS_ASSERTION_TRC, 0, &t), EPSOS_SAML_OK);
    }
    OK(epsos_access_decide(&d, h, t, c->tx));
    ck_assert_msg(d == c->verdict, "%s: %s, expected %s (%s)", c->name, epsos_saml_verdict_name(d),
                  epsos_saml_verdict_name(c->verdict), epsos_assertion_message(h));
    ck_assert_msg(strstr(epsos_assertion_message(h), c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"",
                  c->name, epsos_assertion_message(h), c->msg);
    /* the HCP assertion cannot stand in for the TRC */
    if (c->trc == 1) {
        OK(epsos_access_decide(&d, h, h, c->tx));
        ck_assert_int_eq(d, EPSOS_SAML_TRC_REQUIRED);
    }
    epsos_assertion_free(h);
    epsos_assertion_free(t);
    free(hx);
    free(tx);
    epsos_assertion_builder_free(h2);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- interop with xmlsec1 ------------------------------------------------------ */

START_TEST(test_xmlsec_interop)
{
    if (!have_xmlsec) {
        fprintf(stderr, "xmlsec1 not found: interop test skipped\n");
        return;
    }
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    const char *keys[] = { "rsa", "ec" };
    for (int i = 0; i < 2; i++) {
        epsos_signer *s = signer(ctx, keys[i]);
        epsos_assertion_builder *hb = hcp_builder(ctx), *tb = trc_builder(ctx, "_hcp-0001");
        char *x[2] = { sign_builder(hb, s), sign_builder(tb, s) };
        for (int k = 0; k < 2; k++) {
            char f[600], cmd[2000];
            snprintf(f, sizeof f, "%s/interop-%s-%d.xml", pki, keys[i], k);
            spit(f, x[k]);
            snprintf(cmd, sizeof cmd, "xmlsec1 --verify --trusted-pem %s/trust.pem " ID_ATTR " %s >/dev/null 2>&1",
                     pki, f);
            ck_assert_msg(sh(cmd) == 0, "xmlsec1 rejects our %s %s assertion", keys[i], k ? "TRC" : "HCP");
            /* and the oracle is not vacuous */
            char *t = replace(x[k], "doctor@hospital.example", "doctor@hospital.examplf");
            spit(f, t);
            ck_assert_int_ne(sh(cmd), 0);
            free(t);
            free(x[k]);
        }
        epsos_assertion_builder_free(hb);
        epsos_assertion_builder_free(tb);
        epsos_signer_free(s);
    }
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- API misuse ------------------------------------------------------------------ */

START_TEST(test_misuse)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_assertion_builder *b = (void *)1;
    ck_assert_int_eq(epsos_assertion_builder_new(&b, ctx, 3), EPSOS_EINVAL);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(epsos_assertion_builder_new(NULL, ctx, 1), EPSOS_EINVAL);
    OK(epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_HCP));
    ck_assert_int_eq(epsos_assertion_builder_set(b, 99, "x"), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_assertion_builder_set(b, EPSOS_SAML_ROLE, ""), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_assertion_builder_set(b, EPSOS_SAML_ROLE, "\xff\xfe"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_assertion_builder_set(b, EPSOS_SAML_ID, "1abc"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_assertion_builder_set_time(b, 9, 0), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_BEFORE, -1), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_assertion_builder_add_permission(b, "read everything"), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "PRD-006"));
    epsos_signer *s = signer(ctx, "rsa");
    uint8_t *out = (void *)1;
    size_t len = 1;
    ck_assert_int_eq(epsos_assertion_builder_sign(&out, &len, b, s), EPSOS_EVALUE);
    ck_assert_ptr_null(out);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "Issuer"));
    epsos_assertion_builder_free(b);
    epsos_assertion_builder_free(NULL);
    epsos_assertion *a = (void *)1;
    const char *junk = "<x/>";
    ck_assert_int_eq(epsos_assertion_parse(&a, ctx, (const uint8_t *)junk, 4, 0, 0), EPSOS_ENOTFOUND);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(epsos_assertion_parse(&a, ctx, (const uint8_t *)"<x", 2, 0, 0), EPSOS_EPARSE);
    const char *dtd = "<!DOCTYPE x [<!ENTITY e \"y\">]><x>&e;</x>";
    ck_assert_int_lt(epsos_assertion_parse(&a, ctx, (const uint8_t *)dtd, strlen(dtd), 0, 0), 0);
    epsos_assertion_free(NULL);
    ck_assert_str_eq(epsos_saml_verdict_name(EPSOS_SAML_EXPIRED), "expired");
    ck_assert_ptr_null(epsos_saml_verdict_name(99));
    int32_t d;
    ck_assert_int_eq(epsos_access_decide(&d, NULL, NULL, 1), EPSOS_EINVAL);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("saml");
    TCase *t = tcase_create("saml");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_hcp_round_trip);
    tcase_add_test(t, test_default_id);
    tcase_add_test(t, test_trc_round_trip_and_header);
    tcase_add_loop_test(t, test_rules, 0, (int)(sizeof rules / sizeof rules[0]));
    tcase_add_loop_test(t, test_access, 0, (int)(sizeof accesses / sizeof accesses[0]));
    tcase_add_test(t, test_xmlsec_interop);
    tcase_add_test(t, test_legacy);
    tcase_add_test(t, test_misuse);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(pki, sizeof pki, "%s/epsos-saml.XXXXXX", tmp && *tmp ? tmp : "/tmp");
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
    T0 = (int64_t)time(NULL) + 120;   /* inside the certificates' validity */
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(cmd, sizeof cmd, "rm -rf %s", pki);
    sh(cmd);
    return failed ? 1 : 0;
}
