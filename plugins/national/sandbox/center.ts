// The center without HTTP: envelope checks, sign_no, msgid idempotency, dispatch to the handlers and the
// response envelope. One request in (JSON text or multipart parts), one reply out (bytes).
import { createHash } from 'node:crypto';
import type { Core } from '../../../host-node/src/contract.js';
import type { PluginManifest } from '../../contract.js';
import {
  catalog, dictionary, fileDownload, fileUpload, identify, institutionInfo, signIn, signOut, treatmentCheck,
} from './base.js';
import type { Ctx, Handler, SettlementListCenterOptions } from './context.js';
import {
  cancelFiling, file, queryAccumulators, queryChronicDrugs, queryChronicFilings, queryDesignated, queryDiagnoses, queryFeeDetails,
  queryInHospital, querySettlement, queryTransfers, queryVisits, reconcileDetails, reconcileTotals, regional, settlementList,
} from './queries.js';
import { INVENTORY_HANDLERS } from './inventory.js';
import { inpatientCancel, inpatientSettle, outpatientCancel, outpatientSettle, pharmacyCancel, pharmacySettle, reverse } from './settle.js';
import { Biz, isObj, State, type Obj, type StoredReply } from './state.js';
import {
  admit, cancelAdmission, cancelDischarge, cancelFees, cancelInpatientFees, cancelRegister, discharge, register, updateAdmission, uploadFees, uploadVisit,
} from './visits.js';
import { isDt19, toJson, ts14, ts17, type JObj } from './wire.js';

const HANDLERS: Record<string, Handler> = {
  '9001': signIn,
  '9002': signOut,
  '1101': identify,
  '1201': institutionInfo,
  '1901': dictionary,
  '2001': treatmentCheck,
  '2101': pharmacySettle(false),
  '2101A': pharmacySettle(false),
  '2102': pharmacySettle(true),
  '2102A': pharmacySettle(true),
  '2103': pharmacyCancel,
  '2201': register,
  '2202': cancelRegister,
  '2203': uploadVisit,
  '2203A': uploadVisit,
  '2204': uploadFees('outpatient'),
  '2205': cancelFees,
  '2206': outpatientSettle(false),
  '2206A': outpatientSettle(false),
  '2207': outpatientSettle(true),
  '2207A': outpatientSettle(true),
  '2208': outpatientCancel,
  '2301': uploadFees('inpatient'),
  '2302': cancelInpatientFees,
  '2303': inpatientSettle(false),
  '2303A': inpatientSettle(false),
  '2304': inpatientSettle(true),
  '2304A': inpatientSettle(true),
  '2305': inpatientCancel,
  '2401': admit,
  '2402': discharge,
  '2403': updateAdmission,
  '2404': cancelAdmission,
  '2405': cancelDischarge,
  '2501': file,
  '2501A': file,
  '2502': cancelFiling,
  '2503': file,
  '2504': cancelFiling,
  '2505': file,
  '2506': cancelFiling,
  '2601': reverse,
  '3201': reconcileTotals,
  '3202': reconcileDetails,
  '4101': settlementList,
  '4101A': settlementList,
  '5201': queryVisits,
  '5202': queryDiagnoses,
  '5203': querySettlement,
  '5204': queryFeeDetails,
  '5205': queryChronicDrugs,
  '5206': queryAccumulators,
  '5301': queryChronicFilings,
  '5302': queryDesignated,
  '5303': queryInHospital,
  '5304': queryTransfers,
  '9101': fileUpload,
  '9102': fileDownload,
  S3601: regional,
  Z1101: regional,
  Z1102: regional,
  S3301: regional,
  S3302: regional,
  S3701: regional,
  S3702: regional,
  S5201: regional,
  S3901: regional,
  S5901: regional,
  ...INVENTORY_HANDLERS,
};
for (let n = 1301; n <= 1319; n++) HANDLERS[String(n)] = catalog;

/** infnos the sandbox implements (a test checks this covers every manifest transaction). */
export const IMPLEMENTED = Object.keys(HANDLERS);

/** Envelope fields that must be present and non-empty. */
export const REQUIRED_ENVELOPE = ['infno', 'msgid', 'fixmedins_code', 'inf_time', 'mdtrtarea_admvs', 'opter', 'opter_type', 'infver'] as const;

export interface CenterRequest {
  /** the raw body (JSON text, UTF-8) */
  body?: Uint8Array;
  /** a multipart 9101: the `jsonStr` part and the `file` part */
  multipart?: { jsonStr?: string; file?: { filename: string; bytes: Uint8Array } };
}

export interface CenterOptions {
  core: Core;
  manifest: PluginManifest;
  now: () => Date;
  log: (line: string) => void;
  /** 4101 / 4101A: reply position of setl_list_id, quality check (context.ts) */
  settlementList?: SettlementListCenterOptions;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

export class Center {
  readonly st: State;
  /** 4101 / 4101A behaviour; may be changed between requests (tests switch the reply position) */
  settlementList: SettlementListCenterOptions;

  constructor(private readonly o: CenterOptions) {
    this.st = new State(o.core);
    this.settlementList = { ...o.settlementList };
  }

  private reply(infcode: 0 | -1, err: string | null, warn: string[], output: JObj, received: Date): StoredReply {
    const now = this.o.now();
    const admdvs = /^\d{6}$/.test(this.o.manifest.admdvs) ? this.o.manifest.admdvs : '510000';
    const body = toJson({
      infcode,
      inf_refmsgid: `${admdvs}${ts14(now)}${this.st.nextRefSeq()}`,
      refmsg_time: ts17(received),
      respond_time: ts17(now),
      err_msg: err,
      warn_msg: warn.length ? warn.join('；') : null,
      cainfo: '',
      signtype: '',
      output,
    });
    return { status: 200, contentType: 'application/json;charset=UTF-8', body: enc.encode(body), infcode };
  }

  private fail(msg: string, received: Date, tag: string): StoredReply {
    this.o.log(`${tag} infcode=-1 ${msg}`);
    return this.reply(-1, msg, [], {}, received);
  }

  handle(req: CenterRequest): StoredReply {
    const received = this.o.now();
    // 1. the envelope text
    let text: string;
    if (req.multipart) {
      if (typeof req.multipart.jsonStr !== 'string') return this.fail('报文格式错误：multipart 请求缺少 jsonStr 部分', received, '-');
      text = req.multipart.jsonStr;
    } else {
      try {
        text = utf8.decode(req.body ?? new Uint8Array());
      } catch {
        return this.fail('报文格式错误：请求体不是合法的UTF-8文本', received, '-');
      }
    }
    if (!text.trim()) return this.fail('报文格式错误：请求体为空', received, '-');
    let env: unknown;
    try {
      env = this.o.core.codec.json.parseExact(text);
    } catch (e) {
      const y = e as { messageZh?: string; line?: number; col?: number };
      return this.fail(`报文格式错误：请求体不是合法的JSON（${y.messageZh ?? String(e)}${y.line ? `，第${y.line}行第${y.col}列` : ''}）`, received, '-');
    }
    if (!isObj(env)) return this.fail('报文格式错误：请求体应为JSON对象', received, '-');
    // 2. envelope fields
    for (const f of REQUIRED_ENVELOPE) {
      const v = env[f];
      if (typeof v !== 'string' || !v.trim()) return this.fail(`报文头校验失败：字段【${f}】不能为空`, received, '-');
    }
    const s = (k: string) => (typeof env[k] === 'string' ? (env[k] as string).trim() : '');
    const infno = s('infno');
    const msgid = s('msgid');
    const fixmedins_code = s('fixmedins_code');
    const tag = `${infno} ${msgid}`;
    if (msgid.length !== 30 || !msgid.startsWith(fixmedins_code)) {
      return this.fail(`报文头校验失败：报文ID(msgid)【${msgid}】格式错误，应为30位且以定点医药机构编号【${fixmedins_code}】开头（机构编号+yyyyMMddHHmmss+顺序号）`, received, tag);
    }
    if (!isDt19(s('inf_time'))) return this.fail(`报文头校验失败：字段【inf_time】应为 yyyy-MM-dd HH:mm:ss 格式：${s('inf_time')}`, received, tag);
    const spec = this.o.manifest.transactions[infno];
    const handler = HANDLERS[infno];
    if (!spec || !handler) return this.fail(`交易编号【${infno}】不存在或本中心未开通`, received, tag);
    if (req.multipart && infno !== '9101') return this.fail(`multipart/form-data 仅用于9101文件上传，交易【${infno}】请发送JSON报文`, received, tag);
    if (env['input'] !== undefined && env['input'] !== null && !isObj(env['input'])) return this.fail('报文格式错误：字段【input】应为JSON对象', received, tag);
    // 3. msgid idempotency
    const fileHash = req.multipart?.file ? createHash('sha256').update(req.multipart.file.bytes).digest('hex') : '';
    const fingerprint = `${this.o.core.codec.json.normalize(text)}|${fileHash}`;
    const prev = this.st.msgs.get(msgid);
    if (prev) {
      if (prev.fingerprint !== fingerprint) return this.fail(`报文ID(msgid)【${msgid}】重复：该报文ID已用于另一笔交易（${prev.infno}），请使用新的报文ID`, received, tag);
      if (prev.reversed_by) return this.fail(`报文ID(msgid)【${msgid}】对应的交易已被冲正（冲正报文 ${prev.reversed_by}），请使用新的报文ID重新发起`, received, tag);
      this.o.log(`${tag} replay of a stored reply (infcode=${prev.reply.infcode})`);
      return prev.reply;
    }
    // 4. sign-in
    const opter = s('opter');
    if (infno !== '9001') {
      const sign_no = s('sign_no');
      const rec = sign_no ? this.st.signs.get(sign_no) : undefined;
      if (!rec || !rec.active || rec.opter !== opter || rec.fixmedins_code !== fixmedins_code) {
        return this.fail(`签到编号无效，请先签到(9001)${sign_no ? `：签到编号【${sign_no}】不是操作员【${opter}】的有效签到` : '：报文头缺少sign_no'}`, received, tag);
      }
    }
    // 5. the transaction
    this.st.institutions.set(fixmedins_code, s('fixmedins_name') || fixmedins_code);
    const c: Ctx = {
      st: this.st, core: this.o.core, now: received, infno, msgid, env, input: isObj(env['input']) ? (env['input'] as Obj) : {},
      fixmedins_code, fixmedins_name: s('fixmedins_name'), opter, insuplc: s('insuplc_admdvs'), warn: [],
      upload: req.multipart?.file, slist: this.settlementList,
    };
    let reply: StoredReply;
    try {
      const out = handler(c);
      if ('file' in out) {
        reply = { status: 200, contentType: 'application/octet-stream', body: out.file, infcode: 0 };
        this.o.log(`${tag} file ${out.file.length} bytes`);
      } else {
        reply = this.reply(0, null, c.warn, out.output, received);
        this.o.log(`${tag} infcode=0${c.warn.length ? ` warn=${c.warn.join('；')}` : ''}`);
      }
    } catch (e) {
      if (!(e instanceof Biz)) {
        this.o.log(`${tag} INTERNAL ${(e as Error).stack ?? String(e)}`);
        return this.reply(-1, `沙箱中心内部错误：${(e as Error).message}`, [], {}, received);
      }
      c.effect = undefined;
      reply = this.fail(e.message, received, tag);
    }
    this.st.msgs.set(msgid, { msgid, infno, fingerprint, reply, psn_no: c.psn_no ?? '', effect: c.effect });
    return reply;
  }
}
