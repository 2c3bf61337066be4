/*
 * libepsos: the compiled catalogue: open (mmap or a copy), verify, look up.
 * SPDX-License-Identifier: MIT
 *
 * Nothing here writes to the catalogue after open: lookups are thread-safe.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "term.h"


typedef struct { const uint8_t *p; uint32_t len, count; } sect;

struct epsos_catalogue {
    const uint8_t *base;
    size_t size;
    bool mapped;               /* munmap, else epsos__free */
    sect s[EPCAT_NSECT + 1];
};

static inline uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Field f of record i of a section with records of w words. */
static inline uint32_t rec(const epsos_catalogue *c, int s, uint32_t i, unsigned w, unsigned f)
{
    return rd32(c->s[s].p + ((size_t)i * w + f) * 4);
}

static inline const char *str(const epsos_catalogue *c, uint32_t off)
{
    return (const char *)c->s[EPCAT_S_STRINGS].p + off;
}

static int bad(epsos_ctx *ctx, const char *what)
{
    return epsos__err(ctx, EPSOS_EVALUE, "catalogue: %s", what);
}

/* Every offset of the image is checked once here; lookups trust them. */
static int verify(epsos_catalogue *c, epsos_ctx *ctx)
{
    const uint8_t *b = c->base;
    if (c->size < EPCAT_HDR || memcmp(b, EPCAT_MAGIC, 8) != 0)
        return bad(ctx, "not an epsos catalogue (bad magic): expected a file written by "
                        "epsos catalogue build");
    uint32_t ver = rd32(b + 8);
    if (ver != EPSOS_CATALOGUE_FORMAT)
        return epsos__err(ctx, EPSOS_EVALUE,
                          "catalogue: format version %u: this library reads version %u; "
                          "rebuild it with epsos catalogue build", ver, EPSOS_CATALOGUE_FORMAT);
    if (rd32(b + 12) != 0 || rd32(b + 20) != 0 || rd32(b + 28) != 0)
        return bad(ctx, "unknown flags in the header");
    if (rd32(b + 16) != c->size)
        return epsos__err(ctx, EPSOS_EVALUE,
                          "catalogue: %zu bytes where the header says %u (truncated or extended)",
                          c->size, rd32(b + 16));
    uint32_t nsect = rd32(b + 24);
    if (nsect != EPCAT_NSECT || c->size < EPCAT_HDR + 16u * nsect)
        return bad(ctx, "bad section count");
    uint8_t md[32];
    int rc = epsos__term_sha256(ctx, b + EPCAT_HDR, c->size - EPCAT_HDR, md);
    if (rc)
        return rc;
    if (memcmp(md, b + 32, 32) != 0)
        return bad(ctx, "checksum mismatch: the file is corrupted");
    for (uint32_t i = 1; i <= nsect; i++) {
        const uint8_t *d = b + EPCAT_HDR + (i - 1) * 16;
        uint32_t id = rd32(d), off = rd32(d + 4), len = rd32(d + 8), cnt = rd32(d + 12);
        if (id != i || off < EPCAT_HDR + 16u * nsect || off > c->size || len > c->size - off ||
            (i != EPCAT_S_STRINGS && off % 4))
            return bad(ctx, "bad section directory");
        c->s[i] = (sect){ b + off, len, cnt };
    }
    /* strings: starts with "" and ends with NUL */
    sect *st = &c->s[EPCAT_S_STRINGS];
    if (st->len < 1 || st->p[0] != 0 || st->p[st->len - 1] != 0)
        return bad(ctx, "bad string pool");
    static const struct { int s, w; } widths[] = {
        { EPCAT_S_VALUESETS, EPCAT_VS_W }, { EPCAT_S_MEMBERS, EPCAT_MEMBER_W },
        { EPCAT_S_CONCEPTS, EPCAT_CONCEPT_W }, { EPCAT_S_MAPS, EPCAT_MAP_W },
        { EPCAT_S_DESIGS, EPCAT_DESIG_W }, { EPCAT_S_ALIASES, EPCAT_ALIAS_W },
    };
    for (size_t t = 0; t < sizeof widths / sizeof widths[0]; t++) {
        sect *x = &c->s[widths[t].s];
        if ((uint64_t)x->count * widths[t].w * 4 != x->len)
            return bad(ctx, "bad record count");
        for (uint32_t i = 0; i < x->count; i++)
            for (int f = 0; f < widths[t].w; f++) {
                if (f == 0 && widths[t].s != EPCAT_S_VALUESETS && widths[t].s != EPCAT_S_ALIASES)
                    continue;  /* hash */
                if (widths[t].s == EPCAT_S_VALUESETS && f >= 3)
                    continue;
                if (rec(c, widths[t].s, i, (unsigned)widths[t].w, (unsigned)f) >= st->len)
                    return bad(ctx, "string offset out of range");
            }
    }
    sect *vs = &c->s[EPCAT_S_VALUESETS];
    for (uint32_t i = 0; i < vs->count; i++) {
        uint32_t first = rec(c, EPCAT_S_VALUESETS, i, EPCAT_VS_W, 3),
                 n = rec(c, EPCAT_S_VALUESETS, i, EPCAT_VS_W, 4);
        if (first > c->s[EPCAT_S_MEMBERS].count || n > c->s[EPCAT_S_MEMBERS].count - first)
            return bad(ctx, "value set member range out of range");
    }
    static const int hs[][2] = { { EPCAT_S_MEMBER_HASH, EPCAT_S_MEMBERS },
                                 { EPCAT_S_CONCEPT_HASH, EPCAT_S_CONCEPTS },
                                 { EPCAT_S_MAP_HASH, EPCAT_S_MAPS },
                                 { EPCAT_S_DESIG_HASH, EPCAT_S_DESIGS } };
    for (size_t t = 0; t < 4; t++) {
        sect *h = &c->s[hs[t][0]];
        if (h->len < 4)
            return bad(ctx, "bad hash index");
        uint32_t n = rd32(h->p);
        if (n == 0 || (n & (n - 1)) || n != h->count || (uint64_t)n * 4 + 4 != h->len ||
            n <= c->s[hs[t][1]].count)
            return bad(ctx, "bad hash index");
        for (uint32_t i = 0; i < n; i++)
            if (rd32(h->p + 4 + (size_t)i * 4) > c->s[hs[t][1]].count)
                return bad(ctx, "hash slot out of range");
    }
    return EPSOS_OK;
}

static int open_image(epsos_catalogue **out, epsos_ctx *ctx, const uint8_t *base, size_t size,
                      bool mapped)
{
    epsos_catalogue *c = epsos__calloc(1, sizeof *c);
    if (!c) {
        if (mapped)
            munmap((void *)base, size);
        else
            epsos__free((void *)base);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    }
    c->base = base;
    c->size = size;
    c->mapped = mapped;
    int rc = verify(c, ctx);
    if (rc) {
        epsos_catalogue_free(c);
        return rc;
    }
    *out = c;
    return EPSOS_OK;
}

EPSOS_API int epsos_catalogue_open(epsos_catalogue **out, epsos_ctx *ctx, const char *path)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = NULL;
    if (!ctx || !path)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return epsos__err(ctx, EPSOS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return epsos__err(ctx, EPSOS_EIO, "%s: not a regular file", path);
    }
    if (sb.st_size < (off_t)EPCAT_HDR || (uint64_t)sb.st_size > UINT32_MAX) {
        close(fd);
        return epsos__err(ctx, EPSOS_EVALUE,
                          "%s: %lld bytes: not a catalogue (truncated?)", path,
                          (long long)sb.st_size);
    }
    void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return epsos__err(ctx, EPSOS_EIO, "%s: cannot map: %s", path, strerror(errno));
    int rc = open_image(out, ctx, m, (size_t)sb.st_size, true);
    if (rc && ctx->errmsg[0]) {
        char msg[EPSOS_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", ctx->errmsg);
        epsos__err(ctx, rc, "%s: %s", path, msg);
    }
    return rc;
}

EPSOS_API int epsos_catalogue_open_buffer(epsos_catalogue **out, epsos_ctx *ctx,
                                          const uint8_t *data, size_t len)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = NULL;
    if (!ctx || (!data && len))
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    uint8_t *copy = epsos__malloc(len ? len : 1);
    if (!copy)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    if (len)
        memcpy(copy, data, len);
    return open_image(out, ctx, copy, len, false);
}

/* Used by the builder: takes ownership of an image it allocated. */
EPSOS_API int epsos_catalogue_builder_finish(epsos_catalogue **out, epsos_catalogue_builder *b)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = NULL;
    uint8_t *img = NULL;
    size_t n = 0;
    int rc = epsos_catalogue_builder_serialize(&img, &n, b);
    if (rc)
        return rc;
    return open_image(out, epsos__term_builder_ctx(b), img, n, false);
}

EPSOS_API void epsos_catalogue_free(epsos_catalogue *cat)
{
    if (!cat)
        return;
    if (cat->mapped)
        munmap((void *)cat->base, cat->size);
    else
        epsos__free((void *)cat->base);
    epsos__free(cat);
}

/* --- lookups ------------------------------------------------------------------- */

EPSOS_API int epsos_catalogue_count(const epsos_catalogue *cat, int32_t what, size_t *out)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = 0;
    static const int map[] = { 0, EPCAT_S_VALUESETS, EPCAT_S_MEMBERS, EPCAT_S_CONCEPTS,
                               EPCAT_S_MAPS, EPCAT_S_DESIGS, EPCAT_S_ALIASES };
    if (!cat || what < 1 || what > 6)
        return EPSOS_EINVAL;
    *out = cat->s[map[what]].count;
    return EPSOS_OK;
}

/* FHIR URI -> OID through the aliases; else s itself. */
static const char *sys_of(const epsos_catalogue *c, const char *s)
{
    if (!s)
        return NULL;
    if (strncmp(s, "urn:oid:", 8) == 0)
        return s + 8;
    if (!strchr(s, ':'))
        return s;
    uint32_t lo = 0, hi = c->s[EPCAT_S_ALIASES].count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int r = strcmp(str(c, rec(c, EPCAT_S_ALIASES, mid, EPCAT_ALIAS_W, 0)), s);
        if (r == 0)
            return str(c, rec(c, EPCAT_S_ALIASES, mid, EPCAT_ALIAS_W, 1));
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return s;
}

static int64_t find_vs(const epsos_catalogue *c, const char *oid)
{
    uint32_t lo = 0, hi = c->s[EPCAT_S_VALUESETS].count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int r = strcmp(str(c, rec(c, EPCAT_S_VALUESETS, mid, EPCAT_VS_W, 0)), oid);
        if (r == 0)
            return mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

EPSOS_API int epsos_catalogue_value_set(const epsos_catalogue *cat, const char *vs_oid,
                                        size_t *members, const char **name,
                                        const char **version)
{
    if (members) *members = 0;
    if (name) *name = NULL;
    if (version) *version = NULL;
    if (!cat || !vs_oid)
        return EPSOS_EINVAL;
    int64_t v = find_vs(cat, vs_oid);
    if (v < 0)
        return EPSOS_ENOTFOUND;
    if (members) *members = rec(cat, EPCAT_S_VALUESETS, (uint32_t)v, EPCAT_VS_W, 4);
    if (name) *name = str(cat, rec(cat, EPCAT_S_VALUESETS, (uint32_t)v, EPCAT_VS_W, 1));
    if (version) *version = str(cat, rec(cat, EPCAT_S_VALUESETS, (uint32_t)v, EPCAT_VS_W, 2));
    return EPSOS_OK;
}

/* Probe a hash index: calls match(record) for each candidate with the hash. */
#define PROBE(c, hsect, rsect, w, hash, idx, cond)                                           \
    do {                                                                                      \
        const sect *h_ = &(c)->s[hsect];                                                      \
        uint32_t n_ = rd32(h_->p), i_ = (hash) & (n_ - 1);                                    \
        for (uint32_t k_ = 0; k_ < n_; k_++, i_ = (i_ + 1) & (n_ - 1)) {                      \
            uint32_t e_ = rd32(h_->p + 4 + (size_t)i_ * 4);                                   \
            if (!e_) break;                                                                   \
            idx = e_ - 1;                                                                     \
            if (rec(c, rsect, idx, w, 0) == (hash) && (cond)) { found_ = true; break; }       \
        }                                                                                     \
    } while (0)

static inline uint32_t fnv_more(uint32_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

EPSOS_API int epsos_catalogue_contains(const epsos_catalogue *cat, const char *vs_oid,
                                       const char *system, const char *code)
{
    if (!cat || !vs_oid || !code)
        return EPSOS_EINVAL;
    if (system) {
        if (strchr(system, ':'))
            system = sys_of(cat, system);
        /* the same FNV-1a as epsos__term_hash, in one pass */
        uint32_t h = fnv_more(2166136261u, vs_oid);
        h ^= 0x1fu; h *= 16777619u;
        h = fnv_more(h, system);
        h ^= 0x1fu; h *= 16777619u;
        h = fnv_more(h, code);
        uint32_t i = 0;
        bool found_ = false;
        PROBE(cat, EPCAT_S_MEMBER_HASH, EPCAT_S_MEMBERS, EPCAT_MEMBER_W, h, i,
              !strcmp(str(cat, rec(cat, EPCAT_S_MEMBERS, i, EPCAT_MEMBER_W, 3)), code) &&
              !strcmp(str(cat, rec(cat, EPCAT_S_MEMBERS, i, EPCAT_MEMBER_W, 2)), system) &&
              !strcmp(str(cat, rec(cat, EPCAT_S_MEMBERS, i, EPCAT_MEMBER_W, 1)), vs_oid));
        if (found_)
            return 1;
    }
    int64_t v = find_vs(cat, vs_oid);
    if (v < 0)
        return EPSOS_ENOTFOUND;
    if (system)
        return 0;
    uint32_t first = rec(cat, EPCAT_S_VALUESETS, (uint32_t)v, EPCAT_VS_W, 3),
             n = rec(cat, EPCAT_S_VALUESETS, (uint32_t)v, EPCAT_VS_W, 4);
    for (uint32_t i = first; i < first + n; i++)
        if (!strcmp(str(cat, rec(cat, EPCAT_S_MEMBERS, i, EPCAT_MEMBER_W, 3)), code))
            return 1;
    return 0;
}

EPSOS_API int epsos_catalogue_concept(const char **display, const epsos_catalogue *cat,
                                      const char *system, const char *code)
{
    if (display)
        *display = NULL;
    if (!cat || !system || !code)
        return EPSOS_EINVAL;
    system = sys_of(cat, system);
    const char *k[2] = { system, code };
    uint32_t h = epsos__term_hash(k, 2), i = 0;
    bool found_ = false;
    PROBE(cat, EPCAT_S_CONCEPT_HASH, EPCAT_S_CONCEPTS, EPCAT_CONCEPT_W, h, i,
          !strcmp(str(cat, rec(cat, EPCAT_S_CONCEPTS, i, EPCAT_CONCEPT_W, 2)), code) &&
          !strcmp(str(cat, rec(cat, EPCAT_S_CONCEPTS, i, EPCAT_CONCEPT_W, 1)), system));
    if (!found_)
        return EPSOS_ENOTFOUND;
    if (display)
        *display = str(cat, rec(cat, EPCAT_S_CONCEPTS, i, EPCAT_CONCEPT_W, 3));
    return EPSOS_OK;
}

static bool map_find(const epsos_catalogue *cat, const char *sys, const char *code,
                     const char *vs, uint32_t *out)
{
    const char *k[2] = { sys, code };
    uint32_t h = epsos__term_hash(k, 2), i = 0;
    bool found_ = false;
    PROBE(cat, EPCAT_S_MAP_HASH, EPCAT_S_MAPS, EPCAT_MAP_W, h, i,
          !strcmp(str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 2)), code) &&
          !strcmp(str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 1)), sys) &&
          (!vs || !*str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 4)) ||
           !strcmp(str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 4)), vs)));
    *out = i;
    return found_;
}

EPSOS_API int epsos_catalogue_transcode(const char **system, const char **code,
                                        const char **display, const epsos_catalogue *cat,
                                        const char *nat_system, const char *nat_code,
                                        const char *vs_oid)
{
    if (system) *system = NULL;
    if (code) *code = NULL;
    if (display) *display = NULL;
    if (!cat || !nat_system || !nat_code)
        return EPSOS_EINVAL;
    nat_system = sys_of(cat, nat_system);
    uint32_t i;
    if (!map_find(cat, nat_system, nat_code, vs_oid, &i) &&
        !map_find(cat, nat_system, "*", vs_oid, &i))
        return EPSOS_ENOTFOUND;
    const char *s = str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 5)),
               *c = str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 6)), *d = NULL;
    if (epsos_catalogue_concept(&d, cat, s, c) != EPSOS_OK)
        d = "";
    if (system) *system = s;
    if (code) *code = c;
    if (display) *display = d;
    return EPSOS_OK;
}

static const char *desig_find(const epsos_catalogue *cat, const char *sys, const char *code,
                              const char *lang)
{
    const char *k[3] = { sys, code, lang };
    uint32_t h = epsos__term_hash(k, 3), i = 0;
    bool found_ = false;
    PROBE(cat, EPCAT_S_DESIG_HASH, EPCAT_S_DESIGS, EPCAT_DESIG_W, h, i,
          !strcmp(str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 2)), code) &&
          !strcmp(str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 3)), lang) &&
          !strcmp(str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 1)), sys));
    return found_ ? str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 4)) : NULL;
}

static const char *lang_str(const epsos_catalogue *cat, const char *sys, const char *code,
                            const char *lang)
{
    /* the language string as stored: find it again for a borrowed pointer */
    const char *k[3] = { sys, code, lang };
    uint32_t h = epsos__term_hash(k, 3), i = 0;
    bool found_ = false;
    PROBE(cat, EPCAT_S_DESIG_HASH, EPCAT_S_DESIGS, EPCAT_DESIG_W, h, i,
          !strcmp(str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 2)), code) &&
          !strcmp(str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 3)), lang) &&
          !strcmp(str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 1)), sys));
    return found_ ? str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 3)) : "";
}

EPSOS_API int epsos_catalogue_designation(const char **display, const char **lang_found,
                                          const epsos_catalogue *cat, const char *system,
                                          const char *code, const char *lang)
{
    if (display) *display = NULL;
    if (lang_found) *lang_found = NULL;
    if (!cat || !system || !code || !lang)
        return EPSOS_EINVAL;
    char canon[96];
    if (!epsos__term_lang(lang, canon, sizeof canon))
        return EPSOS_EVALUE;
    system = sys_of(cat, system);
    /* de-AT-x -> de-AT -> de, then en-GB, en */
    char try_[96];
    memcpy(try_, canon, sizeof try_);
    for (;;) {
        const char *t = desig_find(cat, system, code, try_);
        if (t) {
            if (display) *display = t;
            if (lang_found) *lang_found = lang_str(cat, system, code, try_);
            return EPSOS_OK;
        }
        char *dash = strrchr(try_, '-');
        if (!dash)
            break;
        *dash = '\0';
    }
    static const char *const tail[] = { "en-GB", "en" };
    for (size_t j = 0; j < 2; j++) {
        const char *t = desig_find(cat, system, code, tail[j]);
        if (t) {
            if (display) *display = t;
            if (lang_found) *lang_found = lang_str(cat, system, code, tail[j]);
            return EPSOS_OK;
        }
    }
    const char *d = NULL;
    if (epsos_catalogue_concept(&d, cat, system, code) != EPSOS_OK || !*d)
        return EPSOS_ENOTFOUND;
    if (display) *display = d;
    if (lang_found) *lang_found = "";
    return EPSOS_OK;
}

/* One pass of the search: members' displays, then the designations (any
 * language) of members; keys compared folded (loose == false) or folded
 * and without combining marks (loose == true). */
static int search_pass(const char **system, const char **code, const epsos_catalogue *cat,
                       const char *vs_oid, uint32_t first, uint32_t n, const char *key,
                       bool loose)
{
    for (uint32_t i = first; i < first + n; i++) {
        const char *mk = str(cat, rec(cat, EPCAT_S_MEMBERS, i, EPCAT_MEMBER_W, 5));
        bool hit;
        if (loose) {
            char *l = epsos__term_loose(mk);
            if (!l)
                return EPSOS_ENOMEM;
            hit = strcmp(l, key) == 0;
            epsos__free(l);
        } else {
            hit = strcmp(mk, key) == 0;
        }
        if (hit) {
            if (system) *system = str(cat, rec(cat, EPCAT_S_MEMBERS, i, EPCAT_MEMBER_W, 2));
            if (code) *code = str(cat, rec(cat, EPCAT_S_MEMBERS, i, EPCAT_MEMBER_W, 3));
            return EPSOS_OK;
        }
    }
    /* designations: sorted by system, code, language; the member check
     * comes after the (cheaper) text check */
    const sect *ds = &cat->s[EPCAT_S_DESIGS];
    for (uint32_t i = 0; i < ds->count; i++) {
        char *f = epsos__term_fold(str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 4)));
        if (!f)
            return EPSOS_ENOMEM;
        char *l = loose ? epsos__term_loose(f) : NULL;
        bool hit = loose ? l && strcmp(l, key) == 0 : strcmp(f, key) == 0;
        epsos__free(f);
        epsos__free(l);
        if (!hit)
            continue;
        const char *s = str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 1)),
                   *c = str(cat, rec(cat, EPCAT_S_DESIGS, i, EPCAT_DESIG_W, 2));
        if (epsos_catalogue_contains(cat, vs_oid, s, c) == 1) {
            if (system) *system = s;
            if (code) *code = c;
            return EPSOS_OK;
        }
    }
    return EPSOS_ENOTFOUND;
}

EPSOS_API int epsos_catalogue_search(const char **system, const char **code,
                                     const epsos_catalogue *cat, const char *vs_oid,
                                     const char *text)
{
    if (system) *system = NULL;
    if (code) *code = NULL;
    if (!cat || !vs_oid || !text)
        return EPSOS_EINVAL;
    if (!epsos__term_utf8(text, strlen(text)))
        return EPSOS_EVALUE;
    int64_t v = find_vs(cat, vs_oid);
    if (v < 0)
        return EPSOS_ENOTFOUND;
    char *key = epsos__term_fold(text);
    if (!key)
        return EPSOS_ENOMEM;
    uint32_t first = rec(cat, EPCAT_S_VALUESETS, (uint32_t)v, EPCAT_VS_W, 3),
             n = rec(cat, EPCAT_S_VALUESETS, (uint32_t)v, EPCAT_VS_W, 4);
    /* case-insensitive first (accents count: "Côte" is not "Cote"), then
     * case- and accent-insensitive */
    int rc = search_pass(system, code, cat, vs_oid, first, n, key, false);
    if (rc == EPSOS_ENOTFOUND) {
        char *lk = epsos__term_loose(key);
        rc = lk ? search_pass(system, code, cat, vs_oid, first, n, lk, true) : EPSOS_ENOMEM;
        epsos__free(lk);
    }
    epsos__free(key);
    return rc;
}

/* National units: a PQ @unit carries no code system, so a national unit
 * code is looked up among the mappings of every source system.  Linear
 * (run only for a unit that is not valid as it is).  Returns the number of
 * distinct targets found (0, 1, or 2 meaning "several"); with one, *tcode
 * and *ssys (the national system that matched) are set. */
int epsos__term_unit_map(const epsos_catalogue *cat, const char *unit, const char *vs,
                         const char **tcode, const char **ssys)
{
    *tcode = NULL;
    *ssys = NULL;
    int n = 0;
    for (uint32_t i = 0; i < cat->s[EPCAT_S_MAPS].count; i++) {
        if (strcmp(str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 2)), unit) != 0)
            continue;
        const char *mvs = str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 4)),
                   *msys = str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 5)),
                   *mc = str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 6));
        if (strcmp(mvs, vs) != 0 && strcmp(msys, "2.16.840.1.113883.6.8") != 0)
            continue;   /* neither into the unit value set nor to UCUM */
        if (*tcode && strcmp(*tcode, mc) == 0)
            continue;
        if (++n > 1)
            return 2;
        *tcode = mc;
        *ssys = str(cat, rec(cat, EPCAT_S_MAPS, i, EPCAT_MAP_W, 1));
    }
    return n;
}
