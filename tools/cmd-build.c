/*
 * epsos build: a document from the JSON that `epsos dump --json` prints.
 * SPDX-License-Identifier: MIT
 *
 * The JSON is read by a small parser here (RFC 8259 values; numbers are kept
 * as text).  Every key of an item object is a field name of the item's kind
 * (epsos_field_name); values are written with the generic item API, through
 * the template table: nothing here knows a particular field.  Values the
 * strict setters refuse (a legacy document's time stamp with a space, an
 * identifier root that is not an OID) are written attribute by attribute,
 * so what was read is what is built; the builder's own defaults that the
 * JSON does not have are removed.  So dump -> build -> dump gives the same
 * JSON.  --complete then runs epsos_doc_complete (identifiers, narrative);
 * without it, epsos_doc_complete(EPSOS_COMPLETE_LINKS) only adds the
 * text/reference of nested statements that point at the narrative read.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <epsos.h>
#include "commands.h"

/* ---- a small JSON reader --------------------------------------------------- */

enum { J_NULL, J_STR, J_NUM, J_OBJ, J_ARR, J_TRUE, J_FALSE };

typedef struct jv {
    int t;
    char *s;                 /* J_STR, J_NUM */
    size_t n;                /* members */
    char **keys;             /* J_OBJ */
    struct jv **vals;        /* J_OBJ, J_ARR */
} jv;

typedef struct {
    const char *p, *end, *err;
    int depth;
} jp;

static void jv_free(jv *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys)
            free(v->keys[i]);
        jv_free(v->vals[i]);
    }
    free(v->keys);
    free(v->vals);
    free(v->s);
    free(v);
}

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static void put_utf8(char *o, size_t *k, unsigned long c)
{
    if (c < 0x80) {
        o[(*k)++] = (char)c;
    } else if (c < 0x800) {
        o[(*k)++] = (char)(0xC0 | c >> 6);
        o[(*k)++] = (char)(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        o[(*k)++] = (char)(0xE0 | c >> 12);
        o[(*k)++] = (char)(0x80 | (c >> 6 & 0x3F));
        o[(*k)++] = (char)(0x80 | (c & 0x3F));
    } else {
        o[(*k)++] = (char)(0xF0 | c >> 18);
        o[(*k)++] = (char)(0x80 | (c >> 12 & 0x3F));
        o[(*k)++] = (char)(0x80 | (c >> 6 & 0x3F));
        o[(*k)++] = (char)(0x80 | (c & 0x3F));
    }
}

static int hex4(const char *p, unsigned long *out)
{
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned long)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static char *jstring(jp *j)
{
    /* at the opening quote */
    const char *p = ++j->p;
    size_t cap = 16, k = 0;
    char *o = malloc(cap);
    if (!o) {
        j->err = "out of memory";
        return NULL;
    }
    while (p < j->end && *p != '"') {
        if (k + 8 >= cap) {
            char *no = realloc(o, cap *= 2);
            if (!no) {
                free(o);
                j->err = "out of memory";
                return NULL;
            }
            o = no;
        }
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) {
            j->err = "control character in a string";
            break;
        }
        if (c != '\\') {
            o[k++] = (char)c;
            p++;
            continue;
        }
        if (++p >= j->end)
            break;
        switch (*p) {
        case '"': o[k++] = '"'; break;
        case '\\': o[k++] = '\\'; break;
        case '/': o[k++] = '/'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            unsigned long u, lo;
            if (j->end - p < 5 || hex4(p + 1, &u) < 0) {
                j->err = "bad \\u escape";
                goto fail;
            }
            p += 4;
            if (u >= 0xD800 && u < 0xDC00) {
                if (j->end - p < 7 || p[1] != '\\' || p[2] != 'u' || hex4(p + 3, &lo) < 0 ||
                    lo < 0xDC00 || lo > 0xDFFF) {
                    j->err = "bad surrogate pair";
                    goto fail;
                }
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (u >= 0xDC00 && u < 0xE000) {
                j->err = "lone low surrogate";
                goto fail;
            }
            put_utf8(o, &k, u);
            break;
        }
        default:
            j->err = "bad escape";
            goto fail;
        }
        p++;
    }
    if (j->err || p >= j->end) {
        if (!j->err)
            j->err = "unterminated string";
        goto fail;
    }
    o[k] = '\0';
    j->p = p + 1;
    return o;
fail:
    free(o);
    return NULL;
}

static jv *jvalue(jp *j);

static int jpush(jv *v, char *key, jv *val)
{
    char **nk = v->t == J_OBJ ? realloc(v->keys, (v->n + 1) * sizeof *nk) : NULL;
    if (v->t == J_OBJ) {
        if (!nk)
            return -1;
        v->keys = nk;
        v->keys[v->n] = key;
    }
    jv **nv = realloc(v->vals, (v->n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    v->vals = nv;
    v->vals[v->n++] = val;
    return 0;
}

static jv *jvalue(jp *j)
{
    ws(j);
    if (j->p >= j->end) {
        j->err = "unexpected end of input";
        return NULL;
    }
    if (++j->depth > 200) {
        j->err = "nested too deeply";
        return NULL;
    }
    jv *v = calloc(1, sizeof *v);
    if (!v) {
        j->err = "out of memory";
        return NULL;
    }
    char c = *j->p;
    if (c == '{' || c == '[') {
        v->t = c == '{' ? J_OBJ : J_ARR;
        char close = c == '{' ? '}' : ']';
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            goto done;
        }
        for (;;) {
            char *key = NULL;
            ws(j);
            if (v->t == J_OBJ) {
                if (j->p >= j->end || *j->p != '"') {
                    j->err = "expected a key";
                    goto fail;
                }
                if (!(key = jstring(j)))
                    goto fail;
                ws(j);
                if (j->p >= j->end || *j->p != ':') {
                    free(key);
                    j->err = "expected ':'";
                    goto fail;
                }
                j->p++;
            }
            jv *m = jvalue(j);
            if (!m || jpush(v, key, m) < 0) {
                free(key);
                jv_free(m);
                if (!j->err)
                    j->err = "out of memory";
                goto fail;
            }
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                break;
            }
            j->err = v->t == J_OBJ ? "expected ',' or '}'" : "expected ',' or ']'";
            goto fail;
        }
    } else if (c == '"') {
        v->t = J_STR;
        if (!(v->s = jstring(j)))
            goto fail;
    } else if (j->end - j->p >= 4 && !strncmp(j->p, "null", 4)) {
        v->t = J_NULL;
        j->p += 4;
    } else if (j->end - j->p >= 4 && !strncmp(j->p, "true", 4)) {
        v->t = J_TRUE;
        j->p += 4;
    } else if (j->end - j->p >= 5 && !strncmp(j->p, "false", 5)) {
        v->t = J_FALSE;
        j->p += 5;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        const char *s = j->p;
        while (j->p < j->end && *j->p && strchr("+-0123456789.eE", *j->p))
            j->p++;
        v->t = J_NUM;
        v->s = strndup(s, (size_t)(j->p - s));
        if (!v->s) {
            j->err = "out of memory";
            goto fail;
        }
    } else {
        j->err = "unexpected character";
        goto fail;
    }
done:
    j->depth--;
    return v;
fail:
    jv_free(v);
    return NULL;
}

static const jv *jget(const jv *o, const char *key)
{
    if (!o || o->t != J_OBJ)
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (!strcmp(o->keys[i], key))
            return o->vals[i];
    return NULL;
}

static const char *jstr(const jv *o, const char *key)
{
    const jv *v = jget(o, key);
    return v && (v->t == J_STR || v->t == J_NUM) ? v->s : NULL;
}

/* ---- building -------------------------------------------------------------- */

typedef struct {
    const char *label;
    int errors;
} build_state;

static void complain(build_state *b, epsos_item *it, const char *field, const char *what,
                     epsos_doc *doc_for_ctx)
{
    (void)doc_for_ctx;
    fprintf(stderr, "epsos build: %s: %s: field %s: %s\n", b->label,
            it ? epsos_item_path(it) : "?", field, what);
    b->errors++;
}

static int32_t field_of(int32_t kind, const char *name)
{
    size_t n = epsos_kind_field_count(kind);
    for (size_t i = 0; i < n; i++) {
        int32_t f = epsos_kind_field_at(kind, i);
        if (epsos_field_name(f) && !strcmp(epsos_field_name(f), name))
            return f;
    }
    return 0;
}

/* Sets attribute by attribute (the lenient path). */
static int set_attrs(epsos_item *it, int32_t f, size_t i, const jv *o, const char *const *keys,
                     const char *const *attrs)
{
    int rc = EPSOS_OK;
    bool any = false;
    for (int k = 0; keys[k] && rc == EPSOS_OK; k++) {
        const char *v = jstr(o, keys[k]);
        if (v) {
            rc = epsos_item_set_attr(it, f, i, attrs[k], v);
            any = true;
        }
    }
    return any ? rc : EPSOS_EVALUE;
}

static int build_value(build_state *b, epsos_item *it, int32_t f, int32_t type, size_t i,
                       const jv *v)
{
    const char *nf = v->t == J_OBJ ? jstr(v, "nullFlavor") : NULL;
    int rc = EPSOS_OK;
    if (type == EPSOS_T_TEXT) {
        const char *text = v->t == J_STR ? v->s : jstr(v, "text");
        if (text)
            rc = epsos_item_set_text(it, f, i, text);
        else if (nf)
            return epsos_item_set_null_flavor(it, f, i, nf);
        if (rc == EPSOS_OK && nf)
            rc = epsos_item_set_attr(it, f, i, "nullFlavor", nf);
        return rc;
    }
    if (v->t != J_OBJ) {
        complain(b, it, epsos_field_name(f), "expected an object", NULL);
        return EPSOS_EVALUE;
    }
    static const char *const cs_k[] = { "code", NULL };
    static const char *const cd_k[] = { "code", "codeSystem", "displayName", NULL };
    static const char *const ii_k[] = { "root", "extension", NULL };
    static const char *const ts_k[] = { "value", NULL };
    static const char *const pq_k[] = { "value", "unit", NULL };
    static const char *const tel_k[] = { "value", "use", NULL };
    const char *const *keys = NULL;
    switch (type) {
    case EPSOS_T_CS:
        keys = cs_k;
        rc = jstr(v, "code") ? epsos_item_set_text(it, f, i, jstr(v, "code")) : EPSOS_EVALUE;
        break;
    case EPSOS_T_CD:
        keys = cd_k;
        rc = epsos_item_set_code(it, f, i, jstr(v, "code"), jstr(v, "codeSystem"),
                                 jstr(v, "displayName"));
        break;
    case EPSOS_T_II:
        keys = ii_k;
        rc = epsos_item_set_id(it, f, i, jstr(v, "root"), jstr(v, "extension"));
        break;
    case EPSOS_T_TS:
        keys = ts_k;
        rc = epsos_item_set_time(it, f, i, jstr(v, "value"));
        break;
    case EPSOS_T_PQ:
        keys = pq_k;
        rc = epsos_item_set_quantity(it, f, i, jstr(v, "value"), jstr(v, "unit"));
        break;
    case EPSOS_T_TEL:
        keys = tel_k;
        rc = epsos_item_set_telecom(it, f, i, jstr(v, "value"), jstr(v, "use"));
        break;
    default:
        return EPSOS_ETYPE;
    }
    bool has_value = false;
    for (int k = 0; keys[k]; k++)
        has_value |= jstr(v, keys[k]) != NULL;
    if (!has_value && nf) {
        rc = epsos_item_set_null_flavor(it, f, i, nf);
        nf = NULL;                 /* written */
    } else if (!has_value) {       /* {}: the element without a value */
        rc = epsos_item_set_attr(it, f, i, "nullFlavor", "NI");
        if (rc == EPSOS_OK)
            rc = epsos_item_set_attr(it, f, i, "nullFlavor", NULL);
    } else if (rc != EPSOS_OK) {   /* as read, attribute by attribute */
        rc = set_attrs(it, f, i, v, keys, keys);
    }
    if (rc == EPSOS_OK && type == EPSOS_T_CD && jstr(v, "codeSystemName"))
        rc = epsos_item_set_attr(it, f, i, "codeSystemName", jstr(v, "codeSystemName"));
    if (rc == EPSOS_OK && nf)
        rc = epsos_item_set_attr(it, f, i, "nullFlavor", nf);
    const jv *tr = type == EPSOS_T_CD ? jget(v, "translation") : NULL;
    for (size_t t = 0; rc == EPSOS_OK && tr && tr->t == J_ARR && t < tr->n; t++) {
        const jv *x = tr->vals[t];
        if (x->t != J_OBJ) {
            rc = EPSOS_EVALUE;
            break;
        }
        rc = epsos_item_add_translation(it, f, i, jstr(x, "code"), jstr(x, "codeSystem"),
                                        jstr(x, "displayName"));
        if (rc != EPSOS_OK) {      /* as read (no OID, {}): attribute by attribute */
            rc = epsos_item_set_translation_attr(it, f, i, t, NULL, NULL);
            for (int k = 0; rc == EPSOS_OK && cd_k[k]; k++)
                if (jstr(x, cd_k[k]))
                    rc = epsos_item_set_translation_attr(it, f, i, t, cd_k[k], jstr(x, cd_k[k]));
        }
    }
    return rc;
}

static void build_item(build_state *b, epsos_item *parent, int32_t pfield, size_t pindex,
                       epsos_item *it, const jv *o);

/* Writes the keys of o that are fields of the item's kind (and not of
 * done_kind, written already); items when `items`, values otherwise. */
static void build_fields(build_state *b, epsos_item *it, const jv *o, bool items,
                         int32_t done_kind)
{
    int32_t kind = epsos_item_kind(it);
    for (size_t k = 0; k < o->n; k++) {
        const char *name = o->keys[k];
        if (!strcmp(name, "nullFlavor") || (done_kind && field_of(done_kind, name)))
            continue;
        int32_t f = field_of(kind, name);
        if (!f) {
            if (items)        /* second pass: the kind is final */
                complain(b, it, name, "not a field of this kind of item", NULL);
            continue;
        }
        int32_t type = epsos_field_type(kind, f);
        if ((type == EPSOS_T_ITEM) != items)
            continue;
        const jv *v = o->vals[k];
        size_t n = v->t == J_ARR ? v->n : 1;
        for (size_t i = 0; i < n; i++) {
            const jv *x = v->t == J_ARR ? v->vals[i] : v;
            if (type == EPSOS_T_ITEM) {
                epsos_item *c = NULL;
                if (x->t != J_OBJ || epsos_item_add_child(&c, it, f) != EPSOS_OK) {
                    complain(b, it, name, "cannot add the item", NULL);
                    continue;
                }
                size_t idx = 0;
                epsos_item_count(it, f, &idx);
                build_item(b, it, f, idx - 1, c, x);
                continue;
            }
            int rc = build_value(b, it, f, type, i, x);
            if (rc != EPSOS_OK)
                complain(b, it, name, epsos_strerror(rc), NULL);
        }
    }
}

/* Removes what the builder added that the JSON does not have. */
static void trim(epsos_item *it, const jv *o)
{
    int32_t kind = epsos_item_kind(it);
    size_t nf = epsos_kind_field_count(kind);
    for (size_t j = 0; j < nf; j++) {
        int32_t f = epsos_kind_field_at(kind, j);
        const jv *v = jget(o, epsos_field_name(f));
        size_t want = !v ? 0 : v->t == J_ARR ? v->n : 1, have = 0;
        epsos_item_count(it, f, &have);
        while (have > want && epsos_item_remove(it, f, want) == EPSOS_OK)
            have--;
    }
}

static void build_item(build_state *b, epsos_item *parent, int32_t pfield, size_t pindex,
                       epsos_item *it, const jv *o)
{
    const char *nf = jstr(o, "nullFlavor");
    if (nf && parent)
        epsos_item_set_attr(parent, pfield, pindex, "nullFlavor", nf);
    build_fields(b, it, o, false, 0);
    /* the values may make the element a more specific kind (a section by
     * its code): read the item again through its parent */
    if (parent) {
        epsos_item *again = NULL;
        if (epsos_item_child(&again, parent, pfield, pindex) == EPSOS_OK && again &&
            epsos_item_kind(again) != epsos_item_kind(it)) {
            int32_t first = epsos_item_kind(it);
            it = again;
            build_fields(b, it, o, false, first);
        }
    }
    build_fields(b, it, o, true, 0);
    trim(it, o);
}

static int read_all(const char *path, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f)
        return -1;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    bool bad = !buf || ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* The JSON reader and builder without the file I/O, also linked into the
 * fuzz target fuzz/fuzz-build.c: the document the JSON text describes in
 * *out (0; *errors counts the fields refused, each reported on stderr) or
 * 2 with the reason on stderr. */
int epsos_build_json(epsos_doc **out, int *errors, epsos_ctx *ctx, const char *text,
                     size_t len, const char *label);
int epsos_build_json(epsos_doc **out, int *errors, epsos_ctx *ctx, const char *text,
                     size_t len, const char *label)
{
    *out = NULL;
    jp j = { text, text + len, NULL, 0 };
    jv *root = jvalue(&j);
    if (!root || root->t != J_OBJ) {
        fprintf(stderr, "epsos build: %s: not a JSON object: %s at byte %ld\n", label,
                j.err ? j.err : "expected '{'", (long)(j.p - text));
        jv_free(root);
        return 2;
    }
    const char *kname = jstr(root, "kind");
    int32_t kind = 0;
    for (int32_t k = 1; kname && epsos_doc_kind_name(k); k++)
        if (!strcmp(epsos_doc_kind_name(k), kname))
            kind = k;
    const jv *hdr = jget(root, "header");
    if (!kind || !hdr || hdr->t != J_OBJ) {
        fprintf(stderr, "epsos build: %s: expected \"kind\" (PS, eP, eD, PS-L1, eP-L1) and a "
                "\"header\" object\n", label);
        jv_free(root);
        return 2;
    }
    epsos_doc *doc = NULL;
    epsos_item *h = NULL;
    if (epsos_doc_new(&doc, ctx, kind) != EPSOS_OK || epsos_doc_header(&h, doc) != EPSOS_OK) {
        fprintf(stderr, "epsos build: %s\n", epsos_ctx_errmsg(ctx));
        epsos_doc_free(doc);
        jv_free(root);
        return 2;
    }
    build_state b = { label, 0 };
    build_item(&b, NULL, 0, 0, h, hdr);
    jv_free(root);
    *errors += b.errors;
    *out = doc;
    return 0;
}

static int usage(FILE *f, int status)
{
    fprintf(f,
            "usage: epsos build [-o OUT] [--pdf PDF] [--complete] FILE|-\n"
            "Build a CDA document from the JSON that `epsos dump --json` prints (the\n"
            "first object of FILE): kind, header and every field below it.\n"
            "  -o OUT       write the document to OUT (default: standard output)\n"
            "  --pdf PDF    embed PDF as the body of a level 1 document\n"
            "  --complete   generate missing identifiers and the section narratives\n");
    return status;
}

int epsos_cmd_build(int argc, char **argv)
{
    const char *out = NULL, *in = NULL, *pdf = NULL;
    bool complete = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout, 0);
        if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--pdf") && i + 1 < argc)
            pdf = argv[++i];
        else if (!strcmp(argv[i], "--complete"))
            complete = true;
        else if (!in && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
            in = argv[i];
        else
            return usage(stderr, 2);
    }
    if (!in)
        return usage(stderr, 2);
    char *text = NULL;
    size_t len = 0;
    if (read_all(in, &text, &len) < 0) {
        fprintf(stderr, "epsos build: %s: cannot read: %s\n", in, strerror(errno));
        return 2;
    }
    epsos_ctx *ctx = NULL;
    epsos_doc *doc = NULL;
    int status = 0, rc;
    build_state b = { in, 0 };
    if ((rc = epsos_ctx_new(&ctx)) != EPSOS_OK) {
        fprintf(stderr, "epsos build: %s\n", epsos_strerror(rc));
        free(text);
        return 2;
    }
    status = epsos_build_json(&doc, &b.errors, ctx, text, len, in);
    free(text);
    if (status)
        goto done;
    if (pdf) {
        char *bytes = NULL;
        size_t blen = 0;
        if (read_all(pdf, &bytes, &blen) < 0) {
            fprintf(stderr, "epsos build: %s: cannot read: %s\n", pdf, strerror(errno));
            status = 2;
            goto done;
        }
        rc = epsos_doc_set_pdf(doc, (const uint8_t *)bytes, blen);
        free(bytes);
        if (rc != EPSOS_OK) {
            fprintf(stderr, "epsos build: %s: %s\n", pdf, epsos_ctx_errmsg(ctx));
            status = 2;
            goto done;
        }
    }
    /* without --complete the narrative read is kept; the statements nested
     * in entries only get their references to it (Schematron: text of
     * severity, status, comment, vaccine code originalText) */
    if ((rc = epsos_doc_complete(doc, complete ? 0 : EPSOS_COMPLETE_LINKS)) != EPSOS_OK) {
        fprintf(stderr, "epsos build: %s: %s (%s)\n", in, epsos_ctx_errmsg(ctx),
                epsos_ctx_errloc(ctx));
        b.errors++;
    }
    if (out) {
        rc = epsos_doc_save(doc, out, 0);
    } else {
        uint8_t *buf = NULL;
        size_t blen = 0;
        rc = epsos_doc_serialize(&buf, &blen, doc, 0);
        if (rc == EPSOS_OK && fwrite(buf, 1, blen, stdout) != blen)
            rc = EPSOS_EIO;
        epsos_free(buf);
    }
    if (rc != EPSOS_OK) {
        fprintf(stderr, "epsos build: %s: %s\n", out ? out : "-", epsos_ctx_errmsg(ctx));
        status = 2;
    } else if (b.errors) {
        status = 1;
    }
done:
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
    return status;
}
