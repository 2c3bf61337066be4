#!/usr/bin/env python3
# libepsos - recall and precision of epsos validate against the official eHDSI
# Schematron on the corpus Patient Summaries (issue 7).
# SPDX-License-Identifier: MIT
"""
usage: recall.py [--epsos TOOL] [--shared DIR] [--sch JSONL] [--catalogue EPCAT |
                 --no-catalogue] [--differences]

Runs ../shared/tools/schematron/ehdsi-validate --kind ps once over every file of
tests/validate/corpus.list (one JVM) unless --sch gives its JSONL output, and
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
    ('dtr1-1-ANY', 'not implemented: nullFlavor exclusivity of every datatype'),
    ('xsitype', 'not implemented: the xsi:type each template fixes (CE, TS, ...)'),
    ('dtr1-1-CD.EPSOS', 'CD.EPSOS on an entry code: the table binds no value set to this '
     'field or the code is outside it, so libepsos only warns (cd.display)'),
    ('hl7:effectiveTime', 'not implemented: effectiveTime flavours of the entry templates'),
    ('IVL_TS', 'IVL_TS order compared only at equal precision and offset'),
    ('EIVL_TS', 'not implemented: EIVL_TS event rules'),
    ('PIVL_TS', 'not implemented: PIVL_TS rules'),
    ('dtr1-', 'not implemented: this datatype rule'),
    ('DYNAMIC', 'value-set membership: the table binds another value set (or the '
     'Schematron a union), so libepsos only warns (vs.member)'),
    (' min', 'not implemented: cardinality of an entry template (entry rows of the '
     'table do not carry the template min) or of a template the table does not have'),
    (' max', 'not implemented: maximum cardinality of a template the table does not have'),
]
LIB_ONLY = {
    'cd.display': 'the code is in the value set the table binds (VS 42.38 of a contact) or that '
                  'value set is not among the ART-DECOR files (VS 42.32 of the document '
                  'code): the official template selects the element by a fixed code or '
                  'another binding and does not check it',
    'lang.format': 'the code is not in VS 42.6: the Schematron reports the missing '
                   'conforming languageCode at the parent',
    'vs.member': 'the Schematron does not reach this element (its binding differs)',
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


def run(a, cat):
    samples = os.path.join(a.shared, 'corpus', 'samples')
    rel = [l.strip() for l in open(os.path.join(HERE, 'corpus.list')) if l.strip()]
    files = [os.path.join(samples, r) for r in rel]
    if a.sch:
        sch_lines = open(a.sch).read().splitlines()
    else:
        p = subprocess.run([os.path.join(a.shared, 'tools', 'schematron', 'ehdsi-validate'),
                            '--kind', 'ps', '--format', 'jsonl'] + files,
                           stdout=subprocess.PIPE, check=False)
        if p.returncode > 1:
            sys.exit('ehdsi-validate could not run')
        sch_lines = p.stdout.decode().splitlines()
    p = subprocess.run([a.epsos, 'validate', '--json'] + (['--catalogue', cat] if cat else []) +
                       files, stdout=subprocess.PIPE, check=False)
    if p.returncode > 1:
        sys.exit('epsos validate could not run')
    sch = collections.defaultdict(list)      # (file, location) -> messages
    for l in sch_lines:
        d = json.loads(l)
        if d.get('severity') == 'error':
            sch[(d['file'], d['location'])].append(d['message'])
    lib = collections.defaultdict(list)      # (file, xpath) -> rules
    for l in p.stdout.decode().splitlines():
        d = json.loads(l)
        if d.get('severity') == 'error':
            lib[(d['file'], d['location'])].append(d['rule'])
    tot = hit = 0
    bycat = collections.defaultdict(lambda: [0, 0])
    diffs = []
    for (f, loc), msgs in sorted(sch.items()):
        for m in msgs:
            c = category(m)
            tot += 1
            bycat[c][1] += 1
            if (f, loc) in lib:
                hit += 1
                bycat[c][0] += 1
        if (f, loc) not in lib:
            cats = sorted(set(category(m) for m in msgs))
            diffs.append((os.path.relpath(f, samples), 'sch:' + '; '.join(cats)[:200], loc,
                          reason(cats)))
    nlib = sum(len(v) for v in lib.values())
    extra = 0
    for (f, loc), rules in sorted(lib.items()):
        if (f, loc) not in sch:
            for r in rules:
                extra += 1
                diffs.append((os.path.relpath(f, samples), r, loc, LIB_ONLY.get(r, 'libepsos only')))
    for c, (h, t) in sorted(bycat.items(), key=lambda x: -x[1][1]):
        print('recall %5d / %5d  %s' % (h, t, c))
    print('RECALL %d / %d Schematron errors have a libepsos error at the same element' % (hit, tot))
    print('PRECISION %d of %d libepsos errors have no Schematron error at the element' % (extra, nlib))
    if a.differences:
        print('# Differences between epsos validate and the official Schematron on the corpus')
        print('# (tests/validate/corpus.list), element by element, epsos validate with the')
        print('# catalogue of the ART-DECOR value sets; check_validate fails when this table')
        print('# is out of date.  Regenerate: tests/validate/recall.py --differences')
        print('# file (under corpus/samples)\trule (sch:... = Schematron only)\txpath\treason')
        for d in diffs:
            print('\t'.join(d))


if __name__ == '__main__':
    main()
