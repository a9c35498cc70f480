/** Golden Company ← Salesforce Account + HubSpot companies + Pipedrive organizations (their name) + Dynamics 365 accounts + Zoho CRM Accounts. */
import type { MappingConfigInput } from '../mapping/schema.ts';
import { dynamics, from, hubspot, pipedrive, salesforce, zoho } from './objects.ts';
import { hubspotIndustryReverse, hubspotIndustryValues } from './picklists.ts';

const SF = 'salesforce';
const HS = 'hubspot';
const A = 'Account';
const H = 'companies';
const DY = 'dynamics';
const D = 'accounts';
const ZO = 'zoho';
const Z = 'Accounts';
type Converter = { name: string; options?: Record<string, unknown> };
/**
 * A field Salesforce and HubSpot both hold, and Dynamics 365 and Zoho accounts too when `others` names theirs. Dynamics
 * and Zoho hold numbers and websites as Salesforce does, so they take its converter.
 */
const pair = (type: 'String' | 'Int' | 'Float', sf: string, hs: string, sfConverter?: Converter, hsConverter?: Converter, others: { dy?: string; zo?: string } = {}) => ({
  type,
  quality: type === 'String' ? ['trim-whitespace'] : [],
  mappings: [
    from(SF, A, sf, sfConverter), from(HS, H, hs, hsConverter),
    ...(others.dy ? [from(DY, D, others.dy, sfConverter)] : []), ...(others.zo ? [from(ZO, Z, others.zo, sfConverter)] : []),
  ],
});

export const defaultCompanyType: MappingConfigInput['types'][string] = {
  description: 'An organisation, merged from every CRM account or company linked to it.',
  objects: [salesforce(A), hubspot(H), pipedrive('organizations'), dynamics(D), zoho(Z)],
  // National phone numbers are read in the company's own billing country, as a customer's in its mailing country.
  countryField: 'country',
  fields: {
    name: { ...pair('String', 'Name', 'name'), mappings: [from(SF, A, 'Name'), from(HS, H, 'name'), from('pipedrive', 'organizations', 'name'), from(DY, D, 'name'), from(ZO, Z, 'Account_Name')] },
    domain: pair('String', 'Website', 'domain', { name: 'domain' }, { name: 'domain' }, { dy: 'websiteurl', zo: 'Website' }),
    industry: pair('String', 'Industry', 'industry', { name: 'identity' }, {
      name: 'picklist', options: { values: hubspotIndustryValues, reverse: hubspotIndustryReverse, unmapped: 'passthrough' },
    }),
    annualRevenue: pair('Float', 'AnnualRevenue', 'annualrevenue', { name: 'number' }, { name: 'number', options: { writeAs: 'string' } }, { dy: 'revenue', zo: 'Annual_Revenue' }),
    employees: pair('Int', 'NumberOfEmployees', 'numberofemployees', { name: 'number' }, { name: 'number', options: { writeAs: 'string' } }, { dy: 'numberofemployees', zo: 'Employees' }),
    phone: { ...pair('String', 'Phone', 'phone', { name: 'phone' }, { name: 'phone' }, { dy: 'telephone1', zo: 'Phone' }), compareAs: 'phone' },
    street: pair('String', 'BillingStreet', 'address', undefined, undefined, { dy: 'address1_line1', zo: 'Billing_Street' }),
    city: pair('String', 'BillingCity', 'city', undefined, undefined, { dy: 'address1_city', zo: 'Billing_City' }),
    state: pair('String', 'BillingState', 'state', undefined, undefined, { dy: 'address1_stateorprovince', zo: 'Billing_State' }),
    postalCode: pair('String', 'BillingPostalCode', 'zip', undefined, undefined, { dy: 'address1_postalcode', zo: 'Billing_Code' }),
    country: { ...pair('String', 'BillingCountry', 'country', undefined, undefined, { dy: 'address1_country', zo: 'Billing_Country' }), quality: ['trim-whitespace', 'country-code'] },
  },
};
