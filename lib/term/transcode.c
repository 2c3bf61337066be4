/*
 * libepsos: whole-document transcoding (national -> MVC) and translation
 * (display names in the reader's language) over the template table.
 * SPDX-License-Identifier: MIT
 *
 * The visitor is generic: from the header item it walks every nested item
 * (EPSOS_T_ITEM rows, any kind) and visits every occurrence of every row
 * that carries a value-set binding.  Document shape as OpenNCP:
 *  - transcode: <code code=MVC codeSystem=MVC displayName=English>
 *                 <translation code=national codeSystem=national displayName=../>
 *  - translate: <code code=.. codeSystem=.. displayName=reader's language>
 *                 <translation code=same codeSystem=same displayName=previous/>
 *    Older translations stay where they are (flattened: the new translation
 *    is appended after them as a sibling, never nested), so the element keeps
 *    the CD content model the eHDSI Schematron checks.
 *  - the eHDSI Schematron (DTr1 CD, dtr1-19 [RIM-002]) wants the
 *    (code, codeSystem) of an element's translations distinct, nested or
 *    not: a translation is never added when one with the same code and code
 *    system is already there (translating again, or a document OpenNCP
 *    translated before, keeps its first same-code translation: the display
 *    replaced then is an intermediate one, which the catalogue gives again).
 *  - an EIVL_TS <event> may not carry @displayName (dtr1-7-EIVL_TS): its
 *    code is checked and transcoded, never given a display.
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "term.h"
#include "model/model.h"

typedef struct {
    int32_t code;
    char *xpath, *vs, *msg;
} finding;

struct epsos_term_report {
    epsos_ctx *ctx;
    finding *f;
    size_t n, cap;
    size_t stat[5];
    bool required_miss;
};

EPSOS_API int epsos_term_report_new(epsos_term_report **out, epsos_ctx *ctx)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = NULL;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos_term_report *r = epsos__calloc(1, sizeof *r);
    if (!r)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    r->ctx = ctx;
    *out = r;
    return EPSOS_OK;
}

static void report_clear(epsos_term_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        epsos__free(r->f[i].xpath);
        epsos__free(r->f[i].vs);
        epsos__free(r->f[i].msg);
    }
    r->n = 0;
    memset(r->stat, 0, sizeof r->stat);
    r->required_miss = false;
}

EPSOS_API void epsos_term_report_free(epsos_term_report *r)
{
    if (!r)
        return;
    report_clear(r);
    epsos__free(r->f);
    epsos__free(r);
}

EPSOS_API size_t epsos_term_report_count(const epsos_term_report *r)
{
    return r ? r->n : 0;
}

EPSOS_API int epsos_term_report_finding(const epsos_term_report *r, size_t index,
                                        int32_t *code, const char **xpath,
                                        const char **value_set, const char **message)
{
    if (code) *code = 0;
    if (xpath) *xpath = NULL;
    if (value_set) *value_set = NULL;
    if (message) *message = NULL;
    if (!r)
        return EPSOS_EINVAL;
    if (index >= r->n)
        return EPSOS_ENOTFOUND;
    if (code) *code = r->f[index].code;
    if (xpath) *xpath = r->f[index].xpath;
    if (value_set) *value_set = r->f[index].vs;
    if (message) *message = r->f[index].msg;
    return EPSOS_OK;
}

EPSOS_API int epsos_term_report_stat(const epsos_term_report *r, int32_t what, size_t *out)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = 0;
    if (!r || what < 1 || what > 4)
        return EPSOS_EINVAL;
    *out = r->stat[what];
    return EPSOS_OK;
}

/* --- the visitor ----------------------------------------------------------------- */

typedef struct {
    const epsos_catalogue *cat;
    epsos_term_report *r;
    const char *lang;          /* translate: requested language; NULL: transcode */
    int rc;                    /* first hard error */
} visit;

static void field_xpath(char *buf, size_t len, const epsos_item *item, const epsos__row *row,
                        size_t index, const char *anchor);

static void add_finding_at(visit *v, int32_t code, const char *xpath, const char *vs,
                           bool required, const char *msg);

/* The XPath is computed only for a finding: it costs more than the lookups. */
/* anchor: the value the finding is about (unused: the XPath is exact). */
#define add_finding(v, code, anchor, vs, required, msg)                                     \
    do {                                                                                   \
        char xpbuf_[EPSOS_ERRLOC_MAX];                                                     \
        field_xpath(xpbuf_, sizeof xpbuf_, item, row, idx, anchor);                        \
        add_finding_at(v, code, xpbuf_, vs, required, msg);                                \
    } while (0)

static void add_finding_at(visit *v, int32_t code, const char *xpath, const char *vs,
                           bool required, const char *msg)
{
    epsos_term_report *r = v->r;
    r->stat[EPSOS_TERM_STAT_MISSING]++;
    if (required && code != EPSOS_TERM_NO_DESIGNATION)
        r->required_miss = true;
    if (v->rc)
        return;
    if (r->n == r->cap) {
        size_t c = r->cap ? r->cap * 2 : 16;
        finding *f = epsos__realloc(r->f, c * sizeof *f);
        if (!f) {
            v->rc = epsos__err(r->ctx, EPSOS_ENOMEM, "out of memory");
            return;
        }
        r->f = f;
        r->cap = c;
    }
    finding *f = &r->f[r->n];
    f->code = code;
    f->xpath = epsos__strdup(xpath);
    f->vs = epsos__strdup(vs);
    f->msg = epsos__strdup(msg);
    if (!f->xpath || !f->vs || !f->msg) {
        epsos__free(f->xpath); epsos__free(f->vs); epsos__free(f->msg);
        v->rc = epsos__err(r->ctx, EPSOS_ENOMEM, "out of memory");
        return;
    }
    r->n++;
}

/* Occurrence `want` of a row below an item's element, as the model's reader
 * finds it (lib/model/item.c: the primary path's matches in document order,
 * then the alternate path's; the step predicates apply). */
typedef struct { size_t want, seen; const xmlNode *found; } occ_walk;

static bool occ_visit(const epsos__path *path, const xmlNode *n, unsigned i, occ_walk *w)
{
    const epsos__step *st = &path->steps[i];
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!epsos__is_el(c, st->ns, st->local) || !epsos__step_preds_ok(st, c))
            continue;
        if (i + 1 < path->nsteps) {
            if (occ_visit(path, c, i + 1, w))
                return true;
            continue;
        }
        if (path->attr[0] && !xmlHasNsProp(c, (const xmlChar *)path->attr, NULL))
            continue;
        if (w->seen++ == w->want) {
            w->found = c;
            return true;
        }
    }
    return false;
}

static const xmlNode *occ_node(const epsos__row *row, const xmlNode *node, size_t index)
{
    occ_walk w = { index, 0, NULL };
    for (unsigned p = 0; p < row->npaths && !w.found; p++) {
        const epsos__path *path = &row->p[p];
        if (path->nsteps == 0) {
            if (xmlHasNsProp(node, (const xmlChar *)path->attr, NULL) && w.seen++ == w.want)
                w.found = node;
        } else {
            occ_visit(path, node, 0, &w);
        }
    }
    return w.found;
}

/* XPath of a field occurrence.  Exact (the form epsos_ctx_errloc uses, one
 * position per step among same-named siblings, then /@attr for an attribute
 * field or the @unit of a quantity) from the occurrence's element; else
 * (never expected) the item's path + the row's path, stripped of builder
 * decorations, with [i] for occurrences after the first. */
static void field_xpath(char *buf, size_t len, const epsos_item *item, const epsos__row *row,
                        size_t index, const char *anchor)
{
    (void)anchor;
    const xmlNode *own = item->node ? occ_node(row, item->node, index) : NULL;
    if (own) {
        epsos__node_path(own, buf, len);
        size_t o = strlen(buf);
        const char *at = row->src->type == EPSOS_T_PQ ? "unit" : row->p[0].attr;
        if (at[0] && o + strlen(at) + 3 < len)
            snprintf(buf + o, len - o, "/@%s", at);
        return;
    }
    const char *ip = epsos_item_path(item);
    int w = snprintf(buf, len, "%s/", ip ? ip : "");
    size_t o = w < 0 ? 0 : (size_t)w;
    if (o + 8 >= len) {          /* a very deep item: keep its (truncated) path */
        buf[len - 1] = '\0';
        return;
    }
    const char *p = row->src->path;
    int depth = 0;
    bool step_start = true;
    for (; *p && o + 8 < len; p++) {
        if (*p == '{' || *p == '[') { depth++; continue; }
        if (*p == '}' || *p == ']') { depth--; continue; }
        if (depth)
            continue;
        if (*p == '+')
            continue;
        if (step_start && *p != '@') {
            size_t sl = strcspn(p, "/{[");
            const char *colon = memchr(p, ':', sl);
            if (!colon) {
                buf[o++] = 'h'; buf[o++] = 'l'; buf[o++] = '7'; buf[o++] = ':';
            }
        }
        step_start = *p == '/';
        buf[o++] = *p;
    }
    buf[o] = '\0';
    if (index > 0 && o + 8 < len)
        snprintf(buf + o, len - o, "[%zu]", index + 1);
}

static int required(const epsos__row *row)
{
    return row->src->min >= 1;
}

/* The element of the row is an EIVL_TS <event> (no @displayName allowed). */
static bool no_display(const epsos__row *row)
{
    const epsos__path *p = &row->p[0];
    return p->nsteps > 0 && !p->attr[0] && strcmp(p->steps[p->nsteps - 1].local, "event") == 0;
}

static bool is_oid_text(const char *s)
{
    if (!s || !*s)
        return false;
    bool digit = false;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digit = true;
        else if (*s == '.' && digit)
            digit = false;
        else
            return false;
    }
    return digit;
}

/* Has occurrence idx of the field a translation with (code, system)? */
static bool has_translation(epsos_item *item, int32_t field, size_t idx, const char *code,
                            const char *sys)
{
    size_t n = 0;
    if (epsos_item_translation_count(item, field, idx, &n) != EPSOS_OK)
        return false;
    for (size_t t = 0; t < n; t++) {
        const char *c = NULL, *s = NULL;
        if (epsos_item_get_translation(item, field, idx, t, &c, &s, NULL) == EPSOS_OK && c &&
            s && !strcmp(c, code) && !strcmp(s, sys))
            return true;
    }
    return false;
}

static void visit_cd(visit *v, epsos_item *item, const epsos__row *row, size_t idx)
{
    const char *vs = row->src->binding;
    int32_t field = row->src->field;
    char msg[700];
    const char *code = NULL, *sys = NULL, *disp = NULL, *nf = NULL;
    if (epsos_item_get_code(item, field, idx, &code, &sys, &disp) != EPSOS_OK)
        return;
    v->r->stat[EPSOS_TERM_STAT_VISITED]++;
    if (!code) {
        epsos_item_get_null_flavor(item, field, idx, &nf);
        if (nf && required(row)) {
            snprintf(msg, sizeof msg, "nullFlavor %s on a required coded element bound to %s",
                     nf, vs);
            add_finding(v, EPSOS_TERM_NULL_REQUIRED, nf, vs, true, msg);
        }
        return;
    }
    /* one probe answers both "member?" and, on a miss, "known value set?" */
    int in = sys ? epsos_catalogue_contains(v->cat, vs, sys, code)
                 : epsos_catalogue_value_set(v->cat, vs, NULL, NULL, NULL) == EPSOS_OK
                     ? 0 : EPSOS_ENOTFOUND;
    if (in == EPSOS_ENOTFOUND) {
        snprintf(msg, sizeof msg, "value set %s is not in the catalogue", vs);
        add_finding(v, EPSOS_TERM_UNKNOWN_VALUE_SET, code, vs, false, msg);
        return;
    }
    if (!v->lang) {
        /* transcoding */
        if (in == 1)
            return;  /* already MVC */
        const char *ms = NULL, *mc = NULL, *md = NULL;
        if (!sys || epsos_catalogue_transcode(&ms, &mc, &md, v->cat, sys, code, vs) != EPSOS_OK) {
            snprintf(msg, sizeof msg, "%s|%s has no mapping into value set %s",
                     sys ? sys : "(no codeSystem)", code, vs);
            add_finding(v, EPSOS_TERM_NO_MAPPING, code, vs, required(row), msg);
            return;
        }
        if (epsos_catalogue_contains(v->cat, vs, ms, mc) != 1) {
            snprintf(msg, sizeof msg, "%s|%s maps to %s|%s, which is not in value set %s",
                     sys, code, ms, mc, vs);
            add_finding(v, EPSOS_TERM_NOT_IN_VALUE_SET, code, vs, required(row), msg);
            return;
        }
        /* copy the national values before the element changes */
        char *nc = epsos__strdup(code), *ns = epsos__strdup(sys),
             *nd = disp ? epsos__strdup(disp) : NULL;
        if (!nc || !ns || (disp && !nd)) {
            v->rc = epsos__err(v->r->ctx, EPSOS_ENOMEM, "out of memory");
        } else {
            int rc = epsos_item_set_code(item, field, idx, mc, ms,
                                         *md && !no_display(row) ? md : NULL);
            if (rc == EPSOS_OK && !has_translation(item, field, idx, nc, ns))
                rc = epsos_item_add_translation(item, field, idx, nc, ns, nd);
            if (rc == EPSOS_OK)
                v->r->stat[EPSOS_TERM_STAT_TRANSCODED]++;
            else
                v->rc = rc;
        }
        epsos__free(nc); epsos__free(ns); epsos__free(nd);
        return;
    }
    /* translating */
    if (in != 1) {
        snprintf(msg, sizeof msg, "%s|%s is not in value set %s", sys ? sys : "(no codeSystem)",
                 code, vs);
        add_finding(v, EPSOS_TERM_NOT_IN_VALUE_SET, code, vs, required(row), msg);
        return;
    }
    if (no_display(row))
        return;   /* member, and no display to translate */
    const char *t = NULL, *tl = NULL;
    if (epsos_catalogue_designation(&t, &tl, v->cat, sys, code, v->lang) != EPSOS_OK) {
        snprintf(msg, sizeof msg, "%s|%s: no concept in the catalogue", sys, code);
        add_finding(v, EPSOS_TERM_NO_CONCEPT, code, vs, false, msg);
        return;
    }
    char want[96];
    if (!epsos__term_lang(v->lang, want, sizeof want))
        snprintf(want, sizeof want, "%s", v->lang);
    size_t wl = strcspn(want, "-");
    if (strncmp(tl, want, wl) != 0 || (tl[wl] != '\0' && tl[wl] != '-')) {
        snprintf(msg, sizeof msg, "%s|%s: no designation in %s, kept the %s text", sys, code,
                 want, *tl ? tl : "source");
        add_finding(v, EPSOS_TERM_NO_DESIGNATION, code, vs, false, msg);
    }
    if (disp) {
        char *a = epsos__term_fold(disp), *b = epsos__term_fold(t);
        bool same = a && b && strcmp(a, b) == 0;
        epsos__free(a);
        epsos__free(b);
        if (same)
            return;
    }
    if (!*tl && disp)
        return;  /* only the source display: keep the document's */
    char *nc = epsos__strdup(code), *ns = epsos__strdup(sys), *nd = disp ? epsos__strdup(disp) : NULL;
    if (!nc || !ns || (disp && !nd)) {
        v->rc = epsos__err(v->r->ctx, EPSOS_ENOMEM, "out of memory");
    } else {
        int rc = epsos_item_set_attr(item, field, idx, "displayName", t);
        if (rc == EPSOS_OK && nd && !has_translation(item, field, idx, nc, ns))
            rc = epsos_item_add_translation(item, field, idx, nc, ns, nd);
        if (rc == EPSOS_OK)
            v->r->stat[EPSOS_TERM_STAT_TRANSLATED]++;
        else
            v->rc = rc;
    }
    epsos__free(nc); epsos__free(ns); epsos__free(nd);
}

/* A coded simple value or a coded attribute: membership only. */
static void visit_cs(visit *v, epsos_item *item, const epsos__row *row, size_t idx)
{
    const char *vs = row->src->binding, *code = NULL;
    char msg[700];
    if (epsos_item_get_text(item, row->src->field, idx, &code) != EPSOS_OK || !code)
        return;
    v->r->stat[EPSOS_TERM_STAT_VISITED]++;
    int in = epsos_catalogue_contains(v->cat, vs, NULL, code);
    if (in == EPSOS_ENOTFOUND) {
        snprintf(msg, sizeof msg, "value set %s is not in the catalogue", vs);
        add_finding(v, EPSOS_TERM_UNKNOWN_VALUE_SET, code, vs, false, msg);
    } else if (in != 1) {
        snprintf(msg, sizeof msg, "%s is not in value set %s", code, vs);
        add_finding(v, EPSOS_TERM_NOT_IN_VALUE_SET, code, vs, required(row), msg);
    }
}

#define QUANTITY_UNITS "1.3.6.1.4.1.12559.11.10.1.3.1.42.56"   /* eHDSIQuantityUnit */

/* A valid unit of the bound value set: a member (any code system: a PQ
 * unit has none), or a UCUM annotation {X} whose X is the display of an
 * eHDSIQuantityUnit (EDQM unit of presentation, 42.56) member, compared
 * as displays are (NFC, case folding): "{Tablet}", "{ampoule}".  Codes
 * are never folded: "ML" is not "mL".  1 valid, 0 not, EPSOS_ENOTFOUND
 * when the catalogue lacks the bound value set. */
static int unit_ok(const epsos_catalogue *cat, const char *vs, const char *unit)
{
    /* UCUM first (a hash probe), then any system (a scan of the members) */
    int in = epsos_catalogue_contains(cat, vs, "2.16.840.1.113883.6.8", unit);
    if (in == 0)
        in = epsos_catalogue_contains(cat, vs, NULL, unit);
    if (in != 0)
        return in;
    size_t n = strlen(unit);
    if (n > 2 && n < 200 && unit[0] == '{' && unit[n - 1] == '}' &&
        !memchr(unit + 1, '{', n - 2) && !memchr(unit + 1, '}', n - 2)) {
        char x[200];
        memcpy(x, unit + 1, n - 2);
        x[n - 2] = '\0';
        if (epsos_catalogue_search(NULL, NULL, cat, QUANTITY_UNITS, x) == EPSOS_OK)
            return 1;
    }
    return 0;
}

/* A quantity bound to a unit value set (doses, strengths): its @unit is
 * checked, which OpenNCP never does.  Transcoding also replaces a national
 * unit (a mapping of any national system whose source code is the unit,
 * into the unit value set or to UCUM: the Danish LMS15 units) by its UCUM
 * unit; the national unit is kept as a PQR <translation> (value, code,
 * codeSystem) when its system is an OID. */
static void visit_pq(visit *v, epsos_item *item, const epsos__row *row, size_t idx)
{
    const char *vs = row->src->binding, *val = NULL, *unit = NULL;
    char msg[700];
    if (epsos_item_get_quantity(item, row->src->field, idx, &val, &unit) != EPSOS_OK || !unit)
        return;
    v->r->stat[EPSOS_TERM_STAT_VISITED]++;
    int in = unit_ok(v->cat, vs, unit);
    if (in == EPSOS_ENOTFOUND) {
        snprintf(msg, sizeof msg, "value set %s is not in the catalogue", vs);
        add_finding(v, EPSOS_TERM_UNKNOWN_VALUE_SET, unit, vs, false, msg);
        return;
    }
    if (in == 1)
        return;
    if (v->lang) {
        snprintf(msg, sizeof msg, "@unit \"%s\" is not in value set %s", unit, vs);
        add_finding(v, EPSOS_TERM_BAD_UNIT, unit, vs, required(row), msg);
        return;
    }
    const char *to = NULL, *nsys = NULL;
    int n = epsos__term_unit_map(v->cat, unit, vs, &to, &nsys);
    if (n != 1) {
        snprintf(msg, sizeof msg, n ? "@unit \"%s\" is not in value set %s and maps to several "
                                      "units (ambiguous national unit)"
                                    : "@unit \"%s\" is not in value set %s and has no mapping",
                 unit, vs);
        add_finding(v, EPSOS_TERM_BAD_UNIT, unit, vs, required(row), msg);
        return;
    }
    if (unit_ok(v->cat, vs, to) != 1) {
        snprintf(msg, sizeof msg, "@unit \"%s\" maps to \"%s\", which is not in value set %s",
                 unit, to, vs);
        add_finding(v, EPSOS_TERM_BAD_UNIT, unit, vs, required(row), msg);
        return;
    }
    char *nat = epsos__strdup(unit), *nv = val ? epsos__strdup(val) : NULL;
    if (!nat || (val && !nv)) {
        epsos__free(nat);
        epsos__free(nv);
        v->rc = epsos__err(v->r->ctx, EPSOS_ENOMEM, "out of memory");
        return;
    }
    int rc = epsos_item_set_attr(item, row->src->field, idx, "unit", to);
    xmlNode *el = rc == EPSOS_OK && item->node ? (xmlNode *)occ_node(row, item->node, idx) : NULL;
    if (el && is_oid_text(nsys)) {
        /* <translation value=".." code="national" codeSystem="OID"/> (PQR) */
        xmlNode *t = epsos__new_element(el->doc, el->ns, "translation");
        if (!t || !xmlAddChild(el, t)) {
            xmlFreeNode(t);
            rc = epsos__err(v->r->ctx, EPSOS_ENOMEM, "out of memory");
        } else if ((nv && !xmlSetProp(t, (const xmlChar *)"value", (const xmlChar *)nv)) ||
                   !xmlSetProp(t, (const xmlChar *)"code", (const xmlChar *)nat) ||
                   !xmlSetProp(t, (const xmlChar *)"codeSystem", (const xmlChar *)nsys)) {
            rc = epsos__err(v->r->ctx, EPSOS_ENOMEM, "out of memory");
        }
        epsos__doc_touch(item->doc);
    }
    if (rc == EPSOS_OK)
        v->r->stat[EPSOS_TERM_STAT_TRANSCODED]++;
    else
        v->rc = rc;
    epsos__free(nat);
    epsos__free(nv);
}

static void visit_item(visit *v, epsos_item *item, unsigned depth)
{
    if (depth > 64 || v->rc)
        return;
    int32_t kind = epsos_item_kind(item);
    size_t nf = epsos_kind_field_count(kind);
    for (size_t f = 0; f < nf && !v->rc; f++) {
        int32_t field = epsos_kind_field_at(kind, f);
        const epsos__row *row = epsos__row_of(kind, field);
        if (!row || (row->src->type != EPSOS_T_ITEM && !row->src->binding))
            continue;   /* counting occurrences walks the tree: only what we visit */
        size_t n = 0;
        if (epsos_item_count(item, field, &n) != EPSOS_OK)
            continue;
        for (size_t i = 0; i < n && !v->rc; i++) {
            if (row->src->type == EPSOS_T_ITEM) {
                epsos_item *child = NULL;
                if (epsos_item_child(&child, item, field, i) == EPSOS_OK)
                    visit_item(v, child, depth + 1);
                continue;
            }
            if (!row->src->binding)
                continue;
            switch (row->src->type) {
            case EPSOS_T_CD: visit_cd(v, item, row, i); break;
            case EPSOS_T_CS:
            case EPSOS_T_TEXT: visit_cs(v, item, row, i); break;
            case EPSOS_T_PQ: visit_pq(v, item, row, i); break;
            default: break;   /* TEL: the URL scheme is the validator's */
            }
        }
    }
}

static int run(epsos_doc *doc, const epsos_catalogue *cat, const char *lang, uint32_t flags,
               epsos_term_report *report)
{
    if (!doc || !cat || !report || (flags & ~EPSOS_TERM_STRICT))
        return EPSOS_EINVAL;
    epsos__ctx_reset(report->ctx);
    report_clear(report);
    epsos_item *hdr = NULL;
    int rc = epsos_doc_header(&hdr, doc);
    if (rc)
        return rc;
    visit v = { cat, report, lang, EPSOS_OK };
    visit_item(&v, hdr, 0);
    if (v.rc)
        return v.rc;
    if ((flags & EPSOS_TERM_STRICT) && report->required_miss)
        return epsos__err(report->ctx, EPSOS_EVALUE,
                          "%s: a required coded element has a terminology finding "
                          "(first: %s at %s)", lang ? "translation" : "transcoding",
                          report->n ? report->f[0].msg : "", report->n ? report->f[0].xpath : "");
    return EPSOS_OK;
}

EPSOS_API int epsos_transcode(epsos_doc *doc, const epsos_catalogue *cat, uint32_t flags,
                              epsos_term_report *report)
{
    return run(doc, cat, NULL, flags, report);
}

EPSOS_API int epsos_translate(epsos_doc *doc, const epsos_catalogue *cat, const char *lang,
                              uint32_t flags, epsos_term_report *report)
{
    char canon[96];
    if (!lang)
        return EPSOS_EINVAL;
    if (!epsos__term_lang(lang, canon, sizeof canon)) {
        if (report)
            return epsos__err(report->ctx, EPSOS_EVALUE,
                              "language \"%s\": expected a BCP 47 tag such as de-AT", lang);
        return EPSOS_EVALUE;
    }
    return run(doc, cat, canon, flags, report);
}
