/*
 * libepsos: terminology helpers over ICU (NFC, case folding, language tags).
 * SPDX-License-Identifier: MIT
 *
 * Only stateless ICU services are used (the shared NFC instance, u_strFoldCase,
 * uloc_*): nothing process-wide is configured.
 */
#include "config.h"
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/unorm2.h>
#include <unicode/uloc.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>
#include "term.h"

uint32_t epsos__term_hash(const char *const *parts, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            h ^= 0x1fu;
            h *= 16777619u;
        }
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) {
            h ^= *p;
            h *= 16777619u;
        }
    }
    return h;
}

bool epsos__term_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    while (p < e) {
        unsigned c = *p;
        size_t n;
        uint32_t cp;
        if (c == 0)
            return false;
        if (c < 0x80) { p++; continue; }
        if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; }
        else return false;
        if ((size_t)(e - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

/* UTF-8 -> UTF-16 (allocated), length in *ulen. */
static UChar *to_u16(const char *s, int32_t *ulen)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8(NULL, 0, &n, s, -1, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    st = U_ZERO_ERROR;
    UChar *u = epsos__malloc(((size_t)n + 1) * sizeof *u);
    if (!u)
        return NULL;
    u_strFromUTF8(u, n + 1, ulen, s, -1, &st);
    if (U_FAILURE(st)) {
        epsos__free(u);
        return NULL;
    }
    return u;
}

static char *to_u8(const UChar *u, int32_t ulen)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    u_strToUTF8(NULL, 0, &n, u, ulen, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
        return NULL;
    st = U_ZERO_ERROR;
    char *s = epsos__malloc((size_t)n + 1);
    if (!s)
        return NULL;
    u_strToUTF8(s, n + 1, NULL, u, ulen, &st);
    if (U_FAILURE(st)) {
        epsos__free(s);
        return NULL;
    }
    s[n] = '\0';
    return s;
}

static UChar *nfc16(const char *text, int32_t *outlen)
{
    int32_t ulen = 0;
    UChar *u = to_u16(text, &ulen);
    if (!u)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st)) {
        epsos__free(u);
        return NULL;
    }
    if (unorm2_isNormalized(nfc, u, ulen, &st) && U_SUCCESS(st)) {
        *outlen = ulen;
        return u;
    }
    st = U_ZERO_ERROR;
    int32_t cap = ulen * 3 + 16;
    UChar *v = epsos__malloc((size_t)cap * sizeof *v);
    if (!v) {
        epsos__free(u);
        return NULL;
    }
    int32_t n = unorm2_normalize(nfc, u, ulen, v, cap, &st);
    epsos__free(u);
    if (U_FAILURE(st)) {
        epsos__free(v);
        return NULL;
    }
    *outlen = n;
    return v;
}

char *epsos__term_nfc(const char *text)
{
    int32_t n = 0;
    UChar *u = nfc16(text, &n);
    if (!u)
        return NULL;
    char *s = to_u8(u, n);
    epsos__free(u);
    return s;
}

char *epsos__term_fold(const char *text)
{
    int32_t n = 0;
    UChar *u = nfc16(text, &n);
    if (!u)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    int32_t cap = n * 3 + 16;
    UChar *f = epsos__malloc((size_t)cap * sizeof *f);
    if (!f) {
        epsos__free(u);
        return NULL;
    }
    int32_t fn = u_strFoldCase(f, cap, u, n, U_FOLD_CASE_DEFAULT, &st);
    epsos__free(u);
    if (U_FAILURE(st)) {
        epsos__free(f);
        return NULL;
    }
    /* collapse white space, trim */
    int32_t o = 0;
    bool space = false;
    for (int32_t i = 0; i < fn; i++) {
        if (u_isUWhiteSpace(f[i])) {
            space = o > 0;
            continue;
        }
        if (space)
            f[o++] = 0x20;
        space = false;
        f[o++] = f[i];
    }
    char *s = to_u8(f, o);
    epsos__free(f);
    return s;
}

bool epsos__term_lang(const char *tag, char *buf, size_t len)
{
    if (!tag || !*tag || strlen(tag) > 64 || len < 8)
        return false;
    for (const char *p = tag; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return false;
    char tmp[80];
    size_t n = strlen(tag);
    memcpy(tmp, tag, n + 1);
    for (size_t i = 0; i < n; i++)
        if (tmp[i] == '_')
            tmp[i] = '-';
    char loc[ULOC_FULLNAME_CAPACITY];
    int32_t parsed = 0;
    UErrorCode st = U_ZERO_ERROR;
    uloc_forLanguageTag(tmp, loc, sizeof loc, &parsed, &st);
    if (U_FAILURE(st) || parsed != (int32_t)n || !loc[0])
        return false;
    st = U_ZERO_ERROR;
    int32_t w = uloc_toLanguageTag(loc, buf, (int32_t)len, 1, &st);
    if (U_FAILURE(st) || w <= 0 || (size_t)w >= len)
        return false;
    buf[w] = '\0';
    return strcmp(buf, "und") != 0;
}

/* The accent-insensitive form of a folded key (epsos__term_fold output):
 * canonical decomposition, combining marks (general category Mn) removed,
 * recomposed: "pénicilline" -> "penicilline", "ženské" -> "zenske".
 * Letters that are not base + mark stay (ø, æ, ł, ß folded to ss).
 * Allocated, NULL on error. */
char *epsos__term_loose(const char *folded)
{
    int32_t ulen = 0;
    UChar *u = to_u16(folded, &ulen);
    if (!u)
        return NULL;
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    if (U_FAILURE(st)) {
        epsos__free(u);
        return NULL;
    }
    int32_t cap = ulen * 4 + 16;
    UChar *d = epsos__malloc((size_t)cap * sizeof *d);
    if (!d) {
        epsos__free(u);
        return NULL;
    }
    int32_t n = unorm2_normalize(nfd, u, ulen, d, cap, &st);
    epsos__free(u);
    if (U_FAILURE(st)) {
        epsos__free(d);
        return NULL;
    }
    int32_t o = 0;
    for (int32_t i = 0; i < n; ) {
        UChar32 c;
        int32_t at = i;
        U16_NEXT(d, i, n, c);
        if (u_charType(c) == U_NON_SPACING_MARK)
            continue;
        while (at < i)
            d[o++] = d[at++];
    }
    /* recompose what is left (NFC), back to UTF-8 */
    st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    UChar *c = U_SUCCESS(st) ? epsos__malloc(((size_t)o + 1) * sizeof *c) : NULL;
    int32_t cn = c ? unorm2_normalize(nfc, d, o, c, o + 1, &st) : 0;
    char *r = c && U_SUCCESS(st) ? to_u8(c, cn) : NULL;
    epsos__free(c);
    epsos__free(d);
    return r;
}
