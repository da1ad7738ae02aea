// Base64 for the public bytes kept in the job record (keys, certificates).
export const toB64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
export const fromB64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
