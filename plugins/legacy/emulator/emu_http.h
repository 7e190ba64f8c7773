/*
 * Shared part of the yibao vendor-library emulators: a tiny blocking HTTP/1.0 client that forwards one
 * vendor call to the simulated center over loopback (see plugins/legacy/emu-server.ts).
 *
 * Where the center is: $YIBAO_EMULATOR_URL (http://127.0.0.1:PORT), else `url=` in emulator.ini beside
 * the library, else emulator.ini in the current directory (vendor DLLs read INI files the same way).
 * Answer: "<ret>\n<output bytes>". ret -9001 = crash on purpose, -9002 = hang on purpose (fault tests).
 * Messages written by the emulator itself are GBK byte strings (the HIS side decodes GBK).
 *
 * Linux/macOS; the _WIN32 branches (winsock) are written for mingw but not exercised in CI.
 */
#ifndef YIBAO_EMU_HTTP_H
#define YIBAO_EMU_HTTP_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#define EXPORT __declspec(dllexport)
#define STDCALL __stdcall
typedef SOCKET emu_sock;
#define EMU_BAD_SOCK INVALID_SOCKET
#define emu_close closesocket
static void emu_sleep_forever(void) { for (;;) Sleep(1000); }
#else
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#define EXPORT __attribute__((visibility("default")))
#define STDCALL
typedef int emu_sock;
#define EMU_BAD_SOCK (-1)
#define emu_close close
static void emu_sleep_forever(void) { for (;;) sleep(1000); }
#endif

#define EMU_CRASH (-9001)
#define EMU_HANG (-9002)

/* GBK texts: 沙箱中心连接失败 / 沙箱中心应答无效 / 沙箱中心未配置 / 输出缓冲区不足 / 成功 */
#define EMU_MSG_CONNECT "\xc9\xb3\xcf\xe4\xd6\xd0\xd0\xc4\xc1\xac\xbd\xd3\xca\xa7\xb0\xdc"
#define EMU_MSG_BADREPLY "\xc9\xb3\xcf\xe4\xd6\xd0\xd0\xc4\xd3\xa6\xb4\xf0\xce\xde\xd0\xa7"
#define EMU_MSG_NOCONFIG "\xc9\xb3\xcf\xe4\xd6\xd0\xd0\xc4\xce\xb4\xc5\xe4\xd6\xc3" "(YIBAO_EMULATOR_URL / emulator.ini)"
#define EMU_MSG_OVERFLOW "\xca\xe4\xb3\xf6\xbb\xba\xb3\xe5\xc7\xf8\xb2\xbb\xd7\xe3"
#define EMU_MSG_OK "\xb3\xc9\xb9\xa6"

/* Copies at most cap-1 bytes and a NUL; returns 0, or -1 when it did not fit (dst gets a prefix). */
static int emu_copy(char *dst, size_t cap, const char *src, size_t len) {
  if (!dst || cap == 0) return -1;
  size_t n = len < cap - 1 ? len : cap - 1;
  memcpy(dst, src, n);
  dst[n] = 0;
  return len < cap ? 0 : -1;
}

/* a NULL the optimizer cannot see through (a literal NULL store may be dropped as undefined behaviour) */
static volatile size_t emu_null_address = 0;

static void emu_crash(void) {
  volatile int *p = (volatile int *)emu_null_address;
  *p = 42; /* segfault on purpose: the bridge must contain it */
}

/* Parses "http://HOST:PORT[/]" into an IPv4 address and port. */
static int emu_parse_url(const char *url, char *host, size_t hostcap, int *port) {
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  const char *colon = strchr(p, ':');
  if (!colon || (size_t)(colon - p) >= hostcap) return -1;
  memcpy(host, p, (size_t)(colon - p));
  host[colon - p] = 0;
  *port = atoi(colon + 1);
  return *port > 0 ? 0 : -1;
}

static int emu_read_ini(const char *path, char *url, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  char line[512];
  int found = -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "url=", 4) == 0) {
      char *v = line + 4;
      v[strcspn(v, "\r\n")] = 0;
      emu_copy(url, cap, v, strlen(v));
      found = 0;
      break;
    }
  }
  fclose(f);
  return found;
}

static int emu_endpoint(char *host, size_t hostcap, int *port) {
  char url[512] = {0};
  const char *env = getenv("YIBAO_EMULATOR_URL");
  if (env && *env) emu_copy(url, sizeof url, env, strlen(env));
#ifndef _WIN32
  if (!url[0]) {
    Dl_info info;
    if (dladdr((void *)&emu_endpoint, &info) && info.dli_fname) {
      char path[1024];
      emu_copy(path, sizeof path, info.dli_fname, strlen(info.dli_fname));
      char *slash = strrchr(path, '/');
      if (slash) {
        slash[1] = 0;
        if (strlen(path) + 13 < sizeof path) {
          strcat(path, "emulator.ini");
          emu_read_ini(path, url, sizeof url);
        }
      }
    }
  }
#endif
  if (!url[0]) emu_read_ini("emulator.ini", url, sizeof url);
  if (!url[0]) return -1;
  return emu_parse_url(url, host, hostcap, port);
}

/*
 * POSTs body to /op. On success returns 0 with *ret and a malloc'd *out (NUL-terminated, *out_len
 * bytes without the NUL). Returns -1 (no config), -2 (connection failed / dropped), -3 (bad answer).
 * The fault codes never return.
 */
static int emu_post(const char *op, const void *body, size_t len, int *ret, char **out, size_t *out_len) {
  char host[128];
  int port = 0;
  *out = NULL;
  *out_len = 0;
  if (emu_endpoint(host, sizeof host, &port) != 0) return -1;
#ifdef _WIN32
  static int wsa = 0;
  if (!wsa) {
    WSADATA d;
    WSAStartup(MAKEWORD(2, 2), &d);
    wsa = 1;
  }
#endif
  emu_sock s = socket(AF_INET, SOCK_STREAM, 0);
  if (s == EMU_BAD_SOCK) return -2;
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = inet_addr(host);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
    emu_close(s);
    return -2;
  }
  char head[512];
  int hl = snprintf(head, sizeof head,
                    "POST /%s HTTP/1.0\r\nHost: %s:%d\r\nContent-Type: application/octet-stream\r\nContent-Length: %lu\r\n\r\n", op,
                    host, port, (unsigned long)len);
  if (send(s, head, hl, 0) != hl) {
    emu_close(s);
    return -2;
  }
  size_t sent = 0;
  while (sent < len) {
    int n = (int)send(s, (const char *)body + sent, (int)(len - sent), 0);
    if (n <= 0) {
      emu_close(s);
      return -2;
    }
    sent += (size_t)n;
  }
  size_t cap = 65536, got = 0;
  char *buf = (char *)malloc(cap + 1);
  if (!buf) {
    emu_close(s);
    return -2;
  }
  for (;;) {
    if (got == cap) {
      char *nb = (char *)realloc(buf, cap * 2 + 1);
      if (!nb) {
        free(buf);
        emu_close(s);
        return -2;
      }
      buf = nb;
      cap *= 2;
    }
    int n = (int)recv(s, buf + got, (int)(cap - got), 0);
    if (n < 0) {
      free(buf);
      emu_close(s);
      return -2;
    }
    if (n == 0) break;
    got += (size_t)n;
  }
  emu_close(s);
  buf[got] = 0;
  if (got == 0) {
    free(buf);
    return -2; /* the center dropped the connection: outcome unknown */
  }
  char *sep = strstr(buf, "\r\n\r\n");
  if (!sep || strncmp(buf, "HTTP/1.", 7) != 0 || strncmp(buf + 9, "200", 3) != 0) {
    free(buf);
    return -3;
  }
  char *b = sep + 4;
  char *nl = strchr(b, '\n');
  if (!nl) {
    free(buf);
    return -3;
  }
  *ret = atoi(b);
  if (*ret == EMU_CRASH) emu_crash();
  if (*ret == EMU_HANG) emu_sleep_forever();
  size_t olen = got - (size_t)(nl + 1 - buf);
  char *o = (char *)malloc(olen + 1);
  if (!o) {
    free(buf);
    return -2;
  }
  memcpy(o, nl + 1, olen);
  o[olen] = 0;
  free(buf);
  *out = o;
  *out_len = olen;
  return 0;
}

#endif
