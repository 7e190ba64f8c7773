// Catalog storage and sync (1301…1319, wire-formats §1.5, §1.6), independent of how calls are made:
// the caller passes `call` (one transaction → {infcode, err_msg, output}) and `download` (9102 → bytes), e.g.
//
//   const db = openCatalogDb('catalog.db');
//   await syncCatalog({ infno: '1301', db, call: (i, x) => client.call(i, x),
//                       download: (q, f, p) => client.download(q, f, p),
//                       onProgress: (r, t) => process.stderr.write(renderProgress(r, t)) });
//
// The file: a zip with one UTF-8 .txt, one record per line, TAB-separated, no header, literal `null` for
// missing values, column order = the spec's output table of the transaction; rows may carry more columns
// than documented. Each row is stored under its key (default: the first column, the code) with its
// version; the newest version held is what the next incremental call asks for.
//
// Column layouts are data (CATALOG_LAYOUTS below): where the key is, where the version is. Default: key =
// first column; version = the column named `ver` when the column list is known, else the last-but-N column
// (N = DEFAULT_VER_FROM_END). The lists given here follow the column order of a public HIS
// (newtouch-cloud/openhis catalog tables, [code]); the official spec tables were not available, so they are
// UNVERIFIED — check them against the region's spec or a real file, and override with `layout` if needed.
// Every row must have a non-empty key and version: a wrong layout fails loudly instead of storing garbage.

import Database from 'better-sqlite3';
import { unzipSync } from 'fflate';
import { YibaoError } from './errors.js';
import { OPENHIS_COLUMNS } from '../../plugins/national/catalog-columns.js';

// ---- layouts --------------------------------------------------------------------------------

/** Where the version column is: by name (needs `columns`), or counted from the end (0 = last column). */
export type VerColumn = string | { fromEnd: number };

export interface CatalogLayout {
  infno: string;
  name: string;
  /** true: the center answers with a file query number and the rows come by 9102 (1301–1303, 1305–1311,
   *  1313–1315); false: rows come directly in output (1304, 1312, 1316–1319, paged queries) */
  file: boolean;
  /** documented column names in file order ([] = unknown) */
  columns: readonly string[];
  /** the key: column indexes or names, joined by TAB when several (default [0] = the code) */
  key: readonly (number | string)[];
  /** the version column (default: 'ver' when `columns` has it, else { fromEnd: DEFAULT_VER_FROM_END }) */
  ver: VerColumn;
  /** the version asked for when nothing is held yet (spec: "0") */
  initialVer: string;
  /** provenance of the column list */
  source: string;
}

/** Last-but-N for files whose column list is unknown: the observed tables end with
 *  `ver, isu_flag, tram_data_id, efft_time, invd_time` when no columns were added after `ver`. [?] */
export const DEFAULT_VER_FROM_END = 4;

const OPENHIS = 'newtouch-cloud/openhis catalog table column order [code]; unverified against the spec';
const UNKNOWN = 'column list unknown: key = first column, ver = last-but-N [?]';

const L = (infno: string, name: string, file: boolean, columns: string[] = [], more: Partial<CatalogLayout> = {}): CatalogLayout => ({
  infno,
  name,
  file,
  columns,
  key: [0],
  ver: columns.includes('ver') ? 'ver' : { fromEnd: DEFAULT_VER_FROM_END },
  initialVer: '0',
  source: columns.length ? OPENHIS : file ? UNKNOWN : 'paged query (rows in output.data), not synced by file',
  ...more,
});

export const CATALOG_LAYOUTS: Record<string, CatalogLayout> = {
  '1301': L('1301', '西药中成药目录下载', true, [...OPENHIS_COLUMNS['1301']]),
  '1302': L('1302', '中药饮片目录下载', true, [...OPENHIS_COLUMNS['1302']]),
  '1303': L('1303', '医疗机构制剂目录下载', true),
  '1304': L('1304', '民族药品目录查询', false),
  '1305': L('1305', '医疗服务项目目录下载', true, [], { source: UNKNOWN + '; openhis sends ver "F001_0000_A" instead of "0" for the first 1305 download' }),
  '1306': L('1306', '医用耗材目录下载', true),
  '1307': L('1307', '疾病与诊断目录下载', true),
  '1308': L('1308', '手术操作目录下载', true, [...OPENHIS_COLUMNS['1308']]),
  '1309': L('1309', '门诊慢特病种目录下载', true, [...OPENHIS_COLUMNS['1309']]),
  '1310': L('1310', '按病种付费病种目录下载', true),
  '1311': L('1311', '日间手术治疗病种目录下载', true, [...OPENHIS_COLUMNS['1311']]),
  '1312': L('1312', '医保目录信息查询', false),
  '1313': L('1313', '肿瘤形态学目录下载', true, [...OPENHIS_COLUMNS['1313']]),
  '1314': L('1314', '中医疾病目录下载', true, [...OPENHIS_COLUMNS['1314']]),
  '1315': L('1315', '中医证候目录下载', true, [...OPENHIS_COLUMNS['1315']]),
  '1316': L('1316', '医疗目录与医保目录匹配信息查询', false),
  '1317': L('1317', '医药机构目录匹配信息查询', false),
  '1318': L('1318', '医保目录限价信息查询', false),
  '1319': L('1319', '医保目录先自付比例信息查询', false),
};

/** A layout resolved to indexes. */
export interface ResolvedLayout {
  layout: CatalogLayout;
  keyIdx: number[];
  /** index of the version column in a row */
  verIdx(row: readonly unknown[]): number;
  /** index of vali_flag, -1 when unknown */
  valiIdx: number;
  /** documented column count (extras beyond it are dropped), null when unknown */
  columnCount: number | null;
}

/** The layout of an infno (unknown infnos get the default layout), with overrides applied and checked. */
export function resolveLayout(infno: string, override: Partial<CatalogLayout> = {}): ResolvedLayout {
  const base = CATALOG_LAYOUTS[infno] ?? L(infno, infno, true);
  const layout: CatalogLayout = { ...base, ...override, infno };
  if (override.columns && !override.ver) layout.ver = override.columns.includes('ver') ? 'ver' : { fromEnd: DEFAULT_VER_FROM_END };
  const bad = (d: string) => YibaoError.host('CATALOG_FILE', `${infno} layout: ${d}`);
  const col = (c: number | string): number => {
    if (typeof c === 'number') {
      if (!Number.isInteger(c) || c < 0) throw bad(`column index ${c}`);
      return c;
    }
    const i = layout.columns.indexOf(c);
    if (i < 0) throw bad(`no column named ${c}`);
    return i;
  };
  if (!layout.key.length) throw bad('empty key');
  const keyIdx = layout.key.map(col);
  const columnCount = layout.columns.length ? layout.columns.length : null;
  let verIdx: (row: readonly unknown[]) => number;
  if (typeof layout.ver === 'string') {
    const i = col(layout.ver);
    verIdx = () => i;
  } else {
    const n = layout.ver.fromEnd;
    if (!Number.isInteger(n) || n < 0) throw bad(`ver fromEnd ${n}`);
    if (columnCount !== null) {
      const i = columnCount - 1 - n;
      if (i < 0) throw bad(`ver fromEnd ${n} is before the first column`);
      verIdx = () => i;
    } else verIdx = (row) => row.length - 1 - n;
  }
  return { layout, keyIdx, verIdx, valiIdx: layout.columns.indexOf('vali_flag'), columnCount };
}

/** Version order: digit runs compare as numbers, the rest by UTF-16 code units ("9" < "10", "V2" < "V10"). */
export function compareVer(a: string, b: string): number {
  const ra = a.match(/\d+|\D+/g) ?? [];
  const rb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ra.length, rb.length); i++) {
    const x = ra[i];
    const y = rb[i];
    const dx = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57;
    const dy = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57;
    if (dx && dy) {
      const xs = x.replace(/^0+(?=\d)/, '');
      const ys = y.replace(/^0+(?=\d)/, '');
      if (xs.length !== ys.length) return xs.length < ys.length ? -1 : 1;
      if (xs !== ys) return xs < ys ? -1 : 1;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1; // "01" vs "1": stable, not equal
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return ra.length === rb.length ? 0 : ra.length < rb.length ? -1 : 1;
}

// ---- the TXT file ----------------------------------------------------------------------------

export type CatalogRow = (string | null)[];

/** Rows of a catalog TXT, lazily (one line at a time; large files never become one array). */
export function* iterateCatalogTxt(bytes: Uint8Array, options: { columns?: number | null } = {}): Generator<{ line: number; fields: CatalogRow }> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw YibaoError.host('CATALOG_FILE', 'not valid UTF-8 (the national catalog file is UTF-8)');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const max = options.columns ?? null;
  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    line++;
    const raw = text.slice(pos, end);
    pos = nl + 1;
    if (raw.length === 0) continue;
    const parts = raw.split('\t');
    if (max !== null && parts.length > max) parts.length = max;
    yield { line, fields: parts.map((f) => (f === 'null' ? null : f)) };
  }
}

/** Parses a catalog TXT: UTF-8, \n or \r\n, TAB-separated, literal `null` → null, empty lines skipped,
 *  extra columns beyond `columns` dropped; every other value (Java Date.toString() dates included) stays text. */
export function parseCatalogTxt(bytes: Uint8Array, options: { columns?: number | null } = {}): CatalogRow[] {
  const rows: CatalogRow[] = [];
  for (const r of iterateCatalogTxt(bytes, options)) rows.push(r.fields);
  return rows;
}

/** The one .txt of a catalog zip (directories and other files ignored; zero or several .txt is an error). */
export function unzipCatalog(zipBytes: Uint8Array): Uint8Array {
  if (zipBytes.length < 4 || zipBytes[0] !== 0x50 || zipBytes[1] !== 0x4b) {
    const head = new TextDecoder().decode(zipBytes.subarray(0, 120)).replace(/\s+/g, ' ');
    throw YibaoError.host('CATALOG_ARCHIVE', `not a zip file (${zipBytes.length} bytes, starts with ${JSON.stringify(head)})`);
  }
  let entries: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    entries = unzipSync(zipBytes, {
      filter: (f) => {
        names.push(f.name);
        return /\.txt$/i.test(f.name) && !f.name.endsWith('/');
      },
    });
  } catch (e) {
    throw YibaoError.host('CATALOG_ARCHIVE', `cannot unzip: ${(e as Error).message}`, e);
  }
  const txt = Object.keys(entries);
  if (txt.length !== 1) {
    throw YibaoError.host('CATALOG_ARCHIVE', `expected exactly one .txt entry, found ${txt.length} (entries: ${names.slice(0, 10).join(', ') || 'none'})`);
  }
  return entries[txt[0]];
}

// ---- storage ---------------------------------------------------------------------------------

export type CatalogDb = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_versions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  infno TEXT NOT NULL,
  ver TEXT NOT NULL,            -- newest version held after this sync (asked for by the next one)
  from_ver TEXT NOT NULL,       -- version this sync asked for
  synced_at TEXT NOT NULL,      -- ISO 8601 UTC
  rows INTEGER NOT NULL,        -- rows in the downloaded file
  bytes INTEGER NOT NULL,       -- downloaded bytes
  file_qury_no TEXT
);
CREATE INDEX IF NOT EXISTS catalog_versions_infno ON catalog_versions (infno, id);
CREATE TABLE IF NOT EXISTS catalog_rows (
  infno TEXT NOT NULL,
  key TEXT NOT NULL,            -- key column(s) of the layout, TAB-joined when several
  ver TEXT NOT NULL,            -- version of this row
  vali_flag TEXT,               -- when the layout knows the column
  fields TEXT NOT NULL,         -- JSON array of the row's columns (strings or null), in file order
  synced_at TEXT NOT NULL,
  PRIMARY KEY (infno, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS catalog_rows_ver ON catalog_rows (infno, ver);
`;

/** Opens (creating if needed) a catalog database in WAL mode, or adds the catalog tables to an open one
 *  (e.g. the host's state database). */
export function openCatalogDb(file: string | Database.Database): CatalogDb {
  let db: Database.Database;
  try {
    db = typeof file === 'string' ? new Database(file) : file;
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    db.function('yb_ver_cmp', { deterministic: true }, (a: unknown, b: unknown) => compareVer(String(a), String(b)));
  } catch (e) {
    throw YibaoError.host('IO_ERROR', `catalog db ${typeof file === 'string' ? file : '(open database)'}: ${(e as Error).message}`, e);
  }
  return db;
}

/** The newest version held for an infno (what an incremental sync asks for), or null when none. */
export function localCatalogVersion(db: CatalogDb, infno: string): string | null {
  const r = db.prepare('SELECT ver FROM catalog_versions WHERE infno = ? ORDER BY id DESC LIMIT 1').get(infno) as { ver: string } | undefined;
  return r ? r.ver : null;
}

export interface StoredCatalogRow {
  key: string;
  ver: string;
  vali_flag: string | null;
  fields: CatalogRow;
  synced_at: string;
}

/** One stored row by key, or undefined. */
export function getCatalogRow(db: CatalogDb, infno: string, key: string): StoredCatalogRow | undefined {
  const r = db.prepare('SELECT key, ver, vali_flag, fields, synced_at FROM catalog_rows WHERE infno = ? AND key = ?').get(infno, key) as
    | (Omit<StoredCatalogRow, 'fields'> & { fields: string })
    | undefined;
  return r ? { ...r, fields: JSON.parse(r.fields) as CatalogRow } : undefined;
}

/** A stored row as {column name: value} when the layout knows the names (unnamed extras as col_N). */
export function catalogRecord(infno: string, fields: CatalogRow, override?: Partial<CatalogLayout>): Record<string, string | null> {
  const { layout } = resolveLayout(infno, override);
  const rec: Record<string, string | null> = {};
  fields.forEach((v, i) => (rec[layout.columns[i] ?? `col_${i}`] = v));
  return rec;
}

export interface StoreResult {
  rows: number;
  /** rows written (new, or at least as new as the stored one) */
  upserted: number;
  /** rows older than the stored version of their key (kept the stored one) */
  skipped: number;
  /** the highest version among the rows, null when there were none */
  maxVer: string | null;
}

/** Upserts parsed rows by key inside one transaction; a row replaces the stored one unless it is older. */
export function storeCatalogRows(db: CatalogDb, infno: string, rows: Iterable<{ line: number; fields: CatalogRow }>, options: { layout?: Partial<CatalogLayout>; syncedAt?: string } = {}): StoreResult {
  const r = resolveLayout(infno, options.layout);
  const syncedAt = options.syncedAt ?? new Date().toISOString();
  const upsert = db.prepare(`INSERT INTO catalog_rows (infno, key, ver, vali_flag, fields, synced_at) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (infno, key) DO UPDATE SET ver = excluded.ver, vali_flag = excluded.vali_flag, fields = excluded.fields, synced_at = excluded.synced_at
    WHERE yb_ver_cmp(excluded.ver, catalog_rows.ver) >= 0`);
  const run = db.transaction((): StoreResult => {
    const res: StoreResult = { rows: 0, upserted: 0, skipped: 0, maxVer: null };
    for (const { line, fields } of rows) {
      res.rows++;
      const parts: string[] = [];
      for (const i of r.keyIdx) {
        const k = fields[i];
        if (k === null || k === undefined || k === '') throw YibaoError.host('CATALOG_FILE', `${infno} line ${line}: empty key (column ${i + 1})`);
        parts.push(k);
      }
      const vi = r.verIdx(fields);
      const ver = vi >= 0 ? fields[vi] : undefined;
      if (ver === null || ver === undefined || ver === '') {
        throw YibaoError.host(
          'CATALOG_FILE',
          `${infno} line ${line}: no version in column ${vi + 1} of ${fields.length} — check the layout (${r.layout.source})`,
        );
      }
      const vali = r.valiIdx >= 0 ? (fields[r.valiIdx] ?? null) : null;
      const info = upsert.run(infno, parts.join('\t'), ver, vali, JSON.stringify(fields), syncedAt);
      if (info.changes > 0) res.upserted++;
      else res.skipped++;
      if (res.maxVer === null || compareVer(ver, res.maxVer) > 0) res.maxVer = ver;
    }
    return res;
  });
  return run();
}

// ---- sync ------------------------------------------------------------------------------------

export interface CatalogCallResult {
  infcode: number | string;
  err_msg?: string | null;
  output: unknown;
}

export type CatalogProgress = (received: number, total: number | null) => void;

export interface SyncCatalogOptions {
  infno: string;
  db: CatalogDb;
  /** one transaction: (infno, input) → the decoded reply */
  call: (infno: string, input: unknown) => Promise<CatalogCallResult>;
  /** 9102: (file_qury_no, filename, onProgress) → the file bytes (the zip) */
  download: (fileQuryNo: string, filename: string, onProgress?: CatalogProgress) => Promise<Uint8Array>;
  onProgress?: CatalogProgress;
  /** 9102 filename: the spec says "plc" for 1301–1319 files (default); some clients send output.filename */
  filename?: string | ((output: Record<string, unknown>) => string);
  /** ask for this version instead of the newest one held ("0" = full download) */
  ver?: string;
  /** layout override (columns, key, ver, initialVer) */
  layout?: Partial<CatalogLayout>;
  now?: () => Date;
}

export interface SyncCatalogResult {
  infno: string;
  /** version asked for */
  fromVer: string;
  /** newest version held after the sync (asked for next time) */
  toVer: string;
  /** rows in the file */
  rows: number;
  upserted: number;
  skipped: number;
  /** downloaded bytes */
  bytes: number;
  fileQuryNo: string | null;
  /** data_cnt announced by the center, when given */
  dataCnt: number | null;
  warnings: string[];
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Downloads a catalog (infno → 9102 → unzip → parse) and upserts its rows with their versions; records the
 *  newest version held. A second call is incremental: it asks for the newest version held. */
export async function syncCatalog(o: SyncCatalogOptions): Promise<SyncCatalogResult> {
  const { infno, db } = o;
  const r = resolveLayout(infno, o.layout);
  if (!r.layout.file) {
    throw YibaoError.host('CATALOG_SYNC', `${infno} ${r.layout.name} returns rows directly (paged query), not a file; store them with storeCatalogRows`);
  }
  const fromVer = o.ver ?? localCatalogVersion(db, infno) ?? r.layout.initialVer;
  const reply = await o.call(infno, { data: { ver: fromVer } });
  if (Number(reply.infcode) !== 0) {
    throw YibaoError.host('CATALOG_SYNC', `${infno} ver ${fromVer}: infcode ${str(reply.infcode)}: ${str(reply.err_msg)}`);
  }
  const output = (reply.output && typeof reply.output === 'object' ? reply.output : {}) as Record<string, unknown>;
  const nested = (k: string) => (output[k] && typeof output[k] === 'object' ? (output[k] as Record<string, unknown>) : {});
  const info = output.file_qury_no !== undefined ? output : nested('fileinfo').file_qury_no !== undefined ? nested('fileinfo') : nested('data');
  const fileQuryNo = str(info.file_qury_no) || null;
  const dataCntText = str(info.data_cnt ?? output.data_cnt);
  const dataCnt = /^\d+$/.test(dataCntText) ? Number(dataCntText) : null;
  const syncedAt = (o.now?.() ?? new Date()).toISOString();
  const warnings: string[] = [];
  const record = db.prepare('INSERT INTO catalog_versions (infno, ver, from_ver, synced_at, rows, bytes, file_qury_no) VALUES (?, ?, ?, ?, ?, ?, ?)');

  if (!fileQuryNo) {
    if (dataCnt === 0) {
      record.run(infno, fromVer, fromVer, syncedAt, 0, 0, null);
      return { infno, fromVer, toVer: fromVer, rows: 0, upserted: 0, skipped: 0, bytes: 0, fileQuryNo: null, dataCnt, warnings };
    }
    throw YibaoError.host('CATALOG_SYNC', `${infno} ver ${fromVer}: the reply has no file_qury_no`);
  }
  const filename = typeof o.filename === 'function' ? o.filename(info) : (o.filename ?? 'plc');
  const zip = await o.download(fileQuryNo, filename, o.onProgress);
  const txt = unzipCatalog(zip);
  const rows = iterateCatalogTxt(txt, { columns: r.columnCount });
  const stored = db.transaction(() => {
    const s = storeCatalogRows(db, infno, rows, { layout: o.layout, syncedAt });
    const toVer = s.maxVer !== null && compareVer(s.maxVer, fromVer) > 0 ? s.maxVer : fromVer;
    record.run(infno, toVer, fromVer, syncedAt, s.rows, zip.length, fileQuryNo);
    return { ...s, toVer };
  })();
  if (dataCnt !== null && dataCnt !== stored.rows) warnings.push(`the center announced ${dataCnt} rows, the file has ${stored.rows}`);
  if (stored.rows > 0 && stored.toVer === fromVer && fromVer !== r.layout.initialVer) {
    warnings.push(`no row is newer than the version asked for (${fromVer}): check the version column of the ${infno} layout`);
  }
  return { infno, fromVer, toVer: stored.toVer, rows: stored.rows, upserted: stored.upserted, skipped: stored.skipped, bytes: zip.length, fileQuryNo, dataCnt, warnings };
}

// ---- progress --------------------------------------------------------------------------------

function size(n: number, unit: number): string {
  return (n / unit).toFixed(1);
}

/** One progress line for a terminal, starting with \r: `\r[#####.....] 45% 1.2/2.7 MB`; with an unknown
 *  total `\r[??????????] 1.2 MB`. KB below 1 MB. */
export function renderProgress(received: number, total: number | null, width = 10): string {
  const w = Math.max(1, Math.floor(width));
  const MB = 1024 * 1024;
  const big = Math.max(received, total ?? 0) >= MB;
  const unit = big ? MB : 1024;
  const label = big ? 'MB' : 'KB';
  if (total === null || !(total > 0)) return `\r[${'?'.repeat(w)}] ${size(received, unit)} ${label}`;
  const frac = Math.min(1, Math.max(0, received / total));
  const filled = Math.floor(frac * w);
  const pct = Math.floor(frac * 100);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(w - filled)}] ${pct}% ${size(Math.min(received, total), unit)}/${size(total, unit)} ${label}`;
}
