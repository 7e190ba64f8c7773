// The Chengdu 进销存 uploads end to end: the inventory uploader (host-node/src/inventory.ts, SQLite in a temp
// dir) → JxcClient → real SOAP over loopback → the sandbox center. Batching to the row limit, partial batches,
// rejected rows, fix-and-requeue, a center outage with a process restart, a reply lost after the commit and a
// crash between send and mark — every row applied at the center exactly once.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../host-node/src/testing/loopback.js';
import { createCore } from '../../host-node/src/index.js';
import { openInventoryQueue, type InventoryQueueOptions, type InventoryRow } from '../../host-node/src/inventory.js';
import { runPluginConformance } from '../plugin.case.test.js';
import { chengduJxcInventory, createChengduJxcPlugin, createJxcClient, jxcConfig, JXC_DEFAULTS, type JxcConfig } from './index.js';
import { JXC_SANDBOX_CREDENTIALS, JxcCenter } from './sandbox/center.js';
import { startJxcSandbox, type JxcSandbox } from './sandbox/server.js';

const core = createCore();
const FIX = 'H51010000001';
const AMX = { med_list_codg: 'XJ01CAA040A001010100001', hilist_id: 'HIS-AMX01', hilist_name: '阿莫西林胶囊' };
const MET = { med_list_codg: 'XA10BAE054A001010100003', hilist_id: 'HIS-MET01', hilist_name: '盐酸二甲双胍片' };
const init = (sn: string, more: Partial<InventoryRow> = {}): InventoryRow => ({ sn, ...(Number(sn.replace(/\D/g, '')) % 2 ? MET : AMX), trdn_flag: '0', pric: '1.234567', cnt: '10.5', ...more });
let dir: string;

runPluginConformance({ name: 'chengdu-jxc', factory: createChengduJxcPlugin, requiredOps: ['inventory'] });

function queue(sb: JxcSandbox, name: string, more: Partial<InventoryQueueOptions> = {}, cfg: JxcConfig = JXC_DEFAULTS) {
  const client = createJxcClient({ core, url: sb.url, fixmedins_code: FIX, credentials: JXC_SANDBOX_CREDENTIALS, cfg, timeoutMs: 5000 });
  return openInventoryQueue({ dir: join(dir, name), center: chengduJxcInventory(client), backoff: { baseMs: 1000, jitter: 0 }, ...more });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-jxc-'));
});

describe('chengdu-jxc plugin', () => {
  it('encodes and decodes the XML strings through the plugin contract', () => {
    const p = createChengduJxcPlugin({ core });
    expect(p.infnoFor('inventory')).toBe('JXC01');
    expect(p.infnoFor('inventory', 'stock-out')).toBe('JXC03');
    expect(() => p.infnoFor('settle')).toThrow(expect.objectContaining({ code: 'NOT_SUPPORTED' }));
    const ctx = { msgid: 'M1', infTime: '2026-11-20 10:00:00', signNo: '', insuplcAdmdvs: '', institution: { fixmedins_code: FIX, fixmedins_name: '', mdtrtarea_admvs: '510100', opter: '1', opter_name: '' } };
    const req = p.encode('JXC01', { rows: [init('P1')], credentials: JXC_SANDBOX_CREDENTIALS }, ctx);
    const center = new JxcCenter({ core });
    const reply = p.decode(center.handle(req.body));
    expect(reply).toMatchObject({ infcode: 0, output: { code: '0' } });
    expect(p.decode(center.handle(req.body))).toMatchObject({ infcode: -1, err_msg: '执行失败，1条数据校验失败' });
  });

  it('refuses to start without credentials or 定点机构编码 (nothing is sent)', () => {
    expect(() => createJxcClient({ core, url: 'http://127.0.0.1:1/x', fixmedins_code: FIX, credentials: undefined })).toThrow(expect.objectContaining({ code: 'TRANSPORT_CONFIG' }));
    expect(() => createJxcClient({ core, url: 'http://127.0.0.1:1/x', fixmedins_code: '', credentials: JXC_SANDBOX_CREDENTIALS })).toThrow(expect.objectContaining({ code: 'TRANSPORT_CONFIG' }));
  });
});

describe('chengdu-jxc uploads through the inventory queue over SOAP', () => {
  let sb: JxcSandbox;
  beforeAll(async () => {
    sb = await startJxcSandbox({ core });
  });
  afterAll(() => sb?.close());

  it('splits 120 rows into calls of at most 50 (3 calls) and every row is saved', async () => {
    const q = queue(sb, 'batching');
    try {
      const rows = Array.from({ length: 120 }, (_, k) => init(`B${k}`));
      const calls = sb.center.calls;
      const enq = await q.enqueue('init', rows);
      expect(enq.every((e) => e.queued)).toBe(true);
      const s = await q.drain();
      expect(s).toMatchObject({ ok: 120, rejected: 0, retry: 0, pending: 0 });
      expect(s.batches.map((b) => [b.txCode, b.rows, b.outcome])).toEqual([['JXC01', 50, 'success'], ['JXC01', 50, 'success'], ['JXC01', 20, 'success']]);
      expect(sb.center.calls - calls).toBe(3);
      expect(sb.center.rows('init').filter((r) => r.sn.startsWith('B')).map((r) => r.sn)).toEqual(rows.map((r) => r.sn));
      expect(sb.center.rows('init').find((r) => r.sn === 'B7')!.fields).toMatchObject({ cgjg: '1.234567', cgsl: '10.5', ake005: 'HIS-MET01' });
      expect(q.results('init').every((r) => r.status === 'ok' && r.attempts === 1)).toBe(true);
    } finally {
      q.close();
    }
  });

  it('a partial batch: valid rows saved, each failed row rejected with the center\'s reason, not retried; fix-and-requeue and requeue after 对码', async () => {
    const q = queue(sb, 'partial');
    try {
      await q.enqueue('stock-in', [
        init('I1', { time: '2026-11-20 09:00:00' }),
        init('I2', { time: '2026-11-20 09:00:00', med_list_codg: 'XNOTMAPPED01' }),
        init('I3', { time: '2026-11-20 09:00:00', cnt: '0' }),
        init('I4', { time: '2026-11-20 09:00:00' }),
      ]);
      const s = await q.drain();
      expect(s).toMatchObject({ ok: 2, rejected: 2, retry: 0, pending: 0 });
      expect(s.batches).toHaveLength(1);
      expect(s.batches[0]).toMatchObject({ txCode: 'JXC02', rows: 4, outcome: 'partial', code: '1', ok: 2, rejected: 2 });
      expect(s.batches[0]!.message).toBe('本次成功但是部分数据失败：成功2条，失败2条');
      const by = Object.fromEntries(q.results('stock-in').map((r) => [r.sn, r]));
      expect(by.I2).toMatchObject({ status: 'rejected', reason: '医保项目编码【XNOTMAPPED01】未在【医保两定管理协同平台】完成对码' });
      expect(by.I3).toMatchObject({ status: 'rejected', reason: '【入库数量】无效：0（应为大于0的数值）' });
      expect(sb.center.rows('stock-in').map((r) => r.sn)).toEqual(['I1', 'I4']);

      // rejected rows stay rejected: another drain sends nothing
      const calls = sb.center.calls;
      expect(await q.drain()).toMatchObject({ ok: 0, rejected: 0, retry: 0, pending: 0, batches: [] });
      expect(sb.center.calls).toBe(calls);

      // the hospital fixes the quantity; 对码 of the other code is done at the platform, the row is requeued unchanged
      await q.fixAndRequeue(by.I3!.rowId, { ...by.I3!.row, cnt: '5' });
      sb.center.addMapping({ med_list_codg: 'XNOTMAPPED01', hilist_id: 'HIS-AMX01', name: '后补对码药品' });
      await q.requeue([by.I2!.rowId]);
      const s2 = await q.drain();
      expect(s2).toMatchObject({ ok: 2, rejected: 0, pending: 0 });
      expect(s2.batches.map((b) => [b.rows, b.outcome])).toEqual([[2, 'success']]);
      expect(sb.center.rows('stock-in').map((r) => r.sn)).toEqual(['I1', 'I4', 'I3', 'I2']);
      expect(sb.center.rows('stock-in').find((r) => r.sn === 'I3')!.fields.rksl).toBe('5');
      await expect(q.requeue([by.I1!.rowId])).rejects.toMatchObject({ code: 'BAD_INPUT' });
    } finally {
      q.close();
    }
  });

  it('a batch refused as a whole (wrong 验证码) rejects its rows with the message; a genuine 【数据重复上传】 on a first send is rejected', async () => {
    const bad = createJxcClient({ core, url: sb.url, fixmedins_code: FIX, credentials: { user: JXC_SANDBOX_CREDENTIALS.user, password: 'wrong' } });
    const q1 = openInventoryQueue({ dir: join(dir, 'badcreds'), center: chengduJxcInventory(bad) });
    try {
      await q1.enqueue('init', [init('W1'), init('W2')]);
      const s = await q1.drain();
      expect(s).toMatchObject({ ok: 0, rejected: 2, batches: [{ outcome: 'failure', code: '-1', message: '交易访问用户或交易访问验证码错误' }] });
      expect(q1.results().map((r) => r.reason)).toEqual(['交易访问用户或交易访问验证码错误', '交易访问用户或交易访问验证码错误']);
    } finally {
      q1.close();
    }
    // B0 was uploaded by the batching test (another queue): here it is a first send → rejected, not "applied"
    const q2 = queue(sb, 'genuine-dup');
    try {
      await q2.enqueue('init', [init('B0')]);
      const s = await q2.drain();
      expect(s).toMatchObject({ ok: 0, rejected: 1 });
      expect(q2.results()[0]).toMatchObject({ status: 'rejected', alreadyApplied: false });
      expect(q2.results()[0]!.reason).toMatch(/【数据重复上传】流水号【B0】/);
    } finally {
      q2.close();
    }
  });
});

describe('chengdu-jxc: durable retry', () => {
  it('center stopped mid-drain → retry with backoff; process restart; center back → every row applied exactly once', async () => {
    const port = await freePort();
    const center = new JxcCenter({ core });
    let sb = await startJxcSandbox({ core, center, port });
    let clock = Date.now();
    const qdir = 'outage';
    const rows = Array.from({ length: 120 }, (_, k) => init(`O${k}`));
    let stopped = false;
    let q = queue(sb, qdir, {
      now: () => clock,
      hooks: {
        afterBatch: async () => {
          if (!stopped) {
            stopped = true;
            await sb.close(); // the center goes down after the first batch
          }
        },
      },
    });
    await q.enqueue('init', rows);
    const s1 = await q.drain();
    expect(s1).toMatchObject({ ok: 50, rejected: 0, retry: 50, pending: 70 });
    expect(s1.batches.map((b) => b.outcome)).toEqual(['success', 'unreachable']);
    const waiting = q.results('init', { status: ['retry'] });
    expect(waiting.map((r) => r.sn)).toEqual(rows.slice(50, 100).map((r) => r.sn));
    expect(waiting[0]!.reason).toMatch(/^TRANSPORT_NETWORK/);
    expect(Date.parse(waiting[0]!.nextAttemptAt!)).toBe(clock + 1000);
    expect(q.results('init', { status: ['pending'] })).toHaveLength(20);
    expect(center.rows()).toHaveLength(50);

    // still down, backoff passed: the attempt fails again and the wait doubles
    clock += 1000;
    expect(await q.drain()).toMatchObject({ ok: 0, retry: 50, pending: 70 });
    expect(Date.parse(q.results('init', { status: ['retry'] })[0]!.nextAttemptAt!)).toBe(clock + 2000);
    q.close();

    // restart: a new process opens the same state directory; the center comes back on its address
    sb = await startJxcSandbox({ core, center, port });
    try {
      q = queue(sb, qdir, { now: () => clock });
      expect(q.pending()).toBe(70);
      expect(await q.drain()).toMatchObject({ retry: 0, batches: [] }); // not due yet: nothing sent
      clock += 2000;
      const s2 = await q.drain();
      expect(s2).toMatchObject({ ok: 70, rejected: 0, retry: 0, pending: 0 });
      expect(s2.batches.map((b) => b.rows)).toEqual([50, 20]);
      expect(center.rows().map((r) => r.sn)).toEqual(rows.map((r) => r.sn));
      expect(center.applied).toBe(120); // each row saved once
      expect(q.results('init').every((r) => r.status === 'ok' && !r.alreadyApplied)).toBe(true);
      q.close();
    } finally {
      await sb.close();
    }
  });

  it('a reply dropped after the center committed: the retry gets 【数据重复上传】 and each row counts ok once', async () => {
    const center = new JxcCenter({ core });
    const sb = await startJxcSandbox({ core, center, faults: [{ kind: 'drop-after-commit', p: 1 }] });
    let clock = Date.now();
    const q = queue(sb, 'dropped', { now: () => clock });
    try {
      const rows = [init('D1'), init('D2', { med_list_codg: 'XNOTMAPPED02' }), init('D3')];
      await q.enqueue('init', rows);
      const s1 = await q.drain();
      expect(s1).toMatchObject({ ok: 0, retry: 3, pending: 3 });
      expect(center.rows().map((r) => r.sn)).toEqual(['D1', 'D3']); // committed, the answer lost
      sb.setFaults([]);
      clock += 1000;
      const s2 = await q.drain();
      expect(s2).toMatchObject({ ok: 2, rejected: 1, retry: 0, pending: 0 });
      expect(s2.batches[0]).toMatchObject({ outcome: 'failure', rows: 3 });
      const by = Object.fromEntries(q.results().map((r) => [r.sn, r]));
      expect(by.D1).toMatchObject({ status: 'ok', alreadyApplied: true, attempts: 2 });
      expect(by.D1!.reason).toMatch(/数据重复上传/);
      expect(by.D3).toMatchObject({ status: 'ok', alreadyApplied: true });
      expect(by.D2).toMatchObject({ status: 'rejected', alreadyApplied: false });
      expect(by.D2!.reason).toMatch(/未在【医保两定管理协同平台】完成对码/);
      expect(center.applied).toBe(2);
      expect(await q.drain()).toMatchObject({ ok: 0, batches: [] });
    } finally {
      q.close();
      await sb.close();
    }
  });

  it('a crash between send and mark: reopened, the rows still "sent" are resent and count ok once', async () => {
    const center = new JxcCenter({ core });
    const sb = await startJxcSandbox({ core, center });
    try {
      const crash = queue(sb, 'crash', { hooks: { afterSend: () => { throw new Error('simulated crash'); } } });
      await crash.enqueue('stock-out', [init('C1', { time: '2026-11-20 12:00:00' }), init('C2', { time: '2026-11-20 12:00:00' })]);
      await expect(crash.drain()).rejects.toThrow('simulated crash');
      expect(crash.results().map((r) => r.status)).toEqual(['sent', 'sent']);
      crash.close();
      expect(center.rows('stock-out')).toHaveLength(2);

      const q = queue(sb, 'crash');
      try {
        expect(q.batches()[0]).toMatchObject({ outcome: 'unreachable', message: expect.stringMatching(/interrupted/) });
        const s = await q.drain();
        expect(s).toMatchObject({ ok: 2, rejected: 0, pending: 0 });
        expect(q.results().every((r) => r.status === 'ok' && r.alreadyApplied && r.attempts === 2)).toBe(true);
        expect(center.applied).toBe(2);
      } finally {
        q.close();
      }
    } finally {
      await sb.close();
    }
  });

  it('HTTP errors and an answer that cannot be attributed go to retry; a SOAP Client fault rejects', async () => {
    const center = new JxcCenter({ core });
    const sb = await startJxcSandbox({ core, center, faults: [{ kind: 'down' }] });
    let clock = Date.now();
    try {
      const q = queue(sb, 'down', { now: () => clock });
      await q.enqueue('stock', [init('K1', { time: '2026-11-30 18:00:00' })]);
      const s = await q.drain();
      expect(s).toMatchObject({ retry: 1, batches: [{ outcome: 'unreachable' }] });
      expect(q.results()[0]!.reason).toMatch(/^TRANSPORT_HTTP/);
      sb.setFaults([]);
      clock += 1000;
      expect(await q.drain()).toMatchObject({ ok: 1 });
      q.close();

      // the site configured a wrong parameter name: the service answers a SOAP Client fault → rejected (a person must fix it)
      const wrong = jxcConfig({ soap: { param: 'xmlIn' } });
      const q2 = queue(sb, 'client-fault', {}, wrong);
      await q2.enqueue('stock', [init('K2', { time: '2026-11-30 18:00:00' })]);
      const s2 = await q2.drain();
      expect(s2).toMatchObject({ rejected: 1, batches: [{ outcome: 'failure' }] });
      expect(q2.results()[0]!.reason).toMatch(/^SOAP_FAULT/);
      q2.close();
    } finally {
      await sb.close();
    }
  });
});
