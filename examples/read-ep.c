/*
 * read-ep: read a foreign ePrescription and print it for the pharmacist
 * who dispenses it.
 *   read-ep EP.xml
 *
 * The same code reads both template generations (epSOS
 * urn:epsos-org:ep:medication and eHDSI urn:hl7-org:pharm): the item API
 * hides where each field lives.  Printed: the patient, the prescriber and,
 * for each prescription item, the product (name, ATC, strength, dose
 * form), the package and how many to dispense, the dosage, frequency and
 * route, the treatment period, whether substitution is allowed and the
 * instructions.
 * Exit 0 printed, 1 the document is no ePrescription (or holds no
 * prescription item), 2 unreadable input.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <epsos.h>

/* A borrowed string or a dash. */
static const char *or_dash(const char *s) { return s && *s ? s : "-"; }

/* An HL7 time stamp (YYYYMMDD...) as YYYY-MM-DD; shorter ones as they are. */
static const char *date(const char *ts, char *buf, size_t len)
{
    if (!ts || strlen(ts) < 8)
        return or_dash(ts);
    snprintf(buf, len, "%.4s-%.2s-%.2s", ts, ts + 4, ts + 6);
    return buf;
}

static const char *text(const epsos_item *it, int32_t field)
{
    const char *s = NULL;
    return epsos_item_get_text(it, field, 0, &s) == EPSOS_OK ? s : NULL;
}

/* The display name of a coded field, else its code. */
static const char *display(const epsos_item *it, int32_t field)
{
    const char *code = NULL, *dn = NULL;
    if (epsos_item_get_code(it, field, 0, &code, NULL, &dn) != EPSOS_OK)
        return NULL;
    return dn && *dn ? dn : code;
}

/* "20 mg", "1 tablet" ("1" is the unit of a count). */
static int quantity(const epsos_item *it, int32_t field, char *buf, size_t len)
{
    const char *v = NULL, *u = NULL;
    if (epsos_item_get_quantity(it, field, 0, &v, &u) != EPSOS_OK || !v)
        return 0;
    snprintf(buf, len, "%s%s%s", v, u && strcmp(u, "1") ? " " : "", u && strcmp(u, "1") ? u : "");
    return 1;
}

static void print_name(epsos_item *parent)
{
    epsos_item *name;
    const char *s;
    size_t n = 0;
    if (epsos_item_child(&name, parent, EPSOS_F_NAME, 0) != EPSOS_OK) {
        printf("-");
        return;
    }
    epsos_item_count(name, EPSOS_F_GIVEN, &n);
    for (size_t i = 0; i < n; i++)
        if (epsos_item_get_text(name, EPSOS_F_GIVEN, i, &s) == EPSOS_OK)
            printf("%s ", s);
    epsos_item_count(name, EPSOS_F_FAMILY, &n);
    for (size_t i = 0; i < n; i++)
        if (epsos_item_get_text(name, EPSOS_F_FAMILY, i, &s) == EPSOS_OK)
            printf("%s%s", i ? " " : "", s);
}

static void print_product(epsos_item *p)
{
    epsos_item *ing;
    const char *atc = NULL, *atc_name = NULL;
    char num[64], den[64];
    size_t ni = 0;
    printf("  product:       %s\n", or_dash(text(p, EPSOS_F_PRODUCT_NAME)));
    if (epsos_item_get_code(p, EPSOS_F_ATC, 0, &atc, NULL, &atc_name) == EPSOS_OK)
        printf("  ATC:           %s (%s)\n", or_dash(atc), or_dash(atc_name));
    epsos_item_count(p, EPSOS_F_INGREDIENT, &ni);
    for (size_t i = 0; i < ni; i++) {
        if (epsos_item_child(&ing, p, EPSOS_F_INGREDIENT, i) != EPSOS_OK)
            continue;
        if (!quantity(ing, EPSOS_F_STRENGTH_NUMERATOR, num, sizeof num))
            snprintf(num, sizeof num, "-");
        if (!quantity(ing, EPSOS_F_STRENGTH_DENOMINATOR, den, sizeof den))
            snprintf(den, sizeof den, "1");
        printf("  strength:      %s %s per %s\n", or_dash(display(ing, EPSOS_F_SUBSTANCE)), num, den);
    }
    printf("  dose form:     %s\n", or_dash(display(p, EPSOS_F_DOSE_FORM)));
    if (quantity(p, EPSOS_F_PACKAGE_QUANTITY, num, sizeof num))
        printf("  package:       %s of %s\n", or_dash(display(p, EPSOS_F_PACKAGE_FORM)), num);
}

static void print_prescription(epsos_item *rx)
{
    epsos_item *p;
    const char *root = NULL, *ext = NULL, *v = NULL, *code = NULL, *dn = NULL;
    char a[64], b[64], d1[16], d2[16];

    epsos_item_get_id(rx, EPSOS_F_ID, 0, &root, &ext);
    printf("prescription item %s%s%s\n", or_dash(root), ext ? "^" : "", ext ? ext : "");
    if (epsos_item_child(&p, rx, EPSOS_F_PRODUCT, 0) == EPSOS_OK)
        print_product(p);
    if (quantity(rx, EPSOS_F_PACKAGES, a, sizeof a))
        printf("  dispense:      %s package(s)\n", a);

    /* dosage: a single dose, or a range low..high */
    if (quantity(rx, EPSOS_F_DOSE, a, sizeof a))
        printf("  dose:          %s\n", a);
    else if (quantity(rx, EPSOS_F_DOSE_LOW, a, sizeof a)) {
        if (quantity(rx, EPSOS_F_DOSE_HIGH, b, sizeof b) && strcmp(a, b))
            printf("  dose:          %s to %s\n", a, b);
        else
            printf("  dose:          %s\n", a);
    }
    /* frequency: a period (every 8 h), an event (before meals) or one time */
    if (quantity(rx, EPSOS_F_FREQUENCY, a, sizeof a))
        printf("  frequency:     every %s\n", a);
    else if (epsos_item_get_code(rx, EPSOS_F_EVENT, 0, &code, NULL, &dn) == EPSOS_OK)
        printf("  frequency:     at event %s\n", or_dash(dn ? dn : code));
    else if (epsos_item_get_time(rx, EPSOS_F_FREQUENCY_TIME, 0, &v) == EPSOS_OK)
        printf("  frequency:     once, on %s\n", date(v, d1, sizeof d1));
    printf("  route:         %s\n", or_dash(display(rx, EPSOS_F_ROUTE)));

    const char *start = NULL, *end = NULL;
    epsos_item_get_time(rx, EPSOS_F_START, 0, &start);
    epsos_item_get_time(rx, EPSOS_F_END, 0, &end);
    printf("  treatment:     %s to %s\n", date(start, d1, sizeof d1), date(end, d2, sizeof d2));

    /* substitution (HL7 ActSubstanceAdminSubstitutionCode): N forbids it */
    code = NULL;
    if (epsos_item_get_code(rx, EPSOS_F_SUBSTITUTION, 0, &code, NULL, &dn) != EPSOS_OK || !code)
        printf("  substitution:  allowed (not restricted by the prescriber)\n");
    else if (!strcmp(code, "N"))
        printf("  substitution:  NOT allowed\n");
    else
        printf("  substitution:  allowed (%s)\n", or_dash(dn ? dn : code));

    printf("  instructions:  %s\n", or_dash(text(rx, EPSOS_F_INSTRUCTIONS)));
    if (text(rx, EPSOS_F_FULFILMENT_INSTRUCTIONS))
        printf("  to pharmacist: %s\n", text(rx, EPSOS_F_FULFILMENT_INSTRUCTIONS));
}

int main(int argc, char **argv)
{
    epsos_ctx *ctx = NULL;
    epsos_doc *doc = NULL;
    epsos_item *h, *pat, *author, *org, *s, *rx;
    const char *v = NULL, *root = NULL, *ext = NULL;
    char d[16];
    size_t ns = 0, items = 0;
    int status = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: read-ep EP.xml\n");
        return 2;
    }
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;
    if (epsos_doc_parse_file(&doc, ctx, argv[1], 0) != EPSOS_OK) {
        fprintf(stderr, "read-ep: %s: %s\n", argv[1], epsos_ctx_errmsg(ctx));
        epsos_ctx_free(ctx);
        return 2;
    }
    if (epsos_doc_kind(doc) != EPSOS_DOC_EP) {
        fprintf(stderr, "read-ep: %s: a %s document, not an ePrescription\n", argv[1],
                or_dash(epsos_doc_kind_name(epsos_doc_kind(doc))));
        goto done;
    }
    epsos_doc_header(&h, doc);
    epsos_item_get_id(h, EPSOS_F_ID, 0, &root, &ext);
    printf("ePrescription %s%s%s (%s generation)\n", or_dash(root), ext ? "^" : "", ext ? ext : "",
           epsos_generation_name(epsos_doc_generation(doc)));

    if (epsos_item_child(&pat, h, EPSOS_F_PATIENT, 0) == EPSOS_OK) {
        printf("patient:    ");
        print_name(pat);
        v = NULL;
        epsos_item_get_time(pat, EPSOS_F_BIRTH_TIME, 0, &v);
        root = ext = NULL;
        epsos_item_get_id(pat, EPSOS_F_ID, 0, &root, &ext);
        printf(", born %s, id %s%s%s\n", date(v, d, sizeof d), or_dash(root), ext ? "^" : "",
               ext ? ext : "");
    }
    if (epsos_item_child(&author, h, EPSOS_F_AUTHOR, 0) == EPSOS_OK) {
        printf("prescriber: ");
        print_name(author);
        if (epsos_item_child(&org, author, EPSOS_F_ORGANIZATION, 0) == EPSOS_OK)
            printf(", %s", or_dash(text(org, EPSOS_F_ORGANIZATION_NAME)));
        v = NULL;
        epsos_item_get_time(author, EPSOS_F_TIME, 0, &v);
        printf(", prescribed %s\n", date(v, d, sizeof d));
    }

    /* Every prescription item of every prescription section. */
    epsos_item_count(h, EPSOS_F_SECTION, &ns);
    for (size_t i = 0; i < ns; i++) {
        size_t n = 0;
        if (epsos_item_child(&s, h, EPSOS_F_SECTION, i) != EPSOS_OK ||
            epsos_item_kind(s) != EPSOS_KIND_EP_SECTION)
            continue;
        epsos_item_count(s, EPSOS_F_PRESCRIPTION, &n);
        for (size_t j = 0; j < n; j++)
            if (epsos_item_child(&rx, s, EPSOS_F_PRESCRIPTION, j) == EPSOS_OK) {
                print_prescription(rx);
                items++;
            }
    }
    if (!items) {
        fprintf(stderr, "read-ep: %s: no prescription item\n", argv[1]);
        goto done;
    }
    status = 0;
done:
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
    return status;
}
