/*
 * Fault injection for the tests: a failing allocator installed by the test
 * program (the host) through libxml2's allocator functions, which libepsos
 * allocates through too; and the loop that fails the n-th allocation for
 * n = 0, 1, 2, ... until a scenario runs without reaching the failure.
 * Included by one test file per program (static definitions).
 */
#ifndef EPSOS_TESTS_FAULTINJECT_H
#define EPSOS_TESTS_FAULTINJECT_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <libxml/xmlmemory.h>
#include <epsos.h>

static long fi_countdown = -1;   /* allocations left before failing; -1: never */
static long fi_performed;

static int fi_budget_ok(void)
{
    if (fi_countdown == 0)
        return 0;
    if (fi_countdown > 0)
        fi_countdown--;
    fi_performed++;
    return 1;
}
static void *fi_malloc(size_t n) { return fi_budget_ok() ? malloc(n) : NULL; }
static void *fi_realloc(void *p, size_t n) { return fi_budget_ok() ? realloc(p, n) : NULL; }
static char *fi_strdup(const char *s)
{
    if (!fi_budget_ok())
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* Call once, after epsos_init(), before anything is allocated to be freed. */
static void fi_install(void)
{
    xmlMemSetup(free, fi_malloc, fi_realloc, fi_strdup);
}

/* Fails each allocation of scenario(ctx) in turn: every run must end in
 * success or in a status with a message on the ctx; most must fail. */
static void __attribute__((unused))
fi_run(int (*scenario)(epsos_ctx *), const char *name)
{
    epsos_ctx *ctx = NULL;
    ck_assert_int_eq(epsos_ctx_new(&ctx), EPSOS_OK);
    fi_performed = 0;
    ck_assert_int_eq(scenario(ctx), EPSOS_OK);          /* works without faults */
    long total = fi_performed, failures = 0;
    ck_assert_int_gt(total, 10);
    for (long n = 0;; n++) {
        fi_countdown = n;
        fi_performed = 0;
        int rc = scenario(ctx);
        bool reached = fi_countdown == 0;
        fi_countdown = -1;
        if (!reached) {                                  /* ran to the end */
            ck_assert_msg(rc == EPSOS_OK, "%s: n=%ld: %d without a failed allocation", name, n, rc);
            break;
        }
        if (rc != EPSOS_OK) {
            failures++;
            ck_assert_msg(epsos_ctx_errcode(ctx) == rc, "%s: n=%ld: status %d but ctx says %d",
                          name, n, rc, epsos_ctx_errcode(ctx));
            ck_assert_msg(epsos_ctx_errmsg(ctx)[0] != '\0', "%s: n=%ld: no message", name, n);
        }
        ck_assert_msg(n < 100000, "%s: does not terminate", name);
    }
    fprintf(stderr, "%s: %ld allocations, %ld injected failures reported cleanly\n", name,
            total, failures);
    ck_assert_int_gt(failures, total / 2);              /* most failures are seen */
    epsos_ctx_free(ctx);
}

#endif
