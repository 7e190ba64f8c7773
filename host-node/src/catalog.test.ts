// Catalog TXT parsing, zip handling, SQLite storage and full + incremental sync against fake call/download.
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { zipSync, strToU8 } from 'fflate';
import { YibaoError } from './errors.js';
import {
  CATALOG_LAYOUTS, catalogRecord, compareVer, getCatalogRow, localCatalogVersion, openCatalogDb, parseCatalogTxt,
  renderProgress, resolveLayout, syncCatalog, unzipCatalog, type CatalogCallResult,
} from './catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'yibao-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const enc = new TextEncoder();

function thrown(f: () => unknown): YibaoError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(YibaoError);
    return e as YibaoError;
  }
  throw new Error('expected a YibaoError');
}

describe('parseCatalogTxt', () => {
  it('TAB fields, \\n and \\r\\n, literal null, empty fields, empty lines, BOM, no trailing newline', () => {
    const txt = '\ufeffA001\t阿莫西林\tnull\t\t1\r\n\nA002\t布洛芬\t0.25\tnull\t0\nA003\tx';
    expect(parseCatalogTxt(enc.encode(txt))).toEqual([
      ['A001', '阿莫西林', null, '', '1'],
      ['A002', '布洛芬', '0.25', null, '0'],
      ['A003', 'x'],
    ]);
  });

  it('Java Date.toString() dates and other text stay verbatim; "NULL" and "null " are not null', () => {
    const rows = parseCatalogTxt(enc.encode('B1\tThu Nov 30 00:00:00 CST 2006\tNULL\tnull \t2021-01-01 00:00:00\n'));
    expect(rows).toEqual([['B1', 'Thu Nov 30 00:00:00 CST 2006', 'NULL', 'null ', '2021-01-01 00:00:00']]);
  });

  it('drops columns beyond the documented count when it is known', () => {
    expect(parseCatalogTxt(enc.encode('a\tb\tc\td\n'), { columns: 2 })).toEqual([['a', 'b']]);
    expect(parseCatalogTxt(enc.encode('a\tb\n'), { columns: 5 })).toEqual([['a', 'b']]);
  });

  it('empty input gives no rows; invalid UTF-8 is a clear error', () => {
    expect(parseCatalogTxt(new Uint8Array())).toEqual([]);
    expect(parseCatalogTxt(enc.encode('\n\r\n\n'))).toEqual([]);
    const e = thrown(() => parseCatalogTxt(new Uint8Array([0x41, 0x09, 0xd2, 0xbd, 0xb1]))); // GBK bytes
    expect(e.code).toBe('CATALOG_FILE');
    expect(e.detail).toContain('UTF-8');
  });
});

describe('unzipCatalog', () => {
  it('returns the one .txt entry (directories and other files ignored)', () => {
    const txt = enc.encode('A\tB\n');
    const zip = zipSync({ 'd/': new Uint8Array(), 'd/readme.md': strToU8('x'), 'd/20210421.txt': txt });
    expect(Array.from(unzipCatalog(zip))).toEqual(Array.from(txt));
  });

  it('zero or several .txt entries, a non-zip and a corrupt zip are CATALOG_ARCHIVE errors', () => {
    expect(thrown(() => unzipCatalog(zipSync({ 'a.csv': strToU8('x') }))).code).toBe('CATALOG_ARCHIVE');
    const two = thrown(() => unzipCatalog(zipSync({ 'a.txt': strToU8('x'), 'b.TXT': strToU8('y') })));
    expect(two.detail).toContain('found 2');
    const json = thrown(() => unzipCatalog(enc.encode('{"infcode":-1,"err_msg":"文件不存在"}')));
    expect(json.code).toBe('CATALOG_ARCHIVE');
    expect(json.detail).toContain('文件不存在');
    const zip = zipSync({ 'a.txt': strToU8('hello hello hello hello') });
    expect(thrown(() => unzipCatalog(zip.subarray(0, zip.length - 30))).code).toBe('CATALOG_ARCHIVE');
  });
});

describe('layouts', () => {
  it('cover 1301–1319; key = first column; ver by name where the columns are known', () => {
    for (let n = 1301; n <= 1319; n++) expect(CATALOG_LAYOUTS[String(n)], String(n)).toBeDefined();
    const l1301 = resolveLayout('1301');
    expect(l1301.keyIdx).toEqual([0]);
    expect(l1301.layout.columns[0]).toBe('med_list_codg');
    expect(l1301.layout.columns[l1301.verIdx([])]).toBe('ver');
    expect(l1301.layout.columns[l1301.valiIdx]).toBe('vali_flag');
    // unknown column list: last-but-4 of the row itself
    const l1305 = resolveLayout('1305');
    expect(l1305.columnCount).toBeNull();
    expect(l1305.verIdx(['a', 'b', 'c', 'v', 'x', 'y', 'z', 'w'])).toBe(3);
    expect(resolveLayout('1305', { ver: { fromEnd: 0 } }).verIdx(['a', 'b'])).toBe(1);
    expect(resolveLayout('1306', { columns: ['code', 'name', 'ver', 'flag'] }).verIdx([])).toBe(2);
    expect(resolveLayout('1306', { columns: ['code', 'x', 'ver'], key: ['code', 1] }).keyIdx).toEqual([0, 1]);
    expect(thrown(() => resolveLayout('1306', { ver: 'ver' })).code).toBe('CATALOG_FILE');
  });

  it('versions compare with numeric runs as numbers', () => {
    expect(compareVer('9', '10')).toBeLessThan(0);
    expect(compareVer('20210401_10', '20210401_9')).toBeGreaterThan(0);
    expect(compareVer('F001_20210101_A', 'F001_20210101_A')).toBe(0);
    expect(compareVer('0', '20210101')).toBeLessThan(0);
    expect(compareVer('V1.10', 'V1.9')).toBeGreaterThan(0);
    expect(compareVer('a', 'ab')).toBeLessThan(0);
  });

  it('catalogRecord names the columns', () => {
    const rec = catalogRecord('1313', ['T1', '第3版', 'c', 'cell', 'm', 'mt', '1', 'rid']);
    expect(rec).toMatchObject({ tmor_mpy_id: 'T1', ver_name: '第3版', vali_flag: '1', rid: 'rid' });
  });
});

// ---- sync against fake call/download --------------------------------------------------------

/** A 1313 row (22 documented columns: ..., ver at index 17, then 4 transfer columns) plus an extra column. */
function row1313(id: string, name: string, ver: string, vali = '1'): string {
  const audit = [vali, `rid-${id}-${ver}`, 'Thu Nov 30 00:00:00 CST 2006', '2021-04-21 10:00:00', 'u1', '张三', 'org', 'u2', '李四', '2021-04-21 10:00:00', 'org2', ver];
  return [id, 'ICD-O-3', `C${id}`, name, `M${id}`, '形态', ...audit, '1', 'null', 'null', 'null', 'EXTRA'].join('\t');
}

interface Fake {
  call: (infno: string, input: unknown) => Promise<CatalogCallResult>;
  download: (q: string, f: string, p?: (r: number, t: number | null) => void) => Promise<Uint8Array>;
  calls: { infno: string; input: unknown }[];
  downloads: { q: string; f: string }[];
}

function fakeCenter(files: Record<string, string>): Fake {
  const f: Fake = {
    calls: [],
    downloads: [],
    async call(infno, input) {
      f.calls.push({ infno, input });
      const ver = (input as { data: { ver: string } }).data.ver;
      const txt = files[ver];
      if (txt === undefined) return { infcode: -1, err_msg: `版本号${ver}不存在`, output: {} };
      if (txt === '') return { infcode: '0', err_msg: null, output: { file_qury_no: null, data_cnt: 0 } };
      return { infcode: 0, err_msg: null, output: { file_qury_no: `fsi/plc/${ver}`, filename: `${ver}.txt.zip`, dld_end_time: '2099-01-01', data_cnt: txt.trim().split('\n').length } };
    },
    async download(q, fname, onProgress) {
      f.downloads.push({ q, f: fname });
      const ver = q.replace('fsi/plc/', '');
      const zip = zipSync({ [`${ver}.txt`]: strToU8(files[ver]) });
      const half = Math.floor(zip.length / 2);
      onProgress?.(0, zip.length);
      onProgress?.(half, zip.length);
      onProgress?.(zip.length, zip.length);
      return zip;
    },
  };
  return f;
}

describe('syncCatalog', () => {
  const file = join(dir, 'catalog.db');
  const full = [row1313('8000', '肿瘤，无法归类', '20210401_9'), row1313('8001', '瘤细胞', '20210401_10'), row1313('8002', '恶性肿瘤', '20210401_10', '0')].join('\r\n') + '\r\n';
  const incr = [row1313('8001', '瘤细胞，良性', '20210520_1'), row1313('8003', '新增', '20210520_2')].join('\n');
  const center = fakeCenter({ '0': full, '20210401_10': incr, '20210520_2': '' });

  it('full, then incremental, then nothing new; rows and versions checked with a fresh connection', async () => {
    const db = openCatalogDb(file);
    const progress: [number, number | null][] = [];
    const t1 = new Date('2026-01-02T03:04:05Z');

    const r1 = await syncCatalog({ infno: '1313', db, call: center.call, download: center.download, onProgress: (a, b) => progress.push([a, b]), now: () => t1 });
    expect(r1).toMatchObject({ infno: '1313', fromVer: '0', toVer: '20210401_10', rows: 3, upserted: 3, skipped: 0, fileQuryNo: 'fsi/plc/0', dataCnt: 3, warnings: [] });
    expect(r1.bytes).toBeGreaterThan(0);
    expect(center.calls[0]).toEqual({ infno: '1313', input: { data: { ver: '0' } } });
    expect(center.downloads[0]).toEqual({ q: 'fsi/plc/0', f: 'plc' });
    expect(progress[progress.length - 1]).toEqual([r1.bytes, r1.bytes]);

    const r2 = await syncCatalog({ infno: '1313', db, call: center.call, download: center.download });
    expect(r2).toMatchObject({ fromVer: '20210401_10', toVer: '20210520_2', rows: 2, upserted: 2 });
    expect(center.calls[1].input).toEqual({ data: { ver: '20210401_10' } });

    const r3 = await syncCatalog({ infno: '1313', db, call: center.call, download: center.download });
    expect(r3).toMatchObject({ fromVer: '20210520_2', toVer: '20210520_2', rows: 0, bytes: 0, fileQuryNo: null });
    expect(center.downloads.length).toBe(2);
    expect(localCatalogVersion(db, '1313')).toBe('20210520_2');
    db.close();

    const fresh = new Database(file, { readonly: true });
    expect(fresh.pragma('journal_mode', { simple: true })).toBe('wal');
    const rows = fresh.prepare("SELECT key, ver, vali_flag, fields, synced_at FROM catalog_rows WHERE infno = '1313' ORDER BY key").all() as {
      key: string; ver: string; vali_flag: string | null; fields: string; synced_at: string;
    }[];
    expect(rows.map((r) => [r.key, r.ver, r.vali_flag])).toEqual([
      ['8000', '20210401_9', '1'],
      ['8001', '20210520_1', '1'],
      ['8002', '20210401_10', '0'],
      ['8003', '20210520_2', '1'],
    ]);
    const f8001 = JSON.parse(rows[1].fields) as (string | null)[];
    expect(f8001[3]).toBe('瘤细胞，良性');
    expect(f8001.length).toBe(CATALOG_LAYOUTS['1313'].columns.length); // the EXTRA column was dropped
    expect(f8001[f8001.length - 1]).toBeNull(); // invd_time "null"
    expect(JSON.parse(rows[0].fields)[8]).toBe('Thu Nov 30 00:00:00 CST 2006');
    expect(rows[0].synced_at).toBe(t1.toISOString());
    const versions = fresh.prepare("SELECT infno, ver, from_ver, rows, bytes, file_qury_no FROM catalog_versions WHERE infno = '1313' ORDER BY id").all();
    expect(versions).toEqual([
      { infno: '1313', ver: '20210401_10', from_ver: '0', rows: 3, bytes: r1.bytes, file_qury_no: 'fsi/plc/0' },
      { infno: '1313', ver: '20210520_2', from_ver: '20210401_10', rows: 2, bytes: r2.bytes, file_qury_no: 'fsi/plc/20210401_10' },
      { infno: '1313', ver: '20210520_2', from_ver: '20210520_2', rows: 0, bytes: 0, file_qury_no: null },
    ]);
    fresh.close();

    const again = openCatalogDb(file);
    expect(getCatalogRow(again, '1313', '8003')?.fields[3]).toBe('新增');
    expect(getCatalogRow(again, '1313', 'nope')).toBeUndefined();
    again.close();
  });

  it('an older row never replaces a newer stored one; the filename can come from the reply', async () => {
    const db = openCatalogDb(join(dir, 'older.db'));
    const c = fakeCenter({
      '0': row1313('9000', 'new', '20220101_1') + '\n' + row1313('9000', 'old', '20210101_1') + '\n',
    });
    const r = await syncCatalog({ infno: '1313', db, call: c.call, download: c.download, filename: (out) => String(out.filename) });
    expect(r).toMatchObject({ rows: 2, upserted: 1, skipped: 1, toVer: '20220101_1' });
    expect(c.downloads[0].f).toBe('0.txt.zip');
    expect(getCatalogRow(db, '1313', '9000')?.fields[3]).toBe('new');
    db.close();
  });

  it('center refusal, a missing file number, a wrong layout and a bad archive are clear errors; nothing is half-stored', async () => {
    const db = openCatalogDb(join(dir, 'errors.db'));
    const c = fakeCenter({ '0': row1313('1', 'a', 'v1') + '\nbroken-line-without-version\n' });
    const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as YibaoError);
    const refused = await fail(syncCatalog({ infno: '1313', db, call: c.call, download: c.download, ver: 'nope' }));
    expect(refused).toMatchObject({ code: 'CATALOG_SYNC' });
    expect(refused.detail).toContain('版本号nope不存在');

    const bad = await fail(syncCatalog({ infno: '1313', db, call: c.call, download: c.download }));
    expect(bad).toMatchObject({ code: 'CATALOG_FILE' });
    expect(bad.detail).toContain('line 2');
    expect(db.prepare('SELECT count(*) AS n FROM catalog_rows').get()).toEqual({ n: 0 });
    expect(localCatalogVersion(db, '1313')).toBeNull();

    const noFile = { call: async () => ({ infcode: 0, output: { data_cnt: 5 } }), download: c.download };
    expect(await syncCatalog({ infno: '1313', db, ...noFile }).catch((e) => e.code)).toBe('CATALOG_SYNC');

    const notZip = { call: c.call, download: async () => enc.encode('{"infcode":-1}') };
    expect(await syncCatalog({ infno: '1313', db, ...notZip }).catch((e) => e.code)).toBe('CATALOG_ARCHIVE');

    expect(await syncCatalog({ infno: '1312', db, call: c.call, download: c.download }).catch((e) => e.code)).toBe('CATALOG_SYNC');
    db.close();
  });

  it('an unknown column list uses last-but-N of each row, overridable', async () => {
    const db = openCatalogDb(join(dir, 'unknown.db'));
    const line = (code: string, ver: string) => [code, '项目', 'null', '1', 'rid', ver, 'a', 'b', 'c', 'd'].join('\t');
    const c = fakeCenter({ '0': `${line('001', 'V5')}\n${line('002', 'V12')}\n` });
    const r = await syncCatalog({ infno: '1305', db, call: c.call, download: c.download });
    expect(r.toVer).toBe('V12');
    const c2 = fakeCenter({ '0': `${line('001', 'V5')}\n` });
    const r2 = await syncCatalog({ infno: '1306', db, call: c2.call, download: c2.download, layout: { ver: { fromEnd: 0 } } });
    expect(r2.toVer).toBe('d');
    db.close();
  });

  it('the catalog tables can live in an existing database', () => {
    const raw = new Database(':memory:');
    raw.exec('CREATE TABLE other (x)');
    const db = openCatalogDb(raw);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => (r as { name: string }).name)).toEqual(
      expect.arrayContaining(['catalog_rows', 'catalog_versions', 'other']),
    );
    raw.close();
  });
});

describe('renderProgress', () => {
  it('draws a bar with percent and sizes', () => {
    const MB = 1024 * 1024;
    expect(renderProgress(Math.round(1.2 * MB), Math.round(2.7 * MB), 10)).toBe('\r[####......] 44% 1.2/2.7 MB');
    expect(renderProgress(0, 2 * MB)).toBe('\r[..........] 0% 0.0/2.0 MB');
    expect(renderProgress(2 * MB, 2 * MB)).toBe('\r[##########] 100% 2.0/2.0 MB');
    expect(renderProgress(512, 2048, 4)).toBe('\r[#...] 25% 0.5/2.0 KB');
    expect(renderProgress(3 * MB, null)).toBe('\r[??????????] 3.0 MB');
    expect(renderProgress(5 * MB, 4 * MB)).toBe('\r[##########] 100% 4.0/4.0 MB');
  });
});
