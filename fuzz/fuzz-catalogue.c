/*
 * Fuzz target: terminology catalogue load.  The input is given to the
 * builder (which detects SVS, ART-DECOR, FHIR or TSV) and, as a compiled
 * image, to epsos_catalogue_open_buffer.  What the builder accepts is
 * compiled, the image opened again (it must be: what we write, we can
 * read, and compiling twice gives the same bytes), and looked up.
 * An input that starts like an image ("EPSOSCAT", 64-byte header) is also
 * opened with its size and SHA-256 fields made right, so that mutations
 * reach the checks of the section directory, the offsets and the indexes
 * (epsos-catalogue(5)) instead of stopping at the checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/sha.h>
#include <epsos.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const probes[][3] = {   /* value set, system, code */
    { "1.3.6.1.4.1.12559.11.10.1.3.1.42.34", "2.16.840.1.113883.5.1", "F" },
    { "1.3.6.1.4.1.12559.11.10.1.3.1.42.38", "2.16.840.1.113883.5.111", "MTH" },
    { "1.3.6.1.4.1.12559.11.10.1.3.1.42.16", "http://unitsofmeasure.org", "mg" },
};

static void look(const epsos_catalogue *cat)
{
    size_t n;
    for (int32_t w = EPSOS_CAT_VALUE_SETS; w <= EPSOS_CAT_ALIASES; w++)
        if (epsos_catalogue_count(cat, w, &n) != EPSOS_OK)
            abort();
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        const char *a, *b, *c;
        size_t m;
        epsos_catalogue_value_set(cat, probes[i][0], &m, &a, &b);
        epsos_catalogue_contains(cat, probes[i][0], probes[i][1], probes[i][2]);
        epsos_catalogue_contains(cat, probes[i][0], NULL, probes[i][2]);
        epsos_catalogue_concept(&a, cat, probes[i][1], probes[i][2]);
        epsos_catalogue_transcode(&a, &b, &c, cat, "1.2.999.7.2", "W", NULL);
        epsos_catalogue_transcode(&a, &b, &c, cat, "1.2.999.7.2", "MUTTER", probes[i][0]);
        epsos_catalogue_designation(&a, &b, cat, probes[i][1], probes[i][2], "de-AT");
        epsos_catalogue_search(&a, &b, cat, probes[i][0], "female");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static epsos_ctx *ctx;
    if (!ctx && epsos_ctx_new(&ctx) != EPSOS_OK)
        return 0;
    epsos_catalogue *cat = NULL;
    if (epsos_catalogue_open_buffer(&cat, ctx, data, size) == EPSOS_OK)
        look(cat);
    epsos_catalogue_free(cat);
    cat = NULL;
    if (size >= 64 && size <= UINT32_MAX && !memcmp(data, "EPSOSCAT", 8)) {
        uint8_t *img = malloc(size);
        if (!img)
            return 0;
        memcpy(img, data, size);
        for (int i = 0; i < 4; i++) {
            img[16 + i] = (uint8_t)(size >> (8 * i));
            img[20 + i] = 0;
        }
        SHA256(img + 64, size - 64, img + 32);
        if (epsos_catalogue_open_buffer(&cat, ctx, img, size) == EPSOS_OK)
            look(cat);
        epsos_catalogue_free(cat);
        cat = NULL;
        free(img);
    }

    epsos_catalogue_builder *b = NULL;
    if (epsos_catalogue_builder_new(&b, ctx) != EPSOS_OK)
        return 0;
    if (epsos_catalogue_builder_add(b, data, size, "fuzz") == EPSOS_OK) {
        uint8_t *img = NULL, *img2 = NULL;
        size_t n = 0, n2 = 0;
        if (epsos_catalogue_builder_serialize(&img, &n, b) == EPSOS_OK) {
            if (epsos_catalogue_open_buffer(&cat, ctx, img, n) != EPSOS_OK)
                abort();                    /* an image we wrote must open */
            look(cat);
            epsos_catalogue_free(cat);
            cat = NULL;
            if (epsos_catalogue_builder_serialize(&img2, &n2, b) != EPSOS_OK || n2 != n ||
                memcmp(img, img2, n) != 0)
                abort();                    /* compiling is deterministic */
        }
        epsos_free(img);
        epsos_free(img2);
        if (epsos_catalogue_builder_finish(&cat, b) == EPSOS_OK)
            look(cat);
        epsos_catalogue_free(cat);
    }
    epsos_catalogue_builder_free(b);
    return 0;
}
