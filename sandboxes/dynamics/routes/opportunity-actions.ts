/**
 * Dataverse's unbound actions that close an opportunity: `POST WinOpportunity` and `POST LoseOpportunity` at the
 * API root, body `{ "Status": 3, "OpportunityClose": { "subject": "…", "opportunityid@odata.bind": "/opportunities(<id>)" } }`.
 * Real Dataverse refuses closing an opportunity by PATCHing its statecode (writes.ts answers 0x80045002): a close
 * also creates an opportunityclose activity, which this sandbox accepts but does not keep. The action sets
 * statecode 1 (won) / 2 (lost), statuscode to `Status` (default 3 / 4) and actualclosedate to today, and is a write
 * like any other (next version, modifiedon, a ledger entry). Also served as a `$batch` part, where the bind may be
 * `$<Content-ID>` inside a changeset. Answers 204 with no body.
 */
import type { ApiContext, ApiRequest } from '../api.ts';
import { jsonBody } from '../api.ts';
import { badRequest, CODES, DataverseError, emptyAnswer, rowNotFound } from '../errors.ts';
import type { ApiAnswer } from '../errors.ts';
import { nowSeconds, toDataverseTime } from '../time.ts';
import { parseBindTarget } from '../writes.ts';

export const OPPORTUNITY_ACTIONS = { WinOpportunity: { state: 1, status: 3 }, LoseOpportunity: { state: 2, status: 4 } } as const;
export type OpportunityAction = keyof typeof OPPORTUNITY_ACTIONS;

export const isOpportunityAction = (name: string): name is OpportunityAction => Object.hasOwn(OPPORTUNITY_ACTIONS, name);

const BIND = 'opportunityid@odata.bind';

export function handleOpportunityAction(ctx: ApiContext, req: ApiRequest, name: OpportunityAction): ApiAnswer {
  if (req.method !== 'POST') throw new DataverseError(405, CODES.badProperty, `The HTTP method '${req.method}' is not allowed on the action ${name}: POST it.`);
  const body = jsonBody(req);
  const close = body.OpportunityClose;
  if (!close || typeof close !== 'object' || Array.isArray(close)) throw badRequest(CODES.requiredOrReadOnly, `${name}: the parameter 'OpportunityClose' (an opportunityclose entity) is required.`);
  const bind = (close as Record<string, unknown>)[BIND];
  if (typeof bind !== 'string') throw badRequest(CODES.requiredOrReadOnly, `${name}: OpportunityClose must name its opportunity with '${BIND}'.`);
  const wctx = { method: 'POST', route: `POST /api/data/vXX.X/${name}`, closingAction: true, ...(req.contentIdPath ? { contentIdPath: req.contentIdPath } : {}) };
  const target = parseBindTarget(bind, wctx);
  if (!target || target.set !== 'opportunities') throw badRequest(CODES.badValue, `The value '${bind}' of '${BIND}' is not a valid reference to opportunity.`);
  const table = ctx.org().tableBySet('opportunities');
  const row = table.rows.get(target.id);
  if (!row) throw rowNotFound('opportunity', target.id);
  const { state, status: defaultStatus } = OPPORTUNITY_ACTIONS[name];
  if (row.values.statecode !== 0) {
    throw badRequest(CODES.alreadyClosed, `The opportunity ${target.id} is already closed (${row.values.statecode === 1 ? 'Won' : 'Lost'}): reopen it before closing it again.`);
  }
  const status = body.Status ?? defaultStatus;
  const option = table.attribute('statuscode')!.options!.find((o) => o.value === status);
  if (typeof status !== 'number' || !option || option.state !== state) {
    throw badRequest(CODES.badValue, `${JSON.stringify(status)} is not a valid status code for state code ${state} on opportunity.`);
  }
  const today = toDataverseTime(nowSeconds()).slice(0, 10);
  ctx.writer.update(table, row, { statecode: state, statuscode: status, actualclosedate: today }, wctx);
  return emptyAnswer(204);
}
