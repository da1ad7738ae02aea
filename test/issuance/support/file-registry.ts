// The memory registry saved to a file after every change, so a child process
// killed with SIGKILL (kill-at-every-step test) leaves behind exactly what it
// had committed, and the parent (or the next child) reads it back. Each save
// is write-temp-then-rename: a kill mid-save leaves the previous state, like
// a database transaction that did not commit.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { MemoryIssuanceRegistry } from '../../../src/issuance/store/memory-registry.js';

const TABLES = ['citizens', 'stock', 'jobs', 'cards', 'certificates'] as const;
const WRITES = ['createCitizen', 'openJob', 'updateJob', 'commitIssuance', 'changeCardStatus', 'recordCardEvent'] as const;

export function openFileRegistry(path: string): MemoryIssuanceRegistry & { save(): void } {
  const r = new MemoryIssuanceRegistry() as MemoryIssuanceRegistry & { save(): void };
  if (existsSync(path)) {
    const data = deserialize(readFileSync(path)) as Record<string, Map<unknown, unknown> | unknown[]>;
    for (const t of TABLES) for (const [k, v] of data[t] as Map<never, never>) (r[t] as Map<unknown, unknown>).set(k, v);
    r.audit.push(...(data.audit as never[]));
  }
  r.save = () => {
    const data: Record<string, unknown> = { audit: r.audit };
    for (const t of TABLES) data[t] = r[t];
    writeFileSync(`${path}.tmp`, serialize(data));
    renameSync(`${path}.tmp`, path);
  };
  for (const m of WRITES) {
    const original = (r[m] as (...a: unknown[]) => Promise<unknown>).bind(r);
    (r as unknown as Record<string, unknown>)[m] = async (...args: unknown[]) => {
      const out = await original(...args);
      r.save();
      return out;
    };
  }
  const addStock = r.addStock.bind(r);
  r.addStock = (...a) => {
    addStock(...a);
    r.save();
  };
  return r;
}
