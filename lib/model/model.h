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
};

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
