/* A tiny HTTP/1.1 client for the loopback agent (BSD sockets / Winsock).
 *
 * - http:// only, host = dotted IPv4 or "localhost" (the agent binds 127.0.0.1); optional :port and
 *   path prefix in the base URL ("http://127.0.0.1:8765" or "http://127.0.0.1:8765/yibao").
 * - One request per connection (Connection: close); Content-Length or chunked replies.
 * - One deadline for the whole exchange (connect, send, receive).
 * Nothing here is exported from the libraries.
 */
#ifndef YB_HTTP_H
#define YB_HTTP_H

#include <stddef.h>

typedef enum {
  YB_HTTP_OK = 0,
  /* nothing was sent: the agent is not running / not reachable / the URL is bad */
  YB_HTTP_ECONNECT = 1,
  YB_HTTP_EURL = 2,
  /* the request was (maybe) sent and no complete reply came: OUTCOME UNKNOWN */
  YB_HTTP_ETIMEOUT = 3,
  YB_HTTP_ENETWORK = 4,
  /* a reply came but it is not HTTP we understand */
  YB_HTTP_EPROTO = 5,
  YB_HTTP_ENOMEM = 6
} yb_http_rc;

typedef struct {
  int status;       /* HTTP status */
  char* body;       /* malloc'd, NUL-terminated; free() it */
  size_t body_len;
} yb_http_resp;

/* method "GET"/"POST"; path starts with '/' and is appended to the base URL's path.
 * token: Bearer token or NULL/"" for none. body may be NULL (no body). err gets a short English
 * description on failure. */
yb_http_rc yb_http_request(const char* base_url, const char* method, const char* path, const char* token, const char* body,
                           size_t body_len, int timeout_ms, yb_http_resp* resp, char* err, size_t errcap);

#endif /* YB_HTTP_H */
