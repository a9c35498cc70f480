/**
 * The CRM-neutral "world" behind the demo set. One real company, person or deal may be recorded in one CRM,
 * in both, or twice in the same one; each record is a *view* whose values were already chosen (including the
 * conflicting ones). The Salesforce and HubSpot renderers only map a view onto their record shape.
 */
import type { AddressText, PhoneNumber, PostalAddress } from './formats.ts';
import type { Industry } from './places.ts';

export type Crm = 'salesforce' | 'hubspot';
export type Presence = 'both' | Crm;

/** Timestamps of one record, in epoch ms. modstampMs ≥ modifiedMs (Salesforce's SystemModstamp). */
export interface RecordClock {
  createdMs: number;
  modifiedMs: number;
  modstampMs: number;
}

export interface CompanyView extends RecordClock {
  id: string;
  name: string;
  website: string;
  phone: string;
  employees: number;
  annualRevenue: number;
  address: AddressText;
}

export interface DemoCompany {
  key: string;
  /** 'prospect' companies exist only as the free-text Company of Salesforce Leads. */
  presence: Presence | 'prospect';
  /** 'Acme' — the brand; legalName adds the suffix ('Acme Inc.'). */
  brand: string;
  legalName: string;
  domain: string;
  industry: Industry;
  employees: number;
  annualRevenue: number;
  mainPhone: PhoneNumber;
  address: PostalAddress;
  /** Relative head count, so some companies have many people in the CRMs and some one or two. */
  weight: number;
  views: Partial<Record<Crm, CompanyView>>;
  conflicts: CompanyConflict[];
}

export type CompanyConflict = 'name-suffix' | 'phone-format' | 'address-abbreviation' | 'employee-count';

/** The ways two records of the same person disagree. */
export type PersonConflict =
  | 'phone-format'
  | 'stale-title'
  | 'nickname'
  | 'email-case'
  | 'missing-value'
  | 'address-abbreviation'
  | 'accent'
  | 'personal-vs-work-email';

export const PERSON_CONFLICTS: readonly PersonConflict[] = [
  'phone-format', 'stale-title', 'nickname', 'email-case', 'missing-value', 'address-abbreviation', 'accent',
];

export interface PersonView extends RecordClock {
  id: string;
  /** Salesforce: 'Contact' or 'Lead'; HubSpot: 'contact'. */
  object: 'Contact' | 'Lead' | 'contact';
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  mobile: string | null;
  title: string | null;
  department: string | null;
  address: AddressText | null;
  /** Free-text company name as typed on this record (HubSpot `company`, Lead `Company`). */
  companyName: string;
  /** A second record of the same person in the same CRM. */
  duplicate: boolean;
}

export type HardNegativeKind = 'shared-company-phone' | 'shared-household-email';

export interface DemoPerson {
  key: string;
  presence: Presence;
  salesforceObject: 'Contact' | 'Lead';
  firstName: string;
  nickname: string | null;
  lastName: string;
  /** Canonical work email, lowercase. */
  email: string;
  personalEmail: string | null;
  phone: PhoneNumber;
  mobile: PhoneNumber | null;
  title: string;
  previousTitle: string;
  department: string;
  address: PostalAddress;
  company: DemoCompany;
  leadSource: string;
  optedOutOfEmail: boolean;
  note: string | null;
  lifecycleStage: string;
  leadStatus: string | null;
  /** How the records across CRMs can be joined: by normalised email, or only by name + phone. */
  link: 'email' | 'name+phone' | null;
  hardNegative: { kind: HardNegativeKind; otherKeys: string[] } | null;
  views: Record<Crm, PersonView[]>;
  conflicts: PersonConflict[];
  newerSide: Crm | null;
  notes: string[];
}

export const SALESFORCE_STAGES: readonly { name: string; probability: number; hubspot: string }[] = [
  { name: 'Prospecting', probability: 10, hubspot: 'appointmentscheduled' },
  { name: 'Qualification', probability: 10, hubspot: 'qualifiedtobuy' },
  { name: 'Needs Analysis', probability: 20, hubspot: 'qualifiedtobuy' },
  { name: 'Value Proposition', probability: 50, hubspot: 'presentationscheduled' },
  { name: 'Id. Decision Makers', probability: 60, hubspot: 'decisionmakerboughtin' },
  { name: 'Perception Analysis', probability: 70, hubspot: 'decisionmakerboughtin' },
  { name: 'Proposal/Price Quote', probability: 75, hubspot: 'contractsent' },
  { name: 'Negotiation/Review', probability: 90, hubspot: 'contractsent' },
  { name: 'Closed Won', probability: 100, hubspot: 'closedwon' },
  { name: 'Closed Lost', probability: 0, hubspot: 'closedlost' },
];
export const CLOSED_WON_STAGE = 8;
export const CLOSED_LOST_STAGE = 9;

export interface DealView extends RecordClock {
  id: string;
  name: string;
  amount: number;
  /** Index into SALESFORCE_STAGES; HubSpot renders its mapped dealstage. */
  stage: number;
  closeMs: number;
  companyId: string;
  contactId: string | null;
}

export type DealConflict = 'stage' | 'amount' | 'close-date' | 'name';

export interface DemoDeal {
  key: string;
  presence: Presence;
  company: DemoCompany;
  contact: DemoPerson | null;
  product: string;
  views: Partial<Record<Crm, DealView>>;
  conflicts: DealConflict[];
  newerSide: Crm | null;
}
