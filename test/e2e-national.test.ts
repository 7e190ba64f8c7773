// End-to-end flows of seed 003 chapter 7 over real HTTP on loopback: the canonical client (host-node)
// against the Sichuan sandbox center. Nothing is mocked: real sockets, real SQLite state, the real core.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { unzipSync } from 'fflate';
import { createCore } from '../host-node/src/index.js';
import { createClient, type Client, type FeeLine } from '../host-node/src/client.js';
import { createHttpTransport } from '../host-node/src/transport-http.js';
import { openState } from '../host-node/src/state.js';
import { SANDBOX_INSTITUTION } from '../host-node/src/config.js';
import { outpatientSettle, inpatientSettle, billTotal } from '../host-node/src/flows.js';
import { openCatalogDb, syncCatalog, getCatalogRow } from '../host-node/src/catalog.js';
import { createSichuanPlugin, SICHUAN_MANIFEST, SICHUAN_SANDBOX_POLICY } from '../plugins/national/index.js';
import { startSandbox, type Sandbox } from '../plugins/national/sandbox/server.js';

const root = join(import.meta.dirname, '..');
const core = createCore();
const outBill = JSON.parse(readFileSync(join(root, 'test/fixtures/demo-outpatient.json'), 'utf8'));
const inBill = JSON.parse(readFileSync(join(root, 'test/fixtures/demo-inpatient.json'), 'utf8'));

let sb: Sandbox;
let dir: string;

function client(stateDir = join(dir, 'state'), opter = SANDBOX_INSTITUTION.opter): Client {
  const plugin = createSichuanPlugin({ core });
  const transport = createHttpTransport({ endpoint: sb.url, path: SICHUAN_MANIFEST.transport.path, core, timeoutMs: 10000 });
  return createClient({ plugin, transport, core, institution: { ...SANDBOX_INSTITUTION, opter }, state: openState(stateDir) });
}

const cred = (no: string) => ({ mdtrt_cert_type: '02', mdtrt_cert_no: no });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-e2e-'));
  sb = await startSandbox({ region: 'sichuan' });
});
afterAll(async () => {
  await sb?.close();
});

describe('sign-in / sign-out', () => {
  it('signs in by itself, reuses the sign_no, signs out, and signs in again after a rejection', async () => {
    const c = client();
    const id = await c.identify(cred('510104198503152311'));
    expect(id.psn_no).toBeTruthy();
    await c.identify(cred('510104198503152311'));
    await c.signOut();
    // the cached sign_no is gone; the next call signs in again by itself
    const again = await c.identify(cred('510104198503152311'));
    expect(again.psn_no).toBe(id.psn_no);
  });

  it('a sign_no the center does not know is renewed transparently', async () => {
    // every process of one institution shares one state directory (msgid sequence, sign-ins)
    const stateDir = join(dir, 'state');
    const st = openState(stateDir);
    st.putSignIn('sichuan', { opter: '0009', sign_no: 'stale-sign-no', sign_time: '', renew_after: Date.now() + 3600e3 });
    st.close();
    const c = client(stateDir, '0009');
    const id = await c.identify(cred('510105195608221021'));
    expect(id.insutype).toBeTruthy();
  });
});

describe('identification (1101)', () => {
  it('a seed person and an auto-enrolled valid ID number', async () => {
    const c = client();
    const a = await c.identify(cred('510104198503152311'));
    expect(a.insutype).toBe('310');
    const b = await c.identify(cred('11010519491231002X'));
    expect(b.insutype).toBe('310');
    expect(b.balc).toBe(100000); // enrolled with a 1,000-yuan account
  });

  it('an invalid ID checksum is refused with a clear error', async () => {
    await expect(client().identify(cred('110105194912310021'))).rejects.toThrowError(/CENTER_ERROR|业务错误/);
  });
});

describe('outpatient (门诊)', () => {
  it('register → visit → fees → pre-settle → settle; the settlement equals the pre-settlement and the core', async () => {
    const c = client();
    const r = await outpatientSettle(c, outBill);
    expect(r.setl_id).toBeTruthy();
    expect(r.setlinfo.medfee_sumamt).toBe(billTotal(c, outBill.fee_items));
    for (const k of ['medfee_sumamt', 'fund_pay_sumamt', 'psn_part_amt', 'acct_pay', 'psn_cash_pay', 'hifp_pay'] as const) expect(r.setlinfo[k], k).toBe(r.presettle[k]);
    const s = r.setlinfo;
    expect(s.medfee_sumamt).toBe(s.fund_pay_sumamt + s.psn_part_amt + s.hosp_part_amt);
    expect(s.psn_part_amt).toBe(s.acct_pay + s.psn_cash_pay);
    const ledger = sb.ledger().find((e) => e.setl_id === r.setl_id)!;
    expect(ledger).toMatchObject({ status: 'valid', medfee_sumamt: s.medfee_sumamt, psn_cash_pay: s.psn_cash_pay, msgid: r.msgids.settle });
  });

  it('multi-bill: two charge batches of one visit settle separately (2207A by chrg_bchno)', async () => {
    const c = client();
    const credential = cred('510107199006074619');
    const person = await c.identify(credential);
    const { mdtrt_id } = await c.register({ psn_no: person.psn_no, insutype: person.insutype, credential, ipt_otp_no: 'MB-1', dept_code: 'A03', dept_name: '内科', dr_code: 'D0001', dr_name: '李医生' });
    await c.uploadVisit({ mdtrt_id, psn_no: person.psn_no, med_type: '11', diagnoses: [{ code: 'J06.900', name: '急性上呼吸道感染' }], dept_code: 'A03', dept_name: '内科', dr_code: 'D0001', dr_name: '李医生' });
    const lines: FeeLine[] = outBill.fee_items;
    const b1 = lines.slice(0, 3), b2 = lines.slice(3);
    await c.uploadFees({ mdtrt_id, psn_no: person.psn_no, chrg_bchno: 'B1', lines: b1 });
    await c.uploadFees({ mdtrt_id, psn_no: person.psn_no, chrg_bchno: 'B2', lines: b2 });
    const base = { psn_no: person.psn_no, mdtrt_id, insutype: person.insutype, med_type: '11', credential };
    const p1 = { ...base, chrg_bchno: 'B1', medfee_sumamt: billTotal(c, b1) };
    const s1 = await c.settle(p1, await c.presettle(p1));
    const p2 = { ...base, chrg_bchno: 'B2', medfee_sumamt: billTotal(c, b2) };
    const s2 = await c.settle(p2, await c.presettle(p2));
    expect(s1.setl_id).not.toBe(s2.setl_id);
    expect(s1.setlinfo.medfee_sumamt + s2.setlinfo.medfee_sumamt).toBe(billTotal(c, lines));
    // settling a batch twice is refused
    await expect(c.settle(p1, s1)).rejects.toThrowError(/CENTER_ERROR|业务错误/);
    // multi-bill settlements are cancelled one by one (2208 per setl_id)
    const c2 = await c.cancelSettle({ setl_id: s2.setl_id!, mdtrt_id, psn_no: person.psn_no });
    expect(c2.setlinfo.medfee_sumamt).toBe(-s2.setlinfo.medfee_sumamt);
    const c1 = await c.cancelSettle({ setl_id: s1.setl_id!, mdtrt_id, psn_no: person.psn_no });
    expect(c1.setlinfo.psn_cash_pay).toBe(-s1.setlinfo.psn_cash_pay);
  });

  it('cancellation chain 2208 → 2205 → 2202 restores the account balance', async () => {
    const c = client();
    const credential = cred('510104197801122714');
    const before = await c.identify(credential);
    const r = await outpatientSettle(c, { ...outBill, mdtrt_cert_no: credential.mdtrt_cert_no });
    const after = await c.identify(credential);
    expect(after.balc).toBe(before.balc - r.setlinfo.acct_pay);
    const cancel = await c.cancelSettle({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, psn_no: r.psn_no });
    expect(cancel.setlinfo.medfee_sumamt).toBe(-r.setlinfo.medfee_sumamt);
    expect(cancel.setlinfo.acct_pay).toBe(-r.setlinfo.acct_pay);
    await c.cancelFees({ mdtrt_id: r.mdtrt_id, psn_no: r.psn_no, chrg_bchno: `${outBill.ipt_otp_no ?? ''}` || 'x' }).catch(() => undefined);
    const restored = await c.identify(credential);
    expect(restored.balc).toBe(before.balc);
    expect(sb.ledger().find((e) => e.setl_id === r.setl_id)?.status).toBe('cancelled');
  });
});

describe('inpatient (住院)', () => {
  it('admit → fees → pre-settle → discharge → settle, then 2305 → 2405 → 2302 → 2404', async () => {
    const c = client();
    const r = await inpatientSettle(c, inBill);
    expect(r.setl_id).toBeTruthy();
    expect(r.setlinfo.medfee_sumamt).toBe(billTotal(c, inBill.fee_items));
    expect(r.setlinfo.fund_pay_sumamt).toBeGreaterThan(0);
    expect(r.setlinfo.fund_pay_sumamt).toBe(r.presettle.fund_pay_sumamt);
    const cancel = await c.cancelInpatientSettle({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, psn_no: r.psn_no });
    expect(cancel.setlinfo.fund_pay_sumamt).toBe(-r.setlinfo.fund_pay_sumamt);
    await c.cancelDischarge({ mdtrt_id: r.mdtrt_id, psn_no: r.psn_no });
    await c.cancelInpatientFees({ mdtrt_id: r.mdtrt_id, psn_no: r.psn_no });
    await c.cancelAdmission({ mdtrt_id: r.mdtrt_id, psn_no: r.psn_no });
    expect(sb.ledger().find((e) => e.setl_id === r.setl_id)?.status).toBe('cancelled');
  });

  it('the center pre-settles exactly like the core with the sandbox policy', async () => {
    const c = client();
    const credential = cred('510112196812303049');
    const person = await c.identify(credential);
    const { mdtrt_id } = await c.admit({ psn_no: person.psn_no, insutype: person.insutype, credential, ipt_no: 'ZY-CORE-1', bed: '12', dr_code: 'D0002', dr_name: '王医生', dept_code: 'A04', dept_name: '普外科', diagnoses: [{ code: 'K35.800', name: '急性阑尾炎' }] });
    const lines = await c.uploadInpatientFees({ mdtrt_id, psn_no: person.psn_no, lines: inBill.fee_items });
    const pre = await c.inpatientPresettle({ psn_no: person.psn_no, mdtrt_id, insutype: person.insutype, credential, medfee_sumamt: billTotal(c, inBill.fee_items) });
    // the center's line classification is what the core computes from the center's catalog values
    const mine = core.classify({ fee_items: inBill.fee_items.map((f: FeeLine, i: number) => ({ feedetl_sn: f.feedetl_sn, pric: f.pric, cnt: f.cnt, med_chrgitm_type: lines[i].med_chrgitm_type, chrgitm_lv: lines[i].chrgitm_lv, selfpay_prop: lines[i].selfpay_prop || null, pric_uplmt_amt: lines[i].pric_uplmt_amt || null })) });
    expect(mine.totals.inscp_scp_amt).toBe(pre.setlinfo.inscp_scp_amt);
    expect(mine.totals.fulamt_ownpay_amt).toBe(pre.setlinfo.fulamt_ownpay_amt);
    const s = pre.setlinfo;
    expect(s.medfee_sumamt).toBe(s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt);
    expect(SICHUAN_SANDBOX_POLICY.inpatient[person.insutype as '310' | '390']).toBeTruthy();
  });
});

describe('pharmacy (药店)', () => {
  it('2101A pre-settle → 2102A settle → 2103 cancel', async () => {
    const c = client();
    const credential = cred('510104198503152311');
    const person = await c.identify(credential);
    const lines: FeeLine[] = [
      { feedetl_sn: 'P1', med_list_codg: 'XJ01CAA040A001010100001', pric: '12.50', cnt: '2' },
      { feedetl_sn: 'P2', med_list_codg: 'XA10BAE054A001010100003', pric: '9.90', cnt: '3' },
    ];
    const p = { psn_no: person.psn_no, insutype: person.insutype, credential, chrg_bchno: 'YD-1', lines, medfee_sumamt: billTotal(c, lines) };
    const pre = await c.pharmacyPresettle(p);
    expect(pre.setlinfo.medfee_sumamt).toBe(5470);
    const s = await c.pharmacySettle(p, pre);
    expect(s.setl_id).toBeTruthy();
    expect(s.setlinfo.medfee_sumamt).toBe(pre.setlinfo.medfee_sumamt);
    const cancel = await c.pharmacyCancel({ setl_id: s.setl_id!, psn_no: person.psn_no, mdtrt_id: s.mdtrt_id });
    expect(cancel.setlinfo.medfee_sumamt).toBe(-5470);
  });
});

describe('reversal (2601) and reconciliation (3201)', () => {
  it('2601 reverses a settlement by its msgid', async () => {
    const c = client();
    const r = await outpatientSettle(c, { ...outBill, mdtrt_cert_no: '510104198503152311' });
    await c.reverse({ psn_no: r.psn_no, omsgid: r.msgids.settle, oinfno: '2207A' });
    expect(sb.ledger().find((e) => e.setl_id === r.setl_id)?.status).toBe('reversed');
  });

  it('3201: totals that match the center are balanced, others are not', async () => {
    const c = client();
    const today = c.timeText().slice(0, 10);
    // the center's in-force outpatient (clr_type 11) settlements of 职工 (310) today
    const valid = sb.ledger().filter((e) => e.status === 'valid' && e.insutype === '310' && e.clr_type === '11' && e.setl_time.startsWith(today));
    expect(valid.length).toBeGreaterThan(0);
    const sum = (k: 'medfee_sumamt' | 'fund_pay_sumamt' | 'acct_pay') => valid.reduce((a, e) => a + e[k], 0);
    const q = { insutype: '310', clr_type: '11', setl_optins: '510100', stmt_begndate: today, stmt_enddate: today };
    const all = await c.reconcileTotals({ ...q, medfee_sumamt: sum('medfee_sumamt'), fund_pay_sumamt: sum('fund_pay_sumamt'), acct_pay: sum('acct_pay'), fixmedins_setl_cnt: valid.length });
    expect(all.stmt_rslt).toBe('0');
    const off = await c.reconcileTotals({ ...q, medfee_sumamt: sum('medfee_sumamt') + 1, fund_pay_sumamt: sum('fund_pay_sumamt'), acct_pay: sum('acct_pay'), fixmedins_setl_cnt: valid.length });
    expect(off.stmt_rslt).toBe('1');
    expect(off.stmt_rslt_dscr.length).toBeGreaterThan(0);
  });
});

describe('catalog download (1301 + 9102 zip) into SQLite', () => {
  it('full then incremental sync', async () => {
    const c = client();
    const db = openCatalogDb(join(dir, 'catalog.db'));
    const progress: number[] = [];
    const r = await syncCatalog({ infno: '1301', db, call: (i, x) => c.call(i, x), download: (q, f, p) => c.download(q, f, p), onProgress: (a) => progress.push(a) });
    expect(r.rows).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
    expect(getCatalogRow(db, '1301', 'XJ01CAA040A001010100001')).toBeTruthy();
    const again = await syncCatalog({ infno: '1301', db, call: (i, x) => c.call(i, x), download: (q, f, p) => c.download(q, f, p) });
    expect(again.fromVer).toBe(r.toVer);
    expect(again.upserted ?? 0).toBe(0);
    db.close();
  });

  it('the 9102 file is a zip holding one TAB-separated UTF-8 text', async () => {
    const c = client();
    const r = await c.callOk('1301', { data: { ver: '0' } });
    const zip = await c.download(String(r.output.file_qury_no), 'plc');
    const files = unzipSync(zip);
    const names = Object.keys(files);
    expect(names).toHaveLength(1);
    const text = new TextDecoder().decode(files[names[0]]);
    expect(text.split('\n')[0].split('\t').length).toBeGreaterThan(5);
  });
});

describe('msgid uniqueness across processes', () => {
  it('4 processes sharing one state directory draw 800 distinct msgids', async () => {
    const stateDir = join(dir, 'shared-state');
    openState(stateDir).close();
    const script = `
      import { openState } from ${JSON.stringify(join(root, 'host-node/dist/index.js'))};
      const s = openState(process.argv[1]);
      const out = [];
      for (let i = 0; i < 200; i++) out.push(s.nextSeq('H51010000001', '20261122101010'));
      console.log(JSON.stringify(out));`;
    const runs = await Promise.all([0, 1, 2, 3].map(() => new Promise<number[]>((resolve, reject) => {
      const ch = spawn(process.execPath, ['--input-type=module', '-e', script, stateDir], { cwd: root });
      let o = '';
      ch.stdout.on('data', (d) => (o += d));
      ch.on('exit', (code) => (code === 0 ? resolve(JSON.parse(o)) : reject(new Error('exit ' + code))));
    })));
    const all = runs.flat().filter((x) => x !== null);
    // 4 x 200 = 800 sequence numbers for the same second, no duplicates; beyond 9999 none would be issued
    expect(new Set(all).size).toBe(800);
    void spawnSync;
  });
});

describe('canonical coverage: info, filings, queries, uploads, regional extensions', () => {
  it('1201, 1901, 2001', async () => {
    const c = client();
    const inst = await c.institutionInfo();
    expect(inst.infno).toBe('1201');
    const dict = await c.dictionary('insutype');
    expect(JSON.stringify(dict.output)).toContain('310');
    const person = await c.identify(cred('510104198503152311'));
    const chk = await c.treatmentCheck({ psn_no: person.psn_no, insutype: '310', med_type: '11' });
    expect(chk.infno).toBe('2001');
  });

  it('settlement queries 5203 / 5204 / 5206 return amounts in fen', async () => {
    const c = client();
    const r = await outpatientSettle(c, { ...outBill, mdtrt_cert_no: '510105195608221021' });
    const q = await c.querySettlement({ psn_no: r.psn_no, setl_id: r.setl_id, mdtrt_id: r.mdtrt_id });
    expect((q.output.setlinfo as Record<string, unknown>).medfee_sumamt).toBe(r.setlinfo.medfee_sumamt);
    const fees = await c.queryFeeDetails({ psn_no: r.psn_no, setl_id: r.setl_id, mdtrt_id: r.mdtrt_id });
    const lines = fees.output.feedetail as Record<string, unknown>[];
    expect(lines.reduce((a, l) => a + (l.det_item_fee_sumamt as number), 0)).toBe(r.setlinfo.medfee_sumamt);
    const cum = await c.queryAccumulators({ psn_no: r.psn_no });
    expect(Array.isArray(cum.output.cuminfo)).toBe(true);
    const visits = await c.invoke('queryVisits', { data: { psn_no: r.psn_no } });
    expect(JSON.stringify(visits.output)).toContain(r.mdtrt_id);
    const diag = await c.invoke('queryDiagnoses', { data: { psn_no: r.psn_no, mdtrt_id: r.mdtrt_id } });
    expect(JSON.stringify(diag.output)).toContain('J06.900');
  });

  it('filings 2501–2506 and their queries 5301 / 5302 / 5304', async () => {
    const c = client();
    const p = await c.identify(cred('510107199006074619'));
    const today = c.timeText().slice(0, 10);
    const chronic = await c.invoke('fileChronic', { data: { psn_no: p.psn_no, insutype: p.insutype, opsp_dise_code: 'M03900', opsp_dise_name: '高血压', begndate: today, enddate: '', tel: '', addr: '', insu_optins: '510100', ide_fixmedins_no: 'H51010000001', ide_fixmedins_name: '医院', hosp_ide_date: today, diag_dr_codg: 'D1', diag_dr_name: '医师' } });
    const sn = String((chronic.output.result as Record<string, unknown>).trt_dcla_detl_sn);
    expect(JSON.stringify((await c.invoke('queryChronicFilings', { data: { psn_no: p.psn_no } })).output)).toContain(sn);
    await c.invoke('fileChronicCancel', { data: { trt_dcla_detl_sn: sn, psn_no: p.psn_no, memo: '' } });
    const transfer = await c.invoke('fileTransfer', { refmedin: { psn_no: p.psn_no, insutype: p.insutype, tel: '', addr: '', insu_optins: '510100', diag_code: 'K35.800', diag_name: '急性阑尾炎', dise_cond_dscr: '', reflin_medins_no: 'H51010000002', reflin_medins_name: '上级医院', mdtrtarea_admdvs: '510100', hosp_agre_refl_flag: '1', refl_type: '1', refl_date: today, refl_rea: '治疗需要', refl_opnn: '', begndate: today, enddate: '' } });
    const tsn = String((transfer.output.result as Record<string, unknown>).trt_dcla_detl_sn);
    expect(JSON.stringify((await c.invoke('queryTransfers', { data: { psn_no: p.psn_no } })).output)).toContain(tsn);
    await c.invoke('fileTransferCancel', { data: { trt_dcla_detl_sn: tsn, psn_no: p.psn_no, memo: '' } });
    const des = await c.invoke('fileDesignated', { data: { psn_no: p.psn_no, tel: '', addr: '', biz_appy_type: '01', begndate: today, enddate: '', agnter_name: '', agnter_cert_type: '', agnter_certno: '', agnter_tel: '', agnter_addr: '', agnter_rlts: '', fix_srt_no: '1', fixmedins_code: 'H51010000001', fixmedins_name: '医院', memo: '' } });
    const dsn = String((des.output.result as Record<string, unknown>).trt_dcla_detl_sn);
    expect(JSON.stringify((await c.invoke('queryDesignated', { data: { psn_no: p.psn_no } })).output)).toContain(dsn);
    await c.invoke('fileDesignatedCancel', { data: { trt_dcla_detl_sn: dsn, psn_no: p.psn_no, memo: '' } });
    const inHosp = await c.invoke('queryInHospital', { data: {} });
    expect(inHosp.infno).toBe('5303');
  });

  it('3202 detail reconciliation uploads the file with 9101 (multipart) and returns a result file', async () => {
    const c = client();
    const today = c.timeText().slice(0, 10);
    const rows = sb.ledger().filter((e) => e.status === 'valid' && e.setl_time.startsWith(today));
    const txt = rows.map((e) => [e.setl_id, e.mdtrt_id, e.psn_no, (e.medfee_sumamt / 100).toFixed(2), (e.fund_pay_sumamt / 100).toFixed(2), (e.acct_pay / 100).toFixed(2), '0'].join('\t')).join('\n');
    const r = await c.reconcileDetails({ file: { name: 'stmt.txt', bytes: new TextEncoder().encode(txt) }, setl_optins: '510100', stmt_begndate: today, stmt_enddate: today, clr_type: '11', medfee_sumamt: 0, fund_pay_sumamt: 0, fixmedins_setl_cnt: rows.length });
    const info = r.output.fileinfo as Record<string, unknown>;
    expect(info.file_qury_no).toBeTruthy();
    const result = unzipSync(await c.download(String(info.file_qury_no), String(info.filename)));
    expect(Object.keys(result)).toHaveLength(1);
  });

  it('4101A settlement list upload and the Sichuan extensions (S3601, Z1101/Z1102, S3301/S3302)', async () => {
    const c = client();
    const r = await outpatientSettle(c, { ...outBill, mdtrt_cert_no: '510104197801122714' });
    const list = await c.invoke('settlementList', { setlinfo: { setl_id: r.setl_id, psn_no: r.psn_no, mdtrt_id: r.mdtrt_id, fixmedins_code: 'H51010000001', medfee_sumamt: r.setlinfo.medfee_sumamt }, payinfo: [], opspdiseinfo: [], diseinfo: [], iteminfo: [], oprninfo: [], icuinfo: [], bldinfo: [] });
    expect(list.infno).toBe('4101A');
    const s3601 = await c.invoke('regional', { data: { setl_id: r.setl_id, psn_no: r.psn_no } }, 'S3601');
    expect((s3601.output.setlinfo as Record<string, unknown>).medfee_sumamt).toBe(r.setlinfo.medfee_sumamt);
    const z = await c.invoke('regional', { data: { psn_no: r.psn_no, insutype: '310', dise_type: '1', begndate: c.timeText().slice(0, 10) } }, 'Z1101');
    const zsn = String((z.output.result as Record<string, unknown>).trt_dcla_detl_sn);
    await c.invoke('regional', { data: { trt_dcla_detl_sn: zsn, psn_no: r.psn_no } }, 'Z1102');
    await c.invoke('regional', { data: { setl_id: r.setl_id, psn_no: r.psn_no, bill_code: 'E1', bill_no: '0001', bill_chkcode: 'X', amt: r.setlinfo.medfee_sumamt } }, 'S3301');
    const inv = await c.invoke('regional', { data: { setl_id: r.setl_id } }, 'S3302');
    expect(JSON.stringify(inv.output)).toContain('0001');
  });

  it('raw call of any infno, and sign-out at the end of a shift (9002)', async () => {
    const c = client();
    const r = await c.call('1901', { data: { type: 'gend' } });
    expect(r.infcode).toBe(0);
    await c.signOut();
  });
});
