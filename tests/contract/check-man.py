#!/usr/bin/env python3
"""Contract: the man pages document the API that the headers declare.

For every EPSOS_API prototype in include/: its man3 page (or the page a
`.so` stub points to) lists the function in NAME and the prototype, word for
word, in SYNOPSIS, and has the sections DESCRIPTION, RETURN VALUE, ERRORS,
EXAMPLE and SEE ALSO.  Every SYNOPSIS prototype exists in a header.  Every
EXAMPLE compiles with -Werror against the headers in the tree."""
import os, re, subprocess, sys, tempfile

top = os.environ.get("top_srcdir") or os.path.join(os.path.dirname(__file__), "..", "..")
inc, man = os.path.join(top, "include"), os.path.join(top, "man")
cc = os.environ.get("CC", "cc").split()

protos = {}
for root, _, files in os.walk(inc):
    for fn in files:
        s = re.sub(r"/\*.*?\*/", "", open(os.path.join(root, fn)).read(), flags=re.S)
        for m in re.finditer(r"^EPSOS_API\s+([^;]*?\b(epsos_[a-z0-9_]+)\s*\([^;]*\));", s, re.S | re.M):
            p = re.sub(r"\s+", " ", m.group(1)).strip()
            p = re.sub(r"\(\s+", "(", p)
            p = re.sub(r"\s+\)", ")", p)
            protos[m.group(2)] = p + ";"

def section(txt, name):
    m = re.search(r"^\.SH " + name + r"\s*\n(.*?)(?=^\.SH |\Z)", txt, re.S | re.M)
    return m.group(1) if m else None

fail = []
full_pages = set()
for name, proto in sorted(protos.items()):
    path = os.path.join(man, "man3", name + ".3")
    if not os.path.exists(path):
        fail.append("no page man3/%s.3" % name)
        continue
    txt = open(path).read()
    m = re.match(r"\.so (\S+)\s*$", txt)
    if m:
        path = os.path.join(man, m.group(1))
        txt = open(path).read()
    full_pages.add(path)
    syn = section(txt, "SYNOPSIS") or ""
    lines = [re.sub(r"\s+", " ", l).strip() for l in syn.splitlines() if not l.startswith(".")]
    if proto not in lines:
        fail.append("%s: SYNOPSIS of %s lacks %s" % (name, os.path.basename(path), proto))
    if not re.search(r"\b" + name + r"\b", section(txt, "NAME") or ""):
        fail.append("%s: NAME of %s does not list it" % (name, os.path.basename(path)))
    for sec in ("DESCRIPTION", "RETURN VALUE", "ERRORS", "EXAMPLE", "SEE ALSO"):
        if section(txt, sec) is None:
            fail.append("%s: no %s section" % (os.path.basename(path), sec))

known = set(protos.values())
with tempfile.TemporaryDirectory() as tmp:
    for path in sorted(full_pages):
        txt = open(path).read()
        for l in (section(txt, "SYNOPSIS") or "").splitlines():
            if l.strip() and not l.startswith(".") and l.startswith(("int", "void", "const", "size_t", "int32_t")) \
                    and re.sub(r"\s+", " ", l).strip() not in known:
                fail.append("%s: SYNOPSIS line not in any header: %s" % (os.path.basename(path), l))
        ex = section(txt, "EXAMPLE") or ""
        code = "\n".join(l for l in ex.splitlines() if not re.match(r"^\.(nf|fi|PP|EX|EE|in.*)$", l))
        code = code.replace("\\e", "\\").replace("\\-", "-").replace("\\(aq", "'").replace("\\&", "")
        src = os.path.join(tmp, "ex.c")
        open(src, "w").write(code)
        r = subprocess.run(cc + ["-std=c11", "-pedantic", "-Wall", "-Wextra", "-Werror", "-c", "-I", inc,
                                 src, "-o", os.path.join(tmp, "ex.o")], capture_output=True, text=True)
        if r.returncode:
            fail.append("%s: EXAMPLE does not compile:\n%s" % (os.path.basename(path), r.stderr))

# man/Makefile.am lists every page, so that each is installed and distributed
listed = set(re.findall(r"(man[137]/[^\s\\]+)", open(os.path.join(man, "Makefile.am")).read()))
present = {"man%s/%s" % (d, f) for d in "137" if os.path.isdir(os.path.join(man, "man" + d))
           for f in os.listdir(os.path.join(man, "man" + d))}
for p in sorted(present - listed):
    fail.append("man/Makefile.am does not list %s (run man/update-pages.sh)" % p)
for p in sorted(listed - present):
    fail.append("man/Makefile.am lists %s, which does not exist" % p)

for f in fail:
    print("FAIL:", f)
if not fail:
    print("ok: %d prototypes documented word for word in %d pages, every EXAMPLE compiles"
          % (len(protos), len(full_pages)))
sys.exit(1 if fail else 0)
