// The simulated card through real pcscd + vpcd, driven by
// the unmodified Debian yubico-piv-tool (libykpiv 2.2.0) and checked with openssl.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, setupSimCard } from '../support/pcsc.js';
import type { SimCardFixture, ToolResult } from '../support/pcsc.js';
import { factoryRootPem } from '../../firmware-sim/index.js';
import { cardApdus, certifyPublicKey } from './card-tools.js';

describe('e2e card: yubico-piv-tool through pcscd and vpcd', function () {
  this.timeout(300_000);
  let f: SimCardFixture;
  const ypt = (...args: string[]): Promise<ToolResult> => runTool('yubico-piv-tool', ['-r', f.readerName, ...args]);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await ypt(...args);
    assert.equal(r.code, 0, `yubico-piv-tool ${args.join(' ')}: ${r.stderr}\nsimulator: ${f.sim.stderr()}`);
    return r.stdout + r.stderr;
  };

  beforeEach(async () => { f = await setupSimCard({ serial: 5_100_000 + Math.floor(Math.random() * 100_000) }); });
  afterEach(async () => { await f.teardown(); });

  it('status shows version 5.4.3, the serial and 3 PIN tries; verify-pin, change-pin, pin retries', async () => {
    const status = await ok('-a', 'status');
    assert.match(status, /Version:\s+5\.4\.3/);
    assert.match(status, /Serial Number:\s+\d+/);
    assert.match(status, /PIN tries left:\s+3/);
    assert.match(await ok('-a', 'verify-pin', '-P', '123456'), /Successfully verified PIN/);
    assert.match(await ok('-a', 'change-pin', '-P', '123456', '-N', '24680'.padEnd(6, '1')), /Successfully changed the pin code/);
    const bad = await ypt('-a', 'verify-pin', '-P', '123456');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /2 tries left/);
    assert.match(await ok('-a', 'verify-pin', '-P', '246801'), /Successfully verified PIN/);
    // pin-retries needs the management key (the tool authenticates) and the PIN (verify-pin first).
    assert.match(await ok('-a', 'verify-pin', '-P', '246801', '-a', 'pin-retries', '--pin-retries', '5', '--puk-retries', '4'), /Successfully changed pin retries/);
    assert.match(await ok('-a', 'status'), /PIN tries left:\s+5/);
    // PIN and PUK are back to their defaults after a retry change.
    assert.match(await ok('-a', 'verify-pin', '-P', '123456'), /Successfully verified PIN/);
  });

  it('three wrong PINs block (6983), the PUK unblocks; three wrong PUKs leave only reset', async () => {
    for (const left of ['2 tries', '1 tries']) {
      const r = await ypt('-a', 'verify-pin', '-P', '000000');
      assert.match(r.stderr, new RegExp(left));
    }
    const third = await ypt('-a', 'verify-pin', '-P', '000000');
    assert.match(third.stderr, /blocked/i);
    assert.deepEqual(await cardApdus(f.readerName, ['00200080']), ['6983']);
    assert.notEqual((await ypt('-a', 'verify-pin', '-P', '123456')).code, 0, 'the right PIN is refused too');
    assert.match(await ok('-a', 'unblock-pin', '-P', '12345678', '-N', '135790'), /Successfully unblocked the pin code/);
    assert.match(await ok('-a', 'verify-pin', '-P', '135790'), /Successfully verified PIN/);

    const reset = await ypt('-a', 'reset');
    assert.notEqual(reset.code, 0, 'reset refused while PIN and PUK work');
    for (let i = 0; i < 3; i++) await ypt('-a', 'verify-pin', '-P', '000000');
    for (let i = 0; i < 3; i++) await ypt('-a', 'unblock-pin', '-P', '00000000', '-N', '111111');
    const unblock = await ypt('-a', 'unblock-pin', '-P', '12345678', '-N', '111111');
    assert.notEqual(unblock.code, 0, 'PUK blocked: the right PUK is refused');
    assert.deepEqual(await cardApdus(f.readerName, ['00200080', `002C008010${Buffer.from('12345678').toString('hex')}313131313131FFFF`]), ['6983', '6983']);
    assert.match(await ok('-a', 'reset'), /Successfully reset the application/);
    assert.match(await ok('-a', 'verify-pin', '-P', '123456'), /Successfully verified PIN/);
  });

  it('generate ECCP256, ECCP384, RSA2048; import-certificate; attest verifies with openssl against the manufacturer root', async () => {
    const root = join(f.dir, 'root.pem');
    writeFileSync(root, await factoryRootPem(f.factoryDir));
    const f9 = join(f.dir, 'f9.pem');
    writeFileSync(f9, await ok('-a', 'read-certificate', '-s', 'f9').then((s) => s.slice(s.indexOf('-----BEGIN'))));
    for (const [slot, alg] of [['9a', 'ECCP256'], ['9c', 'ECCP384'], ['9d', 'RSA2048']] as const) {
      const pub = join(f.dir, `pub-${slot}.pem`);
      await ok('-a', 'generate', '-s', slot, '-A', alg, '--pin-policy', 'always', '--touch-policy', 'never', '-o', pub);
      const keyText = (await runTool('openssl', ['pkey', '-pubin', '-in', pub, '-noout', '-text'])).stdout;
      assert.match(keyText, alg === 'RSA2048' ? /Public-Key: \(2048 bit\)/ : alg === 'ECCP256' ? /P-256/ : /P-384/);

      const cert = await certifyPublicKey(f.dir, pub, `/CN=card ${slot}`);
      assert.match(await ok('-a', 'import-certificate', '-s', slot, '-i', cert), /Successfully imported a new certificate/);

      const att = join(f.dir, `att-${slot}.pem`);
      writeFileSync(att, await ok('-a', 'attest', '-s', slot).then((s) => s.slice(s.indexOf('-----BEGIN'))));
      const v = await runTool('openssl', ['verify', '-CAfile', root, '-untrusted', f9, att]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /OK/);
      const text = (await runTool('openssl', ['x509', '-in', att, '-noout', '-text', '-certopt', 'ext_dump'])).stdout;
      assert.match(text, new RegExp(`Subject: CN\\s?=\\s?YubiKey PIV Attestation ${slot}`));
      assert.match(text, /1\.3\.6\.1\.4\.1\.41482\.3\.3:\s*\n\s*0000 - 05 04 03/);
      assert.match(text, /1\.3\.6\.1\.4\.1\.41482\.3\.8:\s*\n\s*0000 - 03 01/, 'PIN policy always, touch never');
      const attPub = (await runTool('openssl', ['x509', '-in', att, '-noout', '-pubkey'])).stdout;
      assert.equal(attPub.trim(), (await runTool('openssl', ['pkey', '-pubin', '-in', pub])).stdout.trim(), 'attests the generated key');
      const status = await ok('-a', 'status');
      assert.match(status, new RegExp(`Slot ${slot}:`));
    }
  });

  it('set-mgm-key: the old key stops working, the new one works', async () => {
    const newKey = '0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080';
    assert.match(await ok('-a', 'set-mgm-key', '-n', newKey), /Successfully set new management key/);
    const old = await ypt('-a', 'set-chuid');
    assert.notEqual(old.code, 0, 'the default key no longer authenticates');
    assert.match(await ok(`--key=${newKey}`, '-a', 'set-chuid'), /Successfully set new CHUID/);
    await ok(`--key=${newKey}`, '-a', 'set-mgm-key', '-n', '010203040506070801020304050607080102030405060708');
    assert.match(await ok('-a', 'set-ccc'), /Successfully set new CCC/);
  });
});
