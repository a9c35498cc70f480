/**
 * The people of the demo set and where each one is recorded: ~40% in both CRMs, ~35% only in Salesforce
 * (a quarter of those as Leads), ~25% only in HubSpot. Also places the deliberate hard cases: people joined
 * only by name + phone, two colleagues sharing the company's main line, a household sharing one email, and
 * a few duplicates inside one CRM.
 */
import type { GeneratorContext } from './context.ts';
import type { PostalAddress } from './formats.ts';
import { type DemoCompany, type DemoPerson, PERSON_CONFLICTS, type PersonConflict, type Presence } from './model.ts';
import {
  ACCENTED_FIRST_NAMES, ACCENTED_LAST_NAMES, CONTACT_NOTES, FIRST_NAMES_WITH_NICKNAMES, JOB_TRACKS,
  PERSONAL_EMAIL_DOMAINS, PLAIN_FIRST_NAMES, PLAIN_LAST_NAMES, foldToAscii,
} from './names.ts';
import type { City } from './places.ts';
import { addDuplicateView, buildPersonViews } from './person-views.ts';

export interface PeopleCounts {
  both: number;
  salesforceOnly: number;
  hubspotOnly: number;
  /** People in both CRMs whose records share only name + phone (personal vs work email). */
  hardLinks: number;
  leads: number;
  household: boolean;
  colleagues: boolean;
  salesforceDuplicates: number;
  hubspotDuplicates: number;
}

export function peopleCounts(customers: number): PeopleCounts {
  const both = Math.round(customers * 0.4);
  const salesforceOnly = Math.round(customers * 0.35);
  const hubspotOnly = customers - both - salesforceOnly;
  const hardLinks = Math.min(both, customers >= 40 ? Math.max(5, Math.round(customers / 40)) : Math.floor(both / 10));
  const leads = Math.round(salesforceOnly * 0.25);
  return {
    both, salesforceOnly, hubspotOnly, hardLinks, leads,
    household: customers >= 20 && salesforceOnly - leads >= 1 && hubspotOnly >= 1,
    colleagues: customers >= 20 && both - hardLinks >= 2,
    salesforceDuplicates: Math.round(customers / 75),
    hubspotDuplicates: Math.round(customers / 100),
  };
}

type Role = 'regular' | 'hard-link' | 'colleague' | 'household';

interface Slot {
  presence: Presence;
  salesforceObject: 'Contact' | 'Lead';
  role: Role;
  /** A conflict this person is guaranteed to show, so every kind appears whatever the seed. */
  mandatory: PersonConflict | null;
}

function planSlots(c: PeopleCounts): Slot[] {
  const slots: Slot[] = [];
  const add = (n: number, make: (i: number) => Slot) => { for (let i = 0; i < n; i++) slots.push(make(i)); };
  const colleagues = c.colleagues ? 2 : 0;
  const household = c.household ? 1 : 0;
  add(c.both - c.hardLinks, (i) => ({
    presence: 'both', salesforceObject: 'Contact', role: i < colleagues ? 'colleague' : 'regular',
    mandatory: PERSON_CONFLICTS[i % PERSON_CONFLICTS.length] ?? null,
  }));
  add(c.hardLinks, () => ({ presence: 'both', salesforceObject: 'Contact', role: 'hard-link', mandatory: 'personal-vs-work-email' }));
  add(c.salesforceOnly - c.leads, (i) => ({ presence: 'salesforce', salesforceObject: 'Contact', role: i < household ? 'household' : 'regular', mandatory: null }));
  add(c.leads, () => ({ presence: 'salesforce', salesforceObject: 'Lead', role: 'regular', mandatory: null }));
  add(c.hubspotOnly, (i) => ({ presence: 'hubspot', salesforceObject: 'Contact', role: i < household ? 'household' : 'regular', mandatory: null }));
  return slots;
}

interface Household {
  lastName: string;
  /** First names already used in the household: its members must differ by first name. */
  firstNames: string[];
  email: string;
  address: PostalAddress;
  city: City;
}

export function buildPeople(ctx: GeneratorContext, customers: number, companies: DemoCompany[], prospects: DemoCompany[]): DemoPerson[] {
  const { rng } = ctx;
  const counts = peopleCounts(customers);
  const slots = rng.shuffle(planSlots(counts));
  const colleagueCompany = companies.find((co) => co.presence === 'both');
  let household: Household | null = null;
  const people = slots.map((slot, i) => {
    if (slot.role === 'household' && !household) household = makeHousehold(ctx, companies);
    const company = slot.role === 'colleague' && colleagueCompany ? colleagueCompany : pickCompany(ctx, slot, companies, prospects);
    const person = makePerson(ctx, slot, `person-${String(i + 1).padStart(3, '0')}`, company, slot.role === 'household' ? household : null);
    buildPersonViews(ctx, person, slot.mandatory);
    return person;
  });
  markHardNegatives(people, slots);
  addDuplicates(ctx, people, slots, counts);
  return people;
}

function pickCompany(ctx: GeneratorContext, slot: Slot, companies: DemoCompany[], prospects: DemoCompany[]): DemoCompany {
  if (slot.salesforceObject === 'Lead' && prospects.length > 0) return ctx.rng.pick(prospects);
  // A person's company must exist in every CRM the person is in, so AccountId / associations always resolve.
  const eligible = companies.filter((co) => co.presence === 'both' || co.presence === slot.presence);
  return ctx.rng.weighted(eligible.map((co) => [co, co.weight] as const));
}

function makeHousehold(ctx: GeneratorContext, companies: DemoCompany[]): Household {
  const lastName = ctx.rng.pick(PLAIN_LAST_NAMES);
  const city = (companies[0]?.address.city.country === 'US' ? companies[0].address.city : null) ?? ctx.cityIn('US');
  return {
    lastName,
    firstNames: [],
    email: ctx.claimEmail(`the${foldToAscii(lastName)}s`, ctx.rng.pick(PERSONAL_EMAIL_DOMAINS.US)),
    address: ctx.addressIn(city, false),
    city,
  };
}

function chooseNames(ctx: GeneratorContext, mandatory: PersonConflict | null): { firstName: string; nickname: string | null; lastName: string } {
  const { rng } = ctx;
  const roll = rng.next();
  const wantsNickname = mandatory === 'nickname' || (mandatory !== 'accent' && roll < 0.22);
  const accentOnFirst = mandatory === 'accent' ? rng.chance(0.5) : !wantsNickname && roll < 0.32;
  const accentOnLast = mandatory === 'accent' ? !accentOnFirst : rng.chance(0.12);
  const [firstName, nickname] = wantsNickname
    ? rng.pick(FIRST_NAMES_WITH_NICKNAMES)
    : [rng.pick(accentOnFirst ? ACCENTED_FIRST_NAMES : PLAIN_FIRST_NAMES), null];
  const lastName = rng.pick(accentOnLast ? ACCENTED_LAST_NAMES : PLAIN_LAST_NAMES);
  return { firstName, nickname, lastName };
}

function emailLocal(ctx: GeneratorContext, firstName: string, lastName: string): string {
  const f = foldToAscii(firstName).toLowerCase().replace(/[^a-z]/g, '');
  const l = foldToAscii(lastName).toLowerCase().replace(/[^a-z]/g, '');
  return ctx.rng.weighted([[`${f}.${l}`, 60], [`${f.charAt(0)}${l}`, 25], [`${f}_${l}`, 5], [`${f}${l.charAt(0)}`, 10]]);
}

function makePerson(ctx: GeneratorContext, slot: Slot, key: string, company: DemoCompany, household: Household | null): DemoPerson {
  const { rng } = ctx;
  let names = chooseNames(ctx, slot.mandatory);
  while (household?.firstNames.includes(names.firstName)) names = chooseNames(ctx, slot.mandatory);
  household?.firstNames.push(names.firstName);
  const lastName = household?.lastName ?? names.lastName;
  const country = company.address.city.country;
  const city = household?.city ?? (rng.chance(0.6) ? company.address.city : ctx.cityIn(country));
  const personalEmail = slot.role === 'hard-link'
    ? ctx.claimEmail(`${emailLocal(ctx, names.firstName, lastName)}${rng.int(70, 99)}`, rng.pick(PERSONAL_EMAIL_DOMAINS[country]))
    : null;
  const job = rng.pick(JOB_TRACKS);
  const lifecycleStage = rng.weighted([['subscriber', 10], ['lead', 25], ['marketingqualifiedlead', 20], ['salesqualifiedlead', 15], ['customer', 15], ['evangelist', 5], ['other', 5]]);
  const isLead = slot.salesforceObject === 'Lead';
  return {
    key,
    presence: slot.presence,
    salesforceObject: slot.salesforceObject,
    firstName: names.firstName,
    nickname: names.nickname,
    lastName,
    email: household?.email ?? ctx.claimEmail(emailLocal(ctx, names.firstName, lastName), company.domain),
    personalEmail,
    // Colleagues share the company's main line: a phone-only matcher would wrongly merge them.
    phone: slot.role === 'colleague' ? company.mainPhone : ctx.phoneIn(city),
    mobile: rng.chance(0.55) ? ctx.mobileIn(city) : null,
    title: job.current,
    previousTitle: job.previous,
    department: job.department,
    address: household?.address ?? (rng.chance(0.5) && city === company.address.city ? company.address : ctx.addressIn(city, false)),
    company,
    leadSource: rng.weighted([['Web', 40], ['Phone Inquiry', 15], ['Partner Referral', 20], ['Purchased List', 10], ['Other', 15]]),
    optedOutOfEmail: rng.chance(0.06),
    note: rng.chance(0.2) ? rng.pick(CONTACT_NOTES) : null,
    lifecycleStage,
    leadStatus: isLead
      ? rng.weighted([['Open - Not Contacted', 4], ['Working - Contacted', 4], ['Closed - Not Converted', 1]])
      : ['lead', 'marketingqualifiedlead', 'salesqualifiedlead'].includes(lifecycleStage)
        ? rng.pick(['NEW', 'OPEN', 'IN_PROGRESS', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING', 'UNQUALIFIED'])
        : null,
    link: slot.presence === 'both' ? (slot.role === 'hard-link' ? 'name+phone' : 'email') : null,
    hardNegative: null,
    views: { salesforce: [], hubspot: [] },
    conflicts: [],
    newerSide: null,
    notes: [],
  };
}

function markHardNegatives(people: DemoPerson[], slots: Slot[]): void {
  for (const role of ['colleague', 'household'] as const) {
    const group = people.filter((_p, i) => slots[i]?.role === role);
    if (group.length < 2) continue;
    for (const person of group) {
      person.hardNegative = {
        kind: role === 'colleague' ? 'shared-company-phone' : 'shared-household-email',
        otherKeys: group.filter((o) => o !== person).map((o) => o.key),
      };
    }
  }
}

function addDuplicates(ctx: GeneratorContext, people: DemoPerson[], slots: Slot[], counts: PeopleCounts): void {
  const regular = people.filter((_p, i) => slots[i]?.role === 'regular');
  const inSalesforce = ctx.rng.shuffle(regular.filter((p) => p.views.salesforce[0]?.object === 'Contact'));
  for (const person of inSalesforce.slice(0, counts.salesforceDuplicates)) addDuplicateView(ctx, person, 'salesforce');
  const inHubSpot = ctx.rng.shuffle(regular.filter((p) => p.views.hubspot.length > 0 && p.views.salesforce.length < 2));
  for (const person of inHubSpot.slice(0, counts.hubspotDuplicates)) addDuplicateView(ctx, person, 'hubspot');
}
