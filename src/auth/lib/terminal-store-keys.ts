// Store keys of the terminal's side of a challenge (beside lib/store-keys.ts,
// same rule: the owning RP is in every key, so a caller can only ever name
// its own).
//   auth:tn:<rpId>:<terminalId>  the newest challenge made for the terminal
//                                (its id), written by challenge creation in
//                                the same round trip, read by the terminal's
//                                long poll (next-challenge-for-terminal.ts)
//   auth:chh:<rpId>:<id>         the progress hint the terminal last reported
//                                (progress-hints.ts)
// RpId has no ':' (types.ts), so a terminal id with ':' in it is unambiguous
// as the last part.
import type { RpId, TerminalId } from '../../rp/ids.js';
import type { ChallengeId } from '../wire.js';

export const terminalNextKey = (rpId: RpId, terminalId: TerminalId) => `auth:tn:${rpId}:${terminalId}`;
export const challengeHintKey = (rpId: RpId, id: ChallengeId) => `auth:chh:${rpId}:${id}`;
