// `cardauth enrol`: enrol a citizen (flow 1 step 1 of docs/architecture.md).
//   cardauth enrol --national-id <id> --surname <name> --given-name <name> --birth-date YYYY-MM-DD
//                  [--surname-latin <NAME> --given-name-latin <NAME>] [--json]
// A name in Khmer script goes in --surname / --given-name, its Latin form
// (as in the passport) in the --…-latin options; the certificate's CN uses it.
// Staff: CARDAUTH_STAFF_TOKEN (see issuance-station.ts).
import { parseArgs } from 'node:util';
import { enrolCitizen } from '../../issuance/enrol-citizen.js';
import { CliError, type CliIo } from '../io.js';
import { asCliErrors } from './issuance-errors.js';
import { connectServer, serverOf } from './server-client.js';
import { openIssuanceStation, type OpenStation } from './issuance-station.js';

const USAGE =
  'usage: cardauth enrol --national-id <id> --surname <name> --given-name <name> --birth-date YYYY-MM-DD [--surname-latin <NAME> --given-name-latin <NAME>] [--json] [--server URL]\n';

export async function runWith(args: string[], io: CliIo, open: OpenStation): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'national-id': { type: 'string' },
        surname: { type: 'string' },
        'given-name': { type: 'string' },
        'surname-latin': { type: 'string' },
        'given-name-latin': { type: 'string' },
        'birth-date': { type: 'string' },
        json: { type: 'boolean' },
        server: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  for (const k of ['national-id', 'surname', 'given-name', 'birth-date'] as const) {
    if (values[k] === undefined) throw new CliError(`--${k} is required\n${USAGE}`, 'usage', 2);
  }
  const input = {
    nationalId: values['national-id']!,
    surname: values.surname!,
    givenName: values['given-name']!,
    ...(values['surname-latin'] === undefined ? {} : { surnameLatin: values['surname-latin'] }),
    ...(values['given-name-latin'] === undefined ? {} : { givenNameLatin: values['given-name-latin'] }),
    birthDate: values['birth-date']!,
  };
  const server = serverOf(values.server, io.env);
  if (server !== undefined) {
    const citizen = await (await connectServer(server, io)).call<{ nationalId: string; surname: string; givenName: string }>('POST', '/v1/issuance/citizens', input);
    io.stdout.write(values.json ? `${JSON.stringify(citizen)}\n` : `enrolled ${citizen.surname.toUpperCase()}, ${citizen.givenName} (national ID ${citizen.nationalId})\n`);
    return 0;
  }
  const station = await open(io);
  try {
    const citizen = await asCliErrors(() =>
      enrolCitizen(
        { registry: station.registry, clock: station.engineDeps.clock, country: station.engineDeps.country },
        input,
        station.actor,
      ),
    );
    io.stdout.write(values.json ? `${JSON.stringify(citizen)}\n` : `enrolled ${citizen.surname.toUpperCase()}, ${citizen.givenName}${citizen.surnameLatin ? ` (${citizen.surnameLatin}, ${citizen.givenNameLatin})` : ''} (national ID ${citizen.nationalId})\n`);
    return 0;
  } finally {
    await station.close();
  }
}

export const run = (args: string[], io: CliIo): Promise<number> => runWith(args, io, openIssuanceStation);
