/**
 * Rendering of the golden-query bench: the markdown table, the machine it ran on, and its own section of
 * docs/benchmarks.md (other benches keep theirs; only the text between our markers is replaced).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { LoadResult } from './load.ts';

export interface StepResult extends LoadResult {
  cacheTtlMs: number;
  /** Calls the sandboxes counted during the step, by CRM, and per completed GraphQL request. */
  upstream: Record<string, { calls: number; perRequest: number; routes: Record<string, number> }>;
  gatewayRssBytes: number;
  gatewayPeakRssBytes: number;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  os: string;
  loadAverage1m: number;
}

export function describeMachine(): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const perReq = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(2));
const ttlLabel = (ttl: number) => (ttl > 0 ? `${ttl} ms (cache on)` : '0 (cache off)');

const CRM_NAMES: Record<string, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot' };

export function markdownTable(steps: StepResult[]): string {
  const crms = [...new Set(steps.flatMap((s) => Object.keys(s.upstream)))];
  const crmName = (crm: string) => CRM_NAMES[crm] ?? crm;
  const header = [
    'record cache TTL', 'concurrency', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors',
    ...crms.map((c) => `${crmName(c)} calls/req`), 'gateway RSS MB (peak)',
  ];
  const rows = steps.map((s) => [
    ttlLabel(s.cacheTtlMs), String(s.connections), String(s.requests), s.requestsPerSecond.toFixed(1), ms(s.p50Ms), ms(s.p99Ms),
    String(s.errors), ...crms.map((c) => perReq(s.upstream[c]?.perRequest)), `${mb(s.gatewayRssBytes)} (${mb(s.gatewayPeakRssBytes)})`,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export function machineLine(m: Machine): string {
  return `${m.cpus} CPUs (${m.cpuModel}), ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, Node ${m.node}, ${m.os}; ` +
    `1-minute load average ${m.loadAverage1m.toFixed(2)} at the start of the run`;
}

export const SECTION_START = '<!-- bench:golden-query:start -->';
export const SECTION_END = '<!-- bench:golden-query:end -->';

export interface SectionInput {
  steps: StepResult[];
  machine: Machine;
  command: string;
  query: string;
  mode: string;
  customersPerResponse: number;
  responseBytes: number;
  date: string;
}

export function renderSection(r: SectionInput): string {
  return [
    SECTION_START,
    '## Golden customers query',
    '',
    'The golden page query of issue 5, over HTTP against the whole product as `npm start` runs it (embedded PGlite,',
    'the demo Salesforce and HubSpot sandboxes in their own process, linking on start), once with the native record',
    'cache at its default TTL and once with it off, so that every request goes to both sandboxes:',
    '',
    '```graphql',
    r.query,
    '```',
    '',
    `Each answer holds ${r.customersPerResponse} golden customers (${(r.responseBytes / 1024).toFixed(0)} kB of JSON). ` +
      `Load: autocannon, keep-alive connections, one request in flight per connection (concurrency = connections), ${r.mode}, after a warm-up.`,
    '"calls/req" is what the sandboxes counted (`/_sandbox/stats`, reset before each row) divided by the requests sent',
    '(a timed row ends with requests in flight: the gateway still serves them, so the count waits for them);',
    'the CRM rate limits of the sandboxes are raised for the run (real HubSpot allows 190 calls per 10 s per account,',
    'which would cap the uncached rows at 19 requests/s). Gateway RSS is the gateway process after the row, peak since its start.',
    '',
    markdownTable(r.steps),
    '',
    'Reading the table: with the cache off every page of customers costs exactly one call per CRM (one SOQL query,',
    'one HubSpot batch read), whatever the concurrency; with the cache on the CRMs see about one call per CRM per TTL',
    'window, shared by every request in it. Throughput that hardly grows past concurrency 1 means the gateway process',
    '(one Node thread) is CPU-bound: extra connections only queue, which shows in p50/p99. Rows are short, so p99 is',
    'close to the slowest request of the row; `--duration 30` gives steadier percentiles. To see where the time goes:',
    '`NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- golden-query --ttl 5000 --concurrency 8`.',
    '',
    `Machine: ${machineLine(r.machine)}. **The machine is shared with other engineers working at the same time, and the`,
    'gateway, the sandboxes and the load generator share its cores**, so these numbers are a floor and vary between runs;',
    `compare rows of one run with each other rather than with other machines. Run ${r.date}: \`${r.command}\`.`,
    SECTION_END,
  ].join('\n');
}

const FILE_HEADER = '# Benchmarks\n\nResults of the scripts in `bench/`, with the machine they ran on.\n';

/** Replaces this bench's section (between its markers) in `file`, or appends it; every other section is kept. */
export function writeDocsSection(file: string, section: string): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : FILE_HEADER;
  const start = current.indexOf(SECTION_START);
  const end = current.indexOf(SECTION_END);
  const next = start >= 0 && end > start
    ? current.slice(0, start) + section + current.slice(end + SECTION_END.length)
    : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
}
