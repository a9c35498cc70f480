/**
 * Whether the STORED golden records of a golden type (golden_records.snapshot: listing, search, subscriptions' change
 * detection) still follow an older mapping configuration than the one the API answers with.
 *
 * The basis of a type is the mapping version its last complete read started with (db/snapshot-basis-store.ts). The type
 * is stale when that version is older than the one in force AND the part of the mapping concerning the type differs
 * between the two (`goldenTypeSection`): a save that changes only another type leaves it fresh. A type with stored
 * records and no basis (never read completely since basis tracking began) is stale from "unknown".
 */
import { hasGoldenRecords, listSnapshotBasis } from '../db/snapshot-basis-store.ts';
import type { Database } from '../db/open-database.ts';
import type { MappingConfigStore } from '../db/config-store.ts';
import type { GoldenTypeConfig, MappingConfig } from '../resolver-engine/index.ts';
import type { StoredRecordsFreshness } from '../subgraphs/admin/stored-records.ts';

/**
 * The part of a configuration the stored records of `goldenType` are computed from: the type's objects, its fields'
 * mappings (with converters), survivorship rules, quality checks, empty-value and comparison settings, its relations,
 * and the document-wide resolution settings every type uses (default rule, source priority, clock-skew tolerance,
 * default region). Left out: descriptions, deprecations, convergence and `writable` (they change no stored value).
 * null when the configuration has no such type.
 */
export function goldenTypeSection(config: MappingConfig, goldenType: string): unknown {
  const type: GoldenTypeConfig | undefined = config.types[goldenType];
  if (!type) return null;
  const { description: _d, fields, relations, ...rest } = type;
  return {
    defaults: { defaultRule: config.defaultRule, sourcePriority: config.sourcePriority, clockSkewToleranceMs: config.clockSkewToleranceMs, defaultRegion: config.defaultRegion },
    type: {
      ...rest,
      fields: Object.fromEntries(Object.entries(fields).map(([name, f]) => {
        const { description: _fd, deprecated: _dep, convergence: _c, mappings, ...field } = f;
        return [name, { ...field, mappings: mappings.map(({ writable: _w, ...m }) => m) }];
      })),
      relations: Object.fromEntries(Object.entries(relations).map(([name, r]) => {
        const { description: _rd, ...relation } = r;
        return [name, relation];
      })),
    },
  };
}

/** Whether the part of the mapping concerning `goldenType` differs between two configurations (key order ignored). */
export function goldenTypeChanged(before: MappingConfig, after: MappingConfig, goldenType: string): boolean {
  return canonicalJson(goldenTypeSection(before, goldenType)) !== canonicalJson(goldenTypeSection(after, goldenType));
}

/** The golden types of `after` whose section differs from `before`'s. */
export function changedGoldenTypes(before: MappingConfig, after: MappingConfig): string[] {
  return Object.keys(after.types).filter((t) => goldenTypeChanged(before, after, t));
}

export interface FreshnessOptions {
  db: Database;
  /** The mapping configuration in force here, its version and the store of every version. */
  mappings: { version(): number; config(): MappingConfig; store: Pick<MappingConfigStore, 'loadVersion'> };
}

/** Per golden type of the configuration in force: the version its stored records follow and whether they are stale. */
export async function storedRecordsFreshness(opts: FreshnessOptions): Promise<StoredRecordsFreshness[]> {
  const currentMappingVersion = opts.mappings.version();
  const current = opts.mappings.config();
  const basis = new Map((await listSnapshotBasis(opts.db)).map((b) => [b.goldenType, b]));
  // One load per older version, whatever the number of types following it.
  const loaded = new Map<number, Promise<MappingConfig | null>>();
  const configOf = (version: number) => {
    if (!loaded.has(version)) {
      loaded.set(version, opts.mappings.store.loadVersion(version).then((r) => (r && 'stored' in r ? r.stored.config : null)));
    }
    return loaded.get(version)!;
  };
  return Promise.all(Object.keys(current.types).map(async (goldenType): Promise<StoredRecordsFreshness> => {
    const b = basis.get(goldenType);
    if (!b) {
      return { goldenType, followsMappingVersion: null, currentMappingVersion, stale: await hasGoldenRecords(opts.db, goldenType), readAt: null };
    }
    let stale = false;
    if (b.mappingVersion < currentMappingVersion) {
      // A basis version no longer stored or no longer valid here cannot be compared: stale.
      const before = await configOf(b.mappingVersion);
      stale = !before || goldenTypeChanged(before, current, goldenType);
    }
    return { goldenType, followsMappingVersion: b.mappingVersion, currentMappingVersion, stale, readAt: b.readAt?.toISOString() ?? null };
  }));
}

/** JSON with object keys sorted, so two sections that differ only in key order compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}
