// The yibao agent: the canonical API over HTTP/JSON for many workstations and kiosks of one institution.
//
//   POST /v1/identify   {mdtrt_cert_type, mdtrt_cert_no, card_sn?, psn_name?, insutype?} → the person (1101)
//   POST /v1/presettle  {params, person, fee_items} → offline pre-settlement by the core
//                       {bill} → the center's pre-settlement of an outpatient bill (registration released after)
//                       {bill, inpatient: true} → the center's 2303 of an inpatient bill in a trial admission
//                       (2401 → 2301 → 2303, released after by 2302 + 2404)
//   POST /v1/settle     {his_key, bill, inpatient?} → the pending settlement (two-phase: commit or abort next)
//   POST /v1/commit     {his_key} → the HIS committed: confirmed
//   POST /v1/abort      {his_key} → the HIS failed: undone at the center
//   POST /v1/refund     {his_key, setl_id?} → the key's confirmed settlement refunded (2208 / 2305, journaled)
//   POST /v1/recover    {his?: {"<his_key>": true|false}} → {resolved, confirmed, cancelled, reversed, failed}
//   POST /v1/call       {infno, input} → the center's reply to one transaction that moves no money
//   POST /v1/queue      {infno, input, his_key?} → queued for the center (offline queue), {id, msgid}
//   GET  /v1/queue      → {pending, items}
//   GET  /v1/journal    ?state=a,b&his_key=&date=YYYY-MM-DD&limit=N[&full=1] → {entries}
//   GET  /v1/health     → {ok, region, journal, unfinished, queue_pending, uptime_s, card_reader}
//   GET  /v1/card       ?kind=ss_card|id_card|ec_token (or POST {kind}) → the credential read by the configured
//                       card reader; 501 NOT_SUPPORTED when none is configured
//
// Every route needs `Authorization: Bearer <token>`. Errors are JSON {code, message, status, detail} with the
// YibaoError code. Bodies are JSON objects of at most maxBodyBytes. Bound to 127.0.0.1 unless told otherwise.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Client, Credential } from '../client.js';
import type { Journal, JournalEntry, JournalState, ReliableSettlementApi } from '../journal-contract.js';
import type { Bill } from '../flows.js';
import { billTotal } from '../flows.js';
import { YibaoError } from '../errors.js';
import { openOfflineQueue, type OfflineQueueHandle } from '../offline-queue.js';
import { createReliableClient } from '../reliable.js';
import { maskCard, maskId, maskName } from '../mask.js';
import { bearerChecker } from './auth.js';

export type AgentCardKind = 'ss_card' | 'id_card' | 'ec_token';
const CARD_KINDS: readonly AgentCardKind[] = ['ss_card', 'id_card', 'ec_token'];

/** A card reader the agent reads through (legacy-com-bridge createCardReader fits). */
export interface AgentCardReader {
  /** the configured kind unless one is given; rejects with CARD_READ (no card, unreadable) or BRIDGE_* */
  read(kind?: AgentCardKind): Promise<{ kind: string; mdtrt_cert_type: string; mdtrt_cert_no: string; card_sn?: string; psn_name?: string; certno?: string; insuplc_admdvs?: string }>;
  close(): Promise<void>;
}

export interface ReliableFactoryOptions {
  client: Client;
  journal: Journal;
  /** lease owner name of this agent */
  owner: string;
}

export interface AgentOptions {
  token: string;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 (a free port) */
  port?: number;
  journal: Journal;
  /** a Client for one request (they share state, transport and core; the Client keeps per-person envelope state) */
  makeClient: () => Client;
  /** the two-phase API over a client and the journal (default: createReliableClient of reliable.ts) */
  reliable?: (o: ReliableFactoryOptions) => ReliableSettlementApi;
  /** offline queue in stateDir/queue.db (routes /v1/queue); none without */
  stateDir?: string;
  /** drain the offline queue every N ms (default 5000; 0 = only on demand) */
  queueIntervalMs?: number;
  /** default 1 MiB */
  maxBodyBytes?: number;
  /**
   * settlements (and pre-settlements by the center) worked on at once; the others
   * wait in arrival order (default 64). Past the machine's capacity more interleaving only stretches every
   * request: a bound keeps the waiting fair and the tail short.
   */
  maxInflight?: number;
  /**
   * 参保地区划 (envelope insuplc_admdvs) for commit / abort / recover of entries journaled without it (the
   * reliable client journals it with each settlement and restores it; the center requires it on every call
   * naming a person). Default: none. The CLI passes the institution's region.
   */
  insuplcFallback?: string;
  /** run recover() once before serving (default true) */
  recoverOnStart?: boolean;
  /** the card reader of this machine (GET /v1/card); without one /v1/card answers 501 NOT_SUPPORTED */
  cardReader?: AgentCardReader;
  /** how the reader is named in /v1/health (e.g. "heasec") */
  cardReaderName?: string;
  /** one line per request */
  log?: (line: string) => void;
}

export interface Agent {
  url: string;
  port: number;
  owner: string;
  /** what recover() did at start-up */
  startup: Awaited<ReturnType<ReliableSettlementApi['recover']>> | null;
  close(): Promise<void>;
}

const HTTP_STATUS: Record<string, number> = {
  AGENT_AUTH: 401,
  AGENT_ROUTE: 404,
  AGENT_BODY_TOO_LARGE: 413,
  USAGE: 400,
  BAD_INPUT: 400,
  DUPLICATE: 409,
  NOT_SUPPORTED: 501,
  CENTER_ERROR: 422,
  BAD_REPLY: 502,
  TRANSPORT_NETWORK: 502,
  TRANSPORT_HTTP: 502,
  TRANSPORT_TIMEOUT: 504,
  TRANSPORT_CONFIG: 500,
  OUTCOME_UNKNOWN: 503,
  NOT_SETTLED: 422,
  STATE_ERROR: 500,
  CARD_READ: 422,
  BRIDGE_TIMEOUT: 504,
  BRIDGE_CRASHED: 502,
  BRIDGE_LOAD: 500,
  BRIDGE_CLOSED: 503,
};

export function httpStatusOf(e: YibaoError): number {
  return HTTP_STATUS[e.code] ?? (e.status < 1000 ? 400 : 500);
}

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(readonly http: number, readonly err: YibaoError, readonly headers: Record<string, string> = {}) {
    super(err.message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, YibaoError.host('AGENT_BODY_TOO_LARGE', `${declared} bytes > ${limit}`), { connection: 'close' }));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let n = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      n += c.length;
      if (n > limit) {
        over = true;
        reject(new HttpError(413, YibaoError.host('AGENT_BODY_TOO_LARGE', `more than ${limit} bytes`), { connection: 'close' }));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => reject(e));
  });
}

async function jsonBody(req: IncomingMessage, limit: number): Promise<Json> {
  const buf = await readBody(req, limit);
  if (buf.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw YibaoError.host('BAD_INPUT', `request body is not JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw YibaoError.host('BAD_INPUT', 'request body must be a JSON object');
  return v as Json;
}

function needString(b: Json, k: string, max = 128): string {
  const v = b[k];
  if (typeof v !== 'string' || !v.trim()) throw YibaoError.host('BAD_INPUT', `${k} (a non-empty string) is required`);
  if (v.length > max) throw YibaoError.host('BAD_INPUT', `${k} longer than ${max} characters`);
  return v.trim();
}

function needObject(b: Json, k: string): Json {
  const v = b[k];
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw YibaoError.host('BAD_INPUT', `${k} (a JSON object) is required`);
  return v as Json;
}

const JOURNAL_STATES: readonly JournalState[] = ['intent', 'sent', 'succeeded', 'failed', 'unknown', 'confirmed', 'cancelled', 'reversed'];

/** A journal entry for a workstation: without the request and reply texts (personal data) unless asked. */
function publicEntry(e: JournalEntry, full: boolean): Json {
  if (full) return e as unknown as Json;
  const { input_json, reply_json, ...rest } = e;
  void input_json;
  void reply_json;
  return rest as unknown as Json;
}

/** Starts the agent. */
export async function startAgent(o: AgentOptions): Promise<Agent> {
  if (!o.token || o.token.length < 16) throw YibaoError.host('USAGE', 'agent token missing or shorter than 16 characters');
  const authorized = bearerChecker(o.token);
  const limit = o.maxBodyBytes ?? 1 << 20;
  // the lease owner of everything this agent settles; the reliable client's format (host and pid tell
  // another process on this machine when the owner died)
  const owner = `yibao/${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const started = Date.now();
  const probe = o.makeClient();
  const region = probe.plugin.manifest.id;
  const manifest = probe.plugin.manifest;
  const makeReliable = o.reliable ?? ((x: ReliableFactoryOptions) => createReliableClient({ client: x.client, journal: x.journal, owner: x.owner }));
  const reliableFor = (client: Client) => makeReliable({ client, journal: o.journal, owner });
  let queue: OfflineQueueHandle | null = null;
  if (o.stateDir) {
    const qc = o.makeClient();
    if (o.insuplcFallback) qc.insuplcAdmdvs = o.insuplcFallback; // items without their own insuplc_admdvs
    queue = openOfflineQueue({ db: join(o.stateDir, 'queue.db'), client: qc });
  }

  // a client for commit / abort / recover: the reliable client restores each entry's insuplc_admdvs from
  // the journal; the fallback covers entries journaled without it
  const clientFor = () => {
    const c = o.makeClient();
    if (o.insuplcFallback) c.insuplcAdmdvs = o.insuplcFallback;
    return c;
  };

  const startup = o.recoverOnStart === false ? null : await reliableFor(clientFor()).recover();

  // FIFO admission for the center-bound flows
  const maxInflight = Math.max(1, o.maxInflight ?? 64);
  let inflight = 0;
  const waiting: (() => void)[] = [];
  async function admitted<T>(f: () => Promise<T>): Promise<T> {
    if (inflight >= maxInflight) await new Promise<void>((r) => waiting.push(r));
    else inflight++;
    try {
      return await f();
    } finally {
      const next = waiting.shift();
      if (next) next(); // the slot passes to the next in line
      else inflight--;
    }
  }

  async function identify(b: Json) {
    const cred: Credential = {
      mdtrt_cert_type: needString(b, 'mdtrt_cert_type', 4), mdtrt_cert_no: needString(b, 'mdtrt_cert_no', 256),
      card_sn: typeof b.card_sn === 'string' ? b.card_sn : undefined, psn_name: typeof b.psn_name === 'string' ? b.psn_name : undefined,
      psn_cert_type: typeof b.psn_cert_type === 'string' ? b.psn_cert_type : undefined, certno: typeof b.certno === 'string' ? b.certno : undefined,
    };
    return (await o.makeClient().identify(cred, typeof b.insutype === 'string' ? b.insutype : undefined)) as unknown as Json;
  }

  async function presettle(b: Json) {
    if (b.bill === undefined) {
      if (!Array.isArray(b.fee_items) || !b.params || !b.person) throw YibaoError.host('BAD_INPUT', 'either {params, person, fee_items} (offline, by the core) or {bill} (the center)');
      return { source: 'core', result: probe.core.presettle(b as never) };
    }
    const bill = needObject(b, 'bill') as unknown as Bill;
    if (!bill.mdtrt_cert_type || !bill.mdtrt_cert_no || !Array.isArray(bill.fee_items) || bill.fee_items.length === 0) throw YibaoError.host('BAD_INPUT', 'bill needs mdtrt_cert_type, mdtrt_cert_no and fee_items');
    const c = o.makeClient();
    const cred: Credential = { mdtrt_cert_type: bill.mdtrt_cert_type, mdtrt_cert_no: bill.mdtrt_cert_no, card_sn: bill.card_sn };
    const person = await c.identify(cred, bill.insutype);
    const insutype = bill.insutype ?? person.insutype;
    // a trial visit under its own number: the HIS's visit number stays free for the real settlement
    const trialNo = `PRE${Date.now()}${randomBytes(3).toString('hex')}`;
    const medfee_sumamt = () => billTotal(c, bill.fee_items);
    const answer = (pre: Awaited<ReturnType<Client['presettle']>>) => ({ source: 'center', setlinfo: pre.setlinfo, setldetail: pre.setldetail, person: { psn_no: person.psn_no, insutype, balc: person.balc }, warn_msg: pre.warn_msg });
    let released = false;
    let result: Json;
    if (b.inpatient === true) {
      // 2303 needs an admission: a trial one (2401 → 2301 → 2303), released after (2302 + 2404) — the stay
      // is admitted at the center for real when it settles (/v1/settle inpatient: 2401 … 2304)
      const diagnoses = bill.diagnoses ?? [{ code: 'K35.800', name: '急性阑尾炎' }];
      const dept = { dept_code: bill.dept_code ?? 'A04', dept_name: bill.dept_name ?? '外科', dr_code: bill.dr_code ?? 'D0002', dr_name: bill.dr_name ?? '医师' };
      const { mdtrt_id } = await c.admit({ psn_no: person.psn_no, insutype, credential: cred, ipt_no: trialNo, med_type: bill.med_type ?? '21', diagnoses, bed: bill.bed ?? '1', ...dept });
      try {
        await c.uploadInpatientFees({ mdtrt_id, psn_no: person.psn_no, lines: bill.fee_items, ...dept });
        result = { ...answer(await c.inpatientPresettle({ psn_no: person.psn_no, mdtrt_id, insutype, credential: cred, medfee_sumamt: medfee_sumamt(), acct_used_flag: bill.acct_used_flag ?? '1' })), inpatient: true };
      } finally {
        // a trial: nothing stays at the center (the lines first, then the admission)
        await c.cancelInpatientFees({ mdtrt_id, psn_no: person.psn_no }).catch(() => undefined);
        try {
          await c.cancelAdmission({ mdtrt_id, psn_no: person.psn_no });
          released = true;
        } catch {
          released = false;
        }
      }
      return { ...result, released };
    }
    const visit = { dept_code: bill.dept_code ?? 'A03', dept_name: bill.dept_name ?? '内科', dr_code: bill.dr_code ?? 'D0001', dr_name: bill.dr_name ?? '医师' };
    const { mdtrt_id } = await c.register({ psn_no: person.psn_no, insutype, credential: cred, ipt_otp_no: trialNo, ...visit });
    try {
      await c.uploadVisit({ mdtrt_id, psn_no: person.psn_no, med_type: bill.med_type ?? '11', diagnoses: bill.diagnoses ?? [{ code: 'J06.900', name: '急性上呼吸道感染' }], ...visit });
      const chrg_bchno = `${trialNo}01`;
      await c.uploadFees({ mdtrt_id, psn_no: person.psn_no, chrg_bchno, lines: bill.fee_items, ...visit });
      result = answer(await c.presettle({ psn_no: person.psn_no, mdtrt_id, insutype, med_type: bill.med_type ?? '11', credential: cred, medfee_sumamt: medfee_sumamt(), chrg_bchno, acct_used_flag: bill.acct_used_flag ?? '1' }));
    } finally {
      // a trial: nothing stays at the center (2202 also cancels the visit's unsettled lines)
      try {
        await c.cancelRegister({ psn_no: person.psn_no, mdtrt_id, ipt_otp_no: trialNo });
        released = true;
      } catch {
        released = false;
      }
    }
    return { ...result, released };
  }

  async function card(kindParam: unknown) {
    if (!o.cardReader) {
      throw new HttpError(501, YibaoError.host('NOT_SUPPORTED', 'no card reader is configured for this agent (yibao agent --card-reader heasec --card-library PATH); identify with /v1/identify and the credential read by the workstation'));
    }
    if (kindParam !== undefined && kindParam !== null && kindParam !== '' && !CARD_KINDS.includes(kindParam as AgentCardKind)) {
      throw YibaoError.host('BAD_INPUT', `kind ${String(kindParam)}: expected ${CARD_KINDS.join(' | ')}`);
    }
    const r = await o.cardReader.read((kindParam || undefined) as AgentCardKind | undefined);
    // the credential goes to the authenticated caller; the log sees it masked
    o.log?.(`card ${r.kind} ${r.mdtrt_cert_type} ${maskCard(r.mdtrt_cert_no)}${r.psn_name ? ' ' + maskName(r.psn_name) : ''}${r.certno ? ' ' + maskId(r.certno) : ''}`);
    const out: Json = { kind: r.kind, mdtrt_cert_type: r.mdtrt_cert_type, mdtrt_cert_no: r.mdtrt_cert_no };
    for (const k of ['card_sn', 'psn_name', 'certno', 'insuplc_admdvs'] as const) if (r[k]) out[k] = r[k];
    return out;
  }

  async function call(b: Json) {
    const infno = needString(b, 'infno', 8);
    const spec = manifest.transactions[infno];
    if (!spec) throw YibaoError.host('BAD_INPUT', `${infno} is not a transaction of ${region}`);
    if (spec.money || spec.op === 'reverse') throw YibaoError.host('BAD_INPUT', `${infno} ${spec.name} moves money: use /v1/settle, /v1/abort, /v1/refund or /v1/recover (journaled), never a raw call`);
    const input = b.input === undefined ? {} : needObject(b, 'input');
    const r = await o.makeClient().call(infno, input);
    return { infno: r.infno, msgid: r.msgid, infcode: r.infcode, err_msg: r.err_msg, warn_msg: r.warn_msg, inf_refmsgid: r.inf_refmsgid, output: r.output };
  }

  async function journalList(url: URL) {
    const q = url.searchParams;
    const states = q.get('state')?.split(',').map((s) => s.trim()).filter(Boolean) as JournalState[] | undefined;
    for (const s of states ?? []) if (!JOURNAL_STATES.includes(s)) throw YibaoError.host('BAD_INPUT', `state ${s}`);
    const date = q.get('date') ?? undefined;
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw YibaoError.host('BAD_INPUT', `date ${date}: expected YYYY-MM-DD`);
    const limit = Math.min(100000, Math.max(1, Number(q.get('limit') ?? '200') || 200));
    const all = await o.journal.list({ states, his_key: q.get('his_key') ?? undefined, date, region });
    const full = q.get('full') === '1';
    return { total: all.length, entries: all.slice(-limit).map((e) => publicEntry(e, full)) };
  }

  type Handler = (req: IncomingMessage, url: URL) => Promise<Json>;
  const post = (f: (b: Json) => Promise<unknown>): Handler => async (req) => (await f(await jsonBody(req, limit))) as Json;
  const flow = (f: (b: Json) => Promise<unknown>): Handler => async (req) => {
    const b = await jsonBody(req, limit);
    return (await admitted(() => f(b))) as Json;
  };
  const routes: Record<string, Partial<Record<'GET' | 'POST', Handler>> & { any?: Handler }> = {
    '/v1/identify': { POST: post(identify) },
    '/v1/presettle': { POST: flow(presettle) },
    '/v1/settle': {
      POST: flow(async (b) => {
        const his_key = needString(b, 'his_key');
        const bill = { ...needObject(b, 'bill') };
        // the HIS visit number: without one the flow would take the clock's milliseconds, which two
        // workstations settling at once share (the center refuses the second registration)
        if (typeof bill.ipt_otp_no !== 'string' || !bill.ipt_otp_no) bill.ipt_otp_no = `Y${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
        return reliableFor(o.makeClient()).settle({ his_key, bill, inpatient: b.inpatient === true });
      }),
    },
    '/v1/commit': {
      POST: post(async (b) => {
        const his_key = needString(b, 'his_key');
        await reliableFor(clientFor()).commit(his_key);
        return { ok: true, his_key };
      }),
    },
    '/v1/abort': {
      POST: post(async (b) => {
        const his_key = needString(b, 'his_key');
        await reliableFor(clientFor()).abort(his_key);
        return { ok: true, his_key };
      }),
    },
    '/v1/refund': {
      POST: flow(async (b) => {
        const his_key = needString(b, 'his_key');
        const setl_id = b.setl_id === undefined || b.setl_id === null ? undefined : needString(b, 'setl_id', 64);
        const rc = reliableFor(clientFor());
        if (!rc.refund) throw YibaoError.host('NOT_SUPPORTED', `${region}: refunds are not implemented by this agent's settlement client`);
        return rc.refund({ his_key, setl_id });
      }),
    },
    '/v1/recover': {
      POST: post(async (b) => {
        const his = b.his === undefined ? {} : needObject(b, 'his');
        for (const [k, v] of Object.entries(his)) if (typeof v !== 'boolean') throw YibaoError.host('BAD_INPUT', `his.${k} must be true (committed) or false (not committed)`);
        return reliableFor(clientFor()).recover({ hisCommitted: async (k) => (typeof his[k] === 'boolean' ? (his[k] as boolean) : null) });
      }),
    },
    '/v1/call': { POST: post(call) },
    '/v1/queue': {
      POST: post(async (b) => {
        if (!queue) throw YibaoError.host('NOT_SUPPORTED', 'this agent has no offline queue (no state directory)');
        const infno = needString(b, 'infno', 8);
        const input = needObject(b, 'input');
        const r = await queue.enqueue({ infno, input_json: JSON.stringify(input), his_key: typeof b.his_key === 'string' ? b.his_key : undefined, insuplc_admdvs: typeof b.insuplc_admdvs === 'string' ? b.insuplc_admdvs : undefined });
        void queue.drain().catch(() => undefined);
        return r;
      }),
      GET: async (_req, url) => {
        if (!queue) throw YibaoError.host('NOT_SUPPORTED', 'this agent has no offline queue (no state directory)');
        const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? '100') || 100));
        return { pending: await queue.pending(), items: queue.items({ limit }).map(({ input_json, ...rest }) => (void input_json, rest)) };
      },
    },
    '/v1/journal': { GET: (_req, url) => journalList(url) },
    '/v1/health': {
      GET: async () => ({
        ok: true, region, journal: o.journal.kind, unfinished: (await o.journal.unfinished()).length, queue_pending: queue ? await queue.pending() : null,
        uptime_s: Math.round((Date.now() - started) / 1000), owner, card_reader: o.cardReader ? (o.cardReaderName ?? 'configured') : null,
      }),
    },
    '/v1/card': {
      GET: (_req, url) => card(url.searchParams.get('kind') ?? undefined),
      POST: post((b) => card(b.kind)),
    },
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
    res.end(text);
  };

  const server: Server = createServer((req, res) => {
    const t0 = process.hrtime.bigint();
    let status = 500;
    const done = () => o.log?.(`${req.method} ${req.url} ${status} ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)}ms`);
    (async () => {
      const url = new URL(req.url ?? '/', 'http://agent.local');
      if (!authorized(req.headers.authorization)) throw new HttpError(401, YibaoError.host('AGENT_AUTH', req.headers.authorization ? 'wrong token' : 'no Authorization: Bearer header'), { 'www-authenticate': 'Bearer realm="yibao"' });
      const route = routes[url.pathname];
      if (!route) throw new HttpError(404, YibaoError.host('AGENT_ROUTE', `${req.method} ${url.pathname}`));
      const method = req.method === 'GET' || req.method === 'HEAD' ? 'GET' : req.method === 'POST' ? 'POST' : null;
      const h = route.any ?? (method ? route[method] : undefined);
      if (!h) {
        const allow = Object.keys(route).filter((k) => k !== 'any').join(', ');
        throw new HttpError(405, YibaoError.host('AGENT_ROUTE', `${req.method} ${url.pathname} (allowed: ${allow})`), { allow });
      }
      return h(req, url);
    })()
      .then((body) => {
        status = 200;
        sendJson(res, 200, body);
      })
      .catch((e: unknown) => {
        const he = e instanceof HttpError ? e : null;
        const ye = he ? he.err : e instanceof YibaoError ? e : YibaoError.host('STATE_ERROR', `agent: ${(e as Error)?.message ?? String(e)}`, e);
        status = he ? he.http : httpStatusOf(ye);
        if (!res.headersSent) sendJson(res, status, { code: ye.code, message: ye.message, status: ye.status, detail: ye.detail }, he?.headers);
        else res.destroy();
      })
      .finally(done);
  });
  server.headersTimeout = 15000;
  server.requestTimeout = 120000;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(YibaoError.host('IO_ERROR', `agent listen ${o.host ?? '127.0.0.1'}:${o.port ?? 0}: ${e.message}`, e)));
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  if (queue && o.queueIntervalMs !== 0) queue.start(o.queueIntervalMs ?? 5000);
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    owner,
    startup,
    async close() {
      queue?.close();
      await o.cardReader?.close().catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 2000).unref();
      });
    },
  };
}
