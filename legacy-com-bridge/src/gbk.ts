// GBK at the bridge boundary, through the core (no iconv at run time).
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';

/** GBK bytes of `text` followed by a NUL; an unmappable character (emoji …) is BAD_INPUT, never a '?'. */
export function gbkz(core: Core, text: string, what = 'text'): Uint8Array {
  if (text.includes('\0')) throw YibaoError.host('BAD_INPUT', `${what} contains a NUL character`);
  let g: Uint8Array;
  try {
    g = core.gbk.encode(text);
  } catch (e) {
    const y = e as YibaoError;
    throw YibaoError.host('BAD_INPUT', `${what}: ${y.messageZh ?? ''} ${y.detail ?? y.message}`.trim(), e);
  }
  const z = new Uint8Array(g.length + 1);
  z.set(g);
  return z;
}

/** UTF-8 bytes of `text` followed by a NUL. */
export function utf8z(text: string, what = 'text'): Uint8Array {
  if (text.includes('\0')) throw YibaoError.host('BAD_INPUT', `${what} contains a NUL character`);
  const u = new TextEncoder().encode(text);
  const z = new Uint8Array(u.length + 1);
  z.set(u);
  return z;
}

/**
 * Decodes GBK bytes from vendor code. A reply must never be lost over one bad byte (the call may have
 * moved money), so invalid sequences become U+FFFD and decoding goes on; `invalid` counts them.
 */
export function decodeGbkLenient(core: Core, bytes: Uint8Array): { text: string; invalid: number } {
  let text = '';
  let invalid = 0;
  let rest = bytes;
  for (;;) {
    try {
      return { text: text + core.gbk.decode(rest), invalid };
    } catch (e) {
      const y = e as YibaoError;
      const pos = y.code === 'GBK_INVALID' && typeof y.pos === 'number' ? y.pos : -1;
      if (pos < 0 || pos >= rest.length) {
        // not a positioned GBK error: give the bytes as Latin-1 rather than nothing
        return { text: text + String.fromCharCode(...rest.subarray(0, 65536)), invalid: invalid + 1 };
      }
      text += pos > 0 ? core.gbk.decode(rest.subarray(0, pos)) : '';
      text += '\uFFFD';
      invalid++;
      rest = rest.subarray(pos + 1);
    }
  }
}
