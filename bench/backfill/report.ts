/**
 * The backfill bench's command line and its tables, apart from run.ts (which runs the bench when imported) so tests
 * can check both without running it.
 */
import { parseArgs } from 'node:util';
import { SCENARIO_CRMS } from './backfill.ts';
import type { BackfillBenchReport, CrmCalls, RunResult, Scenario } from './backfill.ts';

export interface BackfillArgs {
  people: number;
  scenarios: Scenario[];
  /** '' keeps the CLI's own change polling (15 s) to show what it adds; the measurement turns it off ('0'). */
  pollIntervalMs: string;
  latencyMs: number;
  /** Each backfill run a second time on its database, to show it reads everything again and creates nothing. */
  rerun: boolean;
  /** After each backfill, `customer-graph start` on its database with LINK_ON_START `always`, then `auto` (restart.ts). */
  restart: boolean;
  /** False (`--salesforce-bulk off`): the Salesforce sandbox refuses Bulk query jobs, so full reads page REST. */
  salesforceBulk: boolean;
  json: boolean;
}

export function parseBackfillArgs(args: string[]): BackfillArgs {
  const { values } = parseArgs({
    args,
    options: {
      people: { type: 'string', default: '20000' },
      scenarios: { type: 'string', default: 'salesforce,hubspot,both' },
      'poll-ms': { type: 'string', default: '0' },
      // Each sandbox call waits this long before it is answered: a real CRM's round trip instead of loopback's few ms.
      'latency-ms': { type: 'string', default: '0' },
      rerun: { type: 'boolean', default: false },
      restart: { type: 'boolean', default: false },
      // off: the Salesforce sandbox refuses Bulk API 2.0 query jobs, so full reads page REST /query (the before).
      'salesforce-bulk': { type: 'string', default: 'on' },
      json: { type: 'boolean', default: false },
    },
  });
  const people = Number(values.people);
  if (!Number.isInteger(people) || people < 1) throw new Error(`--people: "${values.people}" is not a positive whole number`);
  const latencyMs = Number(values['latency-ms']);
  if (!Number.isInteger(latencyMs) || latencyMs < 0) throw new Error(`--latency-ms: "${values['latency-ms']}" is not a whole number of milliseconds`);
  if (values['salesforce-bulk'] !== 'on' && values['salesforce-bulk'] !== 'off') throw new Error(`--salesforce-bulk: "${values['salesforce-bulk']}" is not on or off`);
  const scenarios = values.scenarios.split(',').map((s) => s.trim());
  for (const s of scenarios) {
    if (!Object.hasOwn(SCENARIO_CRMS, s)) throw new Error(`--scenarios: unknown scenario "${s}" (known: ${Object.keys(SCENARIO_CRMS).join(', ')})`);
  }
  return {
    people, scenarios: scenarios as Scenario[], pollIntervalMs: values['poll-ms'] === 'default' ? '' : values['poll-ms'], latencyMs, rerun: values.rerun, restart: values.restart, json: values.json,
    salesforceBulk: values['salesforce-bulk'] === 'on',
  };
}

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
      // Several CRMs in one run: records/s is the overall rate; per-CRM rates come from the single-CRM runs.
      const total: CrmCalls = crms.reduce((t, [, c]) => ({
        records: t.records + c.records, pageCalls: t.pageCalls + c.pageCalls, floorCalls: t.floorCalls + c.floorCalls,
        tokenCalls: t.tokenCalls + c.tokenCalls, otherCalls: t.otherCalls + c.otherCalls, routes: {},
      }), { records: 0, pageCalls: 0, floorCalls: 0, tokenCalls: 0, otherCalls: 0, routes: {} });
      line(r, crms.map(([crm]) => crm).join(' + '), total, r.recordsRead);
    }
  }
  return rows.join('\n');
}

/**
 * Per CRM of the multi-CRM runs: its page calls against its own floor (the table's row sums them); and every run
 * with Pipedrive, for the calls its burst limit refused (the table has no column for them).
 */
export function renderPerCrm(report: BackfillBenchReport): string[] {
  return report.runs.filter((r) => Object.keys(r.crms).length > 1 || r.crms.pipedrive).map((r) => `${r.scenario} (${r.driver}) by CRM: ${
    (Object.entries(r.crms) as [string, CrmCalls][]).map(([crm, c]) => `${crm} ${c.records} records, ${c.pageCalls} page calls (floor ${c.floorCalls}), ${c.tokenCalls} token, ${c.otherCalls} other${c.refusedCalls !== undefined ? `, ${c.refusedCalls} refused` : ''}`).join('; ')
  }`);
}

/**
 * The restarts (`--restart`): per run, the start that reads everything (`always`) against the one that reads as
 * planned (`auto`), with the backfill's page calls beside them.
 */
export function renderRestarts(report: BackfillBenchReport): string {
  const rows: string[] = [
    '| run | database | start | ready after s | page calls | all calls | records read | objects resumed | backfill page calls | exit |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of report.runs) {
    if (!r.restart) continue;
    const backfillPages = Object.values(r.crms).reduce((n, c) => n + c.pageCalls, 0);
    for (const s of [r.restart.always, r.restart.auto]) {
      rows.push(`| ${r.scenario} | ${r.driver} | ${s.mode} | ${s.ready ? s.readySeconds.toFixed(1) : 'never ready'} | ${s.pageCalls} | ${s.totalCalls} | ${s.recordsRead} | ${s.resumedObjects} | ${backfillPages} | ${s.exitCode} |`);
    }
  }
  return rows.join('\n');
}
