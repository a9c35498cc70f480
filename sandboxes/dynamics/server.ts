/**
 * Assembles the Dynamics 365 (Dataverse Web API v9.2) sandbox: control plane first, then the Entra ID token
 * endpoint (served on the sandbox's own URL), bearer auth and the sliding-window request limit on `/api`, and one
 * handler for everything under `/api/data/v9.2/` (OData paths are parsed by hand: express cannot route
 * `contacts(<guid>)`). The org (rows, custom attributes) is swapped whole on reset.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { ControlPlane } from '../common/control-plane.ts';
import type { DeliveryConfig } from '../common/webhook-delivery.ts';
import { listen } from '../common/running-sandbox.ts';
import type { RunningSandbox, SandboxStartOptions } from '../common/running-sandbox.ts';
import { API_PREFIX, splitTarget } from './api.ts';
import type { ApiContext } from './api.ts';
import { AuthService } from './auth.ts';
import { CODES, DataverseError, serverErrorAnswer } from './errors.ts';
import { RateLimiter, WINDOW_MS } from './rate-limit.ts';
import { renderRow } from './render.ts';
import { runBatch, writeAnswer } from './routes/batch.ts';
import { dynamicsControlRouter } from './routes/control.ts';
import { dispatch } from './routes/dispatch.ts';
import { buildOrg, readSeedDir } from './seed.ts';
import type { DynamicsSeed } from './seed.ts';
import { VersionClock } from './store.ts';
import type { Org } from './store.ts';
import { DataverseWebhooks } from './webhook-deliveries.ts';
import { RecordWriter } from './writes.ts';

export const DEFAULTS = {
  tenantId: 'sandbox-tenant',
  clientId: 'customer-graph',
  clientSecret: 'sandbox-dynamics-secret',
  accessTokenTtlSeconds: 3599,
  requestLimit: 6000,
  webhookRetryDelaysMs: [1_000, 5_000, 30_000],
  webhookTimeoutMs: 10_000,
};

export interface DynamicsSandboxOptions extends SandboxStartOptions {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  accessTokenTtlSeconds?: number;
  /** Requests per client id per 5-minute sliding window (Dataverse: 6000). */
  requestLimit?: number;
  /** Delta tokens older than this many versions expire (default: kept until a reset). */
  deltaRetentionVersions?: number;
  /** Rows loaded at start and on every reset without a seed folder; without it the sandbox starts empty. */
  seed?: DynamicsSeed;
  /** Waits before each retry of a failed webhook delivery (default 1 s, 5 s, 30 s); its length is the number of retries. */
  webhookRetryDelaysMs?: number[];
  /** How long an endpoint has to answer a delivery (default 10 s). */
  webhookTimeoutMs?: number;
  /** Start with webhook delivery off (as after `PUT /_sandbox/dynamics/webhooks {"enabled": false}`). */
  webhooksDisabled?: boolean;
}

/** Read access to the live rows as the API renders them (every attribute), for assertions that bypass the API. */
export interface DynamicsStoreView {
  all(entitySet: string): Record<string, unknown>[];
  get(entitySet: string, id: string): Record<string, unknown> | undefined;
}

export interface RunningDynamicsSandbox extends RunningSandbox {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** `${url}/api/data/v9.2/` */
  apiUrl: string;
  /** `${url}/${tenantId}/oauth2/v2.0/token` */
  tokenUrl: string;
  store: DynamicsStoreView;
  auth: AuthService;
  limiter: RateLimiter;
  /** Service endpoints, steps and webhook delivery: `registrations`, `delivery.pending()`, `delivery.log`. */
  webhooks: DataverseWebhooks;
  /** The current org (replaced by reset). */
  org(): Org;
  /** Replaces all rows and custom attributes with the folder's (or the start-time seed when absent). */
  reset(seedDir?: string): Promise<void>;
}

/** `/_sandbox/limits` takes `{requestLimit: 10}`, `{requests: 10}` or `{requests: {limit: 10}}`. */
function limitValue(v: unknown): number | undefined {
  const n = typeof v === 'object' && v !== null ? (v as { limit?: unknown }).limit : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export async function startDynamicsSandbox(opts: DynamicsSandboxOptions = {}): Promise<RunningDynamicsSandbox> {
  const cfg = {
    tenantId: opts.tenantId ?? DEFAULTS.tenantId,
    clientId: opts.clientId ?? DEFAULTS.clientId,
    clientSecret: opts.clientSecret ?? DEFAULTS.clientSecret,
  };
  const clock = new VersionClock();
  let retention = opts.deltaRetentionVersions;
  const load = async (seedDir: string | undefined) =>
    buildOrg(clock, seedDir ? await readSeedDir(seedDir) : opts.empty ? {} : (opts.seed ?? {}), retention);
  let org = await load(opts.seedDir);
  const auth = new AuthService({ ...cfg, accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds });
  const limiter = new RateLimiter(opts.requestLimit ?? DEFAULTS.requestLimit);
  const webhookConfig: DeliveryConfig = {
    enabled: !opts.webhooksDisabled,
    retryDelaysMs: [...(opts.webhookRetryDelaysMs ?? DEFAULTS.webhookRetryDelaysMs)],
    timeoutMs: opts.webhookTimeoutMs ?? DEFAULTS.webhookTimeoutMs,
  };
  const webhooks = new DataverseWebhooks(webhookConfig);
  const reset = async (seedDir?: string) => {
    org = await load(seedDir ?? opts.seedDir);
    limiter.reset();
    webhooks.reset();
  };

  const control = new ControlPlane({
    rateLimited: (res, retryAfterSeconds) => limiter.refuse(res, retryAfterSeconds),
    serverError: (res) => writeAnswer(res, serverErrorAnswer()),
    reset,
    setLimits: (limits: Record<string, unknown>) => {
      const requests = limitValue(limits.requestLimit ?? limits.requests);
      if (requests !== undefined) limiter.limit = requests;
      if (typeof limits.accessTokenTtlSeconds === 'number') auth.opts.accessTokenTtlSeconds = limits.accessTokenTtlSeconds;
      if ('deltaRetentionVersions' in limits) {
        retention = typeof limits.deltaRetentionVersions === 'number' ? limits.deltaRetentionVersions : undefined;
        org.deltaRetentionVersions = retention;
      }
    },
    // Nested like Pipedrive's; the shared hook is typed flat.
    getLimits: () => ({
      requests: { used: limiter.used(), limit: limiter.limit, windowSeconds: WINDOW_MS / 1000 },
      requestLimit: limiter.limit, accessTokenTtlSeconds: auth.opts.accessTokenTtlSeconds,
      ...(retention !== undefined ? { deltaRetentionVersions: retention } : {}),
    }) as unknown as Record<string, number>,
  });
  const ctx: ApiContext = { org: () => org, writer: new RecordWriter(() => org, control, webhooks), control, webhooks };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/_sandbox/dynamics', dynamicsControlRouter(auth, () => org, webhooks));
  app.use('/_sandbox', control.router());
  app.use(control.middleware());
  app.use(auth.router());
  app.use('/api', auth.middleware(), limiter.middleware(), express.raw({ type: () => true, limit: '50mb' }));
  app.use(API_PREFIX.slice(0, -1), (req: Request, res: Response) => {
    const base = `${req.protocol}://${req.get('host')}${API_PREFIX}`;
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const { path, params } = splitTarget(req.url.replace(/^\//, ''));
    if (path === '$batch' && req.method === 'POST') {
      try {
        return writeAnswer(res, runBatch(ctx, req, base, body));
      } catch (err) {
        if (err instanceof DataverseError) return writeAnswer(res, err.answer());
        throw err;
      }
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    writeAnswer(res, dispatch(ctx, { method: req.method, path, params, headers, body, base }));
  });
  app.use((req: Request, res: Response) => {
    writeAnswer(res, new DataverseError(404, CODES.resourceNotFound, `Resource not found: ${req.method} ${req.path}`).answer());
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string };
    if (e.type === 'entity.too.large') return writeAnswer(res, new DataverseError(413, CODES.badValue, 'Request body too large').answer());
    console.error('[dynamics sandbox]', err);
    writeAnswer(res, serverErrorAnswer());
  });

  const running = await listen(app, control, opts);
  webhooks.orgHost = new URL(running.url).host;
  const render = (set: string) => {
    const table = org.tableBySet(set);
    return (id: string) => {
      const row = table.rows.get(id);
      return row ? renderRow(org, table, row, { annotations: false }) : undefined;
    };
  };
  const store: DynamicsStoreView = {
    all: (set) => [...org.tableBySet(set).rows.keys()].map((id) => render(set)(id)!),
    get: (set, id) => render(set)(id.toLowerCase()),
  };
  return {
    ...running, ...cfg, apiUrl: `${running.url}${API_PREFIX}`, tokenUrl: `${running.url}/${cfg.tenantId}/oauth2/v2.0/token`,
    store, auth, limiter, webhooks, org: () => org, reset,
    close: async () => {
      webhooks.stop();
      await running.close();
    },
  };
}
