/*
 * epsos assertion: verify and show eHDSI HCP / TRC / NoK identity assertions
 * and decide access for a transaction.
 * epsos idcheck: check a patient identification query against a country's
 * identification profile (epsos-idprofile(5)).
 * SPDX-License-Identifier: MIT
 *
 *   epsos assertion --trust CA.pem [--trust ...] [--kind hcp|trc|nok] [--at UNIX]
 *                   [--skew SECONDS] [--access TX] [--legacy] FILE
 *   epsos idcheck --profile FILE [--id OID=VALUE ...] [--TRAIT VALUE ...]
 *
 * Exit status: 0 valid (and allowed), 1 invalid or denied (reason on
 * stderr), 2 usage error or an input that could not be read.
 * Only the public API of libepsos and the C library are used here.
 */
#define _POSIX_C_SOURCE 200809L

#include <epsos.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cmdutil.h"


static const char help[] =
    "Usage: epsos assertion --trust CA.pem [--trust ...] [--kind hcp|trc|nok] [--at UNIX]\n"
    "                       [--skew SECONDS] [--access TX] [--legacy] FILE\n"
    "Verify an eHDSI HCP identity, TRC or next-of-kin assertion (an assertion alone,\n"
    "or a SOAP header holding several) and print what it says: signature against\n"
    "the trust store, validity window, audience, issuer, required attributes, value\n"
    "sets.  With --access, also decide a transaction from the HCP permissions (and\n"
    "the TRC and NoK assertions of the same file): identify, ps, ep, ed-submit,\n"
    "ed-discard, consent.\n"
    "\n"
    "  --trust FILE     PEM trust anchors (file or directory), repeatable\n"
    "  --kind hcp|trc|nok  which assertion of the file (default: the first)\n"
    "  --at UNIX        check the validity window at this time (seconds since 1970)\n"
    "  --skew SECONDS   allowed clock skew (default 60)\n"
    "  --access TX      decide access to transaction TX\n"
    "  --legacy         legacy epSOS: attribute names, plain-string roles and purpose,\n"
    "                   RSA-SHA1 and SHA-1 signatures\n"
    "  -h, --help       show this help\n"
    "\n"
    "Exit status: 0 valid (and allowed), 1 invalid or denied, 2 usage error or an\n"
    "input that could not be read.\n";

static int usage(const char *what, const char *arg)
{
    if (!what) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    fprintf(stderr, "epsos: assertion: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    fprintf(stderr, "Try 'epsos assertion --help'.\n");
    return EXIT_TROUBLE;
}

static const struct { const char *name; int32_t tx; } txs[] = {
    { "identify", EPSOS_TX_IDENTIFY_PATIENT }, { "ps", EPSOS_TX_RETRIEVE_PS },
    { "ep", EPSOS_TX_RETRIEVE_EP }, { "ed-submit", EPSOS_TX_SUBMIT_ED },
    { "ed-discard", EPSOS_TX_DISCARD_ED }, { "consent", EPSOS_TX_SUBMIT_CONSENT },
};

static const struct { int32_t f; const char *name; } shown[] = {
    { EPSOS_SAML_ID, "id" }, { EPSOS_SAML_ISSUER, "issuer" }, { EPSOS_SAML_NAME_ID, "name-id" },
    { EPSOS_SAML_NAME_ID_FORMAT, "name-id-format" }, { EPSOS_SAML_AUDIENCE, "audience" },
    { EPSOS_SAML_AUTHN_CLASS, "authn-class" }, { EPSOS_SAML_SUBJECT_ID, "subject-id" },
    { EPSOS_SAML_ROLE, "role" }, { EPSOS_SAML_ROLE_NAME, "role-name" },
    { EPSOS_SAML_ORGANIZATION, "organization" }, { EPSOS_SAML_ORGANIZATION_ID, "organization-id" },
    { EPSOS_SAML_FACILITY_TYPE, "facility-type" }, { EPSOS_SAML_PURPOSE, "purpose" },
    { EPSOS_SAML_LOCALITY, "locality" }, { EPSOS_SAML_ON_BEHALF_OF, "on-behalf-of" },
    { EPSOS_SAML_HCP_ID_REF, "hcp-assertion-id" }, { EPSOS_SAML_PRESCRIPTION_ID, "prescription-id" },
    { EPSOS_SAML_DISPENSATION_PIN, "dispensation-pin" },
    { EPSOS_SAML_HOME_COMMUNITY_ID, "home-community-id" }, { EPSOS_SAML_NPI, "npi" },
    { EPSOS_SAML_CLINICAL_SPECIALITY, "clinical-speciality" },
    { EPSOS_SAML_NOK_ID, "nok-id" }, { EPSOS_SAML_NOK_GIVEN_NAME, "nok-given-name" },
    { EPSOS_SAML_NOK_FAMILY_NAME, "nok-family-name" }, { EPSOS_SAML_NOK_GENDER, "nok-gender" },
    { EPSOS_SAML_NOK_BIRTH_DATE, "nok-birth-date" }, { EPSOS_SAML_NOK_STREET, "nok-street" },
    { EPSOS_SAML_NOK_CITY, "nok-city" }, { EPSOS_SAML_NOK_POSTAL_CODE, "nok-postal-code" },
    { EPSOS_SAML_NOK_COUNTRY, "nok-country" }, { EPSOS_SAML_NOK_RELATIONSHIP, "nok-relationship" },
    { EPSOS_SAML_NOK_TELECOM, "nok-telecom" },
};

static const char *kind_word(int32_t kind)
{
    return kind == EPSOS_ASSERTION_TRC ? "trc" : kind == EPSOS_ASSERTION_NOK ? "nok" : "hcp";
}

int epsos_cmd_assertion(int argc, char **argv)
{
    const char *trust[16], *file = NULL, *access = NULL, *v;
    size_t ntrust = 0;
    int32_t kind = 0, skew = 60, tx = 0;
    long long at = 0;
    static const char *const opts[] = { "--trust", "--kind", "--at", "--skew", "--access" };
    int only_files = 0, legacy = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char name[16];
        v = NULL;
        if (!only_files && strcmp(a, "--") == 0) {
            only_files = 1;
            continue;
        }
        if (!only_files && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0))
            return usage(NULL, NULL);
        if (!only_files && strcmp(a, "--legacy") == 0) {
            legacy = 1;
            continue;
        }
        for (size_t k = 0; !only_files && k < sizeof opts / sizeof opts[0]; k++) {
            size_t l = strlen(opts[k]);
            if (strncmp(a, opts[k], l) == 0 && (a[l] == '=' || a[l] == '\0')) {
                if (a[l] == '=') {
                    v = a + l + 1;
                } else if (i + 1 >= argc) {
                    return usage("missing value of", a);
                } else {
                    v = argv[++i];
                }
                memcpy(name, opts[k], l + 1);
                a = name;
            }
        }
        char *end = NULL;
        if (only_files) {
            if (file)
                return usage("one FILE only, extra", a);
            file = a;
            continue;
        }
        if (strcmp(a, "--trust") == 0) {
            if (ntrust == sizeof trust / sizeof trust[0])
                return usage("too many --trust", NULL);
            trust[ntrust++] = v;
        } else if (strcmp(a, "--kind") == 0) {
            if (strcmp(v, "hcp") == 0)
                kind = EPSOS_ASSERTION_HCP;
            else if (strcmp(v, "trc") == 0)
                kind = EPSOS_ASSERTION_TRC;
            else if (strcmp(v, "nok") == 0)
                kind = EPSOS_ASSERTION_NOK;
            else
                return usage("--kind is hcp, trc or nok, not", v);
        } else if (strcmp(a, "--at") == 0) {
            errno = 0;
            at = strtoll(v, &end, 10);
            if (errno || !*v || *end || at <= 0)
                return usage("--at wants seconds since 1970, not", v);
        } else if (strcmp(a, "--skew") == 0) {
            errno = 0;
            long s = strtol(v, &end, 10);
            if (errno || !*v || *end || s < 0 || s > 86400)
                return usage("--skew wants 0..86400 seconds, not", v);
            skew = (int32_t)s;
        } else if (strcmp(a, "--access") == 0) {
            access = v;
            for (size_t k = 0; k < sizeof txs / sizeof txs[0]; k++)
                if (strcmp(v, txs[k].name) == 0)
                    tx = txs[k].tx;
            if (!tx)
                return usage("unknown transaction", v);
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage("unknown option", a);
        } else if (file) {
            return usage("one FILE only, extra", a);
        } else {
            file = a;
        }
    }
    if (!file)
        return usage("missing FILE", NULL);
    if (!ntrust)
        return usage("give at least one --trust", NULL);

    int status = EXIT_TROUBLE;
    size_t len = 0;
    uint8_t *xml = tool_slurp(file, &len);
    epsos_ctx *ctx = NULL;
    epsos_verifier *ver = NULL;
    epsos_assertion *as = NULL, *by_kind[4] = { NULL, NULL, NULL, NULL };
    if (!xml || epsos_ctx_new(&ctx) != EPSOS_OK || epsos_verifier_new(&ver, ctx) != EPSOS_OK)
        goto done;
    if (legacy && epsos_verifier_set_flags(ver, EPSOS_VERIFY_LEGACY) != EPSOS_OK)
        goto done;
    for (size_t i = 0; i < ntrust; i++)
        if (epsos_verifier_add_trust(ver, trust[i]) != EPSOS_OK) {
            fprintf(stderr, "epsos: %s: %s\n", trust[i], epsos_ctx_errmsg(ctx));
            goto done;
        }
    if (epsos_assertion_parse(&as, ctx, xml, len, kind, legacy ? EPSOS_ASSERTION_LEGACY : 0) != EPSOS_OK) {
        fprintf(stderr, "epsos: %s: %s\n", file, epsos_ctx_errmsg(ctx));
        goto done;
    }
    int32_t verdict;
    if (epsos_assertion_verify(&verdict, as, ver, at, skew) != EPSOS_OK) {
        fprintf(stderr, "epsos: %s: %s\n", file, epsos_ctx_errmsg(ctx));
        goto done;
    }
    printf("kind: %s\n", kind_word(epsos_assertion_kind(as)));
    for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
        const char *val;
        if (epsos_assertion_get(as, shown[k].f, &val) == EPSOS_OK)
            printf("%s: %s\n", shown[k].name, val);
    }
    int64_t t;
    if (epsos_assertion_get_time(as, EPSOS_SAML_NOT_BEFORE, &t) == EPSOS_OK)
        printf("not-before: %lld\n", (long long)t);
    if (epsos_assertion_get_time(as, EPSOS_SAML_NOT_ON_OR_AFTER, &t) == EPSOS_OK)
        printf("not-on-or-after: %lld\n", (long long)t);
    for (size_t k = 0; k < epsos_assertion_permission_count(as); k++) {
        const char *p;
        if (epsos_assertion_permission(as, k, &p) == EPSOS_OK)
            printf("permission: %s\n", p);
    }
    if (verdict != EPSOS_SAML_OK) {
        printf("verdict: %s\n", epsos_saml_verdict_name(verdict));
        fprintf(stderr, "epsos: %s: invalid assertion: %s: %s\n", file,
                epsos_saml_verdict_name(verdict), epsos_assertion_message(as));
        status = EXIT_INVALID;
        goto done;
    }
    printf("verdict: ok\n");
    status = EXIT_OK;
    if (!access)
        goto done;
    /* the access decision: the HCP, TRC and NoK assertions of the file */
    by_kind[epsos_assertion_kind(as)] = as;
    as = NULL;
    for (int32_t k = EPSOS_ASSERTION_HCP; k <= EPSOS_ASSERTION_NOK; k++) {
        epsos_assertion *o = NULL;
        if (by_kind[k] ||
            epsos_assertion_parse(&o, ctx, xml, len, k, legacy ? EPSOS_ASSERTION_LEGACY : 0) != EPSOS_OK)
            continue;
        by_kind[k] = o;
        int32_t ov;
        if (epsos_assertion_verify(&ov, o, ver, at, skew) == EPSOS_OK && ov != EPSOS_SAML_OK)
            fprintf(stderr, "epsos: %s: the %s assertion is invalid: %s\n", file, kind_word(k),
                    epsos_assertion_message(o));
    }
    epsos_assertion *hcp = by_kind[EPSOS_ASSERTION_HCP];
    if (!hcp) {
        printf("access: denied (no HCP assertion)\n");
        status = EXIT_INVALID;
        goto done;
    }
    if (epsos_access_decide_nok(&verdict, hcp, by_kind[EPSOS_ASSERTION_TRC],
                                by_kind[EPSOS_ASSERTION_NOK], tx) != EPSOS_OK) {
        fprintf(stderr, "epsos: %s\n", epsos_ctx_errmsg(ctx));
        status = EXIT_TROUBLE;
        goto done;
    }
    if (verdict == EPSOS_SAML_OK) {
        printf("access: allowed\n");
    } else {
        printf("access: denied (%s: %s)\n", epsos_saml_verdict_name(verdict),
               epsos_assertion_message(hcp));
        status = EXIT_INVALID;
    }
done:
    epsos_assertion_free(as);
    for (int k = 0; k < 4; k++)
        epsos_assertion_free(by_kind[k]);
    epsos_verifier_free(ver);
    epsos_ctx_free(ctx);
    free(xml);
    return status;
}

/* --- epsos idcheck ---------------------------------------------------------------- */

static const char idcheck_help[] =
    "Usage: epsos idcheck --profile FILE [--id OID=VALUE ...] [--TRAIT VALUE ...]\n"
    "Check a patient identification query against a country's identification\n"
    "profile (epsos-idprofile(5)): which identifiers (by assigning authority OID)\n"
    "and demographics the country requires, accepts or does not use.  Prints one\n"
    "line per finding: missing, extra or bad-format, the trait and a message.\n"
    "\n"
    "  --profile FILE       the country's profile\n"
    "  --id OID=VALUE       a patient identifier, repeatable\n"
    "  --given-name V, --family-name V, --birth-date YYYYMMDD, --gender M|F|UN,\n"
    "  --street V, --city V, --postal-code V, --country CC, --birth-place V,\n"
    "  --mothers-maiden-name V    the demographics of the query\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 the query matches the profile, 1 findings, 2 usage error or an\n"
    "input that could not be read.\n";

static int idcheck_usage(const char *what, const char *arg)
{
    if (!what) {
        fputs(idcheck_help, stdout);
        return EXIT_OK;
    }
    fprintf(stderr, "epsos: idcheck: %s%s%s%s\n", what, arg ? " '" : "", arg ? arg : "",
            arg ? "'" : "");
    fprintf(stderr, "Try 'epsos idcheck --help'.\n");
    return EXIT_TROUBLE;
}

int epsos_cmd_idcheck(int argc, char **argv)
{
    const char *profile = NULL;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return idcheck_usage(NULL, NULL);
    int status = EXIT_TROUBLE;
    epsos_ctx *ctx = NULL;
    epsos_idquery *q = NULL;
    epsos_idprofile *p = NULL;
    epsos_idcheck *c = NULL;
    uint8_t *text = NULL;
    if (epsos_ctx_new(&ctx) != EPSOS_OK || epsos_idquery_new(&q, ctx) != EPSOS_OK)
        goto done;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strncmp(a, "--", 2) != 0) {
            status = idcheck_usage("unexpected argument", a);
            goto done;
        }
        const char *eq = strchr(a, '=');
        char opt[40];
        size_t ol = eq ? (size_t)(eq - a) : strlen(a);
        if (ol >= sizeof opt) {
            status = idcheck_usage("unknown option", a);
            goto done;
        }
        memcpy(opt, a, ol);
        opt[ol] = 0;
        if (eq) {
            v = eq + 1;
        } else if (i + 1 < argc) {
            v = argv[++i];
        } else {
            status = idcheck_usage("missing value of", a);
            goto done;
        }
        int rc = EPSOS_OK;
        if (strcmp(opt, "--profile") == 0) {
            profile = v;
            continue;
        }
        if (strcmp(opt, "--id") == 0) {
            const char *sep = strchr(v, '=');
            char oid[256];
            if (!sep || (size_t)(sep - v) >= sizeof oid) {
                status = idcheck_usage("--id wants OID=VALUE, not", v);
                goto done;
            }
            memcpy(oid, v, (size_t)(sep - v));
            oid[sep - v] = 0;
            rc = epsos_idquery_add_id(q, oid, sep + 1);
        } else {
            int32_t t = 2;
            while (epsos_idprofile_trait_name(t) && strcmp(opt + 2, epsos_idprofile_trait_name(t)) != 0)
                t++;
            if (!epsos_idprofile_trait_name(t)) {
                status = idcheck_usage("unknown option", opt);
                goto done;
            }
            rc = epsos_idquery_set(q, t, v);
        }
        if (rc != EPSOS_OK) {
            status = idcheck_usage(epsos_ctx_errmsg(ctx), NULL);
            goto done;
        }
    }
    if (!profile) {
        status = idcheck_usage("give --profile FILE", NULL);
        goto done;
    }
    size_t len = 0;
    if (!(text = tool_slurp(profile, &len)))
        goto done;
    if (epsos_idprofile_parse(&p, ctx, text, len) != EPSOS_OK) {
        fprintf(stderr, "epsos: %s: %s\n", profile, epsos_ctx_errmsg(ctx));
        goto done;
    }
    if (epsos_idprofile_check(&c, ctx, p, q) != EPSOS_OK) {
        fprintf(stderr, "epsos: %s\n", epsos_ctx_errmsg(ctx));
        goto done;
    }
    size_t n = epsos_idcheck_count(c);
    for (size_t i = 0; i < n; i++) {
        int32_t k = epsos_idcheck_kind(c, i);
        printf("%s %s: %s\n",
               k == EPSOS_IDCHECK_MISSING ? "missing" : k == EPSOS_IDCHECK_EXTRA ? "extra" : "bad-format",
               epsos_idprofile_trait_name(epsos_idcheck_trait(c, i)), epsos_idcheck_message(c, i));
    }
    if (!n)
        printf("%s: the query matches the identification profile\n", epsos_idprofile_country(p));
    status = n ? EXIT_INVALID : EXIT_OK;
done:
    epsos_idcheck_free(c);
    epsos_idprofile_free(p);
    epsos_idquery_free(q);
    epsos_ctx_free(ctx);
    free(text);
    return status;
}
