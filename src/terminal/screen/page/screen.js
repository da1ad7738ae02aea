// The citizen's terminal screen. The terminal process decides what is shown
// (server-sent events on /events carry its state); this page draws it in the
// citizen's language and runs the PIN pad. Everything from the terminal is
// put on screen as text (textContent), never as markup.
//
// The PIN: digits go into one 8-byte buffer (never a string), are shown as
// dots only, and are posted as bytes to this terminal process (/pin, with the
// page's token); the buffer and the posted copy are zeroed right after. The
// screen is usable by touch and from the keyboard (digits, Backspace,
// Enter = OK, Escape = Cancel).
import { attributeLabels, strings, t } from './i18n.js';

const screen = document.getElementById('screen');
const sim = document.getElementById('sim');
const MAX_DIGITS = 8;
const MIN_DIGITS = 6;

let token = '';
let snapshot = null;
let stateKey = '';
let lang = 'km';
let defaultLang = 'km';
let busy = false;
/** A notice the page shows itself (a PIN too short, never sent). */
let localNotice = null;

const pin = new Uint8Array(MAX_DIGITS);
let pinLength = 0;

function clearPin() {
  pin.fill(0);
  pinLength = 0;
}

// ---- drawing helpers ------------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const tr = (key, vars) => t(lang, key, vars);

function centered(...children) {
  screen.className = 'center';
  screen.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

// ---- screens ---------------------------------------------------------------

function drawIdle(s) {
  const banner =
    s.service === 'connecting' ? el('p', { class: 'banner', text: tr('serviceConnecting') }) : s.service === 'refused' ? el('p', { class: 'banner', text: tr('serviceRefused') }) : null;
  centered(
    el('div', { class: s.card ? 'card-art' : 'card-art in', 'aria-hidden': 'true' }),
    el('h1', { text: tr('idleTitle'), 'data-testid': 'title' }),
    el('p', { class: 'sub', text: s.card ? tr('idleCardIn') : tr('idleWaiting') }),
    banner,
  );
}

function requestSummary(request) {
  return [
    el('h2', { text: tr('requestFrom') }),
    el('p', { class: 'who', text: request.rpName, 'data-testid': 'rp-name' }),
    request.amount ? el('p', { class: 'figure', text: request.amount.figure, 'data-testid': 'amount' }) : null,
  ];
}

function drawInsert(s) {
  centered(el('div', { class: 'card-art in', 'aria-hidden': 'true' }), ...requestSummary(s.request), el('h1', { text: tr('insertTitle'), 'data-testid': 'title' }));
}

function drawReading() {
  centered(el('div', { class: 'spinner', 'aria-hidden': 'true' }), el('h1', { text: tr('readingTitle'), 'data-testid': 'title' }), el('p', { class: 'sub', text: tr('keepCard') }));
}

function details(request) {
  const rows = [];
  if (request.amount) rows.push(el('dt', { text: tr('amount') }), el('dd', { text: request.amount.exact, 'data-testid': 'amount-exact' }));
  if (request.payee !== null) rows.push(el('dt', { text: tr('payee') }), el('dd', { text: request.payee, 'data-testid': 'payee' }));
  if (request.reference !== null) rows.push(el('dt', { text: tr('reference') }), el('dd', { text: request.reference, 'data-testid': 'reference' }));
  const labels = attributeLabels[lang] ?? attributeLabels.en;
  const shared =
    request.attributes.length > 0
      ? el(
          'div',
          { class: 'shared', 'data-testid': 'shared' },
          el('p', { text: tr('shared', { rp: request.rpName }) }),
          el('ul', { class: 'attributes' }, ...request.attributes.map((a) => el('li', { text: labels[a] ?? a }))),
          request.consentText === null ? null : el('p', { class: 'consent', text: request.consentText }),
        )
      : null;
  return el(
    'section',
    { class: 'details', 'aria-label': tr('requestFrom') },
    el('h2', { text: tr('requestFrom') }),
    el('p', { class: 'who', text: request.rpName, 'data-testid': 'rp-name' }),
    request.amount
      ? el('p', { class: 'figure', text: request.amount.figure, 'data-testid': 'amount' })
      : el('p', { class: 'who', text: tr('identify') }),
    rows.length > 0 ? el('dl', {}, ...rows) : null,
    shared,
    el('p', { class: 'approve-note', text: tr('approveNote') }),
  );
}

function noticeText(s) {
  const n = localNotice ?? s.notice;
  if (n === null || n === undefined) return null;
  if (n.kind === 'pin-format') return tr('pinFormat');
  return n.triesLeft === 1 ? tr('wrongPinOne') : tr('wrongPin', { n: n.triesLeft });
}

function drawPin(s) {
  const dots = el('div', { class: 'dots', 'data-testid': 'dots', 'aria-label': `${pinLength}` });
  for (let i = 0; i < Math.max(MIN_DIGITS, Math.min(MAX_DIGITS, pinLength + (pinLength >= MIN_DIGITS && pinLength < MAX_DIGITS ? 1 : 0))); i++) {
    dots.append(el('span', { class: i < pinLength ? 'dot on' : 'dot', 'aria-hidden': 'true' }));
  }
  const key = (d) => el('button', { type: 'button', 'data-key': d, 'aria-label': tr('digit', { n: d }), text: d, onclick: () => typeDigit(d) });
  const pad = el(
    'div',
    { class: 'pad', 'data-testid': 'pad' },
    ...['1', '2', '3', '4', '5', '6', '7', '8', '9'].map(key),
    el('button', { type: 'button', class: 'clear', 'data-key': 'clear', text: tr('clear'), onclick: () => backspace() }),
    key('0'),
    el('button', { type: 'button', class: 'ok', 'data-key': 'ok', text: tr('ok'), onclick: () => void submitPin() }),
  );
  const notice = noticeText(s);
  const tries = s.triesLeft === null ? null : el('p', { class: 'tries', 'data-testid': 'tries', text: s.triesLeft === 1 ? tr('triesLeftOne') : tr('triesLeft', { n: s.triesLeft }) });
  screen.className = '';
  screen.replaceChildren(
    el(
      'div',
      { class: 'request' },
      details(s.request),
      el(
        'section',
        { class: 'pin' },
        el('p', { class: 'pin-prompt', text: tr('pinPrompt'), 'data-testid': 'title' }),
        el('div', { class: 'pin-status' }, dots, tries),
        notice === null ? null : el('p', { class: 'notice', role: 'alert', 'data-testid': 'notice', text: notice }),
        pad,
        el('button', { type: 'button', class: 'cancel', 'data-key': 'cancel', text: tr('cancel'), onclick: () => void cancel() }),
      ),
    ),
  );
}

function drawWorking(s) {
  centered(el('div', { class: 'spinner', 'aria-hidden': 'true' }), el('h1', { text: tr(s.step), 'data-testid': 'title' }));
}

const OUTCOMES = {
  approved: ['ok', '✓', 'approvedTitle', 'approvedText'],
  'wrong-pin': ['bad', '!', 'wrongPinTitle', 'wrongPinText'],
  'pin-blocked': ['bad', '✕', 'blockedTitle', 'blockedText'],
  'card-suspended': ['bad', '✕', 'suspendedTitle', 'suspendedText'],
  'card-revoked': ['bad', '✕', 'revokedTitle', 'revokedText'],
  expired: ['warn', '!', 'expiredTitle', 'expiredText'],
  cancelled: ['warn', '!', 'cancelledTitle', 'cancelledText'],
  'citizen-cancelled': ['warn', '!', 'citizenCancelledTitle', 'citizenCancelledText'],
  'card-removed': ['warn', '!', 'removedTitle', 'removedText'],
  unavailable: ['bad', '!', 'unavailableTitle', 'unavailableText'],
  'card-not-supported': ['bad', '✕', 'notSupportedTitle', 'notSupportedText'],
  'request-refused': ['bad', '✕', 'refusedTitle', 'refusedText'],
  'not-authenticated': ['bad', '✕', 'notAuthenticatedTitle', 'notAuthenticatedText'],
  'card-error': ['bad', '!', 'cardErrorTitle', 'cardErrorText'],
};

function drawOutcome(s) {
  const o = s.outcome;
  const [tone, mark, title, text] = OUTCOMES[o.kind] ?? OUTCOMES['card-error'];
  const one = o.kind === 'wrong-pin' && o.triesLeft === 1;
  screen.className = 'center outcome';
  screen.replaceChildren(
    el('div', { class: `mark ${tone}`, 'aria-hidden': 'true', text: mark }),
    el('h1', { text: tr(title), 'data-testid': 'title', 'data-outcome': o.kind }),
    el('p', { class: 'sub', 'data-testid': 'outcome-text', text: tr(one ? 'wrongPinTextOne' : text, { n: o.triesLeft ?? '', code: o.code ?? '' }) }),
  );
}

function drawSim() {
  const simCard = snapshot?.simCard ?? null;
  sim.hidden = simCard === null;
  if (simCard === null) return;
  document.getElementById('sim-label').textContent = tr('simLabel');
  const remove = document.getElementById('sim-remove');
  const insert = document.getElementById('sim-insert');
  remove.textContent = tr('simRemove');
  insert.textContent = tr('simInsert');
  remove.disabled = !simCard.present;
  insert.disabled = simCard.present;
}

function draw() {
  document.documentElement.lang = lang;
  document.getElementById('brand-name').textContent = tr('brand');
  for (const b of document.querySelectorAll('.lang')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  drawSim();
  if (snapshot === null) return;
  const s = snapshot.state;
  switch (s.screen) {
    case 'idle':
      return drawIdle(s);
    case 'insert-card':
      return drawInsert(s);
    case 'reading':
      return drawReading();
    case 'pin':
      return drawPin(s);
    case 'working':
      return drawWorking(s);
    case 'outcome':
      return drawOutcome(s);
  }
}

// ---- the PIN pad -----------------------------------------------------------

function onPinScreen() {
  return snapshot?.state.screen === 'pin' && !busy;
}

function typeDigit(d) {
  if (!onPinScreen() || pinLength >= MAX_DIGITS) return;
  pin[pinLength++] = d.charCodeAt(0);
  localNotice = null;
  draw();
}

function backspace() {
  if (!onPinScreen() || pinLength === 0) return;
  pin[--pinLength] = 0;
  draw();
}

async function post(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: { 'x-screen-token': token, 'content-type': 'application/octet-stream' },
    body,
    cache: 'no-store',
    credentials: 'omit',
  });
}

async function submitPin() {
  if (!onPinScreen()) return;
  if (pinLength < MIN_DIGITS) {
    localNotice = { kind: 'pin-format' };
    draw();
    return;
  }
  const body = pin.slice(0, pinLength);
  clearPin();
  busy = true;
  draw();
  try {
    await post('/pin', body);
  } finally {
    body.fill(0);
    busy = false;
  }
}

async function cancel() {
  if (snapshot?.state.screen !== 'pin') return;
  clearPin();
  await post('/cancel', new Uint8Array(0));
}

document.addEventListener('keydown', (e) => {
  if (snapshot?.state.screen !== 'pin' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (/^[0-9]$/.test(e.key)) typeDigit(e.key);
  else if (e.key === 'Backspace') backspace();
  else if (e.key === 'Enter') void submitPin();
  else if (e.key === 'Escape') void cancel();
  else return;
  e.preventDefault();
});

// ---- language and the simulated card ---------------------------------------

for (const b of document.querySelectorAll('.lang')) {
  b.addEventListener('click', () => {
    if (!(b.dataset.lang in strings)) return;
    lang = b.dataset.lang;
    draw();
  });
}
document.getElementById('sim-remove').addEventListener('click', () => void post('/sim/remove', new Uint8Array(0)));
document.getElementById('sim-insert').addEventListener('click', () => void post('/sim/insert', new Uint8Array(0)));

// ---- the terminal's state ----------------------------------------------------

const events = new EventSource('/events');
events.addEventListener('hello', (e) => {
  token = JSON.parse(e.data).token;
});
events.addEventListener('state', (e) => {
  const next = JSON.parse(e.data);
  const key = JSON.stringify(next.state);
  const wasIdle = snapshot === null || snapshot.state.screen === 'idle';
  if (snapshot === null) lang = next.language;
  defaultLang = next.language;
  if (key !== stateKey) {
    // A new screen: nothing typed carries over; a new citizen starts in the terminal's language.
    clearPin();
    localNotice = null;
    if (next.state.screen === 'idle' && !wasIdle) lang = defaultLang;
  }
  stateKey = key;
  snapshot = next;
  document.body.dataset.screen = next.state.screen;
  draw();
});
draw();
