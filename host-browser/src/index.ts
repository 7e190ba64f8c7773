/** @module yibao host for browsers: the core in a Web Worker with host-node's API, and the agent client. */
export { createCore } from './core.js';
export type { BrowserCoreOptions } from './core.js';
export { YibaoError, HOST_ERRORS, errorJson } from './errors.js';
export { OP } from './ops.js';
export { toHex, toBase64 } from './encoding.js';
export { createAgentClient } from './agent.js';
export type * from './agent.js';
export type * from './contract.js';
export { fenToYuan } from '../../host-node/src/money.js';
export { maskId, maskName, maskCard } from '../../host-node/src/mask.js';
