#!/bin/sh
# libepsos - regenerate debian/libepsos1.symbols from the export list of a
# built library (nm -D --defined-only).
#
#   debian/update-symbols.sh [path/to/libepsos.so.1]
#
# Without an argument the library is built first, out of tree, in a
# temporary directory (the source tree is left alone).  Symbols already in the
# file keep their version; new ones get the upstream version of
# debian/changelog; symbols that are gone are dropped with a warning (that is
# an ABI break: a new SONAME, see configure.ac).  The package build runs
# with DPKG_GENSYMBOLS_CHECK_LEVEL=4 and fails whenever this file and the
# library differ, so run this after adding a function to lib/libepsos.map and
# commit the result with it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
symbols=$top/debian/libepsos1.symbols
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ $# -ge 1 ]; then
    lib=$1
else
    echo "update-symbols: building the library in $tmp/build" >&2
    cp -a "$top" "$tmp/src"
    (cd "$tmp/src" && rm -rf debian/.debhelper && ./autogen.sh > /dev/null 2>&1)
    mkdir "$tmp/build"
    (cd "$tmp/build" && "$tmp/src/configure" -q --without-check --disable-werror &&
        make -j"$(nproc)" -C lib > /dev/null)
    lib=$tmp/build/lib/.libs/libepsos.so.1
fi
[ -f "$lib" ] || { echo "update-symbols: no library $lib" >&2; exit 2; }
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libepsos.so.1 ] || {
    echo "update-symbols: SONAME is $soname: rename the package and this file first" >&2; exit 2; }

upstream=$(dpkg-parsechangelog -l "$top/debian/changelog" -SVersion | sed -e 's/^[0-9]*://' -e 's/-[^-]*$//')

# name@VERSION of every defined dynamic symbol, the version node included.
# A version node is an absolute symbol named after itself (NAME@NAME, as
# dpkg-gensymbols writes it); any other unversioned export is a mistake.
nm -D --defined-only "$lib" > "$tmp/nm"
awk '{ sym = $NF; sub(/@@/, "@", sym) }
    sym !~ /@/ && $(NF-1) == "A" { sym = sym "@" sym }
    sym !~ /@/ { print "update-symbols: unversioned export " sym > "/dev/stderr"; bad = 1; next }
    { print sym }
    END { exit bad }' "$tmp/nm" > "$tmp/now.unsorted"
LC_ALL=C sort -u "$tmp/now.unsorted" > "$tmp/now"

# Versions already recorded.
: > "$tmp/old"
[ -f "$symbols" ] && awk '/^ [^ ]/ { print $1, $2 }' "$symbols" > "$tmp/old"

{
    echo "libepsos.so.1 libepsos1 #MINVER#"
    echo "* Build-Depends-Package: libepsos-dev"
    awk -v up="$upstream" -v old="$tmp/old" 'FILENAME == old { ver[$1] = $2; next }
        { print " " $1 " " (($1 in ver) ? ver[$1] : up) }' "$tmp/old" "$tmp/now"
} > "$tmp/new"

awk '{ print $1 }' "$tmp/old" | LC_ALL=C sort > "$tmp/oldnames"
gone=$(LC_ALL=C comm -23 "$tmp/oldnames" "$tmp/now")
added=$(LC_ALL=C comm -13 "$tmp/oldnames" "$tmp/now")
[ -z "$gone" ] || printf 'update-symbols: WARNING: symbols removed (ABI break):\n%s\n' "$gone" >&2
[ -z "$added" ] || printf 'update-symbols: added with version %s:\n%s\n' "$upstream" "$added" >&2
mv "$tmp/new" "$symbols"
echo "update-symbols: $(grep -c '^ ' "$symbols") symbols in $symbols" >&2
