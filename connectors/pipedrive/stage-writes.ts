/**
 * Writing the synthetic `stage_name` of deals (stages.ts): Pipedrive has no such field, so a write of it becomes
 *  - "won" / "lost" (any case) → `{status}`;
 *  - a stage name → `{stage_id, status: 'open'}` (a closed deal named into a stage is reopened, as dragging it on
 *    Pipedrive's board does). A name several pipelines share picks the deal's current pipeline (the item's own
 *    `pipeline_id`, else, for updates, the pipeline of the deal's current stage, read with one list call per 100
 *    such deals), else the first pipeline (lowest id) that has it;
 *  - null, '' or a name no stage has (after one re-read of the stages) → CRM_VALIDATION for that item alone.
 * The translation replaces any `status` / `stage_id` the item also names.
 */
import { ConnectorError } from '../contract/index.ts';
import type { Lane } from '../contract/index.ts';
import type { PipedriveApi } from './client.ts';
import { PIPEDRIVE } from './client.ts';
import { currentLists } from './contact-lists.ts';
import { CLOSED_STATUSES, STAGE_FIELD } from './stages.ts';
import type { PipedriveStage, StageCatalog, StageMap } from './stages.ts';

interface StageWriteContext {
  api: PipedriveApi;
  stages: StageCatalog;
  objectType: string;
  lane: Lane;
  signal?: AbortSignal;
}

const named = (fields: Record<string, unknown> | undefined): boolean => fields?.[STAGE_FIELD] !== undefined;
const closed = (text: string): string | undefined => (CLOSED_STATUSES as readonly string[]).find((s) => s === text.trim().toLowerCase());

function invalid(message: string): ConnectorError {
  return new ConnectorError('CRM_VALIDATION', PIPEDRIVE, message, { details: { fields: [STAGE_FIELD] } });
}

/**
 * The fields to send for each item (`at(i)`), `stage_name` translated; `at(i)` throws CRM_VALIDATION for an item whose
 * stage cannot be written, to be called inside that item's task so it fails alone. `ids` are the records updated
 * (none for creates and upserts). Costs nothing when no item names `stage_name`.
 */
export async function stageWrites(
  ctx: StageWriteContext, items: readonly { fields: Record<string, unknown> }[], ids?: readonly string[],
): Promise<(index: number) => Record<string, unknown>> {
  const plain = (i: number) => items[i]!.fields ?? {};
  if (ctx.objectType !== 'deals' || !items.some((item) => named(item.fields))) return plain;
  const options = { lane: ctx.lane, ...(ctx.signal ? { signal: ctx.signal } : {}) };
  const wanted = items.filter((item) => named(item.fields)).map((item) => String(item.fields[STAGE_FIELD]).trim()).filter((n) => n !== '' && !closed(n));
  let map: StageMap;
  try {
    map = await ctx.stages.knowing([], [...new Set(wanted)], options);
  } catch (err) {
    // Without the stages no name can be translated: those items fail, the others are written.
    return (i) => {
      if (named(items[i]!.fields) && !closed(String(items[i]!.fields[STAGE_FIELD]))) throw err;
      return translate(items[i]!.fields, null, undefined);
    };
  }
  const pipelines = ids ? await currentPipelines(ctx, map, items, ids) : new Map<string, string>();
  return (i) => translate(items[i]!.fields, map, ids ? pipelines.get(String(ids[i])) : undefined);
}

/** The pipeline of the current stage of each updated deal whose stage name is ambiguous (several pipelines have it). */
async function currentPipelines(ctx: StageWriteContext, map: StageMap, items: readonly { fields: Record<string, unknown> }[], ids: readonly string[]): Promise<Map<string, string>> {
  const ambiguous = ids.filter((_, i) => {
    const fields = items[i]!.fields;
    return named(fields) && fields.pipeline_id === undefined && new Set(map.named(String(fields[STAGE_FIELD])).map((s) => String(s.pipeline_id))).size > 1;
  });
  const out = new Map<string, string>();
  if (ambiguous.length === 0) return out;
  for (const [id, raw] of await currentLists(ctx.api, 'deals', ambiguous, ctx.lane, ctx.signal)) {
    const pipeline = raw.pipeline_id ?? map.byId.get(String(raw.stage_id))?.pipeline_id;
    if (pipeline !== undefined && pipeline !== null) out.set(id, String(pipeline));
  }
  return out;
}

function translate(fields: Record<string, unknown>, map: StageMap | null, currentPipeline: string | undefined): Record<string, unknown> {
  if (!named(fields)) return fields;
  const { [STAGE_FIELD]: value, ...rest } = fields;
  const text = value === null ? '' : String(value).trim();
  if (text === '') throw invalid(`${STAGE_FIELD} cannot be emptied: a Pipedrive deal always has a stage`);
  const status = closed(text);
  if (status) return { ...rest, status };
  const candidates = map?.named(text) ?? [];
  if (candidates.length === 0) {
    throw invalid(`${STAGE_FIELD} must be won, lost or the name of a stage (${(map?.names() ?? []).map((n) => JSON.stringify(n)).join(', ')}), not ${JSON.stringify(text)}`);
  }
  const pipeline = rest.pipeline_id !== undefined && rest.pipeline_id !== null ? String(rest.pipeline_id) : currentPipeline;
  const stage: PipedriveStage = candidates.find((s) => pipeline !== undefined && String(s.pipeline_id) === pipeline) ?? candidates[0]!;
  return { ...rest, stage_id: String(stage.id), status: 'open' };
}
