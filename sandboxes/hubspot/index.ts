/** Public entry of the HubSpot sandbox; see README.md for every supported operation. */
export { startHubSpotSandbox, DEFAULTS as HUBSPOT_SANDBOX_DEFAULTS } from './server.ts';
export type { HubSpotSandboxOptions, RunningHubSpotSandbox } from './server.ts';
export type { HubSpotSeed } from './seed.ts';
export { SUBSCRIPTION_TYPES as HUBSPOT_WEBHOOK_SUBSCRIPTION_TYPES, signV3 } from './webhooks.ts';
export type { WebhookConfig as HubSpotWebhookConfig, WebhookEvent as HubSpotWebhookEvent } from './webhooks.ts';
