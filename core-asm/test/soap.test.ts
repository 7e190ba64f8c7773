// ops 33–36: SOAP envelopes and .NET DataSet diffgrams. Hand-written ASMX fixtures, exact encodings, errors with
// positions, round-trip properties (fast-check) and a fuzz run that must never trap.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { XMLValidator } from 'fast-xml-parser';
import { createCore } from '../../host-node/src/core';
import { YibaoError } from '../../host-node/src/errors';
import type { DataSetJson, SoapMessage, SoapValue } from '../../host-node/src/contract';
import { loadCore } from './raw';

const core = createCore();
const raw = loadCore();
const enc = new TextEncoder();
const dec = new TextDecoder();
const OP = { soapEncode: 33, soapDecode: 34, datasetEncode: 35, datasetDecode: 36 };

const text = (m: SoapMessage) => dec.decode(core.soap.encode(m));
function err(f: () => unknown): YibaoError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(YibaoError);
    return e as YibaoError;
  }
  throw new Error('expected a YibaoError');
}

const ENV11 = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';
const END11 = '</soap:Body></soap:Envelope>';
const ENV12 = '<?xml version="1.0" encoding="utf-8"?><soap12:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soap12="http://www.w3.org/2003/05/soap-envelope"><soap12:Body>';
const END12 = '</soap12:Body></soap12:Envelope>';
const SCHEMA_OPEN = '<xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"><xs:element name="NewDataSet" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"><xs:complexType>';
const DIFF_OPEN = '<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1">';

// ---- hand-written fixtures, as .NET 2.0 ASMX writes them ------------------------------------------

/** GetData returning a DataSet (DataAdapter.Fill, so no diffgr:hasChanges), SOAP 1.1. */
const ASMX_DATASET_RESPONSE = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><GetDataResponse xmlns="http://tempuri.org/"><GetDataResult><xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"><xs:element name="NewDataSet" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded"><xs:element name="Table"><xs:complexType><xs:sequence><xs:element name="zhh" type="xs:string" minOccurs="0" /><xs:element name="xm" type="xs:string" minOccurs="0" /><xs:element name="xb" type="xs:string" minOccurs="0" /><xs:element name="csrq" type="xs:dateTime" minOccurs="0" /><xs:element name="ljbc" type="xs:decimal" minOccurs="0" /><xs:element name="nd" type="xs:int" minOccurs="0" /></xs:sequence></xs:complexType></xs:element></xs:choice></xs:complexType></xs:element></xs:schema><diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1"><NewDataSet xmlns=""><Table diffgr:id="Table1" msdata:rowOrder="0"><zhh>4502010010020003</zhh><xm>张三</xm><xb>1</xb><csrq>1968-03-02T00:00:00+08:00</csrq><ljbc>1250.50</ljbc><nd>2013</nd></Table><Table diffgr:id="Table2" msdata:rowOrder="1"><zhh>4502010010020004</zhh><xm>李&lt;四&gt;</xm><xb>2</xb><ljbc>0.10</ljbc><nd>2013</nd></Table></NewDataSet></diffgr:diffgram></GetDataResult></GetDataResponse></soap:Body></soap:Envelope>`;

const ASMX_FAULT_11_SERVER = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>System.Web.Services.Protocols.SoapException: Server was unable to process request. ---&gt; System.Data.SqlClient.SqlException: 参合证号不存在
   at NhService.chryxxjk(String yydm, String yh, String kl, String zhh, String xxzy) in d:\\nh\\App_Code\\NhService.cs:line 88
   --- End of inner exception stack trace ---</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`;

const ASMX_FAULT_11_CLIENT = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: http://tempuri.org/nosuch.
   at System.Web.Services.Protocols.Soap11ServerProtocolHelper.RouteRequest()
   at System.Web.Services.Protocols.SoapServerProtocol.RouteRequest(SoapServerMessage message)</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`;

/** ASMX answers SOAP 1.2 with the prefix "soap" bound to the 1.2 namespace. */
const ASMX_FAULT_12 = `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang="en">System.Web.Services.Protocols.SoapException: Server was unable to process request. ---&gt; System.Exception: 消息摘要错误</soap:Text></soap:Reason><soap:Detail /></soap:Fault></soap:Body></soap:Envelope>`;

describe('hand-written .NET ASMX fixtures', () => {
  it('a DataSet-returning response', () => {
    const m = core.soap.decode(enc.encode(ASMX_DATASET_RESPONSE));
    expect(m).toEqual({
      version: '1.1',
      ns: 'http://tempuri.org/',
      name: 'GetDataResponse',
      value: {
        GetDataResult: {
          $dataset: {
            name: 'NewDataSet',
            tables: [
              {
                name: 'Table',
                columns: [
                  { name: 'zhh', type: 'string' }, { name: 'xm', type: 'string' }, { name: 'xb', type: 'string' },
                  { name: 'csrq', type: 'dateTime' }, { name: 'ljbc', type: 'decimal' }, { name: 'nd', type: 'int' },
                ],
                rows: [
                  { zhh: '4502010010020003', xm: '张三', xb: '1', csrq: '1968-03-02T00:00:00+08:00', ljbc: '1250.50', nd: '2013' },
                  { zhh: '4502010010020004', xm: '李<四>', xb: '2', csrq: null, ljbc: '0.10', nd: '2013' },
                ],
              },
            ],
          },
        },
      },
    });
    // the same DataSet encodes back to the identical result fragment (.NET's own byte layout)
    const ds = (m.value!.GetDataResult as { $dataset: DataSetJson }).$dataset;
    const frag = ASMX_DATASET_RESPONSE.slice(ASMX_DATASET_RESPONSE.indexOf('<xs:schema'), ASMX_DATASET_RESPONSE.indexOf('</GetDataResult>'));
    expect(core.dataset.encode(ds)).toBe(frag);
  });

  it('SOAP 1.1 Server and Client faults', () => {
    const s = core.soap.decode(enc.encode(ASMX_FAULT_11_SERVER));
    expect(s.version).toBe('1.1');
    expect(s.ns).toBe('http://schemas.xmlsoap.org/soap/envelope/');
    expect(s.name).toBeUndefined();
    expect(s.fault?.code).toBe('soap:Server');
    expect(s.fault?.reason).toMatch(/^System\.Web\.Services\.Protocols\.SoapException: Server was unable to process request\. ---> System\.Data\.SqlClient\.SqlException: 参合证号不存在\n   at NhService\.chryxxjk/);
    expect(s.fault?.detail).toBeUndefined();
    const c = core.soap.decode(enc.encode(ASMX_FAULT_11_CLIENT));
    expect(c.fault?.code).toBe('soap:Client');
    expect(c.fault?.reason).toContain('Server did not recognize the value of HTTP Header SOAPAction');
  });

  it('a fault detail holding elements is kept as its inner XML', () => {
    const f = core.soap.decode(
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:q="urn:q"> q:Digest </faultcode><faultstring>摘要错误</faultstring><detail><e:code xmlns:e="urn:e">XNH_DIGEST</e:code></detail></s:Fault></s:Body></s:Envelope>',
    ).fault;
    expect(f).toEqual({ code: 'q:Digest', reason: '摘要错误', detail: '<e:code xmlns:e="urn:e">XNH_DIGEST</e:code>' });
  });

  it('a SOAP 1.2 fault', () => {
    const f = core.soap.decode(enc.encode(ASMX_FAULT_12));
    expect(f).toEqual({
      version: '1.2',
      ns: 'http://www.w3.org/2003/05/soap-envelope',
      fault: { code: 'soap:Receiver', reason: 'System.Web.Services.Protocols.SoapException: Server was unable to process request. ---> System.Exception: 消息摘要错误' },
    });
  });

  it('a strongly typed DataSet: targetNamespace, ref= tables, simpleType columns, before/hasChanges, indentation', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header><Auth xmlns="urn:x"><u>a</u></Auth></soapenv:Header>
  <soapenv:Body>
    <ns1:zyjsjkResponse xmlns:ns1="http://nh.lz.gov.cn/">
      <ns1:zyjsjkResult>
        <xs:schema id="JsData" targetNamespace="http://tempuri.org/JsData.xsd" xmlns:mstns="http://tempuri.org/JsData.xsd" xmlns="http://tempuri.org/JsData.xsd" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" attributeFormDefault="qualified" elementFormDefault="qualified">
          <xs:element name="JsData" msdata:IsDataSet="true" msdata:UseCurrentLocale="true">
            <xs:complexType>
              <xs:choice minOccurs="0" maxOccurs="unbounded">
                <xs:element ref="mstns:zjl" />
                <xs:element ref="mstns:mx" />
              </xs:choice>
            </xs:complexType>
            <xs:unique name="Constraint1"><xs:selector xpath=".//mstns:zjl" /><xs:field xpath="mstns:zyh" /></xs:unique>
          </xs:element>
          <xs:element name="zjl">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="zyh">
                  <xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="20" /></xs:restriction></xs:simpleType>
                </xs:element>
                <xs:element name="zfy" type="xs:decimal" minOccurs="0" />
              </xs:sequence>
            </xs:complexType>
          </xs:element>
          <xs:element name="mx">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="xmbm" type="xs:string" minOccurs="0" msdata:Caption="项目编码" />
              </xs:sequence>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        <diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1">
          <JsData xmlns="http://tempuri.org/JsData.xsd">
            <zjl diffgr:id="zjl1" msdata:rowOrder="0" diffgr:hasChanges="modified">
              <zyh>ZY2013001</zyh>
              <zfy>3000.00</zfy>
            </zjl>
            <mx diffgr:id="mx1" msdata:rowOrder="0" diffgr:hasChanges="inserted"><xmbm><![CDATA[A&B<1>]]></xmbm></mx>
            <mx diffgr:id="mx2" msdata:rowOrder="1" />
          </JsData>
          <diffgr:before>
            <zjl diffgr:id="zjl1" msdata:rowOrder="0" xmlns="http://tempuri.org/JsData.xsd"><zyh>ZY2013001</zyh><zfy>2999.00</zfy></zjl>
          </diffgr:before>
        </diffgr:diffgram>
      </ns1:zyjsjkResult>
    </ns1:zyjsjkResponse>
  </soapenv:Body>
</soapenv:Envelope>`;
    const m = core.soap.decode(enc.encode(xml));
    expect(m.ns).toBe('http://nh.lz.gov.cn/');
    expect(m.name).toBe('zyjsjkResponse');
    expect(m.value).toEqual({
      zyjsjkResult: {
        $dataset: {
          name: 'JsData',
          tables: [
            { name: 'zjl', columns: [{ name: 'zyh', type: 'string' }, { name: 'zfy', type: 'decimal' }], rows: [{ zyh: 'ZY2013001', zfy: '3000.00' }] },
            { name: 'mx', columns: [{ name: 'xmbm', type: 'string' }], rows: [{ xmbm: 'A&B<1>' }, { xmbm: null }] },
          ],
        },
      },
    });
  });
});

describe('op 33 soap_encode: exact bytes', () => {
  it('a 1.1 request as ASMX clients write it', () => {
    expect(text({ version: '1.1', ns: 'http://tempuri.org/', name: 'chryxxjk', value: { yydm: '450201001', zhh: '4502010010020003' } })).toBe(
      ENV11 + '<chryxxjk xmlns="http://tempuri.org/"><yydm>450201001</yydm><zhh>4502010010020003</zhh></chryxxjk>' + END11,
    );
  });

  it('1.2, nil, empty, nested, arrays, escaping; an empty method', () => {
    expect(
      text({
        version: '1.2',
        ns: 'urn:a&"b"',
        name: 'WriteQD1',
        value: { vinfo: { HACCCODE: 'H1', UID: null }, qdinfo: { QDInfoClass: [{ JE: '1.00' }, { JE: '0.10' }] }, qdid: { int: ['1', '2'] }, note: '', s: 'a<b>&c"d\'\r\n\te' },
      }),
    ).toBe(
      ENV12 +
        '<WriteQD1 xmlns="urn:a&amp;&quot;b&quot;"><vinfo><HACCCODE>H1</HACCCODE><UID xsi:nil="true" /></vinfo>' +
        '<qdinfo><QDInfoClass><JE>1.00</JE></QDInfoClass><QDInfoClass><JE>0.10</JE></QDInfoClass></qdinfo>' +
        '<qdid><int>1</int><int>2</int></qdid><note /><s>a&lt;b&gt;&amp;c"d\'&#13;\n\te</s></WriteQD1>' +
        END12,
    );
    expect(text({ version: '1.1', ns: 'http://tempuri.org/', name: 'CheckDB' })).toBe(ENV11 + '<CheckDB xmlns="http://tempuri.org/" />' + END11);
    expect(text({ version: '1.1', ns: 'http://tempuri.org/', name: 'CheckDB', value: {} })).toBe(ENV11 + '<CheckDB xmlns="http://tempuri.org/" />' + END11);
  });

  it('faults in 1.1 and 1.2 (bare codes get the envelope prefix; 1.2 maps Client/Server)', () => {
    expect(text({ version: '1.1', ns: '', fault: { code: 'Client', reason: 'bad <input>' } })).toBe(
      ENV11 + '<soap:Fault><faultcode>soap:Client</faultcode><faultstring>bad &lt;input&gt;</faultstring><detail /></soap:Fault>' + END11,
    );
    expect(text({ version: '1.2', ns: '', fault: { code: 'Server', reason: '失败', detail: 'd&1' } })).toBe(
      ENV12 +
        '<soap12:Fault><soap12:Code><soap12:Value>soap12:Receiver</soap12:Value></soap12:Code><soap12:Reason><soap12:Text xml:lang="en">失败</soap12:Text></soap12:Reason><soap12:Detail>d&amp;1</soap12:Detail></soap12:Fault>' +
        END12,
    );
    expect(text({ version: '1.2', ns: '', fault: { code: 'Client', reason: 'x' } })).toContain('<soap12:Value>soap12:Sender</soap12:Value>');
    expect(text({ version: '1.1', ns: '', fault: { code: 'soap:Server.Db', reason: 'x' } })).toContain('<faultcode>soap:Server.Db</faultcode>');
  });

  it('a DataSet parameter: the .NET layout, ids per table, null cells omitted, "" as an empty element', () => {
    const ds: DataSetJson = {
      name: 'NewDataSet',
      tables: [
        { name: 'zjl', columns: [{ name: 'zyh' }, { name: 'zfy', type: 'decimal' }], rows: [{ zyh: 'Z1', zfy: '0.10' }, { zyh: '', zfy: null }] },
        { name: 'mx', columns: [{ name: 'xmbm' }], rows: [{ xmbm: null }] },
      ],
    };
    expect(text({ version: '1.1', ns: 'http://tempuri.org/', name: 'zyjsjk', value: { zjl: { $dataset: ds } } })).toBe(
      ENV11 +
        '<zyjsjk xmlns="http://tempuri.org/"><zjl>' +
        SCHEMA_OPEN +
        '<xs:choice minOccurs="0" maxOccurs="unbounded">' +
        '<xs:element name="zjl"><xs:complexType><xs:sequence><xs:element name="zyh" type="xs:string" minOccurs="0" /><xs:element name="zfy" type="xs:decimal" minOccurs="0" /></xs:sequence></xs:complexType></xs:element>' +
        '<xs:element name="mx"><xs:complexType><xs:sequence><xs:element name="xmbm" type="xs:string" minOccurs="0" /></xs:sequence></xs:complexType></xs:element>' +
        '</xs:choice></xs:complexType></xs:element></xs:schema>' +
        DIFF_OPEN +
        '<NewDataSet xmlns="">' +
        '<zjl diffgr:id="zjl1" msdata:rowOrder="0"><zyh>Z1</zyh><zfy>0.10</zfy></zjl>' +
        '<zjl diffgr:id="zjl2" msdata:rowOrder="1"><zyh /></zjl>' +
        '<mx diffgr:id="mx1" msdata:rowOrder="0" />' +
        '</NewDataSet></diffgr:diffgram></zjl></zyjsjk>' +
        END11,
    );
  });

  it('op 35: the fragment alone; an empty DataSet', () => {
    expect(core.dataset.encode({ name: 'NewDataSet', tables: [] })).toBe(
      SCHEMA_OPEN + '<xs:choice minOccurs="0" maxOccurs="unbounded" /></xs:complexType></xs:element></xs:schema>' + DIFF_OPEN.replace(/>$/, ' />'),
    );
    const one = core.dataset.encode({ name: 'DS', tables: [{ name: 'T', columns: [], rows: [] }] });
    expect(one).toBe(
      '<xs:schema id="DS" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"><xs:element name="DS" msdata:IsDataSet="true" msdata:UseCurrentLocale="true"><xs:complexType><xs:choice minOccurs="0" maxOccurs="unbounded"><xs:element name="T"><xs:complexType /></xs:element></xs:choice></xs:complexType></xs:element></xs:schema>' +
        DIFF_OPEN.replace(/>$/, ' />'),
    );
    expect(core.dataset.decode(one)).toEqual({ name: 'DS', tables: [{ name: 'T', columns: [], rows: [] }] });
  });

  it('every envelope is well-formed XML (independent validator)', () => {
    const m: SoapMessage = { version: '1.1', ns: 'http://tempuri.org/', name: 'x', value: { a: '<&>"\'', b: { $dataset: { name: 'D', tables: [{ name: 'T', columns: [{ name: 'c' }], rows: [{ c: '&' }] }] } } } };
    expect(XMLValidator.validate(text(m))).toBe(true);
  });
});

describe('op 33 soap_encode: refusals', () => {
  const base = { version: '1.1' as const, ns: 'http://tempuri.org/', name: 'm' };
  it('a bad DataSet cell names its table and row; the next error in the same instance carries no stale row', () => {
    const ds = { name: 'D', tables: [{ name: 'Mx', columns: [{ name: 'c' }], rows: [{ c: 'ok' }, { c: 'ok' }, { c: 'x\u0001' }] }] };
    const e = err(() => core.soap.encode({ ...base, value: { d: { $dataset: ds } } } as SoapMessage));
    expect(e.code).toBe('XML_SHAPE');
    expect(e.detail).toContain('Mx.rows[2]');
    const e2 = err(() => core.soap.encode({ ...base, value: { a: 'x\u0001' } } as SoapMessage));
    expect(e2.code).toBe('XML_SHAPE');
    expect(e2.detail).not.toContain('rows[');
  });
  const cases: [string, unknown, string][] = [
    ['invalid element name', { ...base, value: { 'a b': 'x' } }, 'XML_SHAPE'],
    ['name starting with a digit', { ...base, value: { '1a': 'x' } }, 'XML_SHAPE'],
    ['prefix in a name', { ...base, value: { 'p:a': 'x' } }, 'XML_SHAPE'],
    ['invalid method name', { ...base, name: '<m>' }, 'XML_SHAPE'],
    ['control character', { ...base, value: { a: 'x\u0001y' } }, 'XML_SHAPE'],
    ['form feed', { ...base, value: { a: '\f' } }, 'XML_SHAPE'],
    ['U+FFFF', { ...base, value: { a: '\uffff' } }, 'XML_SHAPE'],
    ['U+0000', { ...base, value: { a: '\u0000' } }, 'XML_SHAPE'],
    ['number', { ...base, value: { a: 1.5 } }, 'WRONG_TYPE'],
    ['boolean', { ...base, value: { a: true } }, 'WRONG_TYPE'],
    ['array in array', { ...base, value: { a: [['x']] } }, 'XML_SHAPE'],
    ['$dataset with another key', { ...base, value: { a: { $dataset: { name: 'D', tables: [] }, b: 'x' } } }, 'DATASET_SHAPE'],
    ['no version', { ns: 'x', name: 'm' }, 'MISSING_FIELD'],
    ['bad version', { ...base, version: '1.3' }, 'SOAP_VERSION'],
    ['no name', { version: '1.1', ns: 'x' }, 'MISSING_FIELD'],
    ['no ns', { version: '1.1', name: 'm' }, 'MISSING_FIELD'],
    ['fault and name', { ...base, fault: { code: 'Client', reason: 'x' } }, 'SOAP_ENVELOPE'],
    ['fault without reason', { version: '1.1', fault: { code: 'Client' } }, 'MISSING_FIELD'],
    ['value not an object', { ...base, value: 'x' }, 'WRONG_TYPE'],
    ['duplicate table', { ...base, value: { d: { $dataset: { name: 'D', tables: [{ name: 'T', columns: [] }, { name: 'T', columns: [] }] } } } }, 'DATASET_SHAPE'],
    ['duplicate column', { ...base, value: { d: { $dataset: { name: 'D', tables: [{ name: 'T', columns: [{ name: 'c' }, { name: 'c' }] }] } } } }, 'DATASET_SHAPE'],
    ['row key not a column', { ...base, value: { d: { $dataset: { name: 'D', tables: [{ name: 'T', columns: [{ name: 'c' }], rows: [{ x: '1' }] }] } } } }, 'DATASET_SHAPE'],
    ['numeric cell', { ...base, value: { d: { $dataset: { name: 'D', tables: [{ name: 'T', columns: [{ name: 'c' }], rows: [{ c: 0.1 }] }] } } } }, 'WRONG_TYPE'],
    ['bad column type', { ...base, value: { d: { $dataset: { name: 'D', tables: [{ name: 'T', columns: [{ name: 'c', type: 'xs:int' }] }] } } } }, 'DATASET_SHAPE'],
    ['bad table name', { ...base, value: { d: { $dataset: { name: 'D', tables: [{ name: 'T 1', columns: [] }] } } } }, 'XML_SHAPE'],
    ['table without a name', { ...base, value: { d: { $dataset: { name: 'D', tables: [{ columns: [] }] } } } }, 'MISSING_FIELD'],
  ];
  for (const [what, msg, code] of cases) {
    it(what, () => {
      expect(err(() => core.soap.encode(msg as SoapMessage)).code).toBe(code);
    });
  }

  it('a member given twice is DUPLICATE_KEY (the envelope never depends on which duplicate wins)', () => {
    for (const j of [
      '{"version":"1.1","version":"1.2","ns":"u","name":"m"}',
      '{"version":"1.1","ns":"u","name":"m","value":{"d":{"$dataset":{"name":"A","name":"B","tables":[]}}}}',
      '{"version":"1.1","fault":{"code":"Client","reason":"a","reason":"b"}}',
    ]) {
      const r = raw.call(OP.soapEncode, j);
      expect(r.rc).toBe(-108);
      expect(JSON.parse(dec.decode(r.bytes)).code).toBe('DUPLICATE_KEY');
    }
  });

  it('a lone surrogate is UTF8_INVALID; errors name the element path', () => {
    expect(err(() => core.soap.encode({ ...base, value: { a: '\ud800' } })).code).toBe('UTF8_INVALID');
    const e = err(() => core.soap.encode({ ...base, value: { outer: { inner: 'x\u0002' } } }));
    expect(e.detail).toContain('outer > ');
    expect(e.detail).toContain('U+0002');
  });
});

describe('op 34 soap_decode', () => {
  it('arbitrary prefixes and the default namespace', () => {
    const want = { version: '1.1', ns: 'http://tempuri.org/', name: 'm', value: { a: '1' } };
    for (const [open, close] of [
      ['<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>', '</s:Body></s:Envelope>'],
      ['<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Header/><SOAP-ENV:Body>', '</SOAP-ENV:Body></SOAP-ENV:Envelope>'],
      ['<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body>', '</Body></Envelope>'],
    ]) {
      expect(core.soap.decode(`${open}<m xmlns="http://tempuri.org/"><a>1</a></m>${close}`)).toEqual(want);
    }
    // a prefixed body element and prefixed children: local names, the prefix's namespace
    expect(core.soap.decode('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><t:m xmlns:t="http://tempuri.org/"><t:a>1</t:a></t:m></s:Body></s:Envelope>')).toEqual(want);
    // a body element in no namespace
    expect(core.soap.decode('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><m xmlns=""/></Body></Envelope>')).toEqual({ version: '1.1', ns: '', name: 'm', value: {} });
  });

  it('value mapping: nil, empty, text verbatim, entities, CDATA, comments, repeated names, attributes ignored', () => {
    const m = core.soap.decode(
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><r xmlns="urn:r">' +
        '<n i:nil="true"/><n1 i:nil="1"></n1><nf i:nil="false">x</nf><e/><e2></e2><w>  a b  </w><ent>&lt;&#x4E2D;&#25991;&amp;</ent><cd><![CDATA[<x>&]]>!</cd>' +
        '<c>a<!-- no -->b</c><arr>1</arr><other>o</other><arr>2</arr><obj t="1"><k>v</k></obj><ind>\n  <k>v</k>\n</ind></r></soap:Body></soap:Envelope>',
    );
    expect(m.value).toEqual({
      n: null, n1: null, nf: 'x', e: '', e2: '', w: '  a b  ', ent: '<中文&', cd: '<x>&!', c: 'ab', arr: ['1', '2'], other: 'o', obj: { k: 'v' }, ind: { k: 'v' },
    });
    expect(Object.keys(m.value!)).toEqual(['n', 'n1', 'nf', 'e', 'e2', 'w', 'ent', 'cd', 'c', 'arr', 'other', 'obj', 'ind']);
  });

  it('GBK by declaration; UTF-8 with a BOM', () => {
    const xml = '<?xml version="1.0" encoding="GBK"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m xmlns="urn:m"><xm>张三〇丂齄€</xm><名称>值</名称></m></soap:Body></soap:Envelope>';
    expect(core.soap.decode(iconv.encode(xml, 'gbk')).value).toEqual({ xm: '张三〇丂齄€', 名称: '值' });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(xml.replace('GBK', 'utf-8'))]);
    expect(core.soap.decode(bom).value).toEqual({ xm: '张三〇丂齄€', 名称: '值' });
  });

  it('the Header is parsed and ignored (but must be well-formed)', () => {
    const env = (h: string) => `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>${h}</s:Header><s:Body><m xmlns="urn:m"/></s:Body></s:Envelope>`;
    expect(core.soap.decode(env('<a:Security xmlns:a="urn:sec"><u>x</u></a:Security>')).name).toBe('m');
    expect(err(() => core.soap.decode(env('<bad>'))).code).toBe('XML_MISMATCHED_TAG');
  });

  it('structural errors carry a position', () => {
    // [document, code, the text at which the error points ('' = offset 0)]
    const S = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">';
    const cases: [string, string, string][] = [
      ['<a/>', 'SOAP_ENVELOPE', ''],
      ['<s:Envelope xmlns:s="urn:other"><s:Body/></s:Envelope>', 'SOAP_VERSION', ''],
      [S + '<s:Header/></s:Envelope>', 'SOAP_ENVELOPE', ''],
      [S + '<Body><m/></Body></s:Envelope>', 'SOAP_ENVELOPE', ''],
      [S + '<s:Body/></s:Envelope>', 'SOAP_ENVELOPE', '<s:Body/>'],
      [S + '<s:Body><a/><b/></s:Body></s:Envelope>', 'SOAP_ENVELOPE', '<b/>'],
      [S + '<s:Body><a>x<b/></a></s:Body></s:Envelope>', 'SOAP_ENVELOPE', '<a>x'],
      [S + '<s:Body>text</s:Body></s:Envelope>', 'SOAP_ENVELOPE', '<s:Body>'],
      [S + '<s:Body><a xmlns:p="u" xmlns:q="u"><p:x>1</p:x><q:x>2</q:x></a></s:Body></s:Envelope>', 'SOAP_ENVELOPE', '<q:x>'],
      [S + '<s:Body><p:m/></s:Body></s:Envelope>', 'SOAP_ENVELOPE', '<p:m/>'],
      [S + '<s:Body><m></s:Body></s:Envelope>', 'XML_MISMATCHED_TAG', '</s:Body>'],
      [S + '<s:Body><m>&bad;</m>', 'XML_BAD_ENTITY', '&bad;'],
      ['', 'EMPTY_INPUT', ''],
    ];
    for (const [xml, code, at] of cases) {
      const e = err(() => core.soap.decode(xml));
      const pos = at === '' ? 0 : xml.indexOf(at);
      expect([xml, e.code, e.pos]).toEqual([xml, code, pos]);
    }
  });
});

describe('DataSets (ops 35/36 and $dataset values)', () => {
  const ds: DataSetJson = {
    name: 'NewDataSet',
    tables: [{ name: 'Table', columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'decimal' }], rows: [{ a: '1', b: '0.10' }, { a: null, b: '2' }] }],
  };

  it('op 36 accepts the fragment, a wrapping element, an XML declaration and GBK', () => {
    const frag = core.dataset.encode(ds);
    expect(core.dataset.decode(frag)).toEqual(ds);
    expect(core.dataset.decode(`<GetDataResult xmlns="http://tempuri.org/">${frag}</GetDataResult>`)).toEqual(ds);
    expect(core.dataset.decode(`<?xml version="1.0" encoding="utf-8"?>\n${frag}`)).toEqual(ds);
    const gbk = core.dataset.encode({ name: 'NewDataSet', tables: [{ name: '表', columns: [{ name: '姓名', type: 'string' }], rows: [{ 姓名: '张三丂' }] }] });
    expect(core.dataset.decode(iconv.encode(`<?xml version="1.0" encoding="gb2312"?>${gbk}`, 'gbk'))).toEqual({
      name: 'NewDataSet', tables: [{ name: '表', columns: [{ name: '姓名', type: 'string' }], rows: [{ 姓名: '张三丂' }] }],
    });
  });

  it('op 36 errors map positions back to the caller\'s input', () => {
    const frag = core.dataset.encode(ds);
    let e = err(() => core.dataset.decode(frag.replace('<a>1</a>', '<a>1</b>')));
    expect(e.code).toBe('XML_MISMATCHED_TAG');
    expect(e.pos).toBe(frag.indexOf('<a>1</a>') + 4);
    e = err(() => core.dataset.decode('<?xml version="1.0"?><x>&zz;</x>'));
    expect([e.code, e.pos]).toEqual(['XML_BAD_ENTITY', 24]);
    e = err(() => core.dataset.decode('<a><b/></a><c/>'));
    expect([e.code, e.pos]).toEqual(['DATASET_SHAPE', 11]);
    expect(err(() => core.dataset.decode('<a><b/></a>')).code).toBe('DATASET_SHAPE');
    expect(err(() => core.dataset.decode('   ')).code).toBe('EMPTY_INPUT');
    // (a fragment is parsed inside a wrapper element, so an unclosed tag at the very end reads as a syntax error)
    e = err(() => core.dataset.decode('<a'));
    expect(['XML_SYNTAX', 'XML_UNTERMINATED']).toContain(e.code);
    expect(e.pos).toBeLessThanOrEqual(2);
  });

  it('a diffgram without a schema: tables and columns inferred from the rows', () => {
    const xml = DIFF_OPEN + '<Data xmlns=""><T diffgr:id="T1" msdata:rowOrder="0"><a>1</a></T><U diffgr:id="U1"><x>u</x></U><T diffgr:id="T2" msdata:rowOrder="1"><b>2</b><a>3</a></T></Data></diffgr:diffgram>';
    expect(core.dataset.decode(xml)).toEqual({
      name: 'Data',
      tables: [
        { name: 'T', columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }], rows: [{ a: '1', b: null }, { a: '3', b: '2' }] },
        { name: 'U', columns: [{ name: 'x', type: 'string' }], rows: [{ x: 'u' }] },
      ],
    });
  });

  it('a schema without a diffgram: tables with no rows', () => {
    const frag = core.dataset.encode({ name: 'D', tables: [{ name: 'T', columns: [{ name: 'c', type: 'int' }], rows: [] }] });
    const schemaOnly = frag.slice(0, frag.indexOf('<diffgr:diffgram'));
    expect(core.dataset.decode(schemaOnly)).toEqual({ name: 'D', tables: [{ name: 'T', columns: [{ name: 'c', type: 'int' }], rows: [] }] });
  });

  it('diffgr:errors is DATASET_ROW_ERROR with the row ids and messages', () => {
    const frag = core.dataset.encode(ds).replace(
      '</diffgr:diffgram>',
      '<diffgr:errors><Table diffgr:id="Table2" diffgr:Error="金额超限" /></diffgr:errors></diffgr:diffgram>',
    );
    const e = err(() => core.dataset.decode(frag));
    expect(e.code).toBe('DATASET_ROW_ERROR');
    expect(e.status).toBe(524);
    expect(e.detail).toBe('Table2: 金额超限');
    // an empty errors section is harmless
    expect(core.dataset.decode(core.dataset.encode(ds).replace('</diffgr:diffgram>', '<diffgr:errors /></diffgr:diffgram>'))).toEqual(ds);
  });

  it('unsupported or inconsistent shapes are DATASET_SHAPE', () => {
    const frag = core.dataset.encode(ds);
    const bad = [
      frag.replace('<a>1</a>', '<a>1</a><zz>9</zz>'), // cell not in the schema
      frag.replace('<a>1</a>', '<a>1</a><a>2</a>'), // repeated cell
      frag.replace('<Table diffgr:id="Table1"', '<Other diffgr:id="Other1"').replace('</Table><Table diffgr:id="Table2"', '</Other><Table diffgr:id="Table2"'), // row of an undeclared table
      frag.replace('<xs:element name="b" type="xs:decimal" minOccurs="0" />', '<xs:element name="b"><xs:complexType><xs:sequence /></xs:complexType></xs:element>'), // nested table
      frag.replace('</xs:sequence>', '</xs:sequence><xs:attribute name="k" type="xs:string" />'), // attribute column
      frag.replace('<a>1</a>', '<a><i>1</i></a>'), // cell with elements
      frag.replace('<xs:element name="Table">', '<xs:element ref="Nope" /><xs:element name="Table">'), // ref to nothing
      frag.replace('</NewDataSet></diffgr:diffgram>', '</NewDataSet><Second xmlns="" /></diffgr:diffgram>'), // two data elements
    ];
    for (const x of bad) expect(err(() => core.dataset.decode(x)).code, x).toBe('DATASET_SHAPE');
  });

  it('decimals stay verbatim and a large DataSet decodes (20,000 rows)', () => {
    const rows = Array.from({ length: 20000 }, (_, i) => ({ id: String(i), amt: `${i}.${String(i % 100).padStart(2, '0')}`, name: i % 7 ? `名${i}` : null }));
    const big: DataSetJson = { name: 'NewDataSet', tables: [{ name: 'Table', columns: [{ name: 'id', type: 'int' }, { name: 'amt', type: 'decimal' }, { name: 'name', type: 'string' }], rows }] };
    const m = core.soap.decode(core.soap.encode({ version: '1.1', ns: 'urn:x', name: 'r', value: { d: { $dataset: big } } }));
    expect((m.value!.d as { $dataset: DataSetJson }).$dataset).toEqual(big);
  });
});

// ---- properties --------------------------------------------------------------------------------

const nameArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,7}$/),
  fc.constantFrom('医院代码', '参合证号', 'QDInfoClass', 'HACCCODE', 'int', 'string', '名_1'),
);
const okChar = (c: string) => {
  const u = c.codePointAt(0)!;
  return !((u < 0x20 && u !== 9 && u !== 10 && u !== 13) || u === 0xfffe || u === 0xffff);
};
const textArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => [...s].every(okChar)),
  fc.array(fc.constantFrom(...'〇丂齄€<>&"\'\r\n\t 张三 0.10 ]]>'.split('')), { maxLength: 10 }).map((a) => a.join('')),
);
const uniq = <T>(arb: fc.Arbitrary<T[]>, key: (t: T) => string) => arb.filter((a) => new Set(a.map(key)).size === a.length);

const dataSetArb: fc.Arbitrary<DataSetJson> = fc
  .record({
    name: nameArb,
    tables: uniq(
      fc.array(
        fc.record({
          name: nameArb,
          columns: uniq(fc.array(fc.record({ name: nameArb, type: fc.constantFrom('string', 'decimal', 'int', 'dateTime', 'boolean') }), { maxLength: 4 }), (c) => c.name),
          nrows: fc.array(fc.array(fc.option(textArb, { nil: null }), { minLength: 4, maxLength: 4 }), { maxLength: 3 }),
        }),
        { maxLength: 3 },
      ),
      (t) => t.name,
    ),
  })
  .map(({ name, tables }) => ({
    name,
    tables: tables.map((t) => ({ name: t.name, columns: t.columns, rows: t.nrows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.name, r[i]]))) })),
  }));

const valueArb: fc.Arbitrary<SoapValue> = fc.letrec<{ v: SoapValue; obj: SoapValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, textArb, fc.constant(null), tie('obj'), dataSetArb.map((d) => ({ $dataset: d }))),
  obj: fc
    .uniqueArray(fc.tuple(nameArb, fc.oneof(tie('v'), fc.array(tie('v'), { minLength: 2, maxLength: 3 }))), { minLength: 1, maxLength: 4, selector: (e) => e[0] })
    .map((entries) => Object.fromEntries(entries) as SoapValue),
})).v;

const messageArb: fc.Arbitrary<SoapMessage> = fc.record({
  version: fc.constantFrom('1.1' as const, '1.2' as const),
  ns: fc.oneof(fc.constant('http://tempuri.org/'), textArb),
  name: nameArb,
  value: fc
    .uniqueArray(fc.tuple(nameArb, fc.oneof(valueArb, fc.array(valueArb, { minLength: 2, maxLength: 3 }))), { maxLength: 4, selector: (e) => e[0] })
    .map((e) => Object.fromEntries(e) as Record<string, SoapValue | SoapValue[]>),
});

describe('round trips (fast-check)', () => {
  it('decode(encode(m)) == m for messages with unicode, specials, nil, nesting, arrays and DataSets', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const bytes = core.soap.encode(m);
        expect(core.soap.decode(bytes)).toEqual(m);
      }),
      { numRuns: 400 },
    );
  });

  it('faults round-trip (prefixed codes kept as written)', () => {
    fc.assert(
      fc.property(fc.constantFrom('1.1' as const, '1.2' as const), nameArb, textArb, fc.option(textArb.filter((s) => s.trim() !== ''), { nil: undefined }), (version, code, reason, detail) => {
        const fault = detail === undefined ? { code: `p:${code}`, reason } : { code: `p:${code}`, reason, detail };
        const got = core.soap.decode(core.soap.encode({ version, ns: '', fault }));
        expect(got.fault).toEqual(fault);
      }),
      { numRuns: 200 },
    );
  });

  it('dataset.decode(dataset.encode(d)) == d', () => {
    fc.assert(
      fc.property(dataSetArb, (d) => {
        expect(core.dataset.decode(core.dataset.encode(d))).toEqual(d);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fuzz: garbage never traps', () => {
  function callOk(op: number, input: Uint8Array | string): void {
    const r = raw.call(op, input); // a trap would throw here (WebAssembly.RuntimeError)
    if (r.rc < 0) expect(typeof JSON.parse(dec.decode(r.bytes)).code).toBe('string');
    else if (op === OP.soapDecode || op === OP.datasetDecode) JSON.parse(dec.decode(r.bytes));
    else expect(XMLValidator.validate(`<r>${dec.decode(r.bytes).replace(/^<\?xml[^>]*>/, '')}</r>`)).toBe(true);
  }

  it('2,000 random and mutated envelopes (ops 34 and 36)', () => {
    const seeds = [
      enc.encode(ASMX_DATASET_RESPONSE),
      enc.encode(ASMX_FAULT_11_SERVER),
      enc.encode(ASMX_FAULT_12),
      core.soap.encode({ version: '1.2', ns: 'urn:x', name: 'm', value: { a: ['1', '2'], n: null, d: { $dataset: { name: 'D', tables: [{ name: 'T', columns: [{ name: 'c' }], rows: [{ c: 'x' }, { c: null }] }] } } } }),
      iconv.encode('<?xml version="1.0" encoding="GBK"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m xmlns="u"><x>张三</x></m></soap:Body></soap:Envelope>', 'gbk'),
    ];
    const tokens = ['<', '>', '&', '"', "'", '/', ':', '<![CDATA[', ']]>', '<!--', 'xmlns:', 'diffgr:', 'xs:', '&#0;', '&#x110000;', '\u0000', '\xff', '\x81'];
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.nat(tokens.length - 1), fc.nat(3)), { minLength: 1, maxLength: 6 }),
        (si, muts) => {
          let b = Array.from(seeds[si]);
          for (const [pos, byte, tok, kind] of muts) {
            const at = pos % (b.length + 1);
            if (kind === 0) b[at] = byte;
            else if (kind === 1) b.splice(at, 0, ...enc.encode(tokens[tok]));
            else if (kind === 2) b = b.slice(0, at);
            else b.splice(at, 1 + (byte % 40));
          }
          const input = new Uint8Array(b);
          callOk(OP.soapDecode, input);
          callOk(OP.datasetDecode, input);
        },
      ),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        callOk(OP.soapDecode, b);
        callOk(OP.datasetDecode, b);
      }),
      { numRuns: 500 },
    );
  });

  it('random JSON into ops 33 and 35', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom('1.1', '1.2', 1, null), (v, version) => {
        callOk(OP.soapEncode, JSON.stringify(v));
        callOk(OP.soapEncode, JSON.stringify({ version, ns: 'u', name: 'm', value: v }));
        callOk(OP.soapEncode, JSON.stringify({ version: '1.1', ns: 'u', name: 'm', value: { d: { $dataset: v } } }));
        callOk(OP.datasetEncode, JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
  });

  it('the instance stays usable after all of that', () => {
    const r = raw.json(OP.soapDecode, ASMX_FAULT_12);
    expect(r.fault.code).toBe('soap:Receiver');
  });
});
