/**
 * The composition root: the one place where the database, the connectors, the subgraphs and the gateway are wired
 * together. Every other layer receives what it needs; nothing else decides which CRM is plugged in.
 */
import { isConnectorError } from '../connectors/contract/index.ts';
import type { Connector } from '../connectors/contract/index.ts';
import { openDatabase } from '../db/open-database.ts';
import { linksOf } from '../db/golden-store.ts';
import { goldenIdsOfRecords } from '../db/relation-store.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import type { CredentialCipher } from '../db/credential-cipher.ts';
import { ConnectorStore } from '../db/connector-store.ts';
import { MappingConfigStore } from '../db/config-store.ts';
import { EncryptedTokenStore } from '../db/encrypted-token-store.ts';
import { createGateway } from '../gateway/gateway.ts';
import type { CustomerGraphGateway } from '../gateway/gateway.ts';
import { listenGateway } from '../gateway/http-server.ts';
import type { GatewayServer } from '../gateway/http-server.ts';
import type { SubgraphSource } from '../gateway/subgraph-source.ts';
import { createFieldUsageRecorder } from '../gateway/field-usage.ts';
import { FieldUsageStore } from '../db/field-usage-store.ts';
import type { AppConfig } from '../lib/config.ts';
import type { Logger } from '../lib/logger.ts';
import { ProductError } from '../lib/product-error.ts';
import { defaultSurvivorshipFunctions } from '../resolver-engine/index.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { createGoldenSubgraph } from '../subgraphs/golden/index.ts';
import type { GoldenSubgraph } from '../subgraphs/golden/index.ts';
import { createIdentitySubgraph } from '../subgraphs/identity/index.ts';
import type { IdentitySubgraph } from '../subgraphs/identity/index.ts';
import type { NativeSubgraph } from '../subgraphs/native/build-native-subgraph.ts';
import { crmSupport } from './connector-registry.ts';
import { ConnectorFleet } from './connector-fleet.ts';
import { connectorTuning } from './connector-tuning.ts';
import { createConnectorSettings } from './connector-settings.ts';
import { crmJoiner, nativeSource } from './crm-join.ts';
import { CrmRetry, crmDownError, storedConnectorProbe } from './crm-retry.ts';
import type { DownCrm } from './crm-retry.ts';
import { createResync } from './resync.ts';
import { followMappingSaves, resyncOnMappingChangeSettings } from './resync-on-mapping-change.ts';
import { storedRecordsFreshness } from './stored-records.ts';
import { startMetadataRefresh } from './metadata-refresh.ts';
import { setUpConnectors } from './connector-setup.ts';
import type { ConnectorSetup } from './connector-setup.ts';
import { linkAll, linkAsPlanned } from './link-on-start.ts';
import { linkOnStartMode } from './start-link-plan.ts';
import type { LinkOnStartMode, StartLinkPlan } from './start-link-plan.ts';
import type { LinkAllReport } from './link-on-start.ts';
import type { LinkerProgress } from '../sync/email-linker.ts';
import { resolveCipher } from './secret-key.ts';
// subscriptions (graphql-ws on /graphql): LISTEN source and connection tokens
import { parseApiTokens } from '../gateway/subscriptions/index.ts';
// change capture (sync): webhooks → inbox worker, polling fallback
import { intervalMs, startChangeCapture } from './change-capture.ts';
import type { ChangeCapture } from './change-capture.ts';
// write-back (change out): golden mutations subgraph and the outbox worker
import { createWriteBackSubgraph, WRITEBACK_ADMIN_FIELDS } from '../subgraphs/writeback/index.ts';
import type { WriteBackSubgraph } from '../subgraphs/writeback/index.ts';
import { WriteBackWorker } from '../sync/writeback/worker.ts';
// deleted connectors: their links retired, resumed by any process after a crash (connector_retirements)
import { createRetirementResumer } from '../sync/retirement-resumer.ts';
// identity admin: merges, splits and the review queue
import { createAdminSubgraph } from '../subgraphs/admin/index.ts';
import { createMappingsSubgraph } from '../subgraphs/mappings/index.ts';
import type { SaveMeta } from '../subgraphs/mappings/index.ts';
import { MappingRuntime } from './mapping-runtime.ts';
import { unservedObjectProblems } from './mapping-object-check.ts';
import { mappingServing } from './mapping-serving.ts';
// Prometheus metrics at /metrics: GraphQL traffic, sync health and CRM rate budgets, read at scrape time
import { createGatewayMetrics } from '../gateway/metrics.ts';
import { syncHealth } from '../db/sync-health.ts';
// the admin UI (web/): pages at /admin/, bundled in memory at start, talking only to /graphql
import { HOME_HTML, createAdminUi } from '../web/serve.ts';

export interface StartOptions {
  /** Environment for connector setup (SALESFORCE_*, HUBSPOT_*, CUSTOMER_GRAPH_DEMO*). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Seed folder for the demo sandboxes (`customer-graph start --seed DIR`). */
  seedDir?: string;
  /** Link every native record before serving (default true); `sync --backfill` links itself, with progress. */
  linkOnStart?: boolean;
  /** Retry CRMs that could not be read at start in the background (default true); `sync --backfill` reports them instead. */
  retryUnavailable?: boolean;
}

export interface RunningApp {
  server: GatewayServer;
  database: DatabaseHandle;
  gateway: CustomerGraphGateway;
  cipher: CredentialCipher;
  connectors: Map<string, Connector>;
  subgraphs: { identity: IdentitySubgraph; golden: GoldenSubgraph; natives: NativeSubgraph[]; writeback: WriteBackSubgraph };
  /** Write-back worker (started with the app; tests may stop it and `drain()` by hand). */
  writebackWorker: WriteBackWorker;
  setup: ConnectorSetup;
  /** Change capture: the webhook inbox worker and the polling fallback. */
  sync: ChangeCapture;
  /** The mapping configuration in force. */
  mappingConfig(): MappingConfig;
  /**
   * Validates, stores a new version and hot-swaps the supergraph; on any failure the running graph keeps the last good one.
   * With `meta.expectedVersion`, refuses (CONFLICT) unless that version is in force, in this process and in the
   * database. Saves run one at a time; every other process on the database serves the saved version too (mapping-runtime.ts).
   */
  applyMappingConfig(document: unknown, meta?: SaveMeta): Promise<number>;
  /** What the start-time link run read (cli/start-link-plan.ts); null when the command links by itself or not at all. */
  startLink: StartLinkPlan | null;
  /** Links every native record to golden records (idempotent). */
  link(onProgress?: (p: LinkerProgress) => void): Promise<LinkAllReport>;
  /** Connectors whose CRM could not be read (at start, or when joining) and that do not run yet. */
  unavailableCrms(): DownCrm[];
  close(): Promise<void>;
}

export async function startApp(config: AppConfig, logger: Logger, cipher: CredentialCipher = resolveCipher(config, logger), options: StartOptions = {}): Promise<RunningApp> {
  const server = await listenGateway({ port: config.port, host: config.host, logger, limits: config.operationLimits, errorStacktraces: config.errorStacktraces });
  // Stop taking requests first, then release what they used, newest first.
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    await server.close().catch((err) => logger.warn({ err }, 'closing the HTTP server failed'));
    for (const fn of cleanups.reverse()) await fn().catch((err) => logger.warn({ err }, 'cleanup failed'));
  };
  try {
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    cleanups.push(() => database.close());
    logger.info({ driver: database.driver }, 'database ready, migrations applied');
    const db = database.db;
    // field usage: which API fields clients ask for, added up in the database (the breaking-change check reads it)
    const usageStore = new FieldUsageStore(db);
    const fieldUsage = createFieldUsageRecorder({ sink: (counts) => usageStore.add(counts), logger, flushMs: config.fieldUsageFlushMs });
    cleanups.push(() => fieldUsage.stop());

    // The mapping configuration in force: loaded (or seeded) here, changed by saves here or in another process.
    const mappingRuntime = await MappingRuntime.load(new MappingConfigStore(db), logger);
    const getConfig = () => mappingRuntime.config();
    const mappingVersion = () => mappingRuntime.version();

    const env = options.env ?? process.env;
    const connectorStore = new ConnectorStore(db, cipher);
    const setup = await setUpConnectors(connectorStore, { env, ...(options.seedDir ? { seedDir: options.seedDir } : {}), logger });
    cleanups.push(() => setup.stop());
    const fleet = new ConnectorFleet(connectorStore, new EncryptedTokenStore(connectorStore), logger, connectorTuning(env));
    await fleet.start((await connectorStore.list()).filter((r) => r.status !== 'disabled' && Boolean(r.settings.demo) === setup.demo));
    const { connectors, connectorIds } = fleet;
    // A CRM whose metadata cannot be read now (down, slow, refusing the credentials) is left out, not fatal: the
    // gateway starts with the others (and serves the admin UI where the connection is fixed), and it is retried in
    // the background until it joins (crm-retry.ts). Any other failure still stops the start.
    const resyncOnMappingChange = resyncOnMappingChangeSettings(env);
    const crmRetry = new CrmRetry({
      store: connectorStore, join: (id) => joinCrm(id), probe: storedConnectorProbe(connectorStore, getConfig), logger, retry: options.retryUnavailable !== false,
      initialMs: intervalMs(env, 'CUSTOMER_GRAPH_CRM_RETRY_MS', 5_000) || 5_000,
      maxMs: intervalMs(env, 'CUSTOMER_GRAPH_CRM_RETRY_MAX_MS', 300_000) || 300_000,
    });
    cleanups.push(() => crmRetry.stop());
    const natives: NativeSubgraph[] = [];
    for (const [crm, connector] of [...connectors]) {
      const row = (await connectorStore.get(connectorIds.get(crm)!))!;
      try {
        natives.push(await crmSupport(crm).buildSubgraph(connector, { cacheTtlMs: config.cacheTtlMs }));
        // Down at an earlier start (or in another process), readable now.
        if (row.status === 'unavailable') await connectorStore.setStatus(row.id, 'active', null);
      } catch (err) {
        const down = crmDownError(err);
        if (down) {
          fleet.drop(row.id);
          await crmRetry.markDown(row, down);
          continue;
        }
        if (isConnectorError(err)) {
          throw new ProductError('CRM_UNAVAILABLE', `Cannot read the metadata of ${row.name} (${row.baseUrl}): ${err.message}. Check the CRM is reachable and the credentials are valid.`, { connector: row.id });
        }
        throw err;
      }
    }
    if (natives.length === 0 && crmRetry.list().length > 0) {
      // Still start: the admin UI and API are the way to fix a connection, and they are served by this process.
      logger.warn({ down: crmRetry.list().map((d) => d.id) }, 'no CRM could be read: the gateway starts without CRM data (customers have no native records) so that the connections can be fixed on the admin UI\'s Connectors page; each CRM joins when it answers');
    }
    // New settings may point at another address of the CRM: its metadata is read again (the schema follows if it differs).
    fleet.onApplied(async (row) => {
      await natives.find((n) => n.crm === row.crm)?.refresh();
    });
    // A connector saved for a CRM that does not run here joins the graph (crm-join.ts), once the graph exists.
    let joinCrm: (id: string) => Promise<boolean> = async () => false;
    const unlistenConnectors = await fleet.follow(database, (id) => joinCrm(id));
    cleanups.push(() => unlistenConnectors());

    const identity = createIdentitySubgraph({ db, getConfig });
    const golden = createGoldenSubgraph({ getConfig, nativeTypeDefs: () => natives.map((n) => n.typeDefs()), goldenIdsOfRecords: (records) => goldenIdsOfRecords(db, records) });
    for (const p of golden.problems()) logger.warn(p, 'mapped native field is not served by its CRM subgraph');
    const sources: SubgraphSource[] = [identity, golden, ...natives.map(nativeSource)];
    // write-back: mutations plan against connectors by connector id; the worker delivers the outbox
    const connectorsById = fleet.connectorsById;
    const writeback = createWriteBackSubgraph({ db, getConfig, connectors: connectorsById });
    sources.push(writeback);
    // Delivered outbox rows are kept CUSTOMER_GRAPH_OUTBOX_RETENTION_HOURS (a week; 0: all), then deleted hourly.
    const outboxRetentionMs = intervalMs(options.env ?? process.env, 'CUSTOMER_GRAPH_OUTBOX_RETENTION_HOURS', 168, 'hours') * 3_600_000;
    const writebackWorker = new WriteBackWorker({
      db, connectors: connectorsById, logger, leaseMs: config.writebackLeaseMs, fillMs: config.writebackFillMs, retentionMs: outboxRetentionMs,
      onPruned: (deleted) => logger.info({ deleted }, 'delivered write-back rows past their retention deleted'),
    });
    // Deleted connectors' links: retired after `deleteConnector`, and resumed here at start and every
    // CUSTOMER_GRAPH_RETIREMENT_CHECK_MS (default a minute) when a process died before it was done.
    const retirements = createRetirementResumer({
      db, getConfig, connectors, connectorIds, logger, intervalMs: intervalMs(env, 'CUSTOMER_GRAPH_RETIREMENT_CHECK_MS', 60_000),
      historyMs: intervalMs(env, 'CUSTOMER_GRAPH_RETIREMENT_HISTORY_DAYS', 30, 'days') * 86_400_000,
    });
    cleanups.push(() => retirements.stop());
    const connectorSettings = createConnectorSettings({ store: connectorStore, fleet, database, getConfig, demo: setup.demo, logger, join: (id) => joinCrm(id), retirements });
    const admin = createAdminSubgraph({ db, getConfig, connectors, connectorIds, connectorRows: () => connectorStore.list(),
      markConnectorActive: (id) => connectorStore.setStatus(id, 'active', null), connectorSettings, mappingProblems: () => [...unservedObjectProblems(getConfig(), natives), ...golden.problems()],
      resync: { status: () => resync.status(), start: (types) => resync.start(types) }, storedRecords: () => storedRecordsFreshness({ db, mappings: mappingRuntime }) });
    sources.push(admin);
    // mapping administration through the gateway: read, list versions, save (validated, dry-run, hot-swapped)
    const mappingStore = mappingRuntime.store;
    const mappings = createMappingsSubgraph({
      current: async () => {
        const version = mappingRuntime.version();
        return { version, document: await mappingStore.document(version) };
      },
      versions: () => mappingStore.versions(),
      document: (version) => mappingStore.document(version),
      apply: (document, meta) => applyMappingConfig(document, meta),
      // The registry golden resolution and validation use (neither is given another one here).
      customFunctions: () => defaultSurvivorshipFunctions.names(),
      fieldUsage: async (opts) => {
        await fieldUsage.flush();
        return usageStore.totals(opts);
      },
    });
    sources.push(mappings);
    const gateway = createGateway(() => sources, logger);
    mappingRuntime.attach(mappingServing({
      db, getConfig, logger, sources, natives, identity, golden, writeback, gateway, connectors, connectorIds, connectorStore,
      fieldUsage, usageStore, usageWindowDays: config.usageWindowDays,
    }));
    // Versions saved by other processes on this database (gateway replicas, the worker) are served here too.
    const checkMs = Number((options.env ?? process.env).CUSTOMER_GRAPH_MAPPING_CHECK_MS);
    const unlistenMappings = await mappingRuntime.follow(database, Number.isFinite(checkMs) && checkMs > 0 ? { checkEveryMs: checkMs } : {});
    cleanups.push(async () => {
      await unlistenMappings();
      await mappingRuntime.idle();
    });
    let leadsChangeCapture = (): boolean | undefined => undefined;
    // Metadata re-read at the interval by the change-capture leader only; the others follow its announcements.
    const metadataRefresh = await startMetadataRefresh({ database, intervalMs: config.metadataRefreshMs, leads: () => leadsChangeCapture(), logger });
    cleanups.push(() => metadataRefresh.stop());
    const wireNative = (native: NativeSubgraph) => {
      metadataRefresh.add(native);
      native.onChange(() => {
        // CRM metadata changed (a custom field, say): golden copies native types, so it is rendered again too.
        const before = new Set(golden.problems().map((p) => `${p.crm} ${p.objectType}.${p.field}`));
        golden.rebuild();
        // A mapped field the CRM no longer serves (renamed or deleted there): the golden field loses that source.
        for (const p of golden.problems()) {
          if (!before.has(`${p.crm} ${p.objectType}.${p.field}`)) logger.error(p, 'a mapped native field is no longer served by its CRM; the golden field reads nothing from it (re-map it on the Field mapping page)');
        }
        gateway.reload().catch((err) => logger.error({ err }, 'supergraph reload after a metadata change failed; the running graph stays'));
      });
    };
    for (const native of natives) wireNative(native);

    const unavailableCrms = () => crmRetry.list().map((d) => d.crm);
    const link = (onProgress?: (p: LinkerProgress) => void, part?: { goldenTypes: string[]; signal: AbortSignal }) =>
      linkAll({ db, connectors, connectorIds, getConfig, mappingVersion, unavailableCrms, logger, ...(onProgress ? { onProgress } : {}), ...part });
    const polling = intervalMs(env, 'CUSTOMER_GRAPH_POLL_INTERVAL_MS', 15_000) > 0;
    const linkPlanned = (mode: LinkOnStartMode, occasion: string) => linkAsPlanned({ db, connectors, connectorIds, getConfig, mappingVersion, unavailableCrms, logger, mode, polling, occasion });
    const startLink = options.linkOnStart !== false ? (await linkPlanned(linkOnStartMode(env, setup.demo), 'at start')).plan : null;
    // After the start-time link run (it reads the CRMs the recomputations need), in the background.
    retirements.start();
    // startResync's runs live in resync_runs: one cut short by a stop or a crash is resumed here at start and every
    // CUSTOMER_GRAPH_RESYNC_CHECK_MS (default a minute); a shutdown gives its lease up for the next process.
    const resync = createResync({
      db, getConfig, logger, link: ({ onProgress, ...part }) => link(onProgress, part), intervalMs: intervalMs(env, 'CUSTOMER_GRAPH_RESYNC_CHECK_MS', 60_000),
    });
    cleanups.push(() => resync.stop());
    resync.startChecking();
    // Every process on the database joins a saved CRM (connector_saved); only the one running change capture reads it,
    // and only the golden types of objects never read, so N processes do not make N full reads of every CRM. Without a
    // leader at that moment, the next leader's first poll reads the joined CRM's objects from the start.
    const linkJoined = async () => {
      if (leadsChangeCapture() === false) {
        logger.info('a joined CRM\'s records are linked by the process that runs change capture');
        return null;
      }
      return (await linkPlanned('auto', 'for a joined CRM')).report;
    };
    const joiner = crmJoiner({ store: connectorStore, fleet, natives, sources, golden, gateway, demo: setup.demo, cacheTtlMs: config.cacheTtlMs, wireNative, link: linkJoined, logger });
    // A CRM that joins, or a connector that takes new settings, subscribes to its webhooks (where made through its API).
    let resubscribe: (crm: string) => void = () => {};
    const joinNow = async (id: string) => {
      const joined = await joiner(id);
      const crm = [...connectorIds].find(([, running]) => running === id)?.[0];
      if (joined && crm) resubscribe(crm);
      return joined;
    };
    // A join by a save, an enable or another process: one that finds its CRM down is retried like one down at start;
    // one that succeeds clears a stored "unavailable".
    joinCrm = async (id) => {
      try {
        const joined = await joinNow(id);
        if (joined) await crmRetry.joined(id);
        return joined;
      } catch (err) {
        const down = crmDownError(err);
        const row = down ? await connectorStore.get(id) : undefined;
        if (down && row) await crmRetry.markDown(row, down);
        throw err;
      }
    };
    fleet.onApplied((row) => resubscribe(row.crm));
    const metrics = createGatewayMetrics({
      changeCaptureLeader: () => leadsChangeCapture(),
      // The dead letters' count is all a scrape needs, not their list.
      syncHealth: () => syncHealth(db, { newestDeadLetters: 0 }),
      rateLimits: () => [...connectors].map(([crm, c]) => [crm, c.rateLimitState()] as const),
      mappingProblems: () => [...unservedObjectProblems(getConfig(), natives), ...golden.problems()],
    }, logger);
    // change capture: /webhooks/:connectorId, the inbox worker and the poller (stopped before the database closes)
    const sync = await startChangeCapture({
      server, db, connectors, connectorIds, getConfig, setup, env: options.env ?? process.env, logger, onWebhookAnswered: metrics.webhookDelivered,
      disabledReason: async (id) => {
        const row = await connectorStore.get(id);
        return row?.status === 'disabled' ? (row.statusReason ?? 'disabled by an admin') : null;
      },
    });
    cleanups.push(() => sync.stop());
    leadsChangeCapture = () => sync.leadership.isLeader();
    cleanups.push(await followMappingSaves({ ...resyncOnMappingChange, database, mappings: mappingRuntime, resync, leads: () => leadsChangeCapture(), logger }));
    resubscribe = (crm) => void sync.subscribeWebhooks(crm);
    writebackWorker.start();
    cleanups.push(() => writebackWorker.stop());
    server.app.use('/admin', await createAdminUi());
    server.app.get('/', (_req, res) => void res.type('html').send(HOME_HTML));
    // subscriptions: change events arrive through this database's LISTEN; tokens checked in connection_init.
    // The same tokens guard every mutation over HTTP and the admin reads (review queue, sync health, mapping
    // configuration, dead letters): gateway/admin-access.ts.
    const apiTokens = parseApiTokens(process.env.CUSTOMER_GRAPH_API_TOKENS);
    await server.ready(gateway, {
      events: database,
      apiTokens,
      // A changed customer's records leave the CRM subgraphs' caches before subscribers' payloads are resolved:
      // otherwise a second change within the cache TTL would be announced with the previous value.
      beforeEvent: async (customerId) => {
        const links = (await linksOf(database.db, [customerId])).get(customerId) ?? [];
        for (const native of natives) native.forgetRecords(links.filter((l) => l.crm === native.crm));
      },
    }, { apiTokens, protectedTypeDefs: [admin.typeDefs(), mappings.typeDefs()], protectedFields: WRITEBACK_ADMIN_FIELDS }, { metrics, apiTokens, fieldUsage });

    function applyMappingConfig(document: unknown, meta: SaveMeta = {}): Promise<number> {
      return mappingRuntime.save(document, meta);
    }

    crmRetry.begin();
    return {
      server,
      database,
      gateway,
      cipher,
      connectors,
      subgraphs: { identity, golden, natives, writeback },
      writebackWorker,
      setup,
      sync,
      mappingConfig: getConfig,
      applyMappingConfig,
      link,
      startLink,
      unavailableCrms: () => crmRetry.list(),
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
