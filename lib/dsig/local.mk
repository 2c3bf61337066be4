libepsos_impl_la_SOURCES += %reldir%/dsig.c
