/**
 * The product under test for the write-back bench, in a process of its own: the whole app as `customer-graph start
 * --seed DIR` wires it (embedded PGlite in a temporary folder, the CRM sandboxes in their own child process on free
 * ports loaded from the seed folder, linking on start), with the write-back worker held until the bench says so.
 *
 *   tsx bench/writeback/gateway-process.ts <seedDir> [--worker on|off] [--claim-limit N] [--fill-ms N]
 *
 * `--worker off` (default) stops the app's write-back worker right after start, so the bench can queue every update
 * first; `--claim-limit N` replaces the app's worker by one claiming N rows per round (default: the product's own).
 * Protocol: every line of ours on stdout starts with PREFIX. First the Hello, then one answer per command on stdin:
 *   worker-start → { startedAt }      worker-stop → { stopped: true }
 *   outbox       → { depth: { pending, in_flight, done, … } }
 *   exit         → the app is closed and the process ends (a closed stdin does the same).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { startApp } from '../../cli/app.ts';
import { DEMO_HUBSPOT_ID, DEMO_SALESFORCE_ID } from '../../cli/connector-setup.ts';
import { outboxDepth } from '../../db/writeback-store.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { WriteBackWorker } from '../../sync/writeback/worker.ts';
import { PREFIX } from './protocol.ts';
import type { Hello } from './protocol.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { worker: { type: 'string', default: 'off' }, 'claim-limit': { type: 'string' }, 'fill-ms': { type: 'string' } },
});
const seedDir = positionals[0];
if (!seedDir) throw new Error('usage: gateway-process.ts <seedDir> [--worker on|off] [--claim-limit N]');
const reply = (value: unknown) => process.stdout.write(`${PREFIX}${JSON.stringify(value)}\n`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-writeback-'));
const logger = createLogger('bench-writeback', process.env.LOG_LEVEL ?? 'warn');
const t0 = performance.now();

const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  CUSTOMER_GRAPH_DATA_DIR: dataDir,
  CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
  CUSTOMER_GRAPH_METADATA_REFRESH_MS: '0',
  // The worker's batch-fill window: the product default unless the bench is given one (0 turns it off).
  ...(values['fill-ms'] ? { CUSTOMER_GRAPH_WRITEBACK_FILL_MS: values['fill-ms'] } : {}),
});
const app = await startApp(
  config,
  logger,
  undefined,
  // The seeded sandboxes on free ports whatever CRM credentials the environment holds; no change polling, whose
  // CRM calls are not the write-back's.
  { env: { CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0', CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0', CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: 'off', CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: 'off', CUSTOMER_GRAPH_DEMO_ZOHO_PORT: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0' }, seedDir },
);

let worker = app.writebackWorker;
if (values['claim-limit']) {
  await worker.stop();
  const connectors = new Map([[DEMO_SALESFORCE_ID, app.connectors.get('salesforce')!], [DEMO_HUBSPOT_ID, app.connectors.get('hubspot')!]]);
  worker = new WriteBackWorker({ db: app.database.db, connectors, logger, claimLimit: Number(values['claim-limit']), fillMs: config.writebackFillMs });
  if (values.worker === 'on') worker.start();
} else if (values.worker !== 'on') {
  await worker.stop();
}

// One shutdown, however many triggers ('exit', then stdin closing): a second call must not exit before the first
// has closed the app, or the sandbox child process is left behind.
let closing: Promise<never> | undefined;
function shutdown(): Promise<never> {
  closing ??= (async () => {
    await worker.stop().catch(() => {});
    await app.close().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  })();
  return closing;
}

reply({
  url: `${app.server.url}/graphql`,
  salesforceUrl: app.setup.sandboxes!.salesforceUrl,
  hubspotUrl: app.setup.sandboxes!.hubspotUrl,
  pid: process.pid,
  startMs: Math.round(performance.now() - t0),
} satisfies Hello);

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'worker-start') {
    worker.start();
    reply({ startedAt: Date.now() });
  } else if (cmd === 'worker-stop') {
    void worker.stop().then(() => reply({ stopped: true }));
  } else if (cmd === 'outbox') {
    void outboxDepth(app.database.db).then((depth) => reply({ depth }), (err: Error) => reply({ error: err.message }));
  } else if (cmd === 'exit') {
    void shutdown();
  }
});
input.on('close', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
