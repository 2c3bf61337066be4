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

/* A next-of-kin assertion bound to hcp_id: every NoK attribute set. */
static epsos_assertion_builder *nok_builder(epsos_ctx *ctx, const char *hcp_id)
{
    epsos_assertion_builder *b = NULL;
    OK(epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_NOK));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ID, "_nok-0001"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ISSUER, "urn:initgw:DK:countryB"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NAME_ID, "doctor@hospital.example"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_HCP_ID_REF, hcp_id));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_ID, "2512484916^^^&1.2.208.176.1.2&ISO"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_GIVEN_NAME, "Karen"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_FAMILY_NAME, "Sørensen"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_GENDER, "F"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_BIRTH_DATE, "1948-12-25"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_STREET, "Nørrebrogade 1"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_CITY, "København"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_POSTAL_CODE, "2200"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_COUNTRY, "DK"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_RELATIONSHIP, "MTH"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NOK_TELECOM, "tel:+4512345678"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_SUBJECT_ID, PATIENT));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_ISSUE_INSTANT, T0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_BEFORE, T0));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_NOT_ON_OR_AFTER, T0 + 2 * 3600));
    OK(epsos_assertion_builder_set_time(b, EPSOS_SAML_AUTHN_INSTANT, T0));
    return b;
}

static const char *id_of(int32_t kind)
{
    return kind == EPSOS_ASSERTION_HCP ? "_hcp-0001" : kind == EPSOS_ASSERTION_TRC ? "_trc-0001"
                                                                                   : "_nok-0001";
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
    { "not yet valid TRC", EPSOS_ASSERTION_TRC, 0, NULL, 0, 0, -61, NULL, NULL, 0, "rsa", EPSOS_SAML_NOT_YET_VALID, "NotBefore" },
    { "wrong audience TRC", EPSOS_ASSERTION_TRC, EPSOS_SAML_AUDIENCE, "urn:example:other", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_WRONG_AUDIENCE, "x-border" },
    { "unknown legacy-looking role code", EPSOS_ASSERTION_HCP, EPSOS_SAML_ROLE, "2211", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_UNKNOWN_ROLE, "XSPARole" },
    { "password authentication", EPSOS_ASSERTION_HCP, EPSOS_SAML_AUTHN_CLASS,
      "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", 0, 0, 60, NULL, NULL, 0, "ec", EPSOS_SAML_ONE_FACTOR, "Password is not" },
    { "bad facility type variant", EPSOS_ASSERTION_HCP, EPSOS_SAML_FACILITY_TYPE, "hospital", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_BAD_VALUE, "facility type" },
    { "tampered home community", EPSOS_ASSERTION_HCP, EPSOS_SAML_HOME_COMMUNITY_ID, "urn:oid:1.2.208", 0, 0, 60, ">urn:oid:1.2.208<", ">urn:oid:1.2.752<", 0, "rsa", EPSOS_SAML_BAD_SIGNATURE, "digest-mismatch" },
    /* next of kin */
    { "valid NoK", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, NULL, NULL, 0, "ec", EPSOS_SAML_OK, "" },
    { "expired NoK", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 2 * 3600 + 61, NULL, NULL, 0, "rsa", EPSOS_SAML_EXPIRED, "NotOnOrAfter" },
    { "not yet valid NoK", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, -61, NULL, NULL, 0, "rsa", EPSOS_SAML_NOT_YET_VALID, "NotBefore" },
    { "NoK over 2 h", EPSOS_ASSERTION_NOK, 0, NULL, EPSOS_SAML_NOT_ON_OR_AFTER, 2 * 3600 + 1, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_VALIDITY_TOO_LONG, "2 h" },
    { "wrong audience NoK", EPSOS_ASSERTION_NOK, EPSOS_SAML_AUDIENCE, "urn:example:other", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_WRONG_AUDIENCE, "x-border" },
    { "tampered NoK relationship", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, ">MTH<", ">FTH<", 0, "rsa", EPSOS_SAML_BAD_SIGNATURE, "digest-mismatch" },
    { "tampered NoK binding", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, ">_hcp-0001<", ">_hcp-0002<", 0, "rsa", EPSOS_SAML_BAD_SIGNATURE, "signature" },
    { "untrusted NoK signer", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, NULL, NULL, 0, "evil", EPSOS_SAML_BAD_SIGNATURE, "cert-untrusted" },
    { "NoK issuer qualifier", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, "urn:ehdsi:assertions:nok", "urn:example:nok",
      1, "rsa", EPSOS_SAML_WRONG_ISSUER, "NameQualifier" },
    { "missing NoK binding", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60,
      "<saml2:Advice><saml2:AssertionIDRef>_hcp-0001</saml2:AssertionIDRef></saml2:Advice>", "", 1, "rsa", EPSOS_SAML_MISSING_FIELD, "AssertionIDRef" },
    { "missing NoK id", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, "urn:ehdsi:names:subject:nextofkin:id\"",
      "urn:example:nok-id\"", 1, "rsa", EPSOS_SAML_MISSING_FIELD, "nextofkin:id" },
    { "bad NoK gender", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, ">F<", ">female<", 1, "rsa", EPSOS_SAML_BAD_VALUE, "female" },
    { "bad NoK birth date", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, ">1948-12-25<", ">1948-02-30<", 1, "rsa", EPSOS_SAML_BAD_VALUE, "YYYY-MM-DD" },
    { "bad NoK relationship", EPSOS_ASSERTION_NOK, 0, NULL, 0, 0, 60, ">MTH<", ">BOSS<", 1, "rsa", EPSOS_SAML_BAD_VALUE, "42.38" },
    { "NoK purpose", EPSOS_ASSERTION_NOK, EPSOS_SAML_PURPOSE, "EMERGENCY", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_OK, "" },
    { "bad NoK purpose", EPSOS_ASSERTION_NOK, EPSOS_SAML_PURPOSE, "MARKETING", 0, 0, 60, NULL, NULL, 0, "rsa", EPSOS_SAML_BAD_VALUE, "MARKETING" },
};

START_TEST(test_rules)
{
    const rule_case *c = &rules[_i];
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, c->signer), *good = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *b = c->kind == EPSOS_ASSERTION_HCP   ? hcp_builder(ctx)
                                 : c->kind == EPSOS_ASSERTION_TRC ? trc_builder(ctx, "_hcp-0001")
                                                                  : nok_builder(ctx, "_hcp-0001");
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
        xml = resign(good, ok, was, now, id_of(c->kind));
        free(ok);
    } else {
        xml = sign_builder(b, s);
    }
    if (c->old) {
        char *x2 = c->resign ? resign(good, xml, c->old, c->new, id_of(c->kind))
                             : replace(xml, c->old, c->new);
        free(xml);
        xml = x2;
    }
    epsos_assertion *a = NULL;
    int32_t got = check_xml(ctx, v, xml, 0, T0 + c->at, &a);
    if (c->verdict != EPSOS_SAML_WRONG_ISSUER)
        ck_assert_int_eq(epsos_assertion_kind(a), c->kind);
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
    { "PS without PRD-003", "PRD-005 PRD-010 PRD-016", EPSOS_TX_RETRIEVE_PS, 1,
      EPSOS_SAML_MISSING_PERMISSION, "PRD-003 (needed for Patient Summary retrieval)" },
    { "PS without PRD-010", "PRD-003 PRD-005 PRD-016", EPSOS_TX_RETRIEVE_PS, 1,
      EPSOS_SAML_MISSING_PERMISSION, "PRD-010" },
    { "eD discard without PPD-046", "PRD-004 PRD-010", EPSOS_TX_DISCARD_ED, 1,
      EPSOS_SAML_MISSING_PERMISSION, "PPD-046 (needed for eDispensation discard)" },
    { "eD submit without TRC", "PPD-046", EPSOS_TX_SUBMIT_ED, 0, EPSOS_SAML_TRC_REQUIRED, "TRC" },
    { "eP without TRC", "PRD-004 PRD-010", EPSOS_TX_RETRIEVE_EP, 0, EPSOS_SAML_TRC_REQUIRED, "TRC" },
    { "eP, TRC of another HCP", "PRD-004 PRD-010", EPSOS_TX_RETRIEVE_EP, 2, EPSOS_SAML_TRC_NOT_BOUND, "AssertionIDRef" },
    { "eD submit, TRC of another HCP", "PPD-046", EPSOS_TX_SUBMIT_ED, 2, EPSOS_SAML_TRC_NOT_BOUND, "AssertionIDRef" },
    { "consent without TRC", "PPD-032", EPSOS_TX_SUBMIT_CONSENT, 0, EPSOS_SAML_TRC_REQUIRED, "TRC" },
    { "identify with all but PRD-006", "PRD-003 PRD-004 PRD-005 PRD-010 PRD-016 PPD-032 PPD-046",
      EPSOS_TX_IDENTIFY_PATIENT, 0, EPSOS_SAML_MISSING_PERMISSION, "PRD-006" },
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


/* ---- next of kin (OpenNCP SamlNextOfKinIssuer) and optional HCP attributes ---- */

START_TEST(test_nok_round_trip)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *nb = nok_builder(ctx, "_hcp-0001");
    char *nx = sign_builder(nb, s);
    /* the OpenNCP shape: nok qualifier, bound by Advice, PreviousSession, string attributes
       in the issuer's order, signature after Issuer */
    ck_assert_ptr_nonnull(strstr(nx, "<saml2:Issuer NameQualifier=\"urn:ehdsi:assertions:nok\">urn:initgw:DK:countryB</saml2:Issuer><ds:Signature"));
    ck_assert_ptr_nonnull(strstr(nx, "<saml2:Advice><saml2:AssertionIDRef>_hcp-0001</saml2:AssertionIDRef></saml2:Advice>"));
    ck_assert_ptr_nonnull(strstr(nx, "urn:oasis:names:tc:SAML:2.0:ac:classes:PreviousSession"));
    ck_assert_ptr_nonnull(strstr(nx, "<saml2:Attribute FriendlyName=\"NextOfKinFirstName\" "
                                     "Name=\"urn:ehdsi:names:subject:nextofkin:firstname\" "
                                     "NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">"
                                     "<saml2:AttributeValue xsi:type=\"xsd:string\">Karen</saml2:AttributeValue>"));
    const char *order[] = { ":nextofkin:id\"", ":nextofkin:firstname\"", ":nextofkin:familyname\"",
                            ":nextofkin:gender\"", ":nextofkin:birthdate\"", ":nextofkin:address:street\"",
                            ":nextofkin:address:city\"", ":nextofkin:address:postalcode\"",
                            ":nextofkin:address:country\"", ":nextofkin:relationship\"",
                            ":nextofkin:telecom\"", ":subject:subject-id\"" };
    const char *prev = nx;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *at = strstr(nx, order[i]);
        ck_assert_msg(at != NULL && at > prev, "%s missing or out of order", order[i]);
        prev = at;
    }
    ck_assert_ptr_null(strstr(nx, "PurposeOfUse"));   /* written only when set */
    epsos_assertion *n = NULL;
    ck_assert_int_eq(check_xml(ctx, v, nx, EPSOS_ASSERTION_NOK, T0 + 60, &n), EPSOS_SAML_OK);
    ck_assert_int_eq(epsos_assertion_kind(n), EPSOS_ASSERTION_NOK);
    const struct { int32_t f; const char *v; } want[] = {
        { EPSOS_SAML_ID, "_nok-0001" },
        { EPSOS_SAML_ISSUER, "urn:initgw:DK:countryB" },
        { EPSOS_SAML_NAME_ID_FORMAT, "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" },
        { EPSOS_SAML_HCP_ID_REF, "_hcp-0001" },
        { EPSOS_SAML_AUTHN_CLASS, "urn:oasis:names:tc:SAML:2.0:ac:classes:PreviousSession" },
        { EPSOS_SAML_NOK_ID, "2512484916^^^&1.2.208.176.1.2&ISO" },
        { EPSOS_SAML_NOK_GIVEN_NAME, "Karen" },
        { EPSOS_SAML_NOK_FAMILY_NAME, "Sørensen" },
        { EPSOS_SAML_NOK_GENDER, "F" },
        { EPSOS_SAML_NOK_BIRTH_DATE, "1948-12-25" },
        { EPSOS_SAML_NOK_STREET, "Nørrebrogade 1" },
        { EPSOS_SAML_NOK_CITY, "København" },
        { EPSOS_SAML_NOK_POSTAL_CODE, "2200" },
        { EPSOS_SAML_NOK_COUNTRY, "DK" },
        { EPSOS_SAML_NOK_RELATIONSHIP, "MTH" },
        { EPSOS_SAML_NOK_TELECOM, "tel:+4512345678" },
        { EPSOS_SAML_SUBJECT_ID, PATIENT },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = NULL;
        OK(epsos_assertion_get(n, want[i].f, &got));
        ck_assert_str_eq(got, want[i].v);
    }
    int64_t t = 0;
    OK(epsos_assertion_get_time(n, EPSOS_SAML_NOT_ON_OR_AFTER, &t));
    ck_assert_int_eq(t, T0 + 2 * 3600);
    epsos_assertion_free(n);

    /* a minimal NoK (only the required id): the other attributes absent */
    epsos_assertion_builder *mb = NULL;
    OK(epsos_assertion_builder_new(&mb, ctx, EPSOS_ASSERTION_NOK));
    OK(epsos_assertion_builder_set(mb, EPSOS_SAML_ISSUER, "urn:initgw:DK:countryB"));
    OK(epsos_assertion_builder_set(mb, EPSOS_SAML_NAME_ID, "doctorId"));
    OK(epsos_assertion_builder_set(mb, EPSOS_SAML_HCP_ID_REF, "_hcp-0001"));
    uint8_t *o = (void *)1;
    size_t ol = 1;
    ck_assert_int_eq(epsos_assertion_builder_sign(&o, &ol, mb, s), EPSOS_EVALUE);
    ck_assert_ptr_null(o);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "NoK assertion attribute urn:ehdsi:names:subject:nextofkin:id"));
    OK(epsos_assertion_builder_set(mb, EPSOS_SAML_NOK_ID, "NOKID"));
    char *mx = sign_builder(mb, s);
    ck_assert_ptr_null(strstr(mx, "nextofkin:firstname"));
    ck_assert_ptr_null(strstr(mx, "subject-id"));
    ck_assert_int_eq(check_xml(ctx, v, mx, 0, 0, &n), EPSOS_SAML_OK);
    const char *g = "x";
    ck_assert_int_eq(epsos_assertion_get(n, EPSOS_SAML_NOK_GIVEN_NAME, &g), EPSOS_ENOTFOUND);
    ck_assert_ptr_null(g);
    epsos_assertion_free(n);
    /* the builder refuses values outside their sets */
    const struct { int32_t f; const char *v, *msg; } bad[] = {
        { EPSOS_SAML_NOK_GENDER, "X", "M, F or UN" },
        { EPSOS_SAML_NOK_BIRTH_DATE, "25.12.1948", "YYYY-MM-DD" },
        { EPSOS_SAML_NOK_BIRTH_DATE, "1949-02-29", "YYYY-MM-DD" },
        { EPSOS_SAML_NOK_RELATIONSHIP, "mother", "eHDSIPersonalRelationship" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        OK(epsos_assertion_builder_set(mb, bad[i].f, bad[i].v));
        ck_assert_int_eq(epsos_assertion_builder_sign(&o, &ol, mb, s), EPSOS_EVALUE);
        ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), bad[i].msg) != NULL, "%s", epsos_ctx_errmsg(ctx));
        OK(epsos_assertion_builder_set(mb, bad[i].f, NULL));
    }
    OK(epsos_assertion_builder_set(mb, EPSOS_SAML_NOK_BIRTH_DATE, "2000-02-29"));
    free(sign_builder(mb, s));
    epsos_assertion_builder_free(mb);
    free(mx);

    /* all three in one WS-Security header, each found by its kind */
    epsos_assertion_builder *hb = hcp_builder(ctx), *tb = trc_builder(ctx, "_hcp-0001");
    char *hx = sign_builder(hb, s), *tx = sign_builder(tb, s);
    const char *xd = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    char *h1 = replace(hx, xd, ""), *t1 = replace(tx, xd, ""), *n1 = replace(nx, xd, "");
    size_t hn = strlen(h1) + strlen(t1) + strlen(n1) + 1000;
    char *hdr = malloc(hn);
    snprintf(hdr, hn, "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Header>"
             "<wsse:Security xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\">"
             "%s%s%s</wsse:Security></soap:Header><soap:Body/></soap:Envelope>", n1, t1, h1);
    epsos_assertion *ha = NULL, *ta = NULL, *na = NULL;
    ck_assert_int_eq(check_xml(ctx, v, hdr, EPSOS_ASSERTION_HCP, T0 + 60, &ha), EPSOS_SAML_OK);
    ck_assert_int_eq(check_xml(ctx, v, hdr, EPSOS_ASSERTION_TRC, T0 + 60, &ta), EPSOS_SAML_OK);
    ck_assert_int_eq(check_xml(ctx, v, hdr, EPSOS_ASSERTION_NOK, T0 + 60, &na), EPSOS_SAML_OK);
    OK(epsos_assertion_get(na, EPSOS_SAML_ID, &g));
    ck_assert_str_eq(g, "_nok-0001");
    ck_assert_int_eq(epsos_assertion_kind(ha), EPSOS_ASSERTION_HCP);
    ck_assert_int_eq(epsos_assertion_kind(ta), EPSOS_ASSERTION_TRC);
    epsos_assertion_free(ha);
    epsos_assertion_free(ta);
    epsos_assertion_free(na);
    /* a header without a NoK assertion */
    ck_assert_int_eq(epsos_assertion_parse(&na, ctx, (const uint8_t *)hx, strlen(hx), EPSOS_ASSERTION_NOK, 0),
                     EPSOS_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "urn:ehdsi:assertions:nok"));
    free(hdr);
    free(h1);
    free(t1);
    free(n1);
    free(hx);
    free(tx);
    free(nx);
    epsos_assertion_builder_free(hb);
    epsos_assertion_builder_free(tb);
    epsos_assertion_builder_free(nb);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_hcp_optional)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "ec");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *b = hcp_builder(ctx);
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_HOME_COMMUNITY_ID, "urn:oid:1.2.208"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NPI, "Denmark"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ON_BEHALF_OF, "221"));
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ROLE, "3211"));
    char *xml = sign_builder(b, s);
    /* first in the statement as in the OpenNCP portal assertions */
    const char *st = strstr(xml, "<saml2:AttributeStatement>"), *hc = strstr(xml, "\"HCI Identifier\""),
               *npi = strstr(xml, "Name=\"urn:oasis:names:tc:xspa:1.0:subject:npi\""),
               *subj = strstr(xml, "Name=\"urn:oasis:names:tc:xspa:1.0:subject:subject-id\"");
    ck_assert_ptr_nonnull(st);
    ck_assert_ptr_nonnull(hc);
    ck_assert_ptr_nonnull(npi);
    ck_assert_ptr_nonnull(subj);
    ck_assert(st < hc && hc < npi && npi < subj);
    ck_assert_ptr_nonnull(strstr(xml, "Name=\"urn:ihe:iti:xca:2010:homeCommunityId\""));
    epsos_assertion *a = NULL;
    ck_assert_int_eq(check_xml(ctx, v, xml, 0, T0 + 60, &a), EPSOS_SAML_OK);
    const char *g;
    OK(epsos_assertion_get(a, EPSOS_SAML_HOME_COMMUNITY_ID, &g));
    ck_assert_str_eq(g, "urn:oid:1.2.208");
    OK(epsos_assertion_get(a, EPSOS_SAML_NPI, &g));
    ck_assert_str_eq(g, "Denmark");
    OK(epsos_assertion_get(a, EPSOS_SAML_ON_BEHALF_OF, &g));
    ck_assert_str_eq(g, "221");
    OK(epsos_assertion_get(a, EPSOS_SAML_ROLE, &g));
    ck_assert_str_eq(g, "3211");
    epsos_assertion_free(a);
    /* removing an optional attribute */
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_NPI, NULL));
    char *x2 = sign_builder(b, s);
    ck_assert_ptr_null(strstr(x2, "subject:npi"));
    free(x2);
    /* legacy: the epSOS clinical speciality and the wp3.4 on-behalf-of, read in legacy mode only */
    const char *spec = "<saml2:Attribute Name=\"urn:epsos:names:wp3.4:subject:clinical-speciality\" "
                       "NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\"><saml2:AttributeValue "
                       "xsi:type=\"xsd:string\">cardiology</saml2:AttributeValue></saml2:Attribute></saml2:AttributeStatement>";
    char *x3 = resign(s, xml, "</saml2:AttributeStatement>", spec, "_hcp-0001");
    char *x4 = resign(s, x3, "urn:ehdsi:names:subject:on-behalf-of", "urn:epsos:names:wp3.4:subject:on-behalf-of", "_hcp-0001");
    ck_assert_int_eq(check_xml_flags(ctx, v, x4, 0, T0 + 60, &a, EPSOS_ASSERTION_LEGACY), EPSOS_SAML_OK);
    OK(epsos_assertion_get(a, EPSOS_SAML_CLINICAL_SPECIALITY, &g));
    ck_assert_str_eq(g, "cardiology");
    OK(epsos_assertion_get(a, EPSOS_SAML_ON_BEHALF_OF, &g));
    ck_assert_str_eq(g, "221");
    epsos_assertion_free(a);
    ck_assert_int_eq(check_xml(ctx, v, x4, 0, T0 + 60, &a), EPSOS_SAML_OK);
    ck_assert_int_eq(epsos_assertion_get(a, EPSOS_SAML_CLINICAL_SPECIALITY, &g), EPSOS_ENOTFOUND);
    ck_assert_int_eq(epsos_assertion_get(a, EPSOS_SAML_ON_BEHALF_OF, &g), EPSOS_ENOTFOUND);
    epsos_assertion_free(a);
    free(x3);
    free(x4);
    free(xml);
    epsos_assertion_builder_free(b);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

typedef struct {
    const char *name;
    int32_t tx;
    const char *nok_ref;    /* AssertionIDRef of the NoK assertion; NULL: no NoK */
    const char *nok_patient;/* its patient id (NULL: none) */
    int nok_state;          /* 0 verified, 1 parsed only, 2 the TRC passed as NoK */
    int32_t verdict;
    const char *msg;
} nok_case;

static const nok_case nok_cases[] = {
    { "PS with NoK", EPSOS_TX_RETRIEVE_PS, "_hcp-0001", PATIENT, 0, EPSOS_SAML_OK, "" },
    { "PS without NoK", EPSOS_TX_RETRIEVE_PS, NULL, NULL, 0, EPSOS_SAML_OK, "" },
    { "NoK without patient id", EPSOS_TX_RETRIEVE_EP, "_hcp-0001", NULL, 0, EPSOS_SAML_OK, "" },
    { "identify with NoK", EPSOS_TX_IDENTIFY_PATIENT, "_hcp-0001", PATIENT, 0, EPSOS_SAML_OK, "" },
    { "NoK of another HCP", EPSOS_TX_RETRIEVE_PS, "_hcp-other", PATIENT, 0, EPSOS_SAML_NOK_NOT_BOUND,
      "NoK Advice/AssertionIDRef is not the HCP assertion ID _hcp-0001" },
    { "NoK of another HCP, identify", EPSOS_TX_IDENTIFY_PATIENT, "_hcp-other", NULL, 0, EPSOS_SAML_NOK_NOT_BOUND, "NoK" },
    { "NoK for another patient", EPSOS_TX_RETRIEVE_PS, "_hcp-0001", "42^^^&1.2.208.176.1.2&ISO", 0,
      EPSOS_SAML_PATIENT_MISMATCH, "42^^^&1.2.208.176.1.2&ISO" },
    { "NoK not verified", EPSOS_TX_SUBMIT_ED, "_hcp-0001", PATIENT, 1, EPSOS_SAML_NOT_VERIFIED, "next-of-kin" },
    { "TRC as NoK", EPSOS_TX_RETRIEVE_PS, "_hcp-0001", PATIENT, 2, EPSOS_SAML_NOT_VERIFIED, "NoK" },
};

START_TEST(test_nok_access)
{
    const nok_case *c = &nok_cases[_i];
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_signer *s = signer(ctx, "rsa");
    epsos_verifier *v = verifier(ctx);
    epsos_assertion_builder *hb = hcp_builder(ctx), *tb = trc_builder(ctx, "_hcp-0001");
    const char *more[] = { "PRD-004", "PPD-046", "PPD-032" };
    for (size_t i = 0; i < 3; i++)
        OK(epsos_assertion_builder_add_permission(hb, more[i]));
    char *hx = sign_builder(hb, s), *tx = sign_builder(tb, s), *nx = NULL;
    epsos_assertion *h = NULL, *t = NULL, *n = NULL;
    ck_assert_int_eq(check_xml(ctx, v, hx, 0, T0 + 60, &h), EPSOS_SAML_OK);
    ck_assert_int_eq(check_xml(ctx, v, tx, 0, T0 + 60, &t), EPSOS_SAML_OK);
    if (c->nok_ref) {
        epsos_assertion_builder *nb = nok_builder(ctx, c->nok_ref);
        OK(epsos_assertion_builder_set(nb, EPSOS_SAML_SUBJECT_ID, c->nok_patient));
        nx = sign_builder(nb, s);
        epsos_assertion_builder_free(nb);
        if (c->nok_state == 1)
            OK(epsos_assertion_parse(&n, ctx, (const uint8_t *)nx, strlen(nx), 0, 0));
        else if (c->nok_state == 0)
            ck_assert_int_eq(check_xml(ctx, v, nx, 0, T0 + 60, &n), EPSOS_SAML_OK);
    }
    const epsos_assertion *trc = c->tx == EPSOS_TX_IDENTIFY_PATIENT ? NULL : t;
    int32_t d = -1;
    OK(epsos_access_decide_nok(&d, h, trc, c->nok_state == 2 ? t : n, c->tx));
    ck_assert_msg(d == c->verdict, "%s: %s, expected %s (%s)", c->name, epsos_saml_verdict_name(d),
                  epsos_saml_verdict_name(c->verdict), epsos_assertion_message(h));
    ck_assert_msg(strstr(epsos_assertion_message(h), c->msg) != NULL, "%s: message \"%s\" lacks \"%s\"",
                  c->name, epsos_assertion_message(h), c->msg);
    /* the HCP and TRC rules come first: no NoK makes up for a missing TRC */
    if (c->tx != EPSOS_TX_IDENTIFY_PATIENT) {
        OK(epsos_access_decide_nok(&d, h, NULL, n, c->tx));
        ck_assert_int_eq(d, EPSOS_SAML_TRC_REQUIRED);
    }
    epsos_assertion_free(h);
    epsos_assertion_free(t);
    epsos_assertion_free(n);
    free(hx);
    free(tx);
    free(nx);
    epsos_assertion_builder_free(hb);
    epsos_assertion_builder_free(tb);
    epsos_verifier_free(v);
    epsos_signer_free(s);
    epsos_ctx_free(ctx);
}
END_TEST

/* ---- patient identification profiles ------------------------------------------ */

static epsos_idprofile *load_profile(epsos_ctx *ctx, const char *cc)
{
    char p[600];
    snprintf(p, sizeof p, "%s/tests/data/saml/idprofile-%s.tsv", TOP_SRCDIR, cc);
    size_t len;
    char *text = slurp(p, &len);
    epsos_idprofile *prof = NULL;
    int rc = epsos_idprofile_parse(&prof, ctx, (const uint8_t *)text, len);
    ck_assert_msg(rc == EPSOS_OK, "%s: %s", p, epsos_ctx_errmsg(ctx));
    free(text);
    return prof;
}

typedef struct {
    const char *name;
    const char *country;
    const char *ids;        /* "oid=value oid=value" */
    const char *traits;     /* "trait=value;trait=value" by profile trait name */
    const char *want;       /* findings: "KIND:trait" space-separated, in order; "" none */
    const char *msg;        /* in the first finding's message */
} idq_case;

static const idq_case idq_cases[] = {
    { "DK: CPR", "dk", "1.2.208.176.1.2=0201909309", "", "", "" },
    { "DK: CPR and names", "dk", "1.2.208.176.1.2=0201909309", "given-name=Karen;family-name=Sørensen", "", "" },
    { "DK: no CPR", "dk", "", "given-name=Karen", "MISSING:identifier",
      "identifier of assigning authority 1.2.208.176.1.2 (CPR number) is required by DK and missing" },
    { "DK: CPR of 9 digits", "dk", "1.2.208.176.1.2=020190930", "", "BAD_FORMAT:identifier",
      "identifier 020190930 of 1.2.208.176.1.2 (CPR number, DK) does not have the form [0-9]{10}" },
    { "DK: CPR with a hyphen", "dk", "1.2.208.176.1.2=020190-9309", "", "BAD_FORMAT:identifier", "[0-9]{10}" },
    { "DK: old cpr.dk root", "dk", "2.16.840.1.113883.2.24.4.3.2=2601010001", "",
      "EXTRA:identifier MISSING:identifier", "assigning authority 2.16.840.1.113883.2.24.4.3.2 is not one DK" },
    { "DK: birth date not used", "dk", "1.2.208.176.1.2=0201909309", "birth-date=19900102",
      "EXTRA:birth-date", "birth date \"19900102\": not a trait DK identifies patients by" },
    { "LU: matricule and birth date", "lu", "1.3.182.4.4=1990010112385", "birth-date=19900101", "", "" },
    { "LU: CNS number and birth date", "lu", "1.3.182.2.4.2=8729593390", "birth-date=19900101;gender=F", "", "" },
    { "LU: both numbers", "lu", "1.3.182.4.4=1968101545978 1.3.182.2.4.2=3843082788", "birth-date=1968", "", "" },
    { "LU: no number", "lu", "", "birth-date=19900101", "MISSING:identifier",
      "LU requires one of the identifiers 1.3.182.4.4 (national identification number), 1.3.182.2.4.2 (CNS number); the query has none" },
    { "LU: no birth date", "lu", "1.3.182.4.4=1990010112385", "family-name=Doe", "MISSING:birth-date",
      "birth date is required by LU and missing" },
    { "LU: bad birth date", "lu", "1.3.182.4.4=1990010112385", "birth-date=1990-01-01", "BAD_FORMAT:birth-date",
      "YYYYMMDD" },
    { "LU: bad gender", "lu", "1.3.182.2.4.2=8729593390", "birth-date=19900101;gender=female", "BAD_FORMAT:gender",
      "M, F or UN" },
    { "LU: city not used", "lu", "1.3.182.2.4.2=8729593390", "birth-date=19900101;city=Luxembourg", "EXTRA:city",
      "city \"Luxembourg\"" },
    { "IT: codice fiscale and all", "it", "2.16.840.1.113883.2.9.4.3.2=CRRPLA47H13A794V",
      "given-name=Paolo;family-name=Rossi;birth-date=19470613;gender=M", "", "" },
    { "IT: lower-case codice fiscale", "it", "2.16.840.1.113883.2.9.4.3.2=crrpla47h13a794v",
      "given-name=Paolo;family-name=Rossi;birth-date=19470613;gender=M", "BAD_FORMAT:identifier", "codice fiscale" },
    { "IT: only the code", "it", "2.16.840.1.113883.2.9.4.3.2=NTSTNT80A31L219O", "",
      "MISSING:given-name MISSING:family-name MISSING:birth-date MISSING:gender", "given name is required by IT" },
    { "IT: everything wrong", "it", "1.2.208.176.1.2=0201909309",
      "given-name=Paolo;family-name=Rossi;birth-date=1947061;gender=X;postal-code=00100;country=Italy",
      "EXTRA:identifier MISSING:identifier BAD_FORMAT:birth-date BAD_FORMAT:gender EXTRA:postal-code EXTRA:country",
      "1.2.208.176.1.2" },
};

static int32_t trait_of(const char *name)
{
    for (int32_t t = 1; t < 20; t++)
        if (epsos_idprofile_trait_name(t) && strcmp(epsos_idprofile_trait_name(t), name) == 0)
            return t;
    ck_abort_msg("unknown trait %s", name);
    return 0;
}

START_TEST(test_idprofile)
{
    const idq_case *c = &idq_cases[_i];
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_idprofile *p = load_profile(ctx, c->country);
    char cc[3] = { (char)(c->country[0] - 32), (char)(c->country[1] - 32), 0 };
    ck_assert_str_eq(epsos_idprofile_country(p), cc);
    epsos_idquery *q = NULL;
    OK(epsos_idquery_new(&q, ctx));
    char buf[400];
    snprintf(buf, sizeof buf, "%s", c->ids);
    for (char *sv = NULL, *tok = strtok_r(buf, " ", &sv); tok; tok = strtok_r(NULL, " ", &sv)) {
        char *eq = strchr(tok, '=');
        *eq = 0;
        OK(epsos_idquery_add_id(q, tok, eq + 1));
    }
    snprintf(buf, sizeof buf, "%s", c->traits);
    for (char *sv = NULL, *tok = strtok_r(buf, ";", &sv); tok; tok = strtok_r(NULL, ";", &sv)) {
        char *eq = strchr(tok, '=');
        *eq = 0;
        OK(epsos_idquery_set(q, trait_of(tok), eq + 1));
    }
    epsos_idcheck *r = NULL;
    OK(epsos_idprofile_check(&r, ctx, p, q));
    char got[400] = "";
    for (size_t i = 0; i < epsos_idcheck_count(r); i++) {
        int32_t k = epsos_idcheck_kind(r, i);
        size_t l = strlen(got);
        snprintf(got + l, sizeof got - l, "%s%s:%s", i ? " " : "",
                 k == EPSOS_IDCHECK_MISSING ? "MISSING" : k == EPSOS_IDCHECK_EXTRA ? "EXTRA"
                 : k == EPSOS_IDCHECK_BAD_FORMAT ? "BAD_FORMAT" : "?",
                 epsos_idprofile_trait_name(epsos_idcheck_trait(r, i)));
    }
    ck_assert_msg(strcmp(got, c->want) == 0, "%s: findings \"%s\", expected \"%s\" (%s)", c->name, got,
                  c->want, epsos_idcheck_count(r) ? epsos_idcheck_message(r, 0) : "");
    if (*c->msg)
        ck_assert_msg(strstr(epsos_idcheck_message(r, 0), c->msg) != NULL, "%s: \"%s\" lacks \"%s\"",
                      c->name, epsos_idcheck_message(r, 0), c->msg);
    size_t n = epsos_idcheck_count(r);
    ck_assert_int_eq(epsos_idcheck_kind(r, n), 0);
    ck_assert_int_eq(epsos_idcheck_trait(r, n), 0);
    ck_assert_ptr_null(epsos_idcheck_message(r, n));
    epsos_idcheck_free(r);
    epsos_idquery_free(q);
    epsos_idprofile_free(p);
    epsos_ctx_free(ctx);
}
END_TEST

static const struct { const char *text, *msg; int rc; } bad_profiles[] = {
    { "", "empty", EPSOS_EPARSE },
    { "# only a comment\n", "empty", EPSOS_EPARSE },
    { "epsos-idprofile\t2\ncountry\tDK\n", "line 1: expected the header", EPSOS_EPARSE },
    { "country\tDK\n", "line 1", EPSOS_EPARSE },
    { "epsos-idprofile\t1\nidentifier\t1.2.3\trequired\n", "no country", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\n", "no identifier", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tdk\nidentifier\t1.2.3\trequired\n", "line 2: country", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\ncountry\tSE\n", "line 3: a second country", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\n\n# x\nidentifier\t1.2.03\trequired\n", "line 5: identifier: \"1.2.03\" is not an OID", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\tmandatory\n", "use \"mandatory\"", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\trequired\t[0-9\n", "not a POSIX extended regular expression", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\trequired\nidentifier\t1.2.3\toptional\n", "listed twice", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\trequired\ntrait\teye-colour\trequired\n", "line 4: unknown trait \"eye-colour\"", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\trequired\ntrait\tidentifier\trequired\n", "unknown trait", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\trequired\ntrait\tgender\tone-of\n", "expected required or optional", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\trequired\ntrait\tgender\n", "a name and a use", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\trequired\nidentifer\t1.2.4\toptional\n", "line 4: unknown keyword \"identifer\"", EPSOS_EPARSE },
    { "epsos-idprofile\t1\ncountry\tDK\nname\t\xff\n", "line 3: not UTF-8", EPSOS_EPARSE },
};

START_TEST(test_idprofile_errors)
{
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    for (size_t i = 0; i < sizeof bad_profiles / sizeof bad_profiles[0]; i++) {
        epsos_idprofile *p = (void *)1;
        const char *t = bad_profiles[i].text;
        ck_assert_int_eq(epsos_idprofile_parse(&p, ctx, (const uint8_t *)t, strlen(t)), bad_profiles[i].rc);
        ck_assert_ptr_null(p);
        ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), bad_profiles[i].msg) != NULL, "profile %zu: \"%s\" lacks \"%s\"",
                      i, epsos_ctx_errmsg(ctx), bad_profiles[i].msg);
    }
    /* a line over the limit, a BOM and CR LF accepted */
    char *long_line = malloc(3000);
    snprintf(long_line, 3000, "epsos-idprofile\t1\ncountry\tDK\nname\t%02000d\n", 0);
    epsos_idprofile *p = NULL;
    ck_assert_int_eq(epsos_idprofile_parse(&p, ctx, (const uint8_t *)long_line, strlen(long_line)), EPSOS_ELIMIT);
    free(long_line);
    const char *crlf = "\xEF\xBB\xBF" "epsos-idprofile\t1\r\ncountry\tSE\r\nidentifier\t1.2.752.129.2.1.3.1\trequired\t-\r\n";
    OK(epsos_idprofile_parse(&p, ctx, (const uint8_t *)crlf, strlen(crlf)));
    ck_assert_str_eq(epsos_idprofile_country(p), "SE");
    /* misuse */
    epsos_idquery *q = NULL;
    OK(epsos_idquery_new(&q, ctx));
    ck_assert_int_eq(epsos_idquery_add_id(q, "not.an.oid", "1"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_idquery_add_id(q, "1.2.752.129.2.1.3.1", ""), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_idquery_add_id(q, "1.2.752.129.2.1.3.1", "19\t12"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_idquery_add_id(q, NULL, "1"), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_idquery_set(q, EPSOS_TRAIT_IDENTIFIER, "x"), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_idquery_set(q, 99, "x"), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_idquery_set(q, EPSOS_TRAIT_CITY, "\xc3"), EPSOS_EVALUE);
    OK(epsos_idquery_set(q, EPSOS_TRAIT_CITY, "Malmö"));
    OK(epsos_idquery_set(q, EPSOS_TRAIT_CITY, NULL));
    OK(epsos_idquery_add_id(q, "1.2.752.129.2.1.3.1", "191212121212"));
    epsos_idcheck *r = (void *)1;
    ck_assert_int_eq(epsos_idprofile_check(&r, ctx, NULL, q), EPSOS_EINVAL);
    ck_assert_ptr_null(r);
    OK(epsos_idprofile_check(&r, ctx, p, q));
    ck_assert_uint_eq(epsos_idcheck_count(r), 0);   /* any value: no pattern */
    epsos_idcheck_free(r);
    for (int i = 0; i < 63; i++)
        OK(epsos_idquery_add_id(q, "1.2.3", "x"));
    ck_assert_int_eq(epsos_idquery_add_id(q, "1.2.3", "x"), EPSOS_ELIMIT);
    OK(epsos_idprofile_check(&r, ctx, p, q));
    ck_assert_uint_eq(epsos_idcheck_count(r), 63);   /* each unknown authority reported */
    epsos_idcheck_free(r);
    ck_assert_ptr_null(epsos_idprofile_trait_name(0));
    ck_assert_ptr_null(epsos_idprofile_trait_name(12));
    ck_assert_str_eq(epsos_idprofile_trait_name(EPSOS_TRAIT_MOTHERS_MAIDEN_NAME), "mothers-maiden-name");
    ck_assert_uint_eq(epsos_idcheck_count(NULL), 0);
    ck_assert_ptr_null(epsos_idprofile_country(NULL));
    epsos_idquery_free(q);
    epsos_idquery_free(NULL);
    epsos_idprofile_free(p);
    epsos_idprofile_free(NULL);
    epsos_idcheck_free(NULL);
    ck_assert_int_eq(epsos_idquery_new(NULL, ctx), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_idprofile_parse(&p, NULL, (const uint8_t *)"", 0), EPSOS_EINVAL);
    epsos_ctx_free(ctx);
}
END_TEST

/* Strict UTF-8 (RFC 3629) everywhere text comes in: overlong forms ("/" as
 * C0 AF or E0 80 AF), surrogates (ED A0 80) and bytes over U+10FFFF, which
 * libxml2's xmlCheckUTF8 lets through, are refused like any other invalid
 * sequence; real multi-byte text still passes. */
START_TEST(test_strict_utf8)
{
    static const char *const bad[] = { "caf\xC0\xAF", "\xE0\x80\xAF", "x\xED\xA0\x80", "\xF4\x90\x80\x80",
                                       "\xC1\xBF" };
    epsos_ctx *ctx;
    OK(epsos_ctx_new(&ctx));
    epsos_assertion_builder *b = NULL;
    OK(epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_HCP));
    epsos_idquery *q = NULL;
    OK(epsos_idquery_new(&q, ctx));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(epsos_assertion_builder_set(b, EPSOS_SAML_ORGANIZATION, bad[i]), EPSOS_EVALUE);
        ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), "not UTF-8") != NULL, "%zu: %s", i, epsos_ctx_errmsg(ctx));
        ck_assert_int_eq(epsos_idquery_add_id(q, "1.2.752.129.2.1.3.1", bad[i]), EPSOS_EVALUE);
        ck_assert_int_eq(epsos_idquery_set(q, EPSOS_TRAIT_CITY, bad[i]), EPSOS_EVALUE);
        char prof[200];
        snprintf(prof, sizeof prof, "epsos-idprofile\t1\ncountry\tDK\nname\t%s\nidentifier\t1.2.3\trequired\n", bad[i]);
        epsos_idprofile *p = (void *)1;
        ck_assert_int_eq(epsos_idprofile_parse(&p, ctx, (const uint8_t *)prof, strlen(prof)), EPSOS_EPARSE);
        ck_assert_ptr_null(p);
        ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), "line 3: not UTF-8") != NULL, "%zu: %s", i,
                      epsos_ctx_errmsg(ctx));
    }
    /* the same characters, well formed */
    OK(epsos_assertion_builder_set(b, EPSOS_SAML_ORGANIZATION, "caf/ Ørsted \xF0\x9F\x8F\xA5"));
    OK(epsos_idquery_set(q, EPSOS_TRAIT_CITY, "København"));
    const char *good = "epsos-idprofile\t1\ncountry\tDK\nname\tDanmark / Ørsted\nidentifier\t1.2.3\trequired\n";
    epsos_idprofile *p = NULL;
    OK(epsos_idprofile_parse(&p, ctx, (const uint8_t *)good, strlen(good)));
    epsos_idprofile_free(p);
    epsos_idquery_free(q);
    epsos_assertion_builder_free(b);
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
        epsos_assertion_builder *hb = hcp_builder(ctx), *tb = trc_builder(ctx, "_hcp-0001"),
                                *nb = nok_builder(ctx, "_hcp-0001");
        OK(epsos_assertion_builder_set(hb, EPSOS_SAML_HOME_COMMUNITY_ID, "urn:oid:1.2.208"));
        OK(epsos_assertion_builder_set(hb, EPSOS_SAML_NPI, "Denmark"));
        char *x[3] = { sign_builder(hb, s), sign_builder(tb, s), sign_builder(nb, s) };
        for (int k = 0; k < 3; k++) {
            char f[600], cmd[2000];
            snprintf(f, sizeof f, "%s/interop-%s-%d.xml", pki, keys[i], k);
            spit(f, x[k]);
            snprintf(cmd, sizeof cmd, "xmlsec1 --verify --trusted-pem %s/trust.pem " ID_ATTR " %s >/dev/null 2>&1",
                     pki, f);
            ck_assert_msg(sh(cmd) == 0, "xmlsec1 rejects our %s %s assertion", keys[i],
                          k == 0 ? "HCP" : k == 1 ? "TRC" : "NoK");
            /* and the oracle is not vacuous */
            char *t = replace(x[k], "doctor@hospital.example", "doctor@hospital.examplf");
            spit(f, t);
            ck_assert_int_ne(sh(cmd), 0);
            free(t);
            free(x[k]);
        }
        epsos_assertion_builder_free(hb);
        epsos_assertion_builder_free(tb);
        epsos_assertion_builder_free(nb);
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
    ck_assert_int_eq(epsos_assertion_builder_new(&b, ctx, 4), EPSOS_EINVAL);
    ck_assert_ptr_null(b);
    ck_assert_int_eq(epsos_assertion_builder_new(&b, ctx, 0), EPSOS_EINVAL);
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
    ck_assert_int_eq(epsos_access_decide_nok(&d, NULL, NULL, NULL, 1), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_assertion_parse(&a, ctx, (const uint8_t *)junk, 4, 4, 0), EPSOS_EINVAL);
    ck_assert_str_eq(epsos_saml_verdict_name(EPSOS_SAML_NOK_NOT_BOUND), "nok-not-bound");
    ck_assert_str_eq(epsos_saml_verdict_name(EPSOS_SAML_PATIENT_MISMATCH), "patient-mismatch");
    ck_assert_ptr_null(epsos_saml_verdict_name(17));
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
    tcase_add_test(t, test_nok_round_trip);
    tcase_add_test(t, test_hcp_optional);
    tcase_add_loop_test(t, test_nok_access, 0, (int)(sizeof nok_cases / sizeof nok_cases[0]));
    tcase_add_loop_test(t, test_idprofile, 0, (int)(sizeof idq_cases / sizeof idq_cases[0]));
    tcase_add_test(t, test_idprofile_errors);
    tcase_add_test(t, test_strict_utf8);
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
