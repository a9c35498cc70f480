/**
 * The backfill bench's measurement: CRM sandboxes in a child process of their own, seeded through the control plane
 * (`POST /_sandbox/reset` with a bulk seed folder), then the real `customer-graph sync --backfill` as a process
 * against a fresh database, once per scenario (Salesforce alone, HubSpot alone, both; Pipedrive alone, all three).
 * The Pipedrive sandbox is started only when a scenario needs it, so the older scenarios run as they always did. Calls are what the sandboxes
 * counted (`/_sandbox/stats`, reset before each run), split into page reads, token calls and metadata. The Dynamics 365
 * sandbox (scenarios `dynamics`, `all4`) and the Zoho CRM sandbox (`zoho`, `all5`) likewise start only when asked for. After each
 * run, the first change poll on its database (first-poll.ts): what `customer-graph start` reads next. With `restart`,
 * `customer-graph start` itself on that database, with the start-time link run `always` and `auto` (restart.ts).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_ZOHO_AUTH } from '../../cli/demo-sandboxes.ts';
import { startSandboxProcess } from '../../cli/sandbox-process.ts';
import { createFreshDatabase } from '../../tests/support/test-database.ts';
import { writeBulkSeed } from './bulk-seed.ts';
import type { BulkSeedCounts } from './bulk-seed.ts';
import { measureFirstPoll } from './first-poll.ts';
import type { FirstPoll } from './first-poll.ts';
import { measureRestarts } from './restart.ts';
import type { StartRun } from './restart.ts';
import { writeDynamicsSeed } from './dynamics-seed.ts';
import type { DynamicsSeedCounts } from './dynamics-seed.ts';
import { writePipedriveSeed } from './pipedrive-seed.ts';
import type { PipedriveSeedCounts } from './pipedrive-seed.ts';
import { writeZohoSeed } from './zoho-seed.ts';
import type { ZohoSeedCounts } from './zoho-seed.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** The Pipedrive sandbox's default API token (sandboxes/pipedrive/README.md). */
export const PIPEDRIVE_SANDBOX_TOKEN = 'sandbox-pipedrive-token';
/** The Dynamics sandbox's default Entra ID app registration (sandboxes/dynamics/README.md, DYNAMICS_SANDBOX_DEFAULTS). */
export const DYNAMICS_SANDBOX_AUTH = { tenantId: 'sandbox-tenant', clientId: 'customer-graph', clientSecret: 'sandbox-dynamics-secret' } as const;

/** The Zoho sandbox's self client and refresh token (sandboxes/zoho/README.md, ZOHO_SANDBOX_DEFAULTS). */
export const ZOHO_SANDBOX_AUTH = DEMO_ZOHO_AUTH;

export type Crm = 'salesforce' | 'hubspot' | 'pipedrive' | 'dynamics' | 'zoho';
/** Each scenario and the CRMs its run configures. */
export const SCENARIO_CRMS = {
  salesforce: ['salesforce'],
  hubspot: ['hubspot'],
  both: ['salesforce', 'hubspot'],
  pipedrive: ['pipedrive'],
  all: ['salesforce', 'hubspot', 'pipedrive'],
  // A scenario of its own rather than a fourth CRM in `all`: `all` keeps the three-CRM run its recorded numbers
  // (docs/backfill-bench.md) were measured on, so old and new runs of it stay comparable.
  dynamics: ['dynamics'],
  all4: ['salesforce', 'hubspot', 'pipedrive', 'dynamics'],
  // Likewise Zoho: `all4` stays the four-CRM run.
  zoho: ['zoho'],
  all5: ['salesforce', 'hubspot', 'pipedrive', 'dynamics', 'zoho'],
} as const satisfies Record<string, readonly Crm[]>;
export type Scenario = keyof typeof SCENARIO_CRMS;

/**
 * Largest page each CRM serves: a SOQL query page (batchSize ≤ 2,000), a HubSpot CRM v3 list page (limit ≤ 100) and
 * a Pipedrive v2 list page (limit ≤ 500), a Dataverse Web API page (`Prefer: odata.maxpagesize` ≤ 5,000) and a Zoho
 * CRM v8 list page (`per_page` ≤ 200).
 */
export const CRM_PAGE_SIZE: Record<Crm, number> = { salesforce: 2000, hubspot: 100, pipedrive: 500, dynamics: 5000, zoho: 200 };
/** The mapped objects the backfill reads (default mapping configuration), by CRM. */
const MAPPED: Record<Crm, string[]> = {
  salesforce: ['Contact', 'Account', 'Opportunity'], hubspot: ['contacts', 'companies', 'deals'], pipedrive: ['persons', 'organizations', 'deals'],
  dynamics: ['contacts', 'accounts', 'opportunities'], zoho: ['Contacts', 'Accounts', 'Deals'],
};
/** The list route a CRM's sandbox counts a page read under (`/_sandbox/stats` keys). */
const PAGE_ROUTE: Record<Crm, RegExp> = {
  // A Bulk API 2.0 results chunk is a page too; the job's create, status reads and delete are other calls.
  salesforce: /^GET \/services\/data\/vXX\.X\/(query(\/:locator)?|jobs\/query\/:id\/results)$/,
  hubspot: /^GET \/crm\/v3\/objects\/[a-z_]+$/,
  pipedrive: /^GET \/api\/v2\/(persons|organizations|deals)$/,
  // A nextLink is the same route with a $skiptoken; a row by key (`contacts(<guid>)`) keeps its key and is no page.
  dynamics: /^GET \/api\/data\/vXX\.X\/(contacts|accounts|opportunities)$/,
  // Page 1 and every `page_token` page alike; a record by id (`/Contacts/:id`) and `/Contacts/deleted` are no pages.
  zoho: /^GET \/crm\/v8\/(Contacts|Accounts|Deals)$/,
};
/**
 * CRMs whose clock probe before the read (`latestChangeAt`, sync/backfill-cursors.ts: one `$top=1` / `limit=1` list
 * call per object) shares the list route with the pages: one call per object is metadata, not a page.
 */
const PROBE_ON_PAGE_ROUTE: ReadonlySet<Crm> = new Set(['pipedrive', 'dynamics', 'zoho']);

export type BenchSeedCounts = BulkSeedCounts & { pipedrive: PipedriveSeedCounts; dynamics: DynamicsSeedCounts; zoho: ZohoSeedCounts };

export interface CrmCalls {
  records: number;
  /** Query / list page calls. */
  pageCalls: number;
  /** The fewest page calls the CRM's page size allows: ceil(records / page size) per object, at least one each. */
  floorCalls: number;
  tokenCalls: number;
  /** Describe, property catalog and anything else. */
  otherCalls: number;
  routes: Record<string, number>;
  /**
   * Pipedrive only: calls the sandbox refused (429 over the burst limit, 401) and so did not charge to the token's
   * daily budget — the `/api` calls it counted minus what the budget's use grew by.
   */
  refusedCalls?: number;
}

export interface RunResult {
  scenario: Scenario;
  driver: 'pglite' | 'postgres';
  exitCode: number;
  /** Records read as the CLI reports them. */
  recordsRead: number;
  goldenCreated: number;
  linksCreated: number;
  /** Backfill time the CLI reports (after start-up), and the process' wall time. */
  backfillSeconds: number;
  wallSeconds: number;
  /** 1-minute load average of the machine when the CLI started and when it exited: times here follow the load. */
  load: { start: number; end: number };
  peakRssBytes: number;
  crms: Partial<Record<Crm, CrmCalls>>;
  /**
   * With `rerun`: the same CLI run again on the backfill's database (its own calls not counted above). A backfill is
   * idempotent, so it reads every record again and creates no golden record and no link.
   */
  rerun?: { exitCode: number; recordsRead: number; goldenCreated: number; linksCreated: number; backfillSeconds: number };
  /** The change poll round run on the backfill's database after the CLI exited (first-poll.ts); absent if it failed. */
  firstPoll?: FirstPoll;
  /** With `restart`: `customer-graph start` on the backfill's database, reading everything and as planned (restart.ts). */
  restart?: { always: StartRun; auto: StartRun };
  stderr: string;
}

export interface BackfillBenchOptions {
  /** People per CRM (Salesforce Contacts = HubSpot contacts = people; companies = people / 5 on each side). */
  people: number;
  scenarios: Scenario[];
  /** Postgres server: each run gets a fresh database on it (created and dropped). Default: fresh PGlite folders. */
  databaseUrl?: string;
  /** CUSTOMER_GRAPH_POLL_INTERVAL_MS for the CLI: default '0' (off); '' keeps the CLI's own default (15 s). */
  pollIntervalMs?: string;
  /**
   * Milliseconds the sandboxes wait before answering each call (`PUT /_sandbox/latency`), to stand in for a real
   * CRM's round trip; default 0 (loopback: a page costs a few ms, far less than against a real CRM).
   */
  latencyMs?: number;
  /**
   * False: the Salesforce sandbox refuses Bulk API 2.0 query jobs (`PUT /_sandbox/salesforce/bulk {enabled: false}`),
   * so full reads page REST `/query` as before Bulk was used (one refused job create per object of 10,000+ records).
   */
  salesforceBulk?: boolean;
  /** Run each scenario's backfill a second time on the same database (RunResult.rerun) before the first poll. */
  rerun?: boolean;
  /** After the first poll, `customer-graph start` on the backfill's database with LINK_ON_START `always`, then `auto`. */
  restart?: boolean;
  log?: (msg: string) => void;
}

export interface BackfillBenchReport {
  people: number;
  latencyMs: number;
  seed: BenchSeedCounts;
  runs: RunResult[];
}

async function control(base: string, method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/_sandbox/${route}`, {
    method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${base}/_sandbox/${route}: ${res.status} ${await res.text()}`);
  return res.json();
}

function seededRecords(seed: BenchSeedCounts, crm: Crm): Record<string, number> {
  if (crm === 'salesforce') return { Contact: seed.salesforce.Contact, Account: seed.salesforce.Account, Opportunity: seed.salesforce.Opportunity };
  return { ...seed[crm] };
}

/** The Pipedrive sandbox's daily budget use so far (summed over credentials): only calls it answered count. */
async function pipedriveDailyUsed(base: string): Promise<number> {
  return ((await control(base, 'GET', 'limits')) as { daily: { used: number } }).daily.used;
}

/** Calls to `/api` routes the sandbox counted that its rate limiter did not charge: the refused ones. */
export function refusedCalls(routes: Record<string, number>, charged: number): number {
  const apiCalls = Object.entries(routes).filter(([route]) => / \/api\//.test(route)).reduce((n, [, c]) => n + c, 0);
  return apiCalls - charged;
}

/** Splits a sandbox's route counts into page reads, token calls and the rest. */
export function classifyCalls(crm: Crm, routes: Record<string, number>, perObject: Record<string, number>): CrmCalls {
  let pageCalls = 0;
  let tokenCalls = 0;
  let otherCalls = 0;
  for (const [route, n] of Object.entries(routes)) {
    if (/oauth|token/i.test(route)) tokenCalls += n;
    else if (PAGE_ROUTE[crm].test(route)) {
      // Pipedrive's, Dynamics' and Zoho's clock probe before the read (latestChangeAt: one `limit=1` / `$top=1` / `per_page=1` list call per
      // object, see sync/backfill-cursors.ts) shares the list route; it is metadata, as Salesforce's queryAll and
      // HubSpot's search probes are, so one call per object goes to the other calls.
      const probe = PROBE_ON_PAGE_ROUTE.has(crm) ? Math.min(n, 1) : 0;
      pageCalls += n - probe;
      otherCalls += probe;
    } else otherCalls += n;
  }
  const records = MAPPED[crm].reduce((sum, o) => sum + (perObject[o] ?? 0), 0);
  const floorCalls = MAPPED[crm].reduce((sum, o) => sum + Math.max(1, Math.ceil((perObject[o] ?? 0) / CRM_PAGE_SIZE[crm])), 0);
  return { records, pageCalls, floorCalls, tokenCalls, otherCalls, routes };
}

/** The CLI as a process; its peak RSS is written by a one-line preload on exit (resourceUsage().maxRSS, in KiB). */
async function runCli(env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string; wallSeconds: number; peakRssBytes: number }> {
  const rssFile = path.join(os.tmpdir(), `cg-bench-backfill-rss-${process.pid}-${Date.now()}`);
  const probe = `data:text/javascript,import fs from "node:fs";process.on("exit",()=>fs.writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)))`;
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', probe, path.join(root, 'bin/customer-graph.js'), 'sync', '--backfill'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  const wallSeconds = (performance.now() - started) / 1000;
  const peakRssBytes = fs.existsSync(rssFile) ? Number(fs.readFileSync(rssFile, 'utf8')) * 1024 : NaN;
  fs.rmSync(rssFile, { force: true });
  return { code, stdout, stderr, wallSeconds, peakRssBytes };
}

/** The environment of one run: only the scenario's CRMs configured, no demo, no change polling, no metadata refresh. */
function cliEnv(scenario: Scenario, urls: Partial<Record<Crm, string>>, dataDir: string, databaseUrl: string | undefined, pollIntervalMs = '0'): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SALESFORCE_|HUBSPOT_|PIPEDRIVE_|DYNAMICS_|ZOHO_|DATABASE_URL$|CUSTOMER_GRAPH_)/.test(k)) env[k] = v;
  Object.assign(env, {
    CUSTOMER_GRAPH_DATA_DIR: dataDir,
    CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
    CUSTOMER_GRAPH_DEMO: 'off',
    // The backfill is what is measured: a poll round or a metadata refresh during it would add CRM calls of their own.
    ...(pollIntervalMs === '' ? {} : { CUSTOMER_GRAPH_POLL_INTERVAL_MS: pollIntervalMs }),
    CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
    APOLLO_TELEMETRY_DISABLED: 'true',
    LOG_LEVEL: 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const crms: readonly Crm[] = SCENARIO_CRMS[scenario];
  if (crms.includes('salesforce')) Object.assign(env, { SALESFORCE_LOGIN_URL: urls.salesforce, SALESFORCE_CLIENT_ID: 'customer-graph', SALESFORCE_CLIENT_SECRET: 'sandbox' });
  if (crms.includes('hubspot')) Object.assign(env, { HUBSPOT_ACCESS_TOKEN: 'sandbox-token', HUBSPOT_BASE_URL: urls.hubspot });
  // The sandbox's default API token: no token calls, and the default burst limit (80 calls / 2 s) applies to it.
  if (crms.includes('pipedrive')) Object.assign(env, { PIPEDRIVE_API_TOKEN: PIPEDRIVE_SANDBOX_TOKEN, PIPEDRIVE_BASE_URL: urls.pipedrive });
  // Client credentials of the sandbox's app registration; the sandbox serves the token endpoint on its own URL.
  if (crms.includes('dynamics')) {
    Object.assign(env, {
      DYNAMICS_URL: urls.dynamics, DYNAMICS_AUTHORITY_URL: urls.dynamics, DYNAMICS_TENANT_ID: DYNAMICS_SANDBOX_AUTH.tenantId,
      DYNAMICS_CLIENT_ID: DYNAMICS_SANDBOX_AUTH.clientId, DYNAMICS_CLIENT_SECRET: DYNAMICS_SANDBOX_AUTH.clientSecret,
    });
  }
  // The sandbox's self client and refresh token; its URL is both the API domain and the accounts server. No
  // ZOHO_WEBHOOK_TOKEN: the backfill subscribes to no notifications.
  if (crms.includes('zoho')) {
    Object.assign(env, {
      ZOHO_API_DOMAIN: urls.zoho, ZOHO_ACCOUNTS_URL: urls.zoho, ZOHO_CLIENT_ID: ZOHO_SANDBOX_AUTH.clientId,
      ZOHO_CLIENT_SECRET: ZOHO_SANDBOX_AUTH.clientSecret, ZOHO_REFRESH_TOKEN: ZOHO_SANDBOX_AUTH.refreshToken,
    });
  }
  return env;
}

/** The CLI once more on a backfilled database: what it read and created. */
async function rerunCli(env: NodeJS.ProcessEnv): Promise<NonNullable<RunResult['rerun']>> {
  const out = await runCli(env);
  const summary = parseSummary(out.stdout);
  return {
    exitCode: out.code, recordsRead: summary?.recordsRead ?? 0, goldenCreated: summary?.goldenCreated ?? NaN,
    linksCreated: summary?.linksCreated ?? NaN, backfillSeconds: summary?.seconds ?? NaN,
  };
}

/** `Backfill done in 12.3 s: 48000 records read (3902/s), 30000 golden records created, 48000 links created, …` */
export function parseSummary(stdout: string): { seconds: number; recordsRead: number; goldenCreated: number; linksCreated: number } | undefined {
  const m = /Backfill done in ([\d.]+) s: (\d+) records read .*?, (\d+) golden records created, (\d+) links created/.exec(stdout);
  return m ? { seconds: Number(m[1]), recordsRead: Number(m[2]), goldenCreated: Number(m[3]), linksCreated: Number(m[4]) } : undefined;
}

export async function runBackfillBench(opts: BackfillBenchOptions): Promise<BackfillBenchReport> {
  const log = opts.log ?? (() => {});
  const seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-backfill-seed-'));
  const seed: BenchSeedCounts = {
    ...writeBulkSeed(seedDir, opts.people), pipedrive: writePipedriveSeed(seedDir, opts.people), dynamics: writeDynamicsSeed(seedDir, opts.people),
    zoho: writeZohoSeed(seedDir, opts.people),
  };
  log(`seed: ${JSON.stringify(seed)}`);
  const wanted = (crm: Crm) => opts.scenarios.some((s) => (SCENARIO_CRMS[s] as readonly Crm[]).includes(crm));
  const sandboxes = await startSandboxProcess([
    '--salesforce-port', '0', '--hubspot-port', '0', '--pipedrive-port', wanted('pipedrive') ? '0' : 'off', '--dynamics-port', wanted('dynamics') ? '0' : 'off',
    '--zoho-port', wanted('zoho') ? '0' : 'off',
  ]);
  const urls: Partial<Record<Crm, string>> = {
    salesforce: sandboxes.salesforceUrl, hubspot: sandboxes.hubspotUrl, ...(sandboxes.pipedriveUrl ? { pipedrive: sandboxes.pipedriveUrl } : {}),
    ...(sandboxes.dynamicsUrl ? { dynamics: sandboxes.dynamicsUrl } : {}), ...(sandboxes.zohoUrl ? { zoho: sandboxes.zohoUrl } : {}),
  };
  const runs: RunResult[] = [];
  try {
    // Seeding through the control plane: the sandboxes drop the demo set and load the bulk folder.
    for (const base of Object.values(urls)) await control(base, 'POST', 'reset', { seedDir });
    if (opts.latencyMs) for (const base of Object.values(urls)) await control(base, 'PUT', 'latency', { fixedMs: opts.latencyMs });
    if (opts.salesforceBulk === false && urls.salesforce) await control(urls.salesforce, 'PUT', 'salesforce/bulk', { enabled: false });
    for (const scenario of opts.scenarios) {
      for (const base of Object.values(urls)) await control(base, 'POST', 'stats/reset');
      const pipedriveUsedBefore = urls.pipedrive ? await pipedriveDailyUsed(urls.pipedrive) : 0;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-backfill-data-'));
      const database = opts.databaseUrl ? await createFreshDatabase(opts.databaseUrl) : undefined;
      log(`${scenario}: sync --backfill on ${database ? 'a fresh Postgres database' : 'a fresh PGlite folder'}`);
      try {
        const loadAtStart = os.loadavg()[0]!;
        const out = await runCli(cliEnv(scenario, urls, dataDir, database?.url, opts.pollIntervalMs));
        const load = { start: loadAtStart, end: os.loadavg()[0]! };
        const summary = parseSummary(out.stdout);
        const crms: RunResult['crms'] = {};
        const crmsRun: readonly Crm[] = SCENARIO_CRMS[scenario];
        for (const crm of crmsRun) {
          const stats = (await control(urls[crm]!, 'GET', 'stats')) as { routes: Record<string, number> };
          crms[crm] = classifyCalls(crm, stats.routes, seededRecords(seed, crm));
        }
        if (crms.pipedrive) crms.pipedrive.refusedCalls = refusedCalls(crms.pipedrive.routes, (await pipedriveDailyUsed(urls.pipedrive!)) - pipedriveUsedBefore);
        const rerun = opts.rerun && out.code === 0 ? await rerunCli(cliEnv(scenario, urls, dataDir, database?.url, opts.pollIntervalMs)) : undefined;
        const firstPoll = out.code === 0 ? await measureFirstPoll({ crms: [...crmsRun], urls, dataDir, databaseUrl: database?.url, control }) : undefined;
        const restart = opts.restart && out.code === 0
          ? await measureRestarts({
            env: cliEnv(scenario, urls, dataDir, database?.url), crms: crmsRun, urls, control,
            classify: (crm, routes) => classifyCalls(crm, routes, seededRecords(seed, crm)),
          })
          : undefined;
        runs.push({
          scenario, driver: database ? 'postgres' : 'pglite', exitCode: out.code,
          recordsRead: summary?.recordsRead ?? 0, goldenCreated: summary?.goldenCreated ?? 0, linksCreated: summary?.linksCreated ?? 0,
          backfillSeconds: summary?.seconds ?? NaN, wallSeconds: out.wallSeconds, load, peakRssBytes: out.peakRssBytes, crms,
          ...(rerun ? { rerun } : {}), ...(firstPoll ? { firstPoll } : {}), ...(restart ? { restart } : {}),
          stderr: out.stderr.slice(-4000),
        });
        for (const s of restart ? [restart.always, restart.auto] : []) {
          log(`${scenario}: start (${s.mode}) ${s.ready ? `ready in ${s.readySeconds.toFixed(1)} s` : 'never ready'}, ${s.recordsRead} records read, ${s.pageCalls} page calls, exit ${s.exitCode}`);
        }
        if (firstPoll) log(`${scenario}: first change poll after it read ${firstPoll.records} records in ${firstPoll.seconds.toFixed(1)} s (calls ${JSON.stringify(firstPoll.calls)})`);
        if (out.code !== 0 || !summary) log(`${scenario}: exit ${out.code}\n${out.stdout.slice(-2000)}\n${out.stderr.slice(-2000)}`);
        else log(`${scenario}: ${summary.recordsRead} records in ${summary.seconds} s (process ${out.wallSeconds.toFixed(1)} s; load ${load.start.toFixed(1)} → ${load.end.toFixed(1)})`);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
        await database?.drop();
      }
    }
  } finally {
    await sandboxes.stop();
    fs.rmSync(seedDir, { recursive: true, force: true });
  }
  return { people: opts.people, latencyMs: opts.latencyMs ?? 0, seed, runs };
}
