// Test fixture: blank cards from the simulated factory (firmware-sim), in a
// temporary directory per test file, opened in-process behind a PivClient.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualCard, manufactureCard } from '../../firmware-sim/index.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import type { CardChannel } from '../../src/card/channel.js';
import { PivClient } from '../../src/card/piv/client.js';

export interface CardFixture {
  readonly dir: string;
  readonly factoryDir: string;
  /** A fresh blank card file. */
  newCardFile(serial?: number): Promise<string>;
  /** A fresh blank card, powered, with PIV selected through the client. */
  newCard(serial?: number): Promise<{ file: string; card: VirtualCard; channel: CardChannel; piv: PivClient }>;
  cleanup(): Promise<void>;
}

export async function cardFixture(): Promise<CardFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cardauth-card-'));
  const factoryDir = join(dir, 'factory');
  let next = 100_000;
  const channels: CardChannel[] = [];
  const newCardFile = async (serial?: number): Promise<string> => {
    const s = serial ?? next++;
    const file = join(dir, `card-${s}-${next++}.card`);
    await manufactureCard({ serial: s, out: file, factoryDir });
    return file;
  };
  return {
    dir,
    factoryDir,
    newCardFile,
    async newCard(serial) {
      const file = await newCardFile(serial);
      const card = await VirtualCard.open(file);
      const channel = await openInProcessChannel(card);
      channels.push(channel);
      const piv = new PivClient(channel);
      const sel = await piv.select();
      if (!sel.ok) throw new Error('the blank card has no PIV application');
      return { file, card, channel, piv };
    },
    async cleanup() {
      for (const c of channels) await c.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
