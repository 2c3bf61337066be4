/*
 * libepsos - corpus acceptance test.
 * SPDX-License-Identifier: MIT
 *
 * Every *.xml file under <corpus>/samples is parsed with libepsos and, as an
 * independent oracle, with libxml2 directly.  The oracle computes the kind
 * and generation of each document from the rules of the API brief and reads
 * every header field with its own table of XPath expressions (below, written
 * from the CDA paths of the brief, not from the library's template table);
 * counts and values must match what the typed getters of libepsos return,
 * recursively through every nested item (patient, authors, ..., sections).
 *
 * Corpus root: $EPSOS_CORPUS (a directory holding samples/), else
 * $top_srcdir/../shared/corpus, else TOP_SRCDIR/../shared/corpus (compile
 * time), else $srcdir/../../shared/corpus.  No corpus: exit 77 (skipped).
 */
#define _XOPEN_SOURCE 700

#include <check.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <epsos.h>

#define NS_HL7   "urn:hl7-org:v3"
#define NS_PHARM "urn:hl7-org:pharm"
#define NS_EPSOS "urn:epsos-org:ep:medication"
#define OID_BASE "1.3.6.1.4.1.12559.11.10.1.3.1."

/* ------------------------------------------------------------------------ */
/* The oracle's own field table: XPath relative to the item's element.       */

typedef struct {
    int32_t     field;
    const char *name;       /* for messages */
    int32_t     type;       /* EPSOS_T_* */
    int32_t     child_kind; /* for EPSOS_T_ITEM */
    const char *xpath;
} ofield;

#define F(f, t, x)     { EPSOS_F_##f, #f, EPSOS_T_##t, 0, x }
#define I(f, k, x)     { EPSOS_F_##f, #f, EPSOS_T_ITEM, EPSOS_KIND_##k, x }

static const ofield o_header[] = {
    F(TEMPLATE_ID, II, "h:templateId"),
    F(REALM, CS, "h:realmCode"),
    F(ID, II, "h:id"),
    F(CODE, CD, "h:code"),
    F(TITLE, TEXT, "h:title"),
    F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    F(CONFIDENTIALITY, CD, "h:confidentialityCode"),
    F(LANGUAGE, CS, "h:languageCode"),
    F(SET_ID, II, "h:setId"),
    F(VERSION_NUMBER, TEXT, "h:versionNumber/@value"),
    I(PATIENT, PATIENT, "h:recordTarget/h:patientRole"),
    I(AUTHOR, AUTHOR, "h:author"),
    I(CUSTODIAN, ORGANIZATION,
      "h:custodian/h:assignedCustodian/h:representedCustodianOrganization"),
    I(LEGAL_AUTHENTICATOR, LEGAL_AUTHENTICATOR, "h:legalAuthenticator"),
    I(CONTACT, CONTACT, "h:participant"),
    F(ORDER_ID, II, "h:inFulfillmentOf/h:order/h:id"),
    F(SERVICE_START, TS, "h:documentationOf/h:serviceEvent/h:effectiveTime/h:low"),
    F(SERVICE_END, TS, "h:documentationOf/h:serviceEvent/h:effectiveTime/h:high"),
    F(PARENT_DOCUMENT_ID, II, "h:relatedDocument/h:parentDocument/h:id"),
    I(SECTION, SECTION, "h:component/h:structuredBody/h:component/h:section"),
};

static const ofield o_patient[] = {
    F(ID, II, "h:id"),
    I(ADDRESS, ADDRESS, "h:addr"),
    F(TELECOM, TEL, "h:telecom"),
    I(NAME, NAME, "h:patient/h:name"),
    F(GENDER, CD, "h:patient/h:administrativeGenderCode"),
    F(BIRTH_TIME, TS, "h:patient/h:birthTime"),
    I(GUARDIAN, GUARDIAN, "h:patient/h:guardian"),
    F(COMM_LANGUAGE, CS, "h:patient/h:languageCommunication/h:languageCode"),
};

static const ofield o_author[] = {
    F(FUNCTION_CODE, CD, "h:functionCode"),
    F(TIME, TS, "h:time"),
    F(ID, II, "h:assignedAuthor/h:id"),
    F(CODE, CD, "h:assignedAuthor/h:code"),
    I(ADDRESS, ADDRESS, "h:assignedAuthor/h:addr"),
    F(TELECOM, TEL, "h:assignedAuthor/h:telecom"),
    I(NAME, NAME, "h:assignedAuthor/h:assignedPerson/h:name"),
    F(DEVICE_CODE, CD, "h:assignedAuthor/h:assignedAuthoringDevice/h:code"),
    F(DEVICE_MODEL, TEXT,
      "h:assignedAuthor/h:assignedAuthoringDevice/h:manufacturerModelName"),
    F(DEVICE_SOFTWARE, TEXT, "h:assignedAuthor/h:assignedAuthoringDevice/h:softwareName"),
    I(ORGANIZATION, ORGANIZATION, "h:assignedAuthor/h:representedOrganization"),
};

static const ofield o_organization[] = {
    F(ID, II, "h:id"),
    F(ORGANIZATION_NAME, TEXT, "h:name"),
    F(TELECOM, TEL, "h:telecom"),
    I(ADDRESS, ADDRESS, "h:addr"),
};

static const ofield o_legal[] = {
    F(TIME, TS, "h:time"),
    F(SIGNATURE_CODE, CS, "h:signatureCode"),
    F(ID, II, "h:assignedEntity/h:id"),
    F(CODE, CD, "h:assignedEntity/h:code"),
    I(ADDRESS, ADDRESS, "h:assignedEntity/h:addr"),
    F(TELECOM, TEL, "h:assignedEntity/h:telecom"),
    I(NAME, NAME, "h:assignedEntity/h:assignedPerson/h:name"),
    I(ORGANIZATION, ORGANIZATION, "h:assignedEntity/h:representedOrganization"),
};

static const ofield o_contact[] = {
    F(FUNCTION_CODE, CD, "h:functionCode"),
    F(TIME, TS, "h:time"),
    F(CLASS_CODE, TEXT, "h:associatedEntity/@classCode"),
    F(ID, II, "h:associatedEntity/h:id"),
    F(CODE, CD, "h:associatedEntity/h:code"),
    I(ADDRESS, ADDRESS, "h:associatedEntity/h:addr"),
    F(TELECOM, TEL, "h:associatedEntity/h:telecom"),
    I(NAME, NAME, "h:associatedEntity/h:associatedPerson/h:name"),
    I(ORGANIZATION, ORGANIZATION, "h:associatedEntity/h:scopingOrganization"),
};

static const ofield o_guardian[] = {
    F(ID, II, "h:id"),
    F(CODE, CD, "h:code"),
    I(ADDRESS, ADDRESS, "h:addr"),
    F(TELECOM, TEL, "h:telecom"),
    I(NAME, NAME, "h:guardianPerson/h:name"),
    I(ORGANIZATION, ORGANIZATION, "h:guardianOrganization"),
};

static const ofield o_name[] = {
    F(USE, TEXT, "@use"),
    F(PREFIX, TEXT, "h:prefix"),
    F(GIVEN, TEXT, "h:given"),
    F(FAMILY, TEXT, "h:family"),
    F(SUFFIX, TEXT, "h:suffix"),
};

static const ofield o_address[] = {
    F(USE, TEXT, "@use"),
    F(STREET, TEXT, "h:streetAddressLine"),
    F(HOUSE_NUMBER, TEXT, "h:houseNumber"),
    F(STREET_NAME, TEXT, "h:streetName"),
    F(CITY, TEXT, "h:city"),
    F(POSTAL_CODE, TEXT, "h:postalCode"),
    F(STATE, TEXT, "h:state"),
    F(COUNTRY, TEXT, "h:country"),
};

static const ofield o_section[] = {
    F(TEMPLATE_ID, II, "h:templateId"),
    F(ID, II, "h:id"),
    F(CODE, CD, "h:code"),
    F(TITLE, TEXT, "h:title"),
    I(SECTION, SECTION, "h:component/h:section"),
};

/* Patient Summary body (spec cda-pivot.md sections 2.1-2.3, 3.1, 4.2).
 * A section of a PS kind has the fields of a section plus its text and
 * entries; an entry element is found below h:entry by its class. */
#define O_SECTION \
    F(TEMPLATE_ID, II, "h:templateId"), F(ID, II, "h:id"), F(CODE, CD, "h:code"), \
    F(TITLE, TEXT, "h:title"), F(NARRATIVE, TEXT, "h:text"), I(AUTHOR, AUTHOR, "h:author"), \
    I(SECTION, SECTION, "h:component/h:section")
/* eP and eD sections: no section author */
#define O_SECTION_NA \
    F(TEMPLATE_ID, II, "h:templateId"), F(ID, II, "h:id"), F(CODE, CD, "h:code"), \
    F(TITLE, TEXT, "h:title"), F(NARRATIVE, TEXT, "h:text"), \
    I(SECTION, SECTION, "h:component/h:section")
#define EHT "1.3.6.1.4.1.12559.11.10.1.3.1.3."
/* xsi:type is compared by local name (the documents use no prefix or hl7:) */
#define XT(t) "[@xsi:type='" t "' or substring-after(@xsi:type, ':')='" t "']"

static const ofield o_ps_medication_section[] = {
    O_SECTION, I(MEDICATION, MEDICATION, "h:entry/h:substanceAdministration[@classCode='SBADM']"),
};
static const ofield o_ps_allergies_section[] = {
    O_SECTION, I(ALLERGY, ALLERGY_CONCERN, "h:entry/h:act[@classCode='ACT']"),
};
static const ofield o_ps_problems_section[] = {
    O_SECTION, I(PROBLEM, PROBLEM_CONCERN, "h:entry/h:act[@classCode='ACT']"),
};
static const ofield o_ps_surgeries_section[] = {
    O_SECTION, I(PROCEDURE, PROCEDURE, "h:entry/h:procedure"),
};
static const ofield o_ps_devices_section[] = {
    O_SECTION, I(DEVICE, DEVICE, "h:entry/h:supply"),
};
static const ofield o_ps_narrative_section[] = { O_SECTION };
static const ofield o_ps_immunizations_section[] = {
    O_SECTION, I(IMMUNIZATION, IMMUNIZATION, "h:entry/h:substanceAdministration[@classCode='SBADM']"),
};
static const ofield o_ps_past_illness_section[] = {
    O_SECTION, I(PROBLEM, PROBLEM_CONCERN, "h:entry/h:act[@classCode='ACT']"),
};
static const ofield o_ps_functional_section[] = {
    O_SECTION, I(FUNCTIONAL_STATUS, FUNCTIONAL_STATUS, "h:entry/h:organizer"),
};
static const ofield o_ps_social_section[] = {
    O_SECTION, I(SOCIAL_HISTORY, SOCIAL_HISTORY, "h:entry/h:observation"),
};
#define O_TID(t) "[h:templateId/@root='" EHT t "']"
static const ofield o_ps_pregnancy_section[] = {
    O_SECTION,
    I(PREGNANCY, PREGNANCY, "h:entry/h:observation[h:templateId/@root='" EHT "45' or "
                            "h:templateId/@root='1.3.6.1.4.1.19376.1.5.3.1.4.13.5']"
                            "[not(h:templateId/@root='" EHT "24')]"),
    I(EXPECTED_DELIVERY, EXPECTED_DELIVERY, "h:entry/h:observation" O_TID("24")),
    I(PREGNANCY_OUTCOME, PREGNANCY_OUTCOME, "h:entry/h:observation" O_TID("46")),
    I(PREGNANCY_COUNT, PREGNANCY_COUNT, "h:entry/h:observation" O_TID("47")),
};
static const ofield o_ps_vital_signs_section[] = {
    O_SECTION, I(VITAL_SIGNS, VITAL_SIGNS, "h:entry/h:organizer"),
};
static const ofield o_ps_results_section[] = {
    O_SECTION, I(RESULT, RESULT_ORGANIZER, "h:entry/h:organizer"),
    I(BLOOD_GROUP, BLOOD_GROUP, "h:entry/h:observation" O_TID("25")),
};
#define O_VAC "h:consumable/h:manufacturedProduct/h:manufacturedMaterial"
static const ofield o_immunization[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"), F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    F(ROUTE, CD, "h:routeCode"), F(DOSE, PQ, "h:doseQuantity"),
    F(VACCINE, CD, O_VAC "/h:code"), F(PRODUCT_NAME, TEXT, O_VAC "/h:name"),
    F(LOT_NUMBER, TEXT, O_VAC "/h:lotNumberText"),
    F(TARGET_DISEASE, CD, "h:participant/h:participantRole/h:code"),
    F(DOSE_NUMBER, TEXT, "h:entryRelationship[@typeCode='SUBJ']/h:observation" O_TID("28")
                         "/h:value/@value"),
};
#define O_OBS F(ID, II, "h:id"), F(CODE, CD, "h:code"), \
    F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"), F(STATUS, CS, "h:statusCode")
static const ofield o_functional_status[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(STATUS, CS, "h:statusCode"),
    F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    I(OBSERVATION, FUNCTIONAL_OBSERVATION, "h:component/h:observation"),
};
static const ofield o_functional_observation[] = {
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(VALUE, CD, "h:value"),
};
static const ofield o_social_history[] = {
    O_OBS, F(START, TS, "h:effectiveTime/h:low"), F(END, TS, "h:effectiveTime/h:high"),
    F(QUANTITY, PQ, "h:value"),
};
static const ofield o_pregnancy[] = {
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(VALUE, CD, "h:value"),
    I(EXPECTED_DELIVERY, EXPECTED_DELIVERY, "h:entryRelationship[@typeCode='COMP']/h:observation"),
};
static const ofield o_expected_delivery[] = {
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(VALUE, TS, "h:value"),
};
static const ofield o_pregnancy_count[] = {
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(COUNT, TEXT, "h:value/@value"),
};
static const ofield o_pregnancy_obs[] = {      /* eH.3.47: value TS; INT read as count */
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(VALUE, TS, "h:value" XT("TS")),
    F(COUNT, TEXT, "h:value" XT("INT") "/@value"),
};
static const ofield o_dosing[] = {              /* subordinate dosing (entryRelationship COMP) */
    F(SEQUENCE, TEXT, "h:sequenceNumber/@value"), F(ID, II, "h:substanceAdministration/h:id"),
    F(CODE, CD, "h:substanceAdministration/h:code"),
    F(STATUS, CS, "h:substanceAdministration/h:statusCode"),
    F(PERIOD, TS, "h:substanceAdministration/h:effectiveTime" XT("IVL_TS")),
    F(START, TS, "h:substanceAdministration/h:effectiveTime" XT("IVL_TS") "/h:low"),
    F(END, TS, "h:substanceAdministration/h:effectiveTime" XT("IVL_TS") "/h:high"),
    F(EFFECTIVE_TIME, TS, "h:substanceAdministration/h:effectiveTime[not(@xsi:type)]"),
    F(FREQUENCY, PQ, "h:substanceAdministration/h:effectiveTime" XT("PIVL_TS") "/h:period"),
    F(EVENT, CD, "h:substanceAdministration/h:effectiveTime" XT("EIVL_TS") "/h:event"),
    F(ROUTE, CD, "h:substanceAdministration/h:routeCode"),
    F(DOSE, PQ, "h:substanceAdministration/h:doseQuantity"),
    F(DOSE_LOW, PQ, "h:substanceAdministration/h:doseQuantity/h:low"),
    F(DOSE_HIGH, PQ, "h:substanceAdministration/h:doseQuantity/h:high"),
    F(PRODUCT_CODE, CD, "h:substanceAdministration/h:consumable/h:manufacturedProduct"
                        "/h:manufacturedMaterial/h:code"),
};
static const ofield o_vital_signs[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(STATUS, CS, "h:statusCode"),
    F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    I(OBSERVATION, VITAL_SIGN, "h:component/h:observation"),
};
static const ofield o_vital_sign[] = {
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(QUANTITY, PQ, "h:value"),
    F(INTERPRETATION, CD, "h:interpretationCode"),
};
static const ofield o_result_organizer[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(STATUS, CS, "h:statusCode"),
    F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    I(OBSERVATION, RESULT, "h:component/h:observation"),
};
static const ofield o_result[] = {
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    F(VALUE, CD, "h:value" XT("CD") " | h:value" XT("CE") " | h:value" XT("CV") " | h:value" XT("CO")),
    F(QUANTITY, PQ, "h:value" XT("PQ")),
    F(INTERPRETATION, CD, "h:interpretationCode"), F(TARGET_SITE, CD, "h:targetSiteCode"),
    F(RANGE_LOW, PQ, "h:referenceRange/h:observationRange/h:value" XT("IVL_PQ") "/h:low"),
    F(RANGE_HIGH, PQ, "h:referenceRange/h:observationRange/h:value" XT("IVL_PQ") "/h:high"),
};
static const ofield o_blood_group[] = {
    O_OBS, F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(VALUE, CD, "h:value"),
};

#define O_MAT "h:consumable/h:manufacturedProduct/h:manufacturedMaterial"
static const ofield o_medication[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"),
    F(PERIOD, TS, "h:effectiveTime" XT("IVL_TS") "[1]"),
    F(START, TS, "h:effectiveTime" XT("IVL_TS") "[1]/h:low"),
    F(END, TS, "h:effectiveTime" XT("IVL_TS") "[1]/h:high"),
    I(FURTHER_PERIOD, TREATMENT_PERIOD, "h:effectiveTime" XT("IVL_TS") "[position() > 1]"),
    F(EFFECTIVE_TIME, TS, "h:effectiveTime[not(@xsi:type)]"),
    F(FREQUENCY, PQ, "h:effectiveTime" XT("PIVL_TS") "/h:period"),
    F(EVENT, CD, "h:effectiveTime" XT("EIVL_TS") "/h:event"),
    I(SCHEDULE, TIMING, "h:effectiveTime" XT("SXPR_TS") "/h:comp" XT("PIVL_TS")),
    I(SCHEDULE_EVENT, TIMING, "h:effectiveTime" XT("SXPR_TS") "/h:comp" XT("EIVL_TS")),
    F(ROUTE, CD, "h:routeCode"), F(DOSE, PQ, "h:doseQuantity"),
    F(PRODUCT_CODE, CD, O_MAT "/h:code"), F(PRODUCT_NAME, TEXT, O_MAT "/h:name"),
    F(PACKAGE_CODE, CD, O_MAT "/p:asContent/p:containerPackagedProduct/p:code"),
    F(PACKAGE_NAME, TEXT, O_MAT "/p:asContent/p:containerPackagedProduct/p:name | "
                          O_MAT "/e:asContent/e:containerPackagedMedicine/e:name"),
    F(DOSE_FORM, CD, O_MAT "/p:formCode | " O_MAT "/e:formCode"),
    F(ATC, CD, O_MAT "/p:asSpecializedKind/p:generalizedMaterialKind/p:code | "
               O_MAT "/e:asSpecializedKind/e:generalizedMedicineClass/e:code"),
    F(PACKAGE_QUANTITY, PQ, O_MAT "/p:asContent/p:quantity | "
                            O_MAT "/e:asContent/e:containerPackagedMedicine/e:capacityQuantity"),
    F(PACKAGE_FORM, CD, O_MAT "/p:asContent/p:containerPackagedProduct/p:formCode | "
                        O_MAT "/e:asContent/e:containerPackagedMedicine/e:formCode"),
    I(INGREDIENT, INGREDIENT, O_MAT "/p:ingredient | " O_MAT "/e:ingredient[@classCode='ACTI']"),
    I(REASON, MEDICATION_REASON, "h:entryRelationship[@typeCode='RSON']/h:observation"
                                 "[h:templateId/@root='1.3.6.1.4.1.12559.11.10.1.3.1.3.41']"),
    F(INSTRUCTIONS, TEXT, "h:entryRelationship[@typeCode='SUBJ']/h:act"
                          "[h:templateId/@root='1.3.6.1.4.1.12559.11.10.1.3.1.3.12']/h:text"),
    I(REASON_REFERENCE, INTERNAL_REFERENCE, "h:entryRelationship[@typeCode='RSON']/h:act"
                          "[h:templateId/@root='1.3.6.1.4.1.12559.11.10.1.3.1.3.14']"),
    I(AUTHOR, AUTHOR, "h:author"),
    F(FULFILMENT_INSTRUCTIONS, TEXT, "h:entryRelationship[@typeCode='SUBJ']/h:act"
                          "[h:templateId/@root='1.3.6.1.4.1.12559.11.10.1.3.1.3.13']/h:text"),
    I(DOSING, DOSING, "h:entryRelationship[@typeCode='COMP']"),
};
static const ofield o_internal_reference[] = { F(ID, II, "h:id"), F(CODE, CD, "h:code") };
static const ofield o_medication_reason[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"), F(EFFECTIVE_TIME, TS, "h:effectiveTime"), F(VALUE, CD, "h:value"),
};
static const ofield o_ingredient[] = {
    F(STRENGTH_NUMERATOR, PQ, "p:quantity/h:numerator | e:quantity/e:numerator"),
    F(STRENGTH_DENOMINATOR, PQ, "p:quantity/h:denominator | e:quantity/e:denominator"),
    F(SUBSTANCE, CD, "p:ingredientSubstance/p:code | e:ingredient/e:code"),
};
#define O_SUB(t, tid) "h:entryRelationship[@typeCode='" t "']/h:observation[h:templateId/@root='" EHT tid "']/h:value"
static const ofield o_allergy_concern[] = {
    F(ID, II, "h:id"), F(STATUS, CS, "h:statusCode"), F(START, TS, "h:effectiveTime/h:low"),
    F(END, TS, "h:effectiveTime/h:high"),
    I(OBSERVATION, ALLERGY, "h:entryRelationship[@typeCode='SUBJ']/h:observation"),
};
static const ofield o_allergy[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"), F(START, TS, "h:effectiveTime/h:low"),
    F(END, TS, "h:effectiveTime/h:high"), F(VALUE, CD, "h:value"),
    F(AGENT, CD, "h:participant/h:participantRole/h:playingEntity/h:code"),
    I(REACTION, REACTION, "h:entryRelationship[@typeCode='MFST']/h:observation"),
    F(CRITICALITY, CD, O_SUB("SUBJ", "33")), F(CERTAINTY, CD, O_SUB("SUBJ", "35")),
    F(CLINICAL_STATUS, CD, O_SUB("REFR", "34")),
};
static const ofield o_reaction[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(START, TS, "h:effectiveTime/h:low"), F(END, TS, "h:effectiveTime/h:high"),
    F(VALUE, CD, "h:value"), F(SEVERITY, CD, O_SUB("SUBJ", "8")),
};
static const ofield o_problem_concern[] = {
    F(ID, II, "h:id"), F(STATUS, CS, "h:statusCode"), F(START, TS, "h:effectiveTime/h:low"),
    F(END, TS, "h:effectiveTime/h:high"),
    I(OBSERVATION, PROBLEM, "h:entryRelationship[@typeCode='SUBJ']/h:observation"),
};
static const ofield o_problem[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"), F(START, TS, "h:effectiveTime/h:low"),
    F(END, TS, "h:effectiveTime/h:high"), F(VALUE, CD, "h:value"),
    F(SEVERITY, CD, O_SUB("SUBJ", "8")), F(CERTAINTY, CD, O_SUB("SUBJ", "49")),
    F(CLINICAL_STATUS, CD, O_SUB("REFR", "9")), F(HEALTH_STATUS, CD, O_SUB("REFR", "10")),
    F(COMMENT, TEXT, "h:entryRelationship[@typeCode='SUBJ']/h:act"
                     "[h:templateId/@root='1.3.6.1.4.1.12559.11.10.1.3.1.3.11']/h:text"),
};
static const ofield o_procedure[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"), F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    F(TARGET_SITE, CD, "h:targetSiteCode"),
};
static const ofield o_device[] = {
    F(ID, II, "h:id"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(START, TS, "h:effectiveTime/h:low"), F(END, TS, "h:effectiveTime/h:high"),
    F(DEVICE_ID, II, "h:participant/h:participantRole/h:id"),
    F(DEVICE_CODE, CD, "h:participant/h:participantRole/h:playingDevice/h:code"),
};

/* ePrescription and eDispensation (spec cda-pivot.md sections 3.1-3.5, 4.2):
 * the product is read from the manufacturedProduct element, pharm paths of
 * the current generation or epsos paths of the legacy one. */
static const ofield o_ep_section[] = {
    O_SECTION_NA, I(PRESCRIPTION, PRESCRIPTION, "h:entry/h:substanceAdministration[@classCode='SBADM']"),
};
static const ofield o_ed_section[] = {
    O_SECTION_NA, I(DISPENSE, DISPENSE, "h:entry/h:supply[@classCode='SPLY']"),
};
#define O_MM "h:manufacturedMaterial"
static const ofield o_product[] = {
    F(PRODUCT_CODE, CD, O_MM "/h:code"), F(PRODUCT_NAME, TEXT, O_MM "/h:name"),
    F(DESCRIPTION, TEXT, O_MM "/p:desc | " O_MM "/e:desc"),
    F(DOSE_FORM, CD, O_MM "/p:formCode | " O_MM "/e:formCode"),
    F(PACKAGE_QUANTITY, PQ, O_MM "/p:asContent/p:quantity | "
                            O_MM "/e:asContent/e:containerPackagedMedicine/e:capacityQuantity"),
    F(PACKAGE_CODE, CD, O_MM "/p:asContent/p:containerPackagedProduct/p:code"),
    F(PACKAGE_FORM, CD, O_MM "/p:asContent/p:containerPackagedProduct/p:formCode | "
                        O_MM "/e:asContent/e:containerPackagedMedicine/e:formCode"),
    F(ATC, CD, O_MM "/p:asSpecializedKind[@classCode='GRIC']/p:generalizedMaterialKind/p:code | "
               O_MM "/e:asSpecializedKind/e:generalizedMedicineClass/e:code"),
    I(INGREDIENT, INGREDIENT, O_MM "/p:ingredient | " O_MM "/e:ingredient[@classCode='ACTI']"),
    F(PACKAGE_NAME, TEXT, O_MM "/p:asContent/p:containerPackagedProduct/p:name | "
                          O_MM "/e:asContent/e:containerPackagedMedicine/e:name"),
    I(OUTER_PACKAGE, PACKAGE, O_MM "/p:asContent/p:containerPackagedProduct/p:asContent"),
    F(CLASSIFICATION, CD, O_MM "/p:asSpecializedKind[@classCode='GEN']/p:generalizedMaterialKind/p:code"),
    I(PART, PART, O_MM "/p:part"),
    I(MANUFACTURER, MANUFACTURER, "h:manufacturerOrganization | e:marketingAuthorizationHolder"),
};
/* packaging levels 2 and 3 (element: pharm:asContent), kit parts (pharm:part) */
#define O_CPP "p:containerPackagedProduct"
static const ofield o_package[] = {
    F(PACKAGE_QUANTITY, PQ, "p:quantity"), F(PACKAGE_CODE, CD, O_CPP "/p:code"),
    F(PACKAGE_NAME, TEXT, O_CPP "/p:name"), F(PACKAGE_FORM, CD, O_CPP "/p:formCode"),
    I(OUTER_PACKAGE, PACKAGE, O_CPP "/p:asContent"),
};
#define O_PP "p:partProduct"
static const ofield o_part[] = {
    F(QUANTITY, PQ, "p:quantity"), F(PRODUCT_CODE, CD, O_PP "/p:code"),
    F(PRODUCT_NAME, TEXT, O_PP "/p:name"), F(DESCRIPTION, TEXT, O_PP "/p:desc"),
    F(DOSE_FORM, CD, O_PP "/p:formCode"),
    F(PACKAGE_QUANTITY, PQ, O_PP "/p:asContent/p:quantity"),
    F(PACKAGE_CODE, CD, O_PP "/p:asContent/" O_CPP "/p:code"),
    F(PACKAGE_NAME, TEXT, O_PP "/p:asContent/" O_CPP "/p:name"),
    F(PACKAGE_FORM, CD, O_PP "/p:asContent/" O_CPP "/p:formCode"),
    I(OUTER_PACKAGE, PACKAGE, O_PP "/p:asContent/" O_CPP "/p:asContent"),
    F(ATC, CD, O_PP "/p:asSpecializedKind[@classCode='GRIC']/p:generalizedMaterialKind/p:code"),
    F(CLASSIFICATION, CD, O_PP "/p:asSpecializedKind[@classCode='GEN']/p:generalizedMaterialKind/p:code"),
    I(INGREDIENT, INGREDIENT, O_PP "/p:ingredient"),
};
/* manufacturer: hl7 organization, or the legacy epsos MAH */
static const ofield o_manufacturer[] = {
    F(ID, II, "h:id | e:id"), F(ORGANIZATION_NAME, TEXT, "h:name | e:name"),
    F(TELECOM, TEL, "h:telecom"), I(ADDRESS, ADDRESS, "h:addr"),
};
/* a component of an SXPR_TS frequency (element: comp) */
static const ofield o_timing[] = {
    F(OPERATOR, TEXT, "@operator"), F(INSTITUTION_SPECIFIED, TEXT, "@institutionSpecified"),
    F(PHASE, TS, "h:phase/h:low"), F(FREQUENCY, PQ, "h:period"), F(EVENT, CD, "h:event"),
    F(OFFSET, PQ, "h:offset"),
};
static const ofield o_treatment_period[] = {
    F(START, TS, "h:low"), F(END, TS, "h:high"),
};
#define O_SUBJ "h:entryRelationship[@typeCode='SUBJ']"
static const ofield o_prescription[] = {
    F(ID, II, "h:id"), F(CODE, CD, "h:code"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"),
    /* the first IVL_TS period; the others are further_period items */
    F(PERIOD, TS, "h:effectiveTime" XT("IVL_TS") "[1]"),
    F(START, TS, "h:effectiveTime" XT("IVL_TS") "[1]/h:low"),
    F(END, TS, "h:effectiveTime" XT("IVL_TS") "[1]/h:high"),
    I(FURTHER_PERIOD, TREATMENT_PERIOD, "h:effectiveTime" XT("IVL_TS") "[position() > 1]"),
    /* (a timing without content -- only a nullFlavor --, whatever its type, too) */
    F(FREQUENCY_TIME, TS, "h:effectiveTime[not(@xsi:type)] | h:effectiveTime" XT("TS")
      " | h:effectiveTime[not(*)]" XT("PIVL_TS") " | h:effectiveTime[not(*)]" XT("EIVL_TS")
      " | h:effectiveTime[not(*)]" XT("SXPR_TS")),
    F(FREQUENCY, PQ, "h:effectiveTime" XT("PIVL_TS") "/h:period"),
    F(EVENT, CD, "h:effectiveTime" XT("EIVL_TS") "/h:event"),
    F(PHASE, TS, "h:effectiveTime" XT("PIVL_TS") "/h:phase/h:low"),
    F(INSTITUTION_SPECIFIED, TEXT, "h:effectiveTime" XT("PIVL_TS") "/@institutionSpecified"),
    F(OFFSET, PQ, "h:effectiveTime" XT("EIVL_TS") "/h:offset"),
    I(SCHEDULE, TIMING, "h:effectiveTime" XT("SXPR_TS") "/h:comp" XT("PIVL_TS")),
    I(SCHEDULE_EVENT, TIMING, "h:effectiveTime" XT("SXPR_TS") "/h:comp" XT("EIVL_TS")),
    I(AUTHOR, AUTHOR, "h:author"),
    F(ROUTE, CD, "h:routeCode"), F(DOSE, PQ, "h:doseQuantity"),
    F(DOSE_LOW, PQ, "h:doseQuantity/h:low"), F(DOSE_HIGH, PQ, "h:doseQuantity/h:high"),
    I(PRODUCT, PRODUCT, "h:consumable/h:manufacturedProduct"),
    F(PACKAGES, PQ, "h:entryRelationship[@typeCode='COMP']/h:supply[@classCode='SPLY']"
                    "[@moodCode='RQO']/h:quantity"),
    F(SUBSTITUTION, CD, O_SUBJ "/h:observation[h:code/@code='SUBST']/h:value"),
    F(INSTRUCTIONS, TEXT, O_SUBJ "/h:act[h:templateId/@root='" EHT "12']/h:text"),
    F(FULFILMENT_INSTRUCTIONS, TEXT, O_SUBJ "/h:act[h:templateId/@root='" EHT "13']/h:text"),
};
#define O_REFR "h:entryRelationship[@typeCode='REFR']/h:substanceAdministration[@classCode='SBADM']"
static const ofield o_dispense[] = {
    F(ID, II, "h:id"), F(TEXT_REFERENCE, TEXT, "h:text/h:reference/@value"),
    F(STATUS, CS, "h:statusCode"), F(EFFECTIVE_TIME, TS, "h:effectiveTime"),
    F(QUANTITY, PQ, "h:quantity"),
    I(PRODUCT, PRODUCT, "h:product/h:manufacturedProduct"),
    I(DISPENSER, DISPENSER, "h:performer"),
    I(PARTICIPANT, DISPENSE_PARTICIPANT, "h:participant[@contextControlCode='OP']"),
    F(PRESCRIPTION_ID, II, O_REFR "/h:id"),
    I(PRESCRIBED_PRODUCT, PRODUCT, O_REFR "/h:consumable/h:manufacturedProduct"),
    F(SUBSTITUTION, CD, "h:entryRelationship[@typeCode='COMP']/h:act[h:code/@code='SUBST']/h:code"),
};
static const ofield o_dispense_participant[] = {
    F(TYPE_CODE, TEXT, "@typeCode"),
    F(ID, II, "h:participantRole/h:id"), F(CODE, CD, "h:participantRole/h:code"),
    I(ADDRESS, ADDRESS, "h:participantRole/h:addr"),
    F(TELECOM, TEL, "h:participantRole/h:telecom"),
    F(SCOPING_ID, II, "h:participantRole/h:scopingEntity/h:id"),
    F(SCOPING_CODE, CD, "h:participantRole/h:scopingEntity/h:code"),
    F(SCOPING_DESC, TEXT, "h:participantRole/h:scopingEntity/h:desc"),
};
static const ofield o_dispenser[] = {
    F(TIME, TS, "h:time"), F(ID, II, "h:assignedEntity/h:id"),
    F(CODE, CD, "h:assignedEntity/h:code"), I(ADDRESS, ADDRESS, "h:assignedEntity/h:addr"),
    F(TELECOM, TEL, "h:assignedEntity/h:telecom"),
    I(NAME, NAME, "h:assignedEntity/h:assignedPerson/h:name"),
    I(ORGANIZATION, ORGANIZATION, "h:assignedEntity/h:representedOrganization"),
};

/* Section kinds by LOINC code, else by templateId (eHDSI eH.2.x or the
 * legacy IHE PCC section templates), spec sections 2.1 and 4.2. */
static const struct { int32_t kind; const char *code; const char *tids[4]; } o_section_kinds[] = {
    { EPSOS_KIND_PS_MEDICATION_SECTION, "10160-0",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.3", "1.3.6.1.4.1.19376.1.5.3.1.3.19", NULL } },
    { EPSOS_KIND_PS_ALLERGIES_SECTION, "48765-2",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.12", "1.3.6.1.4.1.19376.1.5.3.1.3.13", NULL } },
    { EPSOS_KIND_PS_PROBLEMS_SECTION, "11450-4",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.9", "1.3.6.1.4.1.19376.1.5.3.1.3.6", NULL } },
    { EPSOS_KIND_PS_SURGERIES_SECTION, "47519-4",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.11", "1.3.6.1.4.1.19376.1.5.3.1.3.12", NULL } },
    { EPSOS_KIND_PS_DEVICES_SECTION, "46264-8",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.4", "1.3.6.1.4.1.19376.1.5.3.1.1.5.3.5", NULL } },
    { EPSOS_KIND_PS_CARE_PLAN_SECTION, "18776-5",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.8", "1.3.6.1.4.1.19376.1.5.3.1.3.31", NULL } },
    { EPSOS_KIND_PS_IMMUNIZATIONS_SECTION, "11369-6",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.15", "1.3.6.1.4.1.19376.1.5.3.1.3.23", NULL } },
    { EPSOS_KIND_PS_PAST_ILLNESS_SECTION, "11348-0",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.10", "1.3.6.1.4.1.19376.1.5.3.1.3.8", NULL } },
    { EPSOS_KIND_PS_FUNCTIONAL_STATUS_SECTION, "47420-5",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.14", "1.3.6.1.4.1.19376.1.5.3.1.3.17", NULL } },
    { EPSOS_KIND_PS_SOCIAL_HISTORY_SECTION, "29762-2",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.13", "1.3.6.1.4.1.19376.1.5.3.1.3.16.1", NULL } },
    { EPSOS_KIND_PS_PREGNANCY_SECTION, "10162-6",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.7", "1.3.6.1.4.1.19376.1.5.3.1.1.5.3.4", NULL } },
    { EPSOS_KIND_PS_VITAL_SIGNS_SECTION, "8716-3",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.6", "1.3.6.1.4.1.19376.1.5.3.1.1.5.3.2",
        "1.3.6.1.4.1.19376.1.5.3.1.3.25" } },
    { EPSOS_KIND_PS_RESULTS_SECTION, "30954-2",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.5", "1.3.6.1.4.1.19376.1.5.3.1.3.28", NULL } },
    { EPSOS_KIND_PS_ADVANCE_DIRECTIVES_SECTION, "42348-3",
      { "1.3.6.1.4.1.12559.11.10.1.3.1.2.16", "1.3.6.1.4.1.19376.1.5.3.1.3.34", NULL } },
    { EPSOS_KIND_EP_SECTION, "57828-6", { "1.3.6.1.4.1.12559.11.10.1.3.1.2.1", NULL } },
    { EPSOS_KIND_ED_SECTION, "60590-7", { "1.3.6.1.4.1.12559.11.10.1.3.1.2.2", NULL } },
};

#undef F
#undef I

typedef struct {
    int32_t       kind;
    const char   *name;
    const ofield *fields;
    size_t        nfields;
} okind;

#define K(k, t) { EPSOS_KIND_##k, #k, t, sizeof t / sizeof t[0] }
static const okind o_kinds[] = {
    K(HEADER, o_header), K(PATIENT, o_patient), K(AUTHOR, o_author),
    K(ORGANIZATION, o_organization), K(LEGAL_AUTHENTICATOR, o_legal),
    K(CONTACT, o_contact), K(GUARDIAN, o_guardian), K(NAME, o_name),
    K(ADDRESS, o_address), K(SECTION, o_section),
    K(PS_MEDICATION_SECTION, o_ps_medication_section),
    K(PS_ALLERGIES_SECTION, o_ps_allergies_section),
    K(PS_PROBLEMS_SECTION, o_ps_problems_section),
    K(PS_SURGERIES_SECTION, o_ps_surgeries_section),
    K(PS_DEVICES_SECTION, o_ps_devices_section),
    K(PS_CARE_PLAN_SECTION, o_ps_narrative_section),
    K(PS_ADVANCE_DIRECTIVES_SECTION, o_ps_narrative_section),
    K(MEDICATION, o_medication), K(INGREDIENT, o_ingredient),
    K(ALLERGY_CONCERN, o_allergy_concern), K(ALLERGY, o_allergy), K(REACTION, o_reaction),
    K(PROBLEM_CONCERN, o_problem_concern), K(PROBLEM, o_problem),
    K(PROCEDURE, o_procedure), K(DEVICE, o_device),
    K(PS_IMMUNIZATIONS_SECTION, o_ps_immunizations_section),
    K(PS_PAST_ILLNESS_SECTION, o_ps_past_illness_section),
    K(PS_FUNCTIONAL_STATUS_SECTION, o_ps_functional_section),
    K(PS_SOCIAL_HISTORY_SECTION, o_ps_social_section),
    K(PS_PREGNANCY_SECTION, o_ps_pregnancy_section),
    K(PS_VITAL_SIGNS_SECTION, o_ps_vital_signs_section),
    K(PS_RESULTS_SECTION, o_ps_results_section),
    K(IMMUNIZATION, o_immunization), K(FUNCTIONAL_STATUS, o_functional_status),
    K(FUNCTIONAL_OBSERVATION, o_functional_observation), K(SOCIAL_HISTORY, o_social_history),
    K(PREGNANCY, o_pregnancy), K(EXPECTED_DELIVERY, o_expected_delivery),
    K(PREGNANCY_OUTCOME, o_pregnancy_count), K(PREGNANCY_COUNT, o_pregnancy_obs),
    K(VITAL_SIGNS, o_vital_signs), K(VITAL_SIGN, o_vital_sign),
    K(RESULT_ORGANIZER, o_result_organizer), K(RESULT, o_result),
    K(BLOOD_GROUP, o_blood_group), K(MEDICATION_REASON, o_medication_reason),
    K(EP_SECTION, o_ep_section), K(ED_SECTION, o_ed_section),
    K(PRESCRIPTION, o_prescription), K(DISPENSE, o_dispense), K(PRODUCT, o_product),
    K(DISPENSER, o_dispenser), K(DISPENSE_PARTICIPANT, o_dispense_participant), K(PACKAGE, o_package), K(PART, o_part), K(TIMING, o_timing),
    K(MANUFACTURER, o_manufacturer), K(INTERNAL_REFERENCE, o_internal_reference),
    K(TREATMENT_PERIOD, o_treatment_period), K(DOSING, o_dosing),
};
#undef K

static const okind *okind_of(int32_t kind)
{
    for (size_t i = 0; i < sizeof o_kinds / sizeof o_kinds[0]; i++)
        if (o_kinds[i].kind == kind)
            return &o_kinds[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Mismatch collection and totals.                                           */

#define MAX_STORED 2000

static char  **g_msgs;
static size_t  g_nmsgs;      /* all mismatches (also those not stored) */
static size_t  g_nfiles;
static size_t  g_nitems;
static size_t  g_nvalues;    /* values compared */
static const char *g_file;   /* current file, relative to samples/ */

static char g_samples[4200];
static char g_root[4096];
static bool g_root_from_env;

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mismatch(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (g_nmsgs < MAX_STORED) {
        if (!g_msgs)
            g_msgs = calloc(MAX_STORED, sizeof *g_msgs);
        if (g_msgs)
            g_msgs[g_nmsgs] = strdup(buf);
    }
    g_nmsgs++;
    if (g_nmsgs <= 300)
        fprintf(stderr, "MISMATCH %s\n", buf);
    else if (g_nmsgs == 301)
        fprintf(stderr, "(further mismatches not printed)\n");
}

static const char *show(const char *s) { return s ? s : "(NULL)"; }

/* Compare one value; NULL and "" are different. */
static void cmp_str(const epsos_item *item, const ofield *f, size_t idx, const char *part,
                    const char *lib, const char *oracle)
{
    g_nvalues++;
    if ((lib == NULL) != (oracle == NULL) || (lib && strcmp(lib, oracle) != 0))
        mismatch("%s: %s: field %s[%zu] %s: libepsos \"%s\" vs libxml2 \"%s\"", g_file,
                 show(epsos_item_path(item)), f->name, idx, part, show(lib), show(oracle));
}

static void cmp_rc(const epsos_item *item, const ofield *f, size_t idx, const char *what,
                   int rc, int want)
{
    g_nvalues++;
    if (rc != want)
        mismatch("%s: %s: field %s[%zu] %s: status %d (%s), expected %d (%s)", g_file,
                 show(epsos_item_path(item)), f->name, idx, what, rc, epsos_strerror(rc),
                 want, epsos_strerror(want));
}

/* ------------------------------------------------------------------------ */
/* libxml2 helpers.                                                          */

/* Attribute value (no namespace) as a malloc'ed copy, NULL if absent. */
static char *attr(const xmlNode *node, const char *name)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return NULL;
    xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

static xmlXPathObjectPtr eval_at(xmlXPathContextPtr xp, xmlNodePtr ctxnode, const char *expr)
{
    xp->node = ctxnode;
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, xp);
    if (!o)
        mismatch("%s: oracle XPath failed: %s", g_file, expr);
    return o;
}

static size_t nodeset_len(const xmlXPathObject *o)
{
    return o && o->type == XPATH_NODESET && o->nodesetval ? (size_t)o->nodesetval->nodeNr : 0;
}

/* The element an occurrence is about: an attribute's owner, else itself. */
static xmlNodePtr occ_element(xmlNodePtr n)
{
    return n->type == XML_ATTRIBUTE_NODE ? n->parent : n;
}

/* ------------------------------------------------------------------------ */
/* Item comparison.                                                          */

static void check_item(epsos_item *item, xmlNodePtr node, int32_t kind,
                       xmlXPathContextPtr xp);
static xmlXPathObjectPtr eval_at(xmlXPathContextPtr xp, xmlNodePtr ctxnode, const char *expr);

/* The kind the oracle expects for an element reached through a field of
 * kind `kind`: a section is of the first PS kind whose code it has, else
 * whose templateId it has. */
static int32_t oracle_item_kind(int32_t kind, xmlNodePtr el, xmlXPathContextPtr xp)
{
    if (kind != EPSOS_KIND_SECTION)
        return kind;
    size_t n = sizeof o_section_kinds / sizeof o_section_kinds[0];
    char expr[256];
    for (size_t i = 0; i < n; i++) {
        snprintf(expr, sizeof expr, "h:code[1][@code='%s']", o_section_kinds[i].code);
        xmlXPathObjectPtr o = eval_at(xp, el, expr);
        bool hit = o && o->nodesetval && o->nodesetval->nodeNr > 0;
        xmlXPathFreeObject(o);
        if (hit)
            return o_section_kinds[i].kind;
    }
    for (size_t i = 0; i < n; i++)
        for (int t = 0; o_section_kinds[i].tids[t]; t++) {
            snprintf(expr, sizeof expr, "h:templateId[@root='%s']", o_section_kinds[i].tids[t]);
            xmlXPathObjectPtr o = eval_at(xp, el, expr);
            bool hit = o && o->nodesetval && o->nodesetval->nodeNr > 0;
            xmlXPathFreeObject(o);
            if (hit)
                return o_section_kinds[i].kind;
        }
    return kind;
}

static void check_item_identity(const epsos_item *item, xmlNodePtr node, int32_t kind,
                                xmlXPathContextPtr xp)
{
    g_nitems++;
    g_nvalues++;
    if (epsos_item_kind(item) != kind)
        mismatch("%s: %s: item kind %d, expected %d", g_file, show(epsos_item_path(item)),
                 (int)epsos_item_kind(item), (int)kind);

    /* epsos_item_path must be an XPath that selects exactly this element. */
    const char *path = epsos_item_path(item);
    g_nvalues++;
    if (!path || !*path) {
        mismatch("%s: item of kind %d has no path", g_file, (int)kind);
    } else {
        xmlXPathObjectPtr o = eval_at(xp, (xmlNodePtr)node->doc, path);
        if (nodeset_len(o) != 1 || o->nodesetval->nodeTab[0] != node)
            mismatch("%s: %s: item path selects %zu node(s), not the item's element (line %ld)",
                     g_file, path, nodeset_len(o), xmlGetLineNo(node));
        xmlXPathFreeObject(o);
    }

    /* epsos_item_line = input line of the element. */
    g_nvalues++;
    long line = xmlGetLineNo(node);
    if ((long)epsos_item_line(item) != line)
        mismatch("%s: %s: item line %ld, libxml2 says %ld", g_file, show(path),
                 (long)epsos_item_line(item), line);
}

static void check_cd(const epsos_item *item, const ofield *f, size_t i, xmlNodePtr el,
                     xmlXPathContextPtr xp)
{
    const char *c = NULL, *cs = NULL, *dn = NULL, *csn = NULL;
    int rc = epsos_item_get_code(item, f->field, i, &c, &cs, &dn);
    cmp_rc(item, f, i, "get_code", rc, EPSOS_OK);
    if (rc == EPSOS_OK) {
        char *oc = attr(el, "code"), *ocs = attr(el, "codeSystem"), *odn = attr(el, "displayName");
        cmp_str(item, f, i, "@code", c, oc);
        cmp_str(item, f, i, "@codeSystem", cs, ocs);
        cmp_str(item, f, i, "@displayName", dn, odn);
        free(oc), free(ocs), free(odn);
    }
    rc = epsos_item_get_attr(item, f->field, i, "codeSystemName", &csn);
    cmp_rc(item, f, i, "get_attr(codeSystemName)", rc, EPSOS_OK);
    if (rc == EPSOS_OK) {
        char *ocsn = attr(el, "codeSystemName");
        cmp_str(item, f, i, "@codeSystemName", csn, ocsn);
        free(ocsn);
    }

    xmlXPathObjectPtr tr = eval_at(xp, el, "h:translation");
    size_t ntr = nodeset_len(tr), libn = (size_t)-1;
    rc = epsos_item_translation_count(item, f->field, i, &libn);
    cmp_rc(item, f, i, "translation_count", rc, EPSOS_OK);
    g_nvalues++;
    if (rc == EPSOS_OK && libn != ntr)
        mismatch("%s: %s: field %s[%zu] translation count: libepsos %zu vs libxml2 %zu",
                 g_file, show(epsos_item_path(item)), f->name, i, libn, ntr);
    for (size_t t = 0; rc == EPSOS_OK && t < ntr && t < libn; t++) {
        xmlNodePtr tn = tr->nodesetval->nodeTab[t];
        const char *tc = NULL, *tcs = NULL, *tdn = NULL;
        int trc = epsos_item_get_translation(item, f->field, i, t, &tc, &tcs, &tdn);
        cmp_rc(item, f, i, "get_translation", trc, EPSOS_OK);
        if (trc != EPSOS_OK)
            continue;
        char part[64];
        char *oc = attr(tn, "code"), *ocs = attr(tn, "codeSystem"), *odn = attr(tn, "displayName");
        snprintf(part, sizeof part, "translation[%zu]/@code", t);
        cmp_str(item, f, i, part, tc, oc);
        snprintf(part, sizeof part, "translation[%zu]/@codeSystem", t);
        cmp_str(item, f, i, part, tcs, ocs);
        snprintf(part, sizeof part, "translation[%zu]/@displayName", t);
        cmp_str(item, f, i, part, tdn, odn);
        free(oc), free(ocs), free(odn);
    }
    if (rc == EPSOS_OK) {
        int trc = epsos_item_get_translation(item, f->field, i, libn, NULL, NULL, NULL);
        cmp_rc(item, f, i, "get_translation(index == count)", trc, EPSOS_ENOTFOUND);
    }
    xmlXPathFreeObject(tr);
}

/* One occurrence of a value field. */
static void check_value(const epsos_item *item, const ofield *f, size_t i, xmlNodePtr n,
                        xmlXPathContextPtr xp)
{
    xmlNodePtr el = occ_element(n);
    const char *a = NULL, *b = NULL;
    char *oa = NULL, *ob = NULL;
    int rc;

    switch (f->type) {
    case EPSOS_T_TEXT:
        rc = epsos_item_get_text(item, f->field, i, &a);
        cmp_rc(item, f, i, "get_text", rc, EPSOS_OK);
        if (rc == EPSOS_OK) {
            xmlChar *s = xmlXPathCastNodeToString(n);   /* XPath string() */
            cmp_str(item, f, i, n->type == XML_ATTRIBUTE_NODE ? "attribute value" : "string()",
                    a, (const char *)s);
            xmlFree(s);
        }
        break;
    case EPSOS_T_CS:   /* a CS is read as text: its @code */
        rc = epsos_item_get_text(item, f->field, i, &a);
        cmp_rc(item, f, i, "get_text", rc, EPSOS_OK);
        if (rc == EPSOS_OK) {
            oa = attr(el, "code");
            cmp_str(item, f, i, "@code", a, oa);
        }
        break;
    case EPSOS_T_CD:
        check_cd(item, f, i, el, xp);
        break;
    case EPSOS_T_II:
        rc = epsos_item_get_id(item, f->field, i, &a, &b);
        cmp_rc(item, f, i, "get_id", rc, EPSOS_OK);
        if (rc == EPSOS_OK) {
            oa = attr(el, "root"), ob = attr(el, "extension");
            cmp_str(item, f, i, "@root", a, oa);
            cmp_str(item, f, i, "@extension", b, ob);
        }
        break;
    case EPSOS_T_TS:
        rc = epsos_item_get_time(item, f->field, i, &a);
        cmp_rc(item, f, i, "get_time", rc, EPSOS_OK);
        if (rc == EPSOS_OK) {
            oa = attr(el, "value");
            cmp_str(item, f, i, "@value", a, oa);
        }
        break;
    case EPSOS_T_TEL:
        rc = epsos_item_get_telecom(item, f->field, i, &a, &b);
        cmp_rc(item, f, i, "get_telecom", rc, EPSOS_OK);
        if (rc == EPSOS_OK) {
            oa = attr(el, "value"), ob = attr(el, "use");
            cmp_str(item, f, i, "@value", a, oa);
            cmp_str(item, f, i, "@use", b, ob);
        }
        break;
    case EPSOS_T_PQ:
        rc = epsos_item_get_quantity(item, f->field, i, &a, &b);
        cmp_rc(item, f, i, "get_quantity", rc, EPSOS_OK);
        if (rc == EPSOS_OK) {
            oa = attr(el, "value"), ob = attr(el, "unit");
            cmp_str(item, f, i, "@value", a, oa);
            cmp_str(item, f, i, "@unit", b, ob);
        }
        break;
    default:
        break;
    }
    free(oa);
    free(ob);
}

/* The typed getter of a field at an index (for the out-of-range check). */
static int getter_at(const epsos_item *item, const ofield *f, size_t i)
{
    switch (f->type) {
    case EPSOS_T_TEXT:
    case EPSOS_T_CS:   return epsos_item_get_text(item, f->field, i, NULL);
    case EPSOS_T_CD:   return epsos_item_get_code(item, f->field, i, NULL, NULL, NULL);
    case EPSOS_T_II:   return epsos_item_get_id(item, f->field, i, NULL, NULL);
    case EPSOS_T_TS:   return epsos_item_get_time(item, f->field, i, NULL);
    case EPSOS_T_TEL:  return epsos_item_get_telecom(item, f->field, i, NULL, NULL);
    case EPSOS_T_PQ:   return epsos_item_get_quantity(item, f->field, i, NULL, NULL);
    default:           return EPSOS_ERROR;
    }
}

static void check_field(epsos_item *item, xmlNodePtr node, int32_t kind, const ofield *f,
                        xmlXPathContextPtr xp)
{
    /* The library's table must agree with ours on datatype and item kind. */
    g_nvalues++;
    if (epsos_field_type(kind, f->field) != f->type) {
        mismatch("%s: %s: field %s: library datatype %d, brief says %d", g_file,
                 show(epsos_item_path(item)), f->name, (int)epsos_field_type(kind, f->field),
                 (int)f->type);
        return;
    }
    if (f->type == EPSOS_T_ITEM) {
        g_nvalues++;
        if (epsos_field_item_kind(kind, f->field) != f->child_kind)
            mismatch("%s: field %s of kind %d: library item kind %d, brief says %d", g_file,
                     f->name, (int)kind, (int)epsos_field_item_kind(kind, f->field),
                     (int)f->child_kind);
    }

    xmlXPathObjectPtr o = eval_at(xp, node, f->xpath);
    if (!o)
        return;
    size_t n = nodeset_len(o), libn = (size_t)-1;
    int rc = epsos_item_count(item, f->field, &libn);
    cmp_rc(item, f, 0, "count", rc, EPSOS_OK);
    g_nvalues++;
    if (rc == EPSOS_OK && libn != n)
        mismatch("%s: %s: field %s count: libepsos %zu vs libxml2 %zu (%s)", g_file,
                 show(epsos_item_path(item)), f->name, libn, n, f->xpath);
    /* Copy the node list: the XPath context is reused while recursing. */
    xmlNodePtr *nodes = NULL;
    if (n) {
        nodes = malloc(n * sizeof *nodes);
        ck_assert_ptr_nonnull(nodes);
        memcpy(nodes, o->nodesetval->nodeTab, n * sizeof *nodes);
    }
    xmlXPathFreeObject(o);

    size_t common = rc == EPSOS_OK && libn < n ? libn : n;
    for (size_t i = 0; i < common; i++) {
        xmlNodePtr occ = nodes[i];
        xmlNodePtr el = occ_element(occ);

        const char *nf = NULL;
        int nrc = epsos_item_get_null_flavor(item, f->field, i, &nf);
        cmp_rc(item, f, i, "get_null_flavor", nrc, EPSOS_OK);
        if (nrc == EPSOS_OK) {
            char *onf = attr(el, "nullFlavor");
            cmp_str(item, f, i, "@nullFlavor", nf, onf);
            free(onf);
        }

        if (f->type == EPSOS_T_ITEM) {
            epsos_item *child = NULL;
            int crc = epsos_item_child(&child, item, f->field, i);
            cmp_rc(item, f, i, "item_child", crc, EPSOS_OK);
            if (crc == EPSOS_OK && child) {
                int32_t ck = oracle_item_kind(f->child_kind, el, xp);
                check_item_identity(child, el, ck, xp);
                check_item(child, el, ck, xp);
            }
        } else {
            check_value(item, f, i, occ, xp);
        }
    }
    /* One past the end is EPSOS_ENOTFOUND. */
    if (rc == EPSOS_OK) {
        if (f->type == EPSOS_T_ITEM) {
            epsos_item *child = NULL;
            cmp_rc(item, f, libn, "item_child(index == count)",
                   epsos_item_child(&child, item, f->field, libn), EPSOS_ENOTFOUND);
        } else {
            cmp_rc(item, f, libn, "getter(index == count)", getter_at(item, f, libn),
                   EPSOS_ENOTFOUND);
        }
    }
    free(nodes);
}

static void check_item(epsos_item *item, xmlNodePtr node, int32_t kind, xmlXPathContextPtr xp)
{
    const okind *k = okind_of(kind);
    if (!k) {
        mismatch("%s: oracle has no table for item kind %d", g_file, (int)kind);
        return;
    }
    for (size_t i = 0; i < k->nfields; i++)
        check_field(item, node, kind, &k->fields[i], xp);
}

/* ------------------------------------------------------------------------ */
/* Document kind and generation, by the rules of the brief.                  */

static bool xp_exists(xmlXPathContextPtr xp, xmlNodePtr at, const char *expr)
{
    xmlXPathObjectPtr o = eval_at(xp, at, expr);
    bool r = nodeset_len(o) > 0;
    xmlXPathFreeObject(o);
    return r;
}

static bool doc_has_template(xmlXPathContextPtr xp, xmlDocPtr doc, const char *root)
{
    char expr[256];
    snprintf(expr, sizeof expr, "/h:ClinicalDocument/h:templateId[@root='%s']", root);
    return xp_exists(xp, (xmlNodePtr)doc, expr);
}

static int32_t oracle_kind(xmlXPathContextPtr xp, xmlDocPtr doc)
{
    int32_t kind = EPSOS_DOC_UNKNOWN;
    xmlXPathObjectPtr o = eval_at(xp, (xmlNodePtr)doc, "/h:ClinicalDocument/h:code[1]/@code");
    if (nodeset_len(o) == 1) {
        xmlChar *c = xmlXPathCastNodeToString(o->nodesetval->nodeTab[0]);
        const char *s = (const char *)c;
        if (!strcmp(s, "60591-5") || !strcmp(s, "RELMAD572"))
            kind = EPSOS_DOC_PS;
        else if (!strcmp(s, "57833-6"))
            kind = EPSOS_DOC_EP;
        else if (!strcmp(s, "60593-1") || !strcmp(s, "RELMA9ED5"))
            kind = EPSOS_DOC_ED;
        xmlFree(c);
    }
    xmlXPathFreeObject(o);
    if (kind == EPSOS_DOC_UNKNOWN) {
        o = eval_at(xp, (xmlNodePtr)doc, "/h:ClinicalDocument/h:templateId/@root");
        for (size_t i = 0; kind == EPSOS_DOC_UNKNOWN && i < nodeset_len(o); i++) {
            xmlChar *c = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);
            const char *s = (const char *)c;
            if (!strcmp(s, OID_BASE "1.3") || !strcmp(s, OID_BASE "1.7"))
                kind = EPSOS_DOC_PS;
            else if (!strcmp(s, OID_BASE "1.1") || !strcmp(s, OID_BASE "1.6"))
                kind = EPSOS_DOC_EP;
            else if (!strcmp(s, OID_BASE "1.2"))
                kind = EPSOS_DOC_ED;
            xmlFree(c);
        }
        xmlXPathFreeObject(o);
    }
    bool nonxml = xp_exists(xp, (xmlNodePtr)doc, "/h:ClinicalDocument/h:component/h:nonXMLBody");
    if (kind == EPSOS_DOC_PS && (nonxml || doc_has_template(xp, doc, OID_BASE "1.7")))
        kind = EPSOS_DOC_PS_L1;
    else if (kind == EPSOS_DOC_EP && (nonxml || doc_has_template(xp, doc, OID_BASE "1.6")))
        kind = EPSOS_DOC_EP_L1;
    return kind;
}

static int32_t oracle_generation(xmlXPathContextPtr xp, xmlDocPtr doc)
{
    xmlNodePtr d = (xmlNodePtr)doc;
    if (xp_exists(xp, d, "//*[namespace-uri()='" NS_PHARM "']"))
        return EPSOS_GEN_EHDSI;
    if (xp_exists(xp, d, "//*[namespace-uri()='" NS_EPSOS "']") ||
        xp_exists(xp, d, "//h:templateId[@root='" OID_BASE "3.1']"))
        return EPSOS_GEN_EPSOS;
    if (doc_has_template(xp, doc, OID_BASE "1.6") || doc_has_template(xp, doc, OID_BASE "1.7"))
        return EPSOS_GEN_EHDSI;
    bool ehdsi = false;
    xmlXPathObjectPtr o = eval_at(xp, d, "//h:templateId/@root");
    for (size_t i = 0; !ehdsi && i < nodeset_len(o); i++) {
        xmlChar *c = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);
        const char *s = (const char *)c;
        const char *pre = OID_BASE "2.";
        size_t pl = strlen(pre);
        if (strncmp(s, pre, pl) == 0 && s[pl] && strspn(s + pl, "0123456789") == strlen(s + pl)
            && strlen(s + pl) < 9 && atol(s + pl) >= 6)
            ehdsi = true;
        xmlFree(c);
    }
    xmlXPathFreeObject(o);
    if (ehdsi || xp_exists(xp, d, "//@codeSystem[. = '2.16.840.1.113883.5.1150.1']"))
        return EPSOS_GEN_EHDSI;
    return EPSOS_GEN_EPSOS;
}

/* ------------------------------------------------------------------------ */
/* Files.                                                                    */

static char **g_paths;
static size_t g_npaths, g_cap;

static int collect(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t n = strlen(path);
    if (type == FTW_F && n > 4 && strcmp(path + n - 4, ".xml") == 0) {
        if (g_npaths == g_cap) {
            g_cap = g_cap ? g_cap * 2 : 64;
            g_paths = realloc(g_paths, g_cap * sizeof *g_paths);
            if (!g_paths)
                return -1;
        }
        g_paths[g_npaths++] = strdup(path);
    }
    return 0;
}

static int cmp_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expected per-kind counts: from the corpus README ("Main set counts: PS L1:
 * 2, PS L3: 33, ...") when present, else the facts of the shared corpus when
 * it is the default location.  Indexed by EPSOS_DOC_*. */
static bool expected_counts(size_t exp[6])
{
    memset(exp, 0, 6 * sizeof exp[0]);
    char readme[4200];
    snprintf(readme, sizeof readme, "%s/README.md", g_root);
    FILE *fp = fopen(readme, "r");
    if (fp) {
        char line[4096];
        bool found = false;
        while (!found && fgets(line, sizeof line, fp)) {
            const char *p = strstr(line, "Main set counts:");
            if (!p)
                continue;
            found = true;
            p += strlen("Main set counts:");
            char k[8], l[8];
            unsigned long v;
            int used;
            while (sscanf(p, " %7[A-Za-z] %7[L0-9]: %lu%n", k, l, &v, &used) == 3) {
                bool l1 = strcmp(l, "L1") == 0;
                if (!strcmp(k, "PS"))
                    exp[l1 ? EPSOS_DOC_PS_L1 : EPSOS_DOC_PS] += v;
                else if (!strcmp(k, "eP"))
                    exp[l1 ? EPSOS_DOC_EP_L1 : EPSOS_DOC_EP] += v;
                else if (!strcmp(k, "eD"))
                    exp[EPSOS_DOC_ED] += v;
                else
                    exp[EPSOS_DOC_UNKNOWN] += v;
                p += used;
                while (*p == ',' || *p == ' ')
                    p++;
            }
        }
        fclose(fp);
        if (found)
            return true;
    }
    if (!g_root_from_env) {
        exp[EPSOS_DOC_PS] = 33;
        exp[EPSOS_DOC_PS_L1] = 2;
        exp[EPSOS_DOC_EP] = 16;
        exp[EPSOS_DOC_EP_L1] = 2;
        exp[EPSOS_DOC_ED] = 9;
        return true;
    }
    return false;
}

START_TEST(test_corpus)
{
    ck_assert_int_eq(nftw(g_samples, collect, 32, FTW_PHYS), 0);
    qsort(g_paths, g_npaths, sizeof *g_paths, cmp_paths);

    epsos_ctx *ctx = NULL;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);

    size_t lib_kinds[6] = {0}, ora_kinds[6] = {0}, gens[3] = {0};
    size_t parse_failures = 0;
    size_t skip = strlen(g_samples) + 1;

    for (size_t p = 0; p < g_npaths; p++) {
        const char *path = g_paths[p];
        g_file = path + skip;
        size_t values_before = g_nvalues, msgs_before = g_nmsgs;

        epsos_doc *doc = NULL;
        int rc = epsos_doc_parse_file(&doc, ctx, path, 0);
        if (rc != EPSOS_OK || !doc) {
            parse_failures++;
            mismatch("%s: epsos_doc_parse_file: %d (%s): %s", g_file, rc, epsos_strerror(rc),
                     epsos_ctx_errmsg(ctx));
            continue;
        }
        if (epsos_ctx_errcode(ctx) != EPSOS_OK)
            mismatch("%s: errcode %d after a successful parse", g_file, epsos_ctx_errcode(ctx));

        xmlDocPtr xd = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
        if (!xd) {
            mismatch("%s: libxml2 (oracle) cannot parse the file", g_file);
            epsos_doc_free(doc);
            continue;
        }
        xmlXPathContextPtr xp = xmlXPathNewContext(xd);
        ck_assert_ptr_nonnull(xp);
        ck_assert_int_eq(xmlXPathRegisterNs(xp, BAD_CAST "h", BAD_CAST NS_HL7), 0);
        ck_assert_int_eq(xmlXPathRegisterNs(xp, BAD_CAST "hl7", BAD_CAST NS_HL7), 0);
        ck_assert_int_eq(xmlXPathRegisterNs(xp, BAD_CAST "p", BAD_CAST NS_PHARM), 0);
        ck_assert_int_eq(xmlXPathRegisterNs(xp, BAD_CAST "e", BAD_CAST NS_EPSOS), 0);
        /* the prefixes of epsos_item_path() */
        ck_assert_int_eq(xmlXPathRegisterNs(xp, BAD_CAST "pharm", BAD_CAST NS_PHARM), 0);
        ck_assert_int_eq(xmlXPathRegisterNs(xp, BAD_CAST "epsos", BAD_CAST NS_EPSOS), 0);
        ck_assert_int_eq(xmlXPathRegisterNs(xp, BAD_CAST "xsi",
                                            BAD_CAST "http://www.w3.org/2001/XMLSchema-instance"), 0);
        g_nfiles++;

        /* (a) kind and generation */
        int32_t lk = epsos_doc_kind(doc), ok = oracle_kind(xp, xd);
        int32_t lg = epsos_doc_generation(doc), og = oracle_generation(xp, xd);
        g_nvalues += 2;
        if (lk != ok)
            mismatch("%s: document kind: libepsos %d (%s) vs oracle %d (%s)", g_file, (int)lk,
                     show(epsos_doc_kind_name(lk)), (int)ok, show(epsos_doc_kind_name(ok)));
        if (lg != og)
            mismatch("%s: generation: libepsos %d (%s) vs oracle %d (%s)", g_file, (int)lg,
                     show(epsos_generation_name(lg)), (int)og, show(epsos_generation_name(og)));
        if (lk >= 0 && lk < 6)
            lib_kinds[lk]++;
        if (ok >= 0 && ok < 6)
            ora_kinds[ok]++;
        if (og >= 0 && og < 3)
            gens[og]++;

        /* (b) every header field, recursively */
        epsos_item *hdr = NULL;
        rc = epsos_doc_header(&hdr, doc);
        g_nvalues++;
        if (rc != EPSOS_OK || !hdr) {
            mismatch("%s: epsos_doc_header: %d", g_file, rc);
        } else {
            xmlNodePtr root = xmlDocGetRootElement(xd);
            check_item_identity(hdr, root, EPSOS_KIND_HEADER, xp);
            check_item(hdr, root, EPSOS_KIND_HEADER, xp);
        }

        printf("  %-75s %-6s %-5s %6zu values%s\n", g_file, show(epsos_doc_kind_name(lk)),
               show(epsos_generation_name(lg)), g_nvalues - values_before,
               g_nmsgs > msgs_before ? "  MISMATCH" : "");
        fflush(stdout);

        xmlXPathFreeContext(xp);
        xmlFreeDoc(xd);
        epsos_doc_free(doc);
    }
    epsos_ctx_free(ctx);

    /* The oracle's table covers exactly the library's fields of every kind. */
    for (size_t k = 0; k < sizeof o_kinds / sizeof o_kinds[0]; k++) {
        g_nvalues++;
        if (epsos_kind_field_count(o_kinds[k].kind) != o_kinds[k].nfields)
            mismatch("kind %s: library has %zu fields, the brief lists %zu", o_kinds[k].name,
                     epsos_kind_field_count(o_kinds[k].kind), o_kinds[k].nfields);
    }

    printf("corpus %s: %zu files (%zu parse failures), %zu items, %zu values compared, "
           "%zu mismatches\n", g_samples, g_npaths, parse_failures, g_nitems, g_nvalues, g_nmsgs);
    printf("kinds (libepsos/oracle): PS %zu/%zu, PS_L1 %zu/%zu, EP %zu/%zu, EP_L1 %zu/%zu, "
           "ED %zu/%zu, UNKNOWN %zu/%zu; generations (oracle): EPSOS %zu, EHDSI %zu\n",
           lib_kinds[1], ora_kinds[1], lib_kinds[4], ora_kinds[4], lib_kinds[2], ora_kinds[2],
           lib_kinds[5], ora_kinds[5], lib_kinds[3], ora_kinds[3], lib_kinds[0], ora_kinds[0],
           gens[EPSOS_GEN_EPSOS], gens[EPSOS_GEN_EHDSI]);

    fflush(stdout);

    /* Second, independent oracle for the kind: the corpus README's counts. */
    size_t exp[6];
    if (expected_counts(exp)) {
        size_t total = 0;
        for (int k = 0; k < 6; k++)
            total += exp[k];
        ck_assert_msg(g_npaths == total, "corpus has %zu files, README says %zu", g_npaths,
                      total);
        for (int k = 0; k < 6; k++) {
            ck_assert_msg(lib_kinds[k] == exp[k],
                          "libepsos found %zu documents of kind %s, the corpus README says %zu",
                          lib_kinds[k], show(epsos_doc_kind_name(k)), exp[k]);
            ck_assert_msg(ora_kinds[k] == exp[k],
                          "the oracle found %zu documents of kind %s, the corpus README says %zu",
                          ora_kinds[k], show(epsos_doc_kind_name(k)), exp[k]);
        }
        /* Not vacuous: the shared corpus has 62 files and ~76,000 values. */
        ck_assert_msg(g_npaths >= 50, "only %zu corpus files", g_npaths);
        ck_assert_msg(g_nvalues >= 10000, "only %zu values compared", g_nvalues);
    } else {
        printf("no expected per-kind counts for %s (no README \"Main set counts\")\n", g_root);
        ck_assert_msg(g_npaths >= 1, "no *.xml file under %s", g_samples);
    }
    ck_assert_msg(g_nvalues >= 40 * g_npaths,
                  "only %zu values compared over %zu files", g_nvalues, g_npaths);
    ck_assert_msg(g_nitems >= 5 * g_npaths, "only %zu items visited over %zu files", g_nitems,
                  g_npaths);

    if (g_nmsgs) {
        char buf[6000];
        size_t off = 0;
        off += (size_t)snprintf(buf, sizeof buf, "%zu mismatch(es); first:", g_nmsgs);
        for (size_t i = 0; i < g_nmsgs && i < 5 && off < sizeof buf; i++)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "\n  %s",
                                    g_msgs && g_msgs[i] ? g_msgs[i] : "?");
        ck_abort_msg("%s", buf);
    }

    for (size_t i = 0; i < g_npaths; i++)
        free(g_paths[i]);
    free(g_paths);
    g_paths = NULL;
    g_npaths = g_cap = 0;
    for (size_t i = 0; g_msgs && i < g_nmsgs && i < MAX_STORED; i++)
        free(g_msgs[i]);
    free(g_msgs);
    g_msgs = NULL;
}
END_TEST

/* ------------------------------------------------------------------------ */

static bool find_corpus(void)
{
    const char *env = getenv("EPSOS_CORPUS");
    if (env && *env) {
        snprintf(g_root, sizeof g_root, "%s", env);
        g_root_from_env = true;
    } else if ((env = getenv("top_srcdir")) && *env) {
        snprintf(g_root, sizeof g_root, "%s/../shared/corpus", env);
    } else {
#ifdef TOP_SRCDIR
        snprintf(g_root, sizeof g_root, "%s/../shared/corpus", TOP_SRCDIR);
#else
        const char *srcdir = getenv("srcdir");
        snprintf(g_root, sizeof g_root, "%s/../../shared/corpus",
                 srcdir && *srcdir ? srcdir : ".");
#endif
    }
    snprintf(g_samples, sizeof g_samples, "%s/samples", g_root);
    struct stat st;
    return stat(g_samples, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(void)
{
    if (!find_corpus()) {
        printf("corpus not found at %s: skipped\n", g_samples);
        return 77;
    }
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("corpus");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_corpus);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
