// The kiosk page end to end in headless Chromium (Debian chromium driven by playwright-core): the real
// agent (`yibao agent`) in front of the sandbox center, the kiosk server proxying /v1 to it, the core in
// a Web Worker. A payment completes: read card / ID → pending fees → pre-settlement → confirm → slip.
// The error screens (agent down, center down, invalid card) are driven by real failures. Screenshots go
// to test/artifacts/kiosk/ (git-ignored).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createCore } from '../../host-node/src/core.js';
import { fenToYuan } from '../../host-node/src/money.js';
import { startKioskServer, type KioskServer } from '../kiosk/server.js';
import { startAgent, type RunningAgent } from '../../legacy-com-bridge/native/test/agent-harness.js';
import { artifacts, buildHostBrowser, launch, repoRoot } from './browser-harness.js';

const shots = join(artifacts, 'kiosk');
const bill = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/demo-outpatient.json'), 'utf8')) as { fee_items: { feedetl_sn: string; pric: string; cnt: string; med_chrgitm_type?: string }[]; dept_name: string; dr_name: string; diagnoses: unknown };
const CERTNO = '510104198503152311'; // 张在职, 职工 (a seed person of the sandbox)
const BAD_CERTNO = '110105194912310021'; // wrong check digit: the center refuses it
const timing: Record<string, number> = {};

let agent: RunningAgent | undefined;
let agentError: unknown;
let kiosk: KioskServer | undefined;
let ctx: BrowserContext;
let page: Page;
let order = 0;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  const fonts = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).stdout ?? '';
  if (!fonts.trim()) console.log('KIOSK: no Chinese font installed: screenshots will show boxes (apt-get install fonts-wqy-microhei)');
  let t = Date.now();
  buildHostBrowser();
  timing.build = Date.now() - t;
  t = Date.now();
  try {
    agent = await startAgent();
  } catch (e) {
    agentError = e;
    return;
  }
  timing.agent_start = Date.now() - t;
  kiosk = await startKioskServer({
    dist: join(repoRoot, 'host-browser/kiosk/dist'),
    agentUrl: agent.url,
    agentToken: agent.token,
    hospital: 'yibao 沙箱测试医院',
    kioskId: 'KIOSK01',
    // the HIS: this person's unpaid outpatient fees, a new HIS order each time
    pending: ({ certno }) => (certno === CERTNO ? { his_order: `MZ${Date.now()}${++order}`, bill: { fee_items: bill.fee_items, dept_name: bill.dept_name, dr_name: bill.dr_name, diagnoses: bill.diagnoses } } : null),
  });
  ctx = await launch({ width: 1280, height: 1024 });
  page = await ctx.newPage();
  page.on('pageerror', (e) => console.log('page error:', e.message));
}, 180000);

afterAll(async () => {
  await ctx?.close();
  await kiosk?.close();
  await agent?.close();
  console.log('kiosk timings (ms):', JSON.stringify(timing));
});

function ready(): void {
  if (!agent) throw agentError instanceof Error ? agentError : new Error(String(agentError));
}

async function home(): Promise<void> {
  await page.goto(kiosk!.url + '/');
  await page.waitForSelector('body[data-state="home"]', { timeout: 30000 });
}

async function manual(certno: string): Promise<void> {
  await page.click('#manual summary');
  await page.fill('#manual-certno', certno);
  await page.click('#btn-manual-ok');
}

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

describe('kiosk (Chromium + agent + sandbox center)', () => {
  it('completes a payment: ID → pending fees → pre-settlement → confirm → printable slip', async () => {
    ready();
    const t0 = Date.now();
    await home();
    await shot('01-home');
    // the touch targets are large
    const box = await page.locator('#btn-card').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(96);

    // read card through the agent: the agent has no card reader yet (501 NOT_SUPPORTED) -> a clear screen
    await page.click('#btn-card');
    await page.waitForSelector('body[data-state="error"], body[data-state="fees"]', { timeout: 30000 });
    const afterCard = await page.getAttribute('body', 'data-state');
    if (afterCard === 'error') {
      expect(await page.getAttribute('body', 'data-error')).toBe('no-reader');
      expect(await page.textContent('#error-title')).toBe('读卡器未接入');
      await shot('02-card-reader-not-connected');
      console.log('KIOSK: /v1/card answered NOT_SUPPORTED (no card reader in the agent yet): shown as 读卡器未接入; paying by ID number');
      await page.click('#btn-error-home');
      await manual(CERTNO);
    } else {
      console.log('KIOSK: the card was read through the agent /v1/card');
    }

    await page.waitForSelector('body[data-state="fees"]', { timeout: 30000 });
    const total = createCore().classify({ fee_items: bill.fee_items.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) }).totals.medfee_sumamt;
    expect(await page.textContent('#fee-total')).toBe(`¥ ${fenToYuan(total)}`);
    expect(await page.locator('#fee-rows tr').count()).toBe(bill.fee_items.length);
    expect(await page.textContent('#patient')).toContain('张*');
    await shot('03-pending-fees');

    await page.click('#btn-presettle');
    await page.waitForSelector('body[data-state="presettle"]', { timeout: 60000 });
    const ps = { total: await page.textContent('#ps-total'), fund: await page.textContent('#ps-fund'), acct: await page.textContent('#ps-acct'), cash: await page.textContent('#ps-cash') };
    expect(ps.total).toBe(`¥ ${fenToYuan(total)}`);
    for (const v of Object.values(ps)) expect(v).toMatch(/^¥ \d+\.\d\d$/);
    await shot('04-presettlement');

    await page.click('#btn-confirm');
    await page.waitForSelector('body[data-state="slip"]', { timeout: 60000 });
    const setlId = (await page.textContent('#slip-setl-id'))!.trim();
    expect(setlId).toMatch(/^\d+$/);
    expect(await page.textContent('#slip-total')).toBe(ps.total);
    expect(await page.textContent('#slip-cash')).toBe(ps.cash);
    await shot('05-slip');
    await page.emulateMedia({ media: 'print' });
    await shot('06-slip-print');
    await page.emulateMedia({ media: 'screen' });
    timing.payment = Date.now() - t0;

    // the agent journal holds it confirmed; the center holds the settlement
    const j = (await (await fetch(`${agent!.url}/v1/journal?state=confirmed`, { headers: { authorization: `Bearer ${agent!.token}` } })).json()) as { entries: { setl_id?: string; his_key: string }[] };
    const e = j.entries.find((x) => x.setl_id === setlId);
    expect(e?.his_key).toMatch(/^KIOSK01-MZ/);
    expect(JSON.stringify(agent!.sandbox!.ledger())).toContain(setlId);
  }, 180000);

  it('an invalid card (ID refused by the center) is shown as 卡片无效', async () => {
    ready();
    await home();
    await manual(BAD_CERTNO);
    await page.waitForSelector('body[data-state="error"]', { timeout: 30000 });
    expect(await page.getAttribute('body', 'data-error')).toBe('invalid-card');
    expect(await page.textContent('#error-title')).toBe('卡片无效');
    expect(await page.textContent('#error-code')).not.toContain(BAD_CERTNO); // masked on a public screen
    await shot('07-error-invalid-card');
  }, 60000);

  it('the center down (HTTP 500 from the center) is shown as 医保中心暂时无法办理', async () => {
    ready();
    await home();
    agent!.sandbox!.setFaults([{ kind: 'http-500', p: 1 }]);
    try {
      await manual(CERTNO);
      await page.waitForSelector('body[data-state="error"]', { timeout: 60000 });
    } finally {
      agent!.sandbox!.setFaults([]);
    }
    expect(await page.getAttribute('body', 'data-error')).toBe('center-down');
    expect(await page.textContent('#error-title')).toBe('医保中心暂时无法办理');
    await shot('08-error-center-down');
  }, 90000);

  it('the agent down is shown as 自助服务暂不可用', async () => {
    ready();
    await home();
    kiosk!.setAgent('http://127.0.0.1:9'); // nothing listens there
    try {
      await manual(CERTNO);
      await page.waitForSelector('body[data-state="error"]', { timeout: 30000 });
    } finally {
      kiosk!.setAgent(agent!.url);
    }
    expect(await page.getAttribute('body', 'data-error')).toBe('agent-down');
    expect(await page.textContent('#error-title')).toBe('自助服务暂不可用');
    expect(await page.textContent('#error-code')).toContain('AGENT_UNAVAILABLE');
    await shot('09-error-agent-down');
  }, 60000);
});
