// Op codes of core.wasm (core-asm/README.md). Kept in one place; host-browser mirrors this file.
export const OP = {
  version: 0,
  presettle: 1,
  classify: 2,
  validate: 3,
  gbkDecode: 10,
  gbkEncode: 11,
  jsonParse: 20,
  jsonPrint: 21,
  jsonNumbersAsStrings: 22,
  xmlParse: 30,
  xmlPrint: 31,
  xmlPrintUtf8: 32,
  iniParse: 40,
  iniPrint: 41,
  pipeParse: 50,
  pipePrint: 51,
  sha256: 60,
  hmacSha1: 61,
  hmacSha256: 62,
  txnNext: 70,
  trap: 99,
} as const;

export type OpName = keyof typeof OP;
