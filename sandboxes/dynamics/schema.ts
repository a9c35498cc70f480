/**
 * Tables and attributes of the sandbox org: the three served tables with the standard attributes of reference §6
 * "Dataverse" plus `cg_externalid` (String(100), alternate key), and the other tables a real org lists in
 * EntityDefinitions but this sandbox serves no records for.
 */

export type AttributeType =
  | 'String' | 'Memo' | 'Integer' | 'BigInt' | 'Money' | 'Decimal' | 'Double' | 'Boolean' | 'DateTime'
  | 'Lookup' | 'Customer' | 'Owner' | 'Picklist' | 'State' | 'Status' | 'Uniqueidentifier' | 'Virtual';

export type RequiredLevel = 'None' | 'ApplicationRequired' | 'SystemRequired';

export interface OptionDef {
  value: number;
  label: string;
  /** Status options: the state they belong to. State options: their default status. */
  state?: number;
  defaultStatus?: number;
}

export interface AttributeDef {
  logicalName: string;
  schemaName: string;
  type: AttributeType;
  displayName: string;
  required: RequiredLevel;
  validForCreate: boolean;
  validForUpdate: boolean;
  custom: boolean;
  primaryId?: boolean;
  maxLength?: number;
  format?: 'DateOnly' | 'DateAndTime';
  /** Lookups: the logical names of the tables they may point at. */
  targets?: string[];
  /** Choices (Picklist, State, Status) and Boolean (value 1 = true, 0 = false). */
  options?: OptionDef[];
  minValue?: number;
  maxValue?: number;
}

export interface TableDef {
  logicalName: string;
  entitySetName: string;
  schemaName: string;
  displayName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  objectTypeCode: number;
  /** Whether the sandbox serves records (contacts, accounts, opportunities) or only lists the table. */
  served: boolean;
}

const str = (logicalName: string, displayName: string, maxLength: number, extra: Partial<AttributeDef> = {}): AttributeDef => ({
  logicalName, schemaName: schemaOf(logicalName), type: 'String', displayName, required: 'None',
  validForCreate: true, validForUpdate: true, custom: false, maxLength, ...extra,
});
const attr = (logicalName: string, type: AttributeType, displayName: string, extra: Partial<AttributeDef> = {}): AttributeDef => ({
  logicalName, schemaName: schemaOf(logicalName), type, displayName, required: 'None',
  validForCreate: true, validForUpdate: true, custom: false, ...extra,
});
const readOnly = { validForCreate: false, validForUpdate: false };
const opts = (...labels: [number, string][]): OptionDef[] => labels.map(([value, label]) => ({ value, label }));

/** Schema names of standard attributes are PascalCase in Dataverse; the sandbox only needs them to be stable. */
function schemaOf(logicalName: string): string {
  return logicalName.replace(/(^|_)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

function address(): AttributeDef[] {
  return [
    str('address1_line1', 'Address 1: Street 1', 250), str('address1_city', 'Address 1: City', 80),
    str('address1_stateorprovince', 'Address 1: State/Province', 50), str('address1_postalcode', 'Address 1: ZIP/Postal Code', 20),
    str('address1_country', 'Address 1: Country/Region', 80),
  ];
}

/** Attributes every served table has: owner, state/status, audit times, version, and the external id. */
function common(state: OptionDef[], status: OptionDef[]): AttributeDef[] {
  return [
    attr('ownerid', 'Owner', 'Owner', { targets: ['systemuser', 'team'], required: 'SystemRequired' }),
    attr('statecode', 'State', 'Status', { options: state, required: 'SystemRequired' }),
    attr('statuscode', 'Status', 'Status Reason', { options: status }),
    attr('createdon', 'DateTime', 'Created On', { format: 'DateAndTime', ...readOnly }),
    attr('modifiedon', 'DateTime', 'Modified On', { format: 'DateAndTime', ...readOnly }),
    attr('versionnumber', 'BigInt', 'Version Number', readOnly),
    { ...str('cg_externalid', 'External Id', 100), schemaName: 'cg_ExternalId', custom: true },
  ];
}

const ACTIVE_STATE: OptionDef[] = [{ value: 0, label: 'Active', defaultStatus: 1 }, { value: 1, label: 'Inactive', defaultStatus: 2 }];
const ACTIVE_STATUS: OptionDef[] = [{ value: 1, label: 'Active', state: 0 }, { value: 2, label: 'Inactive', state: 1 }];

const OPPORTUNITY_STATE: OptionDef[] = [
  { value: 0, label: 'Open', defaultStatus: 1 }, { value: 1, label: 'Won', defaultStatus: 3 }, { value: 2, label: 'Lost', defaultStatus: 4 },
];
const OPPORTUNITY_STATUS: OptionDef[] = [
  { value: 1, label: 'In Progress', state: 0 }, { value: 2, label: 'On Hold', state: 0 }, { value: 3, label: 'Won', state: 1 },
  { value: 4, label: 'Canceled', state: 2 }, { value: 5, label: 'Out-Sold', state: 2 },
];

/** A subset of Dataverse's industrycode options (the values are Dataverse's). */
const INDUSTRIES = opts(
  [1, 'Accounting'], [2, 'Agriculture and Non-petrol Natural Resource Extraction'], [3, 'Broadcasting Printing and Publishing'],
  [4, 'Brokers'], [5, 'Building Supply Retail'], [6, 'Business Services'], [7, 'Consulting'], [8, 'Consumer Services'],
  [9, 'Design, Direction and Creative Management'], [10, 'Distributors, Dispatchers and Processors'], [11, "Doctor's Offices and Clinics"],
  [12, 'Durable Manufacturing'], [13, 'Eating and Drinking Places'], [14, 'Entertainment Retail'], [15, 'Equipment Rental and Leasing'],
  [16, 'Financial'], [17, 'Food and Tobacco Processing'], [33, 'Wholesale'],
);

const BOOLEAN_DO_NOT = opts([0, 'Allow'], [1, 'Do Not Allow']);

export function standardAttributes(table: string): AttributeDef[] {
  switch (table) {
    case 'contact':
      return [
        attr('contactid', 'Uniqueidentifier', 'Contact', { primaryId: true, validForUpdate: false }),
        str('firstname', 'First Name', 50), str('lastname', 'Last Name', 50, { required: 'ApplicationRequired' }),
        str('fullname', 'Full Name', 160, readOnly), str('emailaddress1', 'Email', 100), str('telephone1', 'Business Phone', 50),
        str('mobilephone', 'Mobile Phone', 50), str('jobtitle', 'Job Title', 100), str('department', 'Department', 100),
        attr('parentcustomerid', 'Customer', 'Company Name', { targets: ['account', 'contact'] }),
        attr('birthdate', 'DateTime', 'Birthday', { format: 'DateOnly' }),
        attr('description', 'Memo', 'Description', { maxLength: 2000 }),
        ...address(),
        attr('donotemail', 'Boolean', 'Do not allow Emails', { options: BOOLEAN_DO_NOT }),
        ...common(ACTIVE_STATE, ACTIVE_STATUS),
      ];
    case 'account':
      return [
        attr('accountid', 'Uniqueidentifier', 'Account', { primaryId: true, validForUpdate: false }),
        str('name', 'Account Name', 160, { required: 'ApplicationRequired' }), str('accountnumber', 'Account Number', 20),
        str('telephone1', 'Main Phone', 50), str('emailaddress1', 'Email', 100), str('websiteurl', 'Website', 200),
        attr('industrycode', 'Picklist', 'Industry', { options: INDUSTRIES }),
        attr('revenue', 'Money', 'Annual Revenue', { minValue: 0, maxValue: 100_000_000_000_000 }),
        attr('numberofemployees', 'Integer', 'Number of Employees', { minValue: 0, maxValue: 1_000_000_000 }),
        attr('description', 'Memo', 'Description', { maxLength: 2000 }),
        attr('parentaccountid', 'Lookup', 'Parent Account', { targets: ['account'] }),
        attr('primarycontactid', 'Lookup', 'Primary Contact', { targets: ['contact'] }),
        attr('transactioncurrencyid', 'Lookup', 'Currency', { targets: ['transactioncurrency'] }),
        ...address(),
        ...common(ACTIVE_STATE, ACTIVE_STATUS),
      ];
    case 'opportunity':
      return [
        attr('opportunityid', 'Uniqueidentifier', 'Opportunity', { primaryId: true, validForUpdate: false }),
        str('name', 'Topic', 300, { required: 'ApplicationRequired' }),
        attr('customerid', 'Customer', 'Potential Customer', { targets: ['account', 'contact'] }),
        attr('parentaccountid', 'Lookup', 'Account', { targets: ['account'] }),
        attr('parentcontactid', 'Lookup', 'Contact', { targets: ['contact'] }),
        attr('estimatedvalue', 'Money', 'Est. Revenue', { minValue: 0, maxValue: 100_000_000_000_000 }),
        attr('estimatedclosedate', 'DateTime', 'Est. Close Date', { format: 'DateOnly' }),
        attr('actualvalue', 'Money', 'Actual Revenue', { minValue: 0, maxValue: 100_000_000_000_000 }),
        attr('actualclosedate', 'DateTime', 'Actual Close Date', { format: 'DateOnly' }),
        attr('closeprobability', 'Integer', 'Probability', { minValue: 0, maxValue: 100 }),
        str('stepname', 'Pipeline Phase', 200),
        attr('salesstage', 'Picklist', 'Sales Stage', { options: opts([0, 'Qualify'], [1, 'Develop'], [2, 'Propose'], [3, 'Close']) }),
        attr('description', 'Memo', 'Description', { maxLength: 2000 }),
        attr('transactioncurrencyid', 'Lookup', 'Currency', { targets: ['transactioncurrency'] }),
        ...common(OPPORTUNITY_STATE, OPPORTUNITY_STATUS),
      ];
    default:
      return [];
  }
}

const table = (logicalName: string, entitySetName: string, displayName: string, primaryName: string, objectTypeCode: number, served = false): TableDef => ({
  logicalName, entitySetName, schemaName: schemaOf(logicalName), displayName, primaryIdAttribute: `${logicalName}id`,
  primaryNameAttribute: primaryName, objectTypeCode, served,
});

/** Every table the org lists; only the first three are served. */
export const TABLES: TableDef[] = [
  table('contact', 'contacts', 'Contact', 'fullname', 2, true),
  table('account', 'accounts', 'Account', 'name', 1, true),
  table('opportunity', 'opportunities', 'Opportunity', 'name', 3, true),
  table('lead', 'leads', 'Lead', 'fullname', 4),
  table('incident', 'incidents', 'Case', 'title', 112),
  table('systemuser', 'systemusers', 'User', 'fullname', 8),
  table('team', 'teams', 'Team', 'name', 9),
  table('businessunit', 'businessunits', 'Business Unit', 'name', 10),
  table('transactioncurrency', 'transactioncurrencies', 'Currency', 'currencyname', 9105),
  table('activitypointer', 'activitypointers', 'Activity', 'subject', 4200),
];

export const SERVED = TABLES.filter((t) => t.served);

export function tableBySet(entitySet: string): TableDef | undefined {
  return TABLES.find((t) => t.entitySetName === entitySet);
}

export function tableByLogical(logicalName: string): TableDef | undefined {
  return TABLES.find((t) => t.logicalName === logicalName);
}

/** The metadata `@odata.type` and `AttributeTypeName` of each attribute type. */
export function metadataType(type: AttributeType): { odataType: string; typeName: string } {
  const lookup = type === 'Lookup' || type === 'Customer' || type === 'Owner';
  const name = lookup ? 'Lookup' : type === 'Uniqueidentifier' ? 'UniqueIdentifier' : type;
  return { odataType: `#Microsoft.Dynamics.CRM.${name}AttributeMetadata`, typeName: `${type}Type` };
}
