// The PostgreSQL journal against a real PostgreSQL server that this test starts (initdb + pg_ctl in a
// temporary directory; see testing/postgres.ts). No PostgreSQL installed = a failing test saying what to install.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { runJournalConformance, intent } from './journal.case.test.js';
import { openPostgresJournal } from './journal-postgres.js';
import { startPostgres, type PgServer } from './testing/postgres.js';

let server: PgServer | undefined;
let url = '';

// file-level hooks run before the suites' own: the server is up before the conformance suite opens a journal
beforeAll(async () => {
  server = await startPostgres();
  url = server.url;
}, 120000);
afterAll(async () => {
  await server?.stop();
});

runJournalConformance({ name: 'postgres', kind: 'postgres', open: () => openPostgresJournal(url) });

describe('postgres journal specifics', () => {
  it('two agents opening an empty database at once both get the schema (advisory lock)', async () => {
    const table = `race_schema_${Date.now()}`;
    const js = await Promise.all(Array.from({ length: 4 }, () => openPostgresJournal(url, { table })));
    const e = await js[0]!.begin(intent());
    expect((await js[3]!.get(e.id))?.msgid).toBe(e.msgid);
    for (const j of js) await j.close();
  });

  it('leases use the database clock and the live-key rule is a partial unique index', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const idx = await c.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'yibao_journal' AND indexname = 'yibao_journal_live_key'`);
      expect(String(idx.rows[0]?.indexdef)).toMatch(/UNIQUE INDEX .*\(his_key, op\) WHERE/);
    } finally {
      await c.end();
    }
  });

  it('an unreachable server is a STATE_ERROR naming postgres', async () => {
    await expect(openPostgresJournal('postgres://yibao@127.0.0.1:1/none')).rejects.toMatchObject({ code: 'STATE_ERROR' });
  });
});
