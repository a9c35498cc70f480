/**
 * Starting the sandboxes as a child process and waiting for their ready line. Used by `customer-graph sandbox`
 * and by the embedded demo of `customer-graph start`.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ProductError } from '../lib/product-error.ts';

export function tsxLoader(): string {
  return import.meta.resolve('tsx');
}

export function sandboxEntry(): string {
  return fileURLToPath(new URL('../sandboxes/main.ts', import.meta.url));
}

export interface SandboxProcess {
  salesforceUrl: string;
  hubspotUrl: string;
  /** Absent when started with `--pipedrive-port off`. */
  pipedriveUrl?: string;
  /** Absent when started with `--dynamics-port off`. */
  dynamicsUrl?: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startSandboxProcess(args: string[], timeoutMs = 60_000): Promise<SandboxProcess> {
  // stdin is a pipe we never write to: the child exits when it closes, i.e. when this process ends in any way.
  const child = spawn(process.execPath, ['--import', tsxLoader(), sandboxEntry(), '--exit-with-parent', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ salesforce: string; hubspot: string; pipedrive?: string; dynamics?: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ProductError('INTERNAL_SERVER_ERROR', `the CRM sandboxes did not start within ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: boolean; salesforce: string; hubspot: string; pipedrive?: string; dynamics?: string };
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
  return {
    salesforceUrl: ready.salesforce,
    hubspotUrl: ready.hubspot,
    ...(ready.pipedrive ? { pipedriveUrl: ready.pipedrive } : {}),
    ...(ready.dynamics ? { dynamicsUrl: ready.dynamics } : {}),
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
  const crm = /--(salesforce|hubspot|pipedrive|dynamics)-port/.exec(stderr)?.[1];
  const address = /EADDRINUSE[^)]*?(\S+:\d+)/.exec(stderr)?.[1];
  const variable = crm ? `CUSTOMER_GRAPH_DEMO_${crm.toUpperCase()}_PORT` : 'CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT / _HUBSPOT_PORT / _PIPEDRIVE_PORT / _DYNAMICS_PORT';
  const names: Record<string, string> = { salesforce: 'Salesforce', hubspot: 'HubSpot', pipedrive: 'Pipedrive', dynamics: 'Dynamics 365' };
  const which = crm ? `the demo ${names[crm]} sandbox` : 'a demo CRM sandbox';
  return new ProductError(
    'PORT_IN_USE',
    `Port${address ? ` ${address}` : ''} of ${which} is already in use (another customer-graph start, or customer-graph sandbox?). Stop what holds it, or pick another port with ${variable}=N (0: any free port); CUSTOMER_GRAPH_DEMO=off starts without the demo CRMs.`,
    { ...(crm ? { variable } : {}), ...(address ? { address } : {}) },
  );
}
