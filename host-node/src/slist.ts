// Settlement lists (医疗保障基金结算清单, national 4101 / 4101A): the quality check before an upload and the
// upload itself.
//
//   checkSettlementList(core, list, { variant: '4101A', region: 'sichuan' })  → { ok, violations, rules }
//   await uploadSettlementList(client, list)                                  → { setl_list_id, … }
//
// The rules run in the core (op 80, core-asm/README.md "Settlement-list quality rules"): the built-in national
// table, then the region's overrides from plugins/national/slist-rules/<region>.json (`extends` followed, e.g.
// chengdu → sichuan), then the caller's own `overrides`. A region without a file ('national', and any region
// of the national family without local rules) uses the national table as it is.
//
// uploadSettlementList refuses a list with violations (SlistInvalidError, code SLIST_INVALID, carrying every
// violation) unless `force` is set, then calls 4101 or 4101A (the region's preference, or `variant`) and reads
// the 清单流水号 from `output.setl_list_id` or, in the regional variant of the cn.hsa.module.insure lineage,
// `output.data.setl_list_id` (wire-formats-ws.md §3.2). Re-uploading a corrected list for the same setl_id is
// allowed by the national interface (a new 4101 under a new msgid; the center keeps the latest); the same msgid
// sent again is the same request and gets the stored reply. Amounts in the list are decimal yuan strings as on
// the wire (the list is a document, not a settlement: nothing is converted).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Core, SlistCheckResult, SlistViolation } from './contract.js';
import type { Client, CallResult } from './client.js';
import { centerError } from './client.js';
import { YibaoError } from './errors.js';
import type { OfflineQueueHandle } from './offline-queue.js';

export type SlistVariant = '4101' | '4101A';

export interface SlistOptions {
  /** '4101' (default for checks) or '4101A' */
  variant?: SlistVariant;
  /** region whose override file applies; absent or 'national' = the national table only */
  region?: string;
  /** a whole rule table replacing the built-in one (rare: tests, a deployment with its own catalogue) */
  rules?: unknown[];
  /** more overrides, applied after the region's */
  overrides?: unknown[];
  /** code tables by name (icd10, icd9cm3, dept … : large catalogues the core does not embed) */
  codeTables?: Record<string, string[]>;
  /** folder of the region files (default plugins/national/slist-rules beside this package, or YIBAO_SLIST_RULES_DIR) */
  rulesDir?: string;
}

/** A region's rule file: plugins/national/slist-rules/<region>.json */
export interface SlistRegionFile {
  region: string;
  /** another region whose overrides apply first */
  extends?: string;
  source?: string;
  overrides: unknown[];
}

/** The list was refused before sending: `violations` says what to fix. */
export class SlistInvalidError extends YibaoError {
  readonly violations: SlistViolation[];
  constructor(violations: SlistViolation[], variant: string) {
    const first = violations.slice(0, 5).map((v) => `${v.path} ${v.message_zh}`).join('；');
    const h = YibaoError.host('SLIST_INVALID', `${variant}: ${violations.length} violation(s): ${first}${violations.length > 5 ? '；…' : ''}`);
    super({ status: h.status, code: h.code, message_zh: h.messageZh, message_en: h.messageEn, detail: h.detail });
    this.violations = violations;
  }
}

export function defaultRulesDir(): string {
  const env = process.env.YIBAO_SLIST_RULES_DIR;
  if (env) return env;
  // host-node/src/slist.ts and host-node/dist/*.js are both two levels below the repository root
  return fileURLToPath(new URL('../../plugins/national/slist-rules/', import.meta.url));
}

/** The override list of a region (its `extends` chain first); [] for 'national' / no region. */
export function regionOverrides(region: string | undefined, dir = defaultRulesDir()): unknown[] {
  if (!region || region === 'national') return [];
  const seen = new Set<string>();
  const chain: SlistRegionFile[] = [];
  let r: string | undefined = region;
  while (r && r !== 'national') {
    if (seen.has(r)) throw YibaoError.host('SLIST_REGION', `${region}: "extends" loops through ${r}`);
    seen.add(r);
    if (!/^[a-z][a-z0-9-]*$/.test(r)) throw YibaoError.host('SLIST_REGION', `invalid region name "${r}"`);
    const file = join(dir, `${r}.json`);
    if (!existsSync(file)) {
      if (r === region) return []; // a region with no local rules: the national table applies
      throw YibaoError.host('SLIST_REGION', `${region} extends ${r}, but ${file} does not exist`);
    }
    let doc: SlistRegionFile;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as SlistRegionFile;
    } catch (e) {
      throw YibaoError.host('SLIST_REGION', `${file}: ${(e as Error).message}`, e);
    }
    if (!doc || !Array.isArray(doc.overrides)) throw YibaoError.host('SLIST_REGION', `${file}: "overrides" must be an array`);
    chain.unshift(doc);
    r = doc.extends;
  }
  return chain.flatMap((d) => d.overrides);
}

/** Runs the quality rules (op 80) on a 4101 / 4101A input. */
export function checkSettlementList(core: Core, list: Record<string, unknown>, o: SlistOptions = {}): SlistCheckResult {
  const overrides = [...regionOverrides(o.region, o.rulesDir), ...(o.overrides ?? [])];
  return core.slist.check({
    list,
    variant: o.variant ?? '4101',
    ...(o.rules ? { rules: o.rules } : {}),
    ...(overrides.length ? { overrides } : {}),
    ...(o.codeTables ? { codeTables: o.codeTables } : {}),
  });
}

export interface UploadOptions extends SlistOptions {
  /** send even when the local check finds violations (they are returned in the result) */
  force?: boolean;
}

export interface UploadResult {
  /** 清单流水号 */
  setl_list_id: string;
  infno: string;
  msgid: string;
  /** where the center put the id: output.setl_list_id or output.data.setl_list_id */
  idAt: 'output' | 'output.data';
  warn_msg: string;
  /** violations of the local check (non-empty only when forced) */
  violations: SlistViolation[];
  reply: CallResult;
}

/** The variant a client uses for settlementList (4101A where the region prefers A variants). */
export function variantOf(client: Client, o: { variant?: SlistVariant } = {}): SlistVariant {
  if (o.variant) return o.variant;
  return client.infno('settlementList') === '4101A' ? '4101A' : '4101';
}

/** setl_list_id from either reply position; undefined when the reply has none. */
export function setlListIdOf(output: Record<string, unknown>): { id: string; at: 'output' | 'output.data' } | undefined {
  const direct = output.setl_list_id;
  if (direct !== undefined && direct !== null && String(direct) !== '') return { id: String(direct), at: 'output' };
  const data = output.data;
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const nested = (data as Record<string, unknown>).setl_list_id;
    if (nested !== undefined && nested !== null && String(nested) !== '') return { id: String(nested), at: 'output.data' };
  }
  return undefined;
}

/**
 * Checks the list, then uploads it with 4101 / 4101A. Throws SlistInvalidError (nothing sent) when the check
 * finds violations and `force` is not set; CENTER_ERROR when the center refuses (err_msg names the fields);
 * BAD_REPLY when an accepted reply has no setl_list_id in either position.
 */
export async function uploadSettlementList(client: Client, list: Record<string, unknown>, o: UploadOptions = {}): Promise<UploadResult> {
  const variant = variantOf(client, o);
  const region = o.region ?? client.plugin.manifest.id;
  const check = checkSettlementList(client.core, list, { ...o, variant, region });
  if (!check.ok && !o.force) throw new SlistInvalidError(check.violations, variant);
  const infno = client.infno('settlementList', variant);
  const r = await client.call(infno, list);
  if (r.infcode !== 0) throw centerError(r);
  const found = setlListIdOf(r.output as Record<string, unknown>);
  if (!found) throw YibaoError.host('BAD_REPLY', `${infno} ${r.msgid}: the reply has no setl_list_id (looked in output and output.data)`);
  return { setl_list_id: found.id, infno, msgid: r.msgid, idAt: found.at, warn_msg: r.warn_msg ?? '', violations: check.violations, reply: r };
}

/**
 * The same check, then the list goes into the offline queue (host-node/src/offline-queue.ts) instead of the
 * wire: for a center outage. The queue replays it under the msgid returned here, exactly once.
 */
export async function enqueueSettlementList(
  queue: OfflineQueueHandle,
  core: Core,
  list: Record<string, unknown>,
  o: UploadOptions & { variant: SlistVariant; region?: string; his_key?: string; insuplc_admdvs?: string },
): Promise<{ id: number; msgid: string; violations: SlistViolation[] }> {
  const check = checkSettlementList(core, list, o);
  if (!check.ok && !o.force) throw new SlistInvalidError(check.violations, o.variant);
  const r = await queue.enqueue({ infno: o.variant, input_json: JSON.stringify(list), his_key: o.his_key, insuplc_admdvs: o.insuplc_admdvs });
  return { ...r, violations: check.violations };
}
