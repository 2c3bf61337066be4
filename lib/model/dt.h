/*
 * libepsos: HL7 v3 datatype helpers (TS, II, PQ, CS, TEL, text).
 * SPDX-License-Identifier: MIT
 */
#ifndef EPSOS_DT_H
#define EPSOS_DT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A parsed HL7 TS: YYYY[MM[DD[HH[MM[SS[.F{1,4}]]]]]][(+|-)HHMM] */
typedef struct {
    int      year, month, day, hour, minute, second;
    uint32_t frac;        /* fraction digits as an integer (e.g. .25 -> 25) */
    int      frac_digits; /* 0..4 */
    int      precision;   /* digits before the fraction: 4,6,8,10,12,14 */
    bool     has_tz;
    int      tz_minutes;  /* offset east of UTC */
} epsos__ts;

/* Parse; on failure returns -1 and points *why at a static reason. */
int epsos__ts_parse(const char *s, epsos__ts *out, const char **why);
/* Canonical text of the same precision. Returns bytes written or -1. */
int epsos__ts_format(const epsos__ts *ts, char *buf, size_t len);
/* UTC instant of the start of the TS, in milliseconds since 1970 (no tz = UTC). */
int64_t epsos__ts_start_ms(const epsos__ts *ts);
/* Length in ms of the period the precision denotes (a month or year: exact). */
int64_t epsos__ts_end_ms(const epsos__ts *ts);
/* Compare as periods: -1 a before b, 1 a after b, 0 same period,
 * 2 the periods overlap without being equal (indeterminate). */
int epsos__ts_compare(const epsos__ts *a, const epsos__ts *b);

bool epsos__oid_valid(const char *s);
bool epsos__uuid_valid(const char *s);
/* II root: an OID or a UUID, at most 64 characters (II.EPSOS). */
bool epsos__ii_root_valid(const char *s, const char **why);
/* PQ/REAL value: decimal with '.', optional exponent. */
bool epsos__decimal_valid(const char *s);
/* A code: non-empty, no white space. */
bool epsos__code_valid(const char *s);
/* nullFlavor from the HL7 NullFlavor code system. */
bool epsos__null_flavor_valid(const char *s);
/* UTF-8 and only characters XML 1.0 allows. */
bool epsos__xml_text_valid(const char *s);
/* TEL value: scheme ":" rest; tel:/fax: numbers as TEL.EPSOS wants. */
bool epsos__tel_valid(const char *s, const char **why);

#endif
