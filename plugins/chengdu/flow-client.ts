// The national canonical client surface over ChengduClient, so the region-independent flows of
// host-node/src/flows.ts (outpatientSettle / inpatientSettle) and anything else written against the
// national Client's canonical methods run unchanged in Chengdu. Mapping: identify→03, register→110,
// uploadVisit→(kept for 110/111, no call), uploadFees→111, presettle→11 called and cancelled (Chengdu has
// no outpatient pre-settlement), settle→11 (confirmed after `commit`), admit→21, uploadInpatientFees→41,
// inpatientPresettle→52 print=1, discharge→25, inpatientSettle→52 (confirmed after `commit`).
import type { Client, Identity } from '../../host-node/src/client.js';
import type { ChengduClient, Commit } from './client.js';
import type { Settlement } from '../../host-node/src/client.js';

export type NationalFlowClient = Pick<
  Client,
  'core' | 'identify' | 'register' | 'uploadVisit' | 'uploadFees' | 'presettle' | 'settle' | 'admit' | 'uploadInpatientFees' | 'inpatientPresettle' | 'discharge' | 'inpatientSettle'
>;

export function chengduFlowClient(c: ChengduClient, o: { commit?: Commit<Settlement> } = {}): NationalFlowClient {
  const visits = new Map<string, { aka130: string; yka105: string[]; nums: number }>();
  const visit = (akc190: string) => visits.get(akc190) ?? { aka130: '', yka105: [], nums: 0 };
  return {
    core: c.core,
    async identify(cred, insutype) {
      const id = await c.identify(cred);
      const r: Identity = {
        psn_no: id.psn_no, psn_name: id.psn_name, certno: id.certno, psn_cert_type: '01', gend: id.gend, brdy: id.brdy, insutype: insutype ?? id.insutype,
        psn_type: id.psn_type, insuplc_admdvs: '510100', cvlserv_flag: id.cvlserv_flag, balc: id.balc, insuinfo: [], raw: id.raw as Record<string, unknown>,
      };
      return r;
    },
    async register(p) {
      const { akc190, aka130 } = await c.register({ psn_no: p.psn_no, insutype: p.insutype, ipt_otp_no: p.ipt_otp_no, dept_name: p.dept_name, begntime: p.begntime });
      visits.set(akc190, { aka130, yka105: [], nums: 0 });
      return { mdtrt_id: akc190, ipt_otp_no: p.ipt_otp_no };
    },
    async uploadVisit() {
      // Chengdu carries the visit data (diagnosis, department) in 110 / 111: nothing to send
    },
    async uploadFees(p) {
      const v = visit(p.mdtrt_id);
      const lines = await c.uploadFees({ psn_no: p.psn_no, akc190: p.mdtrt_id, aka130: v.aka130, lines: p.lines });
      v.yka105.push(...lines.map((l) => l.yka105));
      return lines;
    },
    async presettle(p) {
      const v = visit(p.mdtrt_id);
      return c.trialSettle({ psn_no: p.psn_no, akc190: p.mdtrt_id, aka130: v.aka130, medfee_sumamt: p.medfee_sumamt, yka105: v.yka105, acct_used_flag: p.acct_used_flag });
    },
    async settle(p) {
      const v = visit(p.mdtrt_id);
      return c.settle({ psn_no: p.psn_no, akc190: p.mdtrt_id, aka130: v.aka130, medfee_sumamt: p.medfee_sumamt, yka105: v.yka105, acct_used_flag: p.acct_used_flag }, o.commit);
    },
    async admit(p) {
      const { akc190, aka130 } = await c.admit({ psn_no: p.psn_no, ipt_no: p.ipt_no, dept_name: p.dept_name, bed: p.bed, diagnoses: p.diagnoses, begntime: p.begntime });
      visits.set(akc190, { aka130, yka105: [], nums: 0 });
      return { mdtrt_id: akc190 };
    },
    async uploadInpatientFees(p) {
      const v = visit(p.mdtrt_id);
      const lines = await c.uploadInpatientFees({ psn_no: p.psn_no, akc190: p.mdtrt_id, aka130: v.aka130, lines: p.lines });
      v.nums += lines.length;
      return lines;
    },
    async inpatientPresettle(p) {
      const v = visit(p.mdtrt_id);
      return c.inpatientPresettle({ psn_no: p.psn_no, akc190: p.mdtrt_id, aka130: v.aka130, medfee_sumamt: p.medfee_sumamt, nums: v.nums, acct_used_flag: p.acct_used_flag });
    },
    async discharge(p) {
      await c.discharge({ psn_no: p.psn_no, akc190: p.mdtrt_id, endtime: p.endtime, diagnoses: p.diagnoses });
    },
    async inpatientSettle(p) {
      const v = visit(p.mdtrt_id);
      return c.inpatientSettle({ psn_no: p.psn_no, akc190: p.mdtrt_id, aka130: v.aka130, medfee_sumamt: p.medfee_sumamt, nums: v.nums, invoice: p.invono, acct_used_flag: p.acct_used_flag }, o.commit);
    },
  };
}
