/*
 * libepsos: level 1 documents: the PDF rendering embedded as
 * component/nonXMLBody/text (base64, mediaType application/pdf).
 * SPDX-License-Identifier: MIT
 */
#include "config.h"
#include <string.h>
#include "model/model.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static xmlNode *child(xmlNode *n, const char *local)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, local))
            return c;
    return NULL;
}

EPSOS_API int epsos_doc_set_pdf(epsos_doc *doc, const uint8_t *pdf, size_t len)
{
    if (!doc)
        return EPSOS_EINVAL;
    epsos__ctx_reset(doc->ctx);
    if (!pdf || len == 0)
        return epsos__err(doc->ctx, EPSOS_EINVAL, "epsos_doc_set_pdf: no PDF bytes");
    if (len < 5 || memcmp(pdf, "%PDF-", 5) != 0)
        return epsos__err(doc->ctx, EPSOS_EVALUE, "epsos_doc_set_pdf: the bytes do not start "
                          "with %%PDF- (not a PDF)");
    if (len > (SIZE_MAX / 4) * 3 - 64)
        return epsos__err(doc->ctx, EPSOS_ELIMIT, "epsos_doc_set_pdf: PDF too large");
    /* base64, lines of 76 characters */
    size_t chars = (len + 2) / 3 * 4, cap = chars + chars / 76 + 2;
    char *text = epsos__malloc(cap);
    if (!text)
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory encoding the PDF");
    size_t o = 0, col = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)pdf[i] << 16;
        if (i + 1 < len) v |= (uint32_t)pdf[i + 1] << 8;
        if (i + 2 < len) v |= pdf[i + 2];
        text[o++] = b64[v >> 18 & 63];
        text[o++] = b64[v >> 12 & 63];
        text[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
        text[o++] = i + 2 < len ? b64[v & 63] : '=';
        if ((col += 4) == 76 && i + 3 < len) {
            text[o++] = '\n';
            col = 0;
        }
    }
    text[o] = '\0';

    xmlNode *root = xmlDocGetRootElement(doc->xml);
    epsos__doc_touch(doc);
    /* replace the body */
    for (xmlNode *c = root->children, *next; c; c = next) {
        next = c->next;
        if (epsos__is_el(c, EPSOS_NS_HL7, "component")) {
            epsos__items_detach(c);
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
    xmlNode *comp = epsos__new_element(doc->xml, root->ns, "component");
    xmlNode *body = comp ? epsos__new_element(doc->xml, root->ns, "nonXMLBody") : NULL;
    xmlNode *t = body ? epsos__new_element(doc->xml, root->ns, "text") : NULL;
    xmlNode *content = t ? epsos__new_text(doc->xml, text) : NULL;
    epsos__free(text);
    if (!content || !epsos__set_prop(body, "classCode", "DOCBODY") ||
        !epsos__set_prop(body, "moodCode", "EVN") ||
        !epsos__set_prop(t, "mediaType", "application/pdf") ||
        !epsos__set_prop(t, "representation", "B64")) {
        xmlFreeNode(content);
        xmlFreeNode(t);
        xmlFreeNode(body);
        xmlFreeNode(comp);
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
    }
    xmlAddChild(t, content);
    xmlAddChild(body, t);
    xmlAddChild(comp, body);
    epsos__insert_ordered(root, comp);
    if (doc->kind == EPSOS_DOC_PS)
        doc->kind = EPSOS_DOC_PS_L1;
    else if (doc->kind == EPSOS_DOC_EP)
        doc->kind = EPSOS_DOC_EP_L1;
    return EPSOS_OK;
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

EPSOS_API int epsos_doc_get_pdf(uint8_t **out, size_t *out_len, const epsos_doc *doc)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!doc)
        return EPSOS_EINVAL;
    epsos__ctx_reset(doc->ctx);
    if (!out || !out_len)
        return epsos__err(doc->ctx, EPSOS_EINVAL, "epsos_doc_get_pdf: out and out_len must not be NULL");
    xmlNode *root = xmlDocGetRootElement(doc->xml), *text = NULL;
    for (xmlNode *c = root->children; c && !text; c = c->next)
        if (epsos__is_el(c, EPSOS_NS_HL7, "component"))
            text = child(child(c, "nonXMLBody"), "text");
    if (!text)
        return epsos__err_node(doc->ctx, EPSOS_ENOTFOUND, root,
                               "no component/nonXMLBody/text: not a level 1 document");
    xmlChar *mt = xmlGetNoNsProp(text, (const xmlChar *)"mediaType");
    xmlChar *rep = xmlGetNoNsProp(text, (const xmlChar *)"representation");
    bool pdf_ok = !mt || strcmp((const char *)mt, "application/pdf") == 0;
    bool b64_ok = rep && strcmp((const char *)rep, "B64") == 0;
    xmlFree(mt);
    xmlFree(rep);
    if (!pdf_ok)
        return epsos__err_node(doc->ctx, EPSOS_EVALUE, text, "the embedded body is not "
                               "application/pdf");
    if (!b64_ok)
        return epsos__err_node(doc->ctx, EPSOS_EVALUE, text, "the embedded body is not "
                               "base64 (representation=\"B64\" expected)");
    xmlChar *s = xmlNodeGetContent(text);
    if (!s)
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
    size_t n = strlen((const char *)s);
    uint8_t *buf = epsos__malloc(n / 4 * 3 + 3);
    if (!buf) {
        xmlFree(s);
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory decoding the PDF");
    }
    size_t o = 0, q = 0, pad = 0, pos = 0;
    uint32_t acc = 0;
    int rc = EPSOS_OK;
    for (const unsigned char *p = s; *p; p++, pos++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            continue;
        if (*p == '=') {
            pad++;
            acc <<= 6;
            q++;
        } else {
            int v = b64_value(*p);
            if (v < 0 || pad) {
                rc = epsos__err_node(doc->ctx, EPSOS_EVALUE, text,
                                     "bad base64 at character %zu of the embedded body: %s",
                                     pos, v < 0 ? "not a base64 character" : "data after '='");
                break;
            }
            acc = acc << 6 | (uint32_t)v;
            q++;
        }
        if (q == 4) {
            buf[o++] = (uint8_t)(acc >> 16);
            if (pad < 2) buf[o++] = (uint8_t)(acc >> 8);
            if (pad < 1) buf[o++] = (uint8_t)acc;
            q = 0;
            acc = 0;
        }
    }
    xmlFree(s);
    if (rc == EPSOS_OK && (q != 0 || pad > 2))
        rc = epsos__err_node(doc->ctx, EPSOS_EVALUE, text,
                             "bad base64 in the embedded body: its length is not a multiple of 4");
    /* The bytes are returned as declared (application/pdf) without judging
     * them: a test document may embed a placeholder that is no PDF. */
    if (rc != EPSOS_OK) {
        epsos__free(buf);
        return rc;
    }
    *out = buf;
    *out_len = o;
    return EPSOS_OK;
}
