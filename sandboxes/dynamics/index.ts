/** Public entry of the Dynamics 365 (Dataverse Web API v9.2) sandbox; see README.md for every supported operation. */
export { startDynamicsSandbox, DEFAULTS as DYNAMICS_SANDBOX_DEFAULTS } from './server.ts';
export type { DynamicsSandboxOptions, DynamicsStoreView, RunningDynamicsSandbox } from './server.ts';
export type { DynamicsSeed } from './seed.ts';
export { CODES as DYNAMICS_ERROR_CODES } from './errors.ts';
