// The staff console: signs in (or finds the session), lays out the header,
// the menu for the role and the page area, and renders the page of the URL.
import { h, link } from './dom.js';
import { navItems, pageList } from './pages/index.js';
import { setPages, startRouter } from './router.js';
import { loadMe, signOut, startIdleTimer, type Me } from './session.js';
import { signInPage } from './pages/signin.js';

function layout(me: Me): { main: HTMLElement; markCurrent: () => void } {
  const app = document.getElementById('app')!;
  app.textContent = '';
  const idle = h('div', { class: 'idle-banner', role: 'alert', hidden: true });
  const nav = h(
    'nav',
    { class: 'side-nav', 'aria-label': 'Main' },
    h(
      'ul',
      null,
      navItems(me).map((item) => h('li', null, link(item.href, item.label))),
    ),
  );
  const header = h(
    'header',
    { class: 'top-bar' },
    h('a', { class: 'brand', href: '/console/', 'data-nav': true }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '▣'), ' cardauth ', h('span', { class: 'brand-sub' }, 'staff console')),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'who-name' }, me.displayName),
      h('span', { class: `badge badge-role` }, me.role),
      link('/console/account', 'Account'),
      h('button', { type: 'button', class: 'button button-small', onclick: () => void signOut('signedout') }, 'Sign out'),
    ),
  );
  const main = h('main', { id: 'main', tabindex: '-1' });
  app.append(header, idle, h('div', { class: 'frame' }, nav, main));
  startIdleTimer(me, idle);
  const markCurrent = (): void => {
    for (const a of nav.querySelectorAll('a')) {
      const path = new URL(a.href).pathname;
      const current = path === '/console/' ? location.pathname === '/console/' : location.pathname.startsWith(path);
      if (current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  };
  return { main, markCurrent };
}

async function boot(): Promise<void> {
  const app = document.getElementById('app')!;
  if (location.pathname === '/console/signin' || location.pathname === '/console/signin/') {
    await signInPage(app);
    return;
  }
  const me = await loadMe();
  if (me === undefined) {
    const next = location.pathname + location.search;
    location.replace(`/console/signin?${new URLSearchParams({ next }).toString()}`);
    return;
  }
  setPages(pageList);
  const { main, markCurrent } = layout(me);
  startRouter(me, main, markCurrent);
}

boot().catch((e: unknown) => {
  const app = document.getElementById('app');
  if (app) {
    app.textContent = '';
    app.append(h('main', { id: 'main' }, h('h1', null, 'The console could not start'), h('p', { role: 'alert' }, e instanceof Error ? e.message : String(e))));
  }
});
