/**
 * The bench side of gateway-process.ts (start it, speak its line protocol) and of the sandboxes' `/_sandbox/`
 * control plane (stats, ledger, limits, faults), shared by the write-back bench and the chaos run.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PREFIX } from './protocol.ts';
import type { Hello } from './protocol.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');

export interface GatewayProcess extends Hello {
  command<T = Record<string, unknown>>(cmd: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startGatewayProcess(seedDir: string, args: string[], log: (line: string) => void): Promise<GatewayProcess> {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(here, 'gateway-process.ts'), seedDir, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true', METADATA_SERVER_DETECTION: 'none' },
  });
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(PREFIX)) waiting.shift()?.(JSON.parse(line.slice(PREFIX.length)) as Record<string, unknown>);
    else log(line);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = <T>() => new Promise<T>((resolve, reject) => {
    waiting.push(resolve as (v: Record<string, unknown>) => void);
    void exited.then((code) => reject(new Error(`gateway process exited with ${code}`)));
  });
  const hello = await next<Hello>();
  return {
    ...hello,
    async command<T>(cmd: string) {
      const answer = next<T>();
      child.stdin!.write(`${cmd}\n`);
      return answer;
    },
    async stop() {
      if (child.exitCode === null) child.stdin!.end('exit\n');
      await exited;
    },
  };
}

export async function sandbox<T = unknown>(base: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/_sandbox/${route}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${base}/_sandbox/${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface LedgerEntry { seq: number; at: string; method: string; route: string; objectType: string; recordId: string; operation: string; fields: Record<string, unknown> }
export interface Stats { total: number; routes: Record<string, number> }

export const readLedger = async (base: string) => (await sandbox<{ entries: LedgerEntry[] }>(base, 'GET', 'ledger')).entries;
export const readStats = (base: string) => sandbox<Stats>(base, 'GET', 'stats');

/** Empties the ledger and the call counts, and lifts the daily and burst limits (the bench measures us, not a quota). */
export async function resetCounters(crms: { salesforce: string; hubspot: string }): Promise<void> {
  await sandbox(crms.salesforce, 'PUT', 'limits', { dailyApiLimit: 1e9, apiUsage: 0 });
  await sandbox(crms.hubspot, 'PUT', 'limits', { tenSecondLimit: 1e9, dailyLimit: 1e9 });
  for (const base of [crms.salesforce, crms.hubspot]) {
    await sandbox(base, 'DELETE', 'ledger');
    await sandbox(base, 'POST', 'stats/reset');
  }
}

/** Write calls by CRM route shape: Salesforce composite/sobject writes, HubSpot batch and single-object writes. */
export const WRITE_ROUTES = {
  salesforce: /^(PATCH|POST|DELETE) .*\/(composite\/sobjects|sobjects\/[^/]+)(\/|$)/,
  hubspot: /^(PATCH|DELETE) .*\/objects\/|^POST .*\/objects\/[^/]+(\/batch\/(update|create|upsert|archive))?$/,
} as const;

export function countCalls(stats: Stats, re: RegExp): number {
  return Object.entries(stats.routes).filter(([k]) => re.test(k)).reduce((n, [, v]) => n + v, 0);
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  }));
}
