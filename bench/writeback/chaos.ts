/**
 * Write-back chaos run (issue 7), full size: golden updates queued through the gateway, then `customer-graph worker`
 * OS processes against CRM sandboxes failing ~20% of requests (429 + Retry-After, 5xx, timeouts, reset after the
 * write was applied), SIGKILLed while draining and restarted; checks every final value in both CRMs, no creates,
 * a settled outbox, and no new outbox row nor CRM write after change capture and convergence (no ping-pong).
 *
 *   npx tsx bench/writeback/chaos.ts [--customers 300] [--per-customer 5] [--kills 5] [--fault-rate 0.2]
 *                                    [--timeouts all|kill-phases|none] [--lease-ms 5000] [--json]
 *
 * With DATABASE_URL set, the processes share that Postgres database (use a scratch one: the run writes to it);
 * otherwise an embedded PGlite folder opened by one process at a time. Exit 1 when a check fails.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos-harness.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '300' },
    'per-customer': { type: 'string', default: '5' },
    kills: { type: 'string', default: '5' },
    'fault-rate': { type: 'string', default: '0.2' },
    timeouts: { type: 'string', default: 'all' },
    'lease-ms': { type: 'string', default: '5000' },
    json: { type: 'boolean', default: false },
  },
});
const timeouts = values.timeouts as 'all' | 'kill-phases' | 'none';
if (!['all', 'kill-phases', 'none'].includes(timeouts)) throw new Error(`--timeouts: '${values.timeouts}' is not all, kill-phases or none`);
const log = (msg: string) => process.stderr.write(`[writeback-chaos] ${msg}\n`);
const r = await runChaos({
  customers: Number(values.customers), perCustomer: Number(values['per-customer']), kills: Number(values.kills),
  faultRate: Number(values['fault-rate']), timeouts, leaseMs: Number(values['lease-ms']), deadlineMs: 60 * 60_000, log,
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
});
const problems: string[] = [];
if (r.kills.length < Number(values.kills)) problems.push(`only ${r.kills.length} kills`);
if (r.finals.missing > 0) problems.push(`${r.finals.missing} final values missing, e.g. ${JSON.stringify(r.finals.examples)}`);
for (const crm of ['salesforce', 'hubspot'] as const) if (r.crm[crm].creates || r.crm[crm].deletes) problems.push(`${crm}: ${r.crm[crm].creates} creates, ${r.crm[crm].deletes} deletes`);
if (r.outbox.pending || r.outbox.in_flight || r.outbox.dead || r.outbox.stale) problems.push(`outbox not settled: ${JSON.stringify(r.outbox)}`);
const s = r.settle;
if (s.convergenceWrites || s.outboxRowsAfter !== s.outboxRowsBefore || s.ledgerAfter !== s.ledgerBefore || s.writeCallsAfter !== s.writeCallsBefore) problems.push(`did not settle: ${JSON.stringify(s)}`);
if (values.json) console.log(JSON.stringify({ ...r, problems }, null, 2));
else {
  console.log(`\nWrite-back chaos: ${r.fieldUpdates} field updates over ${r.customers} customers (${r.outboxRows} outbox rows), faults ${Number(values['fault-rate']) * 100}% (timeouts: ${timeouts})`);
  console.log(`  ${r.kills.length} SIGKILLs while draining, ${r.workerStarts} worker processes started, ${r.selfExits} ended on their own`);
  for (const crm of ['salesforce', 'hubspot'] as const) {
    const c = r.crm[crm];
    console.log(`  ${crm.padEnd(10)} write calls ${c.writeCalls}, ledger ${c.ledgerEntries} record writes over ${c.records} records (${c.repeats} harmless repeats of the same values), creates ${c.creates}, deletes ${c.deletes}`);
  }
  console.log(`  final values ${r.finals.checked - r.finals.missing}/${r.finals.checked}; outbox ${JSON.stringify(r.outbox)}`);
  console.log(`  settle: ${s.polledRecords} records polled back, convergence writes ${s.convergenceWrites}, outbox rows ${s.outboxRowsBefore} → ${s.outboxRowsAfter}, ledger ${s.ledgerBefore} → ${s.ledgerAfter}, write calls ${s.writeCallsBefore} → ${s.writeCallsAfter}`);
  console.log(`  time: queued in ${r.seconds.enqueue.toFixed(0)} s, chaos phases ${r.seconds.chaos.toFixed(0)} s, total ${r.seconds.total.toFixed(0)} s`);
  console.log(problems.length ? `\nFAILED: ${problems.join('; ')}` : '\nOK');
}
process.exitCode = problems.length ? 1 : 0;
