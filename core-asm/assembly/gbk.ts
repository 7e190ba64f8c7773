// STUB: to be implemented
import { fail, E_UNKNOWN_OP } from './errors';
export function opGbkDecode(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'not implemented'); }
export function opGbkEncode(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'not implemented'); }
