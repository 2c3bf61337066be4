/*
 * libepsos: the template table (DESIGN.md section 2).
 * SPDX-License-Identifier: MIT
 *
 * Each item kind is a list of rows; a row says where a field lives, relative
 * to the item's element, as a path of namespace-qualified steps written once
 * as text ("assignedAuthor/assignedPerson/name", "versionNumber/@value") and
 * compiled at init.  Path syntax:
 *   step        local name in urn:hl7-org:v3 ("pharm:x" / "epsos:x" for the
 *               medication extensions)
 *   +step       on append, new elements are created from this step on
 *               (default: the last element step); earlier steps are reused
 *   step{a=v}   when the builder creates this element it sets @a=v;
 *               {templateId=OID} adds <templateId root="OID"/>
 *   /@attr      last: the field is that attribute (EPSOS_T_TEXT only)
 *   @attr       alone: an attribute of the item's own element
 */
#ifndef EPSOS_TABLE_H
#define EPSOS_TABLE_H

#include "core/internal.h"

#define EPSOS__MAX_STEPS 6
#define EPSOS__MAX_INIT  3

typedef struct {
    const char *ns;                       /* namespace URI */
    char local[48];
    struct { char name[32]; char value[64]; } init[EPSOS__MAX_INIT];
    unsigned ninit;
} epsos__step;

typedef struct {
    int32_t     field;
    int32_t     type;          /* EPSOS_T_* */
    uint32_t    min, max;      /* max UINT32_MAX = unbounded */
    int32_t     child_kind;    /* EPSOS_KIND_* for EPSOS_T_ITEM */
    const char *path;          /* source text, see above */
    const char *binding;       /* value set OID (validation, terminology) */
} epsos__row_src;

typedef struct {
    const epsos__row_src *src;
    epsos__step steps[EPSOS__MAX_STEPS];
    unsigned    nsteps;        /* element steps */
    unsigned    repeat;        /* index of the first step created on append */
    char        attr[32];      /* final attribute, "" if none */
} epsos__row;

typedef struct {
    int32_t     kind;
    const char *name;
    const epsos__row_src *src;
    size_t      nrows;
    epsos__row *rows;          /* compiled at init */
} epsos__kind_table;

int epsos__table_init(void);
const epsos__kind_table *epsos__kind(int32_t kind);
const epsos__row *epsos__row_of(int32_t kind, int32_t field);

/* Schema order: the position of child `local` under element `parent` in the
 * CDA content model (-1 if unknown: append). */
int epsos__schema_pos(const char *parent, const char *local);

#endif
