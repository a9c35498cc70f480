/**
 * Assembles the Pipedrive sandbox: control plane first, then the OAuth token endpoint, auth on every /api route,
 * rate limits and the API routes. The company (records and fields) is swapped whole on reset, which also removes
 * every webhook subscription and drops pending deliveries.
 */
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { ControlPlane } from '../common/control-plane.ts';
import { listen } from '../common/running-sandbox.ts';
import type { RunningSandbox, SandboxStartOptions } from '../common/running-sandbox.ts';
import { AuthService } from './auth.ts';
import { PipedriveError, badRequest, sendError, serverError } from './errors.ts';
import type { ObjectName } from './objects.ts';
import { RateLimiter } from './rate-limit.ts';
import { buildCompany, readSeedDir } from './seed.ts';
import type { PipedriveSeed } from './seed.ts';
import type { PipedriveRecord } from './store.ts';
import { PipedriveWebhooks } from './webhooks.ts';
import { RecordWriter } from './writes.ts';
import { pipedriveControlRouter } from './routes/control.ts';
import { fieldsRouter } from './routes/fields.ts';
import { recentsRouter } from './routes/recents.ts';
import { recordsRouter } from './routes/records.ts';
import { searchRouter } from './routes/search.ts';
import { stagesRouter } from './routes/stages.ts';
import { webhookControlRouter } from './routes/webhook-control.ts';
import { webhooksRouter } from './routes/webhooks.ts';

export const DEFAULTS = {
  apiToken: 'sandbox-pipedrive-token',
  clientId: 'customer-graph',
  clientSecret: 'sandbox',
  refreshToken: 'sandbox-pipedrive-refresh-token',
  accessTokenTtlSeconds: 3600,
  burstLimit: 80,
  dailyLimit: 1_000_000,
};

export interface PipedriveSandboxOptions extends SandboxStartOptions {
  apiToken?: string;
  clientId?: string;
  clientSecret?: string;
  /** A refresh token valid for the sandbox's whole life; a refresh returns it unchanged. */
  refreshToken?: string;
  accessTokenTtlSeconds?: number;
  /** Requests per 2-second window per credential. */
  burstLimit?: number;
  /** Requests per UTC day per credential. */
  dailyLimit?: number;
  /** Records loaded at start and on every reset without a seed folder; without it the sandbox starts empty. */
  seed?: PipedriveSeed;
}

/** Read access to the live records, for assertions that bypass the API (deleted records included). */
export interface PipedriveStoreView {
  all(object: ObjectName): PipedriveRecord[];
  get(object: ObjectName, id: number): PipedriveRecord | undefined;
}

export interface RunningPipedriveSandbox extends RunningSandbox {
  apiToken: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  store: PipedriveStoreView;
  auth: AuthService;
  limiter: RateLimiter;
  /** Webhook subscriptions and delivery: `pending()`, `delivered`, `deadLettered`, `configure(patch)`, `log`. */
  webhooks: PipedriveWebhooks;
  /** Replaces all records and custom fields with the folder's (or the start-time seed when absent). */
  reset(seedDir?: string): Promise<void>;
}

/** `/_sandbox/limits` takes `{burst: 10}` or `{burst: {limit: 10}}` (same for `daily`). */
function limitValue(v: unknown): number | undefined {
  const n = typeof v === 'object' && v !== null ? (v as { limit?: unknown }).limit : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

export async function startPipedriveSandbox(opts: PipedriveSandboxOptions = {}): Promise<RunningPipedriveSandbox> {
  const cfg = {
    apiToken: opts.apiToken ?? DEFAULTS.apiToken,
    clientId: opts.clientId ?? DEFAULTS.clientId,
    clientSecret: opts.clientSecret ?? DEFAULTS.clientSecret,
    refreshToken: opts.refreshToken ?? DEFAULTS.refreshToken,
  };
  const load = async (seedDir: string | undefined) =>
    buildCompany(seedDir ? await readSeedDir(seedDir) : opts.empty ? {} : (opts.seed ?? {}));
  let company = await load(opts.seedDir);
  const auth = new AuthService({ ...cfg, accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? DEFAULTS.accessTokenTtlSeconds });
  const limiter = new RateLimiter({ burst: opts.burstLimit ?? DEFAULTS.burstLimit, daily: opts.dailyLimit ?? DEFAULTS.dailyLimit });

  const webhooks = new PipedriveWebhooks();

  const reset = async (seedDir?: string) => {
    company = await load(seedDir ?? opts.seedDir);
    limiter.reset();
    webhooks.clear();
  };

  const control = new ControlPlane({
    rateLimited: (res, retryAfterSeconds) => limiter.renderFault(res, retryAfterSeconds),
    serverError: (res) => sendError(res, serverError()),
    reset,
    setLimits: (limits: Record<string, unknown>) => {
      const burst = limitValue(limits.burst);
      const daily = limitValue(limits.daily);
      if (burst !== undefined) limiter.opts.burst = burst;
      if (daily !== undefined) limiter.opts.daily = daily;
      if (typeof limits.accessTokenTtlSeconds === 'number') auth.opts.accessTokenTtlSeconds = limits.accessTokenTtlSeconds;
    },
    // The wire contract reports nested `{daily:{used,limit},burst:{…}}`; the shared hook is typed flat.
    getLimits: () => ({ ...limiter.report(), accessTokenTtlSeconds: auth.opts.accessTokenTtlSeconds }) as unknown as Record<string, number>,
  });
  const ctx = { company: () => company, writer: new RecordWriter(() => company, control, webhooks) };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/_sandbox/pipedrive/webhooks', webhookControlRouter(webhooks));
  app.use('/_sandbox/pipedrive', pipedriveControlRouter(auth, () => company));
  app.use('/_sandbox', control.router());
  app.use(control.middleware());
  app.use(auth.router());
  app.use('/api', auth.middleware(), limiter.middleware());
  app.use(express.json({ limit: '20mb' }));
  // Webhooks before fields: `/api/v1/:fields` would take `/api/v1/webhooks` for an unknown fields collection.
  // Stages before records: `/api/v2/:obj` would answer `stages` as an unknown object.
  app.use(stagesRouter(ctx), searchRouter(ctx), recordsRouter(ctx), recentsRouter(ctx), webhooksRouter(webhooks), fieldsRouter(ctx));
  app.use((req: Request, res: Response) => {
    sendError(res, new PipedriveError(404, `Unknown method ${req.method} ${req.path}`));
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof PipedriveError) return sendError(res, err);
    const e = err as { type?: string; message?: string };
    if (e.type === 'entity.parse.failed') return sendError(res, badRequest(`Invalid JSON body: ${e.message}`));
    if (e.type === 'entity.too.large') return sendError(res, new PipedriveError(413, 'Request body too large'));
    console.error('[pipedrive sandbox]', err);
    sendError(res, serverError());
  });

  const running = await listen(app, control, opts);
  webhooks.host = new URL(running.url).host;
  const store: PipedriveStoreView = {
    all: (object) => company.records.all(object).map((x) => company.render(x)),
    get: (object, id) => {
      const record = company.records.raw(object, id);
      return record ? company.render(record) : undefined;
    },
  };
  return {
    ...running, ...cfg, store, auth, limiter, webhooks, reset,
    close: async () => {
      webhooks.stop();
      await running.close();
    },
  };
}
