/* Internal API shared by yb_dll.c (yibao exports) and yh_dll.c (Yinhai drop-in exports). Not exported. */
#ifndef YB_BRIDGE_H
#define YB_BRIDGE_H

#include <stddef.h>

/* Stable error statuses of the native bridge (host-node/src/errors.ts HOST_ERRORS has the same). */
#define YBE_UNKNOWN_OP 901
#define YBE_INTERNAL 999
#define YBE_BAD_INPUT 1003
#define YBE_AGENT_AUTH 1040        /* the agent's own code (HTTP 401) */
#define YBE_AGENT_UNAVAILABLE 1060 /* nothing was sent */
#define YBE_AGENT_TIMEOUT 1061     /* outcome unknown */
#define YBE_AGENT_REPLY 1062       /* outcome unknown */
#define YBE_AGENT_CONFIG 1063      /* nothing was sent */

/* A result: rc >= 0 is the data length (success), rc < 0 is -status with the error JSON in data.
 * data is malloc'd and NUL-terminated (free with ybi_res_free). */
typedef struct {
  int rc;
  char* data;
  size_t len;
} ybi_res;

void ybi_res_free(ybi_res* r);

/* Error JSON {"status","code","message_zh","message_en","detail"} into r; returns r->rc (-status). */
int ybi_error(ybi_res* r, int status, const char* detail);

/* One core op (yb_core_call_alloc) into r. */
int ybi_core(int op, const char* in, size_t inlen, ybi_res* r);

/* One operation by name (UTF-8), as yb_call. */
int ybi_call(const char* op, const char* in, size_t inlen, ybi_res* r);

/* One agent request: method/path (e.g. "POST", "/v1/settle"), body JSON or NULL. On success r->data
 * is the agent's JSON reply; on failure the error JSON (agent errors passed through). */
int ybi_agent(const char* method, const char* path, const char* body, size_t body_len, ybi_res* r);

/* UTF-8 <-> GBK through the core (ops 10/11). */
int ybi_gbk_to_utf8(const char* in, size_t n, ybi_res* r);
int ybi_utf8_to_gbk(const char* in, size_t n, ybi_res* r);

/* JSON text with every non-ASCII character written as \uXXXX (same JSON value). malloc'd. */
char* ybi_json_ascii(const char* s, size_t n, size_t* outlen);

/* snprintf-style copy of r into out/outcap; returns r->rc. */
int ybi_copy_out(const ybi_res* r, char* out, int outcap);

#endif /* YB_BRIDGE_H */
