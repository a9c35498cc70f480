/**
 * The Field mapping page's section "Fields in <object> nothing reads": each native field no golden field reads, with
 * its label, name and types, addable as a new golden field under a name suggested from its label. It keeps what the
 * admin ticked and typed per native field, checks each name (a GraphQL name the type does not have yet, not taken by
 * another new field) as it is typed, and gives the ticked ones to the page's save.
 */
import { h } from './dom.ts';
import { hasField, idOf, isGraphQLName, sourceLabel, suggestFieldName } from './field-mapping-model.ts';
import type { Json, NewField, Source, UnusedNativeField } from './field-mapping-model.ts';

interface AddState { on: boolean; name: string }

export interface UnusedFieldsContext {
  /** The stored document the page loaded (undefined before the first load). */
  doc(): Json | undefined;
  /** The golden type picked on the page. */
  type(): string;
  /** Called after every tick or keystroke, so the page recounts its pending changes. */
  changed(): void;
}

export class UnusedFieldsSection {
  readonly element = h('section', { class: 'mapping-unused', 'aria-labelledby': 'mapping-unused-title' });
  private readonly adds = new Map<string, AddState>();
  private fields: UnusedNativeField[] = [];

  constructor(private readonly ctx: UnusedFieldsContext) {}

  /** Forgets what was ticked and typed (another type or source was picked, or the save went through). */
  clear(): void {
    this.adds.clear();
  }

  /** Empties the section (the object's fields could not be read). */
  empty(): void {
    this.fields = [];
    this.element.replaceChildren();
  }

  /** The native fields ticked to be added, with the golden field name typed for each. */
  newFields(): NewField[] {
    const unused = new Map(this.fields.map((u) => [u.name, u]));
    return [...this.adds].filter(([name, a]) => a.on && unused.has(name))
      .map(([nativeField, a]) => ({ nativeField, name: a.name.trim(), goldenType: unused.get(nativeField)!.goldenType, mapping: unused.get(nativeField)!.mapping }));
  }

  /** Why a new golden field cannot take that name, if it cannot. */
  nameProblem(nativeField: string, name: string): string | undefined {
    const doc = this.ctx.doc();
    const type = this.ctx.type();
    if (!isGraphQLName(name)) return 'A name is letters, digits and _, not starting with a digit (e.g. loyaltyTier).';
    if (doc !== undefined && hasField(doc, type, name)) return `${type} already has a field ${name}.`;
    if (this.newFields().some((n) => n.name === name && n.nativeField !== nativeField)) return `Another new field is called ${name}.`;
    return undefined;
  }

  /** Moves keyboard focus to the name input of a native field's new golden field. */
  focusName(nativeField: string): void {
    this.element.querySelector<HTMLElement>(`#add-name-${CSS.escape(idOf(nativeField))}`)?.focus();
  }

  render(fields: UnusedNativeField[], source: Source): void {
    this.fields = fields;
    const title = h('h3', { id: 'mapping-unused-title' }, `Fields in ${sourceLabel(source)} nothing reads`);
    if (!fields.length) return void this.element.replaceChildren(title, h('p', {}, 'None: every field is read or proposed.'));
    this.element.replaceChildren(title, h('table', { class: 'mapping-table' },
      h('thead', {}, h('tr', {}, ...['Label', 'Name', 'Type (in the CRM — as a golden field)', 'Add as golden field'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...fields.map((u) => this.row(u)))));
  }

  private row(u: UnusedNativeField): HTMLTableRowElement {
    const id = idOf(u.name);
    let a = this.adds.get(u.name);
    if (!a) this.adds.set(u.name, a = { on: false, name: suggestFieldName(u.label, u.name) });
    const add = a;
    const box = h('input', { type: 'checkbox', id: `add-${id}` });
    box.checked = add.on;
    const name = h('input', { type: 'text', id: `add-name-${id}`, class: 'add-name', spellcheck: 'false', 'aria-describedby': `add-hint-${id}` });
    name.value = add.name;
    const hint = h('span', { id: `add-hint-${id}`, class: 'hint' });
    const check = () => {
      const problem = this.nameProblem(u.name, add.name.trim());
      hint.textContent = add.on && problem ? problem : '';
      if (add.on && problem) name.setAttribute('aria-invalid', 'true');
      else name.removeAttribute('aria-invalid');
    };
    box.addEventListener('change', () => { add.on = box.checked; check(); this.ctx.changed(); });
    name.addEventListener('input', () => { add.name = name.value; check(); this.ctx.changed(); });
    check();
    return h('tr', { 'data-native': u.name },
      h('th', { scope: 'row' }, u.label, u.custom ? h('span', { class: 'badge' }, 'custom') : null),
      h('td', {}, h('code', {}, u.name)), h('td', { class: 'native-type' }, u.type, h('span', { class: 'hint' }, ` — added as ${u.goldenType}`)),
      h('td', {}, h('div', { class: 'mapping-check' }, box, h('label', { for: `add-${id}` }, 'Add', h('span', { class: 'fr-visually-hidden' }, ` ${u.label} as a golden field`))),
        h('label', { for: `add-name-${id}`, class: 'fr-visually-hidden' }, `Name of the new golden field for ${u.label}`), name, hint));
  }
}
