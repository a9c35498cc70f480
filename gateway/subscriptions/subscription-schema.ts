/**
 * The schema graphql-ws validates and runs subscriptions against: the gateway's current API schema (so `Customer`
 * is exactly what queries see, golden fields and provenance included) extended with the Subscription type. It is
 * rebuilt whenever the gateway loads or hot-swaps a supergraph.
 */
import type { GraphQLSchema } from 'graphql';
import { graphqlRuntime } from './graphql-runtime.ts';

const SUBSCRIPTION_TYPE_SDL = /* GraphQL */ `
  extend schema {
    subscription: Subscription
  }

  type Subscription {
    """
    Fires when a merged (golden) value of a customer changes. \`ids\`: only these customers (default: all).
    \`fields\`: only when one of these golden fields changed (default: the fields selected under \`customer\`;
    when nothing but \`id\` is selected there, any change). \`customer\` is resolved through the gateway with
    the selection given here, exactly like a query.
    \`after\`: the \`cursor\` of the last change you processed. The changes logged since (matching \`ids\` and
    \`fields\`) are delivered first, oldest first, then live ones follow with no gap and none twice. A malformed
    cursor: BAD_USER_INPUT; one older than the change log keeps (a week by default): CURSOR_EXPIRED — re-read the
    customers you hold, then continue from a fresh cursor (\`customerChanges.headCursor\`).
    """
    customerChanged(ids: [ID!], fields: [String!], after: String): CustomerChange!
  }
`;

/** Used when the API schema has no CustomerChange of its own (the identity subgraph normally defines it). */
const CUSTOMER_CHANGE_SDL = /* GraphQL */ `
  "One change of one golden customer."
  type CustomerChange {
    "Opaque position in the change feed: pass the last one processed as \`after\` to catch up."
    cursor: String
    customerId: ID!
    "Golden fields whose merged value changed; [\\"*\\"] when the producer sent too many to list."
    changedFields: [String!]!
    """
    The customer's snapshot version after the change: it grows by one each time the customer's merged values
    change, so a subscriber can drop an event older than the state it holds. Null for a deletion or a merge.
    """
    version: Int
    "When the change was detected (ISO 8601)."
    at: String!
    "The customer now, with the selection given; null when it no longer exists."
    customer: Customer
  }
`;

export const SUBSCRIPTION_SDL = SUBSCRIPTION_TYPE_SDL + CUSTOMER_CHANGE_SDL;

const withChangeType = graphqlRuntime.parse(SUBSCRIPTION_SDL);
const subscriptionOnly = graphqlRuntime.parse(SUBSCRIPTION_TYPE_SDL);

/** The API schema plus Subscription; throws if the API schema has no Customer type or already has subscriptions. */
export function buildSubscriptionSchema(apiSchema: GraphQLSchema): GraphQLSchema {
  if (!apiSchema.getType('Customer')) throw new Error('the gateway schema has no Customer type to subscribe to');
  if (apiSchema.getSubscriptionType()) throw new Error('the gateway schema already defines a subscription type');
  // The identity subgraph serves CustomerChange for the change-feed query; the subscription delivers that same type.
  return graphqlRuntime.extendSchema(apiSchema, apiSchema.getType('CustomerChange') ? subscriptionOnly : withChangeType);
}
