/**
 * Shared state of one generation run: the seeded random stream, id factories, and the registries that keep
 * phone numbers and emails unique (so the only shared values in the set are the ones placed on purpose).
 */
import { CITIES, type City, type CountryCode, STREET_NAMES, STREET_TYPES } from './places.ts';
import { type PhoneNumber, type PostalAddress, phoneE164 } from './formats.ts';
import { Prng } from './prng.ts';
import { SalesforceIdFactory } from './salesforce-id.ts';
import { DAY_MS, DEMO_REFERENCE_DATE_MS } from './timestamps.ts';
import type { RecordClock } from './model.ts';

const HOUR_MS = 3_600_000;
/** Modification times fall in this window before the reference date. */
const EDIT_WINDOW_MS = 90 * DAY_MS;

/** First HubSpot id per object; ids then grow in creation order, as in a real portal. */
const HUBSPOT_ID_BASE = { contact: 1001, company: 9001, deal: 15001 } as const;

export class GeneratorContext {
  readonly rng: Prng;
  readonly salesforceIds: SalesforceIdFactory;
  private readonly hubspotNext: Record<keyof typeof HUBSPOT_ID_BASE, number> = { ...HUBSPOT_ID_BASE };
  private readonly phones = new Set<string>();
  private readonly emails = new Set<string>();

  constructor(seed: number) {
    this.rng = new Prng(seed);
    this.salesforceIds = new SalesforceIdFactory(this.rng);
  }

  hubspotId(object: keyof typeof HUBSPOT_ID_BASE): string {
    return String(this.hubspotNext[object]++);
  }

  cityIn(country: CountryCode): City {
    return this.rng.pick(CITIES.filter((c) => c.country === country));
  }

  /** A landline in the city, unique in the whole set. Fictional ranges first (555-01xx, Ofcom drama numbers). */
  phoneIn(city: City): PhoneNumber {
    const d = (n: number) => Array.from({ length: n }, () => String(this.rng.int(0, 9))).join('');
    return this.uniquePhone((attempt) => {
      if (city.country === 'DE') return { country: 'DE', groups: [city.areaCode, String(this.rng.int(2, 9)) + d(6)] };
      if (attempt < 40) {
        const line = city.country === 'US' ? `01${d(2)}` : `0${d(3)}`;
        return { country: city.country, groups: [city.areaCode, city.exchange, line] };
      }
      return { country: city.country, groups: [city.areaCode, String(this.rng.int(2, 9)) + d(2), d(4)] };
    });
  }

  /** A mobile number: US mobiles look like landlines; UK 07700 900xxx (drama range); DE 015x. */
  mobileIn(city: City): PhoneNumber {
    if (city.country === 'US') return this.phoneIn(city);
    const d = (n: number) => Array.from({ length: n }, () => String(this.rng.int(0, 9))).join('');
    return this.uniquePhone((attempt) =>
      city.country === 'GB'
        ? { country: 'GB', groups: attempt < 40 ? ['7700', '900', d(3)] : ['7' + d(3), d(6)] }
        : { country: 'DE', groups: [this.rng.pick(['151', '160', '170', '176']), d(8)] },
    );
  }

  private uniquePhone(make: (attempt: number) => PhoneNumber): PhoneNumber {
    for (let attempt = 0; ; attempt++) {
      const phone = make(attempt);
      const key = phoneE164(phone);
      if (!this.phones.has(key)) {
        this.phones.add(key);
        return phone;
      }
    }
  }

  /** Claims `local@domain`, adding a digit when the address is taken (a second John Smith at the same firm). */
  claimEmail(local: string, domain: string): string {
    const clean = local.toLowerCase().replace(/[^a-z0-9._-]/g, '');
    for (let n = 1; ; n++) {
      const email = `${n === 1 ? clean : clean + n}@${domain}`;
      if (!this.emails.has(email)) {
        this.emails.add(email);
        return email;
      }
    }
  }

  addressIn(city: City, withUnit: boolean): PostalAddress {
    const country = city.country;
    const unit = !withUnit
      ? null
      : country === 'US' ? `Suite ${this.rng.int(1, 30)}00` : country === 'GB' ? `Floor ${this.rng.int(1, 9)}` : null;
    return {
      city,
      houseNumber: String(country === 'DE' ? this.rng.int(1, 180) : this.rng.int(1, 2400)),
      streetName: this.rng.pick(STREET_NAMES[country]),
      streetType: this.rng.pick(STREET_TYPES[country]),
      unit,
      postalCode: this.rng.pick(city.postalCodes),
    };
  }

  /** A creation time well before the edit window: 120 days to ~4 years before the reference date. */
  createdTime(): number {
    return DEMO_REFERENCE_DATE_MS - this.rng.int(120, 1400) * DAY_MS - this.rng.int(0, DAY_MS - 1);
  }

  /** A modification time in the last 90 days, never before `notBeforeMs` nor after `notAfterMs`. */
  editTime(notBeforeMs = 0, notAfterMs = DEMO_REFERENCE_DATE_MS - HOUR_MS): number {
    const from = Math.max(DEMO_REFERENCE_DATE_MS - EDIT_WINDOW_MS, notBeforeMs);
    const to = Math.max(from, notAfterMs);
    return from + Math.floor(this.rng.next() * (to - from));
  }

  /** SystemModstamp: usually equal to LastModifiedDate, sometimes a little later (automation touched it). */
  modstamp(modifiedMs: number): number {
    return this.rng.chance(0.2) ? modifiedMs + this.rng.int(1, 300) * 1000 : modifiedMs;
  }

  clock(createdMs = this.createdTime(), notBeforeMs = 0, notAfterMs?: number): RecordClock {
    const modifiedMs = this.editTime(Math.max(notBeforeMs, createdMs + HOUR_MS), notAfterMs);
    return { createdMs, modifiedMs, modstampMs: this.modstamp(modifiedMs) };
  }

  /** Two clocks for the same thing in two CRMs: the newer one edited at least a day after the older. */
  clockPair(createdMs?: number): { older: RecordClock; newer: RecordClock } {
    const olderModified = this.editTime(0, DEMO_REFERENCE_DATE_MS - 2 * DAY_MS);
    const older = { createdMs: createdMs ?? this.createdTime(), modifiedMs: olderModified, modstampMs: this.modstamp(olderModified) };
    const newer = this.clock(createdMs ?? this.createdTime(), olderModified + DAY_MS);
    return { older, newer };
  }
}
