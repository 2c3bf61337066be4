/* libepsos: HL7 v3 datatype helpers. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <libxml/xmlstring.h>
#include "dt.h"

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int mdays(int y, int m)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && leap(y) ? 29 : d[m - 1];
}

int epsos__ts_parse(const char *s, epsos__ts *t, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    memset(t, 0, sizeof *t);
    t->month = t->day = 1;
    if (!s || !*s) { *why = "empty time stamp"; return -1; }
    size_t n = strspn(s, "0123456789");
    if (n != 4 && n != 6 && n != 8 && n != 10 && n != 12 && n != 14) {
        *why = "expected YYYY[MM[DD[HH[MM[SS]]]]] digits";
        return -1;
    }
    digits(s, 4, &t->year);
    if (n >= 6) digits(s + 4, 2, &t->month);
    if (n >= 8) digits(s + 6, 2, &t->day);
    if (n >= 10) digits(s + 8, 2, &t->hour);
    if (n >= 12) digits(s + 10, 2, &t->minute);
    if (n >= 14) digits(s + 12, 2, &t->second);
    t->precision = (int)n;
    if (t->month < 1 || t->month > 12) { *why = "month out of range 01-12"; return -1; }
    if (t->day < 1 || t->day > mdays(t->year, t->month)) { *why = "day out of range for the month"; return -1; }
    if (t->hour > 23) { *why = "hour out of range 00-23"; return -1; }
    if (t->minute > 59) { *why = "minute out of range 00-59"; return -1; }
    if (t->second > 59) { *why = "second out of range 00-59"; return -1; }
    const char *p = s + n;
    if (*p == '.') {
        if (n != 14) { *why = "a fraction needs seconds"; return -1; }
        size_t f = strspn(p + 1, "0123456789");
        if (f < 1 || f > 4) { *why = "fraction of a second must have 1 to 4 digits"; return -1; }
        int v = 0;
        digits(p + 1, (int)f, &v);
        t->frac = (uint32_t)v;
        t->frac_digits = (int)f;
        p += 1 + f;
    }
    if (*p == '+' || *p == '-') {
        int hh, mm;
        if (strlen(p + 1) != 4 || !digits(p + 1, 2, &hh) || !digits(p + 3, 2, &mm)) {
            *why = "expected date digits YYYYMMDD[HHMM[SS]] and a time zone +HHMM or -HHMM";
            return -1;
        }
        if (hh > 14 || mm > 59) { *why = "time zone offset out of range"; return -1; }
        t->has_tz = true;
        t->tz_minutes = (hh * 60 + mm) * (*p == '-' ? -1 : 1);
        p += 5;
    }
    if (*p) { *why = "unexpected characters after the time stamp"; return -1; }
    return 0;
}

int epsos__ts_format(const epsos__ts *t, char *buf, size_t len)
{
    char tmp[40];
    int v[] = { t->year, t->month, t->day, t->hour, t->minute, t->second };
    int w = 0;
    w += snprintf(tmp + w, sizeof tmp - (size_t)w, "%04d", v[0]);
    for (int i = 1; i < 6 && 4 + 2 * i <= t->precision; i++)
        w += snprintf(tmp + w, sizeof tmp - (size_t)w, "%02d", v[i]);
    if (t->frac_digits > 0)
        w += snprintf(tmp + w, sizeof tmp - (size_t)w, ".%0*u", t->frac_digits, (unsigned)t->frac);
    if (t->has_tz) {
        int m = t->tz_minutes < 0 ? -t->tz_minutes : t->tz_minutes;
        w += snprintf(tmp + w, sizeof tmp - (size_t)w, "%c%02d%02d",
                      t->tz_minutes < 0 ? '-' : '+', m / 60, m % 60);
    }
    if ((size_t)w + 1 > len)
        return -1;
    memcpy(buf, tmp, (size_t)w + 1);
    return w;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t epsos__ts_start_ms(const epsos__ts *t)
{
    int64_t days = days_from_civil(t->year, t->month, t->day);
    int64_t ms = ((days * 24 + t->hour) * 60 + t->minute) * 60000 + (int64_t)t->second * 1000;
    int64_t f = t->frac;
    for (int i = t->frac_digits; i < 3; i++)
        f *= 10;
    for (int i = 3; i < t->frac_digits; i++)
        f /= 10;
    ms += f;
    return ms - (int64_t)t->tz_minutes * 60000;
}

int64_t epsos__ts_end_ms(const epsos__ts *t)
{
    epsos__ts e = *t;
    switch (t->precision) {
    case 4:  e.year++; break;
    case 6:  if (++e.month > 12) { e.month = 1; e.year++; } break;
    default: {
        int64_t unit = t->precision == 8 ? 86400000 : t->precision == 10 ? 3600000
                     : t->precision == 12 ? 60000 : 1000;
        if (t->frac_digits > 0) {
            unit = 1000;
            for (int i = 0; i < t->frac_digits; i++)
                unit /= 10;
            if (unit == 0)
                unit = 1;
        }
        return epsos__ts_start_ms(t) + unit;
    }
    }
    return epsos__ts_start_ms(&e);
}

int epsos__ts_compare(const epsos__ts *a, const epsos__ts *b)
{
    int64_t as = epsos__ts_start_ms(a), ae = epsos__ts_end_ms(a);
    int64_t bs = epsos__ts_start_ms(b), be = epsos__ts_end_ms(b);
    if (as == bs && ae == be)
        return 0;
    if (ae <= bs)
        return -1;
    if (be <= as)
        return 1;
    return 2;
}

/* The pattern of the CDA schema's oid type, [0-2](\.(0|[1-9][0-9]*))*: a
 * single arc ("2", seen as a codeSystem in real prescriptions) is an OID. */
bool epsos__oid_valid(const char *s)
{
    if (!s || (s[0] != '0' && s[0] != '1' && s[0] != '2'))
        return false;
    if (s[1] == '\0')
        return true;
    if (s[1] != '.')
        return false;
    const char *p = s + 2;
    for (;;) {
        size_t n = strspn(p, "0123456789");
        if (n == 0 || (n > 1 && p[0] == '0'))
            return false;
        p += n;
        if (*p == '\0')
            return true;
        if (*p != '.')
            return false;
        p++;
    }
}

bool epsos__uuid_valid(const char *s)
{
    static const int groups[] = { 8, 4, 4, 4, 12 };
    if (!s)
        return false;
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < groups[g]; i++, s++)
            if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
                return false;
        if (g < 4 && *s++ != '-')
            return false;
    }
    return *s == '\0';
}

bool epsos__ii_root_valid(const char *s, const char **why)
{
    if (!s || !*s) { *why = "an II root is required"; return false; }
    if (strlen(s) > 64) { *why = "an II root has at most 64 characters (II.EPSOS)"; return false; }
    if (!epsos__oid_valid(s) && !epsos__uuid_valid(s)) {
        *why = "an II root must be an OID (e.g. 1.3.6.1.4.1.12559) or a UUID";
        return false;
    }
    return true;
}

bool epsos__decimal_valid(const char *s)
{
    if (!s || !*s)
        return false;
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    size_t ip = strspn(p, "0123456789");
    p += ip;
    size_t fp = 0;
    if (*p == '.') {
        fp = strspn(p + 1, "0123456789");
        p += 1 + fp;
    }
    if (ip + fp == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        size_t ep = strspn(p, "0123456789");
        if (ep == 0)
            return false;
        p += ep;
    }
    return *p == '\0';
}

bool epsos__code_valid(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            return false;
    return true;
}

bool epsos__null_flavor_valid(const char *s)
{
    static const char *const nf[] = { "NI", "INV", "DER", "OTH", "NINF", "PINF", "UNC",
        "MSK", "NA", "UNK", "ASKU", "NAV", "NASK", "NAVU", "QS", "TRC", "NP", NULL };
    if (!s)
        return false;
    for (int i = 0; nf[i]; i++)
        if (strcmp(nf[i], s) == 0)
            return true;
    return false;
}

/* Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing over
 * U+10FFFF) of XML characters.  libxml2's xmlCheckUTF8 lets overlong forms
 * such as C0 A3 through, which its parser then refuses: a value accepted
 * here must serialize to a document that parses again. */
bool epsos__xml_text_valid(const char *s)
{
    if (!s)
        return false;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, n;
        uint32_t cp;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return false;
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07;
        else
            return false;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)       /* also stops at the NUL */
                return false;
            cp = cp << 6 | (p[i] & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
            return false;
        p += n + 1;
    }
    return true;
}

bool epsos__tel_valid(const char *s, const char **why)
{
    const char *colon = s ? strchr(s, ':') : NULL;
    if (!colon || colon == s) {
        *why = "a telecom value is a URL: tel:, fax:, mailto:, http: ...";
        return false;
    }
    if (strncmp(s, "tel:", 4) == 0 || strncmp(s, "fax:", 4) == 0) {
        const char *p = colon + 1;
        if (*p == '+')
            p++;
        bool digit = false;
        for (; *p; p++) {
            if (*p >= '0' && *p <= '9')
                digit = true;
            else if (!strchr("().-", *p)) {
                *why = "a tel:/fax: number may contain only digits, ( ) . - and a leading +";
                return false;
            }
        }
        if (!digit) {
            *why = "a tel:/fax: number needs at least one digit";
            return false;
        }
    }
    return true;
}
