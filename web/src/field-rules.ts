/**
 * The Field rules page: for each golden type a table of its fields — the CRM fields feeding each one, the rule that
 * picks the winner in plain words, and what write-back does with a losing value — where an integration admin can
 * choose another rule and, for "most trusted source wins", reorder the sources, then save. Saving sends the whole
 * document back through `saveMappingConfiguration` (validated, dry-run composed, stored as a new version, served at
 * once) with the version it was edited from, so a version saved meanwhile by someone else is not overwritten
 * (CONFLICT); a refusal is shown with its code and every problem next to its field, and the edits stay on screen.
 * The rules offered are the ones the gateway lists (`survivorshipStrategies`, `customFunctions`). An optional
 * "Your name" is sent as the version's actor (kept for this tab): the gateway stores it as given, unchecked.
 * A type's relations (Customer.company → Company) follow its fields in the same table, with their rule edited the
 * same way; they are read-only, so their write-back cell says so instead of naming a convergence mode.
 */
import './field-rules.css';
import type { ApiError } from './api.ts';
import { h } from './dom.ts';
import { restoreControl, restoreVersion } from './field-rules-restore.ts';
import type { Notices } from './review-queue.ts';
import { loadMappingDocument, saveMappingConfiguration, SAVING_IN_WORDS } from './field-rules-api.ts';
import { StoredRecordsNotice } from './stored-records-notice.ts';
import type { ConfigProblem, Version } from './field-rules-api.ts';
import {
  applyEdits, choiceLabel, choicesFor, convergenceInWords, displayOrder, fieldRows, initialEdit, isChanged, ruleInWords,
  sourceInWords, usesOrder,
} from './field-rules-model.ts';
import type { Catalogue, FieldEdit, FieldRow, Json } from './field-rules-model.ts';
import { crmName, when } from './sync-words.ts';

const HISTORY_SHOWN = 10;
/** The name this tab saves under, like the API token: sessionStorage, for this tab only. */
const ACTOR_KEY = 'customer-graph.actor';
/** The gateway keeps at most this many characters of an actor (subgraphs/mappings). */
const ACTOR_MAX = 200;

/**
 * `types.Customer.fields.email.rule.strategy` → the row `Customer.email`, `types.Customer.relations.company.rule` →
 * `Customer.company` (no clash: a relation may not be named like a field); other paths belong to no row.
 */
const rowKeyOf = (path: string) => /^types\.([^.[]+)\.(?:fields|relations)\.([^.[]+)/.exec(path)?.slice(1).join('.');
/** What the write-back cell says for a relation: nothing is written back, whatever the rule. */
const RELATION_READ_ONLY = 'Read only: relations point to golden records and are not written back.';
const idOf = (key: string) => key.replace(/[^A-Za-z0-9_-]/g, '-');

export class FieldRulesView {
  readonly element: HTMLElement;
  private base: { version: number; doc: Json; rows: FieldRow[]; byType: Map<string, FieldRow[]>; catalogue: Catalogue } | undefined;
  /** CRMs a connector runs for here; sources of the others are shown as not connected. */
  private connected = new Set<string>();
  private edits = new Map<string, FieldEdit>();
  private problems: ConfigProblem[] = [];
  /** Only the newest load's answer is shown: a token change can start one while another is still on its way. */
  private loadSeq = 0;
  private readonly summary: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly tables: HTMLElement;
  private readonly changes: HTMLElement;
  private readonly comment: HTMLTextAreaElement;
  private readonly actor: HTMLInputElement;
  private readonly saveButton: HTMLButtonElement;
  private readonly problemBox: HTMLElement;
  private readonly history: HTMLElement;
  /** After a save: the golden types whose stored records still follow an older mapping, with a button re-reading them. */
  private readonly stored: StoredRecordsNotice;

  constructor(private readonly notices: Notices) {
    this.stored = new StoredRecordsNotice(notices);
    this.summary = h('p', { class: 'summary', 'aria-live': 'polite' }, 'Loading the field rules…');
    this.tables = h('div', { class: 'rules-tables' });
    this.changes = h('p', { id: 'rules-changes', class: 'rules-changes' });
    this.comment = h('textarea', { id: 'rules-comment', name: 'comment', rows: '2', maxlength: '500' });
    this.actor = h('input', { id: 'rules-actor', name: 'actor', type: 'text', autocomplete: 'name', maxlength: String(ACTOR_MAX), 'aria-describedby': 'rules-actor-hint' });
    this.actor.value = sessionStorage.getItem(ACTOR_KEY) ?? '';
    this.actor.addEventListener('change', () => {
      const name = this.actor.value.trim();
      if (name) sessionStorage.setItem(ACTOR_KEY, name);
      else sessionStorage.removeItem(ACTOR_KEY);
    });
    this.saveButton = h('button', { type: 'submit', class: 'save', 'aria-describedby': 'rules-changes' }, 'Save');
    this.problemBox = h('div', { id: 'rules-problems', class: 'rules-problems' });
    this.form = h('form', { id: 'rules-form', 'aria-label': 'Field rules', novalidate: '' },
      this.tables,
      h('div', { class: 'rules-save' },
        h('label', { for: 'rules-comment' }, 'Comment (optional): why this change, for the version history'),
        this.comment,
        h('label', { for: 'rules-actor' }, 'Your name (optional)'),
        this.actor,
        h('p', { id: 'rules-actor-hint', class: 'hint' }, 'Shown next to the version in the history; kept for this browser tab. It is stored as typed, not checked.'),
        this.changes, this.saveButton, this.stored.element, this.problemBox));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.saveChanges();
    });
    this.history = h('section', { class: 'rules-history', 'aria-labelledby': 'rules-history-title' });
    const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    this.element = h('main', { id: 'field-rules', 'aria-labelledby': 'rules-title' },
      h('div', { class: 'rules-head' }, h('h2', { id: 'rules-title' }, 'Field rules'), refresh),
      h('p', { class: 'hint' }, 'Each golden field is fed by fields of your CRMs. When they disagree, the field\'s rule decides which value the '
        + 'golden record shows. Choose another rule (or, for "most trusted source wins", another order), then Save: the gateway checks the '
        + 'configuration, keeps it as a new version and uses it at once. Relations (such as a customer\'s company) follow each type\'s fields: '
        + 'their rule decides which CRM\'s link to another golden record counts; they are only read, never written back.'),
      this.summary, this.form, this.history);
  }

  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.element.setAttribute('aria-busy', 'true');
    const { result, errors, doc } = await loadMappingDocument();
    if (seq !== this.loadSeq) return;
    this.element.removeAttribute('aria-busy');
    this.notices.errors(errors);
    if (!result.data || doc === undefined) {
      // What is on screen (and any unsaved change) stays: a wrong token must not cost the user their edits.
      this.summary.textContent = this.base
        ? `The field rules could not be reloaded (see the error above); this is version ${this.base.version} as loaded before${this.changedRows().length ? ', with your unsaved changes' : ''}.`
        : 'The field rules could not be loaded (see the error above).';
      return;
    }
    const { version } = result.data.mappingConfiguration;
    const dirty = this.changedRows().length > 0;
    const keep = dirty && this.base?.version === version;
    const byType = fieldRows(doc);
    const catalogue: Catalogue = { survivorshipStrategies: result.data.survivorshipStrategies, customFunctions: result.data.customFunctions };
    this.connected = new Set(result.data.connectors.filter((c) => c.running).map((c) => c.crm));
    this.base = { version, doc, byType, rows: [...byType.values()].flat(), catalogue };
    if (!keep) {
      this.edits = new Map(this.base.rows.map((r) => [r.key, initialEdit(r)]));
      this.problems = [];
      this.renderProblems();
    }
    this.renderTables();
    this.renderHistory(result.data.mappingVersions);
    this.updateChanges();
    const relations = this.base.rows.filter((r) => r.kind === 'relation').length;
    this.summary.textContent = `Version ${version} of the mapping configuration is in force: ${this.base.rows.length - relations} golden fields`
      + `${relations ? ` and ${relations} relation${relations === 1 ? '' : 's'}` : ''} in ${byType.size} types.`;
    if (dirty && !keep) this.notices.say(`The configuration was changed elsewhere (it is now version ${version}), so your unsaved changes were discarded: make them again on this version.`);
  }

  private changedRows(): FieldRow[] {
    const base = this.base;
    return base ? base.rows.filter((r) => isChanged(r, this.edits.get(r.key) ?? initialEdit(r), base.catalogue)) : [];
  }

  private renderTables(): void {
    const base = this.base;
    if (!base) return;
    this.tables.replaceChildren(...[...base.byType].map(([typeName, rows]) => {
      const titleId = `rules-${idOf(typeName)}-title`;
      const related = rows.some((r) => r.kind === 'relation');
      return h('section', { class: 'rules-type', 'aria-labelledby': titleId },
        h('h3', { id: titleId }, `${typeName} fields${related ? ' and relations' : ''}`),
        h('table', { class: 'rules-table', 'data-type': typeName },
          h('caption', {}, `Golden ${typeName}: where each field ${related ? 'and relation ' : ''}comes from and which value wins`),
          h('thead', {}, h('tr', {}, ...['Field', 'Sources (CRM and field)', 'Rule: which value wins', 'Write-back of the winner'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, ...rows.map((r) => this.row(r, base.catalogue)))));
    }));
  }

  private row(row: FieldRow, catalogue: Catalogue): HTMLTableRowElement {
    const edit = this.edits.get(row.key) ?? initialEdit(row);
    const order = displayOrder(row, edit, catalogue);
    const id = idOf(row.key);
    const changed = isChanged(row, edit, catalogue);
    const problemIds = this.problems.map((p, i) => (rowKeyOf(p.path) === row.key ? `rules-problem-${i}` : null)).filter((x): x is string => x !== null);
    const select = h('select', {
      id: `rule-${id}`, name: `rule-${row.key}`, 'data-focus': `${row.key}|rule`,
      'aria-describedby': [`words-${id}`, ...problemIds].join(' '), 'aria-invalid': problemIds.length ? 'true' : undefined,
    }, ...choicesFor(row, edit.choice, catalogue).map((c) => {
      const option = h('option', { value: c }, choiceLabel(c, row, catalogue));
      option.selected = c === edit.choice;
      return option;
    }));
    select.addEventListener('change', () => this.edit(row, { ...edit, choice: select.value }, `${row.key}|rule`));
    const ordered = usesOrder(edit.choice, catalogue) && order.length > 1;
    const sources = [...row.sources].sort((a, b) => order.indexOf(a.crm) - order.indexOf(b.crm));
    const items = sources.map((s) => {
      const at = order.indexOf(s.crm);
      const move = (by: -1 | 1, label: string) => {
        const button = h('button', { type: 'button', class: 'move', 'data-focus': `${row.key}|${s.crm}|${label}`, 'aria-label': `Move ${crmName(s.crm)} ${label} for ${row.typeName} ${row.fieldName}` }, label === 'up' ? '↑ Up' : '↓ Down');
        button.addEventListener('click', () => {
          const next = [...order];
          [next[at], next[at + by]] = [next[at + by]!, next[at]!];
          this.edit(row, { ...edit, order: next }, `${row.key}|${s.crm}|${label}`, `${row.key}|${s.crm}|${label === 'up' ? 'down' : 'up'}`);
          this.notices.say(`${row.typeName} ${row.fieldName}: ${crmName(s.crm)} is now number ${at + by + 1} of ${order.length} (not saved yet).`);
        });
        return button;
      };
      // One button per CRM and direction, at its first native field (two objects of one CRM move together).
      const first = sources.find((o) => o.crm === s.crm) === s;
      const live = this.connected.has(s.crm);
      return h('li', { 'data-crm': s.crm, class: live ? undefined : 'not-connected' }, h('span', {}, sourceInWords(s)),
        live ? null : h('span', { class: 'hint' }, ` — no ${crmName(s.crm)} connector runs: read once one does`),
        ordered && first && at > 0 ? move(-1, 'up') : null,
        ordered && first && at < order.length - 1 ? move(1, 'down') : null);
    });
    return h('tr', { 'data-field': row.key, class: [changed ? 'changed' : '', problemIds.length ? 'invalid' : ''].join(' ').trim() || undefined },
      h('th', { scope: 'row' }, h('span', { class: 'field-name' }, row.fieldName), valueTypeOf(row)),
      h('td', { class: 'sources' }, items.length ? h(ordered ? 'ol' : 'ul', {}, ...items) : `No source feeds this ${row.kind}.`),
      h('td', { class: 'rule' },
        h('label', { for: `rule-${id}`, class: 'fr-visually-hidden' }, `Rule for ${row.typeName} ${row.fieldName}`),
        select,
        h('p', { id: `words-${id}`, class: 'rule-words' }, ruleInWords(edit.choice, row, order, catalogue), changed ? h('strong', { class: 'changed-tag' }, ' Changed, not saved yet.') : null)),
      h('td', { class: 'convergence' }, row.kind === 'relation' ? RELATION_READ_ONLY : convergenceInWords(row.convergence)));
  }

  /** Records an edit and redraws its row, keeping keyboard focus on the control that was used (or its neighbour). */
  private edit(row: FieldRow, edit: FieldEdit, ...focus: string[]): void {
    if (!this.base) return;
    this.edits.set(row.key, edit);
    const old = this.tables.querySelector<HTMLTableRowElement>(`tr[data-field="${CSS.escape(row.key)}"]`);
    const next = this.row(row, this.base.catalogue);
    old?.replaceWith(next);
    for (const key of [...focus, `${row.key}|rule`]) {
      const target = next.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`);
      if (target) {
        target.focus();
        break;
      }
    }
    this.updateChanges();
  }

  private updateChanges(): void {
    const changed = this.changedRows();
    this.changes.textContent = changed.length === 0
      ? 'No unsaved changes.'
      : `${changed.length} unsaved change${changed.length === 1 ? '' : 's'}: ${changed.map((r) => `${r.typeName} ${r.fieldName}`).join(', ')}.`;
  }

  private async saveChanges(): Promise<void> {
    const base = this.base;
    if (!base || this.saveButton.disabled) return;
    const changed = this.changedRows();
    if (changed.length === 0) {
      this.notices.errors([]);
      this.notices.say('Nothing to save: no rule was changed.');
      return;
    }
    this.saveButton.disabled = true;
    this.saveButton.textContent = 'Saving…';
    this.form.setAttribute('aria-busy', 'true');
    this.notices.say(SAVING_IN_WORDS);
    try {
      const document = JSON.stringify(applyEdits(base.doc, base.rows, this.edits, base.catalogue), null, 2);
      // Saved only if base.version is still in force: otherwise CONFLICT, and another admin's newer save stays.
      const result = await saveMappingConfiguration(document, {
        comment: this.comment.value.trim() || null, expectedVersion: base.version, actor: this.actor.value.trim() || null,
      });
      this.notices.errors(result.errors.map((e) => (e.code === 'CONFLICT' ? conflictInWords(e, base.version) : e)));
      this.problems = result.problems;
      this.renderProblems();
      if (result.version === undefined) {
        this.notices.say(''); // no longer saving; the refusal is in the alert region
        this.renderTables(); // marks the refused fields; the edits are kept
        return;
      }
      this.edits.clear();
      this.comment.value = '';
      await this.load();
      this.notices.say(`Saved as version ${result.version}: new rule for ${changed.map((r) => `${r.typeName} ${r.fieldName}`).join(', ')}. The gateway uses it from now on.`);
      void this.stored.refresh();
    } finally {
      this.saveButton.disabled = false;
      this.saveButton.textContent = 'Save';
      this.form.removeAttribute('aria-busy');
    }
  }

  private renderProblems(): void {
    if (this.problems.length === 0) return void this.problemBox.replaceChildren();
    this.problemBox.replaceChildren(
      h('h3', {}, 'The gateway did not accept these changes:'),
      h('ul', {}, ...this.problems.map((p, i) => {
        const key = rowKeyOf(p.path);
        return h('li', { id: `rules-problem-${i}`, 'data-path': p.path }, key ? `${key.replace('.', ' ')}: ` : '', p.message, ' ', h('code', {}, p.path));
      })),
      h('p', {}, 'Your changes are still on screen: change them and save again, or press Refresh to start over from the saved version.'));
  }

  /** Saves version `version` again as a new version (field-rules-restore.ts); unsaved edits are discarded. */
  private async restore(version: number, inForce: number): Promise<void> {
    const outcome = await restoreVersion(version, inForce, this.actor.value.trim() || null);
    this.notices.errors(outcome.errors.map((e) => (e.code === 'CONFLICT' ? conflictInWords(e, inForce) : e)));
    this.problems = outcome.saved?.version === undefined ? outcome.saved?.problems ?? [] : [];
    this.renderProblems();
    if (outcome.saved?.version !== undefined) this.edits.clear();
    await this.load();
    if (outcome.said) this.notices.say(outcome.said);
    this.history.querySelector<HTMLElement>('h3')?.focus();
  }

  private renderHistory(versions: readonly Version[]): void {
    const shown = versions.slice(0, HISTORY_SHOWN);
    const inForce = this.base?.version;
    this.history.replaceChildren(
      h('h3', { id: 'rules-history-title', tabindex: '-1' }, 'Recent versions'),
      h('table', { class: 'rules-table history' },
        h('caption', {}, 'Saved versions of the mapping configuration, newest first'),
        h('thead', {}, h('tr', {}, ...['Version', 'Saved', 'By', 'Comment', 'Undo'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, ...shown.map((v) => h('tr', { 'data-version': String(v.version) },
          h('th', { scope: 'row' }, String(v.version), v.version === inForce ? h('span', { class: 'in-force' }, ' (in force)') : null),
          h('td', { title: v.createdAt }, when(v.createdAt)),
          h('td', { class: 'actor' }, v.actor ?? '—'),
          h('td', {}, v.comment ?? '—'),
          v.version === inForce || inForce === undefined ? h('td', {})
            : restoreControl(v.version, inForce, () => this.changedRows().length > 0, () => this.restore(v.version, inForce)))))),
      ...(versions.length > shown.length ? [h('p', {}, `${versions.length - shown.length} older versions are not shown.`)] : []));
  }
}

/**
 * The value type under the row's name. A relation's arrow is hidden from screen readers (read as "right arrow", if at
 * all) in favour of words, so the row is recognisably a relation when heard too: "relation to the golden Company".
 */
function valueTypeOf(row: FieldRow): HTMLElement {
  if (row.kind === 'field') return h('span', { class: 'value-type' }, row.valueType);
  return h('span', { class: 'value-type relation' },
    h('span', { 'aria-hidden': 'true' }, row.valueType),
    h('span', { class: 'fr-visually-hidden' }, `relation to the golden ${row.target ?? '?'}`));
}

/** The gateway's CONFLICT (which version is in force now) with what to do about it on this page. */
function conflictInWords(error: ApiError, loaded: number): ApiError {
  const now = error.extensions?.versionInForce;
  const which = typeof now === 'number' ? `Version ${now} was saved` : 'Another version was saved';
  return {
    ...error,
    message: `${which} after this page loaded version ${loaded}; nothing was saved, so that change is not undone. `
      + 'Press Refresh to load it (your unsaved changes here are discarded), then make them again.',
  };
}
