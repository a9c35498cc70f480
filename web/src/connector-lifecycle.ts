/**
 * Disable / Enable and Delete… on a connector's card (the admin API's `setConnectorEnabled` and `deleteConnector`).
 * Disabling takes effect at once, in every process: the connector is not polled or written to (its write-back waits)
 * and reads of its records answer as unavailable until it is enabled again. Disable asks for confirmation in a small
 * row on the card; Delete… asks to type the connector's id (it is offered only for a connector that is not running:
 * the API answers CONFLICT otherwise). Every control carries the connector's name; focus comes back to the control
 * after a change, or, after a delete, the card's owner moves it on. API errors go to the shared alert region with
 * their code.
 */
import { graphql } from './api.ts';
import { h } from './dom.ts';
import type { Notices } from './review-queue.ts';

/** What these controls read of a connector (the page's `ConnectorHealth` has more). */
export interface LifecycleConnector { id: string; name: string; status: string; running: boolean }

/** A disabled connector's state in words (grey on the card); null when it is not disabled. */
export function disabledStatus(c: LifecycleConnector): { label: string; tone: 'off'; detail: string } | null {
  if (c.status !== 'disabled') return null;
  return {
    label: 'Disabled',
    tone: 'off',
    detail: c.running
      ? `${c.name} is still running in this process; other processes have stopped it.`
      : 'Not polled or written to (write-back waits), its records read as unavailable, and it is not started again until you enable it.',
  };
}

export interface LifecycleOptions<C extends LifecycleConnector> {
  notices: Notices;
  /** The GraphQL selection of the page's connector type, so the answer can redraw the whole card. */
  fields: string;
  /** The card shows the connector as stored now. */
  updated(c: C): void;
  /** The connector is gone: the owner removes the card and moves focus on. */
  deleted(c: C): void;
}

type Panel = 'disable' | 'delete' | null;

export class LifecycleControls<C extends LifecycleConnector> {
  /** The buttons row and the confirmation slot under it. */
  readonly element: HTMLElement;
  private readonly toggle = h('button', { type: 'button', class: 'secondary lifecycle-toggle' });
  private readonly remove = h('button', { type: 'button', class: 'secondary danger lifecycle-delete' }, 'Delete…');
  private readonly slot = h('div', { class: 'lifecycle-confirm-slot' });
  private panel: Panel = null;
  private busy = false;

  constructor(private connector: C, private readonly opts: LifecycleOptions<C>) {
    this.toggle.addEventListener('click', () => {
      if (this.connector.status === 'disabled') void this.setEnabled(true);
      else this.open('disable');
    });
    this.remove.addEventListener('click', () => this.open(this.panel === 'delete' ? null : 'delete'));
    this.element = h('div', { class: 'connector-lifecycle' },
      h('div', { class: 'lifecycle-actions' }, this.toggle, this.remove),
      this.slot);
    this.update(connector);
  }

  update(c: C): void {
    this.connector = c;
    const disabled = c.status === 'disabled';
    this.toggle.textContent = disabled ? 'Enable' : 'Disable';
    this.toggle.setAttribute('aria-label', `${disabled ? 'Enable' : 'Disable'} ${c.name}`);
    this.remove.setAttribute('aria-label', `Delete ${c.name}…`);
    this.remove.hidden = c.running;
    if ((this.panel === 'disable' && disabled) || (this.panel === 'delete' && c.running)) this.close(false);
  }

  private open(panel: Panel): void {
    if (!panel) return this.close(true);
    this.panel = panel;
    this.remove.setAttribute('aria-expanded', String(panel === 'delete'));
    const row = panel === 'disable' ? this.disableRow() : this.deleteRow();
    this.slot.replaceChildren(row.element);
    row.focus.focus();
  }

  /** Closes the confirmation; `refocus` gives focus back to the control that opened it. */
  private close(refocus: boolean): void {
    const was = this.panel;
    this.panel = null;
    this.slot.replaceChildren();
    this.remove.setAttribute('aria-expanded', 'false');
    if (refocus) (was === 'delete' ? this.remove : this.toggle).focus();
  }

  private disableRow(): { element: HTMLElement; focus: HTMLElement } {
    const c = this.connector;
    const confirm = h('button', { type: 'button', class: 'confirm', 'aria-label': `Confirm disabling ${c.name}` }, 'Confirm');
    const cancel = h('button', { type: 'button', class: 'secondary cancel', 'aria-label': `Cancel disabling ${c.name}` }, 'Cancel');
    confirm.addEventListener('click', () => void this.setEnabled(false));
    cancel.addEventListener('click', () => this.close(true));
    const element = h('div', { class: 'lifecycle-confirm', role: 'group', 'aria-label': `Disable ${c.name}` },
      h('p', {}, `Disable ${c.name}? It stops now: no polling, write-back waits, and its records read as unavailable until you enable it again.`), confirm, cancel);
    element.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.close(true); });
    return { element, focus: confirm };
  }

  private deleteRow(): { element: HTMLElement; focus: HTMLElement } {
    const c = this.connector;
    const inputId = `cn-delete-${c.id}`;
    const input = h('input', { type: 'text', id: inputId, autocomplete: 'off', spellcheck: 'false', class: 'lifecycle-confirm-id' });
    const confirm = h('button', { type: 'submit', class: 'confirm danger', 'aria-label': `Confirm deleting ${c.name}` }, 'Confirm');
    const cancel = h('button', { type: 'button', class: 'secondary cancel', 'aria-label': `Cancel deleting ${c.name}` }, 'Cancel');
    confirm.disabled = true;
    input.addEventListener('input', () => { confirm.disabled = input.value.trim() !== c.id; });
    cancel.addEventListener('click', () => this.close(true));
    const element = h('form', { class: 'lifecycle-confirm', 'aria-label': `Delete ${c.name}` },
      h('p', {}, `Delete ${c.name}? This removes the connector with its encrypted credentials and change cursors; `
        + 'its records leave the golden records (a customer with no other source is deleted; history is kept). It cannot be undone.'),
      h('label', { for: inputId }, 'Type the connector id ', h('code', {}, c.id), ` to confirm deleting ${c.name}`),
      input, confirm, cancel);
    element.addEventListener('submit', (e) => {
      e.preventDefault();
      if (input.value.trim() === c.id) void this.delete(confirm);
    });
    element.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.close(true); });
    return { element, focus: input };
  }

  private async setEnabled(enabled: boolean): Promise<void> {
    if (this.busy) return;
    const c = this.connector;
    const control = this.slot.querySelector<HTMLButtonElement>('button.confirm') ?? this.toggle;
    this.busy = true;
    control.setAttribute('aria-disabled', 'true');
    control.setAttribute('aria-busy', 'true');
    const res = await graphql<{ setConnectorEnabled: { connector: C; restartReason: string | null } }>(
      `mutation SetConnectorEnabled($id: ID!, $enabled: Boolean!) {
        setConnectorEnabled(id: $id, enabled: $enabled) { connector { ${this.opts.fields} } restartReason } }`, { id: c.id, enabled });
    this.busy = false;
    control.removeAttribute('aria-disabled');
    control.removeAttribute('aria-busy');
    const r = res.data?.setConnectorEnabled;
    if (!r) {
      this.opts.notices.errors(res.errors);
      return;
    }
    this.close(false);
    this.opts.updated(r.connector);
    this.opts.notices.errors([]);
    const done = enabled
      ? `${c.name} is enabled${r.connector.running ? ' and running' : ''}.`
      : `${c.name} is disabled.`;
    this.opts.notices.say(r.restartReason ? `${done} ${r.restartReason}` : done);
    // The same button, now saying what it does next (Enable / Disable).
    this.toggle.focus();
  }

  private async delete(confirm: HTMLButtonElement): Promise<void> {
    if (this.busy) return;
    const c = this.connector;
    this.busy = true;
    confirm.setAttribute('aria-busy', 'true');
    const res = await graphql<{ deleteConnector: boolean }>('mutation DeleteConnector($id: ID!) { deleteConnector(id: $id) }', { id: c.id });
    this.busy = false;
    confirm.removeAttribute('aria-busy');
    if (!res.data?.deleteConnector) {
      this.opts.notices.errors(res.errors.length ? res.errors : [{ code: 'NOT_FOUND', message: `${c.name} was not deleted: no connector has the id '${c.id}'.` }]);
      return;
    }
    this.opts.notices.errors([]);
    this.opts.notices.say(`${c.name} is deleted, with its credentials and change cursors; its records leave the golden records in the background (history is kept).`);
    this.opts.deleted(c);
  }
}
