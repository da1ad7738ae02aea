// Who is signed in, what their role may do, and the idle timeout: after the
// session's idle time without a keystroke or click the console signs out by
// itself (the service ends the session on its side at the same time), with a
// warning a minute before. Activity while no request goes out keeps the
// service's session alive too.
import { api, ApiError, lastApiCall, setCsrfToken, signInUrl, here } from './api.js';
import { h, clear } from './dom.js';

export interface Me {
  readonly staffId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: 'officer' | 'supervisor' | 'auditor' | 'admin';
  readonly permissions: readonly string[];
  readonly idleTimeoutSeconds: number;
  readonly csrfToken?: string;
}

export function can(me: Me, permission: string): boolean {
  return me.permissions.includes(permission);
}

/** The signed-in staff member, or undefined when there is no session (without leaving the page). */
export async function loadMe(): Promise<Me | undefined> {
  try {
    const me = await api<Me>('GET', '/v1/staff/me', undefined, { sessionCheck: false });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    throw e;
  }
}

export async function signOut(reason: 'signedout' | 'idle'): Promise<void> {
  try {
    await api('POST', '/v1/staff/logout', undefined, { sessionCheck: false });
  } catch {
    // The session may have ended already; the sign-in page follows either way.
  }
  setCsrfToken(undefined);
  location.assign(reason === 'idle' ? signInUrl('idle', here()) : '/console/signin?reason=signedout');
}

const WARN_BEFORE_MS = 60_000;
const KEEPALIVE_MS = 60_000;

export function startIdleTimer(me: Me, banner: HTMLElement): void {
  const idleMs = me.idleTimeoutSeconds * 1000;
  let lastActivity = Date.now();
  let warned = false;
  const activity = (): void => {
    lastActivity = Date.now();
    if (warned) hideWarning();
    // Keep the service's session as alive as the person using it.
    if (Date.now() - lastApiCall() > KEEPALIVE_MS) void api('GET', '/v1/staff/me').catch(() => undefined);
  };
  const hideWarning = (): void => {
    warned = false;
    clear(banner);
    banner.hidden = true;
  };
  for (const ev of ['keydown', 'pointerdown', 'input', 'wheel']) document.addEventListener(ev, activity, { passive: true });
  setInterval(() => {
    const idle = Date.now() - Math.max(lastActivity, lastApiCall());
    if (idle >= idleMs) {
      void signOut('idle');
    } else if (idle >= idleMs - WARN_BEFORE_MS && !warned) {
      warned = true;
      clear(banner);
      banner.hidden = false;
      banner.append(
        h('p', null, 'You will be signed out in a minute because nothing happened for a while.'),
        h('button', { type: 'button', class: 'button', onclick: () => activity() }, 'Stay signed in'),
      );
    }
  }, 5000);
}
