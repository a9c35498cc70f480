/**
 * The synthetic opportunity field `stage_name`: what a Dynamics 365 user sees as the opportunity's stage. Dataverse
 * keeps it in two columns, `statecode` (0 Open, 1 Won, 2 Lost) and `salesstage` (a choice: Qualify, Develop, Propose,
 * Close by default; orgs may add options), so neither alone maps to a golden stage. `stage_name` reads 'Won' or
 * 'Lost' when the opportunity is closed, else the label of its sales stage, or null without one.
 *
 * Both columns come with the row (the option labels with the table's held metadata), so reading `stage_name` costs no
 * call: a `$select` naming it asks for `statecode,salesstage` instead. The name cannot clash: custom columns carry a
 * publisher prefix (`cg_…`) and Dataverse has no standard `stage_name`; should an org have one, its value is kept and
 * nothing synthetic added. Writes are translated in stage-writes.ts.
 */
import { ConnectorError } from '../contract/index.ts';
import type { FieldDescription } from '../contract/index.ts';
import type { AttributeMap } from './attributes.ts';
import { DYNAMICS } from './client.ts';
import type { DataverseRow } from './records.ts';

export const STAGE_FIELD = 'stage_name';
const STATE = 'statecode';
const SALES_STAGE = 'salesstage';

/** Dataverse's fixed opportunity states (statecode is a system choice: its values do not vary by org). */
export const OPEN_STATE = 0;
export const CLOSED_STATES = [
  { name: 'Won', state: 1, status: 3, action: 'WinOpportunity' },
  { name: 'Lost', state: 2, status: 4, action: 'LoseOpportunity' },
] as const;
export type CloseAction = (typeof CLOSED_STATES)[number]['action'];

/** True when the table is opportunity with both columns and no real column named `stage_name`. */
export function hasStageField(map: AttributeMap): boolean {
  return map.entity.logicalName === 'opportunity' && !map.byName.has(STAGE_FIELD) && map.byName.has(STATE) && map.byName.has(SALES_STAGE);
}

/** The columns a `$select` needs for `field`: `statecode` and `salesstage` for `stage_name`, else undefined. */
export function stageColumns(map: AttributeMap, field: string): string[] | undefined {
  return field === STAGE_FIELD && hasStageField(map) ? [STATE, SALES_STAGE] : undefined;
}

/** True when a read with `fields` (undefined: all) returns `stage_name`. */
export function readsStage(map: AttributeMap, fields: readonly string[] | undefined): boolean {
  return hasStageField(map) && (fields === undefined || fields.includes(STAGE_FIELD));
}

/** The `stage_name` of a raw row: Won / Lost from its statecode, else its sales stage's label, else null. */
export function stageValueOf(row: DataverseRow, map: AttributeMap): string | null {
  const closed = CLOSED_STATES.find((c) => Number(row[STATE]) === c.state && row[STATE] !== null && row[STATE] !== undefined);
  if (closed) return closed.name;
  const stage = row[SALES_STAGE];
  if (stage === null || stage === undefined) return null;
  return map.labelOf(SALES_STAGE, stage) ?? null;
}

/** The sales stage options (value, label) the held metadata lists. */
function salesStages(map: AttributeMap): Array<{ value: number; label: string }> {
  return map.options.get(SALES_STAGE) ?? [];
}

/** What a written name asks for: a closed state, or an open opportunity at a sales stage. */
export type StageTarget = { state: 0; salesstage: number } | { state: 1 | 2; action: CloseAction; status: number };

export function stageInvalid(message: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', DYNAMICS, message, { details: { fields: [STAGE_FIELD] } });
}

/** A written `stage_name` (Won / Lost, or a sales stage label; exact, then any case) → its target; else CRM_VALIDATION. */
export function parseStageName(value: unknown, map: AttributeMap): StageTarget {
  const text = value === null || value === undefined ? '' : String(value).trim();
  if (text === '') throw stageInvalid(`${STAGE_FIELD} cannot be emptied: a Dynamics opportunity is always open at a sales stage, won or lost`);
  const closed = CLOSED_STATES.find((c) => c.name.toLowerCase() === text.toLowerCase());
  if (closed) return { state: closed.state, action: closed.action, status: closed.status };
  const options = salesStages(map);
  const option = options.find((o) => o.label === text) ?? options.find((o) => o.label.toLowerCase() === text.toLowerCase());
  if (!option) {
    const names = [...options.map((o) => o.label), ...CLOSED_STATES.map((c) => c.name)];
    throw stageInvalid(`${STAGE_FIELD} must be a sales stage, Won or Lost (${names.map((n) => JSON.stringify(n)).join(', ')}), not ${JSON.stringify(text)}`);
  }
  return { state: OPEN_STATE, salesstage: option.value };
}

/** The field `describeObjects` adds to opportunities: a writable picklist of the sales stages, then Won and Lost. */
export function stageFieldDescription(map: AttributeMap): FieldDescription {
  return {
    name: STAGE_FIELD,
    label: 'Stage name (Won or Lost when the opportunity is closed)',
    type: 'picklist',
    nativeType: 'statecode+salesstage',
    nillable: true,
    createable: true,
    updateable: true,
    custom: false,
    unique: false,
    externalId: false,
    picklistValues: [
      ...salesStages(map).map((o) => ({ value: o.label, label: o.label, active: true })),
      ...CLOSED_STATES.map((c) => ({ value: c.name, label: c.name, active: true })),
    ],
  };
}
