/**
 * The standard fields of Contact, Account, Opportunity and Lead (wire-formats reference, section 6), plus the
 * `External_Id__c` custom field every object carries for upsert tests.
 */
import type { FieldDef, ObjectDef } from './field-types.ts';

const s = (name: string, label: string, length: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, type: 'string', length, ...extra });
const ta = (name: string, label: string, length = 32000): FieldDef => ({ name, label, type: 'textarea', length });
const phone = (name: string, label: string): FieldDef => ({ name, label, type: 'phone', length: 40 });
const pick = (name: string, label: string, values: string[], extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, type: 'picklist', length: 255, picklistValues: values, ...extra });
const ref = (name: string, label: string, to: string, relationshipName: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, type: 'reference', length: 18, referenceTo: [to], relationshipName, ...extra });
const bool = (name: string, label: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, type: 'boolean', defaultValue: false, ...extra });
const ro = (f: FieldDef): FieldDef => ({ ...f, readOnly: true });

export const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
export const INDUSTRIES = ['Agriculture', 'Banking', 'Consulting', 'Education', 'Energy', 'Finance', 'Healthcare', 'Manufacturing', 'Media', 'Retail', 'Technology', 'Telecommunications', 'Other'];
const RATINGS = ['Hot', 'Warm', 'Cold'];
export const STAGES: { value: string; probability: number; forecast: string; closed: boolean; won: boolean }[] = [
  { value: 'Prospecting', probability: 10, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Qualification', probability: 10, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Needs Analysis', probability: 20, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Value Proposition', probability: 50, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Id. Decision Makers', probability: 60, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Perception Analysis', probability: 70, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Proposal/Price Quote', probability: 75, forecast: 'Pipeline', closed: false, won: false },
  { value: 'Negotiation/Review', probability: 90, forecast: 'Commit', closed: false, won: false },
  { value: 'Closed Won', probability: 100, forecast: 'Closed', closed: true, won: true },
  { value: 'Closed Lost', probability: 0, forecast: 'Omitted', closed: true, won: false },
];

/** Fields every object has (section 1.10). */
function systemFields(withOwner: boolean): FieldDef[] {
  const fields: FieldDef[] = [
    ro(bool('IsDeleted', 'Deleted')),
    ro({ name: 'CreatedDate', label: 'Created Date', type: 'datetime' }),
    ro(ref('CreatedById', 'Created By ID', 'User', 'CreatedBy')),
    ro({ name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime' }),
    ro(ref('LastModifiedById', 'Last Modified By ID', 'User', 'LastModifiedBy')),
    ro({ name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime' }),
  ];
  if (withOwner) fields.unshift(ref('OwnerId', 'Owner ID', 'User', 'Owner'));
  return fields;
}

const idField = (): FieldDef => ({ name: 'Id', label: 'Record ID', type: 'id', length: 18, readOnly: true });
const externalId = (): FieldDef => s('External_Id__c', 'External Id', 255, { custom: true, externalId: true, unique: true });

export function standardObjects(): ObjectDef[] {
  return [
    {
      // Read-only here: it exists so that OwnerId/CreatedById resolve and `Owner.Name` can be queried.
      name: 'User', label: 'User', labelPlural: 'Users', keyPrefix: '005', readOnly: true,
      fields: [
        idField(),
        s('Username', 'Username', 80),
        s('FirstName', 'First Name', 40),
        s('LastName', 'Last Name', 80, { required: true }),
        ro(s('Name', 'Full Name', 121, { nameField: true })),
        s('Alias', 'Alias', 8),
        { name: 'Email', label: 'Email', type: 'email', length: 128 },
        s('Title', 'Title', 80),
        s('Department', 'Department', 80),
        phone('Phone', 'Phone'),
        bool('IsActive', 'Active', { defaultValue: true }),
        ...systemFields(false),
      ],
    },
    {
      name: 'Account', label: 'Account', labelPlural: 'Accounts', keyPrefix: '001',
      fields: [
        idField(),
        s('Name', 'Account Name', 255, { required: true, nameField: true }),
        pick('Type', 'Account Type', ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other']),
        ref('ParentId', 'Parent Account ID', 'Account', 'Parent'),
        s('AccountNumber', 'Account Number', 40),
        { name: 'Website', label: 'Website', type: 'url', length: 255 },
        phone('Phone', 'Account Phone'),
        phone('Fax', 'Account Fax'),
        s('Site', 'Account Site', 80),
        s('TickerSymbol', 'Ticker Symbol', 20),
        pick('Ownership', 'Ownership', ['Public', 'Private', 'Subsidiary', 'Other']),
        { name: 'YearStarted', label: 'Year Started', type: 'string', length: 4 },
        pick('Industry', 'Industry', INDUSTRIES),
        { name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', precision: 18, scale: 0 },
        { name: 'NumberOfEmployees', label: 'Employees', type: 'int', precision: 8 },
        pick('Rating', 'Account Rating', RATINGS),
        ta('Description', 'Account Description'),
        ta('BillingStreet', 'Billing Street', 255), s('BillingCity', 'Billing City', 40), s('BillingState', 'Billing State/Province', 80),
        s('BillingPostalCode', 'Billing Zip/Postal Code', 20), s('BillingCountry', 'Billing Country', 80),
        ro({ name: 'BillingAddress', label: 'Billing Address', type: 'address' }),
        ta('ShippingStreet', 'Shipping Street', 255), s('ShippingCity', 'Shipping City', 40), s('ShippingState', 'Shipping State/Province', 80),
        s('ShippingPostalCode', 'Shipping Zip/Postal Code', 20), s('ShippingCountry', 'Shipping Country', 80),
        ro({ name: 'ShippingAddress', label: 'Shipping Address', type: 'address' }),
        ...systemFields(true),
        externalId(),
      ],
    },
    {
      name: 'Contact', label: 'Contact', labelPlural: 'Contacts', keyPrefix: '003',
      fields: [
        idField(),
        pick('Salutation', 'Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']),
        s('FirstName', 'First Name', 40),
        s('LastName', 'Last Name', 80, { required: true }),
        ro(s('Name', 'Full Name', 121, { nameField: true })),
        s('Title', 'Title', 128),
        { name: 'Email', label: 'Email', type: 'email', length: 80 },
        phone('Phone', 'Business Phone'),
        phone('MobilePhone', 'Mobile Phone'),
        phone('HomePhone', 'Home Phone'),
        phone('OtherPhone', 'Other Phone'),
        phone('Fax', 'Business Fax'),
        s('AssistantName', "Assistant's Name", 40),
        phone('AssistantPhone', 'Asst. Phone'),
        ref('ReportsToId', 'Reports To ID', 'Contact', 'ReportsTo'),
        s('Department', 'Department', 80),
        ref('AccountId', 'Account ID', 'Account', 'Account'),
        pick('LeadSource', 'Lead Source', LEAD_SOURCES),
        { name: 'Birthdate', label: 'Birthdate', type: 'date' },
        ta('Description', 'Contact Description'),
        ta('MailingStreet', 'Mailing Street', 255), s('MailingCity', 'Mailing City', 40), s('MailingState', 'Mailing State/Province', 80),
        s('MailingPostalCode', 'Mailing Zip/Postal Code', 20), s('MailingCountry', 'Mailing Country', 80),
        ro({ name: 'MailingAddress', label: 'Mailing Address', type: 'address' }),
        bool('HasOptedOutOfEmail', 'Email Opt Out'),
        ...systemFields(true),
        externalId(),
      ],
    },
    {
      name: 'Opportunity', label: 'Opportunity', labelPlural: 'Opportunities', keyPrefix: '006',
      fields: [
        idField(),
        s('Name', 'Name', 120, { required: true, nameField: true }),
        ref('AccountId', 'Account ID', 'Account', 'Account'),
        ref('ContactId', 'Contact ID', 'Contact', 'Contact'),
        pick('StageName', 'Stage', STAGES.map((st) => st.value), { required: true, restricted: true }),
        { name: 'CloseDate', label: 'Close Date', type: 'date', required: true },
        { name: 'Amount', label: 'Amount', type: 'currency', precision: 16, scale: 2 },
        { name: 'Probability', label: 'Probability (%)', type: 'percent', precision: 3, scale: 0 },
        ro({ name: 'ExpectedRevenue', label: 'Expected Amount', type: 'currency', precision: 16, scale: 2 }),
        pick('Type', 'Opportunity Type', ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer']),
        pick('LeadSource', 'Lead Source', LEAD_SOURCES),
        s('NextStep', 'Next Step', 255),
        pick('ForecastCategoryName', 'Forecast Category', ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed'], { restricted: true }),
        ro(bool('IsClosed', 'Closed')),
        ro(bool('IsWon', 'Won')),
        ta('Description', 'Description'),
        ...systemFields(true),
        externalId(),
      ],
    },
    {
      name: 'Lead', label: 'Lead', labelPlural: 'Leads', keyPrefix: '00Q',
      fields: [
        idField(),
        pick('Salutation', 'Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.']),
        s('FirstName', 'First Name', 40),
        s('LastName', 'Last Name', 80, { required: true }),
        ro(s('Name', 'Full Name', 121, { nameField: true })),
        s('Title', 'Title', 128),
        s('Company', 'Company', 255, { required: true }),
        phone('Fax', 'Fax'),
        { name: 'Email', label: 'Email', type: 'email', length: 80 },
        phone('Phone', 'Phone'),
        phone('MobilePhone', 'Mobile Phone'),
        { name: 'Website', label: 'Website', type: 'url', length: 255 },
        pick('LeadSource', 'Lead Source', LEAD_SOURCES),
        pick('Status', 'Status', ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], { restricted: true, required: true, defaultValue: 'Open - Not Contacted' }),
        pick('Industry', 'Industry', INDUSTRIES),
        pick('Rating', 'Rating', RATINGS),
        { name: 'AnnualRevenue', label: 'Annual Revenue', type: 'currency', precision: 18, scale: 0 },
        { name: 'NumberOfEmployees', label: 'Employees', type: 'int', precision: 8 },
        ta('Street', 'Street', 255), s('City', 'City', 40), s('State', 'State/Province', 80),
        s('PostalCode', 'Zip/Postal Code', 20), s('Country', 'Country', 80),
        ro({ name: 'Address', label: 'Address', type: 'address' }),
        ta('Description', 'Description'),
        bool('HasOptedOutOfEmail', 'Email Opt Out'),
        ro(bool('IsConverted', 'Converted')),
        ro({ name: 'ConvertedDate', label: 'Converted Date', type: 'date' }),
        ro(ref('ConvertedAccountId', 'Converted Account ID', 'Account', 'ConvertedAccount')),
        ro(ref('ConvertedContactId', 'Converted Contact ID', 'Contact', 'ConvertedContact')),
        ...systemFields(true),
        externalId(),
      ],
    },
  ];
}
