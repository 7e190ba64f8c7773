// The inventory uploader on the national path: 3501–3507 against the real sandbox center over loopback,
// one record per call through the offline queue, per-record business errors, a center outage and a restart.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from './core.js';
import type { Client } from './client.js';
import { SANDBOX_INSTITUTION } from './config.js';
import { checkInventoryRow, nationalInventory, nationalInventoryInput, openInventoryQueue, type InventoryRow } from './inventory.js';
import { createNationalPlugin, createSichuanPlugin } from '../../plugins/national/index.js';
import { startSandbox, type Sandbox } from '../../plugins/national/sandbox/server.js';
import { inventoryRecords } from '../../plugins/national/sandbox/inventory.js';
import { freePort, sichuanClientAt } from './testing/loopback.js';

const core = createCore();
let sb: Sandbox;
let dir: string;

const clientAt = (url: string, stateDir = join(dir, 'state')): Client => sichuanClientAt(core, url, stateDir);

const AMOX = { med_list_codg: 'XJ01CAA040A001010100001', hilist_id: 'HIS-AMX01', hilist_name: '阿莫西林胶囊(院内)' };
const METF = { med_list_codg: 'XA10BAE054A001010100003', hilist_id: 'HIS-MET01', hilist_name: '二甲双胍片(院内)' };
const records = () => inventoryRecords(sb.center.st).filter((r) => r.fixmedins_code === SANDBOX_INSTITUTION.fixmedins_code);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-inv-'));
  sb = await startSandbox({ region: 'sichuan' });
});
afterAll(async () => {
  await sb?.close();
});

describe('national 3501–3507 mapping', () => {
  it('maps canonical rows onto the 35xx input nodes (names, bchno default, invdate date part, extra verbatim)', () => {
    expect(nationalInventoryInput('init', { sn: 'P1', ...AMOX, cnt: '12.5', time: '2026-11-20 08:00:00', rx_flag: '1' })).toEqual({
      infno: '3501',
      input: { invinfo: { med_list_codg: AMOX.med_list_codg, fixmedins_hilist_id: 'HIS-AMX01', fixmedins_hilist_name: '阿莫西林胶囊(院内)', rx_flag: '1', invdate: '2026-11-20', inv_cnt: '12.5', fixmedins_bchno: 'P1' } },
    });
    const sale = nationalInventoryInput('stock-out', { sn: 'S9', bchno: 'B1', ...AMOX, pric: '1.234567', cnt: '2.0001', time: '2026-11-20 09:00:00', opter_name: '药师', extra: { phar_name: '王药师' } });
    expect(sale.infno).toBe('3505');
    expect(sale.input.selinfo).toMatchObject({ fixmedins_bchno: 'B1', finl_trns_pric: '1.234567', sel_retn_cnt: '2.0001', sel_retn_time: '2026-11-20 09:00:00', sel_retn_opter_name: '药师', medins_prod_sel_no: 'S9', phar_name: '王药师' });
    expect(nationalInventoryInput('delete', { sn: 'D1', bchno: 'B1', inv_data_type: '3' })).toEqual({ infno: '3507', input: { data: { fixmedins_bchno: 'B1', inv_data_type: '3' } } });
  });

  it('both national plugins carry 3501–3507 as inventory transactions', () => {
    for (const p of [createSichuanPlugin({ core }), createNationalPlugin({ core })]) {
      for (let n = 3501; n <= 3507; n++) expect(p.manifest.transactions[String(n)]?.op, `${p.manifest.id} ${n}`).toBe('inventory');
      expect(p.infnoFor('inventory', '3505')).toBe('3505');
    }
  });

  it('checks rows locally: decimals as text with their scale, dates, required fields', () => {
    const req = ['med_list_codg', 'cnt'];
    expect(checkInventoryRow('init', { sn: 'A', med_list_codg: 'X', cnt: '1.5' }, req)).toBe('');
    expect(checkInventoryRow('init', { sn: 'A', med_list_codg: 'X', cnt: 1.5 as unknown as string }, req)).toMatch(/cnt.*字符串/);
    expect(checkInventoryRow('init', { sn: 'A', med_list_codg: 'X', cnt: '1.23456' }, req)).toMatch(/小数位数不能超过4位/);
    expect(checkInventoryRow('init', { sn: 'A', med_list_codg: 'X', cnt: '1e3' }, req)).toMatch(/不是合法的数值/);
    expect(checkInventoryRow('init', { sn: 'A', med_list_codg: 'X', cnt: '1', pric: '0.1234567' }, req)).toMatch(/pric.*6位/);
    expect(checkInventoryRow('init', { sn: 'A', cnt: '1' }, req)).toMatch(/med_list_codg】不能为空/);
    expect(checkInventoryRow('init', { sn: 'A', med_list_codg: 'X', cnt: '1', time: '20261120' }, req)).toMatch(/time/);
  });
});

describe('national inventory uploads against the sandbox center', () => {
  it('uploads every kind (3501–3507), one record per call, and reports per-record business errors', async () => {
    const q = openInventoryQueue({ dir: join(dir, 'n1'), center: nationalInventory(clientAt(sb.url)) });
    try {
      const t = '2026-11-20 10:00:00';
      await q.enqueue('init', [
        { sn: 'INIT-1', bchno: 'B-AMX-1', ...AMOX, cnt: '100', time: '2026-11-20', rx_flag: '1', manu_lotnum: 'L1' },
        { sn: 'INIT-2', bchno: 'B-AMX-1', ...AMOX, cnt: '100', time: '2026-11-20', rx_flag: '1' }, // same batch, same day: duplicate
        { sn: 'INIT-3', bchno: 'B-X', med_list_codg: 'X0000000000000000000', hilist_id: 'H-X', hilist_name: '未对码药品', cnt: '1', time: '2026-11-20', rx_flag: '0' },
      ]);
      await q.enqueue('stock-in', [{ sn: 'PUR-1', bchno: 'B-MET-1', ...METF, pric: '12.345678', cnt: '50.5', time: t, rx_flag: '1', spler_name: '沙箱医药公司', opter_name: '库管员' }]);
      await q.enqueue('purchase-return', [
        { sn: 'RET-1', bchno: 'B-MET-1', ...METF, pric: '12.345678', cnt: '0.5', time: t, rx_flag: '1', spler_name: '沙箱医药公司', opter_name: '库管员' },
        { sn: 'RET-2', bchno: 'B-MET-1', ...METF, pric: '12.345678', cnt: '60', time: t, rx_flag: '1', spler_name: '沙箱医药公司', opter_name: '库管员' }, // more than bought
      ]);
      await q.enqueue('stock-out', [{ sn: 'SAL-1', bchno: 'B-MET-1', ...METF, pric: '15.00', cnt: '2', time: t, rx_flag: '1', trdn_flag: '0', opter_name: '药师', psn_name: '张三', certno: '510104198503152311' }]);
      await q.enqueue('sale-return', [
        { sn: 'SRT-1', bchno: 'B-MET-1', ...METF, pric: '15.00', cnt: '1', time: t, rx_flag: '1', trdn_flag: '0', opter_name: '药师' },
        { sn: 'SRT-2', bchno: 'B-NONE', ...METF, pric: '15.00', cnt: '1', time: t, rx_flag: '1', trdn_flag: '0', opter_name: '药师' }, // never sold
      ]);
      await q.enqueue('stock-change', [
        { sn: 'CHG-1', bchno: 'B-AMX-1', ...AMOX, inv_chg_type: '103', pric: '0.5', cnt: '-3', time: t, rx_flag: '1', opter_name: '库管员' },
        { sn: 'CHG-2', bchno: 'B-UNKNOWN', ...AMOX, inv_chg_type: '103', pric: '0.5', cnt: '-3', time: t, rx_flag: '1', opter_name: '库管员' },
      ]);
      await q.enqueue('delete', [
        { sn: 'DEL-1', bchno: 'B-AMX-1', inv_data_type: '2' },
        { sn: 'DEL-2', bchno: 'B-NOPE', inv_data_type: '1' },
      ]);
      expect(q.pending()).toBe(13);

      const s = await q.drain();
      expect(s).toMatchObject({ ok: 7, rejected: 6, retry: 0, pending: 0 });
      expect(s.batches.map((b) => b.txCode)).toEqual(['3501', '3501', '3501', '3503', '3504', '3504', '3505', '3506', '3506', '3502', '3502', '3507', '3507']);
      expect(s.batches.every((b) => b.rows === 1)).toBe(true);

      const by = Object.fromEntries(q.results().map((r) => [r.sn, r]));
      for (const sn of ['INIT-1', 'PUR-1', 'RET-1', 'SAL-1', 'SRT-1', 'CHG-1', 'DEL-1']) expect(by[sn]!.status, sn).toBe('ok');
      expect(by['INIT-2']).toMatchObject({ status: 'rejected' });
      expect(by['INIT-2']!.reason).toMatch(/数据重复上传：机构批次号【B-AMX-1】盘存日期【2026-11-20】/);
      expect(by['INIT-3']!.reason).toMatch(/医保目录编码【X0000000000000000000】不存在/);
      expect(by['RET-2']!.reason).toMatch(/采购退货数量【60】超过可退数量【50.0】/);
      expect(by['SRT-2']!.reason).toMatch(/无销售记录/);
      expect(by['CHG-2']!.reason).toMatch(/机构批次号【B-UNKNOWN】无盘存或采购信息/);
      expect(by['DEL-2']!.reason).toMatch(/未找到机构批次号【B-NOPE】的盘存信息/);

      // what the center holds: exact decimals as sent, the deleted change record
      const rec = records();
      expect(rec.find((r) => r.infno === '3503')).toMatchObject({ fixmedins_bchno: 'B-MET-1', pric: '12.345678', cnt: '50.5', status: 'valid' });
      expect(rec.find((r) => r.infno === '3502')).toMatchObject({ fixmedins_bchno: 'B-AMX-1', cnt: '-3', status: 'deleted' });
      expect(rec.filter((r) => r.infno === '3501' && r.status === 'valid')).toHaveLength(1);

      // rejected rows are not retried by themselves
      expect(await q.drain()).toMatchObject({ ok: 0, rejected: 0, retry: 0, pending: 0, batches: [] });

      // fix and requeue: a smaller return goes through under a new msgid
      const fixed = await q.fixAndRequeue(by['RET-2']!.rowId, { ...by['RET-2']!.row, cnt: '10' });
      expect(fixed.status).toBe('pending');
      expect(await q.drain()).toMatchObject({ ok: 1, rejected: 0, pending: 0 });
      expect(q.get(fixed.rowId)!.status).toBe('ok');
      expect(records().filter((r) => r.infno === '3504').map((r) => r.cnt)).toEqual(['0.5', '10']);
      await expect(q.fixAndRequeue(by['INIT-1']!.rowId, by['INIT-1']!.row)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    } finally {
      q.close();
    }
  });

  it('stores invalid rows as rejected without sending them, and enqueue is idempotent per sn', async () => {
    const q = openInventoryQueue({ dir: join(dir, 'n2'), center: nationalInventory(clientAt(sb.url)) });
    try {
      const row: InventoryRow = { sn: 'IDEM-1', bchno: 'B-IDEM', ...AMOX, cnt: '1', time: '2026-11-21', rx_flag: '1' };
      const r1 = await q.enqueue('stock', [row, { sn: 'BAD-1', ...AMOX, cnt: '1.5', time: '2026-11-21', pric: 3.1 as unknown as string }]);
      expect(r1[0]).toMatchObject({ sn: 'IDEM-1', queued: true, status: 'pending' });
      expect(r1[1]).toMatchObject({ sn: 'BAD-1', queued: false, status: 'rejected' });
      const r2 = await q.enqueue('stock', [row, { ...row, cnt: '2' }]);
      expect(r2[0]).toMatchObject({ rowId: r1[0]!.rowId, queued: false });
      expect(r2[1]!.reason).toMatch(/fixAndRequeue/);
      await expect(q.enqueue('bogus' as never, [row])).rejects.toMatchObject({ code: 'BAD_INPUT' });
      const before = records().length;
      expect(await q.drain()).toMatchObject({ ok: 1, rejected: 0, pending: 0 });
      expect(records().length).toBe(before + 1);
      expect(q.get(r1[1]!.rowId!)!.reason).toMatch(/本地校验失败/);
    } finally {
      q.close();
    }
  });

  it('survives a center outage and a restart: rows wait with backoff, then every row reaches the center exactly once', async () => {
    const port = await freePort();
    let clock = Date.now();
    const qdir = join(dir, 'n3');
    const open = (url: string) => openInventoryQueue({ dir: qdir, center: nationalInventory(clientAt(url)), now: () => clock, backoff: { baseMs: 1000, jitter: 0 } });
    const rows: InventoryRow[] = Array.from({ length: 5 }, (_, k) => ({ sn: `OUT-${k}`, bchno: `B-OUT-${k}`, ...METF, pric: '1.5', cnt: String(k + 1), time: '2026-11-20 11:00:00', rx_flag: '1', spler_name: '沙箱医药公司', opter_name: '库管员' }));
    let q = open(`http://127.0.0.1:${port}`);
    await q.enqueue('stock-in', rows);
    const s1 = await q.drain();
    expect(s1).toMatchObject({ ok: 0, rejected: 0, retry: 1, pending: 5 });
    expect(s1.batches[0]).toMatchObject({ outcome: 'unreachable' });
    const head = q.results()[0]!;
    expect(head).toMatchObject({ status: 'retry', attempts: 1 });
    expect(head.reason).toMatch(/^TRANSPORT_NETWORK/);
    expect(Date.parse(head.nextAttemptAt!)).toBe(clock + 1000);
    expect(q.results().slice(1).every((r) => r.status === 'pending')).toBe(true);
    expect(await q.drain()).toMatchObject({ retry: 0, batches: [] }); // not due yet
    q.close();

    // "restart": a new process opens the same state directory; the center is back (another address)
    const before = records().filter((r) => r.infno === '3503').length;
    clock += 1000;
    q = open(sb.url);
    try {
      const s2 = await q.drain();
      expect(s2).toMatchObject({ ok: 5, rejected: 0, retry: 0, pending: 0 });
      const got = records().filter((r) => r.infno === '3503').slice(before);
      expect(got.map((r) => r.fixmedins_bchno)).toEqual(rows.map((r) => r.bchno));
      expect(new Set(got.map((r) => r.msgid)).size).toBe(5);
      expect(await q.drain()).toMatchObject({ ok: 0, batches: [] });
      expect(records().filter((r) => r.infno === '3503').length).toBe(before + 5);
    } finally {
      q.close();
    }
  });
});
