// A card command with --server acts as a one-shot station for its job: it
// connects to the service as the station whose key is in
// CARDAUTH_STATION_KEY, offers the one reader it was given (a PC/SC reader,
// or a firmware-sim card file in this process), asks the service, as the
// signed-in officer, to run the job there, runs the PIN and PUK steps on this
// terminal when the service asks, prints the progress, and ends with the job.
// It opens no data directory, key store, master secret or database.
import { basename } from 'node:path';
import type { CardReaders } from '../../card/channel.js';
import { openCardFileReaders } from '../../card/in-process-card-file.js';
import { localCardholder } from '../../issuance/cardholder/local.js';
import { stationPinPadFor } from '../../issuance/pin-pad/station-pin-pad.js';
import type { PinPad, PukDisplay } from '../../issuance/ports/station.js';
import { runStationAgent, type StationAgent } from '../../station/agent/run-agent.js';
import { parseStationKey } from '../../station/credentials.js';
import { createLogger } from '../../util/log.js';
import { CliError, type CliIo } from '../io.js';
import type { CardSource } from './card-source.js';
import { connectServer, type ServerClient } from './server-client.js';

/** The reader name a firmware-sim card file is offered under. */
export function simReaderName(file: string): string {
  return `sim:${basename(file)}`;
}

/** Readers of a card source: the PC/SC readers (only the named one is offered) or the card file's own reader. */
export async function readersOf(source: CardSource, io: CliIo): Promise<{ readers: CardReaders; reader: string }> {
  if ('reader' in source) {
    const { PcscReaders } = await import('../../card/pcsc/index.js');
    return { readers: await PcscReaders.open(), reader: source.reader };
  }
  const reader = simReaderName(source.simCard);
  const readers = await openCardFileReaders(source.simCard, reader, {
    onFault: (_e, ins) => io.stderr.write(`cardauth: the simulated card had an internal fault on INS ${ins?.toString(16).padStart(2, '0') ?? '??'}\n`),
  });
  return { readers, reader };
}

/** One PIN pad over this terminal for every job of the station, one entry at a time. */
export function sharedPad(io: CliIo): (reader: string) => PinPad {
  const pad = stationPinPadFor(io.stdin as never, io.stderr);
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(f: () => Promise<T>): Promise<T> => {
    const next = turn.then(f, f);
    turn = next.catch(() => undefined);
    return next;
  };
  return () => ({
    readNewPin: (p) => inTurn(() => pad.readNewPin(p)),
    readPin: (p) => inTurn(() => pad.readPin(p)),
  });
}

export function stationKeyOf(env: NodeJS.ProcessEnv): { key: string; stationId: string } {
  const key = env['CARDAUTH_STATION_KEY'];
  const parsed = parseStationKey(key);
  if (key === undefined || parsed === undefined) {
    throw new CliError('set CARDAUTH_STATION_KEY to this station’s key (from cardauth station add, or POST /v1/stations)', 'station_key_missing', 2);
  }
  return { key, stationId: parsed.stationId };
}

export interface StationJobResult {
  readonly job: Record<string, unknown>;
}

const describeEvent = (event: string, d: Record<string, unknown>): string | undefined => {
  switch (event) {
    case 'job':
      return `${d['resumed'] ? 'resuming' : 'starting'} job ${String(d['jobId'])}${Number(d['attempt']) > 1 ? ` (attempt ${String(d['attempt'])})` : ''}`;
    case 'step-start':
      return `[${String(d['index'])}/${String(d['total'])}] ${String(d['title'])} …`;
    case 'step-done':
      return `[${String(d['index'])}/${String(d['total'])}] done (${String(d['ms'])} ms)`;
    case 'step-skipped':
      return `[${String(d['index'])}/${String(d['total'])}] ${String(d['step'])}: already done`;
    case 'wipe':
      return `the card is being wiped and personalised again: ${String(d['reason'])}`;
    default:
      return undefined;
  }
};

/**
 * Run one job at this machine as a one-shot station: connect, offer the
 * reader, `start` the job (an HTTP call as the officer, answering {jobId}),
 * follow it to its end. Returns the job's final view; a failed job throws its code.
 */
export async function runAtStation(
  io: CliIo,
  server: string,
  source: CardSource,
  start: (client: ServerClient, at: { stationId: string; reader: string }) => Promise<{ jobId: string }>,
  pukLine: (puk: string) => string,
): Promise<StationJobResult> {
  const { key, stationId } = stationKeyOf(io.env);
  const client = await connectServer(server, io);
  const { readers, reader } = await readersOf(source, io);
  let agent: StationAgent | undefined;
  try {
    const padFor = sharedPad(io);
    const display: PukDisplay = {
      async show(puk) {
        io.stdout.write(pukLine(puk));
      },
    };
    agent = runStationAgent({
      server,
      key,
      readers,
      offered: [reader],
      cardholderFor: (r, channel) => localCardholder(channel, padFor(r), display),
      log: createLogger({ level: 'error' }),
      reconnect: false,
    });
    await agent.connected.catch((e: { code?: string; message: string }) => {
      throw new CliError(e.message, e.code ?? 'station_unauthorized', 1);
    });
    await waitForReader(client, stationId, reader);
    const { jobId } = await start(client, { stationId, reader });
    let failed: { code: string; message: string } | undefined;
    await client.events(`/v1/issuance/jobs/${jobId}/events`, (event, d) => {
      const line = describeEvent(event, d);
      if (line !== undefined) io.stderr.write(`${line}\n`);
      if (event === 'failed') failed = { code: String(d['code']), message: String(d['message']) };
      return event === 'done' || event === 'failed';
    });
    const job = await client.call(`GET`, `/v1/issuance/jobs/${jobId}`);
    if (failed !== undefined) throw new CliError(`${failed.message} (job ${jobId})`, failed.code, 1);
    return { job };
  } finally {
    await agent?.stop();
    await readers.close().catch(() => undefined);
  }
}

async function waitForReader(client: ServerClient, stationId: string, reader: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = await client.call<{ stations: { id: string; readers: { name: string }[] }[] }>('GET', '/v1/stations');
    if (r.stations.some((s) => s.id === stationId && s.readers.some((x) => x.name === reader))) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new CliError(`the service does not see reader "${reader}" of this station`, 'reader_not_found', 1);
}
