/**
 * The CRM API versions this product is built and tested against, one constant per CRM. Connectors build every
 * path from these so an upgrade is a one-line change reviewed against the wire-format reference.
 */
export const SALESFORCE_API_VERSION = '60.0';
export const HUBSPOT_CRM_API_VERSION = 'v3';
export const HUBSPOT_ASSOCIATIONS_API_VERSION = 'v4';

export const API_VERSIONS = {
  salesforce: { rest: SALESFORCE_API_VERSION },
  hubspot: { crm: HUBSPOT_CRM_API_VERSION, associations: HUBSPOT_ASSOCIATIONS_API_VERSION },
} as const;
