/*
 * epsos - the command-line face of libepsos.
 * SPDX-License-Identifier: MIT
 *
 * Subcommands:
 *   epsos info FILE...                    human summary of each document
 *   epsos dump [--json] [--pretty] FILE... the documents as JSON (Lines)
 *
 * Conventions shared by every subcommand: "-" as FILE reads standard input;
 * output goes to standard output or, with -o FILE, to FILE.tmp which is then
 * renamed onto FILE (refused when FILE is one of the inputs).  Exit status:
 * 0 success, 1 findings, 2 usage error or an input that could not be read
 * or parsed (the remaining inputs are still processed).
 *
 * Only the public API of libepsos and the C library are used here.
 */
#define _POSIX_C_SOURCE 200809L

#include <epsos.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#define EXIT_OK       0
#define EXIT_FINDINGS 1
#define EXIT_TROUBLE  2

static const char *const progname = "epsos";

/* ---------------------------------------------------------------------- */
/* small helpers                                                          */
/* ---------------------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) {
        fprintf(stderr, "%s: out of memory\n", progname);
        exit(EXIT_TROUBLE);
    }
    return q;
}

/* A growable string. */
typedef struct {
    char  *s;
    size_t len, cap;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
    if (s != NULL)
        sb_addn(b, s, strlen(s));
}

/* Append with a single space separator when b is not empty. */
static void sb_word(sbuf *b, const char *s)
{
    if (s == NULL || *s == '\0')
        return;
    if (b->len > 0)
        sb_addn(b, " ", 1);
    sb_add(b, s);
}

static void sb_reset(sbuf *b)
{
    b->len = 0;
    if (b->s != NULL)
        b->s[0] = '\0';
}

static void sb_free(sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

/* Print s with runs of white space folded to one space, leading and
 * trailing white space dropped and other control characters shown as '?';
 * "-" when nothing is left. */
static void put_clean(FILE *out, const char *s)
{
    int printed = 0, pending_space = 0;

    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            pending_space = printed;
            continue;
        }
        if (pending_space)
            fputc(' ', out);
        pending_space = 0;
        fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
        printed = 1;
    }
    if (!printed)
        fputc('-', out);
}

/* ---------------------------------------------------------------------- */
/* the run: context, output, status                                       */
/* ---------------------------------------------------------------------- */

typedef struct {
    FILE          *f;
    int            pretty;
    size_t         depth;
    unsigned char *first;      /* first[d]: container at depth d is still empty */
    size_t         first_cap;
    int            after_key;
} json_writer;

typedef struct {
    epsos_ctx  *ctx;
    FILE       *out;
    const char *label;         /* the input being processed, for messages */
    int         status;        /* worst exit status so far */
    int         ndocs;         /* documents written so far */
    int         pretty;
    json_writer jw;
} run_state;

static void set_status(run_state *r, int status)
{
    if (status > r->status)
        r->status = status;
}

/* "epsos: FILE:LINE: message (at XPATH)" for the last failure on ctx. */
static void report_ctx_error(const char *label, epsos_ctx *ctx, int rc)
{
    int32_t     line = epsos_ctx_errline(ctx);
    const char *msg  = epsos_ctx_errmsg(ctx);
    const char *loc  = epsos_ctx_errloc(ctx);
    size_t      n;

    if (msg == NULL || *msg == '\0')
        msg = epsos_strerror(rc);
    /* The parser's message may itself start with "line N: ": say it once. */
    if (line > 0 && strncmp(msg, "line ", 5) == 0) {
        char *end = NULL;
        long  l   = strtol(msg + 5, &end, 10);
        if (end != msg + 5 && l == (long)line && end[0] == ':' && end[1] == ' ')
            msg = end + 2;
    }
    /* A file error may already name the file: say it once. */
    n = strlen(label);
    if (strncmp(msg, label, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
        msg += n + 2;
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
        n--;

    fprintf(stderr, "%s: %s", progname, label);
    if (line > 0)
        fprintf(stderr, ":%ld", (long)line);
    fprintf(stderr, ": %.*s", (int)n, msg);
    if (loc != NULL && *loc != '\0')
        fprintf(stderr, " (at %s)", loc);
    fputc('\n', stderr);
}

/* A reader failed where it should not (a library problem, not the input's). */
static void report_read_error(run_state *r, const epsos_item *item, int32_t field,
                              size_t index, int rc)
{
    const char *name = epsos_field_name(field);
    const char *msg  = epsos_ctx_errmsg(r->ctx);

    fprintf(stderr, "%s: %s: %s: cannot read %s[%zu]: %s\n", progname, r->label,
            epsos_item_path(item), name ? name : "?", index,
            (msg && *msg) ? msg : epsos_strerror(rc));
    set_status(r, EXIT_TROUBLE);
}

/* Read all of a stream, at most max + 1 bytes (so the library can say that
 * the input is over its limit).  Returns 0 or errno. */
static int read_stream(FILE *in, uint64_t max, uint8_t **out, size_t *out_len)
{
    uint8_t *buf = NULL;
    size_t   len = 0, cap = 0;
    size_t   want = (max >= (uint64_t)SIZE_MAX - 1) ? SIZE_MAX - 1 : (size_t)max + 1;

    for (;;) {
        size_t n;
        if (len == cap) {
            if (cap >= want)
                break;
            cap = cap ? cap * 2 : 65536;
            if (cap > want || cap < len)
                cap = want;
            buf = xrealloc(buf, cap);
        }
        errno = 0;
        n = fread(buf + len, 1, cap - len, in);
        len += n;
        if (n == 0) {
            if (ferror(in)) {
                int e = errno ? errno : EIO;
                free(buf);
                return e;
            }
            break;
        }
    }
    if (buf == NULL)
        buf = xrealloc(NULL, 1);
    *out = buf;
    *out_len = len;
    return 0;
}

/* Parse one input; NULL (and a message on stderr) on failure. */
static epsos_doc *load_doc(run_state *r, const char *path)
{
    epsos_doc *doc = NULL;
    int rc;

    if (strcmp(path, "-") == 0) {
        uint64_t max = UINT64_MAX;
        uint8_t *data = NULL;
        size_t   len = 0;
        int      e;

        if (epsos_ctx_get_limit(r->ctx, EPSOS_LIMIT_MAX_BYTES, &max) != EPSOS_OK)
            max = UINT64_MAX;
        e = read_stream(stdin, max, &data, &len);
        if (e != 0) {
            fprintf(stderr, "%s: %s: cannot read: %s\n", progname, r->label, strerror(e));
            set_status(r, EXIT_TROUBLE);
            return NULL;
        }
        rc = epsos_doc_parse(&doc, r->ctx, data, len, 0);
        free(data);
    } else {
        rc = epsos_doc_parse_file(&doc, r->ctx, path, 0);
    }
    if (rc != EPSOS_OK || doc == NULL) {
        report_ctx_error(r->label, r->ctx, rc);
        epsos_doc_free(doc);
        set_status(r, EXIT_TROUBLE);
        return NULL;
    }
    return doc;
}

/* ---------------------------------------------------------------------- */
/* JSON writer                                                            */
/* ---------------------------------------------------------------------- */

/* Runs of characters that need no escaping go out in one fwrite: with
 * several threads, each stdio call takes the stream's lock, and a call per
 * character cost a quarter of `dump -j 2`'s time. */
static void jw_string(json_writer *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    FILE *f = w->f;

    fputc('"', f);
    while (*s != '\0') {
        size_t n = 0;
        while (s[n] != '\0' && s[n] != '"' && s[n] != '\\' &&
               (unsigned char)s[n] >= 0x20)
            n++;
        if (n > 0) {
            fwrite(s, 1, n, f);
            s += n;
            continue;
        }
        unsigned char c = (unsigned char)*s++;
        char esc[6] = { '\\', (char)c, 0, 0, 0, 0 };
        if (c < 0x20) {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            fwrite(esc, 1, 6, f);
        } else {
            fwrite(esc, 1, 2, f);
        }
    }
    fputc('"', f);
}

static void jw_newline_indent(json_writer *w)
{
    size_t i;
    if (!w->pretty)
        return;
    fputc('\n', w->f);
    for (i = 0; i < w->depth; i++)
        fputs("  ", w->f);
}

/* Before a key, or a value that has no key (array element, top level). */
static void jw_pre(json_writer *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth > 0) {
        if (!w->first[w->depth])
            fputc(',', w->f);
        w->first[w->depth] = 0;
        jw_newline_indent(w);
    }
}

static void jw_begin(json_writer *w, char open)
{
    jw_pre(w);
    fputc(open, w->f);
    w->depth++;
    if (w->depth >= w->first_cap) {
        w->first_cap = w->first_cap ? w->first_cap * 2 : 64;
        w->first = xrealloc(w->first, w->first_cap);
    }
    w->first[w->depth] = 1;
}

static void jw_end(json_writer *w, char close)
{
    int empty = w->first[w->depth];
    w->depth--;
    if (!empty)
        jw_newline_indent(w);
    fputc(close, w->f);
}

static void jw_key(json_writer *w, const char *key)
{
    jw_pre(w);
    jw_string(w, key);
    fputs(w->pretty ? ": " : ":", w->f);
    w->after_key = 1;
}

static void jw_str(json_writer *w, const char *s)
{
    jw_pre(w);
    if (s == NULL)
        fputs("null", w->f);
    else
        jw_string(w, s);
}

/* "key": "value", only when value is not NULL. */
static void jw_opt(json_writer *w, const char *key, const char *value)
{
    if (value != NULL) {
        jw_key(w, key);
        jw_str(w, value);
    }
}

/* ---------------------------------------------------------------------- */
/* dump: the generic walk over the template table                         */
/* ---------------------------------------------------------------------- */

static void dump_item(run_state *r, epsos_item *item, const char *null_flavor);

/* @code of a coded simple value (CS).  The library reads a CS through
 * epsos_item_get_text() and refuses epsos_item_get_code() (which is for CD);
 * accept either, should that change. */
static int read_cs(const epsos_item *item, int32_t field, size_t k, const char **code)
{
    int rc = epsos_item_get_text(item, field, k, code);
    if (rc == EPSOS_ETYPE)
        rc = epsos_item_get_code(item, field, k, code, NULL, NULL);
    return rc;
}

/* The JSON keys of each datatype, in output order, and how to read them. */
static const struct {
    int32_t     type;
    const char *keys[4];
} shapes[] = {
    { EPSOS_T_CS,  { "code" } },
    { EPSOS_T_CD,  { "code", "codeSystem", "codeSystemName", "displayName" } },
    { EPSOS_T_II,  { "root", "extension" } },
    { EPSOS_T_TS,  { "value" } },
    { EPSOS_T_PQ,  { "value", "unit" } },
    { EPSOS_T_TEL, { "value", "use" } },
};

static int get_values(const epsos_item *it, int32_t f, size_t k, int32_t type,
                      const char *v[4])
{
    int rc;
    switch (type) {
    case EPSOS_T_CS:  return read_cs(it, f, k, &v[0]);
    case EPSOS_T_CD:
        rc = epsos_item_get_code(it, f, k, &v[0], &v[1], &v[3]);
        return rc != EPSOS_OK ? rc : epsos_item_get_attr(it, f, k, "codeSystemName", &v[2]);
    case EPSOS_T_II:  return epsos_item_get_id(it, f, k, &v[0], &v[1]);
    case EPSOS_T_TS:  return epsos_item_get_time(it, f, k, &v[0]);
    case EPSOS_T_PQ:  return epsos_item_get_quantity(it, f, k, &v[0], &v[1]);
    case EPSOS_T_TEL: return epsos_item_get_telecom(it, f, k, &v[0], &v[1]);
    default:          return EPSOS_ETYPE;
    }
}

/* translation[] of a coded value */
static void dump_translations(run_state *r, epsos_item *item, int32_t field, size_t k)
{
    json_writer *w = &r->jw;
    size_t ntr = 0;
    if (epsos_item_translation_count(item, field, k, &ntr) != EPSOS_OK || ntr == 0)
        return;
    jw_key(w, "translation");
    jw_begin(w, '[');
    for (size_t t = 0; t < ntr; t++) {
        const char *tc = NULL, *ts = NULL, *td = NULL;
        int trc = epsos_item_get_translation(item, field, k, t, &tc, &ts, &td);
        if (trc != EPSOS_OK) {
            report_read_error(r, item, field, k, trc);
            jw_str(w, NULL);
            continue;
        }
        jw_begin(w, '{');
        jw_opt(w, "code", tc);
        jw_opt(w, "codeSystem", ts);
        jw_opt(w, "displayName", td);
        jw_end(w, '}');
    }
    jw_end(w, ']');
}

static void dump_value(run_state *r, epsos_item *item, int32_t field, int32_t type,
                       size_t k)
{
    json_writer *w = &r->jw;
    const char *nf = NULL, *v[4] = { NULL, NULL, NULL, NULL };
    int rc;

    /* <addr nullFlavor="UNK"/> is information too */
    rc = epsos_item_get_null_flavor(item, field, k, &nf);
    if (rc != EPSOS_OK) {
        report_read_error(r, item, field, k, rc);
        nf = NULL;
    }
    if (type == EPSOS_T_ITEM) {
        epsos_item *child = NULL;
        rc = epsos_item_child(&child, item, field, k);
        if (rc != EPSOS_OK || child == NULL) {
            report_read_error(r, item, field, k, rc);
            jw_str(w, NULL);
            return;
        }
        dump_item(r, child, nf);
        return;
    }
    if (type == EPSOS_T_TEXT) {
        rc = epsos_item_get_text(item, field, k, &v[0]);
        if (rc != EPSOS_OK) {
            report_read_error(r, item, field, k, rc);
            v[0] = NULL;
        }
        if (nf == NULL) {
            jw_str(w, v[0]);
        } else {
            jw_begin(w, '{');
            jw_opt(w, "nullFlavor", nf);
            jw_opt(w, "text", v[0]);
            jw_end(w, '}');
        }
        return;
    }
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        if (shapes[s].type != type)
            continue;
        rc = get_values(item, field, k, type, v);
        if (rc != EPSOS_OK) {
            report_read_error(r, item, field, k, rc);
            jw_str(w, NULL);
            return;
        }
        jw_begin(w, '{');
        jw_opt(w, "nullFlavor", nf);
        for (size_t i = 0; i < 4 && shapes[s].keys[i]; i++)
            jw_opt(w, shapes[s].keys[i], v[i]);
        if (type == EPSOS_T_CD)
            dump_translations(r, item, field, k);
        jw_end(w, '}');
        return;
    }
    /* A datatype this tool does not know yet: say so, keep the JSON valid. */
    fprintf(stderr, "%s: %s: %s: field %s has unknown datatype %ld\n", progname, r->label,
            epsos_item_path(item), epsos_field_name(field) ? epsos_field_name(field) : "?",
            (long)type);
    set_status(r, EXIT_TROUBLE);
    jw_str(w, NULL);
}

static void dump_item(run_state *r, epsos_item *item, const char *null_flavor)
{
    json_writer *w = &r->jw;
    int32_t kind = epsos_item_kind(item);
    size_t  nfields = epsos_kind_field_count(kind);
    size_t  i;

    jw_begin(w, '{');
    jw_opt(w, "nullFlavor", null_flavor);
    for (i = 0; i < nfields; i++) {
        int32_t     field = epsos_kind_field_at(kind, i);
        int32_t     type = epsos_field_type(kind, field);
        const char *name = epsos_field_name(field);
        uint32_t    cmin = 0, cmax = UINT32_MAX;
        size_t      count = 0, k, n;
        int         many, rc;

        if (type == 0 || name == NULL) {
            fprintf(stderr, "%s: %s: kind %s: table entry %zu (field %ld) has %s\n",
                    progname, r->label, epsos_kind_name(kind) ? epsos_kind_name(kind) : "?",
                    i, (long)field, type == 0 ? "no datatype" : "no name");
            set_status(r, EXIT_TROUBLE);
            continue;
        }
        if (epsos_field_cardinality(kind, field, &cmin, &cmax) != EPSOS_OK)
            cmax = UINT32_MAX;
        rc = epsos_item_count(item, field, &count);
        if (rc != EPSOS_OK) {
            report_read_error(r, item, field, 0, rc);
            continue;
        }
        if (count == 0)
            continue;

        /* An array when the field may repeat, or when a document repeats a
         * 0..1 or 1..1 field (nothing read is dropped); otherwise the value. */
        many = cmax > 1 || count > 1;
        n = many ? count : 1;
        jw_key(w, name);
        if (many)
            jw_begin(w, '[');
        for (k = 0; k < n; k++)
            dump_value(r, item, field, type, k);
        if (many)
            jw_end(w, ']');
    }
    jw_end(w, '}');
}

static void dump_doc(run_state *r, epsos_doc *doc, const char *label)
{
    json_writer *w = &r->jw;
    epsos_item *header = NULL;
    int rc;

    w->f = r->out;
    w->pretty = r->pretty;
    w->depth = 0;
    w->after_key = 0;

    jw_begin(w, '{');
    jw_key(w, "file");
    jw_str(w, label);
    jw_key(w, "kind");
    jw_str(w, epsos_doc_kind_name(epsos_doc_kind(doc)));
    jw_key(w, "generation");
    jw_str(w, epsos_generation_name(epsos_doc_generation(doc)));
    rc = epsos_doc_header(&header, doc);
    if (rc == EPSOS_OK && header != NULL) {
        jw_key(w, "header");
        dump_item(r, header, NULL);
    } else {
        report_ctx_error(label, r->ctx, rc);
        set_status(r, EXIT_TROUBLE);
    }
    jw_end(w, '}');
    fputc('\n', r->out);
}

/* ---------------------------------------------------------------------- */
/* info: a short human summary                                            */
/* ---------------------------------------------------------------------- */

/* Borrowed readers that answer NULL for "absent" (or any failure). */
static const char *get_text(const epsos_item *item, int32_t field, size_t k)
{
    const char *s = NULL;
    return (item && epsos_item_get_text(item, field, k, &s) == EPSOS_OK) ? s : NULL;
}

/* @code of a CD or CS field. */
static const char *get_code(const epsos_item *item, int32_t field, size_t k)
{
    const char *s = NULL;
    if (item == NULL)
        return NULL;
    if (epsos_field_type(epsos_item_kind(item), field) == EPSOS_T_CS)
        return read_cs(item, field, k, &s) == EPSOS_OK ? s : NULL;
    return epsos_item_get_code(item, field, k, &s, NULL, NULL) == EPSOS_OK ? s : NULL;
}

static const char *get_time(const epsos_item *item, int32_t field, size_t k)
{
    const char *s = NULL;
    return (item && epsos_item_get_time(item, field, k, &s) == EPSOS_OK) ? s : NULL;
}

static size_t get_count(const epsos_item *item, int32_t field)
{
    size_t n = 0;
    if (item == NULL || epsos_item_count(item, field, &n) != EPSOS_OK)
        return 0;
    return n;
}

static epsos_item *get_child(epsos_item *item, int32_t field, size_t k)
{
    epsos_item *c = NULL;
    if (item == NULL || epsos_item_child(&c, item, field, k) != EPSOS_OK)
        return NULL;
    return c;
}

/* "root^extension", "root", "^extension" or "" into b. */
static void add_id(sbuf *b, const epsos_item *item, int32_t field, size_t k)
{
    const char *root = NULL, *ext = NULL;

    if (item == NULL || epsos_item_get_id(item, field, k, &root, &ext) != EPSOS_OK)
        return;
    if (root != NULL)
        sb_add(b, root);
    if (ext != NULL && *ext != '\0') {
        sb_add(b, "^");
        sb_add(b, ext);
    }
}

/* Given names then family names of a NAME item. */
static void add_person_name(sbuf *b, const epsos_item *name)
{
    size_t i, n;

    n = get_count(name, EPSOS_F_GIVEN);
    for (i = 0; i < n; i++)
        sb_word(b, get_text(name, EPSOS_F_GIVEN, i));
    n = get_count(name, EPSOS_F_FAMILY);
    for (i = 0; i < n; i++)
        sb_word(b, get_text(name, EPSOS_F_FAMILY, i));
}

static void info_line(FILE *out, int indent, const char *label, const char *value)
{
    int pad = 16 - indent - (int)strlen(label);

    fprintf(out, "%*s%s%*s", indent, "", label, pad > 1 ? pad : 1, "");
    put_clean(out, value);
    fputc('\n', out);
}

static void info_sections(FILE *out, epsos_item *parent, int depth)
{
    size_t i, n = get_count(parent, EPSOS_F_SECTION);

    for (i = 0; i < n; i++) {
        epsos_item *s = get_child(parent, EPSOS_F_SECTION, i);
        if (s == NULL)
            continue;
        fprintf(out, "%*s", 2 * depth, "");
        put_clean(out, get_code(s, EPSOS_F_CODE, 0));
        fputc(' ', out);
        put_clean(out, get_text(s, EPSOS_F_TITLE, 0));
        fputc('\n', out);
        info_sections(out, s, depth + 1);
    }
}

static void info_doc(run_state *r, epsos_doc *doc, const char *label)
{
    FILE *out = r->out;
    epsos_item *h = NULL, *p, *o;
    sbuf b = {0};
    size_t i, n;

    if (r->ndocs > 0)
        fputc('\n', out);
    if (epsos_doc_header(&h, doc) != EPSOS_OK)
        h = NULL;

    info_line(out, 0, "file:", label);
    info_line(out, 0, "kind:", epsos_doc_kind_name(epsos_doc_kind(doc)));
    info_line(out, 0, "generation:", epsos_generation_name(epsos_doc_generation(doc)));
    info_line(out, 0, "title:", get_text(h, EPSOS_F_TITLE, 0));
    add_id(&b, h, EPSOS_F_ID, 0);
    info_line(out, 0, "id:", b.s);
    sb_reset(&b);
    info_line(out, 0, "effective:", get_time(h, EPSOS_F_EFFECTIVE_TIME, 0));
    info_line(out, 0, "language:", get_code(h, EPSOS_F_LANGUAGE, 0));

    /* patient */
    p = get_child(h, EPSOS_F_PATIENT, 0);
    n = get_count(p, EPSOS_F_NAME);
    for (i = 0; i < n; i++) {
        sbuf one = {0};
        add_person_name(&one, get_child(p, EPSOS_F_NAME, i));
        if (one.len > 0) {
            if (b.len > 0)
                sb_add(&b, " / ");
            sb_add(&b, one.s);
        }
        sb_free(&one);
    }
    info_line(out, 0, "patient:", b.len ? b.s : NULL);
    sb_reset(&b);
    info_line(out, 2, "birth time:", get_time(p, EPSOS_F_BIRTH_TIME, 0));
    info_line(out, 2, "gender:", get_code(p, EPSOS_F_GENDER, 0));
    if (get_count(p, EPSOS_F_ID) > 0)
        add_id(&b, p, EPSOS_F_ID, 0);
    info_line(out, 2, "id:", b.len ? b.s : NULL);
    sb_reset(&b);

    /* authors */
    n = get_count(h, EPSOS_F_AUTHOR);
    if (n == 0)
        info_line(out, 0, "author:", NULL);
    for (i = 0; i < n; i++) {
        epsos_item *a = get_child(h, EPSOS_F_AUTHOR, i);

        if (get_count(a, EPSOS_F_NAME) > 0) {
            add_person_name(&b, get_child(a, EPSOS_F_NAME, 0));
        } else if (get_count(a, EPSOS_F_DEVICE_SOFTWARE) + get_count(a, EPSOS_F_DEVICE_MODEL) > 0) {
            sb_add(&b, "device");
            sb_word(&b, get_text(a, EPSOS_F_DEVICE_SOFTWARE, 0));
            if (get_count(a, EPSOS_F_DEVICE_SOFTWARE) > 0 && get_count(a, EPSOS_F_DEVICE_MODEL) > 0)
                sb_add(&b, " /");
            sb_word(&b, get_text(a, EPSOS_F_DEVICE_MODEL, 0));
        }
        info_line(out, 0, "author:", b.len ? b.s : NULL);
        sb_reset(&b);
        o = get_child(a, EPSOS_F_ORGANIZATION, 0);
        info_line(out, 2, "organization:", get_text(o, EPSOS_F_ORGANIZATION_NAME, 0));
    }

    /* custodian */
    o = get_child(h, EPSOS_F_CUSTODIAN, 0);
    info_line(out, 0, "custodian:", get_text(o, EPSOS_F_ORGANIZATION_NAME, 0));

    /* sections */
    if (get_count(h, EPSOS_F_SECTION) == 0) {
        info_line(out, 0, "sections:", NULL);
    } else {
        fputs("sections:\n", out);
        info_sections(out, h, 1);
    }
    sb_free(&b);
}

/* ---------------------------------------------------------------------- */
/* command line                                                           */
/* ---------------------------------------------------------------------- */

enum { OPT_OUTPUT = 1u, OPT_JSON = 2u, OPT_PRETTY = 4u, OPT_JOBS = 8u };

typedef struct command {
    const char *name;
    const char *summary;
    const char *usage;
    unsigned    options;       /* OPT_* accepted */
    void      (*each)(run_state *r, epsos_doc *doc, const char *label);
} command;

static const command commands[] = {
    { "info", "print a short summary of each document",
      "Usage: epsos info [-j N] [-o FILE] FILE...\n"
      "\n"
      "Print a short summary of each CDA document: kind, generation, title,\n"
      "document id, effective time, language, patient, authors, custodian and\n"
      "the list of sections.  Missing values are shown as \"-\".\n"
      "\n"
      "  -j, --jobs N       process N files at a time (0: one per processor);\n"
      "                     the output keeps the order of the files\n"
      "  -o, --output FILE  write to FILE (through FILE.tmp, then renamed)\n"
      "  -h, --help         show this help\n"
      "\n"
      "FILE \"-\" reads standard input.  Exit status: 0 success, 2 usage error or\n"
      "an input that could not be read or parsed.\n",
      OPT_OUTPUT | OPT_JOBS, info_doc },
    { "dump", "write the documents as JSON",
      "Usage: epsos dump [--json] [--pretty] [-j N] [-o FILE] FILE...\n"
      "\n"
      "Write each CDA document as one JSON object: {\"file\", \"kind\", \"generation\",\n"
      "\"header\"}, the header holding every field of the template table that\n"
      "the document has.  Objects are written one per line (JSON Lines), or\n"
      "indented with --pretty.\n"
      "\n"
      "  --json             JSON output (the default and only format)\n"
      "  --pretty           indent the JSON\n"
      "  -j, --jobs N       process N files at a time (0: one per processor);\n"
      "                     the output keeps the order of the files\n"
      "  -o, --output FILE  write to FILE (through FILE.tmp, then renamed)\n"
      "  -h, --help         show this help\n"
      "\n"
      "FILE \"-\" reads standard input.  Exit status: 0 success, 2 usage error or\n"
      "an input that could not be read or parsed.\n",
      OPT_OUTPUT | OPT_JSON | OPT_PRETTY | OPT_JOBS, dump_doc },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* Subcommands with options of their own, each in its own file. */
static const struct {
    const char *name, *summary;
    int (*fn)(int argc, char **argv);
} ext_commands[] = {
#define EPSOS_CMD(name, summary, fn) { name, summary, fn },
#include "commands.def"
#undef EPSOS_CMD
    { NULL, NULL, NULL }
};

static int run_ext(const char *name, int argc, char **argv)
{
    for (size_t i = 0; ext_commands[i].name; i++)
        if (strcmp(name, ext_commands[i].name) == 0)
            return ext_commands[i].fn(argc, argv);
    return -1;
}

static void main_usage(FILE *f)
{
    size_t i;

    fputs("Usage: epsos COMMAND [OPTION]... FILE...\n"
          "       epsos COMMAND --help\n"
          "       epsos --help | --version\n"
          "\n"
          "Commands:\n", f);
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    for (i = 0; ext_commands[i].name; i++)
        fprintf(f, "  %-8s %s\n", ext_commands[i].name, ext_commands[i].summary);
    fputs("\n"
          "FILE \"-\" reads standard input.  Exit status: 0 success, 1 findings,\n"
          "2 usage error or an input that could not be read or parsed.\n", f);
}

/* "epsos: CMD: WHAT 'ARG'" and a hint; returns the usage exit status. */
static int usage_error(const command *cmd, const char *what, const char *arg)
{
    fprintf(stderr, "%s: ", progname);
    if (cmd != NULL)
        fprintf(stderr, "%s: ", cmd->name);
    fputs(what, stderr);
    if (arg != NULL)
        fprintf(stderr, " '%s'", arg);
    fputc('\n', stderr);
    if (cmd != NULL)
        fprintf(stderr, "Try 'epsos %s --help'.\n", cmd->name);
    else
        fputs("Try 'epsos --help'.\n", stderr);
    return EXIT_TROUBLE;
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    if (strcmp(a, b) == 0)
        return 1;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* progress on a terminal                                                 */
/* ---------------------------------------------------------------------- */

/* After a second, a run over several files shows "[i/n] FILE" on standard
 * error when that is a terminal, at most ten times a second; cleared at the
 * end.  Never in pipes or files. */
typedef struct {
    int    on;          /* stderr is a terminal and there are several files */
    double start, last;
    int    shown;
} progress;

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_init(progress *p, size_t nfiles)
{
    p->on = nfiles > 1 && isatty(STDERR_FILENO);
    p->start = p->last = p->on ? mono_now() : 0;
    p->shown = 0;
}

static void progress_step(progress *p, size_t done, size_t total, const char *file)
{
    if (!p->on)
        return;
    double t = mono_now();
    if (t - p->start < 1.0 || t - p->last < 0.1)
        return;
    p->last = t;
    p->shown = 1;
    fprintf(stderr, "\r\033[K[%zu/%zu] %.60s", done, total, file);
    fflush(stderr);
}

static void progress_end(progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
}

/* ---------------------------------------------------------------------- */
/* several files at a time                                                */
/* ---------------------------------------------------------------------- */

/* Each worker has its own context (a ctx is used by one thread at a time)
 * and writes each document into a buffer of its own; the main thread writes
 * the buffers in the order of the files, as each one is done. */
typedef struct {
    char   *buf;
    size_t  len;
    int     status;
    int     done;
} job_result;

typedef struct {
    const command  *cmd;
    char          **files;
    size_t          nfiles, next;
    int             pretty;
    job_result     *results;
    size_t          waiting;        /* result the main thread sleeps on, or SIZE_MAX */
    pthread_mutex_t lock;
    pthread_cond_t  cond;
} job_queue;

static void process_one(run_state *r, const command *cmd, const char *file)
{
    epsos_doc *doc;
    r->label = file;
    doc = load_doc(r, file);
    if (doc == NULL)
        return;
    cmd->each(r, doc, file);
    r->ndocs++;
    epsos_doc_free(doc);
}

/* Takes the next file from the queue and processes it with r (the calling
 * thread's own state); returns 0 when the queue is empty. */
static int job_take(job_queue *q, run_state *r, int ok)
{
    pthread_mutex_lock(&q->lock);
    size_t i = q->next < q->nfiles ? q->next++ : SIZE_MAX;
    pthread_mutex_unlock(&q->lock);
    if (i == SIZE_MAX)
        return 0;
    job_result res = { NULL, 0, EXIT_TROUBLE, 1 };
    r->status = EXIT_OK;
    r->ndocs = 0;                    /* separators are the writer's job */
    r->out = ok ? open_memstream(&res.buf, &res.len) : NULL;
    if (r->out != NULL) {
        /* The stream is this thread's own: holding its lock for the
         * whole document spares a lock round trip per stdio call. */
        flockfile(r->out);
        process_one(r, q->cmd, q->files[i]);
        funlockfile(r->out);
        if (fclose(r->out) != 0)
            set_status(r, EXIT_TROUBLE);
        res.status = r->status;
    } else {
        fprintf(stderr, "%s: %s: out of memory\n", progname, q->files[i]);
    }
    r->out = NULL;
    pthread_mutex_lock(&q->lock);
    q->results[i] = res;
    /* Wake the main thread only when it sleeps on this very result: a
     * wake-up per document costs two context switches on a small machine. */
    if (q->waiting == i)
        pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
    return 1;
}

static void *job_worker(void *arg)
{
    job_queue *q = arg;
    run_state r;
    memset(&r, 0, sizeof r);
    r.pretty = q->pretty;
    int ok = epsos_ctx_new(&r.ctx) == EPSOS_OK;
    while (job_take(q, &r, ok))
        ;
    epsos_ctx_free(r.ctx);
    free(r.jw.first);
    return NULL;
}

/* Writes result i (done) to r->out and releases it. */
static void job_emit(run_state *r, const command *cmd, job_result *res)
{
    if (res->len > 0) {
        /* the separator a single run writes between documents */
        if (r->ndocs++ > 0 && cmd->each == info_doc)
            fputc('\n', r->out);
        fwrite(res->buf, 1, res->len, r->out);
    }
    free(res->buf);
    res->buf = NULL;
    set_status(r, res->status);
}

/* Runs the files on `jobs` threads -- the main thread is one of them: it
 * processes files too and, between two of its own, writes out the results
 * that are ready, in the order of the files. */
static void run_jobs(run_state *r, const command *cmd, char **files, size_t nfiles,
                     unsigned jobs)
{
    job_queue q;
    pthread_t *threads = xrealloc(NULL, sizeof *threads * jobs);
    unsigned started = 0;
    memset(&q, 0, sizeof q);
    q.cmd = cmd;
    q.files = files;
    q.nfiles = nfiles;
    q.pretty = r->pretty;
    q.waiting = SIZE_MAX;
    q.results = xrealloc(NULL, sizeof *q.results * nfiles);
    memset(q.results, 0, sizeof *q.results * nfiles);
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.cond, NULL);
    for (unsigned t = 1; t < jobs; t++)
        if (pthread_create(&threads[started], NULL, job_worker, &q) == 0)
            started++;
    run_state mine;                     /* the main thread's worker state */
    memset(&mine, 0, sizeof mine);
    mine.pretty = r->pretty;
    int ok = epsos_ctx_new(&mine.ctx) == EPSOS_OK;
    progress pr;
    progress_init(&pr, nfiles);
    size_t written = 0;
    for (;;) {
        int more = job_take(&q, &mine, ok);
        pthread_mutex_lock(&q.lock);
        while (written < nfiles && (q.results[written].done || !more)) {
            if (!q.results[written].done) {     /* nothing left to take: wait */
                q.waiting = written;
                pthread_cond_wait(&q.cond, &q.lock);
                continue;
            }
            q.waiting = SIZE_MAX;
            pthread_mutex_unlock(&q.lock);
            progress_step(&pr, written, nfiles, files[written]);
            job_emit(r, cmd, &q.results[written]);
            written++;
            pthread_mutex_lock(&q.lock);
        }
        pthread_mutex_unlock(&q.lock);
        if (written == nfiles)
            break;
    }
    epsos_ctx_free(mine.ctx);
    free(mine.jw.first);
    progress_end(&pr);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_destroy(&q.lock);
    pthread_cond_destroy(&q.cond);
    free(q.results);
    free(threads);
}

static char **main_argv;                 /* for tune_threads */

/* Several files at a time run on threads, and in a multi-threaded process
 * glibc's malloc takes its arena lock for every allocation or free that its
 * per-thread cache (7 blocks a size by default) does not serve -- parsing
 * and freeing a document are thousands of them: merely having a second
 * thread makes `epsos dump` over the corpus 9% slower (an idle thread
 * preloaded: 425 -> 462 ms), so -j 2 gave 1.83x of -j 1.  A larger cache
 * removes that (j 1 401 ms, j 2 207 ms), but glibc reads its size only from
 * the environment at start-up: with -j > 1 the command runs itself again
 * once with glibc.malloc.tcache_count set (about 2 ms).  Not under valgrind
 * (the new process would run outside it) nor when EPSOS_NO_REEXEC is set;
 * if the exec fails, the command goes on as it is. */
static void tune_threads(void)
{
#if defined(__GLIBC__) && defined(__linux__)
    static const char tunable[] = "glibc.malloc.tcache_count=";
    const char *t = getenv("GLIBC_TUNABLES"), *pre = getenv("LD_PRELOAD");
    if (!main_argv || (t && strstr(t, tunable)) || getenv("EPSOS_NO_REEXEC") ||
        (pre && strstr(pre, "vgpreload")))
        return;
    size_t tl = t ? strlen(t) : 0;
    char *v = malloc(tl + sizeof tunable + 8);
    if (!v)
        return;
    snprintf(v, tl + sizeof tunable + 8, "%s%s%s1000", t ? t : "", t ? ":" : "", tunable);
    if (setenv("GLIBC_TUNABLES", v, 1) == 0) {
        fflush(NULL);
        execv("/proc/self/exe", main_argv);
        /* (still here: go on as it is, without trying again) */
        setenv("EPSOS_NO_REEXEC", "1", 1);
    }
    free(v);
#endif
}

static int run_command(const command *cmd, int argc, char **argv)
{
    unsigned jobs = 1;
    const char *output = NULL;
    char      **files;
    size_t      nfiles = 0, i;
    int         pretty = 0, options_done = 0, a;
    char       *tmp = NULL;
    run_state   r;
    int         rc;

    files = xrealloc(NULL, sizeof *files * (size_t)(argc > 0 ? argc : 1));

    for (a = 0; a < argc; a++) {
        char *arg = argv[a];

        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            files[nfiles++] = arg;
        } else if (strcmp(arg, "--") == 0) {
            options_done = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(cmd->usage, stdout);
            free(files);
            return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_TROUBLE;
        } else if ((cmd->options & OPT_OUTPUT) &&
                   (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0)) {
            if (a + 1 >= argc) {
                free(files);
                return usage_error(cmd, "missing FILE after option", arg);
            }
            output = argv[++a];
        } else if ((cmd->options & OPT_OUTPUT) && strncmp(arg, "--output=", 9) == 0) {
            output = arg + 9;
        } else if ((cmd->options & OPT_OUTPUT) && strncmp(arg, "-o", 2) == 0) {
            output = arg + 2;
        } else if ((cmd->options & OPT_JOBS) &&
                   (strcmp(arg, "-j") == 0 || strcmp(arg, "--jobs") == 0 ||
                    strncmp(arg, "--jobs=", 7) == 0 || strncmp(arg, "-j", 2) == 0)) {
            const char *v = strncmp(arg, "--jobs=", 7) == 0 ? arg + 7
                            : (strcmp(arg, "-j") == 0 || strcmp(arg, "--jobs") == 0)
                                ? (a + 1 < argc ? argv[++a] : NULL) : arg + 2;
            char *end = NULL;
            long n = v ? strtol(v, &end, 10) : -1;
            if (!v || !*v || *end || n < 0 || n > 1024) {
                free(files);
                return usage_error(cmd, "-j wants a number of jobs from 0 to 1024", v);
            }
            if (n == 0) {
                long cpus = sysconf(_SC_NPROCESSORS_ONLN);
                n = cpus > 0 ? cpus : 1;
            }
            jobs = (unsigned)n;
        } else if ((cmd->options & OPT_JSON) && strcmp(arg, "--json") == 0) {
            /* the only format */
        } else if ((cmd->options & OPT_PRETTY) && strcmp(arg, "--pretty") == 0) {
            pretty = 1;
        } else {
            free(files);
            return usage_error(cmd, "unknown option", arg);
        }
    }
    if (output != NULL && *output == '\0') {
        free(files);
        return usage_error(cmd, "empty output file name", NULL);
    }
    if (nfiles == 0) {
        free(files);
        return usage_error(cmd, "no input FILE given (use \"-\" for standard input)", NULL);
    }
    if (jobs > 1 && nfiles > 1)
        tune_threads();

    memset(&r, 0, sizeof r);
    r.pretty = pretty;
    r.out = stdout;

    if (output != NULL && strcmp(output, "-") != 0) {
        size_t len = strlen(output);

        tmp = xrealloc(NULL, len + 5);
        memcpy(tmp, output, len);
        memcpy(tmp + len, ".tmp", 5);
        for (i = 0; i < nfiles; i++) {
            if (strcmp(files[i], "-") == 0)
                continue;
            if (same_file(output, files[i]) || same_file(tmp, files[i])) {
                fprintf(stderr, "%s: %s: refusing to write output onto input file '%s'\n",
                        progname, cmd->name, files[i]);
                free(tmp);
                free(files);
                return EXIT_TROUBLE;
            }
        }
        r.out = fopen(tmp, "wb");
        if (r.out == NULL) {
            fprintf(stderr, "%s: %s: cannot create: %s\n", progname, tmp, strerror(errno));
            free(tmp);
            free(files);
            return EXIT_TROUBLE;
        }
    }

    rc = epsos_ctx_new(&r.ctx);
    if (rc != EPSOS_OK) {
        fprintf(stderr, "%s: cannot create a libepsos context: %s\n", progname,
                epsos_strerror(rc));
        if (tmp != NULL) {
            fclose(r.out);
            remove(tmp);
        }
        free(tmp);
        free(files);
        return EXIT_TROUBLE;
    }

    if (jobs > 1 && nfiles > 1) {
        run_jobs(&r, cmd, files, nfiles, jobs < nfiles ? jobs : (unsigned)nfiles);
    } else {
        progress pr;
        progress_init(&pr, nfiles);
        for (i = 0; i < nfiles; i++) {
            progress_step(&pr, i, nfiles, files[i]);
            process_one(&r, cmd, files[i]);
        }
        progress_end(&pr);
    }

    epsos_ctx_free(r.ctx);
    free(r.jw.first);

    /* Finish the output: on a write error, leave any previous FILE alone. */
    if (tmp != NULL) {
        int bad = ferror(r.out);
        int e = errno;
        if (fclose(r.out) != 0) {
            bad = 1;
            e = errno;
        }
        if (!bad && rename(tmp, output) != 0) {
            bad = 1;
            e = errno;
        }
        if (bad) {
            fprintf(stderr, "%s: %s: cannot write: %s\n", progname, output, strerror(e));
            remove(tmp);
            set_status(&r, EXIT_TROUBLE);
        }
        free(tmp);
    } else if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: standard output: write error: %s\n", progname, strerror(errno));
        set_status(&r, EXIT_TROUBLE);
    }
    free(files);
    return r.status;
}

/* The command parses one document after another: glibc's malloc would
 * give the memory of a large document back to the kernel (trim, munmap of
 * blocks above the mmap threshold) and fault it in again for the next one
 * -- 14 page faults a document over the corpus, and on -j N the threads'
 * faults contend for the address space.  Keeping up to 64 MB of freed
 * memory (blocks up to 32 MB from the heap) takes 10% off the CPU time of
 * `epsos dump` over the corpus and 3/4 of its page faults (perf stat). */
static void tune_malloc(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

int main(int argc, char **argv)
{
    const char *cmd;
    size_t i;

    tune_malloc();
    main_argv = argv;

    if (argc < 2) {
        main_usage(stderr);
        return EXIT_TROUBLE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (strcmp(cmd, "help") == 0 && argc > 2) {
            for (i = 0; i < NCOMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    fputs(commands[i].usage, stdout);
                    return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
                }
            char *help_argv[] = { argv[2], (char *)"--help", NULL };
            int rc = run_ext(argv[2], 2, help_argv);
            if (rc >= 0)
                return rc;
            return usage_error(NULL, "unknown command", argv[2]);
        }
        main_usage(stdout);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("epsos %s\n", epsos_version_string());
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_TROUBLE;
    }
    for (i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return run_command(&commands[i], argc - 2, argv + 2);
    int rc = run_ext(cmd, argc - 1, argv + 1);
    if (rc >= 0)
        return rc;
    if (cmd[0] == '-')
        return usage_error(NULL, "unknown option", cmd);
    return usage_error(NULL, "unknown command", cmd);
}
