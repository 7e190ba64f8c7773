// A small managed JSON tree for the quality-rule engine (op 80). The core's JSON reader keeps one tape
// per call; the engine needs the rule table, the overrides and the code tables to outlive a second parse
// (the built-in table), so those parts are copied into JV trees. The settlement list itself stays on
// the tape. Strings are decoded (escapes resolved); numbers keep their literal text (never floats).

import { fail, E_DUPLICATE_KEY } from './errors';
import { jKind, jA, jB, jNext, jPos, jString, K_NULL, K_FALSE, K_TRUE, K_NUM, K_STR, K_ARR, K_OBJ } from './json';

export const V_NULL: u32 = 1;
export const V_FALSE: u32 = 2;
export const V_TRUE: u32 = 3;
export const V_NUM: u32 = 4;
export const V_STR: u32 = 5;
export const V_ARR: u32 = 6;
export const V_OBJ: u32 = 7;

export class JV {
  kind: u32 = V_NULL;
  /** string value, or the literal text of a number */
  s: string = '';
  items: JV[] = new Array<JV>(0);
  keys: string[] = new Array<string>(0);
  /** byte offset in the input, -1 when the node comes from the built-in table or was synthesised */
  pos: i32 = -1;

  get(key: string): JV | null {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    return null;
  }

  has(key: string): bool {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return true;
    return false;
  }

  isText(): bool { return this.kind == V_STR || this.kind == V_NUM; }

  /** shallow copy of an object with `key` set (replaced in place or appended) */
  withMember(key: string, v: JV): JV {
    const o = new JV();
    o.kind = V_OBJ;
    o.pos = this.pos;
    let done = false;
    for (let i = 0; i < this.keys.length; i++) {
      o.keys.push(this.keys[i]);
      if (this.keys[i] == key) { o.items.push(v); done = true; } else o.items.push(this.items[i]);
    }
    if (!done) { o.keys.push(key); o.items.push(v); }
    return o;
  }

  /** shallow copy of an object without `key` */
  without(key: string): JV {
    const o = new JV();
    o.kind = V_OBJ;
    o.pos = this.pos;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) continue;
      o.keys.push(this.keys[i]);
      o.items.push(this.items[i]);
    }
    return o;
  }
}

export function jvStr(s: string): JV {
  const v = new JV();
  v.kind = V_STR;
  v.s = s;
  return v;
}

export function jvObj(): JV {
  const v = new JV();
  v.kind = V_OBJ;
  return v;
}

/** Literal text of a number node. */
export function numText(i: i32): string {
  return String.UTF8.decodeUnsafe(<usize>jA(i), <usize>(jB(i) - jA(i)));
}

/**
 * Copies the tape subtree at node i into a JV tree. `fromInput` keeps byte positions (false for the
 * built-in table, whose positions would point into another buffer). A member given twice is
 * DUPLICATE_KEY: a rule must not depend on which duplicate a parser keeps. Returns null after a failure.
 */
export function toJV(i: i32, fromInput: bool): JV | null {
  const v = new JV();
  const k = jKind(i);
  v.pos = fromInput ? jPos(i) : -1;
  switch (k) {
    case K_NULL: v.kind = V_NULL; return v;
    case K_FALSE: v.kind = V_FALSE; return v;
    case K_TRUE: v.kind = V_TRUE; return v;
    case K_NUM: v.kind = V_NUM; v.s = numText(i); return v;
    case K_STR: v.kind = V_STR; v.s = jString(i); return v;
    case K_ARR: {
      v.kind = V_ARR;
      const n = <i32>jA(i);
      let j = i + 1;
      for (let m = 0; m < n; m++) {
        const c = toJV(j, fromInput);
        if (c === null) return null;
        v.items.push(c);
        j = jNext(j);
      }
      return v;
    }
    default: {
      v.kind = V_OBJ;
      const n = <i32>jA(i);
      let j = i + 1;
      for (let m = 0; m < n; m++) {
        const key = jString(j);
        for (let q = 0; q < v.keys.length; q++) {
          if (v.keys[q] == key) { fail(E_DUPLICATE_KEY, fromInput ? jPos(j) : -1, 'member "' + key + '" given twice'); return null; }
        }
        const c = toJV(j + 1, fromInput);
        if (c === null) return null;
        v.keys.push(key);
        v.items.push(c);
        j = jNext(j + 1);
      }
      return v;
    }
  }
}
