/**
 * The change-latency measurement: a gateway process (gateway-process.ts) with change capture on, N graphql-ws
 * subscribers on `customerChanged`, and phone changes made one after the other in a CRM sandbox (HubSpot by default;
 * Pipedrive, Salesforce, Dynamics 365 or Zoho CRM) through its CRM API (crm-changes.ts). Latency is from the moment
 * the sandbox acknowledged the write (the PATCH or PUT answered: the change is committed there) to the moment a
 * subscriber holds the new merged phone; the call's own duration is reported beside it, so "from just before the
 * call" is that much more.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { phoneChange, pushesMade } from './crm-changes.ts';
import type { LatencyCrm, SandboxUrls } from './crm-changes.ts';
import { PREFIX } from './protocol.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type { LatencyCrm } from './crm-changes.ts';

export interface LatencyOptions {
  mode: 'webhook' | 'poll';
  /** Where the changes are made (default HubSpot). */
  crm?: LatencyCrm;
  pollMs?: number;
  subscribers: number;
  changes: number;
  /** Distinct customers the changes cycle through. */
  customers?: number;
  /** Per change: how long to wait for every subscriber before counting it missing. */
  timeoutMs?: number;
  log?: (msg: string) => void;
}

export interface LatencyReport {
  mode: 'webhook' | 'poll';
  crm: LatencyCrm;
  pollMs: number;
  driver: string;
  subscribers: number;
  changes: number;
  customers: number;
  expectedDeliveries: number;
  deliveries: number;
  /** Changes not seen by every subscriber within the timeout. */
  missing: number;
  /** Events that were not one of our changes (another field, a repeat): counted, not timed. */
  otherEvents: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Duration of the CRM API call (PATCH, or Zoho's PUT) itself. */
  callMs: { p50: number; p99: number };
  /** Push mode: webhooks or notifications the sandbox delivered, or for Salesforce the CDC events it published. */
  webhooksDelivered: number | undefined;
  /**
   * Poll mode: pushes the sandbox made while the changes were measured (0 when its push is off as it should be);
   * undefined for Salesforce, whose push is the gateway's stream (see openStreams).
   */
  pushedWhilePolling: number | undefined;
  /** CRMs whose change stream the gateway held open at the end (Salesforce CDC unless switched off). */
  openStreams: string[];
  gatewayRssBytes: number;
  gatewayPeakRssBytes: number;
  seconds: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Gateway extends SandboxUrls {
  url: string;
  driver: string;
  stats(): Promise<{ subscriptions: { subscribers: number; deliveries: number; dropped: number }; streams: string[]; rss: number; maxRss: number }>;
  stop(): Promise<void>;
}

async function startGateway(mode: 'webhook' | 'poll', pollMs: number, crm: LatencyCrm, log: (m: string) => void): Promise<Gateway> {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'bench/change-latency/gateway-process.ts'), mode, String(pollMs), crm], {
    cwd: root, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
  });
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith(PREFIX)) waiting.shift()?.(JSON.parse(line.slice(PREFIX.length)) as Record<string, unknown>);
    else log(`[gateway] ${line}`);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    waiting.push(resolve);
    void exited.then((code) => reject(new Error(`gateway process exited with ${code}`)));
  });
  const hello = (await next()) as unknown as SandboxUrls & { url: string; driver: string };
  return {
    ...hello,
    async stats() {
      const answer = next();
      child.stdin!.write('stats\n');
      return (await answer) as Awaited<ReturnType<Gateway['stats']>>;
    },
    async stop() {
      if (child.exitCode === null) child.stdin!.end('exit\n');
      await exited;
    },
  };
}

async function gql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors?.length) throw new Error(`query failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const digits = (phone: string | null | undefined) => (phone ?? '').replace(/\D/g, '');

export async function runChangeLatency(opts: LatencyOptions): Promise<LatencyReport> {
  const log = opts.log ?? (() => {});
  const pollMs = opts.mode === 'poll' ? (opts.pollMs ?? 1000) : 0;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const crm = opts.crm ?? 'hubspot';
  const gw = await startGateway(opts.mode, pollMs, crm, log);
  const clients: Client[] = [];
  try {
    const changePhone = await phoneChange(crm, gw);
    // Customers with a record in the CRM, those with a record in another CRM too first (the change is merged with it).
    const page = await gql<{ customers: { edges: { node: { id: string; sources: { crm: string; recordId: string }[] } }[] } }>(gw.url,
      '{ customers(first: 500) { edges { node { id sources { crm recordId } } } } }');
    const targets = page.customers.edges.map((e) => e.node)
      .map((n) => ({ id: n.id, recordId: n.sources.find((s) => s.crm === crm)?.recordId, both: n.sources.some((s) => s.crm !== crm) }))
      .filter((n): n is { id: string; recordId: string; both: boolean } => Boolean(n.recordId))
      .sort((a, b) => Number(b.both) - Number(a.both))
      .slice(0, opts.customers ?? 20);
    if (!targets.length) throw new Error(`no customer with a ${crm} record in the demo set`);

    // pending: `${customerId}|${digits}` → change index; received[change] = arrival times, one per subscriber.
    const pending = new Map<string, number>();
    const received: Map<number, number>[] = [];
    let otherEvents = 0;
    const query = 'subscription($ids: [ID!]) { customerChanged(ids: $ids, fields: ["phone"]) { customerId changedFields customer { phone } } }';
    for (let s = 0; s < opts.subscribers; s++) {
      const client = createClient({ url: `${gw.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      clients.push(client);
      client.subscribe({ query, variables: { ids: targets.map((t) => t.id) } }, {
        next: (r) => {
          const at = now();
          const c = (r.data as { customerChanged?: { customerId: string; customer: { phone: string | null } | null } } | undefined)?.customerChanged;
          const change = c ? pending.get(`${c.customerId}|${digits(c.customer?.phone)}`) : undefined;
          if (change !== undefined && !received[change]!.has(s)) received[change]!.set(s, at);
          else if (++otherEvents <= 5 && s === 0) log(`event that is not one of ours: ${JSON.stringify(r.data)}`);
        },
        error: (e) => log(`subscriber ${s}: ${JSON.stringify(e)}`),
        complete: () => {},
      });
    }
    await until(async () => (await gw.stats()).subscriptions.subscribers >= opts.subscribers, 120_000, `${opts.subscribers} subscriptions`);
    log(`${crm} ${opts.mode}: ${opts.subscribers} subscribers on ${targets.length} customers; ${opts.changes} changes`);

    const committedAt: number[] = [];
    const callMs: number[] = [];
    let missing = 0;
    const pushesBefore = opts.mode === 'poll' && crm !== 'salesforce' ? await pushesMade(crm, gw) : undefined;
    const started = now();
    for (let i = 0; i < opts.changes; i++) {
      const target = targets[i % targets.length]!;
      // A new, valid US number per change (212-7xx exchanges); its digits identify the change in the payload.
      const phone = `+1 212 7${String(10 + (i % 90)).padStart(2, '0')} ${String(1000 + i).slice(-4)}`;
      received[i] = new Map();
      pending.set(`${target.id}|${digits(phone)}`, i);
      // A random pause first, so changes fall at random points of the poll interval (or webhook batch window).
      await sleep(Math.random() * (opts.mode === 'poll' ? pollMs : 200));
      const before = now();
      const res = await changePhone(target.recordId, phone);
      const after = now();
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`phone change of ${crm} record ${target.recordId}: ${res.status}`);
      committedAt[i] = after;
      callMs.push(after - before);
      try {
        await until(() => received[i]!.size >= opts.subscribers, timeoutMs, `change ${i}`);
      } catch {
        missing++;
        log(`change ${i} (customer ${target.id}, phone ${phone}): ${received[i]!.size}/${opts.subscribers} subscribers within ${timeoutMs} ms`);
      }
      if ((i + 1) % 50 === 0) log(`  ${i + 1}/${opts.changes} changes`);
    }
    const seconds = (now() - started) / 1000;
    const latencies = received.flatMap((m, i) => [...m.values()].map((at) => at - committedAt[i]!)).sort((a, b) => a - b);
    const calls = [...callMs].sort((a, b) => a - b);
    const stats = await gw.stats();
    const webhooks = opts.mode === 'webhook' ? await pushesMade(crm, gw) : undefined;
    const pushedWhilePolling = pushesBefore === undefined ? undefined : (await pushesMade(crm, gw)) - pushesBefore;
    return {
      mode: opts.mode, crm, pollMs, driver: gw.driver, subscribers: opts.subscribers, changes: opts.changes, customers: targets.length,
      expectedDeliveries: opts.changes * opts.subscribers, deliveries: latencies.length, missing, otherEvents,
      latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN },
      callMs: { p50: percentile(calls, 50), p99: percentile(calls, 99) },
      webhooksDelivered: webhooks, pushedWhilePolling, openStreams: stats.streams, gatewayRssBytes: stats.rss, gatewayPeakRssBytes: stats.maxRss, seconds,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await gw.stop();
  }
}
