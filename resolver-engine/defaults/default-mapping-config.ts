/**
 * The configuration the product ships with: Salesforce (Contact, Account, Opportunity), HubSpot
 * (contacts, companies, deals), Pipedrive (persons, organizations, deals) and Dynamics 365 (contacts, accounts, opportunities) and Zoho CRM (Contacts, Accounts, Deals). It is plain data (the database stores it as the first mapping version);
 * DEFAULT_MAPPING_CONFIG is that data validated, so a broken default fails at import, not at query time.
 */
import type { MappingConfig, MappingConfigInput } from '../mapping/schema.ts';
import { parseMappingConfig } from '../mapping/validate-mapping-config.ts';
import { defaultCompanyType } from './company.ts';
import { defaultCustomerType } from './customer.ts';
import { defaultDealType } from './deal.ts';

export const DEFAULT_MAPPING_CONFIG_INPUT: MappingConfigInput = {
  version: 1,
  defaultRegion: 'US',
  clockSkewToleranceMs: 1000,
  // Ties and source-priority rules without their own order prefer the system of record for sales.
  sourcePriority: ['salesforce', 'hubspot', 'pipedrive', 'dynamics', 'zoho'],
  defaultRule: { strategy: 'last-write-wins' },
  types: {
    Customer: defaultCustomerType,
    Company: defaultCompanyType,
    Deal: defaultDealType,
  },
};

export const DEFAULT_MAPPING_CONFIG: MappingConfig = parseMappingConfig(DEFAULT_MAPPING_CONFIG_INPUT);
