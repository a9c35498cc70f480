/**
 * The ground truth of the demo set: which records belong to the same real person, company or deal, how they
 * can be linked, and which conflicts were planted. Identity-matching and survivorship tests score against it.
 */
import { type PhoneNumber, normaliseEmail, phoneE164 } from './formats.ts';
import type {
  CompanyConflict, Crm, DealConflict, DemoCompany, DemoDeal, DemoPerson, HardNegativeKind, PersonConflict, Presence,
} from './model.ts';
import { DEMO_REFERENCE_DATE_MS } from './timestamps.ts';

export interface DemoPersonTruth {
  key: string;
  firstName: string;
  lastName: string;
  /** Canonical email, normalised (lowercase, trimmed); for a household it is the shared address. */
  email: string;
  phoneE164: string;
  companyKey: string;
  presence: Presence;
  /** The primary record first; more entries are duplicates inside the same CRM. */
  salesforce: { object: 'Contact' | 'Lead'; id: string; duplicate: boolean }[];
  hubspot: { id: string; duplicate: boolean }[];
  /** How the cross-CRM records can be joined: shared normalised email, or only name + phone. Null if in one CRM. */
  link: 'email' | 'name+phone' | null;
  conflicts: PersonConflict[];
  newerSide: Crm | null;
  /** Set on people a naive matcher would wrongly merge with `otherKeys`. They are distinct people. */
  hardNegative: { kind: HardNegativeKind; otherKeys: string[] } | null;
  notes: string[];
}

export interface DemoCompanyTruth {
  key: string;
  legalName: string;
  domain: string;
  presence: Presence;
  salesforce: string | null;
  hubspot: string | null;
  conflicts: CompanyConflict[];
}

export interface DemoDealTruth {
  key: string;
  companyKey: string;
  contactKey: string | null;
  presence: Presence;
  salesforce: string | null;
  hubspot: string | null;
  conflicts: DealConflict[];
  newerSide: Crm | null;
}

export interface DemoTruth {
  seed: number;
  customers: number;
  referenceDate: string;
  people: DemoPersonTruth[];
  companies: DemoCompanyTruth[];
  deals: DemoDealTruth[];
}

const e164 = (phone: PhoneNumber) => phoneE164(phone);

export function buildTruth(seed: number, customers: number, companies: DemoCompany[], people: DemoPerson[], deals: DemoDeal[]): DemoTruth {
  return {
    seed,
    customers,
    referenceDate: new Date(DEMO_REFERENCE_DATE_MS).toISOString(),
    people: people.map((p) => ({
      key: p.key,
      firstName: p.firstName,
      lastName: p.lastName,
      email: normaliseEmail(p.email),
      phoneE164: e164(p.phone),
      companyKey: p.company.key,
      presence: p.presence,
      salesforce: p.views.salesforce.map((v) => ({ object: v.object === 'Lead' ? 'Lead' : 'Contact', id: v.id, duplicate: v.duplicate })),
      hubspot: p.views.hubspot.map((v) => ({ id: v.id, duplicate: v.duplicate })),
      link: p.link,
      conflicts: p.conflicts,
      newerSide: p.newerSide,
      hardNegative: p.hardNegative,
      notes: p.notes,
    })),
    companies: companies.map((c) => ({
      key: c.key,
      legalName: c.legalName,
      domain: c.domain,
      presence: c.presence === 'prospect' ? 'salesforce' : c.presence,
      salesforce: c.views.salesforce?.id ?? null,
      hubspot: c.views.hubspot?.id ?? null,
      conflicts: c.conflicts,
    })),
    deals: deals.map((d) => ({
      key: d.key,
      companyKey: d.company.key,
      contactKey: d.contact?.key ?? null,
      presence: d.presence,
      salesforce: d.views.salesforce?.id ?? null,
      hubspot: d.views.hubspot?.id ?? null,
      conflicts: d.conflicts,
      newerSide: d.newerSide,
    })),
  };
}
