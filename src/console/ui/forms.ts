// Forms with their errors beside the field they concern: each field has a
// label, an error slot tied to the input (aria-describedby, aria-invalid),
// and keeps what the user typed when the service refuses it. A problem that
// names no field stands at the top of the form.
import { ApiError } from './api.js';
import { h, type Child } from './dom.js';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type?: 'text' | 'password' | 'date' | 'number' | 'search';
  readonly value?: string;
  readonly required?: boolean;
  readonly autocomplete?: string;
  readonly hint?: string;
  readonly lang?: string;
  readonly pattern?: string;
  readonly maxlength?: number;
  readonly inputmode?: string;
  readonly autofocus?: boolean;
  readonly options?: ReadonlyArray<readonly [value: string, label: string]>;
  readonly spellcheck?: boolean;
}

let seq = 0;

export class Form {
  readonly el: HTMLFormElement;
  readonly #errors = new Map<string, HTMLElement>();
  readonly #inputs = new Map<string, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  readonly #top: HTMLElement;
  readonly #submit: HTMLButtonElement;
  readonly #actions: HTMLElement;
  readonly #fields: Readonly<Record<string, string>>;

  constructor(opts: {
    readonly label: string;
    readonly submit: string;
    readonly onSubmit: (form: Form) => Promise<void>;
    /** Error codes that name no field, and the field they concern. */
    readonly errorFields?: Readonly<Record<string, string>>;
    readonly danger?: boolean;
  }) {
    this.#fields = opts.errorFields ?? {};
    this.#top = h('div', { class: 'form-error', role: 'alert', hidden: true });
    this.#submit = h('button', { type: 'submit', class: `button ${opts.danger ? 'button-danger' : 'button-primary'}` }, opts.submit);
    this.#actions = h('div', { class: 'form-actions' }, this.#submit);
    this.el = h('form', { 'aria-label': opts.label, novalidate: true }, this.#top, this.#actions);
    this.el.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (this.#submit.disabled) return;
      this.clearErrors();
      if (!this.#checkRequired()) return;
      this.#submit.disabled = true;
      this.el.setAttribute('aria-busy', 'true');
      void opts
        .onSubmit(this)
        .catch((err: unknown) => this.showError(err))
        .finally(() => {
          this.#submit.disabled = false;
          this.el.removeAttribute('aria-busy');
        });
    });
  }

  /** Put fields (or anything) into the form, before its buttons. */
  add(...children: Child[]): this {
    const put = (c: Child): void => {
      if (Array.isArray(c)) (c as Child[]).forEach(put);
      else if (c instanceof Node) this.el.insertBefore(c, this.#actions);
      else if (typeof c === 'string') this.el.insertBefore(document.createTextNode(c), this.#actions);
    };
    children.forEach(put);
    return this;
  }

  /** Another button beside the submit button. */
  addAction(button: HTMLElement): this {
    this.#actions.append(button);
    return this;
  }

  /** A labelled input with its hint and error slot. */
  field(spec: FieldSpec): HTMLElement {
    const id = `f${++seq}-${spec.name}`;
    const hintId = spec.hint ? `${id}-hint` : undefined;
    const errId = `${id}-error`;
    const err = h('p', { class: 'field-error', id: errId, hidden: true });
    this.#errors.set(spec.name, err);
    let input: HTMLInputElement | HTMLSelectElement;
    if (spec.options) {
      input = h(
        'select',
        { id, name: spec.name, required: spec.required ?? false, 'aria-describedby': [hintId, errId].filter(Boolean).join(' ') },
        spec.options.map(([v, l]) => h('option', { value: v, selected: v === spec.value }, l)),
      );
    } else {
      input = h('input', {
        id,
        name: spec.name,
        type: spec.type ?? 'text',
        value: spec.value ?? null,
        required: spec.required ?? false,
        autocomplete: spec.autocomplete ?? 'off',
        lang: spec.lang ?? null,
        pattern: spec.pattern ?? null,
        maxlength: spec.maxlength ?? null,
        inputmode: spec.inputmode ?? null,
        autofocus: spec.autofocus ?? false,
        spellcheck: spec.spellcheck === undefined ? null : String(spec.spellcheck),
        'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
      });
    }
    this.#inputs.set(spec.name, input);
    return h(
      'div',
      { class: 'field' },
      // Fields are required unless their label says "(optional)": the input's required attribute tells assistive technology.
      h('label', { for: id }, spec.label),
      spec.hint ? h('p', { class: 'hint', id: hintId }, spec.hint) : null,
      input,
      err,
    );
  }

  /** A group of checkboxes under one name (values in the order given). */
  checkboxes(name: string, legend: string, options: ReadonlyArray<readonly [value: string, label: string]>, checked: readonly string[] = [], hint?: string): HTMLElement {
    const errId = `f${++seq}-${name}-error`;
    const err = h('p', { class: 'field-error', id: errId, hidden: true });
    this.#errors.set(name, err);
    return h(
      'fieldset',
      { class: 'field checkboxes', 'aria-describedby': errId },
      h('legend', null, legend),
      hint ? h('p', { class: 'hint' }, hint) : null,
      options.map(([v, l]) => {
        const id = `f${++seq}-${name}-${v}`;
        return h('span', { class: 'checkbox' }, h('input', { type: 'checkbox', id, name, value: v, checked: checked.includes(v) }), h('label', { for: id }, l));
      }),
      err,
    );
  }

  value(name: string): string {
    return this.#inputs.get(name)?.value ?? '';
  }

  /** The field's value trimmed, or undefined when empty. */
  optional(name: string): string | undefined {
    const v = this.value(name).trim();
    return v === '' ? undefined : v;
  }

  checked(name: string): string[] {
    return [...this.el.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${name}"]`)].filter((i) => i.checked).map((i) => i.value);
  }

  input(name: string): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | undefined {
    return this.#inputs.get(name);
  }

  clearErrors(): void {
    this.#top.hidden = true;
    this.#top.textContent = '';
    for (const [name, el] of this.#errors) {
      el.hidden = true;
      el.textContent = '';
      this.#inputs.get(name)?.removeAttribute('aria-invalid');
    }
  }

  /** Put a message beside a field (or at the top when the form has no such field) and move the focus there. */
  fieldError(name: string | undefined, message: string): void {
    const slot = name === undefined ? undefined : this.#errors.get(name);
    if (slot === undefined) {
      this.#top.textContent = message;
      this.#top.hidden = false;
      this.#top.setAttribute('tabindex', '-1');
      this.#top.focus();
      return;
    }
    slot.textContent = message;
    slot.hidden = false;
    const input = this.#inputs.get(name!) ?? this.el.querySelector<HTMLInputElement>(`input[name="${name}"]`);
    input?.setAttribute('aria-invalid', 'true');
    input?.focus();
  }

  /** Show what the service said, beside the field it names; `fields` maps codes that name no field to one. */
  showError(err: unknown): void {
    if (err instanceof ApiError) {
      const field = err.field ?? this.#fields[err.code];
      const message = err.problem?.issues?.[0]?.message && err.field ? `${err.problem.issues[0].message}` : err.message;
      this.fieldError(field, message);
      return;
    }
    this.fieldError(undefined, err instanceof Error ? err.message : String(err));
  }

  #checkRequired(): boolean {
    let first: string | undefined;
    for (const [name, input] of this.#inputs) {
      if (input.required && input.value.trim() === '') {
        const slot = this.#errors.get(name);
        if (slot) {
          slot.textContent = 'Required.';
          slot.hidden = false;
          input.setAttribute('aria-invalid', 'true');
        }
        first ??= name;
      }
    }
    if (first !== undefined) {
      this.#inputs.get(first)?.focus();
      return false;
    }
    return true;
  }
}

/** A button that runs an action once at a time, with its error shown next to it. */
export function actionButton(label: string, run: () => Promise<void>, opts: { readonly kind?: 'primary' | 'danger' | 'plain'; readonly errorSlot?: HTMLElement } = {}): HTMLElement {
  const error = opts.errorSlot ?? h('span', { class: 'inline-error', role: 'alert' });
  const b = h('button', { type: 'button', class: `button${opts.kind && opts.kind !== 'plain' ? ` button-${opts.kind}` : ''}` }, label);
  b.addEventListener('click', () => {
    if (b.disabled) return;
    b.disabled = true;
    error.textContent = '';
    run()
      .catch((e: unknown) => {
        error.textContent = e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        b.disabled = false;
      });
  });
  return opts.errorSlot ? b : h('span', { class: 'action' }, b, error);
}
