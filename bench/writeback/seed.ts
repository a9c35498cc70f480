/**
 * A seed folder in the sandbox seed format where every person is in BOTH CRMs (one Salesforce Contact, one HubSpot
 * contact, linked by email), taken from the deterministic demo generator: the write-back bench and the chaos run
 * need N customers that each have a record on both sides. The default demo set (`npm start`) is not touched: this
 * asks the generator for a larger world and keeps only its clean overlapping people (email-linked, no duplicates,
 * no planted identity traps) and their companies; deals, opportunities and leads are left out.
 */
import { generateDemoSeed, writeSeedFolder } from '../../sandboxes/demo/index.ts';

export interface BothCrmSeed {
  dir: string;
  /** Salesforce Contact id and HubSpot contact id per person, in generator order. */
  people: { email: string; salesforceId: string; hubspotId: string }[];
}

export function writeBothCrmSeed(dir: string, customers: number, seed = 20261123): BothCrmSeed {
  // ~36% of the generator's people are clean overlaps; ask for enough and keep the first `customers`.
  const world = generateDemoSeed({ customers: Math.ceil(customers * 3) + 60, seed });
  const chosen = world.truth.people
    .filter((p) => p.presence === 'both' && p.link === 'email' && !p.hardNegative && p.salesforce.length === 1 && p.hubspot.length === 1 && p.salesforce[0]!.object === 'Contact')
    .slice(0, customers);
  if (chosen.length < customers) throw new Error(`the generator gave only ${chosen.length} clean overlapping people, ${customers} wanted`);
  const sfIds = new Set(chosen.map((p) => p.salesforce[0]!.id));
  const hsIds = new Set(chosen.map((p) => p.hubspot[0]!.id));
  writeSeedFolder(dir, {
    salesforce: { ...world.salesforce, Contact: world.salesforce.Contact.filter((c) => sfIds.has(c.Id)), Opportunity: [], Lead: [] },
    hubspot: { ...world.hubspot, contacts: world.hubspot.contacts.filter((c) => hsIds.has(c.id)), deals: [] },
  });
  return { dir, people: chosen.map((p) => ({ email: p.email, salesforceId: p.salesforce[0]!.id, hubspotId: p.hubspot[0]!.id })) };
}
