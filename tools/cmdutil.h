/* Helpers shared by the subcommands (cmdutil.c). */
#ifndef EPSOS_TOOLS_CMDUTIL_H
#define EPSOS_TOOLS_CMDUTIL_H

#include <stddef.h>
#include <stdint.h>

#define EXIT_OK      0
#define EXIT_INVALID 1
#define EXIT_TROUBLE 2

/* The whole file, or standard input for "-"; NULL with a message. */
uint8_t *tool_slurp(const char *path, size_t *len);
/* Writes OUT.tmp then renames it onto OUT ("-" or NULL: standard output);
 * returns an exit status. */
int tool_write_out(const char *output, const uint8_t *data, size_t len);
/* Do two paths name the same file (by device and inode)? */
int tool_same_file(const char *a, const char *b);
/* The value of -x VALUE / --long VALUE / --long=VALUE at argv[*i], or NULL. */
const char *tool_optval(int argc, char **argv, int *i, const char *s, const char *l);
/* Is argv[i] the option -x / --long / --long=...? */
int tool_is_opt(const char *a, const char *s, const char *l);

#endif
