/** The Dynamics connector against the Dataverse sandbox, through the shared connector contract suite. */
import { defineConnectorContractSuite } from '../contract-suite/index.ts';
import { dynamicsHarness } from './harness.ts';

defineConnectorContractSuite('dynamics', dynamicsHarness);
