#!/bin/sh
# Contract: the library never touches process-wide state of libxml2, OpenSSL
# or ICU that belongs to the host (DESIGN.md section 3): no global cleanup,
# error handlers, entity loaders, allocators or parser defaults.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
forbidden='xmlCleanupParser|xmlMemSetup|xmlGcMemSetup|xmlSetGenericErrorFunc|xmlSetStructuredErrorFunc|initGenericErrorDefaultFunc|xmlSetExternalEntityLoader|xmlRegisterInputCallbacks|xmlRegisterDefaultInputCallbacks|xmlCleanupInputCallbacks|xmlKeepBlanksDefault|xmlSubstituteEntitiesDefault|xmlLoadExtDtdDefaultValue|xmlLineNumbersDefault|xmlPedanticParserDefault|xmlIndentTreeOutput|xmlThrDef[A-Za-z]*|xmlDictCleanup|xmlCleanupGlobals|OPENSSL_cleanup|OPENSSL_init_crypto|CRYPTO_set_mem_functions|ERR_free_strings|EVP_cleanup|u_cleanup|u_setMemoryFunctions|u_setDataDirectory|u_setAtomicIncDecFunctions'
if grep -rnwE "$forbidden" "$top/lib"; then
  echo "FAIL: the calls above change process-wide state of a dependency"
  exit 1
fi
n=$(find "$top/lib" -name '*.c' | wc -l)
echo "ok: none of the process-wide setters or cleanups appears in the $n sources of lib/"
