// The kiosk page end to end in headless Chromium (Debian chromium driven by playwright-core): the real
// agent (`yibao agent --card-reader heasec …`, its card reader the HeaSecReadInfo-style emulator through the
// koffi bridge) in front of the sandbox center, the kiosk server proxying /v1 to it, the core in a Web
// Worker. Payments complete: read card → pending fees → pre-settlement → confirm → slip, and the same by a
// typed ID number. The error screens (agent down, center down, invalid card, no card) are driven by real
// failures. Screenshots go to test/artifacts/kiosk/ (git-ignored).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { createCore } from '../../host-node/src/core.js';
import { fenToYuan } from '../../host-node/src/money.js';
import { startKioskServer, type KioskServer } from '../kiosk/server.js';
import { heasecAgentArgs, startAgent, type RunningAgent } from '../../legacy-com-bridge/native/test/agent-harness.js';
import { artifacts, buildHostBrowser, launch, repoRoot } from './browser-harness.js';

const shots = join(artifacts, 'kiosk');
const bill = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/demo-outpatient.json'), 'utf8')) as { fee_items: { feedetl_sn: string; pric: string; cnt: string; med_chrgitm_type?: string }[]; dept_name: string; dr_name: string; diagnoses: unknown };
const CERTNO = '510104198503152311'; // 张在职, 职工 (a seed person of the sandbox)
const BAD_CERTNO = '110105194912310021'; // wrong check digit: the center refuses it
// the card in the emulated reader (GBK, ReadCardBas's 11 fields): 张在职's 社保卡 — 发卡地区|社会保障号码|卡号|卡识别码|姓名|…
const CARD = `510100|${CERTNO}|S51000001|510100D15600000500000000000000A1|张在职|00814E43238697159900BF7C7A|3.00|20200101|20300101|510100000001|DEV01|`;
const cardDir = mkdtempSync(join(tmpdir(), 'kiosk-card-'));
const cardFile = join(cardDir, 'card.txt');
const insertCard = (text: string) => writeFileSync(cardFile, Buffer.from(createCore().gbk.encode(text)));
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
  insertCard(CARD);
  try {
    agent = await startAgent({ args: await heasecAgentArgs(cardDir), env: { HEASEC_CARD_FILE: cardFile } });
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

/** pending fees → pre-settlement → confirm → slip; returns what the slip shows. */
async function pay(prefix: string): Promise<{ setlId: string; total: number }> {
  await page.waitForSelector('body[data-state="fees"]', { timeout: 30000 });
  const total = createCore().classify({ fee_items: bill.fee_items.map((l) => ({ feedetl_sn: l.feedetl_sn, pric: l.pric, cnt: l.cnt, med_chrgitm_type: l.med_chrgitm_type ?? '14', chrgitm_lv: '01' })) }).totals.medfee_sumamt;
  expect(await page.textContent('#fee-total')).toBe(`¥ ${fenToYuan(total)}`);
  expect(await page.locator('#fee-rows tr').count()).toBe(bill.fee_items.length);
  expect(await page.textContent('#patient')).toContain('张**');
  expect(await page.textContent('#patient')).not.toContain(CERTNO); // masked on a public screen
  await shot(`${prefix}-pending-fees`);

  await page.click('#btn-presettle');
  await page.waitForSelector('body[data-state="presettle"]', { timeout: 60000 });
  const ps = { total: await page.textContent('#ps-total'), fund: await page.textContent('#ps-fund'), acct: await page.textContent('#ps-acct'), cash: await page.textContent('#ps-cash') };
  expect(ps.total).toBe(`¥ ${fenToYuan(total)}`);
  for (const v of Object.values(ps)) expect(v).toMatch(/^¥ \d+\.\d\d$/);
  await shot(`${prefix}-presettlement`);

  await page.click('#btn-confirm');
  await page.waitForSelector('body[data-state="slip"]', { timeout: 60000 });
  const setlId = (await page.textContent('#slip-setl-id'))!.trim();
  expect(setlId).toMatch(/^\d+$/);
  expect(await page.textContent('#slip-total')).toBe(ps.total);
  expect(await page.textContent('#slip-cash')).toBe(ps.cash);
  await shot(`${prefix}-slip`);
  return { setlId, total };
}

/** The agent's journal entry of a settlement, with its request (full=1). */
async function journalOf(setlId: string): Promise<{ setl_id?: string; his_key: string; state: string; input_json: string } | undefined> {
  const j = (await (await fetch(`${agent!.url}/v1/journal?state=confirmed&full=1`, { headers: { authorization: `Bearer ${agent!.token}` } })).json()) as { entries: { setl_id?: string; his_key: string; state: string; input_json: string }[] };
  return j.entries.find((x) => x.setl_id === setlId);
}

describe('kiosk (Chromium + agent with a card reader + sandbox center)', () => {
  it('completes a payment: read card (the agent\'s reader) → pending fees → pre-settlement → confirm → printable slip', async () => {
    ready();
    const t0 = Date.now();
    await home();
    await shot('01-home');
    // the touch targets are large
    const box = await page.locator('#btn-card').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(96);

    // 读取医保卡: GET /v1/card through the kiosk server → the agent → the koffi bridge → ReadCardBas
    await page.click('#btn-card');
    await page.waitForSelector('body[data-state="fees"], body[data-state="error"]', { timeout: 30000 });
    if ((await page.getAttribute('body', 'data-state')) === 'error') throw new Error(`card path failed: ${await page.textContent('#error-title')} ${await page.textContent('#error-code')}`);
    const { setlId } = await pay('02-card');
    await page.emulateMedia({ media: 'print' });
    await shot('02-card-slip-print');
    await page.emulateMedia({ media: 'screen' });
    timing.payment_by_card = Date.now() - t0;

    // the agent journal holds it confirmed, settled with the 社保卡 credential the reader gave (type 03 + card_sn);
    // the center holds the settlement
    const e = await journalOf(setlId);
    expect(e?.his_key).toMatch(/^KIOSK01-MZ/);
    const data = JSON.parse(e!.input_json).data;
    expect(data).toMatchObject({ mdtrt_cert_type: '03', mdtrt_cert_no: 'S51000001' });
    expect(agent!.sandbox!.ledger().find((l) => l.setl_id === setlId)).toMatchObject({ status: 'valid', psn_no: '51010000000000000001' });
  }, 180000);

  it('completes a payment by a typed ID number (手工输入身份证号)', async () => {
    ready();
    const t0 = Date.now();
    await home();
    await manual(CERTNO);
    const { setlId } = await pay('03-typed');
    timing.payment_by_id = Date.now() - t0;
    const data = JSON.parse((await journalOf(setlId))!.input_json).data;
    expect(data).toMatchObject({ mdtrt_cert_type: '02', mdtrt_cert_no: CERTNO });
  }, 180000);

  it('a card the center refuses (wrong 卡识别码) is shown as 卡片无效; no card in the reader as 读卡失败', async () => {
    ready();
    try {
      insertCard(CARD.replace('000000A1', '000000FF'));
      await home();
      await page.click('#btn-card');
      await page.waitForSelector('body[data-state="error"]', { timeout: 30000 });
      expect(await page.getAttribute('body', 'data-error')).toBe('invalid-card');
      expect(await page.textContent('#error-title')).toBe('卡片无效');
      expect(await page.textContent('#error-code')).toContain('CENTER_ERROR');
      expect(await page.textContent('#error-code')).not.toContain('S51000001'); // the card number masked on a public screen
      await shot('04-error-card-refused');

      insertCard(''); // the emulator: 未插卡 (-11)
      await home();
      await page.click('#btn-card');
      await page.waitForSelector('body[data-state="error"]', { timeout: 30000 });
      expect(await page.getAttribute('body', 'data-error')).toBe('invalid-card');
      expect(await page.textContent('#error-title')).toBe('读卡失败');
      expect(await page.textContent('#error-code')).toContain('CARD_READ');
      await shot('05-error-no-card');
    } finally {
      insertCard(CARD);
    }
  }, 90000);

  it('an invalid card (ID refused by the center) is shown as 卡片无效', async () => {
    ready();
    await home();
    await manual(BAD_CERTNO);
    await page.waitForSelector('body[data-state="error"]', { timeout: 30000 });
    expect(await page.getAttribute('body', 'data-error')).toBe('invalid-card');
    expect(await page.textContent('#error-title')).toBe('卡片无效');
    expect(await page.textContent('#error-code')).not.toContain(BAD_CERTNO); // masked on a public screen
    await shot('06-error-invalid-id');
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
