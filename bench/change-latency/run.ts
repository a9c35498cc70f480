/**
 * Change-to-subscriber latency bench: a phone changed in a CRM sandbox (through the CRM's own API) until every
 * graphql-ws subscriber of `customerChanged` holds the new merged phone, through the CRM's push path (`webhook`
 * mode: sandbox push → inbox → worker → snapshot → NOTIFY → subscribers) and through polling (push off); p50/p99.
 * Push paths by `--crm`: HubSpot signed webhook, Pipedrive webhook, Salesforce CDC stream, Dynamics 365 webhook,
 * Zoho CRM notification (crm-changes.ts).
 *
 *   npm run bench -- change-latency [--modes webhook,poll] [--changes 200] [--subscribers 10] [--poll-ms 1000]
 *                                   [--customers 20] [--crm hubspot|pipedrive|salesforce|dynamics|zoho] [--json]
 *
 * One gateway process per mode (the app as `npm start` runs it, demo sandboxes in their own process); changes are
 * made one at a time, each after the previous one reached every subscriber, after a random pause (up to one poll
 * interval, or the sandbox's 200 ms webhook batch window) so they fall at random points of the cycle. DATABASE_URL
 * selects Postgres. Fan-out to 1,000 subscribers is bench/subscriptions. Results: docs/change-latency-bench.md.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { CRM_NAME, isLatencyCrm, LATENCY_CRMS, PUSH_PATH } from './crm-changes.ts';
import { runChangeLatency } from './latency.ts';
import type { LatencyReport } from './latency.ts';

const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'webhook,poll' },
    changes: { type: 'string', default: '200' },
    subscribers: { type: 'string', default: '10' },
    'poll-ms': { type: 'string', default: '1000' },
    customers: { type: 'string', default: '20' },
    crm: { type: 'string', default: 'hubspot' },
    json: { type: 'boolean', default: false },
  },
});
const whole = (raw: string, name: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: "${raw}" is not a positive whole number`);
  return n;
};
const modes = values.modes.split(',').map((m) => m.trim());
for (const m of modes) if (m !== 'webhook' && m !== 'poll') throw new Error(`--modes: unknown mode "${m}"`);
const crm = values.crm;
if (!isLatencyCrm(crm)) throw new Error(`--crm: "${crm}" is not one of ${LATENCY_CRMS.join(', ')}`);

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
export function renderTable(reports: LatencyReport[]): string {
  return [
    '| path | database | subscribers | changes | deliveries | missing | p50 ms | p90 ms | p99 ms | max ms | call p50 ms | gateway RSS MB (peak) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...reports.map((r) => `| ${r.mode === 'webhook' ? PUSH_PATH[r.crm] : `${CRM_NAME[r.crm]} change, polling every ${r.pollMs} ms`} | ${r.driver} | ${r.subscribers} | ${r.changes} | ${r.deliveries} / ${r.expectedDeliveries} | ${r.missing} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p90)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.max)} | ${ms(r.callMs.p50)} | ${(r.gatewayRssBytes / 2 ** 20).toFixed(0)} (${(r.gatewayPeakRssBytes / 2 ** 20).toFixed(0)}) |`),
  ].join('\n');
}

const log = (msg: string) => process.stderr.write(`[change-latency] ${msg}\n`);
const reports: LatencyReport[] = [];
for (const mode of modes as ('webhook' | 'poll')[]) {
  reports.push(await runChangeLatency({
    mode, crm, pollMs: whole(values['poll-ms'], 'poll-ms'), subscribers: whole(values.subscribers, 'subscribers'),
    changes: whole(values.changes, 'changes'), customers: whole(values.customers, 'customers'), log,
  }));
}
if (values.json) console.log(JSON.stringify(reports, null, 2));
else {
  console.log(`\n${renderTable(reports)}`);
  console.log(`\nMachine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} at the end.`);
}
if (reports.some((r) => r.missing > 0)) process.exitCode = 1;
