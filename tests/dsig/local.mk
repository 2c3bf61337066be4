# XML signatures (issue 6): Check suites and the epsos sign/verify command.
TESTS += dsig/test-dsig-tool.sh
if HAVE_CHECK
check_PROGRAMS += dsig/check_dsig dsig/check_dsig_faults dsig/check_trust
TESTS += dsig/check_dsig dsig/check_dsig_faults dsig/check_trust
endif
dsig_check_dsig_SOURCES = dsig/check_dsig.c
dsig_check_dsig_faults_SOURCES = dsig/check_dsig_faults.c
dsig_check_trust_SOURCES = dsig/check_trust.c
EXTRA_DIST += dsig/mkpki.sh dsig/test-dsig-tool.sh
