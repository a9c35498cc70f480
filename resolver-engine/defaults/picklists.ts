/**
 * Picklist value maps of the default configuration (native value → golden value). Golden values use the
 * Salesforce standard labels, the vocabulary most CRM administrators already know; other CRMs translate.
 */

export const SALESFORCE_OPPORTUNITY_STAGES = [
  'Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers',
  'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost',
] as const;

/** Salesforce StageName is already golden; listing the values still lets validation check HubSpot covers them. */
export const salesforceStageValues: Record<string, string> = Object.fromEntries(SALESFORCE_OPPORTUNITY_STAGES.map((s) => [s, s]));

/** HubSpot default pipeline `dealstage` → golden stage. */
export const hubspotDealStageValues: Record<string, string> = {
  appointmentscheduled: 'Prospecting',
  qualifiedtobuy: 'Qualification',
  presentationscheduled: 'Value Proposition',
  decisionmakerboughtin: 'Id. Decision Makers',
  contractsent: 'Proposal/Price Quote',
  closedwon: 'Closed Won',
  closedlost: 'Closed Lost',
};

/** Salesforce stages HubSpot's default pipeline lacks, written back as the nearest HubSpot stage. */
export const hubspotDealStageReverse: Record<string, string> = {
  'Needs Analysis': 'qualifiedtobuy',
  'Perception Analysis': 'decisionmakerboughtin',
  'Negotiation/Review': 'contractsent',
};

/**
 * Pipedrive deal `stage_name` (the connector's synthetic field: "won"/"lost" from the deal's status, else the name of
 * its stage) → golden stage, for Pipedrive's default pipeline. Stage names are per company: other names are not
 * mapped (the picklist converter flags them and Pipedrive gives no stage) until added here or in the mapping UI.
 */
export const pipedriveDealStageValues: Record<string, string> = {
  Qualified: 'Qualification',
  'Contact Made': 'Needs Analysis',
  'Demo Scheduled': 'Value Proposition',
  'Proposal Made': 'Proposal/Price Quote',
  'Negotiations Started': 'Negotiation/Review',
  won: 'Closed Won',
  lost: 'Closed Lost',
};

/** Golden stages Pipedrive's default pipeline lacks, written back as the nearest Pipedrive stage. */
export const pipedriveDealStageReverse: Record<string, string> = {
  Prospecting: 'Qualified',
  'Id. Decision Makers': 'Demo Scheduled',
  'Perception Analysis': 'Proposal Made',
};

/**
 * Dynamics 365 opportunity `stage_name` (the connector's synthetic field: "Won"/"Lost" from the opportunity's
 * statecode, else the label of its `salesstage`: Qualify, Develop, Propose, Close in Dataverse's default sales
 * process) → golden stage. Close is the last open stage, where terms are negotiated before the win or loss.
 */
export const dynamicsDealStageValues: Record<string, string> = {
  Qualify: 'Qualification',
  Develop: 'Needs Analysis',
  Propose: 'Proposal/Price Quote',
  Close: 'Negotiation/Review',
  Won: 'Closed Won',
  Lost: 'Closed Lost',
};

/**
 * Golden stages Dynamics' four sales stages lack, written back as the nearest one. Prospecting comes before any
 * qualification, and Qualify is Dataverse's first stage (a new opportunity starts there). Value Proposition,
 * Id. Decision Makers and Perception Analysis all happen after the need is known and before a proposal is made:
 * that is Develop (Dataverse's Develop step captures the stakeholders, the customer need and the proposed solution).
 */
export const dynamicsDealStageReverse: Record<string, string> = {
  Prospecting: 'Qualify',
  'Value Proposition': 'Develop',
  'Id. Decision Makers': 'Develop',
  'Perception Analysis': 'Develop',
};

/**
 * Zoho CRM deal `Stage` (its standard pipeline) → golden stage. Zoho's stages are Salesforce's under a few other
 * names; "Closed Lost to Competition" is a loss like any other.
 */
export const zohoDealStageValues: Record<string, string> = {
  Qualification: 'Qualification',
  'Needs Analysis': 'Needs Analysis',
  'Value Proposition': 'Value Proposition',
  'Identify Decision Makers': 'Id. Decision Makers',
  'Proposal/Price Quote': 'Proposal/Price Quote',
  'Negotiation/Review': 'Negotiation/Review',
  'Closed Won': 'Closed Won',
  'Closed Lost': 'Closed Lost',
  'Closed Lost to Competition': 'Closed Lost',
};

/**
 * Golden stages written back to Zoho where `zohoDealStageValues` is no bijection or lacks them: a loss is written as
 * the plain "Closed Lost" (why it was lost is not known to the other CRMs); Prospecting comes before Zoho's first stage;
 * Perception Analysis happens before a proposal is made, so it stays at Identify Decision Makers rather than claiming
 * a quote was sent.
 */
export const zohoDealStageReverse: Record<string, string> = {
  'Closed Lost': 'Closed Lost',
  Prospecting: 'Qualification',
  'Perception Analysis': 'Identify Decision Makers',
};

/** HubSpot `lifecyclestage` → golden lifecycle stage (a bijection, so it writes back exactly). */
export const hubspotLifecycleStageValues: Record<string, string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  marketingqualifiedlead: 'Marketing Qualified Lead',
  salesqualifiedlead: 'Sales Qualified Lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  other: 'Other',
};

/** Salesforce standard LeadSource values (orgs add their own: the mapping passes unknown values through). */
export const salesforceLeadSourceValues: Record<string, string> = {
  Web: 'Web',
  'Phone Inquiry': 'Phone Inquiry',
  'Partner Referral': 'Partner Referral',
  'Purchased List': 'Purchased List',
  Other: 'Other',
};

/**
 * HubSpot's original source (`hs_analytics_source`, read-only in HubSpot) → golden lead source. Several
 * HubSpot values share one golden value, which is only allowed because the mapping is not written back.
 */
export const hubspotAnalyticsSourceValues: Record<string, string> = {
  ORGANIC_SEARCH: 'Web',
  PAID_SEARCH: 'Web',
  DIRECT_TRAFFIC: 'Web',
  SOCIAL_MEDIA: 'Web',
  PAID_SOCIAL: 'Web',
  REFERRALS: 'Partner Referral',
  EMAIL_MARKETING: 'Other',
  OTHER_CAMPAIGNS: 'Other',
  OFFLINE: 'Other',
};

/** HubSpot company `industry` → Salesforce Industry labels (unknown values pass through). */
export const hubspotIndustryValues: Record<string, string> = {
  FARMING: 'Agriculture',
  APPAREL_FASHION: 'Apparel',
  BANKING: 'Banking',
  BIOTECHNOLOGY: 'Biotechnology',
  CHEMICALS: 'Chemicals',
  CONSTRUCTION: 'Construction',
  MANAGEMENT_CONSULTING: 'Consulting',
  EDUCATION_MANAGEMENT: 'Education',
  CONSUMER_ELECTRONICS: 'Electronics',
  OIL_ENERGY: 'Energy',
  MECHANICAL_OR_INDUSTRIAL_ENGINEERING: 'Engineering',
  ENTERTAINMENT: 'Entertainment',
  ENVIRONMENTAL_SERVICES: 'Environmental',
  FINANCIAL_SERVICES: 'Finance',
  FOOD_BEVERAGES: 'Food & Beverage',
  GOVERNMENT_ADMINISTRATION: 'Government',
  HOSPITAL_HEALTH_CARE: 'Healthcare',
  HOSPITALITY: 'Hospitality',
  INSURANCE: 'Insurance',
  MACHINERY: 'Machinery',
  INDUSTRIAL_AUTOMATION: 'Manufacturing',
  MEDIA_PRODUCTION: 'Media',
  NON_PROFIT_ORGANIZATION_MANAGEMENT: 'Not For Profit',
  RECREATIONAL_FACILITIES_AND_SERVICES: 'Recreation',
  RETAIL: 'Retail',
  MARITIME: 'Shipping',
  COMPUTER_SOFTWARE: 'Technology',
  INFORMATION_TECHNOLOGY_AND_SERVICES: 'Technology',
  TELECOMMUNICATIONS: 'Telecommunications',
  TRANSPORTATION_TRUCKING_RAILROAD: 'Transportation',
  UTILITIES: 'Utilities',
};

/** Golden industries HubSpot has no single value for, and the choice for the two-to-one 'Technology'. */
export const hubspotIndustryReverse: Record<string, string> = {
  Technology: 'COMPUTER_SOFTWARE',
  Communications: 'TELECOMMUNICATIONS',
};
