// The plugin contract: types only. A plugin is one factory returning { manifest, ...codec } for one
// region; hosts (host-node, later host-browser and the agent) drive every region through it.
// Canonical operations use the national vocabulary; amounts are integer fen inside the API.

import type { Core } from '../host-node/src/contract.js';

/** Protocol families; each has one codec implementation shared by its regions. */
export type ProtocolFamily = 'national-json' | 'yinhai-xml' | 'sichuan-com' | 'chongqing-pipe' | 'nanping-ini' | 'soap';

/** Canonical operations (national names). `call` with a raw infno covers everything else. */
export type CanonicalOp =
  | 'signIn' | 'signOut'
  | 'identify' | 'institutionInfo' | 'dictionary' | 'treatmentCheck'
  | 'pharmacyPresettle' | 'pharmacySettle' | 'pharmacyCancel'
  | 'register' | 'cancelRegister' | 'uploadVisit' | 'uploadFees' | 'cancelFees'
  | 'presettle' | 'settle' | 'cancelSettle'
  | 'uploadInpatientFees' | 'cancelInpatientFees' | 'inpatientPresettle' | 'inpatientSettle' | 'cancelInpatientSettle'
  | 'admit' | 'discharge' | 'updateAdmission' | 'cancelAdmission' | 'cancelDischarge'
  | 'fileTransfer' | 'fileTransferCancel' | 'fileChronic' | 'fileChronicCancel' | 'fileDesignated' | 'fileDesignatedCancel'
  | 'reverse'
  | 'catalog' | 'fileUpload' | 'fileDownload'
  | 'reconcileTotals' | 'reconcileDetails'
  | 'settlementList'
  /** 进销存 uploads (national 3501–3507, Chengdu 基础数据采集): several transactions, picked by the infnoFor hint (host-node/src/inventory.ts maps kinds) */
  | 'inventory'
  | 'queryVisits' | 'queryDiagnoses' | 'querySettlements' | 'queryFeeDetails' | 'queryChronicDrugs' | 'queryAccumulators'
  | 'queryChronicFilings' | 'queryDesignated' | 'queryInHospital' | 'queryTransfers'
  | 'regional';

export interface TransactionSpec {
  /** canonical operation this transaction implements */
  op: CanonicalOp;
  /** 中文 name from the specification */
  name: string;
  /** moves money: journaled, resolved by query/reversal when the outcome is unknown */
  money?: boolean;
  /** can be undone by 2601 冲正 (seed 003 chapter 2) */
  reversible?: boolean;
  /** input node under `input` ("data", "feedetail", "signIn" ...); absent = free-form */
  inputNode?: string;
  /** the baseline transaction this "A" or regional variant replaces */
  variantOf?: string;
}

export interface EnvelopeDefaults {
  recer_sys_code: string;
  infver: string;
  opter_type: string;
  dev_no?: string;
  signtype?: string;
  /** per-region extra envelope keys (Chongqing: serv_code, serv_sign) */
  extra?: Record<string, string>;
}

export type SigningScheme = 'none' | 'tif' | 'csb';

export interface TransportDefaults {
  /** path appended to the endpoint */
  path: string;
  contentType: string;
  signing: SigningScheme;
  timeoutMs: number;
  /** 9101 style: multipart (NHSA demo) or JSON with base64 bytes */
  uploadStyle: 'multipart' | 'json-base64';
}

export interface Capabilities {
  /** A-variant transactions (2101A, 2203A, 2206A, 2207A, 2303A, 2304A) preferred over the baseline ones */
  preferAVariants: boolean;
  /** multi-bill outpatient settlement by 收费批次号 (chrg_bchno) */
  multiBill: boolean;
  reversal: boolean;
  fileUpload: boolean;
  fileDownload: boolean;
  catalogs: boolean;
}

/**
 * How a 'soap'-family region is reached (ASMX document/literal). The public specifications leave these
 * open, so each is the manifest's default, overridable by the deployment's configuration.
 */
export interface SoapBinding {
  version: '1.1' | '1.2';
  /** namespace of the body elements (ASMX default http://tempuri.org/) */
  ns: string;
  /** URL path of the service appended to the endpoint ('' = the endpoint itself) */
  path: string;
  /** SOAPAction template with {ns} and {method} (ASMX: '{ns}{method}') */
  action: string;
  /** the one method a string-in/string-out service exposes (Chengdu uploads); absent = one method per transaction */
  method?: string;
}

export interface PluginManifest {
  id: string;
  name: string;
  /** 医保区划 of the region (6 digits) */
  admdvs: string;
  family: ProtocolFamily;
  version: string;
  transactions: Record<string, TransactionSpec>;
  envelope: EnvelopeDefaults;
  transport: TransportDefaults;
  capabilities: Capabilities;
  /** documented field quirks of the region (names -> description) */
  quirks: Record<string, string>;
  /** policy parameters the region's sandbox uses (not used for real settlements) */
  sandboxPolicy?: unknown;
  /** 'soap' family: the services by name ('main', 'mztcz' …) with their SOAP version, namespace, path, SOAPAction — the defaults the plugin's configuration starts from */
  soap?: Record<string, SoapBinding>;
}

/** Who is calling: the institution and the operator (configuration, never source). */
export interface Institution {
  fixmedins_code: string;
  fixmedins_name: string;
  mdtrtarea_admvs: string;
  opter: string;
  opter_name: string;
  opter_type?: string;
  mac?: string;
  ip?: string;
}

/** The per-call context a host gives the codec. */
export interface CallContext {
  msgid: string;
  /** yyyy-MM-dd HH:mm:ss */
  infTime: string;
  signNo: string;
  insuplcAdmdvs: string;
  institution: Institution;
}

/** One request on the wire, ready for a transport. */
export interface WireRequest {
  infno: string;
  msgid: string;
  body: string;
  /** extra headers (content type, signatures are added by the transport) */
  headers?: Record<string, string>;
}

/** A decoded response envelope; `output` keeps decimals as strings (never floats). */
export interface Reply<T = Record<string, unknown>> {
  infcode: number;
  err_msg: string;
  warn_msg: string;
  inf_refmsgid: string;
  refmsg_time: string;
  respond_time: string;
  output: T;
  /** the envelope as received (numbers as verbatim strings) */
  raw: Record<string, unknown>;
}

export interface Plugin {
  manifest: PluginManifest;
  /** Builds the request envelope for a transaction. */
  encode(infno: string, input: unknown, ctx: CallContext): WireRequest;
  /** Parses a response body leniently (infcode number or string, nulls, extra keys). */
  decode(body: Uint8Array | string): Reply;
  /** The infno implementing a canonical operation in this region (A-variants when preferred). */
  infnoFor(op: CanonicalOp, hint?: string): string;
}

export interface PluginOptions {
  core: Core;
  /** overrides of the manifest (endpoint path, signing, extra envelope keys ...) */
  overrides?: Partial<Pick<PluginManifest, 'envelope' | 'transport' | 'capabilities' | 'quirks'>>;
}

export type PluginFactory = (options: PluginOptions) => Plugin;

/** Raw HTTP answer of a transport. */
export interface WireResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/** What a host's transport offers the client (HTTP today; file exchange and the bridge later). */
export interface Transport {
  post(req: WireRequest): Promise<WireResponse>;
  upload?(req: WireRequest, file: { name: string; bytes: Uint8Array }): Promise<WireResponse>;
  download?(
    req: WireRequest,
    onProgress?: (received: number, total: number | null) => void,
  ): Promise<{ kind: 'file'; bytes: Uint8Array } | { kind: 'json'; body: Uint8Array }>;
}
