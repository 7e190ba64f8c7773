/* yibao core, native wrapper over the wasm2c 1.0.32 translation of core.wasm (`wasm2c -n core`).
 * The contract is documented in yb_native.h; the build in build.sh and README.md.
 *
 * Rules that this file keeps (see toolchain-notes §2):
 * - One global lock around everything: the 1.0.32 runtime has a *global* jmp_buf
 *   (wasm_rt_jmp_buf) and a global call-depth counter, so only one call may run at a time.
 * - Module init is tracked here: with WASM_RT_MEMCHECK_SIGNAL_HANDLER=0,
 *   wasm_rt_is_initialized() always returns true, so it cannot tell us anything.
 * - Every call into wasm (including instantiation, which runs the start function) happens
 *   after wasm_rt_impl_try(); a trap longjmps back, the instance is freed and the next call
 *   instantiates a fresh one (the AS heap may be inconsistent after a trap).
 * - Linear memory is re-read after each call into wasm: memory.grow reallocs it.
 * - No signal handler: this library is loaded into foreign processes (V8, PowerBuilder, ...).
 */
#define YB_BUILDING_DLL 1
#include "yb_native.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wasm-rt.h"
#include "wasm-rt-impl.h"
#include "core.h"

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
#error "build with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 (no process-wide signal handler in a library)"
#endif

/* ---- lock ---------------------------------------------------------------------------------- */
#include "yb_lock.h"
static yb_mutex_t g_mutex = YB_MUTEX_INIT;
static void yb_lock(void) { yb_mutex_lock(&g_mutex); }
static void yb_unlock(void) { yb_mutex_unlock(&g_mutex); }

/* ---- state (only touched under the lock) --------------------------------------------------- */
static int g_module_init = 0;
static Z_core_instance_t g_inst;
/* 0 = no instance, 1 = instantiating (memory may be allocated), 2 = ready. volatile: it is read
 * after a longjmp. */
static volatile int g_inst_state = 0;

static void copy_out(const uint8_t* src, uint32_t len, char* out, int outcap) {
  if (out == NULL || outcap <= 0) return;
  uint32_t n = len < (uint32_t)(outcap - 1) ? len : (uint32_t)(outcap - 1);
  if (n) memcpy(out, src, n);
  out[n] = '\0';
}

static void put_str(char* buf, size_t cap, size_t* k, const char* s) {
  while (*s) {
    if (*k + 1 < cap) buf[*k] = *s;
    (*k)++;
    s++;
  }
}

/* {"status":1005,"code":"TRAP","message_zh":"...","message_en":"...","detail":"<wasm_rt_strerror>"} */
static int write_trap(wasm_rt_trap_t trap, char* out, int outcap, char** dyn) {
  char buf[512];
  size_t k = 0;
  char num[16];
  int code = YB_TRAP_BASE + (int)trap;
  int i = 0, v = code;
  char rev[16];
  do { rev[i++] = (char)('0' + v % 10); v /= 10; } while (v > 0);
  for (int j = 0; j < i; j++) num[j] = rev[i - 1 - j];
  num[i] = '\0';
  put_str(buf, sizeof buf, &k, "{\"status\":");
  put_str(buf, sizeof buf, &k, num);
  put_str(buf, sizeof buf, &k, ",\"code\":\"TRAP\",\"message_zh\":\"");
  /* 核心运行陷阱，实例已重建 (escaped so the source is plain ASCII for every compiler) */
  put_str(buf, sizeof buf, &k,
          "\xe6\xa0\xb8\xe5\xbf\x83\xe8\xbf\x90\xe8\xa1\x8c\xe9\x99\xb7\xe9\x98\xb1\xef\xbc\x8c"
          "\xe5\xae\x9e\xe4\xbe\x8b\xe5\xb7\xb2\xe9\x87\x8d\xe5\xbb\xba");
  put_str(buf, sizeof buf, &k, "\",\"message_en\":\"core trapped; the instance was recreated\",\"detail\":\"");
  put_str(buf, sizeof buf, &k, wasm_rt_strerror(trap)); /* plain ASCII, no quotes */
  put_str(buf, sizeof buf, &k, "\"}");
  if (k >= sizeof buf) k = sizeof buf - 1;
  if (dyn != NULL) {
    *dyn = (char*)malloc(k + 1);
    copy_out((const uint8_t*)buf, (uint32_t)k, *dyn, (int)k + 1);
  } else {
    copy_out((const uint8_t*)buf, (uint32_t)k, out, outcap);
  }
  return -code;
}

/* One call; the lock is held by the caller. With dyn != NULL the whole result is copied to a
 * malloc'd, NUL-terminated *dyn instead of out/outcap (*dyn stays NULL if malloc fails). */
static int call_locked(int op, const char* in, uint32_t inlen, char* out, int outcap, char** dyn) {
  wasm_rt_trap_t trap;
  if (!g_module_init) {
    wasm_rt_init();
    Z_core_init_module();
    g_module_init = 1;
  }
  trap = (wasm_rt_trap_t)wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    /* back from a longjmp: drop the instance, a fresh one is made on the next call */
    if (g_inst_state != 0) Z_core_free(&g_inst);
    g_inst_state = 0;
    return write_trap(trap, out, outcap, dyn);
  }
  if (g_inst_state != 2) {
    g_inst_state = 1;
    Z_core_instantiate(&g_inst); /* runs the start function: may trap */
    g_inst_state = 2;
  }

  u32 p = Z_coreZ_yb_alloc(&g_inst, inlen);
  wasm_rt_memory_t* mem = Z_coreZ_memory(&g_inst); /* after alloc: memory may have grown */
  if ((uint64_t)p + inlen > mem->size) wasm_rt_trap(WASM_RT_TRAP_OOB);
  if (inlen) memcpy(mem->data + p, in, inlen);

  int32_t n = (int32_t)Z_coreZ_yb_call(&g_inst, (u32)op, p, inlen);
  Z_coreZ_yb_free(&g_inst, p);

  u32 rp = Z_coreZ_yb_result_ptr(&g_inst);
  u32 rl = Z_coreZ_yb_result_len(&g_inst);
  mem = Z_coreZ_memory(&g_inst); /* re-read: data may have been realloc'd */
  if ((uint64_t)rp + rl > mem->size || rl > 0x7fffffffu) wasm_rt_trap(WASM_RT_TRAP_OOB);
  if (dyn != NULL) {
    *dyn = (char*)malloc((size_t)rl + 1);
    copy_out(mem->data + rp, rl, *dyn, *dyn != NULL ? (int)rl + 1 : 0);
  } else {
    copy_out(mem->data + rp, rl, out, outcap);
  }
  return n >= 0 ? (int)rl : (int)n;
}

YB_API int YB_CC yb_core_call(int op, const char* in, int inlen, char* out, int outcap) {
  uint32_t len;
  if (in == NULL) len = 0;
  else if (inlen < 0) len = (uint32_t)strlen(in);
  else len = (uint32_t)inlen;
  if (out != NULL && outcap > 0) out[0] = '\0';
  yb_lock();
  int r = call_locked(op, in, len, out, outcap, NULL);
  yb_unlock();
  return r;
}

int yb_core_call_alloc(int op, const char* in, int inlen, char** out) {
  uint32_t len;
  if (in == NULL) len = 0;
  else if (inlen < 0) len = (uint32_t)strlen(in);
  else len = (uint32_t)inlen;
  *out = NULL;
  yb_lock();
  int r = call_locked(op, in, len, NULL, 0, out);
  yb_unlock();
  return r;
}

static char g_version[64];

YB_API const char* YB_CC yb_core_version(void) {
  yb_lock();
  if (g_version[0] == '\0') {
    char buf[512];
    int n = call_locked(0, "", 0, buf, (int)sizeof buf, NULL);
    /* op 0: {"name":"yibao-core","version":"0.1.0","abi":1} */
    const char* key = "\"version\":\"";
    const char* s = n > 0 && n < (int)sizeof buf ? strstr(buf, key) : NULL;
    if (s != NULL) {
      s += strlen(key);
      size_t k = 0;
      while (s[k] && s[k] != '"' && k + 1 < sizeof g_version) {
        g_version[k] = s[k];
        k++;
      }
      g_version[k] = '\0';
    }
  }
  const char* v = g_version[0] ? g_version : "unknown";
  yb_unlock();
  return v;
}

YB_API void YB_CC yb_core_reset(void) {
  yb_lock();
  if (g_inst_state != 0) Z_core_free(&g_inst);
  g_inst_state = 0;
  yb_unlock();
}
