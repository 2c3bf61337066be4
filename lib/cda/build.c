/*
 * libepsos: Patient Summary building: sections by kind, absent/unknown
 * entries, identifiers, generated narrative.  Everything here goes through
 * the template table (the kinds' rows, create decorations, titles and
 * narrative columns of lib/cda/ps.c).
 * SPDX-License-Identifier: MIT
 */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>
#include "model/model.h"
#include "cda.h"

#define IPS_ABSENT "2.16.840.1.113883.5.1150.1"
#define SNOMED "2.16.840.1.113883.6.96"

static bool is_section_kind(int32_t kind)
{
    const epsos__kind_table *k = epsos__kind(kind);
    return k && k->base == EPSOS_KIND_SECTION;
}

EPSOS_API int epsos_doc_add_section(epsos_item **out, epsos_doc *doc, int32_t kind)
{
    if (out)
        *out = NULL;
    if (!doc || !out)
        return EPSOS_EINVAL;
    if (!is_section_kind(kind))
        return epsos__err(doc->ctx, EPSOS_EINVAL,
                          "epsos_doc_add_section: kind %d is not a section kind", (int)kind);
    epsos_item *hdr, *s;
    int rc = epsos_doc_header(&hdr, doc);
    if (rc == EPSOS_OK)
        rc = epsos_item_add_child(&s, hdr, EPSOS_F_SECTION);
    if (rc != EPSOS_OK)
        return rc;
    const epsos__kind_table *k = epsos__kind(kind);
    epsos__doc_touch(doc);
    if (!epsos__apply_inits(doc->xml, s->node, &k->create_c))
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
    s->kind = kind;
    /* the title in the document's language, else in English */
    const char *lang = NULL, *title = k->title;
    if (epsos_item_get_text(hdr, EPSOS_F_LANGUAGE, 0, &lang) == EPSOS_OK &&
        epsos__section_title(kind, lang))
        title = epsos__section_title(kind, lang);
    epsos__ctx_reset(doc->ctx);
    if (title && (rc = epsos_item_set_text(s, EPSOS_F_TITLE, 0, title)) != EPSOS_OK)
        return rc;
    *out = s;
    return EPSOS_OK;
}

static epsos_item *find_section(epsos_doc *doc, int32_t kind)
{
    epsos_item *hdr, *s;
    size_t n = 0;
    if (epsos_doc_header(&hdr, doc) != EPSOS_OK ||
        epsos_item_count(hdr, EPSOS_F_SECTION, &n) != EPSOS_OK)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (epsos_item_child(&s, hdr, EPSOS_F_SECTION, i) == EPSOS_OK && s->kind == kind)
            return s;
    return NULL;
}

/* ---- identifiers and time ------------------------------------------------ */

static int new_id(epsos_doc *doc, char *buf, size_t len)
{
    if (doc->id_source) {
        if (doc->id_source(doc->source_data, buf, len) != 0 || !memchr(buf, '\0', len))
            return epsos__err(doc->ctx, EPSOS_ERROR, "the identifier source failed");
        return EPSOS_OK;
    }
    unsigned char r[16];
    if (len < 37 || RAND_bytes(r, sizeof r) != 1)
        return epsos__err(doc->ctx, EPSOS_ERROR, "no random bytes for a UUID");
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(buf, len, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
             r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
             r[13], r[14], r[15]);
    return EPSOS_OK;
}

static int now_ts(epsos_doc *doc, char *buf, size_t len)
{
    if (doc->clock_source) {
        if (doc->clock_source(doc->source_data, buf, len) != 0 || !memchr(buf, '\0', len))
            return epsos__err(doc->ctx, EPSOS_ERROR, "the clock source failed");
        return EPSOS_OK;
    }
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y%m%d%H%M%S+0000", &tm) == 0)
        return epsos__err(doc->ctx, EPSOS_ERROR, "cannot read the clock");
    return EPSOS_OK;
}

EPSOS_API int epsos_doc_set_sources(epsos_doc *doc, epsos_id_source id,
                                    epsos_clock_source clock, void *user_data)
{
    if (!doc)
        return EPSOS_EINVAL;
    doc->id_source = id;
    doc->clock_source = clock;
    doc->source_data = user_data;
    return EPSOS_OK;
}

/* ---- absent / unknown entries --------------------------------------------- */

static const struct {
    int32_t section, entry_field;
    const char *info, *info_display, *known, *known_display;
} absent_codes[] = {
    { EPSOS_KIND_PS_MEDICATION_SECTION, EPSOS_F_MEDICATION, "no-medication-info",
      "No information about medications", "no-known-medications", "No known medications" },
    { EPSOS_KIND_PS_ALLERGIES_SECTION, EPSOS_F_ALLERGY, "no-allergy-info",
      "No information about allergies", "no-known-allergies", "No known allergies" },
    { EPSOS_KIND_PS_PROBLEMS_SECTION, EPSOS_F_PROBLEM, "no-problem-info",
      "No information about problems", "no-known-problems", "No known problems" },
    { EPSOS_KIND_PS_SURGERIES_SECTION, EPSOS_F_PROCEDURE, "no-procedure-info",
      "No information about past history of procedures", "no-known-procedures",
      "No known procedures" },
    { EPSOS_KIND_PS_DEVICES_SECTION, EPSOS_F_DEVICE, "no-device-info",
      "No information about devices", "no-known-devices", "No known devices in use" },
};

EPSOS_API int epsos_ps_set_absent(epsos_item **out, epsos_doc *doc, int32_t section_kind,
                                  int32_t absent)
{
    if (out)
        *out = NULL;
    if (!doc)
        return EPSOS_EINVAL;
    size_t a = 0;
    while (a < sizeof absent_codes / sizeof absent_codes[0] &&
           absent_codes[a].section != section_kind)
        a++;
    if (a == sizeof absent_codes / sizeof absent_codes[0])
        return epsos__err(doc->ctx, EPSOS_EINVAL,
                          "epsos_ps_set_absent: section kind %d (%s) has no absent/unknown entry",
                          (int)section_kind,
                          epsos_kind_name(section_kind) ? epsos_kind_name(section_kind) : "?");
    if (absent != EPSOS_ABSENT_NO_INFO && absent != EPSOS_ABSENT_NO_KNOWN)
        return epsos__err(doc->ctx, EPSOS_EINVAL, "epsos_ps_set_absent: absent must be "
                          "EPSOS_ABSENT_NO_INFO or EPSOS_ABSENT_NO_KNOWN, not %d", (int)absent);
    const char *code = absent == EPSOS_ABSENT_NO_INFO ? absent_codes[a].info : absent_codes[a].known;
    const char *disp = absent == EPSOS_ABSENT_NO_INFO ? absent_codes[a].info_display
                                                       : absent_codes[a].known_display;
    epsos_item *s = find_section(doc, section_kind), *e, *o;
    int rc = EPSOS_OK;
    if (!s && (rc = epsos_doc_add_section(&s, doc, section_kind)) != EPSOS_OK)
        return rc;
    if ((rc = epsos_item_add_child(&e, s, absent_codes[a].entry_field)) != EPSOS_OK)
        return rc;
    switch (section_kind) {
    case EPSOS_KIND_PS_MEDICATION_SECTION:
        if ((rc = epsos_item_set_code(e, EPSOS_F_CODE, 0, code, IPS_ABSENT, disp)) == EPSOS_OK &&
            (rc = epsos_item_set_text(e, EPSOS_F_STATUS, 0, "completed")) == EPSOS_OK &&
            (rc = epsos_item_set_null_flavor(e, EPSOS_F_PERIOD, 0, "UNK")) == EPSOS_OK &&
            (rc = epsos_item_set_null_flavor(e, EPSOS_F_EFFECTIVE_TIME, 0, "NA")) == EPSOS_OK)
            rc = epsos_item_set_null_flavor(e, EPSOS_F_PRODUCT_CODE, 0, "NA");
        break;
    case EPSOS_KIND_PS_ALLERGIES_SECTION:
    case EPSOS_KIND_PS_PROBLEMS_SECTION: {
        bool allergy = section_kind == EPSOS_KIND_PS_ALLERGIES_SECTION;
        if ((rc = epsos_item_set_text(e, EPSOS_F_STATUS, 0, allergy ? "active" : "completed")) == EPSOS_OK &&
            (rc = epsos_item_add_child(&o, e, EPSOS_F_OBSERVATION)) == EPSOS_OK &&
            (rc = epsos_item_set_code(o, EPSOS_F_CODE, 0, allergy ? "609328004" : "55607006",
                                      SNOMED, allergy ? "Allergic disposition" : "Problem")) == EPSOS_OK &&
            (!allergy || (rc = epsos_item_set_text(o, EPSOS_F_STATUS, 0, "completed")) == EPSOS_OK))
            rc = epsos_item_set_code(o, EPSOS_F_VALUE, 0, code, IPS_ABSENT, disp);
        break;
    }
    case EPSOS_KIND_PS_SURGERIES_SECTION:
        if ((rc = epsos_item_set_code(e, EPSOS_F_CODE, 0, code, IPS_ABSENT, disp)) == EPSOS_OK &&
            (rc = epsos_item_set_text(e, EPSOS_F_STATUS, 0, "completed")) == EPSOS_OK)
            rc = epsos_item_set_null_flavor(e, EPSOS_F_EFFECTIVE_TIME, 0, "NA");
        break;
    case EPSOS_KIND_PS_DEVICES_SECTION:
        if ((rc = epsos_item_set_null_flavor(e, EPSOS_F_START, 0, "NA")) == EPSOS_OK)
            rc = epsos_item_set_code(e, EPSOS_F_DEVICE_CODE, 0, code, IPS_ABSENT, disp);
        break;
    }
    if (rc == EPSOS_OK && out)
        *out = s;
    return rc;
}

/* Legacy epSOS "unknown" codes (SNOMED CT, VS 42.17 and 42.22). */
static const struct { const char *code; int32_t absent; } legacy_absent[] = {
    { "160244002", EPSOS_ABSENT_NO_KNOWN },   /* No known allergies */
    { "716186003", EPSOS_ABSENT_NO_KNOWN },   /* No known allergy */
    { "409137002", EPSOS_ABSENT_NO_KNOWN },   /* No known drug allergies */
    { "64970000", EPSOS_ABSENT_NO_INFO },     /* Substance type unknown */
    { "160245001", EPSOS_ABSENT_NO_KNOWN },   /* No current problems or disability */
    { "396782006", EPSOS_ABSENT_NO_INFO },    /* Medical history unknown */
    { "182849000", EPSOS_ABSENT_NO_KNOWN },   /* No drug therapy prescribed */
    { "408350003", EPSOS_ABSENT_NO_KNOWN },   /* Patient not on self-medication */
    { "182904002", EPSOS_ABSENT_NO_INFO },    /* Drug treatment unknown */
};

EPSOS_API int epsos_ps_get_absent(const epsos_item *section, int32_t *absent, const char **code)
{
    if (absent)
        *absent = 0;
    if (code)
        *code = NULL;
    if (!section || !absent)
        return EPSOS_EINVAL;
    size_t a = 0;
    while (a < sizeof absent_codes / sizeof absent_codes[0] &&
           absent_codes[a].section != section->kind)
        a++;
    epsos_ctx *ctx = section->doc->ctx;
    if (a == sizeof absent_codes / sizeof absent_codes[0])
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_ps_get_absent: a %s item has no "
                          "absent/unknown entry", epsos_kind_name(section->kind)
                          ? epsos_kind_name(section->kind) : "?");
    epsos_item *e, *o = NULL;
    size_t n = 0;
    int rc = epsos_item_count(section, absent_codes[a].entry_field, &n);
    if (rc != EPSOS_OK || n == 0)
        return rc;
    if ((rc = epsos_item_child(&e, (epsos_item *)section, absent_codes[a].entry_field, 0)) != EPSOS_OK)
        return rc;
    int32_t where = EPSOS_F_CODE;
    epsos_item *it = e;
    switch (section->kind) {
    case EPSOS_KIND_PS_ALLERGIES_SECTION:
    case EPSOS_KIND_PS_PROBLEMS_SECTION:
        if (epsos_item_count(e, EPSOS_F_OBSERVATION, &n) != EPSOS_OK || n == 0 ||
            epsos_item_child(&o, e, EPSOS_F_OBSERVATION, 0) != EPSOS_OK) {
            epsos__ctx_reset(ctx);
            return EPSOS_OK;
        }
        it = o;
        where = EPSOS_F_VALUE;
        break;
    case EPSOS_KIND_PS_DEVICES_SECTION:
        where = EPSOS_F_DEVICE_CODE;
        break;
    default:
        break;
    }
    const char *c = NULL, *cs = NULL;
    if (epsos_item_count(it, where, &n) != EPSOS_OK || n == 0 ||
        epsos_item_get_code(it, where, 0, &c, &cs, NULL) != EPSOS_OK || !c || !cs) {
        epsos__ctx_reset(ctx);
        return EPSOS_OK;
    }
    if (!strcmp(cs, IPS_ABSENT)) {
        for (size_t i = 0; i < sizeof absent_codes / sizeof absent_codes[0]; i++) {
            if (!strcmp(c, absent_codes[i].info))
                *absent = EPSOS_ABSENT_NO_INFO;
            else if (!strcmp(c, absent_codes[i].known))
                *absent = EPSOS_ABSENT_NO_KNOWN;
        }
    } else if (!strcmp(cs, SNOMED)) {
        for (size_t i = 0; i < sizeof legacy_absent / sizeof legacy_absent[0]; i++)
            if (!strcmp(c, legacy_absent[i].code))
                *absent = legacy_absent[i].absent;
    }
    if (*absent && code)
        *code = c;
    return EPSOS_OK;
}

/* ---- narrative ------------------------------------------------------------ */

typedef struct {
    epsos_doc *doc;
    xmlNode   *text;        /* the section's <text> */
    unsigned  *counter;     /* narrative IDs of the document */
    int        rc;
    xmlNode   *tables[EPSOS__MAX_KIND];   /* one table per entry kind */
} narr;

static xmlNode *add_el(narr *n, xmlNode *parent, const char *name, const char *content)
{
    if (n->rc != EPSOS_OK)
        return NULL;
    xmlNode *el = epsos__new_element(n->doc->xml, parent->ns, name);
    if (el && content) {
        xmlNode *t = epsos__new_text(n->doc->xml, content);
        if (!t) {
            xmlFreeNode(el);
            el = NULL;
        } else {
            xmlAddChild(el, t);
        }
    }
    if (!el) {
        n->rc = epsos__err(n->doc->ctx, EPSOS_ENOMEM, "out of memory");
        return NULL;
    }
    /* a located change: the read caches of the items above stay valid
     * unless their rows can see it (reading the next entry goes on) */
    epsos__doc_touch_child(n->doc, parent, el);
    xmlAddChild(parent, el);
    return el;
}

/* Display text of one field occurrence. */
static void cell_text(epsos_item *it, int32_t f, char *buf, size_t len)
{
    const char *a = NULL, *b = NULL, *c = NULL;
    buf[0] = '\0';
    size_t cnt = 0;
    if (epsos_item_count(it, f, &cnt) != EPSOS_OK || cnt == 0)
        return;
    switch (epsos_field_type(it->kind, f)) {
    case EPSOS_T_CD:
        epsos_item_get_code(it, f, 0, &a, &b, &c);
        snprintf(buf, len, "%s", c ? c : a ? a : "");
        break;
    case EPSOS_T_TEXT: case EPSOS_T_CS:
        epsos_item_get_text(it, f, 0, &a);
        snprintf(buf, len, "%s", a ? a : "");
        break;
    case EPSOS_T_TS:
        epsos_item_get_time(it, f, 0, &a);
        snprintf(buf, len, "%s", a ? a : "");
        break;
    case EPSOS_T_PQ:
        epsos_item_get_quantity(it, f, 0, &a, &b);
        snprintf(buf, len, "%s%s%s", a ? a : "", b && strcmp(b, "1") ? " " : "",
                 b && strcmp(b, "1") ? b : "");
        if (f == EPSOS_F_DOSE_LOW || f == EPSOS_F_DOSE_HIGH) {
            /* a dose range: one cell "1-2 ACM" (the low column), the high
             * column empty when the low one shows the range */
            const char *lo = NULL, *lu = NULL, *hi = NULL, *hu = NULL;
            epsos_item_get_quantity(it, EPSOS_F_DOSE_LOW, 0, &lo, &lu);
            epsos_item_get_quantity(it, EPSOS_F_DOSE_HIGH, 0, &hi, &hu);
            if (lo && hi) {
                if (f == EPSOS_F_DOSE_HIGH)
                    buf[0] = '\0';
                else if ((!lu && !hu) || (lu && hu && !strcmp(lu, hu)))
                    snprintf(buf, len, "%s-%s%s%s", lo, hi, lu && strcmp(lu, "1") ? " " : "",
                             lu && strcmp(lu, "1") ? lu : "");
                else
                    snprintf(buf, len, "%s%s%s-%s%s%s", lo, lu && strcmp(lu, "1") ? " " : "",
                             lu && strcmp(lu, "1") ? lu : "", hi,
                             hu && strcmp(hu, "1") ? " " : "", hu && strcmp(hu, "1") ? hu : "");
                return;
            }
        }
        break;
    case EPSOS_T_II:
        epsos_item_get_id(it, f, 0, &a, &b);
        snprintf(buf, len, "%s%s%s", a ? a : "", b ? " " : "", b ? b : "");
        break;
    case EPSOS_T_ITEM: {               /* a nested item: its first column with a value */
        epsos_item *child;
        const epsos__kind_table *ck = epsos__kind(epsos_field_item_kind(it->kind, f));
        if (ck && ck->kind == EPSOS_KIND_DOSING) {
            /* dose regimens: every one, every column ("1: 1 MORN; 2: 2 EVE") */
            size_t used = 0;
            for (size_t j = 0; j < cnt && used + 1 < len; j++) {
                if (epsos_item_child(&child, it, f, j) != EPSOS_OK)
                    break;
                bool first = true;
                for (int i = 0; ck->columns[i] && used + 1 < len; i++) {
                    char part[256];
                    cell_text(child, ck->columns[i], part, sizeof part);
                    if (!part[0])
                        continue;
                    used += (size_t)snprintf(buf + used, len - used, "%s%s%s",
                                             first ? (j ? "; " : "") : " ", part,
                                             ck->columns[i] == EPSOS_F_SEQUENCE ? ":" : "");
                    first = false;
                }
            }
            if (used >= len)
                buf[len - 1] = '\0';
            break;
        }
        if (ck && ck->columns && epsos_item_child(&child, it, f, 0) == EPSOS_OK)
            for (int i = 0; ck->columns[i] && !buf[0]; i++)
                cell_text(child, ck->columns[i], buf, len);
        break;
    }
    default:
        break;
    }
    if (!buf[0]) {
        const char *nf = NULL;
        if (epsos_item_get_null_flavor(it, f, 0, &nf) == EPSOS_OK && nf)
            snprintf(buf, len, "(%s)", nf);
    }
}

/* Generates ids, narrative rows and references for the item and its
 * nested items, depth first in table order. */
static int fill_required(epsos_doc *doc, epsos_item *it);

static void narrate(narr *n, epsos_item *it)
{
    xmlNode **table = &n->tables[it->kind];
    const epsos__kind_table *k = epsos__kind(it->kind);
    if (!k || n->rc != EPSOS_OK)
        return;
    /* R fields first (nullFlavors), so that the row shows what is written */
    if ((n->rc = fill_required(n->doc, it)) != EPSOS_OK)
        return;
    /* required identifiers */
    const epsos__row *idr = epsos__row_of(it->kind, EPSOS_F_ID);
    size_t cnt = 0;
    if (idr && idr->src->min > 0 && epsos_item_count(it, EPSOS_F_ID, &cnt) == EPSOS_OK && cnt == 0) {
        char root[80];
        if ((n->rc = new_id(n->doc, root, sizeof root)) != EPSOS_OK ||
            (n->rc = epsos_item_set_id(it, EPSOS_F_ID, 0, root, NULL)) != EPSOS_OK)
            return;
    }
    if (k->columns && epsos__row_of(it->kind, EPSOS_F_TEXT_REFERENCE)) {
        if (!*table) {
            *table = add_el(n, n->text, "table", NULL);
            xmlNode *tr = *table ? add_el(n, add_el(n, *table, "thead", NULL), "tr", NULL) : NULL;
            for (int i = 0; tr && k->columns[i]; i++) {
                char head[64];
                snprintf(head, sizeof head, "%s", epsos_field_name(k->columns[i]));
                for (char *p = head; *p; p++)
                    if (*p == '_')
                        *p = ' ';
                add_el(n, tr, "th", head);
            }
            if (*table)
                add_el(n, *table, "tbody", NULL);
        }
        if (n->rc != EPSOS_OK)
            return;
        char id[64], ref[66];
        snprintf(id, sizeof id, "%s-%u", k->name, ++*n->counter);
        xmlNode *tr = add_el(n, xmlGetLastChild(*table), "tr", NULL);
        if (tr && !epsos__set_prop(tr, "ID", id))
            n->rc = epsos__err(n->doc->ctx, EPSOS_ENOMEM, "out of memory");
        for (int i = 0; tr && n->rc == EPSOS_OK && k->columns[i]; i++) {
            char cell[512];
            cell_text(it, k->columns[i], cell, sizeof cell);
            add_el(n, tr, "td", cell);
        }
        snprintf(ref, sizeof ref, "#%s", id);
        if (n->rc == EPSOS_OK)
            n->rc = epsos_item_set_text(it, EPSOS_F_TEXT_REFERENCE, 0, ref);
    }
    /* nested items: one table per kind of nested entry */
    for (size_t r = 0; r < k->nrows && n->rc == EPSOS_OK; r++) {
        const epsos__row_src *src = k->rows[r].src;
        if (src->type != EPSOS_T_ITEM || src->field == EPSOS_F_SECTION)
            continue;
        size_t m = 0;
        epsos_item_count(it, src->field, &m);
        for (size_t i = 0; i < m && n->rc == EPSOS_OK; i++) {
            epsos_item *c;
            if ((n->rc = epsos_item_child(&c, it, src->field, i)) == EPSOS_OK)
                narrate(n, c);
        }
    }
}

/* Every clinical statement below an entry that sits in an entryRelationship
 * and has no text/reference gets one pointing at the narrative row of the
 * nearest statement above it that has one (severity, status, ...). */
static const char *const statements[] = { "observation", "act", "substanceAdministration",
    "supply", "procedure", "organizer", "encounter", NULL };

static bool is_statement(const xmlNode *n)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return false;
    for (int i = 0; statements[i]; i++)      /* every element of the section is tested */
        if (n->name[0] == (xmlChar)statements[i][0] && epsos__is_el(n, EPSOS_NS_HL7, statements[i]))
            return true;
    return false;
}

static xmlNode *child_el(xmlNode *n, const char *local)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, local))
            return c;
    return NULL;
}

/* Does an element below n (n included) carry @ID = id? */
static bool has_id(const xmlNode *n, const char *id)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlAttr *a = xmlHasNsProp((xmlNode *)n, (const xmlChar *)"ID", NULL);
        if (a && a->children && a->children->content &&
            !strcmp((const char *)a->children->content, id))
            return true;
        if (has_id(n->children, id))
            return true;
    }
    return false;
}

/* The IDs of a section's narrative as a hash set (the strings are the
 * attribute values themselves): looking each reference up with has_id
 * walked the whole narrative, quadratic in the number of entries. */
typedef struct {
    const char **slot;
    size_t cap, n;             /* cap: 0 or a power of two */
} idset;

static size_t id_hash(const char *id)
{
    uint64_t h = 14695981039346656037u;           /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return (size_t)h;
}

static bool idset_has(const idset *s, const char *id)
{
    for (size_t j = s->cap ? id_hash(id) & (s->cap - 1) : 0; s->cap && s->slot[j];
         j = (j + 1) & (s->cap - 1))
        if (!strcmp(s->slot[j], id))
            return true;
    return false;
}

static bool idset_add(idset *s, const char *id)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        const char **slot = epsos__calloc(cap, sizeof *slot);
        if (!slot)
            return false;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slot[i])
                continue;
            size_t j = id_hash(s->slot[i]) & (cap - 1);
            while (slot[j])
                j = (j + 1) & (cap - 1);
            slot[j] = s->slot[i];
        }
        epsos__free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    size_t j = id_hash(id) & (s->cap - 1);
    for (; s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (!strcmp(s->slot[j], id))
            return true;
    s->slot[j] = id;
    s->n++;
    return true;
}

/* Every ID has_id would find among n, its siblings after it and below. */
static bool idset_collect(idset *s, const xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlAttr *a = xmlHasNsProp((xmlNode *)n, (const xmlChar *)"ID", NULL);
        if (a && a->children && a->children->content &&
            !idset_add(s, (const char *)a->children->content))
            return false;
        if (!idset_collect(s, n->children))
            return false;
    }
    return true;
}

/* Every text/reference and originalText/reference "#x" below n whose x is
 * no ID of the section's narrative gets an empty <content ID="x"/> there: a
 * narrative given as plain text (the JSON of `epsos dump`, a caller's
 * string) keeps its text and no reference dangles. */
static int add_missing_ids(epsos_doc *doc, xmlNode *text, xmlNode *n, idset *ids)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || epsos__is_el(c, EPSOS_NS_HL7, "section"))
            continue;
        if (epsos__is_el(c, EPSOS_NS_HL7, "reference") &&
            (epsos__is_el(n, EPSOS_NS_HL7, "text") || epsos__is_el(n, EPSOS_NS_HL7, "originalText"))) {
            xmlAttr *v = xmlHasNsProp(c, (const xmlChar *)"value", NULL);
            const char *val = v && v->children ? (const char *)v->children->content : NULL;
            if (val && val[0] == '#' && val[1] &&
                !(ids ? idset_has(ids, val + 1) : has_id(text->children, val + 1))) {
                xmlNode *el = epsos__new_element(doc->xml, text->ns, "content");
                if (!el || !epsos__set_prop(el, "ID", val + 1)) {
                    xmlFreeNode(el);
                    return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
                }
                xmlAddChild(text, el);
                xmlAttr *a = xmlHasNsProp(el, (const xmlChar *)"ID", NULL);
                if (ids && !idset_add(ids, (const char *)a->children->content))
                    return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
            }
            continue;
        }
        int rc = add_missing_ids(doc, text, c, ids);
        if (rc != EPSOS_OK)
            return rc;
    }
    return EPSOS_OK;
}

static int resolve_refs(epsos_doc *doc, xmlNode *section)
{
    xmlNode *text = child_el(section, "text");
    if (!text)
        return EPSOS_OK;                   /* no narrative: nothing to point at */
    epsos__doc_touch(doc);
    idset set = { NULL, 0, 0 };
    if (!idset_collect(&set, text->children)) {
        epsos__free(set.slot);
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
    }
    int rc = EPSOS_OK;
    for (xmlNode *c = section->children; c && rc == EPSOS_OK; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "entry"))
            rc = add_missing_ids(doc, text, c, &set);
    epsos__free(set.slot);
    return rc;
}

static int fill_refs(epsos_doc *doc, xmlNode *n, const char *inherited)
{
    epsos__doc_touch(doc);
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *ref = inherited;
        if (is_statement(c)) {
            xmlNode *text = child_el(c, "text");
            xmlNode *r = text ? child_el(text, "reference") : NULL;
            xmlAttr *v = r ? xmlHasNsProp(r, (const xmlChar *)"value", NULL) : NULL;
            if (v && v->children && v->children->content) {
                ref = (const char *)v->children->content;
            } else if (inherited && n->type == XML_ELEMENT_NODE &&
                       epsos__is_el(n, EPSOS_NS_HL7, "entryRelationship")) {
                if (!text) {
                    text = epsos__new_element(doc->xml, c->ns, "text");
                    if (!text)
                        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
                    epsos__insert_ordered(c, text);
                }
                r = epsos__new_element(doc->xml, c->ns, "reference");
                if (!r || !epsos__set_prop(r, "value", inherited)) {
                    xmlFreeNode(r);
                    return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
                }
                xmlAddChild(text, r);
            }
        }
        /* a product code (the vaccine) refers to the narrative too */
        if (inherited && epsos__is_el(c, EPSOS_NS_HL7, "code") &&
            epsos__is_el(n, EPSOS_NS_HL7, "manufacturedMaterial") && !child_el(c, "originalText") &&
            !xmlHasNsProp(c, (const xmlChar *)"nullFlavor", NULL)) {
            xmlNode *ot = epsos__new_element(doc->xml, c->ns, "originalText");
            xmlNode *r = ot ? epsos__new_element(doc->xml, c->ns, "reference") : NULL;
            if (!r || !epsos__set_prop(r, "value", inherited)) {
                xmlFreeNode(r);
                xmlFreeNode(ot);
                return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
            }
            xmlAddChild(ot, r);
            if (c->children)
                xmlAddPrevSibling(c->children, ot);
            else
                xmlAddChild(c, ot);
        }
        int rc = fill_refs(doc, c, ref);
        if (rc != EPSOS_OK)
            return rc;
    }
    /* a section: every reference of its entries resolves in its <text> */
    if (!inherited && epsos__is_el(n, EPSOS_NS_HL7, "section"))
        return resolve_refs(doc, n);
    return EPSOS_OK;
}

/* Is the kind one of the Patient Summary (lib/cda/ps.c) or eP/eD
 * (lib/cda/ep.c) tables?  Their rows say M or R; the others keep "missing
 * is an error". */
static bool flagged_kind(int32_t kind)
{
    for (size_t i = 0; i < epsos__ps_set.nkinds; i++)
        if (epsos__ps_set.kinds[i].kind == kind)
            return true;
    for (size_t i = 0; i < epsos__ep_set.nkinds; i++)
        if (epsos__ep_set.kinds[i].kind == kind)
            return true;
    return false;
}

/* Fixed values a template requires where the caller gave none (the rows
 * allow the field to be absent on reading: older documents lack it). */
static const struct { int32_t kind, field; const char *value; } fixed_values[] = {
    { EPSOS_KIND_PREGNANCY_OUTCOME, EPSOS_F_STATUS, "completed" },   /* eH.3.46 */
    { EPSOS_KIND_PREGNANCY_COUNT, EPSOS_F_STATUS, "completed" },     /* eH.3.47 */
};

/* A missing R field (required: the template allows a nullFlavor) of the
 * item (not below it) is written with the row's nullFlavor: NI, or UNK / NA
 * as flagged.  Not for M (mandatory) rows, nested items, attributes. */
static int fill_required(epsos_doc *doc, epsos_item *it)
{
    (void)doc;
    const epsos__kind_table *k = epsos__kind(it->kind);
    if (!k || !flagged_kind(it->kind))
        return EPSOS_OK;
    for (size_t i = 0; i < sizeof fixed_values / sizeof fixed_values[0]; i++) {
        size_t n = 0;
        int rc = EPSOS_OK;
        if (fixed_values[i].kind == it->kind &&
            (rc = epsos_item_count(it, fixed_values[i].field, &n)) == EPSOS_OK && n == 0)
            rc = epsos_item_set_text(it, fixed_values[i].field, 0, fixed_values[i].value);
        if (rc != EPSOS_OK)
            return rc;
    }
    /* eH.3.2: one frequency effectiveTime (TS, PIVL_TS, EIVL_TS or SXPR_TS)
     * is required: none given, a TS with nullFlavor UNK */
    if (it->kind == EPSOS_KIND_PRESCRIPTION) {
        static const int32_t freq[] = { EPSOS_F_FREQUENCY_TIME, EPSOS_F_FREQUENCY, EPSOS_F_PHASE,
            EPSOS_F_INSTITUTION_SPECIFIED, EPSOS_F_EVENT, EPSOS_F_OFFSET, EPSOS_F_SCHEDULE,
            EPSOS_F_SCHEDULE_EVENT };
        size_t total = 0;
        for (size_t i = 0; i < sizeof freq / sizeof freq[0]; i++) {
            size_t n = 0;
            int rc = epsos_item_count(it, freq[i], &n);
            if (rc != EPSOS_OK)
                return rc;
            total += n;
        }
        int rc = total ? EPSOS_OK
                       : epsos_item_set_null_flavor(it, EPSOS_F_FREQUENCY_TIME, 0, "UNK");
        if (rc != EPSOS_OK)
            return rc;
    }
    for (size_t r = 0; r < k->nrows; r++) {
        const epsos__row_src *src = k->rows[r].src;
        size_t n = 0;
        if (src->min == 0 || (src->flags & EPSOS__ROW_MANDATORY) || src->type == EPSOS_T_ITEM ||
            k->rows[r].p[0].attr[0])
            continue;
        int rc = epsos_item_count(it, src->field, &n);
        const char *nf = src->flags & EPSOS__ROW_NF_NA ? "NA"
                       : src->flags & EPSOS__ROW_NF_UNK ? "UNK" : "NI";
        for (; rc == EPSOS_OK && n < src->min; n++)
            rc = epsos_item_set_null_flavor(it, src->field, n, nf);
        if (rc != EPSOS_OK)
            return rc;
    }
    return EPSOS_OK;
}

/* Every field an item of this kind must have (minimum cardinality) is
 * there, in the item and below it: R fields are filled in (fill_required);
 * a missing M field (mandatory), nested item or attribute is an error
 * naming the item (its XPath) and the field. */
static int check_required(epsos_doc *doc, epsos_item *it)
{
    const epsos__kind_table *k = epsos__kind(it->kind);
    int rc0 = fill_required(doc, it);
    if (rc0 != EPSOS_OK)
        return rc0;
    for (size_t r = 0; k && r < k->nrows; r++) {
        const epsos__row_src *src = k->rows[r].src;
        size_t n = 0;
        /* (an optional field needs no count; an item row's children are
         * checked all the same) */
        if (src->min == 0 && (src->type != EPSOS_T_ITEM || src->field == EPSOS_F_SECTION))
            continue;
        int rc = epsos_item_count(it, src->field, &n);
        if (rc != EPSOS_OK)
            return rc;
        bool mandatory = (src->flags & EPSOS__ROW_MANDATORY) != 0;
        if (n < src->min)
            return epsos__err_node(doc->ctx, EPSOS_EVALUE, it->node,
                                   "this %s has %zu %s, it needs at least %u%s", k->name, n,
                                   epsos_field_name(src->field), (unsigned)src->min,
                                   mandatory ? " (mandatory: a value, no nullFlavor)" : "");
        if (src->type != EPSOS_T_ITEM || src->field == EPSOS_F_SECTION)
            continue;
        for (size_t i = 0; i < n; i++) {
            epsos_item *c;
            if ((rc = epsos_item_child(&c, it, src->field, i)) != EPSOS_OK ||
                (rc = check_required(doc, c)) != EPSOS_OK)
                return rc;
        }
    }
    return EPSOS_OK;
}

/* The section's code is the one of its kind; every entry is of a kind the
 * section holds. */
static int check_section(epsos_doc *doc, epsos_item *s, const epsos__kind_table *k)
{
    const char *want = NULL;
    for (unsigned i = 0; i < k->create_c.ninit; i++)
        if (!strcmp(k->create_c.init[i].name, ">code"))
            want = k->create_c.init[i].value;
    const char *code = NULL;
    if (want && epsos_item_get_code(s, EPSOS_F_CODE, 0, &code, NULL, NULL) == EPSOS_OK) {
        size_t wl = strcspn(want, "|");
        if (!code || strlen(code) != wl || strncmp(code, want, wl) != 0)
            return epsos__err_node(doc->ctx, EPSOS_EVALUE, s->node,
                                   "the %s section has code %s, expected %.*s", k->name,
                                   code ? code : "(none)", (int)wl, want);
    }
    const char *tid = NULL;
    for (unsigned i = 0; i < k->create_c.ninit && !tid; i++)
        if (!strcmp(k->create_c.init[i].name, "templateId"))
            tid = k->create_c.init[i].value;
    size_t nt = 0;
    bool has_tid = !tid;
    epsos_item_count(s, EPSOS_F_TEMPLATE_ID, &nt);
    for (size_t i = 0; i < nt && !has_tid; i++) {
        const char *root = NULL;
        has_tid = epsos_item_get_id(s, EPSOS_F_TEMPLATE_ID, i, &root, NULL) == EPSOS_OK &&
                  root && !strcmp(root, tid);
    }
    if (!has_tid)
        return epsos__err_node(doc->ctx, EPSOS_EVALUE, s->node,
                               "the section with code %s (%s) lacks templateId %s: wrong code "
                               "or wrong section", code ? code : "(none)", k->name, tid);
    size_t total = 0, nent = 0;
    for (size_t r = 0; r < k->nrows; r++) {
        size_t m = 0;
        if (k->rows[r].src->type == EPSOS_T_ITEM && k->rows[r].src->field != EPSOS_F_SECTION &&
            epsos_item_count(s, k->rows[r].src->field, &m) == EPSOS_OK)
            total += m;
    }
    for (xmlNode *c = s->node->children; c; c = c->next) {
        if (!epsos__is_el(c, EPSOS_NS_HL7, "entry"))
            continue;
        nent++;
        if (nent > total)
            return epsos__err_node(doc->ctx, EPSOS_EVALUE, c,
                                   "an entry of the %s section is not of a kind this section "
                                   "holds", k->name);
    }
    return EPSOS_OK;
}

static bool section_required(int32_t kind)
{
    for (size_t a = 0; a < sizeof absent_codes / sizeof absent_codes[0]; a++)
        if (absent_codes[a].section == kind)
            return true;
    return false;
}

static int entry_count(epsos_item *s)
{
    const epsos__kind_table *k = epsos__kind(s->kind);
    size_t total = 0;
    for (size_t r = 0; k && r < k->nrows; r++) {
        size_t m = 0;
        if (k->rows[r].src->type == EPSOS_T_ITEM && k->rows[r].src->field != EPSOS_F_SECTION &&
            epsos_item_count(s, k->rows[r].src->field, &m) == EPSOS_OK)
            total += m;
    }
    return (int)total;
}

EPSOS_API int epsos_doc_complete(epsos_doc *doc, uint32_t flags)
{
    if (!doc)
        return EPSOS_EINVAL;
    epsos__ctx_reset(doc->ctx);
    if (flags & ~(uint32_t)EPSOS_COMPLETE_LINKS)
        return epsos__err(doc->ctx, EPSOS_EINVAL, "epsos_doc_complete: unknown flags 0x%x", flags);
    epsos__doc_touch(doc);
    epsos_item *hdr;
    int rc = epsos_doc_header(&hdr, doc);
    size_t n = 0;
    if (rc == EPSOS_OK && (flags & EPSOS_COMPLETE_LINKS)) {
        /* only the references of nested statements, narrative untouched */
        if ((rc = epsos_item_count(hdr, EPSOS_F_SECTION, &n)) != EPSOS_OK)
            return rc;
        for (size_t i = 0; i < n && rc == EPSOS_OK; i++) {
            epsos_item *s;
            if ((rc = epsos_item_child(&s, hdr, EPSOS_F_SECTION, i)) == EPSOS_OK)
                rc = fill_refs(doc, s->node, NULL);
        }
        return rc;
    }
    if (rc != EPSOS_OK || (rc = epsos_item_count(hdr, EPSOS_F_EFFECTIVE_TIME, &n)) != EPSOS_OK)
        return rc;
    if (n == 0) {
        char ts[40];
        if ((rc = now_ts(doc, ts, sizeof ts)) != EPSOS_OK ||
            (rc = epsos_item_set_time(hdr, EPSOS_F_EFFECTIVE_TIME, 0, ts)) != EPSOS_OK)
            return rc;
    }
    /* the document id (a UUID from the id source) and the title of the
     * eP / eD kinds (fixed) when the caller gave none */
    if ((rc = epsos_item_count(hdr, EPSOS_F_ID, &n)) != EPSOS_OK)
        return rc;
    if (n == 0) {
        char root[80];
        if ((rc = new_id(doc, root, sizeof root)) != EPSOS_OK ||
            (rc = epsos_item_set_id(hdr, EPSOS_F_ID, 0, root, NULL)) != EPSOS_OK)
            return rc;
    }
    const char *doc_title = doc->kind == EPSOS_DOC_EP ? "ePrescription"
                          : doc->kind == EPSOS_DOC_ED ? "eDispensation" : NULL;
    if (doc_title && (rc = epsos_item_count(hdr, EPSOS_F_TITLE, &n)) == EPSOS_OK && n == 0)
        rc = epsos_item_set_text(hdr, EPSOS_F_TITLE, 0, doc_title);
    if (rc != EPSOS_OK)
        return rc;
    if ((rc = epsos_item_count(hdr, EPSOS_F_SECTION, &n)) != EPSOS_OK)
        return rc;
    unsigned counter = 0;
    for (size_t i = 0; i < n; i++) {
        epsos_item *s;
        if ((rc = epsos_item_child(&s, hdr, EPSOS_F_SECTION, i)) != EPSOS_OK)
            return rc;
        const epsos__kind_table *k = epsos__kind(s->kind);
        if (!k || k->base != EPSOS_KIND_SECTION)
            continue;                            /* not a section kind we know */
        if ((rc = check_section(doc, s, k)) != EPSOS_OK)
            return rc;
        /* a section identifier the kind requires (eP, eD) */
        const epsos__row *idr = epsos__row_of(s->kind, EPSOS_F_ID);
        size_t nid = 0;
        if (idr && idr->src->min > 0 &&
            (rc = epsos_item_count(s, EPSOS_F_ID, &nid)) == EPSOS_OK && nid == 0) {
            char root[80];
            if ((rc = new_id(doc, root, sizeof root)) == EPSOS_OK)
                rc = epsos_item_set_id(s, EPSOS_F_ID, 0, root, NULL);
        }
        /* a section title the kind requires (eD), in the document language */
        const epsos__row *tr = epsos__row_of(s->kind, EPSOS_F_TITLE);
        size_t nt = 0;
        if (rc == EPSOS_OK && tr && tr->src->min > 0 && k->title &&
            (rc = epsos_item_count(s, EPSOS_F_TITLE, &nt)) == EPSOS_OK && nt == 0) {
            const char *lang = NULL, *title = k->title;
            if (epsos_item_get_text(hdr, EPSOS_F_LANGUAGE, 0, &lang) == EPSOS_OK &&
                epsos__section_title(s->kind, lang))
                title = epsos__section_title(s->kind, lang);
            epsos__ctx_reset(doc->ctx);
            rc = epsos_item_set_text(s, EPSOS_F_TITLE, 0, title);
        }
        if (rc != EPSOS_OK)
            return rc;
        int entries = entry_count(s);
        if (entries == 0 && section_required(s->kind))
            return epsos__err_node(doc->ctx, EPSOS_EVALUE, s->node,
                                   "the %s section has no entry: add entries or an absent/unknown "
                                   "entry (epsos_ps_set_absent)", k->name);
        if (entries == 0)
            continue;                            /* narrative-only: the caller's text */
        /* a fresh <text> */
        if ((rc = epsos_item_set_text(s, EPSOS_F_NARRATIVE, 0, "")) != EPSOS_OK)
            return rc;
        xmlNode *text = NULL;
        for (xmlNode *c = s->node->children; c && !text; c = c->next)
            if (epsos__is_el(c, EPSOS_NS_HL7, "text"))
                text = c;
        if (!text)
            return epsos__err(doc->ctx, EPSOS_ERROR, "no text element after writing it");
        epsos__doc_touch(doc);
        for (xmlNode *c = text->children, *next; c; c = next) {
            next = c->next;
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        narr *stp = epsos__calloc(1, sizeof *stp);
        if (!stp)
            return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
        narr st0 = { doc, text, &counter, EPSOS_OK, { NULL } };
        *stp = st0;
#define st (*stp)
        for (size_t r = 0; r < k->nrows && st.rc == EPSOS_OK; r++) {
            const epsos__row_src *src = k->rows[r].src;
            if (src->type != EPSOS_T_ITEM || src->field == EPSOS_F_SECTION)
                continue;
            size_t m = 0;
            epsos_item_count(s, src->field, &m);
            for (size_t j = 0; j < m && st.rc == EPSOS_OK; j++) {
                epsos_item *e;
                if ((st.rc = epsos_item_child(&e, s, src->field, j)) == EPSOS_OK)
                    narrate(&st, e);
            }
        }
#undef st
        rc = stp->rc;
        epsos__free(stp);
        if (rc == EPSOS_OK)
            rc = fill_refs(doc, s->node, NULL);
        if (rc == EPSOS_OK)
            rc = check_required(doc, s);
        if (rc != EPSOS_OK)
            return rc;
    }
    if (doc->kind == EPSOS_DOC_PS) {
        static const int32_t required[] = { EPSOS_KIND_PS_MEDICATION_SECTION,
            EPSOS_KIND_PS_ALLERGIES_SECTION, EPSOS_KIND_PS_PROBLEMS_SECTION,
            EPSOS_KIND_PS_SURGERIES_SECTION, EPSOS_KIND_PS_DEVICES_SECTION };
        for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
            if (!find_section(doc, required[i]))
                return epsos__err(doc->ctx, EPSOS_EVALUE,
                                  "a Patient Summary needs a %s section (add it, or "
                                  "epsos_ps_set_absent)", epsos_kind_name(required[i]));
    }
    return EPSOS_OK;
}
