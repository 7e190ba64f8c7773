// JSON reader: parses UTF-8 bytes in place into a flat "tape" of nodes (no managed objects, no copies).
// Strings and numbers stay as byte ranges of the input, so money is never turned into a float.
//
// Node layout (16 bytes): kind:u32 | a:u32 | b:u32 | c:u32
//   K_STR  a = first byte after the opening quote, b = the closing quote, c = 1 if it has escapes
//   K_NUM  a = first byte, b = end, c = 1 if it has a fraction or exponent
//   K_ARR/K_OBJ  a = member count (objects: key/value pairs), b = index of the node after the subtree,
//                c = byte offset of the opening bracket
//   literals: a = byte offset
// Object members are a K_STR key node followed by the value's subtree.

import { E_JSON_SYNTAX, E_JSON_DEPTH, E_UTF8_INVALID, E_MISSING_FIELD, E_WRONG_TYPE, E_DUPLICATE_KEY, fail } from './errors';

export const K_NULL: u32 = 1;
export const K_FALSE: u32 = 2;
export const K_TRUE: u32 = 3;
export const K_NUM: u32 = 4;
export const K_STR: u32 = 5;
export const K_ARR: u32 = 6;
export const K_OBJ: u32 = 7;

const MAX_DEPTH: i32 = 256;

let tape: usize = 0;
let tapeCap: i32 = 0;
let tapeLen: i32 = 0;
let base: usize = 0; // input start (positions in errors are relative to it)
let end: usize = 0;

@inline export function jKind(i: i32): u32 { return load<u32>(tape + (<usize>i << 4)); }
@inline export function jA(i: i32): u32 { return load<u32>(tape + (<usize>i << 4), 4); }
@inline export function jB(i: i32): u32 { return load<u32>(tape + (<usize>i << 4), 8); }
@inline export function jC(i: i32): u32 { return load<u32>(tape + (<usize>i << 4), 12); }
@inline function setB(i: i32, v: u32): void { store<u32>(tape + (<usize>i << 4), v, 8); }
@inline function setA(i: i32, v: u32): void { store<u32>(tape + (<usize>i << 4), v, 4); }

/** Index of the node after node i and its subtree. */
@inline export function jNext(i: i32): i32 {
  const k = jKind(i);
  return k >= K_ARR ? <i32>jB(i) : i + 1;
}

/** Byte offset of node i relative to the input start (for error positions). */
export function jPos(i: i32): i32 {
  const k = jKind(i);
  if (k == K_STR) return <i32>(<usize>jA(i) - base) - 1;
  if (k == K_NUM) return <i32>(<usize>jA(i) - base);
  if (k >= K_ARR) return <i32>jC(i);
  return <i32>jA(i);
}

export function jInputBase(): usize { return base; }

@inline function push(kind: u32, a: u32, b: u32, c: u32): i32 {
  if (tapeLen == tapeCap) {
    const cap = tapeCap == 0 ? 1024 : tapeCap << 1;
    tape = tape == 0 ? heap.alloc(<usize>cap << 4) : heap.realloc(tape, <usize>cap << 4);
    tapeCap = cap;
  }
  const i = tapeLen++;
  const p = tape + (<usize>i << 4);
  store<u32>(p, kind);
  store<u32>(p, a, 4);
  store<u32>(p, b, 8);
  store<u32>(p, c, 12);
  return i;
}

/** Releases a large tape after a call. */
export function jRelease(): void {
  if (tapeCap > 262144) { heap.free(tape); tape = 0; tapeCap = 0; } // keep up to 4 MB between calls
  tapeLen = 0;
}

@inline function isWs(c: u32): bool { return c == 32 || c == 10 || c == 13 || c == 9; }

let p: usize = 0;

@inline function skipWs(): void {
  while (p < end && isWs(<u32>load<u8>(p))) p++;
}

function synErr(at: usize, what: string): i32 {
  return fail(E_JSON_SYNTAX, <i32>(at - base), what);
}

/** Parses [start, start+len) into the tape; root is node 0. Returns a status code. */
export function jsonParse(start: usize, len: i32): i32 {
  base = start;
  end = start + <usize>len;
  p = start;
  tapeLen = 0;
  skipWs();
  if (p >= end) return synErr(p, 'empty document');
  const st = parseValue(0);
  if (st != 0) return st;
  skipWs();
  if (p < end) return synErr(p, 'unexpected data after the JSON value');
  return 0;
}

function parseValue(depth: i32): i32 {
  if (p >= end) return synErr(p, 'unexpected end of input');
  const c = <u32>load<u8>(p);
  if (c == 34) return parseString();
  if (c == 123) return parseObject(depth);
  if (c == 91) return parseArray(depth);
  if (c == 45 || (c >= 48 && c <= 57)) return parseNumber();
  if (c == 116) return literal('true', K_TRUE);
  if (c == 102) return literal('false', K_FALSE);
  if (c == 110) return literal('null', K_NULL);
  return synErr(p, 'unexpected character');
}

function literal(word: string, kind: u32): i32 {
  const n = <usize>word.length;
  if (p + n > end) return synErr(p, 'invalid literal');
  for (let i: usize = 0; i < n; i++) {
    if (<u32>load<u8>(p + i) != <u32>word.charCodeAt(<i32>i)) return synErr(p + i, 'invalid literal');
  }
  push(kind, <u32>(p - base), 0, 0);
  p += n;
  return 0;
}

function parseNumber(): i32 {
  const s = p;
  let frac: u32 = 0;
  if (load<u8>(p) == 45) p++;
  if (p >= end) return synErr(p, 'invalid number');
  let c = <u32>load<u8>(p);
  if (c == 48) {
    p++;
  } else if (c >= 49 && c <= 57) {
    while (p < end && (<u32>load<u8>(p) - 48) < 10) p++;
  } else return synErr(p, 'invalid number');
  if (p < end && load<u8>(p) == 46) {
    p++;
    frac = 1;
    const d0 = p;
    while (p < end && (<u32>load<u8>(p) - 48) < 10) p++;
    if (p == d0) return synErr(p, 'digit expected after decimal point');
  }
  if (p < end && (load<u8>(p) | 32) == 101) {
    p++;
    frac = 1;
    if (p < end && (load<u8>(p) == 43 || load<u8>(p) == 45)) p++;
    const d0 = p;
    while (p < end && (<u32>load<u8>(p) - 48) < 10) p++;
    if (p == d0) return synErr(p, 'digit expected in exponent');
  }
  push(K_NUM, <u32>s, <u32>p, frac);
  return 0;
}

function parseString(): i32 {
  const open = p;
  p++; // opening quote
  const s = p;
  let esc: u32 = 0;
  while (true) {
    // fast path over plain ASCII
    while (p < end) {
      const c = <u32>load<u8>(p);
      if (c == 34 || c == 92 || c < 0x20 || c >= 0x80) break;
      p++;
    }
    if (p >= end) return synErr(open, 'unterminated string');
    const c = <u32>load<u8>(p);
    if (c == 34) break;
    if (c == 92) {
      esc = 1;
      p++;
      if (p >= end) return synErr(open, 'unterminated string');
      const e = <u32>load<u8>(p);
      if (e == 117) {
        if (p + 5 > end) return synErr(p, 'bad \\u escape');
        for (let k: usize = 1; k <= 4; k++) {
          const h = <u32>load<u8>(p + k);
          if (!((h - 48) < 10 || ((h | 32) - 97) < 6)) return synErr(p + k, 'bad \\u escape');
        }
        p += 5;
      } else if (e == 34 || e == 92 || e == 47 || e == 98 || e == 102 || e == 110 || e == 114 || e == 116) {
        p++;
      } else return synErr(p, 'bad escape');
      continue;
    }
    if (c < 0x20) return synErr(p, 'control character in string');
    // multi-byte UTF-8
    const n = utf8Seq(p, end);
    if (n == 0) return fail(E_UTF8_INVALID, <i32>(p - base), 'in JSON string');
    p += <usize>n;
  }
  push(K_STR, <u32>s, <u32>p, esc);
  p++; // closing quote
  return 0;
}

/** Length of a valid UTF-8 sequence at q (lead byte >= 0x80), or 0 if invalid. */
export function utf8Seq(q: usize, lim: usize): i32 {
  const c = <u32>load<u8>(q);
  if (c < 0xC2) return 0;
  if (c < 0xE0) {
    if (q + 2 > lim) return 0;
    return ((<u32>load<u8>(q + 1) & 0xC0) == 0x80) ? 2 : 0;
  }
  if (c < 0xF0) {
    if (q + 3 > lim) return 0;
    const c1 = <u32>load<u8>(q + 1), c2 = <u32>load<u8>(q + 2);
    if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && c1 < 0xA0) return 0; // overlong
    if (c == 0xED && c1 >= 0xA0) return 0; // surrogate
    return 3;
  }
  if (c < 0xF5) {
    if (q + 4 > lim) return 0;
    const c1 = <u32>load<u8>(q + 1), c2 = <u32>load<u8>(q + 2), c3 = <u32>load<u8>(q + 3);
    if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80 || (c3 & 0xC0) != 0x80) return 0;
    if (c == 0xF0 && c1 < 0x90) return 0;
    if (c == 0xF4 && c1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}

function parseArray(depth: i32): i32 {
  if (depth >= MAX_DEPTH) return fail(E_JSON_DEPTH, <i32>(p - base), 'more than 256 levels');
  const me = push(K_ARR, 0, 0, <u32>(p - base));
  p++;
  skipWs();
  let n: u32 = 0;
  if (p < end && load<u8>(p) == 93) {
    p++;
  } else {
    while (true) {
      skipWs();
      const st = parseValue(depth + 1);
      if (st != 0) return st;
      n++;
      skipWs();
      if (p >= end) return synErr(p, 'unterminated array');
      const c = load<u8>(p);
      if (c == 44) { p++; continue; }
      if (c == 93) { p++; break; }
      return synErr(p, "expected ',' or ']'");
    }
  }
  setA(me, n);
  setB(me, <u32>tapeLen);
  return 0;
}

function parseObject(depth: i32): i32 {
  if (depth >= MAX_DEPTH) return fail(E_JSON_DEPTH, <i32>(p - base), 'more than 256 levels');
  const me = push(K_OBJ, 0, 0, <u32>(p - base));
  p++;
  skipWs();
  let n: u32 = 0;
  if (p < end && load<u8>(p) == 125) {
    p++;
  } else {
    while (true) {
      skipWs();
      if (p >= end || load<u8>(p) != 34) return synErr(p, 'object key expected');
      let st = parseString();
      if (st != 0) return st;
      skipWs();
      if (p >= end || load<u8>(p) != 58) return synErr(p, "expected ':'");
      p++;
      skipWs();
      st = parseValue(depth + 1);
      if (st != 0) return st;
      n++;
      skipWs();
      if (p >= end) return synErr(p, 'unterminated object');
      const c = load<u8>(p);
      if (c == 44) { p++; continue; }
      if (c == 125) { p++; break; }
      return synErr(p, "expected ',' or '}'");
    }
  }
  setA(me, n);
  setB(me, <u32>tapeLen);
  return 0;
}

// ---- access helpers ----------------------------------------------------------------------

/** True if string node i (without escapes) equals the ASCII key. */
export function jStrEq(i: i32, key: string): bool {
  const s = <usize>jA(i), e = <usize>jB(i);
  const n = key.length;
  // an escaped key is at most 6 raw bytes per UTF-16 unit (\uXXXX); the guard keeps huge escaped
  // keys from reaching the (allocating) slow path
  if (jC(i) != 0) return <i32>(e - s) <= 6 * n && decodedEq(s, e, key);
  if (<i32>(e - s) != n) return false;
  for (let k = 0; k < n; k++) {
    if (<u32>load<u8>(s + <usize>k) != <u32>key.charCodeAt(k)) return false;
  }
  return true;
}

function decodedEq(s: usize, e: usize, key: string): bool {
  return jStrValue(s, e, true) == key;
}

/** The value of the 4 hex digits at q: the XXXX of a \uXXXX escape (validated by the reader). */
export function jHex4(q: usize): u32 {
  return (hexv(<u32>load<u8>(q)) << 12) | (hexv(<u32>load<u8>(q + 1)) << 8) | (hexv(<u32>load<u8>(q + 2)) << 4) | hexv(<u32>load<u8>(q + 3));
}

@inline function hexv(c: u32): u32 {
  return c - 48 < 10 ? c - 48 : (c | 32) - 87;
}

/** Value node of `key` in object node obj, or -1. */
export function jGet(obj: i32, key: string): i32 {
  if (jKind(obj) != K_OBJ) return -1;
  const n = <i32>jA(obj);
  let j = obj + 1;
  for (let k = 0; k < n; k++) {
    if (jStrEq(j, key)) return j + 1;
    j = jNext(j + 1);
  }
  return -1;
}

/** False (DUPLICATE_KEY recorded) if the root object gives one of `keys` (at most 32) twice: a member given
 *  twice would be read differently by different parsers. */
export function checkDuplicates(keys: StaticArray<string>): bool {
  const n = <i32>jA(0);
  let seen = 0;
  let j = 1;
  for (let m = 0; m < n; m++) {
    for (let k = 0; k < keys.length; k++) {
      if (!jStrEq(j, keys[k])) continue;
      if ((seen >> k) & 1) { fail(E_DUPLICATE_KEY, jPos(j), keys[k]); return false; }
      seen |= 1 << k;
    }
    j = jNext(j + 1);
  }
  return true;
}

/** Like jGet, but null values count as absent. */
export function jOpt(obj: i32, key: string): i32 {
  const v = jGet(obj, key);
  if (v < 0 || jKind(v) == K_NULL) return -1;
  return v;
}

/** Required member of a given kind; records MISSING_FIELD / WRONG_TYPE with the path. Returns -1 on failure. */
export function jReq(obj: i32, key: string, kind: u32, path: string): i32 {
  const v = jGet(obj, key);
  if (v < 0 || jKind(v) == K_NULL) {
    fail(E_MISSING_FIELD, obj >= 0 ? jPos(obj) : -1, path.length ? path + '.' + key : key);
    return -1;
  }
  if (kind != 0 && jKind(v) != kind) {
    fail(E_WRONG_TYPE, jPos(v), (path.length ? path + '.' + key : key) + ' must be ' + kindName(kind));
    return -1;
  }
  return v;
}

export function kindName(kind: u32): string {
  switch (kind) {
    case K_OBJ: return 'an object';
    case K_ARR: return 'an array';
    case K_STR: return 'a string';
    case K_NUM: return 'a number';
    default: return 'a value';
  }
}

/** Decodes a JSON string range (with escapes) into an AS string, in linear time (UTF-16 scratch buffer). */
export function jStrValue(s: usize, e: usize, hasEsc: bool): string {
  const cap = <usize>(e - s) * 2 + 2; // one UTF-16 unit per input byte at most, surrogate pairs included
  const buf = heap.alloc(cap);
  let n: usize = 0;
  let q = s;
  while (q < e) {
    let c = <u32>load<u8>(q);
    if (c == 92 && hasEsc && q + 1 < e) {
      const x = <u32>load<u8>(q + 1);
      q += 2;
      let v: u32 = x;
      if (x == 110) v = 10;
      else if (x == 116) v = 9;
      else if (x == 114) v = 13;
      else if (x == 98) v = 8;
      else if (x == 102) v = 12;
      else if (x == 117) {
        v = 0;
        for (let k: usize = 0; k < 4 && q + k < e; k++) {
          const h = <u32>load<u8>(q + k);
          v = (v << 4) | ((h - 48) < 10 ? h - 48 : ((h | 32) - 87) & 15);
        }
        q += 4;
      }
      store<u16>(buf + (n << 1), <u16>v);
      n++;
      continue;
    }
    if (c < 0x80) { store<u16>(buf + (n << 1), <u16>c); n++; q++; continue; }
    const m = utf8Seq(q, e);
    if (m == 2) c = ((c & 0x1F) << 6) | (<u32>load<u8>(q + 1) & 63);
    else if (m == 3) c = ((c & 0x0F) << 12) | ((<u32>load<u8>(q + 1) & 63) << 6) | (<u32>load<u8>(q + 2) & 63);
    else if (m == 4) c = ((c & 0x07) << 18) | ((<u32>load<u8>(q + 1) & 63) << 12) | ((<u32>load<u8>(q + 2) & 63) << 6) | (<u32>load<u8>(q + 3) & 63);
    else c = 0xFFFD;
    if (c >= 0x10000) {
      c -= 0x10000;
      store<u16>(buf + (n << 1), <u16>(0xD800 + (c >> 10)));
      store<u16>(buf + (n << 1) + 2, <u16>(0xDC00 + (c & 0x3FF)));
      n += 2;
    } else {
      store<u16>(buf + (n << 1), <u16>c);
      n++;
    }
    q += <usize>(m > 0 ? m : 1);
  }
  const r = String.UTF16.decodeUnsafe(buf, n << 1);
  heap.free(buf);
  return r;
}

/** The string value of a K_STR node. */
export function jString(i: i32): string {
  return jStrValue(<usize>jA(i), <usize>jB(i), jC(i) != 0);
}

/** Unescaped UTF-8 bytes of string node i written into the output buffer is in print.ts. */
export function jTapeLen(): i32 { return tapeLen; }
