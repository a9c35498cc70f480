/**
 * The matching run end to end, still pure: normalise → context → blocking → pairwise scores. Callers
 * (the identity worker) store the review pairs and feed links plus recorded decisions to clusterMatches.
 */
import type { Blocking } from './blocking.ts';
import { candidatePairs } from './blocking.ts';
import type { MatchThresholds } from './classify.ts';
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
}

export interface MatchRun {
  pairs: PairScore[];
  comparisons: number;
  oversizedBlocks: Blocking['oversizedBlocks'];
}

export function matchPeople(records: readonly PersonRecord[], options: MatchRunOptions = {}): MatchRun {
  const people = records.map((r) => normalisePerson(r, options.defaultRegion));
  const context = buildMatchContext(people);
  const blocking = candidatePairs(people, { maxBlockSize: options.maxBlockSize });
  const pairs: PairScore[] = [];
  for (const [i, j] of blocking.pairs) {
    const scored = scorePair(people[i]!, people[j]!, { context, thresholds: options.thresholds });
    if (options.includeSeparate || scored.decision !== 'separate') pairs.push(scored);
  }
  return { pairs, comparisons: blocking.pairs.length, oversizedBlocks: blocking.oversizedBlocks };
}
