// yibao core: the raw byte ABI. No imports, no managed objects cross the boundary.
//
//   yb_alloc(len) -> ptr          host copies its input bytes there
//   yb_call(op, ptr, len) -> n    n >= 0: result length; n < 0: -status, error JSON in the result
//   yb_result_ptr() -> ptr        result bytes, valid until the next call
//   yb_result_len() -> n          result length, also after a failed call (error JSON)
//   yb_free(ptr)                  host frees its input
//
// The op table is documented in core-asm/README.md and mirrored in host-node/src/contract.ts.

import { outPtr, outLen, outReset, outLit, outJsonStr, outI64, outByte } from './out';
import { errCode, errPos, errDetail, resetError, fail, errName, errZh, errEn, E_UNKNOWN_OP, E_INTERNAL } from './errors';
import { jRelease } from './json';
import { opPresettle, opClassify } from './presettle';
import { opJsonParse, opJsonPrint, opJsonNumbersAsStrings } from './jsonops';
import { opGbkDecode, opGbkEncode } from './gbk';
import { opXmlParse, opXmlPrint, opXmlPrintUtf8 } from './xml';
import { opIniParse, opIniPrint } from './ini';
import { opPipeParse, opPipePrint } from './pipe';
import { opValidate } from './validate';
import { opSha256, opHmacSha1, opHmacSha256 } from './hash';
import { opMd5, opSha1, opDigest } from './digest';
import { opSoapEncode, opSoapDecode, opDatasetEncode, opDatasetDecode } from './soap';
import { opSlistCheck } from './qc';
import { opTxnNext } from './txn';

export const VERSION = '0.1.0';

export const OP_VERSION: i32 = 0;
export const OP_PRESETTLE: i32 = 1;
export const OP_CLASSIFY: i32 = 2;
export const OP_VALIDATE: i32 = 3;
export const OP_GBK_DECODE: i32 = 10;
export const OP_GBK_ENCODE: i32 = 11;
export const OP_JSON_PARSE: i32 = 20;
export const OP_JSON_PRINT: i32 = 21;
export const OP_JSON_NUMBERS_AS_STRINGS: i32 = 22;
export const OP_XML_PARSE: i32 = 30;
export const OP_XML_PRINT: i32 = 31;
export const OP_XML_PRINT_UTF8: i32 = 32;
export const OP_SOAP_ENCODE: i32 = 33;
export const OP_SOAP_DECODE: i32 = 34;
export const OP_DATASET_ENCODE: i32 = 35;
export const OP_DATASET_DECODE: i32 = 36;
export const OP_INI_PARSE: i32 = 40;
export const OP_INI_PRINT: i32 = 41;
export const OP_PIPE_PARSE: i32 = 50;
export const OP_PIPE_PRINT: i32 = 51;
export const OP_SHA256: i32 = 60;
export const OP_HMAC_SHA1: i32 = 61;
export const OP_HMAC_SHA256: i32 = 62;
export const OP_MD5: i32 = 63;
export const OP_SHA1: i32 = 64;
export const OP_DIGEST: i32 = 65;
export const OP_TXN_NEXT: i32 = 70;
export const OP_SLIST_CHECK: i32 = 80;
export const OP_TRAP: i32 = 99;

export function yb_alloc(len: i32): usize {
  return heap.alloc(len > 0 ? <usize>len : 1);
}

export function yb_free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

export function yb_result_ptr(): usize {
  return outPtr;
}

/** Length of the result (or of the error JSON after a failed call). */
export function yb_result_len(): i32 {
  return outLen;
}

export function yb_call(op: i32, ptr: usize, len: i32): i32 {
  outReset();
  resetError();
  let st = dispatch(op, ptr, len);
  if (st == 0 && errCode != 0) st = errCode;
  jRelease();
  if (st != 0) {
    if (errCode == 0) fail(st, -1, '');
    writeError(ptr, len);
    st = errCode;
  }
  const n = outLen;
  __collect();
  return st != 0 ? -st : n;
}

function dispatch(op: i32, ptr: usize, len: i32): i32 {
  switch (op) {
    case OP_VERSION: return opVersion();
    case OP_PRESETTLE: return opPresettle(ptr, len);
    case OP_CLASSIFY: return opClassify(ptr, len);
    case OP_VALIDATE: return opValidate(ptr, len);
    case OP_GBK_DECODE: return opGbkDecode(ptr, len);
    case OP_GBK_ENCODE: return opGbkEncode(ptr, len);
    case OP_JSON_PARSE: return opJsonParse(ptr, len);
    case OP_JSON_PRINT: return opJsonPrint(ptr, len);
    case OP_JSON_NUMBERS_AS_STRINGS: return opJsonNumbersAsStrings(ptr, len);
    case OP_XML_PARSE: return opXmlParse(ptr, len);
    case OP_XML_PRINT: return opXmlPrint(ptr, len);
    case OP_XML_PRINT_UTF8: return opXmlPrintUtf8(ptr, len);
    case OP_INI_PARSE: return opIniParse(ptr, len);
    case OP_INI_PRINT: return opIniPrint(ptr, len);
    case OP_PIPE_PARSE: return opPipeParse(ptr, len);
    case OP_PIPE_PRINT: return opPipePrint(ptr, len);
    case OP_SHA256: return opSha256(ptr, len);
    case OP_HMAC_SHA1: return opHmacSha1(ptr, len);
    case OP_HMAC_SHA256: return opHmacSha256(ptr, len);
    case OP_TXN_NEXT: return opTxnNext(ptr, len);
    case OP_SOAP_ENCODE: return opSoapEncode(ptr, len);
    case OP_SOAP_DECODE: return opSoapDecode(ptr, len);
    case OP_DATASET_ENCODE: return opDatasetEncode(ptr, len);
    case OP_DATASET_DECODE: return opDatasetDecode(ptr, len);
    case OP_MD5: return opMd5(ptr, len);
    case OP_SHA1: return opSha1(ptr, len);
    case OP_DIGEST: return opDigest(ptr, len);
    case OP_SLIST_CHECK: return opSlistCheck(ptr, len);
    case OP_TRAP: unreachable(); return E_INTERNAL;
    default: return fail(E_UNKNOWN_OP, -1, 'op ' + op.toString());
  }
}

function opVersion(): i32 {
  outLit('{"name":"yibao-core","version":"');
  outLit(VERSION);
  outLit('","abi":1}');
  return 0;
}

/** Error JSON: {"status":N,"code":"NAME","message_zh":..,"message_en":..,"pos":N,"line":N,"col":N,"detail":..} */
function writeError(ptr: usize, len: i32): void {
  outReset();
  outLit('{"status":');
  outI64(errCode);
  outLit(',"code":');
  outJsonStr(errName(errCode));
  outLit(',"message_zh":');
  outJsonStr(errZh(errCode));
  outLit(',"message_en":');
  outJsonStr(errEn(errCode));
  if (errPos >= 0) {
    outLit(',"pos":');
    outI64(errPos);
    // line/column (1-based) for text inputs
    let line = 1, col = 1;
    const lim = errPos < len ? errPos : len;
    for (let i = 0; i < lim; i++) {
      if (load<u8>(ptr + <usize>i) == 10) { line++; col = 1; } else col++;
    }
    outLit(',"line":');
    outI64(line);
    outLit(',"col":');
    outI64(col);
  }
  if (errDetail.length > 0) {
    outLit(',"detail":');
    outJsonStr(errDetail);
  }
  outByte(125);
}
