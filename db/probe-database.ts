/** A cheap reachability check for DATABASE_URL, so a start against an unreachable server fails in seconds. */
import postgres from 'postgres';
import { ProductError } from '../lib/product-error.ts';

export async function probeDatabase(url: string, timeoutSeconds = 4): Promise<void> {
  const client = postgres(url, { max: 1, connect_timeout: timeoutSeconds, onnotice: () => {} });
  try {
    await client`select 1`;
  } catch (err) {
    throw unreachable(url, err);
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

export function unreachable(url: string, err: unknown): ProductError {
  const target = describeUrl(url);
  return new ProductError(
    'DATABASE_UNREACHABLE',
    `Cannot reach the database at ${target.host}:${target.port} (database "${target.database}"): ${(err as Error).message}. ` +
      'Check that Postgres is running and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database.',
    { host: target.host, port: target.port },
    { cause: err },
  );
}

function describeUrl(url: string): { host: string; port: string; database: string } {
  try {
    const u = new URL(url);
    return { host: u.hostname || 'localhost', port: u.port || '5432', database: u.pathname.replace(/^\//, '') || 'postgres' };
  } catch {
    throw new ProductError('CONFIG_INVALID', 'DATABASE_URL is not a valid URL (expected postgres://user:password@host:port/database).');
  }
}
