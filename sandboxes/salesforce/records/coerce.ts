/**
 * Turns one JSON value from a request body into the stored value of a field, or throws the error Salesforce
 * gives for it (JSON_PARSER_ERROR, STRING_TOO_LONG, INVALID_EMAIL_ADDRESS, restricted picklist, bad ids).
 * Reference existence is checked by the caller, which knows the store.
 */
import { SfError, jsonParserError } from '../errors.ts';
import type { FieldDef } from '../describe/field-types.ts';
import { to18 } from '../ids.ts';
import { formatDateTime, isDate, parseDateTime } from '../time.ts';

// Deliberately loose, like Salesforce: something@something.tld without spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function coerceValue(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    throw jsonParserError(`Cannot deserialize instance of ${field.type} from START_OBJECT value or request may be missing a required field`);
  }
  switch (field.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw cannotDeserialize('boolean', value);
    case 'int': {
      const n = toNumber(value);
      if (n === undefined || !Number.isInteger(n)) throw cannotDeserialize('int', value);
      return n;
    }
    case 'double':
    case 'currency':
    case 'percent': {
      const n = toNumber(value);
      if (n === undefined) throw cannotDeserialize('double', value);
      return field.scale !== undefined ? Number(n.toFixed(field.scale)) : n;
    }
    case 'date': {
      const text = String(value);
      const day = /^\d{4}-\d{2}-\d{2}T/.test(text) ? text.slice(0, 10) : text;
      if (!isDate(day)) throw cannotDeserialize('date', value);
      return day;
    }
    case 'datetime': {
      const ms = typeof value === 'string' ? parseDateTime(value) : typeof value === 'number' ? value : undefined;
      if (ms === undefined) throw cannotDeserialize('datetime', value);
      return formatDateTime(ms);
    }
    case 'id':
    case 'reference': {
      const text = String(value);
      if (text === '') return null;
      const id = to18(text);
      if (!id) throw new SfError(400, 'MALFORMED_ID', `${field.label}: id value of incorrect type: ${text}`, [field.name]);
      return id;
    }
    default:
      return coerceText(field, typeof value === 'string' ? value : String(value));
  }
}

function coerceText(field: FieldDef, text: string): string | null {
  // Salesforce stores an empty string as null.
  if (text === '') return null;
  if (field.length !== undefined && text.length > field.length) {
    throw new SfError(400, 'STRING_TOO_LONG', `${field.label}: data value too large: ${text.slice(0, 80)} (max length=${field.length})`, [field.name]);
  }
  if (field.type === 'email' && !EMAIL.test(text)) {
    throw new SfError(400, 'INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, [field.name]);
  }
  if (field.restricted && field.picklistValues) {
    const values = field.type === 'multipicklist' ? text.split(';') : [text];
    for (const v of values) {
      if (!field.picklistValues.includes(v)) {
        throw new SfError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${v}`, [field.name]);
      }
    }
  }
  return text;
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function cannotDeserialize(type: string, value: unknown): SfError {
  const token = typeof value === 'string' ? 'VALUE_STRING' : typeof value === 'number' ? 'VALUE_NUMBER_INT' : 'VALUE_TRUE';
  return jsonParserError(`Cannot deserialize instance of ${type} from ${token} value ${String(value)} or request may be missing a required field`);
}
