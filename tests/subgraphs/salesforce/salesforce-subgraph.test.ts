/** The Salesforce subgraph through the real connector and the Salesforce sandbox: the shared suite. */
import { defineNativeSubgraphSuite } from '../native/suite.ts';
import { salesforceHarness } from './harness.ts';

defineNativeSubgraphSuite(salesforceHarness);
