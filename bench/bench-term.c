/*
 * bench-term: terminology costs as ratios measured in the same run
 * (issue 5 acceptance):
 *   - opening the compiled catalogue vs building it from its sources;
 *   - membership lookups vs a plain in-process hash of the same
 *     (value set, system, code) triples (goal <= 1.5);
 *   - transcoding a document vs parsing it (goal <= 0.3).
 *   bench-term [-n ROUNDS] -d DOC.xml SOURCE...
 * The lookup keys are read here, independently, from the ART-DECOR /
 * SVS sources given (every concept, plus as many keys that miss).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <epsos.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct { char *vs, *sys, *code; uint32_t h; } key;
static key *keys;
static size_t nkeys, capkeys;

static void add_key(const char *vs, const char *sys, const char *code)
{
    if (nkeys == capkeys) {
        capkeys = capkeys ? capkeys * 2 : 1024;
        keys = realloc(keys, capkeys * sizeof *keys);
        if (!keys)
            exit(2);
    }
    keys[nkeys++] = (key){ strdup(vs), strdup(sys), strdup(code), 0 };
}

/* (value set, system, code) of every concept of an ART-DECOR or SVS file. */
static void collect(const char *path)
{
    xmlDoc *d = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!d)
        return;
    xmlNode *stack[64];
    const char *vs[64];
    int sp = 0;
    stack[sp] = xmlDocGetRootElement(d);
    vs[sp] = NULL;
    while (sp >= 0) {
        xmlNode *n = stack[sp];
        const char *cur = vs[sp];
        if (!n) {
            sp--;
            if (sp >= 0)
                stack[sp] = stack[sp]->next;
            continue;
        }
        if (n->type == XML_ELEMENT_NODE) {
            xmlChar *id = NULL;
            if (!strcmp((const char *)n->name, "valueSet") || !strcmp((const char *)n->name, "ValueSet"))
                id = xmlGetNoNsProp(n, (const xmlChar *)"id");
            xmlChar *c = xmlGetNoNsProp(n, (const xmlChar *)"code");
            xmlChar *s = xmlGetNoNsProp(n, (const xmlChar *)"codeSystem");
            if (c && s && cur)
                add_key(cur, (const char *)s, (const char *)c);
            xmlFree(c);
            xmlFree(s);
            if (n->children && sp < 63) {
                static char vsbuf[64][128];
                if (id) {
                    snprintf(vsbuf[sp + 1], sizeof vsbuf[0], "%s", (const char *)id);
                    vs[sp + 1] = vsbuf[sp + 1];
                } else {
                    vs[sp + 1] = cur;
                }
                xmlFree(id);
                stack[++sp] = n->children;
                continue;
            }
            xmlFree(id);
        }
        stack[sp] = n->next;
    }
    xmlFreeDoc(d);
}

/* The plain hash: FNV-1a over the three strings, linear probing. */
static uint32_t fnv(const char *a, const char *b, const char *c)
{
    const char *p[3] = { a, b, c };
    uint32_t h = 2166136261u;
    for (int i = 0; i < 3; i++) {
        if (i) { h ^= 0x1f; h *= 16777619u; }
        for (const unsigned char *s = (const unsigned char *)p[i]; *s; s++) { h ^= *s; h *= 16777619u; }
    }
    return h;
}
static uint32_t *slots;
static size_t nslots;

static int plain_contains(const char *vs, const char *sys, const char *code)
{
    uint32_t h = fnv(vs, sys, code);
    for (size_t i = h & (nslots - 1);; i = (i + 1) & (nslots - 1)) {
        uint32_t e = slots[i];
        if (!e)
            return 0;
        key *k = &keys[e - 1];
        if (k->h == h && !strcmp(k->code, code) && !strcmp(k->sys, sys) && !strcmp(k->vs, vs))
            return 1;
    }
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

int main(int argc, char **argv)
{
    int rounds = 20, first = 1;
    const char *docpath = NULL;
    while (first < argc && argv[first][0] == '-') {
        if (!strcmp(argv[first], "-n") && first + 1 < argc)
            rounds = atoi(argv[++first]);
        else if (!strcmp(argv[first], "-d") && first + 1 < argc)
            docpath = argv[++first];
        first++;
    }
    if (first >= argc || rounds < 1) {
        fprintf(stderr, "usage: bench-term [-n ROUNDS] [-d DOC.xml] SOURCE...\n");
        return 2;
    }
    epsos_ctx *ctx;
    epsos_ctx_new(&ctx);

    /* build from sources (timed) and write the compiled file */
    double t0 = now();
    uint8_t *img = NULL;
    size_t imglen = 0;
    for (int r = 0; r < (rounds > 5 ? 5 : rounds); r++) {
        epsos_catalogue_builder *b;
        epsos_catalogue_builder_new(&b, ctx);
        for (int i = first; i < argc; i++)
            if (epsos_catalogue_builder_add_file(b, argv[i]) != EPSOS_OK) {
                fprintf(stderr, "%s\n", epsos_ctx_errmsg(ctx));
                return 2;
            }
        epsos_catalogue *c;
        if (epsos_catalogue_builder_finish(&c, b) != EPSOS_OK) {
            fprintf(stderr, "%s\n", epsos_ctx_errmsg(ctx));
            return 2;
        }
        epsos_catalogue_free(c);
        if (!img)
            epsos_catalogue_builder_serialize(&img, &imglen, b);
        epsos_catalogue_builder_free(b);
    }
    double t_build = (now() - t0) / (rounds > 5 ? 5 : rounds);
    char path[] = "/tmp/bench-term-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, img, imglen) != (ssize_t)imglen)
        return 2;
    close(fd);
    epsos_free(img);
    t0 = now();
    epsos_catalogue *cat = NULL;
    for (int r = 0; r < rounds * 10; r++) {
        epsos_catalogue_free(cat);
        cat = NULL;
        if (epsos_catalogue_open(&cat, ctx, path) != EPSOS_OK) {
            fprintf(stderr, "%s\n", epsos_ctx_errmsg(ctx));
            return 2;
        }
    }
    double t_open = (now() - t0) / (rounds * 10);
    size_t members = 0;
    epsos_catalogue_count(cat, EPSOS_CAT_MEMBERS, &members);
    printf("catalogue: %zu bytes, %zu members\n", imglen, members);
    printf("open compiled: %.3f ms, build from sources: %.1f ms, open/build ratio %.4f\n",
           t_open * 1e3, t_build * 1e3, t_open / t_build);

    /* lookups: every key of the sources, and as many misses */
    for (int i = first; i < argc; i++)
        collect(argv[i]);
    size_t nhit = nkeys;
    for (size_t i = 0; i < nhit; i++) {
        char miss[256];
        snprintf(miss, sizeof miss, "%s~", keys[i].code);
        add_key(keys[i].vs, keys[i].sys, miss);
    }
    if (nkeys) {
        nslots = 8;
        while (nslots < nkeys * 2)
            nslots *= 2;
        slots = calloc(nslots, sizeof *slots);
        for (size_t i = 0; i < nhit; i++) {   /* only the members go in */
            keys[i].h = fnv(keys[i].vs, keys[i].sys, keys[i].code);
            size_t s = keys[i].h & (nslots - 1);
            while (slots[s])
                s = (s + 1) & (nslots - 1);
            slots[s] = (uint32_t)i + 1;
        }
        long agree = 0, found = 0;
        double best_cat = 1e9, best_plain = 1e9;
        for (int r = 0; r < rounds; r++) {
            t0 = now();
            for (size_t i = 0; i < nkeys; i++)
                found += epsos_catalogue_contains(cat, keys[i].vs, keys[i].sys, keys[i].code) == 1;
            double tc = now() - t0;
            t0 = now();
            for (size_t i = 0; i < nkeys; i++)
                agree += plain_contains(keys[i].vs, keys[i].sys, keys[i].code);
            double tp = now() - t0;
            if (tc < best_cat) best_cat = tc;
            if (tp < best_plain) best_plain = tp;
        }
        printf("membership: %zu lookups (%zu members, %zu misses), %.0f ns/lookup catalogue, "
               "%.0f ns/lookup plain hash, ratio %.2f (goal <= 1.5)%s\n",
               nkeys, nhit, nkeys - nhit, best_cat / nkeys * 1e9, best_plain / nkeys * 1e9,
               best_cat / best_plain, found == agree ? "" : " [answers differ]");
    }

    /* transcoding a document vs parsing it */
    if (docpath) {
        size_t len = 0;
        uint8_t *data = slurp(docpath, &len);
        epsos_term_report *rep;
        epsos_term_report_new(&rep, ctx);
        double best_p = 1e9, best_t = 1e9;
        size_t visited = 0;
        for (int r = 0; r < rounds * 5; r++) {
            epsos_doc *doc = NULL;
            t0 = now();
            if (epsos_doc_parse(&doc, ctx, data, len, 0) != EPSOS_OK) {
                fprintf(stderr, "%s: %s\n", docpath, epsos_ctx_errmsg(ctx));
                return 2;
            }
            double tp = now() - t0;
            t0 = now();
            epsos_transcode(doc, cat, 0, rep);
            double tt = now() - t0;
            epsos_doc_free(doc);
            if (tp < best_p) best_p = tp;
            if (tt < best_t) best_t = tt;
        }
        epsos_term_report_stat(rep, EPSOS_TERM_STAT_VISITED, &visited);
        printf("transcode %s: %zu fields visited, parse %.1f us, transcode %.1f us, "
               "ratio %.3f (goal <= 0.3)\n", docpath, visited, best_p * 1e6, best_t * 1e6,
               best_t / best_p);
        epsos_term_report_free(rep);
        free(data);
    }
    epsos_catalogue_free(cat);
    unlink(path);
    for (size_t i = 0; i < nkeys; i++) {
        free(keys[i].vs); free(keys[i].sys); free(keys[i].code);
    }
    free(keys);
    free(slots);
    epsos_ctx_free(ctx);
    return 0;
}
