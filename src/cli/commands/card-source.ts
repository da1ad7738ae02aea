// Where the station's card is, for the commands that talk to one (issue,
// card replace|activate|unblock-pin|reset-pin, stock receive): a PC/SC reader
// (`--reader <name>`, through pcscd), or a firmware-sim card file in this
// process (`--sim-card <file>`, the embedded default: no pcscd, the card's
// state persisted to the file under the simulator's lock, as for
// `cardauth terminal --sim-card`). The host speaks APDUs to either.
import { openCardFileChannel } from '../../card/in-process-card-file.js';
import type { CardChannel } from '../../card/channel.js';
import { CliError, type CliIo } from '../io.js';
import type { IssuanceStation } from './issuance-station.js';

export type CardSource = { readonly reader: string } | { readonly simCard: string };

/** parseArgs options of a card source. */
export const cardSourceOptions = { reader: { type: 'string' }, 'sim-card': { type: 'string' } } as const;

/** The card source the arguments name: exactly one of --reader / --sim-card when `required`, at most one otherwise. */
export function cardSourceOf(values: { readonly reader?: string | undefined; readonly 'sim-card'?: string | undefined }, usage: string, required: boolean): CardSource | undefined {
  const { reader, 'sim-card': simCard } = values;
  if (reader !== undefined && simCard !== undefined) throw new CliError(`give one of --reader / --sim-card\n${usage}`, 'usage', 2);
  if (reader === '' || simCard === '') throw new CliError(`--reader and --sim-card need a value\n${usage}`, 'usage', 2);
  if (reader !== undefined) return { reader };
  if (simCard !== undefined) return { simCard };
  if (required) throw new CliError(`--reader (a PC/SC reader) or --sim-card (a firmware-sim card file) is required\n${usage}`, 'usage', 2);
  return undefined;
}

export function connectCard(station: IssuanceStation, source: CardSource, io: CliIo): Promise<CardChannel> {
  if ('reader' in source) return station.connect(source.reader);
  return openCardFileChannel(source.simCard, {
    // The card answered 6F00 and kept its NVM: say where, never what.
    onFault: (_e, ins) => io.stderr.write(`cardauth: the simulated card had an internal fault on INS ${ins?.toString(16).padStart(2, '0') ?? '??'}\n`),
  });
}

/** Run `f` on the station's card, then release it with a reset (its PIN-verified state must not outlive the command). */
export async function withCard<T>(station: IssuanceStation, source: CardSource, io: CliIo, f: (channel: CardChannel) => Promise<T>): Promise<T> {
  const channel = await connectCard(station, source, io);
  try {
    return await f(channel);
  } finally {
    await channel.close({ disposition: 'reset' }).catch(() => undefined);
  }
}
