/* A small JSON DOM and byte buffer for the native bridge (yb_dll.c, yh_dll.c).
 *
 * - Parsing keeps numbers as their verbatim text (amounts never pass through a double).
 * - Strings are decoded to UTF-8 (\uXXXX escapes, surrogate pairs; a lone surrogate becomes U+FFFD).
 * - Objects keep their member order; yj_get returns the first member of that name.
 * - Writing is compact JSON; non-ASCII is written as raw UTF-8, control characters escaped.
 * Nothing here is exported from the libraries.
 */
#ifndef YB_JSON_H
#define YB_JSON_H

#include <stddef.h>

/* ---- growable byte buffer ------------------------------------------------------------------- */
typedef struct {
  char* p;    /* always NUL-terminated when non-NULL */
  size_t n;   /* bytes used (without the NUL) */
  size_t cap;
  int oom;    /* set when an allocation failed; further appends are ignored */
} yb_buf;

void yb_buf_put(yb_buf* b, const char* s, size_t n);
void yb_buf_puts(yb_buf* b, const char* s);
void yb_buf_putc(yb_buf* b, char c);
void yb_buf_printf(yb_buf* b, const char* fmt, ...);
/* JSON string literal (with quotes) of s[0..n) */
void yb_buf_json_str(yb_buf* b, const char* s, size_t n);
void yb_buf_free(yb_buf* b);
/* takes ownership of the bytes: returns p (never NULL unless oom) and resets the buffer */
char* yb_buf_take(yb_buf* b, size_t* len);

/* ---- DOM ------------------------------------------------------------------------------------ */
typedef enum { YJ_NULL, YJ_FALSE, YJ_TRUE, YJ_NUMBER, YJ_STRING, YJ_ARRAY, YJ_OBJECT } yj_type;

typedef struct yj yj;
struct yj {
  yj_type t;
  char* key;   /* member name when inside an object */
  char* s;     /* string value (UTF-8) or number text; NUL-terminated */
  size_t slen;
  yj* child;   /* first element / member */
  yj* last;    /* last element / member (for appending) */
  yj* next;
};

/* Parses s[0..n); NULL on a syntax error (err gets "message at byte N" when errcap > 0). */
yj* yj_parse(const char* s, size_t n, char* err, size_t errcap);
void yj_free(yj* v);

yj* yj_get(const yj* obj, const char* key);
/* dotted path through objects, e.g. "output.setlinfo.setl_id" */
yj* yj_path(const yj* v, const char* path);
/* the text of a string or number (also "true"/"false"; "" for null); def when v is NULL or a container */
const char* yj_text(const yj* v, const char* def);
/* yj_text of member key */
const char* yj_gets(const yj* obj, const char* key, const char* def);
size_t yj_len(const yj* arr);

yj* yj_new(yj_type t);
yj* yj_new_str(const char* s);
yj* yj_new_strn(const char* s, size_t n);
yj* yj_new_num(const char* text); /* verbatim number text */
yj* yj_new_obj(void);
yj* yj_new_arr(void);
/* appends v (owned) as member key of obj / element of arr; returns v */
yj* yj_set(yj* obj, const char* key, yj* v);
yj* yj_set_str(yj* obj, const char* key, const char* s);
yj* yj_push(yj* arr, yj* v);
/* removes and frees member key (all members of that name) */
void yj_del(yj* obj, const char* key);
yj* yj_clone(const yj* v);

void yj_write(yb_buf* b, const yj* v);
/* malloc'd compact JSON text (NULL on oom) */
char* yj_dump(const yj* v, size_t* len);

#endif /* YB_JSON_H */
