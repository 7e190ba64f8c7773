// Daily reconciliation (对账): the center's records (3201 totals per insutype/clr_type, 3202 details via a
// 9101 upload and a 9102 result file) against yibao's journal and the HIS ledger. Every mismatch is
// classified (missing at the center, missing in the HIS, amount differs, duplicate) with a proposed
// repair; the result is written as an HTML report (Chinese + English, inline SVG chart, no external
// resources) and a CSV.
//
// HIS ledger formats (`readHisLedger`), one row per settlement the HIS holds:
//   JSON   [{"his_key": "MZ20261122001", "setl_id": "51013…", "medfee_sumamt": "370.70", …}, …] (or {"rows": […]})
//   CSV    header line his_key,setl_id,medfee_sumamt[,fund_pay_sumamt,acct_pay,psn_cash_pay,status,date], UTF-8
//   SQLite a table `his_ledger` with those columns (file ending .db / .sqlite / .sqlite3)
// Amounts are yuan (text "370.70" or a JSON number 370.7; `amount` is accepted for medfee_sumamt);
// status "valid" (default) or "cancelled"; date yyyy-MM-dd (rows of other dates are ignored; without a
// date the whole file is taken as the day's ledger).
import Database from 'better-sqlite3';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, unzipSync, strToU8, strFromU8 } from 'fflate';
import type { Client } from './client.js';
import type { Journal, JournalEntry } from './journal-contract.js';
import { YibaoError } from './errors.js';
import { fenToYuan, yuanToFen } from './money.js';
import { renderReconcileHtml, renderReconcileCsv } from './reconcile-report.js';

export interface HisLedgerRow {
  his_key: string;
  setl_id: string;
  /** fen */
  medfee_sumamt: number;
  fund_pay_sumamt?: number;
  acct_pay?: number;
  psn_cash_pay?: number;
  status: 'valid' | 'cancelled';
  date?: string;
}

export type MismatchKind = 'missing_at_center' | 'missing_in_his' | 'amount_differs' | 'duplicate';

export { MISMATCH_LABELS } from './reconcile-report.js';

export interface Mismatch {
  kind: MismatchKind;
  setl_id: string;
  his_key: string | null;
  /** msgid of the settling request (the center's, else the journal's) */
  msgid: string | null;
  infno: string | null;
  psn_no: string | null;
  mdtrt_id: string | null;
  /** medfee_sumamt in fen on each side (null = not there) */
  center: number | null;
  his: number | null;
  journal: number | null;
  detail: string;
  /** the proposed repair, an action a person (or a later tool) can take */
  repair: string;
}

export interface CenterRecord {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  msgid: string;
  clr_type: string;
  refd_setl_flag: string;
  memo: string;
  stmt_rslt: string;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  /** for a settlement: the cancellation record that undid it; for a cancellation: the settlement */
  linked?: string;
}

export interface TotalsResult {
  insutype: string;
  clr_type: string;
  count: number;
  medfee_sumamt: number;
  fund_pay_sumamt: number;
  acct_pay: number;
  stmt_rslt: string;
  stmt_rslt_dscr: string;
  error?: string;
}

export interface DetailsResult {
  clr_type: string;
  uploaded: number;
  file_qury_no: string;
  center_rows: number;
  unbalanced: number;
  /** of the unbalanced rows, those that are a settlement and its cancellation (net zero: not a mismatch) */
  explained: number;
  warn: string;
  error?: string;
}

export interface DayTotal {
  date: string;
  journal: number;
  center?: number;
  his?: number;
}

export interface ReconcileReport {
  date: string;
  region: string;
  generated_at: string;
  setl_optins: string;
  totals: TotalsResult[];
  details: DetailsResult[];
  mismatches: Mismatch[];
  counts: Record<MismatchKind, number> & { total: number };
  /** journal entries of the day that are not finished (run `yibao recover`) */
  unresolved: { id: number; his_key: string; msgid: string; infno: string; state: string }[];
  sums: { center: number; his: number | null; journal: number; center_count: number; his_count: number | null; journal_count: number };
  days: DayTotal[];
  files?: { html: string; csv: string };
}

export interface ReconcileOptions {
  client: Client;
  journal: Journal;
  /** yyyy-MM-dd (China time of the center's settlements) */
  date: string;
  his?: HisLedgerRow[] | null;
  /** 清算机构 (3201/3202 setl_optins); default: the journal's replies (clr_optins), else "" */
  setl_optins?: string;
  /** clr_types to run 3202 for besides those in the journal (default 11 and 21) */
  clrTypes?: string[];
  /** days shown in the chart (default 14, ending at date) */
  days?: number;
  /** where to write reconcile-<date>.html / .csv (nothing written when absent) */
  outDir?: string;
}

const SETTLE_OPS = new Set(['settle', 'inpatientSettle', 'pharmacySettle']);
const REFUND_OPS = new Set(['cancelSettle', 'cancelInpatientSettle']);
const LIVE = new Set(['confirmed', 'succeeded']);

/**
 * A confirmed settlement refunded later (a confirmed refund entry of the same HIS key and setl_id, reliable.ts
 * refund(), possibly days after) is seen as cancelled — as the center sees it. The refund entry may be of any
 * day: the keys of the day's confirmed settlements are looked up (journal index on his_key).
 */
async function withRefunds(journal: Journal, entries: JournalEntry[]): Promise<JournalEntry[]> {
  const keys = [...new Set(entries.filter((e) => SETTLE_OPS.has(e.op) && e.state === 'confirmed' && e.setl_id).map((e) => e.his_key))];
  const refunds = new Map<string, JournalEntry>(); // his_key + setl_id → the refund entry
  for (const k of keys) for (const r of await journal.list({ his_key: k })) if (REFUND_OPS.has(r.op) && r.state === 'confirmed' && r.setl_id) refunds.set(`${k}\u0000${r.setl_id}`, r);
  if (!refunds.size) return entries;
  return entries.map((e) => {
    const r = SETTLE_OPS.has(e.op) && e.state === 'confirmed' ? refunds.get(`${e.his_key}\u0000${e.setl_id}`) : undefined;
    return r ? { ...e, state: 'cancelled', undo_msgid: r.msgid } : e;
  });
}
const DEFAULT_CLR: Record<string, string> = { settle: '11', inpatientSettle: '21', pharmacySettle: '41' };

// ---- HIS ledger ---------------------------------------------------------------------------------

function ledgerRow(o: Record<string, unknown>, where: string): HisLedgerRow {
  const s = (k: string) => (o[k] === undefined || o[k] === null ? '' : String(o[k]).trim());
  const his_key = s('his_key');
  const setl_id = s('setl_id');
  if (!his_key || !setl_id) throw YibaoError.host('BAD_INPUT', `HIS ledger ${where}: his_key and setl_id are required`);
  const amt = (k: string) => {
    const v = s(k);
    if (!v) return undefined;
    try {
      return yuanToFen(v, k);
    } catch {
      throw YibaoError.host('BAD_INPUT', `HIS ledger ${where}: ${k} "${v}" is not a yuan amount`);
    }
  };
  const medfee = amt('medfee_sumamt') ?? amt('amount');
  if (medfee === undefined) throw YibaoError.host('BAD_INPUT', `HIS ledger ${where}: medfee_sumamt (or amount) is required`);
  const status = (s('status') || 'valid').toLowerCase();
  if (status !== 'valid' && status !== 'cancelled') throw YibaoError.host('BAD_INPUT', `HIS ledger ${where}: status "${status}" (valid or cancelled)`);
  const date = s('date');
  if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw YibaoError.host('BAD_INPUT', `HIS ledger ${where}: date "${date}" (yyyy-MM-dd)`);
  return {
    his_key, setl_id, medfee_sumamt: medfee, fund_pay_sumamt: amt('fund_pay_sumamt'), acct_pay: amt('acct_pay'), psn_cash_pay: amt('psn_cash_pay'),
    status: status as HisLedgerRow['status'], date: date || undefined,
  };
}

function csvRecords(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (row.some((c) => c !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  row.push(cell);
  if (row.some((c) => c !== '')) rows.push(row);
  return rows;
}

/** Reads a HIS ledger file (JSON, CSV or SQLite, see the top of this file). */
export function readHisLedger(file: string): HisLedgerRow[] {
  if (/\.(db|sqlite|sqlite3)$/i.test(file)) {
    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw YibaoError.host('IO_ERROR', `${file}: ${(e as Error).message}`, e);
    }
    try {
      const rows = db.prepare('SELECT * FROM his_ledger').all() as Record<string, unknown>[];
      return rows.map((r, k) => ledgerRow(r, `${file} row ${k + 1}`));
    } catch (e) {
      if (e instanceof YibaoError) throw e;
      throw YibaoError.host('BAD_INPUT', `${file}: needs a table his_ledger(his_key, setl_id, medfee_sumamt, …): ${(e as Error).message}`, e);
    } finally {
      db.close();
    }
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw YibaoError.host('IO_ERROR', `${file}: ${(e as Error).message}`, e);
  }
  if (/^\s*[[{]/.test(text)) {
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch (e) {
      throw YibaoError.host('BAD_INPUT', `${file}: ${(e as Error).message}`, e);
    }
    const arr = Array.isArray(j) ? j : (j as { rows?: unknown }).rows;
    if (!Array.isArray(arr)) throw YibaoError.host('BAD_INPUT', `${file}: expected an array of rows or {"rows": [...]}`);
    return arr.map((r, k) => ledgerRow((r ?? {}) as Record<string, unknown>, `${file} row ${k + 1}`));
  }
  const recs = csvRecords(text);
  const head = (recs.shift() ?? []).map((h) => h.trim().toLowerCase());
  if (!head.includes('his_key') || !head.includes('setl_id')) throw YibaoError.host('BAD_INPUT', `${file}: CSV needs a header line with his_key,setl_id,medfee_sumamt`);
  return recs.map((r, k) => ledgerRow(Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])), `${file} line ${k + 2}`));
}

// ---- helpers ------------------------------------------------------------------------------------

function parseObj(text: string | null | undefined): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** setlinfo of a journaled reply, whatever shape the reply was stored in (envelope, output, setlinfo). */
function replySetlinfo(e: JournalEntry): Record<string, unknown> {
  const r = parseObj(e.reply_json);
  if (!r) return {};
  const out = (r.output && typeof r.output === 'object' ? r.output : r) as Record<string, unknown>;
  const s = (out.setlinfo && typeof out.setlinfo === 'object' ? out.setlinfo : out) as Record<string, unknown>;
  return s;
}

function inputData(e: JournalEntry): Record<string, unknown> {
  const i = parseObj(e.input_json);
  const d = i?.data ?? i;
  return (d && typeof d === 'object' ? d : {}) as Record<string, unknown>;
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

interface JInfo {
  e: JournalEntry;
  insutype: string;
  clr_type: string;
  clr_optins: string;
  /** China date of the settlement (setl_time), else the journal's local date */
  day: string;
  amounts: { medfee_sumamt: number; fund_pay_sumamt: number; acct_pay: number; psn_cash_pay: number } | null;
}

function localDate(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}

function jinfo(e: JournalEntry): JInfo {
  const s = replySetlinfo(e);
  const d = inputData(e);
  const setlTime = str(s.setl_time);
  const fen = (k: string) => {
    try {
      return yuanToFen(s[k], k);
    } catch {
      return 0;
    }
  };
  let amounts = e.amounts ?? null;
  if (!amounts && s.medfee_sumamt !== undefined) amounts = { medfee_sumamt: fen('medfee_sumamt'), fund_pay_sumamt: fen('fund_pay_sumamt'), acct_pay: fen('acct_pay'), psn_cash_pay: fen('psn_cash_pay') };
  return {
    e,
    insutype: str(s.insutype) || str(d.insutype),
    clr_type: str(s.clr_type) || str(d.med_type) || DEFAULT_CLR[e.op] || '',
    clr_optins: str(s.clr_optins),
    day: /^\d{4}-\d{2}-\d{2}/.test(setlTime) ? setlTime.slice(0, 10) : localDate(e.created_at),
    amounts,
  };
}

function tsv(cells: string[]): string {
  return cells.map((c) => (c === '' ? 'null' : c)).join('\t');
}

// ---- the reconciliation -------------------------------------------------------------------------

/** Runs 3201 + 3202 for a day and classifies every difference between the center, the journal and the HIS. */
export async function reconcile(o: ReconcileOptions): Promise<ReconcileReport> {
  const { client, journal, date } = o;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw YibaoError.host('BAD_INPUT', `date ${date}: expected yyyy-MM-dd`);
  const region = client.plugin.manifest.id;

  // the journal's settlements of the day (the center's date; the journal is read a day either side)
  const entries: JournalEntry[] = [];
  for (const d of [shiftDate(date, -1), date, shiftDate(date, 1)]) entries.push(...(await journal.list({ date: d, region })));
  const all = (await withRefunds(journal, entries.filter((e) => SETTLE_OPS.has(e.op)))).map(jinfo).filter((j) => j.day === date);
  const live = all.filter((j) => LIVE.has(j.e.state) && j.e.setl_id);
  const unresolved = all.filter((j) => ['intent', 'sent', 'unknown', 'succeeded'].includes(j.e.state)).map((j) => ({ id: j.e.id, his_key: j.e.his_key, msgid: j.e.msgid, infno: j.e.infno, state: j.e.state }));
  const setl_optins = o.setl_optins ?? live.find((j) => j.clr_optins)?.clr_optins ?? '';

  // 3201 per (insutype, clr_type) of the confirmed settlements
  const groups = new Map<string, JInfo[]>();
  for (const j of live.filter((x) => x.e.state === 'confirmed')) {
    const k = `${j.insutype}|${j.clr_type}`;
    groups.set(k, [...(groups.get(k) ?? []), j]);
  }
  const totals: TotalsResult[] = [];
  for (const [k, js] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [insutype, clr_type] = k.split('|') as [string, string];
    const sum = (f: (a: NonNullable<JInfo['amounts']>) => number) => js.reduce((a, j) => a + (j.amounts ? f(j.amounts) : 0), 0);
    const t: TotalsResult = {
      insutype, clr_type, count: js.length, medfee_sumamt: sum((a) => a.medfee_sumamt), fund_pay_sumamt: sum((a) => a.fund_pay_sumamt), acct_pay: sum((a) => a.acct_pay),
      stmt_rslt: '', stmt_rslt_dscr: '',
    };
    try {
      const r = await client.reconcileTotals({ insutype, clr_type, setl_optins, stmt_begndate: date, stmt_enddate: date, medfee_sumamt: t.medfee_sumamt, fund_pay_sumamt: t.fund_pay_sumamt, acct_pay: t.acct_pay, fixmedins_setl_cnt: t.count });
      t.stmt_rslt = r.stmt_rslt;
      t.stmt_rslt_dscr = r.stmt_rslt_dscr;
    } catch (e) {
      t.error = e instanceof YibaoError ? `${e.code}: ${e.detail ?? e.messageEn}` : String(e);
    }
    totals.push(t);
  }

  // 3202 per clr_type: upload the journal's view (9101), fetch the center's comparison (9102)
  const his = (o.his ?? null)?.filter((h) => !h.date || h.date === date) ?? null;
  const clrTypes = [...new Set([...live.map((j) => j.clr_type), ...(o.clrTypes ?? ['11', '21'])])].filter(Boolean).sort();
  const details: DetailsResult[] = [];
  const center = new Map<string, CenterRecord>();
  const flagged = new Map<string, string[]>(); // clr_type → setl_ids the center marked 不平
  // the journal's view: what is in force, plus the originals of what was cancelled (the center still lists them)
  const cancelled = all.filter((j) => j.e.state === 'cancelled' && j.e.setl_id);
  for (const clr_type of clrTypes) {
    const mine = [...live, ...cancelled].filter((j) => j.clr_type === clr_type);
    const lines = mine.map((j) => tsv([j.e.setl_id!, j.e.mdtrt_id ?? '', j.e.psn_no ?? '', fenToYuan(j.amounts?.medfee_sumamt ?? 0), fenToYuan(j.amounts?.fund_pay_sumamt ?? 0), fenToYuan(j.amounts?.acct_pay ?? 0), '0']));
    const name = `3202_${date.replace(/-/g, '')}_${clr_type}`;
    const res: DetailsResult = { clr_type, uploaded: lines.length, file_qury_no: '', center_rows: 0, unbalanced: 0, explained: 0, warn: '' };
    flagged.set(clr_type, []);
    try {
      const bytes = zipSync({ [`${name}.txt`]: strToU8(lines.map((l) => l + '\n').join('')) }, { level: 6 });
      const sum = (f: (a: NonNullable<JInfo['amounts']>) => number) => mine.reduce((a, j) => a + (j.amounts ? f(j.amounts) : 0), 0);
      const r = await client.reconcileDetails({
        file: { name: `${name}.zip`, bytes }, setl_optins, stmt_begndate: date, stmt_enddate: date, clr_type,
        medfee_sumamt: sum((a) => a.medfee_sumamt), fund_pay_sumamt: sum((a) => a.fund_pay_sumamt), cash_payamt: sum((a) => a.psn_cash_pay), fixmedins_setl_cnt: mine.length,
      });
      res.warn = r.warn_msg;
      const fi = (r.output.fileinfo ?? r.output) as Record<string, unknown>;
      res.file_qury_no = str(fi.file_qury_no);
      const zip = await client.download(res.file_qury_no, str(fi.filename) || `${name}.zip`);
      const text = resultText(zip);
      for (const ln of text.split(/\r?\n/)) {
        if (!ln.trim()) continue;
        const c = ln.split('\t').map((x) => (x === 'null' ? '' : x));
        const [psn_no, mdtrt_id, setl_id, msgid, stmt_rslt, refd, memo, m, f, a] = c as string[];
        if (stmt_rslt === '1') {
          res.unbalanced++;
          flagged.get(clr_type)!.push(setl_id!);
        }
        if (memo === '医药机构有、中心无') continue; // our own line echoed back: the center has no such record
        res.center_rows++;
        center.set(setl_id!, {
          setl_id: setl_id!, mdtrt_id: mdtrt_id ?? '', psn_no: psn_no ?? '', msgid: msgid ?? '', clr_type, refd_setl_flag: refd || '0', memo: memo ?? '', stmt_rslt: stmt_rslt ?? '',
          medfee_sumamt: yuanToFen(m, 'medfee_sumamt'), fund_pay_sumamt: yuanToFen(f, 'fund_pay_sumamt'), acct_pay: yuanToFen(a, 'acct_pay'),
        });
      }
    } catch (e) {
      res.error = e instanceof YibaoError ? `${e.code}: ${e.detail ?? e.messageEn}` : String(e);
    }
    details.push(res);
  }
  const detailsFailed = details.some((d) => d.error);

  // cancellations (refd_setl_flag 1) undo the settlement of the same visit and person with the negated amounts
  const settles = [...center.values()].filter((c) => c.refd_setl_flag !== '1');
  for (const cx of [...center.values()].filter((c) => c.refd_setl_flag === '1')) {
    const orig = settles.find((s) => !s.linked && s.mdtrt_id === cx.mdtrt_id && s.psn_no === cx.psn_no && s.medfee_sumamt === -cx.medfee_sumamt && s.fund_pay_sumamt === -cx.fund_pay_sumamt);
    if (orig) {
      orig.linked = cx.setl_id;
      cx.linked = orig.setl_id;
    }
  }
  const inForce = new Map(settles.filter((s) => !s.linked).map((s) => [s.setl_id, s]));
  for (const d of details) d.explained = (flagged.get(d.clr_type) ?? []).filter((id) => center.get(id)?.linked).length;

  // who (which HIS key) each settlement belongs to
  const jBySetl = new Map<string, JInfo>();
  const jByMsgid = new Map<string, JInfo>();
  for (const j of all) {
    if (j.e.setl_id) jBySetl.set(j.e.setl_id, j);
    jByMsgid.set(j.e.msgid, j);
  }
  const hBySetl = new Map<string, HisLedgerRow[]>();
  for (const h of his ?? []) hBySetl.set(h.setl_id, [...(hBySetl.get(h.setl_id) ?? []), h]);
  const hValid = (setl: string) => (hBySetl.get(setl) ?? []).filter((h) => h.status === 'valid');
  const jOf = (c: CenterRecord) => jBySetl.get(c.setl_id) ?? (c.msgid ? jByMsgid.get(c.msgid) : undefined);
  const keysOf = (c: CenterRecord) => new Set([...(jOf(c) && LIVE.has(jOf(c)!.e.state) ? [jOf(c)!.e.his_key] : []), ...hValid(c.setl_id).map((h) => h.his_key)]);

  const mismatches: Mismatch[] = [];
  const handled = new Set<string>();
  const reverseRepair = (c: CenterRecord, j?: JInfo) => {
    // the settling infno: the journal's, else the region's settle transaction of that clr_type
    const op = c.clr_type === '21' ? 'inpatientSettle' : c.clr_type === '41' ? 'pharmacySettle' : 'settle';
    const infno = j?.e.infno ?? client.infno(op);
    const cancel = client.infno(op === 'settle' ? 'cancelSettle' : op === 'inpatientSettle' ? 'cancelInpatientSettle' : 'pharmacyCancel');
    return c.msgid ? `2601 冲正 reverse msgid ${c.msgid} (oinfno ${infno}, psn_no ${c.psn_no})` : `${cancel} 撤销 cancel setl_id ${c.setl_id}`;
  };
  const push = (m: Omit<Mismatch, 'infno'> & { infno?: string | null }) => mismatches.push({ infno: null, ...m });

  // 1a. the HIS recorded one settlement under several keys
  for (const [setl_id, rows] of hBySetl) {
    const v = rows.filter((h) => h.status === 'valid');
    if (v.length < 2) continue;
    const c = inForce.get(setl_id) ?? null;
    push({
      kind: 'duplicate', setl_id, his_key: v.map((h) => h.his_key).join(', '), msgid: c?.msgid ?? null, psn_no: c?.psn_no ?? null, mdtrt_id: c?.mdtrt_id ?? null,
      center: c?.medfee_sumamt ?? null, his: v.reduce((a, h) => a + h.medfee_sumamt, 0), journal: jBySetl.get(setl_id)?.amounts?.medfee_sumamt ?? null,
      detail: `HIS 将同一结算记录在 ${v.length} 个业务单号下 / the HIS recorded setl_id ${setl_id} under ${v.length} keys`,
      repair: `HIS: keep setl_id ${setl_id} under one key (${v[0]!.his_key}), void it under ${v.slice(1).map((h) => h.his_key).join(', ')}`,
    });
  }
  // 1b. one HIS key, several settlements in force at the center
  const byKey = new Map<string, CenterRecord[]>();
  for (const c of inForce.values()) for (const k of keysOf(c)) byKey.set(k, [...(byKey.get(k) ?? []), c]);
  for (const [key, cs] of byKey) {
    if (cs.length < 2) continue;
    const keep = cs.find((c) => hValid(c.setl_id).some((h) => h.his_key === key)) ?? cs[0]!;
    for (const c of cs.filter((x) => x !== keep)) {
      handled.add(c.setl_id);
      const j = jOf(c);
      push({
        kind: 'duplicate', setl_id: c.setl_id, his_key: key, msgid: c.msgid || null, infno: j?.e.infno ?? null, psn_no: c.psn_no, mdtrt_id: c.mdtrt_id,
        center: c.medfee_sumamt, his: hValid(c.setl_id)[0]?.medfee_sumamt ?? null, journal: j?.amounts?.medfee_sumamt ?? null,
        detail: `业务单号 ${key} 在中心有 ${cs.length} 笔有效结算（保留 ${keep.setl_id}）/ HIS key ${key} has ${cs.length} settlements in force at the center (keeping ${keep.setl_id})`,
        repair: reverseRepair(c, j),
      });
    }
  }
  // 1c. a settlement nobody knows, same person and amount as a known one: a blind retry
  const known = [...inForce.values()].filter((c) => keysOf(c).size > 0);
  for (const c of inForce.values()) {
    if (handled.has(c.setl_id) || keysOf(c).size > 0 || jOf(c)) continue;
    const twin = known.find((k) => k.psn_no === c.psn_no && k.medfee_sumamt === c.medfee_sumamt && k.setl_id !== c.setl_id);
    if (!twin) continue;
    handled.add(c.setl_id);
    const key = [...keysOf(twin)][0]!;
    push({
      kind: 'duplicate', setl_id: c.setl_id, his_key: key, msgid: c.msgid || null, psn_no: c.psn_no, mdtrt_id: c.mdtrt_id, center: c.medfee_sumamt, his: null, journal: null,
      detail: `与 ${twin.setl_id}（业务单号 ${key}）同一参保人、同一金额，HIS 与日志均无记录：疑似重复结算 / same person and amount as ${twin.setl_id} (HIS key ${key}), unknown to the HIS and the journal: a likely duplicate`,
      repair: `${reverseRepair(c)} — after checking that the patient paid once`,
    });
  }

  // 2. settlements in force at the center
  for (const c of inForce.values()) {
    if (handled.has(c.setl_id)) continue;
    const j = jOf(c);
    const hv = hValid(c.setl_id);
    const hc = (hBySetl.get(c.setl_id) ?? []).filter((h) => h.status === 'cancelled');
    const base = { setl_id: c.setl_id, msgid: c.msgid || j?.e.msgid || null, infno: j?.e.infno ?? null, psn_no: c.psn_no, mdtrt_id: c.mdtrt_id, center: c.medfee_sumamt, journal: j?.amounts?.medfee_sumamt ?? null };
    if (his && hv.length === 0) {
      const key = j?.e.his_key ?? hc[0]?.his_key ?? null;
      let detail: string;
      let repair: string;
      if (hc.length) {
        detail = `HIS 已作废该结算，中心仍有效 / the HIS cancelled it, the center holds it in force`;
        repair = `${reverseRepair(c, j)}, or restore setl_id ${c.setl_id} in the HIS`;
      } else if (j && j.e.state === 'confirmed') {
        detail = `日志已确认（HIS 已提交），HIS 台账缺少该结算：回写丢失 / confirmed in the journal (the HIS committed) but missing from the HIS ledger: a lost write-back`;
        repair = `HIS must record setl_id ${c.setl_id} for HIS key ${j.e.his_key} (${fenToYuan(c.medfee_sumamt)} yuan)`;
      } else if (j && j.e.state === 'succeeded') {
        detail = `日志显示 HIS 尚未提交（两阶段未完成）/ the HIS has not committed yet (two-phase unfinished, journal #${j.e.id})`;
        repair = `commit or abort HIS key ${j.e.his_key} (yibao recover resolves it)`;
      } else if (j) {
        detail = `日志状态为 ${j.e.state}，中心仍有效 / journal says ${j.e.state}, the center holds it in force`;
        repair = reverseRepair(c, j);
      } else {
        detail = `HIS 与日志均无此结算（在 yibao 之外结算？）/ unknown to the HIS and the journal (settled outside yibao?)`;
        repair = `${reverseRepair(c)} if the patient did not pay it, else HIS must record setl_id ${c.setl_id}`;
      }
      push({ ...base, kind: 'missing_in_his', his_key: key, his: null, detail, repair });
      continue;
    }
    if (!his && !(j && LIVE.has(j.e.state))) {
      push({
        ...base, kind: 'missing_in_his', his_key: j?.e.his_key ?? null, his: null,
        detail: j ? `日志状态为 ${j.e.state}，中心仍有效 / journal says ${j.e.state}, the center holds it in force` : `日志无此结算（无 HIS 台账可查）/ not in the journal (no HIS ledger given)`,
        repair: j ? reverseRepair(c, j) : `${reverseRepair(c)} if the patient did not pay it, else record setl_id ${c.setl_id} in the HIS`,
      });
      continue;
    }
    // present on both sides: amounts
    const h = hv[0];
    const diffs: string[] = [];
    if (h && h.medfee_sumamt !== c.medfee_sumamt) diffs.push(`医疗费总额 medfee_sumamt 中心/center ${fenToYuan(c.medfee_sumamt)} HIS ${fenToYuan(h.medfee_sumamt)}`);
    if (h?.fund_pay_sumamt !== undefined && h.fund_pay_sumamt !== c.fund_pay_sumamt) diffs.push(`基金支付 fund_pay_sumamt 中心/center ${fenToYuan(c.fund_pay_sumamt)} HIS ${fenToYuan(h.fund_pay_sumamt)}`);
    if (h?.acct_pay !== undefined && h.acct_pay !== c.acct_pay) diffs.push(`个人账户 acct_pay 中心/center ${fenToYuan(c.acct_pay)} HIS ${fenToYuan(h.acct_pay)}`);
    if (j?.amounts && j.amounts.medfee_sumamt !== c.medfee_sumamt) diffs.push(`日志/journal ${fenToYuan(j.amounts.medfee_sumamt)}`);
    if (diffs.length) {
      push({
        ...base, kind: 'amount_differs', his_key: h?.his_key ?? j?.e.his_key ?? null, his: h?.medfee_sumamt ?? null, detail: diffs.join('; '),
        repair: h && h.medfee_sumamt !== c.medfee_sumamt
          ? `HIS must correct HIS key ${h.his_key} to the center's amounts (medfee ${fenToYuan(c.medfee_sumamt)}, fund ${fenToYuan(c.fund_pay_sumamt)}, acct ${fenToYuan(c.acct_pay)}; verify with 5203 setl_id ${c.setl_id})`
          : `verify with 5203 setl_id ${c.setl_id} and correct the side that differs`,
      });
    }
  }

  // 3. what the journal or the HIS holds in force and the center does not
  if (!detailsFailed) {
    const reported = new Set(mismatches.map((m) => m.setl_id));
    const missing = new Map<string, { j?: JInfo; h?: HisLedgerRow }>();
    for (const j of live) if (!inForce.has(j.e.setl_id!) && !reported.has(j.e.setl_id!)) missing.set(j.e.setl_id!, { j });
    for (const h of his ?? []) if (h.status === 'valid' && !inForce.has(h.setl_id) && !reported.has(h.setl_id)) missing.set(h.setl_id, { ...missing.get(h.setl_id), h });
    for (const [setl_id, { j, h }] of missing) {
      const c = center.get(setl_id);
      const psn_no = j?.e.psn_no ?? c?.psn_no ?? null;
      let status = c?.linked ? `中心已撤销（撤销结算 ${c.linked}）/ cancelled at the center by ${c.linked}` : '';
      if (!status && psn_no) {
        try {
          const q = await client.querySettlement({ psn_no, setl_id });
          const s = (q.output.setlinfo ?? {}) as Record<string, unknown>;
          status = `5203: setl_stas ${str(s.setl_stas) || '?'} vali_flag ${str(s.vali_flag) || '?'}`;
        } catch (e) {
          status = `5203: ${e instanceof YibaoError ? (e.detail ?? e.messageEn) : String(e)}`;
        }
      }
      const key = h?.his_key ?? j?.e.his_key ?? null;
      push({
        kind: 'missing_at_center', setl_id, his_key: key, msgid: j?.e.msgid ?? null, infno: j?.e.infno ?? null, psn_no, mdtrt_id: j?.e.mdtrt_id ?? c?.mdtrt_id ?? null,
        center: null, his: h?.medfee_sumamt ?? null, journal: j?.amounts?.medfee_sumamt ?? null,
        detail: `${h ? 'HIS' : '日志/journal'} 有效，中心无有效结算 / in force in the ${h ? 'HIS' : 'journal'}, not at the center${status ? ` — ${status}` : ''}`,
        repair: `query 5203 setl_id ${setl_id}; the center holds no such settlement in force: void HIS key ${key ?? '?'} in the HIS or settle it again`,
      });
    }
  }

  const counts = { missing_at_center: 0, missing_in_his: 0, amount_differs: 0, duplicate: 0, total: mismatches.length } as ReconcileReport['counts'];
  for (const m of mismatches) counts[m.kind]++;
  const hisValid = his?.filter((h) => h.status === 'valid') ?? null;
  const sums = {
    center: [...inForce.values()].reduce((a, c) => a + c.medfee_sumamt, 0),
    center_count: inForce.size,
    his: hisValid ? hisValid.reduce((a, h) => a + h.medfee_sumamt, 0) : null,
    his_count: hisValid ? hisValid.length : null,
    journal: live.reduce((a, j) => a + (j.amounts?.medfee_sumamt ?? 0), 0),
    journal_count: live.length,
  };

  // daily totals of the journal for the chart (the day itself also with the center and the HIS)
  const nDays = Math.max(1, Math.min(92, o.days ?? 14));
  const days: DayTotal[] = [];
  for (let k = nDays - 1; k >= 0; k--) {
    const d = shiftDate(date, -k);
    if (d === date) {
      days.push({ date: d, journal: sums.journal, center: sums.center, his: sums.his ?? undefined });
      continue;
    }
    const es = (await withRefunds(journal, (await journal.list({ date: d, region })).filter((e) => SETTLE_OPS.has(e.op)))).filter((e) => LIVE.has(e.state));
    days.push({ date: d, journal: es.reduce((a, e) => a + (e.amounts?.medfee_sumamt ?? jinfo(e).amounts?.medfee_sumamt ?? 0), 0) });
  }

  const report: ReconcileReport = {
    date, region, generated_at: new Date().toISOString(), setl_optins, totals, details, mismatches, counts, unresolved, sums, days,
  };
  if (o.outDir) {
    try {
      mkdirSync(o.outDir, { recursive: true });
      const html = join(o.outDir, `reconcile-${date}.html`);
      const csv = join(o.outDir, `reconcile-${date}.csv`);
      report.files = { html, csv };
      writeFileSync(html, renderReconcileHtml(report));
      writeFileSync(csv, renderReconcileCsv(report));
    } catch (e) {
      throw YibaoError.host('IO_ERROR', `${o.outDir}: ${(e as Error).message}`, e);
    }
  }
  return report;
}

/** The text of a 3202 result (a zip with one txt, or the txt itself). */
function resultText(bytes: Uint8Array): string {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const files = unzipSync(bytes);
    const txt = Object.entries(files).find(([n]) => /\.txt$/i.test(n)) ?? Object.entries(files)[0];
    if (!txt) throw YibaoError.host('BAD_REPLY', '3202 result zip is empty');
    return strFromU8(txt[1]);
  }
  return strFromU8(bytes);
}
