/*
 * libepsos - eHDSI / epSOS cross-border health documents in C.
 * SPDX-License-Identifier: MIT
 *
 * common.h: export macros, status codes, library initialisation, versions,
 * memory release.  Every other public header includes this one.
 */
#ifndef EPSOS_COMMON_H
#define EPSOS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) && __GNUC__ >= 4
#  define EPSOS_API __attribute__((visibility("default")))
#else
#  define EPSOS_API
#endif

#if (defined(__GNUC__) || defined(__clang__)) && !defined(EPSOS_BUILDING) && \
    !defined(EPSOS_NO_DEPRECATION_WARNINGS)
#  define EPSOS_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#  define EPSOS_DEPRECATED(msg)
#endif

#ifdef __cplusplus
#  define EPSOS_BEGIN_DECLS extern "C" {
#  define EPSOS_END_DECLS }
#else
#  define EPSOS_BEGIN_DECLS
#  define EPSOS_END_DECLS
#endif

EPSOS_BEGIN_DECLS

/*
 * Status codes.  Every fallible function returns int: EPSOS_OK (0) or one of
 * these negative values.  Values are fixed forever; new codes are appended.
 * The details (message, line, XPath) are on the epsos_ctx that did the work.
 */
#define EPSOS_OK         0   /* success */
#define EPSOS_ERROR     -1   /* generic failure, see epsos_ctx_errmsg() */
#define EPSOS_ENOMEM    -2   /* out of memory */
#define EPSOS_EINVAL    -3   /* bad argument: NULL handle or pointer, bad flag or limit */
#define EPSOS_EPARSE    -4   /* not well-formed XML, bad encoding, truncated input */
#define EPSOS_ENOTCDA   -5   /* well-formed XML but not an HL7 CDA ClinicalDocument */
#define EPSOS_ELIMIT    -6   /* a size or depth limit of the ctx was exceeded */
#define EPSOS_EUNSAFE   -7   /* DOCTYPE, entity or external reference refused */
#define EPSOS_ENOTFOUND -8   /* no such field occurrence, item or element */
#define EPSOS_ETYPE     -9   /* field not of this kind of item, or of another datatype */
#define EPSOS_EVALUE    -10  /* a value is not valid for its datatype (TS, OID, ...) */
#define EPSOS_EIO       -11  /* a file could not be read or written */

/* Version of the headers.  Compare with epsos_version_number() at run time. */
#define EPSOS_VERSION_MAJOR 0
#define EPSOS_VERSION_MINOR 1
#define EPSOS_VERSION_PATCH 0
#define EPSOS_VERSION_NUMBER \
    (EPSOS_VERSION_MAJOR * 10000 + EPSOS_VERSION_MINOR * 100 + EPSOS_VERSION_PATCH)

/* Optional, idempotent, thread-safe.  epsos_ctx_new() calls it. */
EPSOS_API int epsos_init(void);

/* "MAJOR.MINOR.PATCH" of the loaded library; static, never NULL. */
EPSOS_API const char *epsos_version_string(void);

/* MAJOR*10000 + MINOR*100 + PATCH of the loaded library. */
EPSOS_API int32_t epsos_version_number(void);

/* Static English text for a status code; never NULL. */
EPSOS_API const char *epsos_strerror(int status);

/* Release a buffer that libepsos allocated for the caller.  NULL-safe. */
EPSOS_API void epsos_free(void *ptr);

EPSOS_END_DECLS

#endif /* EPSOS_COMMON_H */
