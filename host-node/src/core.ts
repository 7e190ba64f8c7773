// Loads core.wasm (zero imports) and exposes the typed API over the raw byte ABI.
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Core, CoreErrorJson, XmlJson, IniJson, PipeRecords } from './contract.js';
import { OP } from './ops.js';
import { YibaoError } from './errors.js';
import { toHex, toBase64 } from './encoding.js';

interface Exports {
  memory: WebAssembly.Memory;
  yb_alloc(len: number): number;
  yb_free(ptr: number): void;
  yb_call(op: number, ptr: number, len: number): number;
  yb_result_ptr(): number;
  yb_result_len(): number;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8');

let cachedModule: WebAssembly.Module | undefined;

/** Path of core.wasm: beside the compiled host (dist/), else the core-asm build. */
export function wasmPath(): string {
  const beside = fileURLToPath(new URL('./core.wasm', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../core-asm/build/core.wasm', import.meta.url));
}

function compiled(): WebAssembly.Module {
  if (!cachedModule) cachedModule = new WebAssembly.Module(readFileSync(wasmPath()));
  return cachedModule;
}

/** Creates a core instance (synchronous; the module is compiled once per process). */
export function createCore(options: { wasm?: Uint8Array | WebAssembly.Module } = {}): Core {
  const module =
    options.wasm instanceof WebAssembly.Module ? options.wasm : options.wasm ? new WebAssembly.Module(options.wasm as Uint8Array<ArrayBuffer>) : compiled();
  let ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;

  function raw(op: number, input: Uint8Array): Uint8Array {
    let rc: number;
    try {
      const p = ex.yb_alloc(input.length);
      new Uint8Array(ex.memory.buffer, p, input.length).set(input);
      rc = ex.yb_call(op, p, input.length);
      ex.yb_free(p);
    } catch (e) {
      // a trap leaves the instance in an unknown state: replace it
      ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
      throw YibaoError.host('TRAP', `op ${op}: ${(e as Error).message}`, e);
    }
    const out = new Uint8Array(ex.memory.buffer, ex.yb_result_ptr(), ex.yb_result_len()).slice();
    if (rc < 0) throw new YibaoError(JSON.parse(dec.decode(out)) as CoreErrorJson);
    return out;
  }

  const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? enc.encode(x) : x);
  const text = (op: number, input: string | Uint8Array) => dec.decode(raw(op, bytes(input)));
  const json = <T>(op: number, input: unknown): T => JSON.parse(text(op, JSON.stringify(input))) as T;
  // HMAC ops take {key, data}: strings go as JSON strings (hashed as UTF-8), bytes as key_hex / data_hex
  const hmac = (op: number, key: string | Uint8Array, data: string | Uint8Array): Uint8Array => {
    const args: Record<string, string> = {};
    if (typeof key === 'string') args.key = key;
    else args.key_hex = toHex(key);
    if (typeof data === 'string') args.data = data;
    else args.data_hex = toHex(data);
    return raw(op, enc.encode(JSON.stringify(args)));
  };

  return {
    version: () => JSON.parse(text(OP.version, '')),
    presettle: (input) => json(OP.presettle, input),
    classify: (input) => json(OP.classify, input),
    validate: (input) => json(OP.validate, input),
    raw,
    txn: { next: (input) => json(OP.txnNext, input) },
    soap: {
      encode: (msg) => raw(OP.soapEncode, enc.encode(JSON.stringify(msg))),
      decode: (b) => JSON.parse(text(OP.soapDecode, b)),
    },
    dataset: {
      encode: (ds) => text(OP.datasetEncode, JSON.stringify(ds)),
      decode: (x) => JSON.parse(text(OP.datasetDecode, x)),
    },
    digest: (input) => text(OP.digest, JSON.stringify(input)),
    slist: { check: (input) => json(OP.slistCheck, input) },
    hash: {
      sha256: (input) => raw(OP.sha256, bytes(input)),
      hmacSha1: (key, data) => hmac(OP.hmacSha1, key, data),
      hmacSha256: (key, data) => hmac(OP.hmacSha256, key, data),
      md5: (input) => raw(OP.md5, bytes(input)),
      sha1: (input) => raw(OP.sha1, bytes(input)),
      hex: toHex,
      base64: toBase64,
    },
    gbk: {
      encode: (s) => raw(OP.gbkEncode, enc.encode(s)),
      decode: (b) => dec.decode(raw(OP.gbkDecode, b)),
    },
    codec: {
      json: {
        parse: (t) => JSON.parse(text(OP.jsonParse, t)),
        normalize: (t) => text(OP.jsonParse, t),
        print: (t) => text(OP.jsonPrint, t),
        parseExact: (t) => JSON.parse(text(OP.jsonNumbersAsStrings, t)),
      },
      xml: {
        parse: (b) => JSON.parse(text(OP.xmlParse, b)) as XmlJson,
        print: (doc, o) => raw(o?.encoding === 'UTF-8' ? OP.xmlPrintUtf8 : OP.xmlPrint, enc.encode(JSON.stringify(doc))),
      },
      ini: {
        parse: (b) => JSON.parse(text(OP.iniParse, b)) as IniJson,
        print: (doc) => raw(OP.iniPrint, enc.encode(JSON.stringify(doc))),
      },
      pipe: {
        parse: (b) => JSON.parse(text(OP.pipeParse, b)) as PipeRecords,
        print: (records) => raw(OP.pipePrint, enc.encode(JSON.stringify(records))),
      },
    },
  };
}
