import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../host-node/src/index.js';
import { SICHUAN_MANIFEST } from '../manifest.js';
import { IMPLEMENTED } from './center.js';
import { checkIdNumber, seedPersons } from './persons.js';
import { parseFault, startSandbox, type Sandbox } from './server.js';
import { Client, feeLine } from './testkit.js';

const core = createCore();
const clock = { t: new Date('2026-11-20T02:00:00Z') }; // 10:00 in China
let sb: Sandbox;
let c: Client;

beforeAll(async () => {
  sb = await startSandbox({ core, now: () => clock.t });
  c = new Client(sb.url, core, { now: () => clock.t });
});
afterAll(() => sb.close());

const errOf = async (p: ReturnType<Client['call']>) => {
  const r = await p;
  expect(r.status).toBe(200);
  expect(r.json?.['infcode']).toBe('-1');
  expect(r.text).toMatch(/"infcode":-1,/);
  return r.json!['err_msg'] as string;
};

describe('envelope', () => {
  it('implements every transaction of the Sichuan manifest', () => {
    for (const infno of Object.keys(SICHUAN_MANIFEST.transactions)) expect(IMPLEMENTED, infno).toContain(infno);
  });

  it('health', async () => {
    expect(await (await fetch(`${sb.url}/sandbox/health`)).json()).toEqual({ ok: true });
  });

  it('rejects a body that is not JSON', async () => {
    expect(await errOf(c.call('1101', {}, { raw: '{"infno": "1101", ' }))).toMatch(/不是合法的JSON/);
    expect(await errOf(c.call('1101', {}, { raw: '[1,2]' }))).toMatch(/JSON对象/);
    expect(await errOf(c.call('1101', {}, { raw: '' }))).toMatch(/请求体为空/);
  });

  it('rejects missing or empty envelope fields, naming the field', async () => {
    for (const f of ['infno', 'msgid', 'fixmedins_code', 'inf_time', 'mdtrtarea_admvs', 'opter', 'opter_type', 'infver']) {
      expect(await errOf(c.call('9001', {}, { env: { [f]: undefined } }))).toContain(`【${f}】不能为空`);
      expect(await errOf(c.call('9001', {}, { env: { [f]: '' } }))).toContain(`【${f}】`);
    }
  });

  it('checks msgid shape, inf_time and infno', async () => {
    expect(await errOf(c.call('9001', {}, { msgid: 'H51010400001202611201000000' }))).toMatch(/msgid.*30位/);
    expect(await errOf(c.call('9001', {}, { msgid: 'H99999999999202611201000000001' }))).toMatch(/以定点医药机构编号【H51010400001】开头/);
    expect(await errOf(c.call('9001', {}, { env: { inf_time: '2026/11/20 10:00' } }))).toMatch(/inf_time/);
    expect(await errOf(c.call('9999', {}))).toMatch(/交易编号【9999】不存在/);
  });

  it('requires sign-in for everything but 9001; 9002 revokes', async () => {
    expect(await errOf(c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' } }, { signNo: null }))).toMatch(/签到编号无效，请先签到\(9001\)/);
    expect(await errOf(c.call('1101', { data: {} }, { signNo: '99999999' }))).toMatch(/签到编号无效/);
    // a signIn node is required and must name the envelope's operator
    expect(await errOf(c.call('9001', {}, { signNo: null }))).toMatch(/input\.signIn/);
    expect(await errOf(c.call('9001', { signIn: { opter_no: 'other', mac: 'm', ip: 'i' } }, { signNo: null }))).toMatch(/操作员/);
    const sign = await c.signIn();
    expect(sign).toMatch(/^\d{8}$/);
    // another operator cannot use it
    const other = new Client(sb.url, core, { opter: '2002', now: () => clock.t });
    expect(await errOf(other.call('1101', { data: {} }, { signNo: sign }))).toMatch(/签到编号无效/);
    // sign out, then the sign_no is dead
    const c2 = new Client(sb.url, core, { opter: '3003', now: () => clock.t });
    const s2 = await c2.signIn();
    await c2.ok('9002', { signOut: { sign_no: s2, opter_no: '3003' } });
    expect(await errOf(c2.call('1101', { data: {} }))).toMatch(/签到编号无效/);
  });

  it('response envelope shape', async () => {
    const r = await c.call('1901', { data: { type: 'insutype' } });
    expect(r.json).toMatchObject({ infcode: '0', err_msg: null, warn_msg: null, cainfo: '', signtype: '' });
    expect(r.json!['inf_refmsgid']).toMatch(/^510000\d{24}$/);
    expect(r.json!['refmsg_time']).toBe('20261120100000000');
    expect(r.json!['respond_time']).toMatch(/^\d{17}$/);
    expect(r.contentType).toMatch(/application\/json/);
    expect(r.json!['output']['list'][0]).toMatchObject({ type: 'insutype', value: '310' });
  });

  it('accepts text/plain and application/json bodies', async () => {
    const r = await c.call('1901', { data: { type: 'med_type' } }, { contentType: 'text/plain;charset=utf-8' });
    expect(r.json!['infcode']).toBe('0');
  });

  it('msgid: an identical retry gets the stored reply, a different request is refused', async () => {
    const msgid = c.newMsgid();
    const a = await c.call('1901', { data: { type: 'gend' } }, { msgid });
    const b = await c.call('1901', { data: { type: 'gend' } }, { msgid });
    expect(b.text).toBe(a.text);
    expect(await errOf(c.call('1901', { data: { type: 'insutype' } }, { msgid }))).toMatch(/msgid.*重复/);
  });
});

describe('1101 persons', () => {
  it('seed persons have valid ID numbers', () => {
    for (const p of seedPersons()) expect(checkIdNumber(p.certno)).toMatchObject({ ok: true, brdy: p.brdy, gend: p.gend });
  });

  it('returns a seed person by ID, card and e-voucher, in the Shanghai-sample shape', async () => {
    const byId = await c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311', psn_name: '张在职' } });
    const out = byId.json!['output'];
    expect(out.baseinfo).toMatchObject({ psn_no: '51010000000000000001', psn_name: '张在职', certno: '510104198503152311', gend: '1', brdy: '1985-03-15', psn_cert_type: '01', age: '41.6' });
    expect(out.insuinfo).toHaveLength(1);
    expect(out.insuinfo[0]).toMatchObject({ insutype: '310', balc: '3000.00', insuplc_admdvs: '510100', psn_insu_stas: '1', cvlserv_flag: '0' });
    expect(byId.text).toContain('"balc":3000.00');
    expect(out.idetinfo).toEqual([]);
    const byCard = await c.ok('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'S51000005', card_sn: '510100D15600000500000000000000A5' } });
    expect(byCard.baseinfo.psn_name).toBe('钱救助');
    expect(byCard.idetinfo[0]).toMatchObject({ psn_idet_type: '2301' });
    const byToken = await c.ok('1101', { data: { mdtrt_cert_type: '01', mdtrt_cert_no: 'ECTOKEN-510100-0004' } });
    expect(byToken.insuinfo[0]).toMatchObject({ cvlserv_flag: '1', insutype: '310' });
    // spec-example form: certno without a credential type
    const byCertno = await c.ok('1101', { data: { psn_cert_type: '01', certno: '510107199006074619' } });
    expect(byCertno.insuinfo[0]).toMatchObject({ insutype: '390', balc: '0.00' });
  });

  it('refuses wrong names, card_sn and checksums', async () => {
    expect(await errOf(c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311', psn_name: '某某' } }))).toMatch(/姓名/);
    expect(await errOf(c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152312' } }))).toMatch(/校验位/);
    expect(await errOf(c.call('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'S51000001' } }))).toMatch(/card_sn/);
    expect(await errOf(c.call('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'S51000001', card_sn: 'WRONG' } }))).toMatch(/card_sn/);
    expect(await errOf(c.call('1101', { data: { mdtrt_cert_type: '02' } }))).toMatch(/mdtrt_cert_no/);
  });

  it('auto-enrols a well-formed unseen ID number (deterministic psn_no, 1000.00 account)', async () => {
    const id = '110101200001011232'; // valid checksum
    expect(checkIdNumber(id).ok).toBe(true);
    const a = await c.call('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: id } });
    expect(a.json!['warn_msg']).toMatch(/自动参保/);
    const out = a.json!['output'];
    expect(out.baseinfo).toMatchObject({ certno: id, brdy: '2000-01-01', gend: '1' });
    expect(out.insuinfo[0]).toMatchObject({ insutype: '310', psn_type: '1101', balc: '1000.00' });
    const again = await c.ok('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: id } });
    expect(again.baseinfo.psn_no).toBe(out.baseinfo.psn_no);
    // a second sandbox derives the same psn_no
    const sb2 = await startSandbox({ core });
    const c2 = new Client(sb2.url, core);
    await c2.signIn();
    expect((await c2.ok('1101', { data: { mdtrt_cert_type: '02', mdtrt_cert_no: id } })).baseinfo.psn_no).toBe(out.baseinfo.psn_no);
    await sb2.close();
    // card and e-voucher holders get a synthetic valid ID number
    const card = await c.ok('1101', { data: { mdtrt_cert_type: '03', mdtrt_cert_no: 'A98765432', card_sn: 'ABCDEF0123456789' } });
    expect(checkIdNumber(card.baseinfo.certno).ok).toBe(true);
    const token = await c.ok('1101', { data: { mdtrt_cert_type: '01', mdtrt_cert_no: 'ec-token-unseen-42' } });
    expect(token.insuinfo[0].balc).toBe('1000.00');
  });
});

describe('faults', () => {
  it('parseFault', () => {
    expect(parseFault('delay:200')).toEqual({ kind: 'delay', ms: 200 });
    expect(parseFault('drop-after-commit:0.3')).toEqual({ kind: 'drop-after-commit', p: 0.3 });
    expect(parseFault('http-500:0.1')).toEqual({ kind: 'http-500', p: 0.1 });
    expect(parseFault('malformed:0.05')).toEqual({ kind: 'malformed', p: 0.05 });
    for (const bad of ['delay', 'delay:-1', 'delay:1.5', 'http-500:2', 'oops:0.1', 'malformed:abc', '']) expect(() => parseFault(bad), bad).toThrow(/invalid fault/);
  });

  it('delay, http-500, malformed and drop-after-commit', async () => {
    const f = await startSandbox({ core, now: () => clock.t, seed: 7 });
    const k = new Client(f.url, core, { now: () => clock.t });
    await k.signIn();
    const id = '510104198503152311';
    try {
      f.setFaults([{ kind: 'delay', ms: 150 }]);
      const t0 = Date.now();
      await k.ok('1901', { data: { type: 'gend' } });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

      // http-500: nothing happens, the msgid stays unused
      f.setFaults([{ kind: 'http-500', p: 1 }]);
      const reg = { data: { psn_no: '51010000000000000001', insutype: '310', begntime: '2026-11-20 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: id, ipt_otp_no: 'F-1', atddr_no: 'D1', dr_name: '医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' } };
      const msgid = k.newMsgid();
      const r500 = await k.call('2201', reg, { msgid });
      expect(r500.status).toBe(500);
      expect(f.center.st.msgs.has(msgid)).toBe(false);
      expect([...f.center.st.visits.values()]).toHaveLength(0);

      // malformed: committed, the body is truncated; the retry returns the stored reply
      f.setFaults([{ kind: 'malformed', p: 1 }]);
      const bad = await k.call('2201', reg, { msgid });
      expect(bad.status).toBe(200);
      expect(bad.json).toBeUndefined();
      expect([...f.center.st.visits.values()]).toHaveLength(1);
      f.setFaults([]);
      const good = await k.call('2201', reg, { msgid });
      expect(good.json!['infcode']).toBe('0');
      const mdtrt_id = good.json!['output']['data']['mdtrt_id'] as string;
      expect(bad.text.length).toBeLessThan(good.text.length);
      expect(good.text.startsWith(bad.text)).toBe(true);

      // drop-after-commit: the settlement exists although the caller saw a network error
      await k.ok('2204', { feedetail: [{ ...feeLine('1', 'XJ01CAA040A001010100001', '12.50', '2'), mdtrt_id, psn_no: '51010000000000000001', chrg_bchno: 'B1' }] });
      f.setFaults([{ kind: 'drop-after-commit', p: 1 }]);
      const settleMsgid = k.newMsgid();
      const settle = { data: { psn_no: '51010000000000000001', mdtrt_cert_type: '02', mdtrt_cert_no: id, med_type: '11', medfee_sumamt: '25.00', psn_setlway: '01', mdtrt_id, chrg_bchno: 'B1', insutype: '310', acct_used_flag: '1' } };
      await expect(k.call('2207', settle, { msgid: settleMsgid })).rejects.toThrow();
      expect(f.ledger()).toHaveLength(1);
      expect(f.ledger()[0]).toMatchObject({ msgid: settleMsgid, status: 'valid', medfee_sumamt: 2500 });
      f.setFaults([]);
      const retry = await k.call('2207', settle, { msgid: settleMsgid });
      expect(retry.json!['infcode']).toBe('0');
      expect(retry.json!['output']['setlinfo']['setl_id']).toBe(f.ledger()[0]!.setl_id);
      expect(f.ledger()).toHaveLength(1);

      // probabilistic faults are deterministic for a seed
      const seq = async (seed: number) => {
        const s = await startSandbox({ core, seed, faults: [{ kind: 'http-500', p: 0.5 }] });
        const out: number[] = [];
        for (let i = 0; i < 12; i++) out.push((await fetch(s.url + SICHUAN_MANIFEST.transport.path, { method: 'POST', body: '{}' })).status);
        await s.close();
        return out.join(',');
      };
      const s1 = await seq(42);
      expect(await seq(42)).toBe(s1);
      expect(s1).toContain('500');
      expect(s1).toContain('200');

      // faults can be set over HTTP
      const set = await fetch(`${f.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify([{ kind: 'http-500', p: 1 }]) });
      expect((await set.json()).ok).toBe(true);
      expect((await k.call('1901', { data: { type: 'gend' } })).status).toBe(500);
      const badSet = await fetch(`${f.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify(['nope:1']) });
      expect(badSet.status).toBe(400);
      await fetch(`${f.url}/sandbox/faults`, { method: 'POST', body: '["delay:0"]' });
      expect((await k.call('1901', { data: { type: 'gend' } })).status).toBe(200);
    } finally {
      await f.close();
    }
  });
});

describe('/sandbox/ledger', () => {
  it('is a JSON array of fen integers', async () => {
    const r = await fetch(`${sb.url}/sandbox/ledger`);
    expect(r.headers.get('content-type')).toMatch(/json/);
    expect(Array.isArray(await r.json())).toBe(true);
  });
});
