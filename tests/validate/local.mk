# Conformance validation (issue 7): agreement with the official Schematron.
if HAVE_CHECK
check_PROGRAMS += validate/check_validate
TESTS += validate/check_validate
endif
validate_check_validate_SOURCES = validate/check_validate.c
validate_check_validate_CPPFLAGS = $(AM_CPPFLAGS) -DSRCDIR='"$(abs_srcdir)"' \
    -DEPSOS_TOOL='"$(abs_top_builddir)/tools/epsos"'
EXTRA_DIST += validate/known-differences.tsv
TESTS += validate/test-validate-tool.sh
EXTRA_DIST += validate/test-validate-tool.sh
EXTRA_DIST += validate/corpus.list validate/built.list validate/recall.py
TESTS += validate/test-validate-mutations.sh
EXTRA_DIST += validate/test-validate-mutations.sh
TESTS += validate/test-validate-ep-mutations.sh
EXTRA_DIST += validate/test-validate-ep-mutations.sh
