// Money: fee-line parsing and classification, pre-settlement / settlement / cancellation through the
// core (core.presettle with SICHUAN_SANDBOX_POLICY), and 2601 reversal of committed effects.
import type { FeeItem, PolicyParams, PresettleResult, Setlinfo, SetldetailRow, Person as CorePerson } from '../../../host-node/src/contract.js';
import { SICHUAN_SANDBOX_POLICY, SICHUAN_TRANSACTIONS } from '../manifest.js';
import { lookupItem } from './catalog.js';
import { insuredPersonOf, ok, personOf, visitOf, type Ctx, type Out } from './context.js';
import { ageText, type Person } from './persons.js';
import { Biz, list, need, needDec, needTime, node, str, type Effects, type FeeLine, type Obj, type Scope, type Settlement, type Visit } from './state.js';
import { d10, dt19, fmtFen, money, num, productFen, ratioText, yuanToFen, type JObj } from './wire.js';

// ---------------------------------------------------------------------------------------------------
// Fee lines

export interface LineOpts {
  /** 2204: chrg_bchno required */
  batch: boolean;
  /** 2204/2301: each line names its mdtrt_id and psn_no */
  visitFields: boolean;
}

/** Parses and checks one uploaded fee line (no state change). */
export function parseLine(c: Ctx, raw: Obj, path: string, o: LineOpts): FeeLine {
  const feedetl_sn = need(raw, 'feedetl_sn', path);
  const mdtrt_id = o.visitFields ? need(raw, 'mdtrt_id', path) : '';
  const psn_no = o.visitFields ? need(raw, 'psn_no', path) : '';
  const chrg_bchno = o.batch ? need(raw, 'chrg_bchno', path) : str(raw, 'chrg_bchno');
  const fee_ocur_time = needTime(raw, 'fee_ocur_time', path);
  const med_list_codg = need(raw, 'med_list_codg', path);
  const medins_list_codg = need(raw, 'medins_list_codg', path);
  const pric = needDec(raw, 'pric', path, 6);
  const cnt = needDec(raw, 'cnt', path, 4);
  const sum = needDec(raw, 'det_item_fee_sumamt', path, 2);
  if (pric.dec.n < 0n) throw new Biz(`入参校验失败：字段【${path}.pric】不能为负数`);
  if (cnt.dec.n === 0n) throw new Biz(`入参校验失败：字段【${path}.cnt】不能为0`);
  const expected = productFen(pric.dec, cnt.dec);
  const sumFen = yuanToFen(sum.text)!;
  const diff = sumFen - expected;
  if (diff > 1n || diff < -1n) {
    throw new Biz(`费用明细【${feedetl_sn}】明细项目费用总额【${sum.text}】与单价×数量【${fmtFen(expected)}】不符`);
  }
  if (!Number.isSafeInteger(Number(sumFen))) throw new Biz(`费用明细【${feedetl_sn}】金额超出范围`);
  const item = lookupItem(med_list_codg);
  if (!item) c.warn.push(`医保目录中不存在编码【${med_list_codg}】的项目（明细${feedetl_sn}），按丙类全自费处理`);
  return {
    feedetl_sn, mdtrt_id, psn_no, chrg_bchno, med_list_codg, medins_list_codg,
    medins_list_name: str(raw, 'medins_list_name') || str(raw, 'name') || (item?.name ?? ''),
    item, pric: pric.text, cnt: cnt.text, sumamt_fen: Number(sumFen), fee_ocur_time,
    hosp_appr_flag: str(raw, 'hosp_appr_flag'), hosp_bear_flag: str(raw, 'hosp_bear_flag'),
    init_feedetl_sn: str(raw, 'init_feedetl_sn'), rx_drord_no: str(raw, 'rxno') || str(raw, 'drord_no'),
    status: 'active', setl_id: null, upload_msgid: c.msgid, ful: 0, over: 0, pre: 0, inscp: 0,
  };
}

/** The line as the core sees it (catalog attributes; unknown codes are 丙类 全自费 in category 14). */
export function coreItem(l: FeeLine): FeeItem {
  const i = l.item;
  return {
    feedetl_sn: l.feedetl_sn,
    med_chrgitm_type: i?.med_chrgitm_type ?? '14',
    chrgitm_lv: i?.chrgitm_lv ?? '03',
    pric: l.pric,
    cnt: l.cnt,
    selfpay_prop: i?.selfpay_prop ?? '1',
    pric_uplmt_amt: i?.pric_uplmt_amt ?? null,
    det_item_fee_sumamt: fmtFen(l.sumamt_fen),
    ...(l.hosp_appr_flag ? { hosp_appr_flag: l.hosp_appr_flag } : {}),
    ...(l.hosp_bear_flag ? { hosp_bear_flag: l.hosp_bear_flag } : {}),
  };
}

function coreError(e: unknown): Biz {
  const y = e as { messageZh?: string; detail?: string; message?: string };
  return new Biz(`结算计算失败：${y.messageZh ?? y.message ?? String(e)}${y.detail ? `（${y.detail}）` : ''}`);
}

/** Classifies lines with the core (fills ful/over/pre/inscp). */
export function classifyLines(c: Ctx, lines: FeeLine[]): void {
  if (!lines.length) return;
  let r;
  try {
    r = c.core.classify({ fee_items: lines.map(coreItem) });
  } catch (e) {
    throw coreError(e);
  }
  r.items.forEach((it, k) => {
    const l = lines[k]!;
    l.ful = it.fulamt_ownpay_amt;
    l.over = it.overlmt_amt;
    l.pre = it.preselfpay_amt;
    l.inscp = it.inscp_scp_amt;
  });
}

/** Per-line output of 2204/2301 (result) and 2101/2102 (detlcutinfo). */
export function lineJson(l: FeeLine): JObj {
  const i = l.item;
  return {
    feedetl_sn: l.feedetl_sn,
    det_item_fee_sumamt: money(l.sumamt_fen),
    cnt: num(l.cnt),
    pric: num(l.pric),
    pric_uplmt_amt: num(i?.pric_uplmt_amt ?? '999999'),
    selfpay_prop: num(ratioText(i?.selfpay_prop ?? '1')),
    fulamt_ownpay_amt: money(l.ful),
    overlmt_amt: money(l.over),
    preselfpay_amt: money(l.pre),
    inscp_scp_amt: money(l.inscp),
    chrgitm_lv: i?.chrgitm_lv ?? '03',
    med_chrgitm_type: i?.med_chrgitm_type ?? '14',
    bas_medn_flag: i?.bas_medn_flag ?? '0',
    hi_nego_drug_flag: i?.hi_nego_drug_flag ?? '0',
    chld_medc_flag: i?.chld_medc_flag ?? '0',
    list_sp_item_flag: i?.list_sp_item_flag ?? '0',
    lmt_used_flag: i?.lmt_used_flag ?? '0',
    drt_reim_flag: i?.drt_reim_flag ?? '0',
    memo: i ? (i.lmt_used_scp ?? null) : '医保目录无此项目，按丙类全自费',
  };
}

// ---------------------------------------------------------------------------------------------------
// Policy and computation

export function policyFor(scope: Scope, insutype: string): PolicyParams {
  const table = (scope === 'outpatient' ? SICHUAN_SANDBOX_POLICY.outpatient : SICHUAN_SANDBOX_POLICY.inpatient) as Record<string, unknown>;
  const p = table[insutype];
  if (!p) throw new Biz(`险种类型【${insutype}】不在沙箱政策范围内（支持 310、390）`);
  return JSON.parse(JSON.stringify(p)) as PolicyParams;
}

const yearOf = (now: Date) => d10(now).slice(0, 4);

/** The core's person input: accumulators of the scope/year (per-visit deductible from the visit's settlements). */
export function corePerson(c: Ctx, p: Person, scope: Scope, params: PolicyParams, acctUsed: boolean, visit: Visit | null): CorePerson {
  const a = c.st.accOf(p.psn_no, yearOf(c.now), scope);
  let dedc = a.dedc;
  if (params.dedc_scope === 'per_visit') {
    dedc = 0;
    if (visit) for (const s of c.st.settlements.values()) if (s.mdtrt_id === visit.mdtrt_id && s.kind === 'settle' && s.status === 'valid') dedc += s.effects.dedc;
  }
  return {
    ytd_dedc_paid_fen: dedc,
    ytd_hifp_paid_fen: a.hifp,
    ytd_hifob_paid_fen: a.hifob,
    ytd_si_base_fen: a.si_base,
    ytd_hifmi_paid_fen: a.hifmi,
    ytd_maf_paid_fen: a.maf,
    acct_balance_fen: p.insutype === '310' ? p.balance_fen : 0,
    acct_used_flag: acctUsed ? '1' : '0',
    cvlserv_flag: p.cvlserv_flag,
    aid_eligible: p.aid_eligible,
  };
}

interface Computed {
  res: PresettleResult;
  params: PolicyParams;
  effects: Effects;
}

export function compute(c: Ctx, p: Person, scope: Scope, lines: FeeLine[], acctUsed: boolean, visit: Visit | null): Computed {
  const params = policyFor(scope, p.insutype);
  const person = corePerson(c, p, scope, params, acctUsed, visit);
  let res: PresettleResult;
  try {
    res = c.core.presettle({ params, person, fee_items: lines.map(coreItem) });
  } catch (e) {
    throw coreError(e);
  }
  res.items.forEach((it, k) => {
    const l = lines[k]!;
    l.ful = it.fulamt_ownpay_amt;
    l.over = it.overlmt_amt;
    l.pre = it.preselfpay_amt;
    l.inscp = it.inscp_scp_amt;
  });
  const s = res.setlinfo;
  const si = params.serious_illness ? Math.max(0, s.inscp_scp_amt - s.hifp_pay - s.hifob_pay) : 0;
  const effects: Effects = {
    scope, year: yearOf(c.now), dedc: s.act_pay_dedc, hifp: s.hifp_pay, hifob: s.hifob_pay, si_base: si,
    hifmi: s.hifmi_pay, maf: s.maf_pay, cvlserv: s.cvlserv_pay, acct: s.acct_pay,
  };
  return { res, params, effects };
}

function checkMedfee(text: string, fen: number): void {
  const f = yuanToFen(text);
  if (f === null || Number(f) !== fen) throw new Biz(`医疗费总额【${text}】与待结算费用明细合计【${fmtFen(fen)}】不符`);
}

// ---------------------------------------------------------------------------------------------------
// Output

interface SetlView {
  mdtrt_id: string | null;
  setl_id: string | null;
  setl_time: string;
  mdtrt_cert_type: string;
  med_type: string;
  insutype: string;
  a: Setlinfo;
  medins_setl_id: string;
  clr: { optins: string; way: string; type: string } | null;
}

export function setlinfoJson(p: Person, v: SetlView): JObj {
  const a = v.a;
  return {
    mdtrt_id: v.mdtrt_id,
    setl_id: v.setl_id,
    psn_no: p.psn_no,
    psn_name: p.psn_name,
    psn_cert_type: p.psn_cert_type,
    certno: p.certno,
    gend: p.gend,
    naty: p.naty,
    brdy: p.brdy,
    age: num(ageText(p.brdy, v.setl_time.slice(0, 10))),
    insutype: v.insutype,
    psn_type: p.psn_type,
    cvlserv_flag: p.cvlserv_flag,
    setl_time: v.setl_time,
    mdtrt_cert_type: v.mdtrt_cert_type,
    med_type: v.med_type,
    medfee_sumamt: money(a.medfee_sumamt),
    fulamt_ownpay_amt: money(a.fulamt_ownpay_amt),
    overlmt_selfpay: money(a.overlmt_selfpay),
    preselfpay_amt: money(a.preselfpay_amt),
    inscp_scp_amt: money(a.inscp_scp_amt),
    act_pay_dedc: money(a.act_pay_dedc),
    hifp_pay: money(a.hifp_pay),
    pool_prop_selfpay: num(ratioText(a.pool_prop_selfpay)),
    cvlserv_pay: money(a.cvlserv_pay),
    hifes_pay: money(a.hifes_pay),
    hifmi_pay: money(a.hifmi_pay),
    hifob_pay: money(a.hifob_pay),
    maf_pay: money(a.maf_pay),
    oth_pay: money(a.oth_pay),
    fund_pay_sumamt: money(a.fund_pay_sumamt),
    psn_part_amt: money(a.psn_part_amt),
    acct_pay: money(a.acct_pay),
    psn_cash_pay: money(a.psn_cash_pay),
    hosp_part_amt: money(a.hosp_part_amt),
    balc: money(a.balc),
    acct_mulaid_pay: money(a.acct_mulaid_pay),
    medins_setl_id: v.medins_setl_id,
    clr_optins: v.clr?.optins ?? null,
    clr_way: v.clr?.way ?? null,
    clr_type: v.clr?.type ?? null,
  };
}

export function setldetailJson(rows: SetldetailRow[]): JObj[] {
  return rows.map((r) => ({
    fund_pay_type: r.fund_pay_type,
    inscp_scp_amt: money(r.inscp_scp_amt),
    crt_payb_lmt_amt: null,
    fund_payamt: money(r.fund_payamt),
    fund_pay_type_name: r.fund_pay_type_name,
    setl_proc_info: null,
  }));
}

/** setlinfo/setldetail of a stored settlement (2207 reply, 5203, S3601). */
export function settlementJson(c: Ctx, s: Settlement): JObj {
  const p = c.st.persons.get(s.psn_no)!;
  return {
    setlinfo: setlinfoJson(p, {
      mdtrt_id: s.mdtrt_id, setl_id: s.setl_id, setl_time: s.setl_time, mdtrt_cert_type: s.mdtrt_cert_type, med_type: s.med_type,
      insutype: s.insutype, a: s.amounts, medins_setl_id: s.msgid, clr: { optins: s.clr_optins, way: s.clr_way, type: s.clr_type },
    }),
    setldetail: setldetailJson(s.setldetail),
  };
}

// ---------------------------------------------------------------------------------------------------
// Commit / cancel

interface CommitArgs {
  visit: Visit;
  person: Person;
  lines: FeeLine[];
  computed: Computed;
  med_type: string;
  mdtrt_cert_type: string;
  chrg_bchno: string | null;
  invono: string;
}

function commit(c: Ctx, a: CommitArgs): Settlement {
  const { res, effects } = a.computed;
  const setl_id = c.st.nextSetlId();
  c.st.applyEffects(a.person.psn_no, effects, 1);
  for (const l of a.lines) l.setl_id = setl_id;
  const s: Settlement = {
    setl_id, kind: 'settle', infno: c.infno, msgid: c.msgid, mdtrt_id: a.visit.mdtrt_id, psn_no: a.person.psn_no,
    insutype: a.person.insutype, med_type: a.med_type, mdtrt_cert_type: a.mdtrt_cert_type, clr_type: a.med_type,
    clr_optins: a.person.insuplc_admdvs, clr_way: '1', setl_time: dt19(c.now), chrg_bchno: a.chrg_bchno, status: 'valid',
    fixmedins_code: c.fixmedins_code, amounts: res.setlinfo, setldetail: res.setldetail, feedetl_sns: a.lines.map((l) => l.feedetl_sn),
    effects, invono: a.invono,
  };
  c.st.settlements.set(setl_id, s);
  c.effect = { type: 'settle', setl_id };
  return s;
}

const negate = (a: Setlinfo, balc: number): Setlinfo => {
  const o = { ...a } as unknown as Record<string, number | string>;
  for (const [k, v] of Object.entries(o)) if (typeof v === 'number') o[k] = v === 0 ? 0 : -v;
  return { ...(o as unknown as Setlinfo), pool_prop_selfpay: a.pool_prop_selfpay, balc };
};

function negEffects(e: Effects): Effects {
  const n = (x: number) => (x === 0 ? 0 : -x);
  return { ...e, dedc: n(e.dedc), hifp: n(e.hifp), hifob: n(e.hifob), si_base: n(e.si_base), hifmi: n(e.hifmi), maf: n(e.maf), cvlserv: n(e.cvlserv), acct: n(e.acct) };
}

function releaseLines(c: Ctx, s: Settlement): void {
  const v = c.st.visits.get(s.mdtrt_id);
  const lines = c.st.linesOf(s.mdtrt_id).filter((l) => l.setl_id === s.setl_id);
  if (v?.kind === 'pharmacy') {
    for (const l of lines) l.status = 'cancelled';
  } else {
    for (const l of lines) l.setl_id = null;
  }
}

/** 2208 / 2305 / 2103: a negative settlement with a new setl_id; accumulators and balance restored. */
function cancelSettlement(c: Ctx, orig: Settlement, p: Person): Settlement {
  c.st.applyEffects(p.psn_no, orig.effects, -1);
  releaseLines(c, orig);
  const v = c.st.visits.get(orig.mdtrt_id);
  if (v?.kind === 'pharmacy') v.status = 'cancelled';
  const setl_id = c.st.nextSetlId();
  const s: Settlement = {
    ...orig, setl_id, kind: 'cancel', infno: c.infno, msgid: c.msgid, setl_time: dt19(c.now), status: 'valid', orig_setl_id: orig.setl_id,
    cancel_setl_id: undefined, fixmedins_code: c.fixmedins_code, amounts: negate(orig.amounts, p.insutype === '310' ? p.balance_fen : 0),
    setldetail: orig.setldetail.map((r) => ({ ...r, fund_payamt: -r.fund_payamt || 0, inscp_scp_amt: -r.inscp_scp_amt || 0 })),
    effects: negEffects(orig.effects),
  };
  orig.status = 'cancelled';
  orig.cancel_setl_id = setl_id;
  c.st.settlements.set(setl_id, s);
  c.effect = { type: 'cancel', setl_id };
  return s;
}

function findSettlement(c: Ctx, setl_id: string, psn_no: string, mdtrt_id: string, infnos: string[], what: string): Settlement {
  const s = c.st.settlements.get(setl_id);
  if (!s || s.fixmedins_code !== c.fixmedins_code || s.kind !== 'settle') throw new Biz(`结算ID【${setl_id}】不存在`);
  if (!infnos.includes(s.infno)) throw new Biz(`结算ID【${setl_id}】不是${what}结算（原交易${s.infno}），不能用${c.infno}撤销`);
  if (s.psn_no !== psn_no) throw new Biz(`结算ID【${setl_id}】不属于人员【${psn_no}】`);
  if (mdtrt_id && s.mdtrt_id !== mdtrt_id) throw new Biz(`结算ID【${setl_id}】不属于就诊ID【${mdtrt_id}】`);
  if (s.status === 'cancelled') throw new Biz(`结算ID【${setl_id}】已撤销（撤销结算ID ${s.cancel_setl_id}），不能重复撤销`);
  if (s.status === 'reversed') throw new Biz(`结算ID【${setl_id}】已冲正，不能撤销`);
  return s;
}

function cancelReply(c: Ctx, s: Settlement, p: Person): Out {
  return ok({
    setlinfo: setlinfoJson(p, {
      mdtrt_id: s.mdtrt_id, setl_id: s.setl_id, setl_time: s.setl_time, mdtrt_cert_type: s.mdtrt_cert_type, med_type: s.med_type,
      insutype: s.insutype, a: s.amounts, medins_setl_id: c.msgid, clr: { optins: s.clr_optins, way: s.clr_way, type: s.clr_type },
    }),
    setldetail: setldetailJson(s.setldetail),
  });
}

// ---------------------------------------------------------------------------------------------------
// Outpatient 2206/2206A (commit=false) and 2207/2207A (commit=true)

/** The pre-settlement reply (2206/2303/2101): the settlement fields without setl_id and clearing. */
function presettleReply(c: Ctx, p: Person, a: { mdtrt_id: string | null; mdtrt_cert_type: string; med_type: string; insutype: string; computed: Computed }, extra: Record<string, unknown> = {}): Out {
  return ok({
    setlinfo: setlinfoJson(p, { mdtrt_id: a.mdtrt_id, setl_id: null, setl_time: dt19(c.now), mdtrt_cert_type: a.mdtrt_cert_type, med_type: a.med_type, insutype: a.insutype, a: a.computed.res.setlinfo, medins_setl_id: c.msgid, clr: null }),
    setldetail: setldetailJson(a.computed.res.setldetail),
    ...extra,
  });
}

/** 2208 / 2305: cancels a settlement made by one of `infnos`. */
function cancelBy(infnos: string[], label: string) {
  return (c: Ctx): Out => {
    const P = 'input.data';
    const d = node(c.input, 'data', 'input');
    const setl_id = need(d, 'setl_id', P);
    const mdtrt_id = need(d, 'mdtrt_id', P);
    const psn_no = need(d, 'psn_no', P);
    const p = personOf(c, psn_no);
    const orig = findSettlement(c, setl_id, psn_no, mdtrt_id, infnos, label);
    return cancelReply(c, cancelSettlement(c, orig, p), p);
  };
}

/** The input.data fields a visit's settlement and its trial (2206 / 2207, 2303 / 2304) share, checked in this order. */
function visitSettleData(c: Ctx) {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  const mdtrt_cert_type = need(d, 'mdtrt_cert_type', P);
  const medfee = needDec(d, 'medfee_sumamt', P, 2);
  need(d, 'psn_setlway', P);
  const mdtrt_id = need(d, 'mdtrt_id', P);
  const insutype = need(d, 'insutype', P);
  const acct = need(d, 'acct_used_flag', P);
  return { P, d, psn_no, mdtrt_cert_type, medfee, mdtrt_id, insutype, acct };
}

export function outpatientSettle(commitIt: boolean) {
  return (c: Ctx): Out => {
    const { P, d, psn_no, mdtrt_cert_type, medfee, mdtrt_id, insutype, acct } = visitSettleData(c);
    const med_type = need(d, 'med_type', P);
    const chrg = str(d, 'chrg_bchno');
    const p = insuredPersonOf(c, psn_no, insutype);
    const v = visitOf(c, mdtrt_id, psn_no, 'outpatient');
    const inBatch = c.st.linesOf(mdtrt_id).filter((l) => l.status === 'active' && (!chrg || l.chrg_bchno === chrg));
    const lines = inBatch.filter((l) => l.setl_id === null);
    if (!lines.length) {
      if (chrg && inBatch.length) throw new Biz(`收费批次号【${chrg}】的费用明细已结算（结算ID ${inBatch[0]!.setl_id}），不能重复结算`);
      throw new Biz(chrg ? `就诊ID【${mdtrt_id}】下没有收费批次号【${chrg}】的待结算费用明细，请先上传(2204)` : `就诊ID【${mdtrt_id}】下没有待结算的费用明细，请先上传(2204)`);
    }
    const computed = compute(c, p, 'outpatient', lines, acct === '1', v);
    checkMedfee(medfee.text, computed.res.setlinfo.medfee_sumamt);
    if (!commitIt) return presettleReply(c, p, { mdtrt_id, mdtrt_cert_type, med_type, insutype, computed });
    const s = commit(c, { visit: v, person: p, lines, computed, med_type, mdtrt_cert_type, chrg_bchno: chrg || null, invono: str(d, 'invono') });
    return ok(settlementJson(c, s));
  };
}

/** 2208 */
export const outpatientCancel = cancelBy(['2207', '2207A'], '门诊');

// ---------------------------------------------------------------------------------------------------
// Inpatient 2303/2303A (commit=false), 2304/2304A (commit=true), 2305

export function inpatientSettle(commitIt: boolean) {
  return (c: Ctx): Out => {
    const { P, d, psn_no, mdtrt_cert_type, medfee, mdtrt_id, insutype, acct } = visitSettleData(c);
    const mid = str(d, 'mid_setl_flag') === '1';
    const p = insuredPersonOf(c, psn_no, insutype);
    const v = visitOf(c, mdtrt_id, psn_no, 'inpatient');
    if (commitIt && !v.discharged && !mid) throw new Biz(`就诊ID【${mdtrt_id}】未办理出院，请先办理出院(2402)，或按中途结算传 mid_setl_flag=1`);
    const lines = c.st.linesOf(mdtrt_id).filter((l) => l.status === 'active' && l.setl_id === null);
    if (!lines.length) throw new Biz(`就诊ID【${mdtrt_id}】下没有待结算的费用明细，请先上传(2301)`);
    const computed = compute(c, p, 'inpatient', lines, acct === '1', v);
    checkMedfee(medfee.text, computed.res.setlinfo.medfee_sumamt);
    if (!commitIt) return presettleReply(c, p, { mdtrt_id, mdtrt_cert_type, med_type: v.med_type, insutype, computed });
    const s = commit(c, { visit: v, person: p, lines, computed, med_type: v.med_type, mdtrt_cert_type, chrg_bchno: null, invono: str(d, 'invono') });
    return ok(settlementJson(c, s));
  };
}

/** 2305 */
export const inpatientCancel = cancelBy(['2304', '2304A'], '住院');

// ---------------------------------------------------------------------------------------------------
// Pharmacy 2101/2101A (commit=false), 2102/2102A (commit=true), 2103

export function pharmacySettle(commitIt: boolean) {
  return (c: Ctx): Out => {
    const P = 'input.data';
    const d = node(c.input, 'data', 'input');
    const psn_no = need(d, 'psn_no', P);
    const mdtrt_cert_type = need(d, 'mdtrt_cert_type', P);
    const begntime = needTime(d, 'begntime', P);
    const medfee = needDec(d, 'medfee_sumamt', P, 2);
    const insutype = need(d, 'insutype', P);
    const med_type = need(d, 'med_type', P);
    need(d, 'psn_setlway', P);
    const acct = need(d, 'acct_used_flag', P);
    const p = insuredPersonOf(c, psn_no, insutype);
    const rawLines = Array.isArray(c.input['feedetail']) ? list(c.input, 'feedetail', 'input') : Array.isArray(d['feedetail']) ? list(d, 'feedetail', P) : list(c.input, 'feedetail', 'input');
    const lines = rawLines.map((r, k) => parseLine(c, r, `input.feedetail[${k}]`, { batch: false, visitFields: false }));
    const seen = new Set<string>();
    for (const l of lines) {
      if (seen.has(l.feedetl_sn)) throw new Biz(`费用明细流水号【${l.feedetl_sn}】重复`);
      seen.add(l.feedetl_sn);
    }
    const computed = compute(c, p, 'outpatient', lines, acct === '1', null);
    checkMedfee(medfee.text, computed.res.setlinfo.medfee_sumamt);
    if (!commitIt) return presettleReply(c, p, { mdtrt_id: null, mdtrt_cert_type, med_type, insutype, computed }, { detlcutinfo: lines.map(lineJson) });
    const mdtrt_id = c.st.nextMdtrtId();
    const v: Visit = {
      mdtrt_id, psn_no, kind: 'pharmacy', insutype, med_type, begntime, endtime: begntime, ipt_otp_no: str(d, 'ipt_otp_no'), status: 'active',
      discharged: false, fixmedins_code: c.fixmedins_code, fixmedins_name: c.fixmedins_name, msgid: c.msgid, mdtrt_cert_type,
      dise_codg: str(d, 'dise_codg'), dise_name: str(d, 'dise_name'), main_cond_dscr: '', dept_code: '', dept_name: '', adm_bed: '',
      info: d, diseinfo: [], dscg_diseinfo: [],
    };
    c.st.visits.set(mdtrt_id, v);
    for (const l of lines) {
      l.mdtrt_id = mdtrt_id;
      l.psn_no = psn_no;
    }
    c.st.linesOf(mdtrt_id).push(...lines);
    const s = commit(c, { visit: v, person: p, lines, computed, med_type, mdtrt_cert_type, chrg_bchno: null, invono: str(d, 'invono') });
    return ok({ ...settlementJson(c, s), detlcutinfo: lines.map(lineJson) });
  };
}

/** 2103 */
export function pharmacyCancel(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const setl_id = need(d, 'setl_id', P);
  const psn_no = need(d, 'psn_no', P);
  const p = personOf(c, psn_no);
  const orig = findSettlement(c, setl_id, psn_no, str(d, 'mdtrt_id'), ['2102', '2102A'], '药店');
  return cancelReply(c, cancelSettlement(c, orig, p), p);
}

// ---------------------------------------------------------------------------------------------------
// 2601 冲正

/** 2601: undoes the committed effect of the original message (README.md "2601 冲正"). */
export function reverse(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  const omsgid = need(d, 'omsgid', P);
  const oinfno = need(d, 'oinfno', P);
  const spec = SICHUAN_TRANSACTIONS[oinfno];
  if (!spec) throw new Biz(`原交易编号【${oinfno}】不存在`);
  if (!spec.reversible) throw new Biz(`原交易【${oinfno} ${spec.name}】不支持冲正，请使用相应的撤销交易`);
  c.psn_no = psn_no;
  const rec = c.st.msgs.get(omsgid);
  if (!rec) {
    c.warn.push('原交易不存在');
    return ok();
  }
  if (rec.infno !== oinfno) throw new Biz(`原交易编号【${oinfno}】与原报文的交易编号【${rec.infno}】不符`);
  if (rec.psn_no && rec.psn_no !== psn_no) throw new Biz(`人员编号【${psn_no}】与原交易的人员编号不符`);
  if (rec.reversed_by) {
    c.warn.push(`原交易已冲正（冲正报文 ${rec.reversed_by}）`);
    return ok();
  }
  if (!rec.effect) {
    c.warn.push('原交易未成功，无需冲正');
    return ok();
  }
  const e = rec.effect;
  if (e.type === 'settle') {
    const s = c.st.settlements.get(e.setl_id)!;
    if (s.status === 'cancelled') throw new Biz(`原结算【${s.setl_id}】已撤销（撤销结算ID ${s.cancel_setl_id}），请先冲正或处理撤销交易`);
    if (s.status === 'valid') {
      c.st.applyEffects(s.psn_no, s.effects, -1);
      releaseLines(c, s);
      const v = c.st.visits.get(s.mdtrt_id);
      if (v?.kind === 'pharmacy') v.status = 'reversed';
      s.status = 'reversed';
    }
  } else if (e.type === 'cancel') {
    const s = c.st.settlements.get(e.setl_id)!;
    const orig = c.st.settlements.get(s.orig_setl_id!)!;
    if (s.status === 'valid') {
      const v = c.st.visits.get(orig.mdtrt_id);
      const lines = c.st.linesOf(orig.mdtrt_id).filter((l) => orig.feedetl_sns.includes(l.feedetl_sn));
      if (v?.kind === 'pharmacy') {
        if (v.status !== 'cancelled') throw new Biz('原撤销交易对应的就诊状态已变化，不能冲正');
      } else {
        const free = orig.feedetl_sns.every((sn) => lines.some((l) => l.feedetl_sn === sn && l.status === 'active' && l.setl_id === null));
        if (!free) throw new Biz(`原结算【${orig.setl_id}】的费用明细已重新结算或已撤销，不能冲正撤销交易`);
      }
      const p = c.st.persons.get(orig.psn_no)!;
      if (orig.effects.acct > 0 && p.balance_fen < orig.effects.acct) throw new Biz('个人账户余额不足，不能冲正撤销交易');
      c.st.applyEffects(orig.psn_no, orig.effects, 1);
      if (v?.kind === 'pharmacy') {
        v.status = 'active';
        for (const l of lines) if (l.setl_id === orig.setl_id) l.status = 'active';
      } else {
        for (const l of lines) if (l.status === 'active' && l.setl_id === null) l.setl_id = orig.setl_id;
      }
      orig.status = 'valid';
      delete orig.cancel_setl_id;
      s.status = 'reversed';
    }
  } else {
    const v = c.st.visits.get(e.mdtrt_id)!;
    const valid = [...c.st.settlements.values()].some((s) => s.mdtrt_id === v.mdtrt_id && s.kind === 'settle' && s.status === 'valid');
    if (valid) throw new Biz(`就诊ID【${v.mdtrt_id}】存在有效结算，请先撤销结算(2305)后再冲正入院`);
    if (v.status === 'active') {
      v.status = 'reversed';
      for (const l of c.st.linesOf(v.mdtrt_id)) if (l.status === 'active') l.status = 'cancelled';
    }
  }
  rec.reversed_by = c.msgid;
  return ok();
}
