/** Golden Customer ← Salesforce Contact + HubSpot contacts + Pipedrive persons + Dynamics 365 contacts + Zoho CRM Contacts. */
import type { MappingConfigInput } from '../mapping/schema.ts';
import { dynamics, from, hubspot, pipedrive, salesforce, zoho } from './objects.ts';
import { hubspotAnalyticsSourceValues, hubspotLifecycleStageValues, salesforceLeadSourceValues } from './picklists.ts';

const SF = 'salesforce';
const HS = 'hubspot';
const C = 'Contact';
const H = 'contacts';
const PD = 'pipedrive';
const P = 'persons';
const DY = 'dynamics';
const D = 'contacts';
const ZO = 'zoho';
const Z = 'Contacts';
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
// Dynamics and Zoho contacts carry what Salesforce contacts do, under their own names (Dataverse's address1_*: the
// first address; Zoho's Mailing_*).
const text = (names: { sf?: string; hs?: string; pd?: string; dy?: string; zo?: string }) => ({
  type: 'String' as const,
  quality: ['trim-whitespace'],
  mappings: [
    ...(names.sf ? [from(SF, C, names.sf)] : []), ...(names.hs ? [from(HS, H, names.hs)] : []), ...(names.pd ? [from(PD, P, names.pd)] : []),
    ...(names.dy ? [from(DY, D, names.dy)] : []), ...(names.zo ? [from(ZO, Z, names.zo)] : []),
  ],
});

export const defaultCustomerType: MappingConfigInput['types'][string] = {
  description: 'A person, merged from every CRM contact linked to them.',
  objects: [salesforce(C), hubspot(H), pipedrive(P), dynamics(D), zoho(Z)],
  // National phone numbers ('0113 496 0654') are read in the record's own mailing country; Pipedrive persons have none
  // and fall back to defaultRegion.
  countryField: 'mailingCountry',
  fields: {
    email: { ...text({ sf: 'Email', hs: 'email', pd: 'email', dy: 'emailaddress1', zo: 'Email' }), compareAs: 'email', quality: ['trim-whitespace', 'email-syntax'] },
    firstName: text({ sf: 'FirstName', hs: 'firstname', pd: 'first_name', dy: 'firstname', zo: 'First_Name' }),
    lastName: text({ sf: 'LastName', hs: 'lastname', pd: 'last_name', dy: 'lastname', zo: 'Last_Name' }),
    phone: { type: 'String', compareAs: 'phone', quality: phoneQuality, mappings: [from(SF, C, 'Phone', phone), from(HS, H, 'phone', phone), from(PD, P, 'phone', phone), from(DY, D, 'telephone1', phone), from(ZO, Z, 'Phone', phone)] },
    mobilePhone: { type: 'String', compareAs: 'phone', quality: phoneQuality, mappings: [from(SF, C, 'MobilePhone', phone), from(HS, H, 'mobilephone', phone), from(DY, D, 'mobilephone', phone), from(ZO, Z, 'Mobile', phone)] },
    // Sales keeps titles current in Salesforce; HubSpot's often come from an old form fill.
    title: { ...text({ sf: 'Title', hs: 'jobtitle', dy: 'jobtitle', zo: 'Title' }), rule: { strategy: 'source-priority', sourcePriority: [SF, DY, ZO, HS] } },
    department: text({ sf: 'Department', dy: 'department', zo: 'Department' }),
    mailingStreet: text({ sf: 'MailingStreet', hs: 'address', dy: 'address1_line1', zo: 'Mailing_Street' }),
    mailingCity: text({ sf: 'MailingCity', hs: 'city', dy: 'address1_city', zo: 'Mailing_City' }),
    mailingState: text({ sf: 'MailingState', hs: 'state', dy: 'address1_stateorprovince', zo: 'Mailing_State' }),
    mailingPostalCode: text({ sf: 'MailingPostalCode', hs: 'zip', dy: 'address1_postalcode', zo: 'Mailing_Zip' }),
    mailingCountry: { ...text({ sf: 'MailingCountry', hs: 'country', dy: 'address1_country', zo: 'Mailing_Country' }), quality: ['trim-whitespace', 'country-code'] },
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
        from(ZO, Z, 'Email_Opt_Out', { name: 'boolean', options: { writeAs: 'boolean' } }),
      ],
    },
  },
  relations: {
    company: {
      target: 'Company',
      inverse: 'customers',
      description: 'The company this person works for: the golden company their CRM records point to.',
      // Sales sets a contact's account by hand; HubSpot associates a contact with a company by its email domain.
      rule: { strategy: 'source-priority', sourcePriority: [SF, DY, PD, ZO, HS] },
      mappings: [
        { crm: SF, objectType: C, from: 'AccountId', targetObjectType: 'Account' },
        // Dataverse's parentcustomerid may name an account or a contact; only an account is a company.
        { crm: DY, objectType: D, from: 'parentcustomerid', targetObjectType: 'accounts' },
        // Zoho's Account_Name is a lookup to Accounts (read as the account's id).
        { crm: ZO, objectType: Z, from: 'Account_Name', targetObjectType: 'Accounts' },
        { crm: HS, objectType: H, from: 'associatedcompanyid', targetObjectType: 'companies' },
        { crm: PD, objectType: P, from: 'org_id', targetObjectType: 'organizations' },
      ],
    },
  },
};
