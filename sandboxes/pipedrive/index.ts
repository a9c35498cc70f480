/** Public entry of the Pipedrive sandbox; see README.md for every supported operation. */
export { startPipedriveSandbox, DEFAULTS as PIPEDRIVE_SANDBOX_DEFAULTS } from './server.ts';
export type { PipedriveSandboxOptions, PipedriveStoreView, RunningPipedriveSandbox } from './server.ts';
export type { PipedriveSeed, SeedRecord } from './seed.ts';
export type { PipedriveRecord } from './store.ts';
export type { ObjectName as PipedriveObject } from './objects.ts';
export { CUSTOM_FIELD_TYPES as PIPEDRIVE_CUSTOM_FIELD_TYPES } from './fields.ts';
