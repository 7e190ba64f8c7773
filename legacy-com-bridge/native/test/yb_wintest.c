/* 32-bit Windows test of yibao32.dll / yh_yibao32.dll, run under wine by native.test.ts.
 *
 *   yb_wintest32.exe DIR BILL.json [--presettle]
 *
 * Loads DIR\yibao32.dll with LoadLibraryA and resolves the undecorated __stdcall exports with
 * GetProcAddress, as PowerBuilder and Delphi do. Prints "ok ..." / "FAIL ..." lines; exit 1 on failure.
 * With --presettle it prints only the raw presettle result (byte comparisons).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

typedef const char*(__stdcall* version_fn)(void);
typedef int(__stdcall* call_fn)(const char*, const char*, char*, int);
typedef int(__stdcall* last_fn)(char*, int);
typedef int(__stdcall* config_fn)(const char*, const char*);
typedef void(__stdcall* yh_init_fn)(int*, char*);

static int failures = 0;
#define CHECK(cond, what, ...)             \
  do {                                     \
    if (cond) printf("ok %s\n", what);     \
    else {                                 \
      printf("FAIL %s: ", what);           \
      printf(__VA_ARGS__);                 \
      printf("\n");                        \
      failures++;                          \
    }                                      \
  } while (0)

static char* slurp(const char* path) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    printf("FAIL cannot open %s\n", path);
    exit(1);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* b = malloc((size_t)n + 1);
  n = (long)fread(b, 1, (size_t)n, f);
  b[n] = '\0';
  fclose(f);
  return b;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: yb_wintest32.exe DIR BILL.json [--presettle]\n");
    return 1;
  }
  char path[MAX_PATH];
  snprintf(path, sizeof path, "%s\\yibao32.dll", argv[1]);
  HMODULE h = LoadLibraryA(path);
  if (!h) {
    printf("FAIL LoadLibraryA(%s) error %lu\n", path, GetLastError());
    return 1;
  }
  version_fn yb_version = (version_fn)(void*)GetProcAddress(h, "yb_version");
  call_fn yb_call = (call_fn)(void*)GetProcAddress(h, "yb_call");
  call_fn yb_call_a = (call_fn)(void*)GetProcAddress(h, "yb_call_a");
  last_fn yb_last_result = (last_fn)(void*)GetProcAddress(h, "yb_last_result");
  config_fn yb_config = (config_fn)(void*)GetProcAddress(h, "yb_config");
  char* bill = slurp(argv[2]);
  static char out[1 << 16];
  if (argc >= 4 && strcmp(argv[3], "--presettle") == 0) {
    int n = yb_call ? yb_call("presettle", bill, out, sizeof out) : -1;
    fwrite(out, 1, strlen(out), stdout);
    return n >= 0 ? 0 : 2;
  }
  CHECK(yb_version && yb_call && yb_call_a && yb_last_result && yb_config, "undecorated __stdcall exports resolve", "missing export");
  if (!yb_call) return 1;
  printf("sizeof(void*)=%u\n", (unsigned)sizeof(void*));
  CHECK(sizeof(void*) == 4, "32-bit process", "%u", (unsigned)sizeof(void*));
  const char* v = yb_version();
  CHECK(v && strchr(v, '.'), "yb_version", "%s", v ? v : "(null)");
  int n = yb_call("presettle", bill, out, sizeof out);
  CHECK(n > 0 && strstr(out, "\"setlinfo\""), "presettle", "%d %s", n, out);
  char* expect = _strdup(out);
  char tiny[8];
  int m = yb_call("presettle", bill, tiny, sizeof tiny);
  CHECK(m == n && strlen(tiny) == 7, "snprintf-style truncation", "%d", m);
  m = yb_last_result(out, sizeof out);
  CHECK(m == n && strcmp(out, expect) == 0, "yb_last_result", "%d", m);
  n = yb_call("trap", "", out, sizeof out);
  CHECK(n <= -1000 && strstr(out, "\"TRAP\""), "trap reported (setjmp/longjmp in a 32-bit process)", "%d %s", n, out);
  n = yb_call("presettle", bill, out, sizeof out);
  CHECK(n > 0 && strcmp(out, expect) == 0, "same result after the trap", "%d", n);
  n = yb_call_a("json_parse", "{\"name\":\"\xd5\xc5\xc8\xfd\"}", out, sizeof out);
  CHECK(n > 0 && strcmp(out, "{\"name\":\"\xd5\xc5\xc8\xfd\"}") == 0, "yb_call_a (GBK)", "%d %s", n, out);
  yb_config("agent_url", "http://127.0.0.1:9");
  n = yb_call("settle", "{\"his_key\":\"w\",\"bill\":{}}", out, sizeof out);
  CHECK(n == -1060 && strstr(out, "AGENT_UNAVAILABLE"), "agent down over Winsock is -1060 AGENT_UNAVAILABLE", "%d %s", n, out);

  LARGE_INTEGER f, a, b;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&a);
  for (int i = 0; i < 200; i++) yb_call("presettle", bill, out, sizeof out);
  QueryPerformanceCounter(&b);
  printf("presettle %.1f us/call (32-bit)\n", (double)(b.QuadPart - a.QuadPart) * 1e6 / (double)f.QuadPart / 200.0);

  snprintf(path, sizeof path, "%s\\yh_yibao32.dll", argv[1]);
  HMODULE y = LoadLibraryA(path);
  CHECK(y != NULL, "yh_yibao32.dll loads", "error %lu", GetLastError());
  if (y) {
    const char* names[] = {"yh_interface_init", "yh_interface_call", "yh_interface_confirm", "yh_interface_cancel", "yh_interface_getuncertaintytrade",
                           "yh_interface_destroy"};
    int all = 1;
    for (int i = 0; i < 6; i++)
      if (!GetProcAddress(y, names[i])) all = 0;
    CHECK(all, "Yinhai exports resolve by their plain names", "missing");
    CHECK(GetProcAddress(y, "yb_call") == NULL, "yh_yibao32.dll exports nothing but yh_*", "yb_call exported");
    yh_init_fn init = (yh_init_fn)(void*)GetProcAddress(y, "yh_interface_init");
    int appcode = 99;
    char msg[512];
    SetEnvironmentVariableA("YIBAO_AGENT_URL", "http://127.0.0.1:9");
    _putenv("YIBAO_AGENT_URL=http://127.0.0.1:9");
    if (init) init(&appcode, msg);
    CHECK(appcode < 0 && strlen(msg) > 0, "yh_interface_init with the agent down: appcode < 0 and a GBK message", "%d", appcode);
  }
  printf("%s (%d failed)\n", failures ? "FAILED" : "PASSED", failures);
  return failures ? 1 : 0;
}
