/**
 * Write-back bench (issue 7): N golden field updates over M customers that each live in both CRM sandboxes, sent as
 * `updateCustomer` mutations over HTTP to a gateway process; the write-back worker drains the outbox; then each
 * sandbox's ledger and call counts are read: Salesforce write calls vs ceil(records/200), HubSpot write calls vs
 * ceil(records/100), total time, throughput, outbox drain time, and every final value checked in both CRMs.
 *
 *   npm run bench -- writeback [--customers 2000] [--per-customer 5] [--concurrency 16] [--mode drain,live]
 *                              [--pause-ms 0] [--claim-limit N] [--fill-ms N] [--json]
 *
 * Modes: `drain` queues every update first (worker held), then starts the worker and times the drain: coalescing
 * is complete, and the call counts are checked against the bound (exit 1 when exceeded). `live` keeps the worker
 * running while the waves arrive, as in production: a record's updates may be written in several rounds, so its
 * counts are reported against the bound on records written (ledger entries), not enforced. Both modes exit 1 when a
 * final value is missing from a sandbox. Only 127.0.0.1 is contacted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WRITE_ROUTES, countCalls, pool, readLedger, readStats, resetCounters, startGatewayProcess } from './gateway-client.ts';
import { UPDATE_CUSTOMER, checkFinals, gql, listBothCrmCustomers, planUpdates } from './updates.ts';
import { writeBothCrmSeed } from './seed.ts';
import { printResult } from './report.ts';
import type { ModeResult } from './report.ts';

const log = (msg: string) => process.stderr.write(`[writeback] ${msg}\n`);
const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '2000' },
    'per-customer': { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '16' },
    mode: { type: 'string', default: 'drain,live' },
    'pause-ms': { type: 'string', default: '0' },
    'claim-limit': { type: 'string' },
    'fill-ms': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const customerCount = Number(values.customers);
const perCustomer = Number(values['per-customer']);
const concurrency = Number(values.concurrency);
const pauseMs = Number(values['pause-ms']);
const modes = values.mode.split(',').map((m) => m.trim()) as ('drain' | 'live')[];
for (const m of modes) if (m !== 'drain' && m !== 'live') throw new Error(`--mode: '${m}' is not drain or live`);

async function runMode(mode: 'drain' | 'live', seedDir: string): Promise<ModeResult> {
  const t0 = performance.now();
  const gw = await startGatewayProcess(seedDir, ['--worker', mode === 'live' ? 'on' : 'off', ...(values['claim-limit'] ? ['--claim-limit', values['claim-limit']] : []), ...(values['fill-ms'] ? ['--fill-ms', values['fill-ms']] : [])], (l) => log(`[gateway] ${l}`));
  try {
    log(`${mode}: gateway up in ${((performance.now() - t0) / 1000).toFixed(1)} s (${gw.startMs} ms inside, linking included)`);
    const crms = { salesforce: gw.salesforceUrl, hubspot: gw.hubspotUrl };
    const customers = (await listBothCrmCustomers(gw.url)).slice(0, customerCount);
    if (customers.length < customerCount) throw new Error(`only ${customers.length} customers are in both CRMs, ${customerCount} wanted`);
    const { waves, finals } = planUpdates(customers, perCustomer, `${mode}${Date.now() % 100000}`);
    await resetCounters(crms);
    const load = [os.loadavg()[0]!];
    const started = performance.now();
    let enqueued = 0;
    for (const [k, wave] of waves.entries()) {
      await pool(wave, concurrency, async (u) => {
        const r = await gql<{ updateCustomer: { enqueued: number } }>(gw.url, UPDATE_CUSTOMER, { id: u.customerId, input: u.input });
        enqueued += r.updateCustomer.enqueued;
      });
      log(`${mode}: wave ${k + 1}/${waves.length} sent (${Math.round(performance.now() - started)} ms)`);
      if (pauseMs > 0 && k < waves.length - 1) await new Promise((r) => setTimeout(r, pauseMs));
    }
    const sentAt = performance.now();
    if (mode === 'drain') await gw.command('worker-start');
    const workerAt = performance.now();
    let depth: Record<string, number> = {};
    for (const deadline = Date.now() + 30 * 60_000; ;) {
      depth = (await gw.command<{ depth: Record<string, number> }>('outbox')).depth;
      if (!depth.pending && !depth.in_flight) break;
      if (Date.now() > deadline) throw new Error(`outbox not drained after 30 min: ${JSON.stringify(depth)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const drainedAt = performance.now();
    load.push(os.loadavg()[0]!);
    const [sfStats, hsStats, sfLedger, hsLedger] = await Promise.all([readStats(crms.salesforce), readStats(crms.hubspot), readLedger(crms.salesforce), readLedger(crms.hubspot)]);
    const finalsCheck = checkFinals(customers, finals, { salesforce: sfLedger, hubspot: hsLedger });
    const crm = (stats: typeof sfStats, ledger: typeof sfLedger, re: RegExp, size: number) => {
      const distinct = new Set(ledger.map((e) => e.recordId)).size;
      return {
        writeCalls: countCalls(stats, re), readCalls: stats.total - countCalls(stats, re), recordsDistinct: distinct, recordWrites: ledger.length,
        creates: ledger.filter((e) => e.operation === 'create').length, bound: Math.ceil(distinct / size), boundPerWrites: Math.ceil(ledger.length / size), routes: stats.routes,
      };
    };
    const fieldUpdates = waves.reduce((n, w) => n + w.length, 0);
    return {
      mode, customers: customers.length, fieldUpdates, mutations: fieldUpdates, outboxRows: enqueued, concurrency, pauseMs,
      salesforce: crm(sfStats, sfLedger, WRITE_ROUTES.salesforce, 200),
      hubspot: crm(hsStats, hsLedger, WRITE_ROUTES.hubspot, 100),
      enqueueSeconds: (sentAt - started) / 1000,
      drainSeconds: (drainedAt - (mode === 'drain' ? workerAt : sentAt)) / 1000,
      totalSeconds: (drainedAt - started) / 1000,
      outbox: depth, finals: { checked: finalsCheck.checked, missing: finalsCheck.missing.length, examples: finalsCheck.missing.slice(0, 5) },
      loadAverage1m: load,
    };
  } finally {
    await gw.stop();
  }
}

const seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-writeback-seed-'));
let failed = false;
try {
  // A few more than asked: the linker may keep an odd pair apart (or together); the first N linked both ways are used.
  const seeded = writeBothCrmSeed(seedDir, Math.ceil(customerCount * 1.05) + 10).people.length;
  log(`seed: ${seeded} people in both CRMs in ${seedDir}`);
  const results: ModeResult[] = [];
  for (const mode of modes) {
    const r = await runMode(mode, seedDir);
    results.push(r);
    const over = r.mode === 'drain' && (r.salesforce.writeCalls > r.salesforce.bound || r.hubspot.writeCalls > r.hubspot.bound);
    if (over || r.finals.missing > 0) failed = true;
    if (over) log(`${mode}: write calls exceed the bound`);
    if (r.finals.missing > 0) log(`${mode}: ${r.finals.missing} final values missing, e.g. ${JSON.stringify(r.finals.examples)}`);
  }
  if (values.json) console.log(JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, results }, null, 2));
  else for (const r of results) printResult(r);
} finally {
  fs.rmSync(seedDir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
