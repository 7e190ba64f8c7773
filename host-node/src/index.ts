/** @module yibao host for Node: the typed API over core.wasm. */
export { createCore, wasmPath } from './core.js';
export { YibaoError, HOST_ERRORS } from './errors.js';
export { OP } from './ops.js';
export { renderSlip } from './slip.js';
export type * from './contract.js';
