// Client of the local yibao agent (host-node/src/agent/) for browsers and kiosks: business operations
// (card, identify, pre-settle, two-phase settle) go to the agent over HTTP, so a kiosk never holds center
// credentials. The agent answers JSON; its errors ({code, status, message…}) become YibaoError with the
// same code. Failures of the hop itself are AGENT_UNAVAILABLE (nothing sent), AGENT_TIMEOUT and
// AGENT_REPLY (outcome unknown): never repeat a settle blindly, look at the journal (or recover) first.
import type { PendingSettlement, JournalEntry, RecoverReport, RefundResult } from '../../host-node/src/journal-contract.js';
import type { CoreErrorJson } from './contract.js';
import { YibaoError } from './errors.js';

export type { PendingSettlement, JournalEntry, RecoverReport, RefundResult };

export interface AgentOptions {
  /** base URL of the agent, e.g. "http://127.0.0.1:8765"; "" = the page's own origin (a kiosk server proxying /v1) */
  url?: string;
  /** Bearer token of the agent (leave empty when a kiosk server adds it) */
  token?: string;
  /** per-request timeout (default 60 s: a settlement waits for the center) */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A card as the agent's reader returns it (legacy-com-bridge CardReadResult). */
export interface AgentCard {
  kind?: string;
  mdtrt_cert_type: string;
  mdtrt_cert_no: string;
  card_sn?: string;
  psn_name?: string;
  certno?: string;
  insuplc_admdvs?: string;
  [k: string]: unknown;
}

export interface AgentCredential {
  mdtrt_cert_type: string;
  mdtrt_cert_no: string;
  card_sn?: string;
}

/** The person as identified by the center (host-node client Identity; balc in fen). */
export interface AgentIdentity {
  psn_no: string;
  psn_name: string;
  certno: string;
  gend?: string;
  brdy?: string;
  insutype: string;
  psn_type?: string;
  insuplc_admdvs?: string;
  balc: number;
  [k: string]: unknown;
}

/** A bill as the HIS hands it over (host-node flows.ts Bill). */
export interface AgentBill {
  mdtrt_cert_type: string;
  mdtrt_cert_no: string;
  card_sn?: string;
  insutype?: string;
  med_type?: string;
  ipt_otp_no?: string;
  dept_code?: string;
  dept_name?: string;
  dr_code?: string;
  dr_name?: string;
  diagnoses?: { code: string; name: string }[];
  fee_items: { feedetl_sn: string; med_list_codg: string; name?: string; pric: string; cnt: string; med_chrgitm_type?: string; [k: string]: unknown }[];
  acct_used_flag?: string;
}

/** The center's pre-settlement of a bill (amounts in fen). */
export interface AgentPresettlement {
  setlinfo: Record<string, unknown> & { medfee_sumamt: number; fund_pay_sumamt: number; acct_pay: number; psn_cash_pay: number };
  setldetail?: { fund_pay_type: string; fund_pay_type_name: string; fund_payamt: number }[];
  [k: string]: unknown;
}

export interface AgentClient {
  health(): Promise<Record<string, unknown>>;
  /** the agent's card reader (its configured kind, or ss_card 社保卡 / id_card 身份证 / ec_token 电子凭证) */
  card(kind?: 'ss_card' | 'id_card' | 'ec_token'): Promise<AgentCard>;
  identify(credential: AgentCredential, insutype?: string): Promise<AgentIdentity>;
  presettle(req: { bill: AgentBill; inpatient?: boolean }): Promise<AgentPresettlement>;
  settle(req: { his_key: string; bill: AgentBill; inpatient?: boolean }): Promise<PendingSettlement>;
  commit(his_key: string): Promise<unknown>;
  abort(his_key: string): Promise<unknown>;
  /** refund of the key's confirmed settlement (journaled by the agent, resolved before it answers) */
  refund(his_key: string, setl_id?: string): Promise<RefundResult>;
  recover(): Promise<RecoverReport>;
  journal(filter?: { states?: string[]; his_key?: string; date?: string }): Promise<JournalEntry[]>;
  call(body: Record<string, unknown>): Promise<unknown>;
}

/** The object itself, or its member `key` when that is an object (agent replies may wrap). */
function unwrap<T>(v: unknown, key: string): T {
  const w = (v as Record<string, unknown> | null)?.[key];
  return (w && typeof w === 'object' && !Array.isArray(w) ? w : v) as T;
}

export function createAgentClient(o: AgentOptions = {}): AgentClient {
  const base = (o.url ?? '').replace(/\/$/, '');
  const timeoutMs = o.timeoutMs ?? 60000;
  const doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctl.signal });
    } catch (e) {
      clearTimeout(timer);
      if (ctl.signal.aborted) throw YibaoError.host('AGENT_TIMEOUT', `${method} ${path}: no answer within ${timeoutMs} ms`, e);
      // fetch rejects before any response: refused connection, no agent (the request was not processed)
      throw YibaoError.host('AGENT_UNAVAILABLE', `${method} ${path}: ${(e as Error)?.message ?? e}`, e);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw YibaoError.host(ctl.signal.aborted ? 'AGENT_TIMEOUT' : 'AGENT_REPLY', `${method} ${path}: reply cut off`, e);
    } finally {
      clearTimeout(timer);
    }
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : {};
    } catch (e) {
      // a kiosk server proxying to a dead agent answers 502 with no JSON: the agent is down
      if (res.status === 502 || res.status === 503 || res.status === 504) throw YibaoError.host('AGENT_UNAVAILABLE', `${method} ${path}: HTTP ${res.status}`);
      throw YibaoError.host('AGENT_REPLY', `${method} ${path}: HTTP ${res.status}, not JSON`, e);
    }
    if (!res.ok) {
      const err = unwrap<Partial<CoreErrorJson> & { message?: string }>(data, 'error');
      if (typeof err?.code === 'string' && typeof err.status === 'number') {
        throw new YibaoError({
          status: err.status,
          code: err.code,
          message_zh: err.message_zh ?? err.message ?? '',
          message_en: err.message_en ?? err.message ?? '',
          detail: err.detail,
        });
      }
      if (res.status === 401 || res.status === 403) throw YibaoError.host('AGENT_AUTH', `${method} ${path}`);
      if (res.status === 502 || res.status === 503 || res.status === 504) throw YibaoError.host('AGENT_UNAVAILABLE', `${method} ${path}: HTTP ${res.status}`);
      throw YibaoError.host('AGENT_REPLY', `${method} ${path}: HTTP ${res.status} without an error object`);
    }
    return data as T;
  }

  const query = (f?: Record<string, unknown>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f ?? {})) if (v !== undefined) q.set(k, Array.isArray(v) ? v.join(',') : String(v));
    const s = q.toString();
    return s ? `?${s}` : '';
  };

  return {
    health: () => request('GET', '/v1/health'),
    card: async (kind) => unwrap<AgentCard>(await request('GET', `/v1/card${query({ kind })}`), 'card'),
    identify: async (credential, insutype) =>
      unwrap<AgentIdentity>(unwrap(await request('POST', '/v1/identify', { ...credential, ...(insutype ? { insutype } : {}) }), 'identity'), 'person'),
    presettle: async (req) => unwrap<AgentPresettlement>(await request('POST', '/v1/presettle', req), 'presettle'),
    settle: async (req) => unwrap<PendingSettlement>(await request('POST', '/v1/settle', req), 'pending'),
    commit: (his_key) => request('POST', '/v1/commit', { his_key }),
    abort: (his_key) => request('POST', '/v1/abort', { his_key }),
    refund: (his_key, setl_id) => request<RefundResult>('POST', '/v1/refund', setl_id ? { his_key, setl_id } : { his_key }),
    recover: () => request('POST', '/v1/recover', {}),
    journal: async (filter) => {
      const r = await request<unknown>('GET', `/v1/journal${query(filter)}`);
      return (Array.isArray(r) ? r : unwrap<{ entries?: JournalEntry[] }>(r, 'journal').entries ?? []) as JournalEntry[];
    },
    call: (body) => request('POST', '/v1/call', body),
  };
}
