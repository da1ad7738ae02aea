// The load generator of `npm run bench:auth`: HTTP/1.1 keep-alive over raw
// sockets, every request serialized before the measured run, one request in
// flight per connection, latencies written into a preallocated array.
//
// Why not node:http's client: at the rates measured here it cost about a
// third of a core and its own garbage collection stalled the sends and the
// reads by up to 30 ms, on the same two cores as the servers it measures —
// the generator's tail was being reported as the server's. This one does
// almost nothing per request, so what it measures is the server.
import { connect, type Socket } from 'node:net';

/** One request as bytes on the wire. */
export function serializeRequest(method: string, path: string, headers: Record<string, string>, body?: string): Buffer {
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  let head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (payload) head += `content-type: application/json\r\ncontent-length: ${payload.length}\r\n`;
  head += '\r\n';
  return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1');
}

/**
 * Length of the first complete HTTP response in `buf` (status line, headers
 * and a body framed by content-length or chunked encoding), or 0 while it is
 * incomplete. Throws on what is not an HTTP/1.1 response.
 */
export function responseLength(buf: Buffer): number {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return 0;
  const head = buf.toString('latin1', 0, headEnd).toLowerCase();
  if (!head.startsWith('http/1.1 ')) throw new Error(`not an HTTP/1.1 response: ${JSON.stringify(head.slice(0, 40))}`);
  const bodyStart = headEnd + 4;
  const cl = /\r\ncontent-length: *(\d+)/.exec(head);
  if (cl) {
    const end = bodyStart + Number(cl[1]);
    return buf.length >= end ? end : 0;
  }
  if (!/\r\ntransfer-encoding: *chunked/.test(head)) {
    // 204/304 and 1xx have no body. A response that closes the connection
    // (node:http's "408 Request Timeout" notice to an idle keep-alive
    // connection) is taken as ending at its head: the close follows. Anything
    // else without framing would end at close, which keep-alive load cannot use.
    if (/^http\/1\.1 (1\d\d|204|304)/.test(head) || /\r\nconnection: *close/.test(head)) return bodyStart;
    throw new Error(`response without content-length or chunked encoding: ${JSON.stringify(head.slice(0, 200))}`);
  }
  let at = bodyStart;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return 0;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size');
    if (size === 0) {
      // Last chunk: no trailers are expected, only the closing CRLF.
      return buf.length >= lineEnd + 4 ? lineEnd + 4 : 0;
    }
    at = lineEnd + 2 + size + 2;
    if (at > buf.length) return 0;
  }
}

/** The status code of a complete response (bytes 9–11 of the status line). */
export const statusOf = (buf: Buffer): number => (buf[9]! - 48) * 100 + (buf[10]! - 48) * 10 + (buf[11]! - 48);

export interface LoadResult {
  /** Per request, in milliseconds: from the scheduled time (open loop) or the send (closed loop) to the last byte. */
  latencies: Float64Array;
  /** Per request, in milliseconds: how late the generator put it on the wire (open loop; 0 in the closed loop). */
  sendLag: Float64Array;
  ok: number;
  /** Wall-clock start of the run (ms since the epoch), for laying the latencies beside other logs. */
  startedAt: number;
  seconds: number;
  /** Every status other than `okStatus`, with a count. */
  otherStatuses: Map<number, number>;
}

/**
 * One keep-alive connection. The server may close it while it is idle (its
 * keep-alive timeout, or a 408 notice first): the next request then goes on a
 * new socket to the same port — net.Socket queues the write until it is
 * connected — instead of being written into a closed one and never answered.
 * A close with a request in flight fails the run.
 */
class Connection {
  private pending: Buffer | undefined;
  socket!: Socket;
  index = -1;
  /** Sockets opened again after the server closed an idle one. */
  reopened = 0;
  private open = false;

  constructor(
    private readonly port: number,
    private readonly onResponse: (conn: Connection, status: number) => void,
    private readonly onFailure: (err: Error) => void,
  ) {}

  /** Opens the socket; resolves when it is connected. */
  connect(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.attach();
      this.socket.once('connect', () => {
        this.socket.off('error', reject);
        resolve(this);
      });
      this.socket.once('error', reject);
    });
  }

  write(request: Buffer): void {
    if (!this.open) {
      this.reopened++;
      this.attach();
    }
    this.socket.write(request);
  }

  private attach(): void {
    const socket = connect({ host: '127.0.0.1', port: this.port });
    this.socket = socket;
    this.open = true;
    this.pending = undefined;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.receive(chunk);
      } catch (err) {
        this.onFailure(err as Error);
      }
    });
    socket.on('error', (err) => {
      if (this.index >= 0) this.onFailure(err);
    });
    socket.on('close', () => {
      if (socket !== this.socket) return;
      this.open = false;
      if (this.index >= 0) this.onFailure(new Error(`connection closed with request ${this.index} in flight`));
    });
  }

  private receive(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      const n = responseLength(buf);
      if (n === 0) break;
      if (this.index < 0) {
        // Unasked: only the server's notice that it is closing this idle connection is expected.
        if (statusOf(buf) !== 408) throw new Error('response without a request');
      } else this.onResponse(this, statusOf(buf));
      buf = buf.subarray(n);
      if (buf.length === 0) break;
    }
    this.pending = buf.length > 0 ? buf : undefined;
  }

  end(): Promise<void> {
    return new Promise<void>((resolve) => (this.socket.destroyed ? resolve() : this.socket.end(resolve)));
  }
}

function openConnections(port: number, count: number, onResponse: (c: Connection, status: number) => void, onFailure: (err: Error) => void): Promise<Connection[]> {
  return Promise.all(Array.from({ length: count }, () => new Connection(port, onResponse, onFailure).connect()));
}

interface Run {
  port: number;
  requests: Buffer[];
  okStatus: number;
  connections: number;
}

function runner(r: Run) {
  const n = r.requests.length;
  const latencies = new Float64Array(n);
  const sendLag = new Float64Array(n);
  const started = new Float64Array(n);
  const otherStatuses = new Map<number, number>();
  let ok = 0;
  let done = 0;
  let fail: (err: Error) => void = () => {};
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const send = (conn: Connection, i: number, origin: number) => {
    conn.index = i;
    started[i] = origin;
    conn.write(r.requests[i]!);
  };
  const record = (conn: Connection, status: number) => {
    const i = conn.index;
    conn.index = -1;
    latencies[i] = performance.now() - started[i]!;
    if (status === r.okStatus) ok++;
    else otherStatuses.set(status, (otherStatuses.get(status) ?? 0) + 1);
    if (++done === n) finish();
  };
  return { n, latencies, sendLag, otherStatuses, send, record, finished, fail: (e: Error) => fail(e), result: (t0: number): LoadResult => ({ latencies, sendLag, ok, startedAt: performance.timeOrigin + t0, seconds: (performance.now() - t0) / 1000, otherStatuses }) };
}

async function closeAll(conns: Connection[]): Promise<void> {
  await Promise.all(conns.map((c) => c.end()));
  for (const c of conns) c.socket.destroy();
}

/** Closed loop: `connections` clients, each sending its next request when the previous answer arrives. */
export async function closedLoop(r: Run): Promise<LoadResult> {
  const run = runner(r);
  let next = 0;
  const conns = await openConnections(
    r.port,
    Math.min(r.connections, run.n),
    (conn, status) => {
      run.record(conn, status);
      if (next < run.n) run.send(conn, next++, performance.now());
    },
    run.fail,
  );
  const t0 = performance.now();
  for (const c of conns) if (next < run.n) run.send(c, next++, performance.now());
  try {
    await run.finished;
    return run.result(t0);
  } finally {
    await closeAll(conns);
  }
}

/**
 * Open loop at `rate` requests per second: request i is due at i/rate, sent
 * on an idle connection (or queued for the next one to come free), and its
 * latency runs from when it was due, so time spent queued counts.
 *
 * The first request is due `settleMs` (default 300) after the connections are
 * open: the caller has just prepared the run (thousands of challenges created
 * through the server, every request serialized), and without the pause the
 * garbage collections that preparation leaves — in the generator and in the
 * server — landed on the run's first requests as the generator sending them
 * 10 ms late, about half of the requests a p99 may lose.
 */
export async function openLoop(r: Run & { rate: number; settleMs?: number }): Promise<LoadResult> {
  const run = runner(r);
  const queue: number[] = [];
  let queueHead = 0;
  let idle: Connection[] = [];
  let t0 = 0;
  const due = (i: number) => t0 + (i * 1000) / r.rate;
  const dispatch = (conn: Connection, i: number) => {
    const d = due(i);
    run.sendLag[i] = performance.now() - d;
    run.send(conn, i, d);
  };
  const conns = await openConnections(
    r.port,
    r.connections,
    (conn, status) => {
      run.record(conn, status);
      if (queueHead < queue.length) dispatch(conn, queue[queueHead++]!);
      else idle.push(conn);
    },
    run.fail,
  );
  idle = [...conns];
  await new Promise((resolve) => setTimeout(resolve, r.settleMs ?? 300));
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = performance.now();
    while (next < run.n && due(next) <= now) {
      const i = next++;
      const conn = idle.pop();
      if (conn) dispatch(conn, i);
      else queue.push(i);
    }
    if (next < run.n) timer = setTimeout(tick, Math.max(0, due(next) - performance.now()));
  };
  t0 = performance.now();
  tick();
  try {
    await run.finished;
    return run.result(t0);
  } finally {
    clearTimeout(timer);
    await closeAll(conns);
  }
}

/** The value at percentile `p` of `values` (sorted copy; nearest rank). */
export function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
