/*
 * libepsos: internals shared by the cda module (template tables, builder).
 * SPDX-License-Identifier: MIT
 */
#ifndef EPSOS_CDA_H
#define EPSOS_CDA_H

#include <stdint.h>

/* The title of a section kind in a language ("de", "de-AT": the first two
 * letters count), or NULL when there is none in that language. */
const char *epsos__section_title(int32_t kind, const char *language);

#endif
