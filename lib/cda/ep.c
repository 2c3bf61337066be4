/*
 * libepsos: the template tables of the ePrescription (eHDSI eP, template
 * 1.3.6.1.4.1.12559.11.10.1.3.1.1.1) and eDispensation (…1.1.2) bodies:
 * the prescription section eH.2.1 and item eH.3.2 (substanceAdministration),
 * the dispensation section eH.2.2 and item eH.3.3 (supply), and the
 * medicinal product eH.3.29/eH.3.30 (manufacturedProduct) they share.
 * SPDX-License-Identifier: MIT
 *
 * The builder writes the current generation (urn:hl7-org:pharm); the legacy
 * epSOS generation (urn:epsos-org:ep:medication) is read through alternate
 * paths onto the same fields (spec cda-pivot.md sections 3 and 4.2).
 */
#include "config.h"
#include <string.h>
#include "model/table.h"
#include "cda.h"

#define N UINT32_MAX
#define EH "1.3.6.1.4.1.12559.11.10.1.3.1."
#define LOINC "2.16.840.1.113883.6.1"
#define VS(n) EH "42." #n
/* row flags, from the eHDSI 2024-04 Schematron (eH.2.1, eH.2.2, eH.3.2,
 * eH.3.3, eH.3.29/30): M = mandatory ("is mandatory": a value, no
 * nullFlavor; the validator reports a null one, epsos_doc_complete a
 * missing one); rows with min > 0 without M are R ("is required": a
 * nullFlavor will do) */
#define M EPSOS__ROW_MANDATORY


/* ---- sections ------------------------------------------------------------ */

/* the section id (the prescription / dispensation identifier): 1..1 R in
 * eH.2.1, 1..1 M in eH.2.2; the code: 1..1 R in eH.2.2 (0..1, code fixed
 * or nullFlavor, in eH.2.1: 1..1 here, the builder writes it) */
#define SECTION_COMMON(id_flags, title_min) \
    ROW(TEMPLATE_ID, II, 0, N, "templateId"), \
    ROWF(ID, II, 1, 1, "id", id_flags), \
    ROWB(CODE, CD, 1, 1, "code", VS(26)), \
    ROW(TITLE, TEXT, title_min, 1, "title"), \
    ROW(NARRATIVE, TEXT, 0, 1, "text"), \
    ITEM(SECTION, SECTION, 0, N, "+component/section")

static const epsos__row_src ep_section_rows[] = {
    SECTION_COMMON(0, 0),
    ITEM(PRESCRIPTION, PRESCRIPTION, 1, N,
         "+entry{typeCode=COMP}/substanceAdministration[@classCode=SBADM]{moodCode=INT}"
         "{templateId=" EH "3.2}{templateId=2.16.840.1.113883.10.20.1.24}"),
};

static const epsos__row_src ed_section_rows[] = {
    SECTION_COMMON(M, 1),
    ITEM(DISPENSE, DISPENSE, 1, N,
         "+entry{typeCode=COMP}/supply[@classCode=SPLY]{moodCode=EVN}"
         "{templateId=" EH "3.3}{templateId=1.3.6.1.4.1.19376.1.5.3.1.4.7.3}"
         "{templateId=2.16.840.1.113883.10.20.1.34}"),
};

/* ---- the medicinal product (element: manufacturedProduct) ----------------- */

#define MAT "manufacturedMaterial{classCode=MMAT}{determinerCode=KIND}{templateId=" EH "3.30}"
#define MAT_OLD "manufacturedMaterial"
#define PKG "pharm:asContent{classCode=CONT}"
#define PKGP PKG "/pharm:containerPackagedProduct{classCode=CONT}{determinerCode=KIND}"
#define GMK "pharm:generalizedMaterialKind{classCode=MMAT}{determinerCode=KIND}/pharm:code"
#define GRIC "pharm:asSpecializedKind[@classCode=GRIC]/" GMK
/* other classifications (PhPID, national classes): GEN */
#define GEN "+pharm:asSpecializedKind[@classCode=GEN]/" GMK

/* eH.3.30: name and formCode 1..1 R */
static const epsos__row_src product_rows[] = {
    ROW(PRODUCT_CODE, CD, 0, 1, MAT "/code"),
    ROW(PRODUCT_NAME, TEXT, 1, 1, MAT "/name"),
    ROWA(DESCRIPTION, TEXT, 0, 1, MAT "/pharm:desc", MAT_OLD "/epsos:desc"),
    ROWBAV(DOSE_FORM, CD, 1, 1, MAT "/pharm:formCode", VS(2), MAT_OLD "/epsos:formCode",
           EPSOS__VS_STRICT | EPSOS__VS_BODY | EPSOS__VS_UP(1), NULL),
    /* eH.3.30: pharm:asContent 1..1 M, its pharm:quantity 1..1 M */
    ROWAF(PACKAGE_QUANTITY, PQ, 1, 1, MAT "/" PKG "/pharm:quantity",
          MAT_OLD "/epsos:asContent/epsos:containerPackagedMedicine/epsos:capacityQuantity", M),
    ROW(PACKAGE_CODE, CD, 0, 1, MAT "/" PKGP "/pharm:code"),
    /* its containerPackagedProduct 1..1 R, that one's formCode 1..1 R */
    ROWBAF(PACKAGE_FORM, CD, 1, 1, MAT "/" PKGP "/pharm:formCode", VS(3),
           MAT_OLD "/epsos:asContent/epsos:containerPackagedMedicine/epsos:formCode",
           EPSOS__ROW_NF_UNK),
    ROWBA(ATC, CD, 0, 1, MAT "/" GRIC, VS(24),
          MAT_OLD "/epsos:asSpecializedKind/epsos:generalizedMedicineClass/epsos:code"),
    ROWA(PACKAGE_NAME, TEXT, 0, 1, MAT "/" PKGP "/pharm:name",
         MAT_OLD "/epsos:asContent/epsos:containerPackagedMedicine/epsos:name"),
    ITEM(OUTER_PACKAGE, PACKAGE, 0, 1, MAT "/" PKGP "/" PKG),
    ROW(CLASSIFICATION, CD, 0, N, MAT "/" GEN),
    ITEM(PART, PART, 0, N, MAT "/+pharm:part{classCode=PART}"),
    ITEMA(INGREDIENT, INGREDIENT, 0, N, MAT "/+pharm:ingredient{classCode=ACTI}",
          MAT_OLD "/epsos:ingredient[@classCode=ACTI]"),
    /* legacy: epsos:marketingAuthorizationHolder (spec 4.2) */
    ITEMA(MANUFACTURER, MANUFACTURER, 0, 1, "manufacturerOrganization",
          "epsos:marketingAuthorizationHolder"),
};

/* An outer package (element: pharm:asContent around a containerPackagedProduct
 * that contains the inner package): the level-2 and level-3 packaging. */
#define CPP "pharm:containerPackagedProduct{classCode=CONT}{determinerCode=KIND}"
static const epsos__row_src package_rows[] = {
    /* eH.3.30: pharm:quantity 1..1 M, containerPackagedProduct/formCode 1..1 R */
    ROWF(PACKAGE_QUANTITY, PQ, 1, 1, "pharm:quantity", M),
    ROW(PACKAGE_CODE, CD, 0, 1, CPP "/pharm:code"),
    ROW(PACKAGE_NAME, TEXT, 0, 1, CPP "/pharm:name"),
    ROWB(PACKAGE_FORM, CD, 1, 1, CPP "/pharm:formCode", VS(3)),
    ITEM(OUTER_PACKAGE, PACKAGE, 0, 1, CPP "/" PKG),
};

/* A component of a multi-part product (kit; element: pharm:part): the
 * quantity of this component in the kit and its own product model. */
#define PP "pharm:partProduct{classCode=MMAT}{determinerCode=KIND}"
static const epsos__row_src part_rows[] = {
    ROW(QUANTITY, PQ, 0, 1, "pharm:quantity"),
    ROW(PRODUCT_CODE, CD, 0, 1, PP "/pharm:code"),
    ROW(PRODUCT_NAME, TEXT, 0, 1, PP "/pharm:name"),
    ROW(DESCRIPTION, TEXT, 0, 1, PP "/pharm:desc"),
    ROWB(DOSE_FORM, CD, 0, 1, PP "/pharm:formCode", VS(2)),
    ROW(PACKAGE_QUANTITY, PQ, 0, 1, PP "/" PKG "/pharm:quantity"),
    ROW(PACKAGE_CODE, CD, 0, 1, PP "/" PKGP "/pharm:code"),
    ROW(PACKAGE_NAME, TEXT, 0, 1, PP "/" PKGP "/pharm:name"),
    ROWB(PACKAGE_FORM, CD, 0, 1, PP "/" PKGP "/pharm:formCode", VS(3)),
    ITEM(OUTER_PACKAGE, PACKAGE, 0, 1, PP "/" PKGP "/" PKG),
    ROWB(ATC, CD, 0, 1, PP "/" GRIC, VS(24)),
    ROW(CLASSIFICATION, CD, 0, N, PP "/" GEN),
    ITEM(INGREDIENT, INGREDIENT, 0, N, PP "/+pharm:ingredient{classCode=ACTI}"),
};

#define PRODUCT "manufacturedProduct{classCode=MANU}{templateId=" EH "3.29}"

/* ---- prescription item (substanceAdministration, SBADM/INT) ---------------- */

#define SUBJ "+entryRelationship[@typeCode=SUBJ]{inversionInd=true}"

/* eH.3.2: id and statusCode 1..1 M, the product 1..1 R */
static const epsos__row_src prescription_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROW(CODE, CD, 0, 1, "code"),
    ROW(TEXT_REFERENCE, TEXT, 0, 1, "text/reference/@value"),
    ROWF(STATUS, CS, 1, 1, "statusCode", M),
    /* the treatment period: eHDSI allows 1..* IVL_TS; the first is read
     * and written here, the others (e.g. SK: a "duration of treatment" and
     * a "date of onset") as further_period items */
    ROWF(PERIOD, TS, 1, 1, "effectiveTime[type=IVL_TS][first]",
         EPSOS__ROW_NF_UNK | EPSOS__ROW_NF_ONLY),
    ROW(START, TS, 0, 1, "effectiveTime[type=IVL_TS][first]/low"),
    ROW(END, TS, 0, 1, "effectiveTime[type=IVL_TS][first]/high"),
    ITEM(FURTHER_PERIOD, TREATMENT_PERIOD, 0, N, "+effectiveTime[type=IVL_TS][!first]"),
    /* a single administration: no xsi:type (the XSD refuses TS on SXCM_TS);
     * documents that write xsi:type="TS" are read too, and so is a frequency
     * that is only a nullFlavor (<effectiveTime xsi:type="PIVL_TS"
     * nullFlavor="UNK"/>, which would otherwise be lost in a round trip):
     * written back as <effectiveTime nullFlavor="UNK"/>, which the eH.3.2
     * frequency choice accepts as well */
    ROWA(FREQUENCY_TIME, TS, 0, 1, "effectiveTime[!type]",
         "effectiveTime[type=TS|PIVL_TS|EIVL_TS|SXPR_TS][leaf]"),
    ROW(FREQUENCY, PQ, 0, 1,
        "effectiveTime[type=PIVL_TS]{operator=A}{institutionSpecified=false}/period"),
    ROW(PHASE, TS, 0, 1,
        "effectiveTime[type=PIVL_TS]{operator=A}{institutionSpecified=false}/phase/low"),
    ROW(INSTITUTION_SPECIFIED, TEXT, 0, 1,
        "effectiveTime[type=PIVL_TS]{operator=A}/@institutionSpecified"),
    ROWB(EVENT, CD, 0, 1, "effectiveTime[type=EIVL_TS]{operator=A}/event", VS(41)),
    ROW(OFFSET, PQ, 0, 1, "effectiveTime[type=EIVL_TS]{operator=A}/offset"),
    /* SXPR_TS: a set expression of PIVL_TS / EIVL_TS components (the first
     * without operator, the others with I (intersect), A, E, ...) */
    ITEM(SCHEDULE, TIMING, 0, N, "effectiveTime[type=SXPR_TS]{operator=A}/+comp[type=PIVL_TS]"),
    ITEM(SCHEDULE_EVENT, TIMING, 0, N,
         "effectiveTime[type=SXPR_TS]{operator=A}/+comp[type=EIVL_TS]"),
    ROWB(ROUTE, CD, 0, 1, "routeCode", VS(12)),
    ROWB(DOSE, PQ, 0, 1, "doseQuantity", VS(16)),
    ROWB(DOSE_LOW, PQ, 0, 1, "doseQuantity/low", VS(16)),
    ROWB(DOSE_HIGH, PQ, 0, 1, "doseQuantity/high", VS(16)),
    ITEM(PRODUCT, PRODUCT, 1, 1, "consumable{typeCode=CSM}/" PRODUCT),
    /* the prescriber of this item (functionCode, time, assignedAuthor) */
    ITEM(AUTHOR, AUTHOR, 0, N, "+author"),
    /* eH.3.2: the supply 1..1 R, its quantity 1..1 M */
    ROWF(PACKAGES, PQ, 1, 1,
        "+entryRelationship[@typeCode=COMP]/supply[@classCode=SPLY][@moodCode=RQO]"
        "{>independentInd=@value=false}/quantity", M),
    /* the substitution observation is 0..1, its value 1..1 M (M on a row
     * of min 0: mandatory where the observation is there) */
    ROWBF(SUBSTITUTION, CD, 0, 1,
          SUBJ "/observation[code=SUBST]{classCode=OBS}{moodCode=EVN}"
          "{>code=SUBST|2.16.840.1.113883.5.6|Substitution}/value{xsi:type=CE}", VS(7), M),
    ROW(INSTRUCTIONS, TEXT, 0, 1,
        SUBJ "/act[tid=" EH "3.12]{classCode=ACT}{moodCode=INT}"
        "{templateId=2.16.840.1.113883.10.20.1.49}"
        "{>code=PINSTRUCT|1.3.6.1.4.1.19376.1.5.3.2|Patient instructions}"
        "{>statusCode=completed}/text"),
    ROW(FULFILMENT_INSTRUCTIONS, TEXT, 0, 1,
        SUBJ "/act[tid=" EH "3.13]{classCode=ACT}{moodCode=INT}"
        "{templateId=2.16.840.1.113883.10.20.1.43}"
        "{>code=FINSTRUCT|1.3.6.1.4.1.19376.1.5.3.2|Fulfilment instructions|IHEActCode}"
        "{>statusCode=completed}/text"),
};

/* The manufacturer / marketing authorisation holder (element:
 * manufacturerOrganization): not an eHDSIOrganization (no telecom or
 * address required); eH.3.29 wants an id or a name when not null. */
static const epsos__row_src manufacturer_rows[] = {
    ROWA(ID, II, 0, N, "id", "epsos:id"),
    ROWA(ORGANIZATION_NAME, TEXT, 0, 1, "name", "epsos:name"),
    ROW(TELECOM, TEL, 0, N, "telecom"),
    ITEM(ADDRESS, ADDRESS, 0, N, "addr"),
};

/* A component of an SXPR_TS frequency (element: comp). */
static const epsos__row_src timing_rows[] = {
    ROW(OPERATOR, TEXT, 0, 1, "@operator"),
    ROW(INSTITUTION_SPECIFIED, TEXT, 0, 1, "@institutionSpecified"),
    ROW(PHASE, TS, 0, 1, "phase/low"),
    ROW(FREQUENCY, PQ, 0, 1, "period"),
    ROWB(EVENT, CD, 0, 1, "event", VS(41)),
    ROW(OFFSET, PQ, 0, 1, "offset"),
};

/* A further treatment period of a prescription (element: effectiveTime,
 * IVL_TS, after the first); its own nullFlavor is the item's. */
static const epsos__row_src period_rows[] = {
    ROW(START, TS, 0, 1, "low"),
    ROW(END, TS, 0, 1, "high"),
};

/* ---- dispensation item (supply, SPLY/EVN) --------------------------------- */

#define REFR "entryRelationship[@typeCode=REFR]/substanceAdministration[@classCode=SBADM]" \
             "{moodCode=INT}"

/* eH.3.3: id, quantity and the prescription reference (entryRelationship
 * REFR, its substanceAdministration with a consumable, and that one's id)
 * 1..1 M; the dispensed product, the performer and the prescribed product
 * (the consumable of the reference) 1..1 R */
static const epsos__row_src dispense_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROW(TEXT_REFERENCE, TEXT, 0, 1, "text/reference/@value"),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(EFFECTIVE_TIME, TS, 0, 1, "effectiveTime"),
    ROWF(QUANTITY, PQ, 1, 1, "quantity", M),
    ITEM(PRODUCT, PRODUCT, 1, 1, "product{typeCode=PRD}/" PRODUCT),
    ITEM(DISPENSER, DISPENSER, 1, 1, "performer{typeCode=PRF}"),
    ITEM(PARTICIPANT, DISPENSE_PARTICIPANT, 0, N,
         "+participant[@contextControlCode=OP]{typeCode=PRF}"),
    ROWF(PRESCRIPTION_ID, II, 1, 1, REFR "/id", M),
    ITEM(PRESCRIBED_PRODUCT, PRODUCT, 1, 1, REFR "/consumable{typeCode=CSM}/" PRODUCT),
    ROW(SUBSTITUTION, CD, 0, 1,
        "+entryRelationship[@typeCode=COMP]/act[code=SUBST]{classCode=ACT}{moodCode=EVN}/code"),
};

/* eH.3.3 performer/assignedEntity: id, addr, telecom 1..* R */
static const epsos__row_src dispenser_rows[] = {
    ROW(TIME, TS, 0, 1, "time"),
    ROW(ID, II, 1, N, "assignedEntity/id"),
    ROW(CODE, CD, 0, 1, "assignedEntity/code"),
    ITEM(ADDRESS, ADDRESS, 1, N, "assignedEntity/addr"),
    ROW(TELECOM, TEL, 1, N, "assignedEntity/telecom"),
    ITEM(NAME, NAME, 0, 1, "assignedEntity/assignedPerson/name"),
    ITEM(ORGANIZATION, ORGANIZATION, 0, 1, "assignedEntity/representedOrganization"),
};

/* A participant of a dispensation (eH.3.3 participant[@contextControlCode='OP']):
 * the participation's typeCode (ParticipationType), the licensed role
 * (participantRole LIC: id, code of RoleCode, addr, telecom) and the
 * organization that licenses it (scopingEntity ORG INSTANCE: id, code of
 * EntityCode, desc). */
#define ROLE "participantRole{classCode=LIC}"
#define SCOPING ROLE "/scopingEntity{classCode=ORG}{determinerCode=INSTANCE}"
static const epsos__row_src participant_rows[] = {
    ROW(TYPE_CODE, TEXT, 1, 1, "@typeCode"),
    ROW(ID, II, 0, N, ROLE "/id"),
    ROW(CODE, CD, 0, 1, ROLE "/code"),
    ITEM(ADDRESS, ADDRESS, 0, N, ROLE "/addr"),
    ROW(TELECOM, TEL, 0, N, ROLE "/telecom"),
    ROW(SCOPING_ID, II, 0, N, SCOPING "/id"),
    ROW(SCOPING_CODE, CD, 0, 1, SCOPING "/code"),
    ROW(SCOPING_DESC, TEXT, 0, 1, SCOPING "/desc"),
};

/* ---- narrative columns ---------------------------------------------------- */

static const int32_t prescription_cols[] = { EPSOS_F_PRODUCT, EPSOS_F_ID, EPSOS_F_DOSE,
    EPSOS_F_DOSE_LOW, EPSOS_F_DOSE_HIGH, EPSOS_F_FREQUENCY, EPSOS_F_EVENT,
    EPSOS_F_FREQUENCY_TIME, EPSOS_F_SCHEDULE, EPSOS_F_SCHEDULE_EVENT, EPSOS_F_ROUTE,
    EPSOS_F_START, EPSOS_F_END, EPSOS_F_FURTHER_PERIOD, EPSOS_F_PACKAGES,
    EPSOS_F_SUBSTITUTION, EPSOS_F_INSTRUCTIONS, EPSOS_F_FULFILMENT_INSTRUCTIONS, 0 };
static const int32_t dispense_cols[] = { EPSOS_F_PRODUCT, EPSOS_F_ID, EPSOS_F_QUANTITY,
    EPSOS_F_PRESCRIPTION_ID, EPSOS_F_PRESCRIBED_PRODUCT, EPSOS_F_SUBSTITUTION, 0 };
static const int32_t product_cols[] = { EPSOS_F_PRODUCT_NAME, EPSOS_F_PRODUCT_CODE,
    EPSOS_F_ATC, EPSOS_F_DOSE_FORM, EPSOS_F_DESCRIPTION, EPSOS_F_PACKAGE_QUANTITY,
    EPSOS_F_PACKAGE_FORM, 0 };
static const int32_t timing_cols[] = { EPSOS_F_FREQUENCY, EPSOS_F_EVENT, 0 };
static const int32_t period_cols[] = { EPSOS_F_START, EPSOS_F_END, 0 };

/* ---- kinds ----------------------------------------------------------------- */

#define SECTION_KIND(k, name, rows, match, create, title) \
    { EPSOS_KIND_##k, name, rows, sizeof rows / sizeof rows[0], EPSOS_KIND_SECTION, match, \
      create, title, NULL, NULL, {0}, {0} }
#define ENTRY_KIND(k, name, rows, cols) \
    { EPSOS_KIND_##k, name, rows, sizeof rows / sizeof rows[0], 0, NULL, NULL, NULL, cols, \
      NULL, {0}, {0} }

static epsos__kind_table ep_kinds[] = {
    SECTION_KIND(EP_SECTION, "prescription_section", ep_section_rows,
                 "[code=57828-6][tid=" EH "2.1]",
                 "{classCode=DOCSECT}{moodCode=EVN}{templateId=" EH "2.1}"
                 "{>code=57828-6|" LOINC "|Prescription list}",
                 "Prescriptions"),
    SECTION_KIND(ED_SECTION, "dispensation_section", ed_section_rows,
                 "[code=60590-7][tid=" EH "2.2]",
                 "{classCode=DOCSECT}{moodCode=EVN}{templateId=" EH "2.2}"
                 "{>code=60590-7|" LOINC "|Medication dispensed.brief}",
                 "Dispensed medicine"),
    ENTRY_KIND(PRESCRIPTION, "prescription", prescription_rows, prescription_cols),
    ENTRY_KIND(DISPENSE, "dispensation", dispense_rows, dispense_cols),
    ENTRY_KIND(PRODUCT, "product", product_rows, product_cols),
    ENTRY_KIND(DISPENSER, "dispenser", dispenser_rows, NULL),
    ENTRY_KIND(PACKAGE, "package", package_rows, NULL),
    ENTRY_KIND(PART, "part", part_rows, NULL),
    ENTRY_KIND(TIMING, "timing", timing_rows, timing_cols),
    ENTRY_KIND(MANUFACTURER, "manufacturer", manufacturer_rows, NULL),
    ENTRY_KIND(TREATMENT_PERIOD, "treatment_period", period_rows, period_cols),
    ENTRY_KIND(DISPENSE_PARTICIPANT, "dispense_participant", participant_rows, NULL),
};

#define FN(f, n) { EPSOS_F_##f, n }
static const epsos__field_name ep_fields[] = {
    FN(PRESCRIPTION, "prescription"), FN(DISPENSE, "dispensation"), FN(PRODUCT, "product"),
    FN(PACKAGES, "packages"), FN(SUBSTITUTION, "substitution"), FN(DOSE_LOW, "dose_low"),
    FN(DOSE_HIGH, "dose_high"), FN(FULFILMENT_INSTRUCTIONS, "fulfilment_instructions"),
    FN(DESCRIPTION, "description"), FN(PACKAGE_CODE, "package_code"),
    FN(PRESCRIPTION_ID, "prescription_id"), FN(PRESCRIBED_PRODUCT, "prescribed_product"),
    FN(DISPENSER, "dispenser"), FN(FREQUENCY_TIME, "frequency_time"),
    FN(PACKAGE_NAME, "package_name"), FN(OUTER_PACKAGE, "outer_package"), FN(PART, "part"),
    FN(CLASSIFICATION, "classification"), FN(MANUFACTURER, "manufacturer"),
    FN(PHASE, "phase"), FN(INSTITUTION_SPECIFIED, "institution_specified"),
    FN(SCHEDULE, "schedule"), FN(SCHEDULE_EVENT, "schedule_event"),
    FN(OPERATOR, "operator"), FN(OFFSET, "offset"), FN(FURTHER_PERIOD, "further_period"),
    FN(PARTICIPANT, "participant"), FN(TYPE_CODE, "type_code"), FN(SCOPING_ID, "scoping_id"),
    FN(SCOPING_CODE, "scoping_code"), FN(SCOPING_DESC, "scoping_desc"),
};

const epsos__kind_set epsos__ep_set = {
    ep_kinds, sizeof ep_kinds / sizeof ep_kinds[0],
    ep_fields, sizeof ep_fields / sizeof ep_fields[0],
};
