// A secret shown once (an RP API secret, a station key): in a modal dialog,
// selectable and copyable, never in a URL, never stored in the browser.
// Closing the dialog removes it from the page; nothing can show it again —
// the service keeps only a hash.
import { h } from './dom.js';

export function showSecretOnce(title: string, items: ReadonlyArray<readonly [label: string, value: string]>, note: string): Promise<void> {
  return new Promise((resolve) => {
    const copyStatus = h('p', { class: 'hint', role: 'status' });
    const dialog = h(
      'dialog',
      { class: 'secret-dialog', 'aria-labelledby': 'secret-title' },
      h('h2', { id: 'secret-title' }, title),
      h('p', { class: 'notice notice-warning' }, 'Shown once. ', note),
      items.map(([label, value], i) =>
        h(
          'div',
          { class: 'field' },
          h('label', { for: `secret-${i}` }, label),
          h(
            'div',
            { class: 'secret-row' },
            h('input', { id: `secret-${i}`, class: 'secret-value', type: 'text', readonly: true, value, spellcheck: 'false', autocomplete: 'off', 'data-secret': label }),
            h(
              'button',
              {
                type: 'button',
                class: 'button button-small',
                onclick: () => {
                  void navigator.clipboard?.writeText(value).then(
                    () => (copyStatus.textContent = `${label} copied.`),
                    () => (copyStatus.textContent = 'Copy it by hand: select the text and press Ctrl+C.'),
                  );
                },
              },
              'Copy',
            ),
          ),
        ),
      ),
      copyStatus,
      h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'button button-primary', value: 'done', onclick: () => dialog.close() }, 'I have stored it — close')),
    );
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
    (dialog.querySelector('input') as HTMLInputElement | null)?.select();
  });
}
