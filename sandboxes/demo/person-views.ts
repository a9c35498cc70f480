/**
 * The records of one person: which values each CRM holds. For people in both CRMs this is where the realistic
 * conflicts are made (and written down in the ground truth): phone formats, a stale title on the side edited
 * longer ago, a nickname, an accent lost in an import, a hand-typed email with capitals and a stray space,
 * a value missing on one side, abbreviated addresses, a personal email on one side and a work one on the other.
 */
import type { GeneratorContext } from './context.ts';
import {
  type AddressStyle, PLAIN_ADDRESS_STYLE, type PhoneStyle, formatAddress, formatPhone, messyEmail, variantAddressStyle,
} from './formats.ts';
import { type Crm, type DemoPerson, PERSON_CONFLICTS, type PersonConflict, type PersonView, type RecordClock } from './model.ts';
import { PERSONAL_EMAIL_DOMAINS, foldToAscii, hasDiacritics } from './names.ts';

const HOUR_MS = 3_600_000;
type Field = 'phone' | 'mobile' | 'title' | 'address';

/** Salesforce's UI formats 10-digit US numbers as (415) 555-0100; HubSpot keeps what forms and imports sent. */
function salesforcePhoneStyle(ctx: GeneratorContext, person: DemoPerson): PhoneStyle {
  return person.phone.country === 'US'
    ? ctx.rng.weighted([['paren', 6], ['dashed', 2], ['dotted', 1], ['intl-spaced', 1]])
    : ctx.rng.weighted([['national', 3], ['intl-spaced', 2]]);
}
function hubspotPhoneStyle(ctx: GeneratorContext, except?: PhoneStyle): PhoneStyle {
  const styles: [PhoneStyle, number][] = [['intl-spaced', 4], ['e164', 3], ['national', 2], ['paren', 1], ['dashed', 1], ['dotted', 1]];
  return ctx.rng.weighted(styles.filter(([s]) => s !== except));
}

/** How often a conflict appears beyond the one each overlapping person is guaranteed. */
const EXTRA_CONFLICT_CHANCE: Record<PersonConflict, number> = {
  'phone-format': 0.55, 'address-abbreviation': 0.4, 'stale-title': 0.25, nickname: 0.5, accent: 0.7,
  'email-case': 0.2, 'missing-value': 0.25, 'personal-vs-work-email': 0,
};

interface SideValues {
  firstName: string;
  lastName: string;
  email: string;
  phoneStyle: PhoneStyle;
  title: string;
  addressStyle: AddressStyle;
  missing: Set<Field>;
}

function applicable(person: DemoPerson, kind: PersonConflict): boolean {
  const nameMustMatch = person.link === 'name+phone';
  if (kind === 'nickname') return person.nickname !== null && !nameMustMatch;
  if (kind === 'accent') return hasDiacritics(person.firstName + person.lastName) && !nameMustMatch;
  if (kind === 'personal-vs-work-email') return person.personalEmail !== null;
  return true;
}

export function buildPersonViews(ctx: GeneratorContext, person: DemoPerson, mandatory: PersonConflict | null): void {
  const { rng } = ctx;
  const base = (phoneStyle: PhoneStyle): SideValues => ({
    firstName: person.firstName, lastName: person.lastName, email: person.email, phoneStyle,
    title: person.title, addressStyle: PLAIN_ADDRESS_STYLE, missing: new Set(),
  });
  if (person.presence !== 'both') {
    const crm = person.presence;
    const style = crm === 'salesforce' ? salesforcePhoneStyle(ctx, person) : hubspotPhoneStyle(ctx);
    person.views[crm].push(makeView(ctx, person, crm, ctx.clock(), base(style), false));
    return;
  }
  // The personal email is placed first so a hand-typed (messy) email applies to whichever address Salesforce holds.
  const kinds: PersonConflict[] = ['personal-vs-work-email', ...PERSON_CONFLICTS];
  const conflicts = kinds.filter((k) => (k === mandatory || rng.chance(EXTRA_CONFLICT_CHANCE[k])) && applicable(person, k));
  const newerSide: Crm = rng.chance(0.5) ? 'salesforce' : 'hubspot';
  const olderSide: Crm = newerSide === 'salesforce' ? 'hubspot' : 'salesforce';
  const sfStyle = salesforcePhoneStyle(ctx, person);
  const sides: Record<Crm, SideValues> = {
    salesforce: base(sfStyle),
    hubspot: base(conflicts.includes('phone-format') ? hubspotPhoneStyle(ctx, sfStyle) : sfStyle),
  };
  const randomSide = (): Crm => (rng.chance(0.5) ? 'salesforce' : 'hubspot');
  const notes: string[] = [`${newerSide} edited more recently`];
  for (const kind of conflicts) {
    switch (kind) {
      case 'phone-format':
        notes.push(`phone written as '${formatPhone(person.phone, sides.salesforce.phoneStyle)}' vs '${formatPhone(person.phone, sides.hubspot.phoneStyle)}'`);
        break;
      case 'nickname': {
        const side = randomSide();
        sides[side].firstName = person.nickname ?? person.firstName;
        notes.push(`${side}: nickname '${sides[side].firstName}' for ${person.firstName}`);
        break;
      }
      case 'accent': {
        const side = randomSide();
        sides[side].firstName = foldToAscii(sides[side].firstName);
        sides[side].lastName = foldToAscii(sides[side].lastName);
        notes.push(`${side}: name without diacritics '${sides[side].firstName} ${sides[side].lastName}'`);
        break;
      }
      case 'email-case':
        // HubSpot lowercases emails on save; the hand-typed variant lives in Salesforce.
        sides.salesforce.email = messyEmail(rng, sides.salesforce.email);
        notes.push(`salesforce: email typed as ${JSON.stringify(sides.salesforce.email)}`);
        break;
      case 'personal-vs-work-email': {
        const side = randomSide();
        sides[side].email = person.personalEmail ?? person.email;
        notes.push(`${side}: personal email ${sides[side].email}; only name + phone link the records`);
        break;
      }
      case 'stale-title':
        sides[olderSide].title = person.previousTitle;
        notes.push(`${olderSide}: stale title '${person.previousTitle}' (now '${person.title}')`);
        break;
      case 'address-abbreviation': {
        const side = randomSide();
        sides[side].addressStyle = { ...variantAddressStyle(rng, PLAIN_ADDRESS_STYLE), unitOnNewLine: side === 'salesforce' };
        notes.push(`${side}: address written differently`);
        break;
      }
      case 'missing-value': {
        // The phone carries the name+phone link and the colleagues' shared line, so it stays on both sides there.
        const keepPhone = person.link === 'name+phone' || person.hardNegative !== null || person.phone === person.company.mainPhone;
        const fields: Field[] = ['title', 'address', ...(keepPhone ? [] : ['phone' as const]), ...(person.mobile ? ['mobile' as const] : [])];
        const field = rng.pick(fields);
        const side = randomSide();
        sides[side].missing.add(field);
        notes.push(`${side}: no ${field}`);
        break;
      }
    }
  }
  const { older, newer } = ctx.clockPair();
  for (const crm of ['salesforce', 'hubspot'] as const) {
    person.views[crm].push(makeView(ctx, person, crm, crm === newerSide ? newer : older, sides[crm], false));
  }
  person.conflicts = conflicts;
  person.newerSide = newerSide;
  person.notes = notes;
}

/** A second record of the person in the same CRM, as list imports and web forms create them. */
export function addDuplicateView(ctx: GeneratorContext, person: DemoPerson, crm: Crm): void {
  const { rng } = ctx;
  const primary = person.views[crm][0];
  if (!primary) return;
  const values: SideValues = {
    firstName: person.nickname && rng.chance(0.6) ? person.nickname : person.firstName,
    lastName: person.lastName,
    // Salesforce happily stores the same email twice; HubSpot's email is unique, so its duplicate has another.
    email: crm === 'salesforce'
      ? messyEmail(rng, person.email)
      : ctx.claimEmail(`${person.email.split('@')[0] ?? 'contact'}${rng.int(1, 99)}`, rng.pick(PERSONAL_EMAIL_DOMAINS[person.phone.country])),
    phoneStyle: hubspotPhoneStyle(ctx),
    title: person.previousTitle,
    addressStyle: PLAIN_ADDRESS_STYLE,
    missing: new Set<Field>(crm === 'salesforce' ? ['phone', 'address'] : ['mobile', 'address']),
  };
  const clock = ctx.clock(ctx.createdTime(), 0, primary.modifiedMs - HOUR_MS);
  const view = makeView(ctx, person, crm, clock, values, true);
  person.views[crm].push(view);
  person.notes.push(`${crm}: duplicate record ${view.id} (${view.firstName} ${view.lastName}, ${JSON.stringify(view.email)})`);
}

function makeView(ctx: GeneratorContext, person: DemoPerson, crm: Crm, clock: RecordClock, v: SideValues, duplicate: boolean): PersonView {
  const has = (field: Field) => !v.missing.has(field);
  return {
    ...clock,
    id: crm === 'salesforce' ? ctx.salesforceIds.next(person.salesforceObject) : ctx.hubspotId('contact'),
    object: crm === 'salesforce' ? person.salesforceObject : 'contact',
    firstName: v.firstName,
    lastName: v.lastName,
    email: v.email,
    phone: has('phone') ? formatPhone(person.phone, v.phoneStyle) : null,
    mobile: person.mobile && has('mobile') ? formatPhone(person.mobile, v.phoneStyle) : null,
    title: has('title') ? v.title : null,
    department: person.department,
    address: has('address') ? formatAddress(person.address, v.addressStyle) : null,
    companyName: crm === 'hubspot' ? (person.company.views.hubspot?.name ?? person.company.brand) : person.company.legalName,
    duplicate,
  };
}
