/**
 * The golden-query bench runs end to end through the bench runner (a few requests, no timing asserted) and
 * reports numbers; the runner finds benchmarks by convention; the docs section replaces only itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { discoverBenchmarks, splitArgs } from '../../../bench/run.ts';
import { SECTION_END, SECTION_START, writeDocsSection } from '../../../bench/golden-query/report.ts';
import type { StepResult } from '../../../bench/golden-query/report.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bench/run.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('golden-query bench', () => {
  it('drives the golden page query with the record cache on and off and reports rate, latency, errors, CRM calls and memory', async () => {
    const { code, stdout, stderr } = await runBench(['golden-query', '--requests', '4', '--concurrency', '2', '--warmup', '2', '--ttl', '60000,0', '--json']);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { steps: StepResult[]; customersPerResponse: number; machine: { cpus: number; node: string } };
    expect(report.customersPerResponse).toBeGreaterThan(0);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.steps.map((s) => [s.cacheTtlMs, s.connections])).toEqual([[60000, 2], [0, 2]]);
    for (const step of report.steps) {
      expect(step.requests).toBe(4);
      expect(step.errors).toBe(0);
      expect(step.requestsPerSecond).toBeGreaterThan(0);
      expect(step.p50Ms).toBeGreaterThan(0);
      expect(step.p99Ms).toBeGreaterThanOrEqual(step.p50Ms);
      expect(step.gatewayRssBytes).toBeGreaterThan(0);
      expect(step.gatewayPeakRssBytes).toBeGreaterThanOrEqual(step.gatewayRssBytes);
    }
    const [cached, uncached] = report.steps;
    // Warm cache (TTL far longer than the run): no CRM call at all. Cache off: one batched read per CRM and page
    // of linked records — Salesforce reads 300 ids per query; HubSpot 100 per batch read, and the first 100
    // customers link slightly more than 100 HubSpot contacts (some people have two), hence up to 2.
    expect(cached!.upstream.salesforce!.calls).toBe(0);
    expect(cached!.upstream.hubspot!.calls).toBe(0);
    expect(uncached!.upstream.salesforce!.perRequest).toBe(1);
    expect(uncached!.upstream.hubspot!.perRequest).toBeGreaterThanOrEqual(1);
    expect(uncached!.upstream.hubspot!.perRequest).toBeLessThanOrEqual(2);
  }, 240_000);
});

describe('bench runner', () => {
  it('finds benchmarks as bench/<name>/run.ts folders and bench/<name>.ts modules, with their descriptions', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-runner-'));
    fs.mkdirSync(path.join(dir, 'alpha'));
    fs.writeFileSync(path.join(dir, 'alpha/run.ts'), '/**\n * Alpha bench: measures alpha.\n *\n * usage…\n */\n');
    fs.mkdirSync(path.join(dir, 'no-runner'));
    fs.writeFileSync(path.join(dir, 'beta.ts'), "export default { name: 'beta', description: 'Beta module', run() {} };\n");
    fs.writeFileSync(path.join(dir, 'run.ts'), '');
    expect(discoverBenchmarks(dir).map(({ name, kind, description }) => ({ name, kind, description }))).toEqual([
      { name: 'alpha', kind: 'script', description: 'Alpha bench: measures alpha.' },
      { name: 'beta', kind: 'module', description: 'Beta module' },
    ]);
    expect(discoverBenchmarks().map((b) => b.name)).toContain('golden-query');
  });

  it('splits benchmark names from the arguments passed to them', () => {
    const known = ['golden-query', 'identity'];
    expect(splitArgs(['golden-query', '--duration', '1'], known)).toEqual({ names: ['golden-query'], rest: ['--duration', '1'] });
    expect(splitArgs(['identity', 'golden-query', '--', 'identity'], known)).toEqual({ names: ['identity', 'golden-query'], rest: ['identity'] });
    expect(splitArgs(['all'], known)).toEqual({ names: known, rest: [] });
    expect(splitArgs(['nope'], known)).toEqual({ names: [], rest: ['nope'] });
  });

  it('refuses an unknown benchmark with exit code 2 and the list', async () => {
    const { code, stdout, stderr } = await runBench(['no-such-bench']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown benchmark "no-such-bench"');
    expect(stdout).toContain('golden-query');
  }, 60_000);
});

describe('docs section', () => {
  it('replaces only its own section of docs/benchmarks.md', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-docs-')), 'benchmarks.md');
    writeDocsSection(file, `${SECTION_START}\n## Golden customers query\nfirst\n${SECTION_END}`);
    fs.appendFileSync(file, '\n## Another bench\nkept\n');
    writeDocsSection(file, `${SECTION_START}\n## Golden customers query\nsecond\n${SECTION_END}`);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Benchmarks/);
    expect(text).toContain('second');
    expect(text).not.toContain('first');
    expect(text).toContain('## Another bench\nkept');
    expect(text.split(SECTION_START)).toHaveLength(2);
  });
});
