// Chengdu settlement lists (E1001–E1004): codec, the whole cycle against the SOAP sandbox over loopback, the
// local check that keeps a dirty list home, a finding only the center makes, revoke and re-report, polling
// bounds, malformed replies, a non-default wire configuration, and the CLI sandbox.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runPluginConformance } from '../plugin.case.test.js';
import { createCore } from '../../host-node/src/index.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { SlistInvalidError } from '../../host-node/src/slist.js';
import { startSoapServer, SoapFaultError, type SoapHandler } from '../../host-node/src/transport-soap.js';
import type { SoapValue } from '../../host-node/src/contract.js';
import {
  bodyToList, CD_SLIST_DEFAULTS, cdSlistConfig, ChengduSlistClient, chengduSlistPlugin, createChengduSlistPlugin, decodeRequest, decodeResponse,
  encodeRequest, encodeResponse, listToBody, readCheckResult, checkResultBody, type CdSlistConfigOverrides,
} from './index.js';
import { CD_SANDBOX_CREDENTIALS } from './sandbox/center.js';
import { startCdSlistSandbox, type CdSlistSandbox } from './sandbox/server.js';

const core = createCore();
const root = fileURLToPath(new URL('../..', import.meta.url));
const LIST = JSON.parse(readFileSync(join(root, 'core-asm/rules/examples/4101-inpatient.json'), 'utf8'));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
/** the example list as a Chengdu hospital sends it (Sichuan transfusion unit) */
const cdList = (setl_id = 'S-1') => {
  const l = clone(LIST);
  l.setlinfo.bld_unt = 'u';
  l.setlinfo.setl_id = setl_id;
  return l;
};
const institution = { fixmedins_code: 'H51010400001' };
let sb: CdSlistSandbox;
let n = 0;
const nextSetl = () => `5101${Date.now()}${++n}`;

function client(o: { url?: string; config?: CdSlistConfigOverrides; credentials?: { user: string; password: string } } = {}) {
  return new ChengduSlistClient({ core, url: o.url ?? sb.url, institution, credentials: o.credentials ?? CD_SANDBOX_CREDENTIALS, config: o.config, timeoutMs: 5000 });
}
const recorder = () => {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
};

beforeAll(async () => {
  sb = await startCdSlistSandbox({ core });
});
afterAll(async () => {
  await sb?.close();
});

runPluginConformance({ name: 'chengdu-slist', factory: createChengduSlistPlugin, requiredOps: ['settlementList'] });

describe('chengdu-slist: messages', () => {
  it('a list travels as sections and <row> records and comes back equal (empty sections included)', () => {
    const l = cdList();
    l.bldinfo = [];
    l.iteminfo[0].amt = 500; // numbers go as their text
    const body = listToBody(CD_SLIST_DEFAULTS, l);
    expect(body.diseinfo).toEqual({ row: l.diseinfo });
    expect(body.bldinfo).toBe('');
    const xml = encodeRequest(core, CD_SLIST_DEFAULTS, { tradecode: 'E1002', fixmedins_code: 'H1', user: 'u', password: 'p&<', serial: 'S1', msgid: 'M1', time: '2026-11-21 09:00:00', body });
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?><request><head><tradecode>E1002<\/tradecode><fixmedins_code>H1<\/fixmedins_code><user>u<\/user><password>p&amp;&lt;<\/password><serial>S1<\/serial>/);
    const back = decodeRequest(core, CD_SLIST_DEFAULTS, xml);
    expect(back).toMatchObject({ tradecode: 'E1002', password: 'p&<', serial: 'S1', msgid: 'M1' });
    expect(bodyToList(CD_SLIST_DEFAULTS, back.body)).toEqual({ ...clone(l), iteminfo: l.iteminfo.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]))) });
    expect(() => listToBody(CD_SLIST_DEFAULTS, { setlinfo: { a: { b: 1 } } })).toThrow(expect.objectContaining({ code: 'BAD_INPUT', detail: 'setlinfo.a: a field value must be text or a number' }));
    expect(() => listToBody(CD_SLIST_DEFAULTS, { setlinfo: {}, diseinfo: { x: 1 } })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('responses: head fields, E1004 status and findings; GBK declared messages read back', () => {
    const cfg = cdSlistConfig({ charset: 'GBK' });
    const xml = encodeResponse(core, cfg, { tradecode: 'E1004', code: '0', message: '成功', serial: 'S1', msgid: 'M1', body: checkResultBody(cfg, 'failed', [{ field: 'setlinfo.ntly', rule: '2006.ntly', message: '【国籍】填写不规范' }]) });
    expect(xml).toMatch(/encoding="GBK"/);
    const r = decodeResponse(core, cfg, xml);
    expect(r).toMatchObject({ code: '0', message: '成功', serial: 'S1' });
    expect(readCheckResult(cfg, r.body)).toEqual({ status: 'failed', findings: [{ field: 'setlinfo.ntly', rule: '2006.ntly', message: '【国籍】填写不规范' }] });
    expect(readCheckResult(cfg, checkResultBody(cfg, 'pending', []))).toEqual({ status: 'pending', findings: [] });
  });

  it('the plugin: encode builds the request message (credentials from the environment), decode maps the result code', () => {
    const p = chengduSlistPlugin({ core });
    const ctx = { msgid: 'H1202611210900000001', infTime: '2026-11-21 09:00:00', signNo: '', insuplcAdmdvs: '', institution: { fixmedins_code: 'H1', fixmedins_name: '', mdtrtarea_admvs: '', opter: '', opter_name: '' } };
    const old = { ...process.env };
    try {
      delete process.env.YIBAO_CDSLIST_USER;
      expect(() => p.encode('E1001', { body: { setl_id: '1' } }, ctx)).toThrow(expect.objectContaining({ code: 'TRANSPORT_CONFIG' }));
      process.env.YIBAO_CDSLIST_USER = 'env-user';
      process.env.YIBAO_CDSLIST_PASSWORD = 'env-pass';
      const w = p.encode('E1002', { serial: 'S9', list: cdList() }, ctx);
      const req = decodeRequest(core, CD_SLIST_DEFAULTS, w.body);
      expect(req).toMatchObject({ tradecode: 'E1002', user: 'env-user', password: 'env-pass', serial: 'S9', fixmedins_code: 'H1', msgid: ctx.msgid });
      expect(bodyToList(CD_SLIST_DEFAULTS, req.body).setlinfo).toEqual(cdList().setlinfo);
    } finally {
      process.env = old;
    }
    const refused = p.decode(encodeResponse(core, CD_SLIST_DEFAULTS, { tradecode: 'E1002', code: '-1', message: '流水号不存在', serial: '', msgid: '', body: {} }));
    expect(refused).toMatchObject({ infcode: -1, err_msg: '流水号不存在' });
    expect(p.infnoFor('settlementList')).toBe('E1002');
    expect(p.infnoFor('regional', 'query')).toBe('E1004');
    expect(() => p.encode('E9999', {}, ctx)).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }));
  });
});

describe('chengdu-slist: the cycle against the sandbox', () => {
  it('E1001 → E1002 → E1004 pending → E1004 passed; the center stored the list as sent', async () => {
    const c = client();
    const setl = nextSetl();
    const rec = recorder();
    const { serial, result, violations } = await c.cycle(cdList(setl), { sleep: rec.sleep, baseMs: 50 });
    expect(serial).toMatch(/^CDH51010400001\d{8}\d{6}$/);
    expect(result).toEqual({ status: 'passed', findings: [], serial });
    expect(violations).toEqual([]);
    expect(rec.waits).toEqual([50]);
    expect(sb.center.requests.filter((r) => r.serial === serial).map((r) => `${r.tradecode} ${r.code}`)).toEqual(['E1001 0', 'E1002 0', 'E1004 0', 'E1004 0']);
    const stored = sb.center.serials.get(serial)!;
    expect(stored).toMatchObject({ setl_id: setl, status: 'reported', psn_no: LIST.setlinfo.hi_no, mdtrt_id: LIST.setlinfo.mdtrt_id });
    expect(stored.list!.diseinfo).toEqual(LIST.diseinfo);
    expect(stored.list!.setlinfo).toEqual(cdList(setl).setlinfo);
  });

  it('a dirty list is found locally and never sent (not even E1001)', async () => {
    const c = client();
    const l = cdList(nextSetl());
    l.setlinfo.diag_code_cnt = '5'; // a chengdu rule
    delete l.setlinfo.biz_sn;
    const before = sb.center.requests.length;
    const e = await c.cycle(l).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SlistInvalidError);
    expect((e as SlistInvalidError).violations.map((v) => `${v.rule} ${v.path}`)).toEqual(['4101.req.setlinfo setlinfo.biz_sn', 'cd.diag_code_cnt setlinfo.diag_code_cnt']);
    const serial = await c.applySerial({ setl_id: l.setlinfo.setl_id });
    await expect(c.report(serial, l)).rejects.toBeInstanceOf(SlistInvalidError);
    expect(sb.center.requests.slice(before).map((r) => r.tradecode)).toEqual(['E1001']);
  });

  it('a finding only the center makes comes back from E1004 (its ICD-10 catalogue, its 拟接收机构 rule)', async () => {
    const c = client();
    const l = cdList(nextSetl());
    l.setlinfo.wm_dise_code = 'K35.801'; // well formed: the hospital, without the catalogue, only checks the shape
    l.setlinfo.dscg_way = '2'; // 医嘱转院 without the receiving institution
    expect(c.check(l).violations).toEqual([]);
    const { result } = await c.cycle(l, { sleep: recorder().sleep });
    expect(result.status).toBe('failed');
    expect(result.findings).toEqual([
      { field: 'setlinfo.wm_dise_code', rule: '2138', message: '【门急诊西医诊断代码】填写不规范-填写值超出值域范围' },
      { field: 'setlinfo.acp_medins_name', rule: 'center.acp_medins', message: '【拟接收机构名称】未填写' },
      { field: 'setlinfo.acp_optins_code', rule: 'center.acp_medins', message: '【拟接收机构代码】未填写' },
    ]);
  });

  it('revoke and re-report: one live report per settlement, a revoked serial takes no report, a new serial does', async () => {
    const c = client();
    const setl = nextSetl();
    const l = cdList(setl);
    const s1 = await c.applySerial({ setl_id: setl });
    expect(await c.applySerial({ setl_id: setl })).toBe(s1); // applied, not reported: the same serial
    expect(await c.resolveReport(s1)).toBe('not-reported');
    await c.report(s1, l);
    expect(await c.resolveReport(s1)).toBe('reported');
    await expect(c.report(s1, l)).rejects.toMatchObject({ code: 'CENTER_ERROR', detail: expect.stringMatching(/已上报，请勿重复上报/) });
    await expect(c.applySerial({ setl_id: setl })).rejects.toMatchObject({ code: 'CENTER_ERROR', detail: expect.stringMatching(new RegExp(`结算ID【${setl}】的清单已上报（流水号${s1}）`)) });
    await c.revoke(s1, '修改主要诊断');
    await expect(c.revoke(s1)).rejects.toMatchObject({ code: 'CENTER_ERROR', detail: expect.stringMatching(/已撤销/) });
    await expect(c.report(s1, l)).rejects.toMatchObject({ code: 'CENTER_ERROR', detail: expect.stringMatching(/已撤销，请重新申请流水号\(E1001\)/) });
    await expect(c.queryResult(s1)).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    const s2 = await c.applySerial({ setl_id: setl });
    expect(s2).not.toBe(s1);
    l.diseinfo.reverse();
    await c.report(s2, l);
    expect((await c.awaitResult(s2, { sleep: recorder().sleep })).status).toBe('passed');
    expect(sb.center.serials.get(s1)!.status).toBe('revoked');
  });

  it('unknown serials, a list for another settlement, wrong or missing credentials are refused', async () => {
    const c = client();
    await expect(c.report('CD0000', cdList())).rejects.toMatchObject({ code: 'CENTER_ERROR', detail: expect.stringMatching(/E1002 \S+: retcode -1 流水号【CD0000】不存在/) });
    await expect(c.revoke('CD0000')).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    await expect(c.queryResult('CD0000')).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    const s = await c.applySerial({ setl_id: nextSetl() });
    await expect(c.report(s, cdList('other'))).rejects.toMatchObject({ detail: expect.stringMatching(/与流水号【.*】申请时的结算ID【.*】不符/) });
    await expect(client({ credentials: { user: 'cdslist01', password: 'wrong' } }).applySerial({ setl_id: 'x' })).rejects.toMatchObject({ code: 'CENTER_ERROR', detail: expect.stringMatching(/retcode -2 用户名或密码错误/) });
    const env = { ...process.env };
    try {
      delete process.env.YIBAO_CDSLIST_USER;
      const noCred = new ChengduSlistClient({ core, url: sb.url, institution });
      await expect(noCred.applySerial({ setl_id: 'x' })).rejects.toMatchObject({ code: 'TRANSPORT_CONFIG' });
    } finally {
      process.env = env;
    }
  });

  it('polling is bounded: still pending after the attempts is SLIST_PENDING, with exponential backoff capped at maxMs', async () => {
    const c = client();
    const l = cdList(nextSetl());
    const serial = await c.applySerial({ setl_id: l.setlinfo.setl_id });
    await c.report(serial, l);
    sb.center.pendingPolls = 1000;
    try {
      const rec = recorder();
      const e = (await c.awaitResult(serial, { attempts: 5, baseMs: 10, factor: 2, maxMs: 25, sleep: rec.sleep }).catch((x: unknown) => x)) as YibaoError;
      expect(e.code).toBe('SLIST_PENDING');
      expect(e.detail).toBe(`E1004: serial ${serial} still pending after 5 queries`);
      expect(rec.waits).toEqual([10, 20, 25, 25]);
    } finally {
      sb.center.pendingPolls = 1;
    }
  });
});

describe('chengdu-slist: malformed replies and faults give clear errors', () => {
  let answer: SoapHandler = () => '';
  let srv: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    const s = CD_SLIST_DEFAULTS.soap;
    srv = await startSoapServer(core, { ns: s.ns, path: s.path, handlers: { [s.method]: (p, ctx) => answer(p, ctx) } });
  });
  afterAll(() => srv.close());

  const ok = (body: string, head = '<retcode>0</retcode><retmsg/><serial/>') => `<response><head><tradecode>E1004</tradecode>${head}</head><body>${body}</body></response>`;
  const cases: [string, () => SoapValue | undefined, (c: ChengduSlistClient) => Promise<unknown>, string, RegExp][] = [
    ['not XML', () => 'HTTP 200 OK, all good', (c) => c.queryResult('S'), 'BAD_REPLY', /E1004 response: not XML/],
    ['another root element', () => '<result><head/></result>', (c) => c.queryResult('S'), 'BAD_REPLY', /root element <result>, <response> expected/],
    ['no head', () => '<response><body/></response>', (c) => c.queryResult('S'), 'BAD_REPLY', /no <head> with fields/],
    ['no result code', () => '<response><head><retmsg>ok</retmsg></head></response>', (c) => c.queryResult('S'), 'BAD_REPLY', /the head has no <retcode>/],
    ['E1001 success without a serial', () => ok(''), (c) => c.applySerial({ setl_id: '1' }), 'BAD_REPLY', /E1001: success without a serial/],
    ['unknown check status', () => ok('<check_status>9</check_status>'), (c) => c.queryResult('S'), 'BAD_REPLY', /check status "9" is none of 0 \(pending\) \/ 1 \(passed\) \/ 2 \(failed\)/],
    ['failed without findings', () => ok('<check_status>2</check_status>'), (c) => c.queryResult('S'), 'BAD_REPLY', /status failed without any finding/],
    ['no Result element', () => undefined, (c) => c.queryResult('S'), 'BAD_REPLY', /<DataExchangeResult> is missing/],
    ['a nil Result', () => null, (c) => c.queryResult('S'), 'BAD_REPLY', /is nil/],
    ['elements instead of text', () => ({ response: { head: 'x' } }), (c) => c.queryResult('S'), 'BAD_REPLY', /holds elements/],
    ['a SOAP fault', () => { throw new SoapFaultError('Server', '数据库连接失败'); }, (c) => c.revoke('S'), 'SOAP_FAULT', /Server: 数据库连接失败/],
  ];
  for (const [name, reply, call, code, detail] of cases) {
    it(name, async () => {
      answer = () => reply();
      const e = (await call(client({ url: srv.url })).catch((x: unknown) => x)) as YibaoError;
      expect(e).toBeInstanceOf(YibaoError);
      expect(e.code).toBe(code);
      expect(e.detail).toMatch(detail);
    });
  }

  it('the center answers a malformed request with a refusal naming the problem', () => {
    const out = decodeResponse(core, CD_SLIST_DEFAULTS, sb.center.handle('<request><head>'));
    expect(out.code).toBe('-1');
    expect(out.message).toMatch(/^报文格式错误：request: not XML/);
    const noHead = decodeResponse(core, CD_SLIST_DEFAULTS, sb.center.handle('<request>x</request>'));
    expect(noHead.message).toMatch(/报文格式错误：request: <request> has no head/);
  });
});

describe('chengdu-slist: the wire is configuration', () => {
  it('another method, namespace, tags, codes and GBK: client and sandbox agree, the XML uses them', async () => {
    const config: CdSlistConfigOverrides = {
      soap: { method: 'Invoke', param: 'xmlStr', ns: 'http://cdyb.example/slist', path: '/ws/slist', version: '1.2' },
      charset: 'GBK', codes: { apply: 'QD01', report: 'QD02', revoke: 'QD03', query: 'QD04' },
      request: { root: 'Request', head: 'Header', body: 'Body', tradecode: 'TradeCode' }, response: { root: 'Response', head: 'Header', body: 'Body', code: 'ResultCode', message: 'ResultMsg' },
      success: '1', result: { status: 'State', pending: 'P', passed: 'Y', failed: 'N' }, listRow: 'item',
    };
    const wire: string[] = [];
    const sb2 = await startCdSlistSandbox({ core, config, log: (l) => wire.push(l) });
    try {
      const c = new ChengduSlistClient({ core, url: sb2.url, institution, credentials: CD_SANDBOX_CREDENTIALS, config });
      const { result } = await c.cycle(cdList(nextSetl()), { sleep: recorder().sleep });
      expect(result.status).toBe('passed');
      expect(sb2.url).toMatch(/\/ws\/slist$/);
      expect(wire.filter((l) => !l.startsWith('chengdu-slist sandbox')).map((l) => l.split(' ')[0])).toEqual(['QD01', 'QD02', 'QD04', 'QD04']);
      const xml = encodeRequest(core, c.config, { tradecode: 'QD02', fixmedins_code: 'H', user: 'u', password: 'p', serial: 's', msgid: 'm', time: 't', body: listToBody(c.config, cdList()) });
      expect(xml).toMatch(/^<\?xml version="1.0" encoding="GBK" standalone="yes"\?><Request><Header><TradeCode>QD02<\/TradeCode>/);
      expect(xml).toMatch(/<diseinfo><item><diag_type>1<\/diag_type>/);
    } finally {
      await sb2.close();
    }
  });
});

describe('chengdu-slist: the CLI', () => {
  const cli = join(root, 'host-node/dist/cli.js');

  it('yibao sandbox --region chengdu-slist serves the interface; settle is refused', async () => {
    const child = spawn(process.execPath, [cli, 'sandbox', '--region', 'chengdu-slist', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const rl = createInterface({ input: child.stdout! });
      const lines: string[] = [];
      await new Promise<void>((resolve, reject) => {
        rl.on('line', (l) => {
          lines.push(l);
          if (lines.length === 3) resolve();
        });
        child.once('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
      });
      expect(lines[0]).toMatch(/^listening http:\/\/127\.0\.0\.1:\d+\/SettlementList\.asmx$/);
      expect(lines[1]).toContain(`user ${CD_SANDBOX_CREDENTIALS.user} password ${CD_SANDBOX_CREDENTIALS.password}`);
      expect(lines[2]).toBe('SOAP 1.1 namespace http://tempuri.org/ method DataExchange(requestXml); transactions E1001 E1002 E1003 E1004');
      const c = client({ url: lines[0]!.slice('listening '.length) });
      const { result } = await c.cycle(cdList(nextSetl()), { sleep: recorder().sleep });
      expect(result.status).toBe('passed');
    } finally {
      child.kill('SIGTERM');
    }
    const settle = spawnSync(process.execPath, [cli, 'settle', '--region', 'chengdu-slist', '--sandbox', '--bill', join(root, 'test/fixtures/demo-outpatient.json')], { cwd: root, encoding: 'utf8' });
    expect(settle.status).not.toBe(0);
    expect(JSON.parse(settle.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'NOT_SUPPORTED' });
  });
});
