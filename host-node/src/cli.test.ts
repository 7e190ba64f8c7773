import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'host-node/dist/cli.js');
const examples = JSON.parse(readFileSync(join(root, '../shared/conformance/presettle-examples.json'), 'utf8'));
const run = (args: string[], input?: string | Buffer) => spawnSync(process.execPath, [cli, ...args], { input, cwd: root });

describe('yibao CLI', () => {
  let dir: string;
  beforeAll(() => {
    expect(existsSync(cli)).toBe(true); // built by `npm test` (pretest)
    dir = mkdtempSync(join(tmpdir(), 'yibao-cli-'));
  });

  it('presettle FILE prints the result JSON and exits 0, for every worked example', () => {
    for (const c of examples.cases) {
      const f = join(dir, `${c.id}.json`);
      writeFileSync(f, JSON.stringify({ params: c.params, person: c.person, fee_items: c.fee_items }));
      const r = run(['presettle', f]);
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout.toString());
      expect(Object.keys(out)).toEqual(['items', 'setlinfo', 'setldetail', 'invoice_categories']);
      expect(out.setlinfo.psn_cash_pay).toBe(c.expected.setlinfo.psn_cash_pay);
    }
  });

  it('presettle - reads stdin', () => {
    const c = examples.cases[0];
    const r = run(['presettle', '-'], JSON.stringify({ params: c.params, person: c.person, fee_items: c.fee_items }));
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString()).setlinfo.balc).toBe(45000);
  });

  it('bad input prints a JSON error {code, message} on stderr and exits non-zero', () => {
    const r = run(['presettle', '-'], '{"params":');
    expect(r.status).not.toBe(0);
    expect(r.stdout.toString()).toBe('');
    const e = JSON.parse(r.stderr.toString());
    expect(e.code).toBe('JSON_SYNTAX');
    expect(e.message).toMatch(/JSON 格式错误 \/ malformed JSON/);
    const m = run(['presettle', join(dir, 'missing.json')]);
    expect(m.status).not.toBe(0);
    expect(JSON.parse(m.stderr.toString()).code).toBe('IO_ERROR');
    const u = run(['frobnicate']);
    expect(u.status).toBe(2);
    expect(JSON.parse(u.stderr.toString()).code).toBe('USAGE');
  });

  it('presettle --table prints the cashier slip in Chinese', () => {
    const r = run(['presettle', '--table', join(root, 'test/fixtures/demo-bill.json')]);
    expect(r.status).toBe(0);
    const t = r.stdout.toString();
    expect(t).toContain('医保预结算单');
    expect(t).toMatch(/医疗费总额\s+2767\.82 元/);
    expect(t).toMatch(/个人账户支付\s+50\.00 元/);
    expect(t).toMatch(/个人现金支付\s+1004\.17 元/);
    expect(t).toContain('西药费');
  });

  it('gbk encode|decode use stdin and stdout', () => {
    const enc = run(['gbk', 'encode'], '成都市医保');
    expect(enc.status).toBe(0);
    expect(enc.stdout.equals(iconv.encode('成都市医保', 'gbk'))).toBe(true);
    const dec = run(['gbk', 'decode'], iconv.encode('银海接口', 'gbk'));
    expect(dec.stdout.toString()).toBe('银海接口');
    const bad = run(['gbk', 'decode'], Buffer.from([0x41, 0x81]));
    expect(bad.status).not.toBe(0);
    expect(JSON.parse(bad.stderr.toString())).toMatchObject({ code: 'GBK_INVALID', pos: 1 });
  });

  it('codec json|xml|ini|pipe parse|print', () => {
    expect(run(['codec', 'json', 'parse'], '{ "a" : 1.50 }').stdout.toString()).toBe('{"a":1.50}\n');
    const xml = readFileSync(join(root, '../shared/conformance/samples/chengdu/03_output_identify_MASKED.xml'));
    const parsed = JSON.parse(run(['codec', 'xml', 'parse'], xml).stdout.toString());
    expect(parsed.output.aac003).toBe('某某');
    const printed = run(['codec', 'xml', 'print'], JSON.stringify(parsed)).stdout;
    expect(iconv.decode(printed, 'gbk')).toContain('<aac003>某某</aac003>');
    const pipe = run(['codec', 'pipe', 'parse'], iconv.encode('1|张三|男', 'gbk'));
    expect(JSON.parse(pipe.stdout.toString())).toEqual([['1', '张三', '男']]);
    const ini = run(['codec', 'ini', 'print'], JSON.stringify({ login: { Request: 'TRUE', UserID: '操作员' } }));
    expect(iconv.decode(ini.stdout, 'gbk')).toBe('[login]\r\nRequest=TRUE\r\nUserID=操作员\r\n');
  });

  it('npx yibao works from the repo root', () => {
    const r = spawnSync('npx', ['--no-install', 'yibao', 'version'], { cwd: root });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString()).name).toBe('yibao-core');
  });
});
