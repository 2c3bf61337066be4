libepsos_impl_la_SOURCES += %reldir%/ps.c %reldir%/cda.h
libepsos_impl_la_SOURCES += %reldir%/build.c
libepsos_impl_la_SOURCES += %reldir%/l1.c
libepsos_impl_la_SOURCES += %reldir%/ep.c
libepsos_impl_la_SOURCES += %reldir%/ed.c
