// The simulated Nanping insurance front-end (福建巨龙) logic: one request document in, one reply document
// out, settled by the shared kernel with NANPING_SANDBOX_POLICY. The responder (responder.ts) moves the
// documents through the exchange folder.
import type { Core, IniJson } from '../../../host-node/src/contract.js';
import { CenterRefusal, Kernel, ageYears, hashDigits, seedPersons, type KPerson, type KVisit } from '../../legacy/kernel.js';
import { NANPING_SANDBOX_POLICY } from '../../legacy/policy.js';
import { fenToYuan, yuanToFen } from '../../../host-node/src/money.js';
import { readRequest, replyDoc, type DetailItem, type ReplyItem } from '../codec.js';
import { TRANSACTIONS } from '../spec.js';

export interface NanpingCenterOptions {
  core: Core;
  now?: () => Date;
  log?: (line: string) => void;
}

const RYLB: Record<string, string> = { '01': '普通', '02': '家庭病床', '03': '择日住院', '04': '生育住院', 普通: '普通', 家庭病床: '家庭病床' };

export class NanpingCenter {
  readonly kernel: Kernel;
  /** the IC card in the emulated reader (刷卡 without a Cardno= line reads this one) */
  card: string;
  private user = '';
  private readonly core: Core;

  constructor(private readonly o: NanpingCenterOptions) {
    this.core = o.core;
    const persons = seedPersons((n) => `3507000000000000${n}`, (n) => `35070000000${n}`);
    this.kernel = new Kernel({
      core: o.core, tag: 'NP', policy: NANPING_SANDBOX_POLICY, persons, now: o.now,
      enroll: (certno, brdy, gend) => ({
        pid: `3507${hashDigits(certno, 13)}`, card_no: `3507${hashDigits(`card:${certno}`, 8)}`, name: `参保人${certno.slice(-4)}`, certno, gend, brdy,
        insutype: '310', psn_class: '11', emp_name: '沙箱自动参保单位', balance_fen: 100000, cvlserv: false, aid: false, blocked: false, seed: false,
      }),
    });
    this.card = persons[0]!.card_no;
  }

  /** Puts a card (card number, 医疗保险号 or ID number) into the emulated reader. */
  insertCard(credential: string): KPerson {
    const p = this.kernel.person(credential);
    this.card = p.card_no;
    return p;
  }

  handle(doc: IniJson): IniJson {
    let txName = '';
    try {
      const req = readRequest(doc);
      txName = req.tx;
      if (!req.request) throw new CenterRefusal('请求文件缺少 Request=TRUE');
      const r = this.dispatch(req.tx, req.get, req.items);
      this.o.log?.(`${txName} TRUE`);
      return r;
    } catch (e) {
      const msg = e instanceof CenterRefusal ? e.message : `沙箱前置程序内部错误：${(e as Error).message}`;
      this.o.log?.(`${txName || '??'} FALSE ${msg}`);
      const name = txName || Object.keys(TRANSACTIONS).find((t) => t === (Object.keys(doc)[0] ?? '').toLowerCase()) || 'query';
      return replyDoc(this.core, name, false, msg, {});
    }
  }

  private personKeys(p: KPerson): Record<string, string> {
    return {
      Cardno: p.card_no, ID0000: p.pid, Xming0: p.name, Xbie00: p.gend, Brnl00: String(ageYears(p.brdy, this.kernel.time().date)), Dwmc00: p.emp_name || '无',
      Icztmc: p.blocked ? '挂失' : '正常', Gzztmc: p.psn_class === '21' ? '退休' : p.psn_class === '31' ? '居民' : '在职', Grzhye: fenToYuan(p.insutype === '310' ? p.balance_fen : 0),
      Dqmc00: '南平市', Fzxmc0: '延平分中心',
    };
  }

  /** Cardno of the request (our sandbox extension on 刷卡) or the card in the reader. */
  private cardPerson(get: (k: string) => string): KPerson {
    const c = get('Pzhm00').trim() || get('Cardno').trim();
    return this.kernel.person(c || this.card);
  }

  private visitOf(p: KPerson, id: string, scope: 'outpatient' | 'inpatient'): KVisit {
    const v = this.kernel.visit(id);
    if (v.pid !== p.pid) throw new CenterRefusal(`流水号【${id}】不属于卡号【${p.card_no}】`);
    if (v.scope !== scope) throw new CenterRefusal(`流水号【${id}】不是${scope === 'inpatient' ? '住院' : '门诊'}流水号`);
    return v;
  }

  private ok(tx: string, values: Record<string, string>, items: ReplyItem[] = [], invoices?: { yb: Record<string, number>; fyb: Record<string, number> }): IniJson {
    return replyDoc(this.core, tx, true, '', values, items, invoices);
  }

  private dispatch(tx: string, get: (k: string) => string, items: DetailItem[]): IniJson {
    if (tx === 'login') {
      if (!get('UserID').trim()) throw new CenterRefusal('用户名不能为空');
      this.user = get('UserID').trim();
      return this.ok(tx, { connected: 'TRUE', fwwdmc: '南平市医保中心（沙箱）', czyuan: this.user });
    }
    if (tx === 'query') return this.ok(tx, { connected: this.user ? 'TRUE' : 'FALSE', fwwdmc: '南平市医保中心（沙箱）', czyuan: this.user });
    if (!this.user) throw new CenterRefusal('未登录医保前置程序，请先登录（login）');
    const t = this.kernel.time();
    const hm = t.time.slice(11, 16).replace(':', '');
    switch (tx) {
      case 'logout':
        this.user = '';
        return this.ok(tx, {});
      case 'mzghsk': {
        const p = this.cardPerson(get);
        return this.ok(tx, { ...this.personKeys(p), Valid0: p.blocked ? 'FALSE' : 'TRUE', Bnghyy: p.blocked ? '参保人待遇暂停（沙箱）' : '' });
      }
      case 'rydjsk': {
        const p = this.cardPerson(get);
        const inHosp = [...this.kernel.visits.values()].some((v) => v.pid === p.pid && v.scope === 'inpatient' && (v.status === 'open' || v.status === 'discharged'));
        const times = [...this.kernel.visits.values()].filter((v) => v.pid === p.pid && v.scope === 'inpatient' && v.status !== 'cancelled').length;
        const why = p.blocked ? '参保人待遇暂停（沙箱）' : inHosp ? '参保人已在院，不能重复入院登记' : '';
        return this.ok(tx, { ...this.personKeys(p), Valid0: why ? 'FALSE' : 'TRUE', Bndjyy: why, Bckbcs: String(times + 1) });
      }
      case 'mzsfsk': {
        const p = this.cardPerson(get);
        const open = [...this.kernel.visits.values()].filter((v) => v.pid === p.pid && v.scope === 'outpatient' && v.status === 'open');
        if (!open.length) throw new CenterRefusal('该卡今日无有效挂号，请先挂号');
        return this.ok(tx, { ...this.personKeys(p), Mzlsh0: open.map((v) => v.id).join(';'), Ghksmc: open.map((v) => v.dept || '无').join(';'), Sftsmz: 'N', Sftsbz: 'N' });
      }
      case 'zysfsk':
      case 'cydjsk': {
        const p = this.cardPerson(get);
        const v = [...this.kernel.visits.values()].find((x) => x.pid === p.pid && x.scope === 'inpatient' && (x.status === 'open' || x.status === 'discharged'));
        if (!v) throw new CenterRefusal('该卡无在院记录');
        return this.ok(tx, { ...this.personKeys(p), Zylsh0: v.id, Zyksmc: v.dept });
      }
      case 'mzgh': {
        const p = this.kernel.person(get('Cardno'));
        if (!get('Ghksmc')) throw new CenterRefusal('挂号科室不能为空');
        const fee = get('Ghfy00') || '0';
        if (!/^\d+(\.\d{1,2})?$/.test(fee)) throw new CenterRefusal(`挂号费【${fee}】无效`);
        const ghlsh = this.kernel.nextId('GH', 16);
        const v = this.kernel.openVisit(p, 'outpatient', { med_type: '11', his_no: ghlsh, dept: get('Ghksmc'), id: this.kernel.nextId('MZ', 16) });
        return this.ok(tx, { ...this.personKeys(p), Ghlsh0: ghlsh, Mzlsh0: v.id, Ghrq00: t.ymd, Ghsj00: hm, Zhzfe0: '0.00', Grzfe0: fenToYuan(yuanToFen(fee)) });
      }
      case 'mzghcx': {
        const p = this.kernel.person(get('Cardno'));
        const v = this.kernel.visit(get('Ghlsh0'));
        if (v.pid !== p.pid) throw new CenterRefusal('挂号流水号与卡号不符');
        if (this.kernel.settlementsOf(v.id).some((s) => s.status === 'valid')) throw new CenterRefusal('已收费的挂号不能冲销，请先冲销收费');
        v.status = 'cancelled';
        return this.ok(tx, { Cxlsh0: this.kernel.nextId('CX', 16) });
      }
      case 'mzsfyjs':
      case 'mzsf':
      case 'zysfyjs':
      case 'zysf':
        return this.charge(tx, get, items, t, hm);
      case 'mzsfcx':
      case 'zysfcx': {
        const p = this.kernel.person(get('Cardno'));
        const s = this.kernel.settlement(get('Cxdjh0'));
        if (s.pid !== p.pid) throw new CenterRefusal('冲销单据号与卡号不符');
        const rev = this.kernel.reverse(s.id, { id: this.kernel.nextId('CX', 16) });
        const a = rev.result.setlinfo;
        return this.ok(tx, {
          Cxlsh0: rev.id, Zhzfe0: fenToYuan(a.acct_pay), Grzfe0: fenToYuan(a.psn_cash_pay), Jjzfe0: fenToYuan(a.fund_pay_sumamt - a.hifob_pay), sbzfje: fenToYuan(a.hifob_pay),
          Bcbxf0: fenToYuan(a.medfee_sumamt), Grzhye: fenToYuan(this.kernel.byPid(p.pid).balance_fen),
        });
      }
      case 'rydj': {
        const p = this.kernel.person(get('Cardno'));
        if (!/^\d{8}$/.test(get('Ryrq00'))) throw new CenterRefusal(`入院日期【${get('Ryrq00')}】应为yyyyMMdd`);
        if (!/^\d{4}$/.test(get('Rysj00'))) throw new CenterRefusal(`入院时间【${get('Rysj00')}】应为HHmm`);
        if (!get('Ryksmc')) throw new CenterRefusal('入院科室不能为空');
        if (!RYLB[get('Rylb00')]) throw new CenterRefusal(`住院类别【${get('Rylb00')}】无效（01普通 02家庭病床 03择日住院 04生育住院）`);
        const r = get('Ryrq00');
        const v = this.kernel.openVisit(p, 'inpatient', {
          med_type: '21', his_no: this.kernel.nextId('DJ', 16), dept: get('Ryksmc'), begin: `${r.slice(0, 4)}-${r.slice(4, 6)}-${r.slice(6, 8)} ${get('Rysj00').slice(0, 2)}:${get('Rysj00').slice(2)}:00`,
          id: this.kernel.nextId('ZY', 16),
        });
        const times = [...this.kernel.visits.values()].filter((x) => x.pid === p.pid && x.scope === 'inpatient' && x.status !== 'cancelled').length;
        return this.ok(tx, { ...this.personKeys(p), Zylsh0: v.id, Bckbcs: String(times), Rydjr0: this.user.slice(0, 8) });
      }
      case 'rydjcx': {
        const p = this.kernel.person(get('Cardno'));
        const v = this.visitOf(p, get('Cxlsh0'), 'inpatient');
        if (this.kernel.settlementsOf(v.id).some((s) => s.status === 'valid')) throw new CenterRefusal('已结帐的住院登记不能冲销');
        this.kernel.deleteLines(v);
        v.status = 'cancelled';
        return this.ok(tx, {});
      }
      case 'cydj': {
        const p = this.kernel.person(get('Cardno'));
        const v = this.visitOf(p, get('Zylsh0'), 'inpatient');
        if (v.status !== 'open') throw new CenterRefusal(`住院流水号【${v.id}】不是在院状态`);
        if (!/^\d{8}$/.test(get('Cyrq00')) || !/^\d{4}$/.test(get('Cysj00'))) throw new CenterRefusal('出院日期/时间格式应为yyyyMMdd / HHmm');
        const d = get('Cyrq00');
        v.end = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)} ${get('Cysj00').slice(0, 2)}:${get('Cysj00').slice(2)}:00`;
        v.diag_name = get('Cyzd00');
        v.status = 'discharged';
        return this.ok(tx, { Cydjr0: this.user.slice(0, 8) });
      }
      case 'cydjcx': {
        const p = this.kernel.person(get('Cardno'));
        const v = this.visitOf(p, get('Zylsh0'), 'inpatient');
        if (v.status !== 'discharged') throw new CenterRefusal('该住院记录未出院或已结帐，不能冲销出院');
        v.end = '';
        v.status = 'open';
        return this.ok(tx, {});
      }
      default:
        throw new CenterRefusal(`沙箱前置程序未模拟业务【${tx}】`);
    }
  }

  private charge(tx: string, get: (k: string) => string, items: DetailItem[], t: ReturnType<Kernel['time']>, hm: string): IniJson {
    const inpatient = tx.startsWith('zy');
    const p = this.kernel.person(get('Cardno'));
    const v = this.visitOf(p, get(inpatient ? 'Zylsh0' : 'Mzlsh0'), inpatient ? 'inpatient' : 'outpatient');
    if (!/^\d+$/.test(get('Cfxms0')) || Number(get('Cfxms0')) !== items.length) throw new CenterRefusal(`收费项目数【${get('Cfxms0')}】与明细（${items.length}项）不符`);
    if (!items.length) throw new CenterRefusal('收费项目数为0');
    const final = tx === 'mzsf' || tx === 'zysf';
    if (final && inpatient && v.status !== 'discharged') throw new CenterRefusal('未办理出院登记（cydj），不能结帐');
    // every 收费/预结算 carries the whole detail: it replaces what was there
    this.kernel.deleteLines(v);
    const lines = this.kernel.addLines(v, items.map((it) => ({ code: it.code, name: it.name, pric: it.price, cnt: it.qty, amount: fenToYuan(it.amount), spec: it.spec, unit: it.unit, doctor: it.doctor })));
    const res = final ? this.kernel.settle(v, { acctUsed: true, id: this.kernel.nextId('DJ', 16) }) : { ...this.kernel.compute(v, { acctUsed: true }), id: '' };
    const a = res.result.setlinfo;
    const replyItems: ReplyItem[] = lines.map((l, i) => ({ ...items[i]!, yb: l.item && l.item.chrgitm_lv !== '03' ? 'Y' : 'N', selfpay_ratio: l.item?.selfpay_prop ?? '1' }));
    const invoices = { yb: {} as Record<string, number>, fyb: {} as Record<string, number> };
    replyItems.forEach((it) => {
      const box = it.yb === 'Y' ? invoices.yb : invoices.fyb;
      box[it.invoice] = (box[it.invoice] ?? 0) + it.amount;
    });
    const balance = final ? this.kernel.byPid(p.pid).balance_fen : p.balance_fen - a.acct_pay;
    return this.ok(tx, {
      ...this.personKeys(p), Grzhye: fenToYuan(p.insutype === '310' ? balance : 0), Djlsh0: final ? res.id : '', Zhzfe0: fenToYuan(a.acct_pay), Grzfe0: fenToYuan(a.psn_cash_pay),
      Dbgrzf: '0.00', Jjzfe0: fenToYuan(a.fund_pay_sumamt - a.hifob_pay), Bcbxf0: fenToYuan(a.medfee_sumamt), sbzfje: fenToYuan(a.hifob_pay),
      Sfrq00: t.ymd, Sfsj00: hm, Sfrxm0: this.user.slice(0, 8),
    }, replyItems, invoices);
  }
}
