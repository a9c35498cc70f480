/** Shared set-up for the HubSpot sandbox tests: a sandbox on a free port and a real @hubspot/api-client. */
import { Client } from '@hubspot/api-client';
import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/objects/models/Filter.js';
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/models/AssociationSpec.js';
import { startHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';
import type { HubSpotSandboxOptions, RunningHubSpotSandbox } from '../../../sandboxes/hubspot/index.ts';

export async function startSandbox(opts: HubSpotSandboxOptions = {}): Promise<{ sandbox: RunningHubSpotSandbox; client: Client }> {
  const sandbox = await startHubSpotSandbox({ port: 0, ...opts });
  const client = new Client({ accessToken: sandbox.accessToken, basePath: sandbox.url });
  return { sandbox, client };
}

export const op = (o: string) => o as FilterOperatorEnum;
export const HUBSPOT_DEFINED = 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum;

/** Catches the ApiException the client throws, for asserting on `code` and `body`. */
export async function apiError(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown>; headers: Record<string, string> }> {
  try {
    await p;
  } catch (err) {
    return err as { code: number; body: Record<string, unknown>; headers: Record<string, string> };
  }
  throw new Error('expected the call to fail');
}

export async function control(sandbox: RunningHubSpotSandbox, method: string, path: string, body?: unknown): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
}

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
