/**
 * The in-process fan-out of customer change events to this gateway's subscribers. For each event it picks the
 * subscribers whose interest matches (customer id, and changed fields against their fields), groups them by
 * resolution key, runs ONE gateway resolution per key, and hands every subscriber its result in event order.
 * Events reach it from Postgres LISTEN (see index.ts), so every gateway process runs its own hub.
 */
import type { FormattedExecutionResult } from 'graphql';
import type { CustomerChangedEvent } from '../../db/change-events.ts';
import { encodeChangeCursor } from '../../db/change-log.ts';
import type { Logger } from '../../lib/logger.ts';
import type { CustomerInterest, CustomerResolution } from './customer-interest.ts';
import { OrderedQueue } from './ordered-queue.ts';

/** What a subscriber receives per matching event (the source value of `Subscription.customerChanged`). */
export interface CustomerChangePayload {
  /** The event's sequence in the change log (null from a publisher without one): replay skips what it delivered. */
  seq: number | null;
  /** The opaque cursor of `seq`. */
  cursor: string | null;
  customerId: string;
  /** ["*"] when the producer sent an ids-only event. */
  changedFields: string[];
  version: number | null;
  at: string;
  /** The gateway's answer to the subscriber's resolution query (data keyed by response key); null if not selected. */
  customer: FormattedExecutionResult | null;
}

/** Runs a resolution query through the gateway for one customer id. */
export type ResolveCustomer = (resolution: CustomerResolution, customerId: string) => Promise<FormattedExecutionResult>;

export interface ChangeHubStats {
  subscribers: number;
  /** Events received (matching a subscriber or not). */
  events: number;
  /** Gateway resolutions run: one per distinct resolution key per event. */
  resolutions: number;
  /** Payloads handed to subscribers. */
  deliveries: number;
  /** Payloads dropped because a subscriber fell too far behind. */
  dropped: number;
}

interface Subscriber {
  interest: CustomerInterest;
  queue: OrderedQueue<CustomerChangePayload>;
}

/** Pending payloads one subscriber may lag behind before its oldest are dropped. */
const DEFAULT_QUEUE_CAPACITY = 256;

export class CustomerChangeHub {
  private readonly byCustomer = new Map<string, Set<Subscriber>>();
  private readonly anyCustomer = new Set<Subscriber>();
  private readonly counters = { events: 0, resolutions: 0, deliveries: 0, droppedByClosed: 0 };
  private readonly all = new Set<Subscriber>();

  constructor(
    private readonly resolve: ResolveCustomer,
    private readonly logger: Logger,
    private readonly queueCapacity = DEFAULT_QUEUE_CAPACITY,
  ) {}

  /** Registers a subscriber; iterate the returned queue, and `return()` it to unsubscribe. */
  subscribe(interest: CustomerInterest): OrderedQueue<CustomerChangePayload> {
    const sub: Subscriber = {
      interest,
      queue: new OrderedQueue<CustomerChangePayload>(this.queueCapacity, () => this.remove(sub)),
    };
    this.all.add(sub);
    if (!interest.ids) this.anyCustomer.add(sub);
    for (const id of interest.ids ?? []) {
      let set = this.byCustomer.get(id);
      if (!set) this.byCustomer.set(id, (set = new Set()));
      set.add(sub);
    }
    return sub.queue;
  }

  /** Fans one event out. Never throws: a failed resolution becomes a `customer: null` payload with the error. */
  publish(event: CustomerChangedEvent): void {
    this.counters.events++;
    const matching: Subscriber[] = [];
    for (const sub of [...(this.byCustomer.get(event.customerId) ?? []), ...this.anyCustomer]) {
      if (firesFor(sub.interest, event)) matching.push(sub);
    }
    if (matching.length === 0) return;
    // One resolution per distinct key for this event, shared by every subscriber with that key. They also share
    // the payload object itself, which lets the execution layer shape it once per identical operation.
    const payloads = new Map<string, Promise<CustomerChangePayload>>();
    const base = {
      seq: event.seq ?? null,
      cursor: event.seq ? encodeChangeCursor(event.seq) : null,
      customerId: event.customerId,
      changedFields: event.changedFields ?? ['*'],
      version: event.version ?? null,
      at: event.at,
    };
    for (const sub of matching) {
      const resolution = sub.interest.resolution;
      const key = resolution?.key ?? '';
      let payload = payloads.get(key);
      if (!payload) {
        const customer = resolution ? this.resolveFor(resolution, event.customerId) : Promise.resolve(null);
        payload = customer.then((result) => ({ ...base, customer: result }));
        payloads.set(key, payload);
      }
      this.counters.deliveries++;
      sub.queue.push(payload, base.seq);
    }
  }

  stats(): ChangeHubStats {
    let dropped = this.counters.droppedByClosed;
    for (const sub of this.all) dropped += sub.queue.dropped;
    const { events, resolutions, deliveries } = this.counters;
    return { subscribers: this.all.size, events, resolutions, deliveries, dropped };
  }

  /** Ends every subscription (the server is shutting down). */
  closeAll(): void {
    for (const sub of [...this.all]) sub.queue.close();
  }

  /** One gateway resolution (counted); never throws. Replay (change-replay.ts) resolves its events here too. */
  resolveFor(resolution: CustomerResolution, customerId: string): Promise<FormattedExecutionResult> {
    this.counters.resolutions++;
    return this.runResolution(resolution, customerId);
  }

  private async runResolution(resolution: CustomerResolution, customerId: string): Promise<FormattedExecutionResult> {
    try {
      return await this.resolve(resolution, customerId);
    } catch (err) {
      this.logger.warn({ err, customerId }, 'resolving a customer for subscribers failed');
      return { data: null, errors: [{ message: `The customer could not be resolved: ${(err as Error).message}` }] };
    }
  }

  private remove(sub: Subscriber): void {
    if (!this.all.delete(sub)) return;
    this.counters.droppedByClosed += sub.queue.dropped;
    this.anyCustomer.delete(sub);
    for (const id of sub.interest.ids ?? []) {
      const set = this.byCustomer.get(id);
      set?.delete(sub);
      if (set?.size === 0) this.byCustomer.delete(id);
    }
  }
}

/** The filter: the customer is one of `ids` (or any), and a field of interest changed (or any is of interest). */
export function firesFor(interest: CustomerInterest, event: CustomerChangedEvent): boolean {
  if (interest.ids && !interest.ids.has(event.customerId)) return false;
  if (!interest.fields || !event.changedFields) return true;
  return event.changedFields.some((f) => interest.fields!.has(f));
}
