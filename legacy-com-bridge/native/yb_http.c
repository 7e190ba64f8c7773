/* Tiny HTTP/1.1 client over BSD sockets / Winsock: see yb_http.h. */
#include "yb_http.h"
#include "yb_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
typedef SOCKET sock_t;
#define BAD_SOCK INVALID_SOCKET
#define sock_close closesocket
static int sock_err(void) { return WSAGetLastError(); }
#define ERR_INPROGRESS(e) ((e) == WSAEWOULDBLOCK || (e) == WSAEINPROGRESS)
#define ERR_AGAIN(e) ((e) == WSAEWOULDBLOCK || (e) == WSAEINTR)
static volatile LONG g_wsa = 0; /* 0 none, 1 starting, 2 ready, 3 failed */
static int net_init(void) {
  if (g_wsa == 2) return 1;
  if (InterlockedCompareExchange(&g_wsa, 1, 0) == 0) {
    WSADATA d;
    InterlockedExchange(&g_wsa, WSAStartup(MAKEWORD(2, 2), &d) == 0 ? 2 : 3);
  } else {
    while (g_wsa == 1) Sleep(0);
  }
  return g_wsa == 2;
}
static unsigned long now_ms(void) { return (unsigned long)GetTickCount(); }
static int set_nonblock(sock_t s) {
  u_long on = 1;
  return ioctlsocket(s, FIONBIO, &on) == 0;
}
#define SEND_FLAGS 0
#else
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
typedef int sock_t;
#define BAD_SOCK (-1)
#define sock_close close
static int sock_err(void) { return errno; }
#define ERR_INPROGRESS(e) ((e) == EINPROGRESS)
#define ERR_AGAIN(e) ((e) == EAGAIN || (e) == EWOULDBLOCK || (e) == EINTR)
static int net_init(void) { return 1; }
static unsigned long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long)ts.tv_sec * 1000ul + (unsigned long)(ts.tv_nsec / 1000000);
}
static int set_nonblock(sock_t s) {
  int fl = fcntl(s, F_GETFL, 0);
  return fl >= 0 && fcntl(s, F_SETFL, fl | O_NONBLOCK) == 0;
}
#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL /* a closed peer must not SIGPIPE the host process */
#else
#define SEND_FLAGS 0
#endif
#endif

static void seterr(char* err, size_t cap, const char* fmt, const char* a, long b) {
  if (err && cap) snprintf(err, cap, fmt, a, b);
}

/* ms left until deadline, 0 when passed */
static long left(unsigned long deadline) {
  long d = (long)(deadline - now_ms());
  return d > 0 ? d : 0;
}

/* waits for readability (rd=1) or writability; 1 ready, 0 timeout, -1 error */
static int wait_sock(sock_t s, int rd, unsigned long deadline) {
  for (;;) {
    long ms = left(deadline);
    if (ms <= 0) return 0;
    fd_set fs, ex;
    FD_ZERO(&fs);
    FD_SET(s, &fs);
    /* Winsock signals a failed non-blocking connect in the except set, not the write set */
    FD_ZERO(&ex);
    FD_SET(s, &ex);
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    int r = select((int)s + 1, rd ? &fs : NULL, rd ? NULL : &fs, &ex, &tv);
    if (r > 0) return 1;
    if (r == 0) return 0;
    if (!ERR_AGAIN(sock_err())) return -1;
  }
}

typedef struct {
  char host[64];
  unsigned short port;
  char prefix[256];
} url_t;

static int parse_url(const char* u, url_t* o) {
  if (!u || strncmp(u, "http://", 7) != 0) return 0;
  u += 7;
  size_t k = 0;
  while (*u && *u != ':' && *u != '/' && k + 1 < sizeof o->host) o->host[k++] = *u++;
  o->host[k] = '\0';
  if (!k) return 0;
  o->port = 80;
  if (*u == ':') {
    u++;
    long p = 0;
    int digits = 0;
    while (*u >= '0' && *u <= '9') {
      p = p * 10 + (*u++ - '0');
      if (p > 65535) return 0;
      digits++;
    }
    if (!digits || p == 0) return 0;
    o->port = (unsigned short)p;
  }
  k = 0;
  while (*u && k + 1 < sizeof o->prefix) o->prefix[k++] = *u++;
  if (*u) return 0;
  while (k > 0 && o->prefix[k - 1] == '/') k--; /* "http://h:p/" -> no prefix */
  o->prefix[k] = '\0';
  return 1;
}

/* case-insensitive header lookup in head[0..n): value copied to out */
static int header(const char* head, size_t n, const char* name, char* out, size_t cap) {
  size_t nl = strlen(name);
  const char* p = head;
  const char* end = head + n;
  while (p < end) {
    const char* eol = p;
    while (eol < end && *eol != '\n') eol++;
    if ((size_t)(eol - p) > nl && p[nl] == ':') {
      size_t i = 0;
      for (; i < nl; i++) {
        char a = p[i], b = name[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
        if (a != b) break;
      }
      if (i == nl) {
        const char* v = p + nl + 1;
        while (v < eol && (*v == ' ' || *v == '\t')) v++;
        const char* ve = eol;
        while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ')) ve--;
        size_t L = (size_t)(ve - v);
        if (L >= cap) L = cap - 1;
        memcpy(out, v, L);
        out[L] = '\0';
        return 1;
      }
    }
    p = eol + 1;
  }
  return 0;
}

static int dechunk(const char* s, size_t n, yb_buf* out) {
  size_t i = 0;
  for (;;) {
    size_t sz = 0;
    int digits = 0;
    while (i < n) {
      char c = s[i];
      int h = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (h < 0) break;
      sz = sz * 16 + (size_t)h;
      digits++;
      i++;
    }
    if (!digits) return 0;
    while (i < n && s[i] != '\n') i++; /* chunk extensions */
    if (i >= n) return 0;
    i++;
    if (sz == 0) return 1;
    if (i + sz > n) return 0;
    yb_buf_put(out, s + i, sz);
    i += sz;
    if (i < n && s[i] == '\r') i++;
    if (i < n && s[i] == '\n') i++;
  }
}

yb_http_rc yb_http_request(const char* base_url, const char* method, const char* path, const char* token, const char* body,
                           size_t body_len, int timeout_ms, yb_http_resp* resp, char* err, size_t errcap) {
  url_t u;
  memset(resp, 0, sizeof *resp);
  if (!parse_url(base_url, &u)) {
    seterr(err, errcap, "agent URL '%s' is not http://HOST:PORT (HOST an IPv4 address or localhost)%.0ld", base_url ? base_url : "", 0);
    return YB_HTTP_EURL;
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(u.port);
  const char* ip = strcmp(u.host, "localhost") == 0 ? "127.0.0.1" : u.host;
  unsigned long addr = inet_addr(ip);
  if (addr == INADDR_NONE && strcmp(ip, "255.255.255.255") != 0) {
    seterr(err, errcap, "agent host '%s' must be an IPv4 address or localhost%.0ld", u.host, 0);
    return YB_HTTP_EURL;
  }
  sa.sin_addr.s_addr = (unsigned int)addr;
  if (!net_init()) {
    seterr(err, errcap, "%sWSAStartup failed (%ld)", "", (long)sock_err());
    return YB_HTTP_ECONNECT;
  }
  if (timeout_ms <= 0) timeout_ms = 60000;
  unsigned long deadline = now_ms() + (unsigned long)timeout_ms;

  sock_t s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == BAD_SOCK) {
    seterr(err, errcap, "%ssocket() failed (%ld)", "", (long)sock_err());
    return YB_HTTP_ECONNECT;
  }
  set_nonblock(s);
  if (connect(s, (struct sockaddr*)&sa, sizeof sa) != 0) {
    int e = sock_err();
    if (!ERR_INPROGRESS(e)) {
      sock_close(s);
      seterr(err, errcap, "cannot connect to the agent at %s (error %ld)", base_url, (long)e);
      return YB_HTTP_ECONNECT;
    }
    int w = wait_sock(s, 0, deadline);
    int soerr = 0;
#ifdef _WIN32
    int sl = sizeof soerr;
#else
    socklen_t sl = sizeof soerr;
#endif
    if (w <= 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, (char*)&soerr, &sl) != 0 || soerr != 0) {
      sock_close(s);
      seterr(err, errcap, w == 0 ? "timed out connecting to the agent at %s (%ld)" : "cannot connect to the agent at %s (error %ld)", base_url,
             (long)soerr);
      return YB_HTTP_ECONNECT;
    }
  }

  yb_buf req = {0};
  yb_buf_printf(&req, "%s %s%s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: yibao-native\r\nAccept: application/json\r\nConnection: close\r\n", method,
                u.prefix, path, u.host, (unsigned)u.port);
  if (token && *token) yb_buf_printf(&req, "Authorization: Bearer %s\r\n", token);
  if (body) yb_buf_printf(&req, "Content-Type: application/json; charset=utf-8\r\nContent-Length: %lu\r\n", (unsigned long)body_len);
  yb_buf_puts(&req, "\r\n");
  if (body) yb_buf_put(&req, body, body_len);
  if (req.oom) {
    yb_buf_free(&req);
    sock_close(s);
    return YB_HTTP_ENOMEM;
  }

  size_t sent = 0;
  while (sent < req.n) {
    int w = wait_sock(s, 0, deadline);
    if (w <= 0) {
      yb_buf_free(&req);
      sock_close(s);
      /* nothing of the body may have reached the agent yet, but we cannot be sure: unknown */
      seterr(err, errcap, w == 0 ? "timed out sending to the agent at %s%.0ld" : "network error sending to the agent at %s%.0ld", base_url, 0);
      return w == 0 ? YB_HTTP_ETIMEOUT : YB_HTTP_ENETWORK;
    }
    int k = (int)send(s, req.p + sent, (int)(req.n - sent), SEND_FLAGS);
    if (k < 0) {
      if (ERR_AGAIN(sock_err())) continue;
      yb_buf_free(&req);
      sock_close(s);
      seterr(err, errcap, "network error sending to the agent at %s (error %ld)", base_url, (long)sock_err());
      return sent == 0 ? YB_HTTP_ECONNECT : YB_HTTP_ENETWORK;
    }
    sent += (size_t)k;
  }
  yb_buf_free(&req);

  yb_buf in = {0};
  char chunk[8192];
  for (;;) {
    int w = wait_sock(s, 1, deadline);
    if (w == 0) {
      yb_buf_free(&in);
      sock_close(s);
      seterr(err, errcap, "the agent at %s did not answer within %ld ms (outcome unknown)", base_url, (long)timeout_ms);
      return YB_HTTP_ETIMEOUT;
    }
    if (w < 0) break;
    int k = (int)recv(s, chunk, sizeof chunk, 0);
    if (k == 0) break;
    if (k < 0) {
      if (ERR_AGAIN(sock_err())) continue;
      break; /* reset: parse what we have */
    }
    yb_buf_put(&in, chunk, (size_t)k);
    if (in.oom) {
      sock_close(s);
      yb_buf_free(&in);
      return YB_HTTP_ENOMEM;
    }
  }
  sock_close(s);

  /* status line + headers */
  const char* p = in.p ? in.p : "";
  const char* hend = NULL;
  for (size_t i = 0; i + 3 < in.n; i++)
    if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n') {
      hend = p + i;
      break;
    }
  int status = 0;
  if (!hend || in.n < 12 || strncmp(p, "HTTP/1.", 7) != 0 || sscanf(p + 9, "%3d", &status) != 1) {
    yb_buf_free(&in);
    seterr(err, errcap, "the agent at %s closed the connection without a complete HTTP reply (outcome unknown)%.0ld", base_url, 0);
    return in.n == 0 ? YB_HTTP_ENETWORK : YB_HTTP_EPROTO;
  }
  size_t hlen = (size_t)(hend - p);
  const char* b = hend + 4;
  size_t blen = in.n - hlen - 4;
  char v[64];
  yb_buf out = {0};
  if (header(p, hlen, "Transfer-Encoding", v, sizeof v) && strstr(v, "chunked")) {
    if (!dechunk(b, blen, &out)) {
      yb_buf_free(&out);
      yb_buf_free(&in);
      seterr(err, errcap, "truncated chunked reply from the agent at %s (outcome unknown)%.0ld", base_url, 0);
      return YB_HTTP_EPROTO;
    }
  } else if (header(p, hlen, "Content-Length", v, sizeof v)) {
    unsigned long cl = strtoul(v, NULL, 10);
    if (cl > blen) {
      yb_buf_free(&in);
      seterr(err, errcap, "truncated reply from the agent at %s (outcome unknown)%.0ld", base_url, 0);
      return YB_HTTP_EPROTO;
    }
    yb_buf_put(&out, b, cl);
  } else {
    yb_buf_put(&out, b, blen);
  }
  yb_buf_free(&in);
  resp->status = status;
  resp->body = yb_buf_take(&out, &resp->body_len);
  return resp->body ? YB_HTTP_OK : YB_HTTP_ENOMEM;
}
