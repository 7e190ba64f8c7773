// Exactly-once 门诊统筹 settlement for Sichuan 新农合 V3.0: the two-phase API of journal-contract.ts over
// SichuanXnhClient, on the legacy engine (plugins/legacy/reliable.ts) with op 70 protocol "sichuan-com" — the
// Call / Confirm / Cancel machine, which MZTCZLoginInt / MZTCZSureInt / MZTCZDeleteInt match one to one:
//   settle()   identify → register → visit → fees (对码, price control; nothing registered yet); intent durable
//              before MZTCZLoginInt; the mztczID journaled → succeeded (registered, unconfirmed at the center)
//   commit()   MZTCZSureInt → confirmed (an unanswered SureInt is checked with QueryMZTCInfo3 and repeated)
//   abort()    MZTCZDeleteInt → cancelled
//   unknown    (lost LoginInt reply) → QueryMZTCInfo3(personCode, 登记) by the HIS 门诊号: found → deleted →
//              reversed; not found → reversed with a note (nothing was registered). Recorded as "reversed" because
//              op 70 has no "failed" edge for this protocol.
// 住院 is not journaled here: its 补偿 is computed by the 新农合 system at CYBL, and the interface has no undo of a
// discharge — inpatient settle() is NOT_SUPPORTED.
import { YibaoError } from '../../host-node/src/errors.js';
import type { Bill } from '../../host-node/src/flows.js';
import { billTotal, visitNo } from '../../host-node/src/flows.js';
import { errText, type ReliableClient } from '../../host-node/src/reliable.js';
import { createLegacyReliableClient, type LegacyReliableOptions } from '../legacy/reliable.js';
import { isUnknownOutcome, type SichuanXnhClient } from './client.js';

export interface SichuanXnhReliableOptions extends LegacyReliableOptions {
  client: SichuanXnhClient;
  region?: string;
}

const refused = (e: unknown) => e instanceof YibaoError && e.code === 'XNH_FALSE';

export function createSichuanXnhReliableClient(o: SichuanXnhReliableOptions): ReliableClient {
  const c = o.client;
  return createLegacyReliableClient({
    region: o.region ?? 'sichuan-xnh', protocol: 'sichuan-com', core: c.core, tag: 'xnh',
    async prepare(raw, inpatient) {
      if (inpatient) throw YibaoError.host('NOT_SUPPORTED', 'sichuan-xnh: the 住院 补偿 is computed by the 新农合 system at CYBL and cannot be undone through the interface; settle it with inpatientSettle (flows.ts)');
      const bill = raw as Bill;
      if (!bill || typeof bill !== 'object' || !bill.mdtrt_cert_no || !Array.isArray(bill.fee_items) || !bill.fee_items.length) throw YibaoError.host('BAD_INPUT', 'bill needs mdtrt_cert_type, mdtrt_cert_no and fee_items');
      const credential = { mdtrt_cert_type: bill.mdtrt_cert_type, mdtrt_cert_no: bill.mdtrt_cert_no, card_sn: bill.card_sn };
      const person = await c.identify(credential, bill.insutype);
      const ipt_otp_no = bill.ipt_otp_no ?? visitNo('MZ');
      const visit = { dept_code: bill.dept_code ?? 'A03', dept_name: bill.dept_name ?? '内科', dr_code: bill.dr_code ?? 'D0001', dr_name: bill.dr_name ?? '医师' };
      const { mdtrt_id } = await c.register({ psn_no: person.psn_no, insutype: person.insutype, credential, ipt_otp_no, ...visit });
      await c.uploadVisit({ mdtrt_id, psn_no: person.psn_no, med_type: bill.med_type ?? '11', diagnoses: bill.diagnoses ?? [{ code: 'J06.900', name: '急性上呼吸道感染' }], ...visit });
      await c.uploadFees({ mdtrt_id, psn_no: person.psn_no, lines: bill.fee_items, ...visit });
      const params = { psn_no: person.psn_no, mdtrt_id, insutype: person.insutype, med_type: bill.med_type ?? '11', credential, medfee_sumamt: billTotal(c, bill.fee_items) };
      return {
        infno: 'MZTCZLoginInt', input: { his_no: mdtrt_id, personCode: person.psn_no, medfee_sumamt: params.medfee_sumamt }, psn_no: person.psn_no, mdtrt_id,
        call: async () => {
          const r = await c.settlePending(params);
          return { settlement: r.settlement, reply: { mztczID: r.mztczID, mzh: r.mzh, personCode: r.personCode } };
        },
      };
    },
    isUnknown: isUnknownOutcome,
    async confirm(e, r) {
      const id = String(r.mztczID ?? e.setl_id ?? '');
      if (!id) return { event: 'confirm_refused', patch: { error: 'MZTCZSureInt: no mztczID journaled' } };
      try {
        await c.confirm(id, String(r.personCode ?? e.psn_no ?? ''), String(r.mzh ?? e.mdtrt_id ?? ''));
        return { event: 'confirm_ok', patch: { error: null } };
      } catch (err) {
        return { event: refused(err) || (err as { code?: string }).code === 'NOT_SETTLED' ? 'confirm_refused' : 'confirm_failed', patch: { error: `MZTCZSureInt ${id}: ${errText(err)}` } };
      }
    },
    async cancel(e, r) {
      const id = String(r.mztczID ?? e.setl_id ?? '');
      if (!id) return { event: 'cancel_refused', patch: { error: 'MZTCZDeleteInt: no mztczID journaled' } };
      try {
        const d = await c.MZTCZDeleteInt(id);
        if (!d.Flag) return { event: 'cancel_refused', patch: { error: `MZTCZDeleteInt ${id}: ${d.Message}` } };
        return { event: 'cancel_ok', patch: { undo_msgid: id, error: null } };
      } catch (err) {
        return { event: refused(err) ? 'cancel_refused' : 'cancel_failed', patch: { error: `MZTCZDeleteInt ${id}: ${errText(err)}` } };
      }
    },
    async resolve(e, input) {
      const personCode = String(input.personCode ?? e.psn_no ?? '');
      const mzh = String(input.his_no ?? e.mdtrt_id ?? '');
      try {
        const done = await c.recoverMztcz({ personCode, mzh, action: 'delete' });
        const ids = done.map((d) => d.mztczID).join(',');
        return { event: 'reverse_ok', patch: { ...(ids ? { undo_msgid: ids } : {}), error: ids ? `QueryMZTCInfo3 found ${ids} registered for ${mzh}: deleted` : `QueryMZTCInfo3: nothing registered for ${mzh} (nothing in force)` } };
      } catch (err) {
        return { event: refused(err) ? 'reverse_refused' : 'reverse_failed', patch: { error: `recoverMztcz ${mzh}: ${errText(err)}` } };
      }
    },
  }, o);
}
