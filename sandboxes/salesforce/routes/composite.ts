/**
 * `/composite`: up to 25 subrequests run in order through the same handlers, with `@{ref.path}` references to
 * earlier results. `allOrNone` rolls everything back at the first failure and marks the rest PROCESSING_HALTED.
 */
import { SfError, jsonParserError } from '../errors.ts';
import type { ApiContext, ApiRequest, ApiResponse, Route } from './types.ts';

const MAX_SUBREQUESTS = 25;
const HALTED_ROLLBACK = [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }];

interface SubRequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

interface SubResponse {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

class Halt extends Error {}
class BadReference extends Error {}

function parse(body: unknown): { allOrNone: boolean; subs: SubRequest[] } {
  const b = body as { allOrNone?: unknown; compositeRequest?: unknown } | undefined;
  if (!b || !Array.isArray(b.compositeRequest)) throw jsonParserError('compositeRequest is required');
  if (b.compositeRequest.length > MAX_SUBREQUESTS) {
    throw new SfError(400, 'LIMIT_EXCEEDED', `Composite request can contain at most ${MAX_SUBREQUESTS} subrequests`);
  }
  const seen = new Set<string>();
  const subs = b.compositeRequest.map((raw: unknown, i: number) => {
    const s = raw as Partial<SubRequest>;
    if (!s || typeof s.method !== 'string' || typeof s.url !== 'string' || typeof s.referenceId !== 'string') {
      throw jsonParserError(`subrequest ${i}: method, url and referenceId are required`);
    }
    if (!/^[A-Za-z0-9_]+$/.test(s.referenceId) || seen.has(s.referenceId)) {
      throw new SfError(400, 'INVALID_INPUT', `Invalid or duplicate referenceId '${s.referenceId}'`);
    }
    seen.add(s.referenceId);
    return s as SubRequest;
  });
  return { allOrNone: b.allOrNone === true, subs };
}

/** Resolves `ref.field`, `ref.records[0].Id` and the like against earlier subresponse bodies. */
function lookup(results: Map<string, SubResponse>, expr: string): unknown {
  const [ref, ...rest] = expr.split('.');
  const prior = results.get(ref ?? '');
  if (!prior || prior.httpStatusCode >= 400) throw new BadReference(expr);
  let value: unknown = prior.body;
  for (const part of rest.join('.').split('.').filter(Boolean)) {
    const m = /^([^[\]]+)?((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new BadReference(expr);
    if (m[1] !== undefined) value = (value as Record<string, unknown> | null)?.[m[1]];
    for (const idx of m[2]!.match(/\d+/g) ?? []) value = (value as unknown[] | null)?.[Number(idx)];
  }
  if (value === undefined) throw new BadReference(expr);
  return value;
}

function substitute(value: unknown, results: Map<string, SubResponse>): unknown {
  if (typeof value === 'string') {
    const whole = /^@\{([^}]+)\}$/.exec(value);
    if (whole) return lookup(results, whole[1]!);
    return value.replace(/@\{([^}]+)\}/g, (_m, expr: string) => String(lookup(results, expr)));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, results));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results)]));
  }
  return value;
}

function toApiRequest(sub: SubRequest, results: Map<string, SubResponse>): ApiRequest {
  const url = substitute(sub.url, results) as string;
  const m = /^\/services\/data\/v(\d+\.\d+)(\/[^?]*)?(?:\?(.*))?$/.exec(url);
  if (!m) throw new SfError(400, 'NOT_FOUND', `The requested resource does not exist: ${url}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(sub.httpHeaders ?? {})) headers[k.toLowerCase()] = v;
  return { method: sub.method.toUpperCase(), version: m[1]!, path: m[2] ?? '', query: new URLSearchParams(m[3] ?? ''), body: substitute(sub.body, results), headers };
}

function composite(ctx: ApiContext, req: ApiRequest, run: (r: ApiRequest) => ApiResponse): ApiResponse {
  const { allOrNone, subs } = parse(req.body);
  const results = new Map<string, SubResponse>();
  const out: SubResponse[] = [];
  const execute = () => {
    for (const sub of subs) {
      let res: ApiResponse;
      try {
        const inner = toApiRequest(sub, results);
        if (/^\/composite\/?$/.test(inner.path)) throw new SfError(400, 'INVALID_INPUT', 'composite requests cannot be nested');
        res = run(inner);
      } catch (err) {
        res = err instanceof BadReference
          ? { status: 400, body: [{ errorCode: 'PROCESSING_HALTED', message: `Invalid reference specified. No value for ${err.message} found in ${sub.referenceId}. Provided referenceId ('${err.message.split('.')[0]}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').` }] }
          : { status: (err as SfError).status ?? 400, body: err instanceof SfError ? err.toBody() : [{ errorCode: 'UNKNOWN_EXCEPTION', message: String(err) }] };
      }
      const sr: SubResponse = { body: res.body ?? null, httpHeaders: res.headers ?? {}, httpStatusCode: res.status, referenceId: sub.referenceId };
      results.set(sub.referenceId, sr);
      out.push(sr);
      if (allOrNone && res.status >= 400) throw new Halt();
    }
  };
  try {
    ctx.org.store.transaction(execute);
  } catch (err) {
    if (!(err instanceof Halt)) throw err;
    const failed = out[out.length - 1]!;
    return {
      status: 200,
      body: {
        compositeResponse: subs.map((s) =>
          s.referenceId === failed.referenceId ? failed : { body: HALTED_ROLLBACK, httpHeaders: {}, httpStatusCode: 400, referenceId: s.referenceId },
        ),
      },
    };
  }
  return { status: 200, body: { compositeResponse: out } };
}

/** The dispatcher is injected to avoid an import cycle (dispatch imports this file). */
export function compositeRoute(run: (ctx: ApiContext, r: ApiRequest) => ApiResponse): Route {
  return { method: 'POST', pattern: /^\/composite\/?$/, handler: (ctx, req) => composite(ctx, req, (r) => run(ctx, r)) };
}
