/**
 * Hand-written SDL of the native CRM subgraphs, shaped like subgraphs/native renders them (native field names,
 * `@key` on the native id, reference fields as object fields, dates as String). Used until the real native
 * subgraphs are committed; it is SDL, not a stand-in for our modules' behaviour.
 */
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

export const SALESFORCE_STUB_SDL = `${LINK}
type SalesforceContact @key(fields: "Id") {
  Id: ID!
  FirstName: String
  LastName: String
  Email: String
  Phone: String
  MobilePhone: String
  Title: String
  Department: String
  MailingStreet: String
  MailingCity: String
  MailingState: String
  MailingPostalCode: String
  MailingCountry: String
  LeadSource: String
  HasOptedOutOfEmail: Boolean
  AccountId: String
  Account: SalesforceAccount
  SystemModstamp: String
  LastModifiedDate: String
}
type SalesforceAccount @key(fields: "Id") {
  Id: ID!
  Name: String
  Website: String
  Industry: String
  AnnualRevenue: Float
  NumberOfEmployees: Int
  Phone: String
  BillingStreet: String
  BillingCity: String
  BillingState: String
  BillingPostalCode: String
  BillingCountry: String
  SystemModstamp: String
  LastModifiedDate: String
}
type SalesforceOpportunity @key(fields: "Id") {
  Id: ID!
  ContactId: String
  Name: String
  Amount: Float
  StageName: String
  CloseDate: String
  AccountId: String
  Account: SalesforceAccount
  SystemModstamp: String
  LastModifiedDate: String
}
type Query {
  salesforceContact(Id: ID!): SalesforceContact
}`;

/** HubSpot as the sandbox describes it today: no hs_email_optout / hs_analytics_source unless `withMarketing`. */
export function hubspotStubSdl(withMarketing = true): string {
  return `${LINK}
type HubSpotContact @key(fields: "id") {
  id: ID!
  associatedcompanyid: Float
  email: String
  firstname: String
  lastname: String
  phone: String
  mobilephone: String
  jobtitle: String
  company: String
  address: String
  city: String
  state: String
  zip: String
  country: String
  lifecyclestage: String
${withMarketing ? '  hs_email_optout: Boolean\n  hs_analytics_source: String\n' : ''}  lastmodifieddate: String
}
type HubSpotCompany @key(fields: "id") {
  id: ID!
  name: String
  domain: String
  industry: String
  annualrevenue: Float
  numberofemployees: Float
  phone: String
  address: String
  city: String
  state: String
  zip: String
  country: String
  hs_lastmodifieddate: String
}
type HubSpotDeal @key(fields: "id") {
  id: ID!
  dealname: String
  amount: Float
  dealstage: String
  closedate: String
  hs_lastmodifieddate: String
  "Read from the deal's associations by the connector (the primary company; the lowest contact)."
  associatedcompanyid: String
  associatedcontactid: String
}
type Query {
  hubSpotContact(id: ID!): HubSpotContact
}`;
}
