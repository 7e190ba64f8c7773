// Copies core.wasm next to the compiled host so the package is self-contained; marks the CLI executable.
import { copyFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
copyFileSync(here('../../core-asm/build/core.wasm'), here('../dist/core.wasm'));
const cli = here('../dist/cli.js');
const src = readFileSync(cli, 'utf8');
if (!src.startsWith('#!')) writeFileSync(cli, '#!/usr/bin/env node\n' + src);
chmodSync(cli, 0o755);

// `npx yibao` from the repo root: make sure the workspace bin link exists even when npm skipped it
// because dist/cli.js did not exist yet at install time.
import { existsSync, mkdirSync, symlinkSync, lstatSync, unlinkSync } from 'node:fs';
const binDir = here('../../node_modules/.bin');
const link = binDir + '/yibao';
let ok = false;
try { ok = existsSync(link); } catch { ok = false; }
if (!ok) {
  mkdirSync(binDir, { recursive: true });
  try { lstatSync(link); unlinkSync(link); } catch { /* no dangling link */ }
  symlinkSync('../../host-node/dist/cli.js', link);
}
