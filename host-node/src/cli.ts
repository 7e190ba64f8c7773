// yibao CLI. Errors are one JSON line {code, message} on stderr with a non-zero exit code.
import { readFileSync } from 'node:fs';
import { createCore } from './core.js';
import { YibaoError } from './errors.js';
import { renderSlip } from './slip.js';
import type { PresettleInput } from './contract.js';
import { netCommand, NET_COMMANDS } from './cli-net.js';

const USAGE = `用法 / usage:
  yibao presettle FILE|-            pre-settle {params, person, fee_items}; JSON result on stdout
  yibao presettle --table FILE|-    the same as a readable Chinese breakdown (cashier slip)
  yibao classify FILE|-             classify fee lines {fee_items}
  yibao validate FILE|-             validate fields {fields:[{name,type,value}]} or {schema,data}
  yibao gbk encode|decode           stdin -> stdout (UTF-8 <-> GBK)
  yibao codec json|xml|ini|pipe parse|print [--utf8]
                                    stdin -> stdout; parse gives JSON, print takes JSON
  yibao call INFNO --region R --endpoint URL [--input FILE|-] [--state DIR] [--config FILE]
                                    one transaction; prints the reply envelope; exit 0 when infcode is 0
  yibao settle --region R (--endpoint URL | --sandbox) [--inpatient] --bill FILE [--slip] [--state DIR]
               [--his-key KEY] [--no-commit]
                                    the whole flow for one bill, journaled in DIR/journal.db under the HIS key;
                                    prints {setl_id, mdtrt_id, setlinfo} (fen), then commits (--no-commit: pending)
                                    legacy regions with a journaled client (chengdu, sichuan-com, chongqing, nanping,
                                    sichuan-xnh and liuzhou outpatient): journaled like this when --his-key is given
  yibao recover --state DIR [--region R] (--endpoint URL | --sandbox-url URL) [--his-ledger FILE] [--keep-pending]
                                    resolves every unfinished journal entry; prints {resolved, confirmed, cancelled,
                                    reversed, failed, left}; settled-but-uncommitted keys not in the HIS ledger are
                                    cancelled (presumed abort); exit 0 all resolved, 3 some left
                                    legacy regions (chengdu, sichuan-com, chongqing: --sandbox-url URL of a running
                                    sandbox or --library PATH; nanping: --dir DIR; sichuan-xnh, liuzhou: --endpoint
                                    URL with their credentials) through the region's own client; chongqing /
                                    nanping / liuzhou lost replies are left for a person (manual, exit 3)
  yibao journal --state DIR [--his-key KEY] [--date YYYY-MM-DD] [--unfinished]
                                    the journal's entries as JSON (msgid, infno, his_key, state, setl_id, amounts)
  yibao sandbox --region R [--port N] [--fault delay:MS|drop-after-commit:P|http-500:P|malformed:P]...
               [--slist-check] [--slist-reply output|output.data]   (sichuan: 4101 quality check / reply shape)
                                    the region's simulated center; first line: listening http://127.0.0.1:PORT
                                    legacy regions (chengdu, chongqing, sichuan-com: vendor DLL / COM object through
                                    legacy-com-bridge; nanping: INI file exchange): settle [--library PATH] [--node EXE]
                                    [--timeout MS], nanping settle --dir DIR; sandbox [--library DIR] prints the
                                    emulator library too, nanping sandbox [--dir DIR] prints: watching DIR
                                    liuzhou (新农合 SOAP): settle --sandbox | --endpoint URL (YIBAO_XNH_* credentials);
                                    sandbox prints listening URL + env YIBAO_XNH_HOSPITAL_CODE / _USER / _PASSWORD
                                    sichuan-xnh (新农合 V3.0 SOAP): settle --sandbox | --endpoint URL (YIBAO_SCXNH_HACCCODE / _UID)
                                    chengdu-jxc (进销存 SOAP): sandbox [--fault down|http-500:P|drop-after-commit:P|delay:MS]
  yibao inventory upload --region sichuan|national|chengdu-jxc --kind KIND FILE --state DIR (--endpoint URL | --sandbox)
  yibao inventory drain|status --region R --state DIR [--endpoint URL | --sandbox] [--kind KIND]
                                    进销存 rows (JSON array) through the durable queue DIR/inventory.db, batched to the
                                    region's row limit; KIND init|stock-in|stock-out|stock|stock-change|purchase-return|
                                    sale-return|delete; prints the summary, one line per rejected / waiting row; exit 0
                                    all ok, 3 rows rejected or waiting (drain resends them after an outage)
                                    chengdu-slist (结算清单 E1001–E1004 SOAP): sandbox prints listening URL
  yibao slist check FILE|- [--variant 4101|4101A] [--region R] [--code-table NAME=FILE]... [--json]
                                    settlement-list (结算清单) quality rules: the violations as a table (or JSON);
                                    exit 0 clean, 3 violations; --region sichuan|chengdu applies plugins/national/slist-rules
  yibao catalog sync INFNO --endpoint URL --db FILE [--region R] [--state DIR]
                                    download a catalog (1301-1319 via 9102) into SQLite, with progress
  yibao reconcile --date YYYY-MM-DD --state DIR --endpoint URL [--region R] [--his-ledger FILE] [--out DIR]
                [--db postgres://…] [--setl-optins C] [--clr-types 11,21] [--days N]
                                    daily 3201/3202 against the journal and the HIS ledger (JSON, CSV or SQLite);
                                    writes reconcile-DATE.html / .csv; exit 0 balanced, 3 mismatches, 1 failed
  yibao agent --state DIR --region R --endpoint URL [--db postgres://…] [--port N] [--host 127.0.0.1]
              [--token-file F | YIBAO_AGENT_TOKEN] [--max-body BYTES] [--max-inflight N] [--node 1-9]
              [--card-reader heasec --card-library PATH [--card-kind ss_card|id_card|ec_token]
               [--card-init JSON|@FILE] [--card-timeout MS]]   (or YIBAO_CARD_READER / _LIBRARY / _KIND / _INIT)
                                    HTTP/JSON service for workstations (/v1/settle, /v1/commit, /v1/refund,
                                    /v1/card …); Bearer token
  yibao version`;

function readInput(file: string | undefined): Buffer {
  if (file === undefined) throw YibaoError.host('USAGE', 'missing FILE (use - for stdin)');
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (e) {
    throw YibaoError.host('IO_ERROR', `${file}: ${(e as Error).message}`, e);
  }
}

function out(data: string | Uint8Array): void {
  process.stdout.write(data);
}

async function main(argv: string[]): Promise<number> {
  if (NET_COMMANDS.has(argv[0] ?? '')) return netCommand(argv);
  if (argv[0] === 'slist') return (await import('./cli-slist.js')).slistCommand(argv.slice(1));
  if (argv[0] === 'inventory') return (await import('./cli-inventory.js')).inventoryCommand(argv.slice(1));
  const args = argv.filter((a) => !a.startsWith('--'));
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const [cmd, sub, sub2] = args;
  const core = createCore();
  switch (cmd) {
    case 'presettle': {
      const bytes = readInput(sub);
      const result = core.presettle(JSON.parse(core.codec.json.normalize(bytes)));
      if (flags.has('--table')) out(renderSlip(JSON.parse(bytes.toString('utf8')) as PresettleInput, result));
      else out(JSON.stringify(result) + '\n');
      return 0;
    }
    case 'classify':
      out(JSON.stringify(core.classify(JSON.parse(core.codec.json.normalize(readInput(sub))))) + '\n');
      return 0;
    case 'validate': {
      const r = core.validate(JSON.parse(core.codec.json.normalize(readInput(sub))));
      out(JSON.stringify(r) + '\n');
      return r.ok ? 0 : 3;
    }
    case 'gbk': {
      const input = readInput('-');
      if (sub === 'encode') out(core.gbk.encode(input.toString('utf8')));
      else if (sub === 'decode') out(core.gbk.decode(input));
      else throw YibaoError.host('USAGE', 'gbk encode|decode');
      return 0;
    }
    case 'codec': {
      const input = readInput('-');
      const kind = sub;
      if (sub2 !== 'parse' && sub2 !== 'print') throw YibaoError.host('USAGE', 'codec json|xml|ini|pipe parse|print');
      const parse = sub2 === 'parse';
      switch (kind) {
        case 'json':
          out(parse ? core.codec.json.normalize(input) + '\n' : core.codec.json.print(input));
          return 0;
        case 'xml':
          if (parse) out(JSON.stringify(core.codec.xml.parse(input)) + '\n');
          else out(core.codec.xml.print(JSON.parse(core.codec.json.normalize(input)), { encoding: flags.has('--utf8') ? 'UTF-8' : 'GBK' }));
          return 0;
        case 'ini':
          if (parse) out(JSON.stringify(core.codec.ini.parse(input)) + '\n');
          else out(core.codec.ini.print(JSON.parse(core.codec.json.normalize(input))));
          return 0;
        case 'pipe':
          if (parse) out(JSON.stringify(core.codec.pipe.parse(input)) + '\n');
          else out(core.codec.pipe.print(JSON.parse(core.codec.json.normalize(input))));
          return 0;
        default:
          throw YibaoError.host('USAGE', 'codec json|xml|ini|pipe parse|print');
      }
    }
    case 'version':
      out(JSON.stringify(core.version()) + '\n');
      return 0;
    case undefined:
    case 'help':
      process.stderr.write(USAGE + '\n');
      return cmd === 'help' ? 0 : 2;
    default:
      throw YibaoError.host('USAGE', `unknown command ${cmd}`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  const err = e instanceof YibaoError ? e : YibaoError.host('BAD_INPUT', String((e as Error)?.message ?? e), e);
  process.stderr.write(JSON.stringify({ code: err.code, message: err.message, status: err.status, detail: err.detail, pos: err.pos }) + '\n');
  process.exitCode = err.code === 'USAGE' ? 2 : 1;
}
