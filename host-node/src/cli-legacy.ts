// `yibao settle|sandbox --region R` for regions outside the national JSON family: the region's plugin
// family names a module (plugins/<region>/cli.ts) that runs its flow through legacy-com-bridge (DLL /
// COM), file exchange … and returns the national FlowResult, printed here exactly like the national path.
// `yibao recover --region R` for these regions resolves the journal through the region's reliable client
// (LegacyRegionCli.reliable); the national family keeps cli-reliable.ts's recoverCommand.
import type { ProtocolFamily } from '../../plugins/contract.js';
import { pluginFactory } from '../../plugins/registry.js';
import { createCore } from './core.js';
import { YibaoError } from './errors.js';
import { loadConfig } from './config.js';
import type { Bill, FlowResult } from './flows.js';
import type { Journal } from './journal-contract.js';
import { hisLedgerOracle, type ReliableClient } from './reliable.js';
import { openCliJournal, cliHisKey } from './cli-reliable.js';
import { renderSettlementSlip } from './slip.js';

/** Flags the legacy families add to the CLI (all take a value). */
export const LEGACY_FLAGS = ['--library', '--node', '--operator', '--timeout', '--dir'];

export interface LegacyCliContext {
  region: string;
  family: ProtocolFamily;
  /** --sandbox: start the region's simulated center (and emulator) for this run */
  sandbox: boolean;
  /** --endpoint: a running sandbox center (as printed by `yibao sandbox --region R`) */
  endpoint?: string;
  /** --library: the vendor library to load (default: the region's emulator) */
  library?: string;
  /** --node: node executable for the bridge child (a 32-bit node.exe for 32-bit vendor DLLs) */
  nodePath?: string;
  /** --operator: 经办人 (default: the configuration's opter_name) */
  operator: string;
  /** --timeout: per vendor call, ms */
  timeoutMs?: number;
  inpatient: boolean;
  verbose: boolean;
  host?: string;
  port?: number;
  /** every flag as given (a family may read its own) */
  one: Map<string, string>;
  bools: Set<string>;
  log: (line: string) => void;
}

export interface LegacyRegionCli {
  /** runs the whole flow for one bill */
  settle(c: LegacyCliContext, bill: Bill): Promise<{ result: FlowResult; centerName: string }>;
  /** starts the region's sandbox; `lines` are printed, the first one `listening URL` */
  sandbox(c: LegacyCliContext): Promise<{ lines: string[]; close(): Promise<void> }>;
  /**
   * the region's reliable (journaled) client on `journal`, reaching the center through c.endpoint (a running
   * sandbox), c.library (the vendor library) or --dir (nanping's exchange folder): `yibao recover`
   */
  reliable?(c: LegacyCliContext, journal: Journal): Promise<{ rc: ReliableClient; close(): Promise<void> }>;
}

/** family → the module implementing it (each legacy family adds its line). */
export const LEGACY_CLI: Partial<Record<ProtocolFamily, () => Promise<LegacyRegionCli>>> = {
  'yinhai-xml': async () => (await import('../../plugins/chengdu/cli.js')).CHENGDU_CLI,
  'chongqing-pipe': async () => (await import('../../plugins/chongqing/cli.js')).CHONGQING_CLI,
  'nanping-ini': async () => (await import('../../plugins/nanping/cli.js')).NANPING_CLI,
  'sichuan-com': async () => (await import('../../plugins/sichuan-com/cli.js')).SICHUAN_COM_CLI,
};

/**
 * region → its module, for families several regions share ('soap': liuzhou, sichuan-xnh, chengdu-slist,
 * chengdu-jxc); looked up before LEGACY_CLI. Each web-service region adds its line.
 */
export const REGION_CLI: Record<string, () => Promise<LegacyRegionCli>> = {
  'chengdu-jxc': async () => (await import('../../plugins/chengdu-jxc/cli.js')).CHENGDU_JXC_CLI,
  liuzhou: async () => (await import('../../plugins/liuzhou/cli.js')).LIUZHOU_CLI,
  'sichuan-xnh': async () => (await import('../../plugins/sichuan-xnh/cli.js')).SICHUAN_XNH_CLI,
  'chengdu-slist': async () => (await import('../../plugins/chengdu-slist/cli.js')).CHENGDU_SLIST_CLI,
};

function loaderFor(region: string, family: ProtocolFamily): (() => Promise<LegacyRegionCli>) | undefined {
  return REGION_CLI[region] ?? LEGACY_CLI[family];
}

interface Parsed {
  one: Map<string, string>;
  bools: Set<string>;
}

function familyOf(region: string): ProtocolFamily {
  return pluginFactory(region)({ core: createCore() }).manifest.family;
}

function context(p: Parsed, region: string, family: ProtocolFamily): LegacyCliContext {
  const cfg = loadConfig(p.one.get('--config'));
  const timeout = p.one.get('--timeout');
  if (timeout !== undefined && !(Number(timeout) > 0)) throw YibaoError.host('USAGE', '--timeout MS');
  const port = p.one.get('--port');
  if (port !== undefined && !(Number.isInteger(Number(port)) && Number(port) >= 0 && Number(port) <= 65535)) throw YibaoError.host('USAGE', '--port N');
  return {
    region, family, sandbox: p.bools.has('--sandbox'), endpoint: p.one.get('--endpoint'), library: p.one.get('--library'), nodePath: p.one.get('--node'),
    operator: p.one.get('--operator') ?? cfg.institution.opter_name, timeoutMs: timeout ? Number(timeout) : cfg.timeoutMs, inpatient: p.bools.has('--inpatient'),
    verbose: p.bools.has('--verbose'), host: p.one.get('--host'), port: port !== undefined ? Number(port) : undefined, one: p.one, bools: p.bools,
    log: (l) => process.stderr.write(l + '\n'),
  };
}

/** `yibao settle` for a legacy region; null when the region is national-family (the caller goes on). */
export async function legacySettle(p: Parsed, bill: Bill): Promise<number | null> {
  const region = p.one.get('--region') ?? 'sichuan';
  const family = familyOf(region);
  const load = loaderFor(region, family);
  if (!load) return null;
  const mod = await load();
  // --his-key: regions with a journaled client settle like the national path, journaled under the HIS key in
  // --state DIR (default .yibao), printed, then committed (--no-commit: left pending for `yibao recover`)
  if (p.one.has('--his-key') && mod.reliable) return settleJournaledLegacy(p, mod, context(p, region, family), bill);
  const { result: r, centerName } = await mod.settle(context(p, region, family), bill);
  if (p.bools.has('--slip')) process.stdout.write(renderSettlementSlip(bill, r, centerName));
  else process.stdout.write(JSON.stringify({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, setlinfo: r.setlinfo }) + '\n');
  return 0;
}

async function settleJournaledLegacy(p: Parsed, mod: LegacyRegionCli, c: LegacyCliContext, bill: Bill & { his_key?: unknown }): Promise<number> {
  let sb: { lines: string[]; close(): Promise<void> } | undefined;
  if (c.sandbox) {
    // the region's sandbox for this run; its first line says where the reliable client reaches it
    sb = await mod.sandbox({ ...c, host: '127.0.0.1', port: 0 });
    const first = sb.lines[0] ?? '';
    const m = /^(listening|watching) (\S+)/.exec(first);
    if (!m) throw YibaoError.host('BAD_INPUT', `sandbox of ${c.region} printed "${first}"`);
    if (m[1] === 'listening') c.endpoint = m[2];
    else c.one.set('--dir', m[2]);
    // the sandbox's test identity (`env K=V` lines: HACCCODE, credentials …) for this run only
    for (const l of sb.lines) {
      const e = /^env ([A-Z0-9_]+)=(.*)$/.exec(l);
      if (e) process.env[e[1]] = e[2];
    }
  }
  try {
    const journal = await openCliJournal(p);
    try {
      const { rc, close } = await mod.reliable!(c, journal);
      try {
        const his_key = p.one.get('--his-key') ?? (typeof bill.his_key === 'string' && bill.his_key ? bill.his_key : cliHisKey());
        const r = await rc.settle({ his_key, bill, inpatient: c.inpatient });
        if (p.bools.has('--slip')) process.stdout.write(renderSettlementSlip(bill, r, pluginFactory(c.region)({ core: createCore() }).manifest.name));
        else process.stdout.write(JSON.stringify({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, setlinfo: r.setlinfo }) + '\n');
        if (!p.bools.has('--no-commit')) await rc.commit(his_key);
      } finally {
        await close();
      }
    } finally {
      await journal.close();
    }
    return 0;
  } finally {
    await sb?.close();
  }
}

/** `yibao sandbox` for a legacy region; null when the region is national-family. */
export async function legacySandbox(p: Parsed, region: string): Promise<number | null> {
  let family: ProtocolFamily;
  try {
    family = familyOf(region);
  } catch {
    return null;
  }
  const load = loaderFor(region, family);
  if (!load) return null;
  const sb = await (await load()).sandbox(context(p, region, family));
  process.stdout.write(sb.lines.map((l) => l + '\n').join(''));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sb.close();
  return 0;
}

/**
 * `yibao recover --region R --state DIR (--sandbox-url URL | --endpoint URL | --library PATH | --dir DIR)
 * [--his-ledger FILE] [--keep-pending]` for a legacy region; null when the region is national-family (the
 * caller runs recoverCommand). Same output and exit codes as the national path: the counts on stdout, one
 * `left:` line per entry left on stderr (e.g. Chongqing / Nanping lost replies: manual), exit 0 / 3.
 */
export async function legacyRecover(p: Parsed): Promise<number | null> {
  const region = p.one.get('--region');
  if (!region) return null;
  let family: ProtocolFamily;
  try {
    family = familyOf(region);
  } catch {
    return null; // the national path reports it
  }
  const load = loaderFor(region, family);
  if (!load) return null;
  const mod = await load();
  if (!mod.reliable) throw YibaoError.host('USAGE', `yibao recover --region ${region}: the region has no journaled client`);
  const c = context(p, region, family);
  c.endpoint ??= p.one.get('--sandbox-url');
  const journal = await openCliJournal(p);
  try {
    const todo = (await journal.unfinished()).length;
    if (todo === 0) {
      process.stdout.write(JSON.stringify({ resolved: 0, confirmed: 0, cancelled: 0, reversed: 0, failed: 0, left: 0 }) + '\n');
      return 0;
    }
    if (!c.endpoint && !c.library && !p.one.get('--dir')) {
      throw YibaoError.host('USAGE', `yibao recover --region ${region}: ${todo} unfinished journal entries need the center: --sandbox-url URL, --endpoint URL, --library PATH${region === 'nanping' ? ' or --dir DIR' : ''}`);
    }
    const ledger = p.one.get('--his-ledger');
    const oracle = ledger ? hisLedgerOracle(ledger) : async () => false;
    const hisCommitted = p.bools.has('--keep-pending') ? async (k: string) => ((await oracle(k)) ? true : null) : oracle;
    const { rc, close } = await mod.reliable(c, journal);
    try {
      const r = await rc.recover({ hisCommitted });
      for (const e of r.errors) process.stderr.write(`left: journal ${e.id} ${e.his_key} ${e.state}: ${e.error}\n`);
      const { errors, ...counts } = r;
      void errors;
      process.stdout.write(JSON.stringify(counts) + '\n');
      return r.left === 0 ? 0 : 3;
    } finally {
      await close();
    }
  } finally {
    await journal.close();
  }
}
