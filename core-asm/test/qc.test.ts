// op 80 slist_check: the settlement-list (结算清单) quality-rule engine. The built-in rule table is
// enumerated and every rule must have a case below (a failing list with the exact violations it
// produces, and a passing list); the derived rule catalogue (S1/S2) is mapped row by row onto rule ids;
// regional overrides, a dirty list with its full set of violations, bad rule tables and random input.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { loadCore } from './raw';
// @ts-expect-error plain .mjs script without types
import { generate } from '../scripts/gen-qc-rules.mjs';

const core = loadCore();
const OP = 80;
const dec = new TextDecoder();
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const readJson = (p: string) => JSON.parse(readFileSync(here(p), 'utf8'));

const DOC = readJson('../rules/slist-national.json');
const LIST_4101 = readJson('../rules/examples/4101-inpatient.json');
const LIST_4101A = readJson('../rules/examples/4101A-newborn.json');
const SICHUAN = readJson('../../plugins/national/slist-rules/sichuan.json').overrides;
const CHENGDU = [...SICHUAN, ...readJson('../../plugins/national/slist-rules/chengdu.json').overrides];

type List = Record<string, any>;
interface Violation { rule: string; field: string; path: string; message_zh: string; message_en: string; value?: string }
interface Result { ok: boolean; violations: Violation[]; rules: number }
interface Opts { variant?: '4101' | '4101A'; overrides?: unknown[]; rules?: unknown[]; codeTables?: Record<string, string[]> }

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const check = (list: unknown, o: Opts = {}): Result => core.json(OP, { list, ...o });
const paths = (r: Result, rule: string) => r.violations.filter((v) => v.rule === rule).map((v) => v.path);
const pairs = (r: Result) => r.violations.map((v) => `${v.rule} ${v.path}`);
const fail = (input: unknown): { status: number; code: string; detail?: string } => {
  const r = core.call(OP, typeof input === 'string' ? input : JSON.stringify(input));
  expect(r.rc).toBeLessThan(0);
  return JSON.parse(dec.decode(r.bytes));
};

describe('op 80: the built-in table and the example lists', () => {
  it('the core embeds exactly core-asm/rules/slist-national.json (generated file up to date)', () => {
    expect(readFileSync(here('../assembly/qc-rules.ts'), 'utf8')).toBe(generate());
    const r = core.call(OP, '{"builtin":true}');
    expect(r.rc).toBeGreaterThan(0);
    expect(JSON.parse(dec.decode(r.bytes))).toEqual(DOC);
  });

  it('a realistic complete 4101 list (all seven sections) and a 4101A newborn list have no violation', () => {
    for (const k of ['setlinfo', 'payinfo', 'opspdiseinfo', 'diseinfo', 'iteminfo', 'oprninfo', 'icuinfo']) expect(LIST_4101[k], k).toBeTruthy();
    const a = check(LIST_4101);
    expect(a.violations).toEqual([]);
    expect(a.ok).toBe(true);
    expect(a.rules).toBe(DOC.rules.filter((r: any) => r.enabled !== false && (!r.applies_to || r.applies_to.includes('4101'))).length);
    const b = check(LIST_4101A, { variant: '4101A' });
    expect(b.violations).toEqual([]);
    expect(b.rules).toBe(DOC.rules.filter((r: any) => r.enabled !== false && (!r.applies_to || r.applies_to.includes('4101A'))).length);
  });

  it('is deterministic and never echoes more than 256 characters of a value', () => {
    const l = clone(LIST_4101);
    l.setlinfo.mdtrt_id = 'x'.repeat(5000);
    const one = dec.decode(core.call(OP, JSON.stringify({ list: l })).bytes);
    expect(dec.decode(core.call(OP, JSON.stringify({ list: l })).bytes)).toBe(one);
    const v = (JSON.parse(one) as Result).violations.find((x) => x.path === 'setlinfo.mdtrt_id')!;
    expect(v.value).toBe('x'.repeat(256) + '…');
    expect(v.message_zh).toBe('【就诊ID】填写不规范-长度超过30个字符（实际5000）');
  });
});

// ---------------------------------------------------------------------------------------------------
// rule by rule

interface Case {
  variant?: '4101' | '4101A';
  overrides?: unknown[];
  /** breaks the list: exactly `paths` must be reported under this rule id */
  fail: (l: List) => void;
  paths: string[];
  /** a mutation that exercises the rule's condition / boundary and must leave the list clean */
  pass?: (l: List) => void;
}

const ruleOf = (id: string) => DOC.rules.find((r: any) => r.id === id);
/** empties every field of a required rule in four different ways (absent, "", null, blanks) */
const emptyAll = (id: string, row: (l: List) => List) => (l: List) => {
  ruleOf(id).fields.forEach((f: string, i: number) => {
    const o = row(l);
    if (i % 4 === 0) delete o[f];
    else o[f] = i % 4 === 1 ? '' : i % 4 === 2 ? null : '  ';
  });
};
const allPaths = (id: string, prefix: string) => ruleOf(id).fields.map((f: string) => `${prefix}.${f}`);
const S = (l: List) => l.setlinfo;
const BIRTH_DIAG = { diag_type: '1', diag_code: 'O80.000', diag_name: '单胎顺产', adm_cond_type: '1', maindiag_flag: '0' };

const CASES: Record<string, Case> = {
  shape: {
    fail: (l) => { l.setlinfo = []; l.diseinfo = { diag_code: 'K35.800' }; l.oprninfo = [1, l.oprninfo[0]]; },
    paths: ['setlinfo', 'diseinfo', 'oprninfo[0]'],
    pass: (l) => { l.opspdiseinfo = null; delete l.icuinfo; },
  },
  '4101.req.setlinfo': {
    fail: emptyAll('4101.req.setlinfo', S), paths: allPaths('4101.req.setlinfo', 'setlinfo'),
    pass: (l) => { l.setlinfo.psn_selfpay = 0; l.setlinfo.acct_pay = '0.00'; }, // numeric 0 counts as filled
  },
  '4101A.req.setlinfo': { variant: '4101A', fail: emptyAll('4101A.req.setlinfo', S), paths: allPaths('4101A.req.setlinfo', 'setlinfo') },
  '4101.req.payinfo': { fail: (l) => { l.payinfo[1] = {}; }, paths: ['payinfo[1].fund_pay_type', 'payinfo[1].fund_payamt'], pass: (l) => { l.payinfo[1].fund_payamt = 0; } },
  'req.opspdiseinfo': { fail: (l) => { l.opspdiseinfo[0].diag_code = ''; delete l.opspdiseinfo[0].diag_name; }, paths: ['opspdiseinfo[0].diag_name', 'opspdiseinfo[0].diag_code'] },
  'req.diseinfo': { fail: (l) => { l.diseinfo[1] = { adm_cond_type: '3', maindiag_flag: '0' }; }, paths: allPaths('req.diseinfo', 'diseinfo[1]') },
  '4101.req.iteminfo': { fail: (l) => { l.iteminfo[2] = {}; }, paths: allPaths('4101.req.iteminfo', 'iteminfo[2]') },
  '4101.req.oprninfo': { fail: (l) => { l.oprninfo[0] = { anst_way: '' }; }, paths: allPaths('4101.req.oprninfo', 'oprninfo[0]') },
  '4101A.req.oprninfo': { variant: '4101A', fail: (l) => { l.oprninfo[0] = {}; }, paths: allPaths('4101A.req.oprninfo', 'oprninfo[0]') },
  'req.icuinfo': { fail: (l) => { l.icuinfo[0] = {}; }, paths: allPaths('req.icuinfo', 'icuinfo[0]') },
  '4101A.req.bldinfo': { variant: '4101A', fail: (l) => { l.bldinfo[0] = { bld_cat: '1', bld_amt: '0' }; }, paths: ['bldinfo[0].bld_amt', 'bldinfo[0].bld_unt'] },
  '2005': {
    fail: emptyAll('2005', S), paths: allPaths('2005', 'setlinfo'),
    // a chronic-outpatient list (med_type 14) has no stay: 2005 does not apply
    pass: (l) => { emptyAll('2005', S)(l); l.setlinfo.med_type = '14'; },
  },
  '2005.chfpdr_name': { fail: (l) => { l.setlinfo.chfpdr_name = ''; }, paths: ['setlinfo.chfpdr_name'] },
  '2005.bld': {
    fail: (l) => { l.setlinfo.bld_amt = '0'; delete l.setlinfo.bld_unt; }, paths: ['setlinfo.bld_amt', 'setlinfo.bld_unt'],
    pass: (l) => { l.setlinfo.bld_cat = ''; l.setlinfo.bld_amt = '0'; l.setlinfo.bld_unt = ''; },
  },
  '2005.diseinfo': { fail: (l) => { l.diseinfo[1].adm_cond_type = ''; }, paths: ['diseinfo[1].adm_cond_type'] },
  '2005.oprninfo': {
    fail: (l) => { l.oprninfo[0].anst_dr_code = ''; }, paths: ['oprninfo[0].anst_dr_code'],
    pass: (l) => { Object.assign(l.oprninfo[0], { anst_way: '', anst_dr_code: '', anst_dr_name: '' }); },
  },
  '2005.resp_nurs': {
    variant: '4101A', overrides: [{ id: '2005.resp_nurs', enabled: true }],
    fail: (l) => { l.setlinfo.resp_nurs_code = ''; }, paths: ['setlinfo.resp_nurs_code'],
  },
  'S2.nwb_adm_type': {
    variant: '4101A', fail: (l) => { l.setlinfo.nwb_adm_type = ''; }, paths: ['setlinfo.nwb_adm_type'],
    pass: (l) => { Object.assign(l.setlinfo, { nwb_age: '60', nwb_adm_type: '', nwb_adm_wt: '0' }); },
  },
  'S2.nwb_bir_wt': {
    fail: (l) => { l.diseinfo.push(clone(BIRTH_DIAG)); }, paths: ['setlinfo.nwb_bir_wt'],
    pass: (l) => { l.diseinfo.push(clone(BIRTH_DIAG)); l.setlinfo.nwb_bir_wt = '3200'; },
  },
  'S2.nwb_adm_wt': {
    variant: '4101A', fail: (l) => { l.setlinfo.nwb_adm_wt = ''; }, paths: ['setlinfo.nwb_adm_wt'],
    pass: (l) => { l.setlinfo.nwb_adm_wt = ''; l.setlinfo.mul_nwb_adm_wt = '2400,2380'; },
  },
  'S2.opspdiseinfo': {
    fail: (l) => { l.setlinfo.med_type = '14'; l.opspdiseinfo = []; }, paths: ['opspdiseinfo'],
    pass: (l) => { l.setlinfo.med_type = '14'; },
  },
  '4101.fmt.setlinfo': {
    fail: (l) => Object.assign(l.setlinfo, { mdtrt_id: 'M'.repeat(31), age: '141.55', brdy: '1985-02-30', adm_time: '2026-11-10', psn_cashpay: '1,500.50' }),
    paths: ['setlinfo.mdtrt_id', 'setlinfo.brdy', 'setlinfo.age', 'setlinfo.adm_time', 'setlinfo.psn_cashpay'],
    pass: (l) => Object.assign(l.setlinfo, { age: 41.6, psn_cashpay: 1500.5, fixmedins_name: '院'.repeat(199) + '😀', brdy: '2000-02-29' }),
  },
  '4101A.fmt.setlinfo': {
    variant: '4101A',
    fail: (l) => Object.assign(l.setlinfo, { psn_no: '9'.repeat(31), dcla_time: '2026-13-01 00:00:00', nwb_bir_wt: '12345.1' }),
    paths: ['setlinfo.psn_no', 'setlinfo.dcla_time', 'setlinfo.nwb_bir_wt'],
  },
  '4101.fmt.payinfo': { fail: (l) => { l.payinfo[0].fund_payamt = '8200.123'; }, paths: ['payinfo[0].fund_payamt'], pass: (l) => { l.payinfo[0].fund_payamt = '8200.1200'; } },
  'fmt.opspdiseinfo': { fail: (l) => { l.opspdiseinfo[0].diag_code = 'I10.x00'.padEnd(21, '0'); }, paths: ['opspdiseinfo[0].diag_code'] },
  'fmt.diseinfo': { fail: (l) => { l.diseinfo[0].diag_name = '诊'.repeat(101); }, paths: ['diseinfo[0].diag_name'], pass: (l) => { l.diseinfo[0].diag_name = '诊'.repeat(100); } },
  '4101.fmt.iteminfo': { fail: (l) => { l.iteminfo[0].amt = '5.00.0'; l.iteminfo[1].oth_amt = true; }, paths: ['iteminfo[0].amt', 'iteminfo[1].oth_amt'] },
  '4101.fmt.oprninfo': { fail: (l) => { l.oprninfo[0].oprn_oprt_date = '2026/11/11'; }, paths: ['oprninfo[0].oprn_oprt_date'] },
  '4101A.fmt.oprninfo': { variant: '4101A', fail: (l) => { l.oprninfo[0].oprn_oprt_begntime = '2026-11-19T01:00:00'; }, paths: ['oprninfo[0].oprn_oprt_begntime'] },
  'fmt.icuinfo': { fail: (l) => { l.icuinfo[0].scs_cutd_exit_time = '2026-11-12 24:00:00'; }, paths: ['icuinfo[0].scs_cutd_exit_time'] },
  '4101A.fmt.bldinfo': { variant: '4101A', fail: (l) => { l.bldinfo[0].bld_amt = '1.5'; }, paths: ['bldinfo[0].bld_amt'] },
  '2006.ntly': { fail: (l) => { l.setlinfo.ntly = 'CN'; }, paths: ['setlinfo.ntly'], pass: (l) => { l.setlinfo.ntly = 'HKG'; } },
  'code.prfs': { fail: (l) => { l.setlinfo.prfs = '99'; }, paths: ['setlinfo.prfs'] },
  'code.gend': { fail: (l) => { l.setlinfo.gend = '3'; }, paths: ['setlinfo.gend'], pass: (l) => { l.setlinfo.gend = 2; } },
  'code.naty': { fail: (l) => { l.setlinfo.naty = '57'; }, paths: ['setlinfo.naty'] },
  '2006.patn_rlts': { fail: (l) => { l.setlinfo.patn_rlts = '100'; }, paths: ['setlinfo.patn_rlts'], pass: (l) => { l.setlinfo.patn_rlts = '12'; } },
  '2006.nwb_adm_type': { variant: '4101A', fail: (l) => { l.setlinfo.nwb_adm_type = '5'; }, paths: ['setlinfo.nwb_adm_type'] },
  'code.ipt_med_type': { fail: (l) => { l.setlinfo.ipt_med_type = '3'; }, paths: ['setlinfo.ipt_med_type'] },
  'code.adm_way': { fail: (l) => { l.setlinfo.adm_way = '4'; }, paths: ['setlinfo.adm_way'] },
  '2006.trt_type': { fail: (l) => { l.setlinfo.trt_type = '2.3'; }, paths: ['setlinfo.trt_type'], pass: (l) => { l.setlinfo.trt_type = '2.2'; } },
  '2006.caty': { fail: (l) => { l.setlinfo.adm_caty = 'A3.06'; l.setlinfo.dscg_caty = 'Z99.1'; }, paths: ['setlinfo.adm_caty', 'setlinfo.dscg_caty'], pass: (l) => { l.setlinfo.adm_caty = 'A03'; } },
  '2006.refldept_dept': { fail: (l) => { l.setlinfo.refldept_dept = 'A03.06→内科'; }, paths: ['setlinfo.refldept_dept'], pass: (l) => { l.setlinfo.refldept_dept = 'A03.06'; } },
  '2006.dscg_way': { fail: (l) => { l.setlinfo.dscg_way = '6'; }, paths: ['setlinfo.dscg_way'] },
  '2006.hi_paymtd': { fail: (l) => { l.setlinfo.hi_paymtd = '7'; }, paths: ['setlinfo.hi_paymtd'] },
  '2006.bld_cat': { fail: (l) => { l.setlinfo.bld_cat = '8'; }, paths: ['setlinfo.bld_cat'] },
  '2006.bld_unt': { fail: (l) => { l.setlinfo.bld_unt = 'kg'; }, paths: ['setlinfo.bld_unt'] },
  '2006.bldinfo.bld_cat': { variant: '4101A', fail: (l) => { l.bldinfo[0].bld_cat = '8'; }, paths: ['bldinfo[0].bld_cat'] },
  '2006.bldinfo.bld_unt': { variant: '4101A', fail: (l) => { l.bldinfo[0].bld_unt = 'kg'; }, paths: ['bldinfo[0].bld_unt'] },
  'code.diag_type': { fail: (l) => { l.diseinfo[1].diag_type = '4'; }, paths: ['diseinfo[1].diag_type'] },
  'code.maindiag_flag': { fail: (l) => { l.diseinfo[1].maindiag_flag = '2'; }, paths: ['diseinfo[1].maindiag_flag'] },
  '2006.adm_cond_type': { fail: (l) => { l.diseinfo[0].adm_cond_type = '5'; }, paths: ['diseinfo[0].adm_cond_type'] },
  '2006.anst_way': { fail: (l) => { l.oprninfo[0].anst_way = '5'; }, paths: ['oprninfo[0].anst_way'], pass: (l) => { l.oprninfo[0].anst_way = '45'; } },
  '2006.scs_cutd_ward_type': { fail: (l) => { l.icuinfo[0].scs_cutd_ward_type = '8'; }, paths: ['icuinfo[0].scs_cutd_ward_type'] },
  'code.med_chrgitm': { fail: (l) => { l.iteminfo[1].med_chrgitm = '15'; }, paths: ['iteminfo[1].med_chrgitm'] },
  '2133': { fail: (l) => { l.oprninfo[0].oprn_oprt_code = '阑尾切除'; }, paths: ['oprninfo[0].oprn_oprt_code'], pass: (l) => { l.oprninfo[0].oprn_oprt_code = '47.01'; } },
  '2138': { fail: (l) => { l.setlinfo.wm_dise_code = 'k35.8'; }, paths: ['setlinfo.wm_dise_code'] },
  'code.diseinfo.diag_code': {
    fail: (l) => { l.diseinfo[1].diag_code = '高血压'; }, paths: ['diseinfo[1].diag_code'],
    pass: (l) => { Object.assign(l.diseinfo[1], { diag_type: '2', diag_code: 'BNG010' }); }, // a TCM code is not ICD-10
  },
  '2129': { fail: (l) => { l.setlinfo.poscode = '61004a'; }, paths: ['setlinfo.poscode'] },
  '2129.nwb_adm_wt': { variant: '4101A', fail: (l) => { l.setlinfo.nwb_adm_wt = '2,450'; }, paths: ['setlinfo.nwb_adm_wt'], pass: (l) => { l.setlinfo.nwb_adm_wt = 2450; } },
  '2130': { fail: (l) => { l.setlinfo.poscode = '61004'; }, paths: ['setlinfo.poscode'] },
  '2132': { fail: (l) => { l.setlinfo.nwb_bir_wt = '99.99'; }, paths: ['setlinfo.nwb_bir_wt'], pass: (l) => { l.setlinfo.nwb_bir_wt = '100'; } },
  '2140': { variant: '4101A', fail: (l) => { l.setlinfo.mul_nwb_bir_wt = '2500,99'; }, paths: ['setlinfo.mul_nwb_bir_wt'], pass: (l) => { l.setlinfo.mul_nwb_bir_wt = '2500,2400.5,9999'; } },
  'S2.nwb_adm_wt.range': { variant: '4101A', fail: (l) => { l.setlinfo.nwb_adm_wt = '10000'; }, paths: ['setlinfo.nwb_adm_wt'], pass: (l) => { l.setlinfo.nwb_adm_wt = '9999.00'; } },
  'S2.mul_nwb_adm_wt.range': { variant: '4101A', fail: (l) => { l.setlinfo.mul_nwb_adm_wt = '2400;2300'; }, paths: ['setlinfo.mul_nwb_adm_wt'], pass: (l) => { l.setlinfo.mul_nwb_adm_wt = '2400,2300'; } },
  'time.stay': { fail: (l) => { l.setlinfo.dscg_time = '2026-11-09 10:00:00'; }, paths: ['setlinfo.dscg_time'] },
  '2134': {
    variant: '4101A',
    fail: (l) => Object.assign(l.oprninfo[0], { anst_begntime: '2026-11-18 22:10:00', anst_endtime: '2026-11-25 09:30:01' }),
    paths: ['oprninfo[0].anst_begntime', 'oprninfo[0].anst_endtime'],
    pass: (l) => Object.assign(l.oprninfo[0], { anst_begntime: '2026-11-19 00:50:00', anst_endtime: '2026-11-19 03:00:00' }),
  },
  'time.oprn': { variant: '4101A', fail: (l) => { l.oprninfo[0].oprn_oprt_endtime = '2026-11-19 00:00:00'; }, paths: ['oprninfo[0].oprn_oprt_endtime'] },
  'time.oprn_oprt_date': { fail: (l) => { l.oprninfo[0].oprn_oprt_date = '2026-11-21'; }, paths: ['oprninfo[0].oprn_oprt_date'], pass: (l) => { l.oprninfo[0].oprn_oprt_date = '2026-11-10'; } },
  '2136': { fail: (l) => { l.icuinfo[0].scs_cutd_inpool_time = '2026-11-10 08:00:00'; }, paths: ['icuinfo[0].scs_cutd_inpool_time'] },
  '2137': { fail: (l) => { l.setlinfo.setl_end_date = '2026-11-21'; }, paths: ['setlinfo.setl_end_date'] },
  '2135': {
    fail: (l) => Object.assign(l.setlinfo, { pwcry_bfadm_coma_dura: '0/25/0', pwcry_afadm_coma_dura: '1/2' }),
    paths: ['setlinfo.pwcry_bfadm_coma_dura', 'setlinfo.pwcry_afadm_coma_dura'],
    pass: (l) => Object.assign(l.setlinfo, { pwcry_bfadm_coma_dura: '0/24/60', pwcry_afadm_coma_dura: '12/0/0' }),
  },
  'dura.vent_used_dura': { fail: (l) => { l.setlinfo.vent_used_dura = '0/12/61'; }, paths: ['setlinfo.vent_used_dura'] },
  'dura.scs_cutd_sum_dura': { fail: (l) => { l.icuinfo[0].scs_cutd_sum_dura = '1天0时30分'; }, paths: ['icuinfo[0].scs_cutd_sum_dura'] },
  '2139': { fail: (l) => { l.diseinfo[1].maindiag_flag = '1'; }, paths: ['diseinfo'], pass: (l) => { l.diseinfo.reverse(); } },
};

describe('op 80: every rule of the built-in table, one by one', () => {
  it('every built-in rule has a case (and every case a rule)', () => {
    const ids = DOC.rules.map((r: any) => r.id);
    expect(ids.filter((id: string) => !CASES[id]), 'rules without a case').toEqual([]);
    expect(Object.keys(CASES).filter((id) => !ids.includes(id)), 'cases without a rule').toEqual([]);
  });

  for (const rule of DOC.rules as { id: string; kind: string }[]) {
    it(`${rule.id} (${rule.kind})`, () => {
      const c = CASES[rule.id]!;
      const base = c.variant === '4101A' ? LIST_4101A : LIST_4101;
      const o: Opts = { variant: c.variant ?? '4101', overrides: c.overrides };
      const good = clone(base);
      c.pass?.(good);
      expect(check(good, o).violations).toEqual([]);
      const bad = clone(base);
      c.fail(bad);
      const r = check(bad, o);
      expect(r.ok).toBe(false);
      expect(paths(r, rule.id)).toEqual(c.paths);
      for (const v of r.violations.filter((x) => x.rule === rule.id)) {
        expect(v.message_zh.length).toBeGreaterThan(0);
        expect(v.message_en).not.toMatch(/\{[a-z_]+\}/);
        expect(v.message_zh).not.toMatch(/\{[a-z_]+\}/);
        expect(v.field.length).toBeGreaterThan(0);
      }
    });
  }

  it('required messages carry the field\'s Chinese name; values are reported as sent', () => {
    const l = clone(LIST_4101);
    delete l.setlinfo.medcasno;
    l.setlinfo.ntly = 'XYZ';
    const r = check(l);
    expect(r.violations).toEqual([
      { rule: '4101.req.setlinfo', field: 'medcasno', path: 'setlinfo.medcasno', message_zh: '【病案号】未填写', message_en: 'medical record number (medcasno) is not filled in' },
      { rule: '2006.ntly', field: 'ntly', path: 'setlinfo.ntly', message_zh: '【国籍】填写不规范-填写值不在值域范围', message_en: 'nationality (ntly): value is not an allowed code (ntly)', value: 'XYZ' },
    ]);
  });

  it('newborn age: adm_time − brdy in days (28 is a newborn, 29 is not), else nwb_age', () => {
    const l = clone(LIST_4101);
    l.setlinfo.brdy = '2026-10-13'; // 28 days before 2026-11-10
    expect(paths(check(l), 'S2.nwb_adm_type')).toEqual(['setlinfo.nwb_adm_type']);
    expect(paths(check(l), 'S2.nwb_adm_wt')).toEqual(['setlinfo.nwb_adm_wt']);
    l.setlinfo.brdy = '2026-10-12';
    expect(paths(check(l), 'S2.nwb_adm_type')).toEqual([]);
    const a = clone(LIST_4101A);
    delete a.setlinfo.nwb_age; // 4101A carries no brdy: no age, the newborn rules cannot apply
    a.setlinfo.nwb_adm_type = '';
    expect(paths(check(a, { variant: '4101A' }), 'S2.nwb_adm_type')).toEqual([]);
  });

  it('birth diagnoses: O80–O84 and Z37.0/.2/.3/.5/.6 need a birth weight, O83.400 and Z37.1 do not', () => {
    for (const [code, needs] of [['O84.000', true], ['Z37.000', true], ['Z37.600x001', true], ['O83.400', false], ['O83.400x001', false], ['Z37.100', false], ['O85.x00', false]] as const) {
      const l = clone(LIST_4101);
      l.diseinfo.push({ ...BIRTH_DIAG, diag_code: code });
      expect(paths(check(l), 'S2.nwb_bir_wt'), code).toEqual(needs ? ['setlinfo.nwb_bir_wt'] : []);
    }
  });

  it('2139: no main Western diagnosis at all is reported too; TCM main diagnoses do not count', () => {
    const l = clone(LIST_4101);
    l.diseinfo[0].maindiag_flag = '0';
    l.diseinfo.push({ diag_type: '2', diag_code: 'BNG010', diag_name: '肠痈', adm_cond_type: '1', maindiag_flag: '1' });
    const v = check(l).violations.filter((x) => x.rule === '2139');
    expect(v.map((x) => [x.path, x.message_zh])).toEqual([['diseinfo', '【西医主要诊断】-缺少主诊断']]);
  });

  it('ICD tables passed in codeTables replace the shape check (existence, not just shape)', () => {
    const l = clone(LIST_4101);
    l.setlinfo.wm_dise_code = 'K35.801'; // a well-formed code that does not exist
    expect(paths(check(l), '2138')).toEqual([]);
    const tables = { icd10: ['K35.800', 'I10.x00'], icd9cm3: ['47.0100x001'], dept: ['A03.06', 'A07.01'] };
    expect(paths(check(l, { codeTables: tables }), '2138')).toEqual(['setlinfo.wm_dise_code']);
    l.setlinfo.wm_dise_code = 'K35.800';
    expect(check(l, { codeTables: tables }).violations).toEqual([]);
    l.oprninfo[0].oprn_oprt_code = '47.0101';
    expect(paths(check(l, { codeTables: tables }), '2133')).toEqual(['oprninfo[0].oprn_oprt_code']);
    // a host table replaces a built-in one of the same name
    expect(paths(check(clone(LIST_4101), { codeTables: { ntly: ['FRA'] } }), '2006.ntly')).toEqual(['setlinfo.ntly']);
  });
});

// ---------------------------------------------------------------------------------------------------
// the derived catalogue (S1 + S2): every row is implemented by rules of the table

const DERIVED = readFileSync(here('../../../shared/conformance/samples/ws/chengdu-settlement-list/qc_rules_DERIVED.tsv'), 'utf8')
  .split('\n').filter((l) => l.trim() && !l.startsWith('#') && !l.startsWith('rule_id')).map((l) => l.split('\t'));

const ROW_RULES: Record<string, string[]> = {
  '2005': ['2005', '2005.chfpdr_name', '2005.bld', '2005.diseinfo', '2005.oprninfo', '2005.resp_nurs', '4101.req.setlinfo', '4101A.req.setlinfo', '4101.req.oprninfo', '4101A.req.oprninfo', '4101A.req.bldinfo', 'S2.nwb_bir_wt', 'S2.nwb_adm_wt'],
  '2006': ['2006.nwb_adm_type', '2006.trt_type', '2006.dscg_way', '2006.hi_paymtd', '2006.adm_cond_type', '2006.anst_way', '2006.scs_cutd_ward_type', '2006.bld_cat', '2006.bldinfo.bld_cat', '2006.patn_rlts', '2006.ntly', '2006.refldept_dept', '2006.caty', '2006.bld_unt', '2006.bldinfo.bld_unt'],
  '2129': ['2129', '2129.nwb_adm_wt'], '2130': ['2130'], '2132': ['2132'], '2133': ['2133'], '2134': ['2134'], '2135': ['2135'], '2136': ['2136'],
  '2137': ['2137'], '2138': ['2138', 'code.diseinfo.diag_code'], '2139': ['2139'], '2140': ['2140'],
  'S2 hi_no,medcasno,patn_rlts,coner_addr,coner_tel': ['2005', '4101.req.setlinfo', '4101A.req.setlinfo'],
  'S2 ntly,prfs': ['4101.req.setlinfo', '4101A.req.setlinfo', '2006.ntly', 'code.prfs'],
  'S2 nwb_adm_type': ['S2.nwb_adm_type', '2006.nwb_adm_type'],
  'S2 nwb_bir_wt': ['S2.nwb_bir_wt', '2132', '2140'],
  'S2 nwb_adm_wt': ['S2.nwb_adm_wt', 'S2.nwb_adm_wt.range', 'S2.mul_nwb_adm_wt.range'],
  'S2 opspdiseinfo': ['S2.opspdiseinfo'],
};
/** the catalogue's field names → the national 4101 names the rules use */
const ALIAS: Record<string, string[]> = {
  'hi_no/psn_no': ['hi_no', 'psn_no'], resp_nurs_name: ['resp_nurs_code'], 'vent_used_*': ['vent_used_dura'], emp_poscode: ['poscode'], refl_caty: ['refldept_dept'],
  otp_wm_dise: ['wm_dise_code'], nwb_bir_wt: ['nwb_bir_wt', 'mul_nwb_bir_wt'], nwb_adm_wt: ['nwb_adm_wt', 'mul_nwb_adm_wt'],
  coma: ['pwcry_bfadm_coma_dura', 'pwcry_afadm_coma_dura'], opspdiseinfo: ['opspdiseinfo'],
};

describe('op 80: the derived rule catalogue (qc_rules_DERIVED.tsv) row by row', () => {
  it('has the 13 S1 rules and the 6 S2 rows', () => expect(DERIVED.length).toBe(19));
  for (const row of DERIVED) {
    const [id, source, fields] = row as [string, string, string];
    const key = id === '-' ? `${source} ${fields.split(/\s/)[0]}` : id;
    it(`${key}: implemented by ${ROW_RULES[key]?.join(', ')}`, () => {
      const ids = ROW_RULES[key];
      expect(ids, key).toBeTruthy();
      const rules = ids!.map((i) => ruleOf(i));
      expect(rules.every(Boolean), 'every mapped id exists').toBe(true);
      // every named field of the row is checked by one of its rules (sections by name)
      const covered = new Set<string>(rules.flatMap((r: any) => [...(r.fields ?? []), ...Object.keys(r.params?.specs ?? {}), r.section ?? 'setlinfo']));
      const named = fields.split(/[\s,]+/).filter((f) => /^[a-z][a-z0-9_/*]*$/.test(f) && (f.includes('_') || f in ALIAS));
      const timesAndBounds = ['adm_time', 'dscg_time', 'diag_type', 'maindiag_flag', 'diag_code'];
      for (const f of named) {
        if (timesAndBounds.includes(f) && ['2134', '2136', '2137', '2139'].includes(key)) continue; // bounds / match keys, in params
        const names = ALIAS[f] ?? [f];
        expect(names.some((n) => covered.has(n)), `${key}: ${f}`).toBe(true);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------

describe('op 80: regional overrides', () => {
  it('newborn birth weight 150 g passes the national range (100–9999) and fails Sichuan (200–20000); 12000 g the other way', () => {
    const l = clone(LIST_4101);
    l.setlinfo.bld_unt = 'u'; // the Sichuan unit list is S1's (u, m/l)
    l.setlinfo.nwb_bir_wt = '150';
    expect(check(l).violations).toEqual([]);
    expect(pairs(check(l, { overrides: SICHUAN }))).toEqual(['2132 setlinfo.nwb_bir_wt']);
    expect(check(l, { overrides: SICHUAN }).violations[0]!.message_zh).toBe('【新生儿出生体重】填写值体重范围不在200-20000g内');
    // nwb_bir_wt is N(6,2) (at most 9999.99): the upper end of S1's range only matters for the 4101A multi-birth text
    const a = clone(LIST_4101A);
    a.bldinfo[0].bld_unt = 'u';
    a.setlinfo.mul_nwb_bir_wt = '12000,2500';
    expect(pairs(check(a, { variant: '4101A' }))).toEqual(['2140 setlinfo.mul_nwb_bir_wt']);
    expect(check(a, { variant: '4101A' }).violations[0]!.message_zh).toBe('【多新生儿出生体重】填写不规范-第1个数值12000不在100-9999范围内');
    expect(check(a, { variant: '4101A', overrides: SICHUAN }).violations).toEqual([]);
  });

  it('the national transfusion unit U is not in the Sichuan list; Sichuan requires the responsible nurse (4101A)', () => {
    expect(pairs(check(clone(LIST_4101), { overrides: SICHUAN }))).toEqual(['2006.bld_unt setlinfo.bld_unt']);
    const a = clone(LIST_4101A);
    a.bldinfo[0].bld_unt = 'u';
    a.setlinfo.resp_nurs_code = '';
    expect(check(a, { variant: '4101A' }).violations).toEqual([]);
    expect(pairs(check(a, { variant: '4101A', overrides: SICHUAN }))).toEqual(['2005.resp_nurs setlinfo.resp_nurs_code']);
  });

  it('Chengdu adds the count rules on top of Sichuan: the counts must match the rows sent', () => {
    const l = clone(LIST_4101);
    l.setlinfo.bld_unt = 'u';
    expect(check(l, { overrides: CHENGDU }).violations).toEqual([]);
    l.setlinfo.diag_code_cnt = '3';
    l.setlinfo.oprn_oprt_code_cnt = 0;
    const r = check(l, { overrides: CHENGDU });
    expect(pairs(r)).toEqual(['cd.diag_code_cnt setlinfo.diag_code_cnt', 'cd.oprn_oprt_code_cnt setlinfo.oprn_oprt_code_cnt']);
    expect(r.violations[0]!.message_zh).toBe('【诊断代码计数】与住院诊断信息条数不一致（填写3，实际2条）');
    expect(check(l, { overrides: SICHUAN }).violations).toEqual([]);
  });

  it('overrides: params merge key by key (null removes), enabled false disables, a new id with a kind is added, messages replace', () => {
    const l = clone(LIST_4101);
    l.setlinfo.poscode = '6100a';
    expect(pairs(check(l))).toEqual(['2129 setlinfo.poscode', '2130 setlinfo.poscode']);
    expect(pairs(check(l, { overrides: [{ id: '2129', enabled: false }] }))).toEqual(['2130 setlinfo.poscode']);
    const r = check(l, { overrides: [{ id: '2130', message_zh: '邮编须为6位：{value}', params: { eq: 7 } }, { id: 'x.emp_tel', kind: 'required', fields: ['emp_tel'], source: 'local' }] });
    expect(r.violations.filter((v) => v.rule !== '2129').map((v) => [v.rule, v.path, v.message_zh])).toEqual([['2130', 'setlinfo.poscode', '邮编须为6位：6100a']]);
    l.setlinfo.emp_tel = '';
    expect(paths(check(l, { overrides: [{ id: 'x.emp_tel', kind: 'required', fields: ['emp_tel'] }] }), 'x.emp_tel')).toEqual(['setlinfo.emp_tel']);
    // a whole replacement table
    const own = check(l, { rules: [{ id: 'only', kind: 'required', fields: ['emp_tel', 'poscode'], message_zh: '缺{label}' }] });
    expect(own.rules).toBe(1);
    expect(own.violations.map((v) => v.message_zh)).toEqual(['缺单位电话']);
  });
});

// ---------------------------------------------------------------------------------------------------

/** The dirty list: one realistic list broken in many places at once. */
function dirtyList(): List {
  const l = clone(LIST_4101);
  const s = l.setlinfo;
  delete s.medcasno; // 4101.req.setlinfo
  s.coner_tel = ''; // 4101.req.setlinfo
  s.ntly = '中国'; // 2006.ntly
  s.gend = 'M'; // code.gend
  s.brdy = '2026-11-01'; // newborn (9 days at admission): nwb_adm_type and nwb_adm_wt required
  s.age = '0';
  s.poscode = '6100'; // 2130 (digits fine)
  s.dscg_way = '7'; // 2006.dscg_way
  s.hi_paymtd = ''; // 4101.req.setlinfo
  s.setl_end_date = '2026-11-22'; // 2137: after discharge
  s.pwcry_afadm_coma_dura = '2/30/0'; // 2135
  s.chfpdr_code = ''; // 2005
  s.nwb_bir_wt = '50'; // 2132 (also a birth diagnosis below: filled, so S2.nwb_bir_wt is satisfied)
  s.psn_cashpay = '1500.505'; // 4101.fmt.setlinfo
  l.payinfo[0].fund_pay_type = ''; // 4101.req.payinfo
  l.diseinfo[0].maindiag_flag = '0'; // 2139: no main diagnosis left
  l.diseinfo.push({ diag_type: '1', diag_code: 'O80.000', diag_name: '单胎顺产', adm_cond_type: '9', maindiag_flag: '0' }); // 2006.adm_cond_type
  l.oprninfo[0].oprn_oprt_code = 'APPENDECTOMY'; // 2133
  l.oprninfo[0].oprn_oprt_date = '2026-11-09'; // before admission
  l.icuinfo[0].scs_cutd_exit_time = '2026-11-11 11:00:00'; // 2136: exit before entry
  l.iteminfo.push({ med_chrgitm: '99', amt: '1.00' }); // code + required
  return l;
}

describe('op 80: a dirty list reports every violation', () => {
  it('the full set, in rule order', () => {
    const r = check(dirtyList());
    expect(r.ok).toBe(false);
    expect(pairs(r)).toEqual([
      '4101.req.setlinfo setlinfo.medcasno',
      '4101.req.setlinfo setlinfo.coner_tel',
      '4101.req.setlinfo setlinfo.hi_paymtd',
      '4101.req.payinfo payinfo[0].fund_pay_type',
      '4101.req.iteminfo iteminfo[3].claa_sumfee',
      '4101.req.iteminfo iteminfo[3].clab_amt',
      '4101.req.iteminfo iteminfo[3].fulamt_ownpay_amt',
      '4101.req.iteminfo iteminfo[3].oth_amt',
      '2005 setlinfo.chfpdr_code',
      'S2.nwb_adm_type setlinfo.nwb_adm_type',
      'S2.nwb_adm_wt setlinfo.nwb_adm_wt',
      '4101.fmt.setlinfo setlinfo.psn_cashpay',
      '2006.ntly setlinfo.ntly',
      'code.gend setlinfo.gend',
      '2006.dscg_way setlinfo.dscg_way',
      '2006.adm_cond_type diseinfo[2].adm_cond_type',
      'code.med_chrgitm iteminfo[3].med_chrgitm',
      '2133 oprninfo[0].oprn_oprt_code',
      '2130 setlinfo.poscode',
      '2132 setlinfo.nwb_bir_wt',
      'time.oprn_oprt_date oprninfo[0].oprn_oprt_date',
      '2136 icuinfo[0].scs_cutd_exit_time',
      '2137 setlinfo.setl_end_date',
      '2135 setlinfo.pwcry_afadm_coma_dura',
      '2139 diseinfo',
    ]);
    const by = (p: string) => r.violations.find((v) => v.path === p)!;
    expect(by('setlinfo.pwcry_afadm_coma_dura').message_zh).toBe('【颅脑损伤患者入院后昏迷时长】填写不规范-小时数应在0-24之间');
    expect(by('icuinfo[0].scs_cutd_exit_time').message_zh).toBe('【重症监护退出时间】填写不规范-不应早于【重症监护进入时间】');
    expect(by('setlinfo.setl_end_date').message_zh).toBe('【结算期间结束日期】填写不规范-应早于【出院时间】');
    expect(by('oprninfo[0].oprn_oprt_date').message_en).toBe('procedure date (oprn_oprt_date): must be after admission time (adm_time)');
    expect(by('setlinfo.psn_cashpay')).toMatchObject({ value: '1500.505', message_zh: '【个人现金支付】填写不规范-小数位数超过2位' });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('op 80: bad rule tables and bad input', () => {
  const bad: [string, unknown, RegExp][] = [
    ['unknown kind', { rules: [{ id: 'a', kind: 'nope', fields: ['x'] }] }, /rules\[0\] \(id "a"\): unknown kind "nope"/],
    ['missing id', { rules: [{ kind: 'required', fields: ['x'] }] }, /rules\[0\]: id is required/],
    ['duplicate id', { rules: [{ id: 'a', kind: 'required', fields: ['x'] }, { id: 'a', kind: 'required', fields: ['y'] }] }, /rule id "a" is used twice/],
    ['no fields', { rules: [{ id: 'a', kind: 'required' }] }, /fields must name at least one field/],
    ['bad range bound', { rules: [{ id: 'a', kind: 'range', fields: ['x'], params: { min: '1e3' } }] }, /params\.min must be a decimal, got "1e3"/],
    ['unknown table', { rules: [{ id: 'a', kind: 'code', fields: ['x'], params: { table: 'nope' } }] }, /code table "nope" is unknown/],
    ['unknown shape', { rules: [{ id: 'a', kind: 'code', fields: ['x'], params: { shape: 'icd11' } }] }, /params\.shape must be icd10, icd9cm3 or dept/],
    ['bad spec', { rules: [{ id: 'a', kind: 'format', params: { specs: { x: 'X(3)' } } }] }, /params\.specs\.x: unknown type "X\(3\)"/],
    ['bad variant', { rules: [{ id: 'a', kind: 'required', fields: ['x'], applies_to: ['4102'] }] }, /unknown variant "4102"/],
    ['bad condition', { rules: [{ id: 'a', kind: 'required', fields: ['x'], when: [{ field: 'y' }] }] }, /condition on y needs in, not_in, filled or prefix/],
    ['required_when without when', { rules: [{ id: 'a', kind: 'required_when', fields: ['x'] }] }, /required_when needs when/],
    ['override of an unknown rule', { overrides: [{ id: 'nope', enabled: false }] }, /overrides\[0\]: no rule "nope" to override/],
    ['override without id', { overrides: [{ enabled: false }] }, /overrides\[0\]: id \(string\) is required/],
    ['broken override of a built-in rule', { overrides: [{ id: '2132', params: { max: 'lots' } }] }, /\(id "2132"\): params\.max must be a decimal/],
    ['code table of numbers and objects', { codeTables: { icd10: [{}] } }, /codeTables\.icd10: values\[0\] must be a string/],
  ];
  for (const [name, extra, detail] of bad) {
    it(`QC_RULES: ${name}`, () => {
      const e = fail({ list: LIST_4101, ...(extra as object) });
      expect(e.status).toBe(810);
      expect(e.code).toBe('QC_RULES');
      expect(e.detail).toMatch(detail);
    });
  }

  it('a rule from the input carries its byte position', () => {
    const text = JSON.stringify({ list: {}, rules: [{ id: 'a', kind: 'required', fields: ['x'] }, { id: 'b', kind: 'zzz', fields: ['x'] }] });
    const e = fail(text) as any;
    expect(text.slice(e.pos, e.pos + 5)).toBe('"zzz"');
  });

  it('input errors have the usual codes', () => {
    expect(fail('[1]').code).toBe('WRONG_TYPE');
    expect(fail('{"variant":"4101"}')).toMatchObject({ code: 'MISSING_FIELD', detail: 'list' });
    expect(fail({ list: [] }).code).toBe('WRONG_TYPE');
    expect(fail({ list: {}, variant: '4102' }).code).toBe('BAD_ENUM');
    expect(fail('{"list":{},"list":{}}').code).toBe('DUPLICATE_KEY');
    expect(fail({ list: {}, rules: {} }).code).toBe('WRONG_TYPE');
    expect(fail('{"list":{},"rules":[{"id":"a","id":"b","kind":"required","fields":["x"]}]}').code).toBe('DUPLICATE_KEY');
    expect(fail('{"list":').code).toBe('JSON_SYNTAX');
  });

  it('a list of the wrong shape is a violation, not an error', () => {
    expect(pairs(check({}))).toEqual(['shape setlinfo']);
    expect(pairs(check({ setlinfo: 'x', diseinfo: 'y' }))).toEqual(['shape setlinfo', 'shape diseinfo']);
  });
});

describe('op 80: random input never traps', () => {
  const alive = () => expect(JSON.parse(dec.decode(core.call(0, '').bytes)).name).toBe('yibao-core');

  it('random JSON documents (fast-check)', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        const r = core.call(OP, text);
        const out = JSON.parse(dec.decode(r.bytes));
        if (r.rc < 0) expect(out.status).toBe(-r.rc);
        else expect(Array.isArray(out.violations)).toBe(true);
      }),
      { numRuns: 400 },
    );
    alive();
  });

  it('random values in every field of the complete lists, random rules and overrides', () => {
    const fields4101 = Object.keys(LIST_4101.setlinfo);
    const anyValue = fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...fields4101), anyValue), { maxLength: 12 }), fc.constantFrom<'4101' | '4101A'>('4101', '4101A'), (muts, variant) => {
        const l = clone(variant === '4101' ? LIST_4101 : LIST_4101A);
        for (const [k, v] of muts) l.setlinfo[k] = v;
        const r = core.call(OP, JSON.stringify({ list: l, variant }));
        expect(r.rc).toBeGreaterThan(0);
        const out = JSON.parse(dec.decode(r.bytes)) as Result;
        for (const v of out.violations) expect(typeof v.rule).toBe('string');
      }),
      { numRuns: 300 },
    );
    const ruleLike = fc.record({ id: fc.string({ maxLength: 3 }), kind: fc.constantFrom('required', 'code', 'range', 'format', 'time_order', 'exactly_one', 'rows', 'sections', 'multi_range', 'digits', 'length', 'count_match', 'duration', 'x'), section: fc.constantFrom('setlinfo', 'diseinfo', 'nope'), fields: fc.array(fc.constantFrom('ntly', 'diag_code', 'x'), { maxLength: 3 }), params: fc.jsonValue({ maxDepth: 2 }), when: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['id'] });
    fc.assert(
      fc.property(fc.array(ruleLike, { maxLength: 4 }), fc.boolean(), (rules, asOverrides) => {
        const r = core.call(OP, JSON.stringify(asOverrides ? { list: LIST_4101, overrides: rules } : { list: LIST_4101, rules }));
        const out = JSON.parse(dec.decode(r.bytes));
        if (r.rc < 0) expect([810, 108, 104]).toContain(out.status);
      }),
      { numRuns: 400 },
    );
    alive();
  });
});
