/**
 * Identity resolution on the sync path (issue 6): Customer records are linked by the matcher (resolver-engine
 * `matchPeople`: normalise → block → score → classify), not by their email alone. The backfill matches every record
 * it read; change capture matches only the changed records, against the records that share a blocking key with them
 * (found through the blocking keys stored on each link, `record_links.match_detail.blocking`), with the stored
 * records of their company and mailing address read too (context keys, stored in the same list) and the population's
 * name and title rates (population-rates.ts), so that a big office or a large account weighs as it does in a full
 * run. Links stored before context keys existed get them when their records are linked again (their next change,
 * `sync --backfill`, a resync).
 *
 * Pairs the matcher links are clustered (resolver-engine `clusterMatches`) over the current golden records, so
 * records join a customer and customers that turn out to be one person are merged (the oldest survives, the others
 * are marked merged into it, as an admin merge does). Stored decisions are respected: a `cannot_link` (a rejected
 * review, an admin split) is never crossed, so a rejected pair stays apart and an unmerge is never undone; links are
 * never moved apart automatically. Pairs in the review band are queued once (a pair with any decision already —
 * pending, rejected, accepted — is left alone), so re-running queues nothing and nothing flaps.
 */
import type { Tx } from '../db/link-store.ts';
import type { NewLink, StoredLink } from '../db/link-store.ts';
import { createGoldenRecords, linksByBlockingKeys, linksOfGolden, linksOfNatives, updateLinkDetails, upsertLinks } from '../db/link-store.ts';
import type { DecisionInput, MatchDecision } from '../db/decision-store.ts';
import { audit, decisionsTouching, goldenKey, goldenRows, markMerged, mergedInto, moveAllLinks, nativeKey, queueReviews } from '../db/decision-store.ts';
import { blockingKeys, clusterMatches, contextKeys, matchPeople, normalisePerson } from '../resolver-engine/index.ts';
import type { PairScore, PersonRecord, PopulationRates } from '../resolver-engine/index.ts';
import { matchKeys } from './match-keys.ts';

/** The golden type whose records are person-shaped and linked by the matcher; other types keep match keys. */
export const MATCHED_TYPE = 'Customer';
export const usesMatcher = (goldenType: string): boolean => goldenType === MATCHED_TYPE;

/** A native record to link: where it lives and its golden values (after mapping and quality rules). */
export interface IdentitySubject {
  connectorId: string;
  crm: string;
  objectType: string;
  recordId: string;
  values: Readonly<Record<string, unknown>>;
}

export interface IdentityOptions {
  /** Region for national phone numbers (the mapping's defaultRegion). */
  defaultRegion?: string;
  /** Incremental runs: the population's rates (population-rates.ts); without them the run's records stand for it. */
  rates?: PopulationRates;
  /** Who the audit log names for automatic merges and queued reviews. */
  actor?: string;
}

export interface IdentityOutcome {
  /** Golden id of every subject, by native key. */
  goldenOf: Map<string, string>;
  goldenCreated: number;
  linksCreated: number;
  merges: { survivorId: string; mergedIds: string[] }[];
  reviewsQueued: number;
  /** Linked pairs a recorded decision kept apart. */
  keptApart: number;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The person the matcher compares, from a Customer record's golden values. */
export function personOf(id: string, v: Readonly<Record<string, unknown>>): PersonRecord {
  return {
    id, firstName: text(v.firstName), lastName: text(v.lastName), email: text(v.email),
    phones: [text(v.phone), text(v.mobilePhone)].filter((p): p is string => p !== null), companyName: text(v.companyName),
    street: text(v.mailingStreet), city: text(v.mailingCity), postalCode: text(v.mailingPostalCode), country: text(v.mailingCountry),
  };
}

/**
 * What a Customer link stores: the person (for later incremental runs) and the keys to find it by: its blocking keys
 * and its context keys (`org:`, `addr:`; resolver-engine `contextKeys`), in one indexed list.
 */
export function identityDetail(person: PersonRecord, defaultRegion?: string): Record<string, unknown> {
  const { id: _id, ...attributes } = person;
  const normalised = normalisePerson(person, defaultRegion);
  return { linker: 'identity', person: attributes, blocking: [...blockingKeys(normalised), ...contextKeys(normalised)].sort() };
}

/** Stored records read for the context of an incremental run, at most (a large account needs no more to count as large). */
export const CONTEXT_RECORDS = 2000;

const keyOf = (r: { connectorId: string; objectType: string; recordId: string }) => nativeKey(r.connectorId, r.objectType, r.recordId);

export interface IdentityMatch {
  subjects: IdentitySubject[];
  /** Linked records found through blocking keys that took part (incremental runs). */
  others: StoredLink[];
  /** Link and review pairs with at least one subject in them. */
  pairs: PairScore[];
}

/**
 * Scores the subjects. `full`: among themselves only (a backfill read everything). Otherwise against the live
 * linked records sharing a blocking key with one of them, read from `db` (the database or a transaction).
 */
export async function matchSubjects(db: Tx, subjects: readonly IdentitySubject[], options: IdentityOptions & { full: boolean }): Promise<IdentityMatch> {
  const persons = subjects.map((s) => personOf(keyOf(s), s.values));
  const subjectKeys = new Set(persons.map((p) => p.id));
  let others: StoredLink[] = [];
  if (!options.full && subjects.length > 0) {
    const normalised = persons.map((p) => normalisePerson(p, options.defaultRegion));
    // Candidates first, then the context (a whole office or account) in its own read, so it never crowds them out.
    const found = [
      ...await linksByBlockingKeys(db, MATCHED_TYPE, normalised.flatMap(blockingKeys)),
      ...await linksByBlockingKeys(db, MATCHED_TYPE, normalised.flatMap(contextKeys), CONTEXT_RECORDS),
    ];
    const seen = new Set(subjectKeys);
    others = found.filter((l) => !seen.has(keyOf(l)) && seen.add(keyOf(l)) && isPersonDetail(l.matchDetail));
  }
  const records = [...persons, ...others.map((o) => ({ ...(o.matchDetail!.person as Omit<PersonRecord, 'id'>), id: keyOf(o) }))];
  const run = matchPeople(records, {
    ...(options.defaultRegion ? { defaultRegion: options.defaultRegion } : {}),
    // Pairs of two stored records were decided when they were stored: only the subjects' pairs are scored.
    ...(options.full ? {} : { subjects: subjectKeys }),
    ...(options.rates ? { rates: options.rates } : {}),
  });
  return { subjects: [...subjects], others, pairs: run.pairs.filter((p) => subjectKeys.has(p.a) || subjectKeys.has(p.b)) };
}

function isPersonDetail(detail: Record<string, unknown> | null): boolean {
  return detail !== null && typeof detail.person === 'object' && detail.person !== null;
}

/** Golden ids an incremental run may touch (for fetching their sources before the transaction). */
export async function touchedGolden(db: Tx, match: IdentityMatch): Promise<string[]> {
  const linked = new Set(match.pairs.filter((p) => p.decision === 'link').flatMap((p) => [p.a, p.b]));
  const refs = [...match.subjects, ...match.others].filter((r) => linked.has(keyOf(r)));
  return [...new Set((await linksOfNatives(db, refs)).map((l) => l.goldenId))];
}

/** In the caller's transaction (under the linking lock): links the subjects, merges, queues reviews. */
export async function applyIdentity(tx: Tx, match: IdentityMatch, options: IdentityOptions = {}): Promise<IdentityOutcome> {
  const outcome: IdentityOutcome = { goldenOf: new Map(), goldenCreated: 0, linksCreated: 0, merges: [], reviewsQueued: 0, keptApart: 0 };
  const actor = options.actor ?? 'identity-sync';
  const refs = new Map<string, { connectorId: string; objectType: string; recordId: string }>();
  for (const r of [...match.subjects, ...match.others]) refs.set(keyOf(r), r);
  const subjectOf = new Map(match.subjects.map((s) => [keyOf(s), s]));

  // Nodes: a linked record stands for its golden record, an unlinked one for itself.
  const stored = await linksOfNatives(tx, [...refs.values()]);
  const storedByKey = new Map(stored.map((l) => [keyOf(l), l]));
  const nodeOf = (key: string) => storedByKey.get(key)?.goldenId ?? key;
  const goldenIds = [...new Set(stored.map((l) => l.goldenId))];
  const nodes = [...new Set([...refs.keys()].map(nodeOf))];

  // Every decision key a node answers to: its golden key, those merged into it, and the keys of all its records.
  const keysOfNode = new Map<string, string[]>(nodes.map((n) => [n, [n.startsWith('native:') ? n : goldenKey(n)]]));
  for (const l of await linksOfGolden(tx, goldenIds)) keysOfNode.get(l.goldenId)?.push(keyOf(l));
  for (const [survivor, merged] of await mergedInto(tx, goldenIds)) keysOfNode.get(survivor)?.push(...merged.map(goldenKey));
  const nodeOfKey = new Map<string, string>();
  for (const [node, keys] of keysOfNode) for (const k of keys) nodeOfKey.set(k, node);
  const decided = await decisionsTouching(tx, MATCHED_TYPE, [...nodeOfKey.keys()], ['cannot_link', 'must_link', 'review_pending', 'review_accepted', 'review_rejected']);
  const decidedNodes = decided
    .map(([l, r, d]): [string | undefined, string | undefined, MatchDecision] => [nodeOfKey.get(l), nodeOfKey.get(r), d])
    .filter((x): x is [string, string, MatchDecision] => x[0] !== undefined && x[1] !== undefined && x[0] !== x[1]);
  const cannotLink = decidedNodes.filter(([, , d]) => d === 'cannot_link').map(([a, b]): [string, string] => [a, b]);

  const links = match.pairs.filter((p) => p.decision === 'link').map((p) => ({ a: nodeOf(p.a), b: nodeOf(p.b), score: p.score, decision: 'link' }));
  const clustering = clusterMatches(nodes, links, { cannotLink });
  outcome.keptApart = clustering.blocked.length;

  // Each cluster becomes one golden record: the oldest active one survives, the others merge into it. Clusters of
  // unlinked records only get new golden records, created together (one statement, not one per cluster).
  const status = await goldenRows(tx, goldenIds);
  const survivorOf = clustering.clusters.map((cluster) => {
    const golden = cluster.filter((n) => !n.startsWith('native:')).sort();
    return golden.find((g) => status.get(g)?.status === 'active') ?? golden[0];
  });
  const created = await createGoldenRecords(tx, MATCHED_TYPE, survivorOf.filter((g) => g === undefined).length);
  outcome.goldenCreated = created.length;
  let nextCreated = 0;
  const finalOf = new Map<string, string>();
  const newLinks: NewLink[] = [];
  for (const [i, cluster] of clustering.clusters.entries()) {
    const survivor = survivorOf[i] ?? created[nextCreated++]!;
    const merged = cluster.filter((n) => !n.startsWith('native:') && n !== survivor).sort();
    if (merged.length > 0) {
      await moveAllLinks(tx, merged, survivor);
      await markMerged(tx, merged, survivor);
      const members = new Set(cluster);
      const why = match.pairs.filter((p) => p.decision === 'link' && members.has(nodeOf(p.a)) && members.has(nodeOf(p.b)))
        .slice(0, 20).map((p) => ({ a: p.a, b: p.b, score: p.score, reasons: p.reasons.map((r) => r.feature) }));
      await audit(tx, { actor, action: 'identity.auto-merge', entityType: MATCHED_TYPE, entityId: survivor, detail: { mergedIds: merged, pairs: why } });
      outcome.merges.push({ survivorId: survivor, mergedIds: merged });
    }
    for (const n of cluster) finalOf.set(n, survivor);
    for (const key of cluster.filter((n) => n.startsWith('native:'))) {
      const subject = subjectOf.get(key);
      if (!subject) continue;
      newLinks.push({
        goldenId: survivor, entityType: MATCHED_TYPE, connectorId: subject.connectorId, crm: subject.crm, objectType: subject.objectType,
        recordId: subject.recordId, matchKey: matchKeys(MATCHED_TYPE, subject.values).key, matchDetail: identityDetail(personOf(key, subject.values), options.defaultRegion),
      });
    }
  }
  // Every new link in one statement per chunk; a record linked meanwhile keeps its link (and its golden id).
  for (const [i, link] of (await upsertLinks(tx, newLinks)).entries()) {
    if (link.created) outcome.linksCreated++;
    finalOf.set(keyOf(newLinks[i]!), link.goldenId);
  }

  // Linked subjects keep their link; their stored person and blocking keys follow the record's current values.
  const details: Parameters<typeof updateLinkDetails>[1][number][] = [];
  for (const s of match.subjects) {
    const key = keyOf(s);
    outcome.goldenOf.set(key, finalOf.get(nodeOf(key)) ?? finalOf.get(key)!);
    const link = storedByKey.get(key);
    if (!link) continue;
    const detail = identityDetail(personOf(key, s.values), options.defaultRegion);
    if (JSON.stringify(link.matchDetail) !== JSON.stringify(detail)) details.push({ connectorId: s.connectorId, objectType: s.objectType, recordId: s.recordId, matchKey: matchKeys(MATCHED_TYPE, s.values).key, matchDetail: detail });
  }
  await updateLinkDetails(tx, details);

  // Review pairs between two customers, once: any decision between them already (either way) means leave it.
  const decidedPairs = new Set(decidedNodes.map(([a, b]) => pairKey(finalOf.get(a) ?? a, finalOf.get(b) ?? b)));
  const wanted = new Map<string, Omit<DecisionInput, 'decision'>>();
  for (const p of match.pairs) {
    if (p.decision !== 'review') continue;
    const [a, b] = [finalOf.get(nodeOf(p.a)), finalOf.get(nodeOf(p.b))];
    if (!a || !b || a === b) continue;
    const k = pairKey(a, b);
    if (decidedPairs.has(k) || (wanted.get(k)?.score ?? -Infinity) >= p.score) continue;
    wanted.set(k, { entityType: MATCHED_TYPE, a: goldenKey(a), b: goldenKey(b), score: p.score, reasons: [...p.reasons, ...(p.guard ? [{ guard: p.guard }] : [])], actor });
  }
  outcome.reviewsQueued = await queueReviews(tx, [...wanted.values()]);
  return outcome;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
