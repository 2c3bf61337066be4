/*
 * The TEMPLATE TABLE section of man/man7/libepsos.7 against the template
 * table itself (lib/model/table.h): for every kind its heading (constant,
 * number, name, section title), for every row an entry (field constant and
 * number, datatype, cardinality, M/R mark, path, legacy path), no entry for
 * a row that does not exist, and the field constants list (constant, number,
 * name).  The constants' values come from the headers in include/epsos.  Each mismatch
 * is printed; any mismatch fails.
 *
 * Usage: check_kinds_man [PAGE]  (default $top_srcdir/man/man7/libepsos.7;
 * top_srcdir from the environment, else the one configured)
 * SPDX-License-Identifier: MIT
 */
#include "config.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/table.h"

typedef struct { char name[64]; int num; } konst;           /* #define in a header */
typedef struct {
    int kind, num, used;
    char cname[64], spec[128], path[700], alt[700];
} entry;                                                     /* one .TP of a kind */
typedef struct { int num, used; char cname[64], name[64], rest[200]; } heading;
typedef struct { int num, used; char cname[64], name[64]; } fname;   /* field list line */

static konst consts[1024];
static size_t nconsts;
static entry ents[2048];
static size_t nents;
static heading heads[EPSOS__MAX_KIND];
static size_t nheads;
static fname fnames[EPSOS__MAX_FIELD];
static size_t nfnames;
static int errors;

#define MISMATCH(...) (errors++, printf(__VA_ARGS__))

static void read_headers(const char *top)
{
    char dir[4096], file[4400], line[512], name[64];
    snprintf(dir, sizeof dir, "%s/include/epsos", top);
    DIR *d = opendir(dir);
    if (!d) {
        printf("cannot open %s\n", dir);
        exit(99);
    }
    for (struct dirent *de; (de = readdir(d));) {
        size_t l = strlen(de->d_name);
        if (l < 3 || strcmp(de->d_name + l - 2, ".h"))
            continue;
        snprintf(file, sizeof file, "%s/%s", dir, de->d_name);
        FILE *f = fopen(file, "r");
        int n;
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "#define %63s %d", name, &n) == 2 && nconsts < 1024 &&
                (!strncmp(name, "EPSOS_KIND_", 11) || !strncmp(name, "EPSOS_F_", 8))) {
                snprintf(consts[nconsts].name, sizeof consts[0].name, "%s", name);
                consts[nconsts++].num = n;
            }
        if (f)
            fclose(f);
    }
    closedir(d);
}

static int const_num(const char *name)
{
    for (size_t i = 0; i < nconsts; i++)
        if (!strcmp(consts[i].name, name))
            return consts[i].num;
    return -1;
}

static const char *const_name(const char *prefix, int num)
{
    for (size_t i = 0; i < nconsts; i++)
        if (consts[i].num == num && !strncmp(consts[i].name, prefix, strlen(prefix)))
            return consts[i].name;
    return "?";
}

/* A path as the page writes it: roff quotes, \: and \- removed. */
static void unroff(char *dst, size_t cap, const char *s)
{
    size_t n = 0, l = strlen(s);
    if (l >= 2 && s[0] == '"' && s[l - 1] == '"')
        s++, l -= 2;
    for (size_t i = 0; i < l && n + 1 < cap; i++) {
        if (s[i] == '\\' && (s[i + 1] == ':' || s[i + 1] == '-')) {
            if (s[++i] == '-')
                dst[n++] = '-';
        } else {
            dst[n++] = s[i];
        }
    }
    dst[n] = '\0';
}

/* A path as the table writes it, without what the builder alone reads
 * ("+" and the {..} inits). */
static void page_path(char *dst, size_t cap, const char *s)
{
    size_t n = 0;
    int depth = 0;
    for (size_t i = 0; s && s[i] && n + 1 < cap; i++) {
        if (s[i] == '{' || s[i] == '}')
            depth += s[i] == '{' ? 1 : -1;
        else if (!depth && !(s[i] == '+' && (i == 0 || s[i - 1] == '/')))
            dst[n++] = s[i];
    }
    dst[n] = '\0';
}

static void read_page(const char *page)
{
    FILE *f = fopen(page, "r");
    if (!f) {
        printf("cannot open %s\n", page);
        exit(99);
    }
    char *line = NULL;
    size_t cap = 0;
    int kind = 0, list = 0, state = 0, tp = 0;
    entry *e = NULL;
    while (getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "\n")] = '\0';
        int after_tp = tp;
        tp = !strcmp(line, ".TP");
        heading *h = &heads[nheads];
        if (!strncmp(line, ".SS \"EPSOS_KIND_", 16) && nheads < EPSOS__MAX_KIND) {
            if (sscanf(line, ".SS \"%63s (%d), \\(dq%63[^\\]\\(dq: %199[^\"]", h->cname,
                       &h->num, h->name, h->rest) != 4)
                MISMATCH("heading not understood: %s\n", line);
            kind = h->num;
            nheads++;
            list = state = 0;
            e = NULL;
        } else if (!strncmp(line, ".SS", 3) || !strncmp(line, ".SH", 3)) {
            list = !strcmp(line, ".SS Field constants");
            kind = state = 0;
            e = NULL;
        } else if (list && !strncmp(line, "EPSOS_F_", 8) && nfnames < EPSOS__MAX_FIELD) {
            fname *fn = &fnames[nfnames++];
            if (sscanf(line, "%63s %d %63s", fn->cname, &fn->num, fn->name) != 3)
                MISMATCH("field list line not understood: %s\n", line);
        } else if (kind && after_tp && !strncmp(line, ".BR EPSOS_F_", 12) && nents < 2048) {
            e = &ents[nents++];
            e->kind = kind;
            if (sscanf(line, ".BR %63s \" (%d)\"", e->cname, &e->num) != 2)
                MISMATCH("entry not understood: %s\n", line);
            state = 1;
        } else if (e && state == 1) {
            snprintf(e->spec, sizeof e->spec, "%s", line);
            state = 2;
        } else if (e && state == 2 && !strncmp(line, ".B ", 3)) {
            unroff(e->path, sizeof e->path, line + 3);
            state = 3;
        } else if (e && state == 3 && !strcmp(line, ".br")) {
            state = 4;
        } else if (e && state == 4 && !strcmp(line, "legacy epSOS:")) {
            state = 5;
        } else if (e && state == 5 && !strncmp(line, ".B ", 3)) {
            unroff(e->alt, sizeof e->alt, line + 3);
            state = 0;
        } else {
            state = 0;
        }
    }
    free(line);
    fclose(f);
}

static bool header_kind(int32_t kind)
{
    for (size_t i = 0; i < epsos__header_set.nkinds; i++)
        if (epsos__header_set.kinds[i].kind == kind)
            return true;
    return false;
}

/* "TYPE, min..max[, M | R[ (nullFlavor X)]]:" as the page's introduction
 * to the table explains it. */
static void row_spec(char *dst, size_t cap, int32_t kind, const epsos__row *row)
{
    static const char *const types[] = { "?", "TEXT", "CS", "CD", "II", "TS", "PQ", "TEL" };
    const epsos__row_src *r = row->src;
    char type[80], max[16] = "*", mark[40] = "";
    const char *kc = const_name("EPSOS_KIND_", r->child_kind);
    if (r->type == EPSOS_T_ITEM)
        snprintf(type, sizeof type, "ITEM(%s)", strlen(kc) > 11 ? kc + 11 : kc);
    else
        snprintf(type, sizeof type, "%s", r->type > 0 && r->type < 8 ? types[r->type] : "?");
    if (r->max != UINT32_MAX)
        snprintf(max, sizeof max, "%u", (unsigned)r->max);
    if (!header_kind(kind) && r->min > 0 && r->type != EPSOS_T_ITEM) {
        if (r->flags & EPSOS__ROW_MANDATORY)
            snprintf(mark, sizeof mark, ", M");
        else if (!row->p[0].attr[0])
            snprintf(mark, sizeof mark, ", R%s", r->flags & EPSOS__ROW_NF_NA ? " (nullFlavor NA)"
                     : r->flags & EPSOS__ROW_NF_UNK ? " (nullFlavor UNK)" : "");
    }
    snprintf(dst, cap, "%s, %u..%s%s:", type, (unsigned)r->min, max, mark);
}

static void check_kind(const epsos__kind_table *kt)
{
    const char *kc = const_name("EPSOS_KIND_", kt->kind);
    heading *h = NULL;
    for (size_t i = 0; i < nheads && !h; i++)
        if (heads[i].num == kt->kind)
            h = &heads[i];
    if (!h) {
        MISMATCH("%s (%d): no heading, table says \"%s\"\n", kc, kt->kind, kt->name);
        return;
    }
    h->used = 1;
    char want[700], got[700];
    if (strcmp(h->cname, kc) || strcmp(h->name, kt->name))
        MISMATCH("%s (%d): page says %s \"%s\", table says %s \"%s\"\n", kc, kt->kind, h->cname,
                 h->name, kc, kt->name);
    snprintf(want, sizeof want, "section %s", kt->title ? kt->title : "");
    if (kt->title && strcmp(h->rest, want))
        MISMATCH("%s (%d): page says \"%s\", table says \"%s\"\n", kc, kt->kind, h->rest, want);
    size_t at = 0;                                  /* entries are in table order */
    for (size_t i = 0; i < kt->nrows; i++) {
        const epsos__row *row = &kt->rows[i];
        int32_t f = row->src->field;
        const char *fc = const_name("EPSOS_F_", f);
        entry *e = NULL;
        for (size_t j = 0; j < nents && !e; j++)
            if (ents[j].kind == kt->kind && ents[j].num == f && !ents[j].used)
                e = &ents[j];
        if (!e) {
            row_spec(want, sizeof want, kt->kind, row);
            MISMATCH("%s (%d) %s (%d): no entry, table says %s\n", kc, kt->kind, fc, f, want);
            continue;
        }
        e->used = 1;
        if ((size_t)(e - ents) < at)
            MISMATCH("%s (%d) %s (%d): entry out of table order\n", kc, kt->kind, fc, f);
        at = (size_t)(e - ents);
        if (strcmp(e->cname, fc))
            MISMATCH("%s (%d) %s (%d): page says %s\n", kc, kt->kind, fc, f, e->cname);
        row_spec(want, sizeof want, kt->kind, row);
        if (strcmp(e->spec, want))
            MISMATCH("%s (%d) %s (%d): page says \"%s\", table says \"%s\"\n", kc, kt->kind, fc,
                     f, e->spec, want);
        for (int p = 0; p < 2; p++) {
            page_path(want, sizeof want, p ? row->src->alt : row->src->path);
            snprintf(got, sizeof got, "%s", p ? e->alt : e->path);
            if (strcmp(got, want))
                MISMATCH("%s (%d) %s (%d): page says %s \"%s\", table says \"%s\"\n", kc,
                         kt->kind, fc, f, p ? "legacy path" : "path", got, want);
        }
    }
}

int main(int argc, char **argv)
{
    const char *top = getenv("top_srcdir");
    char page[4200];
    if (!top || !*top)
        top = TOP_SRCDIR;
    snprintf(page, sizeof page, "%s", argc > 1 ? argv[1] : "");
    if (argc < 2)
        snprintf(page, sizeof page, "%s/man/man7/libepsos.7", top);
    if (epsos_init() != EPSOS_OK) {
        printf("epsos_init failed\n");
        return 99;
    }
    read_headers(top);
    read_page(page);
    size_t nkinds = 0;
    for (int32_t k = 1; k < EPSOS__MAX_KIND; k++)
        if (epsos__kind(k))
            nkinds++, check_kind(epsos__kind(k));
    for (size_t i = 0; i < nheads; i++)
        if (!heads[i].used)
            MISMATCH("%s (%d): a heading, table has no such kind\n", heads[i].cname, heads[i].num);
    for (size_t j = 0; j < nents; j++)
        if (!ents[j].used)
            MISMATCH("%s (%d) %s (%d): an entry, table has no such row\n",
                     const_name("EPSOS_KIND_", ents[j].kind), ents[j].kind, ents[j].cname,
                     ents[j].num);
    size_t nfields = 0;
    for (int32_t f = 1; f < EPSOS__MAX_FIELD; f++) {
        const char *name = epsos_field_name(f);
        fname *fn = NULL;
        for (size_t i = 0; i < nfnames && !fn; i++)
            if (fnames[i].num == f)
                fn = &fnames[i];
        if (!name)
            continue;
        nfields++;
        if (!fn) {
            MISMATCH("field list: no %s %d, table says \"%s\"\n", const_name("EPSOS_F_", f), f,
                     name);
            continue;
        }
        fn->used = 1;
        if (const_num(fn->cname) != f || strcmp(fn->name, name))
            MISMATCH("field list: page says %s %d %s, table says %s %d %s\n", fn->cname, f,
                     fn->name, const_name("EPSOS_F_", f), f, name);
    }
    for (size_t i = 0; i < nfnames; i++)
        if (!fnames[i].used)
            MISMATCH("field list: page says %s %d %s, table has no such field\n",
                     fnames[i].cname, fnames[i].num, fnames[i].name);
    if (nkinds == 0 || nfields == 0 || nconsts == 0)
        MISMATCH("nothing compared (%zu kinds, %zu fields, %zu constants)\n", nkinds, nfields,
                 nconsts);
    printf("%s: %zu kinds, %zu entries, %zu fields: %d mismatches\n", page, nkinds, nents,
           nfields, errors);
    return errors ? 1 : 0;
}
