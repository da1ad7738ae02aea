// What a PIV command handler sees: the decoded command (chains already joined),
// the card's NVM, the volatile session and whether this command came right after
// a successful VERIFY (the PIN policy ALWAYS rule).

import type { CardStore } from '../card/store.js';
import type { Session } from './session.js';

export interface PivCommand {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** True when the command carried no data field at all (cases 1 and 2). */
  readonly noData: boolean;
}

export interface PivContext {
  readonly store: CardStore;
  readonly session: Session;
  /** This command is the one right after a successful VERIFY. */
  readonly armed: boolean;
  /** The card's random number generator (the platform CSPRNG). */
  readonly random: (n: number) => Uint8Array;
}

/** A command handler: returns the response data (status 9000) or throws SwError. */
export type Handler = (cmd: PivCommand, ctx: PivContext) => Promise<Uint8Array> | Uint8Array;
