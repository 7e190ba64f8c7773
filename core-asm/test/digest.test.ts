// op 63 md5, op 64 sha1, op 65 digest — RFC 1321 / FIPS vectors; node:crypto and iconv-lite are oracles only.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash, randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';
import { loadCore } from './raw';

const core = loadCore();
const OP_MD5 = 63;
const OP_SHA1 = 64;
const OP_DIGEST = 65;
const dec = new TextDecoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function raw(op: number, input: Uint8Array | string): string {
  const r = core.call(op, input);
  if (r.rc < 0) throw new Error(`op ${op} failed: ${dec.decode(r.bytes)}`);
  return hex(r.bytes);
}
function digest(input: unknown): string {
  const r = core.call(OP_DIGEST, typeof input === 'string' ? input : JSON.stringify(input));
  if (r.rc < 0) throw new Error(`digest failed: ${dec.decode(r.bytes)}`);
  return dec.decode(r.bytes);
}
function digestErr(input: unknown) {
  const r = core.call(OP_DIGEST, typeof input === 'string' ? input : JSON.stringify(input));
  expect(r.rc, dec.decode(r.bytes)).toBeLessThan(0);
  return JSON.parse(dec.decode(r.bytes));
}
const node = (alg: string, b: Uint8Array | string) => createHash(alg).update(b).digest('hex');

describe('op 63 md5', () => {
  it('RFC 1321 appendix A.5 test suite', () => {
    expect(raw(OP_MD5, '')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(raw(OP_MD5, 'a')).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(raw(OP_MD5, 'abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(raw(OP_MD5, 'message digest')).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(raw(OP_MD5, 'abcdefghijklmnopqrstuvwxyz')).toBe('c3fcd3d76192e4007dfb496cca67e13b');
    expect(raw(OP_MD5, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')).toBe('d174ab98d277d9f5a5611c2c9f419d9f');
    expect(raw(OP_MD5, '1234567890'.repeat(8))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('every length around the block and padding boundaries (0..300 bytes)', () => {
    const buf = randomBytes(300);
    for (let n = 0; n <= 300; n++) expect(raw(OP_MD5, buf.subarray(0, n))).toBe(node('md5', buf.subarray(0, n)));
  });

  it('random byte strings (fast-check) and a multi-MB input', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => raw(OP_MD5, b) === node('md5', b)), { numRuns: 300 });
    const big = randomBytes(3 * 1024 * 1024 + 7);
    expect(raw(OP_MD5, big)).toBe(node('md5', big));
  });
});

describe('op 64 sha1', () => {
  it('FIPS 180 vectors', () => {
    expect(raw(OP_SHA1, '')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(raw(OP_SHA1, 'abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(raw(OP_SHA1, 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(raw(OP_SHA1, 'a'.repeat(1_000_000))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });

  it('every length 0..200 and random inputs against node:crypto', () => {
    const buf = randomBytes(200);
    for (let n = 0; n <= 200; n++) expect(raw(OP_SHA1, buf.subarray(0, n))).toBe(node('sha1', buf.subarray(0, n)));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1500 }), (b) => raw(OP_SHA1, b) === node('sha1', b)), { numRuns: 200 });
  });
});

describe('op 65 digest', () => {
  const values = { 医院代码: '450201001', 用户: 'his01', 参合证号: '4502010010020003' };

  it('defaults: utf-8, no joiner, lower-case hex', () => {
    const d = digest({ spec: { alg: 'md5', fields: ['医院代码', '用户', '$secret', '参合证号'] }, values, secret: '口令pw' });
    expect(d).toBe(node('md5', Buffer.from('450201001his01口令pw4502010010020003', 'utf8')));
  });

  it('joiner, prefix, suffix and every output form', () => {
    const spec = { alg: 'sha1' as const, fields: ['用户', '医院代码', '$secret'], joiner: '|', prefix: '<', suffix: '>' };
    const msg = Buffer.from('<his01|450201001|k>', 'utf8');
    expect(digest({ spec, values, secret: 'k' })).toBe(node('sha1', msg));
    expect(digest({ spec: { ...spec, output: 'HEX' }, values, secret: 'k' })).toBe(node('sha1', msg).toUpperCase());
    expect(digest({ spec: { ...spec, output: 'base64' }, values, secret: 'k' })).toBe(createHash('sha1').update(msg).digest('base64'));
    expect(digest({ spec: { ...spec, alg: 'sha256', output: 'base64' }, values, secret: 'k' })).toBe(createHash('sha256').update(msg).digest('base64'));
    expect(digest({ spec: { ...spec, alg: 'md5', output: 'base64' }, values, secret: 'k' })).toBe(createHash('md5').update(msg).digest('base64'));
  });

  it('gbk and utf-16le (.NET Encoding.Unicode) encodings', () => {
    const spec = { alg: 'md5' as const, fields: ['a', 'b'], joiner: '，' };
    const v = { a: '张三〇丂齄', b: '€1.50' };
    const text = '张三〇丂齄，€1.50';
    expect(digest({ spec: { ...spec, encoding: 'gbk' }, values: v })).toBe(node('md5', iconv.encode(text, 'gbk')));
    expect(digest({ spec: { ...spec, encoding: 'utf-16le' }, values: v })).toBe(node('md5', Buffer.from(text, 'utf16le')));
    // a supplementary character: a surrogate pair in UTF-16LE
    expect(digest({ spec: { ...spec, encoding: 'utf-16le' }, values: { a: '𠀀', b: 'x' } })).toBe(node('md5', Buffer.from('𠀀，x', 'utf16le')));
  });

  it('random values in all three encodings against node:crypto + iconv-lite', () => {
    const gbkChar = fc.constantFrom(...'张三李四〇丂齄€·×°±℃①阿Ｂ，。、'.split(''));
    const text = fc.array(fc.oneof(fc.string({ maxLength: 4 }), gbkChar), { maxLength: 8 }).map((a) => a.join(''));
    const algs = ['md5', 'sha1', 'sha256'] as const;
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), text, fc.constantFrom(...algs), fc.constantFrom('', '|', '&'), (vals, secret, alg, joiner) => {
        const fields = vals.map((_, i) => 'f' + i).concat('$secret');
        const values = Object.fromEntries(vals.map((v, i) => ['f' + i, v]));
        const msg = vals.concat(secret).join(joiner);
        for (const encoding of ['utf-8', 'gbk', 'utf-16le'] as const) {
          const bytes = encoding === 'gbk' ? iconv.encode(msg, 'gbk') : Buffer.from(msg, encoding === 'utf-8' ? 'utf8' : 'utf16le');
          const got = digest({ spec: { alg, fields, joiner, encoding }, values, secret });
          if (got !== node(alg, bytes)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary unicode in utf-8 and utf-16le, JSON escapes decoded', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
        const d8 = digest({ spec: { alg: 'sha256', fields: ['x'] }, values: { x: s } });
        const d16 = digest({ spec: { alg: 'sha256', fields: ['x'], encoding: 'utf-16le' }, values: { x: s } });
        return d8 === node('sha256', Buffer.from(s, 'utf8')) && d16 === node('sha256', Buffer.from(s, 'utf16le'));
      }),
      { numRuns: 300 },
    );
    // escaped JSON text: \u escapes, \n, a surrogate pair written as two escapes
    const input = '{"spec":{"alg":"md5","fields":["x"]},"values":{"x":"a\\u4e2d\\n\\"\\ud840\\udc00"}}';
    expect(digest(input)).toBe(node('md5', Buffer.from('a中\n"𠀀', 'utf8')));
    // a lone surrogate becomes U+FFFD (TextEncoder / Encoding.Unicode behaviour)
    expect(digest('{"spec":{"alg":"md5","fields":["x"]},"values":{"x":"a\\ud800b"}}')).toBe(node('md5', Buffer.from('a\ufffdb', 'utf8')));
  });

  it('missing values are MISSING_FIELD with the name; wrong types are refused', () => {
    let e = digestErr({ spec: { alg: 'md5', fields: ['医院代码', '口令'] }, values });
    expect(e.code).toBe('MISSING_FIELD');
    expect(e.detail).toBe('口令');
    e = digestErr({ spec: { alg: 'md5', fields: ['$secret'] }, values });
    expect([e.code, e.detail]).toEqual(['MISSING_FIELD', 'secret']);
    e = digestErr({ spec: { alg: 'md5', fields: ['a'] }, values: { a: null } });
    expect([e.code, e.detail]).toEqual(['MISSING_FIELD', 'a']);
    e = digestErr({ spec: { alg: 'md5', fields: ['a'] }, values: { a: 0.1 } });
    expect(e.code).toBe('WRONG_TYPE');
    e = digestErr({ spec: { alg: 'md5', fields: ['a'] } });
    expect([e.code, e.detail]).toEqual(['MISSING_FIELD', 'a']);
    e = digestErr({ values });
    expect([e.code, e.detail]).toEqual(['MISSING_FIELD', 'spec']);
    e = digestErr({ spec: { fields: ['a'] }, values });
    expect([e.code, e.detail]).toEqual(['MISSING_FIELD', 'spec.alg']);
    expect(digestErr([1]).code).toBe('WRONG_TYPE');
    expect(digestErr('{"spec":').code).toBe('JSON_SYNTAX');
  });

  it('a bad spec is DIGEST_SPEC; duplicates are DUPLICATE_KEY; unmappable GBK is GBK_UNMAPPABLE', () => {
    const bad = [
      { alg: 'md4', fields: ['a'] },
      { alg: 'md5', fields: [] },
      { alg: 'md5', fields: 'a' },
      { alg: 'md5', fields: [1] },
      { alg: 'md5', fields: ['a'], encoding: 'latin1' },
      { alg: 'md5', fields: ['a'], output: 'Hex' },
      { alg: 'md5', fields: ['a'], joinner: '|' },
      { alg: 'md5', fields: ['a'], joiner: 1 },
    ];
    for (const spec of bad) {
      const e = digestErr({ spec, values: { a: 'x' } });
      expect(e.code, JSON.stringify(spec)).toBe('DIGEST_SPEC');
      expect(e.status).toBe(523);
    }
    expect(digestErr('{"spec":{"alg":"md5","fields":["a"]},"values":{"a":"1","a":"2"}}').code).toBe('DUPLICATE_KEY');
    expect(digestErr('{"spec":{"alg":"md5","alg":"sha1","fields":["a"]},"values":{"a":"1"}}').code).toBe('DUPLICATE_KEY');
    expect(digestErr('{"spec":{"alg":"md5","fields":["$secret"]},"secret":"1","secret":"2"}').code).toBe('DUPLICATE_KEY');
    const e = digestErr({ spec: { alg: 'md5', fields: ['a'], encoding: 'gbk' }, values: { a: 'x😀' } });
    expect(e.code).toBe('GBK_UNMAPPABLE');
    expect(e.detail).toContain('values.a');
  });

  it('null optional spec members count as absent', () => {
    expect(digest({ spec: { alg: 'md5', fields: ['a'], joiner: null, encoding: null, output: null }, values: { a: 'x' } })).toBe(node('md5', 'x'));
  });
});
