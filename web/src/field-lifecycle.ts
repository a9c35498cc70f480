/**
 * Field lifecycle on the Field mapping page: how much clients asked for each golden field lately (`fieldUsage`, per
 * day and client as the gateway counts them), and the controls to evolve a field without surprising them — deprecate
 * it with a reason (`"deprecated": "<reason>"` in the document: introspection shows it, the field keeps answering),
 * un-deprecate it, or remove it. These are pending changes like the mapping edits and go out with the same Save.
 * A save that takes a field from clients is refused by the gateway with BREAKING_CHANGE (nothing stored); this shows
 * each change in words with its usage and asks for an explicit "Remove anyway" before saving again with
 * `allowBreakingChanges`. The view owns the table and the Save flow; this owns the cells, the words and the confirmation.
 */
import { graphql } from './api.ts';
import type { ApiError } from './api.ts';
import { h } from './dom.ts';
import type { BreakingChange } from './field-rules-api.ts';
import type { Json } from './field-mapping-model.ts';
import { age, count, when } from './sync-words.ts';

export interface FieldUsage { coordinate: string; requests: number; lastSeenAt: string; clients: string[] }

/** A pending lifecycle change of one golden field. */
export type LifecycleEdit = { kind: 'deprecate'; reason: string } | { kind: 'undeprecate' } | { kind: 'remove' };

const USAGE = `query FieldUsage($type: String!) { fieldUsage(type: $type, days: 30) { coordinate requests lastSeenAt clients } }`;
export const USAGE_DAYS = 30;
const MAX_REASON = 500;

type JsonObject = { [key: string]: Json };
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const fieldsOf = (doc: Json, typeName: string): JsonObject | undefined => {
  const type = isObject(doc) && isObject(doc.types) ? doc.types[typeName] : undefined;
  return isObject(type) && isObject(type.fields) ? type.fields : undefined;
};
const hidden = (text: string) => h('span', { class: 'fr-visually-hidden' }, text);
const idOf = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');
const number = new Intl.NumberFormat('en');

/** The golden field's deprecation reason in the document, if it is deprecated. */
export function deprecationOf(doc: Json, typeName: string, field: string): string | undefined {
  const f = fieldsOf(doc, typeName)?.[field];
  return isObject(f) && typeof f.deprecated === 'string' ? f.deprecated : undefined;
}

/**
 * Client names as a reader understands them: the gateway counts requests without an `apollographql-client-name`
 * header under 'unknown' (gateway/field-usage.ts), which reads like an error; say what it is instead.
 */
const clientNames = (clients: readonly string[]) => clients.map((c) => (c === 'unknown' ? 'clients sending no name' : c)).join(', ');

/** "1,234 requests · last 2 min ago · web-app, analytics", or "not asked for". */
export function usageInWords(u: FieldUsage | undefined, now = Date.now()): string {
  if (!u || u.requests <= 0) return 'not asked for';
  const seconds = Math.max(0, Math.floor((now - new Date(u.lastSeenAt).getTime()) / 1000));
  const last = Number.isNaN(seconds) ? '' : ` · last ${age(seconds)} ago`;
  return `${number.format(u.requests)} request${u.requests === 1 ? '' : 's'}${last}${u.clients.length ? ` · ${clientNames(u.clients)}` : ''}`;
}

/** "title: deprecate — 'use jobTitle'", "department: remove field". */
export function lifecycleInWords(field: string, edit: LifecycleEdit): string {
  switch (edit.kind) {
    case 'deprecate': return `${field}: deprecate — '${edit.reason}'`;
    case 'undeprecate': return `${field}: un-deprecate`;
    case 'remove': return `${field}: remove field`;
  }
}

/** "Customer.department would be removed — asked for in 3 requests in the last 30 days, last at …, by crm-portal". */
export function changeInWords(c: BreakingChange): string {
  const what = c.coordinate && (c.type === 'FIELD_REMOVED' || c.type === 'TYPE_REMOVED') ? `${c.coordinate} would be removed` : c.description.replace(/\.$/, '');
  if (!c.usage) return what;
  const { days, requests, lastSeenAt, clients } = c.usage;
  if (requests <= 0) return `${what} — nobody asked for it in the last ${days} days`;
  return `${what} — asked for in ${count(requests, 'request')} in the last ${days} days${lastSeenAt ? `, last at ${when(lastSeenAt)}` : ''}`
    + `${clients.length ? `, by ${clientNames(clients)}` : ''}`;
}

/** The document with the lifecycle edits of one golden type applied; every other part is left as it was. */
export function applyLifecycleEdits(doc: Json, typeName: string, edits: ReadonlyMap<string, LifecycleEdit>): Json {
  const copy = structuredClone(doc);
  const fields = fieldsOf(copy, typeName);
  if (!fields) return copy;
  for (const [name, edit] of edits) {
    const field = fields[name];
    if (!isObject(field)) continue;
    if (edit.kind === 'remove') delete fields[name];
    else if (edit.kind === 'deprecate') field.deprecated = edit.reason;
    else delete field.deprecated;
  }
  return copy;
}

export class FieldLifecycle {
  private usage = new Map<string, FieldUsage>();
  private readonly edits = new Map<string, LifecycleEdit>();
  /** Open "Deprecate…" forms: field → the reason typed so far. */
  private readonly drafts = new Map<string, string>();
  /** The document text a BREAKING_CHANGE refusal was about ("Save anyway" sends only that one) and its changes in words. */
  refused: { doc: string; words: string } | undefined;

  /** Reads the usage of the golden type's fields; the errors are for the page's notices. */
  async loadUsage(typeName: string): Promise<ApiError[]> {
    const res = await graphql<{ fieldUsage: FieldUsage[] }>(USAGE, { type: typeName });
    this.usage = new Map((res.data?.fieldUsage ?? []).map((u) => [u.coordinate, u]));
    return res.errors;
  }

  clear(): void {
    this.edits.clear();
    this.drafts.clear();
    this.refused = undefined;
  }

  /** Whether the pending changes (in words) differ from those refused: the confirmation is then withdrawn. */
  withdraw(words: string): boolean {
    if (this.refused === undefined || this.refused.words === words) return false;
    this.refused = undefined;
    return true;
  }

  has(field: string): boolean {
    return this.edits.has(field);
  }

  /** The pending lifecycle changes in words, for the changes line and the saved message. */
  words(): string[] {
    return [...this.edits].map(([field, edit]) => lifecycleInWords(field, edit));
  }

  apply(doc: Json, typeName: string): Json {
    return applyLifecycleEdits(doc, typeName, this.edits);
  }

  usageCell(typeName: string, field: string): HTMLTableCellElement {
    const u = this.usage.get(`${typeName}.${field}`);
    return h('td', { class: `usage${u && u.requests > 0 ? '' : ' muted'}` }, usageInWords(u));
  }

  /** The "Deprecated: <reason>" badge for the field's row header, when the stored document deprecates it. */
  badge(doc: Json, typeName: string, field: string): HTMLElement | null {
    const reason = deprecationOf(doc, typeName, field);
    return reason === undefined ? null : h('span', { class: 'deprecated-badge' }, `Deprecated: ${reason}`);
  }

  /** Deprecate… / Un-deprecate / Remove field for one golden field; `redraw` redraws its row, focusing `[data-focus]`. */
  controls(doc: Json, typeName: string, field: string, redraw: (focus: string) => void): HTMLElement {
    const id = idOf(field);
    const edit = this.edits.get(field);
    const stored = deprecationOf(doc, typeName, field);
    const set = (next: LifecycleEdit | undefined, focus: string) => {
      if (next) this.edits.set(field, next);
      else this.edits.delete(field);
      this.drafts.delete(field);
      redraw(focus);
    };
    const button = (label: string, name: string, focus: string, onClick: () => void) => {
      const el = h('button', { type: 'button', class: 'secondary', 'data-focus': focus }, label, hidden(name));
      el.addEventListener('click', onClick);
      return el;
    };
    const parts: Node[] = [];
    if (edit?.kind === 'deprecate' || edit?.kind === 'undeprecate') {
      parts.push(button('Undo', ` ${lifecycleInWords(field, edit)}`, 'undo', () => set(undefined, stored === undefined ? 'deprecate' : 'undeprecate')));
    } else if (edit?.kind !== 'remove' && this.drafts.has(field)) {
      parts.push(this.deprecateForm(field, id, (reason) => set({ kind: 'deprecate', reason }, 'undo'), () => {
        this.drafts.delete(field);
        redraw('deprecate');
      }));
    } else if (edit?.kind !== 'remove' && stored !== undefined) {
      parts.push(button('Un-deprecate', ` ${field}`, 'undeprecate', () => set({ kind: 'undeprecate' }, 'undo')));
    } else if (edit?.kind !== 'remove') {
      parts.push(button('Deprecate…', ` ${field}`, 'deprecate', () => {
        this.drafts.set(field, '');
        redraw('reason');
      }));
    }
    const remove = h('input', { type: 'checkbox', id: `remove-${id}`, 'data-focus': 'remove' });
    remove.checked = edit?.kind === 'remove';
    remove.addEventListener('change', () => set(remove.checked ? { kind: 'remove' } : undefined, 'remove'));
    parts.push(h('div', { class: 'mapping-check' }, remove, h('label', { for: `remove-${id}` }, 'Remove field', hidden(` ${field}`))));
    if (edit?.kind === 'remove') {
      const u = this.usage.get(`${typeName}.${field}`);
      parts.push(h('p', { class: 'warning' }, `${field} then disappears from the API: clients asking for it get errors `
        + `(${u && u.requests > 0 ? `asked for in ${count(u.requests, 'request')}` : 'nobody asked for it'} in the last ${USAGE_DAYS} days). `
        + 'Deprecating it first lets clients move off it.'));
    }
    if (edit) parts.push(h('strong', { class: 'changed-tag' }, `Not saved yet: ${lifecycleInWords(field, edit)}.`));
    return h('div', { class: 'lifecycle', role: 'group', 'aria-label': `Lifecycle of ${field}` }, ...parts);
  }

  /** The inline reason form (inside the page's form: Enter deprecates instead of saving). */
  private deprecateForm(field: string, id: string, done: (reason: string) => void, cancel: () => void): HTMLElement {
    const input = h('input', {
      type: 'text', id: `reason-${id}`, 'data-focus': 'reason', class: 'reason', placeholder: 'what to use instead',
      required: '', maxlength: String(MAX_REASON), 'aria-describedby': `reason-hint-${id}`,
    });
    input.value = this.drafts.get(field) ?? '';
    const hint = h('span', { id: `reason-hint-${id}`, class: 'hint' });
    const submit = () => {
      const reason = input.value.trim();
      if (!reason) {
        input.setAttribute('aria-invalid', 'true');
        hint.textContent = 'Say why, or what clients should use instead (required).';
        input.focus();
        return;
      }
      done(reason);
    };
    input.addEventListener('input', () => this.drafts.set(field, input.value));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        submit();
      } else if (event.key === 'Escape') cancel();
    });
    const ok = h('button', { type: 'button' }, 'Deprecate', hidden(` ${field}`));
    ok.addEventListener('click', submit);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel', hidden(` deprecating ${field}`));
    no.addEventListener('click', cancel);
    return h('div', { class: 'deprecate-form' },
      h('label', { for: `reason-${id}` }, `Why is ${field} deprecated?`), input, hint, h('div', { class: 'buttons' }, ok, no));
  }

  /**
   * The BREAKING_CHANGE refusal in words, with the "Remove anyway" confirmation; `anyway` repeats the save accepting
   * the changes. Returns the nodes for the form's alert region and the checkbox to focus.
   */
  breaking(changes: readonly BreakingChange[], anyway: () => void): { nodes: Node[]; focus: HTMLInputElement } {
    const box = h('input', { type: 'checkbox', id: 'mapping-remove-anyway' });
    const button = h('button', { type: 'button', class: 'save-anyway', disabled: '' }, 'Save anyway');
    box.addEventListener('change', () => (button.disabled = !box.checked));
    button.addEventListener('click', () => {
      if (!box.checked) return;
      button.disabled = true; // one save at a time; a refusal draws a new confirmation
      anyway();
    });
    const unused = changes.every((c) => !c.usage || c.usage.requests <= 0);
    const nodes: Node[] = [
      h('h3', {}, 'Nothing was saved: these changes would break clients of the API'),
      h('ul', {}, ...changes.map((c) => h('li', { 'data-coordinate': c.coordinate }, changeInWords(c)))),
      h('p', {}, unused
        ? `Nobody asked for ${changes.length === 1 ? 'it' : 'these'} in the last ${USAGE_DAYS} days, but a client that does would get an error.`
        : 'Deprecating a field first (with what to use instead) lets clients move off it before it goes.'),
      h('div', { class: 'mapping-check' }, box,
        h('label', { for: 'mapping-remove-anyway' }, 'Remove anyway: clients still asking for these fields will get errors')),
      button,
    ];
    return { nodes, focus: box };
  }
}
