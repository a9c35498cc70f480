/**
 * Runs the identity matcher on a generated data set and scores it against the known answer.
 *
 * Pairwise measures, the usual ones for entity resolution: every pair of records the matcher put in one
 * cluster (auto-links joined transitively, as they become one golden customer) is a predicted pair; every
 * pair of records of one person is a true pair. Precision = correct predicted / predicted, recall = correct
 * predicted / true. Review pairs are counted apart: they are neither linked nor lost, a person decides.
 */
import { clusterMatches } from '../../resolver-engine/identity/cluster-matches.ts';
import type { MatchRunOptions } from '../../resolver-engine/identity/match-people.ts';
import { matchPeople } from '../../resolver-engine/identity/match-people.ts';
import type { PersonRecord } from '../../resolver-engine/identity/person.ts';
import type { PairScore } from '../../resolver-engine/identity/score-pair.ts';
import type { GeneratedPeople, GeneratedRecord } from './generate-people.ts';
import type { HardNegativeKind } from './hard-negatives.ts';
import { HARD_NEGATIVE_KINDS, hardNegativePairs } from './hard-negatives.ts';

export function toPersonRecord(r: GeneratedRecord): PersonRecord {
  return {
    id: `${r.crm}/${r.recordId}`, firstName: r.firstName, lastName: r.lastName, email: r.email,
    phones: [r.phone, r.mobilePhone], companyName: r.company, title: r.title, street: r.street, postalCode: r.postalCode, city: r.city,
    country: r.country,
  };
}

export interface HardNegativeOutcome {
  pairs: number;
  /** Auto-linked directly: must be 0. */
  linked: number;
  /** In one cluster through a chain of other links. */
  clustered: number;
  review: number;
}

export interface IdentityEvaluation {
  records: number;
  entities: number;
  truePairs: number;
  comparisons: number;
  /** True pairs that blocking never compared (a ceiling on recall before transitivity). */
  truePairsNotCompared: number;
  oversizedBlocks: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
  linkDecisions: { total: number; correct: number };
  review: { total: number; sameEntity: number };
  hardNegatives: Record<HardNegativeKind, HardNegativeOutcome>;
  /** Wall-clock time, and the CPU time of the process (less sensitive to other load on a shared machine). */
  timings: { matchMs: number; clusterMs: number; matchCpuMs: number };
  /** For explaining errors: scored pairs the matcher linked wrongly or left apart wrongly. */
  falseLinks: PairScore[];
  missedPairs: PairScore[];
}

const choose2 = (n: number) => (n * (n - 1)) / 2;

export interface ClusterScore {
  /** The cluster index of every record, by record index. */
  clusterOf: Int32Array;
  predictedPairs: number;
  correctPairs: number;
  truePairs: number;
}

/** Pairwise counts of clusters of record ids against the known answer (`entityOf` a record index). */
export function scoreClusters(clusters: readonly (readonly string[])[], indexOf: ReadonlyMap<string, number>, entityOf: (index: number) => string): ClusterScore {
  const clusterOf = new Int32Array(indexOf.size);
  let predictedPairs = 0;
  let correctPairs = 0;
  const recordsPerEntity = new Map<string, number>();
  clusters.forEach((members, c) => {
    predictedPairs += choose2(members.length);
    const perEntity = new Map<string, number>();
    for (const id of members) {
      const index = indexOf.get(id)!;
      clusterOf[index] = c;
      perEntity.set(entityOf(index), (perEntity.get(entityOf(index)) ?? 0) + 1);
    }
    for (const [entity, n] of perEntity) {
      correctPairs += choose2(n);
      recordsPerEntity.set(entity, (recordsPerEntity.get(entity) ?? 0) + n);
    }
  });
  const truePairs = [...recordsPerEntity.values()].reduce((s, n) => s + choose2(n), 0);
  return { clusterOf, predictedPairs, correctPairs, truePairs };
}

export function evaluateMatcher(data: GeneratedPeople, options: MatchRunOptions = {}): IdentityEvaluation {
  const people = data.records.map(toPersonRecord);
  const indexOf = new Map(people.map((p, i) => [p.id, i]));
  const entityOf = (id: string) => data.truth[indexOf.get(id)!]!.entityId;

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const run = matchPeople(people, { ...options, includeSeparate: true });
  const cpu = process.cpuUsage(cpu0);
  const t1 = performance.now();
  const links = run.pairs.filter((p) => p.decision === 'link');
  const { clusters } = clusterMatches(people.map((p) => p.id), links);
  const t2 = performance.now();

  const { clusterOf, predictedPairs, correctPairs, truePairs } = scoreClusters(clusters, indexOf, (i) => data.truth[i]!.entityId);

  const key = (a: number, b: number) => (a < b ? a * people.length + b : b * people.length + a);
  const decisionOf = new Map<number, PairScore>();
  for (const p of run.pairs) decisionOf.set(key(indexOf.get(p.a)!, indexOf.get(p.b)!), p);
  let comparedTruePairs = 0;
  const falseLinks: PairScore[] = [];
  const missedPairs: PairScore[] = [];
  let linkCorrect = 0;
  let reviewTotal = 0;
  let reviewSame = 0;
  for (const p of run.pairs) {
    const same = entityOf(p.a) === entityOf(p.b);
    if (same) comparedTruePairs++;
    if (p.decision === 'link') {
      if (same) linkCorrect++;
      else falseLinks.push(p);
    } else if (same && clusterOf[indexOf.get(p.a)!] !== clusterOf[indexOf.get(p.b)!]) {
      missedPairs.push(p);
    }
    if (p.decision === 'review') {
      reviewTotal++;
      if (same) reviewSame++;
    }
  }

  const hardNegatives = {} as Record<HardNegativeKind, HardNegativeOutcome>;
  const negativePairs = hardNegativePairs(data.truth);
  for (const kind of HARD_NEGATIVE_KINDS) {
    const outcome: HardNegativeOutcome = { pairs: 0, linked: 0, clustered: 0, review: 0 };
    for (const [a, b] of negativePairs.get(kind) ?? []) {
      outcome.pairs++;
      const decision = decisionOf.get(key(a, b))?.decision;
      if (decision === 'link') outcome.linked++;
      if (decision === 'review') outcome.review++;
      if (clusterOf[a] === clusterOf[b]) outcome.clustered++;
    }
    hardNegatives[kind] = outcome;
  }

  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  return {
    records: people.length, entities: new Set(data.truth.map((t) => t.entityId)).size, truePairs, comparisons: run.comparisons,
    truePairsNotCompared: truePairs - comparedTruePairs, oversizedBlocks: run.oversizedBlocks.length,
    predictedPairs, correctPairs, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    linkDecisions: { total: links.length, correct: linkCorrect }, review: { total: reviewTotal, sameEntity: reviewSame },
    hardNegatives, timings: { matchMs: t1 - t0, clusterMs: t2 - t1, matchCpuMs: (cpu.user + cpu.system) / 1000 }, falseLinks, missedPairs,
  };
}
