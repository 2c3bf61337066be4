/*
 * bench-build: building through the API against parsing, and how both grow
 * with the number of entries (issue 9).  Reports ratios and fitted
 * exponents, measured in the same run, never bare times as a verdict.
 *   bench-build [-n ENTRIES] [-s SIZES] [-t SECONDS]
 * (a) A Patient Summary of ENTRIES (default 200) entries (medications,
 *     allergies, problems in turn) is built through the item API, completed
 *     (identifiers, narrative) and serialized; the same bytes are parsed,
 *     and parsed with every field read.  Ratios build+serialize / parse and
 *     / (parse + read all); goal <= 2.
 * (b) The same for SIZES (default 10,100,1000,10000 entries): the time of
 *     parse + read all and of build + serialize at each size, and the
 *     exponent k of time ~ entries^k fitted by least squares on log-log;
 *     goal ~ 1 (linear); also the exponent of epsos_doc_complete alone.  Times are CPU times, the best of 3 measurements
 *     of at least SECONDS (default 0.2) each.
 */
#define _POSIX_C_SOURCE 200809L          /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <epsos.h>

#define SNOMED "2.16.840.1.113883.6.96"
#define ATC "2.16.840.1.113883.6.73"
#define EDQM "0.4.0.127.0.16.1.1.2.1"
#define ICD10 "1.3.6.1.4.1.12559.11.10.1.3.1.44.2"

static epsos_ctx *ctx;
static double complete_time;     /* CPU time spent in epsos_doc_complete */

/* CPU time of the process (one thread): what other processes take from the
 * machine does not count, so the ratios hold on a busy machine too. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void ok(int rc, const char *what)
{
    if (rc != EPSOS_OK) {
        fprintf(stderr, "bench-build: %s: %s (%s)\n", what, epsos_ctx_errmsg(ctx),
                epsos_ctx_errloc(ctx));
        exit(2);
    }
}
#define OK(call) ok((call), #call)

static int ids(void *user, char *buf, size_t len)
{
    unsigned *n = user;
    snprintf(buf, len, "2.999.77.%u", ++*n);
    return 0;
}

static int clock_src(void *user, char *buf, size_t len)
{
    (void)user;
    snprintf(buf, len, "20261124120000+0000");
    return 0;
}

/* A PS with n entries, built, completed and serialized. */
static uint8_t *build(size_t n, size_t *len)
{
    epsos_doc *doc = NULL;
    epsos_item *h, *p, *nm, *s[3], *e, *o;
    unsigned counter = 0;
    char buf[64];
    OK(epsos_doc_new(&doc, ctx, EPSOS_DOC_PS));
    OK(epsos_doc_set_sources(doc, ids, clock_src, &counter));
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_set_id(h, EPSOS_F_ID, 0, "2.999.1.42.7", "PS-BENCH"));
    OK(epsos_item_set_text(h, EPSOS_F_TITLE, 0, "Patient Summary"));
    OK(epsos_item_set_code(h, EPSOS_F_CONFIDENTIALITY, 0, "N", "2.16.840.1.113883.5.25", "normal"));
    OK(epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "en-GB"));
    OK(epsos_item_add_child(&p, h, EPSOS_F_PATIENT));
    OK(epsos_item_set_id(p, EPSOS_F_ID, 0, "2.999.1.42.1", "PT-0042"));
    OK(epsos_item_add_child(&nm, p, EPSOS_F_NAME));
    OK(epsos_item_set_text(nm, EPSOS_F_GIVEN, 0, "Maria"));
    OK(epsos_item_set_text(nm, EPSOS_F_FAMILY, 0, "Exemplo"));
    OK(epsos_item_set_code(p, EPSOS_F_GENDER, 0, "F", "2.16.840.1.113883.5.1", "Female"));
    OK(epsos_item_set_time(p, EPSOS_F_BIRTH_TIME, 0, "19700512"));
    OK(epsos_doc_add_section(&s[0], doc, EPSOS_KIND_PS_MEDICATION_SECTION));
    OK(epsos_doc_add_section(&s[1], doc, EPSOS_KIND_PS_ALLERGIES_SECTION));
    OK(epsos_doc_add_section(&s[2], doc, EPSOS_KIND_PS_PROBLEMS_SECTION));
    for (size_t i = 0; i < n; i++) {
        snprintf(buf, sizeof buf, "2025%02zu%02zu", 1 + i % 12, 1 + i % 28);
        switch (i % 3) {
        case 0:
            OK(epsos_item_add_child(&e, s[0], EPSOS_F_MEDICATION));
            OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
            OK(epsos_item_set_time(e, EPSOS_F_START, 0, buf));
            OK(epsos_item_set_quantity(e, EPSOS_F_FREQUENCY, 0, "12", "h"));
            OK(epsos_item_set_code(e, EPSOS_F_ROUTE, 0, "20053000", EDQM, "Oral use"));
            OK(epsos_item_set_quantity(e, EPSOS_F_DOSE, 0, "1", "1"));
            OK(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Atorvastatin Example 20 mg"));
            OK(epsos_item_set_code(e, EPSOS_F_DOSE_FORM, 0, "10219000", EDQM, "Tablet"));
            OK(epsos_item_set_code(e, EPSOS_F_ATC, 0, "C10AA05", ATC, "atorvastatin"));
            break;
        case 1:
            OK(epsos_item_add_child(&e, s[1], EPSOS_F_ALLERGY));
            OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
            OK(epsos_item_set_time(e, EPSOS_F_START, 0, buf));
            OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
            OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "609328004", SNOMED, "Allergic disposition"));
            OK(epsos_item_set_text(o, EPSOS_F_STATUS, 0, "completed"));
            OK(epsos_item_set_time(o, EPSOS_F_START, 0, buf));
            OK(epsos_item_set_code(o, EPSOS_F_AGENT, 0, "J01CA04", ATC, "amoxicillin"));
            break;
        default:
            OK(epsos_item_add_child(&e, s[2], EPSOS_F_PROBLEM));
            OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
            OK(epsos_item_set_time(e, EPSOS_F_START, 0, buf));
            OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
            OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "55607006", SNOMED, "Problem"));
            OK(epsos_item_set_time(o, EPSOS_F_START, 0, buf));
            OK(epsos_item_set_code(o, EPSOS_F_VALUE, 0, "E78.0", ICD10, "Pure hypercholesterolaemia"));
            break;
        }
    }
    static const int32_t absent[] = { EPSOS_KIND_PS_SURGERIES_SECTION,
                                       EPSOS_KIND_PS_DEVICES_SECTION };
    for (size_t i = 0; i < 2; i++)
        OK(epsos_ps_set_absent(NULL, doc, absent[i], EPSOS_ABSENT_NO_INFO));
    if (n < 3)
        for (int32_t k = EPSOS_KIND_PS_MEDICATION_SECTION; k <= EPSOS_KIND_PS_PROBLEMS_SECTION; k++)
            OK(epsos_ps_set_absent(NULL, doc, k, EPSOS_ABSENT_NO_INFO));
    double tc = now();
    OK(epsos_doc_complete(doc, 0));
    complete_time += now() - tc;
    uint8_t *out = NULL;
    OK(epsos_doc_serialize(&out, len, doc, 0));
    epsos_doc_free(doc);
    return out;
}

static size_t read_all(epsos_item *it)
{
    size_t total = 0;
    int32_t k = epsos_item_kind(it);
    for (size_t i = 0; i < epsos_kind_field_count(k); i++) {
        int32_t f = epsos_kind_field_at(k, i);
        size_t n = 0;
        epsos_item_count(it, f, &n);
        for (size_t j = 0; j < n; j++) {
            const char *a, *b, *c;
            epsos_item *child;
            switch (epsos_field_type(k, f)) {
            case EPSOS_T_ITEM:
                if (epsos_item_child(&child, it, f, j) == EPSOS_OK)
                    total += read_all(child);
                break;
            case EPSOS_T_CD: epsos_item_get_code(it, f, j, &a, &b, &c); break;
            case EPSOS_T_II: epsos_item_get_id(it, f, j, &a, &b); break;
            case EPSOS_T_TS: epsos_item_get_time(it, f, j, &a); break;
            case EPSOS_T_TEL: epsos_item_get_telecom(it, f, j, &a, &b); break;
            case EPSOS_T_PQ: epsos_item_get_quantity(it, f, j, &a, &b); break;
            default: epsos_item_get_text(it, f, j, &a); break;
            }
            total++;
        }
    }
    return total;
}

enum { OP_BUILD, OP_PARSE, OP_PARSE_READ, OPS };

static size_t sink;

static void op(int which, size_t entries, const uint8_t *xml, size_t len)
{
    if (which == OP_BUILD) {
        size_t n = 0;
        epsos_free(build(entries, &n));
        sink += n;
        return;
    }
    epsos_doc *doc = NULL;
    epsos_item *h;
    OK(epsos_doc_parse(&doc, ctx, xml, len, 0));
    if (which == OP_PARSE_READ) {
        OK(epsos_doc_header(&h, doc));
        sink += read_all(h);
    }
    epsos_doc_free(doc);
}

/* Seconds per operation: best of 3 runs of at least min_s each; the three
 * operations interleaved so that a burst of load hits all of them. */
static void measure(double t[OPS], double *complete, size_t entries, const uint8_t *xml,
                    size_t len, double min_s)
{
    for (int w = 0; w < OPS; w++)
        t[w] = 1e30;
    *complete = 1e30;
    for (int round = 0; round < 3; round++)
        for (int w = 0; w < OPS; w++) {
            size_t reps = 0;
            double t0 = now(), el;
            complete_time = 0;
            do {
                op(w, entries, xml, len);
                reps++;
            } while ((el = now() - t0) < min_s);
            if (el / (double)reps < t[w])
                t[w] = el / (double)reps;
            if (w == OP_BUILD && complete_time / (double)reps < *complete)
                *complete = complete_time / (double)reps;
        }
}

/* Least-squares slope of log t against log n. */
static double exponent(const double *n, const double *t, size_t k)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < k; i++) {
        double x = log(n[i]), y = log(t[i]);
        sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    return ((double)k * sxy - sx * sy) / ((double)k * sxx - sx * sx);
}

int main(int argc, char **argv)
{
    size_t entries = 200;
    const char *sizes = "10,100,1000,10000";
    double min_s = 0.2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "-n"))
            entries = (size_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-s"))
            sizes = argv[i + 1];
        else if (!strcmp(argv[i], "-t"))
            min_s = atof(argv[i + 1]);
        else
            break;
    }
    if (argc % 2 == 0 || entries == 0 || min_s <= 0) {
        fprintf(stderr, "usage: bench-build [-n ENTRIES] [-s SIZES] [-t SECONDS]\n");
        return 2;
    }
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;

    /* (a) */
    size_t len = 0;
    uint8_t *xml = build(entries, &len);
    double t[OPS], tcomp;
    measure(t, &tcomp, entries, xml, len, min_s);
    printf("build-%zu: a %zu-entry PS, %zu bytes\n", entries, entries, len);
    printf("build-%zu: (build + complete + serialize) / parse:            %.2f\n", entries,
           t[OP_BUILD] / t[OP_PARSE]);
    printf("build-%zu: (build + complete + serialize) / (parse + read all): %.2f\n", entries,
           t[OP_BUILD] / t[OP_PARSE_READ]);
    printf("build-%zu: of which epsos_doc_complete / parse:          %.2f\n", entries,
           tcomp / t[OP_PARSE]);
    epsos_free(xml);

    /* (b) */
    double ns[16], tb[16], tp[16], tr[16], tc[16];
    size_t k = 0;
    for (const char *p = sizes; *p && k < 16; k++) {
        char *end;
        ns[k] = (double)strtoul(p, &end, 10);
        if (end == p || ns[k] < 1) {
            fprintf(stderr, "bench-build: bad sizes %s\n", sizes);
            return 2;
        }
        xml = build((size_t)ns[k], &len);
        measure(t, &tc[k], (size_t)ns[k], xml, len, min_s);
        tb[k] = t[OP_BUILD];
        tp[k] = t[OP_PARSE];
        tr[k] = t[OP_PARSE_READ];
        printf("scaling: %6.0f entries %9zu bytes  per entry, relative to %.0f entries: "
               "parse+read %.2f  build %.2f\n", ns[k], len, ns[0],
               (tr[k] / ns[k]) / (tr[0] / ns[0]), (tb[k] / ns[k]) / (tb[0] / ns[0]));
        epsos_free(xml);
        p = *end == ',' ? end + 1 : end;
    }
    if (k >= 2) {
        printf("scaling: fitted exponent (time ~ entries^k), parse + read all: %.2f\n",
               exponent(ns, tr, k));
        printf("scaling: fitted exponent (time ~ entries^k), parse:            %.2f\n",
               exponent(ns, tp, k));
        printf("scaling: fitted exponent (time ~ entries^k), build + serialize: %.2f\n",
               exponent(ns, tb, k));
        printf("scaling: fitted exponent (time ~ entries^k), epsos_doc_complete alone: %.2f\n",
               exponent(ns, tc, k));
    }
    epsos_ctx_free(ctx);
    return sink == 0;
}
