// Reconciliation (3201/3202), settlement lists (4101), queries (5201–5206, 5301–5304), filings
// (2501–2506) and the Sichuan S/Z transactions (store / echo).
import { isKnownChronic } from './catalog.js';
import { ok, personOf, type Ctx, type Out } from './context.js';
import { storeFile, uploadedText, zipOne } from './base.js';
import { lineJson, settlementJson } from './settle.js';
import { Biz, isObj, need, needDec, node, str, type Filing, type Obj, type Settlement, type Visit } from './state.js';
import { d10, dt19, fmtFen, isD10, money, num, ts14, yuanToFen, type JObj } from './wire.js';

// ---------------------------------------------------------------------------------------------------
// 3201 / 3202

interface Period {
  insutype: string;
  clr_type: string;
  setl_optins: string;
  begn: string;
  end: string;
}

/** The reconciliation period and filters; an empty insutype / clr_type / setl_optins matches everything (sandbox leniency, with a warning). */
function period(c: Ctx, d: Obj, P: string, keys: readonly ('insutype' | 'clr_type' | 'setl_optins')[]): Period {
  const insutype = str(d, 'insutype');
  const clr_type = str(d, 'clr_type');
  const setl_optins = str(d, 'setl_optins');
  for (const k of keys) {
    if (d[k] === undefined) throw new Biz(`入参校验失败：缺少字段【${P}.${k}】（沙箱允许传空字符串表示不限）`);
  }
  const empty = (['insutype', 'clr_type', 'setl_optins'] as const).filter((k) => !str(d, k));
  if (empty.length) c.warn.push(`沙箱：${empty.join('、')}为空，按不限条件对账（真实中心要求必填）`);
  const begn = need(d, 'stmt_begndate', P);
  const end = need(d, 'stmt_enddate', P);
  for (const [k, v] of [['stmt_begndate', begn], ['stmt_enddate', end]] as const) {
    if (!isD10(v.slice(0, 10))) throw new Biz(`入参校验失败：字段【${P}.${k}】应为 yyyy-MM-dd 格式：${v}`);
  }
  if (end.slice(0, 10) < begn.slice(0, 10)) throw new Biz('对账结束日期早于开始日期');
  return { insutype, clr_type, setl_optins, begn: begn.slice(0, 10), end: end.slice(0, 10) };
}

function inPeriod(c: Ctx, s: Settlement, p: Period): boolean {
  const day = s.setl_time.slice(0, 10);
  return s.fixmedins_code === c.fixmedins_code && (!p.clr_type || s.clr_type === p.clr_type) && (!p.setl_optins || s.clr_optins === p.setl_optins) && (!p.insutype || s.insutype === p.insutype) && day >= p.begn && day <= p.end;
}

/** The center's side of 3201: in-force settlements (refd_setl_flag "1": every non-reversed record, cancellations included). */
function centerSet(c: Ctx, p: Period, refd: boolean): Settlement[] {
  return [...c.st.settlements.values()].filter((s) => inPeriod(c, s, p) && (refd ? s.status !== 'reversed' : s.kind === 'settle' && s.status === 'valid'));
}

export function reconcileTotals(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const p = period(c, d, P, ['insutype', 'clr_type', 'setl_optins']);
  const med = needDec(d, 'medfee_sumamt', P, 2);
  const fund = needDec(d, 'fund_pay_sumamt', P, 2);
  const acct = needDec(d, 'acct_pay', P, 2);
  const cntText = need(d, 'fixmedins_setl_cnt', P);
  if (!/^\d+$/.test(cntText)) throw new Biz(`入参校验失败：字段【${P}.fixmedins_setl_cnt】应为非负整数：${cntText}`);
  const set = centerSet(c, p, str(d, 'refd_setl_flag') === '1');
  const sum = (f: (s: Settlement) => number) => set.reduce((a, s) => a + BigInt(f(s)), 0n);
  const center = { med: sum((s) => s.amounts.medfee_sumamt), fund: sum((s) => s.amounts.fund_pay_sumamt), acct: sum((s) => s.amounts.acct_pay), cnt: BigInt(set.length) };
  const his = { med: yuanToFen(med.text)!, fund: yuanToFen(fund.text)!, acct: yuanToFen(acct.text)!, cnt: BigInt(cntText) };
  const diffs: string[] = [];
  if (center.med !== his.med) diffs.push(`医疗费总额 中心${fmtFen(center.med)}/机构${fmtFen(his.med)}`);
  if (center.fund !== his.fund) diffs.push(`基金支付总额 中心${fmtFen(center.fund)}/机构${fmtFen(his.fund)}`);
  if (center.acct !== his.acct) diffs.push(`个人账户支付 中心${fmtFen(center.acct)}/机构${fmtFen(his.acct)}`);
  if (center.cnt !== his.cnt) diffs.push(`结算笔数 中心${center.cnt}/机构${his.cnt}`);
  return ok({
    stmtinfo: {
      setl_optins: p.setl_optins || null,
      stmt_rslt: diffs.length ? '1' : '0',
      stmt_rslt_dscr: diffs.length ? `对账不平：${diffs.join('；')}` : `对账平（${set.length}笔，医疗费总额${fmtFen(center.med)}）`,
    },
  });
}

/** 3202: compares the uploaded detail file (9101) with the center's records; the result is a file (9102). */
export function reconcileDetails(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const p = period(c, d, P, ['clr_type', 'setl_optins']);
  const no = need(d, 'file_qury_no', P);
  const file = c.st.files.get(no);
  if (!file || file.fixmedins_code !== c.fixmedins_code || file.kind !== 'upload') throw new Biz(`明细对账文件不存在：文件查询号【${no}】（请先用9101上传）`);
  const text = uploadedText(file.bytes);
  const his = new Map<string, { cells: string[]; line: number }>();
  text.split(/\r?\n/).forEach((ln, k) => {
    if (!ln.trim()) return;
    const cells = ln.split('\t');
    if (cells.length < 7) throw new Biz(`明细对账文件第${k + 1}行应有7列（setl_id, mdtrt_id, psn_no, medfee_sumamt, fund_pay_sumamt, acct_pay, refd_setl_flag），实际${cells.length}列`);
    for (const i of [3, 4, 5]) if (yuanToFen(cells[i]!) === null) throw new Biz(`明细对账文件第${k + 1}行第${i + 1}列不是合法金额：${cells[i]}`);
    his.set(cells[0]!, { cells, line: k + 1 });
  });
  const center = [...c.st.settlements.values()].filter((s) => inPeriod(c, s, p) && s.status !== 'reversed');
  const out: string[] = [];
  let unbalanced = 0;
  const row = (s: { psn_no: string; mdtrt_id: string; setl_id: string; msgid: string; refd: string; med: string; fund: string; acct: string }, rslt: string, memo: string) =>
    [s.psn_no, s.mdtrt_id, s.setl_id, s.msgid, rslt, s.refd, memo, s.med, s.fund, s.acct].map((x) => (x === '' ? 'null' : x)).join('\t');
  for (const s of center) {
    const h = his.get(s.setl_id);
    const mine = { psn_no: s.psn_no, mdtrt_id: s.mdtrt_id, setl_id: s.setl_id, msgid: s.msgid, refd: s.kind === 'cancel' ? '1' : '0', med: fmtFen(s.amounts.medfee_sumamt), fund: fmtFen(s.amounts.fund_pay_sumamt), acct: fmtFen(s.amounts.acct_pay) };
    if (!h) {
      unbalanced++;
      out.push(row(mine, '1', '中心有、医药机构无'));
      continue;
    }
    his.delete(s.setl_id);
    const [, , , m, f, a] = h.cells;
    const same = yuanToFen(m!) === BigInt(s.amounts.medfee_sumamt) && yuanToFen(f!) === BigInt(s.amounts.fund_pay_sumamt) && yuanToFen(a!) === BigInt(s.amounts.acct_pay);
    if (!same) unbalanced++;
    out.push(row(mine, same ? '0' : '1', same ? '平' : `金额不符（机构 ${m}/${f}/${a}）`));
  }
  for (const [setl_id, h] of his) {
    unbalanced++;
    const [, mdtrt_id, psn_no, m, f, a, refd] = h.cells;
    out.push(row({ psn_no: psn_no!, mdtrt_id: mdtrt_id!, setl_id, msgid: '', refd: refd || '0', med: m!, fund: f!, acct: a! }, '1', '医药机构有、中心无'));
  }
  const name = `3202_${ts14(c.now)}.txt`;
  const { file_qury_no, dld_end } = storeFile(c, name.replace('.txt', '.zip'), zipOne(name, out.map((l) => l + '\n').join('')), 'stmt');
  c.warn.push(unbalanced ? `明细对账不平：${unbalanced}笔，详见结果文件` : '明细对账平');
  return ok({ fileinfo: { file_qury_no, filename: name.replace('.txt', '.zip'), dld_endtime: dt19(dld_end) } });
}

// ---------------------------------------------------------------------------------------------------
// 4101 / 4101A
// A list belongs to a settlement of this institution (setlinfo.setl_id) and its person: psn_no, or in a
// 4101 list (which has no psn_no in the field table) hi_no 医保编号. With settlementList.check the quality
// rules (op 80) run like a center's 入参校验: violations of the sections / required / format rules refuse the
// list, naming the fields; the other findings come back in warn_msg. The id goes to output.setl_list_id or,
// with settlementList.replyPath "output.data", to output.data.setl_list_id. Uploading again for the same
// setl_id is accepted (a corrected list): a new setl_list_id, every version kept.

const REFUSING_KINDS = new Set(['sections', 'required', 'required_when', 'rows', 'format']);
const builtinKinds = new WeakMap<Ctx['core'], Map<string, string>>();

/** rule id → kind, for the built-in table and the rules an override adds */
function ruleKinds(c: Ctx, overrides: unknown[]): Map<string, string> {
  let m = builtinKinds.get(c.core);
  if (!m) {
    const doc = JSON.parse(new TextDecoder().decode(c.core.raw(80, new TextEncoder().encode('{"builtin":true}')))) as { rules: { id: string; kind: string }[] };
    m = new Map(doc.rules.map((r) => [r.id, r.kind]));
    builtinKinds.set(c.core, m);
  }
  const out = new Map(m);
  for (const o of overrides) if (isObj(o) && typeof o['id'] === 'string' && typeof o['kind'] === 'string') out.set(o['id'], o['kind']);
  return out;
}

export function settlementList(c: Ctx): Out {
  const s = node(c.input, 'setlinfo', 'input');
  const setl_id = need(s, 'setl_id', 'input.setlinfo');
  const psn_no = str(s, 'psn_no') || (c.infno === '4101' ? str(s, 'hi_no') : '');
  if (!psn_no) throw new Biz(`入参校验失败：字段【input.setlinfo.psn_no】不能为空${c.infno === '4101' ? '（或填写医保编号hi_no）' : ''}`);
  personOf(c, psn_no);
  const setl = c.st.settlements.get(setl_id);
  if (!setl || setl.fixmedins_code !== c.fixmedins_code || setl.kind !== 'settle') throw new Biz(`结算ID【${setl_id}】不存在`);
  if (setl.psn_no !== psn_no) throw new Biz(`结算ID【${setl_id}】不属于人员【${psn_no}】`);
  if (setl.status !== 'valid') c.warn.push(`结算ID【${setl_id}】当前状态为${setl.status === 'cancelled' ? '已撤销' : '已冲正'}`);
  for (const k of Object.keys(c.input)) if (k !== 'setlinfo' && c.input[k] !== null && !Array.isArray(c.input[k]) && !isObj(c.input[k])) throw new Biz(`入参校验失败：节点【input.${k}】应为数组`);
  if (c.slist?.check) {
    const overrides = c.slist.overrides ?? [];
    const r = c.core.slist.check({ list: c.input, variant: c.infno === '4101A' ? '4101A' : '4101', ...(overrides.length ? { overrides } : {}) });
    const kinds = ruleKinds(c, overrides);
    const refusing = r.violations.filter((v) => REFUSING_KINDS.has(kinds.get(v.rule) ?? ''));
    if (refusing.length) throw new Biz(`结算清单入参校验失败：${refusing.map((v) => `${v.message_zh}（${v.path}）`).join('；')}`);
    if (r.violations.length) c.warn.push(`结算清单质控提示：${r.violations.map((v) => `${v.message_zh}（${v.path}）`).join('；')}`);
  }
  const id = c.st.nextSetlListId();
  c.st.settlementLists.set(id, { setl_id, infno: c.infno, data: c.input, fixmedins_code: c.fixmedins_code });
  return ok(c.slist?.replyPath === 'output.data' ? { data: { setl_list_id: id } } : { setl_list_id: id });
}

// ---------------------------------------------------------------------------------------------------
// Queries 5201–5206, 5301–5304

/** t (yyyy-MM-dd HH:mm:ss) within input begntime/endtime (each a date or a date-time; absent = open). */
function inRange(t: string, d: Obj): boolean {
  const b = str(d, 'begntime');
  const e = str(d, 'endtime');
  if (b && t < b) return false;
  if (e && (e.length <= 10 ? t.slice(0, 10) > e : t > e)) return false;
  return true;
}

export function queryVisits(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  personOf(c, psn_no);
  const mdtrt_id = str(d, 'mdtrt_id');
  const med_type = str(d, 'med_type');
  const rows: JObj[] = [];
  for (const v of c.st.visits.values()) {
    if (v.psn_no !== psn_no || v.fixmedins_code !== c.fixmedins_code) continue;
    if (mdtrt_id && v.mdtrt_id !== mdtrt_id) continue;
    if (med_type && v.med_type !== med_type) continue;
    if (!inRange(v.begntime, d)) continue;
    rows.push({
      mdtrt_id: v.mdtrt_id, psn_no: v.psn_no, fixmedins_code: v.fixmedins_code, fixmedins_name: v.fixmedins_name, begntime: v.begntime, endtime: v.endtime,
      med_type: v.med_type, insutype: v.insutype, ipt_otp_no: v.ipt_otp_no || null, main_cond_dscr: v.main_cond_dscr || null, dise_codg: v.dise_codg || null,
      dise_name: v.dise_name || null, vali_flag: v.status === 'active' ? '1' : '0',
    });
  }
  return ok({ mdtrtinfo: rows });
}

/** The visit a query's input.data names (psn_no, mdtrt_id): of the person, at this institution, any kind or status. */
function visitQuery(c: Ctx): { d: Obj; psn_no: string; mdtrt_id: string; v: Visit } {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  const mdtrt_id = need(d, 'mdtrt_id', P);
  personOf(c, psn_no);
  const v = c.st.visits.get(mdtrt_id);
  if (!v || v.psn_no !== psn_no || v.fixmedins_code !== c.fixmedins_code) throw new Biz(`就诊ID【${mdtrt_id}】不存在`);
  return { d, psn_no, mdtrt_id, v };
}

export function queryDiagnoses(c: Ctx): Out {
  const { psn_no, mdtrt_id, v } = visitQuery(c);
  const rows = [...v.diseinfo, ...v.dscg_diseinfo].map((r) => ({ ...stringsOf(r), mdtrt_id, psn_no }));
  return ok({ diseinfo: rows });
}

function stringsOf(o: Obj): JObj {
  const r: JObj = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string' || v === null) r[k] = v;
  return r;
}

function settlementFor(c: Ctx, d: Obj, P: string): Settlement {
  const psn_no = need(d, 'psn_no', P);
  const setl_id = need(d, 'setl_id', P);
  personOf(c, psn_no);
  const s = c.st.settlements.get(setl_id);
  if (!s || s.fixmedins_code !== c.fixmedins_code || s.psn_no !== psn_no) throw new Biz(`结算ID【${setl_id}】不存在`);
  const mdtrt_id = str(d, 'mdtrt_id');
  if (mdtrt_id && s.mdtrt_id !== mdtrt_id) throw new Biz(`结算ID【${setl_id}】不属于就诊ID【${mdtrt_id}】`);
  return s;
}

const STATUS_TEXT = { valid: '1', cancelled: '0', reversed: '0' } as const;

export function querySettlement(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const s = settlementFor(c, d, 'input.data');
  const j = settlementJson(c, s);
  return ok({ ...j, setlinfo: { ...(j['setlinfo'] as JObj), refd_setl_flag: s.kind === 'cancel' ? '1' : '0', vali_flag: STATUS_TEXT[s.status], setl_stas: s.status } });
}

export function queryFeeDetails(c: Ctx): Out {
  const { d, psn_no, mdtrt_id, v } = visitQuery(c);
  const setl_id = str(d, 'setl_id');
  const rows = c.st.linesOf(mdtrt_id)
    .filter((l) => (setl_id ? l.setl_id === setl_id : l.status === 'active'))
    .map((l) => ({
      mdtrt_id, setl_id: l.setl_id, ...lineJson(l), rx_drord_no: l.rx_drord_no || null, med_type: v.med_type, fee_ocur_time: l.fee_ocur_time,
      med_list_codg: l.med_list_codg, medins_list_codg: l.medins_list_codg, chrg_bchno: l.chrg_bchno || null, vali_flag: l.status === 'active' ? '1' : '0',
    }));
  return ok({ feedetail: rows });
}

export function queryChronicDrugs(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  personOf(c, psn_no);
  const rows: JObj[] = [];
  for (const s of c.st.settlements.values()) {
    if (s.psn_no !== psn_no || s.kind !== 'settle' || s.status !== 'valid' || !['14', '15'].includes(s.med_type)) continue;
    if (!inRange(s.setl_time, d)) continue;
    const v = c.st.visits.get(s.mdtrt_id)!;
    for (const l of c.st.linesOf(s.mdtrt_id)) {
      if (l.setl_id !== s.setl_id || !['09', '10', '11'].includes(l.item?.med_chrgitm_type ?? '')) continue;
      rows.push({ mdtrt_id: s.mdtrt_id, setl_id: s.setl_id, fixmedins_code: s.fixmedins_code, opsp_dise_code: v.dise_codg || null, med_list_codg: l.med_list_codg, medins_list_name: l.medins_list_name || null, cnt: num(l.cnt), pric: num(l.pric), det_item_fee_sumamt: money(l.sumamt_fen), fee_ocur_time: l.fee_ocur_time });
    }
  }
  return ok({ feedetail: rows });
}

/** Sandbox accumulator type codes (5206). */
export const CUM_TYPES: [keyof import('./state.js').Acc, string, string][] = [
  ['dedc', 'DEDC', '起付线累计'],
  ['hifp', 'HIFP', '统筹基金支付累计'],
  ['hifob', 'HIFOB', '职工大额支付累计'],
  ['si_base', 'SIBASE', '大病保险合规费用累计'],
  ['hifmi', 'HIFMI', '居民大病支付累计'],
  ['maf', 'MAF', '医疗救助支付累计'],
  ['cvlserv', 'CVLSERV', '公务员补助支付累计'],
];

export function queryAccumulators(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', P);
  const p = personOf(c, psn_no);
  const cum_ym = str(d, 'cum_ym');
  const year = cum_ym ? cum_ym.slice(0, 4) : d10(c.now).slice(0, 4);
  const rows: JObj[] = [];
  for (const scope of ['outpatient', 'inpatient'] as const) {
    const a = c.st.acc.get(`${psn_no}|${year}|${scope}`);
    for (const [k, code, name] of CUM_TYPES) {
      rows.push({ insutype: p.insutype, year, cum_ym: cum_ym || `${year}12`, cum_type_code: `${scope === 'outpatient' ? 'OP' : 'IP'}_${code}`, cum_type_name: `${scope === 'outpatient' ? '门诊' : '住院'}${name}`, cum: money(a ? a[k] : 0) });
    }
  }
  rows.push({ insutype: p.insutype, year, cum_ym: cum_ym || `${year}12`, cum_type_code: 'ACCT_BALC', cum_type_name: '个人账户余额', cum: money(p.insutype === '310' ? p.balance_fen : 0) });
  return ok({ cuminfo: rows });
}

function filingRows(c: Ctx, psn_no: string, infnos: string[]): Filing[] {
  return [...c.st.filings.values()].filter((f) => f.psn_no === psn_no && infnos.includes(f.infno) && f.status === 'valid');
}

export function queryChronicFilings(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', 'input.data');
  personOf(c, psn_no);
  return ok({ feedetail: filingRows(c, psn_no, ['2503']).map((f) => ({ trt_dcla_detl_sn: f.trt_dcla_detl_sn, ...stringsOf(f.data) })) });
}

export function queryDesignated(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', 'input.data');
  personOf(c, psn_no);
  const t = str(d, 'biz_appy_type');
  return ok({ psnfixmedin: filingRows(c, psn_no, ['2505']).filter((f) => !t || str(f.data, 'biz_appy_type') === t).map((f) => ({ trt_dcla_detl_sn: f.trt_dcla_detl_sn, ...stringsOf(f.data) })) });
}

export function queryInHospital(c: Ctx): Out {
  const d = isObj(c.input['data']) ? (c.input['data'] as Obj) : {};
  const psn_no = str(d, 'psn_no');
  if (psn_no) personOf(c, psn_no);
  const rows: JObj[] = [];
  for (const v of c.st.visits.values()) {
    if (v.kind !== 'inpatient' || v.status !== 'active' || v.discharged || v.fixmedins_code !== c.fixmedins_code) continue;
    if (psn_no && v.psn_no !== psn_no) continue;
    const p = c.st.persons.get(v.psn_no)!;
    rows.push({ mdtrt_id: v.mdtrt_id, psn_no: v.psn_no, psn_name: p.psn_name, certno: p.certno, insutype: v.insutype, begntime: v.begntime, med_type: v.med_type, ipt_no: v.ipt_otp_no, adm_dept_codg: v.dept_code || null, adm_dept_name: v.dept_name || null, adm_bed: v.adm_bed || null, dise_codg: v.dise_codg || null, dise_name: v.dise_name || null });
  }
  return ok({ data: rows });
}

export function queryTransfers(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const psn_no = need(d, 'psn_no', 'input.data');
  personOf(c, psn_no);
  return ok({ refmedin: filingRows(c, psn_no, ['2501', '2501A']).filter((f) => inRange(f.crte_time, d)).map((f) => ({ trt_dcla_detl_sn: f.trt_dcla_detl_sn, ...stringsOf(f.data) })) });
}

// ---------------------------------------------------------------------------------------------------
// Filings 2501–2506

const FILING_REQ: Record<string, { node: string; fields: string[] }> = {
  '2501': { node: 'refmedin', fields: ['psn_no', 'insutype', 'diag_code', 'diag_name', 'reflin_medins_no', 'reflin_medins_name', 'begndate'] },
  '2503': { node: 'data', fields: ['psn_no', 'insutype', 'opsp_dise_code', 'opsp_dise_name', 'begndate'] },
  '2505': { node: 'data', fields: ['psn_no', 'biz_appy_type', 'begndate'] },
};

export function file(c: Ctx): Out {
  const base = c.infno === '2501A' ? '2501' : c.infno;
  const spec = FILING_REQ[base]!;
  const n = node(c.input, spec.node, 'input');
  for (const f of spec.fields) need(n, f, `input.${spec.node}`);
  const psn_no = str(n, 'psn_no');
  const p = personOf(c, psn_no);
  if (n['insutype'] !== undefined && str(n, 'insutype') !== p.insutype) throw new Biz(`险种类型【${str(n, 'insutype')}】与人员参保险种【${p.insutype}】不符`);
  if (!isD10(str(n, 'begndate').slice(0, 10))) throw new Biz(`入参校验失败：字段【input.${spec.node}.begndate】应为 yyyy-MM-dd 格式`);
  if (base === '2503' && !isKnownChronic(str(n, 'opsp_dise_code'))) c.warn.push(`病种编码【${str(n, 'opsp_dise_code')}】不在沙箱门诊慢特病种目录(1309)中`);
  for (const f of c.st.filings.values()) {
    if (f.psn_no === psn_no && f.infno === c.infno && f.status === 'valid' && base === '2503' && str(f.data, 'opsp_dise_code') === str(n, 'opsp_dise_code')) {
      throw new Biz(`人员已备案该慢特病（备案流水号 ${f.trt_dcla_detl_sn}）`);
    }
  }
  const sn = c.st.nextTrtSn();
  c.st.filings.set(sn, { trt_dcla_detl_sn: sn, infno: base, psn_no, status: 'valid', fixmedins_code: c.fixmedins_code, data: n, crte_time: dt19(c.now) });
  return ok({ result: { trt_dcla_detl_sn: sn } });
}

const FILING_OF: Record<string, string> = { '2502': '2501', '2504': '2503', '2506': '2505' };

export function cancelFiling(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const sn = need(d, 'trt_dcla_detl_sn', P);
  const psn_no = need(d, 'psn_no', P);
  personOf(c, psn_no);
  const f = c.st.filings.get(sn);
  if (!f || f.infno !== FILING_OF[c.infno] || f.psn_no !== psn_no) throw new Biz(`备案流水号【${sn}】不存在`);
  if (f.status !== 'valid') throw new Biz(`备案流水号【${sn}】已撤销`);
  f.status = 'cancelled';
  return ok();
}

// ---------------------------------------------------------------------------------------------------
// Sichuan S/Z transactions: simple store / echo

export function regional(c: Ctx): Out {
  const d = node(c.input, 'data', 'input');
  const psn_no = str(d, 'psn_no');
  if (psn_no) personOf(c, psn_no);
  const stored = (infno: string, key: string) => [...c.st.regional.values()].filter((r) => r.infno === infno && r.status === 'valid' && (!key || r.key === key || r.psn_no === key));
  switch (c.infno) {
    case 'S3601': {
      const setl_id = need(d, 'setl_id', 'input.data');
      const s = c.st.settlements.get(setl_id);
      if (!s || s.fixmedins_code !== c.fixmedins_code) throw new Biz(`结算ID【${setl_id}】不存在`);
      const lines = c.st.linesOf(s.mdtrt_id).filter((l) => l.setl_id === (s.orig_setl_id ?? s.setl_id));
      return ok({ ...settlementJson(c, s), feedetail: lines.map(lineJson) });
    }
    case 'Z1101':
    case 'S3301':
    case 'S3701':
    case 'S3702':
    case 'S3901': {
      const key = c.infno === 'S3301' ? need(d, 'setl_id', 'input.data') : need(d, 'psn_no', 'input.data');
      if (c.infno === 'S3301' && !c.st.settlements.has(key)) throw new Biz(`结算ID【${key}】不存在`);
      const rid = c.infno === 'Z1101' ? c.st.nextTrtSn() : c.st.nextRid();
      c.st.regional.set(rid, { rid, infno: c.infno, psn_no, key, status: 'valid', data: d, crte_time: dt19(c.now) });
      return ok(c.infno === 'Z1101' ? { result: { trt_dcla_detl_sn: rid } } : { result: { rid } });
    }
    case 'Z1102': {
      const sn = need(d, 'trt_dcla_detl_sn', 'input.data');
      const r = c.st.regional.get(sn);
      if (!r || r.infno !== 'Z1101') throw new Biz(`两病备案流水号【${sn}】不存在`);
      if (r.status !== 'valid') throw new Biz(`两病备案流水号【${sn}】已撤销`);
      r.status = 'cancelled';
      return ok();
    }
    case 'S3302':
    case 'S5201':
    case 'S5901': {
      const up = { S3302: 'S3301', S5201: 'S3701', S5901: 'S3901' }[c.infno]!;
      const key = c.infno === 'S3302' ? need(d, 'setl_id', 'input.data') : need(d, 'psn_no', 'input.data');
      return ok({ data: stored(up, key).map((r) => ({ rid: r.rid, crte_time: r.crte_time, ...stringsOf(r.data) })) });
    }
  }
  throw new Biz(`交易编号【${c.infno}】未实现`);
}

