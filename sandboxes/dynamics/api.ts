/**
 * One Web API request as the handlers see it, whether it came straight over HTTP or as a part of `$batch`.
 */
import type { ControlPlane } from '../common/control-plane.ts';
import { badRequest, CODES } from './errors.ts';
import { parsePrefer } from './odata/query.ts';
import type { Prefer } from './odata/query.ts';
import type { Org } from './store.ts';
import type { DataverseWebhooks } from './webhook-deliveries.ts';
import type { RecordWriter } from './writes.ts';

export const API_PREFIX = '/api/data/v9.2/';

export interface ApiRequest {
  method: string;
  /** The path after `/api/data/v9.2/`, percent-decoded (`contacts(<guid>)`). */
  path: string;
  params: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  /** `http://host:port/api/data/v9.2/`: every link the API hands out starts with it. */
  base: string;
  /** Inside a changeset: `$1` → the entity path the operation with Content-ID 1 created or updated. */
  contentIdPath?: (ref: string) => string | undefined;
}

export interface ApiContext {
  org(): Org;
  writer: RecordWriter;
  control: ControlPlane;
  /** Service endpoints, steps and the deliveries they produce. */
  webhooks: DataverseWebhooks;
}

export function preferOf(req: ApiRequest): Prefer {
  return parsePrefer(req.headers.prefer);
}

/** The JSON object a write sends; anything else is Dataverse's payload error. */
export function jsonBody(req: ApiRequest): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = req.body.trim() === '' ? undefined : JSON.parse(req.body);
  } catch (err) {
    throw badRequest(CODES.badValue, `Error identified in Payload provided by the user: the request body is not valid JSON (${(err as Error).message}).`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(CODES.badValue, 'Error identified in Payload provided by the user: a JSON object is expected.');
  return parsed as Record<string, unknown>;
}

/** Splits `a?b=c` into a path and parameters; the path is percent-decoded, the parameters by URLSearchParams. */
export function splitTarget(target: string): { path: string; params: URLSearchParams } {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  return { path, params: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}
