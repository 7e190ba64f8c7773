// Runs every test (vitest) and ends with one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'test', 'artifacts');
mkdirSync(outDir, { recursive: true });
const report = join(outDir, 'vitest-report.json');
if (existsSync(report)) rmSync(report);

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  passed = j.numPassedTests ?? 0;
  failed = (j.numFailedTests ?? 0) + (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
} else {
  failed = 1;
}
if (r.status !== 0 && failed === 0) failed = 1; // a crash or a failing suite without test results
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && r.status === 0 ? 0 : 1);
