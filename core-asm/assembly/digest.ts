// MD5, SHA-1 and the configurable message digest (Liuzhou 消息摘要):
//   op 63 md5     raw bytes -> 16 raw digest bytes (RFC 1321)
//   op 64 sha1    raw bytes -> 20 raw digest bytes (FIPS 180-4; the SHA-1 of hash.ts)
//   op 65 digest  JSON {spec, values, secret?} -> the digest as text (hex, HEX or base64)
//
// op 65 computes alg(prefix + v1 + joiner + v2 + … + vn + suffix) where v1…vn are the values named by
// spec.fields in order ("$secret" = the member `secret`), the whole text encoded as spec.encoding:
//   spec.alg       "md5" | "sha1" | "sha256"                       (required)
//   spec.fields    non-empty array of names                         (required)
//   spec.joiner    text between two values, default ""              spec.prefix / spec.suffix, default ""
//   spec.encoding  "utf-8" (default) | "gbk" | "utf-16le" (.NET Encoding.Unicode, no BOM)
//   spec.output    "hex" (default, lower case) | "HEX" | "base64" (RFC 4648 with padding)
// A named value that is absent or null is MISSING_FIELD (detail = its name, or "secret"); a value that is
// not a string is WRONG_TYPE (numbers are refused: 0.10 and 0.1 would digest differently). An unknown
// alg/encoding/output, an unknown member of spec, empty or non-string fields are DIGEST_SPEC. A member given
// twice (in the input, spec or values) is DUPLICATE_KEY: a digest never depends on which duplicate wins.
// Text: JSON escapes are decoded; a lone surrogate escape becomes U+FFFD (as TextEncoder and .NET's
// Encoding.Unicode do); in GBK a character outside CP936 (U+FFFD included) is GBK_UNMAPPABLE.

import {
  fail, E_WRONG_TYPE, E_MISSING_FIELD, E_DUPLICATE_KEY, E_DIGEST_SPEC, E_GBK_UNMAPPABLE,
} from './errors';
import { outBytes, outByte, outEnsure, outByteU } from './out';
import { jsonParse, jKind, jA, jB, jC, jNext, jPos, jStrEq, jStrValue, jHex4, K_OBJ, K_STR, K_ARR, K_NULL } from './json';
import { hashOnce, HASH_SHA1, HASH_SHA256 } from './hash';
import { utf8Cp, cpLen, encodeCp, cpName, utf8Put } from './gbk';

// ---- MD5 (RFC 1321) -------------------------------------------------------------------------

const MD5_K: usize = memory.data<u32>([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);
const MD5_S: usize = memory.data<u8>([
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
]);
const MST: usize = memory.data(16, 16);   // state A B C D = the digest (little-endian words)
const MTAIL: usize = memory.data(128, 16);

function md5Block(p: usize): void {
  let a = load<u32>(MST, 0), b = load<u32>(MST, 4), c = load<u32>(MST, 8), d = load<u32>(MST, 12);
  for (let i = 0; i < 64; i++) {
    let f: u32, g: i32;
    if (i < 16) { f = (b & c) | (~b & d); g = i; }
    else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
    else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
    else { f = c ^ (b | ~d); g = (7 * i) & 15; }
    const t = d;
    d = c;
    c = b;
    const x = a + f + load<u32>(MD5_K + (<usize>i << 2)) + load<u32>(p + (<usize>g << 2));
    b = b + rotl<u32>(x, <u32>load<u8>(MD5_S + <usize>i));
    a = t;
  }
  store<u32>(MST, load<u32>(MST, 0) + a, 0);
  store<u32>(MST, load<u32>(MST, 4) + b, 4);
  store<u32>(MST, load<u32>(MST, 8) + c, 8);
  store<u32>(MST, load<u32>(MST, 12) + d, 12);
}

/** MD5 of [p, p+len) in place; returns the address of the 16 digest bytes (valid until the next call). */
function md5(p: usize, len: usize): usize {
  store<u32>(MST, 0x67452301, 0);
  store<u32>(MST, 0xefcdab89, 4);
  store<u32>(MST, 0x98badcfe, 8);
  store<u32>(MST, 0x10325476, 12);
  const full = len >> 6;
  for (let i: usize = 0; i < full; i++) md5Block(p + (i << 6));
  const rem = len - (full << 6);
  memory.fill(MTAIL, 0, 128);
  memory.copy(MTAIL, p + (full << 6), rem);
  store<u8>(MTAIL + rem, 0x80);
  const tl: usize = rem + 9 <= 64 ? 64 : 128;
  store<u64>(MTAIL + tl - 8, <u64>len << 3); // bit length, little-endian
  md5Block(MTAIL);
  if (tl == 128) md5Block(MTAIL + 64);
  return MST;
}

export function opMd5(ptr: usize, len: i32): i32 {
  outBytes(md5(ptr, <usize>len), 16);
  return 0;
}

export function opSha1(ptr: usize, len: i32): i32 {
  outBytes(hashOnce(HASH_SHA1, ptr, <usize>len), 20);
  return 0;
}

// ---- op 65: the configurable digest ------------------------------------------------------------

const ENC_UTF8 = 0;
const ENC_GBK = 1;
const ENC_UTF16LE = 2;
const OUT_HEX = 0;
const OUT_HEX_UPPER = 1;
const OUT_BASE64 = 2;

// the message being built
let mb: usize = 0;
let mbLen: usize = 0;
let mbCap: usize = 0;

function mbEnsure(n: usize): void {
  if (mbLen + n <= mbCap) return;
  let cap: usize = mbCap < 1024 ? 1024 : mbCap;
  while (cap < mbLen + n) cap <<= 1;
  mb = mb == 0 ? heap.alloc(cap) : heap.realloc(mb, cap);
  mbCap = cap;
}

/** Value of the member `key` of object node obj; -1 absent; -2 after recording DUPLICATE_KEY. */
function member(obj: i32, key: string, path: string): i32 {
  const n = <i32>jA(obj);
  let j = obj + 1;
  let found = -1;
  for (let m = 0; m < n; m++) {
    if (jStrEq(j, key)) {
      if (found >= 0) { fail(E_DUPLICATE_KEY, jPos(j), path + key); return -2; }
      found = j + 1;
    }
    j = jNext(j + 1);
  }
  return found;
}

/** Like member() for names that may be non-ASCII or escaped (values keys such as 医院代码). */
function valueOf(obj: i32, name: string): i32 {
  const n = <i32>jA(obj);
  let j = obj + 1;
  let found = -1;
  for (let m = 0; m < n; m++) {
    if (jStrValue(<usize>jA(j), <usize>jB(j), jC(j) != 0) == name) {
      if (found >= 0) { fail(E_DUPLICATE_KEY, jPos(j), 'values.' + name); return -2; }
      found = j + 1;
    }
    j = jNext(j + 1);
  }
  return found;
}

/** Appends the text of string node v to the message in encoding enc. */
function appendText(v: i32, enc: i32, what: string): i32 {
  const s = <usize>jA(v), e = <usize>jB(v);
  const esc = jC(v) != 0;
  mbEnsure((e - s) * 4 + 8);
  let q = s;
  while (q < e) {
    let c = <u32>load<u8>(q);
    let cp: u32;
    if (c == 92 && esc) {
      const x = <u32>load<u8>(q + 1);
      q += 2;
      if (x == 117) {
        cp = jHex4(q);
        q += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
          if (q + 6 <= e && load<u8>(q) == 92 && load<u8>(q + 1) == 117) {
            const lo = jHex4(q + 2);
            if (lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              q += 6;
            } else cp = 0xFFFD;
          } else cp = 0xFFFD;
        } else if (cp >= 0xDC00 && cp < 0xE000) cp = 0xFFFD;
      } else if (x == 110) cp = 10;
      else if (x == 116) cp = 9;
      else if (x == 114) cp = 13;
      else if (x == 98) cp = 8;
      else if (x == 102) cp = 12;
      else cp = x;
    } else if (c < 0x80) {
      cp = c;
      q++;
    } else {
      cp = <u32>utf8Cp(q, e); // valid: checked by the JSON reader
      if (enc == ENC_UTF8) {
        const n = <usize>cpLen;
        memory.copy(mb + mbLen, q, n);
        mbLen += n;
        q += n;
        continue;
      }
      q += <usize>cpLen;
    }
    if (enc == ENC_UTF8) {
      mbLen = utf8Put(mb + mbLen, cp) - mb;
    } else if (enc == ENC_UTF16LE) {
      if (cp < 0x10000) {
        store<u16>(mb + mbLen, <u16>cp);
        mbLen += 2;
      } else {
        const u = cp - 0x10000;
        store<u16>(mb + mbLen, <u16>(0xD800 + (u >> 10)));
        store<u16>(mb + mbLen + 2, <u16>(0xDC00 + (u & 0x3FF)));
        mbLen += 4;
      }
    } else {
      const g = encodeCp(<i32>cp);
      if (g < 0) return fail(E_GBK_UNMAPPABLE, jPos(v), cpName(<i32>cp) + ' in ' + what);
      if (g < 0x100) store<u8>(mb + mbLen++, <u8>g);
      else {
        store<u8>(mb + mbLen++, <u8>(g >> 8));
        store<u8>(mb + mbLen++, <u8>(g & 0xFF));
      }
    }
  }
  return 0;
}

/** Optional string member of spec: -1 absent (or null), node index, or -2 after an error. */
function optStr(spec: i32, key: string): i32 {
  const v = member(spec, key, 'spec.');
  if (v < 0) return v;
  if (jKind(v) == K_NULL) return -1;
  if (jKind(v) != K_STR) { fail(E_DIGEST_SPEC, jPos(v), 'spec.' + key + ' must be a string'); return -2; }
  return v;
}

const SPEC_KEYS = ['alg', 'fields', 'joiner', 'prefix', 'suffix', 'encoding', 'output'];

function digestRun(ptr: usize, len: i32): i32 {
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'input must be an object {spec, values, secret}');
  const spec = member(0, 'spec', '');
  if (spec == -2) return E_DUPLICATE_KEY;
  if (spec < 0 || jKind(spec) == K_NULL) return fail(E_MISSING_FIELD, 0, 'spec');
  if (jKind(spec) != K_OBJ) return fail(E_DIGEST_SPEC, jPos(spec), 'spec must be an object');
  const values = member(0, 'values', '');
  if (values == -2) return E_DUPLICATE_KEY;
  if (values >= 0 && jKind(values) != K_OBJ && jKind(values) != K_NULL) return fail(E_WRONG_TYPE, jPos(values), 'values must be an object');
  const secret = member(0, 'secret', '');
  if (secret == -2) return E_DUPLICATE_KEY;

  // spec: unknown members are refused (a misspelt "joinner" must not silently change the digest)
  {
    const n = <i32>jA(spec);
    let j = spec + 1;
    for (let m = 0; m < n; m++) {
      let known = false;
      for (let k = 0; k < SPEC_KEYS.length; k++) if (jStrEq(j, unchecked(SPEC_KEYS[k]))) { known = true; break; }
      if (!known) return fail(E_DIGEST_SPEC, jPos(j), 'unknown member spec.' + jStrValue(<usize>jA(j), <usize>jB(j), jC(j) != 0));
      j = jNext(j + 1);
    }
  }
  const algN = member(spec, 'alg', 'spec.');
  if (algN == -2) return E_DUPLICATE_KEY;
  if (algN < 0 || jKind(algN) == K_NULL) return fail(E_MISSING_FIELD, jPos(spec), 'spec.alg');
  let alg = -1;
  if (jKind(algN) == K_STR) {
    if (jStrEq(algN, 'md5')) alg = 0;
    else if (jStrEq(algN, 'sha1')) alg = HASH_SHA1;
    else if (jStrEq(algN, 'sha256')) alg = HASH_SHA256;
  }
  if (alg < 0) return fail(E_DIGEST_SPEC, jPos(algN), 'spec.alg must be "md5", "sha1" or "sha256"');
  const fields = member(spec, 'fields', 'spec.');
  if (fields == -2) return E_DUPLICATE_KEY;
  if (fields < 0 || jKind(fields) == K_NULL) return fail(E_MISSING_FIELD, jPos(spec), 'spec.fields');
  if (jKind(fields) != K_ARR) return fail(E_DIGEST_SPEC, jPos(fields), 'spec.fields must be an array of names');
  if (jA(fields) == 0) return fail(E_DIGEST_SPEC, jPos(fields), 'spec.fields must name at least one value');
  const joiner = optStr(spec, 'joiner');
  const prefix = optStr(spec, 'prefix');
  const suffix = optStr(spec, 'suffix');
  const encN = optStr(spec, 'encoding');
  const outN = optStr(spec, 'output');
  if (joiner == -2 || prefix == -2 || suffix == -2 || encN == -2 || outN == -2) return E_DIGEST_SPEC;
  let enc = ENC_UTF8;
  if (encN >= 0) {
    if (jStrEq(encN, 'utf-8')) enc = ENC_UTF8;
    else if (jStrEq(encN, 'gbk')) enc = ENC_GBK;
    else if (jStrEq(encN, 'utf-16le')) enc = ENC_UTF16LE;
    else return fail(E_DIGEST_SPEC, jPos(encN), 'spec.encoding must be "utf-8", "gbk" or "utf-16le"');
  }
  let outF = OUT_HEX;
  if (outN >= 0) {
    if (jStrEq(outN, 'hex')) outF = OUT_HEX;
    else if (jStrEq(outN, 'HEX')) outF = OUT_HEX_UPPER;
    else if (jStrEq(outN, 'base64')) outF = OUT_BASE64;
    else return fail(E_DIGEST_SPEC, jPos(outN), 'spec.output must be "hex", "HEX" or "base64"');
  }

  // the message
  mbLen = 0;
  mbEnsure(64);
  if (prefix >= 0) { st = appendText(prefix, enc, 'spec.prefix'); if (st != 0) return st; }
  const nf = <i32>jA(fields);
  let f = fields + 1;
  for (let i = 0; i < nf; i++) {
    if (jKind(f) != K_STR) return fail(E_DIGEST_SPEC, jPos(f), 'spec.fields[' + i.toString() + '] must be a string');
    if (i > 0 && joiner >= 0) { st = appendText(joiner, enc, 'spec.joiner'); if (st != 0) return st; }
    const name = jStrValue(<usize>jA(f), <usize>jB(f), jC(f) != 0);
    let v: i32;
    let what: string;
    if (name == '$secret') {
      v = secret;
      what = 'secret';
    } else {
      v = values >= 0 && jKind(values) == K_OBJ ? valueOf(values, name) : -1;
      if (v == -2) return E_DUPLICATE_KEY;
      what = 'values.' + name;
    }
    if (v < 0 || jKind(v) == K_NULL) return fail(E_MISSING_FIELD, jPos(f), name == '$secret' ? 'secret' : name);
    if (jKind(v) != K_STR) return fail(E_WRONG_TYPE, jPos(v), what + ' must be a string');
    st = appendText(v, enc, what);
    if (st != 0) return st;
    f = jNext(f);
  }
  if (suffix >= 0) { st = appendText(suffix, enc, 'spec.suffix'); if (st != 0) return st; }

  let dg: usize, dl: i32;
  if (alg == 0) { dg = md5(mb, mbLen); dl = 16; }
  else { dg = hashOnce(alg, mb, mbLen); dl = alg == HASH_SHA1 ? 20 : 32; }
  if (outF == OUT_BASE64) writeBase64(dg, dl);
  else writeHex(dg, dl, outF == OUT_HEX_UPPER);
  return 0;
}

export function opDigest(ptr: usize, len: i32): i32 {
  const st = digestRun(ptr, len);
  if (mbCap > 65536) { heap.free(mb); mb = 0; mbCap = 0; }
  mbLen = 0;
  return st;
}

function writeHex(p: usize, n: i32, upper: bool): void {
  outEnsure(n * 2);
  const a = upper ? 55 : 87;
  for (let i = 0; i < n; i++) {
    const b = <i32>load<u8>(p + <usize>i);
    const hi = b >> 4, lo = b & 15;
    outByteU(hi < 10 ? 48 + hi : a + hi);
    outByteU(lo < 10 ? 48 + lo : a + lo);
  }
}

@inline function b64(v: u32): i32 {
  const x = <i32>(v & 63);
  if (x < 26) return 65 + x;
  if (x < 52) return 71 + x;
  if (x < 62) return x - 4;
  return x == 62 ? 43 : 47;
}

function writeBase64(p: usize, n: i32): void {
  outEnsure(((n + 2) / 3) * 4);
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v = (<u32>load<u8>(p + <usize>i) << 16) | (<u32>load<u8>(p + <usize>i + 1) << 8) | <u32>load<u8>(p + <usize>i + 2);
    outByteU(b64(v >> 18));
    outByteU(b64(v >> 12));
    outByteU(b64(v >> 6));
    outByteU(b64(v));
  }
  const r = n - i;
  if (r == 1) {
    const v = <u32>load<u8>(p + <usize>i) << 16;
    outByteU(b64(v >> 18));
    outByteU(b64(v >> 12));
    outByteU(61);
    outByteU(61);
  } else if (r == 2) {
    const v = (<u32>load<u8>(p + <usize>i) << 16) | (<u32>load<u8>(p + <usize>i + 1) << 8);
    outByteU(b64(v >> 18));
    outByteU(b64(v >> 12));
    outByteU(b64(v >> 6));
    outByte(61);
  }
}
