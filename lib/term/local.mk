libepsos_impl_la_SOURCES += %reldir%/term.h %reldir%/util.c %reldir%/build.c \
	%reldir%/catalogue.c %reldir%/transcode.c
