/**
 * The demo's third CRM: one sales division works in Pipedrive (crm-wire-formats.md §4, API v2 record shapes).
 * Every fourth company of the demo world is that division's: its people are Pipedrive persons too (most of them;
 * the same people the other CRMs hold, by work email), the company an organization, its deals Pipedrive deals.
 *
 * Drawn from a PRNG of its own, after the Salesforce and HubSpot records: adding this CRM changes none of their
 * records. The ground truth (truth.ts) does not list Pipedrive records; a person's Pipedrive record has the same
 * work email as the person's other records, which is how they are joined.
 */
import { formatPhone } from './formats.ts';
import type { PhoneStyle } from './formats.ts';
import { CLOSED_LOST_STAGE, CLOSED_WON_STAGE, SALESFORCE_STAGES } from './model.ts';
import type { DemoCompany, DemoDeal, DemoPerson } from './model.ts';
import { Prng } from './prng.ts';
import { DAY_MS, DEMO_REFERENCE_DATE_MS } from './timestamps.ts';

/** A v2-shaped record as the Pipedrive sandbox loads it (ids and times kept). */
export type PipedriveDemoRecord = Record<string, unknown> & { id: number; add_time: string; update_time: string };

export interface PipedriveDemoSeed {
  persons: PipedriveDemoRecord[];
  organizations: PipedriveDemoRecord[];
  deals: PipedriveDemoRecord[];
}

/** Which companies the Pipedrive division owns: every fourth one (never a Lead-only prospect). */
export const PIPEDRIVE_DIVISION_EVERY = 4;
const PERSON_SHARE = 0.8;
const DEAL_SHARE = 0.7;
// Pipedrive's own salt, so its draws never depend on (or disturb) the other CRMs' sequence.
const SALT = 0x50d;

/** RFC 3339 UTC, second precision: what Pipedrive v2 answers. */
export function pipedriveDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The deal's stage in Pipedrive's default pipeline (the sandbox's stage ids 1-5: Qualified, Contact Made, Demo
 * Scheduled, Proposal Made, Negotiations Started), nearest to the Salesforce stage the other CRMs hold; a won or lost
 * deal stays in the stage it closed from, the last one. Without it every deal would sit in the first stage.
 */
const PIPEDRIVE_STAGE_ID: Record<string, number> = {
  Prospecting: 1, Qualification: 1, 'Needs Analysis': 2, 'Value Proposition': 3, 'Id. Decision Makers': 3,
  'Perception Analysis': 4, 'Proposal/Price Quote': 4, 'Negotiation/Review': 5, 'Closed Won': 5, 'Closed Lost': 5,
};

export function renderPipedrive(seed: number, companies: DemoCompany[], people: DemoPerson[], deals: DemoDeal[]): PipedriveDemoSeed {
  const rng = new Prng(seed ^ SALT);
  const out: PipedriveDemoSeed = { persons: [], organizations: [], deals: [] };
  const division = companies.filter((c) => c.presence !== 'prospect').filter((_, i) => i % PIPEDRIVE_DIVISION_EVERY === 1);
  const orgIds = new Map<DemoCompany, number>();
  const clock = () => {
    const updated = DEMO_REFERENCE_DATE_MS - rng.int(1, 90 * 24) * (DAY_MS / 24) - rng.int(0, 3599) * 1000;
    return { add_time: pipedriveDateTime(updated - rng.int(30, 400) * DAY_MS), update_time: pipedriveDateTime(updated) };
  };

  for (const company of division) {
    const id = out.organizations.length + 1;
    orgIds.set(company, id);
    out.organizations.push({ id, name: rng.chance(0.5) ? company.legalName : company.brand, ...clock() });
  }

  const personIds = new Map<DemoPerson, number>();
  for (const person of people) {
    const orgId = orgIds.get(person.company);
    if (orgId === undefined || person.salesforceObject === 'Lead' || !rng.chance(PERSON_SHARE)) continue;
    const id = 1001 + out.persons.length;
    personIds.set(person, id);
    const firstName = person.nickname && rng.chance(0.3) ? person.nickname : person.firstName;
    const style = rng.weighted<PhoneStyle>([['e164', 3], ['intl-spaced', 3], ['dashed', 1]]);
    out.persons.push({
      id,
      name: `${firstName} ${person.lastName}`,
      first_name: firstName,
      last_name: person.lastName,
      org_id: orgId,
      emails: [{ value: person.email, primary: true, label: 'work' }],
      phones: [{ value: formatPhone(person.phone, style), primary: true, label: 'work' }],
      ...clock(),
    });
  }

  for (const deal of deals) {
    const orgId = orgIds.get(deal.company);
    const view = deal.views.salesforce ?? deal.views.hubspot;
    if (orgId === undefined || !view || !rng.chance(DEAL_SHARE)) continue;
    const personId = deal.contact ? personIds.get(deal.contact) : undefined;
    out.deals.push({
      id: out.deals.length + 1,
      title: view.name,
      value: view.amount,
      currency: 'USD',
      status: view.stage === CLOSED_WON_STAGE ? 'won' : view.stage === CLOSED_LOST_STAGE ? 'lost' : 'open',
      stage_id: PIPEDRIVE_STAGE_ID[SALESFORCE_STAGES[view.stage]?.name ?? ''] ?? 1,
      expected_close_date: new Date(view.closeMs).toISOString().slice(0, 10),
      org_id: orgId,
      ...(personId !== undefined ? { person_id: personId } : {}),
      ...clock(),
    });
  }
  return out;
}
