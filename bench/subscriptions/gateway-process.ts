/**
 * The gateway under test for the subscription bench, in its own process so its memory is measured without the
 * 1,000 clients. It starts the real app (embedded PGlite, or Postgres with DATABASE_URL), creates the customers,
 * and then obeys one JSON command per stdin line, answering one JSON line on stdout:
 *   {"cmd":"stats"}                          → { stats, memory }
 *   {"cmd":"publish","customerId","seq"}     → { published: seq, t }  (t: high-resolution wall clock, ms)
 *   {"cmd":"exit"}
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { startApp } from '../../cli/app.ts';
import { publishCustomerChanged } from '../../db/change-events.ts';
import { newGoldenId } from '../../db/golden-ids.ts';
import { goldenRecords } from '../../db/schema.ts';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';

export const BENCH_TOKEN = 'bench-token';

const now = () => performance.timeOrigin + performance.now();
const customers = Number(process.argv[2] ?? 1000);

process.env.CUSTOMER_GRAPH_API_TOKENS = BENCH_TOKEN;
process.env.CUSTOMER_GRAPH_DEMO = 'off';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-subs-'));
const app = await startApp(
  loadConfig({
    PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir, CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  }),
  createLogger('bench', 'warn'),
);
const ids = Array.from({ length: customers }, () => newGoldenId('Customer'));
for (let i = 0; i < ids.length; i += 500) {
  await app.database.db.insert(goldenRecords).values(ids.slice(i, i + 500).map((id) => ({ id, entityType: 'Customer', status: 'active', snapshot: {} })));
}

const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
reply({ url: app.server.url, ids, driver: app.database.driver });

const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const msg = JSON.parse(line) as { cmd: string; customerId?: string; seq?: number };
  if (msg.cmd === 'stats') {
    global.gc?.();
    reply({ stats: app.server.subscriptions!.stats(), memory: process.memoryUsage() });
  } else if (msg.cmd === 'publish') {
    const t = now();
    await publishCustomerChanged(app.database, { customerId: msg.customerId!, changedFields: ['phone'], version: msg.seq });
    reply({ published: msg.seq, t });
  } else if (msg.cmd === 'exit') {
    break;
  }
}
await app.close();
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
