/*
 * libepsos - terminology: MVC catalogues, national -> MVC transcoding and
 * translation of display names into the reader's language.
 * SPDX-License-Identifier: MIT
 *
 * A catalogue (epsos_catalogue) is immutable once made: it is either the
 * compiled .epcat file mapped read-only (epsos_catalogue_open, see
 * epsos-catalogue(5)) or the same image built in memory from XML and TSV
 * sources (epsos_catalogue_builder_*).  Lookups take no ctx and write no
 * state: any number of threads may share one catalogue.  Returned strings
 * are borrowed from the catalogue and stay valid until it is freed.
 */
#ifndef EPSOS_TERM_H
#define EPSOS_TERM_H

#include "common.h"
#include "context.h"
#include "doc.h"

EPSOS_BEGIN_DECLS

typedef struct epsos_catalogue epsos_catalogue;
typedef struct epsos_catalogue_builder epsos_catalogue_builder;
typedef struct epsos_term_report epsos_term_report;

/* Version of the .epcat format written and read by this library. */
#define EPSOS_CATALOGUE_FORMAT 1

/* Counters of a catalogue (epsos_catalogue_count). */
#define EPSOS_CAT_VALUE_SETS   1
#define EPSOS_CAT_MEMBERS      2   /* (value set, system, code) rows */
#define EPSOS_CAT_CONCEPTS     3   /* distinct (system, code) */
#define EPSOS_CAT_MAPPINGS     4   /* national -> MVC */
#define EPSOS_CAT_DESIGNATIONS 5   /* (system, code, language) -> text */
#define EPSOS_CAT_ALIASES      6   /* FHIR URI -> OID */

/* --- building ------------------------------------------------------------ */

/* A builder collects sources; each add detects the kind of source: IHE SVS
 * RetrieveValueSetResponse, ART-DECOR valueSets (voc-*.xml), FHIR R4 XML
 * (ValueSet, CodeSystem, ConceptMap, Bundle of these), a TSV with a
 * header row or a Danish LMS15/LMS22 fixed-width file (epsos-catalogue(5)).
 * A value set defined again by a later source replaces the earlier
 * definition.  name labels error messages. */
EPSOS_API int epsos_catalogue_builder_new(epsos_catalogue_builder **out, epsos_ctx *ctx);
EPSOS_API int epsos_catalogue_builder_add(epsos_catalogue_builder *b, const uint8_t *data,
                                          size_t len, const char *name);
EPSOS_API int epsos_catalogue_builder_add_file(epsos_catalogue_builder *b, const char *path);
/* Character set of the text (non-XML) sources added next: an ICU converter
 * name ("cp850", "ISO-8859-1", "windows-1252", "UTF-8"); NULL or "auto"
 * (the default): UTF-8, except that the Danish LMS fixed-width files
 * (LMS15 units, LMS22 dose forms) are read as cp850 when they are not
 * UTF-8.  XML sources declare their own encoding. */
EPSOS_API int epsos_catalogue_builder_set_encoding(epsos_catalogue_builder *b,
                                                   const char *charset);
/* The compiled image (.epcat bytes), released with epsos_free(). */
EPSOS_API int epsos_catalogue_builder_serialize(uint8_t **out, size_t *out_len,
                                                epsos_catalogue_builder *b);
/* The compiled image as an in-memory catalogue.  The builder stays usable. */
EPSOS_API int epsos_catalogue_builder_finish(epsos_catalogue **out,
                                             epsos_catalogue_builder *b);
EPSOS_API void epsos_catalogue_builder_free(epsos_catalogue_builder *b);

/* --- opening ------------------------------------------------------------- */

/* Map a compiled catalogue read-only; its checksum, version and every
 * offset are verified.  ctx receives the error; it is not kept. */
EPSOS_API int epsos_catalogue_open(epsos_catalogue **out, epsos_ctx *ctx, const char *path);
/* The same over a copy of an image in memory. */
EPSOS_API int epsos_catalogue_open_buffer(epsos_catalogue **out, epsos_ctx *ctx,
                                          const uint8_t *data, size_t len);
EPSOS_API void epsos_catalogue_free(epsos_catalogue *cat);

/* --- lookups (thread-safe, no ctx) --------------------------------------- */

EPSOS_API int epsos_catalogue_count(const epsos_catalogue *cat, int32_t what, size_t *out);

/* Value set by OID: member count, name and version (borrowed; "" if none). */
EPSOS_API int epsos_catalogue_value_set(const epsos_catalogue *cat, const char *vs_oid,
                                        size_t *members, const char **name,
                                        const char **version);

/* 1 if (system, code) is a member of the value set, 0 if not; system is an
 * OID or a FHIR URI, NULL for any system; EPSOS_ENOTFOUND if the catalogue
 * has no such value set, EPSOS_EINVAL for NULL arguments. */
EPSOS_API int epsos_catalogue_contains(const epsos_catalogue *cat, const char *vs_oid,
                                       const char *system, const char *code);

/* English (source) display name of a concept. */
EPSOS_API int epsos_catalogue_concept(const char **display, const epsos_catalogue *cat,
                                      const char *system, const char *code);

/* National (system, code) -> MVC (system, code, display).  vs_oid, when
 * not NULL, selects the mapping into that value set. */
EPSOS_API int epsos_catalogue_transcode(const char **system, const char **code,
                                        const char **display, const epsos_catalogue *cat,
                                        const char *nat_system, const char *nat_code,
                                        const char *vs_oid);

/* Designation of a concept in a language (BCP 47; canonicalized with ICU),
 * falling back de-AT -> de -> en-GB -> en -> the source display.  *lang_found
 * is the language of the text returned ("" for the source display). */
EPSOS_API int epsos_catalogue_designation(const char **display, const char **lang_found,
                                          const epsos_catalogue *cat, const char *system,
                                          const char *code, const char *lang);

/* First member of a value set whose display equals text after NFC, ICU
 * case folding and white-space collapsing. */
EPSOS_API int epsos_catalogue_search(const char **system, const char **code,
                                     const epsos_catalogue *cat, const char *vs_oid,
                                     const char *text);

/* --- whole-document operations ------------------------------------------- */

/* Finding codes (epsos_term_report_finding). */
#define EPSOS_TERM_NO_MAPPING       1  /* national code without an MVC mapping */
#define EPSOS_TERM_NOT_IN_VALUE_SET 2  /* code not a member of the bound value set */
#define EPSOS_TERM_NULL_REQUIRED    3  /* nullFlavor on a required field */
#define EPSOS_TERM_NO_DESIGNATION   4  /* no term in the language (fallback used) */
#define EPSOS_TERM_UNKNOWN_VALUE_SET 5 /* bound value set absent from the catalogue */
#define EPSOS_TERM_BAD_UNIT         6  /* @unit not in the bound unit value set */
#define EPSOS_TERM_NO_CONCEPT       7  /* code unknown to the catalogue */

/* Statistics (epsos_term_report_stat). */
#define EPSOS_TERM_STAT_VISITED     1
#define EPSOS_TERM_STAT_TRANSCODED  2
#define EPSOS_TERM_STAT_TRANSLATED  3
#define EPSOS_TERM_STAT_MISSING     4  /* findings */

/* Flags of epsos_transcode / epsos_translate. */
#define EPSOS_TERM_STRICT 1u  /* EPSOS_EVALUE when a required field has a finding */

EPSOS_API int epsos_term_report_new(epsos_term_report **out, epsos_ctx *ctx);
EPSOS_API void epsos_term_report_free(epsos_term_report *report);
EPSOS_API size_t epsos_term_report_count(const epsos_term_report *report);
EPSOS_API int epsos_term_report_finding(const epsos_term_report *report, size_t index,
                                        int32_t *code, const char **xpath,
                                        const char **value_set, const char **message);
EPSOS_API int epsos_term_report_stat(const epsos_term_report *report, int32_t what,
                                     size_t *out);

/* Sending side: national codes of bound coded fields become MVC codes with
 * the English display, the national code kept as a <translation>. */
EPSOS_API int epsos_transcode(epsos_doc *doc, const epsos_catalogue *cat, uint32_t flags,
                              epsos_term_report *report);
/* Receiving side: @displayName in the reader's language, the previous
 * display kept as a <translation> with the same code. */
EPSOS_API int epsos_translate(epsos_doc *doc, const epsos_catalogue *cat, const char *lang,
                              uint32_t flags, epsos_term_report *report);

EPSOS_END_DECLS

#endif /* EPSOS_TERM_H */
