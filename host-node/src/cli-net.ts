// CLI commands that talk to a center: call, settle, sandbox, catalog sync.
import { readFileSync } from 'node:fs';
import { regionOverrides } from './slist.js';
import { createCore } from './core.js';
import { YibaoError } from './errors.js';
import { createClient, type Client } from './client.js';
import { createHttpTransport } from './transport-http.js';
import { openState } from './state.js';
import { loadConfig } from './config.js';
import type { Bill } from './flows.js';
import { openCatalogDb, syncCatalog, renderProgress } from './catalog.js';
import { renderSettlementSlip } from './slip.js';
import { pluginFactory } from '../../plugins/registry.js';
import { startSandbox, parseFault, type Sandbox } from '../../plugins/national/sandbox/server.js';
import { OPS_FLAGS, reconcileCommand, agentCommand } from './cli-ops.js';
import { nodeState, parseNode } from './agent/msgid-node.js';
import { RELIABLE_FLAGS, settleJournaled, recoverCommand, journalCommand } from './cli-reliable.js';
import { LEGACY_FLAGS, legacySettle, legacySandbox, legacyRecover } from './cli-legacy.js';

export const NET_COMMANDS = new Set(['call', 'settle', 'sandbox', 'catalog', 'reconcile', 'agent', 'recover', 'journal']);

interface Parsed {
  positional: string[];
  one: Map<string, string>;
  many: Map<string, string[]>;
  bools: Set<string>;
}

const VALUE_FLAGS = new Set(['--region', '--endpoint', '--input', '--state', '--bill', '--port', '--fault', '--db', '--config', '--host', '--slist-reply', ...OPS_FLAGS, ...RELIABLE_FLAGS, ...LEGACY_FLAGS]);

function parse(argv: string[]): Parsed {
  const p: Parsed = { positional: [], one: new Map(), many: new Map(), bools: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      if (VALUE_FLAGS.has(name)) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw YibaoError.host('USAGE', `${name} needs a value`);
        p.one.set(name, v);
        p.many.set(name, [...(p.many.get(name) ?? []), v]);
      } else p.bools.add(name);
    } else p.positional.push(a);
  }
  return p;
}

function readFileArg(file: string | undefined, what: string): Buffer {
  if (!file) throw YibaoError.host('USAGE', `missing ${what}`);
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    throw YibaoError.host('IO_ERROR', `${file}: ${(e as Error).message}`, e);
  }
}

function makeClient(p: Parsed, endpoint: string): Client {
  return clientFactory(p, endpoint)();
}

/** Clients sharing one core, plugin, transport and state (the agent makes one per request). */
function clientFactory(p: Parsed, endpoint: string): () => Client {
  const verbose = p.bools.has('--verbose');
  const region = p.one.get('--region') ?? 'sichuan';
  const core = createCore();
  const plugin = pluginFactory(region)({ core });
  const cfg = loadConfig(p.one.get('--config'));
  const t = plugin.manifest.transport;
  const transport = createHttpTransport({
    endpoint, path: t.path, contentType: t.contentType, signing: t.signing, timeoutMs: cfg.timeoutMs ?? t.timeoutMs, core, credentials: cfg.credentials,
  });
  const state = nodeState(openState(p.one.get('--state') ?? '.yibao'), parseNode(p.one.get('--node')));
  const names = plugin.manifest.transactions;
  const log: Parameters<typeof createClient>[0]['log'] = verbose
    ? (e) => {
        if (e.kind === 'request') process.stderr.write(`→ ${e.infno.padEnd(5)} ${names[e.infno]?.name ?? ''}  msgid ${e.msgid}\n`);
        else if (e.kind === 'reply') {
          const b = e.body as Record<string, unknown>;
          process.stderr.write(`← ${e.infno.padEnd(5)} infcode ${String(b.infcode)}${b.err_msg ? ' ' + String(b.err_msg) : ''}${b.warn_msg ? ' (' + String(b.warn_msg) + ')' : ''}\n`);
        }
      }
    : undefined;
  return () => createClient({ plugin, transport, core, institution: cfg.institution, state, log });
}

export async function netCommand(argv: string[]): Promise<number> {
  const p = parse(argv);
  const [cmd, arg1, arg2] = p.positional;
  switch (cmd) {
    case 'call': {
      if (!arg1 || !/^[0-9A-Z]{4,6}$/.test(arg1)) throw YibaoError.host('USAGE', 'yibao call INFNO --region R --endpoint URL [--input FILE|-]');
      const endpoint = p.one.get('--endpoint');
      if (!endpoint) throw YibaoError.host('USAGE', '--endpoint URL');
      const client = makeClient(p, endpoint);
      const input = p.one.has('--input') ? JSON.parse(client.core.codec.json.normalize(readFileArg(p.one.get('--input'), '--input'))) : {};
      const r = await client.call(arg1, input);
      process.stdout.write(r.text + '\n');
      return r.infcode === 0 ? 0 : 1;
    }
    case 'settle': {
      const bill = JSON.parse(readFileArg(p.one.get('--bill'), '--bill FILE').toString('utf8')) as Bill;
      // regions of the legacy families (Chengdu Yinhai …) run through their own module (cli-legacy.ts)
      const legacy = await legacySettle(p, bill);
      if (legacy !== null) return legacy;
      let sandbox: Sandbox | undefined;
      let endpoint = p.one.get('--endpoint');
      if (p.bools.has('--sandbox')) {
        sandbox = await startSandbox({ region: 'sichuan' });
        endpoint = sandbox.url;
      }
      if (!endpoint) throw YibaoError.host('USAGE', '--endpoint URL or --sandbox');
      try {
        const client = makeClient(p, endpoint);
        // journaled and two-phase (cli-reliable.ts): printed, then committed unless --no-commit
        const { rc, journal, pending: r } = await settleJournaled(p, client, bill);
        try {
          if (p.bools.has('--slip')) process.stdout.write(renderSettlementSlip(bill, r, client.plugin.manifest.name));
          else process.stdout.write(JSON.stringify({ setl_id: r.setl_id, mdtrt_id: r.mdtrt_id, setlinfo: r.setlinfo }) + '\n');
          if (!p.bools.has('--no-commit')) await rc.commit(r.his_key);
        } finally {
          await journal.close();
        }
        return 0;
      } finally {
        await sandbox?.close();
      }
    }
    case 'sandbox': {
      const region = p.one.get('--region') ?? 'sichuan';
      const legacySb = await legacySandbox(p, region);
      if (legacySb !== null) return legacySb;
      if (region !== 'sichuan') throw YibaoError.host('USAGE', `no sandbox for region ${region} (known: sichuan)`);
      const faults = (p.many.get('--fault') ?? []).map((f) => {
        try {
          return parseFault(f);
        } catch (e) {
          throw YibaoError.host('USAGE', (e as Error).message);
        }
      });
      const port = Number(p.one.get('--port') ?? '0');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw YibaoError.host('USAGE', '--port N');
      // 4101/4101A: --slist-check refuses lists that break the quality rules (sichuan overrides) as a center
      // would; --slist-reply output.data puts setl_list_id where some provinces do
      const reply = p.one.get('--slist-reply');
      if (reply !== undefined && reply !== 'output' && reply !== 'output.data') throw YibaoError.host('USAGE', '--slist-reply output|output.data');
      const settlementList = { check: p.bools.has('--slist-check'), replyPath: reply as 'output' | 'output.data' | undefined, overrides: p.bools.has('--slist-check') ? regionOverrides('sichuan') : undefined };
      const sb = await startSandbox({ region: 'sichuan', port, host: p.one.get('--host') ?? '127.0.0.1', faults, settlementList });
      process.stdout.write(`listening ${sb.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sb.close();
      return 0;
    }
    case 'catalog': {
      if (arg1 !== 'sync' || !arg2) throw YibaoError.host('USAGE', 'yibao catalog sync INFNO --endpoint URL --db FILE');
      const endpoint = p.one.get('--endpoint');
      const dbFile = p.one.get('--db');
      if (!endpoint || !dbFile) throw YibaoError.host('USAGE', '--endpoint URL --db FILE');
      const client = makeClient(p, endpoint);
      const db = openCatalogDb(dbFile);
      const tty = process.stderr.isTTY;
      try {
        const r = await syncCatalog({
          infno: arg2, db,
          call: (i, x) => client.call(i, x),
          download: (q, f, prog) => client.download(q, f, prog),
          onProgress: (a, b) => process.stderr.write(renderProgress(a, b) + (tty ? '' : '\n')),
        });
        process.stderr.write('\n');
        for (const w of r.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
        process.stdout.write(JSON.stringify(r) + '\n');
      } finally {
        db.close();
      }
      return 0;
    }
    case 'reconcile':
      return reconcileCommand(p, (endpoint) => makeClient(p, endpoint));
    case 'recover': {
      // regions of the legacy families resolve through their own reliable client (cli-legacy.ts)
      const legacy = await legacyRecover(p);
      if (legacy !== null) return legacy;
      return recoverCommand(p, (endpoint) => makeClient(p, endpoint));
    }
    case 'journal':
      return journalCommand(p);
    case 'agent':
      return agentCommand(p, (endpoint) => clientFactory(p, endpoint));
    default:
      throw YibaoError.host('USAGE', `unknown command ${cmd}`);
  }
}
