// The core in a Web Worker, with host-node's typed API (host-node/src/core.ts mirrors this file): the
// same op codes, the same JSON in and out, the same YibaoError codes; every call is async because it
// crosses to the Worker. The Worker only runs the raw byte ABI, so the bytes are exactly Node's.
import * as Comlink from 'comlink';
import type { BrowserCore, CoreVersion, RawReply, WorkerApi, XmlJson, IniJson, PipeRecords } from './contract.js';
import { OP } from './ops.js';
import { YibaoError } from './errors.js';
import { toHex, toBase64 } from './encoding.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8');

export interface BrowserCoreOptions {
  /** a Worker running worker.js (default: `new Worker(new URL('./worker.js', import.meta.url), {type: 'module'})`) */
  worker?: Worker;
  /** where worker.js is, when not beside this module */
  workerUrl?: string | URL;
}

/** Starts the Worker and returns the API at once (the first call waits for the Worker). */
export function createCore(options: BrowserCoreOptions = {}): BrowserCore {
  const worker = options.worker ?? new Worker(options.workerUrl ?? new URL('./worker.js', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<WorkerApi>(worker);
  let closed = false;

  async function raw(op: number, input: Uint8Array): Promise<Uint8Array> {
    if (closed) throw YibaoError.host('USAGE', 'the core Worker was terminated');
    let r: RawReply;
    try {
      r = await api.raw(op, input);
    } catch (e) {
      throw YibaoError.host('TRAP', `op ${op}: the core Worker failed: ${(e as Error)?.message ?? e}`, e);
    }
    if (!r.ok) throw new YibaoError(r.error);
    return r.bytes;
  }

  const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? enc.encode(x) : x);
  const text = async (op: number, input: string | Uint8Array) => dec.decode(await raw(op, bytes(input)));
  const json = async <T>(op: number, input: unknown): Promise<T> => JSON.parse(await text(op, JSON.stringify(input))) as T;
  // HMAC ops take {key, data}: strings go as JSON strings (hashed as UTF-8), bytes as key_hex / data_hex
  const hmac = (op: number, key: string | Uint8Array, data: string | Uint8Array): Promise<Uint8Array> => {
    const args: Record<string, string> = {};
    if (typeof key === 'string') args.key = key;
    else args.key_hex = toHex(key);
    if (typeof data === 'string') args.data = data;
    else args.data_hex = toHex(data);
    return raw(op, enc.encode(JSON.stringify(args)));
  };

  return {
    version: async () => JSON.parse(await text(OP.version, '')) as CoreVersion,
    presettle: (input) => json(OP.presettle, input),
    classify: (input) => json(OP.classify, input),
    validate: (input) => json(OP.validate, input),
    txn: { next: (input) => json(OP.txnNext, input) },
    soap: {
      encode: (msg) => raw(OP.soapEncode, enc.encode(JSON.stringify(msg))),
      decode: async (b) => JSON.parse(await text(OP.soapDecode, b)),
    },
    dataset: {
      encode: (ds) => text(OP.datasetEncode, JSON.stringify(ds)),
      decode: async (x) => JSON.parse(await text(OP.datasetDecode, x)),
    },
    digest: (input) => text(OP.digest, JSON.stringify(input)),
    slist: { check: (input) => json(OP.slistCheck, input) },
    raw,
    hash: {
      sha256: (input) => raw(OP.sha256, bytes(input)),
      hmacSha1: (key, data) => hmac(OP.hmacSha1, key, data),
      hmacSha256: (key, data) => hmac(OP.hmacSha256, key, data),
      md5: (input) => raw(OP.md5, bytes(input)),
      sha1: (input) => raw(OP.sha1, bytes(input)),
      hex: async (b, letterCase) => toHex(b, letterCase),
      base64: async (b) => toBase64(b),
    },
    gbk: {
      encode: (s) => raw(OP.gbkEncode, enc.encode(s)),
      decode: async (b) => dec.decode(await raw(OP.gbkDecode, b)),
    },
    codec: {
      json: {
        parse: async (t) => JSON.parse(await text(OP.jsonParse, t)),
        normalize: (t) => text(OP.jsonParse, t),
        print: (t) => text(OP.jsonPrint, t),
        parseExact: async (t) => JSON.parse(await text(OP.jsonNumbersAsStrings, t)),
      },
      xml: {
        parse: async (b) => JSON.parse(await text(OP.xmlParse, b)) as XmlJson,
        print: (doc, o) => raw(o?.encoding === 'UTF-8' ? OP.xmlPrintUtf8 : OP.xmlPrint, enc.encode(JSON.stringify(doc))),
      },
      ini: {
        parse: async (b) => JSON.parse(await text(OP.iniParse, b)) as IniJson,
        print: (doc) => raw(OP.iniPrint, enc.encode(JSON.stringify(doc))),
      },
      pipe: {
        parse: async (b) => JSON.parse(await text(OP.pipeParse, b)) as PipeRecords,
        print: (records) => raw(OP.pipePrint, enc.encode(JSON.stringify(records))),
      },
    },
    terminate() {
      closed = true;
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
