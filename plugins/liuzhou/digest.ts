// The 消息摘要 of a Liuzhou call: computed by the core (op 65, core.digest) from a DigestSpec the deployment
// configures. The real definition is not public; the default (config.ts DEFAULT_DIGEST) is a PLACEHOLDER:
//   MD5, upper-case hex, over the UTF-8 text of every non-DataSet parameter in the printed order (消息摘要
//   itself excluded), concatenated without separator, followed by the shared secret when one is configured.
// DataSet parameters are excluded by default: a digest over .NET's DataSet.GetXml() text cannot be reproduced
// outside .NET without its exact serialisation. dataSets: 'rows' covers them through a canonical text of the
// rows instead (below), which both sides must then compute the same way.
import type { Core, DataSetJson, DigestSpec } from '../../host-node/src/contract.js';
import type { DigestConfig, LiuzhouConfig } from './config.js';
import { INTERFACES, type InterfaceCode } from './spec.js';

/** One parameter value: text or a DataSet. */
export type ParamValue = string | DataSetJson;

/**
 * Canonical text of a DataSet for dataSets: 'rows': tables in order, each row's cells in the table's column
 * order (an absent cell = empty), cells joined by ",", rows by ";", tables by "#". Values are used verbatim.
 */
export function dataSetText(ds: DataSetJson): string {
  return ds.tables.map((t) => t.rows.map((r) => t.columns.map((c) => r[c.name] ?? '').join(',')).join(';')).join('#');
}

/** Covered fields of an interface under the configuration (printed names and "$secret"). */
export function digestFields(d: DigestConfig, code: InterfaceCode): string[] {
  const given = d.fields[code];
  if (given) return given;
  const names = INTERFACES[code].params.filter((p) => !p.digest && (d.dataSets === 'rows' || !p.dataset)).map((p) => p.zh);
  return d.secret !== undefined && d.secret !== '' ? [...names, '$secret'] : names;
}

/** The digest over the named values (printed names → text or DataSet); '' when digests are disabled. */
export function computeDigest(core: Core, c: LiuzhouConfig, code: InterfaceCode, values: Record<string, ParamValue | undefined>): string {
  const d = c.digest;
  if (!d.enabled) return '';
  const fields = digestFields(d, code);
  const text: Record<string, string> = {};
  for (const f of fields) {
    if (f === '$secret') continue;
    const v = values[f];
    text[f] = v === undefined ? '' : typeof v === 'string' ? v : dataSetText(v);
  }
  const spec: DigestSpec = { alg: d.alg, fields, joiner: d.joiner, prefix: d.prefix, suffix: d.suffix, encoding: d.encoding, output: d.output };
  return core.digest({ spec, values: text, ...(fields.includes('$secret') ? { secret: d.secret ?? '' } : {}) });
}

/** Constant-shape comparison of a received digest with the expected one (hex compared case-sensitively as configured). */
export function digestMatches(expected: string, received: string): boolean {
  if (expected.length !== received.length) return false;
  let x = 0;
  for (let i = 0; i < expected.length; i++) x |= expected.charCodeAt(i) ^ received.charCodeAt(i);
  return x === 0;
}
