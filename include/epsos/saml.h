/*
 * libepsos - eHDSI identity assertions (SAML 2.0): HCP identity, TRC and
 * next-of-kin (NoK) assertions, built from typed fields, signed with an epsos_signer
 * (eHDSI XMLDSig profile, signature after saml:Issuer), verified and read
 * back, and the access decision of the HL7 permissions.
 * SPDX-License-Identifier: MIT
 */
#ifndef EPSOS_SAML_H
#define EPSOS_SAML_H

#include "common.h"
#include "context.h"
#include "dsig.h"

EPSOS_BEGIN_DECLS

typedef struct epsos_assertion_builder epsos_assertion_builder;
typedef struct epsos_assertion epsos_assertion;

/* Assertion kinds. */
#define EPSOS_ASSERTION_HCP 1  /* HCP identity, Issuer @NameQualifier urn:ehdsi:assertions:hcp */
#define EPSOS_ASSERTION_TRC 2  /* treatment relationship, urn:ehdsi:assertions:trc */
#define EPSOS_ASSERTION_NOK 3  /* next of kin, urn:ehdsi:assertions:nok */

/* Parse flags (epsos_assertion_parse). */
#define EPSOS_ASSERTION_LEGACY 1u  /* also legacy epSOS attribute names and plain-string role / purpose */

/* Text fields (epsos_assertion_builder_set, epsos_assertion_get). */
#define EPSOS_SAML_ID               1   /* Assertion/@ID */
#define EPSOS_SAML_ISSUER           2   /* saml:Issuer */
#define EPSOS_SAML_NAME_ID          3   /* Subject/NameID */
#define EPSOS_SAML_NAME_ID_FORMAT   4   /* Subject/NameID/@Format */
#define EPSOS_SAML_AUDIENCE         5   /* AudienceRestriction/Audience */
#define EPSOS_SAML_AUTHN_CLASS      6   /* AuthnContextClassRef */
#define EPSOS_SAML_SUBJECT_ID       7   /* HCP: xspa subject-id (HCP name); TRC, NoK: patient id id^^^&oid&ISO */
#define EPSOS_SAML_ROLE             8   /* HCP: ISCO code of the role */
#define EPSOS_SAML_ROLE_NAME        9   /* HCP: displayName of the role */
#define EPSOS_SAML_ORGANIZATION    10   /* HCP: xspa organization */
#define EPSOS_SAML_ORGANIZATION_ID 11   /* HCP: xspa organization-id */
#define EPSOS_SAML_FACILITY_TYPE   12   /* HCP: Hospital, Resident Physician, Pharmacy, Other */
#define EPSOS_SAML_PURPOSE         13   /* TREATMENT or EMERGENCY */
#define EPSOS_SAML_LOCALITY        14   /* HCP: xspa environment locality */
#define EPSOS_SAML_ON_BEHALF_OF    15   /* HCP: ISCO code the clerical user acts for */
#define EPSOS_SAML_HCP_ID_REF      16   /* TRC, NoK: Advice/AssertionIDRef (HCP assertion @ID) */
#define EPSOS_SAML_PRESCRIPTION_ID 17   /* TRC: prescriptionId */
#define EPSOS_SAML_DISPENSATION_PIN 18  /* TRC: dispensationPinCode */
#define EPSOS_SAML_HOME_COMMUNITY_ID 19 /* HCP: urn:ihe:iti:xca:2010:homeCommunityId (urn:oid:...) */
#define EPSOS_SAML_NPI             20   /* HCP: xspa subject npi */
#define EPSOS_SAML_CLINICAL_SPECIALITY 21 /* HCP: legacy epSOS clinical-speciality (read in legacy mode) */
#define EPSOS_SAML_NOK_ID          22   /* NoK: urn:ehdsi:names:subject:nextofkin:id (required) */
#define EPSOS_SAML_NOK_GIVEN_NAME  23   /* NoK: ...:nextofkin:firstname */
#define EPSOS_SAML_NOK_FAMILY_NAME 24   /* NoK: ...:nextofkin:familyname */
#define EPSOS_SAML_NOK_GENDER      25   /* NoK: ...:nextofkin:gender, M F UN */
#define EPSOS_SAML_NOK_BIRTH_DATE  26   /* NoK: ...:nextofkin:birthdate, YYYY-MM-DD */
#define EPSOS_SAML_NOK_STREET      27   /* NoK: ...:nextofkin:address:street */
#define EPSOS_SAML_NOK_CITY        28   /* NoK: ...:nextofkin:address:city */
#define EPSOS_SAML_NOK_POSTAL_CODE 29   /* NoK: ...:nextofkin:address:postalcode */
#define EPSOS_SAML_NOK_COUNTRY     30   /* NoK: ...:nextofkin:address:country */
#define EPSOS_SAML_NOK_RELATIONSHIP 31  /* NoK: ...:nextofkin:relationship, VS 42.38 RoleCode */
#define EPSOS_SAML_NOK_TELECOM     32   /* NoK: ...:nextofkin:telecom (tel:, mailto:) */

/* Time fields (seconds since 1970-01-01 UTC). */
#define EPSOS_SAML_ISSUE_INSTANT  1
#define EPSOS_SAML_NOT_BEFORE     2
#define EPSOS_SAML_NOT_ON_OR_AFTER 3
#define EPSOS_SAML_AUTHN_INSTANT  4

/* Verdicts (epsos_assertion_verify, epsos_access_decide). */
#define EPSOS_SAML_OK                  0
#define EPSOS_SAML_BAD_SIGNATURE       1   /* signature check failed (message has the dsig reason) */
#define EPSOS_SAML_EXPIRED             2   /* NotOnOrAfter before now - skew */
#define EPSOS_SAML_NOT_YET_VALID       3   /* NotBefore after now + skew */
#define EPSOS_SAML_VALIDITY_TOO_LONG   4   /* window over 4 h (HCP) or 2 h (TRC) */
#define EPSOS_SAML_WRONG_AUDIENCE      5
#define EPSOS_SAML_WRONG_ISSUER        6   /* Issuer @NameQualifier not of the kind */
#define EPSOS_SAML_MISSING_FIELD       7   /* a required element or attribute is absent or empty */
#define EPSOS_SAML_UNKNOWN_ROLE        8   /* role code not in the XSPARole value set */
#define EPSOS_SAML_BAD_VALUE           9   /* purpose, facility type, confirmation method out of their sets */
#define EPSOS_SAML_ONE_FACTOR          10  /* HCP AuthnContextClassRef not a two-factor class */
#define EPSOS_SAML_NOT_VERIFIED        11  /* access asked on an assertion not verified */
#define EPSOS_SAML_MISSING_PERMISSION  12  /* the HCP lacks a permission of the transaction */
#define EPSOS_SAML_TRC_REQUIRED        13  /* transaction needs a TRC assertion */
#define EPSOS_SAML_TRC_NOT_BOUND       14  /* TRC AssertionIDRef is not the HCP assertion @ID */
#define EPSOS_SAML_NOK_NOT_BOUND       15  /* NoK AssertionIDRef is not the HCP assertion @ID */
#define EPSOS_SAML_PATIENT_MISMATCH    16  /* NoK and TRC name different patients */

/* Transactions (epsos_access_decide), spec 5.4. */
#define EPSOS_TX_IDENTIFY_PATIENT  1  /* XCPD: PRD-006 */
#define EPSOS_TX_RETRIEVE_PS       2  /* XCA PS: PRD-003 PRD-005 PRD-010 PRD-016 */
#define EPSOS_TX_RETRIEVE_EP       3  /* XCA eP: PRD-004 PRD-010 */
#define EPSOS_TX_SUBMIT_ED         4  /* XDR eD submit: PPD-046 */
#define EPSOS_TX_DISCARD_ED        5  /* XDR eD discard: PPD-046 */
#define EPSOS_TX_SUBMIT_CONSENT    6  /* consent: PPD-032 */

/* --- builder ------------------------------------------------------------ */

/* A builder of an assertion of kind EPSOS_ASSERTION_*, with the eHDSI
 * defaults: a fresh "_" + UUID ID, audience x-border, NameID format
 * unspecified, validity now .. now + 4 h (HCP) / 2 h (TRC, NoK).  The NoK
 * attributes are those of OpenNCP's NoK issuer (id, first and family name,
 * gender, birth date, street, city, postal code, country); relationship and
 * telecom are libepsos additions, written only when set. */
EPSOS_API int epsos_assertion_builder_new(epsos_assertion_builder **out, epsos_ctx *ctx,
                                          int32_t kind);

/* Set a text field (EPSOS_SAML_*); NULL removes an optional one. */
EPSOS_API int epsos_assertion_builder_set(epsos_assertion_builder *builder, int32_t field,
                                          const char *value);

/* Set a time field (EPSOS_SAML_ISSUE_INSTANT...). */
EPSOS_API int epsos_assertion_builder_set_time(epsos_assertion_builder *builder,
                                               int32_t field, int64_t unix_seconds);

/* Add an HL7 permission by its code ("PRD-006"). */
EPSOS_API int epsos_assertion_builder_add_permission(epsos_assertion_builder *builder,
                                                     const char *code);

/* Build the assertion, sign it and write it to *out (epsos_free). */
EPSOS_API int epsos_assertion_builder_sign(uint8_t **out, size_t *out_len,
                                           epsos_assertion_builder *builder,
                                           epsos_signer *signer);

/* Release a builder.  NULL-safe. */
EPSOS_API void epsos_assertion_builder_free(epsos_assertion_builder *builder);

/* --- reading and verifying ---------------------------------------------- */

/* Parse one assertion (the document element, or the first saml:Assertion
 * of kind in a SOAP header; kind 0: the first assertion).  flags:
 * EPSOS_ASSERTION_LEGACY or 0. */
EPSOS_API int epsos_assertion_parse(epsos_assertion **out, epsos_ctx *ctx,
                                    const uint8_t *xml, size_t len, int32_t kind,
                                    uint32_t flags);

/* Check signature, validity window at unix_seconds (0: now) with a skew
 * of skew_seconds, audience, issuer, required fields and value sets.
 * EPSOS_OK means the check ran: the verdict (EPSOS_SAML_*) is in *verdict. */
EPSOS_API int epsos_assertion_verify(int32_t *verdict, epsos_assertion *assertion,
                                     epsos_verifier *verifier, int64_t unix_seconds,
                                     int32_t skew_seconds);

/* Why the last verify or access decision was not EPSOS_SAML_OK; "" else. */
EPSOS_API const char *epsos_assertion_message(const epsos_assertion *assertion);

EPSOS_API int32_t epsos_assertion_kind(const epsos_assertion *assertion);

/* Borrowed text of a field; EPSOS_ENOTFOUND when absent. */
EPSOS_API int epsos_assertion_get(const epsos_assertion *assertion, int32_t field,
                                  const char **value);

/* A time field; EPSOS_ENOTFOUND when absent. */
EPSOS_API int epsos_assertion_get_time(const epsos_assertion *assertion, int32_t field,
                                       int64_t *unix_seconds);

EPSOS_API size_t epsos_assertion_permission_count(const epsos_assertion *assertion);

/* The code of permission i ("PRD-006"), borrowed; EPSOS_ENOTFOUND past the end. */
EPSOS_API int epsos_assertion_permission(const epsos_assertion *assertion, size_t i,
                                         const char **code);

EPSOS_API void epsos_assertion_free(epsos_assertion *assertion);

/* Access decision for transaction EPSOS_TX_* from a verified HCP assertion
 * and, for XCA and XDR, a verified TRC assertion bound to it (else NULL).
 * *verdict is EPSOS_SAML_OK (allowed) or why denied; the message of hcp
 * names the missing permission or failed rule. */
EPSOS_API int epsos_access_decide(int32_t *verdict, epsos_assertion *hcp,
                                  const epsos_assertion *trc, int32_t transaction);

/* epsos_access_decide with, in addition, a next-of-kin assertion (NULL:
 * none, the same decision as epsos_access_decide).  A NoK assertion given
 * must be verified, bound to the HCP assertion (Advice/AssertionIDRef) and,
 * when it and the TRC both name the patient, name the same patient. */
EPSOS_API int epsos_access_decide_nok(int32_t *verdict, epsos_assertion *hcp,
                                      const epsos_assertion *trc,
                                      const epsos_assertion *nok, int32_t transaction);

/* Static name of a verdict ("expired"), NULL when unknown. */
EPSOS_API const char *epsos_saml_verdict_name(int32_t verdict);

EPSOS_END_DECLS

#endif /* EPSOS_SAML_H */
