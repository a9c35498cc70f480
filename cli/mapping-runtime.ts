/**
 * The mapping configuration this process serves, and the two ways it changes:
 * - saved here (`save`): expected version, validation, dry-run composition, stored as a new version, served;
 * - saved by another process on the same database (`adopt`, on a `mapping_saved` notification): that version is
 *   loaded, validated and dry-run here too, then served WITHOUT storing anything. One that does not validate or
 *   compose in this process is logged and skipped; the running configuration stays.
 * Both run one at a time on one chain, so a notification of our own save is handled after that save is served
 * (and ignored: its version is not newer), and an `expectedVersion` check sees the version the last change served.
 * Across processes the check is the store's (db/config-store.ts: advisory lock, version in force in the database).
 */
import type { DatabaseHandle } from '../db/open-database.ts';
import { mappingConflict } from '../db/config-store.ts';
import type { MappingConfigStore } from '../db/config-store.ts';
import { listenMappingSaved } from '../db/mapping-events.ts';
import type { Logger } from '../lib/logger.ts';
import { ProductError } from '../lib/product-error.ts';
import { DEFAULT_MAPPING_CONFIG_INPUT, validateMappingConfig } from '../resolver-engine/index.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import type { SaveMeta } from '../subgraphs/mappings/index.ts';
import { describeChange } from '../gateway/schema-evolution.ts';
import type { SchemaChanges } from '../gateway/schema-evolution.ts';

/** What serving a configuration takes, given by the composition root once its subgraphs and gateway exist. */
export interface MappingServing {
  /**
   * Throws when `candidate` does not compose with the running subgraphs; otherwise answers what it changes in the API
   * clients see (gateway/schema-evolution.ts) — with `compare` only: adopting another process's version needs the
   * composition check alone, and comparing costs a second composition. Changes nothing.
   */
  dryRun(candidate: MappingConfig, opts: { compare: boolean }): Promise<SchemaChanges>;
  /** Rebuilds what is generated from the configuration (already switched to the new one) and reloads the gateway. */
  serve(): Promise<void>;
  /**
   * Throws MAPPING_INVALID when `candidate` adds CRM objects or fields its CRMs do not have (mapping-object-check.ts,
   * mapping-field-check.ts); CRMs that cannot be read now or are disabled are not checked. Changes nothing but the
   * CRMs' metadata as read.
   */
  checkNativeFields?(candidate: MappingConfig): Promise<void>;
}

/** How often a process also asks the store for a newer version, in case a notification was lost. */
export const MAPPING_CHECK_MS = 30_000;

export class MappingRuntime {
  private serving: MappingServing | undefined;
  /** Versions announced or found that could not be served here: not tried (nor logged) again. */
  private readonly refused = new Set<number>();
  /** The change in progress (a save or an adoption); each waits for the previous one to be served. */
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly store: MappingConfigStore,
    private readonly logger: Logger,
    private active: { version: number; config: MappingConfig },
  ) {}

  /** Loads the newest valid version, seeding the shipped default when nothing is stored yet. */
  static async load(store: MappingConfigStore, logger: Logger): Promise<MappingRuntime> {
    const loaded = await store.loadOrSeed(DEFAULT_MAPPING_CONFIG_INPUT);
    for (const s of loaded.skipped) logger.error({ version: s.version, problems: s.errors }, 'stored mapping configuration is invalid; using the last good version');
    logger.info({ version: loaded.active.version }, 'mapping configuration loaded');
    return new MappingRuntime(store, logger, { version: loaded.active.version, config: loaded.active.config });
  }

  config(): MappingConfig {
    return this.active.config;
  }

  version(): number {
    return this.active.version;
  }

  attach(serving: MappingServing): void {
    this.serving = serving;
  }

  /**
   * Validates, dry-runs, stores a new version and serves it; on any failure nothing changes. With
   * `meta.expectedVersion`, refuses (CONFLICT) unless that version is in force — here (fast path) and in the store.
   * A document that validates to the configuration in force stores nothing and answers the version in force: a
   * version history of no-op saves hides the real changes, and each would recompose the supergraph for nothing.
   */
  save(document: unknown, meta: SaveMeta = {}): Promise<number> {
    return this.enqueue(async () => {
      if (meta.expectedVersion !== undefined && meta.expectedVersion !== this.active.version) throw mappingConflict(this.active.version, meta.expectedVersion);
      const checked = validateMappingConfig(document);
      if (!checked.ok) {
        throw new ProductError('MAPPING_INVALID', `The mapping configuration is invalid: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, { problems: checked.errors });
      }
      if (canonicalJson(checked.config) === canonicalJson(this.active.config)) return this.active.version;
      await this.requireServing().checkNativeFields?.(checked.config);
      // Dry run first: the new configuration must compose with the CRM subgraphs before it is stored or served, and
      // must not take away from clients what they can ask for unless the saver accepts it.
      const changes = await this.requireServing().dryRun(checked.config, { compare: true });
      if (changes.breaking.length > 0 && !meta.allowBreakingChanges) {
        throw new ProductError('BREAKING_CHANGE',
          `This change would break clients, so nothing was stored: ${changes.breaking.map(describeChange).join('; ')}. `
          + 'Mark a field deprecated first ("deprecated": "use … instead") so clients can move off it, then save again accepting the breaking changes (allowBreakingChanges: true).',
          { changes: changes.breaking });
      }
      const saved = await this.store.save(document, meta);
      if (changes.breaking.length > 0) this.logger.warn({ version: saved.version, breaking: changes.breaking, actor: meta.actor }, 'mapping configuration saved with breaking changes accepted');
      await this.switchTo(saved.version, saved.config);
      return saved.version;
    });
  }

  /**
   * Serves `version`, stored by another process, when it is newer than the one served; resolves to whether it did.
   * Never stores. A version that is not stored, does not validate or does not compose here is logged and skipped.
   */
  adopt(version: number): Promise<boolean> {
    return this.enqueue(async () => {
      if (version <= this.active.version || this.refused.has(version)) return false;
      const loaded = await this.store.loadVersion(version);
      if (!loaded) {
        this.logger.error({ version }, 'a mapping configuration version was announced but is not stored; the running one stays');
        return false;
      }
      if ('errors' in loaded) {
        this.refused.add(version);
        this.logger.error({ version, problems: loaded.errors, running: this.active.version }, 'mapping configuration saved by another process is invalid here; the running one stays');
        return false;
      }
      try {
        await this.requireServing().dryRun(loaded.stored.config, { compare: false });
      } catch (err) {
        this.refused.add(version);
        this.logger.error({ version, err, running: this.active.version }, 'mapping configuration saved by another process does not compose here; the running one stays');
        return false;
      }
      const previous = this.active.version;
      await this.switchTo(version, loaded.stored.config);
      this.logger.info({ version, previous }, 'serving the mapping configuration saved by another process');
      return true;
    });
  }

  /**
   * LISTENs for versions saved by other processes, then catches up with any saved between this process' load and
   * the LISTEN (no notification will come for those). Every `checkEveryMs` it also asks the store for its newest
   * version: a notification sent while the listening connection was down is lost, and this is the net under it.
   * Resolves to the stop function.
   */
  async follow(database: Pick<DatabaseHandle, 'listen'>, opts: { checkEveryMs?: number } = {}): Promise<() => Promise<void>> {
    const adopt = (version: number) => this.adopt(version).catch((err: unknown) => {
      this.logger.error({ err, version }, 'serving a mapping configuration saved by another process failed');
      return false;
    });
    const unlisten = await listenMappingSaved(database, (event) => void adopt(event.version),
      (payload) => this.logger.warn({ payload: payload.slice(0, 200) }, 'malformed mapping_saved notification ignored'));
    const catchUp = async () => {
      const newest = (await this.store.versions())[0]?.version;
      if (newest !== undefined && newest > this.active.version) await adopt(newest);
    };
    // At start, the newest VALID version (as a load picks it), so one invalid newest version hides no valid one.
    const valid = (await this.store.load()).active;
    if (valid && valid.version > this.active.version) await adopt(valid.version);
    const timer = setInterval(() => {
      catchUp().catch((err: unknown) => this.logger.warn({ err }, 'could not ask the store for a newer mapping configuration; trying again later'));
    }, opts.checkEveryMs ?? MAPPING_CHECK_MS);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await unlisten();
    };
  }

  /** Resolves once the change in progress (if any) is done; for a clean close. */
  async idle(): Promise<void> {
    await this.chain;
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async switchTo(version: number, config: MappingConfig): Promise<void> {
    this.active = { version, config };
    await this.requireServing().serve();
  }

  private requireServing(): MappingServing {
    if (!this.serving) throw new Error('the mapping configuration cannot change before the gateway is built');
    return this.serving;
  }
}

/** JSON with object keys sorted, so two configurations that differ only in key order compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}
