import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG as config } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { mapFromGolden } from '../../../resolver-engine/mapping/map-from-golden.ts';
import { collectCandidates, mapToGolden } from '../../../resolver-engine/mapping/map-to-golden.ts';
import { requiredNativeFields, requiresSelection } from '../../../resolver-engine/mapping/required-native-fields.ts';

const sfContact = {
  Id: '003A', Email: 'Ada@Acme.test', FirstName: 'Ada', LastName: 'Lovelace', Phone: '(415) 555-0132', Title: 'CTO',
  Account: { Name: 'Acme' }, LeadSource: 'Web', HasOptedOutOfEmail: false,
  SystemModstamp: '2024-05-02T08:00:00.000+0000', LastModifiedDate: '2024-05-01T08:00:00.000+0000',
};
const hsContact = {
  id: '51', email: 'ada@acme.test', firstname: 'Ada', phone: '+1 415 555 0132', jobtitle: 'Chief Technology Officer',
  lifecyclestage: 'customer', hs_analytics_source: 'PAID_SEARCH', hs_email_optout: 'true', company: 'Acme Inc',
  lastmodifieddate: '2024-05-03T08:00:00.000Z',
};

describe('mapToGolden', () => {
  it('turns a Salesforce Contact into candidates with converted values, source and modification time', () => {
    const candidates = mapToGolden(config, 'Customer', 'salesforce', 'Contact', sfContact);
    const source = { crm: 'salesforce', objectType: 'Contact', recordId: '003A' };
    const modifiedAt = new Date('2024-05-02T08:00:00.000Z');
    expect(candidates.phone).toEqual({ value: '+14155550132', source, modifiedAt, status: 'ok' });
    expect(candidates.companyName!.value).toBe('Acme');
    expect(candidates.emailOptOut!.value).toBe(false);
    expect(candidates.leadSource!.value).toBe('Web');
    expect(candidates.lifecycleStage).toBeUndefined(); // Salesforce does not map it
    expect(candidates.mobilePhone!.value).toBeNull(); // mapped, but absent from the record
  });

  it('translates HubSpot picklists, strings-as-booleans and uses lastmodifieddate', () => {
    const candidates = mapToGolden(config, 'Customer', 'hubspot', 'contacts', hsContact);
    expect(candidates.lifecycleStage!.value).toBe('Customer');
    expect(candidates.leadSource!.value).toBe('Web');
    expect(candidates.emailOptOut!.value).toBe(true);
    expect(candidates.email!.modifiedAt).toEqual(new Date('2024-05-03T08:00:00.000Z'));
  });

  it('prefers field-level modification times when the CRM supplies them', () => {
    const candidates = mapToGolden(config, 'Customer', 'hubspot', 'contacts', hsContact, { fieldModifiedAt: { phone: '2024-01-01T00:00:00.000Z' } });
    expect(candidates.phone!.modifiedAt).toEqual(new Date('2024-01-01T00:00:00.000Z'));
    expect(candidates.email!.modifiedAt).toEqual(new Date('2024-05-03T08:00:00.000Z'));
  });

  it('flags a value that cannot be converted instead of dropping it silently', () => {
    const candidates = mapToGolden(config, 'Deal', 'hubspot', 'deals', { id: '7', amount: 'lots', dealstage: 'closedwon', hs_lastmodifieddate: '2024-05-03T08:00:00.000Z' });
    expect(candidates.amount).toMatchObject({ value: null, issues: [{ code: 'CONVERSION_FAILED', message: expect.stringContaining("'lots'") }] });
    expect(candidates.stage!.value).toBe('Closed Won');
  });

  it('collects candidates of several records, marking unavailable sources', () => {
    const byField = collectCandidates(config, 'Customer', [
      { crm: 'salesforce', objectType: 'Contact', record: sfContact },
      { crm: 'hubspot', objectType: 'contacts', recordId: '51', unavailable: true },
    ]);
    expect(byField.email!.map((c) => c.status)).toEqual(['ok', 'unavailable']);
    expect(byField.lifecycleStage!.map((c) => c.status)).toEqual(['unavailable']);
  });
});

describe('mapFromGolden', () => {
  it('reverses converters into each CRM wire form and skips what cannot be written', () => {
    const golden = { stage: 'Needs Analysis', closeDate: '2024-05-01', amount: 1200.5, companyName: 'Acme', nope: 1 };
    expect(mapFromGolden(config, 'Deal', 'hubspot', 'deals', golden)).toEqual({
      values: { dealstage: 'qualifiedtobuy', closedate: '1714521600000', amount: '1200.5' },
      skipped: [{ field: 'nope', reason: expect.stringContaining('not a field') }],
    });
    const sf = mapFromGolden(config, 'Deal', 'salesforce', 'Opportunity', golden);
    expect(sf.values).toEqual({ StageName: 'Needs Analysis', CloseDate: '2024-05-01', Amount: 1200.5 });
    expect(sf.skipped.map((s) => s.field)).toEqual(['companyName', 'nope']);
    expect(mapFromGolden(config, 'Customer', 'hubspot', 'contacts', { emailOptOut: true, lifecycleStage: 'Sales Qualified Lead' }).values)
      .toEqual({ hs_email_optout: 'true', lifecyclestage: 'salesqualifiedlead' });
  });
});

describe('requiredNativeFields', () => {
  it('lists mapped native fields plus modification-time fields, one list per type and CRM', () => {
    const sf = requiredNativeFields(config, 'Customer', 'salesforce');
    expect(sf).toContain('Account.Name');
    expect(sf).toContain('SystemModstamp');
    expect(sf).toContain('HasOptedOutOfEmail');
    expect(sf).not.toContain('Id');
    expect(requiredNativeFields(config, 'Deal', 'hubspot')).toEqual(['amount', 'associatedcompanyid', 'associatedcontactid', 'closedate', 'dealname', 'dealstage', 'hs_lastmodifieddate']);
    expect(requiredNativeFields(config, 'Deal', 'hubspot', { includeIdField: true })).toContain('id');
  });
  it('renders a selection for @requires', () => {
    expect(requiresSelection(['Email', 'Account.Name', 'Account.Id', 'Title'])).toBe('Account { Id Name } Email Title');
  });
});
