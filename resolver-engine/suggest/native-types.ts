/**
 * What a native field type can fill, across the CRMs' type vocabularies (Salesforce describe `type`,
 * HubSpot property `type`/`fieldType`, Dataverse attribute types), and the converter that does it.
 */
import type { GoldenScalar } from '../model.ts';

export interface TypeFit {
  scalars: readonly GoldenScalar[];
  converter: string;
}

const FITS: Record<string, TypeFit> = {
  string: { scalars: ['String'], converter: 'identity' },
  text: { scalars: ['String'], converter: 'identity' },
  textarea: { scalars: ['String'], converter: 'identity' },
  memo: { scalars: ['String'], converter: 'identity' },
  email: { scalars: ['String'], converter: 'identity' },
  id: { scalars: ['String'], converter: 'identity' },
  reference: { scalars: ['String'], converter: 'identity' },
  combobox: { scalars: ['String'], converter: 'identity' },
  url: { scalars: ['String'], converter: 'domain' },
  phone: { scalars: ['String'], converter: 'phone' },
  phonenumber: { scalars: ['String'], converter: 'phone' },
  picklist: { scalars: ['String'], converter: 'picklist' },
  multipicklist: { scalars: ['String'], converter: 'picklist' },
  enumeration: { scalars: ['String'], converter: 'picklist' },
  choice: { scalars: ['String'], converter: 'picklist' },
  boolean: { scalars: ['Boolean'], converter: 'boolean' },
  bool: { scalars: ['Boolean'], converter: 'boolean' },
  booleancheckbox: { scalars: ['Boolean'], converter: 'boolean' },
  int: { scalars: ['Int', 'Float'], converter: 'number' },
  integer: { scalars: ['Int', 'Float'], converter: 'number' },
  bigint: { scalars: ['Int', 'Float'], converter: 'number' },
  number: { scalars: ['Float', 'Int'], converter: 'number' },
  double: { scalars: ['Float'], converter: 'number' },
  currency: { scalars: ['Float'], converter: 'number' },
  money: { scalars: ['Float'], converter: 'number' },
  percent: { scalars: ['Float'], converter: 'number' },
  decimal: { scalars: ['Float'], converter: 'number' },
  date: { scalars: ['Date', 'String'], converter: 'date' },
  dateonly: { scalars: ['Date', 'String'], converter: 'date' },
  datetime: { scalars: ['DateTime', 'Date', 'String'], converter: 'datetime' },
};

/**
 * `fieldType` refines `type` where HubSpot needs it (string/phonenumber, enumeration/booleancheckbox). For a native
 * type this table does not know (Pipedrive's varchar, monetary, enum…, or any CRM added later), the connector's
 * normalised type, passed as `fieldType`, decides: a new CRM needs no entry here.
 */
export function typeFit(type: string, fieldType?: string): TypeFit | null {
  const refined = fieldType ? FITS[fieldType.toLowerCase()] : undefined;
  if (refined && (refined.converter === 'phone' || refined.converter === 'boolean')) return refined;
  return FITS[type.toLowerCase()] ?? refined ?? null;
}
