#!/bin/sh
# libepsos CI, the Debian packages (issue 8), as root on Debian 12:
#   1. install what the build and the checks need (apt-get),
#   2. build libepsos1, libepsos-dev and epsos-tools with
#      dpkg-buildpackage -us -uc -b from a scratch copy of this tree (the
#      package build runs make check; EPSOS_DEB_NOCHECK=1 skips it),
#   3. lintian on the .changes: any error fails, warnings are listed,
#   4. install the .debs on this machine (apt-get install ./*.deb),
#   5. against the installed packages: the autopkgtests of debian/tests
#      (every C example of examples/ compiled with pkg-config --cflags
#      --libs libepsos and run by examples/run-examples.sh; the epsos
#      command), the Python (ctypes) and Java (JNA) demos and tasks (the
#      C examples' tasks, checked by the same script) loading libepsos.so.1
#      by its SONAME.
# Each step prints its time; the whole takes about 2 minutes on 2 cores
# once the packages are downloaded.  Called from .ci/run.
# Leaves the .debs and logs in $EPSOS_PKG_OUT (default: a new temporary
# directory, printed at the end).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
t0=$(date +%s)
step() {
    now=$(date +%s)
    echo "== packaging [$((now - t0))s] $*"
}
die() { echo "packaging: FAIL: $*" >&2; exit 1; }

step "install the tools"
apt-get update -q
apt-get install -y -q --no-install-recommends \
    build-essential dpkg-dev debhelper dh-autoreconf lintian pkgconf \
    python3 default-jdk-headless libjna-java openssl

step "scratch copy of the tree"
out=${EPSOS_PKG_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/libepsos-pkg.XXXXXX")}
mkdir -p "$out"
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -SVersion)
upstream=$(echo "$version" | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')
src=$out/libepsos-$upstream
rm -rf "$src"
mkdir -p "$src"
if git -C "$top" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    # Sources only (tracked, and new files not ignored): no build products
    # of an in-tree ./configure && make, no build-*/ directories.
    git -C "$top" ls-files -z --cached --others --exclude-standard |
        (cd "$top" && tar --null -T - -cf -) | tar -C "$src" -xf -
else
    cp -a "$top/." "$src/"
    if [ -f "$src/Makefile" ]; then (cd "$src" && make distclean > /dev/null) || true; fi
    rm -rf "$src"/build-*
fi

step "build dependencies (debian/control)"
apt-get build-dep -y -q "$src"

step "dpkg-buildpackage -us -uc -b"
opts="parallel=$(nproc)"
[ "${EPSOS_DEB_NOCHECK:-0}" = 1 ] && opts="$opts nocheck"
if ! (cd "$src" && DEB_BUILD_OPTIONS="$opts" dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1; then
    tail -n 60 "$out/build.log"
    if grep -q 'dpkg-gensymbols: error' "$out/build.log"; then
        echo "packaging: the exports differ from debian/libepsos1.symbols: run debian/update-symbols.sh" >&2
    fi
    die "dpkg-buildpackage (log: $out/build.log)"
fi
grep -E '^(PASS|FAIL|SKIP|XFAIL|ERROR):' "$out/build.log" || true
changes=$(ls "$out"/libepsos_*.changes)

step "lintian $(basename "$changes")"
set +e
lintian --fail-on error --display-info --pedantic "$changes" > "$out/lintian.txt" 2>&1
lint=$?
set -e
cat "$out/lintian.txt"
echo "lintian: $(grep -c '^E: ' "$out/lintian.txt") errors, $(grep -c '^W: ' "$out/lintian.txt") warnings," \
     "$(grep -c -E '^[IP]: ' "$out/lintian.txt") info/pedantic"
[ $lint -eq 0 ] || die "lintian reports errors"

step "install the packages"
(cd "$out" && apt-get install -y -q --allow-downgrades --reinstall \
    ./libepsos1_"$version"_*.deb ./libepsos-dev_"$version"_*.deb ./epsos-tools_"$version"_*.deb)
dpkg -s libepsos1 libepsos-dev epsos-tools | grep -E '^(Package|Version|Status):'

# From here on nothing of a build tree may be used: the source copy only
# provides examples/ and debian/tests/.
unset EPSOS_LIB LD_LIBRARY_PATH || true
installed=$(ldconfig -p | awk '$1 == "libepsos.so.1" { print $NF; exit }')
[ -n "$installed" ] || die "libepsos.so.1 is not known to ldconfig"
echo "installed library: $installed"

step "autopkgtest build-example (examples/*.c through pkg-config, run-examples.sh)"
tmp=$(mktemp -d)
(cd "$src" && AUTOPKGTEST_TMP=$tmp sh debian/tests/build-example) || die "debian/tests/build-example"
step "autopkgtest command (epsos)"
(cd "$src" && AUTOPKGTEST_TMP=$tmp sh debian/tests/command) || die "debian/tests/command"
rm -rf "$tmp"

# tests/ffi/*.sh with EPSOS_LIB=system: the bindings load libepsos.so.1 by
# SONAME; a skip (77) is a failure here, the tools were installed above.
for lang in python java; do
    step "the $lang demo and tasks against the installed library"
    st=0
    (cd "$src/tests" && EPSOS_LIB=system top_srcdir=$src srcdir=$src/tests \
        top_builddir=/nonexistent sh "ffi/$lang.sh") || st=$?
    [ $st -eq 0 ] || die "$lang demo (exit $st)"
done

step "done: packages, logs and lintian output in $out"
ls -l "$out"/*.deb
