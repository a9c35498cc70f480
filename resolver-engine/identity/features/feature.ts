import type { MatchContext } from '../match-context.ts';
import type { NormalisedPerson } from '../person.ts';

/** One explainable piece of evidence: positive weights argue for the same person, negative against. */
export interface MatchReason {
  feature: string;
  weight: number;
  detail: string;
}

/** A feature compares one aspect of two people; null means "no evidence either way" (e.g. a value missing). */
export type MatchFeature = (a: NormalisedPerson, b: NormalisedPerson, ctx: MatchContext) => MatchReason | null;
