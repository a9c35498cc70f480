/**
 * The gateway under test for the change-latency bench, in a process of its own: the whole app as `npm start` wires
 * it (embedded PGlite in a temporary folder, or a fresh Postgres database when DATABASE_URL is set; the demo CRM
 * sandboxes in their own child process on free ports; linking on start) with change capture on. In `webhook` mode
 * polling is off and the HubSpot sandbox delivers its signed webhooks to this gateway (the demo wiring); in
 * `poll` mode the webhooks are switched off and the poller runs every `pollMs`.
 *
 *   tsx bench/change-latency/gateway-process.ts <webhook|poll> [pollMs] [hubspot|pipedrive]
 *
 * With `pipedrive`, the demo's Pipedrive sandbox runs too and the gateway subscribes to its webhooks.
 *
 * Protocol: lines of ours on stdout start with PREFIX. First `{ url, hubspotUrl, pipedriveUrl, salesforceUrl, driver }`, then one
 * answer per stdin command: `stats` → { subscriptions, rss, maxRss }; `exit` (or a closed stdin) ends the process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { startApp } from '../../cli/app.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { createFreshDatabase } from '../../tests/support/test-database.ts';
import { PREFIX } from './protocol.ts';

const mode = process.argv[2] === 'poll' ? 'poll' : 'webhook';
const pollMs = mode === 'poll' ? String(Number(process.argv[3] ?? 1000)) : '0';
// The CRM changes are made in: HubSpot (signed app webhooks) or Pipedrive (webhooks v2 with Basic credentials).
const crm = process.argv[4] === 'pipedrive' ? 'pipedrive' : 'hubspot';
const reply = (value: unknown) => process.stdout.write(`${PREFIX}${JSON.stringify(value)}\n`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-change-latency-'));
const database = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;

const app = await startApp(
  loadConfig({
    PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir, CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
    CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
    // The native record cache TTL as the environment sets it (default 5 s): payloads are resolved through it.
    ...(process.env.CUSTOMER_GRAPH_CACHE_TTL_MS ? { CUSTOMER_GRAPH_CACHE_TTL_MS: process.env.CUSTOMER_GRAPH_CACHE_TTL_MS } : {}),
    ...(database ? { DATABASE_URL: database.url } : {}),
  }),
  createLogger('bench-change-latency', process.env.LOG_LEVEL ?? 'warn'),
  undefined,
  { env: {
    CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0', CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0', CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: crm === 'pipedrive' ? '0' : 'off', CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: 'off', CUSTOMER_GRAPH_DEMO_ZOHO_PORT: 'off',
    CUSTOMER_GRAPH_POLL_INTERVAL_MS: pollMs,
  } },
);
const hubspotUrl = app.setup.sandboxes!.hubspotUrl;
const pipedriveUrl = app.setup.sandboxes!.pipedriveUrl;
// Pipedrive's subscriptions are made through its API at start, in the background: measured changes come after.
await app.sync.subscribed;
if (mode === 'poll') {
  // Only the poller may bring changes in: the sandboxes stop delivering webhooks (and drop any queued).
  const res = await fetch(`${hubspotUrl}/_sandbox/hubspot/webhooks`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`could not switch the HubSpot sandbox webhooks off: ${res.status}`);
  if (pipedriveUrl) {
    const off = await fetch(`${pipedriveUrl}/_sandbox/pipedrive/webhooks`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"enabled":false}' });
    if (!off.ok) throw new Error(`could not switch the Pipedrive sandbox webhooks off: ${off.status}`);
  }
  // The first round reads everything (no cursor yet); the measured changes come after it.
  await app.sync.poller!.pollNow();
}

// `exit` is followed by stdin closing: both triggers share one shutdown, so the process never exits before the app
// (and with it the sandbox child process) is closed.
let closing: Promise<never> | undefined;
function shutdown(): Promise<never> {
  closing ??= (async () => {
    await app.close().catch(() => {});
    await database?.drop().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  })();
  return closing;
}

reply({ url: app.server.url, hubspotUrl, pipedriveUrl, salesforceUrl: app.setup.sandboxes!.salesforceUrl, driver: app.database.driver, mode, pollMs: Number(pollMs), crm });

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'stats') {
    const m = process.memoryUsage();
    reply({ subscriptions: app.server.subscriptions!.stats(), rss: m.rss, maxRss: process.resourceUsage().maxRSS * 1024 });
  } else if (cmd === 'exit') {
    void shutdown();
  }
});
input.on('close', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
