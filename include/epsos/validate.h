/*
 * libepsos - eHDSI / epSOS cross-border health documents in C.
 * SPDX-License-Identifier: MIT
 *
 * validate.h: in-process conformance validation driven by the template
 * table (cardinalities, datatype rules of the eHDSI flavours).  Findings
 * carry a severity, a stable rule id, a message, the XPath of the element
 * (the form the official SVRL uses: one [n] per step) and its line.
 */
#ifndef EPSOS_VALIDATE_H
#define EPSOS_VALIDATE_H

#include "common.h"
#include "context.h"
#include "doc.h"
#include "term.h"

EPSOS_BEGIN_DECLS

/* Severities of findings. */
#define EPSOS_SEV_ERROR   1
#define EPSOS_SEV_WARNING 2
#define EPSOS_SEV_INFO    3

typedef struct epsos_report epsos_report;

/* Options of epsos_validate / epsos_validate_with. */
#define EPSOS_VALIDATE_LEGACY 1u  /* the legacy epSOS rules (old documents: the
                                   * urn:epsos-org:ep:medication extension,
                                   * IHE/CCD templateIds, SNOMED CT "no known"
                                   * codes); see epsos_validate(3) */

/* Validate doc; options 0 or EPSOS_VALIDATE_LEGACY.  *out gets a report (release with
 * epsos_report_free) even when it holds errors: the status says whether the
 * validation could run, the report what it found. */
EPSOS_API int epsos_validate(epsos_report **out, epsos_ctx *ctx, epsos_doc *doc,
                             uint32_t options);
/* The same, and value-set membership of every bound coded field against
 * cat (may be NULL: then as epsos_validate); options as epsos_validate.  See
 * epsos_validate_with(3) for the rule ids. */
EPSOS_API int epsos_validate_with(epsos_report **out, epsos_ctx *ctx, epsos_doc *doc,
                                  const epsos_catalogue *cat, uint32_t options);
EPSOS_API void epsos_report_free(epsos_report *report);

/* Number of findings (of severity sev; 0: all). */
EPSOS_API size_t epsos_report_count(const epsos_report *report, int32_t sev);

/* Finding index (0 .. epsos_report_count(report, 0) - 1); 0 / NULL when out of range. */
EPSOS_API int32_t epsos_report_severity(const epsos_report *report, size_t index);
EPSOS_API const char *epsos_report_rule(const epsos_report *report, size_t index);
EPSOS_API const char *epsos_report_message(const epsos_report *report, size_t index);
EPSOS_API const char *epsos_report_xpath(const epsos_report *report, size_t index);
EPSOS_API int32_t epsos_report_line(const epsos_report *report, size_t index);

/* Serialization formats of epsos_report_serialize. */
#define EPSOS_REPORT_SVRL  1   /* ISO Schematron SVRL XML, one failed-assert a finding */
#define EPSOS_REPORT_JSONL 2   /* one JSON object a line, a line a finding */

/* Serializes every finding of report (UTF-8, release *out with epsos_free);
 * document (may be NULL) names the validated document in the output. */
EPSOS_API int epsos_report_serialize(uint8_t **out, size_t *out_len, epsos_ctx *ctx,
                                     const epsos_report *report, int32_t format,
                                     const char *document);

EPSOS_END_DECLS

#endif /* EPSOS_VALIDATE_H */
