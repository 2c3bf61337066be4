/*
 * libepsos - documents and their items: parse, build, read, write, serialize.
 * SPDX-License-Identifier: MIT
 *
 * A document (epsos_doc) is a CDA ClinicalDocument held as an XML tree.  Its
 * parts are items (epsos_item): the header, the patient, each author, ...
 * Every item has a kind (EPSOS_KIND_*) and fields (EPSOS_F_*).  A field has a
 * datatype (EPSOS_T_*) and may repeat: occurrences are numbered from 0.  One
 * template table inside the library maps (kind, field) to the XML it reads
 * and writes, so the same generic accessors serve every kind of item.
 */
#ifndef EPSOS_DOC_H
#define EPSOS_DOC_H

#include "common.h"
#include "context.h"

EPSOS_BEGIN_DECLS

typedef struct epsos_doc epsos_doc;
typedef struct epsos_item epsos_item;

/* Document kinds (epsos_doc_kind). */
#define EPSOS_DOC_UNKNOWN 0
#define EPSOS_DOC_PS      1   /* Patient Summary, level 3 (60591-5) */
#define EPSOS_DOC_EP      2   /* ePrescription, level 3 (57833-6) */
#define EPSOS_DOC_ED      3   /* eDispensation (60593-1) */
#define EPSOS_DOC_PS_L1   4   /* Patient Summary, level 1 (embedded PDF) */
#define EPSOS_DOC_EP_L1   5   /* ePrescription, level 1 (embedded PDF) */

/* Template generations (epsos_doc_generation). */
#define EPSOS_GEN_UNKNOWN 0
#define EPSOS_GEN_EPSOS   1   /* epSOS 2013 .. eHDSI 2020: urn:epsos-org:ep:medication */
#define EPSOS_GEN_EHDSI   2   /* eHDSI 2022-09 and later: urn:hl7-org:pharm */

/* Item kinds. */
#define EPSOS_KIND_HEADER        1   /* ClinicalDocument */
#define EPSOS_KIND_PATIENT       2   /* recordTarget/patientRole */
#define EPSOS_KIND_AUTHOR        3   /* author */
#define EPSOS_KIND_ORGANIZATION  4   /* an organization (custodian, author's, ...) */
#define EPSOS_KIND_LEGAL_AUTHENTICATOR 5
#define EPSOS_KIND_CONTACT       6   /* participant: patient contact, preferred HP */
#define EPSOS_KIND_GUARDIAN      7   /* patient/guardian */
#define EPSOS_KIND_NAME          8   /* a person name (PN) */
#define EPSOS_KIND_ADDRESS       9   /* an address (AD) */
#define EPSOS_KIND_SECTION      10   /* a body section */
/* Patient Summary sections: a section whose code or templateId identifies
 * it is read as its specific kind (every field of EPSOS_KIND_SECTION too). */
#define EPSOS_KIND_PS_MEDICATION_SECTION   11  /* 10160-0 medication summary */
#define EPSOS_KIND_PS_ALLERGIES_SECTION    12  /* 48765-2 allergies, adverse reactions */
#define EPSOS_KIND_PS_PROBLEMS_SECTION     13  /* 11450-4 active problems */
#define EPSOS_KIND_PS_SURGERIES_SECTION    14  /* 47519-4 list of surgeries */
#define EPSOS_KIND_PS_DEVICES_SECTION      15  /* 46264-8 medical devices */
#define EPSOS_KIND_PS_CARE_PLAN_SECTION    16  /* 18776-5 care plan (narrative) */
#define EPSOS_KIND_PS_ADVANCE_DIRECTIVES_SECTION 17 /* 42348-3 (narrative) */
/* Patient Summary entries. */
#define EPSOS_KIND_MEDICATION      18  /* substanceAdministration (medication item) */
#define EPSOS_KIND_ALLERGY_CONCERN 19  /* act: allergy concern */
#define EPSOS_KIND_ALLERGY         20  /* observation: allergy or intolerance */
#define EPSOS_KIND_REACTION        21  /* observation: reaction manifestation */
#define EPSOS_KIND_PROBLEM_CONCERN 22  /* act: problem concern */
#define EPSOS_KIND_PROBLEM         23  /* observation: problem */
#define EPSOS_KIND_PROCEDURE       24  /* procedure (surgery) */
#define EPSOS_KIND_DEVICE          25  /* supply: medical device */
#define EPSOS_KIND_INGREDIENT      26  /* active ingredient of a medicinal product */
#define EPSOS_KIND_PS_IMMUNIZATIONS_SECTION   27  /* 11369-6 */
#define EPSOS_KIND_PS_PAST_ILLNESS_SECTION    28  /* 11348-0 history of past illness */
#define EPSOS_KIND_PS_FUNCTIONAL_STATUS_SECTION 29 /* 47420-5 */
#define EPSOS_KIND_PS_SOCIAL_HISTORY_SECTION  30  /* 29762-2 */
#define EPSOS_KIND_PS_PREGNANCY_SECTION       31  /* 10162-6 pregnancy history */
#define EPSOS_KIND_PS_VITAL_SIGNS_SECTION     32  /* 8716-3 */
#define EPSOS_KIND_PS_RESULTS_SECTION         33  /* 30954-2 relevant diagnostic tests */
#define EPSOS_KIND_IMMUNIZATION       34  /* substanceAdministration: vaccination */
#define EPSOS_KIND_FUNCTIONAL_STATUS  35  /* organizer: functional assessment ("functional_assessment") */
#define EPSOS_KIND_FUNCTIONAL_OBSERVATION 36
#define EPSOS_KIND_SOCIAL_HISTORY     37  /* observation: social history ("social_history_observation") */
#define EPSOS_KIND_PREGNANCY          38  /* observation: current pregnancy status */
#define EPSOS_KIND_EXPECTED_DELIVERY  39  /* observation: expected delivery date */
#define EPSOS_KIND_PREGNANCY_OUTCOME  40  /* observation: outcome of previous pregnancies */
#define EPSOS_KIND_PREGNANCY_COUNT    41  /* observation: number of previous pregnancies */
#define EPSOS_KIND_VITAL_SIGNS        42  /* organizer: vital signs, e.g. blood pressure ("vital_signs_organizer") */
#define EPSOS_KIND_VITAL_SIGN         43  /* observation: one vital sign */
#define EPSOS_KIND_RESULT_ORGANIZER   44  /* organizer: results */
#define EPSOS_KIND_RESULT             45  /* observation: one result */
#define EPSOS_KIND_BLOOD_GROUP        46  /* observation: blood group */
#define EPSOS_KIND_MEDICATION_REASON  47  /* observation: reason of a medication */
#define EPSOS_KIND_EP_SECTION         48  /* 57828-6 prescription section (eH.2.1) */
#define EPSOS_KIND_ED_SECTION         49  /* 60590-7 dispensation section (eH.2.2) */
#define EPSOS_KIND_PRESCRIPTION       50  /* substanceAdministration: prescription item (eH.3.2) */
#define EPSOS_KIND_DISPENSE           51  /* supply: dispensation item (eH.3.3) */
#define EPSOS_KIND_PRODUCT            52  /* manufacturedProduct: medicinal product (eH.3.29/3.30) */
#define EPSOS_KIND_DISPENSER          53  /* performer of a dispensation (pharmacist) */
#define EPSOS_KIND_PACKAGE            54  /* pharm:asContent: an outer package (levels 2, 3) */
#define EPSOS_KIND_PART               55  /* pharm:part: one component of a multi-part kit */
#define EPSOS_KIND_TIMING             56  /* comp of an SXPR_TS frequency (PIVL_TS or EIVL_TS) */
#define EPSOS_KIND_MANUFACTURER       57  /* manufacturerOrganization of a medicinal product */
#define EPSOS_KIND_INTERNAL_REFERENCE 58  /* act eH.3.14: id and code of an entry elsewhere */
#define EPSOS_KIND_TREATMENT_PERIOD  59  /* effectiveTime IVL_TS: a further treatment period */
#define EPSOS_KIND_DISPENSE_PARTICIPANT 61  /* participant (contextControlCode OP) of a
                                             dispensation: a licensed role (participantRole
                                             LIC) and its scoping organization (eH.3.3) */

/* Field datatypes (epsos_field_type). */
#define EPSOS_T_TEXT   1   /* character data or an attribute value */
#define EPSOS_T_CS     2   /* a coded simple value: @code */
#define EPSOS_T_CD     3   /* a concept: @code @codeSystem @displayName + translations */
#define EPSOS_T_II     4   /* an instance identifier: @root @extension */
#define EPSOS_T_TS     5   /* a point in time: @value (HL7 TS) */
#define EPSOS_T_PQ     6   /* a physical quantity: @value @unit */
#define EPSOS_T_TEL    7   /* a telecom address: @value @use */
#define EPSOS_T_ITEM   8   /* a nested item (epsos_item_child) */

/* Fields. */
#define EPSOS_F_ID                  1
#define EPSOS_F_CODE                2
#define EPSOS_F_TITLE               3
#define EPSOS_F_EFFECTIVE_TIME      4
#define EPSOS_F_CONFIDENTIALITY     5
#define EPSOS_F_LANGUAGE            6
#define EPSOS_F_SET_ID              7
#define EPSOS_F_VERSION_NUMBER      8
#define EPSOS_F_TEMPLATE_ID         9
#define EPSOS_F_REALM              10
#define EPSOS_F_PATIENT            11
#define EPSOS_F_AUTHOR             12
#define EPSOS_F_CUSTODIAN          13
#define EPSOS_F_LEGAL_AUTHENTICATOR 14
#define EPSOS_F_CONTACT            15
#define EPSOS_F_SERVICE_START      16
#define EPSOS_F_SERVICE_END        17
#define EPSOS_F_PARENT_DOCUMENT_ID 18
#define EPSOS_F_ORDER_ID           19
#define EPSOS_F_NAME               20
#define EPSOS_F_ADDRESS            21
#define EPSOS_F_TELECOM            22
#define EPSOS_F_GENDER             23
#define EPSOS_F_BIRTH_TIME         24
#define EPSOS_F_GUARDIAN           25
#define EPSOS_F_COMM_LANGUAGE      26
#define EPSOS_F_FUNCTION_CODE      27
#define EPSOS_F_TIME               28
#define EPSOS_F_ORGANIZATION       29
#define EPSOS_F_DEVICE_MODEL       30
#define EPSOS_F_DEVICE_SOFTWARE    31
#define EPSOS_F_DEVICE_CODE        32
#define EPSOS_F_SIGNATURE_CODE     33
#define EPSOS_F_CLASS_CODE         34
#define EPSOS_F_FAMILY             35
#define EPSOS_F_GIVEN              36
#define EPSOS_F_PREFIX             37
#define EPSOS_F_SUFFIX             38
#define EPSOS_F_USE                39
#define EPSOS_F_STREET             40
#define EPSOS_F_HOUSE_NUMBER       41
#define EPSOS_F_STREET_NAME        42
#define EPSOS_F_CITY               43
#define EPSOS_F_POSTAL_CODE        44
#define EPSOS_F_STATE              45
#define EPSOS_F_COUNTRY            46
#define EPSOS_F_ORGANIZATION_NAME  47
#define EPSOS_F_SECTION            48
#define EPSOS_F_TEXT_REFERENCE     49  /* text/reference/@value ("#id" in the narrative) */
#define EPSOS_F_STATUS             50  /* statusCode */
#define EPSOS_F_START              51  /* effectiveTime/low (onset, start) */
#define EPSOS_F_END                52  /* effectiveTime/high (resolution, end) */
#define EPSOS_F_VALUE              53  /* observation value (CD) */
#define EPSOS_F_NARRATIVE          54  /* section text (narrative block) */
#define EPSOS_F_MEDICATION         55
#define EPSOS_F_ALLERGY            56
#define EPSOS_F_PROBLEM            57
#define EPSOS_F_PROCEDURE          58
#define EPSOS_F_DEVICE             59
#define EPSOS_F_OBSERVATION        60  /* the observation of a concern */
#define EPSOS_F_AGENT              61  /* allergy agent (substance) */
#define EPSOS_F_REACTION           62
#define EPSOS_F_SEVERITY           63
#define EPSOS_F_CRITICALITY        64
#define EPSOS_F_CERTAINTY          65
#define EPSOS_F_CLINICAL_STATUS    66
#define EPSOS_F_HEALTH_STATUS      67
#define EPSOS_F_COMMENT            68  /* a comment (text) */
#define EPSOS_F_PRODUCT_CODE       69
#define EPSOS_F_PRODUCT_NAME       70
#define EPSOS_F_DOSE_FORM          71
#define EPSOS_F_ATC                72
#define EPSOS_F_INGREDIENT         73
#define EPSOS_F_STRENGTH_NUMERATOR 74
#define EPSOS_F_STRENGTH_DENOMINATOR 75
#define EPSOS_F_SUBSTANCE          76
#define EPSOS_F_ROUTE              77
#define EPSOS_F_DOSE               78  /* doseQuantity */
#define EPSOS_F_FREQUENCY          79  /* PIVL_TS period */
#define EPSOS_F_TARGET_SITE        80
#define EPSOS_F_REASON             81  /* reason of a medication (item) */
#define EPSOS_F_PACKAGE_QUANTITY   82
#define EPSOS_F_PACKAGE_FORM       83
#define EPSOS_F_DEVICE_ID          84  /* the device's own identifier (UDI) */
#define EPSOS_F_PERIOD             85  /* the IVL_TS effectiveTime itself (@value, nullFlavor) */
#define EPSOS_F_IMMUNIZATION       86
#define EPSOS_F_VACCINE            87
#define EPSOS_F_LOT_NUMBER         88
#define EPSOS_F_DOSE_NUMBER        89
#define EPSOS_F_TARGET_DISEASE     90
#define EPSOS_F_FUNCTIONAL_STATUS  91
#define EPSOS_F_SOCIAL_HISTORY     92
#define EPSOS_F_PREGNANCY          93
#define EPSOS_F_EXPECTED_DELIVERY  94
#define EPSOS_F_PREGNANCY_OUTCOME  95
#define EPSOS_F_PREGNANCY_COUNT    96
#define EPSOS_F_QUANTITY           97  /* a quantity value (PQ) */
#define EPSOS_F_VITAL_SIGNS        98
#define EPSOS_F_RESULT             99
#define EPSOS_F_BLOOD_GROUP       100
#define EPSOS_F_INTERPRETATION    101
#define EPSOS_F_COUNT             102  /* an integer value (INT) */
#define EPSOS_F_EVENT             103  /* EIVL_TS event (meal, waking, ...) */
#define EPSOS_F_INSTRUCTIONS      104  /* patient instructions (text) */
#define EPSOS_F_PRESCRIPTION      105
#define EPSOS_F_DISPENSE          106
#define EPSOS_F_PRODUCT           107  /* the medicinal product (item) */
#define EPSOS_F_PACKAGES          108  /* number of packages to dispense (PQ, unit 1) */
#define EPSOS_F_SUBSTITUTION      109  /* substitution permitted (eP) / performed (eD) */
#define EPSOS_F_DOSE_LOW          110  /* doseQuantity/low */
#define EPSOS_F_DOSE_HIGH         111  /* doseQuantity/high */
#define EPSOS_F_FULFILMENT_INSTRUCTIONS 112 /* instructions to the dispenser (text) */
#define EPSOS_F_DESCRIPTION       113  /* free-text product description (desc) */
#define EPSOS_F_PACKAGE_CODE      114  /* package code (PCID, national number) */
#define EPSOS_F_PRESCRIPTION_ID   115  /* id of the prescription item dispensed against */
#define EPSOS_F_PRESCRIBED_PRODUCT 116 /* the prescribed product of a dispensation (item) */
#define EPSOS_F_DISPENSER         117  /* the dispenser (item) */
#define EPSOS_F_FREQUENCY_TIME    118  /* a single administration time (TS frequency) */
#define EPSOS_F_PACKAGE_NAME      119  /* package description (pharm:name) */
#define EPSOS_F_OUTER_PACKAGE     120  /* the package containing this one (item) */
#define EPSOS_F_PART              121  /* a component of a kit (item) */
#define EPSOS_F_CLASSIFICATION    122  /* other classification (asSpecializedKind GEN) */
#define EPSOS_F_MANUFACTURER      123  /* manufacturer / MAH organization (item) */
#define EPSOS_F_PHASE             124  /* PIVL_TS phase/low (first administration) */
#define EPSOS_F_INSTITUTION_SPECIFIED 125 /* PIVL_TS @institutionSpecified (true/false) */
#define EPSOS_F_SCHEDULE          126  /* SXPR_TS component, periodic (item, PIVL_TS) */
#define EPSOS_F_SCHEDULE_EVENT    127  /* SXPR_TS component, event related (item, EIVL_TS) */
#define EPSOS_F_OPERATOR          128  /* set operator of an SXPR_TS component (I, A, E, ...) */
#define EPSOS_F_OFFSET            129  /* EIVL_TS offset (PQ) */
#define EPSOS_F_RANGE_LOW         130  /* reference range, low bound (PQ) */
#define EPSOS_F_RANGE_HIGH        131  /* reference range, high bound (PQ) */
#define EPSOS_F_REASON_REFERENCE  132  /* reason: a problem elsewhere in the document (item) */
#define EPSOS_F_FURTHER_PERIOD    133  /* a 2nd, 3rd.. IVL_TS treatment period of a prescription
                                          (item; the 1st is EPSOS_F_PERIOD, _START, _END) */
#define EPSOS_F_PARTICIPANT       136  /* participants of a dispensation (items) */
#define EPSOS_F_TYPE_CODE         137  /* @typeCode of a participation (text) */
#define EPSOS_F_SCOPING_ID        138  /* id of a role's scoping entity */
#define EPSOS_F_SCOPING_CODE      139  /* code of a role's scoping entity */
#define EPSOS_F_SCOPING_DESC      140  /* desc of a role's scoping entity (text) */

/* Serialization flags. */
#define EPSOS_SERIALIZE_FORMAT 1u  /* indent the output */

/* --- documents ---------------------------------------------------------- */

/* Parse a CDA document from memory.  flags: 0.  The buffer is not modified
 * and may be freed after the call.  *out is NULL on failure. */
EPSOS_API int epsos_doc_parse(epsos_doc **out, epsos_ctx *ctx,
                              const uint8_t *data, size_t len, uint32_t flags);

/* Parse a CDA document from a file ("-" is not special). */
EPSOS_API int epsos_doc_parse_file(epsos_doc **out, epsos_ctx *ctx,
                                   const char *path, uint32_t flags);

/* Start a new document of a kind (EPSOS_DOC_*), current eHDSI generation:
 * the root, typeId, templateId and code are written. */
EPSOS_API int epsos_doc_new(epsos_doc **out, epsos_ctx *ctx, int32_t kind);

/* Serialize to UTF-8 XML.  *out is released with epsos_free(). */
EPSOS_API int epsos_doc_serialize(uint8_t **out, size_t *out_len,
                                  const epsos_doc *doc, uint32_t flags);

/* Serialize to a file, atomically: the file is replaced only on success. */
EPSOS_API int epsos_doc_save(const epsos_doc *doc, const char *path, uint32_t flags);

/* Release a document and every item of it.  NULL-safe. */
EPSOS_API void epsos_doc_free(epsos_doc *doc);

/* Kind (EPSOS_DOC_*) and generation (EPSOS_GEN_*) of a document. */
EPSOS_API int32_t epsos_doc_kind(const epsos_doc *doc);
EPSOS_API int32_t epsos_doc_generation(const epsos_doc *doc);

/* The header item (kind EPSOS_KIND_HEADER); borrowed from doc. */
EPSOS_API int epsos_doc_header(epsos_item **out, epsos_doc *doc);

/* Level 1: make the document's body the PDF (component/nonXMLBody/text,
 * base64, mediaType application/pdf), replacing any body; a PS or eP
 * document becomes PS-L1 / eP-L1 (set the templateId with the item API). */
EPSOS_API int epsos_doc_set_pdf(epsos_doc *doc, const uint8_t *pdf, size_t len);

/* Level 1: decode the embedded PDF of any L1 document (either generation,
 * line-wrapped base64).  *out is released with epsos_free(). */
EPSOS_API int epsos_doc_get_pdf(uint8_t **out, size_t *out_len, const epsos_doc *doc);

/* --- names of constants (for bindings, tools and JSON keys) -------------- */

/* Static strings; NULL for an unknown value. */
EPSOS_API const char *epsos_doc_kind_name(int32_t kind);
EPSOS_API const char *epsos_generation_name(int32_t generation);
EPSOS_API const char *epsos_kind_name(int32_t kind);
EPSOS_API const char *epsos_field_name(int32_t field);

/* The template table, read only: the fields of an item kind, in document
 * order; the datatype of a field of a kind (EPSOS_T_*, or 0 if the kind has
 * no such field); its cardinality (max UINT32_MAX for "*"); and for
 * EPSOS_T_ITEM fields the kind of the nested item. */
EPSOS_API size_t  epsos_kind_field_count(int32_t kind);
EPSOS_API int32_t epsos_kind_field_at(int32_t kind, size_t index);
EPSOS_API int32_t epsos_field_type(int32_t kind, int32_t field);
EPSOS_API int     epsos_field_cardinality(int32_t kind, int32_t field,
                                          uint32_t *min, uint32_t *max);
EPSOS_API int32_t epsos_field_item_kind(int32_t kind, int32_t field);

/* --- items ---------------------------------------------------------------- */

/* Kind of an item (EPSOS_KIND_*). */
EPSOS_API int32_t epsos_item_kind(const epsos_item *item);

/* XPath of the item's element, e.g. "/hl7:ClinicalDocument/hl7:author[2]";
 * and its input line (0 if built).  Borrowed. */
EPSOS_API const char *epsos_item_path(const epsos_item *item);
EPSOS_API int32_t epsos_item_line(const epsos_item *item);

/* Number of occurrences of a field (0 when absent). */
EPSOS_API int epsos_item_count(const epsos_item *item, int32_t field, size_t *out);

/* A nested item (EPSOS_T_ITEM field), borrowed from the document. */
EPSOS_API int epsos_item_child(epsos_item **out, epsos_item *item,
                               int32_t field, size_t index);

/* Append a new nested item and return it. */
EPSOS_API int epsos_item_add_child(epsos_item **out, epsos_item *item, int32_t field);

/* Remove an occurrence of a field (and everything below it). */
EPSOS_API int epsos_item_remove(epsos_item *item, int32_t field, size_t index);

/*
 * Readers.  Returned strings are borrowed UTF-8, valid until the document is
 * freed or modified; an absent attribute gives NULL, an empty one "".
 * Every out-pointer may be NULL when the caller does not want that part.
 * Which reader serves which datatype: EPSOS_T_TEXT and EPSOS_T_CS (its
 * @code) epsos_item_get_text; EPSOS_T_CD get_code; EPSOS_T_II get_id;
 * EPSOS_T_TS get_time; EPSOS_T_PQ get_quantity; EPSOS_T_TEL get_telecom;
 * EPSOS_T_ITEM epsos_item_child.  Another reader gives EPSOS_ETYPE.
 * A field that is an attribute (e.g. EPSOS_F_USE, EPSOS_F_CLASS_CODE) has
 * one occurrence per element that carries the attribute.
 */
EPSOS_API int epsos_item_get_text(const epsos_item *item, int32_t field, size_t index,
                                  const char **text);
EPSOS_API int epsos_item_get_code(const epsos_item *item, int32_t field, size_t index,
                                  const char **code, const char **code_system,
                                  const char **display_name);
EPSOS_API int epsos_item_get_id(const epsos_item *item, int32_t field, size_t index,
                                const char **root, const char **extension);
EPSOS_API int epsos_item_get_time(const epsos_item *item, int32_t field, size_t index,
                                  const char **value);
EPSOS_API int epsos_item_get_quantity(const epsos_item *item, int32_t field, size_t index,
                                      const char **value, const char **unit);
EPSOS_API int epsos_item_get_telecom(const epsos_item *item, int32_t field, size_t index,
                                     const char **value, const char **use);
/* @nullFlavor of the occurrence's element (NULL when it has none). */
EPSOS_API int epsos_item_get_null_flavor(const epsos_item *item, int32_t field,
                                         size_t index, const char **null_flavor);
/* Any other attribute of the occurrence's element (e.g. "codeSystemName"). */
EPSOS_API int epsos_item_get_attr(const epsos_item *item, int32_t field, size_t index,
                                  const char *name, const char **value);
/* Translations of a coded (EPSOS_T_CD) occurrence. */
EPSOS_API int epsos_item_translation_count(const epsos_item *item, int32_t field,
                                           size_t index, size_t *out);
EPSOS_API int epsos_item_get_translation(const epsos_item *item, int32_t field,
                                         size_t index, size_t tindex,
                                         const char **code, const char **code_system,
                                         const char **display_name);

/*
 * Writers.  index < count replaces that occurrence, index == count appends
 * one; anything else is EPSOS_ENOTFOUND.  Values are checked strictly
 * (TS syntax, OID/UUID roots, ...): EPSOS_EVALUE names what was expected.
 * Elements are created where the CDA schema wants them.
 */
EPSOS_API int epsos_item_set_text(epsos_item *item, int32_t field, size_t index,
                                  const char *text);
EPSOS_API int epsos_item_set_code(epsos_item *item, int32_t field, size_t index,
                                  const char *code, const char *code_system,
                                  const char *display_name);
EPSOS_API int epsos_item_set_id(epsos_item *item, int32_t field, size_t index,
                                const char *root, const char *extension);
EPSOS_API int epsos_item_set_time(epsos_item *item, int32_t field, size_t index,
                                  const char *value);
EPSOS_API int epsos_item_set_quantity(epsos_item *item, int32_t field, size_t index,
                                      const char *value, const char *unit);
EPSOS_API int epsos_item_set_telecom(epsos_item *item, int32_t field, size_t index,
                                     const char *value, const char *use);
/* Replace the occurrence by <x nullFlavor="..."/> (NI, UNK, NA, ...). */
EPSOS_API int epsos_item_set_null_flavor(epsos_item *item, int32_t field, size_t index,
                                         const char *null_flavor);
/* Set (value non-NULL) or remove (value NULL) an attribute of an occurrence. */
EPSOS_API int epsos_item_set_attr(epsos_item *item, int32_t field, size_t index,
                                  const char *name, const char *value);
EPSOS_API int epsos_item_add_translation(epsos_item *item, int32_t field, size_t index,
                                         const char *code, const char *code_system,
                                         const char *display_name);

/* The lenient path of a builder that copies values as read: set (value
 * non-NULL) or remove (value NULL) an attribute of translation `tindex` of a
 * coded (EPSOS_T_CD) occurrence, unchecked, like epsos_item_set_attr; tindex
 * equal to the number of translations appends an empty <translation/> first
 * (name NULL: only append).  epsos_item_add_translation is the checked way. */
EPSOS_API int epsos_item_set_translation_attr(epsos_item *item, int32_t field, size_t index,
                                              size_t tindex, const char *name,
                                              const char *value);

/* Deep copy: append every occurrence of field of src (field 0: of every
 * field of its kind but text_reference and narrative, which point into
 * src's narrative) after those of dst, an item of the same kind, in this
 * or another document; nested items are copied with all their fields.
 * Values go through the writers above: an item read from a legacy epSOS
 * document is written in dst's generation.  Copied: values, nullFlavors,
 * codeSystemName and translations of coded values.  Errors (on dst's
 * ctx) name the field and occurrence; dst may then hold part of the copy. */
EPSOS_API int epsos_item_copy(epsos_item *dst, const epsos_item *src, int32_t field);

EPSOS_END_DECLS

#endif /* EPSOS_DOC_H */
