#!/usr/bin/env python3
# libepsos - what examples/read-header.c and examples/build-header.c do, from Python.
# SPDX-License-Identifier: MIT
#
#   demo.py FOREIGN.xml [OUT.xml]
#
# 1. reads the header of a foreign document and prints it for a pharmacist,
# 2. builds the header of an eHDSI Patient Summary (saved to OUT.xml, or
#    printed), then reads it back,
# 3. shows a bad value being refused with the library's message.
# Exit 0 on success, 2 when FOREIGN.xml cannot be read as a CDA document.
# The library is libepsos.so.1 from the system, or $EPSOS_LIB.

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import epsos                            # noqa: E402
from epsos import F                     # noqa: E402


def full_name(parent):
    try:
        name = parent.child(F.NAME)
    except epsos.Error:
        return ""
    return " ".join(name.texts(F.GIVEN) + name.texts(F.FAMILY))


def read_header(ctx, path):
    with ctx.parse_file(path) as doc:
        hdr = doc.header()
        title = hdr.get_text(F.TITLE) if hdr.count(F.TITLE) else None
        print("%s (%s, %s generation): %s" % (path, doc.kind_name, doc.generation_name,
                                              title or "-"))
        if hdr.count(F.PATIENT):
            patient = hdr.child(F.PATIENT)
            birth = patient.get_time(F.BIRTH_TIME) if patient.count(F.BIRTH_TIME) else None
            print("patient: %s, born %s" % (full_name(patient), birth or "-"))
        for author in hdr.children(F.AUTHOR):
            print("author: %s" % full_name(author))


def build_header(ctx, out):
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
        author.set_code(F.FUNCTION_CODE, "221", "2.16.840.1.113883.2.9.6.2.7", "Medical doctors")
        author.set_time(F.TIME, "20261124100000+0100")
        author.set_id(F.ID, "2.999.1.42.2", "HCP-78")
        author.add_child(F.NAME).set_text(F.FAMILY, "Dvořák")
        author.add_child(F.ORGANIZATION).set_text(F.ORGANIZATION_NAME, "Nemocnice Příklad")

        # A bad value is refused with a message naming what was expected.
        try:
            pat.set_time(F.BIRTH_TIME, "1980-02-29")
        except epsos.Error as e:
            if e.status != epsos.EVALUE:
                raise
            print("refused as expected: %s [%s] at %s" % (e.message, epsos.strerror(e.status),
                                                          e.location))
        else:
            raise SystemExit("demo: a bad birth time was accepted")

        if out:
            doc.save(out, epsos.SERIALIZE_FORMAT)
        else:
            sys.stdout.write(doc.serialize(epsos.SERIALIZE_FORMAT).decode("utf-8"))


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: demo.py FOREIGN.xml [OUT.xml]", file=sys.stderr)
        return 2
    print("libepsos %s" % epsos.version())
    with epsos.Context() as ctx:
        try:
            read_header(ctx, argv[1])
        except epsos.Error as e:
            print("%s: %s" % (argv[1], e), file=sys.stderr)
            return 2
        out = argv[2] if len(argv) == 3 else None
        build_header(ctx, out)
        if out:
            read_header(ctx, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
