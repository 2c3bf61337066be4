/* libepsos: the document object: parse, build, detect, serialize. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include "model.h"

#define EH "1.3.6.1.4.1.12559.11.10.1.3.1."
#define LOINC "2.16.840.1.113883.6.1"
#define IPS_ABSENT "2.16.840.1.113883.5.1150.1"

/* What each document kind is built with, and recognised by. */
static const struct {
    int32_t kind;
    const char *name;
    const char *template_id;     /* written by epsos_doc_new */
    const char *code, *display;
} doc_kinds[] = {
    { EPSOS_DOC_UNKNOWN, "unknown", NULL, NULL, NULL },
    { EPSOS_DOC_PS, "PS", EH "1.3", "60591-5", "Patient summary Document" },
    { EPSOS_DOC_EP, "eP", EH "1.1", "57833-6", "Prescription for medication" },
    { EPSOS_DOC_ED, "eD", EH "1.2", "60593-1", "Medication dispensed.extended Document" },
    { EPSOS_DOC_PS_L1, "PS-L1", EH "1.7", "60591-5", "Patient summary Document" },
    { EPSOS_DOC_EP_L1, "eP-L1", EH "1.6", "57833-6", "Prescription for medication" },
};

EPSOS_API const char *epsos_doc_kind_name(int32_t kind)
{
    return kind >= 0 && (size_t)kind < sizeof doc_kinds / sizeof doc_kinds[0]
               ? doc_kinds[kind].name : NULL;
}

EPSOS_API const char *epsos_generation_name(int32_t gen)
{
    switch (gen) {
    case EPSOS_GEN_UNKNOWN: return "unknown";
    case EPSOS_GEN_EPSOS:   return "epSOS";
    case EPSOS_GEN_EHDSI:   return "eHDSI";
    default:                return NULL;
    }
}

static const char *attr(const xmlNode *n, const char *name)
{
    xmlAttr *a = xmlHasNsProp((xmlNode *)n, (const xmlChar *)name, NULL);
    return a && a->children && a->children->type == XML_TEXT_NODE && !a->children->next
               ? (const char *)a->children->content : NULL;
}

/* One walk over the tree: the markers of kind and generation. */
void epsos__doc_detect(epsos_doc *doc)
{
    xmlNode *root = xmlDocGetRootElement(doc->xml);
    const char *code = NULL;
    unsigned tmpl = 0;            /* bit N set: a document templateId eH.1.N */
    bool nonxml = false, pharm = false, legacy = false, modern = false;

    for (xmlNode *c = root->children; c; c = c->next) {
        if (epsos__is_el(c, EPSOS_NS_HL7, "code") && !code)
            code = attr(c, "code");
        else if (epsos__is_el(c, EPSOS_NS_HL7, "templateId")) {
            const char *r = attr(c, "root");
            const char *v = r && strncmp(r, EH "1.", strlen(EH "1.")) == 0
                                ? r + strlen(EH "1.") : NULL;
            if (v && v[0] >= '1' && v[0] <= '7' && v[1] == '\0')
                tmpl |= 1u << (v[0] - '0');
        } else if (epsos__is_el(c, EPSOS_NS_HL7, "component")) {
            for (xmlNode *b = c->children; b; b = b->next)
                if (epsos__is_el(b, EPSOS_NS_HL7, "nonXMLBody"))
                    nonxml = true;
        }
    }

    /* Iterative pre-order walk of every element. */
    for (xmlNode *n = root; n;) {
        if (n->type == XML_ELEMENT_NODE) {
            const char *href = n->ns && n->ns->href ? (const char *)n->ns->href : "";
            if (strcmp(href, EPSOS_NS_PHARM) == 0)
                pharm = true;
            else if (strcmp(href, EPSOS_NS_EPSOS) == 0)
                legacy = true;
            else if (!strcmp((const char *)n->name, "templateId")) {
                const char *r = attr(n, "root");
                if (r && strcmp(r, EH "3.1") == 0)
                    legacy = true;
                else if (r && strncmp(r, EH "2.", strlen(EH "2.")) == 0 &&
                         atoi(r + strlen(EH "2.")) >= 6 &&
                         strspn(r + strlen(EH "2."), "0123456789") == strlen(r + strlen(EH "2.")))
                    modern = true;
            }
            if (!modern) {
                const char *cs = attr(n, "codeSystem");
                if (cs && strcmp(cs, IPS_ABSENT) == 0)
                    modern = true;
            }
            if (n->children) {
                n = n->children;
                continue;
            }
        }
        while (n && !n->next && n != root)
            n = n->parent;
        if (!n || n == root)
            break;
        n = n->next;
    }

    int32_t kind = EPSOS_DOC_UNKNOWN;
    if (code && (!strcmp(code, "60591-5") || !strcmp(code, "RELMAD572")))
        kind = EPSOS_DOC_PS;
    else if (code && !strcmp(code, "57833-6"))
        kind = EPSOS_DOC_EP;
    else if (code && (!strcmp(code, "60593-1") || !strcmp(code, "RELMA9ED5")))
        kind = EPSOS_DOC_ED;
    else if (tmpl & (1u << 3 | 1u << 7))
        kind = EPSOS_DOC_PS;
    else if (tmpl & (1u << 1 | 1u << 6))
        kind = EPSOS_DOC_EP;
    else if (tmpl & (1u << 2))
        kind = EPSOS_DOC_ED;
    bool l1 = nonxml || (tmpl & (1u << 6 | 1u << 7));
    if (l1 && kind == EPSOS_DOC_PS)
        kind = EPSOS_DOC_PS_L1;
    else if (l1 && kind == EPSOS_DOC_EP)
        kind = EPSOS_DOC_EP_L1;
    doc->kind = kind;

    if (pharm)
        doc->generation = EPSOS_GEN_EHDSI;
    else if (legacy)
        doc->generation = EPSOS_GEN_EPSOS;
    else if (modern || (tmpl & (1u << 6 | 1u << 7)))
        doc->generation = EPSOS_GEN_EHDSI;
    else
        doc->generation = EPSOS_GEN_EPSOS;
}

int epsos__doc_wrap(epsos_doc **out, epsos_ctx *ctx, xmlDoc *xml)
{
    epsos_doc *doc = epsos__calloc(1, sizeof *doc);
    if (!doc) {
        xmlFreeDoc(xml);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    }
    doc->ctx = ctx;
    doc->xml = xml;
    *out = doc;
    return EPSOS_OK;
}

static int finish_parse(epsos_doc **out, epsos_ctx *ctx, xmlDoc *xml)
{
    xmlNode *root = xmlDocGetRootElement(xml);
    if (!root || !epsos__is_el(root, EPSOS_NS_HL7, "ClinicalDocument")) {
        const char *ns = root && root->ns && root->ns->href ? (const char *)root->ns->href : "";
        long line = root ? xmlGetLineNo(root) : 0;
        epsos__err_at(ctx, EPSOS_ENOTCDA, line > 0 && line < INT32_MAX ? (int32_t)line : 0,
                      root ? "/*" : "",
                      "line %ld: root element is {%s}%s, expected {" EPSOS_NS_HL7
                      "}ClinicalDocument",
                      line, ns, root ? (const char *)root->name : "(none)");
        xmlFreeDoc(xml);
        return ctx->errcode;
    }
    int rc = epsos__doc_wrap(out, ctx, xml);
    if (rc == EPSOS_OK)
        epsos__doc_detect(*out);
    return rc;
}

EPSOS_API int epsos_doc_parse(epsos_doc **out, epsos_ctx *ctx, const uint8_t *data,
                              size_t len, uint32_t flags)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!out || (!data && len))
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_doc_parse: out and data must not be NULL");
    if (flags)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_doc_parse: unknown flags 0x%x", flags);
    xmlDoc *xml = epsos__xml_parse(ctx, data, len);
    if (!xml)
        return ctx->errcode;
    return finish_parse(out, ctx, xml);
}

EPSOS_API int epsos_doc_parse_file(epsos_doc **out, epsos_ctx *ctx, const char *path,
                                   uint32_t flags)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!out || !path)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_doc_parse_file: out and path must not be NULL");
    if (flags)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_doc_parse_file: unknown flags 0x%x", flags);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return epsos__err(ctx, EPSOS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return epsos__err(ctx, EPSOS_EIO, "%s: not a regular file", path);
    }
    if ((uint64_t)sb.st_size > ctx->max_bytes) {
        close(fd);
        return epsos__err(ctx, EPSOS_ELIMIT,
                          "%s: %lld bytes is larger than the size limit (%llu bytes)", path,
                          (long long)sb.st_size, (unsigned long long)ctx->max_bytes);
    }
    size_t len = (size_t)sb.st_size, got = 0;
    uint8_t *buf = epsos__malloc(len + 1);
    if (!buf) {
        close(fd);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory reading %s", path);
    }
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int e = errno;
            close(fd);
            epsos__free(buf);
            return epsos__err(ctx, EPSOS_EIO, "%s: read failed: %s", path,
                              r < 0 ? strerror(e) : "file shrank while reading");
        }
        got += (size_t)r;
    }
    close(fd);
    int rc = epsos_doc_parse(out, ctx, buf, len, 0);
    epsos__free(buf);
    return rc;
}

EPSOS_API int epsos_doc_new(epsos_doc **out, epsos_ctx *ctx, int32_t kind)
{
    if (out)
        *out = NULL;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos__ctx_reset(ctx);
    if (!out)
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_doc_new: out must not be NULL");
    if (kind <= EPSOS_DOC_UNKNOWN || (size_t)kind >= sizeof doc_kinds / sizeof doc_kinds[0])
        return epsos__err(ctx, EPSOS_EINVAL, "epsos_doc_new: unknown document kind %d", (int)kind);

    xmlDoc *xml = xmlNewDoc((const xmlChar *)"1.0");
    /* names in a dictionary, as in a parsed document: one allocation per
     * distinct name rather than per element and attribute */
    if (xml && !(xml->dict = xmlDictCreate())) {
        xmlFreeDoc(xml);
        xml = NULL;
    }
    xmlNode *root = xml ? epsos__new_element(xml, NULL, "ClinicalDocument") : NULL;
    xmlNs *ns = root ? xmlNewNs(root, (const xmlChar *)EPSOS_NS_HL7, NULL) : NULL;
    xmlNs *xsi = ns ? xmlNewNs(root, (const xmlChar *)EPSOS_NS_XSI, (const xmlChar *)"xsi") : NULL;
    bool ok = ns && ns->href && xml->version && xsi && xsi->href && xsi->prefix;
    if (ok) {
        xmlSetNs(root, ns);
        xmlDocSetRootElement(xml, root);
        xmlNode *t = NULL, *tm = NULL, *c = NULL;
        ok = (t = epsos__new_element(xml, ns, "typeId")) && xmlAddChild(root, t) &&
             (tm = epsos__new_element(xml, ns, "templateId")) && xmlAddChild(root, tm) &&
             (c = epsos__new_element(xml, ns, "code")) && xmlAddChild(root, c) &&
             epsos__set_prop(t, "root", "2.16.840.1.113883.1.3") &&
             epsos__set_prop(t, "extension", "POCD_HD000040") &&
             epsos__set_prop(tm, "root", doc_kinds[kind].template_id) &&
             epsos__set_prop(c, "code", doc_kinds[kind].code) &&
             epsos__set_prop(c, "codeSystem", LOINC) &&
             epsos__set_prop(c, "codeSystemName", "LOINC") &&
             epsos__set_prop(c, "displayName", doc_kinds[kind].display);
        if (!ok) {              /* free whichever node was not linked yet */
            if (t && !t->parent) xmlFreeNode(t);
            if (tm && !tm->parent) xmlFreeNode(tm);
            if (c && !c->parent) xmlFreeNode(c);
        }
    }
    if (!ok) {
        if (root && !xml->children)
            xmlFreeNode(root);
        xmlFreeDoc(xml);
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory building a document");
    }
    int rc = epsos__doc_wrap(out, ctx, xml);
    if (rc == EPSOS_OK) {
        (*out)->kind = kind;
        (*out)->generation = EPSOS_GEN_EHDSI;
    }
    return rc;
}

EPSOS_API void epsos_doc_free(epsos_doc *doc)
{
    if (!doc)
        return;
    for (epsos_item *it = doc->items, *next; it; it = next) {
        next = it->next;
        if (it->node)
            it->node->_private = NULL;
        epsos__free(it->path);
        epsos__free(it);
    }
    for (epsos__str *s = doc->strings, *next; s; s = next) {
        next = s->next;
        epsos__free(s);
    }
    xmlFreeDoc(doc->xml);
    epsos__free(doc);
}

EPSOS_API int32_t epsos_doc_kind(const epsos_doc *doc) { return doc ? doc->kind : EPSOS_DOC_UNKNOWN; }
EPSOS_API int32_t epsos_doc_generation(const epsos_doc *doc)
{
    return doc ? doc->generation : EPSOS_GEN_UNKNOWN;
}

EPSOS_API int epsos_doc_header(epsos_item **out, epsos_doc *doc)
{
    if (out)
        *out = NULL;
    if (!doc || !out)
        return EPSOS_EINVAL;
    epsos__ctx_reset(doc->ctx);
    epsos_item *it = epsos__item_for(doc, xmlDocGetRootElement(doc->xml), EPSOS_KIND_HEADER);
    if (!it)
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
    *out = it;
    return EPSOS_OK;
}

typedef struct {
    uint8_t *p;
    size_t   len, cap;            /* cap > len: room for a final NUL */
    bool     failed;
} outbuf;

static int out_write(void *ctx, const char *buf, int len)
{
    outbuf *o = ctx;
    if (len <= 0)
        return 0;
    if ((size_t)len >= o->cap - o->len || !o->p) {
        size_t cap = o->cap ? o->cap : 16384;
        while (cap - o->len <= (size_t)len) {
            if (cap > SIZE_MAX / 2) {
                o->failed = true;
                return -1;
            }
            cap *= 2;
        }
        uint8_t *p = epsos__realloc(o->p, cap);
        if (!p) {
            o->failed = true;
            return -1;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, buf, (size_t)len);
    o->len += (size_t)len;
    return len;
}

static int out_close(void *ctx)
{
    (void)ctx;
    return 0;
}

EPSOS_API int epsos_doc_serialize(uint8_t **out, size_t *out_len, const epsos_doc *doc,
                                  uint32_t flags)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!doc)
        return EPSOS_EINVAL;
    epsos__ctx_reset(doc->ctx);
    if (!out || !out_len)
        return epsos__err(doc->ctx, EPSOS_EINVAL, "epsos_doc_serialize: out and out_len must not be NULL");
    if (flags & ~EPSOS_SERIALIZE_FORMAT)
        return epsos__err(doc->ctx, EPSOS_EINVAL, "epsos_doc_serialize: unknown flags 0x%x", flags);
    /* What xmlDocDumpFormatMemoryEnc(.., "UTF-8", format) writes, streamed
     * into one growing buffer: no intermediate buffers and no final copy of
     * the whole text. */
    outbuf o = { NULL, 0, 0, false };
    xmlSaveCtxtPtr save = xmlSaveToIO(out_write, out_close, &o, "UTF-8",
                                      XML_SAVE_AS_XML |
                                      ((flags & EPSOS_SERIALIZE_FORMAT) ? XML_SAVE_FORMAT : 0));
    long written = save ? xmlSaveDoc(save, doc->xml) : -1;
    int closed = save ? xmlSaveClose(save) : -1;
    if (written < 0 || closed < 0 || o.failed || o.len == 0) {
        epsos__free(o.p);
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "cannot serialize the document");
    }
    o.p[o.len] = '\0';
    *out = o.p;                     /* xmlMalloc'ed: epsos_free releases it */
    *out_len = o.len;
    return EPSOS_OK;
}

EPSOS_API int epsos_doc_save(const epsos_doc *doc, const char *path, uint32_t flags)
{
    if (!doc)
        return EPSOS_EINVAL;
    if (!path)
        return epsos__err(doc->ctx, EPSOS_EINVAL, "epsos_doc_save: path must not be NULL");
    uint8_t *buf;
    size_t len;
    int rc = epsos_doc_serialize(&buf, &len, doc, flags);
    if (rc != EPSOS_OK)
        return rc;
    size_t plen = strlen(path);
    char *tmp = epsos__malloc(plen + 16);
    if (!tmp) {
        epsos_free(buf);
        return epsos__err(doc->ctx, EPSOS_ENOMEM, "out of memory");
    }
    snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = epsos__err(doc->ctx, EPSOS_EIO, "%s: cannot create a temporary file: %s", path,
                        strerror(errno));
        goto done;
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            rc = epsos__err(doc->ctx, EPSOS_EIO, "%s: write failed: %s", path, strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (rc == EPSOS_OK && fsync(fd) < 0)
        rc = epsos__err(doc->ctx, EPSOS_EIO, "%s: fsync failed: %s", path, strerror(errno));
    if (close(fd) < 0 && rc == EPSOS_OK)
        rc = epsos__err(doc->ctx, EPSOS_EIO, "%s: close failed: %s", path, strerror(errno));
    if (rc == EPSOS_OK) {
        if (chmod(tmp, 0644) < 0 || rename(tmp, path) < 0)
            rc = epsos__err(doc->ctx, EPSOS_EIO, "%s: cannot replace: %s", path, strerror(errno));
    }
    if (rc != EPSOS_OK)
        unlink(tmp);
done:
    epsos__free(tmp);
    epsos_free(buf);
    return rc;
}

const char *epsos__doc_keep(epsos_doc *doc, char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    epsos__str *k = epsos__malloc(sizeof *k + n);
    if (!k)
        return NULL;
    memcpy(k->s, s, n);
    k->next = doc->strings;
    doc->strings = k;
    return k->s;
}
