#!/usr/bin/env bash
# Sets up a private 32-bit wine (toolchain-notes §3) WITHOUT touching dpkg: the i386 packages are
# downloaded with apt into a scratch directory and unpacked into a private root; the system keeps no
# i386 architecture. Idempotent: prints the ready root and exits 0 when it exists already.
#
#   bash setup-wine32.sh [SCRATCH]     (default: $YB_WINE32_DIR or <repo>/.tmp/wine32, git-ignored)
#
# Last line of output on success: "wine32 ready: <root>". On failure: "wine32 unavailable: <why>" and
# exit 2 (the tests then say plainly that the 32-bit DLL was not run under wine).
# Needs: apt-get (Debian 12), dpkg, patchelf, wine64 (for wineserver64), mingw zlib1.dll.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
S=${1:-${YB_WINE32_DIR:-$repo/.tmp/wine32}}
R=$S/i386root
fail() { echo "wine32 unavailable: $*"; exit 2; }

if [ -x "$R/usr/lib/wine/wine" ] && [ -f "$S/.ready" ]; then echo "wine32 ready: $R"; exit 0; fi
command -v apt-get >/dev/null || fail "no apt-get"
command -v patchelf >/dev/null || fail "no patchelf (apt-get install patchelf)"
[ -x /usr/lib/wine/wineserver64 ] || fail "no /usr/lib/wine/wineserver64 (apt-get install wine64)"
zlib=/usr/i686-w64-mingw32/lib/zlib1.dll
[ -f "$zlib" ] || fail "no $zlib (apt-get install mingw-w64)"

mkdir -p "$S/i386lists/partial" "$S/debs"
o=(-oAPT::Architecture=i386 -oAPT::Architectures=i386 -oDir::State::Lists="$S/i386lists" -oDir::Cache="$S/cache" -oDebug::NoLocking=1)
mkdir -p "$S/cache/archives/partial"
# the security index for i386 may be inconsistent on the mirror (harmless here): ignore the exit code
apt-get "${o[@]}" update >"$S/apt-update.log" 2>&1 || true
( cd "$S/debs" && apt-get "${o[@]}" download wine32 libwine libc6 libgcc-s1 libunwind8 liblzma5 >"$S/apt-download.log" 2>&1 ) ||
  fail "apt-get download of the i386 packages failed (see $S/apt-download.log)"
rm -rf "$R"
for f in "$S"/debs/*.deb; do dpkg -x "$f" "$R" || fail "dpkg -x $f"; done
[ -x "$R/usr/lib/wine/wine" ] || fail "wine32 package has no usr/lib/wine/wine"
cp "$zlib" "$R/usr/lib/i386-linux-gnu/wine/i386-windows/" || fail "cannot copy zlib1.dll"
patchelf --set-interpreter "$R/lib/i386-linux-gnu/ld-linux.so.2" "$R/usr/lib/wine/wine" || fail "patchelf"
export LD_LIBRARY_PATH=$R/usr/lib/i386-linux-gnu:$R/lib/i386-linux-gnu WINEARCH=win32 WINEPREFIX=$S/w32 \
  WINESERVER=/usr/lib/wine/wineserver64 WINEDEBUG=-all
timeout 120 "$R/usr/lib/wine/wine" wineboot -i >"$S/wineboot.log" 2>&1 || true
[ -d "$S/w32/drive_c" ] || fail "wineboot did not create the prefix (see $S/wineboot.log)"
touch "$S/.ready"
echo "wine32 ready: $R"
