// `yibao inventory …`: 进销存 uploads through the durable inventory queue (inventory.ts).
//   upload --region R --kind K FILE --state DIR (--endpoint URL | --sandbox)   enqueue FILE's rows, then drain
//   drain  --region R --state DIR (--endpoint URL | --sandbox)                 send what waits (after an outage)
//   status --region R --state DIR [--kind K]                                   every row with its status and reason
// R: sichuan | national (3501–3507, one record per call) | chengdu-jxc (batched web service).
// FILE: a JSON array of rows ({sn, med_list_codg, hilist_id, hilist_name, pric, cnt, time, …}, decimals as text)
// or {"rows": [...]}. Prints the drain summary as JSON; one `rejected: SN reason` / `retry: SN reason` line per
// unfinished row on stderr. Exit 0 when every row is ok, 3 when rows were rejected or still wait.
import { readFileSync } from 'node:fs';
import { createCore } from './core.js';
import { YibaoError } from './errors.js';
import { loadConfig } from './config.js';
import { createClient } from './client.js';
import { createHttpTransport } from './transport-http.js';
import { openState } from './state.js';
import { INVENTORY_KINDS, nationalInventory, openInventoryQueue, type DrainSummary, type InventoryCenter, type InventoryKind, type InventoryRow } from './inventory.js';
import { pluginFactory } from '../../plugins/registry.js';

const VALUE_FLAGS = new Set(['--region', '--kind', '--state', '--endpoint', '--config', '--timeout']);

interface Args {
  positional: string[];
  one: Map<string, string>;
  bools: Set<string>;
}

function parse(argv: string[]): Args {
  const a: Args = { positional: [], one: new Map(), bools: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (!x.startsWith('--')) a.positional.push(x);
    else if (VALUE_FLAGS.has(x)) {
      const v = argv[++i];
      if (v === undefined) throw YibaoError.host('USAGE', `${x} needs a value`);
      a.one.set(x, v);
    } else a.bools.add(x);
  }
  return a;
}

function readRows(file: string): InventoryRow[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (e) {
    throw YibaoError.host('IO_ERROR', `${file}: ${(e as Error).message}`, e);
  }
  const rows = Array.isArray(data) ? data : (data as { rows?: unknown })?.rows;
  if (!Array.isArray(rows)) throw YibaoError.host('BAD_INPUT', `${file}: expected a JSON array of rows or {"rows": [...]}`);
  return rows as InventoryRow[];
}

/** The center of the region, and what must be closed after the run. */
async function connect(a: Args, region: string): Promise<{ center: InventoryCenter; close(): Promise<void> }> {
  const core = createCore();
  const cfg = loadConfig(a.one.get('--config'));
  const timeout = a.one.get('--timeout') ? Number(a.one.get('--timeout')) : cfg.timeoutMs;
  let endpoint = a.one.get('--endpoint');
  if (region === 'chengdu-jxc') {
    const { createJxcClient, chengduJxcInventory } = await import('../../plugins/chengdu-jxc/index.js');
    let close = async () => undefined as void;
    let credentials;
    if (a.bools.has('--sandbox')) {
      const { startJxcSandbox } = await import('../../plugins/chengdu-jxc/sandbox/server.js');
      const { JXC_SANDBOX_CREDENTIALS } = await import('../../plugins/chengdu-jxc/sandbox/center.js');
      const sb = await startJxcSandbox({ core });
      endpoint = sb.url;
      credentials = JXC_SANDBOX_CREDENTIALS;
      close = () => sb.close();
    }
    if (!endpoint) throw YibaoError.host('USAGE', 'yibao inventory --region chengdu-jxc: --endpoint URL (the service URL) or --sandbox');
    const client = createJxcClient({ core, url: endpoint, fixmedins_code: cfg.institution.fixmedins_code, credentials, timeoutMs: timeout });
    return { center: chengduJxcInventory(client), close };
  }
  const plugin = pluginFactory(region)({ core });
  if (plugin.manifest.family !== 'national-json') throw YibaoError.host('NOT_SUPPORTED', `yibao inventory: region ${region} (sichuan, national, chengdu-jxc)`);
  let close = async () => undefined as void;
  if (a.bools.has('--sandbox')) {
    const { startSandbox } = await import('../../plugins/national/sandbox/server.js');
    const sb = await startSandbox({ region: 'sichuan' });
    endpoint = sb.url;
    close = () => sb.close();
  }
  if (!endpoint) throw YibaoError.host('USAGE', `yibao inventory --region ${region}: --endpoint URL or --sandbox`);
  const t = plugin.manifest.transport;
  const transport = createHttpTransport({ endpoint, path: t.path, contentType: t.contentType, signing: t.signing, timeoutMs: timeout ?? t.timeoutMs, core, credentials: cfg.credentials });
  const client = createClient({ plugin, transport, core, institution: cfg.institution, state: openState(a.one.get('--state')!) });
  return { center: nationalInventory(client), close };
}

function report(s: DrainSummary, unfinished: { sn: string; status: string; reason: string | null }[]): number {
  process.stdout.write(JSON.stringify(s) + '\n');
  for (const r of unfinished) process.stderr.write(`${r.status}: ${r.sn} ${r.reason ?? ''}\n`);
  if (!unfinished.length) return 0;
  const code = unfinished.some((r) => r.status === 'rejected') ? (s.ok > 0 ? 'INVENTORY_PARTIAL' : 'INVENTORY_REJECTED') : 'INVENTORY_PENDING';
  process.stderr.write(JSON.stringify(YibaoError.host(code, `${unfinished.length} rows not applied`).toJSON()) + '\n');
  return 3;
}

export async function inventoryCommand(argv: string[]): Promise<number> {
  const a = parse(argv);
  const [sub, file] = a.positional;
  const region = a.one.get('--region') ?? 'sichuan';
  const state = a.one.get('--state');
  if (!state) throw YibaoError.host('USAGE', 'yibao inventory: --state DIR (the queue lives in DIR/inventory.db)');
  const kindArg = a.one.get('--kind');
  if (kindArg && !(kindArg in INVENTORY_KINDS)) throw YibaoError.host('USAGE', `--kind ${Object.keys(INVENTORY_KINDS).join('|')}`);
  const kind = kindArg as InventoryKind | undefined;
  switch (sub) {
    case 'upload':
    case 'drain': {
      if (sub === 'upload' && (!kind || !file)) throw YibaoError.host('USAGE', 'yibao inventory upload --region R --kind K FILE --state DIR (--endpoint URL | --sandbox)');
      const rows = sub === 'upload' ? readRows(file!) : [];
      const { center, close } = await connect(a, region);
      const q = openInventoryQueue({ dir: state, center });
      try {
        const enq = sub === 'upload' ? await q.enqueue(kind!, rows) : [];
        const s = await q.drain();
        const mine = new Set(enq.map((e) => e.rowId));
        const unfinished = q
          .results(undefined, { status: ['rejected', 'retry', 'pending', 'sent'] })
          .filter((r) => sub === 'drain' || mine.has(r.rowId))
          .map((r) => ({ sn: r.sn, status: r.status as string, reason: r.reason }));
        for (const e of enq) if (e.rowId === null) unfinished.push({ sn: e.sn, status: 'rejected', reason: e.reason ?? null });
        return report(s, unfinished);
      } finally {
        q.close();
        await close();
      }
    }
    case 'status': {
      // read only: the rows as the last drain left them (no center needed)
      const center: InventoryCenter = { type: 'batch', region, maxRows: 1, txCodes: {}, required: () => [], send: async () => Promise.reject(YibaoError.host('NOT_SUPPORTED', 'status only')) };
      const q = openInventoryQueue({ dir: state, center });
      try {
        const rows = q.results(kind).map((r) => ({ rowId: r.rowId, kind: r.kind, sn: r.sn, status: r.status, reason: r.reason, alreadyApplied: r.alreadyApplied, attempts: r.attempts, nextAttemptAt: r.nextAttemptAt }));
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return 0;
      } finally {
        q.close();
      }
    }
    default:
      throw YibaoError.host('USAGE', 'yibao inventory upload|drain|status');
  }
}
