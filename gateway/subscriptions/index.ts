/**
 * Subscriptions to merged customers (graphql-ws next to Apollo Gateway). The HTTP server attaches the layer;
 * producers publish with `publishCustomerChanged` from `db/change-events.ts` (re-exported here).
 */
export { createSubscriptionLayer } from './subscription-layer.ts';
export type { GatewayExecutor, SubscriptionLayer, SubscriptionLayerOptions, SubscriptionStats } from './subscription-layer.ts';
export { parseApiTokens } from './connection-auth.ts';
export { SUBSCRIPTION_SDL, buildSubscriptionSchema } from './subscription-schema.ts';
export { CUSTOMER_CHANGED_CHANNEL, publishCustomerChanged } from '../../db/change-events.ts';
export type { CustomerChangedEvent, CustomerChangedInput } from '../../db/change-events.ts';
