// The shared sandbox front (soap-sandbox-front.ts) on its own: routing, faults before and after forwarding,
// recording, and a close() that frees the port at once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { soapMethodOf, startSoapSandboxFront, type FrontDecision } from './soap-sandbox-front.js';

let backend: http.Server;
let backendUrl = '';
let hits = 0;

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'x-back': '1' }).end(`echo ${req.url} ${Buffer.concat(parts).toString('utf8')}`);
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => { backend.closeAllConnections(); backend.close(() => r()); }));

async function post(url: string, body: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string } | { error: string }> {
  try {
    const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'text/xml', soapaction: '"http://tempuri.org/Act"' } });
    return { status: r.status, headers: Object.fromEntries(r.headers) as http.IncomingHttpHeaders, text: await r.text() };
  } catch (e) {
    return { error: String((e as Error).cause ?? e) };
  }
}

const env = (m: string) => `<soap:Envelope xmlns:soap="x"><soap:Body><${m} xmlns="t"/></soap:Body></soap:Envelope>`;

describe('soap sandbox front', () => {
  it('soapMethodOf: the body element, else the SOAPAction', () => {
    expect(soapMethodOf(Buffer.from(env('CheckUser')), '"http://tempuri.org/Other"')).toBe('CheckUser');
    expect(soapMethodOf(Buffer.from('garbage'), '"http://tempuri.org/Other"')).toBe('Other');
    expect(soapMethodOf(Buffer.from('garbage'))).toBe('');
  });

  it('routes by path (404 otherwise), relays the answer, records requests, applies every fault', async () => {
    let next: FrontDecision | undefined;
    const seen: string[] = [];
    const logs: string[] = [];
    const front = await startSoapSandboxFront({
      route: { '/A.asmx': backendUrl },
      local: (req, res) => (req.url === '/local' ? (res.writeHead(204).end(), true) : false),
      decide: ({ method, path }) => {
        seen.push(`${path} ${method}`);
        return next;
      },
      record: 2,
      log: (l) => logs.push(l),
    });
    try {
      const u = `${front.url}/A.asmx?q=1`;
      const ok = await post(u, env('M1'));
      expect(ok).toMatchObject({ status: 200, text: `echo /A.asmx?q=1 ${env('M1')}` });
      expect('headers' in ok && ok.headers['x-back']).toBe('1');
      expect(await post(`${front.url}/B.asmx`, 'x')).toMatchObject({ status: 404, text: 'no service at /B.asmx (/A.asmx)' });
      expect((await fetch(`${front.url}/local`)).status).toBe(204);
      expect(seen).toEqual(['/A.asmx M1']);

      const before = hits;
      next = { reject: { status: 503, body: 'down', note: 'rejected' } };
      expect(await post(u, env('M2'))).toMatchObject({ status: 503, text: 'down' });
      next = { reject: 'close' };
      expect(await post(u, env('M3'))).toHaveProperty('error');
      expect(hits).toBe(before); // the backend never saw them

      next = { reply: { kind: 'drop', note: 'dropped' } };
      expect(await post(u, env('M4'))).toHaveProperty('error');
      expect(hits).toBe(before + 1); // …it saw this one
      next = { reply: { kind: 'malformed' } };
      const full = `echo /A.asmx?q=1 ${env('M5')}`;
      expect(await post(u, env('M5'))).toMatchObject({ status: 200, text: full.slice(0, Math.floor(full.length / 2)) });
      next = { reply: () => ({ kind: 'rewrite', rewrite: (b) => b.toUpperCase() }) };
      expect(await post(u, env('M6'))).toMatchObject({ status: 200, text: `echo /A.asmx?q=1 ${env('M6')}`.toUpperCase() });
      next = { reply: { kind: 'status', status: 500, body: 'Internal Server Error' } };
      expect(await post(u, env('M7'))).toMatchObject({ status: 500, text: 'Internal Server Error' });
      next = { delayMs: 120 };
      const t0 = Date.now();
      expect(await post(u, env('M8'))).toMatchObject({ status: 200 });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(100);

      expect(logs).toEqual(['rejected', 'dropped']);
      expect(front.requests.map((r) => r.body.toString('utf8'))).toEqual([env('M7'), env('M8')]);
      expect(front.requests[0]!.contentType).toBe('text/xml');
    } finally {
      await front.close();
    }
  });

  it('close() ends open connections too: the same port can be listened on again at once', async () => {
    const a = await startSoapSandboxFront({ route: () => backendUrl });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((r) => http.get(`${a.url}/x`, { agent }, (res) => { res.resume(); res.on('end', () => r()); }));
    await a.close();
    const b = await startSoapSandboxFront({ route: () => backendUrl, port: a.port });
    try {
      expect(b.port).toBe(a.port);
      expect(await post(`${b.url}/y`, 'z')).toMatchObject({ status: 200, text: 'echo /y z' });
    } finally {
      agent.destroy();
      await b.close();
    }
  });
});
