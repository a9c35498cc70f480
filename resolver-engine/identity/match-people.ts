/**
 * The matching run end to end, still pure: normalise → context → blocking → pairwise scores. Callers
 * (the identity worker) store the review pairs and feed links plus recorded decisions to clusterMatches.
 */
import type { Blocking } from './blocking.ts';
import { candidatePairs } from './blocking.ts';
import type { MatchThresholds } from './classify.ts';
import type { PopulationRates } from './match-context.ts';
import { buildMatchContext } from './match-context.ts';
import type { PersonRecord } from './person.ts';
import { normalisePerson } from './person.ts';
import type { PairScore } from './score-pair.ts';
import { scorePair } from './score-pair.ts';

export interface MatchRunOptions {
  defaultRegion?: string;
  thresholds?: MatchThresholds;
  maxBlockSize?: number;
  /** Keep 'separate' pairs in the result (for evaluation); by default only link and review pairs are returned. */
  includeSeparate?: boolean;
  /**
   * Ids of the records the run is about (an incremental run): only pairs with one of them are scored; the other
   * records are there for the context (how many people share a phone, an address, a company).
   */
  subjects?: ReadonlySet<string>;
  /** The population's rates, when the records are a sample of it (see PopulationRates). */
  rates?: PopulationRates;
}

export interface MatchRun {
  pairs: PairScore[];
  comparisons: number;
  oversizedBlocks: Blocking['oversizedBlocks'];
}

export function matchPeople(records: readonly PersonRecord[], options: MatchRunOptions = {}): MatchRun {
  const people = records.map((r) => normalisePerson(r, options.defaultRegion));
  const context = buildMatchContext(people, options.rates);
  const blocking = candidatePairs(people, { maxBlockSize: options.maxBlockSize });
  const subjects = options.subjects;
  const pairs: PairScore[] = [];
  for (const [i, j] of blocking.pairs) {
    if (subjects && !subjects.has(people[i]!.id) && !subjects.has(people[j]!.id)) continue;
    const scored = scorePair(people[i]!, people[j]!, { context, thresholds: options.thresholds });
    if (options.includeSeparate || scored.decision !== 'separate') pairs.push(scored);
  }
  return { pairs, comparisons: blocking.pairs.length, oversizedBlocks: blocking.oversizedBlocks };
}
