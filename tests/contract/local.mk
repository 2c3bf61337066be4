# The TEMPLATE TABLE of man/man7/libepsos.7 against the template table
# (internal API: linked against the convenience library, like check_datatypes).
# Reads $(top_srcdir)/man/man7/libepsos.7 and include/epsos/*.h ($top_srcdir
# from AM_TESTS_ENVIRONMENT).
check_PROGRAMS += contract/check_kinds_man
TESTS += contract/check_kinds_man
contract_check_kinds_man_SOURCES = contract/check_kinds_man.c
contract_check_kinds_man_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/lib -I$(top_builddir)
contract_check_kinds_man_LDADD = $(top_builddir)/lib/libepsos-impl.la $(LIBXML2_LIBS)
