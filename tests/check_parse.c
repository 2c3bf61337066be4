/*
 * libepsos - the parse layer: bad input is refused with the right status and
 * a message that says what is wrong; good lexical variations parse.
 * SPDX-License-Identifier: MIT
 *
 * Every fixture here is written for this test (no corpus content).
 */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE

#include <check.h>
#include <ctype.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <epsos.h>

/* ------------------------------------------------------------------------ */
/* Fixtures.                                                                 */

/* A small Patient Summary header with one section, invented data. */
#define PS_ROOT_OPEN "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n"
#define PS_CONTENT \
    "  <typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>\n" \
    "  <templateId root=\"1.3.6.1.4.1.12559.11.10.1.3.1.1.3\"/>\n" \
    "  <id root=\"2.25.311720950112843915640155743297063527871\"/>\n" \
    "  <code code=\"60591-5\" codeSystem=\"2.16.840.1.113883.6.1\"" \
    " displayName=\"Patient summary Document\"/>\n" \
    "  <title>Parse test summary</title>\n" \
    "  <effectiveTime value=\"20240301101500+0100\"/>\n" \
    "  <confidentialityCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.25\"/>\n" \
    "  <languageCode code=\"en-GB\"/>\n" \
    "  <recordTarget>\n" \
    "    <patientRole>\n" \
    "      <id root=\"2.25.4711\" extension=\"P-0001\"/>\n" \
    "      <patient>\n" \
    "        <name><given>Ada</given><family>Testperson</family></name>\n" \
    "        <administrativeGenderCode code=\"F\" codeSystem=\"2.16.840.1.113883.5.1\"/>\n" \
    "        <birthTime value=\"19800214\"/>\n" \
    "      </patient>\n" \
    "    </patientRole>\n" \
    "  </recordTarget>\n" \
    "  <author>\n" \
    "    <time value=\"20240301101500+0100\"/>\n" \
    "    <assignedAuthor><id root=\"2.25.4712\" extension=\"HP-7\"/>\n" \
    "      <assignedPerson><name><family>Doctor</family></name></assignedPerson>\n" \
    "    </assignedAuthor>\n" \
    "  </author>\n" \
    "  <custodian><assignedCustodian><representedCustodianOrganization>\n" \
    "    <id root=\"2.25.4713\"/><name>Test Clinic</name>\n" \
    "  </representedCustodianOrganization></assignedCustodian></custodian>\n" \
    "  <component><structuredBody><component><section>\n" \
    "    <code code=\"48765-2\" codeSystem=\"2.16.840.1.113883.6.1\"/>\n" \
    "    <title>Allergies</title><text>No information</text>\n" \
    "  </section></component></structuredBody></component>\n"
#define PS_ROOT_CLOSE "</ClinicalDocument>\n"
#define PS_DOC PS_ROOT_OPEN PS_CONTENT PS_ROOT_CLOSE
#define PS_TITLE "Parse test summary"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define BOM "\xEF\xBB\xBF"

static const char SECRET[] = "TOP-SECRET-7f3a91c2-do-not-leak";

/* ------------------------------------------------------------------------ */
/* Helpers.                                                                  */

static bool contains_ci(const char *hay, const char *needle)
{
    if (!hay || !needle)
        return false;
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return n == 0;
}

/* Capture everything written to fd 1 and fd 2 between begin and end. */
typedef struct {
    int saved_out, saved_err, fd;
    char path[64];
} capture;

static void cap_begin(capture *c)
{
    fflush(stdout);
    fflush(stderr);
    snprintf(c->path, sizeof c->path, "/tmp/check_parse_out.XXXXXX");
    c->fd = mkstemp(c->path);
    ck_assert_int_ge(c->fd, 0);
    c->saved_out = dup(1);
    c->saved_err = dup(2);
    ck_assert_int_ge(c->saved_out, 0);
    ck_assert_int_ge(c->saved_err, 0);
    dup2(c->fd, 1);
    dup2(c->fd, 2);
}

/* Returns the captured bytes (malloc'ed, NUL-terminated). */
static char *cap_end(capture *c)
{
    fflush(stdout);
    fflush(stderr);
    dup2(c->saved_out, 1);
    dup2(c->saved_err, 2);
    close(c->saved_out);
    close(c->saved_err);
    off_t size = lseek(c->fd, 0, SEEK_END);
    ck_assert_int_ge(size, 0);
    char *buf = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(buf);
    ssize_t got = pread(c->fd, buf, (size_t)size, 0);
    ck_assert_int_eq(got, size);
    buf[size] = '\0';
    close(c->fd);
    unlink(c->path);
    return buf;
}

static epsos_ctx *new_ctx(void)
{
    epsos_ctx *ctx = NULL;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

/* A pointer that is certainly not NULL, to see that *out is reset. */
#define NOT_NULL_DOC ((epsos_doc *)(uintptr_t)0x1)

/*
 * Parse len bytes (a private copy of data, compared afterwards with the
 * original to prove the input is not modified) and expect failure `code`.
 * Each of the NULL-terminated needles must occur in the message (case
 * insensitive).  Nothing may be printed on stdout/stderr.
 */
static void expect_fail_n(epsos_ctx *ctx, const void *data, size_t len, int code,
                          const char *const *needles)
{
    unsigned char *buf = malloc(len ? len : 1);
    ck_assert_ptr_nonnull(buf);
    if (len)
        memcpy(buf, data, len);
    epsos_doc *doc = NOT_NULL_DOC;
    capture cap;
    cap_begin(&cap);
    int rc = epsos_doc_parse(&doc, ctx, buf, len, 0);
    char *printed = cap_end(&cap);
    const char *msg = epsos_ctx_errmsg(ctx);
    ck_assert_msg(rc == code, "status %d (%s), expected %d (%s); message: %s", rc,
                  epsos_strerror(rc), code, epsos_strerror(code), msg);
    ck_assert_msg(doc == NULL, "*out not NULL after failure");
    ck_assert_int_eq(epsos_ctx_errcode(ctx), code);
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(*msg, "empty error message for status %d", code);
    for (size_t i = 0; needles && needles[i]; i++)
        ck_assert_msg(contains_ci(msg, needles[i]), "message \"%s\" does not mention \"%s\"",
                      msg, needles[i]);
    ck_assert_msg(len == 0 || memcmp(buf, data, len) == 0, "input buffer was modified");
    ck_assert_msg(*printed == '\0', "the library printed: %.300s", printed);
    free(printed);
    free(buf);
}

#define NEEDLES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define expect_fail(ctx, str, code, ...) \
    expect_fail_n(ctx, str, strlen(str), code, NEEDLES(__VA_ARGS__))

/* EPSOS_EPARSE messages start with "line N: " where N = epsos_ctx_errline. */
static int32_t check_line_prefix(epsos_ctx *ctx)
{
    const char *msg = epsos_ctx_errmsg(ctx);
    long n = -1;
    int used = 0;
    ck_assert_msg(sscanf(msg, "line %ld: %n", &n, &used) == 1 && used > 0,
                  "message does not start with \"line N: \": %s", msg);
    ck_assert_msg(n == (long)epsos_ctx_errline(ctx), "message says line %ld, errline is %ld",
                  n, (long)epsos_ctx_errline(ctx));
    return (int32_t)n;
}

/* Parse and expect success, kind PS and the header title. */
static void expect_ps(epsos_ctx *ctx, const void *data, size_t len, const char *title)
{
    unsigned char *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, data, len);
    epsos_doc *doc = NOT_NULL_DOC;
    capture cap;
    cap_begin(&cap);
    int rc = epsos_doc_parse(&doc, ctx, buf, len, 0);
    char *printed = cap_end(&cap);
    ck_assert_msg(rc == EPSOS_OK, "status %d (%s): %s", rc, epsos_strerror(rc),
                  epsos_ctx_errmsg(ctx));
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_ne(doc, NOT_NULL_DOC);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    ck_assert_str_eq(epsos_ctx_errmsg(ctx), "");
    ck_assert_int_eq(epsos_doc_kind(doc), EPSOS_DOC_PS);
    epsos_item *hdr = NULL;
    ck_assert_int_eq(epsos_doc_header(&hdr, doc), EPSOS_OK);
    ck_assert_ptr_nonnull(hdr);
    ck_assert_int_eq(epsos_item_kind(hdr), EPSOS_KIND_HEADER);
    const char *t = NULL;
    ck_assert_int_eq(epsos_item_get_text(hdr, EPSOS_F_TITLE, 0, &t), EPSOS_OK);
    ck_assert_pstr_eq(t, title);
    const char *code = NULL;
    ck_assert_int_eq(epsos_item_get_code(hdr, EPSOS_F_CODE, 0, &code, NULL, NULL), EPSOS_OK);
    ck_assert_pstr_eq(code, "60591-5");
    epsos_doc_free(doc);
    ck_assert_msg(memcmp(buf, data, len) == 0, "input buffer was modified");
    ck_assert_msg(*printed == '\0', "the library printed: %.300s", printed);
    free(printed);
    free(buf);
}

static void expect_ps_str(epsos_ctx *ctx, const char *s)
{
    expect_ps(ctx, s, strlen(s), PS_TITLE);
}

/* A temporary directory for file tests, removed with rm_tree(). */
static char *make_tmpdir(void)
{
    char *d = strdup("/tmp/check_parse.XXXXXX");
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(mkdtemp(d));
    return d;
}

static char *write_file(const char *dir, const char *name, const void *data, size_t len)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", dir, name);
    FILE *fp = fopen(p, "wb");
    ck_assert_ptr_nonnull(fp);
    ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
    ck_assert_int_eq(fclose(fp), 0);
    return p;
}

/* ------------------------------------------------------------------------ */
/* Not well-formed.                                                          */

START_TEST(test_not_xml)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "hello", EPSOS_EPARSE, "line");
    ck_assert_int_eq(check_line_prefix(ctx), 1);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_empty)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail_n(ctx, "", 0, EPSOS_EPARSE, NEEDLES("empty"));
    check_line_prefix(ctx);

    /* NULL data with length 0 is an empty input, not a bad argument. */
    epsos_doc *doc = NOT_NULL_DOC;
    int rc = epsos_doc_parse(&doc, ctx, NULL, 0, 0);
    ck_assert_msg(rc == EPSOS_EPARSE, "NULL, 0: status %d (%s)", rc, epsos_strerror(rc));
    ck_assert_ptr_null(doc);
    ck_assert(contains_ci(epsos_ctx_errmsg(ctx), "empty"));
    check_line_prefix(ctx);

    /* Whitespace only is empty too (no root element). */
    expect_fail(ctx, "  \n\t\n", EPSOS_EPARSE, "line");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_null_data_with_length)
{
    epsos_ctx *ctx = new_ctx();
    epsos_doc *doc = NOT_NULL_DOC;
    ck_assert_int_eq(epsos_doc_parse(&doc, ctx, NULL, 10, 0), EPSOS_EINVAL);
    ck_assert_ptr_null(doc);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EINVAL);
    ck_assert_str_ne(epsos_ctx_errmsg(ctx), "");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_truncated)
{
    epsos_ctx *ctx = new_ctx();
    const char *full = PS_DOC;
    size_t cut = strlen(full) / 2;
    expect_fail_n(ctx, full, cut, EPSOS_EPARSE, NEEDLES("line"));
    int32_t line = check_line_prefix(ctx);
    ck_assert_msg(line >= 2, "truncated input reported at line %d", (int)line);
    /* cut just before the end tag, and in the middle of a tag */
    expect_fail_n(ctx, full, strlen(full) - strlen(PS_ROOT_CLOSE), EPSOS_EPARSE,
                  NEEDLES("line"));
    check_line_prefix(ctx);
    expect_fail_n(ctx, full, strlen(PS_ROOT_OPEN) + 10, EPSOS_EPARSE, NEEDLES("line"));
    check_line_prefix(ctx);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_mismatched_tags)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<title>x</code>\n"
                     "</ClinicalDocument>", EPSOS_EPARSE, "line");
    ck_assert_int_eq(check_line_prefix(ctx), 2);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_invalid_utf8)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">\n<code code=\"60591-5\"/>\n"
                     "<title>ab\xFF\xFE" "cd</title>\n</ClinicalDocument>\n",
                EPSOS_EPARSE, "line", "UTF-8");
    ck_assert_int_eq(check_line_prefix(ctx), 3);
    /* an overlong encoding and a lone continuation byte */
    expect_fail(ctx, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>\xC0\xAF</title>"
                     "</ClinicalDocument>", EPSOS_EPARSE, "line");
    expect_fail(ctx, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>x\x80y</title>"
                     "</ClinicalDocument>", EPSOS_EPARSE, "line");
    epsos_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Well-formed, but not a CDA document.                                      */

START_TEST(test_wrong_root)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "<foo xmlns=\"urn:hl7-org:v3\"/>", EPSOS_ENOTCDA, "foo",
                "ClinicalDocument");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_wrong_namespace)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "<ClinicalDocument xmlns=\"urn:other\"/>", EPSOS_ENOTCDA,
                "ClinicalDocument", "urn:other", "urn:hl7-org:v3");
    /* the right prefix name does not make the right namespace */
    expect_fail(ctx, "<hl7:ClinicalDocument xmlns:hl7=\"urn:hl7-org:v2\"/>", EPSOS_ENOTCDA,
                "ClinicalDocument", "urn:hl7-org:v3");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_no_namespace)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "<ClinicalDocument><code code=\"60591-5\"/></ClinicalDocument>",
                EPSOS_ENOTCDA, "ClinicalDocument", "urn:hl7-org:v3");
    epsos_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Unsafe input.                                                             */

START_TEST(test_billion_laughs)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx,
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE ClinicalDocument [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
        "<title>&lol9;</title></ClinicalDocument>\n",
        EPSOS_EUNSAFE, "DOCTYPE");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_doctype_plain)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "<!DOCTYPE ClinicalDocument>\n" PS_DOC, EPSOS_EUNSAFE, "DOCTYPE");
    expect_fail(ctx, XML_DECL "<!DOCTYPE ClinicalDocument [ <!ELEMENT title ANY> ]>\n" PS_DOC,
                EPSOS_EUNSAFE, "DOCTYPE");
    epsos_ctx_free(ctx);
}
END_TEST

/* The secret must appear nowhere: not in the message, the location, on
 * stdout/stderr (checked by the helpers), nor in a document. */
static void assert_no_secret(epsos_ctx *ctx)
{
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), SECRET) == NULL, "secret in errmsg");
    ck_assert_msg(strstr(epsos_ctx_errloc(ctx), SECRET) == NULL, "secret in errloc");
}

START_TEST(test_external_entity)
{
    epsos_ctx *ctx = new_ctx();
    char *dir = make_tmpdir();
    char *secret = write_file(dir, "secret.txt", SECRET, strlen(SECRET));
    char *dtd_text = NULL;
    size_t dtdlen = strlen(SECRET) + 64;
    dtd_text = malloc(dtdlen);
    ck_assert_ptr_nonnull(dtd_text);
    snprintf(dtd_text, dtdlen, "<!ENTITY leak \"%s\">\n", SECRET);
    char *dtd = write_file(dir, "secret.dtd", dtd_text, strlen(dtd_text));

    char doc[2048];
    /* 1. external general entity, absolute file: URL */
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE ClinicalDocument [ <!ENTITY xxe SYSTEM \"file://%s\"> ]>\n"
             "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
             "<title>&xxe;</title></ClinicalDocument>\n", secret);
    expect_fail(ctx, doc, EPSOS_EUNSAFE, "DOCTYPE");
    assert_no_secret(ctx);

    /* 2. the same with a plain path */
    snprintf(doc, sizeof doc,
             "<!DOCTYPE ClinicalDocument [ <!ENTITY xxe SYSTEM \"%s\"> ]>\n"
             "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
             "<title>&xxe;</title></ClinicalDocument>\n", secret);
    expect_fail(ctx, doc, EPSOS_EUNSAFE, "DOCTYPE");
    assert_no_secret(ctx);

    /* 3. an external DTD (parameter entity / external subset) */
    snprintf(doc, sizeof doc,
             "<!DOCTYPE ClinicalDocument SYSTEM \"%s\">\n"
             "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
             "<title>&leak;</title></ClinicalDocument>\n", dtd);
    expect_fail(ctx, doc, EPSOS_EUNSAFE, "DOCTYPE");
    assert_no_secret(ctx);
    snprintf(doc, sizeof doc,
             "<!DOCTYPE ClinicalDocument [ <!ENTITY %% p SYSTEM \"%s\"> %%p; ]>\n"
             "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
             "<title>&leak;</title></ClinicalDocument>\n", dtd);
    expect_fail(ctx, doc, EPSOS_EUNSAFE, "DOCTYPE");
    assert_no_secret(ctx);

    /* 4. from a file, with a relative reference beside it */
    snprintf(doc, sizeof doc,
             "<!DOCTYPE ClinicalDocument [ <!ENTITY xxe SYSTEM \"secret.txt\"> ]>\n"
             "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
             "<title>&xxe;</title></ClinicalDocument>\n");
    char *docfile = write_file(dir, "xxe.xml", doc, strlen(doc));
    epsos_doc *d = NOT_NULL_DOC;
    capture cap;
    cap_begin(&cap);
    int rc = epsos_doc_parse_file(&d, ctx, docfile, 0);
    char *printed = cap_end(&cap);
    ck_assert_msg(rc == EPSOS_EUNSAFE, "parse_file: status %d (%s): %s", rc,
                  epsos_strerror(rc), epsos_ctx_errmsg(ctx));
    ck_assert_ptr_null(d);
    ck_assert(contains_ci(epsos_ctx_errmsg(ctx), "DOCTYPE"));
    assert_no_secret(ctx);
    ck_assert_msg(strstr(printed, SECRET) == NULL, "secret printed");
    ck_assert_msg(*printed == '\0', "the library printed: %.300s", printed);
    free(printed);

    unlink(docfile);
    unlink(dtd);
    unlink(secret);
    rmdir(dir);
    free(docfile);
    free(dtd);
    free(dtd_text);
    free(secret);
    free(dir);
    epsos_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Limits.                                                                   */

/* A CDA root with `depth` nested elements in all (root included). */
static char *nested_doc(size_t depth, size_t *len)
{
    static const char open_root[] = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">";
    static const char close_root[] = "</ClinicalDocument>";
    size_t inner = depth - 1;
    size_t n = strlen(open_root) + strlen(close_root) + inner * (3 + 4) + 1;
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    char *p = s;
    p += sprintf(p, "%s", open_root);
    for (size_t i = 0; i < inner; i++) {
        memcpy(p, "<a>", 3);
        p += 3;
    }
    for (size_t i = 0; i < inner; i++) {
        memcpy(p, "</a>", 4);
        p += 4;
    }
    p += sprintf(p, "%s", close_root);
    *len = (size_t)(p - s);
    return s;
}

static int parse_buf(epsos_ctx *ctx, const char *s, size_t len)
{
    epsos_doc *doc = NOT_NULL_DOC;
    int rc = epsos_doc_parse(&doc, ctx, (const uint8_t *)s, len, 0);
    if (rc == EPSOS_OK) {
        ck_assert_ptr_nonnull(doc);
        epsos_doc_free(doc);
    } else {
        ck_assert_ptr_null(doc);
    }
    return rc;
}

START_TEST(test_deep_nesting)
{
    epsos_ctx *ctx = new_ctx();
    size_t len;
    char *s = nested_doc(100000, &len);
    expect_fail_n(ctx, s, len, EPSOS_ELIMIT, NEEDLES("depth", "256"));
    free(s);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_depth_default_boundary)
{
    epsos_ctx *ctx = new_ctx();
    uint64_t v = 0;
    ck_assert_int_eq(epsos_ctx_get_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, &v), EPSOS_OK);
    ck_assert_uint_eq(v, 256);
    size_t len;
    char *s = nested_doc(256, &len);
    int rc = parse_buf(ctx, s, len);
    ck_assert_msg(rc == EPSOS_OK, "256-deep document: status %d: %s", rc,
                  epsos_ctx_errmsg(ctx));
    free(s);
    s = nested_doc(258, &len);
    expect_fail_n(ctx, s, len, EPSOS_ELIMIT, NEEDLES("depth", "256"));
    free(s);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_depth_ctx_limit)
{
    epsos_ctx *ctx = new_ctx();
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, 8), EPSOS_OK);
    size_t len;
    char *s = nested_doc(10, &len);
    expect_fail_n(ctx, s, len, EPSOS_ELIMIT, NEEDLES("depth", "8"));
    free(s);
    s = nested_doc(8, &len);
    int rc = parse_buf(ctx, s, len);
    ck_assert_msg(rc == EPSOS_OK, "8-deep document with limit 8: status %d: %s", rc,
                  epsos_ctx_errmsg(ctx));
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    free(s);
    /* the header fixture nests 6 deep (ClinicalDocument .. given) */
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_DEPTH, 4), EPSOS_OK);
    expect_fail(ctx, PS_DOC, EPSOS_ELIMIT, "depth", "4");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_size_limit)
{
    epsos_ctx *ctx = new_ctx();
    ck_assert_int_eq(epsos_ctx_set_limit(ctx, EPSOS_LIMIT_MAX_BYTES, 100), EPSOS_OK);
    /* 200 bytes, well-formed */
    char big[201];
    const char *head = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
                       "<title>";
    const char *tail = "</title></ClinicalDocument>";
    size_t fill = 200 - strlen(head) - strlen(tail);
    snprintf(big, sizeof big, "%s%*s%s", head, (int)fill, "", tail);
    ck_assert_uint_eq(strlen(big), 200);
    expect_fail_n(ctx, big, 200, EPSOS_ELIMIT, NEEDLES("100"));

    /* exactly at the limit: accepted */
    char exact[101];
    const char *small = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><code code=\"60591-5\"/>"
                        "</ClinicalDocument>";
    ck_assert_uint_lt(strlen(small), 100);
    snprintf(exact, sizeof exact, "%s%*s", small, (int)(100 - strlen(small)), "");
    ck_assert_uint_eq(strlen(exact), 100);
    int rc = parse_buf(ctx, exact, 100);
    ck_assert_msg(rc == EPSOS_OK, "100 bytes with limit 100: status %d: %s", rc,
                  epsos_ctx_errmsg(ctx));
    /* one more byte: refused */
    char over[102];
    snprintf(over, sizeof over, "%s ", exact);
    expect_fail_n(ctx, over, 101, EPSOS_ELIMIT, NEEDLES("100"));

    /* the same limit applies to files */
    char *dir = make_tmpdir();
    char *path = write_file(dir, "big.xml", big, 200);
    epsos_doc *doc = NOT_NULL_DOC;
    rc = epsos_doc_parse_file(&doc, ctx, path, 0);
    ck_assert_msg(rc == EPSOS_ELIMIT, "parse_file: status %d (%s)", rc, epsos_strerror(rc));
    ck_assert_ptr_null(doc);
    ck_assert(contains_ci(epsos_ctx_errmsg(ctx), "100"));
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
    epsos_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Files and arguments.                                                      */

START_TEST(test_missing_file)
{
    epsos_ctx *ctx = new_ctx();
    const char *path = "/nonexistent-dir-of-check-parse/missing file.xml";
    epsos_doc *doc = NOT_NULL_DOC;
    int rc = epsos_doc_parse_file(&doc, ctx, path, 0);
    ck_assert_msg(rc == EPSOS_EIO, "status %d (%s)", rc, epsos_strerror(rc));
    ck_assert_ptr_null(doc);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EIO);
    ck_assert_msg(strstr(epsos_ctx_errmsg(ctx), path) != NULL,
                  "message does not name the file: %s", epsos_ctx_errmsg(ctx));

    /* a directory is not a readable document either */
    char *dir = make_tmpdir();
    doc = NOT_NULL_DOC;
    rc = epsos_doc_parse_file(&doc, ctx, dir, 0);
    ck_assert_msg(rc == EPSOS_EIO, "directory: status %d (%s)", rc, epsos_strerror(rc));
    ck_assert_ptr_null(doc);
    rmdir(dir);
    free(dir);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_null_arguments)
{
    const uint8_t *data = (const uint8_t *)PS_DOC;
    size_t len = strlen(PS_DOC);
    epsos_doc *doc = NOT_NULL_DOC;
    ck_assert_int_eq(epsos_doc_parse(&doc, NULL, data, len, 0), EPSOS_EINVAL);
    ck_assert_ptr_null(doc);
    doc = NOT_NULL_DOC;
    ck_assert_int_eq(epsos_doc_parse_file(&doc, NULL, "x.xml", 0), EPSOS_EINVAL);
    ck_assert_ptr_null(doc);

    epsos_ctx *ctx = new_ctx();
    ck_assert_int_eq(epsos_doc_parse(NULL, ctx, data, len, 0), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EINVAL);
    ck_assert_str_ne(epsos_ctx_errmsg(ctx), "");
    ck_assert_int_eq(epsos_doc_parse_file(NULL, ctx, "x.xml", 0), EPSOS_EINVAL);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EINVAL);
    doc = NOT_NULL_DOC;
    ck_assert_int_eq(epsos_doc_parse_file(&doc, ctx, NULL, 0), EPSOS_EINVAL);
    ck_assert_ptr_null(doc);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EINVAL);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_unknown_flags)
{
    epsos_ctx *ctx = new_ctx();
    const uint8_t *data = (const uint8_t *)PS_DOC;
    size_t len = strlen(PS_DOC);
    static const uint32_t bad[] = { 1u, 2u, 0x100u, 0x80000000u, 0xFFFFFFFFu };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        epsos_doc *doc = NOT_NULL_DOC;
        int rc = epsos_doc_parse(&doc, ctx, data, len, bad[i]);
        ck_assert_msg(rc == EPSOS_EINVAL, "flags 0x%x: status %d", (unsigned)bad[i], rc);
        ck_assert_ptr_null(doc);
        ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_EINVAL);
        ck_assert_msg(contains_ci(epsos_ctx_errmsg(ctx), "flag"),
                      "message does not mention the flags: %s", epsos_ctx_errmsg(ctx));
        doc = NOT_NULL_DOC;
        rc = epsos_doc_parse_file(&doc, ctx, "/nonexistent-dir-of-check-parse/x.xml", bad[i]);
        ck_assert_msg(rc == EPSOS_EINVAL, "parse_file flags 0x%x: status %d",
                      (unsigned)bad[i], rc);
        ck_assert_ptr_null(doc);
    }
    epsos_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Good variations.                                                          */

START_TEST(test_good_plain)
{
    epsos_ctx *ctx = new_ctx();
    expect_ps_str(ctx, XML_DECL PS_DOC);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_good_bom_and_decl)
{
    epsos_ctx *ctx = new_ctx();
    expect_ps_str(ctx, BOM XML_DECL PS_DOC);
    expect_ps_str(ctx, BOM PS_DOC);              /* BOM without a declaration */
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_good_no_decl)
{
    epsos_ctx *ctx = new_ctx();
    expect_ps_str(ctx, PS_DOC);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_good_stylesheet_pi)
{
    epsos_ctx *ctx = new_ctx();
    expect_ps_str(ctx, XML_DECL "<?xml-stylesheet type=\"text/xsl\" href=\"cda.xsl\"?>\n" PS_DOC);
    expect_ps_str(ctx, "<?xml-stylesheet type=\"text/xsl\" href=\"cda.xsl\"?>" PS_DOC);
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_good_prefixed_root)
{
    epsos_ctx *ctx = new_ctx();
    const char *s =
        "<hl7:ClinicalDocument xmlns:hl7=\"urn:hl7-org:v3\">\n"
        "  <hl7:templateId root=\"1.3.6.1.4.1.12559.11.10.1.3.1.1.3\"/>\n"
        "  <hl7:code code=\"60591-5\" codeSystem=\"2.16.840.1.113883.6.1\"/>\n"
        "  <hl7:title>Prefixed</hl7:title>\n"
        "</hl7:ClinicalDocument>\n";
    expect_ps(ctx, s, strlen(s), "Prefixed");
    /* a prefix and a default namespace that both mean HL7 v3 */
    const char *s2 =
        "<x:ClinicalDocument xmlns:x=\"urn:hl7-org:v3\" xmlns=\"urn:hl7-org:v3\">"
        "<code code=\"60591-5\" codeSystem=\"2.16.840.1.113883.6.1\"/>"
        "<x:title>Mixed</x:title></x:ClinicalDocument>";
    expect_ps(ctx, s2, strlen(s2), "Mixed");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_good_leading_comment)
{
    epsos_ctx *ctx = new_ctx();
    expect_ps_str(ctx, "<!-- Licensed under the test licence. -->\n" PS_DOC);
    expect_ps_str(ctx, XML_DECL "<!-- a comment -->\n<?some-pi data?>\n" PS_DOC
                       "<!-- trailing comment -->\n");
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_good_crlf)
{
    epsos_ctx *ctx = new_ctx();
    const char *src = XML_DECL PS_DOC;
    size_t n = strlen(src);
    char *crlf = malloc(2 * n + 1), *p = crlf;
    ck_assert_ptr_nonnull(crlf);
    for (size_t i = 0; i < n; i++) {
        if (src[i] == '\n')
            *p++ = '\r';
        *p++ = src[i];
    }
    *p = '\0';
    expect_ps_str(ctx, crlf);
    free(crlf);
    epsos_ctx_free(ctx);
}
END_TEST

/* The parser reads exactly len bytes: no NUL terminator needed, nothing
 * read past the end (a PROT_NONE page follows), nothing written (the input
 * page is read-only). */
START_TEST(test_buffer_bounds)
{
    epsos_ctx *ctx = new_ctx();
    long pg = sysconf(_SC_PAGESIZE);
    ck_assert_int_gt(pg, 0);
    size_t page = (size_t)pg;
    const char *inputs[] = { PS_DOC, "hello", PS_ROOT_OPEN "<title>unterminated" };
    const int want[] = { EPSOS_OK, EPSOS_EPARSE, EPSOS_EPARSE };
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(inputs[k]);
        size_t span = ((len + page - 1) / page) * page;
        unsigned char *map = mmap(NULL, span + page, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        ck_assert_ptr_ne(map, MAP_FAILED);
        unsigned char *data = map + span - len;
        memcpy(data, inputs[k], len);
        ck_assert_int_eq(mprotect(map, span, PROT_READ), 0);
        ck_assert_int_eq(mprotect(map + span, page, PROT_NONE), 0);
        epsos_doc *doc = NOT_NULL_DOC;
        int rc = epsos_doc_parse(&doc, ctx, data, len, 0);
        ck_assert_msg(rc == want[k], "input %zu: status %d (%s): %s", k, rc,
                      epsos_strerror(rc), epsos_ctx_errmsg(ctx));
        if (rc == EPSOS_OK) {
            ck_assert_int_eq(epsos_doc_kind(doc), EPSOS_DOC_PS);
            epsos_doc_free(doc);
        } else {
            ck_assert_ptr_null(doc);
        }
        munmap(map, span + page);
    }
    epsos_ctx_free(ctx);
}
END_TEST

START_TEST(test_good_file_with_odd_name)
{
    epsos_ctx *ctx = new_ctx();
    char *dir = make_tmpdir();
    /* a space and NFD non-ASCII (C + U+030C COMBINING CARON) in the name */
    char *path = write_file(dir, "W8 MRAC\xCC\x8C" "ENA (test).xml", BOM XML_DECL PS_DOC,
                            strlen(BOM XML_DECL PS_DOC));
    epsos_doc *doc = NOT_NULL_DOC;
    int rc = epsos_doc_parse_file(&doc, ctx, path, 0);
    ck_assert_msg(rc == EPSOS_OK, "status %d: %s", rc, epsos_ctx_errmsg(ctx));
    ck_assert_int_eq(epsos_doc_kind(doc), EPSOS_DOC_PS);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    epsos_doc_free(doc);
    unlink(path);
    rmdir(dir);
    free(path);
    free(dir);
    epsos_ctx_free(ctx);
}
END_TEST

/* The ctx keeps the last error until the next call that can fail; a
 * successful parse leaves EPSOS_OK and an empty message. */
START_TEST(test_error_then_success)
{
    epsos_ctx *ctx = new_ctx();
    expect_fail(ctx, "<foo xmlns=\"urn:hl7-org:v3\"/>", EPSOS_ENOTCDA, "foo");
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_ENOTCDA);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_ENOTCDA);   /* reading does not clear */
    expect_ps_str(ctx, PS_DOC);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    ck_assert_str_eq(epsos_ctx_errmsg(ctx), "");
    ck_assert_str_eq(epsos_ctx_errloc(ctx), "");
    ck_assert_int_eq(epsos_ctx_errline(ctx), 0);

    expect_fail(ctx, "hello", EPSOS_EPARSE, "line");
    epsos_ctx_clear_error(ctx);
    ck_assert_int_eq(epsos_ctx_errcode(ctx), EPSOS_OK);
    ck_assert_str_eq(epsos_ctx_errmsg(ctx), "");
    epsos_ctx_free(ctx);
}
END_TEST

/* Many parses on one ctx, alternating good and bad: no state leaks. */
START_TEST(test_repeated)
{
    epsos_ctx *ctx = new_ctx();
    for (int i = 0; i < 50; i++) {
        expect_ps_str(ctx, PS_DOC);
        expect_fail(ctx, "<ClinicalDocument xmlns=\"urn:other\"/>", EPSOS_ENOTCDA,
                    "urn:hl7-org:v3");
        expect_fail(ctx, "<!DOCTYPE x>" PS_DOC, EPSOS_EUNSAFE, "DOCTYPE");
    }
    epsos_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *bad = tcase_create("bad input");
    tcase_set_timeout(bad, 60);
    tcase_add_test(bad, test_not_xml);
    tcase_add_test(bad, test_empty);
    tcase_add_test(bad, test_null_data_with_length);
    tcase_add_test(bad, test_truncated);
    tcase_add_test(bad, test_mismatched_tags);
    tcase_add_test(bad, test_invalid_utf8);
    tcase_add_test(bad, test_wrong_root);
    tcase_add_test(bad, test_wrong_namespace);
    tcase_add_test(bad, test_no_namespace);
    tcase_add_test(bad, test_billion_laughs);
    tcase_add_test(bad, test_doctype_plain);
    tcase_add_test(bad, test_external_entity);
    tcase_add_test(bad, test_deep_nesting);
    tcase_add_test(bad, test_depth_default_boundary);
    tcase_add_test(bad, test_depth_ctx_limit);
    tcase_add_test(bad, test_size_limit);
    tcase_add_test(bad, test_missing_file);
    tcase_add_test(bad, test_null_arguments);
    tcase_add_test(bad, test_unknown_flags);
    suite_add_tcase(s, bad);

    TCase *good = tcase_create("good input");
    tcase_set_timeout(good, 60);
    tcase_add_test(good, test_good_plain);
    tcase_add_test(good, test_good_bom_and_decl);
    tcase_add_test(good, test_good_no_decl);
    tcase_add_test(good, test_good_stylesheet_pi);
    tcase_add_test(good, test_good_prefixed_root);
    tcase_add_test(good, test_good_leading_comment);
    tcase_add_test(good, test_good_crlf);
    tcase_add_test(good, test_buffer_bounds);
    tcase_add_test(good, test_good_file_with_odd_name);
    tcase_add_test(good, test_error_then_success);
    tcase_add_test(good, test_repeated);
    suite_add_tcase(s, good);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(parse_suite());
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
