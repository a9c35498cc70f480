/**
 * Routes one Web API request (direct or from `$batch`) to its handler by its first path segment, and turns a
 * thrown DataverseError into its answer.
 */
import type { ApiContext, ApiRequest } from '../api.ts';
import { CODES, DataverseError, jsonAnswer } from '../errors.ts';
import type { ApiAnswer } from '../errors.ts';
import { ORG } from '../ids.ts';
import { parsePath } from '../odata/paths.ts';
import { handleMetadata } from './metadata.ts';
import { handleOpportunityAction, isOpportunityAction } from './opportunity-actions.ts';
import { handleRecords } from './records.ts';
import { isWebhookTable } from '../service-endpoints.ts';

function whoAmI(req: ApiRequest): ApiAnswer {
  return jsonAnswer(200, {
    '@odata.context': `${req.base}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: ORG.businessUnitId, UserId: ORG.userId, OrganizationId: ORG.organizationId,
  });
}

function route(ctx: ApiContext, req: ApiRequest): ApiAnswer {
  const segments = parsePath(req.path);
  const first = segments[0];
  if (!first) throw new DataverseError(404, CODES.resourceNotFound, 'The service document is not served by this sandbox: name an entity set.');
  if (first.name === 'WhoAmI' && segments.length === 1 && req.method === 'GET') return whoAmI(req);
  if (first.name === 'EntityDefinitions') return handleMetadata(ctx, req, segments);
  if (isOpportunityAction(first.name) && !first.key && segments.length === 1) return handleOpportunityAction(ctx, req, first.name);
  if (first.name === '$batch') throw new DataverseError(400, CODES.badValue, '$batch cannot be nested inside a batch.');
  if (isWebhookTable(first.name)) return ctx.webhooks.registrations.handle(req, segments);
  return handleRecords(ctx, req, segments);
}

export function dispatch(ctx: ApiContext, req: ApiRequest): ApiAnswer {
  try {
    return route(ctx, req);
  } catch (err) {
    if (err instanceof DataverseError) return err.answer();
    throw err;
  }
}
