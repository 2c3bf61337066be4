/* The JSON reader and builder of `epsos build` (tools/cmd-build.c, entry
 * epsos_build_json), compiled into the build fuzz target and its replay:
 * the same code as the command, not a copy. */
#include "../tools/cmd-build.c"
