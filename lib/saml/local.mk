libepsos_impl_la_SOURCES += %reldir%/saml.c
libepsos_impl_la_SOURCES += %reldir%/idprofile.c
