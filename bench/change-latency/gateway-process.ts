/**
 * The gateway under test for the change-latency bench, in a process of its own: the whole app as `npm start` wires
 * it (embedded PGlite in a temporary folder, or a fresh Postgres database when DATABASE_URL is set; the demo CRM
 * sandboxes in their own child process on free ports; linking on start) with change capture on. In `webhook` mode
 * polling is off and the changes come through the CRM's push path (bench/change-latency/crm-changes.ts: HubSpot
 * signed webhooks, Pipedrive webhooks, the Salesforce CDC stream, Dynamics 365 webhooks, Zoho CRM notifications, as
 * the demo wires them); in `poll` mode the push is switched off (the sandbox's delivery, or for Salesforce
 * CUSTOMER_GRAPH_SALESFORCE_CDC=off) and the poller runs every `pollMs`.
 *
 *   tsx bench/change-latency/gateway-process.ts <webhook|poll> [pollMs] [hubspot|pipedrive|salesforce|dynamics|zoho]
 *
 * The Salesforce and HubSpot sandboxes always run (the demo's base set); Pipedrive, Dynamics 365 or Zoho CRM only
 * when it is the CRM the changes are made in.
 *
 * Protocol: lines of ours on stdout start with PREFIX. First `{ url, hubspotUrl, pipedriveUrl, salesforceUrl, dynamicsUrl, zohoUrl, driver }`, then one
 * answer per stdin command: `stats` → { subscriptions, streams (CRMs whose change stream is open), rss, maxRss }; `exit` (or a closed stdin) ends the process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { startApp } from '../../cli/app.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { createFreshDatabase } from '../../tests/support/test-database.ts';
import { isLatencyCrm, switchPushOff } from './crm-changes.ts';
import type { LatencyCrm } from './crm-changes.ts';
import { PREFIX } from './protocol.ts';

const mode = process.argv[2] === 'poll' ? 'poll' : 'webhook';
const pollMs = mode === 'poll' ? String(Number(process.argv[3] ?? 1000)) : '0';
// The CRM the changes are made in (default HubSpot).
const crmArg = process.argv[4] ?? '';
const crm: LatencyCrm = isLatencyCrm(crmArg) ? crmArg : 'hubspot';
const sandboxPort = (of: string) => (crm === of ? '0' : 'off');
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
    CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0', CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0', CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: sandboxPort('pipedrive'),
    CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: sandboxPort('dynamics'), CUSTOMER_GRAPH_DEMO_ZOHO_PORT: sandboxPort('zoho'),
    CUSTOMER_GRAPH_POLL_INTERVAL_MS: pollMs,
    // Salesforce's push is the gateway's own stream: polling Salesforce means running without it, as an org without CDC.
    CUSTOMER_GRAPH_SALESFORCE_CDC: mode === 'poll' && crm === 'salesforce' ? 'off' : 'on',
  } },
);
const sandboxes = app.setup.sandboxes!;
const urls = {
  hubspotUrl: sandboxes.hubspotUrl, salesforceUrl: sandboxes.salesforceUrl,
  pipedriveUrl: sandboxes.pipedriveUrl, dynamicsUrl: sandboxes.dynamicsUrl, zohoUrl: sandboxes.zohoUrl,
};
// Pipedrive's webhooks, Dynamics 365's service endpoint and steps and Zoho's watch channel are made through their APIs
// at start, in the background: measured changes come after.
await app.sync.subscribed;
if (mode === 'webhook' && crm === 'salesforce') {
  // The stream opens in the background too (handshake, subscribe per object).
  const deadline = Date.now() + 60_000;
  while (!app.sync.changeStreams.open().includes('salesforce')) {
    if (Date.now() > deadline) throw new Error('the Salesforce change stream did not open within 60 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}
if (mode === 'poll') {
  // Only the poller may bring changes in: the sandboxes stop delivering (and drop any queued).
  await switchPushOff(crm, urls);
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

reply({ url: app.server.url, ...urls, driver: app.database.driver, mode, pollMs: Number(pollMs), crm });

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'stats') {
    const m = process.memoryUsage();
    reply({ subscriptions: app.server.subscriptions!.stats(), streams: app.sync.changeStreams.open(), rss: m.rss, maxRss: process.resourceUsage().maxRSS * 1024 });
  } else if (cmd === 'exit') {
    void shutdown();
  }
});
input.on('close', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
