/*
 * libepsos - patient identification traits per country: a country's
 * identification profile (which identifiers, by assigning authority OID,
 * and which demographics it requires to identify a patient in an XCPD
 * query), loaded from a small text file (epsos-idprofile(5)), and the check
 * of a query against it.
 * SPDX-License-Identifier: MIT
 */
#ifndef EPSOS_IDPROFILE_H
#define EPSOS_IDPROFILE_H

#include "common.h"
#include "context.h"

EPSOS_BEGIN_DECLS

typedef struct epsos_idprofile epsos_idprofile;  /* immutable once parsed */
typedef struct epsos_idquery epsos_idquery;
typedef struct epsos_idcheck epsos_idcheck;

/* Traits of a patient identification query. */
#define EPSOS_TRAIT_IDENTIFIER    1   /* a patient identifier (assigning authority OID + value) */
#define EPSOS_TRAIT_GIVEN_NAME    2
#define EPSOS_TRAIT_FAMILY_NAME   3
#define EPSOS_TRAIT_BIRTH_DATE    4   /* HL7 TS: YYYY, YYYYMM or YYYYMMDD */
#define EPSOS_TRAIT_GENDER        5   /* M, F or UN */
#define EPSOS_TRAIT_STREET        6
#define EPSOS_TRAIT_CITY          7
#define EPSOS_TRAIT_POSTAL_CODE   8
#define EPSOS_TRAIT_COUNTRY       9   /* ISO 3166-1 alpha-2 */
#define EPSOS_TRAIT_BIRTH_PLACE  10
#define EPSOS_TRAIT_MOTHERS_MAIDEN_NAME 11

/* Kinds of findings. */
#define EPSOS_IDCHECK_MISSING     1   /* the profile requires it, the query lacks it */
#define EPSOS_IDCHECK_EXTRA       2   /* the query has it, the profile does not use it */
#define EPSOS_IDCHECK_BAD_FORMAT  3   /* present, but not in the form the profile asks */

/* Parse a profile (UTF-8 text, epsos-idprofile(5)). */
EPSOS_API int epsos_idprofile_parse(epsos_idprofile **out, epsos_ctx *ctx,
                                    const uint8_t *text, size_t len);

/* The country of the profile ("DK"), borrowed. */
EPSOS_API const char *epsos_idprofile_country(const epsos_idprofile *profile);

/* Release a profile.  NULL-safe. */
EPSOS_API void epsos_idprofile_free(epsos_idprofile *profile);

/* Static name of a trait as written in a profile ("birth-date"), NULL when unknown. */
EPSOS_API const char *epsos_idprofile_trait_name(int32_t trait);

/* An empty patient identification query. */
EPSOS_API int epsos_idquery_new(epsos_idquery **out, epsos_ctx *ctx);

/* Add a patient identifier: the OID of its assigning authority and its value. */
EPSOS_API int epsos_idquery_add_id(epsos_idquery *query, const char *oid, const char *value);

/* Set a demographic trait EPSOS_TRAIT_* (not IDENTIFIER); NULL removes it. */
EPSOS_API int epsos_idquery_set(epsos_idquery *query, int32_t trait, const char *value);

/* Release a query.  NULL-safe. */
EPSOS_API void epsos_idquery_free(epsos_idquery *query);

/* Check query against profile.  EPSOS_OK means the check ran: *out holds
 * its findings (none: the query identifies a patient the way the country
 * asks). */
EPSOS_API int epsos_idprofile_check(epsos_idcheck **out, epsos_ctx *ctx,
                                    const epsos_idprofile *profile,
                                    const epsos_idquery *query);

EPSOS_API size_t epsos_idcheck_count(const epsos_idcheck *check);

/* Finding index (0 .. count - 1); 0 / NULL when out of range. */
EPSOS_API int32_t epsos_idcheck_kind(const epsos_idcheck *check, size_t index);
EPSOS_API int32_t epsos_idcheck_trait(const epsos_idcheck *check, size_t index);
EPSOS_API const char *epsos_idcheck_message(const epsos_idcheck *check, size_t index);

/* Release a check.  NULL-safe. */
EPSOS_API void epsos_idcheck_free(epsos_idcheck *check);

EPSOS_END_DECLS

#endif /* EPSOS_IDPROFILE_H */
