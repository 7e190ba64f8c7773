// Copies core.wasm next to the compiled host so the package is self-contained; marks the CLI executable.
import { copyFileSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
copyFileSync(here('../../core-asm/build/core.wasm'), here('../dist/core.wasm'));
const cli = here('../dist/cli.js');
const src = readFileSync(cli, 'utf8');
if (!src.startsWith('#!')) writeFileSync(cli, '#!/usr/bin/env node\n' + src);
chmodSync(cli, 0o755);
