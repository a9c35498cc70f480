/**
 * Relations in resolver-engine: which native records a golden record's references name (relationTargets), how
 * the rule decides between golden ids (resolveRelations), and how a configuration's relations are validated.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG, parseMappingConfig, relationTargets, resolveRelations, validateMappingConfig } from '../../../resolver-engine/index.ts';
import type { NativeRecordInput, SourceRef } from '../../../resolver-engine/index.ts';

const config = parseMappingConfig(DEFAULT_MAPPING_CONFIG);
const sf = (id: string, accountId: unknown, at = '2026-12-01T10:00:00Z'): NativeRecordInput => ({ crm: 'salesforce', objectType: 'Contact', record: { Id: id, AccountId: accountId, SystemModstamp: at } });
const hs = (id: string, companyId: unknown, at = '2026-12-02T10:00:00Z'): NativeRecordInput => ({ crm: 'hubspot', objectType: 'contacts', record: { id, associatedcompanyid: companyId, lastmodifieddate: at } });
const links: Record<string, string> = {
  'salesforce/Account/001A': 'com_acme', 'hubspot/companies/9001': 'com_acme', 'hubspot/companies/9002': 'com_globex', 'salesforce/Account/001B': 'com_initech',
};
const lookup = (t: SourceRef) => links[`${t.crm}/${t.objectType}/${t.recordId}`];

describe('relationTargets', () => {
  it('names each referenced record once, in its target object, and skips empty and 0 references', () => {
    const targets = relationTargets(config, 'Customer', [sf('003a', '001A'), sf('003b', '001A'), hs('1', 9001), hs('2', 0), hs('3', null), { crm: 'hubspot', objectType: 'contacts', recordId: '4', unavailable: true }]);
    expect(targets).toEqual([{ crm: 'salesforce', objectType: 'Account', recordId: '001A' }, { crm: 'hubspot', objectType: 'companies', recordId: '9001' }]);
  });
});

describe('resolveRelations', () => {
  it('two CRMs naming one golden company under their own ids agree: no conflict', () => {
    const r = resolveRelations(config, 'Customer', [sf('003a', '001A'), hs('1', 9001)], lookup);
    expect(r.values).toEqual({ company: 'com_acme' });
    expect(r.conflicts).toEqual([]);
    expect(r.provenance[0]).toMatchObject({ field: 'company', rule: 'source-priority', source: { crm: 'salesforce', recordId: '003a' } });
  });

  it('disagreeing CRMs: the rule decides (Salesforce first, although HubSpot is newer) and the conflict is reported', () => {
    const r = resolveRelations(config, 'Customer', [sf('003a', '001B'), hs('1', 9002)], lookup);
    expect(r.values.company).toBe('com_initech');
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]!.field).toBe('company');
    // The same records under last-write-wins: HubSpot's newer record wins.
    const lww = parseMappingConfig({ ...DEFAULT_MAPPING_CONFIG, types: { ...DEFAULT_MAPPING_CONFIG.types, Customer: { ...DEFAULT_MAPPING_CONFIG.types.Customer!, relations: {
      company: { ...DEFAULT_MAPPING_CONFIG.types.Customer!.relations!.company!, rule: { strategy: 'last-write-wins' } },
    } } } });
    expect(resolveRelations(lww, 'Customer', [sf('003a', '001B'), hs('1', 9002)], lookup).values.company).toBe('com_globex');
  });

  it('a reference nothing is linked to offers null with TARGET_NOT_LINKED; an unreadable source is unavailable', () => {
    const r = resolveRelations(config, 'Customer', [sf('003a', '001Z'), hs('1', 9002), { crm: 'pipedrive', objectType: 'persons', recordId: '7', unavailable: true }], lookup);
    expect(r.values.company).toBe('com_globex');
    const candidates = r.provenance[0]!.candidates;
    expect(candidates.find((c) => c.source.crm === 'salesforce')).toMatchObject({ value: null, issues: [{ code: 'TARGET_NOT_LINKED', native: '001Z' }] });
    expect(candidates.find((c) => c.source.crm === 'pipedrive')).toMatchObject({ status: 'unavailable' });
    expect(r.provenance[0]!.unavailableSources).toEqual([{ crm: 'pipedrive', objectType: 'persons', recordId: '7' }]);
  });

  it('a type without relations resolves to nothing', () => {
    expect(resolveRelations(config, 'Company', [], lookup)).toEqual({ values: {}, provenance: [], conflicts: [] });
  });
});

describe('validating relations', () => {
  const withRelation = (relation: unknown) => ({ ...DEFAULT_MAPPING_CONFIG, types: { ...DEFAULT_MAPPING_CONFIG.types, Customer: { ...DEFAULT_MAPPING_CONFIG.types.Customer!, relations: { employer: relation } } } });
  const errors = (raw: unknown) => {
    const r = validateMappingConfig(raw);
    return r.ok ? [] : r.errors;
  };

  it('accepts the shipped relations, and stored configurations without any', () => {
    expect(errors(DEFAULT_MAPPING_CONFIG)).toEqual([]);
    const { relations: _ignored, ...withoutRelations } = DEFAULT_MAPPING_CONFIG.types.Customer!;
    expect(errors({ ...DEFAULT_MAPPING_CONFIG, types: { ...DEFAULT_MAPPING_CONFIG.types, Customer: withoutRelations } })).toEqual([]);
  });

  it('names the path and the reason of each mistake', () => {
    expect(errors(withRelation({ target: 'Employer', mappings: [] }))).toEqual([{ path: 'types.Customer.relations.employer.target', message: expect.stringMatching(/unknown golden type 'Employer'; known: Customer, Company, Deal/) }]);
    expect(errors(withRelation({ target: 'Company', mappings: [{ crm: 'salesforce', objectType: 'Lead', from: 'ConvertedAccountId', targetObjectType: 'Account' }] })))
      .toEqual([{ path: 'types.Customer.relations.employer.mappings[0]', message: 'salesforce/Lead is not declared in types.Customer.objects' }]);
    expect(errors(withRelation({ target: 'Company', mappings: [{ crm: 'salesforce', objectType: 'Contact', from: 'AccountId', targetObjectType: 'Partner' }] })))
      .toEqual([{ path: 'types.Customer.relations.employer.mappings[0].targetObjectType', message: expect.stringMatching(/salesforce\/Partner is not declared in types\.Company\.objects/) }]);
    expect(errors(withRelation({ target: 'Company', rule: { strategy: 'loudest' }, mappings: [] }))[0]!.path).toBe('types.Customer.relations.employer.rule.strategy');
    // The inverse list name must be free on the target: not a field, and not another relation's list.
    expect(errors(withRelation({ target: 'Company', inverse: 'name', mappings: [] }))).toEqual([{ path: 'types.Customer.relations.employer.inverse', message: expect.stringMatching(/'name' is taken on Company/) }]);
    const both = { ...DEFAULT_MAPPING_CONFIG, types: { ...DEFAULT_MAPPING_CONFIG.types, Customer: { ...DEFAULT_MAPPING_CONFIG.types.Customer!, relations: {
      ...DEFAULT_MAPPING_CONFIG.types.Customer!.relations, employer: { target: 'Company', inverse: 'customers', mappings: [] } } } } };
    expect(errors(both)).toEqual([{ path: 'types.Customer.relations.employer.inverse', message: expect.stringMatching(/'customers' is taken on Company/) }]);
    const clash = { ...DEFAULT_MAPPING_CONFIG, types: { ...DEFAULT_MAPPING_CONFIG.types, Customer: { ...DEFAULT_MAPPING_CONFIG.types.Customer!, relations: { email: { target: 'Company', mappings: [] } } } } };
    expect(errors(clash)).toEqual([{ path: 'types.Customer.relations.email', message: expect.stringMatching(/taken by the field Customer\.email/) }]);
  });
});
