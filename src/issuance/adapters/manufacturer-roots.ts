// The card manufacturers' attestation roots the service trusts: Yubico's PIV
// root always, and the PEM files named in CARDAUTH_MANUFACTURER_ROOTS
// (separated by ':'), e.g. `firmware-sim factory-root`.
import { readFileSync } from 'node:fs';
import { YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM, manufacturerRoots, type ManufacturerRoots } from '../../../pki/index.js';
import { AppError } from '../../errors/app-error.js';

export function manufacturerRootsFromEnv(env: NodeJS.ProcessEnv): ManufacturerRoots {
  const files = (env['CARDAUTH_MANUFACTURER_ROOTS'] ?? '').split(':').filter(Boolean);
  const pems = files.map((p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch (cause) {
      throw new AppError('config_invalid', `CARDAUTH_MANUFACTURER_ROOTS: cannot read ${p}`, 500, { cause });
    }
  });
  return manufacturerRoots([YUBICO_PIV_ROOT_CA_SERIAL_263751_PEM, ...pems]);
}
