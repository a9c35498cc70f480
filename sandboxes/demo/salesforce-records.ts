/**
 * Renders the demo world as Salesforce REST records (`GET /sobjects/<Type>/<Id>` shape): `attributes`, the
 * 18-char `Id`, every standard field of reference §6 (unset ones as null, as the API returns them) and the
 * system fields of §1.10 in Salesforce's `2024-05-01T12:00:00.000+0000` format.
 */
import {
  type CompanyView, type DealView, type DemoCompany, type DemoDeal, type DemoPerson, type PersonView, type RecordClock,
  SALESFORCE_STAGES,
} from './model.ts';
import { salesforceIdChecksum } from './salesforce-id.ts';
import { salesforceDate, salesforceDateTime } from './timestamps.ts';

const API_VERSION = 'v60.0';

export interface SalesforceAttributes {
  type: string;
  url: string;
}

export interface SalesforceSystemFields {
  IsDeleted: boolean;
  CreatedDate: string;
  CreatedById: string;
  LastModifiedDate: string;
  LastModifiedById: string;
  SystemModstamp: string;
  OwnerId: string;
}

export interface SalesforceContact extends SalesforceSystemFields {
  attributes: SalesforceAttributes;
  Id: string;
  FirstName: string | null;
  LastName: string;
  Email: string | null;
  Phone: string | null;
  MobilePhone: string | null;
  Title: string | null;
  Department: string | null;
  AccountId: string | null;
  LeadSource: string | null;
  MailingStreet: string | null;
  MailingCity: string | null;
  MailingState: string | null;
  MailingPostalCode: string | null;
  MailingCountry: string | null;
  HasOptedOutOfEmail: boolean;
  Description: string | null;
}

export interface SalesforceAccount extends SalesforceSystemFields {
  attributes: SalesforceAttributes;
  Id: string;
  Name: string;
  Website: string | null;
  Phone: string | null;
  Industry: string | null;
  AnnualRevenue: number | null;
  NumberOfEmployees: number | null;
  BillingStreet: string | null;
  BillingCity: string | null;
  BillingState: string | null;
  BillingPostalCode: string | null;
  BillingCountry: string | null;
}

export interface SalesforceOpportunity extends SalesforceSystemFields {
  attributes: SalesforceAttributes;
  Id: string;
  Name: string;
  AccountId: string | null;
  ContactId: string | null;
  StageName: string;
  CloseDate: string;
  Amount: number | null;
  Probability: number | null;
}

export interface SalesforceLead extends SalesforceSystemFields {
  attributes: SalesforceAttributes;
  Id: string;
  FirstName: string | null;
  LastName: string;
  Company: string;
  Email: string | null;
  Phone: string | null;
  Status: string;
}

export interface SalesforceSeed {
  Contact: SalesforceContact[];
  Account: SalesforceAccount[];
  Opportunity: SalesforceOpportunity[];
  Lead: SalesforceLead[];
}

export interface SalesforceDemoUser {
  Id: string;
  Name: string;
  Email: string;
}

/** The sales reps who own the demo records (OwnerId, CreatedById, LastModifiedById). Fixed for every seed. */
export const DEMO_SALESFORCE_USERS: readonly SalesforceDemoUser[] = [
  ['005Dm0000001AbC', 'Dana Whitfield', 'dana.whitfield@customer-graph.demo'],
  ['005Dm0000001XyZ', 'Marcus Oyelaran', 'marcus.oyelaran@customer-graph.demo'],
  ['005Dm0000002kLm', 'Sofia Brandt', 'sofia.brandt@customer-graph.demo'],
  ['005Dm0000002QrS', 'Kenji Morita', 'kenji.morita@customer-graph.demo'],
].map(([id15, Name, Email]) => ({ Id: `${id15}${salesforceIdChecksum(id15 as string)}`, Name: Name as string, Email: Email as string }));

function attributes(type: string, id: string): SalesforceAttributes {
  return { type, url: `/services/data/${API_VERSION}/sobjects/${type}/${id}` };
}

function systemFields(clock: RecordClock, ownerIndex: number): SalesforceSystemFields {
  const owner = DEMO_SALESFORCE_USERS[ownerIndex % DEMO_SALESFORCE_USERS.length] as SalesforceDemoUser;
  return {
    IsDeleted: false,
    CreatedDate: salesforceDateTime(clock.createdMs),
    CreatedById: owner.Id,
    LastModifiedDate: salesforceDateTime(clock.modifiedMs),
    LastModifiedById: owner.Id,
    SystemModstamp: salesforceDateTime(clock.modstampMs),
    OwnerId: owner.Id,
  };
}

export function renderSalesforce(companies: DemoCompany[], people: DemoPerson[], deals: DemoDeal[]): SalesforceSeed {
  const seed: SalesforceSeed = { Contact: [], Account: [], Opportunity: [], Lead: [] };
  companies.forEach((company, i) => {
    if (company.views.salesforce) seed.Account.push(account(company, company.views.salesforce, i));
  });
  people.forEach((person, i) => {
    for (const view of person.views.salesforce) {
      if (view.object === 'Lead') seed.Lead.push(lead(person, view, i));
      else seed.Contact.push(contact(person, view, i));
    }
  });
  deals.forEach((deal, i) => {
    if (deal.views.salesforce) seed.Opportunity.push(opportunity(deal.views.salesforce, i));
  });
  return seed;
}

function account(company: DemoCompany, v: CompanyView, i: number): SalesforceAccount {
  return {
    attributes: attributes('Account', v.id),
    Id: v.id,
    Name: v.name,
    Website: v.website,
    Phone: v.phone,
    Industry: company.industry.salesforce,
    AnnualRevenue: v.annualRevenue,
    NumberOfEmployees: v.employees,
    BillingStreet: v.address.street,
    BillingCity: v.address.city,
    BillingState: v.address.state,
    BillingPostalCode: v.address.postalCode,
    BillingCountry: v.address.country,
    ...systemFields(v, i),
  };
}

function contact(person: DemoPerson, v: PersonView, i: number): SalesforceContact {
  return {
    attributes: attributes('Contact', v.id),
    Id: v.id,
    FirstName: v.firstName,
    LastName: v.lastName,
    Email: v.email,
    Phone: v.phone,
    MobilePhone: v.mobile,
    Title: v.title,
    Department: v.title ? v.department : null,
    AccountId: person.company.views.salesforce?.id ?? null,
    LeadSource: v.duplicate ? 'Purchased List' : person.leadSource,
    MailingStreet: v.address?.street ?? null,
    MailingCity: v.address?.city ?? null,
    MailingState: v.address?.state ?? null,
    MailingPostalCode: v.address?.postalCode ?? null,
    MailingCountry: v.address?.country ?? null,
    HasOptedOutOfEmail: person.optedOutOfEmail,
    Description: v.duplicate ? null : person.note,
    ...systemFields(v, i),
  };
}

function lead(person: DemoPerson, v: PersonView, i: number): SalesforceLead {
  return {
    attributes: attributes('Lead', v.id),
    Id: v.id,
    FirstName: v.firstName,
    LastName: v.lastName,
    Company: v.companyName,
    Email: v.email,
    Phone: v.phone,
    Status: person.leadStatus ?? 'Open - Not Contacted',
    ...systemFields(v, i),
  };
}

function opportunity(v: DealView, i: number): SalesforceOpportunity {
  const stage = SALESFORCE_STAGES[v.stage];
  if (!stage) throw new Error(`unknown stage index ${v.stage}`);
  return {
    attributes: attributes('Opportunity', v.id),
    Id: v.id,
    Name: v.name,
    AccountId: v.companyId,
    ContactId: v.contactId,
    StageName: stage.name,
    CloseDate: salesforceDate(v.closeMs),
    Amount: v.amount,
    Probability: stage.probability,
    ...systemFields(v, i),
  };
}
