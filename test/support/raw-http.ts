// HTTP/1.1 over a plain socket, for requests no well-behaved client sends:
// malformed request lines, paths and headers, bodies that disagree with their
// headers. One connection per request (`connection: close` is added unless
// the caller sets its own), read until the server closes it; the answer is
// parsed as it came (status, headers, body, de-chunked).
import { connect } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Build the bytes of one request. Values are sent as given (latin1), nothing is checked or escaped. */
export function rawRequest(method: string, target: string, headers: ReadonlyArray<readonly [string, string]>, body?: Buffer | string): Buffer {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  let head = `${method} ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\n`;
  const names = new Set(headers.map(([k]) => k.toLowerCase()));
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  if (!names.has('connection')) head += 'connection: close\r\n';
  if (payload !== undefined && !names.has('content-length') && !names.has('transfer-encoding')) head += `content-length: ${payload.length}\r\n`;
  head += '\r\n';
  return payload === undefined ? Buffer.from(head, 'latin1') : Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

function dechunk(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = b.indexOf('\r\n', at);
    if (end < 0) break;
    const size = parseInt(b.toString('latin1', at, end), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(b.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Send `bytes` to 127.0.0.1:`port`; the answer, or an Error after `timeoutMs`. */
export function sendRaw(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined); // a reset after the answer is the server closing
    socket.on('close', () => {
      clearTimeout(timer);
      let all = Buffer.concat(chunks);
      // Interim answers (100 Continue) come before the answer.
      while (/^HTTP\/1\.[01] 1\d\d /.test(all.toString('latin1', 0, 13)) && all.indexOf('\r\n\r\n') >= 0) all = all.subarray(all.indexOf('\r\n\r\n') + 4);
      const headEnd = all.indexOf('\r\n\r\n');
      if (headEnd < 0) {
        reject(new Error(`connection closed without an answer (${all.length} bytes)`));
        return;
      }
      const lines = all.toString('latin1', 0, headEnd).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? NaN);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const raw = all.subarray(headEnd + 4);
      resolve({ status, headers, body: /chunked/i.test(headers['transfer-encoding'] ?? '') ? dechunk(raw) : raw });
    });
    socket.write(bytes);
  });
}
