// msgids of several agents on different machines of one institution. A msgid is fixmedins_code +
// yyyyMMddHHmmss + a 4-digit sequence, and each machine counts in its own state.db: two machines would both
// start at 0001 every second, and the center refuses the second one (报文ID重复). With a node number N (1–9) a
// machine uses only N000–N999: up to 999 msgids per second each, unique without any coordination.
import type { StateStore } from '../state.js';
import { YibaoError } from '../errors.js';

export function parseNode(v: string | undefined): number | null {
  if (v === undefined) return null;
  if (!/^[1-9]$/.test(v)) throw YibaoError.host('USAGE', `--node ${v}: a number from 1 to 9, different on every machine of the institution`);
  return Number(v);
}

/** The state store with the msgid sequence confined to node × 1000 + 1 … node × 1000 + 999. */
export function nodeState(state: StateStore, node: number | null): StateStore {
  if (node === null) return state;
  return {
    ...state,
    db: state.db,
    nextSeq(fixmedins, stamp) {
      // a counter of its own per node (keyed apart, so that pruning old seconds never touches another node's)
      const s = state.nextSeq(`${fixmedins}#node${node}`, stamp);
      return s === null || s > 999 ? null : node * 1000 + s;
    },
  };
}
