// Self-service outpatient payment (门诊自助缴费): read card (agent /v1/card) → identify → pending fees
// (from the HIS) → the center's pre-settlement (fund / account / cash) → confirm → two-phase settle
// (pending, then commit) → printable slip. Exact fen arithmetic for the fee table comes from the core in
// a Web Worker; everything that talks to the center goes through the agent, so the kiosk holds no
// center credential. Errors are shown in plain Chinese by kind: agent down, center down, invalid card,
// outcome unknown.
import { createCore } from '../src/core.js';
import { createAgentClient, type AgentBill, type AgentCredential, type AgentIdentity, type AgentPresettlement, type PendingSettlement } from '../src/agent.js';
import { YibaoError } from '../src/errors.js';
import { fenToYuan } from '../../host-node/src/money.js';
import { maskCard, maskId, maskName } from '../../host-node/src/mask.js';

interface KioskConfig {
  /** agent base URL; "" = this origin (the kiosk server proxies /v1 and adds the token) */
  agentUrl?: string;
  token?: string;
  timeoutMs?: number;
  /** HIS endpoint with the patient's pending fees: GET {hisUrl}/pending?certno=&psn_no= */
  hisUrl?: string;
  hospital?: string;
  kioskId?: string;
}

interface PendingFees {
  his_order: string;
  dept_name?: string;
  dr_name?: string;
  bill: Omit<AgentBill, 'mdtrt_cert_type' | 'mdtrt_cert_no'>;
}

type State = 'loading' | 'home' | 'busy' | 'fees' | 'presettle' | 'slip' | 'error';
type Phase = 'card' | 'identify' | 'fees' | 'presettle' | 'settle';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const core = createCore({ workerUrl: new URL('./worker.js', import.meta.url) });

let cfg: KioskConfig = {};
let agent = createAgentClient();
let credential: AgentCredential | undefined;
let person: AgentIdentity | undefined;
let pending: PendingFees | undefined;
let pre: AgentPresettlement | undefined;

function show(state: State): void {
  document.body.dataset.state = state;
}

function busy(text: string): void {
  $('busy-text').textContent = text;
  show('busy');
}

const yuan = (fen: unknown) => `¥ ${fenToYuan(Number(fen ?? 0))}`;
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** What a person at the kiosk is told, by kind of failure. */
export function describeError(e: unknown, phase: Phase): { title: string; text: string; kind: string } {
  const err = e instanceof YibaoError ? e : YibaoError.host('BAD_INPUT', String((e as Error)?.message ?? e));
  const c = err.code;
  if (['AGENT_UNAVAILABLE', 'AGENT_CONFIG', 'AGENT_AUTH', 'AGENT_ROUTE'].includes(c)) {
    return { kind: 'agent-down', title: '自助服务暂不可用', text: '无法连接本机医保服务（agent 未运行或未授权）。请到人工收费窗口办理。' };
  }
  const unknownOutcome = ['AGENT_TIMEOUT', 'AGENT_REPLY', 'OUTCOME_UNKNOWN', 'TRANSPORT_TIMEOUT', 'TRANSPORT_NETWORK', 'TRANSPORT_HTTP', 'BAD_REPLY'].includes(c);
  if (phase === 'settle' && unknownOutcome) {
    return { kind: 'unknown', title: '结算结果未知', text: '与医保中心的通信中断，本次结算是否成功尚不确定。请勿重复缴费，请到人工窗口核实。' };
  }
  if (phase === 'card' && c === 'NOT_SUPPORTED') {
    return { kind: 'no-reader', title: '读卡器未接入', text: '本机读卡器暂未接入医保服务。请点击“手工输入身份证号”继续办理。' };
  }
  if (c === 'CARD_READ' || (phase === 'card' && c === 'BAD_INPUT')) {
    return { kind: 'invalid-card', title: '读卡失败', text: '未能读取卡片。请确认医保卡已正确插入（芯片朝上）后重试。' };
  }
  if (phase === 'card' && c.startsWith('BRIDGE_')) {
    // the reader's driver hung or crashed (the agent's bridge restarts it): nothing was paid
    return { kind: 'reader-error', title: '读卡器故障', text: '读卡器无响应。请重新插卡后重试，或点击“手工输入身份证号”继续办理。' };
  }
  if (phase === 'identify' && c === 'CENTER_ERROR') {
    return { kind: 'invalid-card', title: '卡片无效', text: '该卡（证件）未通过医保身份验证：卡号无效、未参保或待遇暂停。请到人工窗口咨询。' };
  }
  if (unknownOutcome || c === 'CENTER_ERROR' || c === 'NOT_SETTLED' || c.startsWith('TRANSPORT_')) {
    return { kind: 'center-down', title: '医保中心暂时无法办理', text: '医保中心故障或网络中断，请稍后再试，或到人工收费窗口办理。' };
  }
  if (c === 'BAD_INPUT' && err.detail === '没有待缴费用') return { kind: 'no-fees', title: '没有待缴费用', text: '您当前没有需要缴纳的门诊费用。' };
  if (c === 'DUPLICATE') return { kind: 'duplicate', title: '该笔费用已在结算中', text: '请勿重复缴费，请到人工窗口核实。' };
  return { kind: 'other', title: '办理失败', text: err.messageZh || err.message };
}

function fail(e: unknown, phase: Phase): void {
  const d = describeError(e, phase);
  const err = e instanceof YibaoError ? e : undefined;
  $('error-title').textContent = d.title;
  $('error-text').textContent = d.text;
  // a kiosk screen is public: ID numbers and the card / token number in a center's message are masked
  let detail = (err?.detail ?? '').replace(/(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/g, (id) => maskId(id));
  const no = credential?.mdtrt_cert_no;
  if (no && no.length > 4) detail = detail.split(no).join(maskCard(no));
  $('error-code').textContent = err ? `${err.code} ${err.status}${detail ? ' · ' + detail : ''}` : String(e);
  document.body.dataset.error = d.kind;
  show('error');
}

function reset(): void {
  credential = undefined;
  person = undefined;
  pending = undefined;
  pre = undefined;
  delete document.body.dataset.error;
  ($('manual-certno') as HTMLInputElement).value = '';
  ($('btn-confirm') as HTMLButtonElement).disabled = false;
  show('home');
}

function bill(): AgentBill {
  return { ...pending!.bill, mdtrt_cert_type: credential!.mdtrt_cert_type, mdtrt_cert_no: credential!.mdtrt_cert_no, card_sn: credential!.card_sn, insutype: person!.insutype };
}

async function start(cred: AgentCredential | undefined): Promise<void> {
  let phase: Phase = 'card';
  try {
    if (!cred) {
      busy('正在读卡，请勿拔卡…');
      const card = await agent.card();
      cred = { mdtrt_cert_type: card.mdtrt_cert_type, mdtrt_cert_no: card.mdtrt_cert_no, card_sn: card.card_sn };
    }
    credential = cred;
    phase = 'identify';
    busy('正在验证医保身份…');
    person = await agent.identify(cred);
    phase = 'fees';
    busy('正在查询待缴费用…');
    const q = new URLSearchParams({ certno: person.certno || cred.mdtrt_cert_no, psn_no: person.psn_no });
    const r = await fetch(`${cfg.hisUrl ?? './his'}/pending?${q}`);
    if (r.status === 404) throw YibaoError.host('BAD_INPUT', '没有待缴费用');
    if (!r.ok) throw YibaoError.host('BAD_INPUT', `HIS: HTTP ${r.status}`);
    pending = (await r.json()) as PendingFees;
    await renderFees();
    show('fees');
  } catch (e) {
    fail(e, phase);
  }
}

async function renderFees(): Promise<void> {
  const items = pending!.bill.fee_items;
  // exact line amounts and total in fen, by the same core as every other host (in the Worker)
  const c = await core.classify({
    fee_items: items.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })),
  });
  const amount = new Map(c.items.map((i) => [i.feedetl_sn, i.det_item_fee_sumamt]));
  $('patient').innerHTML = `患者：<b>${esc(maskName(person!.psn_name))}</b>　证件：${esc(maskId(person!.certno || credential!.mdtrt_cert_no))}　险种：${person!.insutype === '390' ? '城乡居民' : '职工'}医保　个人账户余额：${yuan(person!.balc)}`;
  $('fee-rows').innerHTML = items
    .map((l) => `<tr><td>${esc(l.name ?? l.med_list_codg)}</td><td>${esc(l.pric)}</td><td>${esc(l.cnt)}</td><td>${fenToYuan(amount.get(l.feedetl_sn) ?? 0)}</td></tr>`)
    .join('');
  $('fee-total').textContent = yuan(c.totals.medfee_sumamt);
  $('fee-total').dataset.fen = String(c.totals.medfee_sumamt);
}

async function presettle(): Promise<void> {
  try {
    busy('正在向医保中心预结算…');
    pre = await agent.presettle({ bill: bill() });
    const s = pre.setlinfo;
    $('ps-total').textContent = yuan(s.medfee_sumamt);
    $('ps-fund').textContent = yuan(s.fund_pay_sumamt);
    $('ps-acct').textContent = yuan(s.acct_pay);
    $('ps-cash').textContent = yuan(s.psn_cash_pay);
    show('presettle');
  } catch (e) {
    fail(e, 'presettle');
  }
}

async function confirm(): Promise<void> {
  const btn = $('btn-confirm') as HTMLButtonElement;
  if (btn.disabled) return;
  btn.disabled = true; // one tap, one settlement
  const his_key = `${cfg.kioskId ?? 'KIOSK'}-${pending!.his_order}`;
  let settled: PendingSettlement | undefined;
  try {
    busy('正在结算，请勿离开…');
    settled = await agent.settle({ his_key, bill: bill() });
    busy('正在确认缴费…');
    await agent.commit(his_key);
    renderSlip(settled, his_key);
    show('slip');
  } catch (e) {
    if (settled) {
      // the center settled but the commit failed: undo it rather than leave money half-moved
      await agent.abort(his_key).catch(() => undefined);
    }
    fail(e, 'settle');
  }
}

function renderSlip(s: PendingSettlement, his_key: string): void {
  const i = s.setlinfo as Record<string, unknown>;
  const now = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const when = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}`;
  const rows = pending!.bill.fee_items.map((l) => `<tr><td>${esc(l.name ?? l.med_list_codg)} × ${esc(l.cnt)}</td><td>${esc(l.pric)}</td></tr>`).join('');
  $('slip-body').innerHTML = `
    <h2>${esc(cfg.hospital ?? '')}<br>门诊医保结算凭条</h2>
    <table>
      <tr><td>患者</td><td>${esc(maskName(person!.psn_name))}</td></tr>
      <tr><td>证件号</td><td>${esc(maskId(person!.certno || credential!.mdtrt_cert_no))}</td></tr>
      <tr><td>结算流水号</td><td id="slip-setl-id">${esc(s.setl_id)}</td></tr>
      <tr><td>业务单号</td><td>${esc(his_key)}</td></tr>
      <tr><td>时间</td><td>${when}</td></tr>
    </table>
    <hr>
    <table>${rows}</table>
    <hr>
    <table>
      <tr><td>费用总额</td><td id="slip-total">${yuan(i.medfee_sumamt)}</td></tr>
      <tr><td>医保统筹基金支付</td><td id="slip-fund">${yuan(i.fund_pay_sumamt)}</td></tr>
      <tr><td>个人账户支付</td><td id="slip-acct">${yuan(i.acct_pay)}</td></tr>
      <tr class="total"><td>现金支付</td><td id="slip-cash">${yuan(i.psn_cash_pay)}</td></tr>
      <tr><td>个人账户余额</td><td>${yuan(i.balc)}</td></tr>
    </table>
    <p>请妥善保管本凭条。</p>`;
}

async function main(): Promise<void> {
  try {
    const r = await fetch('./config.json');
    cfg = r.ok ? ((await r.json()) as KioskConfig) : {};
  } catch {
    cfg = {};
  }
  agent = createAgentClient({ url: cfg.agentUrl ?? '', token: cfg.token, timeoutMs: cfg.timeoutMs });
  if (cfg.hospital) $('hospital').textContent = `${cfg.hospital} · 门诊自助缴费`;
  $('btn-card').addEventListener('click', () => void start(undefined));
  $('btn-manual-ok').addEventListener('click', () => {
    const no = ($('manual-certno') as HTMLInputElement).value.trim().toUpperCase();
    if (no) void start({ mdtrt_cert_type: '02', mdtrt_cert_no: no });
  });
  $('btn-presettle').addEventListener('click', () => void presettle());
  $('btn-confirm').addEventListener('click', () => void confirm());
  for (const id of ['btn-home', 'btn-cancel', 'btn-done', 'btn-error-home']) $(id).addEventListener('click', reset);
  $('btn-print').addEventListener('click', () => window.print());
  // the core is ready when it answers (the Worker compiles core.wasm once)
  const v = await core.version();
  document.body.dataset.core = v.version;
  show('home');
}

void main();
