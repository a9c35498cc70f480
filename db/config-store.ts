/**
 * Mapping and rule documents with versions. Saving validates first (resolver-engine) and adds a version — nothing
 * is overwritten, so any earlier version can be inspected or restored. Loading returns the newest VALID version:
 * a stored document that no longer validates (say, it names a custom function this build does not register) is
 * reported and skipped, and the running graph keeps the last good one.
 */
import { and, desc, eq, max } from 'drizzle-orm';
import { validateMappingConfig } from '../resolver-engine/index.ts';
import type { ConfigError, MappingConfig, ValidateOptions } from '../resolver-engine/index.ts';
import { ProductError } from '../lib/product-error.ts';
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

const KIND = 'mappings';

export class MappingConfigStore {
  constructor(
    private readonly db: Database,
    private readonly validateOptions: ValidateOptions = {},
  ) {}

  /** Validates and stores a new version; throws MAPPING_INVALID naming each field and reason, storing nothing. */
  async save(document: unknown, meta: { comment?: string; actor?: string } = {}): Promise<StoredMapping> {
    const result = validateMappingConfig(document, this.validateOptions);
    if (!result.ok) {
      throw new ProductError('MAPPING_INVALID', `The mapping configuration is invalid: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
        problems: result.errors,
      });
    }
    return this.db.transaction(async (tx) => {
      const [{ latest } = { latest: 0 }] = await tx.select({ latest: max(configVersions.version) }).from(configVersions).where(eq(configVersions.kind, KIND));
      const version = (latest ?? 0) + 1;
      const [row] = await tx
        .insert(configVersions)
        .values({ kind: KIND, version, document: document as Record<string, unknown>, comment: meta.comment ?? null, createdBy: meta.actor ?? null })
        .returning();
      await tx.insert(auditLog).values({ action: 'mappings.saved', actor: meta.actor ?? null, entityType: 'MappingConfig', entityId: String(version), detail: { comment: meta.comment ?? null } });
      return { version, config: result.config, createdAt: row!.createdAt, comment: row!.comment };
    });
  }

  async load(): Promise<LoadReport> {
    const rows = await this.db.select().from(configVersions).where(eq(configVersions.kind, KIND)).orderBy(desc(configVersions.version));
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
    const active = await this.save(defaults, { comment: 'default configuration shipped with the product', actor: 'system' });
    return { active, skipped: report.skipped };
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
