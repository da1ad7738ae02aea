// Volatile state of the PIV application (SP 800-73-4 Part 2 §3 "security
// status"; Yubico PIN policy ALWAYS). None of it is persisted: power off, reset,
// SELECT of another application, VERIFY P1=FF, a failed VERIFY and a failed
// management-key authentication clear it, as on a YubiKey: middleware relies
// on each of these to drop the PIN state (docs/piv-wire.md, "PIN and PUK").

export type Selected = 'piv' | 'mgmt' | 'none';

export interface MgmChallenge {
  readonly kind: 'mutual' | 'external';
  readonly algorithm: number;
  /** The plaintext the host must prove it can encrypt (external) or decrypt (mutual). */
  readonly value: Uint8Array;
}

export interface CommandChain {
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly parts: Uint8Array[];
  size: number;
  /** Whether the chain started right after a successful VERIFY (PIN policy ALWAYS). */
  readonly armed: boolean;
}

export interface Session {
  selected: Selected;
  pinVerified: boolean;
  mgmAuthenticated: boolean;
  /** Set by a successful VERIFY; consumed by the next command. */
  alwaysArmed: boolean;
  mgmChallenge: MgmChallenge | undefined;
  pendingResponse: Uint8Array | undefined;
  chain: CommandChain | undefined;
}

export function newSession(selected: Selected): Session {
  return {
    selected,
    pinVerified: false,
    mgmAuthenticated: false,
    alwaysArmed: false,
    mgmChallenge: undefined,
    pendingResponse: undefined,
    chain: undefined,
  };
}

/**
 * Drop every piece of security state: PIN verified, management key
 * authenticated, ALWAYS arming, pending challenge, pending response, chain.
 */
export function clearSecurityState(s: Session): void {
  s.pinVerified = false;
  s.mgmAuthenticated = false;
  s.alwaysArmed = false;
  s.mgmChallenge = undefined;
  s.pendingResponse = undefined;
  s.chain = undefined;
}
