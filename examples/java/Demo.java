/*
 * libepsos - what examples/read-header.c and examples/build-header.c do, from Java (JNA).
 * SPDX-License-Identifier: MIT
 *
 *   java -cp /usr/share/java/jna.jar:. Demo FOREIGN.xml [OUT.xml]
 *
 * 1. reads the header of a foreign document and prints it for a pharmacist,
 * 2. builds the header of an eHDSI Patient Summary (saved to OUT.xml, or
 *    printed), then reads it back,
 * 3. shows a bad value being refused with the library's message.
 * Exit 0 on success, 2 when FOREIGN.xml cannot be read as a CDA document.
 */
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public final class Demo {
    private static final Epsos E = Epsos.LIB;
    private static final PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    private static Epsos.SizeT at(long i) { return new Epsos.SizeT(i); }

    private static long count(Pointer ctx, Pointer item, int field) throws Epsos.EpsosException {
        Epsos.SizeTByReference n = new Epsos.SizeTByReference();
        Epsos.check(ctx, E.epsos_item_count(item, field, n), "epsos_item_count");
        return n.getValue();
    }

    private static Pointer child(Pointer ctx, Pointer item, int field, long i) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        Epsos.check(ctx, E.epsos_item_child(r, item, field, at(i)), "epsos_item_child");
        return r.getValue();
    }

    private static Pointer addChild(Pointer ctx, Pointer item, int field) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        Epsos.check(ctx, E.epsos_item_add_child(r, item, field), "epsos_item_add_child");
        return r.getValue();
    }

    private static String text(Pointer ctx, Pointer item, int field, long i) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        Epsos.check(ctx, E.epsos_item_get_text(item, field, at(i), r), "epsos_item_get_text");
        return Epsos.string(r);
    }

    private static String time(Pointer ctx, Pointer item, int field) throws Epsos.EpsosException {
        PointerByReference r = new PointerByReference();
        Epsos.check(ctx, E.epsos_item_get_time(item, field, at(0), r), "epsos_item_get_time");
        return Epsos.string(r);
    }

    private static String fullName(Pointer ctx, Pointer parent) throws Epsos.EpsosException {
        if (count(ctx, parent, Epsos.F_NAME) == 0)
            return "";
        Pointer name = child(ctx, parent, Epsos.F_NAME, 0);
        StringBuilder sb = new StringBuilder();
        for (int field : new int[] { Epsos.F_GIVEN, Epsos.F_FAMILY })
            for (long i = 0, n = count(ctx, name, field); i < n; i++)
                sb.append(sb.length() > 0 ? " " : "").append(text(ctx, name, field, i));
        return sb.toString();
    }

    static void readHeader(Epsos.Context c, String path) throws Epsos.EpsosException {
        try (Epsos.Document doc = Epsos.Document.parseFile(c, path)) {
            Pointer ctx = c.handle, hdr = doc.header();
            String title = count(ctx, hdr, Epsos.F_TITLE) > 0 ? text(ctx, hdr, Epsos.F_TITLE, 0) : null;
            out.printf("%s (%s, %s generation): %s%n", path,
                       E.epsos_doc_kind_name(E.epsos_doc_kind(doc.handle)),
                       E.epsos_generation_name(E.epsos_doc_generation(doc.handle)),
                       title != null ? title : "-");
            if (count(ctx, hdr, Epsos.F_PATIENT) > 0) {
                Pointer patient = child(ctx, hdr, Epsos.F_PATIENT, 0);
                String birth = count(ctx, patient, Epsos.F_BIRTH_TIME) > 0
                    ? time(ctx, patient, Epsos.F_BIRTH_TIME) : null;
                out.printf("patient: %s, born %s%n", fullName(ctx, patient), birth != null ? birth : "-");
            }
            for (long i = 0, n = count(ctx, hdr, Epsos.F_AUTHOR); i < n; i++)
                out.printf("author: %s%n", fullName(ctx, child(ctx, hdr, Epsos.F_AUTHOR, i)));
        }
    }

    static void buildHeader(Epsos.Context c, String outPath) throws Epsos.EpsosException {
        Pointer ctx = c.handle;
        try (Epsos.Document doc = Epsos.Document.create(c, Epsos.DOC_PS)) {
            Pointer h = doc.header();
            Epsos.check(ctx, E.epsos_item_set_id(h, Epsos.F_ID, at(0), "2.999.1.42.7", "PS-2026-0002"), "set_id");
            Epsos.check(ctx, E.epsos_item_set_text(h, Epsos.F_TITLE, at(0), "Patient Summary"), "set_text");
            Epsos.check(ctx, E.epsos_item_set_time(h, Epsos.F_EFFECTIVE_TIME, at(0), "20261124103000+0100"), "set_time");
            Epsos.check(ctx, E.epsos_item_set_code(h, Epsos.F_CONFIDENTIALITY, at(0), "N",
                                                   "2.16.840.1.113883.5.25", "normal"), "set_code");
            Epsos.check(ctx, E.epsos_item_set_text(h, Epsos.F_LANGUAGE, at(0), "en-GB"), "set_text");

            Pointer pat = addChild(ctx, h, Epsos.F_PATIENT);
            Epsos.check(ctx, E.epsos_item_set_id(pat, Epsos.F_ID, at(0), "2.999.1.42.1", "PT-0043"), "set_id");
            Pointer name = addChild(ctx, pat, Epsos.F_NAME);
            Epsos.check(ctx, E.epsos_item_set_text(name, Epsos.F_GIVEN, at(0), "Jan"), "set_text");
            Epsos.check(ctx, E.epsos_item_set_text(name, Epsos.F_FAMILY, at(0), "Novák"), "set_text");
            Epsos.check(ctx, E.epsos_item_set_code(pat, Epsos.F_GENDER, at(0), "M",
                                                   "2.16.840.1.113883.5.1", "Male"), "set_code");
            Epsos.check(ctx, E.epsos_item_set_time(pat, Epsos.F_BIRTH_TIME, at(0), "19800229"), "set_time");

            Pointer author = addChild(ctx, h, Epsos.F_AUTHOR);
            Epsos.check(ctx, E.epsos_item_set_code(author, Epsos.F_FUNCTION_CODE, at(0), "221",
                                                   "2.16.840.1.113883.2.9.6.2.7", "Medical doctors"), "set_code");
            Epsos.check(ctx, E.epsos_item_set_time(author, Epsos.F_TIME, at(0), "20261124100000+0100"), "set_time");
            Epsos.check(ctx, E.epsos_item_set_id(author, Epsos.F_ID, at(0), "2.999.1.42.2", "HCP-78"), "set_id");
            Pointer aname = addChild(ctx, author, Epsos.F_NAME);
            Epsos.check(ctx, E.epsos_item_set_text(aname, Epsos.F_FAMILY, at(0), "Dvořák"), "set_text");
            Pointer org = addChild(ctx, author, Epsos.F_ORGANIZATION);
            Epsos.check(ctx, E.epsos_item_set_text(org, Epsos.F_ORGANIZATION_NAME, at(0), "Nemocnice Příklad"), "set_text");

            /* A bad value is refused with a message naming what was expected. */
            try {
                Epsos.check(ctx, E.epsos_item_set_time(pat, Epsos.F_BIRTH_TIME, at(0), "1980-02-29"),
                            "epsos_item_set_time");
                throw new IllegalStateException("a bad birth time was accepted");
            } catch (Epsos.EpsosException e) {
                if (e.status != Epsos.EVALUE)
                    throw e;
                out.printf("refused as expected: %s [%s] at %s%n", e.message,
                           E.epsos_strerror(e.status), e.location);
            }

            if (outPath != null)
                Epsos.check(ctx, E.epsos_doc_save(doc.handle, outPath, Epsos.SERIALIZE_FORMAT), "epsos_doc_save");
            else
                out.print(Epsos.utf8(doc.serialize(Epsos.SERIALIZE_FORMAT)));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            err.println("usage: Demo FOREIGN.xml [OUT.xml]");
            System.exit(2);
        }
        out.println("libepsos " + E.epsos_version_string());
        try (Epsos.Context c = new Epsos.Context()) {
            try {
                readHeader(c, args[0]);
            } catch (Epsos.EpsosException e) {
                err.println(args[0] + ": " + e.getMessage());
                System.exit(2);
            }
            String outPath = args.length == 2 ? args[1] : null;
            buildHeader(c, outPath);
            if (outPath != null)
                readHeader(c, outPath);
        }
    }
}
