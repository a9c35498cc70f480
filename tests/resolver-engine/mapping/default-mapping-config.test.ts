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
    expect(fields.title!.rule).toMatchObject({ strategy: 'source-priority', sourcePriority: ['salesforce', 'dynamics', 'zoho', 'hubspot'] });
    expect(fields.emailOptOut!.rule).toEqual({ strategy: 'custom', function: 'anyTrue' });
    expect(fields.email!.rule).toBeUndefined();
    expect(DEFAULT_MAPPING_CONFIG.defaultRule.strategy).toBe('last-write-wins');
  });

  it('reads modification times from the right native field per object', () => {
    const objects = (type: string) => DEFAULT_MAPPING_CONFIG.types[type]!.objects.map((o) => [o.crm, o.objectType, o.modifiedAtFields]);
    const pipedrive = (objectType: string) => ['pipedrive', objectType, ['update_time']];
    const dynamics = (objectType: string) => ['dynamics', objectType, ['modifiedon']];
    const zoho = (objectType: string) => ['zoho', objectType, ['Modified_Time']];
    expect(objects('Customer')).toEqual([['salesforce', 'Contact', ['SystemModstamp', 'LastModifiedDate']], ['hubspot', 'contacts', ['lastmodifieddate']], pipedrive('persons'), dynamics('contacts'), zoho('Contacts')]);
    expect(objects('Company')).toEqual([['salesforce', 'Account', ['SystemModstamp', 'LastModifiedDate']], ['hubspot', 'companies', ['hs_lastmodifieddate']], pipedrive('organizations'), dynamics('accounts'), zoho('Accounts')]);
    expect(objects('Deal')).toEqual([['salesforce', 'Opportunity', ['SystemModstamp', 'LastModifiedDate']], ['hubspot', 'deals', ['hs_lastmodifieddate']], pipedrive('deals'), dynamics('opportunities'), zoho('Deals')]);
  });

  it('maps Pipedrive persons, organizations and deals where they hold the golden field', () => {
    const sources = (type: string, field: string) =>
      DEFAULT_MAPPING_CONFIG.types[type]!.fields[field]!.mappings.filter((m) => m.crm === 'pipedrive').map((m) => [m.objectType, m.from.join('+')]);
    expect(sources('Customer', 'email')).toEqual([['persons', 'email']]);
    expect(sources('Customer', 'phone')).toEqual([['persons', 'phone']]);
    expect(sources('Customer', 'title')).toEqual([]);
    expect(sources('Company', 'name')).toEqual([['organizations', 'name']]);
    expect(sources('Deal', 'amount')).toEqual([['deals', 'value']]);
    expect(sources('Deal', 'closeDate')).toEqual([['deals', 'expected_close_date']]);
  });

  it('maps Dynamics 365 contacts, accounts and opportunities under Dataverse names, their lookups as relations', () => {
    const sources = (type: string, field: string) =>
      DEFAULT_MAPPING_CONFIG.types[type]!.fields[field]!.mappings.filter((m) => m.crm === 'dynamics').map((m) => [m.objectType, m.from.join('+')]);
    expect(sources('Customer', 'email')).toEqual([['contacts', 'emailaddress1']]);
    expect(sources('Customer', 'phone')).toEqual([['contacts', 'telephone1']]);
    expect(sources('Customer', 'mailingPostalCode')).toEqual([['contacts', 'address1_postalcode']]);
    expect(sources('Company', 'domain')).toEqual([['accounts', 'websiteurl']]);
    expect(sources('Deal', 'amount')).toEqual([['opportunities', 'estimatedvalue']]);
    // The connector's synthetic stage_name (Won / Lost, else the sales stage) through a picklist both ways.
    expect(sources('Deal', 'stage')).toEqual([['opportunities', 'stage_name']]);
    const stage = DEFAULT_MAPPING_CONFIG.types.Deal!.fields.stage!.mappings.find((m) => m.crm === 'dynamics')!;
    expect(stage.converter).toMatchObject({ name: 'picklist', options: { values: { Qualify: 'Qualification', Close: 'Negotiation/Review', Won: 'Closed Won', Lost: 'Closed Lost' } } });
    expect(stage.writable).toBe(true);
    const relation = (type: string, name: string) =>
      DEFAULT_MAPPING_CONFIG.types[type]!.relations[name]!.mappings.filter((m) => m.crm === 'dynamics').map((m) => [m.objectType, m.from, m.targetObjectType]);
    expect(relation('Customer', 'company')).toEqual([['contacts', 'parentcustomerid', 'accounts']]);
    expect(relation('Deal', 'contact')).toEqual([['opportunities', 'parentcontactid', 'contacts']]);
  });

  it('maps Zoho CRM Contacts, Accounts and Deals under their API names, the Account_Name and Contact_Name lookups as relations', () => {
    const sources = (type: string, field: string) =>
      DEFAULT_MAPPING_CONFIG.types[type]!.fields[field]!.mappings.filter((m) => m.crm === 'zoho').map((m) => [m.objectType, m.from.join('+')]);
    expect(sources('Customer', 'email')).toEqual([['Contacts', 'Email']]);
    expect(sources('Customer', 'mobilePhone')).toEqual([['Contacts', 'Mobile']]);
    expect(sources('Customer', 'mailingPostalCode')).toEqual([['Contacts', 'Mailing_Zip']]);
    expect(sources('Customer', 'emailOptOut')).toEqual([['Contacts', 'Email_Opt_Out']]);
    expect(sources('Company', 'name')).toEqual([['Accounts', 'Account_Name']]);
    expect(sources('Company', 'postalCode')).toEqual([['Accounts', 'Billing_Code']]);
    expect(sources('Deal', 'closeDate')).toEqual([['Deals', 'Closing_Date']]);
    // One picklist, closed stages included: both losses are a golden Closed Lost, written back as the plain one.
    const stage = DEFAULT_MAPPING_CONFIG.types.Deal!.fields.stage!.mappings.find((m) => m.crm === 'zoho')!;
    expect(stage.from).toEqual(['Stage']);
    expect(stage.converter).toMatchObject({ name: 'picklist', options: {
      values: { 'Identify Decision Makers': 'Id. Decision Makers', 'Closed Lost to Competition': 'Closed Lost' },
      reverse: { 'Closed Lost': 'Closed Lost', Prospecting: 'Qualification' },
    } });
    const relation = (type: string, name: string) =>
      DEFAULT_MAPPING_CONFIG.types[type]!.relations[name]!.mappings.filter((m) => m.crm === 'zoho').map((m) => [m.objectType, m.from, m.targetObjectType]);
    expect(relation('Customer', 'company')).toEqual([['Contacts', 'Account_Name', 'Accounts']]);
    expect(relation('Deal', 'company')).toEqual([['Deals', 'Account_Name', 'Accounts']]);
    expect(relation('Deal', 'contact')).toEqual([['Deals', 'Contact_Name', 'Contacts']]);
  });
});
