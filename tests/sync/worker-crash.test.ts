/**
 * A webhook inbox worker killed mid-run loses no event and applies none twice. The real product pieces: the
 * gateway's webhook endpoint stores HubSpot v3-signed deliveries (hundreds of new contacts, a few phone changes),
 * then `customer-graph worker` runs as a separate OS process against the same database and CRM sandboxes, is
 * killed with SIGKILL once it has committed a couple of batches (the next one in flight), and is started again.
 *
 * One database for both processes: Postgres when DATABASE_URL is set, else a PGlite data folder. PGlite is
 * single-process, so the processes take turns: the gateway closes the folder before the worker starts, and the test
 * opens it only while no worker runs (which also proves the folder survives a SIGKILL).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../cli/app.ts';
import type { RunningApp } from '../../cli/app.ts';
import { signatureV3 } from '../../connectors/hubspot/index.ts';
import { openDatabase } from '../../db/open-database.ts';
import type { DatabaseHandle } from '../../db/open-database.ts';
import { goldenRecords, recordLinks, webhookInbox } from '../../db/schema.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { startHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import type { RunningHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { createFreshDatabase } from '../support/test-database.ts';

const NEW_CONTACTS = 240;
const CHANGED_CONTACTS = 8;
const BATCH = 20;
const WEBHOOK_SECRET = 'worker-crash-secret';
const FIRST = ['Ada', 'Bruno', 'Chidi', 'Dagny', 'Emeka', 'Fiona', 'Goran', 'Hana', 'Ivo', 'Jun', 'Kasia', 'Luca', 'Mina', 'Nils', 'Oona', 'Pavel'];
const LAST = ['Abara', 'Brandt', 'Castell', 'Duval', 'Eriksen', 'Falk', 'Gruber', 'Halloran', 'Ivers', 'Jankowski', 'Kowal', 'Lindqvist', 'Moreau', 'Novak', 'Okafor', 'Petrov'];
const ROOT = path.resolve(import.meta.dirname, '../..');

let salesforce: SalesforceSandbox;
let hubspot: RunningHubSpotSandbox;
let env: Record<string, string>;
let dataDir: string;
let dropDatabase: (() => Promise<void>) | undefined;
const newIds: string[] = [];
const changedPhones = new Map<string, string>();
let totalEvents = 0;

const openShared = (): Promise<DatabaseHandle> => openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir });

const workers: ChildProcess[] = [];

/** `customer-graph worker` in its own process; resolves lines of its JSON log as they come. */
function startWorker(extraEnv: Record<string, string> = {}): { child: ChildProcess; logs: Record<string, unknown>[]; waitFor(pred: (line: Record<string, unknown>) => boolean): Promise<void>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/customer-graph.js'), 'worker'], { cwd: ROOT, env: { ...process.env, ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(child);
  const logs: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  readline.createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    logs.push(line);
    for (const w of [...waiters]) if (w.pred(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child, logs, exited,
    waitFor: (pred) => new Promise<void>((resolve, reject) => {
      if (logs.some(pred)) return resolve();
      waiters.push({ pred, resolve });
      void exited.then((e) => reject(new Error(`worker exited (${e.code ?? e.signal}) before the expected log line; stderr: ${stderr.slice(-2000)}`)));
    }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function postEvents(app: RunningApp, events: Record<string, unknown>[]): Promise<void> {
  const url = `${app.server.url}/webhooks/hubspot`;
  for (let i = 0; i < events.length; i += 50) {
    const body = JSON.stringify(events.slice(i, i + 50));
    const timestamp = String(Date.now());
    const res = await fetch(url, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp, 'x-hubspot-signature-v3': signatureV3(WEBHOOK_SECRET, 'POST', url, body, timestamp) },
    });
    expect(res.status).toBe(200);
  }
}

beforeAll(async () => {
  const seed = generateDemoSeed({ customers: 20 });
  salesforce = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
  hubspot = await startHubSpotSandbox({ port: 0, demoSeed: seed.hubspot });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-worker-crash-'));
  const fresh = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
  dropDatabase = fresh?.drop;
  env = {
    CUSTOMER_GRAPH_DEMO: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0', CUSTOMER_GRAPH_CACHE_TTL_MS: '0', CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
    CUSTOMER_GRAPH_DATA_DIR: dataDir, CUSTOMER_GRAPH_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    SALESFORCE_LOGIN_URL: salesforce.url, SALESFORCE_CLIENT_ID: DEFAULT_CLIENT_ID, SALESFORCE_CLIENT_SECRET: DEFAULT_CLIENT_SECRET,
    HUBSPOT_BASE_URL: hubspot.url, HUBSPOT_ACCESS_TOKEN: 'sandbox-token', HUBSPOT_CLIENT_SECRET: WEBHOOK_SECRET,
    CUSTOMER_GRAPH_INBOX_BATCH_SIZE: String(BATCH), CUSTOMER_GRAPH_INBOX_INTERVAL_MS: '200', LOG_LEVEL: 'debug',
    ...(fresh ? { DATABASE_URL: fresh.url } : {}),
  };

  // The gateway: links what the CRMs hold, then only stores webhooks (its own inbox worker is stopped).
  const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env }), createLogger('test', 'silent'), undefined, { env });
  try {
    await app.sync.inbox.stop();
    const hs = app.connectors.get('hubspot')!;
    const created = await hs.createMany('contacts', Array.from({ length: NEW_CONTACTS }, (_, i) => ({
      fields: { firstname: FIRST[i % FIRST.length], lastname: `${LAST[Math.floor(i / FIRST.length) % LAST.length]}`, email: `crash.${i}@worker-test-${i}.com` },
    })));
    for (const r of created) {
      expect(r.ok).toBe(true);
      newIds.push(r.id!);
    }
    const existing = seed.hubspot.contacts.slice(0, CHANGED_CONTACTS).map((c) => c.id);
    const updated = await hs.updateMany('contacts', existing.map((id, i) => ({ id, fields: { phone: `+1 646 555 01${String(i).padStart(2, '0')}` } })));
    existing.forEach((id, i) => { expect(updated[i]!.ok).toBe(true); changedPhones.set(id, `+164655501${String(i).padStart(2, '0')}`); });
    const now = Date.now();
    const events = [
      ...newIds.map((id, i) => ({ eventId: 700_000 + i, subscriptionType: 'contact.creation', objectId: Number(id), occurredAt: now, attemptNumber: 0 })),
      ...existing.map((id, i) => ({ eventId: 800_000 + i, subscriptionType: 'contact.propertyChange', objectId: Number(id), propertyName: 'phone', occurredAt: now, attemptNumber: 0 })),
    ];
    totalEvents = events.length;
    await postEvents(app, events);
    const stored = await app.database.db.select({ id: webhookInbox.id }).from(webhookInbox);
    expect(stored).toHaveLength(totalEvents);
  } finally {
    await app.close(); // PGlite: the worker must be the only process with the folder open
  }
}, 240_000);

afterAll(async () => {
  // A failed assertion leaves its worker running: none may outlive the test.
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await Promise.allSettled([salesforce?.close(), hubspot?.close()]);
  await dropDatabase?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('inbox worker killed mid-run', () => {
  it('loses no event and applies none twice across a SIGKILL and a restart', async () => {
    // Slow CRM answers keep a batch in flight when the kill lands.
    await fetch(`${hubspot.url}/_sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ fixedMs: 150 }) });
    const first = startWorker();
    let batches = 0;
    await first.waitFor((l) => l.msg === 'webhook events applied' && ++batches >= 2);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // Between the runs (no worker holds the database): some events applied, not all.
    let db = await openShared();
    const processedAfterKill = (await db.db.select({ id: webhookInbox.id, processedAt: webhookInbox.processedAt }).from(webhookInbox)).filter((r) => r.processedAt !== null).length;
    await db.close();
    expect(processedAfterKill).toBeGreaterThanOrEqual(2 * BATCH);
    expect(processedAfterKill).toBeLessThan(totalEvents);

    await fetch(`${hubspot.url}/_sandbox/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    // The restarted worker on a port of its own: health and metrics for orchestrators and Prometheus.
    const port = await freePort();
    const second = startWorker({ CUSTOMER_GRAPH_WORKER_PORT: String(port) });
    await second.waitFor((l) => l.msg === 'webhook inbox drained');
    expect(second.logs.find((l) => l.msg === 'workers running')).toMatchObject({ metrics: `http://127.0.0.1:${port}/metrics` });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // Applying the events read the changed contacts from HubSpot: this worker's calls, counted by its connector.
    expect(metrics).toMatch(/^customer_graph_crm_requests_sent\{crm="hubspot"\} [1-9]\d*$/m);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    db = await openShared();
    try {
      const rows = await db.db.select().from(webhookInbox);
      expect(rows).toHaveLength(totalEvents);
      // Every event applied, each in exactly one committed attempt (the killed batch rolled back, uncounted).
      expect(rows.filter((r) => r.processedAt === null)).toEqual([]);
      expect(rows.filter((r) => r.attempts !== 1).map((r) => ({ eventId: r.eventId, attempts: r.attempts, lastError: r.lastError }))).toEqual([]);
      // Every new contact: exactly one link, to a customer of its own (none missing, none created twice).
      const links = await db.db.select().from(recordLinks).where(and(eq(recordLinks.crm, 'hubspot'), inArray(recordLinks.recordId, newIds)));
      expect(links).toHaveLength(NEW_CONTACTS);
      const goldenIds = new Set(links.map((l) => l.goldenId));
      expect(goldenIds.size).toBe(NEW_CONTACTS);
      const golden = await db.db.select().from(goldenRecords).where(inArray(goldenRecords.id, [...goldenIds]));
      expect(golden.filter((g) => g.status === 'active' && g.entityType === 'Customer' && g.snapshot !== null)).toHaveLength(NEW_CONTACTS);
      const allOfThem = await db.db.select({ goldenId: recordLinks.goldenId }).from(recordLinks).where(inArray(recordLinks.goldenId, [...goldenIds]));
      expect(allOfThem).toHaveLength(NEW_CONTACTS);
      // The changed phones reached the golden records.
      for (const [id, phone] of changedPhones) {
        const [link] = await db.db.select({ goldenId: recordLinks.goldenId }).from(recordLinks).where(and(eq(recordLinks.crm, 'hubspot'), eq(recordLinks.recordId, id)));
        const [row] = await db.db.select({ snapshot: goldenRecords.snapshot }).from(goldenRecords).where(eq(goldenRecords.id, link!.goldenId));
        expect(row!.snapshot).toMatchObject({ phone });
      }
    } finally {
      await db.close();
    }
  }, 300_000);
});
