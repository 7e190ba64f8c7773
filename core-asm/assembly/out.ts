// The single growable output buffer of a call. Results (and error JSON) are written here;
// yb_result_ptr() exposes it until the next call.

export let outPtr: usize = 0;
export let outLen: i32 = 0;
let outCap: i32 = 0;

export function outReset(): void {
  outLen = 0;
  if (outCap > (1 << 22)) { // give back big buffers after a large call
    heap.free(outPtr);
    outPtr = 0;
    outCap = 0;
  }
}

@inline export function outEnsure(n: i32): void {
  if (outLen + n > outCap) outGrow(n);
}

function outGrow(n: i32): void {
  let cap = outCap < 4096 ? 4096 : outCap;
  while (cap < outLen + n) cap <<= 1;
  outPtr = outPtr == 0 ? heap.alloc(<usize>cap) : heap.realloc(outPtr, <usize>cap);
  outCap = cap;
}

@inline export function outByte(b: i32): void {
  outEnsure(1);
  store<u8>(outPtr + <usize>outLen, <u8>b);
  outLen++;
}

/** Appends without a capacity check: caller has called outEnsure. */
@inline export function outByteU(b: i32): void {
  store<u8>(outPtr + <usize>outLen, <u8>b);
  outLen++;
}

export function outBytes(src: usize, n: i32): void {
  if (n <= 0) return;
  outEnsure(n);
  memory.copy(outPtr + <usize>outLen, src, <usize>n);
  outLen += n;
}

/** Appends a string as UTF-8 with no escaping (for literals and ASCII keys). */
export function outLit(s: string): void {
  const n = s.length;
  outEnsure(n * 3);
  const sp = changetype<usize>(s);
  // ASCII fast path: literals and keys are plain ASCII
  let i = 0;
  let dst = outPtr + <usize>outLen;
  while (i < n) {
    const c = <u32>load<u16>(sp + (<usize>i << 1));
    if (c >= 0x80) break;
    store<u8>(dst++, <u8>c);
    i++;
  }
  outLen += i;
  for (; i < n; i++) {
    let c = <i32>load<u16>(sp + (<usize>i << 1));
    if (c < 0x80) { outByteU(c); continue; }
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < n) {
      const d = <i32>s.charCodeAt(i + 1);
      if (d >= 0xDC00 && d < 0xE000) {
        i++;
        outEnsure(4);
        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        outByteU(0xF0 | (c >> 18));
        outByteU(0x80 | ((c >> 12) & 63));
        outByteU(0x80 | ((c >> 6) & 63));
        outByteU(0x80 | (c & 63));
        continue;
      }
    }
    if (c < 0x800) { outByteU(0xC0 | (c >> 6)); outByteU(0x80 | (c & 63)); continue; }
    outByteU(0xE0 | (c >> 12));
    outByteU(0x80 | ((c >> 6) & 63));
    outByteU(0x80 | (c & 63));
  }
}

const HEX = '0123456789abcdef';

/** Appends a JSON string literal (quoted, escaped) of an AS string. */
export function outJsonStr(s: string): void {
  outByte(34);
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = <i32>s.charCodeAt(i);
    if (c == 34 || c == 92) { outByte(92); outByte(c); continue; }
    if (c < 0x20) {
      outLit('\\u00');
      outByte(<i32>HEX.charCodeAt(c >> 4));
      outByte(<i32>HEX.charCodeAt(c & 15));
      continue;
    }
    if (c < 0x80) { outByte(c); continue; }
    outLit(s.charAt(i) + (c >= 0xD800 && c < 0xDC00 && i + 1 < n ? s.charAt(++i) : ''));
  }
  outByte(34);
}

/** Appends a JSON string literal for raw UTF-8 bytes [p, end): escapes quotes, backslashes, controls. */
export function outJsonBytes(p: usize, end: usize): void {
  outEnsure(<i32>(end - p) + 2);
  outByteU(34);
  while (p < end) {
    const c = <i32>load<u8>(p++);
    if (c == 34 || c == 92) { outEnsure(2); outByteU(92); outByteU(c); continue; }
    if (c < 0x20) {
      outEnsure(6);
      if (c == 10) { outByteU(92); outByteU(110); continue; }
      if (c == 13) { outByteU(92); outByteU(114); continue; }
      if (c == 9) { outByteU(92); outByteU(116); continue; }
      outByteU(92); outByteU(117); outByteU(48); outByteU(48);
      outByteU(<i32>HEX.charCodeAt(c >> 4));
      outByteU(<i32>HEX.charCodeAt(c & 15));
      continue;
    }
    outEnsure(1);
    outByteU(c);
  }
  outByte(34);
}

export function outI64(v: i64): void {
  outEnsure(21);
  if (v < 0) {
    outByteU(45);
    if (v == i64.MIN_VALUE) { outLit('9223372036854775808'); return; }
    v = -v;
  }
  outU64(<u64>v);
}

function outU64(v: u64): void {
  // digits into a small stack area at the end of the buffer region we reserved
  let tmp = outPtr + <usize>outLen + 20;
  let n = 0;
  do {
    store<u8>(tmp - <usize>n, <u8>(48 + <i32>(v % 10)));
    v /= 10;
    n++;
  } while (v != 0);
  // digits were written backwards ending at tmp; move them forward
  for (let i = 0; i < n; i++) store<u8>(outPtr + <usize>outLen + <usize>i, load<u8>(tmp - <usize>(n - 1 - i)));
  outLen += n;
}

/** Appends fen as a yuan decimal with exactly two places: 12345 -> 123.45, -5 -> -0.05. */
export function outYuan(fen: i64): void {
  outEnsure(24);
  let neg = fen < 0;
  let u: u64 = neg ? (fen == i64.MIN_VALUE ? <u64>9223372036854775808 : <u64>(-fen)) : <u64>fen;
  if (neg) outByteU(45);
  outU64(u / 100);
  const c = <i32>(u % 100);
  outByteU(46);
  outByteU(48 + c / 10);
  outByteU(48 + c % 10);
}
