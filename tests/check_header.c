/* Tests of the template table on the CDA header: build every header field
 * through the generic item API, serialize, parse again and read every value
 * back; errors of the accessors; lossless parse -> serialize. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <check.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/c14n.h>
#include <epsos.h>

static epsos_ctx *ctx;

static void setup(void) { ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK); }
static void teardown(void) { epsos_ctx_free(ctx); ctx = NULL; }

#define OK(call) ck_assert_msg((call) == EPSOS_OK, "%s: %s (%s)", #call, \
                               epsos_ctx_errmsg(ctx), epsos_ctx_errloc(ctx))

/* Items of a header, found by walking children 0 (created by the builder). */
enum { H, P, PN, PA, PG, PGN, A, AN, AO, AOA, C, CA, L, LN, LO, K, KN, S, SS, NITEMS };
static const struct { int parent; int32_t field; } nav[NITEMS] = {
    [H] = { -1, 0 },
    [P] = { H, EPSOS_F_PATIENT },   [PN] = { P, EPSOS_F_NAME },   [PA] = { P, EPSOS_F_ADDRESS },
    [PG] = { P, EPSOS_F_GUARDIAN }, [PGN] = { PG, EPSOS_F_NAME },
    [A] = { H, EPSOS_F_AUTHOR },    [AN] = { A, EPSOS_F_NAME },   [AO] = { A, EPSOS_F_ORGANIZATION },
    [AOA] = { AO, EPSOS_F_ADDRESS },
    [C] = { H, EPSOS_F_CUSTODIAN }, [CA] = { C, EPSOS_F_ADDRESS },
    [L] = { H, EPSOS_F_LEGAL_AUTHENTICATOR }, [LN] = { L, EPSOS_F_NAME },
    [LO] = { L, EPSOS_F_ORGANIZATION },
    [K] = { H, EPSOS_F_CONTACT },   [KN] = { K, EPSOS_F_NAME },
    [S] = { H, EPSOS_F_SECTION },   [SS] = { S, EPSOS_F_SECTION },
};

/* What the test writes (deliberately not in document order). */
static const struct { int item; int32_t field; int32_t type; const char *a, *b, *c; } vals[] = {
    { H, EPSOS_F_LANGUAGE, EPSOS_T_CS, "pt-PT", NULL, NULL },
    { H, EPSOS_F_TITLE, EPSOS_T_TEXT, "Resumo <do> Paciente & \"mais\"", NULL, NULL },
    { H, EPSOS_F_ID, EPSOS_T_II, "2.999.5.1", "DOC-1", NULL },
    { H, EPSOS_F_EFFECTIVE_TIME, EPSOS_T_TS, "20261124103000+0000", NULL, NULL },
    { H, EPSOS_F_CONFIDENTIALITY, EPSOS_T_CD, "N", "2.16.840.1.113883.5.25", "normal" },
    { H, EPSOS_F_VERSION_NUMBER, EPSOS_T_TEXT, "2", NULL, NULL },
    { H, EPSOS_F_SET_ID, EPSOS_T_II, "6ba7b810-9dad-11d1-80b4-00c04fd430c8", NULL, NULL },
    { H, EPSOS_F_REALM, EPSOS_T_CS, "PT", NULL, NULL },
    { H, EPSOS_F_SERVICE_END, EPSOS_T_TS, "20261124", NULL, NULL },
    { H, EPSOS_F_SERVICE_START, EPSOS_T_TS, "2020", NULL, NULL },
    { H, EPSOS_F_PARENT_DOCUMENT_ID, EPSOS_T_II, "2.999.5.9", "NAT-1", NULL },
    { H, EPSOS_F_PARENT_DOCUMENT_ID, EPSOS_T_II, "2.999.5.9", "NAT-2", NULL },
    { P, EPSOS_F_COMM_LANGUAGE, EPSOS_T_CS, "pt-PT", NULL, NULL },
    { P, EPSOS_F_BIRTH_TIME, EPSOS_T_TS, "19700512", NULL, NULL },
    { P, EPSOS_F_GENDER, EPSOS_T_CD, "F", "2.16.840.1.113883.5.1", "Female" },
    { P, EPSOS_F_TELECOM, EPSOS_T_TEL, "tel:+351-21-555-0100", "HP", NULL },
    { P, EPSOS_F_ID, EPSOS_T_II, "2.999.5.2", "PT-1", NULL },
    { P, EPSOS_F_ID, EPSOS_T_II, "2.999.5.3", "EU-1", NULL },
    { P, EPSOS_F_COMM_LANGUAGE, EPSOS_T_CS, "en-GB", NULL, NULL },
    { PN, EPSOS_F_FAMILY, EPSOS_T_TEXT, "Ficção", NULL, NULL },
    { PN, EPSOS_F_GIVEN, EPSOS_T_TEXT, "Maria", NULL, NULL },
    { PN, EPSOS_F_GIVEN, EPSOS_T_TEXT, "Inês", NULL, NULL },
    { PN, EPSOS_F_USE, EPSOS_T_TEXT, "L", NULL, NULL },
    { PA, EPSOS_F_COUNTRY, EPSOS_T_TEXT, "PT", NULL, NULL },
    { PA, EPSOS_F_CITY, EPSOS_T_TEXT, "Lisboa", NULL, NULL },
    { PA, EPSOS_F_STREET, EPSOS_T_TEXT, "Rua das Flores 12", NULL, NULL },
    { PA, EPSOS_F_POSTAL_CODE, EPSOS_T_TEXT, "1200-195", NULL, NULL },
    { PG, EPSOS_F_CODE, EPSOS_T_CD, "MTH", "2.16.840.1.113883.5.111", "mother" },
    { PG, EPSOS_F_TELECOM, EPSOS_T_TEL, "tel:+351-91-555-0001", NULL, NULL },
    { PGN, EPSOS_F_FAMILY, EPSOS_T_TEXT, "Exemplo", NULL, NULL },
    { PGN, EPSOS_F_GIVEN, EPSOS_T_TEXT, "Rosa", NULL, NULL },
    { A, EPSOS_F_TIME, EPSOS_T_TS, "20261124100000+0000", NULL, NULL },
    { A, EPSOS_F_ID, EPSOS_T_II, "2.999.5.4", "HCP-1", NULL },
    { A, EPSOS_F_FUNCTION_CODE, EPSOS_T_CD, "221", "2.16.840.1.113883.2.9.6.2.7", "Medical doctors" },
    { A, EPSOS_F_TELECOM, EPSOS_T_TEL, "mailto:dr@example.org", "WP", NULL },
    { AN, EPSOS_F_FAMILY, EPSOS_T_TEXT, "Médico", NULL, NULL },
    { AN, EPSOS_F_PREFIX, EPSOS_T_TEXT, "Dr.", NULL, NULL },
    { AO, EPSOS_F_TELECOM, EPSOS_T_TEL, "tel:+351-21-555-0000", NULL, NULL },
    { AO, EPSOS_F_ORGANIZATION_NAME, EPSOS_T_TEXT, "Centro de Saúde", NULL, NULL },
    { AO, EPSOS_F_ID, EPSOS_T_II, "2.999.5.5", NULL, NULL },
    { AOA, EPSOS_F_COUNTRY, EPSOS_T_TEXT, "PT", NULL, NULL },
    { C, EPSOS_F_ORGANIZATION_NAME, EPSOS_T_TEXT, "Serviço Nacional", NULL, NULL },
    { C, EPSOS_F_ID, EPSOS_T_II, "2.999.5.6", NULL, NULL },
    { C, EPSOS_F_TELECOM, EPSOS_T_TEL, "tel:+351-21-555-1000", "WP", NULL },
    { CA, EPSOS_F_COUNTRY, EPSOS_T_TEXT, "PT", NULL, NULL },
    { L, EPSOS_F_SIGNATURE_CODE, EPSOS_T_CS, "S", NULL, NULL },
    { L, EPSOS_F_ID, EPSOS_T_II, "2.999.5.4", "HCP-1", NULL },
    { L, EPSOS_F_TIME, EPSOS_T_TS, "20261124101500+0000", NULL, NULL },
    { LN, EPSOS_F_GIVEN, EPSOS_T_TEXT, "João", NULL, NULL },
    { LO, EPSOS_F_ID, EPSOS_T_II, "2.999.5.5", NULL, NULL },
    { K, EPSOS_F_CODE, EPSOS_T_CD, "DAU", "2.16.840.1.113883.5.111", "daughter" },
    { K, EPSOS_F_CLASS_CODE, EPSOS_T_TEXT, "NOK", NULL, NULL },
    { K, EPSOS_F_TELECOM, EPSOS_T_TEL, "tel:+351-91-555-0123", NULL, NULL },
    { KN, EPSOS_F_GIVEN, EPSOS_T_TEXT, "Ana", NULL, NULL },
    { S, EPSOS_F_TITLE, EPSOS_T_TEXT, "Alergias", NULL, NULL },
    { S, EPSOS_F_CODE, EPSOS_T_CD, "48765-2", "2.16.840.1.113883.6.1", "Allergies" },
    { S, EPSOS_F_TEMPLATE_ID, EPSOS_T_II, "1.3.6.1.4.1.12559.11.10.1.3.1.2.12", NULL, NULL },
    { SS, EPSOS_F_CODE, EPSOS_T_CD, "10160-0", "2.16.840.1.113883.6.1", NULL },
};
#define NVALS (sizeof vals / sizeof vals[0])

static int set_value(epsos_item *it, int32_t f, size_t idx, int32_t t, const char *a,
                     const char *b, const char *c)
{
    switch (t) {
    case EPSOS_T_TEXT: case EPSOS_T_CS: return epsos_item_set_text(it, f, idx, a);
    case EPSOS_T_CD: return epsos_item_set_code(it, f, idx, a, b, c);
    case EPSOS_T_II: return epsos_item_set_id(it, f, idx, a, b);
    case EPSOS_T_TS: return epsos_item_set_time(it, f, idx, a);
    case EPSOS_T_TEL: return epsos_item_set_telecom(it, f, idx, a, b);
    default: return -100;
    }
}

static void check_value(epsos_item *it, int32_t f, size_t idx, int32_t t, const char *a,
                        const char *b, const char *c)
{
    const char *x = NULL, *y = NULL, *z = NULL;
    int rc;
    switch (t) {
    case EPSOS_T_TEXT: case EPSOS_T_CS: rc = epsos_item_get_text(it, f, idx, &x); break;
    case EPSOS_T_CD: rc = epsos_item_get_code(it, f, idx, &x, &y, &z); break;
    case EPSOS_T_II: rc = epsos_item_get_id(it, f, idx, &x, &y); break;
    case EPSOS_T_TS: rc = epsos_item_get_time(it, f, idx, &x); break;
    case EPSOS_T_TEL: rc = epsos_item_get_telecom(it, f, idx, &x, &y); break;
    default: rc = -100;
    }
    ck_assert_msg(rc == EPSOS_OK, "%s.%s[%zu]: %s", epsos_item_path(it), epsos_field_name(f),
                  idx, epsos_ctx_errmsg(ctx));
    ck_assert_str_eq(x, a);
    if (b) ck_assert_str_eq(y, b); else ck_assert_ptr_null(y);
    if (t == EPSOS_T_CD) {
        if (c) ck_assert_str_eq(z, c); else ck_assert_ptr_null(z);
    }
}

static void get_items(epsos_doc *doc, epsos_item **it, bool create)
{
    OK(epsos_doc_header(&it[H], doc));
    for (int i = 1; i < NITEMS; i++) {
        if (create)
            OK(epsos_item_add_child(&it[i], it[nav[i].parent], nav[i].field));
        else
            OK(epsos_item_child(&it[i], it[nav[i].parent], nav[i].field, 0));
        /* the kind of the field, or a kind refining it (a section identified
         * by its code is read as its specific kind): every field of the
         * field's kind is a field of the item's kind, of the same type */
        int32_t k = epsos_item_kind(it[i]);
        int32_t fk = epsos_field_item_kind(epsos_item_kind(it[nav[i].parent]), nav[i].field);
        ck_assert_int_ne(k, 0);
        for (size_t j = 0; k != fk && j < epsos_kind_field_count(fk); j++) {
            int32_t f = epsos_kind_field_at(fk, j);
            ck_assert_int_eq(epsos_field_type(k, f), epsos_field_type(fk, f));
        }
    }
}

/* Occurrence index of vals[i] = number of earlier values of the same field. */
static size_t occ_index(size_t i)
{
    size_t n = 0;
    for (size_t j = 0; j < i; j++)
        n += vals[j].item == vals[i].item && vals[j].field == vals[i].field;
    return n;
}

static epsos_doc *build_full(void)
{
    epsos_doc *doc = NULL;
    epsos_item *it[NITEMS];
    OK(epsos_doc_new(&doc, ctx, EPSOS_DOC_PS));
    get_items(doc, it, true);
    for (size_t i = 0; i < NVALS; i++)
        ck_assert_msg(set_value(it[vals[i].item], vals[i].field, occ_index(i), vals[i].type,
                                vals[i].a, vals[i].b, vals[i].c) == EPSOS_OK,
                      "set %zu (%s): %s", i, epsos_field_name(vals[i].field), epsos_ctx_errmsg(ctx));
    return doc;
}

START_TEST(test_build_parse_read_back)
{
    epsos_doc *doc = build_full(), *again = NULL;
    uint8_t *xml = NULL;
    size_t len = 0;
    OK(epsos_doc_serialize(&xml, &len, doc, EPSOS_SERIALIZE_FORMAT));
    ck_assert_uint_gt(len, 1000);
    OK(epsos_doc_parse(&again, ctx, xml, len, 0));
    ck_assert_int_eq(epsos_doc_kind(again), EPSOS_DOC_PS);
    epsos_item *it[NITEMS];
    get_items(again, it, false);
    for (size_t i = 0; i < NVALS; i++)
        check_value(it[vals[i].item], vals[i].field, occ_index(i), vals[i].type, vals[i].a,
                    vals[i].b, vals[i].c);
    /* each field has exactly as many occurrences as were written */
    for (size_t i = 0; i < NVALS; i++) {
        size_t n = 0, want = 0;
        for (size_t j = 0; j < NVALS; j++)
            want += vals[j].item == vals[i].item && vals[j].field == vals[i].field;
        OK(epsos_item_count(it[vals[i].item], vals[i].field, &n));
        ck_assert_uint_eq(n, want);
    }
    /* the document code written by epsos_doc_new */
    const char *code, *sys, *disp;
    OK(epsos_item_get_code(it[H], EPSOS_F_CODE, 0, &code, &sys, &disp));
    ck_assert_str_eq(code, "60591-5");
    ck_assert_str_eq(sys, "2.16.840.1.113883.6.1");
    ck_assert_str_eq(disp, "Patient summary Document");
    /* the contact got its templateId and typeCode from the table */
    ck_assert_ptr_nonnull(strstr((const char *)xml,
        "<participant typeCode=\"IND\">\n    <templateId root=\"1.3.6.1.4.1.19376.1.5.3.1.2.4\"/>"));
    epsos_free(xml);
    epsos_doc_free(again);
    epsos_doc_free(doc);
}
END_TEST

static char *corpus_file(const char *rel)
{
    const char *env = getenv("EPSOS_CORPUS");
    static char path[4096];
    if (env)
        snprintf(path, sizeof path, "%s/%s", env, rel);
    else
        snprintf(path, sizeof path, "%s/../shared/corpus/%s", TOP_SRCDIR, rel);
    return access(path, R_OK) == 0 ? path : NULL;
}

/* The builder writes elements in the order of the CDA schema. */
START_TEST(test_built_header_is_schema_valid)
{
    char *xsd = corpus_file("schema/konateq-openncp/CDA_Pharma.xsd");
    if (!xsd) {
        fprintf(stderr, "CDA schema not found: schema test skipped\n");
        return;
    }
    epsos_doc *doc = build_full();
    uint8_t *xml = NULL;
    size_t len = 0;
    OK(epsos_doc_serialize(&xml, &len, doc, 0));
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    ck_assert_ptr_nonnull(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlDocPtr d = xmlReadMemory((const char *)xml, (int)len, NULL, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(d);
    int rc = xmlSchemaValidateDoc(vc, d);
    if (rc != 0)
        fwrite(xml, 1, len, stderr);
    ck_assert_int_eq(rc, 0);
    xmlFreeDoc(d);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    epsos_free(xml);
    epsos_doc_free(doc);
}
END_TEST

START_TEST(test_accessor_errors)
{
    epsos_doc *doc = build_full();
    epsos_item *h, *p, *a;
    const char *s = NULL, *s2 = NULL;
    size_t n = 9;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&p, h, EPSOS_F_PATIENT, 0));

    ck_assert_int_eq(epsos_item_get_code(h, EPSOS_F_TITLE, 0, &s, NULL, NULL), EPSOS_ETYPE);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "field title of a header item is a text"));
    ck_assert_int_eq(epsos_item_get_text(h, EPSOS_F_FAMILY, 0, &s), EPSOS_ETYPE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "a header item has no field family"));
    ck_assert_int_eq(epsos_item_count(h, 9999, &n), EPSOS_ETYPE);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(epsos_item_get_text(h, EPSOS_F_TITLE, 1, &s), EPSOS_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "has 1 occurrence, no index 1"));
    ck_assert_str_eq(epsos_ctx_errloc(ctx), "/hl7:ClinicalDocument");
    ck_assert_int_eq(epsos_item_set_text(h, EPSOS_F_TITLE, 1, "x"), EPSOS_EINVAL);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "at most 1 time"));
    ck_assert_int_eq(epsos_item_set_text(h, EPSOS_F_TITLE, 3, "x"), EPSOS_ENOTFOUND);
    ck_assert_int_eq(epsos_item_set_time(p, EPSOS_F_BIRTH_TIME, 0, "1970-05-12"), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "\"1970-05-12\""));
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errloc(ctx), "/hl7:recordTarget/hl7:patientRole"));
    OK(epsos_item_get_time(p, EPSOS_F_BIRTH_TIME, 0, &s));
    ck_assert_str_eq(s, "19700512");                       /* untouched by the refusal */
    ck_assert_int_eq(epsos_item_set_time(p, EPSOS_F_BIRTH_TIME, 0, "20230229"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_id(p, EPSOS_F_ID, 0, "not-an-oid", NULL), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "OID"));
    ck_assert_int_eq(epsos_item_set_code(p, EPSOS_F_GENDER, 0, "F M", "2.16.840.1.113883.5.1", NULL),
                     EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_code(p, EPSOS_F_GENDER, 0, "F", "gender", NULL), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_telecom(p, EPSOS_F_TELECOM, 0, "0123 456", NULL), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_text(h, EPSOS_F_TITLE, 0, "bad \xC3\x28"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_text(h, EPSOS_F_TITLE, 0, NULL), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "en GB"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_null_flavor(p, EPSOS_F_BIRTH_TIME, 0, "unknown"), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_item_set_attr(h, EPSOS_F_TITLE, 0, "bad name", "x"), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_item_child(&a, h, EPSOS_F_AUTHOR, 1), EPSOS_ENOTFOUND);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(epsos_item_child(&a, h, EPSOS_F_TITLE, 0), EPSOS_ETYPE);
    ck_assert_int_eq(epsos_item_get_translation(h, EPSOS_F_CONFIDENTIALITY, 0, 0, &s, &s2, NULL),
                     EPSOS_ENOTFOUND);
    epsos_doc_free(doc);
}
END_TEST

START_TEST(test_replace_remove_null_flavor)
{
    epsos_doc *doc = build_full();
    epsos_item *h, *p, *a, *name;
    const char *s, *s2, *s3;
    size_t n;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&p, h, EPSOS_F_PATIENT, 0));

    OK(epsos_item_set_text(h, EPSOS_F_TITLE, 0, "Patient Summary"));     /* replace */
    OK(epsos_item_count(h, EPSOS_F_TITLE, &n));
    ck_assert_uint_eq(n, 1);
    OK(epsos_item_get_text(h, EPSOS_F_TITLE, 0, &s));
    ck_assert_str_eq(s, "Patient Summary");

    OK(epsos_item_set_null_flavor(p, EPSOS_F_BIRTH_TIME, 0, "UNK"));
    OK(epsos_item_get_null_flavor(p, EPSOS_F_BIRTH_TIME, 0, &s));
    ck_assert_str_eq(s, "UNK");
    OK(epsos_item_get_time(p, EPSOS_F_BIRTH_TIME, 0, &s));
    ck_assert_ptr_null(s);
    OK(epsos_item_set_time(p, EPSOS_F_BIRTH_TIME, 0, "1970"));          /* value again */
    OK(epsos_item_get_null_flavor(p, EPSOS_F_BIRTH_TIME, 0, &s));
    ck_assert_ptr_null(s);

    OK(epsos_item_set_attr(p, EPSOS_F_GENDER, 0, "codeSystemName", "AdministrativeGender"));
    OK(epsos_item_get_attr(p, EPSOS_F_GENDER, 0, "codeSystemName", &s));
    ck_assert_str_eq(s, "AdministrativeGender");
    OK(epsos_item_set_attr(p, EPSOS_F_GENDER, 0, "codeSystemName", NULL));
    OK(epsos_item_get_attr(p, EPSOS_F_GENDER, 0, "codeSystemName", &s));
    ck_assert_ptr_null(s);

    OK(epsos_item_add_translation(p, EPSOS_F_GENDER, 0, "W", "2.999.7", "weiblich"));
    OK(epsos_item_add_translation(p, EPSOS_F_GENDER, 0, "2", "2.999.8", NULL));
    OK(epsos_item_translation_count(p, EPSOS_F_GENDER, 0, &n));
    ck_assert_uint_eq(n, 2);
    OK(epsos_item_get_translation(p, EPSOS_F_GENDER, 0, 1, &s, &s2, &s3));
    ck_assert_str_eq(s, "2");
    ck_assert_str_eq(s2, "2.999.8");
    ck_assert_ptr_null(s3);
    OK(epsos_item_set_code(p, EPSOS_F_GENDER, 0, "F", "2.16.840.1.113883.5.1", "Female"));
    OK(epsos_item_translation_count(p, EPSOS_F_GENDER, 0, &n));
    ck_assert_uint_eq(n, 2);                       /* a new code keeps its translations */

    /* remove a repeated field from its repeating element */
    OK(epsos_item_remove(p, EPSOS_F_COMM_LANGUAGE, 0));
    OK(epsos_item_count(p, EPSOS_F_COMM_LANGUAGE, &n));
    ck_assert_uint_eq(n, 1);
    OK(epsos_item_get_text(p, EPSOS_F_COMM_LANGUAGE, 0, &s));
    ck_assert_str_eq(s, "en-GB");

    /* a removed item answers ENOTFOUND, it does not crash */
    OK(epsos_item_child(&a, h, EPSOS_F_AUTHOR, 0));
    OK(epsos_item_child(&name, a, EPSOS_F_NAME, 0));
    OK(epsos_item_remove(h, EPSOS_F_AUTHOR, 0));
    OK(epsos_item_count(h, EPSOS_F_AUTHOR, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(epsos_item_get_text(name, EPSOS_F_FAMILY, 0, &s), EPSOS_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "removed"));
    ck_assert_int_eq(epsos_item_count(a, EPSOS_F_ID, &n), EPSOS_ENOTFOUND);
    ck_assert_str_eq(epsos_item_path(a), "");

    OK(epsos_item_remove(h, EPSOS_F_VERSION_NUMBER, 0));                /* attribute row */
    OK(epsos_item_count(h, EPSOS_F_VERSION_NUMBER, &n));
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(epsos_item_remove(h, EPSOS_F_VERSION_NUMBER, 0), EPSOS_ENOTFOUND);
    epsos_doc_free(doc);
}
END_TEST

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Canonical XML (C14N 1.0 with comments) of a buffer, for comparisons. */
static xmlChar *c14n(const uint8_t *buf, size_t len, int *out_len)
{
    xmlDocPtr d = xmlReadMemory((const char *)buf, (int)len, NULL, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(d);
    xmlChar *out = NULL;
    *out_len = xmlC14NDocDumpMemory(d, NULL, XML_C14N_1_0, NULL, 1, &out);
    ck_assert_int_gt(*out_len, 0);
    xmlFreeDoc(d);
    return out;
}

/* A parsed document serializes to the same canonical XML: nothing is lost,
 * not even comments; and serializing twice gives the same bytes. */
START_TEST(test_parse_serialize_lossless)
{
    size_t len, olen, olen2;
    uint8_t *in = slurp(TEST_DATA "/ps-header.xml", &len), *out, *out2;
    epsos_doc *doc, *again;
    OK(epsos_doc_parse(&doc, ctx, in, len, 0));
    ck_assert_int_eq(epsos_doc_kind(doc), EPSOS_DOC_PS);
    ck_assert_int_eq(epsos_doc_generation(doc), EPSOS_GEN_EHDSI);
    OK(epsos_doc_serialize(&out, &olen, doc, 0));
    int a, b;
    xmlChar *ca = c14n(in, len, &a), *cb = c14n(out, olen, &b);
    ck_assert_int_eq(a, b);
    ck_assert_int_eq(memcmp(ca, cb, (size_t)a), 0);
    ck_assert_ptr_nonnull(strstr((const char *)cb, "<!-- A fictitious eHDSI Patient Summary"));
    OK(epsos_doc_parse(&again, ctx, out, olen, 0));
    OK(epsos_doc_serialize(&out2, &olen2, again, 0));
    ck_assert_uint_eq(olen, olen2);
    ck_assert_int_eq(memcmp(out, out2, olen), 0);
    xmlFree(ca);
    xmlFree(cb);
    epsos_free(out);
    epsos_free(out2);
    epsos_doc_free(again);
    epsos_doc_free(doc);
    free(in);
}
END_TEST

START_TEST(test_new_kinds_and_save)
{
    static const int32_t kinds[] = { EPSOS_DOC_PS, EPSOS_DOC_EP, EPSOS_DOC_ED, EPSOS_DOC_PS_L1,
                                     EPSOS_DOC_EP_L1 };
    char dir[] = "/tmp/epsos-test-XXXXXX", path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.xml", dir);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        epsos_doc *doc, *again;
        OK(epsos_doc_new(&doc, ctx, kinds[i]));
        ck_assert_int_eq(epsos_doc_kind(doc), kinds[i]);
        ck_assert_int_eq(epsos_doc_generation(doc), EPSOS_GEN_EHDSI);
        OK(epsos_doc_save(doc, path, 0));
        OK(epsos_doc_parse_file(&again, ctx, path, 0));
        ck_assert_int_eq(epsos_doc_kind(again), kinds[i]);
        epsos_doc_free(again);
        epsos_doc_free(doc);
    }
    epsos_doc *doc = NULL;
    ck_assert_int_eq(epsos_doc_new(&doc, ctx, EPSOS_DOC_UNKNOWN), EPSOS_EINVAL);
    ck_assert_ptr_null(doc);
    ck_assert_int_eq(epsos_doc_new(&doc, ctx, 42), EPSOS_EINVAL);
    OK(epsos_doc_new(&doc, ctx, EPSOS_DOC_PS));
    char bad[96];
    snprintf(bad, sizeof bad, "%s/missing-dir/out.xml", dir);
    ck_assert_int_eq(epsos_doc_save(doc, bad, 0), EPSOS_EIO);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "missing-dir"));
    ck_assert_int_eq(access(bad, F_OK), -1);
    ck_assert_int_eq(epsos_doc_serialize(NULL, NULL, doc, 0), EPSOS_EINVAL);
    uint8_t *out = (uint8_t *)1;
    size_t len = 7;
    ck_assert_int_eq(epsos_doc_serialize(&out, &len, doc, 0x80), EPSOS_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    epsos_doc_free(doc);
    unlink(path);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("header");
    TCase *tc = tcase_create("header");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_build_parse_read_back);
    tcase_add_test(tc, test_built_header_is_schema_valid);
    tcase_add_test(tc, test_accessor_errors);
    tcase_add_test(tc, test_replace_remove_null_flavor);
    tcase_add_test(tc, test_parse_serialize_lossless);
    tcase_add_test(tc, test_new_kinds_and_save);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
