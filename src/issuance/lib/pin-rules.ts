// Which PINs the station refuses before they reach the card. FIPS 201-3
// §4.3.1: 6–8 decimal digits. Beyond that, refuse the factory PIN and the
// trivially guessed ones (one repeated digit, ascending or descending run) —
// the NIST SP 800-63B §5.1.1.2 "commonly used values" idea applied to PINs.
// The reason names the rule, never the PIN.
export function weakPinReason(pin: Uint8Array): string | undefined {
  if (pin.length < 6 || pin.length > 8) return 'the PIN must be 6 to 8 digits';
  for (const b of pin) if (b < 0x30 || b > 0x39) return 'the PIN must contain digits only';
  let same = true;
  let up = true;
  let down = true;
  for (let i = 1; i < pin.length; i++) {
    const d = pin[i]! - pin[i - 1]!;
    if (d !== 0) same = false;
    if (d !== 1) up = false;
    if (d !== -1) down = false;
  }
  if (same) return 'the PIN must not be one digit repeated';
  if (up || down) return 'the PIN must not be a run of consecutive digits';
  return undefined;
}
