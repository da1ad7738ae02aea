// The typed PIV client: one object per card channel, one method per PIV
// operation (each implemented in its own file next to this one). The client
// runs its operations one at a time: an operation of several APDUs (chaining,
// GET RESPONSE, management key challenge-response, VERIFY then SIGN) is never
// interleaved with another one on the same card.
//
// Results are discriminated unions (`{ok:true,…} | {ok:false, reason,…}`);
// transport faults and answers that make no sense are thrown as AppError
// with a code from src/card/codes.ts.
import type { KeyObject } from 'node:crypto';
import type { CardChannel } from '../channel.js';
import { cardError } from '../codes.js';
import { SerialQueue } from '../lib/serial-queue.js';
import { attest, type AttestResult } from './attest.js';
import {
  authenticateManagementKey,
  type AuthenticateManagementKeyResult,
} from './authenticate-management-key.js';
import { changePin, changePuk, type ChangePinResult, type ChangePukResult } from './change-pin.js';
import {
  managementKeyAlgorithms,
  pivReferences,
  type EcAlgorithm,
  type KeyAlgorithm,
  type ManagementKeyAlgorithm,
  type PivKeySlot,
} from './constants.js';
import { factoryReset, type FactoryResetResult } from './factory-reset.js';
import { generateKey, type GenerateKeyOptions, type GenerateKeyResult } from './generate-key.js';
import { getData, type GetDataResult } from './get-data.js';
import { getMetadata, type GetMetadataResult, type MetadataSlot } from './get-metadata.js';
import { getRetries, type GetRetriesResult } from './get-retries.js';
import { getSerial, type GetSerialResult } from './get-serial.js';
import { getVersion, type GetVersionResult } from './get-version.js';
import type { SecretInput } from './lib/secret.js';
import { keyAgreement, type KeyAgreementResult } from './key-agreement.js';
import { logout } from './logout.js';
import { pinStatus, type PinStatus } from './pin-status.js';
import { putData, type PutDataResult } from './put-data.js';
import { readCertificate, type ReadCertificateResult } from './read-certificate.js';
import { resetCard, type ResetResult } from './reset.js';
import { select, type SelectResult } from './select.js';
import { setManagementKey, type SetManagementKeyResult } from './set-management-key.js';
import { setPinRetries, type SetPinRetriesResult } from './set-pin-retries.js';
import { signDigest, type SignDigestResult } from './sign-digest.js';
import { unblockPin, type UnblockPinResult } from './unblock-pin.js';
import { verifyPin, type VerifyPinResult } from './verify-pin.js';
import { deleteCertificate, writeCertificate } from './write-certificate.js';

/** The result of VERIFY followed at once by a signature (PIN policy ALWAYS). */
export type VerifyAndSignResult = Exclude<VerifyPinResult, { ok: true }> | SignDigestResult;

export class PivClient {
  readonly #queue = new SerialQueue();

  constructor(readonly channel: CardChannel) {}

  /** SELECT PIV on the channel; a client when the card has the PIV application. */
  static async open(channel: CardChannel): Promise<{ ok: true; client: PivClient } | { ok: false; reason: 'not-found' }> {
    const client = new PivClient(channel);
    const r = await client.select();
    return r.ok ? { ok: true, client } : r;
  }

  #run<T>(op: (channel: CardChannel) => Promise<T>): Promise<T> {
    return this.#queue.run(() => op(this.channel));
  }

  select(): Promise<SelectResult> {
    return this.#run(select);
  }

  verifyPin(pin: SecretInput): Promise<VerifyPinResult> {
    return this.#run((c) => verifyPin(c, pin));
  }

  pinStatus(): Promise<PinStatus> {
    return this.#run(pinStatus);
  }

  logout(): Promise<void> {
    return this.#run(logout);
  }

  changePin(currentPin: SecretInput, newPin: SecretInput): Promise<ChangePinResult> {
    return this.#run((c) => changePin(c, currentPin, newPin));
  }

  changePuk(currentPuk: SecretInput, newPuk: SecretInput): Promise<ChangePukResult> {
    return this.#run((c) => changePuk(c, currentPuk, newPuk));
  }

  unblockPin(puk: SecretInput, newPin: SecretInput): Promise<UnblockPinResult> {
    return this.#run((c) => unblockPin(c, puk, newPin));
  }

  getRetries(): Promise<GetRetriesResult> {
    return this.#run(getRetries);
  }

  setPinRetries(pinTries: number, pukTries: number): Promise<SetPinRetriesResult> {
    return this.#run((c) => setPinRetries(c, pinTries, pukTries));
  }

  getData(tag: number): Promise<GetDataResult> {
    return this.#run((c) => getData(c, tag));
  }

  putData(tag: number, content: Uint8Array): Promise<PutDataResult> {
    return this.#run((c) => putData(c, tag, content));
  }

  readCertificate(slot: PivKeySlot): Promise<ReadCertificateResult> {
    return this.#run((c) => readCertificate(c, slot));
  }

  writeCertificate(slot: PivKeySlot, der: Uint8Array, options?: { compress?: boolean }): Promise<PutDataResult> {
    return this.#run((c) => writeCertificate(c, slot, der, options));
  }

  deleteCertificate(slot: PivKeySlot): Promise<PutDataResult> {
    return this.#run((c) => deleteCertificate(c, slot));
  }

  signDigest(slot: PivKeySlot, algorithm: KeyAlgorithm, digest: Uint8Array): Promise<SignDigestResult> {
    return this.#run((c) => signDigest(c, slot, algorithm, digest));
  }

  /** ECDH with the card's key in `slot` and a peer public key: the shared x-coordinate. */
  keyAgreement(slot: PivKeySlot, algorithm: EcAlgorithm, peerPublicKey: KeyObject): Promise<KeyAgreementResult> {
    return this.#run((c) => keyAgreement(c, slot, algorithm, peerPublicKey));
  }

  /**
   * VERIFY then GENERAL AUTHENTICATE with nothing in between: what a key with
   * PIN policy ALWAYS needs (the terminal's step in flow 2 of docs/architecture.md).
   */
  verifyPinAndSign(pin: SecretInput, slot: PivKeySlot, algorithm: KeyAlgorithm, digest: Uint8Array): Promise<VerifyAndSignResult> {
    return this.#run(async (c) => {
      const v = await verifyPin(c, pin);
      if (!v.ok) return v;
      return signDigest(c, slot, algorithm, digest);
    });
  }

  /**
   * Mutual authentication with the card management key. Without `algorithm`
   * the card's metadata for 9B says which one; a card without metadata is
   * taken to use 3DES for a 24-byte key (the PIV default), AES by length
   * otherwise.
   */
  authenticateManagementKey(key: Uint8Array, algorithm?: ManagementKeyAlgorithm): Promise<AuthenticateManagementKeyResult> {
    return this.#run(async (c) => {
      let alg = algorithm;
      if (alg === undefined) {
        const m = await getMetadata(c, pivReferences.MANAGEMENT_KEY);
        if (m.ok && m.metadata.algorithm in managementKeyAlgorithms) alg = m.metadata.algorithm as ManagementKeyAlgorithm;
        else alg = key.length === 24 ? 'TDES' : key.length === 16 ? 'AES128' : key.length === 32 ? 'AES256' : undefined;
        if (alg === undefined) throw cardError('card_argument_invalid', 'Cannot tell the management key algorithm from its length');
      }
      return authenticateManagementKey(c, key, alg);
    });
  }

  setManagementKey(newKey: Uint8Array, algorithm: ManagementKeyAlgorithm, options?: { requireTouch?: boolean }): Promise<SetManagementKeyResult> {
    return this.#run((c) => setManagementKey(c, newKey, algorithm, options));
  }

  generateKey(slot: PivKeySlot, algorithm: KeyAlgorithm, options?: GenerateKeyOptions): Promise<GenerateKeyResult> {
    return this.#run((c) => generateKey(c, slot, algorithm, options));
  }

  attest(slot: PivKeySlot): Promise<AttestResult> {
    return this.#run((c) => attest(c, slot));
  }

  getSerial(): Promise<GetSerialResult> {
    return this.#run(getSerial);
  }

  getVersion(): Promise<GetVersionResult> {
    return this.#run(getVersion);
  }

  getMetadata(slot: MetadataSlot): Promise<GetMetadataResult> {
    return this.#run((c) => getMetadata(c, slot));
  }

  /** Factory-reset the PIV application (only once PIN and PUK are both blocked). */
  reset(): Promise<ResetResult> {
    return this.#run(resetCard);
  }

  /** Block PIN and PUK, then reset: a blank card again whatever its secrets (keeps F9). */
  factoryReset(): Promise<FactoryResetResult> {
    return this.#run(factoryReset);
  }
}
