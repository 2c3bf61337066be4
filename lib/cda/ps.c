/*
 * libepsos: the template table of the Patient Summary body (eHDSI PS,
 * template 1.3.6.1.4.1.12559.11.10.1.3.1.1.3): section kinds, entry kinds
 * and their fields, as rows (see lib/model/table.h for the path syntax).
 * SPDX-License-Identifier: MIT
 *
 * Sections are recognised by their LOINC code or by a templateId of either
 * generation (eHDSI eH.2.x, legacy IHE PCC); entries by their templateIds.
 * Legacy epSOS medication paths (urn:epsos-org:ep:medication) are alternate
 * paths of the same rows.
 */
#include "config.h"
#include <string.h>
#include "model/model.h"
#include "model/dt.h"
#include "cda.h"

#define N UINT32_MAX
#define EH "1.3.6.1.4.1.12559.11.10.1.3.1."
#define PCC "1.3.6.1.4.1.19376.1.5.3.1."
#define LOINC "2.16.840.1.113883.6.1"
#define SNOMED "2.16.840.1.113883.6.96"
#define VS(n) EH "42." #n
/* row flags: M = mandatory (no nullFlavor; a missing one is an error of
 * epsos_doc_complete), NF_NA = required, nullFlavor NA when missing; rows
 * with min > 0 and neither are R (nullFlavor NI when missing) */
#define M EPSOS__ROW_MANDATORY
#define NF_NA EPSOS__ROW_NF_NA


/* ---- sections ------------------------------------------------------------ */

#define SECTION_COMMON \
    ROW(TEMPLATE_ID, II, 0, N, "templateId"), \
    ROW(ID, II, 0, 1, "id"), \
    ROWBF(CODE, CD, 1, 1, "code", VS(26), M), \
    /* every eHDSI PS section template: title and text 1..1 M (the builder \
     * writes the kind's title, in the document language, and the text) */ \
    ROWF(TITLE, TEXT, 1, 1, "title", M), \
    ROWF(NARRATIVE, TEXT, 1, 1, "text", M), \
    ITEM(AUTHOR, AUTHOR, 0, N, "+author"), \
    ITEM(SECTION, SECTION, 0, N, "+component/section")

#define ENTRY "+entry{typeCode=DRIV}/"

static const epsos__row_src medication_section_rows[] = {
    SECTION_COMMON,
    ITEM(MEDICATION, MEDICATION, 1, N,
         ENTRY "substanceAdministration[@classCode=SBADM]{moodCode=INT}"
         "{templateId=" EH "3.4}{templateId=2.16.840.1.113883.10.20.1.24}"),
};

static const epsos__row_src allergies_section_rows[] = {
    SECTION_COMMON,
    ITEM(ALLERGY, ALLERGY_CONCERN, 1, N,
         ENTRY "act[@classCode=ACT]{moodCode=EVN}{templateId=" EH "3.16}"
         "{>code=CONC|2.16.840.1.113883.5.6|Concern}"),
};

static const epsos__row_src problems_section_rows[] = {
    SECTION_COMMON,
    ITEM(PROBLEM, PROBLEM_CONCERN, 0, N,
         ENTRY "act[@classCode=ACT]{moodCode=EVN}{templateId=" EH "3.15}"
         "{templateId=2.16.840.1.113883.10.20.1.27}{>code=CONC|2.16.840.1.113883.5.6|Concern}"),
};

static const epsos__row_src surgeries_section_rows[] = {
    SECTION_COMMON,
    ITEM(PROCEDURE, PROCEDURE, 1, N,
         ENTRY "procedure{classCode=PROC}{moodCode=EVN}{templateId=" EH "3.26}"),
};

static const epsos__row_src devices_section_rows[] = {
    SECTION_COMMON,
    ITEM(DEVICE, DEVICE, 1, N, ENTRY "supply{classCode=SPLY}{moodCode=EVN}{templateId=" EH "3.5}"),
};

static const epsos__row_src immunizations_section_rows[] = {
    SECTION_COMMON,
    ITEM(IMMUNIZATION, IMMUNIZATION, 1, N,
         ENTRY "substanceAdministration[@classCode=SBADM]{moodCode=EVN}{templateId=" EH "3.19}"
         "{templateId=" PCC "4.12}{templateId=2.16.840.1.113883.10.20.1.24}"
         "{>code=IMMUNIZ|1.3.5.1.4.1.19376.1.5.3.2|Immunization}"),
};

static const epsos__row_src past_illness_section_rows[] = {
    SECTION_COMMON,
    ITEM(PROBLEM, PROBLEM_CONCERN, 0, N,
         ENTRY "act[@classCode=ACT]{moodCode=EVN}{templateId=" EH "3.15}"
         "{templateId=2.16.840.1.113883.10.20.1.27}{>code=CONC|2.16.840.1.113883.5.6|Concern}"),
};

static const epsos__row_src functional_section_rows[] = {
    SECTION_COMMON,
    ITEM(FUNCTIONAL_STATUS, FUNCTIONAL_STATUS, 0, N,
         ENTRY "organizer{classCode=CLUSTER}{moodCode=EVN}{templateId=" EH "3.39}"
         "{>statusCode=completed}"),
};

static const epsos__row_src social_section_rows[] = {
    SECTION_COMMON,
    ITEM(SOCIAL_HISTORY, SOCIAL_HISTORY, 1, N,
         ENTRY "observation{classCode=OBS}{moodCode=EVN}{templateId=" EH "3.23}"
         "{templateId=" EH "3.20}{templateId=" PCC "4.13}{templateId=" PCC "4.13.4}"
         "{templateId=2.16.840.1.113883.10.20.1.33}{>statusCode=completed}"),
};

static const epsos__row_src pregnancy_section_rows[] = {
    SECTION_COMMON,
    /* the pregnancy status; an expected delivery date (eH.3.24, which
     * carries the PCC pregnancy templateId as well) as an entry of its own
     * is read and written as one */
    ITEM(PREGNANCY, PREGNANCY, 0, 1,
         ENTRY "observation[tid=" EH "3.45|" PCC "4.13.5][!tid=" EH "3.24]"
         "{classCode=OBS}{moodCode=EVN}"
         "{>code=82810-3|" LOINC "|Pregnancy status}{>statusCode=completed}"),
    ITEM(EXPECTED_DELIVERY, EXPECTED_DELIVERY, 0, N,
         ENTRY "observation[tid=" EH "3.24]{classCode=OBS}{moodCode=EVN}"
         "{templateId=" EH "3.20}{templateId=" PCC "4.13}{templateId=" PCC "4.13.5}"
         "{>statusCode=completed}"),
    ITEM(PREGNANCY_OUTCOME, PREGNANCY_OUTCOME, 0, N,
         ENTRY "observation[tid=" EH "3.46]{classCode=OBS}{moodCode=EVN}{>statusCode=completed}"),
    ITEM(PREGNANCY_COUNT, PREGNANCY_COUNT, 0, N,
         ENTRY "observation[tid=" EH "3.47]{classCode=OBS}{moodCode=EVN}"
         "{>code=93857-1|" LOINC "|Date and outcome of pregnancy}{>statusCode=completed}"),
};

static const epsos__row_src vital_signs_section_rows[] = {
    SECTION_COMMON,
    ITEM(VITAL_SIGNS, VITAL_SIGNS, 0, N,
         ENTRY "organizer{classCode=CLUSTER}{moodCode=EVN}{templateId=" EH "3.21}"
         "{templateId=" PCC "4.13.1}{templateId=2.16.840.1.113883.10.20.1.32}"
         "{templateId=2.16.840.1.113883.10.20.1.35}{>code=46680005|" SNOMED "|Vital signs}"
         "{>statusCode=completed}"),
};

static const epsos__row_src results_section_rows[] = {
    SECTION_COMMON,
    ITEM(RESULT, RESULT_ORGANIZER, 0, N,
         ENTRY "organizer{classCode=BATTERY}{moodCode=EVN}{templateId=" EH "3.42}"
         "{>statusCode=completed}"),
    ITEM(BLOOD_GROUP, BLOOD_GROUP, 0, N,
         ENTRY "observation[tid=" EH "3.25]{classCode=OBS}{moodCode=EVN}"
         "{>code=34530-6|" LOINC "|ABO and Rh group}{>statusCode=completed}"),
};

static const epsos__row_src narrative_section_rows[] = {
    SECTION_COMMON,
};

/* ---- entries ------------------------------------------------------------- */

/* The medicinal product, both generations. */
#define MP "consumable/manufacturedProduct{classCode=MANU}{templateId=" EH "3.31}/" \
           "manufacturedMaterial{classCode=MMAT}{determinerCode=KIND}{templateId=" EH "3.32}"
#define MP_OLD "consumable/manufacturedProduct/manufacturedMaterial"

static const epsos__row_src medication_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROWB(CODE, CD, 0, 1, "code", VS(49)),
    ROW(TEXT_REFERENCE, TEXT, 0, 1, "text/reference/@value"),
    ROWF(STATUS, CS, 1, 1, "statusCode", M),
    /* the period: the first IVL_TS; further ones (some legacy documents
     * write a second, empty one) as further_period items, as in the eP */
    /* 1..1 R in eH.3.4, but a null period beside a non-null frequency
     * breaks RIM-001: not filled in, the caller writes it (UNK if unknown) */
    /* eHDSIMedicationItem: nullFlavor UNK only */
    ROWF(PERIOD, TS, 0, 1, "effectiveTime[type=IVL_TS][first]",
         EPSOS__ROW_NF_UNK | EPSOS__ROW_NF_ONLY),
    ROW(START, TS, 0, 1, "effectiveTime[type=IVL_TS][first]/low"),
    ROW(END, TS, 0, 1, "effectiveTime[type=IVL_TS][first]/high"),
    ITEM(FURTHER_PERIOD, TREATMENT_PERIOD, 0, N, "+effectiveTime[type=IVL_TS][!first]"),
    ROW(EFFECTIVE_TIME, TS, 0, 1, "effectiveTime[!type]"),
    ROW(FREQUENCY, PQ, 0, 1,
        "effectiveTime[type=PIVL_TS]{operator=A}{institutionSpecified=false}/period"),
    ROWBV(EVENT, CD, 0, 1, "effectiveTime[type=EIVL_TS]{operator=A}/event", VS(41),
          EPSOS__VS_STRICT | EPSOS__VS_BODY | EPSOS__VS_CODE_ONLY, NULL),
    /* SXPR_TS frequency: the components of the eP (EPSOS_KIND_TIMING) */
    ITEM(SCHEDULE, TIMING, 0, N, "effectiveTime[type=SXPR_TS]{operator=A}/+comp[type=PIVL_TS]"),
    ITEM(SCHEDULE_EVENT, TIMING, 0, N,
         "effectiveTime[type=SXPR_TS]{operator=A}/+comp[type=EIVL_TS]"),
    ROWB(ROUTE, CD, 0, 1, "routeCode", VS(12)),
    ROWB(DOSE, PQ, 0, 1, "doseQuantity", VS(16)),
    /* R: the consumable is required (nullFlavor NA when no product code) */
    ROWF(PRODUCT_CODE, CD, 1, 1, MP "/code", NF_NA),
    ROW(PRODUCT_NAME, TEXT, 0, 1, MP "/name"),
    ROWBA(DOSE_FORM, CD, 0, 1, MP "/pharm:formCode", VS(2), MP_OLD "/epsos:formCode"),
    ROWBA(ATC, CD, 0, 1,
          MP "/pharm:asSpecializedKind{classCode=GRIC}/pharm:generalizedMaterialKind"
          "{classCode=MMAT}{determinerCode=KIND}/pharm:code", VS(24),
          MP_OLD "/epsos:asSpecializedKind/epsos:generalizedMedicineClass/epsos:code"),
    ROWA(PACKAGE_QUANTITY, PQ, 0, 1, MP "/pharm:asContent{classCode=CONT}/pharm:quantity",
         MP_OLD "/epsos:asContent/epsos:containerPackagedMedicine/epsos:capacityQuantity"),
    ROWBA(PACKAGE_FORM, CD, 0, 1,
          MP "/pharm:asContent{classCode=CONT}/pharm:containerPackagedProduct{classCode=CONT}"
          "{determinerCode=KIND}/pharm:formCode", VS(3),
          MP_OLD "/epsos:asContent/epsos:containerPackagedMedicine/epsos:formCode"),
    /* the package, as in the eP product model (lib/cda/ep.c) */
    ROW(PACKAGE_CODE, CD, 0, 1,
        MP "/pharm:asContent{classCode=CONT}/pharm:containerPackagedProduct{classCode=CONT}"
        "{determinerCode=KIND}/pharm:code"),
    ROWA(PACKAGE_NAME, TEXT, 0, 1,
         MP "/pharm:asContent{classCode=CONT}/pharm:containerPackagedProduct{classCode=CONT}"
         "{determinerCode=KIND}/pharm:name",
         MP_OLD "/epsos:asContent/epsos:containerPackagedMedicine/epsos:name"),
    ITEMA(INGREDIENT, INGREDIENT, 0, N, MP "/+pharm:ingredient{classCode=ACTI}",
          MP_OLD "/epsos:ingredient[@classCode=ACTI]"),
    ITEM(REASON, MEDICATION_REASON, 0, N,
         "+entryRelationship[@typeCode=RSON]/observation[tid=" EH "3.41]{classCode=OBS}"
         "{moodCode=EVN}{templateId=" PCC "4.13}{>statusCode=completed}"),
    /* reason: a problem elsewhere in the document (eHDSIInternalReference) */
    ITEM(REASON_REFERENCE, INTERNAL_REFERENCE, 0, N,
         "+entryRelationship[@typeCode=RSON]/act[tid=" EH "3.14]{classCode=ACT}{moodCode=EVN}"
         "{templateId=" PCC "4.4.1}"),
    ITEM(AUTHOR, AUTHOR, 0, N, "+author"),
    ROW(INSTRUCTIONS, TEXT, 0, 1,
        "+entryRelationship[@typeCode=SUBJ]{inversionInd=true}/act[tid=" EH "3.12]"
        "{classCode=ACT}{moodCode=INT}{templateId=2.16.840.1.113883.10.20.1.49}"
        "{>code=PINSTRUCT|1.3.6.1.4.1.19376.1.5.3.2|Patient instructions}"
        "{>statusCode=completed}/text"),
    ROW(FULFILMENT_INSTRUCTIONS, TEXT, 0, 1,
        "+entryRelationship[@typeCode=SUBJ]{inversionInd=true}/act[tid=" EH "3.13]"
        "{classCode=ACT}{moodCode=INT}{templateId=2.16.840.1.113883.10.20.1.43}"
        "{>code=FINSTRUCT|1.3.6.1.4.1.19376.1.5.3.2|Fulfilment instructions|IHEActCode}"
        "{>statusCode=completed}/text"),
    /* subordinate dosing: further dose regimens (split dose, tapering),
     * each with its own sequenceNumber, time and dose (EPSOS_KIND_DOSING) */
    ITEM(DOSING, DOSING, 0, N, "+entryRelationship[@typeCode=COMP]{>sequenceNumber=@value=1}"),
};

/* A subordinate dose regimen of a medication (element: the
 * entryRelationship[@typeCode=COMP] holding a substanceAdministration).
 * The eH.3.4 rules want sequenceNumber (INT) 1..1 M; the CDA schema wants
 * the nested substanceAdministration's consumable, here its product code
 * (the product is the medication's: nullFlavor NA by default).  No
 * narrative row of its own: the medication's row lists its regimens (the
 * dosing column) and the nested statement refers to that row. */
#define SUB "substanceAdministration[@classCode=SBADM]{moodCode=INT}"
#define SUB_MP SUB "/consumable{typeCode=CSM}/manufacturedProduct{classCode=MANU}/" \
               "manufacturedMaterial{classCode=MMAT}{determinerCode=KIND}"
static const epsos__row_src dosing_rows[] = {
    ROWF(SEQUENCE, TEXT, 1, 1, "sequenceNumber/@value", M),
    ROW(ID, II, 0, N, SUB "/id"),
    ROW(CODE, CD, 0, 1, SUB "/code"),
    ROW(STATUS, CS, 0, 1, SUB "/statusCode"),
    ROW(PERIOD, TS, 0, 1, SUB "/effectiveTime[type=IVL_TS]"),
    ROW(START, TS, 0, 1, SUB "/effectiveTime[type=IVL_TS]/low"),
    ROW(END, TS, 0, 1, SUB "/effectiveTime[type=IVL_TS]/high"),
    ROW(EFFECTIVE_TIME, TS, 0, 1, SUB "/effectiveTime[!type]"),
    ROW(FREQUENCY, PQ, 0, 1,
        SUB "/effectiveTime[type=PIVL_TS]{operator=A}{institutionSpecified=false}/period"),
    ROWB(EVENT, CD, 0, 1, SUB "/effectiveTime[type=EIVL_TS]{operator=A}/event", VS(41)),
    ROWB(ROUTE, CD, 0, 1, SUB "/routeCode", VS(12)),
    ROWB(DOSE, PQ, 0, 1, SUB "/doseQuantity", VS(16)),
    ROWB(DOSE_LOW, PQ, 0, 1, SUB "/doseQuantity/low", VS(16)),
    ROWB(DOSE_HIGH, PQ, 0, 1, SUB "/doseQuantity/high", VS(16)),
    ROWF(PRODUCT_CODE, CD, 1, 1, SUB_MP "/code", NF_NA),
};

/* An internal reference (act eH.3.14): the id and code (or code nullFlavor
 * NA) of an entry elsewhere in the document, e.g. the problem a medication
 * treats. */
static const epsos__row_src internal_reference_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROWF(CODE, CD, 1, 1, "code", NF_NA),
};

static const epsos__row_src medication_reason_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROWBF(CODE, CD, 1, 1, "code", VS(23), M),
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROWB(VALUE, CD, 1, 1, "value{xsi:type=CE}", VS(5)),
};

static const epsos__row_src ingredient_rows[] = {
    ROWBA(STRENGTH_NUMERATOR, PQ, 0, 1, "pharm:quantity/numerator{xsi:type=PQ}", VS(16),
          "epsos:quantity/epsos:numerator"),
    ROWBA(STRENGTH_DENOMINATOR, PQ, 0, 1, "pharm:quantity/denominator{xsi:type=PQ}", VS(16),
          "epsos:quantity/epsos:denominator"),
    ROWBA(SUBSTANCE, CD, 1, 1,
          "pharm:ingredientSubstance{classCode=MMAT}{determinerCode=KIND}/pharm:code", VS(24),
          "epsos:ingredient/epsos:code"),
};

/* An observation nested below an entry: "+entryRelationship[...]" then the
 * observation with its templateId, code and status; `v` is the value step. */
#define SUBOBST(type, inv, tid, code, text, vt) \
    "+entryRelationship[@typeCode=" type "]" inv "/observation[tid=" tid "]" \
    "{classCode=OBS}{moodCode=EVN}{>code=" code "}{>statusCode=completed}" \
    "/value{xsi:type=" vt "}"
#define SUBOBS(type, inv, tid, code) \
    "+entryRelationship[@typeCode=" type "]" inv "/observation[tid=" tid "]" \
    "{classCode=OBS}{moodCode=EVN}{>code=" code "}{>statusCode=completed}/value{xsi:type=CD}"

static const epsos__row_src allergy_concern_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(START, TS, 0, 1, "effectiveTime/low"),
    ROW(END, TS, 0, 1, "effectiveTime/high"),
    ITEM(OBSERVATION, ALLERGY, 1, N,
         "+entryRelationship[@typeCode=SUBJ]{inversionInd=false}/observation"
         "{classCode=OBS}{moodCode=EVN}{templateId=" EH "3.17}"),
};

static const epsos__row_src allergy_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROWBV(CODE, CD, 1, 1, "code", VS(18), EPSOS__VS_STRICT | EPSOS__VS_BODY | EPSOS__VS_UP(1),
          NULL),
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M),
    ROW(STATUS, CS, 1, 1, "statusCode"),
    ROW(START, TS, 0, 1, "effectiveTime/low"),
    ROW(END, TS, 0, 1, "effectiveTime/high"),
    ROWB(VALUE, CD, 0, 1, "value{xsi:type=CD}", VS(47)),
    ROWBV(AGENT, CD, 0, 1,
          "participant{typeCode=CSM}/participantRole{classCode=MANU}/playingEntity{classCode=MMAT}/code",
          VS(19), 0, VS(24) "|" VS(61)),
    ITEM(REACTION, REACTION, 0, N,
         "+entryRelationship[@typeCode=MFST]{inversionInd=true}/observation"
         "{classCode=OBS}{moodCode=EVN}{templateId=" EH "3.44}"
         "{>code=418799008|" SNOMED "|Finding reported by subject or history provider}"),
    ROWB(CRITICALITY, CD, 0, 1,
         SUBOBST("SUBJ", "{inversionInd=true}", EH "3.33", "82606-5|" LOINC "|Criticality",
                 "Criticality", "CE"), VS(57)),
    ROWB(CERTAINTY, CD, 0, 1,
         SUBOBST("SUBJ", "{inversionInd=true}", EH "3.35", "66455-7|" LOINC "|Certainty",
                 "Certainty", "CE"), VS(58)),
    ROWB(CLINICAL_STATUS, CD, 0, 1,
         SUBOBST("REFR", "", EH "3.34", "33999-4|" LOINC "|Status", "Status", "CE"), VS(59)),
};

static const epsos__row_src reaction_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROWB(CODE, CD, 0, 1, "code", VS(23)),
    ROW(TEXT_REFERENCE, TEXT, 0, 1, "text/reference/@value"),
    ROW(START, TS, 0, 1, "effectiveTime/low"),
    ROW(END, TS, 0, 1, "effectiveTime/high"),
    ROWB(VALUE, CD, 1, 1, "value{xsi:type=CD}", VS(11)),
    ROWB(SEVERITY, CD, 0, 1,
         SUBOBST("SUBJ", "{inversionInd=true}", EH "3.8", "SEV|2.16.840.1.113883.5.4|Severity",
                 "Severity", "CD"),
         VS(13)),
};

static const epsos__row_src problem_concern_rows[] = {
    ROW(ID, II, 1, N, "id"),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(START, TS, 0, 1, "effectiveTime/low"),
    ROW(END, TS, 0, 1, "effectiveTime/high"),
    ITEM(OBSERVATION, PROBLEM, 1, N,
         "+entryRelationship[@typeCode=SUBJ]{inversionInd=false}/observation"
         "{classCode=OBS}{moodCode=EVN}{templateId=" EH "3.7}"),
};

static const epsos__row_src problem_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROWB(CODE, CD, 0, 1, "code", VS(23)),
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(START, TS, 0, 1, "effectiveTime/low"),
    ROW(END, TS, 0, 1, "effectiveTime/high"),
    ROWBV(VALUE, CD, 0, 1, "value{xsi:type=CD}", VS(5), 0, VS(50) "|" VS(63)),
    ROWB(SEVERITY, CD, 0, 1,
         SUBOBST("SUBJ", "{inversionInd=true}", EH "3.8", "SEV|2.16.840.1.113883.5.4|Severity",
                 "Severity", "CD"),
         VS(13)),
    /* (eHDSICertaintyObservation: the value is a CE, as the allergy's) */
    ROWB(CERTAINTY, CD, 0, 1,
         SUBOBST("SUBJ", "{inversionInd=true}", EH "3.49", "66455-7|" LOINC "|Certainty",
                 "Certainty", "CE"), VS(64)),
    ROWB(CLINICAL_STATUS, CD, 0, 1,
         SUBOBS("REFR", "", EH "3.9", "33999-4|" LOINC "|Status"), VS(15)),
    ROWB(HEALTH_STATUS, CD, 0, 1,
         SUBOBS("REFR", "", EH "3.10", "11323-3|" LOINC "|Health status"), VS(30)),
    ROW(COMMENT, TEXT, 0, N,
        "+entryRelationship[@typeCode=SUBJ]{inversionInd=true}/act[tid=" EH "3.11]"
        "{classCode=ACT}{moodCode=EVN}{templateId=2.16.840.1.113883.10.20.1.40}"
        "{>code=48767-8|" LOINC "|Annotation comment}{>statusCode=completed}/text"),
};

static const epsos__row_src procedure_rows[] = {
    ROW(ID, II, 1, N, "id"),
    ROWBV(CODE, CD, 1, 1, "code", VS(10), EPSOS__VS_STRICT | EPSOS__VS_BODY | EPSOS__VS_UP(1),
          VS(51)),
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M),
    ROW(STATUS, CS, 1, 1, "statusCode"),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROWB(TARGET_SITE, CD, 0, N, "targetSiteCode", VS(65)),
};

#define PDEV "participant{typeCode=DEV}/participantRole{classCode=MANU}"
static const epsos__row_src device_rows[] = {
    ROW(ID, II, 0, N, "id"),
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M),
    ROW(START, TS, 1, 1, "effectiveTime{xsi:type=IVL_TS}/low"),
    ROW(END, TS, 0, 1, "effectiveTime{xsi:type=IVL_TS}/high"),
    ROW(DEVICE_ID, II, 0, N, PDEV "/id"),
    ROWBV(DEVICE_CODE, CD, 1, 1, PDEV "/playingDevice{classCode=DEV}{determinerCode=INSTANCE}/code",
          VS(8), EPSOS__VS_STRICT | EPSOS__VS_BODY | EPSOS__VS_FIXED | EPSOS__VS_UP(3), VS(48)),
};

#define VACCINE "consumable{typeCode=CSM}/manufacturedProduct{classCode=MANU}{templateId=" EH "3.18}" \
                "{templateId=2.16.840.1.113883.10.20.1.53}/manufacturedMaterial{classCode=MMAT}" \
                "{determinerCode=KIND}"
static const epsos__row_src immunization_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROW(CODE, CD, 0, 1, "code"),
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M),
    ROW(STATUS, CS, 1, 1, "statusCode"),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROWB(ROUTE, CD, 0, 1, "routeCode", VS(12)),
    ROWB(DOSE, PQ, 0, 1, "doseQuantity", VS(16)),
    ROWBV(VACCINE, CD, 1, 1, VACCINE "/code", VS(28),
          EPSOS__VS_STRICT | EPSOS__VS_BODY | EPSOS__VS_UP(2), NULL),
    ROW(PRODUCT_NAME, TEXT, 1, 1, VACCINE "/name"),
    ROW(LOT_NUMBER, TEXT, 0, 1, VACCINE "/lotNumberText"),
    ROWB(TARGET_DISEASE, CD, 0, N,
         "+participant{typeCode=IND}/participantRole{classCode=AGNT}"
         "{>playingEntity=@classCode=ENT}/code", VS(5)),
    ROW(DOSE_NUMBER, TEXT, 0, 1,
        "+entryRelationship[@typeCode=SUBJ]{inversionInd=true}/observation[tid=" EH "3.28]"
        "{classCode=OBS}{moodCode=EVN}{>code=30973-2|" LOINC "|Dose number}"
        "{>statusCode=completed}/value{xsi:type=INT}/@value"),
};

static const epsos__row_src functional_status_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROWF(CODE, CD, 1, 1, "code", M),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(EFFECTIVE_TIME, TS, 0, 1, "effectiveTime"),
    ITEM(OBSERVATION, FUNCTIONAL_OBSERVATION, 1, N,
         "+component/observation{classCode=OBS}{moodCode=EVN}{templateId=" EH "3.40}"
         "{templateId=" PCC "4.13}{>statusCode=completed}"),
};

/* A simple observation: id, code, narrative reference, status, time. */
#define OBS_COMMON(code_min) \
    ROWF(ID, II, 1, 1, "id", M), \
    ROWF(CODE, CD, code_min, 1, "code", M), \
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M), \
    ROW(STATUS, CS, 0, 1, "statusCode")

static const epsos__row_src functional_observation_rows[] = {
    OBS_COMMON(1),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROW(VALUE, CD, 1, 1, "value{xsi:type=CD}"),
};

static const epsos__row_src social_history_rows[] = {
    /* OBS_COMMON(1), with the code bound: eH.3.23 selects the code by its
     * value set (eHDSISocialHistory, 42.14) */
    ROWF(ID, II, 1, 1, "id", M),
    ROWBFV(CODE, CD, 1, 1, "code", VS(14), M,
           EPSOS__VS_STRICT | EPSOS__VS_BODY | EPSOS__VS_UP(1), NULL),
    ROWF(TEXT_REFERENCE, TEXT, 1, 1, "text/reference/@value", M),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(START, TS, 1, 1, "effectiveTime/low"),
    ROW(END, TS, 0, 1, "effectiveTime/high"),
    ROW(QUANTITY, PQ, 1, N, "value{xsi:type=PQ}"),
};

static const epsos__row_src pregnancy_rows[] = {
    OBS_COMMON(0),
    ROW(EFFECTIVE_TIME, TS, 0, 1, "effectiveTime"),
    ROWB(VALUE, CD, 1, 1, "value{xsi:type=CE}", VS(60)),
    ITEM(EXPECTED_DELIVERY, EXPECTED_DELIVERY, 0, N,
         "+entryRelationship[@typeCode=COMP]/observation{classCode=OBS}{moodCode=EVN}"
         "{templateId=" EH "3.24}{templateId=" EH "3.20}{templateId=" PCC "4.13}"
         "{templateId=" PCC "4.13.5}{>statusCode=completed}"),
};

static const epsos__row_src expected_delivery_rows[] = {
    OBS_COMMON(1),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROW(VALUE, TS, 1, 1, "value{xsi:type=TS}"),
};

static const epsos__row_src pregnancy_outcome_rows[] = {
    OBS_COMMON(1),
    ROW(EFFECTIVE_TIME, TS, 0, 1, "effectiveTime"),
    ROW(COUNT, TEXT, 0, 1, "value{xsi:type=INT}/@value"),
};

/* eH.3.47 (93857-1): the 2024-04 rules type its value TS (the date of a
 * previous pregnancy's outcome; effectiveTime TS without children).  A value
 * typed INT (a count, as older builders wrote) is read as COUNT. */
static const epsos__row_src pregnancy_count_rows[] = {
    OBS_COMMON(1),
    ROW(EFFECTIVE_TIME, TS, 0, 1, "effectiveTime"),
    ROW(VALUE, TS, 1, 1, "value[type=TS]"),
    ROW(COUNT, TEXT, 0, 1, "value[type=INT]/@value"),
};

static const epsos__row_src vital_signs_rows[] = {
    ROWF(ID, II, 1, 1, "id", M),
    ROW(CODE, CD, 0, 1, "code"),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ITEM(OBSERVATION, VITAL_SIGN, 1, N,
         "+component/observation{classCode=OBS}{moodCode=EVN}{templateId=" EH "3.22}"
         "{templateId=" EH "3.20}{templateId=" PCC "4.13}{templateId=" PCC "4.13.2}"
         "{templateId=2.16.840.1.113883.10.20.1.31}{>statusCode=completed}"),
};

static const epsos__row_src vital_sign_rows[] = {
    OBS_COMMON(1),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROW(QUANTITY, PQ, 1, 1, "value{xsi:type=PQ}"),
    ROW(INTERPRETATION, CD, 0, N, "interpretationCode"),
};

static const epsos__row_src result_organizer_rows[] = {
    ROW(ID, II, 1, 1, "id"),
    ROW(CODE, CD, 1, 1, "code"),
    ROW(STATUS, CS, 0, 1, "statusCode"),
    ROW(EFFECTIVE_TIME, TS, 0, 1, "effectiveTime"),
    ITEM(OBSERVATION, RESULT, 1, N,
         "+component/observation{classCode=OBS}{moodCode=EVN}{templateId=" EH "3.43}"
         "{templateId=" PCC "4.13}{>statusCode=completed}"),
};

static const epsos__row_src result_rows[] = {
    OBS_COMMON(1),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROW(VALUE, CD, 0, 1, "value[type=CD|CE|CV|CO]{xsi:type=CD}"),
    ROW(QUANTITY, PQ, 0, 1, "value[type=PQ]"),
    ROW(INTERPRETATION, CD, 0, N, "interpretationCode"),
    ROW(TARGET_SITE, CD, 0, 1, "targetSiteCode"),
    /* the reference range (IVL_PQ) */
    ROW(RANGE_LOW, PQ, 0, 1, "referenceRange{typeCode=REFV}/observationRange{classCode=OBS}"
        "{moodCode=EVN.CRT}/value[type=IVL_PQ]/low"),
    ROW(RANGE_HIGH, PQ, 0, 1, "referenceRange{typeCode=REFV}/observationRange{classCode=OBS}"
        "{moodCode=EVN.CRT}/value[type=IVL_PQ]/high"),
};

static const epsos__row_src blood_group_rows[] = {
    OBS_COMMON(1),
    ROW(EFFECTIVE_TIME, TS, 1, 1, "effectiveTime"),
    ROWB(VALUE, CD, 1, N, "value{xsi:type=CD}", VS(20)),
};

/* ---- narrative columns ---------------------------------------------------- */

static const int32_t medication_cols[] = { EPSOS_F_PRODUCT_NAME, EPSOS_F_PRODUCT_CODE,
    EPSOS_F_ATC, EPSOS_F_DOSE_FORM, EPSOS_F_DOSE, EPSOS_F_FREQUENCY, EPSOS_F_EVENT,
    EPSOS_F_DOSING, EPSOS_F_ROUTE, EPSOS_F_START, EPSOS_F_END, EPSOS_F_INSTRUCTIONS, EPSOS_F_CODE,
    EPSOS_F_PACKAGE_NAME, EPSOS_F_FULFILMENT_INSTRUCTIONS, 0 };
static const int32_t dosing_cols[] = { EPSOS_F_SEQUENCE, EPSOS_F_DOSE, EPSOS_F_DOSE_LOW,
    EPSOS_F_DOSE_HIGH, EPSOS_F_FREQUENCY, EPSOS_F_EVENT, EPSOS_F_EFFECTIVE_TIME, EPSOS_F_ROUTE,
    EPSOS_F_START, EPSOS_F_END, 0 };
static const int32_t reason_cols[] = { EPSOS_F_VALUE, EPSOS_F_CODE, EPSOS_F_EFFECTIVE_TIME, 0 };
static const int32_t allergy_cols[] = { EPSOS_F_CODE, EPSOS_F_AGENT, EPSOS_F_VALUE,
    EPSOS_F_CRITICALITY, EPSOS_F_CERTAINTY, EPSOS_F_CLINICAL_STATUS, EPSOS_F_START,
    EPSOS_F_END, 0 };
static const int32_t reaction_cols[] = { EPSOS_F_VALUE, EPSOS_F_SEVERITY, EPSOS_F_START, 0 };
static const int32_t problem_cols[] = { EPSOS_F_VALUE, EPSOS_F_CODE, EPSOS_F_SEVERITY,
    EPSOS_F_CERTAINTY, EPSOS_F_CLINICAL_STATUS, EPSOS_F_HEALTH_STATUS, EPSOS_F_START,
    EPSOS_F_END, EPSOS_F_COMMENT, 0 };
static const int32_t procedure_cols[] = { EPSOS_F_CODE, EPSOS_F_TARGET_SITE,
    EPSOS_F_EFFECTIVE_TIME, 0 };
static const int32_t device_cols[] = { EPSOS_F_DEVICE_CODE, EPSOS_F_DEVICE_ID, EPSOS_F_START,
    EPSOS_F_END, 0 };

static const int32_t immunization_cols[] = { EPSOS_F_VACCINE, EPSOS_F_PRODUCT_NAME,
    EPSOS_F_TARGET_DISEASE, EPSOS_F_DOSE_NUMBER, EPSOS_F_LOT_NUMBER, EPSOS_F_EFFECTIVE_TIME, 0 };
static const int32_t coded_obs_cols[] = { EPSOS_F_CODE, EPSOS_F_VALUE, EPSOS_F_EFFECTIVE_TIME, 0 };
static const int32_t social_cols[] = { EPSOS_F_CODE, EPSOS_F_QUANTITY, EPSOS_F_START,
    EPSOS_F_END, 0 };
static const int32_t count_cols[] = { EPSOS_F_CODE, EPSOS_F_COUNT, EPSOS_F_EFFECTIVE_TIME, 0 };
static const int32_t pregnancy_obs_cols[] = { EPSOS_F_CODE, EPSOS_F_VALUE, EPSOS_F_COUNT,
    EPSOS_F_EFFECTIVE_TIME, 0 };
static const int32_t vital_cols[] = { EPSOS_F_CODE, EPSOS_F_QUANTITY, EPSOS_F_INTERPRETATION,
    EPSOS_F_EFFECTIVE_TIME, 0 };
static const int32_t result_cols[] = { EPSOS_F_CODE, EPSOS_F_VALUE, EPSOS_F_QUANTITY,
    EPSOS_F_INTERPRETATION, EPSOS_F_EFFECTIVE_TIME, EPSOS_F_RANGE_LOW, EPSOS_F_RANGE_HIGH, 0 };

/* ---- kinds ----------------------------------------------------------------- */

#define SECTION_KIND(k, name, rows, match, create, title) \
    { EPSOS_KIND_##k, name, rows, sizeof rows / sizeof rows[0], EPSOS_KIND_SECTION, match, \
      create, title, NULL, NULL, {0}, {0} }
#define ENTRY_KIND(k, name, rows, cols) \
    { EPSOS_KIND_##k, name, rows, sizeof rows / sizeof rows[0], 0, NULL, NULL, NULL, cols, \
      NULL, {0}, {0} }
#define SEC_CODE(c, d) "{>code=" c "|" LOINC "|" d "}"

static epsos__kind_table ps_kinds[] = {
    SECTION_KIND(PS_MEDICATION_SECTION, "medication_summary", medication_section_rows,
                 "[code=10160-0][tid=" EH "2.3|" PCC "3.19]",
                 "{classCode=DOCSECT}{templateId=" EH "2.3}{templateId=2.16.840.1.113883.10.20.1.8}"
                 SEC_CODE("10160-0", "History of Medication use Narrative"),
                 "Medication Summary"),
    SECTION_KIND(PS_ALLERGIES_SECTION, "allergies", allergies_section_rows,
                 "[code=48765-2][tid=" EH "2.12|" PCC "3.13]",
                 "{classCode=DOCSECT}{templateId=" EH "2.12}"
                 SEC_CODE("48765-2", "Allergies and adverse reactions Document"),
                 "Allergies and Intolerances"),
    SECTION_KIND(PS_PROBLEMS_SECTION, "active_problems", problems_section_rows,
                 "[code=11450-4][tid=" EH "2.9|" PCC "3.6]",
                 "{classCode=DOCSECT}{templateId=" EH "2.9}{templateId=2.16.840.1.113883.10.20.1.11}"
                 SEC_CODE("11450-4", "Problem list - Reported"),
                 "Active Problems"),
    SECTION_KIND(PS_SURGERIES_SECTION, "surgeries", surgeries_section_rows,
                 "[code=47519-4][tid=" EH "2.11|" PCC "3.12]",
                 "{classCode=DOCSECT}{templateId=" EH "2.11}"
                 SEC_CODE("47519-4", "History of Procedures Document"),
                 "History of Procedures"),
    SECTION_KIND(PS_DEVICES_SECTION, "medical_devices", devices_section_rows,
                 "[code=46264-8][tid=" EH "2.4|" PCC "1.5.3.5]",
                 "{classCode=DOCSECT}{templateId=" EH "2.4}{templateId=2.16.840.1.113883.10.20.1.7}"
                 SEC_CODE("46264-8", "History of medical device use"),
                 "Medical Devices"),
    SECTION_KIND(PS_CARE_PLAN_SECTION, "care_plan", narrative_section_rows,
                 "[code=18776-5][tid=" EH "2.8|" PCC "3.31]",
                 "{classCode=DOCSECT}{templateId=" EH "2.8}{templateId=2.16.840.1.113883.10.20.1.10}"
                 SEC_CODE("18776-5", "Plan of care note"),
                 "Health Maintenance Care Plan"),
    SECTION_KIND(PS_ADVANCE_DIRECTIVES_SECTION, "advance_directives", narrative_section_rows,
                 "[code=42348-3][tid=" EH "2.16|" PCC "3.34]",
                 "{classCode=DOCSECT}{templateId=" EH "2.16}"
                 SEC_CODE("42348-3", "Advance directives"),
                 "Advance Directives"),
    SECTION_KIND(PS_IMMUNIZATIONS_SECTION, "immunizations", immunizations_section_rows,
                 "[code=11369-6][tid=" EH "2.15|" PCC "3.23]",
                 "{classCode=DOCSECT}{templateId=" EH "2.15}{templateId=2.16.840.1.113883.10.20.1.6}"
                 SEC_CODE("11369-6", "History of Immunization Narrative"),
                 "Immunizations"),
    SECTION_KIND(PS_PAST_ILLNESS_SECTION, "past_illness", past_illness_section_rows,
                 "[code=11348-0][tid=" EH "2.10|" PCC "3.8]",
                 "{classCode=DOCSECT}{templateId=" EH "2.10}"
                 SEC_CODE("11348-0", "History of Past illness Narrative"),
                 "History of Past Illness"),
    SECTION_KIND(PS_FUNCTIONAL_STATUS_SECTION, "functional_status", functional_section_rows,
                 "[code=47420-5][tid=" EH "2.14|" PCC "3.17]",
                 "{classCode=DOCSECT}{templateId=" EH "2.14}"
                 SEC_CODE("47420-5", "Functional status assessment note"),
                 "Functional Status"),
    SECTION_KIND(PS_SOCIAL_HISTORY_SECTION, "social_history", social_section_rows,
                 "[code=29762-2][tid=" EH "2.13|" PCC "3.16.1]",
                 "{classCode=DOCSECT}{templateId=" EH "2.13}{templateId=2.16.840.1.113883.10.20.1.15}"
                 SEC_CODE("29762-2", "Social history Narrative"),
                 "Social History"),
    SECTION_KIND(PS_PREGNANCY_SECTION, "pregnancy_history", pregnancy_section_rows,
                 "[code=10162-6][tid=" EH "2.7|" PCC "1.5.3.4]",
                 "{classCode=DOCSECT}{templateId=" EH "2.7}"
                 SEC_CODE("10162-6", "History of pregnancies Narrative"),
                 "History of Pregnancies"),
    SECTION_KIND(PS_VITAL_SIGNS_SECTION, "vital_signs", vital_signs_section_rows,
                 "[code=8716-3][tid=" EH "2.6|" PCC "1.5.3.2|" PCC "3.25]",
                 "{classCode=DOCSECT}{templateId=" EH "2.6}"
                 SEC_CODE("8716-3", "Vital signs"),
                 "Vital Signs"),
    SECTION_KIND(PS_RESULTS_SECTION, "results", results_section_rows,
                 "[code=30954-2][tid=" EH "2.5|" PCC "3.28]",
                 "{classCode=DOCSECT}{templateId=" EH "2.5}"
                 SEC_CODE("30954-2", "Relevant diagnostic tests/laboratory data Narrative"),
                 "Results"),
    ENTRY_KIND(MEDICATION, "medication", medication_rows, medication_cols),
    ENTRY_KIND(ALLERGY_CONCERN, "allergy_concern", allergy_concern_rows, NULL),
    ENTRY_KIND(ALLERGY, "allergy", allergy_rows, allergy_cols),
    ENTRY_KIND(REACTION, "reaction", reaction_rows, reaction_cols),
    ENTRY_KIND(PROBLEM_CONCERN, "problem_concern", problem_concern_rows, NULL),
    ENTRY_KIND(PROBLEM, "problem", problem_rows, problem_cols),
    ENTRY_KIND(PROCEDURE, "procedure", procedure_rows, procedure_cols),
    ENTRY_KIND(DEVICE, "device", device_rows, device_cols),
    ENTRY_KIND(INGREDIENT, "ingredient", ingredient_rows, NULL),
    ENTRY_KIND(IMMUNIZATION, "immunization", immunization_rows, immunization_cols),
    ENTRY_KIND(FUNCTIONAL_STATUS, "functional_assessment", functional_status_rows, NULL),
    ENTRY_KIND(FUNCTIONAL_OBSERVATION, "functional_observation", functional_observation_rows,
               coded_obs_cols),
    ENTRY_KIND(SOCIAL_HISTORY, "social_history_observation", social_history_rows, social_cols),
    ENTRY_KIND(PREGNANCY, "pregnancy", pregnancy_rows, coded_obs_cols),
    ENTRY_KIND(EXPECTED_DELIVERY, "expected_delivery", expected_delivery_rows, coded_obs_cols),
    ENTRY_KIND(PREGNANCY_OUTCOME, "pregnancy_outcome", pregnancy_outcome_rows, count_cols),
    ENTRY_KIND(PREGNANCY_COUNT, "pregnancy_count", pregnancy_count_rows, pregnancy_obs_cols),
    ENTRY_KIND(VITAL_SIGNS, "vital_signs_organizer", vital_signs_rows, NULL),
    ENTRY_KIND(VITAL_SIGN, "vital_sign", vital_sign_rows, vital_cols),
    ENTRY_KIND(RESULT_ORGANIZER, "result_organizer", result_organizer_rows, NULL),
    ENTRY_KIND(RESULT, "result", result_rows, result_cols),
    ENTRY_KIND(BLOOD_GROUP, "blood_group", blood_group_rows, coded_obs_cols),
    ENTRY_KIND(MEDICATION_REASON, "medication_reason", medication_reason_rows, reason_cols),
    ENTRY_KIND(INTERNAL_REFERENCE, "internal_reference", internal_reference_rows, NULL),
    ENTRY_KIND(DOSING, "dosing", dosing_rows, dosing_cols),
};

#define FN(f, n) { EPSOS_F_##f, n }
static const epsos__field_name ps_fields[] = {
    FN(TEXT_REFERENCE, "text_reference"), FN(STATUS, "status"), FN(START, "start"),
    FN(END, "end"), FN(VALUE, "value"), FN(NARRATIVE, "narrative"),
    FN(MEDICATION, "medication"), FN(ALLERGY, "allergy"), FN(PROBLEM, "problem"),
    FN(PROCEDURE, "procedure"), FN(DEVICE, "device"), FN(OBSERVATION, "observation"),
    FN(AGENT, "agent"), FN(REACTION, "reaction"), FN(SEVERITY, "severity"),
    FN(CRITICALITY, "criticality"), FN(CERTAINTY, "certainty"),
    FN(CLINICAL_STATUS, "clinical_status"), FN(HEALTH_STATUS, "health_status"),
    FN(COMMENT, "comment"), FN(PRODUCT_CODE, "product_code"), FN(PRODUCT_NAME, "product_name"),
    FN(DOSE_FORM, "dose_form"), FN(ATC, "atc"), FN(INGREDIENT, "ingredient"),
    FN(STRENGTH_NUMERATOR, "strength_numerator"),
    FN(STRENGTH_DENOMINATOR, "strength_denominator"), FN(SUBSTANCE, "substance"),
    FN(ROUTE, "route"), FN(DOSE, "dose"), FN(FREQUENCY, "frequency"),
    FN(TARGET_SITE, "target_site"), FN(REASON, "reason"),
    FN(PACKAGE_QUANTITY, "package_quantity"), FN(PACKAGE_FORM, "package_form"),
    FN(DEVICE_ID, "device_id"), FN(PERIOD, "period"), FN(IMMUNIZATION, "immunization"),
    FN(VACCINE, "vaccine"), FN(LOT_NUMBER, "lot_number"), FN(DOSE_NUMBER, "dose_number"),
    FN(TARGET_DISEASE, "target_disease"), FN(FUNCTIONAL_STATUS, "functional_status"),
    FN(SOCIAL_HISTORY, "social_history"), FN(PREGNANCY, "pregnancy"),
    FN(EXPECTED_DELIVERY, "expected_delivery"), FN(PREGNANCY_OUTCOME, "pregnancy_outcome"),
    FN(PREGNANCY_COUNT, "pregnancy_count"), FN(QUANTITY, "quantity"),
    FN(VITAL_SIGNS, "vital_signs"), FN(RESULT, "result"), FN(BLOOD_GROUP, "blood_group"),
    FN(INTERPRETATION, "interpretation"), FN(COUNT, "count"), FN(EVENT, "event"),
    FN(INSTRUCTIONS, "instructions"), FN(RANGE_LOW, "range_low"),
    FN(RANGE_HIGH, "range_high"), FN(REASON_REFERENCE, "reason_reference"),
    FN(DOSING, "dosing"), FN(SEQUENCE, "sequence"),
};

const epsos__kind_set epsos__ps_set = {
    ps_kinds, sizeof ps_kinds / sizeof ps_kinds[0],
    ps_fields, sizeof ps_fields / sizeof ps_fields[0],
};

/* ---- section titles in other languages (English: the kinds' titles) ---- */

static const struct { int32_t kind; const char *de, *fr, *es, *it, *pt; } titles[] = {
    { EPSOS_KIND_PS_MEDICATION_SECTION, "Medikations\u00fcbersicht", "Traitements m\u00e9dicamenteux",
      "Resumen de medicaci\u00f3n", "Terapie farmacologiche", "Resumo da medica\u00e7\u00e3o" },
    { EPSOS_KIND_PS_ALLERGIES_SECTION, "Allergien und Unvertr\u00e4glichkeiten",
      "Allergies et intol\u00e9rances", "Alergias e intolerancias", "Allergie e intolleranze",
      "Alergias e intoler\u00e2ncias" },
    { EPSOS_KIND_PS_PROBLEMS_SECTION, "Aktuelle Probleme", "Probl\u00e8mes actifs",
      "Problemas activos", "Problemi attivi", "Problemas ativos" },
    { EPSOS_KIND_PS_SURGERIES_SECTION, "Eingriffe", "Ant\u00e9c\u00e9dents chirurgicaux",
      "Procedimientos quir\u00fargicos", "Interventi chirurgici", "Procedimentos cir\u00fargicos" },
    { EPSOS_KIND_PS_DEVICES_SECTION, "Medizinprodukte", "Dispositifs m\u00e9dicaux",
      "Dispositivos m\u00e9dicos", "Dispositivi medici", "Dispositivos m\u00e9dicos" },
    { EPSOS_KIND_PS_CARE_PLAN_SECTION, "Behandlungsplan", "Plan de soins", "Plan de cuidados",
      "Piano di cura", "Plano de cuidados" },
    { EPSOS_KIND_PS_ADVANCE_DIRECTIVES_SECTION, "Patientenverf\u00fcgungen", "Directives anticip\u00e9es",
      "Voluntades anticipadas", "Disposizioni anticipate di trattamento",
      "Diretivas antecipadas de vontade" },
    { EPSOS_KIND_PS_IMMUNIZATIONS_SECTION, "Impfungen", "Vaccinations", "Vacunas",
      "Vaccinazioni", "Vacinas" },
    { EPSOS_KIND_PS_PAST_ILLNESS_SECTION, "Fr\u00fchere Erkrankungen", "Ant\u00e9c\u00e9dents m\u00e9dicaux",
      "Antecedentes de enfermedades", "Anamnesi patologica remota", "Doen\u00e7as anteriores" },
    { EPSOS_KIND_PS_FUNCTIONAL_STATUS_SECTION, "Funktioneller Status", "Statut fonctionnel",
      "Estado funcional", "Stato funzionale", "Estado funcional" },
    { EPSOS_KIND_PS_SOCIAL_HISTORY_SECTION, "Sozialanamnese", "Mode de vie", "Historia social",
      "Anamnesi sociale", "Hist\u00f3ria social" },
    { EPSOS_KIND_PS_PREGNANCY_SECTION, "Schwangerschaften", "Grossesses", "Embarazos",
      "Gravidanze", "Gravidezes" },
    { EPSOS_KIND_PS_VITAL_SIGNS_SECTION, "Vitalparameter", "Signes vitaux", "Signos vitales",
      "Parametri vitali", "Sinais vitais" },
    { EPSOS_KIND_PS_RESULTS_SECTION, "Untersuchungsergebnisse", "R\u00e9sultats d'examens",
      "Resultados de pruebas", "Risultati diagnostici", "Resultados de exames" },
};

const char *epsos__section_title(int32_t kind, const char *language)
{
    if (!language || strlen(language) < 2)
        return NULL;
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
        if (titles[i].kind != kind)
            continue;
        if (!strncmp(language, "de", 2)) return titles[i].de;
        if (!strncmp(language, "fr", 2)) return titles[i].fr;
        if (!strncmp(language, "es", 2)) return titles[i].es;
        if (!strncmp(language, "it", 2)) return titles[i].it;
        if (!strncmp(language, "pt", 2)) return titles[i].pt;
    }
    return NULL;
}

/* ---- translations as read (the lenient path of a builder) ---------------- */
