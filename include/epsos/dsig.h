/*
 * libepsos - XML signatures: the eHDSI XMLDSig profile.
 * SPDX-License-Identifier: MIT
 *
 * Profile (the only one signed, the only one accepted): an enveloped
 * ds:Signature with one Reference, either URI="" (the whole document, the
 * signature last child of the root) or URI="#ID" (one element by its ID
 * attribute, the signature its child: after saml:Issuer in a SAML
 * assertion); transforms enveloped-signature then exclusive C14N (with an
 * InclusiveNamespaces PrefixList); SHA-256 digest; RSA-SHA256 or
 * ECDSA-SHA256 on P-256; KeyInfo/X509Data/X509Certificate.  A verifier in
 * legacy epSOS mode also accepts RSA-SHA1 and SHA-1 digests, and a
 * Reference whose only transform is enveloped-signature.
 *
 * Documents are either an epsos_doc or any XML document in a buffer (a
 * SOAP header with several assertions, an assertion alone).
 */
#ifndef EPSOS_DSIG_H
#define EPSOS_DSIG_H

#include "common.h"
#include "context.h"
#include "doc.h"

EPSOS_BEGIN_DECLS

typedef struct epsos_signer epsos_signer;
typedef struct epsos_verifier epsos_verifier;
typedef struct epsos_trust epsos_trust;
typedef struct epsos_dsig_result epsos_dsig_result;

/* Where the signature goes (position argument of the sign functions). */
#define EPSOS_DSIG_POS_DEFAULT (-1)  /* after saml:Issuer in an assertion, else last child */

/* Verifier flags (epsos_verifier_set_flags). */
#define EPSOS_VERIFY_LEGACY 1u  /* legacy epSOS: also RSA-SHA1, SHA-1, enveloped-only */

/* Result status (epsos_dsig_result_status). */
#define EPSOS_DSIG_INVALID 0
#define EPSOS_DSIG_VALID   1

/* Reasons (epsos_dsig_result_reason); names from epsos_dsig_reason_name(). */
#define EPSOS_DSIG_OK                   0   /* valid */
#define EPSOS_DSIG_NO_SIGNATURE         1   /* the element has no Signature child */
#define EPSOS_DSIG_MULTIPLE_SIGNATURES  2   /* more than one Signature in scope */
#define EPSOS_DSIG_MALFORMED            3   /* Signature not of the XMLDSig structure */
#define EPSOS_DSIG_REFERENCE_COUNT      4   /* not exactly one Reference */
#define EPSOS_DSIG_REFERENCE_MISMATCH   5   /* Reference URI is not the element asked for */
#define EPSOS_DSIG_ID_NOT_FOUND         6   /* no element has the ID asked for */
#define EPSOS_DSIG_DUPLICATE_ID         7   /* more than one element has the ID */
#define EPSOS_DSIG_REFERENCE_NOT_FOUND  8   /* Reference URI names no element */
#define EPSOS_DSIG_BAD_TRANSFORM        9   /* transform outside the profile */
#define EPSOS_DSIG_BAD_ALGORITHM       10   /* algorithm outside the profile */
#define EPSOS_DSIG_LEGACY_ALGORITHM    11   /* SHA-1 algorithm without legacy mode */
#define EPSOS_DSIG_DIGEST_MISMATCH     12   /* signed content changed */
#define EPSOS_DSIG_SIGNATURE_MISMATCH  13   /* SignedInfo changed or wrong key */
#define EPSOS_DSIG_BAD_SIGNATURE_VALUE 14   /* SignatureValue empty, truncated, not base64 */
#define EPSOS_DSIG_BAD_KEYINFO         15   /* no usable X509Certificate in KeyInfo */
#define EPSOS_DSIG_KEY_MISMATCH        16   /* key type does not fit SignatureMethod */
#define EPSOS_DSIG_CERT_UNTRUSTED      17   /* no chain to the trust store */
#define EPSOS_DSIG_CERT_EXPIRED        18   /* a certificate of the chain has expired */
#define EPSOS_DSIG_CERT_NOT_YET_VALID  19   /* a certificate of the chain is not yet valid */
#define EPSOS_DSIG_CERT_REVOKED        20   /* revoked by a CRL of the verifier */
#define EPSOS_DSIG_CERT_INVALID        21   /* other chain failure */
#define EPSOS_DSIG_SIGNATURE_MISPLACED 22   /* signature of the element found elsewhere */
#define EPSOS_DSIG_COMMENT_IN_TEXT     23   /* comment or PI inside signed text */
#define EPSOS_DSIG_WEAK_KEY            24   /* RSA key under 2048 bits (1024 in legacy mode) */

/* --- signer ------------------------------------------------------------- */

/* A signer from an unencrypted PEM private key (RSA or EC P-256) and the
 * PEM certificate of that key.  *out is NULL on failure. */
EPSOS_API int epsos_signer_new_pem(epsos_signer **out, epsos_ctx *ctx,
                                   const uint8_t *key, size_t key_len,
                                   const uint8_t *cert, size_t cert_len);

/* A signer from a PKCS#12 file image; the password is pass_len bytes
 * (no NUL inside).  Further certificates of the bag become the chain. */
EPSOS_API int epsos_signer_new_pkcs12(epsos_signer **out, epsos_ctx *ctx,
                                      const uint8_t *p12, size_t p12_len,
                                      const uint8_t *pass, size_t pass_len);

/* Append the PEM certificates of data to the chain written in KeyInfo
 * after the signer certificate. */
EPSOS_API int epsos_signer_add_chain_pem(epsos_signer *signer, const uint8_t *data, size_t len);

/* Release a signer.  NULL-safe. */
EPSOS_API void epsos_signer_free(epsos_signer *signer);

/* Sign a document in place: id NULL signs the whole document (URI=""),
 * otherwise the element whose ID attribute is id.  position: index of the
 * signature among the child elements, or EPSOS_DSIG_POS_DEFAULT. */
EPSOS_API int epsos_doc_sign(epsos_doc *doc, epsos_signer *signer, const char *id,
                             int32_t position);

/* Same on an XML document in a buffer; the signed document is written to
 * *out (released with epsos_free). */
EPSOS_API int epsos_xml_sign(uint8_t **out, size_t *out_len, epsos_signer *signer,
                             const uint8_t *xml, size_t len, const char *id,
                             int32_t position);

/* --- verifier ----------------------------------------------------------- */

/* A verifier with an empty trust store.  *out is NULL on failure. */
EPSOS_API int epsos_verifier_new(epsos_verifier **out, epsos_ctx *ctx);

/* Add the trust anchors (PEM certificates) and CRLs (PEM X509 CRL) of a
 * file, or of every regular file of a directory. */
EPSOS_API int epsos_verifier_add_trust(epsos_verifier *verifier, const char *path);

/* Same from memory. */
EPSOS_API int epsos_verifier_add_trust_pem(epsos_verifier *verifier,
                                           const uint8_t *data, size_t len);

/* Check certificates at this time (seconds since 1970-01-01 UTC) instead
 * of now; 0 returns to now. */
EPSOS_API int epsos_verifier_set_time(epsos_verifier *verifier, int64_t unix_seconds);

/* EPSOS_VERIFY_* flags. */
EPSOS_API int epsos_verifier_set_flags(epsos_verifier *verifier, uint32_t flags);

/* Release a verifier (and its reference to a shared trust store).
 * NULL-safe. */
EPSOS_API void epsos_verifier_free(epsos_verifier *verifier);

/* --- shared trust store -------------------------------------------------- */

/* An immutable trust store: the PEM certificates (trust anchors) and PEM
 * X509 CRLs of a file, or of every regular file of a directory, all read
 * now and never changed afterwards.  It keeps no reference to ctx (errors
 * only) and may be attached to any number of verifiers of any contexts,
 * used at the same time on different threads.  *out is NULL on failure. */
EPSOS_API int epsos_trust_new(epsos_trust **out, epsos_ctx *ctx, const char *path);

/* Same from memory. */
EPSOS_API int epsos_trust_new_pem(epsos_trust **out, epsos_ctx *ctx,
                                  const uint8_t *data, size_t len);

/* The number of certificates and CRLs of the store; 0 for NULL. */
EPSOS_API size_t epsos_trust_count(const epsos_trust *trust);

/* Drop the caller's reference: the store lives on while a verifier uses
 * it.  NULL-safe. */
EPSOS_API void epsos_trust_free(epsos_trust *trust);

/* Verify with trust (the verifier takes a reference) instead of the trust
 * anchors and CRLs the verifier had; NULL returns to an empty store.
 * Later additions with epsos_verifier_add_trust*() go to this verifier
 * only, never into the shared store. */
EPSOS_API int epsos_verifier_set_trust(epsos_verifier *verifier, epsos_trust *trust);

/* Verify the signature of a document: id NULL expects the whole-document
 * signature, otherwise the signature of the element with that ID.
 * EPSOS_OK means the check ran: the verdict is in *out. */
EPSOS_API int epsos_doc_verify(epsos_dsig_result **out, epsos_verifier *verifier,
                               const epsos_doc *doc, const char *id);

/* Same on an XML document in a buffer. */
EPSOS_API int epsos_xml_verify(epsos_dsig_result **out, epsos_verifier *verifier,
                               const uint8_t *xml, size_t len, const char *id);

/* --- result ------------------------------------------------------------- */

EPSOS_API int32_t epsos_dsig_result_status(const epsos_dsig_result *result);
EPSOS_API int32_t epsos_dsig_result_reason(const epsos_dsig_result *result);
/* Borrowed strings, "" when unknown, valid until the result is freed. */
EPSOS_API const char *epsos_dsig_result_message(const epsos_dsig_result *result);
EPSOS_API const char *epsos_dsig_result_path(const epsos_dsig_result *result);
EPSOS_API const char *epsos_dsig_result_subject(const epsos_dsig_result *result);
/* The signer certificate (DER), borrowed; EPSOS_ENOTFOUND when none. */
EPSOS_API int epsos_dsig_result_cert(const epsos_dsig_result *result,
                                     const uint8_t **der, size_t *der_len);
EPSOS_API void epsos_dsig_result_free(epsos_dsig_result *result);

/* Static name of a reason ("digest-mismatch"), NULL when unknown. */
EPSOS_API const char *epsos_dsig_reason_name(int32_t reason);

EPSOS_END_DECLS

#endif /* EPSOS_DSIG_H */
