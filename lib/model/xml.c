/* libepsos: small helpers over libxml2 trees. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "core/internal.h"

bool epsos__is_el(const xmlNode *node, const char *ns, const char *local)
{
    /* the first characters first: most elements tested are not the one */
    if (!node || node->type != XML_ELEMENT_NODE || node->name[0] != (xmlChar)local[0] ||
        node->name[1] != (xmlChar)local[1] || strcmp((const char *)node->name, local) != 0)
        return false;
    if (!ns)
        return node->ns == NULL;
    const xmlChar *href = node->ns ? node->ns->href : NULL;
    return href && ((const char *)href == ns || strcmp((const char *)href, ns) == 0);
}

static const char *ns_prefix(const xmlNode *n)
{
    if (!n->ns || !n->ns->href)
        return "";
    const char *h = (const char *)n->ns->href;
    if (strcmp(h, EPSOS_NS_HL7) == 0) return "hl7:";
    if (strcmp(h, EPSOS_NS_PHARM) == 0) return "pharm:";
    if (strcmp(h, EPSOS_NS_EPSOS) == 0) return "epsos:";
    return NULL;   /* other namespace: use *[local-name()=...] */
}

static bool same_name(const xmlNode *a, const xmlNode *b)
{
    if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, (const char *)b->name) != 0)
        return false;
    const char *ha = a->ns ? (const char *)a->ns->href : "";
    const char *hb = b->ns ? (const char *)b->ns->href : "";
    return strcmp(ha, hb) == 0;
}

/* Writes the path of node into buf, from the root down. */
void epsos__node_path(const xmlNode *node, char *buf, size_t len)
{
    const xmlNode *chain[300];
    size_t depth = 0;
    buf[0] = '\0';
    if (!len)
        return;
    for (const xmlNode *n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (depth == sizeof chain / sizeof chain[0])
            break;
        chain[depth++] = n;
    }
    size_t used = 0;
    while (depth > 0) {
        const xmlNode *n = chain[--depth];
        size_t pos = 1, total = 0;
        for (const xmlNode *s = n->parent ? n->parent->children : n; s; s = s->next) {
            if (!same_name(s, n))
                continue;
            total++;
            if (s == n)
                pos = total;
        }
        char step[160];
        const char *pre = ns_prefix(n);
        if (pre)
            snprintf(step, sizeof step, "/%s%s", pre, (const char *)n->name);
        else
            snprintf(step, sizeof step, "/*[local-name()='%s']", (const char *)n->name);
        if (total > 1) {
            size_t l = strlen(step);
            snprintf(step + l, sizeof step - l, "[%zu]", pos);
        }
        size_t sl = strlen(step);
        if (used + sl + 1 > len) {
            if (len > 4)
                memcpy(buf + (used < len - 4 ? used : len - 4), "...", 4);
            return;
        }
        memcpy(buf + used, step, sl + 1);
        used += sl;
    }
}

/* libxml2 2.9 does not check every allocation when it creates nodes: an
 * element can come back with a NULL name, an attribute with a NULL name or
 * value, a text node with NULL content.  These wrappers check and clean up,
 * so that a failed allocation is an error, never a damaged tree. */
xmlNode *epsos__new_element(xmlDoc *doc, xmlNs *ns, const char *name)
{
    xmlNode *el = xmlNewDocNode(doc, ns, (const xmlChar *)name, NULL);
    if (el && !el->name) {
        xmlFreeNode(el);
        el = NULL;
    }
    return el;
}

xmlNode *epsos__new_text(xmlDoc *doc, const char *text)
{
    xmlNode *t = xmlNewDocText(doc, (const xmlChar *)text);
    if (t && !t->content) {
        xmlFreeNode(t);
        t = NULL;
    }
    return t;
}

bool epsos__set_prop(xmlNode *node, const char *name, const char *value)
{
    xmlAttr *a = xmlSetProp(node, (const xmlChar *)name, (const xmlChar *)value);
    if (!a)
        return false;
    if (!a->name || (value && *value && (!a->children || !a->children->content))) {
        xmlRemoveProp(a);
        return false;
    }
    return true;
}
