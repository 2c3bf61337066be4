#!/usr/bin/env python3
# libepsos - the tasks of the C examples (examples/*.c), from Python.
# SPDX-License-Identifier: MIT
#
#   tasks.py read-header FILE
#   tasks.py build-header [OUT.xml]
#   tasks.py build-ps [OUT.xml]
#   tasks.py read-ep EP.xml
#   tasks.py dispense EP.xml ED.xml [PACKAGES]
#   tasks.py transcode [--strict] [--lang LANG] IN.xml OUT.xml SOURCE...
#   tasks.py sign-verify sign KEY.pem CERT.pem OUT.xml [CHAIN.pem]
#   tasks.py sign-verify verify TRUST.pem IN.xml
#
# Each task prints what its C program prints, with the same exit status
# (0 success, 1 refused / not valid, 2 usage error or unreadable input):
# examples/run-examples.sh checks the C programs, this script
# (tests/ffi/python.sh) and the Java one with the same assertions.
# The library is libepsos.so.1 from the system, or $EPSOS_LIB.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import epsos                            # noqa: E402
from epsos import F                     # noqa: E402

SNOMED = "2.16.840.1.113883.6.96"
ATC = "2.16.840.1.113883.6.73"
EDQM = "0.4.0.127.0.16.1.1.2.1"
ICD10 = "1.3.6.1.4.1.12559.11.10.1.3.1.44.2"
ISCO = "2.16.840.1.113883.2.9.6.2.7"


def err(*args):
    print(*args, file=sys.stderr)


def dash(s):
    return s if s else "-"


def full_name(parent):
    try:
        name = parent.child(F.NAME)
    except epsos.Error:
        return None
    given = " ".join(name.texts(F.GIVEN))
    family = " ".join(name.texts(F.FAMILY))
    return (given + " " if given else "") + family


def opt(fn, *args):
    """The value of a reader, None when the field is absent."""
    try:
        return fn(*args)
    except epsos.Error as e:
        if e.status in (epsos.ENOTFOUND,):
            return None
        raise


# --- read-header, build-header ---------------------------------------------

def read_header(ctx, argv):
    if len(argv) != 1:
        err("usage: read-header FILE")
        return 2
    try:
        doc = ctx.parse_file(argv[0])
    except epsos.Error as e:
        err("%s: %s" % (argv[0], e.message))
        return 2
    with doc:
        hdr = doc.header()
        title = opt(hdr.get_text, F.TITLE)
        print("%s (%s, %s generation): %s" % (argv[0], doc.kind_name, doc.generation_name,
                                              dash(title)))
        if hdr.count(F.PATIENT):
            patient = hdr.child(F.PATIENT)
            print("patient: %s, born %s" % (full_name(patient) or "",
                                            dash(opt(patient.get_time, F.BIRTH_TIME))))
        for author in hdr.children(F.AUTHOR):
            print("author: %s" % (full_name(author) or ""))
    return 0


def build_header(ctx, argv):
    with ctx.new_doc(epsos.DOC_PS) as doc:
        h = doc.header()
        h.set_id(F.ID, "2.999.1.42.7", "PS-2026-0002")
        h.set_text(F.TITLE, "Patient Summary")
        h.set_time(F.EFFECTIVE_TIME, "20261124103000+0100")
        h.set_code(F.CONFIDENTIALITY, "N", "2.16.840.1.113883.5.25", "normal")
        h.set_text(F.LANGUAGE, "en-GB")
        pat = h.add_child(F.PATIENT)
        pat.set_id(F.ID, "2.999.1.42.1", "PT-0043")
        name = pat.add_child(F.NAME)
        name.set_text(F.GIVEN, "Jan")
        name.set_text(F.FAMILY, "Novák")
        pat.set_code(F.GENDER, "M", "2.16.840.1.113883.5.1", "Male")
        pat.set_time(F.BIRTH_TIME, "19800229")
        author = h.add_child(F.AUTHOR)
        author.set_code(F.FUNCTION_CODE, "221", ISCO, "Medical doctors")
        author.set_time(F.TIME, "20261124100000+0100")
        author.set_id(F.ID, "2.999.1.42.2", "HCP-78")
        author.add_child(F.NAME).set_text(F.FAMILY, "Dvořák")
        author.add_child(F.ORGANIZATION).set_text(F.ORGANIZATION_NAME, "Nemocnice Příklad")
        try:
            pat.set_time(F.BIRTH_TIME, "1980-02-29")
            err("build-header: a bad birth time was accepted")
            return 1
        except epsos.Error as e:
            if e.status != epsos.EVALUE:
                raise
            err("refused as expected: %s" % e.message)
        if argv:
            doc.save(argv[0], epsos.SERIALIZE_FORMAT)
        else:
            sys.stdout.write(doc.serialize(epsos.SERIALIZE_FORMAT).decode("utf-8"))
    return 0


# --- build-ps --------------------------------------------------------------

def person(it, given, family):
    name = it.add_child(F.NAME)
    if given:
        name.set_text(F.GIVEN, given)
    name.set_text(F.FAMILY, family)


def place(it, city):
    addr = it.add_child(F.ADDRESS)
    if city:
        addr.set_text(F.CITY, city)
    addr.set_text(F.COUNTRY, "CZ")
    it.set_telecom(F.TELECOM, "tel:+420-555-010-200", "WP")


def organization(org):
    org.set_id(F.ID, "2.999.1.42.3", "ORG-CZ-1")
    org.set_text(F.ORGANIZATION_NAME, "Nemocnice Příklad")
    place(org, "Brno")


def build_ps(ctx, argv):
    if len(argv) > 1:
        err("usage: build-ps [OUT.xml]")
        return 2
    with ctx.new_doc(epsos.DOC_PS) as doc:
        h = doc.header()
        h.set_id(F.ID, "2.999.1.42.7", "PS-2026-0003")
        h.set_text(F.TITLE, "Patient Summary")
        h.set_code(F.CONFIDENTIALITY, "N", "2.16.840.1.113883.5.25", "normal")
        h.set_text(F.LANGUAGE, "en-GB")
        pat = h.add_child(F.PATIENT)
        pat.set_id(F.ID, "2.999.1.42.1", "PT-0043")
        place(pat, "Brno")
        person(pat, "Jan", "Novák")
        pat.set_code(F.GENDER, "M", "2.16.840.1.113883.5.1", "Male")
        pat.set_time(F.BIRTH_TIME, "19800229")
        author = h.add_child(F.AUTHOR)
        author.set_code(F.FUNCTION_CODE, "221", ISCO, "Medical doctors")
        author.set_time(F.TIME, "20261124100000+0100")
        author.set_id(F.ID, "2.999.1.42.2", "HCP-78")
        place(author, None)
        person(author, "Eva", "Dvořáková")
        organization(author.add_child(F.ORGANIZATION))
        organization(h.add_child(F.CUSTODIAN))
        la = h.add_child(F.LEGAL_AUTHENTICATOR)
        la.set_time(F.TIME, "20261124101500+0100")
        la.set_text(F.SIGNATURE_CODE, "S")
        la.set_id(F.ID, "2.999.1.42.2", "HCP-78")
        place(la, None)
        person(la, "Eva", "Dvořáková")
        organization(la.add_child(F.ORGANIZATION))
        c = h.add_child(F.CONTACT)
        c.set_text(F.CLASS_CODE, "NOK")
        c.set_code(F.CODE, "WIFE", "2.16.840.1.113883.5.111", "wife")
        place(c, "Brno")
        person(c, "Petra", "Nováková")
        h.set_time(F.SERVICE_START, "20100101")
        h.set_time(F.SERVICE_END, "20261124")
        h.set_id(F.PARENT_DOCUMENT_ID, "2.999.1.42.9", "NAT-PS-3")

        s = doc.add_section(epsos.KIND_PS_ALLERGIES_SECTION)
        e = s.add_child(F.ALLERGY)
        e.set_text(F.STATUS, "active")
        e.set_time(F.START, "20100301")
        o = e.add_child(F.OBSERVATION)
        o.set_code(F.CODE, "609328004", SNOMED, "Allergic disposition")
        o.set_text(F.STATUS, "completed")
        o.set_time(F.START, "20100301")
        o.set_code(F.AGENT, "J01CA04", ATC, "amoxicillin")
        o.set_code(F.CRITICALITY, "high", "2.16.840.1.113883.4.642.4.130", "High Risk")
        r = o.add_child(F.REACTION)
        r.set_code(F.VALUE, "247472004", SNOMED, "Wheal")
        r.set_time(F.START, "20100301")
        r.set_code(F.SEVERITY, "24484000", SNOMED, "Severe")

        s = doc.add_section(epsos.KIND_PS_MEDICATION_SECTION)
        e = s.add_child(F.MEDICATION)
        e.set_text(F.STATUS, "active")
        e.set_time(F.START, "20250101")
        e.set_quantity(F.FREQUENCY, "24", "h")
        e.set_code(F.ROUTE, "20053000", EDQM, "Oral use")
        e.set_quantity(F.DOSE, "1", "1")
        e.set_text(F.PRODUCT_NAME, "Atorvastatin Example 20 mg")
        e.set_code(F.DOSE_FORM, "10219000", EDQM, "Tablet")
        e.set_code(F.ATC, "C10AA05", ATC, "atorvastatin")
        ing = e.add_child(F.INGREDIENT)
        ing.set_quantity(F.STRENGTH_NUMERATOR, "20", "mg")
        ing.set_quantity(F.STRENGTH_DENOMINATOR, "1", "1")
        ing.set_code(F.SUBSTANCE, "C10AA05", ATC, "atorvastatin")
        e.set_text(F.INSTRUCTIONS, "Take in the evening.")

        s = doc.add_section(epsos.KIND_PS_PROBLEMS_SECTION)
        e = s.add_child(F.PROBLEM)
        e.set_text(F.STATUS, "active")
        e.set_time(F.START, "2015")
        o = e.add_child(F.OBSERVATION)
        o.set_code(F.CODE, "55607006", SNOMED, "Problem")
        o.set_time(F.START, "2015")
        o.set_code(F.VALUE, "E78.0", ICD10, "Pure hypercholesterolaemia")

        try:
            doc.complete()
            err("build-ps: completed without the required sections")
            return 1
        except epsos.Error as e:
            if e.status != epsos.EVALUE:
                raise
            err("refused as expected: %s" % e.message)
        doc.set_absent(epsos.KIND_PS_SURGERIES_SECTION, epsos.ABSENT_NO_KNOWN)
        doc.set_absent(epsos.KIND_PS_DEVICES_SECTION, epsos.ABSENT_NO_KNOWN)
        doc.complete()

        findings = doc.validate()
        errors = [f for f in findings if f[0] == epsos.SEV_ERROR]
        for sev, rule, msg, xpath, line in errors:
            err("validation: %s: %s at %s" % (rule, msg, xpath))
        err("validation: %d errors, %d warnings"
            % (len(errors), sum(1 for f in findings if f[0] == epsos.SEV_WARNING)))
        if errors:
            return 1
        if argv:
            try:
                doc.save(argv[0], epsos.SERIALIZE_FORMAT)
            except epsos.Error as e:
                err("build-ps: %s" % e.message)
                return 2
        else:
            sys.stdout.write(doc.serialize(epsos.SERIALIZE_FORMAT).decode("utf-8"))
    return 0


# --- read-ep ----------------------------------------------------------------

def date(ts):
    if not ts or len(ts) < 8:
        return dash(ts)
    return "%s-%s-%s" % (ts[0:4], ts[4:6], ts[6:8])


def display(it, field):
    v = opt(it.get_code, field)
    if not v:
        return None
    return v[2] if v[2] else v[0]


def quantity(it, field):
    v = opt(it.get_quantity, field)
    if not v or v[0] is None:
        return None
    value, unit = v
    return value + (" " + unit if unit and unit != "1" else "")


def ident(pair):
    root, ext = pair if pair else (None, None)
    return dash(root) + ("^" + ext if ext else "")


def print_prescription(rx):
    print("prescription item %s" % ident(opt(rx.get_id, F.ID)))
    if rx.count(F.PRODUCT):
        p = rx.child(F.PRODUCT)
        print("  product:       %s" % dash(opt(p.get_text, F.PRODUCT_NAME)))
        atc = opt(p.get_code, F.ATC)
        if atc:
            print("  ATC:           %s (%s)" % (dash(atc[0]), dash(atc[2])))
        for ing in p.children(F.INGREDIENT):
            print("  strength:      %s %s per %s"
                  % (dash(display(ing, F.SUBSTANCE)),
                     quantity(ing, F.STRENGTH_NUMERATOR) or "-",
                     quantity(ing, F.STRENGTH_DENOMINATOR) or "1"))
        print("  dose form:     %s" % dash(display(p, F.DOSE_FORM)))
        pq = quantity(p, F.PACKAGE_QUANTITY)
        if pq:
            print("  package:       %s of %s" % (dash(display(p, F.PACKAGE_FORM)), pq))
    n = quantity(rx, F.PACKAGES)
    if n:
        print("  dispense:      %s package(s)" % n)
    dose, low, high = quantity(rx, F.DOSE), quantity(rx, F.DOSE_LOW), quantity(rx, F.DOSE_HIGH)
    if dose:
        print("  dose:          %s" % dose)
    elif low:
        print("  dose:          %s" % (low + " to " + high if high and high != low else low))
    freq = quantity(rx, F.FREQUENCY)
    event = opt(rx.get_code, F.EVENT)
    once = opt(rx.get_time, F.FREQUENCY_TIME)
    if freq:
        print("  frequency:     every %s" % freq)
    elif event:
        print("  frequency:     at event %s" % dash(event[2] or event[0]))
    elif once:
        print("  frequency:     once, on %s" % date(once))
    print("  route:         %s" % dash(display(rx, F.ROUTE)))
    print("  treatment:     %s to %s" % (date(opt(rx.get_time, F.START)),
                                         date(opt(rx.get_time, F.END))))
    subst = opt(rx.get_code, F.SUBSTITUTION)
    if not subst or not subst[0]:
        print("  substitution:  allowed (not restricted by the prescriber)")
    elif subst[0] == "N":
        print("  substitution:  NOT allowed")
    else:
        print("  substitution:  allowed (%s)" % dash(subst[2] or subst[0]))
    print("  instructions:  %s" % dash(opt(rx.get_text, F.INSTRUCTIONS)))
    fi = opt(rx.get_text, F.FULFILMENT_INSTRUCTIONS)
    if fi:
        print("  to pharmacist: %s" % fi)


def prescriptions(doc):
    h = doc.header()
    return [rx for s in h.children(F.SECTION) if s.kind == epsos.KIND_EP_SECTION
            for rx in s.children(F.PRESCRIPTION)]


def read_ep(ctx, argv):
    if len(argv) != 1:
        err("usage: read-ep EP.xml")
        return 2
    try:
        doc = ctx.parse_file(argv[0])
    except epsos.Error as e:
        err("read-ep: %s: %s" % (argv[0], e.message))
        return 2
    with doc:
        if doc.kind != epsos.DOC_EP:
            err("read-ep: %s: a %s document, not an ePrescription" % (argv[0],
                                                                       dash(doc.kind_name)))
            return 1
        h = doc.header()
        print("ePrescription %s (%s generation)" % (ident(opt(h.get_id, F.ID)),
                                                    doc.generation_name))
        if h.count(F.PATIENT):
            pat = h.child(F.PATIENT)
            print("patient:    %s, born %s, id %s" % (dash(full_name(pat)),
                                                      date(opt(pat.get_time, F.BIRTH_TIME)),
                                                      ident(opt(pat.get_id, F.ID))))
        if h.count(F.AUTHOR):
            a = h.child(F.AUTHOR)
            line = "prescriber: " + dash(full_name(a))
            if a.count(F.ORGANIZATION):
                line += ", " + dash(opt(a.child(F.ORGANIZATION).get_text, F.ORGANIZATION_NAME))
            print("%s, prescribed %s" % (line, date(opt(a.get_time, F.TIME))))
        items = prescriptions(doc)
        for rx in items:
            print_prescription(rx)
        if not items:
            err("read-ep: %s: no prescription item" % argv[0])
            return 1
    return 0


# --- dispense -----------------------------------------------------------------

def pharmacist(it):
    it.set_id(F.ID, "2.999.1.43.2", "PH-17")
    addr = it.add_child(F.ADDRESS)
    addr.set_text(F.CITY, "Wien")
    addr.set_text(F.COUNTRY, "AT")
    it.set_telecom(F.TELECOM, "tel:+43-1-555-0170", "WP")
    name = it.add_child(F.NAME)
    name.set_text(F.GIVEN, "Sophie")
    name.set_text(F.FAMILY, "Apothekerin")


def pharmacy(org):
    org.set_id(F.ID, "2.999.1.43.3")
    org.set_text(F.ORGANIZATION_NAME, "Beispiel-Apotheke")
    org.set_telecom(F.TELECOM, "tel:+43-1-555-0100", "WP")
    addr = org.add_child(F.ADDRESS)
    addr.set_text(F.CITY, "Wien")
    addr.set_text(F.COUNTRY, "AT")


def pharmacy_part(ed, dispense):
    h = ed.header()
    h.set_id(F.ID, "2.999.1.43.9", "ED-2026-0001")
    h.set_text(F.TITLE, "eDispensation")
    h.set_code(F.CONFIDENTIALITY, "N", "2.16.840.1.113883.5.25", "normal")
    h.set_text(F.LANGUAGE, "de-AT")
    a = h.add_child(F.AUTHOR)
    a.set_code(F.FUNCTION_CODE, "2262", ISCO, "Pharmacists")
    a.set_time(F.TIME, "20261126100000+0100")
    pharmacist(a)
    pharmacy(a.add_child(F.ORGANIZATION))
    pharmacy(h.add_child(F.CUSTODIAN))
    la = h.add_child(F.LEGAL_AUTHENTICATOR)
    la.set_time(F.TIME, "20261126100000+0100")
    la.set_text(F.SIGNATURE_CODE, "S")
    pharmacist(la)
    pharmacy(la.add_child(F.ORGANIZATION))
    d = dispense.add_child(F.DISPENSER)
    d.set_time(F.TIME, "20261126")
    pharmacist(d)


def dispense(ctx, argv):
    if len(argv) not in (2, 3):
        err("usage: dispense EP.xml ED.xml [PACKAGES]")
        return 2
    packages = argv[2] if len(argv) == 3 else "1"
    try:
        ep = ctx.parse_file(argv[0])
    except epsos.Error as e:
        err("dispense: %s: %s" % (argv[0], e.message))
        return 2
    with ep:
        items = prescriptions(ep)
        if not items:
            err("dispense: %s: no prescription item" % argv[0])
            return 1
        rx = items[0]
        prescribed = (opt(rx.get_quantity, F.PACKAGES) or (None, None))[0]
        subst = (opt(rx.get_code, F.SUBSTITUTION) or (None,))[0]
        print("prescription item %s: %s package(s) prescribed" % (ident(opt(rx.get_id, F.ID)),
                                                                  prescribed or "?"))
        refusals = []
        if prescribed:
            refusals.append((str(int(float(prescribed)) + 1), 0, "packages"))
        if subst == "N":
            refusals.append(("1", epsos.ED_SUBSTITUTED, "a forbidden substitution"))
        for q, flags, what in refusals:
            try:
                rx.ed_from_ep(q, None, flags).close()
                err("dispense: %s was not refused" % what)
                return 1
            except epsos.Error as e:
                if e.status != epsos.EVALUE:
                    raise
                print("refused as expected: %s" % e.message)
        try:
            ed = rx.ed_from_ep(packages)
        except epsos.Error as e:
            err("dispense: refused: %s at %s" % (e.message, e.location))
            return 1
        with ed:
            d = ed.header().child(F.SECTION).child(F.DISPENSATION)
            pharmacy_part(ed, d)
            ed.complete()
            try:
                ed.save(argv[1], epsos.SERIALIZE_FORMAT)
            except epsos.Error as e:
                err("dispense: %s" % e.message)
                return 2
            name = opt(d.child(F.PRODUCT).get_text, F.PRODUCT_NAME)
            print("dispensed %s package(s) of %s against %s: %s"
                  % (d.get_quantity(F.QUANTITY)[0], dash(name),
                     ident(d.get_id(F.PRESCRIPTION_ID)), argv[1]))
    return 0


# --- transcode ----------------------------------------------------------------

FINDING_NAMES = {epsos.TERM_NO_MAPPING: "no-mapping",
                 epsos.TERM_NOT_IN_VALUE_SET: "not-in-value-set",
                 epsos.TERM_NULL_REQUIRED: "null-required",
                 epsos.TERM_NO_DESIGNATION: "no-designation",
                 epsos.TERM_UNKNOWN_VALUE_SET: "unknown-value-set",
                 epsos.TERM_BAD_UNIT: "bad-unit",
                 epsos.TERM_NO_CONCEPT: "no-concept"}


def print_gender(doc, when):
    h = doc.header()
    if not h.count(F.PATIENT):
        return
    pat = h.child(F.PATIENT)
    g = opt(pat.get_code, F.GENDER)
    if not g:
        return
    line = "gender %s: %s|%s (%s)" % (when, dash(g[1]), dash(g[0]), dash(g[2]))
    for code, system, dn in pat.translations(F.GENDER):
        line += ", translation %s|%s (%s)" % (system, code, dash(dn))
    print(line)


def print_report(report, step):
    unknown = 0
    for code, xpath, vs, msg in report.findings():
        if code == epsos.TERM_UNKNOWN_VALUE_SET:
            unknown += 1
        else:
            print("  %s: %s\n      at %s" % (FINDING_NAMES.get(code, "?"), msg, xpath))
    if unknown:
        print("  (%d coded values bound to value sets not in the catalogue)" % unknown)
    changed = report.stat(epsos.TERM_STAT_TRANSCODED if step == "transcoded"
                          else epsos.TERM_STAT_TRANSLATED)
    print("%s: %d coded values visited, %d %s, %d findings"
          % (step, report.stat(epsos.TERM_STAT_VISITED), changed, step,
             report.stat(epsos.TERM_STAT_MISSING)))


def transcode(ctx, argv):
    flags, lang = 0, None
    while argv and argv[0].startswith("-"):
        if argv[0] == "--strict":
            flags |= epsos.TERM_STRICT
            argv = argv[1:]
        elif argv[0] == "--lang" and len(argv) > 1:
            lang, argv = argv[1], argv[2:]
        else:
            break
    if len(argv) < 3:
        err("usage: transcode [--strict] [--lang LANG] IN.xml OUT.xml SOURCE...")
        return 2
    src, out, sources = argv[0], argv[1], argv[2:]
    try:
        cat = ctx.catalogue(*sources)
    except epsos.Error as e:
        err("transcode: %s" % e.message)
        return 2
    print("catalogue: %d value sets, %d mappings" % (cat.count(epsos.CAT_VALUE_SETS),
                                                     cat.count(epsos.CAT_MAPPINGS)))
    try:
        doc = ctx.parse_file(src)
    except epsos.Error as e:
        err("transcode: %s: %s" % (src, e.message))
        return 2
    with doc, cat:
        print_gender(doc, "before")
        try:
            report = doc.transcode(cat, flags)
        except epsos.Error as e:
            print_report(e.report, "transcoded")
            err("transcode: refused: %s" % e.message)
            return 1
        print_report(report, "transcoded")
        print_gender(doc, "after")
        transcoded = report.stat(epsos.TERM_STAT_TRANSCODED)
        if lang:
            print_report(doc.translate(cat, lang), "translated")
            print_gender(doc, "translated")
        try:
            doc.save(out, epsos.SERIALIZE_FORMAT)
        except epsos.Error as e:
            err("transcode: %s" % e.message)
            return 2
        print("written: %s" % out)
        return 0 if transcoded else 1


# --- sign-verify ------------------------------------------------------------------

HCP_FIELDS = [(epsos.SAML_ISSUER, "urn:idp:AT:countryA"),
              (epsos.SAML_NAME_ID, "dr.beispiel@spital.example"),
              (epsos.SAML_NAME_ID_FORMAT, "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"),
              (epsos.SAML_SUBJECT_ID, "Dr. Anna Beispiel"),
              (epsos.SAML_ROLE, "221"),
              (epsos.SAML_ROLE_NAME, "Medical Doctors"),
              (epsos.SAML_ORGANIZATION, "Landesklinikum Beispiel"),
              (epsos.SAML_ORGANIZATION_ID, "urn:oid:2.999.1.43.5"),
              (epsos.SAML_FACILITY_TYPE, "Hospital"),
              (epsos.SAML_PURPOSE, "TREATMENT"),
              (epsos.SAML_LOCALITY, "Wien")]


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def sign(ctx, key, cert, out, chain=None):
    try:
        signer = ctx.signer_pem(read_bytes(key), read_bytes(cert),
                                read_bytes(chain) if chain else None)
    except OSError:
        err("sign-verify: cannot read the key, certificate or chain")
        return 2
    except epsos.Error as e:
        err("sign-verify: %s" % e.message)
        return 2
    with signer, ctx.assertion_builder(epsos.ASSERTION_HCP) as b:
        for field, value in HCP_FIELDS:
            b.set(field, value)
        for perm in ("PRD-006", "PRD-003", "PRD-005", "PRD-010", "PRD-016"):
            b.add_permission(perm)
        try:
            b.add_permission("read everything")
            err("sign-verify: a bad permission was accepted")
            return 1
        except epsos.Error as e:
            if e.status != epsos.EVALUE:
                raise
            err("refused as expected: %s" % e.message)
        xml = b.sign(signer)
    try:
        with open(out, "wb") as f:
            f.write(xml)
    except OSError:
        err("sign-verify: cannot write %s" % out)
        return 2
    print("signed HCP assertion written to %s (%d bytes)" % (out, len(xml)))
    return 0


def verify(ctx, trust, path):
    # the shared, immutable trust store: the verifier keeps its own reference
    try:
        with ctx.trust(trust) as store:
            verifier = ctx.verifier(trust=store)
    except epsos.Error as e:
        err("sign-verify: %s: %s" % (trust, e.message))
        return 2
    with verifier:
        try:
            xml = read_bytes(path)
        except OSError:
            err("sign-verify: cannot read %s" % path)
            return 2
        try:
            a = ctx.parse_assertion(xml, epsos.ASSERTION_HCP)
        except epsos.Error as e:
            err("sign-verify: %s: %s" % (path, e.message))
            return 2
        with a:
            verdict = a.verify(verifier, 0, 60)
            if verdict != epsos.SAML_OK:
                print("NOT valid: %s: %s" % (epsos.verdict_name(verdict), a.message))
                return 1
            print("valid: assertion %s: %s, %s, %s"
                  % (dash(a.get(epsos.SAML_ID)), dash(a.get(epsos.SAML_SUBJECT_ID)),
                     dash(a.get(epsos.SAML_ROLE_NAME)), dash(a.get(epsos.SAML_ORGANIZATION))))
            print("permissions:" + "".join(" " + p for p in a.permissions()))
            v = a.access(epsos.TX_IDENTIFY_PATIENT)
            print("identify patient: %s" % ("allowed" if v == epsos.SAML_OK
                                            else epsos.verdict_name(v)))
            v = a.access(epsos.TX_SUBMIT_ED)
            print("submit eDispensation: %s" % ("allowed" if v == epsos.SAML_OK else
                                                 "%s: %s" % (epsos.verdict_name(v), a.message)))
    return 0


def sign_verify(ctx, argv):
    if argv and argv[0] == "sign" and len(argv) in (4, 5):
        return sign(ctx, *argv[1:])
    if argv and argv[0] == "verify" and len(argv) == 3:
        return verify(ctx, argv[1], argv[2])
    err("usage: sign-verify sign KEY.pem CERT.pem OUT.xml [CHAIN.pem]\n"
        "       sign-verify verify TRUST.pem IN.xml")
    return 2


TASKS = {"read-header": read_header, "build-header": build_header, "build-ps": build_ps,
         "read-ep": read_ep, "dispense": dispense, "transcode": transcode,
         "sign-verify": sign_verify}


def main(argv):
    if len(argv) < 2 or argv[1] not in TASKS:
        err("usage: tasks.py %s ARGS..." % "|".join(TASKS))
        return 2
    with epsos.Context() as ctx:
        try:
            return TASKS[argv[1]](ctx, argv[2:])
        except epsos.Error as e:
            err("%s: %s" % (argv[1], e))
            return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
