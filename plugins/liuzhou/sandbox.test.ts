// Every Liuzhou interface against the sandbox center over real SOAP on loopback: the success and failure
// conventions (空 vs text, DataSet vs Null), the provider's checks (password, authorisation, IP binding, each
// permission letter, 消息摘要, server allow-list), the unanswerable money calls, malformed DataSets in
// replies, and the demo bills through the shared flows — the inpatient one with the center pulling the
// admission from the hospital's own zysjcxjk service.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCore } from '../../host-node/src/index.js';
import type { YibaoError } from '../../host-node/src/errors.js';
import { rejectionOf as code } from '../../host-node/src/testing/rejection.js';
import { fenToYuan } from '../../host-node/src/money.js';
import { outpatientSettle, inpatientSettle, type Bill } from '../../host-node/src/flows.js';
import { startSoapServer } from '../../host-node/src/transport-soap.js';
import { LiuzhouClient, type CatalogRow } from './client.js';
import { resolveConfig, type LiuzhouConfigInput } from './config.js';
import { startLiuzhouHisService, type HisService } from './his-service.js';
import { DEFAULT_SCHEMAS, toDataSet } from './schema.js';
import { LETTERS, type PermissionLetter } from './spec.js';
import { UserStore } from './users.js';
import { sandboxCardNo, sandboxCompensation, startLiuzhouSandbox, type LiuzhouSandbox } from './sandbox/index.js';

const core = createCore();
const fixture = (f: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${f}`, import.meta.url)), 'utf8')) as Bill;
const ZHANG = '510104198503152311'; // seed person 1 (the outpatient demo bill)
const SUN_BLOCKED = '510106197205051836';

let sb: LiuzhouSandbox;
const client = (o: Partial<ConstructorParameters<typeof LiuzhouClient>[0]> = {}) =>
  new LiuzhouClient({ core, url: sb.url, hospitalCode: sb.hospitalCode, user: sb.user, password: sb.password, config: sb.config, ...o });
const line = (seq: string, price: string, qty: string, amount_fen: number, his_code = '001103000010000') => ({ seq, his_code, name: `项目${seq}`, price, qty, amount_fen });

beforeAll(async () => {
  sb = await startLiuzhouSandbox({ core });
});
afterAll(async () => {
  await sb?.close();
});

describe('liuzhou sandbox: the 农合 interfaces over SOAP', () => {
  it('chryxxjk: a DataSet for a known 参合证号 (or ID number); Null for an unknown one', async () => {
    const c = client();
    const p = await c.person(sandboxCardNo(1));
    expect(p).toMatchObject({ card_no: sandboxCardNo(1), name: '张三', certno: ZHANG, gend: '1', brdy: '1985-03-15', status: '0' });
    expect((await c.person(ZHANG)).card_no).toBe(sandboxCardNo(1));
    const gbk = await c.person('510107199006074619');
    expect(gbk.name).toBe('昜晐·丂齄﨩');
    expect(await code(c.person('123'))).toMatchObject({ code: 'XNH_NULL_RESULT' });
  });

  it('mzjsjk → 补偿 DataSet (门诊编号, amounts that add up); mzjstfjk refunds it once (空), then answers a text', async () => {
    const c = client();
    const r = await c.outpatientSettlement({ visit_no: 'MZT0001', card_no: sandboxCardNo(3) }, [line('1', '15.00', '1', 1500), line('2', '12.50', '2', 2500, 'XJ01CAA040A001010100001')]);
    expect(r.outpatient_no).toMatch(/^MZ/);
    expect(r.total_fen).toBe(4000);
    expect(r.comp_fen + r.self_fen).toBe(4000);
    expect(r.comp_fen).toBeGreaterThan(0);
    // the same 门诊号 cannot be settled twice: Null (the protocol gives no reason)
    expect(await code(c.outpatientSettlement({ visit_no: 'MZT0001', card_no: sandboxCardNo(3) }, [line('1', '15.00', '1', 1500)]))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    await c.outpatientRefund(r.outpatient_no);
    const again = await code(c.outpatientRefund(r.outpatient_no));
    expect(again.code).toBe('XNH_REFUSED');
    expect(again.detail).toContain('没有有效的结算');
    expect((await code(c.outpatientRefund('MZ-NOPE'))).detail).toContain('不存在');
    // after the refund the visit can be settled again
    const r2 = await c.outpatientSettlement({ visit_no: 'MZT0001', card_no: sandboxCardNo(3) }, [line('1', '15.00', '1', 1500)]);
    expect(r2.total_fen).toBe(1500);
  });

  it('mzjsjk: a blocked person, a wrong total or a bad line is Null — never a partial settlement', async () => {
    const c = client();
    expect(await code(c.outpatientSettlement({ visit_no: 'MZT0002', card_no: SUN_BLOCKED }, [line('1', '15.00', '1', 1500)]))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    expect(await code(c.outpatientSettlement({ visit_no: 'MZT0003', card_no: ZHANG }, [line('1', '15.00', '2', 1500)]))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    const ok = await c.outpatientSettlement({ visit_no: 'MZT0003', card_no: ZHANG }, [line('1', '15.00', '2', 3000)]);
    expect(ok.total_fen).toBe(3000);
    expect(await code(client().identify({ mdtrt_cert_type: '02', mdtrt_cert_no: SUN_BLOCKED }))).toMatchObject({ code: 'XNH_REFUSED' });
  });

  it('zydjjk registers an admission (空); a second admission of the same 住院编号 is refused with its reason', async () => {
    const c = client();
    await c.admission({ ipt_no: 'ZYT0001', card_no: sandboxCardNo(4), dept: '外科', diag_code: 'K35.800', diag_name: '急性阑尾炎' });
    const dup = await code(c.admission({ ipt_no: 'ZYT0001', card_no: sandboxCardNo(4) }));
    expect(dup.code).toBe('XNH_REFUSED');
    expect(dup.detail).toContain('已登记');
  });

  it('zyjsjk: 补偿 amounts that differ from the center\'s are refused with a text; the right ones are accepted (空); J refunds', async () => {
    const c = client();
    await c.admission({ ipt_no: 'ZYT0002', card_no: sandboxCardNo(3) });
    const lines = [line('1', '35.00', '5', 17500, '001102000010000'), line('2', '1200.00', '1', 120000, '003311000010000')];
    const wrong = await code(c.inpatientSettlement({ ipt_no: 'ZYT0002', setl_no: 'JS0001', card_no: sandboxCardNo(3), comp_fen: 100000, self_fen: 37500 }, lines));
    expect(wrong.code).toBe('XNH_REFUSED');
    expect(wrong.detail).toContain('与农合计算');
    const comp = sb.center.compensate(sb.hospitalCode, 'ZYT0002', lines.map((l) => ({ ipt_no: 'ZYT0002', seq: l.seq, his_code: l.his_code, name: l.name, price: l.price, qty: l.qty, amount: fenToYuan(l.amount_fen) })));
    const compFen = comp.comp;
    await c.inpatientSettlement({ ipt_no: 'ZYT0002', setl_no: 'JS0002', card_no: sandboxCardNo(3), comp_fen: compFen, self_fen: 137500 - compFen }, lines);
    expect((await code(c.inpatientSettlement({ ipt_no: 'ZYT0002', setl_no: 'JS0002', card_no: sandboxCardNo(3), comp_fen: compFen, self_fen: 137500 - compFen }, lines))).detail).toContain('已结算');
    const j = client({ config: { ...sb.config, jInterface: { enabled: true, name: 'zyjstfjk' } } });
    await j.inpatientRefund('ZYT0002');
    expect((await code(j.inpatientRefund('ZYT0002'))).code).toBe('XNH_REFUSED');
    // without the configuration the J interface is not called at all
    expect(await code(client({ config: { jInterface: { enabled: false } } }).inpatientRefund('ZYT0002'))).toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('ypmljk / zlmljk: mappings are accepted (空); an invalid row is refused with the row and reason', async () => {
    const c = client();
    const row: CatalogRow = { his_code: 'YP001', his_name: '阿莫西林胶囊', xnh_code: 'XJ01CAA040A001010100001', spec: '0.25g*24', unit: '盒', price: '12.50', action: '1' };
    await c.drugCatalog([row]);
    expect(sb.center.catalogs.get(sb.hospitalCode)!.drug.get('YP001')!.xnh_code).toBe('XJ01CAA040A001010100001');
    expect((await code(c.drugCatalog([row]))).detail).toContain('已有对应关系');
    await c.drugCatalog([{ ...row, action: '2' }]);
    expect(sb.center.catalogs.get(sb.hospitalCode)!.drug.has('YP001')).toBe(false);
    await c.treatmentCatalog([{ his_code: 'ZL001', his_name: '门诊诊查费', xnh_code: '001103000010000', action: '1' }]);
    const bad = await code(c.treatmentCatalog([{ his_code: 'ZL002', his_name: 'x', action: '7' as '1' }]));
    expect(bad).toMatchObject({ code: 'XNH_REFUSED' });
    expect(bad.detail).toContain('第1行操作类型');
  });

  it('user trio: Yhzjjk adds a pending user (unusable until authorised), yhklxgjk enforces 口令强度, Yhscjk deletes', async () => {
    const admin = client();
    await admin.addUser({ name: 'op02', password: 'Op02pass1', ips: ['127.0.0.1', '::1'], letters: 'E' });
    const op = client({ user: 'op02', password: 'Op02pass1' });
    expect((await code(op.person(sandboxCardNo(1)))).code).toBe('XNH_NULL_RESULT');
    expect((await code(op.changePassword('Op02pass2'))).detail).toContain('尚未经服务提供方授权');
    sb.users.authorize(sb.hospitalCode, 'op02');
    expect((await op.person(sandboxCardNo(1))).name).toBe('张三');
    expect((await code(op.changePassword('Op02pass1'))).detail).toContain('新旧口令不能相同');
    expect((await code(op.changePassword('ab1'))).detail).toContain('长度不能少于6位');
    expect((await code(op.changePassword('onlyletters'))).detail).toContain('字母和数字');
    await op.changePassword('Op02pass2');
    expect((await op.person(sandboxCardNo(1))).name).toBe('张三');
    const stale = client({ user: 'op02', password: 'Op02pass1' });
    expect((await code(stale.person(sandboxCardNo(1)))).code).toBe('XNH_NULL_RESULT');
    // duplicates, bad letters, weak passwords are refused with a reason
    expect((await code(admin.addUser({ name: 'op02', password: 'Abc12345', ips: '127.0.0.1', letters: 'E' }))).detail).toContain('已存在');
    expect((await code(admin.addUser({ name: 'op03', password: 'Abc12345', ips: '127.0.0.1', letters: 'EK' }))).detail).toContain('A–J');
    expect((await code(admin.addUser({ name: 'op03', password: 'abc', ips: '127.0.0.1', letters: 'E' }))).detail).toContain('新增用户口令');
    expect((await code(admin.deleteUser(sb.user))).detail).toContain('不能删除发起用户自己');
    await admin.deleteUser('op02');
    expect(sb.users.get(sb.hospitalCode, 'op02')).toBeUndefined();
    expect((await code(admin.deleteUser('op02'))).detail).toContain('不存在');
  });

  it('passwords are stored as salted SHA-256 only', () => {
    const u = new UserStore({ core });
    u.add({ hospital: 'H', name: 'a', password: 'Secret123', ips: '*', letters: 'A', status: 'active' });
    const db = (u as unknown as { db: { prepare(s: string): { all(): Record<string, string>[] } } }).db;
    const rows = db.prepare('SELECT * FROM xnh_users').all();
    expect(JSON.stringify(rows)).not.toContain('Secret123');
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(u.checkPassword('H', 'a', 'Secret123')).toBe(true);
    expect(u.checkPassword('H', 'a', 'secret123')).toBe(false);
    expect(u.checkPassword('H', 'nobody', 'Secret123')).toBe(false);
    u.close();
  });
});

describe('liuzhou sandbox: authentication, IP binding, permission letters, 消息摘要', () => {
  it('a wrong password: failure text for string interfaces, Null for DataSet interfaces', async () => {
    const c = client({ password: 'wrong-Pw1' });
    expect(await code(c.person(sandboxCardNo(1)))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    const s = await code(c.admission({ ipt_no: 'ZYX1', card_no: sandboxCardNo(1) }));
    expect(s.code).toBe('XNH_REFUSED');
    expect(s.detail).toContain('口令错误');
    expect((await code(client({ hospitalCode: '999999' }).admission({ ipt_no: 'ZYX1', card_no: sandboxCardNo(1) }))).detail).toContain('口令错误');
  });

  it('IP binding: a user bound to other addresses is refused from 127.0.0.1; a matching CIDR is accepted', async () => {
    sb.users.add({ hospital: sb.hospitalCode, name: 'remote', password: 'Remote123', ips: '10.1.2.3', letters: 'EH', status: 'active' });
    sb.users.add({ hospital: sb.hospitalCode, name: 'lan', password: 'Lan12345', ips: '127.0.0.0/8,::1', letters: 'EH', status: 'active' });
    const r = await code(client({ user: 'remote', password: 'Remote123' }).admission({ ipt_no: 'ZYX2', card_no: sandboxCardNo(1) }));
    expect(r.detail).toContain('不允许从 127.0.0.1 访问');
    expect(await code(client({ user: 'remote', password: 'Remote123' }).person(sandboxCardNo(1)))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    expect((await client({ user: 'lan', password: 'Lan12345' }).person(sandboxCardNo(1))).name).toBe('张三');
  });

  // one call per letter: a user with every letter but L is refused (text / Null); a user with only L gets past the check
  const J = { jInterface: { enabled: true, name: 'zyjstfjk' } };
  const calls: Record<PermissionLetter, { kind: 'string' | 'dataset'; run: (c: LiuzhouClient, n: number) => Promise<unknown> }> = {
    A: { kind: 'string', run: (c, n) => c.addUser({ name: `new${n}`, password: 'Newuser1', ips: '127.0.0.1', letters: 'E' }) },
    B: { kind: 'string', run: (c) => c.deleteUser('nobody') },
    C: { kind: 'string', run: (c, n) => c.drugCatalog([{ his_code: `YPL${n}`, his_name: '药', xnh_code: 'X1', action: '1' }]) },
    D: { kind: 'string', run: (c, n) => c.treatmentCatalog([{ his_code: `ZLL${n}`, his_name: '诊疗', xnh_code: 'X2', action: '1' }]) },
    E: { kind: 'dataset', run: (c) => c.person(sandboxCardNo(1)) },
    F: { kind: 'dataset', run: (c, n) => c.outpatientSettlement({ visit_no: `MZL${n}`, card_no: sandboxCardNo(1) }, [line('1', '15.00', '1', 1500)]) },
    G: { kind: 'string', run: (c) => c.outpatientRefund('MZ-NONE') },
    H: { kind: 'string', run: (c, n) => c.admission({ ipt_no: `ZYL${n}`, card_no: sandboxCardNo(1) }) },
    I: { kind: 'string', run: (c) => c.inpatientSettlement({ ipt_no: 'ZY-NONE', setl_no: 'JSX', card_no: sandboxCardNo(1), comp_fen: 0, self_fen: 1500 }, [line('1', '15.00', '1', 1500)]) },
    J: { kind: 'string', run: (c) => c.inpatientRefund('ZY-NONE') },
  };
  it.each(LETTERS.map((l, i) => [l, i] as const))('letter %s is enforced', async (letter, i) => {
    const without = `no${letter}`, only = `only${letter}`;
    sb.users.add({ hospital: sb.hospitalCode, name: without, password: 'Letter123', ips: '127.0.0.1,::1', letters: LETTERS.filter((x) => x !== letter).join(''), status: 'active' });
    sb.users.add({ hospital: sb.hospitalCode, name: only, password: 'Letter123', ips: '127.0.0.1,::1', letters: letter, status: 'active' });
    const refused = await code(calls[letter].run(client({ user: without, password: 'Letter123', config: { ...sb.config, ...J } }), i));
    if (calls[letter].kind === 'string') {
      expect(refused.code).toBe('XNH_REFUSED');
      expect(refused.detail).toContain(`没有权限 ${letter}`);
    } else expect(refused.code).toBe('XNH_NULL_RESULT');
    // with the letter: success, or a business answer — never the permission refusal
    let outcome = 'ok';
    try {
      await calls[letter].run(client({ user: only, password: 'Letter123', config: { ...sb.config, ...J } }), i + 100);
    } catch (e) {
      outcome = `${(e as YibaoError).code} ${(e as YibaoError).detail}`;
    }
    expect(outcome).not.toContain('没有权限');
    if (['A', 'C', 'D', 'E', 'F', 'H'].includes(letter)) expect(outcome).toBe('ok');
  });

  it('消息摘要: a client with another digest definition is refused (text / Null); a tampered digest too', async () => {
    const other: LiuzhouConfigInput = { digest: { secret: 'not-the-same' } };
    const c = client({ config: other });
    expect((await code(c.admission({ ipt_no: 'ZYD1', card_no: sandboxCardNo(1) }))).detail).toContain('消息摘要校验失败');
    expect(await code(c.person(sandboxCardNo(1)))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    const raw = await client().raw('zydjjk', {
      医院代码: sb.hospitalCode, 用户: sb.user, 口令: sb.password, 消息摘要: '00000000000000000000000000000000',
      入院登记数据: toDataSet(DEFAULT_SCHEMAS.zydj, { admission: [{ ipt_no: 'ZYD2', card_no: sandboxCardNo(1) }] }),
    });
    expect(raw).toEqual({ kind: 'string', text: '消息摘要校验失败，数据可能被篡改' });
  });

  it('a center configured with a secret and SOAP 1.2 works with a client configured the same way', async () => {
    const cfg: LiuzhouConfigInput = { soap: { version: '1.2', ns: 'http://xnh.liuzhou/ws' }, digest: { secret: 's3cret', alg: 'sha1', output: 'hex' }, paramStyle: 'chinese' };
    const s2 = await startLiuzhouSandbox({ core, config: cfg });
    try {
      const c = new LiuzhouClient({ core, url: s2.url, hospitalCode: s2.hospitalCode, user: s2.user, password: s2.password, config: cfg });
      expect((await c.person(sandboxCardNo(1))).name).toBe('张三');
      const mismatch = new LiuzhouClient({ core, url: s2.url, hospitalCode: s2.hospitalCode, user: s2.user, password: s2.password, config: { ...cfg, digest: { ...cfg.digest, secret: 'x' } } });
      expect(await code(mismatch.person(sandboxCardNo(1)))).toMatchObject({ code: 'XNH_NULL_RESULT' });
    } finally {
      await s2.close();
    }
  });

  it('the server-level allow-list refuses other addresses before any user check (SOAP Client fault)', async () => {
    const s3 = await startLiuzhouSandbox({ core, allowIps: ['10.9.9.9'] });
    try {
      const c = new LiuzhouClient({ core, url: s3.url, hospitalCode: s3.hospitalCode, user: s3.user, password: s3.password, config: s3.config });
      const e = await code(c.person(sandboxCardNo(1)));
      expect(e.code).toBe('SOAP_FAULT');
      expect(e.detail).toContain('未被允许');
      // a money call refused by a Client fault is a refusal, not an unknown outcome
      expect((await code(c.outpatientRefund('MZ1'))).code).toBe('SOAP_FAULT');
    } finally {
      await s3.close();
    }
  });
});

describe('liuzhou client: unanswered money calls and malformed replies', () => {
  const cfg = resolveConfig();
  async function rawServer(reply: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
    const srv = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => reply(req, res));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/XnhService.asmx`, close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
  }
  const envelope = (method: string, inner: string) =>
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${method}Response xmlns="http://tempuri.org/"><${method}Result>${inner}</${method}Result></${method}Response></soap:Body></soap:Envelope>`;
  const c = (url: string, timeoutMs = 5000) => new LiuzhouClient({ core, url, hospitalCode: 'H', user: 'u', password: 'p', config: { soap: { timeoutMs } } });

  it('no answer to mzjsjk / zyjsjk / mzjstfjk is XNH_OUTCOME_UNKNOWN (a person checks); no answer to chryxxjk stays a transport error', async () => {
    const hang = await rawServer(() => {});
    const drop = await rawServer((req) => req.socket.destroy());
    try {
      const e = await code(c(hang.url, 300).outpatientSettlement({ visit_no: 'MZ1', card_no: 'C1' }, [line('1', '1.00', '1', 100)]));
      expect(e.code).toBe('XNH_OUTCOME_UNKNOWN');
      expect(e.detail).toContain('TRANSPORT_TIMEOUT');
      expect(e.detail).toContain('人工核对');
      expect((await code(c(drop.url).inpatientSettlement({ ipt_no: 'Z', setl_no: 'J', card_no: 'C', comp_fen: 0, self_fen: 100 }, [line('1', '1.00', '1', 100)]))).code).toBe('XNH_OUTCOME_UNKNOWN');
      expect((await code(c(drop.url).outpatientRefund('MZ1'))).code).toBe('XNH_OUTCOME_UNKNOWN');
      expect((await code(c(hang.url, 300).person('C1'))).code).toBe('TRANSPORT_TIMEOUT');
      expect((await code(c(drop.url).admission({ ipt_no: 'Z', card_no: 'C' }))).code).toBe('TRANSPORT_NETWORK');
    } finally {
      await hang.close();
      await drop.close();
    }
  });

  it('a malformed DataSet in a reply: XNH_OUTCOME_UNKNOWN for mzjsjk, BAD_REPLY for chryxxjk — a clear error, not a crash', async () => {
    const broken = '<xs:schema id="NewDataSet" xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="NewDataSet"></xs:schema><diffgr:diffgram xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1"><NewDataSet><mzbc><mzbh>1</mzbc></NewDataSet></diffgr:diffgram>';
    const srv = await rawServer((req, res) => {
      const method = String(req.headers.soapaction ?? '').replace(/"|http:\/\/tempuri\.org\//g, '');
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(envelope(method, broken));
    });
    try {
      const m = await code(c(srv.url).outpatientSettlement({ visit_no: 'MZ1', card_no: 'C1' }, [line('1', '1.00', '1', 100)]));
      expect(m.code).toBe('XNH_OUTCOME_UNKNOWN');
      expect(m.detail).toContain('BAD_REPLY');
      const p = await code(c(srv.url).person('C1'));
      expect(p.code).toBe('BAD_REPLY');
    } finally {
      await srv.close();
    }
  });

  it('a well-formed DataSet that does not fit the schema: XNH_OUTCOME_UNKNOWN (mzjsjk, with the 门诊编号) / XNH_SCHEMA (chryxxjk)', async () => {
    const srv = await startSoapServer(core, {
      ns: cfg.soap.ns, path: '/XnhService.asmx',
      handlers: {
        mzjsjk: () => ({ $dataset: { name: 'NewDataSet', tables: [{ name: 'mzbc', columns: [{ name: 'mzbh' }, { name: 'zfy' }, { name: 'bcje' }, { name: 'zfje' }], rows: [{ mzbh: 'MZ777', zfy: '1.00', bcje: '0.4O', zfje: '0.60' }] }] } }),
        chryxxjk: () => ({ $dataset: { name: 'NewDataSet', tables: [{ name: 'chry', columns: [{ name: 'xm' }], rows: [{ xm: '张三' }] }] } }),
        mzjstfjk: () => ({ unexpected: 'elements' }),
      },
    });
    try {
      const m = await code(c(srv.url).outpatientSettlement({ visit_no: 'MZ1', card_no: 'C1' }, [line('1', '1.00', '1', 100)]));
      expect(m.code).toBe('XNH_OUTCOME_UNKNOWN');
      expect(m.detail).toContain('XNH_SCHEMA');
      const p = await code(c(srv.url).person('C1'));
      expect(p.code).toBe('XNH_SCHEMA');
      expect(p.detail).toContain('缺少列 chzh');
      expect((await code(c(srv.url).outpatientRefund('MZ1'))).code).toBe('XNH_OUTCOME_UNKNOWN');
    } finally {
      await srv.close();
    }
  });

  it('a 补偿 DataSet whose amounts do not add up is XNH_OUTCOME_UNKNOWN naming the 门诊编号 to check', async () => {
    const srv = await startSoapServer(core, {
      ns: cfg.soap.ns, path: '/x',
      handlers: { mzjsjk: () => ({ $dataset: toDataSet(DEFAULT_SCHEMAS.mzjsResult, { result: [{ outpatient_no: 'MZ888', total: '1.00', comp: '0.50', self: '0.60' }] }) }) },
    });
    try {
      const m = await code(c(srv.url).outpatientSettlement({ visit_no: 'MZ1', card_no: 'C1' }, [line('1', '1.00', '1', 100)]));
      expect(m.code).toBe('XNH_OUTCOME_UNKNOWN');
      expect(m.detail).toContain('门诊编号 MZ888');
    } finally {
      await srv.close();
    }
  });
});

describe('liuzhou flows: the demo bills settle like every other region', () => {
  let his: HisService;
  let lz: LiuzhouClient;
  const hisUser = { user: 'xnh', password: 'Xnh12345' };

  beforeAll(async () => {
    const users = new UserStore({ core });
    users.add({ hospital: sb.hospitalCode, name: hisUser.user, password: hisUser.password, ips: '127.0.0.1,::1', letters: '', status: 'active' });
    his = await startLiuzhouHisService({ core, config: sb.config, hospitalCode: sb.hospitalCode, users, inpatientData: (zybh) => lz.inpatientData(zybh) });
    lz = client({ inpatientCompensation: sandboxCompensation({ core, config: sb.config, url: sb.url, hospitalCode: sb.hospitalCode, user: sb.user, password: sb.password, hisService: { url: his.url, ...hisUser } }) });
  });
  afterAll(async () => {
    await his?.close();
    his?.users.close();
  });

  it('outpatient demo bill: identify (chryxxjk) → mzjsjk; setl_id = 门诊编号; refund with mzjstfjk', async () => {
    const r = await outpatientSettle(lz, fixture('demo-outpatient.json'));
    const s = r.setlinfo;
    expect(s.medfee_sumamt).toBe(44120);
    expect(s.fund_pay_sumamt + s.acct_pay + s.psn_cash_pay + s.hosp_part_amt).toBe(44120);
    expect(s.fund_pay_sumamt).toBeGreaterThan(0);
    expect(s.acct_pay).toBe(0);
    expect(r.setl_id).toMatch(/^MZ/);
    expect(r.psn_no).toBe(sandboxCardNo(1));
    expect(r.presettle.fund_pay_sumamt).toBe(0); // no pre-settlement interface
    const ledger = sb.center.kernel.ledger().find((x) => x.visit_id === r.setl_id)!;
    expect(ledger.fund_pay_sumamt).toBe(s.fund_pay_sumamt);
    await lz.cancelSettle({ setl_id: r.setl_id });
    expect(sb.center.kernel.settlementsOf(r.setl_id).find((x) => x.kind === 'settle')!.status).toBe('reversed');
  });

  it('inpatient demo bill: zydjjk → the center pulls zysjcxjk from the hospital → 补偿 → zyjsjk; setl_id = 结算单号', async () => {
    const r = await inpatientSettle(lz, fixture('demo-inpatient.json'));
    const s = r.setlinfo;
    expect(s.medfee_sumamt).toBe(171780);
    expect(s.fund_pay_sumamt + s.psn_cash_pay).toBe(171780);
    expect(s.fund_pay_sumamt).toBeGreaterThan(0);
    expect(r.presettle.fund_pay_sumamt).toBe(s.fund_pay_sumamt);
    expect(r.setl_id).toMatch(/^JS\d+/);
    const v = sb.center.kernel.visit(r.mdtrt_id);
    expect(v.status).toBe('settled');
    const setl = sb.center.kernel.settlementsOf(v.id).find((x) => x.kind === 'settle' && x.status === 'valid')!;
    expect(setl.result.setlinfo.fund_pay_sumamt).toBe(s.fund_pay_sumamt);
    expect(setl.result.setlinfo.act_pay_dedc).toBe(30000); // 起付线 300 元 per admission
  });

  it('inpatient without a compensation source: nothing is sent (TRANSPORT_CONFIG)', async () => {
    const bare = client();
    const e = await code(inpatientSettle(bare, { ...fixture('demo-inpatient.json'), ipt_otp_no: 'ZYBARE1' }));
    expect(e.code).toBe('TRANSPORT_CONFIG');
    expect(e.detail).toContain('inpatientCompensation');
  });
});
