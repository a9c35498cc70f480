/** Set-up shared by the Dynamics connector's own tests: sandboxes closed after each test, connectors, the change feed drained. */
import { afterEach } from 'vitest';
import type { ChangeBatch, ChangeCursor, ChangeOptions, Connector } from '../../../connectors/contract/index.ts';
import type { DynamicsConnector } from '../../../connectors/dynamics/index.ts';
import type { DynamicsSeed, RunningDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import type { HarnessConnectOptions } from '../contract-suite/index.ts';
import { connectDynamics, startDynamics } from './harness.ts';

const open: RunningDynamicsSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

let sequence = 0;

export async function start(seed: DynamicsSeed = {}, options: { deltaRetentionVersions?: number } = {}): Promise<RunningDynamicsSandbox> {
  const sandbox = await startDynamics(seed, options);
  open.push(sandbox);
  return sandbox;
}

export function connect(sandbox: RunningDynamicsSandbox, options: Partial<Parameters<typeof connectDynamics>[1]> = {}): DynamicsConnector {
  return connectDynamics(sandbox, { connectorId: `dynamics-own-${process.pid}-${++sequence}-${Date.now()}`, ...options } as HarnessConnectOptions);
}

/** Loads rows as if imported (a known id replaces its row with the next version), timestamps kept. */
export async function seedMore(sandbox: RunningDynamicsSandbox, seed: DynamicsSeed): Promise<void> {
  const response = await fetch(`${sandbox.url}/_sandbox/dynamics/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
  if (!response.ok) throw new Error(`seed answered ${response.status}: ${await response.text()}`);
}

/** Every batch from `cursor`, cursors round-tripped through JSON as the sync layer stores them. */
export async function readAll(connector: Connector, objectType: string, cursor: ChangeCursor | null, options: ChangeOptions = {}) {
  const batches: ChangeBatch[] = [];
  for await (const batch of connector.readChanges(objectType, cursor, { overlapMs: 0, ...options })) {
    batches.push({ ...batch, cursor: JSON.parse(JSON.stringify(batch.cursor)) as ChangeCursor });
  }
  return {
    batches,
    records: batches.flatMap((b) => b.records),
    deletions: batches.flatMap((b) => b.deletions),
    cursor: batches.at(-1)?.cursor ?? cursor,
  };
}

/** A whole second an hour ago, as Dataverse stamps it. */
export const HOUR_AGO = new Date(Math.floor(Date.now() / 1000) * 1000 - 3_600_000).toISOString().replace('.000Z', 'Z');

/** Deterministic guids for seeds: `guid(1)` → 00000000-0000-4000-8000-000000000001. */
export const guid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
