/*
 * Fault injection for signing and verification: the n-th allocation
 * (libepsos's own and libxml2's, through the allocator this host installs
 * with xmlMemSetup) fails, for n = 0, 1, 2, ... until the scenario runs
 * without reaching it.  Every run ends in a clean error (status and message
 * on the ctx), or in a verdict; a verdict reached with a failed allocation
 * is never "valid" unless the same input is valid without faults.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <epsos.h>
#include "../faultinject.h"

#define HCP "_hcp-5b1d7c2e-1f4a-4c1e-9d3a-2b7f3a0c9e11"

static char pki[512];
static char *key, *cert, *chain, *header, *signed_header, *root;
static size_t key_len, cert_len, chain_len, header_len, root_len;
static epsos_trust *shared;      /* made once, before the faults */


static char *slurp(const char *name, size_t *len)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", pki, name);
    if (name[0] == '/')
        snprintf(path, sizeof path, "%s", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b)
        b[n] = 0;
    *len = (size_t)n;
    return b;
}

/* Sign the header's HCP assertion; verdict unused. */
static int scenario_sign(epsos_ctx *ctx, int *valid)
{
    epsos_signer *s = NULL;
    uint8_t *out = NULL;
    size_t len = 0;
    *valid = 0;
    int rc = epsos_signer_new_pem(&s, ctx, (uint8_t *)key, key_len, (uint8_t *)cert, cert_len);
    if (rc == EPSOS_OK)
        rc = epsos_signer_add_chain_pem(s, (uint8_t *)chain, chain_len);
    if (rc == EPSOS_OK)
        rc = epsos_xml_sign(&out, &len, s, (uint8_t *)header, header_len, HCP, -1);
    if (rc == EPSOS_OK)
        *valid = len > header_len;
    epsos_free(out);
    epsos_signer_free(s);
    return rc;
}

static int scenario_verify(epsos_ctx *ctx, int *valid)
{
    char trust[700];
    snprintf(trust, sizeof trust, "%s/trust.pem", pki);
    epsos_verifier *v = NULL;
    epsos_dsig_result *res = NULL;
    *valid = 0;
    int rc = epsos_verifier_new(&v, ctx);
    if (rc == EPSOS_OK)
        rc = epsos_verifier_add_trust(v, trust);
    if (rc == EPSOS_OK)
        rc = epsos_xml_verify(&res, v, (uint8_t *)signed_header, strlen(signed_header), HCP);
    if (rc == EPSOS_OK)
        *valid = epsos_dsig_result_status(res) == EPSOS_DSIG_VALID;
    epsos_dsig_result_free(res);
    epsos_verifier_free(v);
    return rc;
}

/* A trust store made under faults, and the long-lived shared one: the
 * verifiers of both (the first after its creator dropped its reference). */
static int scenario_verify_shared(epsos_ctx *ctx, int *valid)
{
    epsos_trust *t = NULL;
    epsos_verifier *v = NULL, *w = NULL;
    epsos_dsig_result *res = NULL, *res2 = NULL;
    *valid = 0;
    int rc = epsos_trust_new_pem(&t, ctx, (uint8_t *)root, root_len);
    if (rc == EPSOS_OK)
        rc = epsos_verifier_new(&v, ctx);
    if (rc == EPSOS_OK)
        rc = epsos_verifier_set_trust(v, t);
    epsos_trust_free(t);
    if (rc == EPSOS_OK)
        rc = epsos_xml_verify(&res, v, (uint8_t *)signed_header, strlen(signed_header), HCP);
    if (rc == EPSOS_OK)
        rc = epsos_verifier_new(&w, ctx);
    if (rc == EPSOS_OK)
        rc = epsos_verifier_set_trust(w, shared);
    if (rc == EPSOS_OK)
        rc = epsos_xml_verify(&res2, w, (uint8_t *)signed_header, strlen(signed_header), HCP);
    if (rc == EPSOS_OK)
        *valid = epsos_dsig_result_status(res) == EPSOS_DSIG_VALID &&
                 epsos_dsig_result_status(res2) == EPSOS_DSIG_VALID;
    epsos_dsig_result_free(res);
    epsos_dsig_result_free(res2);
    epsos_verifier_free(v);
    epsos_verifier_free(w);
    return rc;
}

static void run_faults(int (*scenario)(epsos_ctx *, int *), const char *name)
{
    epsos_ctx *ctx = NULL;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    int valid = 0;
    fi_performed = 0;
    ck_assert_int_eq(scenario(ctx, &valid), EPSOS_OK);
    ck_assert_int_eq(valid, 1);
    long total = fi_performed, failures = 0, verdicts = 0;
    ck_assert_int_gt(total, 10);
    for (long n = 0;; n++) {
        fi_countdown = n;
        fi_performed = 0;
        int rc = scenario(ctx, &valid);
        bool reached = fi_countdown == 0;
        fi_countdown = -1;
        if (!reached) {
            ck_assert_msg(rc == EPSOS_OK && valid, "%s: n=%ld: %d without a failed allocation", name, n, rc);
            break;
        }
        if (rc != EPSOS_OK) {
            failures++;
            ck_assert_msg(epsos_ctx_errcode(ctx) == rc, "%s: n=%ld: status %d but ctx says %d", name, n,
                          rc, epsos_ctx_errcode(ctx));
            ck_assert_msg(epsos_ctx_errmsg(ctx)[0] != '\0', "%s: n=%ld: no message", name, n);
        } else {
            verdicts++;
        }
        ck_assert_msg(n < 200000, "%s: does not terminate", name);
    }
    fprintf(stderr, "%s: %ld allocations, %ld injected failures reported as errors, %ld as verdicts\n",
            name, total, failures, verdicts);
    ck_assert_int_gt(failures, total / 2);
    epsos_ctx_free(ctx);
}

START_TEST(test_faults_sign) { run_faults(scenario_sign, "sign"); }
END_TEST
START_TEST(test_faults_verify) { run_faults(scenario_verify, "verify"); }
END_TEST
START_TEST(test_faults_verify_shared)
{
    run_faults(scenario_verify_shared, "verify with a shared trust store");
    ck_assert_uint_eq(epsos_trust_count(shared), 1);     /* unchanged by it all */
}
END_TEST

int main(void)
{
    snprintf(pki, sizeof pki, "%s/epsos-dsigf.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(pki))
        return 99;
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "sh %s/tests/dsig/mkpki.sh %s", TOP_SRCDIR, pki);
    int st = system(cmd);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 99;
    key = slurp("rsa.key", &key_len);
    cert = slurp("rsa.pem", &cert_len);
    chain = slurp("chain.pem", &chain_len);
    root = slurp("trust.pem", &root_len);
    header = slurp(TEST_DATA "/dsig/soap-header.xml", &header_len);
    if (!key || !cert || !chain || !header || !root)
        return 99;
    epsos_init();
    {   /* the signed input of the verification scenario */
        epsos_ctx *ctx = NULL;
        epsos_signer *s = NULL;
        uint8_t *out = NULL;
        size_t len = 0;
        if (epsos_ctx_new(&ctx) || epsos_signer_new_pem(&s, ctx, (uint8_t *)key, key_len, (uint8_t *)cert, cert_len) ||
            epsos_signer_add_chain_pem(s, (uint8_t *)chain, chain_len) ||
            epsos_xml_sign(&out, &len, s, (uint8_t *)header, header_len, HCP, -1))
            return 99;
        signed_header = strndup((char *)out, len);
        epsos_free(out);
        epsos_signer_free(s);
        if (epsos_trust_new_pem(&shared, ctx, (uint8_t *)root, root_len))
            return 99;
        epsos_ctx_free(ctx);
    }
    fi_install();
    Suite *su = suite_create("dsig-faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_faults_sign);
    tcase_add_test(tc, test_faults_verify);
    tcase_add_test(tc, test_faults_verify_shared);
    suite_add_tcase(su, tc);
    SRunner *sr = srunner_create(su);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    snprintf(cmd, sizeof cmd, "rm -rf %s", pki);
    if (system(cmd) != 0)
        failed++;
    epsos_trust_free(shared);
    free(key); free(cert); free(chain); free(header); free(signed_header); free(root);
    return failed ? 1 : 0;
}
