# libepsos - sourced by the FFI tests (tests/ffi/*.sh): find the freshly built
# library and, in a sanitizer build, the runtimes an interpreter must preload.
# SPDX-License-Identifier: MIT
#
# Sets EXAMPLES (examples/ of the source tree), LIBFILE (the library the
# bindings must load), EPSOS_LIB (exported: the build tree's library) and
# FFI_PRELOAD (libasan/libubsan/libtsan the library needs, or empty).
# EPSOS_LIB=system (.ci/packaging.sh): the installed library, which the
# bindings load by its SONAME (EPSOS_LIB is then unset).

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-..}
# shellcheck disable=SC2034 # used by the scripts that source this one
EXAMPLES=$top_srcdir/examples
if [ "${EPSOS_LIB:-}" = system ]; then
    unset EPSOS_LIB
    LIBFILE=$(/sbin/ldconfig -p | awk '$1 == "libepsos.so.1" { print $NF; exit }')
    [ -n "$LIBFILE" ] || { echo "FAIL: no libepsos.so.1 installed (ldconfig -p)"; exit 99; }
else
    EPSOS_LIB=${EPSOS_LIB:-$(cd "$top_builddir" && pwd)/lib/.libs/libepsos.so.1}
    [ -f "$EPSOS_LIB" ] || { echo "FAIL: library $EPSOS_LIB not built"; exit 99; }
    export EPSOS_LIB
    LIBFILE=$EPSOS_LIB
fi
# A library built with --enable-sanitizers needs its sanitizer runtime loaded
# first in a process that was not linked with it (python3, java).
FFI_PRELOAD=$(ldd "$LIBFILE" 2>/dev/null |
    awk '$1 ~ /^lib(asan|ubsan|tsan)\.so/ && $3 ~ /^\// { printf "%s%s", sep, $3; sep = ":" }')
if [ -n "$FFI_PRELOAD" ]; then
    echo "sanitizer build: preloading $FFI_PRELOAD"
    # The interpreters' own allocations are not ours to judge.
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
    export ASAN_OPTIONS
fi
