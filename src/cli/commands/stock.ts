// `cardauth stock receive`: take a blank card from the manufacturer into the
// stock the issuance engine personalises from (a blank card comes from the
// manufacturer with a serial and a factory attestation key in slot F9:
// docs/architecture.md, flow 1). The serial and the F9 attestation certificate are read from the
// card itself, so the stock records what the card says, not what a list says;
// the engine checks the attestation chain against the manufacturer roots when
// it personalises the card.
//   cardauth stock receive (--reader <reader name> | --sim-card <card file>) [--manufacturer <name>]
// Signed-in staff as for `cardauth issue` (officer or supervisor); audited.
import { parseArgs } from 'node:util';
import { receiveStockFromCard } from '../../issuance/receive-stock.js';
import { CliError, type CliIo } from '../io.js';
import { cardSourceOf, cardSourceOptions, withCard } from './card-source.js';
import { asCliErrors } from './issuance-errors.js';
import { serverOf } from './server-client.js';
import { runAtStation } from './station-card.js';
import { openIssuanceStation, type OpenStation } from './issuance-station.js';

const USAGE = `usage:
  cardauth stock receive (--reader <reader name> | --sim-card <firmware-sim card file>) [--manufacturer <name>] [--server URL]
`;

export async function runWith(args: string[], io: CliIo, open: OpenStation): Promise<number> {
  const [action, ...rest] = args;
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { ...cardSourceOptions, manufacturer: { type: 'string' }, server: { type: 'string' } }, strict: true }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  if (action !== 'receive') throw new CliError(USAGE.trimEnd(), 'usage', 2);
  if (values.manufacturer !== undefined && !/^[\w .,&()-]{1,100}$/.test(values.manufacturer)) {
    throw new CliError('--manufacturer: 1 to 100 letters, digits, spaces and . , & ( ) -', 'usage', 2);
  }
  const source = cardSourceOf(values, USAGE, true)!;
  const server = serverOf(values.server, io.env);
  if (server !== undefined) {
    // A one-shot station: the service reads the card over this station's connection and records it.
    const { job } = await runAtStation(io, server, source, (client, at) =>
      client.call('POST', '/v1/issuance/stock', { ...at, ...(values.manufacturer === undefined ? {} : { manufacturer: values.manufacturer }) }),
      () => '',
    );
    io.stdout.write(`card ${String(job['cardSerial'])} received into stock\n`);
    return 0;
  }
  const station = await open(io);
  try {
    return await asCliErrors(async () => {
      return withCard(station, source, io, async (channel) => {
        const r = await receiveStockFromCard({ registry: station.registry, clock: station.engineDeps.clock }, channel, station.actor, values.manufacturer);
        io.stdout.write(
          `card ${r.serial} received into stock (manufacturer ${r.manufacturer}; ${r.attestationRecorded ? 'F9 attestation certificate recorded' : 'no F9 attestation certificate on the card'})\n`,
        );
        return 0;
      });
    });
  } finally {
    await station.close();
  }
}

export const run = (args: string[], io: CliIo): Promise<number> => runWith(args, io, openIssuanceStation);
