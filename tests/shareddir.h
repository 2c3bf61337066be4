/*
 * Where the tests find ../shared (corpus, schemas, the Schematron runner):
 * $EPSOS_SHARED, else the parent of $EPSOS_CORPUS, else beside the source
 * tree ($top_srcdir or the compile-time TOP_SRCDIR).
 */
#ifndef EPSOS_TESTS_SHAREDDIR_H
#define EPSOS_TESTS_SHAREDDIR_H

#include <stdio.h>
#include <stdlib.h>

static void shared_dir(char *buf, size_t len)
{
    const char *sh = getenv("EPSOS_SHARED"), *corpus = getenv("EPSOS_CORPUS"),
               *top = getenv("top_srcdir");
    if (sh && *sh)
        snprintf(buf, len, "%s", sh);
    else if (corpus && *corpus)
        snprintf(buf, len, "%s/..", corpus);
    else
        snprintf(buf, len, "%s/../shared", top && *top ? top : TOP_SRCDIR);
}

#endif
