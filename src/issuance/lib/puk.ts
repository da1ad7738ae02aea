// The citizen's PUK (flow 1 step 7: a random PUK, given to the citizen once
// and stored nowhere). Eight decimal digits from the platform CSPRNG, drawn without
// modulo bias (crypto.randomInt rejects and redraws).
import { randomInt } from 'node:crypto';

export function generatePuk(): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += String(randomInt(0, 10));
  return out;
}
