/**
 * Pipeline stages, as `GET /api/v2/stages` lists them. A new company has Pipedrive's default pipeline (id 1) with its
 * five default stages; `POST /api/v2/stages` adds stages (to any pipeline id: the sandbox keeps no pipeline objects,
 * a pipeline is the set of stages naming it) and `PATCH /api/v2/stages/{id}` renames or moves one. Deal `status`
 * (won/lost) is no stage on Pipedrive, so there are no "Won"/"Lost" stages here either.
 */
import { badRequest } from './errors.ts';
import { nowSeconds, toRfc3339 } from './time.ts';

/** A stage in Pipedrive's v2 shape. */
export interface Stage {
  id: number;
  order_nr: number;
  name: string;
  is_deleted: boolean;
  deal_probability: number;
  pipeline_id: number;
  is_deal_rot_enabled: boolean;
  days_to_rotten: number | null;
  add_time: string;
  update_time: string;
}

/** Pipedrive's default pipeline ("Pipeline", id 1): its stages and their default deal probabilities. */
export const DEFAULT_STAGES: readonly { name: string; deal_probability: number }[] = [
  { name: 'Qualified', deal_probability: 100 },
  { name: 'Contact Made', deal_probability: 100 },
  { name: 'Demo Scheduled', deal_probability: 100 },
  { name: 'Proposal Made', deal_probability: 100 },
  { name: 'Negotiations Started', deal_probability: 100 },
];

export class StageRegistry {
  private readonly stages: Stage[] = [];

  constructor() {
    const at = toRfc3339(nowSeconds());
    DEFAULT_STAGES.forEach((s, i) => this.stages.push({
      id: i + 1, order_nr: i + 1, name: s.name, is_deleted: false, deal_probability: s.deal_probability, pipeline_id: 1,
      is_deal_rot_enabled: false, days_to_rotten: null, add_time: at, update_time: at,
    }));
  }

  /** Live stages by id; `pipelineId` keeps those of one pipeline. */
  list(pipelineId?: number): Stage[] {
    return this.stages.filter((s) => !s.is_deleted && (pipelineId === undefined || s.pipeline_id === pipelineId)).sort((a, b) => a.id - b.id);
  }

  get(id: number): Stage | undefined {
    return this.stages.find((s) => s.id === id && !s.is_deleted);
  }

  /** `name` and `pipeline_id` required, as on Pipedrive; the stage goes last in its pipeline unless `order_nr` says. */
  create(body: Record<string, unknown>): Stage {
    const name = stageName(body.name);
    if (name === undefined) throw badRequest('name is required');
    const pipelineId = positiveInt(body.pipeline_id, 'pipeline_id');
    if (pipelineId === undefined) throw badRequest('pipeline_id is required');
    const at = toRfc3339(nowSeconds());
    const stage: Stage = {
      id: Math.max(0, ...this.stages.map((s) => s.id)) + 1,
      order_nr: positiveInt(body.order_nr, 'order_nr') ?? Math.max(0, ...this.list(pipelineId).map((s) => s.order_nr)) + 1,
      name,
      is_deleted: false,
      deal_probability: positiveInt(body.deal_probability, 'deal_probability') ?? 100,
      pipeline_id: pipelineId,
      is_deal_rot_enabled: body.is_deal_rot_enabled === true,
      days_to_rotten: positiveInt(body.days_to_rotten, 'days_to_rotten') ?? null,
      add_time: at,
      update_time: at,
    };
    this.stages.push(stage);
    return stage;
  }

  /** Renames or moves a stage; undefined when there is no such stage. */
  update(id: number, body: Record<string, unknown>): Stage | undefined {
    const stage = this.get(id);
    if (!stage) return undefined;
    if (body.name !== undefined) {
      const name = stageName(body.name);
      if (name === undefined) throw badRequest('name must be a non-empty string');
      stage.name = name;
    }
    stage.pipeline_id = positiveInt(body.pipeline_id, 'pipeline_id') ?? stage.pipeline_id;
    stage.order_nr = positiveInt(body.order_nr, 'order_nr') ?? stage.order_nr;
    stage.update_time = toRfc3339(nowSeconds());
    return stage;
  }
}

function stageName(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function positiveInt(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw badRequest(`Invalid value for ${name}: a non-negative integer is expected`);
  return value;
}
