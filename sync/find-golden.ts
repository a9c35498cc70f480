/** Finding the golden record a native record joins by its match keys (shared by the email linker and the change applier). */
import type { Tx } from '../db/link-store.ts';
import { goldenIdByMatchKey, goldenIdsByAltKey, goldenIdsByMatchKeyPrefix, keyHolders } from '../db/link-store.ts';
import { anyDecisionBetween, decisionKeysOf } from '../db/decision-store.ts';
import type { MatchKeys } from './match-keys.ts';

/**
 * The live golden record holding the exact key, else the only one holding the unique prefix, else the only one holding
 * the alternate key looked up (a company known by name alone), else the only one holding the bare lookup key if it
 * holds no key of the record's kind (a company known by name alone, for a record with a domain), else null.
 */
export async function findGolden(tx: Tx, goldenType: string, keys: MatchKeys, recordKey?: string): Promise<string | null> {
  if (!keys.key) return null;
  const exact = await goldenIdByMatchKey(tx, goldenType, keys.key);
  if (exact) return (await keptApart(tx, goldenType, exact, recordKey)) ? null : exact;
  for (const candidates of [
    keys.uniquePrefix ? () => goldenIdsByMatchKeyPrefix(tx, goldenType, keys.uniquePrefix!, 2) : null,
    keys.altLookup ? () => goldenIdsByAltKey(tx, goldenType, keys.altLookup!, 2) : null,
    keys.bareLookup ? () => bareHolder(tx, goldenType, keys.bareLookup!) : null,
  ]) {
    const found = candidates ? await candidates() : [];
    if (found.length === 1 && !(await keptApart(tx, goldenType, found[0]!, recordKey))) return found[0]!;
  }
  return null;
}

/** The only holder of the key, as a one-element list, when it has no key starting with the prefix; else none. */
async function bareHolder(tx: Tx, goldenType: string, lookup: NonNullable<MatchKeys['bareLookup']>): Promise<string[]> {
  const holders = (await keyHolders(tx, goldenType, [lookup.key], lookup.unlessPrefix)).get(lookup.key) ?? [];
  return holders.length === 1 && !holders[0]!.holdsPrefix ? [holders[0]!.goldenId] : [];
}

/** An admin split this native record from one of the golden record's records (cannot_link): never auto-link them again. */
async function keptApart(tx: Tx, goldenType: string, goldenId: string, recordKey: string | undefined): Promise<boolean> {
  if (!recordKey) return false;
  return anyDecisionBetween(tx, goldenType, [recordKey], await decisionKeysOf(tx, goldenId), 'cannot_link');
}
