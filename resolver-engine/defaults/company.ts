/** Golden Company ← Salesforce Account + HubSpot companies + Pipedrive organizations (their name). */
import type { MappingConfigInput } from '../mapping/schema.ts';
import { from, hubspot, pipedrive, salesforce } from './objects.ts';
import { hubspotIndustryReverse, hubspotIndustryValues } from './picklists.ts';

const SF = 'salesforce';
const HS = 'hubspot';
const A = 'Account';
const H = 'companies';
const pair = (type: 'String' | 'Int' | 'Float', sf: string, hs: string, sfConverter?: { name: string; options?: Record<string, unknown> }, hsConverter?: { name: string; options?: Record<string, unknown> }) => ({
  type,
  quality: type === 'String' ? ['trim-whitespace'] : [],
  mappings: [from(SF, A, sf, sfConverter), from(HS, H, hs, hsConverter)],
});

export const defaultCompanyType: MappingConfigInput['types'][string] = {
  description: 'An organisation, merged from every CRM account or company linked to it.',
  objects: [salesforce(A), hubspot(H), pipedrive('organizations')],
  // National phone numbers are read in the company's own billing country, as a customer's in its mailing country.
  countryField: 'country',
  fields: {
    name: { ...pair('String', 'Name', 'name'), mappings: [from(SF, A, 'Name'), from(HS, H, 'name'), from('pipedrive', 'organizations', 'name')] },
    domain: pair('String', 'Website', 'domain', { name: 'domain' }, { name: 'domain' }),
    industry: pair('String', 'Industry', 'industry', { name: 'identity' }, {
      name: 'picklist', options: { values: hubspotIndustryValues, reverse: hubspotIndustryReverse, unmapped: 'passthrough' },
    }),
    annualRevenue: pair('Float', 'AnnualRevenue', 'annualrevenue', { name: 'number' }, { name: 'number', options: { writeAs: 'string' } }),
    employees: pair('Int', 'NumberOfEmployees', 'numberofemployees', { name: 'number' }, { name: 'number', options: { writeAs: 'string' } }),
    phone: { ...pair('String', 'Phone', 'phone', { name: 'phone' }, { name: 'phone' }), compareAs: 'phone' },
    street: pair('String', 'BillingStreet', 'address'),
    city: pair('String', 'BillingCity', 'city'),
    state: pair('String', 'BillingState', 'state'),
    postalCode: pair('String', 'BillingPostalCode', 'zip'),
    country: { ...pair('String', 'BillingCountry', 'country'), quality: ['trim-whitespace', 'country-code'] },
  },
};
