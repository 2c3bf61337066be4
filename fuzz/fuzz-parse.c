/*
 * Fuzz target: parse a document, read every field the template table knows,
 * write a few fields, serialize.  Built as a libFuzzer binary with
 * ./configure --enable-fuzzing CC=clang, and as a replay program that runs
 * the seed corpus (fuzz/corpus/parse) under make check.
 */
#include <stdint.h>
#include <stdlib.h>
#include <epsos.h>

static void read_all(epsos_item *it, int depth)
{
    int32_t k = epsos_item_kind(it);
    if (depth > 32)
        return;
    for (size_t i = 0; i < epsos_kind_field_count(k); i++) {
        int32_t f = epsos_kind_field_at(k, i);
        size_t n = 0;
        if (epsos_item_count(it, f, &n) != EPSOS_OK)
            abort();                       /* a table field always counts */
        for (size_t j = 0; j < n; j++) {
            const char *a, *b, *c;
            size_t t = 0;
            epsos_item *child;
            switch (epsos_field_type(k, f)) {
            case EPSOS_T_ITEM:
                if (epsos_item_child(&child, it, f, j) == EPSOS_OK)
                    read_all(child, depth + 1);
                break;
            case EPSOS_T_CD:
                epsos_item_get_code(it, f, j, &a, &b, &c);
                epsos_item_translation_count(it, f, j, &t);
                for (size_t x = 0; x < t; x++)
                    epsos_item_get_translation(it, f, j, x, &a, &b, &c);
                break;
            case EPSOS_T_II: epsos_item_get_id(it, f, j, &a, &b); break;
            case EPSOS_T_TS: epsos_item_get_time(it, f, j, &a); break;
            case EPSOS_T_TEL: epsos_item_get_telecom(it, f, j, &a, &b); break;
            case EPSOS_T_PQ: epsos_item_get_quantity(it, f, j, &a, &b); break;
            default: epsos_item_get_text(it, f, j, &a); break;
            }
            epsos_item_get_null_flavor(it, f, j, &a);
        }
    }
    (void)epsos_item_path(it);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static epsos_ctx *ctx;                 /* reused, as a long-lived host would */
    if (!ctx && epsos_ctx_new(&ctx) != EPSOS_OK)
        return 0;
    epsos_doc *doc = NULL;
    if (epsos_doc_parse(&doc, ctx, data, size, 0) != EPSOS_OK)
        return 0;
    epsos_item *h, *p;
    if (epsos_doc_header(&h, doc) == EPSOS_OK) {
        read_all(h, 0);
        /* writes into whatever shape the input has */
        epsos_item_set_text(h, EPSOS_F_TITLE, 0, "fuzz");
        if (epsos_item_child(&p, h, EPSOS_F_PATIENT, 0) == EPSOS_OK) {
            epsos_item_set_time(p, EPSOS_F_BIRTH_TIME, 0, "19991231");
            epsos_item_remove(p, EPSOS_F_NAME, 0);
        }
        epsos_item_remove(h, EPSOS_F_AUTHOR, 0);
        read_all(h, 0);
    }
    uint8_t *out = NULL;
    size_t len = 0;
    if (epsos_doc_serialize(&out, &len, doc, 0) == EPSOS_OK) {
        epsos_doc *again = NULL;                /* what we write, we can read */
        if (epsos_doc_parse(&again, ctx, out, len, 0) != EPSOS_OK)
            abort();
        epsos_doc_free(again);
    }
    epsos_free(out);
    epsos_doc_free(doc);
    return 0;
}
