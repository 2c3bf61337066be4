/*
 * Helpers shared by the subcommands in their own files (cmd-*.c): whole
 * input files, atomic output, option parsing.  Only libc is used.
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdutil.h"

/* The whole file (or standard input for "-"), or NULL with a message. */
uint8_t *tool_slurp(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "epsos: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) {
            if (ferror(f)) {
                fprintf(stderr, "epsos: %s: %s\n", path, strerror(errno));
                free(buf);
                buf = NULL;
            }
            break;
        }
        uint8_t *b = realloc(buf, cap * 2);
        if (!b)
            free(buf);
        buf = b;
        cap *= 2;
    }
    if (f != stdin)
        fclose(f);
    if (!buf && errno == ENOMEM)
        fprintf(stderr, "epsos: %s: out of memory\n", path);
    *len = n;
    return buf;
}

int tool_write_out(const char *output, const uint8_t *data, size_t len)
{
    if (!output || strcmp(output, "-") == 0) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
            fprintf(stderr, "epsos: cannot write the output: %s\n", strerror(errno));
            return EXIT_TROUBLE;
        }
        return EXIT_OK;
    }
    size_t l = strlen(output);
    char *tmp = malloc(l + 5);
    if (!tmp)
        return EXIT_TROUBLE;
    memcpy(tmp, output, l);
    memcpy(tmp + l, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    int bad = !f || fwrite(data, 1, len, f) != len;
    if (f && fclose(f) != 0)
        bad = 1;
    if (!bad && rename(tmp, output) != 0)
        bad = 1;
    if (bad) {
        fprintf(stderr, "epsos: %s: %s\n", output, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return bad ? EXIT_TROUBLE : EXIT_OK;
}

int tool_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return 0;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* -x VALUE / --long VALUE / --long=VALUE; returns the value or NULL. */
const char *tool_optval(int argc, char **argv, int *i, const char *s, const char *l)
{
    const char *a = argv[*i];
    size_t ll = strlen(l);
    if (strncmp(a, l, ll) == 0 && a[ll] == '=')
        return a + ll + 1;
    if ((s && strcmp(a, s) == 0) || strcmp(a, l) == 0) {
        if (*i + 1 >= argc)
            return NULL;
        return argv[++*i];
    }
    return NULL;
}

int tool_is_opt(const char *a, const char *s, const char *l)
{
    size_t ll = strlen(l);
    return (s && strcmp(a, s) == 0) || strcmp(a, l) == 0 || (strncmp(a, l, ll) == 0 && a[ll] == '=');
}
