// Exactly-once settlement for Nanping (福建巨龙 INI file exchange): the two-phase API of journal-contract.ts over
// NanpingClient (op 70 protocol "nanping"; the engine is plugins/legacy/reliable.ts). One-phase:
//   settle()   flow up to mzsf / zysf; intent durable before mzsfsk + mzsf; Djlsh0 journaled → succeeded
//   commit()   confirmed (local only)          abort()  mzsfcx / zysfcx 冲销 by Djlsh0 → cancelled
//   a request still in the folder at the timeout was withdrawn (TRANSPORT_CONFIG): nothing executed → failed
//   unknown    (the front-end took Request.txt, no reply: TRANSPORT_TIMEOUT, or a crash): Djlsh0 is unknown and
//              the front-end has no settlement query; mzsfsk / zysfsk (the card's open visits) tells whether the
//              visit is still open: open → never charged → reversed (nothing in force; op 70 has no "failed"
//              edge here); gone → charged but its Djlsh0 was lost → manual (a person 冲销s it at the front-end).
//              Limitation: a front-end that still works on a taken request after the check could charge later.
import type { Bill } from '../../host-node/src/flows.js';
import { errText, type ReliableClient } from '../../host-node/src/reliable.js';
import { createLegacyReliableClient, flowUpToSettle, isCenterError, type LegacyReliableOptions } from '../legacy/reliable.js';
import type { NanpingClient } from './client.js';

export interface NanpingReliableOptions extends LegacyReliableOptions {
  client: NanpingClient;
  region?: string;
  /** write the credential as Pzhm00= on the 刷卡 of a resolution (as NanpingClientOptions.credentialOnSwipe) */
  credentialOnSwipe?: boolean;
}

export function createNanpingReliableClient(o: NanpingReliableOptions): ReliableClient {
  const c = o.client;
  return createLegacyReliableClient({
    region: o.region ?? 'nanping', protocol: 'nanping', core: c.core, tag: 'np',
    async prepare(bill, inpatient) {
      const b = bill as Bill;
      const { person, params } = await flowUpToSettle(c, b, inpatient);
      const visit = params.mdtrt_id;
      return {
        infno: inpatient ? 'zysf' : 'mzsf', input: { visit, card: person.psn_no, credential: b.mdtrt_cert_no, inpatient, medfee_sumamt: params.medfee_sumamt }, psn_no: person.psn_no, mdtrt_id: visit,
        call: async () => {
          const s = await (inpatient ? c.inpatientSettle(params) : c.settle(params));
          return { settlement: s, reply: { djlsh: s.setl_id, visit, card: person.psn_no } };
        },
      };
    },
    isUnknown: (e) => {
      const code = (e as { code?: string }).code;
      return !isCenterError(e) && code !== 'TRANSPORT_CONFIG' && code !== 'BAD_INPUT';
    },
    async cancel(e, r) {
      const djlsh = String(r.djlsh ?? e.setl_id ?? '');
      const tx = e.infno === 'zysf' ? 'zysfcx' : 'mzsfcx';
      if (!djlsh) return { event: 'cancel_refused', patch: { error: `${tx}: no Djlsh0 journaled` } };
      try {
        const x = await c.callOk(tx, { Cardno: String(r.card ?? e.psn_no ?? ''), Cxdjh0: djlsh });
        return { event: 'cancel_ok', patch: { undo_msgid: x.get('Cxlsh0') || djlsh, error: null } };
      } catch (err) {
        return { event: isCenterError(err) ? 'cancel_refused' : 'cancel_failed', patch: { error: `${tx} 冲销 ${djlsh}: ${errText(err)}` } };
      }
    },
    async resolve(e, input) {
      const inpatient = e.infno === 'zysf';
      const visit = String(input.visit ?? e.mdtrt_id ?? '');
      const tx = inpatient ? 'zysfsk' : 'mzsfsk';
      try {
        const sk = await c.callOk(tx, {}, [], o.credentialOnSwipe === false ? {} : { Pzhm00: String(input.credential ?? '') });
        const open = (inpatient ? sk.get('Zylsh0') : sk.get('Mzlsh0')).split(';').map((x) => x.trim());
        if (open.includes(visit)) return { event: 'reverse_ok', patch: { error: `${visit} is still open at the front-end (${tx}): never charged (nothing in force)` } };
        return { event: 'reverse_refused', patch: { error: `${visit} is charged at the front-end but the reply (Djlsh0) was lost: a person must 冲销 it` } };
      } catch (err) {
        if (isCenterError(err) && /无.*(就诊|流水|记录|挂号)|没有/.test((err as Error).message)) {
          return { event: 'reverse_refused', patch: { error: `${tx}: ${errText(err)}: the visit ${visit} is not open any more (charged, reply lost): a person must 冲销 it` } };
        }
        return { event: isCenterError(err) ? 'reverse_refused' : 'reverse_failed', patch: { error: `${tx}: ${errText(err)}` } };
      }
    },
  }, o);
}
