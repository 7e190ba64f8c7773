// An independent reference implementation of shared/reference/settlement-model.md in plain JS with
// BigInt rationals. Used as a test oracle (property tests) and as the benchmark baseline. It shares no
// code with core-asm.

const B = (x) => BigInt(x);

/** Parses a decimal string/number into [numerator, denominator] BigInts. */
export function dec(x) {
  const s = String(x).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error('bad decimal ' + s);
  const frac = m[3] ?? '';
  const num = B((m[2] || '0') + frac) * (m[1] === '-' ? -1n : 1n);
  return [num, 10n ** B(frac.length)];
}

/** round half away from zero of n/d (d > 0) */
export function rhu(n, d) {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let q = a / d;
  const r = a % d;
  if (2n * r >= d) q += 1n;
  return neg ? -q : q;
}

const max = (a, b) => (a > b ? a : b);
const min = (a, b) => (a < b ? a : b);

export function classifyLine(f) {
  const [pn, pd] = dec(f.pric);
  const [cn, cd] = dec(f.cnt);
  const amt = f.det_item_fee_sumamt != null ? rhu(dec(f.det_item_fee_sumamt)[0] * 100n, dec(f.det_item_fee_sumamt)[1]) : rhu(100n * pn * cn, pd * cd);
  const payable = f.chrgitm_lv !== '03' && f.hosp_appr_flag !== '2' && f.hosp_bear_flag !== '1';
  if (!payable) return { amt, ful: amt, over: 0n, pre: 0n, inscp: 0n, bear: f.hosp_bear_flag === '1' };
  let allowed = amt;
  if (f.pric_uplmt_amt != null) {
    const [un, ud] = dec(f.pric_uplmt_amt);
    if (pn * ud > un * pd) allowed = rhu(100n * un * cn, ud * cd);
  }
  if ((amt >= 0n && allowed > amt) || (amt < 0n && allowed < amt)) allowed = amt;
  const over = amt - allowed;
  let pre = 0n;
  if (f.selfpay_prop != null) {
    const [rn, rd] = dec(f.selfpay_prop);
    pre = rhu(allowed * rn, rd);
  }
  return { amt, ful: 0n, over, pre, inscp: allowed - pre, bear: false };
}

export function classify(fee_items) {
  const items = [];
  const cats = new Map();
  for (const f of fee_items) {
    const l = classifyLine(f);
    items.push({ feedetl_sn: String(f.feedetl_sn), det_item_fee_sumamt: Number(l.amt), fulamt_ownpay_amt: Number(l.ful), overlmt_amt: Number(l.over), preselfpay_amt: Number(l.pre), inscp_scp_amt: Number(l.inscp) });
    cats.set(f.med_chrgitm_type, (cats.get(f.med_chrgitm_type) ?? 0n) + l.amt);
  }
  return { items, invoice_categories: Object.fromEntries([...cats.entries()].sort().map(([k, v]) => [k, Number(v)])) };
}

export function presettle({ params: p, person: q, fee_items }) {
  const items = [];
  const cats = new Map();
  let MED = 0n, F = 0n, O = 0n, P = 0n, S = 0n, HOSP = 0n;
  for (const f of fee_items) {
    const l = classifyLine(f);
    items.push({ feedetl_sn: String(f.feedetl_sn), det_item_fee_sumamt: l.amt, fulamt_ownpay_amt: l.ful, overlmt_amt: l.over, preselfpay_amt: l.pre, inscp_scp_amt: l.inscp });
    MED += l.amt; F += l.ful; O += l.over; P += l.pre; S += l.inscp;
    if (l.bear) HOSP += l.amt;
    cats.set(f.med_chrgitm_type, (cats.get(f.med_chrgitm_type) ?? 0n) + l.amt);
  }
  if (MED < 0n) throw new Error('NET_NEGATIVE_BILL');
  const g = (k) => B(q[k] ?? 0);
  const dedcRem = max(0n, B(p.dedc_std_fen) - g('ytd_dedc_paid_fen'));
  const actDedc = min(max(S, 0n), dedcRem);
  const base = max(0n, S - actDedc);
  const [rn, rd] = dec(p.pool_ratio);
  const raw = rhu(base * rn, rd);
  let hifp = raw, overBase = 0n;
  if (p.pool_annual_cap_fen != null) {
    const capRem = max(0n, B(p.pool_annual_cap_fen) - g('ytd_hifp_paid_fen'));
    if (raw > capRem) {
      hifp = capRem;
      const baseIn = rhu(capRem * rd, rn);
      overBase = max(0n, base - min(baseIn, base));
    }
  }
  let hifob = 0n;
  if (p.big && overBase > 0n) {
    const [bn, bd] = dec(p.big.ratio);
    hifob = rhu(overBase * bn, bd);
    if (p.big.annual_cap_fen != null) hifob = min(hifob, max(0n, B(p.big.annual_cap_fen) - g('ytd_hifob_paid_fen')));
  }
  let hifmi = 0n;
  if (p.serious_illness) {
    const si = p.serious_illness;
    const siThis = S - hifp - hifob;
    if (siThis > 0n) {
      const lo = max(g('ytd_si_base_fen'), B(si.threshold_fen));
      const hi = g('ytd_si_base_fen') + siThis;
      if (hi > lo) {
        // exact rational sum with a common denominator
        let num = 0n, den = 1n;
        let start = B(si.threshold_fen);
        for (const seg of si.segments) {
          const end = seg.upto_fen == null ? null : B(seg.upto_fen);
          const a = max(lo, start), b = end == null ? hi : min(hi, end);
          if (b > a) {
            const [sn, sd] = dec(seg.ratio);
            num = num * sd + (b - a) * sn * den;
            den = den * sd;
          }
          if (end == null) break;
          start = end;
        }
        hifmi = rhu(num, den);
        if (si.annual_cap_fen != null) hifmi = min(hifmi, max(0n, B(si.annual_cap_fen) - g('ytd_hifmi_paid_fen')));
      }
    }
  }
  const flag = (v) => v === true || v === '1' || v === 1;
  let cvlserv = 0n;
  if (p.civil_servant && flag(q.cvlserv_flag)) {
    const [cn, cd] = dec(p.civil_servant.ratio);
    cvlserv = rhu(max(0n, S - hifp - hifob - hifmi) * cn, cd);
  }
  let maf = 0n;
  if (p.medical_aid && flag(q.aid_eligible)) {
    const [an, ad] = dec(p.medical_aid.ratio);
    maf = rhu(max(0n, S - hifp - hifob - hifmi - cvlserv) * an, ad);
    if (p.medical_aid.annual_cap_fen != null) maf = min(maf, max(0n, B(p.medical_aid.annual_cap_fen) - g('ytd_maf_paid_fen')));
  }
  const fund = hifp + cvlserv + hifmi + hifob + maf;
  const psnPart = MED - fund - HOSP;
  if (psnPart < 0n) throw new Error('NET_NEGATIVE_BILL');
  let acct = 0n;
  const bal = g('acct_balance_fen');
  if (flag(q.acct_used_flag) && p.insutype === '310') {
    const payable = p.acct_scope === 'in_scope' ? min(psnPart, max(0n, P + S - fund)) : max(0n, psnPart);
    acct = min(bal, payable);
  }
  const setlinfo = {
    medfee_sumamt: MED, fulamt_ownpay_amt: F, overlmt_selfpay: O, preselfpay_amt: P, inscp_scp_amt: S,
    act_pay_dedc: actDedc, hifp_pay: hifp, pool_prop_selfpay: hifp !== 0n ? p.pool_ratio : '0',
    cvlserv_pay: cvlserv, hifes_pay: 0n, hifmi_pay: hifmi, hifob_pay: hifob, maf_pay: maf, oth_pay: 0n,
    fund_pay_sumamt: fund, psn_part_amt: psnPart, acct_pay: acct, psn_cash_pay: psnPart - acct, hosp_part_amt: HOSP,
    balc: bal - acct, acct_mulaid_pay: 0n,
  };
  const rows = [
    [p.insutype === '390' ? '390100' : '310100', hifp], ['320100', cvlserv], ['390200', hifmi], ['330100', hifob],
    ['610100', maf], ['310200', acct], ['999996', HOSP],
  ].filter(([, v]) => v !== 0n).map(([t, v]) => ({ fund_pay_type: t, fund_payamt: v, inscp_scp_amt: S }));
  const num = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
  return {
    items: items.map(num),
    setlinfo: num(setlinfo),
    setldetail: rows.map(num),
    invoice_categories: Object.fromEntries([...cats.entries()].sort().map(([k, v]) => [k, Number(v)])),
  };
}
