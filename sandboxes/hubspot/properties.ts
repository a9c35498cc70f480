/**
 * The property registry of one portal: the HubSpot-defined properties plus custom ones created through the
 * properties API, and the validation/normalisation every written value goes through (values are stored and
 * returned as strings, exactly as HubSpot does).
 */
import { OBJECT_TYPE_NAMES } from './object-types.ts';
import type { ObjectTypeName } from './object-types.ts';
import { FIELD_TYPES, options as makeOptions, standardProperties } from './standard-properties.ts';
import type { PropertyDefinition, PropertyOption } from './standard-properties.ts';
import { HubSpotError, isoNow, problem, validationError } from './errors.ts';
import type { PropertyProblem } from './errors.ts';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export class PropertyRegistry {
  private readonly defs = new Map<ObjectTypeName, Map<string, PropertyDefinition>>();

  constructor() {
    for (const type of OBJECT_TYPE_NAMES) {
      this.defs.set(type, new Map(standardProperties(type).map((d) => [d.name, d])));
    }
  }

  private map(type: ObjectTypeName): Map<string, PropertyDefinition> {
    return this.defs.get(type)!;
  }

  list(type: ObjectTypeName, archived = false): PropertyDefinition[] {
    return [...this.map(type).values()].filter((d) => d.archived === archived);
  }

  /** A live (non-archived) property, or undefined. */
  get(type: ObjectTypeName, name: string): PropertyDefinition | undefined {
    const d = this.map(type).get(name);
    return d && !d.archived ? d : undefined;
  }

  /** Properties whose value identifies one record (`email`, custom `hasUniqueValue` ones, `hs_object_id`). */
  isUnique(type: ObjectTypeName, name: string): boolean {
    return name === 'hs_object_id' || this.get(type, name)?.hasUniqueValue === true;
  }

  uniqueProperties(type: ObjectTypeName): string[] {
    return this.list(type).filter((d) => d.hasUniqueValue).map((d) => d.name);
  }

  create(type: ObjectTypeName, input: Record<string, unknown>): PropertyDefinition {
    const name = typeof input.name === 'string' ? input.name : '';
    const ptype = String(input.type ?? '');
    const fieldType = String(input.fieldType ?? '');
    const errors: string[] = [];
    if (!/^[a-z][a-z0-9_]*$/.test(name)) errors.push(`name must be lower-case letters, digits and underscores: "${name}"`);
    if (typeof input.label !== 'string' || !input.label) errors.push('label is required');
    if (typeof input.groupName !== 'string' || !input.groupName) errors.push('groupName is required');
    if (!FIELD_TYPES[ptype]) errors.push(`Unknown property type: ${ptype}`);
    else if (!FIELD_TYPES[ptype]!.includes(fieldType)) errors.push(`fieldType ${fieldType} is not valid for type ${ptype}`);
    const opts = parseOptions(input.options);
    if (ptype === 'enumeration' && opts.length === 0 && input.externalOptions !== true) errors.push('enumeration properties need options');
    if (errors.length) throw validationError(errors.join('; '), errors.map((message) => ({ message, code: 'INVALID_PROPERTY' })));
    const existing = this.map(type).get(name);
    if (existing && !existing.archived) {
      throw new HubSpotError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`, {
        subCategory: 'Property.PROPERTY_ALREADY_EXISTS',
      });
    }
    const now = isoNow();
    const def: PropertyDefinition = {
      name,
      label: String(input.label),
      type: ptype,
      fieldType,
      groupName: String(input.groupName),
      description: String(input.description ?? ''),
      displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : -1,
      options: ptype === 'bool' && opts.length === 0 ? makeOptions(['true', 'false'], ['Yes', 'No']) : opts,
      calculated: false,
      externalOptions: input.externalOptions === true,
      hasUniqueValue: input.hasUniqueValue === true,
      hidden: input.hidden === true,
      hubspotDefined: false,
      formField: input.formField === true,
      archived: false,
      createdAt: now,
      updatedAt: now,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
    };
    this.map(type).set(name, def);
    return def;
  }

  update(type: ObjectTypeName, name: string, patch: Record<string, unknown>): PropertyDefinition {
    const def = this.get(type, name);
    if (!def) throw propertyNotFound(type, name);
    if (def.hubspotDefined && def.modificationMetadata.readOnlyDefinition && patch.type !== undefined) {
      throw validationError(`The definition of ${name} is read-only.`);
    }
    for (const key of ['label', 'description', 'groupName', 'displayOrder', 'hidden', 'formField'] as const) {
      if (patch[key] !== undefined) (def as unknown as Record<string, unknown>)[key] = patch[key];
    }
    if (patch.options !== undefined) def.options = parseOptions(patch.options);
    if (patch.fieldType !== undefined) {
      if (!FIELD_TYPES[def.type]?.includes(String(patch.fieldType))) throw validationError(`fieldType ${String(patch.fieldType)} is not valid for type ${def.type}`);
      def.fieldType = String(patch.fieldType);
    }
    def.updatedAt = isoNow();
    return def;
  }

  archive(type: ObjectTypeName, name: string): void {
    const def = this.get(type, name);
    if (!def) throw propertyNotFound(type, name);
    if (!def.modificationMetadata.archivable) throw validationError(`${name} is a HubSpot-defined property and cannot be archived.`);
    def.archived = true;
    def.archivedAt = isoNow();
  }

  /**
   * Validates and normalises the values of one write. Returns every problem at once, as HubSpot lists them all.
   * `system` writes (seeding) may set read-only values.
   */
  normalize(
    type: ObjectTypeName,
    input: Record<string, unknown>,
    system = false,
  ): { values: Record<string, string>; problems: PropertyProblem[] } {
    const values: Record<string, string> = {};
    const problems: PropertyProblem[] = [];
    for (const [name, raw] of Object.entries(input)) {
      const def = this.get(type, name);
      if (!def) {
        problems.push(problem(name, 'PROPERTY_DOESNT_EXIST', `Property "${name}" does not exist`));
        continue;
      }
      if (def.modificationMetadata.readOnlyValue && !system) {
        problems.push(problem(name, 'READ_ONLY_VALUE', `${name} is a read only property; its value cannot be set.`));
        continue;
      }
      const r = normalizeValue(def, raw);
      if ('problem' in r) problems.push(r.problem);
      else values[name] = r.value;
    }
    return { values, problems };
  }
}

export function propertyNotFound(type: ObjectTypeName, name: string): HubSpotError {
  return new HubSpotError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${name} on object type ${type}`);
}

function parseOptions(raw: unknown): PropertyOption[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((o: Record<string, unknown>, i) => ({
    label: String(o?.label ?? o?.value ?? ''),
    value: String(o?.value ?? ''),
    displayOrder: typeof o?.displayOrder === 'number' ? o.displayOrder : i,
    hidden: o?.hidden === true,
    description: String(o?.description ?? ''),
  }));
}

/** Parses epoch milliseconds (number or numeric string) or ISO-8601 into a Date. */
export function parseHubSpotDate(raw: unknown): Date | undefined {
  if (typeof raw === 'number' || (typeof raw === 'string' && /^-?\d+$/.test(raw.trim()))) {
    const d = new Date(Number(raw));
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw.trim())) {
    const d = new Date(raw.trim().length === 10 ? `${raw.trim()}T00:00:00.000Z` : raw.trim());
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/** Normalises one written value to the string HubSpot would store, or explains why it is refused. */
export function normalizeValue(def: PropertyDefinition, raw: unknown): { value: string } | { problem: PropertyProblem } {
  // null and "" clear a property (HubSpot stores an empty value).
  if (raw === null || raw === undefined || raw === '') return { value: '' };
  if (typeof raw === 'object') return { problem: problem(def.name, 'INVALID_VALUE', `${JSON.stringify(raw)} is not a valid value for ${def.name}`) };
  const text = String(raw);
  switch (def.type) {
    case 'number': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) return { problem: problem(def.name, 'INVALID_INTEGER', `${text} was not a valid number.`) };
      return { value: String(n) };
    }
    case 'bool': {
      const v = text.toLowerCase();
      if (v !== 'true' && v !== 'false') return { problem: problem(def.name, 'INVALID_BOOLEAN', `${text} was not a valid boolean; use true or false.`) };
      return { value: v };
    }
    case 'datetime':
    case 'date': {
      const d = parseHubSpotDate(raw);
      if (!d) return { problem: problem(def.name, 'INVALID_DATE', `${text} was not a valid long (epoch milliseconds) or ISO-8601 date.`) };
      if (def.type === 'datetime') return { value: d.toISOString() };
      if (d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() || d.getUTCMilliseconds()) {
        return { problem: problem(def.name, 'INVALID_DATE', `${text} is at ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()}.${d.getUTCMilliseconds()} UTC, not midnight!`) };
      }
      return { value: d.toISOString().slice(0, 10) };
    }
    case 'enumeration': {
      if (def.externalOptions) return { value: text };
      const allowed = new Set(def.options.map((o) => o.value));
      const parts = def.fieldType === 'checkbox' ? text.split(';') : [text];
      const bad = parts.find((p) => !allowed.has(p));
      if (bad !== undefined) {
        const list = def.options.map((o) => `label: "${o.label}"\nvalue: "${o.value}"`).join(', ');
        return { problem: problem(def.name, 'INVALID_OPTION', `${bad} was not one of the allowed options: [${list}]`) };
      }
      return { value: text };
    }
    default: {
      if (def.name === 'email') {
        const v = text.trim().toLowerCase();
        if (!EMAIL_RE.test(v)) return { problem: problem(def.name, 'INVALID_EMAIL', `Email address ${text} is invalid`) };
        return { value: v };
      }
      return { value: text };
    }
  }
}
