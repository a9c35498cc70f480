/** Shared set-up for the Dynamics sandbox tests: sandboxes on free ports, closed after each test, plain fetch. */
import { afterEach } from 'vitest';
import { startDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';
import type { DynamicsSandboxOptions, RunningDynamicsSandbox } from '../../../sandboxes/dynamics/index.ts';

const started: RunningDynamicsSandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

export async function startSandbox(opts: DynamicsSandboxOptions = {}): Promise<RunningDynamicsSandbox> {
  const sandbox = await startDynamicsSandbox({ port: 0, ...opts });
  started.push(sandbox);
  return sandbox;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** The token endpoint with a form body, as an Entra ID client sends it. */
export async function requestToken(sandbox: RunningDynamicsSandbox, overrides: Record<string, string> = {}, tenant = sandbox.tenantId): Promise<Answer> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials', client_id: sandbox.clientId, client_secret: sandbox.clientSecret, scope: `${sandbox.url}/.default`, ...overrides,
  });
  const res = await fetch(`${sandbox.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

const tokens = new WeakMap<RunningDynamicsSandbox, string>();

export async function token(sandbox: RunningDynamicsSandbox): Promise<string> {
  let t = tokens.get(sandbox);
  if (!t) {
    const answer = await requestToken(sandbox);
    if (answer.status !== 200) throw new Error(`token: ${answer.status} ${answer.text}`);
    t = answer.body.access_token as string;
    tokens.set(sandbox, t);
  }
  return t;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** A bearer token to send instead of a fresh one; null sends none. */
  bearer?: string | null;
}

/** A Web API call relative to `/api/data/v9.2/` (or an absolute URL, e.g. a nextLink), JSON body when given. */
export async function api(sandbox: RunningDynamicsSandbox, method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Answer> {
  const url = /^https?:/.test(path) ? path : `${sandbox.apiUrl}${path}`;
  const headers: Record<string, string> = { accept: 'application/json', 'odata-version': '4.0', 'odata-maxversion': '4.0', ...opts.headers };
  const bearer = opts.bearer === undefined ? await token(sandbox) : opts.bearer;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: parsed };
}

export async function control(sandbox: RunningDynamicsSandbox, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

/** The id in an `OData-EntityId` header (`…/contacts(<guid>)`). */
export function entityIdOf(answer: Answer): string {
  const header = answer.headers.get('odata-entityid') ?? '';
  const m = /\(([0-9a-f-]{36})\)$/.exec(header);
  if (!m) throw new Error(`no OData-EntityId in ${answer.status} ${answer.text}`);
  return m[1]!;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const DATAVERSE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
export const ACCOUNT_ID = '7d5e187f-5b3c-ef11-a72f-000d3a3b4a11';
export const CONTACT_ID = '49b0be2e-d01c-ed11-b83e-000d3a572421';
