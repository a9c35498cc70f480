/**
 * "Did you mean": the existing names closest to a name that does not exist, for an admin who mistyped a CRM field
 * (`Phonee` → `Phone`, `jobtitel` → `jobtitle`). Case is ignored (CRMs differ: Salesforce `Phone`, HubSpot `phone`),
 * and swapped neighbouring letters count as one slip (typingDistance). A name that merely contains the typed one,
 * or is contained in it (`Phone` ↔ `MobilePhone`), counts too: an admin who typed half a name wants the whole one.
 */
import { typingDistance } from '../identity/edit-distance.ts';

export interface NearestNamesOptions {
  /** Most names returned. Default 3. */
  limit?: number;
  /** Edits always tolerated, however short the name (default 2; a third of a longer name's length). */
  minTolerance?: number;
  /** Whether a name containing the typed one (or contained in it) counts as near. Default true. */
  containment?: boolean;
}

/** The candidates nearest to `name`, nearest first (ties alphabetically); empty when none is near. */
export function nearestNames(name: string, candidates: Iterable<string>, options: NearestNamesOptions = {}): string[] {
  const wanted = name.toLowerCase();
  // Up to a third of the name mistyped, at least 2 edits: 'Phonee' (1) and 'Emial' (1) are near, 'Fax' is not 'Phone'.
  const tolerance = Math.max(options.minTolerance ?? 2, Math.floor(wanted.length / 3));
  const scored: { name: string; distance: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const lower = candidate.toLowerCase();
    const distance = typingDistance(wanted, lower);
    const contained = options.containment !== false && wanted.length >= 3 && (lower.includes(wanted) || (lower.length >= 3 && wanted.includes(lower)));
    if (distance <= tolerance) scored.push({ name: candidate, distance });
    else if (contained) scored.push({ name: candidate, distance: tolerance + 1 });
  }
  scored.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, options.limit ?? 3).map((s) => s.name);
}

/** Names as an English "or" list for a "Did you mean …?": `A`, `A or B`, `A, B or C`. */
export function orList(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}
