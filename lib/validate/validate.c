/*
 * libepsos: conformance validation driven by the template table.
 * SPDX-License-Identifier: MIT
 *
 * The walk is generic (as lib/term/transcode.c): from the header element,
 * every row of every item kind reached through EPSOS_T_ITEM rows.  It works
 * on (kind, element) pairs over the compiled paths of table.h, so that each
 * finding has the element it is about (XPath in the official SVRL form, line).
 *
 * Rule ids (stable):
 *   card.min       fewer occurrences than the row's min (error; in the body a
 *                  warning, except a required typed element -- a {xsi:type}
 *                  step -- of an entry that carries the table's templateIds,
 *                  reported at the entry as the official template does)
 *   card.max       more occurrences than the row's max (error)
 *   null.required  nullFlavor on a row with min >= 1 (warning: the table does
 *                  not say whether the element is M or R)
 *   ts.format      not an HL7 TS (error on TS.EPSOS.TZ fields, else warning)
 *   ts.precision   TS.EPSOS.TZ less precise than the day (error)
 *   ts.tz          TS.EPSOS.TZ more precise than the day without offset (error)
 *   ts.seconds     TS.EPSOS.TZ less precise than the second (warning)
 *   ii.root        II without @root and without nullFlavor, or root not an
 *                  OID/UUID of at most 64 characters (error)
 *   ii.root-length root OID/UUID longer than 64 characters (warning: II.EPSOS
 *                  only where a template declares it)
 *   ii.root-null   II with both @root and @nullFlavor (error)
 *   ii.extension   @extension longer than 64 characters (warning)
 *   cd.display     @displayName missing on a code or translation with @code (error)
 *   tel.format     TEL.EPSOS tel:/fax: number pattern (error)
 *   tel.scheme     TEL value without URL scheme (warning: the official rule
 *                  accepts a relative URI)
 *   lang.format    languageCode not ll-CC (error)
 *   ad.empty       non-null address without child element (error)
 *   ad.country     (PS, eP, eD) the address of a represented (custodian)
 *                  organization without country or null-flavoured, reported at
 *                  the organization (the eHDSI templates select addr[country]
 *                  there; error)
 *   cda.schema-location  @xsi:schemaLocation on the ClinicalDocument, prohibited
 *                  by ITS 1.4 (error, eHDSI PS, eP, eD)
 *   section.required a required section (one carrying every templateId the
 *                  section kind's `create` writes) is missing (error at the
 *                  structuredBody, eHDSI PS: medication summary, allergies,
 *                  active problems, surgeries, medical devices)
 *   section.max    a section kind appears more than once (error, eHDSI PS)
 *   section.body   no component/structuredBody (error, eHDSI PS level 3)
 *   card.min       (PS, eP, eD) also: the legal authenticator's name without
 *                  a family or a given that is not null-flavoured, at the name
 *   card.min/max   (eHDSI PS) also: a header contact participant (templateId
 *                  CONTACT_TID) whose associatedEntity has classCode PRS
 *                  without exactly one addr or without telecom, at the
 *                  associatedEntity (eHDSIContactPreferredHPLegalOrganization)
 *   entry.product  an eHDSI medication item (both templateIds of the
 *                  table's row) without the templated consumable /
 *                  manufacturedProduct (error at the substanceAdministration)
 *   ivl.order      IVL_TS low/@value after high/@value (same precision)
 *   ivl.equal      IVL_TS low/@value equal to high/@value
 *                  (also on the PS service event and its performer's time,
 *                  which the table has no row for)
 *   eivl.event     the event of an EIVL_TS frequency (@xsi:type="EIVL_TS")
 *                  with another code system, a codeSystemVersion, a
 *                  displayName, originalText, qualifier or translation
 *                  (dtr1-4..10-EIVL_TS, at the effectiveTime)
 *   cd.codesystem  that event, or a code of the header or an author, with
 *                  @code but no @codeSystem (dtr1-2-CD)
 *   sc.display     the author device's softwareName with @displayName but no
 *                  @code (dtr1-5-SC)
 *   pivl.period    a PIVL_TS period/@value with more than 4 decimals
 *                  (dtr1-5-PIVL_TS, at the effectiveTime of an eHDSI
 *                  substanceAdministration)
 *   cd.translation a translation with @displayName but no @code (reported at
 *                  the code element)
 *   (ivl.*, eivl.*, pivl.*, cd.codesystem: errors in the header and in the
 *   sections and entries carrying the table's templateIds, else warnings;
 *   cd.translation: errors on the
 *   codes of the header, patient, author and official sections)
 *   null.other     an effectiveTime with nullFlavor beside a non-null one in
 *                  an eHDSI medication item (RIM-001, error)
 *   card.min       (eP, eD, official PS entries) also: an ITEM row whose
 *                  occurrences lack the templateIds its last step writes
 *                  (consumable without manufacturedProduct[templateId 3.29],
 *                  an allergy concern without observation[templateId 3.17]),
 *                  at the entry
 *   fixed.attr     (eP, eD) an attribute the row's path fixes on the element
 *                  of each occurrence ({typeCode=COMP} on the entry) missing
 *                  or with another value (error)
 *   pq.value       (eP, eD) a quantity without @value or @unit (error)
 *   section.title  (eP) the prescription section's title is not
 *                  "Prescriptions" (error)
 *   null.any       (PS, eP, eD) a null-flavoured datatype element with
 *                  other attributes, elements or text (dtr1-1-ANY: but the
 *                  structural ones; OTH/NA/UNC may carry a code system,
 *                  extension, originalText or translation; also the
 *                  null-flavoured effectiveTime with children of an official
 *                  substanceAdministration or supply)
 *   null.other     (PS, eP, eD) also: a null-flavoured TS, PQ or TEL element
 *                  beside a same-named sibling that is not null (dtr1-3-QTY,
 *                  dtr1-4-URL), and an eP/eD frequency (a null-flavoured
 *                  effectiveTime of a substanceAdministration)
 *   ed.empty       (PS, eP, eD) the text of an official substanceAdministration
 *                  without nullFlavor, element or text (dtr1-1-BIN)
 *   null.mandatory a mandatory row (EPSOS__ROW_MANDATORY, "M" in the
 *                  templates) whose occurrences all have a nullFlavor: the
 *                  template's conforming element is missing (error at the
 *                  item, in the header and official sections and entries);
 *                  a mandatory row of min 0 (M inside an optional element:
 *                  the eP substitution's value) where that element is
 *                  there (error at the element)
 *   null.value     a nullFlavor other than the one the template accepts
 *                  (row flag EPSOS__ROW_NF_ONLY: NI, or NA / UNK; error)
 *   tr.distinct    translations (nested ones too) not distinct by @code and
 *                  @codeSystem (PQ: and @value) (dtr1-19-CD, dtr1-3-PQ,
 *                  RIM-002; as cd.display)
 *   ts.empty       a TS without @value, @nullFlavor or content (dtr1-1-TS;
 *                  also every effectiveTime of an eHDSI medication item)
 *   en.empty       a name or organization name without nullFlavor or content
 *                  (dtr1-1.3-EN)
 *   pq.unit        (PS, with a catalogue) the dose of an eHDSI medication item
 *                  with a @unit outside eHDSIUnit, not an annotation {..} or 1
 *   card.min       (eHDSI documents) also: the documentationOf, relatedDocument
 *                  (PS) and inFulfillmentOf (eD) the document template wants
 *                  (check_doc_rules), an eP item without administration timing,
 *                  an author's name without family and given, a templated
 *                  step missing under a templated one (the product's material)
 *   card.max       also: the patient's addr and the custodian's telecom (1)
 *   section.required/max  also: the one prescription / dispensation section
 *   (null.*: errors in the header and in official sections and entries)
 *   xsi.type       (PS, eP, eD, in the header and in sections and entries
 *                  carrying the table's templateIds) an element of a row
 *                  whose path fixes {xsi:type=T} with another @xsi:type (CE
 *                  where the table writes CD is accepted; error)
 * A null-flavoured entry element that carries the templateIds of its row
 * (<supply nullFlavor="NA"> of a medical device) is walked all the same: the
 * official template applies to it.
 *   legacy.namespace  an element of the epSOS medication extension
 *                  (urn:epsos-org:ep:medication) under the current rules
 *                  (warning, at the outermost one)
 *   legacy.pharm   (EPSOS_VALIDATE_LEGACY) an element of urn:hl7-org:pharm,
 *                  unknown to the epSOS rules (error, at the outermost one)
 *
 * In an eP or eD (document templateId), inside a section or entry carrying
 * the table's templateIds, card.min and cd.display are errors: the eP/eD
 * tables carry the official cardinalities (see med_official).
 *
 * EPSOS_VALIDATE_LEGACY, the epSOS rules: a section or entry is an instance
 * of its template when it carries one of the templateIds the table writes
 * (the IHE / CCD ids of the epSOS generation) or, for a section, satisfies
 * the kind's match (legacy section templateIds and codes); the templated
 * product check (card.min above) does not apply; the SNOMED CT "no known"
 * codes of epSOS (160244002, 182904002, 409137002, 716186003) are members of
 * every bound value set; the medication extension must be the epSOS one.
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "model/model.h"
#include "model/dt.h"
#include "epsos/validate.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

typedef struct {
    int32_t sev;
    const char *rule;
    char *msg, *xpath;
    int32_t line;
} finding;

struct epsos_report {
    finding *f;
    size_t n, cap;
};

typedef struct {
    epsos_ctx *ctx;
    epsos_report *r;
    int rc;
    const char *lab1, *lab2;   /* "lab1 lab2: " (kind, field) of the row being
                                * checked, prefixed to messages (lab2 may be NULL) */
    bool body;                 /* inside a section (see sev()) */
    bool ps;                   /* an eHDSI Patient Summary (level 3 templateId) */
    bool ehdsi;                /* an eHDSI PS, eP or eD (document templateId):
                                * the official templates apply (see official) */
    bool legacy;               /* EPSOS_VALIDATE_LEGACY: the epSOS rules */
    bool official;             /* in a PS, inside a section or entry that carries
                                * every templateId the table writes for it (the
                                * official template applies); the table's min of
                                * entry rows is not always the template's, so
                                * card.min stays a warning there */
    bool tmpl;                 /* the item's element carries an eHDSI entry
                                * templateId (...1.3.1.3.x), maybe not the one the
                                * table writes (a reaction with the Problem's
                                * 3.7): the Schematron applies that template
                                * there, datatype rules included (sev_dt) */
    const epsos_catalogue *cat; /* value sets (vs.member), NULL: not checked */
    struct pos_memo_s *memo;   /* svrl_path's sibling positions (add) */
    int32_t kind;              /* the kind whose row is being checked */
    const char *unknown[32];   /* value sets reported as vs.unknown */
    size_t nunknown;
} vstate;

/* In the body (and in a participant without the official templateId) the
 * official rules only reach the entries whose section and
 * entry templates (templateIds, codes, value sets) match exactly; the table
 * recognises more (legacy ids, other codes).  There the structural and
 * datatype findings are warnings, so that every error agrees with the
 * Schematron; the time-stamp and max-cardinality rules stay errors. */
static int32_t sev(const vstate *v)
{
    return v->body ? EPSOS_SEV_WARNING : EPSOS_SEV_ERROR;
}

/* In an eP or eD, inside a section or entry carrying the table's templateIds:
 * the eP/eD tables (lib/cda/ep.c) carry the cardinalities of the official
 * templates and every coded element there is CD.EPSOS, so card.min and
 * cd.display are errors. */
static bool med_official(const vstate *v)
{
    if (!v->ehdsi || v->ps || !v->official)
        return false;
    /* the eP/eD kinds, the product model's ingredient (shared with the PS
     * table) and the medication summary section and items some eP carry;
     * not the header kinds (author, organization, ...) reached from a
     * section or entry, nor the PS kinds nested in a medication item
     * (dosing), which follow other templates */
    if (v->kind == EPSOS_KIND_INGREDIENT || v->kind == EPSOS_KIND_PS_MEDICATION_SECTION ||
        v->kind == EPSOS_KIND_MEDICATION)
        return true;
    for (size_t k = 0; k < epsos__ep_set.nkinds; k++)
        if (epsos__ep_set.kinds[k].kind == v->kind)
            return true;
    return false;
}

/* ---- report ----------------------------------------------------------------- */

EPSOS_API void epsos_report_free(epsos_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        epsos__free(r->f[i].msg);
        epsos__free(r->f[i].xpath);
    }
    epsos__free(r->f);
    epsos__free(r);
}

EPSOS_API size_t epsos_report_count(const epsos_report *r, int32_t sev)
{
    if (!r)
        return 0;
    if (!sev)
        return r->n;
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++)
        c += r->f[i].sev == sev;
    return c;
}

EPSOS_API int32_t epsos_report_severity(const epsos_report *r, size_t i)
{
    return r && i < r->n ? r->f[i].sev : 0;
}

EPSOS_API const char *epsos_report_rule(const epsos_report *r, size_t i)
{
    return r && i < r->n ? r->f[i].rule : NULL;
}

EPSOS_API const char *epsos_report_message(const epsos_report *r, size_t i)
{
    return r && i < r->n ? r->f[i].msg : NULL;
}

EPSOS_API const char *epsos_report_xpath(const epsos_report *r, size_t i)
{
    return r && i < r->n ? r->f[i].xpath : NULL;
}

EPSOS_API int32_t epsos_report_line(const epsos_report *r, size_t i)
{
    return r && i < r->n ? r->f[i].line : 0;
}

/* ---- serialization (SVRL, JSON lines) -------------------------------------------- */

typedef struct { char *b; size_t n, cap; bool oom; } sbuf;

static void put(sbuf *s, const char *t, size_t len)
{
    if (s->oom)
        return;
    if (s->n + len + 1 > s->cap) {
        size_t c = s->cap ? s->cap : 1024;
        while (c < s->n + len + 1)
            c *= 2;
        char *nb = epsos__realloc(s->b, c);
        if (!nb) {
            s->oom = true;
            return;
        }
        s->b = nb;
        s->cap = c;
    }
    memcpy(s->b + s->n, t, len);
    s->n += len;
    s->b[s->n] = '\0';
}

static void puts_(sbuf *s, const char *t)
{
    put(s, t, strlen(t));
}

static void put_xml(sbuf *s, const char *t)
{
    for (; t && *t; t++) {
        unsigned char c = (unsigned char)*t;
        char e[8];
        switch (c) {
        case '&': puts_(s, "&amp;"); break;
        case '<': puts_(s, "&lt;"); break;
        case '>': puts_(s, "&gt;"); break;
        case '"': puts_(s, "&quot;"); break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                puts_(s, "?");     /* not allowed in XML 1.0 */
            } else if (c == '\t' || c == '\n' || c == '\r') {
                snprintf(e, sizeof e, "&#%u;", c);
                puts_(s, e);
            } else {
                put(s, t, 1);
            }
        }
    }
}

static void put_json(sbuf *s, const char *t)
{
    puts_(s, "\"");
    for (; t && *t; t++) {
        unsigned char c = (unsigned char)*t;
        char e[8];
        if (c == '"' || c == '\\') {
            e[0] = '\\';
            e[1] = (char)c;
            put(s, e, 2);
        } else if (c < 0x20) {
            snprintf(e, sizeof e, "\\u%04x", c);
            puts_(s, e);
        } else {
            put(s, t, 1);
        }
    }
    puts_(s, "\"");
}

static const char *sev_name(int32_t sev)
{
    return sev == EPSOS_SEV_ERROR ? "error" : sev == EPSOS_SEV_WARNING ? "warning" : "info";
}

EPSOS_API int epsos_report_serialize(uint8_t **out, size_t *out_len, epsos_ctx *ctx,
                                     const epsos_report *report, int32_t format,
                                     const char *document)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!out || !out_len || !report)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_report_serialize: out, out_len and "
                          "report must not be NULL");
    if (format != EPSOS_REPORT_SVRL && format != EPSOS_REPORT_JSONL)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_report_serialize: unknown format %d "
                          "(EPSOS_REPORT_SVRL or EPSOS_REPORT_JSONL)", (int)format);
    sbuf s = { NULL, 0, 0, false };
    char num[32];
    if (format == EPSOS_REPORT_SVRL) {
        puts_(&s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svrl:schematron-output xmlns:svrl=\"http://purl.oclc.org/dsdl/svrl\" "
              "xmlns:epsos=\"urn:libepsos:validate\" title=\"libepsos epsos_validate\"");
        if (document) {
            puts_(&s, " epsos:document=\"");
            put_xml(&s, document);
            puts_(&s, "\"");
        }
        puts_(&s, ">\n"
              "  <svrl:ns-prefix-in-attribute-values uri=\"urn:hl7-org:v3\" prefix=\"hl7\"/>\n"
              "  <svrl:ns-prefix-in-attribute-values uri=\"urn:hl7-org:pharm\" prefix=\"pharm\"/>\n"
              "  <svrl:ns-prefix-in-attribute-values uri=\"urn:epsos-org:ep:medication\" "
              "prefix=\"epsos\"/>\n"
              "  <svrl:active-pattern id=\"libepsos\" name=\"epsos_validate\"/>\n"
              "  <svrl:fired-rule context=\"/\"/>\n");
        for (size_t i = 0; i < report->n; i++) {
            const finding *f = &report->f[i];
            puts_(&s, "  <svrl:failed-assert id=\"");
            put_xml(&s, f->rule);
            puts_(&s, "\" test=\"");
            put_xml(&s, f->rule);
            puts_(&s, "\" role=\"");
            puts_(&s, sev_name(f->sev));
            puts_(&s, "\" location=\"");
            put_xml(&s, f->xpath);
            snprintf(num, sizeof num, "%d", (int)f->line);
            puts_(&s, "\" epsos:line=\"");
            puts_(&s, num);
            puts_(&s, "\">\n    <svrl:text>");
            put_xml(&s, f->msg);
            puts_(&s, "</svrl:text>\n  </svrl:failed-assert>\n");
        }
        puts_(&s, "</svrl:schematron-output>\n");
    } else {
        for (size_t i = 0; i < report->n; i++) {
            const finding *f = &report->f[i];
            puts_(&s, "{");
            if (document) {
                puts_(&s, "\"file\": ");
                put_json(&s, document);
                puts_(&s, ", ");
            }
            puts_(&s, "\"severity\": \"");
            puts_(&s, sev_name(f->sev));
            puts_(&s, "\", \"rule\": ");
            put_json(&s, f->rule);
            puts_(&s, ", \"message\": ");
            put_json(&s, f->msg);
            puts_(&s, ", \"location\": ");
            put_json(&s, f->xpath);
            snprintf(num, sizeof num, ", \"line\": %d}\n", (int)f->line);
            puts_(&s, num);
        }
        if (!s.b)
            puts_(&s, "");
    }
    if (s.oom) {
        epsos__free(s.b);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    }
    *out = (uint8_t *)s.b;
    *out_len = s.n;
    return EPSOS_OK;
}

/* XPath in the SVRL form: every step with its position among same-named siblings. */
/* Positions among same-named siblings, remembered per parent: findings come
 * in document order, so the next one under a wide parent (a section's
 * thousand entries) counts on from the last instead of from the first. */
typedef struct pos_memo_s { const xmlNode *parent, *node; unsigned pos; } pos_memo;
#define POS_MEMO 16

static bool same_name(const xmlNode *s, const xmlNode *n)
{
    return s->type == XML_ELEMENT_NODE &&
           (s->name == n->name || (s->name[0] == n->name[0] && xmlStrEqual(s->name, n->name))) &&
           (s->ns == n->ns || (s->ns && n->ns && xmlStrEqual(s->ns->href, n->ns->href)));
}

static unsigned sibling_pos(struct pos_memo_s *memo, const xmlNode *n)
{
    pos_memo *m = &memo[((uintptr_t)n->parent >> 4) % POS_MEMO];
    if (m->parent == n->parent && m->node && same_name(m->node, n)) {
        /* from the remembered sibling on, when it comes before n */
        unsigned pos = m->pos;
        const xmlNode *s = m->node;
        while (s && s != n) {
            s = s->next;
            if (s && same_name(s, n))
                pos++;
        }
        if (s == n) {
            m->node = n;
            m->pos = pos;
            return pos;
        }
    }
    unsigned pos = 1;
    for (const xmlNode *s = n->prev; s; s = s->prev)
        pos += same_name(s, n);
    m->parent = n->parent;
    m->node = n;
    m->pos = pos;
    return pos;
}

static void svrl_path(struct pos_memo_s *memo, const xmlNode *node, char *buf, size_t len)
{
    const xmlNode *chain[300];
    size_t depth = 0;
    for (const xmlNode *n = node; n && n->type == XML_ELEMENT_NODE && depth < 300; n = n->parent)
        chain[depth++] = n;
    size_t o = 0;
    buf[0] = '\0';
    while (depth-- > 0) {
        const xmlNode *n = chain[depth];
        unsigned pos = n->parent ? sibling_pos(memo, n) : 1;
        const char *href = n->ns ? (const char *)n->ns->href : "";
        const char *pfx = strcmp(href, EPSOS_NS_HL7) == 0 ? "hl7:"
                        : strcmp(href, EPSOS_NS_PHARM) == 0 ? "pharm:"
                        : strcmp(href, EPSOS_NS_EPSOS) == 0 ? "epsos:" : "";
        /* "/" pfx name "[" pos "]" without snprintf (hot: one path a finding) */
        char num[16];
        size_t nl = 0;
        do {
            num[nl++] = (char)('0' + pos % 10);
            pos /= 10;
        } while (pos && nl < sizeof num);
        size_t pl = strlen(pfx), ln = strlen((const char *)n->name);
        if (o + 1 + pl + ln + 1 + nl + 1 + 1 > len) {
            buf[o] = '\0';
            return;
        }
        buf[o++] = '/';
        memcpy(buf + o, pfx, pl);
        o += pl;
        memcpy(buf + o, n->name, ln);
        o += ln;
        buf[o++] = '[';
        while (nl)
            buf[o++] = num[--nl];
        buf[o++] = ']';
        buf[o] = '\0';
    }
}

static void add(vstate *v, int32_t sev, const char *rule, const xmlNode *node, const char *msg)
{
    epsos_report *r = v->r;
    if (v->rc)
        return;
    if (r->n == r->cap) {
        size_t c = r->cap ? r->cap * 2 : 16;
        finding *f = epsos__realloc(r->f, c * sizeof *f);
        if (!f) {
            v->rc = epsos__err(v->ctx, EPSOS_ENOMEM, "out of memory");
            return;
        }
        r->f = f;
        r->cap = c;
    }
    char xp[2048];
    svrl_path(v->memo, node, xp, sizeof xp);
    finding *f = &r->f[r->n];
    f->sev = sev;
    f->rule = rule;
    f->line = (int32_t)xmlGetLineNo(node);
    size_t l1 = strlen(v->lab1), l2 = v->lab2 ? strlen(v->lab2) + 1 : 0, ml = strlen(msg);
    f->msg = epsos__malloc(l1 + l2 + 2 + ml + 1);
    if (f->msg) {
        char *m = f->msg;
        memcpy(m, v->lab1, l1);
        m += l1;
        if (v->lab2) {
            *m++ = ' ';
            memcpy(m, v->lab2, l2 - 1);
            m += l2 - 1;
        }
        *m++ = ':';
        *m++ = ' ';
        memcpy(m, msg, ml + 1);
    }
    f->xpath = epsos__strdup(xp);
    if (!f->msg || !f->xpath) {
        epsos__free(f->msg);
        epsos__free(f->xpath);
        v->rc = epsos__err(v->ctx, EPSOS_ENOMEM, "out of memory");
        return;
    }
    r->n++;
}

/* ---- occurrences over the compiled paths -------------------------------------- */

#define MAX_OCC 4096

typedef struct {
    xmlNode *n[MAX_OCC];
    size_t count;        /* may exceed MAX_OCC: only the first ones are kept */
} occs;


static const char *attr(const xmlNode *n, const char *name);

/* The elements of the path's steps 0..last: the row's elements (last =
 * nsteps - 1, those with the path's final attribute if it has one), or
 * their parents (nsteps - 2). */
static void collect_upto(const epsos__path *p, xmlNode *n, unsigned i, unsigned last, occs *o)
{
    const epsos__step *st = &p->steps[i];
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!epsos__is_el(c, st->ns, st->local) || !epsos__step_preds_ok(st, c))
            continue;
        if (i < last) {
            collect_upto(p, c, i + 1, last, o);
            continue;
        }
        if (last + 1 == p->nsteps && p->attr[0] && !xmlHasNsProp(c, (const xmlChar *)p->attr, NULL))
            continue;
        if (o->count < MAX_OCC)
            o->n[o->count] = c;
        o->count++;
    }
}
/* A mandatory row of minimum 0 (M, "0..1" of an optional element's child:
 * the substitution observation of an eP item may be absent, but its value
 * is 1..1 M): where the element holding it is there, it needs an
 * occurrence without nullFlavor (null.mandatory at that element). */
static void check_mandatory_in(vstate *v, const epsos__row *row, xmlNode *node, occs *o)
{
    const epsos__path *p = &row->p[0];
    if (p->nsteps < 2 || p->attr[0])
        return;
    const epsos__step *st = &p->steps[p->nsteps - 1];
    o->count = 0;
    collect_upto(p, node, 0, p->nsteps - 2, o);
    size_t n = o->count < MAX_OCC ? o->count : MAX_OCC;
    for (size_t i = 0; i < n; i++) {
        size_t real = 0;
        for (xmlNode *c = o->n[i]->children; c; c = c->next)
            real += epsos__is_el(c, st->ns, st->local) && epsos__step_preds_ok(st, c) &&
                    !attr(c, "nullFlavor");
        if (real)
            continue;
        char msg[300];
        snprintf(msg, sizeof msg, "%s is mandatory in its %s: no occurrence without "
                 "nullFlavor", st->local, (const char *)o->n[i]->name);
        add(v, EPSOS_SEV_ERROR, "null.mandatory", o->n[i], msg);
    }
}

static void occurrences(const epsos__row *row, xmlNode *node, occs *o)
{
    o->count = 0;
    for (unsigned k = 0; k < row->npaths; k++) {
        const epsos__path *p = &row->p[k];
        if (p->nsteps == 0) {
            if (p->attr[0] && xmlHasNsProp(node, (const xmlChar *)p->attr, NULL)) {
                if (o->count < MAX_OCC)
                    o->n[o->count] = node;
                o->count++;
            }
        } else {
            collect_upto(p, node, 0, p->nsteps - 1, o);
        }
    }
}

/* The deepest element that exists along the first path (where the official
 * rules report a missing child). */
static bool typed_step(const epsos__step *st)
{
    for (unsigned k = 0; k < st->ninit; k++)
        if (!strcmp(st->init[k].name, "xsi:type"))
            return true;
    return false;
}

static xmlNode *deepest(const epsos__row *row, xmlNode *node)
{
    const epsos__path *p = &row->p[0];
    xmlNode *at = node;
    for (unsigned i = 0; i < p->nsteps; i++) {
        const epsos__step *st = &p->steps[i];
        xmlNode *next = NULL;
        for (xmlNode *c = at->children; c && !next; c = c->next)
            if (epsos__is_el(c, st->ns, st->local) && epsos__step_preds_ok(st, c))
                next = c;
        if (!next)
            break;
        /* a typed element (a {xsi:type=..} step) is one unit with its
         * content for the official templates (effectiveTime[IVL_TS][low]):
         * when what it must contain is missing, the parent is reported */
        if (typed_step(st) && i + 1 < p->nsteps) {
            const epsos__step *nx = &p->steps[i + 1];
            bool has = false;
            for (xmlNode *c = next->children; c && !has; c = c->next)
                has = epsos__is_el(c, nx->ns, nx->local) && epsos__step_preds_ok(nx, c);
            if (!has)
                break;
        }
        at = next;
    }
    return at;
}

/* Does the row's path go through a typed element? */
static bool typed_path(const epsos__row *row)
{
    for (unsigned i = 0; i < row->p[0].nsteps; i++)
        if (typed_step(&row->p[0].steps[i]))
            return true;
    return false;
}

static const char *attr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!a->ns && xmlStrEqual(a->name, (const xmlChar *)name) && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return NULL;
}

/* ---- datatype rules (cda-pivot.md 1.10) --------------------------------------- */

static bool ts_tz_field(int32_t kind, int32_t field)
{
    return (kind == EPSOS_KIND_HEADER && field == EPSOS_F_EFFECTIVE_TIME) ||
           (kind == EPSOS_KIND_AUTHOR && field == EPSOS_F_TIME) ||
           (kind == EPSOS_KIND_LEGAL_AUTHENTICATOR && field == EPSOS_F_TIME);
}

static void check_ts_value(vstate *v, const xmlNode *el, bool tz_rules)
{
    const char *s = attr(el, "value");
    char msg[600];
    if (!s || attr(el, "nullFlavor"))
        return;
    epsos__ts ts;
    const char *why = "";
    if (epsos__ts_parse(s, &ts, &why) != 0) {
        snprintf(msg, sizeof msg, "@value \"%.200s\" is not an HL7 time stamp: %s", s, why);
        add(v, tz_rules ? EPSOS_SEV_ERROR : EPSOS_SEV_WARNING, "ts.format", el, msg);
        return;
    }
    if (!tz_rules)
        return;
    if (ts.precision < 8) {
        snprintf(msg, sizeof msg, "TS.EPSOS.TZ: @value \"%.200s\" must be at least precise "
                 "to the day", s);
        add(v, EPSOS_SEV_ERROR, "ts.precision", el, msg);
    } else if (ts.precision > 8 && !ts.has_tz) {
        snprintf(msg, sizeof msg, "TS.EPSOS.TZ: @value \"%.200s\" is more precise than the "
                 "day and needs a time zone offset (+hhmm or -hhmm)", s);
        add(v, EPSOS_SEV_ERROR, "ts.tz", el, msg);
    }
    if (ts.precision >= 8 && ts.precision < 14) {
        snprintf(msg, sizeof msg, "TS.EPSOS.TZ: @value \"%.200s\" should be precise to the "
                 "second", s);
        add(v, EPSOS_SEV_WARNING, "ts.seconds", el, msg);
    }
}

/* Datatype rules of the official templates: errors in the header and in the
 * sections and entries that carry the table's templateIds, else warnings. */
static int32_t sev_dt(const vstate *v)
{
    return !v->body || v->official || (v->tmpl && v->ehdsi) ? EPSOS_SEV_ERROR
                                                             : EPSOS_SEV_WARNING;
}

/* Does the element carry an eHDSI entry-level templateId? */
static bool has_entry_tid(const xmlNode *el)
{
    static const char eh3[] = "1.3.6.1.4.1.12559.11.10.1.3.1.3.";
    for (const xmlNode *c = el->children; c; c = c->next) {
        if (!epsos__is_el(c, EPSOS_NS_HL7, "templateId"))
            continue;
        const char *r = attr(c, "root");
        if (r && !strncmp(r, eh3, sizeof eh3 - 1))
            return true;
    }
    return false;
}

/* The digits of a TS value (before any offset) and its offset ("" if none). */
static size_t ts_digits(const char *s, const char **tz)
{
    size_t n = strspn(s, "0123456789");
    *tz = s + n;
    return n;
}

/* IVL_TS: low before high (dtr1-7-IVL_TS), not equal (dtr1-6-IVL_TS).  Only
 * values of the same precision and offset are compared. */
static void check_ivl_order(vstate *v, xmlNode *el)
{
    const char *lo = NULL, *hi = NULL;
    for (xmlNode *c = el->children; c; c = c->next) {
        if (epsos__is_el(c, EPSOS_NS_HL7, "low") && !lo)
            lo = attr(c, "value");
        else if (epsos__is_el(c, EPSOS_NS_HL7, "high") && !hi)
            hi = attr(c, "value");
    }
    if (!lo || !hi)
        return;
    char msg[600];
    if (strcmp(lo, hi) == 0) {
        snprintf(msg, sizeof msg, "IVL_TS: low/@value and high/@value are both \"%.200s\"", lo);
        add(v, sev_dt(v), "ivl.equal", el, msg);
        return;
    }
    const char *tl, *th;
    size_t nl = ts_digits(lo, &tl), nh = ts_digits(hi, &th);
    if (nl != nh || nl < 8 || strcmp(tl, th) != 0 || strchr(tl, '.'))
        return;
    if (strncmp(lo, hi, nl) > 0) {
        snprintf(msg, sizeof msg, "IVL_TS: low/@value %.100s is after high/@value %.100s",
                 lo, hi);
        add(v, sev_dt(v), "ivl.order", el, msg);
    }
}

static bool has_child_el(const xmlNode *n);

/* dtr1-1-TS: a time (or interval) has @nullFlavor, @value or content. */
static bool ts_empty(vstate *v, xmlNode *el)
{
    if (attr(el, "nullFlavor") || attr(el, "value") || has_child_el(el))
        return false;
    add(v, sev_dt(v), "ts.empty", el, "TS: @value, @nullFlavor or content (low, high, "
        "...) required (dtr1-1-TS)");
    return true;
}

static void check_ts(vstate *v, xmlNode *el, bool tz_rules)
{
    /* (a PS medication item's effectiveTimes: check_medication) */
    if (!(v->kind == EPSOS_KIND_MEDICATION && v->ps && v->official) && ts_empty(v, el))
        return;
    if (attr(el, "value")) {
        check_ts_value(v, el, tz_rules);
        return;
    }
    for (xmlNode *c = el->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "low") || epsos__is_el(c, EPSOS_NS_HL7, "high") ||
            epsos__is_el(c, EPSOS_NS_HL7, "center"))
            check_ts_value(v, c, tz_rules);
    check_ivl_order(v, el);
}

static xmlNode *child_el(const xmlNode *n, const char *local);

/* The local name of @xsi:type when it is exactly LOCAL (unprefixed, as the
 * official contexts select it: effectiveTime[@xsi:type='EIVL_TS']). */
static bool xsi_type_is(const xmlNode *el, const char *local)
{
    xmlChar *t = xmlGetNsProp(el, (const xmlChar *)"type", (const xmlChar *)XSI_NS);
    bool r = t && !strcmp((const char *)t, local);
    xmlFree(t);
    return r;
}

/* The event of an EIVL_TS frequency (EIVL.event extends CD; dtr1-3..10-EIVL_TS,
 * reported at the effectiveTime; dtr1-2-CD at the event). */
static void check_eivl_event(vstate *v, xmlNode *ev)
{
    xmlNode *et = ev->parent;
    if (!et || et->type != XML_ELEMENT_NODE || !epsos__is_el(et, EPSOS_NS_HL7, "effectiveTime") ||
        !xsi_type_is(et, "EIVL_TS"))
        return;
    char msg[600];
    const char *cs = attr(ev, "codeSystem"), *csn = attr(ev, "codeSystemName");
    const char *why = NULL;
    if (attr(ev, "code") && !cs)
        add(v, sev_dt(v), "cd.codesystem", ev, "CD: @code requires @codeSystem");
    if (cs && strcmp(cs, "2.16.840.1.113883.5.139") != 0)
        why = "its @codeSystem must be 2.16.840.1.113883.5.139 (TimingEvent)";
    else if (csn && strcmp(csn, "TimingEvent") != 0)
        why = "its @codeSystemName must be TimingEvent";
    else if (attr(ev, "codeSystemVersion"))
        why = "it cannot have @codeSystemVersion";
    else if (attr(ev, "displayName"))
        why = "it cannot have @displayName";
    else if (child_el(ev, "originalText") || child_el(ev, "qualifier") ||
             child_el(ev, "translation"))
        why = "it cannot have originalText, qualifier or translation";
    if (why) {
        snprintf(msg, sizeof msg, "EIVL_TS: the event %.60s: %s",
                 attr(ev, "code") ? attr(ev, "code") : "", why);
        add(v, sev_dt(v), "eivl.event", et, msg);
    }
}

/* The period of a PIVL_TS frequency: @value rounded to 4 decimals at most
 * (dtr1-5-PIVL_TS, reported at the effectiveTime). */
static void check_pivl_period(vstate *v, xmlNode *et)
{
    if (!xsi_type_is(et, "PIVL_TS"))
        return;
    for (xmlNode *c = et->children; c; c = c->next) {
        if (!epsos__is_el(c, EPSOS_NS_HL7, "period"))
            continue;
        const char *val = attr(c, "value"), *dot = val ? strchr(val, '.') : NULL;
        if (dot && strlen(dot + 1) > 4) {
            char msg[300];
            snprintf(msg, sizeof msg, "PIVL_TS: period/@value \"%.60s\" must be rounded to "
                     "4 decimals or less", val);
            add(v, sev_dt(v), "pivl.period", et, msg);
        }
    }
}

static void check_ii(vstate *v, xmlNode *el)
{
    const char *root = attr(el, "root"), *nf = attr(el, "nullFlavor"),
               *ext = attr(el, "extension");
    char msg[600];
    const char *why = "";
    if (nf) {
        if (root) {
            snprintf(msg, sizeof msg, "II: @root \"%.200s\" together with @nullFlavor %.40s",
                     root, nf);
            add(v, sev_dt(v), "ii.root-null", el, msg);
        }
    } else if (!root) {
        add(v, sev_dt(v), "ii.root", el, "II: @root is required unless @nullFlavor");
    } else if (strlen(root) > 64 && (epsos__oid_valid(root) || epsos__uuid_valid(root))) {
        /* II.EPSOS (64) applies only where a template declares it; plain II
         * allows 128: a warning until the table says which flavour a row is */
        snprintf(msg, sizeof msg, "II.EPSOS: @root of %zu characters (at most 64)", strlen(root));
        add(v, EPSOS_SEV_WARNING, "ii.root-length", el, msg);
    } else if (!epsos__ii_root_valid(root, &why)) {
        snprintf(msg, sizeof msg, "II: @root \"%.200s\": %s", root, why);
        add(v, sev_dt(v), "ii.root", el, msg);
    }
    if (ext && strlen(ext) > 64) {
        snprintf(msg, sizeof msg, "II.EPSOS: @extension of %zu characters (at most 64)",
                 strlen(ext));
        add(v, EPSOS_SEV_WARNING, "ii.extension", el, msg);
    }
}

/* CD.EPSOS applies where the templates declare it: the bound coded fields.
 * On the other coded fields a missing @displayName is a warning. */
/* Codes of official PS entries the official templates do not check as
 * CD.EPSOS: the blood group's code (eH.3.25 declares its value only) and
 * the medicinal product's ATC class (eH.3.4 selects it by an unprefixed
 * generalizedMaterialKind/code that never matches the pharm: element). */
static const struct { int32_t kind, field; } cd_plain[] = {
    { EPSOS_KIND_BLOOD_GROUP, EPSOS_F_CODE },
    { EPSOS_KIND_MEDICATION, EPSOS_F_ATC },
};

static bool is_cd_plain(int32_t kind, int32_t field)
{
    for (size_t i = 0; i < sizeof cd_plain / sizeof cd_plain[0]; i++)
        if (cd_plain[i].kind == kind && cd_plain[i].field == field)
            return true;
    return false;
}

/* The official dtr1-1-CD.EPSOS test, descendant-or-self::*[not(@code) or
 * @displayName], fails only when every element of the code has @code
 * without @displayName (an originalText child satisfies it). */
static bool cd_epsos_fails(const xmlNode *el)
{
    if (!attr(el, "code") || attr(el, "displayName"))
        return false;
    for (const xmlNode *c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !cd_epsos_fails(c))
            return false;
    return true;
}

/* RIM-002 (dtr1-19-CD, dtr1-3-PQ): the translations of a code or quantity,
 * nested ones included, are distinct by (@value,) @code and @codeSystem. */
typedef struct { const xmlNode *n[64]; size_t count; bool dup; } tr_set;

static bool tr_same(const xmlNode *a, const xmlNode *b, bool pq)
{
    static const char *const keys[] = { "code", "codeSystem", "value" };
    for (size_t i = 0; i < (pq ? 3u : 2u); i++) {
        const char *x = attr(a, keys[i]), *y = attr(b, keys[i]);
        if (strcmp(x ? x : "", y ? y : "") != 0)
            return false;
    }
    return true;
}

static void collect_tr(const xmlNode *el, tr_set *t, bool pq, unsigned depth)
{
    for (const xmlNode *c = el->children; c && !t->dup && depth < 16; c = c->next) {
        if (!epsos__is_el(c, EPSOS_NS_HL7, "translation"))
            continue;
        /* (a translation without code, a displayName only, is
         * cd.translation's: the official templates do not compare them) */
        if (!attr(c, "code") && !attr(c, "codeSystem") && !attr(c, "value"))
            continue;
        for (size_t i = 0; i < t->count && !t->dup; i++)
            t->dup = tr_same(t->n[i], c, pq);
        if (t->count < sizeof t->n / sizeof t->n[0])
            t->n[t->count++] = c;
        collect_tr(c, t, pq, depth + 1);
    }
}

static void check_tr_distinct(vstate *v, xmlNode *el, bool pq, int32_t severity)
{
    tr_set t;
    t.count = 0;
    t.dup = false;
    collect_tr(el, &t, pq, 0);
    if (t.dup)
        add(v, severity, "tr.distinct", el, pq ?
            "PQ: RIM-002: the translations (@value, @code, @codeSystem) SHALL be distinct" :
            "CD: RIM-002: the translations (@code, @codeSystem), nested ones included, "
            "SHALL be distinct");
}

static void check_cd(vstate *v, xmlNode *el, bool bound, bool strict, bool epsos_cd)
{
    /* (where the official templates select the code: as cd.display; in an
     * official PS section or entry, where the official CD.EPSOS test fails
     * as well: every element of the code -- translations, originalText --
     * has @code and no @displayName) */
    int32_t s = med_official(v) || (epsos_cd && cd_epsos_fails(el))
                ? EPSOS_SEV_ERROR : bound ? sev(v) : EPSOS_SEV_WARNING;
    if (v->ehdsi)
        check_tr_distinct(v, el, false, s);
    if (attr(el, "code") && !attr(el, "displayName"))
        add(v, s, "cd.display", el,
            "CD.EPSOS: @displayName is required on every code");
    bool orphan = false;
    for (xmlNode *c = el->children; c; c = c->next) {
        if (!epsos__is_el(c, EPSOS_NS_HL7, "translation"))
            continue;
        if (attr(c, "code") && !attr(c, "displayName"))
            add(v, s, "cd.display", c,
                "CD.EPSOS: @displayName is required on every translation");
        orphan |= attr(c, "displayName") && !attr(c, "code");
    }
    if (orphan)
        add(v, strict ? EPSOS_SEV_ERROR : EPSOS_SEV_WARNING, "cd.translation", el,
            "CD: a translation has @displayName without @code");
}

static xmlNode *child_el(const xmlNode *n, const char *local)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, local))
            return c;
    return NULL;
}

static void check_tel(vstate *v, xmlNode *el)
{
    const char *s = attr(el, "value"), *why = "";
    char msg[600];
    if (!s || attr(el, "nullFlavor"))
        return;
    if (!strchr(s, ':') || s[0] == ':') {
        /* the official URL rule only wants a valid URI: a relative one passes */
        snprintf(msg, sizeof msg, "TEL: @value \"%.200s\" has no URL scheme (tel:, mailto:, ...)", s);
        add(v, EPSOS_SEV_WARNING, "tel.scheme", el, msg);
        return;
    }
    if (!epsos__tel_valid(s, &why)) {
        snprintf(msg, sizeof msg, "TEL.EPSOS: @value \"%.200s\": %s", s, why);
        add(v, sev(v), "tel.format", el, msg);
    }
}

static bool lang_ok(const char *s)
{
    return strlen(s) == 5 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z' &&
           s[2] == '-' && s[3] >= 'A' && s[3] <= 'Z' && s[4] >= 'A' && s[4] <= 'Z';
}

/* selected: not known to be outside the bound value set (else the
 * Schematron does not select the element: a warning) */
static void check_lang(vstate *v, xmlNode *el, bool selected)
{
    const char *s = attr(el, "code");
    char msg[600];
    if (s && !lang_ok(s)) {
        snprintf(msg, sizeof msg, "CS.LANG: @code \"%.200s\" is not of the form ll-CC", s);
        add(v, selected ? sev(v) : EPSOS_SEV_WARNING, "lang.format", el, msg);
    }
}

static void check_ad(vstate *v, xmlNode *el)
{
    const xmlNode *up = el->parent;
    if (v->ehdsi && up && (epsos__is_el(up, EPSOS_NS_HL7, "representedOrganization") ||
                        epsos__is_el(up, EPSOS_NS_HL7, "representedCustodianOrganization"))) {
        /* the eHDSI organization templates (PS, eP, eD) select
         * addr[country] only: an address without country (or a
         * null-flavoured one) is a missing conforming address, reported at
         * the organization */
        if (!child_el(el, "country"))
            add(v, sev(v), "ad.country", (xmlNode *)up,
                "the address of an organization needs a country");
        return;
    }
    if (attr(el, "nullFlavor"))
        return;
    for (xmlNode *c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return;
    add(v, sev(v), "ad.empty", el, "AD.EPSOS: an address without nullFlavor needs "
        "at least one part");
}

static bool last_step_is(const epsos__row *row, const char *local)
{
    const epsos__path *p = &row->p[0];
    return p->nsteps > 0 && !p->attr[0] && strcmp(p->steps[p->nsteps - 1].local, local) == 0;
}

/* The official participant template is selected by this templateId: a
 * participant without it is not checked by the Schematron. */
#define CONTACT_TID "1.3.6.1.4.1.19376.1.5.3.1.2.4"

static bool has_tid(const xmlNode *el, const char *root)
{
    for (const xmlNode *c = el->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "templateId")) {
            const char *r = attr(c, "root");
            if (r && strcmp(r, root) == 0)
                return true;
        }
    return false;
}

/* Does el carry every templateId that the step writes (at least one)? */
static bool carries_tids(const xmlNode *el, const epsos__step *st)
{
    unsigned n = 0;
    for (unsigned i = 0; i < st->ninit; i++)
        if (!strcmp(st->init[i].name, "templateId")) {
            if (!has_tid(el, st->init[i].value))
                return false;
            n++;
        }
    return n > 0;
}

/* Legacy (epSOS) rules: el carries at least one templateId the step writes
 * (the epSOS generation carries the IHE / CCD ids without every eHDSI one). */
static bool carries_any_tid(const xmlNode *el, const epsos__step *st)
{
    for (unsigned i = 0; i < st->ninit; i++)
        if (!strcmp(st->init[i].name, "templateId") && has_tid(el, st->init[i].value))
            return true;
    return false;
}

/* Is el an instance of the step's template: every templateId (eHDSI), or
 * in legacy mode one of them or any of the kind's match predicates (the
 * legacy section templateIds and codes the table recognises). */
static bool templated(const vstate *v, const xmlNode *el, const epsos__step *st,
                      const epsos__step *match)
{
    if (carries_tids(el, st))
        return true;
    return v->legacy && (carries_any_tid(el, st) ||
                         (match && epsos__step_any_pred(match, el)));
}

static bool step_has_tid(const epsos__step *st)
{
    for (unsigned i = 0; i < st->ninit; i++)
        if (!strcmp(st->init[i].name, "templateId"))
            return true;
    return false;
}

/* The templated prefix of a row's path (up to the first step that writes a
 * templateId) exists under node, that element carrying the templateIds.
 * true when the path has no templated step. */
static bool templated_prefix(const epsos__path *p, xmlNode *node, unsigned i, unsigned last)
{
    const epsos__step *st = &p->steps[i];
    for (xmlNode *c = node->children; c; c = c->next) {
        if (!epsos__is_el(c, st->ns, st->local))
            continue;
        if (i == last ? carries_tids(c, st) : templated_prefix(p, c, i + 1, last))
            return true;
    }
    return false;
}

/* Rules of the eHDSI medication item (both templateIds of the table row that
 * reaches it): the templated consumable, RIM-001 on effectiveTime. */
/* Follows the path from node, each step carrying its templateIds where the
 * table writes them: a templated step missing under an earlier templated
 * one is an error of the including template at that one (the product
 * eH.3.31 wants its material eH.3.32: a manufacturedMaterial without the
 * templateId, e.g. <manufacturedMaterial nullFlavor="NA"/>, does not count).
 * The first templated step is the caller's (entry.product). */
static void check_templated_steps(vstate *v, xmlNode *node, const epsos__path *p)
{
    xmlNode *cur = node, *anchor = NULL;
    for (unsigned i = 0; i < p->nsteps; i++) {
        const epsos__step *st = &p->steps[i];
        bool tid = step_has_tid(st);
        xmlNode *hit = NULL;
        for (xmlNode *c = cur->children; c && !hit; c = c->next)
            if (epsos__is_el(c, st->ns, st->local) && (!tid || carries_tids(c, st)))
                hit = c;
        if (!hit) {
            if (tid && anchor) {
                char msg[300];
                snprintf(msg, sizeof msg, "%s needs %s with the templateIds of its template",
                         (const char *)anchor->name, st->local);
                for (unsigned k = 0; k < st->ninit; k++)
                    if (!strcmp(st->init[k].name, "templateId")) {
                        snprintf(msg, sizeof msg, "%s needs %s with the templateId %s",
                                 (const char *)anchor->name, st->local, st->init[k].value);
                        break;
                    }
                add(v, EPSOS_SEV_ERROR, "card.min", anchor, msg);
            }
            return;
        }
        cur = hit;
        if (tid)
            anchor = hit;
    }
}

static void check_medication(vstate *v, xmlNode *node)
{
    char msg[700];
    const epsos__row *row = epsos__row_of(EPSOS_KIND_MEDICATION, EPSOS_F_PRODUCT_NAME);
    if (row) {
        const epsos__path *p = &row->p[0];
        unsigned last = 0;
        while (last < p->nsteps && !step_has_tid(&p->steps[last]))
            last++;
        v->lab1 = "medication";
        v->lab2 = "product";
        if (last < p->nsteps && !templated_prefix(p, node, 0, last)) {
            snprintf(msg, sizeof msg, "the eHDSI medication item needs %s%s with the "
                     "templateId of the product template", last ? "consumable/" : "",
                     p->steps[last].local);
            add(v, EPSOS_SEV_ERROR, "entry.product", node, msg);
        } else {
            check_templated_steps(v, node, p);
        }
        /* the nested statements of a dose regimen carry the same product
         * template when they carry it at all */
        for (xmlNode *er = node->children; er; er = er->next) {
            xmlNode *sub = epsos__is_el(er, EPSOS_NS_HL7, "entryRelationship")
                           ? child_el(er, "substanceAdministration") : NULL;
            if (sub)
                check_templated_steps(v, sub, p);
        }
    }
    bool null = false, other = false;
    v->lab1 = "medication";
    v->lab2 = "effective_time";
    for (xmlNode *c = node->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "effectiveTime")) {
            /* (the template selects every effectiveTime, the table's rows
             * reach the period and the frequency) */
            ts_empty(v, c);
            if (attr(c, "nullFlavor"))
                null = true;
            else
                other = true;
        }
    if (!null || !other)
        return;
    v->lab1 = "medication";
    v->lab2 = "effective_time";
    for (xmlNode *c = node->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "effectiveTime") && attr(c, "nullFlavor"))
            add(v, EPSOS_SEV_ERROR, "null.other", c, "RIM-001: an effectiveTime with "
                "nullFlavor beside an effectiveTime that is not null");
}

/* ---- value-set membership -------------------------------------------------------- */

/* How the official templates check a row's binding is in the table (the
 * row's vs_rule and vs_also, lib/model/table.h): EPSOS__VS_STRICT -- the
 * Schematron checks the binding as the table has it (with vs_also: the union
 * of the value sets) and a code that is not a member makes the conforming
 * element missing, so a code outside the value set is an error, reported
 * where the Schematron reports it, EPSOS__VS_UP_OF(rule) elements above the
 * coded element (the template that requires it).  Every other bound row (and
 * a strict one where the template does not apply) gets a warning at the
 * coded element: there the Schematron's binding is weaker (CWE, an element
 * the official templates do not require, a template the document does not
 * carry). */

/* Is code a member of one of the value sets of also ("OID|OID")? */
static bool in_also(const vstate *v, const char *also, const char *system, const char *code)
{
    while (also && *also) {
        const char *bar = strchr(also, '|');
        size_t n = bar ? (size_t)(bar - also) : strlen(also);
        char vs[128];
        if (n && n < sizeof vs) {
            memcpy(vs, also, n);
            vs[n] = '\0';
            if (epsos_catalogue_contains(v->cat, vs, system, code) == 1)
                return true;
        }
        also = bar ? bar + 1 : NULL;
    }
    return false;
}

/* The SNOMED CT codes by which epSOS documents said "no known ..." /
 * "unknown" where eHDSI uses its absent-or-unknown value sets (42.x / IPS
 * no-known-*): accepted in every bound field by the legacy rules. */
#define SNOMED_CT "2.16.840.1.113883.6.96"
static const char *const snomed_unknown[] = {
    "160244002",   /* No known allergies */
    "182904002",   /* Drug treatment unknown */
    "409137002",   /* No known drug allergy */
    "716186003",   /* No known allergy */
};

static bool is_snomed_unknown(const xmlNode *el)
{
    const char *code = attr(el, "code"), *sys = attr(el, "codeSystem");
    if (!code || !sys || strcmp(sys, SNOMED_CT) != 0)
        return false;
    for (size_t i = 0; i < sizeof snomed_unknown / sizeof snomed_unknown[0]; i++)
        if (!strcmp(code, snomed_unknown[i]))
            return true;
    return false;
}

/* 1 member, 0 not, EPSOS_ENOTFOUND value set not in the catalogue, -1 not
 * checked (no code, nullFlavor, no catalogue or binding). */
static int vs_member(const vstate *v, const xmlNode *el, const epsos__row_src *src, bool cs)
{
    const char *code = attr(el, "code"), *sys = attr(el, "codeSystem");
    if (!v->cat || !src->binding || !code || attr(el, "nullFlavor"))
        return -1;
    if (v->legacy && is_snomed_unknown(el))
        return 1;
    bool code_only = cs || (src->vs_rule & EPSOS__VS_CODE_ONLY);
    /* as the Schematron's concat(@code, @codeSystem): no codeSystem, no member */
    const char *system = code_only ? NULL : sys ? sys : "";
    int rc = epsos_catalogue_contains(v->cat, src->binding, system, code);
    if (rc != 1 && in_also(v, src->vs_also, system, code))
        rc = 1;
    return rc == 1 || rc == 0 || rc == EPSOS_ENOTFOUND ? rc : -1;
}

/* The @unit of a quantity bound to a unit value set (eHDSIUnit, 42.16): a
 * UCUM code of the value set, an annotation ({tablet}) or 1, as the
 * official PS medication item says of its dose; with a catalogue only. */
static void check_unit(vstate *v, xmlNode *el, const epsos__row_src *src)
{
    const char *unit = attr(el, "unit");
    size_t n = unit ? strlen(unit) : 0;
    if (!v->cat || !src->binding || !n || attr(el, "nullFlavor") || !strcmp(unit, "1") ||
        (unit[0] == '{' && unit[n - 1] == '}'))
        return;
    if (epsos_catalogue_contains(v->cat, src->binding, "2.16.840.1.113883.6.8", unit) != 0)
        return;             /* a member, or the value set is not in the catalogue */
    char msg[400];
    snprintf(msg, sizeof msg, "PQ: @unit \"%.100s\" is not a unit of the value set %s, "
             "a UCUM annotation ({...}) or 1", unit, src->binding);
    add(v, EPSOS_SEV_ERROR, "pq.unit", el, msg);
}

/* The official templates select the elements from the reported ancestor
 * down to the code by the attributes they fix (participantRole[@classCode =
 * 'MANU']): the steps of the row's path there must carry the attributes the
 * table writes ({classCode=MANU}), else the Schematron reports something else. */
static bool fixed_attrs_ok(const epsos__path *p, const xmlNode *el, unsigned up)
{
    const xmlNode *n = el;
    for (unsigned i = 0; i <= up && i < p->nsteps && n; i++, n = n->parent) {
        const epsos__step *st = &p->steps[p->nsteps - 1 - i];
        if (!epsos__is_el(n, st->ns, st->local))
            return false;
        for (unsigned k = 0; k < st->ninit; k++) {
            const char *name = st->init[k].name;
            if (name[0] == '>' || name[0] == '~' || strchr(name, ':') ||
                !strcmp(name, "templateId"))
                continue;
            const char *val = attr(n, name);
            if (!val || strcmp(val, st->init[k].value) != 0)
                return false;
        }
    }
    return true;
}

/* The coded element el (a row bound to a value set). */
static void check_vs(vstate *v, xmlNode *el, const epsos__row *row, int member)
{
    const epsos__row_src *src = row->src;
    char msg[900];
    const char *code = attr(el, "code"), *sys = attr(el, "codeSystem");
    if (member == EPSOS_ENOTFOUND) {
        /* one finding a value set and document */
        for (size_t i = 0; i < v->nunknown; i++)
            if (!strcmp(v->unknown[i], src->binding))
                return;
        if (v->nunknown < sizeof v->unknown / sizeof v->unknown[0])
            v->unknown[v->nunknown++] = src->binding;
        snprintf(msg, sizeof msg, "value set %s is not in the catalogue: its codes "
                 "(here \"%.100s\") are not checked", src->binding, code);
        add(v, EPSOS_SEV_INFO, "vs.unknown", el, msg);
        return;
    }
    if (member != 0)
        return;
    uint32_t rule = src->vs_rule;
    unsigned up = EPSOS__VS_UP_OF(rule);
    bool error = (rule & EPSOS__VS_STRICT) && v->ehdsi &&
                 ((rule & EPSOS__VS_BODY) ? v->official : !v->body);
    if (error && (rule & EPSOS__VS_FIXED)) {
        bool ok = false;
        for (unsigned k = 0; k < row->npaths && !ok; k++)
            ok = fixed_attrs_ok(&row->p[k], el, up);
        error = ok;
    }
    xmlNode *at = el;
    for (unsigned i = 0; error && i < up && at->parent &&
                         at->parent->type == XML_ELEMENT_NODE; i++)
        at = at->parent;
    snprintf(msg, sizeof msg, "code \"%.100s\" (code system %.100s) is not in the value set "
             "%s%s%.300s%s%s", code, sys ? sys : "none", src->binding,
             src->vs_also ? " (nor " : "", src->vs_also ? src->vs_also : "",
             src->vs_also ? ")" : "", at != el ? " at " : "");
    if (at != el)
        snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "%s", (const char *)el->name);
    if (is_snomed_unknown(el))
        snprintf(msg + strlen(msg), sizeof msg - strlen(msg), " (an epSOS SNOMED CT "
                 "\"no known\" code: eHDSI uses its absent-or-unknown value sets; the "
                 "legacy rules accept it)");
    add(v, error ? EPSOS_SEV_ERROR : EPSOS_SEV_WARNING, "vs.member", at, msg);
}

/* ---- eP / eD: fixed attributes and templated children ---------------------------- */

/* The attributes an ITEM row's path fixes ({typeCode=COMP} ...) on the
 * elements created for each occurrence (from the path's repeat step on): the
 * official eP/eD templates require them present with that value. */
static void check_fixed(vstate *v, const epsos__row *row, xmlNode *el)
{
    const epsos__path *p = &row->p[0];
    char msg[600];
    xmlNode *n = el;
    for (unsigned i = p->nsteps; i-- > 0 && n; n = n->parent) {
        const epsos__step *st = &p->steps[i];
        if (!epsos__is_el(n, st->ns, st->local))
            return;     /* read through the alternate path */
        if (i < p->repeat)
            return;
        for (unsigned k = 0; k < st->ninit; k++) {
            const char *name = st->init[k].name, *want = st->init[k].value;
            if (name[0] == '>' || name[0] == '~' || strchr(name, ':') ||
                !strcmp(name, "templateId"))
                continue;
            const char *got = attr(n, name);
            if (got && !strcmp(got, want))
                continue;
            if (got)
                snprintf(msg, sizeof msg, "%s/@%s SHALL be \"%s\", found \"%.100s\"",
                         st->local, name, want, got);
            else
                snprintf(msg, sizeof msg, "%s/@%s SHALL be present (\"%s\")", st->local,
                         name, want);
            add(v, EPSOS_SEV_ERROR, "fixed.attr", n, msg);
        }
    }
}

/* Occurrences of an ITEM row that carry the templateIds its last step writes
 * (the official templates select only those: consumable[manufacturedProduct[
 * templateId]]); SIZE_MAX when the last step writes none. */
static size_t templated_count(const vstate *v, const epsos__row *row, const occs *o)
{
    const epsos__path *p = &row->p[0];
    if (!p->nsteps || !step_has_tid(&p->steps[p->nsteps - 1]) || v->legacy)
        return SIZE_MAX;     /* legacy: the epSOS products carry other ids */
    size_t c = 0, n = o->count < MAX_OCC ? o->count : MAX_OCC;
    for (size_t i = 0; i < n; i++)
        c += carries_tids(o->n[i], &p->steps[p->nsteps - 1]);
    return c;
}

/* dtr1-1-ANY: a null-flavoured datatype element has no other attribute,
 * child element or text -- but the structural attributes the rule allows --
 * unless the flavour is OTH, NA or UNC and it carries a code system, an
 * extension, an originalText or a translation. */
static bool any_attr_ok(const xmlAttr *a, bool other)
{
    const char *n = (const char *)a->name;
    const char *val = a->children && a->children->type == XML_TEXT_NODE
                      ? (const char *)a->children->content : "";
    if (a->ns && !strcmp((const char *)a->ns->href, XSI_NS))
        return !strcmp(n, "type") || !strcmp(n, "nil");
    if (!strcmp(n, "nullFlavor") || !strcmp(n, "partType") ||
        (!strcmp(n, "integrityCheckAlgorithm") && !strcmp(val, "SHA-1")) ||
        (!strcmp(n, "mediaType") && !strcmp(val, "text/plain")) ||
        (!strcmp(n, "operator") && !strcmp(val, "I")) ||
        (!strcmp(n, "representation") && !strcmp(val, "TXT")) ||
        (!strcmp(n, "inclusive") && !strcmp(val, "true")) ||
        (!strcmp(n, "unit") && !strcmp(val, "1")))
        return true;
    if (other)
        return !strcmp(n, "valueSet") || !strcmp(n, "valueSetVersion") ||
               !strcmp(n, "codeSystem") || !strcmp(n, "codeSystemName") ||
               !strcmp(n, "codeSystemVersion") || !strcmp(n, "extension");
    return !strcmp(n, "classCode") || !strcmp(n, "typeCode") || !strcmp(n, "determinerCode") ||
           !strcmp(n, "moodCode") ||
           (!strcmp(n, "codeSystem") && !strcmp(val, "2.16.840.1.113883.5.139")) ||
           (!strcmp(n, "codeSystemName") && !strcmp(val, "TimingEvent")) ||
           (!strcmp(n, "inverted") && !strcmp(val, "false"));
}

static bool has_child_el(const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return true;
    return false;
}

/* ED/BIN (dtr1-1-BIN): a nullFlavor, or an element or some text (the
 * narrative reference of an entry: <text/> is empty). */
/* Has the element text other than white space (a text or CDATA child)? */
static bool has_text(const xmlNode *el)
{
    for (const xmlNode *c = el->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            for (const xmlChar *t = c->content; *t; t++)
                if (*t != ' ' && *t != '\t' && *t != '\n' && *t != '\r')
                    return true;
    return false;
}

/* A nullFlavor, a child element or some text. */
static bool null_or_content(const xmlNode *el)
{
    return attr(el, "nullFlavor") || has_child_el(el) || has_text(el);
}

static void check_ed_empty(vstate *v, xmlNode *el)
{
    if (!null_or_content(el))
        add(v, sev_dt(v), "ed.empty", el, "ED: an element without nullFlavor needs content "
            "(dtr1-1-BIN)");
}

static bool null_any_ok(const xmlNode *el, const char *nf)
{
    bool plain = true, other_ok = !strcmp(nf, "OTH") || !strcmp(nf, "NA") || !strcmp(nf, "UNC");
    bool other = other_ok, carrier = false;
    for (const xmlAttr *a = el->properties; a; a = a->next) {
        plain &= any_attr_ok(a, false);
        other &= any_attr_ok(a, true);
        carrier |= !a->ns && (xmlStrEqual(a->name, (const xmlChar *)"extension") ||
                              xmlStrEqual(a->name, (const xmlChar *)"codeSystem"));
    }
    for (const xmlNode *c = el->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            plain = false;
            carrier |= epsos__is_el(c, EPSOS_NS_HL7, "originalText") ||
                       epsos__is_el(c, EPSOS_NS_HL7, "translation");
        }
    plain &= !has_text(el);
    return plain || (other && carrier);
}

/* The first null-flavoured element of the subtree under el (el excluded)
 * that breaks dtr1-1-ANY, or NULL. */
static const xmlNode *null_any_below(const xmlNode *el, unsigned depth)
{
    for (const xmlNode *c = el->children; c && depth < 32; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nf = attr(c, "nullFlavor");
        if (nf && !null_any_ok(c, nf))
            return c;
        const xmlNode *d = null_any_below(c, depth + 1);
        if (d)
            return d;
    }
    return NULL;
}

/* dtr1-1-ANY over descendant-or-self: a null-flavoured element (el itself
 * when self, or one inside it -- a translation with nullFlavor NI and an
 * originalText) has no other attributes, elements or text but those the
 * rule allows; reported at el. */
static void check_null_any(vstate *v, xmlNode *el, bool self)
{
    const char *nf = self ? attr(el, "nullFlavor") : NULL;
    const xmlNode *bad = nf && !null_any_ok(el, nf) ? el : null_any_below(el, 0);
    if (!bad)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "nullFlavor %.20s with other attributes, elements or text%s%s "
             "(dtr1-1-ANY)", attr(bad, "nullFlavor"), bad == el ? "" : " on ",
             bad == el ? "" : (const char *)bad->name);
    /* (the current templates do not select the legacy epsos: elements) */
    bool legacy_el = el->ns && !strcmp((const char *)el->ns->href, EPSOS_NS_EPSOS);
    add(v, legacy_el && !v->legacy ? EPSOS_SEV_WARNING : sev_dt(v), "null.any", el, msg);
}

/* dtr1-3-QTY (RIM-001): a null-flavoured quantity or time beside a
 * same-named sibling that is not null. */
static void check_null_other(vstate *v, xmlNode *el)
{
    for (xmlNode *s = el->parent ? el->parent->children : NULL; s; s = s->next)
        if (s != el && s->type == XML_ELEMENT_NODE && xmlStrEqual(s->name, el->name) &&
            s->ns == el->ns && !attr(s, "nullFlavor")) {
            add(v, sev_dt(v), "null.other", el, "RIM-001: a nullFlavor beside a same-named "
                "element that is not null");
            return;
        }
}

/* The xsi:type the row's last step writes ({xsi:type=CE}), NULL if none. */
static const char *row_xsi_type(const epsos__row *row)
{
    const epsos__path *p = &row->p[0];
    if (!p->nsteps)
        return NULL;
    const epsos__step *st = &p->steps[p->nsteps - 1];
    for (unsigned k = 0; k < st->ninit; k++)
        if (!strcmp(st->init[k].name, "xsi:type"))
            return st->init[k].value;
    return NULL;
}

/* An element of a typed row (first path) with another @xsi:type: the official
 * templates fix the type ("If an @xsi:type instruction is present it SHALL be
 * valued {urn:hl7-org:v3}:CE"). */
/* An @xsi:type other than want (in the HL7 namespace) is an error; a CE
 * where want is CD is accepted when ce_ok. */
static void check_xsi_type_is(vstate *v, xmlNode *el, const char *want, bool ce_ok)
{
    xmlChar *t = xmlGetNsProp(el, (const xmlChar *)"type", (const xmlChar *)XSI_NS);
    if (!t)
        return;
    const char *q = (const char *)t, *colon = strchr(q, ':'), *local = colon ? colon + 1 : q;
    char prefix[64] = "";
    if (colon && (size_t)(colon - q) < sizeof prefix) {
        memcpy(prefix, q, (size_t)(colon - q));
        prefix[colon - q] = '\0';
    }
    xmlNs *ns = xmlSearchNs(el->doc, el, colon ? (const xmlChar *)prefix : NULL);
    bool hl7 = ns && !strcmp((const char *)ns->href, EPSOS_NS_HL7);
    bool restriction = ce_ok && !strcmp(want, "CD") && !strcmp(local, "CE");
    if (!hl7 || (strcmp(local, want) != 0 && !restriction)) {
        char msg[300];
        snprintf(msg, sizeof msg, "@xsi:type \"%.100s\": the template fixes %s", q, want);
        add(v, EPSOS_SEV_ERROR, "xsi.type", el, msg);
    }
    xmlFree(t);
}

static void check_xsi_type(vstate *v, const epsos__row *row, xmlNode *el)
{
    const char *want = row_xsi_type(row);
    if (want && epsos__is_el(el, row->p[0].steps[row->p[0].nsteps - 1].ns,
                             row->p[0].steps[row->p[0].nsteps - 1].local))
        /* a CE (a restriction of CD) where the table writes CD: the
         * templates that declare CD accept it (measured on the corpus) */
        check_xsi_type_is(v, el, want, true);
}


/* ---- the walk ------------------------------------------------------------------ */

static size_t count_children(const xmlNode *n, const char *local)
{
    size_t c = 0;
    for (const xmlNode *k = n->children; k; k = k->next)
        c += epsos__is_el(k, EPSOS_NS_HL7, local);
    return c;
}

/* eHDSILegalAuthenticator: the name wants family 1..* and given 1..*
 * without nullFlavor (the table's name kind serves every person and keeps
 * them optional), also on a null-flavoured name. */
/* The person's name of an author (eHDSIAuthor; eHDSIAuthorPrescriber in an
 * eP or eD) and of the legal authenticator: family and given 1..*, without
 * nullFlavor where the template says mandatory (PS author, legal
 * authenticator), a nullFlavor will do for the prescriber. */
static void check_person_name(vstate *v, xmlNode *name, const char *who, bool mandatory)
{
    size_t nfam = 0, ngiv = 0;
    for (const xmlNode *k = name->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE || (mandatory && attr(k, "nullFlavor")))
            continue;
        nfam += epsos__is_el(k, EPSOS_NS_HL7, "family");
        ngiv += epsos__is_el(k, EPSOS_NS_HL7, "given");
    }
    if (nfam && ngiv)
        return;
    char msg[300];
    snprintf(msg, sizeof msg, "the %s's name has %zu family and %zu given%s, at least 1 of "
             "each required", who, nfam, ngiv, mandatory ? " without nullFlavor" : "");
    add(v, EPSOS_SEV_ERROR, "card.min", name, msg);
}

/* eH.3.2 (eHDSISubstanceAdministration): the administration timing is a
 * choice of 1 of effectiveTime[PIVL_TS], [EIVL_TS], [SXPR_TS] or an untyped
 * (or TS) one with @value or @nullFlavor -- the IVL_TS treatment period does
 * not count. */
static void check_frequency_choice(vstate *v, xmlNode *sa)
{
    size_t n = 0;
    for (xmlNode *c = sa->children; c; c = c->next) {
        if (!epsos__is_el(c, EPSOS_NS_HL7, "effectiveTime"))
            continue;
        if (xsi_type_is(c, "PIVL_TS") || xsi_type_is(c, "EIVL_TS") || xsi_type_is(c, "SXPR_TS"))
            n++;
        else if (!xsi_type_is(c, "IVL_TS") && (attr(c, "value") || attr(c, "nullFlavor")))
            n++;
    }
    if (n == 0)
        add(v, EPSOS_SEV_ERROR, "card.min", sa,
            "the administration timing is required: an effectiveTime of xsi:type PIVL_TS, "
            "EIVL_TS or SXPR_TS, or one without interval type with @value or @nullFlavor");
}

/* dtr1-1.3-EN: a name (EN, PN, ON) that is not null is not empty. */
static void check_en(vstate *v, xmlNode *el)
{
    if (!null_or_content(el))
        add(v, sev_dt(v), "en.empty", el, "EN: a name without nullFlavor needs content "
            "(dtr1-1.3-EN)");
}

static void walk(vstate *v, int32_t kind, xmlNode *node, unsigned depth, bool official);
static int32_t doc_section_kind(vstate *v, xmlNode *sec, int32_t kind);

/* A comment (act eH.3.11 / PCC 4.2) on an entry: the official template
 * applies wherever the act carries its templateId, and includes the author
 * template (eHDSIAuthor); the table reads a comment as a text field (or not
 * at all), so its authors are walked here as the table's author kind. */
static void walk_comment_authors(vstate *v, xmlNode *node, unsigned depth)
{
    for (xmlNode *er = node->children; er && !v->rc; er = er->next) {
        xmlNode *act = epsos__is_el(er, EPSOS_NS_HL7, "entryRelationship")
                       ? child_el(er, "act") : NULL;
        if (!act || !(has_tid(act, "1.3.6.1.4.1.19376.1.5.3.1.4.2") ||
                      has_tid(act, "1.3.6.1.4.1.12559.11.10.1.3.1.3.11")))
            continue;
        for (xmlNode *a = act->children; a && !v->rc; a = a->next) {
            if (!epsos__is_el(a, EPSOS_NS_HL7, "author"))
                continue;
            /* (checked as a header author: the template applies as such) */
            bool was_off = v->official, was_body = v->body;
            int32_t was_kind = v->kind;
            v->official = true;
            v->body = false;
            walk(v, EPSOS_KIND_AUTHOR, a, depth + 1, true);
            v->official = was_off;
            v->body = was_body;
            v->kind = was_kind;
        }
    }
}

static void walk(vstate *v, int32_t kind, xmlNode *node, unsigned depth, bool official)
{
    if (depth > 64 || v->rc)
        return;
    const epsos__kind_table *kt = epsos__kind(kind);
    if (!kt || !kt->rows)
        return;
    if (kind == EPSOS_KIND_ADDRESS) {
        v->lab1 = kt->name;
        v->lab2 = NULL;
        check_ad(v, node);
    }
    if (kind == EPSOS_KIND_NAME && v->ehdsi) {
        v->lab1 = kt->name;
        v->lab2 = NULL;
        check_en(v, node);
    }
    if (kind == EPSOS_KIND_MEDICATION && official && v->ps)
        check_medication(v, node);
    if (v->ps && v->ehdsi && v->body && depth < 64)
        walk_comment_authors(v, node, depth);
    if (v->ehdsi && official && epsos__is_el(node, EPSOS_NS_HL7, "substanceAdministration")) {
        for (xmlNode *c = node->children; c; c = c->next) {
            if (epsos__is_el(c, EPSOS_NS_HL7, "text")) {
                check_ed_empty(v, c);
            } else if (epsos__is_el(c, EPSOS_NS_HL7, "effectiveTime")) {
                check_pivl_period(v, c);
                /* dtr1-3-QTY on the eP frequency (<effectiveTime
                 * xsi:type="PIVL_TS" nullFlavor="UNK"/> beside the period;
                 * the PS medication item: check_medication) */
                if (!v->ps && attr(c, "nullFlavor"))
                    check_null_other(v, c);
            }
        }
        if (kind == EPSOS_KIND_PRESCRIPTION && !v->ps)
            check_frequency_choice(v, node);
    }
    /* dtr1-1-ANY on the effectiveTime of an official entry, which the rows
     * reach only through its low/high (<effectiveTime nullFlavor="NA"
     * xsi:type="IVL_TS"><low .../></effectiveTime>): those with children */
    if (v->ehdsi && official && v->body &&
        (epsos__is_el(node, EPSOS_NS_HL7, "substanceAdministration") ||
         epsos__is_el(node, EPSOS_NS_HL7, "supply")))
        for (xmlNode *c = node->children; c; c = c->next)
            if (epsos__is_el(c, EPSOS_NS_HL7, "effectiveTime") && attr(c, "nullFlavor") &&
                has_child_el(c))
                check_null_any(v, c, true);
    occs *o = epsos__malloc(sizeof *o);
    if (!o) {
        v->rc = epsos__err(v->ctx, EPSOS_ENOMEM, "out of memory");
        return;
    }
    char msg[700];
    for (size_t r = 0; r < kt->nrows && !v->rc; r++) {
        const epsos__row *row = &kt->rows[r];
        const epsos__row_src *src = row->src;
        const char *fname = epsos_field_name(src->field);
        v->lab1 = kt->name;
        v->lab2 = fname ? fname : "?";
        v->kind = kind;
        if ((src->flags & EPSOS__ROW_MANDATORY) && src->min == 0 && v->ehdsi && v->official)
            check_mandatory_in(v, row, node, o);       /* (uses o as scratch) */
        occurrences(row, node, o);
        if (o->count < src->min) {
            snprintf(msg, sizeof msg, "%s has %zu occurrence%s, at least %u required",
                     src->path, o->count,
                     o->count == 1 ? "" : "s", (unsigned)src->min);
            /* in an official entry, a required typed element (the device's
             * effectiveTime[IVL_TS][low]) is an error of the template */
            /* so is a row of an official section (the PS sections' title
             * and text 1..1) */
            add(v, (v->official && (typed_path(row) || kt->base == EPSOS_KIND_SECTION)) ||
                   med_official(v) ? EPSOS_SEV_ERROR : sev(v),
                "card.min",
                deepest(row, node), msg);
        }
        if ((src->flags & EPSOS__ROW_MANDATORY) && src->min > 0 && o->count >= src->min &&
            (!v->body || v->official)) {
            /* a mandatory (M) row: the template selects only the elements
             * without nullFlavor, so null-flavoured ones are missing */
            size_t real = 0, n = o->count < MAX_OCC ? o->count : MAX_OCC;
            for (size_t i = 0; i < n; i++)
                real += attr(o->n[i], "nullFlavor") == NULL;
            if (real < src->min) {
                snprintf(msg, sizeof msg, "%s is mandatory: %zu occurrence%s without "
                         "nullFlavor, at least %u required", src->path, real,
                         real == 1 ? "" : "s", (unsigned)src->min);
                add(v, EPSOS_SEV_ERROR, "null.mandatory", node, msg);
            }
        }
        /* (also in an official PS entry: the allergy concern's allergy
         * observation[templateId 3.17], 1..*) */
        if ((med_official(v) || (v->ps && v->ehdsi && v->official)) &&
            src->type == EPSOS_T_ITEM && o->count >= src->min && src->min > 0) {
            size_t t = templated_count(v, row, o);
            if (t != SIZE_MAX && t < src->min) {
                snprintf(msg, sizeof msg, "%s has %zu occurrence%s with the templateIds, at "
                         "least %u required", src->path, t, t == 1 ? "" : "s",
                         (unsigned)src->min);
                /* where the template says it: at the element holding the
                 * templated element's parent (the related prescription's
                 * substanceAdministration for its consumable/manufacturedProduct) */
                xmlNode *at = node;
                const epsos__path *p0 = &row->p[0];
                if (p0->nsteps >= 3) {
                    occs *up = epsos__malloc(sizeof *up);
                    if (up) {
                        up->count = 0;
                        collect_upto(p0, node, 0, p0->nsteps - 3, up);
                        if (up->count > 0)
                            at = up->n[0];
                        epsos__free(up);
                    }
                }
                add(v, EPSOS_SEV_ERROR, "card.min", at, msg);
            }
        }
        if (src->max != UINT32_MAX && o->count > src->max) {
            snprintf(msg, sizeof msg, "%s has %zu occurrences, at most %u allowed",
                     src->path, o->count,
                     (unsigned)src->max);
            xmlNode *extra = o->n[src->max < MAX_OCC ? src->max : 0];
            add(v, EPSOS_SEV_ERROR, "card.max", extra->parent ? extra->parent : extra, msg);
        }
        size_t n = o->count < MAX_OCC ? o->count : MAX_OCC;
        for (size_t i = 0; i < n && !v->rc; i++) {
            xmlNode *el = o->n[i];
            if (row->p[0].attr[0] && src->type == EPSOS_T_TEXT)
                continue;     /* an attribute field */
            const char *nf = attr(el, "nullFlavor");
            if (nf && src->min >= 1) {
                snprintf(msg, sizeof msg, "required, has nullFlavor %.40s", nf);
                add(v, EPSOS_SEV_WARNING, "null.required", el, msg);
            }
            /* the prescription section template fixes its title (eH.2.1:
             * text() = 'Prescriptions'); the other section templates do not */
            if (kind == EPSOS_KIND_EP_SECTION && src->field == EPSOS_F_TITLE && kt->title &&
                med_official(v) && !nf) {
                xmlChar *t = xmlNodeGetContent(el);
                if (!t || strcmp((const char *)t, kt->title) != 0) {
                    snprintf(msg, sizeof msg, "the title SHALL be \"%s\", found \"%.200s\"",
                             kt->title, t ? (const char *)t : "");
                    add(v, EPSOS_SEV_ERROR, "section.title", el, msg);
                }
                xmlFree(t);
            }
            if (nf && (src->flags & EPSOS__ROW_NF_ONLY) && v->ehdsi &&
                (!v->body || v->official)) {
                const char *want = src->flags & EPSOS__ROW_NF_NA ? "NA"
                                 : src->flags & EPSOS__ROW_NF_UNK ? "UNK" : "NI";
                if (strcmp(nf, want) != 0) {
                    snprintf(msg, sizeof msg, "the nullFlavor SHALL be %s, found %.40s",
                             want, nf);
                    add(v, EPSOS_SEV_ERROR, "null.value", el, msg);
                }
            }
            if (src->type != EPSOS_T_ITEM && v->ehdsi && v->official)
                check_xsi_type(v, row, el);
            /* dtr1-1-ANY on the element (an II with @root: ii.root-null
             * says it) and on the null-flavoured elements inside it (not
             * in a narrative text) */
            if (src->type != EPSOS_T_ITEM && v->ehdsi && (nf || src->type != EPSOS_T_TEXT))
                check_null_any(v, el, nf && !(src->type == EPSOS_T_II && attr(el, "root")));
            if (nf && src->type != EPSOS_T_ITEM && v->ehdsi) {
                /* (the PS medication item's effectiveTime: check_medication) */
                /* (TEL: dtr1-4-URL, the same RIM-001 rule) */
                if ((src->type == EPSOS_T_TS || src->type == EPSOS_T_PQ ||
                     src->type == EPSOS_T_TEL) &&
                    !(kind == EPSOS_KIND_MEDICATION && v->ps && v->official))
                    check_null_other(v, el);
            }
            switch (src->type) {
            case EPSOS_T_ITEM:
                if (med_official(v))
                    check_fixed(v, row, el);
                /* a null-flavoured item is not walked, unless it carries
                 * the templateIds of its entry (the official template
                 * applies to it all the same: a medical device entry
                 * <supply nullFlavor="NA"> still needs its effectiveTime) */
                const epsos__path *p0 = &row->p[0];
                const epsos__step *lst = p0->nsteps ? &p0->steps[p0->nsteps - 1] : NULL;
                /* a null-flavoured address is not walked: the organization
                 * templates want addr[country] all the same (check_ad) */
                if (nf && src->child_kind == EPSOS_KIND_ADDRESS)
                    check_ad(v, el);
                if (kind == EPSOS_KIND_LEGAL_AUTHENTICATOR && src->child_kind == EPSOS_KIND_NAME &&
                    v->ehdsi)
                    check_person_name(v, el, "legal authenticator", true);
                /* (eHDSIAuthor, eHDSIAuthorPrescriber: the document's authors,
                 * and in the body only a comment's -- walk_comment_authors
                 * walks those as header authors; the other entry templates
                 * do not include it) */
                if (kind == EPSOS_KIND_AUTHOR && src->child_kind == EPSOS_KIND_NAME &&
                    v->ehdsi && !v->body)
                    check_person_name(v, el, v->ps ? "author" : "prescriber", v->ps);
                if (!nf || (v->ehdsi && v->official && lst && step_has_tid(lst) &&
                            carries_tids(el, lst)) ||
                    ((src->flags & EPSOS__ROW_NULL_CHECKED) && v->ehdsi &&
                     (!v->body || v->official))) {
                    bool was = v->body;
                    if (src->child_kind == EPSOS_KIND_SECTION ||
                        (src->child_kind == EPSOS_KIND_CONTACT && !has_tid(el, CONTACT_TID)))
                        v->body = true;
                    int32_t ck = epsos__refine(src->child_kind, el);
                    /* an eP/eD document's section carrying its section
                     * template (and the PS medication code, which the
                     * reader's refinement decides by) is checked by the
                     * template the Schematron applies: the eP/eD one */
                    if (src->child_kind == EPSOS_KIND_SECTION && v->ehdsi && !v->ps)
                        ck = doc_section_kind(v, el, ck);
                    const epsos__kind_table *ckt = epsos__kind(ck);
                    bool off, was_off = v->official;
                    if (lst && step_has_tid(lst))
                        off = templated(v, el, lst, NULL);
                    else if (ckt && ckt->base == EPSOS_KIND_SECTION && ckt->create)
                        off = templated(v, el, &ckt->create_c, ckt->match ? &ckt->match_c : NULL);
                    else
                        off = v->official;
                    bool was_tmpl = v->tmpl;
                    v->official = off && v->ehdsi;
                    v->tmpl = v->body && has_entry_tid(el);
                    walk(v, ck, el, depth + 1, off);
                    v->official = was_off;
                    v->tmpl = was_tmpl;
                    v->body = was;
                }
                break;
            case EPSOS_T_TS: check_ts(v, el, ts_tz_field(kind, src->field)); break;
            case EPSOS_T_II: check_ii(v, el); break;
            case EPSOS_T_CD: {
                /* vs.member first: the Schematron's CD.EPSOS rules reach only
                 * the selected (conforming) elements, so cd.display on a
                 * code outside the bound value set is a warning */
                int member = vs_member(v, el, src, false);
                /* cd.translation: an error where the official template
                 * selects the code whatever its value (header, patient,
                 * author, a section's code); elsewhere the Schematron
                 * reaches only codes of the bound value set */
                check_cd(v, el, src->binding != NULL && member != 0,
                         kind == EPSOS_KIND_HEADER || kind == EPSOS_KIND_PATIENT ||
                         kind == EPSOS_KIND_AUTHOR ||
                         (kt->base == EPSOS_KIND_SECTION && v->official),
                         /* the PS section and entry templates declare their
                          * codes CD.EPSOS (not an EIVL event: eivl.event;
                          * not those of cd_plain) */
                         v->ps && v->official && v->body &&
                         !last_step_is(row, "event") && !is_cd_plain(kind, src->field));
                /* dtr1-2-CD where the template selects the code whatever
                 * its value (the EIVL event: check_eivl_event) */
                if (v->ehdsi && (kind == EPSOS_KIND_HEADER || kind == EPSOS_KIND_AUTHOR) &&
                    attr(el, "code") && !attr(el, "codeSystem") && !last_step_is(row, "event"))
                    add(v, sev_dt(v), "cd.codesystem", el, "CD: @code requires @codeSystem");
                check_vs(v, el, row, member);
                if (v->ehdsi && last_step_is(row, "event"))
                    check_eivl_event(v, el);
                break;
            }
            case EPSOS_T_TEL: check_tel(v, el); break;
            case EPSOS_T_TEXT:
                if (v->ehdsi && src->field == EPSOS_F_ORGANIZATION_NAME)
                    check_en(v, el);
                /* a title is an ST (the section and document templates
                 * declare it; the table writes no xsi:type) */
                if (v->ehdsi && (!v->body || v->official) && last_step_is(row, "title"))
                    check_xsi_type_is(v, el, "ST", false);
                /* SC (the author device's softwareName): dtr1-5-SC */
                if (v->ehdsi && last_step_is(row, "softwareName") &&
                    attr(el, "displayName") && !attr(el, "code"))
                    add(v, sev_dt(v), "sc.display", el, "SC: @displayName only with @code");
                break;
            case EPSOS_T_PQ:
                if (v->ehdsi)
                    check_tr_distinct(v, el, true, sev_dt(v));
                /* (eHDSIMedicationItem checks the dose's unit, not the
                 * strength's nor those of the eP) */
                if (v->ps && v->official && kind == EPSOS_KIND_MEDICATION &&
                    (src->field == EPSOS_F_DOSE || src->field == EPSOS_F_DOSE_LOW ||
                     src->field == EPSOS_F_DOSE_HIGH))
                    check_unit(v, el, src);
                /* the eP/eD templates want @value and @unit on every quantity
                 * they declare that is not null-flavoured -- the terms of a
                 * strength (RTO numerator, denominator) even then; an IVL_PQ
                 * (doseQuantity low/high) on its bounds */
                if (med_official(v) && (!attr(el, "value") || !attr(el, "unit")) &&
                    (!nf || epsos__is_el(el, EPSOS_NS_HL7, "numerator") ||
                     epsos__is_el(el, EPSOS_NS_HL7, "denominator")) &&
                    !child_el(el, "low") && !child_el(el, "high") && !child_el(el, "center"))
                    add(v, EPSOS_SEV_ERROR, "pq.value", el,
                        "PQ: @value and @unit SHALL be present");
                break;
            case EPSOS_T_CS: {
                int member = vs_member(v, el, src, true);
                if (last_step_is(row, "languageCode"))
                    check_lang(v, el, member != 0);
                check_vs(v, el, row, member);
                break;
            }
            default: break;
            }
        }
    }
    epsos__free(o);
}

/* ---- the medication extension of the generation ---------------------------------- */

/* The current rules know the HL7 pharm extension (urn:hl7-org:pharm), the
 * legacy epSOS rules the epSOS one (urn:epsos-org:ep:medication).  An element
 * of the other one is reported at the outermost such element: current rules,
 * a warning (the document is of the epSOS generation: validate it with the
 * legacy rules); legacy rules, an error (the epSOS schema does not have it). */
static void check_extension_ns(vstate *v, xmlNode *n, unsigned depth)
{
    const char *other = v->legacy ? EPSOS_NS_PHARM : EPSOS_NS_EPSOS;
    for (xmlNode *c = n->children; c && !v->rc && depth < 256; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (c->ns && !strcmp((const char *)c->ns->href, other)) {
            char msg[300];
            v->lab1 = "document";
            v->lab2 = NULL;
            snprintf(msg, sizeof msg, "%s:%s: the %s medication extension (%s) %s",
                     v->legacy ? "pharm" : "epsos", (const char *)c->name,
                     v->legacy ? "current eHDSI" : "legacy epSOS", other,
                     v->legacy ? "is not known to the epSOS rules"
                               : "belongs to the epSOS generation (validate with the legacy "
                                 "rules)");
            add(v, v->legacy ? EPSOS_SEV_ERROR : EPSOS_SEV_WARNING,
                v->legacy ? "legacy.pharm" : "legacy.namespace", c, msg);
            continue;
        }
        check_extension_ns(v, c, depth + 1);
    }
}

/* ---- document rules of the eHDSI Patient Summary ------------------------------- */

#define PS_TID "1.3.6.1.4.1.12559.11.10.1.3.1.1.3"
#define EP_TID "1.3.6.1.4.1.12559.11.10.1.3.1.1.1"
#define ED_TID "1.3.6.1.4.1.12559.11.10.1.3.1.1.2"

/* The required sections of a PS (cda-pivot.md; the eHDSI PS template): the
 * table's section kinds, recognised by every templateId their `create` writes. */
static const int32_t ps_required_sections[] = {
    EPSOS_KIND_PS_MEDICATION_SECTION, EPSOS_KIND_PS_ALLERGIES_SECTION,
    EPSOS_KIND_PS_PROBLEMS_SECTION, EPSOS_KIND_PS_SURGERIES_SECTION,
    EPSOS_KIND_PS_DEVICES_SECTION,
};

/* The service event of a PS header (eHDSIPatientSummary declares its
 * effectiveTime and the performer's time IVL_TS; the table has no row):
 * dtr1-6-IVL_TS, dtr1-7-IVL_TS. */
static void check_service_event(vstate *v, xmlNode *root)
{
    for (xmlNode *d = root->children; d; d = d->next) {
        /* the official context: documentationOf[@typeCode='DOC']/
         * serviceEvent[@classCode='PCPR'][@moodCode='EVN'] (attributes as
         * written: no schema defaults) */
        xmlNode *se = epsos__is_el(d, EPSOS_NS_HL7, "documentationOf") ?
                      child_el(d, "serviceEvent") : NULL;
        const char *tc = se ? attr(d, "typeCode") : NULL, *cc = se ? attr(se, "classCode") : NULL,
                   *mc = se ? attr(se, "moodCode") : NULL;
        if (!tc || !cc || !mc || strcmp(tc, "DOC") || strcmp(cc, "PCPR") || strcmp(mc, "EVN"))
            continue;
        for (xmlNode *c = se->children; c; c = c->next) {
            xmlNode *t = epsos__is_el(c, EPSOS_NS_HL7, "effectiveTime") ? c :
                         epsos__is_el(c, EPSOS_NS_HL7, "performer") ? child_el(c, "time") : NULL;
            if (t)
                check_ivl_order(v, t);
        }
    }
}

/* eHDSIContactPreferredHPLegalOrganization: the PS header template selects
 * participant[templateId CONTACT_TID]/associatedEntity[@classCode='PRS'] and
 * wants addr 1..1 and telecom 1..* there (the table's contact kind serves
 * every contact and keeps them optional). */
static void check_contact_prs(vstate *v, xmlNode *root)
{
    char msg[300];
    for (xmlNode *p = root->children; p; p = p->next) {
        if (!epsos__is_el(p, EPSOS_NS_HL7, "participant") || !has_tid(p, CONTACT_TID))
            continue;
        for (xmlNode *ae = p->children; ae; ae = ae->next) {
            const char *cc = epsos__is_el(ae, EPSOS_NS_HL7, "associatedEntity") ?
                             attr(ae, "classCode") : NULL;
            if (!cc || strcmp(cc, "PRS") != 0)
                continue;
            size_t na = count_children(ae, "addr"), nt = count_children(ae, "telecom");
            v->lab1 = "contact";
            v->lab2 = "associatedEntity";
            if (na != 1 || nt < 1) {
                snprintf(msg, sizeof msg, "a contact (healthcare professional or legal "
                         "organization, classCode PRS) has %zu addr (1..1 required) and %zu "
                         "telecom (at least 1 required)", na, nt);
                add(v, EPSOS_SEV_ERROR, na > 1 ? "card.max" : "card.min", ae, msg);
            }
        }
    }
}

/* Header elements the official document templates require beyond the
 * shared header kind of the table (which serves PS, eP and eD alike):
 * element[@attr=value][child[@cattr=cvalue]], at least 1 (without
 * nullFlavor where mandatory), at most max. */
static const struct {
    const char *doc_tid;                 /* PS_TID, EP_TID, ED_TID */
    const char *el, *attr, *value, *child, *cattr, *cvalue;
    bool mandatory;
    unsigned max;                        /* 0: unbounded */
} doc_rules[] = {
    /* eHDSIPatientSummary: the service event 1..1, the national document
     * it was transformed from 1..1 M */
    { PS_TID, "documentationOf", "typeCode", "DOC", "serviceEvent", "classCode", "PCPR",
      false, 1 },
    { PS_TID, "relatedDocument", "typeCode", "XFRM", "parentDocument", NULL, NULL, true, 0 },
    /* eHDSIeDispensation: the prescription it fulfils 1..1 M */
    { ED_TID, "inFulfillmentOf", NULL, NULL, "order", "moodCode", "RQO", true, 0 },
};

/* Children a header template allows once, where the shared header kind of
 * the table allows more (the organization kind serves the custodian and
 * the authors' organizations alike; the reader keeps every one). */
static const struct {
    const char *path, *child;
} header_once[] = {
    { "recordTarget/patientRole", "addr" },                                  /* eHDSIRecordTarget */
    { "custodian/assignedCustodian/representedCustodianOrganization", "telecom" }, /* eHDSICustodian */
};

/* The document's sections of eP and eD: the eHDSIePrescription /
 * eHDSIeDispensation body has exactly one (by its templateIds). */
static const struct {
    const char *doc_tid;
    int32_t kind;
} doc_sections[] = {
    { EP_TID, EPSOS_KIND_EP_SECTION },
    { ED_TID, EPSOS_KIND_ED_SECTION },
};

static int32_t doc_section_kind(vstate *v, xmlNode *sec, int32_t kind)
{
    const xmlNode *root = xmlDocGetRootElement(sec->doc);
    for (size_t i = 0; root && i < sizeof doc_sections / sizeof doc_sections[0]; i++) {
        const epsos__kind_table *kt = epsos__kind(doc_sections[i].kind);
        if (kind != doc_sections[i].kind && kt && kt->create && has_tid(root, doc_sections[i].doc_tid) &&
            templated(v, sec, &kt->create_c, NULL))
            return doc_sections[i].kind;
    }
    return kind;
}

static xmlNode *follow(xmlNode *n, const char *path)
{
    char step[80];
    while (n && *path) {
        size_t l = strcspn(path, "/");
        if (l >= sizeof step)
            return NULL;
        memcpy(step, path, l);
        step[l] = '\0';
        n = child_el(n, step);
        path += l + (path[l] == '/');
    }
    return n;
}

static void check_header_once(vstate *v, xmlNode *root)
{
    char msg[300];
    for (size_t i = 0; i < sizeof header_once / sizeof header_once[0]; i++) {
        xmlNode *n = follow(root, header_once[i].path);
        size_t c = n ? count_children(n, header_once[i].child) : 0;
        if (c > 1) {
            v->lab1 = "document";
            v->lab2 = header_once[i].child;
            snprintf(msg, sizeof msg, "%s/%s has %zu occurrences, at most 1 allowed",
                     header_once[i].path, header_once[i].child, c);
            add(v, EPSOS_SEV_ERROR, "card.max", n, msg);
        }
    }
}

static void check_doc_sections(vstate *v, xmlNode *root)
{
    char msg[300];
    xmlNode *body = follow(root, "component/structuredBody");
    for (size_t i = 0; body && i < sizeof doc_sections / sizeof doc_sections[0]; i++) {
        const epsos__kind_table *kt = epsos__kind(doc_sections[i].kind);
        if (!has_tid(root, doc_sections[i].doc_tid) || !kt || !kt->create)
            continue;
        unsigned n = 0;
        for (xmlNode *c = body->children; c; c = c->next) {
            xmlNode *sec = epsos__is_el(c, EPSOS_NS_HL7, "component") ? child_el(c, "section")
                                                                      : NULL;
            n += sec && templated(v, sec, &kt->create_c, NULL);
        }
        if (n == 1)
            continue;
        v->lab1 = kt->name;
        v->lab2 = "section";
        snprintf(msg, sizeof msg, "the document has %u \"%s\" section%s (with the eHDSI "
                 "templateIds), exactly 1 required", n, kt->title ? kt->title : kt->name,
                 n == 1 ? "" : "s");
        add(v, EPSOS_SEV_ERROR, n ? "section.max" : "section.required", body, msg);
    }
}

static bool attr_is(const xmlNode *n, const char *name, const char *value)
{
    const char *a = name ? attr(n, name) : NULL;
    return !name || (a && !strcmp(a, value));
}

static void check_doc_rules(vstate *v, xmlNode *root)
{
    char msg[300];
    for (size_t i = 0; i < sizeof doc_rules / sizeof doc_rules[0]; i++) {
        if (!has_tid(root, doc_rules[i].doc_tid))
            continue;
        unsigned n = 0;
        for (xmlNode *c = root->children; c; c = c->next) {
            xmlNode *k = epsos__is_el(c, EPSOS_NS_HL7, doc_rules[i].el) &&
                         attr_is(c, doc_rules[i].attr, doc_rules[i].value) &&
                         !(doc_rules[i].mandatory && attr(c, "nullFlavor"))
                         ? child_el(c, doc_rules[i].child) : NULL;
            n += k && attr_is(k, doc_rules[i].cattr, doc_rules[i].cvalue);
        }
        v->lab1 = "document";
        v->lab2 = doc_rules[i].el;
        const char *a = doc_rules[i].attr, *ca = doc_rules[i].cattr;
        snprintf(msg, sizeof msg, "%s%s%s%s%s%s/%s%s%s%s%s%s has %u occurrence%s, ",
                 doc_rules[i].el, a ? "[@" : "", a ? a : "", a ? "=" : "",
                 a ? doc_rules[i].value : "", a ? "]" : "", doc_rules[i].child,
                 ca ? "[@" : "", ca ? ca : "", ca ? "=" : "", ca ? doc_rules[i].cvalue : "",
                 ca ? "]" : "", n, n == 1 ? "" : "s");
        size_t l = strlen(msg);
        if (n == 0) {
            snprintf(msg + l, sizeof msg - l, "1 required%s",
                     doc_rules[i].mandatory ? " (without nullFlavor)" : "");
            add(v, EPSOS_SEV_ERROR, "card.min", root, msg);
        } else if (doc_rules[i].max && n > doc_rules[i].max) {
            snprintf(msg + l, sizeof msg - l, "at most %u allowed", doc_rules[i].max);
            add(v, EPSOS_SEV_ERROR, "card.max", root, msg);
        }
    }
}

static void check_ps_document(vstate *v, xmlNode *root)
{
    check_contact_prs(v, root);
    check_service_event(v, root);
    char msg[700];
    v->lab1 = "document";
    v->lab2 = NULL;
    xmlNode *body = NULL;
    for (xmlNode *c = root->children; c && !body; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "component") && !attr(c, "nullFlavor"))
            body = child_el(c, "structuredBody");
    if (!body) {
        add(v, EPSOS_SEV_ERROR, "section.body", root,
            "a level 3 Patient Summary needs component/structuredBody");
        return;
    }
    for (size_t k = 0; k < epsos__ps_set.nkinds; k++) {
        const epsos__kind_table *kt = &epsos__ps_set.kinds[k];
        if (kt->base != EPSOS_KIND_SECTION || !kt->create)
            continue;
        unsigned n = 0;
        for (xmlNode *c = body->children; c; c = c->next) {
            xmlNode *sec = epsos__is_el(c, EPSOS_NS_HL7, "component") ? child_el(c, "section")
                                                                      : NULL;
            n += sec && templated(v, sec, &kt->create_c, kt->match ? &kt->match_c : NULL);
        }
        bool req = false;
        for (size_t i = 0; i < sizeof ps_required_sections / sizeof ps_required_sections[0]; i++)
            req |= ps_required_sections[i] == kt->kind;
        v->lab1 = kt->name;
        v->lab2 = "section";
        if (req && n == 0) {
            snprintf(msg, sizeof msg, "the required section \"%s\" (with the eHDSI "
                     "templateIds) is missing", kt->title ? kt->title : kt->name);
            add(v, EPSOS_SEV_ERROR, "section.required", body, msg);
        } else if (n > 1) {
            snprintf(msg, sizeof msg, "the section \"%s\" appears %u times, at most once",
                     kt->title ? kt->title : kt->name, n);
            add(v, EPSOS_SEV_ERROR, "section.max", body, msg);
        }
    }
}

static int validate(epsos_report **out, epsos_ctx *ctx, epsos_doc *doc,
                    const epsos_catalogue *cat, uint32_t options, const char *fn)
{
    if (!out)
        return ctx ? epsos__err(ctx, EPSOS_EINVAL, "%s: out must not be NULL", fn)
                   : EPSOS_EINVAL;
    *out = NULL;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!doc)
        return epsos__err(ctx, EPSOS_EINVAL, "%s: doc must not be NULL", fn);
    if (options & ~(uint32_t)EPSOS_VALIDATE_LEGACY)
        return epsos__err(ctx, EPSOS_EINVAL, "%s: unknown options 0x%x", fn,
                          (unsigned)(options & ~(uint32_t)EPSOS_VALIDATE_LEGACY));
    epsos_item *hdr = NULL;
    int rc = epsos_doc_header(&hdr, doc);
    if (rc)
        return rc;
    epsos_report *r = epsos__calloc(1, sizeof *r);
    if (!r)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    pos_memo memo[POS_MEMO];
    memset(memo, 0, sizeof memo);
    vstate v = { .ctx = ctx, .r = r, .rc = EPSOS_OK, .lab1 = "document", .memo = memo,
                 .ps = has_tid(hdr->node, PS_TID),
                 .legacy = (options & EPSOS_VALIDATE_LEGACY) != 0, .cat = cat };
    v.ehdsi = v.ps || has_tid(hdr->node, EP_TID) || has_tid(hdr->node, ED_TID);
    if (v.ehdsi && xmlHasNsProp(hdr->node, (const xmlChar *)"schemaLocation",
                                (const xmlChar *)XSI_NS))
        add(&v, EPSOS_SEV_ERROR, "cda.schema-location", hdr->node,
            "@xsi:schemaLocation is prohibited (ITS 1.4, CDA)");
    if (v.ehdsi) {
        check_doc_rules(&v, hdr->node);
        check_header_once(&v, hdr->node);
        check_doc_sections(&v, hdr->node);
    }
    if (v.ps)
        check_ps_document(&v, hdr->node);
    walk(&v, hdr->kind, hdr->node, 0, true);
    check_extension_ns(&v, hdr->node, 0);
    if (v.rc) {
        epsos_report_free(r);
        return v.rc;
    }
    *out = r;
    return EPSOS_OK;
}

EPSOS_API int epsos_validate(epsos_report **out, epsos_ctx *ctx, epsos_doc *doc,
                             uint32_t options)
{
    return validate(out, ctx, doc, NULL, options, "epsos_validate");
}

EPSOS_API int epsos_validate_with(epsos_report **out, epsos_ctx *ctx, epsos_doc *doc,
                                  const epsos_catalogue *cat, uint32_t options)
{
    return validate(out, ctx, doc, cat, options, "epsos_validate_with");
}
