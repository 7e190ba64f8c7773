// GBK (CP936) <-> UTF-8: ops 10 (decode) and 11 (encode), checked against iconv-lite.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { loadCore } from './raw';
// the same oracle rule that generated the table (iconv-lite cp936 + Windows EUDC -> PUA)
// @ts-expect-error plain .mjs script without types
import { oracle, isEudc } from '../scripts/gen-gbk-table.mjs';

const core = loadCore();
const utf8 = new TextDecoder('utf-8', { fatal: true });
const OP_DECODE = 10;
const OP_ENCODE = 11;

function decode(bytes: Uint8Array | number[]) {
  const r = core.call(OP_DECODE, Uint8Array.from(bytes));
  return r.rc < 0 ? { rc: r.rc, err: JSON.parse(utf8.decode(r.bytes)) } : { rc: r.rc, text: utf8.decode(r.bytes) };
}
function encode(text: string | Uint8Array) {
  const r = core.call(OP_ENCODE, text);
  return r.rc < 0 ? { rc: r.rc, err: JSON.parse(utf8.decode(r.bytes)) } : { rc: r.rc, bytes: r.bytes };
}

// all mapped pairs, in table order
const pairs: { lead: number; trail: number; cp: number }[] = [];
const unmapped: { lead: number; trail: number }[] = [];
for (let lead = 0x81; lead <= 0xfe; lead++) {
  for (let trail = 0x40; trail <= 0xfe; trail++) {
    const cp = oracle(lead, trail);
    if (cp) pairs.push({ lead, trail, cp });
    else unmapped.push({ lead, trail });
  }
}
const mappedChars = pairs.map((p) => String.fromCharCode(p.cp));

/** Reference decoder over the oracle: null if any byte sequence is invalid. */
function oracleDecode(b: Uint8Array): string | null {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c < 0x80) { s += String.fromCharCode(c); continue; }
    if (c === 0x80) { s += '€'; continue; }
    if (c === 0xff || i + 1 >= b.length) return null;
    const t = b[i + 1];
    if (t < 0x40 || t === 0xff) return null;
    const cp = oracle(c, t);
    if (!cp) return null;
    s += String.fromCharCode(cp);
    i++;
  }
  return s;
}

describe('GBK table', () => {
  it('has the documented size: cp936 (21,791 pairs) plus the 1,894 Windows EUDC cells', () => {
    expect(pairs.length).toBe(23685);
    expect(pairs.filter((p) => isEudc(p.lead, p.trail)).length).toBe(1894);
    expect(new Set(pairs.map((p) => p.cp)).size).toBe(pairs.length); // 1:1
  });

  it('decodes every mapped pair as iconv-lite does (cp936; gbk for the EUDC area)', () => {
    const buf = new Uint8Array(pairs.length * 2);
    pairs.forEach((p, i) => { buf[2 * i] = p.lead; buf[2 * i + 1] = p.trail; });
    const r = decode(buf);
    expect(r.rc).toBeGreaterThan(0);
    const got = r.text!;
    expect(got).toBe(mappedChars.join(''));
    // and straight against iconv-lite, cell by cell
    let bad = 0;
    for (const p of pairs) {
      const enc = isEudc(p.lead, p.trail) && !(p.lead === 0xa3 && p.trail === 0xa0) ? 'gbk' : 'cp936';
      if (p.lead === 0xa3 && p.trail === 0xa0) continue; // Windows U+E5E5; iconv-lite gbk says U+3000 (duplicate of A1A1)
      if (iconv.decode(Buffer.from([p.lead, p.trail]), enc) !== String.fromCharCode(p.cp)) bad++;
    }
    expect(bad).toBe(0);
    expect(decode([0xa3, 0xa0]).text).toBe('\ue5e5');
  });

  it('encodes every mapped character back to its pair (and matches iconv-lite cp936)', () => {
    const r = encode(mappedChars.join(''));
    expect(r.rc).toBe(pairs.length * 2);
    const b = r.bytes!;
    let bad = 0;
    pairs.forEach((p, i) => { if (b[2 * i] !== p.lead || b[2 * i + 1] !== p.trail) bad++; });
    expect(bad).toBe(0);
    const std = pairs.filter((p) => !isEudc(p.lead, p.trail)).map((p) => String.fromCharCode(p.cp)).join('');
    expect(Buffer.from(encode(std).bytes!).equals(iconv.encode(std, 'cp936'))).toBe(true);
  });

  it('rejects every unmapped pair with GBK_INVALID at the lead byte', () => {
    expect(unmapped.length).toBe(126 * 191 - 23685);
    for (const u of unmapped) {
      const r = decode([0x41, u.lead, u.trail, 0x42]);
      expect(r.rc, `${u.lead.toString(16)}${u.trail.toString(16)}`).toBe(-401);
      expect(r.err.pos).toBe(1);
    }
  });

  it('single bytes: ASCII, 0x80 = euro (Windows), 0xFF invalid', () => {
    const ascii = Array.from({ length: 128 }, (_, i) => i);
    expect(decode(ascii).text).toBe(String.fromCharCode(...ascii));
    expect(decode([0x80]).text).toBe('€');
    expect(Array.from(encode('€').bytes!)).toEqual([0x80]);
    expect(iconv.decode(Buffer.from([0x80]), 'cp936')).toBe('€');
    expect(decode([0xff]).err).toMatchObject({ code: 'GBK_INVALID', pos: 0 });
    expect(decode([]).rc).toBe(0);
    expect(encode('').rc).toBe(0);
  });
});

describe('GBK errors', () => {
  const gbk = (s: string) => Array.from(iconv.encode(s, 'cp936'));
  const cases: [string, number[], number, RegExp][] = [
    ['invalid byte 0xFF', [...gbk('某某'), 0xff, 0x41], 4, /0xFF/],
    ['truncated pair at the end', [...gbk('ab某'), 0xc4], 4, /truncated/],
    ['bad trail (ASCII control)', [...gbk('中'), 0xc4, 0x3c], 2, /bad trail byte 0x3C/],
    ['bad trail 0x7F', [0xb0, 0x7f], 0, /bad trail byte 0x7F/],
    ['bad trail 0xFF', [0x41, 0xb0, 0xff], 1, /bad trail/],
    ['unmapped pair A2E3', [0x41, 0x42, 0xa2, 0xe3], 2, /unmapped pair 0xA2E3/],
    ['late error after a long ASCII run', [...Array(9000).fill(0x61), 0xff], 9000, /0xFF/],
  ];
  for (const [name, bytes, pos, detail] of cases) {
    it(name, () => {
      const r = decode(bytes);
      expect(r.rc).toBe(-401);
      expect(r.err).toMatchObject({ code: 'GBK_INVALID', pos });
      expect(r.err.detail).toMatch(detail);
    });
  }

  it('invalid UTF-8 on encode: UTF8_INVALID with the offset', () => {
    const bad: [number[], number][] = [
      [[0x61, 0xff], 1],
      [[0x61, 0x62, 0xc3], 2], // truncated
      [[0xc0, 0x80], 0], // overlong
      [[0x61, 0xed, 0xa0, 0x80], 1], // surrogate
      [[0xe4, 0xb8, 0x61], 0],
      [[0xf4, 0x90, 0x80, 0x80], 0], // > U+10FFFF
      [[0x80], 0],
    ];
    for (const [b, pos] of bad) {
      const r = encode(Uint8Array.from(b));
      expect(r.rc).toBe(-402);
      expect(r.err).toMatchObject({ code: 'UTF8_INVALID', pos });
    }
  });

  it('unmappable characters: GBK_UNMAPPABLE with offset and U+ detail', () => {
    let r = encode('ab😀');
    expect(r.err).toMatchObject({ code: 'GBK_UNMAPPABLE', pos: 2, detail: 'U+1F600' });
    r = encode('中文ß'); // ß is not in CP936 (é is: pinyin)
    expect(r.err).toMatchObject({ code: 'GBK_UNMAPPABLE', pos: 6, detail: 'U+00DF' });
    r = encode('\u0080');
    expect(r.err).toMatchObject({ detail: 'U+0080' });
    r = encode('ḿ'); // GB18030 A8BC, not Windows CP936
    expect(r.err).toMatchObject({ detail: 'U+1E3F' });
  });
});

describe('GBK round trip (property)', () => {
  const gbkChar = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: mappedChars.length - 1 }).map((i) => mappedChars[i]) },
    { weight: 1, arbitrary: fc.constantFrom('€', '某', '城', '【', '】', '·', '\u3000') },
  );
  const text = fc.array(gbkChar, { maxLength: 3000 }).map((a) => a.join(''));

  it('decode(encode(s)) == s and both agree with iconv-lite', () => {
    fc.assert(
      fc.property(text, (s) => {
        const e = encode(s);
        expect(e.rc).toBeGreaterThanOrEqual(0);
        const bytes = e.bytes!;
        const d = decode(bytes);
        expect(d.text).toBe(s);
        // iconv-lite 'gbk' decodes the same bytes identically (it knows the EUDC cells too),
        // except A3A0 which we decode as Windows does
        if (!s.includes('\ue5e5')) expect(iconv.decode(Buffer.from(bytes), 'gbk')).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('long inputs cross the 4 KiB chunk boundaries with pairs split at every offset', () => {
    for (let pad = 0; pad < 9; pad++) {
      const s = 'a'.repeat(4090 + pad) + '中文【测试】€'.repeat(700) + 'z'.repeat(pad);
      const e = encode(s);
      expect(Buffer.from(e.bytes!).equals(iconv.encode(s, 'cp936'))).toBe(true);
      expect(decode(e.bytes!).text).toBe(s);
    }
  });

  it('random bytes never trap: decode gives text or GBK_INVALID, encode text or a UTF-8/GBK error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const d = core.call(OP_DECODE, b);
        expect(d.rc >= 0 || d.rc === -401).toBe(true);
        const want = oracleDecode(b);
        if (want === null) expect(d.rc).toBe(-401);
        else expect(utf8.decode(d.bytes)).toBe(want);
        const e = core.call(OP_ENCODE, b);
        expect(e.rc >= 0 || e.rc === -402 || e.rc === -403).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
