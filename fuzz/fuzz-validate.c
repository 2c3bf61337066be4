/*
 * Fuzz target: parse a document, then validate it (epsos_validate) and read
 * every finding.  The report must be consistent: the counts by severity add
 * up to the total, every finding has a rule, a message and an XPath.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <epsos.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static epsos_ctx *ctx;
    if (!ctx && epsos_ctx_new(&ctx) != EPSOS_OK)
        return 0;
    epsos_doc *doc = NULL;
    if (epsos_doc_parse(&doc, ctx, data, size, 0) != EPSOS_OK)
        return 0;
    epsos_report *rep = NULL;
    if (epsos_validate(&rep, ctx, doc, 0) == EPSOS_OK) {
        size_t n = epsos_report_count(rep, 0);
        if (epsos_report_count(rep, EPSOS_SEV_ERROR) + epsos_report_count(rep, EPSOS_SEV_WARNING) +
                epsos_report_count(rep, EPSOS_SEV_INFO) != n)
            abort();
        for (size_t i = 0; i < n; i++) {
            int32_t sev = epsos_report_severity(rep, i);
            const char *rule = epsos_report_rule(rep, i), *msg = epsos_report_message(rep, i),
                       *xp = epsos_report_xpath(rep, i);
            if (sev < EPSOS_SEV_ERROR || sev > EPSOS_SEV_INFO || !rule || !msg || !xp)
                abort();
            (void)strlen(rule); (void)strlen(msg); (void)strlen(xp);
            (void)epsos_report_line(rep, i);
        }
        if (epsos_report_rule(rep, n) != NULL)        /* out of range: NULL */
            abort();
    } else if (rep) {
        abort();                                      /* *out is NULL on failure */
    }
    epsos_report_free(rep);
    epsos_doc_free(doc);
    return 0;
}
