// Exactly-once 门诊 settlement for Liuzhou 新农合: the two-phase API of journal-contract.ts over LiuzhouClient, on
// the legacy engine (plugins/legacy/reliable.ts) with op 70 protocol "chongqing" — one phase, an undo, no query
// (the same machine as Chongqing's 05 / 99 冲正):
//   settle()   chryxxjk, then the visit, fees and the estimate kept locally; intent durable before mzjsjk; the
//              门诊编号 (setl_id) journaled → succeeded (already in force at the center)
//   commit()   confirmed (local only: no confirm step)
//   abort()    mzjstfjk 门诊结算退费 by the 门诊编号 → cancelled
//   unknown    (mzjsjk answered nothing, an unreadable answer or a soap:Server fault: XNH_OUTCOME_UNKNOWN). There
//              is no query interface, so nothing proves whether 农合 settled it:
//                门诊编号 known (the reply was read but did not add up; or journaled by an earlier attempt)
//                           → presumed abort: mzjstfjk → reversed; refused → manual; no answer → wait
//                门诊编号 unknown (the usual lost reply) → manual: a person checks with the 合管中心 (never
//                           repeated, never guessed)
//              A key the HIS says it committed is never undone (the engine leaves it manual).
// 住院 is not journaled: its 补偿 comes from the 农合 side and its undo (the J interface) is not in the public
// specification — inpatient settle() is NOT_SUPPORTED here (flows.ts inpatientSettle is unchanged).
import { YibaoError } from '../../host-node/src/errors.js';
import type { Bill } from '../../host-node/src/flows.js';
import type { JournalEntry } from '../../host-node/src/journal-contract.js';
import { errText, type ReliableClient } from '../../host-node/src/reliable.js';
import { createLegacyReliableClient, flowUpToSettle, type Found, type LegacyReliableOptions } from '../legacy/reliable.js';
import type { LiuzhouClient } from './client.js';

export interface LiuzhouReliableOptions extends LegacyReliableOptions {
  client: LiuzhouClient;
  region?: string;
}

/** XNH_OUTCOME_UNKNOWN (the client's verdict for money calls) or anything that is not a YibaoError. */
const isUnknown = (e: unknown) => !(e instanceof YibaoError) || e.code === 'XNH_OUTCOME_UNKNOWN';
/** The center answered no (a failure text, Null, a soap:Client fault): nothing was done. */
const isRefusal = (e: unknown) => e instanceof YibaoError && !isUnknown(e);

const MANUAL = 'mzjsjk of 门诊号';

/** The 门诊编号 of an entry: journaled (setl_id, reply) or named by the unknown outcome's detail. */
function outpatientNoOf(e: JournalEntry, r: Record<string, unknown> = {}): string {
  const known = String(r.mzbh ?? e.setl_id ?? '');
  if (known) return known;
  // the client's wording: "mzjsjk 门诊结算 (门诊编号 N): …"
  return /\(门诊编号 ([^\s)]+)\)/.exec(e.error ?? '')?.[1] ?? '';
}

export function createLiuzhouReliableClient(o: LiuzhouReliableOptions): ReliableClient {
  const c = o.client;
  async function refund(mzbh: string, ok: Found['event'], failed: Found['event'], refused: Found['event']): Promise<Found> {
    try {
      await c.outpatientRefund(mzbh);
      return { event: ok, patch: { setl_id: mzbh, undo_msgid: mzbh, error: null } };
    } catch (err) {
      // keep the 门诊编号 on the entry, so that the next recover() refunds the same settlement
      return { event: isRefusal(err) ? refused : failed, patch: { setl_id: mzbh, error: `mzjstfjk 门诊结算退费 ${mzbh}: ${errText(err)}` } };
    }
  }
  return createLegacyReliableClient({
    region: o.region ?? 'liuzhou', protocol: 'chongqing', core: c.core, tag: 'lz',
    async prepare(bill, inpatient) {
      if (inpatient) {
        throw YibaoError.host('NOT_SUPPORTED', 'liuzhou: the 住院 补偿 comes from the 农合 side and its undo (J interface) is not public; settle it with inpatientSettle (flows.ts), unjournaled');
      }
      const { person, params } = await flowUpToSettle(c, bill as Bill, false);
      const his_no = params.mdtrt_id;
      return {
        infno: 'mzjsjk', input: { his_no, medfee_sumamt: params.medfee_sumamt }, psn_no: person.psn_no, mdtrt_id: his_no,
        call: async () => {
          const s = await c.settle(params);
          return { settlement: s, reply: { mzbh: s.setl_id, mzh: his_no } };
        },
      };
    },
    isUnknown,
    async cancel(e, r) {
      const mzbh = outpatientNoOf(e, r);
      if (!mzbh) return { event: 'cancel_refused', patch: { error: 'mzjstfjk: no 门诊编号 journaled' } };
      return refund(mzbh, 'cancel_ok', 'cancel_failed', 'cancel_refused');
    },
    async resolve(e) {
      const mzbh = outpatientNoOf(e);
      const his_no = e.mdtrt_id ?? '';
      if (!mzbh) {
        const cause = e.error && !e.error.startsWith(MANUAL) ? ` (${e.error})` : '';
        return {
          event: 'reverse_refused',
          patch: { error: `${MANUAL} ${his_no}: outcome unknown and its 门诊编号 was never received; 柳州新农合 has no settlement query: a person must check with the 合管中心${cause}` },
        };
      }
      return refund(mzbh, 'reverse_ok', 'reverse_failed', 'reverse_refused');
    },
  }, o);
}
