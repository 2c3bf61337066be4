/*
 * libepsos - the context: error state and limits of one thread of work.
 * SPDX-License-Identifier: MIT
 */
#ifndef EPSOS_CONTEXT_H
#define EPSOS_CONTEXT_H

#include "common.h"

EPSOS_BEGIN_DECLS

typedef struct epsos_ctx epsos_ctx;

/* Limits, for epsos_ctx_set_limit() / epsos_ctx_get_limit(). */
#define EPSOS_LIMIT_MAX_BYTES 1  /* largest input document in bytes (default 64 MiB) */
#define EPSOS_LIMIT_MAX_DEPTH 2  /* deepest element nesting (default 256, at most 256) */
#define EPSOS_LIMIT_MAX_ATTRIBUTES 3  /* attributes of one element (default 256, at most 65536) */

/* Create a context.  *out is NULL on failure. */
EPSOS_API int epsos_ctx_new(epsos_ctx **out);

/* Release a context.  NULL-safe.  Free every document of the context first. */
EPSOS_API void epsos_ctx_free(epsos_ctx *ctx);

/* Status of the last failure on this context.  Every call that parses,
 * builds, reads or writes through the context clears it when it starts. */
EPSOS_API int epsos_ctx_errcode(const epsos_ctx *ctx);

/* UTF-8 message of the last failure, "" if none.  Valid until the next call on ctx. */
EPSOS_API const char *epsos_ctx_errmsg(const epsos_ctx *ctx);

/* XPath of the node the last failure is about, "" if none. */
EPSOS_API const char *epsos_ctx_errloc(const epsos_ctx *ctx);

/* Input line of the last failure, 0 if unknown. */
EPSOS_API int32_t epsos_ctx_errline(const epsos_ctx *ctx);

/* Forget the last error. */
EPSOS_API void epsos_ctx_clear_error(epsos_ctx *ctx);

/* Set or read a limit (EPSOS_LIMIT_*). */
EPSOS_API int epsos_ctx_set_limit(epsos_ctx *ctx, int32_t limit, uint64_t value);
EPSOS_API int epsos_ctx_get_limit(const epsos_ctx *ctx, int32_t limit, uint64_t *out);

EPSOS_END_DECLS

#endif /* EPSOS_CONTEXT_H */
