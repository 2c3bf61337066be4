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

#define VS(n) "1.3.6.1.4.1.12559.11.10.1.3.1.42." #n

static const epsos__row_src header_rows[] = {
    ROW(TEMPLATE_ID, II, 1, N, "templateId"),
    ROW(REALM, CS, 0, 1, "realmCode"),
    ROW(ID, II, 1, 1, "id"),
    ROWB(CODE, CD, 1, 1, "code", VS(32)),
    ROW(TITLE, TEXT, 1, 1, "title"),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROWBV(CONFIDENTIALITY, CD, 1, 1, "confidentialityCode", "2.16.840.1.113883.1.11.10228",
          EPSOS__VS_STRICT | EPSOS__VS_UP(1), NULL),
    ROWBV(LANGUAGE, CS, 1, 1, "languageCode", VS(6),
          EPSOS__VS_STRICT | EPSOS__VS_UP(1) | EPSOS__VS_CODE_ONLY, NULL),
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

/* NI: the only nullFlavor the official template accepts there (eHDSIRecordTarget,
 * eHDSIAuthor, eHDSIOrganization, eHDSICustodian, ...: "SHALL be 'NI'") */
#define NI_ONLY EPSOS__ROW_NF_ONLY

static const epsos__row_src patient_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ITEMF(ADDRESS, ADDRESS, 0, N, "addr", NI_ONLY),
    ROWBF(TELECOM, TEL, 0, N, "telecom", VS(40), NI_ONLY),
    ITEM(NAME, NAME, 1, N, "patient{classCode=PSN}/name"),
    ROWBV(GENDER, CD, 0, 1, "patient{classCode=PSN}/administrativeGenderCode", VS(34),
          EPSOS__VS_STRICT | EPSOS__VS_UP(2), NULL),
    ROW(BIRTH_TIME, TS, 0, 1, "patient{classCode=PSN}/birthTime"),
    ITEM(GUARDIAN, GUARDIAN, 0, N,
         "patient{classCode=PSN}/guardian{classCode=GUARD}{templateId=1.3.6.1.4.1.19376.1.5.3.1.2.4}"),
    ROWB(COMM_LANGUAGE, CS, 0, N,
         "patient{classCode=PSN}/+languageCommunication/languageCode", VS(6)),
};

static const epsos__row_src author_rows[] = {
    ROWB(FUNCTION_CODE, CD, 0, 1, "functionCode", VS(1)),
    ROW(TIME, TS, 1, 1, "time"),
    /* eHDSIAuthor, eHDSIAuthorPrescriber: nullFlavor NA only */
    ROWF(ID, II, 1, N, "assignedAuthor/id", EPSOS__ROW_NF_NA | EPSOS__ROW_NF_ONLY),
    ROW(CODE, CD, 0, 1, "assignedAuthor/code"),
    ITEM(ADDRESS, ADDRESS, 1, N, "assignedAuthor/addr"),
    ROW(TELECOM, TEL, 1, N, "assignedAuthor/telecom"),
    ITEM(NAME, NAME, 0, 1, "assignedAuthor/assignedPerson/name"),
    ROW(DEVICE_CODE, CD, 0, 1, "assignedAuthor/assignedAuthoringDevice/code"),
    ROW(DEVICE_MODEL, TEXT, 0, 1, "assignedAuthor/assignedAuthoringDevice/manufacturerModelName"),
    ROW(DEVICE_SOFTWARE, TEXT, 0, 1, "assignedAuthor/assignedAuthoringDevice/softwareName"),
    ITEMF(ORGANIZATION, ORGANIZATION, 0, 1, "assignedAuthor/representedOrganization",
          EPSOS__ROW_NULL_CHECKED),
};

static const epsos__row_src organization_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROW(ORGANIZATION_NAME, TEXT, 0, 1, "name"),
    ROWF(TELECOM, TEL, 1, N, "telecom", NI_ONLY),
    ITEM(ADDRESS, ADDRESS, 1, N, "addr"),
};

static const epsos__row_src legal_rows[] = {
    ROW(TIME, TS, 1, 1, "time"),
    ROW(SIGNATURE_CODE, CS, 1, 1, "signatureCode"),
    ROW(ID, II, 1, N, "assignedEntity/id"),
    ROW(CODE, CD, 0, 1, "assignedEntity/code"),
    ITEM(ADDRESS, ADDRESS, 1, N, "assignedEntity/addr"),
    ROWF(TELECOM, TEL, 1, N, "assignedEntity/telecom", NI_ONLY),
    ITEM(NAME, NAME, 1, 1, "assignedEntity/assignedPerson/name"),
    ITEM(ORGANIZATION, ORGANIZATION, 0, 1, "assignedEntity/representedOrganization"),
};

static const epsos__row_src contact_rows[] = {
    ROW(FUNCTION_CODE, CD, 0, 1, "functionCode"),
    ROW(TIME, TS, 0, 1, "time"),
    ROWB(CLASS_CODE, TEXT, 1, 1, "associatedEntity/@classCode", VS(39)),
    ROW(ID, II, 0, N, "associatedEntity/id"),
    ROWB(CODE, CD, 0, 1, "associatedEntity/code", VS(38)),
    ITEMF(ADDRESS, ADDRESS, 0, N, "associatedEntity/addr", NI_ONLY),
    ROWF(TELECOM, TEL, 0, N, "associatedEntity/telecom", NI_ONLY),
    ITEM(NAME, NAME, 0, 1, "associatedEntity/associatedPerson/name"),
    ITEM(ORGANIZATION, ORGANIZATION, 0, 1, "associatedEntity/scopingOrganization"),
};

static const epsos__row_src guardian_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROWB(CODE, CD, 0, 1, "code", VS(38)),
    ITEMF(ADDRESS, ADDRESS, 0, N, "addr", NI_ONLY),
    ROWF(TELECOM, TEL, 0, N, "telecom", NI_ONLY),
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

#define KIND(k, name, rows) { EPSOS_KIND_##k, name, rows, sizeof rows / sizeof rows[0], \
                             0, NULL, NULL, NULL, NULL, NULL, {0}, {0} }

static epsos__kind_table header_kinds[] = {
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

/* The JSON key / display name of each field. */
#define FN(f, n) { EPSOS_F_##f, n }
static const epsos__field_name header_fields[] = {
    FN(ID, "id"), FN(CODE, "code"), FN(TITLE, "title"), FN(EFFECTIVE_TIME, "effective_time"),
    FN(CONFIDENTIALITY, "confidentiality"), FN(LANGUAGE, "language"), FN(SET_ID, "set_id"),
    FN(VERSION_NUMBER, "version_number"), FN(TEMPLATE_ID, "template_id"), FN(REALM, "realm"),
    FN(PATIENT, "patient"), FN(AUTHOR, "author"), FN(CUSTODIAN, "custodian"),
    FN(LEGAL_AUTHENTICATOR, "legal_authenticator"), FN(CONTACT, "contact"),
    FN(SERVICE_START, "service_start"), FN(SERVICE_END, "service_end"),
    FN(PARENT_DOCUMENT_ID, "parent_document_id"), FN(ORDER_ID, "order_id"), FN(NAME, "name"),
    FN(ADDRESS, "address"), FN(TELECOM, "telecom"), FN(GENDER, "gender"),
    FN(BIRTH_TIME, "birth_time"), FN(GUARDIAN, "guardian"), FN(COMM_LANGUAGE, "comm_language"),
    FN(FUNCTION_CODE, "function_code"), FN(TIME, "time"), FN(ORGANIZATION, "organization"),
    FN(DEVICE_MODEL, "device_model"), FN(DEVICE_SOFTWARE, "device_software"),
    FN(DEVICE_CODE, "device_code"), FN(SIGNATURE_CODE, "signature_code"),
    FN(CLASS_CODE, "class_code"), FN(FAMILY, "family"), FN(GIVEN, "given"), FN(PREFIX, "prefix"),
    FN(SUFFIX, "suffix"), FN(USE, "use"), FN(STREET, "street"), FN(HOUSE_NUMBER, "house_number"),
    FN(STREET_NAME, "street_name"), FN(CITY, "city"), FN(POSTAL_CODE, "postal_code"),
    FN(STATE, "state"), FN(COUNTRY, "country"), FN(ORGANIZATION_NAME, "organization_name"),
    FN(SECTION, "section"),
};

const epsos__kind_set epsos__header_set = {
    header_kinds, sizeof header_kinds / sizeof header_kinds[0],
    header_fields, sizeof header_fields / sizeof header_fields[0],
};

/* Every module's kinds: the eP and eD tables are added here the same way. */
static const epsos__kind_set *const sets[] = { &epsos__header_set, &epsos__ps_set,
                                               &epsos__ep_set };

/* Filled once by epsos__table_init (pthread_once), read only afterwards. */
static epsos__kind_table *kinds[EPSOS__MAX_KIND];
static int32_t first_refiner[EPSOS__MAX_KIND], next_refiner[EPSOS__MAX_KIND];
static const char *field_names[EPSOS__MAX_FIELD];

/* ---- compilation of the path text --------------------------------------- */

static int copy_tok(char *dst, size_t cap, const char *s, size_t n)
{
    if (n == 0 || n >= cap)
        return -1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* Parses "[..]" predicates and "{..}" inits at *pp into st. */
static int parse_decor(const char **pp, epsos__step *st)
{
    const char *p = *pp;
    while (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        const char *end = strchr(p, close);
        if (!end)
            return -1;
        if (*p == '[') {
            if (st->npred == EPSOS__MAX_PRED)
                return -1;
            epsos__pred *pr = &st->pred[st->npred];
            const char *eq = memchr(p, '=', (size_t)(end - p));
            size_t nl = (size_t)((eq ? eq : end) - p - 1);
            char name[40];
            if (copy_tok(name, sizeof name, p + 1, nl) < 0)
                return -1;
            if (!strcmp(name, "!type") && !eq) {
                pr->what = EPSOS__P_NOTYPE;
            } else if (!strcmp(name, "leaf") && !eq) {
                pr->what = EPSOS__P_LEAF;
            } else if ((!strcmp(name, "first") || !strcmp(name, "!first")) && !eq) {
                pr->what = name[0] == '!' ? EPSOS__P_NOTFIRST : EPSOS__P_FIRST;
            } else {
                if (!eq)
                    return -1;
                if (!strcmp(name, "tid")) pr->what = EPSOS__P_TID;
                else if (!strcmp(name, "!tid")) pr->what = EPSOS__P_NOTTID;
                else if (!strcmp(name, "code")) pr->what = EPSOS__P_CODE;
                else if (!strcmp(name, "type")) pr->what = EPSOS__P_TYPE;
                else if (name[0] == '@') {
                    pr->what = EPSOS__P_ATTR;
                    if (copy_tok(pr->name, sizeof pr->name, name + 1, strlen(name + 1)) < 0)
                        return -1;
                } else
                    return -1;
                if (copy_tok(pr->values, sizeof pr->values, eq + 1, (size_t)(end - eq - 1)) < 0)
                    return -1;
            }
            st->npred++;
        } else {
            const char *eq = memchr(p, '=', (size_t)(end - p));
            if (!eq || st->ninit == EPSOS__MAX_INIT)
                return -1;
            if (copy_tok(st->init[st->ninit].name, sizeof st->init[0].name, p + 1,
                         (size_t)(eq - p - 1)) < 0 ||
                copy_tok(st->init[st->ninit].value, sizeof st->init[0].value, eq + 1,
                         (size_t)(end - eq - 1)) < 0)
                return -1;
            st->ninit++;
        }
        p = end + 1;
    }
    *pp = p;
    return 0;
}

static int compile_path(epsos__path *path, const char *p, int32_t type)
{
    path->nsteps = 0;
    path->repeat = UINT32_MAX;
    path->attr[0] = '\0';
    while (*p) {
        if (*p == '@') {                     /* final attribute */
            if (copy_tok(path->attr, sizeof path->attr, p + 1, strlen(p + 1)) < 0)
                return -1;
            break;
        }
        if (path->nsteps == EPSOS__MAX_STEPS)
            return -1;
        epsos__step *st = &path->steps[path->nsteps];
        memset(st, 0, sizeof *st);
        if (*p == '+') {
            path->repeat = path->nsteps;
            p++;
        }
        st->ns = EPSOS_NS_HL7;
        if (strncmp(p, "pharm:", 6) == 0) { st->ns = EPSOS_NS_PHARM; p += 6; }
        else if (strncmp(p, "epsos:", 6) == 0) { st->ns = EPSOS_NS_EPSOS; p += 6; }
        size_t n = strcspn(p, "{[/");
        if (copy_tok(st->local, sizeof st->local, p, n) < 0)
            return -1;
        p += n;
        if (parse_decor(&p, st) < 0)
            return -1;
        path->nsteps++;
        if (*p == '/')
            p++;
        else if (*p)
            return -1;
    }
    if (path->attr[0] && type != EPSOS_T_TEXT)
        return -1;                           /* attribute rows are text */
    if (!path->attr[0] && path->nsteps == 0)
        return -1;
    if (path->repeat == UINT32_MAX)
        path->repeat = path->nsteps ? path->nsteps - 1 : 0;
    return 0;
}

static int compile_row(epsos__row *row, const epsos__row_src *src)
{
    row->src = src;
    row->npaths = src->alt ? 2 : 1;
    if (compile_path(&row->p[0], src->path, src->type) < 0)
        return -1;
    return src->alt ? compile_path(&row->p[1], src->alt, src->type) : 0;
}

static int compile_decor(epsos__step *st, const char *text)
{
    memset(st, 0, sizeof *st);
    if (!text)
        return 0;
    const char *p = text;
    if (parse_decor(&p, st) < 0 || *p)
        return -1;
    return 0;
}

static epsos__row compiled[1024];

int epsos__table_init(void)
{
    size_t used = 0;
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        const epsos__kind_set *set = sets[s];
        for (size_t i = 0; i < set->nfields; i++) {
            int32_t f = set->fields[i].field;
            if (f <= 0 || f >= EPSOS__MAX_FIELD || field_names[f])
                return EPSOS_ERROR;          /* two names for one field */
            field_names[f] = set->fields[i].name;
        }
        for (size_t k = 0; k < set->nkinds; k++) {
            epsos__kind_table *kt = &set->kinds[k];
            if (kt->kind <= 0 || kt->kind >= EPSOS__MAX_KIND || kinds[kt->kind] ||
                used + kt->nrows > sizeof compiled / sizeof compiled[0])
                return EPSOS_ERROR;
            kinds[kt->kind] = kt;
            kt->rows = &compiled[used];
            for (size_t i = 0; i < kt->nrows; i++)
                if (compile_row(&kt->rows[i], &kt->src[i]) < 0)
                    return EPSOS_ERROR;
            if (compile_decor(&kt->match_c, kt->match) < 0 ||
                compile_decor(&kt->create_c, kt->create) < 0)
                return EPSOS_ERROR;
            used += kt->nrows;
        }
    }
    /* the kinds refining each kind, in kind order */
    for (int32_t k = EPSOS__MAX_KIND - 1; k > 0; k--)
        if (kinds[k] && kinds[k]->base > 0 && kinds[k]->base < EPSOS__MAX_KIND) {
            next_refiner[k] = first_refiner[kinds[k]->base];
            first_refiner[kinds[k]->base] = k;
        }
    /* every field has a name, every nested kind and every base exists;
     * names of kinds and of fields are unique (JSON keys, bindings) */
    for (size_t f = 1; f < EPSOS__MAX_FIELD; f++)
        for (size_t g = f + 1; field_names[f] && g < EPSOS__MAX_FIELD; g++)
            if (field_names[g] && !strcmp(field_names[f], field_names[g]))
                return EPSOS_ERROR;
    for (size_t k = 1; k < EPSOS__MAX_KIND; k++) {
        const epsos__kind_table *kt = kinds[k];
        if (!kt)
            continue;
        for (size_t j = k + 1; j < EPSOS__MAX_KIND; j++)
            if (kinds[j] && !strcmp(kinds[j]->name, kt->name))
                return EPSOS_ERROR;
        if (kt->base && (kt->base >= EPSOS__MAX_KIND || !kinds[kt->base]))
            return EPSOS_ERROR;
        for (size_t i = 0; i < kt->nrows; i++) {
            const epsos__row_src *r = kt->rows[i].src;
            if (r->field <= 0 || r->field >= EPSOS__MAX_FIELD || !field_names[r->field])
                return EPSOS_ERROR;
            if (r->type == EPSOS_T_ITEM &&
                (r->child_kind <= 0 || r->child_kind >= EPSOS__MAX_KIND || !kinds[r->child_kind]))
                return EPSOS_ERROR;
        }
    }
    return EPSOS_OK;
}

const epsos__kind_table *epsos__kind(int32_t kind)
{
    if (kind <= 0 || kind >= EPSOS__MAX_KIND || epsos_init() != EPSOS_OK)
        return NULL;
    return kinds[kind];
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

/* ---- predicates and inits ----------------------------------------------- */

static const char *attr_text(const xmlNode *n, const char *name)
{
    xmlAttr *a = xmlHasNsProp((xmlNode *)n, (const xmlChar *)name, NULL);
    return a && a->children && a->children->type == XML_TEXT_NODE && !a->children->next
               ? (const char *)a->children->content : NULL;
}

static bool in_set(const char *v, const char *set)
{
    if (!v)
        return false;
    size_t n = strlen(v);
    for (const char *p = set; *p;) {
        size_t l = strcspn(p, "|");
        if (l == n && strncmp(p, v, n) == 0)
            return true;
        p += l;
        if (*p == '|')
            p++;
    }
    return false;
}

/* Local name of @xsi:type when its prefix resolves to the HL7 v3 namespace
 * (or it has no prefix and the default namespace is HL7 v3). */
static const char *xsi_type_local(const xmlNode *n, char *buf, size_t len)
{
    xmlAttr *a = xmlHasNsProp((xmlNode *)n, (const xmlChar *)"type", (const xmlChar *)EPSOS_NS_XSI);
    if (!a || !a->children || a->children->type != XML_TEXT_NODE)
        return NULL;
    const char *v = (const char *)a->children->content;
    while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r')
        v++;
    const char *colon = strchr(v, ':');
    char prefix[64] = "";
    const char *local = v;
    if (colon) {
        if ((size_t)(colon - v) >= sizeof prefix)
            return NULL;
        memcpy(prefix, v, (size_t)(colon - v));
        prefix[colon - v] = '\0';
        local = colon + 1;
    }
    xmlNs *ns = xmlSearchNs(n->doc, (xmlNode *)n, colon ? (const xmlChar *)prefix : NULL);
    if (!ns || !ns->href || strcmp((const char *)ns->href, EPSOS_NS_HL7) != 0)
        return NULL;
    size_t l = strcspn(local, " \t\r\n");
    if (l == 0 || l >= len)
        return NULL;
    memcpy(buf, local, l);
    buf[l] = '\0';
    return buf;
}

static bool pred_ok(const epsos__pred *pr, const xmlNode *n)
{
    char buf[64];
    switch (pr->what) {
    case EPSOS__P_TID:
        for (const xmlNode *c = n->children; c; c = c->next)
            if (epsos__is_el(c, EPSOS_NS_HL7, "templateId") && in_set(attr_text(c, "root"), pr->values))
                return true;
        return false;
    case EPSOS__P_NOTTID:
        for (const xmlNode *c = n->children; c; c = c->next)
            if (epsos__is_el(c, EPSOS_NS_HL7, "templateId") && in_set(attr_text(c, "root"), pr->values))
                return false;
        return true;
    case EPSOS__P_CODE:
        for (const xmlNode *c = n->children; c; c = c->next)
            if (epsos__is_el(c, EPSOS_NS_HL7, "code"))
                return in_set(attr_text(c, "code"), pr->values);
        return false;
    case EPSOS__P_TYPE:
        return in_set(xsi_type_local(n, buf, sizeof buf), pr->values);
    case EPSOS__P_NOTYPE:
        return !xmlHasNsProp((xmlNode *)n, (const xmlChar *)"type", (const xmlChar *)EPSOS_NS_XSI);
    case EPSOS__P_ATTR:
        return in_set(attr_text(n, pr->name), pr->values);
    case EPSOS__P_LEAF:
        for (const xmlNode *c = n->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                return false;
        return true;
    case EPSOS__P_FIRST: case EPSOS__P_NOTFIRST:   /* positional: epsos__step_preds_ok */
        return true;
    default:
        return false;
    }
}

/* Does an earlier sibling of the element satisfy the step (name and its
 * other, non-positional predicates)? */
static bool earlier_match(const epsos__step *st, const xmlNode *node)
{
    for (const xmlNode *c = node->prev; c; c = c->prev) {
        if (!epsos__is_el(c, st->ns, st->local))
            continue;
        unsigned i = 0;
        while (i < st->npred && pred_ok(&st->pred[i], c))
            i++;
        if (i == st->npred)
            return true;
    }
    return false;
}

bool epsos__step_preds_ok(const epsos__step *st, const xmlNode *node)
{
    bool positional = false;
    for (unsigned i = 0; i < st->npred; i++) {
        if (!pred_ok(&st->pred[i], node))
            return false;
        positional |= st->pred[i].what >= EPSOS__P_FIRST;
    }
    if (positional)
        for (unsigned i = 0; i < st->npred; i++)
            if (st->pred[i].what == EPSOS__P_FIRST || st->pred[i].what == EPSOS__P_NOTFIRST)
                return earlier_match(st, node) == (st->pred[i].what == EPSOS__P_NOTFIRST);
    return true;
}

bool epsos__step_any_pred(const epsos__step *st, const xmlNode *node)
{
    for (unsigned i = 0; i < st->npred; i++)
        if (st->pred[i].what < EPSOS__P_FIRST && pred_ok(&st->pred[i], node))
            return true;
    return false;
}

int32_t epsos__refine(int32_t kind, const xmlNode *node)
{
    if (epsos_init() != EPSOS_OK || !node)
        return kind;
    for (int depth = 0; depth < 4; depth++) {
        int32_t found = 0;
        if (kind <= 0 || kind >= EPSOS__MAX_KIND)
            break;
        /* a section's code decides before its templateIds (a section may
         * carry the templateIds of several kinds, e.g. eP sections with the
         * PS medication templates) */
        for (int pass = 0; pass < 2 && !found; pass++)
            for (int32_t k = first_refiner[kind]; k && !found; k = next_refiner[k]) {
                const epsos__step *m = &kinds[k]->match_c;
                for (unsigned i = 0; i < m->npred && !found; i++)
                    if ((m->pred[i].what == EPSOS__P_CODE) == (pass == 0) &&
                        pred_ok(&m->pred[i], node))
                        found = k;
            }
        if (!found)
            break;
        kind = found;
    }
    return kind;
}

static xmlNs *ns_for(xmlDoc *doc, xmlNode *el, const char *href, const char *prefix)
{
    xmlNs *ns = xmlSearchNsByHref(doc, el, (const xmlChar *)href);
    if (!ns)
        ns = xmlNewNs(xmlDocGetRootElement(doc) ? xmlDocGetRootElement(doc) : el,
                      (const xmlChar *)href, (const xmlChar *)prefix);
    return ns && ns->href ? ns : NULL;
}

static bool has_child_el(const xmlNode *el, const char *local)
{
    for (const xmlNode *c = el->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, local))
            return true;
    return false;
}

static bool add_template(xmlDoc *doc, xmlNode *el, const char *root)
{
    for (const xmlNode *c = el->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "templateId")) {
            const char *r = attr_text(c, "root");
            if (r && !strcmp(r, root))
                return true;
        }
    xmlNs *ns = ns_for(doc, el, EPSOS_NS_HL7, NULL);
    xmlNode *t = ns ? epsos__new_element(doc, ns, "templateId") : NULL;
    if (!t || !epsos__set_prop(t, "root", root)) {
        xmlFreeNode(t);
        return false;
    }
    /* after the existing templateIds, in the order written */
    xmlNode *last = NULL;
    for (xmlNode *c = el->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "templateId"))
            last = c;
    if (last)
        xmlAddNextSibling(last, t);
    else
        epsos__insert_ordered(el, t);
    return true;
}

static bool set_xsi_type(xmlDoc *doc, xmlNode *el, const char *type)
{
    xmlNs *xsi = ns_for(doc, el, EPSOS_NS_XSI, "xsi");
    if (!xsi)
        return false;
    xmlAttr *a = xmlSetNsProp(el, xsi, (const xmlChar *)"type", (const xmlChar *)type);
    if (!a)
        return false;
    /* a failed copy of the value leaves a text child without content */
    if (!a->name || !a->children || !a->children->content) {
        xmlRemoveProp(a);
        return false;
    }
    return true;
}

/* {>el=code|system|display} */
static bool add_coded_child(xmlDoc *doc, xmlNode *el, const char *local, const char *spec)
{
    if (has_child_el(el, local))
        return true;
    char buf[sizeof ((epsos__init *)0)->value];
    snprintf(buf, sizeof buf, "%s", spec);
    char *parts[4] = { buf, NULL, NULL, NULL };
    for (int i = 1; i < 4; i++) {
        char *bar = parts[i - 1] ? strchr(parts[i - 1], '|') : NULL;
        if (bar) {
            *bar = '\0';
            parts[i] = bar + 1;
        }
    }
    xmlNs *ns = ns_for(doc, el, EPSOS_NS_HL7, NULL);
    xmlNode *c = ns ? epsos__new_element(doc, ns, local) : NULL;
    if (c && spec[0] == '@') {          /* {>el=@attr=value}: an attribute, no code */
        char *eq = strchr(buf + 1, '=');
        if (eq)
            *eq = '\0';
        if (!eq || !epsos__set_prop(c, buf + 1, eq + 1)) {
            xmlFreeNode(c);
            return false;
        }
        epsos__insert_ordered(el, c);
        return true;
    }
    if (!c || !epsos__set_prop(c, "code", parts[0]) ||
        (parts[1] && *parts[1] && !epsos__set_prop(c, "codeSystem", parts[1])) ||
        (parts[2] && *parts[2] && !epsos__set_prop(c, "displayName", parts[2])) ||
        (parts[3] && *parts[3] && !epsos__set_prop(c, "codeSystemName", parts[3]))) {
        xmlFreeNode(c);
        return false;
    }
    epsos__insert_ordered(el, c);
    return true;
}

/* {~el=text}: a child <el> holding text (empty text: none is written) */
static bool add_text_child(xmlDoc *doc, xmlNode *el, const char *local, const char *text)
{
    if (!*text || has_child_el(el, local))
        return true;
    xmlNs *ns = ns_for(doc, el, EPSOS_NS_HL7, NULL);
    xmlNode *c = ns ? epsos__new_element(doc, ns, local) : NULL;
    xmlNode *t = c ? epsos__new_text(doc, text) : NULL;
    if (!t) {
        xmlFreeNode(c);
        return false;
    }
    xmlAddChild(c, t);
    epsos__insert_ordered(el, c);
    return true;
}

bool epsos__apply_inits(xmlDoc *doc, xmlNode *el, const epsos__step *st)
{
    for (unsigned i = 0; i < st->ninit; i++) {
        const epsos__init *in = &st->init[i];
        bool ok;
        if (!strcmp(in->name, "templateId"))
            ok = add_template(doc, el, in->value);
        else if (!strcmp(in->name, "xsi:type"))
            ok = set_xsi_type(doc, el, in->value);
        else if (in->name[0] == '>')
            ok = add_coded_child(doc, el, in->name + 1, in->value);
        else if (in->name[0] == '~')
            ok = add_text_child(doc, el, in->name + 1, in->value);
        else
            ok = epsos__set_prop(el, in->name, in->value);
        if (!ok)
            return false;
    }
    /* make the element satisfy the read predicates */
    for (unsigned i = 0; i < st->npred; i++) {
        const epsos__pred *pr = &st->pred[i];
        char first[200];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(pr->values, "|"), pr->values);
        if (pred_ok(pr, el))
            continue;
        bool ok = true;
        if (pr->what == EPSOS__P_TID)
            ok = add_template(doc, el, first);
        else if (pr->what == EPSOS__P_TYPE)
            ok = set_xsi_type(doc, el, first);
        else if (pr->what == EPSOS__P_ATTR)
            ok = epsos__set_prop(el, pr->name, first);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- public introspection ----------------------------------------------- */

EPSOS_API const char *epsos_kind_name(int32_t kind)
{
    const epsos__kind_table *k = epsos__kind(kind);
    return k ? k->name : NULL;
}

EPSOS_API const char *epsos_field_name(int32_t field)
{
    return field > 0 && field < EPSOS__MAX_FIELD && epsos_init() == EPSOS_OK
               ? field_names[field] : NULL;
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
static const struct { const char *parent; const char *children[40]; } order[] = {
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
    { "performer", { INFRA, "functionCode", "time", "modeCode", "assignedEntity", NULL } },
    { "assignedAuthor", { INFRA, "id", "code", "addr", "telecom", "assignedPerson",
        "assignedAuthoringDevice", "representedOrganization", NULL } },
    { "assignedAuthoringDevice", { INFRA, "code", "manufacturerModelName", "softwareName",
        "asMaintainedEntity", NULL } },
    { "*Organization", { INFRA, "id", "name", "telecom", "addr",
        "standardIndustryClassCode", "asOrganizationPartOf", NULL } },
    { "legalAuthenticator", { INFRA, "time", "signatureCode", "assignedEntity", NULL } },
    { "assignedEntity", { INFRA, "id", "code", "addr", "telecom", "assignedPerson",
        "representedOrganization", NULL } },
    { "participant", { INFRA, "functionCode", "time", "awarenessCode", "associatedEntity",
        "participantRole", NULL } },
    { "associatedEntity", { INFRA, "id", "code", "addr", "telecom", "associatedPerson",
        "scopingOrganization", NULL } },
    { "serviceEvent", { INFRA, "id", "code", "effectiveTime", "performer", NULL } },
    { "effectiveTime", { "low", "center", "width", "high", "phase", "period", "event",
        "offset", "comp", NULL } },
    { "comp", { "low", "center", "width", "high", "phase", "period", "event", "offset",
        NULL } },
    { "doseQuantity", { "low", "center", "width", "high", NULL } },
    { "act", { INFRA, "id", "code", "text", "statusCode", "effectiveTime", "priorityCode",
        "languageCode", "subject", "specimen", "performer", "author", "informant", "participant",
        "entryRelationship", "reference", "precondition", NULL } },
    { "observation", { INFRA, "id", "code", "derivationExpr", "text", "statusCode",
        "effectiveTime", "priorityCode", "repeatNumber", "languageCode", "value",
        "interpretationCode", "methodCode", "targetSiteCode", "subject", "specimen", "performer",
        "author", "informant", "participant", "entryRelationship", "reference", "precondition",
        "referenceRange", NULL } },
    { "substanceAdministration", { INFRA, "id", "code", "text", "statusCode", "effectiveTime",
        "priorityCode", "repeatNumber", "routeCode", "approachSiteCode", "doseQuantity",
        "rateQuantity", "maxDoseQuantity", "administrationUnitCode", "subject", "specimen",
        "consumable", "performer", "author", "informant", "participant", "entryRelationship",
        "reference", "precondition", NULL } },
    { "supply", { INFRA, "id", "code", "text", "statusCode", "effectiveTime", "priorityCode",
        "repeatNumber", "independentInd", "quantity", "expectedUseTime", "subject", "specimen",
        "product", "performer", "author", "informant", "participant", "entryRelationship",
        "reference", "precondition", NULL } },
    { "procedure", { INFRA, "id", "code", "text", "statusCode", "effectiveTime", "priorityCode",
        "languageCode", "methodCode", "approachSiteCode", "targetSiteCode", "subject", "specimen",
        "performer", "author", "informant", "participant", "entryRelationship", "reference",
        "precondition", NULL } },
    { "organizer", { INFRA, "id", "code", "statusCode", "effectiveTime", "subject", "specimen",
        "performer", "author", "informant", "participant", "reference", "precondition",
        "component", NULL } },
    { "entryRelationship", { INFRA, "sequenceNumber", "seperatableInd", NULL } },
    { "participantRole", { INFRA, "id", "code", "addr", "telecom", "playingDevice",
        "playingEntity", "scopingEntity", NULL } },
    { "playingEntity", { INFRA, "code", "quantity", "name", "desc", NULL } },
    { "scopingEntity", { INFRA, "id", "code", "desc", NULL } },
    { "playingDevice", { INFRA, "code", "manufacturerModelName", "softwareName", NULL } },
    { "manufacturedProduct", { INFRA, "id", "manufacturedLabeledDrug", "manufacturedMaterial",
        "manufacturerOrganization", NULL } },
    { "manufacturedMaterial", { INFRA, "code", "name", "desc", "formCode", "lotNumberText",
        "expirationTime", "asContent", "asSpecializedKind", "part", "ingredient", NULL } },
    { "ingredient", { "quantity", "ingredientSubstance", NULL } },
    { "quantity", { "numerator", "denominator", NULL } },
    { "asContent", { "quantity", "containerPackagedProduct", NULL } },
    { "containerPackagedProduct", { "code", "name", "formCode", "asContent", NULL } },
    { "part", { INFRA, "id", "quantity", "partProduct", NULL } },
    { "partProduct", { INFRA, "code", "name", "desc", "formCode", "lotNumberText",
        "expirationTime", "asContent", "asSpecializedKind", "part", "ingredient", NULL } },
    { "generalizedMaterialKind", { INFRA, "code", "name", NULL } },
    { "value", { "low", "center", "width", "high", NULL } },
    { "parentDocument", { INFRA, "id", "code", "text", "setId", "versionNumber", NULL } },
    { "order", { INFRA, "id", "code", "priorityCode", NULL } },
    { "languageCommunication", { INFRA, "languageCode", "modeCode",
        "proficiencyLevelCode", "preferenceInd", NULL } },
    { "structuredBody", { INFRA, "confidentialityCode", "languageCode", "component", NULL } },
    { "section", { INFRA, "id", "code", "title", "text", "confidentialityCode",
        "languageCode", "subject", "author", "informant", "entry", "component", NULL } },
};

/* The content model of element `parent` in `order`, or -1. */
static int order_row(const char *parent)
{
    size_t plen = SIZE_MAX;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *o = order[i].parent;
        bool match;
        if (o[0] == '*') {
            if (plen == SIZE_MAX)
                plen = strlen(parent);
            size_t olen = strlen(o + 1);
            match = plen >= olen && strcmp(parent + plen - olen, o + 1) == 0;
        } else {
            match = o[0] == parent[0] && strcmp(o, parent) == 0;
        }
        if (match)
            return (int)i;
    }
    return -1;
}

static int pos_in(int row, const char *local)
{
    for (int j = 0; order[row].children[j]; j++)
        if (order[row].children[j][0] == local[0] && strcmp(order[row].children[j], local) == 0)
            return j;
    return -1;
}

int epsos__schema_pos(const char *parent, const char *local)
{
    int row = order_row(parent);
    return row < 0 ? -1 : pos_in(row, local);
}

/* The new child goes before the first element child that comes later in the
 * content model.  The search runs from the last child backwards and stops at
 * one that may precede the new child: appending the n-th entry of a section
 * looks at its last sibling, not at all n - 1 (a forward scan made building
 * a document quadratic in its number of entries).  For children in schema
 * order (what the builder makes) both directions find the same place. */
void epsos__insert_ordered(xmlNode *parent, xmlNode *child)
{
    int row = order_row((const char *)parent->name);
    int pos = row < 0 ? -1 : pos_in(row, (const char *)child->name);
    xmlNode *before = NULL;
    if (pos >= 0) {
        for (xmlNode *c = parent->last; c; c = c->prev) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            int cp = pos_in(row, (const char *)c->name);
            if (cp > pos)
                before = c;
            else if (cp >= 0)
                break;
        }
    }
    if (before)
        xmlAddPrevSibling(before, child);
    else
        xmlAddChild(parent, child);
}
