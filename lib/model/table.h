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
 *   step[p]     read predicate: only elements that satisfy p match
 *                 [tid=A|B]     a child templateId/@root is A or B
 *                 [code=A|B]    the child code/@code is A or B
 *                 [type=T|U]    @xsi:type is T or U (the QName's prefix is
 *                               resolved: only the HL7 v3 namespace matches)
 *                 [@a=v|w]      attribute a is v or w
 *                 [!type]       no @xsi:type
 *               the builder makes a created element satisfy [tid] [type] [@a]
 *               (first alternative)
 *   step{a=v}   when the builder creates this element it sets @a=v;
 *               {templateId=OID} adds <templateId root="OID"/>;
 *               {xsi:type=T} sets the xsi:type attribute;
 *               {>el=code|system|display|name} adds a child <el code=..
 *               codeSystem=.. displayName=.. codeSystemName=..> (all but the
 *               code optional);
 *               {>el=@a=v} adds a child <el a="v"/>;
 *               {~el=text} adds a child <el>text</el>
 *   /@attr      last: the field is that attribute (EPSOS_T_TEXT only)
 *   @attr       alone: an attribute of the item's own element
 * A row may have a second, alternate path (the legacy epSOS generation):
 * the reader finds the occurrences of the first path, then of the second;
 * the builder writes the first.
 *
 * Kinds are contributed by modules as kind sets (model: the header; cda: the
 * Patient Summary, later eP and eD) listed in table.c.  A kind may refine a
 * base kind: an element bound as the base (e.g. a section) becomes the first
 * refining kind whose `match` predicates (any one of them) it satisfies.
 */
#ifndef EPSOS_TABLE_H
#define EPSOS_TABLE_H

#include "core/internal.h"

#define EPSOS__MAX_STEPS 9
#define EPSOS__MAX_INIT  8
#define EPSOS__MAX_PRED  3
#define EPSOS__MAX_KIND  256
#define EPSOS__MAX_FIELD 512

typedef struct { char name[32]; char value[112]; } epsos__init;

enum { EPSOS__P_TID = 1, EPSOS__P_CODE, EPSOS__P_TYPE, EPSOS__P_ATTR, EPSOS__P_NOTYPE };

typedef struct {
    int  what;                 /* EPSOS__P_* */
    char name[32];             /* attribute name for EPSOS__P_ATTR */
    char values[200];          /* alternatives separated by '|' */
} epsos__pred;

typedef struct {
    const char *ns;                       /* namespace URI */
    char local[48];
    epsos__init init[EPSOS__MAX_INIT];
    unsigned ninit;
    epsos__pred pred[EPSOS__MAX_PRED];
    unsigned npred;
} epsos__step;

typedef struct {
    int32_t     field;
    int32_t     type;          /* EPSOS_T_* */
    uint32_t    min, max;      /* max UINT32_MAX = unbounded */
    int32_t     child_kind;    /* EPSOS_KIND_* for EPSOS_T_ITEM */
    const char *path;          /* source text, see above */
    const char *binding;       /* value set OID (validation, terminology) */
    const char *alt;           /* alternate (legacy) path, or NULL */
} epsos__row_src;

/* Row constructors for the kind tables (designated initializers: a member
 * added to epsos__row_src later needs no change to the tables).
 *   ROW(field, type, min, max, path)            ROWB: + value-set binding
 *   ROWA: + alternate (legacy) path              ROWBA: + binding and alternate
 *   ITEM(field, kind, min, max, path)           ITEMA: + alternate path */
#define EPSOS__ROW(f, t, mn, mx, k, pth, vs, al) \
    { .field = (f), .type = (t), .min = (mn), .max = (mx), .child_kind = (k), \
      .path = (pth), .binding = (vs), .alt = (al) }
#define ROW(f, t, mn, mx, path) EPSOS__ROW(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, NULL, NULL)
#define ROWB(f, t, mn, mx, path, vs) EPSOS__ROW(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, vs, NULL)
#define ROWA(f, t, mn, mx, path, alt) EPSOS__ROW(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, NULL, alt)
#define ROWBA(f, t, mn, mx, path, vs, alt) \
    EPSOS__ROW(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, vs, alt)
#define ITEM(f, k, mn, mx, path) \
    EPSOS__ROW(EPSOS_F_##f, EPSOS_T_ITEM, mn, mx, EPSOS_KIND_##k, path, NULL, NULL)
#define ITEMA(f, k, mn, mx, path, alt) \
    EPSOS__ROW(EPSOS_F_##f, EPSOS_T_ITEM, mn, mx, EPSOS_KIND_##k, path, NULL, alt)

typedef struct {
    epsos__step steps[EPSOS__MAX_STEPS];
    unsigned    nsteps;        /* element steps */
    unsigned    repeat;        /* index of the first step created on append */
    char        attr[32];      /* final attribute, "" if none */
} epsos__path;

typedef struct {
    const epsos__row_src *src;
    epsos__path p[2];          /* p[1]: alternate path when npaths == 2 */
    unsigned    npaths;
} epsos__row;

typedef struct {
    int32_t     kind;
    const char *name;
    const epsos__row_src *src;
    size_t      nrows;
    int32_t     base;          /* kind refined, 0 if none */
    const char *match;         /* "[tid=..][code=..]": any one selects this kind */
    const char *create;        /* "{templateId=..}{>code=..}": written by the builder */
    const char *title;         /* English title of a section kind */
    const int32_t *columns;    /* narrative columns (fields), 0-terminated; NULL none */
    /* compiled at init */
    epsos__row *rows;
    epsos__step match_c, create_c;
} epsos__kind_table;

typedef struct { int32_t field; const char *name; } epsos__field_name;

typedef struct {
    epsos__kind_table *kinds;
    size_t nkinds;
    const epsos__field_name *fields;
    size_t nfields;
} epsos__kind_set;

/* The kind sets of the modules (table.c lists them). */
extern const epsos__kind_set epsos__header_set;
extern const epsos__kind_set epsos__ps_set;
extern const epsos__kind_set epsos__ep_set;

int epsos__table_init(void);
const epsos__kind_table *epsos__kind(int32_t kind);
const epsos__row *epsos__row_of(int32_t kind, int32_t field);

/* The most refined kind of `kind` that the element satisfies. */
int32_t epsos__refine(int32_t kind, const xmlNode *node);
/* Does the element satisfy every predicate of the step? */
bool epsos__step_preds_ok(const epsos__step *st, const xmlNode *node);
/* Does the element satisfy at least one predicate of the step? */
bool epsos__step_any_pred(const epsos__step *st, const xmlNode *node);
/* Applies a step's inits (and what its predicates require) to an element. */
bool epsos__apply_inits(xmlDoc *doc, xmlNode *el, const epsos__step *st);

/* Schema order: the position of child `local` under element `parent` in the
 * CDA content model (-1 if unknown: append). */
int epsos__schema_pos(const char *parent, const char *local);
/* Inserts child under parent where the CDA content model puts it. */
void epsos__insert_ordered(xmlNode *parent, xmlNode *child);

#endif
