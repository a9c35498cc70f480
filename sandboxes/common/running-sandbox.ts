/** What every sandbox's `start…Sandbox()` returns, so tests, benchmarks and the demo drive them alike. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import type { ControlPlane } from './control-plane.ts';

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:4101 */
  url: string;
  port: number;
  control: ControlPlane;
  close(): Promise<void>;
}

export interface SandboxStartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A folder in the sandbox seed format; when absent the built-in demo set is loaded unless `empty` is set. */
  seedDir?: string;
  empty?: boolean;
}

/** Listens with the given express app; resolves once the port is bound. */
export async function listen(app: express.Express, control: ControlPlane, opts: SandboxStartOptions): Promise<RunningSandbox> {
  const server = http.createServer(app);
  // Idle keep-alive sockets must outlive the client's own idle timeout (undici: a few seconds), or on a loaded
  // machine the server closes a socket the client is just reusing, and a POST dies with ECONNRESET. close()
  // destroys every connection, so a long timeout never holds a test open.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    control,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
