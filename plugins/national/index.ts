/** @module national — 国家医保平台 基线版 family; `createSichuanPlugin` adds the Sichuan 两定 extension. */
import type { CanonicalOp, Plugin, PluginFactory, PluginManifest, PluginOptions } from '../contract.js';
import { SICHUAN_MANIFEST } from './manifest.js';
import { encodeEnvelope, decodeEnvelope } from './envelope.js';
import { YibaoError } from '../../host-node/src/errors.js';

function merge(base: PluginManifest, o: PluginOptions['overrides']): PluginManifest {
  if (!o) return base;
  return {
    ...base,
    envelope: { ...base.envelope, ...o.envelope },
    transport: { ...base.transport, ...o.transport },
    capabilities: { ...base.capabilities, ...o.capabilities },
    quirks: { ...base.quirks, ...o.quirks },
  };
}

/** Builds a national-family plugin from a manifest. */
export function nationalPlugin(manifest: PluginManifest, options: PluginOptions): Plugin {
  const m = merge(manifest, options.overrides);
  const byOp = new Map<CanonicalOp, string[]>();
  for (const [infno, t] of Object.entries(m.transactions)) {
    const list = byOp.get(t.op) ?? [];
    list.push(infno);
    byOp.set(t.op, list);
  }
  return {
    manifest: m,
    encode: (infno, input, ctx) => {
      if (!m.transactions[infno] && !/^[0-9A-Z]{4,6}$/.test(infno)) throw YibaoError.host('BAD_INPUT', `infno ${infno}`);
      return encodeEnvelope(infno, input, ctx, m.envelope);
    },
    decode: (body) => decodeEnvelope(options.core, body),
    infnoFor(op, hint) {
      const list = byOp.get(op);
      if (!list || list.length === 0) throw YibaoError.host('NOT_SUPPORTED', `${m.id}: ${op}`);
      if (hint && list.includes(hint)) return hint;
      const base = list.find((x) => !m.transactions[x].variantOf) ?? list[0];
      if (m.capabilities.preferAVariants) {
        const a = list.find((x) => m.transactions[x].variantOf === base);
        if (a) return a;
      }
      return base;
    },
  };
}

/** Sichuan: national baseline + 两定 extension transactions; A-variants preferred (seed 003 chapter 3). */
export const createSichuanPlugin: PluginFactory = (options) => nationalPlugin(SICHUAN_MANIFEST, options);

/** The plain national baseline (no A-variants, no S/Z transactions). */
export const createNationalPlugin: PluginFactory = (options) =>
  nationalPlugin(
    {
      ...SICHUAN_MANIFEST,
      id: 'national',
      name: '国家医疗保障信息平台（基线版）',
      admdvs: '000000',
      transactions: Object.fromEntries(Object.entries(SICHUAN_MANIFEST.transactions).filter(([, t]) => !t.variantOf && t.op !== 'regional')),
      capabilities: { ...SICHUAN_MANIFEST.capabilities, preferAVariants: false },
    },
    options,
  );

export { SICHUAN_MANIFEST, NATIONAL_TRANSACTIONS, SICHUAN_TRANSACTIONS, CATALOGS, SICHUAN_SANDBOX_POLICY } from './manifest.js';
export { encodeEnvelope, decodeEnvelope } from './envelope.js';
