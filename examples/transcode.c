/*
 * transcode: the sending side's terminology step.  A national document's
 * coded values become Master Value Catalogue (MVC) codes, each keeping the
 * national code as a <translation>; optionally the receiving side's step
 * follows: display names in the reader's language.
 *
 *   transcode [--strict] [--lang LANG] IN.xml OUT.xml SOURCE...
 *
 * SOURCE: terminology sources (TSV or XML, see epsos-catalogue(5)) from
 * which the catalogue is built in memory, e.g. examples/data/national.tsv
 * (national -> MVC mappings), mvc.tsv (value-set members) and
 * designations.tsv (terms in other languages).  A real deployment compiles
 * the whole MVC once with `epsos catalogue build` and maps it with
 * epsos_catalogue_open().
 *
 * Prints the patient's gender before and after, every finding (a national
 * code without mapping, a value set the catalogue lacks, ...) and the
 * statistics.  --strict refuses the document when a *required* coded
 * element could not be transcoded.
 * Exit 0 written, 1 refused (strict) or nothing transcoded, 2 usage error
 * or unreadable input.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <epsos.h>

static const char *finding_name(int32_t code)
{
    switch (code) {
    case EPSOS_TERM_NO_MAPPING: return "no-mapping";
    case EPSOS_TERM_NOT_IN_VALUE_SET: return "not-in-value-set";
    case EPSOS_TERM_NULL_REQUIRED: return "null-required";
    case EPSOS_TERM_NO_DESIGNATION: return "no-designation";
    case EPSOS_TERM_UNKNOWN_VALUE_SET: return "unknown-value-set";
    case EPSOS_TERM_BAD_UNIT: return "bad-unit";
    case EPSOS_TERM_NO_CONCEPT: return "no-concept";
    default: return "?";
    }
}

/* The patient's administrativeGenderCode and its translations. */
static void print_gender(epsos_doc *doc, const char *when)
{
    epsos_item *h, *pat;
    const char *code = NULL, *sys = NULL, *disp = NULL;
    size_t nt = 0;
    if (epsos_doc_header(&h, doc) != EPSOS_OK ||
        epsos_item_child(&pat, h, EPSOS_F_PATIENT, 0) != EPSOS_OK ||
        epsos_item_get_code(pat, EPSOS_F_GENDER, 0, &code, &sys, &disp) != EPSOS_OK)
        return;
    printf("gender %s: %s|%s (%s)", when, sys ? sys : "-", code ? code : "-", disp ? disp : "-");
    epsos_item_translation_count(pat, EPSOS_F_GENDER, 0, &nt);
    for (size_t i = 0; i < nt; i++)
        if (epsos_item_get_translation(pat, EPSOS_F_GENDER, 0, i, &code, &sys, &disp) == EPSOS_OK)
            printf(", translation %s|%s (%s)", sys, code, disp ? disp : "-");
    printf("\n");
}

static void print_report(const epsos_term_report *r, const char *step)
{
    size_t visited = 0, changed = 0, missing = 0, unknown_vs = 0;
    for (size_t i = 0; i < epsos_term_report_count(r); i++) {
        int32_t code;
        const char *xpath, *vs, *msg;
        if (epsos_term_report_finding(r, i, &code, &xpath, &vs, &msg) != EPSOS_OK)
            continue;
        if (code == EPSOS_TERM_UNKNOWN_VALUE_SET)
            unknown_vs++;   /* the small example catalogue lacks most value sets */
        else
            printf("  %s: %s\n      at %s\n", finding_name(code), msg, xpath);
    }
    if (unknown_vs)
        printf("  (%zu coded values bound to value sets not in the catalogue)\n", unknown_vs);
    epsos_term_report_stat(r, EPSOS_TERM_STAT_VISITED, &visited);
    epsos_term_report_stat(r, strcmp(step, "transcoded") ? EPSOS_TERM_STAT_TRANSLATED
                                                         : EPSOS_TERM_STAT_TRANSCODED, &changed);
    epsos_term_report_stat(r, EPSOS_TERM_STAT_MISSING, &missing);
    printf("%s: %zu coded values visited, %zu %s, %zu findings\n", step, visited, changed, step,
           missing);
}

int main(int argc, char **argv)
{
    epsos_ctx *ctx = NULL;
    epsos_catalogue_builder *b = NULL;
    epsos_catalogue *cat = NULL;
    epsos_term_report *report = NULL;
    epsos_doc *doc = NULL;
    const char *lang = NULL;
    uint32_t flags = 0;
    int i = 1, status = 2;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--strict"))
            flags |= EPSOS_TERM_STRICT;
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc)
            lang = argv[++i];
        else
            break;
    }
    if (argc - i < 3) {
        fprintf(stderr, "usage: transcode [--strict] [--lang LANG] IN.xml OUT.xml SOURCE...\n");
        return 2;
    }
    const char *in = argv[i], *out = argv[i + 1];
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;

    /* The catalogue, built in memory from the sources. */
    if (epsos_catalogue_builder_new(&b, ctx) != EPSOS_OK)
        goto fail;
    for (int k = i + 2; k < argc; k++)
        if (epsos_catalogue_builder_add_file(b, argv[k]) != EPSOS_OK) {
            fprintf(stderr, "transcode: %s: %s\n", argv[k], epsos_ctx_errmsg(ctx));
            goto done;
        }
    if (epsos_catalogue_builder_finish(&cat, b) != EPSOS_OK)
        goto fail;
    size_t nmap = 0, nvs = 0;
    epsos_catalogue_count(cat, EPSOS_CAT_MAPPINGS, &nmap);
    epsos_catalogue_count(cat, EPSOS_CAT_VALUE_SETS, &nvs);
    printf("catalogue: %zu value sets, %zu mappings\n", nvs, nmap);

    if (epsos_doc_parse_file(&doc, ctx, in, 0) != EPSOS_OK) {
        fprintf(stderr, "transcode: %s: %s\n", in, epsos_ctx_errmsg(ctx));
        goto done;
    }
    status = 1;
    print_gender(doc, "before");

    /* National -> MVC.  The report lists what could not be done. */
    if (epsos_term_report_new(&report, ctx) != EPSOS_OK)
        goto fail;
    int rc = epsos_transcode(doc, cat, flags, report);
    print_report(report, "transcoded");
    if (rc != EPSOS_OK) {
        fprintf(stderr, "transcode: refused: %s\n", epsos_ctx_errmsg(ctx));
        goto done;
    }
    print_gender(doc, "after");
    size_t transcoded = 0;
    epsos_term_report_stat(report, EPSOS_TERM_STAT_TRANSCODED, &transcoded);

    /* Receiving side: display names in the reader's language; the English
     * display stays as a translation. */
    if (lang) {
        if (epsos_translate(doc, cat, lang, 0, report) != EPSOS_OK)
            goto fail;
        print_report(report, "translated");
        print_gender(doc, "translated");
    }

    if (epsos_doc_save(doc, out, EPSOS_SERIALIZE_FORMAT) != EPSOS_OK) {
        fprintf(stderr, "transcode: %s\n", epsos_ctx_errmsg(ctx));
        status = 2;
        goto done;
    }
    printf("written: %s\n", out);
    status = transcoded ? 0 : 1;
    goto done;
fail:
    fprintf(stderr, "transcode: %s (%s)\n", epsos_ctx_errmsg(ctx),
            epsos_strerror(epsos_ctx_errcode(ctx)));
done:
    epsos_term_report_free(report);
    epsos_doc_free(doc);
    epsos_catalogue_free(cat);
    epsos_catalogue_builder_free(b);
    epsos_ctx_free(ctx);
    return status;
}
