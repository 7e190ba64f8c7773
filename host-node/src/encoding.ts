// Text forms of digests: hex and base64. Plain TypeScript (no Buffer) so host-browser can copy it as is.

const HEX_LOWER = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Hex of bytes; lower case unless letterCase is 'upper' (TIF gateways differ, wire-formats §1.2). */
export function toHex(bytes: Uint8Array, letterCase: 'lower' | 'upper' = 'lower'): string {
  const d = letterCase === 'upper' ? HEX_UPPER : HEX_LOWER;
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += d[bytes[i] >> 4] + d[bytes[i] & 15];
  return s;
}

/** Standard base64 with padding (RFC 4648 §4), as java.util.Base64 / commons-codec produce it. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + B64[v & 63];
  }
  if (i + 1 === n) {
    const v = bytes[i] << 16;
    s += B64[v >> 18] + B64[(v >> 12) & 63] + '==';
  } else if (i + 2 === n) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    s += B64[v >> 18] + B64[(v >> 12) & 63] + B64[(v >> 6) & 63] + '=';
  }
  return s;
}
