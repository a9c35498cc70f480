/**
 * Mapping and rule documents with versions. Saving validates first (resolver-engine) and adds a version — nothing
 * is overwritten, so any earlier version can be inspected or restored. Loading returns the newest VALID version:
 * a stored document that no longer validates (say, it names a custom function this build does not register) is
 * reported and skipped, and the running graph keeps the last good one.
 *
 * Several processes share one store (gateway replicas, the worker): a save publishes `mapping_saved` with its
 * transaction (db/mapping-events.ts) so the others serve it, and saves take one advisory lock, so the version
 * numbers and the `expectedVersion` check hold across processes, not just within one.
 */
import { and, desc, eq, max, sql } from 'drizzle-orm';
import { validateMappingConfig } from '../resolver-engine/index.ts';
import type { ConfigError, MappingConfig, ValidateOptions } from '../resolver-engine/index.ts';
import { ProductError } from '../lib/product-error.ts';
import { publishMappingSaved } from './mapping-events.ts';
import type { Database } from './open-database.ts';
import { auditLog, configVersions } from './schema.ts';

export interface StoredMapping {
  version: number;
  config: MappingConfig;
  createdAt: Date;
  comment: string | null;
}

export interface LoadReport {
  active: StoredMapping | null;
  /** Newer versions that failed validation and were skipped. */
  skipped: { version: number; errors: ConfigError[] }[];
}

export interface SaveOptions {
  comment?: string;
  actor?: string;
  /** Refuse (CONFLICT) unless this is the version in force in the store — the newest that validates. */
  expectedVersion?: number;
}

const KIND = 'mappings';

/**
 * The key of the transaction-scoped advisory lock every save takes (any fixed bigint no other feature uses):
 * two saves, from any processes, never compute the same next version or pass the same `expectedVersion` check.
 */
export const MAPPING_SAVE_LOCK_KEY = 7_310_411_201;

type Row = typeof configVersions.$inferSelect;

export class MappingConfigStore {
  constructor(
    private readonly db: Database,
    private readonly validateOptions: ValidateOptions = {},
  ) {}

  /** Validates and stores a new version; throws MAPPING_INVALID naming each field and reason, storing nothing. */
  async save(document: unknown, meta: SaveOptions = {}): Promise<StoredMapping> {
    const result = validateMappingConfig(document, this.validateOptions);
    if (!result.ok) {
      throw new ProductError('MAPPING_INVALID', `The mapping configuration is invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
        problems: result.errors,
      });
    }
    return this.db.transaction(async (tx) => {
      // Held until commit, so the next save (in any process) sees this version and our NOTIFY is sent before it.
      await tx.execute(sql`select pg_advisory_xact_lock(${MAPPING_SAVE_LOCK_KEY})`);
      if (meta.expectedVersion !== undefined) {
        const rows = await tx.select().from(configVersions).where(eq(configVersions.kind, KIND)).orderBy(desc(configVersions.version));
        const inForce = this.newestValid(rows).active?.version ?? 0;
        if (inForce !== meta.expectedVersion) throw mappingConflict(inForce, meta.expectedVersion);
      }
      const [{ latest } = { latest: 0 }] = await tx.select({ latest: max(configVersions.version) }).from(configVersions).where(eq(configVersions.kind, KIND));
      const version = (latest ?? 0) + 1;
      const [row] = await tx
        .insert(configVersions)
        .values({ kind: KIND, version, document: document as Record<string, unknown>, comment: meta.comment ?? null, createdBy: meta.actor ?? null })
        .returning();
      await tx.insert(auditLog).values({ action: 'mappings.saved', actor: meta.actor ?? null, entityType: 'MappingConfig', entityId: String(version), detail: { comment: meta.comment ?? null } });
      await publishMappingSaved(tx, { version });
      return { version, config: result.config, createdAt: row!.createdAt, comment: row!.comment };
    });
  }

  async load(): Promise<LoadReport> {
    const rows = await this.db.select().from(configVersions).where(eq(configVersions.kind, KIND)).orderBy(desc(configVersions.version));
    return this.newestValid(rows);
  }

  /**
   * One stored version, validated as `load()` validates: null when no such version is stored, `errors` when it does
   * not validate here. For a process told (mapping_saved) that another one stored it.
   */
  async loadVersion(version: number): Promise<{ stored: StoredMapping } | { errors: ConfigError[] } | null> {
    const [row] = await this.db.select().from(configVersions).where(and(eq(configVersions.kind, KIND), eq(configVersions.version, version)));
    if (!row) return null;
    const result = validateMappingConfig(row.document, this.validateOptions);
    return result.ok ? { stored: { version: row.version, config: result.config, createdAt: row.createdAt, comment: row.comment } } : { errors: result.errors };
  }

  /** The version in force among `rows` (newest first): the newest that validates; newer invalid ones are reported. */
  private newestValid(rows: readonly Row[]): LoadReport {
    const skipped: LoadReport['skipped'] = [];
    for (const row of rows) {
      const result = validateMappingConfig(row.document, this.validateOptions);
      if (result.ok) return { active: { version: row.version, config: result.config, createdAt: row.createdAt, comment: row.comment }, skipped };
      skipped.push({ version: row.version, errors: result.errors });
    }
    return { active: null, skipped };
  }

  /** Loads the newest valid version, storing `defaults` as version 1 when nothing is stored yet. */
  async loadOrSeed(defaults: unknown): Promise<LoadReport & { active: StoredMapping }> {
    const report = await this.load();
    if (report.active) return report as LoadReport & { active: StoredMapping };
    try {
      // Expecting no version in force: of processes starting at once on an empty database (a gateway and its
      // worker), one stores the default and the others load it, instead of each storing an identical version.
      const active = await this.save(defaults, { comment: 'default configuration shipped with the product', actor: 'system', expectedVersion: 0 });
      return { active, skipped: report.skipped };
    } catch (err) {
      if (!(err instanceof ProductError && err.code === 'CONFLICT')) throw err;
      const seeded = await this.load();
      if (!seeded.active) throw err;
      return seeded as LoadReport & { active: StoredMapping };
    }
  }

  /** Every stored version, newest first; `actor` is who the saver said they were (self-declared, see the mappings subgraph). */
  async versions(): Promise<{ version: number; createdAt: Date; comment: string | null; actor: string | null }[]> {
    return this.db
      .select({ version: configVersions.version, createdAt: configVersions.createdAt, comment: configVersions.comment, actor: configVersions.createdBy })
      .from(configVersions)
      .where(eq(configVersions.kind, KIND))
      .orderBy(desc(configVersions.version));
  }

  async document(version: number): Promise<unknown | undefined> {
    const [row] = await this.db.select({ d: configVersions.document }).from(configVersions).where(and(eq(configVersions.kind, KIND), eq(configVersions.version, version)));
    return row?.d;
  }
}

/** The refusal of a save made on a version no longer in force (the same words in every process). */
export function mappingConflict(versionInForce: number, expectedVersion: number): ProductError {
  return new ProductError('CONFLICT', `Version ${versionInForce} of the mapping configuration is in force now, not version ${expectedVersion} that this change was made on; nothing was saved. Load version ${versionInForce}, make the change again and save.`, {
    versionInForce, expectedVersion,
  });
}
