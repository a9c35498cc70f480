/**
 * The CRM connectors this process runs, one per CRM, each behind a swappable reference (swappable-connector.ts) so
 * that connection settings saved later apply without a restart: by this process when an admin saves them here
 * (connector-settings.ts), and by every other process on the database through `connector_saved` (`follow`).
 *
 * A connector disabled while it runs is paused at once: it leaves the maps the poller, the webhook receiver and the
 * write-back worker read (so nothing polls it, its webhooks are not taken, its outbox rows wait), and its reference
 * answers every call with CRM_UNAVAILABLE naming the reason (golden records show it as an unavailable source). Its
 * native types stay in the graph until the next start. Enabling it again resumes it from what is stored.
 */
import type { Connector } from '../connectors/contract/index.ts';
import type { TokenStore } from '../connectors/runtime/index.ts';
import type { ConnectorRow, ConnectorStore } from '../db/connector-store.ts';
import { listenConnectorSaved, publishConnectorSaved } from '../db/connector-events.ts';
import { announcerOrigin } from '../db/notify-channel.ts';
import type { DatabaseHandle } from '../db/open-database.ts';
import type { Logger } from '../lib/logger.ts';
import { crmSupport } from './connector-registry.ts';
import type { ConnectorTuning } from './connector-tuning.ts';
import { disabledConnector, swappableConnector } from './swappable-connector.ts';
import type { SwappableConnector } from './swappable-connector.ts';

interface Running {
  row: ConnectorRow;
  handle: SwappableConnector;
  /** Disabled while running: out of the maps, every call refused, until enabled again or the next start. */
  paused: boolean;
}

export class ConnectorFleet {
  /** Connectors by CRM id, and the stored connector id each runs as: the maps the rest of the app is given. */
  readonly connectors = new Map<string, Connector>();
  readonly connectorIds = new Map<string, string>();
  /** The same connectors by stored connector id (write-back plans and delivers by connector id). */
  readonly connectorsById = new Map<string, Connector>();
  private readonly running = new Map<string, Running>();
  /**
   * By CRM: the references of paused connectors deleted since, which their native subgraph (still in the graph until
   * the next start) holds. A connector of that CRM saved later takes the reference over instead of a second subgraph.
   */
  private readonly parked = new Map<string, SwappableConnector>();
  private readonly appliedListeners = new Set<(row: ConnectorRow) => void | Promise<void>>();
  /** Tells this process's own `connector_saved` events from other processes'. */
  private readonly origin = announcerOrigin();

  constructor(
    private readonly store: ConnectorStore,
    private readonly tokenStore: TokenStore,
    private readonly logger: Logger,
    /** Deployment-wide connector settings (cli/connector-tuning.ts); the defaults without. */
    private readonly tuning?: ConnectorTuning,
  ) {}

  /** Builds and runs the stored connectors in `rows` (first one of each CRM wins, as rows are ordered by id). */
  async start(rows: readonly ConnectorRow[]): Promise<void> {
    for (const row of rows) {
      if (!this.connectors.has(row.crm)) await this.add(row);
    }
  }

  /** Runs one more stored connector, of a CRM none runs here yet; its connector (callers build its subgraph). */
  async add(row: ConnectorRow): Promise<Connector> {
    if (this.connectors.has(row.crm)) throw new Error(`a ${row.crm} connector (${this.connectorIds.get(row.crm)}) already runs here`);
    const built = await this.build(row);
    const parked = this.parked.get(row.crm);
    this.parked.delete(row.crm);
    const handle = parked ?? swappableConnector(built);
    if (parked) parked.swap(built);
    this.running.set(row.id, { row, handle, paused: false });
    this.connectors.set(row.crm, handle.connector);
    this.connectorIds.set(row.crm, row.id);
    this.connectorsById.set(row.id, handle.connector);
    return handle.connector;
  }

  /** Whether the graph of this process still holds a native subgraph of `crm` whose connector was deleted (see `parked`). */
  hasParked(crm: string): boolean {
    return this.parked.has(crm);
  }

  /** Lets paused connector `id` go (it is being deleted); its reference is parked for the next connector of its CRM. */
  forget(id: string): boolean {
    const running = this.running.get(id);
    if (!running?.paused) return false;
    this.running.delete(id);
    this.parked.set(running.row.crm, running.handle);
    return true;
  }

  /** Stops running connector `id` in this process (a join whose subgraph could not be built). */
  drop(id: string): void {
    const running = this.running.get(id);
    if (!running) return;
    this.running.delete(id);
    this.connectors.delete(running.row.crm);
    this.connectorIds.delete(running.row.crm);
    this.connectorsById.delete(id);
  }

  /** The connector built from a stored row and its stored (decrypted) credentials. */
  private async build(row: ConnectorRow): Promise<Connector> {
    const credentials = (await this.store.readCredentials(row.id)) ?? {};
    return crmSupport(row.crm).buildConnector(row, credentials, {
      tokenStore: this.tokenStore,
      onNeedsReauthorisation: async (id, reason) => {
        this.logger.error({ connector: id, reason }, 'CRM refused our credentials: the connector needs re-authorisation');
        await this.store.setStatus(id, 'needs_reauthorisation', reason);
      },
      ...(this.tuning ? { tuning: this.tuning } : {}),
      onBulkUnavailable: (id, objectType, reason) =>
        this.logger.warn({ connector: id, objectType, reason }, 'a Salesforce full read goes on by REST pages instead of Bulk API 2.0 (the reason says why; CUSTOMER_GRAPH_SALESFORCE_BULK_THRESHOLD=0 stops trying)'),
    });
  }

  /** Whether this process started the stored connector `id` (paused or not), and which connector id runs for `crm`. */
  runs(id: string): boolean {
    return this.running.has(id);
  }

  paused(id: string): boolean {
    return this.running.get(id)?.paused ?? false;
  }

  /** Pauses running connector `id` now (disabled by an admin); false when it does not run here or is paused already. */
  pause(id: string, reason: string): boolean {
    const running = this.running.get(id);
    if (!running || running.paused) return false;
    running.paused = true;
    running.handle.swap(disabledConnector(running.handle.current(), reason));
    this.connectors.delete(running.row.crm);
    this.connectorIds.delete(running.row.crm);
    this.connectorsById.delete(id);
    this.logger.info({ connector: id }, 'connector paused: not polled, not written to, reads refused');
    return true;
  }

  /** Resumes paused connector `id` with its stored settings; false when it does not run here or is not paused. */
  async resume(id: string): Promise<boolean> {
    const running = this.running.get(id);
    if (!running?.paused) return false;
    const row = await this.store.get(id);
    if (!row) return false;
    running.handle.swap(await this.build(row));
    running.row = row;
    running.paused = false;
    this.connectors.set(row.crm, running.handle.connector);
    this.connectorIds.set(row.crm, id);
    this.connectorsById.set(id, running.handle.connector);
    this.logger.info({ connector: id }, 'connector resumed');
    return true;
  }

  runningIdOf(crm: string): string | undefined {
    return this.connectorIds.get(crm);
  }

  /** Called after a running connector took new settings (e.g. to re-read the CRM's metadata from a new address). */
  onApplied(listener: (row: ConnectorRow) => void | Promise<void>): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /**
   * Rebuilds connector `id` from what is stored now and routes every later call to it; false when this process does
   * not run that connector (a new CRM joins at the next start: its native subgraph is built from metadata at start).
   */
  async reload(id: string): Promise<boolean> {
    const running = this.running.get(id);
    if (!running) return false;
    const row = await this.store.get(id);
    if (!row) return false;
    // Disabled or enabled elsewhere: follow it here too.
    if (row.status === 'disabled') return this.pause(id, row.statusReason ?? 'disabled by an admin') || running.paused;
    if (running.paused) return this.resume(id);
    running.handle.swap(await this.build(row));
    running.row = row;
    for (const listener of this.appliedListeners) {
      await Promise.resolve(listener(row)).catch((err) => this.logger.warn({ err, connector: id }, 'after new connector settings: a follow-up step failed'));
    }
    return true;
  }

  /** Tells every other process on the database that connector `id` was saved. */
  async announce(database: Pick<DatabaseHandle, 'notify'>, id: string): Promise<void> {
    await publishConnectorSaved(database, { id, origin: this.origin });
  }

  /**
   * Applies connectors saved by other processes: new settings of one running here, or (with `join`) a connector of a
   * CRM none runs here yet. Resolves to the unlisten function.
   */
  follow(database: Pick<DatabaseHandle, 'listen'>, join?: (id: string) => Promise<boolean>): Promise<() => Promise<void>> {
    return listenConnectorSaved(database, (event) => {
      if (event.origin === this.origin) return;
      if (!this.running.has(event.id)) {
        join?.(event.id).catch((err) => this.logger.error({ err, connector: event.id }, 'a connector saved by another process could not join here; it starts at the next restart'));
        return;
      }
      this.reload(event.id).then(
        () => this.logger.info({ connector: event.id }, 'connector settings saved by another process applied here'),
        (err) => this.logger.error({ err, connector: event.id }, 'connector settings saved by another process could not be applied here; the old ones stay until a restart'),
      );
    }, (payload) => this.logger.warn({ payload: payload.slice(0, 200) }, 'malformed connector_saved notification ignored'));
  }
}
