/*
 * libepsos - ePrescription and eDispensation: dispensing against a
 * prescription.
 * SPDX-License-Identifier: MIT
 *
 * The eP and eD bodies themselves are read and built through the item API
 * (epsos/doc.h): sections EPSOS_KIND_EP_SECTION / EPSOS_KIND_ED_SECTION,
 * items EPSOS_KIND_PRESCRIPTION / EPSOS_KIND_DISPENSE, the medicinal product
 * EPSOS_KIND_PRODUCT with its outer packages (EPSOS_KIND_PACKAGE, nested
 * through EPSOS_F_OUTER_PACKAGE), kit components (EPSOS_KIND_PART) and
 * manufacturer (EPSOS_F_MANUFACTURER), SXPR_TS frequency components
 * (EPSOS_KIND_TIMING), the prescriber (EPSOS_F_AUTHOR of the prescription).
 */
#ifndef EPSOS_EP_H
#define EPSOS_EP_H

#include "common.h"
#include "doc.h"

EPSOS_BEGIN_DECLS

/* Flags of epsos_ed_from_ep. */
#define EPSOS_ED_SUBSTITUTED 1u   /* the dispensed product substitutes the prescribed one */

/* Start an eDispensation answering a prescription item (an item of kind
 * EPSOS_KIND_PRESCRIPTION of a parsed eP, either generation): a new eD
 * document (current generation) with the patient copied from the eP, the
 * header's inFulfillmentOf order id and the dispensation's prescription
 * reference set to the prescription item's id, the prescribed product
 * copied both as the prescribed and (to be changed by the pharmacy) as the
 * dispensed product, and the dispensed quantity.  quantity: a number of
 * packages (unit NULL or "1"); NULL dispenses the number prescribed.
 * Refused (EPSOS_EVALUE, nothing created): a quantity that is not a
 * positive number, another unit, more packages than prescribed,
 * EPSOS_ED_SUBSTITUTED when the prescription forbids substitution (N), a
 * prescription without product or whose product has neither name nor
 * code, a number of packages prescribed that is not a positive number of
 * unit "1".  The product and patient are copied with epsos_item_copy.
 * The caller adds author, custodian, legal authenticator, dispenser and
 * ids, then epsos_doc_complete(). */
EPSOS_API int epsos_ed_from_ep(epsos_doc **out, epsos_item *prescription,
                               const char *quantity, const char *unit, uint32_t flags);

EPSOS_END_DECLS

#endif /* EPSOS_EP_H */
