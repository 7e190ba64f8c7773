// Reconciliation against the real sandbox center: every mismatch kind is constructed for real (settlements
// at the center, a journal, a HIS ledger) and the classification, the HTML report and the CSV are checked.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { createCore } from './core.js';
import { createClient, type Client } from './client.js';
import { createHttpTransport } from './transport-http.js';
import { openState } from './state.js';
import { SANDBOX_INSTITUTION } from './config.js';
import { outpatientSettle, type Bill, type FlowResult } from './flows.js';
import { reconcile, readHisLedger, type HisLedgerRow, type ReconcileReport } from './reconcile.js';
import { fenToYuan } from './money.js';
import { memoryJournal } from './testing/memory-journal.js';
import { createReliableClient } from './reliable.js';
import type { Journal } from './journal-contract.js';
import { createSichuanPlugin, SICHUAN_MANIFEST } from '../../plugins/national/index.js';
import { startSandbox, type Sandbox } from '../../plugins/national/sandbox/server.js';

const core = createCore();
/** the Sichuan plugin prefers the A variants: 2207A */
const SETTLE_INFNO = createSichuanPlugin({ core }).infnoFor('settle');
const demo = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/demo-outpatient.json'), 'utf8')) as Bill;
const ID = { zhang: '510104198503152311', li: '510105195608221021', zhao: '510104197801122714', wang: '510107199006074619' };

function clientFor(sb: Sandbox, dir: string): Client {
  const plugin = createSichuanPlugin({ core });
  const transport = createHttpTransport({ endpoint: sb.url, path: SICHUAN_MANIFEST.transport.path, core, timeoutMs: 10000 });
  return createClient({ plugin, transport, core, institution: SANDBOX_INSTITUTION, state: openState(join(dir, 'state')) });
}

let seq = 0;
/** A bill of `n` consultation lines (15.00 each) plus the demo's drugs: distinct amounts per n. */
function bill(certno: string, n = 1): Bill {
  const extra = Array.from({ length: n - 1 }, (_, k) => ({ feedetl_sn: `X${k}`, med_list_codg: '001204000020000', pric: '3.00', cnt: '1', med_chrgitm_type: '05' }));
  return { ...demo, mdtrt_cert_no: certno, insutype: certno === ID.wang ? '390' : '310', ipt_otp_no: `RC${Date.now()}${seq++}`, fee_items: [...demo.fee_items, ...extra] };
}

/** What the reliable client would have journaled for a settlement the HIS committed. */
async function journalize(j: Journal, r: FlowResult, his_key: string, state: 'confirmed' | 'succeeded' = 'confirmed') {
  const input_json = JSON.stringify({ data: { psn_no: r.psn_no, mdtrt_id: r.mdtrt_id, insutype: r.person.insutype, med_type: '11', medfee_sumamt: fenToYuan(r.setlinfo.medfee_sumamt) } });
  const e = await j.begin({ msgid: r.msgids.settle!, infno: SETTLE_INFNO, op: 'settle', region: 'sichuan', his_key, input_json, input_digest: createHash('sha256').update(input_json).digest('hex'), psn_no: r.psn_no, mdtrt_id: r.mdtrt_id });
  await j.transition(e.id, 'intent', 'sent');
  const s = r.setlinfo as unknown as Record<string, number>;
  await j.transition(e.id, 'sent', 'succeeded', {
    setl_id: r.setl_id, amounts: { medfee_sumamt: s.medfee_sumamt!, fund_pay_sumamt: s.fund_pay_sumamt!, acct_pay: s.acct_pay!, psn_cash_pay: s.psn_cash_pay! },
    reply_json: JSON.stringify({ setlinfo: r.setlinfo }),
  });
  if (state === 'confirmed') await j.transition(e.id, 'succeeded', 'confirmed');
  return e;
}

const hisRow = (r: FlowResult, his_key: string, over: Partial<HisLedgerRow> = {}): HisLedgerRow => ({ his_key, setl_id: r.setl_id, medfee_sumamt: r.setlinfo.medfee_sumamt, status: 'valid', ...over });

describe('reconcile: a balanced day', () => {
  let sb: Sandbox;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yibao-rc-ok-'));
    sb = await startSandbox({ region: 'sichuan' });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('journal, HIS and center agree: 3201 balanced per group, 3202 without differences, no mismatch', async () => {
    const c = clientFor(sb, dir);
    const j = memoryJournal();
    const his: HisLedgerRow[] = [];
    for (const [k, id] of [ID.zhang, ID.li, ID.wang].entries()) {
      const r = await outpatientSettle(c, bill(id, k + 1));
      await journalize(j, r, `MZ-OK-${k}`);
      his.push(hisRow(r, `MZ-OK-${k}`));
    }
    const date = c.timeText().slice(0, 10);
    const rep = await reconcile({ client: c, journal: j, date, his, outDir: join(dir, 'out') });
    expect(rep.counts.total).toBe(0);
    expect(rep.totals.map((t) => [t.insutype, t.clr_type, t.count, t.stmt_rslt])).toEqual([['310', '11', 2, '0'], ['390', '11', 1, '0']]);
    expect(rep.totals[0]!.stmt_rslt_dscr).toMatch(/对账平/);
    const d11 = rep.details.find((d) => d.clr_type === '11')!;
    expect(d11).toMatchObject({ uploaded: 3, center_rows: 3, unbalanced: 0 });
    expect(d11.error).toBeUndefined();
    expect(rep.sums).toMatchObject({ center_count: 3, journal_count: 3, his_count: 3 });
    expect(rep.sums.center).toBe(rep.sums.his);
    const html = readFileSync(rep.files!.html, 'utf8');
    expect(html).toContain('对账平 / Balanced');
    expect(readFileSync(rep.files!.csv, 'utf8').trim().split(/\r\n/)).toHaveLength(1); // header only
  });
});

describe('reconcile: a confirmed settlement refunded later (reliable client refund)', () => {
  let sb: Sandbox;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yibao-rc-refund-'));
    sb = await startSandbox({ region: 'sichuan' });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('is seen as cancelled, like the center sees it: balanced, nothing reported missing', async () => {
    const c = clientFor(sb, dir);
    const j = memoryJournal();
    const rc = createReliableClient({ client: c, journal: j });
    const kept = await rc.settle({ his_key: 'MZ-KEEP', bill: bill(ID.zhang, 1) });
    await rc.commit('MZ-KEEP');
    const refunded = await rc.settle({ his_key: 'MZ-REFUND', bill: bill(ID.li, 2) });
    await rc.commit('MZ-REFUND');
    await rc.refund({ his_key: 'MZ-REFUND' });
    const his: HisLedgerRow[] = [
      { his_key: 'MZ-KEEP', setl_id: kept.setl_id, medfee_sumamt: kept.setlinfo.medfee_sumamt as number, status: 'valid' },
      { his_key: 'MZ-REFUND', setl_id: refunded.setl_id, medfee_sumamt: refunded.setlinfo.medfee_sumamt as number, status: 'cancelled' },
    ];
    const rep = await reconcile({ client: c, journal: j, date: c.timeText().slice(0, 10), his });
    expect(rep.mismatches).toEqual([]);
    expect(rep.totals.map((t) => [t.insutype, t.clr_type, t.count, t.stmt_rslt])).toEqual([['310', '11', 1, '0']]);
    expect(rep.sums).toMatchObject({ center_count: 1, journal_count: 1, his_count: 1 });
    // 3202: the center's cancellation record is not in the journal's file: flagged, and explained by the link
    const d11 = rep.details.find((d) => d.clr_type === '11')!;
    expect(d11.error).toBeUndefined();
    expect(d11.explained).toBe(d11.unbalanced);
    // the journal itself keeps both facts: the settlement confirmed, its refund confirmed beside it
    expect((await j.list({ his_key: 'MZ-REFUND' })).map((e) => `${e.op}:${e.state}`)).toEqual(['settle:confirmed', 'cancelSettle:confirmed']);
  });
});

describe('reconcile: every mismatch kind, constructed at the center', () => {
  let sb: Sandbox;
  let dir: string;
  let rep: ReconcileReport;
  const s: Record<string, FlowResult> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'yibao-rc-'));
    sb = await startSandbox({ region: 'sichuan' });
    const c = clientFor(sb, dir);
    const j = memoryJournal();
    const his: HisLedgerRow[] = [];
    // ok: everywhere
    s.ok = await outpatientSettle(c, bill(ID.zhang, 1));
    await journalize(j, s.ok, 'K-OK');
    his.push(hisRow(s.ok, 'K-OK'));
    // lost write-back: journal confirmed, the HIS record dropped
    s.lost = await outpatientSettle(c, bill(ID.li, 2));
    await journalize(j, s.lost, 'K-LOST');
    // orphan: settled directly with the Client, neither journal nor HIS knows it
    s.orphan = await outpatientSettle(c, bill(ID.wang, 3));
    // amount tampered in the HIS ledger
    s.amount = await outpatientSettle(c, bill(ID.zhao, 4));
    await journalize(j, s.amount, 'K-AMT');
    his.push(hisRow(s.amount, 'K-AMT', { medfee_sumamt: s.amount.setlinfo.medfee_sumamt + 100 }));
    // reversed at the center (2601) while journal and HIS still hold it: missing at the center
    s.gone = await outpatientSettle(c, bill(ID.zhang, 5));
    await journalize(j, s.gone, 'K-GONE');
    his.push(hisRow(s.gone, 'K-GONE'));
    await c.reverse({ psn_no: s.gone.psn_no, omsgid: s.gone.msgids.settle!, oinfno: SETTLE_INFNO });
    // the HIS holds a settlement id the center never issued
    his.push({ his_key: 'K-PHANTOM', setl_id: '51013000009999', medfee_sumamt: 1234, status: 'valid' });
    // duplicate by blind retry: the same bill settled again outside yibao (same person, same amount)
    s.first = await outpatientSettle(c, bill(ID.li, 6));
    await journalize(j, s.first, 'K-DUP');
    his.push(hisRow(s.first, 'K-DUP'));
    s.retry = await outpatientSettle(c, bill(ID.li, 6));
    // duplicate in the HIS: one settlement recorded under two keys
    s.twice = await outpatientSettle(c, bill(ID.zhao, 7));
    await journalize(j, s.twice, 'K-TW1');
    his.push(hisRow(s.twice, 'K-TW1'), hisRow(s.twice, 'K-TW2'));
    // aborted by the HIS: cancelled at the center (2208) and in the journal — consistent, not a mismatch
    s.aborted = await outpatientSettle(c, bill(ID.wang, 8));
    const ab = await journalize(j, s.aborted, 'K-ABORT', 'succeeded');
    const undo = await c.cancelSettle({ setl_id: s.aborted.setl_id, mdtrt_id: s.aborted.mdtrt_id, psn_no: s.aborted.psn_no });
    await j.transition(ab.id, 'succeeded', 'cancelled', { undo_msgid: undo.msgid });
    // an entry the journal could not resolve yet
    const u = await j.begin({ msgid: 'H510100000012026112200000000x1', infno: '2207', op: 'settle', region: 'sichuan', his_key: 'K-UNK', input_json: '{}', input_digest: 'x' });
    await j.transition(u.id, 'intent', 'sent');
    await j.transition(u.id, 'sent', 'unknown');

    // the HIS ledger goes through a file (CSV)
    const csv = ['his_key,setl_id,medfee_sumamt,status', ...his.map((h) => `${h.his_key},${h.setl_id},${fenToYuan(h.medfee_sumamt)},${h.status}`)].join('\n');
    writeFileSync(join(dir, 'his.csv'), csv);
    const date = c.timeText().slice(0, 10);
    rep = await reconcile({ client: c, journal: j, date, his: readHisLedger(join(dir, 'his.csv')), outDir: join(dir, 'out') });
  });
  afterAll(async () => {
    await sb?.close();
  });

  const find = (setl_id: string) => rep.mismatches.filter((m) => m.setl_id === setl_id);

  it('a lost write-back is missing in the HIS, with "HIS must record setl_id"', () => {
    const [m, ...more] = find(s.lost!.setl_id);
    expect(more).toEqual([]);
    expect(m).toMatchObject({ kind: 'missing_in_his', his_key: 'K-LOST', msgid: s.lost!.msgids.settle, center: s.lost!.setlinfo.medfee_sumamt, his: null });
    expect(m!.repair).toBe(`HIS must record setl_id ${s.lost!.setl_id} for HIS key K-LOST (${fenToYuan(s.lost!.setlinfo.medfee_sumamt)} yuan)`);
  });

  it('a settlement made outside yibao is missing in the HIS, with a 2601 reversal of its msgid proposed', () => {
    const [m] = find(s.orphan!.setl_id);
    expect(m).toMatchObject({ kind: 'missing_in_his', his_key: null, msgid: s.orphan!.msgids.settle });
    expect(m!.repair).toContain(`2601 冲正 reverse msgid ${s.orphan!.msgids.settle} (oinfno ${SETTLE_INFNO}, psn_no ${s.orphan!.psn_no})`);
  });

  it('a tampered HIS amount is amount differs, with the center amount to correct to', () => {
    const [m] = find(s.amount!.setl_id);
    expect(m).toMatchObject({ kind: 'amount_differs', his_key: 'K-AMT', center: s.amount!.setlinfo.medfee_sumamt, his: s.amount!.setlinfo.medfee_sumamt + 100 });
    expect(m!.repair).toContain(`HIS must correct HIS key K-AMT to the center's amounts (medfee ${fenToYuan(s.amount!.setlinfo.medfee_sumamt)}`);
  });

  it('a settlement reversed at the center is missing at the center; 5203 says so', () => {
    const [m] = find(s.gone!.setl_id);
    expect(m).toMatchObject({ kind: 'missing_at_center', his_key: 'K-GONE', center: null, his: s.gone!.setlinfo.medfee_sumamt, journal: s.gone!.setlinfo.medfee_sumamt });
    expect(m!.detail).toMatch(/5203: setl_stas reversed/);
    expect(m!.repair).toMatch(/^query 5203 setl_id .*void HIS key K-GONE/);
  });

  it('a setl_id the center never issued is missing at the center', () => {
    const [m] = find('51013000009999');
    expect(m).toMatchObject({ kind: 'missing_at_center', his_key: 'K-PHANTOM', his: 1234 });
  });

  it('a blind retry (same person, same amount, unknown to HIS and journal) is a duplicate to reverse', () => {
    const [m, ...more] = find(s.retry!.setl_id);
    expect(more).toEqual([]);
    expect(m).toMatchObject({ kind: 'duplicate', his_key: 'K-DUP', msgid: s.retry!.msgids.settle });
    expect(m!.repair).toMatch(new RegExp(`^2601 冲正 reverse msgid ${s.retry!.msgids.settle}`));
    expect(find(s.first!.setl_id)).toEqual([]); // the one the HIS holds is fine
  });

  it('one settlement under two HIS keys is a duplicate in the HIS', () => {
    const [m] = find(s.twice!.setl_id);
    expect(m).toMatchObject({ kind: 'duplicate', his_key: 'K-TW1, K-TW2' });
    expect(m!.repair).toBe(`HIS: keep setl_id ${s.twice!.setl_id} under one key (K-TW1), void it under K-TW2`);
  });

  it('nothing else is reported; counts, 3201 totals and the unresolved entry', () => {
    expect(find(s.ok!.setl_id)).toEqual([]);
    expect(find(s.aborted!.setl_id)).toEqual([]);
    // the center lists the aborted settlement's cancellation record as unmatched: explained as a pair
    expect(rep.details.find((d) => d.clr_type === '11')!.explained).toBe(1);
    expect(rep.counts).toEqual({ missing_at_center: 2, missing_in_his: 2, amount_differs: 1, duplicate: 2, total: 7 });
    expect(rep.unresolved.map((u) => [u.his_key, u.state])).toEqual([['K-UNK', 'unknown']]);
    const t = rep.totals.find((x) => x.insutype === '310' && x.clr_type === '11')!;
    expect(t.stmt_rslt).toBe('1'); // the journal's totals differ from the center's (orphans, reversal)
    expect(t.stmt_rslt_dscr).toMatch(/对账不平/);
    expect(rep.details.find((d) => d.clr_type === '11')!.unbalanced).toBeGreaterThan(0);
  });

  it('writes a self-contained HTML report (Chinese + English, inline SVG) and a CSV', () => {
    const html = readFileSync(rep.files!.html, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    for (const label of ['医保对账报告 / Reconciliation report', '重复结算', 'duplicate', '金额不符', 'amount differs', 'missing at the center', 'missing in the HIS', '每日医疗费总额 / Daily totals', '总账对账 3201', '明细对账 3202']) {
      expect(html).toContain(label);
    }
    expect(html).toMatch(/<svg [^>]*viewBox=/);
    expect(html).toContain('<rect');
    expect(html).not.toMatch(/<script|<link|\bsrc=|\bhref=|@import|url\(/i);
    expect(html).toContain(s.lost!.setl_id);
    const csv = readFileSync(rep.files!.csv, 'utf8');
    expect(csv.startsWith('\uFEFFdate,kind,kind_zh,setl_id')).toBe(true);
    const lines = csv.trim().split(/\r\n/);
    expect(lines).toHaveLength(1 + 7);
    expect(lines.some((l) => l.includes('amount_differs') && l.includes('K-AMT'))).toBe(true);
  });
});

describe('HIS ledger files', () => {
  it('reads JSON, CSV (quoted cells) and SQLite, amounts in yuan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-his-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ rows: [{ his_key: 'A', setl_id: 'S1', medfee_sumamt: '370.70' }, { his_key: 'B', setl_id: 'S2', amount: 12.5, status: 'cancelled', date: '2026-11-22' }] }));
    expect(readHisLedger(join(dir, 'a.json'))).toEqual([
      { his_key: 'A', setl_id: 'S1', medfee_sumamt: 37070, fund_pay_sumamt: undefined, acct_pay: undefined, psn_cash_pay: undefined, status: 'valid', date: undefined },
      { his_key: 'B', setl_id: 'S2', medfee_sumamt: 1250, fund_pay_sumamt: undefined, acct_pay: undefined, psn_cash_pay: undefined, status: 'cancelled', date: '2026-11-22' },
    ]);
    writeFileSync(join(dir, 'b.csv'), '\uFEFFhis_key,setl_id,medfee_sumamt,acct_pay\r\n"K,1",S1,"1,0"\r\n');
    expect(() => readHisLedger(join(dir, 'b.csv'))).toThrow(/medfee_sumamt "1,0" is not a yuan amount/);
    writeFileSync(join(dir, 'c.csv'), 'his_key,setl_id,medfee_sumamt,acct_pay\n"K,1",S1,10.00,2\n');
    expect(readHisLedger(join(dir, 'c.csv'))[0]).toMatchObject({ his_key: 'K,1', setl_id: 'S1', medfee_sumamt: 1000, acct_pay: 200 });
    const db = new Database(join(dir, 'd.db'));
    db.exec(`CREATE TABLE his_ledger (his_key TEXT, setl_id TEXT, medfee_sumamt TEXT); INSERT INTO his_ledger VALUES ('Z', 'S9', '0.05')`);
    db.close();
    expect(readHisLedger(join(dir, 'd.db'))[0]).toMatchObject({ his_key: 'Z', setl_id: 'S9', medfee_sumamt: 5, status: 'valid' });
    writeFileSync(join(dir, 'e.csv'), 'a,b\n1,2\n');
    expect(() => readHisLedger(join(dir, 'e.csv'))).toThrow(/header line/);
  });
});
