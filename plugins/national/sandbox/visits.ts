// Visits and fee lines: outpatient 2201–2205, inpatient 2401–2405, 2301/2302.
import { isKnownChronic, isKnownDiagnosis } from './catalog.js';
import { insuredPersonOf, ok, personOf, visitOf, type Ctx, type Out } from './context.js';
import { classifyLines, lineJson, parseLine } from './settle.js';
import { Biz, list, need, needTime, node, str, type FeeLine, type Obj, type Visit } from './state.js';
import { dt19 } from './wire.js';

const newVisit = (c: Ctx, v: Partial<Visit> & Pick<Visit, 'mdtrt_id' | 'psn_no' | 'kind' | 'insutype' | 'med_type' | 'begntime' | 'ipt_otp_no' | 'mdtrt_cert_type'>): Visit => ({
  endtime: null, status: 'active', discharged: false, fixmedins_code: c.fixmedins_code, fixmedins_name: c.fixmedins_name, msgid: c.msgid,
  dise_codg: '', dise_name: '', main_cond_dscr: '', dept_code: '', dept_name: '', adm_bed: '', info: {}, diseinfo: [], dscg_diseinfo: [],
  ...v,
});

function validSettlementOf(c: Ctx, mdtrt_id: string): string | null {
  for (const s of c.st.settlements.values()) if (s.mdtrt_id === mdtrt_id && s.kind === 'settle' && s.status === 'valid') return s.setl_id;
  return null;
}

const DIAG_FIELDS = ['diag_type', 'diag_srt_no', 'diag_code', 'diag_name', 'diag_dept', 'dise_dor_no', 'dise_dor_name', 'diag_time'];

function diseinfo(c: Ctx, required: boolean): Obj[] {
  if (!required && c.input['diseinfo'] === undefined) return [];
  const rows = list(c.input, 'diseinfo', 'input');
  rows.forEach((r, k) => {
    for (const f of DIAG_FIELDS) need(r, f, `input.diseinfo[${k}]`);
    const code = str(r, 'diag_code');
    if (!isKnownDiagnosis(code)) c.warn.push(`诊断代码【${code}】不在沙箱疾病诊断目录(1307)中`);
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Outpatient

/** 2201 门诊挂号 */
export function register(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  const insutype = need(d, 'insutype', P);
  const begntime = needTime(d, 'begntime', P);
  const mdtrt_cert_type = need(d, 'mdtrt_cert_type', P);
  need(d, 'mdtrt_cert_no', P);
  const ipt_otp_no = need(d, 'ipt_otp_no', P);
  for (const f of ['atddr_no', 'dr_name', 'dept_code', 'dept_name', 'caty']) need(d, f, P);
  const p = insuredPersonOf(c, psn_no, insutype);
  for (const v of c.st.visits.values()) {
    if (v.kind === 'outpatient' && v.status === 'active' && v.fixmedins_code === c.fixmedins_code && v.ipt_otp_no === ipt_otp_no) {
      throw new Biz(`门诊号【${ipt_otp_no}】已挂号（就诊ID ${v.mdtrt_id}），不能重复挂号`);
    }
  }
  const mdtrt_id = c.st.nextMdtrtId();
  c.st.visits.set(mdtrt_id, newVisit(c, {
    mdtrt_id, psn_no, kind: 'outpatient', insutype, med_type: '11', begntime, ipt_otp_no, mdtrt_cert_type,
    dept_code: str(d, 'dept_code'), dept_name: str(d, 'dept_name'), info: d,
  }));
  return ok({ data: { mdtrt_id, psn_no, ipt_otp_no, exp_content: null } });
}

/** 2202 门诊挂号撤销 */
export function cancelRegister(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  const mdtrt_id = need(d, 'mdtrt_id', P);
  const ipt_otp_no = need(d, 'ipt_otp_no', P);
  personOf(c, psn_no);
  const v = visitOf(c, mdtrt_id, psn_no, 'outpatient');
  if (v.ipt_otp_no !== ipt_otp_no) throw new Biz(`门诊号【${ipt_otp_no}】与就诊ID【${mdtrt_id}】的门诊号不符`);
  const setl = validSettlementOf(c, mdtrt_id);
  if (setl) throw new Biz(`就诊ID【${mdtrt_id}】存在有效结算（结算ID ${setl}），请先撤销结算(2208)`);
  cancelVisitLines(c, v);
  v.status = 'cancelled';
  return ok();
}

function cancelVisitLines(c: Ctx, v: Visit): void {
  const open = c.st.linesOf(v.mdtrt_id).filter((l) => l.status === 'active');
  for (const l of open) l.status = 'cancelled';
  if (open.length) c.warn.push(`已同时撤销${open.length}条未结算费用明细`);
}

/** 2203 / 2203A 门诊就诊信息上传 */
export function uploadVisit(c: Ctx): Out {
  const P = 'input.mdtrtinfo';
  const m = node(c.input, 'mdtrtinfo', 'input');
  const mdtrt_id = need(m, 'mdtrt_id', P);
  const psn_no = need(m, 'psn_no', P);
  const med_type = need(m, 'med_type', P);
  needTime(m, 'begntime', P);
  const rows = diseinfo(c, true);
  personOf(c, psn_no);
  const v = visitOf(c, mdtrt_id, psn_no, 'outpatient');
  const dise = str(m, 'dise_codg');
  if (['14', '15'].includes(med_type)) {
    if (!dise) throw new Biz('入参校验失败：门诊慢特病(med_type 14/15)必须传病种编码【input.mdtrtinfo.dise_codg】');
    if (!isKnownChronic(dise)) c.warn.push(`病种编码【${dise}】不在沙箱门诊慢特病种目录(1309)中`);
  }
  v.med_type = med_type;
  v.dise_codg = dise;
  v.dise_name = str(m, 'dise_name');
  v.main_cond_dscr = str(m, 'main_cond_dscr');
  v.info = m;
  v.diseinfo = rows;
  return ok();
}

function recordMatches(c: Ctx, lines: FeeLine[]): void {
  for (const l of lines) {
    const k = `${c.fixmedins_code}|${l.medins_list_codg}`;
    if (!c.st.matches.has(k)) {
      c.st.matches.set(k, { fixmedins_code: c.fixmedins_code, medins_list_codg: l.medins_list_codg, medins_list_name: l.medins_list_name, med_list_codg: l.med_list_codg, first_seen: dt19(c.now) });
    }
  }
}

/** 2204 门诊费用明细上传 (kind outpatient) and 2301 住院费用明细上传 (kind inpatient) */
export function uploadFees(kind: 'outpatient' | 'inpatient') {
  return (c: Ctx): Out => {
    const rows = list(c.input, 'feedetail', 'input');
    const lines = rows.map((r, k) => parseLine(c, r, `input.feedetail[${k}]`, { batch: kind === 'outpatient', visitFields: true }));
    const seen = new Set<string>();
    for (const l of lines) {
      const key = `${l.mdtrt_id}|${l.feedetl_sn}`;
      if (seen.has(key)) throw new Biz(`费用明细流水号【${l.feedetl_sn}】在本次上传中重复`);
      seen.add(key);
      personOf(c, l.psn_no);
      const v = visitOf(c, l.mdtrt_id, l.psn_no, kind);
      if (kind === 'inpatient' && v.discharged && validSettlementOf(c, v.mdtrt_id)) throw new Biz(`就诊ID【${v.mdtrt_id}】已出院结算，不能再上传费用明细`);
      const existing = c.st.linesOf(l.mdtrt_id).filter((x) => x.status === 'active');
      if (existing.some((x) => x.feedetl_sn === l.feedetl_sn)) throw new Biz(`费用明细流水号【${l.feedetl_sn}】已上传（就诊ID ${l.mdtrt_id}），请勿重复上传`);
      if (kind === 'outpatient') {
        const settled = existing.find((x) => x.chrg_bchno === l.chrg_bchno && x.setl_id !== null);
        if (settled) throw new Biz(`收费批次号【${l.chrg_bchno}】已结算（结算ID ${settled.setl_id}），请使用新的收费批次号`);
      }
    }
    classifyLines(c, lines);
    for (const l of lines) c.st.linesOf(l.mdtrt_id).push(l);
    recordMatches(c, lines);
    return ok({ result: lines.map(lineJson) });
  };
}

/** 2205 门诊费用明细撤销 (by chrg_bchno; "0000" = every unsettled line of the visit) */
export function cancelFees(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const mdtrt_id = need(d, 'mdtrt_id', P);
  const chrg = need(d, 'chrg_bchno', P);
  const psn_no = need(d, 'psn_no', P);
  personOf(c, psn_no);
  visitOf(c, mdtrt_id, psn_no, 'outpatient');
  const target = c.st.linesOf(mdtrt_id).filter((l) => l.status === 'active' && (chrg === '0000' || l.chrg_bchno === chrg));
  if (!target.length) throw new Biz(`就诊ID【${mdtrt_id}】下没有收费批次号【${chrg}】的可撤销费用明细`);
  const settled = target.find((l) => l.setl_id !== null);
  if (settled) throw new Biz(`收费批次号【${settled.chrg_bchno}】的费用明细已结算（结算ID ${settled.setl_id}），请先撤销结算(2208)`);
  for (const l of target) l.status = 'cancelled';
  return ok();
}

/** 2302 住院费用明细撤销 (by feedetl_sn; "0000" = every unsettled line) */
export function cancelInpatientFees(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const sn = need(d, 'feedetl_sn', P);
  const mdtrt_id = need(d, 'mdtrt_id', P);
  const psn_no = need(d, 'psn_no', P);
  personOf(c, psn_no);
  visitOf(c, mdtrt_id, psn_no, 'inpatient');
  const target = c.st.linesOf(mdtrt_id).filter((l) => l.status === 'active' && (sn === '0000' || l.feedetl_sn === sn));
  if (!target.length) throw new Biz(sn === '0000' ? `就诊ID【${mdtrt_id}】下没有可撤销的费用明细` : `费用明细流水号【${sn}】不存在或已撤销`);
  const settled = target.filter((l) => l.setl_id !== null);
  if (sn !== '0000' && settled.length) throw new Biz(`费用明细【${sn}】已结算（结算ID ${settled[0]!.setl_id}），请先撤销结算(2305)`);
  if (sn === '0000' && settled.length) throw new Biz(`就诊ID【${mdtrt_id}】存在已结算的费用明细（结算ID ${settled[0]!.setl_id}），请先撤销结算(2305)`);
  for (const l of target) l.status = 'cancelled';
  return ok();
}

// ---------------------------------------------------------------------------------------------------
// Inpatient

/** 2401 入院办理 */
export function admit(c: Ctx): Out {
  const P = 'input.mdtrtinfo';
  const m = node(c.input, 'mdtrtinfo', 'input');
  const psn_no = need(m, 'psn_no', P);
  const insutype = need(m, 'insutype', P);
  const begntime = needTime(m, 'begntime', P);
  const mdtrt_cert_type = need(m, 'mdtrt_cert_type', P);
  need(m, 'mdtrt_cert_no', P);
  const med_type = need(m, 'med_type', P);
  const ipt_no = need(m, 'ipt_no', P);
  for (const f of ['atddr_no', 'chfpdr_name', 'adm_diag_dscr', 'adm_dept_codg', 'adm_dept_name', 'adm_bed', 'dscg_maindiag_code', 'dscg_maindiag_name']) need(m, f, P);
  const rows = diseinfo(c, true);
  const p = insuredPersonOf(c, psn_no, insutype);
  for (const v of c.st.visits.values()) {
    if (v.kind === 'inpatient' && v.status === 'active' && v.psn_no === psn_no && !v.discharged) {
      throw new Biz(`人员【${p.psn_name}】已在院（就诊ID ${v.mdtrt_id}），不能重复办理入院`);
    }
  }
  const mdtrt_id = c.st.nextMdtrtId();
  c.st.visits.set(mdtrt_id, newVisit(c, {
    mdtrt_id, psn_no, kind: 'inpatient', insutype, med_type, begntime, ipt_otp_no: ipt_no, mdtrt_cert_type,
    dise_codg: str(m, 'dise_codg') || str(m, 'dscg_maindiag_code'), dise_name: str(m, 'dise_name') || str(m, 'dscg_maindiag_name'),
    main_cond_dscr: str(m, 'main_cond_dscr'), dept_code: str(m, 'adm_dept_codg'), dept_name: str(m, 'adm_dept_name'), adm_bed: str(m, 'adm_bed'),
    info: m, diseinfo: rows,
  }));
  c.effect = { type: 'admit', mdtrt_id };
  return ok({ result: { mdtrt_id, psn_no, ipt_otp_no: ipt_no } });
}

/** 2402 出院办理 */
export function discharge(c: Ctx): Out {
  const P = 'input.dscginfo';
  const m = node(c.input, 'dscginfo', 'input');
  const mdtrt_id = need(m, 'mdtrt_id', P);
  const psn_no = need(m, 'psn_no', P);
  need(m, 'insutype', P);
  const endtime = needTime(m, 'endtime', P);
  for (const f of ['dscg_dept_codg', 'dscg_dept_name', 'dscg_way']) need(m, f, P);
  const rows = diseinfo(c, true);
  personOf(c, psn_no);
  const v = visitOf(c, mdtrt_id, psn_no, 'inpatient');
  if (v.discharged) throw new Biz(`就诊ID【${mdtrt_id}】已办理出院`);
  if (endtime < v.begntime) throw new Biz(`出院时间【${endtime}】早于入院时间【${v.begntime}】`);
  v.discharged = true;
  v.endtime = endtime;
  v.dscg_diseinfo = rows;
  if (str(m, 'dise_codg')) v.dise_codg = str(m, 'dise_codg');
  if (str(m, 'dise_name')) v.dise_name = str(m, 'dise_name');
  return ok();
}

/** 2403 入院信息变更 */
export function updateAdmission(c: Ctx): Out {
  const P = 'input.adminfo';
  const m = node(c.input, 'adminfo', 'input');
  const mdtrt_id = need(m, 'mdtrt_id', P);
  const psn_no = need(m, 'psn_no', P);
  personOf(c, psn_no);
  const v = visitOf(c, mdtrt_id, psn_no, 'inpatient');
  if (v.discharged) throw new Biz(`就诊ID【${mdtrt_id}】已出院，不能变更入院信息`);
  const rows = c.input['diseinfo'] === undefined ? null : diseinfo(c, true);
  const b = str(m, 'begntime');
  if (b) v.begntime = needTime(m, 'begntime', P);
  if (str(m, 'med_type')) v.med_type = str(m, 'med_type');
  if (str(m, 'adm_bed')) v.adm_bed = str(m, 'adm_bed');
  if (str(m, 'adm_dept_codg')) v.dept_code = str(m, 'adm_dept_codg');
  if (str(m, 'adm_dept_name')) v.dept_name = str(m, 'adm_dept_name');
  if (str(m, 'dise_codg')) v.dise_codg = str(m, 'dise_codg');
  if (str(m, 'dise_name')) v.dise_name = str(m, 'dise_name');
  v.info = { ...v.info, ...m };
  if (rows) v.diseinfo = rows;
  return ok();
}

/** 2404 入院撤销 */
export function cancelAdmission(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const mdtrt_id = need(d, 'mdtrt_id', P);
  const psn_no = need(d, 'psn_no', P);
  personOf(c, psn_no);
  const v = visitOf(c, mdtrt_id, psn_no, 'inpatient');
  const setl = validSettlementOf(c, mdtrt_id);
  if (setl) throw new Biz(`就诊ID【${mdtrt_id}】存在有效结算（结算ID ${setl}），请先撤销结算(2305)`);
  if (v.discharged) throw new Biz(`就诊ID【${mdtrt_id}】已办理出院，请先撤销出院(2405)`);
  cancelVisitLines(c, v);
  v.status = 'cancelled';
  return ok();
}

/** 2405 出院撤销 */
export function cancelDischarge(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const mdtrt_id = need(d, 'mdtrt_id', P);
  const psn_no = need(d, 'psn_no', P);
  personOf(c, psn_no);
  const v = visitOf(c, mdtrt_id, psn_no, 'inpatient');
  if (!v.discharged) throw new Biz(`就诊ID【${mdtrt_id}】未办理出院`);
  const setl = validSettlementOf(c, mdtrt_id);
  if (setl) throw new Biz(`就诊ID【${mdtrt_id}】存在有效结算（结算ID ${setl}），请先撤销结算(2305)`);
  v.discharged = false;
  v.endtime = null;
  v.dscg_diseinfo = [];
  return ok();
}

