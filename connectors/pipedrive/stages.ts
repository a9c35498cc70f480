/**
 * The synthetic deal field `stage_name`: what a Pipedrive user sees as the deal's stage. Pipedrive keeps it in two
 * fields, `status` (open/won/lost) and `stage_id` (an id of a stage of one of the company's pipelines, named per
 * company), so neither alone can be mapped to a golden stage. `stage_name` is "won" or "lost" when the deal is
 * closed, else the name of its stage (from `GET /api/v2/stages`), or null without one.
 *
 * The name: Pipedrive's own deal keys are fixed snake_case words (`stage_id`, `stage_order_nr`,
 * `stage_change_time`…, none `stage_name`) and every user-made field has a 40-hex key, so no user can create a
 * field of that name; should Pipedrive ever send a real `stage_name`, its value is kept and nothing synthetic added.
 * Plain `stage` was not taken because the v1 field metadata calls `stage_id` "Stage" (field_type `stage`).
 *
 * Stages are read once and held with the field metadata (same TTL; `describeObjects` re-reads both), so a page of
 * deals costs no call beyond its list call once they are held. A stage id (or, on a write, a name) the held list
 * does not know makes one re-read; what is still unknown after it reads as null (fails a write) without re-reading
 * again until the next refresh. Writes are translated in stage-writes.ts.
 */
import type { CallOptions, FieldDescription, NativeRecord } from '../contract/index.ts';
import type { PipedriveApi, PipedriveEnvelope } from './client.ts';
import { PIPEDRIVE_V2, expectList, nextCursorOf } from './client.ts';
import type { PipedriveRecord } from './records.ts';

export const STAGE_FIELD = 'stage_name';
/** The `status` values that are the deal's stage whatever its `stage_id`. */
export const CLOSED_STATUSES = ['won', 'lost'] as const;

/** One entry of `GET /api/v2/stages`, as much as we read. */
export interface PipedriveStage {
  id: number | string;
  name: string;
  pipeline_id?: number | string | null;
  order_nr?: number | null;
  is_deleted?: boolean;
}

const STAGE_PAGE = 500;

/** One read of the company's stages. */
export class StageMap {
  readonly byId: Map<string, PipedriveStage>;
  /** Ids and names found missing after this list was read: they do not make another re-read. */
  readonly missed = new Set<string>();

  constructor(readonly stages: readonly PipedriveStage[]) {
    this.byId = new Map(stages.map((s) => [String(s.id), s]));
  }

  /** Stages of a name: exact matches, else case-insensitive ones; ordered by pipeline, then position. */
  named(name: string): PipedriveStage[] {
    const text = name.trim();
    const exact = this.sorted().filter((s) => s.name === text);
    return exact.length ? exact : this.sorted().filter((s) => s.name.toLowerCase() === text.toLowerCase());
  }

  /** Every stage name once, in pipeline then stage order. */
  names(): string[] {
    return [...new Set(this.sorted().map((s) => s.name))];
  }

  knowsName(name: string): boolean {
    return CLOSED_STATUSES.includes(name.trim().toLowerCase() as never) || this.named(name).length > 0;
  }

  private sorted(): PipedriveStage[] {
    return [...this.stages].sort((a, b) => Number(a.pipeline_id ?? 0) - Number(b.pipeline_id ?? 0) || Number(a.order_nr ?? 0) - Number(b.order_nr ?? 0) || Number(a.id) - Number(b.id));
  }
}

/** The company's stages, read on demand and held `ttlMs`. */
export class StageCatalog {
  private cached: { at: number; map: Promise<StageMap> } | null = null;

  constructor(
    private readonly api: PipedriveApi,
    private readonly ttlMs: number,
  ) {}

  /** The held stages when fresh, else a new read. */
  current(options: CallOptions = {}): Promise<StageMap> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.map;
    return this.refresh(options);
  }

  /** Reads the stages now (the metadata refresh does). */
  refresh(options: CallOptions = {}): Promise<StageMap> {
    const map = this.fetch(options).then((stages) => new StageMap(stages));
    const entry = { at: Date.now(), map };
    this.cached = entry;
    // A failed read must not stay held.
    map.catch(() => this.cached === entry && (this.cached = null));
    return map;
  }

  /**
   * Stages that know every id in `ids` and name in `names` if Pipedrive does: re-read once when the held list misses
   * one it has not missed before (a stage added or renamed since), else the held list.
   */
  async knowing(ids: readonly string[], names: readonly string[], options: CallOptions = {}): Promise<StageMap> {
    const before = this.cached;
    const held = this.current(options);
    const map = await held;
    const unknown = (m: StageMap) => [...ids.filter((id) => !m.byId.has(id)), ...names.filter((n) => !m.knowsName(n))].filter((k) => !m.missed.has(k));
    if (unknown(map).length === 0) return map;
    // Read just now for this call: a second read could not know more.
    const readNow = before === null || before.map !== held;
    // Another caller may have re-read meanwhile: use that read rather than a third.
    const fresh = readNow ? map : await (this.cached && this.cached.map !== held ? this.cached.map : this.refresh(options));
    for (const key of unknown(fresh)) fresh.missed.add(key);
    return fresh;
  }

  private async fetch(options: CallOptions): Promise<PipedriveStage[]> {
    const stages: PipedriveStage[] = [];
    let cursor: string | null = null;
    do {
      const page: PipedriveEnvelope<unknown> = await this.api.request(options.lane ?? 'interactive', {
        path: `${PIPEDRIVE_V2}/stages`,
        query: { limit: STAGE_PAGE, ...(cursor ? { cursor } : {}) },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const items = expectList<PipedriveStage>(page, 'the stage list');
      stages.push(...items.filter((s) => s && (typeof s.id === 'number' || typeof s.id === 'string') && typeof s.name === 'string' && s.is_deleted !== true));
      cursor = items.length ? nextCursorOf(page) : null;
    } while (cursor !== null);
    return stages;
  }
}

/** True when a read of `objectType` with `fields` (undefined: all) returns `stage_name`. */
export function readsStage(objectType: string, fields: readonly string[] | undefined): boolean {
  return objectType === 'deals' && (fields === undefined || fields.includes(STAGE_FIELD));
}

const closedStatus = (raw: PipedriveRecord): string | undefined =>
  typeof raw.status === 'string' && (CLOSED_STATUSES as readonly string[]).includes(raw.status) ? raw.status : undefined;
const stageIdOf = (raw: PipedriveRecord): string | undefined =>
  raw.stage_id === null || raw.stage_id === undefined || raw.stage_id === '' ? undefined : String(raw.stage_id);

/** The `stage_name` of a raw deal: its closed status, else its stage's name, else null. */
export function stageValueOf(raw: PipedriveRecord, map: StageMap | null): string | null {
  const closed = closedStatus(raw);
  if (closed) return closed;
  const id = stageIdOf(raw);
  return id === undefined ? null : map?.byId.get(id)?.name ?? null;
}

/**
 * Sets `stage_name` on mapped deals (`records[i]` from `raws[i]`), in place. Stages are read only when an open deal
 * has a stage, and then from the held list (one re-read for an id it does not know).
 */
export async function fillStages(stages: StageCatalog, raws: readonly PipedriveRecord[], records: NativeRecord[], options: CallOptions = {}): Promise<void> {
  const ids = [...new Set(raws.filter((r) => !(STAGE_FIELD in r) && !closedStatus(r)).map(stageIdOf).filter((id): id is string => id !== undefined))];
  const map = ids.length ? await stages.knowing(ids, [], options) : null;
  records.forEach((record, i) => {
    const raw = raws[i]!;
    if (!(STAGE_FIELD in raw)) record.fields[STAGE_FIELD] = stageValueOf(raw, map);
  });
}

/** The field `describeObjects` adds to deals: a writable picklist of every stage name, then won and lost. */
export function stageFieldDescription(map: StageMap): FieldDescription {
  return {
    name: STAGE_FIELD,
    label: 'Stage name (won or lost when the deal is closed)',
    type: 'picklist',
    nativeType: 'stage_id+status',
    nillable: true,
    createable: true,
    updateable: true,
    custom: false,
    unique: false,
    externalId: false,
    picklistValues: [
      ...map.names().map((name) => ({ value: name, label: name, active: true })),
      { value: 'won', label: 'Won', active: true },
      { value: 'lost', label: 'Lost', active: true },
    ],
  };
}
