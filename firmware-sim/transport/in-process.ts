// The in-process transport: a reader slot inside the host process, holding a
// VirtualCard. It offers what a PC/SC reader offers — insert, remove, reset,
// ATR, transmit — without pcscd, for the embedded default and fast tests.

import type { VirtualCard } from '../card/virtual-card.js';

export class NoCardError extends Error {
  override readonly name = 'NoCardError';
  constructor(readonly readerName: string) {
    super(`no card in reader ${readerName}`);
  }
}

export type SlotEvent = { type: 'inserted'; atr: Uint8Array } | { type: 'removed' };

export class InProcessReader {
  private current: VirtualCard | undefined;
  private readonly listeners = new Set<(e: SlotEvent) => void>();

  constructor(readonly name = 'firmware-sim in-process reader') {}

  get card(): VirtualCard | undefined {
    return this.current;
  }

  /** Insert a card: it is powered (cold start) and its ATR announced. */
  insert(card: VirtualCard): void {
    if (this.current !== undefined) this.remove();
    this.current = card;
    card.powerOn();
    this.emit({ type: 'inserted', atr: card.atr() });
  }

  /** Remove the card: it loses power and with it every volatile state. */
  remove(): void {
    const c = this.current;
    if (c === undefined) return;
    this.current = undefined;
    c.powerOff();
    this.emit({ type: 'removed' });
  }

  reset(): void {
    this.require().reset();
  }

  atr(): Uint8Array {
    return this.require().atr();
  }

  transmit(apdu: Uint8Array): Promise<Uint8Array> {
    return this.require().transmit(apdu);
  }

  on(listener: (e: SlotEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private require(): VirtualCard {
    if (this.current === undefined) throw new NoCardError(this.name);
    return this.current;
  }

  private emit(e: SlotEvent): void {
    for (const l of this.listeners) l(e);
  }
}
