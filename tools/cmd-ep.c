/*
 * epsos ed-from-ep: start an eDispensation answering a prescription.
 * SPDX-License-Identifier: MIT
 *
 *   epsos ed-from-ep [--quantity N] [--substituted] [--substitute JSON]
 *                    [--pharmacy JSON] [--item I] EP.xml -o ED.xml
 *
 * The eD holds the patient, the order id, the reference to the prescription
 * item, the prescribed product (also as the dispensed product) and the
 * quantity; the pharmacy adds the rest (author, dispenser, ...): with
 * --pharmacy JSON (or @FILE), an eD header object in the form `epsos dump
 * --json` prints it (author, custodian, legal_authenticator, language,
 * confidentiality, ...) plus "dispenser" as in a dispensation (default: the
 * first author); its fields are copied (epsos_item_copy), then
 * epsos_doc_complete and epsos_validate: what is still missing is refused
 * (exit 1) with its XPath.  Without --pharmacy the eD is a draft (said on
 * stderr).
 * --substitute JSON (or @FILE): the dispensed product differs; JSON is a
 * product object in the form `epsos dump --json` prints ("product_name",
 * "product_code", "ingredient": [...], "package_quantity", ...).  Each field
 * it names replaces every occurrence of that field in the copied product;
 * the others stay as prescribed.  It implies --substituted.
 * Exit status: 0 written, 1 refused (reason and XPath on stderr, nothing
 * written), 2 usage error or an input that could not be read.
 * Only the public API of libepsos and the C library are used here.
 */
#define _POSIX_C_SOURCE 200809L

#include <epsos.h>

#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "commands.h"

static const char help[] =
    "usage: epsos ed-from-ep [--quantity N] [--substituted] [--substitute JSON]\n"
    "                        [--pharmacy JSON] [--item I] EP.xml -o ED.xml\n"
    "Start an eDispensation answering prescription item I (default 0) of EP.xml:\n"
    "patient, order id, prescription reference, prescribed product, quantity.\n"
    "Without --pharmacy it is a draft (no author, custodian, dispenser, ids).\n"
    "  --quantity N    packages dispensed (default: the number prescribed)\n"
    "  --substituted   the dispensed product substitutes the prescribed one\n"
    "  --substitute JSON  the dispensed product differs: a product object as\n"
    "                  `epsos dump --json` prints it (@FILE reads it from FILE);\n"
    "                  the fields it names replace those of the prescribed\n"
    "                  product; implies --substituted\n"
    "  --pharmacy JSON the dispensing side, completing the eD: an eD \"header\"\n"
    "                  object as `epsos dump --json` prints it (@FILE reads it\n"
    "                  from FILE) with author (the pharmacist, with organization),\n"
    "                  custodian, legal_authenticator; optional language\n"
    "                  (default en-GB), confidentiality (default N), title, id\n"
    "                  (default a new UUID) and \"dispenser\" as in a dispensation\n"
    "                  (default: the author).  Then ids, effective time and\n"
    "                  narrative are generated; what is still missing is\n"
    "                  refused (exit 1, XPath on stderr, nothing written)\n"
    "  --item I        which prescription item of the document (from 0)\n"
    "  -o FILE         the eD to write (written only on success)\n";

static int usage(const char *msg, const char *arg)
{
    fprintf(stderr, "epsos: ed-from-ep: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    fprintf(stderr, "Try 'epsos ed-from-ep --help'.\n");
    return 2;
}

static void report(epsos_ctx *ctx, const char *file);

/* tools/cmd-build.c: the JSON reader and builder */
int epsos_build_json(epsos_doc **out, int *errors, epsos_ctx *ctx, const char *text,
                     size_t len, const char *label);

/* The JSON text of an option: the argument itself, or with '@' the content
 * of that file (*buf then holds it; free it).  Returns 0 or an exit status
 * (message on stderr). */
static int json_arg(const char *opt, const char *arg, char **buf, const char **text)
{
    *buf = NULL;
    *text = arg;
    if (arg[0] != '@')
        return 0;
    FILE *f = fopen(arg + 1, "rb");
    char *t = NULL;
    size_t tlen = 0, cap = 0;
    while (f) {
        if (tlen + 4096 > cap) {
            char *nt = realloc(t, cap = cap * 2 + 8192);
            if (!nt)
                break;
            t = nt;
        }
        size_t r = fread(t + tlen, 1, cap - tlen - 1, f);
        tlen += r;
        if (r == 0)
            break;
    }
    if (!f || ferror(f) || !t) {
        fprintf(stderr, "epsos: ed-from-ep: %s: cannot read '%s'\n", opt, arg + 1);
        if (f)
            fclose(f);
        free(t);
        return 2;
    }
    fclose(f);
    t[tlen] = '\0';
    *buf = t;
    *text = t;
    return 0;
}

/* Whether the first non-blank character of text is '{'. */
static bool json_object(const char *text)
{
    text += strspn(text, " \t\r\n");
    return *text == '{';
}

/* An eD around one field of a dispensation ("product", "dispenser"), built
 * by `epsos build`'s reader: *tmp the document, *item the field's item.
 * Returns 0 or 2 (message on stderr; what: the option and the noun). */
static int build_in_dispensation(epsos_ctx *ctx, const char *opt, const char *noun,
                                 const char *key, int32_t field, const char *json, size_t jl,
                                 epsos_doc **tmp, epsos_item **item)
{
    static const char pre[] = "{\"kind\": \"eD\", \"header\": {\"section\": [{\"code\": "
        "{\"code\": \"60590-7\", \"codeSystem\": \"2.16.840.1.113883.6.1\"}, "
        "\"dispensation\": [{\"";
    static const char post[] = "}]}]}}";
    *tmp = NULL;
    *item = NULL;
    size_t kl = strlen(key), wl = sizeof pre - 1 + kl + 3 + jl + sizeof post - 1;
    char *wrap = malloc(wl + 1);
    if (!wrap) {
        fprintf(stderr, "epsos: out of memory\n");
        return 2;
    }
    memcpy(wrap, pre, sizeof pre - 1);
    memcpy(wrap + sizeof pre - 1, key, kl);
    memcpy(wrap + sizeof pre - 1 + kl, "\": ", 3);
    memcpy(wrap + sizeof pre - 1 + kl + 3, json, jl);
    memcpy(wrap + sizeof pre - 1 + kl + 3 + jl, post, sizeof post);
    int errors = 0, st = epsos_build_json(tmp, &errors, ctx, wrap, wl, opt);
    free(wrap);
    epsos_item *h, *s, *d;
    if (st == 0 && !errors &&
        (epsos_doc_header(&h, *tmp) != EPSOS_OK ||
         epsos_item_child(&s, h, EPSOS_F_SECTION, 0) != EPSOS_OK ||
         epsos_item_child(&d, s, EPSOS_F_DISPENSE, 0) != EPSOS_OK ||
         epsos_item_child(item, d, field, 0) != EPSOS_OK))
        st = 2;
    if (st != 0 || errors) {
        fprintf(stderr, "epsos: ed-from-ep: %s: not a %s object as `epsos dump --json` "
                "prints it\n", opt, noun);
        epsos_doc_free(*tmp);
        *tmp = NULL;
        return 2;
    }
    return 0;
}

/* The dispensation of the eD (its first section's first). */
static int ed_dispensation(epsos_doc *ed, epsos_item **d)
{
    epsos_item *h, *s;
    int rc = epsos_doc_header(&h, ed);
    if (rc == EPSOS_OK && (rc = epsos_item_child(&s, h, EPSOS_F_SECTION, 0)) == EPSOS_OK)
        rc = epsos_item_child(d, s, EPSOS_F_DISPENSE, 0);
    return rc;
}

/* The dispensed product of the eD, changed as `json` says (see above).
 * Returns an exit status; messages on stderr. */
static int substitute(epsos_ctx *ctx, epsos_doc *ed, const char *arg)
{
    char *buf;
    const char *json;
    int st = json_arg("--substitute", arg, &buf, &json);
    if (st != 0)
        return st;
    /* a product object: the first non-blank character is '{' */
    if (!json_object(json)) {
        fprintf(stderr, "epsos: ed-from-ep: --substitute: expected a JSON object "
                "(the dispensed product)\n");
        free(buf);
        return 2;
    }
    epsos_doc *tmp = NULL;
    epsos_item *from = NULL, *d, *to = NULL;
    st = build_in_dispensation(ctx, "--substitute", "product", "product", EPSOS_F_PRODUCT,
                               json, strlen(json), &tmp, &from);
    free(buf);
    if (st != 0)
        return st;
    int rc = ed_dispensation(ed, &d);
    if (rc == EPSOS_OK)
        rc = epsos_item_child(&to, d, EPSOS_F_PRODUCT, 0);
    size_t nf = epsos_kind_field_count(EPSOS_KIND_PRODUCT);
    for (size_t j = 0; rc == EPSOS_OK && j < nf; j++) {
        int32_t f = epsos_kind_field_at(EPSOS_KIND_PRODUCT, j);
        size_t n = 0;
        if ((rc = epsos_item_count(from, f, &n)) != EPSOS_OK || n == 0)
            continue;
        while (rc == EPSOS_OK && epsos_item_count(to, f, &n) == EPSOS_OK && n > 0)
            rc = epsos_item_remove(to, f, 0);
        if (rc == EPSOS_OK)
            rc = epsos_item_copy(to, from, f);
    }
    epsos_doc_free(tmp);
    if (rc != EPSOS_OK) {
        report(ctx, "--substitute");
        return 1;
    }
    return 0;
}

/* ---- --pharmacy ---------------------------------------------------------- */

/* Index just after the JSON value that starts at s[i] (after blanks), or 0
 * when it does not end before n.  Only the structure is followed (strings,
 * nesting): `epsos build`'s reader checks the rest. */
static size_t json_skip(const char *s, size_t i, size_t n)
{
    i += strspn(s + i, " \t\r\n");
    if (i >= n)
        return 0;
    int depth = 0;
    do {
        char c = s[i];
        if (c == '"') {
            for (i++; i < n && s[i] != '"'; i++)
                if (s[i] == '\\')
                    i++;
            if (i >= n)
                return 0;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (--depth < 0)
                return 0;
        } else if (depth == 0) {       /* a number, true, false, null */
            while (i < n && !strchr(",}] \t\r\n", s[i]))
                i++;
            return i;
        }
        i++;
    } while (depth > 0 && i < n);
    return depth == 0 ? i : 0;
}

/* Takes the member `key` out of the JSON object text: *rest gets the object
 * without it, *value its value (both malloc'd).  Returns 1 when found, 0
 * when not (or when text is not an object: the reader says why later), -1
 * out of memory. */
static int json_take(const char *text, const char *key, char **rest, char **value)
{
    size_t n = strlen(text), i = strspn(text, " \t\r\n"), kl = strlen(key);
    *rest = *value = NULL;
    if (i >= n || text[i] != '{')
        return 0;
    size_t kb = 0, ve = 0, vb = 0, prev_end = i + 1, cut_b = 0, cut_e = 0;
    bool found = false, first = true;
    for (i++;;) {
        i += strspn(text + i, " \t\r\n");
        if (i < n && text[i] == '}' && first)
            break;
        if (i >= n || text[i] != '"')
            return 0;
        kb = i;
        size_t ke = json_skip(text, i, n);
        if (!ke)
            return 0;
        i = ke + strspn(text + ke, " \t\r\n");
        if (i >= n || text[i] != ':')
            return 0;
        vb = i + 1;
        if (!(ve = json_skip(text, vb, n)))
            return 0;
        if (!found && ke - kb == kl + 2 && !memcmp(text + kb + 1, key, kl)) {
            found = true;
            /* cut from the end of the previous member (or '{') to here; the
             * first member: from its key through the following comma */
            cut_b = first ? kb : prev_end;
            cut_e = ve;
            vb += strspn(text + vb, " \t\r\n");
            *value = strndup(text + vb, ve - vb);
            if (!*value)
                return -1;
        }
        first = false;
        i = ve + strspn(text + ve, " \t\r\n");
        if (i < n && text[i] == ',') {
            if (found && cut_e == ve && cut_b == kb)    /* first member: its comma too */
                cut_e = i + 1;
            prev_end = ve;
            i++;
            continue;
        }
        if (i < n && text[i] == '}')
            break;
        return 0;
    }
    if (!found)
        return 0;
    *rest = malloc(n - (cut_e - cut_b) + 1);
    if (!*rest) {
        free(*value);
        *value = NULL;
        return -1;
    }
    memcpy(*rest, text, cut_b);
    memcpy(*rest + cut_b, text + cut_e, n - cut_e + 1);
    return 1;
}

/* Header fields the pharmacy does not give: they come from the prescription
 * (patient, order id) or the document kind, or are built here (the body). */
static bool prescription_side(int32_t f)
{
    return f == EPSOS_F_PATIENT || f == EPSOS_F_ORDER_ID || f == EPSOS_F_SECTION ||
           f == EPSOS_F_TEMPLATE_ID || f == EPSOS_F_CODE;
}

/* Copies the dispenser's fields from an author (the same assignedEntity
 * shape: id, code, addr, telecom, assignedPerson/name,
 * representedOrganization; the author's time when it has one).  Returns an
 * EPSOS_ status. */
static int dispenser_from_author(epsos_item *disp, epsos_item *author)
{
    static const int32_t fields[] = { EPSOS_F_TIME, EPSOS_F_ID, EPSOS_F_CODE, EPSOS_F_ADDRESS,
        EPSOS_F_TELECOM, EPSOS_F_NAME, EPSOS_F_ORGANIZATION };
    int rc = EPSOS_OK;
    for (size_t j = 0; rc == EPSOS_OK && j < sizeof fields / sizeof fields[0]; j++) {
        int32_t f = fields[j], type = epsos_field_type(EPSOS_KIND_AUTHOR, f);
        size_t n = 0;
        if ((rc = epsos_item_count(author, f, &n)) != EPSOS_OK)
            break;
        for (size_t i = 0; rc == EPSOS_OK && i < n; i++) {
            const char *a = NULL, *b = NULL, *c = NULL, *nf = NULL;
            if ((rc = epsos_item_get_null_flavor(author, f, i, &nf)) != EPSOS_OK)
                break;
            switch (type) {
            case EPSOS_T_ITEM: {
                epsos_item *from, *to;
                if ((rc = epsos_item_child(&from, author, f, i)) == EPSOS_OK &&
                    (rc = epsos_item_add_child(&to, disp, f)) == EPSOS_OK)
                    rc = epsos_item_copy(to, from, 0);
                if (rc == EPSOS_OK && nf)
                    rc = epsos_item_set_attr(disp, f, i, "nullFlavor", nf);
                continue;
            }
            case EPSOS_T_TS:
                rc = epsos_item_get_time(author, f, i, &a);
                if (rc == EPSOS_OK && a)
                    rc = epsos_item_set_time(disp, f, i, a);
                break;
            case EPSOS_T_II:
                rc = epsos_item_get_id(author, f, i, &a, &b);
                if (rc == EPSOS_OK && a)
                    rc = epsos_item_set_id(disp, f, i, a, b);
                break;
            case EPSOS_T_CD:
                rc = epsos_item_get_code(author, f, i, &a, &b, &c);
                if (rc == EPSOS_OK && a)
                    rc = epsos_item_set_code(disp, f, i, a, b, c);
                break;
            case EPSOS_T_TEL:
                rc = epsos_item_get_telecom(author, f, i, &a, &b);
                if (rc == EPSOS_OK && a)
                    rc = epsos_item_set_telecom(disp, f, i, a, b);
                break;
            default:
                rc = EPSOS_ETYPE;
            }
            if (rc == EPSOS_OK && nf)
                rc = a ? epsos_item_set_attr(disp, f, i, "nullFlavor", nf)
                       : epsos_item_set_null_flavor(disp, f, i, nf);
        }
    }
    return rc;
}

/* Sets the time field of every item of `field` of the header that has none
 * to ts (the document's effectiveTime). */
static int default_times(epsos_item *h, int32_t field, const char *ts)
{
    size_t n = 0, nt = 0;
    int rc = epsos_item_count(h, field, &n);
    for (size_t i = 0; rc == EPSOS_OK && i < n; i++) {
        epsos_item *it;
        if ((rc = epsos_item_child(&it, h, field, i)) == EPSOS_OK &&
            (rc = epsos_item_count(it, EPSOS_F_TIME, &nt)) == EPSOS_OK && nt == 0)
            rc = epsos_item_set_time(it, EPSOS_F_TIME, 0, ts);
    }
    return rc;
}

/* The dispensing side (--pharmacy JSON, see the usage) onto the started eD,
 * then epsos_doc_complete and the conformance check of epsos_validate.
 * Returns an exit status; messages on stderr. */
static int pharmacy(epsos_ctx *ctx, epsos_doc *ed, const char *arg)
{
    char *buf, *hjson = NULL, *djson = NULL;
    const char *json;
    int st = json_arg("--pharmacy", arg, &buf, &json);
    if (st != 0)
        return st;
    if (!json_object(json)) {
        fprintf(stderr, "epsos: ed-from-ep: --pharmacy: expected a JSON object (the "
                "dispensing side: author, custodian, legal_authenticator, ...)\n");
        free(buf);
        return 2;
    }
    if (json_take(json, "dispenser", &hjson, &djson) < 0) {
        free(buf);
        fprintf(stderr, "epsos: out of memory\n");
        return 2;
    }
    const char *htext = hjson ? hjson : json;
    /* the header fields: an eD header object, as `epsos dump --json` prints it */
    static const char pre[] = "{\"kind\": \"eD\", \"header\": ";
    size_t hl = strlen(htext), wl = sizeof pre - 1 + hl + 1;
    char *wrap = malloc(wl + 1);
    epsos_doc *tmp = NULL, *dtmp = NULL;
    epsos_item *th = NULL, *eh = NULL, *dfrom = NULL, *d = NULL, *to = NULL;
    int errors = 0;
    if (!wrap) {
        fprintf(stderr, "epsos: out of memory\n");
        st = 2;
        goto out;
    }
    memcpy(wrap, pre, sizeof pre - 1);
    memcpy(wrap + sizeof pre - 1, htext, hl);
    memcpy(wrap + sizeof pre - 1 + hl, "}", 2);
    st = epsos_build_json(&tmp, &errors, ctx, wrap, wl, "--pharmacy");
    free(wrap);
    if (st == 0 && !errors && epsos_doc_header(&th, tmp) != EPSOS_OK)
        st = 2;
    if (st != 0 || errors) {
        fprintf(stderr, "epsos: ed-from-ep: --pharmacy: not an eD header object as `epsos "
                "dump --json` prints it (with \"dispenser\" as in a dispensation)\n");
        st = 2;
        goto out;
    }
    if (djson && (st = build_in_dispensation(ctx, "--pharmacy", "dispenser", "dispenser",
                                             EPSOS_F_DISPENSER, djson, strlen(djson), &dtmp,
                                             &dfrom)) != 0)
        goto out;
    size_t nf = epsos_kind_field_count(EPSOS_KIND_HEADER);
    for (size_t j = 0; j < nf; j++) {
        int32_t f = epsos_kind_field_at(EPSOS_KIND_HEADER, j);
        size_t n = 0;
        if (epsos_item_count(th, f, &n) == EPSOS_OK && n > 0 && prescription_side(f)) {
            fprintf(stderr, "epsos: ed-from-ep: --pharmacy: field %s: not given by the "
                    "pharmacy (it comes from the prescription or the document kind)\n",
                    epsos_field_name(f));
            st = 2;
            goto out;
        }
    }
    /* from here on, a refusal of the library: exit 1 */
    st = 1;
    int rc = epsos_doc_header(&eh, ed);
    for (size_t j = 0; rc == EPSOS_OK && j < nf; j++) {
        int32_t f = epsos_kind_field_at(EPSOS_KIND_HEADER, j);
        size_t n = 0;
        if ((rc = epsos_item_count(th, f, &n)) != EPSOS_OK || n == 0)
            continue;
        while (rc == EPSOS_OK && epsos_item_count(eh, f, &n) == EPSOS_OK && n > 0)
            rc = epsos_item_remove(eh, f, 0);
        if (rc == EPSOS_OK)
            rc = epsos_item_copy(eh, th, f);
    }
    if (rc != EPSOS_OK) {
        report(ctx, "--pharmacy");
        goto out;
    }
    /* defaults: confidentiality N, language en-GB (the language of the
     * generated narrative); the title and a fresh document id come from
     * epsos_doc_complete below */
    size_t n = 0;
    if (epsos_item_count(eh, EPSOS_F_CONFIDENTIALITY, &n) == EPSOS_OK && n == 0)
        rc = epsos_item_set_code(eh, EPSOS_F_CONFIDENTIALITY, 0, "N", "2.16.840.1.113883.5.25",
                                 "normal");
    if (rc == EPSOS_OK && epsos_item_count(eh, EPSOS_F_LANGUAGE, &n) == EPSOS_OK && n == 0)
        rc = epsos_item_set_text(eh, EPSOS_F_LANGUAGE, 0, "en-GB");
    /* the dispenser: as given, else the (first) author */
    epsos_item *author = NULL;
    bool derived = false;
    if (rc == EPSOS_OK)
        rc = ed_dispensation(ed, &d);
    if (rc == EPSOS_OK && dfrom) {
        if ((rc = epsos_item_add_child(&to, d, EPSOS_F_DISPENSER)) == EPSOS_OK)
            rc = epsos_item_copy(to, dfrom, 0);
    } else if (rc == EPSOS_OK &&
               epsos_item_child(&author, eh, EPSOS_F_AUTHOR, 0) == EPSOS_OK && author) {
        if ((rc = epsos_item_add_child(&to, d, EPSOS_F_DISPENSER)) == EPSOS_OK)
            rc = dispenser_from_author(to, author);
        derived = true;
    } else if (rc == EPSOS_OK) {
        fprintf(stderr, "epsos: ed-from-ep: --pharmacy: no author (the dispensing pharmacist, "
                "header author) and no dispenser: an eDispensation needs an author at "
                "/hl7:ClinicalDocument/hl7:author and a dispenser at %s/hl7:performer\n",
                epsos_item_path(d));
        goto out;
    }
    /* ids, effective time, narrative; the dispensation checked */
    if (rc == EPSOS_OK)
        rc = epsos_doc_complete(ed, 0);
    /* times left to the document's: the author's and legal authenticator's
     * (mandatory), the dispenser's when it is the author */
    const char *ts = NULL;
    if (rc == EPSOS_OK &&
        (rc = epsos_item_get_time(eh, EPSOS_F_EFFECTIVE_TIME, 0, &ts)) == EPSOS_OK && ts) {
        char now[64];
        snprintf(now, sizeof now, "%s", ts);
        if ((rc = default_times(eh, EPSOS_F_AUTHOR, now)) == EPSOS_OK)
            rc = default_times(eh, EPSOS_F_LEGAL_AUTHENTICATOR, now);
        /* the dispenser made from the author again, now that the author has
         * a time (performer/time goes before assignedEntity; the library
         * would append it after) */
        if (rc == EPSOS_OK && derived && (rc = epsos_item_remove(d, EPSOS_F_DISPENSER, 0)) ==
            EPSOS_OK && (rc = epsos_item_add_child(&to, d, EPSOS_F_DISPENSER)) == EPSOS_OK)
            rc = dispenser_from_author(to, author);
    }
    epsos_item *la = NULL;
    if (rc == EPSOS_OK && epsos_item_child(&la, eh, EPSOS_F_LEGAL_AUTHENTICATOR, 0) == EPSOS_OK &&
        la && epsos_item_count(la, EPSOS_F_SIGNATURE_CODE, &n) == EPSOS_OK && n == 0)
        rc = epsos_item_set_text(la, EPSOS_F_SIGNATURE_CODE, 0, "S");
    if (rc != EPSOS_OK) {
        report(ctx, "--pharmacy");
        goto out;
    }
    /* what is still missing: the conformance rules of the template table */
    epsos_report *rep = NULL;
    if (epsos_validate(&rep, ctx, ed, 0) != EPSOS_OK) {
        report(ctx, "--pharmacy");
        epsos_report_free(rep);
        goto out;
    }
    size_t bad = 0;
    for (size_t k = 0; k < epsos_report_count(rep, 0); k++)
        if (epsos_report_severity(rep, k) == EPSOS_SEV_ERROR) {
            fprintf(stderr, "epsos: ed-from-ep: --pharmacy: %s (%s)\n",
                    epsos_report_message(rep, k), epsos_report_xpath(rep, k));
            bad++;
        }
    epsos_report_free(rep);
    /* eHDSI wants a legal authenticator in an eD (the table: 0..1) */
    if (!la) {
        fprintf(stderr, "epsos: ed-from-ep: --pharmacy: header legal_authenticator: an "
                "eDispensation needs one (/hl7:ClinicalDocument[1]/hl7:legalAuthenticator)\n");
        bad++;
    }
    if (bad)
        goto out;
    st = 0;
out:
    epsos_doc_free(dtmp);
    epsos_doc_free(tmp);
    free(hjson);
    free(djson);
    free(buf);
    return st;
}

static void report(epsos_ctx *ctx, const char *file)
{
    const char *loc = epsos_ctx_errloc(ctx);
    fprintf(stderr, "epsos: %s: %s%s%s\n", file, epsos_ctx_errmsg(ctx),
            loc && *loc ? " at " : "", loc && *loc ? loc : "");
}

int epsos_cmd_ed_from_ep(int argc, char **argv)
{
    const char *quantity = NULL, *output = NULL, *input = NULL, *subst = NULL, *pharm = NULL;
    uint32_t flags = 0;
    long want = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return 0;
        } else if (!strcmp(a, "--quantity") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
                   !strcmp(a, "--item") || !strcmp(a, "--substitute") ||
                   !strcmp(a, "--pharmacy")) {
            if (i + 1 >= argc)
                return usage("option needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--quantity"))
                quantity = v;
            else if (!strcmp(a, "--pharmacy"))
                pharm = v;
            else if (!strcmp(a, "--substitute")) {
                subst = v;
                flags |= EPSOS_ED_SUBSTITUTED;
            }
            else if (!strcmp(a, "--item")) {
                char *end;
                want = strtol(v, &end, 10);
                if (!*v || *end || want < 0)
                    return usage("--item needs a number from 0", v);
            } else
                output = v;
        } else if (!strcmp(a, "--substituted")) {
            flags |= EPSOS_ED_SUBSTITUTED;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option", a);
        } else if (!input) {
            input = a;
        } else {
            return usage("one eP document expected, got another", a);
        }
    }
    if (!input)
        return usage("no eP document given", NULL);
    if (!output)
        return usage("-o ED.xml is required", NULL);

    epsos_ctx *ctx = NULL;
    epsos_doc *ep = NULL, *ed = NULL;
    epsos_item *h, *s, *rx = NULL;
    int status = 2;
    if (epsos_ctx_new(&ctx) != EPSOS_OK) {
        fprintf(stderr, "epsos: out of memory\n");
        return 2;
    }
    if (epsos_doc_parse_file(&ep, ctx, input, 0) != EPSOS_OK) {
        report(ctx, input);
        goto done;
    }
    status = 1;
    /* the want-th prescription item over the eP sections, in order */
    size_t ns = 0, seen = 0;
    if (epsos_doc_header(&h, ep) == EPSOS_OK &&
        epsos_item_count(h, EPSOS_F_SECTION, &ns) == EPSOS_OK)
        for (size_t i = 0; i < ns && !rx; i++) {
            size_t n = 0;
            if (epsos_item_child(&s, h, EPSOS_F_SECTION, i) != EPSOS_OK ||
                epsos_item_kind(s) != EPSOS_KIND_EP_SECTION ||
                epsos_item_count(s, EPSOS_F_PRESCRIPTION, &n) != EPSOS_OK)
                continue;
            if ((size_t)want < seen + n &&
                epsos_item_child(&rx, s, EPSOS_F_PRESCRIPTION, (size_t)want - seen) != EPSOS_OK)
                rx = NULL;
            seen += n;
        }
    if (!rx) {
        fprintf(stderr, "epsos: %s: no prescription item %ld (the document has %zu)\n", input,
                want, seen);
        goto done;
    }
    if (epsos_ed_from_ep(&ed, rx, quantity, NULL, flags) != EPSOS_OK) {
        report(ctx, input);
        goto done;
    }
    if (subst && (status = substitute(ctx, ed, subst)) != 0)
        goto done;
    if (pharm && (status = pharmacy(ctx, ed, pharm)) != 0)
        goto done;
    if (!pharm)
        fprintf(stderr, "epsos: ed-from-ep: draft: %s has no author, custodian, legal "
                "authenticator, dispenser, ids or narrative yet; use --pharmacy to "
                "complete it\n", output);
    if (epsos_doc_save(ed, output, EPSOS_SERIALIZE_FORMAT) != EPSOS_OK) {
        report(ctx, output);
        status = 2;
        goto done;
    }
    status = 0;
done:
    epsos_doc_free(ed);
    epsos_doc_free(ep);
    epsos_ctx_free(ctx);
    return status;
}
