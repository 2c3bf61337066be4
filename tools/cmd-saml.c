/*
 * epsos assertion: verify and show eHDSI HCP / TRC identity assertions and
 * decide access for a transaction.
 * SPDX-License-Identifier: MIT
 *
 *   epsos assertion --trust CA.pem [--trust ...] [--kind hcp|trc] [--at UNIX]
 *                   [--skew SECONDS] [--access TX] [--legacy] FILE
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
    "Usage: epsos assertion --trust CA.pem [--trust ...] [--kind hcp|trc] [--at UNIX]\n"
    "                       [--skew SECONDS] [--access TX] [--legacy] FILE\n"
    "Verify an eHDSI HCP identity or TRC assertion (an assertion alone, or a SOAP\n"
    "header holding both) and print what it says: signature against the trust\n"
    "store, validity window, audience, issuer, required attributes, value sets.\n"
    "With --access, also decide a transaction from the HCP permissions (and the\n"
    "TRC assertion of the same file): identify, ps, ep, ed-submit, ed-discard,\n"
    "consent.\n"
    "\n"
    "  --trust FILE     PEM trust anchors (file or directory), repeatable\n"
    "  --kind hcp|trc   which assertion of the file (default: the first)\n"
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
};

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
            else
                return usage("--kind is hcp or trc, not", v);
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
    epsos_assertion *as = NULL, *hcp = NULL, *trc = NULL;
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
    printf("kind: %s\n", epsos_assertion_kind(as) == EPSOS_ASSERTION_TRC ? "trc" : "hcp");
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
    /* the access decision: the HCP assertion and the TRC assertion of the file */
    int32_t other = epsos_assertion_kind(as) == EPSOS_ASSERTION_HCP ? EPSOS_ASSERTION_TRC
                                                                      : EPSOS_ASSERTION_HCP;
    epsos_assertion *o = NULL;
    if (epsos_assertion_parse(&o, ctx, xml, len, other, legacy ? EPSOS_ASSERTION_LEGACY : 0) == EPSOS_OK) {
        int32_t ov;
        if (epsos_assertion_verify(&ov, o, ver, at, skew) == EPSOS_OK && ov != EPSOS_SAML_OK)
            fprintf(stderr, "epsos: %s: the %s assertion is invalid: %s\n", file,
                    other == EPSOS_ASSERTION_TRC ? "TRC" : "HCP", epsos_assertion_message(o));
    }
    hcp = other == EPSOS_ASSERTION_TRC ? as : o;
    trc = other == EPSOS_ASSERTION_TRC ? o : as;
    as = NULL;
    if (!hcp) {
        printf("access: denied (no HCP assertion)\n");
        status = EXIT_INVALID;
        goto done;
    }
    if (epsos_access_decide(&verdict, hcp, trc, tx) != EPSOS_OK) {
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
    epsos_assertion_free(hcp);
    epsos_assertion_free(trc);
    epsos_verifier_free(ver);
    epsos_ctx_free(ctx);
    free(xml);
    return status;
}
