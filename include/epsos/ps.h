/*
 * libepsos - Patient Summary: sections, absent/unknown entries, generated
 * narrative, injectable identifier and clock sources.
 * SPDX-License-Identifier: MIT
 *
 * The fields of every PS section and entry kind are set and read with the
 * generic item API of doc.h (EPSOS_KIND_PS_*_SECTION, EPSOS_KIND_ALLERGY, ...).
 */
#ifndef EPSOS_PS_H
#define EPSOS_PS_H

#include "common.h"
#include "doc.h"

EPSOS_BEGIN_DECLS

/* Subordinate dosing of a medication (eH.3.4
 * entryRelationship[@typeCode='COMP']): an item of kind EPSOS_KIND_DOSING
 * per further dose regimen (a split dose, a tapering scheme), in field
 * EPSOS_F_DOSING of a medication.  Its fields: EPSOS_F_SEQUENCE (the
 * sequenceNumber, an INT as text, written as "1" when the item is added),
 * and, of the nested substanceAdministration, EPSOS_F_ID, _CODE, _STATUS,
 * _PERIOD, _START, _END, _EFFECTIVE_TIME (single administration),
 * _FREQUENCY (PIVL_TS), _EVENT (EIVL_TS), _ROUTE, _DOSE, _DOSE_LOW,
 * _DOSE_HIGH and _PRODUCT_CODE (the consumable the CDA schema wants:
 * epsos_doc_complete writes it with nullFlavor NA when missing, the
 * product being the medication's). */
#define EPSOS_KIND_DOSING  60
#define EPSOS_F_DOSING    134  /* subordinate dose regimens of a medication (items) */
#define EPSOS_F_SEQUENCE  135  /* sequenceNumber/@value of a dose regimen (INT, text) */

/* What an absent/unknown entry says (IPS absent and unknown data). */
#define EPSOS_ABSENT_NO_INFO  1   /* no information (no-allergy-info, ...) */
#define EPSOS_ABSENT_NO_KNOWN 2   /* known absent (no-known-allergies, ...) */

/* Sources of generated values.  An identifier source writes a NUL-terminated
 * II root (a UUID or an OID) into buf (len bytes); a clock source writes an
 * HL7 time stamp (YYYYMMDDHHMMSS+ZZZZ).  Both return 0 on success. */
typedef int (*epsos_id_source)(void *user_data, char *buf, size_t len);
typedef int (*epsos_clock_source)(void *user_data, char *buf, size_t len);

/* Append a body section of a section kind (EPSOS_KIND_PS_*_SECTION): its
 * templateIds, code and English title are written.  *out is borrowed. */
EPSOS_API int epsos_doc_add_section(epsos_item **out, epsos_doc *doc, int32_t kind);

/* Add the absent/unknown entry (EPSOS_ABSENT_*) to the section of that kind,
 * adding the section when the document has none.  *out (may be NULL) gets
 * the section. */
EPSOS_API int epsos_ps_set_absent(epsos_item **out, epsos_doc *doc, int32_t section_kind,
                                  int32_t absent);

/* Reader: whether a section (an item of a section kind) says "no
 * information" or "no known ..." through its first entry, with the IPS
 * absent/unknown codes or the legacy epSOS SNOMED CT codes (No known
 * allergies, Drug treatment unknown, ...).  *absent gets EPSOS_ABSENT_* or 0,
 * *code (may be NULL) the code read (borrowed). */
EPSOS_API int epsos_ps_get_absent(const epsos_item *section, int32_t *absent,
                                  const char **code);

/* Replace the identifier and clock sources of a document (NULL: the
 * default: random UUIDs, the system clock). */
EPSOS_API int epsos_doc_set_sources(epsos_doc *doc, epsos_id_source id,
                                    epsos_clock_source clock, void *user_data);

/* Complete a built document: entry identifiers that are required and
 * missing are generated, each section's narrative (<text>) is generated
 * from its entries with an ID per entry and the entries' text/reference
 * pointing at it, a missing document effectiveTime is taken from the clock.
 * A required (R) field left unset is written with the template's
 * nullFlavor (NI; NA for a consumable's product code); a missing mandatory
 * (M) field is an error (EPSOS_EVALUE) naming the item's XPath and the
 * field.  A required PS section that is missing or has no entry is an error
 * (EPSOS_EVALUE) naming it.  In both modes, a text/reference that points at
 * no ID of its section's narrative gets an empty <content ID=".."/> there.
 * flags: 0, or EPSOS_COMPLETE_LINKS. */
EPSOS_API int epsos_doc_complete(epsos_doc *doc, uint32_t flags);

/* Flags of epsos_doc_complete. */
#define EPSOS_COMPLETE_LINKS 1u  /* only link: every statement nested in an
                                  * entry (severity, status, comment, ...) and
                                  * a product code get a text/reference (an
                                  * originalText/reference) to the narrative
                                  * row of the entry above them; no ids, no
                                  * narrative, no checks (a document built
                                  * from read values keeps its narrative) */

EPSOS_END_DECLS

#endif /* EPSOS_PS_H */
