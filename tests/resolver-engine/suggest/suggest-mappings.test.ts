import { describe, expect, it } from 'vitest';
import { DEFAULT_MAPPING_CONFIG } from '../../../resolver-engine/defaults/default-mapping-config.ts';
import { canonicalName } from '../../../resolver-engine/suggest/canonical-name.ts';
import type { NativeFieldDescription } from '../../../resolver-engine/suggest/suggest-mappings.ts';
import { bestAssignment, goldenFieldsOf, suggestMappings } from '../../../resolver-engine/suggest/suggest-mappings.ts';

const hubspotContacts: NativeFieldDescription[] = [
  { name: 'email', label: 'Email', type: 'string', fieldType: 'text' },
  { name: 'firstname', label: 'First Name', type: 'string', fieldType: 'text' },
  { name: 'lastname', label: 'Last Name', type: 'string', fieldType: 'text' },
  { name: 'phone', label: 'Phone Number', type: 'string', fieldType: 'phonenumber' },
  { name: 'mobilephone', label: 'Mobile Phone Number', type: 'string', fieldType: 'phonenumber' },
  { name: 'jobtitle', label: 'Job Title', type: 'string', fieldType: 'text' },
  { name: 'company', label: 'Company Name', type: 'string', fieldType: 'text' },
  { name: 'address', label: 'Street Address', type: 'string', fieldType: 'text' },
  { name: 'city', label: 'City', type: 'string', fieldType: 'text' },
  { name: 'state', label: 'State/Region', type: 'string', fieldType: 'text' },
  { name: 'zip', label: 'Postal Code', type: 'string', fieldType: 'text' },
  { name: 'country', label: 'Country/Region', type: 'string', fieldType: 'text' },
  { name: 'lifecyclestage', label: 'Lifecycle Stage', type: 'enumeration', fieldType: 'radio' },
  { name: 'hs_email_optout', label: 'Unsubscribed from all email', type: 'enumeration', fieldType: 'booleancheckbox' },
  { name: 'createdate', label: 'Create Date', type: 'datetime', fieldType: 'date' },
  { name: 'hs_object_id', label: 'Record ID', type: 'number', fieldType: 'number' },
];

const salesforceContact: NativeFieldDescription[] = [
  { name: 'Email', label: 'Email', type: 'email' },
  { name: 'FirstName', label: 'First Name', type: 'string' },
  { name: 'LastName', label: 'Last Name', type: 'string' },
  { name: 'Phone', label: 'Business Phone', type: 'phone' },
  { name: 'MobilePhone', label: 'Mobile Phone', type: 'phone' },
  { name: 'Title', label: 'Title', type: 'string' },
  { name: 'Department', label: 'Department', type: 'string' },
  { name: 'MailingStreet', label: 'Mailing Street', type: 'textarea' },
  { name: 'MailingCity', label: 'Mailing City', type: 'string' },
  { name: 'MailingState', label: 'Mailing State/Province', type: 'string' },
  { name: 'MailingPostalCode', label: 'Mailing Zip/Postal Code', type: 'string' },
  { name: 'MailingCountry', label: 'Mailing Country', type: 'string' },
  { name: 'LeadSource', label: 'Lead Source', type: 'picklist' },
  { name: 'HasOptedOutOfEmail', label: 'Email Opt Out', type: 'boolean' },
  { name: 'Birthdate', label: 'Birthdate', type: 'date' },
];

const customer = goldenFieldsOf(DEFAULT_MAPPING_CONFIG, 'Customer');
const assigned = (native: NativeFieldDescription[]) =>
  Object.fromEntries(bestAssignment(suggestMappings(native, customer)).map((s) => [s.goldenField, [s.nativeField, s.converter]]));

describe('canonicalName', () => {
  it('drops location prefixes, CRM prefixes and custom suffixes', () => {
    expect(canonicalName('MailingPostalCode')).toBe('postalcode');
    expect(canonicalName('hs_email_optout')).toBe('emailoptout');
    expect(canonicalName('Industry__c')).toBe('industry');
    expect(canonicalName('HasOptedOutOfEmail')).toBe('optedoutofemail');
  });
});

describe('suggestMappings', () => {
  it('pre-fills the HubSpot contact mapping through synonyms (zip ↔ postalCode, jobtitle ↔ title, company ↔ companyName)', () => {
    expect(assigned(hubspotContacts)).toMatchObject({
      email: ['email', 'identity'],
      firstName: ['firstname', 'identity'],
      lastName: ['lastname', 'identity'],
      phone: ['phone', 'phone'],
      mobilePhone: ['mobilephone', 'phone'],
      title: ['jobtitle', 'identity'],
      companyName: ['company', 'identity'],
      mailingStreet: ['address', 'identity'],
      mailingCity: ['city', 'identity'],
      mailingPostalCode: ['zip', 'identity'],
      mailingCountry: ['country', 'identity'],
      lifecycleStage: ['lifecyclestage', 'picklist'],
      emailOptOut: ['hs_email_optout', 'boolean'],
    });
  });

  it('pre-fills the Salesforce contact mapping', () => {
    expect(assigned(salesforceContact)).toMatchObject({
      email: ['Email', 'identity'],
      phone: ['Phone', 'phone'],
      title: ['Title', 'identity'],
      department: ['Department', 'identity'],
      mailingStreet: ['MailingStreet', 'identity'],
      mailingPostalCode: ['MailingPostalCode', 'identity'],
      leadSource: ['LeadSource', 'picklist'],
      emailOptOut: ['HasOptedOutOfEmail', 'boolean'],
    });
  });

  it('scores with reasons, and penalises incompatible types', () => {
    const [byLabel] = suggestMappings(hubspotContacts, [{ name: 'mailingPostalCode', type: 'String' }]);
    expect(byLabel).toMatchObject({ nativeField: 'zip', score: 1, reasons: ["label 'Postal Code' is 'mailingPostalCode'", expect.any(String)] });
    const [bySynonym] = suggestMappings([{ name: 'zip', type: 'string' }, { name: 'city', type: 'string' }], [{ name: 'mailingPostalCode', type: 'String' }]);
    expect(bySynonym).toMatchObject({ nativeField: 'zip', score: 0.9 });
    expect(bySynonym!.reasons[0]).toMatch(/synonym/);
    const wrongType = suggestMappings([{ name: 'Email', type: 'boolean' }], [{ name: 'email', type: 'String' }], { minScore: 0 });
    expect(wrongType[0]).toMatchObject({ score: 0.3, reasons: [expect.any(String), 'type boolean cannot fill String'] });
  });

  it('leaves out weak matches and maps Account ↔ Company', () => {
    expect(suggestMappings([{ name: 'Birthdate', type: 'date' }], [{ name: 'email', type: 'String' }])).toEqual([]);
    const [top] = suggestMappings([{ name: 'AccountName', type: 'string' }, { name: 'Title', type: 'string' }], [{ name: 'companyName', type: 'String' }]);
    expect(top).toMatchObject({ nativeField: 'AccountName', score: 0.9 });
  });
});

describe('native types a CRM adds (Pipedrive)', () => {
  it('fall back on the connector\'s normalised type: a varchar "Job title" is proposed for title, a monetary value for a Float', async () => {
    const { typeFit } = await import('../../../resolver-engine/suggest/native-types.ts');
    expect(typeFit('varchar', 'string')).toEqual({ scalars: ['String'], converter: 'identity' });
    expect(typeFit('monetary', 'currency')).toEqual({ scalars: ['Float'], converter: 'number' });
    expect(typeFit('enum', 'picklist')?.converter).toBe('picklist');
    expect(typeFit('varchar')).toBeNull();
    const persons: NativeFieldDescription[] = [
      { name: 'email', label: 'Email', type: 'varchar', fieldType: 'email' },
      { name: 'first_name', label: 'First name', type: 'varchar', fieldType: 'string' },
      { name: 'add_time', label: 'Created', type: 'datetime', fieldType: 'datetime' },
      { name: '52cb30fb9fdf3698b90a347ccf2d8a01fe18557d', label: 'Job title', type: 'varchar', fieldType: 'string' },
    ];
    const assigned = Object.fromEntries(bestAssignment(suggestMappings(persons, customer)).map((a) => [a.goldenField, a.nativeField]));
    expect(assigned.title).toBe('52cb30fb9fdf3698b90a347ccf2d8a01fe18557d');
    expect(assigned.email).toBe('email');
  });
});
