// The HIS side of the Chengdu 进销存 service: one SOAP call per batch (the request XML as the method's one
// string parameter, the response XML as its string result), and the adapter that plugs it into the inventory
// uploader (host-node/src/inventory.ts). Credentials come from configuration or the environment, never source.
import type { Core } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { BatchInventoryCenter, BatchReply, InventoryKind, InventoryRow } from '../../host-node/src/inventory.js';
import { createSoapClient } from '../../host-node/src/transport-soap.js';
import { batchReply, decodeJxcResponse, encodeJxcRequest, jxcRows, type JxcResponse } from './codec.js';
import { JXC_DEFAULTS, JXC_KINDS, type JxcConfig, type JxcKind } from './manifest.js';

export interface JxcCredentials {
  /** 交易访问用户 */
  user: string;
  /** 交易访问验证码 */
  password: string;
}

/** Credentials from the environment: YIBAO_JXC_USER, YIBAO_JXC_PASSWORD (undefined when either is missing). */
export function jxcCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): JxcCredentials | undefined {
  const user = env.YIBAO_JXC_USER;
  const password = env.YIBAO_JXC_PASSWORD;
  return user && password ? { user, password } : undefined;
}

export interface JxcClientOptions {
  core: Core;
  /** the service URL as the site configures it (服务器地址) */
  url: string;
  /** 定点机构编码 */
  fixmedins_code: string;
  /** default: jxcCredentialsFromEnv() */
  credentials?: JxcCredentials;
  cfg?: JxcConfig;
  timeoutMs?: number;
  /** one line per call (transaction, rows, result code); never the credentials */
  log?: (line: string) => void;
}

export interface JxcCallResult {
  response: JxcResponse;
  /** the request XML as sent and the reply XML as received (the request's 验证码 masked) */
  request: string;
  raw: string;
}

export class JxcClient {
  readonly cfg: JxcConfig;
  readonly core: Core;
  private readonly creds: JxcCredentials;
  private readonly soap: ReturnType<typeof createSoapClient>;

  constructor(private readonly o: JxcClientOptions) {
    this.core = o.core;
    this.cfg = o.cfg ?? JXC_DEFAULTS;
    const creds = o.credentials ?? jxcCredentialsFromEnv();
    if (!creds?.user || !creds.password) throw YibaoError.host('TRANSPORT_CONFIG', 'chengdu-jxc: 交易访问用户 / 交易访问验证码 missing (configuration or YIBAO_JXC_USER / YIBAO_JXC_PASSWORD)');
    if (!o.fixmedins_code?.trim()) throw YibaoError.host('TRANSPORT_CONFIG', 'chengdu-jxc: 定点机构编码 (fixmedins_code) missing');
    if (!/^https?:\/\//.test(o.url)) throw YibaoError.host('TRANSPORT_CONFIG', `chengdu-jxc: service URL "${o.url}"`);
    this.creds = creds;
    const s = this.cfg.soap;
    this.soap = createSoapClient(o.core, { url: o.url, version: s.version, ns: s.ns, timeoutMs: o.timeoutMs ?? 30000 });
  }

  /** One call with detail rows by tag; the decoded response whatever its code. */
  async call(txCode: string, rows: Record<string, string>[]): Promise<JxcCallResult> {
    const xml = encodeJxcRequest(this.core, this.cfg, { txCode, user: this.creds.user, password: this.creds.password, fixmedins_code: this.o.fixmedins_code, rows });
    const r = await this.soap.call(this.cfg.soap.method, { [this.cfg.soap.param]: xml });
    if (typeof r.result !== 'string') throw YibaoError.host('BAD_REPLY', `chengdu-jxc ${txCode}: <${this.cfg.soap.method}Result> is ${r.result === null ? 'nil' : r.result === undefined ? 'missing' : 'not text'}`);
    const response = decodeJxcResponse(this.core, this.cfg, r.result);
    this.o.log?.(`jxc ${txCode} rows=${rows.length} → ${response.code} ${response.message}${response.failures.length ? ` failed=${response.failures.length}` : ''}`);
    const masked = xml.split(`>${this.creds.password}<`).join('>***<');
    return { response, request: masked, raw: r.result };
  }

  /** One batch of canonical rows of a kind → per-row results (inventory uploader contract). */
  async upload(kind: JxcKind, rows: InventoryRow[]): Promise<BatchReply> {
    const txCode = this.cfg.txCodes[kind];
    const r = await this.call(txCode, jxcRows(this.cfg, kind, rows));
    return { ...batchReply(this.cfg, r.response, rows.map((x) => x.sn.trim())), raw: r.raw, request: r.request };
  }
}

export function createJxcClient(o: JxcClientOptions): JxcClient {
  return new JxcClient(o);
}

/** The uploader's view of the Chengdu center: maxRows per call, the four transactions, per-row results. */
export function chengduJxcInventory(client: JxcClient): BatchInventoryCenter {
  const cfg = client.cfg;
  const isJxc = (k: InventoryKind): k is JxcKind => (JXC_KINDS as string[]).includes(k);
  return {
    type: 'batch',
    region: 'chengdu-jxc',
    maxRows: cfg.maxRows,
    txCodes: Object.fromEntries(JXC_KINDS.map((k) => [k, cfg.txCodes[k]])),
    required: (kind) => (isJxc(kind) ? cfg.fields[kind].filter((f) => f.required).map((f) => f.field) : []),
    send: async ({ kind, rows }) => {
      if (!isJxc(kind)) throw YibaoError.host('NOT_SUPPORTED', `chengdu-jxc: ${kind}`);
      return client.upload(kind, rows.map((r) => r.row));
    },
  };
}
