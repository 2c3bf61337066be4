/*
 * Small string and file helpers shared by the test programs (static
 * definitions; included by one file per program).
 */
#ifndef EPSOS_TESTS_TESTUTIL_H
#define EPSOS_TESTS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

/* Writes s to path. */
__attribute__((unused)) static void spit(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(s, 1, strlen(s), f), strlen(s));
    fclose(f);
}

/* s with the first occurrence of old replaced by new (malloc). */
__attribute__((unused)) static char *replace(const char *s, const char *old, const char *new)
{
    const char *p = strstr(s, old);
    ck_assert_msg(p != NULL, "'%s' not found", old);
    size_t a = (size_t)(p - s), lo = strlen(old), ln = strlen(new), ls = strlen(s);
    char *r = malloc(ls - lo + ln + 1);
    memcpy(r, s, a);
    memcpy(r + a, new, ln);
    memcpy(r + a + ln, p + lo, ls - a - lo + 1);
    return r;
}

/* The whole file at path, NUL-terminated (malloc); its length in *len
 * when len is not NULL.  Fails the test when the file cannot be read. */
__attribute__((unused)) static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    ck_assert_msg(n >= 0, "cannot size %s", path);
    char *b = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    b[n] = '\0';
    if (len)
        *len = (size_t)n;
    return b;
}

#endif
