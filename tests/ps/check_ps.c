/*
 * Patient Summary body: build every implemented section and entry kind
 * through the item API, complete (ids, narrative), and check the result
 * against the CDA XSD with the pharm extension and the official eHDSI
 * Schematron (shared/tools/schematron/ehdsi-validate); read it back; a
 * required-sections-only PS with absent entries likewise; canonical output;
 * errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <check.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <openssl/evp.h>
#include <epsos.h>
#include "../shareddir.h"

static epsos_ctx *ctx;
static char shared[4096];

static void setup(void) { ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK); }
static void teardown(void) { epsos_ctx_free(ctx); ctx = NULL; }

#define OK(call) ck_assert_msg((call) == EPSOS_OK, "%s: %s (%s)", #call, \
                               epsos_ctx_errmsg(ctx), epsos_ctx_errloc(ctx))

#define SNOMED "2.16.840.1.113883.6.96"
#define LOINC "2.16.840.1.113883.6.1"
#define ATC "2.16.840.1.113883.6.73"
#define EDQM "0.4.0.127.0.16.1.1.2.1"
#define ICD10 "1.3.6.1.4.1.12559.11.10.1.3.1.44.2"

static int test_id(void *user, char *buf, size_t len)
{
    unsigned *n = user;
    snprintf(buf, len, "2.999.77.%u", ++*n);
    return 0;
}

static int test_clock(void *user, char *buf, size_t len)
{
    (void)user;
    snprintf(buf, len, "20261124120000+0000");
    return 0;
}

/* The header fixture (every header field, Schematron-clean) without its
 * sections. */
static epsos_doc *header_doc(unsigned *counter)
{
    epsos_doc *doc = NULL;
    epsos_item *h;
    size_t n = 0;
    OK(epsos_doc_parse_file(&doc, ctx, TEST_DATA "/ps-header.xml", 0));
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_count(h, EPSOS_F_SECTION, &n));
    while (n-- > 0)
        OK(epsos_item_remove(h, EPSOS_F_SECTION, 0));
    OK(epsos_doc_set_sources(doc, test_id, test_clock, counter));
    return doc;
}

static epsos_doc *full_ps(unsigned *counter)
{
    epsos_doc *doc = header_doc(counter);
    epsos_item *s, *e, *o, *r, *ing;

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_MEDICATION_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20250101"));
    OK(epsos_item_set_quantity(e, EPSOS_F_FREQUENCY, 0, "12", "h"));
    OK(epsos_item_set_code(e, EPSOS_F_ROUTE, 0, "20053000", EDQM, "Oral use"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE, 0, "1", "1"));
    OK(epsos_item_set_code(e, EPSOS_F_PRODUCT_CODE, 0, "5909990733828", "2.999.77.1000", "Atorvastatin 20 mg tablets"));
    OK(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Atorvastatin Example 20 mg"));
    OK(epsos_item_set_code(e, EPSOS_F_DOSE_FORM, 0, "10219000", EDQM, "Tablet"));
    OK(epsos_item_add_child(&ing, e, EPSOS_F_INGREDIENT));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_NUMERATOR, 0, "20", "mg"));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_DENOMINATOR, 0, "1", "1"));
    OK(epsos_item_set_code(ing, EPSOS_F_SUBSTANCE, 0, "C10AA05", ATC, "atorvastatin"));
    OK(epsos_item_set_code(e, EPSOS_F_ATC, 0, "C10AA05", ATC, "atorvastatin"));
    OK(epsos_item_set_quantity(e, EPSOS_F_PACKAGE_QUANTITY, 0, "30", "1"));
    OK(epsos_item_set_code(e, EPSOS_F_PACKAGE_FORM, 0, "30007000", EDQM, "Box"));
    OK(epsos_item_set_text(e, EPSOS_F_INSTRUCTIONS, 0, "Take in the evening."));
    OK(epsos_item_add_child(&r, e, EPSOS_F_REASON));
    OK(epsos_item_set_code(r, EPSOS_F_CODE, 0, "282291009", SNOMED, "Diagnosis interpretation"));
    OK(epsos_item_set_time(r, EPSOS_F_EFFECTIVE_TIME, 0, "2015"));
    OK(epsos_item_set_code(r, EPSOS_F_VALUE, 0, "E78.0", ICD10, "Pure hypercholesterolaemia"));
    /* a second medication taken with a meal (EIVL_TS) */
    OK(epsos_item_add_child(&e, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20260101"));
    OK(epsos_item_set_code(e, EPSOS_F_EVENT, 0, "ACM", "2.16.840.1.113883.5.139", NULL));
    OK(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Levothyroxine Example 50 microgram"));
    OK(epsos_item_set_code(e, EPSOS_F_ATC, 0, "H03AA01", ATC, "levothyroxine sodium"));
    /* a third one with subordinate dosing: 2 tablets in the morning, 1 in
     * the evening (entryRelationship COMP with sequenceNumber) */
    {
        epsos_item *d;
        OK(epsos_item_add_child(&e, s, EPSOS_F_MEDICATION));
        OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
        OK(epsos_item_set_code(e, EPSOS_F_ROUTE, 0, "20053000", EDQM, "Oral use"));
        OK(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Metformin Example 500 mg"));
        OK(epsos_item_set_code(e, EPSOS_F_ATC, 0, "A10BA02", ATC, "metformin"));
        /* period and frequency: in the regimens; eH.3.4 wants 2 effectiveTimes,
         * both null if one is (RIM-001) */
        OK(epsos_item_set_null_flavor(e, EPSOS_F_PERIOD, 0, "UNK"));
        OK(epsos_item_set_null_flavor(e, EPSOS_F_EFFECTIVE_TIME, 0, "NA"));
        OK(epsos_item_add_child(&d, e, EPSOS_F_DOSING));
        OK(epsos_item_set_code(d, EPSOS_F_EVENT, 0, "ACM", "2.16.840.1.113883.5.139", NULL));
        OK(epsos_item_set_quantity(d, EPSOS_F_DOSE, 0, "2", "1"));
        OK(epsos_item_add_child(&d, e, EPSOS_F_DOSING));
        OK(epsos_item_set_quantity(d, EPSOS_F_DOSE, 0, "1", "1"));
        OK(epsos_item_set_code(d, EPSOS_F_EVENT, 0, "ACV", "2.16.840.1.113883.5.139", NULL));
        OK(epsos_item_set_text(d, EPSOS_F_SEQUENCE, 0, "2"));
        OK(epsos_item_set_time(d, EPSOS_F_START, 0, "20260301"));
    }

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_ALLERGIES_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_ALLERGY));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20100301"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "609328004", SNOMED, "Allergic disposition"));
    OK(epsos_item_set_text(o, EPSOS_F_STATUS, 0, "completed"));
    OK(epsos_item_set_time(o, EPSOS_F_START, 0, "20100301"));
    OK(epsos_item_set_code(o, EPSOS_F_AGENT, 0, "J01CA04", ATC, "amoxicillin"));
    OK(epsos_item_add_child(&r, o, EPSOS_F_REACTION));
    OK(epsos_item_set_code(r, EPSOS_F_VALUE, 0, "247472004", SNOMED, "Wheal"));
    OK(epsos_item_set_time(r, EPSOS_F_START, 0, "20100301"));
    OK(epsos_item_set_code(r, EPSOS_F_SEVERITY, 0, "24484000", SNOMED, "Severe"));
    OK(epsos_item_set_code(o, EPSOS_F_CRITICALITY, 0, "high", "2.16.840.1.113883.4.642.4.130", "High Risk"));
    OK(epsos_item_set_code(o, EPSOS_F_CERTAINTY, 0, "confirmed", "2.16.840.1.113883.4.642.4.1371", "Confirmed"));
    OK(epsos_item_set_code(o, EPSOS_F_CLINICAL_STATUS, 0, "active", "2.16.840.1.113883.4.642.4.1373", "Active"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_PROBLEMS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PROBLEM));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "2015"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "55607006", SNOMED, "Problem"));
    OK(epsos_item_set_time(o, EPSOS_F_START, 0, "2015"));
    OK(epsos_item_set_code(o, EPSOS_F_VALUE, 0, "E78.0", ICD10, "Pure hypercholesterolaemia"));
    OK(epsos_item_set_text(o, EPSOS_F_COMMENT, 0, "Diet and statin since 2015."));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_SURGERIES_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PROCEDURE));
    OK(epsos_item_set_code(e, EPSOS_F_CODE, 0, "80146002", SNOMED, "Appendectomy"));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "completed"));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "19950612"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_DEVICES_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_DEVICE));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20200215"));
    OK(epsos_item_set_code(e, EPSOS_F_DEVICE_CODE, 0, "14106009", SNOMED, "Cardiac pacemaker"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_IMMUNIZATIONS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_IMMUNIZATION));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "completed"));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "20211005"));
    OK(epsos_item_set_code(e, EPSOS_F_VACCINE, 0, "J07BB02", ATC, "influenza, inactivated, split virus or surface antigen"));
    OK(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Example COVID-19 vaccine"));
    OK(epsos_item_set_text(e, EPSOS_F_LOT_NUMBER, 0, "LOT-4711"));
    OK(epsos_item_set_code(e, EPSOS_F_TARGET_DISEASE, 0, "U07.1", ICD10, "COVID-19"));
    OK(epsos_item_set_text(e, EPSOS_F_DOSE_NUMBER, 0, "2"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_PAST_ILLNESS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PROBLEM));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "completed"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "2001"));
    OK(epsos_item_set_time(e, EPSOS_F_END, 0, "2002"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "64572001", SNOMED, "Disease"));
    OK(epsos_item_set_time(o, EPSOS_F_START, 0, "2001"));
    OK(epsos_item_set_time(o, EPSOS_F_END, 0, "2002"));
    OK(epsos_item_set_code(o, EPSOS_F_VALUE, 0, "B27.0", ICD10, "Gammaherpesviral mononucleosis"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_FUNCTIONAL_STATUS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_FUNCTIONAL_STATUS));
    OK(epsos_item_set_code(e, EPSOS_F_CODE, 0, "365240003", SNOMED, "Finding of ability to perform activities of everyday life"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "282097004", SNOMED, "Ability to walk"));
    OK(epsos_item_set_time(o, EPSOS_F_EFFECTIVE_TIME, 0, "20260301"));
    OK(epsos_item_set_code(o, EPSOS_F_VALUE, 0, "371152001", SNOMED, "Assisted"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_SOCIAL_HISTORY_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_SOCIAL_HISTORY));
    OK(epsos_item_set_code(e, EPSOS_F_CODE, 0, "229819007", SNOMED, "Tobacco use and exposure"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20000101"));
    OK(epsos_item_set_quantity(e, EPSOS_F_QUANTITY, 0, "10", "{cigarette}/d"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_PREGNANCY_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PREGNANCY));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "20261101"));
    OK(epsos_item_set_code(e, EPSOS_F_VALUE, 0, "77386006", SNOMED, "Pregnant"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_EXPECTED_DELIVERY));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "11778-8", LOINC, "Delivery date Estimated"));
    OK(epsos_item_set_time(o, EPSOS_F_EFFECTIVE_TIME, 0, "20261101"));
    OK(epsos_item_set_time(o, EPSOS_F_VALUE, 0, "20270415"));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PREGNANCY_OUTCOME));
    OK(epsos_item_set_code(e, EPSOS_F_CODE, 0, "281050002", SNOMED, "Livebirth"));
    OK(epsos_item_set_text(e, EPSOS_F_COUNT, 0, "1"));
    /* eH.3.47 (93857-1): its value is a TS in the 2024-04 rules */
    OK(epsos_item_add_child(&e, s, EPSOS_F_PREGNANCY_COUNT));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "20261101"));
    OK(epsos_item_set_time(e, EPSOS_F_VALUE, 0, "20200205"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_VITAL_SIGNS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_VITAL_SIGNS));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "20261120"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "8480-6", LOINC, "Systolic blood pressure"));
    OK(epsos_item_set_time(o, EPSOS_F_EFFECTIVE_TIME, 0, "20261120"));
    OK(epsos_item_set_quantity(o, EPSOS_F_QUANTITY, 0, "132", "mm[Hg]"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "8462-4", LOINC, "Diastolic blood pressure"));
    OK(epsos_item_set_time(o, EPSOS_F_EFFECTIVE_TIME, 0, "20261120"));
    OK(epsos_item_set_quantity(o, EPSOS_F_QUANTITY, 0, "84", "mm[Hg]"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_RESULTS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_RESULT));
    OK(epsos_item_set_code(e, EPSOS_F_CODE, 0, "24331-1", LOINC, "Lipid panel"));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "20261015"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "2093-3", LOINC, "Cholesterol [Mass/volume] in Serum or Plasma"));
    OK(epsos_item_set_time(o, EPSOS_F_EFFECTIVE_TIME, 0, "20261015"));
    OK(epsos_item_set_quantity(o, EPSOS_F_QUANTITY, 0, "212", "mg/dL"));
    OK(epsos_item_add_child(&e, s, EPSOS_F_BLOOD_GROUP));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "19900101"));
    OK(epsos_item_set_code(e, EPSOS_F_VALUE, 0, "278149003", SNOMED, "Blood group A Rh(D) positive"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_CARE_PLAN_SECTION));
    OK(epsos_item_set_text(s, EPSOS_F_NARRATIVE, 0, "Lipid panel every 6 months."));
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_ADVANCE_DIRECTIVES_SECTION));
    OK(epsos_item_set_text(s, EPSOS_F_NARRATIVE, 0, "No advance directives recorded."));
    OK(epsos_doc_complete(doc, 0));
    return doc;
}

static epsos_doc *required_only_ps(unsigned *counter, int32_t absent)
{
    epsos_doc *doc = header_doc(counter);
    static const int32_t kinds[] = { EPSOS_KIND_PS_MEDICATION_SECTION,
        EPSOS_KIND_PS_ALLERGIES_SECTION, EPSOS_KIND_PS_PROBLEMS_SECTION,
        EPSOS_KIND_PS_SURGERIES_SECTION, EPSOS_KIND_PS_DEVICES_SECTION };
    for (size_t i = 0; i < 5; i++)
        OK(epsos_ps_set_absent(NULL, doc, kinds[i], absent));
    OK(epsos_doc_complete(doc, 0));
    return doc;
}

static void save(epsos_doc *doc, const char *path)
{
    OK(epsos_doc_save(doc, path, 0));
}

static void xsd_valid(const char *path)
{
    char xsd[4200];
    snprintf(xsd, sizeof xsd, "%s/corpus/schema/konateq-openncp/CDA_Pharma.xsd", shared);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    ck_assert_ptr_nonnull(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    ck_assert_ptr_nonnull(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateFile(vc, path, 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    ck_assert_msg(rc == 0, "%s is not valid against CDA_Pharma.xsd (%d)", path, rc);
}

START_TEST(test_build_xsd_schematron_read_back)
{
    unsigned c1 = 0, c2 = 0, c3 = 0, c4 = 0;
    epsos_doc *full = full_ps(&c1), *full2 = full_ps(&c2);
    epsos_doc *req = required_only_ps(&c3, EPSOS_ABSENT_NO_KNOWN);
    epsos_doc *req2 = required_only_ps(&c4, EPSOS_ABSENT_NO_INFO);

    /* canonical: the same inputs give the same bytes */
    uint8_t *a, *b;
    size_t al, bl;
    OK(epsos_doc_serialize(&a, &al, full, 0));
    OK(epsos_doc_serialize(&b, &bl, full2, 0));
    ck_assert_uint_eq(al, bl);
    ck_assert_int_eq(memcmp(a, b, al), 0);
    epsos_free(a);
    epsos_free(b);

    char dir[] = "/tmp/check_ps.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char f1[64], f2[64], f3[64], cmd[9000];
    snprintf(f1, sizeof f1, "%s/full.xml", dir);
    snprintf(f2, sizeof f2, "%s/required.xml", dir);
    snprintf(f3, sizeof f3, "%s/noinfo.xml", dir);
    save(full, f1);
    save(req, f2);
    save(req2, f3);
    xsd_valid(f1);
    xsd_valid(f2);
    xsd_valid(f3);

    /* the official eHDSI Schematron: 0 errors */
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --kind ps -q --no-info "
             "'%s' '%s' '%s' > '%s/svrl.txt' 2>&1", shared, f1, f2, f3, dir);
    int st = system(cmd);
    char out[8192] = "";
    snprintf(cmd, sizeof cmd, "%s/svrl.txt", dir);
    FILE *fp = fopen(cmd, "r");
    if (fp) {
        size_t got = fread(out, 1, sizeof out - 1, fp);
        out[got] = '\0';
        fclose(fp);
    }
    ck_assert_msg(st == 0, "ehdsi-validate reports errors (status %d):\n%s", st, out);

    /* read back what was built, from the file */
    epsos_doc *back;
    epsos_item *h, *s, *e, *o, *r;
    const char *v = NULL, *cs = NULL, *dn = NULL;
    size_t n = 0;
    OK(epsos_doc_parse_file(&back, ctx, f1, 0));
    ck_assert_int_eq(epsos_doc_kind(back), EPSOS_DOC_PS);
    ck_assert_int_eq(epsos_doc_generation(back), EPSOS_GEN_EHDSI);
    OK(epsos_doc_header(&h, back));
    OK(epsos_item_count(h, EPSOS_F_SECTION, &n));
    ck_assert_uint_eq(n, 14);
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 1));
    ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_PS_ALLERGIES_SECTION);
    OK(epsos_item_child(&e, s, EPSOS_F_ALLERGY, 0));
    ck_assert_int_eq(epsos_item_kind(e), EPSOS_KIND_ALLERGY_CONCERN);
    OK(epsos_item_child(&o, e, EPSOS_F_OBSERVATION, 0));
    OK(epsos_item_get_code(o, EPSOS_F_AGENT, 0, &v, &cs, &dn));
    ck_assert_str_eq(v, "J01CA04");
    ck_assert_str_eq(cs, ATC);
    OK(epsos_item_get_text(o, EPSOS_F_TEXT_REFERENCE, 0, &v));
    ck_assert_str_eq(v, "#allergy-5");
    OK(epsos_item_child(&r, o, EPSOS_F_REACTION, 0));
    OK(epsos_item_get_code(r, EPSOS_F_SEVERITY, 0, &v, NULL, NULL));
    ck_assert_str_eq(v, "24484000");
    OK(epsos_item_get_code(o, EPSOS_F_CRITICALITY, 0, &v, NULL, NULL));
    ck_assert_str_eq(v, "high");
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&e, s, EPSOS_F_MEDICATION, 0));
    OK(epsos_item_get_time(e, EPSOS_F_START, 0, &v));
    ck_assert_str_eq(v, "20250101");
    OK(epsos_item_get_quantity(e, EPSOS_F_FREQUENCY, 0, &v, &cs));
    ck_assert_str_eq(v, "12");
    ck_assert_str_eq(cs, "h");
    OK(epsos_item_child(&o, e, EPSOS_F_INGREDIENT, 0));
    OK(epsos_item_get_quantity(o, EPSOS_F_STRENGTH_NUMERATOR, 0, &v, &cs));
    ck_assert_str_eq(v, "20");
    ck_assert_str_eq(cs, "mg");
    OK(epsos_item_get_id(e, EPSOS_F_ID, 0, &v, NULL));
    ck_assert_str_eq(v, "2.999.77.1");          /* from the injected source */
    /* the pregnancy outcome (INT count) and the eH.3.47 observation (TS) */
    {
        epsos_item *ps, *pe;
        OK(epsos_item_child(&ps, h, EPSOS_F_SECTION, 9));
        ck_assert_int_eq(epsos_item_kind(ps), EPSOS_KIND_PS_PREGNANCY_SECTION);
        OK(epsos_item_child(&pe, ps, EPSOS_F_PREGNANCY_OUTCOME, 0));
        OK(epsos_item_get_text(pe, EPSOS_F_COUNT, 0, &v));
        ck_assert_str_eq(v, "1");
        OK(epsos_item_child(&pe, ps, EPSOS_F_PREGNANCY_COUNT, 0));
        OK(epsos_item_get_time(pe, EPSOS_F_VALUE, 0, &v));
        ck_assert_str_eq(v, "20200205");
        OK(epsos_item_get_code(pe, EPSOS_F_CODE, 0, &v, NULL, NULL));
        ck_assert_str_eq(v, "93857-1");
        OK(epsos_item_count(pe, EPSOS_F_COUNT, &n));
        ck_assert_uint_eq(n, 0);
    }
    /* subordinate dosing reads back, the consumable written (nullFlavor NA),
     * the regimens in the medication's narrative row */
    {
        epsos_item *d;
        OK(epsos_item_child(&e, s, EPSOS_F_MEDICATION, 2));
        OK(epsos_item_count(e, EPSOS_F_DOSING, &n));
        ck_assert_uint_eq(n, 2);
        OK(epsos_item_child(&d, e, EPSOS_F_DOSING, 0));
        ck_assert_int_eq(epsos_item_kind(d), EPSOS_KIND_DOSING);
        OK(epsos_item_get_text(d, EPSOS_F_SEQUENCE, 0, &v));
        ck_assert_str_eq(v, "1");
        OK(epsos_item_get_quantity(d, EPSOS_F_DOSE, 0, &v, NULL));
        ck_assert_str_eq(v, "2");
        OK(epsos_item_get_null_flavor(d, EPSOS_F_PRODUCT_CODE, 0, &v));
        ck_assert_str_eq(v, "NA");
        OK(epsos_item_child(&d, e, EPSOS_F_DOSING, 1));
        OK(epsos_item_get_text(d, EPSOS_F_SEQUENCE, 0, &v));
        ck_assert_str_eq(v, "2");
        OK(epsos_item_get_code(d, EPSOS_F_EVENT, 0, &v, NULL, NULL));
        ck_assert_str_eq(v, "ACV");
        OK(epsos_item_get_time(d, EPSOS_F_START, 0, &v));
        ck_assert_str_eq(v, "20260301");
        OK(epsos_item_get_text(s, EPSOS_F_NARRATIVE, 0, &v));
        ck_assert_ptr_nonnull(strstr(v, "1: 2 ACM; 2: 1 ACV 20260301"));
    }
    epsos_doc_free(back);

    /* epsos_ps_get_absent on the three documents */
    static const char *const files[3] = { "full", "required", "noinfo" };
    static const int32_t want[3] = { 0, EPSOS_ABSENT_NO_KNOWN, EPSOS_ABSENT_NO_INFO };
    for (int d = 0; d < 3; d++) {
        char path[80];
        snprintf(path, sizeof path, "%s/%s.xml", dir, files[d]);
        OK(epsos_doc_parse_file(&back, ctx, path, 0));
        OK(epsos_doc_header(&h, back));
        size_t ns = 0, seen = 0;
        OK(epsos_item_count(h, EPSOS_F_SECTION, &ns));
        for (size_t i = 0; i < ns; i++) {
            int32_t ab = -1;
            const char *code = NULL;
            OK(epsos_item_child(&s, h, EPSOS_F_SECTION, i));
            if (epsos_ps_get_absent(s, &ab, &code) == EPSOS_EINVAL)
                continue;                       /* a section without absent entries */
            seen++;
            ck_assert_int_eq(ab, want[d]);
            if (want[d])
                ck_assert_ptr_nonnull(strstr(code, want[d] == EPSOS_ABSENT_NO_INFO ? "-info"
                                                                                 : "no-known-"));
        }
        ck_assert_uint_eq(seen, 5);
        epsos_doc_free(back);
    }

    /* the absent entry reads back */
    OK(epsos_doc_parse_file(&back, ctx, f2, 0));
    OK(epsos_doc_header(&h, back));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 1));
    OK(epsos_item_child(&e, s, EPSOS_F_ALLERGY, 0));
    OK(epsos_item_child(&o, e, EPSOS_F_OBSERVATION, 0));
    OK(epsos_item_get_code(o, EPSOS_F_VALUE, 0, &v, &cs, NULL));
    ck_assert_str_eq(v, "no-known-allergies");
    ck_assert_str_eq(cs, "2.16.840.1.113883.5.1150.1");
    epsos_doc_free(back);

    if (!getenv("CHECK_PS_KEEP"))
        unlink(f1), unlink(f2), unlink(f3), unlink(cmd), rmdir(dir);
    epsos_doc_free(full);
    epsos_doc_free(full2);
    epsos_doc_free(req);
    epsos_doc_free(req2);
}
END_TEST

START_TEST(test_errors)
{
    unsigned c = 0;
    epsos_doc *doc = header_doc(&c);
    epsos_item *s, *e;
    /* section titles in the document language */
    {
        epsos_doc *de = header_doc(&c);
        epsos_item *dh, *ds;
        const char *title = NULL;
        OK(epsos_doc_header(&dh, de));
        OK(epsos_item_set_text(dh, EPSOS_F_LANGUAGE, 0, "de-AT"));
        OK(epsos_doc_add_section(&ds, de, EPSOS_KIND_PS_ALLERGIES_SECTION));
        OK(epsos_item_get_text(ds, EPSOS_F_TITLE, 0, &title));
        ck_assert_str_eq(title, "Allergien und Unvertr\u00e4glichkeiten");
        OK(epsos_item_set_text(dh, EPSOS_F_LANGUAGE, 0, "lv-LV"));   /* none: English */
        OK(epsos_doc_add_section(&ds, de, EPSOS_KIND_PS_ALLERGIES_SECTION));
        OK(epsos_item_get_text(ds, EPSOS_F_TITLE, 0, &title));
        ck_assert_str_eq(title, "Allergies and Intolerances");
        epsos_doc_free(de);
    }
    /* a required section without entries is reported, naming it */
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_ALLERGIES_SECTION));
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "allergies"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errloc(ctx), "hl7:section"));
    /* a date that is not a date */
    OK(epsos_item_add_child(&e, s, EPSOS_F_ALLERGY));
    ck_assert_int_eq(epsos_item_set_time(e, EPSOS_F_START, 0, "2024-13-01"), EPSOS_EVALUE);
    /* a field of another kind */
    ck_assert_int_eq(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "x"), EPSOS_ETYPE);
    /* not a section kind, not an absent-capable section */
    ck_assert_int_eq(epsos_doc_add_section(&s, doc, EPSOS_KIND_ALLERGY), EPSOS_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_CARE_PLAN_SECTION,
                                         EPSOS_ABSENT_NO_INFO), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_ps_set_absent(NULL, doc, EPSOS_KIND_PS_ALLERGIES_SECTION, 7),
                     EPSOS_EINVAL);
    /* an entry missing required (R) parts: written with nullFlavor NI (the
     * allergy's code and status); a mandatory (M) one: see
     * test_mandatory_and_required */
    epsos_item *o;
    const char *nf = NULL;
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "medication_summary"));
    OK(epsos_item_get_null_flavor(o, EPSOS_F_CODE, 0, &nf));
    ck_assert_str_eq(nf, "NI");
    OK(epsos_item_get_null_flavor(o, EPSOS_F_STATUS, 0, &nf));
    ck_assert_str_eq(nf, "NI");
    /* missing required sections are reported */
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "609328004", SNOMED, "Allergic disposition"));
    OK(epsos_item_set_text(o, EPSOS_F_STATUS, 0, "completed"));
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "medication_summary"));
    /* a section with a wrong code */
    epsos_item *h;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_set_code(s, EPSOS_F_CODE, 0, "10160-0", LOINC, "History of Medication use"));
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "lacks templateId 1.3.6.1.4.1.12559.11.10.1.3.1.2.3"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errloc(ctx), "hl7:section"));
    OK(epsos_item_set_code(s, EPSOS_F_CODE, 0, "48765-2", LOINC, "Allergies"));
    /* an entry of a kind the section does not hold */
    uint8_t *xml;
    size_t len;
    OK(epsos_doc_serialize(&xml, &len, doc, 0));
    char *text = malloc(len + 200), *at = strstr((char *)xml, "</section>");
    ck_assert_ptr_nonnull(at);
    size_t head = (size_t)(at - (char *)xml);
    memcpy(text, xml, head);
    strcpy(text + head, "<entry><encounter classCode=\"ENC\" moodCode=\"EVN\"/></entry>");
    strcat(text, (char *)xml + head);
    epsos_free(xml);
    epsos_doc *odd;
    OK(epsos_doc_parse(&odd, ctx, (const uint8_t *)text, strlen(text), 0));
    free(text);
    ck_assert_int_eq(epsos_doc_complete(odd, 0), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "not of a kind this section holds"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errloc(ctx), "hl7:section/hl7:entry[2]"));
    epsos_doc_free(odd);
    epsos_doc_free(doc);
}
END_TEST

/* epsos_ps_get_absent over the corpus: every absent/unknown code the corpus
 * README lists for a Patient Summary (its own scan of the files) is found
 * in a section of that document, IPS and legacy SNOMED CT codes alike. */
START_TEST(test_absent_corpus)
{
    char readme[4400];
    snprintf(readme, sizeof readme, "%s/corpus/README.md", shared);
    FILE *fp = fopen(readme, "r");
    ck_assert_ptr_nonnull(fp);
    char line[8192];
    size_t checked = 0;
    while (fgets(line, sizeof line, fp)) {
        char *p = strstr(line, "absent/unknown codes: ");
        if (strncmp(line, "| `", 3) != 0 || !p || !strstr(line, "| PS | L3 |"))
            continue;
        char *end = strchr(line + 3, '`');
        *end = '\0';
        char path[4600];
        if (strlen(line + 3) > 400)
            continue;
        snprintf(path, sizeof path, "%s/corpus/samples/%.400s", shared, line + 3);
        p += strlen("absent/unknown codes: ");
        p[strcspn(p, "; |")] = '\0';
        epsos_doc *doc;
        epsos_item *h, *s;
        OK(epsos_doc_parse_file(&doc, ctx, path, 0));
        OK(epsos_doc_header(&h, doc));
        char found[512] = ",";
        size_t ns = 0;
        OK(epsos_item_count(h, EPSOS_F_SECTION, &ns));
        for (size_t i = 0; i < ns; i++) {
            int32_t ab = 0;
            const char *code = NULL;
            OK(epsos_item_child(&s, h, EPSOS_F_SECTION, i));
            if (epsos_ps_get_absent(s, &ab, &code) == EPSOS_OK && ab && code &&
                strlen(found) + strlen(code) + 2 < sizeof found)
                strcat(strcat(found, code), ",");
        }
        for (char *c = strtok(p, ","); c; c = strtok(NULL, ",")) {
            char key[64];
            snprintf(key, sizeof key, ",%s,", c);
            ck_assert_msg(strstr(found, key), "%s: README lists %s, libepsos found %s", line + 3,
                          c, found);
        }
        checked++;
        epsos_doc_free(doc);
    }
    fclose(fp);
    ck_assert_uint_ge(checked, 10);
}
END_TEST

/* Sequential reads go on from the last occurrence found; any change of the
 * document makes them start over. */
START_TEST(test_read_cache)
{
    unsigned c = 0;
    epsos_doc *doc = header_doc(&c);
    epsos_item *s, *e;
    const char *v = NULL;
    char buf[16];
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_SURGERIES_SECTION));
    for (int i = 0; i < 5; i++) {
        OK(epsos_item_add_child(&e, s, EPSOS_F_PROCEDURE));
        snprintf(buf, sizeof buf, "%d", 2000 + i);
        OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, buf));
    }
    size_t n = 0;
    OK(epsos_item_count(s, EPSOS_F_PROCEDURE, &n));
    ck_assert_uint_eq(n, 5);
    for (size_t i = 0; i < n; i++) {               /* forwards */
        OK(epsos_item_child(&e, s, EPSOS_F_PROCEDURE, i));
        OK(epsos_item_get_time(e, EPSOS_F_EFFECTIVE_TIME, 0, &v));
        snprintf(buf, sizeof buf, "%zu", 2000 + i);
        ck_assert_str_eq(v, buf);
    }
    for (size_t i = n; i-- > 0;) {                 /* backwards */
        OK(epsos_item_child(&e, s, EPSOS_F_PROCEDURE, i));
        OK(epsos_item_get_time(e, EPSOS_F_EFFECTIVE_TIME, 0, &v));
        snprintf(buf, sizeof buf, "%zu", 2000 + i);
        ck_assert_str_eq(v, buf);
    }
    OK(epsos_item_child(&e, s, EPSOS_F_PROCEDURE, 0));
    OK(epsos_item_remove(s, EPSOS_F_PROCEDURE, 1));  /* a change between two reads */
    OK(epsos_item_child(&e, s, EPSOS_F_PROCEDURE, 1));
    OK(epsos_item_get_time(e, EPSOS_F_EFFECTIVE_TIME, 0, &v));
    ck_assert_str_eq(v, "2002");
    OK(epsos_item_child(&e, s, EPSOS_F_PROCEDURE, 2));
    OK(epsos_item_get_time(e, EPSOS_F_EFFECTIVE_TIME, 0, &v));
    ck_assert_str_eq(v, "2003");
    ck_assert_int_eq(epsos_item_child(&e, s, EPSOS_F_PROCEDURE, 4), EPSOS_ENOTFOUND);
    epsos_doc_free(doc);
}
END_TEST

/* Legacy epSOS product model: read through the alternate paths, removed
 * through them too. */
START_TEST(test_legacy_paths)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/corpus/samples/konateq-openncp/psstore/X-XXXX.xml",
             shared);
    epsos_doc *doc;
    epsos_item *h, *s, *m = NULL;
    OK(epsos_doc_parse_file(&doc, ctx, path, 0));
    ck_assert_int_eq(epsos_doc_generation(doc), EPSOS_GEN_EPSOS);
    OK(epsos_doc_header(&h, doc));
    size_t ns = 0, n = 0;
    OK(epsos_item_count(h, EPSOS_F_SECTION, &ns));
    for (size_t i = 0; i < ns && !m; i++) {
        OK(epsos_item_child(&s, h, EPSOS_F_SECTION, i));
        if (epsos_item_kind(s) == EPSOS_KIND_PS_MEDICATION_SECTION)
            OK(epsos_item_child(&m, s, EPSOS_F_MEDICATION, 0));
    }
    ck_assert_ptr_nonnull(m);
    const char *code = NULL, *system = NULL;
    OK(epsos_item_get_code(m, EPSOS_F_ATC, 0, &code, &system, NULL));
    ck_assert_str_eq(system, "2.16.840.1.113883.6.73");
    ck_assert_ptr_nonnull(strstr(epsos_item_path(m), "hl7:substanceAdministration"));
    OK(epsos_item_count(m, EPSOS_F_INGREDIENT, &n));
    ck_assert_uint_ge(n, 1);
    OK(epsos_item_remove(m, EPSOS_F_ATC, 0));
    OK(epsos_item_count(m, EPSOS_F_ATC, &n));
    ck_assert_uint_eq(n, 0);
    epsos_doc_free(doc);
}
END_TEST

/* xsi:type is a QName: its prefix is resolved by namespace, not by text. */
START_TEST(test_xsi_type_qname)
{
    static const char doc_text[] =
        "<ClinicalDocument xmlns='urn:hl7-org:v3' xmlns:v3='urn:hl7-org:v3' "
        "xmlns:other='urn:example:other' "
        "xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'>"
        "<code code='60591-5' codeSystem='2.16.840.1.113883.6.1'/>"
        "<component><structuredBody><component><section>"
        "<code code='10160-0' codeSystem='2.16.840.1.113883.6.1'/>"
        "<entry><substanceAdministration classCode='SBADM' moodCode='INT'>"
        "<effectiveTime xsi:type='v3:IVL_TS'><low value='20240101'/></effectiveTime>"
        "<effectiveTime xsi:type='other:PIVL_TS'><period value='8' unit='h'/></effectiveTime>"
        "<effectiveTime xsi:type=' PIVL_TS '><period value='12' unit='h'/></effectiveTime>"
        "</substanceAdministration></entry>"
        "</section></component></structuredBody></component></ClinicalDocument>";
    epsos_doc *doc;
    epsos_item *h, *s, *m;
    const char *v = NULL, *u = NULL;
    size_t n = 9;
    OK(epsos_doc_parse(&doc, ctx, (const uint8_t *)doc_text, sizeof doc_text - 1, 0));
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_PS_MEDICATION_SECTION);
    OK(epsos_item_child(&m, s, EPSOS_F_MEDICATION, 0));
    OK(epsos_item_get_time(m, EPSOS_F_START, 0, &v));           /* v3:IVL_TS is IVL_TS */
    ck_assert_str_eq(v, "20240101");
    OK(epsos_item_count(m, EPSOS_F_FREQUENCY, &n));              /* other:PIVL_TS is not */
    ck_assert_uint_eq(n, 1);
    OK(epsos_item_get_quantity(m, EPSOS_F_FREQUENCY, 0, &v, &u));
    ck_assert_str_eq(v, "12");
    epsos_doc_free(doc);
}
END_TEST

/* A small valid PDF, written for this test. */
static const char pdf_bytes[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";

/* Independent oracle: the text of nonXMLBody/text by XPath, white space
 * removed, decoded by OpenSSL. */
static unsigned char *oracle_pdf(const char *path, size_t *len)
{
    xmlDocPtr d = xmlReadFile(path, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(d);
    xmlXPathContextPtr xp = xmlXPathNewContext(d);
    xmlXPathRegisterNs(xp, BAD_CAST "h", BAD_CAST "urn:hl7-org:v3");
    xmlXPathObjectPtr o = xmlXPathEvalExpression(
        BAD_CAST "string(/h:ClinicalDocument/h:component/h:nonXMLBody/h:text)", xp);
    const char *s = (const char *)o->stringval;
    size_t n = strlen(s), m = 0;
    unsigned char *clean = malloc(n + 1), *out = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]))
            clean[m++] = (unsigned char)s[i];
    int r = EVP_DecodeBlock(out, clean, (int)m);
    ck_assert_int_ge(r, 0);
    size_t pad = m >= 2 && clean[m - 1] == '=' ? (clean[m - 2] == '=' ? 2 : 1) : 0;
    *len = (size_t)r - pad;
    free(clean);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(d);
    return out;
}

START_TEST(test_level1)
{
    /* every L1 document of the corpus: the PDF equals the oracle's */
    static const char *const l1[] = {
        "khypponen-openncp/psstore/0092129A-L1.xml", "khypponen-openncp/ep/EP.6.1.1.PDF.xml",
        "ddeveloper72-Django_NCP/LU/CELESTINA_DOE-CALLA_38430827.xml",
        "gematik-NCPeH-Simulation-API/builder/Prescription_CDA1.xml" };
    for (size_t i = 0; i < sizeof l1 / sizeof l1[0]; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/corpus/samples/%s", shared, l1[i]);
        epsos_doc *doc;
        OK(epsos_doc_parse_file(&doc, ctx, path, 0));
        uint8_t *pdf = NULL;
        size_t len = 0, olen = 0;
        OK(epsos_doc_get_pdf(&pdf, &len, doc));
        unsigned char *o = oracle_pdf(path, &olen);
        ck_assert_msg(len == olen && memcmp(pdf, o, len) == 0, "%s: PDF differs from the oracle", l1[i]);
        /* the gematik test document embeds the placeholder "pdf content" */
        if (strstr(l1[i], "gematik"))
            ck_assert_int_eq(memcmp(pdf, "pdf content", 11), 0);
        else
            ck_assert_int_eq(memcmp(pdf, "%PDF-", 5), 0);
        free(o);
        epsos_free(pdf);
        epsos_doc_free(doc);
    }

    /* build a PS L1 from the header and a PDF */
    unsigned c = 0;
    epsos_doc *doc = header_doc(&c);
    epsos_item *h;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_set_id(h, EPSOS_F_TEMPLATE_ID, 0, "1.3.6.1.4.1.12559.11.10.1.3.1.1.7", NULL));
    size_t plen = sizeof pdf_bytes - 1;
    ck_assert_int_eq(epsos_doc_set_pdf(doc, (const uint8_t *)"GIF89a", 6), EPSOS_EVALUE);
    OK(epsos_doc_set_pdf(doc, (const uint8_t *)pdf_bytes, plen));
    ck_assert_int_eq(epsos_doc_kind(doc), EPSOS_DOC_PS_L1);
    char dir[] = "/tmp/check_ps_l1.XXXXXX", f[64], cmd[9000];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(f, sizeof f, "%s/l1.xml", dir);
    OK(epsos_doc_save(doc, f, 0));
    xsd_valid(f);
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --kind ps-l1 -q --no-info "
             "'%s' > '%s/out.txt' 2>&1", shared, f, dir);
    int st = system(cmd);
    ck_assert_msg(st == 0, "ehdsi-validate --kind ps-l1 reports errors (status %d), see %s", st, dir);
    epsos_doc *back;
    OK(epsos_doc_parse_file(&back, ctx, f, 0));
    ck_assert_int_eq(epsos_doc_kind(back), EPSOS_DOC_PS_L1);
    uint8_t *pdf = NULL;
    size_t len = 0, olen = 0;
    OK(epsos_doc_get_pdf(&pdf, &len, back));
    ck_assert_uint_eq(len, plen);
    ck_assert_int_eq(memcmp(pdf, pdf_bytes, plen), 0);
    unsigned char *o = oracle_pdf(f, &olen);
    ck_assert_uint_eq(olen, plen);
    free(o);
    epsos_free(pdf);
    epsos_doc_free(back);

    /* bad base64 is reported with its place */
    static const char bad[] =
        "<ClinicalDocument xmlns='urn:hl7-org:v3'><code code='60591-5'/><component>"
        "<nonXMLBody><text mediaType='application/pdf' representation='B64'>JVBER!i0x"
        "</text></nonXMLBody></component></ClinicalDocument>";
    OK(epsos_doc_parse(&back, ctx, (const uint8_t *)bad, sizeof bad - 1, 0));
    ck_assert_int_eq(epsos_doc_get_pdf(&pdf, &len, back), EPSOS_EVALUE);
    ck_assert_ptr_null(pdf);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "character 5"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errloc(ctx), "hl7:nonXMLBody/hl7:text"));
    epsos_doc_free(back);
    /* an L3 document has no PDF */
    epsos_doc *l3 = header_doc(&c);
    ck_assert_int_eq(epsos_doc_get_pdf(&pdf, &len, l3), EPSOS_ENOTFOUND);
    epsos_doc_free(l3);
    epsos_doc_free(doc);
    unlink(f);
    snprintf(cmd, sizeof cmd, "%s/out.txt", dir);
    unlink(cmd);
    rmdir(dir);
}
END_TEST

/* Issue 3, the remaining medication and result fields: package code and
 * name, fulfilment instructions, an SXPR_TS frequency, an entry author and a
 * section author, a reason that points at a problem of the document
 * (eHDSIInternalReference), a result's reference range; XSD-valid,
 * Schematron-clean, read back.  The same document built with
 * EPSOS_COMPLETE_LINKS only (narrative kept) is Schematron-clean too. */
static void fill_author(epsos_item *a)
{
    epsos_item *ad, *n, *o;
    OK(epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "221", "2.16.840.1.113883.2.9.6.2.7",
                           "Medical doctors"));
    OK(epsos_item_set_time(a, EPSOS_F_TIME, 0, "20261120093000+0100"));
    OK(epsos_item_set_id(a, EPSOS_F_ID, 0, "2.999.77.800", "HCP-9"));
    OK(epsos_item_add_child(&ad, a, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_CITY, 0, "Lisboa"));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
    OK(epsos_item_set_telecom(a, EPSOS_F_TELECOM, 0, "tel:+351-21-555-0123", "WP"));
    OK(epsos_item_add_child(&n, a, EPSOS_F_NAME));
    OK(epsos_item_set_text(n, EPSOS_F_GIVEN, 0, "Rita"));
    OK(epsos_item_set_text(n, EPSOS_F_FAMILY, 0, "Prescritora"));
    OK(epsos_item_add_child(&o, a, EPSOS_F_ORGANIZATION));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.77.801", NULL));
    OK(epsos_item_set_text(o, EPSOS_F_ORGANIZATION_NAME, 0, "Centro de Sa\u00fade Exemplo"));
    OK(epsos_item_set_telecom(o, EPSOS_F_TELECOM, 0, "tel:+351-21-555-0000", "WP"));
    OK(epsos_item_add_child(&ad, o, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
}

static epsos_doc *more_ps(unsigned *counter, uint32_t flags)
{
    epsos_doc *doc = header_doc(counter);
    epsos_item *s, *e, *o, *t, *a;
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_MEDICATION_SECTION));
    OK(epsos_item_add_child(&a, s, EPSOS_F_AUTHOR));
    fill_author(a);
    OK(epsos_item_add_child(&e, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20250101"));
    OK(epsos_item_add_child(&t, e, EPSOS_F_SCHEDULE));
    OK(epsos_item_set_quantity(t, EPSOS_F_FREQUENCY, 0, "12", "h"));
    OK(epsos_item_set_text(t, EPSOS_F_INSTITUTION_SPECIFIED, 0, "false"));
    OK(epsos_item_add_child(&t, e, EPSOS_F_SCHEDULE_EVENT));
    OK(epsos_item_set_text(t, EPSOS_F_OPERATOR, 0, "I"));
    OK(epsos_item_set_code(t, EPSOS_F_EVENT, 0, "PC", "2.16.840.1.113883.5.139", "after meal"));
    OK(epsos_item_set_code(e, EPSOS_F_ROUTE, 0, "20053000", EDQM, "Oral use"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE, 0, "1", "1"));
    OK(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Atorvastatin Example 20 mg"));
    OK(epsos_item_set_code(e, EPSOS_F_DOSE_FORM, 0, "10219000", EDQM, "Tablet"));
    OK(epsos_item_set_quantity(e, EPSOS_F_PACKAGE_QUANTITY, 0, "30", "1"));
    OK(epsos_item_set_code(e, EPSOS_F_PACKAGE_CODE, 0, "5601234000017", "2.999.77.1001",
                           "Box of 30 tablets"));
    OK(epsos_item_set_text(e, EPSOS_F_PACKAGE_NAME, 0, "Atorvastatin Example 20 mg, 30 tablets"));
    OK(epsos_item_set_code(e, EPSOS_F_PACKAGE_FORM, 0, "30007000", EDQM, "Box"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_REASON_REFERENCE));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.77.900", "PROBLEM-1"));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "55607006", SNOMED, "Problem"));
    OK(epsos_item_add_child(&a, e, EPSOS_F_AUTHOR));
    fill_author(a);
    OK(epsos_item_set_text(e, EPSOS_F_INSTRUCTIONS, 0, "Take in the evening."));
    OK(epsos_item_set_text(e, EPSOS_F_FULFILMENT_INSTRUCTIONS, 0, "Generic substitution allowed."));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_PROBLEMS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PROBLEM));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "2015"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.77.900", "PROBLEM-1"));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "55607006", SNOMED, "Problem"));
    OK(epsos_item_set_time(o, EPSOS_F_START, 0, "2015"));
    OK(epsos_item_set_code(o, EPSOS_F_VALUE, 0, "E78.0", ICD10, "Pure hypercholesterolaemia"));

    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_RESULTS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_RESULT));
    OK(epsos_item_set_code(e, EPSOS_F_CODE, 0, "24331-1", LOINC, "Lipid panel"));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "20261015"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "2093-3", LOINC, "Cholesterol [Mass/volume] in Serum or Plasma"));
    OK(epsos_item_set_time(o, EPSOS_F_EFFECTIVE_TIME, 0, "20261015"));
    OK(epsos_item_set_quantity(o, EPSOS_F_QUANTITY, 0, "212", "mg/dL"));
    OK(epsos_item_set_quantity(o, EPSOS_F_RANGE_LOW, 0, "0", "mg/dL"));
    OK(epsos_item_set_quantity(o, EPSOS_F_RANGE_HIGH, 0, "200", "mg/dL"));

    static const int32_t absent[] = { EPSOS_KIND_PS_ALLERGIES_SECTION,
        EPSOS_KIND_PS_SURGERIES_SECTION, EPSOS_KIND_PS_DEVICES_SECTION };
    for (size_t i = 0; i < 3; i++)
        OK(epsos_ps_set_absent(NULL, doc, absent[i], EPSOS_ABSENT_NO_KNOWN));
    OK(epsos_doc_complete(doc, 0));
    if (flags) {
        /* the narrative stays, the nested statements are linked to it */
        OK(epsos_doc_complete(doc, flags));
    }
    return doc;
}

static void expect_q(epsos_item *it, int32_t f, const char *value, const char *unit)
{
    const char *v = NULL, *u = NULL;
    OK(epsos_item_get_quantity(it, f, 0, &v, &u));
    ck_assert_str_eq(v, value);
    ck_assert_str_eq(u, unit);
}

static void expect_text(epsos_item *it, int32_t f, const char *want)
{
    const char *v = NULL;
    OK(epsos_item_get_text(it, f, 0, &v));
    ck_assert_str_eq(v, want);
}

START_TEST(test_build_more_fields)
{
    unsigned c1 = 0, c2 = 0;
    epsos_doc *doc = more_ps(&c1, 0), *linked = more_ps(&c2, EPSOS_COMPLETE_LINKS);
    /* linking twice adds nothing */
    uint8_t *a, *b;
    size_t al, bl;
    OK(epsos_doc_serialize(&a, &al, doc, 0));
    OK(epsos_doc_serialize(&b, &bl, linked, 0));
    ck_assert_uint_eq(al, bl);
    ck_assert_int_eq(memcmp(a, b, al), 0);
    epsos_free(a);
    epsos_free(b);
    ck_assert_int_eq(epsos_doc_complete(doc, 2), EPSOS_EINVAL);

    char dir[] = "/tmp/check_ps.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char f1[64], out[64], cmd[9000];
    snprintf(f1, sizeof f1, "%s/more.xml", dir);
    snprintf(out, sizeof out, "%s/svrl.txt", dir);
    save(doc, f1);
    xsd_valid(f1);
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --kind ps -q --no-info "
             "'%s' > '%s' 2>&1", shared, f1, out);
    int st = system(cmd);
    char txt[8192] = "";
    FILE *fp = fopen(out, "r");
    if (fp) {
        size_t got = fread(txt, 1, sizeof txt - 1, fp);
        txt[got] = '\0';
        fclose(fp);
    }
    ck_assert_msg(st == 0, "ehdsi-validate reports errors (status %d):\n%s", st, txt);

    epsos_doc *back;
    epsos_item *h, *s, *e, *o, *t;
    const char *v = NULL, *cs = NULL, *ext = NULL;
    size_t n = 0;
    OK(epsos_doc_parse_file(&back, ctx, f1, 0));
    OK(epsos_doc_header(&h, back));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_PS_MEDICATION_SECTION);
    OK(epsos_item_count(s, EPSOS_F_AUTHOR, &n));
    ck_assert_uint_eq(n, 1);
    OK(epsos_item_child(&o, s, EPSOS_F_AUTHOR, 0));
    ck_assert_int_eq(epsos_item_kind(o), EPSOS_KIND_AUTHOR);
    OK(epsos_item_get_id(o, EPSOS_F_ID, 0, &v, &ext));
    ck_assert_str_eq(ext, "HCP-9");
    OK(epsos_item_child(&e, s, EPSOS_F_MEDICATION, 0));
    OK(epsos_item_count(e, EPSOS_F_AUTHOR, &n));
    ck_assert_uint_eq(n, 1);
    OK(epsos_item_get_code(e, EPSOS_F_PACKAGE_CODE, 0, &v, &cs, NULL));
    ck_assert_str_eq(v, "5601234000017");
    ck_assert_str_eq(cs, "2.999.77.1001");
    expect_text(e, EPSOS_F_PACKAGE_NAME, "Atorvastatin Example 20 mg, 30 tablets");
    expect_q(e, EPSOS_F_PACKAGE_QUANTITY, "30", "1");
    expect_text(e, EPSOS_F_FULFILMENT_INSTRUCTIONS, "Generic substitution allowed.");
    expect_text(e, EPSOS_F_INSTRUCTIONS, "Take in the evening.");
    OK(epsos_item_count(e, EPSOS_F_FREQUENCY, &n));
    ck_assert_uint_eq(n, 0);
    OK(epsos_item_child(&t, e, EPSOS_F_SCHEDULE, 0));
    ck_assert_int_eq(epsos_item_kind(t), EPSOS_KIND_TIMING);
    expect_q(t, EPSOS_F_FREQUENCY, "12", "h");
    OK(epsos_item_child(&t, e, EPSOS_F_SCHEDULE_EVENT, 0));
    expect_text(t, EPSOS_F_OPERATOR, "I");
    OK(epsos_item_get_code(t, EPSOS_F_EVENT, 0, &v, NULL, NULL));
    ck_assert_str_eq(v, "PC");
    OK(epsos_item_count(e, EPSOS_F_REASON, &n));
    ck_assert_uint_eq(n, 0);
    OK(epsos_item_child(&o, e, EPSOS_F_REASON_REFERENCE, 0));
    ck_assert_int_eq(epsos_item_kind(o), EPSOS_KIND_INTERNAL_REFERENCE);
    OK(epsos_item_get_id(o, EPSOS_F_ID, 0, &v, &ext));
    ck_assert_str_eq(v, "2.999.77.900");
    ck_assert_str_eq(ext, "PROBLEM-1");
    OK(epsos_item_get_code(o, EPSOS_F_CODE, 0, &v, &cs, NULL));
    ck_assert_str_eq(v, "55607006");
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 2));
    ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_PS_RESULTS_SECTION);
    OK(epsos_item_child(&e, s, EPSOS_F_RESULT, 0));
    OK(epsos_item_child(&o, e, EPSOS_F_OBSERVATION, 0));
    expect_q(o, EPSOS_F_QUANTITY, "212", "mg/dL");
    expect_q(o, EPSOS_F_RANGE_LOW, "0", "mg/dL");
    expect_q(o, EPSOS_F_RANGE_HIGH, "200", "mg/dL");
    epsos_doc_free(back);

    /* a reason pointing at no entry of the document is what the Schematron
     * refuses: the oracle sees it */
    epsos_item *hd;
    OK(epsos_doc_header(&hd, doc));
    OK(epsos_item_child(&s, hd, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&e, s, EPSOS_F_MEDICATION, 0));
    OK(epsos_item_child(&o, e, EPSOS_F_REASON_REFERENCE, 0));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.77.901", "NO-SUCH-PROBLEM"));
    save(doc, f1);
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --kind ps -q --no-info "
             "'%s' > '%s' 2>&1", shared, f1, out);
    ck_assert_int_ne(system(cmd), 0);

    if (!getenv("CHECK_PS_KEEP"))
        unlink(f1), unlink(out), rmdir(dir);
    epsos_doc_free(doc);
    epsos_doc_free(linked);
}
END_TEST

/* epsos_item_set_translation_attr: translations copied as read (no OID,
 * only a nullFlavor), which epsos_item_add_translation refuses. */
START_TEST(test_translation_as_read)
{
    unsigned c = 0;
    epsos_doc *doc = header_doc(&c);
    epsos_item *s, *e;
    const char *code, *cs, *dn, *v;
    size_t n = 0;
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_MEDICATION_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_attr(e, EPSOS_F_PRODUCT_CODE, 0, "code", "86556"));
    ck_assert_int_eq(epsos_item_add_translation(e, EPSOS_F_PRODUCT_CODE, 0, "95", NULL,
                                                "Paracetamol"), EPSOS_EVALUE);
    OK(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 0, "code", "95"));
    OK(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 0, "codeSystemName", "DCIPT"));
    OK(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 0, "displayName", "x"));
    OK(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 0, "displayName", NULL));
    OK(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 1, NULL, NULL));
    OK(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 1, "nullFlavor", "NA"));
    /* a checked one after them */
    OK(epsos_item_add_translation(e, EPSOS_F_PRODUCT_CODE, 0, "N02BE01", ATC, "paracetamol"));
    OK(epsos_item_translation_count(e, EPSOS_F_PRODUCT_CODE, 0, &n));
    ck_assert_uint_eq(n, 3);
    OK(epsos_item_get_translation(e, EPSOS_F_PRODUCT_CODE, 0, 0, &code, &cs, &dn));
    ck_assert_str_eq(code, "95");
    ck_assert_ptr_null(cs);
    ck_assert_ptr_null(dn);
    OK(epsos_item_get_translation(e, EPSOS_F_PRODUCT_CODE, 0, 1, &code, &cs, &dn));
    ck_assert_ptr_null(code);
    OK(epsos_item_get_translation(e, EPSOS_F_PRODUCT_CODE, 0, 2, &code, NULL, NULL));
    ck_assert_str_eq(code, "N02BE01");
    /* errors: no such translation, occurrence, field type; bad name, text */
    ck_assert_int_eq(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 4, "code", "1"),
                     EPSOS_ENOTFOUND);
    ck_assert_int_eq(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 1, 0, "code", "1"),
                     EPSOS_ENOTFOUND);
    ck_assert_int_eq(epsos_item_set_translation_attr(e, EPSOS_F_DOSE, 0, 0, "code", "1"),
                     EPSOS_ETYPE);
    ck_assert_int_eq(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 0, "a:b", "1"),
                     EPSOS_EINVAL);
    ck_assert_int_eq(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 0, NULL, "1"),
                     EPSOS_EINVAL);
    ck_assert_int_eq(epsos_item_set_translation_attr(e, EPSOS_F_PRODUCT_CODE, 0, 0, "code",
                                                     "\xff"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_translation_attr(NULL, EPSOS_F_PRODUCT_CODE, 0, 0, "code",
                                                     "1"), EPSOS_EINVAL);
    /* serialized as written */
    uint8_t *buf;
    size_t len;
    OK(epsos_doc_serialize(&buf, &len, doc, 0));
    char *xml = strndup((const char *)buf, len);
    epsos_free(buf);
    ck_assert_ptr_nonnull(strstr(xml, "<translation code=\"95\" codeSystemName=\"DCIPT\"/>"
                                      "<translation nullFlavor=\"NA\"/><translation code=\"N02BE01\""));
    free(xml);
    OK(epsos_item_get_attr(e, EPSOS_F_PRODUCT_CODE, 0, "code", &v));
    ck_assert_str_eq(v, "86556");
    epsos_doc_free(doc);
}
END_TEST

/* epsos_doc_complete: a missing M field (mandatory, no nullFlavor) is an
 * error naming the item (XPath) and the field; a missing R field is written
 * with the template's nullFlavor and the document stays Schematron-clean. */
START_TEST(test_mandatory_and_required)
{
    unsigned c = 0;
    epsos_doc *doc = required_only_ps(&c, EPSOS_ABSENT_NO_KNOWN);
    epsos_item *h, *s, *e, *o;
    const char *nf = NULL;
    OK(epsos_doc_header(&h, doc));
    /* M: a medication without its statusCode */
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_PS_MEDICATION_SECTION);
    OK(epsos_item_add_child(&e, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_text(e, EPSOS_F_PRODUCT_NAME, 0, "Example 1 mg"));
    OK(epsos_item_set_quantity(e, EPSOS_F_FREQUENCY, 0, "24", "h"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20260101"));
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "medication has 0 status"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "mandatory"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errloc(ctx), "hl7:entry[2]/hl7:substanceAdministration"));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    /* M: a vital sign without its code */
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_VITAL_SIGNS_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_VITAL_SIGNS));
    OK(epsos_item_set_time(e, EPSOS_F_EFFECTIVE_TIME, 0, "20261120"));
    OK(epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION));
    OK(epsos_item_set_time(o, EPSOS_F_EFFECTIVE_TIME, 0, "20261120"));
    OK(epsos_item_set_quantity(o, EPSOS_F_QUANTITY, 0, "84", "mm[Hg]"));
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "vital_sign has 0 code"));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errloc(ctx), "hl7:component/hl7:observation"));
    OK(epsos_item_set_code(o, EPSOS_F_CODE, 0, "8462-4", LOINC, "Diastolic blood pressure"));
    /* R: a procedure without code and time, a device without its start */
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 3));
    ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_PS_SURGERIES_SECTION);
    OK(epsos_item_add_child(&e, s, EPSOS_F_PROCEDURE));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "completed"));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 4));
    OK(epsos_item_add_child(&o, s, EPSOS_F_DEVICE));
    OK(epsos_item_set_code(o, EPSOS_F_DEVICE_CODE, 0, "14106009", SNOMED, "Cardiac pacemaker"));
    /* eH.3.46 / eH.3.47 without statusCode (as a JSON build leaves them):
     * completed, the template's only value; 93857-1 with its LOINC display */
    epsos_item *ps, *po, *pc, *dosing, *ms, *med;
    OK(epsos_doc_add_section(&ps, doc, EPSOS_KIND_PS_PREGNANCY_SECTION));
    OK(epsos_item_add_child(&po, ps, EPSOS_F_PREGNANCY_OUTCOME));
    OK(epsos_item_set_code(po, EPSOS_F_CODE, 0, "281050002", SNOMED, "Livebirth"));
    OK(epsos_item_set_text(po, EPSOS_F_COUNT, 0, "1"));
    OK(epsos_item_remove(po, EPSOS_F_STATUS, 0));
    OK(epsos_item_add_child(&pc, ps, EPSOS_F_PREGNANCY_COUNT));
    OK(epsos_item_set_time(pc, EPSOS_F_EFFECTIVE_TIME, 0, "20261101"));
    OK(epsos_item_set_time(pc, EPSOS_F_VALUE, 0, "20200205"));
    OK(epsos_item_remove(pc, EPSOS_F_STATUS, 0));
    size_t nst = 1;
    OK(epsos_item_count(po, EPSOS_F_STATUS, &nst));
    ck_assert_uint_eq(nst, 0);
    /* a dose range: one narrative cell "1-2 {tablet}" */
    OK(epsos_item_child(&ms, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&med, ms, EPSOS_F_MEDICATION, 1));
    OK(epsos_item_add_child(&dosing, med, EPSOS_F_DOSING));
    OK(epsos_item_set_text(dosing, EPSOS_F_SEQUENCE, 0, "1"));
    OK(epsos_item_set_quantity(dosing, EPSOS_F_DOSE_LOW, 0, "1", "{tablet}"));
    OK(epsos_item_set_quantity(dosing, EPSOS_F_DOSE_HIGH, 0, "2", "{tablet}"));
    OK(epsos_item_set_code(dosing, EPSOS_F_EVENT, 0, "ACM", "2.16.840.1.113883.5.139", NULL));
    OK(epsos_doc_complete(doc, 0));
    const char *pv = NULL, *pd = NULL;
    OK(epsos_item_get_text(po, EPSOS_F_STATUS, 0, &pv));
    ck_assert_str_eq(pv, "completed");
    OK(epsos_item_get_text(pc, EPSOS_F_STATUS, 0, &pv));
    ck_assert_str_eq(pv, "completed");
    OK(epsos_item_get_code(pc, EPSOS_F_CODE, 0, &pv, NULL, &pd));
    ck_assert_str_eq(pv, "93857-1");
    ck_assert_str_eq(pd, "Date and outcome of pregnancy");
    {
        uint8_t *xb = NULL;
        size_t xl = 0;
        OK(epsos_doc_serialize(&xb, &xl, doc, 0));
        char *x = malloc(xl + 1);
        ck_assert_ptr_nonnull(x);
        memcpy(x, xb, xl);
        x[xl] = '\0';
        epsos_free(xb);
        ck_assert_msg(strstr(x, "1-2 {tablet}") && !strstr(x, "1 {tablet} 2"),
                      "the dose range is not one cell \"1-2 {tablet}\"");
        free(x);
    }
    OK(epsos_item_get_null_flavor(e, EPSOS_F_CODE, 0, &nf));
    ck_assert_str_eq(nf, "NI");
    OK(epsos_item_get_null_flavor(e, EPSOS_F_EFFECTIVE_TIME, 0, &nf));
    ck_assert_str_eq(nf, "NI");
    OK(epsos_item_get_null_flavor(o, EPSOS_F_START, 0, &nf));
    ck_assert_str_eq(nf, "NI");
    /* the medication: its consumable's code NA */
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&e, s, EPSOS_F_MEDICATION, 1));
    OK(epsos_item_get_null_flavor(e, EPSOS_F_PRODUCT_CODE, 0, &nf));
    ck_assert_str_eq(nf, "NA");

    char dir[] = "/tmp/check_ps_mr.XXXXXX", f1[64], out[64], cmd[9000];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(f1, sizeof f1, "%s/mr.xml", dir);
    snprintf(out, sizeof out, "%s/svrl.txt", dir);
    save(doc, f1);
    xsd_valid(f1);
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --kind ps -q --no-info "
             "'%s' > '%s' 2>&1", shared, f1, out);
    int st = system(cmd);
    char txt[8192] = "";
    FILE *fp = fopen(out, "r");
    if (fp) {
        txt[fread(txt, 1, sizeof txt - 1, fp)] = '\0';
        fclose(fp);
    }
    ck_assert_msg(st == 0, "ehdsi-validate reports errors (status %d):\n%s", st, txt);
    if (!getenv("CHECK_PS_KEEP"))
        unlink(f1), unlink(out), rmdir(dir);
    epsos_doc_free(doc);
}
END_TEST

int main(void)
{
    shared_dir(shared, sizeof shared);
    /* ehdsi-validate needs Java and Saxon-HE (Debian: default-jre-headless,
     * libsaxonhe-java); without them the Schematron oracle cannot run. */
    if (schematron_ready(shared) != 0)
        return 77;
    Suite *su = suite_create("ps");
    TCase *tc = tcase_create("ps");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_build_xsd_schematron_read_back);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_level1);
    tcase_add_test(tc, test_xsi_type_qname);
    tcase_add_test(tc, test_absent_corpus);
    tcase_add_test(tc, test_legacy_paths);
    tcase_add_test(tc, test_read_cache);
    tcase_add_test(tc, test_build_more_fields);
    tcase_add_test(tc, test_translation_as_read);
    tcase_add_test(tc, test_mandatory_and_required);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
