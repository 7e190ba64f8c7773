// The reconciliation report as one self-contained HTML page (Chinese + English labels, inline CSS, inline
// SVG chart, no script, no external resource) and as CSV (UTF-8 with BOM so that spreadsheet programs
// read the Chinese).
import type { ReconcileReport, MismatchKind } from './reconcile.js';
import { fenToYuan } from './money.js';

export const MISMATCH_LABELS: Record<MismatchKind, { zh: string; en: string }> = {
  missing_at_center: { zh: '中心无（医药机构有、中心无）', en: 'missing at the center' },
  missing_in_his: { zh: 'HIS 无（中心有、医药机构无）', en: 'missing in the HIS' },
  amount_differs: { zh: '金额不符', en: 'amount differs' },
  duplicate: { zh: '重复结算', en: 'duplicate' },
};

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '' : fenToYuan(fen));

/** Inline SVG bar chart of the daily totals (journal every day; the report day also center and HIS). */
export function dailyChartSvg(days: ReconcileReport['days'], date: string): string {
  const W = 760;
  const H = 280;
  const L = 84;
  const R = 16;
  const T = 20;
  const B = 46;
  const max = Math.max(1, ...days.flatMap((d) => [d.journal, d.center ?? 0, d.his ?? 0]));
  // a round axis maximum: 1, 2 or 5 × 10^n fen
  const mag = 10 ** Math.floor(Math.log10(max));
  const top = [1, 2, 5, 10].map((f) => f * mag).find((v) => v >= max)!;
  const plotW = W - L - R;
  const plotH = H - T - B;
  const slot = plotW / days.length;
  const y = (v: number) => T + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${esc(fenToYuan(Math.round(v)))}</text>`);
  }
  days.forEach((d, i) => {
    const series: [string, number, string][] = [['日志 journal', d.journal, '#3b6fb6']];
    if (d.center !== undefined) series.push(['中心 center', d.center, '#2e8b57']);
    if (d.his !== undefined) series.push(['HIS', d.his, '#d2822d']);
    const bw = Math.min(22, (slot * 0.8) / series.length);
    const x0 = L + i * slot + (slot - bw * series.length) / 2;
    series.forEach(([name, v, color], s) => {
      const h = Math.max(v > 0 ? 1 : 0, (v / top) * plotH);
      parts.push(`<rect x="${(x0 + s * bw).toFixed(1)}" y="${(T + plotH - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${esc(d.date)} ${esc(name)} ${esc(fenToYuan(v))}</title></rect>`);
    });
    const bold = d.date === date ? ' font-weight="bold"' : '';
    parts.push(`<text x="${(L + i * slot + slot / 2).toFixed(1)}" y="${H - B + 16}" text-anchor="middle" font-size="11" fill="#333"${bold}>${esc(d.date.slice(5))}</text>`);
  });
  parts.push(`<line x1="${L}" x2="${W - R}" y1="${T + plotH}" y2="${T + plotH}" stroke="#888"/>`);
  const legend = [['日志 journal', '#3b6fb6'], ['中心 center', '#2e8b57'], ['HIS', '#d2822d']]
    .map(([n, c], k) => `<rect x="${L + k * 130}" y="${H - 16}" width="12" height="12" fill="${c}"/><text x="${L + k * 130 + 16}" y="${H - 6}" font-size="12">${esc(n)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="每日医疗费总额 / daily medical fee totals (yuan)">${parts.join('')}${legend}</svg>`;
}

export function renderReconcileHtml(r: ReconcileReport): string {
  const kinds = Object.keys(MISMATCH_LABELS) as MismatchKind[];
  const ok = r.counts.total === 0 && r.totals.every((t) => t.stmt_rslt === '0') && r.details.every((d) => !d.error);
  const row = (cells: unknown[], cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  const head = (cells: string[]) => `<tr>${cells.map((c) => `<th>${c}</th>`).join('')}</tr>`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>医保对账报告 / Reconciliation report ${esc(r.date)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc;padding-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f7}td.n{text-align:right}.bad{background:#fff1f0}.good{background:#f0fff4}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:130px}
.card b{display:block;font-size:20px}.verdict{font-size:18px;padding:8px 12px;border-radius:6px;display:inline-block}
</style>
</head>
<body>
<h1>医保对账报告 / Reconciliation report</h1>
<p>对账日期 / Date: <b>${esc(r.date)}</b> · 地区 / Region: ${esc(r.region)} · 清算机构 / setl_optins: ${esc(r.setl_optins || '—')} · 生成时间 / Generated: ${esc(r.generated_at)}</p>
<p class="verdict ${ok ? 'good' : 'bad'}">${ok ? '对账平 / Balanced' : `对账不平：${r.counts.total} 处差异 / Not balanced: ${r.counts.total} mismatch(es)`}</p>
<div class="cards">
${kinds.map((k) => `<div class="card">${esc(MISMATCH_LABELS[k].zh)}<br>${esc(MISMATCH_LABELS[k].en)}<b>${r.counts[k]}</b></div>`).join('\n')}
<div class="card">未完成交易<br>unresolved<b>${r.unresolved.length}</b></div>
</div>
<h2>当日合计 / Totals of the day</h2>
<table>
${head(['来源 / Source', '笔数 / Count', '医疗费总额（元）/ Medical fees (yuan)'])}
${row(['中心（有效结算）/ Center (in force)', r.sums.center_count, yuan(r.sums.center)])}
${row(['日志 / Journal', r.sums.journal_count, yuan(r.sums.journal)])}
${row(['HIS 台账 / HIS ledger', r.sums.his_count ?? '—', r.sums.his === null ? '—' : yuan(r.sums.his)])}
</table>
<h2>每日医疗费总额 / Daily totals</h2>
${dailyChartSvg(r.days, r.date)}
<h2>总账对账 3201 / Totals (3201)</h2>
<table>
${head(['险种 / insutype', '清算类别 / clr_type', '笔数 / count', '医疗费总额 / medfee', '基金支付 / fund', '个人账户 / acct', '结果 / result', '说明 / description'])}
${r.totals.length ? r.totals.map((t) => row([t.insutype, t.clr_type, t.count, yuan(t.medfee_sumamt), yuan(t.fund_pay_sumamt), yuan(t.acct_pay), t.error ? '错误 / error' : t.stmt_rslt === '0' ? '平 / balanced' : '不平 / unbalanced', t.error ?? t.stmt_rslt_dscr], t.error || t.stmt_rslt !== '0' ? 'bad' : 'good')).join('\n') : row(['—', '—', 0, '', '', '', '当日日志无已确认结算 / no confirmed settlement in the journal', ''])}
</table>
<h2>明细对账 3202 / Details (3202)</h2>
<table>
${head(['清算类别 / clr_type', '上传笔数 / uploaded', '中心记录 / center records', '不平笔数 / unbalanced', '其中结算与撤销配对 / of which settlement + cancellation pairs', '文件查询号 / file_qury_no', '说明 / note'])}
${r.details.map((d) => row([d.clr_type, d.uploaded, d.center_rows, d.unbalanced, d.explained, d.file_qury_no, d.error ?? d.warn], d.error || d.unbalanced > d.explained ? 'bad' : 'good')).join('\n')}
</table>
<h2>差异明细 / Mismatches</h2>
<table>
${head(['类型 / Kind', '结算ID / setl_id', '业务单号 / HIS key', '报文ID / msgid', '参保人 / psn_no', '中心 / center', 'HIS', '日志 / journal', '说明 / detail', '建议处理 / proposed repair'])}
${r.mismatches.length ? r.mismatches.map((m) => row([`${MISMATCH_LABELS[m.kind].zh} / ${MISMATCH_LABELS[m.kind].en}`, m.setl_id, m.his_key ?? '', m.msgid ?? '', m.psn_no ?? '', yuan(m.center), yuan(m.his), yuan(m.journal), m.detail, m.repair], 'bad')).join('\n') : row(['无差异 / none', '', '', '', '', '', '', '', '', ''], 'good')}
</table>
<h2>未完成交易 / Unresolved journal entries</h2>
<table>
${head(['日志ID / id', '业务单号 / HIS key', '报文ID / msgid', '交易 / infno', '状态 / state'])}
${r.unresolved.length ? r.unresolved.map((u) => row([u.id, u.his_key, u.msgid, u.infno, `${u.state} → yibao recover`], 'bad')).join('\n') : row(['无 / none', '', '', '', ''], 'good')}
</table>
</body>
</html>
`;
}

const csvCell = (v: unknown) => {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function renderReconcileCsv(r: ReconcileReport): string {
  const head = ['date', 'kind', 'kind_zh', 'setl_id', 'his_key', 'msgid', 'infno', 'psn_no', 'mdtrt_id', 'center_medfee_sumamt', 'his_medfee_sumamt', 'journal_medfee_sumamt', 'detail', 'repair'];
  const lines = [head.join(',')];
  for (const m of r.mismatches) {
    lines.push([r.date, m.kind, MISMATCH_LABELS[m.kind].zh, m.setl_id, m.his_key, m.msgid, m.infno, m.psn_no, m.mdtrt_id, yuan(m.center), yuan(m.his), yuan(m.journal), m.detail, m.repair].map(csvCell).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
