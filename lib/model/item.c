/*
 * libepsos: items and the generic field accessors.
 *
 * Every accessor resolves (item kind, field) to a compiled row of the
 * template table and walks the row's steps below the item's element; there
 * is no per-field code.
 */
#include "config.h"
#include <string.h>
#include <libxml/parser.h>
#include "model.h"
#include "dt.h"

/* ---- items ------------------------------------------------------------- */

epsos_item *epsos__item_for(epsos_doc *doc, xmlNode *node, int32_t kind)
{
    kind = epsos__refine(kind, node);
    epsos_item *it = node->_private;
    if (it && it->doc == doc && it->kind == kind && it->node == node)
        return it;
    it = epsos__calloc(1, sizeof *it);
    if (!it)
        return NULL;
    it->kind = kind;
    it->node = node;
    it->doc = doc;
    it->next = doc->items;
    doc->items = it;
    if (!node->_private)
        node->_private = it;
    return it;
}

void epsos__items_detach(xmlNode *top)
{
    for (xmlNode *n = top; n;) {
        if (n->type == XML_ELEMENT_NODE && n->_private) {
            epsos_item *it = n->_private;
            /* several items may share a node: all live in the doc's list */
            for (epsos_item *o = it->doc->items; o; o = o->next)
                if (o->node == n)
                    o->node = NULL;
            n->_private = NULL;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n && n != top && !n->next)
            n = n->parent;
        if (!n || n == top)
            break;
        n = n->next;
    }
}

/* ---- located changes and the validity of read caches --------------------- */

/* A templateId or code element: what the [tid] and [code] predicates read. */
static bool pred_child(const xmlNode *n)
{
    return n && n->type == XML_ELEMENT_NODE &&
           (epsos__is_el(n, EPSOS_NS_HL7, "templateId") || epsos__is_el(n, EPSOS_NS_HL7, "code"));
}

/* A change at element z seen from the item bound d elements above it can
 * alter the occurrences of its rows of level0 + d steps or more. */
static void touch_up(epsos_doc *doc, xmlNode *z, int level0)
{
    uint64_t now = ++doc->mutations;
    int level = level0;
    for (xmlNode *n = z; n && n->type == XML_ELEMENT_NODE && level <= EPSOS__MAX_STEPS;
         n = n->parent, level++) {
        epsos_item *it = n->_private;
        if (it && it->doc == doc && it->node == n)
            for (int k = level < 0 ? 0 : level; k <= EPSOS__MAX_STEPS; k++)
                it->changed[k] = now;
    }
}

void epsos__doc_touch_attr(epsos_doc *doc, xmlNode *el)
{
    /* attributes of a templateId/code: the predicates of its parent */
    touch_up(doc, el, pred_child(el) ? -1 : 0);
}

void epsos__doc_touch_child(epsos_doc *doc, xmlNode *parent, const xmlNode *child)
{
    /* a templateId/code child: the predicates of the parent */
    touch_up(doc, parent, !child || pred_child(child) ? 0 : 1);
}

static unsigned row_steps(const epsos__row *row)
{
    unsigned k = row->p[0].nsteps;
    if (row->npaths == 2 && row->p[1].nsteps > k)
        k = row->p[1].nsteps;
    return k;
}

/* Is what was cached about row below item at mutation `at` still true? */
static bool cache_valid(const epsos_item *item, const epsos__row *row, uint64_t at)
{
    const epsos_doc *doc = item->doc;
    if (at == doc->mutations)
        return true;
    return at >= doc->touched && item->node && item->node->_private == item &&
           item->changed[row_steps(row)] <= at;
}

static void set_count(const epsos_item *item, const epsos__row *row, size_t n)
{
    epsos_item *mut = (epsos_item *)item;      /* the cache is not a visible change */
    mut->count_row = row;
    mut->count_n = n;
    mut->count_at = item->doc->mutations;
}

static bool cached_count(const epsos_item *item, const epsos__row *row, size_t *n)
{
    if (item->count_row != row || !cache_valid(item, row, item->count_at))
        return false;
    *n = item->count_n;
    return true;
}

EPSOS_API int32_t epsos_item_kind(const epsos_item *item) { return item ? item->kind : 0; }

EPSOS_API const char *epsos_item_path(const epsos_item *item)
{
    if (!item || !item->node)
        return "";
    char buf[EPSOS_ERRLOC_MAX];
    epsos__node_path(item->node, buf, sizeof buf);
    char *p = epsos__strdup(buf);
    if (!p)
        return item->path ? item->path : "";
    epsos__free(item->path);
    ((epsos_item *)item)->path = p;
    return p;
}

EPSOS_API int32_t epsos_item_line(const epsos_item *item)
{
    long l = item && item->node ? xmlGetLineNo(item->node) : 0;
    return l > 0 && l < INT32_MAX ? (int32_t)l : 0;
}

/* ---- resolving fields --------------------------------------------------- */

/* Checks the item and field; returns the row or NULL with the ctx error set. */
static const epsos__row *row_for(const epsos_item *item, int32_t field, int want_type,
                                 int *rc)
{
    if (!item) {
        *rc = EPSOS_EINVAL;
        return NULL;
    }
    epsos_ctx *ctx = item->doc->ctx;
    epsos__ctx_reset(ctx);
    if (!item->node) {
        *rc = epsos__err(ctx, EPSOS_ENOTFOUND, "this %s item was removed from its document",
                         epsos_kind_name(item->kind));
        return NULL;
    }
    const epsos__row *row;
    if (item->row_memo && item->row_kind == item->kind && item->row_field == field) {
        row = item->row_memo;
    } else {
        row = epsos__row_of(item->kind, field);
        if (row) {                       /* the same field again is the usual case */
            epsos_item *mut = (epsos_item *)item;
            mut->row_memo = row;
            mut->row_kind = item->kind;
            mut->row_field = field;
        }
    }
    if (!row) {
        const char *fn = epsos_field_name(field);
        *rc = epsos__err_node(ctx, EPSOS_ETYPE, item->node, "a %s item has no field %s%s%d%s",
                              epsos_kind_name(item->kind), fn ? fn : "", fn ? " (" : "",
                              (int)field, fn ? ")" : "");
        return NULL;
    }
    if (want_type && row->src->type != want_type) {
        static const char *const tn[] = { "?", "text", "coded simple value (CS)",
            "concept (CD)", "identifier (II)", "time stamp (TS)", "quantity (PQ)",
            "telecom (TEL)", "item" };
        *rc = epsos__err_node(ctx, EPSOS_ETYPE, item->node,
                              "field %s of a %s item is a %s, not a %s",
                              epsos_field_name(field), epsos_kind_name(item->kind),
                              tn[row->src->type], tn[want_type]);
        return NULL;
    }
    return row;
}

typedef struct {
    size_t   want;       /* index wanted */
    size_t   seen;       /* occurrences met so far */
    xmlNode *found;
    xmlNode *first;      /* occurrence 0 */
} walk;

/* epsos__is_el(c, st->ns, st->local) with the usual answer (another name)
 * found without a call. */
static inline bool step_el(const xmlNode *c, const epsos__step *st)
{
    if (c->type != XML_ELEMENT_NODE || c->name[0] != (xmlChar)st->local[0] ||
        strcmp((const char *)c->name, st->local) != 0)
        return false;
    if (!st->ns)
        return c->ns == NULL;
    return c->ns && c->ns->href && strcmp((const char *)c->ns->href, st->ns) == 0;
}

/* epsos__step_preds_ok without a call for the usual step without any. */
static inline bool step_ok(const epsos__step *st, const xmlNode *c)
{
    return st->npred == 0 || epsos__step_preds_ok(st, c);
}

/* Visits the matches of path->steps[i..] below n in document order. */
static bool visit(const epsos__path *path, xmlNode *n, unsigned i, walk *w)
{
    const epsos__step *st = &path->steps[i];
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!step_el(c, st) || !step_ok(st, c))
            continue;
        if (i + 1 < path->nsteps) {
            if (visit(path, c, i + 1, w))
                return true;
            continue;
        }
        if (path->attr[0] && !xmlHasNsProp(c, (const xmlChar *)path->attr, NULL))
            continue;
        if (w->seen == 0)
            w->first = c;
        if (w->seen++ == w->want) {
            w->found = c;
            return true;
        }
    }
    return false;
}

/* Number of occurrences of one path. */
static void visit_count(const epsos__path *path, xmlNode *node, size_t *count)
{
    walk w = { SIZE_MAX, 0, NULL, NULL };
    if (path->nsteps == 0)
        w.seen = xmlHasNsProp(node, (const xmlChar *)path->attr, NULL) != NULL;
    else
        visit(path, node, 0, &w);
    *count = w.seen;
}

/* The element holding occurrence `index` (for attribute rows: the element
 * carrying the attribute), or NULL; *count gets the number of occurrences
 * when index == SIZE_MAX.  Occurrences of the primary path come first, then
 * those of the alternate (legacy) path. */
static xmlNode *occurrence_in(const epsos__row *row, xmlNode *node, size_t index, size_t *count,
                              unsigned *which, xmlNode **first, unsigned *first_which)
{
    walk w = { index, 0, NULL, NULL };
    unsigned first_path = 0;
    for (unsigned p = 0; p < row->npaths && !w.found; p++) {
        if (which)
            *which = p;
        if (!w.first)
            first_path = p;
        const epsos__path *path = &row->p[p];
        if (path->nsteps == 0) {                      /* "@attr" of the item itself */
            bool has = xmlHasNsProp(node, (const xmlChar *)path->attr, NULL) != NULL;
            if (has && w.seen++ == w.want)
                w.found = node;
        } else {
            visit(path, node, 0, &w);
        }
    }
    if (count)
        *count = w.seen;
    if (first)
        *first = w.first;
    if (first_which)
        *first_which = first_path;
    return w.found;
}

static xmlNode *occurrence(const epsos__row *row, xmlNode *node, size_t index, size_t *count)
{
    return occurrence_in(row, node, index, count, NULL, NULL, NULL);
}

/* The match of path below root that follows prev in document order (the
 * walk of visit() resumed after prev), or NULL. */
static xmlNode *next_match(const epsos__path *path, xmlNode *root, xmlNode *prev)
{
    if (path->nsteps == 0)
        return NULL;
    xmlNode *chain[EPSOS__MAX_STEPS];
    xmlNode *n = prev;
    for (int i = (int)path->nsteps - 1; i >= 0; i--) {
        if (!n)
            return NULL;
        chain[i] = n;
        n = n->parent;
    }
    if (n != root)
        return NULL;
    int level = (int)path->nsteps - 1;
    xmlNode *c = chain[level]->next;
    for (;;) {
        const epsos__step *st = &path->steps[level];
        bool descended = false;
        for (; c; c = c->next) {
            if (!step_el(c, st) || !step_ok(st, c))
                continue;
            if (level + 1 < (int)path->nsteps) {
                chain[level] = c;
                level++;
                c = c->children;
                descended = true;
                break;
            }
            if (path->attr[0] && !xmlHasNsProp(c, (const xmlChar *)path->attr, NULL))
                continue;
            return c;
        }
        if (descended)
            continue;
        if (--level < 0)
            return NULL;
        c = chain[level]->next;
    }
}

static xmlNode *get_occ(const epsos_item *item, const epsos__row *row, size_t index, int *rc)
{
    size_t count = 0;
    epsos_item *mut = (epsos_item *)item;      /* the cache is not a visible change */
    xmlNode *n = NULL;
    unsigned which = 0;
    if (index > 0 && item->cache_row == row && item->cache_index == index - 1 &&
        cache_valid(item, row, item->cache_mutations)) {
        which = item->cache_path;
        n = next_match(&row->p[which], item->node, item->cache_node);
        if (!n && which == 0 && row->npaths == 2) {
            which = 1;
            n = occurrence_in(row, item->node, index, NULL, &which, NULL, NULL);
        }
    } else if (item->cache_row == row && item->cache_index == index &&
               cache_valid(item, row, item->cache_mutations)) {
        return item->cache_node;
    } else {
        n = occurrence_in(row, item->node, index, NULL, &which, NULL, NULL);
    }
    if (n) {
        mut->cache_row = row;
        mut->cache_index = index;
        mut->cache_node = n;
        mut->cache_path = which;
        mut->cache_mutations = item->doc->mutations;
        return n;
    }
    if (!cached_count(item, row, &count)) {
        occurrence(row, item->node, SIZE_MAX, &count);
        set_count(item, row, count);
    }
    *rc = epsos__err_node(item->doc->ctx, EPSOS_ENOTFOUND, item->node,
                          "field %s of this %s has %zu occurrence%s, no index %zu",
                          epsos_field_name(row->src->field), epsos_kind_name(item->kind),
                          count, count == 1 ? "" : "s", index);
    return NULL;
}

EPSOS_API int epsos_item_count(const epsos_item *item, int32_t field, size_t *out)
{
    int rc = EPSOS_OK;
    if (out)
        *out = 0;
    const epsos__row *row = row_for(item, field, 0, &rc);
    if (!row)
        return rc;
    if (!out)
        return epsos__err(item->doc->ctx, EPSOS_EINVAL, "epsos_item_count: out must not be NULL");
    if (cached_count(item, row, out))
        return EPSOS_OK;
    xmlNode *first = NULL;
    unsigned first_which = 0;
    occurrence_in(row, item->node, SIZE_MAX, out, NULL, &first, &first_which);
    set_count(item, row, *out);
    if (first) {                 /* reading occurrence 0 next is the usual case */
        epsos_item *mut = (epsos_item *)item;
        mut->cache_row = row;
        mut->cache_index = 0;
        mut->cache_node = first;
        mut->cache_path = first_which;
        mut->cache_mutations = item->doc->mutations;
    }
    return EPSOS_OK;
}

/* ---- reading ------------------------------------------------------------ */

static const char *attr_of(const epsos_item *item, xmlNode *n, const char *name)
{
    xmlAttr *a = xmlHasNsProp(n, (const xmlChar *)name, NULL);
    if (!a)
        return NULL;
    if (!a->children)
        return "";
    if (a->children->type == XML_TEXT_NODE && !a->children->next)
        return (const char *)a->children->content;
    xmlChar *v = xmlNodeGetContent((xmlNode *)a);
    const char *kept = epsos__doc_keep(item->doc, (char *)v);
    xmlFree(v);
    return kept;
}

static const char *text_of(const epsos_item *item, xmlNode *n)
{
    if (!n->children)
        return "";
    if (n->children->type == XML_TEXT_NODE && !n->children->next)
        return (const char *)n->children->content;
    xmlChar *v = xmlNodeGetContent(n);
    const char *kept = epsos__doc_keep(item->doc, v ? (char *)v : (char *)"");
    xmlFree(v);
    return kept;
}

#define SET(p, v) do { if (p) *(p) = (v); } while (0)

static xmlNode *read_occ(const epsos_item *item, int32_t field, size_t index, int type,
                         const epsos__row **rowp, int *rc)
{
    *rc = EPSOS_OK;
    const epsos__row *row = row_for(item, field, type, rc);
    if (!row)
        return NULL;
    if (rowp)
        *rowp = row;
    return get_occ(item, row, index, rc);
}

EPSOS_API int epsos_item_get_text(const epsos_item *item, int32_t field, size_t index,
                                  const char **text)
{
    SET(text, NULL);
    int rc = EPSOS_OK;
    const epsos__row *row = NULL;
    if (!item)
        return EPSOS_EINVAL;
    epsos__ctx_reset(item->doc->ctx);
    row = epsos__row_of(item->kind, field);
    int type = row && row->src->type == EPSOS_T_CS ? EPSOS_T_CS : EPSOS_T_TEXT;
    xmlNode *n = read_occ(item, field, index, type, &row, &rc);
    if (!n)
        return rc;
    SET(text, row->p[0].attr[0] ? attr_of(item, n, row->p[0].attr)
              : type == EPSOS_T_CS ? attr_of(item, n, "code") : text_of(item, n));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_code(const epsos_item *item, int32_t field, size_t index,
                                  const char **code, const char **code_system,
                                  const char **display_name)
{
    SET(code, NULL); SET(code_system, NULL); SET(display_name, NULL);
    int rc;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_CD, NULL, &rc);
    if (!n)
        return rc;
    SET(code, attr_of(item, n, "code"));
    SET(code_system, attr_of(item, n, "codeSystem"));
    SET(display_name, attr_of(item, n, "displayName"));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_id(const epsos_item *item, int32_t field, size_t index,
                                const char **root, const char **extension)
{
    SET(root, NULL); SET(extension, NULL);
    int rc;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_II, NULL, &rc);
    if (!n)
        return rc;
    SET(root, attr_of(item, n, "root"));
    SET(extension, attr_of(item, n, "extension"));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_time(const epsos_item *item, int32_t field, size_t index,
                                  const char **value)
{
    SET(value, NULL);
    int rc;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_TS, NULL, &rc);
    if (!n)
        return rc;
    SET(value, attr_of(item, n, "value"));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_quantity(const epsos_item *item, int32_t field, size_t index,
                                      const char **value, const char **unit)
{
    SET(value, NULL); SET(unit, NULL);
    int rc;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_PQ, NULL, &rc);
    if (!n)
        return rc;
    SET(value, attr_of(item, n, "value"));
    SET(unit, attr_of(item, n, "unit"));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_telecom(const epsos_item *item, int32_t field, size_t index,
                                     const char **value, const char **use)
{
    SET(value, NULL); SET(use, NULL);
    int rc;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_TEL, NULL, &rc);
    if (!n)
        return rc;
    SET(value, attr_of(item, n, "value"));
    SET(use, attr_of(item, n, "use"));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_null_flavor(const epsos_item *item, int32_t field, size_t index,
                                         const char **null_flavor)
{
    SET(null_flavor, NULL);
    int rc;
    const epsos__row *row = NULL;
    xmlNode *n = read_occ(item, field, index, 0, &row, &rc);
    if (!n)
        return rc;
    SET(null_flavor, row->p[0].attr[0] && row->p[0].nsteps == 0 ? NULL : attr_of(item, n, "nullFlavor"));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_attr(const epsos_item *item, int32_t field, size_t index,
                                  const char *name, const char **value)
{
    SET(value, NULL);
    int rc;
    xmlNode *n = read_occ(item, field, index, 0, NULL, &rc);
    if (!n)
        return rc;
    if (!name)
        return epsos__err(item->doc->ctx, EPSOS_EINVAL, "epsos_item_get_attr: name must not be NULL");
    SET(value, attr_of(item, n, name));
    return EPSOS_OK;
}

static xmlNode *nth_translation(xmlNode *n, size_t t, size_t *count)
{
    size_t seen = 0;
    for (xmlNode *c = n->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "translation") && seen++ == t && !count)
            return c;
    if (count)
        *count = seen;
    return NULL;
}

EPSOS_API int epsos_item_translation_count(const epsos_item *item, int32_t field, size_t index,
                                           size_t *out)
{
    SET(out, 0);
    int rc;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_CD, NULL, &rc);
    if (!n)
        return rc;
    size_t c = 0;
    nth_translation(n, 0, &c);
    SET(out, c);
    return EPSOS_OK;
}

EPSOS_API int epsos_item_get_translation(const epsos_item *item, int32_t field, size_t index,
                                         size_t tindex, const char **code,
                                         const char **code_system, const char **display_name)
{
    SET(code, NULL); SET(code_system, NULL); SET(display_name, NULL);
    int rc;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_CD, NULL, &rc);
    if (!n)
        return rc;
    xmlNode *t = nth_translation(n, tindex, NULL);
    if (!t)
        return epsos__err_node(item->doc->ctx, EPSOS_ENOTFOUND, n, "no translation %zu here",
                               tindex);
    SET(code, attr_of(item, t, "code"));
    SET(code_system, attr_of(item, t, "codeSystem"));
    SET(display_name, attr_of(item, t, "displayName"));
    return EPSOS_OK;
}

EPSOS_API int epsos_item_child(epsos_item **out, epsos_item *item, int32_t field, size_t index)
{
    SET(out, NULL);
    int rc;
    const epsos__row *row = NULL;
    xmlNode *n = read_occ(item, field, index, EPSOS_T_ITEM, &row, &rc);
    if (!n)
        return rc;
    if (!out)
        return epsos__err(item->doc->ctx, EPSOS_EINVAL, "epsos_item_child: out must not be NULL");
    epsos_item *c = epsos__item_for(item->doc, n, row->src->child_kind);
    if (!c)
        return epsos__err(item->doc->ctx, EPSOS_ENOMEM, "out of memory");
    *out = c;
    return EPSOS_OK;
}

/* ---- writing ------------------------------------------------------------ */

static xmlNode *new_element(epsos_doc *doc, xmlNode *parent, const epsos__step *st)
{
    xmlNs *ns = xmlSearchNsByHref(doc->xml, parent, (const xmlChar *)st->ns);
    if (!ns && strcmp(st->ns, EPSOS_NS_PHARM) == 0)
        ns = xmlNewNs(xmlDocGetRootElement(doc->xml), (const xmlChar *)EPSOS_NS_PHARM,
                      (const xmlChar *)"pharm");
    if (!ns || !ns->href)
        return NULL;
    xmlNode *el = epsos__new_element(doc->xml, ns, st->local);
    if (!el)
        return NULL;
    epsos__insert_ordered(parent, el);
    /* covers what the inits add inside el too: deeper than el itself */
    epsos__doc_touch_child(doc, parent, el);
    if (!epsos__apply_inits(doc->xml, el, st)) {
        xmlUnlinkNode(el);
        xmlFreeNode(el);
        return NULL;
    }
    return el;
}

static xmlNode *first_child(xmlNode *n, const epsos__step *st)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (step_el(c, st) && step_ok(st, c))
            return c;
    return NULL;
}

/* Creates a new occurrence of row below node and returns its element;
 * *top gets the first element created (the others are inside it) and
 * *top_depth its depth below node (1: a child), or NULL when none was. */
static xmlNode *create_occ(epsos_doc *doc, const epsos__row *row, xmlNode *node,
                           xmlNode **top, unsigned *top_depth)
{
    *top = NULL;
    *top_depth = 0;
    if (row->p[0].nsteps == 0)
        return node;
    if (row->p[0].attr[0]) {              /* reuse a matching element without the attribute */
        xmlNode *cur = node;
        for (unsigned i = 0; i < row->p[0].nsteps && cur; i++)
            cur = first_child(cur, &row->p[0].steps[i]);
        if (cur && !xmlHasNsProp(cur, (const xmlChar *)row->p[0].attr, NULL))
            return cur;
    }
    xmlNode *cur = node;
    for (unsigned i = 0; i < row->p[0].nsteps; i++) {
        xmlNode *next = i < row->p[0].repeat ? first_child(cur, &row->p[0].steps[i]) : NULL;
        if (!next) {
            next = new_element(doc, cur, &row->p[0].steps[i]);
            if (next && !*top) {
                *top = next;
                *top_depth = i + 1;
            }
        }
        if (!next)
            return NULL;
        cur = next;
    }
    return cur;
}

/* The occurrences of one path below item node `node` that lie in the
 * subtree of `top`, an element at depth `depth` below node. */
static size_t count_within(const epsos__path *path, xmlNode *node, xmlNode *top, unsigned depth)
{
    if (path->nsteps < depth)
        return 0;
    xmlNode *n = top;
    for (int i = (int)depth - 1; i >= 0; i--, n = n->parent) {
        if (!n || !epsos__is_el(n, path->steps[i].ns, path->steps[i].local) ||
            !epsos__step_preds_ok(&path->steps[i], n))
            return 0;
    }
    if (n != node)
        return 0;
    if (depth == path->nsteps)
        return !path->attr[0] || xmlHasNsProp(top, (const xmlChar *)path->attr, NULL);
    walk w = { SIZE_MAX, 0, NULL, NULL };
    visit(path, top, depth, &w);
    return w.seen;
}

/* Finds occurrence `index` for writing, creating it when index == count. */
static xmlNode *write_occ(epsos_item *item, int32_t field, size_t index, int type,
                          const epsos__row **rowp, int *rc)
{
    *rc = EPSOS_OK;
    const epsos__row *row = row_for(item, field, type, rc);
    if (!row)
        return NULL;
    if (rowp)
        *rowp = row;
    size_t count = 0;
    xmlNode *n;
    if (cached_count(item, row, &count)) {
        if (index < count)
            return get_occ(item, row, index, rc);
    } else {                        /* one walk: the occurrence, or how many there are */
        n = occurrence(row, item->node, index, &count);
        if (n)
            return n;
        set_count(item, row, count);
    }
    if (index != count) {
        *rc = epsos__err_node(item->doc->ctx, EPSOS_ENOTFOUND, item->node,
                              "field %s of this %s has %zu occurrence%s: index %zu is neither "
                              "one of them nor the next",
                              epsos_field_name(field), epsos_kind_name(item->kind), count,
                              count == 1 ? "" : "s", index);
        return NULL;
    }
    if (row->src->max != UINT32_MAX && count >= row->src->max) {
        *rc = epsos__err_node(item->doc->ctx, EPSOS_EINVAL, item->node,
                              "field %s of a %s occurs at most %u time%s",
                              epsos_field_name(field), epsos_kind_name(item->kind),
                              row->src->max, row->src->max == 1 ? "" : "s");
        return NULL;
    }
    xmlNode *top;
    unsigned depth;
    n = create_occ(item->doc, row, item->node, &top, &depth);
    if (!n) {
        *rc = epsos__err(item->doc->ctx, EPSOS_ENOMEM, "out of memory");
        return NULL;
    }
    /* The only change outside the new subtree is one more child of its
     * parent: the occurrences that were there still are (unless that
     * parent is a step whose [tid]/[code] predicates see the new child),
     * and the new ones are inside the subtree. */
    if (top && !row->p[0].attr[0] && !(depth > 1 && pred_child(top))) {
        size_t added = 0;
        for (unsigned p = 0; p < row->npaths; p++)
            added += count_within(&row->p[p], item->node, top, depth);
        set_count(item, row, count + added);
    }
    return n;
}

static int bad(epsos_item *item, int code, const char *field_what, const char *value,
               const char *why)
{
    return epsos__err_node(item->doc->ctx, code, item->node, "%s \"%s\": %s", field_what,
                           value ? value : "(null)", why);
}

/* Checks every non-NULL string argument. */
static int check_texts(epsos_item *item, int32_t field, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] && !epsos__xml_text_valid(v[i]))
            return epsos__err_node(item->doc->ctx, EPSOS_EVALUE, item->node,
                                   "value for field %s is not valid UTF-8 XML text",
                                   epsos_field_name(field));
    return EPSOS_OK;
}

/* Sets or removes an attribute of n, which the caller reported changed
 * (epsos__doc_touch_attr, or as part of a new subtree) in the same call. */
static int put_attr(epsos_item *item, xmlNode *n, const char *name, const char *value)
{
    if (!value) {
        xmlAttr *a = xmlHasNsProp(n, (const xmlChar *)name, NULL);
        if (a)
            xmlRemoveProp(a);
        return EPSOS_OK;
    }
    if (!epsos__set_prop(n, name, value))
        return epsos__err(item->doc->ctx, EPSOS_ENOMEM, "out of memory");
    return EPSOS_OK;
}

static int set_attr(epsos_item *item, xmlNode *n, const char *name, const char *value)
{
    epsos__doc_touch_attr(item->doc, n);
    return put_attr(item, n, name, value);
}

/* Drops the previous value of a coded/valued element (keeps children such
 * as translations unless drop_children). */
static void clear_value(epsos_doc *doc, xmlNode *n, bool drop_children)
{
    epsos__doc_touch_attr(doc, n);
    if (drop_children && n->children)
        epsos__doc_touch_child(doc, n, NULL);
    static const char *const names[] = { "nullFlavor", "code", "codeSystem", "codeSystemName",
        "codeSystemVersion", "displayName", "value", "unit", "root", "extension", "use", NULL };
    for (int i = 0; names[i]; i++) {
        xmlAttr *a = xmlHasNsProp(n, (const xmlChar *)names[i], NULL);
        if (a)
            xmlRemoveProp(a);
    }
    if (drop_children) {
        for (xmlNode *c = n->children, *next; c; c = next) {
            next = c->next;
            epsos__items_detach(c);
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
}

EPSOS_API int epsos_item_set_text(epsos_item *item, int32_t field, size_t index, const char *text)
{
    int rc = EPSOS_OK;
    const epsos__row *row = row_for(item, field, 0, &rc);
    if (!row)
        return rc;
    int type = row->src->type;
    if (type != EPSOS_T_TEXT && type != EPSOS_T_CS)
        return row_for(item, field, EPSOS_T_TEXT, &rc), rc;
    if (!text)
        return epsos__err_node(item->doc->ctx, EPSOS_EINVAL, item->node,
                               "field %s: text must not be NULL (use epsos_item_remove)",
                               epsos_field_name(field));
    if ((rc = check_texts(item, field, &text, 1)) != EPSOS_OK)
        return rc;
    if (type == EPSOS_T_CS && !epsos__code_valid(text))
        return bad(item, EPSOS_EVALUE, epsos_field_name(field), text,
                   "a code must be non-empty and contain no white space");
    xmlNode *n = write_occ(item, field, index, type, &row, &rc);
    if (!n)
        return rc;
    if (row->p[0].attr[0])
        return set_attr(item, n, row->p[0].attr, text);
    if (type == EPSOS_T_CS) {
        clear_value(item->doc, n, false);
        return put_attr(item, n, "code", text);
    }
    clear_value(item->doc, n, true);
    xmlNode *t = epsos__new_text(item->doc->xml, text);
    epsos__doc_touch_child(item->doc, n, t);
    if (!t || !xmlAddChild(n, t)) {
        xmlFreeNode(t);
        return epsos__err(item->doc->ctx, EPSOS_ENOMEM, "out of memory");
    }
    return EPSOS_OK;
}

EPSOS_API int epsos_item_set_code(epsos_item *item, int32_t field, size_t index,
                                  const char *code, const char *code_system,
                                  const char *display_name)
{
    int rc = EPSOS_OK;
    if (!row_for(item, field, EPSOS_T_CD, &rc))
        return rc;
    const char *v[] = { code, code_system, display_name };
    if ((rc = check_texts(item, field, v, 3)) != EPSOS_OK)
        return rc;
    if (!epsos__code_valid(code))
        return bad(item, EPSOS_EVALUE, "code", code, "a code must be non-empty and contain no white space");
    if (!code_system || !epsos__oid_valid(code_system))
        return bad(item, EPSOS_EVALUE, "codeSystem", code_system, "expected an OID");
    xmlNode *n = write_occ(item, field, index, EPSOS_T_CD, NULL, &rc);
    if (!n)
        return rc;
    clear_value(item->doc, n, false);
    if ((rc = put_attr(item, n, "code", code)) == EPSOS_OK &&
        (rc = put_attr(item, n, "codeSystem", code_system)) == EPSOS_OK)
        rc = put_attr(item, n, "displayName", display_name);
    return rc;
}

EPSOS_API int epsos_item_set_id(epsos_item *item, int32_t field, size_t index, const char *root,
                                const char *extension)
{
    int rc = EPSOS_OK;
    if (!row_for(item, field, EPSOS_T_II, &rc))
        return rc;
    const char *v[] = { root, extension }, *why = NULL;
    if ((rc = check_texts(item, field, v, 2)) != EPSOS_OK)
        return rc;
    if (!epsos__ii_root_valid(root, &why))
        return bad(item, EPSOS_EVALUE, "II root", root, why);
    if (extension && !*extension)
        return bad(item, EPSOS_EVALUE, "II extension", extension, "an extension, when given, is not empty");
    xmlNode *n = write_occ(item, field, index, EPSOS_T_II, NULL, &rc);
    if (!n)
        return rc;
    clear_value(item->doc, n, false);
    if ((rc = put_attr(item, n, "root", root)) == EPSOS_OK)
        rc = put_attr(item, n, "extension", extension);
    return rc;
}

EPSOS_API int epsos_item_set_time(epsos_item *item, int32_t field, size_t index, const char *value)
{
    int rc = EPSOS_OK;
    if (!row_for(item, field, EPSOS_T_TS, &rc))
        return rc;
    epsos__ts ts;
    const char *why = NULL;
    if (!value || epsos__ts_parse(value, &ts, &why) < 0)
        return bad(item, EPSOS_EVALUE, "time stamp", value,
                   why ? why : "expected YYYYMMDDHHMMSS+ZZZZ");
    xmlNode *n = write_occ(item, field, index, EPSOS_T_TS, NULL, &rc);
    if (!n)
        return rc;
    clear_value(item->doc, n, false);
    return put_attr(item, n, "value", value);
}

EPSOS_API int epsos_item_set_quantity(epsos_item *item, int32_t field, size_t index,
                                      const char *value, const char *unit)
{
    int rc = EPSOS_OK;
    if (!row_for(item, field, EPSOS_T_PQ, &rc))
        return rc;
    const char *v[] = { value, unit };
    if ((rc = check_texts(item, field, v, 2)) != EPSOS_OK)
        return rc;
    if (!epsos__decimal_valid(value))
        return bad(item, EPSOS_EVALUE, "quantity", value, "expected a decimal number such as 2.5");
    if (unit && !epsos__code_valid(unit))
        return bad(item, EPSOS_EVALUE, "unit", unit, "expected a UCUM unit without white space");
    xmlNode *n = write_occ(item, field, index, EPSOS_T_PQ, NULL, &rc);
    if (!n)
        return rc;
    clear_value(item->doc, n, false);
    if ((rc = put_attr(item, n, "value", value)) == EPSOS_OK)
        rc = put_attr(item, n, "unit", unit);
    return rc;
}

EPSOS_API int epsos_item_set_telecom(epsos_item *item, int32_t field, size_t index,
                                     const char *value, const char *use)
{
    int rc = EPSOS_OK;
    if (!row_for(item, field, EPSOS_T_TEL, &rc))
        return rc;
    const char *v[] = { value, use }, *why = NULL;
    if ((rc = check_texts(item, field, v, 2)) != EPSOS_OK)
        return rc;
    if (!value || !epsos__tel_valid(value, &why))
        return bad(item, EPSOS_EVALUE, "telecom", value, why ? why : "expected a URL");
    if (use && !epsos__code_valid(use))
        return bad(item, EPSOS_EVALUE, "telecom use", use, "expected codes such as HP, WP, MC");
    xmlNode *n = write_occ(item, field, index, EPSOS_T_TEL, NULL, &rc);
    if (!n)
        return rc;
    clear_value(item->doc, n, false);
    if ((rc = put_attr(item, n, "value", value)) == EPSOS_OK)
        rc = put_attr(item, n, "use", use);
    return rc;
}

EPSOS_API int epsos_item_set_null_flavor(epsos_item *item, int32_t field, size_t index,
                                         const char *null_flavor)
{
    int rc = EPSOS_OK;
    const epsos__row *row = row_for(item, field, 0, &rc);
    if (!row)
        return rc;
    if (row->p[0].attr[0])
        return epsos__err_node(item->doc->ctx, EPSOS_ETYPE, item->node,
                               "field %s is an attribute and cannot carry a nullFlavor",
                               epsos_field_name(field));
    if (!epsos__null_flavor_valid(null_flavor))
        return bad(item, EPSOS_EVALUE, "nullFlavor", null_flavor,
                   "expected one of NI, INV, DER, OTH, NINF, PINF, UNC, MSK, NA, UNK, ASKU, "
                   "NAV, NASK, NAVU, QS, TRC, NP");
    xmlNode *n = write_occ(item, field, index, 0, &row, &rc);
    if (!n)
        return rc;
    clear_value(item->doc, n, true);
    /* keep only the structural attributes of the element (typeCode, classCode ...) */
    return put_attr(item, n, "nullFlavor", null_flavor);
}

EPSOS_API int epsos_item_set_attr(epsos_item *item, int32_t field, size_t index,
                                  const char *name, const char *value)
{
    int rc = EPSOS_OK;
    if (!row_for(item, field, 0, &rc))
        return rc;
    if (!name || xmlValidateNCName((const xmlChar *)name, 0) != 0)
        return bad(item, EPSOS_EINVAL, "attribute name", name, "expected an XML name without prefix");
    if ((rc = check_texts(item, field, &value, 1)) != EPSOS_OK)
        return rc;
    xmlNode *n;
    if (value) {
        n = write_occ(item, field, index, 0, NULL, &rc);
    } else {
        const epsos__row *row = row_for(item, field, 0, &rc);
        n = get_occ(item, row, index, &rc);
    }
    if (!n)
        return rc;
    return set_attr(item, n, name, value);
}

EPSOS_API int epsos_item_add_translation(epsos_item *item, int32_t field, size_t index,
                                         const char *code, const char *code_system,
                                         const char *display_name)
{
    int rc = EPSOS_OK;
    const char *v[] = { code, code_system, display_name };
    const epsos__row *row = row_for(item, field, EPSOS_T_CD, &rc);
    if (!row)
        return rc;
    if ((rc = check_texts(item, field, v, 3)) != EPSOS_OK)
        return rc;
    /* a designation (IPS): a translation with a displayName only */
    bool designation = !code && !code_system && display_name && *display_name;
    if (!designation && !epsos__code_valid(code))
        return bad(item, EPSOS_EVALUE, "translation code", code, "a code must be non-empty and contain no white space");
    if (!designation && (!code_system || !epsos__oid_valid(code_system)))
        return bad(item, EPSOS_EVALUE, "translation codeSystem", code_system, "expected an OID");
    xmlNode *n = get_occ(item, row, index, &rc);
    if (!n)
        return rc;
    epsos__step st = { .ns = EPSOS_NS_HL7, .local = "translation" };
    xmlNode *t = new_element(item->doc, n, &st);
    if (!t)
        return epsos__err(item->doc->ctx, EPSOS_ENOMEM, "out of memory");
    if ((rc = put_attr(item, t, "code", code)) == EPSOS_OK &&
        (rc = put_attr(item, t, "codeSystem", code_system)) == EPSOS_OK)
        rc = put_attr(item, t, "displayName", display_name);
    return rc;
}

/* The lenient writer of a translation as read (a builder that copies a
 * foreign document): attribute by attribute, unchecked but for XML
 * validity, like epsos_item_set_attr. */
EPSOS_API int epsos_item_set_translation_attr(epsos_item *item, int32_t field, size_t index,
                                              size_t tindex, const char *name,
                                              const char *value)
{
    int rc = EPSOS_OK;
    const epsos__row *row = row_for(item, field, EPSOS_T_CD, &rc);
    if (!row)
        return rc;
    if (name ? xmlValidateNCName((const xmlChar *)name, 0) != 0 : value != NULL)
        return bad(item, EPSOS_EINVAL, "translation attribute name", name,
                   "expected an XML name without prefix");
    if ((rc = check_texts(item, field, &value, 1)) != EPSOS_OK)
        return rc;
    xmlNode *n = get_occ(item, row, index, &rc);
    if (!n)
        return rc;
    xmlNode *t = NULL;
    size_t count = 0;
    for (xmlNode *c = n->children; c && !t; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "translation") && count++ == tindex)
            t = c;
    if (!t && tindex != count)
        return epsos__err_node(item->doc->ctx, EPSOS_ENOTFOUND, n, "field %s has %zu "
                               "translation%s: index %zu is neither one of them nor the next",
                               epsos_field_name(field), count, count == 1 ? "" : "s", tindex);
    if (!t) {                                  /* tindex == count: append one */
        epsos__step st = { .ns = EPSOS_NS_HL7, .local = "translation" };
        if (!(t = new_element(item->doc, n, &st)))
            return epsos__err(item->doc->ctx, EPSOS_ENOMEM, "out of memory");
    }
    return name ? set_attr(item, t, name, value) : EPSOS_OK;
}

EPSOS_API int epsos_item_add_child(epsos_item **out, epsos_item *item, int32_t field)
{
    SET(out, NULL);
    int rc = EPSOS_OK;
    const epsos__row *row = row_for(item, field, EPSOS_T_ITEM, &rc);
    if (!row)
        return rc;
    if (!out)
        return epsos__err(item->doc->ctx, EPSOS_EINVAL, "epsos_item_add_child: out must not be NULL");
    size_t count = 0;
    if (!cached_count(item, row, &count)) {
        occurrence(row, item->node, SIZE_MAX, &count);
        set_count(item, row, count);
    }
    xmlNode *n = write_occ(item, field, count, EPSOS_T_ITEM, NULL, &rc);
    if (!n)
        return rc;
    epsos_item *c = epsos__item_for(item->doc, n, row->src->child_kind);
    if (!c)
        return epsos__err(item->doc->ctx, EPSOS_ENOMEM, "out of memory");
    *out = c;
    return EPSOS_OK;
}

EPSOS_API int epsos_item_remove(epsos_item *item, int32_t field, size_t index)
{
    int rc = EPSOS_OK;
    const epsos__row *row = row_for(item, field, 0, &rc);
    if (!row)
        return rc;
    xmlNode *n = get_occ(item, row, index, &rc);
    if (!n)
        return rc;
    if (row->p[0].attr[0]) {
        epsos__doc_touch_attr(item->doc, n);
        xmlRemoveProp(xmlHasNsProp(n, (const xmlChar *)row->p[0].attr, NULL));
        return EPSOS_OK;
    }
    /* remove from the repeating step: <languageCommunication>, not its code;
     * an occurrence found through the alternate (legacy) path by that
     * path's steps */
    const epsos__path *path = &row->p[0];
    if (row->npaths == 2) {
        size_t primary = 0;
        visit_count(&row->p[0], item->node, &primary);
        if (index >= primary)
            path = &row->p[1];
    }
    for (unsigned depth = path->nsteps - 1; depth > path->repeat && n->parent; depth--)
        n = n->parent;
    if (n->parent)
        epsos__doc_touch_child(item->doc, n->parent, n);
    else
        epsos__doc_touch(item->doc);
    epsos__items_detach(n);
    xmlUnlinkNode(n);
    xmlFreeNode(n);
    return EPSOS_OK;
}
