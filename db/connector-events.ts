/**
 * "A connector's connection settings were saved", over Postgres LISTEN/NOTIFY: every process on the database (gateway
 * replicas, the worker) that runs that connector rebuilds it from the stored (encrypted) settings, so new credentials
 * saved through one gateway reach the processes polling and writing back with the old ones.
 *
 * Wire format on channel `connector_saved`: `{ "id": "hubspot-eu", "origin": "<process nonce>" }`. Credentials are
 * never sent: receivers read them from the store. `origin` lets the saving process skip its own event (it applied
 * the settings already).
 */
import { z } from 'zod';
import type { DatabaseHandle } from './open-database.ts';
import { decodeJsonPayload, listenDecoded, notifyOn } from './notify-channel.ts';
import type { NotifyTarget } from './notify-channel.ts';

export const CONNECTOR_SAVED_CHANNEL = 'connector_saved';

export interface ConnectorSavedEvent {
  /** The stored connector's id. */
  id: string;
  /** Who saved it: a nonce of the saving process. */
  origin: string;
}

const eventSchema = z.object({ id: z.string().min(1).max(100), origin: z.string().min(1).max(100) });

export function decodeConnectorSaved(payload: string): ConnectorSavedEvent | null {
  return decodeJsonPayload(eventSchema, payload);
}

export async function publishConnectorSaved(target: NotifyTarget, event: ConnectorSavedEvent): Promise<void> {
  await notifyOn(target, CONNECTOR_SAVED_CHANNEL, JSON.stringify(eventSchema.parse(event)));
}

/** LISTENs for saved connectors; malformed payloads go to `onMalformed`. Resolves to the unlisten function. */
export function listenConnectorSaved(
  database: Pick<DatabaseHandle, 'listen'>,
  onEvent: (event: ConnectorSavedEvent) => void,
  onMalformed: (payload: string) => void = () => {},
): Promise<() => Promise<void>> {
  return listenDecoded(database, CONNECTOR_SAVED_CHANNEL, decodeConnectorSaved, onEvent, onMalformed);
}
