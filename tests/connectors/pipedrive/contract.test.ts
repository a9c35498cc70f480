/** The Pipedrive connector against the Pipedrive sandbox, through the shared connector contract suite. */
import { defineConnectorContractSuite } from '../contract-suite/index.ts';
import { pipedriveHarness } from './harness.ts';

defineConnectorContractSuite('pipedrive', pipedriveHarness);
