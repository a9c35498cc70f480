import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG, DEFAULT_MAPPING_CONFIG_INPUT } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { validateMappingConfig } from '../../../resolver-engine/mapping/validate-mapping-config.ts';

describe('default mapping configuration', () => {
  it('is valid, and survives a JSON round trip (it is stored in the database as JSON)', () => {
    expect(validateMappingConfig(DEFAULT_MAPPING_CONFIG_INPUT)).toMatchObject({ ok: true });
    expect(validateMappingConfig(JSON.parse(JSON.stringify(DEFAULT_MAPPING_CONFIG)))).toMatchObject({ ok: true });
  });

  it('has the golden fields the product promises', () => {
    expect(Object.keys(DEFAULT_MAPPING_CONFIG.types.Customer!.fields)).toEqual([
      'email', 'firstName', 'lastName', 'phone', 'mobilePhone', 'title', 'department', 'mailingStreet', 'mailingCity',
      'mailingState', 'mailingPostalCode', 'mailingCountry', 'companyName', 'lifecycleStage', 'leadSource', 'emailOptOut',
    ]);
    expect(Object.keys(DEFAULT_MAPPING_CONFIG.types.Company!.fields)).toEqual([
      'name', 'domain', 'industry', 'annualRevenue', 'employees', 'phone', 'street', 'city', 'state', 'postalCode', 'country',
    ]);
    expect(Object.keys(DEFAULT_MAPPING_CONFIG.types.Deal!.fields)).toEqual(['name', 'amount', 'stage', 'closeDate', 'companyName']);
  });

  it('uses the per-field rules the product documents', () => {
    const fields = DEFAULT_MAPPING_CONFIG.types.Customer!.fields;
    expect(fields.lifecycleStage!.rule).toMatchObject({ strategy: 'source-priority', sourcePriority: ['hubspot', 'salesforce'] });
    expect(fields.title!.rule).toMatchObject({ strategy: 'source-priority', sourcePriority: ['salesforce', 'hubspot'] });
    expect(fields.emailOptOut!.rule).toEqual({ strategy: 'custom', function: 'anyTrue' });
    expect(fields.email!.rule).toBeUndefined();
    expect(DEFAULT_MAPPING_CONFIG.defaultRule.strategy).toBe('last-write-wins');
  });

  it('reads modification times from the right native field per object', () => {
    const objects = (type: string) => DEFAULT_MAPPING_CONFIG.types[type]!.objects.map((o) => [o.objectType, o.modifiedAtFields]);
    expect(objects('Customer')).toEqual([['Contact', ['SystemModstamp', 'LastModifiedDate']], ['contacts', ['lastmodifieddate']]]);
    expect(objects('Company')).toEqual([['Account', ['SystemModstamp', 'LastModifiedDate']], ['companies', ['hs_lastmodifieddate']]]);
    expect(objects('Deal')).toEqual([['Opportunity', ['SystemModstamp', 'LastModifiedDate']], ['deals', ['hs_lastmodifieddate']]]);
  });
});
