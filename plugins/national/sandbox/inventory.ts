// 进销存 (inventory) uploads 3501–3507 of the sandbox center: one record per call (wire-formats-ws §4.4),
// validated field by field and stored per institution, with the business refusals a HIS meets in practice:
// a repeated 盘存 / 采购 batch, a return larger than what was bought or sold, a change or delete of a batch
// the center does not hold, a code that is not in the catalog. Output is always {} (the spec has none).
//
// Rules the public spec does not state and the sandbox chose (documented in the README):
// - 3501 is unique per (fixmedins_bchno, invdate): a periodic 实际库存 count of the same batch on another day
//   is a new 盘存 record; the same day again is 【重复上传】.
// - 3503 is unique per fixmedins_bchno (one purchase per batch); 3504 / 3506 need the bought / sold batch.
// - 3502 needs a batch the center knows from 3501 or 3503.
// - 3507 deletes every valid record of inv_data_type (1 盘存, 2 库存变更, 3 采购+采购退货, 4 销售+销售退货)
//   with that fixmedins_bchno; none → refused.
import { lookupItem } from './catalog.js';
import { ok, type Ctx, type Handler, type Out } from './context.js';
import { Biz, need, needDec, needTime, node, str, type Obj, type State } from './state.js';
import { cmpDec, isD10, parseDec, type Dec } from './wire.js';

export type InvDataType = '1' | '2' | '3' | '4';

/** One inventory record the center holds. */
export interface InvRecord {
  infno: string;
  /** 1 盘存, 2 库存变更, 3 采购 / 采购退货, 4 销售 / 销售退货 (the 3507 inv_data_type) */
  type: InvDataType;
  fixmedins_code: string;
  fixmedins_bchno: string;
  med_list_codg: string;
  /** the quantity as sent (inv_cnt / cnt / purc_retn_cnt / sel_retn_cnt) */
  cnt: string;
  /** the price as sent (pric / finl_trns_pric), "" for 3501 */
  pric: string;
  /** invdate / inv_chg_time / purc_retn_stoin_time / sel_retn_time */
  time: string;
  /** msgid of the storing request */
  msgid: string;
  status: 'valid' | 'deleted';
  /** the input node as received (decimals as text) */
  data: Obj;
}

const STORES = new WeakMap<State, InvRecord[]>();

/** The inventory records of a center (tests and the ledger view), in arrival order. */
export function inventoryRecords(st: State): InvRecord[] {
  let l = STORES.get(st);
  if (!l) STORES.set(st, (l = []));
  return l;
}

const TYPE_OF: Record<string, InvDataType> = { '3501': '1', '3502': '2', '3503': '3', '3504': '3', '3505': '4', '3506': '4' };
const TYPE_NAME: Record<InvDataType, string> = { '1': '盘存', '2': '库存变更', '3': '采购', '4': '销售' };

interface Shape {
  node: string;
  /** required string fields (besides the decimals / times below) */
  fields: string[];
  cnt: { key: string; scale: number; min: 'zero' | 'positive' | 'nonzero' };
  pric?: string;
  time: { key: string; date?: boolean };
  /** optional yyyy-MM-dd fields */
  dates: string[];
}

const PURC = ['med_list_codg', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'fixmedins_bchno', 'spler_name', 'rx_flag', 'purc_retn_opter_name'];
const SEL = ['med_list_codg', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'fixmedins_bchno', 'rx_flag', 'trdn_flag', 'sel_retn_opter_name'];

const SHAPES: Record<string, Shape> = {
  '3501': { node: 'invinfo', fields: ['med_list_codg', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'rx_flag', 'fixmedins_bchno'], cnt: { key: 'inv_cnt', scale: 2, min: 'zero' }, time: { key: 'invdate', date: true }, dates: ['manu_date', 'expy_end'] },
  '3502': { node: 'invinfo', fields: ['med_list_codg', 'inv_chg_type', 'fixmedins_hilist_id', 'fixmedins_hilist_name', 'fixmedins_bchno', 'rx_flag', 'inv_chg_opter_name'], cnt: { key: 'cnt', scale: 4, min: 'nonzero' }, pric: 'pric', time: { key: 'inv_chg_time' }, dates: [] },
  '3503': { node: 'purcinfo', fields: PURC, cnt: { key: 'purc_retn_cnt', scale: 4, min: 'positive' }, pric: 'finl_trns_pric', time: { key: 'purc_retn_stoin_time' }, dates: ['manu_date', 'expy_end'] },
  '3504': { node: 'purcinfo', fields: PURC, cnt: { key: 'purc_retn_cnt', scale: 4, min: 'positive' }, pric: 'finl_trns_pric', time: { key: 'purc_retn_stoin_time' }, dates: ['manu_date', 'expy_end'] },
  '3505': { node: 'selinfo', fields: SEL, cnt: { key: 'sel_retn_cnt', scale: 4, min: 'positive' }, pric: 'finl_trns_pric', time: { key: 'sel_retn_time' }, dates: ['manu_date', 'expy_end'] },
  '3506': { node: 'selinfo', fields: SEL, cnt: { key: 'sel_retn_cnt', scale: 4, min: 'positive' }, pric: 'finl_trns_pric', time: { key: 'sel_retn_time' }, dates: ['manu_date', 'expy_end'] },
};

const ZERO: Dec = { n: 0n, scale: 0 };
const add = (a: Dec, b: Dec): Dec => {
  const s = Math.max(a.scale, b.scale);
  return { n: a.n * 10n ** BigInt(s - a.scale) + b.n * 10n ** BigInt(s - b.scale), scale: s };
};
const neg = (a: Dec): Dec => ({ n: -a.n, scale: a.scale });
const sum = (rs: InvRecord[]) => rs.reduce((acc, r) => add(acc, parseDec(r.cnt) ?? ZERO), ZERO);
const show = (d: Dec) => {
  const minus = d.n < 0n;
  const t = (minus ? -d.n : d.n).toString().padStart(d.scale + 1, '0');
  return `${minus ? '-' : ''}${d.scale ? `${t.slice(0, -d.scale)}.${t.slice(-d.scale)}` : t}`;
};

function upload(c: Ctx): Out {
  const shape = SHAPES[c.infno]!;
  const P = `input.${shape.node}`;
  const d = node(c.input, shape.node, 'input');
  for (const f of shape.fields) need(d, f, P);
  const code = str(d, 'med_list_codg');
  const bchno = str(d, 'fixmedins_bchno');
  const item = lookupItem(code);
  if (!item) throw new Biz(`医保目录编码【${code}】不存在或已停用，请先完成目录对照`);
  const cnt = needDec(d, shape.cnt.key, P, shape.cnt.scale);
  const sign = cmpDec(cnt.dec, ZERO);
  if (shape.cnt.min === 'zero' && sign < 0) throw new Biz(`入参校验失败：字段【${P}.${shape.cnt.key}】不能为负数：${cnt.text}`);
  if (shape.cnt.min === 'positive' && sign <= 0) throw new Biz(`入参校验失败：字段【${P}.${shape.cnt.key}】应大于0：${cnt.text}`);
  if (shape.cnt.min === 'nonzero' && sign === 0) throw new Biz(`入参校验失败：字段【${P}.${shape.cnt.key}】不能为0`);
  let pric = '';
  if (shape.pric) {
    const p = needDec(d, shape.pric, P, 6);
    if (p.dec.n < 0n) throw new Biz(`入参校验失败：字段【${P}.${shape.pric}】不能为负数：${p.text}`);
    pric = p.text;
  }
  let time: string;
  if (shape.time.date) {
    time = need(d, shape.time.key, P);
    if (!isD10(time.slice(0, 10))) throw new Biz(`入参校验失败：字段【${P}.${shape.time.key}】应为 yyyy-MM-dd 格式：${time}`);
    time = time.slice(0, 10);
  } else time = needTime(d, shape.time.key, P);
  for (const k of shape.dates) {
    const v = str(d, k);
    if (v && !isD10(v.slice(0, 10))) throw new Biz(`入参校验失败：字段【${P}.${k}】应为 yyyy-MM-dd 格式：${v}`);
  }
  for (const k of ['rx_flag', 'trdn_flag'] as const) {
    const v = str(d, k);
    if (v && !['0', '1'].includes(v)) throw new Biz(`入参校验失败：字段【${P}.${k}】应为 0 或 1：${v}`);
  }
  const all = inventoryRecords(c.st);
  const mine = (infno: string) => all.filter((r) => r.status === 'valid' && r.fixmedins_code === c.fixmedins_code && r.infno === infno && r.fixmedins_bchno === bchno);
  switch (c.infno) {
    case '3501':
      if (mine('3501').some((r) => r.time === time)) throw new Biz(`数据重复上传：机构批次号【${bchno}】盘存日期【${time}】的盘存信息已上传（如需更正请先用3507删除）`);
      break;
    case '3502':
      if (!mine('3501').length && !mine('3503').length) throw new Biz(`机构批次号【${bchno}】无盘存或采购信息，不能上传库存变更`);
      break;
    case '3503':
      if (mine('3503').length) throw new Biz(`数据重复上传：机构批次号【${bchno}】的采购信息已上传（如需更正请先用3507删除）`);
      break;
    case '3504':
    case '3506': {
      const orig = c.infno === '3504' ? '3503' : '3505';
      const what = c.infno === '3504' ? '采购' : '销售';
      const base = mine(orig).filter((r) => r.med_list_codg === code);
      if (!base.length) throw new Biz(`机构批次号【${bchno}】医保目录编码【${code}】无${what}记录，不能${what}退货`);
      const left = add(sum(base), neg(sum(mine(c.infno).filter((r) => r.med_list_codg === code))));
      if (cmpDec(cnt.dec, left) > 0) throw new Biz(`${what}退货数量【${cnt.text}】超过可退数量【${show(left)}】（机构批次号【${bchno}】）`);
      break;
    }
  }
  all.push({ infno: c.infno, type: TYPE_OF[c.infno]!, fixmedins_code: c.fixmedins_code, fixmedins_bchno: bchno, med_list_codg: code, cnt: cnt.text, pric, time, msgid: c.msgid, status: 'valid', data: d });
  return ok();
}

function remove(c: Ctx): Out {
  const P = 'input.data';
  const d = node(c.input, 'data', 'input');
  const bchno = need(d, 'fixmedins_bchno', P);
  const type = need(d, 'inv_data_type', P);
  if (!['1', '2', '3', '4'].includes(type)) throw new Biz(`入参校验失败：字段【${P}.inv_data_type】应为 1 盘存、2 库存变更、3 采购、4 销售：${type}`);
  const hit = inventoryRecords(c.st).filter((r) => r.status === 'valid' && r.fixmedins_code === c.fixmedins_code && r.type === type && r.fixmedins_bchno === bchno);
  if (!hit.length) throw new Biz(`未找到机构批次号【${bchno}】的${TYPE_NAME[type as InvDataType]}信息`);
  for (const r of hit) r.status = 'deleted';
  c.warn.push(`已删除${hit.length}条${TYPE_NAME[type as InvDataType]}信息`);
  return ok();
}

/** The handlers center.ts registers. */
export const INVENTORY_HANDLERS: Record<string, Handler> = {
  '3501': upload,
  '3502': upload,
  '3503': upload,
  '3504': upload,
  '3505': upload,
  '3506': upload,
  '3507': remove,
};
