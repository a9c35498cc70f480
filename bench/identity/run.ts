/**
 * Identity-resolution bench: generates people with known answers, runs the matcher (normalise → blocking →
 * scoring → classify → cluster) and prints pairwise precision, recall and F1, the review load, hard-negative
 * outcomes, the comparisons made and the time taken.
 *
 *   npx tsx bench/identity/run.ts [--entities 5000] [--seed 42] [--profile standard|harsh] [--explain 10] [--json]
 *
 * `--explain N` also prints N wrongly linked and N missed pairs with the matcher's reasons (for tuning
 * features on evidence, not on the generator's internals). Exits 1 when a hard negative was auto-linked.
 */
import { parseArgs } from 'node:util';
import type { PairScore } from '../../resolver-engine/identity/score-pair.ts';
import type { NoiseProfile } from './generate-people.ts';
import { EMAIL_PROFILES, generatePeople } from './generate-people.ts';
import { evidenceRecallCeiling } from './evidence-ceiling.ts';
import type { IdentityEvaluation } from './evaluate.ts';
import { evaluateMatcher } from './evaluate.ts';

const { values } = parseArgs({
  options: {
    entities: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '42' },
    explain: { type: 'string', default: '0' },
    profile: { type: 'string', default: 'standard' },
    json: { type: 'boolean', default: false },
  },
});

const entities = Number(values.entities);
const seed = Number(values.seed);
const t0 = performance.now();
if (!(values.profile in EMAIL_PROFILES)) throw new Error(`--profile must be one of ${Object.keys(EMAIL_PROFILES).join(', ')}`);
const profile = values.profile as NoiseProfile;
const data = generatePeople({ entities, seed, profile });
const generateMs = performance.now() - t0;
const result = evaluateMatcher(data);
const ceiling = evidenceRecallCeiling(data);

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const int = (x: number) => x.toLocaleString('en-US');

function printTable(r: IdentityEvaluation): void {
  const rows: Array<[string, string]> = [
    ['entities / records', `${int(r.entities)} / ${int(r.records)} (seed ${seed}, profile ${profile})`],
    ['true pairs', int(r.truePairs)],
    ['candidate pairs compared', `${int(r.comparisons)} (${(r.comparisons / r.records).toFixed(2)} per record)`],
    ['true pairs never compared', `${int(r.truePairsNotCompared)} (${pct(r.truePairsNotCompared / Math.max(1, r.truePairs))})`],
    ['oversized blocks skipped', int(r.oversizedBlocks)],
    ['auto-link decisions (correct)', `${int(r.linkDecisions.total)} (${int(r.linkDecisions.correct)})`],
    ['pairs in clusters (correct)', `${int(r.predictedPairs)} (${int(r.correctPairs)})`],
    ['PRECISION (pairwise, clusters)', pct(r.precision)],
    ['RECALL (pairwise, clusters)', pct(r.recall)],
    ['F1', r.f1.toFixed(4)],
    ['recall ceiling (email/phone/company/address)', pct(ceiling)],
    ['sent to review (same person)', `${int(r.review.total)} (${int(r.review.sameEntity)})`],
    ['generate / match / cluster', `${generateMs.toFixed(0)} ms / ${r.timings.matchMs.toFixed(0)} ms / ${r.timings.clusterMs.toFixed(0)} ms`],
    ['match CPU time', `${r.timings.matchCpuMs.toFixed(0)} ms`],
    ['records per second (match + cluster)', int(Math.round(r.records / ((r.timings.matchMs + r.timings.clusterMs) / 1000)))],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  console.log('\nhard negatives (pairs of different people sharing an identifier)');
  console.log(`${'kind'.padEnd(18)}${'pairs'.padStart(10)}${'linked'.padStart(9)}${'clustered'.padStart(11)}${'review'.padStart(9)}`);
  for (const [kind, o] of Object.entries(r.hardNegatives)) {
    console.log(`${kind.padEnd(18)}${int(o.pairs).padStart(10)}${int(o.linked).padStart(9)}${int(o.clustered).padStart(11)}${int(o.review).padStart(9)}`);
  }
}

function explain(title: string, pairs: readonly PairScore[], n: number): void {
  console.log(`\n${title}: ${pairs.length} (showing up to ${n})`);
  const byId = new Map(data.records.map((rec, i) => [`${rec.crm}/${rec.recordId}`, i]));
  const show = (id: string) => {
    const i = byId.get(id)!;
    const x = data.records[i]!;
    return `${data.truth[i]!.entityId.padEnd(6)} ${x.firstName ?? '∅'} ${x.lastName ?? '∅'} <${x.email ?? '∅'}> ${x.phone ?? '∅'} / ${x.mobilePhone ?? '∅'} | ${x.company ?? '∅'} | ${x.street ?? '∅'}, ${x.postalCode ?? '∅'} ${x.city ?? '∅'}, ${x.country ?? '∅'}`;
  };
  for (const p of pairs.slice(0, n)) {
    console.log(`  score ${p.score} ${p.decision}${p.guard ? ` (${p.guard})` : ''}\n    ${show(p.a)}\n    ${show(p.b)}`);
    console.log(`    ${p.reasons.map((r) => `${r.feature} ${r.weight}: ${r.detail}`).join('; ')}`);
  }
}

if (values.json) {
  const { falseLinks: _f, missedPairs: _m, ...summary } = result;
  console.log(JSON.stringify({ seed, profile, generateMs, recallCeiling: ceiling, ...summary }, null, 2));
} else {
  printTable(result);
  const n = Number(values.explain);
  if (n > 0) {
    explain('wrong auto-links', result.falseLinks, n);
    // Spread the sample over the whole list so one frequent cause does not hide the others.
    const step = Math.max(1, Math.floor(result.missedPairs.length / n));
    console.log(`\nmissed pairs (compared, same person, not in one cluster): ${result.missedPairs.length}`);
    explain('a sample', result.missedPairs.filter((_, i) => i % step === 0), n);
  }
}

const linkedNegatives = Object.values(result.hardNegatives).reduce((s, o) => s + o.linked, 0);
if (linkedNegatives > 0) {
  console.error(`\n${linkedNegatives} hard-negative pair(s) were auto-linked`);
  process.exitCode = 1;
}
