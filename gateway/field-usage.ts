/**
 * Which fields of the API clients ask for: an Apollo Server plugin walks each operation that validated (queries,
 * mutations and the payloads of subscriptions, which run through the gateway too) with graphql-js's TypeInfo and
 * counts every schema coordinate it selects (`Customer.email`, `Query.customers`), per client — the
 * `apollographql-client-name` header, as Apollo's tools send it, else 'unknown'. Counts stay in memory and are handed
 * to `sink` (db/field-usage-store.ts) every `flushMs` and on stop, so a request costs a walk of its document and a few
 * map updates, never a database write.
 *
 * Why: a field can only be removed safely once nobody asks for it; the breaking-change check of mapping saves and
 * the admin API's `fieldUsage` read these counts.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Logger } from '../lib/logger.ts';

export interface FieldUsageCount {
  coordinate: string;
  day: string;
  client: string;
  requests: number;
  lastSeenAt: Date;
}

export interface FieldUsageRecorder {
  apolloPlugin(): ApolloServerPlugin;
  /** Counts one operation (exported for the subscription layer and tests). */
  record(schema: GraphQLSchema, document: DocumentNode, client: string, at?: Date): void;
  /** Hands the counts gathered so far to the sink; the next flush starts from zero. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const MAX_CLIENT_LENGTH = 100;

/** Coordinates an operation selects: each field with its parent type, introspection left out. */
export function selectedCoordinates(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const typeInfo = new TypeInfo(schema);
  const found = new Set<string>();
  visit(document, visitWithTypeInfo(typeInfo, {
    Field(node) {
      const parent = typeInfo.getParentType();
      if (!parent || node.name.value.startsWith('__') || parent.name.startsWith('__')) return;
      found.add(`${parent.name}.${node.name.value}`);
    },
  }));
  return found;
}

export function createFieldUsageRecorder(opts: {
  sink(counts: FieldUsageCount[]): Promise<void>;
  logger: Logger;
  /** Default 30 s; 0: only on flush()/stop(). */
  flushMs?: number;
}): FieldUsageRecorder {
  let pending = new Map<string, FieldUsageCount>();
  let flushing: Promise<void> = Promise.resolve();
  const flushMs = opts.flushMs ?? 30_000;

  const record = (schema: GraphQLSchema, document: DocumentNode, client: string, at = new Date()) => {
    const day = at.toISOString().slice(0, 10);
    for (const coordinate of selectedCoordinates(schema, document)) {
      const key = `${coordinate}\u0000${day}\u0000${client}`;
      const c = pending.get(key);
      if (c) {
        c.requests += 1;
        c.lastSeenAt = at;
      } else {
        pending.set(key, { coordinate, day, client, requests: 1, lastSeenAt: at });
      }
    }
  };

  const flush = () => {
    flushing = flushing.then(async () => {
      if (pending.size === 0) return;
      const batch = [...pending.values()];
      pending = new Map();
      try {
        await opts.sink(batch);
      } catch (err) {
        // Put them back: they are added to the next flush rather than lost.
        for (const c of batch) {
          const key = `${c.coordinate}\u0000${c.day}\u0000${c.client}`;
          const now = pending.get(key);
          if (now) {
            now.requests += c.requests;
            if (c.lastSeenAt > now.lastSeenAt) now.lastSeenAt = c.lastSeenAt;
          } else pending.set(key, c);
        }
        opts.logger.warn({ err, coordinates: batch.length }, 'field usage could not be stored; kept for the next flush');
      }
    });
    return flushing;
  };

  const timer = flushMs > 0 ? setInterval(() => void flush(), flushMs) : undefined;
  timer?.unref();

  return {
    record,
    flush,
    async stop() {
      if (timer) clearInterval(timer);
      await flush();
    },
    apolloPlugin(): ApolloServerPlugin {
      return {
        async requestDidStart({ request }) {
          const header = request.http?.headers.get('apollographql-client-name')?.trim();
          const client = header ? header.slice(0, MAX_CLIENT_LENGTH) : 'unknown';
          return {
            // Only operations that validated: a typo'd field is not usage of anything.
            async executionDidStart({ schema, document }) {
              record(schema, document, client);
            },
          };
        },
      };
    },
  };
}
