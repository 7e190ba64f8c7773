// The simulated Sichuan 城镇居民 center behind the COM emulator: Call leaves two-phase transactions
// (11, 12, 21, 41, 42) uncertain until Confirm / Cancel; 98 lists what is still uncertain. Settled by the
// shared kernel with SICHUAN_COM_SANDBOX_POLICY (residents, 390).
import type { Core } from '../../../host-node/src/contract.js';
import { CenterRefusal, Kernel, hashDigits, seedPersons, type KPerson, type KSettlement, type KVisit } from '../../legacy/kernel.js';
import { SICHUAN_COM_SANDBOX_POLICY } from '../../legacy/policy.js';
import { CATALOG_ITEMS, DIAGNOSES, CHRONIC_DISEASES } from '../../national/sandbox/catalog.js';
import { outputDoc, type Fields } from '../codec.js';
import { fenToYuan } from '../../../host-node/src/money.js';
import { TRANSACTIONS } from '../spec.js';

export interface CallAnswer {
  appcode: number;
  appmsg: string;
  jylsh: string;
  jyyzm: string;
  /** output XML (GBK bytes); empty on failure */
  xml: Uint8Array;
}

interface Uncertain {
  jylsh: string;
  jybh: string;
  jyyzm: string;
  time: string;
  status: 'pending' | 'confirmed' | 'cancelled';
  confirm: () => void;
  cancel: () => void;
  akc190: string;
  yka103: string;
  /** the HIS 门诊/住院号 of the visit (lets a HIS find its own uncertain call when the reply was lost) */
  ykc010: string;
}

type In = { f: (k: string) => string; rows: Record<string, string>[] };

export class SichuanComCenter {
  readonly kernel: Kernel;
  readonly uncertain = new Map<string, Uncertain>();
  private readonly core: Core;
  private seq = 0;
  private readonly mapping = new Map<string, { yka002: string; status: string }>();

  constructor(private readonly o: { core: Core; now?: () => Date; log?: (line: string) => void }) {
    this.core = o.core;
    // 城镇居民: every person is a resident (390) without a personal account
    const persons = seedPersons((n) => `510000000${n}`, (n) => `S5100000${n}`).map((p): KPerson => ({ ...p, insutype: '390', psn_class: '31', balance_fen: 0, emp_name: '' }));
    this.kernel = new Kernel({
      core: o.core, tag: 'SC', policy: SICHUAN_COM_SANDBOX_POLICY, persons, now: o.now,
      enroll: (certno, brdy, gend) => ({ pid: `51${hashDigits(certno, 8)}`, card_no: `S51${hashDigits(`c:${certno}`, 6)}`, name: `居民${certno.slice(-4)}`, certno, gend, brdy, insutype: '390', psn_class: '31', emp_name: '', balance_fen: 0, cvlserv: false, aid: false, blocked: false, seed: false }),
    });
  }

  init(): { appcode: number; appmsg: string } {
    return { appcode: 1, appmsg: '初始化成功（沙箱）' };
  }

  call(jybh: string, xml: Uint8Array): CallAnswer {
    const fail = (m: string): CallAnswer => {
      this.o.log?.(`${jybh} -1 ${m}`);
      return { appcode: -1, appmsg: m, jylsh: '', jyyzm: '', xml: new Uint8Array() };
    };
    const spec = TRANSACTIONS[jybh];
    if (!spec) return fail(`交易编号【${jybh}】不存在`);
    let input: In;
    try {
      const doc = this.core.codec.xml.parse(xml) as Record<string, unknown>;
      const root = doc.input;
      if (root === undefined) return fail(`交易输入XML的根元素应为<input>，实为<${Object.keys(doc)[0]}>`);
      const o = (root && typeof root === 'object' ? root : {}) as Record<string, unknown>;
      const ds = o.dataset as { row?: Record<string, string>[] } | undefined;
      input = { f: (k) => (typeof o[k] === 'string' ? (o[k] as string).trim() : ''), rows: ds && Array.isArray(ds.row) ? ds.row : [] };
    } catch (e) {
      return fail(`交易输入XML无法解析：${(e as { messageZh?: string }).messageZh ?? (e as Error).message}`);
    }
    const jylsh = `${jybh}SC${this.kernel.time().stamp}${String(++this.seq).padStart(4, '0')}`;
    try {
      const r = this.dispatch(jybh, input, jylsh);
      const jyyzm = spec.twoPhase ? hashDigits(`${jylsh}:yzm`, 9) : '';
      if (spec.twoPhase) {
        this.uncertain.set(jylsh, { jylsh, jybh, jyyzm, time: this.kernel.time().time, status: 'pending', confirm: r.confirm!, cancel: r.cancel!, akc190: r.akc190 ?? '', yka103: r.yka103 ?? '', ykc010: r.akc190 ? this.kernel.visits.get(r.akc190)?.his_no ?? '' : '' });
      }
      this.o.log?.(`${jybh} ${jylsh} ok${spec.twoPhase ? ' (uncertain until confirm/cancel)' : ''}`);
      return { appcode: 1, appmsg: '交易成功', jylsh, jyyzm, xml: this.core.codec.xml.print(outputDoc(jybh, r.fields, r.rows)) };
    } catch (e) {
      if (e instanceof CenterRefusal) return fail(e.message);
      return fail(`沙箱中心内部错误：${(e as Error).message}`);
    }
  }

  confirm(jylsh: string, jyyzm: string): { appcode: number; appmsg: string } {
    const u = this.uncertain.get(jylsh.trim());
    if (!u) return { appcode: -1, appmsg: `交易流水号【${jylsh}】不存在或不需要确认` };
    if (u.jyyzm !== jyyzm.trim()) return { appcode: -1, appmsg: `交易验证码错误（交易流水号 ${jylsh}）` };
    if (u.status === 'confirmed') return { appcode: 1, appmsg: '交易已确认' };
    if (u.status === 'cancelled') return { appcode: -1, appmsg: '交易已取消，不能确认' };
    u.confirm();
    u.status = 'confirmed';
    this.o.log?.(`confirm ${jylsh}`);
    return { appcode: 1, appmsg: '确认成功' };
  }

  cancel(jylsh: string): { appcode: number; appmsg: string } {
    const u = this.uncertain.get(jylsh.trim());
    if (!u) return { appcode: -1, appmsg: `交易流水号【${jylsh}】不存在或不需要取消` };
    if (u.status === 'cancelled') return { appcode: 1, appmsg: '交易已取消' };
    if (u.status === 'confirmed') return { appcode: -1, appmsg: '交易已确认，不能取消（请办理退单）' };
    u.cancel();
    u.status = 'cancelled';
    this.o.log?.(`cancel ${jylsh}`);
    return { appcode: 1, appmsg: '取消成功' };
  }

  private settleFields(s: KSettlement, v: KVisit, p: KPerson): Fields {
    const a = s.result.setlinfo;
    return {
      prm_yka103: s.id, prm_akc190: v.id, prm_aac001: p.pid, prm_yka055: a.medfee_sumamt, prm_yka056: a.fulamt_ownpay_amt + a.overlmt_selfpay, prm_yka057: a.preselfpay_amt,
      prm_yka111: a.inscp_scp_amt, prm_yka115: a.act_pay_dedc, prm_yka107: a.hifp_pay, prm_yka432: a.hifmi_pay + a.hifob_pay, prm_yka434: a.maf_pay + a.cvlserv_pay,
      prm_yka065: a.acct_pay, prm_akb067: a.psn_cash_pay, prm_akc087: s.balance_after_fen, prm_aae036: s.time,
    };
  }

  private lines(v: KVisit, rows: Record<string, string>[]) {
    return this.kernel.addLines(v, rows.map((r, i) => {
      if (!r.yka002 || !r.akc226 || !r.akc225) throw new CenterRefusal(`第${i + 1}行明细缺少医保项目编码/数量/单价`);
      return { sn: r.yka105, code: r.yka002, name: r.yka003 ?? '', pric: r.akc225, cnt: r.akc226, amount: r.yka315, doctor: r.yka099 };
    }));
  }

  private hisTotal(f: In['f'], v: KVisit): void {
    const t = f('prm_hisfyze');
    if (!/^\d+(\.\d{1,2})?$/.test(t)) throw new CenterRefusal(`HIS费用总额【${t}】格式错误`);
    const [y, c = ''] = t.split('.');
    const fen = Number(y) * 100 + Number(c.padEnd(2, '0'));
    const sum = this.kernel.active(v).reduce((a, l) => a + l.sumamt_fen, 0);
    if (fen !== sum) throw new CenterRefusal(`HIS费用总额【${t}】与中心明细合计【${fenToYuan(sum)}】不符`);
  }

  private dispatch(jybh: string, i: In, jylsh: string): { fields: Fields; rows?: Fields[]; confirm?: () => void; cancel?: () => void; akc190?: string; yka103?: string } {
    const { f } = i;
    const t = this.kernel.time();
    switch (jybh) {
      case '03': {
        const p = this.kernel.person(f('prm_aac002'));
        return { fields: { prm_aac001: p.pid, prm_aac002: p.certno, prm_aac003: p.name, prm_aac004: p.gend, prm_aac006: p.brdy, prm_akc021: '41', prm_yab003: '5101', prm_aab004: p.emp_name, prm_akc087: 0, prm_ykc023: p.blocked ? '0' : '1' } };
      }
      case '11': {
        const p = this.kernel.byPid(f('prm_aac001'));
        const v = this.kernel.openVisit(p, 'outpatient', { med_type: f('prm_aka130') || '11', his_no: f('prm_ykc010') || jylsh, dept: f('prm_ykc011'), diag_code: f('prm_akc193') });
        try {
          this.lines(v, i.rows);
          this.hisTotal(f, v);
          const s = this.kernel.settle(v, { acctUsed: false, pending: true, id: `MZ${hashDigits(jylsh, 15)}` });
          return {
            fields: this.settleFields(s, v, p), akc190: v.id, yka103: s.id,
            confirm: () => this.kernel.confirm(s.id),
            cancel: () => {
              this.kernel.cancelPending(s.id);
              this.kernel.deleteLines(v);
              v.status = 'cancelled';
            },
          };
        } catch (e) {
          v.status = 'cancelled';
          throw e;
        }
      }
      case '12':
      case '42': {
        const s = this.kernel.settlement(f('prm_yka103'));
        if (jybh === '12' && this.kernel.visits.get(s.visit_id)?.scope !== 'outpatient') throw new CenterRefusal('12只能退门诊结算，住院结算请用42');
        if (jybh === '42' && this.kernel.visits.get(s.visit_id)?.scope !== 'inpatient') throw new CenterRefusal('42只能退住院结算');
        const rev = this.kernel.reverse(s.id, { pending: true, id: `TD${hashDigits(jylsh, 15)}` });
        const v = this.kernel.visits.get(s.visit_id)!;
        return {
          fields: this.settleFields(rev, v, this.kernel.byPid(s.pid)), akc190: v.id, yka103: rev.id,
          confirm: () => this.kernel.confirm(rev.id), cancel: () => this.kernel.cancelPendingReverse(rev.id),
        };
      }
      case '13':
      case '43': {
        const s = this.kernel.settlement(f('prm_yka103'));
        if (s.status === 'pending') throw new CenterRefusal('结算尚未确认，不能打印');
        return { fields: this.settleFields(s, this.kernel.visits.get(s.visit_id)!, this.kernel.byPid(s.pid)) };
      }
      case '21': {
        const p = this.kernel.byPid(f('prm_aac001'));
        if (!/^\d{4}-\d{2}-\d{2}/.test(f('prm_akc192'))) throw new CenterRefusal(`入院日期【${f('prm_akc192')}】格式应为yyyy-MM-dd`);
        const v = this.kernel.openVisit(p, 'inpatient', { med_type: f('prm_aka130') || '21', his_no: f('prm_ykc010'), dept: f('prm_ykc011'), diag_code: f('prm_akc193'), begin: f('prm_akc192'), pending: true, id: `ZY${hashDigits(jylsh, 15)}` });
        const policy = this.kernel.policy('inpatient', p.insutype);
        return {
          fields: { prm_akc190: v.id, prm_aac001: p.pid, prm_aac003: p.name, prm_yka115: policy.dedc_std_fen }, akc190: v.id,
          confirm: () => void (v.status = 'open'), cancel: () => void (v.status = 'cancelled'),
        };
      }
      case '22': {
        const v = this.kernel.visit(f('prm_akc190'), { open: true });
        if (f('prm_akc193')) v.diag_code = f('prm_akc193');
        if (f('prm_ykc011')) v.dept = f('prm_ykc011');
        return { fields: {} };
      }
      case '23': {
        const v = this.kernel.visit(f('prm_akc190'), { open: true });
        if (this.kernel.settlementsOf(v.id).some((s) => s.status === 'valid' || s.status === 'pending')) throw new CenterRefusal('已有结算的入院不能退单');
        this.kernel.deleteLines(v);
        v.status = 'cancelled';
        return { fields: {} };
      }
      case '31': {
        const v = this.kernel.visit(f('prm_akc190'), { open: true });
        if (v.pid !== f('prm_aac001')) throw new CenterRefusal('就诊编号与个人编号不符');
        if (!i.rows.length) throw new CenterRefusal('明细为空');
        const ls = this.lines(v, i.rows);
        return {
          fields: { prm_akc190: v.id },
          rows: ls.map((l) => ({ yka105: l.sn, yka002: l.code, yka003: l.name, yka315: l.sumamt_fen, yka056: l.ful + l.over, yka057: l.pre, yka111: l.inscp, aka065: l.item?.chrgitm_lv ?? '03', yka096: l.item?.selfpay_prop ?? '1' })),
        };
      }
      case '32': {
        const v = this.kernel.visit(f('prm_akc190'), { open: true });
        this.kernel.deleteLines(v, f('prm_yka105') ? [f('prm_yka105')] : []);
        return { fields: {} };
      }
      case '44':
      case '41': {
        const v = this.kernel.visit(f('prm_akc190'), { open: true });
        if (v.scope !== 'inpatient') throw new CenterRefusal('就诊编号不是住院就诊');
        if (v.pid !== f('prm_aac001')) throw new CenterRefusal('就诊编号与个人编号不符');
        this.hisTotal(f, v);
        const p = this.kernel.byPid(v.pid);
        if (jybh === '44') {
          const r = this.kernel.compute(v, { acctUsed: false });
          const fake: KSettlement = { id: '', visit_id: v.id, pid: p.pid, kind: 'settle', status: 'pending', result: r.result, effects: r.effects, balance_before_fen: 0, balance_after_fen: 0, time: t.time, line_sns: [] };
          return { fields: this.settleFields(fake, v, p) };
        }
        if (!/^\d{4}-\d{2}-\d{2}/.test(f('prm_akc194'))) throw new CenterRefusal(`出院日期【${f('prm_akc194')}】格式应为yyyy-MM-dd`);
        const before = { end: v.end, diag: v.diag_name };
        v.end = f('prm_akc194');
        v.diag_name = f('prm_akc196');
        v.status = 'discharged';
        try {
          const s = this.kernel.settle(v, { acctUsed: false, pending: true, id: `ZJ${hashDigits(jylsh, 15)}` });
          return {
            fields: this.settleFields(s, v, p), akc190: v.id, yka103: s.id,
            confirm: () => this.kernel.confirm(s.id),
            cancel: () => {
              this.kernel.cancelPending(s.id);
              v.end = before.end;
              v.diag_name = before.diag;
              v.status = 'open';
            },
          };
        } catch (e) {
          v.end = before.end;
          v.status = 'open';
          throw e;
        }
      }
      case '45': {
        const v = this.kernel.visit(f('prm_akc190'));
        return { fields: {}, rows: this.kernel.active(v).map((l) => ({ yka105: l.sn, yka002: l.code, yka003: l.name, yka315: l.sumamt_fen, yka056: l.ful + l.over, yka057: l.pre, yka111: l.inscp, aka065: l.item?.chrgitm_lv ?? '03', yka096: l.item?.selfpay_prop ?? '1' })) };
      }
      case '46': {
        const p = this.kernel.byPid(f('prm_aac001'));
        const rows = [...this.kernel.visits.values()].filter((v) => v.pid === p.pid).map((v) => ({
          akc190: v.id, aka130: v.med_type, akc192: v.begin, akc194: v.end, yka103: this.kernel.settlementsOf(v.id).find((s) => s.kind === 'settle' && s.status === 'valid')?.id ?? '', aae100: v.status === 'cancelled' ? '0' : '1',
        }));
        return { fields: {}, rows };
      }
      case '81':
      case '82':
      case '83': {
        const cats = jybh === '81' ? ['09', '10', '11'] : jybh === '83' ? ['01'] : ['02', '03', '04', '05', '06', '07', '08', '12', '13', '14'];
        return { fields: {}, rows: CATALOG_ITEMS.filter((c) => cats.includes(c.med_chrgitm_type) && c.vali_flag === '1').map((c) => ({ yka002: c.code, yka003: c.name, aka065: c.chrgitm_lv, yka096: c.selfpay_prop, yka094: '', aae030: c.begndate })) };
      }
      case '84':
      case '88':
        return { fields: {}, rows: DIAGNOSES.map((d) => ({ yka120: d.code, yka121: d.name })) };
      case '85':
        return { fields: {}, rows: CHRONIC_DISEASES.map((d) => ({ yka120: d.code, yka121: d.name })) };
      case '86':
        return { fields: {}, rows: [{ yab003: '5101', aab034: '成都市医疗保险管理局（沙箱）' }, { yab003: '5107', aab034: '绵阳市医疗保险管理局（沙箱）' }] };
      case '87':
        return { fields: {}, rows: [{ aaa100: 'AAC004', aaa102: '1', aaa103: '男' }, { aaa100: 'AAC004', aaa102: '2', aaa103: '女' }].filter((r) => !f('prm_aaa100') || r.aaa100 === f('prm_aaa100')) };
      case '90':
        for (const r of i.rows) this.mapping.set(r.yka094 ?? '', { yka002: r.yka002 ?? '', status: '1' });
        return { fields: {} };
      case '91':
        return { fields: {}, rows: [...this.mapping.entries()].filter(([k]) => !f('prm_yka094') || k === f('prm_yka094')).map(([k, m]) => ({ yka094: k, yka002: m.yka002, aae016: m.status })) };
      case '92':
        return { fields: {}, rows: [{ aae036: t.time, aae013: '沙箱中心运行正常' }] };
      case '98': {
        const want = f('prm_jybh');
        const rows = [...this.uncertain.values()].filter((u) => u.status === 'pending' && (!want || u.jybh === want)).map((u) => ({ jylsh: u.jylsh, jybh: u.jybh, aae036: u.time, akc190: u.akc190, yka103: u.yka103, ykc010: u.ykc010 }));
        return { fields: {}, rows };
      }
      default:
        throw new CenterRefusal(`沙箱中心未模拟交易【${jybh}】`);
    }
  }
}

