// MD5, SHA-1 and the configurable message digest (Liuzhou 消息摘要). STUB.
import { fail, E_UNKNOWN_OP } from './errors';

export function opMd5(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'md5 not built yet'); }
export function opSha1(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'sha1 not built yet'); }
export function opDigest(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'digest not built yet'); }
