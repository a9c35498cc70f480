/**
 * "A CRM's metadata changed", over Postgres LISTEN/NOTIFY: only the process running change capture re-reads every
 * CRM's metadata at CUSTOMER_GRAPH_METADATA_REFRESH_MS (describe calls count against the CRM's daily API limit); when
 * its schema of a CRM changed (a new custom field, say), it tells the other processes on the database (gateway
 * replicas, the worker), which re-read that CRM's metadata at once (cli/metadata-refresh.ts).
 *
 * Wire format on channel `crm_metadata_changed`: `{ "crm": "salesforce", "origin": "<process nonce>" }`. The metadata
 * itself is not sent: receivers describe the CRM themselves. `origin` lets the announcing process skip its own event.
 */
import { z } from 'zod';
import type { DatabaseHandle } from './open-database.ts';
import { decodeJsonPayload, listenDecoded, notifyOn } from './notify-channel.ts';
import type { NotifyTarget } from './notify-channel.ts';

export const CRM_METADATA_CHANGED_CHANNEL = 'crm_metadata_changed';

export interface CrmMetadataChangedEvent {
  /** The CRM whose native schema changed (record_links.crm: 'salesforce', 'hubspot'). */
  crm: string;
  /** Who found the change: a nonce of the announcing process. */
  origin: string;
}

const eventSchema = z.object({ crm: z.string().min(1).max(100), origin: z.string().min(1).max(100) });

export function decodeCrmMetadataChanged(payload: string): CrmMetadataChangedEvent | null {
  return decodeJsonPayload(eventSchema, payload);
}

export async function publishCrmMetadataChanged(target: NotifyTarget, event: CrmMetadataChangedEvent): Promise<void> {
  await notifyOn(target, CRM_METADATA_CHANGED_CHANNEL, JSON.stringify(eventSchema.parse(event)));
}

/** LISTENs for changed CRM metadata; malformed payloads go to `onMalformed`. Resolves to the unlisten function. */
export function listenCrmMetadataChanged(
  database: Pick<DatabaseHandle, 'listen'>,
  onEvent: (event: CrmMetadataChangedEvent) => void,
  onMalformed: (payload: string) => void = () => {},
): Promise<() => Promise<void>> {
  return listenDecoded(database, CRM_METADATA_CHANGED_CHANNEL, decodeCrmMetadataChanged, onEvent, onMalformed);
}
