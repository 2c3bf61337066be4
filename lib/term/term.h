/*
 * libepsos: terminology internals (catalogue image layout, ICU helpers).
 * SPDX-License-Identifier: MIT
 *
 * The image (epsos-catalogue(5)): little-endian u32 everywhere.
 *   header (64 bytes): "EPSOSCAT" | u32 version | u32 flags | u64 size |
 *     u32 nsect | u32 0 | sha256 of bytes [64, size)
 *   section directory: nsect x { u32 id, u32 offset, u32 length, u32 count }
 *   sections, each 4-aligned.
 */
#ifndef EPSOS_TERM_INTERNAL_H
#define EPSOS_TERM_INTERNAL_H

#include "core/internal.h"

#define EPCAT_MAGIC "EPSOSCAT"
#define EPCAT_HDR 64u

enum {
    EPCAT_S_STRINGS = 1,  /* NUL-terminated strings; offset 0 is "" */
    EPCAT_S_VALUESETS,    /* {oid, name, version, first, n} sorted by oid */
    EPCAT_S_MEMBERS,      /* {hash, vs, system, code, display, key} by vs,system,code */
    EPCAT_S_MEMBER_HASH,  /* slots: member index + 1, keyed vs|system|code */
    EPCAT_S_CONCEPTS,     /* {hash, system, code, display} */
    EPCAT_S_CONCEPT_HASH,
    EPCAT_S_MAPS,         /* {hash, src_sys, src_code, src_display, vs, sys, code, equiv} */
    EPCAT_S_MAP_HASH,     /* keyed src_sys|src_code */
    EPCAT_S_DESIGS,       /* {hash, system, code, lang, text} */
    EPCAT_S_DESIG_HASH,   /* keyed system|code|lang */
    EPCAT_S_ALIASES,      /* {uri, oid} sorted by uri */
    EPCAT_NSECT = EPCAT_S_ALIASES
};

#define EPCAT_VS_W     5
#define EPCAT_MEMBER_W 6
#define EPCAT_CONCEPT_W 4
#define EPCAT_MAP_W    8
#define EPCAT_DESIG_W  5
#define EPCAT_ALIAS_W  2

/* Hash of strings joined by 0x1f (FNV-1a 32). */
uint32_t epsos__term_hash(const char *const *parts, size_t n);

/* NFC + ICU case folding + white space collapsed; allocated, NULL on error. */
char *epsos__term_fold(const char *text);
/* epsos__term_fold output without combining marks (accent-insensitive);
 * allocated, NULL on error. */
char *epsos__term_loose(const char *folded);
/* NFC; allocated, NULL on error. */
char *epsos__term_nfc(const char *text);
/* Canonical BCP 47 tag (ICU) into buf; false if not a tag. */
bool epsos__term_lang(const char *tag, char *buf, size_t len);
int epsos__term_sha256(epsos_ctx *ctx, const uint8_t *p, size_t n, uint8_t md[32]);
epsos_ctx *epsos__term_builder_ctx(epsos_catalogue_builder *b);

/* National unit code -> UCUM through the mappings of any source system:
 * the number of distinct targets (0, 1, 2 = several); catalogue.c. */
int epsos__term_unit_map(const epsos_catalogue *cat, const char *unit, const char *vs,
                         const char **tcode, const char **ssys);

/* Valid UTF-8 of len bytes, no NUL. */
bool epsos__term_utf8(const char *s, size_t len);

#endif
