// The hospital side of the Chengdu settlement-list interface over SOAP (host-node/src/transport-soap.ts):
//
//   const c = createChengduSlistClient({ core, url, institution });      // credentials: YIBAO_CDSLIST_USER / _PASSWORD
//   const { serial, result } = await c.cycle(list);                       // E1001 → E1002 → E1004 … until checked
//
// report() runs the quality rules first (region 'chengdu': plugins/national/slist-rules/chengdu.json, which
// extends sichuan) and sends nothing when they find violations (SlistInvalidError, SLIST_INVALID). Refusals of
// the center (result code ≠ success) are CENTER_ERROR with the center's message; replies that are not the
// configured message shape are BAD_REPLY; SOAP faults SOAP_FAULT; transport failures TRANSPORT_* (outcome
// unknown: an E1002 without an answer is resolved by resolveReport(), which asks E1004).
import type { Core, SlistViolation } from '../../host-node/src/contract.js';
import type { Institution } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { createSoapClient, type SoapClient } from '../../host-node/src/transport-soap.js';
import { checkSettlementList, SlistInvalidError } from '../../host-node/src/slist.js';
import { maskMessage } from '../../host-node/src/mask.js';
import { decodeResponse, encodeRequest, listToBody, readCheckResult, type CdFinding, type CdResponse, type XmlFields } from './codec.js';
import { cdSlistConfig, type CdSlistConfig, type CdSlistConfigOverrides, type CdSlistTx } from './manifest.js';

export interface CdSlistCredentials {
  user: string;
  password: string;
}

/** Credentials from the environment (YIBAO_CDSLIST_USER, YIBAO_CDSLIST_PASSWORD); undefined when unset. */
export function cdSlistCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): CdSlistCredentials | undefined {
  const user = env.YIBAO_CDSLIST_USER;
  const password = env.YIBAO_CDSLIST_PASSWORD;
  return user && password !== undefined ? { user, password } : undefined;
}

export interface ChengduSlistClientOptions {
  core: Core;
  /** the service URL (…/SettlementList.asmx) */
  url: string;
  institution: Pick<Institution, 'fixmedins_code'>;
  /** default: the environment (cdSlistCredentialsFromEnv) */
  credentials?: CdSlistCredentials;
  config?: CdSlistConfigOverrides;
  timeoutMs?: number;
  /** local check: extra overrides after the chengdu ones, code tables (icd10, icd9cm3, dept …), rules folder */
  overrides?: unknown[];
  codeTables?: Record<string, string[]>;
  rulesDir?: string;
  /** region of the local rules (default 'chengdu') */
  region?: string;
  now?: () => Date;
  /** masked message events */
  log?: (e: { kind: 'request' | 'response'; tradecode: string; msgid: string; body: unknown }) => void;
}

export interface CdCheckResult {
  status: 'pending' | 'passed' | 'failed';
  findings: CdFinding[];
  serial: string;
}

export interface PollOptions {
  /** E1004 calls at most (default 10) */
  attempts?: number;
  /** wait before the 2nd call, then × factor each time, at most maxMs (defaults 1000, 2, 30000) */
  baseMs?: number;
  factor?: number;
  maxMs?: number;
  /** how to wait (tests pass one that records) */
  sleep?: (ms: number) => Promise<void>;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export class ChengduSlistClient {
  readonly config: CdSlistConfig;
  private readonly soap: SoapClient;
  private seq = 0;

  constructor(private readonly o: ChengduSlistClientOptions) {
    this.config = cdSlistConfig(o.config);
    const s = this.config.soap;
    this.soap = createSoapClient(o.core, { url: o.url, version: s.version, ns: s.ns, timeoutMs: o.timeoutMs });
  }

  private credentials(): CdSlistCredentials {
    const c = this.o.credentials ?? cdSlistCredentialsFromEnv();
    if (!c) throw YibaoError.host('TRANSPORT_CONFIG', 'chengdu-slist: user / password missing (credentials or YIBAO_CDSLIST_USER / YIBAO_CDSLIST_PASSWORD)');
    return c;
  }

  /** China time yyyyMMddHHmmss and yyyy-MM-dd HH:mm:ss */
  private stamp(): { compact: string; text: string } {
    const t = new Date((this.o.now ?? (() => new Date()))().getTime() + 8 * 3600 * 1000);
    const d = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
    const h = `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
    return { compact: (d + h).replace(/[-:]/g, ''), text: `${d} ${h}` };
  }

  /** One message exchange. Returns the response when its code is the success code, else CENTER_ERROR. */
  async exchange(tx: CdSlistTx, serial: string, body: XmlFields): Promise<CdResponse> {
    const cfg = this.config;
    const code = cfg.codes[tx];
    const st = this.stamp();
    this.seq = (this.seq + 1) % 10000;
    const msgid = `${this.o.institution.fixmedins_code}${st.compact}${pad(this.seq, 4)}`;
    const cred = this.credentials();
    const xml = encodeRequest(this.o.core, cfg, { tradecode: code, fixmedins_code: this.o.institution.fixmedins_code, user: cred.user, password: cred.password, serial, msgid, time: st.text, body });
    this.o.log?.({ kind: 'request', tradecode: code, msgid, body: maskMessage(body) });
    const r = await this.soap.call(cfg.soap.method, { [cfg.soap.param]: xml });
    if (typeof r.result !== 'string') {
      throw YibaoError.host('BAD_REPLY', `${code} ${msgid}: <${cfg.soap.method}Result> ${r.result === null ? 'is nil' : r.result === undefined ? 'is missing' : 'holds elements, not the response text'}`);
    }
    const res = decodeResponse(this.o.core, cfg, r.result, `${code} response`);
    this.o.log?.({ kind: 'response', tradecode: code, msgid, body: { code: res.code, message: res.message, serial: res.serial } });
    if (res.code !== cfg.success) throw YibaoError.host('CENTER_ERROR', `${code} ${msgid}: ${cfg.response.code} ${res.code} ${res.message}`.trim());
    return res;
  }

  /** E1001 申请流水号 for a settlement → the serial. */
  async applySerial(p: { setl_id: string; psn_no?: string; mdtrt_id?: string }): Promise<string> {
    const a = this.config.apply;
    const res = await this.exchange('apply', '', { [a.setl_id]: p.setl_id, [a.psn_no]: p.psn_no ?? '', [a.mdtrt_id]: p.mdtrt_id ?? '' });
    const serial = res.serial || String(res.body[this.config.response.serial] ?? '');
    if (!serial.trim()) throw YibaoError.host('BAD_REPLY', `${this.config.codes.apply}: success without a serial (<${this.config.response.serial}>)`);
    return serial.trim();
  }

  /** The local quality check of E1002 (region chengdu unless configured otherwise). */
  check(list: Record<string, unknown>) {
    return checkSettlementList(this.o.core, list, {
      variant: this.config.variant, region: this.o.region ?? 'chengdu', overrides: this.o.overrides, codeTables: this.o.codeTables, rulesDir: this.o.rulesDir,
    });
  }

  /**
   * E1002 数据上报 under a serial: the local check first (SlistInvalidError, nothing sent, unless `force`),
   * then the list. The center accepts it for checking (E1004 tells the result).
   */
  async report(serial: string, list: Record<string, unknown>, opts: { force?: boolean } = {}): Promise<{ violations: SlistViolation[] }> {
    const c = this.check(list);
    if (!c.ok && !opts.force) throw new SlistInvalidError(c.violations, `${this.config.codes.report} (${this.config.variant})`);
    await this.exchange('report', serial, listToBody(this.config, list));
    return { violations: c.violations };
  }

  /** E1003 数据撤销: withdraws the report of a serial (a new report needs a new serial). */
  async revoke(serial: string, reason = ''): Promise<void> {
    await this.exchange('revoke', serial, { [this.config.revoke.reason]: reason });
  }

  /** E1004 查询校验结果: pending, passed, or failed with the center's findings. */
  async queryResult(serial: string): Promise<CdCheckResult> {
    const res = await this.exchange('query', serial, {});
    return { ...readCheckResult(this.config, res.body), serial };
  }

  /** E1004 until the status is not pending: bounded attempts, exponential backoff; SLIST_PENDING when still pending. */
  async awaitResult(serial: string, p: PollOptions = {}): Promise<CdCheckResult> {
    const attempts = p.attempts ?? 10;
    const sleep = p.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let wait = p.baseMs ?? 1000;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) {
        await sleep(wait);
        wait = Math.min(wait * (p.factor ?? 2), p.maxMs ?? 30000);
      }
      const r = await this.queryResult(serial);
      if (r.status !== 'pending') return r;
    }
    throw YibaoError.host('SLIST_PENDING', `${this.config.codes.query}: serial ${serial} still pending after ${attempts} queries`);
  }

  /**
   * After an E1002 without an answer: 'reported' when E1004 knows the report (any check status), 'not-reported'
   * when the center refuses the query (the report did not arrive: send it again under the same serial).
   */
  async resolveReport(serial: string): Promise<'reported' | 'not-reported'> {
    try {
      await this.queryResult(serial);
      return 'reported';
    } catch (e) {
      if (e instanceof YibaoError && e.code === 'CENTER_ERROR') return 'not-reported';
      throw e;
    }
  }

  /** The whole cycle for one list: E1001 (from setlinfo.setl_id / psn_no or hi_no / mdtrt_id) → E1002 → E1004 polls. */
  async cycle(list: Record<string, unknown>, p: PollOptions & { force?: boolean } = {}): Promise<{ serial: string; result: CdCheckResult; violations: SlistViolation[] }> {
    const c = this.check(list);
    if (!c.ok && !p.force) throw new SlistInvalidError(c.violations, `${this.config.codes.report} (${this.config.variant})`);
    const s = (list.setlinfo ?? {}) as Record<string, unknown>;
    const text = (k: string) => (s[k] === undefined || s[k] === null ? '' : String(s[k]));
    if (!text('setl_id')) throw YibaoError.host('BAD_INPUT', 'setlinfo.setl_id is required to apply for a serial');
    const serial = await this.applySerial({ setl_id: text('setl_id'), psn_no: text('psn_no') || text('hi_no'), mdtrt_id: text('mdtrt_id') });
    const { violations } = await this.report(serial, list, { force: p.force });
    const result = await this.awaitResult(serial, p);
    return { serial, result, violations };
  }
}

export function createChengduSlistClient(o: ChengduSlistClientOptions): ChengduSlistClient {
  return new ChengduSlistClient(o);
}
