/*
 * libepsos: the template table of the CDA header and body skeleton.
 * SPDX-License-Identifier: MIT
 *
 * Adding a field = adding a row here (and its EPSOS_F_ constant and name).
 * No parsing code changes: reader, builder and dump all walk these rows.
 */
#include "config.h"
#include <string.h>
#include "table.h"

#define N UINT32_MAX
#define ROW(f, t, mn, mx, path) { EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, NULL }
#define ROWB(f, t, mn, mx, path, vs) { EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, vs }
#define ITEM(f, k, mn, mx, path) { EPSOS_F_##f, EPSOS_T_ITEM, mn, mx, EPSOS_KIND_##k, path, NULL }

#define VS(n) "1.3.6.1.4.1.12559.11.10.1.3.1.42." #n

static const epsos__row_src header_rows[] = {
    ROW(TEMPLATE_ID, II, 1, N, "templateId"),
    ROW(REALM, CS, 0, 1, "realmCode"),
    ROW(ID, II, 1, 1, "id"),
    ROWB(CODE, CD, 1, 1, "code", VS(32)),
    ROW(TITLE, TEXT, 1, 1, "title"),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROWB(CONFIDENTIALITY, CD, 1, 1, "confidentialityCode", "2.16.840.1.113883.1.11.10228"),
    ROWB(LANGUAGE, CS, 1, 1, "languageCode", VS(6)),
    ROW(SET_ID, II, 0, 1, "setId"),
    ROW(VERSION_NUMBER, TEXT, 0, 1, "versionNumber/@value"),
    ITEM(PATIENT, PATIENT, 1, 1, "+recordTarget/patientRole{classCode=PAT}"),
    ITEM(AUTHOR, AUTHOR, 1, N, "author"),
    ITEM(CUSTODIAN, ORGANIZATION, 1, 1,
         "+custodian/assignedCustodian/representedCustodianOrganization"),
    ITEM(LEGAL_AUTHENTICATOR, LEGAL_AUTHENTICATOR, 0, 1, "legalAuthenticator"),
    ITEM(CONTACT, CONTACT, 0, N,
         "participant{typeCode=IND}{templateId=1.3.6.1.4.1.19376.1.5.3.1.2.4}"),
    ROW(ORDER_ID, II, 0, N, "inFulfillmentOf/order{moodCode=RQO}/id"),
    ROW(SERVICE_START, TS, 0, 1,
        "documentationOf{typeCode=DOC}/serviceEvent{classCode=PCPR}{moodCode=EVN}/effectiveTime/low"),
    ROW(SERVICE_END, TS, 0, 1,
        "documentationOf{typeCode=DOC}/serviceEvent{classCode=PCPR}{moodCode=EVN}/effectiveTime/high"),
    ROW(PARENT_DOCUMENT_ID, II, 0, N, "relatedDocument{typeCode=XFRM}/parentDocument/id"),
    ITEM(SECTION, SECTION, 0, N, "component/structuredBody/+component/section"),
};

static const epsos__row_src patient_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ITEM(ADDRESS, ADDRESS, 0, N, "addr"),
    ROWB(TELECOM, TEL, 0, N, "telecom", VS(40)),
    ITEM(NAME, NAME, 1, N, "patient{classCode=PSN}/name"),
    ROWB(GENDER, CD, 0, 1, "patient{classCode=PSN}/administrativeGenderCode", VS(34)),
    ROW(BIRTH_TIME, TS, 0, 1, "patient{classCode=PSN}/birthTime"),
    ITEM(GUARDIAN, GUARDIAN, 0, N,
         "patient{classCode=PSN}/guardian{classCode=GUARD}{templateId=1.3.6.1.4.1.19376.1.5.3.1.2.4}"),
    ROWB(COMM_LANGUAGE, CS, 0, N,
         "patient{classCode=PSN}/+languageCommunication/languageCode", VS(6)),
};

static const epsos__row_src author_rows[] = {
    ROWB(FUNCTION_CODE, CD, 0, 1, "functionCode", VS(1)),
    ROW(TIME, TS, 1, 1, "time"),
    ROW(ID, II, 1, N, "assignedAuthor/id"),
    ROW(CODE, CD, 0, 1, "assignedAuthor/code"),
    ITEM(ADDRESS, ADDRESS, 0, N, "assignedAuthor/addr"),
    ROW(TELECOM, TEL, 0, N, "assignedAuthor/telecom"),
    ITEM(NAME, NAME, 0, 1, "assignedAuthor/assignedPerson/name"),
    ROW(DEVICE_CODE, CD, 0, 1, "assignedAuthor/assignedAuthoringDevice/code"),
    ROW(DEVICE_MODEL, TEXT, 0, 1, "assignedAuthor/assignedAuthoringDevice/manufacturerModelName"),
    ROW(DEVICE_SOFTWARE, TEXT, 0, 1, "assignedAuthor/assignedAuthoringDevice/softwareName"),
    ITEM(ORGANIZATION, ORGANIZATION, 0, 1, "assignedAuthor/representedOrganization"),
};

static const epsos__row_src organization_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROW(ORGANIZATION_NAME, TEXT, 0, 1, "name"),
    ROW(TELECOM, TEL, 0, N, "telecom"),
    ITEM(ADDRESS, ADDRESS, 0, N, "addr"),
};

static const epsos__row_src legal_rows[] = {
    ROW(TIME, TS, 1, 1, "time"),
    ROW(SIGNATURE_CODE, CS, 1, 1, "signatureCode"),
    ROW(ID, II, 1, N, "assignedEntity/id"),
    ROW(CODE, CD, 0, 1, "assignedEntity/code"),
    ITEM(ADDRESS, ADDRESS, 0, N, "assignedEntity/addr"),
    ROW(TELECOM, TEL, 0, N, "assignedEntity/telecom"),
    ITEM(NAME, NAME, 0, 1, "assignedEntity/assignedPerson/name"),
    ITEM(ORGANIZATION, ORGANIZATION, 0, 1, "assignedEntity/representedOrganization"),
};

static const epsos__row_src contact_rows[] = {
    ROW(FUNCTION_CODE, CD, 0, 1, "functionCode"),
    ROW(TIME, TS, 0, 1, "time"),
    ROWB(CLASS_CODE, TEXT, 1, 1, "associatedEntity/@classCode", VS(39)),
    ROW(ID, II, 0, N, "associatedEntity/id"),
    ROWB(CODE, CD, 0, 1, "associatedEntity/code", VS(38)),
    ITEM(ADDRESS, ADDRESS, 0, N, "associatedEntity/addr"),
    ROW(TELECOM, TEL, 0, N, "associatedEntity/telecom"),
    ITEM(NAME, NAME, 0, 1, "associatedEntity/associatedPerson/name"),
    ITEM(ORGANIZATION, ORGANIZATION, 0, 1, "associatedEntity/scopingOrganization"),
};

static const epsos__row_src guardian_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROWB(CODE, CD, 0, 1, "code", VS(38)),
    ITEM(ADDRESS, ADDRESS, 0, N, "addr"),
    ROW(TELECOM, TEL, 0, N, "telecom"),
    ITEM(NAME, NAME, 0, 1, "guardianPerson/name"),
    ITEM(ORGANIZATION, ORGANIZATION, 0, 1, "guardianOrganization"),
};

static const epsos__row_src name_rows[] = {
    ROW(USE, TEXT, 0, 1, "@use"),
    ROW(PREFIX, TEXT, 0, N, "prefix"),
    ROW(GIVEN, TEXT, 0, N, "given"),
    ROW(FAMILY, TEXT, 0, N, "family"),
    ROW(SUFFIX, TEXT, 0, N, "suffix"),
};

static const epsos__row_src address_rows[] = {
    ROW(USE, TEXT, 0, 1, "@use"),
    ROW(STREET, TEXT, 0, N, "streetAddressLine"),
    ROW(HOUSE_NUMBER, TEXT, 0, 1, "houseNumber"),
    ROW(STREET_NAME, TEXT, 0, 1, "streetName"),
    ROW(CITY, TEXT, 0, 1, "city"),
    ROW(POSTAL_CODE, TEXT, 0, 1, "postalCode"),
    ROW(STATE, TEXT, 0, 1, "state"),
    ROWB(COUNTRY, TEXT, 0, 1, "country", VS(4)),
};

static const epsos__row_src section_rows[] = {
    ROW(TEMPLATE_ID, II, 0, N, "templateId"),
    ROW(ID, II, 0, 1, "id"),
    ROWB(CODE, CD, 1, 1, "code", VS(26)),
    ROW(TITLE, TEXT, 0, 1, "title"),
    ITEM(SECTION, SECTION, 0, N, "+component/section"),
};

#define KIND(k, name, rows) { EPSOS_KIND_##k, name, rows, sizeof rows / sizeof rows[0], NULL }

/* Indexed by EPSOS_KIND_* (slot 0 unused). */
static epsos__kind_table kinds[] = {
    { 0, NULL, NULL, 0, NULL },
    KIND(HEADER, "header", header_rows),
    KIND(PATIENT, "patient", patient_rows),
    KIND(AUTHOR, "author", author_rows),
    KIND(ORGANIZATION, "organization", organization_rows),
    KIND(LEGAL_AUTHENTICATOR, "legal_authenticator", legal_rows),
    KIND(CONTACT, "contact", contact_rows),
    KIND(GUARDIAN, "guardian", guardian_rows),
    KIND(NAME, "name", name_rows),
    KIND(ADDRESS, "address", address_rows),
    KIND(SECTION, "section", section_rows),
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* Indexed by EPSOS_F_*: the JSON key / display name of each field. */
static const char *const field_names[] = {
    NULL, "id", "code", "title", "effective_time", "confidentiality", "language",
    "set_id", "version_number", "template_id", "realm", "patient", "author",
    "custodian", "legal_authenticator", "contact", "service_start", "service_end",
    "parent_document_id", "order_id", "name", "address", "telecom", "gender",
    "birth_time", "guardian", "comm_language", "function_code", "time",
    "organization", "device_model", "device_software", "device_code",
    "signature_code", "class_code", "family", "given", "prefix", "suffix", "use",
    "street", "house_number", "street_name", "city", "postal_code", "state",
    "country", "organization_name", "section",
};
#define NFIELDS (sizeof field_names / sizeof field_names[0])

/* ---- compilation of the path text --------------------------------------- */

static int copy_tok(char *dst, size_t cap, const char *s, size_t n)
{
    if (n == 0 || n >= cap)
        return -1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

static int compile_row(epsos__row *row, const epsos__row_src *src)
{
    const char *p = src->path;
    row->src = src;
    row->nsteps = 0;
    row->repeat = UINT32_MAX;
    row->attr[0] = '\0';
    while (*p) {
        if (*p == '@') {                     /* final attribute */
            if (copy_tok(row->attr, sizeof row->attr, p + 1, strlen(p + 1)) < 0)
                return -1;
            break;
        }
        if (row->nsteps == EPSOS__MAX_STEPS)
            return -1;
        epsos__step *st = &row->steps[row->nsteps];
        memset(st, 0, sizeof *st);
        if (*p == '+') {
            row->repeat = row->nsteps;
            p++;
        }
        st->ns = EPSOS_NS_HL7;
        if (strncmp(p, "pharm:", 6) == 0) { st->ns = EPSOS_NS_PHARM; p += 6; }
        else if (strncmp(p, "epsos:", 6) == 0) { st->ns = EPSOS_NS_EPSOS; p += 6; }
        size_t n = strcspn(p, "{/");
        if (copy_tok(st->local, sizeof st->local, p, n) < 0)
            return -1;
        p += n;
        while (*p == '{') {
            const char *eq = strchr(p, '='), *end = strchr(p, '}');
            if (!eq || !end || eq > end || st->ninit == EPSOS__MAX_INIT)
                return -1;
            if (copy_tok(st->init[st->ninit].name, sizeof st->init[0].name, p + 1,
                         (size_t)(eq - p - 1)) < 0 ||
                copy_tok(st->init[st->ninit].value, sizeof st->init[0].value, eq + 1,
                         (size_t)(end - eq - 1)) < 0)
                return -1;
            st->ninit++;
            p = end + 1;
        }
        row->nsteps++;
        if (*p == '/')
            p++;
        else if (*p)
            return -1;
    }
    if (row->attr[0] && src->type != EPSOS_T_TEXT)
        return -1;                           /* attribute rows are text */
    if (!row->attr[0] && row->nsteps == 0)
        return -1;
    if (row->repeat == UINT32_MAX)
        row->repeat = row->nsteps ? row->nsteps - 1 : 0;
    return 0;
}

static epsos__row compiled[128];

int epsos__table_init(void)
{
    size_t used = 0;
    for (size_t k = 1; k < NKINDS; k++) {
        if (kinds[k].kind != (int32_t)k || used + kinds[k].nrows > sizeof compiled / sizeof compiled[0])
            return EPSOS_ERROR;
        kinds[k].rows = &compiled[used];
        for (size_t i = 0; i < kinds[k].nrows; i++) {
            const epsos__row_src *src = &kinds[k].src[i];
            if (src->field <= 0 || (size_t)src->field >= NFIELDS ||
                compile_row(&kinds[k].rows[i], src) < 0)
                return EPSOS_ERROR;
        }
        used += kinds[k].nrows;
    }
    return EPSOS_OK;
}

const epsos__kind_table *epsos__kind(int32_t kind)
{
    if (kind <= 0 || (size_t)kind >= NKINDS || epsos_init() != EPSOS_OK)
        return NULL;
    return &kinds[kind];
}

const epsos__row *epsos__row_of(int32_t kind, int32_t field)
{
    const epsos__kind_table *k = epsos__kind(kind);
    if (!k)
        return NULL;
    for (size_t i = 0; i < k->nrows; i++)
        if (k->rows[i].src->field == field)
            return &k->rows[i];
    return NULL;
}

/* ---- public introspection ----------------------------------------------- */

EPSOS_API const char *epsos_kind_name(int32_t kind)
{
    const epsos__kind_table *k = epsos__kind(kind);
    return k ? k->name : NULL;
}

EPSOS_API const char *epsos_field_name(int32_t field)
{
    return field > 0 && (size_t)field < NFIELDS ? field_names[field] : NULL;
}

EPSOS_API size_t epsos_kind_field_count(int32_t kind)
{
    const epsos__kind_table *k = epsos__kind(kind);
    return k ? k->nrows : 0;
}

EPSOS_API int32_t epsos_kind_field_at(int32_t kind, size_t index)
{
    const epsos__kind_table *k = epsos__kind(kind);
    return k && index < k->nrows ? k->rows[index].src->field : 0;
}

EPSOS_API int32_t epsos_field_type(int32_t kind, int32_t field)
{
    const epsos__row *r = epsos__row_of(kind, field);
    return r ? r->src->type : 0;
}

EPSOS_API int epsos_field_cardinality(int32_t kind, int32_t field, uint32_t *min, uint32_t *max)
{
    const epsos__row *r = epsos__row_of(kind, field);
    if (!r)
        return EPSOS_ETYPE;
    if (min)
        *min = r->src->min;
    if (max)
        *max = r->src->max;
    return EPSOS_OK;
}

EPSOS_API int32_t epsos_field_item_kind(int32_t kind, int32_t field)
{
    const epsos__row *r = epsos__row_of(kind, field);
    return r ? r->src->child_kind : 0;
}

/* ---- schema order of children (CDA R2 POCD_MT000040) -------------------- */

#define INFRA "realmCode", "typeId", "templateId"
static const struct { const char *parent; const char *children[32]; } order[] = {
    { "ClinicalDocument", { INFRA, "id", "code", "title", "effectiveTime",
        "confidentialityCode", "languageCode", "setId", "versionNumber", "copyTime",
        "recordTarget", "author", "dataEnterer", "informant", "custodian",
        "informationRecipient", "legalAuthenticator", "authenticator", "participant",
        "inFulfillmentOf", "documentationOf", "relatedDocument", "authorization",
        "componentOf", "component", NULL } },
    { "patientRole", { INFRA, "id", "addr", "telecom", "patient", "providerOrganization", NULL } },
    { "patient", { INFRA, "id", "name", "administrativeGenderCode", "birthTime",
        "maritalStatusCode", "religiousAffiliationCode", "raceCode", "ethnicGroupCode",
        "guardian", "birthplace", "languageCommunication", NULL } },
    { "guardian", { INFRA, "id", "code", "addr", "telecom", "guardianPerson",
        "guardianOrganization", NULL } },
    { "author", { INFRA, "functionCode", "time", "assignedAuthor", NULL } },
    { "assignedAuthor", { INFRA, "id", "code", "addr", "telecom", "assignedPerson",
        "assignedAuthoringDevice", "representedOrganization", NULL } },
    { "assignedAuthoringDevice", { INFRA, "code", "manufacturerModelName", "softwareName",
        "asMaintainedEntity", NULL } },
    { "*Organization", { INFRA, "id", "name", "telecom", "addr",
        "standardIndustryClassCode", "asOrganizationPartOf", NULL } },
    { "legalAuthenticator", { INFRA, "time", "signatureCode", "assignedEntity", NULL } },
    { "assignedEntity", { INFRA, "id", "code", "addr", "telecom", "assignedPerson",
        "representedOrganization", NULL } },
    { "participant", { INFRA, "functionCode", "time", "associatedEntity", NULL } },
    { "associatedEntity", { INFRA, "id", "code", "addr", "telecom", "associatedPerson",
        "scopingOrganization", NULL } },
    { "serviceEvent", { INFRA, "id", "code", "effectiveTime", "performer", NULL } },
    { "effectiveTime", { "low", "center", "width", "high", NULL } },
    { "parentDocument", { INFRA, "id", "code", "text", "setId", "versionNumber", NULL } },
    { "order", { INFRA, "id", "code", "priorityCode", NULL } },
    { "languageCommunication", { INFRA, "languageCode", "modeCode",
        "proficiencyLevelCode", "preferenceInd", NULL } },
    { "structuredBody", { INFRA, "confidentialityCode", "languageCode", "component", NULL } },
    { "section", { INFRA, "id", "code", "title", "text", "confidentialityCode",
        "languageCode", "subject", "author", "informant", "entry", "component", NULL } },
};

int epsos__schema_pos(const char *parent, const char *local)
{
    size_t plen = strlen(parent);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *o = order[i].parent;
        bool match = o[0] == '*'
            ? plen >= strlen(o + 1) && strcmp(parent + plen - strlen(o + 1), o + 1) == 0
            : strcmp(o, parent) == 0;
        if (!match)
            continue;
        for (int j = 0; order[i].children[j]; j++)
            if (strcmp(order[i].children[j], local) == 0)
                return j;
        return -1;
    }
    return -1;
}
