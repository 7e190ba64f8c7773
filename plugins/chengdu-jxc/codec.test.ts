// The Chengdu 进销存 XML strings and the simulated center without the wire: request/response codec with the
// configured tags, per-row result attribution, and the center's checks (credentials, row limit, 对码, numbers,
// duplicates, partial saves).
import { describe, it, expect } from 'vitest';
import { createCore } from '../../host-node/src/index.js';
import type { InventoryRow } from '../../host-node/src/inventory.js';
import { batchReply, decodeJxcRequest, decodeJxcResponse, encodeJxcRequest, encodeJxcResponse, jxcRows } from './codec.js';
import { JXC_DEFAULTS, jxcConfig } from './manifest.js';
import { JXC_SANDBOX_CREDENTIALS, JxcCenter } from './sandbox/center.js';

const core = createCore();
const cfg = JXC_DEFAULTS;
const AMX = { med_list_codg: 'XJ01CAA040A001010100001', hilist_id: 'HIS-AMX01', hilist_name: '阿莫西林胶囊' };
const MET = { med_list_codg: 'XA10BAE054A001010100003', hilist_id: 'HIS-MET01', hilist_name: '盐酸二甲双胍片' };
const init = (sn: string, more: Partial<InventoryRow> = {}): InventoryRow => ({ sn, ...AMX, trdn_flag: '0', pric: '0.123456', cnt: '24.5', ...more });
const request = (rows: InventoryRow[], o: { txCode?: string; user?: string; password?: string; kind?: 'init' | 'stock-in' | 'stock-out' | 'stock'; c?: typeof cfg } = {}) => {
  const c = o.c ?? cfg;
  return encodeJxcRequest(core, c, { txCode: o.txCode ?? c.txCodes[o.kind ?? 'init'], user: o.user ?? JXC_SANDBOX_CREDENTIALS.user, password: o.password ?? JXC_SANDBOX_CREDENTIALS.password, fixmedins_code: 'H51010000001', rows: jxcRows(c, o.kind ?? 'init', rows) });
};

describe('chengdu-jxc codec', () => {
  it('writes the request with the configured header items and detail rows (GBK declaration, decimals as text)', () => {
    const xml = request([init('S1'), init('S2', { trdn_flag: '1', cnt: '3' })]);
    expect(xml.startsWith('<?xml version="1.0" encoding="GBK"')).toBe(true);
    expect(xml).toContain('<input><jyfwbm>JXC01</jyfwbm><jyfwyh>JXCTEST01</jyfwyh><jyyzm>jxc-sandbox-code</jyyzm><akb020>H51010000001</akb020><data><row>');
    expect(xml).toContain('<row><ake001>XJ01CAA040A001010100001</ake001><ake006>阿莫西林胶囊</ake006><ake005>HIS-AMX01</ake005><lsh>S1</lsh><sfcl>0</sfcl><cgjg>0.123456</cgjg><cgsl>24.5</cgsl></row>');
    const back = decodeJxcRequest(core, cfg, xml);
    expect(back).toMatchObject({ txCode: 'JXC01', user: 'JXCTEST01', fixmedins_code: 'H51010000001' });
    expect(back.rows).toHaveLength(2);
    expect(back.rows[1]).toMatchObject({ lsh: 'S2', sfcl: '1', cgsl: '3' });
  });

  it('escapes markup in values (a name cannot inject an element)', () => {
    const xml = request([init('S1', { hilist_name: '</ake006><lsh>X</lsh>&' })]);
    expect(decodeJxcRequest(core, cfg, xml).rows[0]).toMatchObject({ ake006: '</ake006><lsh>X</lsh>&', lsh: 'S1' });
  });

  it('reads responses and attributes the failed rows by 流水号', () => {
    const xml = encodeJxcResponse(core, cfg, { code: '1', message: '部分失败', failures: [{ key: 'S2', reason: '【数据重复上传】流水号【S2】' }, { key: 'S3', reason: '对码不存在' }] });
    const r = decodeJxcResponse(core, cfg, xml);
    expect(r).toEqual({ code: '1', message: '部分失败', failures: [{ key: 'S2', reason: '【数据重复上传】流水号【S2】' }, { key: 'S3', reason: '对码不存在' }] });
    expect(batchReply(cfg, r, ['S1', 'S2', 'S3'])).toEqual({
      outcome: 'partial', code: '1', message: '部分失败',
      rows: [{ ok: true }, { ok: false, reason: '【数据重复上传】流水号【S2】', duplicate: true }, { ok: false, reason: '对码不存在', duplicate: false }],
    });
    // a single failed row (one <row>) and a failure without rows (every row gets the message)
    expect(batchReply(cfg, decodeJxcResponse(core, cfg, encodeJxcResponse(core, cfg, { code: '0', message: 'ok', failures: [] })), ['A']).rows).toEqual([{ ok: true }]);
    expect(batchReply(cfg, { code: '-1', message: '交易访问用户或交易访问验证码错误', failures: [] }, ['A', 'B']).rows).toEqual([
      { ok: false, reason: '交易访问用户或交易访问验证码错误', duplicate: false },
      { ok: false, reason: '交易访问用户或交易访问验证码错误', duplicate: false },
    ]);
  });

  it('refuses answers it cannot attribute: unknown result code, partial without rows, not XML (BAD_REPLY = retry)', () => {
    expect(() => batchReply(cfg, { code: '9', message: '?', failures: [] }, ['A'])).toThrow(expect.objectContaining({ code: 'BAD_REPLY' }));
    expect(() => batchReply(cfg, { code: '1', message: '部分失败', failures: [] }, ['A'])).toThrow(expect.objectContaining({ code: 'BAD_REPLY' }));
    expect(() => decodeJxcResponse(core, cfg, 'not xml')).toThrow(expect.objectContaining({ code: 'BAD_REPLY' }));
    expect(() => decodeJxcResponse(core, cfg, '<result><errorcode>0</errorcode></result>')).toThrow(/<output>/);
    expect(() => decodeJxcResponse(core, cfg, '<output><errormsg>x</errormsg></output>')).toThrow(/errorcode/);
  });

  it('uses a site configuration for tags, codes, charset and limits (placeholders are replaceable)', () => {
    const site = jxcConfig({
      charset: 'UTF-8', maxRows: 2, txCodes: { init: '3001' }, resultCodes: { success: '1', failure: '0', partial: '2' },
      request: { root: 'Request', txCode: 'TradeCode' }, response: { root: 'Response', code: 'Code', message: 'Msg', key: 'SerialNo', reason: 'Reason' },
    });
    expect(site.txCodes['stock-in']).toBe('JXC02');
    const xml = request([init('S1')], { c: site, txCode: '3001' });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
    expect(xml).toContain('<Request><TradeCode>3001</TradeCode>');
    const c = new JxcCenter({ core, cfg: site });
    const res = decodeJxcResponse(core, site, c.handle(request([init('S1'), init('S2'), init('S3')], { c: site, txCode: '3001' })));
    expect(res).toMatchObject({ code: '0', message: '一次调用最多只允许上传明细2条，本次3条，提交不成功' });
    expect(decodeJxcResponse(core, site, c.handle(request([init('S1')], { c: site, txCode: '3001' })))).toMatchObject({ code: '1' });
  });
});

describe('chengdu-jxc sandbox center', () => {
  const call = (c: JxcCenter, rows: InventoryRow[], o: Parameters<typeof request>[1] = {}) => decodeJxcResponse(core, cfg, c.handle(request(rows, o)));

  it('refuses a batch as a whole for wrong credentials, unknown transaction, too many rows or malformed XML — nothing saved', () => {
    const c = new JxcCenter({ core });
    expect(call(c, [init('S1')], { password: 'wrong' })).toMatchObject({ code: '-1', message: '交易访问用户或交易访问验证码错误' });
    expect(call(c, [init('S1')], { txCode: 'JXC99' })).toMatchObject({ code: '-1', message: '交易服务编码【JXC99】不存在' });
    expect(call(c, Array.from({ length: 51 }, (_, k) => init(`S${k}`)))).toMatchObject({ code: '-1', message: '一次调用最多只允许上传明细50条，本次51条，提交不成功' });
    expect(call(c, [])).toMatchObject({ code: '-1', message: '上传明细不能为空' });
    expect(decodeJxcResponse(core, cfg, c.handle('<oops'))).toMatchObject({ code: '-1' });
    expect(c.saved.size).toBe(0);
    expect(c.calls).toBe(5);
  });

  it('saves the valid rows and returns each failed row with its reason (本次成功但是部分数据失败)', () => {
    const c = new JxcCenter({ core });
    const r = call(c, [
      init('S1'),
      init('S2', { med_list_codg: 'X-UNMAPPED' }),
      init('S3', { hilist_id: 'HIS-OTHER' }),
      init('S4', { cnt: '-2' }),
      init('S5', { cnt: '1.23456' }),
      init('S6', { pric: 'abc' }),
      init('S7', { trdn_flag: '2' }),
      init('S8', { hilist_name: '' }),
      init('S1'),
      { sn: 'S9', ...MET, trdn_flag: '1', pric: '0.5', cnt: '100' },
    ]);
    expect(r.code).toBe('1');
    expect(r.message).toBe('本次成功但是部分数据失败：成功2条，失败8条');
    expect(Object.fromEntries(r.failures.map((f) => [f.key, f.reason]))).toEqual({
      S2: '医保项目编码【X-UNMAPPED】未在【医保两定管理协同平台】完成对码',
      S3: '医院对码流水号【HIS-OTHER】与医保项目编码【XJ01CAA040A001010100001】的对码关系不存在',
      S4: '【采购数量】无效：-2（应为大于0的数值）',
      S5: '【采购数量】小数位数不能超过4位：1.23456',
      S6: '【采购价格】无效：abc（应为不小于0的数值）',
      S7: '【是否拆零标志】应为0或1：2',
      S8: '【医院项目名称】不能为空',
      S1: '【数据重复上传】流水号【S1】已存在于医保系统中',
    });
    expect(c.rows().map((x) => x.sn)).toEqual(['S1', 'S9']);
    expect(c.rows()[1]!.fields).toMatchObject({ cgjg: '0.5', cgsl: '100' });
    // 初始化 again with the same 流水号: 【数据重复上传】, nothing saved (执行失败)
    const again = call(c, [init('S1'), init('S9', MET)]);
    expect(again.code).toBe('-1');
    expect(again.failures.map((f) => f.reason)).toEqual(['【数据重复上传】流水号【S1】已存在于医保系统中', '【数据重复上传】流水号【S9】已存在于医保系统中']);
    expect(c.applied).toBe(2);
  });

  it('each transaction has its own fields; 实际库存 allows a zero count; 对码 added later is honoured', () => {
    const c = new JxcCenter({ core });
    const out = call(c, [{ sn: 'O1', ...AMX, trdn_flag: '0', pric: '1.2', cnt: '2', time: '2026-11-20 10:00:00', manu_lotnum: 'L1' }], { kind: 'stock-out' });
    expect(out.code).toBe('0');
    expect(c.rows('stock-out')[0]!.fields).toMatchObject({ ckjg: '1.2', cksl: '2', cksj: '2026-11-20 10:00:00', ph: 'L1' });
    expect(call(c, [{ sn: 'O2', ...AMX, trdn_flag: '0', pric: '1.2', cnt: '2' }], { kind: 'stock-out' }).failures[0]!.reason).toBe('【出库时间】不能为空');
    expect(call(c, [{ sn: 'K1', ...AMX, trdn_flag: '0', cnt: '0', time: '2026-11-30 18:00:00' }], { kind: 'stock' }).code).toBe('0');
    expect(call(c, [init('N1', { med_list_codg: 'XNEW0001' })]).failures[0]!.reason).toMatch(/未在【医保两定管理协同平台】完成对码/);
    c.addMapping({ med_list_codg: 'XNEW0001', hilist_id: 'HIS-AMX01', name: '新药' });
    expect(call(c, [init('N1', { med_list_codg: 'XNEW0001' })]).code).toBe('0');
  });
});
