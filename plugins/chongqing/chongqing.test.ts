// Chongqing 金保 V1.02: conformance, the named pipe codec, and the outpatient/inpatient flows through the
// real bridge process loading the gcc-built SiInterface emulator (forwarding to the sandbox center).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPluginConformance } from '../plugin.case.test.js';
import { createCore } from '../../host-node/src/index.js';
import { outpatientSettle, inpatientSettle, type Bill } from '../../host-node/src/flows.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { createBridge } from '../../legacy-com-bridge/src/index.js';
import type { Bridge } from '../../legacy-com-bridge/src/contract.js';
import { createChongqingPlugin, CHONGQING_MANIFEST } from './index.js';
import { decodeReply, encodeRequest, requestRecords, decodeRecords } from './codec.js';
import { ChongqingClient } from './client.js';
import { SI_FUNCTIONS, bridgeSiInterface } from './transport.js';
import { ChongqingCenter } from './sandbox/center.js';
import { directSiInterface, startChongqingSandbox, type ChongqingSandbox } from './sandbox/index.js';
import { TRANSACTIONS } from './spec.js';

const core = createCore();
const fixture = (f: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${f}`, import.meta.url)), 'utf8')) as Bill;
const institution = { fixmedins_code: 'H50010000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '500103', opter: 'OP01', opter_name: '收费员' };
const gbk = (s: string) => core.gbk.encode(s);

runPluginConformance({
  name: 'chongqing',
  factory: createChongqingPlugin,
  requiredOps: ['identify', 'register', 'uploadFees', 'presettle', 'settle', 'cancelFees', 'reverse', 'updateAdmission', 'queryAccumulators'],
});

describe('chongqing codec: named positional fields', () => {
  it('every documented request/reply list has the field count of the spec (§5.3)', () => {
    expect(TRANSACTIONS['01']!.request!.length).toBe(4);
    expect(TRANSACTIONS['01']!.reply!.length).toBe(20); // + 执行代码 = 21
    expect(TRANSACTIONS['02']!.request!.length).toBe(17); // + 交易类别代码 = 18
    expect(TRANSACTIONS['03']!.request!.length).toBe(18);
    expect(TRANSACTIONS['04']!.requestItem!.length).toBe(23);
    expect(TRANSACTIONS['04']!.replyItem!.length).toBe(10);
    expect(TRANSACTIONS['05']!.request!.length).toBe(15); // + code = 16
    expect(TRANSACTIONS['05']!.reply!.length).toBe(30); // + 执行代码 = 31
    expect(TRANSACTIONS['06']!.request!.length).toBe(12);
    expect(TRANSACTIONS['06']!.reply!.length).toBe(29);
    expect(TRANSACTIONS['99']!.request!.length).toBe(5);
    expect(Object.keys(TRANSACTIONS).filter((c) => c !== '99' && c !== '31').sort()).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1).padStart(2, '0')));
  });

  it('builds 01 and 05 in spec order, money in fen → yuan, empty fields kept', () => {
    const b = encodeRequest(core, '01', { card_no: '500000001', insurance_kind: '1' });
    expect(core.gbk.decode(b)).toBe('01|500000001|1||');
    const s = core.gbk.decode(encodeRequest(core, '05', { his_no: 'MZ1', settle_kind: '0', bed_days: '', operator: '张三', acct_flag: '0', total: 44120, count: '8', insurance_kind: '1', his_vendor: 'YIBAO' }));
    expect(s).toBe('05|MZ1|0||张三|0||441.20|8|1|YIBAO|||||');
    expect(s.split('|').length).toBe(16);
  });

  it('04 puts the first item in the first record and the others after `$`', () => {
    const item = (n: number) => ({ rx_no: 'CF1', item_code: `X${n}`, item_name: `药${n}`, price: '1.5000', qty: '2', amount: 300, operator: 'OP' });
    const recs = requestRecords('04', { his_no: 'ZY1' }, [item(1), item(2)]);
    expect(recs.length).toBe(2);
    expect(recs[0]!.length).toBe(2 + 23);
    expect(recs[1]!.length).toBe(23);
    expect(recs[0]![2]).toBe('CF1');
    expect(recs[1]![2]).toBe('X2');
    expect(recs[0]![16]).toBe('3.00');
  });

  it('refuses what would shift fields: separators inside values, unknown names, floats for money', () => {
    expect(() => encodeRequest(core, '01', { card_no: '5|00' })).toThrow(/must not contain/);
    expect(() => encodeRequest(core, '01', { card_no: '5$00' })).toThrow(/must not contain/);
    expect(() => encodeRequest(core, '01', { cardno: '500' } as never)).toThrow(/unknown field/);
    expect(() => encodeRequest(core, '05', { total: '441.2' })).toThrow(/integer fen/);
  });

  it('a successful reply with a missing field is BAD_REPLY, never a shifted read', () => {
    const full = ['1', 'JS1', ...Array.from({ length: 29 }, (_, i) => (i === 18 ? '2026-01-01 10:00:00' : i === 28 ? '' : '1.00'))];
    expect(decodeRecords('05', [full]).fields.serial).toBe('JS1');
    expect(decodeRecords('05', [full]).fields.hifp_pay).toBe(100);
    const short = full.filter((_, i) => i !== 3);
    expect(() => decodeRecords('05', [short])).toThrow(YibaoError);
    expect(() => decodeRecords('05', [short])).toThrow(/30 fields|29 fields|refusing/);
    const err = decodeRecords('05', [['-1', '住院号不存在']]);
    expect(err.ok).toBe(false);
    expect(err.message).toBe('住院号不存在');
  });

  it('GBK names survive: 张三, 〇, 丂/齄/﨩 at the table edges, and trail bytes 0x7C / 0x5B inside characters', () => {
    const name = '昜晐·丂齄﨩〇张三\uE000'; // U+E000 = GBK 0xAAA1, the first user-defined (造字) code
    const bytes = encodeRequest(core, '02', { his_no: 'MZ9', med_type: '11', card_no: '500000003', dept_code: 'A03', operator: name });
    expect([...bytes].includes(0x7c)).toBe(true);
    const back = core.codec.pipe.parse(bytes);
    expect(back[0]!.length).toBe(18);
    expect(back[0]![8]).toBe(name);
    expect(decodeReply(core, '26', gbk(`1|${name}|${name}`)).fields.card_no).toBe(name);
  });
});

/** The same bill through a client: outpatient then inpatient. */
async function bothFlows(client: ChongqingClient) {
  const op = await outpatientSettle(client, fixture('demo-outpatient.json'));
  const ip = await inpatientSettle(client, { ...fixture('demo-inpatient.json'), ipt_otp_no: `ZY${Date.now()}` });
  return { op, ip };
}

describe('chongqing client against the center (in process, no library)', () => {
  it('settles the demo outpatient and inpatient bills; the split adds up to the fen', async () => {
    const center = new ChongqingCenter({ core });
    const client = new ChongqingClient({ core, si: directSiInterface(center, core), institution });
    const { op, ip } = await bothFlows(client);
    expect(op.setlinfo.medfee_sumamt).toBe(44120);
    expect(op.setl_id).toMatch(/^JS/);
    expect(op.presettle.fund_pay_sumamt).toBe(op.setlinfo.fund_pay_sumamt);
    expect(op.setlinfo.fund_pay_sumamt + op.setlinfo.acct_pay + op.setlinfo.psn_cash_pay + op.setlinfo.hosp_part_amt).toBe(44120);
    expect(ip.setlinfo.medfee_sumamt).toBe(175 * 100 + 120 * 100 + 120000 + 6000 + 3500 + 4200 + 8580);
    expect(ip.setlinfo.act_pay_dedc).toBe(86000);
    const led = center.kernel.ledger();
    expect(led.filter((r) => r.status === 'valid').length).toBe(2);
    // the person's account was debited by exactly acct_pay
    expect(center.kernel.person('510104198503152311').balance_fen).toBe(300000 - op.setlinfo.acct_pay);
  });

  it('99 冲正 reverses a settlement: negative settlement, account restored, 99 again refused', async () => {
    const center = new ChongqingCenter({ core });
    const client = new ChongqingClient({ core, si: directSiInterface(center, core), institution });
    const op = await outpatientSettle(client, fixture('demo-outpatient.json'));
    const r = await client.cancelSettle({ setl_id: op.setl_id, mdtrt_id: op.mdtrt_id, psn_no: op.psn_no });
    expect(r.serial).toMatch(/^FJ/);
    expect(r.refund.acct_pay).toBe(op.setlinfo.acct_pay);
    expect(center.kernel.person('510104198503152311').balance_fen).toBe(300000);
    await expect(client.cancelSettle({ setl_id: op.setl_id, mdtrt_id: op.mdtrt_id, psn_no: op.psn_no })).rejects.toThrow(/已冲正/);
  });

  it('center refusals are CENTER_ERROR with the center message; totals are checked before 05', async () => {
    const center = new ChongqingCenter({ core });
    const client = new ChongqingClient({ core, si: directSiInterface(center, core), institution });
    await expect(client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '110105194912310021' })).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    await expect(client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510106197205051836' })).rejects.toThrow(/封锁/);
    const bill = fixture('demo-outpatient.json');
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no });
    const { mdtrt_id } = await client.register({ psn_no: id.psn_no, insutype: id.insutype, credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, ipt_otp_no: 'MZT1' });
    await client.uploadVisit({ mdtrt_id, psn_no: id.psn_no, med_type: '11', diagnoses: [] });
    await client.uploadFees({ mdtrt_id, psn_no: id.psn_no, chrg_bchno: 'B1', lines: bill.fee_items });
    const p = { psn_no: id.psn_no, mdtrt_id, insutype: id.insutype, med_type: '11', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, medfee_sumamt: 44119 };
    await expect(client.presettle(p)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    // a second upload round clears nothing (once per visit) and the count follows
    const pre = await client.presettle({ ...p, medfee_sumamt: 44120 });
    expect(pre.setl_id).toBeNull();
  });
});

describe('chongqing through legacy-com-bridge and the compiled SiInterface emulator', () => {
  let sb: ChongqingSandbox;
  let bridge: Bridge;
  let client: ChongqingClient;

  beforeAll(async () => {
    sb = await startChongqingSandbox({ core });
    bridge = createBridge({ library: sb.library, functions: SI_FUNCTIONS, env: sb.env, timeoutMs: 2000, core, name: 'SiInterface' });
    client = new ChongqingClient({ core, si: bridgeSiInterface(bridge), institution });
  });
  afterAll(async () => {
    await bridge?.close();
    await sb?.close();
  });

  it('the library exports exactly the vendor signatures INIT / BUSINESS_HANDLE', async () => {
    const r = await bridge.call('INIT', []);
    expect(r.ret).toBe(0);
    const raw = await bridge.call('BUSINESS_HANDLE', [{ gbk: '31|' }, { outBuf: 65536 }]);
    expect(raw.ret).toBe(0);
    expect(raw.out[0]).toBe('1|500000001');
  });

  it('outpatient and inpatient settlement of the same bills (yibao flows → bridge → DLL → center)', async () => {
    const { op, ip } = await bothFlows(client);
    expect(op.setlinfo.medfee_sumamt).toBe(44120);
    expect(op.setlinfo.acct_pay + op.setlinfo.psn_cash_pay + op.setlinfo.fund_pay_sumamt).toBe(44120);
    expect(ip.setlinfo.fund_pay_sumamt).toBeGreaterThan(0);
    expect(sb.center.kernel.ledger().filter((r) => r.status === 'valid').map((r) => r.id)).toEqual(expect.arrayContaining([op.setl_id, ip.setl_id]));
  });

  it('GBK names round-trip through the DLL: the rare-character person is identified intact', async () => {
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510107199006074619' });
    expect(id.psn_name).toBe('昜晐·丂齄﨩');
    expect(id.insutype).toBe('390');
  });

  it('a segfault in the vendor call is BRIDGE_CRASHED; the host survives, the bridge restarts and INITs again', async () => {
    sb.fault('crash', 'BUSINESS_HANDLE');
    const err = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(YibaoError);
    expect((err as YibaoError).code, (err as Error).message).toBe('BRIDGE_CRASHED');
    const starts = bridge.stats().starts;
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' });
    expect(id.psn_name).toBe('张三');
    expect(bridge.stats().starts).toBe(starts + 1);
    expect(sb.server.served().filter((x) => x === 'INIT').length).toBeGreaterThanOrEqual(2);
  });

  it('a hanging vendor call is BRIDGE_TIMEOUT (outcome unknown) and the next call works', async () => {
    sb.fault('hang', 'BUSINESS_HANDLE');
    const t0 = Date.now();
    const err = await client.call('13', { card_no: '500000001', insurance_kind: '1' }, []).catch((e: unknown) => e);
    expect((err as YibaoError).code).toBe('BRIDGE_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(15000);
    const ok = await client.callOk('13', { card_no: '500000001', insurance_kind: '1' });
    expect(typeof ok.fields.balance).toBe('number');
  });

  it('a dropped center answer after 05 executed is TRANSPORT_NETWORK (outcome unknown), never a silent success', async () => {
    const bill = fixture('demo-outpatient.json');
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no });
    const { mdtrt_id } = await client.register({ psn_no: id.psn_no, insutype: id.insutype, credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, ipt_otp_no: `MZD${Date.now()}` });
    await client.uploadVisit({ mdtrt_id, psn_no: id.psn_no, med_type: '11', diagnoses: [] });
    await client.uploadFees({ mdtrt_id, psn_no: id.psn_no, chrg_bchno: 'B1', lines: bill.fee_items });
    sb.fault('drop', 'BUSINESS_HANDLE');
    const p = { psn_no: id.psn_no, mdtrt_id, insutype: id.insutype, med_type: '11', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, medfee_sumamt: 44120 };
    await expect(client.settle(p)).rejects.toMatchObject({ code: 'TRANSPORT_NETWORK' });
    // the center did settle: the visit is closed, a valid settlement exists
    expect(sb.center.kernel.ledger().some((r) => r.status === 'valid' && r.visit_id.length > 0)).toBe(true);
  });

  it('the manifest names the DLL and its timeouts', () => {
    expect(CHONGQING_MANIFEST.transport.path).toBe('SiInterface.dll');
  });
});
