/*
 * Where the tests find ../shared (corpus, schemas, the Schematron runner):
 * $EPSOS_SHARED, else the parent of $EPSOS_CORPUS, else beside the source
 * tree ($top_srcdir or the compile-time TOP_SRCDIR).
 */
#ifndef EPSOS_TESTS_SHAREDDIR_H
#define EPSOS_TESTS_SHAREDDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

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

/* 0 when shared/'s Schematron runner can run here (the runner, java and
 * Saxon-HE are present); else prints why and returns 77 (automake: skip). */
static int __attribute__((unused)) schematron_ready(const char *shared)
{
    struct stat sb;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/tools/schematron/ehdsi-validate", shared);
    if (stat(probe, &sb) != 0) {
        printf("no %s: skipped\n", probe);
        return 77;
    }
    const char *jar = getenv("SAXON_JAR");
    if (system("command -v java >/dev/null 2>&1") != 0 ||
        stat(jar && *jar ? jar : "/usr/share/java/Saxon-HE.jar", &sb) != 0) {
        printf("java or Saxon-HE missing (apt-get install default-jre-headless "
               "libsaxonhe-java): skipped\n");
        return 77;
    }
    return 0;
}

#endif
