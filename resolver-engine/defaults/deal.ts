/** Golden Deal ← Salesforce Opportunity + HubSpot deals. */
import type { MappingConfigInput } from '../mapping/schema.ts';
import { from, hubspot, salesforce } from './objects.ts';
import { hubspotDealStageReverse, hubspotDealStageValues, salesforceStageValues } from './picklists.ts';

const SF = 'salesforce';
const HS = 'hubspot';
const O = 'Opportunity';
const H = 'deals';

export const defaultDealType: MappingConfigInput['types'][string] = {
  description: 'A sales opportunity, merged from every CRM deal linked to it.',
  objects: [salesforce(O), hubspot(H)],
  fields: {
    name: { type: 'String', mappings: [from(SF, O, 'Name'), from(HS, H, 'dealname')] },
    amount: { type: 'Float', mappings: [from(SF, O, 'Amount', { name: 'number' }), from(HS, H, 'amount', { name: 'number', options: { writeAs: 'string' } })] },
    stage: {
      type: 'String',
      mappings: [
        from(SF, O, 'StageName', { name: 'picklist', options: { values: salesforceStageValues } }),
        from(HS, H, 'dealstage', { name: 'picklist', options: { values: hubspotDealStageValues, reverse: hubspotDealStageReverse } }),
      ],
    },
    closeDate: {
      type: 'Date',
      mappings: [
        from(SF, O, 'CloseDate', { name: 'date', options: { writeAs: 'isoDate' } }),
        from(HS, H, 'closedate', { name: 'date', options: { writeAs: 'epochMs' } }),
      ],
    },
    // HubSpot links a deal to its company by association, not by a property, so only Salesforce maps here.
    companyName: { type: 'String', mappings: [from(SF, O, 'Account.Name', undefined, false)] },
  },
};
