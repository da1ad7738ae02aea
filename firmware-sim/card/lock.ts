// One card, one reader: a card file may be run by one simulator process at a
// time (two processes writing the same NVM would each answer from a state the
// other no longer has). `<card-file>.lock` holds the owner's pid; a lock whose
// process is gone (killed with SIGKILL) is stale and taken over.

import { open, readFile, unlink } from 'node:fs/promises';

export class CardInUseError extends Error {
  override readonly name = 'CardInUseError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function lockCardFile(path: string): Promise<{ release(): Promise<void> }> {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await unlink(lockPath).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new CardInUseError(`${path} is in use by process ${owner}`);
    }
    // Stale (owner gone) or half-written: remove and try again.
    await unlink(lockPath).catch(() => undefined);
  }
  throw new CardInUseError(`${path}: could not take ${lockPath}`);
}
