// Liuzhou 新农合: conformance, the interface table against the seed, configuration, the SOAP/DataSet codec
// round trips (the shared sample round trip does not apply: no Liuzhou wire sample exists, see README), and
// the 消息摘要 checked against independent implementations (node:crypto, iconv-lite).
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { runPluginConformance } from '../plugin.case.test.js';
import { createCore } from '../../host-node/src/index.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { DataSetJson } from '../../host-node/src/contract.js';
import { createLiuzhouPlugin } from './plugin.js';
import { INTERFACES, SEED_INTERFACES, PERMISSION_LETTERS, type InterfaceCode } from './spec.js';
import { paramNames, resolveConfig, soapAction, loadLiuzhouConfig } from './config.js';
import { readParams, readResult, requestParams } from './codec.js';
import { computeDigest, dataSetText, digestFields } from './digest.js';
import { DEFAULT_SCHEMAS, fromDataSet, toDataSet } from './schema.js';
import { ipAllowed, parseIps, parseLetters } from './users.js';
import { maskReason } from './service.js';

const core = createCore();
const md5HEX = (s: string | Buffer) => createHash('md5').update(s).digest('hex').toUpperCase();

runPluginConformance({
  name: 'liuzhou',
  factory: createLiuzhouPlugin,
  requiredOps: ['identify', 'settle', 'cancelSettle', 'admit', 'inpatientSettle', 'catalog', 'queryInHospital', 'cancelInpatientSettle'],
});

describe('liuzhou interfaces = the seed table (INTERFACES_FROM_SEED.tsv)', () => {
  const tsv = readFileSync(new URL('../../../shared/conformance/samples/ws/liuzhou-xnh/INTERFACES_FROM_SEED.tsv', import.meta.url), 'utf8');
  const rows = tsv.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('code\t')).map((l) => l.split('\t'));

  it('has the 11 interfaces of the seed, nothing else but the configured-only J interface', () => {
    expect(rows.map((r) => r[0]).sort()).toEqual([...SEED_INTERFACES].sort());
    expect(Object.keys(INTERFACES).filter((c) => !SEED_INTERFACES.includes(c as InterfaceCode))).toEqual(['zyjstfjk']);
    expect(INTERFACES.zyjstfjk.guessed).toBe(true);
  });

  it.each(rows.map((r) => [r[0]!, r] as const))('%s: parameters in the printed order, return convention, provider and caller', (code, r) => {
    const s = INTERFACES[code as InterfaceCode];
    const printed = r[2]!.split('|').map((p) => p.replace(/,DataSet\)$/, ')').replace(/\(DataSet\)$/, ''));
    expect(s.params.map((p) => p.zh)).toEqual(printed);
    expect(s.params.filter((p) => p.dataset).length).toBe(r[2]!.split('DataSet').length - 1);
    expect(s.returns.kind).toBe(r[3]!.startsWith('DataSet') ? 'dataset' : 'string');
    expect(s.provider).toBe(r[4]);
    expect(s.caller).toBe(r[5]);
    expect(s.name).toBe(r[1]);
  });

  it('the A–J letters name the interfaces of the seed, J having none in the table', () => {
    expect(Object.keys(PERMISSION_LETTERS).join('')).toBe('ABCDEFGHIJ');
    const byLetter = Object.fromEntries(Object.values(INTERFACES).filter((s) => s.letter).map((s) => [s.letter, s.code]));
    expect(byLetter).toEqual({ A: 'Yhzjjk', B: 'Yhscjk', C: 'ypmljk', D: 'zlmljk', E: 'chryxxjk', F: 'mzjsjk', G: 'mzjstfjk', H: 'zydjjk', I: 'zyjsjk', J: 'zyjstfjk' });
    expect(INTERFACES.zysjcxjk.letter).toBeUndefined();
    expect(INTERFACES.zysjcxjk.params.map((p) => p.zh)).not.toContain('医院代码');
  });

  it('money-moving interfaces are the settlements and refunds', () => {
    expect(Object.values(INTERFACES).filter((s) => s.money).map((s) => s.code).sort()).toEqual(['mzjsjk', 'mzjstfjk', 'zyjsjk', 'zyjstfjk']);
  });
});

describe('liuzhou configuration (what the public specification does not say)', () => {
  it('default element names are pinyin initials; chinese style and per-interface names are configuration', () => {
    const c = resolveConfig();
    expect(paramNames(c, 'mzjsjk')).toEqual(['yydm', 'yh', 'kl', 'jssjzjl', 'jssjmxjl', 'xxzy']);
    expect(paramNames(c, 'Yhzjjk')).toEqual(['yydm', 'fqyh', 'fqyhkl', 'xzyh', 'xzyhkl', 'yxfwipdz', 'fwqx', 'xxzy']);
    expect(paramNames(c, 'zysjcxjk')).toEqual(['yh', 'kl', 'zybh', 'xxzy']);
    for (const code of SEED_INTERFACES) expect(new Set(paramNames(c, code)).size).toBe(INTERFACES[code].params.length);
    const zh = resolveConfig({ paramStyle: 'chinese' });
    expect(paramNames(zh, 'mzjsjk')).toEqual(['医院代码', '用户', '口令', '结算数据主记录', '结算数据明细记录', '消息摘要']);
    const o = resolveConfig({ paramNames: { chryxxjk: ['hospCode', 'userName', 'pwd', 'cardNo', 'sign'] } });
    expect(paramNames(o, 'chryxxjk')).toEqual(['hospCode', 'userName', 'pwd', 'cardNo', 'sign']);
    expect(paramNames(o, 'mzjsjk')[0]).toBe('yydm');
    expect(() => resolveConfig({ paramNames: { chryxxjk: ['a', 'b'] } })).toThrow(/5 XML element names/);
    expect(() => resolveConfig({ paramNames: { chryxxjk: ['a', 'b', 'c', 'd', 'e f'] } })).toThrow(YibaoError);
  });

  it('SOAP defaults are ASMX (1.1, tempuri, ns + method); version, namespace and SOAPAction are configuration', () => {
    const c = resolveConfig();
    expect(c.soap).toMatchObject({ version: '1.1', ns: 'http://tempuri.org/' });
    expect(soapAction(c, 'mzjsjk')).toBe('http://tempuri.org/mzjsjk');
    expect(soapAction(resolveConfig({ soap: { ns: 'urn:xnh' } }), 'mzjsjk')).toBe('urn:xnh/mzjsjk');
    expect(soapAction(resolveConfig({ soap: { soapAction: '{method}' } }), 'chryxxjk')).toBe('chryxxjk');
    expect(() => resolveConfig({ soap: { version: '2.0' as never } })).toThrow(/1.1 or 1.2/);
  });

  it('schema names are overridable by canonical key; unknown keys are configuration errors', () => {
    const c = resolveConfig({ schemas: { chry: { dataset: 'DS', tables: { person: { table: 'PersonInfo', columns: { card_no: 'CHZH', name: 'XM' } } } } } });
    expect(c.schemas.chry.dataset).toBe('DS');
    expect(c.schemas.chry.tables[0]!.table).toBe('PersonInfo');
    expect(c.schemas.chry.tables[0]!.columns.find((x) => x.key === 'card_no')!.name).toBe('CHZH');
    expect(c.schemas.chry.tables[0]!.columns.find((x) => x.key === 'gend')!.name).toBe('xb');
    expect(() => resolveConfig({ schemas: { chry: { tables: { person: { columns: { nope: 'x' } } } } } })).toThrow(/unknown column key/);
    expect(() => resolveConfig({ schemas: { chry: { tables: { nope: {} } } } })).toThrow(/unknown table key/);
  });

  it('credentials come from the liuzhou section of the config file and the environment (env wins)', () => {
    const none = loadLiuzhouConfig(undefined, {});
    expect(none.credentials).toEqual({ url: undefined, hospitalCode: undefined, user: undefined, password: undefined });
    const env = loadLiuzhouConfig(undefined, { YIBAO_XNH_URL: 'http://x/S.asmx', YIBAO_XNH_HOSPITAL_CODE: 'H1', YIBAO_XNH_USER: 'u', YIBAO_XNH_PASSWORD: 'p', YIBAO_XNH_DIGEST_SECRET: 's' });
    expect(env.credentials).toEqual({ url: 'http://x/S.asmx', hospitalCode: 'H1', user: 'u', password: 'p' });
    expect(env.config.digest?.secret).toBe('s');
  });

  it('refusal reasons are logged with ID numbers and names masked', () => {
    expect(maskReason('参保人【孙封锁】待遇已封锁')).toBe('参保人【孙**】待遇已封锁');
    expect(maskReason('未找到该参保人员信息，请核对卡号或证件号码【510106197205051836】')).toBe('未找到该参保人员信息，请核对卡号或证件号码【510106********1836】');
    expect(maskReason('参合人员【45020210000005】已停止补偿')).toBe('参合人员【450202****0005】已停止补偿');
  });

  it('permission letters and address lists are parsed strictly', () => {
    expect(parseLetters('ebA')).toEqual(['A', 'B', 'E']);
    expect(() => parseLetters('AK')).toThrow(/A–J/);
    expect(() => parseLetters('AA')).toThrow(/重复/);
    expect(parseIps('127.0.0.1, 10.0.0.0/8;::1')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    expect(() => parseIps('')).toThrow();
    expect(() => parseIps('300.1.1.1')).toThrow();
    expect(ipAllowed(['10.0.0.0/8'], '::ffff:10.2.3.4')).toBe(true);
    expect(ipAllowed(['10.0.0.0/8'], '11.0.0.1')).toBe(false);
    expect(ipAllowed(['::1'], '::1')).toBe(true);
    expect(ipAllowed(['*'], '8.8.8.8')).toBe(true);
  });
});

describe('liuzhou 消息摘要 (configurable; the default is a documented placeholder)', () => {
  const c = resolveConfig();
  const values = { 医院代码: '450202001', 用户: 'his01', 口令: 'Pw123456', 参合证号: '45020210000001' };

  it('default: MD5 upper hex over the non-DataSet parameters in the printed order, no separator', () => {
    expect(digestFields(c.digest, 'chryxxjk')).toEqual(['医院代码', '用户', '口令', '参合证号']);
    expect(digestFields(c.digest, 'mzjsjk')).toEqual(['医院代码', '用户', '口令']);
    expect(computeDigest(core, c, 'chryxxjk', values)).toBe(md5HEX('450202001his01Pw12345645020210000001'));
  });

  it('a configured secret is appended; joiner, prefix, suffix, algorithm, encoding and output are configuration', () => {
    const s = resolveConfig({ digest: { secret: '密钥k' } });
    expect(digestFields(s.digest, 'chryxxjk')).toEqual(['医院代码', '用户', '口令', '参合证号', '$secret']);
    expect(computeDigest(core, s, 'chryxxjk', values)).toBe(md5HEX(Buffer.from('450202001his01Pw12345645020210000001密钥k', 'utf8')));
    const j = resolveConfig({ digest: { alg: 'sha1', output: 'hex', joiner: '|', prefix: '[', suffix: ']', secret: 'k', encoding: 'gbk' } });
    const text = '[450202001|his01|Pw123456|45020210000001|k]';
    expect(computeDigest(core, j, 'chryxxjk', values)).toBe(createHash('sha1').update(iconv.encode(text, 'gbk')).digest('hex'));
    const u = resolveConfig({ digest: { encoding: 'utf-16le', output: 'base64', fields: { chryxxjk: ['参合证号', '$secret', '用户'] }, secret: '钥' } });
    expect(computeDigest(core, u, 'chryxxjk', values)).toBe(createHash('md5').update(Buffer.from('45020210000001钥his01', 'utf16le')).digest('base64'));
  });

  it('DataSets are excluded by default; dataSets: rows covers their canonical row text', () => {
    const ds = toDataSet(DEFAULT_SCHEMAS.zydj, { admission: [{ ipt_no: 'ZY1', card_no: '4502', name: '张三' }] });
    expect(dataSetText(ds)).toBe('ZY1,4502,张三,,,,,,');
    const r = resolveConfig({ digest: { dataSets: 'rows' } });
    expect(digestFields(r.digest, 'zydjjk')).toEqual(['医院代码', '用户', '口令', '入院登记数据']);
    expect(computeDigest(core, r, 'zydjjk', { ...values, 入院登记数据: ds })).toBe(md5HEX(Buffer.from('450202001his01Pw123456ZY1,4502,张三,,,,,,', 'utf8')));
    expect(computeDigest(core, c, 'zydjjk', { ...values, 入院登记数据: ds })).toBe(md5HEX('450202001his01Pw123456'));
    expect(computeDigest(core, resolveConfig({ digest: { enabled: false } }), 'zydjjk', values)).toBe('');
  });
});

describe('liuzhou SOAP / DataSet codec round trips (no wire sample is public)', () => {
  const c = resolveConfig();
  const plugin = createLiuzhouPlugin({ core });
  const ctx = { msgid: 'M1', infTime: '', signNo: '', insuplcAdmdvs: '', institution: { fixmedins_code: '', fixmedins_name: '', mdtrtarea_admvs: '', opter: '', opter_name: '' } };
  const main = toDataSet(DEFAULT_SCHEMAS.mzjsMain, { main: [{ visit_no: 'MZ001', card_no: '45020210000001', name: '昜晐·丂齄﨩', total: '441.20', count: '2' }] });
  const detail = toDataSet(DEFAULT_SCHEMAS.mzjsDetail, {
    lines: [
      { visit_no: 'MZ001', seq: '1', his_code: 'A1', name: '门诊诊查费 <&>', price: '15.00', qty: '1', amount: '15.00' },
      { visit_no: 'MZ001', seq: '2', his_code: 'B2', name: '阿莫西林', price: '213.10', qty: '2', amount: '426.20' },
    ],
  });

  it('a request carries the parameters in the printed order under their element names, with the digest', () => {
    const req = plugin.encode('mzjsjk', { values: { 医院代码: 'H1', 用户: 'u', 口令: 'p', '结算数据(主记录)': main, '结算数据(明细记录)': detail } }, ctx);
    expect(req.headers?.soapaction).toBe('"http://tempuri.org/mzjsjk"');
    const msg = core.soap.decode(req.body);
    expect(msg).toMatchObject({ version: '1.1', ns: 'http://tempuri.org/', name: 'mzjsjk' });
    expect(Object.keys(msg.value!)).toEqual(['yydm', 'yh', 'kl', 'jssjzjl', 'jssjmxjl', 'xxzy']);
    const back = readParams(c, 'mzjsjk', msg.value!);
    expect(back['医院代码']).toBe('H1');
    expect(back['消息摘要']).toBe(md5HEX('H1up'));
    const m = fromDataSet(DEFAULT_SCHEMAS.mzjsMain, back['结算数据(主记录)'] as DataSetJson);
    expect(m.main).toEqual([{ visit_no: 'MZ001', card_no: '45020210000001', name: '昜晐·丂齄﨩', total: '441.20', count: '2' }]);
    const d = fromDataSet(DEFAULT_SCHEMAS.mzjsDetail, back['结算数据(明细记录)'] as DataSetJson);
    expect(d.lines!.map((l) => [l.name, l.amount])).toEqual([['门诊诊查费 <&>', '15.00'], ['阿莫西林', '426.20']]);
  });

  it('SOAP 1.2 is configuration', () => {
    const p12 = createLiuzhouPlugin({ core, config: { soap: { version: '1.2', ns: 'urn:lz' } } });
    const req = p12.encode('chryxxjk', { values: { 医院代码: 'H1', 用户: 'u', 口令: 'p', 参合证号: 'C1' } }, ctx);
    expect(req.headers?.['content-type']).toContain('application/soap+xml');
    expect(req.headers?.['content-type']).toContain('action="urn:lz/chryxxjk"');
    expect(core.soap.decode(req.body)).toMatchObject({ version: '1.2', ns: 'urn:lz', name: 'chryxxjk' });
  });

  it('replies: 空 string = success, text = failure, DataSet = success, absent / nil DataSet = Null', () => {
    const reply = (name: string, value: Record<string, unknown>) => core.soap.encode({ version: '1.1', ns: c.soap.ns, name, value: value as never });
    expect(plugin.decode(reply('zydjjkResponse', { zydjjkResult: '' }))).toMatchObject({ infcode: 0, err_msg: '' });
    expect(plugin.decode(reply('zydjjkResponse', { zydjjkResult: '住院号已登记' }))).toMatchObject({ infcode: -1, err_msg: '住院号已登记' });
    const person = toDataSet(DEFAULT_SCHEMAS.chry, { person: [{ card_no: 'C1', name: '张三', ytd_op_comp: '12.30' }] });
    const ok = plugin.decode(reply('chryxxjkResponse', { chryxxjkResult: { $dataset: person } }));
    expect(ok.infcode).toBe(0);
    const out = ok.output as { result: { kind: string; dataset: DataSetJson } };
    expect(fromDataSet(DEFAULT_SCHEMAS.chry, out.result.dataset).person).toEqual([{ card_no: 'C1', name: '张三', ytd_op_comp: '12.30' }]);
    expect(plugin.decode(reply('chryxxjkResponse', {}))).toMatchObject({ infcode: -1, err_msg: 'Null' });
    expect(plugin.decode(reply('chryxxjkResponse', { chryxxjkResult: null }))).toMatchObject({ infcode: -1 });
    const fault = core.soap.encode({ version: '1.1', ns: c.soap.ns, fault: { code: 'soap:Server', reason: '服务器错误' } });
    expect(plugin.decode(fault)).toMatchObject({ infcode: -1, err_msg: 'soap:Server: 服务器错误' });
  });

  it('a DataSet interface answering text, or elements without a diffgram, is BAD_REPLY', () => {
    expect(() => readResult(INTERFACES.chryxxjk, 'error')).toThrow(/DataSet expected/);
    expect(() => readResult(INTERFACES.chryxxjk, { Table: { a: '1' } })).toThrow(/DataSet expected/);
    expect(() => readResult(INTERFACES.zydjjk, { a: '1' })).toThrow(/text expected/);
  });

  it('a received DataSet missing a required column or with a bad amount is XNH_SCHEMA with the place', () => {
    const bad = { name: 'NewDataSet', tables: [{ name: 'mzbc', columns: [{ name: 'mzbh' }, { name: 'zfy' }], rows: [{ mzbh: 'MZ1', zfy: '1.00' }] }] };
    expect(() => fromDataSet(DEFAULT_SCHEMAS.mzjsResult, bad)).toThrow(/缺少列 bcje/);
    const amt = { name: 'NewDataSet', tables: [{ name: 'MZBC', columns: [], rows: [{ MZBH: 'MZ1', ZFY: '1,00', BCJE: '0', ZFJE: '1' }] }] };
    try {
      fromDataSet(DEFAULT_SCHEMAS.mzjsResult, amt);
      expect.unreachable();
    } catch (e) {
      expect((e as YibaoError).code).toBe('XNH_SCHEMA');
      expect((e as YibaoError).detail).toContain('MZBC[0].zfy');
    }
    // a one-table schema accepts .NET's default table name
    const dotnet = { name: 'NewDataSet', tables: [{ name: 'Table', columns: [], rows: [{ chzh: 'C1', xm: '李〇' }] }] };
    expect(fromDataSet(DEFAULT_SCHEMAS.chry, dotnet).person).toEqual([{ card_no: 'C1', name: '李〇' }]);
  });

  it('server side: a repeated parameter or text in place of a DataSet is XNH_SCHEMA', () => {
    expect(() => readParams(c, 'chryxxjk', { yydm: ['a', 'b'] })).toThrow(/重复/);
    expect(() => readParams(c, 'zydjjk', { rydjsj: 'text' })).toThrow(/不是DataSet/);
    expect(readParams(c, 'chryxxjk', { YYDM: 'H1', chzh: 'C' })).toMatchObject({ 医院代码: 'H1', 参合证号: 'C' });
    const p = requestParams(core, c, 'zydjjk', { 医院代码: 'H', 用户: 'u', 口令: 'p' });
    expect(p.rydjsj).toBeNull();
  });
});
