import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { parseMappingConfig, validateMappingConfig } from '../../../resolver-engine/index.ts';
import type { MappingConfig } from '../../../resolver-engine/index.ts';
import { suggestForObject } from '../../../resolver-engine/suggest/object-suggestions.ts';
import type { NativeFieldDescription } from '../../../resolver-engine/suggest/suggest-mappings.ts';

/** An in-house CRM's contact object, as its describe would list it. */
const zohoContacts: NativeFieldDescription[] = [
  { name: 'Email', label: 'Email', type: 'email' },
  { name: 'First_Name', label: 'First Name', type: 'text' },
  { name: 'Last_Name', label: 'Last Name', type: 'text' },
  { name: 'Phone', label: 'Phone', type: 'phone' },
  { name: 'Title', label: 'Title', type: 'text' },
  { name: 'Account_Name', label: 'Account Name', type: 'text' },
  { name: 'Lead_Source', label: 'Lead Source', type: 'picklist', picklistValues: ['Web', 'Trade Show'] },
  { name: 'Email_Opt_Out', label: 'Email Opt Out', type: 'boolean', updateable: false },
  { name: 'Loyalty_Tier', label: 'Loyalty Tier', type: 'text' },
];

/** The default configuration with an in-house CRM's Contacts feeding Customer, its email already mapped. */
function withZoho(): MappingConfig {
  const doc = structuredClone(DEFAULT_MAPPING_CONFIG) as unknown as { types: { Customer: { objects: unknown[]; fields: Record<string, { mappings: unknown[] }> } } };
  doc.types.Customer.objects.push({ crm: 'inhouse', objectType: 'Contacts', idField: 'id', modifiedAtFields: ['Modified_Time'] });
  doc.types.Customer.fields.email!.mappings.push({ crm: 'inhouse', objectType: 'Contacts', from: ['Email'] });
  return parseMappingConfig(doc);
}

describe('suggestForObject', () => {
  const s = suggestForObject(withZoho(), 'Customer', 'inhouse', 'Contacts', zohoContacts);
  const field = (name: string) => s.fields.find((f) => f.field === name)!;

  it('proposes one native field per unmapped golden field, each with the mapping entry to add', () => {
    expect(field('firstName').proposed?.mapping).toEqual({ crm: 'inhouse', objectType: 'Contacts', from: ['First_Name'], converter: { name: 'identity', options: {} }, writable: true });
    expect(field('phone').proposed).toMatchObject({ nativeField: 'Phone', converter: 'phone' });
    expect(field('companyName').proposed?.nativeField).toBe('Account_Name');
    const proposed = s.fields.flatMap((f) => (f.proposed ? [f.proposed.nativeField] : []));
    expect(new Set(proposed).size).toBe(proposed.length);
  });

  it('leaves mapped fields and the native fields they read alone', () => {
    expect(field('email')).toMatchObject({ mappedFrom: ['Email'], proposed: null });
    expect(s.fields.some((f) => f.proposed?.nativeField === 'Email')).toBe(false);
    expect(s.unusedNativeFields).not.toContain('Email');
  });

  it('pre-fills a picklist value map that passes unknown values through, and keeps read-only fields unwritable', () => {
    expect(field('leadSource').proposed?.mapping.converter).toEqual({ name: 'picklist', options: { values: { Web: 'Web', 'Trade Show': 'Trade Show' }, unmapped: 'passthrough' } });
    expect(field('emailOptOut').proposed?.mapping).toMatchObject({ from: ['Email_Opt_Out'], converter: { name: 'boolean' }, writable: false });
  });

  it('lists native fields nothing reads or proposes, and every proposal validates as part of the configuration', () => {
    expect(s.unusedNativeFields).toEqual(['Loyalty_Tier']);
    const doc = structuredClone(withZoho()) as MappingConfig;
    for (const f of s.fields) if (f.proposed) doc.types.Customer!.fields[f.field]!.mappings.push(f.proposed.mapping);
    const result = validateMappingConfig(doc);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('lists a bare likeness of names as a candidate but does not propose it, and ranks the field spelled alike first', () => {
    const weak = suggestForObject(withZoho(), 'Customer', 'inhouse', 'Contacts', [
      { name: 'createdate', label: 'Create Date', type: 'datetime' },
      { name: 'Other_Phone', label: 'Other Phone', type: 'phone' },
      { name: 'Phone', label: 'Phone', type: 'phone' },
    ]);
    const department = weak.fields.find((f) => f.field === 'department')!;
    expect(department.candidates.map((c) => c.nativeField)).toEqual(['createdate']);
    expect(department.candidates[0]!.score).toBeLessThan(0.65);
    expect(department.proposed).toBeNull();
    const phone = weak.fields.find((f) => f.field === 'phone')!;
    expect(phone.candidates.slice(0, 2).map((c) => [c.nativeField, c.score])).toEqual([['Phone', 1], ['Other_Phone', 1]]);
    expect(phone.proposed?.nativeField).toBe('Phone');
  });
});
