/*
 * libepsos internals shared by every module.  Never installed.
 * SPDX-License-Identifier: MIT
 */
#ifndef EPSOS_INTERNAL_H
#define EPSOS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "epsos.h"

#define EPSOS_NS_HL7   "urn:hl7-org:v3"
#define EPSOS_NS_PHARM "urn:hl7-org:pharm"
#define EPSOS_NS_EPSOS "urn:epsos-org:ep:medication"
#define EPSOS_NS_XSI   "http://www.w3.org/2001/XMLSchema-instance"

#define EPSOS_DEFAULT_MAX_BYTES ((uint64_t)64 * 1024 * 1024)
#define EPSOS_DEFAULT_MAX_DEPTH 256u
#define EPSOS_HARD_MAX_DEPTH    256u   /* the deepest we allow at all */
#define EPSOS_DEFAULT_MAX_ATTRIBUTES 256u
#define EPSOS_HARD_MAX_ATTRIBUTES    65536u

#define EPSOS_ERRMSG_MAX  512
#define EPSOS_ERRLOC_MAX  512

struct epsos_ctx {
    int      errcode;
    int32_t  errline;
    char     errmsg[EPSOS_ERRMSG_MAX];
    char     errloc[EPSOS_ERRLOC_MAX];
    uint64_t max_bytes;
    uint32_t max_depth;
    uint32_t max_attributes;
    void    *ossl_libctx;          /* OSSL_LIB_CTX *, created on first use */
};

/* Allocation: every allocation of ours goes through these. */
void *epsos__malloc(size_t n);
void *epsos__calloc(size_t n, size_t size);
void *epsos__realloc(void *p, size_t n);
char *epsos__strdup(const char *s);
void  epsos__free(void *p);

/* Errors: set code + printf-style message (+ optional location). Return code. */
int epsos__err(epsos_ctx *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int epsos__err_at(epsos_ctx *ctx, int code, int32_t line, const char *xpath,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Error located at a node: line and XPath come from the node. */
int epsos__err_node(epsos_ctx *ctx, int code, const xmlNode *node,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void epsos__ctx_reset(epsos_ctx *ctx);

/* The OpenSSL library context of ctx (created on first use), or NULL. */
void *epsos__ctx_libctx(epsos_ctx *ctx);

/* XPath of a node with "hl7:" for urn:hl7-org:v3 and positional predicates
 * where siblings share the name.  Writes into buf (truncated with "..."). */
void epsos__node_path(const xmlNode *node, char *buf, size_t len);

/* Node creation that reports every failed allocation (xml.c). */
xmlNode *epsos__new_element(xmlDoc *doc, xmlNs *ns, const char *name);
xmlNode *epsos__new_text(xmlDoc *doc, const char *text);
bool epsos__set_prop(xmlNode *node, const char *name, const char *value);

/* Is node an element {ns}local?  (ns NULL: no namespace) */
bool epsos__is_el(const xmlNode *node, const char *ns, const char *local);

#endif
