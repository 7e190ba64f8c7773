// CLI commands of the operations side: `yibao reconcile` (daily 3201/3202 against the journal and the HIS
// ledger) and `yibao agent` (the HTTP service for workstations and kiosks). cli-net.ts parses the
// arguments and hands them over with its client factory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from './client.js';
import type { Journal } from './journal-contract.js';
import { YibaoError } from './errors.js';
import { loadConfig } from './config.js';
import { openSqliteJournal } from './journal-sqlite.js';
import { openPostgresJournal } from './journal-postgres.js';
import { reconcile, readHisLedger } from './reconcile.js';
import { startAgent, type AgentCardReader } from './agent/server.js';
import { loadToken } from './agent/auth.js';

export interface OpsArgs {
  one: Map<string, string>;
  bools: Set<string>;
}

export const OPS_FLAGS = [
  '--date', '--his-ledger', '--out', '--token-file', '--setl-optins', '--clr-types', '--days', '--max-body', '--node', '--max-inflight',
  '--card-reader', '--card-library', '--card-kind', '--card-init', '--card-timeout',
];

const CARD_KINDS = ['ss_card', 'id_card', 'ec_token'] as const;

/**
 * The agent's card reader from the flags or the environment (flags win): --card-reader heasec (YIBAO_CARD_READER),
 * --card-library PATH (YIBAO_CARD_LIBRARY), --card-kind ss_card|id_card|ec_token (YIBAO_CARD_KIND, default
 * ss_card), --card-init JSON or @FILE (YIBAO_CARD_INIT: the reader's Init string: IP, PORT, TIMEOUT, LOG_PATH …),
 * --card-timeout MS (YIBAO_CARD_TIMEOUT_MS, default 20000). None configured → null (/v1/card answers 501).
 */
export async function cardReaderFor(p: OpsArgs, env: NodeJS.ProcessEnv = process.env): Promise<{ reader: AgentCardReader; name: string } | null> {
  const get = (flag: string, name: string) => p.one.get(flag) ?? (env[name] || undefined);
  const driver = get('--card-reader', 'YIBAO_CARD_READER');
  const library = get('--card-library', 'YIBAO_CARD_LIBRARY');
  if (!driver && !library) return null;
  if (driver !== 'heasec') throw YibaoError.host('USAGE', `--card-reader ${driver ?? '(missing)'}: the known driver is heasec (HeaSecReadInfo-style library), with --card-library PATH`);
  if (!library) throw YibaoError.host('USAGE', '--card-reader heasec needs --card-library PATH (or YIBAO_CARD_LIBRARY)');
  const kind = get('--card-kind', 'YIBAO_CARD_KIND') ?? 'ss_card';
  if (!(CARD_KINDS as readonly string[]).includes(kind)) throw YibaoError.host('USAGE', `--card-kind ${kind}: expected ${CARD_KINDS.join(' | ')}`);
  let initText = get('--card-init', 'YIBAO_CARD_INIT');
  if (initText?.startsWith('@')) {
    try {
      initText = readFileSync(initText.slice(1), 'utf8');
    } catch (e) {
      throw YibaoError.host('IO_ERROR', `--card-init ${initText}: ${(e as Error).message}`, e);
    }
  }
  let init: Record<string, unknown> | undefined;
  if (initText) {
    try {
      init = JSON.parse(initText) as Record<string, unknown>;
    } catch (e) {
      throw YibaoError.host('USAGE', `--card-init: not JSON: ${(e as Error).message}`);
    }
    if (!init || typeof init !== 'object' || Array.isArray(init)) throw YibaoError.host('USAGE', '--card-init: expected a JSON object');
  }
  const timeoutMs = Number(get('--card-timeout', 'YIBAO_CARD_TIMEOUT_MS') ?? '20000');
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw YibaoError.host('USAGE', '--card-timeout MS (≥ 100)');
  // the koffi bridge is loaded only when a reader is configured
  const { createCardReader } = await import('../../legacy-com-bridge/src/card-reader.js');
  return { reader: createCardReader({ driver: 'heasec', library, kind: kind as (typeof CARD_KINDS)[number], init, timeoutMs }), name: `heasec ${kind}` };
}

/** The journal of a state directory (SQLite, DIR/journal.db), or PostgreSQL with --db postgres://… */
export async function openJournalFor(p: OpsArgs): Promise<Journal> {
  const db = p.one.get('--db');
  if (db && /^postgres(ql)?:\/\//i.test(db)) return openPostgresJournal(db);
  if (db) throw YibaoError.host('USAGE', `--db ${db}: expected postgres://user@host:port/database (the SQLite journal lives in --state DIR)`);
  return openSqliteJournal(p.one.get('--state') ?? '.yibao');
}

function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
}

export async function reconcileCommand(p: OpsArgs, makeClient: (endpoint: string) => Client): Promise<number> {
  const endpoint = p.one.get('--endpoint');
  if (!endpoint) throw YibaoError.host('USAGE', 'yibao reconcile --date YYYY-MM-DD --state DIR --endpoint URL [--region R] [--his-ledger FILE] [--out DIR] [--db postgres://…]');
  const date = p.one.get('--date') ?? chinaToday();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw YibaoError.host('USAGE', `--date ${date}: expected YYYY-MM-DD`);
  const days = Number(p.one.get('--days') ?? '14');
  if (!Number.isInteger(days) || days < 1 || days > 92) throw YibaoError.host('USAGE', '--days N (1–92)');
  const his = p.one.has('--his-ledger') ? readHisLedger(p.one.get('--his-ledger')!) : null;
  const client = makeClient(endpoint);
  const journal = await openJournalFor(p);
  try {
    const rep = await reconcile({
      client, journal, date, his, days,
      setl_optins: p.one.get('--setl-optins'),
      clrTypes: p.one.get('--clr-types')?.split(',').map((s) => s.trim()).filter(Boolean),
      outDir: p.one.get('--out') ?? join(p.one.get('--state') ?? '.yibao', 'reports'),
    });
    process.stdout.write(
      JSON.stringify({
        date: rep.date, balanced: rep.counts.total === 0 && rep.totals.every((t) => t.stmt_rslt === '0'), counts: rep.counts, unresolved: rep.unresolved.length,
        totals: rep.totals.map((t) => ({ insutype: t.insutype, clr_type: t.clr_type, count: t.count, stmt_rslt: t.stmt_rslt, error: t.error })),
        details: rep.details.map((d) => ({ clr_type: d.clr_type, unbalanced: d.unbalanced, error: d.error })), html: rep.files?.html, csv: rep.files?.csv,
      }) + '\n',
    );
    const failed = rep.totals.some((t) => t.error) || rep.details.some((d) => d.error);
    if (failed) return 1;
    return rep.counts.total === 0 && rep.totals.every((t) => t.stmt_rslt === '0') ? 0 : 3;
  } finally {
    await journal.close();
  }
}

export async function agentCommand(p: OpsArgs, clientFactory: (endpoint: string) => () => Client): Promise<number> {
  const endpoint = p.one.get('--endpoint');
  if (!endpoint) throw YibaoError.host('USAGE', 'yibao agent --state DIR --region R --endpoint URL [--db postgres://…] [--port N] [--host 127.0.0.1] [--token-file F | YIBAO_AGENT_TOKEN] [--card-reader heasec --card-library PATH [--card-kind ss_card|id_card|ec_token] [--card-init JSON|@FILE]]');
  const token = loadToken({ file: p.one.get('--token-file'), env: process.env.YIBAO_AGENT_TOKEN });
  const port = Number(p.one.get('--port') ?? '8440');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw YibaoError.host('USAGE', '--port N');
  const host = p.one.get('--host') ?? '127.0.0.1';
  const maxBody = Number(p.one.get('--max-body') ?? String(1 << 20));
  const maxInflight = Number(p.one.get('--max-inflight') ?? '64');
  if (!Number.isInteger(maxInflight) || maxInflight < 1) throw YibaoError.host('USAGE', '--max-inflight N (≥ 1)');
  const card = await cardReaderFor(p);
  const journal = await openJournalFor(p);
  const agent = await startAgent({
    token, host, port, journal, makeClient: clientFactory(endpoint), insuplcFallback: loadConfig(p.one.get('--config')).institution.mdtrtarea_admvs, stateDir: p.one.get('--state') ?? '.yibao', maxBodyBytes: maxBody, maxInflight,
    cardReader: card?.reader, cardReaderName: card?.name,
    log: p.bools.has('--verbose') ? (line) => process.stderr.write(line + '\n') : undefined,
  });
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) {
    process.stderr.write(`warning: serving on ${host}: reachable from the network; the bearer token is the only protection (put TLS in front)\n`);
  }
  process.stdout.write(`listening ${agent.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await agent.close();
  await journal.close();
  return 0;
}
