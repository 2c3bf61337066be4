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

EPSOS_END_DECLS

#endif /* EPSOS_DOC_H */
