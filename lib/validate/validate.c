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
 *   card.min       fewer occurrences than the row's min (error)
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
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "model/model.h"
#include "model/dt.h"
#include "epsos/validate.h"

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
    char label[96];            /* "kind field: " of the row being checked */
    bool body;                 /* inside a section (see sev()) */
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

/* XPath in the SVRL form: every step with its position among same-named siblings. */
static void svrl_path(const xmlNode *node, char *buf, size_t len)
{
    const xmlNode *chain[300];
    size_t depth = 0;
    for (const xmlNode *n = node; n && n->type == XML_ELEMENT_NODE && depth < 300; n = n->parent)
        chain[depth++] = n;
    size_t o = 0;
    buf[0] = '\0';
    while (depth-- > 0) {
        const xmlNode *n = chain[depth];
        unsigned pos = 1;
        for (const xmlNode *s = n->prev; s; s = s->prev)
            if (s->type == XML_ELEMENT_NODE && xmlStrEqual(s->name, n->name) &&
                (s->ns == n->ns || (s->ns && n->ns && xmlStrEqual(s->ns->href, n->ns->href))))
                pos++;
        const char *href = n->ns ? (const char *)n->ns->href : "";
        const char *pfx = strcmp(href, EPSOS_NS_HL7) == 0 ? "hl7:"
                        : strcmp(href, EPSOS_NS_PHARM) == 0 ? "pharm:"
                        : strcmp(href, EPSOS_NS_EPSOS) == 0 ? "epsos:" : "";
        int w = snprintf(buf + o, len - o, "/%s%s[%u]", pfx, (const char *)n->name, pos);
        if (w < 0 || (size_t)w >= len - o) {
            buf[len - 1] = '\0';
            return;
        }
        o += (size_t)w;
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
    svrl_path(node, xp, sizeof xp);
    finding *f = &r->f[r->n];
    f->sev = sev;
    f->rule = rule;
    f->line = (int32_t)xmlGetLineNo(node);
    size_t ll = strlen(v->label), ml = strlen(msg);
    f->msg = epsos__malloc(ll + ml + 1);
    if (f->msg) {
        memcpy(f->msg, v->label, ll);
        memcpy(f->msg + ll, msg, ml + 1);
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

static void collect(const epsos__path *p, xmlNode *n, unsigned i, occs *o)
{
    const epsos__step *st = &p->steps[i];
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!epsos__is_el(c, st->ns, st->local) || !epsos__step_preds_ok(st, c))
            continue;
        if (i + 1 < p->nsteps) {
            collect(p, c, i + 1, o);
            continue;
        }
        if (p->attr[0] && !xmlHasNsProp(c, (const xmlChar *)p->attr, NULL))
            continue;
        if (o->count < MAX_OCC)
            o->n[o->count] = c;
        o->count++;
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
            collect(p, node, 0, o);
        }
    }
}

/* The deepest element that exists along the first path (where the official
 * rules report a missing child). */
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
        at = next;
    }
    return at;
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

static void check_ts(vstate *v, xmlNode *el, bool tz_rules)
{
    if (attr(el, "value")) {
        check_ts_value(v, el, tz_rules);
        return;
    }
    for (xmlNode *c = el->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "low") || epsos__is_el(c, EPSOS_NS_HL7, "high") ||
            epsos__is_el(c, EPSOS_NS_HL7, "center"))
            check_ts_value(v, c, tz_rules);
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
            add(v, sev(v), "ii.root-null", el, msg);
        }
    } else if (!root) {
        add(v, sev(v), "ii.root", el, "II: @root is required unless @nullFlavor");
    } else if (strlen(root) > 64 && (epsos__oid_valid(root) || epsos__uuid_valid(root))) {
        /* II.EPSOS (64) applies only where a template declares it; plain II
         * allows 128: a warning until the table says which flavour a row is */
        snprintf(msg, sizeof msg, "II.EPSOS: @root of %zu characters (at most 64)", strlen(root));
        add(v, EPSOS_SEV_WARNING, "ii.root-length", el, msg);
    } else if (!epsos__ii_root_valid(root, &why)) {
        snprintf(msg, sizeof msg, "II: @root \"%.200s\": %s", root, why);
        add(v, sev(v), "ii.root", el, msg);
    }
    if (ext && strlen(ext) > 64) {
        snprintf(msg, sizeof msg, "II.EPSOS: @extension of %zu characters (at most 64)",
                 strlen(ext));
        add(v, EPSOS_SEV_WARNING, "ii.extension", el, msg);
    }
}

/* CD.EPSOS applies where the templates declare it: the bound coded fields.
 * On the other coded fields a missing @displayName is a warning. */
static void check_cd(vstate *v, xmlNode *el, bool bound)
{
    int32_t s = bound ? sev(v) : EPSOS_SEV_WARNING;
    if (attr(el, "code") && !attr(el, "displayName"))
        add(v, s, "cd.display", el,
            "CD.EPSOS: @displayName is required on every code");
    for (xmlNode *c = el->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "translation") && attr(c, "code") &&
            !attr(c, "displayName"))
            add(v, s, "cd.display", c,
                "CD.EPSOS: @displayName is required on every translation");
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

static void check_lang(vstate *v, xmlNode *el)
{
    const char *s = attr(el, "code");
    char msg[600];
    if (s && !lang_ok(s)) {
        snprintf(msg, sizeof msg, "CS.LANG: @code \"%.200s\" is not of the form ll-CC", s);
        add(v, sev(v), "lang.format", el, msg);
    }
}

static void check_ad(vstate *v, xmlNode *el)
{
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

/* ---- the walk ------------------------------------------------------------------ */

static void walk(vstate *v, int32_t kind, xmlNode *node, unsigned depth)
{
    if (depth > 64 || v->rc)
        return;
    const epsos__kind_table *kt = epsos__kind(kind);
    if (!kt || !kt->rows)
        return;
    if (kind == EPSOS_KIND_ADDRESS) {
        snprintf(v->label, sizeof v->label, "%s: ", kt->name);
        check_ad(v, node);
    }
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
        occurrences(row, node, o);
        snprintf(v->label, sizeof v->label, "%s %s: ", kt->name, fname ? fname : "?");
        if (o->count < src->min) {
            snprintf(msg, sizeof msg, "%s has %zu occurrence%s, at least %u required",
                     src->path, o->count,
                     o->count == 1 ? "" : "s", (unsigned)src->min);
            add(v, sev(v), "card.min", deepest(row, node), msg);
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
            switch (src->type) {
            case EPSOS_T_ITEM:
                if (!nf) {
                    bool was = v->body;
                    if (src->child_kind == EPSOS_KIND_SECTION ||
                        (src->child_kind == EPSOS_KIND_CONTACT && !has_tid(el, CONTACT_TID)))
                        v->body = true;
                    walk(v, epsos__refine(src->child_kind, el), el, depth + 1);
                    v->body = was;
                }
                break;
            case EPSOS_T_TS: check_ts(v, el, ts_tz_field(kind, src->field)); break;
            case EPSOS_T_II: check_ii(v, el); break;
            case EPSOS_T_CD: check_cd(v, el, src->binding != NULL); break;
            case EPSOS_T_TEL: check_tel(v, el); break;
            case EPSOS_T_CS:
                if (last_step_is(row, "languageCode"))
                    check_lang(v, el);
                break;
            default: break;
            }
        }
    }
    epsos__free(o);
}

EPSOS_API int epsos_validate(epsos_report **out, epsos_ctx *ctx, epsos_doc *doc,
                             uint32_t options)
{
    if (!out)
        return ctx ? epsos__err(ctx, EPSOS_EINVAL, "epsos_validate: out must not be NULL")
                   : EPSOS_EINVAL;
    *out = NULL;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!doc)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_validate: doc must not be NULL");
    if (options)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_validate: unknown options 0x%x",
                          (unsigned)options);
    epsos_item *hdr = NULL;
    int rc = epsos_doc_header(&hdr, doc);
    if (rc)
        return rc;
    epsos_report *r = epsos__calloc(1, sizeof *r);
    if (!r)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    vstate v = { ctx, r, EPSOS_OK, "", false };
    walk(&v, hdr->kind, hdr->node, 0);
    if (v.rc) {
        epsos_report_free(r);
        return v.rc;
    }
    *out = r;
    return EPSOS_OK;
}
