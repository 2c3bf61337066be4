/*
 * Fuzz target: XML signature verification.  Once, at the first input, an
 * EC P-256 key and a self-signed certificate are made with OpenSSL (no key
 * is kept in the tree); the certificate is the verifiers' trust store.
 * Each input is verified as it is (whole-document and by ID, strict and
 * legacy), which exercises the signature structure, references,
 * transforms, C14N, KeyInfo and the chain checks; then, when it parses as
 * a document without a signature, it is signed with the key and must
 * verify as valid, from the tree and from its serialization.
 */
#define _GNU_SOURCE                       /* memmem */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <epsos.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static epsos_ctx *ctx;
static epsos_signer *signer;
static epsos_verifier *strict, *legacy;

static int setup(void)
{
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    BIO *kb = BIO_new(BIO_s_mem()), *cb = BIO_new(BIO_s_mem());
    int ok = pk && x && kb && cb && X509_set_version(x, 2) &&
             ASN1_INTEGER_set(X509_get_serialNumber(x), 1) &&
             X509_gmtime_adj(X509_getm_notBefore(x), -86400L) &&
             X509_gmtime_adj(X509_getm_notAfter(x), 3650 * 86400L) && X509_set_pubkey(x, pk) &&
             X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                                        (const unsigned char *)"libepsos fuzz", -1, -1, 0) &&
             X509_set_issuer_name(x, X509_get_subject_name(x)) &&
             X509_sign(x, pk, EVP_sha256()) > 0 &&
             PEM_write_bio_PrivateKey(kb, pk, NULL, NULL, 0, NULL, NULL) &&
             PEM_write_bio_X509(cb, x);
    char *k = NULL, *c = NULL;
    long kl = ok ? BIO_get_mem_data(kb, &k) : 0, cl = ok ? BIO_get_mem_data(cb, &c) : 0;
    ok = ok && epsos_ctx_new(&ctx) == EPSOS_OK &&
         epsos_signer_new_pem(&signer, ctx, (const uint8_t *)k, (size_t)kl,
                              (const uint8_t *)c, (size_t)cl) == EPSOS_OK &&
         epsos_verifier_new(&strict, ctx) == EPSOS_OK &&
         epsos_verifier_add_trust_pem(strict, (const uint8_t *)c, (size_t)cl) == EPSOS_OK &&
         epsos_verifier_new(&legacy, ctx) == EPSOS_OK &&
         epsos_verifier_add_trust_pem(legacy, (const uint8_t *)c, (size_t)cl) == EPSOS_OK &&
         epsos_verifier_set_flags(legacy, EPSOS_VERIFY_LEGACY) == EPSOS_OK;
    BIO_free(kb);
    BIO_free(cb);
    X509_free(x);
    EVP_PKEY_free(pk);
    return ok;
}

static void read_result(epsos_dsig_result *r)
{
    const uint8_t *der;
    size_t n;
    int32_t st = epsos_dsig_result_status(r), why = epsos_dsig_result_reason(r);
    if ((st == EPSOS_DSIG_VALID) != (why == EPSOS_DSIG_OK) || !epsos_dsig_reason_name(why))
        abort();
    (void)strlen(epsos_dsig_result_message(r));
    (void)strlen(epsos_dsig_result_path(r));
    (void)strlen(epsos_dsig_result_subject(r));
    if (epsos_dsig_result_cert(r, &der, &n) == EPSOS_OK && n)
        (void)der[n - 1];
}

static void verify_buffer(epsos_verifier *v, const uint8_t *data, size_t size, const char *id)
{
    epsos_dsig_result *r = NULL;
    if (epsos_xml_verify(&r, v, data, size, id) == EPSOS_OK)
        read_result(r);
    epsos_dsig_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready = -1;
    if (ready < 0)
        ready = setup();
    if (!ready)
        abort();                          /* the fixture itself failed */
    verify_buffer(strict, data, size, NULL);
    verify_buffer(legacy, data, size, NULL);
    verify_buffer(strict, data, size, "_a7f3c2d1-9b8e-4f6a-8c5d-3e2f1a0b9c8d");
    verify_buffer(legacy, data, size, "sig-target");

    epsos_doc *doc = NULL;
    if (epsos_doc_parse(&doc, ctx, data, size, 0) != EPSOS_OK)
        return 0;
    epsos_dsig_result *r = NULL;
    if (!memmem(data, size, "Signature", 9) &&
        epsos_doc_sign(doc, signer, NULL, EPSOS_DSIG_POS_DEFAULT) == EPSOS_OK) {
        if (epsos_doc_verify(&r, strict, doc, NULL) != EPSOS_OK)
            abort();
        int32_t why = epsos_dsig_result_reason(r);
        read_result(r);
        epsos_dsig_result_free(r);
        r = NULL;
        if (why != EPSOS_DSIG_OK && why != EPSOS_DSIG_COMMENT_IN_TEXT)
            abort();                      /* what we sign verifies */
        uint8_t *out = NULL;
        size_t len = 0;
        if (epsos_doc_serialize(&out, &len, doc, 0) == EPSOS_OK) {
            if (epsos_xml_verify(&r, strict, out, len, NULL) != EPSOS_OK ||
                epsos_dsig_result_reason(r) != why)
                abort();                  /* same verdict from the bytes */
            epsos_dsig_result_free(r);
        }
        epsos_free(out);
    }
    epsos_doc_free(doc);
    return 0;
}
