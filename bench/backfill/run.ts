/**
 * Backfill bench: `customer-graph sync --backfill` (the CLI itself, as a process, on a fresh database) against CRM
 * sandboxes seeded with N Salesforce Contacts + N/5 Accounts and N HubSpot contacts + N/5 companies; records per
 * second per CRM and overall, API calls per 1,000 records against the floor each CRM's page size sets, token calls,
 * the backfill process' peak RSS, and what the first change poll after it reads (records and calls).
 *
 * Scenarios `pipedrive` (N persons + N/5 organizations) and `all` (the three CRMs, people overlapping by email) add
 * Pipedrive, whose sandbox keeps its default burst limit (80 calls per 2 s per token). Scenarios `dynamics`
 * (N contacts + N/5 accounts + N/10 opportunities, dynamics-seed.ts) and `all4` (the four CRMs) add Dynamics 365, read
 * with client credentials against the sandbox's own token endpoint. Scenarios `zoho` (N Contacts + N/5 Accounts +
 * N/10 Deals, zoho-seed.ts) and `all5` (the five CRMs) add Zoho CRM, read with the sandbox's self client and refresh
 * token. `--rerun` runs each backfill a second time on its database (it must create nothing). `--restart` then starts
 * `customer-graph start` on each backfill's database twice, reading everything at start (`always`) and as planned
 * (`auto`): time to ready, CRM calls and records read until then (restart.ts).
 *
 *   npm run bench -- backfill [--people 20000] [--scenarios salesforce,hubspot,both,pipedrive,all,dynamics,all4,zoho,all5] [--poll-ms 0|default|N] [--latency-ms 0] [--rerun] [--restart] [--salesforce-bulk on|off] [--json]
 *
 * DATABASE_URL set: every run gets a fresh database on that Postgres server (created and dropped); otherwise a fresh
 * PGlite folder. The sandboxes keep their default rate limits (HubSpot: 190 calls per 10 s), as a real account would.
 * Results: docs/backfill-bench.md and docs/backfill-bench-other-crms.md.
 */
import os from 'node:os';
import { runBackfillBench } from './backfill.ts';
import { parseBackfillArgs, renderPerCrm, renderRestarts, renderTable } from './report.ts';

const args = parseBackfillArgs(process.argv.slice(2));

const log = (msg: string) => process.stderr.write(`[backfill] ${msg}\n`);
const report = await runBackfillBench({ people: args.people, scenarios: args.scenarios, pollIntervalMs: args.pollIntervalMs, latencyMs: args.latencyMs, rerun: args.rerun, restart: args.restart, salesforceBulk: args.salesforceBulk, ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}), log });
if (args.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`\nBackfill — seed ${JSON.stringify(report.seed)}${report.latencyMs ? `, every CRM call answered after ${report.latencyMs} ms` : ''}\n`);
  console.log(renderTable(report));
  for (const line of renderPerCrm(report)) console.log(`\n${line}`);
  for (const r of report.runs) console.log(`\n${r.scenario}: ${r.recordsRead} read, ${r.goldenCreated} golden created, ${r.linksCreated} links; backfill ${r.backfillSeconds} s, process ${r.wallSeconds.toFixed(1)} s, 1-minute load ${r.load.start.toFixed(1)} → ${r.load.end.toFixed(1)}; routes ${JSON.stringify(Object.fromEntries(Object.entries(r.crms).map(([k, c]) => [k, c.routes])))}`);
  for (const r of report.runs) {
    if (r.rerun) console.log(`${r.scenario}: run again on its database, the backfill read ${r.rerun.recordsRead} records and created ${r.rerun.goldenCreated} golden records and ${r.rerun.linksCreated} links in ${r.rerun.backfillSeconds} s (exit ${r.rerun.exitCode})`);
    if (r.firstPoll) console.log(`${r.scenario}: the first change poll after it read ${r.firstPoll.records} records (${r.firstPoll.deletions} deletions, ${r.firstPoll.failed} objects failed) with ${Object.values(r.firstPoll.calls).reduce((a, b) => a + b, 0)} CRM calls ${JSON.stringify(r.firstPoll.calls)} in ${r.firstPoll.seconds.toFixed(1)} s`);
  }
  if (args.restart) {
    console.log(`\nRestart on the linked database (customer-graph start; CUSTOMER_GRAPH_LINK_ON_START always, then auto):\n\n${renderRestarts(report)}`);
    for (const r of report.runs) {
      for (const s of r.restart ? [r.restart.always, r.restart.auto] : []) {
        console.log(`${r.scenario} (${r.driver}) start ${s.mode}: 1-minute load ${s.load.start.toFixed(1)} → ${s.load.end.toFixed(1)}; stopped in ${s.stopSeconds.toFixed(1)} s${s.exitSignal ? ` by ${s.exitSignal}` : ''}; calls ${JSON.stringify(Object.fromEntries(Object.entries(s.crms).map(([k, c]) => [k, c.routes])))}${s.ready && s.exitCode === 0 ? '' : `\n${s.output}`}`);
      }
    }
  }
  console.log(`\nMachine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} at the end.`);
}
if (report.runs.some((r) => r.exitCode !== 0 || (r.restart && [r.restart.always, r.restart.auto].some((s) => !s.ready || s.exitCode !== 0)))) process.exitCode = 1;
