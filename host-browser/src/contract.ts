// The host contract: the very types of host-node (one source of truth), plus the async form the browser
// needs because the core runs in a Web Worker. host-node/src/contract.ts mirrors this file.
import type { Core, CoreErrorJson } from '../../host-node/src/contract.js';

export type * from '../../host-node/src/contract.js';

/** A function of host-node's API, with the result delivered as a Promise (the call crosses to the Worker). */
export type AsyncFn<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/** host-node's API shape with every function made async; nested groups (gbk, codec, hash …) alike. */
export type Async<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? AsyncFn<T[K]> : T[K] extends object ? Async<T[K]> : T[K];
};

/** The browser Core: host-node's `Core`, every call over the Worker. */
export interface BrowserCore extends Async<Core> {
  /** Stops the Worker; later calls reject. */
  terminate(): void;
}

/** What the Worker answers for one raw ABI call: the bytes, or the error JSON (codes preserved). */
export type RawReply = { ok: true; bytes: Uint8Array } | { ok: false; error: CoreErrorJson };

/** The Worker's API (comlink). */
export interface WorkerApi {
  raw(op: number, input: Uint8Array): RawReply;
}
