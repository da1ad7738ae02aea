// The CLI against a running service (`--server URL`, or CARDAUTH_SERVER): the
// documented HTTP API and nothing else, so a machine that runs these commands
// holds no data directory, key store, master secret or database connection.
// The staff member signs in as the station commands always did:
// CARDAUTH_STAFF_TOKEN (a session token from POST /v1/staff/login), or
// CARDAUTH_STAFF_USER with CARDAUTH_STAFF_PASSWORD_FILE (signed in over HTTP).
// A problem+json answer becomes a CliError with the problem's code.
import { readFileSync } from 'node:fs';
import { CliError, type CliIo } from '../io.js';

export interface ServerClient {
  readonly server: string;
  readonly token: string;
  /** JSON in, JSON out; a 4xx/5xx answer throws a CliError with its code. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** Server-sent events of a path, each as (event, data), until `onEvent` returns true or the stream ends. */
  events(path: string, onEvent: (event: string, data: Record<string, unknown>) => boolean | void): Promise<void>;
}

/** The --server value, else CARDAUTH_SERVER; undefined when neither is given. */
export function serverOf(value: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const s = value ?? env['CARDAUTH_SERVER'];
  if (s === undefined || s === '') return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    throw new CliError('--server must be a URL (http://host:port)', 'usage', 2);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError('--server must be an http or https URL', 'usage', 2);
  return u.origin;
}

async function problemOf(res: Response): Promise<CliError> {
  let code = `http_${res.status}`;
  let message = res.statusText;
  try {
    const p = (await res.json()) as { code?: string; detail?: string; title?: string; message?: string };
    code = p.code ?? code;
    message = p.detail ?? p.message ?? p.title ?? message;
  } catch {
    // not problem+json
  }
  return new CliError(message, code, 1);
}

async function send(server: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<Response> {
  try {
    return await fetch(`${server}${path}`, {
      method,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (cause) {
    throw new CliError(`cannot reach the service at ${server} (${(cause as Error).message})`, 'server_unavailable', 1);
  }
}

export async function connectServer(server: string, io: CliIo): Promise<ServerClient> {
  const env = io.env;
  let token = env['CARDAUTH_STAFF_TOKEN'];
  if (!token) {
    const user = env['CARDAUTH_STAFF_USER'];
    const file = env['CARDAUTH_STAFF_PASSWORD_FILE'];
    if (!user || !file) throw new CliError('sign in first: set CARDAUTH_STAFF_TOKEN, or CARDAUTH_STAFF_USER and CARDAUTH_STAFF_PASSWORD_FILE', 'staff_credentials_missing', 2);
    let password: string;
    try {
      password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw new CliError('cannot read CARDAUTH_STAFF_PASSWORD_FILE', 'file_unreadable', 2);
    }
    const res = await send(server, 'POST', '/v1/staff/login', undefined, { username: user, password });
    if (!res.ok) throw await problemOf(res);
    token = ((await res.json()) as { token: string }).token;
  }
  const t = token;
  return {
    server,
    token: t,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(server, method, path, t, body);
      if (!res.ok) throw await problemOf(res);
      const text = await res.text();
      return (text ? JSON.parse(text) : {}) as T;
    },
    async events(path, onEvent) {
      const res = await send(server, 'GET', path, t);
      if (!res.ok || res.body === null) throw await problemOf(res);
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data === undefined) continue;
          if (onEvent(event, JSON.parse(data) as Record<string, unknown>) === true) return;
        }
      }
    },
  };
}
