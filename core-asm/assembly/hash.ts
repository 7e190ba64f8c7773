// Signing primitives for the gateways in front of the centers (shared/reference/wire-formats.md §1.2):
//   op 60 sha256      raw bytes -> 32 raw digest bytes            (TIF x-tif-signature)
//   op 61 hmac_sha1   JSON {"key", "data"} -> 20 raw bytes          (Alibaba CSB _api_signature)
//   op 62 hmac_sha256 JSON {"key", "data"} -> 32 raw bytes
// SHA-256 and SHA-1 per FIPS 180-4, HMAC per RFC 2104. Integers only, fixed scratch areas in static
// memory; the message is hashed in place (no copy), so multi-MB inputs cost one pass.
//
// HMAC input: `key` and `data` are JSON strings hashed as their UTF-8 bytes (escapes decoded; a lone
// surrogate escape becomes U+FFFD, exactly like TextEncoder / Buffer.from(s, 'utf8')). For binary
// values use `key_hex` / `data_hex` instead (even number of hex digits, either case). Each value must
// be given exactly once: a repeated member, or both `key` and `key_hex`, is DUPLICATE_KEY.

import { fail, E_WRONG_TYPE, E_MISSING_FIELD, E_DUPLICATE_KEY } from './errors';
import { outBytes } from './out';
import { utf8Put } from './gbk';
import { jsonParse, jKind, jA, jB, jC, jNext, jPos, jStrEq, jInputBase, jHex4, K_OBJ, K_STR, K_NULL } from './json';

const ALG_SHA1: i32 = 1;
const ALG_SHA256: i32 = 2;

// FIPS 180-4 §4.2.2
const K256: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const ST: usize = memory.data(32, 16);    // chaining state: 8 (SHA-256) or 5 (SHA-1) words
const W: usize = memory.data(320, 16);    // message schedule: 64 or 80 words
const TAIL: usize = memory.data(128, 16); // the padded last one or two blocks
const DG: usize = memory.data(32, 16);    // digest of the last final()
const KB: usize = memory.data(64, 16);    // HMAC K0
const PAD: usize = memory.data(64, 16);   // K0 ^ ipad / K0 ^ opad
const INNER: usize = memory.data(32, 16); // HMAC inner digest

@inline function digestLen(alg: i32): i32 {
  return alg == ALG_SHA256 ? 32 : 20;
}

function hInit(alg: i32): void {
  if (alg == ALG_SHA256) {
    store<u32>(ST, 0x6a09e667, 0);
    store<u32>(ST, 0xbb67ae85, 4);
    store<u32>(ST, 0x3c6ef372, 8);
    store<u32>(ST, 0xa54ff53a, 12);
    store<u32>(ST, 0x510e527f, 16);
    store<u32>(ST, 0x9b05688c, 20);
    store<u32>(ST, 0x1f83d9ab, 24);
    store<u32>(ST, 0x5be0cd19, 28);
  } else {
    store<u32>(ST, 0x67452301, 0);
    store<u32>(ST, 0xefcdab89, 4);
    store<u32>(ST, 0x98badcfe, 8);
    store<u32>(ST, 0x10325476, 12);
    store<u32>(ST, 0xc3d2e1f0, 16);
  }
}

@inline function wAt(t: i32): u32 {
  return load<u32>(W + (<usize>t << 2));
}

function block256(p: usize): void {
  for (let t = 0; t < 16; t++) store<u32>(W + (<usize>t << 2), bswap<u32>(load<u32>(p + (<usize>t << 2))));
  for (let t = 16; t < 64; t++) {
    const w15 = wAt(t - 15), w2 = wAt(t - 2);
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + (<usize>t << 2), wAt(t - 16) + s0 + wAt(t - 7) + s1);
  }
  let a = load<u32>(ST, 0), b = load<u32>(ST, 4), c = load<u32>(ST, 8), d = load<u32>(ST, 12);
  let e = load<u32>(ST, 16), f = load<u32>(ST, 20), g = load<u32>(ST, 24), h = load<u32>(ST, 28);
  for (let t = 0; t < 64; t++) {
    const S1 = rotr<u32>(e, 6) ^ rotr<u32>(e, 11) ^ rotr<u32>(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + S1 + ch + load<u32>(K256 + (<usize>t << 2)) + wAt(t);
    const S0 = rotr<u32>(a, 2) ^ rotr<u32>(a, 13) ^ rotr<u32>(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    h = g; g = f; f = e; e = d + t1;
    d = c; c = b; b = a; a = t1 + S0 + maj;
  }
  store<u32>(ST, load<u32>(ST, 0) + a, 0);
  store<u32>(ST, load<u32>(ST, 4) + b, 4);
  store<u32>(ST, load<u32>(ST, 8) + c, 8);
  store<u32>(ST, load<u32>(ST, 12) + d, 12);
  store<u32>(ST, load<u32>(ST, 16) + e, 16);
  store<u32>(ST, load<u32>(ST, 20) + f, 20);
  store<u32>(ST, load<u32>(ST, 24) + g, 24);
  store<u32>(ST, load<u32>(ST, 28) + h, 28);
}

function block1(p: usize): void {
  for (let t = 0; t < 16; t++) store<u32>(W + (<usize>t << 2), bswap<u32>(load<u32>(p + (<usize>t << 2))));
  for (let t = 16; t < 80; t++) {
    store<u32>(W + (<usize>t << 2), rotl<u32>(wAt(t - 3) ^ wAt(t - 8) ^ wAt(t - 14) ^ wAt(t - 16), 1));
  }
  let a = load<u32>(ST, 0), b = load<u32>(ST, 4), c = load<u32>(ST, 8), d = load<u32>(ST, 12), e = load<u32>(ST, 16);
  for (let t = 0; t < 80; t++) {
    let f: u32, k: u32;
    if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
    else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
    else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
    else { f = b ^ c ^ d; k = 0xca62c1d6; }
    const tmp = rotl<u32>(a, 5) + f + e + k + wAt(t);
    e = d; d = c; c = rotl<u32>(b, 30); b = a; a = tmp;
  }
  store<u32>(ST, load<u32>(ST, 0) + a, 0);
  store<u32>(ST, load<u32>(ST, 4) + b, 4);
  store<u32>(ST, load<u32>(ST, 8) + c, 8);
  store<u32>(ST, load<u32>(ST, 12) + d, 12);
  store<u32>(ST, load<u32>(ST, 16) + e, 16);
}

function hBlocks(alg: i32, p: usize, n: usize): void {
  if (alg == ALG_SHA256) {
    for (let i: usize = 0; i < n; i++) block256(p + (i << 6));
  } else {
    for (let i: usize = 0; i < n; i++) block1(p + (i << 6));
  }
}

/** Hashes the last `len` bytes at p (whole blocks in place, the rest padded) of a message whose total
 *  length, including blocks already fed with hBlocks, is `total` bytes; the digest lands in DG. */
function hFinal(alg: i32, p: usize, len: usize, total: u64): void {
  const full = len >> 6;
  hBlocks(alg, p, full);
  const rem = len - (full << 6);
  memory.fill(TAIL, 0, 128);
  memory.copy(TAIL, p + (full << 6), rem);
  store<u8>(TAIL + rem, 0x80);
  const tl: usize = rem + 9 <= 64 ? 64 : 128;
  store<u64>(TAIL + tl - 8, bswap<u64>(total << 3));
  hBlocks(alg, TAIL, tl >> 6);
  const words = digestLen(alg) >> 2;
  for (let i = 0; i < words; i++) store<u32>(DG + (<usize>i << 2), bswap<u32>(load<u32>(ST + (<usize>i << 2))));
}

/** For digest.ts: one-shot SHA-1 (HASH_SHA1) or SHA-256 (HASH_SHA256) of [p, p+len), hashed in place;
 *  returns the address of the 20/32 digest bytes (valid until the next hash). */
export const HASH_SHA1: i32 = ALG_SHA1;
export const HASH_SHA256: i32 = ALG_SHA256;
export function hashOnce(alg: i32, p: usize, len: usize): usize {
  hInit(alg);
  hFinal(alg, p, len, <u64>len);
  return DG;
}

function hmac(alg: i32, key: usize, klen: usize, msg: usize, mlen: usize): void {
  const dl = <usize>digestLen(alg);
  memory.fill(KB, 0, 64);
  if (klen > 64) {
    hInit(alg);
    hFinal(alg, key, klen, <u64>klen);
    memory.copy(KB, DG, dl);
  } else {
    memory.copy(KB, key, klen);
  }
  for (let i: usize = 0; i < 64; i++) store<u8>(PAD + i, load<u8>(KB + i) ^ 0x36);
  hInit(alg);
  hBlocks(alg, PAD, 1);
  hFinal(alg, msg, mlen, 64 + <u64>mlen);
  memory.copy(INNER, DG, dl);
  for (let i: usize = 0; i < 64; i++) store<u8>(PAD + i, load<u8>(KB + i) ^ 0x5c);
  hInit(alg);
  hBlocks(alg, PAD, 1);
  hFinal(alg, INNER, dl, 64 + <u64>dl);
}

// ---- ops ----------------------------------------------------------------------------------

export function opSha256(ptr: usize, len: i32): i32 {
  hInit(ALG_SHA256);
  hFinal(ALG_SHA256, ptr, <usize>len, <u64>len);
  outBytes(DG, 32);
  return 0;
}

export function opHmacSha1(ptr: usize, len: i32): i32 {
  return opHmac(ALG_SHA1, ptr, len);
}

export function opHmacSha256(ptr: usize, len: i32): i32 {
  return opHmac(ALG_SHA256, ptr, len);
}

// the two resolved values of an HMAC call; `own` is a heap buffer to free (decoded escapes / hex)
let keyP: usize = 0, keyL: usize = 0, keyOwn: usize = 0;
let dataP: usize = 0, dataL: usize = 0, dataOwn: usize = 0;
// results of fieldBytes
let fbP: usize = 0, fbL: usize = 0, fbOwn: usize = 0;

function opHmac(alg: i32, ptr: usize, len: i32): i32 {
  keyOwn = 0;
  dataOwn = 0;
  const st = hmacArgs(ptr, len);
  if (st == 0) {
    hmac(alg, keyP, keyL, dataP, dataL);
    outBytes(DG, digestLen(alg));
  }
  if (keyOwn != 0) heap.free(keyOwn);
  if (dataOwn != 0) heap.free(dataOwn);
  keyOwn = 0;
  dataOwn = 0;
  return st;
}

function hmacArgs(ptr: usize, len: i32): i32 {
  let st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'input must be an object {key, data}');
  // locate the members; each value exactly once (a signature must never depend on which duplicate wins)
  let kText = -1, kHex = -1, dText = -1, dHex = -1;
  const n = <i32>jA(0);
  let j = 1;
  for (let m = 0; m < n; m++) {
    const v = j + 1;
    if (jStrEq(j, 'key')) { if (kText >= 0) return fail(E_DUPLICATE_KEY, jPos(j), 'key'); kText = v; }
    else if (jStrEq(j, 'key_hex')) { if (kHex >= 0) return fail(E_DUPLICATE_KEY, jPos(j), 'key_hex'); kHex = v; }
    else if (jStrEq(j, 'data')) { if (dText >= 0) return fail(E_DUPLICATE_KEY, jPos(j), 'data'); dText = v; }
    else if (jStrEq(j, 'data_hex')) { if (dHex >= 0) return fail(E_DUPLICATE_KEY, jPos(j), 'data_hex'); dHex = v; }
    j = jNext(v);
  }
  if (kText >= 0 && kHex >= 0) return fail(E_DUPLICATE_KEY, jPos(kHex), 'give key or key_hex, not both');
  if (dText >= 0 && dHex >= 0) return fail(E_DUPLICATE_KEY, jPos(dHex), 'give data or data_hex, not both');
  st = fieldBytes(kText, kHex, 'key');
  if (st != 0) return st;
  keyP = fbP; keyL = fbL; keyOwn = fbOwn;
  st = fieldBytes(dText, dHex, 'data');
  if (st != 0) return st;
  dataP = fbP; dataL = fbL; dataOwn = fbOwn;
  return 0;
}

/** Bytes of a text member (UTF-8) or of its _hex alternative into fbP/fbL (fbOwn = buffer to free). */
function fieldBytes(text: i32, hex: i32, name: string): i32 {
  fbP = 0; fbL = 0; fbOwn = 0;
  const v = text >= 0 ? text : hex;
  if (v < 0 || jKind(v) == K_NULL) return fail(E_MISSING_FIELD, 0, name);
  const field = text >= 0 ? name : name + '_hex';
  if (jKind(v) != K_STR) return fail(E_WRONG_TYPE, jPos(v), field + ' must be a string');
  const s = <usize>jA(v), e = <usize>jB(v);
  if (text >= 0) {
    if (jC(v) == 0) { fbP = s; fbL = e - s; return 0; } // already valid UTF-8 (checked by the parser)
    const buf = heap.alloc(e - s); // decoded UTF-8 is never longer than its escaped JSON form
    fbOwn = buf;
    fbP = buf;
    fbL = decodeEscaped(s, e, buf);
    return 0;
  }
  if (jC(v) != 0) return fail(E_WRONG_TYPE, jPos(v), field + ' must be plain hex digits (no escapes)');
  const n = e - s;
  if ((n & 1) != 0) return fail(E_WRONG_TYPE, jPos(v), field + ' must have an even number of hex digits');
  const buf = heap.alloc(n > 1 ? n >> 1 : 1);
  fbOwn = buf;
  fbP = buf;
  for (let i: usize = 0; i < n; i += 2) {
    const hi = hexVal(load<u8>(s + i)), lo = hexVal(load<u8>(s + i + 1));
    if (hi < 0 || lo < 0) {
      heap.free(buf);
      fbOwn = 0;
      fbP = 0;
      return fail(E_WRONG_TYPE, <i32>(s + i - jInputBase()) + (hi < 0 ? 0 : 1), field + ' must contain only hex digits');
    }
    store<u8>(buf + (i >> 1), <u8>((hi << 4) | lo));
  }
  fbL = n >> 1;
  return 0;
}

@inline function hexVal(c: u8): i32 {
  const x = <i32>c;
  if (x >= 48 && x <= 57) return x - 48;
  const l = x | 32;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** Decodes a validated JSON string body [s, e) with escapes into UTF-8 at dst; returns the length.
 *  Surrogate pairs given as two \u escapes are joined; a lone surrogate becomes U+FFFD. */
function decodeEscaped(s: usize, e: usize, dst: usize): usize {
  let q = s, o = dst;
  while (q < e) {
    const c = <u32>load<u8>(q);
    if (c != 92) { store<u8>(o++, <u8>c); q++; continue; }
    const x = <u32>load<u8>(q + 1);
    q += 2;
    if (x != 117) {
      let b: u32 = x; // \" \\ \/
      if (x == 110) b = 10;
      else if (x == 116) b = 9;
      else if (x == 114) b = 13;
      else if (x == 98) b = 8;
      else if (x == 102) b = 12;
      store<u8>(o++, <u8>b);
      continue;
    }
    let cp = jHex4(q);
    q += 4;
    if (cp >= 0xD800 && cp < 0xDC00) {
      // a high surrogate: joined with a following \uDC00..\uDFFF escape, else replaced
      if (q + 6 <= e && load<u8>(q) == 92 && load<u8>(q + 1) == 117) {
        const lo = jHex4(q + 2);
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          q += 6;
        } else cp = 0xFFFD;
      } else cp = 0xFFFD;
    } else if (cp >= 0xDC00 && cp < 0xE000) {
      cp = 0xFFFD;
    }
    o = utf8Put(o, cp);
  }
  return o - dst;
}
