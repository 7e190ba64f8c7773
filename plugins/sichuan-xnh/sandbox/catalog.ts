// The sandbox 新农合 catalogues (test data): the national sandbox catalogue (plugins/national/sandbox/catalog.ts)
// re-numbered into the three 新农合 lists — 药品 (Med, MID 1001…), 服务设施 (SW, SID 2001…: 床位费) and 诊疗项目
// (Items, IID 3001…: everything else) — each with the 农合 限价 used by price control (CheckMed / CheckSW /
// CheckItem and every 清单 line). The 农合 code of a row (MCODE / SCODE / ICODE) is the national code, so a HIS
// that bills with national codes maps 1:1 (the client's default 对码).
import { CATALOG_ITEMS, DIAGNOSES, type CatalogItem } from '../../national/sandbox/catalog.js';

export type Dlb = 'med' | 'sw' | 'item';

export interface XnhCatalogRow {
  dlb: Dlb;
  id: number;
  code: string;
  name: string;
  spec: string;
  unit: string;
  dosform: string;
  /** 农合 限价 (yuan text) or null = no limit */
  limit: string | null;
  /** 甲 / 乙 / 丙 */
  lb: string;
  /** 先行自付比例 */
  selfpay: string;
  pym: string;
  /** what the kernel classifies the line with (the national attributes, the 农合 限价) */
  item: CatalogItem;
}

/** 农合 限价 that differ from the national 定价上限 (documented in sandbox/README.md). */
export const XNH_LIMIT_OVERRIDES: Record<string, string | null> = {
  '002202030010000': '300.00', // CT 平扫（颅脑）: national 260.00
  '001202000020000': '30.00', // Ⅱ级护理: national 16.00
};

const LB: Record<string, string> = { '01': '甲', '02': '乙', '03': '丙' };

function dlbOf(i: CatalogItem): Dlb {
  if (['09', '10', '11'].includes(i.med_chrgitm_type)) return 'med';
  if (i.med_chrgitm_type === '01') return 'sw';
  return 'item';
}

function build(): XnhCatalogRow[] {
  const next: Record<Dlb, number> = { med: 1000, sw: 2000, item: 3000 };
  return CATALOG_ITEMS.filter((i) => i.vali_flag === '1').map((i) => {
    const dlb = dlbOf(i);
    const limit = i.code in XNH_LIMIT_OVERRIDES ? XNH_LIMIT_OVERRIDES[i.code]! : i.pric_uplmt_amt;
    return {
      dlb, id: ++next[dlb], code: i.code, name: i.name, spec: i.spec, unit: i.unit, dosform: i.dosform ?? '', limit, lb: LB[i.chrgitm_lv] ?? '丙',
      selfpay: i.selfpay_prop, pym: i.code.slice(0, 4).toUpperCase(), item: { ...i, pric_uplmt_amt: limit },
    };
  });
}

export const XNH_CATALOG: XnhCatalogRow[] = build();

export function catalogRow(dlb: Dlb, id: number): XnhCatalogRow | undefined {
  return XNH_CATALOG.find((r) => r.dlb === dlb && r.id === id);
}

/** 门诊统筹 疾病编码 (QueryJBBM): the national sandbox diagnoses. */
export const XNH_DISEASES: { BM: string; MC: string }[] = DIAGNOSES.map((d) => ({ BM: d.code, MC: d.name }));

/** 医院科室 (QueryYYKS) of the sandbox hospital. */
export const XNH_DEPARTMENTS: { KSBM: string; KSMC: string }[] = [
  { KSBM: 'A01', KSMC: '预防保健科' }, { KSBM: 'A02', KSMC: '全科医疗科' }, { KSBM: 'A03', KSMC: '内科' }, { KSBM: 'A04', KSMC: '外科' },
  { KSBM: 'A05', KSMC: '妇产科' }, { KSBM: 'A07', KSMC: '儿科' }, { KSBM: 'A10', KSMC: '眼科' }, { KSBM: 'A50', KSMC: '中医科' },
];
