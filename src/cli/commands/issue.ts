// `cardauth issue`: personalise the blank card in a reader of this station for
// an enrolled citizen, step by step (flow 1 of docs/architecture.md), or resume the
// unfinished job of the card in the reader.
//   cardauth issue --reader <reader name> --national-id <id>
//                  [--signature-key] [--on-hold] [--expires YYYY-MM-DD]
//                  [--management-key aes256|3des] [--pin-retries N] [--puk-retries N]
//   cardauth issue --reader <reader name> --resume [--job <id>] [--take-over]
//   cardauth issue --cancel --job <id> [--reader <reader name>] [--take-over]
//     (the citizen left: the card in the reader is wiped and goes back to the
//     stock; without a reader the card is set aside as 'rejected')
// --sim-card <card file> instead of --reader: a firmware-sim card in this
// process, no pcscd (./card-source.ts).
// The citizen types the PIN at this station: on the terminal without echo,
// or one line on standard input when it is not a terminal. Never in argv.
// The PUK is printed once, on standard output, for the citizen's letter.
import { parseArgs } from 'node:util';
import { createIssuanceEngine } from '../../issuance/engine/run-job.js';
import type { JobOptions } from '../../issuance/engine/job.js';
import type { ProgressEvent } from '../../issuance/ports/station.js';
import { isJobId, type JobId } from '../../issuance/types.js';
import { CliError, type CliIo } from '../io.js';
import { cardSourceOf, cardSourceOptions, connectCard, withCard } from './card-source.js';
import { asCliErrors } from './issuance-errors.js';
import { serverOf } from './server-client.js';
import { runAtStation } from './station-card.js';
import { cardholderAt, openIssuanceStation, type OpenStation } from './issuance-station.js';

const USAGE = `usage:
  cardauth issue --reader <reader name> --national-id <id> [--signature-key] [--on-hold] [--expires YYYY-MM-DD]
                 [--management-key aes256|3des] [--pin-retries N] [--puk-retries N]
  cardauth issue --reader <reader name> --resume [--job <id>] [--take-over]
  cardauth issue --cancel --job <id> [--reader <reader name with the card>] [--take-over]
  cardauth issue --server URL (--reader R | --sim-card F) --national-id <id> [--signature-key] [--on-hold]
    (a one-shot station: CARDAUTH_STATION_KEY and the officer's credentials; the engine runs in the service)
  (--sim-card <firmware-sim card file> in place of --reader: the card in this process, no pcscd)
`;

function progressPrinter(io: CliIo): (e: ProgressEvent) => void {
  return (e) => {
    switch (e.kind) {
      case 'job':
        io.stderr.write(`${e.resumed ? 'resuming' : 'starting'} job ${e.jobId}${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}\n`);
        break;
      case 'step-start':
        io.stderr.write(`[${e.index}/${e.total}] ${e.title} …\n`);
        break;
      case 'step-done':
        io.stderr.write(`[${e.index}/${e.total}] done (${e.ms} ms)\n`);
        break;
      case 'step-skipped':
        io.stderr.write(`[${e.index}/${e.total}] ${e.step}: already done\n`);
        break;
      case 'wipe':
        io.stderr.write(`the card is being wiped and personalised again: ${e.reason}\n`);
        break;
      case 'done':
        io.stderr.write(`card ${e.cardSerial} personalised\n`);
        break;
    }
  };
}

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{1,2}$/.test(v)) throw new CliError(`--${name} must be a whole number`, 'usage', 2);
  return Number(v);
}

export async function runWith(args: string[], io: CliIo, open: OpenStation): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        ...cardSourceOptions,
        'national-id': { type: 'string' },
        resume: { type: 'boolean' },
        cancel: { type: 'boolean' },
        job: { type: 'string' },
        'take-over': { type: 'boolean' },
        'signature-key': { type: 'boolean' },
        'on-hold': { type: 'boolean' },
        expires: { type: 'string' },
        'management-key': { type: 'string' },
        'pin-retries': { type: 'string' },
        'puk-retries': { type: 'string' },
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
  const server = serverOf(values.server, io.env);
  if (server !== undefined) return issueAtServer(values, server, io);
  if (values.cancel) {
    if (values.job === undefined || !isJobId(values.job)) throw new CliError(`--cancel needs --job <id>\n${USAGE}`, 'usage', 2);
    const source = cardSourceOf(values, USAGE, false);
    const station = await open(io);
    try {
      const channel = source === undefined ? undefined : await asCliErrors(() => connectCard(station, source, io));
      try {
        const r = await asCliErrors(() =>
          createIssuanceEngine(station.engineDeps).cancel({
            jobId: values.job as JobId,
            actor: station.actor,
            ...(channel === undefined ? {} : { channel }),
            ...(values['take-over'] ? { takeOver: true } : {}),
          }),
        );
        io.stdout.write(`job ${values.job} cancelled; ${r.wiped ? 'card wiped and back in stock' : 'card set aside (rejected) until wiped'}\n`);
        return 0;
      } finally {
        await channel?.close({ disposition: 'reset' }).catch(() => undefined);
      }
    } finally {
      await station.close();
    }
  }
  const source = cardSourceOf(values, USAGE, true)!;
  if ((values['national-id'] === undefined) === (values.resume !== true)) {
    throw new CliError(`give either --national-id (new card) or --resume\n${USAGE}`, 'usage', 2);
  }
  if (values.job !== undefined && !isJobId(values.job)) throw new CliError('--job must be a job id (UUID)', 'usage', 2);
  const mgm = values['management-key'];
  if (mgm !== undefined && mgm !== 'aes256' && mgm !== '3des') throw new CliError('--management-key must be aes256 or 3des', 'usage', 2);
  if (values.expires !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.expires)) throw new CliError('--expires must be YYYY-MM-DD', 'usage', 2);
  const options: Partial<JobOptions> = {
    ...(values['signature-key'] ? { signatureKey: true } : {}),
    ...(values['on-hold'] ? { onHold: true } : {}),
    ...(values.expires === undefined ? {} : { expiresAt: new Date(`${values.expires}T23:59:59Z`).toISOString() }),
    ...(mgm === undefined ? {} : { managementKeyType: mgm === '3des' ? ('TDES' as const) : ('AES256' as const) }),
    ...(positiveInt(values['pin-retries'], 'pin-retries') === undefined ? {} : { pinRetries: Number(values['pin-retries']) }),
    ...(positiveInt(values['puk-retries'], 'puk-retries') === undefined ? {} : { pukRetries: Number(values['puk-retries']) }),
  };

  const station = await open(io);
  try {
    return await asCliErrors(() =>
      withCard(station, source, io, async (channel) => {
        const result = await createIssuanceEngine(station.engineDeps).personalise({
          channel,
          ...(values['national-id'] === undefined ? {} : { nationalId: values['national-id'] }),
          ...(values.job === undefined ? {} : { jobId: values.job as JobId }),
          ...(values['take-over'] ? { takeOver: true } : {}),
          options,
          actor: station.actor,
          cardholder: cardholderAt(io, channel, {
            async show(puk) {
              io.stdout.write(`PUK for the citizen (shown once, not stored): ${puk}\n`);
            },
          }),
          progress: progressPrinter(io),
        });
        io.stdout.write(
          `card ${result.cardSerial} ${result.status === 'active' ? 'active' : 'issued on hold: activate at hand-over with `cardauth card activate`'}; ` +
            `certificates ${result.certificates.map((c) => `${c.slot.toString(16)}:${c.serialHex}`).join(', ')}; job ${result.jobId}\n`,
        );
        return 0;
      }),
    );
  } finally {
    await station.close();
  }
}

/** --server: this machine is a one-shot station; the engine runs in the service. */
async function issueAtServer(values: Record<string, string | boolean | undefined>, server: string, io: CliIo): Promise<number> {
  const direct = ['cancel', 'job', 'take-over', 'expires', 'management-key', 'pin-retries', 'puk-retries'].filter((k) => values[k] !== undefined);
  if (direct.length > 0) throw new CliError(`with --server, ${direct.map((k) => `--${k}`).join(', ')} ${direct.length > 1 ? 'are' : 'is'} not available\n${USAGE}`, 'usage', 2);
  const nationalId = values['national-id'];
  if (typeof nationalId !== 'string') {
    throw new CliError(`with --server, give --national-id (an interrupted job of that citizen's card is resumed)\n${USAGE}`, 'usage', 2);
  }
  const source = cardSourceOf(values as { reader?: string; 'sim-card'?: string }, USAGE, true)!;
  const { job } = await runAtStation(
    io,
    server,
    source,
    (client, at) =>
      client.call('POST', '/v1/issuance/personalisations', {
        ...at,
        nationalId,
        ...(values['signature-key'] ? { signatureKey: true } : {}),
        ...(values['on-hold'] ? { onHold: true } : {}),
      }),
    (puk) => `PUK for the citizen (shown once, not stored): ${puk}\n`,
  );
  const certs = (job['certificates'] as { slot: string; serialHex: string }[]).map((c) => `${c.slot}:${c.serialHex}`).join(', ');
  io.stdout.write(
    `card ${String(job['cardSerial'])} ${values['on-hold'] ? 'issued on hold: activate at hand-over with `cardauth card activate`' : 'active'}; certificates ${certs}; job ${String(job['id'])}\n`,
  );
  return 0;
}

export const run = (args: string[], io: CliIo): Promise<number> => runWith(args, io, openIssuanceStation);
