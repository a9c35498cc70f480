/**
 * The Field rules page's reading of the mapping configuration document (the JSON text `mappingConfiguration`
 * returns) and the only edits it makes to it. No DOM here, so the view stays about presentation.
 *
 * The browser cannot import resolver-engine (web/ reaches the product only through /graphql), so the cascade below
 * mirrors resolver-engine/survivorship/effective-rule.ts (field rule, else the type's default, else the
 * configuration's; source priority the same way). Which strategies and custom functions exist comes from the gateway
 * (`survivorshipStrategies`, `customFunctions`: the Catalogue); the short labels below are for the ones people know
 * by now, and any other strategy is shown with the gateway's own description. Edits stay
 * inside what validate-mapping-config.ts accepts: a field's `rule` is replaced (strategy, `function` only for
 * 'custom', `sourcePriority` as a list of distinct CRMs) or removed; nothing else in the document is touched.
 *
 * Relations (`types.<T>.relations.<name>`, Customer.company → Company) are decided at query time like fields, with
 * the same strategies and the same cascade, so they are rows here too and their `rule` is edited the same way. They
 * are read-only (nothing is written back, no `convergence`), and a relation mapping's `from` is one reference field.
 */
import { crmName } from './sync-words.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface Rule {
  strategy: string;
  function?: string;
  sourcePriority?: string[];
  clockSkewToleranceMs?: number;
}

export interface Source {
  crm: string; objectType: string; from: string[]; writable: boolean;
  /** A relation's source: the native object type its reference points to (Account for Contact.AccountId). */
  targetObjectType?: string;
}

export interface FieldRow {
  /** A golden field, or a relation to another golden record (read-only, no convergence). */
  kind: 'field' | 'relation';
  typeName: string;
  /** The field's or the relation's name: validation forbids a relation named like a field of its type. */
  fieldName: string;
  /** `Customer.email`, `Customer.company`: the key of the row and of its edit (unique, see fieldName). */
  key: string;
  /** The GraphQL type of a field; `→ Company` for a relation to the golden Company. */
  valueType: string;
  /** The golden type a relation points to; undefined for a field. */
  target: string | undefined;
  sources: Source[];
  /** The field's own rule as stored, if it has one. */
  ownRule: Rule | undefined;
  /** What applies when the field has no rule: the type's default, else the configuration's. */
  defaultRule: Rule;
  defaultFrom: 'type' | 'configuration';
  /** The type's source priority, else the configuration's: what a rule without its own order uses. */
  inheritedPriority: string[];
  clockSkewToleranceMs: number;
  convergence: string | undefined;
}

/** What the user chose for one field: a choice value (see choiceOf) and the order of the field's CRMs. */
export interface FieldEdit { choice: string; order: string[] }

/** A strategy as the gateway lists it (`survivorshipStrategies`). */
export interface StrategyInfo { name: string; description: string; usesSourcePriority: boolean }

/** What a rule may name in this gateway: its strategies and its registered custom functions. */
export interface Catalogue { survivorshipStrategies: StrategyInfo[]; customFunctions: string[] }

/** The strategy that takes a `function`: offered once per registered function, as `custom:<function>`. */
const CUSTOM = 'custom';
/** The select value meaning "no rule of its own: use the default". */
export const DEFAULT_CHOICE = '';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

function ruleOf(v: unknown): Rule | undefined {
  if (!isObject(v) || typeof v.strategy !== 'string') return undefined;
  const rule: Rule = { strategy: v.strategy };
  if (typeof v.function === 'string') rule.function = v.function;
  if (Array.isArray(v.sourcePriority)) rule.sourcePriority = strings(v.sourcePriority);
  if (typeof v.clockSkewToleranceMs === 'number') rule.clockSkewToleranceMs = v.clockSkewToleranceMs;
  return rule;
}

/** Customer, Company and Deal first (the order people know), then any other golden type by name. */
const TYPE_ORDER = ['Customer', 'Company', 'Deal'];
const byTypeOrder = (a: string, b: string) => {
  const ia = TYPE_ORDER.indexOf(a);
  const ib = TYPE_ORDER.indexOf(b);
  return (ia === -1 ? TYPE_ORDER.length : ia) - (ib === -1 ? TYPE_ORDER.length : ib) || a.localeCompare(b);
};

/**
 * Every golden field of the document, grouped by type, then the type's relations. Each by name: the stored JSON does
 * not keep their order. Relations come last so a type's own values read first and the links to other records after.
 */
export function fieldRows(doc: Json): Map<string, FieldRow[]> {
  const out = new Map<string, FieldRow[]>();
  if (!isObject(doc) || !isObject(doc.types)) return out;
  const configRule = ruleOf(doc.defaultRule) ?? { strategy: 'last-write-wins' };
  const configPriority = strings(doc.sourcePriority);
  const configSkew = typeof doc.clockSkewToleranceMs === 'number' ? doc.clockSkewToleranceMs : 1000;
  for (const typeName of Object.keys(doc.types).sort(byTypeOrder)) {
    const type = doc.types[typeName];
    if (!isObject(type) || !isObject(type.fields)) continue;
    const typeRule = ruleOf(type.defaultRule);
    const inheritedPriority = Array.isArray(type.sourcePriority) ? strings(type.sourcePriority) : configPriority;
    // What a field and a relation share: the same cascade decides both (effective-rule.ts).
    const row = (kind: FieldRow['kind'], fieldName: string, rule: unknown, sources: Source[]) => {
      const ownRule = ruleOf(rule);
      return {
        kind, typeName, fieldName, key: `${typeName}.${fieldName}`, sources, ownRule,
        defaultRule: typeRule ?? configRule, defaultFrom: typeRule ? 'type' : 'configuration',
        inheritedPriority,
        clockSkewToleranceMs: ownRule?.clockSkewToleranceMs ?? configSkew,
      } as const;
    };
    const rows: FieldRow[] = [];
    for (const [fieldName, field] of byName(type.fields)) {
      const sources = mappingsOf(field).map((m): Source => ({
        crm: String(m.crm), objectType: String(m.objectType), from: strings(m.from), writable: m.writable !== false,
      }));
      rows.push({
        ...row('field', fieldName, field.rule, sources),
        valueType: typeof field.type === 'string' ? field.type : '?', target: undefined,
        convergence: typeof field.convergence === 'string' ? field.convergence : undefined,
      });
    }
    for (const [name, relation] of byName(type.relations)) {
      // A relation's `from` is a single reference field; never writable (the CRMs keep their own references).
      const sources = mappingsOf(relation).map((m): Source => ({
        crm: String(m.crm), objectType: String(m.objectType), from: strings(m.from), writable: false,
        targetObjectType: typeof m.targetObjectType === 'string' ? m.targetObjectType : undefined,
      }));
      const target = typeof relation.target === 'string' ? relation.target : '?';
      rows.push({ ...row('relation', name, relation.rule, sources), valueType: `→ ${target}`, target, convergence: undefined });
    }
    out.set(typeName, rows);
  }
  return out;
}

/** The object entries of a JSON object, by name (a stored configuration without relations has none). */
const byName = (v: Json | undefined): [string, JsonObject][] =>
  (isObject(v) ? Object.entries(v).filter((e): e is [string, JsonObject] => isObject(e[1])).sort(([a], [b]) => a.localeCompare(b)) : []);
const mappingsOf = (v: JsonObject): JsonObject[] => (Array.isArray(v.mappings) ? v.mappings.filter(isObject) : []);

/** The select value of a rule: the strategy's name, or `custom:<function>`. */
export function choiceOf(rule: Rule | undefined): string {
  if (!rule) return DEFAULT_CHOICE;
  return rule.strategy === CUSTOM ? `${CUSTOM}:${rule.function ?? ''}` : rule.strategy;
}

function parseChoice(choice: string): { strategy: string; fn?: string } {
  return choice.startsWith(`${CUSTOM}:`) ? { strategy: CUSTOM, fn: choice.slice(CUSTOM.length + 1) } : { strategy: choice };
}

const strategyInfo = (choice: string, catalogue: Catalogue) =>
  catalogue.survivorshipStrategies.find((s) => s.name === parseChoice(choice).strategy);

/** The CRMs feeding a field, each once, most trusted first; unlisted ones rank after listed ones, by name (ordering.ts). */
export function rankCrms(sources: readonly Source[], priority: readonly string[]): string[] {
  const rank = (crm: string) => (priority.includes(crm) ? priority.indexOf(crm) : priority.length);
  return [...new Set(sources.map((s) => s.crm))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The edit a row starts with: the stored choice and the order the rule in force uses. */
export function initialEdit(row: FieldRow): FieldEdit {
  const rule = row.ownRule ?? row.defaultRule;
  return { choice: choiceOf(row.ownRule), order: rankCrms(row.sources, rule.sourcePriority ?? row.inheritedPriority) };
}

/**
 * The choices offered for a field: the default, every strategy the gateway lists, each registered custom function
 * (the API does not say which suits which field: anyTrue, say, is meant for yes/no fields), the field's stored rule
 * even if the gateway no longer lists it (so it is not lost), and whatever is chosen now (an edit stays as made).
 */
export function choicesFor(row: FieldRow, current: string, catalogue: Catalogue): string[] {
  const strategies = catalogue.survivorshipStrategies.map((s) => s.name).filter((name) => name !== CUSTOM);
  const functions = catalogue.customFunctions.map((fn) => `${CUSTOM}:${fn}`);
  return [...new Set<string>([DEFAULT_CHOICE, ...strategies, ...functions, choiceOf(row.ownRule), current])];
}

/** Whether the order of the sources decides under the chosen strategy (so the order can be changed), as the gateway says. */
export const usesOrder = (choice: string, catalogue: Catalogue) => strategyInfo(choice, catalogue)?.usesSourcePriority === true;

/**
 * The rule the edit stands for; undefined means "no rule of its own". Keys of the stored rule that the edit does
 * not concern (clockSkewToleranceMs, an own sourcePriority used for ties) are kept; an order is written only when
 * it differs from the one the rule would use anyway, so the field keeps following the type's or configuration's.
 */
export function editedRule(row: FieldRow, edit: FieldEdit, catalogue: Catalogue): Rule | undefined {
  if (edit.choice === DEFAULT_CHOICE) return undefined;
  const { strategy, fn } = parseChoice(edit.choice);
  const rule: Rule = { ...(row.ownRule ?? {}), strategy };
  delete rule.function;
  if (fn !== undefined) rule.function = fn;
  if (usesOrder(edit.choice, catalogue)) {
    const current = rankCrms(row.sources, rule.sourcePriority ?? row.inheritedPriority);
    if (edit.order.join('\n') !== current.join('\n')) rule.sourcePriority = [...edit.order];
  }
  return rule;
}

/** The order the edited rule goes by: the user's for source priority, otherwise the one the rule inherits. */
export function displayOrder(row: FieldRow, edit: FieldEdit, catalogue: Catalogue): string[] {
  if (usesOrder(edit.choice, catalogue)) return edit.order;
  const rule = editedRule(row, edit, catalogue) ?? row.defaultRule;
  return rankCrms(row.sources, rule.sourcePriority ?? row.inheritedPriority);
}

const canonical = (rule: Rule | undefined) => (rule ? JSON.stringify(rule, Object.keys(rule).sort()) : '');
export const isChanged = (row: FieldRow, edit: FieldEdit, catalogue: Catalogue) => canonical(editedRule(row, edit, catalogue)) !== canonical(row.ownRule);

/**
 * The document with the changed fields' and relations' rules replaced (or removed); every other part is left as it
 * was. A relation's rule lives at `types.<T>.relations.<name>.rule`, a field's at `types.<T>.fields.<name>.rule`.
 */
export function applyEdits(doc: Json, rows: readonly FieldRow[], edits: ReadonlyMap<string, FieldEdit>, catalogue: Catalogue): Json {
  const copy = structuredClone(doc);
  if (!isObject(copy) || !isObject(copy.types)) return copy;
  for (const row of rows) {
    const edit = edits.get(row.key);
    if (!edit || !isChanged(row, edit, catalogue)) continue;
    const type = copy.types[row.typeName];
    const entries = isObject(type) ? type[row.kind === 'relation' ? 'relations' : 'fields'] : undefined;
    const entry = isObject(entries) ? entries[row.fieldName] : undefined;
    if (!isObject(entry)) continue;
    const rule = editedRule(row, edit, catalogue);
    if (rule) entry.rule = rule as unknown as JsonObject;
    else delete entry.rule;
  }
  return copy;
}

/** A short label for a choice in the select; a strategy without one here reads as the gateway describes it. */
export function choiceLabel(choice: string, row: FieldRow, catalogue: Catalogue): string {
  if (choice === DEFAULT_CHOICE) return `Default for ${row.typeName} ${row.kind === 'relation' ? 'relations' : 'fields'} (${choiceLabel(choiceOf(row.defaultRule), row, catalogue).toLowerCase()})`;
  const { strategy, fn } = parseChoice(choice);
  switch (strategy) {
    case 'last-write-wins': return 'Newest value wins';
    case 'source-priority': return 'Most trusted source wins';
    case 'most-complete': return 'Most complete value wins';
    case 'most-frequent': return 'Value most sources agree on';
    case CUSTOM: return `Custom function ${fn ?? ''}`;
    default: return strategyInfo(choice, catalogue)?.description ?? `Strategy ${strategy} (not known to this gateway)`;
  }
}

/** The rule in plain words, with the order it uses: "Salesforce first, then HubSpot". */
export function ruleInWords(choice: string, row: FieldRow, order: readonly string[], catalogue: Catalogue): string {
  const parsed = parseChoice(choice);
  const rule = choice === DEFAULT_CHOICE ? row.defaultRule : { strategy: parsed.strategy, function: parsed.fn };
  const names = order.map(crmName);
  const ties = names.length > 1 ? ` Changes within ${seconds(row.clockSkewToleranceMs)} of each other count as simultaneous: ${names[0]} first.` : '';
  const prefix = choice === DEFAULT_CHOICE ? `The ${row.defaultFrom === 'type' ? `${row.typeName} type's` : "configuration's"} default: ` : '';
  switch (rule.strategy) {
    case 'last-write-wins':
      return `${prefix}Newest value wins.${ties}`;
    case 'source-priority':
      if (names.length === 0) return `${prefix}The most trusted source with a value wins (no source feeds this ${row.kind}).`;
      if (names.length === 1) return `${prefix}${names[0]} (the only source).`;
      return `${prefix}${names[0]} first, then ${names.slice(1).join(', then ')}: the first of them that has a value wins, however old.`;
    case 'most-complete':
      return `${prefix}Most complete value wins (the longest, most informative one); ties go to the newest.`;
    case 'most-frequent':
      return `${prefix}The value most sources agree on wins; ties go to the newest.`;
    case CUSTOM:
      return rule.function === 'anyTrue'
        ? `${prefix}Yes if any source says yes (custom function anyTrue): one opt-out anywhere wins.`
        : `${prefix}Decided by the custom function ${rule.function ?? '(none named)'}.`;
    default: {
      const info = strategyInfo(rule.strategy, catalogue);
      return info ? `${prefix}${info.description}` : `${prefix}Decided by the strategy ${rule.strategy}, which this gateway does not list.`;
    }
  }
}

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** Convergence (schema.ts): what change capture does with a linked record holding a losing value. */
export function convergenceInWords(mode: string | undefined): string {
  switch (mode) {
    case 'on': return 'On: the winner is written to CRMs holding another value.';
    case 'plan': return 'Plan only: shown in the write-back plan, not written.';
    case 'off': return 'Off: neither planned nor written.';
    case undefined: return 'Plan only (the default): shown in the write-back plan, not written.';
    default: return mode;
  }
}

/**
 * "Salesforce Contact.Email", or several native fields joined with +; a relation's reference says what it points to
 * ("Salesforce Contact.AccountId, pointing to Account") instead of "read only": all of a relation is read-only.
 */
export function sourceInWords(s: Source): string {
  const native = `${crmName(s.crm)} ${s.objectType}.${s.from.join(' + ')}`;
  if (s.targetObjectType !== undefined) return `${native}, pointing to ${s.targetObjectType}`;
  return `${native}${s.writable ? '' : ' (read only)'}`;
}
