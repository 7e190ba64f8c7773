// The server role: the hospital hosts zysjcxjk (住院数据查询) and the user trio; the sandbox 农合 center calls
// it over SOAP and checks the answer against what zydjjk registered. Same provider checks as the center:
// 医院代码, 消息摘要, user/口令, authorisation, per-user IP binding, letters, server allow-list.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createCore } from '../../host-node/src/index.js';
import { rejectionOf as code } from '../../host-node/src/testing/rejection.js';
import { LiuzhouClient } from './client.js';
import { fromDataSet } from './schema.js';
import { startLiuzhouHisService, type HisService, type InpatientData } from './his-service.js';
import { UserStore } from './users.js';
import { sandboxCardNo, startLiuzhouSandbox, type LiuzhouSandbox } from './sandbox/index.js';

const core = createCore();
const HOSP = '450202001';

let sb: LiuzhouSandbox;
let his: HisService;
const admissions = new Map<string, InpatientData>();
const lines = [
  { seq: '1', his_code: '001102000010000', name: '普通病房床位费', category: '01', price: '35.00', qty: '5', amount_fen: 17500, time: '2026-11-20 09:00:00' },
  { seq: '2', his_code: '003311000010000', name: '阑尾切除术', category: '06', price: '1200.00', qty: '1', amount_fen: 120000 },
];
const nh = { user: 'xnh01', password: 'Xnh2026ab' };
/** a client of the hospital's service (the 农合 side's calls, made with the same codec) */
const toHis = (o: Partial<ConstructorParameters<typeof LiuzhouClient>[0]> = {}) =>
  new LiuzhouClient({ core, url: his.url, hospitalCode: HOSP, user: nh.user, password: nh.password, config: sb.config, ...o });

beforeAll(async () => {
  sb = await startLiuzhouSandbox({ core, hospitalCode: HOSP });
  const users = new UserStore({ core });
  users.add({ hospital: HOSP, name: nh.user, password: nh.password, ips: ['127.0.0.1', '::1'], letters: 'AB', status: 'active' });
  his = await startLiuzhouHisService({
    core, config: sb.config, hospitalCode: HOSP, users,
    inpatientData: (zybh) => {
      if (zybh === 'BOOM') throw new Error('HIS database is down');
      return admissions.get(zybh) ?? null;
    },
  });
  // the hospital registered ZYH001 with 农合 (zydjjk), and its HIS holds the admission's fee lines
  const c = new LiuzhouClient({ core, url: sb.url, hospitalCode: HOSP, user: sb.user, password: sb.password, config: sb.config });
  await c.admission({ ipt_no: 'ZYH001', card_no: sandboxCardNo(2), dept: '外科' });
  admissions.set('ZYH001', { ipt_no: 'ZYH001', card_no: sandboxCardNo(2), name: '李〇', adm_time: '2026-11-20 08:00:00', dept: '外科', lines });
});
afterAll(async () => {
  await his?.close();
  his?.users.close();
  await sb?.close();
});

describe('liuzhou hospital service: zysjcxjk called by the 农合 center', () => {
  it('the center pulls the admission and finds it consistent with the registration', async () => {
    const r = await sb.center.pullInpatientData({ url: his.url, ...nh, hospitalCode: HOSP }, 'ZYH001');
    expect(r.mismatches).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.rows.main).toEqual([{ ipt_no: 'ZYH001', card_no: sandboxCardNo(2), name: '李〇', adm_time: '2026-11-20 08:00:00', dept: '外科', total: '1375.00', count: '2' }]);
    expect(r.rows.lines!.map((l) => [l.seq, l.price, l.qty, l.amount])).toEqual([['1', '35.00', '5', '175.00'], ['2', '1200.00', '1', '1200.00']]);
    expect(r.rows.lines![0]!.time).toBe('2026-11-20 09:00:00');
  });

  it('data that does not match the registration is reported line by line', async () => {
    admissions.set('ZYH002', { ipt_no: 'ZYH002', card_no: sandboxCardNo(1), lines });
    const r = await sb.center.pullInpatientData({ url: his.url, ...nh, hospitalCode: HOSP }, 'ZYH002');
    expect(r.ok).toBe(false);
    expect(r.mismatches.join('；')).toContain('没有住院登记');
    admissions.set('ZYH001X', { ...admissions.get('ZYH001')!, ipt_no: 'ZYH001', card_no: sandboxCardNo(5) });
    const w = await sb.center.pullInpatientData({ url: his.url, ...nh, hospitalCode: HOSP }, 'ZYH001X');
    expect(w.mismatches.join('；')).toContain('返回的住院编号【ZYH001】与查询的【ZYH001X】不符');
    // the sandbox window refuses to compute a 补偿 on inconsistent data
    await expect(sb.center.window({ url: his.url, ...nh, hospitalCode: HOSP }, 'ZYH002')).rejects.toThrow(/与登记不符/);
  });

  it('an unknown 住院编号 is a Null DataSet (XNH_NULL_RESULT at the caller)', async () => {
    expect(await code(sb.center.pullInpatientData({ url: his.url, ...nh, hospitalCode: HOSP }, 'ZY-UNKNOWN'))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    expect(await toHis().raw('zysjcxjk', { 用户: nh.user, 口令: nh.password, 住院编号: 'ZY-UNKNOWN' })).toEqual({ kind: 'dataset', dataset: null });
  });

  it('refusals are Null too: wrong password, address not bound, wrong digest', async () => {
    expect(await toHis().raw('zysjcxjk', { 用户: nh.user, 口令: 'bad', 住院编号: 'ZYH001' })).toEqual({ kind: 'dataset', dataset: null });
    his.users.add({ hospital: HOSP, name: 'far', password: 'Far12345', ips: '192.168.10.0/24', letters: '', status: 'active' });
    expect(await toHis().raw('zysjcxjk', { 用户: 'far', 口令: 'Far12345', 住院编号: 'ZYH001' })).toEqual({ kind: 'dataset', dataset: null });
    expect(await toHis().raw('zysjcxjk', { 用户: nh.user, 口令: nh.password, 住院编号: 'ZYH001', 消息摘要: 'X' })).toEqual({ kind: 'dataset', dataset: null });
    const ok = await toHis().raw('zysjcxjk', { 用户: nh.user, 口令: nh.password, 住院编号: 'ZYH001' });
    expect(ok.kind === 'dataset' && ok.dataset && fromDataSet(sb.config.schemas.zysjcx, ok.dataset).lines!.length).toBe(2);
  });

  it('a failing HIS data provider is a SOAP Server fault (no stack, no crash); the service keeps serving', async () => {
    const e = await code(toHis().raw('zysjcxjk', { 用户: nh.user, 口令: nh.password, 住院编号: 'BOOM' }));
    expect(e.code).toBe('SOAP_FAULT');
    expect(e.detail).toContain('服务内部错误');
    expect(e.detail).not.toContain('database');
    expect((await sb.center.pullInpatientData({ url: his.url, ...nh, hospitalCode: HOSP }, 'ZYH001')).ok).toBe(true);
  });

  it('a letter for zysjcxjk is configuration (none by default)', async () => {
    const users = new UserStore({ core });
    users.add({ hospital: HOSP, name: 'e', password: 'Eeee1234', ips: '127.0.0.1,::1', letters: 'E', status: 'active' });
    users.add({ hospital: HOSP, name: 'noe', password: 'Noe12345', ips: '127.0.0.1,::1', letters: 'A', status: 'active' });
    const h2 = await startLiuzhouHisService({ core, config: { letters: { zysjcxjk: 'E' } }, hospitalCode: HOSP, users, inpatientData: (z) => admissions.get(z) ?? null });
    try {
      const c = (user: string, password: string) => new LiuzhouClient({ core, url: h2.url, hospitalCode: HOSP, user, password });
      expect(await c('noe', 'Noe12345').raw('zysjcxjk', { 用户: 'noe', 口令: 'Noe12345', 住院编号: 'ZYH001' })).toEqual({ kind: 'dataset', dataset: null });
      const ok = await c('e', 'Eeee1234').raw('zysjcxjk', { 用户: 'e', 口令: 'Eeee1234', 住院编号: 'ZYH001' });
      expect(ok.kind === 'dataset' && ok.dataset !== null).toBe(true);
    } finally {
      await h2.close();
      users.close();
    }
  });

  it('the server-level allow-list (the 农合 center\'s addresses) refuses others with a Client fault', async () => {
    const users = new UserStore({ core });
    users.add({ hospital: HOSP, name: nh.user, password: nh.password, ips: '*', letters: '', status: 'active' });
    const h3 = await startLiuzhouHisService({ core, hospitalCode: HOSP, users, allowIps: ['10.20.30.40'], inpatientData: () => null });
    try {
      const e = await code(new LiuzhouClient({ core, url: h3.url, hospitalCode: HOSP, ...nh }).raw('zysjcxjk', { 用户: nh.user, 口令: nh.password, 住院编号: 'ZYH001' }));
      expect(e.code).toBe('SOAP_FAULT');
    } finally {
      await h3.close();
      users.close();
    }
  });
});

describe('liuzhou hospital service: the user trio (农合 manages its users on the hospital side)', () => {
  it('Yhzjjk (needs A) adds a pending user, the hospital authorises it, yhklxgjk changes its password, Yhscjk (needs B) deletes it', async () => {
    await toHis().addUser({ name: 'xnh02', password: 'Xnh02pass', ips: '127.0.0.1', letters: '' });
    expect(his.users.get(HOSP, 'xnh02')).toMatchObject({ status: 'pending', created_by: nh.user, ips: ['127.0.0.1'] });
    const two = toHis({ user: 'xnh02', password: 'Xnh02pass' });
    expect(await two.raw('zysjcxjk', { 用户: 'xnh02', 口令: 'Xnh02pass', 住院编号: 'ZYH001' })).toEqual({ kind: 'dataset', dataset: null });
    his.users.authorize(HOSP, 'xnh02');
    const got = await two.raw('zysjcxjk', { 用户: 'xnh02', 口令: 'Xnh02pass', 住院编号: 'ZYH001' });
    expect(got.kind === 'dataset' && got.dataset !== null).toBe(true);
    await two.changePassword('Xnh02new1');
    expect(await two.raw('zysjcxjk', { 用户: 'xnh02', 口令: 'Xnh02pass', 住院编号: 'ZYH001' })).toEqual({ kind: 'dataset', dataset: null });
    // xnh02 has neither A nor B
    expect((await code(two.addUser({ name: 'x3', password: 'Abcd1234', ips: '*', letters: '' }))).detail).toContain('没有权限 A');
    expect((await code(two.deleteUser(nh.user))).detail).toContain('没有权限 B');
    await toHis().deleteUser('xnh02');
    expect(his.users.get(HOSP, 'xnh02')).toBeUndefined();
  });

  it('the 医院代码 of the trio must be the hospital\'s own', async () => {
    const e = await code(toHis({ hospitalCode: '450202999' }).addUser({ name: 'x4', password: 'Abcd1234', ips: '*', letters: '' }));
    expect(e.code).toBe('XNH_REFUSED');
    expect(e.detail).toContain('医院代码【450202999】与服务提供方不符');
  });
});
