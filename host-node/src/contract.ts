// The host contract: types only. host-browser mirrors this file; plugins and the CLI program against it.

/** Decimal string (yuan, quantity, ratio) exactly as on the wire, e.g. "12.50", "-2", "0.10". */
export type Decimal = string;
/** Integer amount in fen (分). */
export type Fen = number;

export interface FeeItem {
  feedetl_sn: string;
  med_chrgitm_type: string; // "01".."14"
  chrgitm_lv: '01' | '02' | '03' | string;
  pric: Decimal | number;
  cnt: Decimal | number; // negative for refund lines
  selfpay_prop?: Decimal | number | null;
  pric_uplmt_amt?: Decimal | number | null;
  det_item_fee_sumamt?: Decimal | number | null; // yuan; used instead of pric x cnt when sent
  hosp_appr_flag?: string | null; // "2" = not approved -> 全自费
  hosp_bear_flag?: string | null; // "1" = borne by the hospital (hosp_part_amt)
  med_list_codg?: string;
  name?: string;
  [extra: string]: unknown;
}

export interface PolicyParams {
  insutype: '310' | '390';
  med_type?: string;
  hosp_lv?: string;
  psn_class?: string;
  dedc_std_fen: Fen;
  dedc_scope?: 'annual' | 'per_visit';
  pool_ratio: Decimal;
  pool_annual_cap_fen?: Fen | null;
  big?: { ratio: Decimal; annual_cap_fen?: Fen | null } | null;
  serious_illness?: {
    threshold_fen: Fen;
    annual_cap_fen?: Fen | null;
    segments: { upto_fen: Fen | null; ratio: Decimal }[];
  } | null;
  civil_servant?: { ratio: Decimal } | null;
  medical_aid?: { ratio: Decimal; annual_cap_fen?: Fen | null } | null;
  acct_scope?: 'psn_part' | 'in_scope';
  [extra: string]: unknown;
}

export interface Person {
  ytd_dedc_paid_fen?: Fen;
  ytd_hifp_paid_fen?: Fen;
  ytd_hifob_paid_fen?: Fen;
  ytd_si_base_fen?: Fen;
  ytd_hifmi_paid_fen?: Fen;
  ytd_maf_paid_fen?: Fen;
  acct_balance_fen?: Fen;
  acct_used_flag?: '0' | '1' | string;
  cvlserv_flag?: '0' | '1' | string;
  aid_eligible?: boolean;
  [extra: string]: unknown;
}

export interface PresettleInput {
  params: PolicyParams;
  person: Person;
  fee_items: FeeItem[];
}

export interface ItemResult {
  feedetl_sn: string;
  det_item_fee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_amt: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
}

export interface Setlinfo {
  medfee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_selfpay: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
  act_pay_dedc: Fen;
  hifp_pay: Fen;
  pool_prop_selfpay: Decimal;
  cvlserv_pay: Fen;
  hifes_pay: Fen;
  hifmi_pay: Fen;
  hifob_pay: Fen;
  maf_pay: Fen;
  oth_pay: Fen;
  fund_pay_sumamt: Fen;
  psn_part_amt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
  hosp_part_amt: Fen;
  balc: Fen;
  acct_mulaid_pay: Fen;
}

export interface SetldetailRow {
  fund_pay_type: string;
  fund_pay_type_name: string;
  fund_payamt: Fen;
  inscp_scp_amt: Fen;
}

export interface PresettleResult {
  items: ItemResult[];
  setlinfo: Setlinfo;
  setldetail: SetldetailRow[];
  /** net det_item_fee_sumamt per med_chrgitm_type */
  invoice_categories: Record<string, Fen>;
}

export interface ClassifyResult {
  items: ItemResult[];
  invoice_categories: Record<string, Fen>;
  totals: {
    medfee_sumamt: Fen;
    fulamt_ownpay_amt: Fen;
    overlmt_selfpay: Fen;
    preselfpay_amt: Fen;
    inscp_scp_amt: Fen;
    hosp_part_amt: Fen;
  };
}

export interface FieldCheck {
  name: string;
  type: string; // C(n) CB(n) N(p,s) D DT D8 DT14 T17
  value: unknown;
  required?: boolean;
}

export type ValidateInput =
  | { fields: FieldCheck[] }
  | { schema: Record<string, string>; required?: string[]; data: Record<string, unknown> };

export interface FieldError {
  name: string;
  status: number;
  code: string;
  message_zh: string;
  message_en: string;
  detail?: string;
}

export interface ValidateResult {
  ok: boolean;
  errors: FieldError[];
}

/** JSON form of an XML document: {"<root>": value}; see core-asm/README.md. */
export type XmlJson = { [root: string]: unknown };
/** JSON form of an INI document: section -> {key: value} or list of lines. */
export type IniJson = Record<string, Record<string, string> | string[]>;
/** Records of fields: "a|b$c" -> [["a","b"],["c"]]. */
export type PipeRecords = string[][];

export interface CoreErrorJson {
  status: number;
  code: string;
  message_zh: string;
  message_en: string;
  pos?: number;
  line?: number;
  col?: number;
  detail?: string;
}

export interface CoreVersion {
  name: string;
  version: string;
  abi: number;
}

export interface Codecs {
  json: {
    /** validates and parses (numbers with JS semantics; use normalize to keep exact text) */
    parse(text: string | Uint8Array): unknown;
    /** validates; returns compact JSON with strings and numbers verbatim */
    normalize(text: string | Uint8Array): string;
    /** validates; returns JSON indented by two spaces */
    print(text: string | Uint8Array): string;
    /** validates and parses with every number as its verbatim string ("4.52"): exact money from a center */
    parseExact(text: string | Uint8Array): unknown;
  };
  xml: {
    parse(bytes: Uint8Array | string): XmlJson;
    print(doc: XmlJson, options?: { encoding?: 'GBK' | 'UTF-8' }): Uint8Array;
  };
  ini: {
    parse(bytes: Uint8Array): IniJson;
    print(doc: IniJson): Uint8Array;
  };
  pipe: {
    parse(bytes: Uint8Array): PipeRecords;
    print(records: (string | number)[][]): Uint8Array;
  };
}

export interface Gbk {
  encode(text: string): Uint8Array;
  decode(bytes: Uint8Array): string;
}

/** Bytes, or text hashed as its UTF-8 bytes. */
export type HashInput = string | Uint8Array;

/** Signing primitives computed by the core (ops 60–62); digests are raw bytes, see hex/base64. */
export interface Hash {
  /** SHA-256 (op 60): 32 bytes */
  sha256(input: HashInput): Uint8Array;
  /** HMAC-SHA1 (op 61): 20 bytes */
  hmacSha1(key: HashInput, data: HashInput): Uint8Array;
  /** HMAC-SHA256 (op 62): 32 bytes */
  hmacSha256(key: HashInput, data: HashInput): Uint8Array;
  /** MD5 (op 63): 16 bytes (legacy web-service digests only; never for new designs) */
  md5(input: HashInput): Uint8Array;
  /** SHA-1 (op 64): 20 bytes */
  sha1(input: HashInput): Uint8Array;
  /** hex of bytes, lower case unless 'upper' */
  hex(bytes: Uint8Array, letterCase?: 'lower' | 'upper'): string;
  /** standard base64 with padding (RFC 4648 §4) */
  base64(bytes: Uint8Array): string;
}

/** Protocol families of the transaction state machine (op 70). */
export type TxnProtocol = 'national' | 'yinhai' | 'sichuan-com' | 'chongqing' | 'nanping';
/** Journal states plus `new` (before anything is journaled). */
export type TxnState = 'new' | 'intent' | 'sent' | 'succeeded' | 'failed' | 'unknown' | 'confirmed' | 'cancelled' | 'reversed';
export type TxnEvent =
  | 'begin' | 'sent' | 'reply_ok' | 'reply_error' | 'transport_unknown' | 'recover'
  | 'query_found' | 'query_not_found' | 'query_failed' | 'his_committed' | 'his_aborted'
  | 'confirm_ok' | 'confirm_failed' | 'confirm_refused' | 'cancel_ok' | 'cancel_failed' | 'cancel_refused'
  | 'reverse_ok' | 'reverse_failed' | 'reverse_refused';
/** What the host does next: `none` = nothing now (await the reply or the HIS), `wait` = leave it for the next recovery, `manual` = a person must look. */
export type TxnAction = 'send' | 'query' | 'reverse' | 'cancel' | 'confirm' | 'none' | 'wait' | 'manual';

export interface TxnInput {
  protocol: TxnProtocol;
  state: TxnState;
  event: TxnEvent;
  /** national: the transaction can be undone by 2601 (default true) */
  reversible?: boolean;
  /** the HIS is still waiting for this settlement (not a recovery after a crash); default false */
  his_waiting?: boolean;
}

export interface TxnResult {
  state: TxnState;
  action: TxnAction;
  terminal: boolean;
}

// ---- SOAP / ASMX and .NET DataSet diffgrams (ops 33–36) -------------------------------------------

/** One column of a DataSet table (the inline xs:schema). Types are the xs: names .NET writes. */
export interface DataSetColumn {
  name: string;
  /** xs type without prefix: string (default), decimal, int, long, short, dateTime, boolean, double */
  type?: string;
}

export interface DataSetTable {
  name: string;
  columns: DataSetColumn[];
  /** values as text (decimals verbatim, never floats); null or absent = the column element is omitted (DBNull) */
  rows: Record<string, string | null>[];
}

/** A .NET System.Data.DataSet as it crosses a SOAP boundary: inline schema + diffgr:diffgram rows. */
export interface DataSetJson {
  /** DataSet name (the root under diffgr:diffgram), .NET default "NewDataSet" */
  name: string;
  tables: DataSetTable[];
}

/**
 * A SOAP value. Text; null (xsi:nil); nested elements in key order (an array value = that element repeated:
 * `{ qdinfo: { QDInfoClass: [{…}, {…}] } }`, `{ qdid: { int: ['1', '2'] } }`); or a DataSet. Decoding maps an
 * element with text only to a string, `xsi:nil="true"` to null, an empty element to "", a schema + diffgram
 * element to `{ $dataset }`, repeated child names to an array (a single child stays a single value).
 */
export type SoapValue = string | null | { $dataset: DataSetJson } | { [element: string]: SoapValue | SoapValue[] };

export interface SoapFault {
  /** SOAP 1.1 faultcode / 1.2 Code/Value, e.g. soap:Client, soap:Server (soap12:Sender/Receiver) */
  code: string;
  /** faultstring / Reason/Text */
  reason: string;
  detail?: string;
}

/** One SOAP message: the body's single child element, document/literal (ASMX conventions). */
export interface SoapMessage {
  version: '1.1' | '1.2';
  /** namespace of the body element (ASMX default http://tempuri.org/) */
  ns: string;
  /** local name of the body element: the method (request) or `<method>Response` (reply); absent for a fault */
  name?: string;
  /** the element's children in order */
  value?: { [child: string]: SoapValue | SoapValue[] };
  fault?: SoapFault;
}

export interface SoapCodec {
  /** op 33: the envelope as UTF-8 bytes with an XML declaration */
  encode(msg: SoapMessage): Uint8Array;
  /** op 34: parses an envelope (UTF-8, or GBK when the declaration says so); SOAP_ENVELOPE / DATASET_SHAPE errors */
  decode(bytes: Uint8Array | string): SoapMessage;
}

export interface DataSetCodec {
  /** op 35: the schema + diffgram XML fragment exactly as it sits inside a SOAP parameter */
  encode(ds: DataSetJson): string;
  /** op 36: parses the fragment (or a whole element holding it) */
  decode(xml: string | Uint8Array): DataSetJson;
}

/**
 * A message digest that a deployment configures (Liuzhou 消息摘要: not public). op 65 computes
 * alg(prefix + join(values of fields, in order, plus secret where named) + suffix) over the chosen encoding.
 */
export interface DigestSpec {
  alg: 'md5' | 'sha1' | 'sha256';
  /** names of the values to cover, in order; the name "$secret" stands for the shared secret */
  fields: string[];
  joiner?: string;
  prefix?: string;
  suffix?: string;
  encoding?: 'utf-8' | 'gbk' | 'utf-16le';
  output?: 'hex' | 'HEX' | 'base64';
}

export interface DigestInput {
  spec: DigestSpec;
  values: Record<string, string>;
  secret?: string;
}

// ---- settlement-list quality rules (op 80) --------------------------------------------------------

/** One rule violation of a settlement list (结算清单): fix it before the center rejects the upload. */
export interface SlistViolation {
  /** rule id of the rule table ("2005", "nwb_adm_type_required" …) */
  rule: string;
  /** field name (national 4101 name) */
  field: string;
  /** JSON path of the offending value: setlinfo.ntly, diseinfo[2].diag_code */
  path: string;
  message_zh: string;
  message_en: string;
  /** the offending value as sent (absent when the field is missing) */
  value?: string;
}

export interface SlistCheckInput {
  /** the 4101 / 4101A input: {setlinfo, payinfo[], opspdiseinfo[], diseinfo[], iteminfo[], oprninfo[], icuinfo[], bldinfo[]} */
  list: Record<string, unknown>;
  /** '4101' (default) or '4101A' */
  variant?: '4101' | '4101A';
  /** rule table (data); absent = the core's built-in national table */
  rules?: unknown[];
  /** regional overrides merged over the rule table by rule id (ranges, disabled rules, code lists) */
  overrides?: unknown[];
  /** code tables by name (diagnosis / operation code lists …) that rules refer to */
  codeTables?: Record<string, string[]>;
}

export interface SlistCheckResult {
  ok: boolean;
  violations: SlistViolation[];
  /** number of rules evaluated */
  rules: number;
}

export interface Core {
  version(): CoreVersion;
  presettle(input: PresettleInput): PresettleResult;
  classify(input: { fee_items: FeeItem[] }): ClassifyResult;
  validate(input: ValidateInput): ValidateResult;
  gbk: Gbk;
  codec: Codecs;
  hash: Hash;
  /** The transaction state machine (op 70, core-asm/README.md): next state and action; an illegal event throws TXN_ILLEGAL. */
  txn: { next(input: TxnInput): TxnResult };
  /** SOAP envelopes (ops 33/34) */
  soap: SoapCodec;
  /** .NET DataSet diffgrams (ops 35/36) */
  dataset: DataSetCodec;
  /** configurable message digest (op 65) → text in the spec's output form */
  digest(input: DigestInput): string;
  /** settlement-list quality rules (op 80) */
  slist: { check(input: SlistCheckInput): SlistCheckResult };
  /** One raw ABI call: op code and input bytes in, result bytes out; throws YibaoError. */
  raw(op: number, input: Uint8Array): Uint8Array;
}
