// Parameters and results of the Liuzhou interfaces on the SOAP wire (document/literal, ASMX conventions).
// Values are named by their printed Chinese names inside yibao; element names come from the configuration.
// The envelope and DataSet diffgram XML are built and parsed by the core (ops 33–36).
import type { Core, DataSetJson, SoapMessage, SoapValue } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { methodName, paramNames, soapAction, type LiuzhouConfig } from './config.js';
import { computeDigest, type ParamValue } from './digest.js';
import { INTERFACES, type InterfaceCode, type InterfaceSpec } from './spec.js';

export type SoapParams = Record<string, SoapValue | SoapValue[]>;

const isDataSet = (v: unknown): v is { $dataset: DataSetJson } => !!v && typeof v === 'object' && '$dataset' in (v as object);

/**
 * The SOAP children of a request, in the printed order. The 消息摘要 is computed (core.digest) unless the
 * caller gives one. A DataSet parameter without a value is sent as xsi:nil; a text parameter as "".
 */
export function requestParams(core: Core, c: LiuzhouConfig, code: InterfaceCode, values: Record<string, ParamValue | undefined>): SoapParams {
  const spec = INTERFACES[code];
  const names = paramNames(c, code);
  const out: SoapParams = {};
  spec.params.forEach((p, i) => {
    const name = names[i]!;
    if (p.digest) {
      out[name] = values[p.zh] !== undefined ? String(values[p.zh]) : computeDigest(core, c, code, values);
      return;
    }
    const v = values[p.zh];
    if (p.dataset) {
      if (v !== undefined && typeof v === 'string') throw YibaoError.host('BAD_INPUT', `liuzhou ${code} ${p.zh}: a DataSet is expected`);
      out[name] = v === undefined ? null : { $dataset: v };
    } else {
      if (v !== undefined && typeof v !== 'string') throw YibaoError.host('BAD_INPUT', `liuzhou ${code} ${p.zh}: text is expected`);
      out[name] = v ?? '';
    }
  });
  return out;
}

/**
 * Server side: the received children → values by printed name (text, DataSet, or undefined when absent /
 * xsi:nil). Element names are matched as configured, then case-insensitively. A repeated parameter, nested
 * elements where text is expected, or text where a DataSet is expected is XNH_SCHEMA.
 */
export function readParams(c: LiuzhouConfig, code: InterfaceCode, params: SoapParams): Record<string, ParamValue | undefined> {
  const spec = INTERFACES[code];
  const names = paramNames(c, code);
  const lower = new Map(Object.entries(params ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const out: Record<string, ParamValue | undefined> = {};
  spec.params.forEach((p, i) => {
    const name = names[i]!;
    const v = name in (params ?? {}) ? params[name] : lower.get(name.toLowerCase());
    if (v === undefined || v === null) return;
    if (Array.isArray(v)) throw YibaoError.host('XNH_SCHEMA', `${code}: 参数 ${name}（${p.zh}）重复 / parameter given more than once`);
    if (p.dataset) {
      if (isDataSet(v)) out[p.zh] = v.$dataset;
      else if (v === '') return;
      else throw YibaoError.host('XNH_SCHEMA', `${code}: 参数 ${name}（${p.zh}）不是DataSet / not a DataSet`);
    } else {
      if (typeof v !== 'string') throw YibaoError.host('XNH_SCHEMA', `${code}: 参数 ${name}（${p.zh}）应为文本 / text expected`);
      out[p.zh] = v;
    }
  });
  return out;
}

/** The answer of a call by the protocol's convention. */
export type CallOutcome = { kind: 'string'; text: string } | { kind: 'dataset'; dataset: DataSetJson | null };

/**
 * The `<method>Result` of a reply read by the interface's convention: string ("" or absent/nil = 空 =
 * success; text = the failure message) or DataSet (absent/nil = Null = failure). Any other shape is BAD_REPLY.
 */
export function readResult(spec: InterfaceSpec, result: SoapValue | undefined): CallOutcome {
  if (spec.returns.kind === 'string') {
    if (result === undefined || result === null) return { kind: 'string', text: '' };
    if (typeof result !== 'string') throw YibaoError.host('BAD_REPLY', `${spec.code}Result: text expected, got elements`);
    return { kind: 'string', text: result };
  }
  if (result === undefined || result === null) return { kind: 'dataset', dataset: null };
  if (isDataSet(result)) return { kind: 'dataset', dataset: result.$dataset };
  throw YibaoError.host('BAD_REPLY', `${spec.code}Result: DataSet expected, got ${typeof result === 'string' ? `text "${result.slice(0, 80)}"` : 'elements without a DataSet schema/diffgram'}`);
}

/** The result value a server puts in `<method>Result` (undefined = omitted, what ASMX does for a null DataSet). */
export function resultValue(outcome: CallOutcome): SoapValue | undefined {
  if (outcome.kind === 'string') return outcome.text;
  return outcome.dataset ? { $dataset: outcome.dataset } : undefined;
}

/** A whole request message (the plugin's encode uses it; the client goes through transport-soap). */
export function requestMessage(core: Core, c: LiuzhouConfig, code: InterfaceCode, values: Record<string, ParamValue | undefined>): { message: SoapMessage; action: string } {
  const method = methodName(c, code);
  return { message: { version: c.soap.version, ns: c.soap.ns, name: method, value: requestParams(core, c, code, values) }, action: soapAction(c, method) };
}

/** The interface a wire method name designates under the configuration. */
export function interfaceOf(c: LiuzhouConfig, method: string): InterfaceCode | undefined {
  if (c.jInterface.enabled && method === c.jInterface.name) return 'zyjstfjk';
  return (Object.keys(INTERFACES) as InterfaceCode[]).find((k) => k === method && k !== 'zyjstfjk');
}
