/**
 * The connection form of the Connectors page: edit a stored connector's name, base URL and credentials, or add a new
 * connector. Built only from the admin API's `connectorKinds` (each CRM's base URL label, auth kinds and their fields),
 * so a CRM added to the gateway needs no change here.
 *
 * Credentials are write-only: nothing is prefilled, secret fields are password inputs. When editing, leaving every
 * credential field empty keeps the stored credentials (`credentials: null`); filling any sends the auth kind's whole
 * set, and its required fields are checked here before anything is sent. A refusal (`saveConnector` stores nothing then)
 * is shown in the form with its code, what to do, and next to the field the gateway named (`extensions.field`); what
 * was typed stays, and focus goes to the first invalid field. The owner closes the form after a save (the button that
 * opens and closes it: connector-form-toggle.ts).
 */
import type { ApiError, ApiResult } from './api.ts';
import { h } from './dom.ts';

export interface ConnectorFormField { name: string; label: string; secret: boolean; required: boolean; requires?: string | null; help: string | null }
export interface ConnectorAuthKind { kind: string; label: string; fields: ConnectorFormField[] }
export interface ConnectorKind { crm: string; label: string; baseUrlLabel: string; defaultBaseUrl: string | null; authKinds: ConnectorAuthKind[] }
export interface SaveConnectorInput {
  id: string; crm: string; name: string; baseUrl: string | null; authKind: string | null; credentials: { name: string; value: string }[] | null;
}
/** What the form needs of `saveConnector`'s answer; the owner may ask for more (the whole connector). */
export interface SaveOutcome {
  connector: { id: string; name: string };
  test: { ms: number; objectsChecked: string[] };
  applied: boolean;
  restartReason: string | null;
}
/** The stored connector being edited; none when adding. */
export interface EditedConnector { id: string; crm: string; name: string; baseUrl: string | null }

export interface ConnectorFormOptions<R extends SaveOutcome> {
  kinds: readonly ConnectorKind[];
  editing?: EditedConnector;
  save(input: SaveConnectorInput): Promise<ApiResult<{ saveConnector: R }>>;
  /** After a save: the owner shows `status`, closes the form and moves focus. */
  saved(result: R, status: string): void;
  cancel(): void;
}

export const KINDS_QUERY = `query ConnectorKinds { connectorKinds { crm label baseUrlLabel defaultBaseUrl
  authKinds { kind label fields { name label secret required requires help } } } }`;
const ID_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

/** The status line after a save, in words. */
export function savedInWords(r: SaveOutcome): string {
  const tested = `tested in ${r.test.ms.toLocaleString('en-US')} ms: ${r.test.objectsChecked.join(', ') || 'the CRM\'s objects'}`;
  return r.applied
    ? `Saved. ${r.connector.name} now runs with the new settings (${tested}).`
    : `Saved. ${r.restartReason ?? 'The new settings wait for a restart of the gateway.'} (Settings ${tested}.)`;
}

/** `<crm>-<words of the name>`, within the id's rules; the CRM is not repeated when the name starts with it. */
export function suggestId(crm: string, name: string): string {
  let slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug === crm || slug.startsWith(`${crm}-`)) slug = slug.slice(crm.length + 1);
  return `${crm}${slug ? `-${slug}` : ''}`.slice(0, 40).replace(/-+$/, '');
}

/** What to do after a refusal, by code; nothing was stored in any of these cases. */
function advice(e: ApiError, crm: string, fieldLabel: string | undefined, baseUrl: string, editing: boolean): string {
  switch (e.code) {
    case 'CRM_AUTH_FAILED':
      // A new connector has no previous settings to keep: saying so would suggest it was half stored.
      return `${crm} refused these credentials: check them (copy them again from ${crm}, mind the auth kind) and save again. Nothing was stored${editing ? '; the connector keeps its previous settings' : ''}.`;
    case 'CRM_UNAVAILABLE':
      return `${crm} could not be reached or answered with an error: check that the address ${baseUrl || '(default)'} is right and reachable from the gateway's server, then save again. Nothing was stored.`;
    case 'CRM_TIMEOUT':
      return `${crm} did not answer in time: check the address and the gateway server's network connection, then save again. Nothing was stored.`;
    case 'BAD_USER_INPUT':
      return `Fix ${fieldLabel ? `the field "${fieldLabel}"` : 'the form'} as the message says, then save again. Nothing was stored.`;
    case 'CONFLICT':
      return 'This id belongs to a connector of another CRM: choose another id. Nothing was stored.';
    case 'UNAUTHENTICATED':
      return 'Set a valid API token above, then save again. Nothing was stored.';
    default:
      return 'Save again; if it keeps failing, the gateway log has the details.';
  }
}

function parsesAsUrl(text: string): boolean {
  try {
    return Boolean(new URL(text));
  } catch {
    return false;
  }
}

let nextId = 0;
/** A page-unique element id (the connection form and its toggle share the counter). */
export const uid = (what: string) => `cf-${what}-${++nextId}`;

interface Control { input: HTMLInputElement | HTMLSelectElement; label: string; error: HTMLElement; wrap: HTMLElement }

export class ConnectorForm<R extends SaveOutcome> {
  readonly element: HTMLFormElement;
  /** Controls by the API's input field names: id, crm, name, baseUrl, authKind, credentials.<name>. */
  private readonly controls = new Map<string, Control>();
  private readonly crmSelect = h('select', { name: 'crm' });
  private readonly idInput = h('input', { type: 'text', name: 'id', autocomplete: 'off', spellcheck: 'false', required: '', pattern: ID_PATTERN.source });
  private readonly nameInput = h('input', { type: 'text', name: 'name', autocomplete: 'off', required: '' });
  private readonly baseUrlInput = h('input', { type: 'url', name: 'baseUrl', autocomplete: 'off', spellcheck: 'false' });
  private readonly authSelect = h('select', { name: 'authKind' });
  private readonly credentialFields = h('div', { class: 'cf-credentials' });
  private readonly credentialMode = h('p', { class: 'hint cf-mode', 'aria-live': 'polite' });
  private readonly alert = h('div', { class: 'cf-alert', role: 'alert' });
  private readonly saveButton = h('button', { type: 'submit', class: 'save' }, 'Save');
  private idTouched = false;
  private saving = false;

  constructor(private readonly opts: ConnectorFormOptions<R>) {
    const e = opts.editing;
    const title = uid('title');
    this.element = h('form', { class: 'connector-form', novalidate: '', 'aria-labelledby': title });
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    cancel.addEventListener('click', () => opts.cancel());
    const parts: (HTMLElement | null)[] = [];
    if (e) {
      this.nameInput.value = e.name;
      this.baseUrlInput.value = e.baseUrl ?? '';
      parts.push(h('p', { class: 'hint' }, `Connector id ${e.id} (${this.kind().label}); the id and CRM cannot change.`));
      parts.push(this.field('name', 'Name', this.nameInput, 'How the connector is called on these pages.'));
    } else {
      for (const k of opts.kinds) this.crmSelect.append(h('option', { value: k.crm }, k.label));
      this.crmSelect.addEventListener('change', () => this.crmChanged());
      this.nameInput.addEventListener('input', () => this.suggest());
      this.idInput.addEventListener('input', () => (this.idTouched = this.idInput.value !== ''));
      parts.push(this.field('crm', 'CRM', this.crmSelect));
      parts.push(this.field('name', 'Name', this.nameInput, 'How the connector is called on these pages, e.g. "HubSpot EU".'));
      parts.push(this.field('id', 'Connector id', this.idInput, '2–40 lower-case letters, digits and dashes, starting with a letter, e.g. hubspot-eu. It cannot change later.'));
    }
    parts.push(this.field('baseUrl', 'Base URL', this.baseUrlInput));
    this.authSelect.addEventListener('change', () => this.renderCredentials());
    const legend = h('legend', {}, e ? 'Credentials (leave empty to keep the stored ones)' : 'Credentials');
    const fieldset = h('fieldset', { class: 'cf-fieldset' }, legend,
      this.field('authKind', 'How to authenticate', this.authSelect), this.credentialFields, this.credentialMode);
    this.element.append(
      e ? h('h4', { id: title }, `Edit connection: ${e.name}`) : h('h3', { id: title }, 'Add a connector'),
      ...parts.filter((p): p is HTMLElement => p !== null),
      fieldset,
      h('p', { class: 'hint' }, 'The gateway tests the new settings with the CRM before it stores them: a failing test stores nothing.'),
      this.alert,
      h('div', { class: 'cf-actions' }, this.saveButton, cancel));
    this.credentialFields.addEventListener('input', () => this.showMode());
    this.crmChanged(true);
  }

  /** The first field to type into. */
  focus(): void {
    (this.opts.editing ? this.nameInput : this.crmSelect).focus();
  }

  /** Empties every secret input (after a save, and before the form is dropped). */
  clearSecrets(): void {
    for (const input of this.element.querySelectorAll<HTMLInputElement>('input[type="password"]')) input.value = '';
  }

  private kind(): ConnectorKind {
    const crm = this.opts.editing?.crm ?? this.crmSelect.value;
    return this.opts.kinds.find((k) => k.crm === crm) ?? { crm, label: crm, baseUrlLabel: 'Base URL', defaultBaseUrl: null, authKinds: [] };
  }

  private authKind(): ConnectorAuthKind | undefined {
    return this.kind().authKinds.find((a) => a.kind === this.authSelect.value);
  }

  /** A labelled control with its help and its (empty) error line, both read with it. */
  private field(key: string, label: string, input: HTMLInputElement | HTMLSelectElement, help?: string | null): HTMLElement {
    input.id = uid(key.replace(/\W/g, '-'));
    const helpEl = help ? h('p', { class: 'cf-help', id: uid('help') }, help) : null;
    const error = h('p', { class: 'cf-error', id: uid('error') });
    input.setAttribute('aria-describedby', [error.id, helpEl?.id].filter(Boolean).join(' '));
    const labelEl = h('label', { for: input.id }, label);
    const wrap = h('div', { class: 'cf-field', 'data-field': key }, labelEl, input, helpEl, error);
    this.controls.set(key, { input, label, error, wrap });
    return wrap;
  }

  private crmChanged(first = false): void {
    const k = this.kind();
    const base = this.controls.get('baseUrl');
    if (base) {
      base.label = k.baseUrlLabel;
      base.wrap.querySelector('label')!.textContent = k.baseUrlLabel;
    }
    if (!this.opts.editing) {
      const defaults = this.opts.kinds.map((x) => x.defaultBaseUrl ?? '');
      if (first || defaults.includes(this.baseUrlInput.value)) this.baseUrlInput.value = k.defaultBaseUrl ?? '';
      this.suggest();
    }
    this.authSelect.replaceChildren(...k.authKinds.map((a) => h('option', { value: a.kind }, a.label)));
    this.renderCredentials();
  }

  private suggest(): void {
    if (!this.idTouched) this.idInput.value = suggestId(this.kind().crm, this.nameInput.value);
  }

  private renderCredentials(): void {
    for (const key of [...this.controls.keys()]) if (key.startsWith('credentials.')) this.controls.delete(key);
    const editing = Boolean(this.opts.editing);
    this.credentialFields.replaceChildren(...(this.authKind()?.fields ?? []).map((f) => {
      const input = h('input', {
        type: f.secret ? 'password' : 'text', name: `credentials.${f.name}`, autocomplete: f.secret ? 'new-password' : 'off', spellcheck: 'false',
        ...(editing ? { placeholder: 'unchanged — leave empty to keep' } : {}),
        ...(f.required && !editing ? { required: '' } : {}),
      });
      return this.field(`credentials.${f.name}`, f.required ? f.label : `${f.label} (optional)`, input, f.help);
    }));
    this.showMode();
  }

  private credentialInputs(): { field: ConnectorFormField; control: Control }[] {
    return (this.authKind()?.fields ?? []).flatMap((field) => {
      const control = this.controls.get(`credentials.${field.name}`);
      return control ? [{ field, control }] : [];
    });
  }

  private anyCredential(): boolean {
    return this.credentialInputs().some(({ control }) => control.input.value !== '');
  }

  private showMode(): void {
    const kind = this.authKind();
    const required = this.credentialInputs().filter(({ field }) => field.required).map(({ field }) => field.label);
    const need = required.length ? ` Required: ${required.join(', ')}.` : '';
    this.credentialMode.textContent = !this.opts.editing
      ? `Fill in the fields of ${kind?.label ?? 'the auth kind'}.${need}`
      : this.anyCredential()
        ? `New credentials (${kind?.label ?? 'auth kind'}) will replace the stored ones: fill in the whole set.${need}`
        : 'The stored credentials are kept: every credential field is empty.';
  }

  private clearErrors(): void {
    this.alert.replaceChildren();
    for (const c of this.controls.values()) {
      c.error.textContent = '';
      c.input.removeAttribute('aria-invalid');
      c.wrap.classList.remove('invalid');
    }
  }

  private markInvalid(key: string, text: string): Control | undefined {
    const c = this.controls.get(key) ?? (key === 'credentials' ? this.controls.get('authKind') : undefined);
    if (!c) return undefined;
    c.error.textContent = text;
    c.input.setAttribute('aria-invalid', 'true');
    c.wrap.classList.add('invalid');
    return c;
  }

  /** The checks the page can make before sending: returns the invalid fields' keys with what is wrong. */
  private check(): [string, string][] {
    const wrong: [string, string][] = [];
    if (!this.nameInput.value.trim()) wrong.push(['name', 'Fill in a name.']);
    if (!this.opts.editing && !ID_PATTERN.test(this.idInput.value)) {
      wrong.push(['id', this.idInput.value ? 'Use 2–40 lower-case letters, digits and dashes, starting with a letter.' : 'Fill in an id.']);
    }
    const url = this.baseUrlInput.value.trim();
    if (url && !parsesAsUrl(url)) wrong.push(['baseUrl', 'Type a full address, e.g. https://example.com.']);
    if (!this.opts.editing || this.anyCredential()) {
      const kind = this.authKind();
      if (!kind) wrong.push(['authKind', 'Choose how to authenticate.']);
      for (const { field, control } of this.credentialInputs()) {
        if (field.required && control.input.value === '') wrong.push([`credentials.${field.name}`, `Fill in ${field.label}: ${kind?.label ?? 'this auth kind'} needs it.`]);
      }
      // Optional pairs (a webhook user and its password): both or neither.
      const filled = new Map(this.credentialInputs().map(({ field, control }) => [field.name, { field, filled: control.input.value !== '' }]));
      for (const { field, filled: isFilled } of filled.values()) {
        const partner = field.requires ? filled.get(field.requires) : undefined;
        if (isFilled && partner && !partner.filled) wrong.push([`credentials.${partner.field.name}`, `Fill in ${partner.field.label} too, or clear ${field.label}.`]);
      }
    }
    return wrong;
  }

  private input(): SaveConnectorInput {
    const withCredentials = !this.opts.editing || this.anyCredential();
    const url = this.baseUrlInput.value.trim();
    return {
      id: this.opts.editing?.id ?? this.idInput.value,
      crm: this.kind().crm,
      name: this.nameInput.value.trim(),
      baseUrl: url || null,
      authKind: withCredentials ? this.authSelect.value : null,
      credentials: withCredentials
        ? this.credentialInputs().filter(({ control }) => control.input.value !== '').map(({ field, control }) => ({ name: field.name, value: control.input.value }))
        : null,
    };
  }

  private async submit(): Promise<void> {
    if (this.saving) return;
    this.clearErrors();
    const wrong = this.check();
    if (wrong.length) {
      const labels = wrong.map(([key, text]) => (this.markInvalid(key, text)?.label ?? key));
      this.alert.replaceChildren(h('p', {}, h('strong', {}, 'Not saved'), ` — check ${labels.length === 1 ? 'this field' : 'these fields'}: ${labels.join(', ')}. Nothing was sent.`));
      this.controls.get(wrong[0]![0])?.input.focus();
      return;
    }
    this.saving = true;
    this.saveButton.disabled = true;
    this.element.setAttribute('aria-busy', 'true');
    const input = this.input();
    const res = await this.opts.save(input);
    this.saving = false;
    this.saveButton.disabled = false;
    this.element.removeAttribute('aria-busy');
    const result = res.data?.saveConnector;
    if (result) {
      this.clearSecrets();
      this.opts.saved(result, savedInWords(result));
      return;
    }
    this.refused(res.errors.length ? res.errors : [{ code: 'UNKNOWN_ERROR', message: 'The gateway answered without a result.' }], input);
  }

  private refused(errors: readonly ApiError[], input: SaveConnectorInput): void {
    let first: Control | undefined;
    this.alert.replaceChildren(...errors.map((e) => {
      const key = typeof e.extensions?.field === 'string' ? e.extensions.field : undefined;
      const control = key ? this.markInvalid(key, `${e.code}: ${e.message}`) : undefined;
      first ??= control;
      return h('div', {},
        h('p', {}, h('strong', {}, 'Not saved: '), h('code', { class: 'code' }, e.code), ` — ${e.message}`),
        h('p', { class: 'todo' }, `What to do: ${advice(e, this.kind().label, control?.label ?? key, input.baseUrl ?? '', Boolean(this.opts.editing))}`));
    }));
    (first?.input ?? this.firstCredentialOrName()).focus();
  }

  /** Where to go when the gateway named no field: the credentials for a refused test, else the name. */
  private firstCredentialOrName(): HTMLElement {
    const filled = this.credentialInputs().find(({ control }) => control.input.value !== '');
    return filled?.control.input ?? this.nameInput;
  }
}
