// The journaled 门诊统筹 API (plugins/sichuan-xnh/reliable.ts) with the shared legacy cases
// (plugins/legacy/reliable.case.ts) against the SOAP sandbox: settle → commit (SureInt), settle → abort
// (DeleteInt), a lost LoginInt reply resolved by QueryMZTCInfo3 + DeleteInt, pending entries recovered with
// the HIS's answer; and `yibao recover` wiring (LegacyRegionCli.reliable).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../host-node/src/core.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import { runLegacyReliableCases, billFor } from '../legacy/reliable.case.js';
import { SichuanXnhClient } from './client.js';
import { createSichuanXnhReliableClient } from './reliable.js';
import { startSichuanXnhSandbox, type XnhSandbox } from './sandbox/index.js';

const core = createCore();
let sb: XnhSandbox;
beforeAll(async () => {
  sb = await startSichuanXnhSandbox({ core });
});
afterAll(async () => sb?.close());

describe('sichuan-xnh reliable client (journal + op 70, two-phase LoginInt / SureInt / DeleteInt)', () => {
  let client: SichuanXnhClient;
  const c = () => (client ??= new SichuanXnhClient({ core, url: sb.url, ...sb.identity, timeoutMs: 5000 }));
  runLegacyReliableCases({
    name: 'sichuan-xnh',
    make: (journal) => createSichuanXnhReliableClient({ client: c(), journal }),
    inForce: (psn) => [...sb.center.kernel.settlements.values()].filter((s) => s.pid === psn && s.kind === 'settle' && s.status === 'valid').length,
    loseNextReply: () => sb.fault({ kind: 'drop', method: 'MZTCZLoginInt' }),
    lostReplyIsManual: false,
  });

  it('sichuan-xnh: the journal holds the mztczID; an inpatient settle is NOT_SUPPORTED (nothing journaled)', async () => {
    const j = await openSqliteJournal(mkdtempSync(join(tmpdir(), 'yibao-xnh-rel-')));
    const rc = createSichuanXnhReliableClient({ client: c(), journal: j });
    const p = await rc.settle({ his_key: 'X-1', bill: billFor(11) });
    const e = (await j.get(p.journalId))!;
    expect(e).toMatchObject({ state: 'succeeded', infno: 'MZTCZLoginInt', setl_id: p.setl_id, mdtrt_id: 'MZR11' });
    expect((await c().QueryMZTCInfo3(p.psn_no, '0')).map((x) => x.mztczID)).toEqual([p.setl_id]);
    await rc.commit('X-1');
    expect((await c().QueryMZTCInfo3(p.psn_no, '1')).map((x) => x.mztczID)).toEqual([p.setl_id]);
    await expect(rc.settle({ his_key: 'X-2', bill: billFor(12), inpatient: true })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    expect(await j.list({ his_key: 'X-2' })).toEqual([]);
    await j.close();
  });
});
