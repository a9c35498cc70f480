/**
 * One page of the email linker (Company and Deal, and Customer when matched by email only): finds or creates the
 * golden record of every record of the page and writes their links with a fixed number of statements per page
 * (existing links, exact-key owners, cannot_link decisions, new golden records, links) instead of several round
 * trips per record. The result is the one linking the records one after the other gives (find-golden.ts): a record
 * joins the oldest live golden record holding its exact key, else the only one holding its unique prefix, else the
 * only one holding its alternate key (a company known by name alone), else the only one holding its bare lookup key
 * with no key of the record's kind (a record with a domain joining a company known by name alone) — counting links
 * made earlier in the same page —
 * unless a cannot_link decision keeps it apart from one of that record's records. Links already made get their
 * alternate key if they lack it. Runs in the caller's transaction, under the linking lock.
 */
import type { KeyHolder, NewLink, Tx } from '../db/link-store.ts';
import { goldenIdsByAltKey, goldenIdsByMatchKeyPrefix, goldenIdsByMatchKeys, insertGoldenRecords, keyHolders, linkedGoldenIds, stampAltKeys, upsertLinks } from '../db/link-store.ts';
import { decisionKeysOf, decisionsTouching, goldenKey, nativeKey } from '../db/decision-store.ts';
import { newGoldenId } from '../db/golden-ids.ts';
import type { MatchKeys } from './match-keys.ts';
import { matchKeys } from './match-keys.ts';

export interface PageLinkTarget {
  goldenType: string;
  connectorId: string;
  crm: string;
  objectType: string;
  /** What the link stores besides its key (Customer links carry the person and its blocking keys). */
  matchDetail(recordId: string, values: Readonly<Record<string, unknown>>, key: string | null): Record<string, unknown>;
}

export interface PageLinkResult {
  /** Golden id of every record of the page, by record id. */
  goldenOf: Map<string, string>;
  goldenCreated: number;
  linksCreated: number;
}

export async function linkPage(tx: Tx, target: PageLinkTarget, records: readonly { id: string; values: Readonly<Record<string, unknown>> }[]): Promise<PageLinkResult> {
  const { goldenType, connectorId, objectType } = target;
  const goldenOf = await linkedGoldenIds(tx, connectorId, objectType, records.map((r) => r.id));
  const alts: { recordId: string; alt: string }[] = [];
  for (const r of records) {
    const alt = goldenOf.has(r.id) ? matchKeys(goldenType, r.values).altKey : undefined;
    if (alt) alts.push({ recordId: r.id, alt });
  }
  await stampAltKeys(tx, connectorId, objectType, alts);
  const unlinked = records.filter((r) => !goldenOf.has(r.id)).map((r) => ({ ...r, keys: matchKeys(goldenType, r.values), recordKey: nativeKey(connectorId, objectType, r.id) }));
  if (unlinked.length === 0) return { goldenOf, goldenCreated: 0, linksCreated: 0 };

  const exact = await goldenIdsByMatchKeys(tx, goldenType, unlinked.flatMap((r) => (r.keys.key ? [r.keys.key] : [])));
  // Bare lookups of records no stored key holds (new companies with a domain): one query for the page. The prefix is
  // the same for every record of a type (match-keys.ts).
  const bare = unlinked.flatMap((r) => (r.keys.bareLookup && r.keys.key && !exact.has(r.keys.key) ? [r.keys.bareLookup] : []));
  const bareStored = bare.length === 0 ? new Map<string, KeyHolder[]>() : await keyHolders(tx, goldenType, bare.map((b) => b.key), bare[0]!.unlessPrefix);
  // The keys each record was split from (an admin split, a rejected review): few records have any.
  const apartFrom = new Map<string, Set<string>>();
  const recordKeys = new Set(unlinked.map((r) => r.recordKey));
  for (const [l, r] of await decisionsTouching(tx, goldenType, [...recordKeys], ['cannot_link'])) {
    for (const [self, other] of [[l, r], [r, l]] as const) if (recordKeys.has(self)) apartFrom.set(self, (apartFrom.get(self) ?? new Set()).add(other));
  }

  // What this page linked so far (written at the end): golden ids by match key, record keys by golden id.
  const pageByKey = new Map<string, string[]>();
  const pageRecordsOf = new Map<string, string[]>();
  const pageKeysOf = new Map<string, string[]>();
  const storedKeys = new Map<string, string[]>();
  const prefixOwners = new Map<string, string[]>();
  const pageByAlt = new Map<string, string[]>();
  const altOwners = new Map<string, string[]>();

  const keptApart = async (goldenId: string, recordKey: string): Promise<boolean> => {
    const others = apartFrom.get(recordKey);
    if (!others) return false;
    let keys = storedKeys.get(goldenId);
    if (!keys) storedKeys.set(goldenId, (keys = await decisionKeysOf(tx, goldenId)));
    return [goldenKey(goldenId), ...keys, ...(pageRecordsOf.get(goldenId) ?? [])].some((k) => others.has(k));
  };
  const find = async (keys: MatchKeys, recordKey: string): Promise<string | null> => {
    if (!keys.key) return null;
    // Golden ids sort in creation order, so the oldest holder is the smallest id (as `goldenIdByMatchKey` orders).
    const holder = [exact.get(keys.key), ...(pageByKey.get(keys.key) ?? [])].filter((g): g is string => g !== undefined).sort()[0];
    if (holder) return (await keptApart(holder, recordKey)) ? null : holder;
    if (keys.uniquePrefix) {
      const prefix = keys.uniquePrefix;
      let stored = prefixOwners.get(prefix);
      if (!stored) prefixOwners.set(prefix, (stored = await goldenIdsByMatchKeyPrefix(tx, goldenType, prefix, 2)));
      const inPage = [...pageByKey].filter(([k]) => k.startsWith(prefix)).flatMap(([, ids]) => ids);
      const owners = [...new Set([...stored, ...inPage])].sort().slice(0, 2);
      if (owners.length === 1 && !(await keptApart(owners[0]!, recordKey))) return owners[0]!;
    }
    if (keys.altLookup) {
      const alt = keys.altLookup;
      let stored = altOwners.get(alt);
      if (!stored) altOwners.set(alt, (stored = await goldenIdsByAltKey(tx, goldenType, alt, 2)));
      const owners = [...new Set([...stored, ...(pageByAlt.get(alt) ?? [])])].sort().slice(0, 2);
      return owners.length === 1 && !(await keptApart(owners[0]!, recordKey)) ? owners[0]! : null;
    }
    if (!keys.bareLookup) return null;
    const { key: bareKey, unlessPrefix } = keys.bareLookup;
    const stored = bareStored.get(bareKey) ?? [];
    const owners = [...new Set([...stored.map((h) => h.goldenId), ...(pageByKey.get(bareKey) ?? []), ...(pageByAlt.get(bareKey) ?? [])])];
    if (owners.length !== 1) return null;
    const owner = owners[0]!;
    const hasKind = stored.some((h) => h.goldenId === owner && h.holdsPrefix) || (pageKeysOf.get(owner) ?? []).some((k) => k.startsWith(unlessPrefix));
    return !hasKind && !(await keptApart(owner, recordKey)) ? owner : null;
  };

  const newIds: string[] = [];
  const links: NewLink[] = [];
  for (const r of unlinked) {
    if (goldenOf.has(r.id)) continue; // listed twice in the page: linked by its first entry
    let goldenId = await find(r.keys, r.recordKey);
    if (!goldenId) newIds.push((goldenId = newGoldenId(goldenType)));
    const detail = target.matchDetail(r.id, r.values, r.keys.key);
    links.push({ goldenId, entityType: goldenType, connectorId, crm: target.crm, objectType, recordId: r.id, matchKey: r.keys.key, matchDetail: r.keys.altKey ? { ...detail, alt: r.keys.altKey } : detail });
    goldenOf.set(r.id, goldenId);
    if (r.keys.key) {
      pageByKey.set(r.keys.key, [...(pageByKey.get(r.keys.key) ?? []), goldenId]);
      pageKeysOf.set(goldenId, [...(pageKeysOf.get(goldenId) ?? []), r.keys.key]);
    }
    if (r.keys.altKey) pageByAlt.set(r.keys.altKey, [...(pageByAlt.get(r.keys.altKey) ?? []), goldenId]);
    pageRecordsOf.set(goldenId, [...(pageRecordsOf.get(goldenId) ?? []), r.recordKey]);
  }
  await insertGoldenRecords(tx, goldenType, newIds);
  let linksCreated = 0;
  for (const [i, link] of (await upsertLinks(tx, links)).entries()) {
    if (link.created) linksCreated++;
    goldenOf.set(links[i]!.recordId, link.goldenId);
  }
  return { goldenOf, goldenCreated: newIds.length, linksCreated };
}
