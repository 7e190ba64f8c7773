// The Web Worker: core.wasm (inlined by esbuild) behind the raw byte ABI, exposed with comlink. It does
// no JSON and no typing: the page side (core.ts) mirrors host-node's typed API over `raw`, so every host
// runs the same bytes through the same core. Errors come back as the core's error JSON, traps as TRAP.
import * as Comlink from 'comlink';
import wasmBytes from '../../core-asm/build/core.wasm';
import type { CoreErrorJson, RawReply, WorkerApi } from './contract.js';
import { YibaoError, errorJson } from './errors.js';

interface Exports {
  memory: WebAssembly.Memory;
  yb_alloc(len: number): number;
  yb_free(ptr: number): void;
  yb_call(op: number, ptr: number, len: number): number;
  yb_result_ptr(): number;
  yb_result_len(): number;
}

const module = new WebAssembly.Module(wasmBytes as Uint8Array<ArrayBuffer>);
let ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
const dec = new TextDecoder('utf-8');

const api: WorkerApi = {
  raw(op: number, input: Uint8Array): RawReply {
    let rc: number;
    try {
      const p = ex.yb_alloc(input.length);
      new Uint8Array(ex.memory.buffer, p, input.length).set(input);
      rc = ex.yb_call(op, p, input.length);
      ex.yb_free(p);
    } catch (e) {
      // a trap leaves the instance in an unknown state: replace it (as host-node does)
      ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
      return { ok: false, error: errorJson(YibaoError.host('TRAP', `op ${op}: ${(e as Error).message}`)) };
    }
    const bytes = new Uint8Array(ex.memory.buffer, ex.yb_result_ptr(), ex.yb_result_len()).slice();
    if (rc < 0) return { ok: false, error: JSON.parse(dec.decode(bytes)) as CoreErrorJson };
    return Comlink.transfer({ ok: true, bytes }, [bytes.buffer]);
  },
};

Comlink.expose(api);
