/** @module sichuan-com — 四川省城镇居民 2009 COM interface: Call / Confirm / Cancel through a vtable, 98 for uncertain calls. */
import type { CanonicalOp, Plugin, PluginFactory, Reply } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { inputDoc, type Fields } from './codec.js';
import { CANONICAL_ALIASES, SICHUAN_COM_MANIFEST } from './manifest.js';

/**
 * The plugin (contract.ts): `encode` builds the GBK input XML of a transaction (`{fields, rows}`; the
 * body is its text), `decode` reads an output XML (an empty or non-<output> document is infcode -1).
 * appcode/appmsg travel outside the XML: the client (client.ts) handles them and the two phases.
 */
export const createSichuanComPlugin: PluginFactory = (options) => {
  const m = { ...SICHUAN_COM_MANIFEST, transport: { ...SICHUAN_COM_MANIFEST.transport, ...options.overrides?.transport }, quirks: { ...SICHUAN_COM_MANIFEST.quirks, ...options.overrides?.quirks } };
  const byOp = new Map<CanonicalOp, string>();
  for (const [code, t] of Object.entries(m.transactions)) if (!byOp.has(t.op)) byOp.set(t.op, code);
  const plugin: Plugin = {
    manifest: m,
    encode(infno, input, ctx) {
      const i = (input ?? {}) as { fields?: Fields; rows?: Fields[] };
      const bytes = options.core.codec.xml.print(inputDoc(infno, i.fields ?? {}, i.rows ?? []));
      return { infno, msgid: ctx.msgid, body: options.core.gbk.decode(bytes), headers: { 'content-type': m.transport.contentType } };
    },
    decode(body): Reply {
      const bytes = typeof body === 'string' ? options.core.gbk.encode(body) : body;
      const doc = bytes.length ? (options.core.codec.xml.parse(bytes) as Record<string, unknown>) : {};
      const ok = doc.output !== undefined;
      return { infcode: ok ? 0 : -1, err_msg: ok ? '' : 'empty or non-<output> document', warn_msg: '', inf_refmsgid: '', refmsg_time: '', respond_time: '', output: (doc.output ?? {}) as Record<string, unknown>, raw: doc };
    },
    infnoFor(op, hint) {
      if (hint && m.transactions[hint]) return hint;
      const code = byOp.get(op) ?? CANONICAL_ALIASES[op];
      if (!code) throw YibaoError.host('NOT_SUPPORTED', `sichuan-com: ${op}`);
      return code;
    },
  };
  return plugin;
};

export { SICHUAN_COM_MANIFEST, SICHUAN_COM_TRANSACTIONS, CANONICAL_ALIASES } from './manifest.js';
export { TRANSACTIONS as SICHUAN_COM_SPEC, SETTLE_OUT, FEE_ROW_IN, FEE_ROW_OUT } from './spec.js';
export { encodeInput, decodeOutput, inputDoc, outputDoc } from './codec.js';
export { SichuanComClient, createSichuanComClient, type SichuanComClientOptions, type PendingCall } from './client.js';
export { bridgeSiCom, SICOM_FACTORY, SICOM_FUNCTIONS, SICOM_PROTOS, SICOM_BUFFERS, DEFAULT_SLOTS, type SiComInterface, type SiComSlots } from './transport.js';
