// The agent over real HTTP on loopback, against the real sandbox center; the SQLite journal by default and
// two agents sharing one real PostgreSQL server (started by the test, see testing/postgres.ts).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createCore } from '../core.js';
import { createClient, type Client } from '../client.js';
import { createHttpTransport } from '../transport-http.js';
import { openState, type StateStore } from '../state.js';
import { SANDBOX_INSTITUTION } from '../config.js';
import { outpatientSettle, type Bill } from '../flows.js';
import { openSqliteJournal } from '../journal-sqlite.js';
import { openPostgresJournal } from '../journal-postgres.js';
import type { Journal } from '../journal-contract.js';
import { startPostgres, type PgServer } from '../testing/postgres.js';
import { startAgent, type Agent } from './server.js';
import { loadToken, bearerChecker } from './auth.js';
import { createSichuanPlugin, SICHUAN_MANIFEST } from '../../../plugins/national/index.js';
import { startSandbox, type Sandbox } from '../../../plugins/national/sandbox/server.js';

const core = createCore();
const demo = JSON.parse(readFileSync(join(import.meta.dirname, '../../../test/fixtures/demo-outpatient.json'), 'utf8')) as Bill;
const TOKEN = 'test-token-0123456789abcdef';
let sb: Sandbox;
let dir: string;
let n = 0;

function factory(stateDir: string): () => Client {
  const plugin = createSichuanPlugin({ core });
  const transport = createHttpTransport({ endpoint: sb.url, path: SICHUAN_MANIFEST.transport.path, core, timeoutMs: 10000 });
  const state: StateStore = openState(stateDir);
  return () => createClient({ plugin, transport, core, institution: SANDBOX_INSTITUTION, state });
}

const bill = (certno = '510104198503152311'): Bill => ({ ...demo, mdtrt_cert_no: certno, ipt_otp_no: `AG${Date.now()}${n++}` });

async function api(a: Agent, method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; json: any; headers: Headers }> {
  const res = await fetch(a.url + path, {
    method,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-agent-'));
  sb = await startSandbox({ region: 'sichuan' });
});
afterAll(async () => {
  await sb?.close();
});

describe('agent: token, routes, errors', () => {
  let a: Agent;
  let journal: Journal;
  beforeAll(async () => {
    journal = await openSqliteJournal(join(dir, 'one'));
    a = await startAgent({ token: TOKEN, journal, makeClient: factory(join(dir, 'one')), insuplcFallback: '510100', stateDir: join(dir, 'one'), maxBodyBytes: 64 * 1024, queueIntervalMs: 0 });
  });
  afterAll(async () => {
    await a?.close();
    await journal?.close();
  });

  it('binds to 127.0.0.1 by default', () => {
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses requests without a token, with a wrong token or another scheme (401 AGENT_AUTH)', async () => {
    for (const tok of [null, 'wrong-token-0123456789abcdef', TOKEN + 'x', TOKEN.slice(0, -1), '']) {
      const r = await api(a, 'GET', '/v1/health', undefined, tok);
      expect(r.status, String(tok)).toBe(401);
      expect(r.json).toMatchObject({ code: 'AGENT_AUTH', status: 1040 });
      expect(r.json.message).toMatch(/未授权.*unauthorized/);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const basic = await fetch(a.url + '/v1/health', { headers: { authorization: `Basic ${Buffer.from('x:' + TOKEN).toString('base64')}` } });
    expect(basic.status).toBe(401);
    // even a route that does not exist answers 401 first (no route discovery without the token)
    expect((await api(a, 'GET', '/v1/nothing', undefined, null)).status).toBe(401);
    const ok = await api(a, 'GET', '/v1/health');
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, region: 'sichuan', journal: 'sqlite', queue_pending: 0 });
  });

  it('clear JSON errors: unknown route 404, wrong method 405, non-JSON 400, too large 413, card 501', async () => {
    expect(await api(a, 'GET', '/v1/nothing')).toMatchObject({ status: 404, json: { code: 'AGENT_ROUTE' } });
    const m = await api(a, 'GET', '/v1/settle');
    expect(m).toMatchObject({ status: 405, json: { code: 'AGENT_ROUTE' } });
    expect(m.headers.get('allow')).toBe('POST');
    expect(await api(a, 'POST', '/v1/settle', '{not json')).toMatchObject({ status: 400, json: { code: 'BAD_INPUT' } });
    expect(await api(a, 'POST', '/v1/settle', '[1,2]')).toMatchObject({ status: 400, json: { code: 'BAD_INPUT' } });
    expect(await api(a, 'POST', '/v1/settle', { bill: bill() })).toMatchObject({ status: 400, json: { code: 'BAD_INPUT', detail: 'his_key (a non-empty string) is required' } });
    const big = await api(a, 'POST', '/v1/call', { infno: '1901', input: { data: { type: 'x'.repeat(70 * 1024) } } });
    expect(big).toMatchObject({ status: 413, json: { code: 'AGENT_BODY_TOO_LARGE' } });
    for (const method of ['GET', 'POST']) {
      const c = await api(a, method, '/v1/card', method === 'POST' ? {} : undefined);
      expect(c).toMatchObject({ status: 501, json: { code: 'NOT_SUPPORTED' } });
      expect(c.json.detail).toMatch(/no card reader is configured/);
    }
  });

  it('identify, offline pre-settlement by the core, center pre-settlement that leaves nothing behind', async () => {
    const id = await api(a, 'POST', '/v1/identify', { mdtrt_cert_type: '02', mdtrt_cert_no: '510105195608221021' });
    expect(id.status).toBe(200);
    expect(id.json).toMatchObject({ psn_no: '51010000000000000002', insutype: '310', insuplc_admdvs: '510100' });
    const ci = await api(a, 'POST', '/v1/identify', { mdtrt_cert_type: '02', mdtrt_cert_no: '110105194912310021' });
    expect(ci).toMatchObject({ status: 422, json: { code: 'CENTER_ERROR' } });

    const input = JSON.parse(readFileSync(join(import.meta.dirname, '../../../test/fixtures/demo-bill.json'), 'utf8'));
    const off = await api(a, 'POST', '/v1/presettle', input);
    expect(off.status, JSON.stringify(off.json)).toBe(200);
    expect(off.json.source).toBe('core');
    expect(off.json.result).toEqual(core.presettle(input));

    const visitsBefore = [...sb.center.st.visits.values()].filter((v) => v.status === 'active').length;
    const on = await api(a, 'POST', '/v1/presettle', { bill: bill('510105195608221021') });
    expect(on.status, JSON.stringify(on.json)).toBe(200);
    expect(on.json).toMatchObject({ source: 'center', released: true, person: { psn_no: '51010000000000000002' } });
    expect(on.json.setlinfo.medfee_sumamt).toBe(44120);
    expect(on.json.setlinfo.setl_id).toBeNull();
    expect([...sb.center.st.visits.values()].filter((v) => v.status === 'active').length).toBe(visitsBefore);
  });

  it('settle → commit: the pending settlement, then confirmed in the journal and in force at the center', async () => {
    const s = await api(a, 'POST', '/v1/settle', { his_key: 'MZ-A-1', bill: bill() });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    expect(s.json).toMatchObject({ his_key: 'MZ-A-1', infno: '2207A', psn_no: '51010000000000000001' });
    expect(s.json.setl_id).toMatch(/^51013/);
    expect(s.json.setlinfo.medfee_sumamt).toBe(44120);
    const pending = await api(a, 'GET', '/v1/journal?his_key=MZ-A-1');
    expect(pending.json.entries.map((e: any) => e.state)).toEqual(['succeeded']);
    expect(pending.json.entries[0].input_json).toBeUndefined(); // personal data stays out unless asked
    expect((await api(a, 'GET', '/v1/journal?his_key=MZ-A-1&full=1')).json.entries[0].input_json).toContain('psn_no');
    // a second settlement of the same HIS bill is refused
    expect(await api(a, 'POST', '/v1/settle', { his_key: 'MZ-A-1', bill: bill() })).toMatchObject({ status: 409, json: { code: 'DUPLICATE' } });
    const c = await api(a, 'POST', '/v1/commit', { his_key: 'MZ-A-1' });
    expect(c).toMatchObject({ status: 200, json: { ok: true, his_key: 'MZ-A-1' } });
    const j = await api(a, 'GET', '/v1/journal?his_key=MZ-A-1');
    expect(j.json.entries[0]).toMatchObject({ state: 'confirmed', setl_id: s.json.setl_id, msgid: s.json.msgid });
    expect(sb.ledger().find((l) => l.setl_id === s.json.setl_id)).toMatchObject({ status: 'valid', msgid: s.json.msgid, medfee_sumamt: 44120 });
    expect((await api(a, 'GET', '/v1/journal?state=confirmed')).json.total).toBeGreaterThanOrEqual(1);
    expect(await api(a, 'GET', '/v1/journal?state=bogus')).toMatchObject({ status: 400 });
  });

  it('settle → abort: cancelled at the center (2208) and in the journal; the key may settle again', async () => {
    const s = await api(a, 'POST', '/v1/settle', { his_key: 'MZ-A-2', bill: bill('510104197801122714') });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    const ab = await api(a, 'POST', '/v1/abort', { his_key: 'MZ-A-2' });
    expect(ab).toMatchObject({ status: 200, json: { ok: true } });
    const j = await api(a, 'GET', '/v1/journal?his_key=MZ-A-2');
    expect(j.json.entries[0]).toMatchObject({ state: 'cancelled', setl_id: s.json.setl_id });
    expect(j.json.entries[0].undo_msgid).toBeTruthy();
    expect(sb.ledger().find((l) => l.setl_id === s.json.setl_id)).toMatchObject({ status: 'cancelled', cancel_msgid: j.json.entries[0].undo_msgid });
    const again = await api(a, 'POST', '/v1/settle', { his_key: 'MZ-A-2', bill: bill('510104197801122714') });
    expect(again.status).toBe(200);
    expect((await api(a, 'POST', '/v1/commit', { his_key: 'MZ-A-2' })).status).toBe(200);
    expect(await api(a, 'POST', '/v1/commit', { his_key: 'NO-SUCH-KEY' })).toMatchObject({ status: 500, json: { code: 'STATE_ERROR' } });
  });

  it('center pre-settlement of an inpatient bill: a trial admission released after; the stay then settles to the same amounts', async () => {
    const lines = [
      { feedetl_sn: 'Z1', med_list_codg: '001102000010000', name: '普通病房床位费', pric: '35.00', cnt: '3', med_chrgitm_type: '01' },
      { feedetl_sn: 'Z2', med_list_codg: '003311000010000', name: '阑尾切除术', pric: '1200.00', cnt: '1', med_chrgitm_type: '06' },
    ];
    const b = { ...bill('510105195608221021'), fee_items: lines, diagnoses: [{ code: 'K35.800', name: '急性阑尾炎' }] };
    const active = () => [...sb.center.st.visits.values()].filter((v) => v.psn_no === '51010000000000000002' && v.kind === 'inpatient' && v.status === 'active').length;
    const before = active();
    const pre = await api(a, 'POST', '/v1/presettle', { bill: b, inpatient: true });
    expect(pre.status, JSON.stringify(pre.json)).toBe(200);
    expect(pre.json).toMatchObject({ source: 'center', inpatient: true, released: true, person: { psn_no: '51010000000000000002', insutype: '310' } });
    expect(pre.json.setlinfo.medfee_sumamt).toBe(130500);
    expect(pre.json.setlinfo.setl_id).toBeNull();
    expect(pre.json.setlinfo.fund_pay_sumamt).toBeGreaterThan(0);
    expect(active()).toBe(before); // nothing stays at the center
    // the real stay: the same amounts, to the fen
    const s = await api(a, 'POST', '/v1/settle', { his_key: 'ZY-A-1', bill: b, inpatient: true });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    for (const k of ['medfee_sumamt', 'fund_pay_sumamt', 'acct_pay', 'psn_cash_pay', 'hifp_pay']) expect(s.json.setlinfo[k], k).toBe(pre.json.setlinfo[k]);
    expect((await api(a, 'POST', '/v1/abort', { his_key: 'ZY-A-1' })).status).toBe(200);
  });

  it('refund of a confirmed settlement: journaled (2208), cancelled at the center, once; pending → abort instead', async () => {
    const s = await api(a, 'POST', '/v1/settle', { his_key: 'MZ-RF-1', bill: bill() });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    const early = await api(a, 'POST', '/v1/refund', { his_key: 'MZ-RF-1' });
    expect(early).toMatchObject({ status: 500, json: { code: 'STATE_ERROR' } });
    expect(early.json.detail).toMatch(/pending.*abort/);
    expect((await api(a, 'POST', '/v1/commit', { his_key: 'MZ-RF-1' })).status).toBe(200);
    const f = await api(a, 'POST', '/v1/refund', { his_key: 'MZ-RF-1' });
    expect(f.status, JSON.stringify(f.json)).toBe(200);
    expect(f.json).toMatchObject({ his_key: 'MZ-RF-1', infno: '2208', state: 'confirmed', setl_id: s.json.setl_id, psn_no: s.json.psn_no });
    expect(f.json.setlinfo.medfee_sumamt).toBe(-44120);
    expect(sb.ledger().find((l) => l.setl_id === s.json.setl_id)).toMatchObject({ status: 'cancelled', cancel_msgid: f.json.msgid, cancel_setl_id: f.json.refund_setl_id });
    const j = await api(a, 'GET', '/v1/journal?his_key=MZ-RF-1');
    expect(j.json.entries.map((e: any) => `${e.op}:${e.state}`)).toEqual(['settle:confirmed', 'cancelSettle:confirmed']);
    expect(await api(a, 'POST', '/v1/refund', { his_key: 'MZ-RF-1' })).toMatchObject({ status: 409, json: { code: 'DUPLICATE' } });
    expect(await api(a, 'POST', '/v1/refund', { his_key: 'NO-SUCH-KEY' })).toMatchObject({ status: 500, json: { code: 'STATE_ERROR' } });
    expect(await api(a, 'POST', '/v1/refund', {})).toMatchObject({ status: 400, json: { code: 'BAD_INPUT' } });
  });

  it('raw calls for transactions that move no money only; the offline queue', async () => {
    const d = await api(a, 'POST', '/v1/call', { infno: '1901', input: { data: { type: 'insutype' } } });
    expect(d.status).toBe(200);
    expect(d.json).toMatchObject({ infno: '1901', infcode: 0 });
    expect(d.json.msgid).toHaveLength(30);
    for (const infno of ['2207', '2207A', '2208', '2601']) {
      const r = await api(a, 'POST', '/v1/call', { infno, input: { data: {} } });
      expect(r, infno).toMatchObject({ status: 400, json: { code: 'BAD_INPUT' } });
      expect(r.json.detail).toMatch(/moves money/);
    }
    const refused = await api(a, 'POST', '/v1/call', { infno: '5203', input: { data: { psn_no: 'x', setl_id: 'y' } } });
    expect(refused.status).toBe(200); // the center's answer, whatever it is
    expect(refused.json.infcode).toBe(-1);

    const s = sb.ledger().find((l) => l.status === 'valid')!;
    const q = await api(a, 'POST', '/v1/queue', { infno: '4101', insuplc_admdvs: '510100', input: { setlinfo: { setl_id: s.setl_id, psn_no: s.psn_no }, payinfo: [] } });
    expect(q.status, JSON.stringify(q.json)).toBe(200);
    expect(q.json.msgid).toHaveLength(30);
    let items: any[] = [];
    for (let k = 0; k < 50; k++) {
      items = (await api(a, 'GET', '/v1/queue')).json.items;
      if (items[0]?.state === 'sent') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(items[0]).toMatchObject({ id: q.json.id, state: 'sent', msgid: q.json.msgid });
  });
});

describe('agent with a card reader (HeaSecReadInfo-style emulator through the koffi bridge)', () => {
  let a: Agent;
  let journal: Journal;
  let cardFile: string;
  const log: string[] = [];
  const gbk = (t: string) => Buffer.from(core.gbk.encode(t));
  // 张在职's social-security card (a sandbox seed person): 发卡地区|社会保障号码|卡号|卡识别码|姓名|…
  const CARD = '510100|510104198503152311|S51000001|510100D15600000500000000000000A1|张在职|00814E43238697159900BF7C7A|3.00|20200101|20300101|510100000001|DEV01|';
  beforeAll(async () => {
    const { buildEmulator } = await import('../../../legacy-com-bridge/src/native-build.js');
    const { createCardReader } = await import('../../../legacy-com-bridge/src/card-reader.js');
    const d = join(dir, 'card');
    cardFile = join(d, 'card.txt');
    mkdirSync(d, { recursive: true });
    writeFileSync(cardFile, gbk(CARD));
    const reader = createCardReader({ driver: 'heasec', library: buildEmulator('heasec'), init: { IP: '127.0.0.1', PORT: 7020, TIMEOUT: 6, LOG_PATH: d }, env: { HEASEC_CARD_FILE: cardFile }, core, timeoutMs: 10000 });
    journal = await openSqliteJournal(d);
    a = await startAgent({ token: TOKEN, journal, makeClient: factory(join(dir, 'one')), insuplcFallback: '510100', queueIntervalMs: 0, cardReader: reader, cardReaderName: 'heasec ss_card', log: (l) => log.push(l) });
  }, 120000);
  afterAll(async () => {
    await a?.close(); // closes the reader's bridge process too
    await journal?.close();
  });

  it('GET /v1/card returns the credential to the authenticated caller; the log sees it masked', async () => {
    expect((await api(a, 'GET', '/v1/card', undefined, null)).status).toBe(401);
    const c = await api(a, 'GET', '/v1/card');
    expect(c.status, JSON.stringify(c.json)).toBe(200);
    expect(c.json).toEqual({ kind: 'ss_card', mdtrt_cert_type: '03', mdtrt_cert_no: 'S51000001', card_sn: '510100D15600000500000000000000A1', psn_name: '张在职', certno: '510104198503152311', insuplc_admdvs: '510100' });
    const line = log.find((l) => l.startsWith('card '))!;
    expect(line).toBe('card ss_card 03 *****0001 张** 510104********2311');
    expect(log.join('\n')).not.toMatch(/510104198503152311|张在职|S51000001/);
    // the credential identifies the person at the center
    const id = await api(a, 'POST', '/v1/identify', { mdtrt_cert_type: c.json.mdtrt_cert_type, mdtrt_cert_no: c.json.mdtrt_cert_no, card_sn: c.json.card_sn });
    expect(id.json).toMatchObject({ psn_no: '51010000000000000001', psn_name: '张在职' });
    expect((await api(a, 'GET', '/v1/health')).json.card_reader).toBe('heasec ss_card');
  });

  it('kinds: ?kind=id_card (身份证), POST {kind}; a bad kind is 400; no card is 422 CARD_READ; a card the center refuses fails at identify', async () => {
    const sfz = await api(a, 'GET', '/v1/card?kind=id_card');
    expect(sfz.json).toMatchObject({ kind: 'id_card', mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311' });
    expect((await api(a, 'POST', '/v1/card', { kind: 'ec_token' })).json).toMatchObject({ kind: 'ec_token', mdtrt_cert_type: '01', mdtrt_cert_no: 'ECTOKEN-510100-0001' });
    expect(await api(a, 'GET', '/v1/card?kind=palm')).toMatchObject({ status: 400, json: { code: 'BAD_INPUT' } });
    writeFileSync(cardFile, '');
    try {
      const none = await api(a, 'GET', '/v1/card');
      expect(none).toMatchObject({ status: 422, json: { code: 'CARD_READ' } });
      expect(none.json.detail).toMatch(/-11/);
      // a card with a wrong 卡识别码: read fine, refused by the center
      writeFileSync(cardFile, gbk(CARD.replace('000000A1', '000000FF')));
      const bad = await api(a, 'GET', '/v1/card');
      expect(bad.status).toBe(200);
      expect(await api(a, 'POST', '/v1/identify', { mdtrt_cert_type: '03', mdtrt_cert_no: bad.json.mdtrt_cert_no, card_sn: bad.json.card_sn })).toMatchObject({ status: 422, json: { code: 'CENTER_ERROR' } });
    } finally {
      writeFileSync(cardFile, gbk(CARD));
    }
  });
});

describe('yibao agent card reader configuration (flags, else environment)', () => {
  it('none → null (501); heasec needs a library; kinds and Init JSON are checked; the environment works too', async () => {
    const { cardReaderFor } = await import('../cli-ops.js');
    const args = (one: Record<string, string>) => ({ one: new Map(Object.entries(one)), bools: new Set<string>() });
    expect(await cardReaderFor(args({}), {})).toBeNull();
    await expect(cardReaderFor(args({ '--card-reader': 'heasec' }), {})).rejects.toMatchObject({ code: 'USAGE' });
    await expect(cardReaderFor(args({ '--card-reader': 'acme', '--card-library': '/x.so' }), {})).rejects.toMatchObject({ code: 'USAGE' });
    await expect(cardReaderFor(args({ '--card-reader': 'heasec', '--card-library': '/x.so', '--card-kind': 'palm' }), {})).rejects.toMatchObject({ code: 'USAGE' });
    await expect(cardReaderFor(args({ '--card-reader': 'heasec', '--card-library': '/x.so', '--card-init': '{nope' }), {})).rejects.toMatchObject({ code: 'USAGE' });
    const f = join(dir, 'card-init.json');
    writeFileSync(f, JSON.stringify({ IP: '127.0.0.1', PORT: 7020 }));
    const fromEnv = await cardReaderFor(args({}), { YIBAO_CARD_READER: 'heasec', YIBAO_CARD_LIBRARY: '/x.so', YIBAO_CARD_KIND: 'id_card', YIBAO_CARD_INIT: `@${f}` });
    expect(fromEnv?.name).toBe('heasec id_card');
    await fromEnv!.reader.close(); // nothing was loaded: the bridge starts at the first read
  });
});

describe('agent auth helpers', () => {
  it('loadToken refuses a missing or short token; bearerChecker compares exactly', () => {
    expect(() => loadToken({})).toThrow(/needs a token/);
    expect(() => loadToken({ env: 'short' })).toThrow(/shorter than 16/);
    expect(loadToken({ env: `  ${TOKEN}\n` })).toBe(TOKEN);
    const check = bearerChecker(TOKEN);
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    expect(check(`bearer ${TOKEN}`)).toBe(true);
    expect(check(`Bearer ${TOKEN} x`)).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check(`Bearer`)).toBe(false);
  });
});

describe('two agents sharing one PostgreSQL', () => {
  let pg: PgServer;
  let a: Agent;
  let b: Agent;
  let ja: Journal;
  let jb: Journal;
  beforeAll(async () => {
    pg = await startPostgres();
    ja = await openPostgresJournal(pg.url);
    jb = await openPostgresJournal(pg.url);
    // two agents of one institution (one msgid sequence: the same state directory, as on one server; the other
    // suites of this file talk to the same sandbox, so they share it too — else their msgids could collide)
    const mk = factory(join(dir, 'one'));
    a = await startAgent({ token: TOKEN, journal: ja, makeClient: mk, insuplcFallback: '510100', queueIntervalMs: 0 });
    b = await startAgent({ token: TOKEN, journal: jb, makeClient: mk, insuplcFallback: '510100', queueIntervalMs: 0 });
  }, 120000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await ja?.close();
    await jb?.close();
    await pg?.stop();
  });

  it('settle and commit through one, the journal is shared: the other refuses the same HIS key and sees it confirmed', async () => {
    expect((await api(a, 'GET', '/v1/health')).json.journal).toBe('postgres');
    const s = await api(a, 'POST', '/v1/settle', { his_key: 'PG-1', bill: bill() });
    expect(s.status, JSON.stringify(s.json)).toBe(200);
    expect(await api(b, 'POST', '/v1/settle', { his_key: 'PG-1', bill: bill() })).toMatchObject({ status: 409, json: { code: 'DUPLICATE' } });
    expect((await api(a, 'POST', '/v1/commit', { his_key: 'PG-1' })).status).toBe(200);
    expect((await api(b, 'GET', '/v1/journal?his_key=PG-1')).json.entries[0]).toMatchObject({ state: 'confirmed', setl_id: s.json.setl_id });
    // a recover on the other agent does not touch it
    const r = await api(b, 'POST', '/v1/recover', {});
    expect(r.status).toBe(200);
    expect(sb.ledger().find((l) => l.setl_id === s.json.setl_id)!.status).toBe('valid');
  });

  it('never resolve the same uncertain transaction twice: both recover the same crashed entries at once', async () => {
    // settlements whose process died after sending (journal 'sent', no reply recorded): some reached the center, some not
    const c = factory(join(dir, 'one'))();
    const keys: string[] = [];
    const reached: { key: string; setl_id: string; msgid: string }[] = [];
    const lost: { key: string; msgid: string }[] = [];
    const people = ['510104198503152311', '510105195608221021', '510104197801122714', '510107199006074619'];
    for (let k = 0; k < 8; k++) {
      const key = `PG-CRASH-${k}`;
      keys.push(key);
      let msgid: string;
      let psn_no: string;
      let mdtrt_id: string;
      if (k % 2 === 0) {
        const r = await outpatientSettle(c, bill(people[k % 4]));
        msgid = r.msgids.settle!;
        psn_no = r.psn_no;
        mdtrt_id = r.mdtrt_id;
        reached.push({ key, setl_id: r.setl_id, msgid });
      } else {
        msgid = (await c.nextMsgid()).msgid; // the request never left
        psn_no = '51010000000000000001';
        mdtrt_id = '51012999999999';
        lost.push({ key, msgid });
      }
      const input_json = JSON.stringify({ data: { psn_no, mdtrt_id } });
      const e = await ja.begin({ msgid, infno: '2207A', op: 'settle', region: 'sichuan', his_key: key, input_json, input_digest: createHash('sha256').update(input_json).digest('hex'), psn_no, mdtrt_id });
      await ja.transition(e.id, 'intent', 'sent');
    }
    const his = Object.fromEntries(keys.map((k) => [k, false])); // the HIS never committed any of them
    const [ra, rb] = await Promise.all([api(a, 'POST', '/v1/recover', { his }), api(b, 'POST', '/v1/recover', { his })]);
    expect(ra.status, JSON.stringify(ra.json)).toBe(200);
    expect(rb.status, JSON.stringify(rb.json)).toBe(200);
    // whatever one left because the other held the lease, a second round finishes
    const rc = await api(a, 'POST', '/v1/recover', { his });
    expect(rc.status).toBe(200);
    const entries = (await api(b, 'GET', '/v1/journal?full=1')).json.entries.filter((e: any) => keys.includes(e.his_key));
    expect(entries).toHaveLength(8);
    expect(entries.every((e: any) => ['cancelled', 'reversed'].includes(e.state))).toBe(true);
    // (the reports' counts are not the proof: the center's record below is)
    // exactly one undo per entry at the center: one 2208 per settlement that reached it, one 2601 per lost one
    // (the center keeps every request it executed: its fingerprint is the request text)
    const msgs = [...sb.center.st.msgs.values()];
    for (const r of reached) {
      // undone at the center either by 2601 of its msgid or by 2208 of its setl_id — by exactly one request
      const e = entries.find((x: any) => x.his_key === r.key);
      const l = sb.ledger().find((x) => x.setl_id === r.setl_id)!;
      const cancels = msgs.filter((m) => m.infno === '2208' && m.fingerprint.includes(`"${r.setl_id}"`));
      const reversals = msgs.filter((m) => m.infno === '2601' && m.fingerprint.includes(`"${r.msgid}"`));
      expect(cancels.length + reversals.length, r.key).toBe(1);
      expect([...cancels, ...reversals][0]!.msgid).toBe(e.undo_msgid);
      expect(l.status).toBe(e.state); // 'cancelled' or 'reversed' on both sides
      expect(l.status === 'cancelled' ? l.cancel_msgid : l.reverse_msgid).toBe(e.undo_msgid);
    }
    for (const l of lost) {
      const e = entries.find((x: any) => x.his_key === l.key);
      expect(e.state).toBe('reversed');
      const rev = msgs.filter((m) => m.infno === '2601' && m.fingerprint.includes(`"${l.msgid}"`));
      expect(rev, l.key).toHaveLength(1);
      expect(rev[0]!.msgid).toBe(e.undo_msgid);
    }
    // and each entry was undone by exactly one request in total
    const undoIds = entries.map((e: any) => e.undo_msgid);
    expect(new Set(undoIds).size).toBe(8);
  });
});

describe('msgids of agents on several machines (--node)', () => {
  it('node N draws N001…N999 only, apart from other nodes even in one state database', async () => {
    const { nodeState, parseNode } = await import('./msgid-node.js');
    const st = openState(join(dir, 'nodes'));
    const n1 = nodeState(st, 1);
    const n2 = nodeState(st, 2);
    expect(n1.nextSeq('H1', '20261122010101')).toBe(1001);
    expect(n2.nextSeq('H1', '20261122010101')).toBe(2001);
    expect(n1.nextSeq('H1', '20261122010101')).toBe(1002);
    expect(n2.nextSeq('H1', '20261122010102')).toBe(2001); // a new second prunes node 2's old one only
    expect(n1.nextSeq('H1', '20261122010101')).toBe(1003);
    expect(nodeState(st, null)).toBe(st);
    expect(() => parseNode('0')).toThrow(/1 to 9/);
    expect(parseNode(undefined)).toBeNull();
    st.close();
  });
});

describe('agent admission', () => {
  it('works on at most maxInflight settlements at once; the others wait and all complete', async () => {
    let now = 0;
    let peak = 0;
    const order: string[] = [];
    const fake = () => ({
      async settle(req: { his_key: string }) {
        order.push(req.his_key);
        now++;
        peak = Math.max(peak, now);
        await new Promise((r) => setTimeout(r, 15));
        now--;
        return { journalId: 1, his_key: req.his_key, msgid: 'm', infno: '2207A', setl_id: 's', mdtrt_id: 'd', psn_no: 'p', setlinfo: {}, setldetail: [] };
      },
      async commit() {},
      async abort() {},
      async recover() {
        return { resolved: 0, confirmed: 0, cancelled: 0, reversed: 0, failed: 0 };
      },
    });
    const journal = await openSqliteJournal(join(dir, 'adm'));
    const a = await startAgent({ token: TOKEN, journal, makeClient: factory(join(dir, 'one')), reliable: fake, maxInflight: 2, queueIntervalMs: 0 });
    try {
      const keys = Array.from({ length: 8 }, (_, k) => `ADM-${k}`);
      const rs = [];
      for (const k of keys) {
        rs.push(api(a, 'POST', '/v1/settle', { his_key: k, bill: bill() }));
        await new Promise((r) => setTimeout(r, 2)); // arrival order
      }
      expect((await Promise.all(rs)).map((r) => r.status)).toEqual(keys.map(() => 200));
      expect(peak).toBe(2);
      expect([...order].sort()).toEqual(keys); // (arrival order over separate connections is not asserted: the OS decides it)
    } finally {
      await a.close();
      await journal.close();
    }
  });
});
