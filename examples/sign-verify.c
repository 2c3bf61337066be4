/*
 * sign-verify: an eHDSI HCP identity assertion (SAML 2.0), signed by the
 * country of the health professional and verified by the other country.
 *
 *   sign-verify sign KEY.pem CERT.pem OUT.xml [CHAIN.pem]
 *   sign-verify verify TRUST.pem IN.xml
 *
 * sign: builds the assertion of a doctor (subject, ISCO role, organization,
 * purpose of use, HL7 permissions; ID and validity window from the library's
 * defaults: a fresh ID, now .. now + 4 h) and signs it with the PEM private
 * key and certificate (eHDSI XMLDSig profile, signature after saml:Issuer);
 * CHAIN.pem holds intermediate certificates written into KeyInfo.
 * verify: parses the assertion, checks signature and certificate chain
 * against the trust anchors of TRUST.pem, validity window, audience, issuer
 * and value sets, prints the verdict and, when valid, who the assertion is
 * about and whether it allows the patient identification transaction.
 * Exit 0 signed / valid, 1 not valid (or a refused value), 2 usage error
 * or unreadable input.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <epsos.h>

/* The whole file in memory (the library takes buffers, never FILE *). */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n == cap) {
            uint8_t *b = realloc(buf, cap = cap ? 2 * cap : 4096);
            if (!b) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = b;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static int sign(epsos_ctx *ctx, const char *key_path, const char *cert_path, const char *out,
                const char *chain_path)
{
    epsos_signer *signer = NULL;
    epsos_assertion_builder *b = NULL;
    uint8_t *key = NULL, *cert = NULL, *chain = NULL, *xml = NULL;
    size_t key_len = 0, cert_len = 0, chain_len = 0, len = 0;
    int status = 2;

    if (!(key = slurp(key_path, &key_len)) || !(cert = slurp(cert_path, &cert_len)) ||
        (chain_path && !(chain = slurp(chain_path, &chain_len)))) {
        fprintf(stderr, "sign-verify: cannot read the key, certificate or chain\n");
        goto done;
    }
    if (epsos_signer_new_pem(&signer, ctx, key, key_len, cert, cert_len) != EPSOS_OK ||
        (chain && epsos_signer_add_chain_pem(signer, chain, chain_len) != EPSOS_OK)) {
        fprintf(stderr, "sign-verify: %s\n", epsos_ctx_errmsg(ctx));
        goto done;
    }
    status = 1;
    if (epsos_assertion_builder_new(&b, ctx, EPSOS_ASSERTION_HCP) != EPSOS_OK)
        goto fail;
    /* Who the health professional is, and what they may do. */
    static const struct { int32_t field; const char *value; } fields[] = {
        { EPSOS_SAML_ISSUER, "urn:idp:AT:countryA" },
        { EPSOS_SAML_NAME_ID, "dr.beispiel@spital.example" },
        { EPSOS_SAML_NAME_ID_FORMAT, "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" },
        { EPSOS_SAML_SUBJECT_ID, "Dr. Anna Beispiel" },
        { EPSOS_SAML_ROLE, "221" },
        { EPSOS_SAML_ROLE_NAME, "Medical Doctors" },
        { EPSOS_SAML_ORGANIZATION, "Landesklinikum Beispiel" },
        { EPSOS_SAML_ORGANIZATION_ID, "urn:oid:2.999.1.43.5" },
        { EPSOS_SAML_FACILITY_TYPE, "Hospital" },
        { EPSOS_SAML_PURPOSE, "TREATMENT" },
        { EPSOS_SAML_LOCALITY, "Wien" },
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (epsos_assertion_builder_set(b, fields[i].field, fields[i].value) != EPSOS_OK)
            goto fail;
    /* PRD-006: identify a patient; PRD-003/005/010/016: read a PS. */
    static const char *const permissions[] = { "PRD-006", "PRD-003", "PRD-005", "PRD-010",
                                               "PRD-016" };
    for (size_t i = 0; i < 5; i++)
        if (epsos_assertion_builder_add_permission(b, permissions[i]) != EPSOS_OK)
            goto fail;
    /* A permission that is no HL7 permission code is refused. */
    if (epsos_assertion_builder_add_permission(b, "read everything") != EPSOS_EVALUE) {
        fprintf(stderr, "sign-verify: a bad permission was accepted\n");
        goto done;
    }
    fprintf(stderr, "refused as expected: %s\n", epsos_ctx_errmsg(ctx));

    if (epsos_assertion_builder_sign(&xml, &len, b, signer) != EPSOS_OK)
        goto fail;
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(xml, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "sign-verify: cannot write %s\n", out);
        status = 2;
        goto done;
    }
    printf("signed HCP assertion written to %s (%zu bytes)\n", out, len);
    status = 0;
    goto done;
fail:
    fprintf(stderr, "sign-verify: %s (%s)\n", epsos_ctx_errmsg(ctx),
            epsos_strerror(epsos_ctx_errcode(ctx)));
done:
    epsos_free(xml);
    epsos_assertion_builder_free(b);
    epsos_signer_free(signer);
    free(key);
    free(cert);
    free(chain);
    return status;
}

static int verify(epsos_ctx *ctx, const char *trust, const char *in)
{
    epsos_verifier *verifier = NULL;
    epsos_assertion *a = NULL;
    uint8_t *xml = NULL;
    size_t len = 0;
    int32_t verdict = -1;
    int status = 2;

    if (epsos_verifier_new(&verifier, ctx) != EPSOS_OK ||
        epsos_verifier_add_trust(verifier, trust) != EPSOS_OK) {
        fprintf(stderr, "sign-verify: %s: %s\n", trust, epsos_ctx_errmsg(ctx));
        goto done;
    }
    if (!(xml = slurp(in, &len))) {
        fprintf(stderr, "sign-verify: cannot read %s\n", in);
        goto done;
    }
    if (epsos_assertion_parse(&a, ctx, xml, len, EPSOS_ASSERTION_HCP, 0) != EPSOS_OK) {
        fprintf(stderr, "sign-verify: %s: %s\n", in, epsos_ctx_errmsg(ctx));
        goto done;
    }
    /* Now (0), with a clock skew of 60 s between the two countries. */
    if (epsos_assertion_verify(&verdict, a, verifier, 0, 60) != EPSOS_OK) {
        fprintf(stderr, "sign-verify: %s: %s\n", in, epsos_ctx_errmsg(ctx));
        goto done;
    }
    status = 1;
    if (verdict != EPSOS_SAML_OK) {
        printf("NOT valid: %s: %s\n", epsos_saml_verdict_name(verdict),
               epsos_assertion_message(a));
        goto done;
    }
    const char *subject = NULL, *role = NULL, *org = NULL, *id = NULL;
    epsos_assertion_get(a, EPSOS_SAML_ID, &id);
    epsos_assertion_get(a, EPSOS_SAML_SUBJECT_ID, &subject);
    epsos_assertion_get(a, EPSOS_SAML_ROLE_NAME, &role);
    epsos_assertion_get(a, EPSOS_SAML_ORGANIZATION, &org);
    printf("valid: assertion %s: %s, %s, %s\n", id ? id : "-", subject ? subject : "-",
           role ? role : "-", org ? org : "-");
    printf("permissions:");
    for (size_t i = 0; i < epsos_assertion_permission_count(a); i++) {
        const char *code = NULL;
        if (epsos_assertion_permission(a, i, &code) == EPSOS_OK)
            printf(" %s", code);
    }
    printf("\n");
    /* Patient identification (XCPD) needs only the HCP assertion. */
    if (epsos_access_decide(&verdict, a, NULL, EPSOS_TX_IDENTIFY_PATIENT) != EPSOS_OK) {
        fprintf(stderr, "sign-verify: %s\n", epsos_ctx_errmsg(ctx));
        goto done;
    }
    printf("identify patient: %s\n",
           verdict == EPSOS_SAML_OK ? "allowed" : epsos_saml_verdict_name(verdict));
    /* Submitting a dispensation needs PPD-046, which a doctor lacks here. */
    epsos_access_decide(&verdict, a, NULL, EPSOS_TX_SUBMIT_ED);
    printf("submit eDispensation: %s%s%s\n",
           verdict == EPSOS_SAML_OK ? "allowed" : epsos_saml_verdict_name(verdict),
           verdict == EPSOS_SAML_OK ? "" : ": ", verdict == EPSOS_SAML_OK ? "" : epsos_assertion_message(a));
    status = 0;
done:
    epsos_assertion_free(a);
    epsos_verifier_free(verifier);
    free(xml);
    return status;
}

int main(int argc, char **argv)
{
    epsos_ctx *ctx = NULL;
    int status;
    if (!(argc >= 5 && argc <= 6 && !strcmp(argv[1], "sign")) &&
        !(argc == 4 && !strcmp(argv[1], "verify"))) {
        fprintf(stderr, "usage: sign-verify sign KEY.pem CERT.pem OUT.xml [CHAIN.pem]\n"
                        "       sign-verify verify TRUST.pem IN.xml\n");
        return 2;
    }
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;
    if (!strcmp(argv[1], "sign"))
        status = sign(ctx, argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
    else
        status = verify(ctx, argv[2], argv[3]);
    epsos_ctx_free(ctx);
    return status;
}
