/**
 * The email linker: the stand-in for identity resolution (issue 6). For each native object of the mapping
 * configuration it pages through the connector's records, computes a match key (match-keys.ts), finds or creates
 * the golden record and upserts the link (unique on connector, object type and record id), then recomputes the
 * golden snapshot of every record it saw (`collectCandidates` + `resolveRecord`) for listing and filters.
 *
 * Idempotent: a linked native record keeps its link (re-linking after an email change is identity resolution's
 * job), and an unchanged snapshot is not rewritten, so a second run creates and changes nothing. Runs serialise on
 * a database advisory lock, so two processes cannot create one customer twice. A CRM that fails is reported and
 * skipped; golden records linked to it keep their previous snapshot rather than one computed without it.
 */
import type { Connector } from '../connectors/contract/index.ts';
import { asConnectorError } from '../connectors/contract/index.ts';
import type { Database } from '../db/open-database.ts';
import { nativeKey } from '../db/decision-store.ts';
import { linksOf } from '../db/golden-store.ts';
import { createGoldenRecord, linkedGoldenIds, lockLinking, upsertLink, writeSnapshot } from '../db/link-store.ts';
import { collectCandidates, mapToGolden, requiredNativeFields, resolveRecord } from '../resolver-engine/index.ts';
import type { MappingConfig, NativeObjectConfig, NativeRecordInput, SurvivorshipFunctionRegistry } from '../resolver-engine/index.ts';
import { findGolden } from './find-golden.ts';
import { matchKeys } from './match-keys.ts';
import { toMappingRecord } from './native-input.ts';

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
}

export async function runEmailLinker(options: EmailLinkerOptions): Promise<LinkerReport> {
  const report: LinkerReport = { recordsRead: 0, goldenCreated: 0, linksCreated: 0, snapshotsWritten: 0, snapshotsChanged: 0, failed: [], notConnected: [], skippedRecords: [] };
  for (const goldenType of options.goldenTypes ?? Object.keys(options.config.types)) {
    await linkType(options, goldenType, report);
  }
  return report;
}

async function linkType(options: EmailLinkerOptions, goldenType: string, report: LinkerReport): Promise<void> {
  const { db, config } = options;
  const type = config.types[goldenType];
  if (!type) throw new Error(`unknown golden type '${goldenType}'`);
  const inputsByGolden = new Map<string, NativeRecordInput[]>();
  const unreadable: NativeObjectConfig[] = [];
  const counts = { goldenCreated: 0, linksCreated: 0 };

  for (const object of type.objects) {
    const connector = options.connectors.get(object.crm);
    if (!connector) {
      report.notConnected.push({ crm: object.crm, objectType: object.objectType });
      unreadable.push(object);
      continue;
    }
    const connectorId = options.connectorIds?.get(object.crm) ?? object.crm;
    const fields = requiredNativeFields(config, goldenType, object.crm, { objectType: object.objectType, includeIdField: true });
    let records = 0;
    try {
      for await (const page of connector.pageRecords(object.objectType, { fields, lane: 'sync', ...(options.pageSize ? { pageSize: options.pageSize } : {}), ...(options.signal ? { signal: options.signal } : {}) })) {
        const mapped = page.filter((r) => !r.deleted).map((r) => ({ id: r.id, record: toMappingRecord(r, object) }));
        await db.transaction(async (tx) => {
          await lockLinking(tx);
          const linked = await linkedGoldenIds(tx, connectorId, object.objectType, mapped.map((m) => m.id));
          for (const { id, record } of mapped) {
            let values: Record<string, unknown>;
            try {
              values = Object.fromEntries(Object.entries(mapToGolden(config, goldenType, object.crm, object.objectType, record)).map(([f, c]) => [f, c.value]));
            } catch (err) {
              report.skippedRecords.push({ crm: object.crm, objectType: object.objectType, recordId: id, reason: (err as Error).message });
              continue;
            }
            let goldenId = linked.get(id);
            if (!goldenId) {
              const keys = matchKeys(goldenType, values);
              goldenId = (await findGolden(tx, goldenType, keys, nativeKey(connectorId, object.objectType, id))) ?? undefined;
              if (!goldenId) {
                goldenId = await createGoldenRecord(tx, goldenType);
                counts.goldenCreated++;
              }
              const link = await upsertLink(tx, {
                goldenId, entityType: goldenType, connectorId, crm: object.crm, objectType: object.objectType, recordId: id,
                matchKey: keys.key, matchDetail: { linker: 'email', key: keys.key },
              });
              if (link.created) counts.linksCreated++;
              goldenId = link.goldenId;
            }
            const inputs = inputsByGolden.get(goldenId) ?? [];
            inputs.push({ crm: object.crm, objectType: object.objectType, record });
            inputsByGolden.set(goldenId, inputs);
          }
        });
        records += mapped.length;
        report.recordsRead += mapped.length;
        options.onProgress?.({ goldenType, phase: 'reading', crm: object.crm, objectType: object.objectType, records, ...counts, snapshotsChanged: 0 });
      }
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const error = asConnectorError(object.crm, err);
      report.failed.push({ crm: object.crm, objectType: object.objectType, code: error.code, message: error.message });
      unreadable.push(object);
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
    for (const id of ids) {
      if (blocked.has(id)) continue;
      const resolved = resolveRecord(config, goldenType, collectCandidates(config, goldenType, inputsByGolden.get(id)!), options.functions ? { functions: options.functions } : {});
      written++;
      if (await writeSnapshot(tx, id, resolved.values)) changed++;
    }
  });
  report.snapshotsWritten += written;
  report.snapshotsChanged += changed;
  options.onProgress?.({ goldenType, phase: 'snapshots', records: written, ...counts, snapshotsChanged: changed });
}
