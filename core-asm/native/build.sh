#!/usr/bin/env bash
# Native build of the yibao core: core.wasm --wasm2c 1.0.32--> C --gcc--> libyibao_core.so + ybcall.
#
#   bash core-asm/native/build.sh [--force]
#
# Outputs (core-asm/native/out/, git-ignored):
#   core.c, core.h          wasm2c output (`wasm2c core.wasm -n core`)
#   libyibao_core.so        the C ABI of yb_native.h (yb_core_call, yb_core_version, yb_core_reset)
#   ybcall                  CLI: ybcall OP < input > output (links libyibao_core.so via $ORIGIN rpath)
# Skips all work when the outputs are newer than core.wasm and the sources here.
#
# Environment: CC (default gcc), YB_WASM2C_RT (directory holding wasm-rt.h + wasm-rt-impl.{c,h};
# default: the Debian wabt package's /usr/src/wasm2c), YB_NATIVE_OUT (default: ./out).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pkg=$(dirname "$here")
wasm="$pkg/build/core.wasm"
out=${YB_NATIVE_OUT:-$here/out}
cc=${CC:-gcc}
# The wasm2c runtime counts call depth when the signal handler is off (default limit 500).
# The core recurses at most ~2 frames per JSON nesting level (max 256 levels) plus the ops' own
# frames, so 500 is too tight; 4000 frames of wasm2c code use well under 1 MB of C stack.
max_depth=${YB_MAX_CALL_DEPTH:-4000}
required_wabt=1.0.32

die() { echo "core-asm/native/build.sh: $*" >&2; exit 1; }

force=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    *) die "unknown argument: $a (usage: build.sh [--force])" ;;
  esac
done

[ -f "$wasm" ] || die "missing $wasm: run 'npm run build -w core-asm' first"

lib="$out/libyibao_core.so"
exe="$out/ybcall"
inputs=("$wasm" "$here/yb_native.c" "$here/yb_native.h" "$here/yb_lock.h" "$here/ybcall.c" "$here/build.sh")

up_to_date() {
  [ -f "$lib" ] && [ -f "$exe" ] || return 1
  local f o
  for o in "$lib" "$exe"; do
    for f in "${inputs[@]}"; do
      [ "$o" -nt "$f" ] || return 1
    done
  done
}

if [ "$force" = 0 ] && up_to_date; then
  echo "native: up to date ($lib)"
  exit 0
fi

command -v wasm2c >/dev/null 2>&1 || die "wasm2c not found: install wabt $required_wabt (Debian 12: apt-get install wabt)"
wabt_ver=$(wasm2c --version 2>/dev/null | head -n1 | tr -d '[:space:]')
[ "$wabt_ver" = "$required_wabt" ] ||
  die "wasm2c $required_wabt is required (found '${wabt_ver:-?}'): newer wabt renamed the generated API (Z_core_* -> w2c_core_*) and changed the runtime files"
command -v "$cc" >/dev/null 2>&1 || die "C compiler '$cc' not found (apt-get install gcc)"

# The runtime must be the one that matches wasm2c 1.0.32: all three files from one directory.
rt=${YB_WASM2C_RT:-}
if [ -z "$rt" ]; then
  for d in /usr/src/wasm2c /usr/share/wabt/wasm2c; do
    if [ -f "$d/wasm-rt-impl.c" ] && [ -f "$d/wasm-rt-impl.h" ] && [ -f "$d/wasm-rt.h" ]; then rt=$d; break; fi
  done
fi
[ -n "$rt" ] && [ -f "$rt/wasm-rt-impl.c" ] && [ -f "$rt/wasm-rt.h" ] ||
  die "wasm2c runtime (wasm-rt.h, wasm-rt-impl.c/.h) not found in /usr/src/wasm2c; set YB_WASM2C_RT"

mkdir -p "$out"

# Serialise concurrent builds (e.g. two test processes) when flock is available.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$out/.build.lock"
  flock 9
  if [ "$force" = 0 ] && up_to_date; then echo "native: up to date ($lib)"; exit 0; fi
fi

t0=$(date +%s%N)
tmp=$(mktemp -d "$out/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

wasm2c "$wasm" -n core -o "$tmp/core.c"

defs=(-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 "-DWASM_RT_MAX_CALL_STACK_DEPTH=$max_depth")
incs=(-I"$tmp" -I"$rt" -I"$here")
cflags=(-O2 -fPIC -fvisibility=hidden "${defs[@]}" "${incs[@]}")

# Compile the three units in parallel; generated code is compiled without warnings.
"$cc" "${cflags[@]}" -w -c "$tmp/core.c" -o "$tmp/core.o" &
p1=$!
"$cc" "${cflags[@]}" -w -c "$rt/wasm-rt-impl.c" -o "$tmp/wasm-rt-impl.o" &
p2=$!
"$cc" "${cflags[@]}" -Wall -Wextra -c "$here/yb_native.c" -o "$tmp/yb_native.o" &
p3=$!
rcs=0
wait $p1 || rcs=1
wait $p2 || rcs=1
wait $p3 || rcs=1
[ "$rcs" = 0 ] || die "compilation failed"

"$cc" -shared -fPIC -o "$tmp/libyibao_core.so" -Wl,-soname,libyibao_core.so \
  "$tmp/core.o" "$tmp/wasm-rt-impl.o" "$tmp/yb_native.o" -lm -lpthread
# ybcall links the shared library, found next to it at run time.
"$cc" -O2 -Wall -Wextra -I"$here" -o "$tmp/ybcall" "$here/ybcall.c" \
  -L"$tmp" -lyibao_core -Wl,-rpath,'$ORIGIN'

# Move into place (rename is atomic per file); library first, the exe last, so up_to_date()
# only sees a complete build.
mv -f "$tmp/core.c" "$out/core.c"
mv -f "$tmp/core.h" "$out/core.h"
mv -f "$tmp/libyibao_core.so" "$lib"
mv -f "$tmp/ybcall" "$exe"

t1=$(date +%s%N)
echo "native: built $lib ($(stat -c %s "$lib") bytes) and $exe with wasm2c $wabt_ver + $cc in $(((t1 - t0) / 1000000)) ms"
