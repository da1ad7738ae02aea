// `cardauth terminal sign --sim-card`: the citizen's side of signing, with
// the real signing API served on loopback (PostgreSQL registry, the CA and
// its TSA) and a firmware-sim card file in this process. What the screen
// shows, the PIN from standard input, the signed container written with
// --out; a server that shows one thing and asks for another is refused
// before the PIN is asked.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { runWith } from '../../src/cli/commands/terminal-sign.js';
import type { CliIo } from '../../src/cli/io.js';
import { verifyPdf } from '../../src/sign/verify/verify-pdf.js';
import { verifySignature } from '../../src/sign/verify/verify-signature.js';
import { addRp, makeCa, openRegistry, type Registry, type TestCa } from '../auth/support/fixture.js';
import { makePdf } from './pdf-fixture.js';
import { CITIZEN_PIN, registerSigningCard, signApp, signingCard, tempDir, type SigningCard } from './support.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, cb: () => void): void {
    this.text += chunk.toString('utf8');
    cb();
  }
}
function io(stdinText: string, env: NodeJS.ProcessEnv): CliIo & { out: Sink; err: Sink } {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const out = new Sink();
  const err = new Sink();
  return { stdin, stdout: out, stderr: err, env, out, err };
}

describe('cardauth terminal sign --sim-card', function () {
  this.timeout(60_000);
  let ca: TestCa;
  let reg: Registry;
  let tmp: ReturnType<typeof tempDir>;
  let card: SigningCard;
  let server: Server;
  let url: string;
  let rp: Awaited<ReturnType<typeof addRp>>;
  const doc = Buffer.from('Power of attorney, notary deed 88/2026\n');
  const noPcsc = { openReaders: async () => Promise.reject(new Error('PC/SC opened although --sim-card was given')) };

  before(async () => {
    [ca, reg] = await Promise.all([makeCa(), openRegistry()]);
    tmp = tempDir('cardauth-terminal-sign-');
    card = await signingCard(ca.ca, tmp.dir);
    await registerSigningCard(reg.db, card);
    const { app } = await signApp({ ca: ca.ca, db: reg.db });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    rp = await addRp(reg.db, { name: 'Phnom Penh Notary Office' });
  });
  after(async () => {
    server?.close();
    tmp?.cleanup();
    await reg?.close();
    await ca?.cleanup();
  });

  async function ask(document: Record<string, unknown>): Promise<string> {
    const r = await fetch(`${url}/v1/sign/requests`, {
      method: 'POST',
      headers: { authorization: rp.bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ terminalId: 'atm-1', title: 'Power of attorney 88/2026', summary: 'Sreymom Chan may sell the house\nat 12 Street 51, Phnom Penh', document }),
    });
    assert.equal(r.status, 201);
    return ((await r.json()) as { id: string }).id;
  }
  const env = () => ({ CARDAUTH_RP_KEY: rp.credential.token });

  it('shows who asks, the title, the summary and the fingerprint; signs with the PIN; --out gets the CMS', async () => {
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(doc).digest('hex');
    const id = await ask({ sha256: sha });
    const out = join(tmp.dir, 'poa.p7s');
    const x = io(`${CITIZEN_PIN}\n`, env());
    const code = await runWith(['--sim-card', card.file, '--server', url, '--request', id, '--out', out], x, noPcsc);
    assert.equal(code, 0, x.out.text + x.err.text);
    assert.match(x.out.text, /Requested by: Phnom Penh Notary Office \(rp_/);
    assert.match(x.out.text, /Document: +Power of attorney 88\/2026/);
    assert.match(x.out.text, /\n {2}Sreymom Chan may sell the house\n {2}at 12 Street 51, Phnom Penh\n/);
    assert.match(x.out.text, new RegExp(`Fingerprint: +${sha.slice(0, 4)} ${sha.slice(4, 8)} ${sha.slice(8, 12)} ${sha.slice(12, 16)} … ${sha.slice(56, 60)} ${sha.slice(60, 64)}`));
    assert.match(x.out.text, /signed: CAdES B-T/);
    const v = await verifySignature(readFileSync(out), { data: doc }, { root: ca.ca.root.der });
    assert.equal(v.signer.certSerialHex, card.sign.serialHex);
  });

  it('a PDF, a wrong PIN first: the card counts it, the second PIN signs; --out gets the signed PDF', async () => {
    const id = await ask({ pdf: makePdf({ text: 'Power of attorney 88/2026' }).toString('base64') });
    const out = join(tmp.dir, 'poa.pdf');
    const x = io('000000\n' + `${CITIZEN_PIN}\n`, env());
    const code = await runWith(['--sim-card', card.file, '--server', url, '--request', id, '--out', out], x, noPcsc);
    assert.equal(code, 0, x.out.text + x.err.text);
    assert.match(x.out.text, /Wrong PIN\. 2 tries left\./);
    assert.match(x.out.text, /signed: CAdES B-T \(PAdES\)/);
    assert.equal((await verifyPdf(readFileSync(out), { root: ca.ca.root.der })).level, 'B-T');
  });

  it('a server that shows one title and asks the card to sign another: signing_input_mismatch, no PIN asked, the request still pending', async () => {
    const id = await ask({ sha256: 'cd'.repeat(32) });
    const tampering: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if ((init?.method ?? 'GET') !== 'GET') return res;
      const body = (await res.json()) as { request?: { title: string } };
      if (body.request) body.request.title = 'A harmless receipt';
      return Response.json(body, { status: res.status });
    };
    const x = io(`${CITIZEN_PIN}\n`, env());
    const code = await runWith(['--sim-card', card.file, '--server', url, '--request', id], x, { ...noPcsc, fetch: tampering });
    assert.equal(code, 1);
    assert.equal(x.err.text, 'error: signing_input_mismatch\n');
    assert.doesNotMatch(x.out.text, /PIN/);
    const s = await fetch(`${url}/v1/sign/requests/${id}`, { headers: { authorization: rp.bearer } });
    assert.equal(((await s.json()) as { status: string }).status, 'pending');
  });

  it('a card issued without the signature key: card_not_supported before the PIN', async () => {
    const noSign = await signingCard(ca.ca, tmp.dir, { signatureKey: false });
    const id = await ask({ sha256: 'ef'.repeat(32) });
    const x = io(`${CITIZEN_PIN}\n`, env());
    assert.equal(await runWith(['--sim-card', noSign.file, '--server', url, '--request', id], x, noPcsc), 1);
    assert.equal(x.err.text, 'error: card_not_supported\n');
    assert.match(x.out.text, /no signature certificate \(slot 9C\)/);
  });
});
