# The Python (ctypes) and Java (JNA) bindings of examples/ against the built
# library.  Included from tests/Makefile.am.
TESTS += ffi/python.sh ffi/java.sh
EXTRA_DIST += ffi/env.sh ffi/python.sh ffi/java.sh
