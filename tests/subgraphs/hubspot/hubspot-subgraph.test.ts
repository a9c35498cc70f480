/** The HubSpot subgraph through the real connector and the HubSpot sandbox: the shared suite. */
import { defineNativeSubgraphSuite } from '../native/suite.ts';
import { hubspotHarness } from './harness.ts';

defineNativeSubgraphSuite(hubspotHarness);
