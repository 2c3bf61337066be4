#!/usr/bin/env python3
# libepsos - recall and precision of epsos validate against the official eHDSI
# Schematron on the corpus documents (PS, eP, eD) and on built documents (issue 7).
# SPDX-License-Identifier: MIT
"""
usage: recall.py [--epsos TOOL] [--shared DIR] [--sch JSONL] [--catalogue EPCAT |
                 --no-catalogue] [--differences] [--built-dir DIR] [--save-sch JSONL]

Builds the documents of tests/validate/built.list into a temporary directory
(`epsos dump --json` + `epsos build`, or `epsos ed-from-ep`; see build_docs()),
runs ../shared/tools/schematron/ehdsi-validate --kind auto once over every file
of tests/validate/corpus.list and the built ones (one JVM a document kind)
unless --sch gives its JSONL output, and
`epsos validate --json --catalogue C` on the same files, where C is --catalogue
or else a catalogue built by `epsos catalogue build` from the ART-DECOR value
sets the Schematron uses (corpus/schematron/ehdsi-2024-04/include/voc-*.xml;
--no-catalogue: no value-set membership, as epsos_validate), then prints

  - recall: Schematron errors that have a libepsos error at the same element
    (overall and by kind of Schematron message),
  - precision: libepsos errors without a Schematron error at the element,
  - with --differences: tests/validate/known-differences.tsv, every element
    where the two differ (file, rule -- "sch:" and the kinds of Schematron
    messages when only the Schematron has an error there --, xpath, reason).

Example (from a build directory):
  python3 /work/main/tests/validate/recall.py --epsos tools/epsos
  # regenerate the table (one Schematron run, about 40 s):
  python3 /work/main/tests/validate/recall.py --epsos tools/epsos --differences \
      | sed -n '/^# Differences/,$p' > /work/main/tests/validate/known-differences.tsv
  # iterate without the JVM: save its output once, then reuse it
  python3 .../recall.py --epsos tools/epsos --built-dir /tmp/b --save-sch /tmp/s.jsonl
  python3 .../recall.py --epsos tools/epsos --built-dir /tmp/b --sch /tmp/s.jsonl
"""
import argparse
import collections
import json
import os
import re
import glob
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))


def category(msg):
    """A short name of the kind of a Schematron message (the reason column)."""
    m = re.match(r'^\(([A-Za-z]+)\): element (hl7:[A-Za-z]+)', msg)
    if m:
        what = 'min' if ('required' in msg or 'mandatory' in msg) else 'max'
        return '%s %s %s' % (m.group(1), m.group(2), what)
    m = re.match(r'^(dtr1-[0-9.]+-[A-Za-z_.]+)', msg)
    if m:
        return m.group(1)
    m = re.match(r'^\(([A-Za-z]+)\)', msg)
    if m:
        return m.group(1) + ' ' + re.sub(r'[^A-Za-z ]', '', msg[m.end():])[:40].strip()
    return re.sub(r'[^A-Za-z ]', '', msg)[:50].strip()


# Why libepsos has no error where the Schematron has one (by message kind).
REASONS = [
    ('RUID', 'the table has no row for this element (the supply participant and its '
     'scoping entity, eH.3.3): its II is not checked'),
    ('hl7:title SHALL', 'the section is read as another section kind (the medication '
     'summary, LOINC 10160-0, also matches first): the fixed title of the eP prescription '
     'section (section.title) is not checked there'),
    ('hltitle SHALL', 'the section is read as another section kind (the medication '
     'summary, LOINC 10160-0, also matches first): the fixed title of the eP prescription '
     'section (section.title) is not checked there'),
    ('eHDSIRelatedPrescription hl7:consumable', 'table: the eD row prescribed_product '
     '(lib/cda/ep.c dispense_rows) is 0..1, the template eH.3.3 wants 1..1 (reported to '
     'the lead)'),
    ('eHDSISubstanceAdministration hl7:consumable', 'the product is there but read through '
     'another kind (a PS medication item in an eP): the templated product check '
     '(card.min) applies to the eP prescription rows only'),
    ('dtr1-1-ANY', 'not implemented: nullFlavor exclusivity of every datatype'),
    ('xsitype', 'xsi.type checks the rows whose path fixes the type: this element\'s row '
     'does not (the problem certainty, a section title)'),
    ('dtr1-1-CD.EPSOS', 'CD.EPSOS on an entry code: the table binds no value set to this '
     'field or the code is outside it, so libepsos only warns (cd.display)'),
    ('hl7:effectiveTime', 'not implemented: effectiveTime flavours of the entry templates'),
    ('EIVL_TS', 'not implemented: EIVL_TS event rules'),
    ('PIVL_TS', 'not implemented: PIVL_TS rules'),
    ('IVL_TS', 'IVL_TS order compared only at equal precision and offset'),
    ('dtr1-', 'not implemented: this datatype rule'),
    ('DYNAMIC', 'value-set membership: the table binds another value set (or the '
     'Schematron a union), so libepsos only warns (vs.member)'),
    (' min', 'not implemented: cardinality of an entry template (entry rows of the '
     'table do not carry the template min) or of a template the table does not have'),
    (' max', 'not implemented: maximum cardinality of a template the table does not have'),
]
LIB_ONLY_AT = [
    # (rule, part of the xpath, reason): checked before LIB_ONLY
    ('cd.display', '/hl7:supply[1]/hl7:entryRelationship[', 'an eD code the official '
     'eH.3.3 templates do not select (the substitution act\'s code, the package code of the '
     'related prescription\'s product): CD.EPSOS is not checked there'),
    ('cd.display', 'epsos:generalizedMedicineClass', 'the legacy epSOS ATC code of a '
     'product in an eP (read through the alternate path): the current templates do not '
     'select epsos: elements'),
    ('card.min', '/hl7:author[1]', 'the official eP header templates do not select this '
     'author (legacy epSOS author without the eHDSI functionCode / assignedAuthor shape): '
     'the Schematron checks nothing there'),
    ('card.min', 'manufacturedMaterial', 'a PS medication item in an eP: the PS table wants '
     'the product code (1..1), the eP templates do not'),
    ('fixed.attr', 'manufacturedProduct', 'the Schematron selects the product by its '
     'templateId and does not check its classCode there'),
    ('cd.translation', 'administrativeGenderCode', 'the Schematron does not select the '
     'gender code of this patient (its template misses), so it does not check the '
     'translation'),
]
LIB_ONLY = {
    'cd.display': 'the code is in the value set the table binds (VS 42.38 of a contact) or that '
                  'value set is not among the ART-DECOR files (VS 42.32 of the document '
                  'code): the official template selects the element by a fixed code or '
                  'another binding and does not check it',
    'lang.format': 'the code is not in VS 42.6: the Schematron reports the missing '
                   'conforming languageCode at the parent',
    'vs.member': 'the Schematron does not reach this element (its binding differs)',
    'xsi.type': 'the observation is read as the table\'s pregnancy status kind (value CE) '
                'although it is the expected delivery date (value TS), which the '
                'Schematron checks by another template',
}


def reason(cats):
    for key, why in REASONS:
        if any(key in c for c in cats):
            return why
    return 'not implemented: ' + cats[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epsos', default='../tools/epsos')
    ap.add_argument('--shared', default=os.environ.get('EPSOS_SHARED') or
                    os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared')))
    ap.add_argument('--sch')
    ap.add_argument('--catalogue')
    ap.add_argument('--no-catalogue', action='store_true')
    ap.add_argument('--differences', action='store_true')
    ap.add_argument('--built-dir', help='build the documents of built.list here (kept) '
                    'instead of a temporary directory')
    ap.add_argument('--save-sch', help='also write the JSONL of ehdsi-validate here (for a '
                    'later --sch, with the same --built-dir)')
    a = ap.parse_args()
    tmp = None
    cat = a.catalogue
    if not cat and not a.no_catalogue:
        voc = sorted(glob.glob(os.path.join(a.shared, 'corpus', 'schematron', 'ehdsi-2024-04',
                                            'include', 'voc-*.xml')))
        if not voc:
            sys.exit('no ART-DECOR value sets (voc-*.xml) under ' + a.shared)
        tmp = tempfile.mkdtemp(prefix='recall-')
        cat = os.path.join(tmp, 'voc.epcat')
        p = subprocess.run([a.epsos, 'catalogue', 'build', '-o', cat] + voc,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if p.returncode != 0:
            sys.exit('epsos catalogue build failed: ' + p.stderr.decode())
    try:
        run(a, cat)
    finally:
        if tmp:
            shutil.rmtree(tmp)


def build_docs(a, tmp):
    """The documents of built.list, built into tmp: [(label, path)].  A line is
    `build SAMPLE` (epsos dump --json SAMPLE | epsos build) or `ed-from-ep
    SAMPLE` (the eDispensation of the first prescription item, quantity 1);
    the label (the file column of the table) is `OP:SAMPLE`."""
    samples = os.path.join(a.shared, 'corpus', 'samples')
    out = []
    for l in open(os.path.join(HERE, 'built.list')):
        l = l.strip()
        if not l or l.startswith('#'):
            continue
        op, rel = l.split(None, 1)
        src = os.path.join(samples, rel)
        dst = os.path.join(tmp, 'built%d.xml' % len(out))
        if op == 'build':
            js = subprocess.run([a.epsos, 'dump', '--json', src], stdout=subprocess.PIPE,
                                check=True).stdout
            subprocess.run([a.epsos, 'build', '-o', dst, '-'], input=js, check=True)
        elif op == 'ed-from-ep':
            subprocess.run([a.epsos, 'ed-from-ep', '--quantity', '1', src, '-o', dst],
                           check=True)
        else:
            sys.exit('built.list: unknown operation ' + op)
        out.append((op + ':' + rel, dst))
    return out


def run(a, cat):
    samples = os.path.join(a.shared, 'corpus', 'samples')
    rel = [l.strip() for l in open(os.path.join(HERE, 'corpus.list'))
           if l.strip() and not l.startswith('#')]
    files = [os.path.join(samples, r) for r in rel]
    tmp = a.built_dir or tempfile.mkdtemp(prefix='recall-built-')
    os.makedirs(tmp, exist_ok=True)
    try:
        built = build_docs(a, os.path.abspath(tmp))
        run2(a, cat, samples, files, built)
    finally:
        if not a.built_dir:
            shutil.rmtree(tmp)


def run2(a, cat, samples, files, built):
    label = {f: os.path.relpath(f, samples) for f in files}
    label.update({p: l for l, p in built})
    files = files + [p for _, p in built]
    if a.sch:
        sch_lines = open(a.sch).read().splitlines()
    else:
        p = subprocess.run([os.path.join(a.shared, 'tools', 'schematron', 'ehdsi-validate'),
                            '--kind', 'auto', '--format', 'jsonl'] + files,
                           stdout=subprocess.PIPE, check=False)
        if p.returncode > 1:
            sys.exit('ehdsi-validate could not run')
        sch_lines = p.stdout.decode().splitlines()
        if a.save_sch:
            with open(a.save_sch, 'w') as fp:
                fp.write(p.stdout.decode())
    p = subprocess.run([a.epsos, 'validate', '--json'] + (['--catalogue', cat] if cat else []) +
                       files, stdout=subprocess.PIPE, check=False)
    if p.returncode > 1:
        sys.exit('epsos validate could not run')
    kind_of = {}
    sch = collections.defaultdict(list)      # (file, location) -> messages
    for l in sch_lines:
        d = json.loads(l)
        if 'kind_of_document' in d:
            kind_of[d['file']] = d['kind_of_document']
        if d.get('severity') == 'error':
            sch[(d['file'], d['location'])].append(d['message'])
    lib = collections.defaultdict(list)      # (file, xpath) -> rules
    for l in p.stdout.decode().splitlines():
        d = json.loads(l)
        if d.get('severity') == 'error':
            lib[(d['file'], d['location'])].append(d['rule'])
    tot = hit = 0
    bycat = collections.defaultdict(lambda: [0, 0])
    bykind = collections.defaultdict(lambda: [0, 0, 0, 0])   # hit, total, extra, lib
    diffs = []
    for (f, loc), msgs in sorted(sch.items()):
        for m in msgs:
            c = category(m)
            tot += 1
            bycat[c][1] += 1
            bykind[kind_of.get(f, '?')][1] += 1
            if (f, loc) in lib:
                hit += 1
                bycat[c][0] += 1
                bykind[kind_of.get(f, '?')][0] += 1
        if (f, loc) not in lib:
            cats = sorted(set(category(m) for m in msgs))
            diffs.append((label.get(f, f), 'sch:' + '; '.join(cats)[:200], loc,
                          reason(cats)))
    nlib = sum(len(v) for v in lib.values())
    extra = 0
    for (f, loc), rules in sorted(lib.items()):
        bykind[kind_of.get(f, '?')][3] += len(rules)
        if (f, loc) not in sch:
            for r in rules:
                extra += 1
                bykind[kind_of.get(f, '?')][2] += 1
                why = next((w for rr, part, w in LIB_ONLY_AT if rr == r and part in loc),
                           LIB_ONLY.get(r, 'libepsos only'))
                diffs.append((label.get(f, f), r, loc, why))
    for c, (h, t) in sorted(bycat.items(), key=lambda x: -x[1][1]):
        print('recall %5d / %5d  %s' % (h, t, c))
    for k, (h, t, x, n) in sorted(bykind.items()):
        print('kind %-6s recall %4d / %4d, %3d of %4d libepsos errors not in the Schematron'
              % (k, h, t, x, n))
    print('RECALL %d / %d Schematron errors have a libepsos error at the same element' % (hit, tot))
    print('PRECISION %d of %d libepsos errors have no Schematron error at the element' % (extra, nlib))
    if a.differences:
        print('# Differences between epsos validate and the official Schematron on the corpus')
        print('# (tests/validate/corpus.list) and on built documents (tests/validate/built.list,')
        print('# file OP:SAMPLE), element by element, epsos validate with the')
        print('# catalogue of the ART-DECOR value sets; check_validate fails when this table')
        print('# is out of date.  Regenerate: tests/validate/recall.py --differences')
        print('# file (under corpus/samples)\trule (sch:... = Schematron only)\txpath\treason')
        for d in diffs:
            print('\t'.join(d))


if __name__ == '__main__':
    main()
