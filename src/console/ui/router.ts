// Pages by path: each is a real URL under /console/ (bookmarkable, reloadable,
// the back button works); links marked data-nav change the page without
// reloading it. A page a role may not use is not in its menu, and opening it
// says so — the API refuses the action itself either way.
import { h, clear } from './dom.js';
import type { Me } from './session.js';

export interface PageContext {
  readonly me: Me;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The page's own area (below its heading). */
  readonly body: HTMLElement;
  /** Set the heading (and the document title). */
  heading(text: string): void;
  /** A message carried over from the previous page (e.g. "Enrolled"), shown once. */
  readonly flash: string | undefined;
}

export interface PageDef {
  readonly path: string;
  readonly title: string;
  readonly allowed?: (me: Me) => boolean;
  render(ctx: PageContext): Promise<void> | void;
}

let pages: readonly PageDef[] = [];
let currentMe: Me | undefined;
let mainEl: HTMLElement | undefined;
let onNavigate: (() => void) | undefined;
let pendingFlash: string | undefined;
let renderSeq = 0;

export function setPages(list: readonly PageDef[]): void {
  pages = list;
}

function match(path: string): { page: PageDef; params: Record<string, string> } | undefined {
  const parts = path.replace(/\/+$/, '').split('/');
  for (const page of pages) {
    const want = page.path.replace(/\/+$/, '').split('/');
    if (want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const p = parts[i]!;
      if (w.startsWith(':')) {
        if (p === '') ok = false;
        else params[w.slice(1)] = decodeURIComponent(p);
      } else if (w !== p) ok = false;
      if (!ok) break;
    }
    if (ok) return { page, params };
  }
  return undefined;
}

export function navigate(url: string, opts: { readonly flash?: string; readonly replace?: boolean } = {}): void {
  pendingFlash = opts.flash;
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void render();
}

/** Render the page of the current URL into the main area. */
export async function render(): Promise<void> {
  const me = currentMe!;
  const main = mainEl!;
  const seqNo = ++renderSeq;
  const found = match(location.pathname);
  const flash = pendingFlash;
  pendingFlash = undefined;
  clear(main);
  const h1 = h('h1', { tabindex: '-1' });
  const body = h('div', { class: 'page-body' });
  main.append(h1, body);
  const heading = (text: string): void => {
    h1.textContent = text;
    document.title = `${text} — cardauth console`;
  };
  onNavigate?.();
  if (found === undefined) {
    heading('Page not found');
    body.append(h('p', null, 'There is no page at this address. Use the menu to find what you need.'));
    h1.focus();
    return;
  }
  heading(found.page.title);
  if (found.page.allowed && !found.page.allowed(me)) {
    body.append(h('p', { class: 'notice notice-warning', role: 'status' }, `Your role (${me.role}) may not use this page.`));
    h1.focus();
    return;
  }
  h1.focus();
  try {
    await found.page.render({ me, params: found.params, query: new URLSearchParams(location.search), body, heading, flash });
  } catch (e) {
    if (seqNo !== renderSeq) return;
    body.append(h('p', { class: 'notice notice-error', role: 'alert' }, e instanceof Error ? e.message : String(e)));
  }
}

export function startRouter(me: Me, main: HTMLElement, afterNavigate: () => void): void {
  currentMe = me;
  mainEl = main;
  onNavigate = afterNavigate;
  document.addEventListener('click', (ev) => {
    const a = (ev.target as Element | null)?.closest?.('a[data-nav]') as HTMLAnchorElement | null;
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    const url = new URL(a.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/console/')) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener('popstate', () => void render());
  void render();
}
