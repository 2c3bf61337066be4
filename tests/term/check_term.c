/*
 * Terminology: catalogue sources, the compiled image, lookups, transcoding
 * and translation of documents.  Fixtures in tests/data/term were written
 * for these tests; the real eHDSI data is read from the corpus (skipped
 * with a message when absent).
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <epsos.h>

#define OK(x) ck_assert_int_eq((x), EPSOS_OK)
#define VS(n) "1.3.6.1.4.1.12559.11.10.1.3.1.42." #n
#define GENDER "2.16.840.1.113883.5.1"
#define ROLE "2.16.840.1.113883.2.9.6.2.7"
#define REL "2.16.840.1.113883.5.111"
#define UCUM "2.16.840.1.113883.6.8"
#define NAT "1.2.999.7.2"

static epsos_ctx *ctx;

static void setup(void) { OK(epsos_ctx_new(&ctx)); }
static void teardown(void) { epsos_ctx_free(ctx); ctx = NULL; }

static const char *data_file(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/term/%s", TEST_DATA, name);
    return path;
}

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

static const char *const fixtures[] = {
    "aliases.tsv", "svs-gender.xml", "decor-roles.xml", "fhir-units.xml", "fhir-gender-cs.xml",
    "fhir-roles-cm.xml", "national.tsv", "designations.tsv", NULL
};

static epsos_catalogue_builder *fixture_builder(void)
{
    epsos_catalogue_builder *b = NULL;
    OK(epsos_catalogue_builder_new(&b, ctx));
    for (int i = 0; fixtures[i]; i++) {
        int rc = epsos_catalogue_builder_add_file(b, data_file(fixtures[i]));
        if (rc)
            fprintf(stderr, "%s: %s\n", fixtures[i], epsos_ctx_errmsg(ctx));
        OK(rc);
    }
    return b;
}

static epsos_catalogue *fixture_catalogue(void)
{
    epsos_catalogue_builder *b = fixture_builder();
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_builder_finish(&cat, b));
    epsos_catalogue_builder_free(b);
    return cat;
}

/* --- lookups over the fixtures ---------------------------------------------- */

static void check_lookups(const epsos_catalogue *cat)
{
    const char *s, *c, *d, *l;
    size_t n;
    /* SVS: doubled concepts count once; the value set's name and version */
    OK(epsos_catalogue_value_set(cat, VS(34), &n, &s, &d));
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(s, "testGender");
    ck_assert_str_eq(d, "1");
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(34), GENDER, "F"), 1);
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(34), GENDER, "f"), 0);   /* byte-exact */
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(34), REL, "F"), 0);
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(34), NULL, "UN"), 1);
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(99), GENDER, "F"), EPSOS_ENOTFOUND);
    /* FHIR URI as an alias of the OID, both ways */
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(16), UCUM, "mL"), 1);
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(16), "http://unitsofmeasure.org", "mg"), 1);
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(16), "urn:oid:" UCUM, "{Ampoule}"), 1);
    OK(epsos_catalogue_concept(&d, cat, GENDER, "F"));
    ck_assert_str_eq(d, "Female");
    ck_assert_int_eq(epsos_catalogue_concept(&d, cat, GENDER, "X"), EPSOS_ENOTFOUND);
    ck_assert_ptr_null(d);

    /* national -> MVC: TSV and FHIR ConceptMap */
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, NAT, "W", VS(34)));
    ck_assert_str_eq(s, GENDER);
    ck_assert_str_eq(c, "F");
    ck_assert_str_eq(d, "Female");
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, "urn:oid:1.2.999.7.1", "PFLEGE", NULL));
    ck_assert_str_eq(c, "2221");
    ck_assert_str_eq(d, "Nursing professionals");
    ck_assert_int_eq(epsos_catalogue_transcode(&s, &c, &d, cat, "1.2.999.7.1", "HEILER", NULL),
                     EPSOS_ENOTFOUND);                         /* unmatched: no mapping */
    ck_assert_int_eq(epsos_catalogue_transcode(&s, &c, &d, cat, NAT, "W", VS(38)),
                     EPSOS_ENOTFOUND);                         /* into another value set */

    /* designations with the fallback chain */
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "de-AT"));
    ck_assert_str_eq(d, "Weiblich");
    ck_assert_str_eq(l, "de");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "M", "de_at"));   /* canonicalized */
    ck_assert_str_eq(d, "Männlich (AT)");
    ck_assert_str_eq(l, "de-AT");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "M", "de"));      /* no de: en-GB? no: source */
    ck_assert_str_eq(d, "Male");
    ck_assert_str_eq(l, "");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "fr-BE"));
    ck_assert_str_eq(d, "Féminin");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "it-IT"));
    ck_assert_str_eq(d, "Female (GB)");
    ck_assert_str_eq(l, "en-GB");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "SK-sk"));
    ck_assert_str_eq(d, "Ženské");
    OK(epsos_catalogue_designation(&d, &l, cat, REL, "MTH", "fr-LU"));
    ck_assert_str_eq(d, "mère (LU)");
    OK(epsos_catalogue_designation(&d, &l, cat, REL, "MTH", "fr"));       /* fr-LU is not fr */
    ck_assert_str_eq(d, "mother");
    OK(epsos_catalogue_designation(&d, &l, cat, REL, "FTH", "se-SV"));
    ck_assert_str_eq(d, "pappa");
    OK(epsos_catalogue_designation(&d, &l, cat, "urn:oid:" UCUM, "mL", "de-CH"));
    ck_assert_str_eq(d, "Milliliter");
    ck_assert_int_eq(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "not a tag!"),
                     EPSOS_EVALUE);

    /* search by display: NFC, case folding, white space */
    OK(epsos_catalogue_search(&s, &c, cat, VS(34), "  FEMALE "));
    ck_assert_str_eq(c, "F");
    OK(epsos_catalogue_search(&s, &c, cat, VS(38), "ste\xcc\x81pchild"));  /* e + U+0301 */
    ck_assert_str_eq(c, "STPCHLD");
    ck_assert_int_eq(epsos_catalogue_search(&s, &c, cat, VS(38), "Female"), EPSOS_ENOTFOUND);
    ck_assert_int_eq(epsos_catalogue_search(&s, &c, cat, VS(38), "\xff"), EPSOS_EVALUE);
}

START_TEST(test_fixture_lookups)
{
    epsos_catalogue *cat = fixture_catalogue();
    check_lookups(cat);
    size_t n;
    OK(epsos_catalogue_count(cat, EPSOS_CAT_VALUE_SETS, &n));
    ck_assert_uint_eq(n, 5);
    OK(epsos_catalogue_count(cat, EPSOS_CAT_MAPPINGS, &n));
    ck_assert_uint_eq(n, 6);
    OK(epsos_catalogue_count(cat, EPSOS_CAT_ALIASES, &n));
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(epsos_catalogue_count(cat, 99, &n), EPSOS_EINVAL);
    epsos_catalogue_free(cat);
}
END_TEST

/* The image written to a file, mapped, answers the same; rebuilding is
 * byte-identical. */
START_TEST(test_file_roundtrip_deterministic)
{
    epsos_catalogue_builder *b1 = fixture_builder(), *b2 = fixture_builder();
    uint8_t *i1 = NULL, *i2 = NULL;
    size_t n1 = 0, n2 = 0;
    OK(epsos_catalogue_builder_serialize(&i1, &n1, b1));
    OK(epsos_catalogue_builder_serialize(&i2, &n2, b2));
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(i1, i2, n1) == 0);
    ck_assert(memcmp(i1, "EPSOSCAT", 8) == 0);
    char path[] = "/tmp/check_term_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, i1, n1), (ssize_t)n1);
    close(fd);
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_open(&cat, ctx, path));
    check_lookups(cat);
    epsos_catalogue_free(cat);
    unlink(path);
    ck_assert_int_eq(epsos_catalogue_open(&cat, ctx, path), EPSOS_EIO);
    ck_assert_ptr_null(cat);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), path));
    epsos_free(i1);
    epsos_free(i2);
    epsos_catalogue_builder_free(b1);
    epsos_catalogue_builder_free(b2);
}
END_TEST

/* Every flipped byte and every truncation is refused, never a crash. */
START_TEST(test_corrupted_images)
{
    epsos_catalogue_builder *b = fixture_builder();
    uint8_t *img = NULL;
    size_t n = 0;
    OK(epsos_catalogue_builder_serialize(&img, &n, b));
    epsos_catalogue *cat = NULL;
    for (size_t i = 0; i < n; i++) {
        img[i] ^= 0x5a;
        int rc = epsos_catalogue_open_buffer(&cat, ctx, img, n);
        ck_assert_msg(rc == EPSOS_EVALUE, "byte %zu flipped: rc %d", i, rc);
        ck_assert_ptr_null(cat);
        img[i] ^= 0x5a;
    }
    for (size_t len = 0; len < n; len += (len < 256 ? 1 : 97)) {
        ck_assert_int_eq(epsos_catalogue_open_buffer(&cat, ctx, img, len), EPSOS_EVALUE);
        ck_assert_ptr_null(cat);
    }
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "truncated"));
    /* a wrong version is named as such */
    img[8] = 2;
    ck_assert_int_eq(epsos_catalogue_open_buffer(&cat, ctx, img, n), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "version 2"));
    img[8] = 1;
    OK(epsos_catalogue_open_buffer(&cat, ctx, img, n));
    epsos_catalogue_free(cat);
    epsos_free(img);
    epsos_catalogue_builder_free(b);
}
END_TEST

static int add_text(epsos_catalogue_builder *b, const char *text)
{
    return epsos_catalogue_builder_add(b, (const uint8_t *)text, strlen(text), "test.tsv");
}

START_TEST(test_bad_sources)
{
    epsos_catalogue_builder *b = NULL;
    OK(epsos_catalogue_builder_new(&b, ctx));
    /* a mapping TSV without its target_code column */
    ck_assert_int_eq(add_text(b, "source_system\tsource_code\ttarget_valueset\ttarget_system\n"
                                 "1.2.3\tA\t1.2.4\t1.2.5\n"), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "missing column target_code"));
    ck_assert_int_eq(epsos_ctx_errline(ctx), 1);
    /* a designation row short of a column */
    ck_assert_int_eq(add_text(b, "system\tcode\tlanguage\tdesignation\n1.2.3\tA\tde\n"),
                     EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "line 2"));
    /* invalid UTF-8 */
    ck_assert_int_eq(add_text(b, "system\tcode\tlanguage\tdesignation\n1.2.3\tA\tde\tM\xc3\x28x\n"),
                     EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "UTF-8"));
    /* a bad language tag */
    ck_assert_int_eq(add_text(b, "system\tcode\tlanguage\tdesignation\n1.2.3\tA\t-\tx\n"),
                     EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "BCP 47"));
    /* an unknown header; an empty source */
    ck_assert_int_eq(add_text(b, "foo\tbar\n1\t2\n"), EPSOS_EVALUE);
    ck_assert_int_eq(add_text(b, ""), EPSOS_EVALUE);
    /* XML that is no terminology source */
    ck_assert_int_eq(add_text(b, "<html/>"), EPSOS_EVALUE);
    ck_assert_int_eq(add_text(b, "<valueSets><valueSet id='x'/></valueSets>"), EPSOS_EVALUE);
    ck_assert_int_eq(add_text(b, "<valueSets"), EPSOS_EPARSE);
    epsos_catalogue_builder_free(b);

    /* duplicate mappings with different targets: refused at build */
    OK(epsos_catalogue_builder_new(&b, ctx));
    OK(add_text(b, "source_system\tsource_code\ttarget_valueset\ttarget_system\ttarget_code\n"
                   "1.2.3\tA\t1.2.4\t1.2.5\tX\n1.2.3\tA\t1.2.4\t1.2.5\tX\n"));
    OK(add_text(b, "source_system\tsource_code\ttarget_valueset\ttarget_system\ttarget_code\n"
                   "1.2.3\tA\t1.2.4\t1.2.5\tY\n"));
    uint8_t *img = NULL;
    size_t n = 0;
    ck_assert_int_eq(epsos_catalogue_builder_serialize(&img, &n, b), EPSOS_EVALUE);
    ck_assert_ptr_null(img);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "duplicate mapping of 1.2.3|A"));
    epsos_catalogue_builder_free(b);
}
END_TEST

/* --- documents ------------------------------------------------------------------ */

static epsos_doc *national_doc(void)
{
    epsos_doc *doc = NULL;
    epsos_item *h, *p, *a, *c;
    OK(epsos_doc_new(&doc, ctx, EPSOS_DOC_PS));
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "de-AT"));
    OK(epsos_item_add_child(&p, h, EPSOS_F_PATIENT));
    OK(epsos_item_set_code(p, EPSOS_F_GENDER, 0, "W", NAT, "weiblich"));
    OK(epsos_item_set_text(p, EPSOS_F_COMM_LANGUAGE, 0, "xx-YY"));
    OK(epsos_item_add_child(&a, h, EPSOS_F_AUTHOR));
    OK(epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "ARZT", "1.2.999.7.1", "Arzt"));
    OK(epsos_item_add_child(&a, h, EPSOS_F_AUTHOR));
    OK(epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "HEILER", "1.2.999.7.1", NULL));
    OK(epsos_item_add_child(&a, h, EPSOS_F_AUTHOR));
    OK(epsos_item_set_code(a, EPSOS_F_FUNCTION_CODE, 0, "2221", ROLE, "Nursing professionals"));
    OK(epsos_item_add_child(&c, h, EPSOS_F_CONTACT));
    OK(epsos_item_set_code(c, EPSOS_F_CODE, 0, "MUTTER", NAT, "Mutter"));
    return doc;
}

static int finding_count(const epsos_term_report *r, int32_t code)
{
    int n = 0;
    for (size_t i = 0; i < epsos_term_report_count(r); i++) {
        int32_t c;
        OK(epsos_term_report_finding(r, i, &c, NULL, NULL, NULL));
        n += c == code;
    }
    return n;
}

static size_t stat_of(const epsos_term_report *r, int32_t what)
{
    size_t n = 0;
    OK(epsos_term_report_stat(r, what, &n));
    return n;
}

static const char *msg_of(const epsos_term_report *r, size_t i)
{
    const char *m = NULL;
    OK(epsos_term_report_finding(r, i, NULL, NULL, NULL, &m));
    return m;
}

START_TEST(test_transcode_document)
{
    epsos_catalogue *cat = fixture_catalogue();
    epsos_doc *doc = national_doc();
    epsos_term_report *r = NULL;
    OK(epsos_term_report_new(&r, ctx));
    OK(epsos_transcode(doc, cat, 0, r));

    epsos_item *h, *p, *a, *c;
    const char *code, *sys, *disp;
    size_t n;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&p, h, EPSOS_F_PATIENT, 0));
    OK(epsos_item_get_code(p, EPSOS_F_GENDER, 0, &code, &sys, &disp));
    ck_assert_str_eq(code, "F");
    ck_assert_str_eq(sys, GENDER);
    ck_assert_str_eq(disp, "Female");
    OK(epsos_item_translation_count(p, EPSOS_F_GENDER, 0, &n));
    ck_assert_uint_eq(n, 1);
    OK(epsos_item_get_translation(p, EPSOS_F_GENDER, 0, 0, &code, &sys, &disp));
    ck_assert_str_eq(code, "W");
    ck_assert_str_eq(sys, NAT);
    ck_assert_str_eq(disp, "weiblich");

    OK(epsos_item_child(&a, h, EPSOS_F_AUTHOR, 0));
    OK(epsos_item_get_code(a, EPSOS_F_FUNCTION_CODE, 0, &code, &sys, &disp));
    ck_assert_str_eq(code, "221");
    ck_assert_str_eq(disp, "Medical doctors");
    /* an unmapped code stays, reported */
    OK(epsos_item_child(&a, h, EPSOS_F_AUTHOR, 1));
    OK(epsos_item_get_code(a, EPSOS_F_FUNCTION_CODE, 0, &code, &sys, &disp));
    ck_assert_str_eq(code, "HEILER");
    /* an MVC code is left as it is */
    OK(epsos_item_child(&a, h, EPSOS_F_AUTHOR, 2));
    OK(epsos_item_translation_count(a, EPSOS_F_FUNCTION_CODE, 0, &n));
    ck_assert_uint_eq(n, 0);
    OK(epsos_item_child(&c, h, EPSOS_F_CONTACT, 0));
    OK(epsos_item_get_code(c, EPSOS_F_CODE, 0, &code, &sys, &disp));
    ck_assert_str_eq(code, "MTH");

    ck_assert_int_eq(finding_count(r, EPSOS_TERM_NO_MAPPING), 1);
    ck_assert_int_eq(finding_count(r, EPSOS_TERM_NOT_IN_VALUE_SET), 1);  /* comm. language xx-YY */
    /* the document code's value set (42.32) is not in the fixtures */
    ck_assert_int_eq(finding_count(r, EPSOS_TERM_UNKNOWN_VALUE_SET), 1);
    int32_t fc;
    const char *xp, *vs, *msg;
    for (size_t i = 0; i < epsos_term_report_count(r); i++) {
        OK(epsos_term_report_finding(r, i, &fc, &xp, &vs, &msg));
        if (fc == EPSOS_TERM_NO_MAPPING) {
            ck_assert_str_eq(xp, "/hl7:ClinicalDocument/hl7:author[2]/hl7:functionCode");
            ck_assert_str_eq(vs, VS(1));
            ck_assert_ptr_nonnull(strstr(msg, "HEILER"));
        } else if (fc == EPSOS_TERM_NOT_IN_VALUE_SET) {
            ck_assert_str_eq(vs, VS(6));
            ck_assert_ptr_nonnull(strstr(xp, "hl7:languageCommunication/hl7:languageCode"));
        }
    }
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_TRANSCODED), 3);
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_VISITED), 8);
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_MISSING), 3);
    ck_assert_int_eq(epsos_term_report_finding(r, 99, &fc, NULL, NULL, NULL), EPSOS_ENOTFOUND);

    /* serialize, parse again: the same content; transcoding again changes nothing */
    uint8_t *x1 = NULL, *x2 = NULL;
    size_t l1, l2;
    OK(epsos_doc_serialize(&x1, &l1, doc, 0));
    epsos_doc *again = NULL;
    OK(epsos_doc_parse(&again, ctx, x1, l1, 0));
    OK(epsos_transcode(again, cat, 0, r));
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_TRANSCODED), 0);
    OK(epsos_doc_serialize(&x2, &l2, again, 0));
    ck_assert_uint_eq(l1, l2);
    ck_assert(memcmp(x1, x2, l1) == 0);
    epsos_free(x1);
    epsos_free(x2);
    epsos_doc_free(again);
    epsos_doc_free(doc);

    /* the sending side's policy: a required field unmapped fails the document */
    doc = national_doc();
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&p, h, EPSOS_F_PATIENT, 0));
    OK(epsos_item_remove(p, EPSOS_F_COMM_LANGUAGE, 0));
    OK(epsos_transcode(doc, cat, EPSOS_TERM_STRICT, r));   /* optional fields only */
    OK(epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "tlh"));
    ck_assert_int_eq(epsos_transcode(doc, cat, EPSOS_TERM_STRICT, r), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "required"));
    ck_assert_int_eq(epsos_transcode(doc, cat, 0x80, r), EPSOS_EINVAL);
    epsos_doc_free(doc);
    epsos_term_report_free(r);
    epsos_catalogue_free(cat);
}
END_TEST

static size_t count_str(const uint8_t *x, size_t len, const char *s)
{
    size_t n = 0, l = strlen(s);
    for (size_t i = 0; i + l <= len; i++)
        n += memcmp(x + i, s, l) == 0;
    return n;
}

START_TEST(test_translate_document)
{
    epsos_catalogue *cat = fixture_catalogue();
    epsos_doc *doc = national_doc();
    epsos_term_report *r = NULL;
    OK(epsos_term_report_new(&r, ctx));
    OK(epsos_transcode(doc, cat, 0, r));

    OK(epsos_translate(doc, cat, "de-AT", 0, r));
    epsos_item *h, *p, *c;
    const char *code, *sys, *disp;
    size_t n;
    OK(epsos_doc_header(&h, doc));
    OK(epsos_item_child(&p, h, EPSOS_F_PATIENT, 0));
    OK(epsos_item_get_code(p, EPSOS_F_GENDER, 0, &code, &sys, &disp));
    ck_assert_str_eq(code, "F");
    ck_assert_str_eq(disp, "Weiblich");
    OK(epsos_item_translation_count(p, EPSOS_F_GENDER, 0, &n));
    ck_assert_uint_eq(n, 2);
    OK(epsos_item_get_translation(p, EPSOS_F_GENDER, 0, 1, &code, &sys, &disp));
    ck_assert_str_eq(code, "F");
    ck_assert_str_eq(sys, GENDER);
    ck_assert_str_eq(disp, "Female");
    OK(epsos_item_child(&c, h, EPSOS_F_CONTACT, 0));
    OK(epsos_item_get_code(c, EPSOS_F_CODE, 0, &code, &sys, &disp));
    ck_assert_str_eq(disp, "Mutter");
    /* role 221/2221 have no German term: reported, display kept */
    ck_assert_int_ge(finding_count(r, EPSOS_TERM_NO_DESIGNATION), 2);
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_TRANSLATED), 2);

    /* translating again into French: flattened, never nested, and the
     * (code, codeSystem) of the translations stay distinct (eHDSI
     * Schematron dtr1-19-CD): the same-code translation holding the pivot
     * display "Female" is kept, no second one for "Weiblich" */
    OK(epsos_translate(doc, cat, "fr-BE", 0, r));
    OK(epsos_item_get_code(p, EPSOS_F_GENDER, 0, &code, &sys, &disp));
    ck_assert_str_eq(disp, "Féminin");
    OK(epsos_item_translation_count(p, EPSOS_F_GENDER, 0, &n));
    ck_assert_uint_eq(n, 2);
    OK(epsos_item_get_translation(p, EPSOS_F_GENDER, 0, 1, &code, &sys, &disp));
    ck_assert_str_eq(code, "F");
    ck_assert_str_eq(disp, "Female");
    uint8_t *x = NULL;
    size_t len;
    OK(epsos_doc_serialize(&x, &len, doc, 0));
    /* gender 2 (national, Female), role 1, contact 2 (national, mother);
     * MTH has no fr term: its German display stays */
    ck_assert_uint_eq(count_str(x, len, "<translation"), 2 + 1 + 2);
    xmlDoc *xd = xmlReadMemory((const char *)x, (int)len, NULL, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(xd);
    /* no translation inside a translation */
    ck_assert_uint_eq(count_str(x, len, "</translation>"), 0);
    xmlFreeDoc(xd);
    epsos_free(x);
    /* the same language again: nothing changes */
    OK(epsos_translate(doc, cat, "fr-BE", 0, r));
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_TRANSLATED), 0);
    ck_assert_int_eq(epsos_translate(doc, cat, "fr BE", 0, r), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_translate(doc, cat, NULL, 0, r), EPSOS_EINVAL);
    epsos_doc_free(doc);
    epsos_term_report_free(r);
    epsos_catalogue_free(cat);
}
END_TEST

/* Bound @unit attributes (OpenNCP skips them): doses and strengths are
 * checked against eHDSIUnit (42.16) or an eHDSIQuantityUnit annotation
 * ({Tablet}); national units are transcoded through the unit mappings;
 * every miss is a finding whose XPath selects the @unit. */
static int xpath_count(const uint8_t *x, size_t len, const char *xp, const char *want)
{
    xmlDoc *d = xmlReadMemory((const char *)x, (int)len, NULL, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(d);
    xmlXPathContext *c = xmlXPathNewContext(d);
    xmlXPathRegisterNs(c, (const xmlChar *)"hl7", (const xmlChar *)"urn:hl7-org:v3");
    xmlXPathRegisterNs(c, (const xmlChar *)"pharm", (const xmlChar *)"urn:hl7-org:pharm");
    xmlXPathObject *r = xmlXPathEvalExpression((const xmlChar *)xp, c);
    int n = 0;
    for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
        n += !want || (v && !strcmp((char *)v, want));
        xmlFree(v);
    }
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(c);
    xmlFreeDoc(d);
    return n;
}

static epsos_doc *units_doc(void)
{
    epsos_doc *doc = NULL;
    epsos_item *s, *m, *ing;
    OK(epsos_doc_new(&doc, ctx, EPSOS_DOC_PS));
    OK(epsos_doc_add_section(&s, doc, EPSOS_KIND_PS_MEDICATION_SECTION));
    OK(epsos_item_add_child(&m, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_quantity(m, EPSOS_F_DOSE, 0, "5", "ML"));          /* national */
    OK(epsos_item_add_child(&ing, m, EPSOS_F_INGREDIENT));
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_NUMERATOR, 0, "2", "MGM"));   /* ambiguous */
    OK(epsos_item_set_quantity(ing, EPSOS_F_STRENGTH_DENOMINATOR, 0, "1", "GML")); /* g/mL */
    OK(epsos_item_add_child(&m, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_quantity(m, EPSOS_F_DOSE, 0, "1", "{tablet}"));    /* 42.56, folded */
    OK(epsos_item_add_child(&m, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_quantity(m, EPSOS_F_DOSE, 0, "1", "ml"));          /* codes: exact */
    OK(epsos_item_add_child(&m, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_quantity(m, EPSOS_F_DOSE, 0, "2", "AMP"));         /* -> {Ampoule} */
    OK(epsos_item_add_child(&m, s, EPSOS_F_MEDICATION));
    OK(epsos_item_set_quantity(m, EPSOS_F_DOSE, 0, "1", "{Capsule}"));   /* not in 42.56 */
    return doc;
}

START_TEST(test_units)
{
    epsos_catalogue_builder *b = fixture_builder();
    OK(epsos_catalogue_builder_add_file(b, data_file("units.tsv")));
    OK(epsos_catalogue_builder_add_file(b, data_file("quantity-units.tsv")));
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_builder_finish(&cat, b));
    epsos_catalogue_builder_free(b);
    const char *s, *c, *d;
    /* a national strength unit keeps its denominator: the UCUM quotient */
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, "1.2.999.7.3", "GML", NULL));
    ck_assert_str_eq(c, "g/mL");
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, "1.2.999.7.4", "MGM", NULL));
    ck_assert_str_eq(c, "mg");

    /* the receiving side: checked, never changed */
    epsos_doc *doc = units_doc();
    epsos_term_report *r = NULL;
    OK(epsos_term_report_new(&r, ctx));
    OK(epsos_translate(doc, cat, "de-AT", 0, r));
    ck_assert_int_eq(finding_count(r, EPSOS_TERM_BAD_UNIT), 6);
    epsos_doc_free(doc);

    /* the sending side: national units transcoded */
    doc = units_doc();
    OK(epsos_transcode(doc, cat, 0, r));
    uint8_t *x = NULL;
    size_t len = 0;
    OK(epsos_doc_serialize(&x, &len, doc, 0));
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_TRANSCODED), 2);   /* ML, AMP */
    const char *sa = "//hl7:substanceAdministration";
    char q[512];
    snprintf(q, sizeof q, "(%s)[1]/hl7:doseQuantity[@value='5']/@unit", sa);
    ck_assert_int_eq(xpath_count(x, len, q, "mL"), 1);
    /* the national unit kept as a PQR translation */
    snprintf(q, sizeof q, "(%s)[1]/hl7:doseQuantity/hl7:translation[@value='5'][@code='ML']"
             "/@codeSystem", sa);
    ck_assert_int_eq(xpath_count(x, len, q, "1.2.999.7.3"), 1);
    snprintf(q, sizeof q, "(%s)[4]/hl7:doseQuantity/@unit", sa);
    ck_assert_int_eq(xpath_count(x, len, q, "{Ampoule}"), 1);
    snprintf(q, sizeof q, "(%s)[2]/hl7:doseQuantity/@unit", sa);
    ck_assert_int_eq(xpath_count(x, len, q, "{tablet}"), 1);       /* valid: untouched */
    /* four findings, each XPath selecting the very @unit it is about */
    static const char *const bad[] = { "MGM", "GML", "ml", "{Capsule}" };
    ck_assert_int_eq(finding_count(r, EPSOS_TERM_BAD_UNIT), 4);
    size_t first = 0;   /* the header's and section's findings come first */
    for (size_t i = 0; i < epsos_term_report_count(r); i++) {
        int32_t fc;
        OK(epsos_term_report_finding(r, i, &fc, NULL, NULL, NULL));
        if (fc != EPSOS_TERM_BAD_UNIT)
            ck_assert_uint_eq(first++, i);
    }
    for (size_t i = 0; i < 4; i++) {
        int32_t fc;
        const char *xp, *vs, *msg;
        OK(epsos_term_report_finding(r, first + i, &fc, &xp, &vs, &msg));
        ck_assert_int_eq(fc, EPSOS_TERM_BAD_UNIT);
        ck_assert_str_eq(vs, VS(16));
        ck_assert_ptr_nonnull(strstr(xp, "/@unit"));
        ck_assert_msg(xpath_count(x, len, xp, bad[i]) == 1, "%s does not select %s", xp, bad[i]);
        ck_assert_ptr_nonnull(strstr(msg, bad[i]));
    }
    ck_assert_ptr_nonnull(strstr(msg_of(r, first), "several"));      /* MGM: ambiguous */
    ck_assert_ptr_nonnull(strstr(msg_of(r, first + 1), "\"g/mL\""));  /* not in 42.16 */
    ck_assert_ptr_nonnull(strstr(msg_of(r, first + 2), "no mapping"));
    epsos_free(x);
    /* a second pass changes nothing */
    OK(epsos_transcode(doc, cat, 0, r));
    ck_assert_uint_eq(stat_of(r, EPSOS_TERM_STAT_TRANSCODED), 0);
    epsos_doc_free(doc);
    epsos_term_report_free(r);
    epsos_catalogue_free(cat);
}
END_TEST

/* Search by display text: case-insensitive first (accents count), then
 * case- and accent-insensitive; English displays and the designations of
 * every language; within the value set only. */
START_TEST(test_search_accents)
{
    epsos_catalogue_builder *b = fixture_builder();
    OK(epsos_catalogue_builder_add_file(b, data_file("decor-allergens.xml")));
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_builder_finish(&cat, b));
    epsos_catalogue_builder_free(b);
    static const struct { const char *text, *code; } hits[] = {
        { "Penicillin", "PEN" }, { "PENICILLIN", "PEN" },
        { "PÉNICILLINE", "PEN" },          /* fr, case folded */
        { "penicilline", "PEN" },          /* fr, accent-insensitive */
        { "Pe\xcc\x81nicilline", "PEN" },  /* e + U+0301: NFC */
        { "PENICILÍN", "PEN" }, { "penicilin", "PEN" },       /* sk */
        { "AMOXICILLINE", "AMX" },
        { "côte", "COTE2" }, { "CÔTE", "COTE2" },              /* the accent decides */
        { "COTE", "COTE" }, { "cöte", "COTE" },               /* no exact: first loose */
        { "WEISSMEHL", "FLOUR" }, { "weißmehl", "FLOUR" },   /* de: ß folds to ss */
        { "ÆBLE", "APPLE" },                                  /* da */
        { "graserpollen", "POLLEN" }, { "GRÄSERPOLLEN", "POLLEN" },
        { "PEL TRAV", "POLLEN" }, { "  peľ   tráv ", "POLLEN" },
    };
    for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++) {
        const char *s = NULL, *c = NULL;
        int rc = epsos_catalogue_search(&s, &c, cat, "1.2.999.7.9", hits[i].text);
        ck_assert_msg(rc == EPSOS_OK, "\"%s\": %d", hits[i].text, rc);
        ck_assert_msg(!strcmp(c, hits[i].code), "\"%s\": %s, expected %s", hits[i].text, c,
                      hits[i].code);
        ck_assert_str_eq(s, "1.2.999.7.8");
    }
    static const char *const misses[] = {
        "Penicillins", "penicillinе" /* Cyrillic e */, "aeble" /* æ is a letter */,
        "Weiblich" /* another value set's designation */, "",
    };
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
        const char *s = "x", *c = "x";
        ck_assert_msg(epsos_catalogue_search(&s, &c, cat, "1.2.999.7.9", misses[i]) ==
                      EPSOS_ENOTFOUND, "\"%s\" found", misses[i]);
        ck_assert_ptr_null(c);
    }
    /* designations of the bound value set only: German gender in 42.34 */
    const char *s, *c;
    OK(epsos_catalogue_search(&s, &c, cat, VS(34), "WEIBLICH"));
    ck_assert_str_eq(c, "F");
    OK(epsos_catalogue_search(&s, &c, cat, VS(34), "zenske"));   /* sk Ženské */
    ck_assert_str_eq(c, "F");
    OK(epsos_catalogue_search(&s, &c, cat, VS(34), "feminin"));
    ck_assert_str_eq(c, "F");
    epsos_catalogue_free(cat);
}
END_TEST

/* Any number of threads share one catalogue. */
static void *lookup_thread(void *arg)
{
    const epsos_catalogue *cat = arg;
    long bad = 0;
    for (int i = 0; i < 20000; i++) {
        const char *d, *l;
        bad += epsos_catalogue_contains(cat, VS(34), GENDER, "F") != 1;
        bad += epsos_catalogue_contains(cat, VS(34), GENDER, "Q") != 0;
        bad += epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "de-AT") != EPSOS_OK ||
               strcmp(d, "Weiblich") != 0;
    }
    return (void *)bad;
}

START_TEST(test_threads)
{
    epsos_catalogue *cat = fixture_catalogue();
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, lookup_thread, cat), 0);
    for (int i = 0; i < 4; i++) {
        void *res;
        pthread_join(t[i], &res);
        ck_assert_ptr_null(res);
    }
    epsos_catalogue_free(cat);
}
END_TEST

/* --- the real eHDSI data -------------------------------------------------------- */

typedef struct { char **v; size_t n, cap; } strv;

static void strv_add(strv *s, const char *x)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = strdup(x);
}

static void strv_free(strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a corpus directory whose names start with prefix and end with suffix. */
static bool corpus_dir(strv *out, const char *rel, const char *prefix, const char *suffix)
{
    char *dir = corpus_file(rel);
    if (!dir)
        return false;
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    DIR *dh = opendir(d);
    if (!dh)
        return false;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t l = strlen(e->d_name), sl = strlen(suffix);
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && l > sl &&
            strcmp(e->d_name + l - sl, suffix) == 0) {
            char p[8192];
            snprintf(p, sizeof p, "%s/%s", d, e->d_name);
            strv_add(out, p);
        }
    }
    closedir(dh);
    qsort(out->v, out->n, sizeof *out->v, cmp_strp);
    return out->n > 0;
}

static epsos_catalogue *build_files(const strv *files)
{
    epsos_catalogue_builder *b = NULL;
    OK(epsos_catalogue_builder_new(&b, ctx));
    for (size_t i = 0; i < files->n; i++) {
        int rc = epsos_catalogue_builder_add_file(b, files->v[i]);
        if (rc)
            fprintf(stderr, "%s\n", epsos_ctx_errmsg(ctx));
        OK(rc);
    }
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_builder_finish(&cat, b));
    epsos_catalogue_builder_free(b);
    return cat;
}

/* Column `name` of mvc-value-sets.tsv for each value set: calls check(). */
static int compare_counts(const epsos_catalogue *cat, const char *column, const char *need)
{
    char *p = corpus_file("terminology/derived/mvc-value-sets.tsv");
    ck_assert_ptr_nonnull(p);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    char line[8192];
    int col = -1, vscol = 0, needcol = -1, compared = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *fld[32];
        int nf = 0;
        for (char *s = line; nf < 32;) {
            fld[nf++] = s;
            char *t = strchr(s, '\t');
            if (!t)
                break;
            *t = '\0';
            s = t + 1;
        }
        if (col < 0) {
            for (int i = 0; i < nf; i++) {
                if (!strcmp(fld[i], column)) col = i;
                if (!strcmp(fld[i], "vs_oid")) vscol = i;
                if (!strcmp(fld[i], "saved_here")) needcol = i;
            }
            ck_assert_int_ge(col, 0);
            continue;
        }
        if (col >= nf || !*fld[col])
            continue;
        if (need && (needcol >= nf || !strstr(fld[needcol], need)))
            continue;
        size_t n = 0;
        int rc = epsos_catalogue_value_set(cat, fld[vscol], &n, NULL, NULL);
        ck_assert_msg(rc == EPSOS_OK, "%s: value set missing from the catalogue", fld[vscol]);
        ck_assert_msg(n == strtoul(fld[col], NULL, 10), "%s: %zu concepts, %s says %s",
                      fld[vscol], n, column, fld[col]);
        compared++;
    }
    fclose(f);
    return compared;
}

START_TEST(test_corpus_artdecor_counts_and_determinism)
{
    strv files = { 0 };
    if (!corpus_dir(&files, "schematron/ehdsi-2024-04/include", "voc-", ".xml")) {
        fprintf(stderr, "ART-DECOR voc files not found: corpus test skipped\n");
        return;
    }
    epsos_catalogue *cat = build_files(&files);
    ck_assert_int_ge(compare_counts(cat, "artdecor_2024_count", NULL), 40);
    /* byte-identical rebuild from the same sources (the order of sources
     * matters: a later definition of a value set replaces an earlier one) */
    epsos_catalogue_builder *b1 = NULL, *b2 = NULL;
    OK(epsos_catalogue_builder_new(&b1, ctx));
    OK(epsos_catalogue_builder_new(&b2, ctx));
    for (size_t i = 0; i < files.n; i++) {
        OK(epsos_catalogue_builder_add_file(b1, files.v[i]));
        OK(epsos_catalogue_builder_add_file(b2, files.v[i]));
    }
    uint8_t *i1, *i2;
    size_t n1, n2;
    OK(epsos_catalogue_builder_serialize(&i1, &n1, b1));
    OK(epsos_catalogue_builder_serialize(&i2, &n2, b2));
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(i1, i2, n1) == 0);
    epsos_free(i1);
    epsos_free(i2);
    epsos_catalogue_builder_free(b1);
    epsos_catalogue_builder_free(b2);
    epsos_catalogue_free(cat);
    strv_free(&files);
}
END_TEST

START_TEST(test_corpus_svs_counts)
{
    strv files = { 0 };
    if (!corpus_dir(&files, "terminology/openncp-svs-epsos-2011", "", ".xml")) {
        fprintf(stderr, "SVS files not found: corpus test skipped\n");
        return;
    }
    epsos_catalogue *cat = build_files(&files);
    ck_assert_int_ge(compare_counts(cat, "epsos_2011_count", "svs-2011"), 25);
    epsos_catalogue_free(cat);
    strv_free(&files);
}
END_TEST

START_TEST(test_corpus_hl7eu_counts)
{
    char *p = corpus_file("terminology/derived/hl7eu-8.1.0-concepts-nonsnomed.tsv");
    if (!p) {
        fprintf(stderr, "hl7-eu concepts not found: corpus test skipped\n");
        return;
    }
    /* the derived TSV has displays with line breaks in them (3 rows): join
     * such continuation lines into a strict TSV copy first */
    char tmp[] = "/tmp/check_term_hl7eu_XXXXXX";
    int fd = mkstemp(tmp);
    ck_assert_int_ge(fd, 0);
    FILE *in = fopen(p, "r"), *out = fdopen(fd, "w");
    ck_assert_ptr_nonnull(in);
    char row[65536];
    bool first = true;
    while (fgets(row, sizeof row, in)) {
        row[strcspn(row, "\r\n")] = '\0';
        int tabs = 0;
        for (char *t = row; *t; t++)
            tabs += *t == '\t';
        if (tabs == 5)
            fprintf(out, "%s%s", first ? "" : "\n", row);
        else
            fprintf(out, " %s", row);
        first = false;
    }
    fputc('\n', out);
    fclose(in);
    fclose(out);
    strv files = { 0 };
    strv_add(&files, tmp);
    epsos_catalogue *cat = build_files(&files);
    unlink(tmp);
    /* value sets saved whole (no SNOMED part) */
    char *q = corpus_file("terminology/derived/mvc-value-sets.tsv");
    FILE *f = fopen(q, "r");
    ck_assert_ptr_nonnull(f);
    char line[8192];
    int compared = 0;
    while (fgets(line, sizeof line, f)) {
        char *fld[16];
        int nf = 0;
        line[strcspn(line, "\r\n")] = '\0';
        for (char *s = line; nf < 16;) {
            fld[nf++] = s;
            char *t = strchr(s, '\t');
            if (!t)
                break;
            *t = '\0';
            s = t + 1;
        }
        if (nf < 14 || strncmp(fld[0], "1.3.6", 5) || strcmp(fld[12], "no") ||
            !strstr(fld[13], "hl7-eu json") || !*fld[3])
            continue;
        size_t n = 0;
        OK(epsos_catalogue_value_set(cat, fld[0], &n, NULL, NULL));
        ck_assert_msg(n == strtoul(fld[3], NULL, 10), "%s: %zu, hl7-eu says %s", fld[0], n,
                      fld[3]);
        compared++;
    }
    fclose(f);
    ck_assert_int_ge(compared, 20);
    epsos_catalogue_free(cat);
    strv_free(&files);
}
END_TEST

/* Membership from the catalogue agrees with the ART-DECOR XML for every
 * (code, codeSystem) used in the corpus documents; the expected answer is
 * computed here from the XML with libxml2. */
typedef struct { strv pairs; } pairset;

static void collect_codes(xmlNode *n, strv *out)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *c = xmlGetNoNsProp(n, (const xmlChar *)"code");
        xmlChar *s = xmlGetNoNsProp(n, (const xmlChar *)"codeSystem");
        if (c && s) {
            char k[1024];
            snprintf(k, sizeof k, "%s\x1f%s", (char *)s, (char *)c);
            strv_add(out, k);
        }
        xmlFree(c);
        xmlFree(s);
        collect_codes(n->children, out);
    }
}

static void collect_dir(const char *dir, strv *out, int depth)
{
    DIR *dh = opendir(dir);
    if (!dh || depth > 8) {
        if (dh)
            closedir(dh);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.')
            continue;
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".xml")) {
            xmlDoc *d = xmlReadFile(p, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
            if (d) {
                collect_codes(xmlDocGetRootElement(d), out);
                xmlFreeDoc(d);
            }
        } else {
            collect_dir(p, out, depth + 1);
        }
    }
    closedir(dh);
}

/* Paths of the *.xml files below dir. */
static void collect_paths(const char *dir, strv *out, int depth)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    struct dirent *e;
    while ((e = readdir(dh)) && depth < 8) {
        if (e->d_name[0] == '.')
            continue;
        char p[8192];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".xml"))
            strv_add(out, p);
        else
            collect_paths(p, out, depth + 1);
    }
    closedir(dh);
    qsort(out->v, out->n, sizeof *out->v, cmp_strp);
}

START_TEST(test_corpus_membership_agrees_with_artdecor)
{
    strv files = { 0 }, codes = { 0 };
    char sd[4096];
    char *samples = corpus_file("samples");
    snprintf(sd, sizeof sd, "%s", samples ? samples : "");
    if (!samples || !corpus_dir(&files, "schematron/ehdsi-2024-04/include", "voc-1", ".xml")) {
        fprintf(stderr, "corpus not found: membership test skipped\n");
        return;
    }
    collect_dir(sd, &codes, 0);
    qsort(codes.v, codes.n, sizeof *codes.v, cmp_strp);
    ck_assert_uint_gt(codes.n, 100);
    epsos_catalogue *cat = build_files(&files);
    size_t checked = 0, members = 0;
    for (size_t f = 0; f < files.n; f++) {
        xmlDoc *d = xmlReadFile(files.v[f], NULL, XML_PARSE_NONET);
        ck_assert_ptr_nonnull(d);
        /* valueSets/valueSet/conceptList/concept, the expected set */
        for (xmlNode *vs = xmlDocGetRootElement(d)->children; vs; vs = vs->next) {
            if (vs->type != XML_ELEMENT_NODE || strcmp((const char *)vs->name, "valueSet"))
                continue;
            xmlChar *oid = xmlGetNoNsProp(vs, (const xmlChar *)"id");
            strv expect = { 0 };
            for (xmlNode *cl = vs->children; cl; cl = cl->next)
                if (cl->type == XML_ELEMENT_NODE && !strcmp((const char *)cl->name, "conceptList"))
                    collect_codes(cl->children, &expect);
            qsort(expect.v, expect.n, sizeof *expect.v, cmp_strp);
            const char *prev = "";
            for (size_t i = 0; i < codes.n; i++) {
                if (!strcmp(codes.v[i], prev))
                    continue;
                prev = codes.v[i];
                char k[1024];
                snprintf(k, sizeof k, "%s", codes.v[i]);
                char *sep = strchr(k, '\x1f');
                *sep = '\0';
                bool want = bsearch(&codes.v[i], expect.v, expect.n, sizeof *expect.v,
                                    cmp_strp) != NULL;
                int got = epsos_catalogue_contains(cat, (const char *)oid, k, sep + 1);
                ck_assert_msg(got == (int)want, "%s: %s|%s: catalogue %d, ART-DECOR %d",
                              (const char *)oid, k, sep + 1, got, want);
                checked++;
                members += want;
            }
            strv_free(&expect);
            xmlFree(oid);
        }
        xmlFreeDoc(d);
    }
    fprintf(stderr, "membership: %zu distinct codes of the corpus documents x value sets "
            "checked, %zu members\n", checked, members);
    ck_assert_uint_gt(checked, 1000);
    ck_assert_uint_gt(members, 50);
    epsos_catalogue_free(cat);
    strv_free(&files);
    strv_free(&codes);
}
END_TEST

/* The Danish national mapping and the multilingual designations. */
START_TEST(test_corpus_danish_and_designations)
{
    strv files = { 0 };
    char *p;
    if (!corpus_dir(&files, "schematron/ehdsi-2024-04/include", "voc-", ".xml") ||
        !(p = corpus_file("terminology/derived/national-to-mvc-mappings.tsv"))) {
        fprintf(stderr, "corpus not found: Danish mapping test skipped\n");
        return;
    }
    strv_add(&files, p);
    strv_add(&files, corpus_file("terminology/derived/designations-multilingual.tsv"));
    strv_add(&files, corpus_file("terminology/derived/code-systems.tsv"));
    epsos_catalogue *cat = build_files(&files);
    const char *s, *c, *d, *l;
    /* package unit ML -> UCUM mL, a member of eHDSIUnit */
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, "LMS15 package unit (type 4)", "ML", NULL));
    ck_assert_str_eq(s, UCUM);
    ck_assert_str_eq(c, "mL");
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(16), s, c), 1);
    ck_assert_int_eq(epsos_catalogue_transcode(&s, &c, &d, cat, "LMS15 package unit (type 4)",
                                               "AS", NULL), EPSOS_ENOTFOUND);  /* unmapped */
    /* every LMS22 dose form -> EDQM 10714000 (the Danish dummy mapping) */
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, "2.16.17.710.802.1000.990.1.20.22", "VASEL",
                                 VS(2)));
    ck_assert_str_eq(c, "10714000");
    ck_assert_int_eq(epsos_catalogue_contains(cat, VS(2), s, c), 1);
    /* Danish dose form text, then de / fr / sk through the fallback chain */
    OK(epsos_catalogue_designation(&d, &l, cat, "2.16.17.710.802.1000.990.1.20.22", "VASEL",
                                   "da-DK"));
    ck_assert_str_eq(d, "vaselin");
    ck_assert_str_eq(l, "da");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "de-AT"));
    ck_assert_str_eq(d, "Weiblich");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "sk-SK"));
    ck_assert_str_eq(l, "sk-SK");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "F", "fr-BE"));
    ck_assert_str_eq(l, "fr");
    ck_assert_str_eq(d, "F\xc3\xa9minin");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "M", "fr-BE"));   /* no fr: en */
    ck_assert_str_eq(l, "en");
    OK(epsos_catalogue_designation(&d, &l, cat, GENDER, "M", "da-DK"));   /* no da: en */
    ck_assert_str_eq(d, "Male");
    epsos_catalogue_free(cat);
    strv_free(&files);
}
END_TEST

/* The OpenNCP coded-element list (coded_element_list_ehdsi.xml) as a
 * cross-check of the template-table bindings.  Every element an entry of
 * the list selects in a corpus document (its XPath evaluated here with
 * libxml2, namespace-unaware as OpenNCP writes it) must be visited by
 * epsos_transcode with the entry's value set.  "Visited" is observed, not
 * assumed: the catalogue defines every MVC value set with one dummy member,
 * so every visited coded element is a finding whose XPath is resolved here
 * to its node.  An entry may name several value sets (the main one and an
 * absent/unknown or second-code-system one): the row's binding must be one
 * of them.  The differences that are not data (our tables do not model the
 * element, or OpenNCP's binding is not the eHDSI one) are listed below with
 * the reason; any other difference fails. */
typedef struct { const char *label, *vs; const char *why; } cel_known;

#define NOROW "no row of the template table holds this element (a row to add, not a binding)"
#define SHARED "the code row comes from OBS_COMMON in lib/cda/ps.c, shared by several kinds: " \
               "binding it would bind them all (the row must be split first)"
static const cel_known cel_exceptions[] = {
    { "Profession", VS(1), "documentationOf/serviceEvent/performer and section-level authors: "
      NOROW },
    { "Confidentiality code", VS(31), "the eHDSI 2024-04 Schematron binds "
      "x_BasicConfidentialityKind 2.16.840.1.113883.1.11.10228 (the row's binding); 42.31 is "
      "the epSOS 2011 set" },
    { "Medication Summary - Dose Quantity low Unit", VS(16), "PS doseQuantity/low: " NOROW },
    { "Medication Summary - Dose Quantity high Unit", VS(16), "PS doseQuantity/high: " NOROW },
    { "Dispensation - Route of administration", VS(12), "the prescribed item's routeCode in "
      "an eD: " NOROW },
    { "Medication Summary - Medicinal product package level 2", VS(3), NOROW },
    { "Medication Summary - Medicinal product package level 3", VS(3), NOROW },
    { "Severity", VS(13), "the list's generic XPath //observation/entryRelationship[@typeCode="
      "'SUBJ']/observation/value also selects criticality, certainty and other "
      "sub-observations; the severity observation (3.8) is bound to 42.13" },
    { "Social History - Observation type", VS(14), SHARED },
    { "Pregnancy Expected Delivery Date Observation", VS(9), SHARED },
    { "Pregnancy Outcome Observation", VS(62), SHARED },
    { "Physical findings - Systolic / diastolic blood pressure", VS(21), SHARED },
    { "Diagnostic tests - Blood group", VS(20), "observations coded 34530-6 with the legacy IHE "
      "template 1.3.6.1.4.1.19376.1.5.3.1.4.13 only: the table knows the blood group entry by "
      "its eHDSI template 3.25" },
    { NULL, NULL, NULL }
};

static void strip_ns(xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        n->ns = NULL;
        for (xmlAttr *a = n->properties; a; a = a->next)
            a->ns = NULL;
        strip_ns(n->children);
    }
}

typedef struct {
    char *label, *path, *vs, *attr;
    xmlXPathCompExpr *x;
    size_t matched, visited, other_vs;
    char seen_vs[200];
} cel_entry;

/* Is vs one of the space-separated value sets of list? */
static bool vs_in(const char *vs, const char *list)
{
    size_t n = strlen(vs);
    for (const char *p = list; (p = strstr(p, vs)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
            return true;
    return false;
}

static const char *cel_why(const char *label, const char *vs)
{
    for (const cel_known *k = cel_exceptions; k->label; k++)
        if (!strncmp(k->label, label, strlen(k->label)) && (!k->vs || vs_in(k->vs, vs)))
            return k->why;
    return NULL;
}

START_TEST(test_corpus_coded_element_list)
{
    char listp[4096], samples[4096];
    char *lp = corpus_file("terminology/openncp-coded-element-list/"
                           "coded_element_list_ehdsi.konateq-openncp.xml");
    snprintf(listp, sizeof listp, "%s", lp ? lp : "");
    char *sp = corpus_file("samples");
    snprintf(samples, sizeof samples, "%s", sp ? sp : "");
    if (!lp || !sp) {
        fprintf(stderr, "coded element list not found: cross-check skipped\n");
        return;
    }
    /* the entries */
    xmlDoc *ld = xmlReadFile(listp, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(ld);
    cel_entry ent[128];
    size_t ne = 0;
    const char *label = "";
    for (xmlNode *c = xmlDocGetRootElement(ld)->children; c; c = c->next) {
        if (c->type == XML_COMMENT_NODE)
            label = (const char *)c->content;
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "codedElement"))
            continue;
        cel_entry *e = &ent[ne];
        memset(e, 0, sizeof *e);
        for (xmlNode *f = c->children; f; f = f->next) {
            if (f->type != XML_ELEMENT_NODE)
                continue;
            xmlChar *t = xmlNodeGetContent(f);
            /* an entry may name several value sets: any one of them binds */
            if (!strcmp((const char *)f->name, "elementPath")) {
                free(e->path);
                e->path = strdup((char *)t);
            } else if (!strcmp((const char *)f->name, "valueSet")) {
                size_t ol = e->vs ? strlen(e->vs) : 0;
                e->vs = realloc(e->vs, ol + strlen((char *)t) + 2);
                ck_assert_ptr_nonnull(e->vs);
                snprintf(e->vs + ol, strlen((char *)t) + 2, "%s%s", ol ? " " : "", (char *)t);
            }
            xmlFree(t);
        }
        ck_assert_ptr_nonnull(e->path);
        ck_assert_ptr_nonnull(e->vs);
        /* "Medication Summary - ..." -> trimmed */
        while (*label == ' ')
            label++;
        e->label = strdup(label);
        for (char *z = e->label + strlen(e->label); z > e->label && z[-1] == ' ';)
            *--z = '\0';
        /* an attribute path selects its element, which must carry it */
        char *at = strrchr(e->path, '@');
        char *sl = strrchr(e->path, '/');
        if (at && sl && at == sl + 1) {
            e->attr = strdup(at + 1);
            *sl = '\0';
        }
        e->x = xmlXPathCompile((const xmlChar *)e->path);
        ck_assert_msg(e->x != NULL, "%s: not an XPath", e->path);
        ne++;
        ck_assert_uint_lt(ne, 128);
    }
    xmlFreeDoc(ld);
    ck_assert_uint_ge(ne, 68);

    /* every value set with one dummy member */
    char tsv[16384];
    int o = snprintf(tsv, sizeof tsv, "valueset\tsystem\tcode\tdisplay\n");
    for (int i = 1; i <= 81; i++)
        o += snprintf(tsv + o, sizeof tsv - (size_t)o, VS() "%d\t1.2.999.0\t-\t-\n", i);
    snprintf(tsv + o, sizeof tsv - (size_t)o, "2.16.840.1.113883.1.11.10228\t1.2.999.0\t-\t-\n");
    epsos_catalogue_builder *b = NULL;
    OK(epsos_catalogue_builder_new(&b, ctx));
    OK(epsos_catalogue_builder_add(b, (const uint8_t *)tsv, strlen(tsv), "dummy.tsv"));
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_builder_finish(&cat, b));
    epsos_catalogue_builder_free(b);

    strv docs = { 0 };
    collect_paths(samples, &docs, 0);
    epsos_term_report *r = NULL;
    OK(epsos_term_report_new(&r, ctx));
    size_t ndocs = 0, unresolved = 0;
    for (size_t d = 0; d < docs.n; d++) {
        FILE *f = fopen(docs.v[d], "rb");
        ck_assert_ptr_nonnull(f);
        static char buf[4 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        epsos_doc *doc = NULL;
        if (epsos_doc_parse(&doc, ctx, (const uint8_t *)buf, n, 0) != EPSOS_OK)
            continue;
        OK(epsos_transcode(doc, cat, 0, r));
        xmlDoc *x = xmlReadMemory(buf, (int)n, NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
        ck_assert_ptr_nonnull(x);
        /* the visited nodes, with their value sets */
        size_t nf = epsos_term_report_count(r);
        xmlNode **vn = calloc(nf + 1, sizeof *vn);
        const char **vv = calloc(nf + 1, sizeof *vv);
        xmlXPathContext *xc = xmlXPathNewContext(x);
        xmlXPathRegisterNs(xc, (const xmlChar *)"hl7", (const xmlChar *)"urn:hl7-org:v3");
        xmlXPathRegisterNs(xc, (const xmlChar *)"pharm", (const xmlChar *)"urn:hl7-org:pharm");
        xmlXPathRegisterNs(xc, (const xmlChar *)"epsos",
                           (const xmlChar *)"urn:epsos-org:ep:medication");
        for (size_t i = 0; i < nf; i++) {
            const char *xp, *vs;
            int32_t fc;
            OK(epsos_term_report_finding(r, i, &fc, &xp, &vs, NULL));
            char q[2048];
            snprintf(q, sizeof q, "%s", xp);
            char *at = strstr(q, "/@");
            if (at)
                *at = '\0';
            xmlXPathObject *res = xmlXPathEvalExpression((const xmlChar *)q, xc);
            if (res && res->nodesetval && res->nodesetval->nodeNr == 1) {
                vn[i] = res->nodesetval->nodeTab[0];
                vv[i] = vs;
            } else {
                unresolved++;
                fprintf(stderr, "%s: finding XPath %s resolves to no single node\n",
                        docs.v[d], xp);
            }
            xmlXPathFreeObject(res);
        }
        xmlXPathFreeContext(xc);
        strip_ns(xmlDocGetRootElement(x));
        xc = xmlXPathNewContext(x);
        for (size_t k = 0; k < ne; k++) {
            xmlXPathObject *res = xmlXPathCompiledEval(ent[k].x, xc);
            for (int m = 0; res && res->nodesetval && m < res->nodesetval->nodeNr; m++) {
                xmlNode *node = res->nodesetval->nodeTab[m];
                const char *want = ent[k].attr ? ent[k].attr : "code";
                if (node->type != XML_ELEMENT_NODE || !xmlHasProp(node, (const xmlChar *)want))
                    continue;
                ent[k].matched++;
                bool vis = false, same = false;
                for (size_t i = 0; i < nf; i++)
                    if (vn[i] == node) {
                        vis = true;
                        same = same || vs_in(vv[i], ent[k].vs);
                        if (!vs_in(vv[i], ent[k].vs) && !ent[k].seen_vs[0])
                            snprintf(ent[k].seen_vs, sizeof ent[k].seen_vs, "%s", vv[i]);
                    }
                if (!vis && getenv("EPSOS_CEL_DEBUG")) {
                    xmlChar *np = xmlGetNodePath(node);
                    fprintf(stderr, "  not visited: %s: %s %s\n", ent[k].label, (char *)np, docs.v[d]);
                    xmlFree(np);
                }
                ent[k].visited += vis;
                ent[k].other_vs += vis && !same;
            }
            xmlXPathFreeObject(res);
        }
        xmlXPathFreeContext(xc);
        free(vn);
        free(vv);
        xmlFreeDoc(x);
        epsos_doc_free(doc);
        ndocs++;
    }
    ck_assert_uint_gt(ndocs, 40);
    ck_assert_uint_eq(unresolved, 0);
    size_t bad = 0, exercised = 0;
    for (size_t k = 0; k < ne; k++) {
        const char *why = cel_why(ent[k].label, ent[k].vs);
        bool diff = ent[k].matched && (ent[k].visited < ent[k].matched || ent[k].other_vs);
        exercised += ent[k].matched > 0;
        if (diff)
            fprintf(stderr, "coded element list: %-60.60s %s: %zu in the corpus, %zu visited, "
                    "%zu with value set %s%s%s\n", ent[k].label, ent[k].vs,
                    ent[k].matched, ent[k].visited, ent[k].other_vs,
                    ent[k].seen_vs[0] ? ent[k].seen_vs : "-",
                    why ? ": known: " : "", why ? why : "");
        if (diff && !why)
            bad++;
    }
    fprintf(stderr, "coded element list: %zu entries, %zu found in %zu corpus documents, "
            "%zu differ without a known reason\n", ne, exercised, ndocs, bad);
    ck_assert_uint_eq(bad, 0);
    for (size_t k = 0; k < ne; k++) {
        free(ent[k].label); free(ent[k].path); free(ent[k].vs); free(ent[k].attr);
        xmlXPathFreeCompExpr(ent[k].x);
    }
    epsos_term_report_free(r);
    epsos_catalogue_free(cat);
    strv_free(&docs);
}
END_TEST

/* The raw Danish LMS files (cp850, fixed width, CRLF) load as they are:
 * the encoding detected, or named; their Danish texts equal the derived
 * designations table (read here independently). */
START_TEST(test_corpus_lms_raw_cp850)
{
    char l22[4096], l15[4096], des[4096], map[4096];
    char *p = corpus_file("terminology/sundhedsdatastyrelsen-ehdsi/lms22.txt");
    snprintf(l22, sizeof l22, "%s", p ? p : "");
    p = corpus_file("terminology/sundhedsdatastyrelsen-ehdsi/lms15.txt");
    snprintf(l15, sizeof l15, "%s", p ? p : "");
    p = corpus_file("terminology/derived/designations-multilingual.tsv");
    snprintf(des, sizeof des, "%s", p ? p : "");
    p = corpus_file("terminology/derived/national-to-mvc-mappings.tsv");
    snprintf(map, sizeof map, "%s", p ? p : "");
    if (!*l22 || !*l15 || !*des || !*map) {
        fprintf(stderr, "LMS files not found: raw cp850 test skipped\n");
        return;
    }
    /* detected: the files are not UTF-8 and have the LMS layout */
    epsos_catalogue_builder *b = NULL;
    OK(epsos_catalogue_builder_new(&b, ctx));
    OK(epsos_catalogue_builder_add_file(b, l22));
    OK(epsos_catalogue_builder_add_file(b, l15));
    OK(epsos_catalogue_builder_add_file(b, map));
    uint8_t *i1 = NULL, *i2 = NULL;
    size_t n1 = 0, n2 = 0;
    OK(epsos_catalogue_builder_serialize(&i1, &n1, b));
    epsos_catalogue_builder_free(b);
    /* named: the same image */
    OK(epsos_catalogue_builder_new(&b, ctx));
    OK(epsos_catalogue_builder_set_encoding(b, "cp850"));
    OK(epsos_catalogue_builder_add_file(b, l22));
    OK(epsos_catalogue_builder_add_file(b, l15));
    OK(epsos_catalogue_builder_set_encoding(b, NULL));
    OK(epsos_catalogue_builder_add_file(b, map));
    OK(epsos_catalogue_builder_serialize(&i2, &n2, b));
    epsos_catalogue_builder_free(b);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(i1, i2, n1) == 0);
    epsos_free(i2);
    epsos_catalogue *cat = NULL;
    OK(epsos_catalogue_open_buffer(&cat, ctx, i1, n1));
    epsos_free(i1);
    size_t n;
    OK(epsos_catalogue_count(cat, EPSOS_CAT_CONCEPTS, &n));
    ck_assert_uint_eq(n, 842 + 130);

    const char *d, *l, *s, *c;
    OK(epsos_catalogue_designation(&d, &l, cat, "2.16.17.710.802.1000.990.1.20.22", "ANVSK", "da-DK"));
    ck_assert_str_eq(d, "an\xc3\xa6stesiv\xc3\xa6ske");      /* anæstesivæske */
    ck_assert_str_eq(l, "da");
    OK(epsos_catalogue_concept(&d, cat, "LMS15 package unit (type 4)", "AM"));
    ck_assert_str_eq(d, "ampuller");
    /* the national mapping over the raw national systems */
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, "2.16.17.710.802.1000.990.1.20.22", "VASEL",
                                 NULL));
    ck_assert_str_eq(c, "10714000");
    OK(epsos_catalogue_transcode(&s, &c, &d, cat, "LMS15 package unit (type 4)", "ML", NULL));
    ck_assert_str_eq(c, "mL");

    /* every Danish text of the derived table, found in the catalogue */
    FILE *f = fopen(des, "r");
    ck_assert_ptr_nonnull(f);
    char line[8192];
    size_t compared = 0;
    while (fgets(line, sizeof line, f)) {
        char *fld[8];
        int nf = 0;
        line[strcspn(line, "\r\n")] = '\0';
        for (char *q = line; nf < 8;) {
            fld[nf++] = q;
            char *t = strchr(q, '\t');
            if (!t)
                break;
            *t = '\0';
            q = t + 1;
        }
        if (nf < 5 || strcmp(fld[3], "da"))
            continue;
        const char *sys = fld[0];
        if (!*sys)
            sys = strstr(fld[1], "type=package") ? "LMS15 package unit (type 4)"
                : strstr(fld[1], "type=strength") ? "LMS15 substance unit (type 3)"
                : "LMS15 time unit (type 1)";
        OK(epsos_catalogue_designation(&d, &l, cat, sys, fld[2], "da"));
        ck_assert_msg(!strcmp(d, fld[4]), "%s|%s: \"%s\", derived \"%s\"", sys, fld[2], d, fld[4]);
        compared++;
    }
    fclose(f);
    ck_assert_uint_eq(compared, 972);
    epsos_catalogue_free(cat);

    /* named encodings: wrong, unknown; a cp850 TSV */
    OK(epsos_catalogue_builder_new(&b, ctx));
    OK(epsos_catalogue_builder_set_encoding(b, "UTF-8"));
    ck_assert_int_eq(epsos_catalogue_builder_add_file(b, l22), EPSOS_EVALUE);
    ck_assert_int_eq(epsos_catalogue_builder_set_encoding(b, "no-such-charset"), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "no-such-charset"));
    static const char tsv850[] = "system\tcode\tlanguage\tdesignation\n"
                                 "1.2.999.7.5\tAPPLE\tda\t\x91" "ble\n";   /* cp850 æ */
    ck_assert_int_eq(epsos_catalogue_builder_add(b, (const uint8_t *)tsv850, sizeof tsv850 - 1,
                                                 "da.tsv"), EPSOS_EVALUE);   /* as UTF-8 */
    OK(epsos_catalogue_builder_set_encoding(b, "cp850"));
    OK(epsos_catalogue_builder_add(b, (const uint8_t *)tsv850, sizeof tsv850 - 1, "da.tsv"));
    OK(epsos_catalogue_builder_finish(&cat, b));
    OK(epsos_catalogue_designation(&d, &l, cat, "1.2.999.7.5", "APPLE", "da"));
    ck_assert_str_eq(d, "\xc3\xa6" "ble");
    epsos_catalogue_free(cat);
    epsos_catalogue_builder_free(b);
    /* auto: a TSV that is not UTF-8 is refused (only LMS files are guessed) */
    OK(epsos_catalogue_builder_new(&b, ctx));
    ck_assert_int_eq(epsos_catalogue_builder_add(b, (const uint8_t *)tsv850, sizeof tsv850 - 1,
                                                 "da.tsv"), EPSOS_EVALUE);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "UTF-8"));
    /* a truncated LMS22 record is no LMS file: then it is no TSV either */
    static const char bad22[] = "VASEL  vaselin\r\n";
    ck_assert_int_eq(epsos_catalogue_builder_add(b, (const uint8_t *)bad22, sizeof bad22 - 1,
                                                 "lms22.txt"), EPSOS_EVALUE);
    epsos_catalogue_builder_free(b);
}
END_TEST

/* A corpus document: transcoding with the MVC keeps it byte for byte when
 * its codes are MVC codes; translating changes display names only. */
START_TEST(test_corpus_document_roundtrip)
{
    strv files = { 0 };
    char *ps = corpus_file("samples/konateq-openncp/samples");
    if (!ps || !corpus_dir(&files, "schematron/ehdsi-2024-04/include", "voc-", ".xml")) {
        fprintf(stderr, "corpus not found: document test skipped\n");
        return;
    }
    strv docs = { 0 };
    if (!corpus_dir(&docs, "samples/konateq-openncp/samples", "", ".xml")) {
        strv_free(&files);
        return;
    }
    strv_add(&files, corpus_file("terminology/derived/designations-multilingual.tsv"));
    epsos_catalogue *cat = build_files(&files);
    epsos_term_report *r = NULL;
    OK(epsos_term_report_new(&r, ctx));
    size_t done = 0;
    for (size_t i = 0; i < docs.n; i++) {
        epsos_doc *doc = NULL;
        if (epsos_doc_parse_file(&doc, ctx, docs.v[i], 0) != EPSOS_OK)
            continue;
        uint8_t *x1, *x2;
        size_t l1, l2;
        OK(epsos_doc_serialize(&x1, &l1, doc, 0));
        OK(epsos_transcode(doc, cat, 0, r));
        OK(epsos_doc_serialize(&x2, &l2, doc, 0));
        if (stat_of(r, EPSOS_TERM_STAT_TRANSCODED) == 0) {
            ck_assert_uint_eq(l1, l2);
            ck_assert(memcmp(x1, x2, l1) == 0);
        }
        ck_assert_uint_gt(stat_of(r, EPSOS_TERM_STAT_VISITED), 0);
        epsos_free(x2);
        OK(epsos_translate(doc, cat, "de-AT", 0, r));
        OK(epsos_doc_serialize(&x2, &l2, doc, 0));
        ck_assert_uint_ge(l2, l1);
        epsos_free(x1);
        epsos_free(x2);
        epsos_doc_free(doc);
        done++;
    }
    ck_assert_uint_gt(done, 0);
    epsos_term_report_free(r);
    epsos_catalogue_free(cat);
    strv_free(&files);
    strv_free(&docs);
}
END_TEST

/* A Danish document: a dose form in LMS22 (made from a corpus Patient
 * Summary in memory) becomes the EDQM MVC code with the LMS22 code kept. */
START_TEST(test_corpus_danish_dose_form_document)
{
    strv files = { 0 };
    char psp[4096], mapp[4096];
    char *ps = corpus_file("samples/konateq-openncp/samples/9999001M_L3_pivot.xml");
    snprintf(psp, sizeof psp, "%s", ps ? ps : "");
    char *map = corpus_file("terminology/derived/national-to-mvc-mappings.tsv");
    snprintf(mapp, sizeof mapp, "%s", map ? map : "");
    if (!ps || !map || !corpus_dir(&files, "schematron/ehdsi-2024-04/include", "voc-", ".xml")) {
        fprintf(stderr, "corpus not found: Danish document test skipped\n");
        return;
    }
    strv_add(&files, mapp);
    strv_add(&files, corpus_file("terminology/derived/designations-multilingual.tsv"));
    epsos_catalogue *cat = build_files(&files);
    FILE *f = fopen(psp, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 20], out[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *from = "<epsos:formCode nullFlavor=\"UNK\" />";
    const char *to = "<epsos:formCode code=\"VASEL\" codeSystem=\"2.16.17.710.802.1000.990.1.20.22\""
                     " displayName=\"vaselin\" />";
    char *at = strstr(buf, from);
    ck_assert_ptr_nonnull(at);
    size_t pre = (size_t)(at - buf);
    memcpy(out, buf, pre);
    strcpy(out + pre, to);
    strcat(out + pre, at + strlen(from));
    epsos_doc *doc = NULL;
    OK(epsos_doc_parse(&doc, ctx, (const uint8_t *)out, strlen(out), 0));
    epsos_term_report *r = NULL;
    OK(epsos_term_report_new(&r, ctx));
    OK(epsos_transcode(doc, cat, 0, r));
    ck_assert_uint_ge(stat_of(r, EPSOS_TERM_STAT_TRANSCODED), 1);
    uint8_t *x = NULL;
    size_t len = 0;
    OK(epsos_doc_serialize(&x, &len, doc, 0));
    ck_assert_uint_eq(count_str(x, len, "<epsos:formCode code=\"10714000\" "
                                        "codeSystem=\"0.4.0.127.0.16.1.1.2.1\" "
                                        "displayName=\"Ear tampon\"><epsos:translation code=\"VASEL\" "
                                        "codeSystem=\"2.16.17.710.802.1000.990.1.20.22\" "
                                        "displayName=\"vaselin\"/></epsos:formCode>")
                      + count_str(x, len, "<epsos:formCode code=\"10714000\" "
                                          "codeSystem=\"0.4.0.127.0.16.1.1.2.1\" "
                                          "displayName=\"Ear tampon\"><translation code=\"VASEL\" "
                                          "codeSystem=\"2.16.17.710.802.1000.990.1.20.22\" "
                                          "displayName=\"vaselin\"/></epsos:formCode>"), 1);
    epsos_free(x);
    /* into Danish: no Danish EDQM term, reported, the English display kept */
    OK(epsos_translate(doc, cat, "da-DK", 0, r));
    ck_assert_int_ge(finding_count(r, EPSOS_TERM_NO_DESIGNATION), 1);
    epsos_term_report_free(r);
    epsos_doc_free(doc);
    epsos_catalogue_free(cat);
    strv_free(&files);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("term");
    TCase *tc = tcase_create("catalogue");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_fixture_lookups);
    tcase_add_test(tc, test_file_roundtrip_deterministic);
    tcase_add_test(tc, test_corrupted_images);
    tcase_add_test(tc, test_bad_sources);
    tcase_add_test(tc, test_transcode_document);
    tcase_add_test(tc, test_translate_document);
    tcase_add_test(tc, test_units);
    tcase_add_test(tc, test_search_accents);
    tcase_add_test(tc, test_threads);
    tcase_add_test(tc, test_corpus_artdecor_counts_and_determinism);
    tcase_add_test(tc, test_corpus_svs_counts);
    tcase_add_test(tc, test_corpus_hl7eu_counts);
    tcase_add_test(tc, test_corpus_membership_agrees_with_artdecor);
    tcase_add_test(tc, test_corpus_danish_and_designations);
    tcase_add_test(tc, test_corpus_coded_element_list);
    tcase_add_test(tc, test_corpus_lms_raw_cp850);
    tcase_add_test(tc, test_corpus_document_roundtrip);
    tcase_add_test(tc, test_corpus_danish_dose_form_document);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
