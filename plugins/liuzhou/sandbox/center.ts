// The simulated 柳州 新农合 center: the business side of every interface 农合 provides, settled by the
// shared legacy kernel (core presettle with LIUZHOU_SANDBOX_POLICY), and the center's own calls to the
// hospital: pullInpatientData() asks the hospital-hosted zysjcxjk for an admission's data and checks it
// against what zydjjk registered. Authentication, IP binding, letters and the digest are checked before any
// of this runs (service.ts).
import type { Core } from '../../../host-node/src/contract.js';
import { YibaoError } from '../../../host-node/src/errors.js';
import { createSoapClient } from '../../../host-node/src/transport-soap.js';
import { CenterRefusal, Kernel, fenOf, hashDigits, seedPersons, yuan, type KPerson, type KSettlement, type KVisit } from '../../legacy/kernel.js';
import { readResult, requestParams, type CallOutcome } from '../codec.js';
import { soapAction, type LiuzhouConfig } from '../config.js';
import { LIUZHOU_SANDBOX_POLICY } from '../manifest.js';
import { fromDataSet, toDataSet, type CanonicalRows } from '../schema.js';
import { XnhRefusal, type Business, type ServiceCall } from '../service.js';
import { INTERFACES } from '../spec.js';

export interface LiuzhouCenterOptions {
  core: Core;
  config: LiuzhouConfig;
  now?: () => Date;
  log?: (line: string) => void;
}

/** One catalogue mapping the hospital reported (ypmljk / zlmljk). */
export interface CatalogMapping {
  his_code: string;
  his_name: string;
  xnh_code: string;
  spec: string;
  unit: string;
  price: string;
}

/** What the center learnt from the hospital's zysjcxjk, and how it compares with the registration. */
export interface PulledAdmission {
  rows: CanonicalRows;
  ok: boolean;
  mismatches: string[];
}

/** A 参合证号 of the sandbox: 450202 + 8 digits. */
export const sandboxCardNo = (n: number): string => `4502021${String(n).padStart(7, '0')}`;

export class LiuzhouCenter {
  readonly kernel: Kernel;
  readonly config: LiuzhouConfig;
  /** hospital → (drug | treatment) → his_code → mapping */
  readonly catalogs = new Map<string, { drug: Map<string, CatalogMapping>; treatment: Map<string, CatalogMapping> }>();
  /** kernel visit id → the hospital (医院代码) that created it */
  private readonly owner = new Map<string, string>();
  /** hospital + 结算单号 → kernel settlement id */
  private readonly inpatientSetl = new Map<string, string>();
  private readonly core: Core;

  constructor(private readonly o: LiuzhouCenterOptions) {
    this.core = o.core;
    this.config = o.config;
    // the legacy seed persons (the demo bills' ID numbers), as 新农合 members: 390, no personal account
    const persons = seedPersons(sandboxCardNo, sandboxCardNo).map((p): KPerson => ({ ...p, insutype: '390', psn_class: '31', balance_fen: 0, cvlserv: false, emp_name: '' }));
    this.kernel = new Kernel({
      core: o.core, tag: 'LZ', policy: LIUZHOU_SANDBOX_POLICY, persons, now: o.now,
      enroll: (certno, brdy, gend) => {
        const card = `4502029${hashDigits(certno, 7)}`;
        return { pid: card, card_no: card, name: `参合人${certno.slice(-4)}`, certno, gend, brdy, insutype: '390', psn_class: '31', emp_name: '', balance_fen: 0, cvlserv: false, aid: false, blocked: false, seed: false };
      },
    });
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  /** Runs a kernel step; a CenterRefusal becomes the protocol's refusal (text / Null). */
  private refuse<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof CenterRefusal) throw new XnhRefusal(e.message);
      throw e;
    }
  }

  private rows(call: ServiceCall, param: string): CanonicalRows {
    const spec = INTERFACES[call.code].params.find((p) => p.zh === param);
    const v = call.values[param];
    if (!spec?.dataset) throw new Error(`${param} is not a DataSet parameter`);
    if (v === undefined || typeof v === 'string') throw new XnhRefusal(`${param}不能为空`);
    return fromDataSet(this.config.schemas[spec.dataset], v);
  }

  private one(rows: Record<string, string>[] | undefined, what: string): Record<string, string> {
    if (!rows || rows.length !== 1) throw new XnhRefusal(`${what}应有且只有一条记录（实际 ${rows?.length ?? 0} 条）`);
    return rows[0]!;
  }

  private own(v: KVisit, hospital: string): void {
    if (this.owner.get(v.id) !== hospital) throw new XnhRefusal(`就诊记录【${v.his_no}】不属于医院【${hospital}】`);
  }

  /** The comparable part of the detail rows: kernel lines (amount = 单价 × 数量 checked to the fen by the kernel). */
  private lines(detail: Record<string, string>[], key: string, no: string, expectCount: string | undefined, expectTotal: string | undefined) {
    if (expectCount !== undefined && Number(expectCount) !== detail.length) throw new XnhRefusal(`明细条数【${expectCount}】与明细记录数【${detail.length}】不符`);
    let sum = 0;
    const lines = detail.map((d, i) => {
      if ((d[key] ?? no) !== no) throw new XnhRefusal(`第${i + 1}条明细的编号【${d[key]}】与主记录【${no}】不符`);
      sum += fenOf(d.amount ?? '', `第${i + 1}条明细金额`);
      return { sn: d.seq, code: d.his_code!, name: d.name ?? '', pric: d.price!, cnt: d.qty!, amount: d.amount };
    });
    if (expectTotal !== undefined && fenOf(expectTotal, '总费用') !== sum) throw new XnhRefusal(`总费用【${expectTotal}】与明细合计【${yuan(sum)}】不符`);
    return lines;
  }

  /** This year's 补偿 of a person by scope (fen). */
  private ytd(p: KPerson): { op: number; ip: number } {
    const year = this.kernel.time().date.slice(0, 4);
    const r = { op: 0, ip: 0 };
    for (const s of this.kernel.settlements.values()) {
      if (s.pid !== p.pid || s.kind !== 'settle' || s.status !== 'valid' || s.effects.year !== year) continue;
      if (s.effects.scope === 'outpatient') r.op += s.result.setlinfo.fund_pay_sumamt;
      else r.ip += s.result.setlinfo.fund_pay_sumamt;
    }
    return r;
  }

  // ---- the interfaces ------------------------------------------------------------------------

  readonly chryxxjk: Business = (call) => {
    const p = this.refuse(() => this.kernel.person(String(call.values['参合证号'] ?? '')));
    const y = this.ytd(p);
    const ds = toDataSet(this.config.schemas.chry, {
      person: [{ card_no: p.card_no, name: p.name, gend: p.gend, brdy: p.brdy, certno: p.certno, family_no: p.card_no.slice(0, 12), year: this.kernel.time().date.slice(0, 4), status: p.blocked ? '1' : '0', ytd_op_comp: yuan(y.op), ytd_ip_comp: yuan(y.ip) }],
    });
    return { kind: 'dataset', dataset: ds };
  };

  private catalog(kind: 'drug' | 'treatment'): Business {
    return (call) => {
      const rows = this.rows(call, kind === 'drug' ? '药品目录数据' : '诊疗目录数据').rows ?? [];
      if (!rows.length) throw new XnhRefusal('目录数据不能为空');
      let h = this.catalogs.get(call.hospital);
      if (!h) this.catalogs.set(call.hospital, (h = { drug: new Map(), treatment: new Map() }));
      const map = h[kind];
      // validate every row first: a refused call changes nothing
      rows.forEach((r, i) => {
        if (!['1', '2', '3'].includes(r.action ?? '')) throw new XnhRefusal(`第${i + 1}行操作类型【${r.action}】无效（1 增加 2 删除 3 修改）`);
        if (r.action !== '2' && !r.xnh_code) throw new XnhRefusal(`第${i + 1}行缺少农合项目编码`);
        if (r.action === '1' && map.has(r.his_code!)) throw new XnhRefusal(`第${i + 1}行医院项目【${r.his_code}】已有对应关系`);
        if (r.action !== '1' && !map.has(r.his_code!)) throw new XnhRefusal(`第${i + 1}行医院项目【${r.his_code}】没有对应关系`);
        if (r.price && !/^\d+(\.\d{1,6})?$/.test(r.price)) throw new XnhRefusal(`第${i + 1}行单价【${r.price}】无效`);
      });
      for (const r of rows) {
        if (r.action === '2') map.delete(r.his_code!);
        else map.set(r.his_code!, { his_code: r.his_code!, his_name: r.his_name!, xnh_code: r.xnh_code!, spec: r.spec ?? '', unit: r.unit ?? '', price: r.price ?? '' });
      }
      return { kind: 'string', text: '' };
    };
  }

  readonly ypmljk: Business = this.catalog('drug');
  readonly zlmljk: Business = this.catalog('treatment');

  readonly mzjsjk: Business = (call) => {
    const main = this.one(this.rows(call, '结算数据(主记录)').main, '门诊结算主记录');
    const detail = this.rows(call, '结算数据(明细记录)').lines ?? [];
    return this.refuse((): CallOutcome => {
      const p = this.kernel.person(main.card_no!);
      if (p.blocked) throw new CenterRefusal(`参合人员【${p.card_no}】已停止补偿`);
      const lines = this.lines(detail, 'visit_no', main.visit_no!, main.count, main.total);
      let v: KVisit | undefined;
      for (const x of this.kernel.visits.values()) if (x.his_no === main.visit_no && x.status !== 'cancelled') v = x;
      if (v) {
        this.own(v, call.hospital);
        if (v.scope !== 'outpatient' || v.pid !== p.pid) throw new CenterRefusal(`门诊号【${main.visit_no}】已用于其他就诊`);
        if (v.status === 'settled') throw new CenterRefusal(`门诊号【${main.visit_no}】已结算（门诊编号 ${v.id}）`);
        this.kernel.deleteLines(v);
      } else {
        v = this.kernel.openVisit(p, 'outpatient', { med_type: '11', his_no: main.visit_no!, dept: main.dept, doctor: main.doctor, diag_code: main.diag_code, diag_name: main.diag_name, begin: main.visit_time || undefined });
        this.owner.set(v.id, call.hospital);
      }
      try {
        this.kernel.addLines(v, lines);
        const s = this.kernel.settle(v, { acctUsed: false, expectTotalFen: fenOf(main.total!, '总费用'), expectCount: detail.length });
        return { kind: 'dataset', dataset: this.result(s, v, p) };
      } catch (e) {
        this.kernel.deleteLines(v);
        throw e;
      }
    });
  };

  private result(s: KSettlement, v: KVisit, p: KPerson) {
    const si = s.result.setlinfo;
    return toDataSet(this.config.schemas.mzjsResult, {
      result: [{
        outpatient_no: v.id, visit_no: v.his_no, card_no: p.card_no, total: yuan(si.medfee_sumamt), inscp: yuan(si.inscp_scp_amt), dedc: yuan(si.act_pay_dedc),
        comp: yuan(si.fund_pay_sumamt), self: yuan(si.medfee_sumamt - si.fund_pay_sumamt), ful: yuan(si.fulamt_ownpay_amt), time: s.time,
      }],
    });
  }

  private refund(call: ServiceCall, no: string, scope: 'outpatient' | 'inpatient'): CallOutcome {
    return this.refuse((): CallOutcome => {
      const v = scope === 'outpatient' ? this.kernel.visits.get(no.trim()) : this.kernel.visit(no);
      if (!v || v.scope !== scope) throw new CenterRefusal(`${scope === 'outpatient' ? '门诊编号' : '住院编号'}【${no}】不存在`);
      this.own(v, call.hospital);
      const s = this.kernel.settlementsOf(v.id).find((x) => x.kind === 'settle' && x.status === 'valid');
      if (!s) throw new CenterRefusal(`【${no}】没有有效的结算，不能退费`);
      this.kernel.reverse(s.id);
      if (scope === 'outpatient') this.kernel.deleteLines(v);
      return { kind: 'string', text: '' };
    });
  }

  readonly mzjstfjk: Business = (call) => this.refund(call, String(call.values['门诊编号'] ?? ''), 'outpatient');

  readonly zydjjk: Business = (call) => {
    const a = this.one(this.rows(call, '入院登记数据').admission, '入院登记数据');
    return this.refuse((): CallOutcome => {
      const p = this.kernel.person(a.card_no!);
      const v = this.kernel.openVisit(p, 'inpatient', { med_type: '21', his_no: a.ipt_no!, dept: a.dept, doctor: a.doctor, diag_code: a.diag_code, diag_name: a.diag_name, begin: a.adm_time || undefined });
      this.owner.set(v.id, call.hospital);
      return { kind: 'string', text: '' };
    });
  };

  /** Compensation of an admission on the given lines (replaces its unsettled lines; nothing is recorded). */
  compensate(hospital: string, ipt_no: string, detail: Record<string, string>[], main?: Record<string, string>) {
    return this.refuse(() => {
      const v = this.kernel.visit(ipt_no, { open: true });
      this.own(v, hospital);
      if (v.scope !== 'inpatient') throw new CenterRefusal(`住院编号【${ipt_no}】不是住院登记`);
      const lines = this.lines(detail, 'ipt_no', ipt_no, main?.count, main?.total);
      this.kernel.deleteLines(v);
      this.kernel.addLines(v, lines);
      const r = this.kernel.compute(v, { acctUsed: false });
      const si = r.result.setlinfo;
      return { visit: v, total: si.medfee_sumamt, comp: si.fund_pay_sumamt, self: si.medfee_sumamt - si.fund_pay_sumamt, dedc: si.act_pay_dedc, inscp: si.inscp_scp_amt, ful: si.fulamt_ownpay_amt };
    });
  }

  readonly zyjsjk: Business = (call) => {
    const main = this.one(this.rows(call, '结算数据(主记录)').main, '住院结算主记录');
    const detail = this.rows(call, '结算数据(明细记录)').lines ?? [];
    const key = `${call.hospital}\u0000${main.setl_no}`;
    if (this.inpatientSetl.has(key)) throw new XnhRefusal(`结算单号【${main.setl_no}】已结算`);
    const c = this.compensate(call.hospital, main.ipt_no!, detail, main);
    return this.refuse((): CallOutcome => {
      const p = this.kernel.byPid(c.visit.pid);
      if (main.card_no !== p.card_no && main.card_no !== p.certno) throw new CenterRefusal(`参合证号【${main.card_no}】与住院登记不符`);
      const comp = fenOf(main.comp!, '补偿金额'), self = fenOf(main.self!, '自付金额');
      if (comp !== c.comp || self !== c.self) {
        this.kernel.deleteLines(c.visit);
        throw new CenterRefusal(`补偿金额【${main.comp}】/自付金额【${main.self}】与农合计算【${yuan(c.comp)}/${yuan(c.self)}】不符`);
      }
      if (main.dscg_time) c.visit.end = main.dscg_time;
      const s = this.kernel.settle(c.visit, { acctUsed: false, expectTotalFen: c.total, expectCount: detail.length });
      this.inpatientSetl.set(key, s.id);
      this.log(`住院结算 ${main.ipt_no} 结算单号 ${main.setl_no} 补偿 ${yuan(c.comp)}`);
      return { kind: 'string', text: '' };
    });
  };

  /** The J interface (when configured): 住院结算退费 by 住院编号. */
  readonly zyjstfjk: Business = (call) => {
    const no = String(call.values['住院编号'] ?? '');
    const out = this.refund(call, no, 'inpatient');
    for (const [k, id] of this.inpatientSetl) if (this.kernel.settlements.get(id)?.status === 'reversed') this.inpatientSetl.delete(k);
    return out;
  };

  // ---- the center calls the hospital -------------------------------------------------------------

  /**
   * zysjcxjk on the hospital's service (住院数据查询, 农合 → 医院) with a user the hospital gave 农合, then the
   * comparison with the registration: 住院编号 and 参合证号 as registered by zydjjk, 明细条数 and 总费用
   * consistent with the lines. A Null answer is XNH_NULL_RESULT; a refusal or a bad DataSet, its error.
   */
  async pullInpatientData(hospital: { url: string; user: string; password: string; hospitalCode: string }, ipt_no: string): Promise<PulledAdmission> {
    const soap = createSoapClient(this.core, { url: hospital.url, version: this.config.soap.version, ns: this.config.soap.ns, action: (m) => soapAction(this.config, m), timeoutMs: this.config.soap.timeoutMs });
    const params = requestParams(this.core, this.config, 'zysjcxjk', { 用户: hospital.user, 口令: hospital.password, 住院编号: ipt_no });
    const r = await soap.call('zysjcxjk', params);
    const out = readResult(INTERFACES.zysjcxjk, r.result);
    if (out.kind !== 'dataset' || !out.dataset) throw YibaoError.host('XNH_NULL_RESULT', `zysjcxjk ${ipt_no}`);
    const rows = fromDataSet(this.config.schemas.zysjcx, out.dataset);
    const mismatches: string[] = [];
    const main = rows.main?.[0];
    if (!main || rows.main!.length !== 1) mismatches.push(`住院信息应有一条记录（实际 ${rows.main?.length ?? 0} 条）`);
    let v: KVisit | undefined;
    try {
      v = this.kernel.visit(ipt_no);
    } catch {
      mismatches.push(`住院编号【${ipt_no}】没有住院登记`);
    }
    if (v && this.owner.get(v.id) !== hospital.hospitalCode) mismatches.push(`住院编号【${ipt_no}】不是医院【${hospital.hospitalCode}】登记的`);
    if (main) {
      if (main.ipt_no !== ipt_no) mismatches.push(`返回的住院编号【${main.ipt_no}】与查询的【${ipt_no}】不符`);
      if (v) {
        const p = this.kernel.byPid(v.pid);
        if (main.card_no !== p.card_no && main.card_no !== p.certno) mismatches.push(`参合证号与住院登记不符`);
      }
      const lines = rows.lines ?? [];
      if (Number(main.count) !== lines.length) mismatches.push(`明细条数【${main.count}】与明细记录数【${lines.length}】不符`);
      let sum = 0;
      for (const [i, l] of lines.entries()) {
        if (l.ipt_no !== ipt_no) mismatches.push(`第${i + 1}条明细的住院编号【${l.ipt_no}】不符`);
        try {
          sum += fenOf(l.amount ?? '', `第${i + 1}条明细金额`);
        } catch (e) {
          mismatches.push((e as Error).message);
        }
      }
      try {
        if (fenOf(main.total ?? '', '总费用') !== sum) mismatches.push(`总费用【${main.total}】与明细合计【${yuan(sum)}】不符`);
      } catch (e) {
        mismatches.push((e as Error).message);
      }
    }
    this.log(`zysjcxjk ${ipt_no}: ${mismatches.length ? mismatches.join('；') : '与住院登记一致'}`);
    return { rows, ok: mismatches.length === 0, mismatches };
  }

  /**
   * The sandbox's 农合 window (not part of the protocol): pulls the admission with zysjcxjk and computes its
   * 补偿 on those lines — what the cashier of a real hospital learns from the 农合 window before zyjsjk.
   */
  async window(hospital: { url: string; user: string; password: string; hospitalCode: string }, ipt_no: string) {
    const pulled = await this.pullInpatientData(hospital, ipt_no);
    if (!pulled.ok) throw new XnhRefusal(`住院数据与登记不符：${pulled.mismatches.join('；')}`);
    const c = this.compensate(hospital.hospitalCode, ipt_no, pulled.rows.lines ?? [], pulled.rows.main?.[0]);
    return { total: yuan(c.total), comp: yuan(c.comp), self: yuan(c.self), dedc: yuan(c.dedc), inscp: yuan(c.inscp), ful: yuan(c.ful) };
  }
}
