/**
 * A deterministic generator of person records as they appear across CRMs, with the right answer known:
 * every record carries the id of the person (entity) it describes. First it invents a world — companies
 * with a domain and a switchboard, people with work and private addresses, direct lines and mobiles,
 * households sharing an address and a landline, namesakes — then each person is written into one to five
 * CRM records the way people and integrations write them: nicknames, typos, number formats, company
 * suffixes, changed titles, maiden and married names, missing fields, several records in one CRM.
 *
 * Hard negatives are recorded as `sharedTags`: records of different people carrying the same tag share an
 * identifier by construction (a company phone, a household email or landline, a name, an email domain);
 * `hardNegativePairs` (hard-negatives.ts) lists the pairs.
 */
import type { Address } from './addresses.ts';
import { ADDRESS_RATES, AddressBook, writePostalCode, writeStreet } from './addresses.ts';
import type { CityInfo, Country } from './people-data.ts';
import {
  CITIES, COMPANY_WORDS_A, COMPANY_WORDS_B, COUNTRY_SPELLINGS, FEMALE_NAMES, FREEMAIL, LEGAL_SUFFIXES, MALE_NAMES,
  MOBILE_PREFIXES, SURNAMES, TITLES, TOP_LEVEL_DOMAIN,
} from './people-data.ts';
import type { PhoneNumber } from './noise.ts';
import { Rng, capitalise, emailTypo, emailVariant, formatPhone, nameCase, stripAccents, typos } from './noise.ts';

export type Crm = 'salesforce' | 'hubspot' | 'pipedrive';

/** One contact as a CRM holds it (the fields every CRM has, under neutral names). */
export interface GeneratedRecord {
  crm: Crm;
  recordId: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  mobilePhone: string | null;
  company: string | null;
  title: string | null;
  /** Mailing street line and postal code (Salesforce MailingStreet / MailingPostalCode, HubSpot address / zip). */
  street: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
}

export interface RecordTruth {
  /** The person this record describes: records with the same entity id are the same person. */
  entityId: string;
  /** Identifiers shared with OTHER people by construction (see hardNegativePairs). */
  sharedTags: string[];
}

/**
 * Which address a record carries, as relative weights: the person's primary address (work, else private),
 * the other one, the household's, or none. `standard` keeps to the noise the brief lists (an address is
 * mostly the same address, varied by case, dots, tags and typos); `harsh` was the first setting and makes
 * a second address common — there, even linking every pair with a common email, phone or company cannot
 * reach F1 0.97 (see docs/identity-resolution.md).
 */
export const EMAIL_PROFILES = Object.freeze({
  standard: { primary: 85, secondary: 8, household: 15, missing: 8, missingInHubspot: 3 },
  harsh: { primary: 60, secondary: 25, household: 30, missing: 12, missingInHubspot: 3 },
});
export type NoiseProfile = keyof typeof EMAIL_PROFILES;

export interface GeneratorOptions {
  /** Number of distinct people (default 5,000 → about 10,600 records). */
  entities?: number;
  seed?: number;
  /** Share of people who live with a partner sharing a household email (and often a landline). */
  householdRate?: number;
  /** Share of people who get a namesake: same first and last name, different person. */
  namesakeRate?: number;
  profile?: NoiseProfile;
}

export interface GeneratedPeople {
  records: GeneratedRecord[];
  /** Parallel to records. */
  truth: RecordTruth[];
  entityCount: number;
  options: Required<GeneratorOptions>;
}

interface Company {
  id: string;
  name: string;
  country: Country;
  city: CityInfo;
  domain: string;
  switchboard: PhoneNumber;
  /** The office: every colleague's record may carry it (B2B CRMs copy the account address onto contacts). */
  office: Address;
  emailPattern: 'first.last' | 'flast' | 'first' | 'first_last' | 'firstl';
}

interface Person {
  id: string;
  female: boolean;
  first: string;
  nicknames: readonly string[];
  last: string;
  /** A married name some records carry instead of `last` (the maiden name). */
  marriedLast: string | null;
  city: CityInfo;
  company: Company | null;
  title: string;
  workEmail: string | null;
  personalEmail: string | null;
  directPhone: PhoneNumber | null;
  mobile: PhoneNumber | null;
  household: { id: string; email: string; phone: PhoneNumber | null } | null;
  namesakeGroup: string | null;
  home: Address;
  /** Where a person who moved lived before: older records still carry it. */
  previousHome: Address | null;
}

const ascii = (name: string) => stripAccents(name).toLowerCase().replace(/[^a-z]/g, '');

class World {
  readonly companies: Company[] = [];
  private readonly companyWeights: number[] = [];
  private readonly usedEmails = new Set<string>();
  private readonly usedPhones = new Set<string>();
  readonly people: Person[] = [];
  readonly addresses: AddressBook;

  /** `addressRng` is a stream of its own, so the addresses leave every other field as it was before them. */
  constructor(readonly rng: Rng, entityCount: number, private readonly addressRng: Rng) {
    this.addresses = new AddressBook(addressRng);
    const count = Math.max(3, Math.round(entityCount / 7));
    const names = new Set<string>();
    for (let i = 0; i < count; i++) {
      let name = `${this.rng.pick(COMPANY_WORDS_A)} ${this.rng.pick(COMPANY_WORDS_B)}`;
      while (names.has(name)) name = `${this.rng.pick(COMPANY_WORDS_A)} ${name}`;
      names.add(name);
      const country = this.rng.weighted<Country>([['US', 60], ['GB', 20], ['DE', 20]]);
      const city = this.rng.pick(CITIES.filter((c) => c.country === country));
      this.companies.push({
        id: `c${i}`, name, country, city, domain: `${ascii(name)}.${TOP_LEVEL_DOMAIN[country]}`,
        switchboard: this.landline(city), office: this.addresses.office(city),
        emailPattern: this.rng.weighted([['first.last', 50], ['flast', 20], ['first', 8], ['first_last', 12], ['firstl', 10]]),
      });
      // Few big accounts, many small ones (Zipf-like), so some switchboards are shared by dozens.
      this.companyWeights.push((this.companyWeights.at(-1) ?? 0) + 1 / (i + 1) ** 0.8);
    }
  }

  pickCompany(except?: Company | null): Company {
    for (;;) {
      const roll = this.rng.next() * this.companyWeights.at(-1)!;
      let lo = 0;
      let hi = this.companyWeights.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.companyWeights[mid]! > roll) hi = mid;
        else lo = mid + 1;
      }
      const company = this.companies[lo]!;
      if (company !== except || this.companies.length === 1) return company;
    }
  }

  private uniquePhone(make: () => PhoneNumber): PhoneNumber {
    for (;;) {
      const phone = make();
      const key = phone.country + phone.national;
      if (!this.usedPhones.has(key)) {
        this.usedPhones.add(key);
        return phone;
      }
    }
  }

  landline(city: CityInfo): PhoneNumber {
    return this.uniquePhone(() => {
      const area = this.rng.pick(city.areaCodes);
      const subscriber = this.rng.digits(city.subscriberDigits);
      return { country: city.country, national: city.country === 'US' ? area + subscriber : `${area} ${subscriber}` };
    });
  }

  mobile(city: CityInfo): PhoneNumber {
    if (city.country === 'US') return this.landline(city);
    // Mobile numbers have 10 national digits in GB (7xxx xxxxxx) and 10–11 in DE (15x/16x/17x + 7–8).
    const digits = city.country === 'GB' ? 6 : this.rng.int(7, 8);
    return this.uniquePhone(() => ({ country: city.country, national: `${this.rng.pick(MOBILE_PREFIXES[city.country])} ${this.rng.digits(digits)}` }));
  }

  /** An address nobody else has; a clash (two John Smiths at one company) gets a number, as mail admins do. */
  uniqueEmail(local: string, domain: string): string {
    let candidate = `${local}@${domain}`;
    for (let n = 2; this.usedEmails.has(candidate); n++) candidate = `${local}${n}@${domain}`;
    this.usedEmails.add(candidate);
    return candidate;
  }

  workEmail(company: Company, first: string, last: string): string {
    const [f, l] = [ascii(first), ascii(last)];
    const local = { 'first.last': `${f}.${l}`, flast: `${f[0]}${l}`, first: f, first_last: `${f}_${l}`, firstl: `${f}${l[0]}` }[company.emailPattern];
    return this.uniqueEmail(local, company.domain);
  }

  personalEmail(country: Country, first: string, last: string): string {
    const [f, l] = [ascii(first), ascii(last)];
    const local = this.rng.pick([`${f}.${l}`, `${f}${l}${this.rng.int(60, 99)}`, `${f}_${l}`, `${f[0]}${l}${this.rng.int(1, 999)}`, `${l}.${f}`]);
    return this.uniqueEmail(local, this.rng.pick(FREEMAIL[country]));
  }

  newPerson(female: boolean, first: string, last: string, city?: CityInfo, exceptCompany?: Company | null): Person {
    const rng = this.rng;
    const company = rng.chance(0.9) ? this.pickCompany(exceptCompany) : null;
    // Most people live near where they work: the company's city, else another city of its country.
    const country = company?.country ?? rng.weighted<Country>([['US', 60], ['GB', 20], ['DE', 20]]);
    const home = city ?? (company && rng.chance(0.7) ? company.city : rng.pick(CITIES.filter((c) => c.country === country || rng.chance(0.05))));
    const married = female && rng.chance(0.12) ? rng.pick(SURNAMES.filter((s) => s !== last)) : null;
    const person: Person = {
      id: `p${this.people.length}`, female, first, nicknames: (female ? FEMALE_NAMES : MALE_NAMES)[first] ?? [],
      last, marriedLast: married, city: home, company, title: rng.pick(TITLES),
      // Addresses made before the marriage keep the maiden name, which is why married names still match.
      workEmail: company && rng.chance(0.95) ? this.workEmail(company, first, last) : null,
      personalEmail: rng.chance(0.45) ? this.personalEmail(home.country, first, last) : null,
      directPhone: company && rng.chance(0.6) ? this.landline(company.city) : null,
      mobile: rng.chance(0.55) ? this.mobile(home) : null,
      household: null, namesakeGroup: null,
      home: this.addresses.home(home), previousHome: this.previousHome(home),
    };
    this.people.push(person);
    return person;
  }

  /** Some people moved in the years their records span, mostly within their city. */
  private previousHome(home: CityInfo): Address | null {
    const rng = this.addressRng;
    if (!rng.chance(ADDRESS_RATES.moved)) return null;
    return this.addresses.home(rng.chance(0.8) ? home : rng.pick(CITIES.filter((c) => c.country === home.country)));
  }

  randomPerson(): Person {
    const female = this.rng.chance(0.5);
    const first = this.rng.pick(Object.keys(female ? FEMALE_NAMES : MALE_NAMES));
    return this.newPerson(female, first, this.rng.pick(SURNAMES));
  }

  /** A partner in the same home: another first name, usually the same last name, one shared household address. */
  partnerOf(base: Person): Person {
    const rng = this.rng;
    const female = !base.female;
    // Partners have different first names as written, nicknames included (no Alex and Alex).
    const taken = new Set([base.first, ...base.nicknames]);
    const pool = female ? FEMALE_NAMES : MALE_NAMES;
    const names = Object.keys(pool).filter((n) => !taken.has(n) && !(pool[n] ?? []).some((nick) => taken.has(nick)));
    const familyName = base.marriedLast ?? base.last;
    const partner = this.newPerson(female, rng.pick(names), rng.chance(0.8) ? familyName : rng.pick(SURNAMES), base.city);
    partner.marriedLast = null;
    const [a, b, l] = [ascii(base.first), ascii(partner.first), ascii(familyName)];
    const email = this.uniqueEmail(rng.pick([`the${l}s`, `${l}family`, `${a}and${b}`, `${a}.${b}.${l}`, `${l}.home`]), rng.pick(FREEMAIL[base.city.country]));
    const household = { id: `h${this.people.length}`, email, phone: rng.chance(0.6) ? this.landline(base.city) : null };
    base.household = household;
    partner.household = household;
    partner.home = base.home; // they live together: one home address, a hard negative like the household email
    return partner;
  }

  /** Same first and last name, another person: another employer, other addresses and numbers. */
  namesakeOf(base: Person): Person {
    const city = this.rng.chance(0.3) ? base.city : undefined;
    const twin = this.newPerson(base.female, base.first, base.last, city, base.company);
    twin.marriedLast = null;
    base.namesakeGroup ??= `n${base.id}`;
    twin.namesakeGroup = base.namesakeGroup;
    return twin;
  }
}

class RecordWriter {
  private readonly counters: Record<Crm, number> = { salesforce: 0, hubspot: 0, pipedrive: 0 };
  /** HubSpot deduplicates contacts by email, so one person's HubSpot records never share an address. */
  private readonly hubspotEmails = new Set<string>();

  constructor(private readonly rng: Rng, private readonly profile: NoiseProfile, private readonly addressRng: Rng) {}

  private recordId(crm: Crm): string {
    const n = ++this.counters[crm];
    if (crm === 'salesforce') return `003${n.toString(36).padStart(12, '0')}AAA`;
    return String(crm === 'hubspot' ? 1_000_000 + n * 7 : n);
  }

  private firstName(p: Person): string | null {
    const rng = this.rng;
    const shape = rng.weighted<'formal' | 'nick' | 'typo' | 'initial' | 'missing'>([['formal', 70], ['nick', p.nicknames.length > 0 ? 20 : 0], ['typo', 5], ['initial', 2], ['missing', 2]]);
    if (shape === 'missing') return null;
    const name = capitalise(shape === 'nick' ? rng.pick(p.nicknames) : p.first);
    if (shape === 'initial') return `${name[0]}.`;
    const typed = shape === 'typo' ? typos(rng, name) : name;
    return nameCase(rng, rng.chance(0.2) ? stripAccents(typed) : typed);
  }

  private lastName(p: Person): string | null {
    const rng = this.rng;
    const name = p.marriedLast && rng.chance(0.5) ? p.marriedLast : p.last;
    const shape = rng.weighted<'as-is' | 'typo' | 'missing'>([['as-is', 92], ['typo', 5], ['missing', 3]]);
    if (shape === 'missing') return null;
    const typed = shape === 'typo' ? typos(rng, name) : name;
    return nameCase(rng, rng.chance(0.2) ? stripAccents(typed) : typed);
  }

  private email(p: Person, crm: Crm, tags: string[]): string | null {
    const rng = this.rng;
    const weights = EMAIL_PROFILES[this.profile];
    const options: Array<[string, number]> = [];
    const [primary, secondary] = p.workEmail ? [p.workEmail, p.personalEmail] : [p.personalEmail, null];
    if (primary) options.push([primary, weights.primary]);
    if (secondary) options.push([secondary, weights.secondary]);
    if (p.household) options.push([p.household.email, weights.household]);
    // HubSpot is built around the email address (forms, sequences): its contacts rarely lack one.
    options.push(['', crm === 'hubspot' ? weights.missingInHubspot : weights.missing]);
    let email = rng.weighted(options);
    if (crm === 'hubspot' && email !== '') {
      const key = `${p.id}/${email}`;
      if (this.hubspotEmails.has(key)) email = options.map(([e]) => e).find((e) => e !== '' && !this.hubspotEmails.has(`${p.id}/${e}`)) ?? '';
      if (email !== '') this.hubspotEmails.add(`${p.id}/${email}`);
    }
    if (email === '') return null;
    // A mistyped address no longer carries the shared identifier, so it gets no tag.
    if (rng.chance(0.02)) return emailTypo(rng, emailVariant(rng, email));
    if (email === p.household?.email) tags.push(`household-email:${p.household.id}`);
    if (email === p.workEmail && p.company) tags.push(`domain:${p.company.domain}`);
    return emailVariant(rng, email);
  }

  private phone(p: Person, tags: string[]): string | null {
    const rng = this.rng;
    const options: Array<[string, number]> = [['missing', 25]];
    if (p.directPhone) options.push(['direct', 45]);
    if (p.company) options.push(['switchboard', 20]);
    if (p.household?.phone) options.push(['home', 20]);
    if (!p.directPhone && p.mobile) options.push(['mobile', 25]);
    const which = rng.weighted(options);
    if (which === 'missing') return null;
    if (which === 'switchboard') {
      tags.push(`company-phone:${p.company!.id}`);
      return formatPhone(rng, p.company!.switchboard, rng.chance(0.3) ? String(rng.int(100, 499)) : undefined);
    }
    if (which === 'home') {
      tags.push(`household-phone:${p.household!.id}`);
      return formatPhone(rng, p.household!.phone!);
    }
    return formatPhone(rng, which === 'direct' ? p.directPhone! : p.mobile!);
  }

  private company(p: Person): string | null {
    const rng = this.rng;
    if (!p.company || rng.chance(0.15)) return null;
    const { name, country } = p.company;
    const suffix = rng.pick(LEGAL_SUFFIXES[country]);
    return rng.weighted<string>([[name, 35], [`${name} ${suffix}`, 42], [`${name}, ${suffix}`, 8], [`${name} ${suffix}`.toUpperCase(), 5], [typos(rng, name), 5], [`The ${name}`, 5]]);
  }

  /**
   * The mailing address a record carries, if any: the office (for people with an employer, most often in
   * B2B CRMs) or the home — for a person who moved, in older records the previous home.
   */
  private address(p: Person, crm: Crm, tags: string[]): Address | null {
    const rng = this.addressRng;
    if (!rng.chance(ADDRESS_RATES.present[crm])) return null;
    if (p.company && rng.chance(ADDRESS_RATES.office)) {
      tags.push(`office-address:${p.company.id}`);
      return p.company.office;
    }
    if (p.previousHome && rng.chance(ADDRESS_RATES.previousHome)) return p.previousHome;
    if (p.household) tags.push(`household-address:${p.household.id}`);
    return p.home;
  }

  write(p: Person, crm: Crm): { record: GeneratedRecord; truth: RecordTruth } {
    const rng = this.rng;
    const tags: string[] = [];
    if (p.namesakeGroup) tags.push(`namesake:${p.namesakeGroup}`);
    const address = this.address(p, crm, tags);
    // City and country are part of the mailing address: those of the address the record carries.
    const place = address?.city ?? p.city;
    const record: GeneratedRecord = {
      crm, recordId: this.recordId(crm),
      firstName: this.firstName(p), lastName: this.lastName(p), email: this.email(p, crm, tags), phone: this.phone(p, tags),
      mobilePhone: p.mobile && rng.chance(0.45) ? formatPhone(rng, p.mobile) : null,
      company: this.company(p),
      // Titles change with promotions and differ between systems that were updated at different times.
      title: p.company && rng.chance(0.75) ? (rng.chance(0.7) ? p.title : rng.pick(TITLES)) : null,
      street: address ? writeStreet(this.addressRng, address) : null,
      postalCode: address ? writePostalCode(this.addressRng, address) : null,
      city: rng.chance(0.8) ? (rng.chance(0.1) ? stripAccents(place.city).toLowerCase() : place.city) : null,
      country: rng.chance(0.8) ? rng.pick(COUNTRY_SPELLINGS[place.country]) : null,
    };
    return { record, truth: { entityId: p.id, sharedTags: tags } };
  }
}

export const DEFAULT_GENERATOR_OPTIONS: Required<GeneratorOptions> = Object.freeze({
  entities: 5000, seed: 42, householdRate: 0.06, namesakeRate: 0.04, profile: 'standard' as NoiseProfile,
});

export function generatePeople(options: GeneratorOptions = {}): GeneratedPeople {
  const opts = { ...DEFAULT_GENERATOR_OPTIONS, ...options };
  const rng = new Rng(opts.seed);
  const addressRng = new Rng(opts.seed ^ 0x5eed);
  const world = new World(rng, opts.entities, addressRng);
  while (world.people.length < opts.entities) {
    const base = world.randomPerson();
    if (world.people.length < opts.entities && rng.chance(opts.householdRate)) world.partnerOf(base);
    if (world.people.length < opts.entities && rng.chance(opts.namesakeRate)) world.namesakeOf(base);
  }
  const writer = new RecordWriter(rng, opts.profile, addressRng);
  const rows: Array<{ record: GeneratedRecord; truth: RecordTruth }> = [];
  for (const person of world.people) {
    const count = rng.weighted([[1, 30], [2, 40], [3, 20], [4, 8], [5, 2]]);
    for (let i = 0; i < count; i++) rows.push(writer.write(person, rng.weighted<Crm>([['salesforce', 45], ['hubspot', 40], ['pipedrive', 15]])));
  }
  rng.shuffle(rows); // CRMs hand records over in no useful order
  return { records: rows.map((r) => r.record), truth: rows.map((r) => r.truth), entityCount: world.people.length, options: opts };
}
