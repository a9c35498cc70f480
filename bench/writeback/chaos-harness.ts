/**
 * The write-back chaos run, shared by `bench/writeback/chaos.ts` and `tests/writeback/chaos.test.ts`: golden updates
 * queued through the gateway, then `customer-graph worker` run as separate OS processes against CRM sandboxes that
 * fail ~20% of requests (429 with Retry-After, 5xx, timeouts, connection reset AFTER the write was applied), killed
 * with SIGKILL while draining and restarted. At the end: every intended value in each sandbox (ledger), no creates,
 * the outbox settled (nothing pending, in flight or dead), and after change capture (two polls) and convergence
 * planning no new outbox row and no further CRM write (no ping-pong). The sandboxes answer in 50–300 ms while the
 * workers run, so a kill lands in the middle of a drain.
 *
 * The database is shared through DATABASE_URL (Postgres) when given; otherwise an embedded PGlite folder that the
 * gateway, then each worker process, then the checking app open in turn (PGlite serves one process at a time).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../../cli/app.ts';
import type { RunningApp } from '../../cli/app.ts';
import { outboxDepth } from '../../db/writeback-store.ts';
import { writebackOutbox } from '../../db/schema.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { startHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import { startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { pollOnce } from '../../sync/poller.ts';
import { writeBackPlan } from '../../sync/writeback/planner.ts';
import { WRITE_ROUTES, countCalls, pool, readLedger, readStats, root, sandbox } from './gateway-client.ts';
import type { LedgerEntry } from './gateway-client.ts';
import { UPDATE_CUSTOMER, checkFinals, gql, listBothCrmCustomers, planUpdates } from './updates.ts';
import type { BenchCustomer } from './updates.ts';
import { writeBothCrmSeed } from './seed.ts';

export interface ChaosOptions {
  customers: number;
  perCustomer: number;
  /** SIGKILLs delivered to a worker process while it drains. */
  kills: number;
  /** Share of CRM requests that fail, split evenly over the fault kinds (default 0.2). */
  faultRate?: number;
  /** 'all': timeouts in every phase; 'kill-phases': only while workers get killed (a hung call costs the client's 30 s timeout otherwise). */
  timeouts?: 'all' | 'kill-phases' | 'none';
  /** Lease of the worker processes (CUSTOMER_GRAPH_WRITEBACK_LEASE_MS), so a killed worker's rows return soon. */
  leaseMs?: number;
  databaseUrl?: string;
  /** Give up after this long (ms). */
  deadlineMs?: number;
  log?: (msg: string) => void;
}

export interface ChaosReport {
  customers: number;
  fieldUpdates: number;
  outboxRows: number;
  kills: { afterMs: number; ledgerBefore: number; ledgerAtKill: number }[];
  workerStarts: number;
  /** Worker processes that ended on their own (e.g. a start that met too many faults); restarted. */
  selfExits: number;
  crm: Record<'salesforce' | 'hubspot', { writeCalls: number; ledgerEntries: number; records: number; repeats: number; creates: number; deletes: number; faultsSeen: number }>;
  finals: { checked: number; missing: number; examples: unknown[] };
  outbox: Record<string, number>;
  settle: { ledgerBefore: number; ledgerAfter: number; writeCallsBefore: number; writeCallsAfter: number; outboxRowsBefore: number; outboxRowsAfter: number; polledRecords: number; convergenceWrites: number };
  seconds: { enqueue: number; chaos: number; total: number };
}

const ledgerSize = async (crms: Record<string, string>) => (await Promise.all(Object.values(crms).map(readLedger))).reduce((n, l) => n + l.length, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function faultRules(rate: number, timeouts: boolean) {
  const kinds = ['rate-limit', 'server-error', 'reset-after-write', ...(timeouts ? ['timeout'] : [])];
  const each = rate / kinds.length;
  // Rules are tried in order, each with its own chance: scaled so every kind fails `each` of all requests.
  return kinds.map((kind, i) => ({ kind, rate: each / (1 - each * i), retryAfterSeconds: 1 }));
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const deadline = Date.now() + (opts.deadlineMs ?? 20 * 60_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-chaos-'));
  writeBothCrmSeed(path.join(work, 'seed'), Math.ceil(opts.customers * 1.1) + 5);
  const sf = await startSalesforceSandbox({ seedDir: path.join(work, 'seed') });
  const hs = await startHubSpotSandbox({ seedDir: path.join(work, 'seed') });
  const crms = { salesforce: sf.url, hubspot: hs.url };
  await sandbox(sf.url, 'PUT', 'limits', { dailyApiLimit: 1e9, apiUsage: 0 });
  await sandbox(hs.url, 'PUT', 'limits', { tenSecondLimit: 1e9, dailyLimit: 1e9 });
  const env: Record<string, string> = {
    SALESFORCE_LOGIN_URL: sf.url, SALESFORCE_CLIENT_ID: 'customer-graph', SALESFORCE_CLIENT_SECRET: 'sandbox',
    HUBSPOT_ACCESS_TOKEN: 'sandbox-token', HUBSPOT_BASE_URL: hs.url,
    CUSTOMER_GRAPH_DEMO: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0', CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0', CUSTOMER_GRAPH_CACHE_TTL_MS: '0',
    CUSTOMER_GRAPH_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    CUSTOMER_GRAPH_WRITEBACK_LEASE_MS: String(opts.leaseMs ?? 2000),
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATABASE_URL: '', CUSTOMER_GRAPH_DATA_DIR: path.join(work, 'data') }),
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', APOLLO_TELEMETRY_DISABLED: 'true',
  };
  const open = (linkOnStart: boolean) => startApp(loadConfig(env), createLogger('chaos', 'silent'), undefined, { env, linkOnStart });
  let app: RunningApp | undefined;
  let child: ChildProcess | undefined;
  try {
    // 1. Queue every update through the golden API, worker held.
    app = await open(true);
    await app.writebackWorker.stop();
    log(`gateway up, records linked (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const url = `${app.server.url}/graphql`;
    const customers: BenchCustomer[] = (await listBothCrmCustomers(url)).slice(0, opts.customers);
    if (customers.length < opts.customers) throw new Error(`only ${customers.length} customers are in both CRMs`);
    const { waves, finals } = planUpdates(customers, opts.perCustomer, `chaos${Date.now() % 100000}`);
    for (const wave of waves) await pool(wave, 8, async (u) => void (await gql(url, UPDATE_CUSTOMER, { id: u.customerId, input: u.input })));
    const outboxRows = (await app.database.db.select({ id: writebackOutbox.id }).from(writebackOutbox)).length;
    await app.close();
    app = undefined;
    const enqueued = performance.now();
    log(`${waves.length * customers.length} updates of ${customers.length} customers queued: ${outboxRows} outbox rows`);
    for (const base of Object.values(crms)) { await sandbox(base, 'DELETE', 'ledger'); await sandbox(base, 'POST', 'stats/reset'); }

    // 2. Workers as OS processes under faults, killed while draining.
    const setFaults = (timeouts: boolean) => Promise.all(Object.values(crms).map((b) => sandbox(b, 'PUT', 'faults', faultRules(opts.faultRate ?? 0.2, timeouts))));
    // Some CRM latency, so a drain lasts long enough for a kill to land in the middle of it.
    await Promise.all(Object.values(crms).map((b) => sandbox(b, 'PUT', 'latency', { minMs: 50, maxMs: 300 })));
    let workerStarts = 0;
    let selfExits = 0;
    const spawnWorker = () => {
      workerStarts++;
      const proc = spawn(process.execPath, [path.join(root, 'bin/customer-graph.js'), 'worker'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const ready = new Promise<void>((resolve) => {
        const onData = (d: Buffer) => { output = (output + d.toString()).slice(-4000); if (output.includes('workers running')) resolve(); };
        proc.stdout!.on('data', onData);
        proc.stderr!.on('data', onData);
      });
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      return { proc, ready, exited, output: () => output };
    };
    const kills: ChaosReport['kills'] = [];
    await setFaults(opts.timeouts !== 'none');
    while (kills.length < opts.kills) {
      if (Date.now() > deadline) throw new Error('chaos run past its deadline during the kill phases');
      const w = spawnWorker();
      child = w.proc;
      const started = Date.now();
      const ended = await Promise.race([w.ready.then(() => false), w.exited.then(() => true)]);
      if (ended) { selfExits++; log(`worker ended on its own before it was ready: ${w.output().slice(-300)}`); continue; }
      log(`worker ${workerStarts} ready after ${Date.now() - started} ms`);
      const before = await ledgerSize(crms);
      // Kill once this worker has applied a write (it is draining), or after 3 s of faults without one.
      for (const until = Date.now() + 3000; Date.now() < until && (await ledgerSize(crms)) === before && w.proc.exitCode === null;) await sleep(50);
      await sleep(Math.random() * 300);
      if (w.proc.exitCode !== null) { selfExits++; continue; }
      w.proc.kill('SIGKILL');
      await w.exited;
      kills.push({ afterMs: Date.now() - started, ledgerBefore: before, ledgerAtKill: await ledgerSize(crms) });
      log(`SIGKILL ${kills.length}/${opts.kills} after ${Date.now() - started} ms (ledger ${before} → ${kills.at(-1)!.ledgerAtKill})`);
    }
    // 3. The last worker drains under faults until every intended value is in both CRMs, then stops cleanly.
    await setFaults(opts.timeouts === 'all');
    log('final worker: drains until every value is in both CRMs');
    let last = spawnWorker();
    child = last.proc;
    for (;;) {
      const ledgers = { salesforce: await readLedger(sf.url), hubspot: await readLedger(hs.url) };
      if (checkFinals(customers, finals, ledgers).missing.length === 0) break;
      if (Date.now() > deadline) break;
      if (last.proc.exitCode !== null) { selfExits++; log(`worker ended on its own: ${last.output().slice(-300)}`); last = spawnWorker(); child = last.proc; }
      await sleep(250);
    }
    await Promise.all(Object.values(crms).map(async (b) => { await sandbox(b, 'DELETE', 'faults'); await sandbox(b, 'PUT', 'latency', {}); }));
    if (last.proc.exitCode === null) last.proc.kill('SIGTERM');
    await last.exited;
    child = undefined;
    const chaosDone = performance.now();

    log(`chaos phases done in ${((chaosDone - enqueued) / 1000).toFixed(1)} s`);
    // 4. One app again (its own worker settles what is left, e.g. rows whose write landed but whose answer was lost).
    app = await open(false);
    let depth = await outboxDepth(app.database.db);
    while ((depth.pending || depth.in_flight) && Date.now() < deadline) { await sleep(200); depth = await outboxDepth(app.database.db); }
    const [sfLedger, hsLedger] = [await readLedger(sf.url), await readLedger(hs.url)];
    const finalCheck = checkFinals(customers, finals, { salesforce: sfLedger, hubspot: hsLedger });

    log(`outbox settled: ${JSON.stringify(depth)}`);
    // 5. Settling: change capture reads back everything we wrote, convergence plans; nothing new may be queued or sent.
    const writes = async () => countCalls(await readStats(sf.url), WRITE_ROUTES.salesforce) + countCalls(await readStats(hs.url), WRITE_ROUTES.hubspot);
    const rowsNow = async () => (await app!.database.db.select({ id: writebackOutbox.id }).from(writebackOutbox)).length;
    const before = { ledger: await ledgerSize(crms), writes: await writes(), rows: await rowsNow() };
    const ctx = { db: app.database.db, config: app.mappingConfig(), connectors: app.connectors, connectorIds: new Map([['salesforce', 'salesforce'], ['hubspot', 'hubspot']]) };
    let polledRecords = 0;
    polledRecords += (await pollOnce(ctx)).records;
    await app.sync.inbox.drain();
    const connectorsById = new Map([['salesforce', app.connectors.get('salesforce')!], ['hubspot', app.connectors.get('hubspot')!]]);
    let convergenceWrites = 0;
    await pool(customers, 4, async (c) => {
      const plan = await writeBackPlan({ db: app!.database.db, getConfig: () => app!.mappingConfig(), connectors: connectorsById }, 'Customer', c.id);
      // Only the fields written here: the demo records disagree on others (Street vs St.), which convergence may fix.
      const ours = plan.writes.filter((w) => w.field in (finals.get(c.id) ?? {}));
      convergenceWrites += ours.length;
      if (ours.length) log(`convergence would write ${JSON.stringify(ours.map((w) => [w.crm, w.nativeField, w.value, w.current]))}`);
    });
    await sleep(1500); // a few worker rounds
    polledRecords += (await pollOnce(ctx)).records;
    await sleep(1500);
    const after = { ledger: await ledgerSize(crms), writes: await writes(), rows: await rowsNow() };
    depth = await outboxDepth(app.database.db);

    const crmReport = async (base: string, ledger: LedgerEntry[], re: RegExp) => {
      const stats = await readStats(base);
      let repeats = 0;
      const state = new Map<string, string>();
      for (const e of [...ledger].sort((a, b) => a.seq - b.seq)) {
        const key = `${e.recordId}|${JSON.stringify(e.fields)}`;
        if (state.get(e.recordId) === key) repeats++;
        state.set(e.recordId, key);
      }
      return {
        writeCalls: countCalls(stats, re), ledgerEntries: ledger.length, records: new Set(ledger.map((e) => e.recordId)).size, repeats,
        creates: ledger.filter((e) => e.operation === 'create' || e.operation === 'upsert').length, deletes: ledger.filter((e) => e.operation === 'delete').length,
        faultsSeen: 0,
      };
    };
    return {
      customers: customers.length, fieldUpdates: waves.length * customers.length, outboxRows, kills, workerStarts, selfExits,
      crm: { salesforce: await crmReport(sf.url, sfLedger, WRITE_ROUTES.salesforce), hubspot: await crmReport(hs.url, hsLedger, WRITE_ROUTES.hubspot) },
      finals: { checked: finalCheck.checked, missing: finalCheck.missing.length, examples: finalCheck.missing.slice(0, 5) },
      outbox: depth,
      settle: {
        ledgerBefore: before.ledger, ledgerAfter: after.ledger, writeCallsBefore: before.writes, writeCallsAfter: after.writes,
        outboxRowsBefore: before.rows, outboxRowsAfter: after.rows, polledRecords, convergenceWrites,
      },
      seconds: { enqueue: (enqueued - t0) / 1000, chaos: (chaosDone - enqueued) / 1000, total: (performance.now() - t0) / 1000 },
    };
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await app?.close().catch(() => {});
    await sf.close();
    await hs.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
