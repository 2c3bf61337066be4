/*
 * bench-validate: epsos_validate vs the official Schematron oracle
 * (shared/tools/schematron/ehdsi-validate) on the same documents in the same
 * run (issue 7 acceptance: >= 100x faster per document, JVM start excluded).
 *   bench-validate [-n ROUNDS] -s EHDSI_VALIDATE DOC.xml...
 * Prints per-document means and their ratios; asserts nothing.
 * Schematron side: the "execution" time that `ehdsi-validate --timing`
 * reports (JVM start and stylesheet compilation excluded) and its whole wall
 * time.  libepsos side: parse + validate, and validate alone, per document.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <epsos.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int rounds = 20, opt;
    const char *oracle = NULL;
    while ((opt = getopt(argc, argv, "n:s:")) != -1) {
        if (opt == 'n')
            rounds = atoi(optarg);
        else if (opt == 's')
            oracle = optarg;
        else
            return 2;
    }
    int ndocs = argc - optind;
    if (!oracle || ndocs < 1 || rounds < 1) {
        fprintf(stderr, "usage: bench-validate [-n ROUNDS] -s EHDSI_VALIDATE DOC.xml...\n");
        return 2;
    }
    epsos_ctx *ctx;
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;
    double t_parse_val = 0, t_val = 0;
    size_t errors = 0;
    for (int r = 0; r < rounds; r++)
        for (int d = 0; d < ndocs; d++) {
            epsos_doc *doc;
            epsos_report *rep;
            double a = now();
            if (epsos_doc_parse_file(&doc, ctx, argv[optind + d], 0) != EPSOS_OK) {
                fprintf(stderr, "%s: %s\n", argv[optind + d], epsos_ctx_errmsg(ctx));
                return 2;
            }
            double b = now();
            if (epsos_validate(&rep, ctx, doc, 0) != EPSOS_OK) {
                fprintf(stderr, "%s: %s\n", argv[optind + d], epsos_ctx_errmsg(ctx));
                return 2;
            }
            double c = now();
            t_parse_val += c - a;
            t_val += c - b;
            if (r == 0)
                errors += epsos_report_count(rep, EPSOS_SEV_ERROR);
            epsos_report_free(rep);
            epsos_doc_free(doc);
        }
    epsos_ctx_free(ctx);
    double n = (double)rounds * ndocs;
    double ours = t_parse_val / n, ours_val = t_val / n;

    /* the oracle: each document listed `srounds` times in one JVM */
    int srounds = rounds < 5 ? rounds : 5;
    size_t cl = 64;
    for (int d = 0; d < ndocs; d++)
        cl += (strlen(argv[optind + d]) + 4) * (size_t)srounds;
    cl += strlen(oracle) + 128;
    char *cmd = malloc(cl);
    if (!cmd)
        return 2;
    size_t o = (size_t)snprintf(cmd, cl, "'%s' --kind ps -q --no-info --timing", oracle);
    for (int r = 0; r < srounds; r++)
        for (int d = 0; d < ndocs; d++)
            o += (size_t)snprintf(cmd + o, cl - o, " '%s'", argv[optind + d]);
    snprintf(cmd + o, cl - o, " 2>&1 >/dev/null");
    double a = now();
    FILE *p = popen(cmd, "r");
    if (!p)
        return 2;
    char line[1024];
    double exec_mean = -1;
    while (fgets(line, sizeof line, p)) {
        const char *m = strstr(line, "(mean ");
        if (m)
            exec_mean = atof(m + 6);
    }
    pclose(p);
    double wall = (now() - a) / ((double)srounds * ndocs);
    free(cmd);
    if (exec_mean <= 0) {
        fprintf(stderr, "bench-validate: no timing line from %s\n", oracle);
        return 2;
    }
    printf("%d documents, libepsos %d rounds (%zu errors), Schematron %d rounds\n", ndocs,
           rounds, errors, srounds);
    printf("libepsos parse+validate: %.3f ms/doc; validate alone: %.3f ms/doc\n", ours * 1e3,
           ours_val * 1e3);
    printf("Schematron execution (JVM start, XSLT compilation excluded): %.1f ms/doc; "
           "whole ehdsi-validate wall: %.1f ms/doc\n", exec_mean * 1e3, wall * 1e3);
    printf("ratio Schematron execution / libepsos parse+validate: %.0fx (goal >= 100x)\n",
           exec_mean / ours);
    printf("ratio Schematron execution / libepsos validate alone: %.0fx\n", exec_mean / ours_val);
    printf("ratio ehdsi-validate wall / libepsos parse+validate: %.0fx\n", wall / ours);
    return 0;
}
