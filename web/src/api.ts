/**
 * The page's only way to the product: POST JSON to the gateway's `/graphql`. The API token (when the gateway
 * requires one, CUSTOMER_GRAPH_API_TOKENS) is kept in sessionStorage, so it lasts for this tab only.
 * Every error comes back with its `extensions.code` for the page to show, and with the rest of its `extensions`
 * (e.g. a refused mapping configuration's `problems`) for a page that shows more; none is dropped.
 */
const TOKEN_KEY = 'customer-graph.apiToken';

export interface ApiError {
  code: string;
  message: string;
  /** The error's GraphQL `extensions` as the gateway sent them (code included); absent for errors made here. */
  extensions?: Record<string, unknown>;
}

export interface ApiResult<T> {
  data: T | undefined;
  errors: ApiError[];
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message?: unknown; extensions?: { code?: unknown; [key: string]: unknown } }[];
}

export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (err) {
    return { data: undefined, errors: [{ code: 'NETWORK_ERROR', message: `The gateway could not be reached: ${(err as Error).message}` }] };
  }
  let body: GraphQLResponse<T>;
  try {
    body = await res.json() as GraphQLResponse<T>;
  } catch {
    return { data: undefined, errors: [{ code: `HTTP_${res.status}`, message: `The gateway answered ${res.status} ${res.statusText} without a GraphQL response` }] };
  }
  const errors = (body.errors ?? []).map((e): ApiError => ({
    code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN_ERROR',
    message: typeof e.message === 'string' ? e.message : JSON.stringify(e),
    ...(typeof e.extensions === 'object' && e.extensions !== null ? { extensions: e.extensions } : {}),
  }));
  if (!body.data && errors.length === 0) errors.push({ code: `HTTP_${res.status}`, message: 'The gateway answered with neither data nor errors' });
  return { data: body.data ?? undefined, errors };
}

/** Codes the admin pages meet, in words; the code itself is still shown, smaller, for support and the API docs. */
const CODE_WORDS: Record<string, string> = {
  BAD_USER_INPUT: 'Not accepted', MAPPING_INVALID: 'Mapping not accepted', CONFLICT: 'Someone else saved first',
  BREAKING_CHANGE: 'Would break clients', UNAUTHENTICATED: 'API token needed', FORBIDDEN: 'Not allowed', NOT_FOUND: 'Not found',
  NETWORK_ERROR: 'Gateway unreachable', CRM_UNAVAILABLE: 'CRM unavailable', CRM_AUTH_FAILED: 'CRM refused the credentials',
  ALREADY_DECIDED: 'Already decided', RATE_LIMITED: 'Too many requests', INTERNAL_SERVER_ERROR: 'Gateway error', UNKNOWN_ERROR: 'Error',
};

/** `BAD_USER_INPUT` → "Not accepted"; an unlisted code in words from its name (`DATA_DIR_IN_USE` → "Data dir in use"). */
export function errorCodeInWords(code: string): string {
  if (CODE_WORDS[code]) return CODE_WORDS[code];
  if (/^HTTP_\d+$/.test(code)) return 'Gateway error';
  const words = code.toLowerCase().replace(/_/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Error';
}
