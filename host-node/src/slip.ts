// The cashier's slip: a readable Chinese breakdown of a pre-settlement result.
import type { PresettleInput, PresettleResult } from './contract.js';

export const CHRGITM_TYPE_NAMES: Record<string, string> = {
  '01': '床位费', '02': '诊察费', '03': '检查费', '04': '化验费', '05': '治疗费', '06': '手术费', '07': '护理费',
  '08': '卫生材料费', '09': '西药费', '10': '中药饮片费', '11': '中成药费', '12': '一般诊疗费', '13': '挂号费', '14': '其他费',
};
const LV_NAMES: Record<string, string> = { '01': '甲类', '02': '乙类', '03': '丙类' };
const INSUTYPE_NAMES: Record<string, string> = { '310': '职工基本医疗保险', '390': '城乡居民基本医疗保险' };
const MED_TYPE_NAMES: Record<string, string> = { '11': '普通门诊', '14': '门诊慢特病', '21': '普通住院' };

/** Yuan text of an integer fen amount, without floating point. */
export function yuan(fen: number): string {
  const neg = fen < 0;
  const a = Math.abs(fen);
  const s = `${Math.trunc(a / 100)}.${String(a % 100).padStart(2, '0')}`;
  return neg ? '-' + s : s;
}

/** Display width: CJK and full-width characters take two columns. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)
      ? 2 : 1;
  }
  return w;
}
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;
const clip = (s: string, n: number) => {
  let out = '';
  for (const ch of s) {
    if (width(out + ch) > n) return out.slice(0, -1) + '…';
    out += ch;
  }
  return out;
};

export function renderSlip(input: PresettleInput, r: PresettleResult): string {
  const L: string[] = [];
  const rule = '─'.repeat(78);
  const s = r.setlinfo;
  const p = input.params;
  L.push('医保预结算单（预结算，非正式结算凭证）');
  L.push(
    `险种：${INSUTYPE_NAMES[p.insutype] ?? p.insutype}（${p.insutype}）  ` +
      `医疗类别：${MED_TYPE_NAMES[p.med_type ?? ''] ?? p.med_type ?? '-'}  医院等级：${p.hosp_lv ?? '-'}`,
  );
  L.push(rule);
  L.push(
    padEnd('序号', 5) + padEnd('项目名称', 20) + padEnd('类别', 11) + padEnd('等级', 5) +
      padStart('金额', 10) + padStart('全自费', 9) + padStart('超限价', 9) + padStart('先行自付', 9),
  );
  const byId = new Map(input.fee_items.map((f) => [String(f.feedetl_sn), f]));
  for (const it of r.items) {
    const f = byId.get(it.feedetl_sn);
    L.push(
      padEnd(clip(it.feedetl_sn, 4), 5) + padEnd(clip(String(f?.name ?? f?.med_list_codg ?? ''), 19), 20) +
        padEnd(CHRGITM_TYPE_NAMES[String(f?.med_chrgitm_type)] ?? '-', 11) + padEnd(LV_NAMES[String(f?.chrgitm_lv)] ?? '-', 5) +
        padStart(yuan(it.det_item_fee_sumamt), 10) + padStart(yuan(it.fulamt_ownpay_amt), 9) +
        padStart(yuan(it.overlmt_amt), 9) + padStart(yuan(it.preselfpay_amt), 9),
    );
  }
  L.push(rule);
  L.push('发票项目');
  for (const [code, fen] of Object.entries(r.invoice_categories).sort(([a], [b]) => a.localeCompare(b))) {
    L.push('  ' + padEnd(CHRGITM_TYPE_NAMES[code] ?? code, 14) + padStart(yuan(fen), 12));
  }
  L.push(rule);
  const line = (label: string, fen: number, indent = 2) => L.push(' '.repeat(indent) + padEnd(label, 40 - indent) + padStart(yuan(fen), 14) + ' 元');
  line('医疗费总额', s.medfee_sumamt, 0);
  line('全自费金额', s.fulamt_ownpay_amt, 4);
  line('超限价自费', s.overlmt_selfpay, 4);
  line('先行自付金额', s.preselfpay_amt, 4);
  line('符合政策范围金额', s.inscp_scp_amt, 4);
  line('本次起付线', s.act_pay_dedc, 6);
  L.push(rule);
  line('基金支付合计', s.fund_pay_sumamt, 0);
  for (const row of r.setldetail) {
    if (row.fund_pay_type === '310200' || row.fund_pay_type === '999996') continue;
    const ratio = row.fund_pay_type === '310100' || row.fund_pay_type === '390100' ? `（比例 ${s.pool_prop_selfpay}）` : '';
    line(row.fund_pay_type_name + ratio, row.fund_payamt, 4);
  }
  line('个人负担合计', s.psn_part_amt, 0);
  line('个人账户支付', s.acct_pay, 4);
  line('个人现金支付', s.psn_cash_pay, 4);
  if (s.hosp_part_amt !== 0) line('医院负担', s.hosp_part_amt, 0);
  L.push(rule);
  L.push(padEnd("应收现金", 40) + padStart(yuan(s.psn_cash_pay), 14) + ' 元');
  L.push(padEnd("个人账户余额（结算后）", 40) + padStart(yuan(s.balc), 14) + ' 元');
  L.push('说明：预结算结果以医保中心正式结算为准。');
  return L.join('\n') + '\n';
}

/** The settlement slip printed after a real settlement (结算单). */
export function renderSettlementSlip(
  bill: { fee_items: { feedetl_sn: string; name?: string; med_list_codg?: string; pric: string | number; cnt: string | number }[] },
  r: { setl_id: string; mdtrt_id: string; psn_no: string; setlinfo: Record<string, unknown>; setldetail: { fund_pay_type: string; fund_pay_type_name: string; fund_payamt: number }[] },
  center: string,
): string {
  const s = r.setlinfo as Record<string, number | string | null>;
  const n = (k: string) => Number(s[k] ?? 0);
  const rule = '─'.repeat(60);
  const L: string[] = [];
  L.push('医保结算单');
  L.push(`医保中心：${center}`);
  L.push(`结算流水号 setl_id：${r.setl_id}    就诊号 mdtrt_id：${r.mdtrt_id}`);
  L.push(`参保人：${maskNameShort(String(s.psn_name ?? ''))}  人员编号：${r.psn_no}  险种：${String(s.insutype ?? '')}  结算时间：${String(s.setl_time ?? '')}`);
  L.push(rule);
  L.push(padEnd('项目', 36) + padStart('单价', 10) + padStart('数量', 6));
  for (const f of bill.fee_items) L.push(padEnd(clip(String(f.name ?? f.med_list_codg ?? ''), 35), 36) + padStart(String(f.pric), 10) + padStart(String(f.cnt), 6));
  L.push(rule);
  const line = (label: string, fen: number, indent = 0) => L.push(' '.repeat(indent) + padEnd(label, 40 - indent) + padStart(yuan(fen), 14) + ' 元');
  line('医疗费总额', n('medfee_sumamt'));
  line('全自费', n('fulamt_ownpay_amt'), 4);
  line('超限价自费', n('overlmt_selfpay'), 4);
  line('先行自付', n('preselfpay_amt'), 4);
  line('符合政策范围', n('inscp_scp_amt'), 4);
  line('起付线', n('act_pay_dedc'), 6);
  line('基金支付合计', n('fund_pay_sumamt'));
  for (const d of r.setldetail) if (d.fund_pay_type !== '310200' && d.fund_pay_type !== '999996') line(d.fund_pay_type_name || d.fund_pay_type, d.fund_payamt, 4);
  line('个人负担合计', n('psn_part_amt'));
  line('个人账户支付', n('acct_pay'), 4);
  line('个人现金支付', n('psn_cash_pay'), 4);
  if (n('hosp_part_amt') !== 0) line('医院负担', n('hosp_part_amt'));
  L.push(rule);
  line('应收现金', n('psn_cash_pay'));
  line('个人账户余额', n('balc'));
  return L.join('\n') + '\n';
}

function maskNameShort(name: string): string {
  const c = [...name];
  return c.length <= 1 ? c.join('') : c[0] + '*'.repeat(c.length - 1);
}
