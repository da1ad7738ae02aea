// Where the per-card management key comes from (flow 1 step 3 of
// docs/architecture.md): a per-card key derived from a master secret and the
// card serial; the master secret lives in the key store, never in the
// database, so a database dump opens no card.
import type { CardSerial, ManagementKeyType } from '../types.js';

export interface ManagementKeySource {
  /** The card's diversified key; the caller zeroes it after use. */
  derive(serial: CardSerial, type: ManagementKeyType): Promise<Uint8Array>;
}
