// Minimal raw-ABI driver for core tests: no host-node dependency, so the core is tested on its own.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const wasmPath = fileURLToPath(new URL('../build/core.wasm', import.meta.url));

export interface RawResult {
  /** >= 0 result length, < 0 minus the status code */
  rc: number;
  bytes: Uint8Array;
}

export interface RawCore {
  call(op: number, input: Uint8Array | string): RawResult;
  /** call and parse the result as JSON; throws with the error JSON attached when rc < 0 */
  json(op: number, input: Uint8Array | string | object): any;
  exports: any;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export function loadCore(): RawCore {
  const mod = new WebAssembly.Module(readFileSync(wasmPath));
  const inst = new WebAssembly.Instance(mod, {});
  const ex = inst.exports as any;
  const call = (op: number, input: Uint8Array | string): RawResult => {
    const bytes = typeof input === 'string' ? enc.encode(input) : input;
    const p = ex.yb_alloc(bytes.length);
    new Uint8Array(ex.memory.buffer, p, bytes.length).set(bytes);
    const rc = ex.yb_call(op, p, bytes.length);
    ex.yb_free(p);
    const rp = ex.yb_result_ptr();
    const len = ex.yb_result_len();
    return { rc, bytes: new Uint8Array(ex.memory.buffer, rp, len).slice() };
  };
  return {
    exports: ex,
    call,
    json(op, input) {
      const r = call(op, typeof input === 'object' && !(input instanceof Uint8Array) ? JSON.stringify(input) : input);
      const text = dec.decode(r.bytes);
      if (r.rc < 0) {
        const err = new Error('core error ' + text) as any;
        err.core = JSON.parse(text);
        throw err;
      }
      return JSON.parse(text);
    },
  };
}
