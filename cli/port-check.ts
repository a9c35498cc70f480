/**
 * A taken port, found before a command starts anything (no key generated, no database opened) and named with the
 * way to pick another. gateway/http-server.ts still fails with the raw EADDRINUSE if the port is taken in between;
 * `portInUseError` turns that one into the same message.
 */
import net from 'node:net';
import { ProductError } from '../lib/product-error.ts';

function message(port: number, host: string): string {
  return `Port ${port} on ${host} is already in use (another customer-graph, or another program). Stop it, or pick another port with PORT=N or --port N (0: any free port).`;
}

/** Resolves when `port` can be bound on `host` (port 0 always can); PORT_IN_USE when it cannot. */
export async function checkPortFree(port: number, host: string, hint = message(port, host)): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new ProductError('PORT_IN_USE', hint, { port, host }) : err);
    });
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** PORT_IN_USE for a listen on `port` that failed with EADDRINUSE; undefined for any other error. */
export function portInUseError(err: unknown, port: number, host: string, hint = message(port, host)): ProductError | undefined {
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== 'EADDRINUSE' || e.syscall !== 'listen' || (port !== 0 && e.port !== port)) return undefined;
  return new ProductError('PORT_IN_USE', hint, { port, host }, { cause: err });
}
