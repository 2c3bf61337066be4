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
 *                 [!tid=A|B]    no child templateId/@root is A or B
 *                 [code=A|B]    the child code/@code is A or B
 *                 [type=T|U]    @xsi:type is T or U (the QName's prefix is
 *                               resolved: only the HL7 v3 namespace matches)
 *                 [@a=v|w]      attribute a is v or w
 *                 [!type]       no @xsi:type
 *                 [leaf]        no child element (attributes only, e.g. a
 *                               null-flavoured <effectiveTime
 *                               xsi:type="PIVL_TS" nullFlavor="UNK"/>)
 *                 [first]       the first sibling of its name that satisfies
 *                               the step's other predicates
 *                 [!first]      any later one (e.g. the 2nd IVL_TS period)
 *               the builder makes a created element satisfy [tid] [type] [@a]
 *               (first alternative); [first] / [!first] only filter reading
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

enum { EPSOS__P_TID = 1, EPSOS__P_CODE, EPSOS__P_TYPE, EPSOS__P_ATTR, EPSOS__P_NOTYPE,
       EPSOS__P_LEAF, EPSOS__P_NOTTID, EPSOS__P_FIRST, EPSOS__P_NOTFIRST };

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
    uint32_t    flags;         /* EPSOS__ROW_* (0: none) */
    const char *vs_also;       /* value sets the official binding accepts as
                                * well ("OID" or "OID|OID": a union with
                                * binding, e.g. the absent/unknown codes), or NULL */
    uint32_t    vs_rule;       /* EPSOS__VS_*: how the official templates check
                                * the binding (validation); 0: not checked
                                * there, a code outside is a warning */
} epsos__row_src;

/* Value-set rules of a bound row (vs_rule), for lib/validate: measured
 * against the official eHDSI Schematron (tests/validate).
 *   EPSOS__VS_STRICT   the template selects the conforming element by its
 *                      code (concat(@code, @codeSystem) in the value sets):
 *                      a code outside makes a required element missing, an
 *                      error reported EPSOS__VS_UP(n) elements above the code
 *   EPSOS__VS_BODY     only where the entry carries the table's templateIds
 *                      (else: not in an entry at all)
 *   EPSOS__VS_CODE_ONLY  the template compares @code only
 *   EPSOS__VS_FIXED    the template selects the elements from the reported
 *                      one down to the code by the attributes the path fixes
 *                      ({classCode=MANU}): only those are checked */
#define EPSOS__VS_STRICT    0x1u
#define EPSOS__VS_BODY      0x2u
#define EPSOS__VS_CODE_ONLY 0x4u
#define EPSOS__VS_FIXED     0x8u
#define EPSOS__VS_UP(n)     ((uint32_t)(n) << 8)      /* n: 0..15 */
#define EPSOS__VS_UP_OF(r)  (((r) >> 8) & 0xFu)

/* Row flags.  A row with min > 0 is "R" (required: a nullFlavor will do)
 * unless EPSOS__ROW_MANDATORY marks it "M" (a value, no nullFlavor), as the
 * templates say; for an R row the nullFlavor the builder writes when the
 * caller gave none is NI unless one of the _NF_ flags names another. */
#define EPSOS__ROW_MANDATORY 0x1u
#define EPSOS__ROW_NF_UNK    0x2u
#define EPSOS__ROW_NF_NA     0x4u
/* EPSOS__ROW_NF_ONLY: the official template accepts that nullFlavor only
 * (NI, or the one an _NF_ flag names): another one is an error of
 * epsos_validate.  EPSOS__ROW_NULL_CHECKED (an item row): the official
 * template checks the content of a null-flavoured element all the same
 * (<representedOrganization nullFlavor="NI"/> still needs its telecom):
 * the validator walks it. */
#define EPSOS__ROW_NF_ONLY      0x8u
#define EPSOS__ROW_NULL_CHECKED 0x10u

/* Row constructors for the kind tables (designated initializers: a member
 * added to epsos__row_src later needs no change to the tables).
 *   ROW(field, type, min, max, path)            ROWB: + value-set binding
 *   ROWA: + alternate (legacy) path              ROWBA: + binding and alternate
 *   ITEM(field, kind, min, max, path)           ITEMA: + alternate path
 *   ROWF, ROWBF, ROWAF, ROWBAF, ITEMF: the same + flags (EPSOS__ROW_*) last */
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
#define EPSOS__ROWF(f, t, mn, mx, k, pth, vs, al, fl) \
    { .field = (f), .type = (t), .min = (mn), .max = (mx), .child_kind = (k), \
      .path = (pth), .binding = (vs), .alt = (al), .flags = (fl) }
#define ROWF(f, t, mn, mx, path, fl) \
    EPSOS__ROWF(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, NULL, NULL, fl)
#define ROWBF(f, t, mn, mx, path, vs, fl) \
    EPSOS__ROWF(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, vs, NULL, fl)
#define ROWAF(f, t, mn, mx, path, alt, fl) \
    EPSOS__ROWF(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, NULL, alt, fl)
#define ROWBAF(f, t, mn, mx, path, vs, alt, fl) \
    EPSOS__ROWF(EPSOS_F_##f, EPSOS_T_##t, mn, mx, 0, path, vs, alt, fl)
#define ITEMF(f, k, mn, mx, path, fl) \
    EPSOS__ROWF(EPSOS_F_##f, EPSOS_T_ITEM, mn, mx, EPSOS_KIND_##k, path, NULL, NULL, fl)
/* ROWBV, ROWBAV, ROWBFV: ROWB, ROWBA, ROWBF + the value-set rule (EPSOS__VS_*)
 * and the further value sets of the official binding ("OID|OID" or NULL) */
#define EPSOS__ROWV(f, t, mn, mx, pth, vs, al, fl, rule, also) \
    { .field = (f), .type = (t), .min = (mn), .max = (mx), .child_kind = 0, \
      .path = (pth), .binding = (vs), .alt = (al), .flags = (fl), .vs_rule = (rule), \
      .vs_also = (also) }
#define ROWBV(f, t, mn, mx, path, vs, rule, also) \
    EPSOS__ROWV(EPSOS_F_##f, EPSOS_T_##t, mn, mx, path, vs, NULL, 0, rule, also)
#define ROWBAV(f, t, mn, mx, path, vs, alt, rule, also) \
    EPSOS__ROWV(EPSOS_F_##f, EPSOS_T_##t, mn, mx, path, vs, alt, 0, rule, also)
#define ROWBFV(f, t, mn, mx, path, vs, fl, rule, also) \
    EPSOS__ROWV(EPSOS_F_##f, EPSOS_T_##t, mn, mx, path, vs, NULL, fl, rule, also)

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
