// The simulated Chongqing 金保 center behind the SiInterface emulator: GBK pipe request in, GBK pipe
// reply out, settled by the shared kernel (core presettle with CHONGQING_SANDBOX_POLICY).
import type { Core } from '../../../host-node/src/contract.js';
import { CenterRefusal, Kernel, ageYears, hashDigits, seedPersons, yuan, type KPerson, type KSettlement, type KVisit } from '../../legacy/kernel.js';
import { CHONGQING_SANDBOX_POLICY } from '../../legacy/policy.js';
import { decodeRequestRecords, replyRecords, type Named } from '../codec.js';

export interface ChongqingCenterOptions {
  core: Core;
  now?: () => Date;
  log?: (line: string) => void;
}

const MED_OUTPATIENT = new Set(['11', '13', '14', '15', '16']);
const MED_INPATIENT = new Set(['21', '22', '23', '24', '25']);

/** 人员类别 of the kernel class: 11 在职, 21 退休, 41 成年居民. */
const PSN_CLASS: Record<KPerson['psn_class'], string> = { '11': '11', '21': '21', '31': '41' };

interface Registration {
  serial: string;
  visit: KVisit;
}

export class ChongqingCenter {
  readonly kernel: Kernel;
  /** 交易流水号 → what it created (registration, item, settlement) */
  private readonly serials = new Map<string, { kind: 'register' | 'item' | 'settle'; visit: string; sn?: string; setl?: string }>();
  private readonly registrations = new Map<string, Registration>();
  /** the card the emulated reader holds (31 读卡) */
  card = '';
  private seq = 0;

  constructor(private readonly o: ChongqingCenterOptions) {
    const persons = seedPersons((n) => `50000000${n}`, (n) => `50000000${n}`);
    this.kernel = new Kernel({
      core: o.core, tag: 'CQ', policy: CHONGQING_SANDBOX_POLICY, persons, now: o.now,
      enroll: (certno, brdy, gend) => {
        const card = `5${hashDigits(certno, 8)}`;
        return { pid: card, card_no: card, name: `参保人${certno.slice(-4)}`, certno, gend, brdy, insutype: '310', psn_class: '11', emp_name: '沙箱自动参保单位', balance_fen: 100000, cvlserv: false, aid: false, blocked: false, seed: false };
      },
    });
    this.card = persons[0]!.card_no;
  }

  private serial(prefix: string): string {
    return `${prefix}${this.kernel.time().stamp}${String(++this.seq).padStart(4, '0')}`;
  }

  /** INIT: always available. */
  init(): number {
    return 0;
  }

  /** One BUSINESS_HANDLE: returns the reply records (first field 执行代码). */
  handle(records: string[][]): string[][] {
    let code = '';
    try {
      const req = decodeRequestRecords(records);
      code = req.code;
      const out = this.dispatch(req.code, req.fields, req.items);
      this.o.log?.(`${code} ok`);
      return out;
    } catch (e) {
      const msg = e instanceof CenterRefusal ? e.message : e instanceof Error && /交易|字段|明细/.test(e.message) ? e.message : `沙箱中心内部错误：${(e as Error).message}`;
      this.o.log?.(`${code || '??'} -1 ${msg}`);
      return [['-1', msg.replace(/[|$]/g, '／')]];
    }
  }

  private dispatch(code: string, f: Record<string, string>, items: Record<string, string>[]): string[][] {
    switch (code) {
      case '01': return this.identify(f);
      case '02': return this.register(f);
      case '03': return this.update(f);
      case '04': return this.addItems(f, items);
      case '05': return this.settle(f, false);
      case '06': return this.settle(f, true);
      case '07': return [['1', '##']];
      case '10': return this.deleteItems(f);
      case '13': return this.account(f);
      case '26': { const p = this.kernel.person(f.card_no ?? ''); return replyRecords('26', { old_card_no: p.card_no.slice(1), card_no: p.card_no }); }
      case '31': return replyRecords('31', { card_no: this.card });
      case '99': return this.reverse(f);
      default:
        throw new CenterRefusal(`沙箱中心未模拟交易【${code}】`);
    }
  }

  private needKind(f: Record<string, string>): void {
    if ((f.insurance_kind ?? '1') !== '1' && f.insurance_kind !== '') throw new CenterRefusal(`险种类别【${f.insurance_kind}】：沙箱中心只模拟医疗保险（1）`);
  }

  private identify(f: Record<string, string>): string[][] {
    this.needKind(f);
    const p = this.kernel.person(f.card_no ?? '');
    const today = this.kernel.time().date;
    return replyRecords('01', {
      name: p.name, gend: p.gend === '1' ? '男' : '女', age: String(ageYears(p.brdy, today)), certno: p.certno, nation: '汉族', address: '重庆市渝中区沙箱路1号',
      psn_class: PSN_CLASS[p.psn_class], cvlserv: p.cvlserv ? '1' : '0', emp_name: p.emp_name, admdvs: '500103', block_state: p.blocked ? '45' : '',
      block_reason: p.blocked ? '暂停待遇享受（沙箱）' : '', change_type: '', change_time: '', block_begin: p.blocked ? '2026-01-01' : '', block_end: '',
      civil_class: p.aid ? '1' : '', resident_grade: p.insutype === '390' ? '1' : '', insured_kind: p.insutype === '390' ? '2' : '1', tel: '',
    });
  }

  private register(f: Record<string, string>): string[][] {
    this.needKind(f);
    const med = f.med_type ?? '';
    const scope = MED_INPATIENT.has(med) ? 'inpatient' : MED_OUTPATIENT.has(med) ? 'outpatient' : null;
    if (!scope) throw new CenterRefusal(`医疗类别【${med}】无效（门诊 11/13/14/15/16，住院 21/22/23/24/25）`);
    if (!f.dept_code) throw new CenterRefusal('入院科室编码不能为空');
    if (!f.operator) throw new CenterRefusal('操作员不能为空');
    if (f.begin_date && !/^\d{4}-\d{2}-\d{2}$/.test(f.begin_date)) throw new CenterRefusal(`入院日期【${f.begin_date}】格式应为YYYY-MM-DD`);
    const p = this.kernel.person(f.card_no ?? '');
    const v = this.kernel.openVisit(p, scope, { med_type: med, his_no: f.his_no ?? '', dept: f.dept_code, doctor: f.doctor_code, diag_name: f.diagnosis, begin: f.begin_date ? `${f.begin_date} 00:00:00` : undefined });
    const serial = this.serial('DJ');
    this.serials.set(serial, { kind: 'register', visit: v.id });
    this.registrations.set(v.his_no, { serial, visit: v });
    return replyRecords('02', { serial, balance: p.insutype === '310' ? p.balance_fen : 0, transfer_from: '', insured_kind: p.insutype === '390' ? '2' : '1' });
  }

  private update(f: Record<string, string>): string[][] {
    const v = this.kernel.visit(f.his_no ?? '', { open: true });
    const flags = f.update_flags ?? '';
    if (!/^[01]{16}$/.test(flags)) throw new CenterRefusal(`更新标志【${flags}】应为16位0/1`);
    const on = (i: number) => flags[i] === '1';
    if (on(1)) v.dept = f.dept_code ?? '';
    if (on(2)) v.doctor = f.doctor_code ?? '';
    if (on(4)) v.diag_name = f.diagnosis ?? '';
    if (on(6)) v.diag_code = f.disease_code ?? '';
    if (on(5)) {
      if (v.scope !== 'inpatient') throw new CenterRefusal('门诊就诊不能办理出院');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(f.end_date ?? '')) throw new CenterRefusal(`出院日期【${f.end_date}】格式应为YYYY-MM-DD`);
      v.end = `${f.end_date} 00:00:00`;
      v.status = 'discharged';
    }
    return replyRecords('03', {});
  }

  private addItems(f: Record<string, string>, items: Record<string, string>[]): string[][] {
    const v = this.kernel.visit(f.his_no ?? '', { open: true });
    if (items.length > 10) throw new CenterRefusal(`一次最多上传10条处方明细（本次${items.length}条）`);
    items.forEach((it, i) => {
      if (!it.rx_no || !it.item_code || !it.item_name || !it.operator) throw new CenterRefusal(`第${i + 1}条处方明细的处方号/项目医保流水号/项目名称/经办人不能为空`);
      if (it.reverse_serial) throw new CenterRefusal('沙箱中心不模拟冲消明细（请用10交易删除未结算明细）');
    });
    const lines = this.kernel.addLines(v, items.map((it) => ({ code: it.item_code!, name: it.item_name!, pric: it.price!, cnt: it.qty!, amount: it.amount, spec: it.spec, unit: it.unit, doctor: it.doctor_name })));
    const out: Named[] = lines.map((l) => {
      const serial = this.serial('MX');
      this.serials.set(serial, { kind: 'item', visit: v.id, sn: l.sn });
      const lv = l.item?.chrgitm_lv ?? '03';
      return {
        serial, price: l.pric, approval: '0', approval_rule: '', amount: l.sumamt_fen, level: String(Number(lv)), selfpay_ratio: l.item?.selfpay_prop ?? '1',
        std_price: l.item?.pric_uplmt_amt ?? '', selfpay_amt: l.pre, ownpay_amt: l.ful + l.over,
      };
    });
    return replyRecords('04', {}, out);
  }

  private deleteItems(f: Record<string, string>): string[][] {
    const v = this.kernel.visit(f.his_no ?? '', { open: true });
    this.kernel.deleteLines(v);
    return replyRecords('10', {});
  }

  private amounts(s: { result: KSettlement['result'] }, balance: number): Named {
    const a = s.result.setlinfo;
    return {
      hifp_pay: a.hifp_pay, acct_pay: a.acct_pay, cvlserv_pay: a.cvlserv_pay, cash_pay: a.psn_cash_pay, big_pay: a.hifob_pay + a.hifmi_pay, cvlserv_dedc_return: 0,
      balance, single_disease_advance: a.hosp_part_amt, civil_aid_pay: a.maf_pay, civil_aid_outpatient_balance: 0, mdr_pay: 0, general_consult_pay: 0,
      shenhua_aid_pay: 0, ytd_hifp: 0, ytd_big: 0, ytd_special_dedc: 0, ytd_mdr: 0, ytd_civil_aid_inpatient: 0, center_time: this.kernel.time().time,
      dedc_pay: a.act_pay_dedc, inscp_amt: a.inscp_scp_amt, pharmacy_service_pay: 0, hospital_deduction: 0, maternity_fund_pay: 0, maternity_cash_pay: 0,
      injury_fund_pay: 0, injury_cash_pay: 0, injury_single_disease_advance: 0, injury_selfpay_reason: '',
    };
  }

  private settle(f: Record<string, string>, preview: boolean): string[][] {
    this.needKind(f);
    const v = this.kernel.visit(f.his_no ?? '', { open: true });
    if (!/^\d+(\.\d{1,2})?$/.test(f.total ?? '')) throw new CenterRefusal(`本次结算总金额【${f.total}】格式错误`);
    if (!/^\d+$/.test(f.count ?? '')) throw new CenterRefusal(`本次结算明细总条数【${f.count}】格式错误`);
    const [yi, fr = ''] = f.total!.split('.');
    const totalFen = Number(yi) * 100 + Number(fr.padEnd(2, '0'));
    const acctUsed = (f.acct_flag ?? '') !== '1';
    const check = { acctUsed, expectTotalFen: totalFen, expectCount: Number(f.count) };
    if (v.scope === 'inpatient' && !preview && v.status !== 'discharged' && (f.settle_kind ?? '0') === '0') throw new CenterRefusal('住院病人未办理出院（03交易出院日期），不能正常结算');
    const p = this.kernel.byPid(v.pid);
    if (preview) {
      const r = this.kernel.compute(v, check);
      return replyRecords('06', this.amounts(r, p.balance_fen - r.result.setlinfo.acct_pay));
    }
    if (!f.operator) throw new CenterRefusal('经办人不能为空');
    const s = this.kernel.settle(v, { ...check, id: this.serial('JS') });
    this.serials.set(s.id, { kind: 'settle', visit: v.id, setl: s.id });
    return replyRecords('05', { serial: s.id, ...this.amounts(s, s.balance_after_fen) });
  }

  private account(f: Record<string, string>): string[][] {
    this.needKind(f);
    const p = this.kernel.person(f.card_no ?? '');
    const year = this.kernel.time().date.slice(0, 4);
    let hifp = 0, admissions = 0, inHospital = '0';
    for (const s of this.kernel.settlements.values()) if (s.pid === p.pid && s.status === 'valid' && s.effects.year === year) hifp += s.effects.hifp;
    for (const v of this.kernel.visits.values()) if (v.pid === p.pid && v.scope === 'inpatient' && v.status !== 'cancelled') {
      admissions++;
      if (v.status === 'open' || v.status === 'discharged') inHospital = '1';
    }
    const z = 0;
    return replyRecords('13', {
      balance: p.insutype === '310' ? p.balance_fen : 0, ytd_hifp: hifp, ytd_special_dedc: z, ytd_special_fee: z, ytd_tumor_dedc: z, ytd_cvlserv_fee: z,
      ytd_admissions: String(admissions), in_hospital: inHospital, special_selfpay_left: z, inpatient_selfpay_left: z, tumor_flag: '0', ytd_serious: z,
      resident_serious_flag: '0', ytd_accident: z, ytd_mdr: z, ytd_child: z, ytd_rehab: z, ytd_civil_inpatient: z, ytd_civil_outpatient: z, ytd_reduction: z,
      ytd_outpatient_pool: z, offsite_flag: '0', reserve1: '', reserve2: '',
    });
  }

  private reverse(f: Record<string, string>): string[][] {
    const serial = (f.serial ?? '').trim();
    const rec = this.serials.get(serial);
    if (!rec) throw new CenterRefusal(`交易流水号【${serial}】不存在`);
    if (!f.operator) throw new CenterRefusal('经办人不能为空');
    const v = this.kernel.visits.get(rec.visit)!;
    if (f.his_no && f.his_no !== v.his_no) throw new CenterRefusal(`交易流水号【${serial}】不属于住院(门诊)号【${f.his_no}】`);
    if (rec.kind === 'settle') {
      const rev = this.kernel.reverse(rec.setl!, { id: this.serial('FJ') });
      this.serials.set(rev.id, { kind: 'settle', visit: v.id, setl: rev.id });
      const a = rev.result.setlinfo;
      const neg = (x: number) => (x === 0 ? 0 : -x);
      // 应退 amounts are what goes back: positive numbers of the original split
      return replyRecords('99', {
        serial: rev.id, hifp_pay: neg(a.hifp_pay), acct_pay: neg(a.acct_pay), cvlserv_pay: neg(a.cvlserv_pay), cash_pay: neg(a.psn_cash_pay),
        big_pay: neg(a.hifob_pay + a.hifmi_pay), cvlserv_dedc_return: 0, civil_aid_pay: neg(a.maf_pay), cover_fund_pay: 0, reduction_pay: 0, shenhua_aid_pay: 0,
        reserve2: 0, center_time: this.kernel.time().time, maternity_fund_pay: 0, maternity_cash_pay: 0, injury_fund_pay: 0, injury_cash_pay: 0,
      });
    }
    if (rec.kind === 'item') {
      this.kernel.deleteLines(v, [rec.sn!]);
      return [['1']];
    }
    // registration: only while nothing is settled on it
    if (this.kernel.settlementsOf(v.id).some((s) => s.status === 'valid')) throw new CenterRefusal(`住院(门诊)号【${v.his_no}】已有有效结算，请先冲正结算`);
    this.kernel.deleteLines(v);
    v.status = 'cancelled';
    this.registrations.delete(v.his_no);
    return [['1']];
  }

  /** Totals for tests and the sandbox ledger. */
  ledger() {
    return this.kernel.ledger().map((r) => ({ ...r, medfee_sumamt_yuan: yuan(r.medfee_sumamt) }));
  }
}
