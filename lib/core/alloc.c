/* libepsos: allocation wrappers (one place to hook fault injection). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "internal.h"

void *epsos__malloc(size_t n) { return malloc(n ? n : 1); }
void *epsos__calloc(size_t n, size_t size) { return calloc(n ? n : 1, size ? size : 1); }
void *epsos__realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
void  epsos__free(void *p) { free(p); }

char *epsos__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = epsos__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

EPSOS_API void epsos_free(void *ptr) { free(ptr); }
