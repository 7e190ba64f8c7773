/** @module chengdu-jxc — 成都 基础数据采集 (进销存) WebService: one XML string in, one out; batches with per-row results. */
import type { Plugin, PluginFactory, PluginOptions, Reply } from '../contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { InventoryRow } from '../../host-node/src/inventory.js';
import { decodeJxcResponse, encodeJxcRequest, jxcRows } from './codec.js';
import { jxcCredentialsFromEnv, type JxcCredentials } from './client.js';
import { CHENGDU_JXC_MANIFEST, JXC_DEFAULTS, JXC_KINDS, jxcTransactions, type JxcConfig } from './manifest.js';

/**
 * The plugin (contract.ts) for a configuration: `encode(txCode, {rows, credentials?})` builds the request XML
 * (the SOAP method's string parameter; credentials default to YIBAO_JXC_USER / YIBAO_JXC_PASSWORD),
 * `decode(xml)` reads a response: infcode 0 执行成功, 1 本次成功但是部分数据失败, -1 执行失败; output
 * {code, message, failures: [{key (流水号), reason}]}. The client (client.ts) and the uploader use the codec directly.
 */
export function chengduJxcPlugin(options: PluginOptions, cfg: JxcConfig = JXC_DEFAULTS): Plugin {
  const m = {
    ...CHENGDU_JXC_MANIFEST,
    transactions: jxcTransactions(cfg),
    transport: { ...CHENGDU_JXC_MANIFEST.transport, ...options.overrides?.transport },
    quirks: { ...CHENGDU_JXC_MANIFEST.quirks, ...options.overrides?.quirks },
  };
  return {
    manifest: m,
    encode(txCode, input, ctx) {
      const kind = JXC_KINDS.find((k) => cfg.txCodes[k] === txCode);
      if (!kind) throw YibaoError.host('NOT_SUPPORTED', `chengdu-jxc: transaction ${txCode}`);
      const i = (input ?? {}) as { rows?: InventoryRow[]; credentials?: JxcCredentials };
      const creds = i.credentials ?? jxcCredentialsFromEnv();
      if (!creds) throw YibaoError.host('TRANSPORT_CONFIG', 'chengdu-jxc: 交易访问用户 / 交易访问验证码 missing');
      const body = encodeJxcRequest(options.core, cfg, { txCode, user: creds.user, password: creds.password, fixmedins_code: ctx.institution.fixmedins_code, rows: jxcRows(cfg, kind, i.rows ?? []) });
      return { infno: txCode, msgid: ctx.msgid, body, headers: { 'content-type': m.transport.contentType } };
    },
    decode(body): Reply {
      const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
      const r = decodeJxcResponse(options.core, cfg, text);
      const rc = cfg.resultCodes;
      const infcode = r.code === rc.success ? 0 : r.code === rc.partial ? 1 : -1;
      const output = { code: r.code, message: r.message, failures: r.failures };
      return { infcode, err_msg: infcode === 0 ? '' : r.message, warn_msg: '', inf_refmsgid: '', refmsg_time: '', respond_time: '', output, raw: output };
    },
    infnoFor(op, hint) {
      if (op !== 'inventory') throw YibaoError.host('NOT_SUPPORTED', `chengdu-jxc: ${op}`);
      if (hint && m.transactions[hint]) return hint;
      const byKind = hint ? cfg.txCodes[hint as keyof JxcConfig['txCodes']] : undefined;
      return byKind ?? cfg.txCodes.init;
    },
  };
}

export const createChengduJxcPlugin: PluginFactory = (options) => chengduJxcPlugin(options);

export { CHENGDU_JXC_MANIFEST, JXC_DEFAULTS, JXC_KINDS, jxcConfig, jxcTransactions, type JxcConfig, type JxcConfigOverrides, type JxcField, type JxcKind } from './manifest.js';
export { encodeJxcRequest, decodeJxcRequest, encodeJxcResponse, decodeJxcResponse, batchReply, jxcRows, type JxcRequest, type JxcResponse } from './codec.js';
export { JxcClient, createJxcClient, chengduJxcInventory, jxcCredentialsFromEnv, type JxcClientOptions, type JxcCredentials } from './client.js';
