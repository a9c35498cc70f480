/**
 * Assembles the Zoho CRM v8 sandbox on one origin that serves both the accounts server (`/oauth/v2/token`) and the
 * API domain (`/crm/v8/…`): the in-flight tracker first (so injected latency counts as processing time), then the
 * shared control plane, the token endpoint, `Zoho-oauthtoken` auth, credits/concurrency, and the routes. The org
 * (records, custom fields, recycle bin) is swapped whole on reset.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { ControlPlane } from '../common/control-plane.ts';
import { listen } from '../common/running-sandbox.ts';
import type { RunningSandbox, SandboxStartOptions } from '../common/running-sandbox.ts';
import { AuthService } from './auth.ts';
import type { DeliveryConfig } from '../common/webhook-delivery.ts';
import { internalError, sendError, urlNotFound, ZohoError } from './errors.ts';
import { ApiLimits } from './limits.ts';
import { ZohoNotifications } from './notifications.ts';
import { renderRecord } from './render.ts';
import type { ModuleName } from './schema.ts';
import { buildOrg, demoSeed, readSeedDir } from './seed.ts';
import type { ZohoSeed } from './seed.ts';
import type { Org } from './store.ts';
import { offsetMinutes } from './time.ts';
import { zohoControlRouter } from './routes/control.ts';
import { metadataRouter } from './routes/metadata.ts';
import { notificationControlRouter } from './routes/notification-control.ts';
import { recordsRouter } from './routes/records.ts';
import { watchRouter } from './routes/watch.ts';
import { writesRouter } from './routes/writes.ts';

export const DEFAULTS = {
  clientId: '1000.SANDBOXCLIENTID',
  clientSecret: 'sandbox-zoho-secret',
  refreshToken: '1000.sandbox-zoho-refresh-token',
  timeZoneOffset: '+05:30',
  tokenTtlSeconds: 3600,
  tokenLimitPer10Min: 10,
  idPrefix: '4150868000000',
  creditsPerDay: 25_000,
  concurrency: 10,
  notificationRetryDelaysMs: [1_000, 5_000, 30_000],
  notificationTimeoutMs: 10_000,
};

export interface ZohoSandboxOptions extends SandboxStartOptions {
  clientId?: string;
  clientSecret?: string;
  /** The one refresh token the accounts server knows; it never expires. */
  refreshToken?: string;
  /** The org's zone offset every record time is rendered in. */
  timeZoneOffset?: string;
  tokenTtlSeconds?: number;
  /** Access tokens per refresh token per 10 minutes; 0 = unlimited. */
  tokenLimitPer10Min?: number;
  /** 13 digits; ids are this plus a 6-digit org-wide sequence. */
  idPrefix?: string;
  creditsPerDay?: number;
  concurrency?: number;
  /** Records loaded at start and on every reset without a seed folder; with neither this, seedDir nor empty: the demo set. */
  seed?: ZohoSeed;
  /** Waits before each retry of a failed notification (default 1 s, 5 s, 30 s); its length is the number of retries. */
  notificationRetryDelaysMs?: number[];
  /** How long a notify_url has to answer a delivery (default 10 s). */
  notificationTimeoutMs?: number;
  /** Start with notification delivery paused (as after `POST /_sandbox/zoho/notifications/pause`). */
  notificationsPaused?: boolean;
}

/** Read access to the live records as the API renders them (every field), for assertions that bypass the API. */
export interface ZohoStoreView {
  all(module: ModuleName): Record<string, unknown>[];
  get(module: ModuleName, id: string): Record<string, unknown> | undefined;
}

export interface RunningZohoSandbox extends RunningSandbox {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** `${url}/crm/v8` */
  apiUrl: string;
  /** `${url}/oauth/v2/token` */
  tokenUrl: string;
  store: ZohoStoreView;
  auth: AuthService;
  limits: ApiLimits;
  /** Watch channels and notification delivery: `list()`, `setPaused()`, `delivery.pending()`, `delivery.log`. */
  notifications: ZohoNotifications;
  org(): Org;
  /** Replaces all records and custom fields with the folder's (or the start-time seed when absent). */
  reset(seedDir?: string): Promise<void>;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

export async function startZohoSandbox(opts: ZohoSandboxOptions = {}): Promise<RunningZohoSandbox> {
  const cfg = {
    clientId: opts.clientId ?? DEFAULTS.clientId,
    clientSecret: opts.clientSecret ?? DEFAULTS.clientSecret,
    refreshToken: opts.refreshToken ?? DEFAULTS.refreshToken,
  };
  const orgConfig = { idPrefix: opts.idPrefix ?? DEFAULTS.idPrefix, offset: opts.timeZoneOffset ?? DEFAULTS.timeZoneOffset };
  offsetMinutes(orgConfig.offset);
  if (!/^\d{13}$/.test(orgConfig.idPrefix)) throw new Error(`idPrefix must be 13 digits, got "${orgConfig.idPrefix}"`);
  const startSeed = opts.seed ?? (opts.empty ? {} : demoSeed(orgConfig.idPrefix));
  const load = async (seedDir: string | undefined) => buildOrg(orgConfig, seedDir ? await readSeedDir(seedDir) : startSeed);
  let org = await load(opts.seedDir);
  const auth = new AuthService({
    ...cfg, tokenTtlSeconds: opts.tokenTtlSeconds ?? DEFAULTS.tokenTtlSeconds, tokenLimitPer10Min: opts.tokenLimitPer10Min ?? DEFAULTS.tokenLimitPer10Min,
  });
  const limits = new ApiLimits({ creditsPerDay: opts.creditsPerDay ?? DEFAULTS.creditsPerDay, concurrency: opts.concurrency ?? DEFAULTS.concurrency });
  const notificationConfig: DeliveryConfig = {
    enabled: !opts.notificationsPaused,
    retryDelaysMs: [...(opts.notificationRetryDelaysMs ?? DEFAULTS.notificationRetryDelaysMs)],
    timeoutMs: opts.notificationTimeoutMs ?? DEFAULTS.notificationTimeoutMs,
  };
  const notifications = new ZohoNotifications(() => org, notificationConfig);
  const reset = async (seedDir?: string) => {
    org = await load(seedDir ?? opts.seedDir);
    limits.reset();
    auth.resetLimit();
    notifications.reset();
  };

  const control = new ControlPlane({
    rateLimited: (res, retryAfterSeconds) => limits.renderFault(res, retryAfterSeconds),
    serverError: (res) => sendError(res, internalError()),
    reset,
    setLimits: (patch: Record<string, unknown>) => {
      const credits = num(patch.creditsPerDay);
      const concurrency = num(patch.concurrency);
      if (credits !== undefined) limits.opts.creditsPerDay = credits;
      if (concurrency !== undefined) limits.opts.concurrency = concurrency;
      const tokenLimit = num(patch.tokenLimitPer10Min);
      if (tokenLimit !== undefined) auth.opts.tokenLimitPer10Min = tokenLimit;
      const ttl = num(patch.tokenTtlSeconds);
      if (ttl !== undefined) auth.opts.tokenTtlSeconds = ttl;
    },
    getLimits: () => ({
      creditsPerDay: limits.opts.creditsPerDay, creditsUsed: limits.used(), concurrency: limits.opts.concurrency,
      tokenLimitPer10Min: auth.opts.tokenLimitPer10Min, tokenTtlSeconds: auth.opts.tokenTtlSeconds,
    }),
  });
  const ctx = { org: () => org, control, notifier: notifications };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/_sandbox/zoho/notifications', notificationControlRouter(notifications, () => org));
  app.use('/_sandbox/zoho', zohoControlRouter(auth, () => org));
  app.use('/_sandbox', control.router());
  app.use('/crm', limits.tracker());
  app.use(control.middleware());
  app.use(auth.router());
  app.use('/crm', auth.middleware(), limits.middleware());
  app.use(express.json({ limit: '20mb' }));
  // The watch routes before the record routes: `/crm/v8/:module` would take `actions` for an unknown module.
  app.use(watchRouter(notifications), metadataRouter(ctx), recordsRouter(ctx), writesRouter(ctx));
  app.use((_req: Request, res: Response) => sendError(res, urlNotFound()));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ZohoError) return sendError(res, err);
    const e = err as { type?: string; message?: string };
    if (e.type === 'entity.parse.failed') return sendError(res, new ZohoError(400, 'INVALID_REQUEST', `the body is not valid JSON: ${e.message}`));
    if (e.type === 'entity.too.large') return sendError(res, new ZohoError(413, 'REQUEST_ENTITY_TOO_LARGE', 'the request body is too large'));
    console.error('[zoho sandbox]', err);
    sendError(res, internalError());
  });

  const running = await listen(app, control, opts);
  notifications.apiUrl = `${running.url}/crm/v8`;
  const store: ZohoStoreView = {
    all: (module) => [...org.module(module).records.values()].map((r) => renderRecord(org, module, r, org.module(module).fields)),
    get: (module, id) => {
      const r = org.module(module).records.get(id);
      return r ? renderRecord(org, module, r, org.module(module).fields) : undefined;
    },
  };
  return {
    ...running, ...cfg, apiUrl: `${running.url}/crm/v8`, tokenUrl: `${running.url}/oauth/v2/token`,
    store, auth, limits, notifications, org: () => org, reset,
    close: async () => {
      notifications.stop();
      await running.close();
    },
  };
}
