// Exactly-once settlement for Sichuan 城镇居民 2009 COM: the two-phase API of journal-contract.ts over
// SichuanComClient (op 70 protocol "sichuan-com"; the engine is plugins/legacy/reliable.ts).
//   settle()   flow up to 11 / 41; intent durable before the Call (settlePending: no Confirm); jylsh / jyyzm
//              journaled → succeeded (uncertain at the center)
//   commit()   Confirm(jylsh, jyyzm) → confirmed          abort()  Cancel(jylsh) → cancelled
//   unknown    (lost reply, bridge crash) → 98 查询中心不确定交易 of the 交易编号, matched by jylsh (when journaled)
//              or by the HIS visit number (ykc010 = mdtrt_id of the entry): listed → Cancel → reversed (its jyyzm
//              was in the lost reply: it can never be confirmed); not listed → reversed with a note (the center
//              keeps nothing uncertain of it: the Call never arrived, or someone cancelled it). op 70 has no
//              "failed" edge for this protocol, so "never in force" is recorded as reversed too.
import type { Bill } from '../../host-node/src/flows.js';
import { errText, type ReliableClient } from '../../host-node/src/reliable.js';
import { createLegacyReliableClient, flowUpToSettle, isCenterError, type LegacyReliableOptions } from '../legacy/reliable.js';
import type { SichuanComClient } from './client.js';

const UNKNOWN_CODES = new Set(['BRIDGE_TIMEOUT', 'BRIDGE_CRASHED', 'TRANSPORT_TIMEOUT', 'TRANSPORT_NETWORK', 'BAD_REPLY']);

export interface SichuanComReliableOptions extends LegacyReliableOptions {
  client: SichuanComClient;
  region?: string;
}

export function createSichuanComReliableClient(o: SichuanComReliableOptions): ReliableClient {
  const c = o.client;
  return createLegacyReliableClient({
    region: o.region ?? 'sichuan-com', protocol: 'sichuan-com', core: c.core, tag: 'sc',
    async prepare(bill, inpatient) {
      const { person, params, his_no } = await flowUpToSettle(c, bill as Bill, inpatient);
      const jybh = inpatient ? '41' : '11';
      return {
        infno: jybh, input: { his_no, medfee_sumamt: params.medfee_sumamt }, psn_no: person.psn_no, mdtrt_id: his_no,
        call: async () => {
          const r = await c.settlePending(params);
          return { settlement: r.settlement, reply: { jybh: r.jybh, jylsh: r.jylsh, jyyzm: r.jyyzm, his_no: r.his_no } };
        },
      };
    },
    isUnknown: (e) => {
      const code = (e as { code?: string }).code ?? '';
      return UNKNOWN_CODES.has(code) || (code === 'CENTER_ERROR' && /连接|网络|应答|缓冲/.test((e as Error).message));
    },
    async confirm(_e, r) {
      if (!r.jylsh || !r.jyyzm) return { event: 'confirm_refused', patch: { error: 'Confirm: no jylsh / jyyzm journaled' } };
      try {
        await c.confirm(String(r.jylsh), String(r.jyyzm));
        return { event: 'confirm_ok', patch: { error: null } };
      } catch (err) {
        return { event: isCenterError(err) ? 'confirm_refused' : 'confirm_failed', patch: { error: `Confirm: ${errText(err)}` } };
      }
    },
    async cancel(_e, r) {
      if (!r.jylsh) return { event: 'cancel_refused', patch: { error: 'Cancel: no jylsh journaled' } };
      try {
        await c.cancel(String(r.jylsh));
        return { event: 'cancel_ok', patch: { undo_msgid: String(r.jylsh), error: null } };
      } catch (err) {
        return { event: isCenterError(err) ? 'cancel_refused' : 'cancel_failed', patch: { error: `Cancel: ${errText(err)}` } };
      }
    },
    async resolve(e, input) {
      const jylsh = String((e.reply_json ? JSON.parse(e.reply_json).jylsh : '') ?? '');
      const his_no = String(input.his_no ?? e.mdtrt_id ?? '');
      let rows: Record<string, string>[];
      try {
        rows = await c.uncertain(e.infno);
      } catch (err) {
        return { event: 'reverse_failed', patch: { error: `98: ${errText(err)}` } };
      }
      const mine = rows.filter((x) => (jylsh && x.jylsh === jylsh) || (!jylsh && his_no && x.ykc010 === his_no));
      if (mine.length === 0) return { event: 'reverse_ok', patch: { error: `98(${e.infno}): nothing uncertain for ${jylsh || his_no}: the call was never kept (nothing in force)` } };
      for (const t of mine) {
        try {
          await c.cancel(t.jylsh!);
        } catch (err) {
          return { event: isCenterError(err) ? 'reverse_refused' : 'reverse_failed', patch: { error: `Cancel ${t.jylsh}: ${errText(err)}` } };
        }
      }
      return { event: 'reverse_ok', patch: { undo_msgid: mine.map((t) => t.jylsh).join(','), setl_id: mine[0]!.yka103 || undefined, error: `98 found ${mine.map((t) => t.jylsh).join(',')}; cancelled` } };
    },
  }, o);
}
