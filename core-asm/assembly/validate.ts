// Field validation against the interface specs' field types: op 3 validate.
//
// Input, either a list of fields
//   {"fields":[{"name":"psn_no","type":"C(30)","value":"…","required":true}, …]}
// or a schema plus data
//   {"schema":{"psn_no":"C(30)","amt":"N(16,2)"},"required":["psn_no"],"data":{"psn_no":"…"}}
// In the schema form every schema entry is checked against data[name] in schema order; data keys
// that are not in the schema are ignored; every name in "required" must be in the schema.
//
// Output (the op succeeds, rc >= 0, also when fields are invalid):
//   {"ok":true|false,"errors":[{"name":"…","status":801,"code":"FIELD_TOO_LONG",
//     "message_zh":"…","message_en":"…","detail":"…"}]}
// Details describe the rule that failed and never echo the value (values are personal data).
//
// Types (case-insensitive, spaces ignored: "N 5,2", "VarChar2(400)" are accepted):
//   C(n), Cn, VARCHAR(n), VARCHAR2(n)   at most n characters, counted in Unicode code points
//                                       (a Chinese character counts 1, so does an emoji)
//   CB(n), CBn                          at most n bytes in GBK (ASCII 1, Chinese 2); a character
//                                       GBK cannot encode -> FIELD_CHARSET
//   N(p,s), Np,s, N(p), Np              decimal: optional '-', digits, optional '.' digits (no '+',
//                                       no exponent, no spaces). As in the Nanping spec ("N5,2代表
//                                       取值0.00到999.99") and SQL NUMBER(p,s): at most p-s
//                                       significant integer digits and at most s significant
//                                       fraction digits. Leading integer zeros and trailing
//                                       fraction zeros are not significant, so "12.3400" is a
//                                       valid N(16,2) (the specs send fixed decimals).
//                                       Not a decimal -> FIELD_NOT_NUMBER, too many digits ->
//                                       FIELD_PRECISION. JSON numbers are checked by their text.
//   D, DATE                             yyyy-MM-dd (real calendar, Gregorian leap years, year >= 1)
//   DT, DATETIME                        yyyy-MM-dd HH:mm:ss (00-23, 00-59, 00-59)
//   D8                                  yyyyMMdd
//   DT14                                yyyyMMddHHmmss
//   T17                                 yyyyMMddHHmmssSSS
//   D/D8 failures are FIELD_DATE, DT/DT14/T17 failures FIELD_DATETIME.
// Values are strings or JSON numbers (a number is checked by its literal text for every type).
// An absent value, null or "" is valid unless required (-> FIELD_REQUIRED). Booleans, arrays and
// objects as values -> WRONG_TYPE (per field).
// Op failures (no result): unknown or malformed type spec -> FIELD_SPEC; malformed input ->
// WRONG_TYPE / MISSING_FIELD / DUPLICATE_KEY (duplicate keys in schema or data) / UTF8_INVALID
// (a lone surrogate \u escape in a JSON string).

import {
  fail, errCode, errName, errZh, errEn, E_WRONG_TYPE, E_MISSING_FIELD, E_DUPLICATE_KEY, E_FIELD_TOO_LONG,
  E_FIELD_NOT_NUMBER, E_FIELD_PRECISION, E_FIELD_DATE, E_FIELD_DATETIME, E_FIELD_REQUIRED, E_FIELD_SPEC,
  E_FIELD_CHARSET,
} from './errors';
import { jsonParse, jKind, jA, jB, jNext, jGet, jPos, K_NULL, K_FALSE, K_TRUE, K_NUM, K_STR, K_ARR, K_OBJ } from './json';
import { outByte, outLit, outJsonStr, outI64 } from './out';
import { encodeCp } from './gbk';
import { strBytes, sbS, sbE, scratchRelease } from './ini';

const T_C = 1, T_CB = 2, T_N = 3, T_D = 4, T_DT = 5, T_D8 = 6, T_DT14 = 7, T_T17 = 8;

// parsed type spec
let tKind = 0;
let tN = 0; // length for C/CB, precision p for N
let tS = 0; // scale s for N

class FieldError {
  constructor(public name: string, public code: i32, public detail: string) {}
}

let errors = new Array<FieldError>(0);

function addErr(name: string, code: i32, detail: string): void {
  errors.push(new FieldError(name, code, detail));
}

// ---------------------------------------------------------------------------------------------
// type specs

/** Parses an unsigned decimal integer of 1..9 digits from s at i; returns -1 if none. Sets numEnd. */
let numEnd = 0;
function readUint(s: string, i: i32): i32 {
  let v = 0, k = i;
  while (k < s.length && k - i < 9) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    k++;
  }
  numEnd = k;
  if (k == i) return -1;
  if (k < s.length) { const c = s.charCodeAt(k) - 48; if (c >= 0 && c <= 9) return -1; } // more than 9 digits
  return v;
}

/** Arguments after the type name: "(a)", "(a,b)", "a", "a,b". Sets argA/argB (-1 when absent). */
let argA = -1, argB = -1;
function parseArgs(s: string, i: i32, allowTwo: bool): bool {
  argA = -1; argB = -1;
  let paren = false;
  if (i < s.length && s.charCodeAt(i) == 40) { paren = true; i++; }
  argA = readUint(s, i);
  if (argA < 0) return false;
  i = numEnd;
  if (allowTwo && i < s.length && s.charCodeAt(i) == 44) {
    argB = readUint(s, i + 1);
    if (argB < 0) return false;
    i = numEnd;
  }
  if (paren) {
    if (i >= s.length || s.charCodeAt(i) != 41) return false;
    i++;
  }
  return i == s.length;
}

/** Parses a type spec into tKind/tN/tS; false if it is not a known type. */
function parseSpec(raw: string): bool {
  if (raw.length > 64) return false;
  // strip spaces/tabs, ASCII upper-case
  let s = '';
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c == 32 || c == 9) continue;
    if (c >= 97 && c <= 122) c -= 32;
    s += String.fromCharCode(c);
  }
  tKind = 0; tN = 0; tS = 0;
  if (s == 'D' || s == 'DATE') { tKind = T_D; return true; }
  if (s == 'DT' || s == 'DATETIME') { tKind = T_DT; return true; }
  if (s == 'D8') { tKind = T_D8; return true; }
  if (s == 'DT14') { tKind = T_DT14; return true; }
  if (s == 'T17') { tKind = T_T17; return true; }
  let kind = 0, at = 0;
  if (s.startsWith('VARCHAR2')) { kind = T_C; at = 8; }
  else if (s.startsWith('VARCHAR')) { kind = T_C; at = 7; }
  else if (s.startsWith('CB')) { kind = T_CB; at = 2; }
  else if (s.startsWith('C')) { kind = T_C; at = 1; }
  else if (s.startsWith('N')) { kind = T_N; at = 1; }
  else return false;
  if (!parseArgs(s, at, kind == T_N)) return false;
  if (argA < 1) return false;
  tKind = kind;
  tN = argA;
  if (kind == T_N) {
    tS = argB < 0 ? 0 : argB;
    if (tS > tN) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// value checks, on the UTF-8 bytes [vS, vE) of the value (never through jString: values may be huge)

let vS: usize = 0;
let vE: usize = 0;

@inline function byteAt(i: i32): i32 { return <i32>load<u8>(vS + <usize>i); }
@inline function isDigit(c: i32): bool { return c >= 48 && c <= 57; }

/** Value of n digits at byte i, or -1 if any is not a digit. */
function digits(i: i32, n: i32): i32 {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = byteAt(i + k);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

function isLeap(y: i32): bool { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

function daysIn(y: i32, m: i32): i32 {
  if (m == 2) return isLeap(y) ? 29 : 28;
  if (m == 4 || m == 6 || m == 9 || m == 11) return 30;
  return 31;
}

/** Empty string if y-m-d is a real calendar date, else the reason. */
function dateProblem(y: i32, m: i32, d: i32): string {
  if (y < 1) return 'year must be 0001-9999';
  if (m < 1 || m > 12) return 'month must be 01-12';
  if (d < 1 || d > daysIn(y, m)) return 'day does not exist in that month';
  return '';
}

function timeProblem(h: i32, mi: i32, se: i32): string {
  if (h < 0 || h > 23) return 'hour must be 00-23';
  if (mi < 0 || mi > 59) return 'minute must be 00-59';
  if (se < 0 || se > 59) return 'second must be 00-59';
  return '';
}

function checkDate(name: string, spec: string, compact: bool): void {
  const len = <i32>(vE - vS);
  const n = compact ? 8 : 10;
  const fmt = compact ? 'yyyyMMdd' : 'yyyy-MM-dd';
  let y = -1, m = -1, d = -1;
  if (len == n) {
    if (compact) { y = digits(0, 4); m = digits(4, 2); d = digits(6, 2); }
    else if (byteAt(4) == 45 && byteAt(7) == 45) { y = digits(0, 4); m = digits(5, 2); d = digits(8, 2); }
  }
  if (y < 0 || m < 0 || d < 0) { addErr(name, E_FIELD_DATE, spec + ': expected ' + fmt); return; }
  const p = dateProblem(y, m, d);
  if (p.length) addErr(name, E_FIELD_DATE, spec + ': ' + p);
}

function checkDateTime(name: string, spec: string, kind: i32): void {
  const len = <i32>(vE - vS);
  let fmt = 'yyyy-MM-dd HH:mm:ss';
  let y = -1, m = -1, d = -1, h = -1, mi = -1, se = -1, ms = 0;
  if (kind == T_DT) {
    if (len == 19 && byteAt(4) == 45 && byteAt(7) == 45 && byteAt(10) == 32 && byteAt(13) == 58 && byteAt(16) == 58) {
      y = digits(0, 4); m = digits(5, 2); d = digits(8, 2);
      h = digits(11, 2); mi = digits(14, 2); se = digits(17, 2);
    }
  } else {
    const n = kind == T_DT14 ? 14 : 17;
    fmt = kind == T_DT14 ? 'yyyyMMddHHmmss' : 'yyyyMMddHHmmssSSS';
    if (len == n) {
      y = digits(0, 4); m = digits(4, 2); d = digits(6, 2);
      h = digits(8, 2); mi = digits(10, 2); se = digits(12, 2);
      if (n == 17) ms = digits(14, 3);
    }
  }
  if (y < 0 || m < 0 || d < 0 || h < 0 || mi < 0 || se < 0 || ms < 0) {
    addErr(name, E_FIELD_DATETIME, spec + ': expected ' + fmt);
    return;
  }
  let p = dateProblem(y, m, d);
  if (!p.length) p = timeProblem(h, mi, se);
  if (p.length) addErr(name, E_FIELD_DATETIME, spec + ': ' + p);
}

function checkDecimal(name: string, spec: string): void {
  const n = <i32>(vE - vS);
  let i = 0;
  if (i < n && byteAt(i) == 45) i++;
  const is = i;
  while (i < n && isDigit(byteAt(i))) i++;
  const ie = i;
  let fs = i, fe = i;
  let ok = ie > is;
  if (ok && i < n && byteAt(i) == 46) {
    i++;
    fs = i;
    while (i < n && isDigit(byteAt(i))) i++;
    fe = i;
    if (fe == fs) ok = false;
  }
  if (!ok || i != n) {
    addErr(name, E_FIELD_NOT_NUMBER, spec + ': expected a decimal like -123.45 (optional minus, digits, optional point and digits)');
    return;
  }
  let a = is;
  while (a < ie && byteAt(a) == 48) a++;
  let b = fe;
  while (b > fs && byteAt(b - 1) == 48) b--;
  const intDigits = ie - a, fracDigits = b - fs;
  if (intDigits > tN - tS) {
    addErr(name, E_FIELD_PRECISION, spec + ': at most ' + (tN - tS).toString() + ' integer digits, got ' + intDigits.toString());
    return;
  }
  if (fracDigits > tS) {
    addErr(name, E_FIELD_PRECISION, spec + ': at most ' + tS.toString() + ' decimal places, got ' + fracDigits.toString());
  }
}

function hexCp(cp: i32): string {
  let h = cp.toString(16).toUpperCase();
  while (h.length < 4) h = '0' + h;
  return 'U+' + h;
}

/** Counts code points (or GBK bytes) of the valid UTF-8 value. */
function checkLength(name: string, spec: string, gbkBytes: bool): void {
  let count = 0;
  let q = vS;
  while (q < vE) {
    const c = <i32>load<u8>(q);
    let cp = c, n = 1;
    if (c >= 0xF0) { n = 4; cp = ((c & 0x07) << 18) | ((<i32>load<u8>(q + 1) & 63) << 12) | ((<i32>load<u8>(q + 2) & 63) << 6) | (<i32>load<u8>(q + 3) & 63); }
    else if (c >= 0xE0) { n = 3; cp = ((c & 0x0F) << 12) | ((<i32>load<u8>(q + 1) & 63) << 6) | (<i32>load<u8>(q + 2) & 63); }
    else if (c >= 0xC0) { n = 2; cp = ((c & 0x1F) << 6) | (<i32>load<u8>(q + 1) & 63); }
    q += <usize>n;
    if (!gbkBytes || cp < 0x80) { count++; continue; }
    const g = encodeCp(cp);
    if (g < 0) {
      addErr(name, E_FIELD_CHARSET, spec + ': character ' + hexCp(cp) + ' at index ' + count.toString() + ' cannot be encoded in GBK');
      return;
    }
    count += g < 0x100 ? 1 : 2;
  }
  if (count > tN) {
    addErr(name, E_FIELD_TOO_LONG, spec + ': at most ' + tN.toString() + (gbkBytes ? ' GBK bytes' : ' characters') + ', got ' + count.toString());
  }
}

/** Checks one value (node index or -1 when absent) against the parsed spec (tKind/tN/tS). Returns a status. */
function checkField(name: string, spec: string, v: i32, required: bool): i32 {
  const k = v < 0 ? K_NULL : jKind(v);
  if (k == K_NULL || (k == K_STR && jB(v) == jA(v))) {
    if (required) addErr(name, E_FIELD_REQUIRED, spec + ': required');
    return 0;
  }
  if (k != K_STR && k != K_NUM) {
    addErr(name, E_WRONG_TYPE, spec + ': value must be a string or a number');
    return 0;
  }
  if (k == K_STR) {
    if (strBytes(v) != 0) return errCode;
    vS = sbS; vE = sbE;
  } else {
    vS = <usize>jA(v); vE = <usize>jB(v);
  }
  switch (tKind) {
    case T_C: checkLength(name, spec, false); break;
    case T_CB: checkLength(name, spec, true); break;
    case T_N: checkDecimal(name, spec); break;
    case T_D: checkDate(name, spec, false); break;
    case T_D8: checkDate(name, spec, true); break;
    default: checkDateTime(name, spec, tKind); break;
  }
  return 0;
}

/** Text of a string node (escapes decoded) in linear time; '' after a failure. */
function textOf(i: i32): string {
  if (strBytes(i) != 0) return '';
  return String.UTF8.decodeUnsafe(sbS, sbE - sbS);
}

// ---------------------------------------------------------------------------------------------
// op

function specOf(typeNode: i32, what: string): string {
  if (typeNode < 0 || jKind(typeNode) == K_NULL) { fail(E_MISSING_FIELD, -1, what); return ''; }
  if (jKind(typeNode) != K_STR) { fail(E_FIELD_SPEC, jPos(typeNode), what + ' must be a type string such as "C(30)"'); return ''; }
  const spec = textOf(typeNode);
  if (errCode != 0) return '';
  if (!parseSpec(spec)) fail(E_FIELD_SPEC, jPos(typeNode), what + ': unknown field type "' + spec + '"');
  return spec;
}

function validateFields(arr: i32): i32 {
  if (jKind(arr) != K_ARR) return fail(E_WRONG_TYPE, jPos(arr), 'fields must be an array');
  const n = <i32>jA(arr);
  let f = arr + 1;
  for (let i = 0; i < n; i++) {
    const path = 'fields[' + i.toString() + ']';
    if (jKind(f) != K_OBJ) return fail(E_WRONG_TYPE, jPos(f), path + ' must be an object');
    const nm = jGet(f, 'name');
    if (nm < 0 || jKind(nm) == K_NULL) return fail(E_MISSING_FIELD, jPos(f), path + '.name');
    if (jKind(nm) != K_STR) return fail(E_WRONG_TYPE, jPos(nm), path + '.name must be a string');
    const spec = specOf(jGet(f, 'type'), path + '.type');
    if (errCode != 0) return errCode;
    const rq = jGet(f, 'required');
    let required = false;
    if (rq >= 0) {
      const rk = jKind(rq);
      if (rk == K_TRUE) required = true;
      else if (rk != K_FALSE && rk != K_NULL) return fail(E_WRONG_TYPE, jPos(rq), path + '.required must be true or false');
    }
    const name = textOf(nm);
    if (errCode != 0) return errCode;
    if (checkField(name, spec, jGet(f, 'value'), required) != 0) return errCode;
    f = jNext(f);
  }
  return 0;
}

function validateSchema(schema: i32): i32 {
  if (jKind(schema) != K_OBJ) return fail(E_WRONG_TYPE, jPos(schema), 'schema must be an object {name: type}');
  const data = jGet(0, 'data');
  if (data < 0 || jKind(data) == K_NULL) return fail(E_MISSING_FIELD, 0, 'data');
  if (jKind(data) != K_OBJ) return fail(E_WRONG_TYPE, jPos(data), 'data must be an object');
  // data keys -> value nodes
  const values = new Map<string, i32>();
  let n = <i32>jA(data);
  let j = data + 1;
  for (let i = 0; i < n; i++) {
    const key = textOf(j);
    if (errCode != 0) return errCode;
    if (values.has(key)) return fail(E_DUPLICATE_KEY, jPos(j), 'data.' + key);
    values.set(key, j + 1);
    j = jNext(j + 1);
  }
  // schema names
  const names = new Set<string>();
  n = <i32>jA(schema);
  j = schema + 1;
  for (let i = 0; i < n; i++) {
    const key = textOf(j);
    if (errCode != 0) return errCode;
    if (names.has(key)) return fail(E_DUPLICATE_KEY, jPos(j), 'schema.' + key);
    names.add(key);
    j = jNext(j + 1);
  }
  // required names
  const req = new Set<string>();
  const rq = jGet(0, 'required');
  if (rq >= 0 && jKind(rq) != K_NULL) {
    if (jKind(rq) != K_ARR) return fail(E_WRONG_TYPE, jPos(rq), 'required must be an array of field names');
    const m = <i32>jA(rq);
    let r = rq + 1;
    for (let i = 0; i < m; i++) {
      if (jKind(r) != K_STR) return fail(E_WRONG_TYPE, jPos(r), 'required[' + i.toString() + '] must be a string');
      const nm = textOf(r);
      if (errCode != 0) return errCode;
      if (!names.has(nm)) return fail(E_FIELD_SPEC, jPos(r), 'required field ' + nm + ' is not in the schema');
      req.add(nm);
      r = jNext(r);
    }
  }
  j = schema + 1;
  for (let i = 0; i < n; i++) {
    const name = textOf(j);
    const spec = specOf(j + 1, 'schema.' + name);
    if (errCode != 0) return errCode;
    if (checkField(name, spec, values.has(name) ? values.get(name) : -1, req.has(name)) != 0) return errCode;
    j = jNext(j + 1);
  }
  return 0;
}

export function opValidate(ptr: usize, len: i32): i32 {
  const st = validate(ptr, len);
  errors = new Array<FieldError>(0);
  scratchRelease();
  return st;
}

function validate(ptr: usize, len: i32): i32 {
  const st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'input must be an object {fields} or {schema, required, data}');
  errors = new Array<FieldError>(0);
  const fields = jGet(0, 'fields');
  const schema = jGet(0, 'schema');
  const hasF = fields >= 0 && jKind(fields) != K_NULL;
  const hasS = schema >= 0 && jKind(schema) != K_NULL;
  if (hasF && hasS) return fail(E_FIELD_SPEC, jPos(schema), 'use either fields or schema, not both');
  if (!hasF && !hasS) return fail(E_MISSING_FIELD, 0, 'fields or schema');
  if ((hasF ? validateFields(fields) : validateSchema(schema)) != 0) return errCode;
  if (errCode != 0) return errCode;
  outLit('{"ok":');
  outLit(errors.length == 0 ? 'true' : 'false');
  outLit(',"errors":[');
  for (let i = 0; i < errors.length; i++) {
    const e = errors[i];
    if (i > 0) outByte(44);
    outLit('{"name":');
    outJsonStr(e.name);
    outLit(',"status":');
    outI64(e.code);
    outLit(',"code":');
    outJsonStr(errName(e.code));
    outLit(',"message_zh":');
    outJsonStr(errZh(e.code));
    outLit(',"message_en":');
    outJsonStr(errEn(e.code));
    outLit(',"detail":');
    outJsonStr(e.detail);
    outByte(125);
  }
  outLit(']}');
  return 0;
}
