/* ybcall: run one core op through the native library (libyibao_core / yibao_core.dll).
 *
 *   ybcall [--trap-then] [--bench N] OP  < input > output
 *   ybcall --version
 *
 * Reads stdin fully, calls yb_core_call(OP, input), writes the raw result bytes to stdout.
 * Exit codes: 0 success (result bytes on stdout)
 *             2 core error (error JSON on stdout)
 *             3 trap (trap JSON on stdout; the library has already recreated its instance)
 *             1 usage or I/O error (message on stderr)
 *             4 --trap-then: the op 99 probe did not trap
 * --trap-then  first calls op 99 (which always traps) in this same process, checks it trapped,
 *              then runs OP: proves the library recovers from a trap in-process.
 * --bench N    runs OP N more times after the real call and prints ns/call to stderr.
 */
#include "yb_native.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>
static double now_ns(void) {
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart * 1e9 / (double)f.QuadPart;
}
#else
#include <time.h>
static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
#endif

static int usage(void) {
  fprintf(stderr, "usage: ybcall [--trap-then] [--bench N] OP < input > output\n"
                  "       ybcall --version\n");
  return 1;
}

static char* read_all(FILE* f, size_t* len) {
  size_t cap = 65536, n = 0;
  char* buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n == cap) {
      cap *= 2;
      char* nb = realloc(buf, cap);
      if (!nb) { free(buf); return NULL; }
      buf = nb;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) {
      if (ferror(f)) { free(buf); return NULL; }
      break;
    }
  }
  *len = n;
  return buf;
}

/* snprintf-style call with a growing buffer; *out is malloc'd, *outlen the bytes in it */
static int call_grow(int op, const char* in, int inlen, char** out, int* outcap, int* outlen) {
  for (;;) {
    int rc = yb_core_call(op, in, inlen, *out, *outcap);
    if (rc >= 0 && rc >= *outcap) { /* truncated: grow and run again (ops are pure) */
      char* nb = realloc(*out, (size_t)rc + 1);
      if (!nb) return INT_MIN;
      *out = nb;
      *outcap = rc + 1;
      continue;
    }
    *outlen = rc >= 0 ? rc : (int)strlen(*out); /* error/trap JSON is NUL-terminated text */
    return rc;
  }
}

int main(int argc, char** argv) {
  int trap_then = 0;
  long bench = 0;
  int i = 1;
#ifdef _WIN32
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
#endif
  for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
    if (strcmp(argv[i], "--trap-then") == 0) trap_then = 1;
    else if (strcmp(argv[i], "--bench") == 0 && i + 1 < argc) bench = strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--version") == 0) { printf("%s\n", yb_core_version()); return 0; }
    else return usage();
  }
  if (i != argc - 1) return usage();
  char* end = NULL;
  errno = 0;
  long op = strtol(argv[i], &end, 10);
  if (errno || end == argv[i] || *end != '\0' || op < -2147483647L - 1 || op > 2147483647L) return usage();

  size_t inlen = 0;
  char* in = read_all(stdin, &inlen);
  if (!in) { fprintf(stderr, "ybcall: cannot read stdin\n"); return 1; }
  if (inlen > 0x7fffffff) { fprintf(stderr, "ybcall: input too large\n"); return 1; }

  int outcap = 65536, outlen = 0;
  char* out = malloc((size_t)outcap);
  if (!out) { fprintf(stderr, "ybcall: out of memory\n"); return 1; }

  if (trap_then) {
    int t = yb_core_call(99, "", 0, out, outcap);
    if (t > -YB_TRAP_BASE) {
      fprintf(stderr, "ybcall: --trap-then: op 99 returned %d, expected a trap (<= -%d)\n", t, YB_TRAP_BASE);
      return 4;
    }
    fprintf(stderr, "ybcall: trap rc=%d %s\n", t, out);
  }

  int rc = call_grow((int)op, in, (int)inlen, &out, &outcap, &outlen);
  if (rc == INT_MIN) { fprintf(stderr, "ybcall: out of memory\n"); return 1; }

  if (bench > 0) {
    double t0 = now_ns();
    for (long k = 0; k < bench; k++) yb_core_call((int)op, in, (int)inlen, out, outcap);
    double dt = now_ns() - t0;
    fprintf(stderr, "ybcall: op %ld, %ld calls, %.0f ns/call\n", op, bench, dt / (double)bench);
  }

  if (outlen > 0 && fwrite(out, 1, (size_t)outlen, stdout) != (size_t)outlen) {
    fprintf(stderr, "ybcall: write error\n");
    return 1;
  }
  if (fflush(stdout) != 0) { fprintf(stderr, "ybcall: write error\n"); return 1; }
  free(in);
  free(out);
  if (rc <= -YB_TRAP_BASE) return 3;
  if (rc < 0) return 2;
  return 0;
}
