/**
 * Writing the synthetic `stage_name` of opportunities (stages.ts). Dataverse has no such column, and refuses closing
 * an opportunity by PATCHing its statecode (it wants the close recorded as an opportunityclose activity), so a write
 * of it becomes:
 *  - a sales stage label → `salesstage` in the item's own PATCH/POST; an opportunity that is closed is reopened in
 *    the same PATCH (`statecode: 0, statuscode: 1`, as Dataverse's Reopen does);
 *  - 'Won' / 'Lost' (any case) → `POST WinOpportunity` / `POST LoseOpportunity` with `{ Status: 3 | 4,
 *    OpportunityClose: { subject, "opportunityid@odata.bind" } }` after the item's PATCH/POST (if it has other
 *    columns); one closed the other way is reopened first; one already closed that way needs no action;
 *  - null, '' or a name no sales stage has → CRM_VALIDATION for that item alone, before anything is sent.
 * An item sending several operations sends them as one changeset, so it never half-happens. What to do depends on
 * the opportunity's current state: one `$select=statecode` read (`In` filter, 100 keys) per batch of updates or
 * upserts naming stage_name; nothing at all when no item names it. The translation replaces any `statecode`,
 * `statuscode` or `salesstage` the item also names.
 */
import { asConnectorError } from '../contract/index.ts';
import type { Lane } from '../contract/index.ts';
import type { AttributeMap } from './attributes.ts';
import type { BatchOperation } from './batch.ts';
import type { DynamicsApi } from './client.ts';
import { DYNAMICS, odataString } from './client.ts';
import type { DataverseRow } from './records.ts';
import { OPEN_STATE, STAGE_FIELD, hasStageField, parseStageName } from './stages.ts';
import type { CloseAction } from './stages.ts';

/** An opportunity as the stage translation needs it. */
export interface CurrentState {
  id: string;
  statecode: number | null;
}

/** The current state of a record by its key (lower case); throws the read's error when it failed. */
export type StateLookup = (key: string) => CurrentState | undefined;

const REPLACED = ['statecode', 'statuscode', 'salesstage'];
const CLOSE_SUBJECT: Record<CloseAction, string> = { WinOpportunity: 'Won (customer-graph)', LoseOpportunity: 'Lost (customer-graph)' };

export const namesStage = (fields: Record<string, unknown> | undefined): boolean => fields?.[STAGE_FIELD] !== undefined;

/**
 * Reads `statecode` of the records named by `keys` (values of `keyField`: the primary key for updates, the alternate
 * key for upserts) whose item names stage_name: one call. No call when none does or the table has no stage_name.
 */
export async function currentStates(
  api: DynamicsApi, map: AttributeMap, items: readonly { fields?: Record<string, unknown>; key?: string }[], keyField: string,
  lane: Lane, signal?: AbortSignal,
): Promise<StateLookup> {
  const keys = [...new Set(items.filter((i) => namesStage(i.fields) && i.key !== undefined && i.key !== '').map((i) => i.key!))];
  const none: StateLookup = () => undefined;
  if (keys.length === 0 || !hasStageField(map)) return none;
  const primary = map.entity.primaryId;
  try {
    const page = await api.page<DataverseRow>(lane, {
      path: map.entity.entitySetName,
      query: {
        $select: [...new Set([primary, 'statecode', keyField])].join(','),
        $filter: `Microsoft.Dynamics.CRM.In(PropertyName=${odataString(keyField)},PropertyValues=[${keys.map(odataString).join(',')}])`,
      },
      ...(signal ? { signal } : {}),
    });
    const found = new Map<string, CurrentState>();
    for (const row of page.value) {
      const key = row[keyField];
      if (typeof key !== 'string') continue;
      found.set(key.toLowerCase(), { id: String(row[primary]).toLowerCase(), statecode: typeof row.statecode === 'number' ? row.statecode : null });
    }
    return (key) => found.get(key.toLowerCase());
  } catch (err) {
    // Without the states no stage can be written: those items fail with why, the others are written.
    const error = asConnectorError(DYNAMICS, err);
    return () => {
      throw error;
    };
  }
}

/** What one item sends: its own write (fields, plus the columns the stage sets), then a close action if any. */
export interface StagePlan {
  /** The item's fields without stage_name (and the columns it replaces), for the usual mapping. */
  fields: Record<string, unknown>;
  /** Column values (integers) the stage adds to the item's own write. */
  extra: Record<string, number>;
  /** Whether the item's own PATCH/POST is needed. */
  write: boolean;
  close?: { action: CloseAction; status: number };
}

/**
 * The plan of an item naming stage_name, or null when it does not (or the table has no such field). `current` is
 * the record's state (undefined: a new record, or one not found — treated as open); `mustWrite` for creates and
 * upserts of new records. Throws CRM_VALIDATION for a name that cannot be written.
 */
export function planStage(fields: Record<string, unknown>, map: AttributeMap, current: () => CurrentState | undefined, mustWrite: boolean): StagePlan | null {
  if (!namesStage(fields) || !hasStageField(map)) return null;
  const target = parseStageName(fields[STAGE_FIELD], map);
  const rest = { ...fields };
  for (const key of [STAGE_FIELD, ...REPLACED]) delete rest[key];
  const state = current()?.statecode ?? OPEN_STATE;
  const reopen: Record<string, number> = state !== OPEN_STATE ? { statecode: OPEN_STATE, statuscode: 1 } : {};
  const others = Object.keys(rest).length > 0;
  if (target.state === OPEN_STATE) return { fields: rest, extra: { salesstage: target.salesstage, ...reopen }, write: true };
  // Already closed that way: nothing to close.
  if (state === target.state) return { fields: rest, extra: {}, write: mustWrite || others };
  return { fields: rest, extra: reopen, write: mustWrite || others || state !== OPEN_STATE, close: { action: target.action, status: target.status } };
}

/** The `POST WinOpportunity` / `LoseOpportunity` of a plan; `bind` names the opportunity, or is undefined for "the group's first operation". */
export function closeOperation(api: DynamicsApi, close: NonNullable<StagePlan['close']>, bind: string | undefined): BatchOperation {
  const body = (ref: string) => ({ Status: close.status, OpportunityClose: { subject: CLOSE_SUBJECT[close.action], 'opportunityid@odata.bind': ref } });
  return bind === undefined
    ? { method: 'POST', url: api.absolute(close.action), bodyFor: body }
    : { method: 'POST', url: api.absolute(close.action), body: body(bind) };
}
