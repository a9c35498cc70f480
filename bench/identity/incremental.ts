/**
 * Identity resolution on the change-capture path, measured on the generated people: records arrive one batch at a
 * time and each batch is matched against the records stored before it, found as `matchSubjects`
 * (sync/identity-linker.ts) finds them: by a shared blocking key, plus (mode `context`) the records sharing a context
 * key — the same company or mailing address — with the population's name and title rates taken from the newest
 * stored records (sync/population-rates.ts). Mode `blocking` is how incremental runs worked before: blocking
 * neighbours only, rates from the run's own records. Links are clustered as the sync path does, and pairwise
 * precision, recall and F1 printed, with the hard negatives linked. A full run (`run.ts`) is the reference.
 * `--stored 0.8`: the first 80 % of the records are linked by a full run first (a backfill), and only the rest
 * arrive one batch at a time, as in a deployment; by default every record arrives by change capture from empty.
 *
 *   npx tsx bench/identity/incremental.ts [--entities 5000] [--seed 42] [--batch 1] [--mode context|blocking] [--stored 0]
 */
import { parseArgs } from 'node:util';
import { blockingKeys, contextKeys } from '../../resolver-engine/identity/blocking.ts';
import { clusterMatches } from '../../resolver-engine/identity/cluster-matches.ts';
import type { PopulationRates } from '../../resolver-engine/identity/match-context.ts';
import { populationRates } from '../../resolver-engine/identity/match-context.ts';
import { matchPeople } from '../../resolver-engine/identity/match-people.ts';
import { normalisePerson } from '../../resolver-engine/identity/person.ts';
import type { PairScore } from '../../resolver-engine/identity/score-pair.ts';
import { scoreClusters, toPersonRecord } from './evaluate.ts';
import { generatePeople } from './generate-people.ts';
import { HARD_NEGATIVE_KINDS, hardNegativePairs } from './hard-negatives.ts';

const { values } = parseArgs({ options: {
  entities: { type: 'string', default: '5000' }, seed: { type: 'string', default: '42' },
  batch: { type: 'string', default: '1' }, mode: { type: 'string', default: 'context' }, stored: { type: 'string', default: '0' },
} });
const mode = values.mode === 'blocking' ? 'blocking' : 'context';
const batch = Math.max(1, Number(values.batch));
const data = generatePeople({ entities: Number(values.entities), seed: Number(values.seed) });
const people = data.records.map(toPersonRecord);
const normalised = people.map((p) => normalisePerson(p));
const entityOf = (i: number) => data.truth[i]!.entityId;
const indexOf = new Map(people.map((p, i) => [p.id, i]));

// The rates are read again every RATES_EVERY records, from the newest RATES_SAMPLE stored (as population-rates.ts).
const RATES_EVERY = 500;
const RATES_SAMPLE = 5000;
const byKey = new Map<string, number[]>();
const links: PairScore[] = [];
let rates: PopulationRates | undefined;
const keysOf = (i: number) => (mode === 'context' ? [...blockingKeys(normalised[i]!), ...contextKeys(normalised[i]!)] : blockingKeys(normalised[i]!));
// The backfill: one full run over the stored part, its links kept as the sync path keeps them.
const storedCount = Math.floor(people.length * Math.min(1, Math.max(0, Number(values.stored))));
if (storedCount > 0) {
  links.push(...matchPeople(people.slice(0, storedCount)).pairs.filter((p) => p.decision === 'link'));
  for (let i = 0; i < storedCount; i++) for (const key of keysOf(i)) byKey.set(key, [...(byKey.get(key) ?? []), i]);
}
const t0 = performance.now();
for (let start = storedCount; start < people.length; start += batch) {
  const subjects = people.slice(start, start + batch);
  if (mode === 'context' && (start - storedCount) % RATES_EVERY < batch && start >= 100) rates = populationRates(normalised.slice(Math.max(0, start - RATES_SAMPLE), start));
  const others = new Set<number>();
  for (let i = start; i < start + subjects.length; i++) for (const key of keysOf(i)) for (const other of byKey.get(key) ?? []) others.add(other);
  const run = matchPeople([...subjects, ...[...others].map((i) => people[i]!)], mode === 'context'
    ? { subjects: new Set(subjects.map((s) => s.id)), ...(rates ? { rates } : {}) } : {});
  const ids = new Set(subjects.map((s) => s.id));
  links.push(...run.pairs.filter((p) => p.decision === 'link' && (ids.has(p.a) || ids.has(p.b))));
  for (let i = start; i < start + subjects.length; i++) for (const key of keysOf(i)) byKey.set(key, [...(byKey.get(key) ?? []), i]);
}
const matchMs = performance.now() - t0;

const { clusters } = clusterMatches(people.map((p) => p.id), links);
const { clusterOf, predictedPairs: predicted, correctPairs: correct, truePairs } = scoreClusters(clusters, indexOf, entityOf);
const precision = predicted === 0 ? 1 : correct / predicted;
const recall = correct / truePairs;
const wrongLinks = links.filter((p) => entityOf(indexOf.get(p.a)!) !== entityOf(indexOf.get(p.b)!));
const linked = new Set(links.map((p) => `${p.a}\u0000${p.b}`));
const negatives = hardNegativePairs(data.truth);
const hard = HARD_NEGATIVE_KINDS.map((kind) => {
  const pairs = negatives.get(kind) ?? [];
  const direct = pairs.filter(([a, b]) => linked.has(`${people[a]!.id}\u0000${people[b]!.id}`) || linked.has(`${people[b]!.id}\u0000${people[a]!.id}`)).length;
  return { kind, linked: direct, clustered: pairs.filter(([a, b]) => clusterOf[a] === clusterOf[b]).length };
});

console.log(`incremental identity resolution: ${people.length.toLocaleString('en-US')} records (${storedCount.toLocaleString('en-US')} linked by a backfill first), batches of ${batch}, mode ${mode}`);
console.log(`precision ${(precision * 100).toFixed(3)} %  recall ${(recall * 100).toFixed(2)} %  F1 ${((2 * precision * recall) / (precision + recall)).toFixed(4)}`);
console.log(`wrong direct links ${wrongLinks.length}; change-capture match time ${(matchMs / 1000).toFixed(1)} s (${((matchMs / Math.max(1, people.length - storedCount)) ).toFixed(2)} ms a record)`);
for (const h of hard) if (h.linked || h.clustered) console.log(`hard negatives ${h.kind}: ${h.linked} linked, ${h.clustered} clustered`);
for (const p of wrongLinks.slice(0, 5)) console.log(`  wrong: ${p.score} ${p.reasons.map((r) => `${r.feature} ${r.weight}: ${r.detail}`).join('; ').slice(0, 240)}`);
if (hard.some((h) => h.linked > 0)) process.exitCode = 1;
