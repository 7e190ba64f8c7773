// Deployment configuration of the Liuzhou plugin. Everything the public specification leaves open is here
// with a documented default (README "Configuration because the public specification is silent"):
// SOAP version / namespace / SOAPAction / paths, the parameters' element names, the DataSet schemas, the
// 消息摘要, the J interface. Credentials (医院代码, 用户, 口令, digest secret) come from the configuration
// file or the environment, never from source.
import { readFileSync } from 'node:fs';
import type { DigestSpec } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { resolveSchemas, type DataSetSchema, type DataSetSchemaOverride } from './schema.js';
import { INTERFACES, type DataSetKind, type InterfaceCode, type PermissionLetter } from './spec.js';

/** Element names of the parameters: pinyin initials (default) or the printed Chinese names. */
export type ParamStyle = 'pinyin' | 'chinese';

/** Pinyin initials of every printed parameter name (the naming style of the interface codes: yhklxgjk = 用户口令修改接口). */
export const PINYIN_PARAM_NAMES: Record<string, string> = {
  医院代码: 'yydm', 用户: 'yh', 口令: 'kl', 原口令: 'ykl', 新口令: 'xkl', 消息摘要: 'xxzy',
  发起用户: 'fqyh', 发起用户口令: 'fqyhkl', 新增用户: 'xzyh', 新增用户口令: 'xzyhkl', 允许访问IP地址: 'yxfwipdz', 访问权限: 'fwqx', 删除用户: 'scyh',
  药品目录数据: 'ypmlsj', 诊疗目录数据: 'zlmlsj', 参合证号: 'chzh', '结算数据(主记录)': 'jssjzjl', '结算数据(明细记录)': 'jssjmxjl',
  门诊编号: 'mzbh', 入院登记数据: 'rydjsj', 住院编号: 'zybh',
};

/** An XML element name from a printed name in the 'chinese' style (parentheses are not allowed in names). */
export const chineseElementName = (zh: string): string => zh.replace(/[()（）,，]/g, '');

export interface DigestConfig {
  /** false: the 消息摘要 parameter is sent empty and not checked */
  enabled: boolean;
  alg: DigestSpec['alg'];
  output: NonNullable<DigestSpec['output']>;
  encoding: NonNullable<DigestSpec['encoding']>;
  joiner: string;
  prefix: string;
  suffix: string;
  /**
   * covered values per interface, in order: printed parameter names and "$secret". Default: every
   * non-DataSet parameter in its printed order except 消息摘要, then "$secret" when a secret is configured.
   */
  fields: Partial<Record<InterfaceCode, string[]>>;
  /** DataSet parameters: 'exclude' (default) or 'rows' (a canonical text of the rows, see digest.ts) */
  dataSets: 'exclude' | 'rows';
  /** shared digest key (YIBAO_XNH_DIGEST_SECRET); absent = no "$secret" in the default fields */
  secret?: string;
}

export interface SoapConfig {
  version: '1.1' | '1.2';
  /** service namespace; ASMX default http://tempuri.org/ */
  ns: string;
  /** SOAPAction template: {ns} and {method}; absent = ASMX rule (ns + method, '/' between when ns lacks one) */
  soapAction?: string;
  timeoutMs: number;
}

export interface LiuzhouConfig {
  soap: SoapConfig;
  paramStyle: ParamStyle;
  /** per interface, the element names in the printed order (overrides paramStyle for that interface) */
  paramNames: Partial<Record<InterfaceCode, string[]>>;
  schemas: Record<DataSetKind, DataSetSchema>;
  digest: DigestConfig;
  /** the J interface (住院结算退费) is not in the public table: used only when enabled (name/params guessed) */
  jInterface: { enabled: boolean; name: string };
  /** letters a server requires per interface (defaults: spec.ts; zysjcxjk and yhklxgjk need none) */
  letters: Partial<Record<InterfaceCode, PermissionLetter | null>>;
  /** 口令强度 a server enforces on new passwords */
  passwordRule: { minLength: number; letterAndDigit: boolean };
  /** URL path of the hospital-hosted service (server role) */
  hisServicePath: string;
}

/** What a deployment may give (every member optional; schemas as name overrides). */
export interface LiuzhouConfigInput {
  soap?: Partial<SoapConfig>;
  paramStyle?: ParamStyle;
  paramNames?: Partial<Record<InterfaceCode, string[]>>;
  schemas?: Partial<Record<DataSetKind, DataSetSchemaOverride>>;
  digest?: Partial<DigestConfig>;
  jInterface?: Partial<LiuzhouConfig['jInterface']>;
  letters?: Partial<Record<InterfaceCode, PermissionLetter | null>>;
  passwordRule?: Partial<LiuzhouConfig['passwordRule']>;
  hisServicePath?: string;
}

export const DEFAULT_SOAP: SoapConfig = { version: '1.1', ns: 'http://tempuri.org/', timeoutMs: 60000 };
export const DEFAULT_DIGEST: DigestConfig = { enabled: true, alg: 'md5', output: 'HEX', encoding: 'utf-8', joiner: '', prefix: '', suffix: '', fields: {}, dataSets: 'exclude' };

export function resolveConfig(i: LiuzhouConfigInput = {}): LiuzhouConfig {
  const c: LiuzhouConfig = {
    soap: { ...DEFAULT_SOAP, ...i.soap },
    paramStyle: i.paramStyle ?? 'pinyin',
    paramNames: { ...i.paramNames },
    schemas: resolveSchemas(i.schemas),
    digest: { ...DEFAULT_DIGEST, ...i.digest, fields: { ...i.digest?.fields } },
    jInterface: { enabled: false, name: 'zyjstfjk', ...i.jInterface },
    letters: { ...i.letters },
    passwordRule: { minLength: 6, letterAndDigit: true, ...i.passwordRule },
    hisServicePath: i.hisServicePath ?? '/HisService.asmx',
  };
  if (c.soap.version !== '1.1' && c.soap.version !== '1.2') throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou soap.version ${String(c.soap.version)}: 1.1 or 1.2`);
  if (c.paramStyle !== 'pinyin' && c.paramStyle !== 'chinese') throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou paramStyle ${String(c.paramStyle)}: pinyin or chinese`);
  for (const [code, names] of Object.entries(c.paramNames)) {
    const spec = (INTERFACES as Record<string, { params: unknown[] } | undefined>)[code];
    if (!spec) throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou paramNames: unknown interface ${code}`);
    if (!Array.isArray(names) || names.length !== spec.params.length || names.some((n) => typeof n !== 'string' || !/^[\p{L}_][\p{L}\p{N}_.-]*$/u.test(n))) {
      throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou paramNames.${code}: ${spec.params.length} XML element names in the printed order`);
    }
  }
  if (!['exclude', 'rows'].includes(c.digest.dataSets)) throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou digest.dataSets: exclude or rows`);
  return c;
}

/** Element names of an interface's parameters, in the printed order. */
export function paramNames(c: LiuzhouConfig, code: InterfaceCode): string[] {
  const given = c.paramNames[code];
  if (given) return given;
  return INTERFACES[code].params.map((p) => (c.paramStyle === 'chinese' ? chineseElementName(p.zh) : PINYIN_PARAM_NAMES[p.zh] ?? chineseElementName(p.zh)));
}

/** The wire name of an interface (the J interface's name is configuration). */
export function methodName(c: LiuzhouConfig, code: InterfaceCode): string {
  return code === 'zyjstfjk' ? c.jInterface.name : code;
}

/** SOAPAction of a method under the configuration. */
export function soapAction(c: LiuzhouConfig, method: string): string {
  if (c.soap.soapAction) return c.soap.soapAction.replace('{ns}', c.soap.ns).replace('{method}', method);
  return c.soap.ns.endsWith('/') ? c.soap.ns + method : `${c.soap.ns}/${method}`;
}

/** The letter a server requires for an interface under the configuration (null = none). */
export function letterFor(c: LiuzhouConfig, code: InterfaceCode): PermissionLetter | null {
  if (code in c.letters) return c.letters[code] ?? null;
  return INTERFACES[code].letter ?? null;
}

/** Connection and credentials of the client role. */
export interface LiuzhouCredentials {
  /** the 农合 service URL (the .asmx) */
  url?: string;
  hospitalCode?: string;
  user?: string;
  password?: string;
}

export interface LiuzhouFileConfig {
  liuzhou?: LiuzhouConfigInput & LiuzhouCredentials;
}

/**
 * Reads the `liuzhou` section of the JSON configuration (--config FILE / YIBAO_CONFIG) and the environment:
 * YIBAO_XNH_URL, YIBAO_XNH_HOSPITAL_CODE, YIBAO_XNH_USER, YIBAO_XNH_PASSWORD, YIBAO_XNH_DIGEST_SECRET
 * (the environment wins over the file).
 */
export function loadLiuzhouConfig(file?: string, env: NodeJS.ProcessEnv = process.env): { config: LiuzhouConfigInput; credentials: LiuzhouCredentials } {
  let section: LiuzhouConfigInput & LiuzhouCredentials = {};
  const path = file ?? env.YIBAO_CONFIG;
  if (path) {
    try {
      section = (JSON.parse(readFileSync(path, 'utf8')) as LiuzhouFileConfig).liuzhou ?? {};
    } catch (e) {
      throw YibaoError.host('IO_ERROR', `config ${path}: ${(e as Error).message}`, e);
    }
  }
  const { url, hospitalCode, user, password, ...config } = section;
  const credentials: LiuzhouCredentials = {
    url: env.YIBAO_XNH_URL ?? url, hospitalCode: env.YIBAO_XNH_HOSPITAL_CODE ?? hospitalCode, user: env.YIBAO_XNH_USER ?? user, password: env.YIBAO_XNH_PASSWORD ?? password,
  };
  if (env.YIBAO_XNH_DIGEST_SECRET) config.digest = { ...config.digest, secret: env.YIBAO_XNH_DIGEST_SECRET };
  return { config, credentials };
}
