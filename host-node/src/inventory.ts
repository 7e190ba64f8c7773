// Inventory (进销存) uploads: one canonical row model for every region, batched to the center's per-call
// row limit, with a result per row and durable retry that survives a center outage and a crash.
//
//   const q = openInventoryQueue({ dir: '.yibao', center: nationalInventory(client) });   // or chengduJxcInventory(…)
//   q.enqueue('stock-in', rows);         // every row is in SQLite before anything is sent
//   const s = await q.drain();           // {ok, rejected, retry, pending, batches: [{outcome: success|failure|partial|unreachable …}]}
//   q.results('stock-in');               // per row: pending | sent | ok | rejected | retry, with the center's reason
//   q.fixAndRequeue(rowId, fixedRow);    // a rejected row, corrected; q.requeue([rowId]) once 对码 is done
//
// Row states: pending → sent → ok | rejected | retry.
// - rejected: the center refused the row (business error: unknown code, bad quantity, duplicate …) or the
//   row failed the local check; a person must fix it. Never retried automatically.
// - retry: the center could not be reached or its answer was lost (transport error, timeout, HTTP error,
//   unreadable reply). Retried on the next drain() once its persisted backoff has passed; the rows behind it
//   wait, so the center sees every row in queue order.
// - sent: on the wire; a row still "sent" after a crash is resent by the next drain().
//
// Exactly once at the center:
// - national 3501–3507 (one record per call): each row becomes an offline-queue item (offline-queue.ts), its
//   msgid fixed at enqueue and its exact request stored before the first send: a resend gets the center's
//   stored reply, never a second record.
// - batched regions (Chengdu 进销存): the row's 流水号 (sn) is the center's key. A row the center answers with
//   its duplicate-upload error (【数据重复上传】) counts as ok ("already applied") when that row had been sent
//   before — its earlier batch was committed but the answer was lost; on a row's first send the same error is
//   a genuine duplicate and the row is rejected.
// Money never passes through a float: prices (N16,6) and quantities (N16,4) are decimal text end to end.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from './client.js';
import { YibaoError } from './errors.js';
import { openOfflineQueue, backoffDelay, type BackoffOptions, type OfflineQueueHandle, type QueueItem } from './offline-queue.js';

// ---- the canonical model ----------------------------------------------------------------------------

/**
 * What is uploaded. National 3501–3507 and the Chengdu transactions map onto these (wire-formats-ws §4.4):
 * init 初始化 (≈3501 盘存), stock-in 入库/采购 (3503), purchase-return 采购退货 (3504), stock-out 出库/销售
 * (3505), sale-return 销售退货 (3506), stock-change 库存变更 (3502: 科室领用, 盘盈/盘损), stock 实际库存
 * (≈3501), delete 删除 (3507).
 */
export type InventoryKind = 'init' | 'stock-in' | 'purchase-return' | 'stock-out' | 'sale-return' | 'stock-change' | 'stock' | 'delete';

export const INVENTORY_KINDS: Record<InventoryKind, { zh: string; national: string }> = {
  init: { zh: '药品采购信息初始化（盘存）', national: '3501' },
  'stock-in': { zh: '药品入库（采购）', national: '3503' },
  'purchase-return': { zh: '采购退货', national: '3504' },
  'stock-out': { zh: '药品出库（销售）', national: '3505' },
  'sale-return': { zh: '销售退货', national: '3506' },
  'stock-change': { zh: '库存变更', national: '3502' },
  stock: { zh: '药品实际库存（盘存）', national: '3501' },
  delete: { zh: '商品信息删除', national: '3507' },
};

/**
 * One inventory row. Decimals are TEXT (never JS numbers): pric N16,6, cnt N16,4. Field names follow the
 * national vocabulary; `time` is the business time of the row (盘存日期 / 入库时间 / 销售时间 / 变更时间).
 */
export interface InventoryRow {
  /** 流水号: the HIS's own id of this row, unique per kind — the idempotency key */
  sn: string;
  /** 医保项目编码 (national med_list_codg) */
  med_list_codg?: string;
  /** 医院项目编码 / 医院对码流水号 (fixmedins_hilist_id) */
  hilist_id?: string;
  /** 医院项目名称 (fixmedins_hilist_name) */
  hilist_name?: string;
  /** 机构批次号 fixmedins_bchno (national; default: sn) */
  bchno?: string;
  /** price, decimal text, up to 6 decimals (采购价格 / finl_trns_pric / pric) */
  pric?: string;
  /** quantity, decimal text, up to 4 decimals (采购数量 / inv_cnt / purc_retn_cnt / sel_retn_cnt / cnt) */
  cnt?: string;
  /** yyyy-MM-dd HH:mm:ss (or yyyy-MM-dd for 盘存) */
  time?: string;
  /** 是否拆零 / trdn_flag: '0' no, '1' yes */
  trdn_flag?: string;
  /** 处方药标志 '0' / '1' */
  rx_flag?: string;
  /** 经办人 (purc_retn_opter_name / sel_retn_opter_name / inv_chg_opter_name) */
  opter_name?: string;
  manu_lotnum?: string;
  manu_date?: string;
  expy_end?: string;
  spler_name?: string;
  spler_pmtno?: string;
  prodentp_name?: string;
  aprvno?: string;
  dynt_no?: string;
  purc_invo_codg?: string;
  purc_invo_no?: string;
  prod_geay_flag?: string;
  /** 库存变更类型 (3502) */
  inv_chg_type?: string;
  psn_no?: string;
  psn_name?: string;
  psn_cert_type?: string;
  certno?: string;
  setl_id?: string;
  mdtrt_sn?: string;
  rxno?: string;
  memo?: string;
  /** delete: 1 盘存, 2 库存变更, 3 采购, 4 销售 */
  inv_data_type?: string;
  /** further wire fields under their region's names (national: prsc_dr_name, phar_name …), passed verbatim */
  extra?: Record<string, string>;
}

export type InventoryRowStatus = 'pending' | 'sent' | 'ok' | 'rejected' | 'retry';

export interface InventoryRowResult {
  rowId: number;
  kind: InventoryKind;
  sn: string;
  status: InventoryRowStatus;
  /** the center's reason (rejected), the transport error (retry), or "already applied" notes */
  reason: string | null;
  /** the center answered a resend with its duplicate-upload error: the row was applied by an earlier send */
  alreadyApplied: boolean;
  /** sends of the current content */
  attempts: number;
  /** ISO instant of the next attempt (retry) */
  nextAttemptAt: string | null;
  batchId: number | null;
  row: InventoryRow;
}

export type BatchOutcome = 'success' | 'failure' | 'partial' | 'unreachable';

export interface InventoryBatchResult {
  id: number;
  kind: InventoryKind;
  /** the region's transaction code */
  txCode: string;
  rows: number;
  /** success | failure | partial as the center said; unreachable = no answer (rows go to retry) */
  outcome: BatchOutcome;
  /** the center's result code as sent ('' when unreachable) */
  code: string;
  message: string;
  ok: number;
  rejected: number;
  retry: number;
}

export interface DrainSummary {
  /** rows that became ok / rejected / retry in this drain */
  ok: number;
  rejected: number;
  retry: number;
  /** rows not finished (pending, sent, retry) after the drain */
  pending: number;
  batches: InventoryBatchResult[];
}

export interface EnqueueResult {
  sn: string;
  /** the stored row (an existing one for a repeated sn) */
  rowId: number | null;
  /** false: not stored now (same sn already queued, or invalid without a sn) */
  queued: boolean;
  status: InventoryRowStatus | null;
  reason?: string;
}

// ---- what a region plugs in ----------------------------------------------------------------------

/** One row of an outgoing batch. */
export interface OutgoingRow {
  rowId: number;
  sn: string;
  row: InventoryRow;
  /** the row was sent before (a reply may have been lost) */
  resend: boolean;
}

/** The center's answer to one batch; rows index-aligned with the batch. */
export interface BatchReply {
  outcome: 'success' | 'failure' | 'partial';
  code: string;
  message: string;
  rows: { ok: boolean; reason?: string; duplicate?: boolean }[];
  /** the reply as received (kept with the batch) */
  raw?: string;
  /** the request as sent (kept with the batch) */
  request?: string;
}

/** A region that takes many rows per call and answers per row (Chengdu 进销存). */
export interface BatchInventoryCenter {
  type: 'batch';
  region: string;
  /** rows per call */
  maxRows: number;
  /** the transaction code of each kind the center accepts */
  txCodes: Partial<Record<InventoryKind, string>>;
  /** canonical fields a row of the kind must carry (checked before it is stored) */
  required(kind: InventoryKind): string[];
  /**
   * Sends one batch. Throws YibaoError: TRANSPORT_TIMEOUT / TRANSPORT_NETWORK / TRANSPORT_HTTP / BAD_REPLY /
   * SOAP_FAULT with a Server code = outcome unknown (rows → retry); anything else = the batch cannot be sent
   * as it is (rows → rejected with the error).
   */
  send(batch: { kind: InventoryKind; txCode: string; rows: OutgoingRow[] }): Promise<BatchReply>;
}

/** The national platform (3501–3507, one record per call) through a national-family Client. */
export interface NationalInventoryCenter {
  type: 'national';
  region: string;
  client: Client;
}

export type InventoryCenter = BatchInventoryCenter | NationalInventoryCenter;

/** The national 3501–3507 center of a client (sichuan / national plugins). */
export function nationalInventory(client: Client): NationalInventoryCenter {
  for (const infno of ['3501', '3502', '3503', '3504', '3505', '3506', '3507']) {
    if (!client.plugin.manifest.transactions[infno]) throw YibaoError.host('NOT_SUPPORTED', `${client.plugin.manifest.id}: ${infno} is not in the manifest`);
  }
  return { type: 'national', region: client.plugin.manifest.id, client };
}

// ---- national mapping ------------------------------------------------------------------------------

/** national wire name → canonical field (same name when absent). */
const NATIONAL_RENAME: Record<string, keyof InventoryRow> = {
  fixmedins_hilist_id: 'hilist_id',
  fixmedins_hilist_name: 'hilist_name',
  fixmedins_bchno: 'bchno',
  invdate: 'time',
  inv_cnt: 'cnt',
  inv_chg_time: 'time',
  inv_chg_opter_name: 'opter_name',
  finl_trns_pric: 'pric',
  purc_retn_cnt: 'cnt',
  purc_retn_stoin_time: 'time',
  purc_retn_opter_name: 'opter_name',
  sel_retn_cnt: 'cnt',
  sel_retn_time: 'time',
  sel_retn_opter_name: 'opter_name',
  medins_prod_sel_no: 'sn',
};

const INV = ['med_list_codg', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'rx_flag', 'invdate', 'inv_cnt', 'manu_lotnum', 'fixmedins_bchno', 'manu_date', 'expy_end', 'memo'];
const PURC = ['med_list_codg', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'dynt_no', 'fixmedins_bchno', 'spler_name', 'spler_pmtno', 'manu_lotnum', 'prodentp_name', 'aprvno', 'manu_date', 'expy_end', 'finl_trns_pric', 'purc_retn_cnt', 'purc_invo_codg', 'purc_invo_no', 'rx_flag', 'purc_retn_stoin_time', 'purc_retn_opter_name', 'prod_geay_flag', 'memo'];
const SEL = ['med_list_codg', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'fixmedins_bchno', 'setl_id', 'mdtrt_sn', 'psn_no', 'psn_cert_type', 'certno', 'psn_name', 'manu_lotnum', 'manu_date', 'expy_end', 'rx_flag', 'trdn_flag', 'finl_trns_pric', 'rxno', 'sel_retn_cnt', 'sel_retn_time', 'sel_retn_opter_name', 'memo', 'medins_prod_sel_no'];

/** The national input of each kind: node name and wire fields in spec order (wire-formats-ws §4.4). */
export const NATIONAL_INVENTORY_FIELDS: Record<InventoryKind, { infno: string; node: string; fields: string[] }> = {
  init: { infno: '3501', node: 'invinfo', fields: INV },
  stock: { infno: '3501', node: 'invinfo', fields: INV },
  'stock-change': { infno: '3502', node: 'invinfo', fields: ['med_list_codg', 'inv_chg_type', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'fixmedins_bchno', 'pric', 'cnt', 'rx_flag', 'inv_chg_time', 'inv_chg_opter_name', 'memo', 'trdn_flag'] },
  'stock-in': { infno: '3503', node: 'purcinfo', fields: PURC },
  'purchase-return': { infno: '3504', node: 'purcinfo', fields: [...PURC.filter((f) => !['dynt_no', 'aprvno', 'prod_geay_flag', 'prodentp_name'].includes(f)), 'medins_prod_purc_no'] },
  'stock-out': { infno: '3505', node: 'selinfo', fields: SEL },
  'sale-return': { infno: '3506', node: 'selinfo', fields: SEL },
  delete: { infno: '3507', node: 'data', fields: ['fixmedins_bchno', 'inv_data_type'] },
};

/** The 35xx input of a canonical row: {infno, input: {<node>: {...}}}. */
export function nationalInventoryInput(kind: InventoryKind, row: InventoryRow): { infno: string; input: Record<string, Record<string, string>> } {
  const spec = NATIONAL_INVENTORY_FIELDS[kind];
  const out: Record<string, string> = {};
  for (const f of spec.fields) {
    const canon = NATIONAL_RENAME[f] ?? (f as keyof InventoryRow);
    let v = row[canon] as string | undefined;
    if (f === 'fixmedins_bchno' && (v === undefined || v === '')) v = row.sn;
    if (f === 'invdate' && v) v = v.slice(0, 10);
    if (v !== undefined && v !== '') out[f] = v;
  }
  for (const [k, v] of Object.entries(row.extra ?? {})) out[k] = v;
  return { infno: spec.infno, input: { [spec.node]: out } };
}

const NATIONAL_REQUIRED: Record<InventoryKind, string[]> = {
  init: ['med_list_codg', 'hilist_id', 'hilist_name', 'cnt', 'time'],
  stock: ['med_list_codg', 'hilist_id', 'hilist_name', 'cnt', 'time'],
  'stock-change': ['med_list_codg', 'hilist_id', 'hilist_name', 'inv_chg_type', 'pric', 'cnt', 'time'],
  'stock-in': ['med_list_codg', 'hilist_id', 'hilist_name', 'pric', 'cnt', 'time'],
  'purchase-return': ['med_list_codg', 'hilist_id', 'hilist_name', 'pric', 'cnt', 'time'],
  'stock-out': ['med_list_codg', 'hilist_id', 'hilist_name', 'pric', 'cnt', 'time'],
  'sale-return': ['med_list_codg', 'hilist_id', 'hilist_name', 'pric', 'cnt', 'time'],
  delete: ['bchno', 'inv_data_type'],
};

// ---- local checks --------------------------------------------------------------------------------

const DEC = /^-?\d+(\.\d+)?$/;
const DT = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/;
const SCALE: Partial<Record<keyof InventoryRow, number>> = { pric: 6, cnt: 4 };

/** The row's problems before anything is sent ('' when fine). */
export function checkInventoryRow(kind: InventoryKind, row: InventoryRow, required: string[]): string {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return '行数据应为对象 / row must be an object';
  const problems: string[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (k === 'extra') {
      if (v !== undefined && (typeof v !== 'object' || v === null || Object.values(v).some((x) => typeof x !== 'string'))) problems.push('extra 应为字符串字典 / extra must map names to strings');
      continue;
    }
    if (v !== undefined && v !== null && typeof v !== 'string') problems.push(`字段【${k}】应为字符串（小数请用文本，不用浮点数） / ${k} must be text`);
    else if (typeof v === 'string' && /[\u0000-\u001f]/.test(v)) problems.push(`字段【${k}】含控制字符 / ${k} contains control characters`);
  }
  if (problems.length) return problems.join('；');
  if (!row.sn?.trim()) problems.push('流水号(sn)不能为空 / sn is required');
  for (const f of required) if (!String((row as unknown as Record<string, unknown>)[f] ?? '').trim()) problems.push(`字段【${f}】不能为空 / ${f} is required`);
  for (const [f, scale] of Object.entries(SCALE) as [keyof InventoryRow, number][]) {
    const v = row[f] as string | undefined;
    if (v === undefined || v === '') continue;
    if (!DEC.test(v.trim())) problems.push(`字段【${f}】不是合法的数值：${v} / ${f} is not a decimal`);
    else if ((v.trim().split('.')[1] ?? '').length > scale) problems.push(`字段【${f}】小数位数不能超过${scale}位：${v} / ${f} has more than ${scale} decimals`);
  }
  for (const f of ['time', 'manu_date', 'expy_end'] as const) {
    const v = row[f];
    if (v && !DT.test(v.trim())) problems.push(`字段【${f}】应为 yyyy-MM-dd[ HH:mm:ss]：${v} / ${f} is not a date`);
  }
  void kind;
  return problems.join('；');
}

// ---- the queue -----------------------------------------------------------------------------------

export interface InventoryQueueOptions {
  /** state directory: the queue lives in DIR/inventory.db */
  dir: string;
  center: InventoryCenter;
  /** epoch ms clock (tests) */
  now?: () => number;
  backoff?: BackoffOptions;
  random?: () => number;
  /** test hooks: beforeSend / afterSend (batch regions) — a throw simulates a crash at that point; afterBatch (every region) after each batch is recorded */
  hooks?: {
    beforeSend?: (batch: { id: number; rowIds: number[] }) => void | Promise<void>;
    afterSend?: (batch: { id: number; rowIds: number[] }, reply: BatchReply) => void | Promise<void>;
    afterBatch?: (batch: InventoryBatchResult) => void | Promise<void>;
  };
}

export interface InventoryQueue {
  readonly region: string;
  /** stores the rows (each checked; an invalid one is stored as rejected with the reason) */
  enqueue(kind: InventoryKind, rows: InventoryRow[]): Promise<EnqueueResult[]>;
  /** sends what is due, in queue order, batch by batch, until done or the center is unreachable */
  drain(opts?: { maxBatches?: number }): Promise<DrainSummary>;
  /** every row (of a kind), in queue order */
  results(kind?: InventoryKind, opts?: { status?: InventoryRowStatus[] }): InventoryRowResult[];
  get(rowId: number): InventoryRowResult | null;
  /** the batches sent so far (newest last) */
  batches(): InventoryBatchResult[];
  /** replaces a rejected row and queues it again (at the end) */
  fixAndRequeue(rowId: number, row: InventoryRow): Promise<InventoryRowResult>;
  /** queues rejected rows again unchanged (after 对码 at the platform, a configuration fix …) */
  requeue(rowIds: number[]): Promise<InventoryRowResult[]>;
  /** rows not finished (pending, sent, retry) */
  pending(): number;
  close(): void;
}

interface RowRec {
  id: number;
  seq: number;
  region: string;
  kind: InventoryKind;
  sn: string;
  row_json: string;
  status: InventoryRowStatus;
  attempts: number;
  next_attempt_at: number;
  reason: string | null;
  already_applied: number;
  batch_id: number | null;
  queue_id: number | null;
}

interface BatchRec {
  id: number;
  kind: InventoryKind;
  tx_code: string;
  rows: number;
  state: 'sending' | 'done';
  outcome: BatchOutcome | null;
  code: string | null;
  message: string | null;
  ok: number;
  rejected: number;
  retry: number;
}

/** Errors after which the batch's outcome is unknown or nothing was done: retry later. */
const RETRYABLE = new Set(['TRANSPORT_TIMEOUT', 'TRANSPORT_NETWORK', 'TRANSPORT_HTTP', 'BAD_REPLY']);

function retryable(e: unknown): boolean {
  if (!(e instanceof YibaoError)) return false;
  if (RETRYABLE.has(e.code)) return true;
  // a SOAP Server fault: the center failed on its side (its database is down …); a Client fault is our request
  return e.code === 'SOAP_FAULT' && !/^(?:[\w.-]+:)?(?:Client|Sender)\b/i.test(e.detail ?? ''); // detail "soap:Client: reason …"
}

const errText = (e: unknown) => (e instanceof YibaoError ? `${e.code}: ${e.detail ?? e.messageEn}` : `ERROR: ${(e as Error).message ?? String(e)}`);

export function openInventoryQueue(o: InventoryQueueOptions): InventoryQueue {
  const center = o.center;
  const region = center.region;
  let db: Database.Database;
  try {
    mkdirSync(o.dir, { recursive: true });
    db = new Database(join(o.dir, 'inventory.db'));
  } catch (e) {
    throw YibaoError.host('STATE_ERROR', `inventory queue ${o.dir}: ${(e as Error).message}`, e);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS inventory_rows (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      seq INTEGER NOT NULL,
      region TEXT NOT NULL,
      kind TEXT NOT NULL,
      sn TEXT NOT NULL,
      row_json TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'ok', 'rejected', 'retry')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER NOT NULL DEFAULT 0,
      reason TEXT,
      already_applied INTEGER NOT NULL DEFAULT 0,
      batch_id INTEGER,
      queue_id INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      UNIQUE (region, kind, sn)
    );
    CREATE INDEX IF NOT EXISTS inventory_rows_active ON inventory_rows (region, seq) WHERE status IN ('pending', 'sent', 'retry');
    CREATE TABLE IF NOT EXISTS inventory_batches (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      region TEXT NOT NULL,
      kind TEXT NOT NULL,
      tx_code TEXT NOT NULL,
      rows INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('sending', 'done')),
      outcome TEXT,
      code TEXT,
      message TEXT,
      ok INTEGER NOT NULL DEFAULT 0,
      rejected INTEGER NOT NULL DEFAULT 0,
      retry INTEGER NOT NULL DEFAULT 0,
      request TEXT,
      reply TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `);
  const now = o.now ?? Date.now;
  const random = o.random ?? Math.random;
  const iso = () => new Date(now()).toISOString();
  const delay = backoffDelay(o.backoff, random);

  const national = center.type === 'national' ? center : null;
  const oq: OfflineQueueHandle | null = national
    ? openOfflineQueue({ db, client: national.client, now, random, backoff: o.backoff })
    : null;

  const q = {
    insert: db.prepare(
      `INSERT INTO inventory_rows (seq, region, kind, sn, row_json, status, reason, created_at, updated_at)
       VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM inventory_rows), ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    bySn: db.prepare(`SELECT * FROM inventory_rows WHERE region = ? AND kind = ? AND sn = ?`),
    byId: db.prepare(`SELECT * FROM inventory_rows WHERE id = ? AND region = ?`),
    active: db.prepare(`SELECT * FROM inventory_rows WHERE region = ? AND status IN ('pending', 'sent', 'retry') ORDER BY seq LIMIT ?`),
    countActive: db.prepare(`SELECT count(*) AS n FROM inventory_rows WHERE region = ? AND status IN ('pending', 'sent', 'retry')`),
    unlinked: db.prepare(`SELECT * FROM inventory_rows WHERE region = ? AND status IN ('pending', 'sent', 'retry') AND queue_id IS NULL ORDER BY seq`),
    linked: db.prepare(`SELECT * FROM inventory_rows WHERE region = ? AND status IN ('pending', 'sent', 'retry') AND queue_id IS NOT NULL ORDER BY seq`),
    setQueue: db.prepare(`UPDATE inventory_rows SET queue_id = ?, updated_at = ? WHERE id = ?`),
    setStatus: db.prepare(
      `UPDATE inventory_rows SET status = ?, reason = ?, already_applied = ?, attempts = ?, next_attempt_at = ?, batch_id = coalesce(?, batch_id), updated_at = ? WHERE id = ?`,
    ),
    markSent: db.prepare(`UPDATE inventory_rows SET status = 'sent', attempts = attempts + 1, batch_id = ?, updated_at = ? WHERE id = ?`),
    retryAt: db.prepare(`UPDATE inventory_rows SET status = 'retry', next_attempt_at = ?, reason = ?, updated_at = ? WHERE id = ?`),
    replace: db.prepare(
      `UPDATE inventory_rows SET seq = (SELECT coalesce(max(seq), 0) + 1 FROM inventory_rows), sn = ?, row_json = ?, status = ?, reason = ?, attempts = 0,
       already_applied = 0, next_attempt_at = 0, batch_id = NULL, queue_id = NULL, updated_at = ? WHERE id = ?`,
    ),
    newBatch: db.prepare(`INSERT INTO inventory_batches (region, kind, tx_code, rows, state, request, created_at, updated_at) VALUES (?, ?, ?, ?, 'sending', ?, ?, ?)`),
    endBatch: db.prepare(
      `UPDATE inventory_batches SET state = 'done', outcome = ?, code = ?, message = ?, ok = ?, rejected = ?, retry = ?, request = coalesce(?, request), reply = ?, updated_at = ? WHERE id = ?`,
    ),
    batchById: db.prepare(`SELECT * FROM inventory_batches WHERE id = ?`),
    allBatches: db.prepare(`SELECT * FROM inventory_batches WHERE region = ? ORDER BY id`),
    // the offline queue's table (created by openOfflineQueue on this database; national only)
    queueItemByKey: oq ? db.prepare(`SELECT id FROM offline_queue WHERE his_key = ? ORDER BY id DESC LIMIT 1`) : db.prepare(`SELECT NULL AS id WHERE ? IS NULL`),
  };

  const parseRow = (r: RowRec) => JSON.parse(r.row_json) as InventoryRow;
  const result = (r: RowRec): InventoryRowResult => ({
    rowId: r.id, kind: r.kind, sn: r.sn, status: r.status, reason: r.reason, alreadyApplied: r.already_applied === 1, attempts: r.attempts,
    nextAttemptAt: r.status === 'retry' ? new Date(r.next_attempt_at).toISOString() : null, batchId: r.batch_id, row: parseRow(r),
  });
  const batchResult = (b: BatchRec): InventoryBatchResult => ({
    id: b.id, kind: b.kind, txCode: b.tx_code, rows: b.rows, outcome: b.outcome ?? 'unreachable', code: b.code ?? '', message: b.message ?? '', ok: b.ok, rejected: b.rejected, retry: b.retry,
  });

  function txCodeOf(kind: InventoryKind): string {
    if (!(kind in INVENTORY_KINDS)) throw YibaoError.host('BAD_INPUT', `unknown inventory kind "${kind}" (kinds: ${Object.keys(INVENTORY_KINDS).join(', ')})`);
    const code = national ? NATIONAL_INVENTORY_FIELDS[kind].infno : center.type === 'batch' ? center.txCodes[kind] : undefined;
    if (!code) throw YibaoError.host('NOT_SUPPORTED', `${region}: inventory kind "${kind}" (${INVENTORY_KINDS[kind].zh})`);
    return code;
  }
  const requiredOf = (kind: InventoryKind) => (center.type === 'batch' ? center.required(kind) : NATIONAL_REQUIRED[kind]);

  // national: every active row has its offline-queue item (his_key inv:<rowId> links them across a crash)
  async function linkNational(r: RowRec): Promise<void> {
    const hisKey = `inv:${r.id}:${r.seq}`;
    const found = q.queueItemByKey.get(hisKey) as { id: number } | undefined;
    if (found) {
      q.setQueue.run(found.id, iso(), r.id);
      return;
    }
    const { infno, input } = nationalInventoryInput(r.kind, parseRow(r));
    const { id } = await oq!.enqueue({ infno, input_json: JSON.stringify(input), his_key: hisKey });
    q.setQueue.run(id, iso(), r.id);
  }

  /** national: the rows' states from their queue items. */
  function syncNational(): void {
    for (const r of q.linked.all(region) as RowRec[]) {
      const it = oq!.get(r.queue_id!);
      if (!it) continue;
      const s = nationalState(it);
      q.setStatus.run(s.status, s.reason, 0, it.attempts, s.next, null, iso(), r.id);
    }
  }
  function nationalState(it: QueueItem): { status: InventoryRowStatus; reason: string | null; next: number } {
    if (it.state === 'sent') return { status: 'ok', reason: null, next: 0 };
    if (it.state === 'failed') return { status: 'rejected', reason: it.last_error?.replace(/^infcode -?\d+: /, '') ?? null, next: 0 };
    if (it.attempts === 0) return { status: 'pending', reason: null, next: 0 };
    return { status: it.last_error ? 'retry' : 'sent', reason: it.last_error, next: Date.parse(it.next_attempt_at) };
  }

  async function enqueue(kind: InventoryKind, rows: InventoryRow[]): Promise<EnqueueResult[]> {
    txCodeOf(kind);
    if (!Array.isArray(rows)) throw YibaoError.host('BAD_INPUT', 'enqueue(kind, rows): rows must be an array');
    const required = requiredOf(kind);
    const out: EnqueueResult[] = [];
    const stored: RowRec[] = [];
    db.transaction(() => {
      for (const row of rows) {
        const problem = checkInventoryRow(kind, row, required);
        const sn = typeof row?.sn === 'string' ? row.sn.trim() : '';
        if (!sn) {
          out.push({ sn: '', rowId: null, queued: false, status: null, reason: problem || 'sn is required' });
          continue;
        }
        const text = JSON.stringify(row);
        const prev = q.bySn.get(region, kind, sn) as RowRec | undefined;
        if (prev) {
          const same = prev.row_json === text;
          out.push({ sn, rowId: prev.id, queued: false, status: prev.status, reason: same ? '已在队列中 / already queued' : '流水号已在队列中且内容不同：请用 fixAndRequeue 修改 / the sn is queued with other content: use fixAndRequeue' });
          continue;
        }
        const status: InventoryRowStatus = problem ? 'rejected' : 'pending';
        const t = iso();
        const r = q.insert.run(region, kind, sn, text, status, problem ? `本地校验失败：${problem}` : null, t, t);
        const rec = q.byId.get(Number(r.lastInsertRowid), region) as RowRec;
        if (status === 'pending') stored.push(rec);
        out.push({ sn, rowId: rec.id, queued: status === 'pending', status, reason: problem || undefined });
      }
    })();
    if (oq) for (const r of stored) await linkNational(r);
    return out;
  }

  let running: Promise<DrainSummary> | null = null;

  async function drainNational(): Promise<DrainSummary> {
    for (const r of q.unlinked.all(region) as RowRec[]) await linkNational(r);
    syncNational();
    const before = new Map((q.linked.all(region) as RowRec[]).map((r) => [r.id, r]));
    await oq!.drain();
    syncNational();
    const summary: DrainSummary = { ok: 0, rejected: 0, retry: 0, pending: 0, batches: [] };
    for (const [id, b] of before) {
      const r = q.byId.get(id, region) as RowRec;
      const it = oq!.get(r.queue_id!)!;
      if (it.attempts === b.attempts && r.status === b.status) continue; // not sent in this drain
      const outcome: BatchOutcome = r.status === 'ok' ? 'success' : r.status === 'rejected' ? 'failure' : 'unreachable';
      const infno = it.infno;
      const t = iso();
      const bid = Number(q.newBatch.run(region, r.kind, infno, 1, it.input_json, t, t).lastInsertRowid);
      const reply = it.reply_json;
      const res = { ok: r.status === 'ok' ? 1 : 0, rejected: r.status === 'rejected' ? 1 : 0, retry: r.status === 'retry' ? 1 : 0 };
      const code = outcome === 'success' ? '0' : outcome === 'failure' ? '-1' : '';
      q.endBatch.run(outcome, code, r.reason ?? '', res.ok, res.rejected, res.retry, null, reply, t, bid);
      q.setStatus.run(r.status, r.reason, 0, r.attempts, r.next_attempt_at, bid, t, r.id);
      summary.ok += res.ok;
      summary.rejected += res.rejected;
      summary.retry += res.retry;
      const br = batchResult(q.batchById.get(bid) as BatchRec);
      summary.batches.push(br);
      await o.hooks?.afterBatch?.(br);
    }
    summary.pending = (q.countActive.get(region) as { n: number }).n;
    return summary;
  }

  async function drainBatches(maxBatches: number): Promise<DrainSummary> {
    const c = center as BatchInventoryCenter;
    const summary: DrainSummary = { ok: 0, rejected: 0, retry: 0, pending: 0, batches: [] };
    const limit = Math.max(1, Math.floor(c.maxRows));
    for (let n = 0; n < maxBatches; n++) {
      const head = q.active.all(region, limit) as RowRec[];
      if (!head.length || head[0]!.next_attempt_at > now()) break;
      // the run of due rows of the head's kind, in queue order, up to the limit
      const run: RowRec[] = [];
      for (const r of head) {
        if (r.kind !== head[0]!.kind || r.next_attempt_at > now()) break;
        run.push(r);
      }
      const kind = run[0]!.kind;
      const txCode = txCodeOf(kind);
      const outgoing: OutgoingRow[] = run.map((r) => ({ rowId: r.id, sn: r.sn, row: parseRow(r), resend: r.attempts > 0 }));
      let t = iso();
      const bid = db.transaction(() => {
        const id = Number(q.newBatch.run(region, kind, txCode, run.length, null, t, t).lastInsertRowid);
        for (const r of run) q.markSent.run(id, t, r.id);
        return id;
      })();
      const ids = { id: bid, rowIds: run.map((r) => r.id) };
      await o.hooks?.beforeSend?.(ids);
      let reply: BatchReply;
      try {
        reply = await c.send({ kind, txCode, rows: outgoing });
        if (!Array.isArray(reply.rows) || reply.rows.length !== run.length) throw YibaoError.host('BAD_REPLY', `${region} ${txCode}: ${reply.rows?.length ?? 0} row results for ${run.length} rows`);
      } catch (e) {
        t = iso();
        const why = errText(e);
        if (retryable(e)) {
          db.transaction(() => {
            for (const r of run) {
              const attempts = r.attempts + 1;
              q.retryAt.run(now() + delay(attempts), why, t, r.id);
            }
            q.endBatch.run('unreachable', '', why, 0, 0, run.length, null, null, t, bid);
          })();
          summary.retry += run.length;
          const br = batchResult(q.batchById.get(bid) as BatchRec);
          summary.batches.push(br);
          await o.hooks?.afterBatch?.(br);
          break; // the center is not reachable: the rest waits behind these
        }
        db.transaction(() => {
          for (const r of run) q.setStatus.run('rejected', why, 0, r.attempts + 1, 0, bid, t, r.id);
          q.endBatch.run('failure', '', why, 0, run.length, 0, null, null, t, bid);
        })();
        summary.rejected += run.length;
        const br = batchResult(q.batchById.get(bid) as BatchRec);
        summary.batches.push(br);
        await o.hooks?.afterBatch?.(br);
        continue;
      }
      await o.hooks?.afterSend?.(ids, reply);
      t = iso();
      const counts = { ok: 0, rejected: 0 };
      db.transaction(() => {
        run.forEach((r, i) => {
          const x = reply.rows[i]!;
          const attempts = r.attempts + 1;
          if (x.ok) {
            q.setStatus.run('ok', null, 0, attempts, 0, bid, t, r.id);
            counts.ok++;
          } else if (x.duplicate && r.attempts > 0) {
            q.setStatus.run('ok', `已上传（前次上传已生效，应答丢失）：${x.reason ?? ''} / already applied by an earlier send`, 1, attempts, 0, bid, t, r.id);
            counts.ok++;
          } else {
            q.setStatus.run('rejected', x.reason || reply.message || 'rejected', 0, attempts, 0, bid, t, r.id);
            counts.rejected++;
          }
        });
        q.endBatch.run(reply.outcome, reply.code, reply.message, counts.ok, counts.rejected, 0, reply.request ?? null, reply.raw ?? null, t, bid);
      })();
      summary.ok += counts.ok;
      summary.rejected += counts.rejected;
      const br = batchResult(q.batchById.get(bid) as BatchRec);
      summary.batches.push(br);
      await o.hooks?.afterBatch?.(br);
    }
    summary.pending = (q.countActive.get(region) as { n: number }).n;
    return summary;
  }

  async function replace(rowId: number, row: InventoryRow | null): Promise<InventoryRowResult> {
    const r = q.byId.get(rowId, region) as RowRec | undefined;
    if (!r) throw YibaoError.host('BAD_INPUT', `inventory row ${rowId} does not exist`);
    if (r.status !== 'rejected') throw YibaoError.host('BAD_INPUT', `inventory row ${rowId} is ${r.status}: only rejected rows can be changed and requeued`);
    const next = row ?? parseRow(r);
    const problem = checkInventoryRow(r.kind, next, requiredOf(r.kind));
    const sn = typeof next?.sn === 'string' ? next.sn.trim() : '';
    if (!sn) throw YibaoError.host('BAD_INPUT', `inventory row ${rowId}: ${problem || 'sn is required'}`);
    const other = q.bySn.get(region, r.kind, sn) as RowRec | undefined;
    if (other && other.id !== r.id) throw YibaoError.host('BAD_INPUT', `inventory row ${rowId}: sn ${sn} is row ${other.id} already`);
    q.replace.run(sn, JSON.stringify(next), problem ? 'rejected' : 'pending', problem ? `本地校验失败：${problem}` : null, iso(), r.id);
    const cur = q.byId.get(r.id, region) as RowRec;
    if (oq && cur.status === 'pending') await linkNational(cur);
    return result(q.byId.get(r.id, region) as RowRec);
  }

  // a batch still "sending" was interrupted (crash between send and mark): its rows are resent by drain()
  db.prepare(`UPDATE inventory_batches SET state = 'done', outcome = 'unreachable', message = 'interrupted (process stopped before the answer was recorded)', updated_at = ? WHERE region = ? AND state = 'sending'`).run(iso(), region);

  return {
    region,
    enqueue,
    drain(opts = {}) {
      if (running) return running;
      running = (oq ? drainNational() : drainBatches(opts.maxBatches ?? Number.MAX_SAFE_INTEGER)).finally(() => {
        running = null;
      });
      return running;
    },
    results(kind, opts = {}) {
      if (oq) syncNational();
      const states = opts.status ?? ['pending', 'sent', 'ok', 'rejected', 'retry'];
      const rows = db
        .prepare(`SELECT * FROM inventory_rows WHERE region = ? ${kind ? 'AND kind = ?' : ''} AND status IN (${states.map(() => '?').join(', ')}) ORDER BY seq`)
        .all(...(kind ? [region, kind] : [region]), ...states) as RowRec[];
      return rows.map(result);
    },
    get(rowId) {
      if (oq) syncNational();
      const r = q.byId.get(rowId, region) as RowRec | undefined;
      return r ? result(r) : null;
    },
    batches() {
      return (q.allBatches.all(region) as BatchRec[]).map(batchResult);
    },
    fixAndRequeue: (rowId, row) => replace(rowId, row),
    async requeue(rowIds) {
      const out: InventoryRowResult[] = [];
      for (const id of rowIds) out.push(await replace(id, null));
      return out;
    },
    pending() {
      return (q.countActive.get(region) as { n: number }).n;
    },
    close() {
      oq?.close();
      db.close();
    },
  };
}
