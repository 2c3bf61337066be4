# libepsos - the common start of the shell tests of the epsos command, sourced
# first by tests/*/test-*.sh:
#     . "${srcdir:-$(dirname "$0")/..}/tooltest.sh"
# It sets
#   srcdir, top_srcdir  the tests' source directory and the top one
#   EPSOS               the command (../tools/epsos unless set), run under
#                       $EPSOS_TEST_WRAPPER (valgrind, ...) through libtool
#                       when there is one
#   shared, CORPUS      ../shared and its corpus ($EPSOS_SHARED, $EPSOS_CORPUS)
# and exits 77 (skip) when the command is not built.  It replaces the
# positional parameters (the tests take none).
# SPDX-License-Identifier: MIT

if [ -z "${srcdir:-}" ]; then
    srcdir=$(dirname "$0")/..
fi
: "${top_srcdir:=$srcdir/..}"
EPSOS=${EPSOS:-../tools/epsos}
if [ -n "${EPSOS_TEST_WRAPPER:-}" ]; then
    if [ -n "${top_builddir:-}" ] && [ -x "$top_builddir/libtool" ]; then
        EPSOS="$top_builddir/libtool --mode=execute $EPSOS_TEST_WRAPPER $EPSOS"
    else
        EPSOS="$EPSOS_TEST_WRAPPER $EPSOS"
    fi
fi
if [ -n "${EPSOS_SHARED:-}" ]; then shared=$EPSOS_SHARED
elif [ -n "${EPSOS_CORPUS:-}" ]; then shared=$EPSOS_CORPUS/..
else shared=$top_srcdir/../shared; fi
CORPUS=${EPSOS_CORPUS:-$shared/corpus}
# shellcheck disable=SC2086 # EPSOS may be a command with arguments
set -- $EPSOS
for tool in "$@"; do :; done     # the last word is the tool itself
case $tool in
    */*) [ -x "$tool" ] || { echo "SKIP: $tool not built"; exit 77; } ;;
esac
