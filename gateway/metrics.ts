/**
 * Prometheus metrics of one running app, served at `GET /metrics` (http-server.ts). Each app has its own
 * `Registry` (never prom-client's global one): tests start several apps in one process, and a metric registered
 * twice in one registry throws.
 * - GraphQL traffic, counted by an Apollo Server plugin: requests by operation type and outcome, and their
 *   duration. Labels are bounded on purpose: never the operation text, its id or its name (a client could mint
 *   names at will and blow up the series count).
 * - State read when Prometheus scrapes (`collect()`), from what the admin pages already read: the sync health
 *   report (one `syncHealth` call per scrape, shared by every gauge that needs it) and each CRM's rate budget.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RateLimitState } from '../connectors/contract/index.ts';
import type { SyncHealthReport } from '../db/sync-health.ts';
import type { Logger } from '../lib/logger.ts';

export const METRICS_PREFIX = 'customer_graph_';

export interface MetricsSources {
  /** The sync health report (db/sync-health.ts `syncHealth`), read once per scrape. */
  syncHealth?: () => Promise<SyncHealthReport>;
  /** Each CRM's rate budget (`Connector.rateLimitState()`), keyed by CRM name. */
  rateLimits?: () => Iterable<[crm: string, state: RateLimitState]>;
  /** Native fields the mapping reads that their CRMs do not serve (golden subgraph `problems()`), by CRM. */
  mappingProblems?: () => readonly { crm: string }[];
  /** Whether this process leads change capture (polls, streams, upkeeps webhooks) for its database; undefined: unknown yet. */
  changeCaptureLeader?: () => boolean | undefined;
  /** For tests: the clock ages are measured with. */
  now?: () => Date;
}

export interface GatewayMetrics {
  registry: Registry;
  /** Counts and times every GraphQL operation Apollo Server handles (HTTP and subscription payloads alike). */
  apolloPlugin(): ApolloServerPlugin;
  /**
   * Counts one CRM webhook delivery and what became of its events. `connector` is ours, or 'unknown' for a path no
   * connector serves (never the raw path segment: anyone can post to any path, and labels must stay few).
   */
  webhookDelivered(connector: string, status: number, events: { received?: number; stored?: number }): void;
}

/** Seconds; GraphQL requests here range from cached reads (ms) to CRM round trips and mutations (seconds). */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createGatewayMetrics(sources: MetricsSources, logger: Logger): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRICS_PREFIX });
  const name = (n: string) => `${METRICS_PREFIX}${n}`;
  const registers = [registry];
  const now = sources.now ?? (() => new Date());

  const requests = new Counter({
    name: name('graphql_requests_total'),
    help: 'GraphQL operations handled, by operation type (query, mutation, subscription; unknown when the document did not parse or validate) and outcome (error when the response carries errors)',
    labelNames: ['operation_type', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: name('graphql_request_duration_seconds'),
    help: 'Time from receiving a GraphQL operation to sending its response, by operation type',
    labelNames: ['operation_type'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });

  const deliveries = new Counter({
    name: name('webhook_deliveries_total'),
    help: 'CRM webhook deliveries answered, by connector and HTTP status (200 stored, 401 bad or stale signature, 400 malformed, 404 no such connector, 503 not stored: the CRM delivers again)',
    labelNames: ['connector', 'status'] as const,
    registers,
  });
  const webhookEvents = new Counter({
    name: name('webhook_events_total'),
    help: 'Events in accepted webhook deliveries, by connector and result (stored; duplicate: an event id already in the inbox, a redelivery)',
    labelNames: ['connector', 'result'] as const,
    registers,
  });

  // One sync health read per scrape: the registry collects every metric at once (Promise.all), so every gauge
  // that asks while a read is in flight shares it; the next scrape reads again.
  let inFlight: Promise<SyncHealthReport | undefined> | undefined;
  const health = (): Promise<SyncHealthReport | undefined> => {
    if (!sources.syncHealth) return Promise.resolve(undefined);
    inFlight ??= sources.syncHealth()
      .catch((err: unknown) => {
        // A scrape still answers (process and traffic metrics) when the database does not; these gauges are empty then.
        logger.warn({ err }, 'metrics: reading sync health failed');
        return undefined;
      })
      .finally(() => { inFlight = undefined; });
    return inFlight;
  };
  const seconds = (since: Date | null) => (since ? Math.max(0, (now().getTime() - since.getTime()) / 1000) : undefined);
  /** A gauge refilled from the sync health report at each scrape (reset first, so gone series disappear). */
  const healthGauge = <L extends string>(n: string, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, r: SyncHealthReport) => void) => {
    const g: Gauge<L> = new Gauge<L>({
      name: name(n), help, labelNames, registers,
      async collect() {
        const report = await health();
        g.reset();
        if (report) fill(g, report);
      },
    });
    return g;
  };

  healthGauge('poll_seconds_since_success', 'Seconds since the last successful change poll of a connector object (absent: none succeeded yet)', ['connector', 'crm', 'object'], (g, r) => {
    for (const c of r.cursors) {
      const s = seconds(c.lastSuccessAt);
      if (c.objectType && s !== undefined) g.set({ connector: c.connectorId, crm: c.crm, object: c.objectType }, s);
    }
  });
  healthGauge('poll_cursor_age_seconds', 'Seconds since the change cursor of a connector object last moved', ['connector', 'crm', 'object'], (g, r) => {
    for (const c of r.cursors) {
      const s = seconds(c.updatedAt);
      if (c.objectType && s !== undefined) g.set({ connector: c.connectorId, crm: c.crm, object: c.objectType }, s);
    }
  });
  healthGauge('poll_consecutive_failures', 'Failed change polls of a connector object since its last success', ['connector', 'crm', 'object'], (g, r) => {
    for (const c of r.cursors) if (c.objectType) g.set({ connector: c.connectorId, crm: c.crm, object: c.objectType }, c.consecutiveFailures);
  });
  healthGauge('webhook_inbox_unprocessed', 'Stored webhook events not applied yet', ['connector', 'crm'], (g, r) => {
    for (const i of r.inbox) g.set({ connector: i.connectorId, crm: i.crm }, i.unprocessed);
  });
  healthGauge('webhook_inbox_failed', 'Unapplied webhook events that failed at least once', ['connector', 'crm'], (g, r) => {
    for (const i of r.inbox) g.set({ connector: i.connectorId, crm: i.crm }, i.failed);
  });
  healthGauge('writeback_outbox_rows', 'Write-back outbox rows by status: pending, retrying, in_flight, stale, dead, and done_last_hour (done rows are counted for the last hour only)',
    ['connector', 'crm', 'object', 'status'], (g, r) => {
      for (const o of r.outbox) {
        const base = { connector: o.connectorId, crm: o.crm, object: o.objectType };
        const byStatus: Record<string, number> = { pending: o.pending, retrying: o.retrying, in_flight: o.inFlight, done_last_hour: o.doneLastHour, stale: o.stale, dead: o.dead };
        for (const [status, n] of Object.entries(byStatus)) g.set({ ...base, status }, n);
      }
    });
  healthGauge('writeback_oldest_pending_seconds', 'Age of the oldest write-back row waiting to be sent, per connector object', ['connector', 'crm', 'object'], (g, r) => {
    for (const o of r.outbox) {
      const s = seconds(o.oldestPendingAt);
      if (s !== undefined) g.set({ connector: o.connectorId, crm: o.crm, object: o.objectType }, s);
    }
  });
  healthGauge('writeback_dead_letters', 'Write-back dead letters not replayed yet', [], (g, r) => {
    g.set(r.deadLetters.open);
  });

  // A mapped native field its CRM stopped serving (renamed or deleted there) leaves a golden field without that source.
  const unserved: Gauge<'crm'> = new Gauge({
    name: name('mapping_unserved_fields'), help: 'Native fields the mapping reads that their CRM no longer serves (renamed or deleted there, or mistyped), by CRM',
    labelNames: ['crm'] as const, registers,
    collect() {
      unserved.reset();
      const byCrm = new Map<string, number>();
      for (const p of sources.mappingProblems?.() ?? []) byCrm.set(p.crm, (byCrm.get(p.crm) ?? 0) + 1);
      for (const [crm, n] of byCrm) unserved.set({ crm }, n);
    },
  });

  // Of the processes on one database exactly one should read 1: none means nobody polls; two, a split the lease prevents.
  const leader: Gauge = new Gauge({
    name: name('change_capture_leader'), help: '1 while this process runs change capture (polling, change streams, webhook upkeep) for its database, else 0; one process per database leads',
    registers,
    collect() {
      leader.reset();
      const leads = sources.changeCaptureLeader?.();
      if (leads !== undefined) leader.set(leads ? 1 : 0);
    },
  });

  // The rate budget of each CRM account, read from the connector runtime (no I/O).
  const rateStates = () => [...(sources.rateLimits?.() ?? [])];
  const crmGauge = (n: string, help: string, value: (s: RateLimitState) => number | undefined) => {
    const g: Gauge<'crm'> = new Gauge({
      name: name(n), help, labelNames: ['crm'] as const, registers,
      collect() {
        g.reset();
        for (const [crm, s] of rateStates()) {
          const v = value(s);
          if (v !== undefined) g.set({ crm }, v);
        }
      },
    });
  };
  // The runtime owns these running totals (since this process started, back to 0 on restart). They are exposed
  // as gauges set from those totals rather than counters we increment: the runtime is the only counter, and a
  // Prometheus gauge that only grows and drops to 0 at a restart is read with rate()/increase() all the same.
  crmGauge('crm_requests_sent', 'CRM API calls sent since this process started (running total owned by the connector runtime)', (s) => s.totals.sent);
  crmGauge('crm_requests_rate_limited', 'CRM API calls answered with a rate limit (429) since this process started (running total)', (s) => s.totals.rateLimited);
  crmGauge('crm_requests_refused_budget', 'CRM API calls not sent because the daily budget was spent, since this process started (running total)', (s) => s.totals.refusedBudget);
  crmGauge('crm_daily_used', 'CRM daily API budget used, when known', (s) => s.daily?.used);
  crmGauge('crm_daily_remaining', 'CRM daily API budget remaining, when known', (s) => s.daily?.remaining);
  crmGauge('crm_daily_limit', 'CRM daily API budget, when known', (s) => s.daily?.limit);
  crmGauge('crm_requests_in_flight', 'CRM API calls in flight now', (s) => s.concurrency.inFlight);
  crmGauge('crm_concurrency_limit', 'Concurrent CRM API calls allowed', (s) => s.concurrency.limit);
  crmGauge('crm_requests_waiting', 'CRM API calls waiting for budget now (all lanes)', (s) => Object.values(s.waiting).reduce((a, b) => a + b, 0));
  crmGauge('crm_blocked', '1 while nothing is sent to the CRM after a rate limit answer, else 0', (s) => (s.blockedUntil !== null && s.blockedUntil > now().getTime() ? 1 : 0));

  return {
    registry,
    webhookDelivered(connector, status, events) {
      deliveries.inc({ connector, status: String(status) });
      if (status !== 200) return;
      const stored = events.stored ?? 0;
      webhookEvents.inc({ connector, result: 'stored' }, stored);
      webhookEvents.inc({ connector, result: 'duplicate' }, Math.max(0, (events.received ?? 0) - stored));
    },
    apolloPlugin(): ApolloServerPlugin {
      return {
        async requestDidStart() {
          const started = process.hrtime.bigint();
          return {
            async willSendResponse({ operation, response }) {
              const operationType = operation?.operation ?? 'unknown';
              const body = response.body;
              const failed = body.kind === 'single' ? (body.singleResult.errors?.length ?? 0) > 0 : (body.initialResult.errors?.length ?? 0) > 0;
              requests.inc({ operation_type: operationType, outcome: failed ? 'error' : 'ok' });
              duration.observe({ operation_type: operationType }, Number(process.hrtime.bigint() - started) / 1e9);
            },
          };
        },
      };
    },
  };
}
