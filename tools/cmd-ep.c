/*
 * epsos ed-from-ep: start an eDispensation answering a prescription.
 * SPDX-License-Identifier: MIT
 *
 *   epsos ed-from-ep [--quantity N] [--substituted] [--substitute JSON] [--item I]
 *                    EP.xml -o ED.xml
 *
 * The eD holds the patient, the order id, the reference to the prescription
 * item, the prescribed product (also as the dispensed product) and the
 * quantity; the pharmacy adds the rest (author, dispenser, ...).
 * --substitute JSON (or @FILE): the dispensed product differs; JSON is a
 * product object in the form `epsos dump --json` prints ("product_name",
 * "product_code", "ingredient": [...], "package_quantity", ...).  Each field
 * it names replaces every occurrence of that field in the copied product;
 * the others stay as prescribed.  It implies --substituted.
 * Exit status: 0 written, 1 refused (reason and XPath on stderr, nothing
 * written), 2 usage error or an input that could not be read.
 * Only the public API of libepsos and the C library are used here.
 */
#define _POSIX_C_SOURCE 200809L

#include <epsos.h>

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "commands.h"

static const char help[] =
    "usage: epsos ed-from-ep [--quantity N] [--substituted] [--substitute JSON] [--item I]\n"
    "                        EP.xml -o ED.xml\n"
    "Start an eDispensation answering prescription item I (default 0) of EP.xml:\n"
    "patient, order id, prescription reference, prescribed product, quantity.\n"
    "  --quantity N    packages dispensed (default: the number prescribed)\n"
    "  --substituted   the dispensed product substitutes the prescribed one\n"
    "  --substitute JSON  the dispensed product differs: a product object as\n"
    "                  `epsos dump --json` prints it (@FILE reads it from FILE);\n"
    "                  the fields it names replace those of the prescribed\n"
    "                  product; implies --substituted\n"
    "  --item I        which prescription item of the document (from 0)\n"
    "  -o FILE         the eD to write (written only on success)\n";

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "epsos: ed-from-ep: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    fprintf(stderr, "Try 'epsos ed-from-ep --help'.\n");
    return 2;
}

static void report(epsos_ctx *ctx, const char *file);

/* tools/cmd-build.c: the JSON reader and builder */
int epsos_build_json(epsos_doc **out, int *errors, epsos_ctx *ctx, const char *text,
                     size_t len, const char *label);

/* Copies every occurrence of field f of src onto the end of dst (same kind
 * of item), nested items included; public API only. */
static int copy_item(epsos_item *dst, epsos_item *src);

static int copy_field(epsos_item *dst, epsos_item *src, int32_t f)
{
    int32_t kind = epsos_item_kind(src), type = epsos_field_type(kind, f);
    size_t n = 0;
    int rc = epsos_item_count(src, f, &n);
    for (size_t i = 0; rc == EPSOS_OK && i < n; i++) {
        size_t at = 0;
        const char *a = NULL, *b = NULL, *c = NULL, *nf = NULL;
        bool set = false;
        if ((rc = epsos_item_count(dst, f, &at)) != EPSOS_OK)
            break;
        switch (type) {
        case EPSOS_T_TEXT: case EPSOS_T_CS:
            if ((rc = epsos_item_get_text(src, f, i, &a)) == EPSOS_OK && a)
                rc = epsos_item_set_text(dst, f, at, a), set = true;
            break;
        case EPSOS_T_CD:
            if ((rc = epsos_item_get_code(src, f, i, &a, &b, &c)) == EPSOS_OK && a)
                rc = epsos_item_set_code(dst, f, at, a, b, c), set = true;
            if (rc == EPSOS_OK && set) {
                size_t nt = 0;
                rc = epsos_item_translation_count(src, f, i, &nt);
                for (size_t t = 0; rc == EPSOS_OK && t < nt; t++)
                    if ((rc = epsos_item_get_translation(src, f, i, t, &a, &b, &c)) == EPSOS_OK)
                        rc = epsos_item_add_translation(dst, f, at, a, b, c);
            }
            break;
        case EPSOS_T_II:
            if ((rc = epsos_item_get_id(src, f, i, &a, &b)) == EPSOS_OK && a)
                rc = epsos_item_set_id(dst, f, at, a, b), set = true;
            break;
        case EPSOS_T_TS:
            if ((rc = epsos_item_get_time(src, f, i, &a)) == EPSOS_OK && a)
                rc = epsos_item_set_time(dst, f, at, a), set = true;
            break;
        case EPSOS_T_PQ:
            if ((rc = epsos_item_get_quantity(src, f, i, &a, &b)) == EPSOS_OK && a)
                rc = epsos_item_set_quantity(dst, f, at, a, b), set = true;
            break;
        case EPSOS_T_TEL:
            if ((rc = epsos_item_get_telecom(src, f, i, &a, &b)) == EPSOS_OK && a)
                rc = epsos_item_set_telecom(dst, f, at, a, b), set = true;
            break;
        case EPSOS_T_ITEM: {
            epsos_item *from, *to;
            if ((rc = epsos_item_child(&from, src, f, i)) == EPSOS_OK &&
                (rc = epsos_item_add_child(&to, dst, f)) == EPSOS_OK)
                rc = copy_item(to, from);
            set = true;
            break;
        }
        default:
            set = true;
            break;
        }
        if (rc == EPSOS_OK && !set &&
            (rc = epsos_item_get_null_flavor(src, f, i, &nf)) == EPSOS_OK && nf)
            rc = epsos_item_set_null_flavor(dst, f, at, nf);
    }
    return rc;
}

static int copy_item(epsos_item *dst, epsos_item *src)
{
    int32_t kind = epsos_item_kind(src);
    size_t nf = epsos_kind_field_count(kind);
    int rc = EPSOS_OK;
    for (size_t j = 0; rc == EPSOS_OK && j < nf; j++)
        rc = copy_field(dst, src, epsos_kind_field_at(kind, j));
    return rc;
}

/* The dispensed product of the eD, changed as `json` says (see above).
 * Returns an exit status; messages on stderr. */
static int substitute(epsos_ctx *ctx, epsos_doc *ed, const char *json)
{
    char *text = NULL;
    size_t tlen = 0;
    if (json[0] == '@') {
        FILE *f = fopen(json + 1, "rb");
        size_t cap = 0;
        while (f) {
            if (tlen + 4096 > cap) {
                char *nt = realloc(text, cap = cap * 2 + 8192);
                if (!nt)
                    break;
                text = nt;
            }
            size_t r = fread(text + tlen, 1, cap - tlen - 1, f);
            tlen += r;
            if (r == 0)
                break;
        }
        if (!f || ferror(f) || !text) {
            fprintf(stderr, "epsos: ed-from-ep: --substitute: cannot read '%s'\n", json + 1);
            if (f)
                fclose(f);
            free(text);
            return 2;
        }
        fclose(f);
        text[tlen] = '\0';
        json = text;
    }
    /* an eD around the product object, built by `epsos build`'s reader */
    static const char pre[] = "{\"kind\": \"eD\", \"header\": {\"section\": [{\"code\": "
        "{\"code\": \"60590-7\", \"codeSystem\": \"2.16.840.1.113883.6.1\"}, "
        "\"dispensation\": [{\"product\": ";
    static const char post[] = "}]}]}}";
    size_t jl = strlen(json), wl = sizeof pre - 1 + jl + sizeof post - 1;
    char *wrap = malloc(wl + 1);
    if (!wrap) {
        free(text);
        fprintf(stderr, "epsos: out of memory\n");
        return 2;
    }
    memcpy(wrap, pre, sizeof pre - 1);
    memcpy(wrap + sizeof pre - 1, json, jl);
    memcpy(wrap + sizeof pre - 1 + jl, post, sizeof post);
    free(text);
    /* a product object: the first non-blank character is '{' */
    size_t k = 0;
    while (k < jl && strchr(" \t\r\n", wrap[sizeof pre - 1 + k]))
        k++;
    if (k >= jl || wrap[sizeof pre - 1 + k] != '{') {
        fprintf(stderr, "epsos: ed-from-ep: --substitute: expected a JSON object "
                "(the dispensed product)\n");
        free(wrap);
        return 2;
    }
    epsos_doc *tmp = NULL;
    int errors = 0, st = epsos_build_json(&tmp, &errors, ctx, wrap, wl, "--substitute");
    free(wrap);
    epsos_item *h, *s, *d, *from = NULL, *to = NULL;
    if (st == 0 && !errors &&
        (epsos_doc_header(&h, tmp) != EPSOS_OK ||
         epsos_item_child(&s, h, EPSOS_F_SECTION, 0) != EPSOS_OK ||
         epsos_item_child(&d, s, EPSOS_F_DISPENSE, 0) != EPSOS_OK ||
         epsos_item_child(&from, d, EPSOS_F_PRODUCT, 0) != EPSOS_OK))
        st = 2;
    if (st != 0 || errors) {
        fprintf(stderr, "epsos: ed-from-ep: --substitute: not a product object as "
                "`epsos dump --json` prints it\n");
        epsos_doc_free(tmp);
        return 2;
    }
    int rc = epsos_doc_header(&h, ed);
    if (rc == EPSOS_OK && (rc = epsos_item_child(&s, h, EPSOS_F_SECTION, 0)) == EPSOS_OK &&
        (rc = epsos_item_child(&d, s, EPSOS_F_DISPENSE, 0)) == EPSOS_OK)
        rc = epsos_item_child(&to, d, EPSOS_F_PRODUCT, 0);
    size_t nf = epsos_kind_field_count(EPSOS_KIND_PRODUCT);
    for (size_t j = 0; rc == EPSOS_OK && j < nf; j++) {
        int32_t f = epsos_kind_field_at(EPSOS_KIND_PRODUCT, j);
        size_t n = 0;
        if ((rc = epsos_item_count(from, f, &n)) != EPSOS_OK || n == 0)
            continue;
        while (rc == EPSOS_OK && epsos_item_count(to, f, &n) == EPSOS_OK && n > 0)
            rc = epsos_item_remove(to, f, 0);
        if (rc == EPSOS_OK)
            rc = copy_field(to, from, f);
    }
    epsos_doc_free(tmp);
    if (rc != EPSOS_OK) {
        report(ctx, "--substitute");
        return 1;
    }
    return 0;
}

static void report(epsos_ctx *ctx, const char *file)
{
    const char *loc = epsos_ctx_errloc(ctx);
    fprintf(stderr, "epsos: %s: %s%s%s\n", file, epsos_ctx_errmsg(ctx),
            loc && *loc ? " at " : "", loc && *loc ? loc : "");
}

int epsos_cmd_ed_from_ep(int argc, char **argv)
{
    const char *quantity = NULL, *output = NULL, *input = NULL, *subst = NULL;
    uint32_t flags = 0;
    long want = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--quantity") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
                   !strcmp(a, "--item") || !strcmp(a, "--substitute")) {
            if (i + 1 >= argc)
                return usage("option needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--quantity"))
                quantity = v;
            else if (!strcmp(a, "--substitute")) {
                subst = v;
                flags |= EPSOS_ED_SUBSTITUTED;
            }
            else if (!strcmp(a, "--item")) {
                char *end;
                want = strtol(v, &end, 10);
                if (!*v || *end || want < 0)
                    return usage("--item needs a number from 0", v);
            } else
                output = v;
        } else if (!strcmp(a, "--substituted")) {
            flags |= EPSOS_ED_SUBSTITUTED;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option", a);
        } else if (!input) {
            input = a;
        } else {
            return usage("one eP document expected, got another", a);
        }
    }
    if (!input)
        return usage("no eP document given", NULL);
    if (!output)
        return usage("-o ED.xml is required", NULL);

    epsos_ctx *ctx = NULL;
    epsos_doc *ep = NULL, *ed = NULL;
    epsos_item *h, *s, *rx = NULL;
    int status = 2;
    if (epsos_ctx_new(&ctx) != EPSOS_OK) {
        fprintf(stderr, "epsos: out of memory\n");
        return 2;
    }
    if (epsos_doc_parse_file(&ep, ctx, input, 0) != EPSOS_OK) {
        report(ctx, input);
        goto done;
    }
    status = 1;
    /* the want-th prescription item over the eP sections, in order */
    size_t ns = 0, seen = 0;
    if (epsos_doc_header(&h, ep) == EPSOS_OK &&
        epsos_item_count(h, EPSOS_F_SECTION, &ns) == EPSOS_OK)
        for (size_t i = 0; i < ns && !rx; i++) {
            size_t n = 0;
            if (epsos_item_child(&s, h, EPSOS_F_SECTION, i) != EPSOS_OK ||
                epsos_item_kind(s) != EPSOS_KIND_EP_SECTION ||
                epsos_item_count(s, EPSOS_F_PRESCRIPTION, &n) != EPSOS_OK)
                continue;
            if ((size_t)want < seen + n &&
                epsos_item_child(&rx, s, EPSOS_F_PRESCRIPTION, (size_t)want - seen) != EPSOS_OK)
                rx = NULL;
            seen += n;
        }
    if (!rx) {
        fprintf(stderr, "epsos: %s: no prescription item %ld (the document has %zu)\n", input,
                want, seen);
        goto done;
    }
    if (epsos_ed_from_ep(&ed, rx, quantity, NULL, flags) != EPSOS_OK) {
        report(ctx, input);
        goto done;
    }
    if (subst && (status = substitute(ctx, ed, subst)) != 0)
        goto done;
    if (epsos_doc_save(ed, output, EPSOS_SERIALIZE_FORMAT) != EPSOS_OK) {
        report(ctx, output);
        status = 2;
        goto done;
    }
    status = 0;
done:
    epsos_doc_free(ed);
    epsos_doc_free(ep);
    epsos_ctx_free(ctx);
    return status;
}
