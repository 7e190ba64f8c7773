// Builds the C emulators of vendor libraries with gcc at test (or sandbox) time: one shared library per
// source set, cached in a temp directory by the hash of the sources and flags, so a rebuild happens only
// when a source changes. Used by the tests and by `yibao sandbox --region …`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { YibaoError } from '../../host-node/src/errors.js';
import { findUp } from './bridge.js';

/** Emulators shipped in this repository: name → C sources (relative to the repository root). */
export const EMULATORS: Record<string, string[]> = {
  /** Chengdu Yinhai 5.0 `yh_interface_*`, forwarding to the Chengdu sandbox center (YH_CENTER) */
  libyh: ['plugins/chengdu/emulator/libyh.c'],
  /** HeaSecReadInfo-style card reader (Init / ReadCardBas / ReadSFZ) + NationEcTrans */
  heasec: ['legacy-com-bridge/test/fixtures/heasec.c'],
  /** the bridge's own unit-test library (echo, out buffers, hang, segfault, a COM-style object) */
  bridgetest: ['legacy-com-bridge/test/fixtures/bridgetest.c'],
};

export interface BuildOptions {
  /** output directory (default: $TMPDIR/yibao-emulators) */
  cacheDir?: string;
  /** extra gcc flags */
  flags?: string[];
  /** compiler (default: $CC or gcc) */
  cc?: string;
}

const libExt = process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';

/** Hashes a C file and, recursively, the local headers it includes with #include "…" (so a header change rebuilds). */
function hashWithIncludes(h: ReturnType<typeof createHash>, file: string, seen: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  const text = readFileSync(file);
  h.update(basename(file)).update(text);
  for (const m of text.toString('latin1').matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    const inc = join(dirname(file), m[1]);
    if (existsSync(inc)) hashWithIncludes(h, inc, seen);
  }
}

/** Compiles C sources into one shared library (cached by content hash, headers included); returns its path. */
export function buildSharedLibrary(name: string, sources: string[], o: BuildOptions = {}): string {
  const cc = o.cc ?? process.env.CC ?? 'gcc';
  const flags = ['-shared', '-O1', '-Wall', '-Wextra', ...(process.platform === 'win32' ? [] : ['-fPIC']), ...(o.flags ?? [])];
  const libs = process.platform === 'win32' ? ['-lws2_32'] : [];
  const h = createHash('sha256');
  h.update(JSON.stringify({ cc, flags, libs, platform: process.platform, arch: process.arch }));
  for (const s of sources) {
    if (!existsSync(s)) throw YibaoError.host('IO_ERROR', `emulator source ${s} not found`);
    hashWithIncludes(h, s, new Set());
  }
  const dir = o.cacheDir ?? join(tmpdir(), 'yibao-emulators');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-${h.digest('hex').slice(0, 16)}${libExt}`);
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    execFileSync(cc, [...flags, '-o', tmp, ...sources, ...libs], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw YibaoError.host('BRIDGE_LOAD', `${cc} failed for ${name}: ${err.stderr?.toString() || err.message}`, e);
  }
  renameSync(tmp, out); // atomic: parallel test workers never load a half-written library
  return out;
}

/** Builds one of the EMULATORS (or any name with explicit sources) and returns the library path. */
export function buildEmulator(name: string, sources?: string[], o: BuildOptions = {}): string {
  const rel = sources ?? EMULATORS[name];
  if (!rel) throw YibaoError.host('USAGE', `unknown emulator ${name} (known: ${Object.keys(EMULATORS).join(', ')})`);
  const abs = rel.map((r) => {
    if (existsSync(r)) return r;
    const p = findUp(r);
    if (!p) throw YibaoError.host('IO_ERROR', `emulator source ${r} not found`);
    return p;
  });
  return buildSharedLibrary(name, abs, o);
}
