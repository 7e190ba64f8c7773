// Nanping (福建巨龙) INI file exchange: op 40 ini_parse (GBK bytes -> JSON), op 41 ini_print
// (JSON -> GBK bytes). See shared/reference/wire-formats.md §4.
//
// JSON mapping (sections in file order):
//   {"mzsf": {"Request":"TRUE","Cardno":"…",…}, "mzsfmx": ["011020000500","Y","06",…]}
//   - a section whose lines are `key=value` is an object (split at the FIRST '='; key and value
//     trimmed of spaces/tabs; key case preserved; all values are strings);
//   - a section whose lines contain no '=' (the 10-lines-per-item fee details) is an array of the
//     trimmed lines;
//   - a section with no lines at all is an empty object {}; an empty document is {}.
//
// Parse rules: lines end at LF or CRLF (a CR not followed by LF is INI_SYNTAX); blank lines are
// ignored; there is no comment syntax (values such as Mzlsh0 contain ';'). A `[name]` line opens a
// section (name trimmed, non-empty, no '[' or ']', nothing but blanks after ']'). Errors carry the
// byte offset of the offending line (first non-blank byte) in the GBK input:
//   content before the first section, unterminated `[name`, empty key (`=x`)   -> INI_SYNTAX
//   keyed and keyless lines in one section, duplicate section name              -> INI_SHAPE
//   duplicate key in a section                                                  -> DUPLICATE_KEY
// Section names and keys are compared ASCII-case-insensitively for duplicates, because the
// vendor's reader upper-cases lines (§4.1): `Cardno=` and `CARDNO=` would overwrite each other.
//
// Print rules: CRLF after every line (also the last); `[name]`, then `key=value` lines or the
// array's lines. Values: strings verbatim, numbers and booleans as their literal JSON text, null
// as empty. print refuses whatever would not parse back unchanged, so parse(print(x)) == x for
// every all-string document print accepts. Refused (INI_SHAPE, pointing at the JSON node):
// non-object root; section values other than object/array; nested objects/arrays; nulls in
// arrays; CR/LF anywhere; empty names/keys; names containing '[' or ']'; keys containing '=' or
// starting with '['; empty arrays (write {}); array lines that are blank, contain '=' or start
// with '['; leading/trailing spaces/tabs on names, keys, values and lines (parse trims them).
// Duplicate keys (case-insensitive) -> DUPLICATE_KEY; duplicate sections -> INI_SHAPE.
// Other control characters (NUL, TAB inside a value, …) pass through unchanged.
//
// GBK: structure is scanned character-wise on the GBK bytes (a trail byte may be 0x5B '[' or
// 0x5D ']' or 0x7C '|'); every name/key/value/line is converted with gbkDecodeInto /
// gbkEncodeInto, so invalid GBK / unmappable characters fail with positions in the input.

import { fail, errCode, E_INI_SYNTAX, E_INI_SHAPE, E_DUPLICATE_KEY, E_UTF8_INVALID } from './errors';
import { outByte, outLit, outBytes, outLen, outPtr } from './out';
import { gbkDecodeInto, gbkEncodeInto, utf8Put } from './gbk';
import { jsonParse, jKind, jA, jB, jC, jNext, jPos, jInputBase, jHex4, K_NULL, K_FALSE, K_TRUE, K_NUM, K_STR, K_ARR, K_OBJ } from './json';

// ---------------------------------------------------------------------------------------------
// shared helpers (also used by pipe.ts)

/** Next character start after q in GBK bytes: a lead byte 0x81..0xFE with a valid trail byte is two bytes. */
@inline export function gbkStep(q: usize, end: usize): usize {
  const b = <u32>load<u8>(q);
  if (b >= 0x81 && b <= 0xFE && q + 1 < end) {
    const t = <u32>load<u8>(q + 1);
    if (t >= 0x40 && t <= 0xFE && t != 0x7F) return q + 2;
  }
  return q + 1;
}

/** Appends GBK bytes [s, e) as a JSON string literal (UTF-8). Returns a status. */
export function outGbkJsonStr(s: usize, e: usize, base: usize): i32 {
  outByte(34);
  if (e > s) {
    const st = gbkDecodeInto(s, e, base, true);
    if (st != 0) return st;
    if (errCode != 0) return errCode;
  }
  outByte(34);
  return 0;
}

// UTF-8 bytes of a JSON string node: the input range itself, or an unescaped copy in a scratch buffer.
export let sbS: usize = 0;
export let sbE: usize = 0;
let scr: usize = 0;
let scrCap: i32 = 0;

export function scratchRelease(): void {
  if (scrCap > (1 << 20)) { heap.free(scr); scr = 0; scrCap = 0; }
}

/** Sets sbS/sbE to the unescaped UTF-8 bytes of string node i. Returns a status (lone surrogate escapes fail). */
export function strBytes(i: i32): i32 {
  const s = <usize>jA(i), e = <usize>jB(i);
  if (jC(i) == 0) { sbS = s; sbE = e; return 0; }
  const need = <i32>(e - s) + 4; // unescaped text is never longer than the escaped text
  if (need > scrCap) {
    let cap = scrCap < 256 ? 256 : scrCap;
    while (cap < need) cap <<= 1;
    if (scr != 0) heap.free(scr);
    scr = heap.alloc(<usize>cap);
    scrCap = cap;
  }
  let q = s, d = scr;
  while (q < e) {
    const c = <u32>load<u8>(q);
    if (c != 92) { store<u8>(d++, <u8>c); q++; continue; }
    const x = <u32>load<u8>(q + 1);
    q += 2;
    if (x == 110) store<u8>(d++, 10);
    else if (x == 116) store<u8>(d++, 9);
    else if (x == 114) store<u8>(d++, 13);
    else if (x == 98) store<u8>(d++, 8);
    else if (x == 102) store<u8>(d++, 12);
    else if (x == 117) {
      let v = jHex4(q);
      q += 4;
      if (v >= 0xDC00 && v < 0xE000) return fail(E_UTF8_INVALID, jPos(i), 'lone surrogate \\u escape in JSON string');
      if (v >= 0xD800 && v < 0xDC00) {
        if (q + 6 > e || load<u8>(q) != 92 || load<u8>(q + 1) != 117) return fail(E_UTF8_INVALID, jPos(i), 'lone surrogate \\u escape in JSON string');
        const w = jHex4(q + 2);
        if (w < 0xDC00 || w >= 0xE000) return fail(E_UTF8_INVALID, jPos(i), 'lone surrogate \\u escape in JSON string');
        q += 6;
        v = 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00);
      }
      d = utf8Put(d, v);
    } else store<u8>(d++, <u8>x); // \" \\ \/
  }
  sbS = scr;
  sbE = d;
  return 0;
}

/**
 * GBK-encodes the UTF-8 bytes [sbS, sbE) of string node i into the output. Error positions point
 * into the JSON input (exactly for unescaped strings, within the string otherwise).
 */
export function encodeStr(i: i32): i32 {
  if (sbE <= sbS) return 0;
  const inInput = jC(i) == 0;
  const base = inInput ? jInputBase() : sbS - <usize>(jPos(i) + 1);
  const st = gbkEncodeInto(sbS, sbE, base);
  if (st != 0) return st;
  return errCode;
}

/** ASCII-lower-cased string of UTF-8 bytes [s, e) used as a duplicate-detection key (one char per byte). */
export function foldKey(s: usize, e: usize): string {
  const n = <i32>(e - s);
  const r = changetype<string>(__new(<usize>n << 1, idof<String>()));
  const rp = changetype<usize>(r);
  for (let k = 0; k < n; k++) {
    let b = <u32>load<u8>(s + <usize>k);
    if (b >= 65 && b <= 90) b += 32;
    store<u16>(rp + (<usize>k << 1), <u16>b);
  }
  return r;
}

/** Text for messages: UTF-8 bytes [s, e) as an AS string (JSON escapes, if any, kept). */
function textOf(s: usize, e: usize): string {
  return String.UTF8.decodeUnsafe(s, e - s);
}

@inline function isBlank(b: u32): bool { return b == 32 || b == 9; }

// ---------------------------------------------------------------------------------------------
// parse

export function opIniParse(ptr: usize, len: i32): i32 {
  const st = iniParse(ptr, ptr + <usize>len);
  scratchRelease();
  return st;
}

function iniParse(base: usize, end: usize): i32 {
  const sections = new Set<string>();
  let keys = new Set<string>();
  let inSection = false;
  let kind = 0; // 0 = no line yet, 1 = object, 2 = array
  let nSections = 0;
  let nMembers = 0;
  let secName = '';
  outByte(123);
  let q = base;
  while (q < end) {
    // one line [ls, le)
    const ls = q;
    while (q < end) {
      const b = <u32>load<u8>(q);
      if (b == 10) break;
      if (b == 13) {
        if (q + 1 == end || load<u8>(q + 1) == 10) break;
        return fail(E_INI_SYNTAX, <i32>(q - base), 'bare CR (lines end with CRLF or LF)');
      }
      q = gbkStep(q, end);
    }
    const le = q;
    if (q < end && load<u8>(q) == 13) q++;
    if (q < end && load<u8>(q) == 10) q++;
    // trim (spaces and tabs are never GBK trail bytes)
    let s = ls, e = le;
    while (s < e && isBlank(<u32>load<u8>(s))) s++;
    while (e > s && isBlank(<u32>load<u8>(e - 1))) e--;
    if (s == e) continue;
    const at = <i32>(s - base);

    if (load<u8>(s) == 91) {
      // section header: the last character must be ']', no '[' / ']' inside
      let c = s + 1, last = s;
      let bad = false;
      while (c < e) {
        const b = <u32>load<u8>(c);
        const nx = gbkStep(c, end);
        if (nx == c + 1 && (b == 91 || b == 93) && nx < e) bad = true;
        last = c;
        c = nx;
      }
      if (last == s || load<u8>(last) != 93 || (last + 1 != e)) return fail(E_INI_SYNTAX, at, 'unterminated section header (expected [name])');
      if (bad) return fail(E_INI_SYNTAX, at, "section name must not contain '[' or ']'");
      let ns = s + 1, ne = last;
      while (ns < ne && isBlank(<u32>load<u8>(ns))) ns++;
      while (ne > ns && isBlank(<u32>load<u8>(ne - 1))) ne--;
      if (ns == ne) return fail(E_INI_SYNTAX, at, 'empty section name');
      // close the previous section
      if (inSection) closeSection(kind);
      if (nSections > 0) outByte(44);
      const k0 = outLen;
      if (outGbkJsonStr(ns, ne, base) != 0) return errCode;
      const k1 = outLen;
      secName = textOf(outPtr + <usize>k0 + 1, outPtr + <usize>k1 - 1);
      const fk = foldKey(outPtr + <usize>k0 + 1, outPtr + <usize>k1 - 1);
      if (sections.has(fk)) return fail(E_INI_SHAPE, at, 'duplicate section [' + secName + ']');
      sections.add(fk);
      outByte(58);
      nSections++;
      inSection = true;
      kind = 0;
      nMembers = 0;
      keys = new Set<string>();
      continue;
    }

    if (!inSection) return fail(E_INI_SYNTAX, at, 'line before the first [section]');
    // first '=' (never a GBK trail byte, but scan character-wise anyway)
    let eq: usize = 0;
    let c = s;
    while (c < e) {
      if (load<u8>(c) == 61) { eq = c; break; }
      c = gbkStep(c, end);
    }
    if (eq != 0) {
      if (kind == 2) return fail(E_INI_SHAPE, at, 'key=value line in the keyless section [' + secName + ']');
      let ke = eq;
      while (ke > s && isBlank(<u32>load<u8>(ke - 1))) ke--;
      if (ke == s) return fail(E_INI_SYNTAX, at, "empty key before '='");
      let vs = eq + 1;
      while (vs < e && isBlank(<u32>load<u8>(vs))) vs++;
      if (kind == 0) { outByte(123); kind = 1; }
      if (nMembers > 0) outByte(44);
      const k0 = outLen;
      if (outGbkJsonStr(s, ke, base) != 0) return errCode;
      const k1 = outLen;
      const fk = foldKey(outPtr + <usize>k0 + 1, outPtr + <usize>k1 - 1);
      if (keys.has(fk)) {
        return fail(E_DUPLICATE_KEY, at, 'duplicate key ' + textOf(outPtr + <usize>k0 + 1, outPtr + <usize>k1 - 1) + ' in [' + secName + ']');
      }
      keys.add(fk);
      outByte(58);
      if (outGbkJsonStr(vs, e, base) != 0) return errCode;
    } else {
      if (kind == 1) return fail(E_INI_SHAPE, at, 'line without \'=\' in the key=value section [' + secName + ']');
      if (kind == 0) { outByte(91); kind = 2; }
      if (nMembers > 0) outByte(44);
      if (outGbkJsonStr(s, e, base) != 0) return errCode;
    }
    nMembers++;
  }
  if (inSection) closeSection(kind);
  outByte(125);
  return 0;
}

function closeSection(kind: i32): void {
  if (kind == 0) outLit('{}');
  else if (kind == 1) outByte(125);
  else outByte(93);
}

// ---------------------------------------------------------------------------------------------
// print

export function opIniPrint(ptr: usize, len: i32): i32 {
  const st = iniPrint(ptr, len);
  scratchRelease();
  curSec = '';
  return st;
}

const W_NAME = 0, W_KEY = 1, W_VALUE = 2, W_LINE = 3;

// context for messages, built only on failure (names and keys may be large)
let curSec = '';

function keyText(k: i32): string {
  if (strBytes(k) != 0) return '?';
  return textOf(sbS, sbE);
}

function what2(what: i32, ctx: i32): string {
  if (what == W_NAME) return 'section name';
  if (what == W_KEY) return '[' + curSec + '] key';
  if (what == W_VALUE) return '[' + curSec + '] value of ' + keyText(ctx);
  return '[' + curSec + '] line ' + ctx.toString();
}

/** Checks the UTF-8 bytes [sbS, sbE) of a name/key/value/line node. ctx: key node (values) or line index. */
function checkText(node: i32, what: i32, ctx: i32): i32 {
  const s = sbS, e = sbE;
  const pos = jPos(node);
  if (s == e) {
    if (what == W_VALUE) return 0;
    return fail(E_INI_SHAPE, pos, what2(what, ctx) + ' must not be empty' + (what == W_LINE ? ' (a blank line is dropped on parse)' : ''));
  }
  if (isBlank(<u32>load<u8>(s)) || isBlank(<u32>load<u8>(e - 1)))
    return fail(E_INI_SHAPE, pos, what2(what, ctx) + ' must not begin or end with spaces or tabs (they are trimmed on parse)');
  if ((what == W_LINE || what == W_KEY) && load<u8>(s) == 91) return fail(E_INI_SHAPE, pos, what2(what, ctx) + " must not start with '['");
  for (let q = s; q < e; q++) {
    const b = <u32>load<u8>(q);
    if (b == 10 || b == 13) return fail(E_INI_SHAPE, pos, what2(what, ctx) + ' must not contain CR or LF');
    if (b == 61 && (what == W_KEY || what == W_LINE)) return fail(E_INI_SHAPE, pos, what2(what, ctx) + " must not contain '='");
    if ((b == 91 || b == 93) && what == W_NAME) return fail(E_INI_SHAPE, pos, what2(what, ctx) + " must not contain '[' or ']'");
  }
  return 0;
}

/** Sets sbS/sbE to the text of a scalar node (string, number, boolean; null = empty). Returns a status. */
function scalarBytes(v: i32, what: i32, ctx: i32): i32 {
  const k = jKind(v);
  if (k == K_STR) return strBytes(v);
  if (k == K_NUM) { sbS = <usize>jA(v); sbE = <usize>jB(v); return 0; }
  if (k == K_TRUE || k == K_FALSE || (k == K_NULL && what == W_VALUE)) {
    sbS = jInputBase() + <usize>jA(v);
    sbE = sbS + (k == K_TRUE ? 4 : k == K_FALSE ? 5 : 0);
    return 0;
  }
  if (k == K_NULL) return fail(E_INI_SHAPE, jPos(v), what2(what, ctx) + ' must not be null (a blank line is dropped on parse)');
  return fail(E_INI_SHAPE, jPos(v), what2(what, ctx) + ' must be a string, number, boolean' + (what == W_VALUE ? ' or null' : ''));
}

/** Emits [sbS, sbE) of node v as GBK (strings are converted, literals are ASCII). */
function emitScalar(v: i32): i32 {
  if (jKind(v) == K_STR) return encodeStr(v);
  outBytes(sbS, <i32>(sbE - sbS));
  return 0;
}

function iniPrint(ptr: usize, len: i32): i32 {
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_INI_SHAPE, jPos(0), 'INI document must be a JSON object of sections');
  const sections = new Set<string>();
  const n = <i32>jA(0);
  let j = 1;
  for (let si = 0; si < n; si++) {
    const kn = j, v = j + 1;
    j = jNext(v);
    curSec = '';
    if (strBytes(kn) != 0) return errCode;
    if (checkText(kn, W_NAME, 0) != 0) return errCode;
    curSec = textOf(sbS, sbE);
    const fk = foldKey(sbS, sbE);
    if (sections.has(fk)) return fail(E_INI_SHAPE, jPos(kn), 'duplicate section [' + curSec + '] (names are case-insensitive)');
    sections.add(fk);
    outByte(91);
    if (encodeStr(kn) != 0) return errCode;
    outLit(']\r\n');
    const vk = jKind(v);
    if (vk == K_OBJ) {
      const keys = new Set<string>();
      const m = <i32>jA(v);
      let t = v + 1;
      for (let ki = 0; ki < m; ki++) {
        const kk = t, vv = t + 1;
        t = jNext(vv);
        if (strBytes(kk) != 0) return errCode;
        if (checkText(kk, W_KEY, 0) != 0) return errCode;
        const fkk = foldKey(sbS, sbE);
        if (keys.has(fkk)) return fail(E_DUPLICATE_KEY, jPos(kk), 'duplicate key ' + textOf(sbS, sbE) + ' in [' + curSec + '] (keys are case-insensitive)');
        keys.add(fkk);
        if (encodeStr(kk) != 0) return errCode;
        outByte(61);
        if (scalarBytes(vv, W_VALUE, kk) != 0) return errCode;
        if (checkText(vv, W_VALUE, kk) != 0) return errCode;
        if (emitScalar(vv) != 0) return errCode;
        outLit('\r\n');
      }
    } else if (vk == K_ARR) {
      const m = <i32>jA(v);
      if (m == 0) return fail(E_INI_SHAPE, jPos(v), 'section [' + curSec + '] is an empty array (an empty section parses as {}: write {})');
      let t = v + 1;
      for (let li = 0; li < m; li++) {
        if (scalarBytes(t, W_LINE, li) != 0) return errCode;
        if (checkText(t, W_LINE, li) != 0) return errCode;
        if (emitScalar(t) != 0) return errCode;
        outLit('\r\n');
        t = jNext(t);
      }
    } else {
      return fail(E_INI_SHAPE, jPos(v), 'section [' + curSec + '] must be an object (key=value) or an array (lines)');
    }
  }
  return 0;
}
