/* libepsos: one-time initialisation, versions, status texts. */
#include "config.h"
#include <pthread.h>
#include <libxml/parser.h>
#include "internal.h"
#include "../model/table.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status = EPSOS_OK;

static void do_init(void)
{
    xmlInitParser();               /* idempotent; needed before threads on libxml2 < 2.14 */
    init_status = epsos__table_init();
}

EPSOS_API int epsos_init(void)
{
    pthread_once(&init_once, do_init);
    return init_status;
}

EPSOS_API const char *epsos_version_string(void) { return PACKAGE_VERSION; }

EPSOS_API int32_t epsos_version_number(void)
{
    return EPSOS_VERSION_NUMBER;
}

EPSOS_API const char *epsos_strerror(int status)
{
    switch (status) {
    case EPSOS_OK:        return "success";
    case EPSOS_ERROR:     return "error";
    case EPSOS_ENOMEM:    return "out of memory";
    case EPSOS_EINVAL:    return "invalid argument";
    case EPSOS_EPARSE:    return "not well-formed XML";
    case EPSOS_ENOTCDA:   return "not an HL7 CDA document";
    case EPSOS_ELIMIT:    return "limit exceeded";
    case EPSOS_EUNSAFE:   return "unsafe XML construct refused";
    case EPSOS_ENOTFOUND: return "not found";
    case EPSOS_ETYPE:     return "wrong field or datatype";
    case EPSOS_EVALUE:    return "invalid value";
    case EPSOS_EIO:       return "input/output error";
    default:              return "unknown status code";
    }
}
