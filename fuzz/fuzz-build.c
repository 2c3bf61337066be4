/*
 * Fuzz target: the JSON input of `epsos build`.  The command's own reader
 * and builder (tools/cmd-build.c, linked in, entry epsos_build_json) turn
 * the JSON into a document; it is completed, serialized and parsed again:
 * what the builder writes, the parser must read.  (The builder reports
 * refused fields on stderr: libFuzzer runs it with -close_fd_mask=2.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <epsos.h>

int epsos_build_json(epsos_doc **out, int *errors, epsos_ctx *ctx, const char *text,
                     size_t len, const char *label);   /* tools/cmd-build.c */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fixed_id(void *u, char *buf, size_t len)
{
    (void)u;
    return snprintf(buf, len, "1.2.3.4.5") >= (int)len;
}

static int fixed_clock(void *u, char *buf, size_t len)
{
    (void)u;
    return snprintf(buf, len, "20240102030405+0100") >= (int)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static epsos_ctx *ctx;
    if (!ctx && epsos_ctx_new(&ctx) != EPSOS_OK)
        return 0;
    epsos_doc *doc = NULL;
    int errors = 0;
    if (epsos_build_json(&doc, &errors, ctx, (const char *)data, size, "fuzz") != 0)
        return 0;
    epsos_doc_set_sources(doc, fixed_id, fixed_clock, NULL);
    for (int pass = 0; pass < 2; pass++) {
        uint8_t *out = NULL;
        size_t len = 0;
        if (epsos_doc_serialize(&out, &len, doc, 0) == EPSOS_OK) {
            epsos_doc *again = NULL;
            if (epsos_doc_parse(&again, ctx, out, len, 0) != EPSOS_OK) {
                fprintf(stderr, "fuzz-build: the built document does not parse: %s\n",
                        epsos_ctx_errmsg(ctx));
                abort();                    /* what we build, we can read */
            }
            epsos_doc_free(again);
        }
        epsos_free(out);
        if (pass == 0)
            epsos_doc_complete(doc, 0);     /* identifiers, narrative */
    }
    epsos_doc_free(doc);
    return 0;
}
