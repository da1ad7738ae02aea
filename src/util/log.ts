// Structured logs, one JSON object per line on stderr (or a given sink).
// Secrets never reach a log line: fields whose names look like secrets are
// replaced before writing, whatever the caller passed. Callers should still
// never pass them; this is the second line of defence.
import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const rank = { debug: 10, info: 20, warn: 30, error: 40 } as const satisfies Record<LogLevel, number>;

const SECRET_FIELD = /pin|puk|secret|password|passphrase|mgm|management.?key|private|authorization|cookie|token|apikey|api_key/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Field names seen so far and whether they name a secret (a service logs the same few names on every line). */
const secretFieldMemo = new Map<string, boolean>();

function isSecretField(k: string): boolean {
  let secret = secretFieldMemo.get(k);
  if (secret === undefined) {
    // Counters such as "pinTriesLeft" are not secrets; values are.
    secret = SECRET_FIELD.test(k) && !/tries|retries|policy|verified|count|id$/i.test(k);
    // Bounded: names mostly come from code, but a caller may log a record's own keys.
    if (secretFieldMemo.size < 1024) secretFieldMemo.set(k, secret);
  }
  return secret;
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretField(k) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/**
 * Lines written together once per event-loop turn (and at process exit):
 * a busy service logs a line per request, and one write per line was one
 * system call per request on a file or pipe (stderr writes synchronously).
 */
class TurnBuffer {
  #lines: string[] = [];
  #scheduled = false;
  constructor(private readonly sink: Writable) {
    process.once('exit', () => this.flush());
  }
  push(line: string): void {
    this.#lines.push(line);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }
  flush(): void {
    this.#scheduled = false;
    if (this.#lines.length === 0) return;
    const text = this.#lines.join('');
    this.#lines = [];
    this.sink.write(text);
  }
}

export function createLogger(
  opts: { level?: LogLevel; sink?: Writable; base?: Record<string, unknown>; /** Write once per event-loop turn (services). */ buffered?: boolean } = {},
): Logger {
  const level = opts.level ?? ((process.env.CARDAUTH_LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const sink = opts.sink ?? process.stderr;
  const base = opts.base ?? {};
  const buffer = opts.buffered ? new TurnBuffer(sink) : undefined;
  return loggerOver(level, base, buffer === undefined ? (line) => sink.write(line) : (line) => buffer.push(line));
}

function loggerOver(level: LogLevel, base: Record<string, unknown>, out: (line: string) => void): Logger {
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (rank[lvl] < (rank[level] ?? 20)) return;
    const line = { t: new Date().toISOString(), level: lvl, msg, ...(redact({ ...base, ...fields }) as object) };
    out(JSON.stringify(line) + '\n');
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => loggerOver(level, { ...base, ...fields }, out),
  };
}

/** A logger that drops everything (unit tests that do not look at logs). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
