# The read caches of lib/model/item.c against a reparse of the serialization
# (seeded random operation sequences plus targeted cases; see the file's head).
if HAVE_CHECK
check_PROGRAMS += check_model_cache
TESTS += check_model_cache
endif
