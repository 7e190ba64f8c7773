// core.hash (ops 60–62 through the host API) and the hex/base64 helpers, against node:crypto / Buffer.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash, createHmac } from 'node:crypto';
import { createCore, toHex, toBase64, YibaoError } from './index.js';

const core = createCore();

describe('core.hash', () => {
  it('sha256 of text (UTF-8) and of bytes', () => {
    expect(toHex(core.hash.sha256('医保'))).toBe(createHash('sha256').update('医保').digest('hex'));
    const b = new Uint8Array([0, 1, 2, 255]);
    expect(toHex(core.hash.sha256(b))).toBe(createHash('sha256').update(b).digest('hex'));
    expect(core.hash.sha256('').length).toBe(32);
  });

  it('hmacSha1 / hmacSha256 with any mix of string and byte key/data (fast-check)', () => {
    const val = fc.oneof(fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 150 }));
    fc.assert(
      fc.property(val, val, (k, d) => {
        const kb = typeof k === 'string' ? Buffer.from(k, 'utf8') : k;
        const db = typeof d === 'string' ? Buffer.from(d, 'utf8') : d;
        return (
          core.hash.hex(core.hash.hmacSha1(k, d)) === createHmac('sha1', kb).update(db).digest('hex') &&
          core.hash.base64(core.hash.hmacSha256(k, d)) === createHmac('sha256', kb).update(db).digest('base64')
        );
      }),
      { numRuns: 300 },
    );
  });

  it('hex (both cases) and base64 match Buffer for every length (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const buf = Buffer.from(b);
        return toHex(b) === buf.toString('hex') && toHex(b, 'upper') === buf.toString('hex').toUpperCase() && toBase64(b) === buf.toString('base64');
      }),
    );
  });

  it('core errors surface as YibaoError', () => {
    expect(() => core.raw(61, new TextEncoder().encode('{"key":1,"data":""}'))).toThrowError(YibaoError);
  });
});
