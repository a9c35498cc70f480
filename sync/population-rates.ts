/**
 * The population's name and title rates (resolver-engine `PopulationRates`) for incremental identity runs. A
 * change-capture run matches a few new records against the stored ones around them, which share names by
 * construction: rates taken from that sample make every company look large and no title tell. So they come from a
 * sample of the stored customers instead: the newest RATES_SAMPLE persons, read at most every RATES_TTL_MS per
 * database. With fewer than MIN_SAMPLE stored persons there is no population to speak of, and the run's own records
 * stand for it (as before).
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/link-store.ts';
import { recordLinks } from '../db/schema.ts';
import { normalisePerson, populationRates } from '../resolver-engine/index.ts';
import type { PersonRecord, PopulationRates } from '../resolver-engine/index.ts';

export const RATES_SAMPLE = 5000;
export const RATES_TTL_MS = 10 * 60_000;
export const MIN_SAMPLE = 100;

const cache = new WeakMap<object, { at: number; rates: PopulationRates }>();

/** `cacheKey`: what identifies the database across calls (the Database handle; a transaction is not stable). */
export async function populationRatesOf(db: Tx, cacheKey: object, now = Date.now()): Promise<PopulationRates | undefined> {
  const held = cache.get(cacheKey);
  if (held && now - held.at < RATES_TTL_MS) return held.rates;
  const rows = await db.select({ person: sql<Omit<PersonRecord, 'id'> | null>`${recordLinks.matchDetail} -> 'person'` }).from(recordLinks)
    .where(and(eq(recordLinks.entityType, 'Customer'), eq(recordLinks.status, 'active'), sql`${recordLinks.matchDetail} ? 'person'`))
    .orderBy(desc(recordLinks.id)).limit(RATES_SAMPLE);
  // Names and titles are all the rates read: phones are left out (their normalisation is the costly part).
  const people = rows.flatMap((r, i) => (r.person ? [normalisePerson({ ...r.person, phones: [], id: String(i) })] : []));
  if (people.length < MIN_SAMPLE) return undefined;
  const rates = populationRates(people);
  cache.set(cacheKey, { at: now, rates });
  return rates;
}
