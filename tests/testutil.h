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
static void __attribute__((unused)) spit(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(s, 1, strlen(s), f), strlen(s));
    fclose(f);
}

/* s with the first occurrence of old replaced by new (malloc). */
static char *__attribute__((unused)) replace(const char *s, const char *old, const char *new)
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

#endif
