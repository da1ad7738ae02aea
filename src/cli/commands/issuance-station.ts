// What the issuance commands (enrol, issue, card) work with: the registry,
// the engine's dependencies, the signed-in staff member, and the station's
// readers. The real composition (openIssuanceStation) builds it from the
// environment; tests hand in their own.
//
// Staff credentials: CARDAUTH_STAFF_TOKEN holds a staff session token (from
// `cardauth staff login` or POST /v1/staff/login); it is resolved to the staff
// member and role by the staff module. Never a password on the command line.
import type { CardChannel } from '../../card/channel.js';
import type { EngineDeps } from '../../issuance/engine/context.js';
import type { ApprovalGate } from '../../issuance/ports/approvals.js';
import type { Actor, IssuanceRegistry } from '../../issuance/ports/registry.js';
import type { PinPad } from '../../issuance/ports/station.js';
import { stationPinPad } from '../../issuance/pin-pad/tty-pin-pad.js';
import { streamPinPad } from '../../issuance/pin-pad/stream-pin-pad.js';
import { CliError, type CliIo } from '../io.js';

export interface IssuanceStation {
  readonly registry: IssuanceRegistry;
  readonly engineDeps: EngineDeps;
  readonly approvals: ApprovalGate;
  readonly actor: Actor;
  /** Connect to the card in the named reader of this station. */
  connect(readerName: string): Promise<CardChannel>;
  /** Names of the station's readers (for error messages). */
  readers(): Promise<string[]>;
  close(): Promise<void>;
}

export type OpenStation = (io: CliIo) => Promise<IssuanceStation>;

export function pinPadFor(io: CliIo): PinPad {
  return stationPinPad(io.stdin as never, io.stderr, streamPinPad);
}

/** The production composition: set by the composition root (src/compose) at start-up. */
let productionOpen: OpenStation | undefined;

export function setIssuanceStationFactory(open: OpenStation): void {
  productionOpen = open;
}

export const openIssuanceStation: OpenStation = async (io) => {
  if (productionOpen === undefined) {
    throw new CliError('the issuance station is not wired in this build (composition root missing)', 'station_unavailable', 70);
  }
  if (!io.env['CARDAUTH_STAFF_TOKEN']) {
    throw new CliError('sign in first: set CARDAUTH_STAFF_TOKEN to a staff session token (cardauth staff login)', 'staff_token_missing', 2);
  }
  return productionOpen(io);
};
