// `yibao settle|sandbox --region sichuan-xnh`: the bill through SichuanXnhClient over SOAP — against a sandbox
// started for the run (--sandbox), a running one or the real interface server (--endpoint URL, the base URL
// the services' .asmx paths are appended to). Identity: HACCCODE + UID from `--config FILE` (`sichuanXnh`:
// {hacccode, uid, url, config}) or YIBAO_SCXNH_HACCCODE / YIBAO_SCXNH_UID / YIBAO_SCXNH_URL; the sandbox's own test
// authorisation with --sandbox.
import { readFileSync } from 'node:fs';
import type { LegacyCliContext, LegacyRegionCli } from '../../host-node/src/cli-legacy.js';
import { createCore } from '../../host-node/src/core.js';
import { YibaoError } from '../../host-node/src/errors.js';
import { inpatientSettle, outpatientSettle } from '../../host-node/src/flows.js';
import { SichuanXnhClient } from './client.js';
import { SICHUAN_XNH_MANIFEST, type XnhConfig } from './manifest.js';
import type { ToCode } from './spec.js';
import { startSichuanXnhSandbox, type XnhSandbox } from './sandbox/index.js';
import type { Journal } from '../../host-node/src/journal-contract.js';
import { createSichuanXnhReliableClient } from './reliable.js';

export interface XnhRuntimeConfig {
  hacccode?: string;
  uid?: string;
  url?: string;
  operatorName?: string;
  /** deployment configuration over the manifest defaults (classes, services, codes …) */
  config?: Partial<XnhConfig>;
  /** 对码 rows (HIS code → 农合 item) */
  toCode?: ToCode[];
}

/** The `sichuanXnh` section of a configuration file, then the environment (which wins). */
export function loadXnhConfig(file?: string, env: NodeJS.ProcessEnv = process.env): XnhRuntimeConfig {
  let c: XnhRuntimeConfig = {};
  const path = file ?? env.YIBAO_CONFIG;
  if (path) {
    try {
      c = { ...((JSON.parse(readFileSync(path, 'utf8')) as { sichuanXnh?: XnhRuntimeConfig }).sichuanXnh ?? {}) };
    } catch (e) {
      throw YibaoError.host('IO_ERROR', `config ${path}: ${(e as Error).message}`, e);
    }
  }
  if (env.YIBAO_SCXNH_HACCCODE) c.hacccode = env.YIBAO_SCXNH_HACCCODE;
  if (env.YIBAO_SCXNH_UID) c.uid = env.YIBAO_SCXNH_UID;
  if (env.YIBAO_SCXNH_URL) c.url = env.YIBAO_SCXNH_URL;
  return c;
}

export const SICHUAN_XNH_CLI: LegacyRegionCli = {
  async settle(c: LegacyCliContext, bill) {
    const core = createCore();
    const rc = loadXnhConfig(c.one.get('--config'));
    let sandbox: XnhSandbox | undefined;
    let url = c.endpoint ?? rc.url;
    let hacccode = rc.hacccode ?? '';
    let uid = rc.uid ?? '';
    if (c.sandbox) {
      sandbox = await startSichuanXnhSandbox({ core, config: rc.config, log: c.verbose ? (l) => c.log(`  center: ${l}`) : undefined });
      url = sandbox.url;
      ({ hacccode, uid } = sandbox.identity);
    }
    if (!url) throw YibaoError.host('USAGE', 'yibao settle --region sichuan-xnh: --sandbox, or --endpoint URL (YIBAO_SCXNH_URL) with YIBAO_SCXNH_HACCCODE and YIBAO_SCXNH_UID');
    try {
      const client = new SichuanXnhClient({
        core, url, hacccode, uid, operatorName: rc.operatorName ?? c.operator, config: rc.config, toCode: rc.toCode, timeoutMs: c.timeoutMs,
        log: c.verbose ? (e) => c.log(`${e.kind === 'call' ? '→' : e.kind === 'reply' ? '←' : '!'} ${e.fn}${e.detail ? ` ${e.detail}` : ''}`) : undefined,
      });
      const result = c.inpatient ? await inpatientSettle(client, bill) : await outpatientSettle(client, bill);
      return { result, centerName: SICHUAN_XNH_MANIFEST.name };
    } finally {
      await sandbox?.close();
    }
  },

  /** `yibao recover --region sichuan-xnh --endpoint URL --state DIR`: the journaled 门诊统筹 entries (reliable.ts). */
  async reliable(c: LegacyCliContext, journal: Journal) {
    const rc = loadXnhConfig(c.one.get('--config'));
    const url = c.endpoint ?? rc.url;
    if (!url) throw YibaoError.host('USAGE', 'yibao recover --region sichuan-xnh: --endpoint URL / --sandbox-url URL (YIBAO_SCXNH_URL) with YIBAO_SCXNH_HACCCODE and YIBAO_SCXNH_UID');
    const client = new SichuanXnhClient({ core: createCore(), url, hacccode: rc.hacccode ?? '', uid: rc.uid ?? '', operatorName: rc.operatorName ?? c.operator, config: rc.config, toCode: rc.toCode, timeoutMs: c.timeoutMs });
    return { rc: createSichuanXnhReliableClient({ client, journal }), close: () => client.close() };
  },

  async sandbox(c: LegacyCliContext) {
    const rc = loadXnhConfig(c.one.get('--config'));
    const sb = await startSichuanXnhSandbox({ host: c.host ?? '127.0.0.1', port: c.port ?? 0, config: rc.config, log: c.verbose ? c.log : undefined });
    return {
      lines: [
        `listening ${sb.url}`, `service main ${sb.urls.main}`, `service mztcz ${sb.urls.mztcz}`,
        `env YIBAO_SCXNH_HACCCODE=${sb.identity.hacccode}`, `env YIBAO_SCXNH_UID=${sb.identity.uid}`,
      ],
      close: () => sb.close(),
    };
  },
};
