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
     * from there (valid while doc->mutations is unchanged) */
    const void *cache_row;
    size_t      cache_index;
    xmlNode    *cache_node;
    unsigned    cache_path;
    uint64_t    cache_mutations;
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
};

/* Every change of a document's tree calls this (invalidates read caches). */
static inline void epsos__doc_touch(epsos_doc *doc) { doc->mutations++; }

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
