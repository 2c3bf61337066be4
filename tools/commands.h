/* Declarations of the subcommands listed in commands.def. */
#ifndef EPSOS_TOOLS_COMMANDS_H
#define EPSOS_TOOLS_COMMANDS_H

#define EPSOS_CMD(name, summary, fn) int fn(int argc, char **argv);
#include "commands.def"
#undef EPSOS_CMD

#endif
