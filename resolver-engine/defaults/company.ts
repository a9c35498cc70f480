/** Golden Company ← Salesforce Account + HubSpot companies + Pipedrive organizations (their name) + Dynamics 365 accounts. */
import type { MappingConfigInput } from '../mapping/schema.ts';
import { dynamics, from, hubspot, pipedrive, salesforce } from './objects.ts';
import { hubspotIndustryReverse, hubspotIndustryValues } from './picklists.ts';

const SF = 'salesforce';
const HS = 'hubspot';
const A = 'Account';
const H = 'companies';
const DY = 'dynamics';
const D = 'accounts';
type Converter = { name: string; options?: Record<string, unknown> };
/** A field Salesforce and HubSpot both hold, and Dynamics 365 accounts too when `dy` names it. */
const pair = (type: 'String' | 'Int' | 'Float', sf: string, hs: string, sfConverter?: Converter, hsConverter?: Converter, dy?: string) => ({
  type,
  quality: type === 'String' ? ['trim-whitespace'] : [],
  mappings: [from(SF, A, sf, sfConverter), from(HS, H, hs, hsConverter), ...(dy ? [from(DY, D, dy, sfConverter)] : [])],
});

export const defaultCompanyType: MappingConfigInput['types'][string] = {
  description: 'An organisation, merged from every CRM account or company linked to it.',
  objects: [salesforce(A), hubspot(H), pipedrive('organizations'), dynamics(D)],
  // National phone numbers are read in the company's own billing country, as a customer's in its mailing country.
  countryField: 'country',
  fields: {
    name: { ...pair('String', 'Name', 'name'), mappings: [from(SF, A, 'Name'), from(HS, H, 'name'), from('pipedrive', 'organizations', 'name'), from(DY, D, 'name')] },
    domain: pair('String', 'Website', 'domain', { name: 'domain' }, { name: 'domain' }, 'websiteurl'),
    industry: pair('String', 'Industry', 'industry', { name: 'identity' }, {
      name: 'picklist', options: { values: hubspotIndustryValues, reverse: hubspotIndustryReverse, unmapped: 'passthrough' },
    }),
    annualRevenue: pair('Float', 'AnnualRevenue', 'annualrevenue', { name: 'number' }, { name: 'number', options: { writeAs: 'string' } }, 'revenue'),
    employees: pair('Int', 'NumberOfEmployees', 'numberofemployees', { name: 'number' }, { name: 'number', options: { writeAs: 'string' } }, 'numberofemployees'),
    phone: { ...pair('String', 'Phone', 'phone', { name: 'phone' }, { name: 'phone' }, 'telephone1'), compareAs: 'phone' },
    street: pair('String', 'BillingStreet', 'address', undefined, undefined, 'address1_line1'),
    city: pair('String', 'BillingCity', 'city', undefined, undefined, 'address1_city'),
    state: pair('String', 'BillingState', 'state', undefined, undefined, 'address1_stateorprovince'),
    postalCode: pair('String', 'BillingPostalCode', 'zip', undefined, undefined, 'address1_postalcode'),
    country: { ...pair('String', 'BillingCountry', 'country', undefined, undefined, 'address1_country'), quality: ['trim-whitespace', 'country-code'] },
  },
};
