// Signing primitives: op 60 sha256, op 61 hmac_sha1, op 62 hmac_sha256 — node:crypto is the oracle.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { loadCore } from './raw';

const core = loadCore();
const OP_SHA256 = 60;
const OP_HMAC_SHA1 = 61;
const OP_HMAC_SHA256 = 62;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const dec = new TextDecoder();

function ok(op: number, input: Uint8Array | string): string {
  const r = core.call(op, input);
  if (r.rc < 0) throw new Error(`op ${op} failed: ${dec.decode(r.bytes)}`);
  expect(r.rc).toBe(r.bytes.length);
  return hex(r.bytes);
}
function err(op: number, input: Uint8Array | string) {
  const r = core.call(op, input);
  expect(r.rc, dec.decode(r.bytes)).toBeLessThan(0);
  return JSON.parse(dec.decode(r.bytes));
}
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const hmac = (alg: 'sha1' | 'sha256', k: string | Uint8Array, d: string | Uint8Array) => createHmac(alg, k).update(d).digest('hex');

describe('op 60 sha256', () => {
  it('FIPS 180-4 / NIST test vectors', () => {
    expect(ok(OP_SHA256, '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(ok(OP_SHA256, 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(ok(OP_SHA256, 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('every length around the block and padding boundaries (0..300 bytes)', () => {
    const buf = randomBytes(300);
    for (let n = 0; n <= 300; n++) expect(ok(OP_SHA256, buf.subarray(0, n))).toBe(sha256(buf.subarray(0, n)));
  });

  it('random byte strings (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => ok(OP_SHA256, b) === sha256(b)),
      { numRuns: 500 },
    );
  });

  it('a multi-MB input (5 MB + 13 bytes), twice on the same instance', () => {
    const big = randomBytes(5 * 1024 * 1024 + 13);
    expect(ok(OP_SHA256, big)).toBe(sha256(big));
    expect(ok(OP_SHA256, big)).toBe(sha256(big));
  });

  it('the TIF x-tif-signature message: timestamp + secret + nonce + timestamp', () => {
    const msg = '1700000000' + 's3cr3t-密钥' + 'Ab3dE6gH' + '1700000000';
    expect(ok(OP_SHA256, msg)).toBe(sha256(Buffer.from(msg, 'utf8')));
  });
});

describe('op 61 hmac_sha1 / op 62 hmac_sha256', () => {
  it('RFC 2202 / RFC 4231 vectors', () => {
    expect(ok(OP_HMAC_SHA1, JSON.stringify({ key: 'Jefe', data: 'what do ya want for nothing?' }))).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
    expect(ok(OP_HMAC_SHA256, JSON.stringify({ key: 'Jefe', data: 'what do ya want for nothing?' }))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    // RFC 4231 case 6: a 131-byte key (longer than the block) is hashed first
    const key = 'aa'.repeat(131);
    const data = Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First').toString('hex');
    expect(ok(OP_HMAC_SHA256, JSON.stringify({ key_hex: key, data_hex: data }))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('empty key and empty data', () => {
    expect(ok(OP_HMAC_SHA1, '{"key":"","data":""}')).toBe(hmac('sha1', '', ''));
    expect(ok(OP_HMAC_SHA256, '{"data":"","key":""}')).toBe(hmac('sha256', '', ''));
  });

  it('keys of every length 0..200 bytes (block is 64: shorter, equal, longer)', () => {
    const kb = randomBytes(200);
    for (let n = 0; n <= 200; n++) {
      const k = kb.subarray(0, n);
      const input = JSON.stringify({ key_hex: k.toString('hex'), data: 'payload' });
      expect(ok(OP_HMAC_SHA1, input)).toBe(hmac('sha1', k, 'payload'));
      expect(ok(OP_HMAC_SHA256, input)).toBe(hmac('sha256', k, 'payload'));
    }
  });

  it('random strings (any code point, lone surrogates too) as UTF-8, like node:crypto (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 150 }), fc.string({ unit: 'binary', maxLength: 400 }), (k, d) => {
        const input = JSON.stringify({ key: k, data: d });
        return ok(OP_HMAC_SHA1, input) === hmac('sha1', k, d) && ok(OP_HMAC_SHA256, input) === hmac('sha256', k, d);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes through key_hex / data_hex (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 600 }), fc.boolean(), (k, d, upper) => {
        const h = (b: Uint8Array) => (upper ? Buffer.from(b).toString('hex').toUpperCase() : Buffer.from(b).toString('hex'));
        const input = JSON.stringify({ key_hex: h(k), data_hex: h(d) });
        return ok(OP_HMAC_SHA1, input) === hmac('sha1', k, d) && ok(OP_HMAC_SHA256, input) === hmac('sha256', k, d);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes are decoded before hashing (\\n, \\", \\u00e9, surrogate pairs, lone surrogates)', () => {
    const raw = '{"key":"k\\u00e9\\ud83d\\ude00","data":"a\\nb\\"c\\\\d\\/e\\t\\b\\f\\r\\u0000\\udc00x\\ud800"}';
    const parsed = JSON.parse(raw) as { key: string; data: string };
    expect(ok(OP_HMAC_SHA1, raw)).toBe(hmac('sha1', parsed.key, parsed.data));
    expect(ok(OP_HMAC_SHA256, raw)).toBe(hmac('sha256', parsed.key, parsed.data));
  });

  it('a multi-MB message (3 MB of mixed text)', () => {
    const data = ('医保结算 settlement 0123456789 ').repeat(100_000);
    expect(Buffer.byteLength(data)).toBeGreaterThan(3_000_000);
    const input = JSON.stringify({ key: 'csb-secret', data });
    expect(ok(OP_HMAC_SHA1, input)).toBe(hmac('sha1', 'csb-secret', data));
    expect(ok(OP_HMAC_SHA256, input)).toBe(hmac('sha256', 'csb-secret', data));
  });

  it('the CSB string to sign, base64 of the HmacSHA1 digest', () => {
    const s = '_api_access_key=ak-1&_api_name=1101&_api_timestamp=1700000000123&_api_version=1.0.0';
    const r = core.call(OP_HMAC_SHA1, JSON.stringify({ key: 'sk-1', data: s }));
    expect(Buffer.from(r.bytes).toString('base64')).toBe(createHmac('sha1', 'sk-1').update(s).digest('base64'));
  });

  it('clean errors for bad input', () => {
    expect(err(OP_HMAC_SHA1, '')).toMatchObject({ code: 'JSON_SYNTAX' });
    expect(err(OP_HMAC_SHA1, '[1]')).toMatchObject({ code: 'WRONG_TYPE' });
    expect(err(OP_HMAC_SHA1, '{"data":"x"}')).toMatchObject({ code: 'MISSING_FIELD', detail: 'key' });
    expect(err(OP_HMAC_SHA1, '{"key":"x"}')).toMatchObject({ code: 'MISSING_FIELD', detail: 'data' });
    expect(err(OP_HMAC_SHA1, '{"key":null,"data":"x"}')).toMatchObject({ code: 'MISSING_FIELD', detail: 'key' });
    expect(err(OP_HMAC_SHA256, '{"key":1,"data":"x"}')).toMatchObject({ code: 'WRONG_TYPE', detail: 'key must be a string' });
    expect(err(OP_HMAC_SHA256, '{"key":"a","key":"b","data":"x"}')).toMatchObject({ code: 'DUPLICATE_KEY', detail: 'key' });
    expect(err(OP_HMAC_SHA256, '{"key":"a","key_hex":"00","data":"x"}')).toMatchObject({ code: 'DUPLICATE_KEY' });
    expect(err(OP_HMAC_SHA256, '{"key_hex":"abc","data":"x"}')).toMatchObject({ code: 'WRONG_TYPE' });
    expect(err(OP_HMAC_SHA256, '{"key_hex":"0g","data":"x"}')).toMatchObject({ code: 'WRONG_TYPE', pos: 13 });
    expect(err(OP_HMAC_SHA256, '{"key_hex":"\\u0030\\u0030","data":"x"}')).toMatchObject({ code: 'WRONG_TYPE' });
    expect(err(OP_HMAC_SHA256, new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toMatchObject({ code: 'UTF8_INVALID' });
  });

  it('failing calls do not leak: memory stays flat over 20,000 bad and good calls', () => {
    const c = loadCore();
    const bad = JSON.stringify({ key_hex: 'aa'.repeat(4000) + '0g', data: 'x' });
    const good = JSON.stringify({ key: 'k', data: 'a\\n'.repeat(2000) });
    for (let i = 0; i < 200; i++) { c.call(OP_HMAC_SHA256, bad); c.call(OP_HMAC_SHA1, good); }
    const before = c.exports.memory.buffer.byteLength;
    for (let i = 0; i < 20000; i++) {
      expect(c.call(OP_HMAC_SHA256, bad).rc).toBe(-104);
      c.call(OP_HMAC_SHA1, good);
    }
    expect(c.exports.memory.buffer.byteLength).toBe(before);
  });

  it('garbage never traps; the instance keeps working (fast-check)', () => {
    const c = loadCore();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
          fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v))),
          fc
            .record({ key: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), data_hex: fc.string({ maxLength: 20 }) }, { requiredKeys: [] })
            .map((v) => new TextEncoder().encode(JSON.stringify(v))),
        ),
        fc.constantFrom(OP_SHA256, OP_HMAC_SHA1, OP_HMAC_SHA256),
        (input, op) => {
          const r = c.call(op, input);
          if (r.rc < 0) JSON.parse(dec.decode(r.bytes));
          return true;
        },
      ),
      { numRuns: 1500 },
    );
    expect(hex(c.call(OP_SHA256, 'abc').bytes)).toBe(sha256('abc'));
  });
});
