/*
 * epsos catalogue / transcode / translate: terminology.
 * SPDX-License-Identifier: MIT
 *
 *   epsos catalogue build -o FILE.epcat SOURCE...
 *   epsos catalogue info FILE.epcat
 *   epsos transcode --catalogue FILE.epcat [--strict] [--report json] [-o OUT] IN
 *   epsos translate --catalogue FILE.epcat --lang LL-CC [--report json] [-o OUT] IN
 *
 * Sources are what the library reads (IHE SVS, ART-DECOR, FHIR R4 XML, TSV;
 * epsos-catalogue(5)) plus FHIR R4 JSON, read here only: a FHIR JSON
 * resource is turned into its FHIR XML form and handed to the library, so
 * libepsos.so itself links no JSON library.
 *
 * Exit status: 0 success and no findings, 1 findings (or --strict refused
 * the document), 2 usage error or an input that could not be read.
 * Only the public API of libepsos and the C library are used here.
 */
#define _POSIX_C_SOURCE 200809L

#include <epsos.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "cmdutil.h"

#define EXIT_FINDINGS EXIT_INVALID




static int usage(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "epsos %s: %s%s%s\nTry 'epsos %s --help'.\n", cmd, msg, arg ? ": " : "",
            arg ? arg : "", cmd);
    return EXIT_TROUBLE;
}



/* ---------------------------------------------------------------------- */
/* FHIR JSON -> FHIR XML                                                  */
/* ---------------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
} sbuf;

static int sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (c < b->len + n + 1)
            c *= 2;
        char *p = realloc(b->s, c);
        if (!p)
            return -1;
        b->s = p;
        b->cap = c;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

static int sb_str(sbuf *b, const char *s) { return sb_add(b, s, strlen(s)); }

static int sb_esc(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *r = NULL;
        switch (s[i]) {
        case '<': r = "&lt;"; break;
        case '>': r = "&gt;"; break;
        case '&': r = "&amp;"; break;
        case '"': r = "&quot;"; break;
        case '\n': r = "&#10;"; break;
        case '\r': r = "&#13;"; break;
        case '\t': r = "&#9;"; break;
        default: break;
        }
        if (r ? sb_str(b, r) : sb_add(b, s + i, 1))
            return -1;
    }
    return 0;
}

typedef struct {
    const char *p, *end;
    const char *err;
    int depth;
} jp;

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const char *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        *v <<= 4;
        if (c >= '0' && c <= '9') *v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') *v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') *v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    return 0;
}

/* A JSON string into out (UTF-8, unescaped). */
static int jstring(jp *j, sbuf *out)
{
    if (j->p >= j->end || *j->p != '"')
        return j->err = "expected a string", -1;
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if ((unsigned char)c < 0x20)
            return j->err = "control character in a string", -1;
        if (c != '\\') {
            if (sb_add(out, &c, 1))
                return -1;
            continue;
        }
        if (j->p >= j->end)
            break;
        char e = *j->p++;
        char ch = 0;
        switch (e) {
        case '"': ch = '"'; break;
        case '\\': ch = '\\'; break;
        case '/': ch = '/'; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'n': ch = '\n'; break;
        case 'r': ch = '\r'; break;
        case 't': ch = '\t'; break;
        case 'u': {
            unsigned u, lo;
            if (j->end - j->p < 4 || hex4(j->p, &u))
                return j->err = "bad \\u escape", -1;
            j->p += 4;
            if (u >= 0xd800 && u <= 0xdbff) {
                if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
                    hex4(j->p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
                    return j->err = "lone surrogate", -1;
                j->p += 6;
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
            } else if (u >= 0xdc00 && u <= 0xdfff) {
                return j->err = "lone surrogate", -1;
            }
            if (u == 0)
                return j->err = "NUL in a string", -1;
            char buf[4];
            size_t n;
            if (u < 0x80) { buf[0] = (char)u; n = 1; }
            else if (u < 0x800) { buf[0] = (char)(0xc0 | u >> 6); buf[1] = (char)(0x80 | (u & 0x3f)); n = 2; }
            else if (u < 0x10000) { buf[0] = (char)(0xe0 | u >> 12); buf[1] = (char)(0x80 | ((u >> 6) & 0x3f));
                                    buf[2] = (char)(0x80 | (u & 0x3f)); n = 3; }
            else { buf[0] = (char)(0xf0 | u >> 18); buf[1] = (char)(0x80 | ((u >> 12) & 0x3f));
                   buf[2] = (char)(0x80 | ((u >> 6) & 0x3f)); buf[3] = (char)(0x80 | (u & 0x3f)); n = 4; }
            if (sb_add(out, buf, n))
                return -1;
            continue;
        }
        default:
            return j->err = "bad escape", -1;
        }
        if (sb_add(out, &ch, 1))
            return -1;
    }
    if (j->p >= j->end)
        return j->err = "unterminated string", -1;
    j->p++;
    return 0;
}

static int jvalue(jp *j, sbuf *x, const char *name);

/* The members of an object as child elements. */
static int jobject_body(jp *j, sbuf *x)
{
    j->p++;   /* { */
    ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return 0;
    }
    for (;;) {
        sbuf key = { 0 };
        ws(j);
        if (jstring(j, &key)) {
            free(key.s);
            return -1;
        }
        ws(j);
        if (j->p >= j->end || *j->p != ':') {
            free(key.s);
            return j->err = "expected ':'", -1;
        }
        j->p++;
        ws(j);
        int rc = jvalue(j, x, key.s ? key.s : "");
        free(key.s);
        if (rc)
            return -1;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return 0;
        }
        return j->err = "expected ',' or '}'", -1;
    }
}

/* Element names: FHIR property names; anything else is refused. */
static int good_name(const char *n)
{
    if (!*n)
        return 0;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9' && p != n)))
            return 0;
    return 1;
}

static int jvalue(jp *j, sbuf *x, const char *name)
{
    if (++j->depth > 100)
        return j->err = "nested too deeply", -1;
    int skip = name[0] == '_' || strcmp(name, "resourceType") == 0 || strcmp(name, "div") == 0;
    if (!skip && !good_name(name))
        return j->err = "property name is not a FHIR element name", -1;
    int rc = 0;
    if (j->p >= j->end) {
        rc = -1;
        j->err = "unexpected end";
    } else if (*j->p == '{') {
        if (!skip && (sb_str(x, "<") || sb_str(x, name) || sb_str(x, ">")))
            return -1;
        sbuf ignore = { 0 };
        rc = jobject_body(j, skip ? &ignore : x);
        free(ignore.s);
        if (!rc && !skip && (sb_str(x, "</") || sb_str(x, name) || sb_str(x, ">")))
            return -1;
    } else if (*j->p == '[') {
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == ']')
            j->p++;
        else
            for (;;) {
                ws(j);
                if ((rc = jvalue(j, x, skip ? "_" : name)))
                    break;
                ws(j);
                if (j->p < j->end && *j->p == ',') {
                    j->p++;
                    continue;
                }
                if (j->p < j->end && *j->p == ']') {
                    j->p++;
                    break;
                }
                j->err = "expected ',' or ']'";
                rc = -1;
                break;
            }
    } else {
        sbuf v = { 0 };
        if (*j->p == '"') {
            rc = jstring(j, &v);
        } else {
            const char *s = j->p;
            while (j->p < j->end && !strchr(",}] \t\r\n", *j->p))
                j->p++;
            if (j->p == s) {
                j->err = "expected a value";
                rc = -1;
            } else if (!(j->p - s == 4 && !strncmp(s, "null", 4))) {
                rc = sb_add(&v, s, (size_t)(j->p - s));
            } else {
                skip = 1;
            }
        }
        if (!rc && !skip)
            rc = sb_str(x, "<") || sb_str(x, name) || sb_str(x, " value=\"") ||
                 sb_esc(x, v.s ? v.s : "", v.len) || sb_str(x, "\"/>") ? -1 : 0;
        free(v.s);
    }
    j->depth--;
    return rc;
}

/* FHIR JSON resource -> FHIR XML; NULL with a message. */
static char *fhir_json_to_xml(const char *path, const uint8_t *data, size_t len, size_t *xlen)
{
    jp j = { (const char *)data, (const char *)data + len, NULL, 0 };
    ws(&j);
    /* the resourceType first: find it at the top level */
    const char *rt = strstr((const char *)data, "\"resourceType\"");
    char type[64] = "";
    if (rt) {
        const char *q = strchr(rt + 14, '"');
        const char *e = q ? strchr(q + 1, '"') : NULL;
        if (q && e && (size_t)(e - q - 1) < sizeof type) {
            memcpy(type, q + 1, (size_t)(e - q - 1));
            type[e - q - 1] = '\0';
        }
    }
    if (!good_name(type) || j.p >= j.end || *j.p != '{') {
        fprintf(stderr, "epsos: %s: not a FHIR JSON resource (no resourceType)\n", path);
        return NULL;
    }
    sbuf x = { 0 };
    int rc = sb_str(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<") || sb_str(&x, type) ||
             sb_str(&x, " xmlns=\"http://hl7.org/fhir\">");
    if (!rc)
        rc = jobject_body(&j, &x);
    if (!rc) {
        ws(&j);
        if (j.p != j.end) {
            j.err = "trailing content";
            rc = -1;
        }
    }
    if (!rc)
        rc = sb_str(&x, "</") || sb_str(&x, type) || sb_str(&x, ">\n");
    if (rc) {
        fprintf(stderr, "epsos: %s: byte %zu: %s\n", path, (size_t)(j.p - (const char *)data),
                j.err ? j.err : "out of memory");
        free(x.s);
        return NULL;
    }
    *xlen = x.len;
    return x.s;
}

/* ---------------------------------------------------------------------- */
/* The Danish NCP's unit mappings (YAML) -> a mapping TSV                 */
/* ---------------------------------------------------------------------- */

/* Sundhedsdatastyrelsen/ehdsi lmsPackageUnitToEhdsi.yml and
 * lmsSubstanceUnitToEhdsi.yml: a map of LMS15 codes, each a map of
 * scalars ("lms15-display-name", and "ehdsi-unit" for package units, or
 * "numerator", "denominator", "denominatorValue" for strength units).  Only
 * that subset of YAML is read: a top-level key line `"CODE":` (quoted or
 * not), indented `key: "value"` lines, comments and blank lines; anything
 * else is refused.  Each code becomes a mapping row into eHDSIUnit (42.16)
 * from "LMS15 package unit (type 4)" or "LMS15 substance unit (type 3)";
 * a strength unit maps to the UCUM quotient numerator/denominator
 * ("mg/(72.h)" when denominatorValue is 72); a code without a target is
 * left unmapped. */
typedef struct { char code[32], disp[128], unit[64], num[64], den[64], dval[32]; } lms_entry;

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Does the buffer (not NUL-terminated) contain the string? */
static bool has_bytes(const char *b, size_t len, const char *str)
{
    size_t n = strlen(str);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(b + i, str, n) == 0)
            return true;
    return false;
}

static int yaml_scalar(const char *p, char *out, size_t cap)
{
    while (*p == ' ')
        p++;
    size_t n = 0;
    if (*p == '"' || *p == '\'') {
        char q = *p++;
        const char *e = strchr(p, q);
        if (!e)
            return -1;
        n = (size_t)(e - p);
        p = e + 1;
        while (*p == ' ')
            p++;
        if (*p && *p != '#')
            return -1;
        p = e - n;
    } else {
        const char *e = strchr(p, '#');
        n = e ? (size_t)(e - p) : strlen(p);
        while (n && p[n - 1] == ' ')
            n--;
    }
    if (n >= cap)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

static int lms_flush(sbuf *t, const lms_entry *e, bool substance)
{
    char target[200] = "";
    if (!substance) {
        snprintf(target, sizeof target, "%s", e->unit);
    } else if (e->num[0] || e->den[0]) {
        const char *num = e->num[0] ? e->num : "1", *den = e->den[0] ? e->den : "1";
        bool dv = e->dval[0] && strcmp(e->dval, "1") != 0;
        if (dv)
            snprintf(target, sizeof target, "%s/(%s.%s)", num, e->dval, den);
        else if (strcmp(den, "1") != 0)
            snprintf(target, sizeof target, "%s/%s", num, den);
        else
            snprintf(target, sizeof target, "%s", num);
    }
    if (!target[0])
        return 0;   /* explicitly unmapped */
    char row[600];
    snprintf(row, sizeof row, "LMS15 %s unit (type %s)\t%s\t%s\t"
             "1.3.6.1.4.1.12559.11.10.1.3.1.42.16\t2.16.840.1.113883.6.8\t%s\n",
             substance ? "substance" : "package", substance ? "3" : "4", e->code, e->disp, target);
    return sb_str(t, row);
}

/* NULL (after a message) when the text is not such a file. */
static char *lms_yaml_to_tsv(const char *path, const uint8_t *data, size_t len, size_t *tlen)
{
    const char *txt = (const char *)data;
    bool substance = has_bytes(txt, len, "numerator:") || has_bytes(txt, len, "denominator:");
    sbuf t = { 0 };
    if (sb_str(&t, "source_system\tsource_code\tsource_display\ttarget_valueset\t"
                   "target_system\ttarget_code\n"))
        goto oom;
    lms_entry e;
    bool have = false;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(txt + i, '\n', len - i);
        size_t l = nl ? (size_t)(nl - (txt + i)) : len - i;
        char buf[512];
        if (l >= sizeof buf)
            goto bad;
        memcpy(buf, txt + i, l);
        buf[l] = '\0';
        i += l + (nl ? 1 : 0);
        if (l && buf[l - 1] == '\r')
            buf[--l] = '\0';
        const char *p = buf;
        while (*p == ' ')
            p++;
        if (!*p || *p == '#')
            continue;
        char *colon = NULL;
        if (*p == '"' || *p == '\'') {
            const char *e2 = strchr(p + 1, *p);
            colon = e2 ? strchr(e2, ':') : NULL;
        } else {
            colon = strchr(p, ':');
        }
        if (!colon)
            goto bad;
        *colon = '\0';
        char key[128];
        if (yaml_scalar(p, key, sizeof key))
            goto bad;
        if (p == buf) {              /* a new LMS15 code */
            if (have && lms_flush(&t, &e, substance))
                goto oom;
            memset(&e, 0, sizeof e);
            char rest[128];
            if (yaml_scalar(colon + 1, rest, sizeof rest) || rest[0] || !key[0] ||
                strlen(key) >= sizeof e.code)
                goto bad;
            memcpy(e.code, key, strlen(key) + 1);   /* fits: checked above */
            have = true;
            continue;
        }
        if (!have)
            goto bad;
        char *dst = !strcmp(key, "lms15-display-name") ? e.disp
                  : !strcmp(key, "ehdsi-unit") ? e.unit
                  : !strcmp(key, "numerator") ? e.num
                  : !strcmp(key, "denominator") ? e.den
                  : !strcmp(key, "denominatorValue") ? e.dval : NULL;
        size_t cap = dst == e.disp ? sizeof e.disp : dst == e.dval ? sizeof e.dval
                   : sizeof e.unit;
        if (!dst || yaml_scalar(colon + 1, dst, cap) || strchr(dst, '\t'))
            goto bad;
    }
    if (!have)
        goto bad;
    if (lms_flush(&t, &e, substance))
        goto oom;
    *tlen = t.len;
    return t.s;
bad:
    fprintf(stderr, "epsos catalogue: %s: not a Danish LMS15 unit mapping (YAML subset of "
            "lmsPackageUnitToEhdsi.yml / lmsSubstanceUnitToEhdsi.yml)\n", path);
    free(t.s);
    return NULL;
oom:
    fprintf(stderr, "epsos catalogue: out of memory\n");
    free(t.s);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* epsos catalogue                                                        */
/* ---------------------------------------------------------------------- */

static const char catalogue_help[] =
    "Usage: epsos catalogue build -o FILE.epcat SOURCE...\n"
    "       epsos catalogue info FILE.epcat [VALUE_SET_OID...]\n"
    "Compile terminology sources into one catalogue (epsos-catalogue(5)):\n"
    "IHE SVS RetrieveValueSetResponse XML, ART-DECOR voc-*.xml, FHIR R4\n"
    "ValueSet/CodeSystem/ConceptMap in XML or JSON, and TSV files of value-set\n"
    "members, national mappings, designations and FHIR system aliases, and the\n"
    "Danish LMS15/LMS22 fixed-width files and LMS15 unit mappings (*.yml).  A\n"
    "value set defined again by a later\n"
    "source replaces the earlier definition.\n"
    "  -o, --output FILE   the catalogue to write (replaced atomically)\n"
    "  --encoding CHARSET  character set of the text sources that follow (cp850,\n"
    "                      ISO-8859-1, ...); auto (default): UTF-8, LMS files cp850\n";

static void print_counts(const epsos_catalogue *cat, FILE *to)
{
    static const char *const names[] = { "", "value sets", "members", "concepts", "mappings",
                                         "designations", "aliases" };
    for (int w = EPSOS_CAT_VALUE_SETS; w <= EPSOS_CAT_ALIASES; w++) {
        size_t n = 0;
        epsos_catalogue_count(cat, w, &n);
        fprintf(to, "%s%s %zu", w > 1 ? ", " : "", names[w], n);
    }
    fputc('\n', to);
}

static int catalogue_build(int argc, char **argv)
{
    const char *output = NULL;
    int first = -1;
    for (int i = 2; i < argc; i++) {
        const char *v;
        if (tool_is_opt(argv[i], "-o", "--output")) {
            if (!(v = tool_optval(argc, argv, &i, "-o", "--output")))
                return usage("catalogue", "option needs a value", argv[i]);
            output = v;
        } else if (tool_is_opt(argv[i], NULL, "--encoding")) {
            if (!tool_optval(argc, argv, &i, NULL, "--encoding"))
                return usage("catalogue", "option needs a value", argv[i]);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage("catalogue", "unknown option", argv[i]);
        } else if (first < 0) {
            first = i;
        }
    }
    if (!output)
        return usage("catalogue", "build needs -o FILE.epcat", NULL);
    if (first < 0)
        return usage("catalogue", "build needs at least one source", NULL);
    epsos_ctx *ctx = NULL;
    epsos_catalogue_builder *b = NULL;
    if (epsos_ctx_new(&ctx) || epsos_catalogue_builder_new(&b, ctx)) {
        epsos_ctx_free(ctx);
        return EXIT_TROUBLE;
    }
    int status = EXIT_OK;
    for (int i = 2; i < argc && status == EXIT_OK; i++) {
        if (tool_is_opt(argv[i], "-o", "--output")) {
            if (!strchr(argv[i], '='))
                i++;
            continue;
        }
        if (tool_is_opt(argv[i], NULL, "--encoding")) {
            const char *v = tool_optval(argc, argv, &i, NULL, "--encoding");
            if (epsos_catalogue_builder_set_encoding(b, v) != EPSOS_OK) {
                fprintf(stderr, "epsos catalogue: %s\n", epsos_ctx_errmsg(ctx));
                status = EXIT_TROUBLE;
            }
            continue;
        }
        if (tool_same_file(argv[i], output)) {
            fprintf(stderr, "epsos catalogue: %s is both a source and the output\n", argv[i]);
            status = EXIT_TROUBLE;
            break;
        }
        size_t len = 0;
        uint8_t *data = tool_slurp(argv[i], &len);
        if (!data) {
            status = EXIT_TROUBLE;
            break;
        }
        size_t k = 0;
        while (k < len && strchr(" \t\r\n", data[k]))
            k++;
        int rc;
        if (k < len && data[k] == '{') {
            size_t xl = 0;
            char *xml = fhir_json_to_xml(argv[i], data, len, &xl);
            if (!xml) {
                free(data);
                status = EXIT_TROUBLE;
                break;
            }
            rc = epsos_catalogue_builder_add(b, (const uint8_t *)xml, xl, argv[i]);
            free(xml);
        } else if (has_suffix(argv[i], ".yml") || has_suffix(argv[i], ".yaml")) {
            size_t tl = 0;
            char *tsv = lms_yaml_to_tsv(argv[i], data, len, &tl);
            if (!tsv) {
                free(data);
                status = EXIT_TROUBLE;
                break;
            }
            rc = epsos_catalogue_builder_add(b, (const uint8_t *)tsv, tl, argv[i]);
            free(tsv);
        } else {
            rc = epsos_catalogue_builder_add(b, data, len, argv[i]);
        }
        free(data);
        if (rc) {
            fprintf(stderr, "epsos catalogue: %s\n", epsos_ctx_errmsg(ctx));
            status = EXIT_TROUBLE;
        }
    }
    uint8_t *img = NULL;
    size_t n = 0;
    if (status == EXIT_OK && epsos_catalogue_builder_serialize(&img, &n, b) != EPSOS_OK) {
        fprintf(stderr, "epsos catalogue: %s\n", epsos_ctx_errmsg(ctx));
        status = EXIT_TROUBLE;
    }
    if (status == EXIT_OK)
        status = tool_write_out(output, img, n);
    if (status == EXIT_OK) {
        epsos_catalogue *cat = NULL;
        if (epsos_catalogue_open_buffer(&cat, ctx, img, n) == EPSOS_OK) {
            fprintf(stderr, "%s: ", output);
            print_counts(cat, stderr);
        }
        epsos_catalogue_free(cat);
    }
    epsos_free(img);
    epsos_catalogue_builder_free(b);
    epsos_ctx_free(ctx);
    return status;
}

static int catalogue_info(int argc, char **argv)
{
    if (argc < 3)
        return usage("catalogue", "info needs FILE.epcat [VALUE_SET_OID...]", NULL);
    epsos_ctx *ctx = NULL;
    epsos_catalogue *cat = NULL;
    if (epsos_ctx_new(&ctx))
        return EXIT_TROUBLE;
    if (epsos_catalogue_open(&cat, ctx, argv[2]) != EPSOS_OK) {
        fprintf(stderr, "epsos catalogue: %s\n", epsos_ctx_errmsg(ctx));
        epsos_ctx_free(ctx);
        return EXIT_TROUBLE;
    }
    printf("%s: format %d, ", argv[2], EPSOS_CATALOGUE_FORMAT);
    print_counts(cat, stdout);
    int status = EXIT_OK;
    for (int i = 3; i < argc; i++) {
        size_t n = 0;
        const char *name, *version;
        if (epsos_catalogue_value_set(cat, argv[i], &n, &name, &version) != EPSOS_OK) {
            printf("%s\t-\t-\t0\n", argv[i]);
            status = EXIT_FINDINGS;
        } else {
            printf("%s\t%s\t%s\t%zu\n", argv[i], *name ? name : "-", *version ? version : "-", n);
        }
    }
    epsos_catalogue_free(cat);
    epsos_ctx_free(ctx);
    return status;
}

int epsos_cmd_catalogue(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(catalogue_help, stdout);
        return EXIT_OK;
    }
    if (argc >= 2 && !strcmp(argv[1], "build"))
        return catalogue_build(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "info"))
        return catalogue_info(argc, argv);
    return usage("catalogue", "expected build or info", argc >= 2 ? argv[1] : NULL);
}

/* ---------------------------------------------------------------------- */
/* epsos transcode / translate                                            */
/* ---------------------------------------------------------------------- */

static const char transcode_help[] =
    "Usage: epsos transcode --catalogue FILE.epcat [--strict] [--report json] [-o OUT] IN\n"
    "National codes of the coded elements bound to a value set become MVC codes\n"
    "with the English display; the national code is kept as a <translation>.\n"
    "  --catalogue FILE   the compiled catalogue (epsos catalogue build)\n"
    "  --strict           exit 1 and write nothing when a required element has a\n"
    "                     finding (the sending side's policy)\n"
    "  --report json      findings and statistics as JSON (default: text)\n"
    "  -o, --output OUT   the document (default standard output); the report goes\n"
    "                     to standard output when -o is given, else to standard error\n";

static const char translate_help[] =
    "Usage: epsos translate --catalogue FILE.epcat --lang LL-CC [--report json] [-o OUT] IN\n"
    "Display names of the bound coded elements in the reader's language (BCP 47,\n"
    "falling back de-AT -> de -> en-GB -> en); the previous display is kept as a\n"
    "<translation> with the same code.  Missing terms are reported; the document\n"
    "is delivered with the untranslated display.\n"
    "  --catalogue FILE   the compiled catalogue\n"
    "  --lang TAG         the reader's language, e.g. de-AT\n"
    "  --report json      findings and statistics as JSON (default: text)\n"
    "  -o, --output OUT   the document (default standard output)\n";

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static const char *finding_name(int32_t c)
{
    switch (c) {
    case EPSOS_TERM_NO_MAPPING: return "no-mapping";
    case EPSOS_TERM_NOT_IN_VALUE_SET: return "not-in-value-set";
    case EPSOS_TERM_NULL_REQUIRED: return "null-required";
    case EPSOS_TERM_NO_DESIGNATION: return "no-designation";
    case EPSOS_TERM_UNKNOWN_VALUE_SET: return "unknown-value-set";
    case EPSOS_TERM_BAD_UNIT: return "bad-unit";
    case EPSOS_TERM_NO_CONCEPT: return "no-concept";
    default: return "other";
    }
}

static void print_report(const epsos_term_report *r, const char *in, int json, FILE *f)
{
    size_t st[5] = { 0 };
    for (int w = 1; w <= 4; w++)
        epsos_term_report_stat(r, w, &st[w]);
    size_t n = epsos_term_report_count(r);
    if (json) {
        fprintf(f, "{\"file\":");
        json_str(f, in);
        fprintf(f, ",\"visited\":%zu,\"transcoded\":%zu,\"translated\":%zu,\"missing\":%zu,"
                   "\"findings\":[", st[1], st[2], st[3], st[4]);
    } else {
        fprintf(f, "%s: %zu visited, %zu transcoded, %zu translated, %zu findings\n", in, st[1],
                st[2], st[3], st[4]);
    }
    for (size_t i = 0; i < n; i++) {
        int32_t code;
        const char *xp, *vs, *msg;
        epsos_term_report_finding(r, i, &code, &xp, &vs, &msg);
        if (json) {
            fprintf(f, "%s{\"code\":%d,\"name\":\"%s\",\"xpath\":", i ? "," : "", (int)code,
                    finding_name(code));
            json_str(f, xp);
            fputs(",\"valueSet\":", f);
            json_str(f, vs);
            fputs(",\"message\":", f);
            json_str(f, msg);
            fputc('}', f);
        } else {
            fprintf(f, "%s: %s [%s]: %s\n", xp, finding_name(code), vs, msg);
        }
    }
    if (json)
        fputs("]}\n", f);
}

static int term_cmd(int argc, char **argv, int translate)
{
    const char *cmd = translate ? "translate" : "transcode";
    const char *catpath = NULL, *lang = NULL, *output = NULL, *in = NULL;
    int json = 0, strict = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(translate ? translate_help : transcode_help, stdout);
            return EXIT_OK;
        } else if (tool_is_opt(a, NULL, "--catalogue")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--catalogue")))
                return usage(cmd, "option needs a value", a);
            catpath = v;
        } else if (translate && tool_is_opt(a, NULL, "--lang")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--lang")))
                return usage(cmd, "option needs a value", a);
            lang = v;
        } else if (tool_is_opt(a, "-o", "--output")) {
            if (!(v = tool_optval(argc, argv, &i, "-o", "--output")))
                return usage(cmd, "option needs a value", a);
            output = v;
        } else if (tool_is_opt(a, NULL, "--report")) {
            if (!(v = tool_optval(argc, argv, &i, NULL, "--report")))
                return usage(cmd, "option needs a value", a);
            if (strcmp(v, "json") && strcmp(v, "text"))
                return usage(cmd, "--report takes json or text", v);
            json = !strcmp(v, "json");
        } else if (!translate && !strcmp(a, "--strict")) {
            strict = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage(cmd, "unknown option", a);
        } else if (in) {
            return usage(cmd, "one input document only", a);
        } else {
            in = a;
        }
    }
    if (!catpath)
        return usage(cmd, "--catalogue FILE.epcat is required", NULL);
    if (translate && !lang)
        return usage(cmd, "--lang is required", NULL);
    if (!in)
        return usage(cmd, "no input document", NULL);
    if (output && tool_same_file(in, output))
        return usage(cmd, "the output would overwrite the input", output);
    epsos_ctx *ctx = NULL;
    epsos_catalogue *cat = NULL;
    epsos_term_report *r = NULL;
    epsos_doc *doc = NULL;
    int status = EXIT_TROUBLE;
    size_t len = 0;
    uint8_t *data = NULL, *xml = NULL;
    if (epsos_ctx_new(&ctx) || epsos_term_report_new(&r, ctx))
        goto out;
    if (epsos_catalogue_open(&cat, ctx, catpath) != EPSOS_OK) {
        fprintf(stderr, "epsos %s: %s\n", cmd, epsos_ctx_errmsg(ctx));
        goto out;
    }
    if (!(data = tool_slurp(in, &len)))
        goto out;
    if (epsos_doc_parse(&doc, ctx, data, len, 0) != EPSOS_OK) {
        fprintf(stderr, "epsos %s: %s: %s\n", cmd, in, epsos_ctx_errmsg(ctx));
        goto out;
    }
    int rc = translate ? epsos_translate(doc, cat, lang, 0, r)
                       : epsos_transcode(doc, cat, strict ? EPSOS_TERM_STRICT : 0, r);
    FILE *rep = output && strcmp(output, "-") ? stdout : stderr;
    if (rc == EPSOS_EVALUE && strict && !translate) {
        print_report(r, in, json, rep);
        fprintf(stderr, "epsos %s: %s\n", cmd, epsos_ctx_errmsg(ctx));
        status = EXIT_FINDINGS;
        goto out;
    }
    if (rc != EPSOS_OK) {
        fprintf(stderr, "epsos %s: %s: %s\n", cmd, in, epsos_ctx_errmsg(ctx));
        goto out;
    }
    size_t xl = 0;
    if (epsos_doc_serialize(&xml, &xl, doc, 0) != EPSOS_OK) {
        fprintf(stderr, "epsos %s: %s\n", cmd, epsos_ctx_errmsg(ctx));
        goto out;
    }
    status = tool_write_out(output, xml, xl);
    if (status == EXIT_OK) {
        print_report(r, in, json, rep);
        if (epsos_term_report_count(r))
            status = EXIT_FINDINGS;
    }
out:
    epsos_free(xml);
    free(data);
    epsos_doc_free(doc);
    epsos_term_report_free(r);
    epsos_catalogue_free(cat);
    epsos_ctx_free(ctx);
    return status;
}

int epsos_cmd_transcode(int argc, char **argv) { return term_cmd(argc, argv, 0); }
int epsos_cmd_translate(int argc, char **argv) { return term_cmd(argc, argv, 1); }
