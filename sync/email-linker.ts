/**
 * The email linker: the stand-in for identity resolution (issue 6). For each native object of the mapping
 * configuration it pages through the connector's records, computes a match key (match-keys.ts), finds or creates
 * the golden record and upserts the link (unique on connector, object type and record id) — a page at a time, in
 * a few statements per page (link-page.ts) — then recomputes the golden snapshot of every record it saw
 * (`collectCandidates` + `resolveRecord`) for listing and filters, writing them in chunks.
 *
 * Reading overlaps linking (lib/prefetch.ts): each object is read up to READ_AHEAD_RECORDS ahead of the linker (at
 * least the next page while the current one is linked), every object of a type is opened at once (read while the
 * objects before it are linked), and the next type's objects are opened while this type's customers are matched
 * and its snapshots written. The pages are still linked in the configured order, one after the other, so no
 * decision depends on timing. Customers matched by identity are only collected while reading (the matcher needs
 * them all), so their objects — CRMs typically — are read concurrently, and the records are put back in the
 * configured order before matching.
 *
 * Idempotent: a linked native record keeps its link (re-linking after an email change is identity resolution's
 * job), and an unchanged snapshot is not rewritten, so a second run creates and changes nothing. Runs serialise on
 * a database advisory lock, so two processes cannot create one customer twice. A CRM that fails is reported and
 * skipped; golden records linked to it keep their previous snapshot rather than one computed without it.
 */
import type { Connector, NativeRecord } from '../connectors/contract/index.ts';
import { asConnectorError } from '../connectors/contract/index.ts';
import type { Database } from '../db/open-database.ts';
import { nativeKey } from '../db/decision-store.ts';
import { linksOf } from '../db/golden-store.ts';
import { lockLinking, writeSnapshots } from '../db/link-store.ts';
import { prefetch } from '../lib/prefetch.ts';
import { collectCandidates, mapToGolden, requiredNativeFields, resolveRecord } from '../resolver-engine/index.ts';
import type { MappingConfig, NativeObjectConfig, NativeRecordInput, SurvivorshipFunctionRegistry } from '../resolver-engine/index.ts';
import { applyIdentity, identityDetail, matchSubjects, personOf, usesMatcher } from './identity-linker.ts';
import type { IdentitySubject } from './identity-linker.ts';
import { linkPage } from './link-page.ts';
import { stampFieldClocks } from './link-clocks.ts';
import { stampLinkRefs } from './link-refs.ts';
import { linkOrder, relationValues } from './relation-snapshot.ts';
import type { ReadRecord } from './link-clocks.ts';
import { toMappingRecord } from './native-input.ts';
import { snapshotOf } from './snapshot-quality.ts';

/** Golden records whose snapshots are resolved and written per statement. */
const SNAPSHOT_CHUNK = 500;
/**
 * Records each object may be read ahead of the linker, in whole pages of the CRM's largest size (at least one):
 * HubSpot 50 pages of 100, Salesforce 2 of 2,000. One page would do while pages are linked one after the other;
 * more lets a CRM that answers slowly go on being read while the previous type is matched and stored (seconds),
 * for a few MB of records held per object.
 */
const READ_AHEAD_RECORDS = 5_000;

/**
 * One turn of the event loop. Embedded PGlite runs in this thread and its queries resolve without ever yielding to
 * it, so while the linker works on the database a read-ahead request is neither sent nor answered (postgres.js
 * yields on every query; there this costs nothing). Taken once per page and per snapshot chunk.
 */
const letReadsProceed = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface LinkerProgress {
  goldenType: string;
  /** `reading` after each page of an object, `snapshots` once a type's snapshots are written. */
  phase: 'reading' | 'snapshots';
  crm?: string;
  objectType?: string;
  /** Records read so far from this object (reading) or golden records resolved (snapshots). */
  records: number;
  goldenCreated: number;
  linksCreated: number;
  snapshotsChanged: number;
}

export interface LinkerReport {
  recordsRead: number;
  goldenCreated: number;
  linksCreated: number;
  snapshotsWritten: number;
  snapshotsChanged: number;
  /** Objects that could not be read, with the connector error code and message. */
  failed: { crm: string; objectType: string; code: string; message: string }[];
  /** Configured objects with no connector for their CRM. */
  notConnected: { crm: string; objectType: string }[];
  /** Records that could not be mapped (no id…), by object. */
  skippedRecords: { crm: string; objectType: string; recordId: string; reason: string }[];
  /** Identity resolution (matchCustomers 'identity'): customers merged automatically, pairs queued for review. */
  customersMerged?: number;
  reviewsQueued?: number;
}

export interface EmailLinkerOptions {
  db: Database;
  config: MappingConfig;
  /** Connectors by CRM id (injected by the composition root; the linker never imports a CRM). */
  connectors: ReadonlyMap<string, Connector>;
  /** Our connector id per CRM (record_links.connector_id); default the CRM id. */
  connectorIds?: ReadonlyMap<string, string>;
  /** Golden types to link; default every type of the configuration. */
  goldenTypes?: readonly string[];
  pageSize?: number;
  onProgress?: (progress: LinkerProgress) => void;
  functions?: SurvivorshipFunctionRegistry;
  signal?: AbortSignal;
  /**
   * How Customer records are linked: 'identity' runs the matcher over every record read (identity-linker.ts:
   * merges, review queue, stored decisions respected); 'email' (default) joins records by normalised email only.
   */
  matchCustomers?: 'identity' | 'email';
}

export async function runEmailLinker(options: EmailLinkerOptions): Promise<LinkerReport> {
  const report: LinkerReport = { recordsRead: 0, goldenCreated: 0, linksCreated: 0, snapshotsWritten: 0, snapshotsChanged: 0, failed: [], notConnected: [], skippedRecords: [] };
  const types = linkOrder(options.config, options.goldenTypes ?? Object.keys(options.config.types));
  // Every reader opened, so that a failure midway stops those still reading.
  const opened: ObjectReader[] = [];
  const open = (goldenType: string) => {
    const readers = openReaders(options, goldenType);
    opened.push(...readers);
    return readers;
  };
  let next: ObjectReader[] | undefined;
  try {
    for (const [i, goldenType] of types.entries()) {
      const readers = next ?? open(goldenType);
      next = undefined;
      await linkType(options, goldenType, readers, report, () => {
        const following = types[i + 1];
        // A type that cannot be opened (unknown) fails at its own turn, as it always did, not during this one.
        if (following !== undefined) try { next = open(following); } catch { next = undefined; }
      });
    }
  } finally {
    // Readers left open by a failure: stop them (their read-ahead pages, or failures, are dropped).
    await Promise.allSettled(opened.map((r) => r.pages?.return()));
  }
  return report;
}

/** One configured object, its pages read ahead from the moment it is opened. */
interface ObjectReader {
  object: NativeObjectConfig;
  connectorId: string;
  /** Absent when no connector serves the object's CRM. */
  pages?: AsyncGenerator<NativeRecord[], void, undefined>;
}

/** Opens every object of the type: each starts reading now, and keeps up to READ_AHEAD_RECORDS ahead of the linker. */
function openReaders(options: EmailLinkerOptions, goldenType: string): ObjectReader[] {
  const type = options.config.types[goldenType];
  if (!type) throw new Error(`unknown golden type '${goldenType}'`);
  return type.objects.map((object) => {
    const connector = options.connectors.get(object.crm);
    const connectorId = options.connectorIds?.get(object.crm) ?? object.crm;
    if (!connector) return { object, connectorId };
    const fields = requiredNativeFields(options.config, goldenType, object.crm, { objectType: object.objectType, includeIdField: true });
    const pageOptions = { fields, lane: 'sync' as const, ...(options.pageSize ? { pageSize: options.pageSize } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    // Inside a generator, so that a connector failing as it is called fails at the first page, reported like any other.
    const pages = (async function* () { yield* connector.pageRecords(object.objectType, pageOptions); })();
    const perPage = connector.limits?.maxPageSize;
    const lookahead = Number.isFinite(perPage) && perPage > 0 ? Math.max(1, Math.floor(READ_AHEAD_RECORDS / perPage)) : 1;
    return { object, connectorId, pages: prefetch(pages, { eager: true, lookahead }) };
  });
}

/** Where reading reports what it could not use: the run's report, or one per object when objects are read concurrently. */
type ReadIssues = Pick<LinkerReport, 'failed' | 'notConnected' | 'skippedRecords'>;
const noIssues = (): ReadIssues => ({ failed: [], notConnected: [], skippedRecords: [] });

/**
 * Every live record of one object, a page at a time, to `linkRecords`. False when the object could not be read
 * completely (no connector, a CRM error; what `linkRecords` got before the error stays linked).
 */
async function readObject(
  options: EmailLinkerOptions, goldenType: string, reader: ObjectReader, report: LinkerReport, issues: ReadIssues,
  counts: { goldenCreated: number; linksCreated: number }, linkRecords: (records: { id: string; record: Record<string, unknown> }[]) => Promise<void> | void,
): Promise<boolean> {
  const { object } = reader;
  if (!reader.pages) {
    issues.notConnected.push({ crm: object.crm, objectType: object.objectType });
    return false;
  }
  let records = 0;
  try {
    for await (const page of reader.pages) {
      await letReadsProceed();
      const mapped = page.filter((r) => !r.deleted).map((r) => ({ id: r.id, record: toMappingRecord(r, object) }));
      await linkRecords(mapped);
      records += mapped.length;
      report.recordsRead += mapped.length;
      options.onProgress?.({ goldenType, phase: 'reading', crm: object.crm, objectType: object.objectType, records, ...counts, snapshotsChanged: 0 });
    }
    return true;
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const error = asConnectorError(object.crm, err);
    issues.failed.push({ crm: object.crm, objectType: object.objectType, code: error.code, message: error.message });
    return false;
  }
}

/** The record's golden values, or null (reported as skipped) when it cannot be mapped at all. */
function goldenValues(options: EmailLinkerOptions, goldenType: string, object: NativeObjectConfig, id: string, record: Record<string, unknown>, issues: ReadIssues): Record<string, unknown> | null {
  try {
    return Object.fromEntries(Object.entries(mapToGolden(options.config, goldenType, object.crm, object.objectType, record)).map(([f, c]) => [f, c.value]));
  } catch (err) {
    issues.skippedRecords.push({ crm: object.crm, objectType: object.objectType, recordId: id, reason: (err as Error).message });
    return null;
  }
}

async function linkType(options: EmailLinkerOptions, goldenType: string, readers: ObjectReader[], report: LinkerReport, onRead: () => void): Promise<void> {
  const { db, config } = options;
  const type = config.types[goldenType];
  if (!type) throw new Error(`unknown golden type '${goldenType}'`);
  const inputsByGolden = new Map<string, NativeRecordInput[]>();
  const unreadable: NativeObjectConfig[] = [];
  const counts = { goldenCreated: 0, linksCreated: 0 };
  // Identity resolution needs every record before it links any: the matcher compares them all.
  const identity = options.matchCustomers === 'identity' && usesMatcher(goldenType);
  type Subject = IdentitySubject & { record: Record<string, unknown> };
  let subjects: Subject[] = [];
  // Every record read, with the input its snapshot resolves from: field clocks are stamped on them at the end.
  const reads: ReadRecord[] = [];
  const addInput = (goldenId: string, read: ReadRecord) => {
    reads.push(read);
    const inputs = inputsByGolden.get(goldenId) ?? [];
    inputs.push(read.input);
    inputsByGolden.set(goldenId, inputs);
  };

  if (identity) {
    // Reading only collects (and maps) records here, so the objects are read at once, each into its own list, and
    // put back in the configured order afterwards: the matcher sees exactly what reading them in turn gives.
    const collected = readers.map(() => ({ subjects: [] as Subject[], issues: noIssues(), complete: false }));
    const settled = await Promise.allSettled(readers.map(async ({ object, connectorId }, i) => {
      const into = collected[i]!;
      into.complete = await readObject(options, goldenType, readers[i]!, report, into.issues, counts, (mapped) => {
        for (const { id, record } of mapped) {
          const values = goldenValues(options, goldenType, object, id, record, into.issues);
          if (values) into.subjects.push({ connectorId, crm: object.crm, objectType: object.objectType, recordId: id, values, record });
        }
      });
    }));
    const aborted = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (aborted) throw aborted.reason;
    for (const [i, into] of collected.entries()) {
      report.failed.push(...into.issues.failed);
      report.notConnected.push(...into.issues.notConnected);
      report.skippedRecords.push(...into.issues.skippedRecords);
      if (!into.complete) unreadable.push(readers[i]!.object);
    }
    subjects = collected.flatMap((c) => c.subjects);
  } else {
    for (const reader of readers) {
      const { object, connectorId } = reader;
      const complete = await readObject(options, goldenType, reader, report, report, counts, (mapped) => db.transaction(async (tx) => {
        await lockLinking(tx);
        const valued = mapped.flatMap(({ id, record }) => {
          const values = goldenValues(options, goldenType, object, id, record, report);
          return values ? [{ id, record, values }] : [];
        });
        const page = await linkPage(tx, {
          goldenType, connectorId, crm: object.crm, objectType: object.objectType,
          // Customer links also carry the person and its blocking keys, so change capture's matcher finds them.
          matchDetail: (id, values, key) => (usesMatcher(goldenType)
            ? { ...identityDetail(personOf(nativeKey(connectorId, object.objectType, id), values), config.defaultRegion), linker: 'email', key }
            : { linker: 'email', key }),
        }, valued);
        counts.goldenCreated += page.goldenCreated;
        counts.linksCreated += page.linksCreated;
        for (const { id, record } of valued) addInput(page.goldenOf.get(id)!, { connectorId, object, recordId: id, input: { crm: object.crm, objectType: object.objectType, record } });
      }));
      if (!complete) unreadable.push(object);
    }
  }
  // Every page of this type is read: the next type's objects are read while this one is matched and stored.
  onRead();

  if (identity && subjects.length > 0) {
    const region = { defaultRegion: config.defaultRegion };
    const match = await matchSubjects(db, subjects, { ...region, full: true });
    const outcome = await db.transaction(async (tx) => {
      await lockLinking(tx);
      return applyIdentity(tx, match, region);
    });
    counts.goldenCreated += outcome.goldenCreated;
    counts.linksCreated += outcome.linksCreated;
    report.customersMerged = (report.customersMerged ?? 0) + outcome.merges.reduce((n, m) => n + m.mergedIds.length, 0);
    report.reviewsQueued = (report.reviewsQueued ?? 0) + outcome.reviewsQueued;
    for (const s of subjects) {
      const object = type.objects.find((o) => o.crm === s.crm && o.objectType === s.objectType)!;
      addInput(outcome.goldenOf.get(nativeKey(s.connectorId, s.objectType, s.recordId))!, { connectorId: s.connectorId, object, recordId: s.recordId, input: { crm: s.crm, objectType: s.objectType, record: s.record } });
    }
  }
  report.goldenCreated += counts.goldenCreated;
  report.linksCreated += counts.linksCreated;

  // Snapshots: from every record read, except golden records linked to an object that could not be read.
  const ids = [...inputsByGolden.keys()];
  const blocked = new Set<string>();
  if (unreadable.length > 0) {
    for (const [id, links] of await linksOf(db, ids)) {
      if (links.some((l) => unreadable.some((o) => o.crm === l.crm && o.objectType === l.objectType))) blocked.add(id);
    }
  }
  let changed = 0;
  let written = 0;
  await db.transaction(async (tx) => {
    // The records' field clocks first (the baseline change capture advances), so snapshots use their field times.
    await stampFieldClocks(tx, config, goldenType, reads);
    await stampLinkRefs(tx, config, goldenType, reads.map((r) => ({ connectorId: r.connectorId, crm: r.object.crm, objectType: r.object.objectType, recordId: r.recordId, record: r.input.record })));
    // Resolved and written a chunk at a time: one statement per chunk, and not every snapshot held at once.
    const todo = ids.filter((id) => !blocked.has(id));
    for (let i = 0; i < todo.length; i += SNAPSHOT_CHUNK) {
      await letReadsProceed();
      const chunk = todo.slice(i, i + SNAPSHOT_CHUNK);
      const relations = await relationValues(tx, config, goldenType, new Map(chunk.map((id) => [id, inputsByGolden.get(id)!])), options.functions);
      const snapshots = chunk.map((id) => ({
        goldenId: id,
        snapshot: { ...snapshotOf(resolveRecord(config, goldenType, collectCandidates(config, goldenType, inputsByGolden.get(id)!), options.functions ? { functions: options.functions } : {})), ...relations.get(id) },
      }));
      written += snapshots.length;
      changed += (await writeSnapshots(tx, snapshots)).size;
    }
  });
  report.snapshotsWritten += written;
  report.snapshotsChanged += changed;
  options.onProgress?.({ goldenType, phase: 'snapshots', records: written, ...counts, snapshotsChanged: changed });
}
