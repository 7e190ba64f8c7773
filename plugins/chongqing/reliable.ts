// Exactly-once settlement for Chongqing 金保 V1.02: the two-phase API of journal-contract.ts over ChongqingClient
// (op 70 protocol "chongqing"; the engine is plugins/legacy/reliable.ts). The protocol is one-phase:
//   settle()   flow up to 05; intent durable before 05; 05 settles at once; its 交易流水号 journaled → succeeded
//   commit()   confirmed (local only: 05 is already in force)
//   abort()    99 冲正 by the 交易流水号 → cancelled
//   unknown    (05's reply lost): the 交易流水号 is unknown and the center has no settlement query, so 99 cannot
//              be sent (the sandbox center answers 99 on an unknown serial with 交易流水号【…】不存在). The safest
//              resolution it supports is 10 删除已上传未结算明细 on the visit (住院/门诊号):
//                10 ok      → 05 never settled, and cannot settle later (its items are gone) → reversed (nothing
//                             in force; op 70 has no "failed" edge for this protocol)
//                10 refused → the visit is settled (状态为已结算) but its 交易流水号 was lost → manual: a person
//                             reverses it at the center (99 with the serial from the center's 交易查询)
//                no answer  → wait (next recover)
import type { Bill } from '../../host-node/src/flows.js';
import { errText, type ReliableClient } from '../../host-node/src/reliable.js';
import { createLegacyReliableClient, flowUpToSettle, isCenterError, type LegacyReliableOptions } from '../legacy/reliable.js';
import type { ChongqingClient } from './client.js';

export interface ChongqingReliableOptions extends LegacyReliableOptions {
  client: ChongqingClient;
  region?: string;
}

export function createChongqingReliableClient(o: ChongqingReliableOptions): ReliableClient {
  const c = o.client;
  return createLegacyReliableClient({
    region: o.region ?? 'chongqing', protocol: 'chongqing', core: c.core, tag: 'cq',
    async prepare(bill, inpatient) {
      const { person, params } = await flowUpToSettle(c, bill as Bill, inpatient);
      const his_no = params.mdtrt_id;
      return {
        infno: '05', input: { his_no, medfee_sumamt: params.medfee_sumamt, inpatient }, psn_no: person.psn_no, mdtrt_id: his_no,
        call: async () => {
          const s = await (inpatient ? c.inpatientSettle(params) : c.settle(params));
          return { settlement: s, reply: { serial: s.setl_id, his_no } };
        },
      };
    },
    // CENTER_ERROR = 执行代码 ≠ 1 (refused, nothing done); a system error / bridge failure is unknown
    isUnknown: (e) => !isCenterError(e) && (e as { code?: string }).code !== 'BAD_INPUT',
    async cancel(e, r) {
      const serial = String(r.serial ?? e.setl_id ?? '');
      if (!serial) return { event: 'cancel_refused', patch: { error: '99: no 交易流水号 journaled' } };
      try {
        const x = await c.reverse({ serial, his_no: String(r.his_no ?? e.mdtrt_id ?? '') });
        return { event: 'cancel_ok', patch: { undo_msgid: x.serial ?? serial, error: null } };
      } catch (err) {
        return { event: isCenterError(err) ? 'cancel_refused' : 'cancel_failed', patch: { error: `99 冲正 ${serial}: ${errText(err)}` } };
      }
    },
    async resolve(e, input) {
      const his_no = String(input.his_no ?? e.mdtrt_id ?? '');
      try {
        await c.callOk('10', { his_no, rx_no: his_no });
        return { event: 'reverse_ok', patch: { error: `05 never settled ${his_no}: 10 removed its unsettled items (nothing in force)` } };
      } catch (err) {
        if (isCenterError(err)) return { event: 'reverse_refused', patch: { error: `05 of ${his_no} is settled at the center but its reply (交易流水号) was lost: a person must reverse it (99) — 10: ${errText(err)}` } };
        return { event: 'reverse_failed', patch: { error: `10: ${errText(err)}` } };
      }
    },
  }, o);
}
