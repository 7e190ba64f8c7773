// The simulated Chengdu settlement-list collection center (E1001–E1004), without HTTP: one request message in,
// one response message out. It assigns serials, accepts reports, checks them asynchronously with the core's
// rule engine (chengdu rules + center-only rules and catalogues the hospital does not have), answers E1004
// "pending" for the first polls and then the result, and revokes (E1003). Message shapes and codes are the
// plugin's configuration (manifest.ts); the result codes below are the sandbox's placeholders.
//
// Rules of the sandbox: a settlement (setl_id) has at most one live report: E1001 for a settlement whose list is
// reported (not revoked) is refused, E1001 again before reporting returns the same serial; a report goes to an
// applied serial only (unknown, revoked and already reported serials are refused); after E1003 the hospital
// applies for a new serial and reports again.
import type { Core } from '../../../host-node/src/contract.js';
import { YibaoError } from '../../../host-node/src/errors.js';
import { regionOverrides } from '../../../host-node/src/slist.js';
import { bodyToList, checkResultBody, decodeRequest, encodeResponse, type CdFinding, type CdRequest, type XmlFields } from '../codec.js';
import { cdSlistConfig, type CdSlistConfig, type CdSlistConfigOverrides, type CdSlistTx } from '../manifest.js';

/** sandbox test values, printed by `yibao sandbox --region chengdu-slist`; a real center issues its own */
export const CD_SANDBOX_CREDENTIALS = { user: 'cdslist01', password: 'sandbox-only-7f3a' };

/** refusal codes of the sandbox (placeholders, like the rest of the wire; success is the configured code) */
export const CD_SANDBOX_CODES = { refused: '-1', auth: '-2' };

/**
 * Rules only the center applies: the 4101 field table's note on 拟接收机构 (离院方式 2 医嘱转院 / 3 转社区 →
 * name and code of the receiving institution) [doc: 4101 表154 notes]. The hospital's own check does not have them.
 */
export const CENTER_RULES: unknown[] = [
  { id: 'center.acp_medins', kind: 'required_when', fields: ['acp_medins_name', 'acp_optins_code'], when: [{ field: 'dscg_way', in: ['2', '3'] }], source: '4101 表154: 离院方式 2/3 → 拟接收机构名称/代码' },
];

/** The center's catalogues (sandbox data: a few 医保版 codes), so that codes well formed but unknown are found. */
export const CENTER_CODE_TABLES: Record<string, string[]> = {
  icd10: ['K35.800', 'I10.x00', 'P07.300', 'P22.000', 'O80.000', 'Z37.000', 'J06.900', 'J18.900', 'E11.900', 'I63.900', 'S06.000'],
  icd9cm3: ['47.0100x001', '47.0100', '93.9000x003', '93.9000', '74.1x00', '99.0400'],
};

export interface CdSlistCenterOptions {
  core: Core;
  config?: CdSlistConfigOverrides;
  credentials?: { user: string; password: string };
  /** E1004 answers "pending" this many times per report before the result (default 1) */
  pendingPolls?: number;
  /** rules of the local region the center applies too (default chengdu) */
  region?: string;
  centerRules?: unknown[];
  codeTables?: Record<string, string[]>;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface SerialRecord {
  serial: string;
  fixmedins_code: string;
  setl_id: string;
  psn_no: string;
  mdtrt_id: string;
  status: 'applied' | 'reported' | 'revoked';
  /** the reported list (as read back from the message) */
  list?: Record<string, unknown>;
  reports: number;
  polls: number;
  result?: { status: 'passed' | 'failed'; findings: CdFinding[] };
}

class Refusal extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export class CdSlistCenter {
  readonly cfg: CdSlistConfig;
  readonly serials = new Map<string, SerialRecord>();
  /** every request the center read, in order (tradecode + serial), for tests */
  readonly requests: { tradecode: string; serial: string; code: string }[] = [];
  private seq = 0;
  pendingPolls: number;

  constructor(private readonly o: CdSlistCenterOptions) {
    this.cfg = cdSlistConfig(o.config);
    this.pendingPolls = o.pendingPolls ?? 1;
  }

  private day(): string {
    const t = new Date((this.o.now ?? (() => new Date()))().getTime() + 8 * 3600 * 1000);
    return `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`;
  }

  /** One request message → one response message (never throws). */
  handle(xml: string): string {
    let req: CdRequest | undefined;
    let tradecode = '';
    let serial = '';
    let body: XmlFields = {};
    let code = this.cfg.success;
    let message = '成功';
    try {
      try {
        req = decodeRequest(this.o.core, this.cfg, xml);
      } catch (e) {
        throw new Refusal(CD_SANDBOX_CODES.refused, `报文格式错误：${e instanceof YibaoError ? e.detail ?? e.message : (e as Error).message}`);
      }
      tradecode = req.tradecode;
      serial = req.serial;
      const cred = this.o.credentials ?? CD_SANDBOX_CREDENTIALS;
      if (req.user !== cred.user || req.password !== cred.password) throw new Refusal(CD_SANDBOX_CODES.auth, '用户名或密码错误');
      if (!req.fixmedins_code) throw new Refusal(CD_SANDBOX_CODES.refused, '消息头缺少定点医疗机构编码');
      const tx = (Object.keys(this.cfg.codes) as CdSlistTx[]).find((k) => this.cfg.codes[k] === req!.tradecode);
      if (!tx) throw new Refusal(CD_SANDBOX_CODES.refused, `交易编码【${req.tradecode}】不存在`);
      const out = this[tx](req);
      serial = out.serial;
      body = out.body;
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      code = e.code;
      message = e.message;
    }
    this.requests.push({ tradecode, serial, code });
    this.o.log?.(`${tradecode || '-'} ${serial || '-'} ${code} ${message}`);
    return encodeResponse(this.o.core, this.cfg, { tradecode, code, message, serial, msgid: req?.msgid ?? '', body });
  }

  private record(req: CdRequest): SerialRecord {
    if (!req.serial) throw new Refusal(CD_SANDBOX_CODES.refused, '消息头缺少流水号');
    const r = this.serials.get(req.serial);
    if (!r || r.fixmedins_code !== req.fixmedins_code) throw new Refusal(CD_SANDBOX_CODES.refused, `流水号【${req.serial}】不存在`);
    return r;
  }

  private apply(req: CdRequest): { serial: string; body: XmlFields } {
    const a = this.cfg.apply;
    const text = (k: string) => (typeof req.body[k] === 'string' ? (req.body[k] as string).trim() : '');
    const setl_id = text(a.setl_id);
    if (!setl_id) throw new Refusal(CD_SANDBOX_CODES.refused, `申请流水号须填写结算ID（${a.setl_id}）`);
    for (const r of this.serials.values()) {
      if (r.fixmedins_code !== req.fixmedins_code || r.setl_id !== setl_id) continue;
      if (r.status === 'reported') throw new Refusal(CD_SANDBOX_CODES.refused, `结算ID【${setl_id}】的清单已上报（流水号${r.serial}），如需重报请先撤销(${this.cfg.codes.revoke})`);
      if (r.status === 'applied') return { serial: r.serial, body: { [this.cfg.response.serial]: r.serial } };
    }
    const serial = `CD${req.fixmedins_code}${this.day()}${pad(++this.seq, 6)}`;
    this.serials.set(serial, { serial, fixmedins_code: req.fixmedins_code, setl_id, psn_no: text(a.psn_no), mdtrt_id: text(a.mdtrt_id), status: 'applied', reports: 0, polls: 0 });
    return { serial, body: { [this.cfg.response.serial]: serial } };
  }

  private report(req: CdRequest): { serial: string; body: XmlFields } {
    const r = this.record(req);
    if (r.status === 'revoked') throw new Refusal(CD_SANDBOX_CODES.refused, `流水号【${r.serial}】已撤销，请重新申请流水号(${this.cfg.codes.apply})`);
    if (r.status === 'reported') throw new Refusal(CD_SANDBOX_CODES.refused, `流水号【${r.serial}】已上报，请勿重复上报（如需修改请先撤销）`);
    const list = bodyToList(this.cfg, req.body);
    const s = list.setlinfo as Record<string, unknown> | undefined;
    if (!s || !Object.keys(s).length) throw new Refusal(CD_SANDBOX_CODES.refused, '上报数据缺少结算清单信息（setlinfo）');
    if (String(s.setl_id ?? '').trim() !== r.setl_id) throw new Refusal(CD_SANDBOX_CODES.refused, `清单结算ID【${String(s.setl_id ?? '')}】与流水号【${r.serial}】申请时的结算ID【${r.setl_id}】不符`);
    Object.assign(r, { status: 'reported', list, reports: r.reports + 1, polls: 0, result: undefined });
    // the check runs after the answer (asynchronously, as the center's 校验 does); E1004 reveals it
    setImmediate(() => {
      try {
        this.runCheck(r);
      } catch (e) {
        this.o.log?.(`check of ${r.serial} failed: ${(e as Error).message} (E1004 retries it)`);
      }
    });
    return { serial: r.serial, body: {} };
  }

  private revoke(req: CdRequest): { serial: string; body: XmlFields } {
    const r = this.record(req);
    if (r.status === 'revoked') throw new Refusal(CD_SANDBOX_CODES.refused, `流水号【${r.serial}】已撤销`);
    r.status = 'revoked';
    return { serial: r.serial, body: {} };
  }

  private query(req: CdRequest): { serial: string; body: XmlFields } {
    const r = this.record(req);
    if (r.status === 'applied') throw new Refusal(CD_SANDBOX_CODES.refused, `流水号【${r.serial}】尚未上报数据`);
    if (r.status === 'revoked') throw new Refusal(CD_SANDBOX_CODES.refused, `流水号【${r.serial}】已撤销`);
    r.polls++;
    if (r.polls <= this.pendingPolls) return { serial: r.serial, body: checkResultBody(this.cfg, 'pending', []) };
    if (!r.result) this.runCheck(r);
    return { serial: r.serial, body: checkResultBody(this.cfg, r.result!.status, r.result!.findings) };
  }

  /** The center's check: the region's rules plus its own, with its catalogues. */
  runCheck(r: SerialRecord): void {
    if (r.result || r.status !== 'reported' || !r.list) return;
    const overrides = [...regionOverrides(this.o.region ?? 'chengdu'), ...(this.o.centerRules ?? CENTER_RULES)];
    const res = this.o.core.slist.check({ list: r.list, variant: this.cfg.variant, overrides, codeTables: this.o.codeTables ?? CENTER_CODE_TABLES });
    const findings = res.violations.map((v) => ({ field: v.path, rule: v.rule, message: v.message_zh }));
    r.result = { status: findings.length ? 'failed' : 'passed', findings };
  }
}
