// Card readers: one interface for a social-security card (社保卡), a resident ID card (身份证) and a
// 医保电子凭证 token, with a koffi driver for HeaSecReadInfo-style DLLs chosen by configuration. The DLL
// runs behind a bridge, so a reader driver that hangs (no card, a modal popup) or crashes is contained.
//
// HeaSecReadInfo (national card SDK, seen in openhis WinServiceAPI):
//   int __stdcall Init(const char* pInitInfo /* JSON: IP, PORT, TIMEOUT, LOG_PATH … */, char* pErrMsg /* 2048 */)
//   int __stdcall ReadCardBas(char* pCardInfo /* 2048 */, char* pBusiCardInfo /* 8192 */)
//        pCardInfo = 11 fields joined by '|' (often with a trailing '|'):
//        发卡地区行政区划代码|社会保障号码|卡号|卡识别码|姓名|卡复位信息|规范版本|发卡日期|卡有效期|终端机编号|终端设备号
//        on failure (return ≠ 0) pCardInfo holds the error text
//   int __stdcall ReadSFZ(const char* pPath /* photo dir or NULL */, char* pOutBuff /* 1024 */, char* pOutBusiBuff /* 8192 */)
//        pOutBuff = 姓名|性别|民族|出生日期|地址|公民身份号码|签发机关|有效期起|有效期止|…
// NationECCode (电子凭证):
//   const char* __stdcall NationEcTrans(const char* url, const char* input /* JSON */, char* output /* 20480, JSON */)
//        returns "0000" on success; output {"code":0,"data":{ecToken,idNo,idType,userName,insuOrg…}} (data may be a JSON string)
import type { Core } from '../../host-node/src/contract.js';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { createBridge } from './bridge.js';
import type { Bridge } from './contract.js';

export type CardKind = 'ss_card' | 'id_card' | 'ec_token';

export interface CardReadResult {
  kind: CardKind;
  /** 01 电子凭证 / 02 居民身份证 / 03 社会保障卡 (national mdtrt_cert_type) */
  mdtrt_cert_type: '01' | '02' | '03';
  /** 社保卡: 卡号; 身份证: 公民身份号码; 电子凭证: ecToken */
  mdtrt_cert_no: string;
  /** 社保卡识别码 (national card_sn) */
  card_sn?: string;
  psn_name?: string;
  /** 公民身份号码 (社保卡: 社会保障号码) */
  certno?: string;
  /** 发卡地区 / 参保地 区划 when the card says */
  insuplc_admdvs?: string;
  /** the raw fields as read */
  fields: string[];
}

export interface CardReader {
  /** Reads the configured kind (or `kind`). Rejects with CARD_READ, or BRIDGE_* when the driver hangs/crashes. */
  read(kind?: CardKind): Promise<CardReadResult>;
  close(): Promise<void>;
  readonly bridge: Bridge;
}

export const HEASEC_PROTOTYPES = {
  Init: 'int __stdcall Init(const char* pInitInfo, char* pErrMsg)',
  ReadCardBas: 'int __stdcall ReadCardBas(char* pCardInfo, char* pBusiCardInfo)',
  ReadSFZ: 'int __stdcall ReadSFZ(const char* pPath, char* pOutBuff, char* pOutBusiBuff)',
  NationEcTrans: 'const char* __stdcall NationEcTrans(const char* strUrl, const char* pindata, char* poutdata)',
} as const;

export interface CardReaderConfig {
  driver: 'heasec';
  /** HeaSecReadInfo.dll (or a compatible library) */
  library: string;
  /** what read() reads by default (default ss_card) */
  kind?: CardKind;
  /** Init JSON (IP, PORT, TIMEOUT, LOG_PATH, SFZ_DRIVER_TYPE …), sent once per bridge process */
  init?: Record<string, unknown>;
  /** library exporting NationEcTrans (default: `library`) */
  ecLibrary?: string;
  /** NationEcTrans URL and the request (transType cn.nhsa.qrcode.get, orgId …) */
  ecUrl?: string;
  ecInput?: Record<string, unknown>;
  /** override the prototypes (some vendors export other names or use __cdecl) */
  prototypes?: Partial<Record<keyof typeof HEASEC_PROTOTYPES, string>>;
  /** per-read timeout (a reader waiting for a card forever is killed), default 20000 ms */
  timeoutMs?: number;
  nodePath?: string;
  env?: Record<string, string>;
  cwd?: string;
  core?: Core;
}

const split = (text: string): string[] => {
  const t = text.replace(/\r?\n$/, '');
  const parts = t.split('|');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((p) => p.trim());
};

/** ReadCardBas output → result (11 fields; a shorter record is CARD_READ). */
export function parseCardBas(text: string): CardReadResult {
  const f = split(text);
  if (f.length < 11) throw YibaoError.host('CARD_READ', `ReadCardBas returned ${f.length} fields, expected 11: ${text.slice(0, 200)}`);
  if (!f[2]) throw YibaoError.host('CARD_READ', 'ReadCardBas returned no card number');
  return { kind: 'ss_card', mdtrt_cert_type: '03', mdtrt_cert_no: f[2], card_sn: f[3] || undefined, psn_name: f[4] || undefined, certno: f[1] || undefined, insuplc_admdvs: f[0] || undefined, fields: f };
}

/** ReadSFZ output → result (name … ID number at index 5). */
export function parseSfz(text: string): CardReadResult {
  const f = split(text);
  if (f.length < 6 || !/^\d{17}[\dXx]$/.test(f[5] ?? '')) throw YibaoError.host('CARD_READ', `ReadSFZ returned no ID number: ${text.slice(0, 200)}`);
  const id = f[5].toUpperCase();
  return { kind: 'id_card', mdtrt_cert_type: '02', mdtrt_cert_no: id, certno: id, psn_name: f[0] || undefined, fields: f };
}

function parseEc(text: string): CardReadResult {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw YibaoError.host('CARD_READ', `NationEcTrans output is not JSON: ${text.slice(0, 200)}`);
  }
  if (Number(o.code) !== 0) throw YibaoError.host('CARD_READ', `电子凭证: ${String(o.message ?? o.code)}`);
  const d = (typeof o.data === 'string' ? JSON.parse(o.data) : o.data ?? {}) as Record<string, unknown>;
  const token = String(d.ecToken ?? '');
  if (!token) throw YibaoError.host('CARD_READ', '电子凭证: no ecToken');
  return {
    kind: 'ec_token', mdtrt_cert_type: '01', mdtrt_cert_no: token, psn_name: d.userName ? String(d.userName) : undefined,
    certno: d.idNo ? String(d.idNo) : undefined, insuplc_admdvs: d.insuOrg ? String(d.insuOrg) : undefined, fields: [token],
  };
}

class HeaSecReader implements CardReader {
  readonly bridge: Bridge;
  private readonly ec: Bridge;
  private readonly c: CardReaderConfig;
  private initedAt = -1;

  constructor(c: CardReaderConfig) {
    this.c = c;
    const p = { ...HEASEC_PROTOTYPES, ...c.prototypes };
    const core = c.core ?? createCore();
    const common = { timeoutMs: c.timeoutMs ?? 20000, nodePath: c.nodePath, env: c.env, cwd: c.cwd, core };
    const same = !c.ecLibrary || c.ecLibrary === c.library;
    this.bridge = createBridge({
      ...common, library: c.library, name: 'card-reader',
      functions: same ? { Init: p.Init, ReadCardBas: p.ReadCardBas, ReadSFZ: p.ReadSFZ, NationEcTrans: p.NationEcTrans } : { Init: p.Init, ReadCardBas: p.ReadCardBas, ReadSFZ: p.ReadSFZ },
    });
    this.ec = same ? this.bridge : createBridge({ ...common, library: c.ecLibrary!, name: 'ec-token', functions: { NationEcTrans: p.NationEcTrans } });
  }

  /** Init once per bridge process (a restart loses the DLL's state). */
  private async init(): Promise<void> {
    const starts = this.bridge.stats().starts;
    if (this.initedAt === starts && this.bridge.stats().pid !== null) return;
    const r = await this.bridge.call('Init', [{ gbk: JSON.stringify(this.c.init ?? {}) }, { outBuf: 2048 }]);
    if (r.ret !== 0) throw YibaoError.host('CARD_READ', `Init returned ${r.ret}: ${String(r.out[0])}`);
    this.initedAt = this.bridge.stats().starts;
  }

  async read(kind: CardKind = this.c.kind ?? 'ss_card'): Promise<CardReadResult> {
    if (kind === 'ec_token') {
      const r = await this.ec.call('NationEcTrans', [{ gbk: this.c.ecUrl ?? '' }, { gbk: JSON.stringify(this.c.ecInput ?? { transType: 'cn.nhsa.qrcode.get', data: {} }) }, { outBuf: 20480 }]);
      if (r.retText !== undefined && r.retText !== '0000') throw YibaoError.host('CARD_READ', `NationEcTrans returned ${r.retText}: ${String(r.out[0])}`);
      return parseEc(String(r.out[0]));
    }
    await this.init();
    if (kind === 'id_card') {
      const r = await this.bridge.call('ReadSFZ', [{ null: true }, { outBuf: 1024 }, { outBuf: 8192 }]);
      if (r.ret !== 0) throw YibaoError.host('CARD_READ', `ReadSFZ returned ${r.ret}: ${String(r.out[0])}`);
      return parseSfz(String(r.out[0]));
    }
    const r = await this.bridge.call('ReadCardBas', [{ outBuf: 2048 }, { outBuf: 8192 }]);
    if (r.ret !== 0) throw YibaoError.host('CARD_READ', `ReadCardBas returned ${r.ret}: ${String(r.out[0])}`);
    return parseCardBas(String(r.out[0]));
  }

  async close(): Promise<void> {
    await this.bridge.close();
    if (this.ec !== this.bridge) await this.ec.close();
  }
}

/** Creates the reader the configuration names (today: the HeaSecReadInfo-style driver). */
export function createCardReader(config: CardReaderConfig): CardReader {
  if (config.driver !== 'heasec') throw YibaoError.host('USAGE', `unknown card reader driver ${String((config as { driver?: unknown }).driver)}`);
  if (!config.library) throw YibaoError.host('USAGE', 'card reader: library is required');
  return new HeaSecReader(config);
}
