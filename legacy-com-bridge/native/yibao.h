/* yibao native library (libyibao.so / yibao32.dll): the yibao core in-process for offline operations,
 * the local agent (loopback HTTP) for business operations. Documentation: README.md beside this file.
 *
 *   int yb_call(const char* op, const char* in, char* out, int outcap);    UTF-8 JSON in and out
 *   int yb_call_a(const char* op, const char* in, char* out, int outcap);  the same in GBK (ANSI)
 *
 * op is an operation name as the yibao CLI spells it ("presettle", "classify", "validate",
 * "gbk_encode", "xml_parse", ..., "identify", "settle", "commit", "abort", "recover", "call", ...).
 *
 * Returns like snprintf: n >= 0 is the FULL length of the result; at most outcap-1 bytes were copied
 * and out is NUL-terminated (when outcap > 0). If n >= outcap the result was truncated: read it whole
 * with yb_last_result (never repeat a business call just to get a bigger buffer).
 * n < 0 is -status of an error; out holds the error JSON
 *   {"status":1040,"code":"AGENT_UNAVAILABLE","message_zh":"...","message_en":"...","detail":"..."}
 * (`code` is the stable name to test; see README.md for the table).
 *
 * Thread-safe. On Windows the functions are __stdcall with undecorated names.
 */
#ifndef YIBAO_H
#define YIBAO_H

#ifdef _WIN32
#  define YBX_CC __stdcall
#  ifndef YBX_API
#    ifdef YBX_BUILDING
#      define YBX_API __declspec(dllexport)
#    else
#      define YBX_API __declspec(dllimport)
#    endif
#  endif
#else
#  define YBX_CC
#  ifndef YBX_API
#    define YBX_API __attribute__((visibility("default")))
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Version of the core inside ("0.1.0"). Never NULL; static storage. */
YBX_API const char* YBX_CC yb_version(void);

/** One operation, UTF-8. See the header comment. */
YBX_API int YBX_CC yb_call(const char* op, const char* in, char* out, int outcap);

/** One operation with GBK (code page 936, "ANSI" on Chinese Windows) strings in and out. Inputs that
 *  are raw bytes for the core (xml_parse, ini_parse, pipe_parse, gbk_decode, sha256) and outputs that
 *  are raw GBK (xml_print, ini_print, pipe_print, gbk_encode) pass unchanged. A JSON result with a
 *  character GBK cannot hold is returned with that character \u-escaped (still the same JSON). */
YBX_API int YBX_CC yb_call_a(const char* op, const char* in, char* out, int outcap);

/** The complete result (or error JSON) of this process's last yb_call / yb_call_a, same return. */
YBX_API int YBX_CC yb_last_result(char* out, int outcap);

/** Sets a configuration value; returns 0, or -1003 for an unknown key / bad value.
 *    "agent_url"    base URL of the agent, e.g. "http://127.0.0.1:8765" (env YIBAO_AGENT_URL)
 *    "agent_token"  Bearer token of the agent (env YIBAO_AGENT_TOKEN)
 *    "timeout_ms"   whole-request timeout for agent calls, default 60000 (env YIBAO_AGENT_TIMEOUT_MS)
 *  A NULL value resets the key to its environment value. */
YBX_API int YBX_CC yb_config(const char* key, const char* value);

#ifdef __cplusplus
}
#endif

#endif /* YIBAO_H */
