// Field validation (op 3 validate): the specs' field types.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { loadCore } from './raw';

const VALIDATE = 3;
const core = loadCore();
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Validates one value; returns the error code, or null when valid. */
function check(type: string, value: unknown, required = false): string | null {
  const field: any = { name: 'f', type, required };
  if (value !== undefined) field.value = value;
  const r = core.json(VALIDATE, { fields: [field] });
  expect(r.ok).toBe(r.errors.length === 0);
  return r.errors.length ? r.errors[0].code : null;
}
function opErr(input: string | object) {
  const r = core.call(VALIDATE, typeof input === 'string' ? input : JSON.stringify(input));
  expect(r.rc, 'expected the op to fail').toBeLessThan(0);
  return JSON.parse(utf8.decode(r.bytes));
}

// [type, value, expected code or null]
const TABLE: [string, unknown, string | null][] = [
  // C(n): code points
  ['C(5)', 'abcde', null],
  ['C(5)', 'abcdef', 'FIELD_TOO_LONG'],
  ['C(4)', '张三丰', null],
  ['C(3)', '张三丰', null],
  ['C(2)', '张三丰', 'FIELD_TOO_LONG'],
  ['C(2)', '😀😀', null], // astral characters count once
  ['C(1)', '😀😀', 'FIELD_TOO_LONG'],
  ['C8', '重庆市渝中区解放', null],
  ['C8', '重庆市渝中区解放碑', 'FIELD_TOO_LONG'],
  ['VARCHAR(3)', 'abc', null],
  ['VARCHAR(3)', 'abcd', 'FIELD_TOO_LONG'],
  ['VarChar2(400)', 'x'.repeat(400), null],
  ['VarChar2(400)', 'x'.repeat(401), 'FIELD_TOO_LONG'],
  ['C(3)', 123, null], // numbers are checked by their text
  ['C(3)', 1234, 'FIELD_TOO_LONG'],
  ['C(3)', true, 'WRONG_TYPE'],
  ['C(3)', ['a'], 'WRONG_TYPE'],
  ['C(3)', { a: 1 }, 'WRONG_TYPE'],
  // CB(n): GBK bytes
  ['CB(6)', '张三丰', null],
  ['CB(5)', '张三丰', 'FIELD_TOO_LONG'],
  ['CB(5)', 'ab张三', 'FIELD_TOO_LONG'],
  ['CB(6)', 'ab张三', null],
  ['CB(3)', 'abc', null],
  ['CB(2)', 'abc', 'FIELD_TOO_LONG'],
  ['CB(10)', '张😀', 'FIELD_CHARSET'],
  ['CB20', '０１２３４５６７８９', null], // full-width digits are 2 bytes each
  ['CB19', '０１２３４５６７８９', 'FIELD_TOO_LONG'],
  // N(p,s)
  ['N(16,2)', '1234.56', null],
  ['N(16,2)', '-1234.56', null],
  ['N(16,2)', '12.3400', null], // trailing fraction zeros are not significant
  ['N(16,2)', '12.345', 'FIELD_PRECISION'],
  ['N(16,2)', 1234.5, null],
  ['N(16,2)', 0, null],
  ['N(16,2)', '-0.00', null],
  ['N(16,2)', '00012.5', null], // leading zeros are not significant
  ['N(5,2)', '999.99', null], // "N5,2代表取值0.00到999.99"
  ['N(5,2)', '1000', 'FIELD_PRECISION'],
  ['N(5,2)', '1000.00', 'FIELD_PRECISION'],
  ['N 5,2', '999.99', null],
  ['N8,2', '123456.78', null],
  ['N8,2', '1234567.8', 'FIELD_PRECISION'],
  ['N3', '999', null],
  ['N3', '1000', 'FIELD_PRECISION'],
  ['N3', '12.5', 'FIELD_PRECISION'],
  ['N3', '12.0', null],
  ['N(10,4)', '123456.1234', null],
  ['N(10,4)', '123456.12345', 'FIELD_PRECISION'],
  ['N(16,2)', 'abc', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', '+1', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', '1.', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', '.5', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', '-', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', ' 1', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', '1,000.00', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', '1e3', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', 1e21, 'FIELD_NOT_NUMBER'], // JSON text 1e+21
  ['N(16,2)', '１２', 'FIELD_NOT_NUMBER'],
  ['N(16,2)', false, 'WRONG_TYPE'],
  // dates
  ['D', '2024-02-29', null],
  ['D', '2023-02-29', 'FIELD_DATE'],
  ['D', '1900-02-29', 'FIELD_DATE'],
  ['D', '2000-02-29', null],
  ['DATE', '2024-12-31', null],
  ['D', '2024-04-31', 'FIELD_DATE'],
  ['D', '2024-13-01', 'FIELD_DATE'],
  ['D', '2024-00-10', 'FIELD_DATE'],
  ['D', '2024-01-00', 'FIELD_DATE'],
  ['D', '0000-01-01', 'FIELD_DATE'],
  ['D', '2024-1-01', 'FIELD_DATE'],
  ['D', '2024/01/01', 'FIELD_DATE'],
  ['D', '20240101', 'FIELD_DATE'],
  ['D', '2024-01-01 00:00:00', 'FIELD_DATE'],
  ['D8', '20240229', null],
  ['D8', '20230229', 'FIELD_DATE'],
  ['D8', '19000229', 'FIELD_DATE'],
  ['D8', '20000229', null],
  ['D8', '2024-02-29', 'FIELD_DATE'],
  ['D8', 20240229, null],
  ['DT', '2024-02-29 23:59:59', null],
  ['DATETIME', '2024-03-01 00:00:00', null],
  ['DT', '2023-02-29 12:00:00', 'FIELD_DATETIME'],
  ['DT', '2024-03-01 24:00:00', 'FIELD_DATETIME'],
  ['DT', '2024-03-01 12:60:00', 'FIELD_DATETIME'],
  ['DT', '2024-03-01 12:00:60', 'FIELD_DATETIME'],
  ['DT', '2024-03-01T12:00:00', 'FIELD_DATETIME'],
  ['DT', '2024-03-01 12:00', 'FIELD_DATETIME'],
  ['DT', '2024-03-01', 'FIELD_DATETIME'],
  ['DT14', '20240229235959', null],
  ['DT14', '20230229235959', 'FIELD_DATETIME'],
  ['DT14', '20240301240000', 'FIELD_DATETIME'],
  ['DT14', '2024030112000', 'FIELD_DATETIME'],
  ['T17', '20240229235959999', null],
  ['T17', '20000229000000000', null],
  ['T17', '19000229000000000', 'FIELD_DATETIME'],
  ['T17', '2024022923595999x', 'FIELD_DATETIME'],
  ['T17', '20240229235959', 'FIELD_DATETIME'],
  // empty and null are valid when not required
  ['C(3)', '', null],
  ['N(16,2)', '', null],
  ['D', null, null],
  ['DT', undefined, null],
];

describe('validate: field types', () => {
  for (const [type, value, want] of TABLE) {
    it(`${type} ${JSON.stringify(value)} -> ${want ?? 'ok'}`, () => {
      expect(check(type, value)).toBe(want);
    });
  }

  it('required: empty string, null and absent -> FIELD_REQUIRED; present -> checked', () => {
    expect(check('C(3)', '', true)).toBe('FIELD_REQUIRED');
    expect(check('C(3)', null, true)).toBe('FIELD_REQUIRED');
    expect(check('D', undefined, true)).toBe('FIELD_REQUIRED');
    expect(check('C(3)', ' ', true)).toBe(null);
    expect(check('C(3)', 'abcd', true)).toBe('FIELD_TOO_LONG');
  });

  it('C counts code points, CB counts GBK bytes (the same Chinese text)', () => {
    const name = '欧阳娜娜'; // 4 characters, 8 GBK bytes
    expect(check('C(4)', name)).toBe(null);
    expect(check('CB(8)', name)).toBe(null);
    expect(check('CB(7)', name)).toBe('FIELD_TOO_LONG');
    expect(check('C(8)', 'ab欧阳娜娜cd')).toBe(null);
    expect(check('CB(8)', 'ab欧阳娜娜cd')).toBe('FIELD_TOO_LONG');
    // JSON escapes are decoded before counting
    const r = core.json(VALIDATE, '{"fields":[{"name":"x","type":"C(2)","value":"\\u6b27\\u9633"},{"name":"y","type":"CB(3)","value":"\\u6b27\\u9633"}]}');
    expect(r.errors.map((e: any) => [e.name, e.code])).toEqual([['y', 'FIELD_TOO_LONG']]);
    expect(r.errors[0].detail).toBe('CB(3): at most 3 GBK bytes, got 4');
  });

  it('type specs are case-insensitive and may contain spaces', () => {
    for (const t of ['c(3)', 'C (3)', 'varchar2 ( 3 )', 'n(5, 2)', 'date', 'Datetime', 'cb3', 'd8', 'dt14', 't17']) {
      expect(core.json(VALIDATE, { fields: [{ name: 'f', type: t, value: '' }] }).ok).toBe(true);
    }
  });
});

describe('validate: output and input forms', () => {
  it('reports every error with status, code, bilingual messages and detail; ok=false; rc >= 0', () => {
    const r = core.call(VALIDATE, JSON.stringify({
      fields: [
        { name: 'psn_no', type: 'C(30)', value: '12345678901234567890123456789012', required: true },
        { name: 'psn_name', type: 'C(8)', value: '张三', required: true },
        { name: 'begntime', type: 'DT', value: '2024-02-30 08:00:00' },
        { name: 'medfee_sumamt', type: 'N(16,2)', value: '12.345' },
        { name: 'insutype', type: 'C(6)', value: '', required: true },
      ],
    }));
    expect(r.rc).toBeGreaterThanOrEqual(0);
    const out = JSON.parse(utf8.decode(r.bytes));
    expect(out.ok).toBe(false);
    expect(out.errors).toHaveLength(4);
    expect(out.errors[0]).toEqual({
      name: 'psn_no', status: 801, code: 'FIELD_TOO_LONG', message_zh: '字段长度超出限制',
      message_en: 'field is too long', detail: 'C(30): at most 30 characters, got 32',
    });
    expect(out.errors.map((e: any) => [e.name, e.status, e.code])).toEqual([
      ['psn_no', 801, 'FIELD_TOO_LONG'],
      ['begntime', 805, 'FIELD_DATETIME'],
      ['medfee_sumamt', 803, 'FIELD_PRECISION'],
      ['insutype', 806, 'FIELD_REQUIRED'],
    ]);
    for (const e of out.errors) {
      expect(e.message_zh).toMatch(/[\u4e00-\u9fa5]/);
      expect(e.message_en.length).toBeGreaterThan(0);
      expect(e.detail).not.toContain('2024-02-30'); // values are not echoed
    }
  });

  it('all valid -> {"ok":true,"errors":[]}', () => {
    expect(core.json(VALIDATE, { fields: [] })).toEqual({ ok: true, errors: [] });
    expect(core.json(VALIDATE, { fields: [{ name: 'a', type: 'N(16,2)', value: '1.00', required: true }] })).toEqual({ ok: true, errors: [] });
  });

  it('schema form: schema order, required names, data keys outside the schema ignored', () => {
    const r = core.json(VALIDATE, {
      schema: { psn_no: 'C(30)', psn_name: 'C(4)', amt: 'N(16,2)', begndate: 'D', enddate: 'D8' },
      required: ['psn_no', 'begndate'],
      data: { amt: '1.234', psn_name: '欧阳娜娜', extra: 'anything at all', enddate: '20230229' },
    });
    expect(r.ok).toBe(false);
    expect(r.errors.map((e: any) => [e.name, e.code])).toEqual([
      ['psn_no', 'FIELD_REQUIRED'],
      ['amt', 'FIELD_PRECISION'],
      ['begndate', 'FIELD_REQUIRED'],
      ['enddate', 'FIELD_DATE'],
    ]);
    expect(core.json(VALIDATE, { schema: { a: 'C(1)' }, data: {} })).toEqual({ ok: true, errors: [] });
  });

  it('op failures: bad type specs and malformed input', () => {
    const cases: [unknown, string][] = [
      [{ fields: [{ name: 'a', type: 'X(3)', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'C', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'C(0)', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'C(3', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'C(3,1)', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'N(2,3)', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'N(16,2', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'D10', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 'C(99999999999)', value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', type: 3, value: '' }] }, 'FIELD_SPEC'],
      [{ fields: [{ name: 'a', value: '' }] }, 'MISSING_FIELD'],
      [{ fields: [{ type: 'C(1)', value: '' }] }, 'MISSING_FIELD'],
      [{ fields: [{ name: 'a', type: 'C(1)', required: 'yes' }] }, 'WRONG_TYPE'],
      [{ fields: [1] }, 'WRONG_TYPE'],
      [{ fields: {} }, 'WRONG_TYPE'],
      [{ schema: { a: 'Q' }, data: {} }, 'FIELD_SPEC'],
      [{ schema: { a: 'C(1)' }, required: ['b'], data: {} }, 'FIELD_SPEC'],
      [{ schema: { a: 'C(1)' }, required: 'a', data: {} }, 'WRONG_TYPE'],
      [{ schema: { a: 'C(1)' } }, 'MISSING_FIELD'],
      [{ schema: [], data: {} }, 'WRONG_TYPE'],
      [{ schema: { a: 'C(1)' }, fields: [], data: {} }, 'FIELD_SPEC'],
      [{}, 'MISSING_FIELD'],
      [[], 'WRONG_TYPE'],
    ];
    for (const [input, code] of cases) expect(opErr(input as object).code, JSON.stringify(input)).toBe(code);
    expect(opErr('{"fields":[{"name":"a","type":"C(x)"}]}')).toMatchObject({ code: 'FIELD_SPEC', status: 807, pos: 30 });
    expect(opErr('{"schema":{"a":"C(1)"},"data":{"a":"1","a":"2"}}')).toMatchObject({ code: 'DUPLICATE_KEY', pos: 39 });
    expect(opErr('{"fields":[')).toMatchObject({ code: 'JSON_SYNTAX' });
    expect(opErr('{"fields":[{"name":"a","type":"C(3)","value":"\\ud800"}]}')).toMatchObject({ code: 'UTF8_INVALID', pos: 45 });
  });

  it('huge values, names and escaped keys stay linear and never trap', () => {
    const t0 = Date.now();
    const esc = '\\u5f20'.repeat(300_000);
    const r = core.json(VALIDATE, `{"fields":[{"name":"${esc}","type":"C(3)","value":"${esc}"},{"${esc}":1,"name":"b","type":"CB(600000)","value":"${esc}"}]}`);
    expect(r.errors.map((e: any) => e.code)).toEqual(['FIELD_TOO_LONG']);
    expect(r.errors[0].name).toHaveLength(300_000);
    expect(opErr(`{"fields":[{"name":"a","type":"${'C'.repeat(1_000_000)}"}]}`).code).toBe('FIELD_SPEC');
    const schema: Record<string, string> = {};
    const data: Record<string, string> = {};
    for (let i = 0; i < 20_000; i++) { schema['f' + i] = 'N(16,2)'; data['f' + i] = i + '.00'; }
    expect(core.json(VALIDATE, { schema, data })).toEqual({ ok: true, errors: [] });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('garbage never traps', () => {
    const c = loadCore();
    const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.json());
    const typeArb = fc.oneof(
      fc.constantFrom('C(3)', 'CB(4)', 'N(5,2)', 'N3', 'D', 'DT', 'D8', 'DT14', 'T17'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: fc.constantFrom('C', 'B', 'N', 'D', 'T', '(', ')', ',', '1', '9', '0', ' '), maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), type: typeArb, value: anyValue, required: fc.boolean() }), { maxLength: 5 }), (fields) => {
        const r = c.call(VALIDATE, JSON.stringify({ fields }));
        const out = JSON.parse(utf8.decode(r.bytes));
        if (r.rc < 0) expect(out.status).toBe(-r.rc);
        else expect(typeof out.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const r = c.call(VALIDATE, b);
        if (r.rc < 0) expect(JSON.parse(utf8.decode(r.bytes)).status).toBe(-r.rc);
      }),
      { numRuns: 500 },
    );
    expect(c.json(0, '').abi).toBe(1);
  });
});
