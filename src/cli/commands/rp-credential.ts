// The relying party's API key for the terminal commands (`cardauth terminal`,
// `cardauth terminal serve`): from CARDAUTH_RP_KEY or a file named by
// --rp-key-file, never from an argument (arguments are visible to every user
// of the machine). A leading "Bearer " is accepted and dropped.
import { readFileSync } from 'node:fs';
import { CliError, type CliIo } from '../io.js';

export function rpCredentialOf(io: CliIo, file: string | undefined, usage: string): string {
  let raw: string | undefined;
  if (file !== undefined) {
    try {
      raw = readFileSync(file, 'utf8');
    } catch {
      throw new CliError(`cannot read the RP key file ${file}`, 'usage', 2);
    }
  } else {
    raw = io.env.CARDAUTH_RP_KEY;
  }
  const key = raw?.trim();
  if (!key) throw new CliError(`no RP credential: set CARDAUTH_RP_KEY or pass --rp-key-file\n${usage}`, 'usage', 2);
  return key.replace(/^Bearer\s+/i, '');
}
