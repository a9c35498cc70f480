/** The write-back bench's result shape and its printed summary (one block per mode). */
import os from 'node:os';

export interface CrmResult {
  writeCalls: number;
  readCalls: number;
  recordsDistinct: number;
  /** Ledger entries: record writes the CRM applied (a record written in two rounds counts twice). */
  recordWrites: number;
  creates: number;
  /** ceil(distinct records / batch limit). */
  bound: number;
  /** ceil(record writes / batch limit). */
  boundPerWrites: number;
  routes: Record<string, number>;
}

export interface ModeResult {
  mode: 'drain' | 'live';
  customers: number;
  fieldUpdates: number;
  mutations: number;
  outboxRows: number;
  concurrency: number;
  pauseMs: number;
  salesforce: CrmResult;
  hubspot: CrmResult;
  enqueueSeconds: number;
  drainSeconds: number;
  totalSeconds: number;
  outbox: Record<string, number>;
  finals: { checked: number; missing: number; examples: unknown[] };
  loadAverage1m: number[];
}

export function printResult(r: ModeResult): void {
  const line = (crm: string, c: CrmResult, size: number) =>
    `  ${crm.padEnd(10)} write calls ${String(c.writeCalls).padStart(4)}  bound ceil(${c.recordsDistinct}/${size}) = ${c.bound}` +
    `  (record writes ${c.recordWrites}, ceil(/${size}) = ${c.boundPerWrites})  other calls ${c.readCalls}  creates ${c.creates}`;
  console.log(`\nWrite-back, mode ${r.mode}: ${r.fieldUpdates} field updates (${r.mutations} updateCustomer mutations, concurrency ${r.concurrency}) over ${r.customers} customers → ${r.outboxRows} outbox rows`);
  console.log(line('Salesforce', r.salesforce, 200));
  console.log(line('HubSpot', r.hubspot, 100));
  console.log(`  mutations sent in ${r.enqueueSeconds.toFixed(1)} s (${(r.mutations / r.enqueueSeconds).toFixed(0)}/s); outbox drained in ${r.drainSeconds.toFixed(1)} s` +
    `${r.mode === 'drain' ? ' after the worker started' : ' after the last mutation'}; total ${r.totalSeconds.toFixed(1)} s (${(r.fieldUpdates / r.totalSeconds).toFixed(0)} field updates/s end to end)`);
  console.log(`  outbox ${JSON.stringify(r.outbox)}; final values ${r.finals.checked - r.finals.missing}/${r.finals.checked} present`);
  console.log(`  machine ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average (1 min) ${r.loadAverage1m.map((l) => l.toFixed(2)).join(' → ')}, Node ${process.version}`);
}
