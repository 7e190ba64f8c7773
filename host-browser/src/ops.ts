// Op codes of core.wasm: the same table as host-node (host-node/src/ops.ts mirrors this file).
export { OP } from '../../host-node/src/ops.js';
export type { OpName } from '../../host-node/src/ops.js';
