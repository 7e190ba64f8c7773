import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../host-node/src/index.js';
import { CATALOG_ITEMS, FILE_COLUMNS } from './catalog.js';

const COLS = FILE_COLUMNS['1301']!;
import { startSandbox, type Sandbox } from './server.js';
import { Client, feeLine } from './testkit.js';
import { fmtFen, yuanToFen } from './wire.js';

const fen = (x: unknown) => yuanToFen(String(x))!;

const core = createCore();
const clock = { t: new Date('2026-11-20T02:00:00Z') };
let sb: Sandbox;
let c: Client;

const ZHANG = { psn_no: '51010000000000000001', certno: '510104198503152311' };
const WANG = { psn_no: '51010000000000000003', certno: '510107199006074619' };

beforeAll(async () => {
  sb = await startSandbox({ core, now: () => clock.t });
  c = new Client(sb.url, core, { now: () => clock.t });
  await c.signIn();
});
afterAll(() => sb.close());

const download = async (file_qury_no: string) => c.call('9102', { fsDownloadIn: { file_qury_no, filename: 'plc', fixmedins_code: c.fixmedins } });

describe('catalogs', () => {
  it('1301 + 9102: a zip with one TAB-separated UTF-8 txt, "null" for empty, rows newer than ver', async () => {
    const out = await c.ok('1301', { data: { ver: '0' } });
    const drugs = CATALOG_ITEMS.filter((i) => i.infno === '1301');
    expect(out).toMatchObject({ filename: 'plc', data_cnt: String(drugs.length), dld_end_time: '2026-11-21' });
    const r = await download(out['file_qury_no']);
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/octet-stream');
    const files = unzipSync(r.bytes);
    const names = Object.keys(files);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^1301_\d{14}\.txt$/);
    const lines = strFromU8(files[names[0]!]!).split('\n').filter(Boolean);
    expect(lines).toHaveLength(drugs.length);
    const rows = lines.map((l) => l.split('\t'));
    for (const row of rows) expect(row).toHaveLength(COLS.length);
    const amox = rows.find((x) => x[0] === 'XJ01CAA040A001010100001')!;
    expect(amox[COLS.indexOf('drug_prodname')]).toBe('阿莫西林胶囊');
    expect(amox[COLS.indexOf('alis')]).toBe('null');
    expect(amox[COLS.indexOf('nat_hi_druglist_chrgitm_lv')]).toBe('01');
    expect(amox[COLS.indexOf('begndate')]).toBe('Thu Jan 01 00:00:00 CST 2026');
    // where the column list has nothing after the audit block, `ver` is the last-but-4 column (… ver, isu_flag, tram_data_id, efft_time, invd_time)
    for (const infno of ['1303', '1305', '1306', '1307', '1308', '1310', '1313', '1314', '1315']) expect(FILE_COLUMNS[infno]!.indexOf('ver'), infno).toBe(FILE_COLUMNS[infno]!.length - 5);
    const vers = rows.map((x) => x[COLS.indexOf('ver')]!);
    expect([...vers].sort()).toEqual(vers);
    expect(rows.some((x) => x[COLS.indexOf('vali_flag')] === '0')).toBe(true);

    // incremental: only rows newer than the last version of 2026-11
    const nov = vers.filter((v) => v.startsWith('20261101')).sort().pop()!;
    const inc = await c.ok('1301', { data: { ver: nov } });
    expect(Number(inc['data_cnt'])).toBe(vers.filter((v) => v > nov).length);
    const incRows = strFromU8(Object.values(unzipSync((await download(inc['file_qury_no'])).bytes))[0]!).split('\n').filter(Boolean);
    expect(incRows.every((l) => l.split('\t')[COLS.indexOf('ver')]! > nov)).toBe(true);
    // nothing newer: an empty file
    const none = await c.ok('1301', { data: { ver: '99999999999999' } });
    expect(none['data_cnt']).toBe('0');
    // other file catalogs
    for (const infno of ['1302', '1303', '1305', '1306', '1307', '1308', '1309', '1310', '1311', '1313', '1314', '1315']) {
      const o = await c.ok(infno, { data: { ver: '0' } });
      expect(Number(o['data_cnt']), infno).toBeGreaterThan(0);
    }
    expect((await c.call('1301', { data: {} })).json!['err_msg']).toMatch(/input\.data\.ver/);
  });

  it('9102 of an unknown file is a JSON error envelope', async () => {
    const r = await download('510159999');
    expect(r.contentType).toMatch(/json/);
    expect(r.json).toMatchObject({ infcode: '-1' });
    expect(r.json!['err_msg']).toMatch(/文件不存在/);
  });

  it('查询 catalogs return rows with paging fields', async () => {
    const p1 = await c.ok('1312', { data: { page_num: '1', page_size: '10' } });
    expect(p1).toMatchObject({ pageNum: '1', pageSize: '10', size: '10', recordCounts: String(CATALOG_ITEMS.length), firstPage: '1' });
    expect(p1['data'][0]).toHaveProperty('hilist_code');
    const last = await c.ok('1312', { data: { page_num: p1['pages'], page_size: '10' } });
    expect(Number(last['size'])).toBe(CATALOG_ITEMS.length - 10 * (Number(p1['pages']) - 1));
    const one = await c.ok('1312', { data: { page_num: '1', page_size: '10', hilist_code: '002202030010000' } });
    expect(one['data']).toHaveLength(1);
    const caps = await c.ok('1318', { data: { page_num: '1', page_size: '100' } });
    expect(caps['data'].find((x: any) => x.hilist_code === '002202030010000').hilist_pric_uplmt_amt).toBe('260.00');
    const props = await c.ok('1319', { data: { page_num: '1', page_size: '100' } });
    expect(props['data'].find((x: any) => x.hilist_code === 'XJ01DCK036A001010100002').selfpay_prop).toBe('0.05');
    for (const infno of ['1304', '1316', '1317']) expect((await c.call(infno, { data: { page_num: '1', page_size: '5' } })).json!['infcode']).toBe('0');
    expect((await c.call('1312', { data: { page_num: '0', page_size: '10' } })).json!['err_msg']).toMatch(/page_num/);
    expect((await c.call('1312', { data: {} })).json!['err_msg']).toMatch(/page_num/);
  });

  it('1901, 1201, 2001', async () => {
    expect((await c.ok('1901', { data: { type: 'med_chrgitm_type' } }))['list']).toHaveLength(14);
    expect((await c.ok('1201', { medinsinfo: { fixmedins_code: c.fixmedins } }))['medinsinfo'][0]).toMatchObject({ fixmedins_code: c.fixmedins, fixmedins_name: '四川沙箱测试医院' });
    const t = await c.ok('2001', { data: { psn_no: ZHANG.psn_no, insutype: '310', med_type: '11', begntime: '2026-11-20 09:00:00' } });
    expect(t['trtinfo'][0]).toMatchObject({ trt_enjymnt_flag: '1', fund_pay_type: '310100' });
  });
});

describe('9101 upload', () => {
  it('multipart (jsonStr + file) and JSON with base64 or a byte array', async () => {
    const env = c.envelope('9101', { fsUploadIn: { filename: 'a.txt', fixmedins_code: c.fixmedins } });
    const fd = new FormData();
    fd.append('jsonStr', JSON.stringify(env));
    fd.append('file', new Blob([strToU8('多部分上传')]), 'a.txt');
    const mp = await c.post(fd);
    expect(mp.json).toMatchObject({ infcode: '0', output: { filename: 'a.txt', fixmedins_code: c.fixmedins } });
    const back = await download(mp.json!['output']['file_qury_no']);
    expect(strFromU8(back.bytes)).toBe('多部分上传');
    // identical multipart retry → stored reply
    const fd2 = new FormData();
    fd2.append('jsonStr', JSON.stringify(env));
    fd2.append('file', new Blob([strToU8('多部分上传')]), 'a.txt');
    expect((await c.post(fd2)).text).toBe(mp.text);

    const b64 = await c.ok('9101', { fsUploadIn: { in: Buffer.from('base64 内容').toString('base64'), filename: 'b.txt', fixmedins_code: c.fixmedins } });
    expect(strFromU8((await download(b64['file_qury_no'])).bytes)).toBe('base64 内容');
    const arr = await c.ok('9101', { fsUploadIn: { in: [65, 66, -1], filename: 'c.bin', fixmedins_code: c.fixmedins } });
    expect(Array.from((await download(arr['file_qury_no'])).bytes)).toEqual([65, 66, 255]);
    expect((await c.call('9101', { fsUploadIn: { filename: 'd.txt' } })).json!['err_msg']).toMatch(/fsUploadIn\.in/);
    // multipart is only for 9101
    const fd3 = new FormData();
    fd3.append('jsonStr', JSON.stringify(c.envelope('1901', { data: { type: 'gend' } })));
    expect((await c.post(fd3)).json!['err_msg']).toMatch(/仅用于9101/);
  });
});

async function outpatientSettlement(who: { psn_no: string; certno: string }, insutype: string, ipt: string, lines: Record<string, unknown>[]) {
  const reg = await c.ok('2201', { data: { psn_no: who.psn_no, insutype, begntime: '2026-11-20 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: who.certno, ipt_otp_no: ipt, atddr_no: 'D1', dr_name: '医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' } });
  const mdtrt_id = reg['data']['mdtrt_id'];
  await c.ok('2204', { feedetail: lines.map((l) => ({ ...l, mdtrt_id, psn_no: who.psn_no, chrg_bchno: 'B1' })) });
  const total = lines.reduce((a, l) => a + fen(l['det_item_fee_sumamt']), 0n);
  const st = await c.ok('2207', { data: { psn_no: who.psn_no, mdtrt_cert_type: '02', mdtrt_cert_no: who.certno, med_type: '11', medfee_sumamt: fmtFen(total), psn_setlway: '01', mdtrt_id, chrg_bchno: 'B1', insutype, acct_used_flag: '1' } });
  return st['setlinfo'];
}

describe('3201 / 3202 reconciliation', () => {
  it('3201 balanced and unbalanced', async () => {
    const a = await outpatientSettlement(ZHANG, '310', 'R-1', [feeLine('1', '001103000010000', '15.00', '1'), feeLine('2', 'XJ01CAA040A001010100001', '12.50', '2')]);
    const b = await outpatientSettlement(ZHANG, '310', 'R-2', [feeLine('1', '002503010010000', '20.00', '1')]);
    const x = await outpatientSettlement(ZHANG, '310', 'R-3', [feeLine('1', '002503030010000', '60.00', '1')]);
    await c.ok('2208', { data: { setl_id: x['setl_id'], mdtrt_id: x['mdtrt_id'], psn_no: ZHANG.psn_no } });
    await outpatientSettlement(WANG, '390', 'R-4', [feeLine('1', '001103000010000', '15.00', '1')]); // other insutype
    const sum = (k: string) => fmtFen([a, b].reduce((s, v) => s + fen(v[k]), 0n));
    const req = (over: Record<string, string> = {}) => ({
      data: { insutype: '310', clr_type: '11', setl_optins: '510100', stmt_begndate: '2026-11-20', stmt_enddate: '2026-11-20', medfee_sumamt: sum('medfee_sumamt'), fund_pay_sumamt: sum('fund_pay_sumamt'), acct_pay: sum('acct_pay'), fixmedins_setl_cnt: '2', ...over },
    });
    const okRes = await c.ok('3201', req());
    expect(okRes['stmtinfo']).toMatchObject({ setl_optins: '510100', stmt_rslt: '0' });
    const bad = await c.ok('3201', req({ fixmedins_setl_cnt: '3', acct_pay: '0.01' }));
    expect(bad['stmtinfo']['stmt_rslt']).toBe('1');
    expect(bad['stmtinfo']['stmt_rslt_dscr']).toMatch(/结算笔数 中心2\/机构3/);
    expect(bad['stmtinfo']['stmt_rslt_dscr']).toMatch(/个人账户支付/);
    // other day → the center has nothing
    const other = await c.ok('3201', req({ stmt_begndate: '2026-11-19', stmt_enddate: '2026-11-19' }));
    expect(other['stmtinfo']['stmt_rslt']).toBe('1');
    expect((await c.call('3201', { data: { insutype: '310' } })).json!['err_msg']).toMatch(/input\.data\.clr_type/);

    // 3202: detail file via 9101, result file via 9102
    // the HIS side of 3202: every settlement and every cancellation (negative, refd_setl_flag 1) of the period
    const led = sb.ledger().filter((e) => e.clr_type === '11' && e.status !== 'reversed'); // 3202 has no insutype: every insutype
    const rowsOf = (e: (typeof led)[number]) => {
      const r = [[e.setl_id, e.mdtrt_id, e.psn_no, fmtFen(e.medfee_sumamt), fmtFen(e.fund_pay_sumamt), fmtFen(e.acct_pay), '0']];
      if (e.cancel_setl_id) r.push([e.cancel_setl_id, e.mdtrt_id, e.psn_no, fmtFen(-e.medfee_sumamt), fmtFen(-e.fund_pay_sumamt), fmtFen(-e.acct_pay), '1']);
      return r;
    };
    const all = led.flatMap(rowsOf);
    const txt = all.filter((r) => r[0] !== b['setl_id']).map((r) => r.join('\t')).join('\n');
    const up = await c.ok('9101', { fsUploadIn: { in: Buffer.from(zipSync({ 'detail.txt': strToU8(txt) })).toString('base64'), filename: 'detail.zip', fixmedins_code: c.fixmedins } });
    const r = await c.call('3202', { data: { setl_optins: '510100', file_qury_no: up['file_qury_no'], stmt_begndate: '2026-11-20', stmt_enddate: '2026-11-20', clr_type: '11', medfee_sumamt: '0', fund_pay_sumamt: '0', cash_payamt: '0', fixmedins_setl_cnt: '0' } });
    expect(r.json!['warn_msg']).toMatch(/不平：1笔/);
    const res = await download(r.json!['output']['fileinfo']['file_qury_no']);
    const rows = strFromU8(Object.values(unzipSync(res.bytes))[0]!).split('\n').filter(Boolean).map((l) => l.split('\t'));
    const missing = rows.find((x) => x[2] === b['setl_id'])!;
    expect(missing[4]).toBe('1');
    expect(missing[6]).toMatch(/中心有、医药机构无/);
    expect(rows.filter((x) => x[4] === '0').length).toBe(all.length - 1);
    expect(rows.some((x) => x[5] === '1' && x[4] === '0')).toBe(true); // the cancellation row balanced
  });
});

describe('4101, filings, queries and the Sichuan extension', () => {
  it('4101A stores a settlement list', async () => {
    const s = await outpatientSettlement(ZHANG, '310', 'L-1', [feeLine('1', '001103000010000', '15.00', '1')]);
    const out = await c.ok('4101A', { setlinfo: { setl_id: s['setl_id'], psn_no: ZHANG.psn_no, mdtrt_id: s['mdtrt_id'] }, diseinfo: [], iteminfo: [] });
    expect(out['setl_list_id']).toMatch(/^\d+$/);
    expect((await c.call('4101', { setlinfo: { setl_id: '000', psn_no: ZHANG.psn_no } })).json!['err_msg']).toMatch(/不存在/);
    const s3601 = await c.ok('S3601', { data: { setl_id: s['setl_id'], psn_no: ZHANG.psn_no } });
    expect(s3601['setlinfo']['setl_id']).toBe(s['setl_id']);
    expect(s3601['feedetail']).toHaveLength(1);
    await c.ok('S3301', { data: { setl_id: s['setl_id'], psn_no: ZHANG.psn_no, einvoice_no: 'EI-1' } });
    expect((await c.ok('S3302', { data: { setl_id: s['setl_id'] } }))['data'][0]).toMatchObject({ einvoice_no: 'EI-1' });
  });

  it('2503 → 5301 → 2504, 2505/2506, 2501/5304, Z1101/Z1102, S3701/S5201, S3901/S5901', async () => {
    const f = await c.ok('2503', { data: { psn_no: WANG.psn_no, insutype: '390', opsp_dise_code: 'M03900', opsp_dise_name: '高血压', begndate: '2026-11-01' } });
    const sn = f['result']['trt_dcla_detl_sn'];
    expect((await c.ok('5301', { data: { psn_no: WANG.psn_no } }))['feedetail'][0]).toMatchObject({ trt_dcla_detl_sn: sn, opsp_dise_code: 'M03900' });
    expect((await c.call('2503', { data: { psn_no: WANG.psn_no, insutype: '390', opsp_dise_code: 'M03900', opsp_dise_name: '高血压', begndate: '2026-11-01' } })).json!['err_msg']).toMatch(/已备案/);
    await c.ok('2504', { data: { trt_dcla_detl_sn: sn, psn_no: WANG.psn_no } });
    expect((await c.ok('5301', { data: { psn_no: WANG.psn_no } }))['feedetail']).toHaveLength(0);
    const d = await c.ok('2505', { data: { psn_no: WANG.psn_no, biz_appy_type: '01', begndate: '2026-11-01', fixmedins_code: c.fixmedins } });
    expect((await c.ok('5302', { data: { psn_no: WANG.psn_no } }))['psnfixmedin']).toHaveLength(1);
    await c.ok('2506', { data: { trt_dcla_detl_sn: d['result']['trt_dcla_detl_sn'], psn_no: WANG.psn_no } });
    await c.ok('2501A', { refmedin: { psn_no: WANG.psn_no, insutype: '390', diag_code: 'I10.x00', diag_name: '原发性高血压', reflin_medins_no: 'H51010400099', reflin_medins_name: '上级医院', begndate: '2026-11-20' } });
    expect((await c.ok('5304', { data: { psn_no: WANG.psn_no } }))['refmedin']).toHaveLength(1);
    expect((await c.call('2501', { refmedin: { psn_no: WANG.psn_no } })).json!['err_msg']).toMatch(/input\.refmedin\.insutype/);
    const z = await c.ok('Z1101', { data: { psn_no: WANG.psn_no, dise_type: '1' } });
    await c.ok('Z1102', { data: { trt_dcla_detl_sn: z['result']['trt_dcla_detl_sn'], psn_no: WANG.psn_no } });
    await c.ok('S3701', { data: { psn_no: WANG.psn_no, rxno: 'RX1' } });
    expect((await c.ok('S5201', { data: { psn_no: WANG.psn_no } }))['data'][0]).toMatchObject({ rxno: 'RX1' });
    await c.ok('S3702', { data: { psn_no: WANG.psn_no, hd_idx: '1' } });
    await c.ok('S3901', { data: { psn_no: WANG.psn_no } });
    expect((await c.ok('S5901', { data: { psn_no: WANG.psn_no } }))['data']).toHaveLength(1);
    expect((await c.call('S3901', {})).json!['err_msg']).toMatch(/input\.data/);
  });
});
