/**
 * Synonym groups, as data: field names in one group mean the same thing across CRMs. Entries are
 * canonical forms (lower case, no separators, without prefixes such as Mailing/Billing/hs_).
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['company', 'companyname', 'account', 'accountname', 'organization', 'organisation', 'org', 'orgname', 'employer', 'parentcustomer'],
  ['postalcode', 'zip', 'zipcode', 'postcode', 'postal'],
  ['title', 'jobtitle', 'position', 'role', 'job'],
  ['phone', 'telephone', 'tel', 'phonenumber', 'telephone1', 'businessphone', 'workphone'],
  ['mobilephone', 'mobile', 'cell', 'cellphone', 'mobilenumber'],
  ['email', 'emailaddress', 'emailaddress1', 'mail', 'emails'],
  ['firstname', 'givenname', 'forename', 'first'],
  ['lastname', 'surname', 'familyname', 'last'],
  ['street', 'address', 'addressline', 'line1', 'streetaddress', 'address1'],
  ['state', 'province', 'region', 'stateorprovince', 'county'],
  ['city', 'town', 'locality'],
  ['country', 'countrycode', 'nation'],
  ['employees', 'numberofemployees', 'headcount', 'employeecount', 'staff'],
  ['annualrevenue', 'revenue', 'turnover'],
  ['amount', 'value', 'dealvalue', 'estimatedvalue', 'dealamount'],
  ['stage', 'dealstage', 'stagename', 'salesstage', 'pipelinestage'],
  ['closedate', 'closingdate', 'expectedclosedate', 'estimatedclosedate', 'closedat'],
  ['industry', 'industrycode', 'sector', 'vertical'],
  ['domain', 'website', 'websiteurl', 'url', 'web'],
  ['leadsource', 'source', 'originalsource', 'analyticssource', 'channel'],
  ['lifecyclestage', 'lifecycle', 'funnelstage'],
  ['emailoptout', 'optout', 'optedoutofemail', 'donotemail', 'unsubscribed', 'unsubscribedfromemail'],
  ['department', 'dept', 'division', 'team'],
  ['name', 'fullname', 'dealname', 'opportunityname', 'displayname'],
];

let index: Map<string, number[]> | null = null;

/** canonical name → indexes of the groups it belongs to */
export function synonymGroupsOf(canonical: string): number[] {
  if (!index) {
    index = new Map();
    SYNONYM_GROUPS.forEach((group, i) => group.forEach((name) => index!.set(name, [...(index!.get(name) ?? []), i])));
  }
  return index.get(canonical) ?? [];
}
