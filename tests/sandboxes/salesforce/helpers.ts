/** Starts a Salesforce sandbox and connects the real jsforce client to it. */
import jsforce from 'jsforce';
import type { Connection } from 'jsforce';
import { DEFAULT_REFRESH_TOKEN, startSalesforceSandbox } from '../../../sandboxes/salesforce/index.ts';
import type { SalesforceSandbox, SalesforceSandboxOptions } from '../../../sandboxes/salesforce/index.ts';

export const CLIENT_ID = 'customer-graph';
export const CLIENT_SECRET = 'sandbox';

export function newConnection(sb: SalesforceSandbox, extra: Record<string, unknown> = {}): Connection {
  return new jsforce.Connection({
    loginUrl: sb.url,
    instanceUrl: sb.url,
    version: '60.0',
    oauth2: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, loginUrl: sb.url },
    ...extra,
  });
}

/** A connection logged in with the client_credentials grant. */
export async function connect(sb: SalesforceSandbox): Promise<Connection> {
  const conn = newConnection(sb);
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** A connection holding a refresh token, so jsforce refreshes by itself after a 401. */
export async function connectWithRefresh(sb: SalesforceSandbox): Promise<Connection> {
  const conn = newConnection(sb, { refreshToken: DEFAULT_REFRESH_TOKEN, accessToken: 'not-yet-issued' });
  return conn;
}

export async function start(opts: SalesforceSandboxOptions = {}): Promise<{ sb: SalesforceSandbox; conn: Connection }> {
  const sb = await startSalesforceSandbox(opts);
  return { sb, conn: await connect(sb) };
}

/** Catches the error of a promise (and fails when there is none). */
export async function errorOf(p: PromiseLike<unknown>): Promise<Error & { errorCode?: string; name: string; data?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { errorCode?: string };
  }
  throw new Error('expected the call to fail');
}

export async function json(res: Response): Promise<unknown> {
  return res.json();
}
