/**
 * Backfill bench: `customer-graph sync --backfill` (the CLI itself, as a process, on a fresh database) against CRM
 * sandboxes seeded with N Salesforce Contacts + N/5 Accounts and N HubSpot contacts + N/5 companies; records per
 * second per CRM and overall, API calls per 1,000 records against the floor each CRM's page size sets, token calls,
 * the backfill process' peak RSS, and what the first change poll after it reads (records and calls).
 *
 *   npm run bench -- backfill [--people 20000] [--scenarios salesforce,hubspot,both] [--poll-ms 0|default|N] [--latency-ms 0] [--json]
 *
 * DATABASE_URL set: every run gets a fresh database on that Postgres server (created and dropped); otherwise a fresh
 * PGlite folder. The sandboxes keep their default rate limits (HubSpot: 190 calls per 10 s), as a real account would.
 * Results: docs/change-capture-bench.md.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { runBackfillBench } from './backfill.ts';
import type { BackfillBenchReport, CrmCalls, RunResult, Scenario } from './backfill.ts';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '20000' },
    scenarios: { type: 'string', default: 'salesforce,hubspot,both' },
    // 'default' keeps the CLI's own change polling (15 s) to show what it adds; the measurement turns it off.
    'poll-ms': { type: 'string', default: '0' },
    // Each sandbox call waits this long before it is answered: a real CRM's round trip instead of loopback's few ms.
    'latency-ms': { type: 'string', default: '0' },
    json: { type: 'boolean', default: false },
  },
});
const people = Number(values.people);
if (!Number.isInteger(people) || people < 1) throw new Error(`--people: "${values.people}" is not a positive whole number`);
const latencyMs = Number(values['latency-ms']);
if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error(`--latency-ms: "${values['latency-ms']}" is not a whole number of milliseconds`);
const scenarios = values.scenarios.split(',').map((s) => s.trim()) as Scenario[];
for (const s of scenarios) if (!['salesforce', 'hubspot', 'both'].includes(s)) throw new Error(`--scenarios: unknown scenario "${s}"`);

const per1000 = (calls: number, records: number) => (records ? ((calls * 1000) / records).toFixed(2) : '–');
const mb = (b: number) => (Number.isFinite(b) ? (b / 2 ** 20).toFixed(0) : '–');

export function renderTable(report: BackfillBenchReport): string {
  const rows: string[] = [
    '| run | database | CRM | records | records/s | page calls | calls per 1,000 | floor per 1,000 | token calls | other calls | peak RSS MB |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const line = (r: RunResult, crm: string, c: CrmCalls | undefined, records: number) => {
    const rate = records / r.backfillSeconds;
    rows.push(`| ${r.scenario} | ${r.driver} | ${crm} | ${records} | ${Number.isFinite(rate) ? rate.toFixed(0) : '–'} | ${c?.pageCalls ?? '–'} | ${c ? per1000(c.pageCalls, c.records) : '–'} | ${c ? per1000(c.floorCalls, c.records) : '–'} | ${c?.tokenCalls ?? '–'} | ${c?.otherCalls ?? '–'} | ${mb(r.peakRssBytes)} |`);
  };
  for (const r of report.runs) {
    const crms = Object.entries(r.crms) as [string, CrmCalls][];
    if (crms.length === 1) line(r, crms[0]![0], crms[0]![1], r.recordsRead);
    else {
      // Both CRMs in one run: records/s is the overall rate; per-CRM rates come from the single-CRM runs.
      const total: CrmCalls = crms.reduce((t, [, c]) => ({
        records: t.records + c.records, pageCalls: t.pageCalls + c.pageCalls, floorCalls: t.floorCalls + c.floorCalls,
        tokenCalls: t.tokenCalls + c.tokenCalls, otherCalls: t.otherCalls + c.otherCalls, routes: {},
      }), { records: 0, pageCalls: 0, floorCalls: 0, tokenCalls: 0, otherCalls: 0, routes: {} });
      line(r, crms.map(([crm]) => crm).join(' + '), total, r.recordsRead);
    }
  }
  return rows.join('\n');
}

const log = (msg: string) => process.stderr.write(`[backfill] ${msg}\n`);
const report = await runBackfillBench({ people, scenarios, pollIntervalMs: values['poll-ms'] === 'default' ? '' : values['poll-ms'], latencyMs, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}), log });
if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`\nBackfill — seed ${JSON.stringify(report.seed)}${report.latencyMs ? `, every CRM call answered after ${report.latencyMs} ms` : ''}\n`);
  console.log(renderTable(report));
  for (const r of report.runs) console.log(`\n${r.scenario}: ${r.recordsRead} read, ${r.goldenCreated} golden created, ${r.linksCreated} links; backfill ${r.backfillSeconds} s, process ${r.wallSeconds.toFixed(1)} s, 1-minute load ${r.load.start.toFixed(1)} → ${r.load.end.toFixed(1)}; routes ${JSON.stringify(Object.fromEntries(Object.entries(r.crms).map(([k, c]) => [k, c.routes])))}`);
  for (const r of report.runs) {
    if (r.firstPoll) console.log(`${r.scenario}: the first change poll after it read ${r.firstPoll.records} records (${r.firstPoll.deletions} deletions, ${r.firstPoll.failed} objects failed) with ${Object.values(r.firstPoll.calls).reduce((a, b) => a + b, 0)} CRM calls ${JSON.stringify(r.firstPoll.calls)} in ${r.firstPoll.seconds.toFixed(1)} s`);
  }
  console.log(`\nMachine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} at the end.`);
}
if (report.runs.some((r) => r.exitCode !== 0)) process.exitCode = 1;
