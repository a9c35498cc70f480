/**
 * The HubSpot-defined properties the sandbox starts with (reference §6), as the properties API returns them.
 */
import type { ObjectTypeName } from './object-types.ts';

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description: string;
  displayOrder: number;
  options: PropertyOption[];
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined?: boolean;
  formField: boolean;
  archived: boolean;
  archivedAt?: string;
  createdAt?: string;
  updatedAt?: string;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
}

/** Allowed `type` → `fieldType` pairs (§2.7). */
export const FIELD_TYPES: Record<string, string[]> = {
  string: ['text', 'textarea', 'phonenumber', 'html', 'file'],
  number: ['number'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox'],
};

export function options(values: string[], labels?: string[]): PropertyOption[] {
  return values.map((value, i) => ({ label: labels?.[i] ?? titleCase(value), value, displayOrder: i, hidden: false, description: '' }));
}

function titleCase(v: string): string {
  return v.toLowerCase().replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());
}

type Spec = [name: string, type: string, fieldType: string, extra?: Partial<PropertyDefinition>];

const RO = { modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: true } };
/** Owners come from the portal's user list, not from fixed options, so any id is accepted. */
const OWNER: Spec = ['hubspot_owner_id', 'enumeration', 'select', { externalOptions: true, label: 'Contact owner' }];

const LIFECYCLE = options(
  ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'],
  ['Subscriber', 'Lead', 'Marketing Qualified Lead', 'Sales Qualified Lead', 'Opportunity', 'Customer', 'Evangelist', 'Other'],
);

const SPECS: Record<ObjectTypeName, Spec[]> = {
  contacts: [
    ['email', 'string', 'text', { hasUniqueValue: true, label: 'Email' }],
    ['firstname', 'string', 'text', { label: 'First Name' }],
    ['lastname', 'string', 'text', { label: 'Last Name' }],
    ['phone', 'string', 'phonenumber', { label: 'Phone Number' }],
    ['mobilephone', 'string', 'phonenumber', { label: 'Mobile Phone Number' }],
    ['jobtitle', 'string', 'text', { label: 'Job Title' }],
    ['company', 'string', 'text', { label: 'Company Name' }],
    ['website', 'string', 'text', { label: 'Website URL' }],
    ['address', 'string', 'text', { label: 'Street Address' }],
    ['city', 'string', 'text'],
    ['state', 'string', 'text', { label: 'State/Region' }],
    ['zip', 'string', 'text', { label: 'Postal Code' }],
    ['country', 'string', 'text', { label: 'Country/Region' }],
    ['lifecyclestage', 'enumeration', 'radio', { options: LIFECYCLE, label: 'Lifecycle Stage' }],
    ['hs_lead_status', 'enumeration', 'radio', {
      label: 'Lead Status',
      options: options(['NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING']),
    }],
    OWNER,
    ['associatedcompanyid', 'number', 'number', { label: 'Primary Associated Company ID' }],
    // Real HubSpot contact properties the default golden mapping reads: marketing opt-out and original source.
    ['hs_email_optout', 'bool', 'booleancheckbox', { label: 'Unsubscribed from all email', options: options(['true', 'false'], ['True', 'False']) }],
    ['hs_analytics_source', 'enumeration', 'select', {
      ...RO, calculated: true, label: 'Original Source',
      options: options(['ORGANIC_SEARCH', 'PAID_SEARCH', 'EMAIL_MARKETING', 'SOCIAL_MEDIA', 'REFERRALS', 'OTHER_CAMPAIGNS', 'DIRECT_TRAFFIC', 'OFFLINE', 'PAID_SOCIAL']),
    }],
  ],
  companies: [
    ['name', 'string', 'text', { label: 'Company name' }],
    ['domain', 'string', 'text', { label: 'Company Domain Name' }],
    ['website', 'string', 'text', { label: 'Website URL' }],
    ['phone', 'string', 'phonenumber', { label: 'Phone Number' }],
    ['industry', 'enumeration', 'select', {
      options: options(['ACCOUNTING', 'AIRLINES_AVIATION', 'BANKING', 'COMPUTER_SOFTWARE', 'CONSTRUCTION', 'CONSUMER_GOODS',
        'EDUCATION_MANAGEMENT', 'FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'INFORMATION_TECHNOLOGY_AND_SERVICES', 'INSURANCE',
        'INTERNET', 'LOGISTICS_AND_SUPPLY_CHAIN', 'MANAGEMENT_CONSULTING', 'RETAIL', 'TELECOMMUNICATIONS']),
    }],
    ['type', 'enumeration', 'select', { options: options(['PROSPECT', 'PARTNER', 'RESELLER', 'VENDOR', 'OTHER']) }],
    ['description', 'string', 'textarea'],
    ['address', 'string', 'text', { label: 'Street Address' }],
    ['city', 'string', 'text'],
    ['state', 'string', 'text', { label: 'State/Region' }],
    ['zip', 'string', 'text', { label: 'Postal Code' }],
    ['country', 'string', 'text', { label: 'Country/Region' }],
    ['numberofemployees', 'number', 'number', { label: 'Number of Employees' }],
    ['annualrevenue', 'number', 'number', { label: 'Annual Revenue' }],
    ['lifecyclestage', 'enumeration', 'radio', { options: LIFECYCLE, label: 'Lifecycle Stage' }],
    OWNER,
  ],
  deals: [
    ['dealname', 'string', 'text', { label: 'Deal Name' }],
    ['amount', 'number', 'number'],
    ['pipeline', 'enumeration', 'select', { options: options(['default'], ['Sales Pipeline']) }],
    ['dealstage', 'enumeration', 'radio', {
      label: 'Deal Stage',
      options: options(['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'],
        ['Appointment Scheduled', 'Qualified To Buy', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent', 'Closed Won', 'Closed Lost']),
    }],
    ['closedate', 'datetime', 'date', { label: 'Close Date' }],
    ['dealtype', 'enumeration', 'radio', { options: options(['newbusiness', 'existingbusiness'], ['New Business', 'Existing Business']) }],
    ['description', 'string', 'textarea'],
    ['deal_currency_code', 'enumeration', 'select', { options: options(['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'INR']) }],
    OWNER,
    ['hs_deal_stage_probability', 'number', 'number', { ...RO, calculated: true, label: 'Deal Stage Probability' }],
    ['hs_is_closed_won', 'bool', 'booleancheckbox', {
      ...RO, calculated: true, label: 'Is Closed Won', options: options(['true', 'false'], ['True', 'False']),
    }],
  ],
};

/** System properties every object has; `createdate` stays writable as in HubSpot (imports set it). */
function systemSpecs(type: ObjectTypeName): Spec[] {
  return [
    ['createdate', 'datetime', 'date', { label: 'Create Date', modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false } }],
    [type === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate', 'datetime', 'date', { ...RO, label: 'Last Modified Date' }],
    ['hs_object_id', 'number', 'number', { ...RO, label: 'Record ID' }],
  ];
}

export function standardProperties(type: ObjectTypeName): PropertyDefinition[] {
  return [...SPECS[type], ...systemSpecs(type)].map(([name, ptype, fieldType, extra], i) => ({
    name,
    label: titleCase(name),
    type: ptype,
    fieldType,
    groupName: type === 'contacts' ? 'contactinformation' : type === 'companies' ? 'companyinformation' : 'dealinformation',
    description: '',
    displayOrder: i,
    options: [],
    calculated: false,
    externalOptions: false,
    hasUniqueValue: false,
    hidden: false,
    hubspotDefined: true,
    formField: true,
    archived: false,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false },
    ...extra,
  }));
}
