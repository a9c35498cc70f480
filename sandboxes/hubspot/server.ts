/**
 * Assembles the HubSpot sandbox: control plane first, then OAuth endpoints, bearer auth, rate limits and the
 * CRM routes. The portal (records, associations, properties) is swapped whole on reset.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { ControlPlane } from '../common/control-plane.ts';
import { listen } from '../common/running-sandbox.ts';
import type { RunningSandbox, SandboxStartOptions } from '../common/running-sandbox.ts';
import { AuthService } from './auth.ts';
import { HubSpotError, sendError } from './errors.ts';
import { RateLimiter } from './rate-limit.ts';
import { buildPortal, readSeedDir } from './seed.ts';
import type { HubSpotSeed } from './seed.ts';
import type { Portal } from './store.ts';
import { WebhookDispatcher, defaultWebhookConfig } from './webhooks.ts';
import type { WebhookConfig } from './webhooks.ts';
import { RecordWriter } from './writes.ts';
import { objectsRouter } from './routes/objects.ts';
import { batchRouter } from './routes/batch.ts';
import { searchRouter } from './routes/search.ts';
import { propertiesRouter } from './routes/properties.ts';
import { associationsRouter } from './routes/associations.ts';
import { hubspotControlRouter } from './routes/control.ts';

export const DEFAULTS = {
  accessToken: 'sandbox-token',
  clientId: 'customer-graph',
  clientSecret: 'sandbox',
  refreshToken: 'sandbox-refresh-token',
  accessTokenTtlSeconds: 1800,
  tenSecondLimit: 190,
  dailyLimit: 1_000_000,
  portalId: 62515,
  appId: 1160452,
};

export interface HubSpotSandboxOptions extends SandboxStartOptions {
  accessToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** A refresh token valid from the start (default `sandbox-refresh-token`). */
  refreshToken?: string;
  accessTokenTtlSeconds?: number;
  tenSecondLimit?: number;
  dailyLimit?: number;
  /** Search calls per second (HubSpot's separate search limit); 0/absent = off. */
  searchPerSecondLimit?: number;
  portalId?: number;
  appId?: number;
  demoSeed?: HubSpotSeed;
  /** Initial webhook configuration (also settable through `POST /_sandbox/hubspot/webhooks`). */
  webhooks?: Partial<WebhookConfig>;
}

export interface RunningHubSpotSandbox extends RunningSandbox {
  accessToken: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  portalId: number;
  appId: number;
  auth: AuthService;
  limiter: RateLimiter;
  webhooks: WebhookDispatcher;
  /** The live portal, for assertions that bypass the API. */
  portal(): Portal;
  /** Replaces all records with the given folder (or the start-time seed when absent). */
  reset(seedDir?: string): Promise<void>;
}

async function loadPortal(seedDir: string | undefined, opts: HubSpotSandboxOptions): Promise<Portal> {
  if (seedDir) {
    const { seed, sources } = await readSeedDir(seedDir);
    return buildPortal(seed, sources);
  }
  if (opts.demoSeed && !opts.empty) return buildPortal(opts.demoSeed);
  return buildPortal({});
}

export async function startHubSpotSandbox(opts: HubSpotSandboxOptions = {}): Promise<RunningHubSpotSandbox> {
  const cfg = {
    accessToken: opts.accessToken ?? DEFAULTS.accessToken,
    clientId: opts.clientId ?? DEFAULTS.clientId,
    clientSecret: opts.clientSecret ?? DEFAULTS.clientSecret,
    refreshToken: opts.refreshToken ?? DEFAULTS.refreshToken,
    portalId: opts.portalId ?? DEFAULTS.portalId,
    appId: opts.appId ?? DEFAULTS.appId,
  };
  let portal = await loadPortal(opts.seedDir, opts);
  const auth = new AuthService({ ...cfg, accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds });
  const limiter = new RateLimiter({
    tenSecondLimit: opts.tenSecondLimit ?? DEFAULTS.tenSecondLimit,
    dailyLimit: opts.dailyLimit ?? DEFAULTS.dailyLimit,
    searchPerSecondLimit: opts.searchPerSecondLimit ?? 0,
  });
  // HubSpot signs webhooks with the app's client secret.
  const webhooks = new WebhookDispatcher({ ...defaultWebhookConfig(cfg.clientSecret), ...opts.webhooks }, cfg);
  if (opts.webhooks?.targetUrl && opts.webhooks.enabled === undefined) webhooks.config.enabled = true;

  const reset = async (seedDir?: string) => {
    const next = await loadPortal(seedDir ?? opts.seedDir, opts);
    portal = next;
    limiter.reset();
    webhooks.clear();
  };

  const control = new ControlPlane({
    rateLimited: (res, retryAfterSeconds) => limiter.renderFault(res, retryAfterSeconds),
    serverError: (res) => sendError(res, new HubSpotError(500, 'INTERNAL_ERROR', 'internal error')),
    reset,
    setLimits: (limits) => {
      for (const key of ['tenSecondLimit', 'dailyLimit', 'searchPerSecondLimit'] as const) {
        if (typeof limits[key] === 'number') limiter.opts[key] = limits[key];
      }
      if (typeof limits.accessTokenTtlSeconds === 'number') auth.opts.accessTokenTtlSeconds = limits.accessTokenTtlSeconds;
    },
    getLimits: () => ({ ...limiter.opts, accessTokenTtlSeconds: auth.opts.accessTokenTtlSeconds, ...limiter.usage() }),
  });
  const ctx = { portal: () => portal, writer: new RecordWriter(() => portal, control, webhooks) };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/_sandbox/hubspot', hubspotControlRouter(auth, webhooks));
  app.use('/_sandbox', control.router());
  app.use(control.middleware());
  app.use(auth.router());
  app.use(auth.middleware());
  app.use(limiter.middleware());
  app.use(express.json({ limit: '20mb' }));
  app.use(objectsRouter(ctx), batchRouter(ctx), searchRouter(ctx), propertiesRouter(ctx), associationsRouter(ctx));
  app.use((req: Request, res: Response) => {
    sendError(res, new HubSpotError(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path}`));
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HubSpotError) return sendError(res, err);
    const e = err as { type?: string; message?: string; status?: number };
    if (e.type === 'entity.parse.failed') return sendError(res, new HubSpotError(400, 'VALIDATION_ERROR', `Invalid input JSON: ${e.message}`));
    if (e.type === 'entity.too.large') return sendError(res, new HubSpotError(413, 'VALIDATION_ERROR', 'Request body too large'));
    console.error('[hubspot sandbox]', err);
    sendError(res, new HubSpotError(500, 'INTERNAL_ERROR', (err as Error)?.message ?? 'internal error'));
  });

  const running = await listen(app, control, opts);
  return {
    ...running,
    ...cfg,
    auth,
    limiter,
    webhooks,
    portal: () => portal,
    reset,
    close: async () => {
      webhooks.stop();
      await running.close();
    },
  };
}
