// Transaction state machine of money-moving calls: op 70 txn_next. Pure: no I/O, no clock.
//
// Input  {"protocol":"national"|"yinhai"|"sichuan-com"|"chongqing"|"nanping", "state":S, "event":E,
//         "reversible":bool?, "his_waiting":bool?}
// Output {"state":S', "action":A, "terminal":bool}
//
// States (journal-contract.ts, plus the pseudo-state "new" before anything is journaled):
//   new → intent → sent → succeeded | failed | unknown
//   succeeded → confirmed (HIS committed) | cancelled (HIS aborted, undone by the protocol's cancel)
//   unknown → succeeded | failed | reversed (resolved by query / 冲正)
//   terminal: failed, confirmed, cancelled, reversed
// Events: begin, sent, reply_ok, reply_error, transport_unknown, recover, query_found, query_not_found,
//   query_failed, his_committed, his_aborted, confirm_ok, confirm_failed, confirm_refused, cancel_ok,
//   cancel_failed, cancel_refused, reverse_ok, reverse_failed, reverse_refused
//   (*_failed: no answer, try again later; *_refused: the center answered no)
// Actions for the host: send, query, reverse, cancel, confirm, none (nothing to do now: wait for the
//   reply or for the HIS), wait (leave the entry for the next recovery), manual (a person must look).
//
// How each protocol resolves an unknown outcome (the table is in core-asm/README.md):
//   national     query (5204 → 5203 by the msgid = medins_setl_id), then 2601 冲正 with omsgid/oinfno for the
//                reversible transactions (`reversible`, default true: 2207/2304/2102 …). A HIS that is
//                still waiting (`his_waiting`) gets a found settlement as succeeded; during recovery a found
//                one is reversed too. Not reversible: found → succeeded, not found → failed.
//   yinhai       getuncertaintytrade (query): listed → succeeded (then confirm or cancel), not listed →
//                failed; the center confirms after the HIS commit (yh_interface_confirm) and cancels
//                (yh_interface_cancel) after an abort. No reversal.
//   sichuan-com  98 (reverse) — no query; two-phase confirm / cancel like Yinhai.
//   chongqing    99 冲正 by 交易流水号 (reverse); one phase (no confirm); abort = 99 too (cancel).
//   nanping      冲销 by 流水号 (reverse); one phase; abort = 冲销 (cancel).
// An event that is not allowed in a state is TXN_ILLEGAL (status 306), never a trap. Terminal states stay
// terminal: the only events they accept are repetitions that change nothing (commit twice, abort twice …).

import { fail, errCode, E_WRONG_TYPE, E_MISSING_FIELD, E_BAD_ENUM, E_TXN_ILLEGAL } from './errors';
import { jsonParse, jKind, jGet, jPos, jString, jA, jB, checkDuplicates, K_STR, K_OBJ, K_NULL, K_TRUE, K_FALSE } from './json';
import { outLit, outJsonStr } from './out';

const PROTOCOLS: StaticArray<string> = ['national', 'yinhai', 'sichuan-com', 'chongqing', 'nanping'];
const P_NATIONAL = 0, P_YINHAI = 1, P_SICHUAN_COM = 2;

const STATES: StaticArray<string> = ['new', 'intent', 'sent', 'succeeded', 'failed', 'unknown', 'confirmed', 'cancelled', 'reversed'];
const S_NEW = 0, S_INTENT = 1, S_SENT = 2, S_SUCCEEDED = 3, S_FAILED = 4, S_UNKNOWN = 5, S_CONFIRMED = 6, S_CANCELLED = 7, S_REVERSED = 8;

const EVENTS: StaticArray<string> = [
  'begin', 'sent', 'reply_ok', 'reply_error', 'transport_unknown', 'recover', 'query_found', 'query_not_found',
  'query_failed', 'his_committed', 'his_aborted', 'confirm_ok', 'confirm_failed', 'confirm_refused', 'cancel_ok',
  'cancel_failed', 'cancel_refused', 'reverse_ok', 'reverse_failed', 'reverse_refused',
];
const V_BEGIN = 0, V_SENT = 1, V_REPLY_OK = 2, V_REPLY_ERROR = 3, V_TRANSPORT_UNKNOWN = 4, V_RECOVER = 5;
const V_QUERY_FOUND = 6, V_QUERY_NOT_FOUND = 7, V_QUERY_FAILED = 8, V_HIS_COMMITTED = 9, V_HIS_ABORTED = 10;
const V_CONFIRM_OK = 11, V_CONFIRM_FAILED = 12, V_CONFIRM_REFUSED = 13, V_CANCEL_OK = 14, V_CANCEL_FAILED = 15;
const V_CANCEL_REFUSED = 16, V_REVERSE_OK = 17, V_REVERSE_FAILED = 18, V_REVERSE_REFUSED = 19;

const ACTIONS: StaticArray<string> = ['none', 'send', 'query', 'reverse', 'cancel', 'confirm', 'wait', 'manual'];
const A_NONE = 0, A_SEND = 1, A_QUERY = 2, A_REVERSE = 3, A_CANCEL = 4, A_CONFIRM = 5, A_WAIT = 6, A_MANUAL = 7;

let rState = 0;
let rAction = 0;

function to(s: i32, a: i32): bool {
  rState = s;
  rAction = a;
  return true;
}

/** One transition; false when the event is not allowed in the state (rState/rAction untouched then). */
function step(p: i32, s: i32, e: i32, reversible: bool, waiting: bool): bool {
  const hasQuery = p == P_NATIONAL || p == P_YINHAI;
  const hasConfirm = p == P_YINHAI || p == P_SICHUAN_COM;
  // national: 2601 only for the reversible transactions; Yinhai has none; 98 / 99 / 冲销 otherwise
  const hasReverse = p == P_NATIONAL ? reversible : p != P_YINHAI;
  const firstUnknown = hasQuery ? A_QUERY : A_REVERSE;
  switch (s) {
    case S_NEW:
      if (e == V_BEGIN) return to(S_INTENT, A_SEND);
      break;
    case S_INTENT:
      if (e == V_SENT) return to(S_SENT, A_NONE);
      // a crash between the journal write and the send: it may have been sent
      if (e == V_RECOVER || e == V_TRANSPORT_UNKNOWN) return to(S_UNKNOWN, firstUnknown);
      break;
    case S_SENT:
      if (e == V_REPLY_OK) return to(S_SUCCEEDED, A_NONE);
      if (e == V_REPLY_ERROR) return to(S_FAILED, A_NONE);
      if (e == V_TRANSPORT_UNKNOWN || e == V_RECOVER) return to(S_UNKNOWN, firstUnknown);
      break;
    case S_UNKNOWN:
      if (e == V_RECOVER) return to(S_UNKNOWN, firstUnknown);
      if (hasQuery) {
        if (e == V_QUERY_FOUND) {
          if (p == P_NATIONAL) return waiting || !reversible ? to(S_SUCCEEDED, A_NONE) : to(S_UNKNOWN, A_REVERSE);
          return to(S_SUCCEEDED, waiting ? A_NONE : A_CANCEL);
        }
        if (e == V_QUERY_NOT_FOUND) return hasReverse ? to(S_UNKNOWN, A_REVERSE) : to(S_FAILED, A_NONE);
        if (e == V_QUERY_FAILED) return hasReverse ? to(S_UNKNOWN, A_REVERSE) : to(S_UNKNOWN, A_WAIT);
      }
      if (hasReverse) {
        if (e == V_REVERSE_OK) return to(S_REVERSED, A_NONE);
        if (e == V_REVERSE_FAILED) return to(S_UNKNOWN, A_WAIT);
        if (e == V_REVERSE_REFUSED) return to(S_UNKNOWN, A_MANUAL);
      }
      break;
    case S_SUCCEEDED:
      if (e == V_HIS_COMMITTED) return hasConfirm ? to(S_SUCCEEDED, A_CONFIRM) : to(S_CONFIRMED, A_NONE);
      if (e == V_HIS_ABORTED) return to(S_SUCCEEDED, A_CANCEL);
      if (e == V_CANCEL_OK) return to(S_CANCELLED, A_NONE);
      if (e == V_CANCEL_FAILED) return to(S_SUCCEEDED, A_WAIT);
      if (e == V_CANCEL_REFUSED) return to(S_SUCCEEDED, A_MANUAL);
      if (hasConfirm) {
        if (e == V_CONFIRM_OK) return to(S_CONFIRMED, A_NONE);
        if (e == V_CONFIRM_FAILED) return to(S_SUCCEEDED, A_WAIT);
        if (e == V_CONFIRM_REFUSED) return to(S_SUCCEEDED, A_MANUAL);
      }
      // national: the settlement turned out to be reversed already (2601 by someone else)
      if (p == P_NATIONAL && reversible && e == V_REVERSE_OK) return to(S_REVERSED, A_NONE);
      break;
    case S_CONFIRMED:
      if (e == V_HIS_COMMITTED) return to(S_CONFIRMED, A_NONE);
      if (hasConfirm && e == V_CONFIRM_OK) return to(S_CONFIRMED, A_NONE);
      break;
    case S_CANCELLED:
      if (e == V_HIS_ABORTED || e == V_CANCEL_OK) return to(S_CANCELLED, A_NONE);
      break;
    case S_REVERSED:
      if (e == V_HIS_ABORTED) return to(S_REVERSED, A_NONE);
      if (hasReverse && e == V_REVERSE_OK) return to(S_REVERSED, A_NONE);
      break;
    case S_FAILED:
      if (e == V_HIS_ABORTED) return to(S_FAILED, A_NONE);
      break;
  }
  return false;
}

function isTerminal(s: i32): bool {
  return s == S_FAILED || s == S_CONFIRMED || s == S_CANCELLED || s == S_REVERSED;
}

/** Index of the string member `key` in `names`; records MISSING_FIELD / WRONG_TYPE / BAD_ENUM and returns -1. */
function enumMember(key: string, names: StaticArray<string>): i32 {
  const v = jGet(0, key);
  if (v < 0 || jKind(v) == K_NULL) { fail(E_MISSING_FIELD, 0, key); return -1; }
  if (jKind(v) != K_STR) { fail(E_WRONG_TYPE, jPos(v), key + ' must be a string'); return -1; }
  // names are short ASCII; a long value cannot match (and is not copied)
  if (jB(v) - jA(v) > 64) { fail(E_BAD_ENUM, jPos(v), key); return -1; }
  const s = jString(v);
  for (let i = 0; i < names.length; i++) if (names[i] == s) return i;
  fail(E_BAD_ENUM, jPos(v), key + ' "' + s + '"');
  return -1;
}

/** Optional boolean member; -1 = absent/null, 0/1, or -2 after recording WRONG_TYPE. */
function optBool(key: string): i32 {
  const v = jGet(0, key);
  if (v < 0 || jKind(v) == K_NULL) return -1;
  if (jKind(v) == K_TRUE) return 1;
  if (jKind(v) == K_FALSE) return 0;
  fail(E_WRONG_TYPE, jPos(v), key + ' must be true or false');
  return -2;
}

const KEYS: StaticArray<string> = ['protocol', 'state', 'event', 'reversible', 'his_waiting'];

export function opTxnNext(ptr: usize, len: i32): i32 {
  const st = jsonParse(ptr, len);
  if (st != 0) return st;
  if (jKind(0) != K_OBJ) return fail(E_WRONG_TYPE, 0, 'input must be an object {protocol, state, event}');
  if (!checkDuplicates(KEYS)) return errCode; // a member given twice: refused
  const p = enumMember('protocol', PROTOCOLS);
  if (p < 0) return errCode;
  const s = enumMember('state', STATES);
  if (s < 0) return errCode;
  const e = enumMember('event', EVENTS);
  if (e < 0) return errCode;
  const rev = optBool('reversible');
  if (rev == -2) return errCode;
  const wait = optBool('his_waiting');
  if (wait == -2) return errCode;
  if (!step(p, s, e, rev != 0, wait == 1)) {
    return fail(E_TXN_ILLEGAL, -1, PROTOCOLS[p] + ': ' + STATES[s] + ' + ' + EVENTS[e]);
  }
  outLit('{"state":');
  outJsonStr(STATES[rState]);
  outLit(',"action":');
  outJsonStr(ACTIONS[rAction]);
  outLit(isTerminal(rState) ? ',"terminal":true}' : ',"terminal":false}');
  return 0;
}
