// STUB: to be implemented
import { fail, E_UNKNOWN_OP } from './errors';
export function opValidate(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'not implemented'); }
