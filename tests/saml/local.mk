# Identity assertions (issue 10): HCP, TRC and next-of-kin assertions, access
# decisions, patient identification profiles (idprofile).
if HAVE_CHECK
check_PROGRAMS += saml/check_saml
TESTS += saml/check_saml
endif
saml_check_saml_SOURCES = saml/check_saml.c
TESTS += saml/test-saml-tool.sh
EXTRA_DIST += saml/test-saml-tool.sh data/saml/header.xml data/saml/idprofile-dk.tsv \
	data/saml/idprofile-lu.tsv data/saml/idprofile-it.tsv data/saml/nok.xml
