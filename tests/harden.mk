# Hardening (issue 9): the threaded test (8 threads sharing one catalogue and
# one set of trust anchors, results identical to the single-thread run).
# CI runs it under ThreadSanitizer too (.ci/run).
if HAVE_CHECK
check_PROGRAMS += check_threads
TESTS += check_threads
endif
check_threads_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(OPENSSL_CFLAGS)
check_threads_LDADD = $(LDADD) $(OPENSSL_LIBS) $(PTHREAD_LIBS)
