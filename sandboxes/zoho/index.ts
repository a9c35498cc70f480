/** Public entry of the Zoho CRM v8 sandbox; see README.md for every supported operation. */
export { startZohoSandbox, DEFAULTS as ZOHO_SANDBOX_DEFAULTS } from './server.ts';
export type { RunningZohoSandbox, ZohoSandboxOptions, ZohoStoreView } from './server.ts';
export type { ZohoSeed } from './seed.ts';
export type { ModuleName as ZohoModule } from './schema.ts';
