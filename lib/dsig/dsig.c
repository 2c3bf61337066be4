/*
 * libepsos: XML signatures, the eHDSI XMLDSig profile (DESIGN.md section 5).
 * SPDX-License-Identifier: MIT
 *
 * libxml2 C14N (exclusive, with an InclusiveNamespaces prefix list; the
 * enveloped transform and the reference scope are a visibility callback)
 * and OpenSSL 3 EVP with the ctx's own OSSL_LIB_CTX (a verifier on a
 * shared epsos_trust: the trust store's own, see struct epsos_trust).
 * Nothing process-wide is touched; the thread's OpenSSL error queue is
 * cleared on entry and on exit, its last entry copied into the ctx error.
 */
#include "config.h"
#include <dirent.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <libxml/c14n.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlsave.h>
#include <libxml/valid.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include "model/model.h"
#include "epsos/dsig.h"

#define NS_DS    "http://www.w3.org/2000/09/xmldsig#"
#define NS_EC    "http://www.w3.org/2001/10/xml-exc-c14n#"
#define NS_SAML2 "urn:oasis:names:tc:SAML:2.0:assertion"
#define ALG_EXC        "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_EXC_WC     "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
#define ALG_ENVELOPED  NS_DS "enveloped-signature"
#define ALG_RSA_SHA256 "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
#define ALG_EC_SHA256  "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
#define ALG_RSA_SHA1   NS_DS "rsa-sha1"
#define ALG_SHA256     "http://www.w3.org/2001/04/xmlenc#sha256"
#define ALG_SHA1       NS_DS "sha1"

#define MAX_PREFIXES 32

struct epsos_signer {
    epsos_ctx       *ctx;
    EVP_PKEY        *key;
    X509            *cert;
    STACK_OF(X509)  *chain;
};

/* An immutable trust store shared by verifiers (of any ctx, on any
 * thread): its own OSSL_LIB_CTX, in which its certificates and CRLs were
 * parsed and in which every verification with it runs, so that no OpenSSL
 * object ever mixes two library contexts; the X509_STORE is complete and
 * its lookup tables sorted before the handle is returned, so concurrent
 * X509_verify_cert calls (each with its own X509_STORE_CTX) only read it. */
struct epsos_trust {
    atomic_size_t       refs;      /* the creator's reference + one per verifier */
    OSSL_LIB_CTX       *lib;
    X509_STORE         *store;
    STACK_OF(X509)     *certs;     /* what the store holds, for copies */
    STACK_OF(X509_CRL) *crls;
    bool                have_crl;
};

struct epsos_verifier {
    epsos_ctx   *ctx;
    X509_STORE  *store;            /* private store; NULL: the shared one as is */
    epsos_trust *trust;            /* shared trust store (a reference) or NULL */
    int64_t      at;
    uint32_t     flags;
    bool         have_crl;
};

struct epsos_dsig_result {
    int32_t  status;
    int32_t  reason;
    char    *message;
    char    *path;
    char    *subject;
    uint8_t *der;
    size_t   der_len;
};

/* ---------------------------------------------------------------------- */
/* OpenSSL errors                                                         */
/* ---------------------------------------------------------------------- */

static int ossl_err(epsos_ctx *ctx, int code, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char buf[256] = "";
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return epsos__err(ctx, code, "%s%s%s", what, buf[0] ? ": " : "", buf);
}

static BIO *mem_bio(epsos_ctx *ctx, const uint8_t *data, size_t len)
{
    if (len > INT_MAX) {
        epsos__err(ctx, EPSOS_ELIMIT, "input of %zu bytes is too large", len);
        return NULL;
    }
    BIO *b = BIO_new_mem_buf(data, (int)len);
    if (!b)
        ossl_err(ctx, EPSOS_ENOMEM, "cannot create a memory BIO");
    return b;
}

static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf; (void)size; (void)rwflag; (void)u;
    return -1;
}

/* ---------------------------------------------------------------------- */
/* base64                                                                 */
/* ---------------------------------------------------------------------- */

static char *b64_encode(const uint8_t *data, size_t len)
{
    if (len > INT_MAX / 2)
        return NULL;
    char *out = epsos__malloc(4 * ((len + 2) / 3) + 1);
    if (out)
        EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

static bool is_ws(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Strict decoding of base64 with XML white space anywhere.  Returns the
 * bytes (epsos__free) or NULL when empty or not base64. */
static uint8_t *b64_decode(const char *text, size_t *out_len)
{
    size_t n = text ? strlen(text) : 0;
    char *s = epsos__malloc(n + 1);
    if (!s)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_ws((unsigned char)text[i]))
            s[k++] = text[i];
    s[k] = '\0';
    size_t pad = 0;
    bool ok = k > 0 && k % 4 == 0 && k < INT_MAX;
    for (size_t i = 0; ok && i < k; i++) {
        char c = s[i];
        if (c == '=') {
            pad++;
            ok = i >= k - 2;
        } else {
            ok = pad == 0 && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                              (c >= '0' && c <= '9') || c == '+' || c == '/');
        }
    }
    uint8_t *out = NULL;
    if (ok && (out = epsos__malloc(k / 4 * 3 + 1)) != NULL) {
        int r = EVP_DecodeBlock(out, (const unsigned char *)s, (int)k);
        if (r < 0 || (size_t)r < pad) {
            epsos__free(out);
            out = NULL;
        } else {
            *out_len = (size_t)r - pad;
        }
    }
    epsos__free(s);
    return out;
}

/* ---------------------------------------------------------------------- */
/* tree helpers                                                           */
/* ---------------------------------------------------------------------- */

static bool ds_el(const xmlNode *n, const char *local) { return epsos__is_el(n, NS_DS, local); }

static const char *prop(const xmlNode *n, const char *name)
{
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (!a->ns && strcmp((const char *)a->name, name) == 0)
            return a->children && a->children->type == XML_TEXT_NODE && !a->children->next
                       ? (const char *)a->children->content : "";
    return NULL;
}

static bool is_id_name(const xmlChar *name)
{
    return strcmp((const char *)name, "ID") == 0 || strcmp((const char *)name, "Id") == 0 ||
           strcmp((const char *)name, "id") == 0;
}

static bool attr_equals(const xmlAttr *a, const char *value)
{
    const xmlNode *c = a->children;
    if (!c)
        return value[0] == '\0';
    if (c->type == XML_TEXT_NODE && !c->next)
        return strcmp((const char *)c->content, value) == 0;
    xmlChar *v = xmlNodeListGetString(a->doc, a->children, 1);
    bool eq = v && strcmp((const char *)v, value) == 0;
    xmlFree(v);
    return eq;
}

/* Elements with an ID-like attribute (ID, Id, id in any namespace) equal
 * to id: the count, and the first one in *found. */
static void find_id_rec(xmlNode *n, const char *id, size_t *count, xmlNode **found,
                        xmlAttr **found_attr)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (xmlAttr *a = n->properties; a; a = a->next) {
            if (is_id_name(a->name) && attr_equals(a, id)) {
                if ((*count)++ == 0) {
                    *found = n;
                    if (found_attr)
                        *found_attr = a;
                }
                break;
            }
        }
        if (n->children)
            find_id_rec(n->children, id, count, found, found_attr);
    }
}

static size_t find_id(xmlNode *n, const char *id, xmlNode **found, xmlAttr **found_attr)
{
    size_t count = 0;
    find_id_rec(n, id, &count, found, found_attr);
    return count;
}

/* Every ds:Signature element under n (n included), up to max kept. */
static size_t find_sigs(xmlNode *n, bool self_only, xmlNode **keep, size_t max, size_t have)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            goto next;
        if (ds_el(n, "Signature")) {
            if (have < max)
                keep[have] = n;
            have++;
            goto next;      /* a signature inside a signature counts once */
        }
        if (n->children)
            have = find_sigs(n->children, false, keep, max, have);
    next:
        if (self_only)
            break;
    }
    return have;
}

static bool blank_text(const xmlNode *n)
{
    if (n->type != XML_TEXT_NODE)
        return false;
    for (const xmlChar *p = n->content; p && *p; p++)
        if (!is_ws(*p))
            return false;
    return true;
}

/* A comment or PI with non-blank text beside it: it splits signed text
 * into pieces the signature does not cover (Duo 2018).  Skips skip. */
static const xmlNode *comment_in_text(const xmlNode *n, const xmlNode *skip)
{
    for (; n; n = n->next) {
        if (n == skip)
            continue;
        if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE) {
            const xmlNode *p = n->prev, *q = n->next;
            if ((p && p->type == XML_TEXT_NODE && !blank_text(p)) ||
                (q && q->type == XML_TEXT_NODE && !blank_text(q)) ||
                (p && p->type == XML_CDATA_SECTION_NODE) ||
                (q && q->type == XML_CDATA_SECTION_NODE))
                return n;
        }
        if (n->type == XML_ELEMENT_NODE && n->children) {
            const xmlNode *c = comment_in_text(n->children, skip);
            if (c)
                return c;
        }
    }
    return NULL;
}

/* Next element child, skipping blank text; *bad set on anything else. */
static xmlNode *next_el(xmlNode *n, bool *bad)
{
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            return n;
        if (!blank_text(n))
            *bad = true;
    }
    return NULL;
}

static char *text_of(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s = t ? epsos__strdup((const char *)t) : NULL;
    xmlFree(t);
    return s;
}

/* Prefix list "a b #default" to a NULL-terminated array (pointers into buf). */
static void split_prefixes(char *buf, xmlChar **arr)
{
    size_t n = 0;
    for (char *p = buf; *p && n < MAX_PREFIXES;) {
        while (*p && is_ws((unsigned char)*p))
            *p++ = '\0';
        if (!*p)
            break;
        arr[n++] = (xmlChar *)p;
        while (*p && !is_ws((unsigned char)*p))
            p++;
    }
    arr[n] = NULL;
}

/* ---------------------------------------------------------------------- */
/* canonicalization                                                       */
/* ---------------------------------------------------------------------- */

typedef struct {
    const xmlNode *root;      /* the referenced element, NULL: whole document */
    const xmlNode *excl;      /* the enveloped signature, never visible */
} c14n_scope;

static int c14n_visible(void *data, xmlNodePtr node, xmlNodePtr parent)
{
    const c14n_scope *s = data;
    const xmlNode *n = node;
    if (!n)
        return 0;
    if (n->type == XML_NAMESPACE_DECL || n->type == XML_ATTRIBUTE_NODE)
        n = parent;
    for (const xmlNode *p = n; p; p = p->parent) {
        if (p == s->excl)
            return 0;
        if (s->root && p == s->root)
            return 1;
        if (p->type == XML_DOCUMENT_NODE)
            break;
    }
    return s->root == NULL;
}

typedef struct {
    EVP_MD_CTX *md;           /* digest sink, or */
    uint8_t    *buf;          /* memory sink */
    size_t      len, cap;
    bool        failed;
} sink;

static int sink_write(void *ctx, const char *data, int len)
{
    sink *k = ctx;
    if (len < 0)
        return -1;
    if (len == 0)
        return 0;
    if (k->md) {
        if (!EVP_DigestUpdate(k->md, data, (size_t)len)) {
            k->failed = true;
            return -1;
        }
        return len;
    }
    if (k->len + (size_t)len > k->cap) {
        size_t cap = k->cap ? k->cap * 2 : 1024;
        while (cap < k->len + (size_t)len)
            cap *= 2;
        uint8_t *b = epsos__realloc(k->buf, cap);
        if (!b) {
            k->failed = true;
            return -1;
        }
        k->buf = b;
        k->cap = cap;
    }
    memcpy(k->buf + k->len, data, (size_t)len);
    k->len += (size_t)len;
    return len;
}

static int c14n(epsos_ctx *ctx, xmlDoc *doc, const xmlNode *root, const xmlNode *excl,
                int mode, xmlChar **prefixes, int with_comments, sink *k)
{
    c14n_scope s = { root, excl };
    xmlOutputBufferPtr out = xmlOutputBufferCreateIO(sink_write, NULL, k, NULL);
    if (!out)
        return epsos__err(ctx, EPSOS_ENOMEM, "cannot create a C14N output buffer");
    int r = xmlC14NExecute(doc, c14n_visible, &s, mode,
                           mode == XML_C14N_EXCLUSIVE_1_0 ? prefixes : NULL, with_comments, out);
    int c = xmlOutputBufferClose(out);
    if (r < 0 || c < 0 || k->failed)
        return epsos__err(ctx, k->failed ? EPSOS_ENOMEM : EPSOS_ERROR,
                          "canonicalization (C14N) of the signed content failed");
    return EPSOS_OK;
}

static int digest_of(epsos_ctx *ctx, OSSL_LIB_CTX *lib, const char *mdname, xmlDoc *doc,
                     const xmlNode *root, const xmlNode *excl, int mode, xmlChar **prefixes,
                     uint8_t *md, unsigned *md_len)
{
    EVP_MD *alg = EVP_MD_fetch(lib, mdname, NULL);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int rc = EPSOS_OK;
    if (!alg || !m || !EVP_DigestInit_ex(m, alg, NULL)) {
        rc = ossl_err(ctx, EPSOS_ERROR, "cannot set up the digest");
    } else {
        sink k = { .md = m };
        rc = c14n(ctx, doc, root, excl, mode, prefixes, 0, &k);
        if (rc == EPSOS_OK && !EVP_DigestFinal_ex(m, md, md_len))
            rc = ossl_err(ctx, EPSOS_ERROR, "digest failed");
    }
    EVP_MD_CTX_free(m);
    EVP_MD_free(alg);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* signer                                                                 */
/* ---------------------------------------------------------------------- */

static int check_key(epsos_ctx *ctx, EVP_PKEY *key, X509 *cert)
{
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = "";
        EVP_PKEY_get_group_name(key, group, sizeof group, NULL);
        if (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0)
            return epsos__err(ctx, EPSOS_EVALUE,
                              "EC key on curve %s: the profile signs with P-256 only",
                              group[0] ? group : "(unknown)");
    } else if (!EVP_PKEY_is_a(key, "RSA")) {
        return epsos__err(ctx, EPSOS_EVALUE, "the key is neither RSA nor EC P-256");
    } else if (EVP_PKEY_get_bits(key) < 2048) {
        return epsos__err(ctx, EPSOS_EVALUE, "RSA key of %d bits: at least 2048 are required",
                          EVP_PKEY_get_bits(key));
    }
    if (X509_check_private_key(cert, key) != 1)
        return ossl_err(ctx, EPSOS_EVALUE, "the certificate is not the one of the private key");
    return EPSOS_OK;
}

static epsos_signer *signer_alloc(epsos_ctx *ctx)
{
    epsos_signer *s = epsos__calloc(1, sizeof *s);
    if (!s) {
        epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
        return NULL;
    }
    s->ctx = ctx;
    s->chain = sk_X509_new_null();
    if (!s->chain) {
        epsos__free(s);
        epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
        return NULL;
    }
    return s;
}

EPSOS_API void epsos_signer_free(epsos_signer *s)
{
    if (!s)
        return;
    EVP_PKEY_free(s->key);
    X509_free(s->cert);
    sk_X509_pop_free(s->chain, X509_free);
    epsos__free(s);
}

EPSOS_API int epsos_signer_new_pem(epsos_signer **out, epsos_ctx *ctx, const uint8_t *key,
                                   size_t key_len, const uint8_t *cert, size_t cert_len)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!key || !cert || !key_len || !cert_len)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_signer_new_pem: key and certificate are required");
    ERR_clear_error();
    OSSL_LIB_CTX *lib = epsos__ctx_libctx(ctx);
    if (!lib)
        return EPSOS_ENOMEM;
    epsos_signer *s = signer_alloc(ctx);
    if (!s)
        return EPSOS_ENOMEM;
    int rc = EPSOS_OK;
    BIO *kb = mem_bio(ctx, key, key_len), *cb = kb ? mem_bio(ctx, cert, cert_len) : NULL;
    if (!kb || !cb) {
        rc = epsos_ctx_errcode(ctx);
        goto done;
    }
    s->key = PEM_read_bio_PrivateKey_ex(kb, NULL, no_password, NULL, lib, NULL);
    if (!s->key) {
        rc = ossl_err(ctx, EPSOS_EVALUE, "the key is not an unencrypted PEM private key");
        goto done;
    }
    s->cert = X509_new_ex(lib, NULL);
    if (!s->cert || !PEM_read_bio_X509(cb, &s->cert, no_password, NULL)) {
        rc = ossl_err(ctx, EPSOS_EVALUE, "the certificate is not a PEM X.509 certificate");
        goto done;
    }
    rc = check_key(ctx, s->key, s->cert);
done:
    BIO_free(kb);
    BIO_free(cb);
    ERR_clear_error();
    if (rc != EPSOS_OK) {
        epsos_signer_free(s);
        return rc;
    }
    *out = s;
    return EPSOS_OK;
}

/* Re-read a key or certificate from its DER into our library context. */
static EVP_PKEY *key_into(OSSL_LIB_CTX *lib, EVP_PKEY *k)
{
    unsigned char *der = NULL;
    int n = i2d_PrivateKey(k, &der);
    if (n <= 0)
        return NULL;
    const unsigned char *p = der;
    EVP_PKEY *r = d2i_AutoPrivateKey_ex(NULL, &p, n, lib, NULL);
    OPENSSL_clear_free(der, (size_t)n);
    return r;
}

static X509 *cert_from_der(OSSL_LIB_CTX *lib, const uint8_t *der, size_t len)
{
    X509 *x = X509_new_ex(lib, NULL);
    const unsigned char *p = der;
    if (!x || len > LONG_MAX || !d2i_X509(&x, &p, (long)len) || p != der + len) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static X509 *cert_into(OSSL_LIB_CTX *lib, X509 *c)
{
    unsigned char *der = NULL;
    int n = i2d_X509(c, &der);
    if (n <= 0)
        return NULL;
    X509 *r = cert_from_der(lib, der, (size_t)n);
    OPENSSL_free(der);
    return r;
}

EPSOS_API int epsos_signer_new_pkcs12(epsos_signer **out, epsos_ctx *ctx, const uint8_t *p12,
                                      size_t p12_len, const uint8_t *pass, size_t pass_len)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!p12 || !p12_len || (!pass && pass_len))
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_signer_new_pkcs12: a PKCS#12 image is required");
    if (pass && memchr(pass, 0, pass_len))
        return epsos__err(ctx, EPSOS_EINVAL, "the PKCS#12 password contains a NUL byte");
    ERR_clear_error();
    OSSL_LIB_CTX *lib = epsos__ctx_libctx(ctx);
    if (!lib)
        return EPSOS_ENOMEM;
    char *pw = epsos__malloc(pass_len + 1);
    epsos_signer *s = pw ? signer_alloc(ctx) : NULL;
    if (!s) {
        epsos__free(pw);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    }
    if (pass_len)
        memcpy(pw, pass, pass_len);
    pw[pass_len] = '\0';
    int rc = EPSOS_OK;
    EVP_PKEY *k = NULL;
    X509 *c = NULL;
    STACK_OF(X509) *ca = NULL;
    BIO *b = mem_bio(ctx, p12, p12_len);
    PKCS12 *bag = b ? d2i_PKCS12_bio(b, NULL) : NULL;
    if (!b) {
        rc = epsos_ctx_errcode(ctx);
    } else if (!bag) {
        rc = ossl_err(ctx, EPSOS_EVALUE, "not a PKCS#12 (DER) file");
    } else if (!PKCS12_parse(bag, pw, &k, &c, &ca) || !k || !c) {
        rc = ossl_err(ctx, EPSOS_EVALUE,
                      "cannot open the PKCS#12 file (wrong password, or no key and certificate)");
    } else if (!(s->key = key_into(lib, k)) || !(s->cert = cert_into(lib, c))) {
        rc = ossl_err(ctx, EPSOS_EVALUE, "cannot load the key of the PKCS#12 file");
    } else {
        for (int i = 0; rc == EPSOS_OK && i < sk_X509_num(ca); i++) {
            X509 *x = cert_into(lib, sk_X509_value(ca, i));
            if (!x || !sk_X509_push(s->chain, x)) {
                X509_free(x);
                rc = epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
            }
        }
        if (rc == EPSOS_OK)
            rc = check_key(ctx, s->key, s->cert);
    }
    OPENSSL_cleanse(pw, pass_len);
    epsos__free(pw);
    EVP_PKEY_free(k);
    X509_free(c);
    sk_X509_pop_free(ca, X509_free);
    PKCS12_free(bag);
    BIO_free(b);
    ERR_clear_error();
    if (rc != EPSOS_OK) {
        epsos_signer_free(s);
        return rc;
    }
    *out = s;
    return EPSOS_OK;
}

EPSOS_API int epsos_signer_add_chain_pem(epsos_signer *s, const uint8_t *data, size_t len)
{
    if (!s)
        return EPSOS_EINVAL;
    epsos_ctx *ctx = s->ctx;
    epsos__ctx_reset(ctx);
    if (!data || !len)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_signer_add_chain_pem: no data");
    ERR_clear_error();
    OSSL_LIB_CTX *lib = epsos__ctx_libctx(ctx);
    BIO *b = lib ? mem_bio(ctx, data, len) : NULL;
    if (!b)
        return epsos_ctx_errcode(ctx);
    int n = 0, rc = EPSOS_OK;
    for (;;) {
        X509 *x = X509_new_ex(lib, NULL);
        if (!x) {
            rc = ossl_err(ctx, EPSOS_ENOMEM, "out of memory");
            break;
        }
        if (!PEM_read_bio_X509(b, &x, no_password, NULL)) {
            X509_free(x);
            break;
        }
        if (!sk_X509_push(s->chain, x)) {
            X509_free(x);
            rc = epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
            break;
        }
        n++;
    }
    BIO_free(b);
    ERR_clear_error();
    if (rc == EPSOS_OK && n == 0)
        rc = epsos__err(ctx, EPSOS_EVALUE, "no PEM certificate in the chain data");
    return rc;
}

/* ---------------------------------------------------------------------- */
/* signing                                                                */
/* ---------------------------------------------------------------------- */

static xmlNode *add_el(xmlNode *parent, xmlNs *ns, const char *name, const char *alg)
{
    xmlNode *n = xmlNewDocNode(parent->doc, ns, (const xmlChar *)name, NULL);
    if (!n)
        return NULL;
    xmlAddChild(parent, n);
    if (alg && !xmlNewProp(n, (const xmlChar *)"Algorithm", (const xmlChar *)alg))
        return NULL;
    return n;
}

static bool set_text(xmlNode *n, const char *text)
{
    xmlNode *t = xmlNewDocText(n->doc, (const xmlChar *)text);
    if (!t)
        return false;
    xmlAddChild(n, t);
    return true;
}

/* Prefixes that QName-valued xsi:type attributes of the subtree use and
 * that exclusive C14N would otherwise drop (OpenSAML's PrefixList). */
static void qname_prefixes(const xmlNode *n, char *list, size_t cap)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (xmlAttr *a = n->properties; a; a = a->next) {
            if (!a->ns || strcmp((const char *)a->name, "type") != 0 ||
                strcmp((const char *)a->ns->href, EPSOS_NS_XSI) != 0 || !a->children ||
                a->children->type != XML_TEXT_NODE)
                continue;
            const char *v = (const char *)a->children->content, *colon = strchr(v, ':');
            if (!colon || colon == v || (size_t)(colon - v) > 60)
                continue;
            char pre[64];
            snprintf(pre, sizeof pre, "%.*s", (int)(colon - v), v);
            if (!xmlSearchNs(n->doc, (xmlNode *)n, (const xmlChar *)pre))
                continue;
            bool dup = false;
            for (const char *p = list; *p && !dup;) {
                size_t l = strcspn(p, " ");
                dup = l == strlen(pre) && strncmp(p, pre, l) == 0;
                p += l + (p[l] == ' ');
            }
            size_t used = strlen(list);
            if (!dup && used + strlen(pre) + 2 < cap)
                snprintf(list + used, cap - used, "%s%s", used ? " " : "", pre);
        }
        if (n->children)
            qname_prefixes(n->children, list, cap);
    }
}

static int insert_sig(xmlNode *target, xmlNode *sig, int32_t position)
{
    xmlNode *before = NULL;
    if (position == EPSOS_DSIG_POS_DEFAULT) {
        if (epsos__is_el(target, NS_SAML2, "Assertion")) {
            for (xmlNode *c = target->children; c; c = c->next)
                if (epsos__is_el(c, NS_SAML2, "Issuer")) {
                    xmlAddNextSibling(c, sig);      /* immediately after Issuer */
                    return EPSOS_OK;
                }
        }
    } else if (position >= 0) {
        int32_t i = 0;
        for (xmlNode *c = target->children; c; c = c->next)
            if (c->type == XML_ELEMENT_NODE && i++ == position) {
                before = c;
                break;
            }
    } else {
        return EPSOS_EINVAL;
    }
    if (before)
        xmlAddPrevSibling(before, sig);
    else
        xmlAddChild(target, sig);
    return EPSOS_OK;
}

static int sign_raw(epsos_signer *s, const uint8_t *tbs, size_t tbs_len, uint8_t **sig,
                    size_t *sig_len)
{
    epsos_ctx *ctx = s->ctx;
    OSSL_LIB_CTX *lib = epsos__ctx_libctx(ctx);
    bool ec = EVP_PKEY_is_a(s->key, "EC");
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    uint8_t *der = NULL;
    size_t der_len = 0;
    int rc = EPSOS_OK;
    if (!m || EVP_DigestSignInit_ex(m, NULL, "SHA256", lib, NULL, s->key, NULL) != 1 ||
        EVP_DigestSign(m, NULL, &der_len, tbs, tbs_len) != 1 ||
        !(der = epsos__malloc(der_len)) ||
        EVP_DigestSign(m, der, &der_len, tbs, tbs_len) != 1) {
        rc = ossl_err(ctx, EPSOS_ERROR, "signing failed");
        goto done;
    }
    if (ec) {
        const unsigned char *p = der;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
        uint8_t *raw = es ? epsos__malloc(64) : NULL;
        if (!raw || BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) != 32 ||
            BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) != 32) {
            epsos__free(raw);
            ECDSA_SIG_free(es);
            rc = ossl_err(ctx, EPSOS_ERROR, "cannot convert the ECDSA signature to r||s");
            goto done;
        }
        ECDSA_SIG_free(es);
        epsos__free(der);
        der = raw;
        der_len = 64;
    }
    *sig = der;
    *sig_len = der_len;
    der = NULL;
done:
    epsos__free(der);
    EVP_MD_CTX_free(m);
    return rc;
}

static int cert_b64(xmlNode *x509data, xmlNs *ns, X509 *c)
{
    unsigned char *der = NULL;
    int n = i2d_X509(c, &der);
    if (n <= 0)
        return EPSOS_ENOMEM;
    char *b = b64_encode(der, (size_t)n);
    OPENSSL_free(der);
    xmlNode *e = b ? add_el(x509data, ns, "X509Certificate", NULL) : NULL;
    bool ok = e && set_text(e, b);
    epsos__free(b);
    return ok ? EPSOS_OK : EPSOS_ENOMEM;
}

static int sign_tree(epsos_signer *s, xmlDoc *doc, const char *id, int32_t position)
{
    epsos_ctx *ctx = s->ctx;
    xmlNode *root = xmlDocGetRootElement(doc), *target = root;
    xmlAttr *id_attr = NULL;
    if (!root)
        return epsos__err(ctx, EPSOS_EPARSE, "the document has no root element");
    if (position < EPSOS_DSIG_POS_DEFAULT)
        return epsos__err(ctx, EPSOS_EINVAL, "signature position %d: expected -1 or an index >= 0",
                          (int)position);
    if (id) {
        if (!id[0] || strchr(id, '\'') || strchr(id, '"'))
            return epsos__err(ctx, EPSOS_EINVAL, "bad ID '%s' to sign", id);
        target = NULL;
        size_t n = find_id(root, id, &target, &id_attr);
        if (n == 0)
            return epsos__err(ctx, EPSOS_ENOTFOUND, "no element has the ID '%s'", id);
        if (n > 1)
            return epsos__err_node(ctx, EPSOS_EVALUE, target,
                                   "%zu elements have the ID '%s': IDs must be unique", n, id);
    }
    xmlNode *found[1];
    if (find_sigs(target, true, found, 1, 0) > 0)
        return epsos__err_node(ctx, EPSOS_EVALUE, found[0],
                               "the element to sign already holds a ds:Signature");
    const xmlNode *bad = comment_in_text(target->children, NULL);
    if (bad)
        return epsos__err_node(ctx, EPSOS_EVALUE, bad,
                               "a comment or processing instruction inside text would not be "
                               "covered by the signature: remove it before signing");
    char prefixes[512] = "";
    qname_prefixes(target, prefixes, sizeof prefixes);

    /* the template */
    xmlNode *sig = xmlNewDocNode(doc, NULL, (const xmlChar *)"Signature", NULL);
    if (!sig)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    xmlNs *ns = xmlNewNs(sig, (const xmlChar *)NS_DS, (const xmlChar *)"ds");
    if (!ns) {
        xmlFreeNode(sig);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    }
    xmlSetNs(sig, ns);
    char uri[600];
    snprintf(uri, sizeof uri, "#%s", id ? id : "");
    if (id && strlen(id) > sizeof uri - 2) {
        xmlFreeNode(sig);
        return epsos__err(ctx, EPSOS_EINVAL, "ID too long");
    }
    bool ec = EVP_PKEY_is_a(s->key, "EC");
    xmlNode *si = add_el(sig, ns, "SignedInfo", NULL), *cm, *ref = NULL, *tr = NULL, *t2 = NULL,
            *dv = NULL, *sv = NULL, *ki = NULL, *xd = NULL;
    bool ok = si && (cm = add_el(si, ns, "CanonicalizationMethod", ALG_EXC)) &&
              add_el(si, ns, "SignatureMethod", ec ? ALG_EC_SHA256 : ALG_RSA_SHA256) &&
              (ref = add_el(si, ns, "Reference", NULL)) &&
              xmlNewProp(ref, (const xmlChar *)"URI", (const xmlChar *)(id ? uri : "")) &&
              (tr = add_el(ref, ns, "Transforms", NULL)) &&
              add_el(tr, ns, "Transform", ALG_ENVELOPED) &&
              (t2 = add_el(tr, ns, "Transform", ALG_EXC)) &&
              add_el(ref, ns, "DigestMethod", ALG_SHA256) &&
              (dv = add_el(ref, ns, "DigestValue", NULL)) &&
              (sv = add_el(sig, ns, "SignatureValue", NULL)) &&
              (ki = add_el(sig, ns, "KeyInfo", NULL)) && (xd = add_el(ki, ns, "X509Data", NULL));
    if (ok && prefixes[0]) {
        xmlNode *inc = xmlNewDocNode(doc, NULL, (const xmlChar *)"InclusiveNamespaces", NULL);
        xmlNs *ecns = inc ? xmlNewNs(inc, (const xmlChar *)NS_EC, (const xmlChar *)"ec") : NULL;
        ok = ecns != NULL;
        if (inc && !ok)
            xmlFreeNode(inc);
        if (ok) {
            xmlSetNs(inc, ecns);
            xmlAddChild(t2, inc);
            ok = xmlNewProp(inc, (const xmlChar *)"PrefixList", (const xmlChar *)prefixes) != NULL;
        }
    }
    if (!ok) {
        xmlFreeNode(sig);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    }
    insert_sig(target, sig, position);
    if (id_attr && id_attr->atype != XML_ATTRIBUTE_ID) {
        xmlChar *v = xmlNodeListGetString(doc, id_attr->children, 1);
        if (v)
            xmlAddID(NULL, doc, v, id_attr);
        xmlFree(v);
    }

    /* digest, SignedInfo, signature */
    int rc;
    char pbuf[512];
    xmlChar *plist[MAX_PREFIXES + 1];
    snprintf(pbuf, sizeof pbuf, "%s", prefixes);
    split_prefixes(pbuf, plist);
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    OSSL_LIB_CTX *lib = epsos__ctx_libctx(ctx);
    rc = lib ? digest_of(ctx, lib, "SHA256", doc, id ? target : NULL, sig,
                         XML_C14N_EXCLUSIVE_1_0, plist, md, &md_len)
             : EPSOS_ENOMEM;
    char *b = NULL;
    if (rc == EPSOS_OK && (!(b = b64_encode(md, md_len)) || !set_text(dv, b)))
        rc = epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    epsos__free(b);
    b = NULL;
    sink k = { 0 };
    if (rc == EPSOS_OK)
        rc = c14n(ctx, doc, si, NULL, XML_C14N_EXCLUSIVE_1_0, NULL, 0, &k);
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    if (rc == EPSOS_OK)
        rc = sign_raw(s, k.buf, k.len, &raw, &raw_len);
    if (rc == EPSOS_OK && (!(b = b64_encode(raw, raw_len)) || !set_text(sv, b)))
        rc = epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    epsos__free(b);
    epsos__free(raw);
    epsos__free(k.buf);
    if (rc == EPSOS_OK)
        rc = cert_b64(xd, ns, s->cert);
    for (int i = 0; rc == EPSOS_OK && i < sk_X509_num(s->chain); i++)
        rc = cert_b64(xd, ns, sk_X509_value(s->chain, i));
    if (rc != EPSOS_OK) {
        if (rc == EPSOS_ENOMEM && !epsos_ctx_errcode(ctx))
            epsos__err(ctx, rc, "out of memory");
        xmlUnlinkNode(sig);
        xmlFreeNode(sig);
    }
    return rc;
}

EPSOS_API int epsos_doc_sign(epsos_doc *doc, epsos_signer *signer, const char *id,
                             int32_t position)
{
    if (!doc || !signer)
        return EPSOS_EINVAL;
    epsos_ctx *ctx = signer->ctx;
    epsos__ctx_reset(ctx);
    if (doc->ctx != ctx)
        return epsos__err(ctx, EPSOS_EINVAL, "the document and the signer belong to different contexts");
    ERR_clear_error();
    int rc = sign_tree(signer, doc->xml, id, position);
    ERR_clear_error();
    return rc;
}

static int dump(epsos_ctx *ctx, xmlDoc *doc, uint8_t **out, size_t *out_len)
{
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
    if (!mem || len < 0) {
        xmlFree(mem);
        return epsos__err(ctx, EPSOS_ENOMEM, "cannot serialize the signed document");
    }
    uint8_t *b = epsos__malloc((size_t)len + 1);
    if (!b) {
        xmlFree(mem);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    }
    memcpy(b, mem, (size_t)len);
    b[len] = 0;
    xmlFree(mem);
    *out = b;
    *out_len = (size_t)len;
    return EPSOS_OK;
}

EPSOS_API int epsos_xml_sign(uint8_t **out, size_t *out_len, epsos_signer *signer,
                             const uint8_t *xml, size_t len, const char *id, int32_t position)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!out || !out_len || !signer)
        return EPSOS_EINVAL;
    epsos_ctx *ctx = signer->ctx;
    epsos__ctx_reset(ctx);
    if (!xml && len)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_xml_sign: NULL buffer");
    xmlDoc *doc = epsos__xml_parse(ctx, xml, len);
    if (!doc)
        return epsos_ctx_errcode(ctx);
    ERR_clear_error();
    int rc = sign_tree(signer, doc, id, position);
    ERR_clear_error();
    if (rc == EPSOS_OK)
        rc = dump(ctx, doc, out, out_len);
    xmlFreeDoc(doc);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* verifier                                                               */
/* ---------------------------------------------------------------------- */

/* The library context verifications of v run in: the shared trust
 * store's when the verifier has one (its certificates live there), else
 * the ctx's.  NULL when the ctx's cannot be created. */
static OSSL_LIB_CTX *vlib(epsos_verifier *v)
{
    return v->trust ? v->trust->lib : epsos__ctx_libctx(v->ctx);
}

/* The store verifications of v use. */
static X509_STORE *vstore(const epsos_verifier *v)
{
    return v->store ? v->store : v->trust->store;
}

EPSOS_API int epsos_verifier_new(epsos_verifier **out, epsos_ctx *ctx)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!epsos__ctx_libctx(ctx))
        return EPSOS_ENOMEM;
    epsos_verifier *v = epsos__calloc(1, sizeof *v);
    if (!v)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    v->ctx = ctx;
    v->store = X509_STORE_new();
    if (!v->store) {
        epsos__free(v);
        return ossl_err(ctx, EPSOS_ENOMEM, "cannot create a certificate store");
    }
    *out = v;
    return EPSOS_OK;
}

EPSOS_API void epsos_verifier_free(epsos_verifier *v)
{
    if (!v)
        return;
    X509_STORE_free(v->store);
    epsos_trust_free(v->trust);
    epsos__free(v);
}

/* Where PEM certificates and CRLs go: a store, and for a trust store also
 * the lists of what it holds. */
typedef struct {
    epsos_ctx          *ctx;      /* errors */
    OSSL_LIB_CTX       *lib;      /* parsing */
    X509_STORE         *store;
    STACK_OF(X509)     *certs;    /* NULL: not kept */
    STACK_OF(X509_CRL) *crls;
    bool                have_crl;
} loader;

static int load_cert(loader *l, X509 *x)
{
    if (!X509_STORE_add_cert(l->store, x))
        return ossl_err(l->ctx, EPSOS_ENOMEM, "cannot add a certificate to the trust store");
    if (l->certs) {
        if (!sk_X509_push(l->certs, x))
            return ossl_err(l->ctx, EPSOS_ENOMEM, "cannot add a certificate to the trust store");
        X509_up_ref(x);
    }
    return EPSOS_OK;
}

static int load_crl(loader *l, X509_CRL *c)
{
    if (!X509_STORE_add_crl(l->store, c))
        return ossl_err(l->ctx, EPSOS_ENOMEM, "cannot add a CRL to the trust store");
    if (l->crls) {
        if (!sk_X509_CRL_push(l->crls, c))
            return ossl_err(l->ctx, EPSOS_ENOMEM, "cannot add a CRL to the trust store");
        X509_CRL_up_ref(c);
    }
    l->have_crl = true;
    return EPSOS_OK;
}

/* Certificates and CRLs of a PEM BIO into the store; the number added.
 * Data without any PEM block adds nothing; a PEM certificate or CRL that
 * does not decode is an error (what names the input). */
static int add_pem(loader *l, BIO *b, const char *what, size_t *added)
{
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio_ex(b, NULL, no_password, NULL, l->lib,
                                                           NULL);
    *added = 0;
    if (!infos) {
        unsigned long e = ERR_peek_last_error();
        if (!e)
            return EPSOS_OK;
        if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
            return ossl_err(l->ctx, EPSOS_ENOMEM, "out of memory reading PEM trust data");
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        ERR_clear_error();
        return epsos__err(l->ctx, EPSOS_EVALUE,
                          "%s: a PEM block is not a valid certificate or X509 CRL "
                          "(expected -----BEGIN CERTIFICATE----- or -----BEGIN X509 CRL----- "
                          "around base64 DER): %s", what, buf);
    }
    int rc = EPSOS_OK;
    for (int i = 0; rc == EPSOS_OK && i < sk_X509_INFO_num(infos); i++) {
        X509_INFO *xi = sk_X509_INFO_value(infos, i);
        if (xi->x509 && (rc = load_cert(l, xi->x509)) == EPSOS_OK)
            (*added)++;
        if (rc == EPSOS_OK && xi->crl && (rc = load_crl(l, xi->crl)) == EPSOS_OK)
            (*added)++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    ERR_clear_error();
    return rc;
}

static int load_mem(loader *l, const char *fn, const uint8_t *data, size_t len)
{
    if (!data || !len)
        return epsos__err(l->ctx, EPSOS_EINVAL, "%s: no data", fn);
    BIO *b = mem_bio(l->ctx, data, len);
    if (!b)
        return epsos_ctx_errcode(l->ctx);
    size_t n = 0;
    int rc = add_pem(l, b, "trust data", &n);
    BIO_free(b);
    if (rc == EPSOS_OK && n == 0)
        rc = epsos__err(l->ctx, EPSOS_EVALUE, "no PEM certificate or CRL in the trust data");
    return rc;
}

static int add_file(loader *l, const char *path, size_t *n)
{
    BIO *b = BIO_new_file(path, "rb");
    if (!b) {
        ERR_clear_error();
        return epsos__err(l->ctx, EPSOS_EIO, "%s: cannot read the file", path);
    }
    int rc = add_pem(l, b, path, n);
    BIO_free(b);
    return rc;
}

/* A file, or every regular file of a directory (files without PEM blocks
 * are skipped there). */
static int load_path(loader *l, const char *fn, const char *path)
{
    if (!path)
        return epsos__err(l->ctx, EPSOS_EINVAL, "%s: NULL path", fn);
    struct stat st;
    if (stat(path, &st) != 0)
        return epsos__err(l->ctx, EPSOS_EIO, "%s: no such file or directory", path);
    size_t total = 0, n = 0;
    int rc = EPSOS_OK;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return epsos__err(l->ctx, EPSOS_EIO, "%s: cannot read the directory", path);
        struct dirent *e;
        while (rc == EPSOS_OK && (e = readdir(d)) != NULL) {
            char full[4096];
            if (e->d_name[0] == '.' ||
                (size_t)snprintf(full, sizeof full, "%s/%s", path, e->d_name) >= sizeof full)
                continue;
            struct stat fs;
            if (stat(full, &fs) != 0 || !S_ISREG(fs.st_mode))
                continue;
            rc = add_file(l, full, &n);
            total += n;
        }
        closedir(d);
    } else {
        rc = add_file(l, path, &total);
    }
    if (rc == EPSOS_OK && total == 0)
        rc = epsos__err(l->ctx, EPSOS_EVALUE, "%s: no PEM certificate or CRL", path);
    return rc;
}

/* Before an addition to a verifier that uses a shared trust store as is:
 * a private store with the shared certificates and CRLs (the shared store
 * is never modified). */
static int own_store(epsos_verifier *v)
{
    if (v->store)
        return EPSOS_OK;
    X509_STORE *s = X509_STORE_new();
    bool ok = s != NULL;
    for (int i = 0; ok && i < sk_X509_num(v->trust->certs); i++)
        ok = X509_STORE_add_cert(s, sk_X509_value(v->trust->certs, i)) == 1;
    for (int i = 0; ok && i < sk_X509_CRL_num(v->trust->crls); i++)
        ok = X509_STORE_add_crl(s, sk_X509_CRL_value(v->trust->crls, i)) == 1;
    if (!ok) {
        X509_STORE_free(s);
        return ossl_err(v->ctx, EPSOS_ENOMEM, "cannot copy the shared trust store");
    }
    v->store = s;
    return EPSOS_OK;
}

/* A loader into the verifier's own store (made first when needed). */
static int verifier_loader(epsos_verifier *v, loader *l)
{
    memset(l, 0, sizeof *l);
    l->ctx = v->ctx;
    if (!(l->lib = vlib(v)))
        return epsos_ctx_errcode(v->ctx) ? epsos_ctx_errcode(v->ctx) : EPSOS_ENOMEM;
    int rc = own_store(v);
    l->store = v->store;
    return rc;
}

EPSOS_API int epsos_verifier_add_trust_pem(epsos_verifier *v, const uint8_t *data, size_t len)
{
    if (!v)
        return EPSOS_EINVAL;
    epsos__ctx_reset(v->ctx);
    if (!data || !len)
        return epsos__err(v->ctx, EPSOS_EINVAL, "epsos_verifier_add_trust_pem: no data");
    ERR_clear_error();
    loader l;
    int rc = verifier_loader(v, &l);
    if (rc == EPSOS_OK)
        rc = load_mem(&l, "epsos_verifier_add_trust_pem", data, len);
    v->have_crl |= l.have_crl;
    return rc;
}

EPSOS_API int epsos_verifier_add_trust(epsos_verifier *v, const char *path)
{
    if (!v)
        return EPSOS_EINVAL;
    epsos__ctx_reset(v->ctx);
    if (!path)
        return epsos__err(v->ctx, EPSOS_EINVAL, "epsos_verifier_add_trust: NULL path");
    ERR_clear_error();
    loader l;
    int rc = verifier_loader(v, &l);
    if (rc == EPSOS_OK)
        rc = load_path(&l, "epsos_verifier_add_trust", path);
    v->have_crl |= l.have_crl;
    return rc;
}

EPSOS_API int epsos_verifier_set_trust(epsos_verifier *v, epsos_trust *trust)
{
    if (!v)
        return EPSOS_EINVAL;
    epsos__ctx_reset(v->ctx);
    X509_STORE *empty = NULL;
    if (!trust && !(empty = X509_STORE_new()))
        return ossl_err(v->ctx, EPSOS_ENOMEM, "cannot create a certificate store");
    if (trust)
        atomic_fetch_add_explicit(&trust->refs, 1, memory_order_relaxed);
    X509_STORE_free(v->store);         /* first: its objects may live in v->trust's lib ctx */
    epsos_trust_free(v->trust);
    v->trust = trust;
    v->store = empty;
    v->have_crl = trust && trust->have_crl;
    return EPSOS_OK;
}

/* ---------------------------------------------------------------------- */
/* shared trust store                                                     */
/* ---------------------------------------------------------------------- */

static void trust_destroy(epsos_trust *t)
{
    X509_STORE_free(t->store);
    sk_X509_pop_free(t->certs, X509_free);
    sk_X509_CRL_pop_free(t->crls, X509_CRL_free);
    OSSL_LIB_CTX_free(t->lib);         /* last: the objects above belong to it */
    epsos__free(t);
}

/* A new trust store filled by mem (data, len) or by path. */
static int trust_new(epsos_trust **out, epsos_ctx *ctx, const char *fn, const char *path,
                     const uint8_t *data, size_t len)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    ERR_clear_error();
    epsos_trust *t = epsos__calloc(1, sizeof *t);
    if (!t)
        return epsos__err(ctx, EPSOS_ENOMEM, "%s: out of memory", fn);
    atomic_init(&t->refs, 1);
    t->lib = OSSL_LIB_CTX_new();
    t->store = X509_STORE_new();
    t->certs = sk_X509_new_null();
    t->crls = sk_X509_CRL_new_null();
    if (!t->lib || !t->store || !t->certs || !t->crls) {
        trust_destroy(t);
        return ossl_err(ctx, EPSOS_ENOMEM, "cannot create a trust store");
    }
    loader l = { .ctx = ctx, .lib = t->lib, .store = t->store, .certs = t->certs,
                 .crls = t->crls };
    int rc = path ? load_path(&l, fn, path) : load_mem(&l, fn, data, len);
    t->have_crl = l.have_crl;
    /* Everything OpenSSL would compute lazily on first use is computed
     * now, on this thread: the extension caches of the certificates, the
     * sorted order of the store's objects and of each CRL's entries. */
    for (int i = 0; rc == EPSOS_OK && i < sk_X509_num(t->certs); i++)
        (void)X509_get_extension_flags(sk_X509_value(t->certs, i));
    for (int i = 0; rc == EPSOS_OK && i < sk_X509_CRL_num(t->crls); i++) {
        STACK_OF(X509_REVOKED) *rev = X509_CRL_get_REVOKED(sk_X509_CRL_value(t->crls, i));
        if (rev)
            sk_X509_REVOKED_sort(rev);
    }
    if (rc == EPSOS_OK)
        sk_X509_OBJECT_sort(X509_STORE_get0_objects(t->store));
    ERR_clear_error();
    if (rc != EPSOS_OK) {
        trust_destroy(t);
        return rc;
    }
    *out = t;
    return EPSOS_OK;
}

EPSOS_API int epsos_trust_new(epsos_trust **out, epsos_ctx *ctx, const char *path)
{
    if (out)
        *out = NULL;
    if (out && ctx && !path) {
        epsos__ctx_reset(ctx);
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_trust_new: NULL path");
    }
    return trust_new(out, ctx, "epsos_trust_new", path, NULL, 0);
}

EPSOS_API int epsos_trust_new_pem(epsos_trust **out, epsos_ctx *ctx, const uint8_t *data,
                                  size_t len)
{
    return trust_new(out, ctx, "epsos_trust_new_pem", NULL, data, len);
}

EPSOS_API size_t epsos_trust_count(const epsos_trust *trust)
{
    return trust ? (size_t)sk_X509_num(trust->certs) + (size_t)sk_X509_CRL_num(trust->crls) : 0;
}

EPSOS_API void epsos_trust_free(epsos_trust *trust)
{
    if (trust && atomic_fetch_sub_explicit(&trust->refs, 1, memory_order_acq_rel) == 1)
        trust_destroy(trust);
}

EPSOS_API int epsos_verifier_set_time(epsos_verifier *v, int64_t unix_seconds)
{
    if (!v)
        return EPSOS_EINVAL;
    epsos__ctx_reset(v->ctx);
    if (unix_seconds < 0)
        return epsos__err(v->ctx, EPSOS_EINVAL, "verification time before 1970");
    v->at = unix_seconds;
    return EPSOS_OK;
}

EPSOS_API int epsos_verifier_set_flags(epsos_verifier *v, uint32_t flags)
{
    if (!v)
        return EPSOS_EINVAL;
    epsos__ctx_reset(v->ctx);
    if (flags & ~EPSOS_VERIFY_LEGACY)
        return epsos__err(v->ctx, EPSOS_EINVAL, "unknown verifier flags 0x%x", (unsigned)flags);
    v->flags = flags;
    return EPSOS_OK;
}

/* ---------------------------------------------------------------------- */
/* verification                                                           */
/* ---------------------------------------------------------------------- */

typedef struct {
    epsos_verifier    *v;
    epsos_dsig_result *r;
    xmlDoc            *doc;
    bool               oom;
} vstate;

__attribute__((format(printf, 4, 5)))
static void verdict(vstate *st, int32_t reason, const xmlNode *at, const char *fmt, ...)
{
    char msg[600], path[EPSOS_ERRLOC_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at) {
        epsos__node_path(at, path, sizeof path);
        size_t l = strlen(msg);
        snprintf(msg + l, sizeof msg - l, " (at %s)", path);
    }
    st->r->reason = reason;
    st->r->status = reason == EPSOS_DSIG_OK ? EPSOS_DSIG_VALID : EPSOS_DSIG_INVALID;
    epsos__free(st->r->message);
    st->r->message = epsos__strdup(msg);
    if (!st->r->message)
        st->oom = true;
}

static int32_t chain_reason(int err)
{
    switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CRL_HAS_EXPIRED:
        return err == X509_V_ERR_CERT_HAS_EXPIRED ? EPSOS_DSIG_CERT_EXPIRED : EPSOS_DSIG_CERT_INVALID;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return EPSOS_DSIG_CERT_NOT_YET_VALID;
    case X509_V_ERR_CERT_REVOKED:
        return EPSOS_DSIG_CERT_REVOKED;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return EPSOS_DSIG_CERT_UNTRUSTED;
    default:
        return EPSOS_DSIG_CERT_INVALID;
    }
}

typedef struct {
    const char *c14n_alg;
    xmlChar    *si_prefixes[MAX_PREFIXES + 1];
    char        si_pbuf[512];
    const char *sig_alg;
    const char *uri;
    bool        legacy_transforms;      /* enveloped only: inclusive C14N 1.0 */
    xmlChar    *ref_prefixes[MAX_PREFIXES + 1];
    char        ref_pbuf[512];
    const char *digest_alg;
    xmlNode    *digest_value, *sig_value, *key_info, *signed_info;
} sigparts;

static bool read_prefix_list(xmlNode *method, char *buf, size_t cap, xmlChar **arr, bool *bad)
{
    bool malformed = false;
    xmlNode *c = next_el(method->children, &malformed);
    arr[0] = NULL;
    if (!c)
        return !malformed;
    if (!epsos__is_el(c, NS_EC, "InclusiveNamespaces") || next_el(c->next, &malformed) ||
        malformed) {
        *bad = true;
        return false;
    }
    const char *pl = prop(c, "PrefixList");
    snprintf(buf, cap, "%s", pl ? pl : "");
    split_prefixes(buf, arr);
    return true;
}

/* Structure and algorithms.  Returns false with a verdict. */
static bool parse_signature(vstate *st, xmlNode *sig, sigparts *p)
{
    bool legacy = st->v->flags & EPSOS_VERIFY_LEGACY, bad = false;
    xmlNode *si = next_el(sig->children, &bad);
    xmlNode *sv = si ? next_el(si->next, &bad) : NULL;
    xmlNode *ki = sv ? next_el(sv->next, &bad) : NULL;
    xmlNode *extra = ki ? next_el(ki->next, &bad) : NULL;
    if (!ds_el(si, "SignedInfo") || !ds_el(sv, "SignatureValue") || (ki && !ds_el(ki, "KeyInfo")) ||
        extra || bad) {
        verdict(st, EPSOS_DSIG_MALFORMED, extra ? extra : sig,
                "the Signature is not SignedInfo, SignatureValue, KeyInfo and nothing else");
        return false;
    }
    p->signed_info = si;
    p->sig_value = sv;
    p->key_info = ki;
    xmlNode *cm = next_el(si->children, &bad);
    xmlNode *sm = cm ? next_el(cm->next, &bad) : NULL;
    if (!ds_el(cm, "CanonicalizationMethod") || !ds_el(sm, "SignatureMethod") || bad) {
        verdict(st, EPSOS_DSIG_MALFORMED, si,
                "SignedInfo does not start with CanonicalizationMethod and SignatureMethod");
        return false;
    }
    size_t nref = 0;
    xmlNode *ref = NULL;
    for (xmlNode *c = next_el(sm->next, &bad); c; c = next_el(c->next, &bad)) {
        if (!ds_el(c, "Reference")) {
            verdict(st, EPSOS_DSIG_MALFORMED, c, "unexpected element in SignedInfo");
            return false;
        }
        if (nref++ == 0)
            ref = c;
    }
    if (bad) {
        verdict(st, EPSOS_DSIG_MALFORMED, si, "text or comment inside SignedInfo");
        return false;
    }
    /* algorithms */
    p->c14n_alg = prop(cm, "Algorithm");
    if (!p->c14n_alg || (strcmp(p->c14n_alg, ALG_EXC) != 0 && strcmp(p->c14n_alg, ALG_EXC_WC) != 0)) {
        verdict(st, EPSOS_DSIG_BAD_ALGORITHM, cm,
                "CanonicalizationMethod %s is not exclusive C14N", p->c14n_alg ? p->c14n_alg : "(none)");
        return false;
    }
    if (!read_prefix_list(cm, p->si_pbuf, sizeof p->si_pbuf, p->si_prefixes, &bad)) {
        verdict(st, EPSOS_DSIG_MALFORMED, cm, "unexpected content in CanonicalizationMethod");
        return false;
    }
    p->sig_alg = prop(sm, "Algorithm");
    bool sm_empty = !next_el(sm->children, &bad) && !bad;
    if (!p->sig_alg ||
        (strcmp(p->sig_alg, ALG_RSA_SHA256) != 0 && strcmp(p->sig_alg, ALG_EC_SHA256) != 0 &&
         strcmp(p->sig_alg, ALG_RSA_SHA1) != 0)) {
        verdict(st, EPSOS_DSIG_BAD_ALGORITHM, sm, "SignatureMethod %s is not in the profile",
                p->sig_alg ? p->sig_alg : "(none)");
        return false;
    }
    if (strcmp(p->sig_alg, ALG_RSA_SHA1) == 0 && !legacy) {
        verdict(st, EPSOS_DSIG_LEGACY_ALGORITHM, sm,
                "SignatureMethod rsa-sha1 is accepted in legacy epSOS mode only");
        return false;
    }
    if (!sm_empty) {
        verdict(st, EPSOS_DSIG_MALFORMED, sm, "unexpected content in SignatureMethod");
        return false;
    }
    if (nref != 1) {
        verdict(st, EPSOS_DSIG_REFERENCE_COUNT, si, "SignedInfo has %zu References, expected 1", nref);
        return false;
    }
    /* the reference */
    p->uri = prop(ref, "URI");
    for (xmlAttr *a = ref->properties; a; a = a->next)
        if (a->ns || (strcmp((const char *)a->name, "URI") != 0 &&
                      strcmp((const char *)a->name, "Id") != 0 &&
                      strcmp((const char *)a->name, "Type") != 0)) {
            verdict(st, EPSOS_DSIG_MALFORMED, ref, "unexpected attribute %s on Reference",
                    (const char *)a->name);
            return false;
        }
    xmlNode *tr = next_el(ref->children, &bad);
    xmlNode *dm = ds_el(tr, "Transforms") ? next_el(tr->next, &bad) : tr;
    xmlNode *dv = dm ? next_el(dm->next, &bad) : NULL;
    if (!p->uri || !ds_el(dm, "DigestMethod") || !ds_el(dv, "DigestValue") ||
        next_el(dv->next, &bad) || bad) {
        verdict(st, EPSOS_DSIG_MALFORMED, ref,
                "Reference is not URI, Transforms, DigestMethod and DigestValue");
        return false;
    }
    p->digest_value = dv;
    /* transforms: enveloped-signature, exclusive C14N (legacy: enveloped only) */
    xmlNode *t[3] = { NULL, NULL, NULL };
    size_t nt = 0;
    if (ds_el(tr, "Transforms"))
        for (xmlNode *c = next_el(tr->children, &bad); c; c = next_el(c->next, &bad)) {
            const char *alg = ds_el(c, "Transform") ? prop(c, "Algorithm") : NULL;
            if (!alg) {
                verdict(st, EPSOS_DSIG_MALFORMED, c, "a Transform without Algorithm");
                return false;
            }
            if (strcmp(alg, ALG_ENVELOPED) != 0 && strcmp(alg, ALG_EXC) != 0) {
                verdict(st, EPSOS_DSIG_BAD_TRANSFORM, c, "transform %s is not in the profile", alg);
                return false;
            }
            if (nt < 3)
                t[nt] = c;
            nt++;
        }
    bool env0 = nt >= 1 && strcmp(prop(t[0], "Algorithm"), ALG_ENVELOPED) == 0 &&
                !t[0]->children;
    if (nt == 2 && env0 && strcmp(prop(t[1], "Algorithm"), ALG_EXC) == 0) {
        if (!read_prefix_list(t[1], p->ref_pbuf, sizeof p->ref_pbuf, p->ref_prefixes, &bad)) {
            verdict(st, EPSOS_DSIG_MALFORMED, t[1], "unexpected content in the C14N transform");
            return false;
        }
    } else if (nt == 1 && env0 && legacy) {
        p->legacy_transforms = true;
    } else {
        verdict(st, EPSOS_DSIG_BAD_TRANSFORM, tr ? tr : ref,
                "the transforms are not enveloped-signature then exclusive C14N");
        return false;
    }
    p->digest_alg = prop(dm, "Algorithm");
    if (!p->digest_alg || (strcmp(p->digest_alg, ALG_SHA256) != 0 && strcmp(p->digest_alg, ALG_SHA1) != 0)) {
        verdict(st, EPSOS_DSIG_BAD_ALGORITHM, dm, "DigestMethod %s is not in the profile",
                p->digest_alg ? p->digest_alg : "(none)");
        return false;
    }
    if (strcmp(p->digest_alg, ALG_SHA1) == 0 && !legacy) {
        verdict(st, EPSOS_DSIG_LEGACY_ALGORITHM, dm, "DigestMethod sha1 is accepted in legacy epSOS mode only");
        return false;
    }
    if (next_el(dm->children, &bad) || bad) {
        verdict(st, EPSOS_DSIG_MALFORMED, dm, "unexpected content in DigestMethod");
        return false;
    }
    return true;
}

/* KeyInfo: X509Data with X509Certificate (signer first, then chain). */
static X509 *read_certs(vstate *st, const sigparts *p, STACK_OF(X509) *chain)
{
    OSSL_LIB_CTX *lib = vlib(st->v);
    bool bad = false;
    X509 *leaf = NULL;
    xmlNode *ki = p->key_info;
    xmlNode *xd = ki ? next_el(ki->children, &bad) : NULL;
    if (!ds_el(xd, "X509Data") || next_el(xd->next, &bad) || bad) {
        verdict(st, EPSOS_DSIG_BAD_KEYINFO, ki ? ki : p->signed_info->parent,
                "KeyInfo must hold exactly one X509Data");
        return NULL;
    }
    for (xmlNode *c = next_el(xd->children, &bad); c; c = next_el(c->next, &bad)) {
        if (ds_el(c, "X509SubjectName") || ds_el(c, "X509IssuerSerial") || ds_el(c, "X509SKI"))
            continue;
        if (!ds_el(c, "X509Certificate")) {
            verdict(st, EPSOS_DSIG_BAD_KEYINFO, c, "unexpected element in X509Data");
            goto fail;
        }
        char *t = text_of(c);
        size_t len = 0;
        uint8_t *der = t ? b64_decode(t, &len) : NULL;
        X509 *x = der ? cert_from_der(lib, der, len) : NULL;
        epsos__free(t);
        epsos__free(der);
        ERR_clear_error();
        if (!x) {
            verdict(st, EPSOS_DSIG_BAD_KEYINFO, c, "X509Certificate is not a base64 DER certificate");
            goto fail;
        }
        if (!leaf) {
            leaf = x;
        } else if (!sk_X509_push(chain, x)) {
            X509_free(x);
            st->oom = true;
            goto fail;
        }
    }
    if (bad || !leaf) {
        verdict(st, EPSOS_DSIG_BAD_KEYINFO, xd, "X509Data holds no X509Certificate");
        goto fail;
    }
    return leaf;
fail:
    X509_free(leaf);
    return NULL;
}

static void keep_cert(vstate *st, X509 *leaf)
{
    unsigned char *der = NULL;
    int n = i2d_X509(leaf, &der);
    if (n > 0 && (st->r->der = epsos__malloc((size_t)n)) != NULL) {
        memcpy(st->r->der, der, (size_t)n);
        st->r->der_len = (size_t)n;
    } else {
        st->oom = true;
    }
    OPENSSL_free(der);
    BIO *b = BIO_new(BIO_s_mem());
    char *mem = NULL;
    long len;
    if (b && X509_NAME_print_ex(b, X509_get_subject_name(leaf), 0, XN_FLAG_RFC2253) >= 0 &&
        (len = BIO_get_mem_data(b, &mem)) >= 0 && (st->r->subject = epsos__malloc((size_t)len + 1))) {
        memcpy(st->r->subject, mem, (size_t)len);
        st->r->subject[len] = '\0';
    } else {
        st->oom = true;
    }
    BIO_free(b);
    ERR_clear_error();
}

static void verify_tree(vstate *st, const char *id)
{
    epsos_verifier *v = st->v;
    epsos_ctx *ctx = v->ctx;
    OSSL_LIB_CTX *lib = vlib(v);
    xmlNode *root = xmlDocGetRootElement(st->doc), *target = root;
    if (!root || !lib) {
        st->oom = !lib;
        verdict(st, EPSOS_DSIG_NO_SIGNATURE, NULL, "the document has no root element");
        return;
    }
    if (id) {
        target = NULL;
        size_t n = find_id(root, id, &target, NULL);
        if (n == 0) {
            verdict(st, EPSOS_DSIG_ID_NOT_FOUND, NULL, "no element has the ID '%s'", id);
            return;
        }
        if (n > 1) {
            verdict(st, EPSOS_DSIG_DUPLICATE_ID, target, "%zu elements have the ID '%s'", n, id);
            return;
        }
    }
    char path[EPSOS_ERRLOC_MAX];
    epsos__node_path(target, path, sizeof path);
    if (!(st->r->path = epsos__strdup(path))) {
        st->oom = true;
        return;
    }
    xmlNode *sigs[2];
    size_t nsig = find_sigs(id ? target : root, true, sigs, 2, 0);
    if (nsig == 0) {
        if (id) {
            xmlNode *all[64];
            size_t na = find_sigs(root, true, all, 64, 0);
            for (size_t i = 0; i < na && i < 64; i++) {
                xmlNode *si = next_el(all[i]->children, &(bool){ false });
                for (xmlNode *c = si ? si->children : NULL; c; c = c->next) {
                    const char *u = ds_el(c, "Reference") ? prop(c, "URI") : NULL;
                    if (u && u[0] == '#' && strcmp(u + 1, id) == 0) {
                        verdict(st, EPSOS_DSIG_SIGNATURE_MISPLACED, all[i],
                                "the signature of '%s' is not a child of that element", id);
                        return;
                    }
                }
            }
        }
        verdict(st, EPSOS_DSIG_NO_SIGNATURE, target, "no ds:Signature in the element");
        return;
    }
    if (nsig > 1) {
        verdict(st, EPSOS_DSIG_MULTIPLE_SIGNATURES, sigs[1],
                "%zu ds:Signature elements where exactly one is expected", nsig);
        return;
    }
    xmlNode *sig = sigs[0];
    if (sig->parent != target) {
        verdict(st, EPSOS_DSIG_SIGNATURE_MISPLACED, sig,
                "the ds:Signature is not a child of the signed element");
        return;
    }
    sigparts p;
    memset(&p, 0, sizeof p);
    if (!parse_signature(st, sig, &p))
        return;
    /* the reference must be the element asked for */
    bool ref_ok = id ? (p.uri[0] == '#' && strcmp(p.uri + 1, id) == 0) : p.uri[0] == '\0';
    if (!ref_ok) {
        xmlNode *other = NULL;
        if (p.uri[0] == '#' && p.uri[1] && find_id(root, p.uri + 1, &other, NULL) == 0)
            verdict(st, EPSOS_DSIG_REFERENCE_NOT_FOUND, sig, "Reference URI '%s' names no element", p.uri);
        else
            verdict(st, EPSOS_DSIG_REFERENCE_MISMATCH, sig,
                    "Reference URI '%s' is not the element asked for ('%s%s')", p.uri,
                    id ? "#" : "", id ? id : "");
        return;
    }
    const xmlNode *cmt = comment_in_text(target->children, sig);
    if (cmt) {
        verdict(st, EPSOS_DSIG_COMMENT_IN_TEXT, cmt,
                "a comment or processing instruction splits signed text");
        return;
    }
    STACK_OF(X509) *chain = sk_X509_new_null();
    X509 *leaf = chain ? read_certs(st, &p, chain) : NULL;
    EVP_PKEY *key = NULL;
    uint8_t *sv = NULL, *want = NULL;
    char *text = NULL;
    EVP_MD_CTX *m = NULL;
    sink k = { 0 };
    if (!chain)
        st->oom = true;
    if (!leaf)
        goto done;
    keep_cert(st, leaf);
    key = X509_get0_pubkey(leaf);
    bool rsa_alg = strcmp(p.sig_alg, ALG_EC_SHA256) != 0;
    char group[64] = "";
    if (key && !rsa_alg)
        EVP_PKEY_get_group_name(key, group, sizeof group, NULL);
    if (!key || (rsa_alg && !EVP_PKEY_is_a(key, "RSA")) ||
        (!rsa_alg && (!EVP_PKEY_is_a(key, "EC") ||
                      (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0)))) {
        ERR_clear_error();
        verdict(st, EPSOS_DSIG_KEY_MISMATCH, p.key_info,
                "the certificate key does not fit SignatureMethod %s", p.sig_alg);
        goto done;
    }
    int min_bits = (v->flags & EPSOS_VERIFY_LEGACY) ? 1024 : 2048;
    if (rsa_alg && EVP_PKEY_get_bits(key) < min_bits) {
        verdict(st, EPSOS_DSIG_WEAK_KEY, p.key_info, "RSA key of %d bits: at least %d are required",
                EVP_PKEY_get_bits(key), min_bits);
        goto done;
    }
    /* digest */
    bool sha1 = strcmp(p.digest_alg, ALG_SHA1) == 0;
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    if (digest_of(ctx, lib, sha1 ? "SHA1" : "SHA256", st->doc, id ? target : NULL, sig,
                  p.legacy_transforms ? XML_C14N_1_0 : XML_C14N_EXCLUSIVE_1_0, p.ref_prefixes,
                  md, &md_len) != EPSOS_OK) {
        st->oom = true;
        goto done;
    }
    size_t want_len = 0;
    text = text_of(p.digest_value);
    want = text ? b64_decode(text, &want_len) : NULL;
    if (!want || want_len != md_len || CRYPTO_memcmp(want, md, md_len) != 0) {
        verdict(st, EPSOS_DSIG_DIGEST_MISMATCH, target, "the digest of the signed content does not match");
        goto done;
    }
    /* signature value */
    epsos__free(text);
    text = text_of(p.sig_value);
    size_t sv_len = 0;
    sv = text ? b64_decode(text, &sv_len) : NULL;
    size_t expect = rsa_alg ? (size_t)EVP_PKEY_get_size(key) : 64;
    if (!sv || sv_len != expect) {
        verdict(st, EPSOS_DSIG_BAD_SIGNATURE_VALUE, p.sig_value,
                "SignatureValue is %s (%zu bytes, expected %zu)",
                sv ? "of the wrong length" : "empty or not base64", sv ? sv_len : 0, expect);
        goto done;
    }
    if (!rsa_alg) {
        ECDSA_SIG *es = ECDSA_SIG_new();
        BIGNUM *r = BN_bin2bn(sv, 32, NULL), *s = BN_bin2bn(sv + 32, 32, NULL);
        unsigned char *der = NULL;
        int dl = -1;
        if (es && r && s && ECDSA_SIG_set0(es, r, s)) {
            r = s = NULL;
            dl = i2d_ECDSA_SIG(es, &der);
        }
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        epsos__free(sv);
        sv = NULL;
        if (dl <= 0 || !(sv = epsos__malloc((size_t)dl))) {
            OPENSSL_free(der);
            st->oom = true;
            goto done;
        }
        memcpy(sv, der, (size_t)dl);
        sv_len = (size_t)dl;
        OPENSSL_free(der);
    }
    if (c14n(ctx, st->doc, p.signed_info, NULL, XML_C14N_EXCLUSIVE_1_0, p.si_prefixes,
             strcmp(p.c14n_alg, ALG_EXC_WC) == 0, &k) != EPSOS_OK) {
        st->oom = true;
        goto done;
    }
    m = EVP_MD_CTX_new();
    if (!m || EVP_DigestVerifyInit_ex(m, NULL, strcmp(p.sig_alg, ALG_RSA_SHA1) == 0 ? "SHA1" : "SHA256",
                                      lib, NULL, key, NULL) != 1) {
        ERR_clear_error();
        verdict(st, EPSOS_DSIG_KEY_MISMATCH, p.key_info, "cannot verify with the certificate key");
        goto done;
    }
    if (EVP_DigestVerify(m, sv, sv_len, k.buf, k.len) != 1) {
        ERR_clear_error();
        verdict(st, EPSOS_DSIG_SIGNATURE_MISMATCH, p.sig_value,
                "the SignatureValue does not verify over SignedInfo");
        goto done;
    }
    /* the certificate */
    X509_STORE_CTX *sc = X509_STORE_CTX_new_ex(lib, NULL);
    if (!sc || !X509_STORE_CTX_init(sc, vstore(v), leaf, chain)) {
        X509_STORE_CTX_free(sc);
        st->oom = true;
        goto done;
    }
    unsigned long flags = X509_V_FLAG_PARTIAL_CHAIN;
    if (v->have_crl)
        flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL;
    X509_STORE_CTX_set_flags(sc, flags);
    if (v->at)
        X509_STORE_CTX_set_time(sc, 0, (time_t)v->at);
    int ok = X509_verify_cert(sc);
    int err = X509_STORE_CTX_get_error(sc);
    int depth = X509_STORE_CTX_get_error_depth(sc);
    X509_STORE_CTX_free(sc);
    ERR_clear_error();
    if (ok != 1) {
        verdict(st, chain_reason(err), p.key_info, "certificate at depth %d: %s", depth,
                X509_verify_cert_error_string(err));
        goto done;
    }
    /* a key for certificates or CRLs only does not sign documents */
    uint32_t ku = X509_get_key_usage(leaf);
    if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
        ERR_clear_error();
        verdict(st, EPSOS_DSIG_CERT_INVALID, p.key_info,
                "the signer certificate's key usage allows neither digitalSignature nor "
                "nonRepudiation");
        goto done;
    }
    verdict(st, EPSOS_DSIG_OK, NULL, "valid signature of %s by %s", st->r->path,
            st->r->subject ? st->r->subject : "?");
done:
    EVP_MD_CTX_free(m);
    epsos__free(k.buf);
    epsos__free(text);
    epsos__free(want);
    epsos__free(sv);
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
}

static int run_verify(epsos_dsig_result **out, epsos_verifier *v, xmlDoc *doc, const char *id)
{
    epsos_ctx *ctx = v->ctx;
    epsos_dsig_result *r = epsos__calloc(1, sizeof *r);
    if (!r)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    r->status = EPSOS_DSIG_INVALID;
    r->reason = EPSOS_DSIG_MALFORMED;
    vstate st = { .v = v, .r = r, .doc = doc };
    ERR_clear_error();
    verify_tree(&st, id);
    ERR_clear_error();
    if (st.oom || !r->message) {
        epsos_dsig_result_free(r);
        if (epsos_ctx_errcode(ctx))
            return epsos_ctx_errcode(ctx);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory during verification");
    }
    *out = r;
    return EPSOS_OK;
}

EPSOS_API int epsos_doc_verify(epsos_dsig_result **out, epsos_verifier *v, const epsos_doc *doc,
                               const char *id)
{
    if (out)
        *out = NULL;
    if (!out || !v || !doc)
        return EPSOS_EINVAL;
    epsos__ctx_reset(v->ctx);
    if (doc->ctx != v->ctx)
        return epsos__err(v->ctx, EPSOS_EINVAL,
                          "the document and the verifier belong to different contexts");
    if (id && !id[0])
        return epsos__err(v->ctx, EPSOS_EINVAL, "empty ID");
    return run_verify(out, v, doc->xml, id);
}

EPSOS_API int epsos_xml_verify(epsos_dsig_result **out, epsos_verifier *v, const uint8_t *xml,
                               size_t len, const char *id)
{
    if (out)
        *out = NULL;
    if (!out || !v)
        return EPSOS_EINVAL;
    epsos__ctx_reset(v->ctx);
    if ((!xml && len) || (id && !id[0]))
        return epsos__err(v->ctx, EPSOS_EINVAL, "epsos_xml_verify: NULL buffer or empty ID");
    xmlDoc *doc = epsos__xml_parse(v->ctx, xml, len);
    if (!doc)
        return epsos_ctx_errcode(v->ctx);
    int rc = run_verify(out, v, doc, id);
    xmlFreeDoc(doc);
    return rc;
}

/* ---------------------------------------------------------------------- */
/* result                                                                 */
/* ---------------------------------------------------------------------- */

EPSOS_API int32_t epsos_dsig_result_status(const epsos_dsig_result *r)
{
    return r ? r->status : EPSOS_DSIG_INVALID;
}

EPSOS_API int32_t epsos_dsig_result_reason(const epsos_dsig_result *r)
{
    return r ? r->reason : EPSOS_DSIG_MALFORMED;
}

EPSOS_API const char *epsos_dsig_result_message(const epsos_dsig_result *r)
{
    return r && r->message ? r->message : "";
}

EPSOS_API const char *epsos_dsig_result_path(const epsos_dsig_result *r)
{
    return r && r->path ? r->path : "";
}

EPSOS_API const char *epsos_dsig_result_subject(const epsos_dsig_result *r)
{
    return r && r->subject ? r->subject : "";
}

EPSOS_API int epsos_dsig_result_cert(const epsos_dsig_result *r, const uint8_t **der,
                                     size_t *der_len)
{
    if (der)
        *der = NULL;
    if (der_len)
        *der_len = 0;
    if (!r || !der || !der_len)
        return EPSOS_EINVAL;
    if (!r->der)
        return EPSOS_ENOTFOUND;
    *der = r->der;
    *der_len = r->der_len;
    return EPSOS_OK;
}

EPSOS_API void epsos_dsig_result_free(epsos_dsig_result *r)
{
    if (!r)
        return;
    epsos__free(r->message);
    epsos__free(r->path);
    epsos__free(r->subject);
    epsos__free(r->der);
    epsos__free(r);
}

EPSOS_API const char *epsos_dsig_reason_name(int32_t reason)
{
    static const char *const names[] = {
        "ok", "no-signature", "multiple-signatures", "malformed", "reference-count",
        "reference-mismatch", "id-not-found", "duplicate-id", "reference-not-found",
        "bad-transform", "bad-algorithm", "legacy-algorithm", "digest-mismatch",
        "signature-mismatch", "bad-signature-value", "bad-keyinfo", "key-mismatch",
        "cert-untrusted", "cert-expired", "cert-not-yet-valid", "cert-revoked",
        "cert-invalid", "signature-misplaced", "comment-in-text", "weak-key",
    };
    if (reason < 0 || (size_t)reason >= sizeof names / sizeof names[0])
        return NULL;
    return names[reason];
}
