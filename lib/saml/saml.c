/*
 * libepsos - eHDSI HCP identity, TRC and next-of-kin assertions (spec 5.1-5.5;
 * the NoK attributes are those of OpenNCP's NoK issuer, see saml.h).
 * SPDX-License-Identifier: MIT
 *
 * The builder writes the assertion text in the order of the OpenNCP
 * assertions, then signs it through the dsig module (Reference #ID,
 * signature after saml:Issuer).  The reader keeps a copy of the input so
 * that the signature is checked on exactly the bytes received.
 */
#include "config.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <openssl/rand.h>
#include <libxml/tree.h>
#include "core/internal.h"
#include "model/model.h"
#include "model/dt.h"
#include "epsos/saml.h"

#define NS_SAML  "urn:oasis:names:tc:SAML:2.0:assertion"
#define NS_HL7   "urn:hl7-org:v3"
#define NF_URI   "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"
#define A_SUBJECT   "urn:oasis:names:tc:xspa:1.0:subject:subject-id"
#define A_ROLE      "urn:oasis:names:tc:xacml:2.0:subject:role"
#define A_ORG       "urn:oasis:names:tc:xspa:1.0:subject:organization"
#define A_ORG_ID    "urn:oasis:names:tc:xspa:1.0:subject:organization-id"
#define A_FACILITY  "urn:ehdsi:names:subject:healthcare-facility-type"
#define A_PURPOSE   "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse"
#define A_LOCALITY  "urn:oasis:names:tc:xspa:1.0:environment:locality"
#define A_PERM      "urn:oasis:names:tc:xspa:1.0:subject:hl7:permission"
#define A_BEHALF    "urn:ehdsi:names:subject:on-behalf-of"
#define A_PRESCR    "urn:ehdsi:names:document:document-id:prescriptionId"
#define A_PIN       "urn:ehdsi:names:document:document-id:dispensationPinCode"
#define PERM_PREFIX A_PERM ":"
#define L_FACILITY  "urn:epsos:names:wp3.4:subject:healthcare-facility-type"
#define L_BEHALF    "urn:epsos:names:wp3.4:subject:on-behalf-of"
#define L_RESOURCE  "urn:oasis:names:tc:xacml:1.0:resource:resource-id"
#define L_SPECIALITY "urn:epsos:names:wp3.4:subject:clinical-speciality"
#define A_HCID      "urn:ihe:iti:xca:2010:homeCommunityId"
#define A_NPI       "urn:oasis:names:tc:xspa:1.0:subject:npi"
#define A_NOK       "urn:ehdsi:names:subject:nextofkin:"
#define NQ_HCP      "urn:ehdsi:assertions:hcp"
#define NQ_TRC      "urn:ehdsi:assertions:trc"
#define NQ_NOK      "urn:ehdsi:assertions:nok"
#define AUDIENCE    "urn:ehdsi:assertions.audience:x-border"
#define SENDER_VOUCHES "urn:oasis:names:tc:SAML:2.0:cm:sender-vouches"
#define AC_PREFIX   "urn:oasis:names:tc:SAML:2.0:ac:classes:"

#define NFIELDS 33
#define NTIMES 5

struct epsos_assertion_builder {
    epsos_ctx *ctx;
    int32_t kind;
    char *f[NFIELDS];
    int64_t t[NTIMES];
    char **perm;
    size_t nperm;
};

struct epsos_assertion {
    epsos_ctx *ctx;
    int32_t kind;
    char *f[NFIELDS];
    int64_t t[NTIMES];
    bool has_t[NTIMES];
    char **perm;
    size_t nperm;
    char *issuer_nq;        /* Issuer/@NameQualifier */
    char *confirm;          /* SubjectConfirmation/@Method */
    char *version;
    bool verified;
    bool legacy;            /* EPSOS_ASSERTION_LEGACY */
    bool plain[NFIELDS];    /* the value was a string, not an HL7 coded element */
    uint8_t *xml;
    size_t len;
    char msg[256];
};

static const char *const isco_roles[] = {
    "2266", "2261", "221", "3211", "2222", "2221", "2265", "2267", "2269", "44", "2262",
    "3213", "2264", NULL
};
static const char *const legacy_roles[] = {
    "physician", "pharmacist", "nurse", "dentist", "nurse midwife", "admission clerk",
    "ancillary services", "clinical services", "patient", NULL
};
static const char *const facility_types[] = {
    "Hospital", "Resident Physician", "Pharmacy", "Other", NULL
};
static const char *const purposes[] = { "TREATMENT", "EMERGENCY", NULL };
static const char *const two_factor[] = {
    "MobileTwoFactorUnregistered", "MobileTwoFactorContract", "X509", "SPKI", "SmartcardPKI",
    "SoftwarePKI", "TLSClient", NULL
};

/* The NoK attributes in the order of OpenNCP's NoK issuer (SamlNextOfKinIssuer
 * through the client connector), then the two libepsos adds (relationship,
 * telecom), written only when set. */
static const struct { int32_t field; const char *name, *friendly; } nok_attrs[] = {
    { EPSOS_SAML_NOK_ID, A_NOK "id", "NextOfKinId" },
    { EPSOS_SAML_NOK_GIVEN_NAME, A_NOK "firstname", "NextOfKinFirstName" },
    { EPSOS_SAML_NOK_FAMILY_NAME, A_NOK "familyname", "NextOfKinFamilyName" },
    { EPSOS_SAML_NOK_GENDER, A_NOK "gender", "NextOfKinGender" },
    { EPSOS_SAML_NOK_BIRTH_DATE, A_NOK "birthdate", "NextOfKinBirthDate" },
    { EPSOS_SAML_NOK_STREET, A_NOK "address:street", "NextOfKinAddressStreet" },
    { EPSOS_SAML_NOK_CITY, A_NOK "address:city", "NextOfKinAddressCity" },
    { EPSOS_SAML_NOK_POSTAL_CODE, A_NOK "address:postalcode", "NextOfKinPostalCode" },
    { EPSOS_SAML_NOK_COUNTRY, A_NOK "address:country", "NextOfKinAddressCountry" },
    { EPSOS_SAML_NOK_RELATIONSHIP, A_NOK "relationship", "NextOfKinRelationship" },
    { EPSOS_SAML_NOK_TELECOM, A_NOK "telecom", "NextOfKinTelecom" },
};
#define NNOK (sizeof nok_attrs / sizeof nok_attrs[0])

/* eHDSIAdministrativeGender (VS 42.34) */
static const char *const genders[] = { "M", "F", "UN", NULL };
/* eHDSIPersonalRelationship (VS 42.38), HL7 RoleCode 2.16.840.1.113883.5.111 */
static const char *const relationships[] = {
    "AUNT", "CHILD", "CHLDADOPT", "CHLDFOST", "CHLDINLAW", "COUSN", "DAU", "DAUADOPT", "DAUC",
    "DAUFOST", "DAUINLAW", "DOMPART", "FAMMEMB", "FRND", "FTH", "FTHINLAW", "GGRPRN", "GRNDCHILD",
    "GRPRN", "MTH", "MTHINLAW", "NBOR", "NCHILD", "NIENEPH", "PRN", "PRNINLAW", "ROOM", "SIB",
    "SIGOTHR", "SON", "SONADOPT", "SONC", "SONFOST", "SONINLAW", "SPS", "STPCHLD", "STPDAU",
    "STPSON", "UNCLE", "EXT", "GGRFTH", "GGRMTH", "GRNDDAU", "GRNDSON", "GRFTH", "GRMTH",
    "BROINLAW", "SISINLAW", "NEPHEW", "NIECE", "BRO", "SIS", "HUSB", "WIFE", NULL
};

static const char *kind_nq(int32_t kind)
{
    return kind == EPSOS_ASSERTION_HCP ? NQ_HCP : kind == EPSOS_ASSERTION_TRC ? NQ_TRC : NQ_NOK;
}

static const char *kind_name(int32_t kind)
{
    return kind == EPSOS_ASSERTION_HCP ? "HCP assertion"
           : kind == EPSOS_ASSERTION_TRC ? "TRC assertion" : "NoK assertion";
}

/* YYYY-MM-DD with a real day */
static bool is_date(const char *s)
{
    int y, m, d, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || strlen(s) != 10 ||
        s[4] != '-' || s[7] != '-')
        return false;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static bool in_set(const char *v, const char *const *set)
{
    for (; v && *set; set++)
        if (strcmp(v, *set) == 0)
            return true;
    return false;
}

/* --- time ------------------------------------------------------------------ */

static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void fmt_time(int64_t t, char buf[32])  /* t within 0..9999-12-31 */
{
    int64_t days = t / 86400, secs = t % 86400;
    if (secs < 0) { secs += 86400; days--; }
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)(y % 10000), (int)(m % 13),
             (int)(d % 32), (int)(secs / 3600 % 24), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* xs:dateTime in UTC: YYYY-MM-DDThh:mm:ss[.fff](Z|+00:00) */
static bool parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
        return false;
    const char *p = s + n;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return true;
}

static int64_t now_seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (int64_t)ts.tv_sec;
}

/* --- text buffer ----------------------------------------------------------- */

typedef struct { char *p; size_t n, cap; bool oom; } sbuf;

static void put(sbuf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->oom)
        return;
    if (b->n + l + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 4096);
        while (cap < b->n + l + 1)
            cap *= 2;
        char *np = epsos__realloc(b->p, cap);
        if (!np) { b->oom = true; return; }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, l + 1);
    b->n += l;
}

static void put_esc(sbuf *b, const char *s)
{
    char one[2] = { 0, 0 };
    for (; *s; s++) {
        switch (*s) {
        case '&': put(b, "&amp;"); break;
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '"': put(b, "&quot;"); break;
        case '\r': put(b, "&#xD;"); break;
        default: one[0] = *s; put(b, one);
        }
    }
}

static void put_attr(sbuf *b, const char *name, const char *v)
{
    put(b, " "); put(b, name); put(b, "=\""); put_esc(b, v); put(b, "\"");
}

static void put_el(sbuf *b, const char *name, const char *text)
{
    put(b, "<saml2:"); put(b, name); put(b, ">"); put_esc(b, text);
    put(b, "</saml2:"); put(b, name); put(b, ">");
}

static void attr_open(sbuf *b, const char *name, const char *friendly)
{
    put(b, "<saml2:Attribute");
    put_attr(b, "FriendlyName", friendly);
    put_attr(b, "Name", name);
    put_attr(b, "NameFormat", NF_URI);
    put(b, ">");
}

static void attr_string(sbuf *b, const char *name, const char *friendly, const char *v)
{
    if (!v)
        return;
    attr_open(b, name, friendly);
    put(b, "<saml2:AttributeValue xsi:type=\"xsd:string\">");
    put_esc(b, v);
    put(b, "</saml2:AttributeValue></saml2:Attribute>");
}

static void attr_code(sbuf *b, const char *name, const char *friendly, const char *el,
                      const char *code, const char *cs, const char *csname, const char *display)
{
    attr_open(b, name, friendly);
    put(b, "<saml2:AttributeValue><"); put(b, el);
    put_attr(b, "xmlns", NS_HL7);
    put_attr(b, "code", code);
    put_attr(b, "codeSystem", cs);
    put_attr(b, "codeSystemName", csname);
    if (display)
        put_attr(b, "displayName", display);
    put(b, "/></saml2:AttributeValue></saml2:Attribute>");
}

/* --- builder ----------------------------------------------------------------- */

static int new_id(epsos_ctx *ctx, char **out)
{
    unsigned char r[16];
    char buf[40];
    if (RAND_bytes(r, sizeof r) != 1)
        return epsos__err(ctx, EPSOS_ERROR, "assertion ID: no random bytes");
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(buf, sizeof buf, "_%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
             r[13], r[14], r[15]);
    *out = epsos__strdup(buf);
    return *out ? EPSOS_OK : epsos__err(ctx, EPSOS_ENOMEM, "assertion ID: out of memory");
}

int epsos_assertion_builder_new(epsos_assertion_builder **out, epsos_ctx *ctx, int32_t kind)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return EPSOS_EINVAL;
    if (kind != EPSOS_ASSERTION_HCP && kind != EPSOS_ASSERTION_TRC && kind != EPSOS_ASSERTION_NOK)
        return epsos__err(ctx, EPSOS_EINVAL,
                          "assertion builder: kind %d is not HCP (1), TRC (2) or NoK (3)", (int)kind);
    epsos_assertion_builder *b = epsos__calloc(1, sizeof *b);
    if (!b)
        return epsos__err(ctx, EPSOS_ENOMEM, "assertion builder: out of memory");
    b->ctx = ctx;
    b->kind = kind;
    int64_t now = now_seconds();
    b->t[EPSOS_SAML_ISSUE_INSTANT] = now;
    b->t[EPSOS_SAML_NOT_BEFORE] = now;
    b->t[EPSOS_SAML_NOT_ON_OR_AFTER] = now + (kind == EPSOS_ASSERTION_HCP ? 4 : 2) * 3600;
    b->t[EPSOS_SAML_AUTHN_INSTANT] = now;
    int rc = new_id(ctx, &b->f[EPSOS_SAML_ID]);
    const char *defs[][2] = {
        { (const char *)(intptr_t)EPSOS_SAML_AUDIENCE, AUDIENCE },
        { (const char *)(intptr_t)EPSOS_SAML_NAME_ID_FORMAT,
          "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified" },
        { (const char *)(intptr_t)EPSOS_SAML_AUTHN_CLASS,
          kind == EPSOS_ASSERTION_HCP ? AC_PREFIX "X509" : AC_PREFIX "PreviousSession" },
    };
    for (size_t i = 0; rc == EPSOS_OK && i < sizeof defs / sizeof defs[0]; i++)
        rc = epsos_assertion_builder_set(b, (int32_t)(intptr_t)defs[i][0], defs[i][1]);
    if (rc != EPSOS_OK) {
        epsos_assertion_builder_free(b);
        return rc;
    }
    *out = b;
    return EPSOS_OK;
}

int epsos_assertion_builder_set(epsos_assertion_builder *b, int32_t field, const char *value)
{
    if (!b)
        return EPSOS_EINVAL;
    if (field < 1 || field >= NFIELDS)
        return epsos__err(b->ctx, EPSOS_EINVAL, "assertion builder: unknown field %d", (int)field);
    char *v = NULL;
    if (value) {
        if (!*value)
            return epsos__err(b->ctx, EPSOS_EVALUE, "assertion builder: field %d: empty value",
                              (int)field);
        if (!epsos__xml_text_valid(value))   /* strict: no overlong forms, XML characters */
            return epsos__err(b->ctx, EPSOS_EVALUE,
                              "assertion builder: field %d: not UTF-8 text of XML characters",
                              (int)field);
        if (field == EPSOS_SAML_ID &&
            !((value[0] >= 'A' && value[0] <= 'Z') || (value[0] >= 'a' && value[0] <= 'z') ||
              value[0] == '_'))
            return epsos__err(b->ctx, EPSOS_EVALUE,
                              "assertion builder: ID \"%s\" is not an NCName (starts with _ or a letter)",
                              value);
        if (!(v = epsos__strdup(value)))
            return epsos__err(b->ctx, EPSOS_ENOMEM, "assertion builder: out of memory");
    }
    epsos__free(b->f[field]);
    b->f[field] = v;
    return EPSOS_OK;
}

int epsos_assertion_builder_set_time(epsos_assertion_builder *b, int32_t field, int64_t t)
{
    if (!b)
        return EPSOS_EINVAL;
    if (field < 1 || field >= NTIMES)
        return epsos__err(b->ctx, EPSOS_EINVAL, "assertion builder: unknown time field %d",
                          (int)field);
    if (t < 0 || t > 253402300799LL)
        return epsos__err(b->ctx, EPSOS_EVALUE, "assertion builder: time %lld out of 1970..9999",
                          (long long)t);
    b->t[field] = t;
    return EPSOS_OK;
}

int epsos_assertion_builder_add_permission(epsos_assertion_builder *b, const char *code)
{
    if (!b || !code)
        return EPSOS_EINVAL;
    if (strncmp(code, PERM_PREFIX, strlen(PERM_PREFIX)) == 0)
        code += strlen(PERM_PREFIX);
    size_t l = strlen(code);
    if (l != 7 || code[3] != '-' || !(code[0] >= 'A' && code[0] <= 'Z'))
        return epsos__err(b->ctx, EPSOS_EVALUE,
                          "assertion builder: permission \"%s\": expected a code like PRD-006", code);
    char **np = epsos__realloc(b->perm, (b->nperm + 1) * sizeof *np);
    if (!np)
        return epsos__err(b->ctx, EPSOS_ENOMEM, "assertion builder: out of memory");
    b->perm = np;
    if (!(b->perm[b->nperm] = epsos__strdup(code)))
        return epsos__err(b->ctx, EPSOS_ENOMEM, "assertion builder: out of memory");
    b->nperm++;
    return EPSOS_OK;
}

void epsos_assertion_builder_free(epsos_assertion_builder *b)
{
    if (!b)
        return;
    for (int i = 0; i < NFIELDS; i++)
        epsos__free(b->f[i]);
    for (size_t i = 0; i < b->nperm; i++)
        epsos__free(b->perm[i]);
    epsos__free(b->perm);
    epsos__free(b);
}

#define K_HCP (1u << EPSOS_ASSERTION_HCP)
#define K_TRC (1u << EPSOS_ASSERTION_TRC)
#define K_NOK (1u << EPSOS_ASSERTION_NOK)
#define K_ALL (K_HCP | K_TRC | K_NOK)
static const struct { int32_t field; unsigned kinds; const char *name; } required[] = {
    { EPSOS_SAML_ID, K_ALL, "@ID" },
    { EPSOS_SAML_ISSUER, K_ALL, "Issuer" },
    { EPSOS_SAML_NAME_ID, K_ALL, "Subject/NameID" },
    { EPSOS_SAML_NAME_ID_FORMAT, K_ALL, "Subject/NameID/@Format" },
    { EPSOS_SAML_AUDIENCE, K_ALL, "Audience" },
    { EPSOS_SAML_AUTHN_CLASS, K_ALL, "AuthnContextClassRef" },
    { EPSOS_SAML_SUBJECT_ID, K_HCP | K_TRC, "attribute " A_SUBJECT },
    { EPSOS_SAML_ROLE, K_HCP, "attribute " A_ROLE },
    { EPSOS_SAML_ORGANIZATION, K_HCP, "attribute " A_ORG },
    { EPSOS_SAML_ORGANIZATION_ID, K_HCP, "attribute " A_ORG_ID },
    { EPSOS_SAML_FACILITY_TYPE, K_HCP, "attribute " A_FACILITY },
    { EPSOS_SAML_PURPOSE, K_HCP, "attribute " A_PURPOSE },
    { EPSOS_SAML_LOCALITY, K_HCP, "attribute " A_LOCALITY },
    { EPSOS_SAML_HCP_ID_REF, K_TRC | K_NOK, "Advice/AssertionIDRef" },
    { EPSOS_SAML_NOK_ID, K_NOK, "attribute " A_NOK "id" },
};
#define REQUIRED_FOR(i, kind) ((required[i].kinds & (1u << (kind))) != 0)

int epsos_assertion_builder_sign(uint8_t **out, size_t *out_len, epsos_assertion_builder *b,
                                 epsos_signer *signer)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!out || !out_len || !b || !signer)
        return EPSOS_EINVAL;
    bool hcp = b->kind == EPSOS_ASSERTION_HCP;
    char **f = b->f;
    bool nok = b->kind == EPSOS_ASSERTION_NOK;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (REQUIRED_FOR(i, b->kind) && !f[required[i].field])
            return epsos__err(b->ctx, EPSOS_EVALUE, "assertion builder: %s %s is required",
                              kind_name(b->kind), required[i].name);
    if (nok) {
        if (f[EPSOS_SAML_NOK_GENDER] && !in_set(f[EPSOS_SAML_NOK_GENDER], genders))
            return epsos__err(b->ctx, EPSOS_EVALUE, "assertion builder: NoK gender \"%s\": "
                              "expected M, F or UN", f[EPSOS_SAML_NOK_GENDER]);
        if (f[EPSOS_SAML_NOK_BIRTH_DATE] && !is_date(f[EPSOS_SAML_NOK_BIRTH_DATE]))
            return epsos__err(b->ctx, EPSOS_EVALUE, "assertion builder: NoK birth date \"%s\": "
                              "expected YYYY-MM-DD", f[EPSOS_SAML_NOK_BIRTH_DATE]);
        if (f[EPSOS_SAML_NOK_RELATIONSHIP] && !in_set(f[EPSOS_SAML_NOK_RELATIONSHIP], relationships))
            return epsos__err(b->ctx, EPSOS_EVALUE, "assertion builder: NoK relationship \"%s\": "
                              "expected a code of eHDSIPersonalRelationship (MTH, FTH, SPS, ...)",
                              f[EPSOS_SAML_NOK_RELATIONSHIP]);
    }
    if (hcp && b->nperm == 0)
        return epsos__err(b->ctx, EPSOS_EVALUE,
                          "assertion builder: HCP assertion: at least one permission is required");
    int64_t span = b->t[EPSOS_SAML_NOT_ON_OR_AFTER] - b->t[EPSOS_SAML_NOT_BEFORE];
    if (span <= 0 || span > (hcp ? 4 : 2) * 3600)
        return epsos__err(b->ctx, EPSOS_EVALUE,
                          "assertion builder: validity window of %lld s: expected 1 s .. %s",
                          (long long)span, hcp ? "4 h" : "2 h");
    char ti[NTIMES][32];
    for (int i = 1; i < NTIMES; i++)
        fmt_time(b->t[i], ti[i]);

    sbuf s = { 0 };
    put(&s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<saml2:Assertion"
            " xmlns:saml2=\"" NS_SAML "\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
            " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"");
    put_attr(&s, "ID", f[EPSOS_SAML_ID]);
    put_attr(&s, "IssueInstant", ti[EPSOS_SAML_ISSUE_INSTANT]);
    put(&s, " Version=\"2.0\">");
    put(&s, "<saml2:Issuer");
    put_attr(&s, "NameQualifier", kind_nq(b->kind));
    put(&s, ">"); put_esc(&s, f[EPSOS_SAML_ISSUER]); put(&s, "</saml2:Issuer>");
    put(&s, "<saml2:Subject><saml2:NameID");
    put_attr(&s, "Format", f[EPSOS_SAML_NAME_ID_FORMAT]);
    put(&s, ">"); put_esc(&s, f[EPSOS_SAML_NAME_ID]); put(&s, "</saml2:NameID>");
    put(&s, "<saml2:SubjectConfirmation Method=\"" SENDER_VOUCHES "\"/></saml2:Subject>");
    put(&s, "<saml2:Conditions");
    put_attr(&s, "NotBefore", ti[EPSOS_SAML_NOT_BEFORE]);
    put_attr(&s, "NotOnOrAfter", ti[EPSOS_SAML_NOT_ON_OR_AFTER]);
    put(&s, "><saml2:AudienceRestriction>");
    put_el(&s, "Audience", f[EPSOS_SAML_AUDIENCE]);
    put(&s, "</saml2:AudienceRestriction></saml2:Conditions>");
    if (!hcp) {   /* TRC and NoK: bound to the HCP assertion */
        put(&s, "<saml2:Advice>");
        put_el(&s, "AssertionIDRef", f[EPSOS_SAML_HCP_ID_REF]);
        put(&s, "</saml2:Advice>");
    }
    put(&s, "<saml2:AuthnStatement");
    put_attr(&s, "AuthnInstant", ti[EPSOS_SAML_AUTHN_INSTANT]);
    put(&s, "><saml2:AuthnContext>");
    put_el(&s, "AuthnContextClassRef", f[EPSOS_SAML_AUTHN_CLASS]);
    put(&s, "</saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>");
    if (hcp) {
        /* the optional identifiers first, as the OpenNCP portal writes them */
        attr_string(&s, A_HCID, "HCI Identifier", f[EPSOS_SAML_HOME_COMMUNITY_ID]);
        attr_string(&s, A_NPI, "NPI Identifier", f[EPSOS_SAML_NPI]);
        attr_string(&s, A_SUBJECT, "XSPA Subject", f[EPSOS_SAML_SUBJECT_ID]);
        attr_code(&s, A_ROLE, "XSPA Role", "Role", f[EPSOS_SAML_ROLE], "2.16.840.1.113883.2.9.6.2.7",
                  "ISCO", f[EPSOS_SAML_ROLE_NAME]);
        attr_string(&s, A_ORG, "XSPA Organization", f[EPSOS_SAML_ORGANIZATION]);
        attr_string(&s, A_ORG_ID, "XSPA Organization ID", f[EPSOS_SAML_ORGANIZATION_ID]);
        attr_string(&s, A_FACILITY, "eHealth DSI Healthcare Facility Type",
                    f[EPSOS_SAML_FACILITY_TYPE]);
        attr_code(&s, A_PURPOSE, "XSPA Purpose Of Use", "PurposeOfUse", f[EPSOS_SAML_PURPOSE],
                  "3bc18518-d305-46c2-a8d6-94bd59856e9e", "eHDSI XSPA PurposeOfUse",
                  f[EPSOS_SAML_PURPOSE]);
        attr_string(&s, A_LOCALITY, "XSPA Locality", f[EPSOS_SAML_LOCALITY]);
        attr_open(&s, A_PERM, "Hl7 Permissions");
        for (size_t i = 0; i < b->nperm; i++) {
            put(&s, "<saml2:AttributeValue xsi:type=\"xsd:string\">" PERM_PREFIX);
            put_esc(&s, b->perm[i]);
            put(&s, "</saml2:AttributeValue>");
        }
        put(&s, "</saml2:Attribute>");
        attr_string(&s, A_BEHALF, "eHealth DSI On Behalf Of", f[EPSOS_SAML_ON_BEHALF_OF]);
    } else if (nok) {
        for (size_t i = 0; i < NNOK; i++)
            attr_string(&s, nok_attrs[i].name, nok_attrs[i].friendly, f[nok_attrs[i].field]);
        attr_string(&s, A_SUBJECT, "XSPA Subject", f[EPSOS_SAML_SUBJECT_ID]);
        if (f[EPSOS_SAML_PURPOSE])
            attr_code(&s, A_PURPOSE, "XSPA Purpose Of Use", "PurposeOfUse", f[EPSOS_SAML_PURPOSE],
                      "3bc18518-d305-46c2-a8d6-94bd59856e9e", "eHDSI XSPA PurposeOfUse",
                      f[EPSOS_SAML_PURPOSE]);
    } else {
        attr_string(&s, A_SUBJECT, "XSPA Subject", f[EPSOS_SAML_SUBJECT_ID]);
        if (f[EPSOS_SAML_PURPOSE])
            attr_code(&s, A_PURPOSE, "XSPA Purpose Of Use", "PurposeOfUse", f[EPSOS_SAML_PURPOSE],
                      "3bc18518-d305-46c2-a8d6-94bd59856e9e", "eHDSI XSPA PurposeOfUse",
                      f[EPSOS_SAML_PURPOSE]);
        attr_string(&s, A_PRESCR, "Prescription ID", f[EPSOS_SAML_PRESCRIPTION_ID]);
        attr_string(&s, A_PIN, "Dispensation PIN Code", f[EPSOS_SAML_DISPENSATION_PIN]);
    }
    put(&s, "</saml2:AttributeStatement></saml2:Assertion>\n");
    if (s.oom) {
        epsos__free(s.p);
        return epsos__err(b->ctx, EPSOS_ENOMEM, "assertion builder: out of memory");
    }
    int rc = epsos_xml_sign(out, out_len, signer, (const uint8_t *)s.p, s.n, f[EPSOS_SAML_ID],
                            EPSOS_DSIG_POS_DEFAULT);
    epsos__free(s.p);
    return rc;
}

/* --- reader ------------------------------------------------------------------ */

static xmlNode *child(const xmlNode *n, const char *ns, const char *local)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (epsos__is_el(c, ns, local))
            return c;
    return NULL;
}

static char *trimmed_text(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    const char *p = (const char *)t, *e;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    char *r = NULL;
    if (e > p && (r = epsos__malloc((size_t)(e - p) + 1))) {
        memcpy(r, p, (size_t)(e - p));
        r[e - p] = 0;
    }
    xmlFree(t);
    return r;
}

static char *attr_dup(const xmlNode *n, const char *name)
{
    xmlChar *v = n ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
    char *r = (v && *v) ? epsos__strdup((const char *)v) : NULL;
    xmlFree(v);
    return r;
}

static void set_f(epsos_assertion *a, int32_t field, char *v)
{
    epsos__free(a->f[field]);
    a->f[field] = v;
}

static void read_time(epsos_assertion *a, const xmlNode *n, const char *name, int32_t field)
{
    char *v = attr_dup(n, name);
    a->has_t[field] = v && parse_time(v, &a->t[field]);
    epsos__free(v);
}

/* First AttributeValue: its text, or for a coded value its @code (and @displayName). */
static void read_value(epsos_assertion *a, const xmlNode *val, int32_t field, int32_t name_field)
{
    xmlNode *el = NULL;
    for (xmlNode *c = val->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) { el = c; break; }
    if (el) {
        set_f(a, field, attr_dup(el, "code"));
        if (name_field)
            set_f(a, name_field, attr_dup(el, "displayName"));
    } else {
        set_f(a, field, trimmed_text(val));
        a->plain[field] = true;
    }
}

static int read_assertion(epsos_assertion *a, xmlNode *as)
{
    a->version = attr_dup(as, "Version");
    set_f(a, EPSOS_SAML_ID, attr_dup(as, "ID"));
    read_time(a, as, "IssueInstant", EPSOS_SAML_ISSUE_INSTANT);
    xmlNode *n = child(as, NS_SAML, "Issuer");
    if (n) {
        set_f(a, EPSOS_SAML_ISSUER, trimmed_text(n));
        a->issuer_nq = attr_dup(n, "NameQualifier");
    }
    xmlNode *subj = child(as, NS_SAML, "Subject");
    if ((n = child(subj, NS_SAML, "NameID"))) {
        set_f(a, EPSOS_SAML_NAME_ID, trimmed_text(n));
        set_f(a, EPSOS_SAML_NAME_ID_FORMAT, attr_dup(n, "Format"));
    }
    a->confirm = attr_dup(child(subj, NS_SAML, "SubjectConfirmation"), "Method");
    if ((n = child(as, NS_SAML, "Conditions"))) {
        read_time(a, n, "NotBefore", EPSOS_SAML_NOT_BEFORE);
        read_time(a, n, "NotOnOrAfter", EPSOS_SAML_NOT_ON_OR_AFTER);
        xmlNode *aud = child(child(n, NS_SAML, "AudienceRestriction"), NS_SAML, "Audience");
        if (aud)
            set_f(a, EPSOS_SAML_AUDIENCE, trimmed_text(aud));
    }
    if ((n = child(child(as, NS_SAML, "Advice"), NS_SAML, "AssertionIDRef")))
        set_f(a, EPSOS_SAML_HCP_ID_REF, trimmed_text(n));
    if ((n = child(as, NS_SAML, "AuthnStatement"))) {
        read_time(a, n, "AuthnInstant", EPSOS_SAML_AUTHN_INSTANT);
        xmlNode *cr = child(child(n, NS_SAML, "AuthnContext"), NS_SAML, "AuthnContextClassRef");
        if (cr)
            set_f(a, EPSOS_SAML_AUTHN_CLASS, trimmed_text(cr));
    }
    static const struct { const char *name; int32_t field, name_field; } map[] = {
        { A_SUBJECT, EPSOS_SAML_SUBJECT_ID, 0 },  { A_ROLE, EPSOS_SAML_ROLE, EPSOS_SAML_ROLE_NAME },
        { A_ORG, EPSOS_SAML_ORGANIZATION, 0 },    { A_ORG_ID, EPSOS_SAML_ORGANIZATION_ID, 0 },
        { A_FACILITY, EPSOS_SAML_FACILITY_TYPE, 0 }, { A_PURPOSE, EPSOS_SAML_PURPOSE, 0 },
        { A_LOCALITY, EPSOS_SAML_LOCALITY, 0 },   { A_BEHALF, EPSOS_SAML_ON_BEHALF_OF, 0 },
        { A_PRESCR, EPSOS_SAML_PRESCRIPTION_ID, 0 }, { A_PIN, EPSOS_SAML_DISPENSATION_PIN, 0 },
        { A_HCID, EPSOS_SAML_HOME_COMMUNITY_ID, 0 }, { A_NPI, EPSOS_SAML_NPI, 0 },
        /* legacy epSOS names (spec 5.6), read only in legacy mode */
        { L_FACILITY, EPSOS_SAML_FACILITY_TYPE, 0 }, { L_BEHALF, EPSOS_SAML_ON_BEHALF_OF, 0 },
        { L_SPECIALITY, EPSOS_SAML_CLINICAL_SPECIALITY, 0 },
    };
    const size_t nmap = a->legacy ? sizeof map / sizeof map[0] : sizeof map / sizeof map[0] - 3;
    bool trc = a->f[EPSOS_SAML_HCP_ID_REF] ||
               (a->issuer_nq && strcmp(a->issuer_nq, NQ_TRC) == 0);
    for (xmlNode *st = as->children; st; st = st->next) {
        if (!epsos__is_el(st, NS_SAML, "AttributeStatement"))
            continue;
        for (xmlNode *at = st->children; at; at = at->next) {
            if (!epsos__is_el(at, NS_SAML, "Attribute"))
                continue;
            xmlChar *name = xmlGetNoNsProp(at, (const xmlChar *)"Name");
            if (!name)
                continue;
            const char *nm = (const char *)name;
            if (strcmp(nm, A_PERM) == 0) {
                for (xmlNode *v = at->children; v; v = v->next) {
                    if (!epsos__is_el(v, NS_SAML, "AttributeValue"))
                        continue;
                    char *t = trimmed_text(v);
                    if (!t)
                        continue;
                    char **np = epsos__realloc(a->perm, (a->nperm + 1) * sizeof *np);
                    if (!np) { epsos__free(t); xmlFree(name); return EPSOS_ENOMEM; }
                    a->perm = np;
                    if (strncmp(t, PERM_PREFIX, strlen(PERM_PREFIX)) == 0)
                        memmove(t, t + strlen(PERM_PREFIX), strlen(t + strlen(PERM_PREFIX)) + 1);
                    a->perm[a->nperm++] = t;
                }
            } else {
                if (a->legacy && trc && strcmp(nm, L_RESOURCE) == 0) {
                    /* the legacy TRC patient id wins over any subject-id (read first or later) */
                    xmlNode *v = child(at, NS_SAML, "AttributeValue");
                    if (v)
                        read_value(a, v, EPSOS_SAML_SUBJECT_ID, 0);
                }
                for (size_t i = 0; i < nmap; i++) {
                    if (strcmp(nm, map[i].name) != 0 || a->f[map[i].field])
                        continue;
                    xmlNode *v = child(at, NS_SAML, "AttributeValue");
                    if (v)
                        read_value(a, v, map[i].field, map[i].name_field);
                }
                for (size_t i = 0; i < NNOK; i++) {
                    if (strcmp(nm, nok_attrs[i].name) != 0 || a->f[nok_attrs[i].field])
                        continue;
                    xmlNode *v = child(at, NS_SAML, "AttributeValue");
                    if (v)
                        read_value(a, v, nok_attrs[i].field, 0);
                }
            }
            xmlFree(name);
        }
    }
    return EPSOS_OK;
}

static xmlNode *find_assertion(xmlNode *n, int32_t kind)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (epsos__is_el(n, NS_SAML, "Assertion")) {
            if (!kind)
                return n;
            xmlChar *nq = xmlGetNoNsProp(child(n, NS_SAML, "Issuer"), (const xmlChar *)"NameQualifier");
            bool hit = nq && strcmp((const char *)nq, kind_nq(kind)) == 0;
            xmlFree(nq);
            if (hit)
                return n;
            continue;
        }
        xmlNode *r = find_assertion(n->children, kind);
        if (r)
            return r;
    }
    return NULL;
}

void epsos_assertion_free(epsos_assertion *a)
{
    if (!a)
        return;
    for (int i = 0; i < NFIELDS; i++)
        epsos__free(a->f[i]);
    for (size_t i = 0; i < a->nperm; i++)
        epsos__free(a->perm[i]);
    epsos__free(a->perm);
    epsos__free(a->issuer_nq);
    epsos__free(a->confirm);
    epsos__free(a->version);
    epsos__free(a->xml);
    epsos__free(a);
}

int epsos_assertion_parse(epsos_assertion **out, epsos_ctx *ctx, const uint8_t *xml, size_t len,
                          int32_t kind, uint32_t flags)
{
    if (out)
        *out = NULL;
    if (!out || !ctx || !xml)
        return EPSOS_EINVAL;
    if (kind != 0 && kind != EPSOS_ASSERTION_HCP && kind != EPSOS_ASSERTION_TRC &&
        kind != EPSOS_ASSERTION_NOK)
        return epsos__err(ctx, EPSOS_EINVAL, "assertion: kind %d is not 0, HCP (1), TRC (2) or NoK (3)",
                          (int)kind);
    if (flags & ~EPSOS_ASSERTION_LEGACY)
        return epsos__err(ctx, EPSOS_EINVAL, "assertion: unknown flags 0x%x", (unsigned)flags);
    xmlDoc *doc = epsos__xml_parse(ctx, xml, len);
    if (!doc)
        return epsos_ctx_errcode(ctx);
    xmlNode *as = find_assertion(xmlDocGetRootElement(doc), kind);
    if (!as) {
        xmlFreeDoc(doc);
        return epsos__err(ctx, EPSOS_ENOTFOUND, "assertion: no saml2:Assertion%s%s in the document",
                          kind ? " with Issuer NameQualifier " : "", kind ? kind_nq(kind) : "");
    }
    epsos_assertion *a = epsos__calloc(1, sizeof *a);
    if (!a || !(a->xml = epsos__malloc(len ? len : 1))) {
        epsos__free(a);
        xmlFreeDoc(doc);
        return epsos__err(ctx, EPSOS_ENOMEM, "assertion: out of memory");
    }
    memcpy(a->xml, xml, len);
    a->len = len;
    a->ctx = ctx;
    a->legacy = flags & EPSOS_ASSERTION_LEGACY;
    int rc = read_assertion(a, as);
    xmlFreeDoc(doc);
    if (rc != EPSOS_OK) {
        epsos_assertion_free(a);
        return epsos__err(ctx, rc, "assertion: out of memory");
    }
    if (a->issuer_nq && strcmp(a->issuer_nq, NQ_TRC) == 0)
        a->kind = EPSOS_ASSERTION_TRC;
    else if (a->issuer_nq && strcmp(a->issuer_nq, NQ_HCP) == 0)
        a->kind = EPSOS_ASSERTION_HCP;
    else if (a->issuer_nq && strcmp(a->issuer_nq, NQ_NOK) == 0)
        a->kind = EPSOS_ASSERTION_NOK;
    else
        a->kind = a->f[EPSOS_SAML_HCP_ID_REF] ? EPSOS_ASSERTION_TRC : EPSOS_ASSERTION_HCP;
    *out = a;
    return EPSOS_OK;
}

int32_t epsos_assertion_kind(const epsos_assertion *a) { return a ? a->kind : 0; }

const char *epsos_assertion_message(const epsos_assertion *a) { return a ? a->msg : ""; }

int epsos_assertion_get(const epsos_assertion *a, int32_t field, const char **value)
{
    if (value)
        *value = NULL;
    if (!a || !value || field < 1 || field >= NFIELDS)
        return EPSOS_EINVAL;
    if (!a->f[field])
        return EPSOS_ENOTFOUND;
    *value = a->f[field];
    return EPSOS_OK;
}

int epsos_assertion_get_time(const epsos_assertion *a, int32_t field, int64_t *t)
{
    if (!a || !t || field < 1 || field >= NTIMES)
        return EPSOS_EINVAL;
    if (!a->has_t[field])
        return EPSOS_ENOTFOUND;
    *t = a->t[field];
    return EPSOS_OK;
}

size_t epsos_assertion_permission_count(const epsos_assertion *a) { return a ? a->nperm : 0; }

int epsos_assertion_permission(const epsos_assertion *a, size_t i, const char **code)
{
    if (code)
        *code = NULL;
    if (!a || !code)
        return EPSOS_EINVAL;
    if (i >= a->nperm)
        return EPSOS_ENOTFOUND;
    *code = a->perm[i];
    return EPSOS_OK;
}

/* --- verification -------------------------------------------------------------- */

static int32_t deny(epsos_assertion *a, int32_t verdict, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int32_t deny(epsos_assertion *a, int32_t verdict, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof a->msg, fmt, ap);
    va_end(ap);
    return verdict;
}

static int32_t check(epsos_assertion *a, epsos_verifier *v, int64_t now, int32_t skew)
{
    bool hcp = a->kind == EPSOS_ASSERTION_HCP;
    if (!a->f[EPSOS_SAML_ID])
        return deny(a, EPSOS_SAML_MISSING_FIELD, "Assertion/@ID is missing%s", "");
    epsos_dsig_result *r = NULL;
    int rc = epsos_xml_verify(&r, v, a->xml, a->len, a->f[EPSOS_SAML_ID]);
    if (rc != EPSOS_OK)
        return -1;
    if (epsos_dsig_result_status(r) != EPSOS_DSIG_VALID) {
        char buf[200];
        snprintf(buf, sizeof buf, "%s: %s", epsos_dsig_reason_name(epsos_dsig_result_reason(r)),
                 epsos_dsig_result_message(r));
        epsos_dsig_result_free(r);
        return deny(a, EPSOS_SAML_BAD_SIGNATURE, "signature: %s", buf);
    }
    epsos_dsig_result_free(r);
    if (!a->version || strcmp(a->version, "2.0") != 0)
        return deny(a, EPSOS_SAML_BAD_VALUE, "Assertion/@Version is not 2.0%s", "");
    const char *nq = kind_nq(a->kind);
    if (!a->issuer_nq || strcmp(a->issuer_nq, nq) != 0 || !a->f[EPSOS_SAML_ISSUER])
        return deny(a, EPSOS_SAML_WRONG_ISSUER, "Issuer: expected a value and NameQualifier %s", nq);
    if (!a->has_t[EPSOS_SAML_ISSUE_INSTANT])
        return deny(a, EPSOS_SAML_MISSING_FIELD, "Assertion/@IssueInstant missing or not a UTC dateTime%s", "");
    if (!a->has_t[EPSOS_SAML_NOT_BEFORE] || !a->has_t[EPSOS_SAML_NOT_ON_OR_AFTER])
        return deny(a, EPSOS_SAML_MISSING_FIELD,
                    "Conditions/@NotBefore and @NotOnOrAfter: required UTC dateTimes%s", "");
    char tb[32];
    if (a->t[EPSOS_SAML_NOT_BEFORE] > now + skew) {
        fmt_time(a->t[EPSOS_SAML_NOT_BEFORE], tb);
        return deny(a, EPSOS_SAML_NOT_YET_VALID, "Conditions/@NotBefore %s is in the future", tb);
    }
    if (a->t[EPSOS_SAML_NOT_ON_OR_AFTER] < now - skew) {
        fmt_time(a->t[EPSOS_SAML_NOT_ON_OR_AFTER], tb);
        return deny(a, EPSOS_SAML_EXPIRED, "Conditions/@NotOnOrAfter %s has passed", tb);
    }
    if (a->t[EPSOS_SAML_NOT_ON_OR_AFTER] - a->t[EPSOS_SAML_NOT_BEFORE] > (hcp ? 4 : 2) * 3600)
        return deny(a, EPSOS_SAML_VALIDITY_TOO_LONG, "Conditions: validity window over %s",
                    hcp ? "4 h" : "2 h");
    if (!a->f[EPSOS_SAML_AUDIENCE] || strcmp(a->f[EPSOS_SAML_AUDIENCE], AUDIENCE) != 0)
        return deny(a, EPSOS_SAML_WRONG_AUDIENCE, "Audience: expected %s", AUDIENCE);
    if (!a->confirm || strcmp(a->confirm, SENDER_VOUCHES) != 0)
        return deny(a, EPSOS_SAML_BAD_VALUE, "SubjectConfirmation/@Method: expected %s", SENDER_VOUCHES);
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (REQUIRED_FOR(i, a->kind) && !a->f[required[i].field])
            return deny(a, EPSOS_SAML_MISSING_FIELD, "%s is missing or empty", required[i].name);
    if (a->kind == EPSOS_ASSERTION_NOK) {
        const char *g = a->f[EPSOS_SAML_NOK_GENDER], *d = a->f[EPSOS_SAML_NOK_BIRTH_DATE],
                   *rel = a->f[EPSOS_SAML_NOK_RELATIONSHIP];
        if (g && !in_set(g, genders))
            return deny(a, EPSOS_SAML_BAD_VALUE, "NoK gender %s is not M, F or UN", g);
        if (d && !is_date(d))
            return deny(a, EPSOS_SAML_BAD_VALUE, "NoK birth date %s is not a YYYY-MM-DD date", d);
        if (rel && !in_set(rel, relationships))
            return deny(a, EPSOS_SAML_BAD_VALUE,
                        "NoK relationship %s is not in eHDSIPersonalRelationship (VS 42.38)", rel);
    }
    if (hcp) {
        if (!a->has_t[EPSOS_SAML_AUTHN_INSTANT])
            return deny(a, EPSOS_SAML_MISSING_FIELD, "AuthnStatement/@AuthnInstant is missing%s", "");
        const char *ac = a->f[EPSOS_SAML_AUTHN_CLASS];
        if (strncmp(ac, AC_PREFIX, strlen(AC_PREFIX)) != 0 || !in_set(ac + strlen(AC_PREFIX), two_factor))
            return deny(a, EPSOS_SAML_ONE_FACTOR, "AuthnContextClassRef %s is not a two-factor class", ac);
        if (a->plain[EPSOS_SAML_ROLE] ? !(a->legacy && in_set(a->f[EPSOS_SAML_ROLE], legacy_roles))
                                      : !in_set(a->f[EPSOS_SAML_ROLE], isco_roles))
            return deny(a, EPSOS_SAML_UNKNOWN_ROLE, "role %s is not %s", a->f[EPSOS_SAML_ROLE],
                        a->plain[EPSOS_SAML_ROLE]
                            ? (a->legacy ? "a legacy epSOS role" : "an hl7:Role element (plain-string roles: legacy mode only)")
                            : "an XSPARole ISCO code");
        if (a->f[EPSOS_SAML_ON_BEHALF_OF] && !in_set(a->f[EPSOS_SAML_ON_BEHALF_OF], isco_roles) &&
            !(a->legacy && in_set(a->f[EPSOS_SAML_ON_BEHALF_OF], legacy_roles)))
            return deny(a, EPSOS_SAML_UNKNOWN_ROLE, "on-behalf-of %s is not an XSPARole ISCO code",
                        a->f[EPSOS_SAML_ON_BEHALF_OF]);
        if (!in_set(a->f[EPSOS_SAML_FACILITY_TYPE], facility_types))
            return deny(a, EPSOS_SAML_BAD_VALUE, "healthcare facility type %s is not Hospital, "
                        "Resident Physician, Pharmacy or Other", a->f[EPSOS_SAML_FACILITY_TYPE]);
        if (a->nperm == 0)
            return deny(a, EPSOS_SAML_MISSING_FIELD, "attribute %s has no value", A_PERM);
    }
    if (a->f[EPSOS_SAML_PURPOSE] && a->plain[EPSOS_SAML_PURPOSE] && !a->legacy)
        return deny(a, EPSOS_SAML_BAD_VALUE, "purpose of use %s is a plain string, not an "
                    "hl7:PurposeOfUse element (legacy mode only)", a->f[EPSOS_SAML_PURPOSE]);
    if (a->f[EPSOS_SAML_PURPOSE] && !in_set(a->f[EPSOS_SAML_PURPOSE], purposes))
        return deny(a, EPSOS_SAML_BAD_VALUE, "purpose of use %s is not TREATMENT or EMERGENCY",
                    a->f[EPSOS_SAML_PURPOSE]);
    return EPSOS_SAML_OK;
}

int epsos_assertion_verify(int32_t *verdict, epsos_assertion *a, epsos_verifier *v,
                           int64_t now, int32_t skew)
{
    if (verdict)
        *verdict = EPSOS_SAML_BAD_SIGNATURE;
    if (!verdict || !a || !v || skew < 0)
        return EPSOS_EINVAL;
    a->verified = false;
    a->msg[0] = 0;
    int32_t r = check(a, v, now ? now : now_seconds(), skew);
    if (r < 0)
        return epsos_ctx_errcode(a->ctx) ? epsos_ctx_errcode(a->ctx) : EPSOS_ERROR;
    a->verified = r == EPSOS_SAML_OK;
    *verdict = r;
    return EPSOS_OK;
}

/* --- access decision (spec 5.4) ---------------------------------------------- */

static const struct { int32_t tx; const char *name; bool trc; const char *perms[5]; } tx_rules[] = {
    { EPSOS_TX_IDENTIFY_PATIENT, "patient identification", false, { "PRD-006" } },
    { EPSOS_TX_RETRIEVE_PS, "Patient Summary retrieval", true,
      { "PRD-003", "PRD-005", "PRD-010", "PRD-016" } },
    { EPSOS_TX_RETRIEVE_EP, "ePrescription retrieval", true, { "PRD-004", "PRD-010" } },
    { EPSOS_TX_SUBMIT_ED, "eDispensation submission", true, { "PPD-046" } },
    { EPSOS_TX_DISCARD_ED, "eDispensation discard", true, { "PPD-046" } },
    { EPSOS_TX_SUBMIT_CONSENT, "consent submission", true, { "PPD-032" } },
};

static int decide(int32_t *verdict, epsos_assertion *hcp, const epsos_assertion *trc,
                  const epsos_assertion *nok, int32_t tx)
{
    if (verdict)
        *verdict = EPSOS_SAML_NOT_VERIFIED;
    if (!verdict || !hcp)
        return EPSOS_EINVAL;
    size_t k = 0;
    while (k < sizeof tx_rules / sizeof tx_rules[0] && tx_rules[k].tx != tx)
        k++;
    if (k == sizeof tx_rules / sizeof tx_rules[0])
        return epsos__err(hcp->ctx, EPSOS_EINVAL, "access: unknown transaction %d", (int)tx);
    hcp->msg[0] = 0;
    if (hcp->kind != EPSOS_ASSERTION_HCP || !hcp->verified) {
        *verdict = deny(hcp, EPSOS_SAML_NOT_VERIFIED, "%s: the HCP assertion is not verified",
                        tx_rules[k].name);
        return EPSOS_OK;
    }
    if (tx_rules[k].trc) {
        if (!trc || trc->kind != EPSOS_ASSERTION_TRC || !trc->verified) {
            *verdict = deny(hcp, EPSOS_SAML_TRC_REQUIRED,
                            "%s needs a verified TRC assertion", tx_rules[k].name);
            return EPSOS_OK;
        }
        if (!trc->f[EPSOS_SAML_HCP_ID_REF] || strcmp(trc->f[EPSOS_SAML_HCP_ID_REF], hcp->f[EPSOS_SAML_ID]) != 0) {
            *verdict = deny(hcp, EPSOS_SAML_TRC_NOT_BOUND,
                            "TRC Advice/AssertionIDRef is not the HCP assertion ID %s",
                            hcp->f[EPSOS_SAML_ID]);
            return EPSOS_OK;
        }
    }
    if (nok) {
        /* OpenNCP: the NoK assertion travels beside the HCP (and TRC) one, bound to the
           HCP assertion by Advice/AssertionIDRef like the TRC */
        if (nok->kind != EPSOS_ASSERTION_NOK || !nok->verified) {
            *verdict = deny(hcp, EPSOS_SAML_NOT_VERIFIED,
                            "%s: the next-of-kin assertion is not a verified NoK assertion",
                            tx_rules[k].name);
            return EPSOS_OK;
        }
        if (!nok->f[EPSOS_SAML_HCP_ID_REF] ||
            strcmp(nok->f[EPSOS_SAML_HCP_ID_REF], hcp->f[EPSOS_SAML_ID]) != 0) {
            *verdict = deny(hcp, EPSOS_SAML_NOK_NOT_BOUND,
                            "NoK Advice/AssertionIDRef is not the HCP assertion ID %s",
                            hcp->f[EPSOS_SAML_ID]);
            return EPSOS_OK;
        }
        const char *np = nok->f[EPSOS_SAML_SUBJECT_ID];
        const char *tp = trc && trc->kind == EPSOS_ASSERTION_TRC && trc->verified
                         ? trc->f[EPSOS_SAML_SUBJECT_ID] : NULL;
        if (np && tp && strcmp(np, tp) != 0) {
            char buf[240];
            snprintf(buf, sizeof buf, "%.90s, the TRC assertion patient %.90s", np, tp);
            *verdict = deny(hcp, EPSOS_SAML_PATIENT_MISMATCH,
                            "the NoK assertion names patient %s", buf);
            return EPSOS_OK;
        }
    }
    for (int p = 0; p < 5 && tx_rules[k].perms[p]; p++) {
        bool have = false;
        for (size_t i = 0; i < hcp->nperm && !have; i++)
            have = strcmp(hcp->perm[i], tx_rules[k].perms[p]) == 0;
        if (!have) {
            char buf[96];
            snprintf(buf, sizeof buf, "%s (needed for %s)", tx_rules[k].perms[p], tx_rules[k].name);
            *verdict = deny(hcp, EPSOS_SAML_MISSING_PERMISSION, "missing permission %s", buf);
            return EPSOS_OK;
        }
    }
    *verdict = EPSOS_SAML_OK;
    return EPSOS_OK;
}

int epsos_access_decide(int32_t *verdict, epsos_assertion *hcp, const epsos_assertion *trc,
                        int32_t tx)
{
    return decide(verdict, hcp, trc, NULL, tx);
}

int epsos_access_decide_nok(int32_t *verdict, epsos_assertion *hcp, const epsos_assertion *trc,
                            const epsos_assertion *nok, int32_t tx)
{
    return decide(verdict, hcp, trc, nok, tx);
}

const char *epsos_saml_verdict_name(int32_t v)
{
    static const char *const names[] = {
        "ok", "bad-signature", "expired", "not-yet-valid", "validity-too-long", "wrong-audience",
        "wrong-issuer", "missing-field", "unknown-role", "bad-value", "one-factor",
        "not-verified", "missing-permission", "trc-required", "trc-not-bound", "nok-not-bound",
        "patient-mismatch",
    };
    return v >= 0 && (size_t)v < sizeof names / sizeof names[0] ? names[v] : NULL;
}
