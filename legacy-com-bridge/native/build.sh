#!/usr/bin/env bash
# Builds the native bridge libraries from the same core.wasm as every other host.
#
#   bash legacy-com-bridge/native/build.sh [linux] [win32] [fpc]     (default: all that the machine can)
#
# 1. core-asm/native/build.sh: wasm2c 1.0.32 translation of core-asm/build/core.wasm (out/core.c)
# 2. make: out/libyibao.so, out/libyh_yibao.so and the C tests (gcc);
#          out/yibao32.dll, out/yh_yibao32.dll and 32-bit test exes (i686-w64-mingw32-gcc, if installed);
#          out/yb_fpc_test (fpc, if installed).
# Prints one line per part: "built" / "skipped: <why>". Exits non-zero only when a part that was asked
# for (or that the machine has the compiler for) fails to build.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${YB_BRIDGE_OUT:-$here/out}
mkdir -p "$out"

want_linux=0 want_win32=0 want_fpc=0 explicit=0
for a in "$@"; do
  case "$a" in
    linux) want_linux=1; explicit=1 ;;
    win32) want_win32=1; explicit=1 ;;
    fpc) want_fpc=1; explicit=1 ;;
    *) echo "usage: build.sh [linux] [win32] [fpc]" >&2; exit 2 ;;
  esac
done
if [ "$explicit" = 0 ]; then
  want_linux=1
  command -v "${MINGW:-i686-w64-mingw32-gcc}" >/dev/null 2>&1 && want_win32=1 || echo "win32: skipped: i686-w64-mingw32-gcc not installed (apt-get install mingw-w64 gcc-mingw-w64-i686)"
  command -v "${FPC:-fpc}" >/dev/null 2>&1 && want_fpc=1 || echo "fpc: skipped: fpc not installed (apt-get install fpc)"
fi

[ -f "$repo/core-asm/build/core.wasm" ] || (cd "$repo" && npm run build -w core-asm >/dev/null)
bash "$repo/core-asm/native/build.sh" >/dev/null

# one build at a time (several test files may call this concurrently)
exec 9>"$out/.build.lock"
command -v flock >/dev/null 2>&1 && flock 9

t0=$(date +%s%N)
targets=()
[ "$want_linux" = 1 ] && targets+=(linux)
[ "$want_win32" = 1 ] && targets+=(win32)
[ "$want_fpc" = 1 ] && targets+=(fpc)
jobs=$(nproc 2>/dev/null || echo 2)
make -s -C "$here" -j"$jobs" OUT="$out" "${targets[@]}" >"$out/make.log" 2>&1 || { cat "$out/make.log" >&2; echo "native bridge: build failed" >&2; exit 1; }
t1=$(date +%s%N)
for t in "${targets[@]}"; do echo "$t: built"; done
echo "native bridge: up to date in $out ($(((t1 - t0) / 1000000)) ms)"
