/*
 * build-header: build the header of an eHDSI Patient Summary and print it.
 *   build-header [OUT.xml]
 * Every failing call reports what was wrong and where.
 */
#include <stdio.h>
#include <epsos.h>

#define TRY(call) do { if ((call) != EPSOS_OK) goto fail; } while (0)

int main(int argc, char **argv)
{
    epsos_ctx *ctx = NULL;
    epsos_doc *doc = NULL;
    epsos_item *h, *pat, *name, *author, *aname, *org;
    uint8_t *xml = NULL;
    size_t len = 0;
    int status = 1;

    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 1;
    TRY(epsos_doc_new(&doc, ctx, EPSOS_DOC_PS));
    TRY(epsos_doc_header(&h, doc));
    TRY(epsos_item_set_id(h, EPSOS_F_ID, 0, "2.999.1.42.7", "PS-2026-0002"));
    TRY(epsos_item_set_text(h, EPSOS_F_TITLE, 0, "Patient Summary"));
    TRY(epsos_item_set_time(h, EPSOS_F_EFFECTIVE_TIME, 0, "20261124103000+0100"));
    TRY(epsos_item_set_code(h, EPSOS_F_CONFIDENTIALITY, 0, "N", "2.16.840.1.113883.5.25", "normal"));
    TRY(epsos_item_set_text(h, EPSOS_F_LANGUAGE, 0, "en-GB"));

    TRY(epsos_item_add_child(&pat, h, EPSOS_F_PATIENT));
    TRY(epsos_item_set_id(pat, EPSOS_F_ID, 0, "2.999.1.42.1", "PT-0043"));
    TRY(epsos_item_add_child(&name, pat, EPSOS_F_NAME));
    TRY(epsos_item_set_text(name, EPSOS_F_GIVEN, 0, "Jan"));
    TRY(epsos_item_set_text(name, EPSOS_F_FAMILY, 0, "Novák"));
    TRY(epsos_item_set_code(pat, EPSOS_F_GENDER, 0, "M", "2.16.840.1.113883.5.1", "Male"));
    TRY(epsos_item_set_time(pat, EPSOS_F_BIRTH_TIME, 0, "19800229"));

    TRY(epsos_item_add_child(&author, h, EPSOS_F_AUTHOR));
    TRY(epsos_item_set_code(author, EPSOS_F_FUNCTION_CODE, 0, "221",
                            "2.16.840.1.113883.2.9.6.2.7", "Medical doctors"));
    TRY(epsos_item_set_time(author, EPSOS_F_TIME, 0, "20261124100000+0100"));
    TRY(epsos_item_set_id(author, EPSOS_F_ID, 0, "2.999.1.42.2", "HCP-78"));
    TRY(epsos_item_add_child(&aname, author, EPSOS_F_NAME));
    TRY(epsos_item_set_text(aname, EPSOS_F_FAMILY, 0, "Dvořák"));
    TRY(epsos_item_add_child(&org, author, EPSOS_F_ORGANIZATION));
    TRY(epsos_item_set_text(org, EPSOS_F_ORGANIZATION_NAME, 0, "Nemocnice Příklad"));

    /* A bad value is refused with a message naming what was expected. */
    if (epsos_item_set_time(pat, EPSOS_F_BIRTH_TIME, 0, "1980-02-29") != EPSOS_EVALUE)
        goto fail;
    fprintf(stderr, "refused as expected: %s\n", epsos_ctx_errmsg(ctx));

    if (argc > 1)
        TRY(epsos_doc_save(doc, argv[1], EPSOS_SERIALIZE_FORMAT));
    else {
        TRY(epsos_doc_serialize(&xml, &len, doc, EPSOS_SERIALIZE_FORMAT));
        fwrite(xml, 1, len, stdout);
    }
    status = 0;
    goto done;
fail:
    fprintf(stderr, "build-header: %s (%s) at %s\n", epsos_ctx_errmsg(ctx),
            epsos_strerror(epsos_ctx_errcode(ctx)), epsos_ctx_errloc(ctx));
done:
    epsos_free(xml);
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
    return status;
}
