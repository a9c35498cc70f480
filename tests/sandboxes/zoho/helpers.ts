/** Shared set-up for the Zoho sandbox tests: sandboxes on free ports, closed after each test, plain fetch. */
import { afterEach } from 'vitest';
import { startZohoSandbox } from '../../../sandboxes/zoho/index.ts';
import type { RunningZohoSandbox, ZohoSandboxOptions } from '../../../sandboxes/zoho/index.ts';

const started: RunningZohoSandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

export async function startSandbox(opts: ZohoSandboxOptions = {}): Promise<RunningZohoSandbox> {
  const sandbox = await startZohoSandbox({ port: 0, ...opts });
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

async function answerOf(res: globalThis.Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** The token call with its parameters in the query string (as Zoho documents it), or in a form body. */
export async function requestToken(sandbox: RunningZohoSandbox, overrides: Record<string, string> = {}, asForm = false): Promise<Answer> {
  const params = new URLSearchParams({
    grant_type: 'refresh_token', client_id: sandbox.clientId, client_secret: sandbox.clientSecret, refresh_token: sandbox.refreshToken, ...overrides,
  });
  const res = asForm
    ? await fetch(sandbox.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params.toString() })
    : await fetch(`${sandbox.tokenUrl}?${params}`, { method: 'POST' });
  return answerOf(res);
}

const tokens = new WeakMap<RunningZohoSandbox, string>();

export async function token(sandbox: RunningZohoSandbox): Promise<string> {
  let t = tokens.get(sandbox);
  if (!t) {
    const answer = await requestToken(sandbox);
    if (answer.status !== 200 || !answer.body.access_token) throw new Error(`token: ${answer.status} ${answer.text}`);
    t = answer.body.access_token as string;
    tokens.set(sandbox, t);
  }
  return t;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** A full Authorization header to send instead of a fresh Zoho-oauthtoken; null sends none. */
  authorization?: string | null;
}

/** An API call relative to `/crm/v8/`, JSON body when given. */
export async function api(sandbox: RunningZohoSandbox, method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  const authorization = opts.authorization === undefined ? `Zoho-oauthtoken ${await token(sandbox)}` : opts.authorization;
  if (authorization !== null) headers.authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sandbox.apiUrl}/${path}`, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return answerOf(res);
}

export async function control(sandbox: RunningZohoSandbox, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answerOf(res);
}

/** Zoho's record time: the org offset, whole seconds. */
export const ZOHO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$/;
export const ZOHO_ID = /^4150868000000\d{6}$/;

/** `n` contacts, one second apart from `start` (ISO), External_Id `ext-<i>`. */
export function contactsSeed(n: number, start = '2026-01-01T00:00:00Z'): { Contacts: object[] } {
  const t0 = Date.parse(start);
  return {
    Contacts: Array.from({ length: n }, (_, i) => ({
      Last_Name: `Person ${i}`, Email: `person${i}@example.test`, External_Id: `ext-${i}`, Modified_Time: new Date(t0 + i * 1000).toISOString(),
    })),
  };
}
