// `yibao slist check FILE [--variant 4101|4101A] [--region R] [--code-table NAME=FILE]... [--json]`
//
// Runs the settlement-list quality rules (op 80; region overrides from plugins/national/slist-rules) on a
// 4101 / 4101A input ({setlinfo, payinfo, …}, or a whole request envelope with it under "input") and prints
// the violations as a table (路径/path, 规则/rule, 说明/message, 填写值/value — personal data masked) or, with
// --json, the core's result. Exit 0: no violation; 3: violations; 2: usage; 1: unreadable input or rules.
// A code table file is a JSON array of codes, or text with one code per line (the first TAB- or
// comma-separated column; blank lines and lines starting with # are skipped).
import { readFileSync } from 'node:fs';
import { createCore } from './core.js';
import { YibaoError } from './errors.js';
import { maskCard, maskId, maskName } from './mask.js';
import { checkSettlementList, type SlistVariant } from './slist.js';
import type { SlistCheckResult } from './contract.js';

export const SLIST_USAGE = `  yibao slist check FILE|- [--variant 4101|4101A] [--region R] [--code-table NAME=FILE]... [--json]
                                    settlement-list (结算清单) quality rules: the violations as a table (or JSON);
                                    exit 0 clean, 3 violations; --region sichuan|chengdu applies plugins/national/slist-rules`;

const VALUE_FLAGS = new Set(['--variant', '--region', '--code-table']);

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    throw YibaoError.host('IO_ERROR', `${what} ${file}: ${(e as Error).message}`, e);
  }
}

/** Codes of a code-table file: a JSON array, or one code per line (first column). */
export function readCodeTable(file: string): string[] {
  const text = readFile(file, 'code table').toString('utf8').replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw YibaoError.host('BAD_INPUT', `code table ${file}: ${(e as Error).message}`, e);
    }
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number')) throw YibaoError.host('BAD_INPUT', `code table ${file}: must be an array of codes`);
    return v.map(String);
  }
  return text.split(/\r?\n/).map((l) => l.split(/[\t,]/)[0]!.trim()).filter((l) => l && !l.startsWith('#'));
}

const SENSITIVE_ID = /^(certno|hi_no|psn_no)$/;
const SENSITIVE_NAME = /(^|_)name$/;
const SENSITIVE_TEL = /tel$/;

function masked(field: string, v: string | undefined): string {
  if (v === undefined) return '';
  if (SENSITIVE_ID.test(field)) return maskId(v);
  if (SENSITIVE_NAME.test(field) && !/^(fixmedins|acp_medins|diag|oprn_oprt|emp)_name$/.test(field)) return maskName(v);
  if (SENSITIVE_TEL.test(field)) return maskCard(v);
  return v;
}

/** display width: CJK and full-width characters take two columns */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}
const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width(s)));

export function renderViolations(r: SlistCheckResult): string {
  if (r.violations.length === 0) return `通过：${r.rules} 条规则均未发现问题 / clean: no violation of ${r.rules} rules\n`;
  const rows = [['路径 path', '规则 rule', '说明 message', '填写值 value'], ...r.violations.map((v) => [v.path, v.rule, v.message_zh, masked(v.field, v.value)])];
  const w = [0, 1, 2].map((i) => Math.min(60, Math.max(...rows.map((x) => width(x[i]!)))));
  const lines = rows.map((x) => [pad(x[0]!, w[0]!), pad(x[1]!, w[1]!), pad(x[2]!, w[2]!), x[3]].join('  ').trimEnd());
  lines.splice(1, 0, w.map((n) => '-'.repeat(n)).join('  '));
  lines.push('', `${r.violations.length} 处问题（${r.rules} 条规则）/ ${r.violations.length} violation(s) of ${r.rules} rules`);
  return lines.join('\n') + '\n';
}

export async function slistCommand(argv: string[]): Promise<number> {
  const positional: string[] = [];
  const one = new Map<string, string>();
  const tables: string[] = [];
  const bools = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '-') {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (VALUE_FLAGS.has(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw YibaoError.host('USAGE', `${name} needs a value`);
      if (name === '--code-table') tables.push(v);
      else one.set(name, v);
    } else if (name === '--json') bools.add(name);
    else throw YibaoError.host('USAGE', `slist: unknown flag ${name}`);
  }
  const [sub, file, extra] = positional;
  if (sub !== 'check' || !file || extra !== undefined) throw YibaoError.host('USAGE', SLIST_USAGE.trim().split('\n')[0]);
  const variant = (one.get('--variant') ?? '4101') as SlistVariant;
  if (variant !== '4101' && variant !== '4101A') throw YibaoError.host('USAGE', `--variant 4101|4101A, not ${variant}`);
  const codeTables: Record<string, string[]> = {};
  for (const t of tables) {
    const eq = t.indexOf('=');
    if (eq <= 0 || eq === t.length - 1) throw YibaoError.host('USAGE', `--code-table NAME=FILE, not ${t}`);
    codeTables[t.slice(0, eq)] = readCodeTable(t.slice(eq + 1));
  }
  const core = createCore();
  const bytes = readFile(file, 'list');
  let doc: unknown;
  try {
    doc = core.codec.json.parseExact(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    throw e instanceof YibaoError ? YibaoError.host('BAD_INPUT', `${file}: ${e.message}`, e) : e;
  }
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (!isObj(doc)) throw YibaoError.host('BAD_INPUT', `${file}: a JSON object {setlinfo, …} is expected`);
  const list = !('setlinfo' in doc) && isObj(doc.input) ? doc.input : doc;
  const r = checkSettlementList(core, list, { variant, region: one.get('--region'), codeTables: tables.length ? codeTables : undefined });
  process.stdout.write(bools.has('--json') ? JSON.stringify(r) + '\n' : renderViolations(r));
  return r.ok ? 0 : 3;
}
