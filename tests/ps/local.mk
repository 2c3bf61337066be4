if HAVE_CHECK
check_PROGRAMS += ps/check_ps ps/check_ps_roundtrip ps/check_ps_faults
TESTS += ps/check_ps ps/check_ps_roundtrip ps/check_ps_faults
endif
ps_check_ps_SOURCES = ps/check_ps.c
ps_check_ps_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS)
ps_check_ps_LDADD = $(LDADD) $(OPENSSL_LIBS)
ps_check_ps_roundtrip_SOURCES = ps/check_ps_roundtrip.c
TESTS += ps/test-build.sh
EXTRA_DIST += ps/test-build.sh data/ps
ps_check_ps_faults_SOURCES = ps/check_ps_faults.c
