// `npm run bench:card`: what a card costs the host, as ratios measured in one
// run (the machine is noisy; compare within a run only).
//
// - APDUs per second: GET VERSION (`00FD000000`) and SELECT PIV in a loop.
// - A full sign as the terminal does it: SELECT, VERIFY, GENERAL AUTHENTICATE
//   (ECDSA P-256 over a 32-byte digest, key with PIN policy ALWAYS).
// Each in-process (firmware-sim card object in this process) and through
// pcscd + vpcd (the card in a `firmware-sim run` process), beside the host's
// raw P-256 signing rate (node:crypto over a message, @noble/curves over a
// digest, which is what the card does).
//
// What dominates the PC/SC figures here: Debian's vsmartcard-vpcd 3.3 sends
// each C-APDU to the card as two send() calls (2-byte length, then the APDU)
// on a socket with Nagle's algorithm on, so the APDU waits for the card
// side's delayed ACK of the length (~40 ms on Linux). A two-write TCP
// exchange between two Node sockets shows the same 44 ms median (0.2 ms with
// one write). A USB YubiKey does not have this stall.
//
// Usage: npm run bench:card [-- --seconds 2] [-- --no-pcsc]
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { p256 } from '@noble/curves/nist.js';
import { VirtualCard, manufactureCard } from '../../firmware-sim/index.js';
import type { CardChannel } from '../../src/card/channel.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { PcscReaders } from '../../src/card/pcsc/index.js';
import { PivClient } from '../../src/card/piv/client.js';
import { factoryDefaults, pivKeySlots } from '../../src/card/piv/constants.js';
import { acquireReader, startSimCard } from '../../test/support/pcsc.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '2' }, 'no-pcsc': { type: 'boolean', default: false } },
});
const SECONDS = Number(values.seconds);
const DIGEST = createHash('sha256').update('cardauth bench').digest();

interface Rate {
  perSecond: number;
  medianMs: number;
  n: number;
}

/** Run `op` repeatedly for about `seconds` (after a short warm-up); ops/s and median latency. */
async function measure(op: () => Promise<unknown> | unknown, seconds = SECONDS): Promise<Rate> {
  for (let i = 0; i < 5; i++) await op();
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < until) {
    const t0 = process.hrtime.bigint();
    await op();
    now = process.hrtime.bigint();
    samples.push(Number(now - t0) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const total = Number(now - start) / 1e9;
  return { perSecond: samples.length / total, medianMs: samples[Math.floor(samples.length / 2)]!, n: samples.length };
}

function must<T extends { ok: boolean }>(r: T, what: string): T {
  if (!r.ok) throw new Error(`${what} failed: ${JSON.stringify(r)}`);
  return r;
}

/** Personalise for the bench: a P-256 key in 9A with PIN policy ALWAYS. */
async function prepare(piv: PivClient): Promise<void> {
  must(await piv.select(), 'SELECT');
  must(await piv.authenticateManagementKey(factoryDefaults.managementKey(), 'TDES'), 'management key');
  must(await piv.generateKey(pivKeySlots.AUTHENTICATION, 'ECCP256', { pinPolicy: 'always' }), 'generate');
}

async function cardFigures(channel: CardChannel): Promise<{ getVersion: Rate; select: Rate; fullSign: Rate }> {
  const piv = new PivClient(channel);
  await prepare(piv);
  const getVersionApdu = Uint8Array.of(0x00, 0xfd, 0x00, 0x00, 0x00);
  const getVersion = await measure(() => channel.transmit(getVersionApdu));
  const select = await measure(async () => must(await piv.select(), 'SELECT'));
  const fullSign = await measure(async () => {
    must(await piv.select(), 'SELECT');
    must(await piv.verifyPinAndSign('123456', pivKeySlots.AUTHENTICATION, 'ECCP256', DIGEST), 'VERIFY + sign');
  });
  return { getVersion, select, fullSign };
}

const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const ms = (n: number): string => (n < 1 ? `${(n * 1000).toFixed(0)} µs` : `${n.toFixed(2)} ms`);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cardauth-bench-card-'));
  try {
    const factoryDir = join(dir, 'factory');
    await manufactureCard({ serial: 900001, out: join(dir, 'a.card'), factoryDir });
    await manufactureCard({ serial: 900002, out: join(dir, 'b.card'), factoryDir });

    // Host raw P-256 signing.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const message = Buffer.from('cardauth bench message');
    const nodeSign = await measure(() => sign('sha256', message, privateKey));
    const sk = p256.utils.randomSecretKey();
    const nobleSign = await measure(() => p256.sign(DIGEST, sk, { prehash: false }));

    const card = await VirtualCard.open(join(dir, 'a.card'));
    const direct = await openInProcessChannel(card);
    const inProc = await cardFigures(direct);
    await direct.close();

    let pcsc: Awaited<ReturnType<typeof cardFigures>> | undefined;
    if (!values['no-pcsc']) {
      const lease = await acquireReader();
      const sim = await startSimCard({ cardFile: join(dir, 'b.card'), port: lease.port });
      const readers = await PcscReaders.open();
      try {
        await readers.waitForCard(lease.readerName, { timeoutMs: 30_000 });
        const channel = await readers.connect(lease.readerName);
        pcsc = await cardFigures(channel);
        await channel.close();
      } finally {
        await readers.close();
        await sim.stop();
        await lease.release();
      }
    }

    const rows: string[] = [];
    const row = (name: string, ip: Rate, pc: Rate | undefined, note: string): void => {
      rows.push(`| ${name} | ${fmt(ip.perSecond)}/s (${ms(ip.medianMs)}) | ${pc === undefined ? 'n/a' : `${fmt(pc.perSecond)}/s (${ms(pc.medianMs)})`} | ${pc === undefined ? 'n/a' : `${(ip.perSecond / pc.perSecond).toFixed(1)}×`} | ${note} |`);
    };
    console.log(`\n## bench:card — ${new Date().toISOString()}, Node ${process.version}, ~${SECONDS}s per figure\n`);
    console.log('| operation | in-process (median) | through pcscd + vpcd (median) | in-process / PC/SC | note |');
    console.log('|---|---|---|---|---|');
    row('GET VERSION (1 APDU)', inProc.getVersion, pcsc?.getVersion, 'raw channel.transmit');
    row('SELECT PIV (1 APDU)', inProc.select, pcsc?.select, 'through PivClient');
    row('full sign: SELECT + VERIFY + GENERAL AUTHENTICATE P-256', inProc.fullSign, pcsc?.fullSign, '3 APDUs, PIN policy ALWAYS');
    for (const r of rows) console.log(r);
    if (pcsc !== undefined && pcsc.getVersion.medianMs > 30) {
      console.log('\nPC/SC per-APDU time is dominated by the vpcd link (Nagle + delayed ACK, ~40 ms per C-APDU; see the header of this script).');
    }
    console.log('\n| host raw P-256 sign | per second (median) | card full sign in-process is | card full sign via pcscd is |');
    console.log('|---|---|---|---|');
    for (const [name, rate] of [['node:crypto sign (SHA-256 + ECDSA)', nodeSign], ['@noble/curves sign of a digest', nobleSign]] as const) {
      const ratio = (card: Rate | undefined): string => (card === undefined ? 'n/a' : `${(rate.perSecond / card.perSecond).toFixed(1)}× slower`);
      console.log(`| ${name} | ${fmt(rate.perSecond)}/s (${ms(rate.medianMs)}) | ${ratio(inProc.fullSign)} | ${ratio(pcsc?.fullSign)} |`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The reader lease's release() waits for an unref'd lock process to exit; in
// a plain script nothing else keeps the event loop alive meanwhile.
const keepAlive = setInterval(() => undefined, 1000);
try {
  await main();
} finally {
  clearInterval(keepAlive);
}
