// The journaled 门诊 API for Liuzhou (plugins/liuzhou/reliable.ts) with the shared legacy cases
// (plugins/legacy/reliable.case.ts) against the SOAP sandbox behind its fault-injecting front: settle → commit,
// settle → abort (mzjstfjk), a dropped mzjsjk reply left for a person (no query: manual), pending entries
// recovered with the HIS's answer; then Liuzhou's own: the manual entry blocks a HIS retry (DUPLICATE) and
// recover() reports it left; abort() refunds at the center; an unknown outcome whose 门诊编号 is known is
// refunded (presumed abort); inpatient is NOT_SUPPORTED (nothing journaled).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { openSqliteJournal } from '../../host-node/src/journal-sqlite.js';
import { runLegacyReliableCases, billFor } from '../legacy/reliable.case.js';
import { LiuzhouClient } from './client.js';
import { createLiuzhouReliableClient } from './reliable.js';
import { startLiuzhouSandbox, type LiuzhouSandbox } from './sandbox/index.js';

const core = createCore();
let sb: LiuzhouSandbox;
beforeAll(async () => {
  sb = await startLiuzhouSandbox({ core, faults: true });
});
afterAll(async () => sb?.close());

const journal = () => openSqliteJournal(mkdtempSync(join(tmpdir(), 'yibao-lz-rel-')));
/** the center's settlements of a person (参合证号 or ID number) by status */
const ledger = (psn: string) => {
  const pid = sb.center.kernel.person(psn).pid;
  return [...sb.center.kernel.settlements.values()].filter((s) => s.pid === pid && s.kind === 'settle');
};
const inForce = (psn: string) => ledger(psn).filter((s) => s.status === 'valid').length;

describe('liuzhou reliable client (journal + op 70 protocol chongqing: mzjsjk / mzjstfjk, no query)', () => {
  let client: LiuzhouClient;
  const c = () => (client ??= new LiuzhouClient({ core, url: sb.url, hospitalCode: sb.hospitalCode, user: sb.user, password: sb.password, config: sb.config }));
  runLegacyReliableCases({
    name: 'liuzhou',
    make: (j) => createLiuzhouReliableClient({ client: c(), journal: j }),
    inForce,
    loseNextReply: () => sb.fault({ kind: 'drop', method: 'mzjsjk' }),
    lostReplyIsManual: true,
  });

  it('liuzhou: a dropped mzjsjk reply after the center settled → manual; the HIS retry of the key is DUPLICATE; recover leaves it', async () => {
    const j = await journal();
    const rc = createLiuzhouReliableClient({ client: c(), journal: j });
    sb.fault({ kind: 'drop', method: 'mzjsjk' });
    const e = (await rc.settle({ his_key: 'LZ-1', bill: billFor(21) }).catch((x) => x)) as { code: string; message: string };
    expect(e.code, e.message).toBe('OUTCOME_UNKNOWN');
    const [u] = await j.list({ his_key: 'LZ-1' });
    expect(u).toMatchObject({ state: 'unknown', infno: 'mzjsjk', mdtrt_id: 'MZR21' });
    expect(u!.error).toMatch(/合管中心/);
    expect(inForce(u!.psn_no!)).toBe(1);
    // the HIS retries with the same key: refused before anything is sent (still one settlement at the center)
    const again = (await rc.settle({ his_key: 'LZ-1', bill: { ...billFor(21), ipt_otp_no: 'MZR21B' } }).catch((x) => x)) as { code: string };
    expect(again.code).toBe('DUPLICATE');
    expect(inForce(u!.psn_no!)).toBe(1);
    // recover: never repeated nor guessed — left for a person, the settlement untouched
    for (let i = 0; i < 2; i++) {
      const r = await rc.recover({ hisCommitted: async () => false });
      expect(r.left).toBeGreaterThanOrEqual(1);
      expect(r.errors.find((x) => x.his_key === 'LZ-1')?.error).toMatch(/^manual: .*合管中心/);
    }
    expect((await j.get(u!.id))!.state).toBe('unknown');
    expect(inForce(u!.psn_no!)).toBe(1);
    expect((await rc.settle({ his_key: 'LZ-1', bill: billFor(21) }).catch((x) => x)).code).toBe('DUPLICATE');
    await j.close();
  });

  it('liuzhou: abort() after a successful settle refunds it with mzjstfjk(门诊编号); the ledger shows it refunded', async () => {
    const j = await journal();
    const rc = createLiuzhouReliableClient({ client: c(), journal: j });
    const p = await rc.settle({ his_key: 'LZ-2', bill: billFor(22) });
    expect(p.setl_id).toMatch(/^MZ/);
    expect((await j.get(p.journalId))!).toMatchObject({ state: 'succeeded', infno: 'mzjsjk', setl_id: p.setl_id });
    expect(p.setlinfo.fund_pay_sumamt as number + (p.setlinfo.psn_cash_pay as number)).toBe(44120);
    expect(ledger(p.psn_no).map((s) => s.status)).toEqual(['valid']);
    await rc.abort('LZ-2');
    expect((await j.get(p.journalId))!).toMatchObject({ state: 'cancelled', undo_msgid: p.setl_id });
    expect(ledger(p.psn_no).map((s) => s.status)).toEqual(['reversed']);
    expect(sb.center.kernel.visits.get(p.setl_id)?.status).not.toBe('settled');
    // a second refund of the same 门诊编号 is refused by the center (nothing valid left)
    await expect(c().outpatientRefund(p.setl_id)).rejects.toMatchObject({ code: 'XNH_REFUSED' });
    await j.close();
  });

  it('liuzhou: an unknown outcome whose 门诊编号 is known (the reply did not add up) is refunded: NOT_SETTLED, reversed', async () => {
    const j = await journal();
    const rc = createLiuzhouReliableClient({ client: c(), journal: j });
    // the client reads the 补偿 DataSet, but the center's amounts do not add up → XNH_OUTCOME_UNKNOWN (门诊编号 N)
    const settle = c().settle.bind(c());
    let bad = true;
    c().settle = async (params) => {
      const s = await settle(params);
      if (!bad) return s;
      bad = false;
      throw YibaoError.host('XNH_OUTCOME_UNKNOWN', `mzjsjk 门诊结算 (门诊编号 ${s.setl_id}): BAD_REPLY 补偿 + 自付 ≠ 总费用 (test)`);
    };
    try {
      const e = (await rc.settle({ his_key: 'LZ-3', bill: billFor(23) }).catch((x) => x)) as { code: string; message: string };
      expect(e.code, e.message).toBe('NOT_SETTLED');
      const [u] = await j.list({ his_key: 'LZ-3' });
      expect(u!.state).toBe('reversed');
      expect(u!.setl_id).toMatch(/^MZ/);
      expect(ledger(u!.psn_no!).map((s) => s.status)).toEqual(['reversed']);
      // the key may settle again (nothing in force)
      const p = await rc.settle({ his_key: 'LZ-3', bill: { ...billFor(23), ipt_otp_no: 'MZR23B' } });
      await rc.commit('LZ-3');
      expect(inForce(p.psn_no)).toBe(1);
    } finally {
      c().settle = settle;
    }
    await j.close();
  });

  it('liuzhou: an inpatient settle is NOT_SUPPORTED (nothing journaled, nothing sent)', async () => {
    const j = await journal();
    const rc = createLiuzhouReliableClient({ client: c(), journal: j });
    await expect(rc.settle({ his_key: 'LZ-4', bill: billFor(24), inpatient: true })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    expect(await j.list({ his_key: 'LZ-4' })).toEqual([]);
    await j.close();
  });
});
