// `cardauth station …`: issuance stations (docs/stations.md).
//   cardauth station run --server URL (--reader R … | --sim-card F …)
//       the station agent: connects out to the service with the key in
//       CARDAUTH_STATION_KEY, offers these readers (or cards), relays the
//       jobs the service runs on them, and runs the citizen's PIN and PUK
//       steps on this terminal (PINs without echo, or one per line from
//       standard input); PUKs are printed once. Runs until SIGINT/SIGTERM, or
//       until the service refuses its key (exit 1).
//   cardauth station add --name N | list | disable ID | enable ID | rotate ID   (admin, against --server)
//       add and rotate print the station's key once.
// Nothing here opens a data directory, key store or database: the station
// holds its own key, the CLI the staff member's credentials.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { CardReaders } from '../../card/channel.js';
import { openCardFileReaders } from '../../card/in-process-card-file.js';
import { localCardholder } from '../../issuance/cardholder/local.js';
import { runStationAgent } from '../../station/agent/run-agent.js';
import { createLogger } from '../../util/log.js';
import { CliError, type CliIo } from '../io.js';
import { connectServer, serverOf } from './server-client.js';
import { sharedPad, simReaderName, stationKeyOf } from './station-card.js';

const USAGE = `usage:
  cardauth station run --server URL (--reader <PC/SC reader> … | --sim-card <firmware-sim card file> …)   (key in CARDAUTH_STATION_KEY)
  cardauth station add --name <name> --server URL          prints the station id and key once
  cardauth station list --server URL
  cardauth station disable|enable|rotate <station id> --server URL   (rotate prints the new key once)
  (--server may be given as CARDAUTH_SERVER; staff sign in with CARDAUTH_STAFF_TOKEN, or CARDAUTH_STAFF_USER and CARDAUTH_STAFF_PASSWORD_FILE)
`;

interface StationView {
  id: string;
  name: string;
  status: string;
  online: boolean;
  lastSeenAt: string | null;
  readers: { name: string; cardPresent: boolean; cardSerial?: number }[];
}

/** Several card files, each in its own reader, as one reader set. */
async function simReaders(files: readonly string[], io: CliIo): Promise<CardReaders> {
  const sets: { name: string; readers: CardReaders }[] = [];
  try {
    for (const f of files) {
      const name = simReaderName(f);
      sets.push({ name, readers: await openCardFileReaders(f, name, { onFault: (_e, ins) => io.stderr.write(`cardauth: the simulated card ${name} had an internal fault on INS ${ins?.toString(16) ?? '??'}\n`) }) });
    }
  } catch (e) {
    for (const s of sets) await s.readers.close();
    throw e;
  }
  const of = (name: string): CardReaders => {
    const s = sets.find((x) => x.name === name);
    if (s === undefined) throw Object.assign(new Error(`no reader ${name}`), { code: 'reader_not_found' });
    return s.readers;
  };
  return {
    list: async () => (await Promise.all(sets.map((s) => s.readers.list()))).flat(),
    waitForCard: (name, o) => of(name).waitForCard(name, o),
    on: (event, listener) => {
      const offs = sets.map((s) => s.readers.on(event, listener));
      return () => offs.forEach((off) => off());
    },
    connect: (name, o) => of(name).connect(name, o),
    close: async () => {
      for (const s of sets) await s.readers.close();
    },
  };
}

async function runAgent(values: { reader?: string[] | undefined; 'sim-card'?: string[] | undefined }, server: string, io: CliIo): Promise<number> {
  const { key } = stationKeyOf(io.env);
  const pcsc = values.reader ?? [];
  const sims = values['sim-card'] ?? [];
  if ((pcsc.length === 0) === (sims.length === 0)) throw new CliError(`give --reader (PC/SC readers) or --sim-card (card files), one or more\n${USAGE}`, 'usage', 2);
  let readers: CardReaders;
  let offered: string[];
  if (pcsc.length > 0) {
    const { PcscReaders } = await import('../../card/pcsc/index.js');
    readers = await PcscReaders.open();
    offered = pcsc;
  } else {
    readers = await simReaders(sims, io);
    offered = sims.map(simReaderName);
  }
  const padFor = sharedPad(io);
  const stop = Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  const agent = runStationAgent({
    server,
    key,
    readers,
    offered,
    cardholderFor: (reader, channel) =>
      localCardholder(channel, padFor(reader), {
        async show(puk) {
          io.stdout.write(`${reader}: PUK for the citizen (shown once, not stored): ${puk}\n`);
        },
      }),
    log: createLogger({ level: 'warn' }),
    onStatus: (s) => {
      if (s.kind === 'connected') io.stdout.write(`station ${s.name} (${s.stationId}) connected to ${server}; readers: ${offered.join(', ')}\n`);
      else if (s.kind === 'disconnected') io.stderr.write(`connection to the service closed (${s.code}${s.reason ? ` ${s.reason}` : ''}); connecting again\n`);
      else io.stderr.write(`the service refused this station (${s.code})\n`);
    },
    onJob: (e) => io.stderr.write(`${e.reader}: job ${e.job} ${e.kind === 'open' ? 'started' : 'ended'}\n`),
  });
  try {
    const end = await Promise.race([stop.then(() => ({ reason: 'signal' as const })), agent.stopped]);
    if (end.reason === 'refused') throw new CliError(`the service refused this station's key`, (end as { code?: string }).code ?? 'station_unauthorized', 1);
    return 0;
  } finally {
    await agent.stop();
    await readers.close().catch(() => undefined);
    // The PIN pad's standard input would keep the process alive.
    io.stdin.destroy();
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { server: { type: 'string' }, name: { type: 'string' }, reader: { type: 'string', multiple: true }, 'sim-card': { type: 'string', multiple: true } },
      strict: true,
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  const { values, positionals } = parsed;
  if (action === undefined || action === 'help' || action === '--help') {
    io.stdout.write(USAGE);
    return action === undefined ? 2 : 0;
  }
  const server = serverOf(values.server, io.env);
  if (server === undefined) throw new CliError(`--server URL (or CARDAUTH_SERVER) is required: stations work against a running service\n${USAGE}`, 'usage', 2);
  if (action === 'run') return runAgent(values, server, io);
  const client = await connectServer(server, io);
  switch (action) {
    case 'add': {
      if (values.name === undefined) throw new CliError(`--name is required\n${USAGE}`, 'usage', 2);
      const r = await client.call<{ id: string; name: string; key: string }>('POST', '/v1/stations', { name: values.name });
      io.stdout.write(`station ${r.name}: ${r.id}\nkey (shown once, not stored; give it to the station as CARDAUTH_STATION_KEY): ${r.key}\n`);
      return 0;
    }
    case 'list': {
      const r = await client.call<{ stations: StationView[] }>('GET', '/v1/stations');
      for (const s of r.stations) {
        const readers = s.readers.map((x) => `${x.name}${x.cardPresent ? ` [card${x.cardSerial === undefined ? '' : ` ${x.cardSerial}`}]` : ''}`).join(', ');
        io.stdout.write(`${s.id}  ${s.name}  ${s.status}  ${s.online ? `online${readers ? `: ${readers}` : ''}` : `offline (last seen ${s.lastSeenAt ?? 'never'})`}\n`);
      }
      return 0;
    }
    case 'disable':
    case 'enable':
    case 'rotate': {
      const id = positionals[0];
      if (id === undefined) throw new CliError(`a station id is required\n${USAGE}`, 'usage', 2);
      if (action === 'rotate') {
        const r = await client.call<{ key: string }>('POST', `/v1/stations/${encodeURIComponent(id)}/rotate`, {});
        io.stdout.write(`new key (shown once, not stored; the old one is refused from now on): ${r.key}\n`);
      } else {
        const r = await client.call<StationView>('POST', `/v1/stations/${encodeURIComponent(id)}/${action}`, {});
        io.stdout.write(`station ${r.name} ${r.status}\n`);
      }
      return 0;
    }
    default:
      throw new CliError(`unknown action '${action}'\n${USAGE}`, 'usage', 2);
  }
}
