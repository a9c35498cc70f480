/**
 * `POST EntityDefinitions(LogicalName='contact')/Attributes`: a custom attribute from its metadata body. The
 * SchemaName must carry the `cg_` publisher prefix; the logical name is it lower-cased. Supported metadata types:
 * String, Memo, Integer, Decimal, Double, Money, Boolean, DateTime and Picklist (options valued from 100000000
 * when the body gives no Value, like a publisher's option prefix). Existing rows read the new attribute as null.
 */
import { badRequest, CODES } from './errors.ts';
import { tableByLogical } from './schema.ts';
import type { AttributeDef, AttributeType, OptionDef } from './schema.ts';
import type { TableState } from './store.ts';

const TYPES: Record<string, AttributeType> = {
  StringAttributeMetadata: 'String', MemoAttributeMetadata: 'Memo', IntegerAttributeMetadata: 'Integer',
  DecimalAttributeMetadata: 'Decimal', DoubleAttributeMetadata: 'Double', MoneyAttributeMetadata: 'Money',
  BooleanAttributeMetadata: 'Boolean', DateTimeAttributeMetadata: 'DateTime', PicklistAttributeMetadata: 'Picklist',
  LookupAttributeMetadata: 'Lookup',
};

type LabelBody = { LocalizedLabels?: { Label?: unknown }[]; UserLocalizedLabel?: { Label?: unknown } } | undefined;

function labelText(l: LabelBody): string | undefined {
  const text = l?.UserLocalizedLabel?.Label ?? l?.LocalizedLabels?.[0]?.Label;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

function invalid(message: string) {
  return badRequest(CODES.badValue, message);
}

function options(body: Record<string, unknown>): OptionDef[] {
  const set = body.OptionSet as { Options?: { Value?: unknown; Label?: LabelBody }[] } | undefined;
  if (!set || !Array.isArray(set.Options) || set.Options.length === 0) throw invalid('A Picklist attribute needs OptionSet.Options.');
  return set.Options.map((o, i) => {
    const text = labelText(o.Label);
    if (!text) throw invalid(`OptionSet.Options[${i}] needs a Label.`);
    const value = o.Value === undefined || o.Value === null ? 100_000_000 + i : o.Value;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(`OptionSet.Options[${i}].Value must be an integer.`);
    return { value, label: text };
  });
}

function booleanOptions(body: Record<string, unknown>): OptionDef[] {
  const set = body.OptionSet as { TrueOption?: { Label?: LabelBody }; FalseOption?: { Label?: LabelBody } } | undefined;
  return [{ value: 0, label: labelText(set?.FalseOption?.Label) ?? 'No' }, { value: 1, label: labelText(set?.TrueOption?.Label) ?? 'Yes' }];
}

export function createCustomAttribute(table: TableState, body: Record<string, unknown>): AttributeDef {
  const odataType = String(body['@odata.type'] ?? '').replace(/^#?Microsoft\.Dynamics\.CRM\./, '');
  const type = TYPES[odataType];
  if (!type) throw invalid(`The attribute type '${String(body['@odata.type'])}' cannot be created here (supported: ${Object.keys(TYPES).join(', ')}).`);
  const schemaName = body.SchemaName;
  if (typeof schemaName !== 'string' || !/^cg_[A-Za-z0-9_]+$/i.test(schemaName)) {
    throw invalid(`SchemaName '${String(schemaName)}' is not valid: a custom attribute's name starts with the publisher prefix cg_ and has letters, digits and _ only.`);
  }
  const logicalName = schemaName.toLowerCase();
  if (table.attributes.has(logicalName)) {
    throw badRequest(CODES.attributeExists, `An attribute with the name ${logicalName} already exists on ${table.def.logicalName}.`);
  }
  const required = (body.RequiredLevel as { Value?: unknown } | undefined)?.Value ?? 'None';
  if (required !== 'None' && required !== 'ApplicationRequired' && required !== 'Recommended') throw invalid(`RequiredLevel '${String(required)}' is not valid.`);
  const a: AttributeDef = {
    logicalName, schemaName, type, displayName: labelText(body.DisplayName as LabelBody) ?? schemaName,
    required: required === 'ApplicationRequired' ? 'ApplicationRequired' : 'None', validForCreate: true, validForUpdate: true, custom: true,
  };
  if (type === 'String' || type === 'Memo') {
    const max = body.MaxLength ?? (type === 'String' ? 100 : 2000);
    const limit = type === 'String' ? 4000 : 1_048_576;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > limit) throw invalid(`MaxLength must be an integer from 1 to ${limit}.`);
    a.maxLength = max;
  }
  if (type === 'Integer' || type === 'Decimal' || type === 'Double' || type === 'Money') {
    if (typeof body.MinValue === 'number') a.minValue = body.MinValue;
    if (typeof body.MaxValue === 'number') a.maxValue = body.MaxValue;
  }
  if (type === 'DateTime') {
    const format = body.Format ?? 'DateAndTime';
    if (format !== 'DateOnly' && format !== 'DateAndTime') throw invalid(`Format '${String(format)}' is not valid (DateOnly or DateAndTime).`);
    a.format = format;
  }
  if (type === 'Picklist') a.options = options(body);
  if (type === 'Boolean') a.options = booleanOptions(body);
  if (type === 'Lookup') {
    // One target table (Dataverse creates a lookup with its one-to-many relationship); the navigation property is the SchemaName.
    const targets = body.Targets;
    if (!Array.isArray(targets) || targets.length !== 1 || typeof targets[0] !== 'string' || !tableByLogical(targets[0])) throw invalid('A Lookup attribute needs Targets: [one table logical name the org lists].');
    a.targets = [targets[0]];
  }
  table.attributes.set(logicalName, a);
  return a;
}
