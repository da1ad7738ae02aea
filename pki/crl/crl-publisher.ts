// Serves the current CRL (RFC 5280 §5) for publication at /pki/issuing.crl:
// one CRL is built from the caller's list of revoked/held certificates and
// reused until `refreshSeconds` pass or invalidate() is called (a status
// change); concurrent requests share one build, so the CRL number grows
// once per refresh, not once per download.
import type { RevokedListSource } from '../types.js';

export interface CrlPublisher {
  /** DER of the current CRL and when it was built. */
  current(): Promise<{ readonly der: Buffer; readonly builtAt: Date; readonly maxAgeSeconds: number }>;
  /** The next current() builds a fresh CRL with a new number. */
  invalidate(): void;
}

export interface CrlPublisherOptions {
  readonly createCrl: (options: { entries: Awaited<ReturnType<RevokedListSource>>; validitySeconds: number }) => Promise<Buffer>;
  readonly entries: RevokedListSource;
  readonly now: () => Date;
  /** Rebuild at least this often. Default 15 minutes. */
  readonly refreshSeconds?: number;
  /** thisUpdate → nextUpdate. Default 24 hours. */
  readonly validitySeconds?: number;
}

export function createCrlPublisher(options: CrlPublisherOptions): CrlPublisher {
  const refreshMs = (options.refreshSeconds ?? 900) * 1000;
  const validitySeconds = options.validitySeconds ?? 86_400;
  let cached: { der: Buffer; builtAt: Date } | undefined;
  let building: Promise<{ der: Buffer; builtAt: Date }> | undefined;
  let generation = 0;

  async function build(): Promise<{ der: Buffer; builtAt: Date }> {
    const startedGeneration = generation;
    const builtAt = options.now();
    const der = await options.createCrl({ entries: await options.entries(), validitySeconds });
    const result = { der, builtAt };
    // A status change during the build makes this CRL stale already: serve it once, keep no copy.
    if (startedGeneration === generation) cached = result;
    return result;
  }

  return {
    async current() {
      const now = options.now().getTime();
      if (cached && now - cached.builtAt.getTime() < refreshMs) {
        return { ...cached, maxAgeSeconds: Math.max(0, Math.floor((cached.builtAt.getTime() + refreshMs - now) / 1000)) };
      }
      building ??= build().finally(() => {
        building = undefined;
      });
      const fresh = await building;
      return { ...fresh, maxAgeSeconds: Math.floor(refreshMs / 1000) };
    },
    invalidate() {
      generation++;
      cached = undefined;
    },
  };
}
