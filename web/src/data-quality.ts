/**
 * The Data quality page, for data stewards and integration admins. During sync, quality rules validate and normalise
 * values (email syntax, phone numbers, country codes, whitespace); a value that fails is kept and flagged, never
 * dropped. For a golden type the page shows what was flagged (`dataQuality`: per field, issue code and CRM, how many
 * values, records and how many of them clients see now) and, per row, the flagged values with the CRM record to fix
 * (`dataQualityIssues`, 50 records at a time, paged by golden id). Below, the checks each golden field runs (the
 * document's `quality`, rules from `qualityRules`): ticking and unticking, then "Save checks", sends the stored
 * document back with only those arrays changed through `saveMappingConfiguration` (the loaded version as
 * `expectedVersion`: CONFLICT if another is in force; MAPPING_INVALID with each problem), with comment and actor.
 */
import './data-quality.css';
import { graphql } from './api.ts';
import type { ApiError } from './api.ts';
import { h } from './dom.ts';
import type { Notices } from './review-queue.ts';
import { loadMappingDocument, saveMappingConfiguration, SAVING_IN_WORDS } from './field-rules-api.ts';
import type { ConfigProblem } from './field-rules-api.ts';
import { goldenTypes } from './field-mapping-model.ts';
import type { Json } from './field-mapping-model.ts';
import {
  applyQuality, checksInWords, choicesOf, codeInWords, pluralOf, qualityOf, recordsOf, sameList, summaryInWords, toggled,
} from './data-quality-model.ts';
import type { Group, Issue, QualityRule, Totals } from './data-quality-model.ts';
import { count, crmName } from './sync-words.ts';

const GROUPS = `query DataQuality($type: String) {
  dataQuality(type: $type) { entityType field code crm issues records winning }
  dataQualitySummary(type: $type) { issues records winning }
  qualityRules { name description }
}`;
const ISSUES = `query DataQualityIssues($type: String, $field: String!, $code: String!, $crm: String, $first: Int, $after: ID) {
  dataQualityIssues(type: $type, field: $field, code: $code, crm: $crm, first: $first, after: $after) {
    goldenId field code message source { crm objectType recordId } value winner
  }
}`;
const PAGE = 50;
/** Shared with the Field rules and Field mapping pages: the name this tab saves under. */
const ACTOR_KEY = 'customer-graph.actor';

const idOf = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');

interface Drill { group: Group; issues: Issue[]; more: boolean }

export class DataQualityView {
  readonly element: HTMLElement;
  private base: { version: number; doc: Json } | undefined;
  private rules: QualityRule[] = [];
  /** The picked type's fields: the document's list and what is ticked on screen. */
  private fields: { field: string; quality: string[]; current: string[] }[] = [];
  private drill: Drill | undefined;
  private seq = 0;
  private readonly typePicker = h('select', { id: 'quality-type', name: 'type' });
  private readonly summary = h('p', { class: 'summary', 'aria-live': 'polite' }, 'Loading the data-quality report…');
  private readonly groups = h('div', { class: 'dq-groups' });
  private readonly records = h('section', { id: 'quality-records', class: 'dq-records', 'aria-labelledby': 'quality-records-title', hidden: '' });
  private readonly checks = h('div', { class: 'dq-checks' });
  private readonly changes = h('p', { id: 'quality-changes' }, 'No unsaved changes.');
  private readonly result = h('p', { id: 'quality-result', class: 'dq-result', tabindex: '-1' });
  private readonly comment = h('textarea', { id: 'quality-comment', name: 'comment', rows: '2', maxlength: '500' });
  private readonly actor = h('input', { id: 'quality-actor', name: 'actor', type: 'text', autocomplete: 'name', maxlength: '200' });
  private readonly saveButton = h('button', { type: 'submit', class: 'save', disabled: '', 'aria-describedby': 'quality-changes' }, 'Save checks');
  private readonly problemBox = h('div', { id: 'quality-problems', class: 'dq-problems' });

  constructor(private readonly notices: Notices) {
    this.actor.value = sessionStorage.getItem(ACTOR_KEY) ?? '';
    this.actor.addEventListener('change', () => {
      const name = this.actor.value.trim();
      if (name) sessionStorage.setItem(ACTOR_KEY, name);
      else sessionStorage.removeItem(ACTOR_KEY);
    });
    this.typePicker.addEventListener('change', () => void this.loadType(true));
    const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    const form = h('form', { id: 'quality-form', class: 'dq-form', 'aria-labelledby': 'quality-checks-title', novalidate: '' },
      h('h3', { id: 'quality-checks-title' }, 'Checks per field'),
      h('p', { class: 'hint' }, 'Which quality rules run on each golden field, in order, when values are read from the CRMs. A value that fails is kept and flagged, never dropped. '
        + 'Changed checks apply to a record when it next changes in a CRM, or to every record at once with "Re-read every record" on the Sync health page.'),
      this.checks,
      h('label', { for: 'quality-comment' }, 'Comment (optional): why this change, for the version history'), this.comment,
      h('label', { for: 'quality-actor' }, 'Your name (optional)'), this.actor,
      this.changes, this.saveButton, this.result, this.problemBox);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
    this.element = h('main', { id: 'data-quality', 'aria-labelledby': 'quality-title' },
      h('div', { class: 'dq-head' }, h('h2', { id: 'quality-title' }, 'Data quality'), refresh),
      h('p', { class: 'hint' }, 'Values the quality rules flagged while syncing (a malformed email, an unknown country…). They are kept as typed, '
        + 'never dropped: fix them in the CRM they come from and the corrected value arrives through change capture.'),
      h('div', { class: 'dq-pickers' }, h('label', { for: 'quality-type' }, 'Golden type'), this.typePicker),
      this.summary, this.groups, this.records, form);
  }

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.element.setAttribute('aria-busy', 'true');
    const { result, errors, doc } = await loadMappingDocument();
    if (seq !== this.seq) return;
    this.notices.errors(errors);
    if (!result.data || doc === undefined) {
      this.element.removeAttribute('aria-busy');
      this.summary.textContent = this.base ? `The report could not be reloaded (see the error above); this is what was loaded before.` : 'The data-quality report could not be loaded (see the error above).';
      return;
    }
    const { version } = result.data.mappingConfiguration;
    const newer = this.base !== undefined && this.base.version !== version;
    this.base = { version, doc };
    const types = goldenTypes(doc);
    const keep = types.includes(this.typePicker.value) ? this.typePicker.value : types[0] ?? '';
    this.typePicker.replaceChildren(...types.map((t) => h('option', { value: t }, t)));
    this.typePicker.value = keep;
    await this.loadType(newer);
  }

  /** The report and the checks of the picked type; `reset` discards the checks ticked on screen (and says so). */
  private async loadType(reset: boolean): Promise<void> {
    const typeName = this.typePicker.value;
    if (reset) {
      const lost = this.changed().length;
      if (lost) this.notices.say(`${count(lost, 'unsaved change')} to the checks discarded.`);
      this.fields = [];
      this.setProblems([]);
    }
    this.closeRecords();
    const seq = ++this.seq;
    this.element.setAttribute('aria-busy', 'true');
    const res = await graphql<{ dataQuality: Group[]; dataQualitySummary: Totals; qualityRules: QualityRule[] }>(GROUPS, { type: typeName });
    if (seq !== this.seq) return;
    this.element.removeAttribute('aria-busy');
    this.notices.errors(res.errors);
    if (!res.data) {
      this.summary.textContent = `The data-quality report of ${typeName} could not be loaded (see the error above).`;
      this.groups.replaceChildren();
      return;
    }
    this.rules = res.data.qualityRules;
    this.summary.textContent = summaryInWords(res.data.dataQualitySummary, typeName);
    this.renderGroups(res.data.dataQuality, typeName);
    const ticked = new Map(this.fields.map((f) => [f.field, f.current]));
    this.fields = this.base ? qualityOf(this.base.doc, typeName).map((f) => ({ ...f, current: ticked.get(f.field) ?? f.quality })) : [];
    this.renderChecks(typeName);
  }

  private renderGroups(groups: readonly Group[], typeName: string): void {
    if (!groups.length) return void this.groups.replaceChildren();
    this.groups.replaceChildren(h('table', { class: 'dq-table' },
      h('caption', {}, `Flagged values of ${pluralOf(typeName)}, by field, problem and CRM; most first`),
      h('thead', {}, h('tr', {}, ...['Field', 'Problem', 'CRM', 'Values', 'Records', 'Shown to clients', 'Records to fix'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...groups.map((g) => {
        const show = h('button', { type: 'button', class: 'secondary', 'aria-label': `Show records: ${g.field}, ${codeInWords(g.code)}, ${crmName(g.crm)}` }, 'Show records');
        show.addEventListener('click', () => void this.openRecords(g));
        return h('tr', { 'data-field': g.field, 'data-code': g.code, 'data-crm': g.crm },
          h('th', { scope: 'row' }, g.field),
          h('td', { title: g.code }, codeInWords(g.code)),
          h('td', {}, crmName(g.crm)),
          h('td', { class: 'num issues' }, g.issues.toLocaleString('en')),
          h('td', { class: 'num records' }, g.records.toLocaleString('en')),
          h('td', { class: 'num winning' }, g.winning.toLocaleString('en')),
          h('td', {}, show));
      }))));
  }

  private closeRecords(): void {
    this.drill = undefined;
    this.records.hidden = true;
    this.records.replaceChildren();
  }

  private async openRecords(group: Group): Promise<void> {
    this.drill = { group, issues: [], more: true };
    this.records.hidden = false;
    this.records.replaceChildren(h('h3', { id: 'quality-records-title', tabindex: '-1' }, this.recordsTitle(group)), h('p', {}, 'Loading…'));
    await this.moreRecords();
    this.records.querySelector<HTMLElement>('#quality-records-title')?.focus();
  }

  private recordsTitle(g: Group): string {
    return `${g.field}: ${codeInWords(g.code)} from ${crmName(g.crm)}`;
  }

  /** Reads the next records of the open group (all values of each) and shows them after those already listed. */
  private async moreRecords(): Promise<void> {
    const drill = this.drill;
    if (!drill) return;
    const { group } = drill;
    const after = drill.issues.at(-1)?.goldenId;
    const res = await graphql<{ dataQualityIssues: Issue[] }>(ISSUES, {
      type: group.entityType, field: group.field, code: group.code, crm: group.crm, first: PAGE, ...(after ? { after } : {}),
    });
    if (this.drill !== drill) return;
    this.notices.errors(res.errors);
    if (!res.data && drill.issues.length === 0) {
      this.records.replaceChildren(h('h3', { id: 'quality-records-title', tabindex: '-1' }, this.recordsTitle(group)),
        h('p', {}, 'The flagged values could not be loaded (see the error above).'));
      return;
    }
    const page = res.data?.dataQualityIssues ?? [];
    const from = drill.issues.length;
    drill.issues.push(...page);
    drill.more = res.data !== undefined && new Set(page.map((i) => i.goldenId)).size >= PAGE;
    this.renderRecords(drill);
    if (from > 0 && page.length) this.records.querySelector<HTMLElement>(`li[data-index="${from}"]`)?.focus();
  }

  private renderRecords(drill: Drill): void {
    const { group, issues } = drill;
    const crm = crmName(group.crm);
    const more = h('button', { type: 'button', class: 'secondary' }, `Show ${PAGE} more`);
    more.addEventListener('click', () => void this.moreRecords());
    const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
    close.addEventListener('click', () => {
      const at = this.groups.querySelector<HTMLElement>(`tr[data-field="${CSS.escape(group.field)}"][data-code="${CSS.escape(group.code)}"][data-crm="${CSS.escape(group.crm)}"] button`);
      this.closeRecords();
      at?.focus();
    });
    const records = new Set(issues.map((i) => i.goldenId)).size;
    this.records.replaceChildren(
      h('h3', { id: 'quality-records-title', tabindex: '-1' }, this.recordsTitle(group)),
      h('p', { class: 'dq-fix' }, `Fix it in ${crm}: the corrected value reaches customer-graph through change capture.`),
      h('p', { class: 'dq-shown' }, `${count(issues.length, 'flagged value')} in ${recordsOf(records, group.entityType)} shown${drill.more ? '' : ' (all of them)'}.`),
      h('ul', { class: 'dq-issues' }, ...issues.map((i, n) => h('li', { 'data-index': String(n), 'data-record': i.source.recordId, tabindex: '-1' },
        h('code', { class: 'dq-value' }, i.value ?? '(no value)'),
        i.winner ? h('span', { class: 'dq-badge' }, 'shown to clients') : null,
        h('span', { class: 'dq-source' }, `${crmName(i.source.crm)} ${i.source.objectType} ${i.source.recordId}`),
        h('span', { class: 'dq-golden' }, `golden id ${i.goldenId}`),
        h('span', { class: 'dq-message' }, i.message)))),
      h('div', { class: 'dq-record-actions' }, drill.more ? more : null, close));
  }

  private changed(): { field: string; quality: string[]; current: string[] }[] {
    return this.fields.filter((f) => !sameList(f.quality, f.current));
  }

  private renderChecks(typeName: string): void {
    const ruleIds = new Map(this.rules.map((r) => [r.name, `quality-rule-${idOf(r.name)}`]));
    const legend = h('dl', { class: 'dq-rules' }, ...this.rules.flatMap((r) => [h('dt', {}, r.name), h('dd', { id: ruleIds.get(r.name)! }, r.description)]));
    if (!this.fields.length) return void this.checks.replaceChildren(h('p', {}, `${typeName} has no golden fields.`));
    this.checks.replaceChildren(legend, ...this.fields.map((f) => {
      const tag = h('span', { class: 'changed-tag' });
      const set = h('fieldset', { class: 'dq-field', 'data-field': f.field }, h('legend', {}, f.field, tag));
      const mark = () => {
        const changed = !sameList(f.quality, f.current);
        set.classList.toggle('changed', changed);
        tag.textContent = changed ? ' — changed, not saved yet' : '';
      };
      for (const rule of choicesOf(f.quality, this.rules)) {
        const id = `quality-${idOf(f.field)}-${idOf(rule)}`;
        const box = h('input', { type: 'checkbox', id, name: `${f.field}.${rule}`, 'aria-describedby': ruleIds.get(rule) });
        box.checked = f.current.includes(rule);
        box.addEventListener('change', () => {
          f.current = toggled(f.quality, f.current, rule, box.checked, this.rules);
          mark();
          this.update();
        });
        set.append(h('span', { class: 'dq-check', title: this.rules.find((r) => r.name === rule)?.description ?? 'Not a rule this gateway lists' }, box, h('label', { for: id }, rule)));
      }
      mark();
      return set;
    }));
    this.update();
  }

  private update(): void {
    const changed = this.changed();
    this.changes.textContent = changed.length
      ? `${count(changed.length, 'unsaved change')}: ${changed.map((f) => checksInWords(f.field, f.current)).join('; ')}.`
      : 'No unsaved changes.';
    this.saveButton.disabled = changed.length === 0;
    if (changed.length) this.result.textContent = '';
  }

  private async save(): Promise<void> {
    const base = this.base;
    const changed = this.changed();
    const typeName = this.typePicker.value;
    if (!base || this.saveButton.disabled || changed.length === 0) return;
    const doc = applyQuality(base.doc, typeName, new Map(changed.map((f) => [f.field, f.current])));
    const words = changed.map((f) => checksInWords(f.field, f.current)).join('; ');
    this.saveButton.disabled = true;
    this.saveButton.textContent = 'Saving…';
    this.element.setAttribute('aria-busy', 'true');
    this.notices.say(SAVING_IN_WORDS);
    const res = await saveMappingConfiguration(JSON.stringify(doc, null, 2), {
      comment: this.comment.value.trim() || null, expectedVersion: base.version, actor: this.actor.value.trim() || null,
    });
    this.element.removeAttribute('aria-busy');
    this.saveButton.textContent = 'Save checks';
    this.notices.errors(res.errors.map((e) => (e.code === 'CONFLICT' ? conflictInWords(e, base.version) : e)));
    if (res.version === undefined) {
      this.notices.say(''); // no longer saving; the refusal is in the alert region
      this.setProblems(res.problems);
      this.update();
      return;
    }
    this.setProblems([]);
    this.comment.value = '';
    this.fields = [];
    this.base = { version: res.version, doc }; // not "changed elsewhere": this page saved it
    await this.load();
    const text = `Saved version ${res.version}: ${words}.`;
    this.notices.say(text);
    this.result.textContent = text;
    this.result.focus();
  }

  private setProblems(problems: ConfigProblem[]): void {
    // A problem under types.<T>.fields.<field> marks that field's checks too.
    const fields = new Set(problems.map((p) => /^types\.[^.]+\.fields\.([^.[]+)/.exec(p.path)?.[1]));
    for (const set of this.checks.querySelectorAll<HTMLElement>('fieldset[data-field]')) set.classList.toggle('invalid', fields.has(set.dataset.field));
    if (!problems.length) return void this.problemBox.replaceChildren();
    this.problemBox.replaceChildren(h('h4', {}, 'The gateway did not accept these checks:'),
      h('ul', {}, ...problems.map((p) => h('li', { 'data-path': p.path }, `${p.message} `, h('code', {}, p.path)))),
      h('p', {}, 'Your changes are still on screen: change them and save again, or press Refresh to start over.'));
  }
}

/** The gateway's CONFLICT (which version is in force now) with what to do about it on this page. */
function conflictInWords(error: ApiError, loaded: number): ApiError {
  const now = error.extensions?.versionInForce;
  const which = typeof now === 'number' ? `Version ${now} was saved` : 'Another version was saved';
  return { ...error, message: `${which} after this page loaded version ${loaded}; nothing was saved. Press Refresh to load ${typeof now === 'number' ? `version ${now}` : 'it'} (your unsaved changes here are discarded), then make them again.` };
}
