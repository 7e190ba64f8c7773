import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeeItem, PolicyParams, PresettleResult } from '../../../host-node/src/contract.js';
import { createCore } from '../../../host-node/src/index.js';
import { SICHUAN_SANDBOX_POLICY } from '../manifest.js';
import { lookupItem } from './catalog.js';
import { startSandbox, type Sandbox } from './server.js';
import { Client, feeLine } from './testkit.js';
import { fmtFen, yuanToFen } from './wire.js';

const core = createCore();
const clock = { t: new Date('2026-11-20T02:00:00Z') };
let sb: Sandbox;
let c: Client;

const P = {
  zhang: { psn_no: '51010000000000000001', certno: '510104198503152311', insutype: '310' },
  li: { psn_no: '51010000000000000002', certno: '510105195608221021', insutype: '310' },
  wang: { psn_no: '51010000000000000003', certno: '510107199006074619', insutype: '390' },
  zhao: { psn_no: '51010000000000000004', certno: '510104197801122714', insutype: '310' },
  qian: { psn_no: '51010000000000000005', certno: '510112196812303049', insutype: '390' },
  sun: { psn_no: '51010000000000000006', certno: '510106197205051836', insutype: '310' },
} as const;
type Who = (typeof P)[keyof typeof P];

beforeAll(async () => {
  sb = await startSandbox({ core, now: () => clock.t });
  c = new Client(sb.url, core, { now: () => clock.t });
  await c.signIn();
});
afterAll(() => sb.close());

const fen = (x: unknown) => Number(yuanToFen(String(x)));
const policy = (scope: 'outpatient' | 'inpatient', insutype: '310' | '390'): PolicyParams => JSON.parse(JSON.stringify(SICHUAN_SANDBOX_POLICY[scope][insutype]));

/** The core's view of uploaded lines, built from the published catalog (independently of the sandbox code). */
function coreItems(lines: Record<string, unknown>[]): FeeItem[] {
  return lines.map((l) => {
    const i = lookupItem(String(l['med_list_codg']));
    return {
      feedetl_sn: String(l['feedetl_sn']), med_chrgitm_type: i?.med_chrgitm_type ?? '14', chrgitm_lv: i?.chrgitm_lv ?? '03',
      pric: String(l['pric']), cnt: String(l['cnt']), selfpay_prop: i?.selfpay_prop ?? '1', pric_uplmt_amt: i?.pric_uplmt_amt ?? null,
      det_item_fee_sumamt: String(l['det_item_fee_sumamt']),
    };
  });
}

const MONEY = ['medfee_sumamt', 'fulamt_ownpay_amt', 'overlmt_selfpay', 'preselfpay_amt', 'inscp_scp_amt', 'act_pay_dedc', 'hifp_pay', 'cvlserv_pay', 'hifes_pay', 'hifmi_pay', 'hifob_pay', 'maf_pay', 'oth_pay', 'fund_pay_sumamt', 'psn_part_amt', 'acct_pay', 'psn_cash_pay', 'hosp_part_amt', 'balc', 'acct_mulaid_pay'] as const;

/** The reply's setlinfo/setldetail equal the core's result to the fen. */
function expectSame(out: Record<string, any>, r: PresettleResult, sign = 1, balcAfter = r.setlinfo.balc) {
  for (const k of MONEY) {
    const want = k === 'balc' ? balcAfter : sign * r.setlinfo[k];
    expect(out['setlinfo'][k], k).toBe(fmtFen(want === 0 ? 0 : want));
  }
  expect(out['setlinfo']['pool_prop_selfpay']).toBe(r.setlinfo.pool_prop_selfpay);
  expect(out['setldetail'].map((d: any) => [d.fund_pay_type, d.fund_payamt, d.inscp_scp_amt])).toEqual(
    r.setldetail.map((d) => [d.fund_pay_type, fmtFen(sign * d.fund_payamt || 0), fmtFen(sign * d.inscp_scp_amt || 0)]),
  );
}

async function register(who: Who, ipt: string): Promise<string> {
  const out = await c.ok('2201', {
    data: { psn_no: who.psn_no, insutype: who.insutype, begntime: '2026-11-20 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: who.certno, ipt_otp_no: ipt, atddr_no: 'D001', dr_name: '王医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' },
  });
  return out['data']['mdtrt_id'];
}

async function visitInfo(who: Who, mdtrt_id: string, med_type = '11') {
  return c.ok('2203A', {
    mdtrtinfo: { mdtrt_id, psn_no: who.psn_no, med_type, begntime: '2026-11-20 09:00:00', main_cond_dscr: '咳嗽三天', dise_codg: med_type === '14' ? 'M03900' : '', dise_name: '' },
    diseinfo: [{ diag_type: '1', diag_srt_no: '1', diag_code: 'J06.900', diag_name: '急性上呼吸道感染', diag_dept: '内科', dise_dor_no: 'D001', dise_dor_name: '王医生', diag_time: '2026-11-20 09:10:00', vali_flag: '1' }],
  });
}

const settleInput = (who: Who, mdtrt_id: string, medfee: string, chrg_bchno?: string) => ({
  data: { psn_no: who.psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: who.certno, med_type: '11', medfee_sumamt: medfee, psn_setlway: '01', mdtrt_id, ...(chrg_bchno ? { chrg_bchno } : {}), insutype: who.insutype, acct_used_flag: '1' },
});

const lineIn = (who: Who, mdtrt_id: string, chrg_bchno: string | undefined, l: Record<string, unknown>) => ({ ...l, mdtrt_id, psn_no: who.psn_no, ...(chrg_bchno ? { chrg_bchno } : {}) });

const errOf = async (infno: string, input: unknown) => {
  const r = await c.call(infno, input);
  expect(r.json?.['infcode'], r.text).toBe('-1');
  return r.json!['err_msg'] as string;
};

const OUT_LINES = [
  feeLine('1', '001103000010000', '15.00', '1'), // 甲 诊查费
  feeLine('2', 'XJ01DCK036A001010100002', '23.45', '2'), // 乙 5%
  feeLine('3', 'XC10AAA138A001010100004', '35.00', '1'), // 乙 5%, price cap 30.00
  feeLine('4', '001100000010000', '5', '1'), // 丙 挂号费
  feeLine('5', 'HIS-ONLY-0001', '8.80', '1'), // not in the catalog → 丙 with a warning
  feeLine('6', '002202030010000', '260.00', '1'), // 乙 10% CT
];

describe('outpatient 2201→2203→2204→2206→2207 settles exactly like the core', () => {
  let mdtrt_id = '';
  let settled: Record<string, any>;

  it('runs the flow', async () => {
    mdtrt_id = await register(P.zhang, 'MZ-0001');
    expect(mdtrt_id).toMatch(/^\d+$/);
    await visitInfo(P.zhang, mdtrt_id);
    const up = await c.call('2204', { feedetail: OUT_LINES.map((l) => lineIn(P.zhang, mdtrt_id, 'B1', l)) });
    expect(up.json!['infcode']).toBe('0');
    expect(up.json!['warn_msg']).toMatch(/HIS-ONLY-0001.*丙类全自费/);
    const result = up.json!['output']['result'] as any[];
    const cls = core.classify({ fee_items: coreItems(OUT_LINES) });
    expect(result.map((r) => [r.feedetl_sn, r.det_item_fee_sumamt, r.fulamt_ownpay_amt, r.overlmt_amt, r.preselfpay_amt, r.inscp_scp_amt])).toEqual(
      cls.items.map((i) => [i.feedetl_sn, fmtFen(i.det_item_fee_sumamt), fmtFen(i.fulamt_ownpay_amt), fmtFen(i.overlmt_amt), fmtFen(i.preselfpay_amt), fmtFen(i.inscp_scp_amt)]),
    );
    expect(result[2]).toMatchObject({ pric_uplmt_amt: '30.00', selfpay_prop: '0.05', chrgitm_lv: '02', med_chrgitm_type: '09', overlmt_amt: '5.00' });
    expect(result[4]).toMatchObject({ chrgitm_lv: '03', selfpay_prop: '1.00', pric_uplmt_amt: '999999', med_chrgitm_type: '14' });
    expect(Object.keys(result[0])).toEqual(['feedetl_sn', 'det_item_fee_sumamt', 'cnt', 'pric', 'pric_uplmt_amt', 'selfpay_prop', 'fulamt_ownpay_amt', 'overlmt_amt', 'preselfpay_amt', 'inscp_scp_amt', 'chrgitm_lv', 'med_chrgitm_type', 'bas_medn_flag', 'hi_nego_drug_flag', 'chld_medc_flag', 'list_sp_item_flag', 'lmt_used_flag', 'drt_reim_flag', 'memo']);

    const expected = core.presettle({
      params: policy('outpatient', '310'),
      person: { ytd_dedc_paid_fen: 0, ytd_hifp_paid_fen: 0, acct_balance_fen: 300000, acct_used_flag: '1', cvlserv_flag: '0', aid_eligible: false },
      fee_items: coreItems(OUT_LINES),
    });
    const total = fmtFen(expected.setlinfo.medfee_sumamt);
    expect(total).toBe('370.70');

    // wrong medfee_sumamt is refused
    expect((await c.call('2206', settleInput(P.zhang, mdtrt_id, '370.71', 'B1'))).json!['err_msg']).toMatch(/医疗费总额/);

    const pre = await c.call('2206', settleInput(P.zhang, mdtrt_id, total, 'B1'));
    expect(pre.json!['infcode']).toBe('0');
    expect(pre.json!['output']['setlinfo']).toMatchObject({ setl_id: null, mdtrt_id, psn_no: P.zhang.psn_no, psn_name: '张在职', medins_setl_id: pre.json!['output']['setlinfo']['medins_setl_id'], clr_optins: null });
    expectSame(pre.json!['output'], expected);
    expect(pre.text).toContain('"medfee_sumamt":370.70');
    expect(pre.text).toMatch(/"act_pay_dedc":200\.00/);

    const msgid = c.newMsgid();
    const st = await c.call('2207', settleInput(P.zhang, mdtrt_id, total, 'B1'), { msgid });
    expect(st.json!['infcode']).toBe('0');
    settled = st.json!['output'];
    expectSame(settled, expected);
    expect(settled['setlinfo']).toMatchObject({ mdtrt_id, medins_setl_id: msgid, clr_optins: '510100', clr_way: '1', clr_type: '11', insutype: '310', psn_type: '1101', med_type: '11', mdtrt_cert_type: '02', certno: P.zhang.certno });
    expect(settled['setlinfo']['setl_id']).toMatch(/^\d+$/);
    // every field of the 2207 setlinfo
    expect(Object.keys(settled['setlinfo'])).toEqual(['mdtrt_id', 'setl_id', 'psn_no', 'psn_name', 'psn_cert_type', 'certno', 'gend', 'naty', 'brdy', 'age', 'insutype', 'psn_type', 'cvlserv_flag', 'setl_time', 'mdtrt_cert_type', 'med_type', ...MONEY.slice(0, 7), 'pool_prop_selfpay', ...MONEY.slice(7), 'medins_setl_id', 'clr_optins', 'clr_way', 'clr_type']);

    // a second 2207 of the same batch is refused
    expect(await errOf('2207', settleInput(P.zhang, mdtrt_id, total, 'B1'))).toMatch(/已结算/);

    // the ledger, the balance (1101) and the accumulators (5206) moved
    const led = sb.ledger().find((e) => e.setl_id === settled['setlinfo']['setl_id'])!;
    expect(led).toMatchObject({ mdtrt_id, psn_no: P.zhang.psn_no, infno: '2207', msgid, status: 'valid', chrg_bchno: 'B1', medfee_sumamt: 37070, insutype: '310', clr_type: '11' });
    expect(led.fund_pay_sumamt).toBe(expected.setlinfo.fund_pay_sumamt);
    expect(led.acct_pay + led.psn_cash_pay + led.fund_pay_sumamt).toBe(37070);
    const who = await c.ok('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: P.zhang.certno } });
    expect(fen(who.insuinfo[0].balc)).toBe(expected.setlinfo.balc);
    const cum = await c.ok('5206', { data: { psn_no: P.zhang.psn_no } });
    const get = (code: string) => cum.cuminfo.find((x: any) => x.cum_type_code === code).cum;
    expect(fen(get('OP_DEDC'))).toBe(20000);
    expect(fen(get('OP_HIFP'))).toBe(expected.setlinfo.hifp_pay);
    // queries see it
    const q = await c.ok('5203', { data: { psn_no: P.zhang.psn_no, setl_id: settled['setlinfo']['setl_id'], mdtrt_id } });
    expect(q.setlinfo.medfee_sumamt).toBe('370.70');
    const fd = await c.ok('5204', { data: { psn_no: P.zhang.psn_no, setl_id: settled['setlinfo']['setl_id'], mdtrt_id } });
    expect(fd.feedetail).toHaveLength(6);
    const v = await c.ok('5201', { data: { psn_no: P.zhang.psn_no } });
    expect(v.mdtrtinfo.map((x: any) => x.mdtrt_id)).toContain(mdtrt_id);
  });

  it('cancellation chain 2208 → 2205 → 2202', async () => {
    const setl_id = settled['setlinfo']['setl_id'];
    expect(await errOf('2202', { data: { psn_no: P.zhang.psn_no, mdtrt_id, ipt_otp_no: 'MZ-0001' } })).toMatch(/有效结算.*2208/);
    expect(await errOf('2205', { data: { psn_no: P.zhang.psn_no, mdtrt_id, chrg_bchno: 'B1' } })).toMatch(/已结算.*2208/);
    const msgid = c.newMsgid();
    const cancel = await c.call('2208', { data: { setl_id, mdtrt_id, psn_no: P.zhang.psn_no } }, { msgid });
    expect(cancel.json!['infcode']).toBe('0');
    const cs = cancel.json!['output']['setlinfo'];
    expect(cs['setl_id']).not.toBe(setl_id);
    expect(cs['medfee_sumamt']).toBe('-370.70');
    expect(cs['medins_setl_id']).toBe(msgid);
    for (const k of MONEY) if (k !== 'balc') expect(fen(cs[k]), k).toBe(-fen(settled['setlinfo'][k]) || 0);
    expect(cs['balc']).toBe('3000.00');
    expect(cancel.text).toContain('"medfee_sumamt":-370.70');
    const led = sb.ledger();
    expect(led.find((e) => e.setl_id === setl_id)).toMatchObject({ status: 'cancelled', cancel_setl_id: cs['setl_id'], cancel_msgid: msgid });
    expect(led.find((e) => e.setl_id === cs['setl_id'])).toBeUndefined(); // the negative record is not a ledger entry
    const cum = await c.ok('5206', { data: { psn_no: P.zhang.psn_no } });
    expect(cum.cuminfo.every((x: any) => x.cum_type_code === 'ACCT_BALC' || x.cum === '0.00')).toBe(true);
    expect(await errOf('2208', { data: { setl_id, mdtrt_id, psn_no: P.zhang.psn_no } })).toMatch(/已撤销/);
    // the lines are unsettled again: a fresh pre-settlement equals the first one
    const again = await c.ok('2206A', settleInput(P.zhang, mdtrt_id, '370.70', 'B1'));
    expect(again.setlinfo.hifp_pay).toBe(settled['setlinfo']['hifp_pay']);
    await c.ok('2205', { data: { psn_no: P.zhang.psn_no, mdtrt_id, chrg_bchno: 'B1' } });
    expect(await errOf('2206', settleInput(P.zhang, mdtrt_id, '370.70', 'B1'))).toMatch(/没有收费批次号【B1】的待结算费用明细/);
    await c.ok('2202', { data: { psn_no: P.zhang.psn_no, mdtrt_id, ipt_otp_no: 'MZ-0001' } });
    expect(await errOf('2204', { feedetail: [lineIn(P.zhang, mdtrt_id, 'B2', OUT_LINES[0]!)] })).toMatch(/已撤销/);
    expect(await errOf('2202', { data: { psn_no: P.zhang.psn_no, mdtrt_id, ipt_otp_no: 'MZ-0001' } })).toMatch(/已撤销/);
  });
});

describe('multi-bill (收费批次号)', () => {
  it('settles each chrg_bchno separately, with accumulators carried from bill to bill', async () => {
    const mdtrt_id = await register(P.li, 'MZ-0002');
    await visitInfo(P.li, mdtrt_id);
    const b1 = [feeLine('1', '002503010010000', '20.00', '1'), feeLine('2', '002202040010000', '600.00', '1')];
    const b2 = [feeLine('3', 'XA10BKD123A001010100006', '98.60', '3'), feeLine('4', 'ZA12HAF0150010100002', '26.50', '2')];
    await c.ok('2204', { feedetail: b1.map((l) => lineIn(P.li, mdtrt_id, 'B1', l)) });
    await c.ok('2204', { feedetail: b2.map((l) => lineIn(P.li, mdtrt_id, 'B2', l)) });
    // duplicate feedetl_sn
    expect(await errOf('2204', { feedetail: [lineIn(P.li, mdtrt_id, 'B3', b1[0]!)] })).toMatch(/已上传/);
    const params = policy('outpatient', '310');
    const first = core.presettle({ params, person: { acct_balance_fen: 800000, acct_used_flag: '1' }, fee_items: coreItems(b1) });
    const pre1 = await c.ok('2206A', settleInput(P.li, mdtrt_id, fmtFen(first.setlinfo.medfee_sumamt), 'B1'));
    expectSame(pre1, first);
    const s1 = await c.ok('2207A', settleInput(P.li, mdtrt_id, fmtFen(first.setlinfo.medfee_sumamt), 'B1'));
    expectSame(s1, first);
    expect(await errOf('2207A', settleInput(P.li, mdtrt_id, fmtFen(first.setlinfo.medfee_sumamt), 'B1'))).toMatch(/收费批次号【B1】的费用明细已结算/);
    expect(await errOf('2204', { feedetail: [lineIn(P.li, mdtrt_id, 'B1', feeLine('9', '002503010010000', '20.00', '1'))] })).toMatch(/B1】已结算/);
    const second = core.presettle({
      params,
      person: { ytd_dedc_paid_fen: first.setlinfo.act_pay_dedc, ytd_hifp_paid_fen: first.setlinfo.hifp_pay, acct_balance_fen: first.setlinfo.balc, acct_used_flag: '1' },
      fee_items: coreItems(b2),
    });
    const s2 = await c.ok('2207A', settleInput(P.li, mdtrt_id, fmtFen(second.setlinfo.medfee_sumamt), 'B2'));
    expectSame(s2, second);
    expect(s2.setlinfo.setl_id).not.toBe(s1.setlinfo.setl_id);
    const led = sb.ledger().filter((e) => e.mdtrt_id === mdtrt_id);
    expect(led.map((e) => [e.chrg_bchno, e.status])).toEqual([['B1', 'valid'], ['B2', 'valid']]);
    expect(led.map((e) => e.infno)).toEqual(['2207A', '2207A']);
    // 2208 undoes one bill; the other stays
    await c.ok('2208', { data: { setl_id: s2.setlinfo.setl_id, mdtrt_id, psn_no: P.li.psn_no } });
    expect(sb.ledger().find((e) => e.setl_id === s1.setlinfo.setl_id)!.status).toBe('valid');
  });

  it('refuses a suspended person and a wrong insutype', async () => {
    const r = await c.call('2201', { data: { psn_no: P.sun.psn_no, insutype: '310', begntime: '2026-11-20 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: P.sun.certno, ipt_otp_no: 'X', atddr_no: 'D', dr_name: 'd', dept_code: 'A', dept_name: 'a', caty: 'A' } });
    expect(r.json!['err_msg']).toMatch(/暂停参保/);
    const r2 = await c.call('2201', { data: { psn_no: P.wang.psn_no, insutype: '310', begntime: '2026-11-20 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: P.wang.certno, ipt_otp_no: 'Y', atddr_no: 'D', dr_name: 'd', dept_code: 'A', dept_name: 'a', caty: 'A' } });
    expect(r2.json!['err_msg']).toMatch(/险种类型/);
    const r3 = await c.call('2201', { data: { psn_no: P.wang.psn_no, insutype: '390' } });
    expect(r3.json!['err_msg']).toMatch(/input\.data\.begntime/);
    const r4 = await c.call('2201', { data: { psn_no: P.wang.psn_no } }, { insuplc: '' });
    expect(r4.json!['err_msg']).toMatch(/input\.data\.insutype/);
  });
});

const ADMIT = (who: Who, ipt: string) => ({
  mdtrtinfo: {
    psn_no: who.psn_no, insutype: who.insutype, begntime: '2026-11-15 08:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: who.certno, med_type: '21', ipt_no: ipt,
    atddr_no: 'D002', chfpdr_name: '李医生', adm_diag_dscr: '腹痛', adm_dept_codg: 'A07', adm_dept_name: '普外科', adm_bed: '12', dscg_maindiag_code: 'K35.800', dscg_maindiag_name: '急性阑尾炎',
  },
  diseinfo: [{ psn_no: who.psn_no, diag_type: '1', maindiag_flag: '1', diag_srt_no: '1', diag_code: 'K35.800', diag_name: '急性阑尾炎', diag_dept: '普外科', dise_dor_no: 'D002', dise_dor_name: '李医生', diag_time: '2026-11-15 08:30:00' }],
});

const DISCHARGE = (who: Who, mdtrt_id: string) => ({
  dscginfo: { mdtrt_id, psn_no: who.psn_no, insutype: who.insutype, endtime: '2026-11-20 09:00:00', dscg_dept_codg: 'A07', dscg_dept_name: '普外科', dscg_way: '1' },
  diseinfo: [{ diag_type: '1', diag_srt_no: '1', diag_code: 'K35.800', diag_name: '急性阑尾炎', diag_dept: '普外科', dise_dor_no: 'D002', dise_dor_name: '李医生', diag_time: '2026-11-20 08:30:00' }],
});

const IP_LINES = [
  feeLine('1', '001102000010000', '35.00', '5'),
  feeLine('2', '001202000010000', '24.00', '5'),
  feeLine('3', '003311000010000', '1350.00', '1'), // over the 1200.00 cap
  feeLine('4', 'XB05BBN001B002010100010', '4.80', '10'),
  feeLine('5', 'C03120201001001000001', '4.50', '6'),
  feeLine('6', 'XJ01CAA040A001010100001', '12.50', '2'),
  feeLine('7', '003100000990000', '300.00', '1'), // 丙
];

const ipSettle = (who: Who, mdtrt_id: string, medfee: string) => ({
  data: { psn_no: who.psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: who.certno, medfee_sumamt: medfee, psn_setlway: '01', mdtrt_id, insutype: who.insutype, acct_used_flag: '1', mid_setl_flag: '0' },
});

describe('inpatient', () => {
  it('2401 → 2301 → 2303 → 2402 → 2304, then 2305 → 2405 → 2302 → 2404', async () => {
    const who = P.qian; // 城乡居民 + 医疗救助
    const adm = await c.ok('2401', ADMIT(who, 'ZY-0001'));
    const mdtrt_id = adm.result.mdtrt_id;
    expect(adm.result).toMatchObject({ psn_no: who.psn_no, ipt_otp_no: 'ZY-0001' });
    expect(await errOf('2401', ADMIT(who, 'ZY-0002'))).toMatch(/已在院/);
    expect(await errOf('2303', ipSettle(who, mdtrt_id, '0.00'))).toMatch(/没有待结算/);
    const up = await c.ok('2301', { feedetail: IP_LINES.map((l) => lineIn(who, mdtrt_id, undefined, { ...l, med_type: '21' })) });
    expect(up.result).toHaveLength(7);
    expect(up.result[2]).toMatchObject({ overlmt_amt: '150.00', inscp_scp_amt: '1200.00' });
    const inHosp = await c.ok('5303', { data: { psn_no: who.psn_no } });
    expect(inHosp.data.map((x: any) => x.mdtrt_id)).toEqual([mdtrt_id]);
    const expected = core.presettle({ params: policy('inpatient', '390'), person: { aid_eligible: true, acct_used_flag: '1' }, fee_items: coreItems(IP_LINES) });
    expect(expected.setlinfo.maf_pay).toBeGreaterThan(0);
    const total = fmtFen(expected.setlinfo.medfee_sumamt);
    const pre = await c.ok('2303', ipSettle(who, mdtrt_id, total));
    expectSame(pre, expected);
    expect(pre.setlinfo).toMatchObject({ setl_id: null, med_type: '21' });
    expect(await errOf('2304', ipSettle(who, mdtrt_id, total))).toMatch(/未办理出院/);
    await c.ok('2402', DISCHARGE(who, mdtrt_id));
    const st = await c.ok('2304', ipSettle(who, mdtrt_id, total));
    expectSame(st, expected);
    expect(st.setlinfo).toMatchObject({ clr_type: '21', clr_optins: '510100' });
    const setl_id = st.setlinfo.setl_id;
    // undo in the documented order
    expect(await errOf('2405', { data: { mdtrt_id, psn_no: who.psn_no } })).toMatch(/2305/);
    expect(await errOf('2302', { data: { feedetl_sn: '0000', mdtrt_id, psn_no: who.psn_no } })).toMatch(/2305/);
    expect(await errOf('2404', { data: { mdtrt_id, psn_no: who.psn_no } })).toMatch(/2305/);
    const cancel = await c.ok('2305', { data: { setl_id, mdtrt_id, psn_no: who.psn_no } });
    expectSame(cancel, expected, -1);
    expect(await errOf('2404', { data: { mdtrt_id, psn_no: who.psn_no } })).toMatch(/2405/);
    await c.ok('2405', { data: { mdtrt_id, psn_no: who.psn_no } });
    await c.ok('2302', { data: { feedetl_sn: '3', mdtrt_id, psn_no: who.psn_no } });
    await c.ok('2302', { data: { feedetl_sn: '0000', mdtrt_id, psn_no: who.psn_no } });
    await c.ok('2404', { data: { mdtrt_id, psn_no: who.psn_no } });
    expect(sb.ledger().filter((e) => e.mdtrt_id === mdtrt_id).map((e) => e.status)).toEqual(['cancelled']);
    const cum = await c.ok('5206', { data: { psn_no: who.psn_no } });
    expect(cum.cuminfo.filter((x: any) => x.cum_type_code.startsWith('IP_')).every((x: any) => x.cum === '0.00')).toBe(true);
  });

  it('2403 changes an admission, per-visit deductible applies once per stay', async () => {
    const who = P.wang;
    const mdtrt_id = (await c.ok('2401', ADMIT(who, 'ZY-0100'))).result.mdtrt_id;
    await c.ok('2403', { adminfo: { mdtrt_id, psn_no: who.psn_no, adm_bed: '15' } });
    const l1 = [feeLine('1', '001102000010000', '35.00', '30')];
    await c.ok('2301', { feedetail: l1.map((l) => lineIn(who, mdtrt_id, undefined, l)) });
    const e1 = core.presettle({ params: policy('inpatient', '390'), person: {}, fee_items: coreItems(l1) });
    // 中途结算 while in hospital
    const s1 = await c.ok('2304A', { data: { ...ipSettle(who, mdtrt_id, fmtFen(e1.setlinfo.medfee_sumamt)).data, mid_setl_flag: '1' } });
    expectSame(s1, e1);
    const l2 = [feeLine('2', '001202000010000', '24.00', '30')];
    await c.ok('2301', { feedetail: l2.map((l) => lineIn(who, mdtrt_id, undefined, l)) });
    const e2 = core.presettle({ params: policy('inpatient', '390'), person: { ytd_dedc_paid_fen: e1.setlinfo.act_pay_dedc, ytd_hifp_paid_fen: e1.setlinfo.hifp_pay }, fee_items: coreItems(l2) });
    await c.ok('2402', DISCHARGE(who, mdtrt_id));
    const s2 = await c.ok('2304A', ipSettle(who, mdtrt_id, fmtFen(e2.setlinfo.medfee_sumamt)));
    expectSame(s2, e2);
  });
});

describe('pharmacy 2101A → 2102A → 2103', () => {
  it('settles the lines sent in the request', async () => {
    const who = P.zhao; // 公务员
    const lines = [feeLine('1', 'XA10BAE054A001010100003', '18.60', '3'), feeLine('2', 'ZA04BAL0230010100001', '14.80', '2'), feeLine('3', 'XA11GAV001A001010100009', '39.00', '1')];
    const expected = core.presettle({ params: policy('outpatient', '310'), person: { acct_balance_fen: 500000, acct_used_flag: '1', cvlserv_flag: '1' }, fee_items: coreItems(lines) });
    const data = { psn_no: who.psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: who.certno, begntime: '2026-11-20 09:40:00', medfee_sumamt: fmtFen(expected.setlinfo.medfee_sumamt), insutype: '310', med_type: '41', psn_setlway: '01', acct_used_flag: '1' };
    const pre = await c.ok('2101A', { data, feedetail: lines });
    expectSame(pre, expected);
    expect(pre.setlinfo.mdtrt_id).toBeNull();
    expect(pre.detlcutinfo).toHaveLength(3);
    const msgid = c.newMsgid();
    const st = await c.call('2102A', { data, feedetail: lines }, { msgid });
    const out = st.json!['output'];
    expectSame(out, expected);
    expect(out.setlinfo).toMatchObject({ clr_type: '41', med_type: '41', medins_setl_id: msgid });
    expect(out.setlinfo.mdtrt_id).toMatch(/^\d+$/);
    expect(sb.ledger().find((e) => e.msgid === msgid)).toMatchObject({ infno: '2102A', status: 'valid' });
    const cancel = await c.ok('2103', { data: { setl_id: out.setlinfo.setl_id, psn_no: who.psn_no } });
    expectSame(cancel, expected, -1, 500000);
    expect(await errOf('2103', { data: { setl_id: out.setlinfo.setl_id, psn_no: who.psn_no } })).toMatch(/已撤销/);
    expect(await errOf('2208', { data: { setl_id: out.setlinfo.setl_id, psn_no: who.psn_no, mdtrt_id: out.setlinfo.mdtrt_id } })).toMatch(/不是门诊结算|已撤销/);
  });
});

describe('2601 冲正', () => {
  it('reverses a committed settlement, a cancellation and an admission', async () => {
    const who = P.zhang;
    const mdtrt_id = await register(who, 'MZ-0100');
    const lines = [feeLine('1', '001103000010000', '15.00', '1'), feeLine('2', 'XJ01CAA040A001010100001', '12.50', '4')];
    await c.ok('2204', { feedetail: lines.map((l) => lineIn(who, mdtrt_id, 'B1', l)) });
    const before = (await c.ok('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: who.certno } })).insuinfo[0].balc;
    const settleMsgid = c.newMsgid();
    const input = settleInput(who, mdtrt_id, '65.00', 'B1');
    const st = await c.call('2207', input, { msgid: settleMsgid });
    const setl_id = st.json!['output']['setlinfo']['setl_id'];
    expect((await c.ok('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: who.certno } })).insuinfo[0].balc).not.toBe(before);

    // non-reversible and mismatching requests
    expect(await errOf('2601', { data: { psn_no: who.psn_no, omsgid: settleMsgid, oinfno: '2204' } })).toMatch(/不支持冲正/);
    expect(await errOf('2601', { data: { psn_no: who.psn_no, omsgid: settleMsgid, oinfno: '2304' } })).toMatch(/不符/);
    expect(await errOf('2601', { data: { psn_no: P.li.psn_no, omsgid: settleMsgid, oinfno: '2207' } })).toMatch(/人员编号/);
    // unknown original: success with a warning
    const unknown = await c.call('2601', { data: { psn_no: who.psn_no, omsgid: `${c.fixmedins}20261120095959999`.padEnd(30, '9'), oinfno: '2207' } });
    expect(unknown.json).toMatchObject({ infcode: '0', warn_msg: '原交易不存在' });

    const revMsgid = c.newMsgid();
    const rev = await c.call('2601', { data: { psn_no: who.psn_no, omsgid: settleMsgid, oinfno: '2207' } }, { msgid: revMsgid });
    expect(rev.json).toMatchObject({ infcode: '0', warn_msg: null });
    expect(sb.ledger().find((e) => e.setl_id === setl_id)).toMatchObject({ status: 'reversed', reverse_msgid: revMsgid });
    expect((await c.ok('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: who.certno } })).insuinfo[0].balc).toBe(before);
    // the original msgid cannot be replayed any more; a second reversal only warns
    expect((await c.call('2207', input, { msgid: settleMsgid })).json!['err_msg']).toMatch(/已被冲正/);
    expect((await c.call('2601', { data: { psn_no: who.psn_no, omsgid: settleMsgid, oinfno: '2207' } })).json!['warn_msg']).toMatch(/已冲正/);
    // the lines can be settled again with a new msgid
    const st2 = await c.ok('2207', input);
    // reversing a 2208 restores the settlement
    const cancelMsgid = c.newMsgid();
    await c.call('2208', { data: { setl_id: st2.setlinfo.setl_id, mdtrt_id, psn_no: who.psn_no } }, { msgid: cancelMsgid });
    expect(sb.ledger().find((e) => e.setl_id === st2.setlinfo.setl_id)!.status).toBe('cancelled');
    expect(await errOf('2601', { data: { psn_no: who.psn_no, omsgid: st2.setlinfo.medins_setl_id, oinfno: '2207' } })).toMatch(/已撤销/);
    await c.ok('2601', { data: { psn_no: who.psn_no, omsgid: cancelMsgid, oinfno: '2208' } });
    const led = sb.ledger();
    expect(led.find((e) => e.setl_id === st2.setlinfo.setl_id)).toMatchObject({ status: 'valid' });
    expect(led.find((e) => e.setl_id === st2.setlinfo.setl_id)!.cancel_setl_id).toBeUndefined();
    expect(led.find((e) => e.setl_id === st2.setlinfo.setl_id)!.cancel_msgid).toBeUndefined();
    expect(fen((await c.ok('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: who.certno } })).insuinfo[0].balc)).toBe(fen(st2.setlinfo.balc));

    // an admission
    const admMsgid = c.newMsgid();
    const adm = await c.call('2401', ADMIT(P.li, 'ZY-0200'), { msgid: admMsgid });
    const ipId = adm.json!['output']['result']['mdtrt_id'];
    await c.ok('2601', { data: { psn_no: P.li.psn_no, omsgid: admMsgid, oinfno: '2401' } });
    expect(await errOf('2301', { feedetail: [lineIn(P.li, ipId, undefined, feeLine('1', '001102000010000', '35.00', '1'))] })).toMatch(/冲正/);
  });
});
