// Cross-process news of certificate status changes (migration 023): the
// registry moves status_epoch.n in every transaction that inserts a
// certificate or changes a status; watchStatusEpoch polls it and calls
// onChange when it has moved. The service uses it to drop its cached OCSP
// responses and CRL when another process (or staff tooling) changed a status.
// Polling reads one row; a failed read is skipped (the caches keep their own
// expiry), never thrown.
import type { Sql } from './sql.js';

export interface StatusEpochWatch {
  stop(): void;
}

async function readEpoch(sql: Sql): Promise<string | undefined> {
  const rows = await sql.query<{ n: string | number }>('SELECT n FROM status_epoch WHERE id', [], { prepareAs: 'status_epoch_read' });
  return rows[0] === undefined ? undefined : String(rows[0].n);
}

export function watchStatusEpoch(sql: Sql, opts: { intervalMs: number; onChange: () => void; onError?: (err: unknown) => void }): StatusEpochWatch {
  let last: string | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async (): Promise<void> => {
    try {
      const n = await readEpoch(sql);
      if (last !== undefined && n !== last) opts.onChange();
      last = n;
    } catch (err) {
      opts.onError?.(err);
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), opts.intervalMs);
      timer.unref();
    }
  };
  void tick();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
