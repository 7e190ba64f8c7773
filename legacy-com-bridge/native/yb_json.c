/* Small JSON DOM and byte buffer: see yb_json.h. */
#include "yb_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffer --------------------------------------------------------------------------------- */
static int buf_grow(yb_buf* b, size_t need) {
  if (b->oom) return 0;
  if (b->n + need + 1 <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + need + 1) cap *= 2;
  char* p = (char*)realloc(b->p, cap);
  if (!p) {
    b->oom = 1;
    return 0;
  }
  b->p = p;
  b->cap = cap;
  return 1;
}

void yb_buf_put(yb_buf* b, const char* s, size_t n) {
  if (!buf_grow(b, n)) return;
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}
void yb_buf_puts(yb_buf* b, const char* s) { yb_buf_put(b, s, strlen(s)); }
void yb_buf_putc(yb_buf* b, char c) { yb_buf_put(b, &c, 1); }

void yb_buf_printf(yb_buf* b, const char* fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof tmp) {
    yb_buf_put(b, tmp, (size_t)n);
    return;
  }
  char* big = (char*)malloc((size_t)n + 1);
  if (!big) {
    b->oom = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  yb_buf_put(b, big, (size_t)n);
  free(big);
}

void yb_buf_json_str(yb_buf* b, const char* s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  yb_buf_putc(b, '"');
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    yb_buf_put(b, s + start, i - start);
    start = i + 1;
    switch (c) {
      case '"': yb_buf_puts(b, "\\\""); break;
      case '\\': yb_buf_puts(b, "\\\\"); break;
      case '\n': yb_buf_puts(b, "\\n"); break;
      case '\r': yb_buf_puts(b, "\\r"); break;
      case '\t': yb_buf_puts(b, "\\t"); break;
      case '\b': yb_buf_puts(b, "\\b"); break;
      case '\f': yb_buf_puts(b, "\\f"); break;
      default: {
        char e[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        yb_buf_puts(b, e);
      }
    }
  }
  yb_buf_put(b, s + start, n - start);
  yb_buf_putc(b, '"');
}

void yb_buf_free(yb_buf* b) {
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
  b->oom = 0;
}

char* yb_buf_take(yb_buf* b, size_t* len) {
  if (!b->p && !b->oom) yb_buf_put(b, "", 0);
  char* p = b->oom ? NULL : b->p;
  if (b->oom) free(b->p);
  if (len) *len = p ? b->n : 0;
  b->p = NULL;
  b->n = b->cap = 0;
  b->oom = 0;
  return p;
}

/* ---- DOM ------------------------------------------------------------------------------------ */
yj* yj_new(yj_type t) {
  yj* v = (yj*)calloc(1, sizeof *v);
  if (v) v->t = t;
  return v;
}

static char* dupn(const char* s, size_t n) {
  char* p = (char*)malloc(n + 1);
  if (!p) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

yj* yj_new_strn(const char* s, size_t n) {
  yj* v = yj_new(YJ_STRING);
  if (!v) return NULL;
  v->s = dupn(s ? s : "", s ? n : 0);
  v->slen = s ? n : 0;
  return v;
}
yj* yj_new_str(const char* s) { return yj_new_strn(s ? s : "", s ? strlen(s) : 0); }
yj* yj_new_num(const char* text) {
  yj* v = yj_new_strn(text, strlen(text));
  if (v) v->t = YJ_NUMBER;
  return v;
}
yj* yj_new_obj(void) { return yj_new(YJ_OBJECT); }
yj* yj_new_arr(void) { return yj_new(YJ_ARRAY); }

void yj_free(yj* v) {
  while (v) {
    yj* next = v->next;
    yj_free(v->child);
    free(v->key);
    free(v->s);
    free(v);
    v = next;
  }
}

static void append(yj* parent, yj* v) {
  v->next = NULL;
  if (parent->last) parent->last->next = v;
  else parent->child = v;
  parent->last = v;
}

yj* yj_set(yj* obj, const char* key, yj* v) {
  if (!obj || !v) {
    yj_free(v);
    return NULL;
  }
  free(v->key);
  v->key = dupn(key, strlen(key));
  append(obj, v);
  return v;
}
yj* yj_set_str(yj* obj, const char* key, const char* s) { return yj_set(obj, key, yj_new_str(s)); }
yj* yj_push(yj* arr, yj* v) {
  if (!arr || !v) {
    yj_free(v);
    return NULL;
  }
  append(arr, v);
  return v;
}

void yj_del(yj* obj, const char* key) {
  if (!obj) return;
  yj* prev = NULL;
  yj* c = obj->child;
  while (c) {
    yj* next = c->next;
    if (c->key && strcmp(c->key, key) == 0) {
      if (prev) prev->next = next;
      else obj->child = next;
      if (obj->last == c) obj->last = prev;
      c->next = NULL;
      yj_free(c);
    } else {
      prev = c;
    }
    c = next;
  }
}

yj* yj_clone(const yj* v) {
  if (!v) return NULL;
  yj* c = yj_new(v->t);
  if (!c) return NULL;
  if (v->s) {
    c->s = dupn(v->s, v->slen);
    c->slen = v->slen;
  }
  for (const yj* k = v->child; k; k = k->next) {
    yj* kc = yj_clone(k);
    if (!kc) continue;
    if (k->key) kc->key = dupn(k->key, strlen(k->key));
    append(c, kc);
  }
  return c;
}

yj* yj_get(const yj* obj, const char* key) {
  if (!obj || obj->t != YJ_OBJECT) return NULL;
  for (yj* c = obj->child; c; c = c->next)
    if (c->key && strcmp(c->key, key) == 0) return c;
  return NULL;
}

yj* yj_path(const yj* v, const char* path) {
  char part[128];
  const yj* cur = v;
  while (cur && *path) {
    size_t k = 0;
    while (path[k] && path[k] != '.' && k + 1 < sizeof part) {
      part[k] = path[k];
      k++;
    }
    part[k] = '\0';
    cur = yj_get(cur, part);
    path += k;
    if (*path == '.') path++;
  }
  return (yj*)cur;
}

const char* yj_text(const yj* v, const char* def) {
  if (!v) return def;
  switch (v->t) {
    case YJ_STRING:
    case YJ_NUMBER: return v->s ? v->s : "";
    case YJ_TRUE: return "true";
    case YJ_FALSE: return "false";
    case YJ_NULL: return "";
    default: return def;
  }
}
const char* yj_gets(const yj* obj, const char* key, const char* def) { return yj_text(yj_get(obj, key), def); }

size_t yj_len(const yj* arr) {
  size_t n = 0;
  if (arr && (arr->t == YJ_ARRAY || arr->t == YJ_OBJECT))
    for (yj* c = arr->child; c; c = c->next) n++;
  return n;
}

/* ---- parser --------------------------------------------------------------------------------- */
typedef struct {
  const char* s;
  size_t n, i;
  int depth;
  const char* err;
} P;

static void ws(P* p) {
  while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r')) p->i++;
}

static int hexv(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void put_utf8(yb_buf* b, unsigned cp) {
  char u[4];
  if (cp < 0x80) {
    u[0] = (char)cp;
    yb_buf_put(b, u, 1);
  } else if (cp < 0x800) {
    u[0] = (char)(0xc0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 63));
    yb_buf_put(b, u, 2);
  } else if (cp < 0x10000) {
    u[0] = (char)(0xe0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 63));
    u[2] = (char)(0x80 | (cp & 63));
    yb_buf_put(b, u, 3);
  } else {
    u[0] = (char)(0xf0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 63));
    u[2] = (char)(0x80 | ((cp >> 6) & 63));
    u[3] = (char)(0x80 | (cp & 63));
    yb_buf_put(b, u, 4);
  }
}

static int read_hex4(P* p, unsigned* out) {
  if (p->i + 4 > p->n) return 0;
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hexv(p->s[p->i + k]);
    if (h < 0) return 0;
    v = v * 16 + (unsigned)h;
  }
  p->i += 4;
  *out = v;
  return 1;
}

/* p->i at the opening quote; returns a malloc'd string */
static char* parse_string(P* p, size_t* len) {
  yb_buf b = {0};
  p->i++;
  for (;;) {
    if (p->i >= p->n) {
      p->err = "unterminated string";
      yb_buf_free(&b);
      return NULL;
    }
    unsigned char c = (unsigned char)p->s[p->i];
    if (c == '"') {
      p->i++;
      break;
    }
    if (c < 0x20) {
      p->err = "control character in string";
      yb_buf_free(&b);
      return NULL;
    }
    if (c != '\\') {
      size_t st = p->i;
      while (p->i < p->n && p->s[p->i] != '"' && p->s[p->i] != '\\' && (unsigned char)p->s[p->i] >= 0x20) p->i++;
      yb_buf_put(&b, p->s + st, p->i - st);
      continue;
    }
    p->i++;
    if (p->i >= p->n) continue;
    char e = p->s[p->i++];
    switch (e) {
      case '"': yb_buf_putc(&b, '"'); break;
      case '\\': yb_buf_putc(&b, '\\'); break;
      case '/': yb_buf_putc(&b, '/'); break;
      case 'b': yb_buf_putc(&b, '\b'); break;
      case 'f': yb_buf_putc(&b, '\f'); break;
      case 'n': yb_buf_putc(&b, '\n'); break;
      case 'r': yb_buf_putc(&b, '\r'); break;
      case 't': yb_buf_putc(&b, '\t'); break;
      case 'u': {
        unsigned cp;
        if (!read_hex4(p, &cp)) {
          p->err = "bad \\u escape";
          yb_buf_free(&b);
          return NULL;
        }
        if (cp >= 0xd800 && cp < 0xdc00) {
          unsigned lo;
          size_t save = p->i;
          if (p->i + 1 < p->n && p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
            p->i += 2;
            if (read_hex4(p, &lo) && lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            else {
              p->i = save;
              cp = 0xfffd;
            }
          } else {
            cp = 0xfffd;
          }
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          cp = 0xfffd;
        }
        put_utf8(&b, cp);
        break;
      }
      default:
        p->err = "bad escape";
        yb_buf_free(&b);
        return NULL;
    }
  }
  return yb_buf_take(&b, len);
}

static yj* parse_value(P* p);

static yj* parse_number(P* p) {
  size_t st = p->i;
  if (p->s[p->i] == '-') p->i++;
  if (p->i >= p->n || p->s[p->i] < '0' || p->s[p->i] > '9') {
    p->err = "bad number";
    return NULL;
  }
  while (p->i < p->n && ((p->s[p->i] >= '0' && p->s[p->i] <= '9') || p->s[p->i] == '.' || p->s[p->i] == 'e' || p->s[p->i] == 'E' ||
                         p->s[p->i] == '+' || p->s[p->i] == '-'))
    p->i++;
  yj* v = yj_new(YJ_NUMBER);
  if (!v) return NULL;
  v->s = dupn(p->s + st, p->i - st);
  v->slen = p->i - st;
  return v;
}

static int lit(P* p, const char* w) {
  size_t k = strlen(w);
  if (p->i + k <= p->n && memcmp(p->s + p->i, w, k) == 0) {
    p->i += k;
    return 1;
  }
  return 0;
}

static yj* parse_value(P* p) {
  ws(p);
  if (p->i >= p->n) {
    p->err = "unexpected end";
    return NULL;
  }
  char c = p->s[p->i];
  if (c == '{' || c == '[') {
    if (++p->depth > 256) {
      p->err = "too deep";
      return NULL;
    }
    int obj = c == '{';
    yj* v = yj_new(obj ? YJ_OBJECT : YJ_ARRAY);
    if (!v) return NULL;
    p->i++;
    ws(p);
    if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
      p->i++;
      p->depth--;
      return v;
    }
    for (;;) {
      char* key = NULL;
      if (obj) {
        ws(p);
        if (p->i >= p->n || p->s[p->i] != '"') {
          p->err = "expected member name";
          yj_free(v);
          return NULL;
        }
        size_t kl;
        key = parse_string(p, &kl);
        if (!key) {
          yj_free(v);
          return NULL;
        }
        ws(p);
        if (p->i >= p->n || p->s[p->i] != ':') {
          p->err = "expected ':'";
          free(key);
          yj_free(v);
          return NULL;
        }
        p->i++;
      }
      yj* e = parse_value(p);
      if (!e) {
        free(key);
        yj_free(v);
        return NULL;
      }
      e->key = key;
      append(v, e);
      ws(p);
      if (p->i < p->n && p->s[p->i] == ',') {
        p->i++;
        continue;
      }
      if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
        p->i++;
        p->depth--;
        return v;
      }
      p->err = obj ? "expected ',' or '}'" : "expected ',' or ']'";
      yj_free(v);
      return NULL;
    }
  }
  if (c == '"') {
    size_t len;
    char* s = parse_string(p, &len);
    if (!s) return NULL;
    yj* v = yj_new(YJ_STRING);
    if (!v) {
      free(s);
      return NULL;
    }
    v->s = s;
    v->slen = len;
    return v;
  }
  if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
  if (lit(p, "true")) return yj_new(YJ_TRUE);
  if (lit(p, "false")) return yj_new(YJ_FALSE);
  if (lit(p, "null")) return yj_new(YJ_NULL);
  p->err = "unexpected character";
  return NULL;
}

yj* yj_parse(const char* s, size_t n, char* err, size_t errcap) {
  P p = {s, n, 0, 0, NULL};
  yj* v = parse_value(&p);
  if (v) {
    ws(&p);
    if (p.i != p.n) {
      p.err = "trailing characters";
      yj_free(v);
      v = NULL;
    }
  }
  if (!v && err && errcap) snprintf(err, errcap, "%s at byte %lu", p.err ? p.err : "out of memory", (unsigned long)p.i);
  return v;
}

/* ---- writer --------------------------------------------------------------------------------- */
void yj_write(yb_buf* b, const yj* v) {
  if (!v) {
    yb_buf_puts(b, "null");
    return;
  }
  switch (v->t) {
    case YJ_NULL: yb_buf_puts(b, "null"); break;
    case YJ_TRUE: yb_buf_puts(b, "true"); break;
    case YJ_FALSE: yb_buf_puts(b, "false"); break;
    case YJ_NUMBER: yb_buf_put(b, v->s, v->slen); break;
    case YJ_STRING: yb_buf_json_str(b, v->s ? v->s : "", v->slen); break;
    case YJ_ARRAY:
    case YJ_OBJECT: {
      int obj = v->t == YJ_OBJECT;
      yb_buf_putc(b, obj ? '{' : '[');
      for (const yj* c = v->child; c; c = c->next) {
        if (c != v->child) yb_buf_putc(b, ',');
        if (obj) {
          yb_buf_json_str(b, c->key ? c->key : "", c->key ? strlen(c->key) : 0);
          yb_buf_putc(b, ':');
        }
        yj_write(b, c);
      }
      yb_buf_putc(b, obj ? '}' : ']');
      break;
    }
  }
}

char* yj_dump(const yj* v, size_t* len) {
  yb_buf b = {0};
  yj_write(&b, v);
  return yb_buf_take(&b, len);
}
