// Raw ABI driver for the benchmarks: exactly what a host must do per call, nothing more.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The core under test; YB_BENCH_WASM=/path/to/other.wasm benchmarks another build (e.g. an experiment). */
export const WASM_PATH = process.env.YB_BENCH_WASM || fileURLToPath(new URL('../../core-asm/build/core.wasm', import.meta.url));

export function wasmBytes() {
  return readFileSync(WASM_PATH);
}

export class CoreUnavailable extends Error {}

/**
 * One raw call: yb_alloc, copy the input in, yb_call, yb_free, copy the result out (slice).
 * Returns { rc, bytes }.
 */
export function rawCall(ex, op, input) {
  const p = ex.yb_alloc(input.length);
  new Uint8Array(ex.memory.buffer, p, input.length).set(input);
  const rc = ex.yb_call(op, p, input.length);
  ex.yb_free(p);
  const bytes = new Uint8Array(ex.memory.buffer, ex.yb_result_ptr(), ex.yb_result_len()).slice();
  return { rc, bytes };
}

const dec = new TextDecoder();

/** Like rawCall but throws on an error result; an UNKNOWN_OP (stub) throws CoreUnavailable. */
export function rawOk(ex, op, input) {
  const r = rawCall(ex, op, input);
  if (r.rc < 0) {
    const text = dec.decode(r.bytes);
    let err;
    try { err = JSON.parse(text); } catch { err = { code: '?', detail: text } }
    const msg = `op ${op}: ${err.code}${err.detail ? ' (' + err.detail + ')' : ''}`;
    if (err.code === 'UNKNOWN_OP') throw new CoreUnavailable(msg);
    throw new Error(msg);
  }
  return r.bytes;
}

export function instantiate(module) {
  return new WebAssembly.Instance(module, {}).exports;
}
