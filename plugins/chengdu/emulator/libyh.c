/*
 * Emulator of the Chengdu Yinhai 5.0 payment component (成都市基本医疗保险支付接口, `YinHai.ChenDu.Interface`)
 * as a plain C library exporting exactly the six `yh_interface_*` functions (+ init2) with the argument
 * lists of wire-formats §2.1: PowerBuilder `ref long` = int*, `ref string` = caller-allocated char
 * buffer, all text GBK. Built by legacy-com-bridge/src/native-build.ts (gcc -shared) at test time.
 *
 * Like the real component it is a thin client: every call is forwarded over loopback HTTP to the
 * Chengdu sandbox center (plugins/chengdu/sandbox/, a Node process holding the state and settling with
 * the core). Configuration by environment:
 *   YH_CENTER   host:port of the center (required; init fails without it)
 *   YH_XML_CAP  size of the caller's astr_jysc_xml / astr_jgxml buffers (default 1048576)
 * The caller's other buffers must hold 64 bytes (pcbh, jylsh, jyyzm) and 1024 bytes (appmsg).
 *
 * Misbehaviour for the tests, triggered by the input text of any function:
 *   __YH_HANG__  never returns (a modal popup, a dead socket)
 *   __YH_SEGV__  dereferences NULL (the process dies with SIGSEGV / access violation)
 *   __YH_EXIT__  calls exit(7)
 * Wire to the center: POST /yh/<function>, body = netstrings ("<len>:<bytes>,") of the session id and
 * the input arguments; reply = netstrings of appcode (decimal), appmsg (GBK) and the out strings.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#define EXPORT __declspec(dllexport)
#define SLEEP_MS(ms) Sleep(ms)
#define GETPID() ((int)GetCurrentProcessId())
typedef SOCKET sock_t;
#define BAD_SOCK INVALID_SOCKET
#define CLOSESOCK closesocket
#else
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#define EXPORT __attribute__((visibility("default")))
#define SLEEP_MS(ms) usleep((ms) * 1000)
#define GETPID() ((int)getpid())
typedef int sock_t;
#define BAD_SOCK (-1)
#define CLOSESOCK close
#ifndef __stdcall
#define __stdcall /* no calling-convention choice outside 32-bit Windows */
#endif
#endif

#define ID_CAP 64
#define MSG_CAP 1024

/* GBK texts of the component's own messages */
#define MSG_NOT_INIT "\xbd\xd3\xbf\xda\xce\xb4\xb3\xf5\xca\xbc\xbb\xaf\xa3\xac\xc7\xeb\xcf\xc8\xb5\xf7\xd3\xc3yh_interface_init" /* 接口未初始化，请先调用yh_interface_init */
#define MSG_NO_CENTER "\xb3\xf5\xca\xbc\xbb\xaf\xca\xa7\xb0\xdc\xa3\xba\xce\xb4\xc5\xe4\xd6\xc3\xd2\xbd\xb1\xa3\xd6\xd0\xd0\xc4\xb5\xd8\xd6\xb7(YH_CENTER)" /* 初始化失败：未配置医保中心地址(YH_CENTER) */
#define MSG_CONNECT "\xce\xde\xb7\xa8\xc1\xac\xbd\xd3\xd2\xbd\xb1\xa3\xd6\xd0\xd0\xc4"           /* 无法连接医保中心 */
#define MSG_BAD_REPLY "\xd2\xbd\xb1\xa3\xd6\xd0\xd0\xc4\xd3\xa6\xb4\xf0\xce\xde\xd0\xa7"         /* 医保中心应答无效 */
#define MSG_OVERFLOW "\xca\xe4\xb3\xf6\xbb\xba\xb3\xe5\xc7\xf8\xb2\xbb\xd7\xe3"                 /* 输出缓冲区不足 */

static char g_host[128];
static int g_port;
static char g_session[64];
static int g_inited;
static unsigned long g_seq;

/* ---- test triggers ----------------------------------------------------------------------------- */

static void misbehave(const char *s) {
    if (!s) return;
    if (strstr(s, "__YH_HANG__"))
        for (;;) SLEEP_MS(1000);
    if (strstr(s, "__YH_SEGV__")) {
        volatile int *p = (volatile int *)0;
        *p = 1;
        raise(SIGSEGV);
    }
    if (strstr(s, "__YH_EXIT__")) exit(7);
}

/* ---- growable buffer and netstrings ------------------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
} Buf;

static int buf_put(Buf *b, const void *d, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t c = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > c) c *= 2;
        char *q = (char *)realloc(b->p, c);
        if (!q) return -1;
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

static int ns_put(Buf *b, const char *s) {
    char head[32];
    size_t n = s ? strlen(s) : 0;
    int h = snprintf(head, sizeof head, "%lu:", (unsigned long)n);
    if (buf_put(b, head, (size_t)h) || buf_put(b, s ? s : "", n) || buf_put(b, ",", 1)) return -1;
    return 0;
}

/* Reads the next netstring at *p (< end); returns 0 and sets s/n, or -1. */
static int ns_get(const char **p, const char *end, const char **s, size_t *n) {
    const char *q = *p;
    size_t len = 0;
    if (q >= end || *q < '0' || *q > '9') return -1;
    while (q < end && *q >= '0' && *q <= '9') len = len * 10 + (size_t)(*q++ - '0');
    if (q >= end || *q != ':' || (size_t)(end - q - 1) < len + 1 || q[1 + len] != ',') return -1;
    *s = q + 1;
    *n = len;
    *p = q + 2 + len;
    return 0;
}

/* ---- HTTP over loopback ------------------------------------------------------------------------ */

static int net_up(void) {
#ifdef _WIN32
    static int up = 0;
    if (!up) {
        WSADATA w;
        if (WSAStartup(MAKEWORD(2, 2), &w) != 0) return -1;
        up = 1;
    }
#endif
    return 0;
}

/* POSTs body to /yh/<fn>; on success reply holds the response body. Returns 0, or -1 (no connection), -2 (bad reply). */
static int post(const char *fn, const Buf *body, Buf *reply) {
    struct addrinfo hints, *res = NULL;
    char port[16], head[256];
    sock_t s;
    if (net_up()) return -1;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof port, "%d", g_port);
    if (getaddrinfo(g_host, port, &hints, &res) != 0 || !res) return -1;
    s = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (s == BAD_SOCK || connect(s, res->ai_addr, (int)res->ai_addrlen) != 0) {
        if (s != BAD_SOCK) CLOSESOCK(s);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    int h = snprintf(head, sizeof head, "POST /yh/%s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %lu\r\nConnection: close\r\n\r\n", fn, g_host,
                     (unsigned long)body->len);
    Buf out = {0, 0, 0};
    if (buf_put(&out, head, (size_t)h) || buf_put(&out, body->p ? body->p : "", body->len)) {
        CLOSESOCK(s);
        free(out.p);
        return -1;
    }
    size_t sent = 0;
    while (sent < out.len) {
        int k = (int)send(s, out.p + sent, (int)(out.len - sent), 0);
        if (k <= 0) {
            CLOSESOCK(s);
            free(out.p);
            return -1;
        }
        sent += (size_t)k;
    }
    free(out.p);
    Buf in = {0, 0, 0};
    char chunk[8192];
    for (;;) {
        int k = (int)recv(s, chunk, sizeof chunk, 0);
        if (k < 0) {
            CLOSESOCK(s);
            free(in.p);
            return -2;
        }
        if (k == 0) break;
        if (buf_put(&in, chunk, (size_t)k)) {
            CLOSESOCK(s);
            free(in.p);
            return -2;
        }
    }
    CLOSESOCK(s);
    if (in.len < 12 || strncmp(in.p, "HTTP/1.", 7) != 0 || strncmp(in.p + 9, "200", 3) != 0) {
        free(in.p);
        return -2;
    }
    char *b = strstr(in.p, "\r\n\r\n");
    if (!b) {
        free(in.p);
        return -2;
    }
    b += 4;
    reply->len = 0;
    if (buf_put(reply, b, in.len - (size_t)(b - in.p))) {
        free(in.p);
        return -2;
    }
    free(in.p);
    return 0;
}

/* ---- one forwarded call ------------------------------------------------------------------------ */

static void set_msg(char *appmsg, const char *m) {
    if (!appmsg) return;
    size_t n = strlen(m);
    if (n >= MSG_CAP) n = MSG_CAP - 1;
    memcpy(appmsg, m, n);
    appmsg[n] = 0;
}

/* Copies a reply field into a caller buffer of cap bytes; -1 if it does not fit. */
static int put_out(char *dst, size_t cap, const char *s, size_t n) {
    if (!dst) return 0;
    if (n + 1 > cap) return -1;
    memcpy(dst, s, n);
    dst[n] = 0;
    return 0;
}

static size_t xml_cap(void) {
    const char *e = getenv("YH_XML_CAP");
    long v = e ? atol(e) : 0;
    return v > 0 ? (size_t)v : (size_t)1048576;
}

/*
 * Forwards fn with nin inputs; writes appcode/appmsg and nout outputs (dst[i] with cap[i]).
 * Returns nothing: every outcome is reported through appcode/appmsg, as the real component does.
 */
static void forward(const char *fn, const char **in, int nin, char **dst, const size_t *cap, int nout, int *appcode, char *appmsg) {
    Buf body = {0, 0, 0}, reply = {0, 0, 0};
    int i;
    for (i = 0; i < nin; i++) misbehave(in[i]);
    for (i = 0; i < nout; i++)
        if (dst[i]) dst[i][0] = 0;
    if (ns_put(&body, g_session)) goto bad;
    for (i = 0; i < nin; i++)
        if (ns_put(&body, in[i])) goto bad;
    int r = post(fn, &body, &reply);
    free(body.p);
    body.p = NULL;
    if (r == -1) {
        *appcode = -1;
        set_msg(appmsg, MSG_CONNECT);
        free(reply.p);
        return;
    }
    if (r != 0) goto bad;
    {
        const char *p = reply.p, *end = reply.p + reply.len, *s;
        size_t n;
        char num[32];
        if (ns_get(&p, end, &s, &n) || n == 0 || n >= sizeof num) goto bad;
        memcpy(num, s, n);
        num[n] = 0;
        int code = atoi(num);
        if (ns_get(&p, end, &s, &n)) goto bad;
        char msg[MSG_CAP];
        if (n >= MSG_CAP) n = MSG_CAP - 1;
        memcpy(msg, s, n);
        msg[n] = 0;
        for (i = 0; i < nout; i++) {
            if (ns_get(&p, end, &s, &n)) goto bad;
            if (put_out(dst[i], cap[i], s, n)) {
                *appcode = -1;
                set_msg(appmsg, MSG_OVERFLOW);
                free(reply.p);
                return;
            }
        }
        *appcode = code;
        set_msg(appmsg, msg);
        free(reply.p);
        return;
    }
bad:
    free(body.p);
    free(reply.p);
    *appcode = -1;
    set_msg(appmsg, MSG_BAD_REPLY);
}

static int ready(int *appcode, char *appmsg) {
    if (g_inited) return 1;
    *appcode = -1;
    set_msg(appmsg, MSG_NOT_INIT);
    return 0;
}

/* ---- the exported interface -------------------------------------------------------------------- */

static void init_common(const char *parmxml, int *appcode, char *appmsg) {
    const char *c = getenv("YH_CENTER");
    misbehave(parmxml);
    if (!c || !*c || strlen(c) >= sizeof g_host) {
        *appcode = -1;
        set_msg(appmsg, MSG_NO_CENTER);
        return;
    }
    const char *colon = strrchr(c, ':');
    if (colon) {
        memcpy(g_host, c, (size_t)(colon - c));
        g_host[colon - c] = 0;
        g_port = atoi(colon + 1);
    } else {
        strcpy(g_host, "127.0.0.1");
        g_port = atoi(c);
    }
    snprintf(g_session, sizeof g_session, "S%d-%lu-%lu", GETPID(), (unsigned long)time(NULL), ++g_seq);
    const char *in[1] = {parmxml ? parmxml : ""};
    forward("init", in, 1, NULL, NULL, 0, appcode, appmsg);
    g_inited = *appcode >= 0;
}

EXPORT void __stdcall yh_interface_init(int *aint_appcode, char *astr_appmsg) { init_common("", aint_appcode, astr_appmsg); }

EXPORT void __stdcall yh_interface_init2(const char *astr_parmxml, int *aint_appcode, char *astr_appmsg) {
    init_common(astr_parmxml, aint_appcode, astr_appmsg);
}

EXPORT void __stdcall yh_interface_destroy(void) {
    if (g_inited) {
        int code = 0;
        char msg[MSG_CAP];
        const char *in[1] = {""};
        forward("destroy", in, 1, NULL, NULL, 0, &code, msg);
    }
    g_inited = 0;
}

EXPORT void __stdcall yh_interface_call(const char *astr_jybh, const char *astr_jykz_xml, const char *astr_jysr_xml, char *astr_pcbh, char *astr_jylsh, char *astr_jyyzm,
                                        char *astr_jysc_xml, int *aint_appcode, char *astr_appmsg) {
    const char *in[3] = {astr_jybh, astr_jykz_xml, astr_jysr_xml};
    char *dst[4] = {astr_pcbh, astr_jylsh, astr_jyyzm, astr_jysc_xml};
    size_t cap[4] = {ID_CAP, ID_CAP, ID_CAP, xml_cap()};
    misbehave(astr_jybh);
    misbehave(astr_jykz_xml);
    misbehave(astr_jysr_xml);
    if (!ready(aint_appcode, astr_appmsg)) return;
    forward("call", in, 3, dst, cap, 4, aint_appcode, astr_appmsg);
}

EXPORT void __stdcall yh_interface_confirm(const char *astr_jylsh, const char *astr_jyyzm, int *aint_appcode, char *astr_appmsg) {
    const char *in[2] = {astr_jylsh, astr_jyyzm};
    misbehave(astr_jylsh);
    if (!ready(aint_appcode, astr_appmsg)) return;
    forward("confirm", in, 2, NULL, NULL, 0, aint_appcode, astr_appmsg);
}

EXPORT void __stdcall yh_interface_cancel(const char *astr_jylsh, int *aint_appcode, char *astr_appmsg) {
    const char *in[1] = {astr_jylsh};
    misbehave(astr_jylsh);
    if (!ready(aint_appcode, astr_appmsg)) return;
    forward("cancel", in, 1, NULL, NULL, 0, aint_appcode, astr_appmsg);
}

EXPORT void __stdcall yh_interface_getuncertaintytrade(const char *astr_jybh, char *astr_jgxml, int *aint_appcode, char *astr_appmsg) {
    const char *in[1] = {astr_jybh};
    char *dst[1] = {astr_jgxml};
    size_t cap[1] = {xml_cap()};
    misbehave(astr_jybh);
    if (!ready(aint_appcode, astr_appmsg)) return;
    forward("getuncertaintytrade", in, 1, dst, cap, 1, aint_appcode, astr_appmsg);
}
