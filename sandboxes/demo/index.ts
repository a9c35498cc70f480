/**
 * The built-in demo data set of the Salesforce, HubSpot, Pipedrive, Dynamics 365 and Zoho CRM sandboxes: a few hundred people,
 * most of them in both Salesforce and HubSpot with realistic conflicts, one sales division's people in Pipedrive too
 * one service division's in Dynamics 365 and the partner channel's in Zoho CRM, generated deterministically from a seed (no Math.random, no clock).
 * See README.md for the shape of the set.
 */
import { buildCompanies } from './companies.ts';
import { GeneratorContext } from './context.ts';
import { buildDeals } from './deals.ts';
import { type DynamicsDemoSeed, renderDynamics } from './dynamics-records.ts';
import { type HubSpotSeed, renderHubSpot } from './hubspot-records.ts';
import { buildPeople, peopleCounts } from './people.ts';
import { type PipedriveDemoSeed, renderPipedrive } from './pipedrive-records.ts';
import { type SalesforceSeed, renderSalesforce } from './salesforce-records.ts';
import { type ZohoDemoSeed, renderZoho } from './zoho-records.ts';
import { type DemoTruth, buildTruth } from './truth.ts';

export const DEFAULT_DEMO_CUSTOMERS = 300;
export const DEFAULT_DEMO_SEED = 20261101;

export interface DemoSeedOptions {
  /** Number of distinct real people (default 300). Companies ≈ customers / 5. */
  customers?: number;
  /** PRNG seed (default 20261101); the same seed always yields the same JSON. */
  seed?: number;
}

export interface DemoSeed {
  salesforce: SalesforceSeed;
  hubspot: HubSpotSeed;
  /** One sales division's persons, organizations and deals (records of people the other CRMs hold too). */
  pipedrive: PipedriveDemoSeed;
  /** One service division's contacts, accounts and opportunities (Dataverse rows of people the other CRMs hold too). */
  dynamics: DynamicsDemoSeed;
  /** The partner channel's Contacts, Accounts and Deals (Zoho records of people the other CRMs hold too). */
  zoho: ZohoDemoSeed;
  /** Which records are the same person/company/deal, and the conflicts planted between them. */
  truth: DemoTruth;
}

export function generateDemoSeed(options: DemoSeedOptions = {}): DemoSeed {
  const customers = options.customers ?? DEFAULT_DEMO_CUSTOMERS;
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  if (!Number.isInteger(customers) || customers < 0) throw new RangeError(`customers must be a non-negative integer, got ${customers}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const ctx = new GeneratorContext(seed);
  const companyCount = customers === 0 ? 0 : Math.max(1, Math.round(customers / 5));
  const leads = peopleCounts(customers).leads;
  const { companies, prospects } = buildCompanies(ctx, companyCount, leads === 0 ? 0 : Math.max(1, Math.round(leads * 0.8)));
  const people = buildPeople(ctx, customers, companies, prospects);
  const deals = buildDeals(ctx, companies, people);
  return {
    salesforce: renderSalesforce(companies, people, deals),
    hubspot: renderHubSpot(companies, people, deals),
    // Last, from a PRNG of its own: the Salesforce and HubSpot records are the same with or without it.
    pipedrive: renderPipedrive(seed, companies, people, deals),
    // Likewise from a PRNG of its own: the other three CRMs' records are the same with or without Dynamics.
    dynamics: renderDynamics(seed, companies, people, deals),
    // And Zoho: the other four CRMs' records are the same with or without it.
    zoho: renderZoho(seed, companies, people, deals),
    truth: buildTruth(seed, customers, companies, people, deals),
  };
}

/** The ground truth alone (same options as generateDemoSeed). */
export function demoGroundTruth(options: DemoSeedOptions = {}): DemoTruth {
  return generateDemoSeed(options).truth;
}

export { writeSeedFolder, SEED_FILES, type SeedFolderContent } from './seed-folder.ts';
export { isValidSalesforceId, salesforceIdChecksum } from './salesforce-id.ts';
export { DEMO_REFERENCE_DATE_MS } from './timestamps.ts';
export { DEMO_SALESFORCE_USERS } from './salesforce-records.ts';
export type { SalesforceSeed, SalesforceContact, SalesforceAccount, SalesforceOpportunity, SalesforceLead } from './salesforce-records.ts';
export type { HubSpotSeed, HubSpotObject } from './hubspot-records.ts';
export type { PipedriveDemoSeed, PipedriveDemoRecord } from './pipedrive-records.ts';
export type { DynamicsDemoSeed, DynamicsDemoRecord } from './dynamics-records.ts';
export type { ZohoDemoSeed, ZohoDemoRecord } from './zoho-records.ts';
export type { DemoTruth, DemoPersonTruth, DemoCompanyTruth, DemoDealTruth } from './truth.ts';
