libepsos_impl_la_SOURCES += %reldir%/validate.c
