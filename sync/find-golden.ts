/** Finding the golden record a native record joins by its match keys (shared by the email linker and the change applier). */
import type { Tx } from '../db/link-store.ts';
import { goldenIdByMatchKey, goldenIdsByMatchKeyPrefix } from '../db/link-store.ts';
import type { MatchKeys } from './match-keys.ts';

/** The live golden record holding the exact key, else the only one holding the unique prefix, else null. */
export async function findGolden(tx: Tx, goldenType: string, keys: MatchKeys): Promise<string | null> {
  if (!keys.key) return null;
  const exact = await goldenIdByMatchKey(tx, goldenType, keys.key);
  if (exact) return exact;
  if (keys.uniquePrefix) {
    const candidates = await goldenIdsByMatchKeyPrefix(tx, goldenType, keys.uniquePrefix, 2);
    if (candidates.length === 1) return candidates[0]!;
  }
  return null;
}
