/* Tests of the internal HL7 datatype helpers (TS, II, PQ, TEL, CS, text)
 * and of the node path writer.  Linked against the convenience library. */
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <libxml/parser.h>
#include "model/dt.h"
#include "core/internal.h"

START_TEST(test_ts_valid_roundtrip)
{
    static const char *const ok[] = { "2026", "202611", "20261124", "2026112410",
        "202611241030", "20261124103000", "20261124103000.5", "20261124103000.1234",
        "20261124103000+0100", "20261124-0330", "20240229", "20000229",
        "19700101000000+0000", "20261124103000.25-1200", NULL };
    for (int i = 0; ok[i]; i++) {
        epsos__ts ts;
        const char *why = NULL;
        char buf[40];
        ck_assert_msg(epsos__ts_parse(ok[i], &ts, &why) == 0, "%s: %s", ok[i], why);
        ck_assert_int_ge(epsos__ts_format(&ts, buf, sizeof buf), 4);
        ck_assert_str_eq(buf, ok[i]);                     /* canonical round trip */
    }
}
END_TEST

START_TEST(test_ts_invalid)
{
    static const struct { const char *s, *why; } bad[] = {
        { "", "empty" }, { "26", "digits" }, { "2026-11-24", "digits" },
        { "20261324", "month" }, { "20230229", "day" }, { "19000229", "day" },
        { "20261131", "day" }, { "2026112424", "hour" }, { "202611241060", "minute" },
        { "20261124103060", "second" }, { "20261124.5", "fraction needs seconds" },
        { "20261124103000.", "fraction" }, { "20261124103000.12345", "fraction" },
        { "20261124+01", "time zone" }, { "20261124+2500", "out of range" },
        { "20261124Z", "unexpected" }, { "2026112", "digits" }, { "20261124 ", "unexpected" },
        { NULL, NULL } };
    for (int i = 0; bad[i].s; i++) {
        epsos__ts ts;
        const char *why = NULL;
        ck_assert_msg(epsos__ts_parse(bad[i].s, &ts, &why) < 0, "accepted %s", bad[i].s);
        ck_assert_msg(why && strstr(why, bad[i].why), "%s: reason \"%s\" lacks \"%s\"",
                      bad[i].s, why ? why : "(null)", bad[i].why);
    }
    ck_assert_int_lt(epsos__ts_parse(NULL, &(epsos__ts){0}, NULL), 0);
}
END_TEST

static epsos__ts T(const char *s)
{
    epsos__ts t;
    ck_assert_int_eq(epsos__ts_parse(s, &t, NULL), 0);
    return t;
}

START_TEST(test_ts_instants_and_compare)
{
    epsos__ts a = T("19700101"), b = T("19700101000000+0100"), c = T("20000301");
    ck_assert_int_eq(epsos__ts_start_ms(&a), 0);
    ck_assert_int_eq(epsos__ts_end_ms(&a), 86400000);
    ck_assert_int_eq(epsos__ts_start_ms(&b), -3600000);
    ck_assert_int_eq(epsos__ts_start_ms(&c), 951868800000LL);  /* 2000-03-01 UTC */
    epsos__ts feb = T("200002");
    ck_assert_int_eq(epsos__ts_end_ms(&feb) - epsos__ts_start_ms(&feb), 29LL * 86400000);
    epsos__ts y = T("2000");
    ck_assert_int_eq(epsos__ts_end_ms(&y) - epsos__ts_start_ms(&y), 366LL * 86400000);
    epsos__ts f = T("20000101000000.25");
    ck_assert_int_eq(epsos__ts_start_ms(&f) % 1000, 250);

    epsos__ts x1 = T("20261124103000+0100"), x2 = T("20261124093000+0000");
    ck_assert_int_eq(epsos__ts_compare(&x1, &x2), 0);           /* same instant */
    epsos__ts d1 = T("20261124"), d2 = T("20261125");
    ck_assert_int_eq(epsos__ts_compare(&d1, &d2), -1);
    ck_assert_int_eq(epsos__ts_compare(&d2, &d1), 1);
    epsos__ts inside = T("202611241200");
    ck_assert_int_eq(epsos__ts_compare(&d1, &inside), 2);       /* overlap: indeterminate */
    epsos__ts m = T("202611");
    ck_assert_int_eq(epsos__ts_compare(&m, &d1), 2);
    epsos__ts dec = T("202612");
    ck_assert_int_eq(epsos__ts_compare(&m, &dec), -1);
}
END_TEST

START_TEST(test_ii)
{
    const char *why = NULL;
    ck_assert(epsos__oid_valid("1.3.6.1.4.1.12559.11.10.1.3.1.1.3"));
    ck_assert(epsos__oid_valid("2.999"));
    ck_assert(!epsos__oid_valid("3.1"));
    ck_assert(epsos__oid_valid("1"));             /* one arc: the XSD's pattern allows it */
    ck_assert(!epsos__oid_valid("10"));
    ck_assert(!epsos__oid_valid("1a"));
    ck_assert(!epsos__oid_valid("1."));
    ck_assert(!epsos__oid_valid("1.2..3"));
    ck_assert(!epsos__oid_valid("1.02"));
    ck_assert(!epsos__oid_valid("1.2.x"));
    ck_assert(epsos__uuid_valid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
    ck_assert(epsos__uuid_valid("6BA7B810-9DAD-11D1-80B4-00C04FD430C8"));
    ck_assert(!epsos__uuid_valid("6ba7b810-9dad-11d1-80b4-00c04fd430c"));
    ck_assert(!epsos__uuid_valid("6ba7b8109dad11d180b400c04fd430c8"));
    ck_assert(epsos__ii_root_valid("2.16.840.1.113883.2.9.6.2.7", &why));
    ck_assert(!epsos__ii_root_valid("", &why));
    ck_assert_ptr_nonnull(strstr(why, "required"));
    char longoid[80] = "1.2";
    while (strlen(longoid) < 70)
        strcat(longoid, ".12345");
    ck_assert(!epsos__ii_root_valid(longoid, &why));
    ck_assert_ptr_nonnull(strstr(why, "64"));
    ck_assert(!epsos__ii_root_valid("urn:oid:1.2.3", &why));
    ck_assert_ptr_nonnull(strstr(why, "OID"));
}
END_TEST

START_TEST(test_scalars)
{
    const char *why = NULL;
    static const char *const dec_ok[] = { "0", "2.5", "-1", "+3", ".5", "5.", "1e3", "2.5E-2", NULL };
    static const char *const dec_bad[] = { "", "0,5", "1.2.3", "e3", "1e", "abc", " 1", "-", NULL };
    for (int i = 0; dec_ok[i]; i++)
        ck_assert_msg(epsos__decimal_valid(dec_ok[i]), "%s", dec_ok[i]);
    for (int i = 0; dec_bad[i]; i++)
        ck_assert_msg(!epsos__decimal_valid(dec_bad[i]), "%s", dec_bad[i]);
    ck_assert(epsos__code_valid("60591-5"));
    ck_assert(!epsos__code_valid(""));
    ck_assert(!epsos__code_valid("a b"));
    ck_assert(!epsos__code_valid(NULL));
    ck_assert(epsos__null_flavor_valid("UNK"));
    ck_assert(epsos__null_flavor_valid("NI"));
    ck_assert(!epsos__null_flavor_valid("unk"));
    ck_assert(!epsos__null_flavor_valid("XX"));
    ck_assert(epsos__tel_valid("tel:+351-21-555-0100", &why));
    ck_assert(epsos__tel_valid("tel:(01)234.56", &why));
    ck_assert(epsos__tel_valid("mailto:a@example.org", &why));
    ck_assert(!epsos__tel_valid("+351215550100", &why));
    ck_assert(!epsos__tel_valid("tel:+351 21", &why));
    ck_assert_ptr_nonnull(strstr(why, "digits"));
    ck_assert(!epsos__tel_valid("tel:+", &why));
    ck_assert(epsos__xml_text_valid("Ελλάδα Dvořák"));
    ck_assert(!epsos__xml_text_valid("bad \x01 control"));
    ck_assert(!epsos__xml_text_valid("bad \xC3\x28 utf8"));
    ck_assert(!epsos__xml_text_valid("not a char \xEF\xBF\xBF"));
}
END_TEST

START_TEST(test_node_path)
{
    static const char xml[] =
        "<r:ClinicalDocument xmlns:r='urn:hl7-org:v3' xmlns:p='urn:hl7-org:pharm'>"
        "<r:author/><r:author><r:time/><x xmlns='urn:other'/><p:formCode/></r:author>"
        "</r:ClinicalDocument>";
    xmlDoc *d = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL, XML_PARSE_NONET);
    ck_assert_ptr_nonnull(d);
    xmlNode *a2 = xmlDocGetRootElement(d)->children->next;
    char buf[256];
    epsos__node_path(a2->children, buf, sizeof buf);
    ck_assert_str_eq(buf, "/hl7:ClinicalDocument/hl7:author[2]/hl7:time");
    epsos__node_path(a2->children->next, buf, sizeof buf);
    ck_assert_str_eq(buf, "/hl7:ClinicalDocument/hl7:author[2]/*[local-name()='x']");
    epsos__node_path(a2->children->next->next, buf, sizeof buf);
    ck_assert_str_eq(buf, "/hl7:ClinicalDocument/hl7:author[2]/pharm:formCode");
    epsos__node_path(a2->children, buf, 20);                   /* truncated, terminated */
    ck_assert_uint_lt(strlen(buf), 20);
    xmlFreeDoc(d);
}
END_TEST

START_TEST(test_openssl_libctx)
{
    epsos_ctx *ctx = NULL;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    void *lc = epsos__ctx_libctx(ctx);
    ck_assert_ptr_nonnull(lc);
    ck_assert_ptr_eq(epsos__ctx_libctx(ctx), lc);             /* one per ctx */
    epsos_ctx_free(ctx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("datatypes");
    TCase *tc = tcase_create("datatypes");
    tcase_add_test(tc, test_ts_valid_roundtrip);
    tcase_add_test(tc, test_ts_invalid);
    tcase_add_test(tc, test_ts_instants_and_compare);
    tcase_add_test(tc, test_ii);
    tcase_add_test(tc, test_scalars);
    tcase_add_test(tc, test_node_path);
    tcase_add_test(tc, test_openssl_libctx);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
