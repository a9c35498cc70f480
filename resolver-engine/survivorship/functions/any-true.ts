/**
 * "Any source says yes → yes": for consent-like flags such as emailOptOut, where honouring one CRM's opt-out
 * matters more than recency — a stale "false" elsewhere must never re-subscribe a person.
 */
import type { Candidate } from '../../model.ts';
import type { SurvivorshipFunctionResult } from '../function-registry.ts';
import { compareByRecency, sortBy } from '../ordering.ts';

function truthy(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

export function anyTrueFunction(candidates: readonly Candidate[]): SurvivorshipFunctionResult {
  const yes = sortBy(candidates.filter((c) => truthy(c.value)), compareByRecency);
  if (yes.length > 0) {
    return { value: true, winner: yes[0]!, detail: `${yes.length} of ${candidates.length} source(s) true` };
  }
  const newest = sortBy(candidates, compareByRecency)[0] ?? null;
  return { value: false, winner: newest, detail: `no source true among ${candidates.length}` };
}
