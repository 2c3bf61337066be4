/*
 * libepsos - ePrescription and eDispensation: build one of each through the
 * item API (every frequency flavour the table covers: TS, PIVL_TS with phase
 * and institutionSpecified, EIVL_TS, SXPR_TS; a multi-part kit with nested
 * packaging, classifications, manufacturer and prescriber; a substitution
 * case; an eP level 1),
 * validate against the CDA XSD with the pharm extension and the official
 * eHDSI Schematron (shared/tools/schematron/ehdsi-validate --kind ep|ed),
 * then read every value back from the saved files.
 * SPDX-License-Identifier: MIT
 */
#define _XOPEN_SOURCE 700

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlschemas.h>

#include <epsos.h>
#include "../shareddir.h"
#include "../testutil.h"

static epsos_ctx *ctx;
static char shared[4096];

static void setup(void) { ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK); }
static void teardown(void) { epsos_ctx_free(ctx); ctx = NULL; }

#define OK(call) ck_assert_msg((call) == EPSOS_OK, "%s: %s (%s)", #call, \
                               epsos_ctx_errmsg(ctx), epsos_ctx_errloc(ctx))

#define ATC "2.16.840.1.113883.6.73"
#define EDQM "0.4.0.127.0.16.1.1.2.1"
#define SUBST_CS "2.16.840.1.113883.5.1070"

static int test_id(void *user, char *buf, size_t len)
{
    unsigned *n = user;
    snprintf(buf, len, "2.999.78.%u", ++*n);
    return 0;
}

static int test_clock(void *user, char *buf, size_t len)
{
    (void)user;
    snprintf(buf, len, "20261124120000+0000");
    return 0;
}

static epsos_doc *open_header(const char *name, unsigned *counter)
{
    char path[4200];
    epsos_doc *doc = NULL;
    snprintf(path, sizeof path, "%s/ep/%s", TEST_DATA, name);
    OK(epsos_doc_parse_file(&doc, ctx, path, 0));
    OK(epsos_doc_set_sources(doc, test_id, test_clock, counter));
    return doc;
}

/* The prescribed product: Atorvastatin 20 mg, 30 tablets in a blister. */
static void fill_product(epsos_item *p, const char *name)
{
    epsos_item *ing;
    OK(epsos_item_set_code(p, EPSOS_F_PRODUCT_CODE, 0, "5909990733828", "2.999.78.1000",
                           "Atorvastatin Example 20 mg tablets"));
    OK(epsos_item_set_text(p, EPSOS_F_PRODUCT_NAME, 0, name));
    OK(epsos_item_set_text(p, EPSOS_F_DESCRIPTION, 0, "20 mg film-coated tablets"));
    OK(epsos_item_set_code(p, EPSOS_F_DOSE_FORM, 0, "10219000", EDQM, "Tablet"));
    OK(epsos_item_set_quantity(p, EPSOS_F_PACKAGE_QUANTITY, 0, "30", "1"));
    OK(epsos_item_set_code(p, EPSOS_F_PACKAGE_FORM, 0, "30007000", EDQM, "Blister"));
    OK(epsos_item_set_code(p, EPSOS_F_ATC, 0, "C10AA05", ATC, "atorvastatin"));
    OK(epsos_item_add_child(&ing, p, EPSOS_F_INGREDIENT));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_NUMERATOR, 0, "20", "mg"));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_DENOMINATOR, 0, "1", "1"));
    OK(epsos_item_set_code(ing, EPSOS_F_SUBSTANCE, 0, "C10AA05", ATC, "atorvastatin"));
}

/* Frequency flavours: 0 PIVL_TS, 1 EIVL_TS, 2 a single administration (TS). */
static epsos_doc *build_ep(unsigned *counter, int flavour, const char *subst)
{
    epsos_doc *doc = open_header("ep-header.xml", counter);
    epsos_item *s, *e, *p;
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_EP_SECTION));
    OK(epsos_item_set_id(s, EPSOS_F_ID, 0, "2.999.78.500", "RX-1"));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PRESCRIPTION));
    OK(epsos_item_set_id(e, EPSOS_F_ID, 0, "2.999.78.500", "RX-1.1"));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20261124"));
    OK(epsos_item_set_time(e, EPSOS_F_END, 0, "20270124"));
    if (flavour == 0)
        OK(epsos_item_set_quantity(e, EPSOS_F_FREQUENCY, 0, "24", "h"));
    else if (flavour == 1)
        OK(epsos_item_set_code(e, EPSOS_F_EVENT, 0, "ACM", "2.16.840.1.113883.5.139", NULL));
    else
        OK(epsos_item_set_time(e, EPSOS_F_FREQUENCY_TIME, 0, "20261125"));
    OK(epsos_item_set_code(e, EPSOS_F_ROUTE, 0, "20053000", EDQM, "Oral use"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE_LOW, 0, "1", "1"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE_HIGH, 0, "1", "1"));
    OK(epsos_item_add_child(&p, e, EPSOS_F_PRODUCT));
    fill_product(p, "Atorvastatin Example 20 mg");
    OK(epsos_item_set_quantity(e, EPSOS_F_PACKAGES, 0, "2", "1"));
    if (subst)
        OK(epsos_item_set_code(e, EPSOS_F_SUBSTITUTION, 0, subst, SUBST_CS, NULL));
    OK(epsos_item_set_text(e, EPSOS_F_INSTRUCTIONS, 0, "One tablet in the evening."));
    OK(epsos_item_set_text(e, EPSOS_F_FULFILMENT_INSTRUCTIONS, 0, "Dispense the smallest pack."));
    OK(epsos_doc_complete(doc, 0));
    return doc;
}

/* An eD's items, before epsos_doc_complete; prescribed: with the prescribed
 * product (1..1 in eH.3.3). */
static epsos_doc *build_ed_items(unsigned *counter, bool substituted, bool prescribed)
{
    epsos_doc *doc = open_header("ed-header.xml", counter);
    epsos_item *h, *s, *e, *p, *d, *n, *a;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_set_id(h, EPSOS_F_ORDER_ID, 0, "2.999.78.500", "RX-1.1"));
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_ED_SECTION));
    OK(epsos_item_set_id(s, EPSOS_F_ID, 0, "2.999.78.600", "DX-1"));
    OK(epsos_item_add_child(&e, s, EPSOS_F_DISPENSE));
    OK(epsos_item_set_id(e, EPSOS_F_ID, 0, "2.999.78.600", "DX-1.1"));
    OK(epsos_item_set_quantity(e, EPSOS_F_QUANTITY, 0, "1", "1"));
    OK(epsos_item_add_child(&p, e, EPSOS_F_PRODUCT));
    fill_product(p, substituted ? "Atorvastatin Generic 20 mg" : "Atorvastatin Example 20 mg");
    OK(epsos_item_add_child(&d, e, EPSOS_F_DISPENSER));
    OK(epsos_item_set_time(d, EPSOS_F_TIME, 0, "20261126"));
    OK(epsos_item_set_id(d, EPSOS_F_ID, 0, "2.999.78.700", "PH-9"));
    OK(epsos_item_add_child(&a, d, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(a, EPSOS_F_CITY, 0, "Porto"));
    OK(epsos_item_set_text(a, EPSOS_F_COUNTRY, 0, "PT"));
    OK(epsos_item_set_telecom(d, EPSOS_F_TELECOM, 0, "tel:+351-22-555-0100", "WP"));
    OK(epsos_item_add_child(&n, d, EPSOS_F_NAME));
    OK(epsos_item_set_text(n, EPSOS_F_GIVEN, 0, "Rita"));
    OK(epsos_item_set_text(n, EPSOS_F_FAMILY, 0, "Farmacêutica"));
    /* a participant (the licensed role and its licensing organization),
     * the scoping entity's fields set against the schema order */
    epsos_item *pt;
    OK(epsos_item_add_child(&pt, e, EPSOS_F_PARTICIPANT));
    OK(epsos_item_set_text(pt, EPSOS_F_TYPE_CODE, 0, "PRF"));
    OK(epsos_item_set_id(pt, EPSOS_F_ID, 0, "2.999.78.710", "LIC-77"));
    OK(epsos_item_set_text(pt, EPSOS_F_SCOPING_DESC, 0, "Pharmacy licensing board"));
    OK(epsos_item_set_code(pt, EPSOS_F_SCOPING_CODE, 0, "PHARM", "2.999.78.720", "Pharmacy"));
    OK(epsos_item_set_id(pt, EPSOS_F_SCOPING_ID, 0, "2.999.78.730", "ORG-5"));
    OK(epsos_item_set_id(e, EPSOS_F_PRESCRIPTION_ID, 0, "2.999.78.500", "RX-1.1"));
    if (prescribed) {
        OK(epsos_item_add_child(&p, e, EPSOS_F_PRESCRIBED_PRODUCT));
        fill_product(p, "Atorvastatin Example 20 mg");
    }
    if (substituted)
        OK(epsos_item_set_code(e, EPSOS_F_SUBSTITUTION, 0, "SUBST", "2.16.840.1.113883.5.6",
                               "Substitution"));
    return doc;
}

static epsos_doc *build_ed(unsigned *counter, bool substituted)
{
    epsos_doc *doc = build_ed_items(counter, substituted, true);
    OK(epsos_doc_complete(doc, 0));
    return doc;
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

static void schematron_clean(const char *kind, const char *dir, const char *files)
{
    char cmd[9000], out[16384] = "", log[4200];
    snprintf(log, sizeof log, "%s/svrl-%s.txt", dir, kind);
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --kind %s -q --no-info "
             "%s > '%s' 2>&1", shared, kind, files, log);
    int st = system(cmd);
    FILE *fp = fopen(log, "r");
    if (fp) {
        size_t got = fread(out, 1, sizeof out - 1, fp);
        out[got] = '\0';
        fclose(fp);
    }
    unlink(log);
    ck_assert_msg(st == 0, "ehdsi-validate --kind %s reports errors (status %d):\n%s",
                  kind, st, out);
}

static void expect_q(epsos_item *it, int32_t f, const char *value, const char *unit)
{
    const char *v = NULL, *u = NULL;
    OK(epsos_item_get_quantity(it, f, 0, &v, &u));
    ck_assert_str_eq(v, value);
    ck_assert_str_eq(u, unit);
}

static void expect_code(epsos_item *it, int32_t f, const char *code, const char *system)
{
    const char *c = NULL, *s = NULL;
    OK(epsos_item_get_code(it, f, 0, &c, &s, NULL));
    ck_assert_str_eq(c, code);
    ck_assert_str_eq(s, system);
}

static void expect_text(epsos_item *it, int32_t f, const char *text)
{
    const char *t = NULL;
    OK(epsos_item_get_text(it, f, 0, &t));
    ck_assert_str_eq(t, text);
}

static epsos_item *dispense_of(epsos_doc *ed);
static void fill_ed_header(epsos_doc *doc);

static void check_product(epsos_item *p, const char *name)
{
    epsos_item *ing;
    ck_assert_int_eq(epsos_item_kind(p), EPSOS_KIND_PRODUCT);
    expect_code(p, EPSOS_F_PRODUCT_CODE, "5909990733828", "2.999.78.1000");
    expect_text(p, EPSOS_F_PRODUCT_NAME, name);
    expect_text(p, EPSOS_F_DESCRIPTION, "20 mg film-coated tablets");
    expect_code(p, EPSOS_F_DOSE_FORM, "10219000", EDQM);
    expect_q(p, EPSOS_F_PACKAGE_QUANTITY, "30", "1");
    expect_code(p, EPSOS_F_PACKAGE_FORM, "30007000", EDQM);
    expect_code(p, EPSOS_F_ATC, "C10AA05", ATC);
    OK(epsos_item_child(&ing, p, EPSOS_F_INGREDIENT, 0));
    expect_q(ing, EPSOS_F_STRENGTH_NUMERATOR, "20", "mg");
    expect_q(ing, EPSOS_F_STRENGTH_DENOMINATOR, "1", "1");
    expect_code(ing, EPSOS_F_SUBSTANCE, "C10AA05", ATC);
}

START_TEST(test_build_ep_ed)
{
    unsigned c[6] = { 0 };
    epsos_doc *eps[4] = { build_ep(&c[0], 0, "N"), build_ep(&c[1], 1, NULL),
                          build_ep(&c[2], 2, "G"), build_ep(&c[3], 0, "TE") };
    epsos_doc *eds[2] = { build_ed(&c[4], false), build_ed(&c[5], true) };

    char dir[] = "/tmp/check_ep.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char fep[4][64], fed[2][64], list[1024];
    list[0] = '\0';
    for (int i = 0; i < 4; i++) {
        snprintf(fep[i], sizeof fep[i], "%s/ep%d.xml", dir, i);
        OK(epsos_doc_save(eps[i], fep[i], 0));
        xsd_valid(fep[i]);
        snprintf(list + strlen(list), sizeof list - strlen(list), " '%s'", fep[i]);
    }
    schematron_clean("ep", dir, list);
    list[0] = '\0';
    for (int i = 0; i < 2; i++) {
        snprintf(fed[i], sizeof fed[i], "%s/ed%d.xml", dir, i);
        OK(epsos_doc_save(eds[i], fed[i], 0));
        xsd_valid(fed[i]);
        snprintf(list + strlen(list), sizeof list - strlen(list), " '%s'", fed[i]);
    }
    schematron_clean("ed", dir, list);

    /* read back from the files */
    static const char *const subst[4] = { "N", NULL, "G", "TE" };
    for (int i = 0; i < 4; i++) {
        epsos_doc *back;
        epsos_item *h, *s, *e, *p;
        size_t n = 9;
        OK(epsos_doc_parse_file(&back, ctx, fep[i], 0));
        ck_assert_int_eq(epsos_doc_kind(back), EPSOS_DOC_EP);
        ck_assert_int_eq(epsos_doc_generation(back), EPSOS_GEN_EHDSI);
        OK(epsos_doc_header(&h, back));
        OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
        ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_EP_SECTION);
        const char *narr = NULL;
        OK(epsos_item_get_text(s, EPSOS_F_NARRATIVE, 0, &narr));
        ck_assert_msg(narr && strstr(narr, "Atorvastatin Example 20 mg") &&
                      strstr(narr, "One tablet in the evening."), "narrative: %s", narr);
        OK(epsos_item_child(&e, s, EPSOS_F_PRESCRIPTION, 0));
        const char *root, *ext;
        OK(epsos_item_get_id(e, EPSOS_F_ID, 0, &root, &ext));
        ck_assert_str_eq(ext, "RX-1.1");
        const char *v;
        OK(epsos_item_get_time(e, EPSOS_F_START, 0, &v));
        ck_assert_str_eq(v, "20261124");
        OK(epsos_item_count(e, EPSOS_F_FREQUENCY, &n));
        ck_assert_uint_eq(n, i == 0 || i == 3);
        OK(epsos_item_count(e, EPSOS_F_EVENT, &n));
        ck_assert_uint_eq(n, i == 1);
        OK(epsos_item_count(e, EPSOS_F_FREQUENCY_TIME, &n));
        ck_assert_uint_eq(n, i == 2);
        if (i == 0)
            expect_q(e, EPSOS_F_FREQUENCY, "24", "h");
        expect_q(e, EPSOS_F_DOSE_LOW, "1", "1");
        expect_q(e, EPSOS_F_DOSE_HIGH, "1", "1");
        expect_q(e, EPSOS_F_PACKAGES, "2", "1");
        OK(epsos_item_count(e, EPSOS_F_SUBSTITUTION, &n));
        ck_assert_uint_eq(n, subst[i] != NULL);
        if (subst[i])
            expect_code(e, EPSOS_F_SUBSTITUTION, subst[i], SUBST_CS);
        expect_text(e, EPSOS_F_INSTRUCTIONS, "One tablet in the evening.");
        expect_text(e, EPSOS_F_FULFILMENT_INSTRUCTIONS, "Dispense the smallest pack.");
        OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
        check_product(p, "Atorvastatin Example 20 mg");
        epsos_doc_free(back);
    }
    for (int i = 0; i < 2; i++) {
        epsos_doc *back;
        epsos_item *h, *s, *e, *p, *d;
        size_t n = 9;
        const char *root, *ext;
        OK(epsos_doc_parse_file(&back, ctx, fed[i], 0));
        ck_assert_int_eq(epsos_doc_kind(back), EPSOS_DOC_ED);
        OK(epsos_doc_header(&h, back));
        OK(epsos_item_get_id(h, EPSOS_F_ORDER_ID, 0, &root, &ext));
        ck_assert_str_eq(ext, "RX-1.1");
        OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
        ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_ED_SECTION);
        OK(epsos_item_child(&e, s, EPSOS_F_DISPENSE, 0));
        expect_q(e, EPSOS_F_QUANTITY, "1", "1");
        OK(epsos_item_get_id(e, EPSOS_F_PRESCRIPTION_ID, 0, &root, &ext));
        ck_assert_str_eq(root, "2.999.78.500");
        ck_assert_str_eq(ext, "RX-1.1");
        OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
        check_product(p, i ? "Atorvastatin Generic 20 mg" : "Atorvastatin Example 20 mg");
        OK(epsos_item_child(&p, e, EPSOS_F_PRESCRIBED_PRODUCT, 0));
        check_product(p, "Atorvastatin Example 20 mg");
        OK(epsos_item_child(&d, e, EPSOS_F_DISPENSER, 0));
        OK(epsos_item_get_id(d, EPSOS_F_ID, 0, &root, &ext));
        ck_assert_str_eq(ext, "PH-9");
        epsos_item *pt;
        const char *t;
        OK(epsos_item_child(&pt, e, EPSOS_F_PARTICIPANT, 0));
        OK(epsos_item_get_text(pt, EPSOS_F_TYPE_CODE, 0, &t));
        ck_assert_str_eq(t, "PRF");
        OK(epsos_item_get_id(pt, EPSOS_F_ID, 0, &root, &ext));
        ck_assert_str_eq(ext, "LIC-77");
        OK(epsos_item_get_id(pt, EPSOS_F_SCOPING_ID, 0, &root, &ext));
        ck_assert_str_eq(ext, "ORG-5");
        OK(epsos_item_get_text(pt, EPSOS_F_SCOPING_DESC, 0, &t));
        ck_assert_str_eq(t, "Pharmacy licensing board");
        /* the scoping entity's children in the schema's order */
        char *xml = slurp(fed[i], NULL);
        ck_assert_ptr_nonnull(xml);
        const char *se = strstr(xml, "<scopingEntity");
        ck_assert_ptr_nonnull(se);
        const char *sid = strstr(se, "<id "), *scode = strstr(se, "<code "),
                   *sdesc = strstr(se, "<desc>");
        ck_assert(sid && scode && sdesc && sid < scode && scode < sdesc);
        free(xml);
        OK(epsos_item_count(e, EPSOS_F_SUBSTITUTION, &n));
        ck_assert_uint_eq(n, (size_t)i);
        epsos_doc_free(back);
    }

    bool keep = getenv("CHECK_EP_KEEP") != NULL;     /* to look at the files */
    for (int i = 0; i < 4; i++) {
        if (!keep)
            unlink(fep[i]);
        epsos_doc_free(eps[i]);
    }
    for (int i = 0; i < 2; i++) {
        if (!keep)
            unlink(fed[i]);
        epsos_doc_free(eds[i]);
    }
    if (keep)
        printf("kept %s\n", dir);
    else
        rmdir(dir);
}
END_TEST

/* ---- the rest of the product model and of the frequency flavours ---------- */

/* A kit: powder and solvent for solution for injection, two parts, each in
 * its own vial; the kit's packaging nested three levels deep (1 kit in a
 * box, 10 boxes in a carton box); a GEN classification and the
 * manufacturer. */
static void fill_kit(epsos_item *p)
{
    epsos_item *pk, *pk2, *part, *ing, *m, *ad;
    OK(epsos_item_set_code(p, EPSOS_F_PRODUCT_CODE, 0, "KIT-77", "2.999.78.1000", "Examplemycin kit"));
    OK(epsos_item_set_text(p, EPSOS_F_PRODUCT_NAME, 0, "Examplemycin kit 1 g"));
    OK(epsos_item_set_code(p, EPSOS_F_DOSE_FORM, 0, "11207000", EDQM,
                           "Powder and solvent for solution for injection"));
    OK(epsos_item_set_quantity(p, EPSOS_F_PACKAGE_QUANTITY, 0, "1", "1"));
    OK(epsos_item_set_code(p, EPSOS_F_PACKAGE_CODE, 0, "PCK-1", "2.999.78.1001", "Kit tray"));
    OK(epsos_item_set_text(p, EPSOS_F_PACKAGE_NAME, 0, "kit tray"));
    OK(epsos_item_set_code(p, EPSOS_F_PACKAGE_FORM, 0, "30009000", EDQM, "Box"));
    OK(epsos_item_add_child(&pk, p, EPSOS_F_OUTER_PACKAGE));
    OK(epsos_item_set_quantity(pk, EPSOS_F_PACKAGE_QUANTITY, 0, "5", "1"));
    OK(epsos_item_set_code(pk, EPSOS_F_PACKAGE_CODE, 0, "PCK-5", "2.999.78.1001", "Box of 5 kits"));
    OK(epsos_item_set_code(pk, EPSOS_F_PACKAGE_FORM, 0, "30009000", EDQM, "Box"));
    OK(epsos_item_add_child(&pk2, pk, EPSOS_F_OUTER_PACKAGE));
    OK(epsos_item_set_quantity(pk2, EPSOS_F_PACKAGE_QUANTITY, 0, "10", "1"));
    OK(epsos_item_set_text(pk2, EPSOS_F_PACKAGE_NAME, 0, "hospital carton"));
    OK(epsos_item_set_code(pk2, EPSOS_F_PACKAGE_FORM, 0, "30009000", EDQM, "Box"));
    OK(epsos_item_set_code(p, EPSOS_F_ATC, 0, "J01DD04", ATC, "ceftriaxone"));
    OK(epsos_item_set_code(p, EPSOS_F_CLASSIFICATION, 0, "PHPID-1", "2.999.78.1002", "ceftriaxone 1 g"));
    OK(epsos_item_set_code(p, EPSOS_F_CLASSIFICATION, 1, "NAT-9", "2.999.78.1003", "Cephalosporins"));
    /* part 1: the powder */
    OK(epsos_item_add_child(&part, p, EPSOS_F_PART));
    OK(epsos_item_set_quantity(part, EPSOS_F_QUANTITY, 0, "1", "1"));
    OK(epsos_item_set_text(part, EPSOS_F_PRODUCT_NAME, 0, "Examplemycin powder 1 g"));
    OK(epsos_item_set_code(part, EPSOS_F_DOSE_FORM, 0, "11205000", EDQM,
                           "Powder for solution for injection"));
    OK(epsos_item_set_quantity(part, EPSOS_F_PACKAGE_QUANTITY, 0, "1", "1"));
    OK(epsos_item_set_code(part, EPSOS_F_PACKAGE_FORM, 0, "30069000", EDQM, "Vial"));
    OK(epsos_item_add_child(&ing, part, EPSOS_F_INGREDIENT));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_NUMERATOR, 0, "1", "g"));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_DENOMINATOR, 0, "1", "1"));
    OK(epsos_item_set_code(ing, EPSOS_F_SUBSTANCE, 0, "J01DD04", ATC, "ceftriaxone"));
    /* part 2: the solvent */
    OK(epsos_item_add_child(&part, p, EPSOS_F_PART));
    OK(epsos_item_set_quantity(part, EPSOS_F_QUANTITY, 0, "10", "mL"));
    OK(epsos_item_set_text(part, EPSOS_F_PRODUCT_NAME, 0, "Water for injections"));
    OK(epsos_item_set_code(part, EPSOS_F_DOSE_FORM, 0, "11216000", EDQM,
                           "Solvent for parenteral use"));
    OK(epsos_item_set_quantity(part, EPSOS_F_PACKAGE_QUANTITY, 0, "10", "mL"));
    OK(epsos_item_set_code(part, EPSOS_F_PACKAGE_FORM, 0, "30001000", EDQM, "Ampoule"));
    OK(epsos_item_add_child(&m, p, EPSOS_F_MANUFACTURER));
    OK(epsos_item_set_id(m, EPSOS_F_ID, 0, "2.999.78.1004", "MAH-3"));
    OK(epsos_item_set_text(m, EPSOS_F_ORGANIZATION_NAME, 0, "Example Pharma GmbH"));
    OK(epsos_item_add_child(&ad, m, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "AT"));
}

static void check_kit(epsos_item *p)
{
    epsos_item *pk, *pk2, *part, *ing, *m;
    size_t n = 9;
    expect_text(p, EPSOS_F_PRODUCT_NAME, "Examplemycin kit 1 g");
    expect_code(p, EPSOS_F_DOSE_FORM, "11207000", EDQM);
    expect_q(p, EPSOS_F_PACKAGE_QUANTITY, "1", "1");
    expect_code(p, EPSOS_F_PACKAGE_CODE, "PCK-1", "2.999.78.1001");
    expect_text(p, EPSOS_F_PACKAGE_NAME, "kit tray");
    OK(epsos_item_child(&pk, p, EPSOS_F_OUTER_PACKAGE, 0));
    ck_assert_int_eq(epsos_item_kind(pk), EPSOS_KIND_PACKAGE);
    expect_q(pk, EPSOS_F_PACKAGE_QUANTITY, "5", "1");
    expect_code(pk, EPSOS_F_PACKAGE_CODE, "PCK-5", "2.999.78.1001");
    expect_code(pk, EPSOS_F_PACKAGE_FORM, "30009000", EDQM);
    OK(epsos_item_child(&pk2, pk, EPSOS_F_OUTER_PACKAGE, 0));
    expect_q(pk2, EPSOS_F_PACKAGE_QUANTITY, "10", "1");
    expect_text(pk2, EPSOS_F_PACKAGE_NAME, "hospital carton");
    OK(epsos_item_count(pk2, EPSOS_F_OUTER_PACKAGE, &n));
    ck_assert_uint_eq(n, 0);
    expect_code(p, EPSOS_F_ATC, "J01DD04", ATC);
    OK(epsos_item_count(p, EPSOS_F_CLASSIFICATION, &n));
    ck_assert_uint_eq(n, 2);
    const char *c = NULL, *cs = NULL;
    OK(epsos_item_get_code(p, EPSOS_F_CLASSIFICATION, 1, &c, &cs, NULL));
    ck_assert_str_eq(c, "NAT-9");
    ck_assert_str_eq(cs, "2.999.78.1003");
    OK(epsos_item_count(p, EPSOS_F_PART, &n));
    ck_assert_uint_eq(n, 2);
    OK(epsos_item_child(&part, p, EPSOS_F_PART, 0));
    ck_assert_int_eq(epsos_item_kind(part), EPSOS_KIND_PART);
    expect_q(part, EPSOS_F_QUANTITY, "1", "1");
    expect_text(part, EPSOS_F_PRODUCT_NAME, "Examplemycin powder 1 g");
    expect_code(part, EPSOS_F_PACKAGE_FORM, "30069000", EDQM);
    OK(epsos_item_child(&ing, part, EPSOS_F_INGREDIENT, 0));
    expect_q(ing, EPSOS_F_STRENGTH_NUMERATOR, "1", "g");
    expect_code(ing, EPSOS_F_SUBSTANCE, "J01DD04", ATC);
    OK(epsos_item_child(&part, p, EPSOS_F_PART, 1));
    expect_q(part, EPSOS_F_QUANTITY, "10", "mL");
    expect_code(part, EPSOS_F_DOSE_FORM, "11216000", EDQM);
    expect_code(part, EPSOS_F_PACKAGE_FORM, "30001000", EDQM);
    OK(epsos_item_count(part, EPSOS_F_INGREDIENT, &n));
    ck_assert_uint_eq(n, 0);
    /* the kit's own ingredients: none (they are the parts') */
    OK(epsos_item_count(p, EPSOS_F_INGREDIENT, &n));
    ck_assert_uint_eq(n, 0);
    OK(epsos_item_child(&m, p, EPSOS_F_MANUFACTURER, 0));
    ck_assert_int_eq(epsos_item_kind(m), EPSOS_KIND_MANUFACTURER);
    expect_text(m, EPSOS_F_ORGANIZATION_NAME, "Example Pharma GmbH");
}

/* The prescriber of the item (entry-level author). */
static void fill_prescriber(epsos_item *e)
{
    epsos_item *a, *n, *ad, *o;
    OK(epsos_item_add_child(&a, e, EPSOS_F_AUTHOR));
    OK(epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "221", "2.16.840.1.113883.2.9.6.2.7",
                           "Medical doctors"));
    OK(epsos_item_set_time(a, EPSOS_F_TIME, 0, "20261124090000+0000"));
    OK(epsos_item_set_id(a, EPSOS_F_ID, 0, "2.999.78.800", "DR-4"));
    OK(epsos_item_add_child(&ad, a, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_CITY, 0, "Wien"));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "AT"));
    OK(epsos_item_set_telecom(a, EPSOS_F_TELECOM, 0, "tel:+43-1-555-0100", "WP"));
    OK(epsos_item_add_child(&n, a, EPSOS_F_NAME));
    OK(epsos_item_set_text(n, EPSOS_F_GIVEN, 0, "Anna"));
    OK(epsos_item_set_text(n, EPSOS_F_FAMILY, 0, "Verschreiberin"));
    OK(epsos_item_add_child(&o, a, EPSOS_F_ORGANIZATION));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.78.801", NULL));
    OK(epsos_item_set_text(o, EPSOS_F_ORGANIZATION_NAME, 0, "Ordination Beispiel"));
    OK(epsos_item_set_telecom(o, EPSOS_F_TELECOM, 0, "tel:+43-1-555-0101", "WP"));
    OK(epsos_item_add_child(&ad, o, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "AT"));
}

/* 0: PIVL_TS with phase and institutionSpecified; 1: SXPR_TS (every 8 h,
 * intersected with "after a meal", offset); 2: the kit, with a prescriber;
 * 3: two treatment periods (a second course: eHDSI allows 1..* IVL_TS). */
static epsos_doc *build_ep_more(unsigned *counter, int what)
{
    epsos_doc *doc = open_header("ep-header.xml", counter);
    epsos_item *s, *e, *p, *t;
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_EP_SECTION));
    OK(epsos_item_set_id(s, EPSOS_F_ID, 0, "2.999.78.500", "RX-2"));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PRESCRIPTION));
    OK(epsos_item_set_id(e, EPSOS_F_ID, 0, "2.999.78.500", "RX-2.1"));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_time(e, EPSOS_F_START, 0, "20261124"));
    OK(epsos_item_set_time(e, EPSOS_F_END, 0, "20261208"));
    if (what == 0) {
        OK(epsos_item_set_quantity(e, EPSOS_F_FREQUENCY, 0, "12", "h"));
        OK(epsos_item_set_time(e, EPSOS_F_PHASE, 0, "202611240800"));
        OK(epsos_item_set_text(e, EPSOS_F_INSTITUTION_SPECIFIED, 0, "true"));
    } else if (what == 1) {
        OK(epsos_item_add_child(&t, e, EPSOS_F_SCHEDULE));
        OK(epsos_item_set_quantity(t, EPSOS_F_FREQUENCY, 0, "8", "h"));
        OK(epsos_item_set_text(t, EPSOS_F_INSTITUTION_SPECIFIED, 0, "false"));
        OK(epsos_item_add_child(&t, e, EPSOS_F_SCHEDULE_EVENT));
        OK(epsos_item_set_text(t, EPSOS_F_OPERATOR, 0, "I"));
        OK(epsos_item_set_code(t, EPSOS_F_EVENT, 0, "PC", "2.16.840.1.113883.5.139", "after meal"));
        OK(epsos_item_set_quantity(t, EPSOS_F_OFFSET, 0, "30", "min"));
    } else {
        OK(epsos_item_set_quantity(e, EPSOS_F_FREQUENCY, 0, "24", "h"));
    }
    if (what == 3) {
        OK(epsos_item_add_child(&t, e, EPSOS_F_FURTHER_PERIOD));
        ck_assert_int_eq(epsos_item_kind(t), EPSOS_KIND_TREATMENT_PERIOD);
        OK(epsos_item_set_time(t, EPSOS_F_START, 0, "20270104"));
        OK(epsos_item_set_time(t, EPSOS_F_END, 0, "20270118"));
    }
    OK(epsos_item_set_code(e, EPSOS_F_ROUTE, 0, what == 2 ? "20045000" : "20053000", EDQM,
                           what == 2 ? "Intravenous use" : "Oral use"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE_LOW, 0, "1", "1"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE_HIGH, 0, "1", "1"));
    OK(epsos_item_add_child(&p, e, EPSOS_F_PRODUCT));
    if (what == 2) {
        fill_kit(p);
        fill_prescriber(e);
    } else {
        fill_product(p, "Atorvastatin Example 20 mg");
    }
    OK(epsos_item_set_quantity(e, EPSOS_F_PACKAGES, 0, "1", "1"));
    OK(epsos_item_set_text(e, EPSOS_F_FULFILMENT_INSTRUCTIONS, 0, "Keep refrigerated."));
    OK(epsos_doc_complete(doc, 0));
    return doc;
}

/* eH.3.3 wants the prescribed product (the consumable of the prescription
 * reference) 1..1: epsos_doc_complete refuses an eD without it, naming the
 * field and the dispensation; a null-flavoured dispensation id (M) is
 * refused by the validator. */
START_TEST(test_ed_needs_prescribed_product)
{
    unsigned c = 0;
    epsos_doc *doc = build_ed_items(&c, false, false);
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), "prescribed_product"), "message: %s",
                  epsos_ctx_errmsg(ctx));
    ck_assert_msg(strstr(epsos_ctx_errloc(ctx), "supply"), "location: %s", epsos_ctx_errloc(ctx));
    epsos_doc_free(doc);

    doc = build_ed(&c, false);
    epsos_item *h, *s, *e;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&e, s, EPSOS_F_DISPENSE, 0));
    epsos_report *r = NULL;
    OK(epsos_validate(&r, ctx, doc, 0));
    ck_assert_uint_eq(epsos_report_count(r, EPSOS_SEV_ERROR), 0);
    epsos_report_free(r);
    OK(epsos_item_set_null_flavor(e, EPSOS_F_ID, 0, "NI"));
    OK(epsos_validate(&r, ctx, doc, 0));
    ck_assert_uint_eq(epsos_report_count(r, EPSOS_SEV_ERROR), 1);
    size_t n = epsos_report_count(r, 0), hits = 0;
    for (size_t i = 0; i < n; i++)
        if (epsos_report_severity(r, i) == EPSOS_SEV_ERROR &&
            !strcmp(epsos_report_rule(r, i), "null.mandatory") &&
            strstr(epsos_report_xpath(r, i), "hl7:supply[1]"))
            hits++;
    ck_assert_msg(hits == 1, "%zu null.mandatory errors at the supply", hits);
    epsos_report_free(r);
    epsos_doc_free(doc);
}
END_TEST

/* epsos_doc_complete on eP / eD kinds: R fields get their nullFlavor
 * (treatment period UNK, product name and dose form NI, package form UNK),
 * M fields missing are errors (number of packages, package quantity), the
 * header id (from the id source) and title and the eD section title are
 * generated, a dose range is one narrative cell; the result is XSD-valid and
 * Schematron-clean. */
static epsos_doc *bare_ep(unsigned *counter, bool packages, bool package_quantity)
{
    epsos_doc *doc = open_header("ep-header.xml", counter);
    epsos_item *h, *s, *e, *p, *ing;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_remove(h, EPSOS_F_ID, 0));
    OK(epsos_item_remove(h, EPSOS_F_TITLE, 0));
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_EP_SECTION));
    OK(epsos_item_add_child(&e, s, EPSOS_F_PRESCRIPTION));
    OK(epsos_item_set_id(e, EPSOS_F_ID, 0, "2.999.78.500", "RX-9.1"));
    OK(epsos_item_set_text(e, EPSOS_F_STATUS, 0, "active"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE_LOW, 0, "1", "1"));
    OK(epsos_item_set_quantity(e, EPSOS_F_DOSE_HIGH, 0, "2", "1"));
    OK(epsos_item_add_child(&p, e, EPSOS_F_PRODUCT));
    if (package_quantity)
        OK(epsos_item_set_quantity(p, EPSOS_F_PACKAGE_QUANTITY, 0, "30", "1"));
    OK(epsos_item_add_child(&ing, p, EPSOS_F_INGREDIENT));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_NUMERATOR, 0, "20", "mg"));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_DENOMINATOR, 0, "1", "1"));
    OK(epsos_item_set_code(ing, EPSOS_F_SUBSTANCE, 0, "C10AA05", ATC, "atorvastatin"));
    if (packages)
        OK(epsos_item_set_quantity(e, EPSOS_F_PACKAGES, 0, "1", "1"));
    return doc;
}

static void expect_nf(epsos_item *it, int32_t f, const char *nf)
{
    const char *got = NULL;
    OK(epsos_item_get_null_flavor(it, f, 0, &got));
    ck_assert_msg(got && !strcmp(got, nf), "%s: nullFlavor %s, expected %s",
                  epsos_field_name(f), got ? got : "(none)", nf);
}

START_TEST(test_complete_fills_ep_ed)
{
    unsigned c = 0, c2 = 0;
    /* M fields missing: an error naming the field */
    epsos_doc *doc = bare_ep(&c, false, true);
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), "packages") &&
                  strstr(epsos_ctx_errmsg(ctx), "mandatory"), "message: %s",
                  epsos_ctx_errmsg(ctx));
    epsos_doc_free(doc);
    doc = bare_ep(&c, true, false);
    ck_assert_int_eq(epsos_doc_complete(doc, 0), EPSOS_EVALUE);
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), "package_quantity"), "message: %s",
                  epsos_ctx_errmsg(ctx));
    epsos_doc_free(doc);

    c = 0;
    doc = bare_ep(&c, true, true);
    OK(epsos_doc_complete(doc, 0));
    epsos_item *h, *s, *e, *p;
    const char *root = NULL, *ext = NULL, *t = NULL;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_get_id(h, EPSOS_F_ID, 0, &root, &ext));
    ck_assert_ptr_nonnull(root);
    ck_assert_msg(!strncmp(root, "2.999.78.", 9), "header id %s not from the id source", root);
    ck_assert_ptr_null(ext);
    expect_text(h, EPSOS_F_TITLE, "ePrescription");
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_get_id(s, EPSOS_F_ID, 0, &root, NULL));
    ck_assert_msg(root && !strncmp(root, "2.999.78.", 9), "section id %s", root ? root : "-");
    OK(epsos_item_child(&e, s, EPSOS_F_PRESCRIPTION, 0));
    expect_nf(e, EPSOS_F_PERIOD, "UNK");
    OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
    expect_nf(p, EPSOS_F_PRODUCT_NAME, "NI");
    expect_nf(p, EPSOS_F_DOSE_FORM, "NI");
    expect_nf(p, EPSOS_F_PACKAGE_FORM, "UNK");
    /* the dose range in one cell */
    uint8_t *buf = NULL;
    size_t len = 0;
    OK(epsos_doc_serialize(&buf, &len, doc, 0));
    char *xml = malloc(len + 1);
    ck_assert_ptr_nonnull(xml);
    memcpy(xml, buf, len);
    xml[len] = '\0';
    ck_assert_msg(strstr(xml, "<td>1-2</td><td/>") || strstr(xml, "<td>1-2</td><td></td>"),
                  "no dose range cell in the narrative");
    free(xml);
    epsos_free(buf);

    /* eD: header id and title, the section title (1..1 R in eH.2.2) */
    epsos_doc *ed = build_ed_items(&c2, false, true);
    OK(epsos_doc_header(&h, ed));
    OK(epsos_item_remove(h, EPSOS_F_ID, 0));
    OK(epsos_item_remove(h, EPSOS_F_TITLE, 0));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_remove(s, EPSOS_F_TITLE, 0));
    size_t n = 1;
    OK(epsos_item_count(s, EPSOS_F_TITLE, &n));
    ck_assert_uint_eq(n, 0);
    OK(epsos_doc_complete(ed, 0));
    OK(epsos_doc_header(&h, ed));
    OK(epsos_item_get_id(h, EPSOS_F_ID, 0, &root, NULL));
    ck_assert_msg(root && !strncmp(root, "2.999.78.", 9), "eD header id %s", root ? root : "-");
    expect_text(h, EPSOS_F_TITLE, "eDispensation");
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_get_text(s, EPSOS_F_TITLE, 0, &t));
    ck_assert_msg(t && *t, "no eD section title");

    char dir[] = "/tmp/check_ep_fill.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char fep[64], fed[64], list[200];
    snprintf(fep, sizeof fep, "%s/ep.xml", dir);
    snprintf(fed, sizeof fed, "%s/ed.xml", dir);
    OK(epsos_doc_save(doc, fep, 0));
    OK(epsos_doc_save(ed, fed, 0));
    xsd_valid(fep);
    xsd_valid(fed);
    snprintf(list, sizeof list, "'%s'", fep);
    schematron_clean("ep", dir, list);
    snprintf(list, sizeof list, "'%s'", fed);
    schematron_clean("ed", dir, list);
    unlink(fep);
    unlink(fed);
    rmdir(dir);
    epsos_doc_free(ed);
    epsos_doc_free(doc);
}
END_TEST

START_TEST(test_build_ep_more)
{
    unsigned c[4] = { 0 };
    epsos_doc *eps[4];
    char dir[] = "/tmp/check_ep2.XXXXXX", f[4][64], list[512] = "";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    for (int i = 0; i < 4; i++) {
        eps[i] = build_ep_more(&c[i], i);
        snprintf(f[i], sizeof f[i], "%s/ep%d.xml", dir, i);
        OK(epsos_doc_save(eps[i], f[i], 0));
        xsd_valid(f[i]);
        snprintf(list + strlen(list), sizeof list - strlen(list), " '%s'", f[i]);
    }
    schematron_clean("ep", dir, list);

    char fed[4][64];
    list[0] = '\0';
    for (int i = 0; i < 4; i++) {
        epsos_doc *back;
        epsos_item *h, *s, *e, *p, *t, *a, *o;
        size_t n = 9;
        const char *v = NULL;
        OK(epsos_doc_parse_file(&back, ctx, f[i], 0));
        OK(epsos_doc_header(&h, back));
        OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
        OK(epsos_item_child(&e, s, EPSOS_F_PRESCRIPTION, 0));
        expect_text(e, EPSOS_F_FULFILMENT_INSTRUCTIONS, "Keep refrigerated.");
        OK(epsos_item_count(e, EPSOS_F_SCHEDULE, &n));
        ck_assert_uint_eq(n, i == 1);
        OK(epsos_item_count(e, EPSOS_F_FREQUENCY, &n));
        ck_assert_uint_eq(n, i != 1);
        /* the first period is start/end, a second one a further_period */
        OK(epsos_item_get_time(e, EPSOS_F_START, 0, &v));
        ck_assert_str_eq(v, "20261124");
        OK(epsos_item_get_time(e, EPSOS_F_END, 0, &v));
        ck_assert_str_eq(v, "20261208");
        OK(epsos_item_count(e, EPSOS_F_START, &n));
        ck_assert_uint_eq(n, 1);
        OK(epsos_item_count(e, EPSOS_F_PERIOD, &n));
        ck_assert_uint_eq(n, 1);
        OK(epsos_item_count(e, EPSOS_F_FURTHER_PERIOD, &n));
        ck_assert_uint_eq(n, i == 3);
        if (i == 3) {
            OK(epsos_item_child(&t, e, EPSOS_F_FURTHER_PERIOD, 0));
            ck_assert_int_eq(epsos_item_kind(t), EPSOS_KIND_TREATMENT_PERIOD);
            OK(epsos_item_get_time(t, EPSOS_F_START, 0, &v));
            ck_assert_str_eq(v, "20270104");
            OK(epsos_item_get_time(t, EPSOS_F_END, 0, &v));
            ck_assert_str_eq(v, "20270118");
            /* and the narrative shows both periods */
            OK(epsos_item_get_text(s, EPSOS_F_NARRATIVE, 0, &v));
            ck_assert_msg(strstr(v, "2026") && strstr(v, "2027"), "narrative: %s", v);
        }
        if (i == 0) {
            expect_q(e, EPSOS_F_FREQUENCY, "12", "h");
            OK(epsos_item_get_time(e, EPSOS_F_PHASE, 0, &v));
            ck_assert_str_eq(v, "202611240800");
            expect_text(e, EPSOS_F_INSTITUTION_SPECIFIED, "true");
        } else if (i == 1) {
            OK(epsos_item_child(&t, e, EPSOS_F_SCHEDULE, 0));
            ck_assert_int_eq(epsos_item_kind(t), EPSOS_KIND_TIMING);
            expect_q(t, EPSOS_F_FREQUENCY, "8", "h");
            expect_text(t, EPSOS_F_INSTITUTION_SPECIFIED, "false");
            OK(epsos_item_count(t, EPSOS_F_OPERATOR, &n));
            ck_assert_uint_eq(n, 0);
            OK(epsos_item_child(&t, e, EPSOS_F_SCHEDULE_EVENT, 0));
            expect_text(t, EPSOS_F_OPERATOR, "I");
            expect_code(t, EPSOS_F_EVENT, "PC", "2.16.840.1.113883.5.139");
            expect_q(t, EPSOS_F_OFFSET, "30", "min");
            OK(epsos_item_count(e, EPSOS_F_EVENT, &n));
            ck_assert_uint_eq(n, 0);
        } else if (i == 2) {
            OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
            check_kit(p);
            OK(epsos_item_child(&a, e, EPSOS_F_AUTHOR, 0));
            ck_assert_int_eq(epsos_item_kind(a), EPSOS_KIND_AUTHOR);
            const char *root, *ext;
            OK(epsos_item_get_id(a, EPSOS_F_ID, 0, &root, &ext));
            ck_assert_str_eq(ext, "DR-4");
            OK(epsos_item_child(&o, a, EPSOS_F_ORGANIZATION, 0));
            expect_text(o, EPSOS_F_ORGANIZATION_NAME, "Ordination Beispiel");

        }
        /* an eD answering each of them (for the kit: the whole product
         * model is copied), valid once the pharmacy has filled its part */
        epsos_doc *ed;
        epsos_item *d, *dp, *disp, *ad, *pn;
        OK(epsos_ed_from_ep(&ed, e, NULL, NULL, 0));
        d = dispense_of(ed);
        if (i == 2) {
            OK(epsos_item_child(&dp, d, EPSOS_F_PRODUCT, 0));
            check_kit(dp);
            OK(epsos_item_child(&dp, d, EPSOS_F_PRESCRIBED_PRODUCT, 0));
            check_kit(dp);
        }
        fill_ed_header(ed);
        OK(epsos_item_add_child(&disp, d, EPSOS_F_DISPENSER));
        OK(epsos_item_set_id(disp, EPSOS_F_ID, 0, "2.999.78.700", "PH-9"));
        OK(epsos_item_add_child(&ad, disp, EPSOS_F_ADDRESS));
        OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
        OK(epsos_item_set_telecom(disp, EPSOS_F_TELECOM, 0, "tel:+351-22-555-0100", "WP"));
        OK(epsos_item_add_child(&pn, disp, EPSOS_F_NAME));
        OK(epsos_item_set_text(pn, EPSOS_F_FAMILY, 0, "Farmaceutica"));
        OK(epsos_doc_set_sources(ed, test_id, test_clock, &c[i]));
        OK(epsos_doc_complete(ed, 0));
        snprintf(fed[i], sizeof fed[i], "%s/ed%d.xml", dir, i);
        OK(epsos_doc_save(ed, fed[i], 0));
        xsd_valid(fed[i]);
        snprintf(list + strlen(list), sizeof list - strlen(list), " '%s'", fed[i]);
        epsos_doc_free(ed);
        epsos_doc_free(back);
    }
    schematron_clean("ed", dir, list);
    bool keep = getenv("CHECK_EP_KEEP") != NULL;
    for (int i = 0; i < 4; i++) {
        if (!keep) {
            unlink(f[i]);
            unlink(fed[i]);
        }
        epsos_doc_free(eps[i]);
    }
    if (keep)
        printf("kept %s\n", dir);
    else
        rmdir(dir);
}
END_TEST

/* eP level 1 (template 1.1.6): the header of an eP with the PDF rendering
 * as its body, built like the PS L1; the corpus eP L1 reads its PDF. */
static const char pdf_bytes[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";

START_TEST(test_ep_l1)
{
    unsigned c = 0;
    epsos_doc *doc = open_header("ep-header.xml", &c), *back;
    epsos_item *h;
    size_t plen = sizeof pdf_bytes - 1, len = 0, n = 9;
    uint8_t *pdf = NULL;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_set_id(h, EPSOS_F_TEMPLATE_ID, 0, "1.3.6.1.4.1.12559.11.10.1.3.1.1.6", NULL));
    ck_assert_int_eq(epsos_doc_set_pdf(doc, (const uint8_t *)"GIF89a", 6), EPSOS_EVALUE);
    OK(epsos_doc_set_pdf(doc, (const uint8_t *)pdf_bytes, plen));
    ck_assert_int_eq(epsos_doc_kind(doc), EPSOS_DOC_EP_L1);
    OK(epsos_doc_complete(doc, 0));
    char dir[] = "/tmp/check_ep_l1.XXXXXX", f[64], cmd[9000];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(f, sizeof f, "%s/l1.xml", dir);
    OK(epsos_doc_save(doc, f, 0));
    xsd_valid(f);
    snprintf(cmd, sizeof cmd, "'%s/tools/schematron/ehdsi-validate' --kind ep-l1 -q --no-info "
             "'%s' > '%s/out.txt' 2>&1", shared, f, dir);
    int st = system(cmd);
    ck_assert_msg(st == 0, "ehdsi-validate --kind ep-l1 reports errors (status %d), see %s", st, dir);
    /* the L1 rules applied (they only do with templateId 1.1.6): no
     * "expected to have" warning either */
    char out[4096] = "", of[200];
    snprintf(of, sizeof of, "%s/out.txt", dir);
    FILE *fp = fopen(of, "r");
    ck_assert_ptr_nonnull(fp);
    out[fread(out, 1, sizeof out - 1, fp)] = '\0';
    fclose(fp);
    ck_assert_msg(strstr(out, "0 errors, 0 warnings"), "ehdsi-validate --kind ep-l1: %s", out);
    OK(epsos_doc_parse_file(&back, ctx, f, 0));
    ck_assert_int_eq(epsos_doc_kind(back), EPSOS_DOC_EP_L1);
    OK(epsos_doc_header(&h, back));
    OK(epsos_item_count(h, EPSOS_F_SECTION, &n));
    ck_assert_uint_eq(n, 0);
    OK(epsos_doc_get_pdf(&pdf, &len, back));
    ck_assert_uint_eq(len, plen);
    ck_assert_int_eq(memcmp(pdf, pdf_bytes, plen), 0);
    epsos_free(pdf);
    epsos_doc_free(back);
    snprintf(cmd, sizeof cmd, "%s/out.txt", dir);
    unlink(cmd);
    unlink(f);
    rmdir(dir);
    epsos_doc_free(doc);

    /* the corpus eP L1 (legacy epSOS, eP templateId and a PDF body) */
    char path[4200];
    struct stat sb;
    snprintf(path, sizeof path, "%s/corpus/samples/khypponen-openncp/ep/EP.6.1.1.PDF.xml", shared);
    if (stat(path, &sb) != 0)
        return;
    OK(epsos_doc_parse_file(&back, ctx, path, 0));
    ck_assert_int_eq(epsos_doc_kind(back), EPSOS_DOC_EP_L1);
    OK(epsos_doc_get_pdf(&pdf, &len, back));
    ck_assert_uint_gt(len, 1000);
    ck_assert_int_eq(memcmp(pdf, "%PDF-", 5), 0);
    epsos_free(pdf);
    epsos_doc_free(back);
}
END_TEST

/* A prescription section of a parsed legacy (epSOS) eP reads onto the same
 * fields: the product through the epsos: alternate paths. */
START_TEST(test_legacy_ep)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/corpus/samples/khypponen-openncp/schPassed/"
             "ePrescription-pivot.xml", shared);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;                                   /* corpus absent: covered elsewhere */
    epsos_doc *doc;
    epsos_item *h, *s, *e, *p, *ing;
    OK(epsos_doc_parse_file(&doc, ctx, path, 0));
    ck_assert_int_eq(epsos_doc_generation(doc), EPSOS_GEN_EPSOS);
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    ck_assert_int_eq(epsos_item_kind(s), EPSOS_KIND_EP_SECTION);
    OK(epsos_item_child(&e, s, EPSOS_F_PRESCRIPTION, 0));
    OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
    const char *c = NULL;
    OK(epsos_item_get_code(p, EPSOS_F_DOSE_FORM, 0, &c, NULL, NULL));
    ck_assert_ptr_nonnull(c);
    OK(epsos_item_child(&ing, p, EPSOS_F_INGREDIENT, 0));
    OK(epsos_item_get_code(ing, EPSOS_F_SUBSTANCE, 0, &c, NULL, NULL));
    ck_assert_ptr_nonnull(c);
    size_t n = 9;
    OK(epsos_item_count(p, EPSOS_F_MANUFACTURER, &n));
    ck_assert_uint_eq(n, 0);
    epsos_doc_free(doc);

    /* the legacy marketing authorisation holder reads as the manufacturer
     * (the same document with one added after manufacturedMaterial) */
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    char *buf = malloc((size_t)sb.st_size + 1024), *out = malloc((size_t)sb.st_size + 1024);
    size_t len = fread(buf, 1, (size_t)sb.st_size, fp);
    fclose(fp);
    buf[len] = '\0';
    char *at = strstr(buf, "</manufacturedMaterial>");
    ck_assert_ptr_nonnull(at);
    at += strlen("</manufacturedMaterial>");
    int k = snprintf(out, (size_t)sb.st_size + 1024, "%.*s<epsos:marketingAuthorizationHolder "
                     "xmlns:epsos=\"urn:epsos-org:ep:medication\" classCode=\"ORG\" "
                     "determinerCode=\"INSTANCE\"><epsos:id root=\"2.999.78.1004\" "
                     "extension=\"MAH-3\"/><epsos:name>Example Pharma GmbH</epsos:name>"
                     "</epsos:marketingAuthorizationHolder>%s", (int)(at - buf), buf, at);
    epsos_item *m;
    const char *root, *ext;
    OK(epsos_doc_parse(&doc, ctx, (const uint8_t *)out, (size_t)k, 0));
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&e, s, EPSOS_F_PRESCRIPTION, 0));
    OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
    OK(epsos_item_child(&m, p, EPSOS_F_MANUFACTURER, 0));
    ck_assert_int_eq(epsos_item_kind(m), EPSOS_KIND_MANUFACTURER);
    expect_text(m, EPSOS_F_ORGANIZATION_NAME, "Example Pharma GmbH");
    OK(epsos_item_get_id(m, EPSOS_F_ID, 0, &root, &ext));
    ck_assert_str_eq(ext, "MAH-3");
    /* ... and an eD started from it writes it in the current generation */
    epsos_doc *ed;
    uint8_t *xml;
    size_t xlen;
    OK(epsos_ed_from_ep(&ed, e, "1", NULL, 0));
    OK(epsos_doc_serialize(&xml, &xlen, ed, 0));
    ck_assert_ptr_nonnull(strstr((const char *)xml, "<manufacturerOrganization><id root=\"2.999.78.1004\" "
                                 "extension=\"MAH-3\"/><name>Example Pharma GmbH</name>"));
    epsos_free(xml);
    epsos_doc_free(ed);
    epsos_doc_free(doc);
    free(buf);
    free(out);
}
END_TEST


/* The header of a built eD: author (pharmacist), custodian, legal
 * authenticator and the document's own fields. */
static void fill_ed_header(epsos_doc *doc)
{
    epsos_item *h, *a, *o, *n, *ad, *l;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_set_id(h, EPSOS_F_ID, 0, "2.999.78.900", "ED-FROM-EP"));
    OK(epsos_item_set_text(h, EPSOS_F_TITLE, 0, "eDispensation"));
    OK(epsos_item_set_time(h, EPSOS_F_EFFECTIVE_TIME, 0, "20261126100000+0000"));
    OK(epsos_item_set_code(h, EPSOS_F_CONFIDENTIALITY, 0, "N", "2.16.840.1.113883.5.25", "normal"));
    OK(epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "en-GB"));
    OK(epsos_item_add_child(&a, h, EPSOS_F_AUTHOR));
    OK(epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "2262", "2.16.840.1.113883.2.9.6.2.7",
                           "Pharmacists"));
    OK(epsos_item_set_time(a, EPSOS_F_TIME, 0, "20261126100000+0000"));
    OK(epsos_item_set_id(a, EPSOS_F_ID, 0, "2.999.78.700", "PH-9"));
    OK(epsos_item_add_child(&ad, a, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_CITY, 0, "Porto"));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
    OK(epsos_item_set_telecom(a, EPSOS_F_TELECOM, 0, "tel:+351-22-555-0100", "WP"));
    OK(epsos_item_add_child(&n, a, EPSOS_F_NAME));
    OK(epsos_item_set_text(n, EPSOS_F_GIVEN, 0, "Rita"));
    OK(epsos_item_set_text(n, EPSOS_F_FAMILY, 0, "Farmaceutica"));
    OK(epsos_item_add_child(&o, a, EPSOS_F_ORGANIZATION));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.78.701", NULL));
    OK(epsos_item_set_text(o, EPSOS_F_ORGANIZATION_NAME, 0, "Farmacia Exemplo"));
    OK(epsos_item_set_telecom(o, EPSOS_F_TELECOM, 0, "tel:+351-22-555-0101", "WP"));
    OK(epsos_item_add_child(&ad, o, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_CITY, 0, "Porto"));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
    OK(epsos_item_add_child(&o, h, EPSOS_F_CUSTODIAN));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.78.702", NULL));
    OK(epsos_item_set_text(o, EPSOS_F_ORGANIZATION_NAME, 0, "Servico Nacional de Exemplo"));
    OK(epsos_item_set_telecom(o, EPSOS_F_TELECOM, 0, "tel:+351-21-555-1000", "WP"));
    OK(epsos_item_add_child(&ad, o, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_CITY, 0, "Lisboa"));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
    OK(epsos_item_add_child(&l, h, EPSOS_F_LEGAL_AUTHENTICATOR));
    OK(epsos_item_set_time(l, EPSOS_F_TIME, 0, "20261126100000+0000"));
    OK(epsos_item_set_text(l, EPSOS_F_SIGNATURE_CODE, 0, "S"));
    OK(epsos_item_set_id(l, EPSOS_F_ID, 0, "2.999.78.700", "PH-9"));
    OK(epsos_item_add_child(&ad, l, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
    OK(epsos_item_set_telecom(l, EPSOS_F_TELECOM, 0, "tel:+351-22-555-0100", "WP"));
    OK(epsos_item_add_child(&n, l, EPSOS_F_NAME));
    OK(epsos_item_set_text(n, EPSOS_F_GIVEN, 0, "Rita"));
    OK(epsos_item_set_text(n, EPSOS_F_FAMILY, 0, "Farmaceutica"));
    OK(epsos_item_add_child(&o, l, EPSOS_F_ORGANIZATION));
    OK(epsos_item_set_id(o, EPSOS_F_ID, 0, "2.999.78.701", NULL));
    OK(epsos_item_set_text(o, EPSOS_F_ORGANIZATION_NAME, 0, "Farmacia Exemplo"));
    OK(epsos_item_set_telecom(o, EPSOS_F_TELECOM, 0, "tel:+351-22-555-0101", "WP"));
    OK(epsos_item_add_child(&ad, o, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
}

static epsos_item *dispense_of(epsos_doc *ed)
{
    epsos_item *h, *s, *d;
    OK(epsos_doc_header(&h, ed));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&d, s, EPSOS_F_DISPENSE, 0));
    return d;
}

static void refused(epsos_item *rx, const char *q, const char *unit, uint32_t flags,
                    const char *words)
{
    epsos_doc *ed = (epsos_doc *)1;
    int rc = epsos_ed_from_ep(&ed, rx, q, unit, flags);
    ck_assert_msg(rc == EPSOS_EVALUE, "quantity %s unit %s flags %u: %d", q ? q : "NULL",
                  unit ? unit : "NULL", flags, rc);
    ck_assert_ptr_null(ed);
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), words), "message: %s", epsos_ctx_errmsg(ctx));
    const char *loc = epsos_ctx_errloc(ctx);
    ck_assert_msg(loc && strstr(loc, "substanceAdministration"), "location: %s", loc);
}

START_TEST(test_ed_from_ep)
{
    unsigned c = 0, c2 = 0;
    epsos_doc *ep = build_ep(&c, 0, "N"), *ep2 = build_ep(&c2, 1, NULL);
    uint8_t *buf;
    size_t len;
    epsos_doc *back, *back2, *ed;
    epsos_item *h, *s, *rx, *rx2, *d, *p;
    OK(epsos_doc_serialize(&buf, &len, ep, 0));
    OK(epsos_doc_parse(&back, ctx, buf, len, 0));
    epsos_free(buf);
    OK(epsos_doc_serialize(&buf, &len, ep2, 0));
    OK(epsos_doc_parse(&back2, ctx, buf, len, 0));
    epsos_free(buf);
    OK(epsos_doc_header(&h, back));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&rx, s, EPSOS_F_PRESCRIPTION, 0));
    OK(epsos_doc_header(&h, back2));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&rx2, s, EPSOS_F_PRESCRIPTION, 0));

    /* refusals: 2 packages prescribed, substitution N */
    refused(rx, "3", NULL, 0, "exceeds");
    refused(rx, "abc", NULL, 0, "not a number");
    refused(rx, "-1", NULL, 0, "positive");
    refused(rx, "0", NULL, 0, "positive");
    refused(rx, "1", "mg", 0, "unit");
    refused(rx, "1", NULL, EPSOS_ED_SUBSTITUTED, "forbids");
    epsos_doc *none = (epsos_doc *)1;
    ck_assert_int_eq(epsos_ed_from_ep(&none, h, "1", NULL, 0), EPSOS_EINVAL);
    ck_assert_ptr_null(none);

    /* the prescription without substitution code allows a substitute */
    OK(epsos_ed_from_ep(&ed, rx2, "1", "1", EPSOS_ED_SUBSTITUTED));
    d = dispense_of(ed);
    size_t n = 0;
    OK(epsos_item_count(d, EPSOS_F_SUBSTITUTION, &n));
    ck_assert_uint_eq(n, 1);
    OK(epsos_item_child(&p, d, EPSOS_F_PRODUCT, 0));
    OK(epsos_item_set_text(p, EPSOS_F_PRODUCT_NAME, 0, "Atorvastatin Generic 20 mg"));
    epsos_doc_free(ed);
    /* a number of packages prescribed that cannot be understood refuses
     * the dispensing (it is never read as "no limit") */
    OK(epsos_item_set_attr(rx2, EPSOS_F_PACKAGES, 0, "value", "abc"));
    refused(rx2, "1", NULL, 0, "\"abc\" is not a number");
    OK(epsos_item_set_attr(rx2, EPSOS_F_PACKAGES, 0, "value", "2"));
    OK(epsos_item_set_attr(rx2, EPSOS_F_PACKAGES, 0, "unit", "furlong"));
    refused(rx2, "1", NULL, 0, "unit \"furlong\"");
    OK(epsos_item_set_quantity(rx2, EPSOS_F_PACKAGES, 0, "-2", "1"));
    refused(rx2, "1", NULL, 0, "expected a positive number");
    OK(epsos_item_set_quantity(rx2, EPSOS_F_PACKAGES, 0, "0", "1"));
    refused(rx2, NULL, NULL, 0, "expected a positive number");
    OK(epsos_item_set_quantity(rx2, EPSOS_F_PACKAGES, 0, "2", "1"));
    OK(epsos_ed_from_ep(&ed, rx2, "2", NULL, 0));
    epsos_doc_free(ed);
    /* a product without name and code cannot be dispensed */
    OK(epsos_item_child(&p, rx2, EPSOS_F_PRODUCT, 0));
    OK(epsos_item_remove(p, EPSOS_F_PRODUCT_NAME, 0));
    OK(epsos_item_remove(p, EPSOS_F_PRODUCT_CODE, 0));
    refused(rx2, "1", NULL, 0, "neither a name nor a code");
    /* a prescription without product is refused */
    OK(epsos_item_remove(rx2, EPSOS_F_PRODUCT, 0));
    refused(rx2, "1", NULL, 0, "no product");

    /* default quantity: what was prescribed; the eD is valid once the
     * pharmacy has filled its part */
    OK(epsos_ed_from_ep(&ed, rx, NULL, NULL, 0));
    d = dispense_of(ed);
    expect_q(d, EPSOS_F_QUANTITY, "2", "1");
    const char *root, *ext;
    OK(epsos_item_get_id(d, EPSOS_F_PRESCRIPTION_ID, 0, &root, &ext));
    ck_assert_str_eq(ext, "RX-1.1");
    OK(epsos_doc_header(&h, ed));
    OK(epsos_item_get_id(h, EPSOS_F_ORDER_ID, 0, &root, &ext));
    ck_assert_str_eq(ext, "RX-1.1");
    OK(epsos_item_child(&p, d, EPSOS_F_PRODUCT, 0));
    check_product(p, "Atorvastatin Example 20 mg");
    OK(epsos_item_child(&p, d, EPSOS_F_PRESCRIBED_PRODUCT, 0));
    check_product(p, "Atorvastatin Example 20 mg");
    epsos_item *pat, *nm;
    const char *fam = NULL;
    OK(epsos_item_child(&pat, h, EPSOS_F_PATIENT, 0));
    OK(epsos_item_child(&nm, pat, EPSOS_F_NAME, 0));
    OK(epsos_item_get_text(nm, EPSOS_F_FAMILY, 1, &fam));
    ck_assert_str_eq(fam, "Ficção");

    epsos_item *disp, *ad, *pn;
    fill_ed_header(ed);
    OK(epsos_item_add_child(&disp, d, EPSOS_F_DISPENSER));
    OK(epsos_item_set_id(disp, EPSOS_F_ID, 0, "2.999.78.700", "PH-9"));
    OK(epsos_item_add_child(&ad, disp, EPSOS_F_ADDRESS));
    OK(epsos_item_set_text(ad, EPSOS_F_COUNTRY, 0, "PT"));
    OK(epsos_item_set_telecom(disp, EPSOS_F_TELECOM, 0, "tel:+351-22-555-0100", "WP"));
    OK(epsos_item_add_child(&pn, disp, EPSOS_F_NAME));
    OK(epsos_item_set_text(pn, EPSOS_F_FAMILY, 0, "Farmaceutica"));
    OK(epsos_doc_set_sources(ed, test_id, test_clock, &c));
    OK(epsos_doc_complete(ed, 0));
    char dir[] = "/tmp/check_ed.XXXXXX", f[64], q[80];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(f, sizeof f, "%s/ed.xml", dir);
    OK(epsos_doc_save(ed, f, 0));
    xsd_valid(f);
    snprintf(q, sizeof q, "'%s'", f);
    schematron_clean("ed", dir, q);
    unlink(f);
    rmdir(dir);

    epsos_doc_free(ed);
    epsos_doc_free(back);
    epsos_doc_free(back2);
    epsos_doc_free(ep);
    epsos_doc_free(ep2);
}
END_TEST

/* An eD started from every prescription of every corpus eP (both
 * generations) refers to it: ids equal, product copied. */
static size_t g_eps, g_eds;

static void ed_for_corpus_ep(const char *path)
{
    epsos_doc *ep;
    epsos_item *h, *s, *rx, *d, *pp, *dp;
    if (epsos_doc_parse_file(&ep, ctx, path, 0) != EPSOS_OK)
        return;
    if (epsos_doc_kind(ep) != EPSOS_DOC_EP) {
        epsos_doc_free(ep);
        return;
    }
    g_eps++;
    size_t ns = 0;
    OK(epsos_doc_header(&h, ep));
    OK(epsos_item_count(h, EPSOS_F_SECTION, &ns));
    for (size_t i = 0; i < ns; i++) {
        OK(epsos_item_child(&s, h, EPSOS_F_SECTION, i));
        if (epsos_item_kind(s) != EPSOS_KIND_EP_SECTION)
            continue;
        size_t nrx = 0;
        OK(epsos_item_count(s, EPSOS_F_PRESCRIPTION, &nrx));
        for (size_t j = 0; j < nrx; j++) {
            OK(epsos_item_child(&rx, s, EPSOS_F_PRESCRIPTION, j));
            size_t np = 0;
            OK(epsos_item_count(rx, EPSOS_F_PACKAGES, &np));
            const char *pv = NULL;
            if (np)
                epsos_item_get_quantity(rx, EPSOS_F_PACKAGES, 0, &pv, NULL);
            epsos_doc *ed;
            int rc = epsos_ed_from_ep(&ed, rx, pv && atof(pv) > 0 ? NULL : "1", NULL, 0);
            ck_assert_msg(rc == EPSOS_OK, "%s: %s (%s)", path, epsos_ctx_errmsg(ctx),
                          epsos_ctx_errloc(ctx));
            g_eds++;
            d = dispense_of(ed);
            const char *r1, *e1, *r2, *e2, *n1 = NULL, *n2 = NULL;
            OK(epsos_item_get_id(rx, EPSOS_F_ID, 0, &r1, &e1));
            OK(epsos_item_get_id(d, EPSOS_F_PRESCRIPTION_ID, 0, &r2, &e2));
            ck_assert_str_eq(r1, r2);
            ck_assert_msg((e1 == NULL) == (e2 == NULL) && (!e1 || !strcmp(e1, e2)), "%s", path);
            OK(epsos_item_child(&pp, rx, EPSOS_F_PRODUCT, 0));
            OK(epsos_item_child(&dp, d, EPSOS_F_PRESCRIBED_PRODUCT, 0));
            epsos_item_get_text(pp, EPSOS_F_PRODUCT_NAME, 0, &n1);
            epsos_item_get_text(dp, EPSOS_F_PRODUCT_NAME, 0, &n2);
            ck_assert_msg((n1 == NULL) == (n2 == NULL) && (!n1 || !strcmp(n1, n2)), "%s", path);
            size_t i1 = 0, i2 = 0;
            OK(epsos_item_count(pp, EPSOS_F_INGREDIENT, &i1));
            OK(epsos_item_count(dp, EPSOS_F_INGREDIENT, &i2));
            ck_assert_uint_eq(i1, i2);
            for (size_t k = 0; k < i1; k++) {
                epsos_item *a, *b;
                const char *ca = NULL, *cb = NULL;
                OK(epsos_item_child(&a, pp, EPSOS_F_INGREDIENT, k));
                OK(epsos_item_child(&b, dp, EPSOS_F_INGREDIENT, k));
                epsos_item_get_code(a, EPSOS_F_SUBSTANCE, 0, &ca, NULL, NULL);
                epsos_item_get_code(b, EPSOS_F_SUBSTANCE, 0, &cb, NULL, NULL);
                ck_assert_msg((ca == NULL) == (cb == NULL) && (!ca || !strcmp(ca, cb)), "%s", path);
            }
            epsos_doc_free(ed);
        }
    }
    epsos_doc_free(ep);
}

static int visit(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t l = strlen(path);
    if (type == FTW_F && l > 4 && !strcmp(path + l - 4, ".xml"))
        ed_for_corpus_ep(path);
    return 0;
}

START_TEST(test_ed_from_corpus_ep)
{
    char dir[4200];
    const char *env = getenv("EPSOS_CORPUS");
    snprintf(dir, sizeof dir, "%s/samples", env && *env ? env : "");
    if (!env || !*env)
        snprintf(dir, sizeof dir, "%s/corpus/samples", shared);
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return;
    g_eps = g_eds = 0;
    ck_assert_int_eq(nftw(dir, visit, 16, FTW_PHYS), 0);
    printf("corpus: %zu eP documents, %zu eD started from their prescriptions\n", g_eps, g_eds);
    ck_assert_uint_gt(g_eds, 10);
}
END_TEST

/* ---- epsos_item_copy ------------------------------------------------------ */

static void same_str(const char *x, const char *y, const char *where, const char *field,
                     size_t i, const char *what)
{
    ck_assert_msg((!x && !y) || (x && y && !strcmp(x, y)), "%s: field %s[%zu] %s: \"%s\" vs "
                  "\"%s\"", where, field, i, what, x ? x : "(none)", y ? y : "(none)");
}

/* a and b hold the same values, read through the public API: every field
 * but the narrative links, every occurrence, value parts, nullFlavor,
 * codeSystemName and translations; nested items alike. */
static void same_item(epsos_item *a, epsos_item *b, const char *where)
{
    int32_t k = epsos_item_kind(a);
    ck_assert_int_eq(k, epsos_item_kind(b));
    for (size_t j = 0; j < epsos_kind_field_count(k); j++) {
        int32_t f = epsos_kind_field_at(k, j), t = epsos_field_type(k, f);
        const char *fn = epsos_field_name(f);
        if (f == EPSOS_F_TEXT_REFERENCE || f == EPSOS_F_NARRATIVE)
            continue;
        size_t na = 0, nb = 0;
        OK(epsos_item_count(a, f, &na));
        OK(epsos_item_count(b, f, &nb));
        ck_assert_msg(na == nb, "%s: field %s: %zu vs %zu occurrences", where, fn, na, nb);
        for (size_t i = 0; i < na; i++) {
            const char *x[4] = { NULL }, *y[4] = { NULL };
            OK(epsos_item_get_null_flavor(a, f, i, &x[3]));
            OK(epsos_item_get_null_flavor(b, f, i, &y[3]));
            same_str(x[3], y[3], where, fn, i, "nullFlavor");
            switch (t) {
            case EPSOS_T_TEXT: case EPSOS_T_CS:
                OK(epsos_item_get_text(a, f, i, &x[0]));
                OK(epsos_item_get_text(b, f, i, &y[0]));
                break;
            case EPSOS_T_CD: {
                size_t ta = 0, tb = 0;
                OK(epsos_item_get_attr(a, f, i, "codeSystemName", &x[0]));
                OK(epsos_item_get_attr(b, f, i, "codeSystemName", &y[0]));
                same_str(x[0], y[0], where, fn, i, "codeSystemName");
                OK(epsos_item_translation_count(a, f, i, &ta));
                OK(epsos_item_translation_count(b, f, i, &tb));
                ck_assert_msg(ta == tb, "%s: field %s[%zu]: %zu vs %zu translations", where, fn,
                              i, ta, tb);
                for (size_t u = 0; u < ta; u++) {
                    OK(epsos_item_get_translation(a, f, i, u, &x[0], &x[1], &x[2]));
                    OK(epsos_item_get_translation(b, f, i, u, &y[0], &y[1], &y[2]));
                    for (int v = 0; v < 3; v++)
                        same_str(x[v], y[v], where, fn, i, "translation");
                }
                OK(epsos_item_get_code(a, f, i, &x[0], &x[1], &x[2]));
                OK(epsos_item_get_code(b, f, i, &y[0], &y[1], &y[2]));
                break;
            }
            case EPSOS_T_II:
                OK(epsos_item_get_id(a, f, i, &x[0], &x[1]));
                OK(epsos_item_get_id(b, f, i, &y[0], &y[1]));
                break;
            case EPSOS_T_TS:
                OK(epsos_item_get_time(a, f, i, &x[0]));
                OK(epsos_item_get_time(b, f, i, &y[0]));
                break;
            case EPSOS_T_PQ:
                OK(epsos_item_get_quantity(a, f, i, &x[0], &x[1]));
                OK(epsos_item_get_quantity(b, f, i, &y[0], &y[1]));
                break;
            case EPSOS_T_TEL:
                OK(epsos_item_get_telecom(a, f, i, &x[0], &x[1]));
                OK(epsos_item_get_telecom(b, f, i, &y[0], &y[1]));
                break;
            case EPSOS_T_ITEM: {
                epsos_item *ca, *cb;
                char sub[512];
                OK(epsos_item_child(&ca, a, f, i));
                OK(epsos_item_child(&cb, b, f, i));
                snprintf(sub, sizeof sub, "%s/%s[%zu]", where, fn, i);
                same_item(ca, cb, sub);
                break;
            }
            default:
                ck_abort_msg("%s: field %s: datatype %d", where, fn, (int)t);
            }
            for (int v = 0; v < 3; v++)
                same_str(x[v], y[v], where, fn, i, "value");
        }
    }
}

static size_t count_of(epsos_item *it, int32_t f)
{
    size_t n = 99;
    OK(epsos_item_count(it, f, &n));
    return n;
}

/* A new eD's dispensation (section and item made, nothing else). */
static epsos_item *new_dispense(epsos_doc **ed)
{
    epsos_item *s, *d;
    OK(epsos_doc_new(ed, ctx, EPSOS_DOC_ED));
    OK(epsos_doc_add_section(&s, *ed, EPSOS_KIND_ED_SECTION));
    OK(epsos_item_add_child(&d, s, EPSOS_F_DISPENSE));
    return d;
}

static bool has_bytes(const uint8_t *buf, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(buf + i, s, n))
            return true;
    return false;
}

static void copy_refused(epsos_item *dst, const epsos_item *src, int32_t f, int code,
                         const char *words)
{
    int rc = epsos_item_copy(dst, src, f);
    ck_assert_msg(rc == code, "epsos_item_copy(field %d): %d, expected %d (%s)", (int)f, rc,
                  code, epsos_ctx_errmsg(ctx));
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), words), "message: %s", epsos_ctx_errmsg(ctx));
}

START_TEST(test_item_copy)
{
    unsigned c = 0;
    epsos_doc *ep = build_ep_more(&c, 2), *ed, *back;
    epsos_item *h, *s, *e, *p, *d, *to, *pp, *o1, *o2, *part;
    OK(epsos_doc_header(&h, ep));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&e, s, EPSOS_F_PRESCRIPTION, 0));
    OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
    /* what a plain value copy would lose: codeSystemName, translations, a
     * coded value that is only a nullFlavor with a translation, a
     * nullFlavor on a nested item */
    OK(epsos_item_set_attr(p, EPSOS_F_DOSE_FORM, 0, "codeSystemName", "EDQM"));
    OK(epsos_item_add_translation(p, EPSOS_F_DOSE_FORM, 0, "T1", "2.999.78.2000", "Tablette"));
    OK(epsos_item_add_translation(p, EPSOS_F_DOSE_FORM, 0, "T2", "2.999.78.2000", NULL));
    size_t nc = count_of(p, EPSOS_F_CLASSIFICATION);
    OK(epsos_item_set_null_flavor(p, EPSOS_F_CLASSIFICATION, nc, "OTH"));
    OK(epsos_item_add_translation(p, EPSOS_F_CLASSIFICATION, nc, "L-7", "2.999.78.3000", "local"));
    ck_assert_uint_gt(count_of(p, EPSOS_F_PART), 0);
    OK(epsos_item_child(&part, p, EPSOS_F_PART, 0));
    OK(epsos_item_add_child(&o1, part, EPSOS_F_OUTER_PACKAGE));
    OK(epsos_item_set_attr(part, EPSOS_F_OUTER_PACKAGE, 0, "nullFlavor", "UNK"));

    /* the whole product into another document, also once saved and read */
    d = new_dispense(&ed);
    OK(epsos_item_add_child(&to, d, EPSOS_F_PRODUCT));
    OK(epsos_item_copy(to, p, 0));
    same_item(to, p, "product");
    ck_assert_uint_gt(count_of(to, EPSOS_F_PART), 1);
    uint8_t *buf;
    size_t len;
    OK(epsos_doc_serialize(&buf, &len, ed, 0));
    OK(epsos_doc_parse(&back, ctx, buf, len, 0));
    epsos_free(buf);
    epsos_item *bd = dispense_of(back), *bp;
    OK(epsos_item_child(&bp, bd, EPSOS_F_PRODUCT, 0));
    same_item(bp, p, "product (saved)");
    epsos_doc_free(back);

    /* one field: appended after what dst has */
    OK(epsos_item_add_child(&pp, d, EPSOS_F_PRESCRIBED_PRODUCT));
    OK(epsos_item_copy(pp, p, EPSOS_F_CLASSIFICATION));
    ck_assert_uint_eq(count_of(pp, EPSOS_F_CLASSIFICATION), nc + 1);
    ck_assert_uint_eq(count_of(pp, EPSOS_F_PRODUCT_NAME), 0);
    ck_assert_uint_eq(count_of(pp, EPSOS_F_PART), 0);
    OK(epsos_item_copy(pp, p, EPSOS_F_CLASSIFICATION));
    ck_assert_uint_eq(count_of(pp, EPSOS_F_CLASSIFICATION), 2 * (nc + 1));

    /* refusals, each naming what is wrong */
    copy_refused(to, p, EPSOS_F_PRODUCT_NAME, EPSOS_EINVAL, "product_name");
    ck_assert_msg(strstr(epsos_ctx_errloc(ctx), "manufacturedProduct"), "location: %s",
                  epsos_ctx_errloc(ctx));
    copy_refused(d, p, 0, EPSOS_ETYPE, "product");
    copy_refused(d, p, EPSOS_F_PRODUCT_NAME, EPSOS_ETYPE, "dispensation");
    copy_refused(to, p, EPSOS_F_BIRTH_TIME, EPSOS_ETYPE, "no field");
    copy_refused(to, to, 0, EPSOS_EINVAL, "same item");
    if (count_of(to, EPSOS_F_OUTER_PACKAGE) == 0)
        OK(epsos_item_add_child(&o1, to, EPSOS_F_OUTER_PACKAGE));
    OK(epsos_item_child(&o1, to, EPSOS_F_OUTER_PACKAGE, 0));
    if (count_of(o1, EPSOS_F_OUTER_PACKAGE) == 0)
        OK(epsos_item_add_child(&o2, o1, EPSOS_F_OUTER_PACKAGE));
    OK(epsos_item_child(&o2, o1, EPSOS_F_OUTER_PACKAGE, 0));
    copy_refused(o2, o1, 0, EPSOS_EINVAL, "inside");
    ck_assert_int_eq(epsos_item_copy(NULL, p, 0), EPSOS_EINVAL);
    copy_refused(to, NULL, 0, EPSOS_EINVAL, "NULL");
    OK(epsos_item_remove(to, EPSOS_F_OUTER_PACKAGE, 0));
    copy_refused(pp, o1, 0, EPSOS_ENOTFOUND, "removed");
    epsos_doc_free(ed);

    /* from a document of another context whose value the writers refuse:
     * the error is on dst's context and names the field */
    epsos_ctx *other;
    epsos_doc *bad;
    char path[4200], text[16384];
    snprintf(path, sizeof path, "%s/ep/ep-header.xml", TEST_DATA);
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    size_t got = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[got] = '\0';
    char *bt = strstr(text, "<birthTime value=\"19700512\"/>");
    ck_assert_ptr_nonnull(bt);
    memcpy(bt, "<birthTime value=\"1970-5-12\"/> ", 30);
    OK(epsos_ctx_new(&other));
    ck_assert_int_eq(epsos_doc_parse(&bad, other, (const uint8_t *)text, got, 0), EPSOS_OK);
    epsos_item *bh, *bpat, *nh, *npat;
    ck_assert_int_eq(epsos_doc_header(&bh, bad), EPSOS_OK);
    ck_assert_int_eq(epsos_item_child(&bpat, bh, EPSOS_F_PATIENT, 0), EPSOS_OK);
    OK(epsos_doc_new(&ed, ctx, EPSOS_DOC_ED));
    OK(epsos_doc_header(&nh, ed));
    OK(epsos_item_add_child(&npat, nh, EPSOS_F_PATIENT));
    copy_refused(npat, bpat, 0, EPSOS_EVALUE, "birth_time");
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), "patient"), "message: %s", epsos_ctx_errmsg(ctx));
    ck_assert_msg(strstr(epsos_ctx_errloc(ctx), "patientRole"), "location: %s",
                  epsos_ctx_errloc(ctx));
    ck_assert_int_eq(epsos_ctx_errcode(other), EPSOS_OK);
    epsos_doc_free(ed);
    epsos_doc_free(bad);
    epsos_ctx_free(other);
    epsos_doc_free(ep);

    /* a legacy epSOS product is written in the current pharm model */
    const char *env = getenv("EPSOS_CORPUS");
    snprintf(path, sizeof path, "%s/samples/khypponen-openncp/samples/"
             "epSOS_RTD_eP_SK_Pivot_CDA_L3_001.xml",
             env && *env ? env : strcat(strcpy(text, shared), "/corpus"));
    epsos_doc *old;
    OK(epsos_doc_parse_file(&old, ctx, path, 0));
    ck_assert_int_eq(epsos_doc_generation(old), EPSOS_GEN_EPSOS);
    OK(epsos_doc_header(&h, old));
    OK(epsos_item_child(&s, h, EPSOS_F_SECTION, 0));
    OK(epsos_item_child(&e, s, EPSOS_F_PRESCRIPTION, 0));
    OK(epsos_item_child(&p, e, EPSOS_F_PRODUCT, 0));
    d = new_dispense(&ed);
    OK(epsos_item_add_child(&to, d, EPSOS_F_PRODUCT));
    OK(epsos_item_copy(to, p, 0));
    same_item(to, p, "legacy product");
    OK(epsos_doc_serialize(&buf, &len, ed, 0));
    ck_assert(has_bytes(buf, len, "urn:hl7-org:pharm"));
    ck_assert(!has_bytes(buf, len, "urn:epsos-org:ep:medication"));
    epsos_free(buf);
    /* and a prescription item with its further treatment period */
    epsos_item *s2, *e2;
    OK(epsos_doc_new(&back, ctx, EPSOS_DOC_EP));
    OK(epsos_doc_add_section(&s2, back, EPSOS_KIND_EP_SECTION));
    OK(epsos_item_add_child(&e2, s2, EPSOS_F_PRESCRIPTION));
    OK(epsos_item_copy(e2, e, 0));
    same_item(e2, e, "legacy prescription");
    ck_assert_uint_eq(count_of(e2, EPSOS_F_FURTHER_PERIOD), 1);
    epsos_doc_free(back);
    epsos_doc_free(ed);
    epsos_doc_free(old);
}
END_TEST

int main(void)
{
    shared_dir(shared, sizeof shared);
    if (schematron_ready(shared) != 0)
        return 77;
    Suite *su = suite_create("ep");
    TCase *tc = tcase_create("ep");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_build_ep_ed);
    tcase_add_test(tc, test_ed_needs_prescribed_product);
    tcase_add_test(tc, test_build_ep_more);
    tcase_add_test(tc, test_complete_fills_ep_ed);
    tcase_add_test(tc, test_ep_l1);
    tcase_add_test(tc, test_legacy_ep);
    tcase_add_test(tc, test_ed_from_ep);
    tcase_add_test(tc, test_ed_from_corpus_ep);
    tcase_add_test(tc, test_item_copy);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
