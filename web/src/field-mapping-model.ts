/**
 * The Field mapping page's reading of the mapping configuration document and the only edits it makes to it, plus
 * the words it uses. No DOM here. A golden type's `objects` name the CRM objects feeding it (the page's sources);
 * a golden field's `mappings` hold one entry per native object (validate-mapping-config.ts refuses a second one).
 * Accepting a suggestion adds the gateway's own entry (`MappingCandidate.mapping`, converter options pre-filled),
 * or replaces the field's entry for that object; "stop reading" removes it; a new golden field reads one native
 * field as a String. Nothing else in the document is touched.
 */
import { crmName } from './sync-words.ts';

import type { Json } from './field-rules-model.ts';
export type { Json };
type JsonObject = { [key: string]: Json };

/** A CRM object feeding a golden type (`types.<T>.objects[]`). */
export interface Source { crm: string; objectType: string }

/** What the gateway suggests (`mappingSuggestions`), as the page asks for it. */
export interface Candidate {
  nativeField: string;
  nativeLabel: string | null;
  nativeType: string | null;
  score: number;
  converter: string;
  reasons: string[];
  /** The mapping entry to add, as JSON text. */
  mapping: string;
}
export interface FieldSuggestions { field: string; type: string; mappedFrom: string[]; candidates: Candidate[]; proposed: Candidate | null }
/** `goldenType` and `mapping` (JSON text): what the gateway says a new golden field reading it takes (Boolean and the boolean converter for a checkbox). */
export interface UnusedNativeField { name: string; label: string; type: string; custom: boolean; goldenType: string; mapping: string }
export interface Suggestions { type: string; crm: string; objectType: string; fields: FieldSuggestions[]; unusedNativeFields: UnusedNativeField[] }

/** One pending change to a golden field's mapping from the selected source. */
export type FieldEdit =
  | { kind: 'use'; candidate: Candidate }
  | { kind: 'change'; candidate: Candidate }
  | { kind: 'stop' };

/** A native field nobody reads, to become a new golden String field. */
/** `goldenType` and `mapping` as the gateway proposed them for the native field (UnusedNativeField). */
export interface NewField { name: string; nativeField: string; goldenType: string; mapping: string }

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const sameSource = (m: Json, s: Source) => isObject(m) && m.crm === s.crm && m.objectType === s.objectType;

/** Customer, Company and Deal first (the order people know), then any other golden type by name. */
const TYPE_ORDER = ['Customer', 'Company', 'Deal'];
const rank = (t: string) => (TYPE_ORDER.includes(t) ? TYPE_ORDER.indexOf(t) : TYPE_ORDER.length);

export function goldenTypes(doc: Json): string[] {
  if (!isObject(doc) || !isObject(doc.types)) return [];
  return Object.keys(doc.types).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The CRM objects feeding a golden type, as the document lists them. */
export function sourcesOf(doc: Json, typeName: string): Source[] {
  const type = isObject(doc) && isObject(doc.types) ? doc.types[typeName] : undefined;
  if (!isObject(type) || !Array.isArray(type.objects)) return [];
  return type.objects.filter(isObject).filter((o) => typeof o.crm === 'string' && typeof o.objectType === 'string')
    .map((o) => ({ crm: o.crm as string, objectType: o.objectType as string }));
}

export const sourceKey = (s: Source) => `${s.crm}|${s.objectType}`;
/** "Salesforce Contact", "HubSpot contacts". */
export const sourceLabel = (s: Source) => `${crmName(s.crm)} ${s.objectType}`;

function fieldsOf(doc: Json, typeName: string): JsonObject | undefined {
  const type = isObject(doc) && isObject(doc.types) ? doc.types[typeName] : undefined;
  return isObject(type) && isObject(type.fields) ? type.fields : undefined;
}

/** The golden field's mappings from sources other than `source`, in words ("Salesforce Contact.Title"). */
export function otherSources(doc: Json, typeName: string, field: string, source: Source): string[] {
  const f = fieldsOf(doc, typeName)?.[field];
  const mappings = isObject(f) && Array.isArray(f.mappings) ? f.mappings : [];
  return mappings.filter((m) => isObject(m) && !sameSource(m, source)).map((m) => {
    const o = m as JsonObject;
    const from = Array.isArray(o.from) ? o.from.join(' + ') : String(o.from);
    return `${crmName(String(o.crm))} ${String(o.objectType)}.${from}`;
  });
}

/** Whether a golden type already has a field of that name. */
export const hasField = (doc: Json, typeName: string, name: string) => Object.hasOwn(fieldsOf(doc, typeName) ?? {}, name);

/** The document with the edits of one golden type and source applied; every other part is left as it was. */
export function applyMappingEdits(doc: Json, typeName: string, source: Source, edits: ReadonlyMap<string, FieldEdit>, added: readonly NewField[]): Json {
  const copy = structuredClone(doc);
  const fields = fieldsOf(copy, typeName);
  if (!fields) return copy;
  for (const [name, edit] of edits) {
    const field = fields[name];
    if (!isObject(field)) continue;
    const mappings = Array.isArray(field.mappings) ? field.mappings : (field.mappings = []);
    const at = mappings.findIndex((m) => sameSource(m, source));
    if (edit.kind === 'stop') {
      field.mappings = mappings.filter((m) => !sameSource(m, source));
      continue;
    }
    const entry = JSON.parse(edit.candidate.mapping) as Json;
    if (at >= 0) mappings[at] = entry;
    else mappings.push(entry);
  }
  for (const n of added) {
    // The type and converter fit the native field's own type: a checkbox added as a String would answer "false".
    fields[n.name] = { type: n.goldenType, mappings: [JSON.parse(n.mapping) as Json] };
  }
  return copy;
}

/** What a pending edit does, in a sentence fragment: "title now also reads HubSpot jobtitle". */
export function editInWords(field: FieldSuggestions, edit: FieldEdit, source: Source, others: readonly string[]): string {
  const crm = crmName(source.crm);
  const old = field.mappedFrom.join(' + ');
  switch (edit.kind) {
    case 'use': return `${field.field} now ${others.length ? 'also ' : ''}reads ${crm} ${edit.candidate.nativeField}`;
    case 'change': return `${field.field} now reads ${crm} ${edit.candidate.nativeField} instead of ${old}`;
    case 'stop': return `${field.field} no longer reads ${crm} ${old}`;
  }
}

export const newFieldInWords = (n: NewField, source: Source) =>
  `new golden field ${n.name}${n.goldenType === 'String' ? '' : ` (${n.goldenType})`} reads ${crmName(source.crm)} ${n.nativeField}`;

/** What stopping means for the golden field, said before saving. */
export function stopWarning(field: string, source: Source, others: readonly string[]): string {
  const crm = crmName(source.crm);
  return others.length
    ? `${field} then gets no value from ${crm}: only from ${others.join(', ')}.`
    : `${field} then gets no value from ${crm} — and no other source feeds it, so it stays empty (the gateway may refuse that).`;
}

/** 0.873 → "87%". */
export const percent = (score: number) => `${Math.round(score * 100)}%`;

/**
 * A candidate's converter as an admin reads it: "identity" is the gateway's name for copying the value unchanged,
 * which reads as a matching technique ("54%, identity") to someone who has not seen the configuration format.
 */
export const converterInWords = (converter: string) => (converter === 'identity' ? 'copied as is' : `converter ${converter}`);

/** "Customer title", "Customer mailingPostalCode, mapping 2 (HubSpot contacts): converter name" for a validator path. */
export function pathInWords(path: string, doc: Json): string {
  const m = /^types\.([^.[]+)(?:\.fields\.([^.[]+)(?:\.mappings\[(\d+)\])?)?(?:\.(.*))?$/.exec(path);
  if (!m) return path;
  const [, typeName, field, index, rest] = m;
  let words = field ? `${typeName} ${field}` : `${typeName} type`;
  if (field && index !== undefined) {
    const f = fieldsOf(doc, typeName!)?.[field];
    const entry = isObject(f) && Array.isArray(f.mappings) ? f.mappings[Number(index)] : undefined;
    words += `, mapping ${Number(index) + 1}${isObject(entry) ? ` (${crmName(String(entry.crm))} ${String(entry.objectType)})` : ''}`;
  }
  return rest ? `${words}: ${rest.replace(/[.[\]]+/g, ' ').trim()}` : words;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
export const isGraphQLName = (name: string) => GRAPHQL_NAME.test(name) && !name.startsWith('__');

/** A golden field name for a native field: camelCase of its label ("Loyalty tier" → loyaltyTier), else of its name. */
export function suggestFieldName(label: string, nativeName: string): string {
  for (const text of [label, nativeName]) {
    const words = text.replace(/__c$/, '').split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
    const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
    if (isGraphQLName(name)) return name;
  }
  return '';
}

/** A value as a DOM id fragment. */
export const idOf = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');
export const candidateLabel = (c: Candidate) => `${c.nativeLabel ?? c.nativeField} (${c.nativeField})`;
/** The proposal first, then the other candidates (each native field once, as first listed). */
export const optionsOf = (f: FieldSuggestions) => [...(f.proposed ? [f.proposed] : []), ...f.candidates].filter((c, i, all) => all.findIndex((o) => o.nativeField === c.nativeField) === i);
