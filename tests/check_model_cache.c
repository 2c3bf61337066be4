/*
 * The read caches of lib/model/item.c (occurrence counts, last occurrence
 * found, invalidated per item by located changes) against an oracle that
 * has no caches: a fresh parse of the document's serialization.
 *
 * Seeded pseudo-random sequences of public-API operations (writes, appends,
 * removals, nullFlavors, attributes, translations, copies, absent entries,
 * completion, reads) on a Patient Summary and an ePrescription, through
 * handles kept across writes; every few operations everything the live
 * document reads (every field of every kind, counts, every getter, nested
 * items recursively, and every handle still held) must equal what the
 * reparsed document reads.  A difference names the seed, the operation and
 * the field.  Plus targeted cases: predicates (templateId/code written under
 * a path step), attributes, removals, two handles to one element, signing.
 *
 * EPSOS_CACHE_SEQUENCES overrides the number of sequences (default 200 of 300
 * operations; 30 of 150 under valgrind: EPSOS_TEST_WRAPPER naming valgrind).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <check.h>
#include <epsos.h>
#include "testutil.h"

/* (not ck_assert: Check records the place of every passing assertion, a
 * write(2) each, and this test makes millions of calls) */
#define OK(x)                                                                          \
    do {                                                                               \
        int ok_ = (x);                                                                 \
        if (ok_ != EPSOS_OK)                                                           \
            ck_abort_msg("%s: %d, expected EPSOS_OK", #x, ok_);                        \
    } while (0)
#define REQUIRE(c)                                                                     \
    do {                                                                               \
        if (!(c))                                                                      \
            ck_abort_msg("%s failed", #c);                                             \
    } while (0)

/* ---- deterministic generator and sources ----------------------------------- */

static unsigned long long rs;
static unsigned rnd(unsigned n)
{
    rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
    return n ? (unsigned)((rs >> 33) % n) : 0;
}
static int ids(void *u, char *b, size_t l)
{
    unsigned *n = u;
    snprintf(b, l, "2.999.77.%u", ++*n);
    return 0;
}
static int clk(void *u, char *b, size_t l)
{
    (void)u;
    snprintf(b, l, "20261124120000+0000");
    return 0;
}

/* ---- growing string buffer ------------------------------------------------- */

typedef struct { char *p; size_t n, cap; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        REQUIRE(w >= 0);
        if (b->p && b->n + (size_t)w < b->cap) {
            b->n += (size_t)w;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap <= b->n + (size_t)w)
            cap *= 2;
        b->p = realloc(b->p, cap);
        REQUIRE(b->p != NULL);
        b->cap = cap;
        b->p[b->n] = 0;
    }
}
static void sb_reset(sbuf *b) { b->n = 0; if (b->p) b->p[0] = 0; }
static const char *S(const char *s) { return s ? s : "(null)"; }

/* ---- what a document reads --------------------------------------------------- */

/* items met while dumping the reparsed document: path and kind -> item */
typedef struct { char *path; int32_t kind; epsos_item *item; } seen;
static seen *seens;
static size_t nseen, capseen;

static void seen_clear(void)
{
    for (size_t i = 0; i < nseen; i++)
        free(seens[i].path);
    nseen = 0;
}
static void seen_add(epsos_item *it)
{
    if (nseen == capseen) {
        capseen = capseen ? capseen * 2 : 256;
        seens = realloc(seens, capseen * sizeof *seens);
        REQUIRE(seens != NULL);
    }
    seens[nseen].path = strdup(epsos_item_path(it));
    seens[nseen].kind = epsos_item_kind(it);
    seens[nseen].item = it;
    nseen++;
}
static epsos_item *seen_find(const char *path, int32_t kind)
{
    for (size_t i = 0; i < nseen; i++)
        if (seens[i].kind == kind && strcmp(seens[i].path, path) == 0)
            return seens[i].item;
    return NULL;
}

static const char *const attr_names[] = { "codeSystemName", "classCode", "moodCode",
                                          "negationInd", "typeCode", "operator" };

static bool is_section(int32_t k)
{
    return k == EPSOS_KIND_SECTION || (k >= EPSOS_KIND_PS_MEDICATION_SECTION &&
                                       k <= EPSOS_KIND_PS_ADVANCE_DIRECTIVES_SECTION) ||
           (k >= EPSOS_KIND_PS_IMMUNIZATIONS_SECTION && k <= EPSOS_KIND_PS_RESULTS_SECTION);
}

/* One line per read; nested items recursively while depth > 0. */
static void dump_item(sbuf *b, epsos_item *it, int depth, bool record)
{
    int32_t k = epsos_item_kind(it);
    sb_printf(b, "item %s %s\n", epsos_item_path(it), S(epsos_kind_name(k)));
    if (record)
        seen_add(it);
    if (is_section(k)) {
        int32_t ab = -1;
        const char *code = NULL;
        int rc = epsos_ps_get_absent(it, &ab, &code);
        sb_printf(b, " absent rc%d %d %s\n", rc, ab, S(code));
    }
    size_t nf = epsos_kind_field_count(k);
    for (size_t j = 0; j < nf; j++) {
        int32_t f = epsos_kind_field_at(k, j);
        const char *fn = S(epsos_field_name(f));
        int32_t t = epsos_field_type(k, f);
        size_t n = 0;
        int rc = epsos_item_count(it, f, &n);
        sb_printf(b, " %s count rc%d %zu\n", fn, rc, n);
        for (size_t o = 0; o < n; o++) {
            const char *a = NULL, *c = NULL, *d = NULL;
            sb_printf(b, " %s[%zu]", fn, o);
            switch (t) {
            case EPSOS_T_ITEM: {
                epsos_item *ch = NULL;
                rc = epsos_item_child(&ch, it, f, o);
                sb_printf(b, " child rc%d\n", rc);
                if (ch && depth > 0)
                    dump_item(b, ch, depth - 1, record);
                else if (ch)
                    sb_printf(b, "  -> %s %s\n", epsos_item_path(ch),
                              S(epsos_kind_name(epsos_item_kind(ch))));
                continue;
            }
            case EPSOS_T_CD:
            case EPSOS_T_CS: {
                rc = epsos_item_get_code(it, f, o, &a, &c, &d);
                sb_printf(b, " code rc%d %s|%s|%s", rc, S(a), S(c), S(d));
                size_t nt = 0;
                rc = epsos_item_translation_count(it, f, o, &nt);
                sb_printf(b, " tr rc%d %zu", rc, nt);
                for (size_t ti = 0; ti < nt; ti++) {
                    a = c = d = NULL;
                    rc = epsos_item_get_translation(it, f, o, ti, &a, &c, &d);
                    sb_printf(b, " [rc%d %s|%s|%s]", rc, S(a), S(c), S(d));
                }
                break;
            }
            case EPSOS_T_II:
                rc = epsos_item_get_id(it, f, o, &a, &c);
                sb_printf(b, " id rc%d %s|%s", rc, S(a), S(c));
                break;
            case EPSOS_T_TS:
                rc = epsos_item_get_time(it, f, o, &a);
                sb_printf(b, " time rc%d %s", rc, S(a));
                break;
            case EPSOS_T_PQ:
                rc = epsos_item_get_quantity(it, f, o, &a, &c);
                sb_printf(b, " pq rc%d %s|%s", rc, S(a), S(c));
                break;
            case EPSOS_T_TEL:
                rc = epsos_item_get_telecom(it, f, o, &a, &c);
                sb_printf(b, " tel rc%d %s|%s", rc, S(a), S(c));
                break;
            default:
                rc = epsos_item_get_text(it, f, o, &a);
                sb_printf(b, " text rc%d %s", rc, S(a));
                break;
            }
            a = NULL;
            rc = epsos_item_get_null_flavor(it, f, o, &a);
            sb_printf(b, " nf rc%d %s", rc, S(a));
            for (size_t an = 0; an < sizeof attr_names / sizeof *attr_names; an++) {
                a = NULL;
                rc = epsos_item_get_attr(it, f, o, attr_names[an], &a);
                if (a)
                    sb_printf(b, " @%s=%s", attr_names[an], a);
            }
            sb_printf(b, "\n");
        }
    }
}

/* The first differing line of two dumps, for the failure message. */
static void first_diff(const char *x, const char *y, char *out, size_t len)
{
    const char *lx = x, *ly = y, *item = "";
    size_t itemlen = 0;
    while (*x && *x == *y) {
        if (*x == '\n') {
            lx = x + 1;
            ly = y + 1;
            if (strncmp(lx, "item ", 5) == 0) {
                item = lx;
                itemlen = strcspn(lx, "\n");
            }
        }
        x++, y++;
    }
    int a = (int)strcspn(lx, "\n"), b = (int)strcspn(ly, "\n");
    snprintf(out, len, "in <%.*s>\n   live: %.*s\n reparse: %.*s", (int)itemlen, item, a, lx, b,
             ly);
}

#define MAXH 256
typedef struct {
    epsos_ctx *ctx;
    epsos_doc *doc;
    unsigned counter;
    epsos_item *h[MAXH];
    size_t nh;
    sbuf live, fresh;
    unsigned long long seed;
    int op;
    const char *what;
    size_t checks, handles_checked;
    size_t dump_len;                    /* of the whole live document, last compare */
} state;

/* Everything the live document reads equals what its reparse reads. */
static void compare(state *st)
{
    uint8_t *xml = NULL;
    size_t len = 0;
    OK(epsos_doc_serialize(&xml, &len, st->doc, 0));
    epsos_doc *re = NULL;
    int rc = epsos_doc_parse(&re, st->ctx, xml, len, 0);
    if (rc != EPSOS_OK)
        ck_abort_msg("seed %llu op %d: reparse failed: %s", st->seed, st->op,
                     epsos_ctx_errmsg(st->ctx));
    epsos_free(xml);
    if (epsos_doc_kind(re) != epsos_doc_kind(st->doc))
        ck_abort_msg("seed %llu op %d (%s): the reparse is a %s", st->seed, st->op, st->what,
                  S(epsos_doc_kind_name(epsos_doc_kind(re))));

    epsos_item *lh = NULL, *rh = NULL;
    OK(epsos_doc_header(&lh, st->doc));
    OK(epsos_doc_header(&rh, re));
    sb_reset(&st->live);
    sb_reset(&st->fresh);
    seen_clear();
    dump_item(&st->live, lh, 30, false);
    dump_item(&st->fresh, rh, 30, true);
    st->dump_len = st->live.n;
    if (strcmp(st->live.p, st->fresh.p) != 0) {
        char msg[4096];
        first_diff(st->live.p, st->fresh.p, msg, sizeof msg);
        ck_abort_msg("seed %llu, after op %d (%s): live reads differ from a reparse %s", st->seed,
                     st->op, st->what, msg);
    }
    /* the handles the caller kept (other kinds bound to the same element too) */
    for (size_t i = 0; i < st->nh; i++) {
        const char *p = epsos_item_path(st->h[i]);
        if (!*p)
            continue;                    /* removed */
        epsos_item *r = seen_find(p, epsos_item_kind(st->h[i]));
        if (!r)
            continue;                    /* e.g. a generic section whose code now names a kind */
        sb_reset(&st->live);
        sb_reset(&st->fresh);
        dump_item(&st->live, st->h[i], 0, false);
        dump_item(&st->fresh, r, 0, false);
        if (strcmp(st->live.p, st->fresh.p) != 0) {
            char msg[4096];
            first_diff(st->live.p, st->fresh.p, msg, sizeof msg);
            ck_abort_msg("seed %llu, after op %d (%s): handle %zu reads differ from a reparse %s",
                         st->seed, st->op, st->what, i, msg);
        }
        st->handles_checked++;
    }
    st->checks++;
    epsos_doc_free(re);
}

static void hold(state *st, epsos_item *it)
{
    if (it && st->nh < MAXH)
        st->h[st->nh++] = it;
}

/* Values that flip predicates: the templateIds and codes the library itself
 * writes into new sections and entries. */
#define MAXV 64
static char *pool_root[MAXV], *pool_code[MAXV], *pool_sys[MAXV];
static size_t npool_id, npool_code;

static void harvest(epsos_item *it)
{
    int32_t k = epsos_item_kind(it);
    size_t n = 0;
    if (epsos_item_count(it, EPSOS_F_TEMPLATE_ID, &n) == EPSOS_OK)
        for (size_t i = 0; i < n && npool_id < MAXV; i++) {
            const char *r = NULL, *e = NULL;
            if (epsos_item_get_id(it, EPSOS_F_TEMPLATE_ID, i, &r, &e) == EPSOS_OK && r)
                pool_root[npool_id++] = strdup(r);
        }
    if (epsos_field_type(k, EPSOS_F_CODE) == EPSOS_T_CD &&
        epsos_item_count(it, EPSOS_F_CODE, &n) == EPSOS_OK && n && npool_code < MAXV) {
        const char *c = NULL, *s = NULL, *d = NULL;
        if (epsos_item_get_code(it, EPSOS_F_CODE, 0, &c, &s, &d) == EPSOS_OK && c && s) {
            pool_code[npool_code] = strdup(c);
            pool_sys[npool_code++] = strdup(s);
        }
    }
}

static void pool_free(void)
{
    for (size_t i = 0; i < npool_id; i++)
        free(pool_root[i]);
    for (size_t i = 0; i < npool_code; i++)
        free(pool_code[i]), free(pool_sys[i]);
    npool_id = npool_code = 0;
}

static void state_open(state *st, int32_t doc_kind)
{
    OK(epsos_ctx_new(&st->ctx));
    OK(epsos_doc_new(&st->doc, st->ctx, doc_kind));
    OK(epsos_doc_set_sources(st->doc, ids, clk, &st->counter));
    epsos_item *h = NULL;
    OK(epsos_doc_header(&h, st->doc));
    hold(st, h);
}

static void state_close(state *st)
{
    epsos_doc_free(st->doc);
    epsos_ctx_free(st->ctx);
    free(st->live.p);
    free(st->fresh.p);
    st->live.p = st->fresh.p = NULL;
}

static const char *const nullflavors[] = { "NI", "UNK", "NA", "ASKU", "NAV" };

/* One random operation. */
static void random_op(state *st, char *v)
{
    epsos_item *it = st->h[rnd((unsigned)st->nh)];
    int32_t k = epsos_item_kind(it);
    size_t nf = epsos_kind_field_count(k);
    if (!nf)
        return;
    int32_t f = epsos_kind_field_at(k, rnd((unsigned)nf));
    /* prefer the fields that decide which occurrences match */
    if (rnd(6) == 0 && epsos_field_type(k, EPSOS_F_TEMPLATE_ID) == EPSOS_T_II)
        f = EPSOS_F_TEMPLATE_ID;
    else if (rnd(6) == 0 && epsos_field_type(k, EPSOS_F_CODE) != 0)
        f = EPSOS_F_CODE;
    /* the header's code and templateIds say what the document is: a reparse
     * would be another kind of document */
    if (k == EPSOS_KIND_HEADER && (f == EPSOS_F_CODE || f == EPSOS_F_TEMPLATE_ID))
        return;
    size_t cnt = 0;
    (void)epsos_item_count(it, f, &cnt);
    size_t idx = rnd((unsigned)cnt + 1);
    int32_t t = epsos_field_type(k, f);
    const char *a = NULL, *b = NULL, *c = NULL;
    switch (rnd(20)) {
    case 0: case 1:
        st->what = "remove";
        if (cnt)
            (void)epsos_item_remove(it, f, rnd((unsigned)cnt));
        break;
    case 2:
        st->what = "set_null_flavor";
        if (t != EPSOS_T_ITEM)
            (void)epsos_item_set_null_flavor(it, f, idx, nullflavors[rnd(5)]);
        break;
    case 3:
        st->what = "add_translation";
        if (t == EPSOS_T_CD && cnt)
            (void)epsos_item_add_translation(it, f, rnd((unsigned)cnt), v, "2.999.3", "tr");
        break;
    case 4: {
        /* classCode, typeCode and xsi:type are read predicates of some rows
         * (substanceAdministration[@classCode=SBADM], value[type=PQ]) */
        static const char *const names[] = { "codeSystemName", "classCode", "moodCode",
                                             "negationInd", "typeCode", "xsi:type" };
        static const char *const values[] = { "SBADM", "ACT", "SPLY", "OBS", "PQ", "CD",
                                              "IVL_TS", "RSON", "SUBJ" };
        st->what = "set_attr";
        if (cnt || t != EPSOS_T_ITEM)
            (void)epsos_item_set_attr(it, f, idx, names[rnd(6)],
                                      rnd(4) == 0 ? NULL : rnd(2) ? v : values[rnd(9)]);
        break;
    }
    case 5:
        st->what = "set_translation_attr";
        if (t == EPSOS_T_CD && cnt) {
            size_t o = rnd((unsigned)cnt), nt = 0;
            (void)epsos_item_translation_count(it, f, o, &nt);
            (void)epsos_item_set_translation_attr(it, f, o, rnd((unsigned)nt + 1),
                                                  rnd(2) ? "code" : "displayName", v);
        }
        break;
    case 6:
        if (rnd(3) == 0) {
            st->what = "complete";
            (void)epsos_doc_complete(st->doc, rnd(2) ? EPSOS_COMPLETE_LINKS : 0);
        } else if (rnd(2) == 0) {
            st->what = "add_section";
            epsos_item *s = NULL;
            if (epsos_doc_add_section(&s, st->doc, (int32_t)(1 + rnd(60))) == EPSOS_OK)
                hold(st, s);
        }
        break;
    case 7: {
        st->what = "ps_set_absent";
        epsos_item *e = NULL;
        int32_t sk = rnd(2) ? EPSOS_KIND_PS_ALLERGIES_SECTION
                            : (int32_t)(EPSOS_KIND_PS_MEDICATION_SECTION + rnd(5));
        if (epsos_doc_kind(st->doc) == EPSOS_DOC_PS &&
            epsos_ps_set_absent(&e, st->doc, sk, rnd(2) ? EPSOS_ABSENT_NO_INFO
                                                         : EPSOS_ABSENT_NO_KNOWN) == EPSOS_OK)
            hold(st, e);
        break;
    }
    case 8: {
        st->what = "copy";
        epsos_item *o = st->h[rnd((unsigned)st->nh)];
        if (o != it && epsos_item_kind(o) == k && rnd(3) == 0)
            (void)epsos_item_copy(it, o, rnd(2) ? 0 : f);
        break;
    }
    case 9: {
        st->what = "predicate write";
        if (t == EPSOS_T_II && npool_id)
            (void)epsos_item_set_id(it, f, idx, pool_root[rnd((unsigned)npool_id)],
                                    rnd(2) ? NULL : v);
        else if ((t == EPSOS_T_CD || t == EPSOS_T_CS) && npool_code) {
            unsigned p = rnd((unsigned)npool_code);
            (void)epsos_item_set_code(it, f, idx, pool_code[p], pool_sys[p], "x");
        }
        break;
    }
    case 10: {
        st->what = "child handle";
        size_t n = 0;
        if (t == EPSOS_T_ITEM && epsos_item_count(it, f, &n) == EPSOS_OK && n) {
            epsos_item *ch = NULL;
            if (epsos_item_child(&ch, it, f, rnd((unsigned)n)) == EPSOS_OK)
                hold(st, ch);
        }
        break;
    }
    case 11: case 12: case 13: case 14:
        /* reads: leave caches behind (the next occurrence, counts) */
        st->what = "read";
        for (size_t o = 0; o < cnt; o++) {
            switch (t) {
            case EPSOS_T_CD: case EPSOS_T_CS:
                (void)epsos_item_get_code(it, f, o, &a, &b, &c); break;
            case EPSOS_T_II: (void)epsos_item_get_id(it, f, o, &a, &b); break;
            case EPSOS_T_TS: (void)epsos_item_get_time(it, f, o, &a); break;
            case EPSOS_T_PQ: (void)epsos_item_get_quantity(it, f, o, &a, &b); break;
            case EPSOS_T_TEL: (void)epsos_item_get_telecom(it, f, o, &a, &b); break;
            case EPSOS_T_ITEM: {
                epsos_item *ch = NULL;
                (void)epsos_item_child(&ch, it, f, o);
                break;
            }
            default: (void)epsos_item_get_text(it, f, o, &a); break;
            }
            if (rnd(3) == 0)
                break;
        }
        break;
    default:
        st->what = "set";
        switch (t) {
        case EPSOS_T_ITEM: {
            epsos_item *ch = NULL;
            if (epsos_item_add_child(&ch, it, f) == EPSOS_OK)
                hold(st, ch);
            st->what = "add_child";
            break;
        }
        case EPSOS_T_CD: case EPSOS_T_CS:
            (void)epsos_item_set_code(it, f, idx, rnd(3) ? v : "SUBST", "2.999.1", "disp");
            break;
        case EPSOS_T_II:
            (void)epsos_item_set_id(it, f, idx, rnd(2) ? "2.999.9" : "1.3.6.1.4.1.12559.11.10.1.3.1.3.12",
                                    v);
            break;
        case EPSOS_T_TS: (void)epsos_item_set_time(it, f, idx, rnd(2) ? "20250102" : "2024"); break;
        case EPSOS_T_PQ: (void)epsos_item_set_quantity(it, f, idx, "2", rnd(2) ? "mg" : "1"); break;
        case EPSOS_T_TEL: (void)epsos_item_set_telecom(it, f, idx, "tel:+4512345678", "HP"); break;
        default: (void)epsos_item_set_text(it, f, idx, rnd(2) ? v : "SUBST"); break;
        }
        break;
    }
}

static size_t total_checks, total_handles, grown;

/* Hold the items of a parsed document (a random part of them). */
static void hold_tree(state *st, epsos_item *it, int depth)
{
    int32_t k = epsos_item_kind(it);
    for (size_t j = 0; j < epsos_kind_field_count(k) && depth < 12; j++) {
        int32_t f = epsos_kind_field_at(k, j);
        size_t n = 0;
        if (epsos_field_type(k, f) != EPSOS_T_ITEM || epsos_item_count(it, f, &n) != EPSOS_OK)
            continue;
        for (size_t o = 0; o < n; o++) {
            epsos_item *ch = NULL;
            if (epsos_item_child(&ch, it, f, o) != EPSOS_OK)
                continue;
            harvest(ch);
            if (st->nh < MAXH / 2 && rnd(3))
                hold(st, ch);
            hold_tree(st, ch, depth + 1);
        }
    }
}

/* A sequence on a new document, or on a parsed one (data non-NULL). */
static void run_sequence(unsigned long long seed, int ops, const char *data, size_t len)
{
    state st = { 0 };
    st.seed = seed;
    rs = seed * 0x9E3779B97F4A7C15ULL + 1;
    if (data) {
        OK(epsos_ctx_new(&st.ctx));
        OK(epsos_doc_parse(&st.doc, st.ctx, (const uint8_t *)data, len, 0));
        OK(epsos_doc_set_sources(st.doc, ids, clk, &st.counter));
        epsos_item *h = NULL;
        OK(epsos_doc_header(&h, st.doc));
        hold(&st, h);
        hold_tree(&st, h, 0);
    } else {
        int32_t dk = seed % 4 == 3 ? EPSOS_DOC_EP : EPSOS_DOC_PS;
        state_open(&st, dk);
        for (int32_t k = 1; k < 64 && st.nh < 16; k++) {
            epsos_item *s = NULL;
            if (rnd(3) == 0 && epsos_doc_add_section(&s, st.doc, k) == EPSOS_OK) {
                hold(&st, s);
                harvest(s);
            }
        }
    }
    st.op = -1;
    st.what = "start";
    compare(&st);
    size_t start_len = st.dump_len;
    char v[64];
    int next_check = 1 + (int)rnd(4);
    for (st.op = 0; st.op < ops; st.op++) {
        snprintf(v, sizeof v, "v%d", st.op);
        random_op(&st, v);
        if (--next_check == 0) {
            compare(&st);
            next_check = 1 + (int)rnd(6);
        }
    }
    st.what = "end";
    compare(&st);
    if (st.dump_len > start_len)
        grown++;
    total_checks += st.checks;
    total_handles += st.handles_checked;
    state_close(&st);
}

static bool under_valgrind(void)
{
    const char *w = getenv("EPSOS_TEST_WRAPPER");
    return (w && strstr(w, "valgrind")) || getenv("RUNNING_ON_VALGRIND");
}

static int sequences(void)
{
    const char *e = getenv("EPSOS_CACHE_SEQUENCES");
    if (e && *e)
        return atoi(e);
    return under_valgrind() ? 30 : 200;
}

START_TEST(test_random_sequences)
{
    int n = sequences(), ops = under_valgrind() ? 150 : 300;
    for (int i = 0; i < n; i++)
        run_sequence((unsigned long long)i + 1, ops, NULL, 0);
    pool_free();
    printf("model cache: %d sequences of %d operations, %zu comparisons with a reparse, "
           "%zu of kept handles; %zu documents grew\n", n, ops, total_checks, total_handles, grown);
    /* the sequences must do something: most documents end up larger */
    ck_assert_uint_ge(grown * 10, (size_t)n * 9);
}
END_TEST

static char *corpus_file(const char *rel)
{
    const char *env = getenv("EPSOS_CORPUS");
    static char path[4096];
    if (env)
        snprintf(path, sizeof path, "%s/%s", env, rel);
    else
        snprintf(path, sizeof path, "%s/../shared/corpus/%s", TOP_SRCDIR, rel);
    return access(path, R_OK) == 0 ? path : NULL;
}


/* Parsed documents: legacy epSOS rows (alternate paths, [@classCode] and
 * [tid] predicates on entries) and the narrative of real documents. */
START_TEST(test_corpus_sequences)
{
    static const char *const files[] = {
        "samples/konateq-openncp/psstore/2-1234-W8.xml",              /* epSOS PS */
        "samples/konateq-openncp/eP/ep_multiple_active_ingredients.xml", /* epSOS eP */
        "samples/sundhedsdatastyrelsen-ehdsi/patient-summary-examples/L3_PS_ReferenceTestData_W5.xml",
        "samples/williamgoossen-epsos-gnomonportal/epsos/HUVR_ePrescription_Representative_Data.xml",
    };
    int n = under_valgrind() ? 2 : 8, ops = under_valgrind() ? 100 : 150, done = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        const char *p = corpus_file(files[f]);
        if (!p) {
            printf("model cache: %s: corpus file absent, skipped\n", files[f]);
            continue;
        }
        size_t len = 0;
        char *data = slurp(p, &len);
        for (int i = 0; i < n; i++)
            run_sequence(5000 + 100 * f + (unsigned)i, ops, data, len);
        free(data);
        done++;
    }
    pool_free();
    printf("model cache: %d corpus documents, %d sequences each\n", done, n);
}
END_TEST

/* ---- targeted cases ------------------------------------------------------ */

/* A fresh state with a few sections; every read cached. */
static void targeted_open(state *st, const char *what)
{
    st->seed = 0;
    st->op = 0;
    st->what = what;
    state_open(st, EPSOS_DOC_PS);
}

/* A templateId and a code written under the step of a path (the section's
 * code decides its kind, the entries' templateIds which rows match them). */
START_TEST(test_predicates)
{
    state st = { 0 };
    targeted_open(&st, "predicates");
    epsos_item *sec = NULL, *allergy_sec = NULL, *med = NULL, *med2 = NULL, *hdr = st.h[0];
    OK(epsos_item_add_child(&sec, hdr, EPSOS_F_SECTION));
    OK(epsos_doc_add_section(&allergy_sec, st.doc, EPSOS_KIND_PS_ALLERGIES_SECTION));
    OK(epsos_doc_add_section(&med, st.doc, EPSOS_KIND_PS_MEDICATION_SECTION));
    hold(&st, sec), hold(&st, allergy_sec), hold(&st, med);
    epsos_item *m = NULL, *conc = NULL;
    OK(epsos_item_add_child(&m, med, EPSOS_F_MEDICATION));
    OK(epsos_item_add_child(&conc, allergy_sec, EPSOS_F_ALLERGY));
    hold(&st, m), hold(&st, conc);
    compare(&st);
    /* the code of the generic section: now a medication summary */
    st.what = "section code 10160-0";
    size_t before = 0, after = 0;
    OK(epsos_item_count(hdr, EPSOS_F_SECTION, &before));
    OK(epsos_item_set_code(sec, EPSOS_F_CODE, 0, "10160-0", "2.16.840.1.113883.6.1",
                           "History of Medication use Narrative"));
    compare(&st);
    OK(epsos_item_count(hdr, EPSOS_F_SECTION, &after));
    ck_assert_uint_eq(before, after);
    /* the templateIds of the medication section copied onto the generic one */
    st.what = "templateIds of a medication section";
    size_t nt = 0;
    OK(epsos_item_count(med, EPSOS_F_TEMPLATE_ID, &nt));
    ck_assert_uint_gt(nt, 0);
    for (size_t i = 0; i < nt; i++) {
        const char *r = NULL, *e = NULL;
        OK(epsos_item_get_id(med, EPSOS_F_TEMPLATE_ID, i, &r, &e));
        char *rc = strdup(r);
        size_t have = 0;
        OK(epsos_item_count(sec, EPSOS_F_TEMPLATE_ID, &have));
        (void)epsos_item_set_id(sec, EPSOS_F_TEMPLATE_ID, have, rc, NULL);
        free(rc);
        compare(&st);
    }
    /* the code of the medication entry's section changed under it */
    st.what = "medication section code changed";
    OK(epsos_item_set_code(med, EPSOS_F_CODE, 0, "48765-2", "2.16.840.1.113883.6.1", "Allergies"));
    compare(&st);
    st.what = "back";
    OK(epsos_item_set_code(med, EPSOS_F_CODE, 0, "10160-0", "2.16.840.1.113883.6.1", "Meds"));
    compare(&st);
    /* the classCode of the medication element: the row reads
     * substanceAdministration[@classCode=SBADM] (the legacy path) */
    st.what = "medication classCode";
    for (int i = 0; i < 3; i++) {
        static const char *const cc[] = { "ACT", NULL, "SBADM" };
        (void)epsos_item_set_attr(med, EPSOS_F_MEDICATION, 0, "classCode", cc[i]);
        compare(&st);
    }
    /* a second medication: the count cached on the section grows in place */
    st.what = "append through a handle";
    OK(epsos_item_add_child(&med2, med, EPSOS_F_MEDICATION));
    hold(&st, med2);
    OK(epsos_item_set_code(med2, EPSOS_F_PRODUCT_CODE, 0, "X", "2.999.1", "x"));
    compare(&st);
    /* the templateId of an entry removed: the row no longer matches it */
    st.what = "entry templateId removed";
    size_t n = 0;
    if (epsos_item_count(m, EPSOS_F_TEMPLATE_ID, &n) != EPSOS_OK)
        n = 0;                          /* not a field of a medication */
    while (n--) {
        (void)epsos_item_remove(m, EPSOS_F_TEMPLATE_ID, 0);
        compare(&st);
    }
    state_close(&st);
}
END_TEST

/* Attributes, nullFlavors, removals, and two handles to one element. */
START_TEST(test_attrs_removals_handles)
{
    state st = { 0 };
    targeted_open(&st, "attrs");
    epsos_item *hdr = st.h[0], *pat = NULL, *pat2 = NULL, *name = NULL;
    size_t n = 0;
    OK(epsos_item_count(hdr, EPSOS_F_PATIENT, &n));
    if (n)
        OK(epsos_item_child(&pat, hdr, EPSOS_F_PATIENT, 0));
    else
        OK(epsos_item_add_child(&pat, hdr, EPSOS_F_PATIENT));
    OK(epsos_item_child(&pat2, hdr, EPSOS_F_PATIENT, 0));
    hold(&st, pat);
    hold(&st, pat2);
    OK(epsos_item_add_child(&name, pat, EPSOS_F_NAME));
    hold(&st, name);
    for (int i = 0; i < 4; i++) {
        char v[16];
        snprintf(v, sizeof v, "G%d", i);
        OK(epsos_item_set_text(name, EPSOS_F_GIVEN, (size_t)i, v));
        compare(&st);
    }
    /* written through one handle, read through the other */
    st.what = "two handles";
    OK(epsos_item_set_time(pat, EPSOS_F_BIRTH_TIME, 0, "19700101"));
    const char *t = NULL;
    OK(epsos_item_get_time(pat2, EPSOS_F_BIRTH_TIME, 0, &t));
    ck_assert_str_eq(t, "19700101");
    OK(epsos_item_set_time(pat2, EPSOS_F_BIRTH_TIME, 0, "19800202"));
    OK(epsos_item_get_time(pat, EPSOS_F_BIRTH_TIME, 0, &t));
    ck_assert_str_eq(t, "19800202");
    compare(&st);
    /* attribute writes */
    st.what = "attributes";
    OK(epsos_item_set_code(pat, EPSOS_F_GENDER, 0, "F", "2.16.840.1.113883.5.1", "Female"));
    OK(epsos_item_set_attr(pat, EPSOS_F_GENDER, 0, "codeSystemName", "AdministrativeGender"));
    compare(&st);
    OK(epsos_item_set_attr(pat2, EPSOS_F_GENDER, 0, "codeSystemName", NULL));
    compare(&st);
    OK(epsos_item_set_null_flavor(pat, EPSOS_F_BIRTH_TIME, 0, "UNK"));
    compare(&st);
    /* removals from the middle, reading on from the cached occurrence */
    st.what = "removals";
    const char *g = NULL;
    OK(epsos_item_get_text(name, EPSOS_F_GIVEN, 1, &g));
    OK(epsos_item_remove(name, EPSOS_F_GIVEN, 1));
    OK(epsos_item_get_text(name, EPSOS_F_GIVEN, 1, &g));
    ck_assert_str_eq(g, "G2");
    OK(epsos_item_count(name, EPSOS_F_GIVEN, &n));
    ck_assert_uint_eq(n, 3);
    compare(&st);
    OK(epsos_item_remove(pat2, EPSOS_F_NAME, 0));
    ck_assert_str_eq(epsos_item_path(name), "");
    compare(&st);
    state_close(&st);
}
END_TEST

/* ---- signing --------------------------------------------------------------- */

START_TEST(test_signed)
{
    char dir[] = "/tmp/epsos-cache-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && openssl ecparam -name prime256v1 -genkey -noout -out k.pem 2>/dev/null && "
             "openssl req -new -x509 -key k.pem -subj /CN=cache-test -days 2 -out c.pem "
             "2>/dev/null",
             dir);
    int rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "openssl failed");
    char path[600];
    size_t kl, cl;
    snprintf(path, sizeof path, "%s/k.pem", dir);
    char *key = slurp(path, &kl);
    unlink(path);
    snprintf(path, sizeof path, "%s/c.pem", dir);
    char *cert = slurp(path, &cl);
    unlink(path);
    rmdir(dir);

    for (int pos = 0; pos < 2; pos++) {
        state st = { 0 };
        unsigned long long seed = 1000 + (unsigned)pos;
        st.seed = seed;
        rs = seed;
        targeted_open(&st, "build");
        st.seed = seed;
        for (int32_t k = EPSOS_KIND_PS_MEDICATION_SECTION; k <= EPSOS_KIND_PS_DEVICES_SECTION; k++) {
            epsos_item *s = NULL;
            OK(epsos_doc_add_section(&s, st.doc, k));
            hold(&st, s);
        }
        char v[64];
        for (st.op = 0; st.op < 120; st.op++) {
            snprintf(v, sizeof v, "v%d", st.op);
            random_op(&st, v);
        }
        compare(&st);                   /* every read cached */
        epsos_signer *sg = NULL;
        OK(epsos_signer_new_pem(&sg, st.ctx, (uint8_t *)key, kl, (uint8_t *)cert, cl));
        st.what = "sign";
        OK(epsos_doc_sign(st.doc, sg, NULL, pos ? 0 : EPSOS_DSIG_POS_DEFAULT));
        epsos_signer_free(sg);
        uint8_t *x = NULL;
        size_t xl = 0;
        OK(epsos_doc_serialize(&x, &xl, st.doc, 0));
        ck_assert_ptr_nonnull(strstr((char *)x, "Signature"));
        epsos_free(x);
        compare(&st);
        /* and writes after signing */
        for (int i = 0; i < 60; i++, st.op++) {
            snprintf(v, sizeof v, "s%d", i);
            random_op(&st, v);
            compare(&st);
        }
        state_close(&st);
    }
    free(key);
    free(cert);
    pool_free();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_cache");
    TCase *tc = tcase_create("cache");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_predicates);
    tcase_add_test(tc, test_attrs_removals_handles);
    tcase_add_test(tc, test_signed);
    tcase_add_test(tc, test_random_sequences);
    tcase_add_test(tc, test_corpus_sequences);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    seen_clear();
    free(seens);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
