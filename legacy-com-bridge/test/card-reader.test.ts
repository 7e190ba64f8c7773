// Card readers through the HeaSecReadInfo-style emulator (test/fixtures/heasec.c) behind a real bridge.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEmulator, createCardReader, parseCardBas, type CardReader } from '../src/index.js';
import { createCore, YibaoError } from '../../host-node/src/index.js';

const core = createCore();
let lib = '';
let dir = '';
const readers: CardReader[] = [];

function reader(env: Record<string, string> = {}, more: Partial<Parameters<typeof createCardReader>[0]> = {}): CardReader {
  const r = createCardReader({ driver: 'heasec', library: lib, init: { IP: '127.0.0.1', PORT: 7020, TIMEOUT: 6, LOG_PATH: dir }, env, core, ...more });
  readers.push(r);
  return r;
}

/** a card file in GBK, as the reader's DLL would return it */
function card(name: string, fields: string[]): string {
  const f = join(dir, name);
  writeFileSync(f, core.gbk.encode(fields.join('|') + '|'));
  return f;
}

const CARD = (psn: string) => ['510100', '510104198503152311', 'S51000001', '510100D15600000500000000000000A1', psn, '00814E43', '3.00', '20200101', '20300101', '510100000001', 'DEV01'];

beforeAll(() => {
  lib = buildEmulator('heasec');
  dir = mkdtempSync(join(tmpdir(), 'yibao-card-'));
});

afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
});

describe('HeaSecReadInfo card reader', () => {
  it('reads a social-security card: 11 fields, GBK name, national credential', async () => {
    const r = await reader().read();
    expect(r).toMatchObject({
      kind: 'ss_card', mdtrt_cert_type: '03', mdtrt_cert_no: 'S51000001', card_sn: '510100D15600000500000000000000A1',
      psn_name: '张三', certno: '510104198503152311', insuplc_admdvs: '510100',
    });
    expect(r.fields).toHaveLength(11);
  });

  it('names at the edges of the GBK table come back intact', async () => {
    for (const name of ['〇', '丂齄', '王〇€', '\uE000测试', '张三（，。）']) {
      const r = await reader({ HEASEC_CARD_FILE: card(`c-${name.length}-${name.charCodeAt(0)}.txt`, CARD(name)) }).read();
      expect(r.psn_name).toBe(name);
    }
  });

  it('reads an ID card and an electronic voucher token', async () => {
    const rd = reader();
    expect(await rd.read('id_card')).toMatchObject({ kind: 'id_card', mdtrt_cert_type: '02', mdtrt_cert_no: '510104198503152311', psn_name: '张三' });
    expect(await rd.read('ec_token')).toMatchObject({ kind: 'ec_token', mdtrt_cert_type: '01', mdtrt_cert_no: 'ECTOKEN-510100-0001', psn_name: '张三', certno: '510104198503152311' });
    expect(rd.bridge.stats().starts).toBe(1);
  });

  it('no card, a bad Init and a short record are CARD_READ errors with the DLL message', async () => {
    const none = await reader({ HEASEC_CARD_FILE: join(dir, 'missing.txt') }).read().catch((e: YibaoError) => e);
    expect(none).toBeInstanceOf(YibaoError);
    expect((none as YibaoError).code).toBe('CARD_READ');
    expect((none as YibaoError).detail).toMatch(/未插卡/);
    const badReader = createCardReader({ driver: 'heasec', library: lib, init: {}, core });
    readers.push(badReader);
    const bad = await badReader.read().catch((e: YibaoError) => e);
    expect((bad as YibaoError).detail).toMatch(/初始化参数错误/);
    expect(() => parseCardBas('510100|123|')).toThrowError(/11/);
  });

  it('a reader that hangs is killed after its timeout; a crashing one is contained; the next read works', async () => {
    const hang = reader({ HEASEC_CARD_FILE: card('hang.txt', CARD('__HANG__')) }, { timeoutMs: 300 });
    expect(((await hang.read().catch((e) => e)) as YibaoError).code).toBe('BRIDGE_TIMEOUT');
    const segv = reader({ HEASEC_CARD_FILE: card('segv.txt', CARD('__SEGV__')) });
    expect(((await segv.read().catch((e) => e)) as YibaoError).code).toBe('BRIDGE_CRASHED');
    // the ID card still reads on the restarted process (Init is sent again)
    expect((await segv.read('id_card')).psn_name).toBe('张三');
    expect(segv.bridge.stats().starts).toBe(2);
  });

  it('unknown drivers are refused', () => {
    expect(() => createCardReader({ driver: 'x' as 'heasec', library: lib })).toThrowError(/driver/);
  });
});
