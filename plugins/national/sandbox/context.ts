// The per-request context of a handler and the lookups shared by the handlers.
import type { Core } from '../../../host-node/src/contract.js';
import type { Person } from './persons.js';
import { Biz, type MsgEffect, type Obj, type State, type Visit } from './state.js';
import type { JObj } from './wire.js';

export interface Ctx {
  st: State;
  core: Core;
  now: Date;
  infno: string;
  msgid: string;
  env: Obj;
  input: Obj;
  fixmedins_code: string;
  fixmedins_name: string;
  opter: string;
  /** envelope insuplc_admdvs */
  insuplc: string;
  warn: string[];
  /** the file of a multipart 9101 */
  upload?: { filename: string; bytes: Uint8Array };
  /** set by handlers whose committed effect 2601 can undo */
  effect?: MsgEffect;
  /** set when the request concerns a person (2601 checks it) */
  psn_no?: string;
  /** 4101 / 4101A behaviour (SandboxOptions.settlementList) */
  slist?: SettlementListCenterOptions;
}

/**
 * How the sandbox answers 4101 / 4101A. `replyPath`: where setl_list_id sits in the reply (`output` as in the
 * national baseline, `output.data` as in the regional variant some clients read; wire-formats-ws.md §3.2).
 * `check`: run the quality rules (op 80) like a center's 入参校验 — a list missing required fields (or of the
 * wrong shape) is refused with an err_msg naming the fields; the other findings come back as warn_msg.
 * Default: output, no check (older tests send minimal lists).
 */
export interface SettlementListCenterOptions {
  replyPath?: 'output' | 'output.data';
  check?: boolean;
  /** overrides for the check (e.g. a region's slist-rules file) */
  overrides?: unknown[];
}

export type Out = { output: JObj } | { file: Uint8Array };
export type Handler = (c: Ctx) => Out;

export const ok = (output: JObj = {}): Out => ({ output });

/** The person of psn_no; checks the envelope's insuplc_admdvs and, for benefits, the insurance status. */
export function personOf(c: Ctx, psn_no: string, opts: { benefit?: boolean } = {}): Person {
  const p = c.st.persons.get(psn_no);
  if (!p) throw new Biz(`人员编号【${psn_no}】不存在，请先调用1101获取人员信息`);
  if (!c.insuplc) throw new Biz('报文头字段【insuplc_admdvs】不能为空：入参含人员编号时必须传参保地医保区划（取1101返回的insuinfo.insuplc_admdvs）');
  if (c.insuplc !== p.insuplc_admdvs) throw new Biz(`参保地医保区划【${c.insuplc}】与人员参保地【${p.insuplc_admdvs}】不符`);
  if (opts.benefit && p.psn_insu_stas !== '1') {
    throw new Biz(`人员【${p.psn_name}】参保状态为暂停参保（${p.paus_insu_date ?? ''}起），不能享受医保待遇`);
  }
  c.psn_no = psn_no;
  return p;
}

/** personOf for a benefit (a visit, a settlement) whose request names the 险种类型: it must be the person's. */
export function insuredPersonOf(c: Ctx, psn_no: string, insutype: string): Person {
  const p = personOf(c, psn_no, { benefit: true });
  if (insutype !== p.insutype) throw new Biz(`险种类型【${insutype}】与人员参保险种【${p.insutype}】不符`);
  return p;
}

const KIND_NAME: Record<Visit['kind'], string> = { outpatient: '门诊', inpatient: '住院', pharmacy: '药店购药' };

/** An active visit of this institution belonging to psn_no. */
export function visitOf(c: Ctx, mdtrt_id: string, psn_no: string, kind: Visit['kind'], opts: { allowInactive?: boolean } = {}): Visit {
  const v = c.st.visits.get(mdtrt_id);
  if (!v || v.fixmedins_code !== c.fixmedins_code) throw new Biz(`就诊ID【${mdtrt_id}】不存在`);
  if (v.psn_no !== psn_no) throw new Biz(`就诊ID【${mdtrt_id}】不属于人员【${psn_no}】`);
  if (v.kind !== kind) throw new Biz(`就诊ID【${mdtrt_id}】是${KIND_NAME[v.kind]}就诊，不能办理${KIND_NAME[kind]}业务`);
  if (!opts.allowInactive && v.status !== 'active') throw new Biz(`就诊ID【${mdtrt_id}】已${v.status === 'cancelled' ? '撤销' : '冲正'}`);
  return v;
}
