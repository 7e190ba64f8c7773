#!/usr/bin/env node
// Load test of the agent: `npm run bench:load` (builds first) or
//   node bench/load.mjs [--levels=8,32,128] [--seconds=10] [--db=postgres://…|--pg] [--no-commit] [--delay=MS]
//
// Three processes on loopback: the sandbox center (`yibao sandbox`), the agent (`yibao agent`, SQLite journal
// with synchronous=FULL in a temporary --state, or PostgreSQL with --db / --pg = a private server started here)
// and this load generator. Each of N concurrent clients loops for the level's duration: POST /v1/settle (the
// whole outpatient flow: 1101 2201 2203 2204 2206 2207A, journaled) then POST /v1/commit. One settlement =
// settle + commit; its latency is the sum as a workstation sees it. After each level every settlement is
// checked: the journal says confirmed and the center's ledger holds exactly one settlement in force for it
// (nothing lost, nothing doubled). Prints a markdown table; writes bench/out/load.json.
import os from 'node:os';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import http from 'node:http';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'host-node/dist/cli.js');
const args = process.argv.slice(2);
const opt = (k, d) => (args.find((a) => a.startsWith(`--${k}=`)) ?? `--${k}=${d}`).slice(k.length + 3);
const LEVELS = opt('levels', '8,32,128').split(',').map(Number);
const SECONDS = Number(opt('seconds', '10'));
const COMMIT = !args.includes('--no-commit');
const DELAY = Number(opt('delay', '0'));
let DB = opt('db', '');
const TOKEN = randomBytes(24).toString('hex');

const children = [];
function startChild(argv, env = {}) {
  // --prof=DIR: CPU profiles of the sandbox and the agent (node --cpu-prof)
  const prof = opt('prof', '');
  const child = spawn(process.execPath, [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), cli, ...argv], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${argv[0]} process exited unexpectedly (code ${code}, signal ${signal})`);
  });
  const rl = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    rl.once('line', (l) => (l.startsWith('listening ') ? resolve({ child, url: l.slice(10) }) : reject(new Error(l))));
    child.once('exit', (c) => reject(new Error(`${argv[0]} exited ${c}`)));
  });
}
let stopping = false;
const cleanup = () => {
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
};
process.on('exit', cleanup);

/** CPU seconds (user + system) a process used so far (Linux /proc; null elsewhere). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // utime + stime in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '—');

const machine = {
  cpu: os.cpus()[0]?.model?.trim(),
  logical_cpus: os.cpus().length,
  mem_gib: +(os.totalmem() / 2 ** 30).toFixed(1),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  loadavg_at_start: os.loadavg().map((x) => +x.toFixed(2)),
};

async function main() {
  // --tmp=DIR puts the state (journal, msgid sequence) elsewhere, e.g. /dev/shm to see the cost without fsync
  const dir = mkdtempSync(join(opt('tmp', tmpdir()), 'yibao-load-'));
  let pg = null;
  if (args.includes('--pg')) {
    const { startPostgres } = await import('./lib/pg.mjs');
    pg = await startPostgres();
    DB = pg.url;
  }
  const sandbox = await startChild(['sandbox', '--region', 'sichuan', '--port', '0', ...(DELAY ? ['--fault', `delay:${DELAY}`] : [])]);
  const inflight = opt('inflight', '');
  const agentArgs = ['agent', '--state', join(dir, 'state'), '--region', 'sichuan', '--endpoint', sandbox.url, '--port', '0', ...(DB ? ['--db', DB] : []), ...(inflight ? ['--max-inflight', inflight] : [])];
  const agent = await startChild(agentArgs, { YIBAO_AGENT_TOKEN: TOKEN });
  const bill = JSON.parse(readFileSync(join(root, 'test/fixtures/demo-outpatient.json'), 'utf8'));
  const results = [];

  for (const level of LEVELS) {
    const dispatcher = new http.Agent({ keepAlive: true, maxSockets: level });
    const call = (path, body, method = 'POST') =>
      new Promise((resolve, reject) => {
        const data = body === undefined ? '' : JSON.stringify(body);
        const req = http.request(agent.url + path, {
          method, agent: dispatcher,
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
        }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode, json: text ? JSON.parse(text) : null });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(data);
      });
    const lat = [];
    const settleLat = [];
    const commitLat = [];
    const errors = new Map();
    const done = [];
    const tag = `L${level}-${Date.now().toString(36)}`;
    // warm-up: a few settlements per level, not counted
    await Promise.all(Array.from({ length: Math.min(level, 8) }, async (_, k) => {
      const key = `${tag}-warm-${k}`;
      const s = await call('/v1/settle', { his_key: key, bill: { ...bill, mdtrt_cert_type: '01', mdtrt_cert_no: `LOADTEST-W${k}`, ipt_otp_no: key } });
      if (s.status === 200 && COMMIT) await call('/v1/commit', { his_key: key });
      if (s.status === 200) done.push({ key, setl_id: s.json.setl_id, warm: true });
    }));
    const cpu0 = { sandbox: cpuSeconds(sandbox.child.pid), agent: cpuSeconds(agent.child.pid), load: process.cpuUsage() };
    const t0 = performance.now();
    const until = t0 + SECONDS * 1000;
    let seq = 0;
    await Promise.all(Array.from({ length: level }, async (_, c) => {
      while (performance.now() < until) {
        const i = seq++;
        const key = `${tag}-${c}-${i}`;
        const b = { ...bill, mdtrt_cert_type: '01', mdtrt_cert_no: `LOADTEST-P${i % 997}`, ipt_otp_no: key };
        const a = performance.now();
        const s = await call('/v1/settle', { his_key: key, bill: b });
        const m = performance.now();
        if (s.status !== 200) {
          const k = `settle ${s.status} ${s.json?.code}: ${String(s.json?.detail ?? '').slice(0, 120)}`;
          errors.set(k, (errors.get(k) ?? 0) + 1);
          continue;
        }
        if (COMMIT) {
          const cm = await call('/v1/commit', { his_key: key });
          if (cm.status !== 200) {
            const k = `commit ${cm.status} ${cm.json?.code}: ${String(cm.json?.detail ?? '').slice(0, 120)}`;
            errors.set(k, (errors.get(k) ?? 0) + 1);
            continue;
          }
        }
        const e = performance.now();
        lat.push(e - a);
        settleLat.push(m - a);
        commitLat.push(e - m);
        done.push({ key, setl_id: s.json.setl_id });
      }
    }));
    const wall = (performance.now() - t0) / 1000;
    const lc = process.cpuUsage(cpu0.load);
    const cpu = {
      sandbox_s: +(cpuSeconds(sandbox.child.pid) - cpu0.sandbox).toFixed(2),
      agent_s: +(cpuSeconds(agent.child.pid) - cpu0.agent).toFixed(2),
      loadgen_s: +((lc.user + lc.system) / 1e6).toFixed(2),
    };
    for (const x of [lat, settleLat, commitLat]) x.sort((p, q) => p - q);

    // verification: journal and center agree, one settlement in force per key
    const ledger = await (await fetch(sandbox.url + '/sandbox/ledger')).json();
    const bySetl = new Map(ledger.map((l) => [l.setl_id, l]));
    const journal = (await call(`/v1/journal?limit=100000&state=${COMMIT ? 'confirmed' : 'succeeded'}`, undefined, 'GET')).json.entries;
    dispatcher.destroy();
    const jByKey = new Map(journal.map((e) => [e.his_key, e]));
    let lost = 0;
    let doubled = 0;
    for (const d of done) {
      const l = bySetl.get(d.setl_id);
      const e = jByKey.get(d.key);
      if (!l || l.status !== 'valid' || !e || e.setl_id !== d.setl_id) lost++;
    }
    const mine = ledger.filter((l) => l.status === 'valid' && String(l.chrg_bchno ?? '').startsWith(tag));
    const perKey = new Map();
    for (const l of mine) perKey.set(l.chrg_bchno, (perKey.get(l.chrg_bchno) ?? 0) + 1);
    for (const n of perKey.values()) if (n > 1) doubled += n - 1;
    const extra = mine.length - done.length; // settled at the center without a settlement returned to a client
    const r = {
      clients: level, seconds: +wall.toFixed(2), settlements: lat.length, per_s: +(lat.length / wall).toFixed(1),
      p50_ms: +pct(lat, 50).toFixed(1), p90_ms: +pct(lat, 90).toFixed(1), p99_ms: +pct(lat, 99).toFixed(1), max_ms: +(lat.at(-1) ?? NaN).toFixed(1),
      settle_p50_ms: +pct(settleLat, 50).toFixed(1), settle_p99_ms: +pct(settleLat, 99).toFixed(1),
      commit_p50_ms: +pct(commitLat, 50).toFixed(1), commit_p99_ms: +pct(commitLat, 99).toFixed(1),
      errors: Object.fromEntries(errors), lost, doubled, center_without_reply: extra,
      cpu, cpu_ms_per_settlement: {
        sandbox: +((cpu.sandbox_s * 1000) / Math.max(1, lat.length)).toFixed(2),
        agent: +((cpu.agent_s * 1000) / Math.max(1, lat.length)).toFixed(2),
        loadgen: +((cpu.loadgen_s * 1000) / Math.max(1, lat.length)).toFixed(2),
      },
      loadavg: os.loadavg().map((x) => +x.toFixed(2)),
    };
    results.push(r);
    console.error(`level ${level}: ${r.settlements} settlements in ${r.seconds}s = ${r.per_s}/s, p50 ${ms(r.p50_ms)} ms, p99 ${ms(r.p99_ms)} ms, errors ${JSON.stringify(r.errors)}, lost ${lost}, doubled ${doubled}; CPU s: sandbox ${cpu.sandbox_s}, agent ${cpu.agent_s}, load ${cpu.loadgen_s}`);
  }

  const journalKind = DB ? 'PostgreSQL (synchronous_commit on, fsync on)' : 'SQLite WAL, synchronous=FULL';
  console.log(`\nmachine: ${machine.cpu}, ${machine.logical_cpus} logical CPUs, ${machine.mem_gib} GiB, ${machine.os}, Node ${machine.node}, load average at start ${machine.loadavg_at_start.join(' ')}`);
  console.log(`journal: ${journalKind}; ${SECONDS} s per level; settle${COMMIT ? ' + commit' : ''} per settlement${DELAY ? `; center delay ${DELAY} ms per call` : ''}\n`);
  console.log('| Concurrent clients | Settlements | Settlements/s | p50 | p90 | p99 | max | settle p50 / p99 | commit p50 / p99 | Errors | Lost / doubled |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const r of results) {
    const errs = Object.entries(r.errors).map(([k, v]) => `${v}× ${k}`).join('; ') || '0';
    console.log(`| ${r.clients} | ${r.settlements} | ${r.per_s} | ${ms(r.p50_ms)} ms | ${ms(r.p90_ms)} ms | ${ms(r.p99_ms)} ms | ${ms(r.max_ms)} ms | ${ms(r.settle_p50_ms)} / ${ms(r.settle_p99_ms)} ms | ${ms(r.commit_p50_ms)} / ${ms(r.commit_p99_ms)} ms | ${errs} | ${r.lost} / ${r.doubled} |`);
  }
  const out = join(root, 'bench/out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'load.json'), JSON.stringify({ machine, journal: journalKind, seconds: SECONDS, commit: COMMIT, delay_ms: DELAY, results, git: gitCommit() }, null, 2));
  cleanup();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
  const bad = results.some((r) => r.lost || r.doubled);
  process.exit(bad ? 1 : 0);
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((e) => {
  console.error(e);
  cleanup();
  process.exit(1);
});
