/*
 * libepsos: dispensing against a prescription (epsos_ed_from_ep).
 * SPDX-License-Identifier: MIT
 *
 * Values are copied field by field through the template table, so that a
 * product read from a legacy epSOS eP (epsos: paths) is written in the
 * current pharm generation of the new eD.
 */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model/model.h"
#include "model/dt.h"
#include "cda.h"

/* Copies every field of src onto dst (same kind), nested items included;
 * narrative references are not copied (epsos_doc_complete makes them). */
static int copy_item(epsos_item *dst, epsos_item *src)
{
    const epsos__kind_table *k = epsos__kind(src->kind);
    if (!k)
        return EPSOS_ERROR;
    for (size_t r = 0; r < k->nrows; r++) {
        const epsos__row_src *row = k->rows[r].src;
        int32_t f = row->field;
        if (f == EPSOS_F_TEXT_REFERENCE || f == EPSOS_F_NARRATIVE ||
            !epsos_field_type(dst->kind, f))
            continue;
        size_t n = 0;
        int rc = epsos_item_count(src, f, &n);
        for (size_t i = 0; rc == EPSOS_OK && i < n; i++) {
            size_t at = 0;
            if ((rc = epsos_item_count(dst, f, &at)) != EPSOS_OK)
                return rc;
            const char *a = NULL, *b = NULL, *c = NULL, *nf = NULL;
            bool done = false;
            switch (row->type) {
            case EPSOS_T_TEXT: case EPSOS_T_CS:
                if ((rc = epsos_item_get_text(src, f, i, &a)) == EPSOS_OK && a && *a)
                    rc = epsos_item_set_text(dst, f, at, a), done = true;
                break;
            case EPSOS_T_CD:
                if ((rc = epsos_item_get_code(src, f, i, &a, &b, &c)) == EPSOS_OK && a)
                    rc = epsos_item_set_code(dst, f, at, a, b, c), done = true;
                break;
            case EPSOS_T_II:
                if ((rc = epsos_item_get_id(src, f, i, &a, &b)) == EPSOS_OK && a)
                    rc = epsos_item_set_id(dst, f, at, a, b), done = true;
                break;
            case EPSOS_T_TS:
                if ((rc = epsos_item_get_time(src, f, i, &a)) == EPSOS_OK && a)
                    rc = epsos_item_set_time(dst, f, at, a), done = true;
                break;
            case EPSOS_T_PQ:
                if ((rc = epsos_item_get_quantity(src, f, i, &a, &b)) == EPSOS_OK && a)
                    rc = epsos_item_set_quantity(dst, f, at, a, b), done = true;
                break;
            case EPSOS_T_TEL:
                if ((rc = epsos_item_get_telecom(src, f, i, &a, &b)) == EPSOS_OK && a)
                    rc = epsos_item_set_telecom(dst, f, at, a, b), done = true;
                break;
            case EPSOS_T_ITEM: {
                epsos_item *from, *to;
                if ((rc = epsos_item_child(&from, src, f, i)) == EPSOS_OK &&
                    (rc = epsos_item_add_child(&to, dst, f)) == EPSOS_OK)
                    rc = copy_item(to, from);
                done = true;
                break;
            }
            default:
                done = true;
                break;
            }
            if (rc == EPSOS_OK && !done &&
                (rc = epsos_item_get_null_flavor(src, f, i, &nf)) == EPSOS_OK && nf)
                rc = epsos_item_set_null_flavor(dst, f, at, nf);
        }
        if (rc != EPSOS_OK)
            return rc;
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
    epsos_item_get_quantity(prescription, EPSOS_F_PACKAGES, 0, &pv, &pu);
    epsos_item_get_code(prescription, EPSOS_F_SUBSTITUTION, 0, &subst, NULL, NULL);
    epsos__ctx_reset(ctx);

    /* what is dispensed */
    if (unit && strcmp(unit, "1") != 0)
        return epsos__err_node(ctx, EPSOS_EVALUE, at, "dispensed quantity: unit \"%s\": a number "
                               "of packages has unit \"1\"", unit);
    double want = 0, max = 0;
    bool have_max = pv && parse_count(pv, &max);
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
        rc = copy_item(np, pat);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_id(edh, EPSOS_F_ORDER_ID, 0, id_root, id_ext);
    if (rc == EPSOS_OK)
        rc = epsos_doc_add_section(&s, ed, EPSOS_KIND_ED_SECTION);
    if (rc == EPSOS_OK)
        rc = epsos_item_add_child(&d, s, EPSOS_F_DISPENSE);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_quantity(d, EPSOS_F_QUANTITY, 0, quantity, "1");
    if (rc == EPSOS_OK && (rc = epsos_item_add_child(&p, d, EPSOS_F_PRODUCT)) == EPSOS_OK)
        rc = copy_item(p, product);
    if (rc == EPSOS_OK)
        rc = epsos_item_set_id(d, EPSOS_F_PRESCRIPTION_ID, 0, id_root, id_ext);
    if (rc == EPSOS_OK &&
        (rc = epsos_item_add_child(&p, d, EPSOS_F_PRESCRIBED_PRODUCT)) == EPSOS_OK)
        rc = copy_item(p, product);
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
