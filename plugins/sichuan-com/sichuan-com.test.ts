// Sichuan 城镇居民 2009 COM: conformance, the prm_ XML codec, the two phases and 98, and the outpatient /
// inpatient flows through the real bridge calling the compiled COM-style object through its vtable.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPluginConformance } from '../plugin.case.test.js';
import { createCore } from '../../host-node/src/index.js';
import { outpatientSettle, inpatientSettle, type Bill } from '../../host-node/src/flows.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { createBridge } from '../../legacy-com-bridge/src/index.js';
import type { Bridge } from '../../legacy-com-bridge/src/contract.js';
import { createSichuanComPlugin } from './index.js';
import { decodeOutput, encodeInput, outputDoc } from './codec.js';
import { SichuanComClient } from './client.js';
import { SICOM_FACTORY, SICOM_FUNCTIONS, SICOM_PROTOS, bridgeSiCom } from './transport.js';
import { SichuanComCenter } from './sandbox/center.js';
import { directSiCom, startSichuanComSandbox, type SichuanComSandbox } from './sandbox/index.js';
import { TRANSACTIONS } from './spec.js';

const core = createCore();
const fixture = (f: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${f}`, import.meta.url)), 'utf8')) as Bill;
const institution = { fixmedins_code: 'H51010000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '510104', opter: 'OP01', opter_name: '收费员' };

runPluginConformance({
  name: 'sichuan-com',
  factory: createSichuanComPlugin,
  requiredOps: ['identify', 'settle', 'cancelSettle', 'admit', 'updateAdmission', 'cancelAdmission', 'uploadInpatientFees', 'cancelInpatientFees', 'inpatientPresettle', 'inpatientSettle', 'cancelInpatientSettle', 'queryFeeDetails', 'queryVisits'],
});

describe('sichuan-com: the transaction list of the 2009 document', () => {
  it('has 03, 11, 12, 13, 21–23, 31, 32, 41–46, 81–88, 90–92, 98; two-phase exactly where the TOC lists 确认/取消交易', () => {
    const want = ['03', '11', '12', '13', '21', '22', '23', '31', '32', '41', '42', '43', '44', '45', '46', '81', '82', '83', '84', '85', '86', '87', '88', '90', '91', '92', '98'];
    expect(Object.keys(TRANSACTIONS).sort()).toEqual(want);
    expect(Object.values(TRANSACTIONS).filter((t) => t.twoPhase).map((t) => t.code)).toEqual(['11', '12', '21', '41', '42']);
  });
  it('input XML is GBK <input><prm_…> with fee rows in <dataset><row>; money in fen becomes yuan', () => {
    const b = encodeInput(core, '11', { prm_aac001: '5100000001', prm_hisfyze: 44120, prm_ykc141: '张三〇' }, [{ yka105: '1', yka002: 'X', akc226: '2', akc225: '12.50', yka315: 2500 }]);
    const text = core.gbk.decode(b);
    expect(text.startsWith('<?xml version="1.0" encoding="GBK" standalone="yes"?><input><prm_aac001>5100000001</prm_aac001><prm_hisfyze>441.20</prm_hisfyze><prm_ykc141>张三〇</prm_ykc141><dataset><row><yka105>1</yka105>')).toBe(true);
    expect(text).toContain('<yka315>25.00</yka315>');
    expect(() => encodeInput(core, '11', { prm_hisfyze: '441.2' })).toThrow(/integer fen/);
    expect(() => encodeInput(core, '03', { aac002: 'x' })).toThrow(/unknown input field/);
  });
  it('output XML decodes to fen; an empty output or another root is BAD_REPLY', () => {
    const xml = core.codec.xml.print(outputDoc('11', { prm_yka103: 'JS1', prm_yka055: 44120, prm_aac003: '昜晐·丂齄﨩\uE000' }));
    const o = decodeOutput(core, '11', xml);
    expect(o.fields.yka055).toBe(44120);
    expect(o.fields.prm_yka103).toBe('JS1');
    expect(o.fields.aac003).toBe('昜晐·丂齄﨩\uE000');
    expect(() => decodeOutput(core, '11', new Uint8Array())).toThrow(/empty/);
    expect(() => decodeOutput(core, '11', core.codec.xml.print({ data: { x: '1' } }))).toThrow(/<output>/);
  });
});

describe('sichuan-com client against the center (in process)', () => {
  it('settles outpatient (11 two-phase) and inpatient (21 → 31 → 44 → 41) bills; nothing stays uncertain', async () => {
    const center = new SichuanComCenter({ core });
    const client = new SichuanComClient({ core, com: directSiCom(center, core), institution });
    const op = await outpatientSettle(client, fixture('demo-outpatient.json'));
    expect(op.setlinfo.medfee_sumamt).toBe(44120);
    expect(op.presettle.fund_pay_sumamt).toBe(op.setlinfo.fund_pay_sumamt);
    expect(op.setlinfo.acct_pay).toBe(0); // residents: no personal account
    const ip = await inpatientSettle(client, { ...fixture('demo-inpatient.json'), ipt_otp_no: 'ZY-A1' });
    expect(ip.setlinfo.act_pay_dedc).toBe(40000);
    expect(ip.presettle.hifp_pay).toBe(ip.setlinfo.hifp_pay);
    expect(await client.uncertain()).toEqual([]);
    // the trial 11 of presettle was cancelled, the real one confirmed
    expect([...center.uncertain.values()].map((u) => `${u.jybh}:${u.status}`).sort()).toEqual(['11:cancelled', '11:confirmed', '21:confirmed', '41:confirmed']);
  });

  it('a HIS that fails before Confirm cancels: the settlement is rolled back at the center', async () => {
    const center = new SichuanComCenter({ core });
    const client = new SichuanComClient({ core, com: directSiCom(center, core), institution, onPending: () => Promise.reject(new Error('HIS database down')) });
    await expect(outpatientSettle(client, fixture('demo-outpatient.json'))).rejects.toThrow(/HIS database down/);
    expect(center.kernel.ledger().filter((r) => r.status === 'valid')).toEqual([]);
    expect([...center.uncertain.values()].every((u) => u.status === 'cancelled')).toBe(true);
  });

  it('98 lists an unconfirmed call; resolveUncertain confirms ours (we hold the 验证码) and cancels strangers', async () => {
    const center = new SichuanComCenter({ core });
    const client = new SichuanComClient({ core, com: directSiCom(center, core), institution });
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' });
    const r = await client.call('21', { prm_aac001: id.psn_no, prm_aka130: '21', prm_ykc010: 'ZY-98', prm_akc192: '2026-03-01', prm_ykc011: '外科', prm_ykc141: 'OP' });
    const rows = await client.uncertain('21');
    expect(rows.map((x) => x.jylsh)).toEqual([r.jylsh]);
    expect(rows[0]!.ykc010).toBe('ZY-98');
    const done = await client.resolveUncertain({ jybh: '21', his_no: 'ZY-98' });
    expect(done).toEqual([{ jylsh: r.jylsh, action: 'cancelled' }]); // not known to this client as wanted → cancelled
    expect(await client.uncertain()).toEqual([]);
  });

  it('refund 12 (two-phase) gives the negative settlement; 12 again is refused', async () => {
    const center = new SichuanComCenter({ core });
    const client = new SichuanComClient({ core, com: directSiCom(center, core), institution });
    const op = await outpatientSettle(client, fixture('demo-outpatient.json'));
    const neg = await client.cancelSettle({ setl_id: op.setl_id, mdtrt_id: op.mdtrt_id, psn_no: op.psn_no });
    expect(neg.setlinfo.medfee_sumamt).toBe(-44120);
    expect(neg.setlinfo.hifp_pay).toBe(-op.setlinfo.hifp_pay);
    await expect(client.cancelSettle({ setl_id: op.setl_id, mdtrt_id: op.mdtrt_id, psn_no: op.psn_no })).rejects.toThrow(/已冲正/);
  });
});

describe('sichuan-com through legacy-com-bridge: the compiled COM-style object, called through its vtable', () => {
  let sb: SichuanComSandbox;
  let bridge: Bridge;
  let client: SichuanComClient;
  beforeAll(async () => {
    sb = await startSichuanComSandbox({ core });
    bridge = createBridge({ library: sb.library, functions: SICOM_FUNCTIONS, env: sb.env, timeoutMs: 1500, core, name: 'SiCom' });
    client = new SichuanComClient({ core, com: bridgeSiCom(bridge), institution });
  });
  afterAll(async () => {
    await bridge?.close();
    await sb?.close();
  });

  it('the object exposes IUnknown (AddRef/Release) and Init/Call at the documented slots', async () => {
    const add = await bridge.comCall(SICOM_FACTORY, 1, 'unsigned long __stdcall AddRef(void* self)', []);
    const rel = await bridge.comCall(SICOM_FACTORY, 2, 'unsigned long __stdcall Release(void* self)', []);
    expect(Number(add.ret) - Number(rel.ret)).toBe(1);
    const init = await bridge.comCall(SICOM_FACTORY, 7, SICOM_PROTOS.init, [{ outInt: true }, { outBuf: 1024 }]);
    expect(init.ret).toBe(0);
    expect(init.out).toEqual([1, '初始化成功（沙箱）']);
  });

  it('outpatient and inpatient settlement of the same bills (flows → bridge → vtable → center)', async () => {
    const op = await outpatientSettle(client, fixture('demo-outpatient.json'));
    const ip = await inpatientSettle(client, fixture('demo-inpatient.json'));
    expect(op.setlinfo.medfee_sumamt).toBe(44120);
    expect(op.setlinfo.fund_pay_sumamt + op.setlinfo.psn_cash_pay).toBe(44120);
    expect(ip.setlinfo.fund_pay_sumamt).toBeGreaterThan(0);
    expect(sb.center.kernel.ledger().filter((r) => r.status === 'valid').map((r) => r.id)).toEqual(expect.arrayContaining([op.setl_id, ip.setl_id]));
  });

  it('GBK names round-trip through the COM object', async () => {
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510107199006074619' });
    expect(id.psn_name).toBe('昜晐·丂齄﨩');
  });

  it('a crash inside Confirm: BRIDGE_CRASHED contained, then 98 shows the call still uncertain and it is confirmed', async () => {
    sb.fault('crash', 'Confirm');
    const op = await outpatientSettle(client, { ...fixture('demo-outpatient.json'), ipt_otp_no: 'MZ-CRASH' });
    expect(op.setl_id).toBeTruthy();
    expect(sb.center.kernel.settlement(op.setl_id).status).toBe('valid');
    expect(bridge.stats().crashes).toBeGreaterThanOrEqual(1);
    expect(await client.uncertain()).toEqual([]);
  });

  it('a hang inside Call: BRIDGE_TIMEOUT; 98 finds the uncertain 11 of this visit and cancels it', async () => {
    const bill = fixture('demo-outpatient.json');
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no });
    const { mdtrt_id } = await client.register({ psn_no: id.psn_no, insutype: '390', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, ipt_otp_no: 'MZ-HANG' });
    await client.uploadVisit({ mdtrt_id, psn_no: id.psn_no, med_type: '11', diagnoses: [] });
    await client.uploadFees({ mdtrt_id, psn_no: id.psn_no, lines: bill.fee_items });
    sb.fault('hang', 'Call');
    const e = await client.settle({ psn_no: id.psn_no, mdtrt_id, insutype: '390', med_type: '11', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, medfee_sumamt: 44120 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(YibaoError);
    expect((e as YibaoError).code).toBe('BRIDGE_TIMEOUT');
    // the emulator hung before forwarding: nothing reached the center, nothing is uncertain
    expect(await client.uncertain('11')).toEqual([]);
  });

  it('an answer lost after the center executed Call: the uncertain 11 is found by the HIS number and cancelled', async () => {
    const bill = fixture('demo-outpatient.json');
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no });
    const { mdtrt_id } = await client.register({ psn_no: id.psn_no, insutype: '390', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, ipt_otp_no: 'MZ-DROP' });
    await client.uploadFees({ mdtrt_id, psn_no: id.psn_no, lines: bill.fee_items });
    sb.fault('drop', 'Call');
    const e = await client.settle({ psn_no: id.psn_no, mdtrt_id, insutype: '390', med_type: '11', credential: { mdtrt_cert_type: '02', mdtrt_cert_no: bill.mdtrt_cert_no }, medfee_sumamt: 44120 }).catch((x: unknown) => x);
    expect((e as YibaoError).code).toBe('TRANSPORT_NETWORK');
    expect((e as Error).message).toMatch(/cancelled: 11SC/);
    const held = [...sb.center.uncertain.values()].filter((u) => u.ykc010 === 'MZ-DROP');
    expect(held.map((u) => u.status)).toEqual(['cancelled']);
  });
});
