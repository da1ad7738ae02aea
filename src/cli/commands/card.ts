// `cardauth card …`: the lifecycle of an issued card (docs/architecture.md,
// flow 1 lifecycle).
//   cardauth card show     <serial>
//   cardauth card suspend  <serial> [--note <text>]
//   cardauth card resume   <serial> [--note <text>]
//   cardauth card revoke   <serial> --reason <RFC 5280 reason> [--approval <id>] [--note <text>]
//   cardauth card replace  <old serial> --reader <reader with the new blank card> [issue options]
//   cardauth card activate --reader <reader>          (hand-over: the citizen proves the PIN)
//   cardauth card unblock-pin --reader <reader>       (PUK and new PIN typed by the citizen)
//   cardauth card reset-pin --reader <reader> --approval <id>   (staff-assisted, four eyes)
// --sim-card <card file> in place of --reader: a firmware-sim card in this
// process, no pcscd (./card-source.ts).
// PINs and PUKs are read without echo on a terminal, or one per line from
// standard input when it is not a terminal; never from arguments.
import { parseArgs } from 'node:util';
import { cardSerial } from '../../card/piv/constants.js';
import { createIssuanceEngine } from '../../issuance/engine/run-job.js';
import { activateCard } from '../../issuance/lifecycle/activate.js';
import { resumeCard, revokeCard, suspendCard } from '../../issuance/lifecycle/change-status.js';
import { replaceCard } from '../../issuance/lifecycle/replace.js';
import { staffAssistedReset } from '../../issuance/lifecycle/staff-assisted-reset.js';
import { unblockPinWithPuk } from '../../issuance/lifecycle/unblock-pin.js';
import { requirePermission } from '../../access/permissions.js';
import { issuanceError } from '../../issuance/codes.js';
import type { CardSerial } from '../../issuance/types.js';
import { CliError, type CliIo } from '../io.js';
import { cardSourceOf, cardSourceOptions, withCard } from './card-source.js';
import { asCliErrors } from './issuance-errors.js';
import { connectServer, serverOf } from './server-client.js';
import { runAtStation } from './station-card.js';
import { cardholderAt, openIssuanceStation, type IssuanceStation, type OpenStation } from './issuance-station.js';

const USAGE = `usage:
  cardauth card show|suspend|resume <serial> [--note <text>]
  cardauth card revoke <serial> --reason <reason> [--approval <id>] [--note <text>]
  cardauth card replace <old serial> --reader <reader name> [--signature-key] [--on-hold]
  cardauth card activate|unblock-pin --reader <reader name>
  cardauth card reset-pin --reader <reader name> --approval <id>
  (--sim-card <firmware-sim card file> in place of --reader: the card in this process, no pcscd)
  --server URL (or CARDAUTH_SERVER): against a running service; the card actions run at this machine as a
    one-shot station (CARDAUTH_STATION_KEY); activate|unblock-pin|reset-pin take the card's serial, or the station reads it
reasons: unspecified keyCompromise affiliationChanged cessationOfOperation privilegeWithdrawn
`;

function serialArg(v: string | undefined): CardSerial {
  if (v === undefined || !/^\d{1,10}$/.test(v)) throw new CliError(`a card serial (decimal) is required\n${USAGE}`, 'usage', 2);
  try {
    return cardSerial(Number(v));
  } catch {
    throw new CliError('not a card serial', 'usage', 2);
  }
}

async function show(station: IssuanceStation, serial: CardSerial, io: CliIo): Promise<void> {
  requirePermission(station.actor, 'card.read');
  const card = await station.registry.getCard(serial);
  if (card === undefined) throw issuanceError('card_not_found', `No issued card ${serial}`);
  const certs = await station.registry.certificatesOf(serial);
  io.stdout.write(`card ${card.serial} ${card.status} (expires ${card.expiresAt.toISOString().slice(0, 10)}, uuid ${card.uuid})\n`);
  for (const c of certs) {
    io.stdout.write(`  ${c.slot.toString(16)} ${c.serialHex} ${c.status}${c.revocationReason === undefined ? '' : ` (${c.revocationReason})`}\n`);
  }
}

export async function runWith(args: string[], io: CliIo, open: OpenStation): Promise<number> {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        note: { type: 'string' },
        reason: { type: 'string' },
        approval: { type: 'string' },
        ...cardSourceOptions,
        'signature-key': { type: 'boolean' },
        'on-hold': { type: 'boolean' },
        server: { type: 'string' },
      },
      strict: true,
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  const { values, positionals } = parsed;
  if (action === undefined || action === '--help' || action === 'help') {
    io.stdout.write(USAGE);
    return action === undefined ? 2 : 0;
  }
  const known = ['show', 'suspend', 'resume', 'revoke', 'replace', 'activate', 'unblock-pin', 'reset-pin'];
  if (!known.includes(action)) throw new CliError(`unknown action '${action}'\n${USAGE}`, 'usage', 2);
  if (action === 'revoke' && values.reason === undefined) throw new CliError(`--reason is required\n${USAGE}`, 'usage', 2);
  if (action === 'reset-pin' && values.approval === undefined) throw new CliError(`--approval is required\n${USAGE}`, 'usage', 2);
  const serial = ['show', 'suspend', 'resume', 'revoke', 'replace'].includes(action) ? serialArg(positionals[0]) : undefined;
  const source = ['replace', 'activate', 'unblock-pin', 'reset-pin'].includes(action) ? cardSourceOf(values, USAGE, true) : undefined;

  const server = serverOf(values.server, io.env);
  if (server !== undefined) return cardAtServer(action, values, positionals, server, io);
  const station = await open(io);
  const lifecycle = { registry: station.registry, clock: station.engineDeps.clock, approvals: station.approvals, managementKeys: station.engineDeps.managementKeys, ...(station.engineDeps.publication === undefined ? {} : { publication: station.engineDeps.publication }) };
  const pukDisplay = { async show(puk: string) { io.stdout.write(`new PUK for the citizen (shown once, not stored): ${puk}\n`); } };
  try {
    await asCliErrors(async () => {
      switch (action) {
        case 'show':
          return show(station, serial!, io);
        case 'suspend':
          await suspendCard(lifecycle, serial!, station.actor, values.note);
          return show(station, serial!, io);
        case 'resume':
          await resumeCard(lifecycle, serial!, station.actor, values.note);
          return show(station, serial!, io);
        case 'revoke':
          await revokeCard(lifecycle, serial!, values.reason!, station.actor, {
            ...(values.approval === undefined ? {} : { approvalId: values.approval }),
            ...(values.note === undefined ? {} : { note: values.note }),
          });
          return show(station, serial!, io);
      }
      await withCard(station, source!, io, async (channel) => {
        const cardholder = cardholderAt(io, channel, pukDisplay);
        switch (action) {
          case 'replace': {
            const r = await replaceCard({ registry: station.registry, engine: createIssuanceEngine(station.engineDeps) }, serial!, {
              channel,
              options: { ...(values['signature-key'] ? { signatureKey: true } : {}), ...(values['on-hold'] ? { onHold: true } : {}) },
              actor: station.actor,
              cardholder,
            });
            io.stdout.write(`card ${r.cardSerial} replaces card ${serial}; the old card's certificates are revoked (superseded)\n`);
            return;
          }
          case 'activate':
            io.stdout.write(`card ${await activateCard(lifecycle, channel, cardholder, station.actor)} active\n`);
            return;
          case 'unblock-pin':
            io.stdout.write(`PIN of card ${await unblockPinWithPuk(lifecycle, channel, cardholder, station.actor)} unblocked\n`);
            return;
          case 'reset-pin':
            io.stdout.write(`PIN and PUK of card ${await staffAssistedReset(lifecycle, channel, cardholder, station.actor, values.approval!)} reset\n`);
            return;
        }
      });
    });
    return 0;
  } finally {
    await station.close();
  }
}

interface CardView {
  serial: number;
  status: string;
  uuid: string;
  expiresAt: string;
  certificates: { slot: string; serialHex: string; status: string; revocationReason?: string }[];
}

function printCard(card: CardView, io: CliIo): void {
  io.stdout.write(`card ${card.serial} ${card.status} (expires ${card.expiresAt.slice(0, 10)}, uuid ${card.uuid})\n`);
  for (const c of card.certificates) io.stdout.write(`  ${c.slot} ${c.serialHex} ${c.status}${c.revocationReason === undefined ? '' : ` (${c.revocationReason})`}\n`);
}

/** --server: the documented API; the card work runs at this machine as a one-shot station. */
async function cardAtServer(
  action: string,
  values: { note?: string | undefined; reason?: string | undefined; approval?: string | undefined; reader?: string | undefined; 'sim-card'?: string | undefined; 'signature-key'?: boolean | undefined; 'on-hold'?: boolean | undefined },
  positionals: string[],
  server: string,
  io: CliIo,
): Promise<number> {
  const note = values.note === undefined ? {} : { note: values.note };
  if (action === 'show' || action === 'suspend' || action === 'resume' || action === 'revoke') {
    const serial = serialArg(positionals[0]);
    const client = await connectServer(server, io);
    const card =
      action === 'show'
        ? await client.call<CardView>('GET', `/v1/issuance/cards/${serial}`)
        : await client.call<CardView>('POST', `/v1/issuance/cards/${serial}/${action}`, {
            ...note,
            ...(action === 'revoke' ? { reason: values.reason, ...(values.approval === undefined ? {} : { approvalId: values.approval }) } : {}),
          });
    printCard(card, io);
    return 0;
  }
  const source = cardSourceOf(values, USAGE, true)!;
  const given = positionals[0] === undefined && action !== 'replace' ? undefined : serialArg(positionals[0]);
  const pukLine = (puk: string) => `new PUK for the citizen (shown once, not stored): ${puk}\n`;
  const { job } = await runAtStation(
    io,
    server,
    source,
    async (client, at) => {
      // The card in the reader, as the station reported it, when no serial is given.
      let serial = given;
      if (serial === undefined) {
        const list = await client.call<{ stations: { id: string; readers: { name: string; cardSerial?: number }[] }[] }>('GET', '/v1/stations');
        const reported = list.stations.find((s) => s.id === at.stationId)?.readers.find((r) => r.name === at.reader)?.cardSerial;
        if (reported === undefined) throw new CliError(`give the card's serial: the station could not read it\n${USAGE}`, 'usage', 2);
        serial = cardSerial(reported);
      }
      const body =
        action === 'reset-pin'
          ? { ...at, approvalId: values.approval }
          : action === 'replace'
            ? { ...at, ...(values['signature-key'] ? { signatureKey: true } : {}), ...(values['on-hold'] ? { onHold: true } : {}) }
            : at;
      return client.call<{ jobId: string }>('POST', `/v1/issuance/cards/${serial}/${action}`, body);
    },
    pukLine,
  );
  const serial = String(job['cardSerial']);
  switch (action) {
    case 'replace':
      io.stdout.write(`card ${serial} replaces card ${given ?? '?'}; the old card's certificates are revoked (superseded)\n`);
      break;
    case 'activate':
      io.stdout.write(`card ${serial} active\n`);
      break;
    case 'unblock-pin':
      io.stdout.write(`PIN of card ${serial} unblocked\n`);
      break;
    case 'reset-pin':
      io.stdout.write(`PIN and PUK of card ${serial} reset\n`);
      break;
  }
  return 0;
}

export const run = (args: string[], io: CliIo): Promise<number> => runWith(args, io, openIssuanceStation);
