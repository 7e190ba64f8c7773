/* yibao native library: yb_call / yb_call_a / yb_config / yb_last_result / yb_version.
 *
 * Offline operations run the core in-process through core-asm/native/yb_native.c (one lock, trap
 * recovery, wasm2c instance); business operations go to the local agent over loopback HTTP
 * (yb_http.c). See yibao.h for the contract and README.md for the operation table.
 */
#define YBX_BUILDING 1
#define YB_NATIVE_INTERNAL 1
#define YB_BUILDING_DLL 1 /* yb_core_* live in this same library */
#include "yibao.h"
#include "yb_bridge.h"
#include "yb_http.h"
#include "yb_json.h"
#include "yb_lock.h"
#include "yb_native.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors --------------------------------------------------------------------------------- */
typedef struct {
  int status;
  const char* code;
  const char* zh;
  const char* en;
} err_def;

static const err_def ERRS[] = {
    {YBE_UNKNOWN_OP, "UNKNOWN_OP", "未知的操作", "unknown operation"},
    {YBE_INTERNAL, "INTERNAL", "内部错误", "internal error"},
    {YBE_BAD_INPUT, "BAD_INPUT", "输入无效", "invalid input"},
    {YBE_AGENT_UNAVAILABLE, "AGENT_UNAVAILABLE", "无法连接本机医保代理服务，请求未发送", "cannot reach the local agent; nothing was sent"},
    {YBE_AGENT_TIMEOUT, "AGENT_TIMEOUT", "本机医保代理服务响应超时，交易结果未知", "the local agent did not answer in time; outcome unknown"},
    {YBE_AGENT_REPLY, "AGENT_REPLY", "本机医保代理服务的应答无法识别，交易结果未知", "the local agent's reply could not be read; outcome unknown"},
    {YBE_AGENT_CONFIG, "AGENT_CONFIG", "未配置或错误配置本机医保代理服务地址，请求未发送", "the agent URL is missing or invalid; nothing was sent"},
    {YBE_AGENT_AUTH, "AGENT_AUTH", "未授权：缺少或错误的访问令牌", "unauthorized: missing or wrong bearer token"},
};

void ybi_res_free(ybi_res* r) {
  free(r->data);
  r->data = NULL;
  r->len = 0;
}

int ybi_error(ybi_res* r, int status, const char* detail) {
  const err_def* d = NULL;
  for (size_t i = 0; i < sizeof ERRS / sizeof ERRS[0]; i++)
    if (ERRS[i].status == status) d = &ERRS[i];
  if (!d) d = &ERRS[1];
  yb_buf b = {0};
  yb_buf_printf(&b, "{\"status\":%d,\"code\":\"%s\",\"message_zh\":\"%s\",\"message_en\":\"%s\"", d->status, d->code, d->zh, d->en);
  if (detail && *detail) {
    yb_buf_puts(&b, ",\"detail\":");
    yb_buf_json_str(&b, detail, strlen(detail));
  }
  yb_buf_putc(&b, '}');
  free(r->data);
  r->data = yb_buf_take(&b, &r->len);
  r->rc = -d->status;
  return r->rc;
}

int ybi_core(int op, const char* in, size_t inlen, ybi_res* r) {
  char* out = NULL;
  int n = yb_core_call_alloc(op, in ? in : "", (int)inlen, &out);
  free(r->data);
  r->data = out;
  r->rc = n;
  if (!out) return ybi_error(r, YBE_INTERNAL, "out of memory");
  r->len = strlen(out); /* raw results (GBK, JSON) never contain NUL; hashes are hexed by the caller */
  if (n >= 0) r->len = (size_t)n;
  return n;
}

int ybi_gbk_to_utf8(const char* in, size_t n, ybi_res* r) { return ybi_core(10, in, n, r); }
int ybi_utf8_to_gbk(const char* in, size_t n, ybi_res* r) { return ybi_core(11, in, n, r); }

int ybi_copy_out(const ybi_res* r, char* out, int outcap) {
  if (out && outcap > 0) {
    size_t k = r->len < (size_t)(outcap - 1) ? r->len : (size_t)(outcap - 1);
    if (k && r->data) memcpy(out, r->data, k);
    out[k] = '\0';
  }
  return r->rc >= 0 ? (int)r->len : r->rc;
}

/* ---- configuration -------------------------------------------------------------------------- */
static yb_mutex_t g_mu = YB_MUTEX_INIT; /* guards the configuration and the last result */
static char* g_url;                     /* NULL = from the environment */
static char* g_token;
static int g_timeout_ms;                /* 0 = from the environment / default */
static ybi_res g_last;

static char* dupz(const char* s) {
  if (!s) return NULL;
  size_t n = strlen(s);
  char* p = (char*)malloc(n + 1);
  if (p) memcpy(p, s, n + 1);
  return p;
}

YBX_API int YBX_CC yb_config(const char* key, const char* value) {
  if (!key) return -YBE_BAD_INPUT;
  int rc = 0;
  yb_mutex_lock(&g_mu);
  if (strcmp(key, "agent_url") == 0) {
    free(g_url);
    g_url = dupz(value);
  } else if (strcmp(key, "agent_token") == 0) {
    free(g_token);
    g_token = dupz(value);
  } else if (strcmp(key, "timeout_ms") == 0) {
    long v = value ? strtol(value, NULL, 10) : 0;
    if (value && (v <= 0 || v > 3600000)) rc = -YBE_BAD_INPUT;
    else g_timeout_ms = (int)v;
  } else {
    rc = -YBE_BAD_INPUT;
  }
  yb_mutex_unlock(&g_mu);
  return rc;
}

static void config_snapshot(char** url, char** token, int* timeout_ms) {
  yb_mutex_lock(&g_mu);
  *url = dupz(g_url ? g_url : getenv("YIBAO_AGENT_URL"));
  *token = dupz(g_token ? g_token : getenv("YIBAO_AGENT_TOKEN"));
  int t = g_timeout_ms;
  if (t <= 0) {
    const char* e = getenv("YIBAO_AGENT_TIMEOUT_MS");
    long v = e ? strtol(e, NULL, 10) : 0;
    t = v > 0 && v <= 3600000 ? (int)v : 60000;
  }
  *timeout_ms = t;
  yb_mutex_unlock(&g_mu);
}

/* ---- agent ---------------------------------------------------------------------------------- */
/* Passes an error object of the agent through: {code,status,...} or {error:{code,status,...}}. */
static int agent_error(ybi_res* r, const yj* body, int http_status) {
  const yj* e = body ? yj_get(body, "error") : NULL;
  if (!e || e->t != YJ_OBJECT) e = body;
  const char* code = e ? yj_gets(e, "code", NULL) : NULL;
  const yj* st = e ? yj_get(e, "status") : NULL;
  long status = st && st->t == YJ_NUMBER ? strtol(st->s, NULL, 10) : 0;
  if (code && *code && status > 0 && status < 100000) {
    yj* c = yj_clone(e);
    /* keep the agent's fields; make sure both message languages exist for simple callers */
    if (!yj_get(c, "message_zh") && yj_get(c, "message")) yj_set_str(c, "message_zh", yj_gets(c, "message", ""));
    if (!yj_get(c, "message_en") && yj_get(c, "message")) yj_set_str(c, "message_en", yj_gets(c, "message", ""));
    free(r->data);
    r->data = yj_dump(c, &r->len);
    yj_free(c);
    r->rc = -(int)status;
    if (!r->data) return ybi_error(r, YBE_INTERNAL, "out of memory");
    return r->rc;
  }
  char detail[200];
  snprintf(detail, sizeof detail, "HTTP %d from the agent without an error object", http_status);
  return ybi_error(r, http_status == 401 || http_status == 403 ? YBE_AGENT_AUTH : YBE_AGENT_REPLY, detail);
}

int ybi_agent(const char* method, const char* path, const char* body, size_t body_len, ybi_res* r) {
  char *url, *token;
  int timeout;
  config_snapshot(&url, &token, &timeout);
  if (!url || !*url) {
    free(url);
    free(token);
    return ybi_error(r, YBE_AGENT_CONFIG, "set YIBAO_AGENT_URL or call yb_config(\"agent_url\", \"http://127.0.0.1:PORT\")");
  }
  yb_http_resp resp;
  char err[300];
  yb_http_rc h = yb_http_request(url, method, path, token, body, body_len, timeout, &resp, err, sizeof err);
  free(url);
  free(token);
  switch (h) {
    case YB_HTTP_OK: break;
    case YB_HTTP_EURL: return ybi_error(r, YBE_AGENT_CONFIG, err);
    case YB_HTTP_ECONNECT: return ybi_error(r, YBE_AGENT_UNAVAILABLE, err);
    case YB_HTTP_ETIMEOUT: return ybi_error(r, YBE_AGENT_TIMEOUT, err);
    case YB_HTTP_ENOMEM: return ybi_error(r, YBE_INTERNAL, "out of memory");
    default: return ybi_error(r, YBE_AGENT_REPLY, err);
  }
  char perr[120];
  yj* j = yj_parse(resp.body, resp.body_len, perr, sizeof perr);
  if (resp.status >= 200 && resp.status < 300) {
    if (!j) {
      char detail[200];
      snprintf(detail, sizeof detail, "HTTP %d, body is not JSON: %s", resp.status, perr);
      free(resp.body);
      return ybi_error(r, YBE_AGENT_REPLY, detail);
    }
    yj_free(j);
    free(r->data);
    r->data = resp.body;
    r->len = resp.body_len;
    r->rc = (int)resp.body_len;
    return r->rc;
  }
  int rc = agent_error(r, j, resp.status);
  yj_free(j);
  free(resp.body);
  return rc;
}

/* GET query string from a flat JSON object: {"states":"unknown","date":"2026-11-02"} -> ?states=...&date=... */
static int query_string(const char* in, size_t inlen, yb_buf* q, ybi_res* r) {
  size_t i = 0;
  while (i < inlen && (in[i] == ' ' || in[i] == '\n' || in[i] == '\r' || in[i] == '\t')) i++;
  if (i == inlen) return 0;
  char err[120];
  yj* j = yj_parse(in, inlen, err, sizeof err);
  if (!j || j->t != YJ_OBJECT) {
    yj_free(j);
    return ybi_error(r, YBE_BAD_INPUT, j ? "query parameters must be a JSON object" : err);
  }
  static const char hex[] = "0123456789ABCDEF";
  int first = 1;
  for (yj* c = j->child; c; c = c->next) {
    const char* v = yj_text(c, NULL);
    if (!v) continue;
    yb_buf_putc(q, first ? '?' : '&');
    first = 0;
    for (int part = 0; part < 2; part++) {
      const unsigned char* s = (const unsigned char*)(part ? v : c->key);
      if (part) yb_buf_putc(q, '=');
      for (; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' || *s == '~')
          yb_buf_putc(q, (char)*s);
        else {
          char e[3] = {'%', hex[*s >> 4], hex[*s & 15]};
          yb_buf_put(q, e, 3);
        }
      }
    }
  }
  yj_free(j);
  return 0;
}

/* ---- operation table ------------------------------------------------------------------------ */
enum { RAW_IN = 1, RAW_OUT = 2, HEX_OUT = 4, AGENT = 8, GET = 16 };

typedef struct {
  const char* name;
  int op;           /* core op, or -1 for agent operations */
  int flags;
  const char* path; /* agent path */
} op_def;

static const op_def OPS[] = {
    {"version", 0, 0, NULL},
    {"presettle", 1, 0, NULL},
    {"classify", 2, 0, NULL},
    {"validate", 3, 0, NULL},
    {"gbk_decode", 10, RAW_IN, NULL},
    {"gbk_encode", 11, RAW_OUT, NULL},
    {"json_parse", 20, 0, NULL},
    {"json_normalize", 20, 0, NULL},
    {"json_print", 21, 0, NULL},
    {"json_numbers_as_strings", 22, 0, NULL},
    {"json_parse_exact", 22, 0, NULL},
    {"xml_parse", 30, RAW_IN, NULL},
    {"xml_print", 31, RAW_OUT, NULL},
    {"xml_print_utf8", 32, 0, NULL},
    {"ini_parse", 40, RAW_IN, NULL},
    {"ini_print", 41, RAW_OUT, NULL},
    {"pipe_parse", 50, RAW_IN, NULL},
    {"pipe_print", 51, RAW_OUT, NULL},
    {"sha256", 60, RAW_IN | HEX_OUT, NULL},
    {"hmac_sha1", 61, HEX_OUT, NULL},
    {"hmac_sha256", 62, HEX_OUT, NULL},
    {"trap", 99, 0, NULL},
    /* business operations: the local agent */
    {"identify", -1, AGENT, "/v1/identify"},
    {"center_presettle", -1, AGENT, "/v1/presettle"},
    {"settle", -1, AGENT, "/v1/settle"},
    {"commit", -1, AGENT, "/v1/commit"},
    {"abort", -1, AGENT, "/v1/abort"},
    {"refund", -1, AGENT, "/v1/refund"},
    {"recover", -1, AGENT, "/v1/recover"},
    {"call", -1, AGENT, "/v1/call"},
    {"journal", -1, AGENT | GET, "/v1/journal"},
    {"health", -1, AGENT | GET, "/v1/health"},
    {"card", -1, AGENT | GET, "/v1/card"},
};

static const op_def* find_op(const char* name) {
  if (!name) return NULL;
  for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
    if (strcmp(OPS[i].name, name) == 0) return &OPS[i];
  return NULL;
}

static int run(const op_def* d, const char* in, size_t inlen, ybi_res* r) {
  if (d->flags & AGENT) {
    if (d->flags & GET) {
      yb_buf path = {0};
      yb_buf_puts(&path, d->path);
      int rc = query_string(in, inlen, &path, r);
      if (rc < 0) {
        yb_buf_free(&path);
        return rc;
      }
      rc = ybi_agent("GET", path.p, NULL, 0, r);
      yb_buf_free(&path);
      return rc;
    }
    /* the body must be JSON: refuse locally, so nothing half-formed reaches the agent */
    char err[120];
    const char* body = inlen ? in : "{}";
    size_t blen = inlen ? inlen : 2;
    yj* j = yj_parse(body, blen, err, sizeof err);
    if (!j) return ybi_error(r, YBE_BAD_INPUT, err);
    yj_free(j);
    return ybi_agent("POST", d->path, body, blen, r);
  }
  int rc = ybi_core(d->op, in, inlen, r);
  if (rc >= 0 && (d->flags & HEX_OUT)) {
    static const char hex[] = "0123456789abcdef";
    char* h = (char*)malloc(r->len * 2 + 1);
    if (!h) return ybi_error(r, YBE_INTERNAL, "out of memory");
    for (size_t i = 0; i < r->len; i++) {
      h[2 * i] = hex[(unsigned char)r->data[i] >> 4];
      h[2 * i + 1] = hex[(unsigned char)r->data[i] & 15];
    }
    h[r->len * 2] = '\0';
    free(r->data);
    r->data = h;
    r->len *= 2;
    r->rc = (int)r->len;
  }
  return r->rc;
}

int ybi_call(const char* op, const char* in, size_t inlen, ybi_res* r) {
  const op_def* d = find_op(op);
  if (!d) return ybi_error(r, YBE_UNKNOWN_OP, op ? op : "(null)");
  return run(d, in, inlen, r);
}

/* ---- UTF-8 JSON -> ASCII JSON (\u escapes) -------------------------------------------------- */
char* ybi_json_ascii(const char* s, size_t n, size_t* outlen) {
  static const char hex[] = "0123456789abcdef";
  yb_buf b = {0};
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      yb_buf_putc(&b, (char)c);
      i++;
      continue;
    }
    unsigned cp = 0xfffd;
    size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (i + k <= n && k > 1) {
      cp = c & (0x7f >> k);
      for (size_t j = 1; j < k; j++) cp = (cp << 6) | ((unsigned char)s[i + j] & 63);
    }
    i += k;
    unsigned units[2];
    int nu = 0;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units[nu++] = 0xd800 + (cp >> 10);
      units[nu++] = 0xdc00 + (cp & 0x3ff);
    } else {
      units[nu++] = cp;
    }
    for (int u = 0; u < nu; u++) {
      char e[6] = {'\\', 'u', hex[(units[u] >> 12) & 15], hex[(units[u] >> 8) & 15], hex[(units[u] >> 4) & 15], hex[units[u] & 15]};
      yb_buf_put(&b, e, 6);
    }
  }
  return yb_buf_take(&b, outlen);
}

/* ---- exports -------------------------------------------------------------------------------- */
static int finish(ybi_res* r, char* out, int outcap) {
  int rc = ybi_copy_out(r, out, outcap);
  yb_mutex_lock(&g_mu);
  ybi_res_free(&g_last);
  g_last = *r; /* keeps the bytes for yb_last_result */
  yb_mutex_unlock(&g_mu);
  return rc;
}

YBX_API const char* YBX_CC yb_version(void) { return yb_core_version(); }

YBX_API int YBX_CC yb_call(const char* op, const char* in, char* out, int outcap) {
  ybi_res r = {0, NULL, 0};
  if (out && outcap > 0) out[0] = '\0';
  ybi_call(op, in, in ? strlen(in) : 0, &r);
  return finish(&r, out, outcap);
}

YBX_API int YBX_CC yb_call_a(const char* op, const char* in, char* out, int outcap) {
  ybi_res r = {0, NULL, 0};
  if (out && outcap > 0) out[0] = '\0';
  const op_def* d = find_op(op);
  size_t inlen = in ? strlen(in) : 0;
  if (!d) {
    ybi_error(&r, YBE_UNKNOWN_OP, op ? op : "(null)");
  } else if (d->flags & RAW_IN) {
    run(d, in, inlen, &r);
  } else {
    ybi_res u = {0, NULL, 0};
    if (ybi_gbk_to_utf8(in, inlen, &u) < 0) {
      r = u; /* GBK_INVALID: the error JSON is ASCII-safe only in its code; converted below */
      u.data = NULL;
    } else {
      run(d, u.data, u.len, &r);
    }
    ybi_res_free(&u);
  }
  int raw_out = d && (d->flags & (RAW_OUT | HEX_OUT)) && r.rc >= 0;
  if (!raw_out) {
    ybi_res g = {0, NULL, 0};
    if (ybi_utf8_to_gbk(r.data ? r.data : "", r.len, &g) >= 0) {
      free(r.data);
      r.data = g.data;
      r.len = g.len;
    } else {
      /* a character GBK cannot hold (emoji ...): the same JSON with \u escapes, never a lost result */
      ybi_res_free(&g);
      size_t al;
      char* a = ybi_json_ascii(r.data ? r.data : "", r.len, &al);
      if (a) {
        free(r.data);
        r.data = a;
        r.len = al;
      }
    }
    if (r.rc >= 0) r.rc = (int)r.len;
  }
  return finish(&r, out, outcap);
}

YBX_API int YBX_CC yb_last_result(char* out, int outcap) {
  yb_mutex_lock(&g_mu);
  int rc = ybi_copy_out(&g_last, out, outcap);
  yb_mutex_unlock(&g_mu);
  return rc;
}
