/**
 * The Salesforce sandbox: a local server speaking Salesforce's REST API v60.0 well enough that an unmodified
 * jsforce cannot tell it from Salesforce. See README.md for the operations and control routes.
 */
import { listen } from '../common/running-sandbox.ts';
import type { RunningSandbox, SandboxStartOptions } from '../common/running-sandbox.ts';
import type { TokenAuthority } from './auth.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN, DEFAULT_TOKEN_TTL_SECONDS } from './auth.ts';
import type { MetadataRegistry } from './describe/metadata.ts';
import type { SalesforceOrg } from './org.ts';
import type { SalesforceSeed } from './records/seed.ts';
import { loadSeed, readSeedDir } from './records/seed.ts';
import { createSalesforceServer } from './server.ts';
import type { RecordStore } from './store.ts';

export type { SalesforceSeed } from './records/seed.ts';
export { SeedError } from './records/seed.ts';
export type { SfRecord, RecordStore } from './store.ts';
export type { CustomFieldSpec } from './describe/metadata.ts';
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN } from './auth.ts';
export { LATEST_VERSION } from './versions.ts';

export interface SalesforceSandboxOptions extends SandboxStartOptions {
  clientId?: string;
  clientSecret?: string;
  /** Refresh token accepted by the refresh_token grant (default `sandbox-refresh-token`). */
  refreshToken?: string;
  /** Daily API request budget (default 15,000). */
  dailyApiLimit?: number;
  /** Access token lifetime (default 7,200 s). */
  tokenTtlSeconds?: number;
  /** Status of the control plane's rate-limit fault: 429 + Retry-After (default) or 403. */
  rateLimitStatus?: 429 | 403;
  /** Publish Change Data Capture events on `/cometd/{version}` (default true; also `PUT /_sandbox/salesforce/streaming`). */
  cdcEnabled?: boolean;
  /** How long `/meta/connect` is held when no event is queued (default 110,000 ms as Salesforce; short in tests). */
  connectHoldMs?: number;
  /** How many of the newest change events stay replayable (default 10,000). */
  cdcRetention?: number;
  /** Answer Bulk API 2.0 query jobs (default true; also `PUT /_sandbox/salesforce/bulk`). */
  bulkQuery?: boolean;
  /** Records to load when no seedDir is given (the shared demo data set passes its records here). */
  demoSeed?: SalesforceSeed;
}

export type SalesforceSandbox = RunningSandbox & {
  /** The org's records, for tests and the demo to inspect (read through `get`/`all`, write through the API). */
  store: RecordStore;
  meta: MetadataRegistry;
  org: SalesforceOrg;
  auth: TokenAuthority;
  /** Expires every access token now (same as `POST /_sandbox/salesforce/expire-tokens`). */
  expireTokens(): void;
};

async function seedOrg(org: SalesforceOrg, opts: SalesforceSandboxOptions, seedDir: string | undefined, initial: boolean): Promise<void> {
  if (seedDir) {
    const { seed, sources } = await readSeedDir(seedDir);
    loadSeed(org, seed, sources);
  } else if (opts.demoSeed && !(initial && opts.empty)) {
    loadSeed(org, opts.demoSeed);
  } else {
    loadSeed(org, {});
  }
}

export async function startSalesforceSandbox(opts: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const server = createSalesforceServer({
    auth: {
      clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
      clientSecret: opts.clientSecret ?? DEFAULT_CLIENT_SECRET,
      refreshTokens: [opts.refreshToken ?? DEFAULT_REFRESH_TOKEN],
      tokenTtlSeconds: opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    },
    dailyApiLimit: opts.dailyApiLimit ?? 15_000,
    rateLimitStatus: opts.rateLimitStatus ?? 429,
    serverErrorStatus: 503,
    streaming: {
      ...(opts.cdcEnabled === undefined ? {} : { enabled: opts.cdcEnabled }),
      ...(opts.connectHoldMs === undefined ? {} : { connectHoldMs: opts.connectHoldMs }),
      ...(opts.cdcRetention === undefined ? {} : { retention: opts.cdcRetention }),
    },
    ...(opts.bulkQuery === undefined ? {} : { bulkQuery: opts.bulkQuery }),
    reset: (org, seedDir) => seedOrg(org, opts, seedDir, false),
  });
  // A malformed seed rejects here, before the port is bound.
  await seedOrg(server.org, opts, opts.seedDir, true);
  const running = await listen(server.app, server.control, opts);
  return {
    ...running,
    store: server.org.store,
    meta: server.org.meta,
    org: server.org,
    auth: server.auth,
    expireTokens: () => void server.auth.expireAll(),
  };
}
