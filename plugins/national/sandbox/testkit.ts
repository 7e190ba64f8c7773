// A minimal HIS-side caller for the sandbox (tests and demos): builds envelopes, numbers msgids, signs in,
// and parses replies exactly (numbers kept as their text). Not the real client plugin.
import type { Core } from '../../../host-node/src/contract.js';
import { SICHUAN_MANIFEST } from '../manifest.js';
import { lookupItem } from './catalog.js';
import { fmtFen, parseDec, productFen, ts14 } from './wire.js';

export const FIXMEDINS = 'H51010400001';

export interface CallResult {
  status: number;
  contentType: string;
  text: string;
  bytes: Uint8Array;
  /** parsed with numbers as verbatim strings (undefined when the body is not JSON) */
  json: Record<string, any> | undefined;
}

export interface CallOptions {
  msgid?: string;
  signNo?: string | null;
  /** envelope overrides (undefined deletes a key) */
  env?: Record<string, unknown>;
  /** send this body instead of the envelope */
  raw?: string;
  contentType?: string;
  insuplc?: string;
}

export class Client {
  signNo: string | null = null;
  private seq = 0;
  readonly fixmedins: string;
  readonly opter: string;

  constructor(readonly url: string, readonly core: Core, opts: { fixmedins?: string; opter?: string; now?: () => Date } = {}) {
    this.fixmedins = opts.fixmedins ?? FIXMEDINS;
    this.opter = opts.opter ?? '1001';
    this.now = opts.now ?? (() => new Date());
  }

  private readonly now: () => Date;

  newMsgid(): string {
    this.seq = (this.seq + 1) % 10000;
    return `${this.fixmedins}${ts14(this.now())}${String(this.seq).padStart(4, '0')}`;
  }

  envelope(infno: string, input: unknown, o: CallOptions = {}): Record<string, unknown> {
    const env: Record<string, unknown> = {
      infno,
      msgid: o.msgid ?? this.newMsgid(),
      mdtrtarea_admvs: '510104',
      insuplc_admdvs: o.insuplc ?? '510100',
      recer_sys_code: SICHUAN_MANIFEST.envelope.recer_sys_code,
      dev_no: '',
      dev_safe_info: '',
      cainfo: '',
      signtype: '',
      infver: 'V1.0',
      opter_type: '1',
      opter: this.opter,
      opter_name: '测试操作员',
      inf_time: '2026-11-20 10:00:00',
      fixmedins_code: this.fixmedins,
      fixmedins_name: '四川沙箱测试医院',
      sign_no: o.signNo === undefined ? (this.signNo ?? '') : (o.signNo ?? ''),
      input,
    };
    for (const [k, v] of Object.entries(o.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    return env;
  }

  async post(body: string | FormData, contentType?: string): Promise<CallResult> {
    const headers: Record<string, string> = {};
    if (typeof body === 'string') headers['content-type'] = contentType ?? SICHUAN_MANIFEST.transport.contentType;
    const r = await fetch(this.url + SICHUAN_MANIFEST.transport.path, { method: 'POST', headers, body });
    const bytes = new Uint8Array(await r.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    let json: Record<string, any> | undefined;
    try {
      json = this.core.codec.json.parseExact(text) as Record<string, any>;
    } catch {
      json = undefined;
    }
    return { status: r.status, contentType: r.headers.get('content-type') ?? '', text, bytes, json };
  }

  async call(infno: string, input: unknown, o: CallOptions = {}): Promise<CallResult> {
    const body = o.raw ?? JSON.stringify(this.envelope(infno, input, o));
    return this.post(body, o.contentType);
  }

  /** call() that expects infcode 0 and returns the output. */
  async ok(infno: string, input: unknown, o: CallOptions = {}): Promise<Record<string, any>> {
    const r = await this.call(infno, input, o);
    if (r.json?.['infcode'] !== '0') throw new Error(`${infno} failed: ${r.text}`);
    return r.json['output'] as Record<string, any>;
  }

  async signIn(): Promise<string> {
    const out = await this.ok('9001', { signIn: { opter_no: this.opter, mac: '00-11-22-33-44-55', ip: '127.0.0.1' } }, { signNo: null });
    this.signNo = out['signinoutb']['sign_no'] as string;
    return this.signNo;
  }
}

/** A 2204/2301-style fee line for a catalog code (det_item_fee_sumamt = pric × cnt, rounded to fen). */
export function feeLine(sn: string, code: string, pric: string, cnt: string, more: Record<string, unknown> = {}): Record<string, unknown> {
  const sum = productFen(parseDec(pric)!, parseDec(cnt)!);
  return {
    feedetl_sn: sn,
    fee_ocur_time: '2026-11-20 09:30:00',
    med_list_codg: code,
    medins_list_codg: `HIS-${code.slice(-6)}`,
    medins_list_name: lookupItem(code)?.name ?? '院内项目',
    det_item_fee_sumamt: fmtFen(sum),
    cnt,
    pric,
    bilg_dept_codg: 'A03',
    bilg_dept_name: '内科',
    ...more,
  };
}
