/** Golden Customer ← Salesforce Contact + HubSpot contacts + Pipedrive persons + Dynamics 365 contacts. */
import type { MappingConfigInput } from '../mapping/schema.ts';
import { dynamics, from, hubspot, pipedrive, salesforce } from './objects.ts';
import { hubspotAnalyticsSourceValues, hubspotLifecycleStageValues, salesforceLeadSourceValues } from './picklists.ts';

const SF = 'salesforce';
const HS = 'hubspot';
const C = 'Contact';
const H = 'contacts';
const PD = 'pipedrive';
const P = 'persons';
const DY = 'dynamics';
const D = 'contacts';
const phone = { name: 'phone' };
// A phone must be a valid number: on read the phone converter has already made it E.164 (so the rule only flags numbers
// no numbering plan allows), and a golden mutation with anything else is refused (BAD_USER_INPUT). A valid input is
// written back in E.164, as phone-parseable returns it, not as typed: '020 7946 0958' is only unambiguous with the
// customer's country, which the CRM record being written (HubSpot without a country, Pipedrive with none at all) may not
// hold, so a national number could be read back in another region; E.164 reads back as the same number everywhere and
// equals the golden value, so convergence sees nothing to fix.
// No trim-whitespace: phone-parseable trims itself, and a stray space in a typed number is no reason to refuse it.
const phoneQuality = ['phone-parseable'];
// Text fields are trimmed: copy-pasted values with stray spaces would otherwise read as conflicts.
// Pipedrive persons carry a name, their primary email and phone, and an organisation reference: no address or title.
// Dynamics contacts carry what Salesforce contacts do, under Dataverse's names (address1_*: the first address).
const text = (sf: string | null, hs: string | null, pd: string | null = null, dy: string | null = null) => ({
  type: 'String' as const,
  quality: ['trim-whitespace'],
  mappings: [...(sf ? [from(SF, C, sf)] : []), ...(hs ? [from(HS, H, hs)] : []), ...(pd ? [from(PD, P, pd)] : []), ...(dy ? [from(DY, D, dy)] : [])],
});

export const defaultCustomerType: MappingConfigInput['types'][string] = {
  description: 'A person, merged from every CRM contact linked to them.',
  objects: [salesforce(C), hubspot(H), pipedrive(P), dynamics(D)],
  // National phone numbers ('0113 496 0654') are read in the record's own mailing country; Pipedrive persons have none
  // and fall back to defaultRegion.
  countryField: 'mailingCountry',
  fields: {
    email: { ...text('Email', 'email', 'email', 'emailaddress1'), compareAs: 'email', quality: ['trim-whitespace', 'email-syntax'] },
    firstName: text('FirstName', 'firstname', 'first_name', 'firstname'),
    lastName: text('LastName', 'lastname', 'last_name', 'lastname'),
    phone: { type: 'String', compareAs: 'phone', quality: phoneQuality, mappings: [from(SF, C, 'Phone', phone), from(HS, H, 'phone', phone), from(PD, P, 'phone', phone), from(DY, D, 'telephone1', phone)] },
    mobilePhone: { type: 'String', compareAs: 'phone', quality: phoneQuality, mappings: [from(SF, C, 'MobilePhone', phone), from(HS, H, 'mobilephone', phone), from(DY, D, 'mobilephone', phone)] },
    // Sales keeps titles current in Salesforce; HubSpot's often come from an old form fill.
    title: { ...text('Title', 'jobtitle', null, 'jobtitle'), rule: { strategy: 'source-priority', sourcePriority: [SF, DY, HS] } },
    department: text('Department', null, null, 'department'),
    mailingStreet: text('MailingStreet', 'address', null, 'address1_line1'),
    mailingCity: text('MailingCity', 'city', null, 'address1_city'),
    mailingState: text('MailingState', 'state', null, 'address1_stateorprovince'),
    mailingPostalCode: text('MailingPostalCode', 'zip', null, 'address1_postalcode'),
    mailingCountry: { ...text('MailingCountry', 'country', null, 'address1_country'), quality: ['trim-whitespace', 'country-code'] },
    companyName: {
      type: 'String',
      // Account.Name is read through the Contact's relationship, so it cannot be written from here.
      mappings: [from(SF, C, 'Account.Name', undefined, false), from(HS, H, 'company')],
    },
    // Marketing owns the funnel stage, and HubSpot is where marketing works.
    lifecycleStage: {
      type: 'String',
      rule: { strategy: 'source-priority', sourcePriority: [HS, SF] },
      mappings: [from(HS, H, 'lifecyclestage', { name: 'picklist', options: { values: hubspotLifecycleStageValues } })],
    },
    leadSource: {
      type: 'String',
      mappings: [
        from(SF, C, 'LeadSource', { name: 'picklist', options: { values: salesforceLeadSourceValues, unmapped: 'passthrough' } }),
        from(HS, H, 'hs_analytics_source', { name: 'picklist', options: { values: hubspotAnalyticsSourceValues } }, false),
      ],
    },
    // Consent: one opt-out anywhere must win over a stale "false" elsewhere (custom function anyTrue).
    emailOptOut: {
      type: 'Boolean',
      rule: { strategy: 'custom', function: 'anyTrue' },
      mappings: [
        from(SF, C, 'HasOptedOutOfEmail', { name: 'boolean', options: { writeAs: 'boolean' } }),
        from(HS, H, 'hs_email_optout', { name: 'boolean', options: { writeAs: 'string' } }),
        from(DY, D, 'donotemail', { name: 'boolean', options: { writeAs: 'boolean' } }),
      ],
    },
  },
  relations: {
    company: {
      target: 'Company',
      inverse: 'customers',
      description: 'The company this person works for: the golden company their CRM records point to.',
      // Sales sets a contact's account by hand; HubSpot associates a contact with a company by its email domain.
      rule: { strategy: 'source-priority', sourcePriority: [SF, DY, PD, HS] },
      mappings: [
        { crm: SF, objectType: C, from: 'AccountId', targetObjectType: 'Account' },
        // Dataverse's parentcustomerid may name an account or a contact; only an account is a company.
        { crm: DY, objectType: D, from: 'parentcustomerid', targetObjectType: 'accounts' },
        { crm: HS, objectType: H, from: 'associatedcompanyid', targetObjectType: 'companies' },
        { crm: PD, objectType: P, from: 'org_id', targetObjectType: 'organizations' },
      ],
    },
  },
};
