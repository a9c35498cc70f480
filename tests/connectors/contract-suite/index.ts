/**
 * The connector contract suite: one set of tests every CRM connector must pass against its own sandbox.
 * A CRM plugs in with a harness (see harness.ts) from a test file of its own:
 *
 *   // tests/connectors/<crm>/contract.test.ts
 *   defineConnectorContractSuite('hubspot', hubspotHarness);
 */
import { describe } from 'vitest';
import { suiteContext } from './context.ts';
import { defineFailureModeTests } from './failure-modes.ts';
import { defineHappyPathTests } from './happy-paths.ts';
import type { ConnectorContractHarness } from './harness.ts';

export type { ConnectorContractHarness, ContractSandbox, HarnessAuth, HarnessConnectOptions, SandboxDailyUsage, SeedRecord } from './harness.ts';
export { runtimeOptionsOf } from './harness.ts';

export function defineConnectorContractSuite(name: string, harness: ConnectorContractHarness): void {
  describe(`connector contract: ${name}`, () => {
    const ctx = suiteContext(harness);
    defineHappyPathTests(ctx);
    defineFailureModeTests(ctx);
  });
}
