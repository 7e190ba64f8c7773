// SOAP 1.1/1.2 envelopes (document/literal, ASMX conventions) and .NET DataSet diffgrams. STUB.
import { fail, E_UNKNOWN_OP } from './errors';

export function opSoapEncode(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'soap_encode not built yet'); }
export function opSoapDecode(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'soap_decode not built yet'); }
export function opDatasetEncode(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'dataset_encode not built yet'); }
export function opDatasetDecode(ptr: usize, len: i32): i32 { return fail(E_UNKNOWN_OP, -1, 'dataset_decode not built yet'); }
