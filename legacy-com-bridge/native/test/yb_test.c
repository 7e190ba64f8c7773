/* C test of libyibao.so (legacy-com-bridge/native): run by native.test.ts.
 *
 *   yb_test BILL.json [--agent]             offline checks (+ agent checks when --agent)
 *   yb_test --presettle BILL.json           prints the raw presettle result (byte comparisons)
 *   yb_test --call OP [FILE]                prints yb_call(OP, file or stdin) and exits 0 / 2
 *
 * Prints one "ok <what>" line per passed check and "FAIL <what>: ..." otherwise; exit 1 on failure.
 * The agent checks read YIBAO_AGENT_URL / YIBAO_AGENT_TOKEN (set by the test) and settle the bill
 * in YB_TEST_SETTLE_BILL through the agent.
 */
#include "yibao.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond, what, ...)                           \
  do {                                                   \
    if (cond) printf("ok %s\n", what);                   \
    else {                                               \
      printf("FAIL %s: ", what);                         \
      printf(__VA_ARGS__);                               \
      printf("\n");                                      \
      failures++;                                        \
    }                                                    \
  } while (0)

static char* slurp(const char* path) {
  FILE* f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(1);
  }
  size_t cap = 1 << 16, n = 0;
  char* b = malloc(cap);
  for (;;) {
    if (n + 1 >= cap) b = realloc(b, cap *= 2);
    size_t r = fread(b + n, 1, cap - n - 1, f);
    if (r == 0) break;
    n += r;
  }
  b[n] = '\0';
  if (f != stdin) fclose(f);
  return b;
}

/* whole result through the snprintf protocol (+ yb_last_result on truncation) */
static char* call_all(const char* op, const char* in, int* rc) {
  char small[256];
  int n = yb_call(op, in, small, sizeof small);
  *rc = n;
  int len = n >= 0 ? n : (int)strlen(small);
  if (n >= (int)sizeof small || (n < 0 && len >= (int)sizeof small - 1)) {
    int full = yb_last_result(NULL, 0);
    int need = full >= 0 ? full : 1 << 16;
    char* b = malloc((size_t)need + 1);
    yb_last_result(b, need + 1);
    return b;
  }
  char* b = malloc(sizeof small);
  memcpy(b, small, sizeof small);
  return b;
}

typedef struct {
  const char* bill;
  const char* expect;
  int bad;
} thr_arg;

static void* thr(void* p) {
  thr_arg* a = p;
  char* out = malloc(1 << 16);
  for (int i = 0; i < 200; i++) {
    int n = yb_call("presettle", a->bill, out, 1 << 16);
    if (n < 0 || strcmp(out, a->expect) != 0) a->bad++;
    if (i % 50 == 7) {
      char t[512];
      if (yb_call("trap", "", t, sizeof t) >= 0) a->bad++;
    }
  }
  free(out);
  return NULL;
}

static int agent_checks(const char* bill_path) {
  int rc;
  char* h = call_all("health", "", &rc);
  CHECK(rc > 0, "agent health", "rc=%d %s", rc, h);
  free(h);
  char* bill = slurp(bill_path);
  /* {"his_key":"...","bill":{...}} */
  char key[64];
  snprintf(key, sizeof key, "C-TEST-%ld", (long)getpid());
  size_t need = strlen(bill) + 128;
  char* req = malloc(need);
  snprintf(req, need, "{\"his_key\":\"%s\",\"bill\":%s}", key, bill);
  char* s = call_all("settle", req, &rc);
  printf("settle -> %d %s\n", rc, s);
  CHECK(rc > 0 && strstr(s, "\"setl_id\"") != NULL, "agent settle (pending)", "rc=%d %s", rc, s);
  snprintf(req, need, "{\"his_key\":\"%s\"}", key);
  char* c = call_all("commit", req, &rc);
  CHECK(rc >= 0, "agent commit", "rc=%d %s", rc, c);
  free(c);
  /* the HIS refunds the committed bill: 2208 journaled by the agent, one phase */
  char* f = call_all("refund", req, &rc);
  printf("refund -> %d %s\n", rc, f);
  CHECK(rc > 0 && strstr(f, "\"state\":\"confirmed\"") != NULL && strstr(f, "\"refund_setl_id\"") != NULL, "agent refund (confirmed)", "rc=%d %s", rc, f);
  free(f);
  f = call_all("refund", req, &rc);
  CHECK(rc == -1030 && strstr(f, "DUPLICATE") != NULL, "a second refund is -1030 DUPLICATE", "rc=%d %s", rc, f);
  free(f);
  free(s);
  free(req);
  free(bill);
  return 0;
}

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "--presettle") == 0) {
    char* bill = slurp(argv[2]);
    int rc;
    char* out = call_all("presettle", bill, &rc);
    fwrite(out, 1, strlen(out), stdout);
    return rc >= 0 ? 0 : 2;
  }
  if (argc >= 3 && strcmp(argv[1], "--call") == 0) {
    char* in = slurp(argc >= 4 ? argv[3] : "-");
    int rc;
    char* out = call_all(argv[2], in, &rc);
    fwrite(out, 1, strlen(out), stdout);
    return rc >= 0 ? 0 : 2;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: yb_test BILL.json [--agent SETTLE_BILL.json]\n");
    return 1;
  }
  char* bill = slurp(argv[1]);
  char out[1 << 16];
  int n;

  const char* v = yb_version();
  CHECK(v && strcmp(v, "unknown") != 0 && strchr(v, '.'), "yb_version", "%s", v ? v : "(null)");

  n = yb_call("version", "", out, sizeof out);
  CHECK(n > 0 && strstr(out, "\"yibao-core\""), "version op", "%d %s", n, out);

  n = yb_call("presettle", bill, out, sizeof out);
  CHECK(n > 0 && (int)strlen(out) == n && strstr(out, "\"setlinfo\"") && strstr(out, "\"psn_cash_pay\""), "presettle", "%d %s", n, out);
  char* expect = strdup(out);

  /* snprintf protocol: truncation, length only, full copy through yb_last_result */
  char tiny[16];
  int m = yb_call("presettle", bill, tiny, sizeof tiny);
  CHECK(m == n && strlen(tiny) == sizeof tiny - 1 && memcmp(tiny, expect, sizeof tiny - 1) == 0, "truncation keeps the full length", "%d vs %d", m, n);
  m = yb_call("presettle", bill, NULL, 0);
  CHECK(m == n, "NULL buffer asks for the length", "%d", m);
  char* whole = malloc((size_t)n + 1);
  m = yb_last_result(whole, n + 1);
  CHECK(m == n && strcmp(whole, expect) == 0, "yb_last_result gives the whole result", "%d", m);
  free(whole);

  n = yb_call("presettle", "{\"params\":", out, sizeof out);
  CHECK(n == -101 && strstr(out, "\"JSON_SYNTAX\""), "bad JSON is -101 JSON_SYNTAX", "%d %s", n, out);

  n = yb_call("no_such_op", "{}", out, sizeof out);
  CHECK(n == -901 && strstr(out, "\"UNKNOWN_OP\""), "unknown op is -901 UNKNOWN_OP", "%d %s", n, out);

  n = yb_call("trap", "", out, sizeof out);
  CHECK(n <= -1000 && strstr(out, "\"TRAP\""), "trap reported", "%d %s", n, out);
  n = yb_call("presettle", bill, out, sizeof out);
  CHECK(n > 0 && strcmp(out, expect) == 0, "same result after a trap", "%d", n);

  n = yb_call("classify", bill, out, sizeof out);
  CHECK(n > 0 && strstr(out, "\"invoice_categories\""), "classify", "%d %s", n, out);

  n = yb_call("validate", "{\"fields\":[{\"name\":\"psn_no\",\"type\":\"C(30)\",\"value\":\"123\",\"required\":true}]}", out, sizeof out);
  CHECK(n > 0 && strstr(out, "\"ok\":true"), "validate", "%d %s", n, out);

  /* GBK: 张三 = D5 C5 C8 FD */
  n = yb_call("gbk_encode", "\xe5\xbc\xa0\xe4\xb8\x89", out, sizeof out);
  CHECK(n == 4 && memcmp(out, "\xd5\xc5\xc8\xfd", 4) == 0, "gbk_encode", "%d", n);
  n = yb_call_a("json_parse", "{\"name\":\"\xd5\xc5\xc8\xfd\"}", out, sizeof out);
  CHECK(n > 0 && strcmp(out, "{\"name\":\"\xd5\xc5\xc8\xfd\"}") == 0, "yb_call_a: GBK JSON in and out", "%d %s", n, out);
  n = yb_call_a("presettle", "{\"params\":", out, sizeof out);
  /* 输入 in the message, GBK: the error JSON is converted too */
  CHECK(n == -101 && strstr(out, "JSON_SYNTAX") && !strstr(out, "\xe8"), "yb_call_a: error JSON in GBK", "%d %s", n, out);
  n = yb_call_a("json_parse", "{\"e\":\"\\ud83d\\ude00\"}", out, sizeof out);
  CHECK(n > 0 && strcmp(out, "{\"e\":\"\\ud83d\\ude00\"}") == 0, "yb_call_a: a character GBK lacks stays \\u-escaped", "%d %s", n, out);
  n = yb_call_a("xml_parse", "<?xml version=\"1.0\" encoding=\"GBK\"?><output><aac003>\xd5\xc5\xc8\xfd</aac003></output>", out, sizeof out);
  CHECK(n > 0 && strcmp(out, "{\"output\":{\"aac003\":\"\xd5\xc5\xc8\xfd\"}}") == 0, "yb_call_a: xml_parse of GBK bytes", "%d %s", n, out);
  n = yb_call_a("xml_print", "{\"output\":{\"aac003\":\"\xd5\xc5\xc8\xfd\"}}", out, sizeof out);
  CHECK(n > 0 && strstr(out, "<aac003>\xd5\xc5\xc8\xfd</aac003>"), "yb_call_a: xml_print gives GBK XML", "%d %s", n, out);
  n = yb_call("sha256", "abc", out, sizeof out);
  CHECK(n == 64 && strcmp(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0, "sha256 (hex)", "%d %s", n, out);

  /* threads: one lock around the core, traps in between */
  pthread_t t[4];
  thr_arg a[4];
  for (int i = 0; i < 4; i++) {
    a[i].bill = bill;
    a[i].expect = expect;
    a[i].bad = 0;
    pthread_create(&t[i], NULL, thr, &a[i]);
  }
  int bad = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    bad += a[i].bad;
  }
  CHECK(bad == 0, "4 threads x 200 presettles with traps in between", "%d bad results", bad);

  /* agent configuration and an agent that is not running */
  const char* env_url = getenv("YIBAO_AGENT_URL");
  char* saved = env_url ? strdup(env_url) : NULL;
  yb_config("agent_url", "");
  n = yb_call("settle", "{}", out, sizeof out);
  CHECK(n == -1063 && strstr(out, "\"AGENT_CONFIG\""), "no agent URL is -1063 AGENT_CONFIG", "%d %s", n, out);
  yb_config("agent_url", "http://127.0.0.1:9"); /* discard port: nothing listens */
  n = yb_call("settle", "{\"his_key\":\"x\",\"bill\":{}}", out, sizeof out);
  CHECK(n == -1060 && strstr(out, "\"AGENT_UNAVAILABLE\""), "agent down is -1060 AGENT_UNAVAILABLE", "%d %s", n, out);
  n = yb_call("settle", "not json", out, sizeof out);
  CHECK(n == -1003 && strstr(out, "\"BAD_INPUT\""), "a business call with bad JSON is refused locally", "%d %s", n, out);
  n = yb_config("no_such_key", "1");
  CHECK(n == -1003, "yb_config refuses unknown keys", "%d", n);
  yb_config("agent_url", saved); /* back to the environment's value */
  free(saved);

  if (argc >= 4 && strcmp(argv[2], "--agent") == 0) agent_checks(argv[3]);

  free(expect);
  free(bill);
  printf("%s (%d failed)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
