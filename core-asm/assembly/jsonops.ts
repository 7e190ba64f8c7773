// JSON codec ops: 20 json_parse (validate + compact), 21 json_print (validate + 2-space indent).
// Strings and numbers are copied verbatim (no float round trip: "12.30" stays "12.30").

import { jsonParse, jKind, jA, jB, jNext, K_NULL, K_FALSE, K_TRUE, K_NUM, K_STR, K_ARR, K_OBJ, jInputBase } from './json';
import { outBytes, outByte, outLit, outEnsure, outByteU } from './out';

export function opJsonParse(ptr: usize, len: i32): i32 {
  const st = jsonParse(ptr, len);
  if (st != 0) return st;
  writeNode(0, -1, 0);
  return 0;
}

/** op 22: compact JSON with every number turned into a string of its verbatim text (4.52 -> "4.52"),
 *  so JS hosts can read amounts from a center's reply without a binary float ever holding money. */
export function opJsonNumbersAsStrings(ptr: usize, len: i32): i32 {
  const st = jsonParse(ptr, len);
  if (st != 0) return st;
  numbersAsStrings = true;
  writeNode(0, -1, 0);
  numbersAsStrings = false;
  return 0;
}

let numbersAsStrings = false;

export function opJsonPrint(ptr: usize, len: i32): i32 {
  const st = jsonParse(ptr, len);
  if (st != 0) return st;
  writeNode(0, 2, 0);
  outByte(10);
  return 0;
}

function newline(indent: i32, level: i32): void {
  if (indent < 0) return;
  const n = indent * level;
  outEnsure(n + 1);
  outByteU(10);
  for (let i = 0; i < n; i++) outByteU(32);
}

/** Writes node i (and its subtree); indent < 0 = compact. Returns the index after the subtree. */
export function writeNode(i: i32, indent: i32, level: i32): i32 {
  const k = jKind(i);
  if (k == K_STR) {
    outBytes(<usize>jA(i) - 1, <i32>(jB(i) - jA(i)) + 2);
    return i + 1;
  }
  if (k == K_NUM) {
    if (numbersAsStrings) outByte(34);
    outBytes(<usize>jA(i), <i32>(jB(i) - jA(i)));
    if (numbersAsStrings) outByte(34);
    return i + 1;
  }
  if (k == K_NULL) { outLit('null'); return i + 1; }
  if (k == K_TRUE) { outLit('true'); return i + 1; }
  if (k == K_FALSE) { outLit('false'); return i + 1; }
  const n = <i32>jA(i);
  const obj = k == K_OBJ;
  outByte(obj ? 123 : 91);
  let j = i + 1;
  for (let m = 0; m < n; m++) {
    if (m > 0) outByte(44);
    newline(indent, level + 1);
    if (obj) {
      outBytes(<usize>jA(j) - 1, <i32>(jB(j) - jA(j)) + 2);
      outByte(58);
      if (indent >= 0) outByte(32);
      j++;
    }
    j = writeNode(j, indent, level + 1);
  }
  if (n > 0) newline(indent, level);
  outByte(obj ? 125 : 93);
  return <i32>jB(i);
}
