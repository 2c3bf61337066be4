/*
 * libepsos - the tasks of the C examples (examples/*.c), from Java (JNA).
 * SPDX-License-Identifier: MIT
 *
 *   javac -cp /usr/share/java/jna.jar Epsos.java Tasks.java
 *   java -cp /usr/share/java/jna.jar:. Tasks TASK ARGS...
 *
 *   read-header FILE                     build-header [OUT.xml]
 *   build-ps [OUT.xml]                   read-ep EP.xml
 *   dispense EP.xml ED.xml [PACKAGES]
 *   transcode [--strict] [--lang LANG] IN.xml OUT.xml SOURCE...
 *   sign-verify sign KEY.pem CERT.pem OUT.xml [CHAIN.pem]
 *   sign-verify verify TRUST.pem IN.xml
 *
 * Each task prints what its C program prints, with the same exit status
 * (0 success, 1 refused / not valid, 2 usage error or unreadable input):
 * examples/run-examples.sh checks the C programs, the Python script and
 * this one (tests/ffi/java.sh) with the same assertions.
 */
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public final class Tasks {
    private static final Epsos E = Epsos.LIB;
    private static final PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    static final String SNOMED = "2.16.840.1.113883.6.96", ATC = "2.16.840.1.113883.6.73",
        EDQM = "0.4.0.127.0.16.1.1.2.1", ICD10 = "1.3.6.1.4.1.12559.11.10.1.3.1.44.2",
        ISCO = "2.16.840.1.113883.2.9.6.2.7";

    /** The context of the run: every helper reports its failures through it. */
    private static Pointer ctx;

    private static Epsos.SizeT at(long i) { return new Epsos.SizeT(i); }
    private static void check(int rc, String fn) throws Epsos.EpsosException { Epsos.check(ctx, rc, fn); }
    private static String dash(String s) { return s == null || s.isEmpty() ? "-" : s; }

    /* --- item helpers ------------------------------------------------------ */

    static long count(Pointer item, int field) throws Epsos.EpsosException {
        Epsos.SizeTByReference n = new Epsos.SizeTByReference();
        check(E.epsos_item_count(item, field, n), "epsos_item_count");
        return n.getValue();
    }

    static Pointer child(Pointer item, int field, long i) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        check(E.epsos_item_child(r, item, field, at(i)), "epsos_item_child");
        return r.getValue();
    }

    static Pointer add(Pointer item, int field) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        check(E.epsos_item_add_child(r, item, field), "epsos_item_add_child");
        return r.getValue();
    }

    static Pointer header(Pointer doc) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        check(E.epsos_doc_header(r, doc), "epsos_doc_header");
        return r.getValue();
    }

    /** Readers: null when the field is absent (EPSOS_ENOTFOUND). */
    static String text(Pointer item, int field, long i) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        int rc = E.epsos_item_get_text(item, field, at(i), r);
        if (rc == Epsos.ENOTFOUND) return null;
        check(rc, "epsos_item_get_text");
        return Epsos.string(r);
    }

    static String text(Pointer item, int field) throws Epsos.EpsosException { return text(item, field, 0); }

    static String time(Pointer item, int field) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        int rc = E.epsos_item_get_time(item, field, at(0), r);
        if (rc == Epsos.ENOTFOUND) return null;
        check(rc, "epsos_item_get_time");
        return Epsos.string(r);
    }

    /** {code, codeSystem, displayName} or null. */
    static String[] code(Pointer item, int field) throws Epsos.EpsosException {
        PointerByReference c = new PointerByReference(), s = new PointerByReference(),
            d = new PointerByReference();
        int rc = E.epsos_item_get_code(item, field, at(0), c, s, d);
        if (rc == Epsos.ENOTFOUND) return null;
        check(rc, "epsos_item_get_code");
        return new String[] { Epsos.string(c), Epsos.string(s), Epsos.string(d) };
    }

    /** {root, extension} or null. */
    static String[] id(Pointer item, int field) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference(), x = new PointerByReference();
        int rc = E.epsos_item_get_id(item, field, at(0), r, x);
        if (rc == Epsos.ENOTFOUND) return null;
        check(rc, "epsos_item_get_id");
        return new String[] { Epsos.string(r), Epsos.string(x) };
    }

    /** {value, unit} or null. */
    static String[] pq(Pointer item, int field) throws Epsos.EpsosException {
        PointerByReference v = new PointerByReference(), u = new PointerByReference();
        int rc = E.epsos_item_get_quantity(item, field, at(0), v, u);
        if (rc == Epsos.ENOTFOUND) return null;
        check(rc, "epsos_item_get_quantity");
        return new String[] { Epsos.string(v), Epsos.string(u) };
    }

    static void setText(Pointer it, int f, String v) throws Epsos.EpsosException {
        check(E.epsos_item_set_text(it, f, at(0), v), "epsos_item_set_text");
    }
    static void setTime(Pointer it, int f, String v) throws Epsos.EpsosException {
        check(E.epsos_item_set_time(it, f, at(0), v), "epsos_item_set_time");
    }
    static void setCode(Pointer it, int f, String c, String s, String d) throws Epsos.EpsosException {
        check(E.epsos_item_set_code(it, f, at(0), c, s, d), "epsos_item_set_code");
    }
    static void setId(Pointer it, int f, String root, String ext) throws Epsos.EpsosException {
        check(E.epsos_item_set_id(it, f, at(0), root, ext), "epsos_item_set_id");
    }
    static void setPq(Pointer it, int f, String v, String u) throws Epsos.EpsosException {
        check(E.epsos_item_set_quantity(it, f, at(0), v, u), "epsos_item_set_quantity");
    }
    static void setTel(Pointer it, int f, String v, String use) throws Epsos.EpsosException {
        check(E.epsos_item_set_telecom(it, f, at(0), v, use), "epsos_item_set_telecom");
    }

    static String fullName(Pointer parent) throws Epsos.EpsosException {
        if (count(parent, Epsos.F_NAME) == 0)
            return null;
        Pointer name = child(parent, Epsos.F_NAME, 0);
        StringBuilder sb = new StringBuilder();
        for (int field : new int[] { Epsos.F_GIVEN, Epsos.F_FAMILY })
            for (long i = 0, n = count(name, field); i < n; i++)
                sb.append(sb.length() > 0 ? " " : "").append(text(name, field, i));
        return sb.toString();
    }

    static String ident(String[] id) {
        return id == null ? "-" : dash(id[0]) + (id[1] != null ? "^" + id[1] : "");
    }

    static Pointer parse(String path) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        check(E.epsos_doc_parse_file(r, ctx, path, 0), "epsos_doc_parse_file");
        return r.getValue();
    }

    /* --- read-header, build-header ---------------------------------------- */

    static int readHeader(String[] a) throws Epsos.EpsosException {
        if (a.length != 1) { err.println("usage: read-header FILE"); return 2; }
        Pointer doc;
        try { doc = parse(a[0]); } catch (Epsos.EpsosException e) { err.println(a[0] + ": " + e.message); return 2; }
        try {
            Pointer h = header(doc);
            out.print(a[0] + " (" + E.epsos_doc_kind_name(E.epsos_doc_kind(doc)) + ", "
                      + E.epsos_generation_name(E.epsos_doc_generation(doc)) + " generation): "
                      + dash(text(h, Epsos.F_TITLE)) + "\n");
            if (count(h, Epsos.F_PATIENT) > 0) {
                Pointer p = child(h, Epsos.F_PATIENT, 0);
                String n = fullName(p);
                out.print("patient: " + (n == null ? "" : n) + ", born " + dash(time(p, Epsos.F_BIRTH_TIME)) + "\n");
            }
            for (long i = 0, n = count(h, Epsos.F_AUTHOR); i < n; i++) {
                String name = fullName(child(h, Epsos.F_AUTHOR, i));
                out.print("author: " + (name == null ? "" : name) + "\n");
            }
        } finally {
            E.epsos_doc_free(doc);
        }
        return 0;
    }

    static Pointer newDoc(int kind) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        check(E.epsos_doc_new(r, ctx, kind), "epsos_doc_new");
        return r.getValue();
    }

    static void person(Pointer it, String given, String family) throws Epsos.EpsosException {
        Pointer n = add(it, Epsos.F_NAME);
        if (given != null) setText(n, Epsos.F_GIVEN, given);
        setText(n, Epsos.F_FAMILY, family);
    }

    static int save(Pointer doc, String[] a, String prog) throws Epsos.EpsosException {
        if (a.length > 0) {
            int rc = E.epsos_doc_save(doc, a[0], Epsos.SERIALIZE_FORMAT);
            if (rc != Epsos.OK) { err.println(prog + ": " + E.epsos_ctx_errmsg(ctx)); return 2; }
        } else {
            Epsos.Document d = new Epsos.Document(ctx, doc);   // not closed: the caller frees doc
            out.print(Epsos.utf8(d.serialize(Epsos.SERIALIZE_FORMAT)));
        }
        return 0;
    }

    static int buildHeader(String[] a) throws Epsos.EpsosException {
        Pointer doc = newDoc(Epsos.DOC_PS);
        try {
            Pointer h = header(doc);
            setId(h, Epsos.F_ID, "2.999.1.42.7", "PS-2026-0002");
            setText(h, Epsos.F_TITLE, "Patient Summary");
            setTime(h, Epsos.F_EFFECTIVE_TIME, "20261124103000+0100");
            setCode(h, Epsos.F_CONFIDENTIALITY, "N", "2.16.840.1.113883.5.25", "normal");
            setText(h, Epsos.F_LANGUAGE, "en-GB");
            Pointer pat = add(h, Epsos.F_PATIENT);
            setId(pat, Epsos.F_ID, "2.999.1.42.1", "PT-0043");
            person(pat, "Jan", "Novák");
            setCode(pat, Epsos.F_GENDER, "M", "2.16.840.1.113883.5.1", "Male");
            setTime(pat, Epsos.F_BIRTH_TIME, "19800229");
            Pointer au = add(h, Epsos.F_AUTHOR);
            setCode(au, Epsos.F_FUNCTION_CODE, "221", ISCO, "Medical doctors");
            setTime(au, Epsos.F_TIME, "20261124100000+0100");
            setId(au, Epsos.F_ID, "2.999.1.42.2", "HCP-78");
            person(au, null, "Dvořák");
            setText(add(au, Epsos.F_ORGANIZATION), Epsos.F_ORGANIZATION_NAME, "Nemocnice Příklad");
            if (E.epsos_item_set_time(pat, Epsos.F_BIRTH_TIME, at(0), "1980-02-29") != Epsos.EVALUE) {
                err.println("build-header: a bad birth time was accepted");
                return 1;
            }
            err.println("refused as expected: " + E.epsos_ctx_errmsg(ctx));
            return save(doc, a, "build-header");
        } finally {
            E.epsos_doc_free(doc);
        }
    }

    /* --- build-ps ------------------------------------------------------------ */

    static void place(Pointer it, String city) throws Epsos.EpsosException {
        Pointer ad = add(it, Epsos.F_ADDRESS);
        if (city != null) setText(ad, Epsos.F_CITY, city);
        setText(ad, Epsos.F_COUNTRY, "CZ");
        setTel(it, Epsos.F_TELECOM, "tel:+420-555-010-200", "WP");
    }

    static void organization(Pointer org) throws Epsos.EpsosException {
        setId(org, Epsos.F_ID, "2.999.1.42.3", "ORG-CZ-1");
        setText(org, Epsos.F_ORGANIZATION_NAME, "Nemocnice Příklad");
        place(org, "Brno");
    }

    static Pointer section(Pointer doc, int kind) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        check(E.epsos_doc_add_section(r, doc, kind), "epsos_doc_add_section");
        return r.getValue();
    }

    static int buildPs(String[] a) throws Epsos.EpsosException {
        if (a.length > 1) { err.println("usage: build-ps [OUT.xml]"); return 2; }
        Pointer doc = newDoc(Epsos.DOC_PS);
        try {
            Pointer h = header(doc);
            setId(h, Epsos.F_ID, "2.999.1.42.7", "PS-2026-0003");
            setText(h, Epsos.F_TITLE, "Patient Summary");
            setCode(h, Epsos.F_CONFIDENTIALITY, "N", "2.16.840.1.113883.5.25", "normal");
            setText(h, Epsos.F_LANGUAGE, "en-GB");
            Pointer pat = add(h, Epsos.F_PATIENT);
            setId(pat, Epsos.F_ID, "2.999.1.42.1", "PT-0043");
            place(pat, "Brno");
            person(pat, "Jan", "Novák");
            setCode(pat, Epsos.F_GENDER, "M", "2.16.840.1.113883.5.1", "Male");
            setTime(pat, Epsos.F_BIRTH_TIME, "19800229");
            Pointer au = add(h, Epsos.F_AUTHOR);
            setCode(au, Epsos.F_FUNCTION_CODE, "221", ISCO, "Medical doctors");
            setTime(au, Epsos.F_TIME, "20261124100000+0100");
            setId(au, Epsos.F_ID, "2.999.1.42.2", "HCP-78");
            place(au, null);
            person(au, "Eva", "Dvořáková");
            organization(add(au, Epsos.F_ORGANIZATION));
            organization(add(h, Epsos.F_CUSTODIAN));
            Pointer la = add(h, Epsos.F_LEGAL_AUTHENTICATOR);
            setTime(la, Epsos.F_TIME, "20261124101500+0100");
            setText(la, Epsos.F_SIGNATURE_CODE, "S");
            setId(la, Epsos.F_ID, "2.999.1.42.2", "HCP-78");
            place(la, null);
            person(la, "Eva", "Dvořáková");
            organization(add(la, Epsos.F_ORGANIZATION));
            Pointer c = add(h, Epsos.F_CONTACT);
            setText(c, Epsos.F_CLASS_CODE, "NOK");
            setCode(c, Epsos.F_CODE, "WIFE", "2.16.840.1.113883.5.111", "wife");
            place(c, "Brno");
            person(c, "Petra", "Nováková");
            setTime(h, Epsos.F_SERVICE_START, "20100101");
            setTime(h, Epsos.F_SERVICE_END, "20261124");
            setId(h, Epsos.F_PARENT_DOCUMENT_ID, "2.999.1.42.9", "NAT-PS-3");

            Pointer s = section(doc, Epsos.KIND_PS_ALLERGIES_SECTION);
            Pointer e = add(s, Epsos.F_ALLERGY);
            setText(e, Epsos.F_STATUS, "active");
            setTime(e, Epsos.F_START, "20100301");
            Pointer o = add(e, Epsos.F_OBSERVATION);
            setCode(o, Epsos.F_CODE, "609328004", SNOMED, "Allergic disposition");
            setText(o, Epsos.F_STATUS, "completed");
            setTime(o, Epsos.F_START, "20100301");
            setCode(o, Epsos.F_AGENT, "J01CA04", ATC, "amoxicillin");
            setCode(o, Epsos.F_CRITICALITY, "high", "2.16.840.1.113883.4.642.4.130", "High Risk");
            Pointer r = add(o, Epsos.F_REACTION);
            setCode(r, Epsos.F_VALUE, "247472004", SNOMED, "Wheal");
            setTime(r, Epsos.F_START, "20100301");
            setCode(r, Epsos.F_SEVERITY, "24484000", SNOMED, "Severe");

            s = section(doc, Epsos.KIND_PS_MEDICATION_SECTION);
            e = add(s, Epsos.F_MEDICATION);
            setText(e, Epsos.F_STATUS, "active");
            setTime(e, Epsos.F_START, "20250101");
            setPq(e, Epsos.F_FREQUENCY, "24", "h");
            setCode(e, Epsos.F_ROUTE, "20053000", EDQM, "Oral use");
            setPq(e, Epsos.F_DOSE, "1", "1");
            setText(e, Epsos.F_PRODUCT_NAME, "Atorvastatin Example 20 mg");
            setCode(e, Epsos.F_DOSE_FORM, "10219000", EDQM, "Tablet");
            setCode(e, Epsos.F_ATC, "C10AA05", ATC, "atorvastatin");
            Pointer ing = add(e, Epsos.F_INGREDIENT);
            setPq(ing, Epsos.F_STRENGTH_NUMERATOR, "20", "mg");
            setPq(ing, Epsos.F_STRENGTH_DENOMINATOR, "1", "1");
            setCode(ing, Epsos.F_SUBSTANCE, "C10AA05", ATC, "atorvastatin");
            setText(e, Epsos.F_INSTRUCTIONS, "Take in the evening.");

            s = section(doc, Epsos.KIND_PS_PROBLEMS_SECTION);
            e = add(s, Epsos.F_PROBLEM);
            setText(e, Epsos.F_STATUS, "active");
            setTime(e, Epsos.F_START, "2015");
            o = add(e, Epsos.F_OBSERVATION);
            setCode(o, Epsos.F_CODE, "55607006", SNOMED, "Problem");
            setTime(o, Epsos.F_START, "2015");
            setCode(o, Epsos.F_VALUE, "E78.0", ICD10, "Pure hypercholesterolaemia");

            if (E.epsos_doc_complete(doc, 0) != Epsos.EVALUE) {
                err.println("build-ps: completed without the required sections");
                return 1;
            }
            err.println("refused as expected: " + E.epsos_ctx_errmsg(ctx));
            check(E.epsos_ps_set_absent(null, doc, Epsos.KIND_PS_SURGERIES_SECTION, Epsos.ABSENT_NO_KNOWN),
                  "epsos_ps_set_absent");
            check(E.epsos_ps_set_absent(null, doc, Epsos.KIND_PS_DEVICES_SECTION, Epsos.ABSENT_NO_KNOWN),
                  "epsos_ps_set_absent");
            check(E.epsos_doc_complete(doc, 0), "epsos_doc_complete");

            PointerByReference rr = new PointerByReference();
            check(E.epsos_validate(rr, ctx, doc, 0), "epsos_validate");
            Pointer rep = rr.getValue();
            long errors, warnings;
            try {
                for (long i = 0, n = E.epsos_report_count(rep, 0).longValue(); i < n; i++)
                    if (E.epsos_report_severity(rep, at(i)) == Epsos.SEV_ERROR)
                        err.println("validation: " + E.epsos_report_rule(rep, at(i)) + ": "
                                    + E.epsos_report_message(rep, at(i)) + " at " + E.epsos_report_xpath(rep, at(i)));
                errors = E.epsos_report_count(rep, Epsos.SEV_ERROR).longValue();
                warnings = E.epsos_report_count(rep, Epsos.SEV_WARNING).longValue();
            } finally {
                E.epsos_report_free(rep);
            }
            err.println("validation: " + errors + " errors, " + warnings + " warnings");
            if (errors > 0)
                return 1;
            return save(doc, a, "build-ps");
        } finally {
            E.epsos_doc_free(doc);
        }
    }

    /* --- read-ep --------------------------------------------------------------- */

    static String date(String ts) {
        if (ts == null || ts.length() < 8)
            return dash(ts);
        return ts.substring(0, 4) + "-" + ts.substring(4, 6) + "-" + ts.substring(6, 8);
    }

    static String display(Pointer it, int field) throws Epsos.EpsosException {
        String[] c = code(it, field);
        if (c == null) return null;
        return c[2] != null && !c[2].isEmpty() ? c[2] : c[0];
    }

    static String quantity(Pointer it, int field) throws Epsos.EpsosException {
        String[] q = pq(it, field);
        if (q == null || q[0] == null) return null;
        return q[0] + (q[1] != null && !q[1].equals("1") ? " " + q[1] : "");
    }

    static List<Pointer> prescriptions(Pointer doc) throws Epsos.EpsosException {
        List<Pointer> items = new ArrayList<>();
        Pointer h = header(doc);
        for (long i = 0, n = count(h, Epsos.F_SECTION); i < n; i++) {
            Pointer s = child(h, Epsos.F_SECTION, i);
            if (E.epsos_item_kind(s) != Epsos.KIND_EP_SECTION)
                continue;
            for (long j = 0, m = count(s, Epsos.F_PRESCRIPTION); j < m; j++)
                items.add(child(s, Epsos.F_PRESCRIPTION, j));
        }
        return items;
    }

    static void printPrescription(Pointer rx) throws Epsos.EpsosException {
        out.print("prescription item " + ident(id(rx, Epsos.F_ID)) + "\n");
        if (count(rx, Epsos.F_PRODUCT) > 0) {
            Pointer p = child(rx, Epsos.F_PRODUCT, 0);
            out.print("  product:       " + dash(text(p, Epsos.F_PRODUCT_NAME)) + "\n");
            String[] atc = code(p, Epsos.F_ATC);
            if (atc != null)
                out.print("  ATC:           " + dash(atc[0]) + " (" + dash(atc[2]) + ")\n");
            for (long i = 0, n = count(p, Epsos.F_INGREDIENT); i < n; i++) {
                Pointer ing = child(p, Epsos.F_INGREDIENT, i);
                String num = quantity(ing, Epsos.F_STRENGTH_NUMERATOR), den = quantity(ing, Epsos.F_STRENGTH_DENOMINATOR);
                out.print("  strength:      " + dash(display(ing, Epsos.F_SUBSTANCE)) + " "
                          + (num != null ? num : "-") + " per " + (den != null ? den : "1") + "\n");
            }
            out.print("  dose form:     " + dash(display(p, Epsos.F_DOSE_FORM)) + "\n");
            String pk = quantity(p, Epsos.F_PACKAGE_QUANTITY);
            if (pk != null)
                out.print("  package:       " + dash(display(p, Epsos.F_PACKAGE_FORM)) + " of " + pk + "\n");
        }
        String n = quantity(rx, Epsos.F_PACKAGES);
        if (n != null)
            out.print("  dispense:      " + n + " package(s)\n");
        String dose = quantity(rx, Epsos.F_DOSE), low = quantity(rx, Epsos.F_DOSE_LOW),
            high = quantity(rx, Epsos.F_DOSE_HIGH);
        if (dose != null)
            out.print("  dose:          " + dose + "\n");
        else if (low != null)
            out.print("  dose:          " + (high != null && !high.equals(low) ? low + " to " + high : low) + "\n");
        String freq = quantity(rx, Epsos.F_FREQUENCY);
        String[] event = code(rx, Epsos.F_EVENT);
        String once = time(rx, Epsos.F_FREQUENCY_TIME);
        if (freq != null)
            out.print("  frequency:     every " + freq + "\n");
        else if (event != null)
            out.print("  frequency:     at event " + dash(event[2] != null ? event[2] : event[0]) + "\n");
        else if (once != null)
            out.print("  frequency:     once, on " + date(once) + "\n");
        out.print("  route:         " + dash(display(rx, Epsos.F_ROUTE)) + "\n");
        out.print("  treatment:     " + date(time(rx, Epsos.F_START)) + " to " + date(time(rx, Epsos.F_END)) + "\n");
        String[] subst = code(rx, Epsos.F_SUBSTITUTION);
        if (subst == null || subst[0] == null)
            out.print("  substitution:  allowed (not restricted by the prescriber)\n");
        else if (subst[0].equals("N"))
            out.print("  substitution:  NOT allowed\n");
        else
            out.print("  substitution:  allowed (" + dash(subst[2] != null ? subst[2] : subst[0]) + ")\n");
        out.print("  instructions:  " + dash(text(rx, Epsos.F_INSTRUCTIONS)) + "\n");
        String fi = text(rx, Epsos.F_FULFILMENT_INSTRUCTIONS);
        if (fi != null)
            out.print("  to pharmacist: " + fi + "\n");
    }

    static int readEp(String[] a) throws Epsos.EpsosException {
        if (a.length != 1) { err.println("usage: read-ep EP.xml"); return 2; }
        Pointer doc;
        try { doc = parse(a[0]); } catch (Epsos.EpsosException e) {
            err.println("read-ep: " + a[0] + ": " + e.message);
            return 2;
        }
        try {
            if (E.epsos_doc_kind(doc) != Epsos.DOC_EP) {
                err.println("read-ep: " + a[0] + ": a " + dash(E.epsos_doc_kind_name(E.epsos_doc_kind(doc)))
                            + " document, not an ePrescription");
                return 1;
            }
            Pointer h = header(doc);
            out.print("ePrescription " + ident(id(h, Epsos.F_ID)) + " ("
                      + E.epsos_generation_name(E.epsos_doc_generation(doc)) + " generation)\n");
            if (count(h, Epsos.F_PATIENT) > 0) {
                Pointer p = child(h, Epsos.F_PATIENT, 0);
                out.print("patient:    " + dash(fullName(p)) + ", born " + date(time(p, Epsos.F_BIRTH_TIME))
                          + ", id " + ident(id(p, Epsos.F_ID)) + "\n");
            }
            if (count(h, Epsos.F_AUTHOR) > 0) {
                Pointer au = child(h, Epsos.F_AUTHOR, 0);
                String line = "prescriber: " + dash(fullName(au));
                if (count(au, Epsos.F_ORGANIZATION) > 0)
                    line += ", " + dash(text(child(au, Epsos.F_ORGANIZATION, 0), Epsos.F_ORGANIZATION_NAME));
                out.print(line + ", prescribed " + date(time(au, Epsos.F_TIME)) + "\n");
            }
            List<Pointer> items = prescriptions(doc);
            for (Pointer rx : items)
                printPrescription(rx);
            if (items.isEmpty()) {
                err.println("read-ep: " + a[0] + ": no prescription item");
                return 1;
            }
            return 0;
        } finally {
            E.epsos_doc_free(doc);
        }
    }

    /* --- dispense ------------------------------------------------------------------ */

    static void pharmacist(Pointer it) throws Epsos.EpsosException {
        setId(it, Epsos.F_ID, "2.999.1.43.2", "PH-17");
        Pointer ad = add(it, Epsos.F_ADDRESS);
        setText(ad, Epsos.F_CITY, "Wien");
        setText(ad, Epsos.F_COUNTRY, "AT");
        setTel(it, Epsos.F_TELECOM, "tel:+43-1-555-0170", "WP");
        person(it, "Sophie", "Apothekerin");
    }

    static void pharmacy(Pointer org) throws Epsos.EpsosException {
        setId(org, Epsos.F_ID, "2.999.1.43.3", null);
        setText(org, Epsos.F_ORGANIZATION_NAME, "Beispiel-Apotheke");
        setTel(org, Epsos.F_TELECOM, "tel:+43-1-555-0100", "WP");
        Pointer ad = add(org, Epsos.F_ADDRESS);
        setText(ad, Epsos.F_CITY, "Wien");
        setText(ad, Epsos.F_COUNTRY, "AT");
    }

    static void pharmacyPart(Pointer ed, Pointer dispense) throws Epsos.EpsosException {
        Pointer h = header(ed);
        setId(h, Epsos.F_ID, "2.999.1.43.9", "ED-2026-0001");
        setText(h, Epsos.F_TITLE, "eDispensation");
        setCode(h, Epsos.F_CONFIDENTIALITY, "N", "2.16.840.1.113883.5.25", "normal");
        setText(h, Epsos.F_LANGUAGE, "de-AT");
        Pointer au = add(h, Epsos.F_AUTHOR);
        setCode(au, Epsos.F_FUNCTION_CODE, "2262", ISCO, "Pharmacists");
        setTime(au, Epsos.F_TIME, "20261126100000+0100");
        pharmacist(au);
        pharmacy(add(au, Epsos.F_ORGANIZATION));
        pharmacy(add(h, Epsos.F_CUSTODIAN));
        Pointer la = add(h, Epsos.F_LEGAL_AUTHENTICATOR);
        setTime(la, Epsos.F_TIME, "20261126100000+0100");
        setText(la, Epsos.F_SIGNATURE_CODE, "S");
        pharmacist(la);
        pharmacy(add(la, Epsos.F_ORGANIZATION));
        Pointer d = add(dispense, Epsos.F_DISPENSER);
        setTime(d, Epsos.F_TIME, "20261126");
        pharmacist(d);
    }

    static int dispense(String[] a) throws Epsos.EpsosException {
        if (a.length < 2 || a.length > 3) { err.println("usage: dispense EP.xml ED.xml [PACKAGES]"); return 2; }
        String packages = a.length == 3 ? a[2] : "1";
        Pointer ep;
        try { ep = parse(a[0]); } catch (Epsos.EpsosException e) {
            err.println("dispense: " + a[0] + ": " + e.message);
            return 2;
        }
        Pointer ed = null;
        try {
            List<Pointer> items = prescriptions(ep);
            if (items.isEmpty()) { err.println("dispense: " + a[0] + ": no prescription item"); return 1; }
            Pointer rx = items.get(0);
            String[] prescribed = pq(rx, Epsos.F_PACKAGES), subst = code(rx, Epsos.F_SUBSTITUTION);
            out.print("prescription item " + ident(id(rx, Epsos.F_ID)) + ": "
                      + (prescribed != null ? prescribed[0] : "?") + " package(s) prescribed\n");
            PointerByReference r = new PointerByReference();
            if (prescribed != null) {
                String more = Long.toString((long) Double.parseDouble(prescribed[0]) + 1);
                if (E.epsos_ed_from_ep(r, rx, more, null, 0) != Epsos.EVALUE || r.getValue() != null) {
                    err.println("dispense: " + more + " packages were not refused");
                    return 1;
                }
                out.print("refused as expected: " + E.epsos_ctx_errmsg(ctx) + "\n");
            }
            if (subst != null && "N".equals(subst[0])) {
                if (E.epsos_ed_from_ep(r, rx, "1", null, Epsos.ED_SUBSTITUTED) != Epsos.EVALUE) {
                    err.println("dispense: a forbidden substitution was not refused");
                    return 1;
                }
                out.print("refused as expected: " + E.epsos_ctx_errmsg(ctx) + "\n");
            }
            if (E.epsos_ed_from_ep(r, rx, packages, null, 0) != Epsos.OK) {
                err.println("dispense: refused: " + E.epsos_ctx_errmsg(ctx) + " at " + E.epsos_ctx_errloc(ctx));
                return 1;
            }
            ed = r.getValue();
            Pointer d = child(child(header(ed), Epsos.F_SECTION, 0), Epsos.F_DISPENSE, 0);
            pharmacyPart(ed, d);
            check(E.epsos_doc_complete(ed, 0), "epsos_doc_complete");
            if (E.epsos_doc_save(ed, a[1], Epsos.SERIALIZE_FORMAT) != Epsos.OK) {
                err.println("dispense: " + E.epsos_ctx_errmsg(ctx));
                return 2;
            }
            out.print("dispensed " + pq(d, Epsos.F_QUANTITY)[0] + " package(s) of "
                      + dash(text(child(d, Epsos.F_PRODUCT, 0), Epsos.F_PRODUCT_NAME)) + " against "
                      + ident(id(d, Epsos.F_PRESCRIPTION_ID)) + ": " + a[1] + "\n");
            return 0;
        } finally {
            E.epsos_doc_free(ed);
            E.epsos_doc_free(ep);
        }
    }

    /* --- transcode --------------------------------------------------------------------- */

    static final String[] FINDINGS = { "?", "no-mapping", "not-in-value-set", "null-required",
        "no-designation", "unknown-value-set", "bad-unit", "no-concept" };

    static void printGender(Pointer doc, String when) throws Epsos.EpsosException {
        Pointer h = header(doc);
        if (count(h, Epsos.F_PATIENT) == 0) return;
        Pointer p = child(h, Epsos.F_PATIENT, 0);
        String[] g = code(p, Epsos.F_GENDER);
        if (g == null) return;
        StringBuilder sb = new StringBuilder("gender " + when + ": " + dash(g[1]) + "|" + dash(g[0]) + " (" + dash(g[2]) + ")");
        Epsos.SizeTByReference n = new Epsos.SizeTByReference();
        check(E.epsos_item_translation_count(p, Epsos.F_GENDER, at(0), n), "epsos_item_translation_count");
        for (long i = 0; i < n.getValue(); i++) {
            PointerByReference c = new PointerByReference(), s = new PointerByReference(), d = new PointerByReference();
            check(E.epsos_item_get_translation(p, Epsos.F_GENDER, at(0), at(i), c, s, d), "epsos_item_get_translation");
            sb.append(", translation ").append(Epsos.string(s)).append("|").append(Epsos.string(c))
              .append(" (").append(dash(Epsos.string(d))).append(")");
        }
        out.print(sb + "\n");
    }

    static long stat(Pointer report, int what) throws Epsos.EpsosException {
        Epsos.SizeTByReference n = new Epsos.SizeTByReference();
        check(E.epsos_term_report_stat(report, what, n), "epsos_term_report_stat");
        return n.getValue();
    }

    static void printReport(Pointer report, String step) throws Epsos.EpsosException {
        long unknown = 0;
        for (long i = 0, n = E.epsos_term_report_count(report).longValue(); i < n; i++) {
            IntByReference code = new IntByReference();
            PointerByReference xp = new PointerByReference(), vs = new PointerByReference(), msg = new PointerByReference();
            check(E.epsos_term_report_finding(report, at(i), code, xp, vs, msg), "epsos_term_report_finding");
            int c = code.getValue();
            if (c == Epsos.TERM_UNKNOWN_VALUE_SET)
                unknown++;
            else
                out.print("  " + (c > 0 && c < FINDINGS.length ? FINDINGS[c] : "?") + ": " + Epsos.string(msg)
                          + "\n      at " + Epsos.string(xp) + "\n");
        }
        if (unknown > 0)
            out.print("  (" + unknown + " coded values bound to value sets not in the catalogue)\n");
        long changed = stat(report, step.equals("transcoded") ? Epsos.TERM_STAT_TRANSCODED : Epsos.TERM_STAT_TRANSLATED);
        out.print(step + ": " + stat(report, Epsos.TERM_STAT_VISITED) + " coded values visited, " + changed + " "
                  + step + ", " + stat(report, Epsos.TERM_STAT_MISSING) + " findings\n");
    }

    static int transcode(String[] a) throws Epsos.EpsosException {
        int flags = 0, i = 0;
        String lang = null;
        for (; i < a.length && a[i].startsWith("-"); i++) {
            if (a[i].equals("--strict")) flags |= Epsos.TERM_STRICT;
            else if (a[i].equals("--lang") && i + 1 < a.length) lang = a[++i];
            else break;
        }
        if (a.length - i < 3) {
            err.println("usage: transcode [--strict] [--lang LANG] IN.xml OUT.xml SOURCE...");
            return 2;
        }
        String in = a[i], outPath = a[i + 1];
        PointerByReference r = new PointerByReference();
        check(E.epsos_catalogue_builder_new(r, ctx), "epsos_catalogue_builder_new");
        Pointer b = r.getValue(), cat = null, doc = null, report = null;
        try {
            for (String src : Arrays.copyOfRange(a, i + 2, a.length))
                if (E.epsos_catalogue_builder_add_file(b, src) != Epsos.OK) {
                    err.println("transcode: " + src + ": " + E.epsos_ctx_errmsg(ctx));
                    return 2;
                }
            check(E.epsos_catalogue_builder_finish(r, b), "epsos_catalogue_builder_finish");
            cat = r.getValue();
            Epsos.SizeTByReference nvs = new Epsos.SizeTByReference(), nmap = new Epsos.SizeTByReference();
            E.epsos_catalogue_count(cat, Epsos.CAT_VALUE_SETS, nvs);
            E.epsos_catalogue_count(cat, Epsos.CAT_MAPPINGS, nmap);
            out.print("catalogue: " + nvs.getValue() + " value sets, " + nmap.getValue() + " mappings\n");
            try { doc = parse(in); } catch (Epsos.EpsosException e) {
                err.println("transcode: " + in + ": " + e.message);
                return 2;
            }
            printGender(doc, "before");
            check(E.epsos_term_report_new(r, ctx), "epsos_term_report_new");
            report = r.getValue();
            int rc = E.epsos_transcode(doc, cat, flags, report);
            printReport(report, "transcoded");
            if (rc != Epsos.OK) {
                err.println("transcode: refused: " + E.epsos_ctx_errmsg(ctx));
                return 1;
            }
            printGender(doc, "after");
            long transcoded = stat(report, Epsos.TERM_STAT_TRANSCODED);
            if (lang != null) {
                check(E.epsos_translate(doc, cat, lang, 0, report), "epsos_translate");
                printReport(report, "translated");
                printGender(doc, "translated");
            }
            if (E.epsos_doc_save(doc, outPath, Epsos.SERIALIZE_FORMAT) != Epsos.OK) {
                err.println("transcode: " + E.epsos_ctx_errmsg(ctx));
                return 2;
            }
            out.print("written: " + outPath + "\n");
            return transcoded > 0 ? 0 : 1;
        } finally {
            E.epsos_term_report_free(report);
            E.epsos_doc_free(doc);
            E.epsos_catalogue_free(cat);
            E.epsos_catalogue_builder_free(b);
        }
    }

    /* --- sign-verify ---------------------------------------------------------------------- */

    static final int[] HCP_FIELDS = { Epsos.SAML_ISSUER, Epsos.SAML_NAME_ID, Epsos.SAML_NAME_ID_FORMAT,
        Epsos.SAML_SUBJECT_ID, Epsos.SAML_ROLE, Epsos.SAML_ROLE_NAME, Epsos.SAML_ORGANIZATION,
        Epsos.SAML_ORGANIZATION_ID, Epsos.SAML_FACILITY_TYPE, Epsos.SAML_PURPOSE, Epsos.SAML_LOCALITY };
    static final String[] HCP_VALUES = { "urn:idp:AT:countryA", "dr.beispiel@spital.example",
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", "Dr. Anna Beispiel", "221",
        "Medical Doctors", "Landesklinikum Beispiel", "urn:oid:2.999.1.43.5", "Hospital", "TREATMENT",
        "Wien" };

    static int sign(String key, String cert, String outPath, String chain) throws Epsos.EpsosException {
        byte[] k, c, ch = null;
        try {
            k = Files.readAllBytes(Paths.get(key));
            c = Files.readAllBytes(Paths.get(cert));
            if (chain != null) ch = Files.readAllBytes(Paths.get(chain));
        } catch (IOException e) {
            err.println("sign-verify: cannot read the key, certificate or chain");
            return 2;
        }
        PointerByReference r = new PointerByReference();
        if (E.epsos_signer_new_pem(r, ctx, k, at(k.length), c, at(c.length)) != Epsos.OK) {
            err.println("sign-verify: " + E.epsos_ctx_errmsg(ctx));
            return 2;
        }
        Pointer signer = r.getValue(), b = null, xml = null;
        try {
            if (ch != null && E.epsos_signer_add_chain_pem(signer, ch, at(ch.length)) != Epsos.OK) {
                err.println("sign-verify: " + E.epsos_ctx_errmsg(ctx));
                return 2;
            }
            check(E.epsos_assertion_builder_new(r, ctx, Epsos.ASSERTION_HCP), "epsos_assertion_builder_new");
            b = r.getValue();
            for (int i = 0; i < HCP_FIELDS.length; i++)
                check(E.epsos_assertion_builder_set(b, HCP_FIELDS[i], HCP_VALUES[i]), "epsos_assertion_builder_set");
            for (String p : new String[] { "PRD-006", "PRD-003", "PRD-005", "PRD-010", "PRD-016" })
                check(E.epsos_assertion_builder_add_permission(b, p), "epsos_assertion_builder_add_permission");
            if (E.epsos_assertion_builder_add_permission(b, "read everything") != Epsos.EVALUE) {
                err.println("sign-verify: a bad permission was accepted");
                return 1;
            }
            err.println("refused as expected: " + E.epsos_ctx_errmsg(ctx));
            Epsos.SizeTByReference len = new Epsos.SizeTByReference();
            check(E.epsos_assertion_builder_sign(r, len, b, signer), "epsos_assertion_builder_sign");
            xml = r.getValue();
            byte[] bytes = xml.getByteArray(0, Math.toIntExact(len.getValue()));
            try {
                Files.write(Paths.get(outPath), bytes);
            } catch (IOException e) {
                err.println("sign-verify: cannot write " + outPath);
                return 2;
            }
            out.print("signed HCP assertion written to " + outPath + " (" + bytes.length + " bytes)\n");
            return 0;
        } finally {
            E.epsos_free(xml);
            E.epsos_assertion_builder_free(b);
            E.epsos_signer_free(signer);
        }
    }

    static String verdictText(int v) {
        return v == Epsos.SAML_OK ? "allowed" : E.epsos_saml_verdict_name(v);
    }

    static int verify(String trust, String path) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        check(E.epsos_verifier_new(r, ctx), "epsos_verifier_new");
        Pointer verifier = r.getValue(), a = null;
        try {
            /* one immutable trust store, shareable by verifiers of any thread */
            if (E.epsos_trust_new(r, ctx, trust) != Epsos.OK) {
                err.println("sign-verify: " + trust + ": " + E.epsos_ctx_errmsg(ctx));
                return 2;
            }
            Pointer store = r.getValue();
            int rc = E.epsos_verifier_set_trust(verifier, store);
            E.epsos_trust_free(store);           /* the verifier keeps its own reference */
            check(rc, "epsos_verifier_set_trust");
            byte[] xml;
            try { xml = Files.readAllBytes(Paths.get(path)); } catch (IOException e) {
                err.println("sign-verify: cannot read " + path);
                return 2;
            }
            if (E.epsos_assertion_parse(r, ctx, xml, at(xml.length), Epsos.ASSERTION_HCP, 0) != Epsos.OK) {
                err.println("sign-verify: " + path + ": " + E.epsos_ctx_errmsg(ctx));
                return 2;
            }
            a = r.getValue();
            IntByReference verdict = new IntByReference(-1);
            check(E.epsos_assertion_verify(verdict, a, verifier, 0L, 60), "epsos_assertion_verify");
            if (verdict.getValue() != Epsos.SAML_OK) {
                out.print("NOT valid: " + E.epsos_saml_verdict_name(verdict.getValue()) + ": "
                          + E.epsos_assertion_message(a) + "\n");
                return 1;
            }
            String[] f = new String[4];
            int[] fields = { Epsos.SAML_ID, Epsos.SAML_SUBJECT_ID, Epsos.SAML_ROLE_NAME, Epsos.SAML_ORGANIZATION };
            for (int i = 0; i < 4; i++) {
                PointerByReference v = new PointerByReference();
                f[i] = E.epsos_assertion_get(a, fields[i], v) == Epsos.OK ? Epsos.string(v) : null;
            }
            out.print("valid: assertion " + dash(f[0]) + ": " + dash(f[1]) + ", " + dash(f[2]) + ", " + dash(f[3]) + "\n");
            StringBuilder perms = new StringBuilder("permissions:");
            for (long i = 0, n = E.epsos_assertion_permission_count(a).longValue(); i < n; i++) {
                PointerByReference v = new PointerByReference();
                check(E.epsos_assertion_permission(a, at(i), v), "epsos_assertion_permission");
                perms.append(' ').append(Epsos.string(v));
            }
            out.print(perms + "\n");
            check(E.epsos_access_decide(verdict, a, null, Epsos.TX_IDENTIFY_PATIENT), "epsos_access_decide");
            out.print("identify patient: " + verdictText(verdict.getValue()) + "\n");
            check(E.epsos_access_decide(verdict, a, null, Epsos.TX_SUBMIT_ED), "epsos_access_decide");
            out.print("submit eDispensation: " + verdictText(verdict.getValue())
                      + (verdict.getValue() == Epsos.SAML_OK ? "" : ": " + E.epsos_assertion_message(a)) + "\n");
            return 0;
        } finally {
            E.epsos_assertion_free(a);
            E.epsos_verifier_free(verifier);
        }
    }

    static int signVerify(String[] a) throws Epsos.EpsosException {
        if (a.length >= 4 && a.length <= 5 && a[0].equals("sign"))
            return sign(a[1], a[2], a[3], a.length == 5 ? a[4] : null);
        if (a.length == 3 && a[0].equals("verify"))
            return verify(a[1], a[2]);
        err.println("usage: sign-verify sign KEY.pem CERT.pem OUT.xml [CHAIN.pem]\n"
                    + "       sign-verify verify TRUST.pem IN.xml");
        return 2;
    }

    static int run(String task, String[] a) throws Epsos.EpsosException {
        switch (task) {
        case "read-header": return readHeader(a);
        case "build-header": return buildHeader(a);
        case "build-ps": return buildPs(a);
        case "read-ep": return readEp(a);
        case "dispense": return dispense(a);
        case "transcode": return transcode(a);
        case "sign-verify": return signVerify(a);
        default:
            err.println("usage: Tasks read-header|build-header|build-ps|read-ep|dispense|transcode|sign-verify ARGS...");
            return 2;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            err.println("usage: Tasks TASK ARGS...");
            System.exit(2);
        }
        int status;
        try (Epsos.Context c = new Epsos.Context()) {
            ctx = c.handle;
            try {
                status = run(args[0], Arrays.copyOfRange(args, 1, args.length));
            } catch (Epsos.EpsosException e) {
                err.println(args[0] + ": " + e.getMessage());
                status = 1;
            }
        }
        System.exit(status);
    }
}
