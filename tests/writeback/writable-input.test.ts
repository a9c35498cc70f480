/**
 * The write-back input checks on their own (sync/writeback/writable-input.ts), against the default mapping
 * configuration and field descriptions shaped like the CRMs' describe answers: which picklist values pass (one CRM
 * taking a value another lacks is fine), which empty or long values a written CRM refuses, and that unreadable
 * metadata refuses nothing.
 */
import { describe, expect, it } from 'vitest';
import type { FieldDescription } from '../../connectors/contract/index.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { WriteBackInputError } from '../../sync/writeback/input-error.ts';
import type { PlannedWrite, WriteBackPlan } from '../../sync/writeback/planner.ts';
import { checkNativeConstraints, checkPicklistValues, isRequiredField } from '../../sync/writeback/writable-input.ts';
import type { FieldMetadata } from '../../sync/writeback/writable-input.ts';

const refusal = (fn: () => unknown): WriteBackInputError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WriteBackInputError) return error;
    throw error;
  }
  throw new Error('expected a WriteBackInputError');
};

const field = (name: string, over: Partial<FieldDescription> = {}): FieldDescription => ({
  name, label: name, type: 'string', nativeType: 'string', nillable: true, createable: true, updateable: true, custom: false, unique: false, ...over,
});

describe('checkPicklistValues', () => {
  it('refuses a misspelt stage, listing every golden stage the configured maps write back', () => {
    const e = refusal(() => checkPicklistValues(DEFAULT_MAPPING_CONFIG, 'Deal', { stage: 'Closed Wonn' }));
    expect(e.field).toBe('stage');
    expect(e.message).toContain("'Closed Wonn'");
    expect(e.message).toContain('Needs Analysis');
    expect(e.message).toContain('Closed Won');
  });

  it('accepts stages in any case, and empty values (left to the required-field check)', () => {
    for (const stage of ['Closed Won', 'closed won', 'Needs Analysis', null, '']) {
      expect(() => checkPicklistValues(DEFAULT_MAPPING_CONFIG, 'Deal', { stage })).not.toThrow();
    }
  });

  it('accepts a value one CRM takes and another lacks', () => {
    // Without Pipedrive's reverse map, 'Prospecting' has no Pipedrive stage; Salesforce and HubSpot still take it.
    // (Configuration validation asks each map to cover every golden value, so the map is trimmed after parsing.)
    const config = structuredClone(DEFAULT_MAPPING_CONFIG);
    for (const m of config.types.Deal!.fields.stage!.mappings) if (m.crm === 'pipedrive') delete m.converter.options.reverse;
    expect(() => checkPicklistValues(config, 'Deal', { stage: 'Prospecting' })).not.toThrow();
    expect(() => checkPicklistValues(config, 'Deal', { stage: 'Prospectin' })).toThrow(WriteBackInputError);
  });

  it('accepts anything where a writable map passes unknown values through (lead source, industry)', () => {
    expect(() => checkPicklistValues(DEFAULT_MAPPING_CONFIG, 'Customer', { leadSource: 'Trade Show' })).not.toThrow();
    expect(() => checkPicklistValues(DEFAULT_MAPPING_CONFIG, 'Company', { industry: 'Space' })).not.toThrow();
  });
});

describe('checkNativeConstraints', () => {
  const write = (crm: string, objectType: string, f: string, nativeField: string, value: unknown): PlannedWrite => ({
    connectorId: crm, crm, objectType, recordId: `${crm}-1`, field: f, nativeField, value, current: 'x', reason: '',
  });
  const plan = (...writes: PlannedWrite[]): WriteBackPlan => ({ goldenId: 'cus_1', typeName: 'Customer', values: {}, writes, skipped: [] });
  const described: Record<string, FieldDescription[]> = {
    'salesforce/Contact': [field('LastName', { nillable: false, length: 80 }), field('Title', { length: 128 }), field('HasOptedOutOfEmail', { type: 'boolean', nillable: false })],
    'hubspot/contacts': [field('lastname'), field('jobtitle', { length: 65_536 })],
  };
  const metadata: FieldMetadata = async (connectorId, objectType) => {
    const fields = described[`${connectorId}/${objectType}`];
    return fields ? new Map(fields.map((f) => [f.name, f])) : null;
  };
  const refused = async (p: WriteBackPlan) => {
    try {
      await checkNativeConstraints(p, metadata);
    } catch (error) {
      if (error instanceof WriteBackInputError) return error;
      throw error;
    }
    return null;
  };

  it('refuses emptying a field a written CRM requires, null or blank', async () => {
    for (const value of [null, '', '  ']) {
      const e = await refused(plan(write('hubspot', 'contacts', 'lastName', 'lastname', value), write('salesforce', 'Contact', 'lastName', 'LastName', value)));
      expect(e?.field).toBe('lastName');
      expect(e?.message).toContain('salesforce Contact.LastName');
    }
  });

  it('lets a CRM that does not require the field be emptied, and booleans (non-nillable for their default) be cleared', async () => {
    expect(await refused(plan(write('hubspot', 'contacts', 'lastName', 'lastname', null)))).toBeNull();
    expect(isRequiredField(field('HasOptedOutOfEmail', { type: 'boolean', nillable: false }))).toBe(false);
  });

  it('refuses a string longer than the smallest written limit, naming it and its CRM', async () => {
    const long = 'x'.repeat(5000);
    const e = await refused(plan(write('hubspot', 'contacts', 'title', 'jobtitle', long), write('salesforce', 'Contact', 'title', 'Title', long)));
    expect(e?.field).toBe('title');
    expect(e?.message).toContain('5000 characters');
    expect(e?.message).toContain('at most 128');
    expect(e?.message).toContain('salesforce Contact.Title');
    expect(await refused(plan(write('salesforce', 'Contact', 'title', 'Title', 'x'.repeat(128))))).toBeNull();
  });

  it('refuses nothing for an object whose metadata cannot be read', async () => {
    expect(await refused(plan(write('zoho', 'Contacts', 'lastName', 'Last_Name', null)))).toBeNull();
  });
});
