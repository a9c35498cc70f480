/**
 * The product under test for the golden-query bench, in a process of its own so its memory and CPU are not mixed
 * with the load generator's: the whole app as `npm start` wires it (embedded PGlite in a temporary folder, the
 * demo CRM sandboxes in their own child process on free ports, linking on start), with the record cache TTL given
 * on the command line.
 *
 *   tsx bench/golden-query/gateway-process.ts <cacheTtlMs>
 *
 * Protocol: every line of ours on stdout starts with PREFIX (pino's own lines also go to stdout). First
 * `{ url, salesforceUrl, hubspotUrl, pid, startMs }`, then one answer per command read from stdin:
 *   memory → { rss, heapUsed, maxRss }   (bytes; maxRss is the peak resident set since the process started)
 *   exit   → the app is closed and the process ends. A closed stdin (the bench died) does the same.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { startApp } from '../../cli/app.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { PREFIX } from './protocol.ts';

const cacheTtlMs = process.argv[2] ?? '5000';
const reply = (value: unknown) => process.stdout.write(`${PREFIX}${JSON.stringify(value)}\n`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-golden-'));
const t0 = performance.now();

const app = await startApp(
  loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CUSTOMER_GRAPH_DATA_DIR: dataDir,
    CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    CUSTOMER_GRAPH_CACHE_TTL_MS: cacheTtlMs,
    // No metadata polling during the run: it would add upstream calls that are not the query's.
    CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
  }),
  createLogger('bench-golden-query', process.env.LOG_LEVEL ?? 'warn'),
  undefined,
  // Always the demo sandboxes, on free ports, whatever CRM credentials the environment may hold; no change polling,
  // whose CRM calls are not the query's.
  { env: { CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0', CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0', CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: 'off', CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: 'off', CUSTOMER_GRAPH_DEMO_ZOHO_PORT: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0' } },
);

let closing = false;
async function shutdown(): Promise<never> {
  if (!closing) {
    closing = true;
    await app.close().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

reply({
  url: `${app.server.url}/graphql`,
  salesforceUrl: app.setup.sandboxes?.salesforceUrl,
  hubspotUrl: app.setup.sandboxes?.hubspotUrl,
  pid: process.pid,
  startMs: Math.round(performance.now() - t0),
});

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'memory') {
    const m = process.memoryUsage();
    // resourceUsage().maxRSS is in kilobytes.
    reply({ rss: m.rss, heapUsed: m.heapUsed, maxRss: process.resourceUsage().maxRSS * 1024 });
  } else if (cmd === 'exit') {
    void shutdown();
  }
});
input.on('close', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
