/**
 * A connector whose implementation can be replaced while everything holding it keeps its reference: the native
 * subgraph, the poller, the webhook receiver, the write-back worker and the admin API all receive the connector once,
 * at start. When an admin saves new connection settings, the composition root builds a new connector from them and
 * swaps it in here; the next call anywhere goes to the new one. Calls already in flight finish on the old one.
 *
 * A Proxy rather than a hand-written delegate: the contract has some twenty members and CRM connectors add their own
 * (HubSpot's `webhooks`), and a delegate would silently miss the ones added later.
 */
import { ConnectorError } from '../connectors/contract/index.ts';
import type { Connector } from '../connectors/contract/index.ts';

export interface SwappableConnector {
  /** The stable reference to hand out. */
  readonly connector: Connector;
  current(): Connector;
  /** Routes every later call to `next` (same CRM). */
  swap(next: Connector): void;
}

export function swappableConnector(initial: Connector): SwappableConnector {
  let current = initial;
  const connector = new Proxy({} as Connector, {
    get(_target, prop) {
      const value: unknown = Reflect.get(current, prop, current);
      // Bound to the implementation current now: a method read before a swap keeps its own connector.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
    has: (_target, prop) => Reflect.has(current, prop),
    set: () => false,
  });
  return {
    connector,
    current: () => current,
    swap(next) {
      if (next.crm !== current.crm) throw new Error(`cannot swap a ${current.crm} connector for a ${next.crm} one`);
      current = next;
    },
  };
}

/**
 * What a paused (disabled) connector answers: every call is refused with CRM_UNAVAILABLE and the reason, without a
 * request to the CRM, so the golden records show the CRM as an unavailable source. Limits and the rate budget of
 * the connector it replaces stay readable for the health pages.
 */
export function disabledConnector(previous: Connector, reason: string): Connector {
  const refuse = (): never => {
    throw new ConnectorError('CRM_UNAVAILABLE', previous.crm, `the ${previous.crm} connector is disabled (${reason}); enable it on the admin UI's Connectors page`, {
      retryable: false,
      // Deliberate, not an outage: golden reads leave such a source out quietly (subgraphs/native/resolvers.ts).
      details: { disabled: true },
    });
  };
  return {
    crm: previous.crm,
    limits: previous.limits,
    describeObjects: async () => refuse(),
    fetchByIds: async () => refuse(),
    // eslint-disable-next-line require-yield -- refuses before its first page
    pageRecords: async function* () { refuse(); },
    // eslint-disable-next-line require-yield -- refuses before its first batch
    readChanges: async function* () { refuse(); },
    changeCursorAt: (objectType, at) => previous.changeCursorAt(objectType, at),
    latestChangeAt: async () => refuse(),
    createMany: async () => refuse(),
    updateMany: async () => refuse(),
    upsertMany: async () => refuse(),
    deleteMany: async () => refuse(),
    rateLimitState: () => previous.rateLimitState(),
  };
}
