// Helpers for the card end-to-end tests: raw APDUs through opensc-tool and a
// certificate for a public key that lives on the card (openssl -force_pubkey,
// since the private key never leaves the card).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { runTool } from '../support/pcsc.js';

export interface ToolReply {
  readonly sw: string;
  readonly data: string;
}

/** Send APDUs in one opensc-tool session (no card reset in between); returns status word and data of each. */
export async function cardExchange(readerName: string, apdus: string[]): Promise<ToolReply[]> {
  const args = ['-r', readerName];
  for (const a of apdus) args.push('-s', a);
  const r = await runTool('opensc-tool', args);
  assert.equal(r.code, 0, r.stderr);
  const out: ToolReply[] = [];
  for (const block of r.stdout.split('Sending:').slice(1)) {
    const m = /SW1=0x([0-9A-F]{2}), SW2=0x([0-9A-F]{2})\)(:?)\n?([\s\S]*)/i.exec(block);
    assert.ok(m, `unparsable opensc-tool output: ${block}`);
    // Data lines: up to 16 hex bytes, then an ASCII column.
    const data = (m[3] ? m[4]! : '').split('\n').map((l) => l.slice(0, 48)).join(' ').replace(/[^0-9A-Fa-f]/g, '');
    out.push({ sw: (m[1]! + m[2]!).toUpperCase(), data: data.toUpperCase() });
  }
  return out;
}

/** Status words only. */
export async function cardApdus(readerName: string, apdus: string[]): Promise<string[]> {
  return (await cardExchange(readerName, apdus)).map((r) => r.sw);
}

/** Issue a test certificate for `pubPem` from a throw-away CA in `dir`; returns the certificate path. */
export async function certifyPublicKey(dir: string, pubPem: string, subject: string): Promise<string> {
  const caKey = join(dir, 'test-ca.key');
  const caCert = join(dir, 'test-ca.pem');
  if (!existsSync(caCert)) {
    const r = await runTool('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', caKey, '-out', caCert, '-subj', '/CN=cardauth test CA', '-days', '30']);
    assert.equal(r.code, 0, r.stderr);
  }
  const name = subject.replace(/[^A-Za-z0-9]/g, '_');
  const tmpKey = join(dir, `${name}.tmp.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  let r = await runTool('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', tmpKey, '-out', csr, '-subj', subject]);
  assert.equal(r.code, 0, r.stderr);
  r = await runTool('openssl', ['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial',
    '-force_pubkey', pubPem, '-out', cert, '-days', '30']);
  assert.equal(r.code, 0, r.stderr);
  return cert;
}
