// A private PostgreSQL server for tests and benchmarks: initdb into a temporary directory, pg_ctl start on a
// free loopback port, pg_ctl stop and delete on stop(). Nothing is skipped: when the server binaries are
// missing, startPostgres() throws an error that says what to install.
//
//   YIBAO_TEST_PG_URL=postgres://user@host:port/db  use that server instead (a fresh database per start, dropped on stop)
//   YIBAO_PG_BIN=/usr/lib/postgresql/15/bin          where initdb / pg_ctl are (default: pg_config --bindir, then /usr/lib/postgresql/*/bin)
//
// Running as root (containers, CI), the server runs as the `postgres` user (created by the Debian package).
import { spawnSync, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PgServer {
  /** postgres://… of a database nobody else uses */
  url: string;
  /** stops the server (or drops the database) and deletes its files */
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'PostgreSQL server binaries (initdb, pg_ctl) not found. Install the Debian package `postgresql` ' +
  '(apt-get install -y postgresql), or set YIBAO_PG_BIN to the directory holding initdb and pg_ctl, ' +
  'or YIBAO_TEST_PG_URL to an existing server (postgres://user@host:port/db) on which the tests may create databases.';

/** Directory of initdb / pg_ctl, or throws with what to install. */
export function findPgBin(): string {
  const ok = (d: string) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'));
  const env = process.env.YIBAO_PG_BIN;
  if (env) {
    if (!ok(env)) throw new Error(`YIBAO_PG_BIN=${env} has no initdb / pg_ctl. ${INSTALL_HINT}`);
    return env;
  }
  try {
    const d = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (d && ok(d)) return d;
  } catch {
    // no pg_config: look at the Debian layout
  }
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (ok(join(base, v, 'bin'))) return join(base, v, 'bin');
  }
  throw new Error(INSTALL_HINT);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const live = new Set<() => void>();
let hooked = false;
function stopAllAtExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const f of live) f();
  });
}

async function onExistingServer(adminUrl: string): Promise<PgServer> {
  const name = `yibao_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async stop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Starts a private PostgreSQL server (see the top of this file). */
export async function startPostgres(opts: { fsync?: boolean } = {}): Promise<PgServer> {
  if (process.env.YIBAO_TEST_PG_URL) return onExistingServer(process.env.YIBAO_TEST_PG_URL);
  const bin = findPgBin();
  const root = process.getuid?.() === 0;
  let uid = -1;
  let gid = -1;
  if (root) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) throw new Error(`running as root: PostgreSQL refuses to run as root and there is no \`postgres\` user (the Debian package \`postgresql\` creates it). ${INSTALL_HINT}`);
    uid = Number(id.stdout.trim());
    gid = Number(g.stdout.trim());
  }
  const dir = mkdtempSync(join(tmpdir(), 'yibao-pg-'));
  const data = join(dir, 'data');
  const sock = join(dir, 'sock');
  mkdirSync(sock);
  if (root) {
    chownSync(dir, uid, gid);
    chownSync(sock, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const r = root ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { encoding: 'utf8' }) : spawnSync(join(bin, cmd), args, { encoding: 'utf8' });
    return r;
  };
  const init = run('initdb', ['-D', data, '-A', 'trust', '-U', 'yibao', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${bin}): ${init.stderr || init.stdout || init.error?.message}`);
  }
  const log = join(dir, 'server.log');
  let port = 0;
  let started = false;
  let lastErr = '';
  for (let attempt = 0; attempt < 5 && !started; attempt++) {
    port = await freePort();
    const o = `-p ${port} -k ${sock} -h 127.0.0.1 -c fsync=${opts.fsync === false ? 'off' : 'on'} -c max_connections=200`;
    const r = run('pg_ctl', ['-D', data, '-o', o, '-l', log, '-w', '-t', '60', 'start']);
    if (r.status === 0) started = true;
    else lastErr = `${r.stderr || r.stdout}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`;
  }
  if (!started) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed: ${lastErr}`);
  }
  const stopSync = () => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  live.add(stopSync);
  stopAllAtExit();
  return {
    url: `postgres://yibao@127.0.0.1:${port}/postgres`,
    async stop() {
      live.delete(stopSync);
      stopSync();
    },
  };
}
