// One process at a time on an embedded PGlite registry. PGlite is a database
// inside one process: a second process opening the same directory would
// corrupt it. The lock is a file created exclusively beside the data, holding
// the owner's pid; a lock whose pid is gone (a killed process) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { registryError } from './codes.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock of `dir` for this process; returns the release function. */
export function lockPgliteDir(dir: string): () => void {
  const file = `${dir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(file, 'utf8').trim());
      } catch {
        continue; // removed between our open and read: try again
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw registryError(
          'registry_in_use',
          `The embedded registry in ${dir} is open in another process (pid ${owner}). Stop that process, or share a PostgreSQL server (DATABASE_URL).`,
        );
      }
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw registryError('registry_in_use', `Could not lock the embedded registry in ${dir}.`);
}
