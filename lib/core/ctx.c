/* libepsos: the context, its error state and limits. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include "internal.h"

EPSOS_API int epsos_ctx_new(epsos_ctx **out)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = NULL;
    int rc = epsos_init();
    if (rc != EPSOS_OK)
        return rc;
    epsos_ctx *ctx = epsos__calloc(1, sizeof *ctx);
    if (!ctx)
        return EPSOS_ENOMEM;
    ctx->max_bytes = EPSOS_DEFAULT_MAX_BYTES;
    ctx->max_depth = EPSOS_DEFAULT_MAX_DEPTH;
    ctx->max_attributes = EPSOS_DEFAULT_MAX_ATTRIBUTES;
    *out = ctx;
    return EPSOS_OK;
}

EPSOS_API void epsos_ctx_free(epsos_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->ossl_libctx)
        OSSL_LIB_CTX_free(ctx->ossl_libctx);
    epsos__free(ctx);
}

void *epsos__ctx_libctx(epsos_ctx *ctx)
{
    if (!ctx->ossl_libctx) {
        ctx->ossl_libctx = OSSL_LIB_CTX_new();
        if (!ctx->ossl_libctx) {
            ERR_clear_error();
            epsos__err(ctx, EPSOS_ENOMEM, "cannot create the OpenSSL library context");
        }
    }
    return ctx->ossl_libctx;
}

EPSOS_API int epsos_ctx_errcode(const epsos_ctx *ctx) { return ctx ? ctx->errcode : EPSOS_EINVAL; }
EPSOS_API const char *epsos_ctx_errmsg(const epsos_ctx *ctx) { return ctx ? ctx->errmsg : ""; }
EPSOS_API const char *epsos_ctx_errloc(const epsos_ctx *ctx) { return ctx ? ctx->errloc : ""; }
EPSOS_API int32_t epsos_ctx_errline(const epsos_ctx *ctx) { return ctx ? ctx->errline : 0; }

void epsos__ctx_reset(epsos_ctx *ctx)
{
    ctx->errcode = EPSOS_OK;
    ctx->errline = 0;
    ctx->errmsg[0] = '\0';
    ctx->errloc[0] = '\0';
}

EPSOS_API void epsos_ctx_clear_error(epsos_ctx *ctx)
{
    if (ctx)
        epsos__ctx_reset(ctx);
}

__attribute__((format(printf, 5, 0)))
static int verr(epsos_ctx *ctx, int code, int32_t line, const char *xpath,
                const char *fmt, va_list ap)
{
    if (!ctx)
        return code;
    ctx->errcode = code;
    ctx->errline = line;
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    snprintf(ctx->errloc, sizeof ctx->errloc, "%s", xpath ? xpath : "");
    return code;
}

int epsos__err(epsos_ctx *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(ctx, code, 0, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int epsos__err_at(epsos_ctx *ctx, int code, int32_t line, const char *xpath,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verr(ctx, code, line, xpath, fmt, ap);
    va_end(ap);
    return code;
}

int epsos__err_node(epsos_ctx *ctx, int code, const xmlNode *node, const char *fmt, ...)
{
    char path[EPSOS_ERRLOC_MAX];
    long line = node ? xmlGetLineNo(node) : 0;
    path[0] = '\0';
    if (node)
        epsos__node_path(node, path, sizeof path);
    va_list ap;
    va_start(ap, fmt);
    verr(ctx, code, line > 0 && line < INT32_MAX ? (int32_t)line : 0, path, fmt, ap);
    va_end(ap);
    return code;
}

EPSOS_API int epsos_ctx_set_limit(epsos_ctx *ctx, int32_t limit, uint64_t value)
{
    if (!ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    switch (limit) {
    case EPSOS_LIMIT_MAX_BYTES:
        if (value == 0 || value > (uint64_t)INT32_MAX)
            return epsos__err(ctx, EPSOS_EINVAL,
                              "EPSOS_LIMIT_MAX_BYTES must be between 1 and %d, not %llu",
                              INT32_MAX, (unsigned long long)value);
        ctx->max_bytes = value;
        return EPSOS_OK;
    case EPSOS_LIMIT_MAX_DEPTH:
        if (value == 0 || value > EPSOS_HARD_MAX_DEPTH)
            return epsos__err(ctx, EPSOS_EINVAL,
                              "EPSOS_LIMIT_MAX_DEPTH must be between 1 and %u, not %llu",
                              EPSOS_HARD_MAX_DEPTH, (unsigned long long)value);
        ctx->max_depth = (uint32_t)value;
        return EPSOS_OK;
    case EPSOS_LIMIT_MAX_ATTRIBUTES:
        if (value == 0 || value > EPSOS_HARD_MAX_ATTRIBUTES)
            return epsos__err(ctx, EPSOS_EINVAL,
                              "EPSOS_LIMIT_MAX_ATTRIBUTES must be between 1 and %u, not %llu",
                              EPSOS_HARD_MAX_ATTRIBUTES, (unsigned long long)value);
        ctx->max_attributes = (uint32_t)value;
        return EPSOS_OK;
    default:
        return epsos__err(ctx, EPSOS_EINVAL, "unknown limit %d", (int)limit);
    }
}

EPSOS_API int epsos_ctx_get_limit(const epsos_ctx *ctx, int32_t limit, uint64_t *out)
{
    if (!ctx || !out)
        return EPSOS_EINVAL;
    switch (limit) {
    case EPSOS_LIMIT_MAX_BYTES: *out = ctx->max_bytes; return EPSOS_OK;
    case EPSOS_LIMIT_MAX_DEPTH: *out = ctx->max_depth; return EPSOS_OK;
    case EPSOS_LIMIT_MAX_ATTRIBUTES: *out = ctx->max_attributes; return EPSOS_OK;
    default: return EPSOS_EINVAL;
    }
}
