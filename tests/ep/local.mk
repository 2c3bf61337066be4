if HAVE_CHECK
check_PROGRAMS += ep/check_ep
TESTS += ep/check_ep
endif
ep_check_ep_SOURCES = ep/check_ep.c
EXTRA_DIST += data/ep
TESTS += ep/test-ed-from-ep.sh
EXTRA_DIST += ep/test-ed-from-ep.sh
TESTS += ep/test-ep-roundtrip.sh
EXTRA_DIST += ep/test-ep-roundtrip.sh
