/**
 * Subscription bench: 1,000 concurrent graphql-ws subscribers on one gateway process; change events published
 * through NOTIFY; delivery latency (publish → subscriber receives the resolved payload) p50/p99, and the gateway
 * process' memory. Two shapes:
 *   fan-out: all subscribers watch one customer with the same selection → one gateway resolution, 1,000 deliveries
 *            per event;
 *   spread:  each subscriber watches its own customer → one resolution and one delivery per event.
 *
 *   npx tsx bench/subscriptions/run.ts [--subscribers 1000] [--fanout-events 50] [--spread-events 500] [--write]
 *
 * `--write` records the results in docs/benchmarks.md (its own section only). DATABASE_URL selects Postgres.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';

const root = fileURLToPath(new URL('../..', import.meta.url));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SUBSCRIBERS = arg('subscribers', 1000);
const FANOUT_EVENTS = arg('fanout-events', 50);
const FANOUT_RATE = arg('fanout-rate', 10);
const SPREAD_EVENTS = arg('spread-events', 500);
const SPREAD_RATE = arg('spread-rate', 100);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Memory { rss: number; heapUsed: number }
interface Stats { subscribers: number; resolutions: number; deliveries: number; dropped: number; connections: number }

/** The gateway child process and its line protocol. */
async function startGateway() {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['--expose-gc', path.join(root, 'bench/subscriptions/gateway-process.ts'), String(SUBSCRIBERS)], {
    cwd: root, stdio: ['pipe', 'pipe', 'inherit'], env: process.env,
  });
  const pending: ((value: Record<string, unknown>) => void)[] = [];
  const first = new Promise<Record<string, unknown>>((resolve) => pending.push(resolve));
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    pending.shift()?.(JSON.parse(line) as Record<string, unknown>);
  });
  const ask = (cmd: Record<string, unknown>) => new Promise<Record<string, unknown>>((resolve) => {
    pending.push(resolve);
    child.stdin!.write(`${JSON.stringify(cmd)}\n`);
  });
  const hello = (await first) as { url: string; ids: string[]; driver: string };
  return {
    ...hello,
    stats: async () => (await ask({ cmd: 'stats' })) as unknown as { stats: Stats; memory: Memory },
    publish: async (customerId: string, seq: number) => (await ask({ cmd: 'publish', customerId, seq })) as { published: number; t: number },
    exit: async () => {
      child.stdin!.write(`${JSON.stringify({ cmd: 'exit' })}\n`);
      await new Promise((r) => child.once('exit', r));
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

interface RoundResult { memory: Memory; events: number; deliveries: number; expected: number; p50: number; p90: number; p99: number; max: number; seconds: number }

/** Subscribes every client with `queryFor(i)`, publishes `events` at `rate`/s, measures latencies by version. */
async function round(
  gw: Awaited<ReturnType<typeof startGateway>>, clients: Client[], query: string, idsFor: (i: number) => string[],
  events: number, rate: number, customerFor: (seq: number) => string, deliveriesPerEvent: number, seqBase: number,
): Promise<RoundResult> {
  const publishedAt = new Map<number, number>();
  const received: { seq: number; at: number }[] = [];
  const unsubscribes = clients.map((c, i) => c.subscribe(
    { query, variables: { ids: idsFor(i) } },
    {
      next: (r) => {
        const at = now();
        const seq = (r.data as { customerChanged: { version: number } } | undefined)?.customerChanged.version;
        if (seq !== undefined) received.push({ seq, at });
      },
      error: (e) => console.error('subscription error', e),
      complete: () => {},
    },
  ));
  await until(async () => (await gw.stats()).stats.subscribers === clients.length, 60_000, 'subscribers to register');
  const { memory } = await gw.stats();
  const started = now();
  for (let i = 0; i < events; i++) {
    const seq = seqBase + i;
    const due = started + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    const { t } = await gw.publish(customerFor(seq), seq);
    publishedAt.set(seq, t);
  }
  const expected = events * deliveriesPerEvent;
  await until(() => received.length >= expected, 60_000, `${expected} deliveries (got ${received.length})`).catch((e) => console.error(String(e)));
  const seconds = (now() - started) / 1000;
  const latencies = received.map((r) => r.at - publishedAt.get(r.seq)!).filter(Number.isFinite).sort((a, b) => a - b);
  for (const u of unsubscribes) u();
  await until(async () => (await gw.stats()).stats.subscribers === 0, 30_000, 'unsubscribes');
  return {
    memory, events, deliveries: received.length, expected, seconds,
    p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN,
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function main() {
  const gw = await startGateway();
  const memStart = (await gw.stats()).memory;
  const clients = Array.from({ length: SUBSCRIBERS }, () => createClient({
    url: `${gw.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer bench-token' },
    retryAttempts: 0, lazy: false,
  }));
  await until(async () => (await gw.stats()).stats.connections === SUBSCRIBERS, 60_000, 'connections');
  const memConnected = (await gw.stats()).memory;

  const selection = 'customerChanged(ids: $ids, fields: ["phone"]) { customerId version changedFields customer { id phone email provenance(fields: ["phone"]) { field value rule } } }';
  const watched = gw.ids[0]!;
  // Clients send one document with the ids as variables, as real clients do; the gateway parses it once.
  const query = `subscription($ids: [ID!]) { ${selection} }`;
  const fanout = await round(gw, clients, query, () => [watched],
    FANOUT_EVENTS, FANOUT_RATE, () => watched, SUBSCRIBERS, 1);
  const afterFanout = await gw.stats();
  const spread = await round(gw, clients, query, (i) => [gw.ids[i]!], SPREAD_EVENTS, SPREAD_RATE, (seq) => gw.ids[seq % SUBSCRIBERS]!, 1, 100_000);
  const end = await gw.stats();
  for (const c of clients) await c.dispose();
  await gw.exit();

  const cpu = os.cpus();
  const lines = [
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${mb(os.totalmem())} RAM, Node ${process.version}, ${gw.driver}; ` +
      `clients in a separate process on the same machine (load average ${os.loadavg()[0]!.toFixed(1)} at the end: the machine is shared). ` +
      `${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| shape | subscribers | events (rate) | deliveries | gateway resolutions | p50 | p90 | p99 | max |',
    '|---|---|---|---|---|---|---|---|---|',
    `| fan-out: all watch one customer, same selection | ${SUBSCRIBERS} | ${fanout.events} (${FANOUT_RATE}/s) | ${fanout.deliveries} / ${fanout.expected} | ${afterFanout.stats.resolutions} | ${ms(fanout.p50)} | ${ms(fanout.p90)} | ${ms(fanout.p99)} | ${ms(fanout.max)} |`,
    `| spread: one customer each | ${SUBSCRIBERS} | ${spread.events} (${SPREAD_RATE}/s) | ${spread.deliveries} / ${spread.expected} | ${end.stats.resolutions - afterFanout.stats.resolutions} | ${ms(spread.p50)} | ${ms(spread.p90)} | ${ms(spread.p99)} | ${ms(spread.max)} |`,
    '',
    `Gateway process memory (after GC): started ${mb(memStart.rss)} RSS / ${mb(memStart.heapUsed)} heap; ` +
      `${SUBSCRIBERS} connections ${mb(memConnected.rss)} / ${mb(memConnected.heapUsed)}; ` +
      `${SUBSCRIBERS} subscriptions (one customer each) ${mb(spread.memory.rss)} / ${mb(spread.memory.heapUsed)}; ` +
      `after all events ${mb(end.memory.rss)} / ${mb(end.memory.heapUsed)}. ` +
      `Per connection ≈ ${((memConnected.heapUsed - memStart.heapUsed) / SUBSCRIBERS / 1024).toFixed(1)} KB heap, ` +
      `per subscription ≈ ${((spread.memory.heapUsed - memConnected.heapUsed) / SUBSCRIBERS / 1024).toFixed(1)} KB more. Dropped payloads: ${end.stats.dropped}.`,
  ];
  console.log(lines.join('\n'));
  if (process.argv.includes('--write')) writeSection(lines, gw.driver);
}

/** Replaces this bench's section for the driver in docs/benchmarks.md (between its markers), leaving the rest alone. */
function writeSection(lines: string[], driver: string) {
  const file = path.join(root, 'docs/benchmarks.md');
  const start = `<!-- bench:subscriptions:${driver}:start -->`;
  const end = `<!-- bench:subscriptions:${driver}:end -->`;
  const section = [
    start,
    `## Subscriptions on ${driver === 'pglite' ? 'embedded PGlite' : 'Postgres'}: 1,000 concurrent subscribers, change-to-subscriber latency`,
    '',
    `\`${driver === 'pglite' ? '' : 'DATABASE_URL=… '}npx tsx bench/subscriptions/run.ts --write\`. Latency is from the NOTIFY (publish) to the subscriber holding the`,
    'payload resolved through the gateway (`customer { id phone email provenance(fields: ["phone"]) {…} }`, golden',
    'fields computed by the merge layer); customers here have no CRM links, so this measures the subscription path and',
    'the gateway, not CRM round trips.',
    '',
    ...lines,
    end,
  ].join('\n');
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n\nResults of the scripts in `bench/`, with the machine they ran on.\n';
  const next = current.includes(start)
    ? current.slice(0, current.indexOf(start)) + section + current.slice(current.indexOf(end) + end.length)
    : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
  console.log(`written to ${path.relative(root, file)}`);
}

await main();
