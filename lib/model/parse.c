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

/* libxml2 2.9 checks attribute names for duplicates pairwise: 10^5
 * attributes on one element take seconds, 10^6 a quarter of an hour.  One
 * linear pass over the bytes counts the attributes of each start tag (every
 * '=' outside quotes) and refuses an element with more than the ctx allows,
 * before libxml2 sees it.  Comments, CDATA sections and processing
 * instructions are skipped; anything the pass misreads is still parsed and
 * checked by libxml2 itself.  Returns the offset of the offending tag or
 * SIZE_MAX. */
static size_t too_many_attributes(const uint8_t *p, size_t len, uint32_t max)
{
    const uint8_t *end = p + len, *s = p;
    while ((s = memchr(s, '<', (size_t)(end - s))) != NULL) {
        const uint8_t *tag = s++;
        const char *close = NULL;
        if (end - s >= 3 && memcmp(s, "!--", 3) == 0)
            close = "-->";
        else if (end - s >= 8 && memcmp(s, "![CDATA[", 8) == 0)
            close = "]]>";
        else if (s < end && *s == '?')
            close = "?>";
        if (close) {
            size_t cl = strlen(close);
            while (s < end && !(end - s >= (ptrdiff_t)cl && memcmp(s, close, cl) == 0))
                s++;
            continue;
        }
        if (s < end && (*s == '/' || *s == '!'))
            continue;
        uint32_t n = 0;
        uint8_t quote = 0;
        for (; s < end; s++) {
            if (quote) {
                if (*s == quote)
                    quote = 0;
            } else if (*s == '"' || *s == '\'') {
                quote = *s;
            } else if (*s == '=') {
                if (++n > max)
                    return (size_t)(tag - p);
            } else if (*s == '>' || *s == '<') {
                break;
            }
        }
    }
    return SIZE_MAX;
}

static int32_t line_at(const uint8_t *p, size_t off)
{
    int32_t line = 1;
    for (const uint8_t *q = p; (q = memchr(q, '\n', (size_t)(p + off - q))) != NULL; q++)
        line++;
    return line;
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

    size_t bad = too_many_attributes(data, len, ctx->max_attributes);
    if (bad != SIZE_MAX) {
        int32_t line = line_at(data, bad);
        return epsos__err_at(ctx, EPSOS_ELIMIT, line, NULL,
                             "line %d: an element has more attributes than the limit (%u)",
                             (int)line, ctx->max_attributes),
               NULL;
    }

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

    /* XML_PARSE_HUGE lifts libxml2's fixed caps (10 MB text nodes, e.g. the
     * PDF of a level 1 document; depth 256) that our own limits replace: the
     * input size is capped above, the depth by on_start(), and there are no
     * entities to amplify because any DOCTYPE is refused. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES |
               XML_PARSE_HUGE;
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
