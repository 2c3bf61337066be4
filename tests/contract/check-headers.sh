#!/bin/sh
# Contract: each public header compiles alone as C99 and as C++11, with every
# warning an error, and includes no header of libxml2, OpenSSL or ICU.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
CC=${CC:-cc}; CXX=${CXX:-c++}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
for h in "$top"/include/epsos.h "$top"/include/epsos/*.h; do
  rel=${h#"$top/include/"}
  if grep -nE '#[[:space:]]*include[[:space:]]*[<"](libxml|openssl|unicode)/' "$h"; then
    echo "FAIL: $rel includes a dependency's header"; fail=1
  fi
  printf '#include <%s>\nint epsos_header_test_%s;\n' "$rel" "$(echo "$rel" | tr -c 'a-z0-9\n' _)" > "$tmp/t.c"
  if ! $CC -std=c99 -pedantic -Wall -Wextra -Werror -I"$top/include" -c "$tmp/t.c" -o "$tmp/t.o"; then
    echo "FAIL: $rel does not compile alone as C99"; fail=1
  fi
  cp "$tmp/t.c" "$tmp/t.cc"
  if ! $CXX -std=c++11 -pedantic -Wall -Wextra -Werror -I"$top/include" -c "$tmp/t.cc" -o "$tmp/t.o"; then
    echo "FAIL: $rel does not compile alone as C++11"; fail=1
  fi
  n=$((n + 1))
done
[ $fail -eq 0 ] && echo "ok: $n public headers compile alone as C99 and C++11"
exit $fail
