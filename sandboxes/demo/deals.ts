/**
 * Deals: Salesforce Opportunities and HubSpot deals for the companies. Deals of companies in both CRMs are
 * often in both too, and then one side lags behind: an earlier stage, an older amount or close date.
 * A deal's contact becomes an 'opportunity' (open) or 'customer' (won) in HubSpot's lifecycle.
 */
import type { GeneratorContext } from './context.ts';
import {
  CLOSED_LOST_STAGE, CLOSED_WON_STAGE, type Crm, type DealConflict, type DealView, type DemoCompany, type DemoDeal,
  type DemoPerson, type Presence, type RecordClock,
} from './model.ts';
import { DEAL_PRODUCTS } from './names.ts';
import { DAY_MS, DEMO_REFERENCE_DATE_MS } from './timestamps.ts';

export function buildDeals(ctx: GeneratorContext, companies: DemoCompany[], people: DemoPerson[]): DemoDeal[] {
  const { rng } = ctx;
  const deals: DemoDeal[] = [];
  for (const company of companies) {
    if (company.presence === 'prospect') continue;
    const count = rng.weighted([[0, 25], [1, 35], [2, 25], [3, 15]]);
    const products = rng.shuffle(DEAL_PRODUCTS).slice(0, count);
    const staff = people.filter((p) => p.company === company);
    for (const product of products) {
      const presence: Presence = company.presence === 'both'
        ? rng.weighted([['both', 45], ['salesforce', 35], ['hubspot', 20]])
        : company.presence;
      const deal = makeDeal(ctx, `deal-${String(deals.length + 1).padStart(3, '0')}`, company, staff, presence, product);
      deals.push(deal);
    }
  }
  return deals;
}

function inCrm(person: DemoPerson, crm: Crm): boolean {
  return person.views[crm].length > 0 && person.salesforceObject === 'Contact';
}

function makeDeal(ctx: GeneratorContext, key: string, company: DemoCompany, staff: DemoPerson[], presence: Presence, product: string): DemoDeal {
  const { rng } = ctx;
  const crms: Crm[] = presence === 'both' ? ['salesforce', 'hubspot'] : [presence];
  // Prefer a contact the deal's CRMs all know, so the same person is on the deal in both.
  const candidates = staff.filter((p) => crms.every((crm) => inCrm(p, crm)));
  const fallback = staff.filter((p) => crms.some((crm) => inCrm(p, crm)));
  const contact = candidates.length > 0 ? rng.pick(candidates) : fallback.length > 0 ? rng.pick(fallback) : null;

  const stage = rng.weighted([[-1, 60], [CLOSED_WON_STAGE, 25], [CLOSED_LOST_STAGE, 15]]);
  const finalStage = stage === -1 ? rng.int(0, 7) : stage;
  const closed = finalStage >= CLOSED_WON_STAGE;
  const closeMs = DEMO_REFERENCE_DATE_MS + (closed ? -rng.int(10, 150) : rng.int(7, 180)) * DAY_MS;
  const amount = rng.int(10, 500) * 500;
  const createdMs = DEMO_REFERENCE_DATE_MS - rng.int(160, 600) * DAY_MS - rng.int(0, DAY_MS - 1);

  const conflicts: DealConflict[] = [];
  let newerSide: Crm | null = null;
  const lagging = { stage: finalStage, amount, closeMs };
  let clocks: Partial<Record<Crm, RecordClock>> = {};
  if (presence === 'both') {
    newerSide = rng.chance(0.5) ? 'salesforce' : 'hubspot';
    if (rng.chance(0.4) && finalStage > 0) {
      lagging.stage = closed ? rng.int(5, 7) : finalStage - rng.int(1, Math.min(2, finalStage));
      conflicts.push('stage');
    }
    if (rng.chance(0.3)) {
      lagging.amount = Math.round((amount * rng.int(80, 95)) / 100 / 500) * 500 || 500;
      if (lagging.amount !== amount) conflicts.push('amount');
    }
    if (rng.chance(0.25)) {
      lagging.closeMs = closeMs - rng.int(7, 45) * DAY_MS;
      conflicts.push('close-date');
    }
    const { older, newer } = ctx.clockPair(createdMs);
    clocks = newerSide === 'salesforce' ? { salesforce: newer, hubspot: older } : { salesforce: older, hubspot: newer };
  } else {
    clocks[presence] = ctx.clock(createdMs);
  }

  const views: Partial<Record<Crm, DealView>> = {};
  for (const crm of crms) {
    const companyView = company.views[crm];
    const clock = clocks[crm];
    if (!companyView || !clock) continue;
    const current = crm === newerSide || presence !== 'both';
    const values = current ? { stage: finalStage, amount, closeMs } : lagging;
    const contactView = contact && inCrm(contact, crm) ? contact.views[crm][0] : undefined;
    views[crm] = {
      ...clock,
      id: crm === 'salesforce' ? ctx.salesforceIds.next('Opportunity') : ctx.hubspotId('deal'),
      name: `${companyView.name} - ${product}`,
      ...values,
      companyId: companyView.id,
      contactId: contactView?.id ?? null,
    };
  }
  if (views.salesforce && views.hubspot && views.salesforce.name !== views.hubspot.name) conflicts.push('name');

  if (contact) {
    // HubSpot's lifecycle follows the deal: open → opportunity, won → customer (never backwards).
    if (finalStage === CLOSED_WON_STAGE) {
      contact.lifecycleStage = 'customer';
      contact.leadStatus = 'CONNECTED';
    } else if (!closed && contact.lifecycleStage !== 'customer') {
      contact.lifecycleStage = 'opportunity';
      contact.leadStatus = 'OPEN_DEAL';
    }
  }
  return { key, presence, company, contact, product, views, conflicts, newerSide };
}
