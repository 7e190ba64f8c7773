// SOAP client and server over real loopback HTTP (node:http); the core encodes and decodes every envelope.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { createCore } from './core.js';
import { YibaoError } from './errors.js';
import type { DataSetJson, SoapValue } from './contract.js';
import { createSoapClient, startSoapServer, SoapFaultError, soapFaultOf, normalizeIp, type SoapParams, type SoapServer } from './transport-soap.js';

const core = createCore();
const NS = 'http://tempuri.org/';

const ds: DataSetJson = {
  name: 'NewDataSet',
  tables: [
    {
      name: 'Table',
      columns: [{ name: 'ybbh', type: 'string' }, { name: 'xm', type: 'string' }, { name: 'bcje', type: 'decimal' }],
      rows: [
        { ybbh: '4502010010020003', xm: '张三〇', bcje: '125.50' },
        { ybbh: '4502010010020004', xm: '李四 <&>', bcje: null },
      ],
    },
    { name: 'Detail', columns: [{ name: 'xmbm', type: 'string' }, { name: 'je', type: 'decimal' }], rows: [{ xmbm: '丂齄€', je: '0.10' }] },
  ],
};

async function rejects(p: Promise<unknown>): Promise<YibaoError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(YibaoError);
    return e as YibaoError;
  }
  throw new Error('expected a rejection');
}

interface Seen { params: SoapParams; ctx: { remoteAddress: string; version: string; action?: string } }

describe('SOAP client ↔ server over loopback', () => {
  let srv: SoapServer;
  const seen: Seen[] = [];
  let release: () => void = () => {};

  beforeAll(async () => {
    srv = await startSoapServer(core, {
      ns: NS,
      path: '/Service.asmx',
      handlers: {
        echo: (params, ctx) => {
          seen.push({ params, ctx });
          return params as SoapValue;
        },
        getData: () => ({ $dataset: ds }),
        nothing: () => undefined,
        nil: () => null,
        refuse: () => {
          throw new SoapFaultError('Client', '参合证号不存在 / no such member', 'zhh=4502010010020003');
        },
        fail: () => {
          throw new SoapFaultError('Server', 'database down');
        },
        crash: () => {
          throw new TypeError('secret internal state');
        },
        badResult: () => ({ n: 1 as unknown as string }),
        slow: () => new Promise<SoapValue>((resolve) => { release = () => resolve('late'); }),
      },
    });
  });
  afterAll(async () => {
    release();
    await srv.close();
  });

  for (const version of ['1.1', '1.2'] as const) {
    it(`SOAP ${version}: strings, nil, nested, arrays and DataSets both ways`, async () => {
      const client = createSoapClient(core, { url: srv.url, version, ns: NS });
      const params: SoapParams = {
        hospital: '450201001',
        empty: '',
        nothing: null,
        text: ' a <b> & "c" \'d\'\r\n',
        qdinfo: { QDInfoClass: [{ XMID: '1', JE: '12.30' }, { XMID: '2', JE: '0.10' }] },
        qdid: { int: ['1', '2', '3'] },
        data: { $dataset: ds },
      };
      const r = await client.call('echo', params);
      expect(r.status).toBe(200);
      expect(r.result).toEqual(params);
      expect(r.value).toEqual({ echoResult: params });
      const last = seen[seen.length - 1];
      expect(last.params).toEqual(params);
      expect(last.ctx.version).toBe(version);
      expect(last.ctx.remoteAddress).toBe('127.0.0.1');
      expect(last.ctx.action).toBe('http://tempuri.org/echo');
      // the raw reply is an envelope of the request's version
      const text = new TextDecoder().decode(r.raw);
      expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
      expect(text).toContain(version === '1.1' ? 'http://schemas.xmlsoap.org/soap/envelope/' : 'http://www.w3.org/2003/05/soap-envelope');

      const d = await client.call('getData', {});
      expect(d.result).toEqual({ $dataset: ds });
    });
  }

  it('a custom SOAPAction and extra headers reach the server', async () => {
    const client = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS, action: (m) => `urn:x#${m}`, headers: { 'X-Trace': 't1' } });
    await client.call('echo', { a: 'x' });
    expect(seen[seen.length - 1].ctx.action).toBe('urn:x#echo');
    const c12 = createSoapClient(core, { url: srv.url, version: '1.2', ns: 'http://tempuri.org', action: (m) => `urn:y/${m}` });
    // ns without the trailing slash is a different namespace: refused as a Client fault
    const e = await rejects(c12.call('echo', { a: 'x' }));
    expect(e.code).toBe('SOAP_FAULT');
    expect(soapFaultOf(e)?.reason).toContain('wrong namespace');
  });

  it('no result element → undefined; xsi:nil result → null', async () => {
    const client = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS });
    const a = await client.call('nothing', {});
    expect(a.result).toBeUndefined();
    expect(a.value).toEqual({});
    const b = await client.call('nil', {});
    expect(b.result).toBeNull();
  });

  it('handler faults become SOAP_FAULT with code, reason and detail (1.1 Client/Server, 1.2 Sender/Receiver)', async () => {
    const c11 = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS });
    let e = await rejects(c11.call('refuse', {}));
    expect(e.code).toBe('SOAP_FAULT');
    expect(e.status).toBe(1070);
    expect(soapFaultOf(e)).toEqual({ code: 'soap:Client', reason: '参合证号不存在 / no such member', detail: 'zhh=4502010010020003' });
    expect(e.detail).toContain('soap:Client: 参合证号不存在');
    expect(e.detail).toContain('HTTP 500');
    e = await rejects(c11.call('fail', {}));
    expect(soapFaultOf(e)).toEqual({ code: 'soap:Server', reason: 'database down' });

    const c12 = createSoapClient(core, { url: srv.url, version: '1.2', ns: NS });
    e = await rejects(c12.call('refuse', {}));
    expect(soapFaultOf(e)?.code).toBe('soap12:Sender');
    e = await rejects(c12.call('fail', {}));
    expect(soapFaultOf(e)?.code).toBe('soap12:Receiver');
  });

  it('any other throw is a Server fault with the message only (no stack)', async () => {
    const client = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS });
    const e = await rejects(client.call('crash', {}));
    const f = soapFaultOf(e)!;
    expect(f.code).toBe('soap:Server');
    expect(f.reason).toBe('secret internal state');
    expect(f.detail).toBeUndefined();
    expect(JSON.stringify(f)).not.toContain('transport-soap');
  });

  it('a result the core cannot encode is a Server fault', async () => {
    const client = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS });
    const f = soapFaultOf(await rejects(client.call('badResult', {})))!;
    expect(f.code).toBe('soap:Server');
    expect(f.reason).toContain('the result cannot be encoded');
    expect(f.reason).toContain('WRONG_TYPE');
  });

  it('an unknown method is a Client fault', async () => {
    const client = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS });
    const f = soapFaultOf(await rejects(client.call('nope', {})))!;
    expect(f.code).toBe('soap:Client');
    expect(f.reason).toContain('nope');
  });

  it('params the core cannot encode fail before anything is sent', async () => {
    const client = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS });
    const before = seen.length;
    const e = await rejects(client.call('echo', { 'bad name': 'x' }));
    expect(e.code).toBe('XML_SHAPE');
    expect(seen.length).toBe(before);
  });

  it('malformed and wrong request bodies are Client faults carrying the core error', async () => {
    for (const [body, code] of [
      ['<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><echo>', 'XML_UNTERMINATED'],
      ['{"hospital":"450201001"}', 'XML_SYNTAX'],
      ['<Root><Body/></Root>', 'SOAP_ENVELOPE'],
      ['<Envelope><Body/></Envelope>', 'SOAP_VERSION'],
      ['<e:Envelope xmlns:e="urn:other"><e:Body><x/></e:Body></e:Envelope>', 'SOAP_VERSION'],
    ] as const) {
      const r = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://tempuri.org/echo"' }, body });
      expect(r.status).toBe(500);
      expect(r.headers.get('content-type')).toBe('text/xml; charset=utf-8');
      const m = core.soap.decode(new Uint8Array(await r.arrayBuffer()));
      expect(m.version).toBe('1.1');
      expect(m.fault?.code).toBe('soap:Client');
      expect(m.fault?.reason).toContain(`[${code}]`);
    }
    // a 1.2 Content-Type gets a 1.2 fault even when the body is garbage
    const r = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' }, body: 'garbage' });
    expect(r.status).toBe(500);
    expect(r.headers.get('content-type')).toBe('application/soap+xml; charset=utf-8');
    expect(core.soap.decode(new Uint8Array(await r.arrayBuffer())).fault?.code).toBe('soap12:Sender');
  });

  it('GET ?wsdl describes the handlers; other GETs 405, other paths 404', async () => {
    const w = await fetch(srv.url + '?WSDL');
    expect(w.status).toBe(200);
    const text = await w.text();
    expect(core.codec.xml.parse(new TextEncoder().encode(text))).toHaveProperty('wsdl:definitions');
    for (const n of ['echo', 'getData', 'refuse']) expect(text).toContain(`<wsdl:operation name="${n}">`);
    expect(text).toContain('soapAction="http://tempuri.org/echo"');
    expect((await fetch(srv.url)).status).toBe(405);
    expect((await fetch(srv.url.replace('/Service.asmx', '/Other.asmx'), { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it('a hand-written .NET-style request (raw bytes, indented, DataSet with hasChanges) is served', async () => {
    const body = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Body>
    <echo xmlns="http://tempuri.org/">
      <yydm>450201001</yydm>
      <mxjl>
        <xs:schema id="NewDataSet" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:msdata="urn:schemas-microsoft-com:xml-msdata">
          <xs:element name="NewDataSet" msdata:IsDataSet="true" msdata:UseCurrentLocale="true">
            <xs:complexType>
              <xs:choice minOccurs="0" maxOccurs="unbounded">
                <xs:element name="mx">
                  <xs:complexType>
                    <xs:sequence>
                      <xs:element name="xmbm" type="xs:string" minOccurs="0" />
                      <xs:element name="je" type="xs:decimal" minOccurs="0" />
                    </xs:sequence>
                  </xs:complexType>
                </xs:element>
              </xs:choice>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        <diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata" xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1">
          <NewDataSet xmlns="">
            <mx diffgr:id="mx1" msdata:rowOrder="0" diffgr:hasChanges="inserted">
              <xmbm>Y0001</xmbm>
              <je>12.50</je>
            </mx>
          </NewDataSet>
        </diffgr:diffgram>
      </mxjl>
    </echo>
  </soap:Body>
</soap:Envelope>`;
    const r = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://tempuri.org/echo"' }, body });
    expect(r.status).toBe(200);
    const reply = core.soap.decode(new Uint8Array(await r.arrayBuffer()));
    expect(reply.name).toBe('echoResponse');
    const got = seen[seen.length - 1].params;
    expect(got.yydm).toBe('450201001');
    expect(got.mxjl).toEqual({
      $dataset: { name: 'NewDataSet', tables: [{ name: 'mx', columns: [{ name: 'xmbm', type: 'string' }, { name: 'je', type: 'decimal' }], rows: [{ xmbm: 'Y0001', je: '12.50' }] }] },
    });
    expect(seen[seen.length - 1].ctx.action).toBe('http://tempuri.org/echo');
  });

  it('a GBK (gb2312-declared) request is decoded', async () => {
    const text = '<?xml version="1.0" encoding="gb2312"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><echo xmlns="http://tempuri.org/"><xm>张三丂</xm></echo></soap:Body></soap:Envelope>';
    const r = await fetch(srv.url, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=gb2312' }, body: iconv.encode(text, 'gbk') });
    expect(r.status).toBe(200);
    expect(seen[seen.length - 1].params).toEqual({ xm: '张三丂' });
  });

  it('a timeout is TRANSPORT_TIMEOUT (outcome unknown)', async () => {
    const client = createSoapClient(core, { url: srv.url, version: '1.1', ns: NS, timeoutMs: 150 });
    const e = await rejects(client.call('slow', {}));
    expect(e.code).toBe('TRANSPORT_TIMEOUT');
    release();
  });
});

describe('SOAP server limits', () => {
  it('allowIps: 127.0.0.1 is refused by a list without it (Client fault), accepted by one with it', async () => {
    const handlers = { ping: () => 'pong' };
    const denied = await startSoapServer(core, { ns: NS, allowIps: ['10.1.2.3'], handlers });
    const allowed = await startSoapServer(core, { ns: NS, allowIps: ['10.1.2.3', '::ffff:127.0.0.1'], handlers });
    try {
      for (const version of ['1.1', '1.2'] as const) {
        const e = await rejects(createSoapClient(core, { url: denied.url, version, ns: NS }).call('ping', {}));
        expect(e.code).toBe('SOAP_FAULT');
        const f = soapFaultOf(e)!;
        expect(f.code).toBe(version === '1.1' ? 'soap:Client' : 'soap12:Sender');
        expect(f.reason).toContain('127.0.0.1 is not allowed');
      }
      const r = await createSoapClient(core, { url: allowed.url, version: '1.1', ns: NS }).call('ping', {});
      expect(r.result).toBe('pong');
    } finally {
      await denied.close();
      await allowed.close();
    }
    expect(normalizeIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeIp('::1')).toBe('::1');
  });

  it('a body above maxBody is 413', async () => {
    const srv = await startSoapServer(core, { ns: NS, maxBody: 1000, handlers: { ping: () => 'pong' } });
    try {
      const e = await rejects(createSoapClient(core, { url: srv.url, version: '1.1', ns: NS }).call('ping', { big: 'x'.repeat(5000) }));
      expect(e.code).toBe('TRANSPORT_HTTP');
      expect(e.detail).toContain('413');
      const ok = await createSoapClient(core, { url: srv.url, version: '1.1', ns: NS }).call('ping', { small: 'x' });
      expect(ok.result).toBe('pong');
    } finally {
      await srv.close();
    }
  });
});

describe('SOAP client errors', () => {
  async function plain(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
    const s = http.createServer(handler);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    return { url: `http://127.0.0.1:${port}/svc`, close: () => new Promise((r) => { s.close(() => r()); s.closeAllConnections(); }) };
  }

  it('server down → TRANSPORT_NETWORK', async () => {
    const s = await plain((_q, res) => res.end());
    const url = s.url;
    await s.close();
    const e = await rejects(createSoapClient(core, { url, version: '1.1', ns: NS }).call('ping', {}));
    expect(e.code).toBe('TRANSPORT_NETWORK');
  });

  it('HTTP error without a fault → TRANSPORT_HTTP; 2xx non-SOAP → BAD_REPLY; 500 with a fault → SOAP_FAULT', async () => {
    let status = 503;
    let body = 'Service Unavailable';
    const s = await plain((req, res) => {
      req.resume();
      res.writeHead(status, { 'Content-Type': 'text/html' }).end(body);
    });
    try {
      const client = createSoapClient(core, { url: s.url, version: '1.1', ns: NS });
      let e = await rejects(client.call('ping', {}));
      expect(e.code).toBe('TRANSPORT_HTTP');
      expect(e.detail).toContain('503');
      status = 200;
      body = '<html><body>IIS welcome</body></html>';
      e = await rejects(client.call('ping', {}));
      expect(e.code).toBe('BAD_REPLY');
      expect(e.detail).toContain('not a SOAP envelope');
      body = '';
      e = await rejects(client.call('ping', {}));
      expect(e.code).toBe('BAD_REPLY');
      status = 500;
      body = new TextDecoder().decode(core.soap.encode({ version: '1.1', ns: '', fault: { code: 'Server', reason: 'boom' } }));
      e = await rejects(client.call('ping', {}));
      expect(e.code).toBe('SOAP_FAULT');
      expect(soapFaultOf(e)).toEqual({ code: 'soap:Server', reason: 'boom' });
    } finally {
      await s.close();
    }
  });

  it('a connection reset mid-answer → TRANSPORT_NETWORK', async () => {
    const s = await plain((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': '1000' });
      res.write('<?xml version="1.0"?><soap:Envelope');
      setImmediate(() => res.socket?.destroy());
    });
    try {
      const e = await rejects(createSoapClient(core, { url: s.url, version: '1.1', ns: NS }).call('ping', {}));
      expect(e.code).toBe('TRANSPORT_NETWORK');
    } finally {
      await s.close();
    }
  });

  it('bad options are TRANSPORT_CONFIG (nothing sent)', () => {
    expect(() => createSoapClient(core, { url: 'not a url', version: '1.1', ns: NS })).toThrow(YibaoError);
    for (const o of [{ url: 'ftp://x/', version: '1.1' }, { url: 'http://x/', version: '2.0' }, { url: 'http://x/', version: '1.1', timeoutMs: 0 }]) {
      try {
        createSoapClient(core, { ns: NS, ...o } as never);
        throw new Error('expected TRANSPORT_CONFIG');
      } catch (e) {
        expect((e as YibaoError).code).toBe('TRANSPORT_CONFIG');
      }
    }
  });
});
