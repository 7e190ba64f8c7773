/** @module nanping — 南平 (福建巨龙) INI file exchange: Temp.txt → Request.txt, Reply.txt with Reply=TRUE. */
import type { CanonicalOp, Plugin, PluginFactory, Reply } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { requestDoc, type DetailItem } from './codec.js';
import { NANPING_MANIFEST } from './manifest.js';

/**
 * The plugin (contract.ts): `encode` builds the INI request of a transaction (`{values, items, extra}`),
 * `decode` reads any reply generically (Success → infcode 0/-1, Error → err_msg, sections → output).
 * The client (client.ts) uses the typed codec and the request/reply checks directly.
 */
export const createNanpingPlugin: PluginFactory = (options) => {
  const m = { ...NANPING_MANIFEST, transport: { ...NANPING_MANIFEST.transport, ...options.overrides?.transport }, quirks: { ...NANPING_MANIFEST.quirks, ...options.overrides?.quirks } };
  const byOp = new Map<CanonicalOp, string>();
  for (const [tx, t] of Object.entries(m.transactions)) if (!byOp.has(t.op)) byOp.set(t.op, tx);
  const plugin: Plugin = {
    manifest: m,
    encode(infno, input, ctx) {
      const i = (input ?? {}) as { values?: Record<string, string>; items?: DetailItem[]; extra?: Record<string, string> };
      const bytes = options.core.codec.ini.print(requestDoc(options.core, infno, i.values ?? {}, i.items ?? [], i.extra ?? {}));
      return { infno, msgid: ctx.msgid, body: options.core.gbk.decode(bytes), headers: { 'content-type': m.transport.contentType } };
    },
    decode(body): Reply {
      const bytes = typeof body === 'string' ? options.core.gbk.encode(body) : body;
      const doc = options.core.codec.ini.parse(bytes);
      const first = Object.values(doc)[0];
      const keys = new Map(Object.entries(first && !Array.isArray(first) ? first : {}).map(([k, v]) => [k.toLowerCase(), v]));
      const ok = (keys.get('success') ?? '').toUpperCase() === 'TRUE';
      return { infcode: ok ? 0 : -1, err_msg: ok ? '' : keys.get('error') ?? '', warn_msg: '', inf_refmsgid: '', refmsg_time: '', respond_time: '', output: doc, raw: doc };
    },
    infnoFor(op, hint) {
      if (hint && m.transactions[hint]) return hint;
      const tx = byOp.get(op);
      if (!tx) throw YibaoError.host('NOT_SUPPORTED', `nanping: ${op}`);
      return tx;
    },
  };
  return plugin;
};

export { NANPING_MANIFEST, NANPING_TRANSACTIONS } from './manifest.js';
export { TRANSACTIONS as NANPING_SPEC, KEYS as NANPING_KEYS, DETAIL_LINES, REPLY_DETAIL_LINES } from './spec.js';
export { encodeRequest, decodeReply, checkReply, requestDoc, replyDoc, readRequest, ReplyIncomplete, type DetailItem, type ReplyItem, type NpReply } from './codec.js';
export { FileExchange, FILES, type FileExchangeOptions } from './exchange.js';
export { NanpingClient, createNanpingClient, type NanpingClientOptions } from './client.js';
