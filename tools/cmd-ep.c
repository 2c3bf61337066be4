/*
 * epsos ed-from-ep: start an eDispensation answering a prescription.
 * SPDX-License-Identifier: MIT
 *
 *   epsos ed-from-ep [--quantity N] [--substituted] [--item I] EP.xml -o ED.xml
 *
 * The eD holds the patient, the order id, the reference to the prescription
 * item, the prescribed product (also as the dispensed product) and the
 * quantity; the pharmacy adds the rest (author, dispenser, ...).
 * Exit status: 0 written, 1 refused (reason and XPath on stderr, nothing
 * written), 2 usage error or an input that could not be read.
 * Only the public API of libepsos and the C library are used here.
 */
#define _POSIX_C_SOURCE 200809L

#include <epsos.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

static const char help[] =
    "usage: epsos ed-from-ep [--quantity N] [--substituted] [--item I] EP.xml -o ED.xml\n"
    "Start an eDispensation answering prescription item I (default 0) of EP.xml:\n"
    "patient, order id, prescription reference, prescribed product, quantity.\n"
    "  --quantity N    packages dispensed (default: the number prescribed)\n"
    "  --substituted   the dispensed product substitutes the prescribed one\n"
    "  --item I        which prescription item of the document (from 0)\n"
    "  -o FILE         the eD to write (written only on success)\n";

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "epsos: ed-from-ep: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    fprintf(stderr, "Try 'epsos ed-from-ep --help'.\n");
    return 2;
}

static void report(epsos_ctx *ctx, const char *file)
{
    const char *loc = epsos_ctx_errloc(ctx);
    fprintf(stderr, "epsos: %s: %s%s%s\n", file, epsos_ctx_errmsg(ctx),
            loc && *loc ? " at " : "", loc && *loc ? loc : "");
}

int epsos_cmd_ed_from_ep(int argc, char **argv)
{
    const char *quantity = NULL, *output = NULL, *input = NULL;
    uint32_t flags = 0;
    long want = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--quantity") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
                   !strcmp(a, "--item")) {
            if (i + 1 >= argc)
                return usage("option needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--quantity"))
                quantity = v;
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
