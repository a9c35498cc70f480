/** Per-test plumbing shared by the suite's files: fresh sandboxes closed after each test, unique connector ids. */
import { afterEach, expect } from 'vitest';
import { ConnectorError } from '../../../connectors/contract/index.ts';
import type { Connector, NativeRecord } from '../../../connectors/contract/index.ts';
import type { ConnectorContractHarness, ContractSandbox, HarnessConnectOptions, SeedRecord } from './harness.ts';

export interface SuiteContext {
  harness: ConnectorContractHarness;
  /** A fresh sandbox, closed after the test. */
  start(seed?: SeedRecord[]): Promise<ContractSandbox>;
  /** A connector with a unique id (and so its own rate budget). */
  connect(sandbox: ContractSandbox, options?: Omit<HarnessConnectOptions, 'connectorId'> & { connectorId?: string }): Connector;
  /** Closes `closable` after the test. */
  track<T extends { close(): Promise<void> }>(closable: T): T;
}

let sequence = 0;

export function suiteContext(harness: ConnectorContractHarness): SuiteContext {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close().catch(() => undefined)));
  });
  const track = <T extends { close(): Promise<void> }>(closable: T): T => {
    open.push(closable);
    return closable;
  };
  return {
    harness,
    track,
    start: async (seed) => track(await harness.start(seed ? { seed } : {})),
    connect: (sandbox, options = {}) =>
      harness.connect(sandbox, { connectorId: `${harness.crm}-contract-${process.pid}-${++sequence}-${Date.now()}`, ...options }),
  };
}

/** Seed records of the primary object, all modified at `modifiedAt` unless a function gives each its own. */
export function seedPrimary(harness: ConnectorContractHarness, count: number, modifiedAt: string | ((i: number) => string), from = 0): SeedRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { objectType: harness.primaryObject, fields: harness.validRecord(i), modifiedAt: typeof modifiedAt === 'string' ? modifiedAt : modifiedAt(i) };
  });
}

export async function drain<T>(generator: AsyncGenerator<T>): Promise<T[]> {
  const pages: T[] = [];
  for await (const page of generator) pages.push(page);
  return pages;
}

/** Every record of the primary object, through the connector. */
export async function allRecords(connector: Connector, harness: ConnectorContractHarness): Promise<NativeRecord[]> {
  return (await drain(connector.pageRecords(harness.primaryObject, { fields: harness.readFields }))).flat();
}

/** The ConnectorError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a ConnectorError, got a result: ${JSON.stringify(outcome.value)?.slice(0, 200)}`);
  expect(outcome.error).toBeInstanceOf(ConnectorError);
  return outcome.error as ConnectorError;
}

/** Everything an error exposes to logs and API answers. */
export function exposedText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return [error.message, JSON.stringify(error), JSON.stringify(cause ?? null)].join('\n');
}
