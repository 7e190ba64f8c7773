// The simulated Chengdu data-collection center without the wire: one request XML string in, one response
// XML string out. Checks the credentials (交易访问用户 + 交易访问验证码), the transaction code and the row limit,
// validates each row (对码 exists, numbers, flags, required fields), saves the valid rows, and answers
// 执行成功 / 执行失败 / 本次成功但是部分数据失败 with the reason of every failed row (spec §4.2–4.3).
// In memory: a restart of the process forgets everything (a restart of the HTTP server does not: server.ts).
import type { Core } from '../../../host-node/src/contract.js';
import { decodeJxcRequest, encodeJxcResponse, type JxcResponse } from '../codec.js';
import { JXC_DEFAULTS, JXC_KINDS, type JxcConfig, type JxcKind } from '../manifest.js';

/** One 对码 (mapping) the institution completed in 医保两定管理协同平台 (sandbox test data). */
export interface JxcMapping {
  med_list_codg: string;
  hilist_id: string;
  name: string;
}

/** The sandbox's 对码 catalogue (codes of the national sandbox catalog; the HIS ids are test values). */
export const JXC_SANDBOX_CATALOGUE: JxcMapping[] = [
  { med_list_codg: 'XJ01CAA040A001010100001', hilist_id: 'HIS-AMX01', name: '阿莫西林胶囊' },
  { med_list_codg: 'XA10BAE054A001010100003', hilist_id: 'HIS-MET01', name: '盐酸二甲双胍片' },
  { med_list_codg: 'XC10AAA138A001010100004', hilist_id: 'HIS-ATV01', name: '阿托伐他汀钙片' },
  { med_list_codg: 'XB05BBN001B002010100010', hilist_id: 'HIS-NS250', name: '氯化钠注射液' },
  { med_list_codg: 'ZA12HAF0150010100002', hilist_id: 'HIS-FFDS01', name: '复方丹参滴丸' },
];

/** The sandbox's 交易访问用户 / 交易访问验证码 (test values: a real center issues them after testing). */
export const JXC_SANDBOX_CREDENTIALS = { user: 'JXCTEST01', password: 'jxc-sandbox-code' };

export interface JxcStoredRow {
  fixmedins_code: string;
  kind: JxcKind;
  txCode: string;
  sn: string;
  /** the row's fields by tag, as received */
  fields: Record<string, string>;
  /** the call that saved it (1-based) */
  call: number;
}

export interface JxcCenterOptions {
  core: Core;
  cfg?: JxcConfig;
  credentials?: { user: string; password: string }[];
  catalogue?: JxcMapping[];
  log?: (line: string) => void;
}

const DEC = /^-?\d+(\.\d+)?$/;
const DT = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/;

export class JxcCenter {
  readonly cfg: JxcConfig;
  readonly core: Core;
  /** saved rows by fixmedins | kind | 流水号 */
  readonly saved = new Map<string, JxcStoredRow>();
  /** requests handled (every call, whatever its outcome) */
  calls = 0;
  /** row saves so far (a row saved twice would count twice: tests compare it with saved.size) */
  applied = 0;
  private readonly creds: { user: string; password: string }[];
  private readonly byCode: Map<string, JxcMapping>;

  constructor(private readonly o: JxcCenterOptions) {
    this.cfg = o.cfg ?? JXC_DEFAULTS;
    this.core = o.core;
    this.creds = o.credentials ?? [JXC_SANDBOX_CREDENTIALS];
    this.byCode = new Map((o.catalogue ?? JXC_SANDBOX_CATALOGUE).map((m) => [m.med_list_codg, m]));
  }

  /** Completes a 对码 (as the institution would in 医保两定管理协同平台). */
  addMapping(m: JxcMapping): void {
    this.byCode.set(m.med_list_codg, m);
  }

  /** The saved rows (of a kind), in arrival order. */
  rows(kind?: JxcKind): JxcStoredRow[] {
    return [...this.saved.values()].filter((r) => !kind || r.kind === kind);
  }

  private answer(res: JxcResponse): string {
    this.o.log?.(`call ${this.calls}: ${res.code} ${res.message}${res.failures.length ? ` (${res.failures.length} failed rows)` : ''}`);
    return encodeJxcResponse(this.o.core, this.cfg, res);
  }

  private fail(message: string): string {
    return this.answer({ code: this.cfg.resultCodes.failure, message, failures: [] });
  }

  handle(xml: string): string {
    const call = ++this.calls;
    const cfg = this.cfg;
    let req;
    try {
      req = decodeJxcRequest(this.o.core, cfg, xml);
    } catch (e) {
      return this.fail(`请求数据格式错误：${(e as Error).message}`);
    }
    const kind = JXC_KINDS.find((k) => cfg.txCodes[k] === req.txCode);
    if (!kind) return this.fail(`交易服务编码【${req.txCode}】不存在`);
    if (!this.creds.some((c) => c.user === req.user && c.password === req.password)) return this.fail('交易访问用户或交易访问验证码错误');
    if (!req.fixmedins_code) return this.fail('定点机构编码不能为空');
    if (!req.rows.length) return this.fail('上传明细不能为空');
    if (req.rows.length > cfg.maxRows) return this.fail(`一次调用最多只允许上传明细${cfg.maxRows}条，本次${req.rows.length}条，提交不成功`);

    const fields = cfg.fields[kind];
    const tagOf = (field: string) => fields.find((f) => f.field === field)?.tag ?? '';
    const snTag = tagOf('sn');
    const failures: { key: string; reason: string }[] = [];
    const ok: JxcStoredRow[] = [];
    const inBatch = new Set<string>();
    for (const row of req.rows) {
      const sn = row[snTag] ?? '';
      const reason = this.check(kind, row, sn, req.fixmedins_code, inBatch);
      if (sn) inBatch.add(sn);
      if (reason) failures.push({ key: sn, reason });
      else ok.push({ fixmedins_code: req.fixmedins_code, kind, txCode: req.txCode, sn, fields: row, call });
    }
    // 校验成功的数据提交保存，校验失败数据返回失败原因
    for (const r of ok) {
      this.saved.set(`${r.fixmedins_code}|${kind}|${r.sn}`, r);
      this.applied++;
    }
    const rc = cfg.resultCodes;
    if (!failures.length) return this.answer({ code: rc.success, message: `执行成功，共${ok.length}条`, failures });
    if (!ok.length) return this.answer({ code: rc.failure, message: `执行失败，${failures.length}条数据校验失败`, failures });
    return this.answer({ code: rc.partial, message: `本次成功但是部分数据失败：成功${ok.length}条，失败${failures.length}条`, failures });
  }

  /** The reason a row is refused, or '' when it is saved. */
  private check(kind: JxcKind, row: Record<string, string>, sn: string, fixmedins: string, inBatch: Set<string>): string {
    const fields = this.cfg.fields[kind];
    const val = (field: string) => {
      const f = fields.find((x) => x.field === field);
      return f ? (row[f.tag] ?? '') : '';
    };
    const zh = (field: string) => fields.find((x) => x.field === field)?.zh ?? field;
    for (const f of fields) if (f.required && !(row[f.tag] ?? '').trim()) return `【${f.zh}】不能为空`;
    if (this.saved.has(`${fixmedins}|${kind}|${sn}`) || inBatch.has(sn)) return `【${this.cfg.duplicateMarker}】流水号【${sn}】已存在于医保系统中`;
    const code = val('med_list_codg');
    const m = this.byCode.get(code);
    if (!m) return `医保项目编码【${code}】未在【医保两定管理协同平台】完成对码`;
    const his = val('hilist_id');
    if (his && his !== m.hilist_id) return `医院对码流水号【${his}】与医保项目编码【${code}】的对码关系不存在`;
    const flag = val('trdn_flag');
    if (flag && flag !== '0' && flag !== '1') return `【${zh('trdn_flag')}】应为0或1：${flag}`;
    const price = val('pric');
    if (price) {
      if (!DEC.test(price) || price.startsWith('-')) return `【${zh('pric')}】无效：${price}（应为不小于0的数值）`;
      if ((price.split('.')[1] ?? '').length > 6) return `【${zh('pric')}】小数位数不能超过6位：${price}`;
    }
    const qty = val('cnt');
    if (qty) {
      const zero = /^-?0*(\.0*)?$/.test(qty);
      if (!DEC.test(qty) || qty.startsWith('-') || (zero && kind !== 'stock')) return `【${zh('cnt')}】无效：${qty}（应为${kind === 'stock' ? '不小于0' : '大于0'}的数值）`;
      if ((qty.split('.')[1] ?? '').length > 4) return `【${zh('cnt')}】小数位数不能超过4位：${qty}`;
    }
    for (const field of ['time', 'expy_end']) {
      const v = val(field);
      if (v && !DT.test(v)) return `【${zh(field)}】应为 yyyy-MM-dd HH:mm:ss 格式：${v}`;
    }
    return '';
  }
}
