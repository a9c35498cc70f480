/**
 * Runs a parsed `$batch` (reference §3.5): operations in order; a changeset is atomic — on its first failure every
 * write it made is rolled back (rows, versions, ledger entries and webhook jobs) and only that failure is answered; outside
 * `Prefer: odata.continue-on-error` processing stops after the first failed operation or changeset. Inside a
 * changeset `$<Content-ID>` names what an earlier operation created, as a URL or in `@odata.bind`.
 */
import { API_PREFIX, splitTarget } from '../api.ts';
import type { ApiContext, ApiRequest } from '../api.ts';
import { CODES, DataverseError } from '../errors.ts';
import type { ApiAnswer } from '../errors.ts';
import { dispatch } from '../routes/dispatch.ts';
import { newGuid } from '../ids.ts';
import type { BatchAnswer, BatchItem, BatchOperation, RenderedItem } from './multipart.ts';

export const MAX_BATCH_OPERATIONS = 1000;

interface Outer {
  base: string;
  continueOnError: boolean;
}

/** The path after the API base of a part's request target (absolute URL, root-relative or relative). */
function apiTarget(target: string): string | undefined {
  const at = target.indexOf(API_PREFIX);
  if (at >= 0) return target.slice(at + API_PREFIX.length);
  if (/^https?:\/\//i.test(target) || target.startsWith('/')) return undefined;
  return target;
}

function run(ctx: ApiContext, op: BatchOperation, outer: Outer, ids?: Map<string, string>): ApiAnswer {
  let target: string | undefined = op.target;
  const ref = /^\$([^/?]+)(.*)$/.exec(target);
  if (ref && ids) {
    const path = ids.get(ref[1]!);
    target = path === undefined ? undefined : `${path}${ref[2]}`;
  } else {
    target = apiTarget(target);
  }
  if (target === undefined) return new DataverseError(404, CODES.resourceNotFound, `Resource not found for the request target '${op.target}'.`).answer();
  const { path, params } = splitTarget(target);
  const req: ApiRequest = {
    method: op.method, path, params, headers: op.headers, body: op.body, base: outer.base,
    ...(ids ? { contentIdPath: (id: string) => (ids.get(id) === undefined ? undefined : `/${ids.get(id)}`) } : {}),
  };
  return dispatch(ctx, req);
}

const failed = (a: ApiAnswer) => a.status >= 400;

export function countOperations(items: BatchItem[]): number {
  return items.reduce((n, item) => n + (item.kind === 'operation' ? 1 : item.ops.length), 0);
}

export function executeBatch(ctx: ApiContext, items: BatchItem[], outer: Outer): RenderedItem[] {
  const out: RenderedItem[] = [];
  for (const item of items) {
    if (item.kind === 'operation') {
      const answer = run(ctx, item.op, outer);
      out.push({ kind: 'operation', answer });
      if (failed(answer) && !outer.continueOnError) break;
      continue;
    }
    const org = ctx.org();
    const snapshot = org.snapshot();
    const ledgerLength = ctx.control.ledger.length;
    const webhookMark = ctx.webhooks.mark();
    const ids = new Map<string, string>();
    const answers: BatchAnswer[] = [];
    let failure: BatchAnswer | undefined;
    for (const op of item.ops) {
      const answer = run(ctx, op, outer, ids);
      const part: BatchAnswer = { ...answer, ...(op.contentId !== undefined ? { contentId: op.contentId } : {}) };
      if (failed(answer)) {
        failure = part;
        break;
      }
      const entity = answer.headers['OData-EntityId'];
      if (op.contentId !== undefined && entity) ids.set(op.contentId, entity.slice(entity.indexOf(API_PREFIX) + API_PREFIX.length));
      answers.push(part);
    }
    if (failure) {
      org.restore(snapshot);
      ctx.control.ledger.length = ledgerLength;
      ctx.webhooks.discardSince(webhookMark);
      out.push({ kind: 'operation', answer: failure });
      if (!outer.continueOnError) break;
    } else {
      out.push({ kind: 'changeset', answers, boundary: `changesetresponse_${newGuid()}` });
    }
  }
  return out;
}
