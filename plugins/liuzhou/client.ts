// The client role (hospital → 农合): one typed method per interface the 农合 system provides, and the
// canonical operations the flows in host-node/src/flows.ts drive:
//   identify → chryxxjk (参合人员信息)          register / uploadVisit / uploadFees → kept locally (no interface)
//   presettle → no interface: an estimate with 补偿 unknown (0), see README
//   settle → mzjsjk (主记录 + 明细 DataSets → 补偿 DataSet; setl_id = 门诊编号)   cancelSettle → mzjstfjk(门诊编号)
//   admit → zydjjk (入院登记数据)               uploadInpatientFees → kept locally (served to 农合 by zysjcxjk)
//   inpatientPresettle → the configured compensation source (the 补偿 the 农合 side computed)
//   discharge → local (出院时间, 出院诊断)        inpatientSettle → zyjsjk (string; setl_id = the HIS 结算单号)
//   cancelInpatientSettle → the J interface (zyjstfjk, only when configured)
// Credentials come from the options (configuration / environment); the 消息摘要 is computed per call.
// Money calls (mzjsjk, mzjstfjk, zyjsjk, zyjstfjk) have no query interface: a lost or unreadable answer is
// XNH_OUTCOME_UNKNOWN, for a person to check with the 合管中心 (never repeated automatically).
import type { Core, DataSetJson } from '../../host-node/src/contract.js';
import type { Credential, FeeLine, FeeLineResult, Identity, InpatientSettleParams, Settlement, SettleParams } from '../../host-node/src/client.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { maskId } from '../../host-node/src/mask.js';
import { fenToYuan, yuanToFen } from '../../host-node/src/money.js';
import { createSoapClient, soapFaultOf } from '../../host-node/src/transport-soap.js';
import { chinaTime, fromIdNumber, legacySettlement } from '../legacy/settlement.js';
import { methodName, resolveConfig, soapAction, type LiuzhouConfig, type LiuzhouConfigInput } from './config.js';
import { readResult, requestParams, type CallOutcome } from './codec.js';
import type { ParamValue } from './digest.js';
import type { InpatientData, InpatientLine } from './his-service.js';
import { fromDataSet, toDataSet, type CanonicalRows } from './schema.js';
import { INTERFACES, type InterfaceCode, type PermissionLetter } from './spec.js';

/** The 补偿 of an admission as the 农合 side computed it (integer fen). */
export interface XnhCompensation {
  total_fen: number;
  /** 农合补偿金额 (fund) */
  comp_fen: number;
  /** 自付 (the patient pays) */
  self_fen: number;
  dedc_fen?: number;
  inscp_fen?: number;
  ful_fen?: number;
}

export interface CompensationQuery {
  hospitalCode: string;
  ipt_no: string;
  card_no: string;
  total_fen: number;
  lines: number;
}

/**
 * Where the inpatient 补偿 comes from: zyjsjk returns only a string, so the amounts are those the 农合 side
 * computed from the hospital's data (its window, having pulled zysjcxjk) — given to yibao by this function.
 */
export type CompensationSource = (q: CompensationQuery) => Promise<XnhCompensation>;

export interface LiuzhouClientOptions {
  core: Core;
  /** the 农合 service URL (…/Service.asmx) */
  url: string;
  hospitalCode: string;
  user: string;
  password: string;
  config?: LiuzhouConfig | LiuzhouConfigInput;
  inpatientCompensation?: CompensationSource;
  /** 参合地 (区划) reported as insuplc_admdvs; default 450200 柳州市 */
  admdvs?: string;
  now?: () => Date;
  /** one line per call (codes and outcomes only, never personal data) */
  log?: (e: { kind: 'request' | 'reply'; code: InterfaceCode; text: string }) => void;
  /** extra HTTP headers (e.g. a gateway's) */
  headers?: Record<string, string>;
}

export interface XnhPerson {
  card_no: string;
  name: string;
  gend: string;
  brdy: string;
  certno: string;
  family_no: string;
  year: string;
  status: string;
  ytd_op_comp_fen: number;
  ytd_ip_comp_fen: number;
}

/** One catalogue mapping row (ypmljk / zlmljk): action 1 增加, 2 删除, 3 修改. */
export interface CatalogRow {
  his_code: string;
  his_name: string;
  xnh_code?: string;
  spec?: string;
  unit?: string;
  price?: string;
  action: '1' | '2' | '3';
}

export interface OutpatientMain {
  visit_no: string;
  card_no: string;
  name?: string;
  visit_time?: string;
  dept?: string;
  doctor?: string;
  diag_code?: string;
  diag_name?: string;
}

export interface OutpatientResult {
  outpatient_no: string;
  visit_no: string;
  total_fen: number;
  comp_fen: number;
  self_fen: number;
  inscp_fen: number;
  dedc_fen: number;
  ful_fen: number;
  time: string;
}

export interface AdmissionData {
  ipt_no: string;
  card_no: string;
  name?: string;
  adm_time?: string;
  dept?: string;
  bed?: string;
  doctor?: string;
  diag_code?: string;
  diag_name?: string;
}

export interface InpatientMain {
  ipt_no: string;
  setl_no: string;
  card_no: string;
  name?: string;
  adm_time?: string;
  dscg_time?: string;
  diag_code?: string;
  diag_name?: string;
  comp_fen: number;
  self_fen: number;
  time?: string;
}

interface Visit {
  scope: 'outpatient' | 'inpatient';
  no: string;
  card_no: string;
  dept: string;
  doctor: string;
  diag_code: string;
  diag_name: string;
  begin: string;
  end: string;
  lines: InpatientLine[];
  setl_no?: string;
}

const MONEY_UNKNOWN = new Set(['TRANSPORT_TIMEOUT', 'TRANSPORT_NETWORK', 'TRANSPORT_HTTP', 'BAD_REPLY', 'XNH_SCHEMA']);

export class LiuzhouClient {
  readonly core: Core;
  readonly region = 'liuzhou';
  readonly config: LiuzhouConfig;
  private readonly soap: ReturnType<typeof createSoapClient>;
  private readonly hospitalCode: string;
  private readonly user: string;
  private password: string;
  private readonly now: () => Date;
  private readonly o: LiuzhouClientOptions;
  private readonly visits = new Map<string, Visit>();
  private readonly persons = new Map<string, XnhPerson>();
  private seq = 0;

  constructor(o: LiuzhouClientOptions) {
    if (!o.url) throw YibaoError.host('TRANSPORT_CONFIG', 'liuzhou: the 农合 service URL (YIBAO_XNH_URL / liuzhou.url)');
    if (!o.hospitalCode || !o.user || !o.password) throw YibaoError.host('TRANSPORT_CONFIG', 'liuzhou: 医院代码, 用户 and 口令 (YIBAO_XNH_HOSPITAL_CODE / _USER / _PASSWORD or the liuzhou section of --config)');
    this.o = o;
    this.core = o.core;
    this.config = o.config && 'schemas' in o.config && (o.config as LiuzhouConfig).schemas?.chry ? (o.config as LiuzhouConfig) : resolveConfig(o.config as LiuzhouConfigInput | undefined);
    this.hospitalCode = o.hospitalCode;
    this.user = o.user;
    this.password = o.password;
    this.now = o.now ?? (() => new Date());
    this.soap = createSoapClient(o.core, {
      url: o.url, version: this.config.soap.version, ns: this.config.soap.ns, action: (m) => soapAction(this.config, m), timeoutMs: this.config.soap.timeoutMs, headers: o.headers,
    });
  }

  // ---- wire ------------------------------------------------------------------------------------

  /**
   * One call, answered by the protocol's convention (no exception for a failure text or a Null). Transport
   * errors are thrown as they are (TRANSPORT_*, SOAP_FAULT, BAD_REPLY), except for money calls, where a lost
   * or unreadable answer becomes XNH_OUTCOME_UNKNOWN.
   */
  async invoke(code: InterfaceCode, values: Record<string, ParamValue | undefined>): Promise<CallOutcome> {
    const spec = INTERFACES[code];
    if (code === 'zyjstfjk' && !this.config.jInterface.enabled) throw YibaoError.host('NOT_SUPPORTED', 'liuzhou 住院结算退费 (权限 J): its interface is not in the public specification; enable jInterface in the configuration');
    const method = methodName(this.config, code);
    const params = requestParams(this.core, this.config, code, values);
    this.o.log?.({ kind: 'request', code, text: method === code ? spec.name : `${method} ${spec.name}` });
    try {
      const r = await this.soap.call(method, params);
      const out = readResult(spec, r.result);
      this.o.log?.({ kind: 'reply', code, text: out.kind === 'string' ? (out.text ? `失败 ${out.text}` : '成功') : out.dataset ? 'DataSet' : 'Null' });
      return out;
    } catch (e) {
      throw this.moneyError(code, e);
    }
  }

  private moneyError(code: InterfaceCode, e: unknown, known = ''): unknown {
    const spec = INTERFACES[code];
    if (!spec.money || !(e instanceof YibaoError)) return e;
    // a Server/Receiver fault may come after the center did the work; a Client/Sender fault is a refusal
    const serverFault = e.code === 'SOAP_FAULT' && /server|receiver/i.test(soapFaultOf(e)?.code ?? '');
    if (!MONEY_UNKNOWN.has(e.code) && !serverFault) return e;
    return YibaoError.host('XNH_OUTCOME_UNKNOWN', `${code} ${spec.name}${known}: ${e.code} ${e.detail ?? e.messageZh}; 请人工核对，勿重复发送`, e);
  }

  private creds(): Record<string, string> {
    return { 医院代码: this.hospitalCode, 用户: this.user, 口令: this.password };
  }

  /** A string interface: "" = success; a text = XNH_REFUSED (detail = the text). */
  async callString(code: InterfaceCode, values: Record<string, ParamValue | undefined>): Promise<void> {
    const out = await this.invoke(code, values);
    if (out.kind === 'string' && out.text !== '') throw YibaoError.host('XNH_REFUSED', `${code} ${INTERFACES[code].name}: ${out.text}`);
  }

  /** A DataSet interface: Null = XNH_NULL_RESULT; the DataSet read by the configured schema (XNH_SCHEMA). */
  async callDataSet(code: InterfaceCode, values: Record<string, ParamValue | undefined>): Promise<CanonicalRows> {
    const out = await this.invoke(code, values);
    const spec = INTERFACES[code];
    if (out.kind !== 'dataset' || spec.returns.kind !== 'dataset') throw YibaoError.host('BAD_INPUT', `${code} does not return a DataSet`);
    if (!out.dataset) throw YibaoError.host('XNH_NULL_RESULT', `${code} ${spec.name}`);
    try {
      return fromDataSet(this.config.schemas[spec.returns.dataset], out.dataset);
    } catch (e) {
      throw this.moneyError(code, e);
    }
  }

  // ---- one method per interface ------------------------------------------------------------------

  /** yhklxgjk 用户口令修改 (this client's user); the new password is used from then on. */
  async changePassword(newPassword: string): Promise<void> {
    await this.callString('yhklxgjk', { 医院代码: this.hospitalCode, 用户: this.user, 原口令: this.password, 新口令: newPassword });
    this.password = newPassword;
  }

  /** Yhzjjk 用户增加 (needs A; the 农合 side must authorise the new user before it works). */
  async addUser(u: { name: string; password: string; ips: string[] | string; letters: PermissionLetter[] | string }): Promise<void> {
    await this.callString('Yhzjjk', {
      医院代码: this.hospitalCode, 发起用户: this.user, 发起用户口令: this.password, 新增用户: u.name, 新增用户口令: u.password,
      允许访问IP地址: Array.isArray(u.ips) ? u.ips.join(',') : u.ips, 访问权限: Array.isArray(u.letters) ? u.letters.join('') : u.letters,
    });
  }

  /** Yhscjk 用户删除 (needs B). */
  async deleteUser(name: string): Promise<void> {
    await this.callString('Yhscjk', { 医院代码: this.hospitalCode, 发起用户: this.user, 发起用户口令: this.password, 删除用户: name });
  }

  private catalog(code: 'ypmljk' | 'zlmljk', rows: CatalogRow[]): Promise<void> {
    const kind = code === 'ypmljk' ? 'ypml' : 'zlml';
    const ds = toDataSet(this.config.schemas[kind], { rows: rows.map((r) => ({ ...r })) });
    return this.callString(code, { ...this.creds(), [code === 'ypmljk' ? '药品目录数据' : '诊疗目录数据']: ds });
  }

  /** ypmljk 药品目录 (needs C): the hospital's drug ↔ 农合 code mapping after an add / delete / change. */
  drugCatalog(rows: CatalogRow[]): Promise<void> {
    return this.catalog('ypmljk', rows);
  }

  /** zlmljk 诊疗目录 (needs D). */
  treatmentCatalog(rows: CatalogRow[]): Promise<void> {
    return this.catalog('zlmljk', rows);
  }

  /** chryxxjk 参合人员信息 (needs E); Null → XNH_NULL_RESULT (unknown 参合证号, or refused: no reason given). */
  async person(card_no: string): Promise<XnhPerson> {
    const rows = (await this.callDataSet('chryxxjk', { ...this.creds(), 参合证号: card_no })).person ?? [];
    if (rows.length !== 1) throw YibaoError.host('BAD_REPLY', `chryxxjk: ${rows.length} 参合人员 rows (1 expected)`);
    const r = rows[0]!;
    return {
      card_no: r.card_no!, name: r.name ?? '', gend: r.gend === '男' ? '1' : r.gend === '女' ? '2' : r.gend ?? '', brdy: r.brdy ?? '', certno: r.certno ?? '', family_no: r.family_no ?? '',
      year: r.year ?? '', status: r.status ?? '', ytd_op_comp_fen: yuanToFen(r.ytd_op_comp ?? '', 'mzljbc'), ytd_ip_comp_fen: yuanToFen(r.ytd_ip_comp ?? '', 'zyljbc'),
    };
  }

  private lineRows(key: 'visit_no' | 'ipt_no', no: string, lines: InpatientLine[]) {
    return lines.map((l) => ({ [key]: no, seq: l.seq, his_code: l.his_code, name: l.name, category: l.category, price: l.price, qty: l.qty, amount: fenToYuan(l.amount_fen), time: l.time }));
  }

  /** mzjsjk 门诊结算 (needs F): 主记录 + 明细 → the 补偿 DataSet. Null → XNH_NULL_RESULT (not settled). */
  async outpatientSettlement(main: OutpatientMain, lines: InpatientLine[]): Promise<OutpatientResult> {
    const total = lines.reduce((a, l) => a + l.amount_fen, 0);
    const m = toDataSet(this.config.schemas.mzjsMain, { main: [{ ...main, total: fenToYuan(total), count: String(lines.length) }] });
    const d = toDataSet(this.config.schemas.mzjsDetail, { lines: this.lineRows('visit_no', main.visit_no, lines) });
    const rows = (await this.callDataSet('mzjsjk', { ...this.creds(), '结算数据(主记录)': m, '结算数据(明细记录)': d })).result ?? [];
    try {
      if (rows.length !== 1) throw YibaoError.host('BAD_REPLY', `${rows.length} 补偿 rows (1 expected)`);
      const r = rows[0]!;
      const res: OutpatientResult = {
        outpatient_no: r.outpatient_no!, visit_no: r.visit_no ?? main.visit_no, total_fen: yuanToFen(r.total, 'zfy'), comp_fen: yuanToFen(r.comp, 'bcje'), self_fen: yuanToFen(r.self, 'zfje'),
        inscp_fen: yuanToFen(r.inscp ?? '', 'kbcfy'), dedc_fen: yuanToFen(r.dedc ?? '', 'qfx'), ful_fen: yuanToFen(r.ful ?? '', 'qzfje'), time: r.time ?? '',
      };
      if (!res.outpatient_no) throw YibaoError.host('BAD_REPLY', '门诊编号 is empty');
      if (res.total_fen !== total) throw YibaoError.host('BAD_REPLY', `总费用 ${fenToYuan(res.total_fen)} ≠ sent ${fenToYuan(total)}`);
      if (res.comp_fen + res.self_fen !== res.total_fen) throw YibaoError.host('BAD_REPLY', `补偿 ${fenToYuan(res.comp_fen)} + 自付 ${fenToYuan(res.self_fen)} ≠ 总费用 ${fenToYuan(res.total_fen)}`);
      return res;
    } catch (e) {
      const no = rows[0]?.outpatient_no;
      throw this.moneyError('mzjsjk', e, no ? ` (门诊编号 ${no})` : '');
    }
  }

  /** mzjstfjk 门诊结算退费 (needs G). */
  outpatientRefund(outpatient_no: string): Promise<void> {
    return this.callString('mzjstfjk', { ...this.creds(), 门诊编号: outpatient_no });
  }

  /** zydjjk 住院登记 (needs H). */
  admission(a: AdmissionData): Promise<void> {
    return this.callString('zydjjk', { ...this.creds(), 入院登记数据: toDataSet(this.config.schemas.zydj, { admission: [{ ...a }] }) });
  }

  /** zyjsjk 住院结算 (needs I): 主记录 (with the 补偿 amounts) + 明细. */
  inpatientSettlement(main: InpatientMain, lines: InpatientLine[]): Promise<void> {
    const total = lines.reduce((a, l) => a + l.amount_fen, 0);
    const { comp_fen, self_fen, ...rest } = main;
    const m = toDataSet(this.config.schemas.zyjsMain, { main: [{ ...rest, total: fenToYuan(total), comp: fenToYuan(comp_fen), self: fenToYuan(self_fen), count: String(lines.length) }] });
    const d = toDataSet(this.config.schemas.zyjsDetail, { lines: this.lineRows('ipt_no', main.ipt_no, lines) });
    return this.callString('zyjsjk', { ...this.creds(), '结算数据(主记录)': m, '结算数据(明细记录)': d });
  }

  /** The J interface (住院结算退费; name and parameters configured, see README). */
  inpatientRefund(ipt_no: string): Promise<void> {
    return this.callString('zyjstfjk', { ...this.creds(), 住院编号: ipt_no });
  }

  /** Raw access: any interface with values by printed name (DataSets as DataSetJson). */
  raw(code: InterfaceCode, values: Record<string, string | DataSetJson | undefined>): Promise<CallOutcome> {
    return this.invoke(code, values);
  }

  // ---- canonical operations ------------------------------------------------------------------------

  private visit(no: string): Visit {
    const v = this.visits.get(no);
    if (!v) throw YibaoError.host('BAD_INPUT', `liuzhou: unknown visit ${no} (register or admit it with this client first)`);
    return v;
  }

  /** chryxxjk with the 参合证号 (the bill's credential number). A person whose 人员状态 is not 0 is refused. */
  async identify(c: Credential, _insutype?: string): Promise<Identity> {
    const p = await this.person(c.mdtrt_cert_no.trim());
    this.persons.set(p.card_no, p);
    if (p.status && p.status !== '0') throw YibaoError.host('XNH_REFUSED', `chryxxjk: 参合人员【${maskId(p.card_no)}】状态 ${p.status}，不能补偿`);
    const id = fromIdNumber(p.certno);
    return {
      psn_no: p.card_no, psn_name: p.name, certno: p.certno, psn_cert_type: '01', gend: p.gend || id.gend, brdy: p.brdy || id.brdy, insutype: '390', psn_type: '', insuplc_admdvs: this.o.admdvs ?? '450200',
      cvlserv_flag: '0', balc: 0, insuinfo: [{ insutype: '390', psn_type: '', balc: 0, insuplc_admdvs: this.o.admdvs ?? '450200' }],
      raw: { ...p },
    };
  }

  /** No registration interface: the HIS 门诊号 is the visit key (sent as 医院门诊号 in mzjsjk). */
  async register(p: { psn_no: string; insutype: string; credential: Credential; ipt_otp_no: string; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string; begntime?: string }): Promise<{ mdtrt_id: string; ipt_otp_no: string }> {
    this.visits.set(p.ipt_otp_no, {
      scope: 'outpatient', no: p.ipt_otp_no, card_no: p.psn_no || p.credential.mdtrt_cert_no, dept: p.dept_name ?? p.dept_code ?? '', doctor: p.dr_name ?? p.dr_code ?? '',
      diag_code: '', diag_name: '', begin: p.begntime ?? chinaTime(this.now()), end: '', lines: [],
    });
    return { mdtrt_id: p.ipt_otp_no, ipt_otp_no: p.ipt_otp_no };
  }

  async uploadVisit(p: { mdtrt_id: string; psn_no: string; med_type: string; diagnoses: { code: string; name: string }[]; dept_code?: string; dept_name?: string; dr_code?: string; dr_name?: string }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    v.diag_code = p.diagnoses[0]?.code ?? '';
    v.diag_name = p.diagnoses[0]?.name ?? '';
    if (p.dept_name || p.dept_code) v.dept = p.dept_name ?? p.dept_code ?? v.dept;
    if (p.dr_name || p.dr_code) v.doctor = p.dr_name ?? p.dr_code ?? v.doctor;
  }

  /** Kept locally (amounts = 单价 × 数量 exactly, by the core); they travel with mzjsjk / zysjcxjk / zyjsjk. */
  async uploadFees(p: { mdtrt_id: string; psn_no: string; chrg_bchno?: string; lines: FeeLine[] }): Promise<FeeLineResult[]> {
    const v = this.visit(p.mdtrt_id);
    const items = this.core.classify({ fee_items: p.lines.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) }).items;
    const time = chinaTime(this.now());
    p.lines.forEach((l, i) => {
      if (v.lines.some((x) => x.seq === l.feedetl_sn)) throw YibaoError.host('BAD_INPUT', `liuzhou: fee line ${l.feedetl_sn} uploaded twice`);
      v.lines.push({
        seq: l.feedetl_sn, his_code: l.medins_list_codg ?? l.med_list_codg, name: l.name ?? l.med_list_codg, category: l.med_chrgitm_type, price: String(l.pric), qty: String(l.cnt),
        amount_fen: items[i]!.det_item_fee_sumamt, time: l.fee_ocur_time ?? time,
      });
    });
    return p.lines.map((l, i) => ({
      feedetl_sn: l.feedetl_sn, det_item_fee_sumamt: items[i]!.det_item_fee_sumamt, fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0,
      chrgitm_lv: '', med_chrgitm_type: l.med_chrgitm_type ?? '', selfpay_prop: '', pric_uplmt_amt: '',
    }));
  }

  uploadInpatientFees(p: { mdtrt_id: string; psn_no: string; lines: FeeLine[] }): Promise<FeeLineResult[]> {
    return this.uploadFees(p);
  }

  private total(v: Visit): number {
    return v.lines.reduce((a, l) => a + l.amount_fen, 0);
  }

  private settlement(v: Visit, c: XnhCompensation, setl_id: string | null, infno: string, time: string): Settlement {
    return legacySettlement(
      { medfee: c.total_fen, hifp: c.comp_fen, cash: c.self_fen, dedc: c.dedc_fen, inscp: c.inscp_fen, ful: c.ful_fen },
      { setl_id, mdtrt_id: v.no, psn_no: v.card_no, msgid: this.localId(), infno, region: this.region, extra: { psn_name: this.persons.get(v.card_no)?.name ?? '', insutype: '390', setl_time: time, xnh_comp: c.comp_fen } },
    );
  }

  private localId(): string {
    const t = chinaTime(this.now()).replace(/\D/g, '');
    return `LZ${t}${String(++this.seq).padStart(4, '0')}`;
  }

  private checkTotal(v: Visit, medfee: number, what: string): void {
    if (medfee !== this.total(v)) throw YibaoError.host('BAD_INPUT', `liuzhou ${what}: medfee_sumamt ${medfee} fen ≠ the visit's lines ${this.total(v)} fen`);
  }

  /** No pre-settlement interface: the bill total with the 补偿 unknown (0) until mzjsjk answers. */
  async presettle(p: SettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.checkTotal(v, p.medfee_sumamt, 'presettle');
    const s = this.settlement(v, { total_fen: p.medfee_sumamt, comp_fen: 0, self_fen: p.medfee_sumamt }, null, 'presettle', chinaTime(this.now()));
    return { ...s, warn_msg: '柳州新农合没有预结算接口：补偿金额由门诊结算接口(mzjsjk)返回 / no pre-settlement: the 补偿 comes with mzjsjk' };
  }

  /** mzjsjk: setl_id = 门诊编号 (the refund key), mdtrt_id = the HIS 门诊号. */
  async settle(p: SettleParams, _pre?: Settlement): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.checkTotal(v, p.medfee_sumamt, 'settle');
    const person = this.persons.get(v.card_no);
    const r = await this.outpatientSettlement(
      { visit_no: v.no, card_no: v.card_no, name: person?.name, visit_time: v.begin, dept: v.dept, doctor: v.doctor, diag_code: v.diag_code, diag_name: v.diag_name },
      v.lines,
    );
    v.setl_no = r.outpatient_no;
    try {
      return this.settlement(v, { total_fen: r.total_fen, comp_fen: r.comp_fen, self_fen: r.self_fen, dedc_fen: r.dedc_fen, inscp_fen: r.inscp_fen, ful_fen: r.ful_fen }, r.outpatient_no, 'mzjsjk', r.time);
    } catch (e) {
      throw this.moneyError('mzjsjk', e, ` (门诊编号 ${r.outpatient_no})`);
    }
  }

  /** mzjstfjk with the 门诊编号 (= setl_id). */
  async cancelSettle(p: { setl_id: string; mdtrt_id?: string; psn_no?: string }): Promise<void> {
    await this.outpatientRefund(p.setl_id);
  }

  /** zydjjk: mdtrt_id = the HIS 住院编号 (what 农合 later asks zysjcxjk for). */
  async admit(p: { psn_no: string; insutype: string; credential: Credential; ipt_no: string; med_type?: string; begntime?: string; dept_code?: string; dept_name?: string; bed?: string; dr_code?: string; dr_name?: string; diagnoses: { code: string; name: string }[] }): Promise<{ mdtrt_id: string }> {
    const card_no = p.psn_no || p.credential.mdtrt_cert_no;
    const v: Visit = {
      scope: 'inpatient', no: p.ipt_no, card_no, dept: p.dept_name ?? p.dept_code ?? '', doctor: p.dr_name ?? p.dr_code ?? '', diag_code: p.diagnoses[0]?.code ?? '', diag_name: p.diagnoses[0]?.name ?? '',
      begin: p.begntime ?? chinaTime(this.now()), end: '', lines: [],
    };
    await this.admission({ ipt_no: v.no, card_no, name: this.persons.get(card_no)?.name, adm_time: v.begin, dept: v.dept, bed: p.bed, doctor: v.doctor, diag_code: v.diag_code, diag_name: v.diag_name });
    this.visits.set(v.no, v);
    return { mdtrt_id: v.no };
  }

  private async compensation(v: Visit): Promise<XnhCompensation> {
    const src = this.o.inpatientCompensation;
    if (!src) throw YibaoError.host('TRANSPORT_CONFIG', 'liuzhou inpatient: zyjsjk returns no 补偿; configure inpatientCompensation (the amounts the 农合 side computed) — nothing was sent');
    const total = this.total(v);
    const c = await src({ hospitalCode: this.hospitalCode, ipt_no: v.no, card_no: v.card_no, total_fen: total, lines: v.lines.length });
    for (const k of ['total_fen', 'comp_fen', 'self_fen'] as const) if (!Number.isSafeInteger(c[k])) throw YibaoError.host('BAD_REPLY', `liuzhou 住院补偿: ${k} is not an integer number of fen`);
    if (c.total_fen !== total) throw YibaoError.host('BAD_REPLY', `liuzhou 住院补偿: 总费用 ${fenToYuan(c.total_fen)} ≠ the admission's lines ${fenToYuan(total)}`);
    if (c.comp_fen + c.self_fen !== c.total_fen) throw YibaoError.host('BAD_REPLY', `liuzhou 住院补偿: 补偿 + 自付 ≠ 总费用`);
    return c;
  }

  /** The 补偿 from the compensation source (no interface: nothing is recorded at the center). */
  async inpatientPresettle(p: InpatientSettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.checkTotal(v, p.medfee_sumamt, 'inpatientPresettle');
    return this.settlement(v, await this.compensation(v), null, 'presettle', chinaTime(this.now()));
  }

  /** Local: 出院时间 and 出院诊断 go with zyjsjk. */
  async discharge(p: { mdtrt_id: string; psn_no: string; insutype: string; diagnoses: { code: string; name: string }[]; endtime?: string }): Promise<void> {
    const v = this.visit(p.mdtrt_id);
    v.end = p.endtime ?? chinaTime(this.now());
    if (p.diagnoses[0]) {
      v.diag_code = p.diagnoses[0].code;
      v.diag_name = p.diagnoses[0].name;
    }
  }

  /** zyjsjk with the 补偿 from the compensation source; setl_id = the HIS 结算单号 (jsdh) it generated. */
  async inpatientSettle(p: InpatientSettleParams): Promise<Settlement> {
    const v = this.visit(p.mdtrt_id);
    this.checkTotal(v, p.medfee_sumamt, 'inpatientSettle');
    const c = await this.compensation(v);
    const setl_no = v.setl_no ?? `JS${chinaTime(this.now()).replace(/\D/g, '')}${String(++this.seq % 10000).padStart(4, '0')}`;
    v.setl_no = setl_no;
    const time = chinaTime(this.now());
    await this.inpatientSettlement(
      { ipt_no: v.no, setl_no, card_no: v.card_no, name: this.persons.get(v.card_no)?.name, adm_time: v.begin, dscg_time: v.end || time, diag_code: v.diag_code, diag_name: v.diag_name, comp_fen: c.comp_fen, self_fen: c.self_fen, time },
      v.lines,
    );
    return this.settlement(v, c, setl_no, 'zyjsjk', time);
  }

  /** The J interface with the 住院编号 (only when configured). */
  async cancelInpatientSettle(p: { mdtrt_id: string }): Promise<void> {
    await this.inpatientRefund(p.mdtrt_id);
  }

  /** What zysjcxjk answers for an admission of this client (the HIS service's data provider in the CLI and tests). */
  inpatientData(ipt_no: string): InpatientData | null {
    const v = this.visits.get(ipt_no);
    if (!v || v.scope !== 'inpatient') return null;
    return { ipt_no: v.no, card_no: v.card_no, name: this.persons.get(v.card_no)?.name, adm_time: v.begin, dscg_time: v.end, dept: v.dept, lines: v.lines.map((l) => ({ ...l })) };
  }
}

export function createLiuzhouClient(o: LiuzhouClientOptions): LiuzhouClient {
  return new LiuzhouClient(o);
}
