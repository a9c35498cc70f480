/** The HubSpot connector against the HubSpot sandbox, through the shared connector contract suite. */
import { defineConnectorContractSuite } from '../contract-suite/index.ts';
import { hubspotHarness } from './harness.ts';

defineConnectorContractSuite('hubspot', hubspotHarness);
