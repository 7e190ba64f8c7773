// STUB (being implemented): GBK (CP936) <-> UTF-8. The exported signatures below are fixed;
// other modules (xml.ts, ini.ts, pipe.ts) call them.
import { fail, E_UNKNOWN_OP } from './errors';

/** Length in bytes of the last character read by decodeCp. */
export let cpLen: i32 = 0;

/** Decodes one GBK character at p (p < end): returns its Unicode code point and sets cpLen, or -1 if invalid. */
export function decodeCp(p: usize, end: usize): i32 { cpLen = 1; return -1; }

/** GBK code of a Unicode code point: < 0x100 = one byte, otherwise two bytes (lead << 8 | trail); -1 if unmappable. */
export function encodeCp(cp: i32): i32 { return -1; }

/**
 * Appends the UTF-8 form of GBK bytes [src, end) to the output buffer. With jsonEscape, '"', '\\'
 * and control characters are written as JSON escapes. Errors (GBK_INVALID) carry the byte offset
 * relative to `base`. Returns a status.
 */
export function gbkDecodeInto(src: usize, end: usize, base: usize, jsonEscape: bool): i32 {
  return fail(E_UNKNOWN_OP, -1, 'gbk not implemented');
}

/**
 * Appends the GBK form of UTF-8 bytes [src, end) to the output buffer. Errors: UTF8_INVALID,
 * GBK_UNMAPPABLE with the byte offset relative to `base`. Returns a status.
 */
export function gbkEncodeInto(src: usize, end: usize, base: usize): i32 {
  return fail(E_UNKNOWN_OP, -1, 'gbk not implemented');
}

export function opGbkDecode(ptr: usize, len: i32): i32 { return gbkDecodeInto(ptr, ptr + <usize>len, ptr, false); }
export function opGbkEncode(ptr: usize, len: i32): i32 { return gbkEncodeInto(ptr, ptr + <usize>len, ptr); }
