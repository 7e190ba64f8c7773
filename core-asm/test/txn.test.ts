// op 70 txn_next: the transaction state machine. The expected table below is written out row by row
// (independently of the AssemblyScript switch) and compared for EVERY protocol × state × event × flag
// combination; whatever the table does not list must be TXN_ILLEGAL.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { loadCore } from './raw';

const core = loadCore();
const OP_TXN_NEXT = 70;
const dec = new TextDecoder();

type P = 'national' | 'yinhai' | 'sichuan-com' | 'chongqing' | 'nanping';
type S = 'new' | 'intent' | 'sent' | 'succeeded' | 'failed' | 'unknown' | 'confirmed' | 'cancelled' | 'reversed';
type A = 'send' | 'query' | 'reverse' | 'cancel' | 'confirm' | 'none' | 'wait' | 'manual';

const PROTOCOLS: P[] = ['national', 'yinhai', 'sichuan-com', 'chongqing', 'nanping'];
const STATES: S[] = ['new', 'intent', 'sent', 'succeeded', 'failed', 'unknown', 'confirmed', 'cancelled', 'reversed'];
const EVENTS = [
  'begin', 'sent', 'reply_ok', 'reply_error', 'transport_unknown', 'recover', 'query_found', 'query_not_found', 'query_failed',
  'his_committed', 'his_aborted', 'confirm_ok', 'confirm_failed', 'confirm_refused', 'cancel_ok', 'cancel_failed', 'cancel_refused',
  'reverse_ok', 'reverse_failed', 'reverse_refused',
] as const;
type E = (typeof EVENTS)[number];
const TERMINAL: S[] = ['failed', 'confirmed', 'cancelled', 'reversed'];

/** R = reversible (absent = true), W = his_waiting (absent = false) */
interface Flags { R: boolean; W: boolean }
interface Row { p: P[]; s: S; e: E[]; when?: (f: Flags) => boolean; to: [S, A] }

const ALL = PROTOCOLS;
const QUERYING: P[] = ['national', 'yinhai'];
const REVERSING: P[] = ['sichuan-com', 'chongqing', 'nanping'];
const CONFIRMING: P[] = ['yinhai', 'sichuan-com'];
const ONE_PHASE: P[] = ['national', 'chongqing', 'nanping'];
const R = (f: Flags) => f.R;
const notR = (f: Flags) => !f.R;

const ROWS: Row[] = [
  // the normal path
  { p: ALL, s: 'new', e: ['begin'], to: ['intent', 'send'] },
  { p: ALL, s: 'intent', e: ['sent'], to: ['sent', 'none'] },
  { p: ALL, s: 'sent', e: ['reply_ok'], to: ['succeeded', 'none'] },
  { p: ALL, s: 'sent', e: ['reply_error'], to: ['failed', 'none'] },
  // outcome unknown (or a crash: maybe sent)
  { p: QUERYING, s: 'intent', e: ['recover', 'transport_unknown'], to: ['unknown', 'query'] },
  { p: REVERSING, s: 'intent', e: ['recover', 'transport_unknown'], to: ['unknown', 'reverse'] },
  { p: QUERYING, s: 'sent', e: ['recover', 'transport_unknown'], to: ['unknown', 'query'] },
  { p: REVERSING, s: 'sent', e: ['recover', 'transport_unknown'], to: ['unknown', 'reverse'] },
  { p: QUERYING, s: 'unknown', e: ['recover'], to: ['unknown', 'query'] },
  { p: REVERSING, s: 'unknown', e: ['recover'], to: ['unknown', 'reverse'] },
  // national: query (5204/5203), then 2601
  { p: ['national'], s: 'unknown', e: ['query_found'], when: (f) => f.W || !f.R, to: ['succeeded', 'none'] },
  { p: ['national'], s: 'unknown', e: ['query_found'], when: (f) => !f.W && f.R, to: ['unknown', 'reverse'] },
  { p: ['national'], s: 'unknown', e: ['query_not_found', 'query_failed'], when: R, to: ['unknown', 'reverse'] },
  { p: ['national'], s: 'unknown', e: ['query_not_found'], when: notR, to: ['failed', 'none'] },
  { p: ['national'], s: 'unknown', e: ['query_failed'], when: notR, to: ['unknown', 'wait'] },
  { p: ['national'], s: 'unknown', e: ['reverse_ok'], when: R, to: ['reversed', 'none'] },
  { p: ['national'], s: 'unknown', e: ['reverse_failed'], when: R, to: ['unknown', 'wait'] },
  { p: ['national'], s: 'unknown', e: ['reverse_refused'], when: R, to: ['unknown', 'manual'] },
  { p: ['national'], s: 'succeeded', e: ['reverse_ok'], when: R, to: ['reversed', 'none'] },
  { p: ['national'], s: 'reversed', e: ['reverse_ok'], when: R, to: ['reversed', 'none'] },
  // Yinhai: getuncertaintytrade, then confirm or cancel
  { p: ['yinhai'], s: 'unknown', e: ['query_found'], when: (f) => f.W, to: ['succeeded', 'none'] },
  { p: ['yinhai'], s: 'unknown', e: ['query_found'], when: (f) => !f.W, to: ['succeeded', 'cancel'] },
  { p: ['yinhai'], s: 'unknown', e: ['query_not_found'], to: ['failed', 'none'] },
  { p: ['yinhai'], s: 'unknown', e: ['query_failed'], to: ['unknown', 'wait'] },
  // Sichuan COM 98, Chongqing 99, Nanping 冲销
  { p: REVERSING, s: 'unknown', e: ['reverse_ok'], to: ['reversed', 'none'] },
  { p: REVERSING, s: 'unknown', e: ['reverse_failed'], to: ['unknown', 'wait'] },
  { p: REVERSING, s: 'unknown', e: ['reverse_refused'], to: ['unknown', 'manual'] },
  { p: REVERSING, s: 'reversed', e: ['reverse_ok'], to: ['reversed', 'none'] },
  // the HIS decides
  { p: ONE_PHASE, s: 'succeeded', e: ['his_committed'], to: ['confirmed', 'none'] },
  { p: CONFIRMING, s: 'succeeded', e: ['his_committed'], to: ['succeeded', 'confirm'] },
  { p: CONFIRMING, s: 'succeeded', e: ['confirm_ok'], to: ['confirmed', 'none'] },
  { p: CONFIRMING, s: 'succeeded', e: ['confirm_failed'], to: ['succeeded', 'wait'] },
  { p: CONFIRMING, s: 'succeeded', e: ['confirm_refused'], to: ['succeeded', 'manual'] },
  { p: ALL, s: 'succeeded', e: ['his_aborted'], to: ['succeeded', 'cancel'] },
  { p: ALL, s: 'succeeded', e: ['cancel_ok'], to: ['cancelled', 'none'] },
  { p: ALL, s: 'succeeded', e: ['cancel_failed'], to: ['succeeded', 'wait'] },
  { p: ALL, s: 'succeeded', e: ['cancel_refused'], to: ['succeeded', 'manual'] },
  // harmless repetitions on terminal states
  { p: ALL, s: 'confirmed', e: ['his_committed'], to: ['confirmed', 'none'] },
  { p: CONFIRMING, s: 'confirmed', e: ['confirm_ok'], to: ['confirmed', 'none'] },
  { p: ALL, s: 'cancelled', e: ['his_aborted', 'cancel_ok'], to: ['cancelled', 'none'] },
  { p: ALL, s: 'reversed', e: ['his_aborted'], to: ['reversed', 'none'] },
  { p: ALL, s: 'failed', e: ['his_aborted'], to: ['failed', 'none'] },
];

function expected(p: P, s: S, e: E, f: Flags): [S, A] | null {
  const hits = ROWS.filter((r) => r.p.includes(p) && r.s === s && r.e.includes(e) && (!r.when || r.when(f)));
  if (hits.length > 1) throw new Error(`table has ${hits.length} rows for ${p} ${s} ${e} ${JSON.stringify(f)}`);
  return hits[0]?.to ?? null;
}

function next(input: unknown): { rc: number; out: any } {
  const r = core.call(OP_TXN_NEXT, typeof input === 'string' ? input : JSON.stringify(input));
  return { rc: r.rc, out: JSON.parse(dec.decode(r.bytes)) };
}

const FLAG_FORMS: { input: Record<string, boolean>; f: Flags }[] = [
  { input: {}, f: { R: true, W: false } },
  { input: { reversible: true }, f: { R: true, W: false } },
  { input: { reversible: false }, f: { R: false, W: false } },
  { input: { his_waiting: true }, f: { R: true, W: true } },
  { input: { reversible: false, his_waiting: true }, f: { R: false, W: true } },
  { input: { reversible: true, his_waiting: false }, f: { R: true, W: false } },
];

describe('op 70 txn_next', () => {
  it('every protocol × state × event × flags matches the written table; everything else is TXN_ILLEGAL', () => {
    let legal = 0, illegal = 0;
    for (const p of PROTOCOLS) for (const s of STATES) for (const e of EVENTS) for (const { input, f } of FLAG_FORMS) {
      const want = expected(p, s, e, f);
      const { rc, out } = next({ protocol: p, state: s, event: e, ...input });
      const where = `${p} ${s} + ${e} ${JSON.stringify(input)}`;
      if (want) {
        expect(rc, where + ' ' + JSON.stringify(out)).toBeGreaterThan(0);
        expect(out, where).toEqual({ state: want[0], action: want[1], terminal: TERMINAL.includes(want[0]) });
        legal++;
      } else {
        expect(rc, where + ' ' + JSON.stringify(out)).toBe(-306);
        expect(out).toMatchObject({ status: 306, code: 'TXN_ILLEGAL', detail: `${p}: ${s} + ${e}` });
        illegal++;
      }
    }
    expect(legal + illegal).toBe(PROTOCOLS.length * STATES.length * EVENTS.length * FLAG_FORMS.length);
    expect(legal).toBeGreaterThan(200);
  });

  it('every row of the table is reachable (no dead rows)', () => {
    for (const r of ROWS) for (const p of r.p) for (const e of r.e) {
      const hit = FLAG_FORMS.some(({ input, f }) => (!r.when || r.when(f)) && next({ protocol: p, state: r.s, event: e, ...input }).rc > 0);
      expect(hit, `${p} ${r.s} ${e}`).toBe(true);
    }
  });

  it('terminal states stay terminal whatever events follow (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROTOCOLS),
        fc.constantFrom(...STATES),
        fc.array(fc.constantFrom(...EVENTS), { maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        (p, start, events, reversible, his_waiting) => {
          let state: S = start;
          let wasTerminal = TERMINAL.includes(state);
          for (const event of events) {
            const { rc, out } = next({ protocol: p, state, event, reversible, his_waiting });
            if (rc < 0) {
              expect(out.code).toBe('TXN_ILLEGAL');
              continue;
            }
            if (wasTerminal) expect(out.state).toBe(state);
            expect(out.terminal).toBe(TERMINAL.includes(out.state));
            state = out.state;
            wasTerminal ||= out.terminal;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every non-terminal state reaches a terminal one (no trap states) for each protocol', () => {
    // breadth-first over (state, flags) with all events: from new, a terminal state is reachable
    for (const p of PROTOCOLS) for (const { input } of FLAG_FORMS) {
      const seen = new Set<S>(['new']);
      const queue: S[] = ['new'];
      while (queue.length) {
        const s = queue.shift()!;
        for (const e of EVENTS) {
          const { rc, out } = next({ protocol: p, state: s, event: e, ...input });
          if (rc > 0 && !seen.has(out.state)) {
            seen.add(out.state);
            queue.push(out.state);
          }
        }
      }
      for (const s of ['intent', 'sent', 'unknown', 'succeeded'] as S[]) expect(seen.has(s), `${p} ${s}`).toBe(true);
      expect(TERMINAL.some((t) => seen.has(t))).toBe(true);
    }
  });

  it('input errors are status codes, never traps', () => {
    expect(next('').out.code).toBe('JSON_SYNTAX');
    expect(next('[1]').out.code).toBe('WRONG_TYPE');
    expect(next('{"state":"sent","event":"reply_ok"}').out).toMatchObject({ code: 'MISSING_FIELD', detail: 'protocol' });
    expect(next('{"protocol":"national","event":"reply_ok"}').out).toMatchObject({ code: 'MISSING_FIELD', detail: 'state' });
    expect(next('{"protocol":"national","state":"sent"}').out).toMatchObject({ code: 'MISSING_FIELD', detail: 'event' });
    expect(next('{"protocol":"hubei","state":"sent","event":"reply_ok"}').out).toMatchObject({ code: 'BAD_ENUM', detail: 'protocol "hubei"' });
    expect(next('{"protocol":"national","state":"SENT","event":"reply_ok"}').out.code).toBe('BAD_ENUM');
    expect(next('{"protocol":"national","state":"sent","event":"done"}').out.code).toBe('BAD_ENUM');
    expect(next('{"protocol":"national","state":1,"event":"reply_ok"}').out.code).toBe('WRONG_TYPE');
    expect(next('{"protocol":"national","state":"sent","event":"reply_ok","reversible":"yes"}').out.code).toBe('WRONG_TYPE');
    expect(next('{"protocol":"national","state":"sent","event":"reply_ok","his_waiting":1}').out.code).toBe('WRONG_TYPE');
    expect(next(`{"protocol":"national","state":"${'x'.repeat(100000)}","event":"reply_ok"}`).out.code).toBe('BAD_ENUM');
    // a member given twice could be read differently by two parsers
    expect(next('{"protocol":"national","state":"confirmed","state":"sent","event":"reply_ok"}').out).toMatchObject({ code: 'DUPLICATE_KEY', detail: 'state' });
    // escaped names are names
    expect(next('{"protocol":"nation\\u0061l","state":"sent","event":"reply_ok"}').out.state).toBe('succeeded');
    // null flags = absent
    expect(next('{"protocol":"national","state":"unknown","event":"query_not_found","reversible":null}').out.action).toBe('reverse');
    // unrelated members are ignored
    expect(next('{"protocol":"national","state":"sent","event":"reply_ok","msgid":"x"}').out.state).toBe('succeeded');
  });

  it('garbage input never traps (property)', () => {
    const names = fc.constantFrom(...PROTOCOLS, ...STATES, ...EVENTS, '', 'x', '\u0000', '中文');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.record({ protocol: fc.oneof(names, fc.integer()), state: fc.oneof(names, fc.constant(null)), event: names, reversible: fc.oneof(fc.boolean(), fc.string()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
          fc.json(),
        ),
        (text) => {
          const r = core.call(OP_TXN_NEXT, text); // a trap would throw here
          const out = JSON.parse(dec.decode(r.bytes));
          if (r.rc < 0) expect(out.status).toBe(-r.rc);
          else expect(typeof out.state).toBe('string');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
