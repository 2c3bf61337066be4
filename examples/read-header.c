/*
 * read-header: print who a CDA document is about and who wrote it.
 *   read-header FILE
 * Exit 0 on success, 2 when the file cannot be read as a CDA document.
 */
#include <stdio.h>
#include <epsos.h>

static void print_name(epsos_item *parent)
{
    epsos_item *name;
    const char *s;
    size_t n = 0;
    if (epsos_item_child(&name, parent, EPSOS_F_NAME, 0) != EPSOS_OK)
        return;
    epsos_item_count(name, EPSOS_F_GIVEN, &n);
    for (size_t i = 0; i < n; i++)
        if (epsos_item_get_text(name, EPSOS_F_GIVEN, i, &s) == EPSOS_OK)
            printf("%s ", s);
    epsos_item_count(name, EPSOS_F_FAMILY, &n);
    for (size_t i = 0; i < n; i++)
        if (epsos_item_get_text(name, EPSOS_F_FAMILY, i, &s) == EPSOS_OK)
            printf("%s%s", i ? " " : "", s);
}

int main(int argc, char **argv)
{
    epsos_ctx *ctx = NULL;
    epsos_doc *doc = NULL;
    epsos_item *hdr, *patient, *author;
    const char *title = NULL, *birth = NULL;
    size_t nauthors = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: read-header FILE\n");
        return 2;
    }
    if (epsos_ctx_new(&ctx) != EPSOS_OK)
        return 2;
    if (epsos_doc_parse_file(&doc, ctx, argv[1], 0) != EPSOS_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], epsos_ctx_errmsg(ctx));
        epsos_ctx_free(ctx);
        return 2;
    }
    epsos_doc_header(&hdr, doc);
    epsos_item_get_text(hdr, EPSOS_F_TITLE, 0, &title);
    printf("%s (%s, %s generation): %s\n", argv[1], epsos_doc_kind_name(epsos_doc_kind(doc)),
           epsos_generation_name(epsos_doc_generation(doc)), title ? title : "-");
    if (epsos_item_child(&patient, hdr, EPSOS_F_PATIENT, 0) == EPSOS_OK) {
        printf("patient: ");
        print_name(patient);
        epsos_item_get_time(patient, EPSOS_F_BIRTH_TIME, 0, &birth);
        printf(", born %s\n", birth ? birth : "-");
    }
    epsos_item_count(hdr, EPSOS_F_AUTHOR, &nauthors);
    for (size_t i = 0; i < nauthors; i++) {
        if (epsos_item_child(&author, hdr, EPSOS_F_AUTHOR, i) != EPSOS_OK)
            continue;
        printf("author: ");
        print_name(author);
        printf("\n");
    }
    epsos_doc_free(doc);
    epsos_ctx_free(ctx);
    return 0;
}
