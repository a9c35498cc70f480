/**
 * The change applier: turns changed native records and deletions of CRM objects into golden changes. Each record
 * is linked (customers by incremental identity resolution, other types by match key: link-group.ts), each affected golden record's snapshot is
 * recomputed from ALL its live sources with the resolver-engine code the query path uses, and when merged values
 * changed a `customerChanged` event naming those fields is published in the same transaction (NOTIFY is
 * transactional: subscribers hear of a change only once it is committed).
 *
 * Two steps, because CRM calls must not run inside a database transaction (they hold locks for seconds, and on
 * embedded PGlite they would block every other query):
 *   1. `prepareChanges` (no transaction): maps the records, finds the golden records they will touch and fetches
 *      those records' other live sources from their CRMs.
 *   2. `applyPrepared` (in the caller's transaction): links, marks deletions, writes snapshots, publishes events.
 *      If links moved in between (another process linked a record to one of these golden records), a source is
 *      missing from the prepared set and it throws `StalePreparationError`; `applyChanges` then prepares again.
 *
 * Idempotent: applying the same batch twice links nothing new, writes no snapshot and publishes nothing.
 * Deletions mark the link deleted (history kept); a golden record left with no live link is marked deleted, and
 * becomes active again when one of its records comes back.
 */
import type { Connector, NativeRecord } from '../connectors/contract/index.ts';
import { publishCustomerChanged } from '../db/change-events.ts';
import { findEchoes } from '../db/echo-marks.ts';
import type { CustomerChangedInput } from '../db/change-events.ts';
import type { Tx } from '../db/link-store.ts';
import { linkedGoldenIds, lockLinking, writeSnapshot } from '../db/link-store.ts';
import type { Database } from '../db/open-database.ts';
import { goldenStates, liveLinksOf, markLinksDeleted, reactivateLinks, setGoldenStatus, writeFieldClocks } from '../db/sync-store.ts';
import {
  advanceFieldClock, clockedFields, collectCandidates, fieldTimesFromClock, mapToGolden, recordModifiedAt, referenceKeysTo, requiredNativeFields, resolveRecord,
  sameFieldClock,
} from '../resolver-engine/index.ts';
import type { MappingConfig, NativeObjectConfig, NativeRecordInput, SurvivorshipFunctionRegistry } from '../resolver-engine/index.ts';
import { linkGroup, predictGolden } from './link-group.ts';
import { matchKeys } from './match-keys.ts';
import { toMappingRecord } from './native-input.ts';
import { hasRelations, linkRefsOf } from './link-refs.ts';
import { relationValues } from './relation-snapshot.ts';
import { goldenIdsHoldingRefs, writeLinkRefs } from '../db/relation-store.ts';
import type { LinkRefsUpdate } from '../db/relation-store.ts';
import { QUALITY_KEY, snapshotOf } from './snapshot-quality.ts';
import { queueConvergence } from './writeback/convergence-queue.ts';
import type { ConvergenceCandidate, ConvergenceReport } from './writeback/convergence-queue.ts';

/** Changes of one CRM object: records created or updated, and ids deleted. */
export interface ObjectChanges {
  crm: string;
  objectType: string;
  records: readonly NativeRecord[];
  deletions: readonly string[];
}

export interface ChangeApplierContext {
  db: Database;
  /** The mapping configuration in force (read once per batch). */
  config: MappingConfig;
  /** Connectors by CRM id, to fetch the other sources of affected golden records. */
  connectors: ReadonlyMap<string, Connector>;
  /** Our connector id per CRM (record_links.connector_id); default the CRM id. */
  connectorIds?: ReadonlyMap<string, string>;
  functions?: SurvivorshipFunctionRegistry;
  signal?: AbortSignal;
}

export interface ApplyReport {
  records: number;
  deletions: number;
  goldenCreated: number;
  linksCreated: number;
  linksDeleted: number;
  snapshotsChanged: number;
  goldenDeleted: number;
  events: CustomerChangedInput[];
  skippedRecords: { crm: string; objectType: string; recordId: string; reason: string }[];
  /** Golden records whose snapshot was kept because a source's CRM is not connected. */
  blocked: string[];
  /** Records recognised as the echo of our own write-back: never a new change, never a reason to write back. */
  echoes?: { crm: string; objectType: string; recordId: string }[];
  /** Convergence: winners queued for write-back to records holding a loser of an `on`-mode field. */
  convergence?: ConvergenceReport;
}

export class StalePreparationError extends Error {
  constructor(detail: string) {
    super(`links changed while the batch was prepared (${detail})`);
    this.name = 'StalePreparationError';
  }
}

interface MappedRecord { goldenType: string; object: NativeObjectConfig; id: string; record: Record<string, unknown>; keys: ReturnType<typeof matchKeys> }

export interface PreparedChanges {
  changes: readonly ObjectChanges[];
  mapped: MappedRecord[][];
  /** Source records by `crm|objectType|id`; null: the CRM no longer has it. */
  sources: Map<string, NativeRecord | null>;
  /** CRMs with live links but no connector: their golden records keep their snapshot. */
  unconnected: Set<string>;
  skippedRecords: ApplyReport['skippedRecords'];
  /** Echo suppression: records reporting our own write-back, by `crm|objectType|id` → native fields we wrote. */
  echoes?: Map<string, string[]>;
  /** Golden records whose stored references name a record these changes link for the first time. */
  referencing?: string[];
}

const sourceKey = (crm: string, objectType: string, id: string) => `${crm}|${objectType}|${id}`;

function objectsOf(config: MappingConfig, crm: string, objectType: string): { goldenType: string; object: NativeObjectConfig }[] {
  const out: { goldenType: string; object: NativeObjectConfig }[] = [];
  for (const [goldenType, type] of Object.entries(config.types)) {
    for (const object of type.objects) if (object.crm === crm && object.objectType === objectType) out.push({ goldenType, object });
  }
  return out;
}

function connectorIdOf(ctx: ChangeApplierContext, crm: string): string {
  return ctx.connectorIds?.get(crm) ?? crm;
}

/** Step 1, outside any transaction: map the records and fetch the other sources of the golden records they touch. */
export async function prepareChanges(ctx: ChangeApplierContext, changes: readonly ObjectChanges[]): Promise<PreparedChanges> {
  const { db, config } = ctx;
  const sources = new Map<string, NativeRecord | null>();
  const skippedRecords: ApplyReport['skippedRecords'] = [];
  const mapped: MappedRecord[][] = [];
  const candidates = new Set<string>();
  const referencing = new Set<string>();
  const echoes = new Map<string, string[]>();
  for (const change of changes) {
    const group: MappedRecord[] = [];
    const alive = change.records.filter((r) => !r.deleted);
    for (const r of alive) sources.set(sourceKey(change.crm, change.objectType, r.id), r);
    for (const r of change.records.filter((x) => x.deleted)) sources.set(sourceKey(change.crm, change.objectType, r.id), null);
    for (const { goldenType, object } of objectsOf(config, change.crm, change.objectType)) {
      for (const r of alive) {
        const record = toMappingRecord(r, object);
        try {
          const values = Object.fromEntries(Object.entries(mapToGolden(config, goldenType, object.crm, object.objectType, record)).map(([f, c]) => [f, c.value]));
          group.push({ goldenType, object, id: r.id, record, keys: matchKeys(goldenType, values) });
        } catch (err) {
          skippedRecords.push({ crm: change.crm, objectType: change.objectType, recordId: r.id, reason: (err as Error).message });
        }
      }
    }
    mapped.push(group);
    const connectorId = connectorIdOf(ctx, change.crm);
    // --- echo suppression (write-back): records holding exactly what our worker just wrote ---
    for (const [id, fields] of await findEchoes(db, connectorId, change.objectType, alive)) echoes.set(sourceKey(change.crm, change.objectType, id), fields);
    const ids = [...change.records.map((r) => r.id), ...change.deletions];
    const linked = await linkedGoldenIds(db, connectorId, change.objectType, ids);
    for (const goldenId of linked.values()) candidates.add(goldenId);
    // A record linked for the first time may be what others already point to (a person synced before the company
    // she works at): their snapshots are recomputed too, so their relation no longer reads "not linked".
    const waiting = alive.filter((r) => !linked.has(r.id)).flatMap((r) => referenceKeysTo(config, { crm: change.crm, objectType: change.objectType, recordId: r.id }));
    for (const goldenId of await goldenIdsHoldingRefs(db, waiting)) {
      candidates.add(goldenId);
      referencing.add(goldenId);
    }
    for (const id of await predictGolden(ctx, connectorId, group)) candidates.add(id);
  }
  const deleted = new Set(changes.flatMap((c) => c.deletions.map((id) => sourceKey(c.crm, c.objectType, id))));
  for (const key of deleted) sources.set(key, null);
  const unconnected = new Set<string>();
  await fetchSources(ctx, await liveLinksOf(db, [...candidates]), sources, unconnected);
  return { changes, mapped, sources, unconnected, skippedRecords, echoes, referencing: [...referencing] };
}

async function fetchSources(
  ctx: ChangeApplierContext, links: Awaited<ReturnType<typeof liveLinksOf>>, sources: Map<string, NativeRecord | null>, unconnected: Set<string>,
  failures?: Map<string, unknown>,
): Promise<void> {
  const wanted = new Map<string, { crm: string; objectType: string; ids: Set<string> }>();
  for (const link of links) {
    if (sources.has(sourceKey(link.crm, link.objectType, link.recordId))) continue;
    const k = `${link.crm}|${link.objectType}`;
    const entry = wanted.get(k) ?? { crm: link.crm, objectType: link.objectType, ids: new Set<string>() };
    entry.ids.add(link.recordId);
    wanted.set(k, entry);
  }
  for (const { crm, objectType, ids } of wanted.values()) {
    const connector = ctx.connectors.get(crm);
    const goldenTypes = objectsOf(ctx.config, crm, objectType);
    if (!connector || goldenTypes.length === 0) {
      unconnected.add(crm);
      continue;
    }
    const fields = [...new Set(goldenTypes.flatMap(({ goldenType }) => requiredNativeFields(ctx.config, goldenType, crm, { objectType, includeIdField: true })))];
    const all = [...ids];
    const size = Math.max(1, connector.limits.fetchByIds);
    try {
      for (let i = 0; i < all.length; i += size) {
        const chunk = all.slice(i, i + size);
        // A failing CRM throws: the batch is retried later rather than snapshotted without that source.
        const found = await connector.fetchByIds(objectType, chunk, { fields, lane: 'sync', ...(ctx.signal ? { signal: ctx.signal } : {}) });
        for (const id of chunk) sources.set(sourceKey(crm, objectType, id), found.get(id) ?? null);
      }
    } catch (err) {
      // Unless the caller collects failures: then that CRM counts as unconnected, and its golden records keep their snapshot.
      if (!failures) throw err;
      unconnected.add(crm);
      failures.set(crm, err);
    }
  }
}

/** Step 2, in the caller's transaction: link, mark deletions, write snapshots and publish change events. */
export async function applyPrepared(tx: Tx, ctx: ChangeApplierContext, prepared: PreparedChanges): Promise<ApplyReport> {
  const report: ApplyReport = {
    records: 0, deletions: 0, goldenCreated: 0, linksCreated: 0, linksDeleted: 0, snapshotsChanged: 0, goldenDeleted: 0,
    events: [], skippedRecords: [...prepared.skippedRecords], blocked: [], echoes: [],
  };
  // Golden records touched by something other than an echo; the rest only take the echoed fields (see recompute).
  const genuine = new Set<string>();
  const echoed = new Map<string, Set<string>>();
  await lockLinking(tx);
  const affected = new Set<string>();
  for (const [index, change] of prepared.changes.entries()) {
    const connectorId = connectorIdOf(ctx, change.crm);
    const gone = [...change.deletions, ...change.records.filter((r) => r.deleted).map((r) => r.id)];
    const deletedFrom = await markLinksDeleted(tx, connectorId, change.objectType, gone);
    deletedFrom.forEach((id) => { affected.add(id); genuine.add(id); });
    report.linksDeleted += deletedFrom.length;
    report.deletions += gone.length;
    const group = prepared.mapped[index]!;
    (await reactivateLinks(tx, connectorId, change.objectType, group.map((m) => m.id))).forEach((id) => { affected.add(id); genuine.add(id); });
    // Customers by identity resolution (matcher, merges, review queue), other types by match key: link-group.ts.
    const linked = await linkGroup(tx, ctx, connectorId, group, report);
    for (const m of group) {
      const goldenId = linked.get(m.id)!;
      affected.add(goldenId);
      report.records++;
      const echo = prepared.echoes?.get(sourceKey(change.crm, change.objectType, m.id));
      if (echo) {
        (report.echoes ??= []).push({ crm: change.crm, objectType: change.objectType, recordId: m.id });
        const fields = echoed.get(goldenId) ?? new Set<string>();
        for (const f of goldenFieldsOf(ctx.config, m.goldenType, change.crm, change.objectType, echo)) fields.add(f);
        echoed.set(goldenId, fields);
      } else genuine.add(goldenId);
    }
  }
  for (const id of prepared.referencing ?? []) {
    affected.add(id);
    genuine.add(id);
  }
  for (const id of genuine) echoed.delete(id);
  await recompute(tx, ctx, prepared, [...affected], report, echoed);
  if (report.events.length > 0) await publishCustomerChanged(tx, report.events);
  return report;
}

async function recompute(tx: Tx, ctx: ChangeApplierContext, prepared: PreparedChanges, ids: string[], report: ApplyReport, echoOnly: ReadonlyMap<string, ReadonlySet<string>> = new Map()): Promise<void> {
  const { config } = ctx;
  const states = await goldenStates(tx, ids);
  const links = await liveLinksOf(tx, ids);
  const toDelete: string[] = [];
  const toRestore: string[] = [];
  const clockUpdates: Parameters<typeof writeFieldClocks>[1][number][] = [];
  const refUpdates: LinkRefsUpdate[] = [];
  const converge: ConvergenceCandidate[] = [];
  for (const id of ids) {
    const state = states.get(id);
    if (!state || state.status === 'merged' || !config.types[state.entityType]) continue;
    const own = links.filter((l) => l.goldenId === id);
    if (own.length === 0) {
      if (state.status === 'active') {
        toDelete.push(id);
        report.goldenDeleted++;
        // Ids only: the customer is gone, so any field a subscriber asked about changed.
        if (state.entityType === 'Customer') report.events.push({ customerId: id });
      }
      continue;
    }
    if (state.status === 'deleted') toRestore.push(id);
    if (own.some((l) => prepared.unconnected.has(l.crm))) {
      report.blocked.push(id);
      continue;
    }
    const inputs: NativeRecordInput[] = [];
    for (const link of own) {
      const key = sourceKey(link.crm, link.objectType, link.recordId);
      if (!prepared.sources.has(key)) throw new StalePreparationError(`${id} gained ${key}`);
      const native = prepared.sources.get(key);
      const object = config.types[state.entityType]!.objects.find((o) => o.crm === link.crm && o.objectType === link.objectType);
      if (!native || !object) continue;
      const record = toMappingRecord(native, object);
      // Field clocks: a value unchanged since an earlier capture keeps its older time, so a newer edit of another
      // field of this record (or our own write-back to it) does not make its stale values win last-write-wins.
      const clock = advanceFieldClock(link.fieldClock, record, clockedFields(config, state.entityType, link.crm, link.objectType), recordModifiedAt(object, record));
      if (!sameFieldClock(link.fieldClock, clock)) clockUpdates.push({ connectorId: link.connectorId, objectType: link.objectType, recordId: link.recordId, fieldClock: clock });
      const fieldModifiedAt = fieldTimesFromClock(clock, record);
      inputs.push({ crm: link.crm, objectType: link.objectType, record, ...(fieldModifiedAt ? { fieldModifiedAt } : {}) });
      if (hasRelations(config, state.entityType)) refUpdates.push(linkRefsOf(config, state.entityType, { connectorId: link.connectorId, crm: link.crm, objectType: link.objectType, recordId: link.recordId, record }));
    }
    const resolved = resolveRecord(config, state.entityType, collectCandidates(config, state.entityType, inputs), ctx.functions ? { functions: ctx.functions } : {});
    // Convergence looks at every genuinely touched record, changed snapshot or not (a new loser changes no winner).
    if (!echoOnly.has(id)) converge.push(convergenceCandidate(id, state.entityType, resolved.values, own, prepared));
    // Flagged values are kept, and their quality issues stored with the snapshot (snapshot-quality.ts).
    const relations = (await relationValues(tx, config, state.entityType, new Map([[id, inputs]]), ctx.functions)).get(id);
    const values = echoOnlyValues(state.snapshot, { ...snapshotOf(resolved), ...relations }, echoOnly.get(id));
    const version = await writeSnapshot(tx, id, values);
    if (version === null) continue;
    report.snapshotsChanged++;
    const changedFields = changedKeys(state.snapshot, values);
    if (state.entityType === 'Customer' && (changedFields.length > 0 || state.status === 'deleted')) {
      report.events.push(state.status === 'deleted' ? { customerId: id, version } : { customerId: id, changedFields, version });
    }
  }
  await writeFieldClocks(tx, clockUpdates);
  await writeLinkRefs(tx, refUpdates);
  await setGoldenStatus(tx, toDelete, 'deleted');
  await setGoldenStatus(tx, toRestore, 'active');
  report.convergence = await queueConvergence(tx, config, converge);
}

/** Records that reported our own write are never corrected from this capture (they hold what we just wrote). */
function convergenceCandidate(goldenId: string, typeName: string, winners: Record<string, unknown>, own: Awaited<ReturnType<typeof liveLinksOf>>, prepared: PreparedChanges): ConvergenceCandidate {
  const key = (l: (typeof own)[number]) => sourceKey(l.crm, l.objectType, l.recordId);
  return { goldenId, typeName, winners, records: own.map((link) => ({ link, record: prepared.sources.get(key(link)) ?? null })), echoes: own.filter((l) => prepared.echoes?.has(key(l))) };
}

export interface GoldenSourcesOptions {
  /** A connector being retired (sync/connector-retirement.ts): its links are marked deleted in the transaction, so not read. */
  withoutConnector?: string;
  /**
   * Collects read failures by CRM instead of throwing: that CRM then counts as unconnected, so the golden records
   * holding one of its records keep their previous snapshot (`blocked`) while the rest are recomputed.
   */
  failures?: Map<string, unknown>;
}

/**
 * Admin merges and splits, connector retirement: fetch (outside any transaction) the live sources of these golden records, so that
 * `recomputeGolden` can rewrite their snapshots after links moved among them.
 */
export async function prepareGoldenSources(ctx: ChangeApplierContext, goldenIds: readonly string[], options: GoldenSourcesOptions = {}): Promise<PreparedChanges> {
  const sources = new Map<string, NativeRecord | null>();
  const unconnected = new Set<string>();
  const links = (await liveLinksOf(ctx.db, [...goldenIds])).filter((l) => l.connectorId !== options.withoutConnector);
  await fetchSources(ctx, links, sources, unconnected, options.failures);
  return { changes: [], mapped: [], sources, unconnected, skippedRecords: [] };
}

/** In the caller's transaction: snapshots of these golden records from their live sources, events published. */
export async function recomputeGolden(tx: Tx, ctx: ChangeApplierContext, prepared: PreparedChanges, goldenIds: readonly string[]): Promise<ApplyReport> {
  const report: ApplyReport = {
    records: 0, deletions: 0, goldenCreated: 0, linksCreated: 0, linksDeleted: 0, snapshotsChanged: 0, goldenDeleted: 0,
    events: [], skippedRecords: [], blocked: [], echoes: [],
  };
  await recompute(tx, ctx, prepared, [...goldenIds], report, new Map());
  if (report.events.length > 0) await publishCustomerChanged(tx, report.events);
  return report;
}

// --- echo suppression (write-back) ---

/** Golden fields of `goldenType` fed by any of these native fields of a CRM object. */
function goldenFieldsOf(config: MappingConfig, goldenType: string, crm: string, objectType: string, nativeFields: readonly string[]): string[] {
  const written = new Set(nativeFields);
  return Object.entries(config.types[goldenType]?.fields ?? {})
    .filter(([, f]) => f.mappings.some((m) => m.crm === crm && m.objectType === objectType && m.from.some((n) => written.has(n))))
    .map(([name]) => name);
}

/**
 * A golden record touched only by echoes of our own writes takes only the fields those writes carried: the echo's
 * newer modification time must not flip other last-write-wins winners (a change nobody made, which would then be
 * announced and could be written back — ping-pong).
 */
function echoOnlyValues(before: Readonly<Record<string, unknown>> | null, resolved: Record<string, unknown>, implied: ReadonlySet<string> | undefined): Record<string, unknown> {
  if (!implied || !before) return resolved;
  return { ...before, ...Object.fromEntries(Object.entries(resolved).filter(([k]) => implied.has(k))) };
}

/** Golden field names whose merged value differs between two snapshots. */
export function changedKeys(before: Readonly<Record<string, unknown>> | null, after: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...keys].filter((k) => k !== QUALITY_KEY && JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after[k] ?? null)).sort();
}

export interface ApplyOptions {
  /** Runs in the same transaction after the changes (store a cursor, mark inbox rows processed…). */
  within?: (tx: Tx) => Promise<void>;
  /** Preparations to try when links move underneath (default 3). */
  attempts?: number;
}

/** Prepares and applies one batch in one transaction; re-prepares when links moved in between. */
export async function applyChanges(ctx: ChangeApplierContext, changes: readonly ObjectChanges[], options: ApplyOptions = {}): Promise<ApplyReport> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const prepared = await prepareChanges(ctx, changes);
    try {
      return await ctx.db.transaction(async (tx) => {
        const report = await applyPrepared(tx, ctx, prepared);
        await options.within?.(tx);
        return report;
      });
    } catch (err) {
      if (!(err instanceof StalePreparationError) || attempt >= attempts) throw err;
    }
  }
}
