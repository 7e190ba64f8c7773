// A private PostgreSQL server for `bench/load.mjs --pg` (the same recipe as host-node/src/testing/postgres.ts:
// initdb + pg_ctl in a temporary directory on a free loopback port; as root, run as the `postgres` user).
import { spawnSync, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function pgBin() {
  const ok = (d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl'));
  if (process.env.YIBAO_PG_BIN && ok(process.env.YIBAO_PG_BIN)) return process.env.YIBAO_PG_BIN;
  try {
    const d = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (ok(d)) return d;
  } catch {}
  const base = '/usr/lib/postgresql';
  for (const v of existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : []) if (ok(join(base, v, 'bin'))) return join(base, v, 'bin');
  throw new Error('PostgreSQL server binaries not found: apt-get install -y postgresql (or YIBAO_PG_BIN)');
}

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

export async function startPostgres() {
  const bin = pgBin();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'yibao-pg-bench-'));
  const sock = join(dir, 'sock');
  mkdirSync(sock);
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
    chownSync(sock, uid, gid);
  }
  const run = (cmd, a) => (root ? spawnSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...a], { encoding: 'utf8' }) : spawnSync(join(bin, cmd), a, { encoding: 'utf8' }));
  const data = join(dir, 'data');
  const i = run('initdb', ['-D', data, '-A', 'trust', '-U', 'yibao', '-E', 'UTF8', '--locale=C', '--no-sync']);
  if (i.status !== 0) throw new Error(`initdb: ${i.stderr}`);
  const port = await freePort();
  const s = run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${sock} -h 127.0.0.1 -c max_connections=200`, '-l', join(dir, 'log'), '-w', 'start']);
  if (s.status !== 0) throw new Error(`pg_ctl start: ${s.stderr}`);
  return {
    url: `postgres://yibao@127.0.0.1:${port}/postgres`,
    async stop() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
