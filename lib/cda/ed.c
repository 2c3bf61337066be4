/*
 * libepsos: dispensing against a prescription (epsos_ed_from_ep).
 * SPDX-License-Identifier: MIT
 *
 * Values are copied field by field through the template table
 * (epsos_item_copy), so that a product read from a legacy epSOS eP (epsos:
 * paths) is written in the current pharm generation of the new eD.
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model/model.h"
#include "model/dt.h"
#include "cda.h"

/* ---- epsos_item_copy ---------------------------------------------------- */

/* The failure of a call about occurrence i of field f: said on dst's ctx
 * with the field named (once, where it happened), keeping the location of
 * the failed call.  read: the message is on src's ctx (another ctx). */
static int copy_failed(epsos_item *dst, const epsos_item *src, int32_t f, size_t i, int rc,
                       bool read)
{
    epsos_ctx *dctx = dst->doc->ctx, *from = read ? src->doc->ctx : dctx;
    char msg[EPSOS_ERRMSG_MAX], loc[EPSOS_ERRLOC_MAX];
    int32_t line = from->errline;
    snprintf(msg, sizeof msg, "%s", from->errmsg);
    snprintf(loc, sizeof loc, "%s", from->errloc);
    const char *fn = epsos_field_name(f), *kn = epsos_kind_name(src->kind);
    return epsos__err_at(dctx, rc, line, loc, "copying field %s (occurrence %zu) of a %s: %s",
                         fn ? fn : "?", i, kn ? kn : "?", *msg ? msg : epsos_strerror(rc));
}

/* Appends occurrence i of field f (datatype type) of src to dst. */
static int copy_occurrence(epsos_item *dst, epsos_item *src, int32_t f, int32_t type, size_t i,
                           bool *nested)
{
    size_t at = 0;
    const char *a = NULL, *b = NULL, *c = NULL, *nf = NULL;
    bool set = false;
    int rc = epsos_item_count(dst, f, &at);
    if (rc != EPSOS_OK)
        return rc;
    if ((rc = epsos_item_get_null_flavor(src, f, i, &nf)) != EPSOS_OK)
        return rc;
    switch (type) {
    case EPSOS_T_TEXT: case EPSOS_T_CS:
        if ((rc = epsos_item_get_text(src, f, i, &a)) == EPSOS_OK && a && (*a || !nf))
            rc = epsos_item_set_text(dst, f, at, a), set = true;
        break;
    case EPSOS_T_CD:
        if ((rc = epsos_item_get_code(src, f, i, &a, &b, &c)) == EPSOS_OK && a) {
            if ((rc = epsos_item_set_code(dst, f, at, a, b, c)) == EPSOS_OK &&
                (rc = epsos_item_get_attr(src, f, i, "codeSystemName", &a)) == EPSOS_OK && a)
                rc = epsos_item_set_attr(dst, f, at, "codeSystemName", a);
            set = true;
        }
        if (rc == EPSOS_OK && !set && nf) {        /* <code nullFlavor=".."> with translations */
            rc = epsos_item_set_null_flavor(dst, f, at, nf);
            set = true;
        }
        if (rc == EPSOS_OK && set) {
            size_t nt = 0;
            rc = epsos_item_translation_count(src, f, i, &nt);
            for (size_t t = 0; rc == EPSOS_OK && t < nt; t++)
                if ((rc = epsos_item_get_translation(src, f, i, t, &a, &b, &c)) == EPSOS_OK)
                    rc = epsos_item_add_translation(dst, f, at, a, b, c);
        }
        break;
    case EPSOS_T_II:
        if ((rc = epsos_item_get_id(src, f, i, &a, &b)) == EPSOS_OK && a)
            rc = epsos_item_set_id(dst, f, at, a, b), set = true;
        break;
    case EPSOS_T_TS:
        if ((rc = epsos_item_get_time(src, f, i, &a)) == EPSOS_OK && a)
            rc = epsos_item_set_time(dst, f, at, a), set = true;
        break;
    case EPSOS_T_PQ:
        if ((rc = epsos_item_get_quantity(src, f, i, &a, &b)) == EPSOS_OK && a)
            rc = epsos_item_set_quantity(dst, f, at, a, b), set = true;
        break;
    case EPSOS_T_TEL:
        if ((rc = epsos_item_get_telecom(src, f, i, &a, &b)) == EPSOS_OK && a)
            rc = epsos_item_set_telecom(dst, f, at, a, b), set = true;
        break;
    case EPSOS_T_ITEM: {
        epsos_item *from, *to;
        if ((rc = epsos_item_child(&from, src, f, i)) == EPSOS_OK &&
            (rc = epsos_item_add_child(&to, dst, f)) == EPSOS_OK) {
            if (nf)
                rc = epsos_item_set_attr(dst, f, at, "nullFlavor", nf);
            if (rc == EPSOS_OK)
                *nested = (rc = epsos_item_copy(to, from, 0)) != EPSOS_OK;
        }
        return rc;
    }
    default:
        return epsos__err(dst->doc->ctx, EPSOS_ETYPE, "unknown datatype %d", (int)type);
    }
    if (rc == EPSOS_OK && nf) {
        if (!set)                      /* <low nullFlavor="NP"/>: the flavor alone */
            rc = epsos_item_set_null_flavor(dst, f, at, nf);
        else                           /* a value and a flavor (legacy documents) */
            rc = epsos_item_set_attr(dst, f, at, "nullFlavor", nf);
    }
    return rc;
}

EPSOS_API int epsos_item_copy(epsos_item *dst, const epsos_item *src, int32_t field)
{
    if (!dst || !src)
        return dst ? epsos__err(dst->doc->ctx, EPSOS_EINVAL, "epsos_item_copy: src is NULL")
                   : EPSOS_EINVAL;
    epsos_ctx *ctx = dst->doc->ctx;
    epsos__ctx_reset(ctx);
    if (dst == src)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_item_copy: dst and src are the same item");
    if (!dst->node || !src->node)
        return epsos__err(ctx, EPSOS_ENOTFOUND, "epsos_item_copy: the %s item was removed "
                          "from its document", dst->node ? "src" : "dst");
    if (dst->kind != src->kind)
        return epsos__err_node(ctx, EPSOS_ETYPE, dst->node, "epsos_item_copy: cannot copy a "
                               "%s item onto a %s item", epsos_kind_name(src->kind),
                               epsos_kind_name(dst->kind));
    for (const xmlNode *n = dst->node; n; n = n->parent)
        if (n == src->node)
            return epsos__err_node(ctx, EPSOS_EINVAL, dst->node, "epsos_item_copy: dst lies "
                                   "inside src");
    epsos_item *s = (epsos_item *)src;       /* reading binds items: no visible change */
    if (field == 0) {
        int rc = EPSOS_OK;
        for (size_t j = 0, n = epsos_kind_field_count(src->kind); rc == EPSOS_OK && j < n; j++) {
            int32_t f = epsos_kind_field_at(src->kind, j);
            if (f != EPSOS_F_TEXT_REFERENCE && f != EPSOS_F_NARRATIVE)
                rc = epsos_item_copy(dst, src, f);
        }
        return rc;
    }
    int32_t type = epsos_field_type(src->kind, field);
    if (!type) {
        const char *fn = epsos_field_name(field);
        return epsos__err_node(ctx, EPSOS_ETYPE, src->node, "epsos_item_copy: a %s item has "
                               "no field %s (%d)", epsos_kind_name(src->kind), fn ? fn : "?",
                               (int)field);
    }
    size_t n = 0;
    int rc = epsos_item_count(s, field, &n);
    if (rc != EPSOS_OK)
        return copy_failed(dst, src, field, 0, rc, true);
    for (size_t i = 0; i < n; i++) {
        bool nested = false;
        if ((rc = copy_occurrence(dst, s, field, type, i, &nested)) != EPSOS_OK)
            return nested ? rc : copy_failed(dst, src, field, i, rc,
                                             src->doc->ctx != ctx && ctx->errcode == 0);
    }
    return EPSOS_OK;
}

/* A number of packages: a decimal > 0 (HL7 REAL syntax). */
static bool parse_count(const char *s, double *out)
{
    if (!s || !epsos__decimal_valid(s))
        return false;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

EPSOS_API int epsos_ed_from_ep(epsos_doc **out, epsos_item *prescription,
                               const char *quantity, const char *unit, uint32_t flags)
{
    if (out)
        *out = NULL;
    if (!prescription || !prescription->doc)
        return EPSOS_EINVAL;
    epsos_doc *ep = prescription->doc;
    epsos_ctx *ctx = ep->ctx;
    epsos__ctx_reset(ctx);
    if (!out)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_ed_from_ep: out must not be NULL");
    if (flags & ~EPSOS_ED_SUBSTITUTED)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_ed_from_ep: unknown flags 0x%x", flags);
    if (prescription->kind != EPSOS_KIND_PRESCRIPTION || !prescription->node)
        return epsos__err(ctx, EPSOS_EINVAL,
                          "epsos_ed_from_ep: the item is a %s, expected a prescription",
                          epsos_kind_name(prescription->kind) ? epsos_kind_name(prescription->kind)
                                                               : "removed item");
    const xmlNode *at = prescription->node;

    /* what is prescribed */
    const char *id_root = NULL, *id_ext = NULL, *pv = NULL, *pu = NULL, *subst = NULL;
    epsos_item *product = NULL;
    if (epsos_item_get_id(prescription, EPSOS_F_ID, 0, &id_root, &id_ext) != EPSOS_OK || !id_root)
        return epsos__err_node(ctx, EPSOS_EVALUE, at,
                               "the prescription item has no id (id/@root) to refer to");
    if (epsos_item_child(&product, prescription, EPSOS_F_PRODUCT, 0) != EPSOS_OK)
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "the prescription item has no product "
                               "(consumable/manufacturedProduct expected)");
    const char *pname = NULL, *pcode = NULL;
    epsos_item_get_text(product, EPSOS_F_PRODUCT_NAME, 0, &pname);
    epsos_item_get_code(product, EPSOS_F_PRODUCT_CODE, 0, &pcode, NULL, NULL);
    if ((!pname || !*pname) && (!pcode || !*pcode))
        return epsos__err_node(ctx, EPSOS_EVALUE, product->node, "the prescribed product has "
                               "neither a name nor a code (manufacturedMaterial/name, /code)");
    epsos_item_get_quantity(prescription, EPSOS_F_PACKAGES, 0, &pv, &pu);
    epsos_item_get_code(prescription, EPSOS_F_SUBSTITUTION, 0, &subst, NULL, NULL);
    epsos__ctx_reset(ctx);
    /* the number of packages prescribed, when stated, bounds the dispensing:
     * one that cannot be understood refuses it (never "no limit") */
    double max = 0;
    bool have_max = false;
    if (pv) {
        static const char where[] = "entryRelationship/supply[@moodCode='RQO']/quantity";
        if (!parse_count(pv, &max))
            return epsos__err_node(ctx, EPSOS_EVALUE, at, "the number of packages prescribed "
                                   "(%s) \"%s\" is not a number", where, pv);
        if (pu && *pu && strcmp(pu, "1") != 0)
            return epsos__err_node(ctx, EPSOS_EVALUE, at, "the number of packages prescribed "
                                   "(%s) has unit \"%s\": expected \"1\" (packages)", where, pu);
        if (max <= 0)
            return epsos__err_node(ctx, EPSOS_EVALUE, at, "the number of packages prescribed "
                                   "(%s) is %s: expected a positive number", where, pv);
        have_max = true;
    }

    /* what is dispensed */
    if (unit && strcmp(unit, "1") != 0)
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "dispensed quantity: unit \"%s\": a number "
                               "of packages has unit \"1\"", unit);
    double want = 0;
    if (!quantity && !have_max)
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "no dispensed quantity given and the "
                               "prescription states no number of packages");
    if (!quantity)
        quantity = pv;
    if (!parse_count(quantity, &want))
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "dispensed quantity \"%s\" is not a "
                               "number", quantity);
    if (want <= 0)
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "dispensed quantity %s: expected a "
                               "positive number of packages", quantity);
    if (have_max && want > max)
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "dispensed quantity %s exceeds the %s "
                               "package(s) prescribed", quantity, pv);
    if ((flags & EPSOS_ED_SUBSTITUTED) && subst && !strcmp(subst, "N"))
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "substitution recorded but the "
                               "prescription forbids it (substitution code N)");

    epsos_doc *ed = NULL;
    epsos_item *eph, *edh, *pat, *np, *s, *d, *p;
    int rc = epsos_doc_new(&ed, ctx, EPSOS_DOC_ED);
    if (rc == EPSOS_OK)
        rc = epsos_doc_set_sources(ed, ep->id_source, ep->clock_source, ep->source_data);
    if (rc == EPSOS_OK && (rc = epsos_doc_header(&eph, ep)) == EPSOS_OK &&
        (rc = epsos_doc_header(&edh, ed)) == EPSOS_OK &&
        (rc = epsos_item_child(&pat, eph, EPSOS_F_PATIENT, 0)) == EPSOS_OK &&
        (rc = epsos_item_add_child(&np, edh, EPSOS_F_PATIENT)) == EPSOS_OK)
        rc = epsos_item_copy(np, pat, 0);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_id(edh, EPSOS_F_ORDER_ID, 0, id_root, id_ext);
    if (rc == EPSOS_OK)
        rc = epsos_doc_add_section(&s, ed, EPSOS_KIND_ED_SECTION);
    if (rc == EPSOS_OK)
        rc = epsos_item_add_child(&d, s, EPSOS_F_DISPENSE);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_quantity(d, EPSOS_F_QUANTITY, 0, quantity, "1");
    if (rc == EPSOS_OK && (rc = epsos_item_add_child(&p, d, EPSOS_F_PRODUCT)) == EPSOS_OK)
        rc = epsos_item_copy(p, product, 0);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_id(d, EPSOS_F_PRESCRIPTION_ID, 0, id_root, id_ext);
    if (rc == EPSOS_OK &&
        (rc = epsos_item_add_child(&p, d, EPSOS_F_PRESCRIBED_PRODUCT)) == EPSOS_OK)
        rc = epsos_item_copy(p, product, 0);
    if (rc == EPSOS_OK && (flags & EPSOS_ED_SUBSTITUTED))
        rc = epsos_item_set_code(d, EPSOS_F_SUBSTITUTION, 0, "SUBST", "2.16.840.1.113883.5.6",
                                 "Substitution");
    if (rc != EPSOS_OK) {
        epsos_doc_free(ed);
        return rc;
    }
    *out = ed;
    return EPSOS_OK;
}
