/** The shared connector contract suite, run against the Salesforce connector and the Salesforce sandbox. */
import { defineConnectorContractSuite } from '../contract-suite/index.ts';
import { salesforceHarness } from './contract-harness.ts';

defineConnectorContractSuite('salesforce', salesforceHarness);
