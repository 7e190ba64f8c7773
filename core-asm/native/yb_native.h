/* yibao core, native build: a C ABI over the wasm2c translation of core-asm/build/core.wasm.
 *
 *   int yb_core_call(int op, const char* in, int inlen, char* out, int outcap);
 *
 * - op: the core op code (0 version, 1 presettle, ...; see core-asm/assembly/index.ts).
 * - in/inlen: the input bytes (UTF-8 JSON, or raw GBK for the GBK/XML ops). inlen < 0 means
 *   "in is NUL-terminated, use strlen(in)". in may be NULL when inlen is 0.
 * - out/outcap: caller-owned buffer. Works like snprintf: at most outcap-1 bytes are copied and
 *   out is always NUL-terminated when outcap > 0. out may be NULL when outcap is 0.
 *
 * Returns
 *   n >= 0        success; n is the FULL result length. If n >= outcap the copy was truncated:
 *                 call again with a buffer of at least n+1 bytes (ops are pure, so a retry gives
 *                 the same bytes).
 *   -1 .. -999    core error -status; out holds the error JSON
 *                 {"status":N,"code":"NAME","message_zh":..,"message_en":..,...} (truncated to
 *                 outcap-1 bytes if the buffer is too small).
 *   <= -1000      the wasm code trapped: -(1000 + wasm_rt_trap_t), e.g. -1005 for `unreachable`.
 *                 out holds {"status":1005,"code":"TRAP",...}. The instance has already been
 *                 freed; the next call runs on a fresh one.
 *
 * All entry points are thread-safe: one global lock serialises them (the wasm2c 1.0.32 runtime
 * keeps a global jmp_buf and call-depth counter, so there is exactly one instance per process).
 *
 * On Windows (mingw) the functions are __stdcall and exported undecorated (-Wl,--kill-at), which
 * is what PowerBuilder / Delphi / VB declarations expect. Elsewhere the default C convention.
 */
#ifndef YB_NATIVE_H
#define YB_NATIVE_H

/* YB_API may be predefined (e.g. empty, to keep these entry points private inside another library). */
#ifdef _WIN32
#  define YB_CC __stdcall
#  if defined(YB_API)
#  elif defined(YB_STATIC)
#    define YB_API
#  elif defined(YB_BUILDING_DLL)
#    define YB_API __declspec(dllexport)
#  else
#    define YB_API __declspec(dllimport)
#  endif
#else
#  define YB_CC
#  ifndef YB_API
#    define YB_API __attribute__((visibility("default")))
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Base of the trap statuses: a trap returns -(YB_TRAP_BASE + trap code). */
#define YB_TRAP_BASE 1000

YB_API int YB_CC yb_core_call(int op, const char* in, int inlen, char* out, int outcap);

/** The core's version string (e.g. "0.1.0"), read once from op 0 and cached. Never NULL. */
YB_API const char* YB_CC yb_core_version(void);

/** Frees the wasm instance (its linear memory). The next call creates a fresh one. */
YB_API void YB_CC yb_core_reset(void);

#ifdef YB_NATIVE_INTERNAL
/** Library-internal, never exported: like yb_core_call, but the whole result (or error JSON) is
 *  copied to a malloc'd, NUL-terminated *out (free() it). Returns the result length or the negative
 *  status. *out is NULL only if memory ran out. Used by legacy-com-bridge/native. */
int yb_core_call_alloc(int op, const char* in, int inlen, char** out);
#endif

#ifdef __cplusplus
}
#endif

#endif /* YB_NATIVE_H */
