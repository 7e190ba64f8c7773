{ Free Pascal stand-in for a Delphi HIS calling libyibao.so / yibao32.dll through `external` with
  PAnsiChar, as a Delphi 7 .. 12 program does (the declarations are the ones in README.md).
  Run by native.test.ts:

    yb_fpc_test PRESETTLE.json SETTLE_BILL.json HIS_KEY OUT_FILE

  1. pre-settles PRESETTLE.json in-process (yb_call 'presettle'), writes the raw result to
     OUT_FILE (the test compares it byte for byte with Node's);
  2. settles SETTLE_BILL.json through the agent (yb_call 'settle', pending), then commits it.
  Prints 'ok ...' / 'FAIL ...' lines; exit code 1 on failure. }
program yb_fpc_test;

{$mode delphi}
{$H+}

uses SysUtils, Classes;

const
  YIBAO_LIB = 'yibao'; { libyibao.so here; 'yibao32.dll' on Windows }

function yb_version: PAnsiChar; cdecl; external YIBAO_LIB name 'yb_version';
function yb_call(op, inp, outp: PAnsiChar; outcap: Integer): Integer; cdecl; external YIBAO_LIB name 'yb_call';
function yb_call_a(op, inp, outp: PAnsiChar; outcap: Integer): Integer; cdecl; external YIBAO_LIB name 'yb_call_a';
function yb_last_result(outp: PAnsiChar; outcap: Integer): Integer; cdecl; external YIBAO_LIB name 'yb_last_result';
function yb_config(key, value: PAnsiChar): Integer; cdecl; external YIBAO_LIB name 'yb_config';

var
  failures: Integer = 0;

procedure Check(cond: Boolean; const what, detail: AnsiString);
begin
  if cond then
    WriteLn('ok ', what)
  else
  begin
    WriteLn('FAIL ', what, ': ', detail);
    Inc(failures);
  end;
end;

function ReadFileText(const path: string): AnsiString;
var
  s: TFileStream;
begin
  s := TFileStream.Create(path, fmOpenRead or fmShareDenyWrite);
  try
    SetLength(Result, s.Size);
    if s.Size > 0 then
      s.ReadBuffer(Result[1], s.Size);
  finally
    s.Free;
  end;
end;

procedure WriteFileText(const path: string; const text: AnsiString);
var
  s: TFileStream;
begin
  s := TFileStream.Create(path, fmCreate);
  try
    if Length(text) > 0 then
      s.WriteBuffer(text[1], Length(text));
  finally
    s.Free;
  end;
end;

{ yb_call with a 512-byte buffer first; a longer result is read whole with yb_last_result (business
  calls are never repeated just to get a bigger buffer) }
function Call(const op, input: AnsiString; out rc: Integer): AnsiString;
var
  buf: AnsiString;
  n: Integer;
begin
  SetLength(buf, 512);
  rc := yb_call(PAnsiChar(op), PAnsiChar(input), PAnsiChar(buf), Length(buf));
  n := rc;
  if rc < 0 then
    n := StrLen(PAnsiChar(buf));
  if (rc >= Length(buf)) then
  begin
    SetLength(buf, rc + 1);
    yb_last_result(PAnsiChar(buf), rc + 1);
  end;
  Result := Copy(buf, 1, n);
end;

var
  bill, settleBill, key, res, res2, req: AnsiString;
  rc: Integer;
  gbk: array[0..255] of AnsiChar;
begin
  if ParamCount < 4 then
  begin
    WriteLn('usage: yb_fpc_test PRESETTLE.json SETTLE_BILL.json HIS_KEY OUT_FILE');
    Halt(1);
  end;
  WriteLn('yibao core ', yb_version);
  bill := ReadFileText(ParamStr(1));
  settleBill := ReadFileText(ParamStr(2));
  key := ParamStr(3);

  { 1. in-process pre-settlement }
  res := Call('presettle', bill, rc);
  Check((rc > 0) and (Pos('"setlinfo"', res) > 0) and (rc = Length(res)), 'presettle in-process (' + IntToStr(rc) + ' bytes, more than the buffer: read whole with yb_last_result)', res);
  WriteFileText(ParamStr(4), res);
  res2 := Call('presettle', bill, rc);
  Check(res2 = res, 'the same bill gives the same bytes again', '');
  res2 := Call('presettle', '{"params":', rc);
  Check((rc = -101) and (Pos('JSON_SYNTAX', res2) > 0), 'malformed JSON is -101 JSON_SYNTAX', IntToStr(rc) + ' ' + res2);
  { GBK (ANSI) variant: 张三 }
  rc := yb_call_a('json_parse', '{"n":"'#$D5#$C5#$C8#$FD'"}', @gbk[0], SizeOf(gbk));
  Check((rc > 0) and (AnsiString(PAnsiChar(@gbk[0])) = '{"n":"'#$D5#$C5#$C8#$FD'"}'), 'yb_call_a with GBK strings', IntToStr(rc));

  { 2. settlement through the agent: pending, then the HIS commits }
  req := '{"his_key":"' + key + '","bill":' + settleBill + '}';
  res := Call('settle', req, rc);
  WriteLn('settle -> ', rc, ' ', Copy(res, 1, 300));
  Check((rc > 0) and (Pos('"setl_id"', res) > 0), 'settle through the agent (pending)', IntToStr(rc) + ' ' + res);
  if rc > 0 then
  begin
    res := Call('commit', '{"his_key":"' + key + '"}', rc);
    Check(rc >= 0, 'commit', IntToStr(rc) + ' ' + res);
  end;

  { 3. the agent down: a clear error, nothing sent }
  yb_config('agent_url', 'http://127.0.0.1:9');
  res := Call('settle', req, rc);
  Check((rc = -1060) and (Pos('AGENT_UNAVAILABLE', res) > 0), 'agent down is -1060 AGENT_UNAVAILABLE', IntToStr(rc) + ' ' + res);

  if failures = 0 then
    WriteLn('PASSED (0 failed)')
  else
    WriteLn('FAILED (', failures, ' failed)');
  if failures > 0 then
    Halt(1);
end.
