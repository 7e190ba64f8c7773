// The SQLite journal: the shared Journal conformance suite, plus what is specific to SQLite (pragmas, the
// file layout in --state DIR, several processes on one file).
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { runJournalConformance, intent } from './journal.case.test.js';
import { openSqliteJournal, journalPath } from './journal-sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'yibao-journal-'));

runJournalConformance({ name: 'sqlite', kind: 'sqlite', open: () => openSqliteJournal(dir) });

describe('sqlite journal specifics', () => {
  it('lives in DIR/journal.db (or the file given), in WAL mode with synchronous=FULL and a live-key partial unique index', async () => {
    const d = join(dir, 'layout', 'state');
    expect(journalPath(d)).toBe(join(d, 'journal.db'));
    expect(journalPath(join(dir, 'x.db'))).toBe(join(dir, 'x.db'));
    const j = await openSqliteJournal(d);
    expect(j.file).toBe(join(d, 'journal.db'));
    await j.close();
    const db = new Database(join(d, 'journal.db'), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const idx = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'journal_live_key'`).get() as { sql: string };
      expect(idx.sql).toMatch(/UNIQUE INDEX .*\(his_key, op\) WHERE state NOT IN \('failed', 'cancelled', 'reversed'\)/);
    } finally {
      db.close();
    }
    const j2 = await openSqliteJournal(d);
    const raw = (j2 as unknown as { file: string }).file;
    expect(raw).toBe(join(d, 'journal.db'));
    await j2.close();
  });

  it('a closed journal refuses work with STATE_ERROR; closing twice is fine', async () => {
    const j = await openSqliteJournal(join(dir, 'closed'));
    await j.close();
    await j.close();
    await expect(j.begin(intent())).rejects.toMatchObject({ code: 'STATE_ERROR' });
  });

  it('an unusable path is a STATE_ERROR', async () => {
    const f = join(dir, 'plain-file');
    writeFileSync(f, 'not a database');
    await expect(openSqliteJournal(f)).rejects.toMatchObject({ code: 'STATE_ERROR' });
  });

  it('bad filters are refused', async () => {
    const j = await openSqliteJournal(dir);
    try {
      await expect(j.list({ date: '2026/01/01' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(j.begin({ ...intent(), his_key: '' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    } finally {
      await j.close();
    }
  });

  it('eight processes racing to begin the same HIS key: exactly one wins, the others get DUPLICATE', async () => {
    const key = `RACE-${Date.now()}`;
    const file = join(dir, 'race.db');
    (await openSqliteJournal(file)).close();
    // the children use the built package (npm run build): the same code the CLI and a HIS run
    const dist = new URL('../dist/index.js', import.meta.url).href;
    const script = `
      import { openSqliteJournal } from ${JSON.stringify(dist)};
      const j = await openSqliteJournal(process.argv[2]);
      const n = Number(process.argv[4]);
      try {
        const e = await j.begin({ msgid: 'M' + n + '-' + process.pid, infno: '2207', op: 'settle', region: 'sichuan', his_key: process.argv[3], input_json: '{}', input_digest: 'x' });
        console.log('WON ' + e.id);
      } catch (err) { console.log('LOST ' + err.code); }
      await j.close();
    `;
    const sfile = join(dir, 'race.mjs');
    writeFileSync(sfile, script);
    const outs = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        new Promise<string>((resolve, reject) => {
          const c = spawn(process.execPath, [sfile, file, key, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          c.stdout.on('data', (b) => (out += b));
          c.stderr.on('data', (b) => (err += b));
          c.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`child ${code}: ${err}`))));
        }),
      ),
    );
    expect(outs.filter((o) => o.startsWith('WON'))).toHaveLength(1);
    expect(outs.filter((o) => o === 'LOST DUPLICATE')).toHaveLength(7);
  });
});
