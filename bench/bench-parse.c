/*
 * bench-parse: the cost of epsos_doc_parse (+ reading every header field)
 * as a ratio to a bare libxml2 parse of the same bytes, measured in the same
 * run.  Reports ratios, never bare times (DESIGN.md: parse + read <= 1.5x).
 *   bench-parse [-n ROUNDS] FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stddef.h>
#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <epsos.h>

/* Live heap bytes allocated through libxml2's allocator (the library's own
 * allocations go there too), for the memory ratio. */
static size_t live, peak;
typedef struct { size_t n; } hdr_t;
static void *c_malloc(size_t n)
{
    hdr_t *h = malloc(sizeof(max_align_t) + n);
    if (!h) return NULL;
    h->n = n; live += n; if (live > peak) peak = live;
    return (char *)h + sizeof(max_align_t);
}
static void c_free(void *p)
{
    if (!p) return;
    hdr_t *h = (hdr_t *)((char *)p - sizeof(max_align_t));
    live -= h->n;
    free(h);
}
static void *c_realloc(void *p, size_t n)
{
    if (!p) return c_malloc(n);
    hdr_t *h = (hdr_t *)((char *)p - sizeof(max_align_t));
    size_t old = h->n;
    hdr_t *nh = realloc(h, sizeof(max_align_t) + n);
    if (!nh) return NULL;
    nh->n = n; live = live - old + n; if (live > peak) peak = live;
    return (char *)nh + sizeof(max_align_t);
}
static char *c_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = c_malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads every field of an item and its nested items; returns values read. */
static size_t read_all(epsos_item *it)
{
    size_t total = 0;
    int32_t k = epsos_item_kind(it);
    for (size_t i = 0; i < epsos_kind_field_count(k); i++) {
        int32_t f = epsos_kind_field_at(k, i);
        size_t n = 0;
        epsos_item_count(it, f, &n);
        for (size_t j = 0; j < n; j++) {
            const char *a, *b, *c;
            epsos_item *child;
            switch (epsos_field_type(k, f)) {
            case EPSOS_T_ITEM:
                if (epsos_item_child(&child, it, f, j) == EPSOS_OK)
                    total += read_all(child);
                break;
            case EPSOS_T_CD: epsos_item_get_code(it, f, j, &a, &b, &c); break;
            case EPSOS_T_II: epsos_item_get_id(it, f, j, &a, &b); break;
            case EPSOS_T_TS: epsos_item_get_time(it, f, j, &a); break;
            case EPSOS_T_TEL: epsos_item_get_telecom(it, f, j, &a, &b); break;
            case EPSOS_T_PQ: epsos_item_get_quantity(it, f, j, &a, &b); break;
            default: epsos_item_get_text(it, f, j, &a); break;
            }
            total++;
        }
    }
    return total;
}

int main(int argc, char **argv)
{
    int rounds = 50, first = 1;
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        rounds = atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || rounds <= 0) {
        fprintf(stderr, "usage: bench-parse [-n ROUNDS] FILE...\n");
        return 2;
    }
    xmlMemSetup(c_free, c_malloc, c_realloc, c_strdup);
    epsos_ctx *ctx;
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;
    size_t nfiles = (size_t)(argc - first), bytes = 0, values = 0;
    char **bufs = calloc(nfiles, sizeof *bufs);
    size_t *lens = calloc(nfiles, sizeof *lens);
    for (size_t i = 0; i < nfiles; i++) {
        FILE *f = fopen(argv[first + (int)i], "rb");
        if (!f) { perror(argv[first + (int)i]); return 2; }
        fseek(f, 0, SEEK_END);
        lens[i] = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        bufs[i] = malloc(lens[i]);
        if (fread(bufs[i], 1, lens[i], f) != lens[i]) return 2;
        fclose(f);
        bytes += lens[i];
    }
    double t_xml = 0, t_parse = 0, t_read = 0;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < nfiles; i++) {
            /* interleaved, and the order alternates: neither side always
             * finds the input warm in the cache */
            for (int side = 0; side < 2; side++) {
                if ((side ^ r) & 1) {
                    double t0 = now();
                    xmlDoc *d = xmlReadMemory(bufs[i], (int)lens[i], NULL, NULL,
                                              XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING);
                    xmlFreeDoc(d);
                    t_xml += now() - t0;
                } else {
                    double t1 = now();
                    epsos_doc *doc = NULL;
                    epsos_item *h;
                    int rc = epsos_doc_parse(&doc, ctx, (const uint8_t *)bufs[i], lens[i], 0);
                    double t2 = now();
                    if (rc == EPSOS_OK && epsos_doc_header(&h, doc) == EPSOS_OK)
                        values += read_all(h);
                    epsos_doc_free(doc);
                    t_parse += t2 - t1;
                    t_read += now() - t1;
                }
            }
        }
    }
    /* serialize: epsos_doc_serialize vs xmlDocDumpMemory of the same tree;
     * memory: peak heap of a parsed document vs the bare libxml2 tree */
    double t_dump = 0, t_ser = 0;
    size_t mem_xml = 0, mem_epsos = 0;
    for (size_t i = 0; i < nfiles; i++) {
        size_t base = live;
        peak = live;
        xmlDoc *d = xmlReadMemory(bufs[i], (int)lens[i], NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                  XML_PARSE_HUGE);
        mem_xml += peak - base;
        peak = live;
        base = live;
        epsos_doc *doc = NULL;
        epsos_item *h;
        if (epsos_doc_parse(&doc, ctx, (const uint8_t *)bufs[i], lens[i], 0) == EPSOS_OK &&
            epsos_doc_header(&h, doc) == EPSOS_OK)
            read_all(h);
        mem_epsos += peak - base;
        for (int r = 0; d && doc && r < rounds; r++) {
            for (int side = 0; side < 2; side++) {
                double t0 = now();
                if ((side ^ r) & 1) {
                    xmlChar *m = NULL;
                    int n = 0;
                    xmlDocDumpMemory(d, &m, &n);
                    xmlFree(m);
                    t_dump += now() - t0;
                } else {
                    uint8_t *m = NULL;
                    size_t n = 0;
                    epsos_doc_serialize(&m, &n, doc, 0);
                    epsos_free(m);
                    t_ser += now() - t0;
                }
            }
        }
        epsos_doc_free(doc);
        xmlFreeDoc(d);
    }

    printf("files %zu, %zu bytes, %d rounds, %zu header values read per round\n", nfiles, bytes,
           rounds, values / (size_t)rounds);
    printf("epsos_doc_parse / (libxml2 parse + free):                   %.2f\n", t_parse / t_xml);
    printf("(epsos_doc_parse + read header + free) / (libxml2 parse + free): %.2f\n", t_read / t_xml);
    printf("epsos_doc_serialize / xmlDocDumpMemory:                      %.2f\n", t_ser / t_dump);
    printf("peak heap: parsed epsos_doc (header read) / libxml2 tree:     %.2f\n",
           (double)mem_epsos / (double)mem_xml);
    for (size_t i = 0; i < nfiles; i++)
        free(bufs[i]);
    free(bufs);
    free(lens);
    epsos_ctx_free(ctx);
    return 0;
}
