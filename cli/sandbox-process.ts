/**
 * Starting the sandboxes as a child process and waiting for their ready line. Used by `customer-graph sandbox`
 * and by the embedded demo of `customer-graph start`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ProductError } from '../lib/product-error.ts';
import { DEMO_SANDBOXES, demoSandboxOfFlag, portVariable, portVariablesList } from './demo-sandboxes.ts';

export function tsxLoader(): string {
  return import.meta.resolve('tsx');
}

export function sandboxEntry(): string {
  return fileURLToPath(new URL('../sandboxes/main.ts', import.meta.url));
}

export interface SandboxProcess {
  /** The URL of every sandbox that runs, by CRM id (cli/demo-sandboxes.ts); one left `off` is absent. */
  urls: Readonly<Record<string, string>>;
  salesforceUrl: string;
  hubspotUrl: string;
  /** Absent when started with `--pipedrive-port off`. */
  pipedriveUrl?: string;
  /** Absent when started with `--dynamics-port off`. */
  dynamicsUrl?: string;
  /** Absent when started with `--zoho-port off`. */
  zohoUrl?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startSandboxProcess(args: string[], timeoutMs = 60_000): Promise<SandboxProcess> {
  // stdin is a pipe we never write to: the child exits when it closes, i.e. when this process ends in any way.
  const child = spawn(process.execPath, ['--import', tsxLoader(), sandboxEntry(), '--exit-with-parent', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ProductError('INTERNAL_SERVER_ERROR', `the CRM sandboxes did not start within ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as Record<string, unknown>;
        if (msg.ready) {
          clearTimeout(timer);
          resolve(msg);
        }
      } catch {
        // not the ready line
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 75) return reject(portInUse(stderr));
      reject(new ProductError(code === 2 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR', `the CRM sandboxes stopped (exit ${code}): ${stderr.trim()}`));
    });
  });
  const urls = Object.fromEntries(DEMO_SANDBOXES.flatMap((d) => (typeof ready[d.crm] === 'string' ? [[d.crm, ready[d.crm] as string]] : [])));
  return {
    urls,
    salesforceUrl: urls.salesforce!,
    hubspotUrl: urls.hubspot!,
    ...(urls.pipedrive ? { pipedriveUrl: urls.pipedrive } : {}),
    ...(urls.dynamics ? { dynamicsUrl: urls.dynamics } : {}),
    ...(urls.zoho ? { zohoUrl: urls.zoho } : {}),
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The sandboxes exit 75 on a taken port and name their flag (`--hubspot-port`). Whoever starts them through here (the
 * embedded demo of start, sync, worker, supergraph, subgraph) sets those ports with environment variables, not flags,
 * so the message names the variable that works for them.
 */
function portInUse(stderr: string): ProductError {
  const flag = /--[a-z]+-port/.exec(stderr)?.[0];
  const sandbox = flag ? demoSandboxOfFlag(flag) : undefined;
  const address = /EADDRINUSE[^)]*?(\S+:\d+)/.exec(stderr)?.[1];
  const variable = sandbox ? portVariable(sandbox) : portVariablesList();
  const which = sandbox ? `the demo ${sandbox.name} sandbox` : 'a demo CRM sandbox';
  return new ProductError(
    'PORT_IN_USE',
    `Port${address ? ` ${address}` : ''} of ${which} is already in use (another customer-graph start, or customer-graph sandbox?). Stop what holds it, or pick another port with ${variable}=N (0: any free port); CUSTOMER_GRAPH_DEMO=off starts without the demo CRMs.`,
    { ...(sandbox ? { variable } : {}), ...(address ? { address } : {}) },
  );
}
