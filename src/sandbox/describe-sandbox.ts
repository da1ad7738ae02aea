// What the sandbox prints when it is ready: where everything is, the RP's key
// (shown this once: only its keyed hash is stored), and each test citizen's
// card file, PIN and PUK. All of it is test material.
import type { Sandbox } from './start-sandbox.js';

export function describeSandbox(s: Sandbox): string {
  const lines = [
    '',
    'cardauth SANDBOX — test material, NOT FOR PRODUCTION',
    '',
    `  cashier page      ${s.cashierUrl}      (type an amount, send it to a terminal)`,
    `  service           ${s.serviceUrl}      (API reference: ${s.serviceUrl}/docs)`,
    `  data directory    ${s.dir}`,
    '',
    `  relying party     ${s.rp.name} (${s.rp.id})`,
    `  its API key       ${s.rp.key}`,
    '                    (shown once; try it: curl -H "Authorization: Bearer <key>" ' + `${s.serviceUrl}/v1/rp/me)`,
    '',
    '  test citizens, each card in its own terminal:',
  ];
  for (const c of s.citizens) {
    lines.push(
      `    ${`${c.givenName} ${c.surname}`.padEnd(16)} terminal ${c.terminalId.padEnd(8)} screen ${c.screenUrl}`,
      `      PIN ${c.pin}  PUK ${c.puk}  card ${c.cardSerial}${c.status === 'revoked' ? '  (REVOKED: the service refuses it)' : ''}`,
      `      card file ${c.cardFile}`,
    );
  }
  lines.push(
    '',
    '  Open the cashier page and a terminal screen side by side, send a payment, type the PIN on the screen.',
    "  A terminal's card can be taken out with the screen's sandbox buttons (or by renaming its card file).",
    '  Stop with Ctrl-C; the next run starts from a fresh directory.',
    '',
  );
  return lines.join('\n');
}
