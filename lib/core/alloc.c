/*
 * libepsos: allocation.  Every allocation of the library goes through these
 * wrappers, which use libxml2's allocator functions (xmlMalloc & co): the
 * same allocator as the trees we build, one place for a host's memory
 * debugging to see all of it, and one hook for the fault-injection tests
 * (tests/check_faults.c, as the host program, installs a failing allocator in the
 * test program; the library itself never changes libxml2's allocator).
 */
#include "config.h"
#include <string.h>
#include <libxml/xmlmemory.h>
#include "internal.h"

void *epsos__malloc(size_t n) { return xmlMalloc(n ? n : 1); }

void *epsos__calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t total = n * size;
    void *p = xmlMalloc(total ? total : 1);
    if (p)
        memset(p, 0, total ? total : 1);
    return p;
}

void *epsos__realloc(void *p, size_t n) { return xmlRealloc(p, n ? n : 1); }

void epsos__free(void *p)
{
    if (p)
        xmlFree(p);
}

char *epsos__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = epsos__malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

EPSOS_API void epsos_free(void *ptr) { epsos__free(ptr); }
