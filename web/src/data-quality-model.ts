/**
 * The Data quality page's words and its only edit to the mapping configuration document. No DOM here.
 * Issue codes in plain words (an unknown code is shown as it is), the summary line, and the checks per golden field:
 * `types.<Type>.fields.<field>.quality` is the list of quality rules run on that field, in order. Editing keeps the
 * document's order for the rules still ticked and appends newly ticked ones in the order the gateway lists its rules
 * (`qualityRules`); saving replaces only the changed fields' `quality` arrays, nothing else in the document.
 */
import type { Json } from './field-mapping-model.ts';

type JsonObject = { [key: string]: Json };

/** What `dataQuality` answers: the flagged values of one field, issue code and CRM. */
export interface Group { entityType: string; field: string; code: string; crm: string; issues: number; records: number; winning: number }
/** What `dataQualityIssues` answers: one flagged value with the CRM record to fix. */
export interface Issue {
  goldenId: string;
  field: string;
  code: string;
  message: string;
  source: { crm: string; objectType: string; recordId: string };
  value: string | null;
  winner: boolean;
}
export interface QualityRule { name: string; description: string }

/** The codes the gateway's rules and converters give (resolver-engine/quality/rules, mapping/map-to-golden.ts). */
const CODES: Readonly<Record<string, string>> = {
  INVALID_EMAIL: 'Malformed email address',
  UNKNOWN_COUNTRY: 'Unknown country',
  UNPARSEABLE_PHONE: 'Phone number that cannot be read',
  INVALID_PHONE: 'Phone number that cannot be read',
  UNLIKELY_PHONE: 'Phone number no numbering plan allows',
  INVALID_WEBSITE: 'Malformed website address',
  PLACEHOLDER_VALUE: 'Placeholder instead of a value',
  CONVERSION_FAILED: 'Value that could not be converted',
  WHITESPACE_TRIMMED: 'Extra whitespace (removed)',
  NAME_CASE_FIXED: 'Name in one case (corrected)',
};

/** INVALID_EMAIL → "Malformed email address"; a code this page does not know is shown as it is. */
export function codeInWords(code: string): string {
  return CODES[code] ?? code;
}

const PLURALS: Readonly<Record<string, [string, string]>> = {
  Customer: ['customer', 'customers'],
  Company: ['company', 'companies'],
  Deal: ['deal', 'deals'],
};

const nounsOf = (typeName: string): [string, string] => PLURALS[typeName] ?? [`${typeName} record`, `${typeName} records`];

/** `customers`, `companies`, `Widget records` for a type the page does not know. */
export const pluralOf = (typeName: string): string => nounsOf(typeName)[1];

/** `31 customers`, `1 company`, `2 Widget records`. */
export function recordsOf(n: number, typeName: string): string {
  const [one, many] = nounsOf(typeName);
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/**
 * "37 flagged values in 31 customers; 12 of them are what clients see now", or "Nothing flagged". `winning` counts
 * the flagged values that won survivorship, i.e. that are the golden value served. A flagged value that did not win
 * is not served, but that is no comfort: clients get another CRM's value for the field instead, or null when no CRM
 * holds a usable one (a value that could not be converted, such as a phone read in the wrong country, is null to
 * survivorship, so it loses to any other CRM's value, and with none the field is null).
 * So when none won, the line says what clients get instead of suggesting they are not affected.
 */
/** The report's totals (`dataQualitySummary`): a record flagged on two fields counts once in `records`. */
export interface Totals { issues: number; records: number; winning: number }

export function summaryInWords(totals: Totals, typeName: string): string {
  const { issues, records, winning } = totals;
  if (issues === 0) return 'Nothing flagged.';
  const values = issues === 1 ? '1 flagged value' : `${issues.toLocaleString('en')} flagged values`;
  // Not served is not harmless: clients get another CRM's value, or null (see above).
  const instead = "they get another CRM's value instead, or nothing (null) where no CRM holds a usable one";
  const seen = winning === 0 ? (issues === 1 ? `clients do not see it: ${instead}` : `clients see none of them: ${instead}`)
    : winning === 1 ? (issues === 1 ? 'it is what clients see now' : '1 of them is what clients see now')
      : `${winning.toLocaleString('en')} of them are what clients see now`;
  return `${values} in ${recordsOf(records, typeName)}; ${seen}.`;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each golden field of a type with the quality rules it runs, in the document's order. */
export function qualityOf(doc: Json, typeName: string): { field: string; quality: string[] }[] {
  const type = isObject(doc) && isObject(doc.types) ? doc.types[typeName] : undefined;
  if (!isObject(type) || !isObject(type.fields)) return [];
  return Object.entries(type.fields).map(([field, def]) => ({
    field,
    quality: isObject(def) && Array.isArray(def.quality) ? def.quality.filter((q): q is string => typeof q === 'string') : [],
  }));
}

/** The rules a field offers: the gateway's, then any the document names that the gateway did not list. */
export function choicesOf(quality: readonly string[], rules: readonly QualityRule[]): string[] {
  const names = rules.map((r) => r.name);
  return [...names, ...quality.filter((q) => !names.includes(q))];
}

/** The field's list after ticking or unticking `rule`: the document's order kept, a newly ticked rule in the gateway's order after it. */
export function toggled(base: readonly string[], current: readonly string[], rule: string, on: boolean, rules: readonly QualityRule[]): string[] {
  const ticked = new Set(current);
  if (on) ticked.add(rule);
  else ticked.delete(rule);
  const kept = base.filter((q) => ticked.has(q));
  const added = choicesOf(base, rules).filter((q) => ticked.has(q) && !base.includes(q));
  return [...kept, ...added];
}

export const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A copy of the document with the given fields' `quality` replaced; nothing else changes. */
export function applyQuality(doc: Json, typeName: string, changes: ReadonlyMap<string, readonly string[]>): Json {
  const next = structuredClone(doc);
  const type = isObject(next) && isObject(next.types) ? next.types[typeName] : undefined;
  if (!isObject(type) || !isObject(type.fields)) return next;
  for (const [field, quality] of changes) {
    const def = type.fields[field];
    if (isObject(def)) def.quality = [...quality];
  }
  return next;
}

/** "email now checks trim-whitespace, email-syntax", "phone now checks nothing". */
export function checksInWords(field: string, quality: readonly string[]): string {
  return `${field} now checks ${quality.length ? quality.join(', ') : 'nothing'}`;
}
