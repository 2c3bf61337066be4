/*
 * epsos validate: conformance findings of epsos_validate(3).
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <epsos.h>
#include "cmdutil.h"
#include "commands.h"

static const char help[] =
    "usage: epsos validate [--legacy] [--json|--svrl] [--catalogue FILE.epcat] FILE...\n"
    "Checks each CDA document against the eHDSI conformance rules of the template\n"
    "table (cardinalities, required sections, TS/II/CD/TEL/AD/language datatype rules).\n"
    "  --legacy the legacy epSOS rules, for documents of the epSOS generation\n"
    "           (urn:epsos-org:ep:medication, IHE/CCD templateIds, SNOMED CT\n"
    "           \"no known\" codes)\n"
    "  --json   one JSON object per finding and one per file (default: text)\n"
    "  --svrl   an SVRL report (ISO Schematron output) per file\n"
    "  --catalogue FILE.epcat  also check that every bound code is a member of its\n"
    "           value set in this compiled catalogue (epsos catalogue build)\n"
    "Exit status: 0 no errors, 1 errors found, 2 could not run.\n";

static int usage(const char *what, const char *arg)
{
    fprintf(stderr, "epsos validate: %s%s%s\n%s", what, arg ? ": " : "", arg ? arg : "", help);
    return EXIT_TROUBLE;
}

static void json_str(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static const char *sev_name(int32_t s)
{
    return s == EPSOS_SEV_ERROR ? "error" : s == EPSOS_SEV_WARNING ? "warning" : "info";
}

int epsos_cmd_validate(int argc, char **argv)
{
    int json = 0, svrl = 0, nfiles = 0;
    uint32_t options = 0;
    const char *catfile = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--catalogue") || !strncmp(a, "--catalogue=", 12)) {
            if (a[11] == '=') {
                catfile = a + 12;
            } else if (i + 1 < argc) {
                catfile = argv[++i];
            } else {
                return usage("--catalogue needs a file", NULL);
            }
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--svrl")) {
            svrl = 1;
        } else if (!strcmp(a, "--legacy")) {
            options |= EPSOS_VALIDATE_LEGACY;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option", a);
        } else {
            nfiles++;
        }
    }
    if (!nfiles)
        return usage("no document given", NULL);
    if (json && svrl)
        return usage("--json and --svrl exclude each other", NULL);
    epsos_ctx *ctx = NULL;
    if (epsos_ctx_new(&ctx) != EPSOS_OK) {
        fprintf(stderr, "epsos: out of memory\n");
        return EXIT_TROUBLE;
    }
    epsos_catalogue *cat = NULL;
    if (catfile && epsos_catalogue_open(&cat, ctx, catfile) != EPSOS_OK) {
        fprintf(stderr, "epsos validate: %s: %s\n", catfile, epsos_ctx_errmsg(ctx));
        epsos_ctx_free(ctx);
        return EXIT_TROUBLE;
    }
    int status = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *file = argv[i];
        if (!strcmp(file, "--catalogue")) {
            i++;
            continue;
        }
        if (file[0] == '-' && file[1])
            continue;
        epsos_doc *doc = NULL;
        epsos_report *r = NULL;
        if (epsos_doc_parse_file(&doc, ctx, file, 0) != EPSOS_OK ||
            epsos_validate_with(&r, ctx, doc, cat, options) != EPSOS_OK) {
            fprintf(stderr, "epsos validate: %s: %s\n", file, epsos_ctx_errmsg(ctx));
            epsos_doc_free(doc);
            status = EXIT_TROUBLE;
            continue;
        }
        size_t n = epsos_report_count(r, 0);
        if (json || svrl) {
            uint8_t *buf = NULL;
            size_t len = 0;
            if (epsos_report_serialize(&buf, &len, ctx, r, svrl ? EPSOS_REPORT_SVRL
                                       : EPSOS_REPORT_JSONL, file) != EPSOS_OK) {
                fprintf(stderr, "epsos validate: %s: %s\n", file, epsos_ctx_errmsg(ctx));
                epsos_report_free(r);
                epsos_doc_free(doc);
                status = EXIT_TROUBLE;
                continue;
            }
            fwrite(buf, 1, len, stdout);
            epsos_free(buf);
            n = 0;
        }
        for (size_t k = 0; k < n; k++)
            printf("%s:%d: %s [%s] %s (%s)\n", file, (int)epsos_report_line(r, k),
                   sev_name(epsos_report_severity(r, k)), epsos_report_rule(r, k),
                   epsos_report_message(r, k), epsos_report_xpath(r, k));
        size_t ne = epsos_report_count(r, EPSOS_SEV_ERROR),
               nw = epsos_report_count(r, EPSOS_SEV_WARNING),
               ni = epsos_report_count(r, EPSOS_SEV_INFO);
        if (json) {
            fputs("{\"file\": ", stdout);
            json_str(file);
            printf(", \"errors\": %zu, \"warnings\": %zu, \"infos\": %zu}\n", ne, nw, ni);
        } else if (svrl) {
            fprintf(stderr, "%s: %zu errors, %zu warnings\n", file, ne, nw);
        } else {
            printf("%s: %zu errors, %zu warnings\n", file, ne, nw);
        }
        if (ne && status == EXIT_OK)
            status = EXIT_INVALID;
        epsos_report_free(r);
        epsos_doc_free(doc);
    }
    epsos_catalogue_free(cat);
    epsos_ctx_free(ctx);
    return status;
}
