/*
 * libepsos - patient identification profiles per country (issue 10) and the
 * check of an identification query against one.  The file format is
 * described in epsos-idprofile(5): tab-separated lines, '#' comments.
 * SPDX-License-Identifier: MIT
 *
 * A parsed profile is immutable: its compiled patterns are only read by
 * regexec(), so one profile may be shared by threads and contexts.
 */
#include "config.h"
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/internal.h"
#include "model/dt.h"
#include "epsos/idprofile.h"

#define NTRAITS 12          /* trait numbers 1 .. 11 */
#define MAX_IDS 64          /* identifier lines of a profile, identifiers of a query */
#define MAX_FINDINGS 128
#define MAX_LINE 1024

enum use { USE_NONE = 0, USE_OPTIONAL, USE_REQUIRED, USE_ONE_OF };

static const char *const trait_names[NTRAITS] = {
    NULL, "identifier", "given-name", "family-name", "birth-date", "gender", "street", "city",
    "postal-code", "country", "birth-place", "mothers-maiden-name",
};
static const char *const trait_labels[NTRAITS] = {
    NULL, "identifier", "given name", "family name", "birth date", "gender", "street",
    "city", "postal code", "country", "birth place", "mother's maiden name",
};

typedef struct {
    char *oid;
    char *label;
    char *pattern;          /* as written, for messages; NULL: any value */
    regex_t re;
    enum use use;
} id_rule;

struct epsos_idprofile {
    char country[3];
    char *name;
    id_rule ids[MAX_IDS];
    size_t nids;
    enum use traits[NTRAITS];
};

struct epsos_idquery {
    epsos_ctx *ctx;
    char *oid[MAX_IDS], *value[MAX_IDS];
    size_t nids;
    char *t[NTRAITS];
};

typedef struct { int32_t kind, trait; char *msg; } finding;

struct epsos_idcheck {
    finding f[MAX_FINDINGS];
    size_t n;
    bool oom;
};

const char *epsos_idprofile_trait_name(int32_t trait)
{
    return trait >= 1 && trait < NTRAITS ? trait_names[trait] : NULL;
}

static bool is_oid(const char *s)
{
    /* dotted decimal, no leading zeros, at least two arcs */
    int arcs = 0;
    const char *p = s;
    while (*p) {
        if (*p < '0' || *p > '9')
            return false;
        if (*p == '0' && p[1] >= '0' && p[1] <= '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
        arcs++;
        if (*p == '.') {
            p++;
            if (!*p)
                return false;
        } else if (*p) {
            return false;
        }
    }
    return arcs >= 2;
}

/* --- profile ---------------------------------------------------------------- */

void epsos_idprofile_free(epsos_idprofile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nids; i++) {
        epsos__free(p->ids[i].oid);
        epsos__free(p->ids[i].label);
        if (p->ids[i].pattern) {
            regfree(&p->ids[i].re);
            epsos__free(p->ids[i].pattern);
        }
    }
    epsos__free(p->name);
    epsos__free(p);
}

const char *epsos_idprofile_country(const epsos_idprofile *p) { return p ? p->country : NULL; }

static int use_of(const char *s)
{
    if (strcmp(s, "required") == 0)
        return USE_REQUIRED;
    if (strcmp(s, "optional") == 0)
        return USE_OPTIONAL;
    if (strcmp(s, "one-of") == 0)
        return USE_ONE_OF;
    return USE_NONE;
}

/* Split line (modified in place) at tabs into at most max fields. */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = 0;
        p = t + 1;
    }
    return n;
}

static int parse_line(epsos_idprofile *p, epsos_ctx *ctx, char *line, int ln, bool *seen_magic)
{
    char *f[6];
    size_t n = split(line, f, 6);
    if (!*seen_magic) {
        if (n != 2 || strcmp(f[0], "epsos-idprofile") != 0 || strcmp(f[1], "1") != 0)
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: expected the header line "
                              "\"epsos-idprofile<TAB>1\"", ln);
        *seen_magic = true;
        return EPSOS_OK;
    }
    if (strcmp(f[0], "country") == 0) {
        if (n != 2 || strlen(f[1]) != 2 || f[1][0] < 'A' || f[1][0] > 'Z' || f[1][1] < 'A' ||
            f[1][1] > 'Z')
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: country: expected one "
                              "ISO 3166-1 alpha-2 code (DK)", ln);
        if (p->country[0])
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: a second country line", ln);
        memcpy(p->country, f[1], 3);
        return EPSOS_OK;
    }
    if (strcmp(f[0], "name") == 0) {
        if (n != 2 || !*f[1] || p->name)
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: name: expected one text, once",
                              ln);
        return (p->name = epsos__strdup(f[1])) ? EPSOS_OK
               : epsos__err(ctx, EPSOS_ENOMEM, "idprofile: out of memory");
    }
    if (strcmp(f[0], "identifier") == 0) {
        if (n < 3 || n > 5)
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: identifier: expected OID, "
                              "use, and optionally a pattern and a label", ln);
        if (!is_oid(f[1]))
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: identifier: \"%s\" is not an "
                              "OID (dotted decimal)", ln, f[1]);
        int use = use_of(f[2]);
        if (!use)
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: identifier: use \"%s\": "
                              "expected required, optional or one-of", ln, f[2]);
        for (size_t i = 0; i < p->nids; i++)
            if (strcmp(p->ids[i].oid, f[1]) == 0)
                return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: identifier %s listed twice",
                                  ln, f[1]);
        if (p->nids == MAX_IDS)
            return epsos__err(ctx, EPSOS_ELIMIT, "idprofile line %d: more than %d identifiers", ln,
                              MAX_IDS);
        id_rule *r = &p->ids[p->nids];
        memset(r, 0, sizeof *r);
        r->use = (enum use)use;
        if (!(r->oid = epsos__strdup(f[1])) ||
            (n == 5 && *f[4] && !(r->label = epsos__strdup(f[4])))) {
            epsos__free(r->oid);
            return epsos__err(ctx, EPSOS_ENOMEM, "idprofile: out of memory");
        }
        if (n >= 4 && *f[3] && strcmp(f[3], "-") != 0) {
            size_t l = strlen(f[3]);
            char *anch = epsos__malloc(l + 5);
            if (!anch || !(r->pattern = epsos__strdup(f[3]))) {
                epsos__free(anch);
                epsos__free(r->oid);
                epsos__free(r->label);
                return epsos__err(ctx, EPSOS_ENOMEM, "idprofile: out of memory");
            }
            snprintf(anch, l + 5, "^(%s)$", f[3]);
            int rc = regcomp(&r->re, anch, REG_EXTENDED | REG_NOSUB);
            epsos__free(anch);
            if (rc != 0) {
                char eb[128];
                regerror(rc, &r->re, eb, sizeof eb);
                epsos__free(r->oid);
                epsos__free(r->label);
                epsos__free(r->pattern);
                return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: identifier %s: pattern "
                                  "\"%s\" is not a POSIX extended regular expression: %s",
                                  ln, f[1], f[3], eb);
            }
        }
        p->nids++;
        return EPSOS_OK;
    }
    if (strcmp(f[0], "trait") == 0) {
        if (n != 3)
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: trait: expected a name and "
                              "a use", ln);
        int t = 2;
        while (t < NTRAITS && strcmp(trait_names[t], f[1]) != 0)
            t++;
        if (t == NTRAITS)
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: unknown trait \"%s\" "
                              "(given-name, family-name, birth-date, gender, street, city, "
                              "postal-code, country, birth-place, mothers-maiden-name)", ln, f[1]);
        int use = use_of(f[2]);
        if (use != USE_REQUIRED && use != USE_OPTIONAL)
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: trait %s: use \"%s\": "
                              "expected required or optional", ln, f[1], f[2]);
        if (p->traits[t])
            return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: trait %s listed twice", ln,
                              f[1]);
        p->traits[t] = (enum use)use;
        return EPSOS_OK;
    }
    return epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: unknown keyword \"%s\" (country, "
                      "name, identifier, trait)", ln, f[0]);
}

int epsos_idprofile_parse(epsos_idprofile **out, epsos_ctx *ctx, const uint8_t *text, size_t len)
{
    if (out)
        *out = NULL;
    if (!out || !ctx || (!text && len))
        return EPSOS_EINVAL;
    epsos_idprofile *p = epsos__calloc(1, sizeof *p);
    if (!p)
        return epsos__err(ctx, EPSOS_ENOMEM, "idprofile: out of memory");
    char line[MAX_LINE + 1];
    size_t pos = 0;
    int ln = 0, rc = EPSOS_OK;
    bool magic = false;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (rc == EPSOS_OK && pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        ln++;
        size_t l = e - pos;
        if (l && text[pos + l - 1] == '\r')
            l--;
        if (l > MAX_LINE) {
            rc = epsos__err(ctx, EPSOS_ELIMIT, "idprofile line %d: longer than %d bytes", ln,
                            MAX_LINE);
            break;
        }
        memcpy(line, text + pos, l);
        line[l] = 0;
        pos = e + 1;
        if (memchr(line, 0, l))
            rc = epsos__err(ctx, EPSOS_EPARSE, "idprofile line %d: NUL byte", ln);
        else if (!epsos__xml_text_valid(line))   /* strict: no overlong forms */
            rc = epsos__err(ctx, EPSOS_EPARSE,
                            "idprofile line %d: not UTF-8 text (or a control character)", ln);
        else if (l && line[0] != '#')
            rc = parse_line(p, ctx, line, ln, &magic);
    }
    if (rc == EPSOS_OK && !magic)
        rc = epsos__err(ctx, EPSOS_EPARSE, "idprofile: empty (expected \"epsos-idprofile<TAB>1\")");
    if (rc == EPSOS_OK && !p->country[0])
        rc = epsos__err(ctx, EPSOS_EPARSE, "idprofile: no country line");
    if (rc == EPSOS_OK && !p->nids)
        rc = epsos__err(ctx, EPSOS_EPARSE, "idprofile %s: no identifier line (a country "
                        "identifies patients by at least one identifier)", p->country);
    if (rc != EPSOS_OK) {
        epsos_idprofile_free(p);
        return rc;
    }
    *out = p;
    return EPSOS_OK;
}

/* --- query -------------------------------------------------------------------- */

int epsos_idquery_new(epsos_idquery **out, epsos_ctx *ctx)
{
    if (out)
        *out = NULL;
    if (!out || !ctx)
        return EPSOS_EINVAL;
    epsos_idquery *q = epsos__calloc(1, sizeof *q);
    if (!q)
        return epsos__err(ctx, EPSOS_ENOMEM, "idquery: out of memory");
    q->ctx = ctx;
    *out = q;
    return EPSOS_OK;
}

void epsos_idquery_free(epsos_idquery *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < q->nids; i++) {
        epsos__free(q->oid[i]);
        epsos__free(q->value[i]);
    }
    for (int i = 0; i < NTRAITS; i++)
        epsos__free(q->t[i]);
    epsos__free(q);
}

static bool text_ok(const char *v)
{
    return *v && epsos__xml_text_valid(v) && !strpbrk(v, "\t\n\r");
}

int epsos_idquery_add_id(epsos_idquery *q, const char *oid, const char *value)
{
    if (!q || !oid || !value)
        return EPSOS_EINVAL;
    if (!is_oid(oid))
        return epsos__err(q->ctx, EPSOS_EVALUE, "idquery: assigning authority \"%s\" is not an "
                          "OID (dotted decimal)", oid);
    if (!text_ok(value))
        return epsos__err(q->ctx, EPSOS_EVALUE, "idquery: identifier of %s: empty, not UTF-8 "
                          "or with a tab or line break", oid);
    if (q->nids == MAX_IDS)
        return epsos__err(q->ctx, EPSOS_ELIMIT, "idquery: more than %d identifiers", MAX_IDS);
    char *o = epsos__strdup(oid), *v = epsos__strdup(value);
    if (!o || !v) {
        epsos__free(o);
        epsos__free(v);
        return epsos__err(q->ctx, EPSOS_ENOMEM, "idquery: out of memory");
    }
    q->oid[q->nids] = o;
    q->value[q->nids++] = v;
    return EPSOS_OK;
}

int epsos_idquery_set(epsos_idquery *q, int32_t trait, const char *value)
{
    if (!q)
        return EPSOS_EINVAL;
    if (trait < 2 || trait >= NTRAITS)
        return epsos__err(q->ctx, EPSOS_EINVAL, "idquery: trait %d is not a demographic trait "
                          "(EPSOS_TRAIT_GIVEN_NAME ..)", (int)trait);
    char *v = NULL;
    if (value) {
        if (!text_ok(value))
            return epsos__err(q->ctx, EPSOS_EVALUE, "idquery: %s: empty, not UTF-8 or with a "
                              "tab or line break", trait_labels[trait]);
        if (!(v = epsos__strdup(value)))
            return epsos__err(q->ctx, EPSOS_ENOMEM, "idquery: out of memory");
    }
    epsos__free(q->t[trait]);
    q->t[trait] = v;
    return EPSOS_OK;
}

/* --- check ---------------------------------------------------------------------- */

static void add(epsos_idcheck *c, int32_t kind, int32_t trait, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(epsos_idcheck *c, int32_t kind, int32_t trait, const char *fmt, ...)
{
    if (c->oom || c->n == MAX_FINDINGS)
        return;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *m = epsos__strdup(buf);
    if (!m) {
        c->oom = true;
        return;
    }
    c->f[c->n].kind = kind;
    c->f[c->n].trait = trait;
    c->f[c->n++].msg = m;
}

static bool is_ts_date(const char *s)
{
    size_t l = strlen(s);
    if (l != 4 && l != 6 && l != 8)
        return false;
    for (size_t i = 0; i < l; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    if (l >= 6) {
        int m = (s[4] - '0') * 10 + (s[5] - '0');
        if (m < 1 || m > 12)
            return false;
    }
    if (l == 8) {
        int d = (s[6] - '0') * 10 + (s[7] - '0');
        if (d < 1 || d > 31)
            return false;
    }
    return true;
}

static const char *label_of(const id_rule *r) { return r->label ? r->label : "identifier"; }

int epsos_idprofile_check(epsos_idcheck **out, epsos_ctx *ctx, const epsos_idprofile *p,
                          const epsos_idquery *q)
{
    if (out)
        *out = NULL;
    if (!out || !ctx || !p || !q)
        return EPSOS_EINVAL;
    epsos_idcheck *c = epsos__calloc(1, sizeof *c);
    if (!c)
        return epsos__err(ctx, EPSOS_ENOMEM, "idprofile check: out of memory");
    const char *cc = p->country;
    /* identifiers of the query: known authority, right form */
    for (size_t i = 0; i < q->nids; i++) {
        const id_rule *r = NULL;
        for (size_t k = 0; k < p->nids && !r; k++)
            if (strcmp(p->ids[k].oid, q->oid[i]) == 0)
                r = &p->ids[k];
        if (!r)
            add(c, EPSOS_IDCHECK_EXTRA, EPSOS_TRAIT_IDENTIFIER,
                "identifier %s^^^&%s&ISO: the assigning authority %s is not one %s identifies "
                "patients by", q->value[i], q->oid[i], q->oid[i], cc);
        else if (r->pattern && regexec(&r->re, q->value[i], 0, NULL, 0) != 0)
            add(c, EPSOS_IDCHECK_BAD_FORMAT, EPSOS_TRAIT_IDENTIFIER,
                "identifier %s of %s (%s, %s) does not have the form %s", q->value[i], r->oid,
                label_of(r), cc, r->pattern);
    }
    /* identifiers of the profile: required ones present, one of the one-of group */
    char group[400] = "";
    bool any_group = false, have_group = false;
    for (size_t k = 0; k < p->nids; k++) {
        const id_rule *r = &p->ids[k];
        bool have = false;
        for (size_t i = 0; i < q->nids && !have; i++)
            have = strcmp(q->oid[i], r->oid) == 0;
        if (r->use == USE_REQUIRED && !have)
            add(c, EPSOS_IDCHECK_MISSING, EPSOS_TRAIT_IDENTIFIER,
                "identifier of assigning authority %s (%s) is required by %s and missing",
                r->oid, label_of(r), cc);
        if (r->use == USE_ONE_OF) {
            size_t gl = strlen(group);
            snprintf(group + gl, sizeof group - gl, "%s%s (%s)", any_group ? ", " : "", r->oid,
                     label_of(r));
            any_group = true;
            have_group |= have;
        }
    }
    if (any_group && !have_group)
        add(c, EPSOS_IDCHECK_MISSING, EPSOS_TRAIT_IDENTIFIER,
            "%s requires one of the identifiers %s; the query has none", cc, group);
    /* demographics */
    for (int t = 2; t < NTRAITS; t++) {
        const char *v = q->t[t];
        if (!v) {
            if (p->traits[t] == USE_REQUIRED)
                add(c, EPSOS_IDCHECK_MISSING, t, "%s is required by %s and missing",
                    trait_labels[t], cc);
            continue;
        }
        if (!p->traits[t]) {
            add(c, EPSOS_IDCHECK_EXTRA, t, "%s \"%s\": not a trait %s identifies patients by",
                trait_labels[t], v, cc);
            continue;
        }
        if (t == EPSOS_TRAIT_BIRTH_DATE && !is_ts_date(v))
            add(c, EPSOS_IDCHECK_BAD_FORMAT, t, "birth date \"%s\" is not YYYY, YYYYMM or YYYYMMDD",
                v);
        else if (t == EPSOS_TRAIT_GENDER && strcmp(v, "M") != 0 && strcmp(v, "F") != 0 &&
                 strcmp(v, "UN") != 0)
            add(c, EPSOS_IDCHECK_BAD_FORMAT, t, "gender \"%s\" is not M, F or UN", v);
        else if (t == EPSOS_TRAIT_COUNTRY &&
                 !(strlen(v) == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z'))
            add(c, EPSOS_IDCHECK_BAD_FORMAT, t, "country \"%s\" is not an ISO 3166-1 alpha-2 "
                "code", v);
    }
    if (c->oom) {
        epsos_idcheck_free(c);
        return epsos__err(ctx, EPSOS_ENOMEM, "idprofile check: out of memory");
    }
    *out = c;
    return EPSOS_OK;
}

size_t epsos_idcheck_count(const epsos_idcheck *c) { return c ? c->n : 0; }

int32_t epsos_idcheck_kind(const epsos_idcheck *c, size_t i)
{
    return c && i < c->n ? c->f[i].kind : 0;
}

int32_t epsos_idcheck_trait(const epsos_idcheck *c, size_t i)
{
    return c && i < c->n ? c->f[i].trait : 0;
}

const char *epsos_idcheck_message(const epsos_idcheck *c, size_t i)
{
    return c && i < c->n ? c->f[i].msg : NULL;
}

void epsos_idcheck_free(epsos_idcheck *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        epsos__free(c->f[i].msg);
    epsos__free(c);
}
