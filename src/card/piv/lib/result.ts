// The shape of every PIV client answer: `{ ok: true, ... }` or
// `{ ok: false, reason, ... }`, a discriminated union callers switch on.

export type Ok<T extends object = object> = { readonly ok: true } & Readonly<T>;
export type Fail<R extends string, T extends object = object> = { readonly ok: false; readonly reason: R } & Readonly<T>;

export function ok(): Ok;
export function ok<T extends object>(value: T): Ok<T>;
export function ok<T extends object>(value?: T): Ok<T> {
  return { ok: true, ...(value ?? {}) } as Ok<T>;
}

export function fail<R extends string>(reason: R): Fail<R>;
export function fail<R extends string, T extends object>(reason: R, extra: T): Fail<R, T>;
export function fail<R extends string, T extends object>(reason: R, extra?: T): Fail<R, T> {
  return { ok: false, reason, ...(extra ?? {}) } as Fail<R, T>;
}
