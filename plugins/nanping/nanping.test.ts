// Nanping (福建巨龙) INI file exchange: conformance (the flattened document sample), the codec and its
// reply checks, the exchange rules (stale reply, locks, half-written replies, timeouts) and the
// outpatient/inpatient flows through a separate responder process watching the folder.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { runPluginConformance } from '../plugin.case.test.js';
import { createCore } from '../../host-node/src/index.js';
import { outpatientSettle, inpatientSettle, type Bill } from '../../host-node/src/flows.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { createNanpingPlugin } from './index.js';
import { checkReply, decodeReply, encodeRequest, replyDoc, requestDoc, ReplyIncomplete, type DetailItem } from './codec.js';
import { FileExchange, FILES } from './exchange.js';
import { NanpingClient } from './client.js';
import { deflattenFragment, flatten, productSplits } from './fragment.js';
import { spawnResponder, startNanpingSandboxInProcess, type ResponderProcess } from './sandbox/index.js';

const core = createCore();
const fixture = (f: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${f}`, import.meta.url)), 'utf8')) as Bill;
const institution = { fixmedins_code: 'H35070000001', fixmedins_name: '沙箱医院', mdtrtarea_admvs: '350702', opter: 'SFY01', opter_name: '收费员' };
const samples = fileURLToPath(new URL('../../../shared/conformance/samples/nanping/', import.meta.url));
const lower = (doc: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(doc).map(([s, v]) => [s.toLowerCase(), Array.isArray(v) ? v : Object.fromEntries(Object.entries(v as Record<string, string>).map(([k, x]) => [k.toLowerCase(), x]))]));

runPluginConformance({
  name: 'nanping',
  factory: createNanpingPlugin,
  requiredOps: ['signIn', 'signOut', 'identify', 'register', 'cancelRegister', 'presettle', 'settle', 'cancelSettle', 'admit', 'cancelAdmission', 'inpatientPresettle', 'inpatientSettle', 'cancelInpatientSettle', 'discharge', 'cancelDischarge'],
  samples: {
    dir: samples,
    match: (f) => f.endsWith('.txt'),
    roundTrip: (bytes) => {
      const d = deflattenFragment(new TextDecoder().decode(bytes));
      const canonical = core.codec.ini.parse(core.gbk.encode(d.ini));
      return { canonical, wire: core.codec.ini.print(canonical) };
    },
    equivalent: (a, b) => {
      const d = deflattenFragment(new TextDecoder().decode(a));
      const again = core.codec.ini.parse(typeof b === 'string' ? core.gbk.encode(b) : b);
      expect(lower(again)).toEqual(lower(core.codec.ini.parse(core.gbk.encode(d.ini))));
      // re-flattening the re-encoded document gives back the sample's text exactly
      expect(flatten(again)).toBe(d.flat);
    },
  },
});

describe('nanping: the flattened document sample', () => {
  const d = deflattenFragment(readFileSync(join(samples, 'mzsf_request_doc_fragment_FLATTENED.txt'), 'utf8'));
  it('rebuilds [mzsf] with its 6-character keys, [yb0000] from the template names, and 10 detail lines', () => {
    const doc = core.codec.ini.parse(core.gbk.encode(d.ini));
    expect(Object.keys(doc)).toEqual(['mzsf', 'yb0000', 'mzsfmx']);
    expect(doc.mzsf).toEqual({ request: 'TRUE', cardno: '*******', mzlsh0: '*******', bqbm00: '000001000001', cfxms0: '1' });
    expect(doc.yb0000).toEqual({ 西药费: '2000', 成药费: '0' });
    expect((doc.mzsfmx as string[]).length).toBe(10);
    expect(d.invoiceNames).toEqual(['西药费', '成药费']);
    expect(d.items[0]).toMatchObject({ code: '011020000500', yb: 'Y', invoice: '06', name: '住院诊查费', spec: '无', unit: '日', doctor: '赵丽' });
  });
  it('the detail digits split one way only under 单价 × 数量 = 金额 (documented guess)', () => {
    expect(d.numberSplits).toEqual([['4', '1000', '4000']]);
    expect(productSplits('2510')).toEqual([['2', '5', '10']]);
  });
  it('the request reader of the sandbox accepts the rebuilt example as an mzsf with Cfxms0 items', async () => {
    const { readRequest } = await import('./codec.js');
    // the example's 金额 "4000" is read as yuan here; the unit is unknown [?]
    const r = readRequest(core.codec.ini.parse(core.gbk.encode(d.ini)));
    expect(r.tx).toBe('mzsf');
    expect(r.items.length).toBe(Number(r.get('CFXMS0')));
    expect(r.items[0]!.amount).toBe(400000);
  });
});

const item = (n: number, amount = 1000): DetailItem => ({ code: `X${n}`, yb: 'Y', invoice: '西药费', name: `药品${n}`, price: '5', qty: '2', amount, doctor: '李医生' });

describe('nanping codec and reply checks', () => {
  it('writes Request=TRUE, empty Success/Error, keys in order and 10 lines per item (规格/单位 "无")', () => {
    const text = core.gbk.decode(encodeRequest(core, 'mzsf', { Cardno: '350700000001', Mzlsh0: 'MZ1', Bqbm00: 'J06.900', Cfxms0: '2' }, [item(1), item(2)]));
    expect(text).toBe(
      '[mzsf]\r\nRequest=TRUE\r\nSuccess=\r\nError=\r\nCardno=350700000001\r\nMzlsh0=MZ1\r\nBqbm00=J06.900\r\nCfxms0=2\r\n[mzsfmx]\r\n' +
        'X1\r\nY\r\n西药费\r\n药品1\r\n无\r\n无\r\n5.0000\r\n2.00\r\n10.00\r\n李医生\r\n' +
        'X2\r\nY\r\n西药费\r\n药品2\r\n无\r\n无\r\n5.0000\r\n2.00\r\n10.00\r\n李医生\r\n',
    );
  });
  it('refuses what the front-end would mangle: over-wide keys, negative amounts, count mismatch, = in a detail line, 3-decimal quantities', () => {
    expect(() => encodeRequest(core, 'mzgh', { Cardno: '350700000001', Ghksmc: '心血管内科门诊部', Ghfy00: '0' })).toThrow(/GBK bytes/);
    expect(() => encodeRequest(core, 'mzsf', { Cardno: '1', Mzlsh0: '1', Bqbm00: '', Cfxms0: '1' }, [item(1, -100)])).toThrow(/negative/);
    expect(() => encodeRequest(core, 'mzsf', { Cardno: '1', Mzlsh0: '1', Bqbm00: '', Cfxms0: '2' }, [item(1)])).toThrow(/Cfxms0/);
    expect(() => encodeRequest(core, 'mzsf', { Cardno: '1', Mzlsh0: '1', Bqbm00: '', Cfxms0: '1' }, [{ ...item(1), name: 'a=b' }])).toThrow(/detail line/);
    expect(() => encodeRequest(core, 'mzsf', { Cardno: '1', Mzlsh0: '1', Bqbm00: '', Cfxms0: '1' }, [{ ...item(1), qty: '0.125' }])).toThrow(/decimals/);
  });
  const good = (items: DetailItem[], money: Record<string, string>) =>
    core.codec.ini.print(replyDoc(core, 'mzsf', true, '', { Djlsh0: 'DJ1', ...money }, items.map((x) => ({ ...x, selfpay_ratio: '0.1' }))));
  const split = { Bcbxf0: '20.00', Zhzfe0: '5.00', Grzfe0: '5.00', Jjzfe0: '10.00', sbzfje: '0.00' };
  it('accepts a reply that matches the request, keys read case-insensitively', () => {
    const r = decodeReply(core, 'mzsf', good([item(1), item(2)], split));
    expect(() => checkReply('mzsf', r, [item(1), item(2)])).not.toThrow();
    expect(r.get('DJLSH0')).toBe('DJ1');
    expect(r.fen('bcbxf0')).toBe(2000);
  });
  it('refuses a reply with another item count, another amount, another total or a split that does not add up', () => {
    const bad = (items: DetailItem[], money: Record<string, string>) => () => checkReply('mzsf', decodeReply(core, 'mzsf', good(items, money)), [item(1), item(2)]);
    expect(bad([item(1)], { ...split, Bcbxf0: '10.00', Jjzfe0: '0.00' })).toThrow(/sent 2 items/);
    expect(bad([item(1), item(2, 1001)], split)).toThrow(/amount/);
    expect(bad([item(1), item(2)], { ...split, Bcbxf0: '20.01', Grzfe0: '5.01' })).toThrow(/Bcbxf0/);
    expect(bad([item(1), item(2)], { ...split, Grzfe0: '4.99' })).toThrow(/≠ Bcbxf0/);
    try {
      bad([item(1)], split)();
    } catch (e) {
      expect((e as YibaoError).code).toBe('BAD_REPLY');
    }
  });
  it('a reply without Reply=TRUE, or cut in the middle, is incomplete (polled again), not an error', () => {
    const bytes = good([item(1), item(2)], split);
    expect(() => decodeReply(core, 'mzsf', core.gbk.encode('[mzsf]\r\nReply=FALSE\r\n'))).toThrow(ReplyIncomplete);
    expect(() => decodeReply(core, 'mzsf', bytes.subarray(0, 5))).toThrow(ReplyIncomplete);
  });
  it('GBK names round-trip through the INI codec (张三, 〇, 丂, 齄, 﨩, 昜 with "[" as trail byte, 造字 U+E000)', () => {
    const name = '昜晐·丂齄﨩〇\uE000';
    const doc = replyDoc(core, 'mzghsk', true, '', { Xming0: name, Cardno: '1' });
    const back = decodeReply(core, 'mzghsk', core.codec.ini.print(doc));
    expect(back.get('Xming0')).toBe(name);
    expect(requestDoc(core, 'mzgh', { Cardno: '1', Ghksmc: '张三〇', Ghfy00: '0' }).mzgh).toMatchObject({ Ghksmc: '张三〇' });
  });
});

describe('nanping exchange rules (in-process responder)', () => {
  it('deletes a stale Reply.txt first (the front-end would never answer), then settles; Reply.txt is deleted after reading', async () => {
    const sb = startNanpingSandboxInProcess({ core });
    writeFileSync(join(sb.dir, FILES.reply), '[mzsf]\r\nReply=TRUE\r\nSuccess=TRUE\r\nDjlsh0=OLD\r\n');
    const client = new NanpingClient({ core, exchange: new FileExchange({ dir: sb.dir, pollMs: 10, timeoutMs: 5000 }), institution });
    const r = await outpatientSettle(client, fixture('demo-outpatient.json'));
    expect(r.setl_id).not.toBe('OLD');
    expect(r.setlinfo.medfee_sumamt).toBe(44120);
    expect(existsSync(join(sb.dir, FILES.reply))).toBe(false);
    expect(existsSync(join(sb.dir, FILES.lock))).toBe(false);
    await sb.responder.stop();
    rmSync(sb.dir, { recursive: true, force: true });
  });

  it('a reply written in two pieces (half a GBK character first) is read only when complete', async () => {
    const sb = startNanpingSandboxInProcess({ core, mode: { slowWrite: true } });
    const client = new NanpingClient({ core, exchange: new FileExchange({ dir: sb.dir, pollMs: 5, timeoutMs: 5000 }), institution });
    const r = await outpatientSettle(client, fixture('demo-outpatient.json'));
    expect(r.setlinfo.fund_pay_sumamt + r.setlinfo.acct_pay + r.setlinfo.psn_cash_pay).toBe(44120);
    expect(sb.center.kernel.ledger().filter((x) => x.status === 'valid').length).toBe(1);
    await sb.responder.stop();
    rmSync(sb.dir, { recursive: true, force: true });
  });

  it('front-end not running: the request is withdrawn after the timeout and nothing was executed (TRANSPORT_CONFIG)', async () => {
    const sb = startNanpingSandboxInProcess({ core, mode: { paused: true } });
    const client = new NanpingClient({ core, exchange: new FileExchange({ dir: sb.dir, pollMs: 10, timeoutMs: 300 }), institution });
    const e = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' }).catch((x: unknown) => x);
    expect((e as YibaoError).code).toBe('TRANSPORT_CONFIG');
    expect(existsSync(join(sb.dir, FILES.request))).toBe(false);
    expect(sb.responder.served()).toEqual([]);
    await sb.responder.stop();
    rmSync(sb.dir, { recursive: true, force: true });
  });

  it('front-end took the request and died: TRANSPORT_TIMEOUT, outcome unknown', async () => {
    const sb = startNanpingSandboxInProcess({ core, mode: { swallow: true } });
    const client = new NanpingClient({ core, exchange: new FileExchange({ dir: sb.dir, pollMs: 10, timeoutMs: 300 }), institution });
    const e = await client.login().catch((x: unknown) => x);
    expect((e as YibaoError).code).toBe('TRANSPORT_TIMEOUT');
    expect((e as YibaoError).message).toMatch(/outcome unknown/);
    await sb.responder.stop();
    rmSync(sb.dir, { recursive: true, force: true });
  });

  it('one request at a time: a live lock holder makes the second caller wait; a dead holder\'s lock is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-np-lock-'));
    writeFileSync(join(dir, FILES.lock), `${process.pid} held\n`);
    const busy = new FileExchange({ dir, pollMs: 10, timeoutMs: 200 });
    await expect(busy.exchange('login', core.gbk.encode('[login]\r\nRequest=TRUE\r\n'), () => 1)).rejects.toThrow(/busy/);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(dir, FILES.lock), `${dead} crashed\n`);
    const sb = startNanpingSandboxInProcess({ core, dir });
    const client = new NanpingClient({ core, exchange: new FileExchange({ dir, pollMs: 10, timeoutMs: 3000 }), institution });
    await expect(client.login()).resolves.toBeUndefined();
    await sb.responder.stop();
    rmSync(sb.dir, { recursive: true, force: true });
  });

  it('front-end refusals are CENTER_ERROR with its Error text (blocked person, unknown credential)', async () => {
    const sb = startNanpingSandboxInProcess({ core });
    const client = new NanpingClient({ core, exchange: new FileExchange({ dir: sb.dir, pollMs: 10, timeoutMs: 3000 }), institution });
    await expect(client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510106197205051836' })).rejects.toThrow(/不能挂号/);
    await expect(client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '123' })).rejects.toMatchObject({ code: 'CENTER_ERROR' });
    await sb.responder.stop();
    rmSync(sb.dir, { recursive: true, force: true });
  });
});

describe('nanping through a separate responder process watching the exchange folder', () => {
  let rp: ResponderProcess;
  let client: NanpingClient;
  beforeAll(async () => {
    rp = await spawnResponder({ pollMs: 20 });
    client = new NanpingClient({ core, exchange: new FileExchange({ dir: rp.dir, pollMs: 10, timeoutMs: 10000 }), institution });
  }, 60000);
  afterAll(async () => {
    await rp?.stop();
    if (rp) rmSync(rp.dir, { recursive: true, force: true });
  });

  it('outpatient and inpatient settlement of the same bills; the responder\'s ledger shows them', async () => {
    const op = await outpatientSettle(client, fixture('demo-outpatient.json'));
    const ip = await inpatientSettle(client, fixture('demo-inpatient.json'));
    expect(op.setlinfo.medfee_sumamt).toBe(44120);
    expect(op.presettle.psn_cash_pay).toBe(op.setlinfo.psn_cash_pay);
    expect(ip.setlinfo.medfee_sumamt).toBe(175 * 100 + 120 * 100 + 120000 + 6000 + 3500 + 4200 + 8580);
    expect(ip.setlinfo.fund_pay_sumamt).toBeGreaterThan(0);
    const ledger = rp.ledger();
    expect(ledger.filter((x) => x.status === 'valid').map((x) => x.id)).toEqual(expect.arrayContaining([op.setl_id, ip.setl_id]));
    expect(rp.pid).not.toBe(process.pid);
  });

  it('收费冲销 by Djlsh0 reverses the outpatient settlement', async () => {
    const op = await outpatientSettle(client, fixture('demo-outpatient.json'));
    const r = await client.cancelSettle({ setl_id: op.setl_id, mdtrt_id: op.mdtrt_id, psn_no: op.psn_no });
    expect(r.refund.medfee_sumamt).toBe(-44120);
    expect(rp.ledger().find((x) => x.id === op.setl_id)?.status).toBe('reversed');
  });

  it('the rare-character person comes back intact through the files', async () => {
    const id = await client.identify({ mdtrt_cert_type: '02', mdtrt_cert_no: '510107199006074619' });
    expect(id.psn_name).toBe('昜晐·丂齄﨩');
  });
});
