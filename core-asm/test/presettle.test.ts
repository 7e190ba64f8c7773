import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { loadCore } from './raw';
// @ts-ignore plain JS oracle
import { presettle as oracle, classify as oracleClassify } from '../../test/oracle/presettle-oracle.mjs';

const examples = JSON.parse(readFileSync(new URL('../../../shared/conformance/presettle-examples.json', import.meta.url), 'utf8'));
const core = loadCore();
const presettle = (input: unknown) => core.json(1, input);
const errOf = (op: number, input: string | Uint8Array) => {
  const r = core.call(op, input);
  expect(r.rc).toBeLessThan(0);
  const e = JSON.parse(new TextDecoder().decode(r.bytes));
  expect(-r.rc).toBe(e.status);
  return e;
};

function checkIdentities(r: any, balanceBefore: number) {
  const s = r.setlinfo;
  expect(s.medfee_sumamt).toBe(s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt); // I1
  expect(s.medfee_sumamt).toBe(s.fund_pay_sumamt + s.psn_part_amt + s.hosp_part_amt); // I2
  expect(s.psn_part_amt).toBe(s.acct_pay + s.psn_cash_pay); // I3
  expect(s.fund_pay_sumamt).toBe(s.hifp_pay + s.cvlserv_pay + s.hifes_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay); // I4
  const rows = r.setldetail as any[];
  const sum = (f: (x: any) => boolean) => rows.filter(f).reduce((a, x) => a + x.fund_payamt, 0);
  expect(sum((x) => x.fund_pay_type !== '310200' && x.fund_pay_type !== '999996')).toBe(s.fund_pay_sumamt); // I5
  expect(sum((x) => x.fund_pay_type === '310200')).toBe(s.acct_pay);
  expect(sum((x) => x.fund_pay_type === '999996')).toBe(s.hosp_part_amt);
  expect(s.balc).toBe(balanceBefore - s.acct_pay); // I6
  expect(s.act_pay_dedc).toBeGreaterThanOrEqual(0); // I7
  expect(s.act_pay_dedc).toBeLessThanOrEqual(Math.max(0, s.inscp_scp_amt));
  expect(s.hifp_pay).toBeLessThanOrEqual(Math.max(0, s.inscp_scp_amt - s.act_pay_dedc));
  for (const it of r.items) expect(it.det_item_fee_sumamt).toBe(it.fulamt_ownpay_amt + it.overlmt_amt + it.preselfpay_amt + it.inscp_scp_amt);
}

function compareToExpected(got: any, exp: any) {
  expect(got.items.length).toBe(exp.items.length);
  for (const e of exp.items) expect(got.items.find((g: any) => g.feedetl_sn === e.feedetl_sn)).toEqual(e);
  for (const k of Object.keys(exp.setlinfo)) {
    if (k === 'pool_prop_selfpay') expect(Number(got.setlinfo[k])).toBe(Number(exp.setlinfo[k]));
    else expect([k, got.setlinfo[k]]).toEqual([k, exp.setlinfo[k]]);
  }
  expect(Object.keys(got.setlinfo).sort()).toEqual(Object.keys(exp.setlinfo).sort());
  const norm = (rows: any[]) => rows.map((r) => [r.fund_pay_type, r.fund_payamt, r.inscp_scp_amt]).sort();
  expect(norm(got.setldetail)).toEqual(norm(exp.setldetail));
  expect(got.invoice_categories).toEqual(exp.invoice_categories);
}

describe('worked examples (conformance/presettle-examples.json)', () => {
  for (const c of examples.cases) {
    it(`${c.id} ${c.title}`, () => {
      const got = presettle({ params: c.params, person: c.person, fee_items: c.fee_items });
      compareToExpected(got, c.expected);
      checkIdentities(got, c.person.acct_balance_fen);
    });
    it(`${c.id} oracle agrees with the expected values`, () => {
      compareToExpected(oracle({ params: c.params, person: c.person, fee_items: c.fee_items }), c.expected);
    });
  }
});

// ---- edge cases the model names, with hand-checked numbers ---------------------------------
const P310 = {
  insutype: '310', med_type: '11', dedc_std_fen: 0, dedc_scope: 'annual', pool_ratio: '0.50', pool_annual_cap_fen: null,
  big: null, serious_illness: null, civil_servant: null, medical_aid: null, acct_scope: 'psn_part',
};
const PERSON = { acct_balance_fen: 0, acct_used_flag: '0', cvlserv_flag: '0', aid_eligible: false };
const line = (sn: string, o: Record<string, unknown>) => ({ feedetl_sn: sn, med_chrgitm_type: '09', chrgitm_lv: '01', pric: '1.00', cnt: '1', selfpay_prop: '0', pric_uplmt_amt: null, ...o });

describe('edge cases', () => {
  it('exact half-fen ties round away from zero (line amount, preselfpay, pool)', () => {
    const r = presettle({
      params: P310, person: PERSON,
      fee_items: [line('1', { pric: '0.005' }), line('2', { pric: '0.15', chrgitm_lv: '02', selfpay_prop: '0.10' })],
    });
    expect(r.items[0].det_item_fee_sumamt).toBe(1); // 0.5 fen -> 1
    expect(r.items[1]).toMatchObject({ det_item_fee_sumamt: 15, preselfpay_amt: 2, inscp_scp_amt: 13 }); // 1.5 -> 2
    expect(r.setlinfo.inscp_scp_amt).toBe(14);
    expect(r.setlinfo.hifp_pay).toBe(7); // 14 x 0.5 = 7
    const r2 = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '0.01', cnt: '3' }), line('2', { pric: '0.01', cnt: '-2' })] });
    expect(r2.setlinfo.hifp_pay).toBe(1); // base 1 fen x 0.5 = 0.5 -> 1
  });

  it('negative half-fen tie on a refund line rounds to -1', () => {
    const r = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '1.00', cnt: '1' }), line('2', { pric: '0.005', cnt: '-1' })] });
    expect(r.items[1].det_item_fee_sumamt).toBe(-1);
    expect(r.setlinfo.medfee_sumamt).toBe(99);
  });

  it('price over the cap: 超限价 goes to overlmt, 乙类 prop applies to the allowed part', () => {
    const r = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '12.00', cnt: '3', pric_uplmt_amt: '10.00', chrgitm_lv: '02', selfpay_prop: '0.10' })] });
    expect(r.items[0]).toEqual({ feedetl_sn: '1', det_item_fee_sumamt: 3600, fulamt_ownpay_amt: 0, overlmt_amt: 600, preselfpay_amt: 300, inscp_scp_amt: 2700 });
    expect(r.setlinfo).toMatchObject({ overlmt_selfpay: 600, hifp_pay: 1350, psn_part_amt: 2250 });
  });

  it('refund lines with negative cnt are netted into the bill and the invoice category', () => {
    const r = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '10.00', cnt: '2' }), line('2', { pric: '10.00', cnt: '-1', init_feedetl_sn: '1' })] });
    expect(r.items[1].det_item_fee_sumamt).toBe(-1000);
    expect(r.setlinfo.medfee_sumamt).toBe(1000);
    expect(r.invoice_categories).toEqual({ '09': 1000 });
  });

  it('a refund-only category nets to zero and is still listed', () => {
    const r = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '5.00', med_chrgitm_type: '03' }), line('2', { pric: '5.00', cnt: '-1', med_chrgitm_type: '03' }), line('3', { pric: '1.00' })] });
    expect(r.invoice_categories).toEqual({ '03': 0, '09': 100 });
  });

  it('zero-amount bill', () => {
    const r = presettle({ params: P310, person: { ...PERSON, acct_balance_fen: 500, acct_used_flag: '1' }, fee_items: [] });
    expect(r.items).toEqual([]);
    expect(r.setldetail).toEqual([]);
    expect(r.invoice_categories).toEqual({});
    expect(r.setlinfo).toMatchObject({ medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, psn_cash_pay: 0, balc: 500, pool_prop_selfpay: '0.00' });
  });

  it('bill below the remaining deductible (Qinhuangdao 2206 shape)', () => {
    const r = presettle({
      params: { ...P310, dedc_std_fen: 180000, pool_ratio: '0.84' },
      person: { ...PERSON, ytd_dedc_paid_fen: 1000, acct_balance_fen: 137815, acct_used_flag: '1' },
      fee_items: [line('1', { pric: '4.52', chrgitm_lv: '02', selfpay_prop: '0.05', pric_uplmt_amt: '999999' })],
    });
    expect(r.items[0]).toMatchObject({ preselfpay_amt: 23, inscp_scp_amt: 429 }); // 22.6 -> 23
    expect(r.setlinfo).toMatchObject({ act_pay_dedc: 429, hifp_pay: 0, acct_pay: 452, psn_cash_pay: 0, balc: 137363 });
    expect(Number(r.setlinfo.pool_prop_selfpay)).toBe(0);
    expect(r.setldetail).toEqual([{ fund_pay_type: '310200', fund_pay_type_name: '职工基本医疗保险个人账户', fund_payamt: 452, inscp_scp_amt: 429 }]);
  });

  it('hospital-borne lines go to hosp_part_amt, not to the patient', () => {
    const r = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '100.00' }), line('2', { pric: '50.00', med_chrgitm_type: '08', hosp_bear_flag: '1' })] });
    expect(r.items[1]).toMatchObject({ fulamt_ownpay_amt: 5000, inscp_scp_amt: 0 });
    expect(r.setlinfo).toMatchObject({ medfee_sumamt: 15000, hosp_part_amt: 5000, fund_pay_sumamt: 5000, psn_part_amt: 5000 });
    expect(r.setldetail.find((x: any) => x.fund_pay_type === '999996').fund_payamt).toBe(5000);
  });

  it('lines whose approval was refused (hosp_appr_flag 2) are 全自费', () => {
    const r = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '20.00', hosp_appr_flag: '2', lmt_used_flag: '1' })] });
    expect(r.items[0]).toMatchObject({ fulamt_ownpay_amt: 2000, inscp_scp_amt: 0 });
  });

  it('account scope in_scope pays only 政策范围内自付', () => {
    const r = presettle({
      params: { ...P310, acct_scope: 'in_scope' }, person: { ...PERSON, acct_balance_fen: 10000, acct_used_flag: '1' },
      fee_items: [line('1', { pric: '10.00', chrgitm_lv: '03' }), line('2', { pric: '10.00' })],
    });
    expect(r.setlinfo).toMatchObject({ fund_pay_sumamt: 500, psn_part_amt: 1500, acct_pay: 500, psn_cash_pay: 1000, balc: 9500 });
  });

  it('outpatient annual cap partly reached', () => {
    const r = presettle({
      params: { ...P310, pool_annual_cap_fen: 200000 }, person: { ...PERSON, ytd_hifp_paid_fen: 199000 },
      fee_items: [line('1', { pric: '100.00' })],
    });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 1000, psn_part_amt: 9000 });
  });

  it('both caps exhausted: no fund pays, everything is the patient\'s', () => {
    const r = presettle({
      params: { ...P310, med_type: '21', pool_ratio: '0.85', pool_annual_cap_fen: 10000000, big: { ratio: '0.90', annual_cap_fen: 40000000 } },
      person: { ...PERSON, ytd_hifp_paid_fen: 10000000, ytd_hifob_paid_fen: 40000000 },
      fee_items: [line('1', { pric: '1000.00' })],
    });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 0, hifob_pay: 0, fund_pay_sumamt: 0, psn_part_amt: 100000 });
    expect(Number(r.setlinfo.pool_prop_selfpay)).toBe(0);
  });

  it('civil servant subsidy and medical aid (with its cap)', () => {
    const r = presettle({
      params: { ...P310, civil_servant: { ratio: '0.5' }, medical_aid: { ratio: '0.6', annual_cap_fen: 5000 } },
      person: { ...PERSON, cvlserv_flag: '1', aid_eligible: true, ytd_maf_paid_fen: 4000 },
      fee_items: [line('1', { pric: '100.00' })],
    });
    // S 10000; hifp 5000; cvlserv rhu(5000 x 0.5) = 2500; maf min(rhu(2500 x 0.6) = 1500, 5000 - 4000) = 1000
    expect(r.setlinfo).toMatchObject({ hifp_pay: 5000, cvlserv_pay: 2500, maf_pay: 1000, fund_pay_sumamt: 8500, psn_part_amt: 1500 });
  });

  it('大病 threshold crossing inside one bill', () => {
    const r = presettle({
      params: { ...P310, insutype: '390', pool_ratio: '0.50', serious_illness: { threshold_fen: 10000, annual_cap_fen: null, segments: [{ upto_fen: 20000, ratio: '0.6' }, { upto_fen: null, ratio: '0.7' }] } },
      person: { ...PERSON, ytd_si_base_fen: 5000 },
      fee_items: [line('1', { pric: '400.00' })],
    });
    // S 40000, hifp 20000, si_this 20000: cumulative 5000 -> 25000; 10000..20000 x 0.6 = 6000, 20000..25000 x 0.7 = 3500
    expect(r.setlinfo).toMatchObject({ hifp_pay: 20000, hifmi_pay: 9500, fund_pay_sumamt: 29500 });
    expect(r.setldetail.map((x: any) => x.fund_pay_type).sort()).toEqual(['390100', '390200']);
  });

  it('amount sent in det_item_fee_sumamt is used as the line amount', () => {
    const r = presettle({ params: P310, person: PERSON, fee_items: [line('1', { pric: '0.333', cnt: '3', det_item_fee_sumamt: '1.00' })] });
    expect(r.items[0].det_item_fee_sumamt).toBe(100);
  });

  it('prices and quantities may be JSON numbers too', () => {
    const r = presettle({ params: { ...P310, pool_ratio: 0.5 }, person: PERSON, fee_items: [line('1', { pric: 12.5, cnt: 2 })] });
    expect(r.setlinfo.medfee_sumamt).toBe(2500);
  });
});

// ---- random bills: the core agrees with the independent BigInt oracle, identities hold ----------
const decStr = (maxInt: number, scale: number) =>
  fc.tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: 10 ** scale - 1 })).map(([i, f]) => (scale ? `${i}.${String(f).padStart(scale, '0')}` : `${i}`));
const ratio = fc.integer({ min: 0, max: 10000 }).map((n) => (n / 10000).toFixed(4)); // test-only formatting of a 4-place ratio
const feeLine = fc.record({
  med_chrgitm_type: fc.integer({ min: 1, max: 14 }).map((n) => String(n).padStart(2, '0')),
  chrgitm_lv: fc.constantFrom('01', '02', '03'),
  pric: decStr(5000, 4),
  cnt: fc.tuple(decStr(50, 2), fc.boolean()).map(([c, neg]) => (neg && c !== '0.00' ? '-' + c : c)),
  selfpay_prop: fc.option(ratio, { nil: null }),
  pric_uplmt_amt: fc.option(decStr(5000, 2), { nil: null }),
  hosp_bear_flag: fc.constantFrom(undefined, '0', '1'),
});
const bill = fc.record({
  items: fc.array(feeLine, { minLength: 0, maxLength: 30 }),
  insutype: fc.constantFrom('310', '390'),
  dedc: fc.integer({ min: 0, max: 200000 }),
  pool: ratio,
  cap: fc.option(fc.integer({ min: 0, max: 50000000 }), { nil: null }),
  big: fc.option(fc.record({ ratio, annual_cap_fen: fc.option(fc.integer({ min: 0, max: 1e8 }), { nil: null }) }), { nil: null }),
  si: fc.option(fc.record({ threshold_fen: fc.integer({ min: 0, max: 2e6 }), r1: ratio, r2: ratio, w: fc.integer({ min: 1, max: 5e6 }) }), { nil: null }),
  cvl: fc.option(ratio, { nil: null }),
  aid: fc.option(fc.record({ ratio, annual_cap_fen: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: null }) }), { nil: null }),
  inScope: fc.boolean(),
  person: fc.record({
    ytd_dedc_paid_fen: fc.integer({ min: 0, max: 200000 }), ytd_hifp_paid_fen: fc.integer({ min: 0, max: 5e7 }),
    ytd_hifob_paid_fen: fc.integer({ min: 0, max: 1e8 }), ytd_si_base_fen: fc.integer({ min: 0, max: 1e7 }),
    ytd_hifmi_paid_fen: fc.integer({ min: 0, max: 1e6 }), ytd_maf_paid_fen: fc.integer({ min: 0, max: 1e6 }),
    acct_balance_fen: fc.integer({ min: 0, max: 1e6 }), acct_used_flag: fc.constantFrom('0', '1'),
    cvlserv_flag: fc.constantFrom('0', '1'), aid_eligible: fc.boolean(),
  }),
});

function toInput(b: any) {
  return {
    params: {
      insutype: b.insutype, dedc_std_fen: b.dedc, pool_ratio: b.pool, pool_annual_cap_fen: b.cap, big: b.big,
      serious_illness: b.si && { threshold_fen: b.si.threshold_fen, annual_cap_fen: null, segments: [{ upto_fen: b.si.threshold_fen + b.si.w, ratio: b.si.r1 }, { upto_fen: null, ratio: b.si.r2 }] },
      civil_servant: b.cvl && { ratio: b.cvl }, medical_aid: b.aid, acct_scope: b.inScope ? 'in_scope' : 'psn_part',
    },
    person: b.person,
    fee_items: b.items.map((l: any, i: number) => ({ feedetl_sn: String(i + 1), ...l })),
  };
}

describe('property: random bills', () => {
  it('core == oracle on every field, identities hold, net-negative bills are refused', () => {
    let settled = 0, refused = 0;
    fc.assert(
      fc.property(bill, (b) => {
        const input = toInput(b);
        let want: any;
        try { want = oracle(input); } catch (e) { want = { error: String((e as Error).message) }; }
        if (want.error) {
          expect(errOf(1, JSON.stringify(input)).code).toBe('NET_NEGATIVE_BILL');
          refused++;
          return;
        }
        const got = presettle(input);
        const strip = (r: any) => ({ ...r, setldetail: r.setldetail.map((x: any) => [x.fund_pay_type, x.fund_payamt, x.inscp_scp_amt]).sort(), setlinfo: { ...r.setlinfo, pool_prop_selfpay: Number(r.setlinfo.pool_prop_selfpay) } });
        expect(strip(got)).toEqual(strip(want));
        checkIdentities(got, b.person.acct_balance_fen);
        settled++;
      }),
      { numRuns: 600, seed: 20261122 },
    );
    expect(settled).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(0);
  });

  it('classify (op 2) gives the same lines and categories as presettle', () => {
    fc.assert(
      fc.property(bill, (b) => {
        const input = toInput(b);
        const c = core.json(2, { fee_items: input.fee_items });
        const o = oracleClassify(input.fee_items) as any;
        expect(c.items).toEqual(o.items);
        expect(c.invoice_categories).toEqual(o.invoice_categories);
        expect(c.totals.medfee_sumamt).toBe(c.totals.fulamt_ownpay_amt + c.totals.overlmt_selfpay + c.totals.preselfpay_amt + c.totals.inscp_scp_amt);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});

// ---- bad input: stable codes, never a trap -------------------------------------------------
const good = examples.cases[0];
const mk = (patch: (x: any) => void) => {
  const x = JSON.parse(JSON.stringify({ params: good.params, person: good.person, fee_items: good.fee_items }));
  patch(x);
  return JSON.stringify(x);
};

describe('bad input table', () => {
  const table: [string, string | Uint8Array, string, Record<string, unknown>?][] = [
    ['malformed JSON', '{"params": {', 'JSON_SYNTAX', { pos: 12 }],
    ['trailing garbage', '{} x', 'JSON_SYNTAX', { pos: 3 }],
    ['empty input', '', 'JSON_SYNTAX'],
    ['not an object', '[1,2]', 'WRONG_TYPE'],
    ['missing fee_items', mk((x) => delete x.fee_items), 'MISSING_FIELD', { detail: 'fee_items' }],
    ['missing params', mk((x) => delete x.params), 'MISSING_FIELD', { detail: 'params' }],
    ['missing pric', mk((x) => delete x.fee_items[1].pric), 'MISSING_FIELD', { detail: 'fee_items[1].pric' }],
    ['non-numeric price', mk((x) => (x.fee_items[0].pric = '十二元')), 'BAD_DECIMAL'],
    ['exponent price', mk((x) => (x.fee_items[0].pric = '1e3')), 'BAD_DECIMAL'],
    ['too many decimal places in cnt', mk((x) => (x.fee_items[0].cnt = '1.00001')), 'DECIMAL_SCALE'],
    ['price overflow (> 18 digits)', mk((x) => (x.fee_items[0].pric = '12345678901234567890')), 'OVERFLOW'],
    ['amount overflow (pric x cnt beyond i64 fen)', mk((x) => { x.fee_items[0].pric = '900000000000.00'; x.fee_items[0].cnt = '900000000'; }), 'OVERFLOW'],
    ['sum overflow', mk((x) => { x.fee_items[0].pric = '90000000000000000'; x.fee_items[1].pric = '90000000000000000'; }), 'OVERFLOW'],
    ['negative price', mk((x) => (x.fee_items[0].pric = '-1.00')), 'NEGATIVE_AMOUNT'],
    ['unknown fee category', mk((x) => (x.fee_items[0].med_chrgitm_type = '15')), 'BAD_ENUM'],
    ['unknown item level', mk((x) => (x.fee_items[0].chrgitm_lv = '04')), 'BAD_ENUM'],
    ['ratio above 1', mk((x) => (x.params.pool_ratio = '1.5')), 'BAD_RATIO'],
    ['fen with a fraction', mk((x) => (x.params.dedc_std_fen = 1.5)), 'BAD_INTEGER'],
    ['negative balance', mk((x) => (x.person.acct_balance_fen = -1)), 'NEGATIVE_AMOUNT'],
    ['duplicate feedetl_sn', mk((x) => (x.fee_items[2].feedetl_sn = '1')), 'DUPLICATE_FEEDETL_SN'],
    ['net-negative bill', mk((x) => (x.fee_items[0].cnt = '-10')), 'NET_NEGATIVE_BILL'],
    ['bad insutype', mk((x) => (x.params.insutype = '999')), 'BAD_ENUM'],
    ['bad flag', mk((x) => (x.person.acct_used_flag = 'yes')), 'BAD_ENUM'],
    ['invalid UTF-8 in a string', new Uint8Array([...new TextEncoder().encode('{"a":"'), 0xff, 0x22, 0x7d]), 'UTF8_INVALID', { pos: 6 }],
    ['nesting too deep', '['.repeat(5000), 'JSON_DEPTH'],
  ];
  for (const [name, input, code, extra] of table) {
    it(`${name} -> ${code}`, () => {
      const e = errOf(1, input);
      expect(e.code).toBe(code);
      expect(e.message_zh.length).toBeGreaterThan(0);
      expect(e.message_en.length).toBeGreaterThan(0);
      if (extra) expect(e).toMatchObject(extra);
    });
  }

  it('random garbage never traps the module (every op)', () => {
    const c = loadCore();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(0, 1, 2, 3, 10, 11, 20, 21, 30, 31, 32, 40, 41, 50, 51), (bytes, op) => {
        const r = c.call(op, bytes);
        if (r.rc < 0) expect(JSON.parse(new TextDecoder().decode(r.bytes)).status).toBe(-r.rc);
      }),
      { numRuns: 3000, seed: 3 },
    );
  });

  it('JSON-shaped garbage never traps presettle', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = core.call(1, JSON.stringify({ params: v, person: v, fee_items: [v] }));
        expect(r.rc).toBeLessThan(0);
      }),
      { numRuns: 1000, seed: 5 },
    );
  });
});
