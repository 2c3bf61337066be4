/*
 * libepsos: hardened XML parsing.
 *
 * No network, no DTD (any DOCTYPE is refused before anything in it is
 * looked at), no entity substitution, no XInclude, input size and element
 * depth capped by the ctx, errors routed to the ctx through a per-parse
 * handler: no process-wide libxml2 state is touched.
 */
#include "config.h"
#include <string.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include "model.h"

typedef struct {
    epsos_ctx *ctx;
    int        code;        /* first failure of ours (ELIMIT/EUNSAFE), 0 if none */
    int32_t    line;
    char       msg[EPSOS_ERRMSG_MAX];
    bool       have_xml_error;
    unsigned   depth;
    startElementNsSAX2Func start;
    endElementNsSAX2Func   end;
} parse_state;

static parse_state *state_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

static void fail(xmlParserCtxtPtr p, int code, const char *msg)
{
    parse_state *st = p->_private;
    if (!st->code) {
        st->code = code;
        st->line = p->input ? p->input->line : 0;
        snprintf(st->msg, sizeof st->msg, "%s", msg);
    }
    xmlStopParser(p);
}

static void on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
                               const xmlChar *sys)
{
    (void)name; (void)ext; (void)sys;
    fail(ctx, EPSOS_EUNSAFE,
         "a DOCTYPE declaration is not accepted in a CDA document "
         "(entity expansion and external references are refused)");
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *URI, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    parse_state *st = state_of(ctx);
    if (++st->depth > st->ctx->max_depth) {
        char msg[128];
        snprintf(msg, sizeof msg, "element nesting deeper than the depth limit (%u)",
                 st->ctx->max_depth);
        fail(ctx, EPSOS_ELIMIT, msg);
        return;
    }
    st->start(ctx, localname, prefix, URI, nb_namespaces, namespaces, nb_attributes,
              nb_defaulted, attributes);
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *URI)
{
    parse_state *st = state_of(ctx);
    if (st->depth)
        st->depth--;
    st->end(ctx, localname, prefix, URI);
}

static void on_error(void *data, xmlErrorPtr e)
{
    xmlParserCtxtPtr p = data;
    parse_state *st = p->_private;
    if (!e || e->level < XML_ERR_ERROR || st->have_xml_error || st->code)
        return;
    st->have_xml_error = true;
    st->line = e->line;
    snprintf(st->msg, sizeof st->msg, "%s", e->message ? e->message : "XML error");
    size_t n = strlen(st->msg);
    while (n && (st->msg[n - 1] == '\n' || st->msg[n - 1] == ' '))
        st->msg[--n] = '\0';
    if (strstr(st->msg, "Excessive depth") && !st->code)
        st->code = EPSOS_ELIMIT;
}

xmlDoc *epsos__xml_parse(epsos_ctx *ctx, const uint8_t *data, size_t len)
{
    if (len == 0)
        return epsos__err_at(ctx, EPSOS_EPARSE, 1, NULL, "line 1: empty input: expected an XML document"),
               NULL;
    if ((uint64_t)len > ctx->max_bytes || len > INT32_MAX)
        return epsos__err(ctx, EPSOS_ELIMIT,
                          "input of %zu bytes is larger than the size limit (%llu bytes)", len,
                          (unsigned long long)ctx->max_bytes),
               NULL;

    xmlParserCtxtPtr p = xmlNewParserCtxt();
    if (!p)
        return epsos__err(ctx, EPSOS_ENOMEM, "cannot create an XML parser"), NULL;
    parse_state st = { .ctx = ctx };
    p->_private = &st;
    st.start = p->sax->startElementNs;
    st.end = p->sax->endElementNs;
    p->sax->startElementNs = on_start;
    p->sax->endElementNs = on_end;
    p->sax->internalSubset = on_internal_subset;
    p->sax->externalSubset = NULL;
    p->sax->serror = on_error;

    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
#ifdef XML_PARSE_NO_XXE
    opts |= XML_PARSE_NO_XXE;
#endif
    xmlDoc *doc = xmlCtxtReadMemory(p, (const char *)data, (int)len, NULL, NULL, opts);
    bool ok = doc && p->wellFormed && !st.code;
    if (!ok) {
        int code = st.code ? st.code : EPSOS_EPARSE;
        const char *msg = st.msg[0] ? st.msg : "not well-formed XML";
        int32_t line = st.line > 0 ? st.line : 0;
        if (line)
            epsos__err_at(ctx, code, line, NULL, "line %d: %s", (int)line, msg);
        else
            epsos__err(ctx, code, "%s", msg);
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(p);
    return doc;
}
