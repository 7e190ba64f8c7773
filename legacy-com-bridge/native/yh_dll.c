/* Drop-in Yinhai 5.0 (Chengdu) exports over the yibao agent: see yh_yibao.h and README.md.
 *
 * Every transaction: GBK XML (control + input) --core xml_parse--> JSON --translate--> one canonical
 * agent request (loopback HTTP) --translate back--> JSON --core xml_print--> GBK XML.
 *
 * The agent's API is bill-oriented (one journaled, two-phase settlement per bill), while Yinhai is
 * step-wise (110 register, 111 upload, 11 settle; 21 admit, 31 upload, 41 pre-settle, 52 settle). The
 * steps before a settlement are therefore kept in a small local visit file (state directory, one
 * JSON file per akc190) and sent with the settlement; person data comes from the agent (03 / 21).
 * Yinhai's own two phases map 1:1: call (11/52) = agent settle (pending), confirm = commit,
 * cancel = abort, getuncertaintytrade = the agent's journal of pending settlements. 12 after a confirm is a
 * refund (agent /v1/refund, journaled); 41 is the center's 2303 in a trial admission (agent /v1/presettle).
 */
#define YH_BUILDING 1
#define YB_NATIVE_INTERNAL 1
#ifndef _WIN32
#define _GNU_SOURCE 1 /* dladdr */
#endif
#include "yh_yibao.h"
#define YBX_API /* the yb_* functions are private inside this library (yb_dll_priv.o) */
#include "yibao.h"
#include "yb_bridge.h"
#include "yb_json.h"
#include "yb_lock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <windows.h>
#define PATH_SEP '\\'
#define getpid_ GetCurrentProcessId
#else
#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>
#define PATH_SEP '/'
#define getpid_ getpid
#endif

#define MSG_CAP 512
#define ID_CAP 64

static yb_mutex_t g_yh = YB_MUTEX_INIT;
static int g_inited = 0;
static char g_pcbh[ID_CAP];
static char g_last_aac001[ID_CAP]; /* the person of the last 03 */
static unsigned g_seq = 0;
static yj* g_ini = NULL; /* yh_yibao.ini beside the library, parsed by the core (ini_parse) */

/* ---- small helpers ------------------------------------------------------------------------ */
static void cpy(char* dst, size_t cap, const char* s) {
  if (!dst) return;
  size_t n = strlen(s);
  if (n >= cap) n = cap - 1;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

/* cuts a GBK string at <= cap-1 bytes without splitting a double-byte character */
static void cpy_gbk(char* dst, size_t cap, const char* s, size_t n) {
  if (!dst) return;
  size_t k = 0;
  while (k < n) {
    size_t w = ((unsigned char)s[k] >= 0x81 && k + 1 < n) ? 2 : 1;
    if (k + w > cap - 1) break;
    k += w;
  }
  memcpy(dst, s, k);
  dst[k] = '\0';
}

/* appmsg from UTF-8 text */
static void set_msg(char* appmsg, int* appcode, int code, const char* utf8) {
  if (appcode) *appcode = code;
  if (!appmsg) return;
  ybi_res g = {0, NULL, 0};
  if (ybi_utf8_to_gbk(utf8, strlen(utf8), &g) >= 0) cpy_gbk(appmsg, MSG_CAP, g.data, g.len);
  else cpy(appmsg, MSG_CAP, utf8);
  ybi_res_free(&g);
}

/* failure message from an error JSON {code, message_zh, detail} */
static void set_err(char* appmsg, int* appcode, const char* what, const ybi_res* r) {
  char buf[1024];
  yj* e = r->data ? yj_parse(r->data, r->len, NULL, 0) : NULL;
  const char* zh = e ? yj_gets(e, "message_zh", yj_gets(e, "message", "")) : "";
  const char* code = e ? yj_gets(e, "code", "") : "";
  const char* detail = e ? yj_gets(e, "detail", "") : "";
  snprintf(buf, sizeof buf, "%s失败：%s [%s]%s%s", what, zh, code, *detail ? " " : "", detail);
  yj_free(e);
  set_msg(appmsg, appcode, -1, buf);
}

static const char* cfg(const char* env, const char* section, const char* key, const char* def) {
  const char* v = getenv(env);
  if (v && *v) return v;
  const yj* s = g_ini ? yj_get(g_ini, section) : NULL;
  const char* t = s ? yj_gets(s, key, NULL) : NULL;
  return t && *t ? t : def;
}

static size_t out_cap(void) {
  long v = strtol(cfg("YH_YIBAO_OUTCAP", "yinhai", "outcap", "65536"), NULL, 10);
  return v > 256 ? (size_t)v : 65536;
}

static void now_text(char* out, size_t cap, const char* fmt) {
  time_t t = time(NULL);
  struct tm tmv;
#ifdef _WIN32
  struct tm* p = localtime(&t);
  if (p) tmv = *p;
  else memset(&tmv, 0, sizeof tmv);
#else
  localtime_r(&t, &tmv);
#endif
  strftime(out, cap, fmt, &tmv);
}

/* fen (integer JSON number or digit string) -> yuan text "12.34"; text with a '.' is already yuan */
static void yuan(const yj* v, char* out, size_t cap) {
  const char* t = yj_text(v, "0");
  if (!*t) t = "0";
  if (strchr(t, '.')) {
    cpy(out, cap, t);
    return;
  }
  long long f = strtoll(t, NULL, 10);
  const char* sign = f < 0 ? "-" : "";
  if (f < 0) f = -f;
  snprintf(out, cap, "%s%lld.%02lld", sign, f / 100, f % 100);
}

static void set_yuan(yj* o, const char* key, const yj* fen) {
  char b[40];
  yuan(fen, b, sizeof b);
  yj_set_str(o, key, b);
}

/* the object itself or its member `key` when that is an object (agent replies may wrap) */
static const yj* unwrap(const yj* v, const char* key) {
  const yj* w = yj_get(v, key);
  return w && w->t == YJ_OBJECT ? w : v;
}

/* rows of a Yinhai list: {"row":[...]} or [...] or a single object */
static const yj* rows_of(const yj* v) {
  if (!v) return NULL;
  const yj* r = yj_get(v, "row");
  return r ? r : v;
}

/* ---- state directory ---------------------------------------------------------------------- */
static void state_path(char* out, size_t cap, const char* kind, const char* id) {
  char dir[512];
  const char* d = cfg("YH_YIBAO_STATE", "yinhai", "state_dir", NULL);
  if (!d) {
    const char* tmp = getenv("TMPDIR");
#ifdef _WIN32
    if (!tmp) tmp = getenv("TEMP");
    if (!tmp) tmp = ".";
#else
    if (!tmp) tmp = "/tmp";
#endif
    snprintf(dir, sizeof dir, "%s%cyh_yibao", tmp, PATH_SEP);
    d = dir;
  }
#ifdef _WIN32
  CreateDirectoryA(d, NULL);
#else
  mkdir(d, 0700);
#endif
  char safe[ID_CAP];
  size_t k = 0;
  for (const char* p = id; *p && k + 1 < sizeof safe; p++)
    if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_') safe[k++] = *p;
  safe[k] = '\0';
  snprintf(out, cap, "%s%c%s_%s.json", d, PATH_SEP, kind, safe);
}

static yj* state_load(const char* kind, const char* id) {
  char p[700];
  state_path(p, sizeof p, kind, id);
  FILE* f = fopen(p, "rb");
  if (!f) return NULL;
  yb_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) yb_buf_put(&b, chunk, n);
  fclose(f);
  yj* v = b.p ? yj_parse(b.p, b.n, NULL, 0) : NULL;
  yb_buf_free(&b);
  return v;
}

static int state_save(const char* kind, const char* id, const yj* v) {
  char p[700], tmp[720];
  state_path(p, sizeof p, kind, id);
  snprintf(tmp, sizeof tmp, "%s.tmp", p);
  size_t len;
  char* s = yj_dump(v, &len);
  if (!s) return 0;
  FILE* f = fopen(tmp, "wb");
  int ok = f && fwrite(s, 1, len, f) == len;
  if (f) ok = fclose(f) == 0 && ok;
  free(s);
  if (!ok) return 0;
#ifdef _WIN32
  return MoveFileExA(tmp, p, MOVEFILE_REPLACE_EXISTING) != 0;
#else
  return rename(tmp, p) == 0;
#endif
}

/* ---- identifiers -------------------------------------------------------------------------- */
static const char* yab003(const yj* ctl, const yj* in) {
  const char* v = yj_gets(ctl, "yab003", "");
  if (!*v) v = yj_gets(in, "yab003", "");
  if (!*v) v = cfg("YH_YIBAO_YAB003", "yinhai", "yab003", "0000");
  return v;
}

/* jylsh: <jybh>C<yab003>SJ<8 hex>, unique per process and time */
static void new_jylsh(char* out, size_t cap, const char* jybh, const char* yab) {
  unsigned v = (unsigned)time(NULL) * 2654435761u ^ ((unsigned)getpid_() << 16) ^ (++g_seq * 40503u);
  snprintf(out, cap, "%sC%.4sSJ%08X", jybh, yab, v);
}

/* jyyzm: 9 digits derived from jylsh (sha256 through the core), so a confirm after a restart checks */
static void jyyzm_of(const char* jylsh, char* out, size_t cap) {
  ybi_res r = {0, NULL, 0};
  char in[128];
  snprintf(in, sizeof in, "yh_yibao-jyyzm:%s", jylsh);
  unsigned long long v = 0;
  if (ybi_core(60, in, strlen(in), &r) >= 32)
    for (int i = 0; i < 8; i++) v = (v << 8) | (unsigned char)r.data[i];
  ybi_res_free(&r);
  snprintf(out, cap, "%09llu", v % 1000000000ull);
}

/* akc190: 17 digits, yyyyMMddHHmmss + 3 */
static void new_akc190(char* out, size_t cap) {
  char t[20];
  now_text(t, sizeof t, "%Y%m%d%H%M%S");
  snprintf(out, cap, "%s%03u", t, (unsigned)((getpid_() * 7u + ++g_seq) % 1000u));
}

/* ---- XML through the core ----------------------------------------------------------------- */
/* GBK (or UTF-8) XML -> the value of its root element; "" / NULL -> empty object */
static yj* xml_in(const char* xml, ybi_res* err) {
  const char* p = xml ? xml : "";
  while (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t') p++;
  if (!*p) return yj_new_obj();
  ybi_res r = {0, NULL, 0};
  if (ybi_core(30, xml, strlen(xml), &r) < 0) {
    *err = r;
    return NULL;
  }
  yj* doc = yj_parse(r.data, r.len, NULL, 0);
  ybi_res_free(&r);
  if (!doc || !doc->child) {
    yj_free(doc);
    ybi_error(err, YBE_BAD_INPUT, "XML root missing");
    return NULL;
  }
  yj* root = doc->child;
  doc->child = doc->last = NULL;
  yj_free(doc);
  root->next = NULL;
  free(root->key);
  root->key = NULL;
  if (root->t != YJ_OBJECT) { /* <data></data> or text only */
    yj_free(root);
    return yj_new_obj();
  }
  return root;
}

/* {"output": out} -> GBK XML into dst (cap); 0 ok, else the error is in r */
static int xml_out(const char* rootname, const yj* out, char* dst, size_t cap, ybi_res* r) {
  yj* doc = yj_new_obj();
  yj_set(doc, rootname, yj_clone(out));
  size_t len;
  char* js = yj_dump(doc, &len);
  yj_free(doc);
  int rc = ybi_core(31, js, len, r);
  free(js);
  if (rc < 0) return -1;
  if (r->len + 1 > cap) {
    char d[160];
    snprintf(d, sizeof d, "the answer has %lu bytes; pre-size the output string to more (YH_YIBAO_OUTCAP=%lu)", (unsigned long)r->len,
             (unsigned long)cap);
    ybi_error(r, YBE_BAD_INPUT, d);
    return -1;
  }
  if (dst) {
    memcpy(dst, r->data, r->len);
    dst[r->len] = '\0';
  }
  return 0;
}

/* ---- agent -------------------------------------------------------------------------------- */
static int agent_post(const char* path, const yj* body, ybi_res* r, yj** reply) {
  size_t len;
  char* js = yj_dump(body, &len);
  int rc = ybi_agent("POST", path, js, len, r);
  free(js);
  *reply = rc >= 0 ? yj_parse(r->data, r->len, NULL, 0) : NULL;
  return rc;
}

static yj* credential_of(const yj* person) {
  const yj* c = yj_get(person, "credential");
  return c ? yj_clone(c) : yj_new_obj();
}

/* POST /v1/identify; stores person_<psn_no>.json {credential, identity}; returns the identity */
static yj* identify(const yj* cred, ybi_res* r) {
  yj* body = yj_clone(cred); /* {mdtrt_cert_type, mdtrt_cert_no, card_sn?} */
  yj* rep = NULL;
  int rc = agent_post("/v1/identify", body, r, &rep);
  yj_free(body);
  if (rc < 0 || !rep) {
    yj_free(rep);
    if (rc >= 0) ybi_error(r, YBE_AGENT_REPLY, "identify reply is not JSON");
    return NULL;
  }
  yj* id = yj_clone(unwrap(unwrap(rep, "identity"), "person"));
  yj_free(rep);
  const char* psn = yj_gets(id, "psn_no", "");
  if (!*psn) {
    yj_free(id);
    ybi_error(r, YBE_AGENT_REPLY, "identify reply has no psn_no");
    return NULL;
  }
  yj* person = yj_new_obj();
  yj_set(person, "credential", yj_clone(cred));
  yj_set(person, "identity", yj_clone(id));
  state_save("person", psn, person);
  yj_free(person);
  cpy(g_last_aac001, sizeof g_last_aac001, psn);
  return id;
}

static int age_of(const char* brdy) {
  int y = 0, m = 0, d = 0;
  if (sscanf(brdy, "%d-%d-%d", &y, &m, &d) < 1 || y < 1900) return 0;
  time_t t = time(NULL);
  struct tm* n = localtime(&t);
  int age = n->tm_year + 1900 - y;
  if (n->tm_mon + 1 < m || (n->tm_mon + 1 == m && n->tm_mday < d)) age--;
  return age < 0 ? 0 : age;
}

/* Yinhai person fields from an identity */
static void person_fields(yj* o, const yj* id, const char* yab) {
  char b[64];
  const char* brdy = yj_gets(id, "brdy", "");
  const char* insutype = yj_gets(id, "insutype", "");
  yj_set_str(o, "aac001", yj_gets(id, "psn_no", ""));
  yj_set_str(o, "aac002", yj_gets(id, "certno", ""));
  yj_set_str(o, "aac003", yj_gets(id, "psn_name", ""));
  yj_set_str(o, "aac004", yj_gets(id, "gend", ""));
  snprintf(b, sizeof b, "%s%s", brdy, strlen(brdy) == 10 ? " 00:00:00" : "");
  yj_set_str(o, "aac006", b);
  snprintf(b, sizeof b, "%d", age_of(brdy));
  yj_set_str(o, "akc023", b);
  yj_set_str(o, "akc021", yj_gets(id, "psn_type", ""));
  yj_set_str(o, "ykc117", strcmp(yj_gets(id, "cvlserv_flag", "0"), "1") == 0 ? "1" : "");
  yj* acct = yj_set(o, "grzhye", yj_new_obj());
  yj* rows = yj_set(acct, "row", yj_new_arr());
  yj* row = yj_push(rows, yj_new_obj());
  yj_set_str(row, "ykc303", strcmp(insutype, "390") == 0 ? "城乡居民基本医疗帐户" : "城镇职工基本医疗帐户");
  set_yuan(row, "ykc194", yj_get(id, "balc"));
  yj_set_str(o, "yab003", *yj_gets(id, "insuplc_admdvs", "") ? yj_gets(id, "insuplc_admdvs", "") : yab);
  yj_set_str(o, "aae013", "");
  yj_set_str(o, "aab001", "");
  yj_set_str(o, "aab004", "");
  yj_set_str(o, "ydbz", "1");
  yj* gs = yj_set(o, "gsdataset", yj_new_obj());
  yj_set_str(gs, "yke109", "");
  yj_set_str(gs, "alc022", "");
  yj_set_str(gs, "aka130", "");
}

/* the person a transaction is about: aac001 in control/input, else the last 03 */
static yj* person_for(const yj* ctl, const yj* in, ybi_res* r) {
  const char* aac001 = yj_gets(ctl, "aac001", "");
  if (!*aac001) aac001 = yj_gets(in, "aac001", "");
  if (!*aac001) aac001 = g_last_aac001;
  yj* p = *aac001 ? state_load("person", aac001) : NULL;
  if (!p) ybi_error(r, YBE_BAD_INPUT, "unknown person (aac001): read the card first (transaction 03)");
  return p;
}

/* datasetfymx rows -> canonical fee lines */
static void add_lines(yj* lines, const yj* in) {
  const yj* set = yj_get(in, "datasetfymx");
  if (!set) set = yj_get(in, "fymxdataset");
  const yj* rows = rows_of(set);
  if (!rows) return;
  int single = rows->t == YJ_OBJECT;
  for (const yj* r = single ? rows : rows->child; r; r = single ? NULL : r->next) {
    if (r->t != YJ_OBJECT) continue;
    char sn[32];
    snprintf(sn, sizeof sn, "%lu", (unsigned long)yj_len(lines) + 1);
    const char* code = yj_gets(r, "yka094", yj_gets(r, "ake001", yj_gets(r, "yka002", "")));
    yj* l = yj_push(lines, yj_new_obj());
    yj_set_str(l, "feedetl_sn", *yj_gets(r, "yka105", "") ? yj_gets(r, "yka105", "") : sn);
    yj_set_str(l, "med_list_codg", code);
    yj_set_str(l, "name", yj_gets(r, "yka095", ""));
    yj_set_str(l, "pric", yj_gets(r, "akc225", "0"));
    yj_set_str(l, "cnt", yj_gets(r, "akc226", "1"));
    const char* cls = yj_gets(r, "aka063", yj_gets(r, "med_chrgitm_type", ""));
    if (*cls) yj_set_str(l, "med_chrgitm_type", cls);
    const char* t = yj_gets(r, "yke123", yj_gets(r, "aae036", ""));
    if (*t) yj_set_str(l, "fee_ocur_time", t);
  }
}

/* fymxdataset rows echoing the fee lines */
static void lines_out(yj* o, const yj* lines) {
  yj* set = yj_set(o, "fymxdataset", yj_new_obj());
  yj* rows = yj_set(set, "row", yj_new_arr());
  for (const yj* l = lines ? lines->child : NULL; l; l = l->next) {
    yj* row = yj_push(rows, yj_new_obj());
    yj_set_str(row, "yka105", yj_gets(l, "feedetl_sn", ""));
    yj_set_str(row, "yka094", yj_gets(l, "med_list_codg", ""));
    yj_set_str(row, "yka095", yj_gets(l, "name", ""));
    yj_set_str(row, "akc225", yj_gets(l, "pric", ""));
    yj_set_str(row, "akc226", yj_gets(l, "cnt", ""));
  }
}

/* the total of the lines in fen (core classify, exact) */
static long long lines_total(const yj* lines) {
  yj* in = yj_new_obj();
  yj* items = yj_set(in, "fee_items", yj_new_arr());
  for (const yj* l = lines ? lines->child : NULL; l; l = l->next) {
    yj* it = yj_push(items, yj_new_obj());
    yj_set_str(it, "feedetl_sn", yj_gets(l, "feedetl_sn", ""));
    yj_set_str(it, "pric", yj_gets(l, "pric", "0"));
    yj_set_str(it, "cnt", yj_gets(l, "cnt", "0"));
    yj_set_str(it, "med_chrgitm_type", *yj_gets(l, "med_chrgitm_type", "") ? yj_gets(l, "med_chrgitm_type", "") : "14");
    yj_set_str(it, "chrgitm_lv", "01");
  }
  size_t len;
  char* js = yj_dump(in, &len);
  yj_free(in);
  ybi_res r = {0, NULL, 0};
  long long total = -1;
  if (ybi_core(2, js, len, &r) >= 0) {
    yj* c = yj_parse(r.data, r.len, NULL, 0);
    total = strtoll(yj_text(yj_path(c, "totals.medfee_sumamt"), "-1"), NULL, 10);
    yj_free(c);
  }
  ybi_res_free(&r);
  free(js);
  return total;
}

/* yka055 (yuan text) -> fen; -1 when absent */
static long long yuan_to_fen(const char* t) {
  if (!t || !*t) return -1;
  int neg = *t == '-';
  if (neg) t++;
  long long ip = 0, fr = 0;
  int fd = 0;
  while (*t >= '0' && *t <= '9') ip = ip * 10 + (*t++ - '0');
  if (*t == '.') {
    t++;
    while (*t >= '0' && *t <= '9') {
      if (fd < 2) fr = fr * 10 + (*t - '0');
      else if (*t != '0') return -2; /* sub-fen amount */
      fd++;
      t++;
    }
  }
  while (fd < 2) {
    fr *= 10;
    fd++;
  }
  long long v = ip * 100 + fr;
  return neg ? -v : v;
}

/* ---- settlement answer ---------------------------------------------------------------------- */
static void settlement_fields(yj* o, const yj* p, const char* akc190, const char* aka130, const char* aae011, const char* yab, const yj* lines) {
  const yj* s = unwrap(p, "setlinfo");
  char t[32];
  now_text(t, sizeof t, "%Y-%m-%d %H:%M:%S");
  yj_set_str(o, "yac112", "1");
  yj_set_str(o, "akc190", akc190);
  yj_set_str(o, "aka130", aka130);
  yj_set_str(o, "aac001", yj_gets(p, "psn_no", yj_gets(s, "psn_no", "")));
  yj_set_str(o, "akb020", cfg("YH_YIBAO_AKB020", "yinhai", "akb020", ""));
  yj_set_str(o, "aae011", aae011);
  yj_set_str(o, "aae036", t);
  yj_set_str(o, "yka103", yj_gets(p, "setl_id", yj_gets(s, "setl_id", "")));
  set_yuan(o, "yka055", yj_get(s, "medfee_sumamt"));
  set_yuan(o, "yka056", yj_get(s, "fulamt_ownpay_amt"));
  set_yuan(o, "yka111", yj_get(s, "inscp_scp_amt"));
  set_yuan(o, "yka057", yj_get(s, "preselfpay_amt"));
  set_yuan(o, "yka065", yj_get(s, "acct_pay"));
  set_yuan(o, "yka107", yj_get(s, "fund_pay_sumamt"));
  yj_set_str(o, "ykd007", "01");
  set_yuan(o, "ykh012", yj_get(s, "psn_cash_pay"));
  yj_set_str(o, "yab003", yab);
  yj* ds = yj_set(o, "dataset", yj_new_obj());
  yj* rows = yj_set(ds, "row", yj_new_arr());
  const yj* det = yj_get(p, "setldetail");
  for (const yj* d = det && det->t == YJ_ARRAY ? det->child : NULL; d; d = d->next) {
    yj* row = yj_push(rows, yj_new_obj());
    yj_set_str(row, "yka316", yj_gets(d, "fund_pay_type", ""));
    yj_set_str(row, "yka317", yj_gets(d, "fund_pay_type_name", ""));
    yj_set_str(row, "yab139", yab);
    set_yuan(row, "yka115", yj_get(d, "inscp_scp_amt"));
    set_yuan(row, "yka107", yj_get(d, "fund_payamt"));
  }
  lines_out(o, lines);
  yj* acct = yj_set(o, "grzhye", yj_new_obj());
  yj* ar = yj_set(acct, "row", yj_new_arr());
  yj* row = yj_push(ar, yj_new_obj());
  yj_set_str(row, "ykc303", "基本医疗帐户");
  set_yuan(row, "ykc194", yj_get(s, "balc"));
}

/* ---- transactions ------------------------------------------------------------------------- */
typedef struct {
  const char* jybh;
  const yj* ctl;
  const yj* in;
  yj* out;          /* output element value (object) */
  char jylsh[ID_CAP];
  char jyyzm[ID_CAP];
  ybi_res err;      /* error JSON when a step fails */
  const char* what; /* Chinese name of the transaction for messages */
} txn;

static int t05_signin(txn* t) {
  t->what = "签到";
  ybi_res r = {0, NULL, 0};
  if (ybi_agent("GET", "/v1/health", NULL, 0, &r) < 0) {
    t->err = r;
    return -1;
  }
  ybi_res_free(&r);
  const char* yab = yab003(t->ctl, t->in);
  char tm[32], digits[16];
  now_text(tm, sizeof tm, "%Y-%m-%d %H:%M:%S");
  now_text(digits, sizeof digits, "%j%H%M%S");
  snprintf(g_pcbh, sizeof g_pcbh, "%.4sS%.9s", yab, digits);
  yj* rows = yj_set(t->out, "row", yj_new_arr());
  yj* row = yj_push(rows, yj_new_obj());
  yj_set_str(row, "yab003", yab);
  yj_set_str(row, "yke190", "1");
  yj_set_str(row, "yke189", g_pcbh);
  yj_set_str(row, "yke191", tm);
  yj_set_str(row, "aae013", "");
  return 0;
}

static int t03_identify(txn* t) {
  t->what = "读卡";
  yj* cred = yj_new_obj();
  const char* no = yj_gets(t->in, "aac002", yj_gets(t->in, "mdtrt_cert_no", ""));
  if (*no) {
    yj_set_str(cred, "mdtrt_cert_type", yj_gets(t->in, "mdtrt_cert_type", "02"));
    yj_set_str(cred, "mdtrt_cert_no", no);
  } else {
    /* no number given: the agent reads the card */
    ybi_res r = {0, NULL, 0};
    if (ybi_agent("GET", "/v1/card", NULL, 0, &r) < 0) {
      yj_free(cred);
      t->err = r;
      return -1;
    }
    yj* card = yj_parse(r.data, r.len, NULL, 0);
    ybi_res_free(&r);
    const yj* c = unwrap(card, "card");
    yj_set_str(cred, "mdtrt_cert_type", yj_gets(c, "mdtrt_cert_type", "03"));
    yj_set_str(cred, "mdtrt_cert_no", yj_gets(c, "mdtrt_cert_no", ""));
    if (*yj_gets(c, "card_sn", "")) yj_set_str(cred, "card_sn", yj_gets(c, "card_sn", ""));
    yj_free(card);
  }
  yj* id = identify(cred, &t->err);
  yj_free(cred);
  if (!id) return -1;
  person_fields(t->out, id, yab003(t->ctl, t->in));
  yj_free(id);
  return 0;
}

/* a new visit file (110 / 21) for the person; returns akc190 in out */
static yj* new_visit(const char* kind, const yj* person, char* akc190, size_t cap) {
  new_akc190(akc190, cap);
  yj* v = yj_new_obj();
  yj_set_str(v, "kind", kind);
  yj_set_str(v, "akc190", akc190);
  yj_set(v, "person", yj_clone(person));
  yj_set(v, "fee_items", yj_new_arr());
  return v;
}

static yj* load_visit(txn* t, const char* kind) {
  const char* akc190 = yj_gets(t->ctl, "akc190", yj_gets(t->in, "akc190", ""));
  yj* v = *akc190 ? state_load("visit", akc190) : NULL;
  if (!v || strcmp(yj_gets(v, "kind", ""), kind) != 0) {
    yj_free(v);
    char d[160];
    snprintf(d, sizeof d, "no %s visit with akc190 '%s' (register it first: %s)", kind, akc190, strcmp(kind, "inpatient") == 0 ? "21" : "110");
    ybi_error(&t->err, YBE_BAD_INPUT, d);
    return NULL;
  }
  return v;
}

static const char* aka130_for(const yj* id, int inpatient) {
  int resident = strcmp(yj_gets(id, "insutype", ""), "390") == 0;
  if (inpatient) return resident ? "0204" : "0309";
  return resident ? "0203" : "0201";
}

static int t110_register(txn* t) {
  t->what = "门诊挂号";
  yj* person = person_for(t->ctl, t->in, &t->err);
  if (!person) return -1;
  char akc190[ID_CAP];
  yj* v = new_visit("outpatient", person, akc190, sizeof akc190);
  yj_set_str(v, "dept_name", yj_gets(t->in, "ykc011", yj_gets(t->in, "aae386", "")));
  yj_set_str(v, "dr_name", yj_gets(t->in, "ykc013", ""));
  int ok = state_save("visit", akc190, v);
  const yj* id = yj_get(person, "identity");
  yj_set_str(t->out, "akc190", akc190);
  yj_set_str(t->out, "aac001", yj_gets(id, "psn_no", ""));
  yj_set_str(t->out, "aka130", *yj_gets(t->ctl, "aka130", "") ? yj_gets(t->ctl, "aka130", "") : aka130_for(id, 0));
  yj_set_str(t->out, "yab003", yab003(t->ctl, t->in));
  yj_free(v);
  yj_free(person);
  if (!ok) return ybi_error(&t->err, YBE_INTERNAL, "cannot write the visit file (YH_YIBAO_STATE)"), -1;
  return 0;
}

/* 111 / 31: fee lines into the visit file */
static int upload_lines(txn* t, const char* kind) {
  t->what = strcmp(kind, "inpatient") == 0 ? "住院明细上传" : "门诊明细上传";
  yj* v = load_visit(t, kind);
  if (!v) return -1;
  yj* lines = yj_get(v, "fee_items");
  yj* added = yj_new_arr();
  add_lines(added, t->in);
  /* the line numbers continue: feedetl_sn must stay unique in the visit */
  for (yj* l = added->child; l; l = l->next) {
    for (yj* o = lines->child; o; o = o->next)
      if (strcmp(yj_gets(o, "feedetl_sn", ""), yj_gets(l, "feedetl_sn", "")) == 0) {
        yj_free(v);
        yj_free(added);
        char d[120];
        snprintf(d, sizeof d, "duplicate fee line yka105 '%s'", yj_gets(l, "feedetl_sn", ""));
        return ybi_error(&t->err, YBE_BAD_INPUT, d), -1;
      }
  }
  while (added->child) {
    yj* l = added->child;
    added->child = l->next;
    yj_push(lines, l);
  }
  added->last = NULL;
  yj_free(added);
  int ok = state_save("visit", yj_gets(v, "akc190", ""), v);
  yj_set_str(t->out, "akc190", yj_gets(v, "akc190", ""));
  char n[16];
  snprintf(n, sizeof n, "%lu", (unsigned long)yj_len(lines));
  yj_set_str(t->out, "nums", n);
  yj_free(v);
  if (!ok) return ybi_error(&t->err, YBE_INTERNAL, "cannot write the visit file (YH_YIBAO_STATE)"), -1;
  return 0;
}

/* canonical bill of a visit (host-node flows.ts Bill) */
static yj* bill_of(const yj* v, int inpatient) {
  const yj* person = yj_get(v, "person");
  const yj* id = yj_get(person, "identity");
  yj* b = credential_of(person);
  yj_set_str(b, "insutype", yj_gets(id, "insutype", "310"));
  yj_set_str(b, "med_type", inpatient ? "21" : "11");
  const char* no = yj_gets(v, "ipt_otp_no", "");
  yj_set_str(b, "ipt_otp_no", *no ? no : yj_gets(v, "akc190", ""));
  if (*yj_gets(v, "dept_name", "")) yj_set_str(b, "dept_name", yj_gets(v, "dept_name", ""));
  if (*yj_gets(v, "bed", "")) yj_set_str(b, "bed", yj_gets(v, "bed", ""));
  const yj* dg = yj_get(v, "diagnoses");
  if (dg && yj_len(dg)) yj_set(b, "diagnoses", yj_clone(dg));
  yj_set(b, "fee_items", yj_clone(yj_get(v, "fee_items")));
  return b;
}

/* 11 / 52: the whole bill settled by the agent, pending until confirm */
static int settle(txn* t, int inpatient) {
  t->what = inpatient ? "出院结算" : "门诊结算";
  yj* v = NULL;
  const char* akc190 = yj_gets(t->ctl, "akc190", "");
  if (inpatient || *akc190) {
    v = load_visit(t, inpatient ? "inpatient" : "outpatient");
    if (!v) return -1;
  } else {
    /* 11 without a registered visit: the fee lines come with the call (datasetfymx) */
    yj* person = person_for(t->ctl, t->in, &t->err);
    if (!person) return -1;
    char id[ID_CAP];
    v = new_visit("outpatient", person, id, sizeof id);
    yj_free(person);
  }
  yj* lines = yj_get(v, "fee_items");
  add_lines(lines, t->in);
  if (yj_len(lines) == 0) {
    yj_free(v);
    return ybi_error(&t->err, YBE_BAD_INPUT, "no fee lines (upload them with 111/31 or send datasetfymx)"), -1;
  }
  /* the HIS's total must match the lines to the fen */
  long long want = yuan_to_fen(yj_gets(t->in, "yka055", yj_gets(t->ctl, "yka055", "")));
  long long have = lines_total(lines);
  if (want != -1 && want != have) {
    yj_free(v);
    char d[160];
    snprintf(d, sizeof d, "yka055 %s does not match the fee lines (%lld.%02lld)", yj_gets(t->in, "yka055", yj_gets(t->ctl, "yka055", "")),
             have / 100, have % 100);
    return ybi_error(&t->err, YBE_BAD_INPUT, d), -1;
  }
  const char* yab = yab003(t->ctl, t->in);
  new_jylsh(t->jylsh, sizeof t->jylsh, t->jybh, yab);
  jyyzm_of(t->jylsh, t->jyyzm, sizeof t->jyyzm);
  yj* body = yj_new_obj();
  yj_set_str(body, "his_key", t->jylsh);
  yj_set(body, "bill", bill_of(v, inpatient));
  if (inpatient) yj_set(body, "inpatient", yj_new(YJ_TRUE));
  yj* rep = NULL;
  int rc = agent_post("/v1/settle", body, &t->err, &rep);
  yj_free(body);
  if (rc < 0 || !rep) {
    if (rc >= 0) ybi_error(&t->err, YBE_AGENT_REPLY, "settle reply is not JSON");
    yj_free(rep);
    yj_free(v);
    return -1;
  }
  const yj* p = unwrap(rep, "pending");
  const yj* id = yj_get(yj_get(v, "person"), "identity");
  const char* aka130 = *yj_gets(t->ctl, "aka130", "") ? yj_gets(t->ctl, "aka130", "") : aka130_for(id, inpatient);
  settlement_fields(t->out, p, yj_gets(v, "akc190", ""), aka130, yj_gets(t->ctl, "aae011", yj_gets(t->in, "aae011", "")), yab, lines);
  /* remember the settlement for 12 / getuncertaintytrade */
  yj* s = yj_new_obj();
  yj_set_str(s, "jylsh", t->jylsh);
  yj_set_str(s, "setl_id", yj_gets(p, "setl_id", ""));
  yj_set_str(s, "mdtrt_id", yj_gets(p, "mdtrt_id", ""));
  yj_set_str(s, "psn_no", yj_gets(p, "psn_no", ""));
  yj_set_str(s, "ykd007", "01");
  yj_del(v, "settlement");
  yj_set(v, "settlement", s);
  state_save("visit", yj_gets(v, "akc190", ""), v);
  yj* trade = yj_new_obj();
  yj_set_str(trade, "akc190", yj_gets(v, "akc190", ""));
  yj_set_str(trade, "yka103", yj_gets(p, "setl_id", ""));
  state_save("trade", t->jylsh, trade);
  yj_free(trade);
  yj_free(rep);
  yj_free(v);
  return 0;
}

/* 41: the center's pre-settlement of an inpatient visit (no money moves) */
static int t41_presettle(txn* t) {
  t->what = "住院预结算";
  yj* v = load_visit(t, "inpatient");
  if (!v) return -1;
  add_lines(yj_get(v, "fee_items"), t->in);
  yj* body = yj_new_obj();
  yj_set(body, "bill", bill_of(v, 1));
  yj_set(body, "inpatient", yj_new(YJ_TRUE));
  yj* rep = NULL;
  int rc = agent_post("/v1/presettle", body, &t->err, &rep);
  yj_free(body);
  if (rc < 0 || !rep) {
    if (rc >= 0) ybi_error(&t->err, YBE_AGENT_REPLY, "presettle reply is not JSON");
    yj_free(rep);
    yj_free(v);
    return -1;
  }
  const yj* id = yj_get(yj_get(v, "person"), "identity");
  settlement_fields(t->out, unwrap(rep, "presettle"), yj_gets(v, "akc190", ""), aka130_for(id, 1), yj_gets(t->ctl, "aae011", ""),
                    yab003(t->ctl, t->in), yj_get(v, "fee_items"));
  yj_del(t->out, "yka103"); /* nothing was settled */
  yj_free(rep);
  yj_free(v);
  return 0;
}

static int t21_admit(txn* t) {
  t->what = "入院登记";
  yj* person = person_for(t->ctl, t->in, &t->err);
  if (!person) return -1;
  /* the agent checks the person again (insured today, current identity) */
  yj* id = identify(yj_get(person, "credential"), &t->err);
  if (!id) {
    yj_free(person);
    return -1;
  }
  yj_del(person, "identity");
  yj_set(person, "identity", yj_clone(id));
  char akc190[ID_CAP];
  yj* v = new_visit("inpatient", person, akc190, sizeof akc190);
  yj_set_str(v, "ipt_otp_no", yj_gets(t->in, "ykc009", yj_gets(t->in, "ykc010", "")));
  yj_set_str(v, "dept_name", yj_gets(t->in, "ykc011", ""));
  yj_set_str(v, "bed", yj_gets(t->in, "ykc012", ""));
  yj_set_str(v, "begntime", yj_gets(t->in, "akc192", ""));
  if (*yj_gets(t->in, "akc193", "")) {
    yj* dg = yj_set(v, "diagnoses", yj_new_arr());
    yj* d = yj_push(dg, yj_new_obj());
    yj_set_str(d, "code", yj_gets(t->in, "akc193", ""));
    yj_set_str(d, "name", yj_gets(t->in, "ykc147", ""));
  }
  int ok = state_save("visit", akc190, v);
  const char* yab = yab003(t->ctl, t->in);
  yj_set_str(t->out, "akb020", cfg("YH_YIBAO_AKB020", "yinhai", "akb020", ""));
  yj_set_str(t->out, "yab003", yab);
  yj_set_str(t->out, "aka130", aka130_for(id, 1));
  yj_set_str(t->out, "akc190", akc190);
  yj* pf = yj_new_obj();
  person_fields(pf, id, yab);
  static const char* keep[] = {"aac001", "aac003", "aac004", "aac006", "akc021"};
  for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) yj_set_str(t->out, keep[i], yj_gets(pf, keep[i], ""));
  yj_set_str(t->out, "yka026", "");
  yj_set_str(t->out, "yka115", "");
  yj_set_str(t->out, "yka119", "");
  yj_set_str(t->out, "aae013", "");
  yj_free(pf);
  yj_free(v);
  yj_free(id);
  yj_free(person);
  if (!ok) return ybi_error(&t->err, YBE_INTERNAL, "cannot write the visit file (YH_YIBAO_STATE)"), -1;
  return 0;
}

/* The journal state of a settlement (GET /v1/journal?his_key=): "succeeded" (pending: the HIS has not
 * confirmed it), "confirmed", … ; "" when the agent does not know it. */
static int settlement_state(const char* his_key, const char* setl_id, char* state, size_t cap, ybi_res* err) {
  char path[160];
  snprintf(path, sizeof path, "/v1/journal?his_key=%.100s", his_key); /* jylsh: [0-9A-Z] only */
  ybi_res r = {0, NULL, 0};
  if (ybi_agent("GET", path, NULL, 0, &r) < 0) {
    *err = r;
    return -1;
  }
  yj* rep = yj_parse(r.data, r.len, NULL, 0);
  ybi_res_free(&r);
  const yj* list = yj_get(rep, "entries");
  state[0] = '\0';
  for (const yj* e = list && list->t == YJ_ARRAY ? list->child : NULL; e; e = e->next) {
    const char* op = yj_gets(e, "op", "");
    if (strcmp(op, "settle") != 0 && strcmp(op, "inpatientSettle") != 0) continue;
    if (*setl_id && strcmp(yj_gets(e, "setl_id", ""), setl_id) != 0) continue;
    cpy(state, cap, yj_gets(e, "state", "")); /* the last one of the key counts */
  }
  yj_free(rep);
  return 0;
}

/* 12: cancel an outpatient settlement. Not confirmed by the HIS yet → the agent aborts it (POST /v1/abort:
 * 2208 under the settlement's own journal entry); already confirmed → a refund (POST /v1/refund: 2208 as a
 * journal entry of its own, resolved by the agent before it answers). The agent's journal says which. Either
 * way the cancellation is final at the center when 12 answers: its confirm has nothing left to do. */
static int t12_cancel(txn* t) {
  t->what = "门诊取消结算";
  yj* v = load_visit(t, "outpatient");
  if (!v) return -1;
  const yj* s = yj_get(v, "settlement");
  const char* yka103 = yj_gets(t->ctl, "yka103", "");
  if (!s || (*yka103 && strcmp(yka103, yj_gets(s, "setl_id", "")) != 0)) {
    yj_free(v);
    return ybi_error(&t->err, YBE_BAD_INPUT, "no settlement yka103 for this akc190"), -1;
  }
  char state[32];
  if (settlement_state(yj_gets(s, "jylsh", ""), yj_gets(s, "setl_id", ""), state, sizeof state, &t->err) < 0) {
    yj_free(v);
    return -1;
  }
  int refund = strcmp(state, "confirmed") == 0;
  const char* path = refund ? "/v1/refund" : strcmp(state, "succeeded") == 0 ? "/v1/abort" : NULL;
  if (!path) {
    char d[200];
    snprintf(d, sizeof d, "settlement %.40s (jylsh %.40s) is %s in the agent's journal: nothing to cancel", yj_gets(s, "setl_id", ""), yj_gets(s, "jylsh", ""),
             *state ? state : "unknown");
    yj_free(v);
    return ybi_error(&t->err, YBE_BAD_INPUT, d), -1;
  }
  yj* body = yj_new_obj();
  yj_set_str(body, "his_key", yj_gets(s, "jylsh", ""));
  if (refund) yj_set_str(body, "setl_id", yj_gets(s, "setl_id", ""));
  yj* rep = NULL;
  int rc = agent_post(path, body, &t->err, &rep);
  yj_free(body);
  if (rc < 0) {
    yj_free(rep);
    yj_free(v);
    return -1;
  }
  new_jylsh(t->jylsh, sizeof t->jylsh, t->jybh, yab003(t->ctl, t->in));
  jyyzm_of(t->jylsh, t->jyyzm, sizeof t->jyyzm);
  yj_set_str(t->out, "akc190", yj_gets(v, "akc190", ""));
  yj_set_str(t->out, "yka103", yj_gets(s, "setl_id", ""));
  yj_set_str(t->out, "yka055", yj_gets(t->in, "yka055", ""));
  yj_set_str(t->out, "yka107", yj_gets(t->in, "yka107", ""));
  yj_set_str(t->out, "yka065", yj_gets(t->in, "yka065", ""));
  yj* moved = yj_clone(s);
  if (refund) {
    /* the refund: its own msgid and the center's cancellation record */
    yj_set_str(moved, "refund_msgid", yj_gets(rep, "msgid", ""));
    yj_set_str(moved, "refund_setl_id", yj_gets(rep, "refund_setl_id", ""));
  }
  yj_free(rep);
  yj_del(v, "settlement");
  yj_set(v, "cancelled", moved);
  state_save("visit", yj_gets(v, "akc190", ""), v);
  yj_free(v);
  return 0;
}

/* ---- exports ------------------------------------------------------------------------------ */
static void load_ini(void) {
  if (g_ini) return;
  char path[1024] = "";
#ifdef _WIN32
  HMODULE h = NULL;
  if (GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT, (LPCSTR)(void*)&load_ini, &h))
    GetModuleFileNameA(h, path, sizeof path);
#else
  Dl_info info;
  if (dladdr((void*)&load_ini, &info) && info.dli_fname) cpy(path, sizeof path, info.dli_fname);
#endif
  char* slash = strrchr(path, PATH_SEP);
  if (!slash) return;
  cpy(slash + 1, sizeof path - (size_t)(slash + 1 - path), "yh_yibao.ini");
  FILE* f = fopen(path, "rb");
  if (!f) return;
  yb_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) yb_buf_put(&b, chunk, n);
  fclose(f);
  ybi_res r = {0, NULL, 0};
  if (b.p && ybi_core(40, b.p, b.n, &r) >= 0) g_ini = yj_parse(r.data, r.len, NULL, 0);
  ybi_res_free(&r);
  yb_buf_free(&b);
}

static void apply_ini_agent(void) {
  const char* u = cfg("YIBAO_AGENT_URL", "agent", "url", NULL);
  const char* tk = cfg("YIBAO_AGENT_TOKEN", "agent", "token", NULL);
  const char* to = cfg("YIBAO_AGENT_TIMEOUT_MS", "agent", "timeout_ms", NULL);
  if (u) yb_config("agent_url", u);
  if (tk) yb_config("agent_token", tk);
  if (to) yb_config("timeout_ms", to);
}

YH_API void YH_CC yh_interface_init(int* aint_appcode, char* astr_appmsg) {
  yb_mutex_lock(&g_yh);
  load_ini();
  apply_ini_agent();
  ybi_res r = {0, NULL, 0};
  if (ybi_agent("GET", "/v1/health", NULL, 0, &r) < 0) {
    g_inited = 0;
    set_err(astr_appmsg, aint_appcode, "初始化", &r);
  } else {
    g_inited = 1;
    if (!g_pcbh[0]) {
      char digits[16];
      now_text(digits, sizeof digits, "%j%H%M%S");
      snprintf(g_pcbh, sizeof g_pcbh, "%.4sS%.9s", cfg("YH_YIBAO_YAB003", "yinhai", "yab003", "0000"), digits);
    }
    set_msg(astr_appmsg, aint_appcode, 1, "初始化成功");
  }
  ybi_res_free(&r);
  yb_mutex_unlock(&g_yh);
}

YH_API void YH_CC yh_interface_destroy(void) {
  yb_mutex_lock(&g_yh);
  g_inited = 0;
  yj_free(g_ini);
  g_ini = NULL;
  yb_mutex_unlock(&g_yh);
}

YH_API void YH_CC yh_interface_call(const char* astr_jybh, const char* astr_jykz_xml, const char* astr_jysr_xml, char* astr_pcbh,
                                    char* astr_jylsh, char* astr_jyyzm, char* astr_jysc_xml, int* aint_appcode, char* astr_appmsg) {
  yb_mutex_lock(&g_yh);
  if (astr_jylsh) astr_jylsh[0] = '\0';
  if (astr_jyyzm) astr_jyyzm[0] = '\0';
  if (astr_jysc_xml) astr_jysc_xml[0] = '\0';
  cpy(astr_pcbh, ID_CAP, g_pcbh);
  if (!g_inited) {
    set_msg(astr_appmsg, aint_appcode, -1, "接口未初始化，请先调用 yh_interface_init");
    yb_mutex_unlock(&g_yh);
    return;
  }
  txn t;
  memset(&t, 0, sizeof t);
  t.jybh = astr_jybh ? astr_jybh : "";
  t.what = "交易";
  yj* ctl = xml_in(astr_jykz_xml, &t.err);
  yj* in = ctl ? xml_in(astr_jysr_xml, &t.err) : NULL;
  int rc = -1;
  if (ctl && in) {
    t.ctl = ctl;
    t.in = in;
    t.out = yj_new_obj();
    if (strcmp(t.jybh, "05") == 0) rc = t05_signin(&t);
    else if (strcmp(t.jybh, "03") == 0) rc = t03_identify(&t);
    else if (strcmp(t.jybh, "110") == 0) rc = t110_register(&t);
    else if (strcmp(t.jybh, "111") == 0) rc = upload_lines(&t, "outpatient");
    else if (strcmp(t.jybh, "11") == 0) rc = settle(&t, 0);
    else if (strcmp(t.jybh, "12") == 0) rc = t12_cancel(&t);
    else if (strcmp(t.jybh, "21") == 0) rc = t21_admit(&t);
    else if (strcmp(t.jybh, "31") == 0) rc = upload_lines(&t, "inpatient");
    else if (strcmp(t.jybh, "41") == 0) rc = t41_presettle(&t);
    else if (strcmp(t.jybh, "52") == 0) rc = settle(&t, 1);
    else {
      char d[80];
      snprintf(d, sizeof d, "transaction %.16s is not supported by yh_yibao", t.jybh);
      ybi_error(&t.err, YBE_UNKNOWN_OP, d);
    }
  }
  cpy(astr_pcbh, ID_CAP, g_pcbh); /* 05 may just have made a new batch number */
  if (rc == 0) {
    ybi_res x = {0, NULL, 0};
    if (xml_out("output", t.out, astr_jysc_xml, out_cap(), &x) == 0) {
      cpy(astr_jylsh, ID_CAP, t.jylsh);
      cpy(astr_jyyzm, ID_CAP, t.jyyzm);
      set_msg(astr_appmsg, aint_appcode, 1, "交易成功");
    } else {
      /* the settlement (if any) stays pending at the agent: getuncertaintytrade lists it */
      set_err(astr_appmsg, aint_appcode, t.what, &x);
    }
    ybi_res_free(&x);
  } else {
    set_err(astr_appmsg, aint_appcode, t.what, &t.err);
  }
  ybi_res_free(&t.err);
  yj_free(t.out);
  yj_free(ctl);
  yj_free(in);
  yb_mutex_unlock(&g_yh);
}

/* the jybh a jylsh was made for ("11C0000SJ..." -> "11") */
static void jybh_of(const char* jylsh, char* out, size_t cap) {
  size_t k = 0;
  while (jylsh[k] >= '0' && jylsh[k] <= '9' && k + 1 < cap) {
    out[k] = jylsh[k];
    k++;
  }
  out[k] = '\0';
}

static void commit_or_abort(const char* path, const char* jylsh, int* appcode, char* appmsg, const char* what) {
  yj* body = yj_new_obj();
  yj_set_str(body, "his_key", jylsh);
  ybi_res r = {0, NULL, 0};
  yj* rep = NULL;
  if (agent_post(path, body, &r, &rep) < 0) set_err(appmsg, appcode, what, &r);
  else set_msg(appmsg, appcode, 1, "交易成功");
  yj_free(rep);
  yj_free(body);
  ybi_res_free(&r);
}

YH_API void YH_CC yh_interface_confirm(const char* astr_jylsh, const char* astr_jyyzm, int* aint_appcode, char* astr_appmsg) {
  yb_mutex_lock(&g_yh);
  const char* jylsh = astr_jylsh ? astr_jylsh : "";
  char want[ID_CAP], jybh[16];
  jyyzm_of(jylsh, want, sizeof want);
  jybh_of(jylsh, jybh, sizeof jybh);
  if (!g_inited) set_msg(astr_appmsg, aint_appcode, -1, "接口未初始化，请先调用 yh_interface_init");
  else if (!*jylsh || !astr_jyyzm || strcmp(astr_jyyzm, want) != 0) set_msg(astr_appmsg, aint_appcode, -1, "交易确认失败：交易流水号与验证码不匹配");
  else if (strcmp(jybh, "11") == 0 || strcmp(jybh, "52") == 0) commit_or_abort("/v1/commit", jylsh, aint_appcode, astr_appmsg, "交易确认");
  else set_msg(astr_appmsg, aint_appcode, 1, "交易成功"); /* 12: the cancellation is already final at the center */
  yb_mutex_unlock(&g_yh);
}

YH_API void YH_CC yh_interface_cancel(const char* astr_jylsh, int* aint_appcode, char* astr_appmsg) {
  yb_mutex_lock(&g_yh);
  const char* jylsh = astr_jylsh ? astr_jylsh : "";
  char jybh[16];
  jybh_of(jylsh, jybh, sizeof jybh);
  if (!g_inited) set_msg(astr_appmsg, aint_appcode, -1, "接口未初始化，请先调用 yh_interface_init");
  else if (strcmp(jybh, "11") == 0 || strcmp(jybh, "52") == 0) commit_or_abort("/v1/abort", jylsh, aint_appcode, astr_appmsg, "交易撤销");
  else set_msg(astr_appmsg, aint_appcode, -1, "交易撤销失败：该交易不可撤销（只有 11、52 结算可撤销）");
  yb_mutex_unlock(&g_yh);
}

YH_API void YH_CC yh_interface_getuncertaintytrade(const char* astr_jybh, char* astr_jgxml, int* aint_appcode, char* astr_appmsg) {
  yb_mutex_lock(&g_yh);
  if (astr_jgxml) astr_jgxml[0] = '\0';
  if (!g_inited) {
    set_msg(astr_appmsg, aint_appcode, -1, "接口未初始化，请先调用 yh_interface_init");
    yb_mutex_unlock(&g_yh);
    return;
  }
  const char* jybh = astr_jybh ? astr_jybh : "";
  ybi_res r = {0, NULL, 0};
  /* settlements made but not committed: the journal's succeeded / unknown entries */
  if (ybi_agent("GET", "/v1/journal?state=succeeded,unknown,sent,intent", NULL, 0, &r) < 0) {
    set_err(astr_appmsg, aint_appcode, "查询未确认交易", &r);
    ybi_res_free(&r);
    yb_mutex_unlock(&g_yh);
    return;
  }
  yj* rep = yj_parse(r.data, r.len, NULL, 0);
  ybi_res_free(&r);
  const yj* list = rep && rep->t == YJ_ARRAY ? rep : yj_get(rep, "entries");
  yj* out = yj_new_obj();
  yj* rows = yj_set(out, "row", yj_new_arr());
  char prefix[24];
  snprintf(prefix, sizeof prefix, "%.16sC", jybh);
  for (const yj* e = list && list->t == YJ_ARRAY ? list->child : NULL; e; e = e->next) {
    const char* key = yj_gets(e, "his_key", "");
    const char* st = yj_gets(e, "state", "");
    if (strncmp(key, prefix, strlen(prefix)) != 0) continue;
    if (*st && strcmp(st, "succeeded") && strcmp(st, "unknown") && strcmp(st, "sent") && strcmp(st, "intent")) continue;
    /* a refund (12 after confirm) in flight is the agent's to resolve (recover), not the HIS's to confirm */
    const char* op = yj_gets(e, "op", "");
    if (strcmp(op, "cancelSettle") == 0 || strcmp(op, "cancelInpatientSettle") == 0) continue;
    yj* trade = state_load("trade", key);
    yj* row = yj_push(rows, yj_new_obj());
    yj_set_str(row, "yke014", key);
    yj* k = yj_set(row, "key", yj_new_obj());
    yj_set_str(k, "akc190", trade ? yj_gets(trade, "akc190", "") : yj_gets(e, "mdtrt_id", ""));
    yj_set_str(k, "yka103", *yj_gets(e, "setl_id", "") ? yj_gets(e, "setl_id", "") : trade ? yj_gets(trade, "yka103", "") : "");
    yj_set_str(k, "ykd007", "01");
    yj_free(trade);
  }
  ybi_res x = {0, NULL, 0};
  if (xml_out("output", out, astr_jgxml, out_cap(), &x) == 0) set_msg(astr_appmsg, aint_appcode, 1, "交易成功");
  else set_err(astr_appmsg, aint_appcode, "查询未确认交易", &x);
  ybi_res_free(&x);
  yj_free(out);
  yj_free(rep);
  yb_mutex_unlock(&g_yh);
}
