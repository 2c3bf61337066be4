/*
 * build-ps: build a complete eHDSI Patient Summary through the item API.
 *   build-ps [OUT.xml]
 *
 * The header (patient, author, custodian, legal authenticator), then one
 * real entry in each of three sections: an allergy to amoxicillin (with its
 * reaction), a medication (atorvastatin 20 mg once a day) and a problem
 * (pure hypercholesterolaemia); the other required sections say "no known
 * surgeries / devices".  epsos_doc_complete() then generates the entry ids
 * and every section's narrative (<text>, the part a human reads) from the
 * entries.  The built-in validator checks the result.
 *
 * Writes OUT.xml (or stdout).  Exit 0 on success, 1 when the library
 * refuses a value or the document has validation errors, 2 when OUT.xml
 * cannot be written.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <epsos.h>

#define SNOMED "2.16.840.1.113883.6.96"
#define ATC    "2.16.840.1.113883.6.73"
#define EDQM   "0.4.0.127.0.16.1.1.2.1"
#define ICD10  "1.3.6.1.4.1.12559.11.10.1.3.1.44.2"
#define ISCO   "2.16.840.1.113883.2.9.6.2.7"

/* Every call returns EPSOS_OK or a negative status; the details of a
 * failure (message, XPath) are on the context. */
#define TRY(call) do { if ((call) != EPSOS_OK) goto fail; } while (0)

/* Name, address and telecom of a person or organization item. */
static int person(epsos_item *it, const char *given, const char *family)
{
    epsos_item *name;
    int rc = epsos_item_add_child(&name, it, EPSOS_F_NAME);
    if (rc == EPSOS_OK && given)
        rc = epsos_item_set_text(name, EPSOS_F_GIVEN, 0, given);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_text(name, EPSOS_F_FAMILY, 0, family);
    return rc;
}

static int place(epsos_item *it, const char *city)
{
    epsos_item *addr;
    int rc = epsos_item_add_child(&addr, it, EPSOS_F_ADDRESS);
    if (rc == EPSOS_OK && city)
        rc = epsos_item_set_text(addr, EPSOS_F_CITY, 0, city);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_text(addr, EPSOS_F_COUNTRY, 0, "CZ");
    if (rc == EPSOS_OK)
        rc = epsos_item_set_telecom(it, EPSOS_F_TELECOM, 0, "tel:+420-555-010-200", "WP");
    return rc;
}

static int organization(epsos_item *org)
{
    int rc = epsos_item_set_id(org, EPSOS_F_ID, 0, "2.999.1.42.3", "ORG-CZ-1");
    if (rc == EPSOS_OK)
        rc = epsos_item_set_text(org, EPSOS_F_ORGANIZATION_NAME, 0, "Nemocnice Příklad");
    if (rc == EPSOS_OK)
        rc = place(org, "Brno");
    return rc;
}

int main(int argc, char **argv)
{
    epsos_ctx *ctx = NULL;
    epsos_doc *doc = NULL;
    epsos_report *report = NULL;
    epsos_item *h, *pat, *author, *org, *la, *c, *s, *e, *o, *r, *ing;
    uint8_t *xml = NULL;
    size_t len = 0;
    int status = 1;

    if (argc > 2) {
        fprintf(stderr, "usage: build-ps [OUT.xml]\n");
        return 2;
    }
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;

    /* --- header ------------------------------------------------------- */
    TRY(epsos_doc_new(&doc, ctx, EPSOS_DOC_PS));
    TRY(epsos_doc_header(&h, doc));
    TRY(epsos_item_set_id(h, EPSOS_F_ID, 0, "2.999.1.42.7", "PS-2026-0003"));
    TRY(epsos_item_set_text(h, EPSOS_F_TITLE, 0, "Patient Summary"));
    TRY(epsos_item_set_code(h, EPSOS_F_CONFIDENTIALITY, 0, "N", "2.16.840.1.113883.5.25", "normal"));
    TRY(epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "en-GB"));
    /* no effectiveTime: epsos_doc_complete() takes it from the clock */

    TRY(epsos_item_add_child(&pat, h, EPSOS_F_PATIENT));
    TRY(epsos_item_set_id(pat, EPSOS_F_ID, 0, "2.999.1.42.1", "PT-0043"));
    TRY(place(pat, "Brno"));
    TRY(person(pat, "Jan", "Novák"));
    TRY(epsos_item_set_code(pat, EPSOS_F_GENDER, 0, "M", "2.16.840.1.113883.5.1", "Male"));
    TRY(epsos_item_set_time(pat, EPSOS_F_BIRTH_TIME, 0, "19800229"));

    TRY(epsos_item_add_child(&author, h, EPSOS_F_AUTHOR));
    TRY(epsos_item_set_code(author, EPSOS_F_FUNCTION_CODE, 0, "221", ISCO, "Medical doctors"));
    TRY(epsos_item_set_time(author, EPSOS_F_TIME, 0, "20261124100000+0100"));
    TRY(epsos_item_set_id(author, EPSOS_F_ID, 0, "2.999.1.42.2", "HCP-78"));
    TRY(place(author, NULL));
    TRY(person(author, "Eva", "Dvořáková"));
    TRY(epsos_item_add_child(&org, author, EPSOS_F_ORGANIZATION));
    TRY(organization(org));

    TRY(epsos_item_add_child(&org, h, EPSOS_F_CUSTODIAN));
    TRY(organization(org));

    TRY(epsos_item_add_child(&la, h, EPSOS_F_LEGAL_AUTHENTICATOR));
    TRY(epsos_item_set_time(la, EPSOS_F_TIME, 0, "20261124101500+0100"));
    TRY(epsos_item_set_text(la, EPSOS_F_SIGNATURE_CODE, 0, "S"));
    TRY(epsos_item_set_id(la, EPSOS_F_ID, 0, "2.999.1.42.2", "HCP-78"));
    TRY(place(la, NULL));
    TRY(person(la, "Eva", "Dvořáková"));
    TRY(epsos_item_add_child(&org, la, EPSOS_F_ORGANIZATION));
    TRY(organization(org));

    /* A contact person (next of kin: the patient's wife). */
    TRY(epsos_item_add_child(&c, h, EPSOS_F_CONTACT));
    TRY(epsos_item_set_text(c, EPSOS_F_CLASS_CODE, 0, "NOK"));
    TRY(epsos_item_set_code(c, EPSOS_F_CODE, 0, "WIFE", "2.16.840.1.113883.5.111", "wife"));
    TRY(place(c, "Brno"));
    TRY(person(c, "Petra", "Nováková"));

    /* The period the summary covers, and the national document it was
     * transformed from. */
    TRY(epsos_item_set_time(h, EPSOS_F_SERVICE_START, 0, "20100101"));
    TRY(epsos_item_set_time(h, EPSOS_F_SERVICE_END, 0, "20261124"));
    TRY(epsos_item_set_id(h, EPSOS_F_PARENT_DOCUMENT_ID, 0, "2.999.1.42.9", "NAT-PS-3"));

    /* --- allergy: amoxicillin, wheals, high criticality --------------- */
    TRY(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_ALLERGIES_SECTION));
    TRY(epsos_item_add_child(&e, s, EPSOS_F_ALLERGY));            /* the concern act */
    TRY(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    TRY(epsos_item_set_time(e, EPSOS_F_START, 0, "20100301"));
    TRY(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));         /* the allergy itself */
    TRY(epsos_item_set_code(o, EPSOS_F_CODE, 0, "609328004", SNOMED, "Allergic disposition"));
    TRY(epsos_item_set_text(o, EPSOS_F_STATUS, 0, "completed"));
    TRY(epsos_item_set_time(o, EPSOS_F_START, 0, "20100301"));
    TRY(epsos_item_set_code(o, EPSOS_F_AGENT, 0, "J01CA04", ATC, "amoxicillin"));
    TRY(epsos_item_set_code(o, EPSOS_F_CRITICALITY, 0, "high", "2.16.840.1.113883.4.642.4.130",
                            "High Risk"));
    TRY(epsos_item_add_child(&r, o, EPSOS_F_REACTION));
    TRY(epsos_item_set_code(r, EPSOS_F_VALUE, 0, "247472004", SNOMED, "Wheal"));
    TRY(epsos_item_set_time(r, EPSOS_F_START, 0, "20100301"));
    TRY(epsos_item_set_code(r, EPSOS_F_SEVERITY, 0, "24484000", SNOMED, "Severe"));

    /* --- medication: atorvastatin 20 mg, one tablet every 24 h ------- */
    TRY(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_MEDICATION_SECTION));
    TRY(epsos_item_add_child(&e, s, EPSOS_F_MEDICATION));
    TRY(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    TRY(epsos_item_set_time(e, EPSOS_F_START, 0, "20250101"));
    TRY(epsos_item_set_quantity(e, EPSOS_F_FREQUENCY, 0, "24", "h"));
    TRY(epsos_item_set_code(e, EPSOS_F_ROUTE, 0, "20053000", EDQM, "Oral use"));
    TRY(epsos_item_set_quantity(e, EPSOS_F_DOSE, 0, "1", "1"));
    TRY(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Atorvastatin Example 20 mg"));
    TRY(epsos_item_set_code(e, EPSOS_F_DOSE_FORM, 0, "10219000", EDQM, "Tablet"));
    TRY(epsos_item_set_code(e, EPSOS_F_ATC, 0, "C10AA05", ATC, "atorvastatin"));
    TRY(epsos_item_add_child(&ing, e, EPSOS_F_INGREDIENT));
    TRY(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_NUMERATOR, 0, "20", "mg"));
    TRY(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_DENOMINATOR, 0, "1", "1"));
    TRY(epsos_item_set_code(ing, EPSOS_F_SUBSTANCE, 0, "C10AA05", ATC, "atorvastatin"));
    TRY(epsos_item_set_text(e, EPSOS_F_INSTRUCTIONS, 0, "Take in the evening."));

    /* --- problem: pure hypercholesterolaemia since 2015 -------------- */
    TRY(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_PROBLEMS_SECTION));
    TRY(epsos_item_add_child(&e, s, EPSOS_F_PROBLEM));
    TRY(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    TRY(epsos_item_set_time(e, EPSOS_F_START, 0, "2015"));
    TRY(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    TRY(epsos_item_set_code(o, EPSOS_F_CODE, 0, "55607006", SNOMED, "Problem"));
    TRY(epsos_item_set_time(o, EPSOS_F_START, 0, "2015"));
    TRY(epsos_item_set_code(o, EPSOS_F_VALUE, 0, "E78.0", ICD10, "Pure hypercholesterolaemia"));

    /* The PS requires the surgeries and devices sections too: completing
     * now is refused, naming the first one missing. */
    if (epsos_doc_complete(doc, 0) != EPSOS_EVALUE)
        goto fail;
    fprintf(stderr, "refused as expected: %s\n", epsos_ctx_errmsg(ctx));
    /* Known absent: the IPS "no known procedures / devices" entries. */
    TRY(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_SURGERIES_SECTION, EPSOS_ABSENT_NO_KNOWN));
    TRY(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_DEVICES_SECTION, EPSOS_ABSENT_NO_KNOWN));

    /* Entry ids, narrative, effectiveTime. */
    TRY(epsos_doc_complete(doc, 0));

    /* The built-in validator: the report lists what it found. */
    TRY(epsos_validate(&report, ctx, doc, 0));
    size_t nerr = epsos_report_count(report, EPSOS_SEV_ERROR);
    for (size_t i = 0; i < epsos_report_count(report, 0); i++)
        if (epsos_report_severity(report, i) == EPSOS_SEV_ERROR)
            fprintf(stderr, "validation: %s: %s at %s\n", epsos_report_rule(report, i),
                    epsos_report_message(report, i), epsos_report_xpath(report, i));
    fprintf(stderr, "validation: %zu errors, %zu warnings\n", nerr,
            epsos_report_count(report, EPSOS_SEV_WARNING));
    if (nerr) {
        status = 1;
        goto done;
    }

    if (argc > 1) {
        if (epsos_doc_save(doc, argv[1], EPSOS_SERIALIZE_FORMAT) != EPSOS_OK) {
            fprintf(stderr, "build-ps: %s\n", epsos_ctx_errmsg(ctx));
            status = 2;
            goto done;
        }
    } else {
        TRY(epsos_doc_serialize(&xml, &len, doc, EPSOS_SERIALIZE_FORMAT));
        fwrite(xml, 1, len, stdout);
    }
    status = 0;
    goto done;
fail:
    fprintf(stderr, "build-ps: %s (%s) at %s\n", epsos_ctx_errmsg(ctx),
            epsos_strerror(epsos_ctx_errcode(ctx)), epsos_ctx_errloc(ctx));
done:
    epsos_free(xml);
    epsos_report_free(report);
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
    return status;
}
