// Nanping INI codec (ops 40 ini_parse / 41 ini_print). Wire bytes are GBK; these tests need the
// real GBK implementation in gbk.ts (gbkDecodeInto / gbkEncodeInto).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { loadCore } from './raw';

const INI_PARSE = 40;
const INI_PRINT = 41;
const core = loadCore();
const gbk = (s: string) => new Uint8Array(iconv.encode(s, 'gbk'));
const ungbk = (b: Uint8Array) => iconv.decode(Buffer.from(b), 'gbk');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parse(text: string | Uint8Array): any {
  return core.json(INI_PARSE, typeof text === 'string' ? gbk(text) : text);
}
function print(doc: unknown): Uint8Array {
  const r = core.call(INI_PRINT, JSON.stringify(doc));
  if (r.rc < 0) throw new Error('print failed: ' + utf8.decode(r.bytes));
  expect(r.rc).toBe(r.bytes.length);
  return r.bytes;
}
function err(op: number, input: Uint8Array | string) {
  const r = core.call(op, input);
  expect(r.rc, 'expected a failure').toBeLessThan(0);
  const e = JSON.parse(utf8.decode(r.bytes));
  expect(r.rc).toBe(-e.status);
  return e;
}
const crlf = (lines: string[]) => lines.map((l) => l + '\r\n').join('');

// wire-formats.md §4.4 / seed 001 (Nanping 门诊收费 request, one 10-line fee item)
const MZSF_LINES = [
  '[mzsf]',
  'Request=TRUE',
  'Success=',
  'Error=',
  'Cardno=350700123456',
  'Mzlsh0=MZ2024000101;MZ2024000102',
  'Bqbm00=000001000001',
  'Cfxms0=1',
  '[yb0000]',
  '西药费=20.00',
  '成药费=0',
  '[fyb0000]',
  '西药费=0',
  '成药费=0',
  '[mzsfmx]',
  '011020000500',
  'Y',
  '06',
  '住院诊查费',
  '无',
  '日',
  '4.0000',
  '1.00',
  '4.00',
  '赵丽',
];
const MZSF_JSON = {
  mzsf: {
    Request: 'TRUE',
    Success: '',
    Error: '',
    Cardno: '350700123456',
    Mzlsh0: 'MZ2024000101;MZ2024000102',
    Bqbm00: '000001000001',
    Cfxms0: '1',
  },
  yb0000: { 西药费: '20.00', 成药费: '0' },
  fyb0000: { 西药费: '0', 成药费: '0' },
  mzsfmx: ['011020000500', 'Y', '06', '住院诊查费', '无', '日', '4.0000', '1.00', '4.00', '赵丽'],
};

describe('ini_parse / ini_print: Nanping request layouts (§4.4)', () => {
  it('login', () => {
    const text = crlf(['[login]', 'Request=TRUE', 'UserID=门诊收费01', 'Password=']);
    const doc = { login: { Request: 'TRUE', UserID: '门诊收费01', Password: '' } };
    expect(parse(text)).toEqual(doc);
    expect(Buffer.from(print(doc)).equals(Buffer.from(gbk(text)))).toBe(true);
  });

  it('mzsf with [yb0000]/[fyb0000] and a 10-line [mzsfmx] item round-trips byte-exactly in GBK', () => {
    const bytes = gbk(crlf(MZSF_LINES));
    const doc = parse(bytes);
    expect(JSON.stringify(doc)).toBe(JSON.stringify(MZSF_JSON)); // section and key order too
    expect(Buffer.from(print(doc)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reply with an 11th line (自付比例) per item and several items', () => {
    const item = ['011020000500', 'Y', '06', '住院诊查费', '无', '日', '4.0000', '1.00', '4.00', '赵丽', '0.1'];
    const text = crlf(['[mzsf]', 'Reply=TRUE', 'Success=FALSE', 'Error=卡状态异常，不能收费', '[mzsfmx]', ...item, ...item]);
    const doc = parse(text);
    expect(doc.mzsf.Error).toBe('卡状态异常，不能收费');
    expect(doc.mzsfmx).toHaveLength(22);
    expect(ungbk(print(doc))).toBe(text);
  });

  it('accepts LF-only input, blank lines, blanks around keys/values/names; prints CRLF', () => {
    const text = '\n  [ mzsf ]  \n\n Request = TRUE \n\tCardno=\t12 34\t\n\n[mzsfmx]\n  a b  \n\n';
    expect(parse(text)).toEqual({ mzsf: { Request: 'TRUE', Cardno: '12 34' }, mzsfmx: ['a b'] });
    expect(ungbk(print(parse(text)))).toBe('[mzsf]\r\nRequest=TRUE\r\nCardno=12 34\r\n[mzsfmx]\r\na b\r\n');
  });

  it('splits at the first =, keeps ; and [ in values, preserves key case', () => {
    expect(parse('[q]\r\nError=a=b;c [x]\r\nCARDNO=1\r\n')).toEqual({ q: { Error: 'a=b;c [x]', CARDNO: '1' } });
  });

  it('empty sections and the empty document', () => {
    expect(parse('[mzsfsk]\r\n[b]\r\nx\r\n[c]')).toEqual({ mzsfsk: {}, b: ['x'], c: {} });
    expect(parse('')).toEqual({});
    expect(parse('\r\n \r\n')).toEqual({});
    expect(print({}).length).toBe(0);
    expect(ungbk(print({ a: {}, b: {} }))).toBe('[a]\r\n[b]\r\n');
    // an empty array would come back as {}: print refuses it
    expect(err(INI_PRINT, '{"b":[]}')).toMatchObject({ code: 'INI_SHAPE', pos: 5 });
  });

  it('handles GBK characters whose trail byte is [ ] | or @ (乕 815b, 乚 815d, 亅 817c, 丂 8140)', () => {
    const doc = { '乕乚': { '乚键': '值乕', 'k乚': '乚' }, '节乚': ['乕x', '亅丂'] };
    const bytes = print(doc);
    expect(ungbk(bytes)).toBe('[乕乚]\r\n乚键=值乕\r\nk乚=乚\r\n[节乚]\r\n乕x\r\n亅丂\r\n');
    expect(parse(bytes)).toEqual(doc);
    // "[乕" is not terminated although its last byte is 0x5D-like trail: 乚 ends with 0x5D
    expect(err(INI_PARSE, gbk('[ab乚\r\n'))).toMatchObject({ code: 'INI_SYNTAX', pos: 0 });
  });

  it('print writes numbers and booleans as their literal text and null as empty', () => {
    const out = ungbk(print({ mzsf: { Cfxms0: 1, Ghfy00: 12.5, Request: true, Success: false, Error: null }, mzsfmx: [4.0, '无', -1.25, true] }));
    expect(out).toBe('[mzsf]\r\nCfxms0=1\r\nGhfy00=12.5\r\nRequest=true\r\nSuccess=false\r\nError=\r\n[mzsfmx]\r\n4\r\n无\r\n-1.25\r\ntrue\r\n');
    // JSON escapes are decoded before encoding
    const r = core.call(INI_PRINT, '{"s":{"k":"\\u897f\\u836f\\u8d39 \\"q\\" \\\\ \\ud83c\\udf4e"}}');
    expect(r.rc).toBeLessThan(0); // the emoji is not GBK
    expect(JSON.parse(utf8.decode(r.bytes)).code).toBe('GBK_UNMAPPABLE');
    expect(ungbk(core.call(INI_PRINT, '{"s":{"k":"\\u897f\\u836f\\u8d39 \\"q\\" \\\\"}}').bytes)).toBe('[s]\r\nk=西药费 "q" \\\r\n');
  });
});

describe('ini bad input', () => {
  const parseCases: [string, string, string, number][] = [
    ['key=value before any section', 'Request=TRUE\r\n[mzsf]\r\n', 'INI_SYNTAX', 0],
    ['keyless line before any section', '\r\n  abc\r\n[a]', 'INI_SYNTAX', 4],
    ['unterminated [name', '[mzsf]\r\nA=1\r\n[mzsfmx\r\n1', 'INI_SYNTAX', 13],
    ['text after ]', '[mzsf] x\r\n', 'INI_SYNTAX', 0],
    ['empty name', '[ ]\r\n', 'INI_SYNTAX', 0],
    ['] inside the name', '[a]b]\r\n', 'INI_SYNTAX', 0],
    ['[ inside the name', '[a[b]\r\n', 'INI_SYNTAX', 0],
    ['empty key', '[a]\r\n = 1\r\n', 'INI_SYNTAX', 6],
    ['bare CR', '[a]\rk=1\r\n', 'INI_SYNTAX', 3],
    ['keyless line in a keyed section', '[a]\r\nk=1\r\nline\r\n', 'INI_SHAPE', 10],
    ['keyed line in a keyless section', '[a]\nx\ny\nk=1\n', 'INI_SHAPE', 8],
    ['duplicate section', '[a]\r\nk=1\r\n[b]\r\n[a]\r\n', 'INI_SHAPE', 15],
    ['duplicate section, other case', '[mzsf]\r\n[MZSF]\r\n', 'INI_SHAPE', 8],
    ['duplicate key', '[a]\r\nk=1\r\nk=2\r\n', 'DUPLICATE_KEY', 10],
    ['duplicate key, other case (the vendor reader upper-cases)', '[a]\r\nCardno=1\r\n CARDNO = 2\r\n', 'DUPLICATE_KEY', 16],
    ['duplicate Chinese key', '[yb0000]\r\n西药费=1\r\n西药费=2\r\n', 'DUPLICATE_KEY', 20],
  ];
  for (const [what, text, code, pos] of parseCases) {
    it(`parse: ${what} -> ${code} @${pos}`, () => {
      expect(err(INI_PARSE, gbk(text))).toMatchObject({ code, pos });
    });
  }

  it('parse: invalid GBK -> GBK_INVALID with the byte offset', () => {
    const bytes = new Uint8Array([...gbk('[a]\r\nk=中'), 0x81, 0x0a]);
    expect(err(INI_PARSE, bytes)).toMatchObject({ code: 'GBK_INVALID', pos: 9 });
    expect(err(INI_PARSE, new Uint8Array([...gbk('[a]\r\nk'), 0x81, 0x20, 0x3d, 0x31]))).toMatchObject({ code: 'GBK_INVALID', pos: 6 });
  });

  it('parse: the duplicate key detail names key and section', () => {
    expect(err(INI_PARSE, gbk('[yb0000]\r\n西药费=1\r\n西药费=2\r\n')).detail).toContain('西药费');
  });

  const printCases: [string, unknown, string][] = [
    ['root array', [], 'INI_SHAPE'],
    ['root string', 'x', 'INI_SHAPE'],
    ['section value a string', { a: 'x' }, 'INI_SHAPE'],
    ['section value null', { a: null }, 'INI_SHAPE'],
    ['nested object', { a: { k: { n: '1' } } }, 'INI_SHAPE'],
    ['array value', { a: { k: ['1'] } }, 'INI_SHAPE'],
    ['nested array in lines', { a: [['x']] }, 'INI_SHAPE'],
    ['object in lines', { a: [{}] }, 'INI_SHAPE'],
    ['null line', { a: [null] }, 'INI_SHAPE'],
    ['blank line', { a: [''] }, 'INI_SHAPE'],
    ['line with =', { a: ['x=1'] }, 'INI_SHAPE'],
    ['line starting with [', { a: ['[x'] }, 'INI_SHAPE'],
    ['line with LF', { a: ['x\ny'] }, 'INI_SHAPE'],
    ['line with surrounding blanks', { a: [' x'] }, 'INI_SHAPE'],
    ['key with =', { a: { 'k=1': 'v' } }, 'INI_SHAPE'],
    ['key starting with [', { a: { '[k': 'v' } }, 'INI_SHAPE'],
    ['empty key', { a: { '': 'v' } }, 'INI_SHAPE'],
    ['key with CR', { a: { 'k\r': 'v' } }, 'INI_SHAPE'],
    ['key with trailing tab', { a: { 'k\t': 'v' } }, 'INI_SHAPE'],
    ['value with CR', { a: { k: 'a\rb' } }, 'INI_SHAPE'],
    ['value with LF', { a: { k: 'a\nb' } }, 'INI_SHAPE'],
    ['value with leading space', { a: { k: ' v' } }, 'INI_SHAPE'],
    ['empty section name', { '': {} }, 'INI_SHAPE'],
    ['section name with ]', { 'a]': {} }, 'INI_SHAPE'],
    ['section name with [', { 'a[b': {} }, 'INI_SHAPE'],
    ['section name with blanks around', { ' a': {} }, 'INI_SHAPE'],
    ['unmappable character', { a: { k: '😀' } }, 'GBK_UNMAPPABLE'],
  ];
  for (const [what, doc, code] of printCases) {
    it(`print: ${what} -> ${code}`, () => {
      const e = err(INI_PRINT, JSON.stringify(doc));
      expect(e.code).toBe(code);
      expect(typeof e.pos).toBe('number');
    });
  }

  it('print: duplicate keys and sections in the JSON (also differing only in case)', () => {
    expect(err(INI_PRINT, '{"a":{"k":"1","k":"2"}}')).toMatchObject({ code: 'DUPLICATE_KEY', pos: 14 });
    expect(err(INI_PRINT, '{"a":{"Cardno":"1","CARDNO":"2"}}')).toMatchObject({ code: 'DUPLICATE_KEY', pos: 19 });
    expect(err(INI_PRINT, '{"a":{},"A":[]}')).toMatchObject({ code: 'INI_SHAPE', pos: 8 });
  });

  it('print: positions point into the JSON input', () => {
    expect(err(INI_PRINT, '{"a":{"k":"x\\ny"}}')).toMatchObject({ code: 'INI_SHAPE', pos: 10 });
    expect(err(INI_PRINT, '{"a":{"k":"中😀"}}')).toMatchObject({ code: 'GBK_UNMAPPABLE', pos: 14 });
    expect(err(INI_PRINT, '{"a":{"k":')).toMatchObject({ code: 'JSON_SYNTAX' });
  });
});

// ---- property: parse(print(x)) == x over the documented domain --------------------------------
const CHARS = [...'abcXYZ09_-.;:,/()*#@!~{}"\'\\', ...'西药费成药住院诊查赵丽无日门诊收费卡号医保乕乚亅丂億，。（）'];
const char = fc.constantFrom(...CHARS);
const inner = fc.constantFrom(...CHARS, ' ', '\t', '=', '[', ']');
const trimmed = (s: string) => s === s.replace(/^[ \t]+|[ \t]+$/g, '');
const nameArb = fc.string({ unit: fc.oneof(char, fc.constantFrom(' ', '=')), minLength: 1, maxLength: 8 }).filter((s) => trimmed(s) && !/[[\]]/.test(s));
const keyArb = fc.string({ unit: fc.oneof(char, fc.constantFrom(' ', ']', '[')), minLength: 1, maxLength: 8 }).filter((s) => trimmed(s) && !s.startsWith('['));
const valueArb = fc.string({ unit: inner, maxLength: 12 }).filter(trimmed);
const lineArb = fc.string({ unit: fc.oneof(char, fc.constantFrom(' ', '[', ']')), minLength: 1, maxLength: 12 }).filter((s) => trimmed(s) && !s.startsWith('['));
const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const objSection = fc
  .uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => lower(k), maxLength: 6 })
  .map((kv) => Object.fromEntries(kv));
const arrSection = fc.array(lineArb, { minLength: 1, maxLength: 12 });
const docArb = fc
  .uniqueArray(fc.tuple(nameArb, fc.oneof(objSection, arrSection)), { selector: ([n]) => lower(n), maxLength: 5 })
  .map((secs) => Object.fromEntries(secs));

describe('ini large and pathological inputs', () => {
  it('stay linear and never trap', () => {
    const c = loadCore();
    const big = '名'.repeat(100_000);
    const keys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => ['键' + i, '值' + i]));
    const doc = { [big]: keys, mx: Array.from({ length: 20_000 }, (_, i) => 'line' + i) };
    const t0 = Date.now();
    const bytes = print(doc);
    expect(JSON.stringify(parse(bytes))).toBe(JSON.stringify(doc));
    // huge escaped strings (\u escapes) as name, key and value
    const esc = '\\u4e2d'.repeat(200_000);
    const r = c.call(INI_PRINT, `{"${esc}":{"${esc}":"${esc}"}}`);
    expect(r.rc).toBeGreaterThan(0);
    // many distinct sections and keys in one document, and one 2 MB line
    const many = Array.from({ length: 50_000 }, (_, i) => `[s${i}]\nk=v\nK${i}=v`).join('\n');
    expect(c.call(INI_PARSE, gbk(many)).rc).toBeGreaterThan(0);
    expect(c.call(INI_PARSE, gbk('[a]\n' + 'x'.repeat(2_000_000))).rc).toBeGreaterThan(0);
    // an error detail naming a huge key
    expect(err(INI_PARSE, gbk('[a]\n' + big + '=1\n' + big + '=2')).code).toBe('DUPLICATE_KEY');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('ini property', () => {
  it('parse(print(x)) == x (with order) and print is stable, for random documents with Chinese', () => {
    fc.assert(
      fc.property(docArb, (doc) => {
        const bytes = print(doc);
        const back = parse(bytes);
        expect(JSON.stringify(back)).toBe(JSON.stringify(doc));
        expect(Buffer.from(print(back)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('garbage never traps (random bytes, random GBK text, random JSON)', () => {
    const c = loadCore();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r1 = c.call(INI_PARSE, b);
        const r2 = c.call(INI_PRINT, b);
        for (const r of [r1, r2]) if (r.rc < 0) expect(JSON.parse(utf8.decode(r.bytes)).status).toBe(-r.rc);
      }),
      { numRuns: 1000 },
    );
    const iniish = fc.string({ unit: fc.constantFrom('[', ']', '=', '\r', '\n', ' ', 'a', 'B', '西', '乚', ';'), maxLength: 60 });
    fc.assert(
      fc.property(iniish, (s) => {
        const r = c.call(INI_PARSE, gbk(s));
        if (r.rc >= 0) {
          // whatever parses, prints, and parses back to the same document
          const doc = JSON.parse(utf8.decode(r.bytes));
          expect(JSON.stringify(parse(print(doc)))).toBe(JSON.stringify(doc));
        } else expect(['INI_SYNTAX', 'INI_SHAPE', 'DUPLICATE_KEY']).toContain(JSON.parse(utf8.decode(r.bytes)).code);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.json(), (j) => {
        const r = c.call(INI_PRINT, j);
        if (r.rc < 0) expect(JSON.parse(utf8.decode(r.bytes)).status).toBe(-r.rc);
      }),
      { numRuns: 500 },
    );
    expect(c.json(0, '').abi).toBe(1);
  });
});
