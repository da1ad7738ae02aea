// A steady stream of card authentications against a running service, as
// relying parties and terminals make them: create a challenge (RP key), have
// a card sign the server's signing input, send the response. Open loop: a new
// authentication starts every 1/rate s whatever the earlier ones are doing,
// so a hang shows as requests piling up, not as a pause. Mixed in:
//  - forged responses (one card's certificate, another card's signature),
//    which must never be answered 200;
//  - duplicate submissions (the same response twice at once), of which at
//    most one may complete the challenge;
//  - after a 503 on a response, one resend of the same response half a second
//    later, as the terminal does.
// Every HTTP exchange is recorded (start, duration, status, code, whether the
// error body was problem+json) for the assertions and figures of the caller.
import type { SimCard } from './sim-cards.js';

export type TrafficOp = 'challenge' | 'response' | 'duplicate' | 'resend' | 'forged';

export interface RequestRecord {
  readonly op: TrafficOp;
  /** Wall-clock start, ms since the epoch. */
  readonly start: number;
  readonly ms: number;
  /** 0: no HTTP answer (connection refused or reset, or the client's timeout). */
  readonly status: number;
  readonly code?: string;
  /** An error status answered as application/problem+json. */
  readonly problemJson: boolean;
  readonly challengeId?: string;
  /** The card whose certificate was presented. */
  readonly cardSerial?: number;
  readonly error?: string;
}

export interface TrafficOptions {
  readonly url: string;
  /** `Bearer <keyId>.<secret>` of a relying party with terminal `terminalId`. */
  readonly bearer: string;
  readonly terminalId: string;
  readonly cards: readonly SimCard[];
  /** Authentications started per second. */
  readonly rate: number;
  /** Every n-th authentication is a forged response (0: none). */
  readonly forgeEvery?: number;
  /** Every n-th authentication sends its response twice at once (0: none). */
  readonly duplicateEvery?: number;
  /** The client gives up on a request after this long (recorded as status 0). */
  readonly timeoutMs?: number;
  /** Most authentications under way at once; beyond it a tick is skipped (and counted). */
  readonly maxInFlight?: number;
}

const TXN = { amount: '12500.00', currency: 'KHR', payee: 'Fault Suite Market' } as const;

export class AuthTraffic {
  readonly records: RequestRecord[] = [];
  /** Ticks skipped because maxInFlight authentications were under way. */
  skipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private n = 0;
  /** Cards whose responses this run sends no more (e.g. revoked), by serial. */
  readonly retired = new Set<number>();

  constructor(private readonly o: TrafficOptions) {}

  start(): void {
    const period = 1000 / this.o.rate;
    let next = performance.now();
    const tick = (): void => {
      next += period;
      if (this.inFlight.size >= (this.o.maxInFlight ?? 500)) this.skipped++;
      else {
        const p = this.one(this.n++).catch(() => undefined);
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
      }
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }

  private async call(op: TrafficOp, path: string, body: unknown, extra: Partial<RequestRecord> = {}): Promise<{ status: number; json: any }> {
    const start = Date.now();
    const t0 = performance.now();
    try {
      const r = await fetch(`${this.o.url}${path}`, {
        method: 'POST',
        headers: { authorization: this.o.bearer, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
      const text = await r.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const ct = r.headers.get('content-type') ?? '';
      this.records.push({
        op,
        start,
        ms: performance.now() - t0,
        status: r.status,
        ...(r.status >= 400 && typeof json?.code === 'string' ? { code: json.code } : {}),
        problemJson: ct.startsWith('application/problem+json'),
        ...extra,
      });
      return { status: r.status, json };
    } catch (err) {
      this.records.push({ op, start, ms: performance.now() - t0, status: 0, problemJson: false, error: String((err as Error).cause ?? err), ...extra });
      return { status: 0, json: undefined };
    }
  }

  private async one(i: number): Promise<void> {
    const cards = this.o.cards.filter((c) => !this.retired.has(c.cardSerial));
    if (cards.length < 2) return;
    const card = cards[i % cards.length]!;
    const ch = await this.call('challenge', '/v1/auth/challenges', { terminalId: this.o.terminalId, transaction: { ...TXN, reference: `F-${i}` } });
    if (ch.status !== 201) return;
    const id = ch.json.id as string;
    const forged = this.o.forgeEvery !== undefined && this.o.forgeEvery > 0 && i % this.o.forgeEvery === this.o.forgeEvery - 1;
    const signer = forged ? cards[(i + 1) % cards.length]! : card;
    const body = {
      terminalId: this.o.terminalId,
      certificate: card.der.toString('base64'),
      signature: (await signer.sign(ch.json.signingInput.input as string)).toString('base64'),
      triesLeft: 3,
    };
    const path = `/v1/auth/challenges/${encodeURIComponent(id)}/response`;
    const meta = { challengeId: id, cardSerial: card.cardSerial };
    if (forged) {
      await this.call('forged', path, body, meta);
      return;
    }
    const duplicate = this.o.duplicateEvery !== undefined && this.o.duplicateEvery > 0 && i % this.o.duplicateEvery === 0;
    const answers = await Promise.all([this.call('response', path, body, meta), ...(duplicate ? [this.call('duplicate', path, body, meta)] : [])]);
    if (answers.every((a) => a.status === 503)) {
      await new Promise((r) => setTimeout(r, 500));
      await this.call('resend', path, body, meta);
    }
  }
}

/** Figures of the records that started in [from, to). */
export interface Figures {
  readonly requests: number;
  readonly completed: number;
  readonly s503: number;
  readonly other5xx: number;
  readonly s4xx: number;
  readonly noAnswer: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function figures(records: readonly RequestRecord[], from = -Infinity, to = Infinity): Figures {
  const rs = records.filter((r) => r.start >= from && r.start < to);
  const ms = rs.map((r) => r.ms).sort((a, b) => a - b);
  const pct = (p: number) => (ms.length === 0 ? 0 : ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))]!);
  return {
    requests: rs.length,
    completed: rs.filter((r) => r.status === 200 && r.op !== 'challenge').length,
    s503: rs.filter((r) => r.status === 503).length,
    other5xx: rs.filter((r) => r.status >= 500 && r.status !== 503).length,
    s4xx: rs.filter((r) => r.status >= 400 && r.status < 500).length,
    noAnswer: rs.filter((r) => r.status === 0).length,
    p50: pct(50),
    p99: pct(99),
    max: ms.at(-1) ?? 0,
  };
}
