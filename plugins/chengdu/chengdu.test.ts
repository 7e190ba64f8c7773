// Chengdu Yinhai 5.0: conformance over the real samples, the codec, and whole flows through the real
// bridge process loading the compiled emulator (emulator/libyh.c) that forwards to the sandbox center.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { runPluginConformance } from '../plugin.case.test.js';
import { createCore, YibaoError } from '../../host-node/src/index.js';
import type { Bill } from '../../host-node/src/flows.js';
import { createChengduPlugin, decodeDoc, encodeDoc, encodeCall, controlFor, parseXml, CHENGDU_MANIFEST, type XmlValue } from './index.js';
import { settlementOf } from './client.js';
import { chengduInpatientSettle, chengduOutpatientSettle } from './flows.js';
import { startChengduHarness, type ChengduHarness } from './sandbox/harness.js';
import { chengduFlowClient } from './flow-client.js';
import { outpatientSettle, inpatientSettle } from '../../host-node/src/flows.js';
import { CHENGDU_SANDBOX_POLICY } from './manifest.js';
import { lookupItem } from '../national/sandbox/catalog.js';
import { idCheckChar } from '../national/sandbox/persons.js';

const core = createCore();
const dir = fileURLToPath(new URL('../../../shared/conformance/samples/chengdu/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const bill = (f: string): Bill => JSON.parse(readFileSync(join(root, 'test/fixtures', f), 'utf8')) as Bill;

/** Deep equality of two XML documents through the core, decimals compared by value (3.00 = 3.0000). */
function equivalentXml(a: Uint8Array, b: Uint8Array | string): void {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(norm);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, norm(x)]));
    if (typeof v === 'string' && /^-?\d+\.\d+$/.test(v)) return `num:${v.replace(/0+$/, '').replace(/\.$/, '')}`;
    return v;
  };
  expect(norm(core.codec.xml.parse(b))).toEqual(norm(core.codec.xml.parse(a)));
}

runPluginConformance({
  name: 'chengdu',
  factory: createChengduPlugin,
  requiredOps: [
    'signIn', 'signOut', 'identify', 'register', 'uploadFees', 'settle', 'cancelSettle', 'admit', 'updateAdmission', 'cancelAdmission', 'discharge',
    'cancelDischarge', 'uploadInpatientFees', 'cancelInpatientFees', 'inpatientSettle', 'cancelInpatientSettle', 'queryChronicFilings', 'catalog',
  ],
  samples: {
    dir,
    match: (f) => f.endsWith('.xml'),
    roundTrip: (bytes) => {
      const c = decodeDoc(core, bytes);
      return { canonical: c, wire: encodeDoc(core, c) };
    },
    equivalent: (a, b) => equivalentXml(a, b),
  },
});

/** 18-digit ID numbers with a valid check character. */
function idNo(seq: number): string {
  const first17 = `51010419900101${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

describe('chengdu codec', () => {
  it('samples: GBK names, money in fen, <row> lists, CDATA kept', () => {
    const out = decodeDoc(core, readFileSync(join(dir, '11_output_outpatient_settle_MASKED.xml')));
    expect(out.root).toBe('output');
    const s = settlementOf({ output: out.value as never, jybh: '11', jylsh: '11C0000SJ37F6E2F2', appmsg: '' });
    expect(s).toMatchObject({ setl_id: '00002005286415621', mdtrt_id: '00002005289161163', psn_no: '010000002' });
    expect(s.setlinfo).toMatchObject({ medfee_sumamt: 250, fulamt_ownpay_amt: 0, preselfpay_amt: 25, inscp_scp_amt: 225, fund_pay_sumamt: 0, acct_pay: 0, psn_cash_pay: 250, overlmt_selfpay: 0 });
    const id = decodeDoc(core, readFileSync(join(dir, '03_output_identify_MASKED.xml'))).value as Record<string, XmlValue>;
    expect(id.aac003).toBe('某某');
    expect(id.aab004).toBe('金牛-荷花池辖区街道办事处-荷花社区');
    expect(id.grzhye).toEqual({ row: [{ ykc303: '城乡居民基本医疗帐户', ykc194: 0 }] });
    const up = decodeDoc(core, readFileSync(join(dir, '111_output_outpatient_detail_upload.xml'))).value as { fymxdataset: { row: Record<string, string>[] } };
    expect(up.fymxdataset.row[0].yka095).toBe('阿莫西林胶囊');
    expect(up.fymxdataset.row[0].yke494).toContain('违反【诊断库与科室关联】');
    // 21_output and 52_* are GBK whose bytes are also valid UTF-8 (某某 = C4B3 C4B3): read as GBK
    expect((decodeDoc(core, readFileSync(join(dir, '52_input_discharge_settle_MASKED.xml'))).value as Record<string, unknown>).aae011).toBe('某某');
  });

  it('the out-parameter formats of the fixtures are the ones the sandbox issues', () => {
    const tsv = readFileSync(join(dir, 'call_outparams_pcbh_jylsh_jyyzm.tsv'), 'utf8').split('\n').filter((l) => /^\d/.test(l));
    for (const l of tsv) {
      const [jybh, pcbh, jylsh, jyyzm] = l.split('\t');
      expect(pcbh).toMatch(/^\d{4}S\d{9}$/);
      expect(jylsh.startsWith(`${jybh}C`)).toBe(true);
      expect(jylsh).toMatch(/^\w+C\d{4}SJ[0-9A-F]{8}$/);
      if (jyyzm) expect(jyyzm).toMatch(/^\d{9}$/);
    }
  });

  it('control XML carries <edition>5.0</edition> where 5.0 wants it; GBK on the wire', () => {
    expect(controlFor('21')).toEqual({ edition: '5.0' });
    expect(controlFor('03')).toEqual({});
    const { jykz, jysr } = encodeCall(core, '21', {}, { ykc011: '内科', aae011: '张三' });
    expect(Buffer.from(jykz).toString('latin1')).toBe('<?xml version="1.0" encoding="GBK" standalone="yes"?><control><edition>5.0</edition></control>');
    equivalentXml(readFileSync(join(dir, '21_control_admission.xml')), jykz);
    expect(Buffer.from(jysr).includes(iconv.encode('张三', 'gbk'))).toBe(true);
    expect(parseXml(core, jysr).value).toEqual({ ykc011: '内科', aae011: '张三' });
    expect(() => encodeCall(core, '2 1')).toThrowError(/jybh/);
  });

  it('the plugin contract: one call as JSON, appcode >= 0 is success', () => {
    const p = createChengduPlugin({ core });
    expect(p.manifest.family).toBe('yinhai-xml');
    expect(p.infnoFor('settle')).toBe('11');
    expect(p.infnoFor('catalog', '92')).toBe('92');
    const req = p.encode('110', { control: { aac001: '010000009' }, data: { ykc011: '〇科' } }, { msgid: 'm1', infTime: '', signNo: '', insuplcAdmdvs: '', institution: { fixmedins_code: 'H1', fixmedins_name: '', mdtrtarea_admvs: '510100', opter: '1', opter_name: '某' } });
    const body = JSON.parse(req.body);
    expect(body.jykz_xml).toContain('<edition>5.0</edition>');
    expect(body.jysr_xml).toContain('〇科');
    const ok = p.decode(JSON.stringify({ appcode: 1, appmsg: '成功', jylsh: '110C0003SJ37F6E43E', jysc_xml: readFileSync(join(dir, '110_output_outpatient_register_MASKED.xml')).toString('base64') }).replace('"jysc_xml"', '"jysc_xml_base64"'));
    expect(ok).toMatchObject({ infcode: 0, warn_msg: '成功', inf_refmsgid: '110C0003SJ37F6E43E' });
    expect((ok.output as Record<string, unknown>).yka055).toBe(300);
    const bad = p.decode(JSON.stringify({ appcode: -1, appmsg: '未签到' }));
    expect(bad).toMatchObject({ infcode: -1, err_msg: '未签到', output: {} });
    expect(() => p.decode('{')).toThrowError(/BAD_REPLY|无法解析/);
    expect(CHENGDU_MANIFEST.transactions['52'].money).toBe(true);
  });
});

describe('chengdu through the real bridge process and the compiled Yinhai emulator', () => {
  let h: ChengduHarness;

  beforeAll(async () => {
    h = await startChengduHarness({ timeoutMs: 10000 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('outpatient: 03 → 110 → 111 → 11 (confirmed after the HIS commit); amounts equal core.presettle', async () => {
    const b = bill('demo-outpatient.json');
    const committed: string[] = [];
    const r = await chengduOutpatientSettle(h.client, b, { commit: (s, t) => void committed.push(`${s.setl_id}:${t.jylsh}`) });
    expect(r.setlinfo.medfee_sumamt).toBe(44120);
    expect(r.setlinfo.fund_pay_sumamt + r.setlinfo.psn_part_amt).toBe(44120);
    expect(r.setlinfo.acct_pay + r.setlinfo.psn_cash_pay).toBe(r.setlinfo.psn_part_amt);
    expect(committed).toEqual([`${r.setl_id}:${r.msgids.settle}`]);
    // the center settled exactly what the core computes for these lines, policy and a fresh person
    const expected = core.presettle({
      params: CHENGDU_SANDBOX_POLICY.outpatient['310'] as never,
      person: { acct_balance_fen: 300000, acct_used_flag: '1', cvlserv_flag: '0' },
      fee_items: b.fee_items.map((l) => {
        const i = lookupItem(l.med_list_codg)!;
        return { feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: i.med_chrgitm_type, chrgitm_lv: i.chrgitm_lv, selfpay_prop: i.selfpay_prop, pric_uplmt_amt: i.pric_uplmt_amt };
      }),
    });
    for (const k of Object.keys(expected.setlinfo) as (keyof typeof expected.setlinfo)[]) expect(r.setlinfo[k], k).toEqual(expected.setlinfo[k]);
    expect(r.setldetail.map((d) => [d.fund_pay_type, d.fund_payamt])).toEqual(expected.setldetail.map((d) => [d.fund_pay_type, d.fund_payamt]));
    const led = h.sandbox.center.ledger().find((e) => e.yka103 === r.setl_id)!;
    expect(led).toMatchObject({ status: 'valid', trade: 'confirmed', medfee_fen: 44120, jylsh: r.msgids.settle });
    expect(h.bridge.stats()).toMatchObject({ starts: 1, timeouts: 0, crashes: 0 });
  });

  it('inpatient: 03 → 21 → 41 → 52 预结算单 (appcode < 0) → 25 → 52; the pre-settlement equals the settlement', async () => {
    const r = await chengduInpatientSettle(h.client, bill('demo-inpatient.json'));
    expect(r.setlinfo.medfee_sumamt).toBe(171780);
    const amounts = (x: Record<string, unknown>) => Object.fromEntries(Object.entries(x).filter(([, v]) => typeof v === 'number'));
    expect(amounts(r.presettle)).toEqual(amounts(r.setlinfo));
    expect(r.setlinfo.act_pay_dedc).toBe(80000);
    expect(r.setlinfo.hifp_pay).toBeGreaterThan(0);
    expect(h.sandbox.center.visits.get(r.mdtrt_id)?.status).toBe('settled');
    // 42 回退: the negative settlement, the stay back to discharged
    const neg = await h.client.cancelInpatientSettle({ psn_no: r.psn_no, akc190: r.mdtrt_id, aka130: '0309', setl_id: r.setl_id, medfee_sumamt: 171780, fund_pay_sumamt: r.setlinfo.fund_pay_sumamt, acct_pay: r.setlinfo.acct_pay });
    expect(neg.setlinfo.medfee_sumamt).toBe(-171780);
    expect(h.sandbox.center.ledger().find((e) => e.yka103 === r.setl_id)?.status).toBe('cancelled');
    expect(h.sandbox.center.visits.get(r.mdtrt_id)?.status).toBe('discharged');
  });

  it('the region-independent national flows run unchanged over the Chengdu client (presettle = 11 called and cancelled)', async () => {
    const fc = chengduFlowClient(h.client);
    const ob = { ...bill('demo-outpatient.json'), mdtrt_cert_no: '510107199006074619' }; // 王居民, 390
    const o = await outpatientSettle(fc as never, ob);
    expect(o.setlinfo.medfee_sumamt).toBe(44120);
    const amounts = (x: Record<string, unknown>) => Object.fromEntries(Object.entries(x).filter(([, v]) => typeof v === 'number'));
    expect(amounts(o.presettle)).toEqual(amounts(o.setlinfo));
    expect([...h.sandbox.center.trades.values()].filter((t) => t.akc190 === o.mdtrt_id && t.jybh === '11').map((t) => t.status)).toEqual(['cancelled', 'confirmed']);
    const i = await inpatientSettle(fc as never, { ...bill('demo-inpatient.json'), mdtrt_cert_no: '510107199006074619' });
    expect(i.setlinfo.medfee_sumamt).toBe(171780);
    expect(i.person.insutype).toBe('390');
  });

  it('two-phase: a failed HIS commit cancels the settlement at the center; the lines can be settled again', async () => {
    const b = bill('demo-outpatient.json');
    const c = h.client;
    const p = await c.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510105195608221021' });
    const { akc190, aka130 } = await c.register({ psn_no: p.psn_no, insutype: p.insutype, ipt_otp_no: 'MZ-2PC' });
    const lines = await c.uploadFees({ psn_no: p.psn_no, akc190, aka130, lines: b.fee_items });
    const before = h.sandbox.center.byAac001.get(p.psn_no)!.balance_fen;
    const settle = () => c.settle({ psn_no: p.psn_no, akc190, aka130, medfee_sumamt: 44120, yka105: lines.map((l) => l.yka105) }, () => {
      throw new Error('HIS database is down');
    });
    await expect(settle()).rejects.toThrow('HIS database is down');
    expect(h.sandbox.center.byAac001.get(p.psn_no)!.balance_fen).toBe(before);
    expect([...h.sandbox.center.trades.values()].filter((t) => t.akc190 === akc190 && t.jybh === '11').map((t) => t.status)).toEqual(['cancelled']);
    expect(h.sandbox.center.ledger().filter((e) => e.akc190 === akc190)).toEqual([]);
    const s = await c.settle({ psn_no: p.psn_no, akc190, aka130, medfee_sumamt: 44120 });
    expect(s.setlinfo.medfee_sumamt).toBe(44120);
    // 12 回退 gives the negative record and frees the lines; 43 then withdraws them (attribute rows)
    const neg = await c.cancelSettle({ psn_no: p.psn_no, akc190, aka130, setl_id: s.setl_id!, medfee_sumamt: 44120, fund_pay_sumamt: s.setlinfo.fund_pay_sumamt, acct_pay: s.setlinfo.acct_pay });
    expect(neg.setlinfo.acct_pay).toBe(-s.setlinfo.acct_pay);
    expect(h.sandbox.center.byAac001.get(p.psn_no)!.balance_fen).toBe(before);
    await c.cancelFees({ psn_no: p.psn_no, akc190, yka105: lines.map((l) => l.yka105) });
    expect(lines.every((l) => h.sandbox.center.lines.get(l.yka105)?.status === 'cancelled')).toBe(true);
  });

  it('an unconfirmed trade is listed by getuncertaintytrade and blocks the person until confirmed or cancelled', async () => {
    const c = h.client;
    const p = await c.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: idNo(1) });
    const pend = await c.pending('110', { aac001: p.psn_no, aka130: '0201' }, { ykc009: 'MZ-U' }, (r) => r.output);
    expect(pend.jylsh).toMatch(/^110C0003SJ[0-9A-F]{8}$/);
    expect(pend.jyyzm).toBe('');
    const open = await c.uncertain('110');
    expect(open).toEqual([{ jylsh: pend.jylsh, akc190: String(pend.result.akc190), yka103: '', ykd007: '' }]);
    const blocked = await c.call('110', { aac001: p.psn_no, aka130: '0201' }, { ykc009: 'MZ-V' });
    expect(blocked.appcode).toBe(-1);
    expect(blocked.appmsg).toContain(pend.jylsh);
    const done = await c.resolveUncertain('110', () => 'cancel');
    expect(done.cancelled).toEqual([pend.jylsh]);
    expect(await c.uncertain('110')).toEqual([]);
    expect(h.sandbox.center.visits.has(String(pend.result.akc190))).toBe(false);
    const err = await c.confirm(pend.jylsh, '').catch((e: YibaoError) => e);
    expect((err as YibaoError).code).toBe('CENTER_ERROR');
    expect((err as YibaoError).detail).toContain('已取消');
  });

  it('GBK names round-trip through the DLL, the center and back (张三, 〇, edges of the table, PUA, full-width punctuation)', async () => {
    const names = ['张三', '〇', '王〇〇', '丂齄', '欧阳€', '\uE000测', '张三（测试）', '李，。；：？！'];
    for (const [i, name] of names.entries()) {
      const p = await h.client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: idNo(100 + i), psn_name: name });
      expect(p.psn_name, name).toBe(name);
    }
    // a refusal message that quotes the name comes back through astr_appmsg intact
    const r = await h.client.call('03', {}, { mdtrt_cert_type: '02', mdtrt_cert_no: idNo(100), psn_name: '齄〇' });
    expect(r.appcode).toBe(-1);
    expect(r.appmsg).toBe('姓名【齄〇】与参保信息不符');
    // text the codec cannot put in GBK is refused before the DLL is called
    await expect(h.client.call('03', {}, { psn_name: '😀' })).rejects.toThrowError(/GBK|BAD_INPUT|输入无效/);
  });

  it('raw calls for the rest of the seed list: 16, 30, 91 (a GBK file written to <dir>), unknown codes refused', async () => {
    const c = h.client;
    await c.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510107199006074619' });
    expect(await c.invoke('16')).toEqual({ dataset: '' });
    const lim = await c.invoke('30');
    expect((lim.dataset as { row: unknown[] }).row).toHaveLength(2);
    const d = mkdtempSync(join(tmpdir(), 'yibao-cd-91-'));
    const out = await c.invoke('91', {}, { dir: d });
    const file = String(out.filename);
    expect(iconv.decode(readFileSync(file), 'gbk')).toContain('阿莫西林胶囊');
    const no = await c.call('99', {}, {});
    expect(no).toMatchObject({ appcode: -1, appmsg: '交易编号【99】不存在' });
    await expect(c.invoke('118')).rejects.toThrowError(/沙箱未实现/);
  });
});

describe('chengdu: a hanging or crashing vendor DLL is contained', () => {
  let h: ChengduHarness;

  beforeAll(async () => {
    h = await startChengduHarness({ timeoutMs: 1500 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('the center commits 11 but the DLL never returns: BRIDGE_TIMEOUT, restart, getuncertaintytrade finds it, cancel resolves it', async () => {
    const c = h.client;
    const b = bill('demo-outpatient.json');
    const p = await c.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: idNo(200) });
    const { akc190, aka130 } = await c.register({ psn_no: p.psn_no, insutype: p.insutype, ipt_otp_no: 'MZ-HANG' });
    await c.uploadFees({ psn_no: p.psn_no, akc190, aka130, lines: b.fee_items });
    const before = h.sandbox.center.byAac001.get(p.psn_no)!.balance_fen;
    h.sandbox.stall(['11']);
    const t0 = Date.now();
    const e = (await c.settle({ psn_no: p.psn_no, akc190, aka130, medfee_sumamt: 44120 }).catch((x) => x)) as YibaoError;
    expect(e.code).toBe('BRIDGE_TIMEOUT');
    expect(e.messageZh).toContain('交易结果未知');
    expect(Date.now() - t0).toBeLessThan(15000); // 1.5 s timeout + kill, generous under load
    h.sandbox.stall([]);
    // the money moved at the center (uncertain): the account is already charged
    expect(h.sandbox.center.byAac001.get(p.psn_no)!.balance_fen).toBeLessThan(before);
    // a fresh bridge process: the client re-inits and signs in again by itself
    const open = await c.uncertain('11');
    expect(open).toHaveLength(1);
    expect(open[0].akc190).toBe(akc190);
    expect(h.bridge.stats()).toMatchObject({ starts: 2, timeouts: 1 });
    await c.resolveUncertain('11', () => 'cancel');
    expect(h.sandbox.center.byAac001.get(p.psn_no)!.balance_fen).toBe(before);
    const s = await c.settle({ psn_no: p.psn_no, akc190, aka130, medfee_sumamt: 44120 });
    expect(s.setlinfo.medfee_sumamt).toBe(44120);
  });

  it('a DLL that hangs by itself (a modal popup) gives BRIDGE_TIMEOUT; the next call works', async () => {
    const e = (await h.client.call('03', {}, { mdtrt_cert_type: '02', mdtrt_cert_no: '__YH_HANG__' }).catch((x) => x)) as YibaoError;
    expect(e.code).toBe('BRIDGE_TIMEOUT');
    const p = await h.client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' });
    expect(p.psn_name).toBe('张在职');
  });

  it('a DLL that segfaults gives BRIDGE_CRASHED; the host survives and the next call re-inits', async () => {
    const starts = h.bridge.stats().starts;
    const e = (await h.client.call('03', {}, { mdtrt_cert_type: '02', mdtrt_cert_no: '__YH_SEGV__' }).catch((x) => x)) as YibaoError;
    expect(e.code).toBe('BRIDGE_CRASHED');
    expect(e.detail).toMatch(/SIGSEGV/);
    const p = await h.client.identify({ mdtrt_cert_type: '03', mdtrt_cert_no: 'S51000002', card_sn: '510100D15600000500000000000000A2' });
    expect(p.psn_name).toBe('李退休');
    expect(h.bridge.stats().starts).toBe(starts + 1);
    const x = (await h.client.call('03', {}, { mdtrt_cert_no: '__YH_EXIT__' }).catch((y) => y)) as YibaoError;
    expect(x.code).toBe('BRIDGE_CRASHED');
    expect(x.detail).toMatch(/exit code 7/);
    expect((await h.client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' })).psn_no).toBe('010000001');
  });
});
