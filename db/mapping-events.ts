/**
 * "A mapping configuration version was saved", over Postgres LISTEN/NOTIFY: every process on the database (gateway
 * replicas, the worker) LISTENs and serves the new version, so a save through one gateway reaches them all.
 *
 * The wire format is small JSON on channel `mapping_saved`: `{ "version": 7 }`. The document itself is not sent
 * (it can exceed NOTIFY's 8000-byte limit): receivers load that version from the store and validate it themselves.
 *
 * NOTIFY is transactional: `MappingConfigStore.save` publishes with the transaction that stores the version, so the
 * event is delivered only once the version is committed, never for a rolled-back save.
 */
import { z } from 'zod';
import type { DatabaseHandle } from './open-database.ts';
import { decodeJsonPayload, listenDecoded, notifyOn } from './notify-channel.ts';
import type { NotifyTarget } from './notify-channel.ts';

export const MAPPING_SAVED_CHANNEL = 'mapping_saved';

export interface MappingSavedEvent {
  /** The version just stored. */
  version: number;
}

/** Where to publish: the database handle (outside a transaction) or a drizzle database / transaction. */
export type MappingEventTarget = NotifyTarget;

const eventSchema = z.object({ version: z.number().int().positive() });

export function encodeMappingSaved(event: MappingSavedEvent): string {
  if (!Number.isInteger(event.version) || event.version < 1) throw new Error(`a mapping version is a positive integer, not ${event.version}`);
  return JSON.stringify({ version: event.version });
}

/** Parses a payload received on the channel; null for anything malformed (any session may NOTIFY on it). */
export function decodeMappingSaved(payload: string): MappingSavedEvent | null {
  const event = decodeJsonPayload(eventSchema, payload);
  return event ? { version: event.version } : null;
}

/** Publishes the event; with a transaction as target it is delivered when that transaction commits. */
export async function publishMappingSaved(target: MappingEventTarget, event: MappingSavedEvent): Promise<void> {
  await notifyOn(target, MAPPING_SAVED_CHANNEL, encodeMappingSaved(event));
}

/** LISTENs for saved versions; malformed payloads go to `onMalformed`. Resolves to the unlisten function. */
export function listenMappingSaved(
  database: Pick<DatabaseHandle, 'listen'>,
  onEvent: (event: MappingSavedEvent) => void,
  onMalformed: (payload: string) => void = () => {},
): Promise<() => Promise<void>> {
  return listenDecoded(database, MAPPING_SAVED_CHANNEL, decodeMappingSaved, onEvent, onMalformed);
}
