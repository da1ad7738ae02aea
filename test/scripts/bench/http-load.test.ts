// The bench's load generator (scripts/bench/http-load.ts): response framing,
// and closed and open loops against a real node:http server.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedLoop, openLoop, percentile, responseLength, serializeRequest, statusOf } from '../../../scripts/bench/http-load.js';

const head = (extra: string) => `HTTP/1.1 200 OK\r\n${extra}\r\n`;

describe('bench http-load: responseLength', () => {
  it('frames by content-length, and says 0 until the whole body is there', () => {
    const full = Buffer.from(head('Content-Length: 5\r\n') + 'hello');
    assert.equal(responseLength(full), full.length);
    assert.equal(responseLength(full.subarray(0, full.length - 1)), 0);
    assert.equal(responseLength(full.subarray(0, 10)), 0);
    assert.equal(statusOf(full), 200);
  });

  it('frames chunked bodies, across chunk boundaries', () => {
    const full = Buffer.from(head('transfer-encoding: chunked\r\n') + '3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n');
    assert.equal(responseLength(full), full.length);
    for (let cut = 1; cut < full.length; cut++) assert.equal(responseLength(full.subarray(0, cut)), 0, `cut at ${cut}`);
  });

  it('finds the first of two responses in one buffer', () => {
    const one = head('content-length: 2\r\n') + 'ok';
    assert.equal(responseLength(Buffer.from(one + one)), one.length);
  });

  it('takes a 204 without framing as bodiless, and refuses what is not HTTP/1.1 or cannot be framed', () => {
    assert.equal(responseLength(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n')), 27);
    assert.throws(() => responseLength(Buffer.from('SSH-2.0-x\r\n\r\n')), /not an HTTP\/1\.1 response/);
    assert.throws(() => responseLength(Buffer.from(head('x-a: b\r\n'))), /without content-length or chunked/);
  });

  it("takes node:http's 408 notice to an idle connection (connection: close, no framing) as ending at its head", () => {
    const notice = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';
    assert.equal(responseLength(Buffer.from(notice)), notice.length);
    assert.equal(statusOf(Buffer.from(notice)), 408);
  });
});

describe('bench http-load: loops against node:http', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];

  before(async () => {
    // Answers 200 with the body it got (chunked for odd ids, content-length
    // for even), 409 for body "reject".
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['authorization']} ${body}`);
        if (body === '"reject"') return void res.writeHead(409).end();
        const id = Number(/\d+$/.exec(req.url ?? '')?.[0]);
        if (id % 2 === 1) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write(body.slice(0, 2));
          res.end(body.slice(2));
        } else res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (seen.length = 0));

  const requests = (n: number, reject: Set<number> = new Set()) =>
    Array.from({ length: n }, (_, i) => serializeRequest('POST', `/r/${i}`, { authorization: 'Bearer t' }, JSON.stringify(reject.has(i) ? 'reject' : { i, pad: 'x'.repeat(i * 37) })));

  it('closed loop: every request reaches the server once and every answer is counted', async () => {
    const r = await closedLoop({ port, requests: requests(300, new Set([7, 150])), okStatus: 200, connections: 8 });
    assert.equal(r.ok, 298);
    assert.deepEqual([...r.otherStatuses], [[409, 2]]);
    assert.equal(seen.length, 300);
    assert.equal(new Set(seen).size, 300);
    assert.ok(seen.every((s) => s.startsWith('POST /r/') && s.includes(' Bearer t ')));
    assert.ok(r.latencies.every((l) => l > 0));
  });

  it('open loop: sends at the rate asked, each request once, latency from its due time', async () => {
    const r = await openLoop({ port, requests: requests(200), okStatus: 200, connections: 4, rate: 1000 });
    assert.equal(r.ok, 200);
    assert.equal(seen.length, 200);
    // 200 requests at 1000/s cannot all be done before the last one is due (199 ms).
    assert.ok(r.seconds >= 0.199, `finished in ${r.seconds} s`);
    assert.ok(r.latencies.every((l, i) => l >= 0 && l >= r.sendLag[i]!));
    assert.ok(percentile(r.latencies, 50) <= percentile(r.latencies, 99));
  });

  it('open loop: connections the server closes while idle (keep-alive timeout) are opened again, nothing is lost', async () => {
    // 1.2 s between requests; node:http closes an idle connection 30 ms + its 1 s buffer after the last answer.
    const brief = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    brief.keepAliveTimeout = 30;
    await new Promise<void>((resolve) => brief.listen(0, '127.0.0.1', resolve));
    try {
      const r = await openLoop({ port: (brief.address() as AddressInfo).port, requests: requests(3), okStatus: 200, connections: 2, rate: 1000 / 1200 });
      assert.equal(r.ok, 3);
      assert.equal(r.otherStatuses.size, 0);
    } finally {
      brief.close();
    }
  });

  it('a server that closes a connection mid-request fails the run instead of hanging', async () => {
    const rude = createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    try {
      await assert.rejects(closedLoop({ port: (rude.address() as AddressInfo).port, requests: requests(5), okStatus: 200, connections: 2 }), /connection closed with request \d+ in flight|ECONNRESET/);
    } finally {
      rude.close();
    }
  });
});
