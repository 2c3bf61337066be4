libepsos_impl_la_SOURCES += %reldir%/saml.c
