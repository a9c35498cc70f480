/**
 * Checks one attribute value from a request body (or a seed) against its metadata and turns it into the stored
 * wire form. Dataverse stores an empty string as null; strings over MaxLength are 0x80044331; a value of the wrong
 * JSON type is an OData conversion error; a choice value not in the option set is out of range.
 */
import { badRequest, CODES } from './errors.ts';
import { GUID_RE } from './ids.ts';
import type { AttributeDef } from './schema.ts';
import { parseTime, toDataverseTime } from './time.ts';

const EDM: Partial<Record<AttributeDef['type'], string>> = {
  String: 'Edm.String', Memo: 'Edm.String', Integer: 'Edm.Int32', BigInt: 'Edm.Int64', Money: 'Edm.Decimal',
  Decimal: 'Edm.Decimal', Double: 'Edm.Double', Boolean: 'Edm.Boolean', DateTime: 'Edm.DateTimeOffset',
  Picklist: 'Edm.Int32', State: 'Edm.Int32', Status: 'Edm.Int32', Uniqueidentifier: 'Edm.Guid',
};

function conversionError(a: AttributeDef, value: unknown) {
  return badRequest(CODES.badValue, `Cannot convert the literal '${JSON.stringify(value)}' to the expected type '${EDM[a.type] ?? 'Edm.String'}' for the property '${a.logicalName}'.`);
}

export function coerceValue(entity: string, a: AttributeDef, value: unknown): unknown {
  if (value === null) return null;
  switch (a.type) {
    case 'String':
    case 'Memo': {
      if (typeof value !== 'string') throw conversionError(a, value);
      if (value === '') return null;
      if (a.maxLength !== undefined && value.length > a.maxLength) {
        throw badRequest(CODES.tooLong, `A validation error occurred. The length of the '${a.logicalName}' attribute of the '${entity}' entity exceeded the maximum allowed length of '${a.maxLength}'.`);
      }
      return value;
    }
    case 'Integer':
    case 'BigInt':
    case 'Money':
    case 'Decimal':
    case 'Double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw conversionError(a, value);
      if ((a.type === 'Integer' || a.type === 'BigInt') && !Number.isInteger(value)) throw conversionError(a, value);
      const min = a.minValue ?? (a.type === 'Integer' ? -2_147_483_648 : -Number.MAX_VALUE);
      const max = a.maxValue ?? (a.type === 'Integer' ? 2_147_483_647 : Number.MAX_VALUE);
      if (value < min || value > max) {
        throw badRequest(CODES.optionOutOfRange, `A validation error occurred. The value ${value} of '${a.logicalName}' on record of type '${entity}' is outside the valid range. Accepted Values: ${min} to ${max}.`);
      }
      return value;
    }
    case 'Boolean':
      if (typeof value !== 'boolean') throw conversionError(a, value);
      return value;
    case 'DateTime': {
      const ms = parseTime(value);
      if (ms === undefined) throw conversionError(a, value);
      // A DateOnly attribute keeps the date as written; a DateAndTime one is stored in UTC without milliseconds.
      return a.format === 'DateOnly' ? (value as string).slice(0, 10) : toDataverseTime(ms);
    }
    case 'Picklist':
    case 'State':
    case 'Status': {
      if (typeof value !== 'number' || !Number.isInteger(value)) throw conversionError(a, value);
      if (!(a.options ?? []).some((o) => o.value === value)) {
        throw badRequest(CODES.optionOutOfRange, `A validation error occurred. The value ${value} of '${a.logicalName}' on record of type '${entity}' is outside the valid range. Accepted Values: ${(a.options ?? []).map((o) => o.value).join(',')}`);
      }
      return value;
    }
    case 'Uniqueidentifier':
      if (typeof value !== 'string' || !GUID_RE.test(value)) throw conversionError(a, value);
      return value.toLowerCase();
    default:
      throw conversionError(a, value);
  }
}
