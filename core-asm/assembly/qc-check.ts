// Value checks of the quality-rule engine (op 80): exact decimal comparison (no floats), dates and
// date-times, the field-table types C(n) / N(p,s) / D / DT, code shapes and 天/时/分 durations.
// Every function takes an AS string and never traps; a failed check sets `reasonZh` / `reasonEn`.

export let reasonZh: string = '';
export let reasonEn: string = '';

function why(zh: string, en: string): bool {
  reasonZh = zh;
  reasonEn = en;
  return false;
}

@inline function isDigit(c: i32): bool { return c >= 48 && c <= 57; }
@inline function isUpper(c: i32): bool { return c >= 65 && c <= 90; }
@inline function isAlnum(c: i32): bool { return isDigit(c) || isUpper(c) || (c >= 97 && c <= 122); }

/** Number of Unicode code points (a surrogate pair counts one). */
export function codePoints(s: string): i32 {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xDC00 && d < 0xE000) i++;
    }
    n++;
  }
  return n;
}

/** True when s is blank (only spaces, tabs, CR/LF, full-width spaces). */
export function isBlank(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c != 32 && c != 9 && c != 10 && c != 13 && c != 0x3000) return false;
  }
  return true;
}

export function allDigits(s: string): bool {
  if (s.length == 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

// ---- decimals -------------------------------------------------------------------------------

/** A parsed decimal: sign, integer digits without leading zeros, fraction digits without trailing zeros. */
export class Dec {
  neg: bool = false;
  int: string = '';
  frac: string = '';
}

/** Parses `-?digits(.digits)?` exactly; null when s is not such a decimal. */
export function parseDec(s: string): Dec | null {
  const n = s.length;
  let i = 0;
  let neg = false;
  if (i < n && s.charCodeAt(i) == 45) { neg = true; i++; }
  const is = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const ie = i;
  if (ie == is) return null;
  let fs = i, fe = i;
  if (i < n && s.charCodeAt(i) == 46) {
    i++;
    fs = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    fe = i;
    if (fe == fs) return null;
  }
  if (i != n) return null;
  let a = is;
  while (a < ie && s.charCodeAt(a) == 48) a++;
  let b = fe;
  while (b > fs && s.charCodeAt(b - 1) == 48) b--;
  const d = new Dec();
  d.int = s.substring(a, ie);
  d.frac = s.substring(fs, b);
  d.neg = neg && (d.int.length > 0 || d.frac.length > 0); // -0 is 0
  return d;
}

/** True for a decimal equal to zero ("0", "0.00", "-0"). */
export function isZeroDec(s: string): bool {
  const d = parseDec(s);
  return d !== null && d.int.length == 0 && d.frac.length == 0;
}

function cmpMag(a: Dec, b: Dec): i32 {
  if (a.int.length != b.int.length) return a.int.length < b.int.length ? -1 : 1;
  for (let i = 0; i < a.int.length; i++) {
    const x = a.int.charCodeAt(i), y = b.int.charCodeAt(i);
    if (x != y) return x < y ? -1 : 1;
  }
  const n = a.frac.length > b.frac.length ? a.frac.length : b.frac.length;
  for (let i = 0; i < n; i++) {
    const x = i < a.frac.length ? a.frac.charCodeAt(i) : 48;
    const y = i < b.frac.length ? b.frac.charCodeAt(i) : 48;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Exact comparison: -1, 0, 1. */
export function cmpDec(a: Dec, b: Dec): i32 {
  if (a.neg != b.neg) return a.neg ? -1 : 1;
  const m = cmpMag(a, b);
  return a.neg ? -m : m;
}

// ---- dates ----------------------------------------------------------------------------------

function isLeap(y: i32): bool { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

function daysIn(y: i32, m: i32): i32 {
  if (m == 2) return isLeap(y) ? 29 : 28;
  if (m == 4 || m == 6 || m == 9 || m == 11) return 30;
  return 31;
}

function num(s: string, at: i32, n: i32): i32 {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(at + k);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Days since 1970-01-01 of a valid civil date (H. Hinnant's days_from_civil, integers only). */
export function daysFromCivil(y0: i32, m: i32, d: i32): i64 {
  const y: i64 = <i64>(m <= 2 ? y0 - 1 : y0);
  const era: i64 = (y >= 0 ? y : y - 399) / 400;
  const yoe: i64 = y - era * 400;
  const mp: i64 = <i64>(m > 2 ? m - 3 : m + 9);
  const doy: i64 = (153 * mp + 2) / 5 + <i64>d - 1;
  const doe: i64 = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/** A parsed point in time: yyyy-MM-dd (date only) or yyyy-MM-dd HH:mm:ss. */
export class Stamp {
  days: i64 = 0;
  secs: i32 = 0;
  hasTime: bool = false;
}

function dateAt(s: string, st: Stamp): bool {
  if (s.length < 10 || s.charCodeAt(4) != 45 || s.charCodeAt(7) != 45) return false;
  const y = num(s, 0, 4), m = num(s, 5, 2), d = num(s, 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return false;
  st.days = daysFromCivil(y, m, d);
  return true;
}

/** yyyy-MM-dd or yyyy-MM-dd HH:mm:ss (a real calendar date, 00-23:00-59:00-59); null otherwise. */
export function parseStamp(s: string): Stamp | null {
  const st = new Stamp();
  if (s.length == 10) return dateAt(s, st) ? st : null;
  if (s.length != 19 || !dateAt(s, st)) return null;
  if (s.charCodeAt(10) != 32 || s.charCodeAt(13) != 58 || s.charCodeAt(16) != 58) return null;
  const h = num(s, 11, 2), mi = num(s, 14, 2), se = num(s, 17, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59) return null;
  st.secs = h * 3600 + mi * 60 + se;
  st.hasTime = true;
  return st;
}

/** -1/0/1; when either side is a date only, only the dates are compared. */
export function cmpStamp(a: Stamp, b: Stamp): i32 {
  if (a.days != b.days) return a.days < b.days ? -1 : 1;
  if (!a.hasTime || !b.hasTime) return 0;
  if (a.secs != b.secs) return a.secs < b.secs ? -1 : 1;
  return 0;
}

// ---- field-table types ------------------------------------------------------------------------

export const T_C = 1, T_N = 2, T_D = 3, T_DT = 4;
export let specKind = 0;
export let specN = 0;
export let specS = 0;

function readInt(s: string, at: i32): i32 {
  let v = 0, k = at;
  while (k < s.length && k - at < 6 && isDigit(s.charCodeAt(k))) { v = v * 10 + (s.charCodeAt(k) - 48); k++; }
  numEnd = k;
  return k == at ? -1 : v;
}
let numEnd = 0;

/** Parses "C(30)", "N(16,2)", "N(3)", "D", "DT" (spaces ignored); false when unknown. */
export function parseSpec(raw: string): bool {
  let s = '';
  for (let i = 0; i < raw.length && i < 32; i++) {
    const c = raw.charCodeAt(i);
    if (c != 32) s += String.fromCharCode(c >= 97 && c <= 122 ? c - 32 : c);
  }
  specKind = 0; specN = 0; specS = 0;
  if (s == 'D') { specKind = T_D; return true; }
  if (s == 'DT') { specKind = T_DT; return true; }
  if (s.length < 4) return false;
  const k = s.charCodeAt(0);
  if ((k != 67 && k != 78) || s.charCodeAt(1) != 40 || s.charCodeAt(s.length - 1) != 41) return false;
  const a = readInt(s, 2);
  if (a < 1) return false;
  let b = 0;
  let at = numEnd;
  if (k == 78 && at < s.length && s.charCodeAt(at) == 44) {
    b = readInt(s, at + 1);
    if (b < 0 || b > a) return false;
    at = numEnd;
  }
  if (at != s.length - 1) return false;
  specKind = k == 67 ? T_C : T_N;
  specN = a;
  specS = b;
  return true;
}

/** Checks a non-empty value against a parsed spec (kind T_C/T_N/T_D/T_DT, n, s as parseSpec leaves them). */
export function checkSpec(v: string, specKind: i32, specN: i32, specS: i32): bool {
  if (specKind == T_C) {
    const n = codePoints(v);
    if (n > specN) return why('长度超过' + specN.toString() + '个字符（实际' + n.toString() + '）', 'longer than ' + specN.toString() + ' characters (' + n.toString() + ')');
    return true;
  }
  if (specKind == T_N) {
    const d = parseDec(v);
    if (d === null) return why('不是数值', 'not a number');
    if (d.int.length > specN - specS) return why('整数位数超过' + (specN - specS).toString() + '位', 'more than ' + (specN - specS).toString() + ' integer digits');
    if (d.frac.length > specS) return why('小数位数超过' + specS.toString() + '位', 'more than ' + specS.toString() + ' decimal places');
    return true;
  }
  const st = parseStamp(v);
  if (specKind == T_D) {
    if (st === null || st.hasTime) return why('不是有效日期（yyyy-MM-dd）', 'not a valid date (yyyy-MM-dd)');
    return true;
  }
  if (st === null || !st.hasTime) return why('不是有效日期时间（yyyy-MM-dd HH:mm:ss）', 'not a valid date-time (yyyy-MM-dd HH:mm:ss)');
  return true;
}

// ---- code shapes (used when the host passes no code table) --------------------------------------

export function knownShape(name: string): bool {
  return name == 'icd10' || name == 'icd9cm3' || name == 'dept';
}

function tailOk(s: string, at: i32, max: i32): bool {
  const n = s.length - at;
  if (n < 1 || n > max) return false;
  for (let i = at; i < s.length; i++) if (!isAlnum(s.charCodeAt(i))) return false;
  return true;
}

/**
 * icd10:   a letter, two digits, optionally "." and 1–10 letters/digits (I10.x00, K35.800x001)
 * icd9cm3: two digits, optionally "." and 1–10 letters/digits (47.0100x001)
 * dept:    a letter, two digits, optionally "." and two digits (A03.06)
 */
export function shapeOk(shape: string, s: string): bool {
  if (shape == 'icd9cm3') {
    if (s.length < 2 || !isDigit(s.charCodeAt(0)) || !isDigit(s.charCodeAt(1))) return false;
    if (s.length == 2) return true;
    return s.charCodeAt(2) == 46 && tailOk(s, 3, 10);
  }
  if (s.length < 3 || !isUpper(s.charCodeAt(0)) || !isDigit(s.charCodeAt(1)) || !isDigit(s.charCodeAt(2))) return false;
  if (s.length == 3) return true;
  if (s.charCodeAt(3) != 46) return false;
  if (shape == 'dept') return s.length == 6 && isDigit(s.charCodeAt(4)) && isDigit(s.charCodeAt(5));
  return tailOk(s, 4, 10);
}

// ---- 天/时/分 durations --------------------------------------------------------------------------

/** "d/h/m": non-negative integers, h in 0..maxH, m in 0..maxM. */
export function durationOk(s: string, maxH: i32, maxM: i32): bool {
  let part = 0, at = 0;
  const vals = new StaticArray<i64>(3);
  for (let i = 0; i <= s.length; i++) {
    if (i == s.length || s.charCodeAt(i) == 47) {
      if (part > 2) return why('格式应为“天/时/分”', 'format must be days/hours/minutes');
      const t = s.substring(at, i);
      if (!allDigits(t) || t.length > 9) return why('格式应为“天/时/分”（非负整数）', 'format must be days/hours/minutes (non-negative integers)');
      let x: i64 = 0;
      for (let k = 0; k < t.length; k++) x = x * 10 + <i64>(t.charCodeAt(k) - 48);
      vals[part] = x;
      part++;
      at = i + 1;
    }
  }
  if (part != 3) return why('格式应为“天/时/分”', 'format must be days/hours/minutes');
  if (vals[1] > <i64>maxH) return why('小时数应在0-' + maxH.toString() + '之间', 'hours must be 0-' + maxH.toString());
  if (vals[2] > <i64>maxM) return why('分钟数应在0-' + maxM.toString() + '之间', 'minutes must be 0-' + maxM.toString());
  return true;
}
