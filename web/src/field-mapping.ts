/**
 * The Field mapping page: for a golden type and one CRM object feeding it, which native field each golden field
 * reads now and, from the gateway's `mappingSuggestions` (names, labels, synonyms such as Company ↔ Account, type
 * fit), what could fill the fields that read nothing from it. The admin ticks a proposal (never pre-ticked), picks
 * another candidate, changes or stops a mapping, or adds a native field nothing reads as a new golden field, then
 * saves: the whole document goes back through `saveMappingConfiguration` with the version it was loaded at (CONFLICT
 * when another is in force by then) and the optional name as actor; a refusal shows its code and each problem.
 * Each field's recent usage and its Deprecate / Remove controls come from field-lifecycle.ts; a BREAKING_CHANGE
 * refusal is shown there and saved again only after "Remove anyway". The object's fields nothing reads, addable as new
 * golden fields, are field-mapping-unused.ts.
 */
import './field-mapping.css';
import { graphql } from './api.ts';
import { h } from './dom.ts';
import type { Notices } from './review-queue.ts';
import { loadMappingDocument, saveMappingConfiguration, SAVING_IN_WORDS } from './field-rules-api.ts';
import { StoredRecordsNotice } from './stored-records-notice.ts';
import type { ConfigProblem } from './field-rules-api.ts';
import {
  applyMappingEdits, editInWords, goldenTypes, newFieldInWords, otherSources, percent,
  sourceKey, sourceLabel, sourcesOf, stopWarning, idOf, candidateLabel, optionsOf, converterInWords,
} from './field-mapping-model.ts';
import type { Candidate, FieldEdit, FieldSuggestions, Json, Source, Suggestions } from './field-mapping-model.ts';
import { count } from './sync-words.ts';
import { FieldLifecycle } from './field-lifecycle.ts';
import { unfedFieldsQuestion } from './field-mapping-confirm.ts';
import { conflictInWords, problemList } from './field-mapping-refusal.ts';
import { UnusedFieldsSection } from './field-mapping-unused.ts';

const CANDIDATE = 'nativeField nativeLabel nativeType score converter reasons mapping';
const SUGGEST = `query MappingSuggestions($type: String!, $crm: String!, $objectType: String) {
  mappingSuggestions(type: $type, crm: $crm, objectType: $objectType) {
    type crm objectType
    fields { field type mappedFrom candidates { ${CANDIDATE} } proposed { ${CANDIDATE} } }
    unusedNativeFields { name label type custom goldenType mapping }
  }
}`;
/** Shared with the Field rules page: the name this tab saves under. */
const ACTOR_KEY = 'customer-graph.actor';

/** What the admin set in one row: for an unmapped field, whether to use which candidate; for a mapped one, change or stop. */
interface RowState { use: boolean; pick: string; changeTo: string; stop: boolean }

export class FieldMappingView {
  readonly element: HTMLElement;
  private base: { version: number; doc: Json } | undefined;
  /** CRMs a connector runs for here: only their objects' fields can be read. */
  private connected = new Set<string>();
  private suggestions: Suggestions | undefined;
  private rows = new Map<string, RowState>();
  private problems: ConfigProblem[] = [];
  private seq = 0;
  private readonly lifecycle = new FieldLifecycle();
  private readonly typePicker = h('select', { id: 'mapping-type', name: 'type' });
  private readonly sourcePicker = h('select', { id: 'mapping-source', name: 'source' });
  private readonly summary = h('p', { class: 'summary', 'aria-live': 'polite' }, 'Loading the mapping…');
  private readonly table = h('div', { class: 'mapping-fields' });
  /** The object's fields nothing reads, each addable as a new golden field. */
  private readonly unused = new UnusedFieldsSection({ doc: () => this.base?.doc, type: () => this.typePicker.value, changed: () => this.update() });
  private readonly changes = h('p', { id: 'mapping-changes' });
  private readonly result = h('p', { id: 'mapping-result', class: 'mapping-result', tabindex: '-1' });
  private readonly comment = h('textarea', { id: 'mapping-comment', name: 'comment', rows: '2', maxlength: '500' });
  private readonly actor = h('input', { id: 'mapping-actor', name: 'actor', type: 'text', autocomplete: 'name', maxlength: '200' });
  private readonly saveButton = h('button', { type: 'submit', class: 'save', disabled: '', 'aria-describedby': 'mapping-changes' }, 'Save 0 changes');
  private readonly problemBox = h('div', { id: 'mapping-problems', class: 'mapping-problems', role: 'alert' });
  /** The question before a save that leaves golden fields fed by nothing (field-mapping-confirm.ts). */
  private readonly confirmBox = h('div', { id: 'mapping-confirm' });
  /** The status lines say "Saved version N" until the next edit starts. */
  private savedSaid = false;
  private readonly stored: StoredRecordsNotice;

  constructor(private readonly notices: Notices) {
    this.stored = new StoredRecordsNotice(notices);
    this.actor.value = sessionStorage.getItem(ACTOR_KEY) ?? '';
    this.actor.addEventListener('change', () => {
      const name = this.actor.value.trim();
      if (name) sessionStorage.setItem(ACTOR_KEY, name);
      else sessionStorage.removeItem(ACTOR_KEY);
    });
    this.typePicker.addEventListener('change', () => {
      this.fillSources();
      void this.loadSuggestions('you picked another golden type');
    });
    this.sourcePicker.addEventListener('change', () => void this.loadSuggestions('you picked another source'));
    const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
    refresh.addEventListener('click', () => void this.load());
    const form = h('form', { id: 'mapping-form', 'aria-label': 'Field mapping', novalidate: '' }, this.table, this.unused.element,
      h('div', { class: 'mapping-save' },
        h('label', { for: 'mapping-comment' }, 'Comment (optional): why this change, for the version history'), this.comment,
        h('label', { for: 'mapping-actor' }, 'Your name (optional)'), this.actor,
        this.changes, this.saveButton, this.confirmBox, this.result, this.stored.element, this.problemBox));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
    this.element = h('main', { id: 'field-mapping', 'aria-labelledby': 'mapping-title' },
      h('div', { class: 'mapping-head' }, h('h2', { id: 'mapping-title' }, 'Field mapping'), refresh),
      h('p', { class: 'hint' }, 'Which CRM field feeds each golden field. Pick a golden type and one of the CRM objects feeding it: fields that read '
        + 'nothing from it show the gateway\'s best guess (by name, label, synonyms and type). Tick "Use" to take it, then Save: the gateway '
        + 'checks the configuration, keeps it as a new version and uses it at once.'),
      h('div', { class: 'mapping-pickers' },
        h('label', { for: 'mapping-type' }, 'Golden type'), this.typePicker,
        h('label', { for: 'mapping-source' }, 'Source (CRM object)'), this.sourcePicker),
      this.summary, form);
  }

  async load(): Promise<void> {
    const seq = ++this.seq;
    const { result, errors, doc } = await loadMappingDocument();
    if (seq !== this.seq) return;
    this.notices.errors(errors);
    if (!result.data || doc === undefined) {
      this.summary.textContent = this.base ? `The mapping could not be reloaded (see the error above); this is version ${this.base.version} as loaded before.` : 'The mapping could not be loaded (see the error above).';
      return;
    }
    const { version } = result.data.mappingConfiguration;
    const changed = this.base !== undefined && this.base.version !== version;
    this.base = { version, doc };
    this.connected = new Set(result.data.connectors.filter((c) => c.running).map((c) => c.crm));
    const types = goldenTypes(doc);
    const keep = types.includes(this.typePicker.value) ? this.typePicker.value : types[0] ?? '';
    this.typePicker.replaceChildren(...types.map((t) => h('option', { value: t }, t)));
    this.typePicker.value = keep;
    this.fillSources();
    await this.loadSuggestions(changed ? `version ${version} is now in force` : null);
  }

  private fillSources(): void {
    const keep = this.sourcePicker.value;
    const sources = this.base ? sourcesOf(this.base.doc, this.typePicker.value) : [];
    // Fields are read from the CRM itself: an object of a CRM no connector runs for is listed, but cannot be picked.
    const live = (s: Source) => this.connected.has(s.crm);
    this.sourcePicker.replaceChildren(...sources.map((s) => h('option', { value: sourceKey(s), disabled: live(s) ? undefined : '' },
      live(s) ? sourceLabel(s) : `${sourceLabel(s)} (no connector runs)`)));
    if (sources.some((s) => sourceKey(s) === keep && live(s))) this.sourcePicker.value = keep;
    else if (sources.length) this.sourcePicker.value = sourceKey(sources.find(live) ?? sources[0]!);
  }

  private source(): Source | undefined {
    return this.base ? sourcesOf(this.base.doc, this.typePicker.value).find((s) => sourceKey(s) === this.sourcePicker.value) : undefined;
  }

  /** Shows the suggestions for the picked pair; `reset` (why) discards what was set on screen. */
  private async loadSuggestions(reset: string | null): Promise<void> {
    const source = this.source();
    if (reset) {
      const lost = this.pending().length + this.unused.newFields().length + this.lifecycle.words().length;
      if (lost) this.notices.say(`${count(lost, 'unsaved change')} discarded: ${reset}.`);
      this.rows.clear();
      this.unused.clear();
      this.lifecycle.clear();
      this.setProblems([]);
    }
    if (!this.base || !source) {
      this.table.replaceChildren(h('p', {}, 'No CRM object feeds this golden type.'));
      return;
    }
    const seq = ++this.seq;
    this.element.setAttribute('aria-busy', 'true');
    const [res, usageErrors] = await Promise.all([
      graphql<{ mappingSuggestions: Suggestions }>(SUGGEST, { type: this.typePicker.value, crm: source.crm, objectType: source.objectType }),
      this.lifecycle.loadUsage(this.typePicker.value)]);
    if (seq !== this.seq) return;
    this.element.removeAttribute('aria-busy');
    this.notices.errors([...res.errors, ...usageErrors]);
    this.suggestions = res.data?.mappingSuggestions;
    if (!this.suggestions) {
      this.summary.textContent = `The fields of ${sourceLabel(source)} could not be read (see the error above).`;
      this.table.replaceChildren();
      this.unused.empty();
      this.update();
      return;
    }
    const open = this.suggestions.fields.filter((f) => f.mappedFrom.length === 0);
    this.summary.textContent = `Version ${this.base.version} is in force. ${this.typePicker.value} from ${sourceLabel(source)}: `
      + `${count(this.suggestions.fields.length - open.length, 'golden field')} read from it, ${open.length} not, `
      + `${count(open.filter((f) => f.proposed).length, 'proposal')}.`;
    this.render();
  }

  private state(f: FieldSuggestions): RowState {
    let s = this.rows.get(f.field);
    if (!s) this.rows.set(f.field, s = { use: false, pick: optionsOf(f)[0]?.nativeField ?? '', changeTo: '', stop: false });
    return s;
  }

  /** The edits set on screen, with the golden field they concern. */
  private pending(): { f: FieldSuggestions; edit: FieldEdit }[] {
    const out: { f: FieldSuggestions; edit: FieldEdit }[] = [];
    for (const f of this.suggestions?.fields ?? []) {
      const s = this.rows.get(f.field);
      if (!s) continue;
      const find = (name: string) => optionsOf(f).find((c) => c.nativeField === name);
      const mapped = f.mappedFrom.length > 0;
      const pick = find(mapped ? s.changeTo : s.pick);
      if (mapped && s.stop) out.push({ f, edit: { kind: 'stop' } });
      else if (mapped && pick) out.push({ f, edit: { kind: 'change', candidate: pick } });
      else if (!mapped && s.use && pick) out.push({ f, edit: { kind: 'use', candidate: pick } });
    }
    return out;
  }

  private render(): void {
    const s = this.suggestions;
    const source = this.source();
    if (!s || !source) return;
    this.table.replaceChildren(h('table', { class: 'mapping-table' },
      h('caption', {}, `Golden ${s.type} fields and what they read from ${sourceLabel(source)}`),
      h('thead', {}, h('tr', {}, ...['Golden field', 'Asked for (30 days)', 'Reads now', 'Suggestion', 'Change'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...s.fields.map((f) => this.row(f, source)))));
    this.unused.render(s.unusedNativeFields, source);
    this.update();
  }

  private row(f: FieldSuggestions, source: Source): HTMLTableRowElement {
    const s = this.state(f);
    const id = idOf(f.field);
    const others = this.base ? otherSources(this.base.doc, this.typePicker.value, f.field, source) : [];
    const mapped = f.mappedFrom.length > 0;
    const options = optionsOf(f);
    const shown = options.find((c) => c.nativeField === (mapped ? s.changeTo : s.pick));
    const redraw = (focus: string) => {
      const next = this.row(f, source);
      this.table.querySelector(`tr[data-field="${CSS.escape(f.field)}"]`)?.replaceWith(next);
      next.querySelector<HTMLElement>(`[data-focus="${focus}"]`)?.focus();
      this.update();
    };
    const select = (label: string, first: HTMLOptionElement | null, list: Candidate[], value: string, set: (v: string) => void) => {
      const el = h('select', { id: `pick-${id}`, 'data-focus': 'pick' }, ...(first ? [first] : []),
        ...list.map((c) => h('option', { value: c.nativeField }, `${candidateLabel(c)} — ${percent(c.score)}, ${converterInWords(c.converter)}`)));
      el.value = value;
      el.addEventListener('change', () => {
        set(el.value);
        redraw('pick');
      });
      return [h('label', { for: `pick-${id}` }, label), el];
    };
    const box = (label: string, hidden: string, checked: boolean, set: (v: boolean) => void) => {
      const el = h('input', { type: 'checkbox', id: `box-${id}`, 'data-focus': 'box' });
      el.checked = checked;
      el.addEventListener('change', () => {
        set(el.checked);
        redraw('box');
      });
      return h('div', { class: 'mapping-check' }, el, h('label', { for: `box-${id}` }, label, h('span', { class: 'fr-visually-hidden' }, hidden)));
    };
    const details = (c: Candidate | undefined) => (c
      ? [h('p', { class: 'candidate' }, h('strong', {}, candidateLabel(c)), ` ${percent(c.score)} · ${converterInWords(c.converter)}${c.nativeType ? ` · ${c.nativeType}` : ''}`),
        h('details', {}, h('summary', {}, 'Why'), h('ul', {}, ...c.reasons.map((r) => h('li', {}, r))))]
      : []);
    let suggestion: Node[];
    let change: Node[];
    if (mapped) {
      const list = options.filter((c) => !(f.mappedFrom.length === 1 && c.nativeField === f.mappedFrom[0]));
      suggestion = list.length
        ? [...select(`Change ${f.field} to…`, h('option', { value: '' }, `Keep ${f.mappedFrom.join(' + ')}`), list, s.changeTo, (v) => (s.changeTo = v)), ...details(shown)]
        : [h('p', { class: 'muted' }, 'No other candidate.')];
      change = [box('Stop reading from this source', ` for ${f.field}`, s.stop, (v) => (s.stop = v)),
        ...(s.stop ? [h('p', { class: 'warning' }, stopWarning(f.field, source, others))] : [])];
    } else if (options.length) {
      suggestion = [...details(shown), ...(options.length > 1 ? select(`Instead of the proposal for ${f.field}, use`, null, options, s.pick, (v) => (s.pick = v)) : [])];
      if (!f.proposed) suggestion.unshift(h('p', { class: 'muted' }, 'No unused field fits well; the closest ones:'));
      change = [box('Use', ` the suggestion for ${f.field}`, s.use, (v) => (s.use = v))];
    } else {
      suggestion = [h('p', { class: 'muted' }, `Nothing in ${sourceLabel(source)} fits this field.`)];
      change = [];
    }
    const edit = this.pending().find((p) => p.f === f)?.edit;
    const invalid = this.problems.some((p) => p.path.startsWith(`types.${this.typePicker.value}.fields.${f.field}.`) || p.path === `types.${this.typePicker.value}.fields.${f.field}`);
    const doc = this.base?.doc ?? null;
    return h('tr', { 'data-field': f.field, class: [edit || this.lifecycle.has(f.field) ? 'changed' : '', invalid ? 'invalid' : ''].join(' ').trim() || undefined },
      h('th', { scope: 'row' }, h('span', { class: 'field-name' }, f.field), h('span', { class: 'value-type' }, f.type), this.lifecycle.badge(doc, this.typePicker.value, f.field)),
      this.lifecycle.usageCell(this.typePicker.value, f.field),
      h('td', { class: 'reads' }, mapped ? f.mappedFrom.join(' + ') : '— not mapped from this source',
        others.length ? h('span', { class: 'others' }, `Also: ${others.join(', ')}`) : null),
      h('td', { class: 'suggestion' }, ...suggestion),
      h('td', { class: 'change' }, ...change, edit ? h('strong', { class: 'changed-tag' }, `Not saved yet: ${editInWords(f, edit, source, others)}.`) : null,
        this.lifecycle.controls(doc, this.typePicker.value, f.field, redraw)));
  }

  private update(): void {
    const source = this.source();
    const words = source ? [...this.pending().map((p) => editInWords(p.f, p.edit, source, this.base ? otherSources(this.base.doc, this.typePicker.value, p.f.field, source) : [])),
      ...this.unused.newFields().map((n) => newFieldInWords(n, source)), ...this.lifecycle.words()] : [];
    this.changes.textContent = words.length ? `${count(words.length, 'unsaved change')}: ${words.join('; ')}.` : 'No unsaved changes.';
    if (this.lifecycle.withdraw(words.join('; '))) this.problemBox.replaceChildren();
    this.saveButton.textContent = `Save ${count(words.length, 'change')}`;
    this.saveButton.disabled = words.length === 0;
    // An edit withdraws an open question (it was about other edits) and the last save's "Saved version N".
    this.confirmBox.replaceChildren();
    if (words.length && this.savedSaid) {
      this.savedSaid = false;
      this.notices.say('');
    }
    if (words.length) this.result.textContent = '';
  }

  /**
   * `anyway`: the admin confirmed the breaking changes the gateway listed for this very document (the first try had
   * its unfed fields confirmed already). `unfedConfirmed`: the admin confirmed the golden fields fed by nothing.
   */
  private async save(anyway = false, unfedConfirmed = false): Promise<void> {
    const base = this.base;
    const source = this.source();
    const pending = this.pending();
    const added = this.unused.newFields();
    if (!base || !source || (this.saveButton.disabled && !anyway) || pending.length + added.length + this.lifecycle.words().length === 0) return;
    const bad = added.find((n) => this.unused.nameProblem(n.nativeField, n.name));
    if (bad) {
      this.notices.errors([{ code: 'BAD_USER_INPUT', message: `The new golden field for ${bad.nativeField}: ${this.unused.nameProblem(bad.nativeField, bad.name)}` }]);
      this.unused.focusName(bad.nativeField);
      return;
    }
    const unfed = pending.filter((p) => p.edit.kind === 'stop' && otherSources(base.doc, this.typePicker.value, p.f.field, source).length === 0).map((p) => p.f.field);
    if (unfed.length && !anyway && !unfedConfirmed) {
      const question = unfedFieldsQuestion(this.typePicker.value, unfed, sourceLabel(source), () => void this.save(false, true), () => {
        this.confirmBox.replaceChildren();
        this.saveButton.focus();
      });
      this.confirmBox.replaceChildren(question.element);
      question.focus.focus();
      return;
    }
    this.confirmBox.replaceChildren();
    const edits = new Map(pending.map((p) => [p.f.field, p.edit]));
    const doc = this.lifecycle.apply(applyMappingEdits(base.doc, this.typePicker.value, source, edits, added), this.typePicker.value);
    const words = [...pending.map((p) => editInWords(p.f, p.edit, source, otherSources(base.doc, this.typePicker.value, p.f.field, source))),
      ...added.map((n) => newFieldInWords(n, source)), ...this.lifecycle.words()];
    const sent = JSON.stringify(doc, null, 2);
    this.saveButton.disabled = true;
    this.saveButton.textContent = 'Saving…';
    this.element.setAttribute('aria-busy', 'true');
    this.notices.say(SAVING_IN_WORDS);
    const res = await saveMappingConfiguration(sent, {
      comment: this.comment.value.trim() || null, expectedVersion: base.version, actor: this.actor.value.trim() || null,
      allowBreakingChanges: anyway && sent === this.lifecycle.refused?.doc,
    });
    this.element.removeAttribute('aria-busy');
    // A refusal for breaking changes is told in words below, with its "Save anyway": the API's own message (how to
    // accept them through the API, timestamps in ISO) is for API callers, not for this page.
    const told = res.changes.length > 0;
    this.notices.errors(res.errors.map((e) => (e.code === 'CONFLICT' ? conflictInWords(e, base.version)
      : told && e.code === 'BREAKING_CHANGE' ? { ...e, message: 'Nothing was saved: clients still use what this change removes. See below, and confirm with "Save anyway" if they may lose it.' }
        : e)));
    if (res.version === undefined) {
      this.notices.say(''); // no longer saving; the refusal is in the alert region
      this.setProblems(res.problems, doc);
      this.render();
      this.lifecycle.refused = res.changes.length ? { doc: sent, words: words.join('; ') } : undefined;
      if (res.changes.length) {
        const { nodes, focus } = this.lifecycle.breaking(res.changes, () => void this.save(true));
        this.problemBox.replaceChildren(...nodes);
        focus.focus();
      }
      return;
    }
    this.setProblems([]);
    this.comment.value = '';
    this.rows.clear();
    this.unused.clear();
    this.lifecycle.clear();
    await this.load();
    const text = `Saved version ${res.version}: ${words.join('; ')}.`;
    this.notices.say(text);
    this.result.textContent = text;
    this.savedSaid = true;
    this.result.focus();
    void this.stored.refresh();
  }

  private setProblems(problems: ConfigProblem[], doc?: Json): void {
    this.problems = problems;
    this.problemBox.replaceChildren(...problemList(problems, doc ?? null));
  }
}
