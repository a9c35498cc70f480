/**
 * What a restart on a linked database costs: after a scenario's backfill, `customer-graph start` as a process on the
 * backfill's database, once with `CUSTOMER_GRAPH_LINK_ON_START=always` (every start reads every CRM, as before the
 * start-time link plan, cli/start-link-plan.ts) and once with `auto` (the default: only golden types with an object
 * that has no change cursor are read; polling resumes the rest). For each: seconds from spawn to the ready line, the
 * sandbox calls made until then, and the records the start-time link run read. Polling is set to a long interval, so
 * no poll round runs before ready and its calls are not counted as the start's.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Crm, CrmCalls } from './backfill.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type LinkOnStart = 'always' | 'auto';
/** How long after the ready line (and the call counts read) the process is stopped. */
const STOP_AFTER_READY_MS = 1000;

export interface StartRun {
  mode: LinkOnStart;
  /** Whether the process printed its ready line ("customer-graph is ready: …"). */
  ready: boolean;
  /** Seconds from spawn to the ready line (NaN when it never became ready). */
  readySeconds: number;
  /** Records the start-time link run read ('linked native records to golden records'); 0 when it did not run. */
  recordsRead: number;
  /** Whether the link run ran at all (it logs its report), and the objects the start said polling resumes. */
  linked: boolean;
  resumedObjects: number;
  /** Calls each sandbox counted from spawn to ready, split as the backfill's are. */
  crms: Partial<Record<Crm, CrmCalls>>;
  pageCalls: number;
  totalCalls: number;
  /** Exit code after SIGTERM (0 expected), or the code it exited with before ready; 128 + n when a signal ended it. */
  exitCode: number;
  /** The signal that ended the process when it did not exit by itself (SIGTERM: it did not handle the stop). */
  exitSignal: string | null;
  /** Seconds from SIGTERM to exit. */
  stopSeconds: number;
  load: { start: number; end: number };
  /** The tail of what it wrote to stderr, and of its stdout when it did not become ready or did not exit 0. */
  output: string;
}

export interface RestartOptions {
  /** The backfill's environment (cliEnv): the same CRMs, database and key. */
  env: NodeJS.ProcessEnv;
  crms: readonly Crm[];
  urls: Partial<Record<Crm, string>>;
  control(base: string, method: string, route: string): Promise<unknown>;
  /** Splits a sandbox's route counts (backfill.ts classifyCalls with the scenario's seeded records). */
  classify(crm: Crm, routes: Record<string, number>): CrmCalls;
  /** Longest wait for the ready line (default 30 minutes: `always` reads everything). */
  readyTimeoutMs?: number;
}

/** What a start's stdout says: its ready line and, among its pino JSON lines, the link run's report and the skip. */
export function parseStartOutput(stdout: string): { ready: boolean; linked: boolean; recordsRead: number; resumedObjects: number } {
  let linked = false;
  let recordsRead = 0;
  let resumedObjects = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: { msg?: unknown; recordsRead?: unknown; objects?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.msg === 'linked native records to golden records') {
      linked = true;
      recordsRead += Number(entry.recordsRead ?? 0);
    } else if (typeof entry.msg === 'string' && entry.msg.startsWith('not read again at start') && Array.isArray(entry.objects)) {
      resumedObjects += entry.objects.length;
    }
  }
  return { ready: /^customer-graph is ready: /m.test(stdout), linked, recordsRead, resumedObjects };
}

/** The start's environment: the backfill's, on a free loopback port, with logs at info and no poll round before ready. */
export function startEnv(env: NodeJS.ProcessEnv, mode: LinkOnStart): NodeJS.ProcessEnv {
  return {
    ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', CUSTOMER_GRAPH_LINK_ON_START: mode,
    // Polling is what catches `auto` up, but a round before ready would charge its calls to the start.
    CUSTOMER_GRAPH_POLL_INTERVAL_MS: '600000',
  };
}

async function startOnce(opts: RestartOptions, mode: LinkOnStart): Promise<StartRun> {
  for (const crm of opts.crms) await opts.control(opts.urls[crm]!, 'POST', 'stats/reset');
  const loadAtStart = os.loadavg()[0]!;
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'bin/customer-graph.js'), 'start'], { cwd: root, env: startEnv(opts.env, mode), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({
    code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1), signal,
  })));
  let onReady: () => void = () => {};
  const readyLine = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (/^customer-graph is ready: /m.test(stdout)) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.readyTimeoutMs ?? 30 * 60_000)));
  const first = await Promise.race([readyLine.then(() => 'ready' as const), exited.then(() => 'exited' as const), timedOut]);
  clearTimeout(timer);
  const readySeconds = first === 'ready' ? (performance.now() - started) / 1000 : NaN;
  const load = { start: loadAtStart, end: os.loadavg()[0]! };
  // The calls up to ready: read before the stop, which could make calls of its own.
  const crms: StartRun['crms'] = {};
  for (const crm of opts.crms) {
    const stats = (await opts.control(opts.urls[crm]!, 'GET', 'stats')) as { routes: Record<string, number> };
    crms[crm] = opts.classify(crm, stats.routes);
  }
  // SIGTERM at once after the ready line sometimes ended the process by the signal's default action, with no
  // shutdown (exit 143); a second later it is handled (cli/shutdown-signal.ts). The calls above are read already.
  if (first === 'ready') await new Promise((resolve) => setTimeout(resolve, STOP_AFTER_READY_MS));
  const stopping = performance.now();
  if (first !== 'exited') child.kill('SIGTERM');
  // A stop that hangs is a finding, not a reason to leave the process behind.
  const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const { code: exitCode, signal: exitSignal } = await exited;
  const stopSeconds = (performance.now() - stopping) / 1000;
  clearTimeout(killer);
  const parsed = parseStartOutput(stdout);
  const calls = Object.values(crms);
  return {
    mode, ready: first === 'ready', readySeconds, recordsRead: parsed.recordsRead, linked: parsed.linked, resumedObjects: parsed.resumedObjects,
    crms, pageCalls: calls.reduce((n, c) => n + c.pageCalls, 0), totalCalls: calls.reduce((n, c) => n + c.pageCalls + c.tokenCalls + c.otherCalls, 0),
    exitCode, exitSignal, stopSeconds, load,
    output: (first === 'ready' && exitCode === 0 ? stderr : `${stdout.slice(-3000)}\n${stderr}`).slice(-4000),
  };
}

/** `always`, then `auto`, on the same database: each start after a stop of the one before. */
export async function measureRestarts(opts: RestartOptions): Promise<{ always: StartRun; auto: StartRun }> {
  const always = await startOnce(opts, 'always');
  const auto = await startOnce(opts, 'auto');
  return { always, auto };
}
