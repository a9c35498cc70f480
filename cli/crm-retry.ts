/**
 * CRMs that could not be read: one unreachable CRM must not keep the gateway from starting (the admin UI, where its
 * connection is fixed, is served by the gateway itself). A connector whose CRM metadata cannot be read because the CRM
 * is down, slow, rate-limiting or refusing the credentials is left out of the graph, stored as down (status
 * `unavailable`, or `needs_reauthorisation` for refused credentials, with the reason and the next try), and tried
 * again in the background with a doubling delay (5 s up to 5 min by default). When it answers, it joins the running
 * graph through crm-join.ts — native types, recomposed supergraph, records linked — without a restart.
 *
 * Anything else (a programming error, a composition failure) is not a CRM being down: it still stops the start.
 */
import { ConnectorError } from '../connectors/contract/index.ts';
import type { ConnectorErrorCode } from '../connectors/contract/index.ts';
import { InMemoryTokenStore, probeConnector } from '../connectors/runtime/index.ts';
import type { ConnectorRow, ConnectorStore } from '../db/connector-store.ts';
import type { Logger } from '../lib/logger.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import { objectsOf } from '../subgraphs/admin/connectors.ts';
import { crmSupport } from './connector-registry.ts';

/** Connector error codes that mean "the CRM cannot give us its metadata now", worth waiting out. */
const TOLERATED = new Set(['CRM_UNAVAILABLE', 'CRM_TIMEOUT', 'CRM_RATE_LIMITED', 'CRM_AUTH_FAILED', 'CRM_BUDGET_EXHAUSTED']);

/** The connector error behind `err` when it says the CRM is down or refused us (searched through `cause`). */
export function crmDownError(err: unknown): ConnectorError | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ConnectorError) return TOLERATED.has(e.code) ? e : undefined;
  }
  return undefined;
}

/** Delay before try number `attempt` (1 = the first retry): `initialMs` doubling, at most `maxMs`. */
export function retryDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

/**
 * One cheap metadata call (describe of one mapped object) with a throwaway connector built from the stored row: a
 * retry joins only once this answers, so a CRM still down never enters the maps the poller and write-back read, and
 * a refusal does not flag the stored connector. Null when the CRM answered.
 */
export function storedConnectorProbe(store: ConnectorStore, getConfig: () => MappingConfig): (row: ConnectorRow) => Promise<ConnectorError | null> {
  return async (row) => {
    const candidate = crmSupport(row.crm).buildConnector(row, (await store.readCredentials(row.id)) ?? {}, { tokenStore: new InMemoryTokenStore(), onNeedsReauthorisation: async () => {} });
    const test = await probeConnector(candidate, objectsOf(getConfig(), row.crm)[0]?.objectType);
    return test.ok ? null : new ConnectorError(test.error!.code as ConnectorErrorCode, row.crm, test.error!.message);
  };
}

export interface DownCrm {
  id: string;
  crm: string;
  name: string;
  baseUrl: string | null;
  code: string;
  message: string;
  /** Tries so far (the one at start included). */
  attempts: number;
}

export interface CrmRetryOptions {
  store: ConnectorStore;
  /** Joins stored connector `id` to the running graph (crm-join.ts); false when it must not run here (disabled, deleted…). */
  join(id: string): Promise<boolean>;
  /** Whether the CRM answers now (storedConnectorProbe): null when it does. */
  probe(row: ConnectorRow): Promise<ConnectorError | null>;
  logger: Logger;
  initialMs: number;
  maxMs: number;
  /** false: record what is down, never retry (`sync --backfill` reports it and exits instead). */
  retry: boolean;
}

const seconds = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 100) / 10} s`);

export class CrmRetry {
  private readonly down = new Map<string, DownCrm & { timer?: NodeJS.Timeout }>();
  private stopped = false;
  /** Retries wait for `begin()`: until the app is wired, a join could not run. */
  private begun = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly opts: CrmRetryOptions) {}

  /** What is down now, for `sync --backfill`'s report and the log. */
  list(): DownCrm[] {
    return [...this.down.values()].map(({ timer: _timer, ...d }) => d);
  }

  /** Connector `row` could not be read (`err` is a tolerated CRM error): stored as down, warned, retried later. */
  async markDown(row: Pick<ConnectorRow, 'id' | 'crm' | 'name' | 'baseUrl'>, err: ConnectorError): Promise<void> {
    const known = this.down.get(row.id);
    const entry = { id: row.id, crm: row.crm, name: row.name, baseUrl: row.baseUrl, code: err.code, message: err.message, attempts: (known?.attempts ?? 0) + 1, ...(known?.timer ? { timer: known.timer } : {}) };
    this.down.set(row.id, entry);
    const delay = retryDelayMs(entry.attempts, this.opts.initialMs, this.opts.maxMs);
    const auth = err.code === 'CRM_AUTH_FAILED';
    const what = auth ? 'refused the credentials' : 'could not be reached or did not answer';
    const todo = auth
      ? 'Enter new credentials on the admin UI\'s Connectors page (or saveConnector)'
      : `Check that ${row.baseUrl ?? 'its address'} is right and reachable from this server and that the credentials are valid (admin UI: Connectors, or saveConnector)`;
    const retry = this.opts.retry && !this.stopped ? ` It is tried again in the background (next try in ${seconds(delay)}, then less and less often, at most every ${seconds(this.opts.maxMs)}) and joins the graph without a restart when it answers.` : '';
    const reason = `${row.name} ${what} (${err.code}): ${err.message}. ${todo}.${retry}`;
    this.opts.logger.warn({ connector: row.id, crm: row.crm, code: err.code, attempts: entry.attempts }, `${row.name} is left out of the graph: ${reason}`);
    await this.storeStatus(row.id, auth ? 'needs_reauthorisation' : 'unavailable', reason);
    if (this.begun && this.opts.retry && !this.stopped && !entry.timer) this.schedule(row.id, delay);
  }

  /** The app is wired and serving: the CRMs found down so far are tried again from now on. */
  begin(): void {
    this.begun = true;
    if (!this.opts.retry || this.stopped) return;
    for (const entry of this.down.values()) {
      if (!entry.timer) this.schedule(entry.id, retryDelayMs(entry.attempts, this.opts.initialMs, this.opts.maxMs));
    }
  }

  /** Connector `id` runs in the graph now (joined by a retry, a save or an enable): no more retries, stored active. */
  async joined(id: string): Promise<void> {
    const entry = this.down.get(id);
    if (entry?.timer) clearTimeout(entry.timer);
    this.down.delete(id);
    const row = await this.opts.store.get(id);
    // Only the status this class stores: a disabled connector or refused credentials are someone else's finding.
    if (row?.status === 'unavailable' || (entry && row?.status === 'needs_reauthorisation')) await this.opts.store.setStatus(id, 'active', null);
  }

  /** Stops every pending retry and waits for one under way (the app is closing). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.down.values()) if (entry.timer) clearTimeout(entry.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private schedule(id: string, delay: number): void {
    const entry = this.down.get(id);
    if (!entry) return;
    entry.timer = setTimeout(() => {
      delete entry.timer;
      const run = this.attempt(id);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }, delay);
    // A pending retry must not keep a closing process alive.
    entry.timer.unref();
  }

  private async attempt(id: string): Promise<void> {
    if (this.stopped || !this.down.has(id)) return;
    try {
      const row = await this.opts.store.get(id);
      const failure = row && row.status !== 'disabled' ? await this.opts.probe(row) : null;
      const down = crmDownError(failure);
      if (row && down) return await this.markDown(row, down);
      const joined = await this.opts.join(id);
      if (joined) {
        this.opts.logger.info({ connector: id }, 'a CRM that could not be read answers now: it joined the graph');
        await this.joined(id);
      } else {
        // Disabled, deleted or replaced meanwhile: nothing to wait for any more (enabling it tries again).
        this.down.delete(id);
        this.opts.logger.info({ connector: id }, 'a CRM that could not be read is no longer retried: its connector was disabled, deleted or replaced');
      }
    } catch (err) {
      const cause = crmDownError(err);
      const row = await this.opts.store.get(id).catch(() => undefined);
      if (cause && row && !this.stopped) return this.markDown(row, cause);
      this.down.delete(id);
      if (!this.stopped) this.opts.logger.error({ err, connector: id }, 'a CRM that could not be read failed to join the graph for another reason; it is not retried (restart customer-graph, or save its connector again)');
    }
  }

  private async storeStatus(id: string, status: 'unavailable' | 'needs_reauthorisation', reason: string): Promise<void> {
    try {
      const row = await this.opts.store.get(id);
      // An admin's "disabled" stays: that was a decision, not the CRM's state.
      if (row && row.status !== 'disabled') await this.opts.store.setStatus(id, status, reason);
    } catch (err) {
      this.opts.logger.warn({ err, connector: id }, 'could not store the connector\'s status');
    }
  }
}
