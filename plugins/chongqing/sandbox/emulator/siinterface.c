/*
 * Emulator of the Chongqing 金保 SiInterface.dll (东软, V1.02) with the vendor's exact exports:
 *
 *   int __stdcall INIT(void);                                   0 ok, -1 network / front-end failure
 *   int __stdcall BUSINESS_HANDLE(char* InputData, char* OutputData);
 *
 * InputData is the GBK pipe string `NN|field|…`; OutputData is caller-allocated (the vendor takes no
 * length: this emulator assumes SIINTERFACE_OUTBUF bytes, 64 KiB, the size yibao allocates). Return
 * 0 = the call completed (OutputData starts with 执行代码 1 / -1), -1 = system error with
 * OutputData "-1|message". The business logic is the simulated center (plugins/chongqing/sandbox),
 * reached over loopback HTTP; this file only forwards bytes.
 */
#include "../../../legacy/emulator/emu_http.h"

#ifndef SIINTERFACE_OUTBUF
#define SIINTERFACE_OUTBUF 65536
#endif

static int g_inited = 0;

EXPORT int STDCALL INIT(void) {
  int ret = -1;
  char *out = NULL;
  size_t olen = 0;
  if (emu_post("INIT", "", 0, &ret, &out, &olen) != 0) return -1;
  free(out);
  if (ret == 0) g_inited = 1;
  return ret;
}

static int fail(char *OutputData, const char *msg) {
  char line[256];
  int n = snprintf(line, sizeof line, "-1|%s", msg);
  emu_copy(OutputData, SIINTERFACE_OUTBUF, line, (size_t)n);
  return -1;
}

EXPORT int STDCALL BUSINESS_HANDLE(char *InputData, char *OutputData) {
  if (!OutputData) return -1;
  OutputData[0] = 0;
  if (!InputData) return fail(OutputData, "InputData NULL");
  int ret = -1;
  char *out = NULL;
  size_t olen = 0;
  int rc = emu_post("BUSINESS_HANDLE", InputData, strlen(InputData), &ret, &out, &olen);
  if (rc == -1) return fail(OutputData, EMU_MSG_NOCONFIG);
  if (rc == -2) return fail(OutputData, EMU_MSG_CONNECT);
  if (rc != 0) return fail(OutputData, EMU_MSG_BADREPLY);
  if (emu_copy(OutputData, SIINTERFACE_OUTBUF, out, olen) != 0) {
    free(out);
    return fail(OutputData, EMU_MSG_OVERFLOW);
  }
  free(out);
  (void)g_inited; /* the real DLL refuses calls before INIT only in some builds: the center decides */
  return ret;
}
