/** Shared set-up for the Pipedrive sandbox tests: sandboxes on free ports, closed after each test, and plain fetch. */
import { afterEach } from 'vitest';
import { startPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';
import type { PipedriveSandboxOptions, RunningPipedriveSandbox } from '../../../sandboxes/pipedrive/index.ts';

const started: RunningPipedriveSandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

export async function startSandbox(opts: PipedriveSandboxOptions = {}): Promise<RunningPipedriveSandbox> {
  const sandbox = await startPipedriveSandbox({ port: 0, ...opts });
  started.push(sandbox);
  return sandbox;
}

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** How a call authenticates: the API token header (default), the query parameter, a bearer token, or nothing. */
export type Auth = { header: string } | { query: string } | { bearer: string } | 'none';

export async function call(sandbox: RunningPipedriveSandbox, method: string, path: string, body?: unknown, auth?: Auth): Promise<Answer> {
  const how = auth ?? { header: sandbox.apiToken };
  const url = new URL(path, sandbox.url);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (how !== 'none' && 'header' in how) headers['x-api-token'] = how.header;
  if (how !== 'none' && 'query' in how) url.searchParams.set('api_token', how.query);
  if (how !== 'none' && 'bearer' in how) headers.authorization = `Bearer ${how.bearer}`;
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function control(sandbox: RunningPipedriveSandbox, method: string, path: string, body?: unknown): Promise<Answer> {
  return call(sandbox, method, `/_sandbox${path}`, body, 'none');
}

/** `POST /oauth/token` with HTTP Basic client credentials and a form body, as an OAuth client sends it. */
export async function refresh(sandbox: RunningPipedriveSandbox, refreshToken = sandbox.refreshToken, secret = sandbox.clientSecret): Promise<Answer> {
  const res = await fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sandbox.clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** Every page of a v2 list, following next_cursor; returns the pages' ids. */
export async function listAll(sandbox: RunningPipedriveSandbox, path: string): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: string | null = null;
  do {
    const url = new URL(path, sandbox.url);
    if (cursor) url.searchParams.set('cursor', cursor);
    const answer = await call(sandbox, 'GET', `${url.pathname}${url.search}`);
    if (answer.status !== 200) throw new Error(`list answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    pages.push(answer.body.data.map((r: { id: number }) => r.id));
    cursor = answer.body.additional_data.next_cursor;
  } while (cursor);
  return pages;
}

export const RFC3339_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
