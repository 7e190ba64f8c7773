/*
 * Emulator of the Sichuan 城镇居民 2009 interface component: a COM-style object whose vtable exposes
 * Init / Call / Confirm / Cancel (the 2009 document's 9.1–9.4), reached through one exported factory:
 *
 *   void* __stdcall SiCom_CreateObject(void);        -> object; first field = vtable pointer
 *
 * vtable (dual-interface layout: IUnknown, IDispatch, then the methods in declaration order):
 *   0 QueryInterface  1 AddRef  2 Release  3 GetTypeInfoCount  4 GetTypeInfo  5 GetIDsOfNames  6 Invoke
 *   7 Init(self, int* appcode, char* appmsg)
 *   8 Call(self, const char* jybh, const char* jysr_xml, char* jylsh, char* jyyzm, char* jysc_xml, int* appcode, char* appmsg)
 *   9 Confirm(self, const char* jylsh, const char* jyyzm, int* appcode, char* appmsg)
 *  10 Cancel(self, const char* jylsh, int* appcode, char* appmsg)
 *  11 Destroy(self)
 * every method returns an HRESULT (0 = S_OK: the call ran; the business result is appcode: >= 0 success,
 * < 0 failure with appmsg). Out strings are caller-allocated GBK buffers of the sizes below (the real
 * component takes VARIANT/BSTR by reference: a 32-bit shim would convert; see README "guesses").
 * The business logic is the simulated center (plugins/sichuan-com/sandbox) over loopback HTTP.
 */
#include "../../../legacy/emulator/emu_http.h"

#define JYLSH_CAP 64
#define JYYZM_CAP 64
#define XML_CAP 65536
#define MSG_CAP 1024
#define SEP '\x01' /* never a GBK byte: separates the fields of the loopback messages */

typedef struct SiCom SiCom;
typedef struct SiComVtbl {
  long(STDCALL *QueryInterface)(SiCom *self, const void *riid, void **ppv);
  unsigned long(STDCALL *AddRef)(SiCom *self);
  unsigned long(STDCALL *Release)(SiCom *self);
  long(STDCALL *GetTypeInfoCount)(SiCom *self, unsigned int *n);
  long(STDCALL *GetTypeInfo)(SiCom *self, unsigned int i, unsigned long lcid, void **info);
  long(STDCALL *GetIDsOfNames)(SiCom *self, const void *riid, void *names, unsigned int n, unsigned long lcid, long *ids);
  long(STDCALL *Invoke)(SiCom *self, long id, const void *riid, unsigned long lcid, unsigned short flags, void *params, void *result, void *exc, unsigned int *argerr);
  long(STDCALL *Init)(SiCom *self, int *appcode, char *appmsg);
  long(STDCALL *Call)(SiCom *self, const char *jybh, const char *jysr_xml, char *jylsh, char *jyyzm, char *jysc_xml, int *appcode, char *appmsg);
  long(STDCALL *Confirm)(SiCom *self, const char *jylsh, const char *jyyzm, int *appcode, char *appmsg);
  long(STDCALL *Cancel)(SiCom *self, const char *jylsh, int *appcode, char *appmsg);
  long(STDCALL *Destroy)(SiCom *self);
} SiComVtbl;

struct SiCom {
  const SiComVtbl *lpVtbl;
  long refs;
  int inited;
};

#define E_NOTIMPL ((long)0x80004001L)
#define E_NOINTERFACE ((long)0x80004002L)

static long STDCALL QueryInterface(SiCom *self, const void *riid, void **ppv) {
  (void)riid;
  if (ppv) *ppv = self;
  self->refs++;
  return 0;
}
static unsigned long STDCALL AddRef(SiCom *self) { return (unsigned long)++self->refs; }
static unsigned long STDCALL Release(SiCom *self) {
  long r = --self->refs;
  /* the object is static: never freed, so a stray Release cannot make the next call use freed memory */
  return (unsigned long)(r < 0 ? 0 : r);
}
static long STDCALL GetTypeInfoCount(SiCom *self, unsigned int *n) {
  (void)self;
  if (n) *n = 0;
  return 0;
}
static long STDCALL GetTypeInfo(SiCom *self, unsigned int i, unsigned long lcid, void **info) {
  (void)self, (void)i, (void)lcid, (void)info;
  return E_NOTIMPL;
}
static long STDCALL GetIDsOfNames(SiCom *self, const void *riid, void *names, unsigned int n, unsigned long lcid, long *ids) {
  (void)self, (void)riid, (void)names, (void)n, (void)lcid, (void)ids;
  return E_NOTIMPL;
}
static long STDCALL Invoke(SiCom *self, long id, const void *riid, unsigned long lcid, unsigned short flags, void *params, void *result, void *exc,
                           unsigned int *argerr) {
  (void)self, (void)id, (void)riid, (void)lcid, (void)flags, (void)params, (void)result, (void)exc, (void)argerr;
  return E_NOTIMPL;
}

static void set_msg(char *appmsg, const char *m) { emu_copy(appmsg, MSG_CAP, m, strlen(m)); }

/* Posts `op` with the fields joined by SEP; on success: *appcode = ret, *fields = payload split by SEP. */
static int forward(const char *op, const char *const *parts, int nparts, int *appcode, char *appmsg, char **payload, size_t *plen) {
  size_t len = 0;
  for (int i = 0; i < nparts; i++) len += strlen(parts[i]) + 1;
  char *body = (char *)malloc(len + 1);
  if (!body) return -1;
  size_t at = 0;
  for (int i = 0; i < nparts; i++) {
    size_t n = strlen(parts[i]);
    memcpy(body + at, parts[i], n);
    at += n;
    if (i + 1 < nparts) body[at++] = SEP;
  }
  body[at] = 0;
  int ret = -1;
  int rc = emu_post(op, body, at, &ret, payload, plen);
  free(body);
  if (rc == -1) {
    *appcode = -1;
    set_msg(appmsg, EMU_MSG_NOCONFIG);
    return -1;
  }
  if (rc != 0) {
    *appcode = -1;
    set_msg(appmsg, rc == -2 ? EMU_MSG_CONNECT : EMU_MSG_BADREPLY);
    return -1;
  }
  *appcode = ret;
  return 0;
}

/* Next SEP-terminated field of the payload (advances *p). */
static const char *field(char **p, size_t *len) {
  char *s = *p;
  char *e = (char *)memchr(s, SEP, strlen(s));
  if (e) {
    *e = 0;
    *p = e + 1;
  } else {
    *p = s + strlen(s);
  }
  *len = strlen(s);
  return s;
}

static long STDCALL Init(SiCom *self, int *appcode, char *appmsg) {
  char *payload = NULL;
  size_t plen = 0;
  const char *parts[] = {""};
  if (!appcode || !appmsg) return E_NOTIMPL;
  if (forward("Init", parts, 1, appcode, appmsg, &payload, &plen) == 0) {
    emu_copy(appmsg, MSG_CAP, payload, plen);
    if (*appcode >= 0) self->inited = 1;
  }
  free(payload);
  return 0;
}

static long STDCALL Call(SiCom *self, const char *jybh, const char *jysr_xml, char *jylsh, char *jyyzm, char *jysc_xml, int *appcode, char *appmsg) {
  (void)self;
  if (!jybh || !jysr_xml || !jylsh || !jyyzm || !jysc_xml || !appcode || !appmsg) return E_NOTIMPL;
  jylsh[0] = jyyzm[0] = jysc_xml[0] = appmsg[0] = 0;
  char *payload = NULL;
  size_t plen = 0;
  const char *parts[] = {jybh, jysr_xml};
  if (forward("Call", parts, 2, appcode, appmsg, &payload, &plen) == 0) {
    char *p = payload;
    size_t n;
    const char *f = field(&p, &n);
    emu_copy(jylsh, JYLSH_CAP, f, n);
    f = field(&p, &n);
    emu_copy(jyyzm, JYYZM_CAP, f, n);
    f = field(&p, &n);
    emu_copy(appmsg, MSG_CAP, f, n);
    n = strlen(p);
    if (emu_copy(jysc_xml, XML_CAP, p, n) != 0) {
      /* the transaction happened at the center but its output does not fit: it stays uncertain (98) */
      jysc_xml[0] = 0;
      *appcode = -1;
      set_msg(appmsg, EMU_MSG_OVERFLOW);
    }
  }
  free(payload);
  return 0;
}

static long STDCALL Confirm(SiCom *self, const char *jylsh, const char *jyyzm, int *appcode, char *appmsg) {
  (void)self;
  if (!jylsh || !jyyzm || !appcode || !appmsg) return E_NOTIMPL;
  char *payload = NULL;
  size_t plen = 0;
  const char *parts[] = {jylsh, jyyzm};
  if (forward("Confirm", parts, 2, appcode, appmsg, &payload, &plen) == 0) emu_copy(appmsg, MSG_CAP, payload, plen);
  free(payload);
  return 0;
}

static long STDCALL Cancel(SiCom *self, const char *jylsh, int *appcode, char *appmsg) {
  (void)self;
  if (!jylsh || !appcode || !appmsg) return E_NOTIMPL;
  char *payload = NULL;
  size_t plen = 0;
  const char *parts[] = {jylsh};
  if (forward("Cancel", parts, 1, appcode, appmsg, &payload, &plen) == 0) emu_copy(appmsg, MSG_CAP, payload, plen);
  free(payload);
  return 0;
}

static long STDCALL Destroy(SiCom *self) {
  self->inited = 0;
  return 0;
}

static const SiComVtbl VTBL = {QueryInterface, AddRef, Release, GetTypeInfoCount, GetTypeInfo, GetIDsOfNames, Invoke, Init, Call, Confirm, Cancel, Destroy};
static SiCom OBJECT = {&VTBL, 1, 0};

EXPORT void *STDCALL SiCom_CreateObject(void) {
  OBJECT.refs++;
  return &OBJECT;
}
