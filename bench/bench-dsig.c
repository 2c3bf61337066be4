/*
 * bench-dsig: sign and verify throughput of libepsos against xmlsec1's
 * library (OpenSSL back end), measured in the same run on the same inputs.
 * SPDX-License-Identifier: MIT
 *
 *   bench-dsig [-n N] PKI-DIR DOCUMENT.xml ASSERTION.xml ASSERTION-ID
 *
 * PKI-DIR holds rsa.key, rsa.pem, chain.pem and trust.pem (as made by
 * tests/dsig/mkpki.sh).  DOCUMENT.xml is signed whole (URI=""), the
 * assertion by its ID (URI="#ID", after saml:Issuer).  Every operation
 * starts from the bytes and ends with bytes or a verdict: parse, sign,
 * serialize / parse, verify with the certificate chain.  Both sides use
 * the same profile: enveloped + exclusive C14N (PrefixList "xsd" for the
 * assertion), SHA-256, RSA-SHA256, the certificate and its chain in
 * KeyInfo.  Prints the time per operation and the ratio libepsos/xmlsec1
 * (below 1.0: libepsos faster).
 *
 * xmlsec1 is linked by this program only, never by libepsos.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/templates.h>
#include <xmlsec/crypto.h>

#include <epsos.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(2);
    }
    fclose(f);
    b[n] = 0;
    *len = (size_t)n;
    return b;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench-dsig: %s\n", what);
    exit(1);
}

/* ---- xmlsec1 ------------------------------------------------------------ */

static xmlSecKeyPtr xs_key;
static xmlSecKeysMngrPtr xs_mngr;

static xmlNodePtr find_id(xmlNodePtr n, const char *id)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlAttrPtr a = xmlHasProp(n, BAD_CAST "ID");
        if (a) {
            xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
            int eq = v && strcmp((char *)v, id) == 0;
            xmlFree(v);
            if (eq) {
                xmlAddID(NULL, n->doc, BAD_CAST id, a);
                return n;
            }
        }
        xmlNodePtr r = find_id(n->children, id);
        if (r)
            return r;
    }
    return NULL;
}

static size_t xs_sign(const char *xml, size_t len, const char *id)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET);
    if (!doc)
        die("xmlsec: parse");
    xmlNodePtr target = id ? find_id(xmlDocGetRootElement(doc), id) : xmlDocGetRootElement(doc);
    if (!target)
        die("xmlsec: ID not found");
    char uri[256];
    snprintf(uri, sizeof uri, "#%s", id ? id : "");
    xmlNodePtr sig = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId,
                                                     xmlSecTransformRsaSha256Id, NULL, BAD_CAST "ds");
    xmlNodePtr ref = xmlSecTmplSignatureAddReference(sig, xmlSecTransformSha256Id, NULL,
                                                     BAD_CAST(id ? uri : ""), NULL);
    xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId);
    xmlNodePtr t = xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId);
    if (id)
        xmlSecTmplTransformAddC14NInclNamespaces(t, BAD_CAST "xsd");
    xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
    xmlSecTmplKeyInfoAddX509Data(ki);
    if (id) {
        xmlNodePtr issuer = xmlSecGetNextElementNode(target->children);
        xmlAddNextSibling(issuer, sig);
    } else {
        xmlAddChild(target, sig);
    }
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
    ctx->signKey = xmlSecKeyDuplicate(xs_key);
    if (xmlSecDSigCtxSign(ctx, sig) < 0)
        die("xmlsec: sign");
    xmlSecDSigCtxDestroy(ctx);
    xmlChar *out = NULL;
    int n = 0;
    xmlDocDumpMemory(doc, &out, &n);
    xmlFree(out);
    xmlFreeDoc(doc);
    return (size_t)n;
}

static int xs_verify(const char *xml, size_t len, const char *id)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET);
    if (!doc)
        die("xmlsec: parse");
    xmlNodePtr target = id ? find_id(xmlDocGetRootElement(doc), id) : xmlDocGetRootElement(doc);
    xmlNodePtr sig = target ? xmlSecFindChild(target, xmlSecNodeSignature, xmlSecDSigNs) : NULL;
    if (!sig)
        die("xmlsec: no signature");
    xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(xs_mngr);
    if (xmlSecDSigCtxVerify(ctx, sig) < 0)
        die("xmlsec: verify");
    int ok = ctx->status == xmlSecDSigStatusSucceeded;
    xmlSecDSigCtxDestroy(ctx);
    xmlFreeDoc(doc);
    return ok;
}

static void xs_init(const char *pki)
{
    char k[1024], c[1024], ch[1024], tr[1024];
    snprintf(k, sizeof k, "%s/rsa.key", pki);
    snprintf(c, sizeof c, "%s/rsa.pem", pki);
    snprintf(ch, sizeof ch, "%s/chain.pem", pki);
    snprintf(tr, sizeof tr, "%s/trust.pem", pki);
    if (xmlSecInit() < 0 || xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0)
        die("xmlsec init");
    xs_key = xmlSecCryptoAppKeyLoad(k, xmlSecKeyDataFormatPem, NULL, NULL, NULL);
    if (!xs_key || xmlSecCryptoAppKeyCertLoad(xs_key, c, xmlSecKeyDataFormatPem) < 0 ||
        xmlSecCryptoAppKeyCertLoad(xs_key, ch, xmlSecKeyDataFormatPem) < 0)
        die("xmlsec key");
    xs_mngr = xmlSecKeysMngrCreate();
    if (!xs_mngr || xmlSecCryptoAppDefaultKeysMngrInit(xs_mngr) < 0 ||
        xmlSecCryptoAppKeysMngrCertLoad(xs_mngr, tr, xmlSecKeyDataFormatPem,
                                        xmlSecKeyDataTypeTrusted) < 0)
        die("xmlsec keys manager");
}

/* ---- libepsos ----------------------------------------------------------- */

static epsos_ctx *ep_ctx;
static epsos_signer *ep_signer;
static epsos_verifier *ep_verifier;

static size_t ep_sign(const char *xml, size_t len, const char *id, char **keep)
{
    uint8_t *out = NULL;
    size_t n = 0;
    if (epsos_xml_sign(&out, &n, ep_signer, (const uint8_t *)xml, len, id,
                       EPSOS_DSIG_POS_DEFAULT) != EPSOS_OK)
        die(epsos_ctx_errmsg(ep_ctx));
    if (keep) {
        *keep = malloc(n + 1);
        memcpy(*keep, out, n);
        (*keep)[n] = 0;
    }
    epsos_free(out);
    return n;
}

static int ep_verify(const char *xml, size_t len, const char *id)
{
    epsos_dsig_result *r = NULL;
    if (epsos_xml_verify(&r, ep_verifier, (const uint8_t *)xml, len, id) != EPSOS_OK)
        die(epsos_ctx_errmsg(ep_ctx));
    int ok = epsos_dsig_result_status(r) == EPSOS_DSIG_VALID;
    if (!ok)
        fprintf(stderr, "bench-dsig: %s\n", epsos_dsig_result_message(r));
    epsos_dsig_result_free(r);
    return ok;
}

static void ep_init(const char *pki)
{
    char p[1024];
    size_t kl, cl, hl;
    snprintf(p, sizeof p, "%s/rsa.key", pki);
    char *k = slurp(p, &kl);
    snprintf(p, sizeof p, "%s/rsa.pem", pki);
    char *c = slurp(p, &cl);
    snprintf(p, sizeof p, "%s/chain.pem", pki);
    char *h = slurp(p, &hl);
    if (epsos_ctx_new(&ep_ctx) != EPSOS_OK ||
        epsos_signer_new_pem(&ep_signer, ep_ctx, (uint8_t *)k, kl, (uint8_t *)c, cl) != EPSOS_OK ||
        epsos_signer_add_chain_pem(ep_signer, (uint8_t *)h, hl) != EPSOS_OK ||
        epsos_verifier_new(&ep_verifier, ep_ctx) != EPSOS_OK)
        die("libepsos signer");
    snprintf(p, sizeof p, "%s/trust.pem", pki);
    if (epsos_verifier_add_trust(ep_verifier, p) != EPSOS_OK)
        die(epsos_ctx_errmsg(ep_ctx));
    free(k);
    free(c);
    free(h);
}

/* ---- the run ------------------------------------------------------------ */

static void bench(const char *label, const char *xml, size_t len, const char *id, int n)
{
    char *signed_xml = NULL;
    ep_sign(xml, len, id, &signed_xml);
    size_t slen = strlen(signed_xml);
    if (!ep_verify(signed_xml, slen, id) || !xs_verify(signed_xml, slen, id))
        die("the libepsos signature does not verify");

    /* interleaved rounds, best of 5, to even out frequency changes */
    double best[4] = { 1e9, 1e9, 1e9, 1e9 };
    for (int round = 0; round < 5; round++) {
        double t0 = now();
        for (int i = 0; i < n; i++)
            ep_sign(xml, len, id, NULL);
        double t1 = now();
        for (int i = 0; i < n; i++)
            xs_sign(xml, len, id);
        double t2 = now();
        for (int i = 0; i < n; i++)
            ep_verify(signed_xml, slen, id);
        double t3 = now();
        for (int i = 0; i < n; i++)
            xs_verify(signed_xml, slen, id);
        double t4 = now();
        double d[4] = { t1 - t0, t2 - t1, t3 - t2, t4 - t3 };
        for (int k = 0; k < 4; k++)
            if (d[k] < best[k])
                best[k] = d[k];
    }
    printf("%-10s %8zu bytes  sign: libepsos %8.1f us  xmlsec1 %8.1f us  ratio %.3f   "
           "verify: libepsos %8.1f us  xmlsec1 %8.1f us  ratio %.3f\n",
           label, len, best[0] / n * 1e6, best[1] / n * 1e6, best[0] / best[1],
           best[2] / n * 1e6, best[3] / n * 1e6, best[2] / best[3]);
    free(signed_xml);
}

int main(int argc, char **argv)
{
    int n = 200, a = 1;
    if (argc > 2 && strcmp(argv[1], "-n") == 0) {
        n = atoi(argv[2]);
        a = 3;
    }
    if (argc - a != 4 || n <= 0) {
        fprintf(stderr, "usage: bench-dsig [-n N] PKI-DIR DOCUMENT.xml ASSERTION.xml ASSERTION-ID\n");
        return 2;
    }
    const char *pki = argv[a];
    size_t dl, al;
    char *doc = slurp(argv[a + 1], &dl), *as = slurp(argv[a + 2], &al);
    ep_init(pki);
    xs_init(pki);
    printf("bench-dsig: %d operations per measurement, best of 5 rounds; RSA-2048 with chain\n", n);
    bench("document", doc, dl, NULL, n);
    bench("assertion", as, al, argv[a + 3], n);
    epsos_verifier_free(ep_verifier);
    epsos_signer_free(ep_signer);
    epsos_ctx_free(ep_ctx);
    free(doc);
    free(as);
    return 0;
}
