// Text forms of digests (hex, base64): host-node's plain-TypeScript implementation, shared as is.
export { toHex, toBase64 } from '../../host-node/src/encoding.js';
