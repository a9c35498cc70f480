/**
 * Saving the mapping configuration. `graphql()` in api.ts keeps an error's code and message only, but a rejected
 * configuration's error also carries `extensions.problems` — every offending path with its reason — which the page
 * lists next to the fields. So this one call reads the response itself, with the same token and the same codes.
 */
import { storedToken } from './api.ts';
import type { ApiError } from './api.ts';

/** One reason the gateway's validator gave (resolver-engine ConfigError): a dotted path into the document and why. */
export interface ConfigProblem { path: string; message: string }

export interface SaveResult {
  version: number | undefined;
  errors: ApiError[];
  problems: ConfigProblem[];
}

const SAVE = 'mutation SaveMappingConfiguration($document: String!, $comment: String) { saveMappingConfiguration(document: $document, comment: $comment) { version } }';

interface SaveResponse {
  data?: { saveMappingConfiguration?: { version?: unknown } | null } | null;
  errors?: { message?: unknown; extensions?: { code?: unknown; problems?: unknown } }[];
}

const isProblem = (p: unknown): p is ConfigProblem =>
  typeof p === 'object' && p !== null && typeof (p as ConfigProblem).path === 'string' && typeof (p as ConfigProblem).message === 'string';

export async function saveMappingConfiguration(document: string, comment: string | null): Promise<SaveResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const fail = (code: string, message: string): SaveResult => ({ version: undefined, errors: [{ code, message }], problems: [] });
  let res: Response;
  try {
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query: SAVE, variables: { document, comment } }) });
  } catch (err) {
    return fail('NETWORK_ERROR', `The gateway could not be reached: ${(err as Error).message}`);
  }
  let body: SaveResponse;
  try {
    body = await res.json() as SaveResponse;
  } catch {
    return fail(`HTTP_${res.status}`, `The gateway answered ${res.status} ${res.statusText} without a GraphQL response`);
  }
  const errors = (body.errors ?? []).map((e): ApiError => ({
    code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN_ERROR',
    message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
  }));
  const problems = (body.errors ?? []).flatMap((e) => (Array.isArray(e.extensions?.problems) ? e.extensions.problems.filter(isProblem) : []));
  const version = body.data?.saveMappingConfiguration?.version;
  if (typeof version !== 'number' && errors.length === 0) errors.push({ code: `HTTP_${res.status}`, message: 'The gateway answered with neither a version nor errors' });
  return { version: typeof version === 'number' ? version : undefined, errors, problems };
}
