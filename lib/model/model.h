/*
 * libepsos: the document object (internal).
 * SPDX-License-Identifier: MIT
 */
#ifndef EPSOS_MODEL_H
#define EPSOS_MODEL_H

#include "core/internal.h"
#include "table.h"

struct epsos_item {
    int32_t     kind;
    xmlNode    *node;          /* NULL once its element was removed */
    epsos_doc  *doc;
    char       *path;          /* last computed XPath (owned) */
    epsos_item *next;          /* every item of the doc, for freeing */
    /* the last occurrence found, so that reading occurrence i + 1 goes on
     * from there (valid while no change the row can see was made: item.c
     * cache_valid) */
    const void *cache_row;
    size_t      cache_index;
    xmlNode    *cache_node;
    unsigned    cache_path;
    uint64_t    cache_mutations;
    /* the row of the field read or written last (for the kind it had) */
    const void *row_memo;
    int32_t     row_kind, row_field;
    /* the number of occurrences of one row (valid like the cache above) */
    const void *count_row;
    size_t      count_n;
    uint64_t    count_at;
    /* changed[k]: doc->mutations at the last change below this item that
     * can alter the occurrences of a row of k steps (epsos__doc_touch_attr,
     * epsos__doc_touch_child;
     * kept for the item bound to the node, node->_private, only) */
    uint64_t    changed[EPSOS__MAX_STEPS + 1];
};

typedef struct epsos__str {
    struct epsos__str *next;
    char s[];
} epsos__str;

struct epsos_doc {
    epsos_ctx  *ctx;
    xmlDoc     *xml;
    int32_t     kind;
    int32_t     generation;
    epsos_item *items;
    epsos__str *strings;       /* computed strings handed out as borrowed */
    epsos_id_source    id_source;      /* NULL: random UUIDs */
    epsos_clock_source clock_source;   /* NULL: the system clock */
    void       *source_data;
    uint64_t    mutations;     /* counts changes of the tree (read caches) */
    uint64_t    touched;       /* mutations at the last epsos__doc_touch */
};

/* Every change of a document's tree calls this or one of the two below:
 * epsos__doc_touch invalidates every read cache of the doc. */
static inline void epsos__doc_touch(epsos_doc *doc) { doc->touched = ++doc->mutations; }

/* A located change (item.c): the attributes of element `el` changed ... */
void epsos__doc_touch_attr(epsos_doc *doc, xmlNode *el);
/* ... or the children of `parent`: `child` (with its subtree) was inserted
 * or is about to be removed, or NULL (several, or not known).  Only the
 * caches of the items above that may see the change are invalidated: the
 * occurrences of a row of k steps below an item depend on the children of
 * the elements down to depth k - 1, the attributes and the templateId/code
 * children (predicates) of the elements at depths 1 .. k, and the attributes
 * of those templateId/code elements. */
void epsos__doc_touch_child(epsos_doc *doc, xmlNode *parent, const xmlNode *child);

/* Hardened parse (parse.c).  On failure returns NULL and sets the ctx error. */
xmlDoc *epsos__xml_parse(epsos_ctx *ctx, const uint8_t *data, size_t len);

/* Detect kind and generation (doc.c). */
void epsos__doc_detect(epsos_doc *doc);

/* Wrap an xmlDoc (takes ownership). */
int epsos__doc_wrap(epsos_doc **out, epsos_ctx *ctx, xmlDoc *xml);

/* The item bound to an element (created on first use). */
epsos_item *epsos__item_for(epsos_doc *doc, xmlNode *node, int32_t kind);

/* Forget every item bound inside a subtree before it is freed. */
void epsos__items_detach(xmlNode *subtree);

/* Keep a computed string alive until the doc is freed; returns its copy. */
const char *epsos__doc_keep(epsos_doc *doc, char *xml_allocated);

#endif
