// `yibao slist check` through the built CLI (host-node/dist/cli.js, `npm run build` first).
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const cli = join(root, 'host-node/dist/cli.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [cli, 'slist', ...args], { cwd: root, input, encoding: 'utf8' });
const LIST_4101 = JSON.parse(readFileSync(join(root, 'core-asm/rules/examples/4101-inpatient.json'), 'utf8'));
const A = join(root, 'core-asm/rules/examples/4101A-newborn.json');
let dir = '';
const file = (name: string, v: unknown) => {
  const f = join(dir, name);
  writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
  return f;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'yibao-cli-slist-'));
});

describe('yibao slist check', () => {
  it('a clean list: exit 0 and one line', () => {
    const r = run(['check', join(root, 'core-asm/rules/examples/4101-inpatient.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^通过：65 条规则均未发现问题 \/ clean: no violation of 65 rules\n$/);
    expect(run(['check', A, '--variant', '4101A']).status).toBe(0);
  });

  it('violations: a table of path, rule, message and masked value; exit 3', () => {
    const l = JSON.parse(JSON.stringify(LIST_4101));
    delete l.setlinfo.medcasno;
    l.setlinfo.certno = '51010419850315231';
    l.setlinfo.ntly = '中国';
    l.setlinfo.psn_name = '张三丰'.repeat(20);
    const r = run(['check', file('dirty.json', l)]);
    expect(r.status).toBe(3);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^路径 path\s+规则 rule\s+说明 message\s+填写值 value$/);
    expect(lines[1]).toMatch(/^-+ {2}-+ {2}-+$/);
    expect(lines.slice(2, 5).map((x) => x.split(/\s{2,}/))).toEqual([
      ['setlinfo.medcasno', '4101.req.setlinfo', '【病案号】未填写'],
      ['setlinfo.psn_name', '4101.fmt.setlinfo', '【人员姓名】填写不规范-长度超过50个字符（实际60）', '张' + '*'.repeat(59)],
      ['setlinfo.ntly', '2006.ntly', '【国籍】填写不规范-填写值不在值域范围', '中国'],
    ]);
    expect(lines.at(-1)).toBe('3 处问题（65 条规则）/ 3 violation(s) of 65 rules');
    expect(r.stdout).not.toContain('三丰');
  });

  it('--json prints the core result; --region applies the region\'s overrides; stdin and an envelope with input', () => {
    const l = JSON.parse(JSON.stringify(LIST_4101));
    l.setlinfo.nwb_bir_wt = '150';
    const f = file('nwb.json', { infno: '4101', input: l });
    const national = run(['check', f, '--json']);
    expect(national.status).toBe(0);
    expect(JSON.parse(national.stdout)).toEqual({ ok: true, violations: [], rules: 65 });
    const sichuan = run(['check', '-', '--region', 'sichuan', '--json'], JSON.stringify(l));
    expect(sichuan.status).toBe(3);
    expect(JSON.parse(sichuan.stdout).violations.map((v: { rule: string }) => v.rule)).toEqual(['2006.bld_unt', '2132']);
    const chengdu = run(['check', f, '--region=chengdu', '--json']);
    expect(JSON.parse(chengdu.stdout).rules).toBe(67);
  });

  it('--code-table NAME=FILE (text, one code per line, or a JSON array) checks existence instead of shape', () => {
    const l = JSON.parse(JSON.stringify(LIST_4101));
    l.setlinfo.wm_dise_code = 'K35.801';
    const f = file('icd.json', l);
    expect(run(['check', f]).status).toBe(0);
    const txt = file('icd10.txt', '# ICD-10 医保版\nK35.800\t急性阑尾炎\nI10.x00,原发性高血压\n\n');
    const r = run(['check', f, '--code-table', `icd10=${txt}`, '--json']);
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout).violations.map((v: { path: string }) => v.path)).toEqual(['setlinfo.wm_dise_code']);
    const arr = file('icd10.json', JSON.stringify(['K35.801', 'K35.800', 'I10.x00']));
    expect(run(['check', f, '--code-table', `icd10=${arr}`]).status).toBe(0);
  });

  it('usage errors exit 2, unreadable files 1, each with one JSON line on stderr', () => {
    for (const args of [['check'], ['lint', 'x'], ['check', 'a', 'b'], ['check', 'a', '--variant', '4102'], ['check', 'a', '--code-table', 'icd10'], ['check', 'a', '--bogus']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(JSON.parse(r.stderr).code).toBe('USAGE');
    }
    const missing = run(['check', join(dir, 'nope.json')]);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stderr).code).toBe('IO_ERROR');
    const notJson = run(['check', file('bad.json', '{"setlinfo": ')]);
    expect(notJson.status).toBe(1);
    expect(JSON.parse(notJson.stderr).code).toBe('BAD_INPUT');
    const notObj = run(['check', file('arr.json', '[1]')]);
    expect(notObj.status).toBe(1);
    const region = run(['check', file('ok.json', LIST_4101), '--region', '../etc']);
    expect(region.status).toBe(1);
    expect(JSON.parse(region.stderr).code).toBe('SLIST_REGION');
  });
});
