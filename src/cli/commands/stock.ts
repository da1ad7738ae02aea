// `cardauth stock receive`: take a blank card from the manufacturer into the
// stock the issuance engine personalises from (a blank card comes from the
// manufacturer with a serial and a factory attestation key in slot F9:
// docs/architecture.md, flow 1). The serial and the F9 attestation certificate are read from the
// card itself, so the stock records what the card says, not what a list says;
// the engine checks the attestation chain against the manufacturer roots when
// it personalises the card.
//   cardauth stock receive (--reader <reader name> | --sim-card <card file>) [--manufacturer <name>]
// Signed-in staff as for `cardauth issue` (officer or supervisor); audited.
import { X509Certificate } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PivClient } from '../../card/piv/client.js';
import { readCertificate } from '../../card/piv/read-certificate.js';
import { issuanceError } from '../../issuance/codes.js';
import { requirePermission } from '../../access/permissions.js';
import { CliError, type CliIo } from '../io.js';
import { cardSourceOf, cardSourceOptions, withCard } from './card-source.js';
import { asCliErrors } from './issuance-errors.js';
import { openIssuanceStation, type OpenStation } from './issuance-station.js';

const USAGE = `usage:
  cardauth stock receive (--reader <reader name> | --sim-card <firmware-sim card file>) [--manufacturer <name>]
`;

/** The CN of the attestation certificate's issuer (the manufacturer's attestation CA), if it has one. */
function issuerName(der: Uint8Array): string | undefined {
  try {
    const cn = /^CN=(.+)$/m.exec(new X509Certificate(der).issuer)?.[1];
    return cn?.slice(0, 100);
  } catch {
    return undefined;
  }
}

export async function runWith(args: string[], io: CliIo, open: OpenStation): Promise<number> {
  const [action, ...rest] = args;
  let values;
  try {
    ({ values } = parseArgs({ args: rest, options: { ...cardSourceOptions, manufacturer: { type: 'string' } }, strict: true }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  if (action !== 'receive') throw new CliError(USAGE.trimEnd(), 'usage', 2);
  if (values.manufacturer !== undefined && !/^[\w .,&()-]{1,100}$/.test(values.manufacturer)) {
    throw new CliError('--manufacturer: 1 to 100 letters, digits, spaces and . , & ( ) -', 'usage', 2);
  }
  const source = cardSourceOf(values, USAGE, true)!;
  const station = await open(io);
  try {
    return await asCliErrors(async () => {
      requirePermission(station.actor, 'stock.receive');
      return withCard(station, source, io, async (channel) => {
        const piv = await PivClient.open(channel);
        if (!piv.ok) throw issuanceError('card_not_blank', 'The card has no PIV application', { detail: { why: 'no PIV application' } });
        const serial = await piv.client.getSerial();
        if (!serial.ok) throw issuanceError('card_not_blank', 'The card does not tell its serial (GET SERIAL), which the stock and the issuance engine need', { detail: { why: 'no serial' } });
        const attestation = await readCertificate(channel, 0xf9);
        const attestationCertDer = attestation.ok ? attestation.der : undefined;
        const manufacturer = values.manufacturer ?? (attestationCertDer && issuerName(attestationCertDer)) ?? 'unknown';
        await station.registry.receiveStock({ serial: serial.serial, manufacturer, attestationCertDer }, station.actor, station.engineDeps.clock.now());
        io.stdout.write(
          `card ${serial.serial} received into stock (manufacturer ${manufacturer}; ${attestationCertDer ? 'F9 attestation certificate recorded' : 'no F9 attestation certificate on the card'})\n`,
        );
        return 0;
      });
    });
  } finally {
    await station.close();
  }
}

export const run = (args: string[], io: CliIo): Promise<number> => runWith(args, io, openIssuanceStation);
