// A card in a slot: power (ISO/IEC 7816-3 §6.2 activation, §6.3 deactivation,
// warm reset), the answer-to-reset, and transmit. Commands are processed one at
// a time in arrival order, as a card's single CPU does; a state change is on
// disk before its response is returned.

import { PivApplet } from '../piv/applet.js';
import { YUBIKEY5_ATR } from '../piv/constants.js';
import { CardStore, loadCardFile, removeStaleTempFiles } from './store.js';
import type { CardState } from './state.js';

export class CardPowerError extends Error {
  override readonly name = 'CardPowerError';
  constructor() {
    super('the card is not powered');
  }
}

export interface VirtualCardOptions {
  /**
   * Called when a command hits an internal fault (the card answers 6F00 and
   * keeps its NVM unchanged). The error never carries PIN, PUK or key values.
   */
  readonly onFault?: (error: unknown, ins: number | undefined) => void;
}

export class VirtualCard {
  private readonly store: CardStore;
  private readonly applet: PivApplet;
  private powered = true;
  private queue: Promise<unknown> = Promise.resolve();

  /** Prefer VirtualCard.open(file); a state without a path lives in memory only. */
  constructor(state: CardState, path?: string, options: VirtualCardOptions = {}) {
    this.store = new CardStore(path, state);
    this.applet = new PivApplet(this.store, options.onFault);
  }

  /** Load a card file. The card comes back powered, PIV selected, nothing verified. */
  static async open(cardFile: string, options: VirtualCardOptions = {}): Promise<VirtualCard> {
    const state = await loadCardFile(cardFile);
    await removeStaleTempFiles(cardFile);
    return new VirtualCard(state, cardFile, options);
  }

  get serial(): number {
    return this.store.state.serial;
  }

  get isPowered(): boolean {
    return this.powered;
  }

  atr(): Uint8Array {
    return YUBIKEY5_ATR.slice();
  }

  /** Cold start: volatile state fresh, PIV selected by default. */
  powerOn(): void {
    this.powered = true;
    this.applet.resetSession();
  }

  /** Deactivation: every volatile state (PIN verified, authentications, chains) is lost. */
  powerOff(): void {
    this.powered = false;
    this.applet.resetSession();
  }

  /** Warm reset: the same loss of volatile state, the card stays powered. */
  reset(): void {
    this.powered = true;
    this.applet.resetSession();
  }

  /** Send one C-APDU, get the R-APDU (response data ‖ SW1 SW2). */
  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const run = async (): Promise<Uint8Array> => {
      if (!this.powered) throw new CardPowerError();
      return this.applet.process(Uint8Array.from(apdu));
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Wait until every command sent so far has been answered (and persisted). */
  async idle(): Promise<void> {
    await this.queue;
  }
}
