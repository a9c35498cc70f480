/**
 * The plumbing every Postgres LISTEN/NOTIFY channel of ours shares (customer changes, saved mapping versions): publish
 * on the handle or inside a transaction (delivered on commit), decode a JSON payload with its schema — anything
 * malformed is null, since any session may NOTIFY on a channel — and listen with malformed payloads set aside; and
 * the `origin` an announcer stamps on its events to tell them from other processes'.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { DatabaseHandle } from './open-database.ts';

const PROCESS_NONCE = `${process.pid}-${randomBytes(4).toString('hex')}`;

let announcers = 0;

/** This process's nonce (its pid and a random part), the same for its whole life. */
export function processOrigin(): string {
  return PROCESS_NONCE;
}

/**
 * The `origin` of one announcer's events (a connector fleet, a metadata refresh schedule), by which it skips its own:
 * this process's nonce and the announcer's number in the process (`12345-9f3ac2d1.2`). The number keeps several apps
 * in one process apart (tests run two replicas so): each still hears the others' events.
 */
export function announcerOrigin(): string {
  return `${processOrigin()}.${++announcers}`;
}

/** Where to publish: the database handle (outside a transaction) or a drizzle database / transaction. */
export type NotifyTarget = Pick<DatabaseHandle, 'notify'> | { execute(query: SQL): PromiseLike<unknown> };

export async function notifyOn(target: NotifyTarget, channel: string, payload: string): Promise<void> {
  if ('notify' in target) await target.notify(channel, payload);
  else await target.execute(sql`select pg_notify(${channel}, ${payload})`);
}

/** The payload parsed as JSON and checked against `schema`; null for anything else. */
export function decodeJsonPayload<T>(schema: z.ZodType<T>, payload: string): T | null {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** LISTENs on `channel`; payloads `decode` refuses go to `onMalformed`. Resolves to the unlisten function. */
export function listenDecoded<T>(
  database: Pick<DatabaseHandle, 'listen'>, channel: string, decode: (payload: string) => T | null,
  onEvent: (event: T) => void, onMalformed: (payload: string) => void = () => {},
): Promise<() => Promise<void>> {
  return database.listen(channel, (payload) => {
    const event = decode(payload);
    if (event) onEvent(event);
    else onMalformed(payload);
  });
}
