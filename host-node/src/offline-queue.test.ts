// The offline queue against the real sandbox center over loopback. "Center down" is a closed port; "center
// up" is a TCP relay opened on that very port in front of the sandbox, so the queue's client never changes.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createCore } from './core.js';
import type { Client } from './client.js';
import { outpatientSettle } from './flows.js';
import { openOfflineQueue } from './offline-queue.js';
import { startSandbox, type Sandbox } from '../../plugins/national/sandbox/server.js';
import { freePort, sichuanClientAt } from './testing/loopback.js';

const core = createCore();
const bill = JSON.parse(readFileSync(join(import.meta.dirname, '../../test/fixtures/demo-outpatient.json'), 'utf8'));
let sb: Sandbox;
let dir: string;

const clientAt = (url: string, stateDir = join(dir, 'state')): Client => sichuanClientAt(core, url, stateDir);

/** Opens a TCP relay on `port` to the sandbox: the center comes up on that address. */
async function relay(port: number, to: number): Promise<{ close(): Promise<void> }> {
  const open = new Set<Socket>();
  const s: Server = createServer((a) => {
    const b = connect(to, '127.0.0.1');
    open.add(a).add(b);
    a.pipe(b).pipe(a);
    a.on('error', () => b.destroy());
    b.on('error', () => a.destroy());
    a.on('close', () => open.delete(a));
    b.on('close', () => open.delete(b));
  });
  await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
  return {
    close: () =>
      new Promise<void>((r) => {
        s.close(() => r());
        for (const x of open) x.destroy(); // the client's keep-alive connections: the center goes down at once
      }),
  };
}

/** A settlement at the center to attach 4101 lists to. */
async function settled(n: number) {
  const c = clientAt(sb.url);
  const out: { setl_id: string; psn_no: string }[] = [];
  for (let k = 0; k < n; k++) {
    const r = await outpatientSettle(c, { ...bill, mdtrt_cert_no: ['510104198503152311', '510105195608221021', '510104197801122714'][k % 3], ipt_otp_no: `OQ${Date.now()}${k}` });
    out.push({ setl_id: r.setl_id, psn_no: r.psn_no });
  }
  return out;
}

const list4101 = (s: { setl_id: string; psn_no: string }, tag: string) =>
  JSON.stringify({ setlinfo: { setl_id: s.setl_id, psn_no: s.psn_no, memo: tag }, payinfo: [], opspdiseinfo: [], diseinfo: [], iteminfo: [], oprninfo: [], icuinfo: [] });

/** The 4101 lists the center stored, in arrival order, with the msgid of the request that stored each. */
function centerLists(): { setl_id: string; memo: string; msgid: string }[] {
  const byMsgid = [...sb.center.st.msgs.values()].filter((m) => m.infno === '4101' && m.reply.infcode === 0);
  return [...sb.center.st.settlementLists.entries()].map(([id, l]) => {
    const m = byMsgid.find((x) => new TextDecoder().decode(x.reply.body).includes(id));
    return { setl_id: l.setl_id, memo: String((l.data.setlinfo as Record<string, unknown>).memo), msgid: m?.msgid ?? '' };
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-oq-'));
  sb = await startSandbox({ region: 'sichuan' });
});
afterAll(async () => {
  await sb?.close();
});

describe('offline queue', () => {
  it('keeps items while the center is down, then replays them in order, exactly once, under their enqueue msgids', async () => {
    const setl = await settled(3);
    const port = await freePort();
    let clock = Date.now();
    const q = openOfflineQueue({ db: join(dir, 'q1.db'), client: clientAt(`http://127.0.0.1:${port}`), now: () => clock, backoff: { baseMs: 1000, jitter: 0 } });
    const before = centerLists().length;
    const ids = [];
    for (let k = 0; k < 3; k++) ids.push(await q.enqueue({ infno: '4101', input_json: list4101(setl[k]!, `item${k}`), his_key: `INV-${k}`, insuplc_admdvs: '510100' }));
    expect(new Set(ids.map((x) => x.msgid)).size).toBe(3);
    expect(await q.pending()).toBe(3);

    // center down: nothing sent, the head is scheduled again with backoff, the others wait behind it
    expect(await q.drain()).toEqual({ sent: 0, failed: 0, pending: 3 });
    const h1 = q.get(ids[0]!.id)!;
    expect(h1.attempts).toBe(1); // built (signed in earlier, sign_no cached), stored, sent: connection refused
    expect(h1.last_error).toMatch(/^TRANSPORT_NETWORK/);
    expect(Date.parse(h1.next_attempt_at)).toBe(clock + 1000);
    expect(await q.drain()).toEqual({ sent: 0, failed: 0, pending: 3 }); // not due yet: no attempt
    expect(q.get(ids[0]!.id)!.last_error).toBe(h1.last_error);
    clock += 1000;
    expect(await q.drain()).toEqual({ sent: 0, failed: 0, pending: 3 });
    expect(Date.parse(q.get(ids[0]!.id)!.next_attempt_at)).toBe(clock + 2000); // exponential
    expect(q.get(ids[1]!.id)!.last_error).toBeNull();
    expect(centerLists().length).toBe(before);

    // center up on the same address
    const up = await relay(port, sb.port);
    try {
      clock += 2000;
      expect(await q.drain()).toEqual({ sent: 3, failed: 0, pending: 0 });
      const got = centerLists().slice(before);
      expect(got.map((l) => l.memo)).toEqual(['item0', 'item1', 'item2']);
      expect(got.map((l) => l.msgid)).toEqual(ids.map((x) => x.msgid));
      for (const x of ids) {
        const it = q.get(x.id)!;
        expect(it.state).toBe('sent');
        expect(JSON.parse(it.reply_json!).setl_list_id).toBeTruthy();
      }
      expect(await q.drain()).toEqual({ sent: 0, failed: 0, pending: 0 });
      expect(centerLists().length).toBe(before + 3);
    } finally {
      await up.close();
      q.close();
    }
  });

  it('a business refusal (infcode -1) marks the item failed with the message and the queue goes on', async () => {
    const [s] = await settled(1);
    const q = openOfflineQueue({ db: join(dir, 'q2.db'), client: clientAt(sb.url) });
    const bad = await q.enqueue({ infno: '4101', input_json: list4101({ setl_id: '51013999999999', psn_no: s!.psn_no }, 'bad'), insuplc_admdvs: '510100' });
    const good = await q.enqueue({ infno: '4101', input_json: list4101(s!, 'good'), insuplc_admdvs: '510100' });
    expect(await q.drain()).toEqual({ sent: 1, failed: 1, pending: 0 });
    expect(q.get(bad.id)).toMatchObject({ state: 'failed' });
    expect(q.get(bad.id)!.last_error).toMatch(/infcode -1: .*结算ID【51013999999999】不存在/);
    expect(q.get(good.id)!.state).toBe('sent');
    expect(await q.drain()).toEqual({ sent: 0, failed: 0, pending: 0 }); // not retried forever
    q.close();
  });

  it('refuses money-moving transactions and bad input', async () => {
    const q = openOfflineQueue({ db: ':memory:', client: clientAt(sb.url) });
    await expect(q.enqueue({ infno: '2207', input_json: '{}' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(q.enqueue({ infno: '2601', input_json: '{}' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(q.enqueue({ infno: '4101', input_json: '[1]' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(q.enqueue({ infno: '9999', input_json: '{}' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    q.close();
  });

  it('a crash between send and mark: reopened, the item is resent with the same msgid and body, and the center does not store it twice', async () => {
    const [s] = await settled(1);
    const file = join(dir, 'q3.db');
    const crash = openOfflineQueue({ db: file, client: clientAt(sb.url), hooks: { afterSend: () => { throw new Error('simulated crash after send, before mark'); } } });
    const { id, msgid } = await crash.enqueue({ infno: '4101', input_json: list4101(s!, 'crash'), insuplc_admdvs: '510100' });
    const before = centerLists().length;
    await expect(crash.drain()).rejects.toThrow(/simulated crash/);
    crash.close();
    expect(centerLists().length).toBe(before + 1); // the center did it
    const firstReply = [...sb.center.st.msgs.values()].find((m) => m.msgid === msgid)!.reply;

    const q = openOfflineQueue({ db: file, client: clientAt(sb.url) });
    expect(q.get(id)!.state).toBe('queued');
    expect(await q.drain()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(centerLists().length).toBe(before + 1); // replayed, not redone
    const it = q.get(id)!;
    expect(it.msgid).toBe(msgid);
    expect(it.attempts).toBe(2);
    // the queue got the center's stored reply: the same setl_list_id as the first send
    const stored = JSON.parse(new TextDecoder().decode(firstReply.body)).output.setl_list_id;
    expect(JSON.parse(it.reply_json!).setl_list_id).toBe(stored);
    q.close();
  });

  it('a crash before the send with a sign_no revoked meanwhile: the request is rebuilt with a new sign-in and the same msgid', async () => {
    const [s] = await settled(1);
    const file = join(dir, 'q4.db');
    const stateDir = join(dir, 'state'); // one institution, one state: msgids must not collide
    const c1 = clientAt(sb.url, stateDir);
    const crash = openOfflineQueue({ db: file, client: c1, hooks: { beforeSend: () => { throw new Error('simulated crash before send'); } } });
    const { id, msgid } = await crash.enqueue({ infno: '4101', input_json: list4101(s!, 'resign'), insuplc_admdvs: '510100' });
    await expect(crash.drain()).rejects.toThrow(/simulated crash/);
    crash.close();
    await c1.signOut(); // the sign_no in the stored request is dead now
    const before = centerLists().length;
    const q = openOfflineQueue({ db: file, client: clientAt(sb.url, stateDir) });
    expect(await q.drain()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(centerLists().length).toBe(before + 1);
    expect(centerLists().at(-1)!.msgid).toBe(msgid);
    expect(q.get(id)!.attempts).toBe(3); // stored (crash), refused sign_no, rebuilt
    q.close();
  });

  it('a reply lost after the center committed (drop-after-commit) is retried later and answered from the stored reply', async () => {
    const [s] = await settled(1);
    let clock = Date.now();
    const q = openOfflineQueue({ db: join(dir, 'q5.db'), client: clientAt(sb.url), now: () => clock, backoff: { baseMs: 500, jitter: 0 } });
    const { id } = await q.enqueue({ infno: '4101', input_json: list4101(s!, 'drop'), insuplc_admdvs: '510100' });
    const before = centerLists().length;
    sb.setFaults([{ kind: 'drop-after-commit', p: 1 }]);
    try {
      expect(await q.drain()).toEqual({ sent: 0, failed: 0, pending: 1 });
    } finally {
      sb.setFaults([]);
    }
    expect(centerLists().length).toBe(before + 1);
    clock += 500;
    expect(await q.drain()).toEqual({ sent: 1, failed: 0, pending: 0 });
    expect(centerLists().length).toBe(before + 1);
    expect(q.get(id)!.state).toBe('sent');
    q.close();
  });
});
