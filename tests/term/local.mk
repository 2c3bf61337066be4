# Terminology (issue 5): catalogues, lookups, transcoding, translation.
if HAVE_CHECK
check_PROGRAMS += term/check_term
TESTS += term/check_term
endif
term_check_term_SOURCES = term/check_term.c
term_check_term_LDADD = $(LDADD) $(PTHREAD_LIBS)
term_check_term_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
TESTS += term/test-term-tool.sh
EXTRA_DIST += term/test-term-tool.sh
# The official eHDSI Schematron over transcoded and translated corpus documents.
if HAVE_CHECK
check_PROGRAMS += term/check_term_schematron
TESTS += term/check_term_schematron
endif
term_check_term_schematron_SOURCES = term/check_term_schematron.c
