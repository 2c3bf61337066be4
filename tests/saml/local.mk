# Identity assertions (issue 10): HCP and TRC assertions, access decisions.
if HAVE_CHECK
check_PROGRAMS += saml/check_saml
TESTS += saml/check_saml
endif
saml_check_saml_SOURCES = saml/check_saml.c
TESTS += saml/test-saml-tool.sh
EXTRA_DIST += saml/test-saml-tool.sh data/saml/header.xml
