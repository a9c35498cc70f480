/**
 * Wiring of change capture (issue 6) for the composition root: `POST /webhooks/:connectorId` on the gateway, the
 * change streams connectors open (Salesforce Change Data Capture, sync/change-stream.ts), the inbox worker that
 * applies stored events, and the polling fallback. In the demo, the HubSpot sandbox is told to
 * deliver its webhooks to this gateway, and CRMs whose webhooks are made through their API (Pipedrive) are
 * subscribed.
 *
 * Configuration: `CUSTOMER_GRAPH_POLL_INTERVAL_MS` (default 15000; `0` turns polling off),
 * `CUSTOMER_GRAPH_INBOX_INTERVAL_MS` (default 1000: how often the inbox is swept besides the wake-up on receipt),
 * `CUSTOMER_GRAPH_INBOX_BATCH_SIZE` (default 100: events applied per transaction),
 * `CUSTOMER_GRAPH_INBOX_RETENTION_HOURS` (default 168: processed events kept a week; `0` keeps them all),
 * `CUSTOMER_GRAPH_CHANGE_LOG_RETENTION_HOURS` (default 168: the customer change feed, customer_change_log, replays a
 * week back; older cursors answer CURSOR_EXPIRED; `0` keeps everything),
 * `CUSTOMER_GRAPH_PUBLIC_URL` (the base URL CRMs post to, when a proxy sits in front of the gateway),
 * `CUSTOMER_GRAPH_SALESFORCE_CDC` (`off`: Salesforce changes arrive by polling only, for orgs without Change Data
 * Capture on the mapped objects), `CUSTOMER_GRAPH_LEADER_LEASE_MS` (default 30000: how long the change-capture lease
 * lasts unrenewed; at least 1000).
 *
 * Several processes (gateway replicas, workers) on one database: the inbox worker and webhook receipt run in every
 * one (rows are claimed with SKIP LOCKED, events de-duplicated by id), but the loops that talk to the CRMs on their
 * own — polling, the change streams and webhook subscription upkeep — run only in the process that holds the
 * database's 'change-capture' lease (sync/leadership.ts). Otherwise each replica would poll every CRM object (N× the
 * API calls), open its own CometD client and race the others creating webhook subscriptions. When the leader stops
 * or dies, another process takes the lease over and starts them. The lease's owner name says whether its process polls
 * (`host:pid:abcd1234 poll=15000ms` / `… poll=off`): a process that polls takes the lease over from one that does not
 * (an API replica with `CUSTOMER_GRAPH_POLL_INTERVAL_MS=0` must not leave the database unpolled), and a follower whose
 * interval differs from the leader's warns once per leader (the leader's applies).
 */
import type { Connector } from '../connectors/contract/index.ts';
import type { Database } from '../db/open-database.ts';
import type { GatewayServer } from '../gateway/http-server.ts';
import { mountWebhooks } from '../gateway/webhooks.ts';
import type { WebhookMountOptions } from '../gateway/webhooks.ts';
import type { Logger } from '../lib/logger.ts';
import { ProductError } from '../lib/product-error.ts';
import type { MappingConfig } from '../resolver-engine/index.ts';
import type { ChangeApplierContext } from '../sync/change-applier.ts';
import { startChangeStreams } from '../sync/change-stream.ts';
import type { ChangeStreams } from '../sync/change-stream.ts';
import { startInboxWorker } from '../sync/inbox-worker.ts';
import type { InboxWorker } from '../sync/inbox-worker.ts';
import { startPolling } from '../sync/poller.ts';
import { startLeadership } from '../sync/leadership.ts';
import type { Leadership } from '../sync/leadership.ts';
import { CHANGE_CAPTURE_LEASE } from '../db/process-lease-store.ts';
import { pruneChangeLog } from '../db/change-log.ts';
import { retentionSchedule } from '../sync/retention-schedule.ts';
import type { RetentionSchedule } from '../sync/retention-schedule.ts';
import type { Poller } from '../sync/poller.ts';
import { DEMO_HUBSPOT_ID } from './connector-setup.ts';
import { DEMO_SANDBOXES } from './demo-sandboxes.ts';
import type { ConnectorSetup } from './connector-setup.ts';

export interface ChangeCapture {
  inbox: InboxWorker;
  /**
   * This process's poller while it leads change capture; undefined when polling is off
   * (`CUSTOMER_GRAPH_POLL_INTERVAL_MS=0`) or another process leads. A new one each time this process becomes leader.
   */
  readonly poller: Poller | undefined;
  /**
   * The connectors' change streams (Salesforce CDC), reopened on failure; closed by `stop`. While another process
   * leads, none is open (`open()` is empty). A new instance each time this process becomes leader.
   */
  readonly changeStreams: ChangeStreams;
  /** Whether this process runs polling, change streams and webhook upkeep now, and its name in the lease. */
  leadership: Pick<Leadership, 'isLeader' | 'owner'>;
  /** Prunes the customer change log past its retention (hourly, on the shared schedule). */
  changeLogRetention: RetentionSchedule;
  /**
   * Settles when every CRM whose webhooks are made through its API was asked to deliver here, or at once when another
   * process leads change capture (it upkeeps them); never rejects.
   */
  subscribed: Promise<void>;
  /**
   * Subscribes one CRM's webhooks again and reopens its change stream where its connector or mapped objects changed
   * (its connector joined or took new settings); never rejects. Only in the leading process: the others leave
   * subscriptions and streams to it.
   */
  subscribeWebhooks(crm: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ChangeCaptureOptions {
  server: GatewayServer;
  db: Database;
  /** By CRM id. */
  connectors: Map<string, Connector>;
  /** Our connector id per CRM. */
  connectorIds: Map<string, string>;
  getConfig(): MappingConfig;
  setup: ConnectorSetup;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Why a connector that serves no webhooks now was disabled (stored status), else null: its deliveries get 503. */
  disabledReason?: WebhookMountOptions['disabledReason'];
  /** Every webhook delivery answered (gateway/metrics.ts `webhookDelivered`). */
  onWebhookAnswered?: WebhookMountOptions['onAnswered'];
}

/** A whole number ≥ 0 from the environment (the fallback when unset or empty); anything else is CONFIG_INVALID. */
export function intervalMs(env: NodeJS.ProcessEnv, name: string, fallback: number, unit = 'milliseconds'): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ProductError('CONFIG_INVALID', `${name} must be a whole number of ${unit} (got '${raw}')`);
  return value;
}

/** `CUSTOMER_GRAPH_LEADER_LEASE_MS`: a whole number of milliseconds, at least 1000 (default 30000). */
export function leaderLeaseMs(env: NodeJS.ProcessEnv): number {
  const name = 'CUSTOMER_GRAPH_LEADER_LEASE_MS';
  const value = intervalMs(env, name, 30_000);
  if (value < 1000) throw new ProductError('CONFIG_INVALID', `${name} must be a whole number of milliseconds, at least 1000 (got '${env[name]}')`);
  return value;
}

/** Change streams while another process leads: none open. */
const NO_STREAMS: ChangeStreams = { refresh: () => {}, open: () => [], streamed: () => ({}), stop: async () => {} };

export async function startChangeCapture(opts: ChangeCaptureOptions): Promise<ChangeCapture> {
  const { db, connectors, connectorIds, logger, env } = opts;
  const context = (): ChangeApplierContext => ({ db, config: opts.getConfig(), connectors, connectorIds });
  const salesforceCdc = (env.CUSTOMER_GRAPH_SALESFORCE_CDC ?? '').trim().toLowerCase();
  if (salesforceCdc !== '' && salesforceCdc !== 'on' && salesforceCdc !== 'off') {
    throw new ProductError('CONFIG_INVALID', `CUSTOMER_GRAPH_SALESFORCE_CDC must be 'on' or 'off' (got '${env.CUSTOMER_GRAPH_SALESFORCE_CDC}')`);
  }
  const inbox = startInboxWorker(context, {
    intervalMs: intervalMs(env, 'CUSTOMER_GRAPH_INBOX_INTERVAL_MS', 1000) || 1000,
    batchSize: intervalMs(env, 'CUSTOMER_GRAPH_INBOX_BATCH_SIZE', 100, 'events') || 100,
    onBatch: (r) => {
      if (r.failed) logger.warn(r, 'webhook events could not be applied; they stay in the inbox and are tried again');
      else logger.debug(r, 'webhook events applied');
    },
    onDrained: (applied) => logger.info({ applied }, 'webhook inbox drained'),
    retentionMs: intervalMs(env, 'CUSTOMER_GRAPH_INBOX_RETENTION_HOURS', 168, 'hours') * 3_600_000,
    onPruned: (deleted) => logger.info({ deleted }, 'processed webhook events past their retention deleted'),
    onError: (err) => logger.error({ err }, 'inbox worker failed; retrying on the next tick'),
  });
  // The change feed's retention bounds how long a consumer may stay away and still catch up exactly.
  const changeLogRetention = retentionSchedule({
    retentionMs: intervalMs(env, 'CUSTOMER_GRAPH_CHANGE_LOG_RETENTION_HOURS', 168, 'hours') * 3_600_000,
    prune: (cutoff) => pruneChangeLog(db, cutoff),
    onPruned: (deleted) => logger.info({ deleted }, 'customer changes past their retention deleted from the change log'),
    onError: (err) => logger.error({ err }, 'pruning the customer change log failed; retrying at the next tick'),
  });
  changeLogRetention.start();
  const pollMs = intervalMs(env, 'CUSTOMER_GRAPH_POLL_INTERVAL_MS', 15_000);
  const leaseMs = leaderLeaseMs(env);
  const renewMs = intervalMs(env, 'CUSTOMER_GRAPH_WEBHOOK_RENEW_HOURS', 6, 'hours') * 3_600_000;
  // Looked up per delivery: a CRM that joins the running graph (crm-join.ts) receives webhooks at once.
  const crmOf = (connectorId: string) => [...connectorIds].find(([, id]) => id === connectorId)?.[0];
  mountWebhooks(opts.server.app, {
    db,
    target: (connectorId) => {
      const crm = crmOf(connectorId);
      const connector = crm ? connectors.get(crm) : undefined;
      return connector ? { connectorId, connector } : undefined;
    },
    onStored: () => inbox.wake(),
    ...(opts.disabledReason ? { disabledReason: opts.disabledReason } : {}),
    ...(opts.onWebhookAnswered ? { onAnswered: opts.onWebhookAnswered } : {}),
    publicBaseUrl: env.CUSTOMER_GRAPH_PUBLIC_URL,
    logger,
  });
  // The CRM-facing loops, started each time this process becomes the change-capture leader and stopped when it is not.
  let poller: Poller | undefined;
  let changeStreams = NO_STREAMS;
  let renewal: NodeJS.Timeout | undefined;
  let subscription: Promise<void> = Promise.resolve();
  let stopping = false;
  const startLoops = () => {
    poller = pollMs > 0
      ? startPolling(context, {
        intervalMs: pollMs,
        onRound: (r) => { for (const f of r.failed) logger.error(f, 'polling a CRM object failed; it resumes from its last committed cursor'); },
        onError: (err) => logger.error({ err }, 'polling round failed'),
      })
      : undefined;
    // Change streams store into the same inbox: an event that also came by webhook is stored once.
    changeStreams = startChangeStreams(context, {
      enabled: (crm) => !(crm === 'salesforce' && salesforceCdc === 'off'),
      onStored: () => inbox.wake(),
      // With interval polling off, nobody else polls an object whose channel the CRM refuses: the stream does, at the
      // default polling interval, until the channel is accepted again.
      fallbackPollMs: pollMs > 0 ? 0 : 15_000,
      logger,
    });
    // Some CRMs' subscriptions expire (Zoho's notification channels live 7 days at most): asking again every few hours
    // renews them before they lapse. Where nothing changed, a CRM only lists its subscriptions.
    renewal = renewMs > 0 ? setInterval(() => void subscribeWebhooks(opts), renewMs) : undefined;
    renewal?.unref();
    subscription = subscribeWebhooks(opts);
  };
  const stopLoops = async () => {
    clearInterval(renewal);
    renewal = undefined;
    const streams = changeStreams;
    const polling = poller;
    changeStreams = NO_STREAMS;
    poller = undefined;
    await streams.stop();
    await polling?.stop();
  };
  const leadership = startLeadership({
    db, name: CHANGE_CAPTURE_LEASE, leaseMs, pollMs, logger,
    onLead: () => {
      logger.info({ owner: leadership.owner }, 'this process runs change capture (polling, change streams, webhook upkeep) for the database');
      startLoops();
    },
    onFollow: async (holder) => {
      await stopLoops();
      if (stopping) return;
      if (holder) logger.info({ owner: leadership.owner, leader: holder }, `another process (${holder}) runs change capture (polling, change streams, webhook upkeep) for the database`);
      else logger.warn({ owner: leadership.owner }, 'this process does not run change capture now (the database did not answer); it tries again at its next check');
    },
  });
  const stop = async () => {
    stopping = true;
    // Stops the loops, then gives the lease up: another process takes over at its next check.
    await leadership.stop();
    await inbox.stop();
    await changeLogRetention.stop();
  };
  // Demo: the HubSpot sandbox delivers its webhooks to this gateway, signed with the demo connector's secret.
  const hubspotSandbox = opts.setup.sandboxes?.hubspotUrl;
  if (opts.setup.demo && hubspotSandbox && connectorIds.get('hubspot') === DEMO_HUBSPOT_ID) {
    const targetUrl = `${env.CUSTOMER_GRAPH_PUBLIC_URL ?? opts.server.url}/webhooks/${DEMO_HUBSPOT_ID}`;
    const res = await fetch(`${hubspotSandbox}/_sandbox/hubspot/webhooks`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ targetUrl, clientSecret: 'sandbox', enabled: true }),
    });
    if (!res.ok) logger.warn({ status: res.status }, 'could not point the HubSpot sandbox webhooks at the gateway; changes arrive by polling');
    else logger.info({ targetUrl }, 'HubSpot sandbox webhooks delivered to the gateway');
  }
  // The first try is awaited: a single process polls and streams as soon as it has started.
  await leadership.ready;
  const subscribed = subscription;
  const resubscribe = (crm: string) => {
    if (!leadership.isLeader()) return Promise.resolve();
    changeStreams.refresh();
    return subscribeWebhooks(opts, crm);
  };
  return {
    inbox,
    get poller() { return poller; },
    get changeStreams() { return changeStreams; },
    leadership: { isLeader: () => leadership.isLeader(), owner: leadership.owner },
    changeLogRetention, subscribed, subscribeWebhooks: resubscribe, stop,
  };
}

/**
 * CRMs whose webhooks are created through their API (Pipedrive, Zoho) are asked to deliver to this gateway: at
 * `CUSTOMER_GRAPH_PUBLIC_URL` when set, else, for the demo connectors, at this server's own address (the
 * sandboxes run on this machine). Subscriptions of the connector's own path to another URL (the public URL changed)
 * or with another webhook user are removed once the new ones exist. In the background: a CRM that is slow or down
 * delays nothing, and polling catches its changes meanwhile.
 */
async function subscribeWebhooks(opts: ChangeCaptureOptions, onlyCrm?: string): Promise<void> {
  const { connectors, connectorIds, env, logger } = opts;
  const publicUrl = env.CUSTOMER_GRAPH_PUBLIC_URL?.replace(/\/+$/, '');
  await Promise.all([...connectors].filter(([crm]) => onlyCrm === undefined || crm === onlyCrm).map(async ([crm, connector]) => {
    const connectorId = connectorIds.get(crm);
    const ensure = connector.webhooks?.ensureSubscriptions;
    if (!connectorId || !ensure) return;
    // The demo's sandboxes run on this machine: they reach this server at its own address.
    const isDemoConnector = opts.setup.demo && DEMO_SANDBOXES.some((d) => d.connectorId === connectorId);
    const base = publicUrl ?? (isDemoConnector ? opts.server.url : undefined);
    if (!base) {
      logger.warn({ connector: connectorId }, 'webhooks not subscribed: set CUSTOMER_GRAPH_PUBLIC_URL to the address the CRM can reach this gateway at; polling catches changes meanwhile');
      return;
    }
    const targetUrl = `${base}/webhooks/${connectorId}`;
    try {
      const { existing, created, removed, notRemoved } = await ensure.call(connector.webhooks, targetUrl);
      logger.info({ connector: connectorId, targetUrl, existing, created, removed },
        removed.length ? 'CRM webhooks deliver to the gateway; stale subscriptions of this connector removed' : 'CRM webhooks deliver to the gateway');
      // The subscriptions are in place; only the tidying failed, and it is tried again at the next start.
      if (notRemoved.length) {
        const where = connector.webhooks?.subscriptionsPage ? ` (${connector.webhooks.subscriptionsPage})` : '';
        logger.warn({ connector: connectorId, targetUrl, notRemoved },
          `CRM webhooks deliver to the gateway, but ${notRemoved.length} stale subscription(s) of this connector could not be removed and may deliver twice or to an old address: ${notRemoved.map((n) => `${n.id} at ${n.url ?? 'an unknown URL'} (${n.reason})`).join('; ')}. They are tried again at the next start, or remove them in the CRM's webhook settings${where}`);
      }
    } catch (err) {
      logger.warn({ err, connector: connectorId, targetUrl }, 'could not subscribe to the CRM\'s webhooks; changes arrive by polling until the next start');
    }
  }));
}
