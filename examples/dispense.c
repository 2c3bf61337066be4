/*
 * dispense: a pharmacy dispenses against a foreign ePrescription and
 * writes the eDispensation that goes back to the country of prescription.
 *   dispense EP.xml ED.xml [PACKAGES]
 *
 * epsos_ed_from_ep() starts the eD from the prescription item: the
 * patient, the order id and the reference to the prescription item, the
 * prescribed product (copied as the dispensed one too) and the number of
 * packages dispensed (PACKAGES, default 1).  The library refuses to
 * dispense more than was prescribed, and a substitute when the prescriber
 * forbade substitution: both refusals are shown first.  The pharmacy then
 * adds its own part (the pharmacist as author and dispenser, the
 * custodian, the legal authenticator) and epsos_doc_complete() generates
 * the ids and the narrative.
 * Exit 0 written, 1 refused (nothing written), 2 usage error or unreadable
 * input.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <epsos.h>

#define TRY(call) do { if ((call) != EPSOS_OK) goto fail; } while (0)

/* The first prescription item of the eP (an eHDSI eP holds one). */
static epsos_item *first_prescription(epsos_doc *ep)
{
    epsos_item *h, *s, *rx;
    size_t ns = 0;
    if (epsos_doc_header(&h, ep) != EPSOS_OK || epsos_item_count(h, EPSOS_F_SECTION, &ns))
        return NULL;
    for (size_t i = 0; i < ns; i++)
        if (epsos_item_child(&s, h, EPSOS_F_SECTION, i) == EPSOS_OK &&
            epsos_item_kind(s) == EPSOS_KIND_EP_SECTION &&
            epsos_item_child(&rx, s, EPSOS_F_PRESCRIPTION, 0) == EPSOS_OK)
            return rx;
    return NULL;
}

/* Name, address and telecom of the pharmacist (an author, the legal
 * authenticator or the dispenser: the same fields). */
static int pharmacist(epsos_item *it)
{
    epsos_item *name, *addr;
    int rc = epsos_item_set_id(it, EPSOS_F_ID, 0, "2.999.1.43.2", "PH-17");
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&addr, it, EPSOS_F_ADDRESS);
    if (rc == EPSOS_OK) rc = epsos_item_set_text(addr, EPSOS_F_CITY, 0, "Wien");
    if (rc == EPSOS_OK) rc = epsos_item_set_text(addr, EPSOS_F_COUNTRY, 0, "AT");
    if (rc == EPSOS_OK) rc = epsos_item_set_telecom(it, EPSOS_F_TELECOM, 0, "tel:+43-1-555-0170", "WP");
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&name, it, EPSOS_F_NAME);
    if (rc == EPSOS_OK) rc = epsos_item_set_text(name, EPSOS_F_GIVEN, 0, "Sophie");
    if (rc == EPSOS_OK) rc = epsos_item_set_text(name, EPSOS_F_FAMILY, 0, "Apothekerin");
    return rc;
}

static int pharmacy(epsos_item *org)
{
    epsos_item *addr;
    int rc = epsos_item_set_id(org, EPSOS_F_ID, 0, "2.999.1.43.3", NULL);
    if (rc == EPSOS_OK) rc = epsos_item_set_text(org, EPSOS_F_ORGANIZATION_NAME, 0, "Beispiel-Apotheke");
    if (rc == EPSOS_OK) rc = epsos_item_set_telecom(org, EPSOS_F_TELECOM, 0, "tel:+43-1-555-0100", "WP");
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&addr, org, EPSOS_F_ADDRESS);
    if (rc == EPSOS_OK) rc = epsos_item_set_text(addr, EPSOS_F_CITY, 0, "Wien");
    if (rc == EPSOS_OK) rc = epsos_item_set_text(addr, EPSOS_F_COUNTRY, 0, "AT");
    return rc;
}

/* What the pharmacy adds to the eD the library started. */
static int pharmacy_part(epsos_doc *ed, epsos_item *dispense)
{
    epsos_item *h, *a, *o, *l, *d;
    int rc = epsos_doc_header(&h, ed);
    if (rc == EPSOS_OK) rc = epsos_item_set_id(h, EPSOS_F_ID, 0, "2.999.1.43.9", "ED-2026-0001");
    if (rc == EPSOS_OK) rc = epsos_item_set_text(h, EPSOS_F_TITLE, 0, "eDispensation");
    if (rc == EPSOS_OK) rc = epsos_item_set_code(h, EPSOS_F_CONFIDENTIALITY, 0, "N",
                                                 "2.16.840.1.113883.5.25", "normal");
    if (rc == EPSOS_OK) rc = epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "de-AT");
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&a, h, EPSOS_F_AUTHOR);
    if (rc == EPSOS_OK) rc = epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "2262",
                                                 "2.16.840.1.113883.2.9.6.2.7", "Pharmacists");
    if (rc == EPSOS_OK) rc = epsos_item_set_time(a, EPSOS_F_TIME, 0, "20261126100000+0100");
    if (rc == EPSOS_OK) rc = pharmacist(a);
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&o, a, EPSOS_F_ORGANIZATION);
    if (rc == EPSOS_OK) rc = pharmacy(o);
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&o, h, EPSOS_F_CUSTODIAN);
    if (rc == EPSOS_OK) rc = pharmacy(o);
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&l, h, EPSOS_F_LEGAL_AUTHENTICATOR);
    if (rc == EPSOS_OK) rc = epsos_item_set_time(l, EPSOS_F_TIME, 0, "20261126100000+0100");
    if (rc == EPSOS_OK) rc = epsos_item_set_text(l, EPSOS_F_SIGNATURE_CODE, 0, "S");
    if (rc == EPSOS_OK) rc = pharmacist(l);
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&o, l, EPSOS_F_ORGANIZATION);
    if (rc == EPSOS_OK) rc = pharmacy(o);
    if (rc == EPSOS_OK) rc = epsos_item_add_child(&d, dispense, EPSOS_F_DISPENSER);
    if (rc == EPSOS_OK) rc = epsos_item_set_time(d, EPSOS_F_TIME, 0, "20261126");
    if (rc == EPSOS_OK) rc = pharmacist(d);
    return rc;
}

int main(int argc, char **argv)
{
    epsos_ctx *ctx = NULL;
    epsos_doc *ep = NULL, *ed = NULL;
    epsos_item *rx, *h, *s, *d, *p;
    const char *quantity = argc > 3 ? argv[3] : "1";
    const char *prescribed = NULL, *root = NULL, *ext = NULL, *name = NULL, *subst = NULL;
    char more[32];
    int status = 2;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: dispense EP.xml ED.xml [PACKAGES]\n");
        return 2;
    }
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;
    if (epsos_doc_parse_file(&ep, ctx, argv[1], 0) != EPSOS_OK) {
        fprintf(stderr, "dispense: %s: %s\n", argv[1], epsos_ctx_errmsg(ctx));
        goto done;
    }
    status = 1;
    if (!(rx = first_prescription(ep))) {
        fprintf(stderr, "dispense: %s: no prescription item\n", argv[1]);
        goto done;
    }
    epsos_item_get_id(rx, EPSOS_F_ID, 0, &root, &ext);
    epsos_item_get_quantity(rx, EPSOS_F_PACKAGES, 0, &prescribed, NULL);
    epsos_item_get_code(rx, EPSOS_F_SUBSTITUTION, 0, &subst, NULL, NULL);
    printf("prescription item %s^%s: %s package(s) prescribed\n", root, ext ? ext : "",
           prescribed ? prescribed : "?");

    /* Dispensing more than prescribed is refused, and nothing is created. */
    if (prescribed) {
        snprintf(more, sizeof more, "%ld", strtol(prescribed, NULL, 10) + 1);
        if (epsos_ed_from_ep(&ed, rx, more, NULL, 0) != EPSOS_EVALUE || ed) {
            fprintf(stderr, "dispense: %s packages were not refused\n", more);
            goto done;
        }
        printf("refused as expected: %s\n", epsos_ctx_errmsg(ctx));
    }
    /* So is a substitute when the prescriber wrote substitution "N". */
    if (subst && !strcmp(subst, "N")) {
        if (epsos_ed_from_ep(&ed, rx, "1", NULL, EPSOS_ED_SUBSTITUTED) != EPSOS_EVALUE) {
            fprintf(stderr, "dispense: a forbidden substitution was not refused\n");
            goto done;
        }
        printf("refused as expected: %s\n", epsos_ctx_errmsg(ctx));
    }

    /* The dispensation itself. */
    if (epsos_ed_from_ep(&ed, rx, quantity, NULL, 0) != EPSOS_OK) {
        fprintf(stderr, "dispense: refused: %s at %s\n", epsos_ctx_errmsg(ctx),
                epsos_ctx_errloc(ctx));
        goto done;
    }
    TRY(epsos_doc_header(&h, ed));
    TRY(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    TRY(epsos_item_child(&d, s, EPSOS_F_DISPENSE, 0));
    TRY(pharmacy_part(ed, d));
    TRY(epsos_doc_complete(ed, 0));
    if (epsos_doc_save(ed, argv[2], EPSOS_SERIALIZE_FORMAT) != EPSOS_OK) {
        fprintf(stderr, "dispense: %s\n", epsos_ctx_errmsg(ctx));
        status = 2;
        goto done;
    }

    /* Read back what the eD says. */
    TRY(epsos_item_get_id(d, EPSOS_F_PRESCRIPTION_ID, 0, &root, &ext));
    TRY(epsos_item_child(&p, d, EPSOS_F_PRODUCT, 0));
    epsos_item_get_text(p, EPSOS_F_PRODUCT_NAME, 0, &name);
    TRY(epsos_item_get_quantity(d, EPSOS_F_QUANTITY, 0, &quantity, NULL));
    printf("dispensed %s package(s) of %s against %s^%s: %s\n", quantity, name ? name : "-",
           root, ext ? ext : "", argv[2]);
    status = 0;
    goto done;
fail:
    fprintf(stderr, "dispense: %s (%s) at %s\n", epsos_ctx_errmsg(ctx),
            epsos_strerror(epsos_ctx_errcode(ctx)), epsos_ctx_errloc(ctx));
done:
    epsos_doc_free(ed);
    epsos_doc_free(ep);
    epsos_ctx_free(ctx);
    return status;
}
