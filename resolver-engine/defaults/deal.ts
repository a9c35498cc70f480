/** Golden Deal ← Salesforce Opportunity + HubSpot deals + Pipedrive deals + Dynamics 365 opportunities + Zoho CRM Deals. */
import type { MappingConfigInput } from '../mapping/schema.ts';
import { dynamics, from, hubspot, pipedrive, salesforce, zoho } from './objects.ts';
import {
  dynamicsDealStageReverse, dynamicsDealStageValues, hubspotDealStageReverse, hubspotDealStageValues, pipedriveDealStageReverse, pipedriveDealStageValues, salesforceStageValues, zohoDealStageReverse, zohoDealStageValues,
} from './picklists.ts';

const SF = 'salesforce';
const HS = 'hubspot';
const O = 'Opportunity';
const H = 'deals';
const PD = 'pipedrive';
const DY = 'dynamics';
const D = 'opportunities';
const ZO = 'zoho';
const Z = 'Deals';

export const defaultDealType: MappingConfigInput['types'][string] = {
  description: 'A sales opportunity, merged from every CRM deal linked to it.',
  objects: [salesforce(O), hubspot(H), pipedrive('deals'), dynamics(D), zoho(Z)],
  fields: {
    name: { type: 'String', mappings: [from(SF, O, 'Name'), from(HS, H, 'dealname'), from(PD, H, 'title'), from(DY, D, 'name'), from(ZO, Z, 'Deal_Name')] },
    amount: {
      type: 'Float',
      mappings: [from(SF, O, 'Amount', { name: 'number' }), from(HS, H, 'amount', { name: 'number', options: { writeAs: 'string' } }), from(PD, H, 'value', { name: 'number' }), from(DY, D, 'estimatedvalue', { name: 'number' }), from(ZO, Z, 'Amount', { name: 'number' })],
    },
    stage: {
      type: 'String',
      mappings: [
        from(SF, O, 'StageName', { name: 'picklist', options: { values: salesforceStageValues } }),
        from(HS, H, 'dealstage', { name: 'picklist', options: { values: hubspotDealStageValues, reverse: hubspotDealStageReverse } }),
        // Pipedrive keeps a deal's stage in status (won/lost) and stage_id: its connector joins them into stage_name.
        from(PD, H, 'stage_name', { name: 'picklist', options: { values: pipedriveDealStageValues, reverse: pipedriveDealStageReverse } }),
        // Dataverse keeps it in statecode (Won/Lost) and salesstage: its connector joins them into stage_name too.
        from(DY, D, 'stage_name', { name: 'picklist', options: { values: dynamicsDealStageValues, reverse: dynamicsDealStageReverse } }),
        // Zoho keeps the stage in one picklist, closed stages included.
        from(ZO, Z, 'Stage', { name: 'picklist', options: { values: zohoDealStageValues, reverse: zohoDealStageReverse } }),
      ],
    },
    closeDate: {
      type: 'Date',
      mappings: [
        from(SF, O, 'CloseDate', { name: 'date', options: { writeAs: 'isoDate' } }),
        from(HS, H, 'closedate', { name: 'date', options: { writeAs: 'epochMs' } }),
        from(PD, H, 'expected_close_date', { name: 'date', options: { writeAs: 'isoDate' } }),
        from(DY, D, 'estimatedclosedate', { name: 'date', options: { writeAs: 'isoDate' } }),
        from(ZO, Z, 'Closing_Date', { name: 'date', options: { writeAs: 'isoDate' } }),
      ],
    },
    // HubSpot links a deal to its company by association and Pipedrive by org_id, not by a name: only Salesforce maps here.
    companyName: { type: 'String', mappings: [from(SF, O, 'Account.Name', undefined, false)] },
  },
  // HubSpot links deals by association (no property holds them): its connector reads them into the synthetic reference
  // fields associatedcompanyid (the primary company) and associatedcontactid. Salesforce and Pipedrive set theirs by
  // hand on the deal, so they come first.
  relations: {
    company: {
      target: 'Company',
      inverse: 'deals',
      description: 'The company the deal is with.',
      rule: { strategy: 'source-priority', sourcePriority: [SF, DY, PD, ZO, HS] },
      mappings: [
        { crm: SF, objectType: O, from: 'AccountId', targetObjectType: 'Account' },
        { crm: DY, objectType: D, from: 'parentaccountid', targetObjectType: 'accounts' },
        { crm: ZO, objectType: Z, from: 'Account_Name', targetObjectType: 'Accounts' },
        { crm: PD, objectType: H, from: 'org_id', targetObjectType: 'organizations' },
        { crm: HS, objectType: H, from: 'associatedcompanyid', targetObjectType: 'companies' },
      ],
    },
    contact: {
      target: 'Customer',
      inverse: 'deals',
      description: 'The deal\'s main contact person.',
      rule: { strategy: 'source-priority', sourcePriority: [SF, DY, PD, ZO, HS] },
      mappings: [
        { crm: SF, objectType: O, from: 'ContactId', targetObjectType: 'Contact' },
        { crm: DY, objectType: D, from: 'parentcontactid', targetObjectType: 'contacts' },
        { crm: ZO, objectType: Z, from: 'Contact_Name', targetObjectType: 'Contacts' },
        { crm: PD, objectType: H, from: 'person_id', targetObjectType: 'persons' },
        { crm: HS, objectType: H, from: 'associatedcontactid', targetObjectType: 'contacts' },
      ],
    },
  },
};
