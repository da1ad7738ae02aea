// Persistence of the card's NVM. A real chip commits an EEPROM page
// transactionally; here the equivalent is: write a temporary file, fsync it,
// rename it over the card file, fsync the directory. A crash at any point leaves
// either the old or the new state, never a mix. Callers persist a change before
// the card answers the command that made it.

import { link, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeCardState, encodeCardState } from './codec.js';
import type { CardState } from './state.js';

export async function loadCardFile(path: string): Promise<CardState> {
  return decodeCardState(await readFile(path, 'utf8'));
}

export async function writeCardFile(path: string, state: CardState): Promise<void> {
  const text = encodeCardState(state);
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** The card's NVM: the current state plus the one way to change it (copy, change, persist, swap). */
export class CardStore {
  private current: CardState;
  constructor(readonly path: string | undefined, state: CardState) {
    this.current = state;
  }
  get state(): Readonly<CardState> {
    return this.current;
  }
  /**
   * Apply `change` to a copy of the state and persist it; only when the write
   * succeeded does the card see the new state. An exception inside `change`
   * leaves nothing changed.
   */
  async update(change: (draft: CardState) => void): Promise<void> {
    const draft = structuredClone(this.current);
    change(draft);
    if (this.path !== undefined) await writeCardFile(this.path, draft);
    this.current = draft;
  }
}

/** Write a new card file; refuses to replace an existing one (link(2) is atomic and fails with EEXIST). */
export async function createCardFile(path: string, state: CardState): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(encodeCardState(state), 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * A process killed between writing its temporary file and renaming it leaves
 * `.<card>.<pid>.<random>.tmp` behind; the card file itself is intact. Remove
 * those of processes that no longer run.
 */
export async function removeStaleTempFiles(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    await unlink(join(dir, name)).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
