// Settlement lists on the host: region rules, the check before an upload, and 4101 / 4101A against the real
// national sandbox center over loopback (both reply positions of setl_list_id, the center's own refusal of a
// list missing required fields, re-upload, the offline queue).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from './core.js';
import { createClient, type Client } from './client.js';
import { createHttpTransport } from './transport-http.js';
import { openState } from './state.js';
import { SANDBOX_INSTITUTION } from './config.js';
import { outpatientSettle } from './flows.js';
import { openOfflineQueue } from './offline-queue.js';
import { YibaoError } from './errors.js';
import {
  checkSettlementList, enqueueSettlementList, regionOverrides, setlListIdOf, SlistInvalidError, uploadSettlementList, variantOf,
} from './slist.js';
import { createNationalPlugin, createSichuanPlugin, SICHUAN_MANIFEST } from '../../plugins/national/index.js';
import { startSandbox, type Sandbox } from '../../plugins/national/sandbox/server.js';

const core = createCore();
const root = join(import.meta.dirname, '../..');
const read = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8'));
const LIST_4101 = read('core-asm/rules/examples/4101-inpatient.json');
const LIST_4101A = read('core-asm/rules/examples/4101A-newborn.json');
const bill = read('test/fixtures/demo-outpatient.json');
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
let sb: Sandbox;
let dir: string;

function clientAt(plugin: 'sichuan' | 'national'): Client {
  const p = plugin === 'sichuan' ? createSichuanPlugin({ core }) : createNationalPlugin({ core });
  const transport = createHttpTransport({ endpoint: sb.url, path: SICHUAN_MANIFEST.transport.path, core, timeoutMs: 5000 });
  return createClient({ plugin: p, transport, core, institution: SANDBOX_INSTITUTION, state: openState(join(dir, 'state')) }); // one msgid sequence for both clients
}

/** a settled outpatient visit of the demo patient, and a complete list for it (Sichuan units) */
async function settledList(c: Client, variant: '4101' | '4101A') {
  const r = await outpatientSettle(c, { ...bill, ipt_otp_no: `SL${Date.now()}${Math.floor(Math.random() * 1000)}` });
  const l = clone(variant === '4101' ? LIST_4101 : LIST_4101A);
  Object.assign(l.setlinfo, { setl_id: r.setl_id, mdtrt_id: r.mdtrt_id });
  if (variant === '4101') l.setlinfo.hi_no = r.psn_no; // a 4101 list names the person by hi_no
  else l.setlinfo.psn_no = r.psn_no;
  if (variant === '4101') l.setlinfo.bld_unt = 'u';
  else l.bldinfo[0].bld_unt = 'u';
  return { list: l, setl_id: r.setl_id, psn_no: r.psn_no };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-slist-'));
  sb = await startSandbox({ region: 'sichuan', core, settlementList: { check: true } });
});
afterAll(async () => {
  await sb?.close();
});

describe('region rules', () => {
  it('national has no overrides; chengdu = sichuan first, then its own; an unknown region uses the national table', () => {
    expect(regionOverrides(undefined)).toEqual([]);
    expect(regionOverrides('national')).toEqual([]);
    const sc = regionOverrides('sichuan') as { id: string }[];
    const cd = regionOverrides('chengdu') as { id: string }[];
    expect(sc.map((o) => o.id)).toEqual(['2132', '2140', '2005.resp_nurs', '2006.bld_unt', '2006.bldinfo.bld_unt']);
    expect(cd.map((o) => o.id)).toEqual([...sc.map((o) => o.id), 'cd.diag_code_cnt', 'cd.oprn_oprt_code_cnt']);
    expect(regionOverrides('chongqing')).toEqual([]);
  });

  it('bad region files are SLIST_REGION (missing parent, loop, not JSON), a bad name too', () => {
    const d = mkdtempSync(join(tmpdir(), 'yibao-slist-rules-'));
    writeFileSync(join(d, 'a.json'), JSON.stringify({ region: 'a', extends: 'b', overrides: [] }));
    writeFileSync(join(d, 'b.json'), JSON.stringify({ region: 'b', extends: 'a', overrides: [] }));
    writeFileSync(join(d, 'c.json'), JSON.stringify({ region: 'c', extends: 'nowhere', overrides: [] }));
    writeFileSync(join(d, 'e.json'), '{"region": ');
    writeFileSync(join(d, 'f.json'), JSON.stringify({ region: 'f', overrides: {} }));
    for (const [r, detail] of [['a', /loops/], ['c', /nowhere\.json does not exist/], ['e', /e\.json/], ['f', /must be an array/], ['../x', /invalid region name/]] as const) {
      expect(() => regionOverrides(r, d), r).toThrow(expect.objectContaining({ code: 'SLIST_REGION', detail: expect.stringMatching(detail) }));
    }
  });

  it('checkSettlementList applies the region: U is a national transfusion unit, not a Sichuan one', () => {
    expect(checkSettlementList(core, LIST_4101).ok).toBe(true);
    const r = checkSettlementList(core, LIST_4101, { region: 'sichuan' });
    expect(r.violations.map((v) => `${v.rule} ${v.path} ${v.value}`)).toEqual(['2006.bld_unt setlinfo.bld_unt U']);
    // the caller's overrides come after the region's
    expect(checkSettlementList(core, LIST_4101, { region: 'sichuan', overrides: [{ id: '2006.bld_unt', enabled: false }] }).ok).toBe(true);
    // codeTables reach the core
    const l = clone(LIST_4101);
    l.setlinfo.wm_dise_code = 'K35.801';
    expect(checkSettlementList(core, l, { codeTables: { icd10: ['K35.800', 'I10.x00'] } }).violations.map((v) => v.rule)).toEqual(['2138']);
  });

  it('setlListIdOf reads both reply positions and nothing else', () => {
    expect(setlListIdOf({ setl_list_id: '510160000001' })).toEqual({ id: '510160000001', at: 'output' });
    expect(setlListIdOf({ data: { setl_list_id: 510160000002 } })).toEqual({ id: '510160000002', at: 'output.data' });
    expect(setlListIdOf({ setl_list_id: '', data: { setl_list_id: 'X' } })).toEqual({ id: 'X', at: 'output.data' });
    expect(setlListIdOf({ data: [{ setl_list_id: 'X' }] })).toBeUndefined();
    expect(setlListIdOf({})).toBeUndefined();
  });
});

describe('4101 / 4101A upload against the national sandbox', () => {
  it('4101A (Sichuan prefers A variants) after a settlement: setl_list_id from output.setl_list_id', async () => {
    const c = clientAt('sichuan');
    expect(variantOf(c)).toBe('4101A');
    const { list, setl_id } = await settledList(c, '4101A');
    const before = sb.center.st.settlementLists.size;
    const r = await uploadSettlementList(c, list);
    expect(r).toMatchObject({ infno: '4101A', idAt: 'output', violations: [] });
    expect(r.setl_list_id).toMatch(/^\d+$/);
    expect(sb.center.st.settlementLists.size).toBe(before + 1);
    expect(sb.center.st.settlementLists.get(r.setl_list_id)).toMatchObject({ setl_id, infno: '4101A' });
  });

  it('the regional reply shape output.data.setl_list_id', async () => {
    const c = clientAt('sichuan');
    const { list } = await settledList(c, '4101A');
    sb.center.settlementList.replyPath = 'output.data';
    try {
      const r = await uploadSettlementList(c, list);
      expect(r.idAt).toBe('output.data');
      expect(r.reply.output).toEqual({ data: { setl_list_id: r.setl_list_id } });
      expect(sb.center.st.settlementLists.has(r.setl_list_id)).toBe(true);
    } finally {
      sb.center.settlementList.replyPath = 'output';
    }
  });

  it('4101 with the national baseline (hi_no names the person); re-upload of a corrected list for the same setl_id', async () => {
    const c = clientAt('national');
    expect(variantOf(c)).toBe('4101');
    const { list, setl_id } = await settledList(c, '4101');
    const first = await uploadSettlementList(c, list, { region: 'sichuan' });
    expect(first.infno).toBe('4101');
    list.setlinfo.medins_fill_psn = '填报员丙';
    const second = await uploadSettlementList(c, list, { region: 'sichuan' });
    expect(second.setl_list_id).not.toBe(first.setl_list_id);
    const stored = [...sb.center.st.settlementLists.values()].filter((l) => l.setl_id === setl_id);
    expect(stored.map((l) => (l.data.setlinfo as Record<string, unknown>).medins_fill_psn)).toEqual(['填报员乙', '填报员丙']);
  });

  it('a dirty list is refused locally with every violation, and nothing reaches the center', async () => {
    const c = clientAt('sichuan');
    const { list } = await settledList(c, '4101A');
    delete list.setlinfo.medcasno;
    list.setlinfo.ntly = 'China';
    list.diseinfo[0].maindiag_flag = '0';
    const msgs = sb.center.st.msgs.size;
    const lists = sb.center.st.settlementLists.size;
    const e = await uploadSettlementList(c, list).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SlistInvalidError);
    expect(e).toBeInstanceOf(YibaoError);
    const err = e as SlistInvalidError;
    expect(err.code).toBe('SLIST_INVALID');
    expect(err.status).toBe(1090);
    expect(err.violations.map((v) => `${v.rule} ${v.path}`)).toEqual(['4101A.req.setlinfo setlinfo.medcasno', '2006.ntly setlinfo.ntly', '2139 diseinfo']);
    expect(err.detail).toMatch(/3 violation\(s\): setlinfo\.medcasno 【病案号】未填写/);
    expect(sb.center.st.msgs.size).toBe(msgs);
    expect(sb.center.st.settlementLists.size).toBe(lists);
  });

  it('forced, the same list is refused by the center, whose err_msg names the fields; findings it does not refuse come back as warnings', async () => {
    const c = clientAt('sichuan');
    const { list } = await settledList(c, '4101A');
    delete list.setlinfo.medcasno;
    list.setlinfo.coner_tel = '';
    const e = (await uploadSettlementList(c, list, { force: true }).catch((x: unknown) => x)) as YibaoError;
    expect(e.code).toBe('CENTER_ERROR');
    expect(e.detail).toMatch(/结算清单入参校验失败：【病案号】未填写（setlinfo\.medcasno）；【联系人电话】未填写（setlinfo\.coner_tel）/);
    // a code-table finding only: accepted with a warning (the center's 质控 comes later, 4104)
    const ok = clone(list);
    ok.setlinfo.medcasno = 'BA1';
    ok.setlinfo.coner_tel = '13900000000';
    ok.setlinfo.ntly = 'China';
    const r = await uploadSettlementList(c, ok, { force: true });
    expect(r.violations.map((v) => v.rule)).toEqual(['2006.ntly']);
    expect(r.warn_msg).toMatch(/结算清单质控提示：【国籍】填写不规范-填写值不在值域范围（setlinfo\.ntly）/);
  });

  it('the center still refuses a list for a settlement it does not know', async () => {
    const c = clientAt('sichuan');
    const { list } = await settledList(c, '4101A');
    list.setlinfo.setl_id = '51019999999999';
    await expect(uploadSettlementList(c, list)).rejects.toMatchObject({ code: 'CENTER_ERROR', detail: expect.stringMatching(/结算ID【51019999999999】不存在/) });
  });

  it('through the offline queue: checked first, then replayed once the center is reachable', async () => {
    const c = clientAt('sichuan');
    const { list } = await settledList(c, '4101A');
    const q = openOfflineQueue({ db: join(dir, 'q.db'), client: c });
    try {
      const bad = clone(list);
      bad.setlinfo.bill_no = '';
      await expect(enqueueSettlementList(q, core, bad, { variant: '4101A', region: 'sichuan' })).rejects.toBeInstanceOf(SlistInvalidError);
      expect(q.items()).toHaveLength(0);
      const { id } = await enqueueSettlementList(q, core, list, { variant: '4101A', region: 'sichuan', his_key: 'ZY-1', insuplc_admdvs: '510100' });
      expect(await q.drain()).toEqual({ sent: 1, failed: 0, pending: 0 });
      const it = q.get(id)!;
      expect(it.state).toBe('sent');
      expect(setlListIdOf(JSON.parse(it.reply_json!))?.id).toMatch(/^\d+$/);
    } finally {
      q.close();
    }
  });
});
