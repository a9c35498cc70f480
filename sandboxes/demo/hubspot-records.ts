/**
 * Renders the demo world as HubSpot CRM v3 objects (reference §2.2): numeric-string ids, every property value a
 * string, timestamps as ISO-8601 UTC with ms, `createdAt`/`updatedAt` mirroring `createdate` and the
 * modification property (`lastmodifieddate` for contacts, `hs_lastmodifieddate` for companies and deals).
 * Empty properties are left out, as HubSpot does for a value that was never set.
 * Associations are written on one side only — contact→company and deal→company/contact — and a loader
 * should make them bidirectional, as HubSpot does.
 */
import { type CompanyView, type DealView, type DemoCompany, type DemoDeal, type DemoPerson, type PersonView, SALESFORCE_STAGES } from './model.ts';
import { hubspotDate, hubspotDateTime } from './timestamps.ts';

export interface HubSpotAssociationRef {
  id: string;
  type: string;
}

export interface HubSpotObject {
  id: string;
  properties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  associations?: Record<string, { results: HubSpotAssociationRef[] }>;
}

export interface HubSpotSeed {
  contacts: HubSpotObject[];
  companies: HubSpotObject[];
  deals: HubSpotObject[];
}

/** Keeps only set values, as strings (HubSpot property values are always strings on the wire). */
function props(entries: Record<string, string | number | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries)) {
    if (value !== null && value !== undefined && value !== '') out[name] = String(value);
  }
  return out;
}

export function renderHubSpot(companies: DemoCompany[], people: DemoPerson[], deals: DemoDeal[]): HubSpotSeed {
  const seed: HubSpotSeed = { contacts: [], companies: [], deals: [] };
  for (const company of companies) {
    if (company.views.hubspot) seed.companies.push(companyObject(company, company.views.hubspot));
  }
  for (const person of people) {
    for (const view of person.views.hubspot) seed.contacts.push(contactObject(person, view));
  }
  for (const deal of deals) {
    if (deal.views.hubspot) seed.deals.push(dealObject(deal.views.hubspot));
  }
  return seed;
}

function companyObject(company: DemoCompany, v: CompanyView): HubSpotObject {
  const createdAt = hubspotDateTime(v.createdMs);
  const updatedAt = hubspotDateTime(v.modifiedMs);
  return {
    id: v.id,
    properties: props({
      name: v.name,
      domain: company.domain,
      website: v.website,
      phone: v.phone,
      industry: company.industry.hubspot,
      numberofemployees: v.employees,
      annualrevenue: v.annualRevenue,
      address: v.address.street,
      city: v.address.city,
      state: v.address.state,
      zip: v.address.postalCode,
      country: v.address.country,
      createdate: createdAt,
      hs_lastmodifieddate: updatedAt,
      hs_object_id: v.id,
    }),
    createdAt,
    updatedAt,
    archived: false,
  };
}

function contactObject(person: DemoPerson, v: PersonView): HubSpotObject {
  const createdAt = hubspotDateTime(v.createdMs);
  const updatedAt = hubspotDateTime(v.modifiedMs);
  const companyId = person.company.views.hubspot?.id;
  const object: HubSpotObject = {
    id: v.id,
    properties: props({
      email: v.email,
      firstname: v.firstName,
      lastname: v.lastName,
      phone: v.phone,
      mobilephone: v.mobile,
      jobtitle: v.title,
      company: v.companyName,
      address: v.address?.street,
      city: v.address?.city,
      state: v.address?.state,
      zip: v.address?.postalCode,
      country: v.address?.country,
      lifecyclestage: v.duplicate ? 'subscriber' : person.lifecycleStage,
      hs_lead_status: v.duplicate ? null : person.leadStatus,
      associatedcompanyid: companyId,
      createdate: createdAt,
      lastmodifieddate: updatedAt,
      hs_object_id: v.id,
    }),
    createdAt,
    updatedAt,
    archived: false,
  };
  if (companyId) object.associations = { companies: { results: [{ id: companyId, type: 'contact_to_company' }] } };
  return object;
}

function dealObject(v: DealView): HubSpotObject {
  const stage = SALESFORCE_STAGES[v.stage];
  if (!stage) throw new Error(`unknown stage index ${v.stage}`);
  const createdAt = hubspotDateTime(v.createdMs);
  const updatedAt = hubspotDateTime(v.modifiedMs);
  const associations: NonNullable<HubSpotObject['associations']> = {
    companies: { results: [{ id: v.companyId, type: 'deal_to_company' }] },
  };
  if (v.contactId) associations.contacts = { results: [{ id: v.contactId, type: 'deal_to_contact' }] };
  return {
    id: v.id,
    properties: props({
      dealname: v.name,
      amount: v.amount,
      pipeline: 'default',
      dealstage: stage.hubspot,
      closedate: hubspotDate(v.closeMs),
      createdate: createdAt,
      hs_lastmodifieddate: updatedAt,
      hs_object_id: v.id,
    }),
    createdAt,
    updatedAt,
    archived: false,
    associations,
  };
}
