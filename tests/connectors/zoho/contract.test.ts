/** The Zoho connector against the Zoho CRM v8 sandbox, through the shared connector contract suite. */
import { defineConnectorContractSuite } from '../contract-suite/index.ts';
import { zohoHarness } from './harness.ts';

defineConnectorContractSuite('zoho', zohoHarness);
