/**
 * The button that opens a connection form (connector-form.ts) in its slot — Edit connection under a card, Add connector
 * below the list — loading `connectorKinds` first, and closes it again on Cancel, on a second press or after a save,
 * emptying its password inputs and giving the focus back to the button. A form that cannot load says why in its place.
 */
import type { ApiError, ApiResult } from './api.ts';
import { h } from './dom.ts';
import { ConnectorForm, uid } from './connector-form.ts';
import type { ConnectorKind, EditedConnector, SaveConnectorInput, SaveOutcome } from './connector-form.ts';

/** Why a connection form cannot open, in the form's place. */
const formUnavailable = (errors: readonly ApiError[]) => h('div', { class: 'cf-alert', role: 'alert' },
  ...errors.map((e) => h('p', {}, 'The connection form could not be loaded: ', h('code', { class: 'code' }, e.code), ` — ${e.message}`)));

export interface FormToggleOptions<R extends SaveOutcome> {
  /** Opens and closes the form; gets the focus back when it closes. */
  button: HTMLButtonElement;
  /** Where the form goes, and the status line (role=status) that says how a save went. */
  slot: HTMLElement;
  status: HTMLElement;
  kinds(): Promise<ApiResult<ConnectorKind[]>>;
  /** The connector to edit as it is now; none for a new connector. */
  editing?(): EditedConnector;
  save(input: SaveConnectorInput): Promise<ApiResult<{ saveConnector: R }>>;
  saved(result: R): void;
}

/** A button that opens a connection form in its slot (Edit connection, Add connector) and closes it after a save. */
export class FormToggle<R extends SaveOutcome> {
  private form: ConnectorForm<R> | undefined;

  constructor(private readonly opts: FormToggleOptions<R>) {
    opts.slot.id ||= uid('form');
    opts.button.setAttribute('aria-expanded', 'false');
    opts.button.setAttribute('aria-controls', opts.slot.id);
    opts.button.addEventListener('click', () => void this.toggle());
  }

  private async toggle(): Promise<void> {
    if (this.opts.slot.hasChildNodes()) {
      this.close();
      return;
    }
    this.opts.status.textContent = '';
    const kinds = await this.opts.kinds();
    this.opts.button.setAttribute('aria-expanded', 'true');
    if (!kinds.data) {
      this.opts.slot.replaceChildren(formUnavailable(kinds.errors));
      return;
    }
    const form = new ConnectorForm<R>({
      kinds: kinds.data,
      ...(this.opts.editing ? { editing: this.opts.editing() } : {}),
      save: this.opts.save,
      saved: (result, status) => {
        this.close();
        this.opts.status.textContent = status;
        this.opts.saved(result);
      },
      cancel: () => this.close(),
    });
    this.form = form;
    this.opts.slot.replaceChildren(form.element);
    form.focus();
  }

  /** Drops the form (its secrets first) and gives the focus back to the button. */
  private close(): void {
    this.form?.clearSecrets();
    this.form = undefined;
    this.opts.slot.replaceChildren();
    this.opts.button.setAttribute('aria-expanded', 'false');
    this.opts.button.focus();
  }
}
