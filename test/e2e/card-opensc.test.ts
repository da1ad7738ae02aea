// The simulated card through real pcscd + vpcd, seen by
// unmodified OpenSC 0.23 (opensc-tool, pkcs15-tool, pkcs11-tool with
// opensc-pkcs11.so); signatures checked with openssl.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENSC_PKCS11, runTool, setupSimCard } from '../support/pcsc.js';
import type { SimCardFixture, ToolResult } from '../support/pcsc.js';
import { cardApdus, cardExchange, certifyPublicKey } from './card-tools.js';

describe('e2e card: OpenSC through pcscd and vpcd', function () {
  this.timeout(300_000);
  let f: SimCardFixture;
  let guid = '';

  const run = async (cmd: string, args: string[]): Promise<ToolResult> => {
    const r = await runTool(cmd, args);
    assert.equal(r.code, 0, `${cmd} ${args.join(' ')}: ${r.stdout}${r.stderr}\nsimulator: ${f.sim.stderr()}`);
    return r;
  };
  const ypt = (...args: string[]) => run('yubico-piv-tool', ['-r', f.readerName, ...args]);
  const slotIndex = async (): Promise<string> => {
    const list = (await run('pkcs11-tool', ['--module', OPENSC_PKCS11, '-L'])).stdout;
    const m = new RegExp(`Slot (\\d+) \\(0x[0-9a-f]+\\): ${f.readerName}`).exec(list);
    assert.ok(m, list);
    return m[1]!;
  };
  const p11 = async (...args: string[]) => run('pkcs11-tool', ['--module', OPENSC_PKCS11, '--slot-index', await slotIndex(), ...args]);

  before(async () => {
    f = await setupSimCard({ serial: 6_200_000 + Math.floor(Math.random() * 100_000) });
    // Personalise with the Yubico tool: RSA key + certificate in 9A, EC key with
    // PIN policy ALWAYS + certificate in 9C (OpenSC then logs in for every
    // signature), a CHUID (FASC-N agency code 9999, random GUID) and a CCC.
    for (const [slot, alg] of [['9a', 'RSA2048'], ['9c', 'ECCP256']] as const) {
      const pub = join(f.dir, `pub-${slot}.pem`);
      await ypt('-a', 'generate', '-s', slot, '-A', alg, '--pin-policy', slot === '9c' ? 'always' : 'once', '-o', pub);
      await ypt('-a', 'import-certificate', '-s', slot, '-i', await certifyPublicKey(f.dir, pub, `/CN=opensc ${slot}`));
    }
    await ypt('-a', 'set-chuid', '-a', 'set-ccc');
    const [, chuid] = await cardExchange(f.readerName, ['00A4040005A000000308', '00CB3FFF055C035FC10200']);
    assert.equal(chuid!.sw, '9000');
    const at = chuid!.data.indexOf('3410');
    guid = chuid!.data.slice(at + 4, at + 4 + 32);
    assert.equal(guid.length, 32);
  });
  after(async () => { await f.teardown(); });

  it('opensc-tool -n names a PIV card; -a shows the YubiKey 5 ATR', async () => {
    assert.match((await run('opensc-tool', ['-r', f.readerName, '-n'])).stdout, /Personal Identity Verification Card/);
    assert.match((await run('opensc-tool', ['-r', f.readerName, '-a'])).stdout.replace(/:/g, '').toUpperCase(), /3BFD1300008131FE158073C021C057597562694B657940/);
  });

  it('pkcs15-tool -D lists the PIN, PUK, keys and certificates', async () => {
    const out = (await run('pkcs15-tool', ['--reader', f.readerName, '-D'])).stdout;
    assert.match(out, /PIN \[PIN\]/);
    assert.match(out, /PIN \[PIV PUK\]/);
    assert.match(out, /Private RSA Key \[PIV AUTH key\]/);
    assert.match(out, /Private EC Key \[SIGN key\]/);
    assert.match(out, /X\.509 Certificate \[Certificate for PIV Authentication\]/);
    assert.match(out, /X\.509 Certificate \[Certificate for Digital Signature\]/);
    assert.match(out, new RegExp(`Serial number\\s*: ${guid.toLowerCase()}`));
  });

  it('pkcs11-tool -L shows the token with the serial from the CHUID GUID', async () => {
    const out = (await run('pkcs11-tool', ['--module', OPENSC_PKCS11, '-L'])).stdout;
    const section = out.slice(out.indexOf(f.readerName));
    assert.match(section, /token label\s+:/);
    assert.match(section, new RegExp(`serial num\\s+: ${guid.slice(-16).toLowerCase()}`));
  });

  it('pkcs11-tool --login --sign with the EC key (PIN always): openssl verifies the signature against the certificate', async () => {
    const data = join(f.dir, 'data.bin');
    const sig = join(f.dir, 'sig.der');
    writeFileSync(data, randomBytes(1000));
    await p11('--login', '--pin', '123456', '--sign', '-m', 'ECDSA-SHA256', '--id', '02', '-i', data, '-o', sig, '--signature-format', 'openssl');
    const cert = join(f.dir, 'cert-9c.pem');
    const read = await ypt('-a', 'read-certificate', '-s', '9c');
    writeFileSync(cert, read.stdout);
    const pub = join(f.dir, 'cert-9c.pub');
    writeFileSync(pub, (await run('openssl', ['x509', '-in', cert, '-noout', '-pubkey'])).stdout);
    const v = await runTool('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, data]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /Verified OK/);
    // And a tampered input does not verify: the check can fail.
    writeFileSync(data, randomBytes(1000));
    assert.notEqual((await runTool('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sig, data])).code, 0);
  });

  it('pkcs11-tool --test --login with the RSA key ends with no errors', async () => {
    const out = await p11('--test', '--login', '--pin', '123456');
    const text = out.stdout + out.stderr;
    assert.match(text, /testing key 0 \(PIV AUTH key\)/);
    assert.match(text, /RSA-X-509: OK/);
    assert.match(text, /RSA-PKCS: OK/);
    assert.match(text, /SHA256-RSA-PKCS: OK/);
    assert.doesNotMatch(text, /ERR|[Ff]ailed/);
    assert.match(text, /No errors/);
  });

  it('the PIN state survives between OpenSC processes (no reset), and yubico-piv-tool\'s reset clears it', async () => {
    assert.deepEqual(await cardApdus(f.readerName, ['00A4040005A000000308', '0020008008313233343536FFFF']), ['9000', '9000']);
    assert.deepEqual(await cardApdus(f.readerName, ['00200080']), ['9000']);
    await ypt('-a', 'status');
    assert.deepEqual(await cardApdus(f.readerName, ['00200080']), ['63C3']);
  });
});
