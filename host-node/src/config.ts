// Runtime configuration: institution, operator and gateway credentials come from a JSON file
// (--config FILE or YIBAO_CONFIG) and the environment, never from source.
import { readFileSync } from 'node:fs';
import type { Institution } from '../../plugins/contract.js';
import { YibaoError } from './errors.js';

export interface RuntimeConfig {
  institution: Institution;
  /** gateway credentials (TIF / CSB); secrets normally from the environment (YIBAO_TIF_SECRET, YIBAO_CSB_SECRET ...) */
  credentials: { paasid?: string; secret?: string; accessKey?: string; apiVersion?: string };
  timeoutMs?: number;
}

/** The institution the sandbox knows; used when no configuration is given and the target is a sandbox. */
export const SANDBOX_INSTITUTION: Institution = {
  fixmedins_code: 'H51010000001',
  fixmedins_name: 'yibao 沙箱测试医院',
  mdtrtarea_admvs: '510100',
  opter: '0001',
  opter_name: '收费员一',
  opter_type: '1',
  mac: '00-00-00-00-00-01',
  ip: '127.0.0.1',
};

export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  let fromFile: Partial<RuntimeConfig> = {};
  const path = file ?? env.YIBAO_CONFIG;
  if (path) {
    try {
      fromFile = JSON.parse(readFileSync(path, 'utf8')) as Partial<RuntimeConfig>;
    } catch (e) {
      throw YibaoError.host('IO_ERROR', `config ${path}: ${(e as Error).message}`, e);
    }
  }
  const i = { ...SANDBOX_INSTITUTION, ...(fromFile.institution ?? {}) };
  if (env.YIBAO_FIXMEDINS_CODE) i.fixmedins_code = env.YIBAO_FIXMEDINS_CODE;
  if (env.YIBAO_FIXMEDINS_NAME) i.fixmedins_name = env.YIBAO_FIXMEDINS_NAME;
  if (env.YIBAO_ADMVS) i.mdtrtarea_admvs = env.YIBAO_ADMVS;
  if (env.YIBAO_OPTER) i.opter = env.YIBAO_OPTER;
  if (env.YIBAO_OPTER_NAME) i.opter_name = env.YIBAO_OPTER_NAME;
  return {
    institution: i,
    // gateway secrets: the file, else the transport reads YIBAO_TIF_* / YIBAO_CSB_* from the environment
    credentials: { ...(fromFile.credentials ?? {}) },
    timeoutMs: fromFile.timeoutMs,
  };
}
