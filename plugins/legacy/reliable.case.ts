// Shared cases of the legacy reliable clients (plugins/<region>/reliable.test.ts): settle → commit, settle →
// abort (the center shows it undone), a lost reply resolved by settle() itself / recover().
import { expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bill } from '../../host-node/src/flows.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import type { ReliableClient } from '../../host-node/src/reliable.js';
import { idCheckChar } from '../national/sandbox/persons.js';

const demo = JSON.parse(readFileSync(fileURLToPath(new URL('../../test/fixtures/demo-outpatient.json', import.meta.url)), 'utf8')) as Bill;

export function idNo(seq: number, prefix = '510104'): string {
  const first17 = `${prefix}19910101${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}
export const billFor = (seq: number, prefix?: string): Bill => ({ ...demo, mdtrt_cert_type: '02', mdtrt_cert_no: idNo(seq, prefix), ipt_otp_no: `MZR${seq}` });

export interface LegacyCase {
  name: string;
  make(journal: Journal): ReliableClient;
  /** valid (in force) settlements at the center of the entry's visit / person */
  inForce(psn_no: string): number;
  /** the next money call executes at the center but its reply is lost (once) */
  loseNextReply(): void;
  /** when a lost reply leaves the entry for a person (one-phase regions): the expected recover() outcome */
  lostReplyIsManual: boolean;
}

export function runLegacyReliableCases(c: LegacyCase): void {
  const journal = () => openSqliteJournal(mkdtempSync(join(tmpdir(), `yibao-${c.name}-rel-`)));

  it(`${c.name}: settle → commit; a second settle of the key is DUPLICATE`, async () => {
    const j = await journal();
    const rc = c.make(j);
    const p = await rc.settle({ his_key: 'K-1', bill: billFor(1) });
    expect(p.setlinfo.medfee_sumamt).toBe(44120);
    expect((await j.get(p.journalId))!.state).toBe('succeeded');
    await rc.commit('K-1');
    expect((await j.get(p.journalId))!.state).toBe('confirmed');
    expect(c.inForce(p.psn_no)).toBe(1);
    await rc.commit('K-1');
    expect(((await rc.settle({ his_key: 'K-1', bill: billFor(1) }).catch((x) => x)) as { code: string }).code).toBe('DUPLICATE');
    await expect(rc.refund({ his_key: 'K-1' })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await j.close();
  });

  it(`${c.name}: settle → abort undoes it at the center; the key may settle again`, async () => {
    const j = await journal();
    const rc = c.make(j);
    const p = await rc.settle({ his_key: 'K-2', bill: billFor(2) });
    await rc.abort('K-2');
    expect((await j.get(p.journalId))!).toMatchObject({ state: 'cancelled' });
    expect(c.inForce(p.psn_no)).toBe(0);
    await rc.abort('K-2');
    const again = await rc.settle({ his_key: 'K-2', bill: { ...billFor(2), ipt_otp_no: 'MZR2B' } });
    await rc.commit('K-2');
    expect(c.inForce(again.psn_no)).toBe(1);
    await j.close();
  });

  it(`${c.name}: a lost reply while the HIS waits, and pending settlements recovered with the HIS's answer`, async () => {
    const j = await journal();
    const rc = c.make(j);
    c.loseNextReply();
    const e = (await rc.settle({ his_key: 'K-3', bill: billFor(3) }).catch((x) => x)) as { code: string; message: string };
    const [u] = await j.list({ his_key: 'K-3' });
    if (c.lostReplyIsManual) {
      expect(e.code, e.message).toBe('OUTCOME_UNKNOWN');
      expect(u!.state).toBe('unknown');
      expect(c.inForce(u!.psn_no!)).toBe(1);
      const r = await rc.recover({ hisCommitted: async () => false });
      expect(r.errors.find((x) => x.his_key === 'K-3')?.error).toMatch(/^manual: /);
    } else {
      expect(e.code, e.message).toBe('NOT_SETTLED');
      expect(u!.state).toBe('reversed');
      expect(c.inForce(u!.psn_no!)).toBe(0);
    }
    // an intent whose call never left (crash before the send): recover() proves nothing is in force
    const gone = c.make(j);
    const a = await gone.settle({ his_key: 'K-4', bill: billFor(4) });
    const b = await gone.settle({ his_key: 'K-5', bill: billFor(5) });
    const rc2 = c.make(j);
    // still leased by a live owner: left alone
    expect((await rc2.recover({ hisCommitted: async () => true })).errors.filter((x) => ['K-4', 'K-5'].includes(x.his_key)).every((x) => /leased/.test(x.error))).toBe(true);
    await j.release(a.journalId, gone.owner);
    await j.release(b.journalId, gone.owner);
    const r = await rc2.recover({ hisCommitted: async (k) => k === 'K-4' });
    expect(r).toMatchObject({ confirmed: 1, cancelled: 1 });
    expect(c.inForce(a.psn_no)).toBe(1);
    expect(c.inForce(b.psn_no)).toBe(0);
    await j.close();
  });
}
