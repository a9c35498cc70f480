/**
 * Golden-query bench: requests/s, p50/p99 latency, errors, CRM calls per request and gateway memory of
 * `customers(first: 100) { … provenance … }` over HTTP, with the native record cache on (default TTL) and off.
 *
 *   npm run bench -- golden-query [--duration 5] [--requests N] [--concurrency 1,8,32] [--ttl 5000,0]
 *                                 [--warmup 12] [--query page|company|companies] [--write-docs] [--json]
 *
 * One gateway process per TTL (started in parallel, measured one after the other), each with its own demo
 * sandboxes on free ports; only 127.0.0.1 is contacted. `--requests N` sends exactly N requests per row instead of
 * running for `--duration` seconds. `--write-docs` replaces the "Golden customers query" section of
 * docs/benchmarks.md; `--json` prints the results as JSON on stdout (progress always goes to stderr).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PREFIX } from './protocol.ts';
import { driveQuery } from './load.ts';
import { describeMachine, markdownTable, machineLine, renderSection, writeDocsSection } from './report.ts';
import type { StepResult } from './report.ts';

export const GOLDEN_QUERY = 'query GoldenCustomers { customers(first: 100) { edges { node { email phone title provenance { field rule source { crm } } } } } }';

/**
 * `--query`: the golden page (default, the one `--write-docs` records), the same page with each person's golden
 * company (a relation: one link lookup per page, then the companies' own golden fetch), or a page of companies with
 * their people and deals (inverse lists: one statement per list and page).
 */
const QUERIES: Record<string, string> = {
  page: GOLDEN_QUERY,
  company: 'query CustomersWithCompany { customers(first: 100) { edges { node { email phone title company { name domain } } } } }',
  companies: 'query CompaniesWithPeople { companies(first: 50) { edges { node { name customers(first: 20) { totalCount edges { node { email phone } } } deals(first: 10) { totalCount edges { node { name amount } } } } } } }',
};

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const log = (msg: string) => process.stderr.write(`[golden-query] ${msg}\n`);

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    requests: { type: 'string' },
    concurrency: { type: 'string', default: '1,8,32' },
    ttl: { type: 'string', default: '5000,0' },
    warmup: { type: 'string', default: '12' },
    query: { type: 'string', default: 'page' },
    'write-docs': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const numbers = (csv: string, what: string) => csv.split(',').map((s) => {
  const n = Number(s.trim());
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${what}: "${s}" is not a whole number`);
  return n;
});
const concurrencies = numbers(values.concurrency, 'concurrency').filter((c) => c > 0);
const ttls = numbers(values.ttl, 'ttl');
const durationSeconds = Number(values.duration);
const fixedRequests = values.requests ? Number(values.requests) : undefined;
const warmupRequests = Number(values.warmup);
const chosen = QUERIES[values.query];
if (!chosen) throw new Error(`--query: "${values.query}" is not one of ${Object.keys(QUERIES).join(', ')}`);
const query: string = chosen;
if (values['write-docs'] && values.query !== 'page') throw new Error('--write-docs records the default query only (--query page)');

interface Gateway {
  ttl: number;
  url: string;
  crms: Record<string, string>;
  startMs: number;
  memory(): Promise<{ rss: number; maxRss: number }>;
  stop(): Promise<void>;
}

/** Starts gateway-process.ts and speaks its line protocol. Apollo's phone-home telemetry is switched off. */
async function startGateway(ttl: number): Promise<Gateway> {
  const child: ChildProcess = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(here, 'gateway-process.ts'), String(ttl)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', METADATA_SERVER_DETECTION: 'none' },
  });
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  let quiet = false;
  let ended = false;
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(PREFIX)) waiting.shift()?.(JSON.parse(line.slice(PREFIX.length)) as Record<string, unknown>);
    else if (!quiet) process.stderr.write(`[gateway ttl=${ttl}] ${line}\n`);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    waiting.push(resolve);
    void exited.then((code) => reject(new Error(`gateway (ttl ${ttl}) exited with ${code}`)));
  });
  const hello = (await next()) as { url: string; salesforceUrl: string; hubspotUrl: string; startMs: number };
  return {
    ttl,
    url: hello.url,
    crms: { salesforce: hello.salesforceUrl, hubspot: hello.hubspotUrl },
    startMs: hello.startMs,
    async memory() {
      const answer = next();
      child.stdin!.write('memory\n');
      return (await answer) as { rss: number; maxRss: number };
    },
    async stop() {
      quiet = true;
      if (child.exitCode === null && !ended) child.stdin!.end('exit\n');
      ended = true;
      await exited;
    },
  };
}

async function sandbox(base: string, method: 'GET' | 'POST' | 'PUT', route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}/_sandbox/${route}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${base}/_sandbox/${route}: ${res.status}`);
  return res.json();
}

/** One request checked in full: a non-empty first list (customers with provenance for the page query) and no error. */
async function checkAnswer(url: string): Promise<{ customers: number; bytes: number }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const text = await res.text();
  const body = JSON.parse(text) as { data?: Record<string, { edges: { node: { provenance?: unknown[] } }[] }>; errors?: unknown[] };
  const edges = Object.values(body.data ?? {})[0]?.edges ?? [];
  const provenanceMissing = values.query === 'page' && !edges.every((e) => Array.isArray(e.node.provenance));
  if (res.status !== 200 || body.errors?.length || !edges.length || provenanceMissing) {
    throw new Error(`the ${values.query} query did not answer as expected (HTTP ${res.status}): ${text.slice(0, 500)}`);
  }
  return { customers: edges.length, bytes: Buffer.byteLength(text) };
}

/**
 * CRM calls counted by the sandboxes since the reset, by CRM, per request sent. A timed run ends with requests in
 * flight that the gateway still serves (and that reach the CRMs), so it first waits until the counts stop moving.
 */
async function upstreamCalls(gw: Gateway, sent: number, settle: boolean): Promise<StepResult['upstream']> {
  const read = async () => {
    const all: Record<string, { total: number; routes: Record<string, number> }> = {};
    for (const [crm, base] of Object.entries(gw.crms)) all[crm] = (await sandbox(base, 'GET', 'stats')) as { total: number; routes: Record<string, number> };
    return all;
  };
  const sum = (all: Awaited<ReturnType<typeof read>>) => Object.values(all).reduce((n, s) => n + s.total, 0);
  let stats = await read();
  if (settle) {
    const deadline = Date.now() + 10_000;
    let stableSince = Date.now();
    while (Date.now() < deadline && Date.now() - stableSince < 500) {
      await new Promise((r) => setTimeout(r, 250));
      const again = await read();
      if (sum(again) !== sum(stats)) stableSince = Date.now();
      stats = again;
    }
  }
  return Object.fromEntries(Object.entries(stats).map(([crm, s]) => [crm, { calls: s.total, perRequest: sent ? s.total / sent : 0, routes: s.routes }]));
}

async function measure(gw: Gateway): Promise<{ steps: StepResult[]; customers: number; bytes: number }> {
  // The benchmark measures the gateway, not the CRM quotas: lift the sandboxes' daily and burst limits.
  await sandbox(gw.crms.salesforce!, 'PUT', 'limits', { dailyApiLimit: 1e9, apiUsage: 0 });
  await sandbox(gw.crms.hubspot!, 'PUT', 'limits', { tenSecondLimit: 1e9, dailyLimit: 1e9 });
  const answer = await checkAnswer(gw.url);
  if (warmupRequests > 0) {
    const warm = await driveQuery({ url: gw.url, query, connections: Math.min(4, warmupRequests), requests: warmupRequests });
    if (warm.errors) throw new Error(`warm-up had ${warm.errors} errors: ${JSON.stringify(warm.errorDetail)}`);
  }
  const steps: StepResult[] = [];
  for (const connections of concurrencies) {
    for (const base of Object.values(gw.crms)) await sandbox(base, 'POST', 'stats/reset');
    log(`ttl ${gw.ttl} ms, concurrency ${connections}: ${fixedRequests ? `${fixedRequests} requests` : `${durationSeconds} s`}`);
    const load = await driveQuery({
      url: gw.url, query, connections,
      ...(fixedRequests ? { requests: Math.max(fixedRequests, connections) } : { durationSeconds }),
    });
    const upstream = await upstreamCalls(gw, load.sent, !fixedRequests);
    const memory = await gw.memory();
    steps.push({ ...load, cacheTtlMs: gw.ttl, upstream, gatewayRssBytes: memory.rss, gatewayPeakRssBytes: memory.maxRss });
    log(`  ${load.requestsPerSecond.toFixed(1)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, errors ${load.errors}`);
  }
  return { steps, customers: answer.customers, bytes: answer.bytes };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const t0 = performance.now();
  log(`starting ${ttls.length} gateway(s) with their sandboxes (record cache TTL ${ttls.join(', ')} ms)`);
  const started = await Promise.allSettled(ttls.map((ttl) => startGateway(ttl)));
  const gateways = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const steps: StepResult[] = [];
  let customers = 0;
  let bytes = 0;
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    log(`started in ${gateways.map((g) => `${g.startMs} ms`).join(', ')}`);
    for (const gw of gateways) {
      const result = await measure(gw);
      steps.push(...result.steps);
      ({ customers, bytes } = result);
      await gw.stop();
    }
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
  }
  log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const mode = fixedRequests ? `${fixedRequests} requests per row` : `${durationSeconds} s per row`;
  if (values.json) {
    console.log(JSON.stringify({ machine, mode, customersPerResponse: customers, responseBytes: bytes, steps }, null, 2));
  } else {
    console.log(`\nGolden ${values.query} query — ${mode}, ${customers} items in the first list per answer (${(bytes / 1024).toFixed(0)} kB)\n`);
    console.log(markdownTable(steps));
    console.log(`\nMachine: ${machineLine(machine)}`);
  }
  if (values['write-docs']) {
    const file = path.join(root, 'docs/benchmarks.md');
    const command = `npm run bench -- golden-query ${process.argv.slice(2).join(' ')}`.trim();
    writeDocsSection(file, renderSection({
      steps, machine, command, query: GOLDEN_QUERY, mode, customersPerResponse: customers, responseBytes: bytes,
      date: new Date().toISOString().slice(0, 10),
    }));
    log(`written to ${path.relative(root, file)}`);
  }
}

await main();
