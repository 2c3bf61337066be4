/*
 * libepsos: catalogue builder: source loaders (IHE SVS, ART-DECOR, FHIR R4
 * XML, TSV) and the writer of the compiled image (epsos-catalogue(5)).
 * SPDX-License-Identifier: MIT
 */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>
#include <openssl/evp.h>
#include <unicode/ucnv.h>
#include <openssl/err.h>
#include "term.h"
#include "model/model.h"

#define FHIR_NS "http://hl7.org/fhir"
#define SVS_NS  "urn:ihe:iti:svs:2008"

typedef struct { char *vs, *sys, *code, *display; uint32_t seq; } member;
typedef struct { char *sys, *code, *display; uint32_t seq; } cconcept;
typedef struct { char *ssys, *scode, *sdisp, *vs, *sys, *code, *equiv; uint32_t seq; } mapping;
typedef struct { char *sys, *code, *lang, *text; uint32_t seq; } desig;
typedef struct { char *uri, *oid; } alias;
typedef struct { char *oid, *name, *version; uint32_t gen; } vsdef;

#define VEC(T) struct { T *v; size_t n, cap; }

struct epsos_catalogue_builder {
    epsos_ctx *ctx;
    VEC(member) members;
    VEC(cconcept) concepts;
    VEC(mapping) maps;
    VEC(desig) desigs;
    VEC(alias) aliases;
    VEC(vsdef) vsets;
    uint32_t seq;
    uint32_t gen;       /* source number */
    const char *name;   /* current source */
    char charset[64];   /* of text sources; "" = UTF-8, LMS files cp850 */
};

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = epsos__realloc(*v, c * size);
    if (!p)
        return false;
    *v = p;
    *cap = c;
    return true;
}
#define PUSH(b, vec) (grow((void **)&(b)->vec.v, &(b)->vec.cap, (b)->vec.n, sizeof *(b)->vec.v) \
                      ? &(b)->vec.v[(b)->vec.n++] : NULL)

static int oom(epsos_catalogue_builder *b)
{
    return epsos__err(b->ctx, EPSOS_ENOMEM, "out of memory");
}

/* Duplicate text, NFC-normalized when norm; NULL -> "". */
static char *dup(const char *s, bool norm)
{
    if (!s)
        s = "";
    return norm ? epsos__term_nfc(s) : epsos__strdup(s);
}

static void free_all(epsos_catalogue_builder *b)
{
    for (size_t i = 0; i < b->members.n; i++) {
        member *m = &b->members.v[i];
        epsos__free(m->vs); epsos__free(m->sys); epsos__free(m->code); epsos__free(m->display);
    }
    for (size_t i = 0; i < b->concepts.n; i++) {
        cconcept *c = &b->concepts.v[i];
        epsos__free(c->sys); epsos__free(c->code); epsos__free(c->display);
    }
    for (size_t i = 0; i < b->maps.n; i++) {
        mapping *m = &b->maps.v[i];
        epsos__free(m->ssys); epsos__free(m->scode); epsos__free(m->sdisp); epsos__free(m->vs);
        epsos__free(m->sys); epsos__free(m->code); epsos__free(m->equiv);
    }
    for (size_t i = 0; i < b->desigs.n; i++) {
        desig *d = &b->desigs.v[i];
        epsos__free(d->sys); epsos__free(d->code); epsos__free(d->lang); epsos__free(d->text);
    }
    for (size_t i = 0; i < b->aliases.n; i++) {
        epsos__free(b->aliases.v[i].uri); epsos__free(b->aliases.v[i].oid);
    }
    for (size_t i = 0; i < b->vsets.n; i++) {
        epsos__free(b->vsets.v[i].oid); epsos__free(b->vsets.v[i].name);
        epsos__free(b->vsets.v[i].version);
    }
    epsos__free(b->members.v); epsos__free(b->concepts.v); epsos__free(b->maps.v);
    epsos__free(b->desigs.v); epsos__free(b->aliases.v); epsos__free(b->vsets.v);
}

EPSOS_API int epsos_catalogue_builder_new(epsos_catalogue_builder **out, epsos_ctx *ctx)
{
    if (!out)
        return EPSOS_EINVAL;
    *out = NULL;
    if (!ctx)
        return EPSOS_EINVAL;
    epsos_catalogue_builder *b = epsos__calloc(1, sizeof *b);
    if (!b)
        return epsos__err(ctx, EPSOS_ENOMEM, "out of memory");
    b->ctx = ctx;
    *out = b;
    return EPSOS_OK;
}

EPSOS_API void epsos_catalogue_builder_free(epsos_catalogue_builder *b)
{
    if (!b)
        return;
    free_all(b);
    epsos__free(b);
}

/* --- adding rows ------------------------------------------------------------ */

static bool is_oid(const char *s)
{
    if (!s || !*s)
        return false;
    bool digit = false;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digit = true;
        else if (*p == '.' && digit)
            digit = false;
        else
            return false;
    }
    return digit;
}

/* Starts (or restarts) the definition of a value set in this source. */
static int def_vs(epsos_catalogue_builder *b, const char *oid, const char *name, const char *version)
{
    if (!is_oid(oid))
        return epsos__err(b->ctx, EPSOS_EVALUE, "%s: value set id \"%s\": expected an OID",
                          b->name, oid ? oid : "");
    for (size_t i = 0; i < b->vsets.n; i++) {
        vsdef *v = &b->vsets.v[i];
        if (strcmp(v->oid, oid) == 0) {
            if (v->gen != b->gen) {
                /* a later source replaces the definition: drop older members */
                size_t o = 0;
                for (size_t j = 0; j < b->members.n; j++) {
                    member *m = &b->members.v[j];
                    if (strcmp(m->vs, oid) == 0) {
                        epsos__free(m->vs); epsos__free(m->sys); epsos__free(m->code);
                        epsos__free(m->display);
                    } else {
                        b->members.v[o++] = *m;
                    }
                }
                b->members.n = o;
                v->gen = b->gen;
            }
            if (name && *name) {
                char *n = dup(name, true);
                if (!n)
                    return oom(b);
                epsos__free(v->name);
                v->name = n;
            }
            if (version && *version) {
                char *n = dup(version, false);
                if (!n)
                    return oom(b);
                epsos__free(v->version);
                v->version = n;
            }
            return EPSOS_OK;
        }
    }
    vsdef *v = PUSH(b, vsets);
    if (!v)
        return oom(b);
    v->oid = dup(oid, false);
    v->name = dup(name, true);
    v->version = dup(version, false);
    v->gen = b->gen;
    if (!v->oid || !v->name || !v->version)
        return oom(b);
    return EPSOS_OK;
}

static int text_ok(epsos_catalogue_builder *b, const char *what, const char *s, int32_t line)
{
    if (s && !epsos__term_utf8(s, strlen(s)))
        return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                             "%s line %d: %s is not valid UTF-8", b->name, (int)line, what);
    return EPSOS_OK;
}

static int code_ok(epsos_catalogue_builder *b, const char *what, const char *s, int32_t line)
{
    if (!s || !*s)
        return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL, "%s line %d: %s is empty",
                             b->name, (int)line, what);
    for (const char *p = s; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                                 "%s line %d: %s \"%s\" contains a control character",
                                 b->name, (int)line, what, s);
    return text_ok(b, what, s, line);
}

static int add_concept(epsos_catalogue_builder *b, const char *sys, const char *code,
                       const char *display, int32_t line)
{
    int rc;
    if ((rc = code_ok(b, "code system", sys, line)) || (rc = code_ok(b, "code", code, line)) ||
        (rc = text_ok(b, "display", display, line)))
        return rc;
    cconcept *c = PUSH(b, concepts);
    if (!c)
        return oom(b);
    c->sys = dup(sys, false);
    c->code = dup(code, false);
    c->display = dup(display, true);
    c->seq = b->seq++;
    if (!c->sys || !c->code || !c->display)
        return oom(b);
    return EPSOS_OK;
}

static int add_member(epsos_catalogue_builder *b, const char *vs, const char *sys,
                      const char *code, const char *display, int32_t line)
{
    int rc = add_concept(b, sys, code, display, line);
    if (rc)
        return rc;
    member *m = PUSH(b, members);
    if (!m)
        return oom(b);
    m->vs = dup(vs, false);
    m->sys = dup(sys, false);
    m->code = dup(code, false);
    m->display = dup(display, true);
    m->seq = b->seq++;
    if (!m->vs || !m->sys || !m->code || !m->display)
        return oom(b);
    return EPSOS_OK;
}

static int add_desig(epsos_catalogue_builder *b, const char *sys, const char *code,
                     const char *lang, const char *text, int32_t line)
{
    int rc;
    char canon[80];
    if ((rc = code_ok(b, "code system", sys, line)) || (rc = code_ok(b, "code", code, line)) ||
        (rc = code_ok(b, "designation", text, line)))
        return rc;
    if (!epsos__term_lang(lang, canon, sizeof canon))
        return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                             "%s line %d: language \"%s\": expected a BCP 47 tag such as de-AT",
                             b->name, (int)line, lang ? lang : "");
    desig *d = PUSH(b, desigs);
    if (!d)
        return oom(b);
    d->sys = dup(sys, false);
    d->code = dup(code, false);
    d->lang = dup(canon, false);
    d->text = dup(text, true);
    d->seq = b->seq++;
    if (!d->sys || !d->code || !d->lang || !d->text)
        return oom(b);
    return EPSOS_OK;
}

static int add_map(epsos_catalogue_builder *b, const char *ssys, const char *scode,
                   const char *sdisp, const char *vs, const char *sys, const char *code,
                   const char *equiv, int32_t line)
{
    int rc;
    if ((rc = code_ok(b, "source system", ssys, line)) ||
        (rc = code_ok(b, "source code", scode, line)) ||
        (rc = text_ok(b, "source display", sdisp, line)) ||
        (rc = code_ok(b, "target system", sys, line)) ||
        (rc = code_ok(b, "target code", code, line)))
        return rc;
    if (vs && *vs && !is_oid(vs))
        return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                             "%s line %d: target value set \"%s\": expected an OID",
                             b->name, (int)line, vs);
    mapping *m = PUSH(b, maps);
    if (!m)
        return oom(b);
    m->ssys = dup(ssys, false);
    m->scode = dup(scode, false);
    m->sdisp = dup(sdisp, true);
    m->vs = dup(vs, false);
    m->sys = dup(sys, false);
    m->code = dup(code, false);
    m->equiv = dup(equiv && *equiv ? equiv : "equivalent", false);
    m->seq = b->seq++;
    if (!m->ssys || !m->scode || !m->sdisp || !m->vs || !m->sys || !m->code || !m->equiv)
        return oom(b);
    return EPSOS_OK;
}

static int add_alias(epsos_catalogue_builder *b, const char *uri, const char *oid, int32_t line)
{
    int rc;
    if ((rc = code_ok(b, "FHIR system", uri, line)))
        return rc;
    if (!is_oid(oid))
        return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                             "%s line %d: code system \"%s\": expected an OID", b->name,
                             (int)line, oid ? oid : "");
    for (size_t i = 0; i < b->aliases.n; i++)
        if (strcmp(b->aliases.v[i].uri, uri) == 0) {
            if (strcmp(b->aliases.v[i].oid, oid) != 0)
                return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                                     "%s line %d: FHIR system %s is already an alias of %s, "
                                     "not %s", b->name, (int)line, uri, b->aliases.v[i].oid, oid);
            return EPSOS_OK;
        }
    alias *a = PUSH(b, aliases);
    if (!a)
        return oom(b);
    a->uri = dup(uri, false);
    a->oid = dup(oid, false);
    if (!a->uri || !a->oid)
        return oom(b);
    return EPSOS_OK;
}

/* --- XML sources ------------------------------------------------------------ */

static const char *xattr(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0 && a->children &&
            a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, name) == 0)
            return "";
    return NULL;
}

static bool named(const xmlNode *n, const char *ns, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && epsos__is_el(n, ns, local);
}

#define FOR_CHILD(c, parent) \
    for (xmlNode *c = (parent)->children; c; c = c->next) if (c->type == XML_ELEMENT_NODE)

static const char *xml_lang(const xmlNode *n)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "lang") == 0 && a->ns &&
            a->ns->href && strcmp((const char *)a->ns->href,
                                  "http://www.w3.org/XML/1998/namespace") == 0 &&
            a->children)
            return (const char *)a->children->content;
    return NULL;
}

static bool english(const char *lang)
{
    return !lang || !*lang || strncmp(lang, "en", 2) == 0;
}

/* IHE SVS: ValueSet/ConceptList[@xml:lang]/Concept. */
static int load_svs_vs(epsos_catalogue_builder *b, xmlNode *vs)
{
    const char *oid = xattr(vs, "id");
    int rc = def_vs(b, oid, xattr(vs, "displayName"), xattr(vs, "version"));
    if (rc)
        return rc;
    FOR_CHILD(cl, vs) {
        if (!named(cl, SVS_NS, "ConceptList"))
            continue;
        const char *lang = xml_lang(cl);
        FOR_CHILD(c, cl) {
            if (!named(c, SVS_NS, "Concept"))
                continue;
            int32_t line = (int32_t)xmlGetLineNo(c);
            const char *code = xattr(c, "code"), *sys = xattr(c, "codeSystem"),
                       *disp = xattr(c, "displayName");
            if (english(lang))
                rc = add_member(b, oid, sys, code, disp, line);
            else if ((rc = add_member(b, oid, sys, code, NULL, line)) == EPSOS_OK && disp && *disp)
                rc = add_desig(b, sys, code, lang, disp, line);
            if (rc)
                return rc;
        }
    }
    return EPSOS_OK;
}

/* ART-DECOR: valueSets/valueSet/conceptList/concept|exception. */
static int load_decor_vs(epsos_catalogue_builder *b, xmlNode *vs)
{
    const char *oid = xattr(vs, "id");
    int rc = def_vs(b, oid, xattr(vs, "name"), xattr(vs, "versionLabel"));
    if (rc)
        return rc;
    FOR_CHILD(cl, vs) {
        if (!named(cl, NULL, "conceptList"))
            continue;
        FOR_CHILD(c, cl) {
            if (!named(c, NULL, "concept") && !named(c, NULL, "exception"))
                continue;
            int32_t line = (int32_t)xmlGetLineNo(c);
            const char *code = xattr(c, "code"), *sys = xattr(c, "codeSystem");
            if ((rc = add_member(b, oid, sys, code, xattr(c, "displayName"), line)))
                return rc;
            FOR_CHILD(d, c) {
                if (!named(d, NULL, "designation"))
                    continue;
                const char *lang = xattr(d, "language"), *t = xattr(d, "displayName");
                if (lang && t && *t && !english(lang) &&
                    (rc = add_desig(b, sys, code, lang, t, (int32_t)xmlGetLineNo(d))))
                    return rc;
            }
        }
    }
    return EPSOS_OK;
}

/* FHIR: the @value of child `name`. */
static const char *fv(const xmlNode *n, const char *name)
{
    FOR_CHILD(c, n)
        if (named(c, FHIR_NS, name))
            return xattr(c, "value");
    return NULL;
}

/* "urn:oid:1.2.3" -> "1.2.3"; anything else as is. */
static const char *strip_oid(const char *s)
{
    return s && strncmp(s, "urn:oid:", 8) == 0 ? s + 8 : s;
}

static const char *fhir_oid(const xmlNode *res)
{
    FOR_CHILD(c, res)
        if (named(c, FHIR_NS, "identifier")) {
            const char *v = strip_oid(fv(c, "value"));
            if (is_oid(v))
                return v;
        }
    const char *u = strip_oid(fv(res, "url"));
    return is_oid(u) ? u : NULL;
}

static int fhir_desigs(epsos_catalogue_builder *b, const xmlNode *concept, const char *sys,
                       const char *code)
{
    FOR_CHILD(d, concept) {
        if (!named(d, FHIR_NS, "designation"))
            continue;
        const char *lang = fv(d, "language"), *t = fv(d, "value");
        int rc;
        if (lang && t && *t && (rc = add_desig(b, sys, code, lang, t, (int32_t)xmlGetLineNo(d))))
            return rc;
    }
    return EPSOS_OK;
}

static int load_fhir_vs(epsos_catalogue_builder *b, xmlNode *res)
{
    const char *oid = fhir_oid(res);
    if (!oid)
        return epsos__err_node(b->ctx, EPSOS_EVALUE, res,
                               "%s: ValueSet without an OID identifier or urn:oid: url", b->name);
    int rc = def_vs(b, oid, fv(res, "name"), fv(res, "version"));
    if (rc)
        return rc;
    FOR_CHILD(comp, res) {
        if (!named(comp, FHIR_NS, "compose"))
            continue;
        FOR_CHILD(inc, comp) {
            if (!named(inc, FHIR_NS, "include"))
                continue;
            const char *sys = strip_oid(fv(inc, "system"));
            FOR_CHILD(c, inc) {
                if (!named(c, FHIR_NS, "concept"))
                    continue;
                const char *code = fv(c, "code");
                if ((rc = add_member(b, oid, sys, code, fv(c, "display"),
                                     (int32_t)xmlGetLineNo(c))) ||
                    (rc = fhir_desigs(b, c, sys, code)))
                    return rc;
            }
        }
    }
    return EPSOS_OK;
}

static int fhir_cs_concepts(epsos_catalogue_builder *b, const xmlNode *parent, const char *sys)
{
    int rc;
    FOR_CHILD(c, parent) {
        if (!named(c, FHIR_NS, "concept"))
            continue;
        const char *code = fv(c, "code");
        if ((rc = add_concept(b, sys, code, fv(c, "display"), (int32_t)xmlGetLineNo(c))) ||
            (rc = fhir_desigs(b, c, sys, code)) || (rc = fhir_cs_concepts(b, c, sys)))
            return rc;
    }
    return EPSOS_OK;
}

static int load_fhir_cs(epsos_catalogue_builder *b, xmlNode *res)
{
    const char *url = fv(res, "url");
    const char *oid = fhir_oid(res);
    int rc;
    if (!url && !oid)
        return epsos__err_node(b->ctx, EPSOS_EVALUE, res, "%s: CodeSystem without url", b->name);
    if (url && oid && strcmp(strip_oid(url), oid) != 0 &&
        (rc = add_alias(b, url, oid, (int32_t)xmlGetLineNo(res))))
        return rc;
    return fhir_cs_concepts(b, res, oid ? oid : url);
}

static int load_fhir_cm(epsos_catalogue_builder *b, xmlNode *res)
{
    const char *vs = NULL;
    FOR_CHILD(c, res)
        if (named(c, FHIR_NS, "targetUri") || named(c, FHIR_NS, "targetCanonical"))
            vs = strip_oid(xattr(c, "value"));
    int rc;
    FOR_CHILD(g, res) {
        if (!named(g, FHIR_NS, "group"))
            continue;
        const char *ssys = strip_oid(fv(g, "source")), *tsys = strip_oid(fv(g, "target"));
        FOR_CHILD(e, g) {
            if (!named(e, FHIR_NS, "element"))
                continue;
            const char *scode = fv(e, "code");
            FOR_CHILD(t, e) {
                if (!named(t, FHIR_NS, "target"))
                    continue;
                const char *eq = fv(t, "equivalence");
                if (eq && (!strcmp(eq, "unmatched") || !strcmp(eq, "disjoint")))
                    continue;
                if ((rc = add_map(b, ssys, scode, fv(e, "display"), vs, tsys, fv(t, "code"), eq,
                                  (int32_t)xmlGetLineNo(t))))
                    return rc;
            }
        }
    }
    return EPSOS_OK;
}

static int load_fhir(epsos_catalogue_builder *b, xmlNode *res)
{
    if (named(res, FHIR_NS, "ValueSet"))
        return load_fhir_vs(b, res);
    if (named(res, FHIR_NS, "CodeSystem"))
        return load_fhir_cs(b, res);
    if (named(res, FHIR_NS, "ConceptMap"))
        return load_fhir_cm(b, res);
    if (named(res, FHIR_NS, "Bundle")) {
        FOR_CHILD(e, res) {
            if (!named(e, FHIR_NS, "entry"))
                continue;
            FOR_CHILD(r, e) {
                if (!named(r, FHIR_NS, "resource"))
                    continue;
                FOR_CHILD(x, r) {
                    int rc = load_fhir(b, x);
                    if (rc)
                        return rc;
                }
            }
        }
        return EPSOS_OK;
    }
    return epsos__err_node(b->ctx, EPSOS_EVALUE, res,
                           "%s: FHIR resource %s: expected ValueSet, CodeSystem, ConceptMap "
                           "or Bundle", b->name, (const char *)res->name);
}

static int load_xml(epsos_catalogue_builder *b, const uint8_t *data, size_t len)
{
    xmlDoc *x = epsos__xml_parse(b->ctx, data, len);
    if (!x)
        return b->ctx->errcode ? b->ctx->errcode : EPSOS_EPARSE;
    xmlNode *root = xmlDocGetRootElement(x);
    int rc = EPSOS_OK;
    if (named(root, SVS_NS, "RetrieveValueSetResponse") ||
        named(root, SVS_NS, "RetrieveMultipleValueSetsResponse") ||
        named(root, SVS_NS, "ValueSet")) {
        if (named(root, SVS_NS, "ValueSet"))
            rc = load_svs_vs(b, root);
        else {
            FOR_CHILD(v, root) {
                if (named(v, SVS_NS, "ValueSet") || named(v, SVS_NS, "DescribedValueSet"))
                    if ((rc = load_svs_vs(b, v)))
                        break;
            }
        }
    } else if (named(root, NULL, "ucums")) {
        /* ART-DECOR's UCUM check table: units with message OK are UCUM concepts */
        FOR_CHILD(u, root) {
            const char *unit = xattr(u, "unit"), *m = xattr(u, "message");
            if (named(u, NULL, "ucum") && unit && *unit && m && !strcmp(m, "OK") &&
                (rc = add_concept(b, "2.16.840.1.113883.6.8", unit, xattr(u, "displayName"),
                                  (int32_t)xmlGetLineNo(u))))
                break;
        }
    } else if (named(root, NULL, "valueSets") || named(root, NULL, "valueSet")) {
        if (named(root, NULL, "valueSet"))
            rc = load_decor_vs(b, root);
        else {
            FOR_CHILD(v, root) {
                if (named(v, NULL, "valueSet") && (rc = load_decor_vs(b, v)))
                    break;
            }
        }
    } else if (root && root->ns && root->ns->href &&
               strcmp((const char *)root->ns->href, FHIR_NS) == 0) {
        rc = load_fhir(b, root);
    } else {
        rc = epsos__err_node(b->ctx, EPSOS_EVALUE, root,
                             "%s: root element %s: expected an IHE SVS RetrieveValueSetResponse, "
                             "ART-DECOR valueSets or a FHIR ValueSet/CodeSystem/ConceptMap",
                             b->name, root ? (const char *)root->name : "(none)");
    }
    xmlFreeDoc(x);
    return rc;
}

/* --- TSV sources ------------------------------------------------------------- */

enum { C_VS, C_SYS, C_CODE, C_DISP, C_LANG, C_TEXT, C_SSYS, C_SCODE, C_SDISP, C_TVS, C_TSYS,
       C_TCODE, C_EQUIV, C_URI, C_SYSNAME, C_FHIRSYS, C_TDEN, C_NCOL };

static const char *const col_names[C_NCOL] = {
    "valueset|vs_oid|value_set", "system|codeSystem_oid|code_system|cda_codeSystem_oid",
    "code", "display|display_en|displayName", "language", "designation|text",
    "source_system", "source_code", "source_display|source_display_da|source_display_en",
    "target_valueset|target_value_set", "target_system|target_codeSystem_oid", "target_code",
    "equivalence", "fhir_system_uri|fhir_uri|uri", "codeSystem_name|system_name", "fhir_system",
    "target_denominator",
};

static int col_of(const char *name)
{
    for (int c = 0; c < C_NCOL; c++) {
        const char *p = col_names[c];
        size_t n = strlen(name);
        while (*p) {
            const char *e = strchr(p, '|');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (l == n && strncmp(p, name, n) == 0)
                return c;
            p += l + (e ? 1 : 0);
        }
    }
    return -1;
}

/* "eHDSIUnit(42.16)/..." -> the MVC OID of the first "(42.N" in it. */
static const char *tsv_vs(const char *s, char *buf, size_t len)
{
    if (!s || !*s || is_oid(s))
        return s;
    const char *p = strstr(s, "(42.");
    if (!p)
        return s;
    p += 4;
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n > 4)
        return s;
    snprintf(buf, len, "1.3.6.1.4.1.12559.11.10.1.3.1.42.%.*s", (int)n, p);
    return buf;
}

/* "LMS22 dose form (2.16.17...)" -> "2.16.17..." */
static const char *tsv_sys(const char *s, char *buf, size_t len)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || s[n - 1] != ')')
        return s;
    const char *o = strrchr(s, '(');
    if (!o || (size_t)(s + n - 1 - (o + 1)) >= len)
        return s;
    size_t l = (size_t)(s + n - 1 - (o + 1));
    memcpy(buf, o + 1, l);
    buf[l] = '\0';
    return is_oid(buf) ? buf : s;
}

static int load_tsv(epsos_catalogue_builder *b, const uint8_t *data, size_t len)
{
    if (!epsos__term_utf8((const char *)data, len))
        return epsos__err(b->ctx, EPSOS_EVALUE,
                          "%s: not valid UTF-8 text (a TSV source must be UTF-8 without NUL)",
                          b->name);
    char *text = epsos__malloc(len + 1);
    if (!text)
        return oom(b);
    memcpy(text, data, len);
    text[len] = '\0';
    int col[C_NCOL];
    for (int c = 0; c < C_NCOL; c++)
        col[c] = -1;
    int rc = EPSOS_OK, ncols = 0, kind = 0;
    int32_t line = 0;
    char *save = text;
    enum { K_MEMBERS = 1, K_DESIGS, K_MAPS, K_ALIASES };
    while (save && *save && rc == EPSOS_OK) {
        char *l = save;
        char *nl = strchr(l, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        size_t ll = strlen(l);
        if (ll && l[ll - 1] == '\r')
            l[--ll] = '\0';
        line++;
        if (!ll || l[0] == '#')
            continue;
        char *f[64];
        int nf = 0;
        for (char *p = l;; ) {
            if (nf == 64) {
                rc = epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                                   "%s line %d: more than 64 columns", b->name, (int)line);
                break;
            }
            f[nf++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = '\0';
            p = t + 1;
        }
        if (rc)
            break;
        if (!kind) { /* header row */
            for (int i = 0; i < nf; i++) {
                int c = col_of(f[i]);
                if (c >= 0 && col[c] < 0)
                    col[c] = i;
            }
            ncols = nf;
            static const struct { int kind; int need[6]; const char *what; } kinds[] = {
                { K_MAPS, { C_SSYS, C_SCODE, C_TVS, C_TSYS, C_TCODE, -1 },
                  "source_system, source_code, target_valueset, target_system, target_code" },
                { K_DESIGS, { C_SYS, C_CODE, C_LANG, C_TEXT, -1 },
                  "system, code, language, designation" },
                { K_ALIASES, { C_SYS, C_URI, -1 }, "system, fhir_system_uri" },
                { K_MEMBERS, { C_VS, C_SYS, C_CODE, C_DISP, -1 },
                  "valueset, system, code, display" },
            };
            /* the kind is told by its key column; then every column it needs must be there */
            int key = col[C_SSYS] >= 0 || col[C_TCODE] >= 0 ? 0 : col[C_LANG] >= 0 ? 1
                    : col[C_URI] >= 0 ? 2 : col[C_VS] >= 0 ? 3 : -1;
            if (key < 0) {
                rc = epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                                   "%s line %d: header row names no known column: expected a "
                                   "mapping, designation, alias or value-set TSV "
                                   "(epsos-catalogue(5))", b->name, (int)line);
                break;
            }
            for (int i = 0; kinds[key].need[i] >= 0; i++)
                if (col[kinds[key].need[i]] < 0) {
                    rc = epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                                       "%s line %d: missing column %.*s: this TSV needs %s",
                                       b->name, (int)line,
                                       (int)strcspn(col_names[kinds[key].need[i]], "|"),
                                       col_names[kinds[key].need[i]], kinds[key].what);
                    break;
                }
            kind = kinds[key].kind;
            continue;
        }
        if (nf != ncols) {
            rc = epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                               "%s line %d: %d columns where the header has %d", b->name,
                               (int)line, nf, ncols);
            break;
        }
#define F(c) (col[c] >= 0 ? f[col[c]] : NULL)
        char b1[128], b2[128];
        switch (kind) {
        case K_MAPS: {
            if (!*F(C_TCODE) && !*F(C_TSYS))
                break; /* an explicitly unmapped national code */
            /* a national strength unit is a ratio (LMS15 "GML" g/ml -> g over mL):
             * its target is the UCUM quotient, never the numerator alone */
            const char *tc = F(C_TCODE), *den = F(C_TDEN);
            char b3[300];
            if (den && *den && strcmp(den, "1") != 0 && *tc) {
                snprintf(b3, sizeof b3, "%s/%s", tc, den);
                tc = b3;
            }
            rc = add_map(b, tsv_sys(F(C_SSYS), b1, sizeof b1), F(C_SCODE), F(C_SDISP),
                         tsv_vs(F(C_TVS), b2, sizeof b2), F(C_TSYS), tc, F(C_EQUIV), line);
            break;
        }
        case K_DESIGS:
            /* a national system without an OID is named by codeSystem_name */
            rc = add_desig(b, *F(C_SYS) || !F(C_SYSNAME) ? F(C_SYS) : F(C_SYSNAME), F(C_CODE),
                           F(C_LANG), F(C_TEXT), line);
            break;
        case K_ALIASES:
            if (*F(C_URI) && is_oid(F(C_SYS)))
                rc = add_alias(b, F(C_URI), F(C_SYS), line);
            break;
        case K_MEMBERS: {
            const char *vs = F(C_VS);
            bool known = false;
            for (size_t i = 0; i < b->vsets.n && !known; i++)
                known = strcmp(b->vsets.v[i].oid, vs) == 0 && b->vsets.v[i].gen == b->gen;
            if (!known)
                rc = def_vs(b, vs, NULL, NULL);
            if (!rc)
                /* a row without a CDA OID falls back to its FHIR system URI */
                rc = add_member(b, vs, *F(C_SYS) || !F(C_FHIRSYS) ? F(C_SYS) : F(C_FHIRSYS),
                                F(C_CODE), F(C_DISP), line);
            break;
        }
        }
#undef F
    }
    if (!rc && !kind)
        rc = epsos__err(b->ctx, EPSOS_EVALUE, "%s: empty TSV: expected a header row", b->name);
    epsos__free(text);
    return rc;
}

/* --- the Danish LMS fixed-width files -------------------------------------
 * The Danish Medicines Agency's LMS files (ftp.medicinpriser.dk), as the
 * Danish NCP loads them: fixed-width records, CRLF, cp850.  Columns count
 * characters:
 *   LMS22 (dose forms): code [0,7), Danish text [7,107), A/I flag [107]
 *   LMS15 (units): type [0] (1 time, 3 strength, 4 package), code [1,4),
 *                  short text [4,14), text [14,64)
 * Each record is a concept of the national code system with its Danish
 * text as display and as a "da" designation.  LMS22 is named by its OID
 * 2.16.17.710.802.1000.990.1.20.22; LMS15 has none: its systems are named
 * "LMS15 package unit (type 4)" etc., the names the mapping TSV uses. */
#define LMS22_OID "2.16.17.710.802.1000.990.1.20.22"

/* Copies code points [from, to) of a UTF-8 line into buf, trailing spaces
 * trimmed; false if the line is shorter than from. */
static bool cp_field(const char *line, size_t from, size_t to, char *buf, size_t cap)
{
    const unsigned char *p = (const unsigned char *)line;
    size_t cp = 0, o = 0;
    for (; *p && cp < to; cp++) {
        size_t n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
        if (cp >= from) {
            if (o + n >= cap)
                return false;
            memcpy(buf + o, p, n);
            o += n;
        }
        for (size_t i = 0; i < n && *p; i++)
            p++;
    }
    if (cp < from)
        return false;
    while (o && buf[o - 1] == ' ')
        o--;
    buf[o] = '\0';
    return true;
}

enum { LMS_NONE, LMS_22, LMS_15 };

/* Is every line of the text (UTF-8, or bytes of a single-byte charset:
 * one byte = one character) an LMS22 or an LMS15 record? */
static int lms_kind(const char *t, size_t len, bool bytes)
{
    int kind = LMS_NONE;
    size_t lines = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - t) : len, l = e - i;
        if (l && t[i + l - 1] == '\r')
            l--;
        if (l) {
            size_t n = 0;
            if (bytes)
                n = l;
            else
                for (size_t k = 0; k < l; k++)
                    n += ((unsigned char)t[i + k] & 0xc0) != 0x80;
            int k;
            if (n == 108 && (t[i + l - 1] == 'A' || t[i + l - 1] == 'I') && t[i] != ' ')
                k = LMS_22;
            else if (n >= 14 && n <= 66 && t[i] >= '0' && t[i] <= '9' && t[i + 1] != ' ')
                k = LMS_15;
            else
                return LMS_NONE;
            if (kind && k != kind)
                return LMS_NONE;
            kind = k;
            lines++;
        }
        i = e + 1;
    }
    return lines ? kind : LMS_NONE;
}

static int load_lms(epsos_catalogue_builder *b, const char *text, int kind)
{
    int rc = EPSOS_OK;
    int32_t line = 0;
    char rec_[1024], code[64], disp[512], type[8];
    for (const char *p = text; *p && !rc;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        if (l >= sizeof rec_)
            return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL, "%s line %d: record too long",
                                 b->name, (int)line);
        memcpy(rec_, p, l);
        rec_[l] = '\0';
        p = nl ? nl + 1 : p + l;      /* before the \r is stripped (a last record
                                         ending in \r looped forever: fuzzing) */
        if (l && rec_[l - 1] == '\r')
            rec_[--l] = '\0';
        if (!l)
            continue;
        if (kind == LMS_22) {
            if (!cp_field(rec_, 0, 7, code, sizeof code) || !cp_field(rec_, 7, 107, disp, sizeof disp))
                return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                                     "%s line %d: not an LMS22 record", b->name, (int)line);
            if ((rc = add_concept(b, LMS22_OID, code, disp, line)) == EPSOS_OK)
                rc = add_desig(b, LMS22_OID, code, "da", disp, line);
        } else {
            if (!cp_field(rec_, 0, 1, type, sizeof type) || !cp_field(rec_, 1, 4, code, sizeof code) ||
                !cp_field(rec_, 14, 64, disp, sizeof disp))
                return epsos__err_at(b->ctx, EPSOS_EVALUE, line, NULL,
                                     "%s line %d: not an LMS15 record", b->name, (int)line);
            if (!*disp)
                cp_field(rec_, 4, 14, disp, sizeof disp);   /* no long text: the short one */
            char sys[64];
            snprintf(sys, sizeof sys, "LMS15 %s unit (type %s)",
                     !strcmp(type, "1") ? "time" : !strcmp(type, "3") ? "substance"
                     : !strcmp(type, "4") ? "package" : "other", type);
            if ((rc = add_concept(b, sys, code, disp, line)) == EPSOS_OK && *disp)
                rc = add_desig(b, sys, code, "da", disp, line);
        }
    }
    return rc;
}

/* text in charset -> UTF-8 (ICU converter; allocated, NUL-terminated) */
static int decode(epsos_catalogue_builder *b, const uint8_t *data, size_t len,
                  const char *charset, char **out, size_t *out_len)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX / 4)
        return epsos__err(b->ctx, EPSOS_ELIMIT, "%s: too large to convert", b->name);
    UErrorCode st = U_ZERO_ERROR;
    UConverter *from = ucnv_open(charset, &st);
    if (U_FAILURE(st))
        return epsos__err(b->ctx, EPSOS_EVALUE, "%s: unknown character set \"%s\"", b->name,
                          charset);
    /* a byte the charset cannot map is an error, not a silent U+FFFD */
    ucnv_setToUCallBack(from, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    int32_t cap = (int32_t)len * 3 + 1;
    char *u8 = epsos__malloc((size_t)cap + 1);
    UConverter *to = u8 ? ucnv_open("UTF-8", &st) : NULL;
    int32_t n = 0;
    if (u8 && to && U_SUCCESS(st)) {
        char *t = u8;
        const char *src = (const char *)data;
        ucnv_convertEx(to, from, &t, u8 + cap, &src, src + len, NULL, NULL, NULL, NULL, true,
                       true, &st);
        n = (int32_t)(t - u8);
    }
    ucnv_close(to);
    ucnv_close(from);
    if (!u8)
        return oom(b);
    if (U_FAILURE(st)) {
        epsos__free(u8);
        return epsos__err(b->ctx, EPSOS_EVALUE, "%s: not valid %s text (%s)", b->name, charset,
                          u_errorName(st));
    }
    u8[n] = '\0';
    if (memchr(u8, 0, (size_t)n) || !epsos__term_utf8(u8, (size_t)n)) {
        epsos__free(u8);
        return epsos__err(b->ctx, EPSOS_EVALUE, "%s: NUL in the text", b->name);
    }
    *out = u8;
    *out_len = (size_t)n;
    return EPSOS_OK;
}

/* A text source (not XML): its encoding, then LMS or TSV. */
static int load_text(epsos_catalogue_builder *b, const uint8_t *data, size_t len)
{
    const char *charset = b->charset[0] ? b->charset : NULL;
    bool utf8 = epsos__term_utf8((const char *)data, len);
    if (!charset && !utf8 && lms_kind((const char *)data, len, true) != LMS_NONE)
        charset = "ibm-850";        /* what LMS files are written in */
    if (!charset || (utf8 && !strcmp(charset, "UTF-8"))) {
        int k = utf8 ? lms_kind((const char *)data, len, false) : LMS_NONE;
        if (k == LMS_NONE)
            return load_tsv(b, data, len);
        char *t = epsos__malloc(len + 1);
        if (!t)
            return oom(b);
        memcpy(t, data, len);
        t[len] = '\0';
        int rc = load_lms(b, t, k);
        epsos__free(t);
        return rc;
    }
    char *t = NULL;
    size_t n = 0;
    int rc = decode(b, data, len, charset, &t, &n);
    if (rc)
        return rc;
    int k = lms_kind(t, n, false);
    rc = k != LMS_NONE ? load_lms(b, t, k) : load_tsv(b, (const uint8_t *)t, n);
    epsos__free(t);
    return rc;
}

EPSOS_API int epsos_catalogue_builder_set_encoding(epsos_catalogue_builder *b,
                                                   const char *charset)
{
    if (!b)
        return EPSOS_EINVAL;
    epsos__ctx_reset(b->ctx);
    if (!charset || !*charset || !strcmp(charset, "auto")) {
        b->charset[0] = '\0';
        return EPSOS_OK;
    }
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = strlen(charset) < sizeof b->charset ? ucnv_open(charset, &st) : NULL;
    if (!c || U_FAILURE(st)) {
        ucnv_close(c);
        return epsos__err(b->ctx, EPSOS_EVALUE,
                          "character set \"%s\": not known to ICU (e.g. cp850, ISO-8859-1, "
                          "windows-1252, UTF-8)", charset);
    }
    const char *canon = ucnv_getName(c, &st);
    snprintf(b->charset, sizeof b->charset, "%s",
             U_SUCCESS(st) && canon && !strcmp(canon, "UTF-8") ? "UTF-8" : charset);
    ucnv_close(c);
    return EPSOS_OK;
}

EPSOS_API int epsos_catalogue_builder_add(epsos_catalogue_builder *b, const uint8_t *data,
                                          size_t len, const char *name)
{
    if (!b || (!data && len))
        return EPSOS_EINVAL;
    epsos__ctx_reset(b->ctx);
    b->name = name ? name : "source";
    b->gen++;
    size_t i = 0;
    if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    /* on failure, the rows of this source are dropped with the builder's
     * state of before? No: the caller must discard the builder. */
    if (i < len && data[i] == '<')
        return load_xml(b, data, len);
    return load_text(b, data + i, len - i);
}

EPSOS_API int epsos_catalogue_builder_add_file(epsos_catalogue_builder *b, const char *path)
{
    if (!b || !path)
        return EPSOS_EINVAL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return epsos__err(b->ctx, EPSOS_EIO, "%s: cannot open: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = EPSOS_OK;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            if ((uint64_t)cap > b->ctx->max_bytes * 2 + 65536) {
                rc = epsos__err(b->ctx, EPSOS_ELIMIT, "%s: larger than the size limit", path);
                break;
            }
            uint8_t *p = epsos__realloc(buf, cap);
            if (!p) {
                rc = oom(b);
                break;
            }
            buf = p;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f))
                rc = epsos__err(b->ctx, EPSOS_EIO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (!rc)
        rc = epsos_catalogue_builder_add(b, buf, n, path);
    epsos__free(buf);
    return rc;
}

/* --- the writer ---------------------------------------------------------------- */

typedef struct {
    uint8_t *buf;
    size_t len, cap;
    bool failed;
    /* string interning */
    uint32_t *slots;   /* offset + 1 */
    size_t nslots, nstr;
} out_buf;

static void ob_put(out_buf *o, const void *p, size_t n)
{
    if (o->failed)
        return;
    if (o->len + n > o->cap) {
        size_t c = o->cap ? o->cap : 4096;
        while (c < o->len + n)
            c *= 2;
        uint8_t *q = epsos__realloc(o->buf, c);
        if (!q) {
            o->failed = true;
            return;
        }
        o->buf = q;
        o->cap = c;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static void ob_u32(out_buf *o, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    ob_put(o, b, 4);
}

static void ob_align(out_buf *o)
{
    static const uint8_t z[4] = { 0 };
    if (o->len % 4)
        ob_put(o, z, 4 - o->len % 4);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* Interns a string into the pool `o`; returns its offset. */
static uint32_t intern(out_buf *o, const char *s)
{
    if (!s || !*s || o->failed)
        return 0;
    if (o->nstr * 2 >= o->nslots) {
        size_t n = o->nslots ? o->nslots * 2 : 4096;
        uint32_t *sl = epsos__calloc(n, sizeof *sl);
        if (!sl) {
            o->failed = true;
            return 0;
        }
        for (size_t i = 0; i < o->nslots; i++) {
            if (!o->slots[i])
                continue;
            const char *t = (const char *)o->buf + o->slots[i] - 1;
            size_t h = epsos__term_hash(&t, 1) & (n - 1);
            while (sl[h])
                h = (h + 1) & (n - 1);
            sl[h] = o->slots[i];
        }
        epsos__free(o->slots);
        o->slots = sl;
        o->nslots = n;
    }
    size_t h = epsos__term_hash(&s, 1) & (o->nslots - 1);
    while (o->slots[h]) {
        if (strcmp((const char *)o->buf + o->slots[h] - 1, s) == 0)
            return o->slots[h] - 1;
        h = (h + 1) & (o->nslots - 1);
    }
    uint32_t off = (uint32_t)o->len;
    ob_put(o, s, strlen(s) + 1);
    if (o->failed)
        return 0;
    o->slots[h] = off + 1;
    o->nstr++;
    return off;
}

static int cmp_str(const char *a, const char *b) { return strcmp(a, b); }

static int cmp_member(const void *x, const void *y)
{
    const member *a = x, *b = y;
    int c;
    if ((c = cmp_str(a->vs, b->vs)) || (c = cmp_str(a->sys, b->sys)) ||
        (c = cmp_str(a->code, b->code)))
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_concept(const void *x, const void *y)
{
    const cconcept *a = x, *b = y;
    int c;
    if ((c = cmp_str(a->sys, b->sys)) || (c = cmp_str(a->code, b->code)))
        return c;
    /* prefer a concept with a display, then the first seen */
    if (!*a->display != !*b->display)
        return *a->display ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_map(const void *x, const void *y)
{
    const mapping *a = x, *b = y;
    int c;
    if ((c = cmp_str(a->ssys, b->ssys)) || (c = cmp_str(a->scode, b->scode)) ||
        (c = cmp_str(a->vs, b->vs)))
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_desig(const void *x, const void *y)
{
    const desig *a = x, *b = y;
    int c;
    if ((c = cmp_str(a->sys, b->sys)) || (c = cmp_str(a->code, b->code)) ||
        (c = cmp_str(a->lang, b->lang)))
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int cmp_alias(const void *x, const void *y)
{
    return strcmp(((const alias *)x)->uri, ((const alias *)y)->uri);
}

static int cmp_vs(const void *x, const void *y)
{
    return strcmp(((const vsdef *)x)->oid, ((const vsdef *)y)->oid);
}

/* FHIR URIs of systems become their OID (aliases); in place. */
static int resolve(epsos_catalogue_builder *b, char **sys)
{
    for (size_t i = 0; i < b->aliases.n; i++)
        if (strcmp(b->aliases.v[i].uri, *sys) == 0) {
            char *o = epsos__strdup(b->aliases.v[i].oid);
            if (!o)
                return oom(b);
            epsos__free(*sys);
            *sys = o;
            return EPSOS_OK;
        }
    return EPSOS_OK;
}

typedef struct { uint32_t *slots; size_t n; } htab;

static int hash_put(htab *h, uint32_t hash, uint32_t index)
{
    size_t i = hash & (h->n - 1);
    while (h->slots[i])
        i = (i + 1) & (h->n - 1);
    h->slots[i] = index + 1;
    return 0;
}

static size_t pow2_for(size_t n)
{
    size_t s = 8;
    while (s < n * 2)
        s *= 2;
    return s;
}

/* Writes a hash section from the hashes of n records. */
static void write_hash(out_buf *o, const uint32_t *hashes, size_t n, bool *oomp)
{
    htab h = { NULL, pow2_for(n) };
    h.slots = epsos__calloc(h.n, sizeof *h.slots);
    if (!h.slots) {
        *oomp = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        hash_put(&h, hashes[i], (uint32_t)i);
    ob_u32(o, (uint32_t)h.n);
    for (size_t i = 0; i < h.n; i++)
        ob_u32(o, h.slots[i]);
    epsos__free(h.slots);
}

static int sha256(epsos_ctx *ctx, const uint8_t *p, size_t n, uint8_t md[32])
{
    OSSL_LIB_CTX *lc = epsos__ctx_libctx(ctx);
    if (!lc)
        return ctx->errcode;
    EVP_MD *alg = EVP_MD_fetch(lc, "SHA2-256", NULL);
    unsigned len = 0;
    int ok = alg && EVP_Digest(p, n, md, &len, alg, NULL) == 1 && len == 32;
    EVP_MD_free(alg);
    if (!ok) {
        ERR_clear_error();
        return epsos__err(ctx, EPSOS_ERROR, "SHA-256 is not available");
    }
    return EPSOS_OK;
}
epsos_ctx *epsos__term_builder_ctx(epsos_catalogue_builder *b)
{
    return b->ctx;
}

int epsos__term_sha256(epsos_ctx *ctx, const uint8_t *p, size_t n, uint8_t md[32])
{
    return sha256(ctx, p, n, md);
}

EPSOS_API int epsos_catalogue_builder_serialize(uint8_t **out, size_t *out_len,
                                                epsos_catalogue_builder *b)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!out || !out_len || !b)
        return EPSOS_EINVAL;
    epsos__ctx_reset(b->ctx);
    int rc = EPSOS_OK;
    /* resolve FHIR URIs to OIDs */
    for (size_t i = 0; i < b->members.n && !rc; i++)
        rc = resolve(b, &b->members.v[i].sys);
    for (size_t i = 0; i < b->concepts.n && !rc; i++)
        rc = resolve(b, &b->concepts.v[i].sys);
    for (size_t i = 0; i < b->maps.n && !rc; i++)
        if (!(rc = resolve(b, &b->maps.v[i].sys)))
            rc = resolve(b, &b->maps.v[i].ssys);
    for (size_t i = 0; i < b->desigs.n && !rc; i++)
        rc = resolve(b, &b->desigs.v[i].sys);
    if (rc)
        return rc;

    /* (an empty table has a NULL array, which qsort must not be given) */
#define SORT(t, cmp) do { if ((t).n) qsort((t).v, (t).n, sizeof *(t).v, cmp); } while (0)
    SORT(b->members, cmp_member);
    SORT(b->concepts, cmp_concept);
    SORT(b->maps, cmp_map);
    SORT(b->desigs, cmp_desig);
    SORT(b->aliases, cmp_alias);
    SORT(b->vsets, cmp_vs);
#undef SORT

    /* duplicate mappings: same source and value set, another target */
    for (size_t i = 1; i < b->maps.n; i++) {
        mapping *p = &b->maps.v[i - 1], *m = &b->maps.v[i];
        if (!strcmp(p->ssys, m->ssys) && !strcmp(p->scode, m->scode) && !strcmp(p->vs, m->vs) &&
            (strcmp(p->sys, m->sys) || strcmp(p->code, m->code)))
            return epsos__err(b->ctx, EPSOS_EVALUE,
                              "duplicate mapping of %s|%s into value set %s: to %s|%s and to %s|%s",
                              m->ssys, m->scode, *m->vs ? m->vs : "(none)", p->sys, p->code,
                              m->sys, m->code);
    }
    if (b->members.n > UINT32_MAX / 8 || b->concepts.n > UINT32_MAX / 8)
        return epsos__err(b->ctx, EPSOS_ELIMIT, "catalogue too large");

    /* pass 1: strings; records as u32 arrays */
    out_buf s = { 0 };
    intern(&s, "x");         /* make offset 0 the empty string: "" then strings */
    s.len = 0;
    s.nstr = 0;
    memset(s.slots, 0, s.nslots * sizeof *s.slots);
    { static const uint8_t z = 0; ob_put(&s, &z, 1); }

    size_t nm = 0, nc = 0, nmap = 0, nd = 0;
    uint32_t *mrec = epsos__calloc(b->members.n + 1, EPCAT_MEMBER_W * 4);
    uint32_t *crec = epsos__calloc(b->concepts.n + 1, EPCAT_CONCEPT_W * 4);
    uint32_t *maprec = epsos__calloc(b->maps.n + 1, EPCAT_MAP_W * 4);
    uint32_t *drec = epsos__calloc(b->desigs.n + 1, EPCAT_DESIG_W * 4);
    uint32_t *vrec = epsos__calloc(b->vsets.n + 1, EPCAT_VS_W * 4);
    uint32_t *arec = epsos__calloc(b->aliases.n + 1, EPCAT_ALIAS_W * 4);
    uint32_t *hashes = epsos__calloc(b->members.n + b->concepts.n + b->maps.n + b->desigs.n + 1,
                                     4);
    out_buf o = { 0 };
    bool failed = !mrec || !crec || !maprec || !drec || !vrec || !arec || !hashes;
    if (failed)
        goto done;

    for (size_t i = 0; i < b->vsets.n; i++) {
        vsdef *v = &b->vsets.v[i];
        uint32_t *r = vrec + i * EPCAT_VS_W;
        r[0] = intern(&s, v->oid);
        r[1] = intern(&s, v->name);
        r[2] = intern(&s, v->version);
        r[3] = 0;
        r[4] = 0;
    }
    size_t vi = 0;
    for (size_t i = 0; i < b->members.n; i++) {
        member *m = &b->members.v[i];
        if (nm && i > 0) {
            member *p = &b->members.v[i - 1];
            if (!strcmp(p->vs, m->vs) && !strcmp(p->sys, m->sys) && !strcmp(p->code, m->code))
                continue;  /* the same member again (e.g. SVS's doubled concepts) */
        }
        while (vi < b->vsets.n && strcmp(b->vsets.v[vi].oid, m->vs) < 0)
            vi++;
        if (vi < b->vsets.n && strcmp(b->vsets.v[vi].oid, m->vs) == 0) {
            uint32_t *v = vrec + vi * EPCAT_VS_W;
            if (!v[4])
                v[3] = (uint32_t)nm;
            v[4]++;
        }
        uint32_t *r = mrec + nm * EPCAT_MEMBER_W;
        const char *k[3] = { m->vs, m->sys, m->code };
        char *fold = epsos__term_fold(m->display);
        if (!fold) {
            failed = true;
            goto done;
        }
        r[0] = epsos__term_hash(k, 3);
        r[1] = intern(&s, m->vs);
        r[2] = intern(&s, m->sys);
        r[3] = intern(&s, m->code);
        r[4] = intern(&s, m->display);
        r[5] = intern(&s, fold);
        epsos__free(fold);
        nm++;
    }
    for (size_t i = 0; i < b->concepts.n; i++) {
        cconcept *c = &b->concepts.v[i];
        if (i > 0 && !strcmp(b->concepts.v[i - 1].sys, c->sys) &&
            !strcmp(b->concepts.v[i - 1].code, c->code))
            continue;
        uint32_t *r = crec + nc * EPCAT_CONCEPT_W;
        const char *k[2] = { c->sys, c->code };
        r[0] = epsos__term_hash(k, 2);
        r[1] = intern(&s, c->sys);
        r[2] = intern(&s, c->code);
        r[3] = intern(&s, c->display);
        nc++;
    }
    for (size_t i = 0; i < b->maps.n; i++) {
        mapping *m = &b->maps.v[i];
        if (i > 0 && !cmp_str(b->maps.v[i - 1].ssys, m->ssys) &&
            !cmp_str(b->maps.v[i - 1].scode, m->scode) && !cmp_str(b->maps.v[i - 1].vs, m->vs))
            continue;  /* identical duplicate */
        uint32_t *r = maprec + nmap * EPCAT_MAP_W;
        const char *k[2] = { m->ssys, m->scode };
        r[0] = epsos__term_hash(k, 2);
        r[1] = intern(&s, m->ssys);
        r[2] = intern(&s, m->scode);
        r[3] = intern(&s, m->sdisp);
        r[4] = intern(&s, m->vs);
        r[5] = intern(&s, m->sys);
        r[6] = intern(&s, m->code);
        r[7] = intern(&s, m->equiv);
        nmap++;
    }
    for (size_t i = 0; i < b->desigs.n; i++) {
        desig *d = &b->desigs.v[i];
        if (i > 0 && !strcmp(b->desigs.v[i - 1].sys, d->sys) &&
            !strcmp(b->desigs.v[i - 1].code, d->code) && !strcmp(b->desigs.v[i - 1].lang, d->lang))
            continue;  /* the first (preferred) designation per language */
        uint32_t *r = drec + nd * EPCAT_DESIG_W;
        const char *k[3] = { d->sys, d->code, d->lang };
        r[0] = epsos__term_hash(k, 3);
        r[1] = intern(&s, d->sys);
        r[2] = intern(&s, d->code);
        r[3] = intern(&s, d->lang);
        r[4] = intern(&s, d->text);
        nd++;
    }
    for (size_t i = 0; i < b->aliases.n; i++) {
        arec[i * 2] = intern(&s, b->aliases.v[i].uri);
        arec[i * 2 + 1] = intern(&s, b->aliases.v[i].oid);
    }
    if (s.failed || s.len > UINT32_MAX / 2) {
        failed = true;
        goto done;
    }

    /* pass 2: the file */
    {
        uint8_t hdr[EPCAT_HDR] = { 0 };
        ob_put(&o, hdr, sizeof hdr);
        size_t dir = o.len;
        uint8_t dz[16 * EPCAT_NSECT] = { 0 };
        ob_put(&o, dz, sizeof dz);
        struct { const uint32_t *rec; size_t n, w; } tabs[] = {
            { vrec, b->vsets.n, EPCAT_VS_W }, { mrec, nm, EPCAT_MEMBER_W },
            { crec, nc, EPCAT_CONCEPT_W }, { maprec, nmap, EPCAT_MAP_W },
            { drec, nd, EPCAT_DESIG_W }, { arec, b->aliases.n, EPCAT_ALIAS_W },
        };
        static const int ids[] = { EPCAT_S_VALUESETS, EPCAT_S_MEMBERS, EPCAT_S_CONCEPTS,
                                   EPCAT_S_MAPS, EPCAT_S_DESIGS, EPCAT_S_ALIASES };
        static const int hids[] = { 0, EPCAT_S_MEMBER_HASH, EPCAT_S_CONCEPT_HASH, EPCAT_S_MAP_HASH,
                                    EPCAT_S_DESIG_HASH, 0 };
        uint32_t secoff[EPCAT_NSECT + 1] = { 0 }, seclen[EPCAT_NSECT + 1] = { 0 },
                 seccnt[EPCAT_NSECT + 1] = { 0 };
        secoff[EPCAT_S_STRINGS] = (uint32_t)o.len;
        ob_put(&o, s.buf, s.len);
        seclen[EPCAT_S_STRINGS] = (uint32_t)s.len;
        seccnt[EPCAT_S_STRINGS] = (uint32_t)s.nstr + 1;
        ob_align(&o);
        for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
            secoff[ids[t]] = (uint32_t)o.len;
            for (size_t i = 0; i < tabs[t].n * tabs[t].w; i++)
                ob_u32(&o, tabs[t].rec[i]);
            seclen[ids[t]] = (uint32_t)(tabs[t].n * tabs[t].w * 4);
            seccnt[ids[t]] = (uint32_t)tabs[t].n;
            if (hids[t]) {
                for (size_t i = 0; i < tabs[t].n; i++)
                    hashes[i] = tabs[t].rec[i * tabs[t].w];
                size_t before = o.len;
                secoff[hids[t]] = (uint32_t)o.len;
                write_hash(&o, hashes, tabs[t].n, &failed);
                seclen[hids[t]] = (uint32_t)(o.len - before);
                seccnt[hids[t]] = (uint32_t)pow2_for(tabs[t].n);
            }
        }
        if (o.failed || failed || o.len > UINT32_MAX) {
            failed = true;
            goto done;
        }
        for (int i = 1; i <= EPCAT_NSECT; i++) {
            uint8_t *d = o.buf + dir + (size_t)(i - 1) * 16;
            put32(d, (uint32_t)i);
            put32(d + 4, secoff[i]);
            put32(d + 8, seclen[i]);
            put32(d + 12, seccnt[i]);
        }
        uint8_t *h = o.buf;
        memcpy(h, EPCAT_MAGIC, 8);
        put32(h + 8, EPSOS_CATALOGUE_FORMAT);
        put32(h + 12, 0);
        put32(h + 16, (uint32_t)o.len);
        put32(h + 20, 0);
        put32(h + 24, EPCAT_NSECT);
        put32(h + 28, 0);
        if ((rc = sha256(b->ctx, o.buf + EPCAT_HDR, o.len - EPCAT_HDR, h + 32)) != EPSOS_OK)
            goto done;
    }
done:
    epsos__free(mrec); epsos__free(crec); epsos__free(maprec); epsos__free(drec);
    epsos__free(vrec); epsos__free(arec); epsos__free(hashes);
    epsos__free(s.buf); epsos__free(s.slots);
    if (!rc && failed)
        rc = oom(b);
    if (rc) {
        epsos__free(o.buf);
        return rc;
    }
    *out = o.buf;
    *out_len = o.len;
    return EPSOS_OK;
}
