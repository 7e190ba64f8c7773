// Settlement-list (结算清单) quality-rule engine. STUB.
import { fail, E_UNKNOWN_OP } from './errors';

export function opSlistCheck(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'slist_check not built yet'); }
