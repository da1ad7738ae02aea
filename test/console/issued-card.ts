// An issued card for the console's tests, made the way a station makes one
// today (src/cli/commands/issue.ts --sim-card): a blank firmware-sim card from
// the simulated factory taken into stock, then personalised by the issuance
// engine in this process against the service's own registry and CA, with a
// scripted PIN pad. The management-key master secret is a random one of the
// test's own (the engine derives the card's key from it; nothing else needs it).
import { localCardholder } from '../../src/issuance/cardholder/local.js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { factoryRootPem, manufactureCard, VirtualCard } from '../../firmware-sim/index.js';
import { manufacturerRoots } from '../../pki/index.js';
import { openInProcessChannel } from '../../src/card/in-process.js';
import { cardSerial } from '../../src/card/piv/constants.js';
import type { Service } from '../../src/composition/service.js';
import { pkiAttestationVerifier, pkiCertificateIssuer } from '../../src/issuance/adapters/pki.js';
import { createIssuanceEngine } from '../../src/issuance/engine/run-job.js';
import { managementKeySource, memoryMasterHmac } from '../../src/issuance/lib/diversify-management-key.js';
import type { Actor } from '../../src/issuance/ports/registry.js';
import { sqlIssuanceRegistry } from '../../src/issuance/store/sql-registry.js';
import { receiveStock } from '../../src/registry/repos/card-stock.js';
import { PivClient } from '../../src/card/piv/index.js';
import { readCertificate } from '../../src/card/piv/read-certificate.js';
import { silentLogger } from '../../src/util/log.js';
import type { Clock } from '../../src/util/clock.js';

export async function issueCard(service: Service, opts: { dir: string; nationalId: string; officer: Actor; serial: number; clock: Clock }): Promise<{ serial: number; puk: string; file: string }> {
  const factoryDir = join(opts.dir, 'factory');
  const file = join(opts.dir, `card-${opts.serial}.json`);
  await manufactureCard({ serial: opts.serial, out: file, factoryDir });
  const card = await VirtualCard.open(file);
  const channel = await openInProcessChannel(card);
  try {
    const piv = await PivClient.open(channel);
    if (!piv.ok) throw new Error('the blank card has no PIV application');
    const f9 = await readCertificate(channel, 0xf9);
    if (!f9.ok) throw new Error('the blank card has no attestation certificate');
    await receiveStock(service.db, { serial: opts.serial, manufacturer: 'firmware-sim', attestationCertDer: f9.der }, `staff:${opts.officer.staffId}`, opts.clock.now());
    const registry = sqlIssuanceRegistry(service.db);
    const engine = createIssuanceEngine({
      registry,
      issuer: pkiCertificateIssuer(service.ca),
      attestation: pkiAttestationVerifier(manufacturerRoots([await factoryRootPem(factoryDir)])),
      managementKeys: managementKeySource(memoryMasterHmac(randomBytes(32))),
      clock: opts.clock,
      logger: silentLogger,
      country: service.ca.config.country,
    });
    const shown: string[] = [];
    await engine.personalise({
      channel,
      nationalId: opts.nationalId,
      actor: opts.officer,
      cardholder: localCardholder(
        channel,
        {
          async readNewPin() {
            return Uint8Array.from(Buffer.from('250871', 'ascii'));
          },
          async readPin() {
            return Uint8Array.from(Buffer.from('250871', 'ascii'));
          },
        },
        {
          async show(puk: string) {
            shown.push(puk);
          },
        },
      ),
    });
    return { serial: cardSerial(opts.serial), puk: shown[0] ?? '', file };
  } finally {
    await channel.close({ disposition: 'reset' }).catch(() => undefined);
  }
}
