// Chongqing SiInterface (东软 BUSINESS_HANDLE) pipe strings: op 50 pipe_parse (GBK bytes -> JSON),
// op 51 pipe_print (JSON -> GBK bytes). See shared/reference/wire-formats.md §5.2.
//
// JSON mapping: an array of records, each an array of field strings. Records are separated by
// '$', fields by '|', exactly like split: "04|123|a|b$c|d" -> [["04","123","a","b"],["c","d"]];
// "1||x" -> [["1","","x"]]; "" -> [[""]]; "a|" -> [["a",""]]; "a$" -> [["a"],[""]].
// There is no escaping in the spec. Splitting is character-wise on GBK (0x7C '|' is also a valid
// GBK trail byte, e.g. inside a Chinese character, and does not separate there).
//
// print joins fields with '|' and records with '$' and GBK-encodes. It accepts exactly the
// documents parse can produce, so parse(print(x)) == x and print(parse(s)) == s byte-for-byte:
//   - the root is a non-empty array of non-empty arrays (else PIPE_SHAPE),
//   - fields are strings, or numbers written as their literal JSON text (else PIPE_SHAPE),
//   - a field containing '|' or '$' -> PIPE_RESERVED_CHAR, detail "record i field j" (0-based).

import { fail, errCode, E_PIPE_SHAPE, E_PIPE_RESERVED } from './errors';
import { outByte, outLit, outBytes } from './out';
import { jsonParse, jKind, jA, jB, jC, jNext, jPos, jInputBase, K_NUM, K_STR, K_ARR } from './json';
import { gbkStep, outGbkJsonStr, strBytes, encodeStr, sbS, sbE, scratchRelease } from './ini';

export function opPipeParse(ptr: usize, len: i32): i32 {
  const base = ptr, end = ptr + <usize>len;
  outLit('[[');
  let fs = base;
  let q = base;
  while (q < end) {
    const b = <u32>load<u8>(q);
    if (b == 124 || b == 36) {
      if (outGbkJsonStr(fs, q, base) != 0) return errCode;
      if (b == 124) outByte(44); else outLit('],[');
      q++;
      fs = q;
      continue;
    }
    q = gbkStep(q, end);
  }
  if (outGbkJsonStr(fs, end, base) != 0) return errCode;
  outLit(']]');
  return 0;
}

export function opPipePrint(ptr: usize, len: i32): i32 {
  const st = pipePrint(ptr, len);
  scratchRelease();
  return st;
}

/** Input offset of the first '|' or '$' (raw, or as a \u escape) in an escaped string node. */
function reservedPos(f: i32): i32 {
  let q = <usize>jA(f);
  const e = <usize>jB(f);
  while (q < e) {
    const b = <u32>load<u8>(q);
    if (b == 124 || b == 36) return <i32>(q - jInputBase());
    if (b == 92) {
      if (load<u8>(q + 1) == 117) {
        let v: u32 = 0;
        for (let k: usize = 2; k < 6; k++) {
          const h = <u32>load<u8>(q + k);
          v = (v << 4) | ((h - 48) < 10 ? h - 48 : (h | 32) - 87);
        }
        if (v == 124 || v == 36) return <i32>(q - jInputBase());
        q += 6;
      } else q += 2;
      continue;
    }
    q++;
  }
  return jPos(f);
}

function pipePrint(ptr: usize, len: i32): i32 {
  const st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_ARR) return fail(E_PIPE_SHAPE, jPos(0), 'pipe data must be an array of records (arrays of fields)');
  const n = <i32>jA(0);
  if (n == 0) return fail(E_PIPE_SHAPE, jPos(0), 'at least one record is required');
  let r = 1;
  for (let i = 0; i < n; i++) {
    if (jKind(r) != K_ARR) return fail(E_PIPE_SHAPE, jPos(r), 'record ' + i.toString() + ' must be an array of fields');
    const m = <i32>jA(r);
    if (m == 0) return fail(E_PIPE_SHAPE, jPos(r), 'record ' + i.toString() + ' must have at least one field');
    if (i > 0) outByte(36);
    let f = r + 1;
    for (let j = 0; j < m; j++) {
      if (j > 0) outByte(124);
      const k = jKind(f);
      if (k == K_NUM) {
        outBytes(<usize>jA(f), <i32>(jB(f) - jA(f)));
      } else if (k == K_STR) {
        if (strBytes(f) != 0) return errCode;
        for (let q = sbS; q < sbE; q++) {
          const b = load<u8>(q);
          if (b == 124 || b == 36) {
            const pos = jC(f) == 0 ? <i32>(q - jInputBase()) : reservedPos(f);
            return fail(E_PIPE_RESERVED, pos, 'record ' + i.toString() + ' field ' + j.toString());
          }
        }
        if (encodeStr(f) != 0) return errCode;
      } else {
        return fail(E_PIPE_SHAPE, jPos(f), 'record ' + i.toString() + ' field ' + j.toString() + ' must be a string or a number');
      }
      f = jNext(f);
    }
    r = jNext(r);
  }
  return 0;
}
