/**
 * The org's modules and the standard fields of the three that hold records (reference §6), plus the pinned
 * custom `External_Id` (text 255, unique) on each: the upsert key of the tests. Field ids are derived from the org's
 * id prefix so they look like Zoho's 19-digit ids and stay stable across resets.
 */

export const RECORD_MODULES = ['Contacts', 'Accounts', 'Deals'] as const;
export type ModuleName = (typeof RECORD_MODULES)[number];

export function isRecordModule(name: string): name is ModuleName {
  return (RECORD_MODULES as readonly string[]).includes(name);
}

/** Every module `settings/modules` lists; only RECORD_MODULES hold records here. */
export const MODULES: { api_name: string; singular_label: string }[] = [
  { api_name: 'Leads', singular_label: 'Lead' },
  { api_name: 'Contacts', singular_label: 'Contact' },
  { api_name: 'Accounts', singular_label: 'Account' },
  { api_name: 'Deals', singular_label: 'Deal' },
  { api_name: 'Tasks', singular_label: 'Task' },
  { api_name: 'Events', singular_label: 'Meeting' },
  { api_name: 'Calls', singular_label: 'Call' },
  { api_name: 'Products', singular_label: 'Product' },
  { api_name: 'Quotes', singular_label: 'Quote' },
];

export type DataType =
  | 'text' | 'textarea' | 'email' | 'phone' | 'picklist' | 'multiselectpicklist' | 'lookup' | 'ownerlookup'
  | 'integer' | 'bigint' | 'double' | 'currency' | 'percent' | 'date' | 'datetime' | 'boolean' | 'website' | 'autonumber';

export interface FieldDef {
  apiName: string;
  label: string;
  dataType: DataType;
  length: number;
  readOnly: boolean;
  mandatory: boolean;
  custom: boolean;
  unique: boolean;
  picklist?: string[];
  /** The target module of a `lookup`. */
  lookup?: ModuleName;
  id: string;
}

/** The record field that names a record of each module in lookups and in `/deleted`'s display_name. */
export const NAME_FIELD: Record<ModuleName, string> = { Contacts: 'Full_Name', Accounts: 'Account_Name', Deals: 'Deal_Name' };

export const DEFAULT_LENGTH: Record<DataType, number> = {
  text: 255, textarea: 32000, email: 100, phone: 30, picklist: 120, multiselectpicklist: 2000, lookup: 120, ownerlookup: 120,
  integer: 9, bigint: 18, double: 16, currency: 16, percent: 5, date: 20, datetime: 120, boolean: 5, website: 255, autonumber: 255,
};

export function jsonType(t: DataType): string {
  switch (t) {
    case 'lookup': case 'ownerlookup': return 'jsonobject';
    case 'multiselectpicklist': return 'jsonarray';
    case 'integer': case 'bigint': return 'integer';
    case 'double': case 'currency': case 'percent': return 'double';
    case 'boolean': return 'boolean';
    default: return 'string';
  }
}

type Spec = [apiName: string, dataType: DataType, extra?: Partial<Pick<FieldDef, 'length' | 'readOnly' | 'mandatory' | 'unique' | 'picklist' | 'lookup'>>];

const LEAD_SOURCES = ['Advertisement', 'Cold Call', 'Employee Referral', 'External Referral', 'Online Store', 'Partner',
  'Public Relations', 'Sales Email Alias', 'Seminar Partner', 'Internal Seminar', 'Trade Show', 'Web Download', 'Web Research', 'Chat'];
export const DEAL_STAGES = ['Qualification', 'Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Proposal/Price Quote',
  'Negotiation/Review', 'Closed Won', 'Closed Lost', 'Closed Lost to Competition'];
const RO = { readOnly: true };

/** Owner and the system fields every module has. */
const SYSTEM: Spec[] = [
  ['Owner', 'ownerlookup'], ['Created_By', 'ownerlookup', RO], ['Modified_By', 'ownerlookup', RO],
  ['Created_Time', 'datetime', RO], ['Modified_Time', 'datetime', RO],
];

const STANDARD: Record<ModuleName, Spec[]> = {
  Contacts: [
    ['First_Name', 'text', { length: 40 }], ['Last_Name', 'text', { length: 80, mandatory: true }], ['Full_Name', 'text', { length: 121, readOnly: true }],
    ['Email', 'email', { unique: true }], ['Secondary_Email', 'email'], ['Phone', 'phone'], ['Mobile', 'phone'],
    ['Title', 'text', { length: 100 }], ['Department', 'text', { length: 100 }], ['Account_Name', 'lookup', { lookup: 'Accounts' }],
    ['Lead_Source', 'picklist', { picklist: LEAD_SOURCES }], ['Mailing_Street', 'text', { length: 250 }],
    ['Mailing_City', 'text', { length: 100 }], ['Mailing_State', 'text', { length: 100 }], ['Mailing_Zip', 'text', { length: 30 }],
    ['Mailing_Country', 'text', { length: 100 }], ['Description', 'textarea'], ['Email_Opt_Out', 'boolean'],
    ...SYSTEM, ['Last_Activity_Time', 'datetime', RO],
  ],
  Accounts: [
    ['Account_Name', 'text', { length: 200, mandatory: true }], ['Account_Number', 'text', { length: 40 }],
    ['Account_Type', 'picklist', { picklist: ['Analyst', 'Competitor', 'Customer', 'Distributor', 'Integrator', 'Investor', 'Other', 'Partner', 'Press', 'Prospect', 'Reseller', 'Vendor'] }],
    ['Industry', 'picklist', { picklist: ['ASP (Application Service Provider)', 'Data/Telecom OEM', 'ERP (Enterprise Resource Planning)', 'Government/Military', 'Large Enterprise', 'ManagementISV', 'MSP (Management Service Provider)', 'Network Equipment Enterprise', 'Non-management ISV', 'Optical Networking', 'Service Provider', 'Small/Medium Enterprise', 'Storage Equipment', 'Storage Service Provider', 'Systems Integrator', 'Wireless Industry'] }],
    ['Website', 'website'], ['Phone', 'phone'], ['Fax', 'phone'], ['Annual_Revenue', 'currency'], ['Employees', 'integer'],
    ['Rating', 'picklist', { picklist: ['Acquired', 'Active', 'Market Failed', 'Project Cancelled', 'Shut Down'] }],
    ['Parent_Account', 'lookup', { lookup: 'Accounts' }], ['Billing_Street', 'text', { length: 250 }], ['Billing_City', 'text', { length: 100 }],
    ['Billing_State', 'text', { length: 100 }], ['Billing_Code', 'text', { length: 30 }], ['Billing_Country', 'text', { length: 100 }],
    ['Description', 'textarea'], ...SYSTEM,
  ],
  Deals: [
    ['Deal_Name', 'text', { length: 120, mandatory: true }], ['Stage', 'picklist', { mandatory: true, picklist: DEAL_STAGES }],
    ['Closing_Date', 'date'], ['Amount', 'currency'], ['Probability', 'integer', { length: 3 }], ['Expected_Revenue', 'currency', RO],
    ['Pipeline', 'picklist', { picklist: ['Standard (Standard)'] }], ['Type', 'picklist', { picklist: ['New Business', 'Existing Business'] }],
    ['Lead_Source', 'picklist', { picklist: LEAD_SOURCES }], ['Next_Step', 'text', { length: 100 }],
    ['Account_Name', 'lookup', { lookup: 'Accounts' }], ['Contact_Name', 'lookup', { lookup: 'Contacts' }],
    ['Description', 'textarea'], ...SYSTEM,
  ],
};

export const labelOf = (apiName: string) => apiName.replace(/_/g, ' ');

/** A fresh copy of a module's fields (custom fields are added to the copy, so a reset drops them). */
export function standardFields(module: ModuleName, idPrefix: string): FieldDef[] {
  const base = RECORD_MODULES.indexOf(module) * 100 + 2000;
  const specs: Spec[] = [...STANDARD[module], ['External_Id', 'text', { unique: true }]];
  return specs.map(([apiName, dataType, extra = {}], i) => ({
    apiName, label: apiName === 'External_Id' ? 'External Id' : labelOf(apiName), dataType,
    length: extra.length ?? DEFAULT_LENGTH[dataType], readOnly: extra.readOnly ?? false, mandatory: extra.mandatory ?? false,
    custom: apiName === 'External_Id', unique: extra.unique ?? false,
    ...(extra.picklist ? { picklist: extra.picklist } : {}), ...(extra.lookup ? { lookup: extra.lookup } : {}),
    id: `${idPrefix}${String(base + i).padStart(6, '0')}`,
  }));
}
