// The vpcd transport (vsmartcard protocol: 2-byte length frames, control codes
// 0 off / 1 on / 2 reset / 4 ATR) against a stand-in for libifdvpcd: a local
// TCP server on a free port. Covers waiting for a reader that is not up yet,
// reconnecting when it goes away (pcscd restart), and power semantics.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { runOnVpcd } from '../../firmware-sim/index.js';
import { newCard, toHex, verifyApdu, hex } from './helpers.js';
import type { TestCard } from './helpers.js';
import { waitFor } from '../support/pcsc.js';

/** A fake vpcd: accepts the card, sends frames, collects answers. */
class FakeVpcd {
  server: Server;
  sock: Socket | undefined;
  private buf = Buffer.alloc(0);
  private replies: Buffer[] = [];
  connections = 0;
  constructor() {
    this.server = createServer((s) => {
      this.connections++;
      this.sock = s;
      this.buf = Buffer.alloc(0);
      s.on('data', (d) => {
        this.buf = Buffer.concat([this.buf, d]);
        while (this.buf.length >= 2 && this.buf.length >= 2 + this.buf.readUInt16BE(0)) {
          const n = this.buf.readUInt16BE(0);
          this.replies.push(this.buf.subarray(2, 2 + n));
          this.buf = this.buf.subarray(2 + n);
        }
      });
      s.on('error', () => undefined);
    });
  }
  listen(port = 0): Promise<number> {
    return new Promise((r) => this.server.listen(port, '127.0.0.1', () => r((this.server.address() as { port: number }).port)));
  }
  send(payload: Uint8Array): void {
    const f = Buffer.alloc(2 + payload.length);
    f.writeUInt16BE(payload.length, 0);
    f.set(payload, 2);
    this.sock!.write(f);
  }
  async exchange(payload: Uint8Array): Promise<Buffer> {
    const before = this.replies.length;
    this.send(payload);
    await waitFor(() => this.replies.length > before, { what: 'a vpcd answer', timeoutMs: 5000 });
    return this.replies[before]!;
  }
  async close(): Promise<void> {
    this.sock?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('firmware-sim vpcd transport', () => {
  let t: TestCard;
  beforeEach(async () => { t = await newCard(); });
  afterEach(() => t.cleanup());

  it('answers the ATR request, APDUs, and follows power off / on / reset', async () => {
    const fake = new FakeVpcd();
    const port = await fake.listen();
    const link = runOnVpcd(t.card, { port });
    await link.whenConnected();
    await waitFor(() => fake.sock !== undefined, { what: 'accept' });
    assert.equal(toHex(await fake.exchange(Uint8Array.of(4))), '3BFD1300008131FE158073C021C057597562694B657940');
    fake.send(Uint8Array.of(1));
    assert.equal(toHex(await fake.exchange(hex('00A4040005A000000308'))).slice(-4), '9000');
    assert.equal(toHex(await fake.exchange(hex(verifyApdu('123456')))), '9000');
    assert.equal(toHex(await fake.exchange(hex('00200080'))), '9000');
    fake.send(Uint8Array.of(2));
    assert.equal(toHex(await fake.exchange(hex('00200080'))), '63C3', 'reset clears the PIN state');
    await fake.exchange(hex(verifyApdu('123456')));
    fake.send(Uint8Array.of(0));
    fake.send(Uint8Array.of(1));
    assert.equal(toHex(await fake.exchange(hex('00200080'))), '63C3', 'power cycle clears the PIN state');
    await link.close();
    await fake.close();
  });

  it('waits for a reader that is not up yet and reconnects after it restarts', async () => {
    const probe = new FakeVpcd();
    const port = await probe.listen();
    await probe.close();
    let ups = 0;
    let downs = 0;
    const link = runOnVpcd(t.card, { port, onConnected: () => ups++, onDisconnected: () => downs++ });
    assert.equal(link.connected, false);
    const first = new FakeVpcd();
    await first.listen(port);
    await link.whenConnected();
    await waitFor(() => first.sock !== undefined, { what: 'accept' });
    assert.equal((await first.exchange(Uint8Array.of(4))).length, 23, 'the ATR');
    await first.close();
    await waitFor(() => downs === 1, { what: 'disconnect noticed' });
    const second = new FakeVpcd();
    await second.listen(port);
    await waitFor(() => ups === 2 && second.sock !== undefined, { what: 'reconnect', timeoutMs: 10_000 });
    second.send(Uint8Array.of(1));
    assert.equal(toHex(await second.exchange(hex('00FD000000'))), '0504039000');
    await link.close();
    assert.equal(link.connected, false);
    await second.close();
  });
});
