// DataSet schemas of the Liuzhou interfaces. The seed's "DataSet结构说明" sections are NOT public: every
// table name and column name below is a documented DEFAULT (pinyin initials of the Chinese field name, the
// naming style of the interface codes themselves), overridable per deployment (`schemas` in config.ts).
// Canonical keys (left) are what yibao's code reads and writes; wire names are configuration.
import type { DataSetJson, DataSetTable } from '../../host-node/src/contract.js';
import { YibaoError } from '../../host-node/src/errors.js';
import type { DataSetKind } from './spec.js';

export type ColumnType = 'string' | 'decimal' | 'int';

export interface ColumnSpec {
  /** canonical key (yibao) */
  key: string;
  /** element name on the wire (configuration) */
  name: string;
  /** 中文 meaning */
  zh: string;
  type: ColumnType;
  required?: boolean;
}

export interface TableSchema {
  /** canonical key of the table inside the DataSet */
  key: string;
  /** DataTable name on the wire */
  table: string;
  columns: ColumnSpec[];
}

export interface DataSetSchema {
  kind: DataSetKind;
  zh: string;
  /** DataSet name (the element under diffgr:diffgram), .NET default NewDataSet */
  dataset: string;
  tables: TableSchema[];
}

/** Partial override of a schema: names only (canonical keys and types stay). */
export interface DataSetSchemaOverride {
  dataset?: string;
  tables?: Record<string, { table?: string; columns?: Record<string, string> }>;
}

const C = (key: string, name: string, zh: string, type: ColumnType = 'string', required = false): ColumnSpec => ({ key, name, zh, type, ...(required ? { required } : {}) });

const FEE_LINE = (visitKey: string, visitCol: string, visitZh: string): ColumnSpec[] => [
  C(visitKey, visitCol, visitZh, 'string', true),
  C('seq', 'xh', '明细序号', 'string', true),
  C('his_code', 'yyxmbm', '医院项目编码', 'string', true),
  C('name', 'xmmc', '项目名称', 'string', true),
  C('category', 'sflb', '收费类别', 'string'),
  C('price', 'dj', '单价', 'decimal', true),
  C('qty', 'sl', '数量', 'decimal', true),
  C('amount', 'je', '金额', 'decimal', true),
  C('time', 'fyrq', '费用日期', 'string'),
];

const CATALOG = (): ColumnSpec[] => [
  C('his_code', 'yyxmbm', '医院项目编码', 'string', true),
  C('his_name', 'yyxmmc', '医院项目名称', 'string', true),
  C('xnh_code', 'nhxmbm', '农合项目编码', 'string'),
  C('spec', 'gg', '规格', 'string'),
  C('unit', 'dw', '单位', 'string'),
  C('price', 'dj', '单价', 'decimal'),
  C('action', 'czlx', '操作类型（1 增加 2 删除 3 修改）', 'string', true),
];

/** A DataSet of one table under .NET's default DataSet name. */
const ONE = (kind: DataSetKind, zh: string, key: string, table: string, columns: ColumnSpec[]): DataSetSchema => ({ kind, zh, dataset: 'NewDataSet', tables: [{ key, table, columns }] });

/** The default schemas (every name is configuration; see README "Configuration because the public specification is silent"). */
export const DEFAULT_SCHEMAS: Record<DataSetKind, DataSetSchema> = {
  ypml: ONE('ypml', '药品目录数据', 'rows', 'ypml', CATALOG()),
  zlml: ONE('zlml', '诊疗目录数据', 'rows', 'zlml', CATALOG()),
  chry: ONE('chry', '参合人员信息数据', 'person', 'chry', [
    C('card_no', 'chzh', '参合证号', 'string', true),
    C('name', 'xm', '姓名', 'string', true),
    C('gend', 'xb', '性别（1 男 2 女）', 'string'),
    C('brdy', 'csrq', '出生日期', 'string'),
    C('certno', 'sfzh', '身份证号', 'string'),
    C('family_no', 'jtbh', '家庭编号', 'string'),
    C('year', 'chnd', '参合年度', 'string'),
    C('status', 'ryzt', '人员状态（0 正常，其他 停止补偿）', 'string'),
    C('ytd_op_comp', 'mzljbc', '本年度门诊累计补偿', 'decimal'),
    C('ytd_ip_comp', 'zyljbc', '本年度住院累计补偿', 'decimal'),
  ]),
  mzjsMain: ONE('mzjsMain', '门诊结算数据（主记录）', 'main', 'mzjszjl', [
    C('visit_no', 'mzh', '医院门诊号', 'string', true),
    C('card_no', 'chzh', '参合证号', 'string', true),
    C('name', 'xm', '姓名', 'string'),
    C('visit_time', 'jzrq', '就诊日期', 'string'),
    C('dept', 'ks', '科室', 'string'),
    C('doctor', 'ys', '医生', 'string'),
    C('diag_code', 'jbbm', '疾病编码', 'string'),
    C('diag_name', 'jbmc', '疾病名称', 'string'),
    C('total', 'zfy', '总费用', 'decimal', true),
    C('count', 'mxts', '明细条数', 'int', true),
  ]),
  mzjsDetail: ONE('mzjsDetail', '门诊结算数据（明细记录）', 'lines', 'mzjsmxjl', FEE_LINE('visit_no', 'mzh', '医院门诊号')),
  mzjsResult: ONE('mzjsResult', '门诊补偿结果', 'result', 'mzbc', [
    C('outpatient_no', 'mzbh', '门诊编号（农合）', 'string', true),
    C('visit_no', 'mzh', '医院门诊号', 'string'),
    C('card_no', 'chzh', '参合证号', 'string'),
    C('total', 'zfy', '总费用', 'decimal', true),
    C('inscp', 'kbcfy', '可补偿费用', 'decimal'),
    C('dedc', 'qfx', '起付线', 'decimal'),
    C('comp', 'bcje', '补偿金额', 'decimal', true),
    C('self', 'zfje', '自付金额', 'decimal', true),
    C('ful', 'qzfje', '全自费金额', 'decimal'),
    C('time', 'jssj', '结算时间', 'string'),
  ]),
  zydj: ONE('zydj', '入院登记数据', 'admission', 'rydj', [
    C('ipt_no', 'zybh', '住院编号', 'string', true),
    C('card_no', 'chzh', '参合证号', 'string', true),
    C('name', 'xm', '姓名', 'string'),
    C('adm_time', 'rysj', '入院时间', 'string'),
    C('dept', 'ryks', '入院科室', 'string'),
    C('bed', 'cwh', '床位号', 'string'),
    C('doctor', 'ys', '医生', 'string'),
    C('diag_code', 'jbbm', '入院诊断编码', 'string'),
    C('diag_name', 'jbmc', '入院诊断名称', 'string'),
  ]),
  zysjcx: {
    kind: 'zysjcx', zh: '住院查询数据', dataset: 'NewDataSet',
    tables: [
      {
        key: 'main', table: 'zyxx',
        columns: [
          C('ipt_no', 'zybh', '住院编号', 'string', true),
          C('card_no', 'chzh', '参合证号', 'string', true),
          C('name', 'xm', '姓名', 'string'),
          C('adm_time', 'rysj', '入院时间', 'string'),
          C('dscg_time', 'cysj', '出院时间', 'string'),
          C('dept', 'ryks', '科室', 'string'),
          C('total', 'zfy', '总费用', 'decimal', true),
          C('count', 'mxts', '明细条数', 'int', true),
        ],
      },
      { key: 'lines', table: 'zymx', columns: FEE_LINE('ipt_no', 'zybh', '住院编号') },
    ],
  },
  zyjsMain: ONE('zyjsMain', '住院结算数据（主记录）', 'main', 'zyjszjl', [
    C('ipt_no', 'zybh', '住院编号', 'string', true),
    C('setl_no', 'jsdh', '医院结算单号', 'string', true),
    C('card_no', 'chzh', '参合证号', 'string', true),
    C('name', 'xm', '姓名', 'string'),
    C('adm_time', 'rysj', '入院时间', 'string'),
    C('dscg_time', 'cysj', '出院时间', 'string'),
    C('diag_code', 'jbbm', '出院诊断编码', 'string'),
    C('diag_name', 'jbmc', '出院诊断名称', 'string'),
    C('total', 'zfy', '总费用', 'decimal', true),
    C('comp', 'bcje', '农合补偿金额', 'decimal', true),
    C('self', 'zfje', '自付金额', 'decimal', true),
    C('count', 'mxts', '明细条数', 'int', true),
    C('time', 'jssj', '结算时间', 'string'),
  ]),
  zyjsDetail: ONE('zyjsDetail', '住院结算数据（明细记录）', 'lines', 'zyjsmxjl', FEE_LINE('ipt_no', 'zybh', '住院编号')),
};

/** The schemas with a deployment's overrides applied (unknown table or column keys are configuration errors). */
export function resolveSchemas(overrides: Partial<Record<DataSetKind, DataSetSchemaOverride>> = {}): Record<DataSetKind, DataSetSchema> {
  const out = {} as Record<DataSetKind, DataSetSchema>;
  for (const [kind, base] of Object.entries(DEFAULT_SCHEMAS) as [DataSetKind, DataSetSchema][]) {
    const o = overrides[kind];
    const tables = base.tables.map((t) => {
      const to = o?.tables?.[t.key];
      for (const k of Object.keys(to?.columns ?? {})) {
        if (!t.columns.some((c) => c.key === k)) throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou schemas.${kind}.tables.${t.key}.columns: unknown column key "${k}" (known: ${t.columns.map((c) => c.key).join(', ')})`);
      }
      return { ...t, table: to?.table ?? t.table, columns: t.columns.map((c) => ({ ...c, name: to?.columns?.[c.key] ?? c.name })) };
    });
    for (const k of Object.keys(o?.tables ?? {})) {
      if (!base.tables.some((t) => t.key === k)) throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou schemas.${kind}.tables: unknown table key "${k}" (known: ${base.tables.map((t) => t.key).join(', ')})`);
    }
    out[kind] = { ...base, dataset: o?.dataset ?? base.dataset, tables };
  }
  for (const k of Object.keys(overrides)) if (!(k in DEFAULT_SCHEMAS)) throw YibaoError.host('TRANSPORT_CONFIG', `liuzhou schemas: unknown DataSet "${k}"`);
  return out;
}

/** Canonical rows of a DataSet: table key → rows of canonical key → text. */
export type CanonicalRows = Record<string, Record<string, string>[]>;

/** Canonical rows → the DataSet JSON the core encodes (absent / null / undefined values are omitted = DBNull). */
export function toDataSet(schema: DataSetSchema, rows: Record<string, Record<string, string | number | null | undefined>[]>): DataSetJson {
  return {
    name: schema.dataset,
    tables: schema.tables.map((t): DataSetTable => ({
      name: t.table,
      columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
      rows: (rows[t.key] ?? []).map((r) => {
        const row: Record<string, string | null> = {};
        for (const c of t.columns) {
          const v = r[c.key];
          if (v !== undefined && v !== null) row[c.name] = String(v);
        }
        return row;
      }),
    })),
  };
}

/**
 * A received DataSet → canonical rows. Tables are found by their configured name (case-insensitive); a
 * one-table schema also accepts a DataSet holding exactly one table of another name (.NET's "Table").
 * Columns are matched by configured name (case-insensitive); a required column missing from a row, or a
 * decimal / int column that is not plain decimal text, is XNH_SCHEMA with the place in `detail`.
 */
export function fromDataSet(schema: DataSetSchema, ds: DataSetJson): CanonicalRows {
  if (!ds || !Array.isArray(ds.tables)) throw YibaoError.host('XNH_SCHEMA', `${schema.zh}: not a DataSet`);
  const out: CanonicalRows = {};
  for (const t of schema.tables) {
    let table = ds.tables.find((x) => x.name === t.table) ?? ds.tables.find((x) => x.name.toLowerCase() === t.table.toLowerCase());
    if (!table && schema.tables.length === 1 && ds.tables.length === 1) table = ds.tables[0];
    if (!table) {
      // .NET omits a table without rows from the diffgram (and may omit it from the schema): no rows
      out[t.key] = [];
      continue;
    }
    const rows: Record<string, string>[] = [];
    (table.rows ?? []).forEach((r, i) => {
      const lower = new Map(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));
      const row: Record<string, string> = {};
      for (const c of t.columns) {
        const v = r[c.name] ?? lower.get(c.name.toLowerCase());
        if (v === undefined || v === null) {
          if (c.required) throw YibaoError.host('XNH_SCHEMA', `${schema.zh} ${table!.name}[${i}]: 缺少列 ${c.name}（${c.zh}） / missing column ${c.name}`);
          continue;
        }
        const s = String(v).trim();
        if (c.type === 'decimal' && s !== '' && !/^-?\d+(\.\d+)?$/.test(s)) throw YibaoError.host('XNH_SCHEMA', `${schema.zh} ${table!.name}[${i}].${c.name}: "${s}" 不是合法的金额/数值 / not a decimal`);
        if (c.type === 'int' && s !== '' && !/^-?\d+$/.test(s)) throw YibaoError.host('XNH_SCHEMA', `${schema.zh} ${table!.name}[${i}].${c.name}: "${s}" 不是整数 / not an integer`);
        row[c.key] = s;
      }
      rows.push(row);
    });
    out[t.key] = rows;
  }
  return out;
}
