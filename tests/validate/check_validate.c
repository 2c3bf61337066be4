/*
 * libepsos: conformance validation (issue 7) against the official eHDSI
 * Schematron (shared/tools/schematron/ehdsi-validate --kind auto), run once
 * per test run on the corpus documents (PS, eP, eD), on documents built by
 * the epsos tool (built.list) and on one-at-a-time mutations of a valid PS.
 * SPDX-License-Identifier: MIT
 */
#include <check.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <epsos.h>
#include "../shareddir.h"

static char shared[4096], tmpdir[64], jsonl[256];
/* The ART-DECOR value sets the Schematron uses, as a catalogue (vs.member). */
static epsos_catalogue *cat;
static size_t ncat_files;

/* Corpus documents (under corpus/samples): tests/validate/corpus.list. */
#define MAX_CORPUS 256
static char *corpus[MAX_CORPUS];
static size_t ncorpus;
/* Built documents: tests/validate/built.list ("OP SAMPLE"); label "OP:SAMPLE"
 * (the file column of known-differences.tsv), file tmpdir/builtN.xml. */
static char *built[MAX_CORPUS];
static size_t nbuilt;

static int load_list(const char *name, char **out, size_t *n)
{
    char path[4400], line[1024];
    snprintf(path, sizeof path, "%s/validate/%s", SRCDIR, name);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    while (fgets(line, sizeof line, fp) && *n < MAX_CORPUS) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#')
            out[(*n)++] = strdup(line);
    }
    fclose(fp);
    return *n ? 0 : -1;
}

/* "build X" -> "build:X" (in place) */
static void built_labels(void)
{
    for (size_t i = 0; i < nbuilt; i++) {
        char *sp = strchr(built[i], ' ');
        if (sp)
            *sp = ':';
    }
}

/* The epsos commands of built.list into tmpdir/builtN.xml. */
static int build_docs(void)
{
    char cmd[9000];
    for (size_t i = 0; i < nbuilt; i++) {
        char *colon = strchr(built[i], ':');
        if (!colon)
            return -1;
        const char *rel = colon + 1;
        if (!strncmp(built[i], "build:", 6))
            snprintf(cmd, sizeof cmd, "'%s' dump --json '%s/corpus/samples/%s' | '%s' build "
                     "-o '%s/built%zu.xml' -", EPSOS_TOOL, shared, rel, EPSOS_TOOL, tmpdir, i);
        else if (!strncmp(built[i], "ed-from-ep:", 11))
            snprintf(cmd, sizeof cmd, "'%s' ed-from-ep --quantity 1 '%s/corpus/samples/%s' "
                     "-o '%s/built%zu.xml'", EPSOS_TOOL, shared, rel, tmpdir, i);
        else
            return -1;
        if (system(cmd) != 0) {
            fprintf(stderr, "failed: %s\n", cmd);
            return -1;
        }
    }
    return 0;
}

/* One-at-a-time mutations of a document whose header has no error. */
#define MUT_BASE "konateq-openncp/psstore/2-5678-W8.xml"
#define BASE_ERROR "/hl7:ClinicalDocument[1]/hl7:component[1]/hl7:structuredBody[1]/" \
    "hl7:component[5]/hl7:section[1]/hl7:entry[1]/hl7:supply[1]"
/* its second error (the Schematron's too): the medication's product has a
 * <manufacturedMaterial nullFlavor="NA"/> without the material template */
#define BASE_ERROR2 "/hl7:ClinicalDocument[1]/hl7:component[1]/hl7:structuredBody[1]/" \
    "hl7:component[1]/hl7:section[1]/hl7:entry[1]/hl7:substanceAdministration[1]/" \
    "hl7:consumable[1]/hl7:manufacturedProduct[1]"
#define IS_BASE_ERROR(x) (strcmp((x), BASE_ERROR) == 0 || strcmp((x), BASE_ERROR2) == 0)
/* the two effectiveTimes of the medication entry of MUT_BASE, and a start */
#define MED_TIMES "<effectiveTime nullFlavor=\"UNK\" xsi:type=\"IVL_TS\" />\n" \
    "                            <effectiveTime nullFlavor=\"NA\" />"
#define MED_LOW "<effectiveTime xsi:type=\"IVL_TS\"><low value=\"20100101\" /></effectiveTime>"
#define MED_ENTRY "/hl7:ClinicalDocument[1]/hl7:component[1]/hl7:structuredBody[1]/" \
    "hl7:component[1]/hl7:section[1]/hl7:entry[1]/hl7:substanceAdministration[1]"
static const struct { const char *from, *to, *rule, *xpath; } mut[] = {
    { "<effectiveTime value=\"20230714194500+0200\" />", "<effectiveTime value=\"20230714194500\" />",
      "ts.tz", "/hl7:ClinicalDocument[1]/hl7:effectiveTime[1]" },
    { "<effectiveTime value=\"20230714194500+0200\" />", "<effectiveTime value=\"202307\" />",
      "ts.precision", "/hl7:ClinicalDocument[1]/hl7:effectiveTime[1]" },
    { "<time value=\"20100701000000-0200\" />", "<time value=\"20100701000000\" />",
      "ts.tz", "/hl7:ClinicalDocument[1]/hl7:author[1]/hl7:time[1]" },
    { "<confidentialityCode code=\"N\" displayName=\"normal\"", "<confidentialityCode code=\"N\"",
      "cd.display", "/hl7:ClinicalDocument[1]/hl7:confidentialityCode[1]" },
    { "<id root=\"1.2.752.129.2.1.2.1\"", "<id root=\"PS-2.16.17\"",
      "ii.root", "/hl7:ClinicalDocument[1]/hl7:id[1]" },
    { "<telecom value=\"tel:0080067891011\" use=\"H\"/>", "<telecom value=\"tel:call me\" use=\"H\"/>",
      "tel.format", "/hl7:ClinicalDocument[1]/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:telecom[1]" },
    { "<title>Patient Summary</title>", "",
      "card.min", "/hl7:ClinicalDocument[1]" },
    /* a code outside its value set: the Schematron misses the conforming
     * element and reports at the template that requires it */
    { "<confidentialityCode code=\"N\"", "<confidentialityCode code=\"Q\"",
      "vs.member", "/hl7:ClinicalDocument[1]" },
    { "<administrativeGenderCode code=\"M\"", "<administrativeGenderCode code=\"male\"",
      "vs.member", "/hl7:ClinicalDocument[1]/hl7:recordTarget[1]/hl7:patientRole[1]" },
    /* datatype rules: IVL_TS low equal to high (dtr1-6-IVL_TS) on the service
     * event (no table row), an EIVL_TS event with @displayName (dtr1-7-EIVL_TS),
     * a PIVL_TS period of more than 4 decimals (dtr1-5-PIVL_TS) */
    { "<high value=\"20101001\" />", "<low value=\"20101001\" /><high value=\"20101001\" />",
      "ivl.equal", "/hl7:ClinicalDocument[1]/hl7:documentationOf[1]/hl7:serviceEvent[1]/"
      "hl7:effectiveTime[1]" },
    { MED_TIMES, MED_LOW "<effectiveTime xsi:type=\"EIVL_TS\" operator=\"A\"><event code=\"ACM\" "
      "codeSystem=\"2.16.840.1.113883.5.139\" displayName=\"before lunch\" /></effectiveTime>",
      "eivl.event", MED_ENTRY "/hl7:effectiveTime[2]" },
    { MED_TIMES, MED_LOW "<effectiveTime xsi:type=\"PIVL_TS\" operator=\"A\" "
      "institutionSpecified=\"false\"><period value=\"0.33333\" unit=\"d\" /></effectiveTime>",
      "pivl.period", MED_ENTRY "/hl7:effectiveTime[2]" },
    /* RIM-001 on a telecom (dtr1-4-URL); a header code without its code
     * system (dtr1-2-CD) */
    { "<telecom value=\"mailto:robert.schuman@ec.europa.eu\"/>", "<telecom nullFlavor=\"NI\"/>",
      "null.other", "/hl7:ClinicalDocument[1]/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:telecom[2]" },
    { "<code code=\"2211\" displayName=\"Generalist medical practitioners\" "
      "codeSystem=\"2.16.840.1.113883.2.9.6.2.7\" />",
      "<code code=\"2211\" displayName=\"Generalist medical practitioners\" />",
      "cd.codesystem", "/hl7:ClinicalDocument[1]/hl7:author[1]/hl7:assignedAuthor[1]/hl7:code[1]" },
    /* a contact of classCode PRS without telecom (eHDSIContactPreferredHPLegalOrganization) */
    { "<telecom value=\"mailto:paciente@gmail.com\" />\n"
      "            <telecom value=\"tel:351211234570\" />", "",
      "card.min", "/hl7:ClinicalDocument[1]/hl7:participant[1]/hl7:associatedEntity[1]" },
    /* a null-flavoured organization address: eHDSIOrganization wants addr[country] */
    { "<telecom value=\"mailto:hospital@gmail.com\" use=\"WP\" />\n"
      "                <addr>\n"
      "                    <streetAddressLine>3, Alameda Santo Ant\xc3\xb3" "nio dos Capuchos"
      "</streetAddressLine>\n"
      "                    <city>Lisbon</city>\n"
      "                    <postalCode>1169-050</postalCode>\n"
      "                    <country>PT</country>\n"
      "                </addr>",
      "<telecom value=\"mailto:hospital@gmail.com\" use=\"WP\" />\n"
      "                <addr nullFlavor=\"NI\"/>",
      "ad.country", "/hl7:ClinicalDocument[1]/hl7:author[1]/hl7:assignedAuthor[1]/"
      "hl7:representedOrganization[1]" },
    /* the allergy observation without its templateId: the concern's
     * entryRelationship[observation[templateId 3.17]] 1..* is missing */
    { "<templateId root=\"1.3.6.1.4.1.12559.11.10.1.3.1.3.17\" />", "",
      "card.min", "/hl7:ClinicalDocument[1]/hl7:component[1]/hl7:structuredBody[1]/"
      "hl7:component[2]/hl7:section[1]/hl7:entry[1]/hl7:act[1]" },
    /* the legal authenticator's given name null-flavoured (eHDSILegalAuthenticator:
     * given[not(@nullFlavor)] 1..*) */
    { "<given>Ant\xc3\xb3" "nio</given>\n                </name>\n            </assignedPerson>\n"
      "            <representedOrganization>",
      "<given nullFlavor=\"UNK\"/>\n                </name>\n            </assignedPerson>\n"
      "            <representedOrganization>",
      "card.min", "/hl7:ClinicalDocument[1]/hl7:legalAuthenticator[1]/hl7:assignedEntity[1]/"
      "hl7:assignedPerson[1]/hl7:name[1]" },
    /* a null-flavoured device effectiveTime with a low (dtr1-1-ANY, dtr1-2-IVL_TS) */
    { "<effectiveTime nullFlavor=\"NA\" xsi:type=\"IVL_TS\"/>",
      "<effectiveTime nullFlavor=\"NA\" xsi:type=\"IVL_TS\"><low value=\"20100101\"/></effectiveTime>",
      "null.any", BASE_ERROR "/hl7:effectiveTime[1]" },
    /* an empty narrative text of the medication entry (dtr1-1-BIN) */
    { "<statusCode code=\"completed\" />\n                            " MED_TIMES,
      "<text/><statusCode code=\"completed\" />\n                            " MED_TIMES,
      "ed.empty", MED_ENTRY "/hl7:text[1]" },
    /* a nullFlavor the template does not allow: the author's id (eHDSIAuthor:
     * NA only), the medication's period (eHDSIMedicationItem: UNK only) */
    { "<id root=\"2.999\" extension=\"12345678\" />", "<id nullFlavor=\"NI\" />",
      "null.value", "/hl7:ClinicalDocument[1]/hl7:author[1]/hl7:assignedAuthor[1]/hl7:id[1]" },
    { "<effectiveTime nullFlavor=\"UNK\" xsi:type=\"IVL_TS\" />",
      "<effectiveTime nullFlavor=\"NA\" xsi:type=\"IVL_TS\" />",
      "null.value", MED_ENTRY "/hl7:effectiveTime[1]" },
    /* two equal translations (dtr1-19-CD, RIM-002) */
    { "<confidentialityCode code=\"N\" displayName=\"normal\" "
      "codeSystem=\"2.16.840.1.113883.5.25\" />",
      "<confidentialityCode code=\"N\" displayName=\"normal\" "
      "codeSystem=\"2.16.840.1.113883.5.25\"><translation code=\"R\" "
      "codeSystem=\"2.16.840.1.113883.5.25\" displayName=\"restricted\"/><translation "
      "code=\"R\" codeSystem=\"2.16.840.1.113883.5.25\" displayName=\"restricted\"/>"
      "</confidentialityCode>",
      "tr.distinct", "/hl7:ClinicalDocument[1]/hl7:confidentialityCode[1]" },
    /* an empty time (dtr1-1-TS) and an empty organization name (dtr1-1.3-EN) */
    { "<time value=\"20100701000000-0200\" />", "<time />",
      "ts.empty", "/hl7:ClinicalDocument[1]/hl7:author[1]/hl7:time[1]" },
    { "<name>Centro Hospitalar de Lisboa Central</name>", "<name/>",
      "en.empty", "/hl7:ClinicalDocument[1]/hl7:author[1]/hl7:assignedAuthor[1]/"
      "hl7:representedOrganization[1]/hl7:name[1]" },
    /* no relatedDocument of typeCode XFRM (eHDSIPatientSummary: 1..1 M) */
    { "<relatedDocument typeCode=\"XFRM\">", "<relatedDocument typeCode=\"APND\">",
      "card.min", "/hl7:ClinicalDocument[1]" },
};
#define NMUT (sizeof mut / sizeof mut[0])

/* ---- the Schematron findings (jsonl) ---------------------------------------- */

typedef struct { char file[1024], location[2048], abstract[64], message[256]; int line; } sfind;
static sfind *sch;
static size_t nsch;

/* The JSON string value of key in line (\uXXXX decoded to UTF-8), "" if none/null. */
static void jstr(const char *line, const char *key, char *out, size_t len)
{
    char pat[80];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(line, pat);
    size_t o = 0;
    out[0] = '\0';
    if (!p)
        return;
    for (p += strlen(pat); *p && *p != '"' && o + 4 < len; p++) {
        if (*p != '\\') {
            out[o++] = *p;
            continue;
        }
        p++;
        if (*p == 'u') {
            unsigned cp = 0;
            sscanf(p + 1, "%4x", &cp);
            p += 4;
            if (cp < 0x80) {
                out[o++] = (char)cp;
            } else if (cp < 0x800) {
                out[o++] = (char)(0xC0 | (cp >> 6));
                out[o++] = (char)(0x80 | (cp & 0x3F));
            } else {
                out[o++] = (char)(0xE0 | (cp >> 12));
                out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                out[o++] = (char)(0x80 | (cp & 0x3F));
            }
        } else {
            out[o++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
        }
    }
    out[o] = '\0';
}

static int load_jsonl(void)
{
    FILE *fp = fopen(jsonl, "r");
    if (!fp)
        return -1;
    static char line[1 << 16];
    size_t cap = 0;
    while (fgets(line, sizeof line, fp)) {
        if (!strstr(line, "\"severity\": \"error\""))
            continue;
        if (nsch == cap) {
            cap = cap ? cap * 2 : 256;
            sfind *ns = realloc(sch, cap * sizeof *sch);
            if (!ns) {
                fclose(fp);
                return -1;
            }
            sch = ns;
        }
        sfind *s = &sch[nsch++];
        jstr(line, "file", s->file, sizeof s->file);
        jstr(line, "location", s->location, sizeof s->location);
        jstr(line, "abstract_rule", s->abstract, sizeof s->abstract);
        jstr(line, "message", s->message, sizeof s->message);
        const char *ln = strstr(line, "\"line\": ");
        s->line = ln ? atoi(ln + 8) : 0;
    }
    fclose(fp);
    return 0;
}

static bool sch_error_at(const char *file, const char *xpath)
{
    for (size_t i = 0; i < nsch; i++)
        if (strcmp(sch[i].file, file) == 0 && strcmp(sch[i].location, xpath) == 0)
            return true;
    return false;
}

static epsos_report *validate_file(epsos_ctx *ctx, const char *path)
{
    epsos_doc *doc = NULL;
    int rc = epsos_doc_parse_file(&doc, ctx, path, 0);
    ck_assert_msg(rc == EPSOS_OK, "%s: %s", path, epsos_ctx_errmsg(ctx));
    epsos_report *r = NULL;
    rc = epsos_validate_with(&r, ctx, doc, cat, 0);
    ck_assert_msg(rc == EPSOS_OK && r, "%s: epsos_validate_with: %s", path, epsos_ctx_errmsg(ctx));
    epsos_doc_free(doc);
    return r;
}

/* ---- tests ---------------------------------------------------------------------- */

START_TEST(test_api)
{
    epsos_ctx *ctx;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    epsos_report *r = (epsos_report *)&r;
    ck_assert_int_eq(epsos_validate(&r, ctx, NULL, 0), EPSOS_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(epsos_validate(NULL, ctx, NULL, 0), EPSOS_EINVAL);
    char path[4400];
    snprintf(path, sizeof path, "%s/corpus/samples/%s", shared, MUT_BASE);
    epsos_doc *doc;
    ck_assert_int_eq(epsos_doc_parse_file(&doc, ctx, path, 0), EPSOS_OK);
    ck_assert_int_eq(epsos_validate(&r, ctx, doc, 0x80), EPSOS_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(epsos_validate(&r, ctx, doc, 0), EPSOS_OK);
    /* the base of the mutations: two errors (confirmed by the Schematron: the
     * medical device entry has no effectiveTime[IVL_TS]/low, the medication's
     * product no templated material), the rest warnings */
    ck_assert_uint_eq(epsos_report_count(r, EPSOS_SEV_ERROR), 2);
    size_t n = epsos_report_count(r, 0);
    ck_assert_uint_gt(n, 1);
    for (size_t i = 0; i < n; i++)
        if (epsos_report_severity(r, i) == EPSOS_SEV_ERROR) {
            ck_assert_str_eq(epsos_report_rule(r, i), "card.min");
            ck_assert_msg(IS_BASE_ERROR(epsos_report_xpath(r, i)), "%s",
                          epsos_report_xpath(r, i));
            ck_assert(sch_error_at(path, epsos_report_xpath(r, i)));
        }
    /* epsos_validate_with: NULL catalogue = epsos_validate; with the
     * catalogue, the same findings and the value sets it lacks as vs.unknown */
    epsos_report *r2 = (epsos_report *)&r2;
    ck_assert_int_eq(epsos_validate_with(&r2, ctx, doc, cat, 0x80), EPSOS_EINVAL);
    ck_assert_ptr_null(r2);
    ck_assert_ptr_nonnull(strstr(epsos_ctx_errmsg(ctx), "epsos_validate_with"));
    ck_assert_int_eq(epsos_validate_with(NULL, ctx, doc, cat, 0), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_validate_with(&r2, ctx, doc, NULL, 0), EPSOS_OK);
    ck_assert_uint_eq(epsos_report_count(r2, 0), n);
    epsos_report_free(r2);
    ck_assert_int_eq(epsos_validate_with(&r2, ctx, doc, cat, 0), EPSOS_OK);
    ck_assert_uint_eq(epsos_report_count(r2, EPSOS_SEV_ERROR), 2);
    size_t unknown = 0, members = 0;
    for (size_t i = 0; i < epsos_report_count(r2, 0); i++) {
        if (!strcmp(epsos_report_rule(r2, i), "vs.unknown")) {
            unknown++;
            ck_assert_int_eq(epsos_report_severity(r2, i), EPSOS_SEV_INFO);
            ck_assert_ptr_nonnull(strstr(epsos_report_message(r2, i), "value set "));
        }
        members += !strcmp(epsos_report_rule(r2, i), "vs.member");
    }
    /* the document code's VS 42.32 (and 42.26 of the section codes) are not among
     * the ART-DECOR files: one finding each */
    ck_assert_uint_ge(unknown, 1);
    ck_assert_uint_eq(epsos_report_count(r2, 0), n + unknown + members);
    epsos_report_free(r2);
    /* (in document order: the medication's product comes first) */
    ck_assert_int_eq(epsos_report_severity(r, 0), EPSOS_SEV_ERROR);
    ck_assert_str_eq(epsos_report_rule(r, 0), "card.min");
    ck_assert_ptr_nonnull(epsos_report_rule(r, 0));
    ck_assert_ptr_nonnull(epsos_report_message(r, 0));
    ck_assert(strncmp(epsos_report_xpath(r, 0), "/hl7:ClinicalDocument[1]/", 25) == 0);
    ck_assert_int_gt(epsos_report_line(r, 0), 1);
    ck_assert_int_eq(epsos_report_severity(r, n), 0);
    /* serialization: JSON lines (a line a finding) and SVRL */
    uint8_t *buf = (uint8_t *)&r;
    size_t len = 1;
    ck_assert_int_eq(epsos_report_serialize(&buf, &len, ctx, r, 7, NULL), EPSOS_EINVAL);
    ck_assert_ptr_null(buf);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(epsos_report_serialize(&buf, &len, ctx, NULL, EPSOS_REPORT_JSONL, NULL),
                     EPSOS_EINVAL);
    ck_assert_int_eq(epsos_report_serialize(&buf, &len, ctx, r, EPSOS_REPORT_JSONL, "a\"b.xml"),
                     EPSOS_OK);
    ck_assert_uint_eq(strlen((char *)buf), len);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += buf[i] == '\n';
    ck_assert_uint_eq(lines, n);
    static const char head[] = "{\"file\": \"a\\\"b.xml\", \"severity\": \"error\", "
                               "\"rule\": \"card.min\"";
    ck_assert(strncmp((char *)buf, head, strlen(head)) == 0);
    ck_assert_ptr_nonnull(strstr((char *)buf, epsos_report_xpath(r, 0)));
    epsos_free(buf);
    ck_assert_int_eq(epsos_report_serialize(&buf, &len, ctx, r, EPSOS_REPORT_SVRL, "x<y.xml"),
                     EPSOS_OK);
    ck_assert_ptr_nonnull(strstr((char *)buf, "epsos:document=\"x&lt;y.xml\""));
    size_t asserts = 0;
    for (const char *p = (char *)buf; (p = strstr(p, "<svrl:failed-assert ")) != NULL; p++)
        asserts++;
    ck_assert_uint_eq(asserts, n);
    ck_assert_ptr_nonnull(strstr((char *)buf, "role=\"warning\" location=\"/hl7:ClinicalDocument[1]/"));
    epsos_doc *sv;
    ck_assert_int_eq(epsos_doc_parse(&sv, ctx, buf, len, 0), EPSOS_ENOTCDA);  /* well-formed */
    epsos_free(buf);
    ck_assert_ptr_null(epsos_report_rule(r, n));
    ck_assert_ptr_null(epsos_report_xpath(NULL, 0));
    ck_assert_uint_eq(epsos_report_count(NULL, 0), 0);
    epsos_report_free(r);
    epsos_report_free(NULL);
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
}
END_TEST

/* Each mutation: exactly one error, the expected rule at the expected element,
 * and the Schematron has an error at that element too. */
START_TEST(test_mutations)
{
    epsos_ctx *ctx;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    for (size_t m = 0; m < NMUT; m++) {
        char path[300];
        snprintf(path, sizeof path, "%s/mut%zu.xml", tmpdir, m);
        epsos_report *r = validate_file(ctx, path);
        size_t ne = 0, hit = 0;
        for (size_t i = 0; i < epsos_report_count(r, 0); i++) {
            if (epsos_report_severity(r, i) != EPSOS_SEV_ERROR ||
                IS_BASE_ERROR(epsos_report_xpath(r, i)))
                continue;     /* the errors of the base document */
            ne++;
            printf("mutation %zu: %s at %s line %d: %s\n", m, epsos_report_rule(r, i),
                   epsos_report_xpath(r, i), epsos_report_line(r, i), epsos_report_message(r, i));
            hit += strcmp(epsos_report_rule(r, i), mut[m].rule) == 0 &&
                   strcmp(epsos_report_xpath(r, i), mut[m].xpath) == 0;
        }
        fflush(stdout);
        ck_assert_msg(ne == 1 && hit == 1, "mutation %zu (%s): %zu errors, %zu of rule %s at %s",
                      m, mut[m].to, ne, hit, mut[m].rule, mut[m].xpath);
        ck_assert_msg(sch_error_at(path, mut[m].xpath),
                      "mutation %zu: the Schematron has no error at %s", m, mut[m].xpath);
        epsos_report_free(r);
    }
    epsos_ctx_free(ctx);
}
END_TEST

static size_t count_rule(const epsos_report *r, const char *rule, const char *msg_part)
{
    size_t c = 0;
    for (size_t i = 0; i < epsos_report_count(r, 0); i++)
        c += strcmp(epsos_report_rule(r, i), rule) == 0 &&
             (!msg_part || strstr(epsos_report_message(r, i), msg_part));
    return c;
}

static epsos_report *validate_opt(epsos_ctx *ctx, epsos_doc *doc, uint32_t options)
{
    epsos_report *r = NULL;
    ck_assert_int_eq(epsos_validate_with(&r, ctx, doc, cat, options), EPSOS_OK);
    return r;
}

/* EPSOS_VALIDATE_LEGACY: the legacy epSOS rules on the legacy corpus documents
 * (generation EPSOS_GEN_EPSOS, the urn:epsos-org:ep:medication extension). */
START_TEST(test_legacy)
{
    epsos_ctx *ctx;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    char path[4400];
    epsos_doc *doc;
    epsos_report *r = (epsos_report *)&r;
    size_t nlegacy = 0, nns = 0;
    for (size_t f = 0; f < ncorpus; f++) {
        snprintf(path, sizeof path, "%s/corpus/samples/%s", shared, corpus[f]);
        ck_assert_int_eq(epsos_doc_parse_file(&doc, ctx, path, 0), EPSOS_OK);
        if (epsos_doc_generation(doc) == EPSOS_GEN_EPSOS) {
            /* current rules: the epSOS extension is a warning; legacy
             * rules: no finding about the extension, and never more
             * section.required errors */
            nlegacy++;
            epsos_report *cur = validate_opt(ctx, doc, 0), *leg = validate_opt(ctx, doc,
                                                                             EPSOS_VALIDATE_LEGACY);
            nns += count_rule(cur, "legacy.namespace", NULL) > 0;  /* (an L1 has none) */
            ck_assert_msg(count_rule(leg, "legacy.namespace", NULL) == 0 &&
                          count_rule(leg, "legacy.pharm", NULL) == 0, "%s", corpus[f]);
            ck_assert_uint_le(count_rule(leg, "section.required", NULL),
                              count_rule(cur, "section.required", NULL));
            epsos_report_free(cur);
            epsos_report_free(leg);
        }
        epsos_doc_free(doc);
    }
    ck_assert_uint_ge(nlegacy, 20);
    ck_assert_uint_ge(nns, 30);     /* the others have no medication extension */

    /* a legacy PS: the IHE PCC section templateIds are the required sections
     * for the legacy rules; the SNOMED CT "no known allergies" (160244002) is
     * outside the eHDSI value set for the current rules only */
    snprintf(path, sizeof path, "%s/corpus/samples/khypponen-openncp/samples/test-cda.xml",
             shared);
    ck_assert_int_eq(epsos_doc_parse_file(&doc, ctx, path, 0), EPSOS_OK);
    epsos_report *cur = validate_opt(ctx, doc, 0), *leg = validate_opt(ctx, doc,
                                                                     EPSOS_VALIDATE_LEGACY);
    ck_assert_uint_eq(count_rule(cur, "section.required", NULL), 3);
    ck_assert_uint_eq(count_rule(leg, "section.required", NULL), 0);
    ck_assert_uint_eq(count_rule(cur, "vs.member", "\"160244002\""), 1);
    ck_assert_uint_eq(count_rule(cur, "vs.member", "epSOS SNOMED CT"), 1);
    ck_assert_uint_eq(count_rule(leg, "vs.member", "\"160244002\""), 0);
    epsos_report_free(cur);
    epsos_report_free(leg);
    ck_assert_int_eq(epsos_validate(&r, ctx, doc, EPSOS_VALIDATE_LEGACY | 2), EPSOS_EINVAL);
    ck_assert_ptr_null(r);
    epsos_doc_free(doc);

    /* a current eP: the pharm extension is an error for the legacy rules */
    snprintf(path, sizeof path, "%s/corpus/samples/konateq-openncp/epstore/1-1234-W8.xml",
             shared);
    ck_assert_int_eq(epsos_doc_parse_file(&doc, ctx, path, 0), EPSOS_OK);
    ck_assert_int_eq(epsos_doc_generation(doc), EPSOS_GEN_EHDSI);
    cur = validate_opt(ctx, doc, 0);
    leg = validate_opt(ctx, doc, EPSOS_VALIDATE_LEGACY);
    ck_assert_uint_eq(count_rule(cur, "legacy.pharm", NULL), 0);
    ck_assert_uint_eq(count_rule(cur, "legacy.namespace", NULL), 0);
    ck_assert_uint_ge(count_rule(leg, "legacy.pharm", NULL), 1);
    ck_assert_uint_eq(epsos_report_count(leg, EPSOS_SEV_ERROR),
                      epsos_report_count(cur, EPSOS_SEV_ERROR) +
                      count_rule(leg, "legacy.pharm", NULL));
    epsos_report_free(cur);
    epsos_report_free(leg);
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
}
END_TEST

typedef struct { char file[512], rule[256], xpath[2048]; bool seen; } known;

static known *find_known(known *kd, size_t nkd, const char *file, bool sch_side,
                         const char *rule, const char *xpath)
{
    known *seen = NULL;    /* a row may occur twice (two findings at one element):
                            * an unseen one first */
    for (size_t k = 0; k < nkd; k++)
        if (strcmp(kd[k].file, file) == 0 && strcmp(kd[k].xpath, xpath) == 0 &&
            (sch_side ? strncmp(kd[k].rule, "sch:", 4) == 0 : strcmp(kd[k].rule, rule) == 0)) {
            if (!kd[k].seen)
                return &kd[k];
            seen = &kd[k];
        }
    return seen;
}

/* The error sets of epsos_validate and of the Schematron on the corpus agree
 * element by element, except the committed known differences (in both
 * directions: "sch:" rows are elements where only the Schematron has an
 * error), which must all still occur.  Prints the recall (the measure of
 * tests/validate/recall.py). */
START_TEST(test_corpus_agreement)
{
    static known kd[2048];
    size_t nkd = 0;
    char path[4400], line[4096];
    snprintf(path, sizeof path, "%s/validate/known-differences.tsv", SRCDIR);
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "%s", path);
    while (fgets(line, sizeof line, fp)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        ck_assert(nkd < sizeof kd / sizeof kd[0]);
        ck_assert_int_eq(sscanf(line, "%511[^\t]\t%255[^\t]\t%2047[^\t]", kd[nkd].file,
                                kd[nkd].rule, kd[nkd].xpath), 3);
        nkd++;
    }
    fclose(fp);

    epsos_ctx *ctx;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    size_t agreed = 0, unexpected = 0, sch_total = 0, sch_hit = 0;
    char *xp_hits = calloc(nsch ? nsch : 1, 1);
    ck_assert(xp_hits != NULL);
    for (size_t f = 0; f < ncorpus + nbuilt; f++) {
        const char *label = f < ncorpus ? corpus[f] : built[f - ncorpus];
        if (f < ncorpus)
            snprintf(path, sizeof path, "%s/corpus/samples/%s", shared, corpus[f]);
        else
            snprintf(path, sizeof path, "%s/built%zu.xml", tmpdir, f - ncorpus);
        epsos_report *r = validate_file(ctx, path);
        for (size_t i = 0; i < epsos_report_count(r, 0); i++) {
            if (epsos_report_severity(r, i) != EPSOS_SEV_ERROR)
                continue;
            const char *xp = epsos_report_xpath(r, i), *rule = epsos_report_rule(r, i);
            for (size_t s = 0; s < nsch; s++)
                if (strcmp(sch[s].file, path) == 0 && strcmp(sch[s].location, xp) == 0)
                    xp_hits[s] = 1;
            if (sch_error_at(path, xp)) {
                agreed++;
                continue;
            }
            known *k = find_known(kd, nkd, label, false, rule, xp);
            if (k) {
                k->seen = true;
            } else {
                unexpected++;
                printf("NOT IN SCHEMATRON: %s\t%s\t%s\t(line %d) %s\n", label, rule, xp,
                       epsos_report_line(r, i), epsos_report_message(r, i));
            }
        }
        epsos_report_free(r);
        /* the Schematron errors at elements where libepsos has none */
        for (size_t s = 0; s < nsch; s++) {
            if (strcmp(sch[s].file, path) != 0)
                continue;
            sch_total++;
            sch_hit += xp_hits[s];
            if (xp_hits[s])
                continue;
            bool first = true;     /* one report per element */
            for (size_t t = 0; t < s && first; t++)
                first = !(strcmp(sch[t].file, path) == 0 &&
                          strcmp(sch[t].location, sch[s].location) == 0);
            if (!first)
                continue;
            known *k = find_known(kd, nkd, label, true, NULL, sch[s].location);
            if (k) {
                k->seen = true;
            } else {
                unexpected++;
                printf("NOT IN LIBEPSOS: %s\t%s\t(line %d) %s\n", label, sch[s].location,
                       sch[s].line, sch[s].message);
            }
        }
    }
    size_t stale = 0;
    for (size_t k = 0; k < nkd; k++)
        if (!kd[k].seen) {
            stale++;
            printf("known difference no longer occurs: %s\t%s\t%s\n", kd[k].file, kd[k].rule,
                   kd[k].xpath);
        }
    printf("recall: %zu / %zu Schematron errors have a libepsos error at the same element; "
           "libepsos errors agreeing: %zu; known differences: %zu\n",
           sch_hit, sch_total, agreed, nkd);
    free(xp_hits);
    epsos_ctx_free(ctx);
    fflush(stdout);
    ck_assert_msg(unexpected == 0, "%zu differences not in %s (regenerate with "
                  "tests/validate/recall.py --differences and give each a reason)", unexpected,
                  "tests/validate/known-differences.tsv");
    ck_assert_msg(stale == 0, "%zu known differences no longer occur: update %s", stale,
                  "tests/validate/known-differences.tsv");
    ck_assert_uint_gt(agreed, 10);
}
END_TEST

/* ---- setup: mutated documents, one Schematron run ------------------------------- */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(fp);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

/* The catalogue of every voc-*.xml of the Schematron (epsos catalogue build). */
static int load_catalogue(void)
{
    char pat[4400];
    snprintf(pat, sizeof pat, "%s/corpus/schematron/ehdsi-2024-04/include/voc-*.xml", shared);
    glob_t g;
    if (glob(pat, 0, NULL, &g) != 0)
        return -1;
    epsos_ctx *ctx;
    epsos_catalogue_builder *b = NULL;
    int rc = epsos_ctx_new(&ctx);
    if (rc == EPSOS_OK)
        rc = epsos_catalogue_builder_new(&b, ctx);
    for (size_t i = 0; rc == EPSOS_OK && i < g.gl_pathc; i++)
        rc = epsos_catalogue_builder_add_file(b, g.gl_pathv[i]);
    if (rc == EPSOS_OK)
        rc = epsos_catalogue_builder_finish(&cat, b);
    if (rc != EPSOS_OK)
        fprintf(stderr, "catalogue: %s\n", epsos_ctx_errmsg(ctx));
    ncat_files = g.gl_pathc;
    epsos_catalogue_builder_free(b);
    epsos_ctx_free(ctx);
    globfree(&g);
    return rc == EPSOS_OK && ncat_files > 0 ? 0 : -1;
}

static int prepare(void)
{
    char path[4400];
    size_t len;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/check_validate.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(path, sizeof path, "%s/corpus/samples/%s", shared, MUT_BASE);
    char *base = slurp(path, &len);
    if (!base)
        return -1;
    for (size_t m = 0; m < NMUT; m++) {
        char *at = strstr(base, mut[m].from);
        if (!at) {
            free(base);
            return -1;
        }
        snprintf(path, sizeof path, "%s/mut%zu.xml", tmpdir, m);
        FILE *fp = fopen(path, "wb");
        if (!fp) {
            free(base);
            return -1;
        }
        fwrite(base, 1, (size_t)(at - base), fp);
        fputs(mut[m].to, fp);
        fputs(at + strlen(mut[m].from), fp);
        fclose(fp);
    }
    free(base);
    if (build_docs() != 0)
        return -1;
    snprintf(jsonl, sizeof jsonl, "%s/schematron.jsonl", tmpdir);
    size_t cl = 64 * 1024;
    char *cmd = malloc(cl);
    if (!cmd)
        return -1;
    size_t o = (size_t)snprintf(cmd, cl, "'%s/tools/schematron/ehdsi-validate' --kind auto "
                                "--format jsonl", shared);
    for (size_t f = 0; f < ncorpus; f++)
        o += (size_t)snprintf(cmd + o, cl - o, " '%s/corpus/samples/%s'", shared, corpus[f]);
    for (size_t f = 0; f < nbuilt; f++)
        o += (size_t)snprintf(cmd + o, cl - o, " '%s/built%zu.xml'", tmpdir, f);
    for (size_t m = 0; m < NMUT; m++)
        o += (size_t)snprintf(cmd + o, cl - o, " '%s/mut%zu.xml'", tmpdir, m);
    snprintf(cmd + o, cl - o, " > '%s' 2> '%s/schematron.err'", jsonl, tmpdir);
    int st = system(cmd);
    free(cmd);
    /* exit 1: errors found (expected); 2: could not run */
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) > 1)
        return -1;
    return 0;
}

int main(void)
{
    shared_dir(shared, sizeof shared);
    if (schematron_ready(shared) != 0)
        return 77;
    struct stat sb;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/corpus/samples/%s", shared, MUT_BASE);
    if (stat(probe, &sb) != 0) {
        printf("no corpus (%s): skipped\n", probe);
        return 77;
    }
    if (load_list("corpus.list", corpus, &ncorpus) != 0 ||
        load_list("built.list", built, &nbuilt) != 0) {
        fprintf(stderr, "no %s/validate/corpus.list or built.list\n", SRCDIR);
        return EXIT_FAILURE;
    }
    built_labels();
    if (load_catalogue() != 0) {
        fprintf(stderr, "could not build the catalogue of the Schematron's value sets\n");
        return EXIT_FAILURE;
    }
    if (prepare() != 0 || load_jsonl() != 0) {
        fprintf(stderr, "could not prepare the documents or run ehdsi-validate (%s)\n", tmpdir);
        return EXIT_FAILURE;
    }
    Suite *su = suite_create("validate");
    TCase *tc = tcase_create("validate");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_api);
    tcase_add_test(tc, test_mutations);
    tcase_add_test(tc, test_corpus_agreement);
    tcase_add_test(tc, test_legacy);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(sch);
    epsos_catalogue_free(cat);
    for (size_t f = 0; f < ncorpus; f++)
        free(corpus[f]);
    for (size_t f = 0; f < nbuilt; f++)
        free(built[f]);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (!failed && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
