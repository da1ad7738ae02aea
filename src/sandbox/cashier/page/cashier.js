// The sandbox's cashier page: the form sends the payment to the cashier's
// own small server (which holds the RP key and calls the cardauth API), then
// follows the request once a second until it ends; a completed one comes
// back with the signed result verified (jose, the service's JWKS) and decoded.
const $ = (id) => document.getElementById(id);
let current = null;
let timer = null;
let terminals = [];

function text(id, value) {
  $(id).textContent = value ?? '';
}

function showTerminalHelp() {
  const t = terminals.find((x) => x.id === $('terminal').value);
  const help = $('terminal-help');
  help.replaceChildren();
  if (!t) return;
  const a = document.createElement('a');
  a.href = t.screenUrl;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.textContent = t.screenUrl;
  help.append(`${t.label} — the citizen's screen: `, a);
}

async function setup() {
  const s = await (await fetch('/api/setup')).json();
  terminals = s.terminals;
  text('who', `Relying party: ${s.rpName} · service ${s.serviceUrl} (its key stays on the cashier's server)`);
  const select = $('terminal');
  for (const t of terminals) {
    const o = document.createElement('option');
    o.value = t.id;
    o.textContent = `${t.id} — ${t.label}`;
    select.append(o);
  }
  select.addEventListener('change', showTerminalHelp);
  showTerminalHelp();
}

function setState(label, cls) {
  const s = $('state');
  s.textContent = label;
  s.className = `state ${cls ?? ''}`;
  s.dataset.state = cls ?? label;
}

function stop() {
  if (timer !== null) clearInterval(timer);
  timer = null;
  $('send').disabled = false;
  $('cancel').hidden = true;
}

async function poll() {
  if (current === null) return;
  const r = await fetch(`/api/payments/${current}`);
  const s = await r.json();
  if (!r.ok) {
    setState('error', 'failed');
    text('detail', `${s.code ?? r.status}: ${s.title ?? ''}`);
    return stop();
  }
  text('hint', s.hint?.text ?? '');
  text('hint-km', s.hint?.textKm ?? '');
  if (s.status === 'pending') {
    setState('pending', 'pending');
    text('detail', `hint: ${s.hint?.code ?? ''}`);
    return;
  }
  stop();
  if (s.status === 'completed') {
    setState(s.verified ? 'approved' : 'not verified', s.verified ? 'approved' : 'failed');
    text('detail', '');
    $('result').hidden = false;
    const v = $('verified');
    v.className = s.verified ? 'ok' : 'bad';
    v.textContent = s.verified
      ? `✓ Signature verified with jose against the service's JWKS (kid ${s.header.kid}); audience, algorithm ES256 checked.`
      : `✕ The result did not verify: ${s.error}`;
    text('payload', JSON.stringify(s.payload ?? {}, null, 2));
    text('header', JSON.stringify(s.header ?? {}, null, 2));
    text('jws', s.jws);
  } else if (s.status === 'failed') {
    setState('failed', 'failed');
    text('detail', `code: ${s.code}${s.hint ? ` · terminal said: ${s.hint.code}` : ''}`);
  } else {
    setState(s.status, 'expired');
    text('detail', '');
  }
}

$('pay').addEventListener('submit', async (e) => {
  e.preventDefault();
  stop();
  $('send').disabled = true;
  $('status').hidden = false;
  $('result').hidden = true;
  text('hint', '');
  text('hint-km', '');
  setState('sending', '');
  const form = new FormData($('pay'));
  const r = await fetch('/api/payments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Object.fromEntries(form.entries())),
  });
  const body = await r.json();
  if (!r.ok) {
    setState('refused', 'refused');
    text('detail', `${body.code ?? r.status}: ${body.detail ?? body.title ?? ''}`);
    $('send').disabled = false;
    return;
  }
  current = body.id;
  text('detail', `challenge ${body.id}`);
  $('cancel').hidden = false;
  setState('pending', 'pending');
  timer = setInterval(() => void poll(), 1000);
  void poll();
});

$('cancel').addEventListener('click', async () => {
  if (current === null) return;
  await fetch(`/api/payments/${current}`, { method: 'DELETE' });
  await poll();
});

void setup();
