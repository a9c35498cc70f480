/**
 * Runs the CRM sandboxes standalone: `customer-graph sandbox [--seed DIR] [--salesforce-port 4101]
 * [--hubspot-port 4102] [--pipedrive-port 4103|off] [--dynamics-port 4104|off]`. Without --seed they load the built-in
 * demo set (overlapping customers with realistic conflicts; one sales division in Pipedrive, one service division in
 * Dynamics 365). Prints one JSON line `{"ready":true,...}` on
 * stdout once all listen, so a parent process (the embedded demo of `customer-graph start`) can wait for it; exits
 * cleanly on SIGINT/SIGTERM.
 *
 * `--exit-with-parent` (set by cli/sandbox-process.ts): also exit when stdin closes. The parent holds the other end
 * of that pipe, and the kernel closes it however the parent ends — even SIGKILL, which leaves no chance to send
 * SIGTERM — so a killed gateway or worker never leaves its sandboxes running (and holding their ports).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDemoSeed, DEMO_SALESFORCE_USERS } from './demo/index.ts';
import { startDynamicsSandbox } from './dynamics/index.ts';
import { startHubSpotSandbox } from './hubspot/index.ts';
import { startPipedriveSandbox } from './pipedrive/index.ts';
import { startSalesforceSandbox } from './salesforce/index.ts';

export const DEFAULT_SALESFORCE_PORT = 4101;
export const DEFAULT_HUBSPOT_PORT = 4102;
export const DEFAULT_PIPEDRIVE_PORT = 4103;
export const DEFAULT_DYNAMICS_PORT = 4104;

/** Sandboxes a demo can do without: `off` leaves them out. */
const OPTIONAL = new Set(['pipedrive-port', 'dynamics-port']);
const USAGE = 'Usage: customer-graph sandbox [--seed DIR] [--salesforce-port 4101] [--hubspot-port 4102] [--pipedrive-port 4103|off] [--dynamics-port 4104|off] [--host 127.0.0.1] [--customers N]';

/** A port option: a whole number 0–65535 (0: a free port); anything else is a usage error, not NaN passed to listen. */
function portOption(flag: string, value: string): number | string {
  const port = Number(value);
  const what = OPTIONAL.has(flag) ? 'a port number or off' : 'a port number';
  return /^\d+$/.test(value.trim()) && port <= 65535 ? port : `--${flag} must be ${what} (a whole number 0–65535; 0 picks a free port), got "${value}"`;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        seed: { type: 'string' },
        'salesforce-port': { type: 'string', default: String(DEFAULT_SALESFORCE_PORT) },
        'hubspot-port': { type: 'string', default: String(DEFAULT_HUBSPOT_PORT) },
        // 'off': no Pipedrive sandbox (a demo of two CRMs).
        'pipedrive-port': { type: 'string', default: String(DEFAULT_PIPEDRIVE_PORT) },
        // 'off': no Dynamics 365 sandbox.
        'dynamics-port': { type: 'string', default: String(DEFAULT_DYNAMICS_PORT) },
        host: { type: 'string', default: '127.0.0.1' },
        customers: { type: 'string' },
        'exit-with-parent': { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (err) {
    // node's TypeError (ERR_PARSE_ARGS_UNKNOWN_OPTION, …) would end with a stack: say what was wrong and how to call.
    console.error(`error: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values } = parsed;
  const flags = ['salesforce-port', 'hubspot-port', 'pipedrive-port', 'dynamics-port'] as const;
  const ports: Partial<Record<(typeof flags)[number], number>> = {};
  for (const flag of flags) {
    if (OPTIONAL.has(flag) && values[flag] === 'off') continue; // 'off': no such sandbox
    const port = portOption(flag, values[flag]!);
    if (typeof port === 'string') {
      console.error(`error: ${port}`);
      return 2;
    }
    ports[flag] = port;
  }
  if (values.customers !== undefined && !/^[1-9]\d{0,6}$/.test(values.customers)) {
    console.error(`error: --customers must be a whole number of customers (1 or more), got "${values.customers}"`);
    return 2;
  }
  const seedDir = values.seed ? path.resolve(values.seed) : undefined;
  if (seedDir && !fs.existsSync(seedDir)) {
    console.error(`error: seed folder ${seedDir} does not exist (expected ${seedDir}/salesforce/Contact.json, ${seedDir}/hubspot/contacts.json, ...)`);
    return 2;
  }
  const demo = seedDir ? undefined : generateDemoSeed(values.customers ? { customers: Number(values.customers) } : {});
  const host = values.host!;
  const pipedrivePort = ports['pipedrive-port'];
  const dynamicsPort = ports['dynamics-port'];
  // Which sandbox was starting when a listen failed: its port option is named in the error (and cli/sandbox-process.ts
  // turns that option into the environment variable the embedded demo reads).
  let starting = 'salesforce-port';
  let salesforce;
  let hubspot;
  let pipedrive;
  let dynamics;
  try {
    salesforce = await startSalesforceSandbox({
      port: ports['salesforce-port']!,
      host,
      ...(seedDir ? { seedDir } : { demoSeed: { ...demo!.salesforce, User: DEMO_SALESFORCE_USERS } as never }),
    });
    starting = 'hubspot-port';
    hubspot = await startHubSpotSandbox({ port: ports['hubspot-port']!, host, ...(seedDir ? { seedDir } : { demoSeed: demo!.hubspot }) });
    starting = 'pipedrive-port';
    if (pipedrivePort !== undefined) pipedrive = await startPipedriveSandbox({ port: pipedrivePort, host, ...(seedDir ? { seedDir } : { seed: demo!.pipedrive }) });
    starting = 'dynamics-port';
    if (dynamicsPort !== undefined) dynamics = await startDynamicsSandbox({ port: dynamicsPort, host, ...(seedDir ? { seedDir } : { seed: demo!.dynamics }) });
  } catch (err) {
    await Promise.all([salesforce?.close(), hubspot?.close(), pipedrive?.close()]);
    const e = err as NodeJS.ErrnoException;
    console.error(e.code === 'EADDRINUSE' ? `error: port already in use (${e.message}); pick another with --${starting} N (0: a free port)` : `error: ${e.message}`);
    return e.code === 'EADDRINUSE' ? 75 : 2;
  }
  console.log(JSON.stringify({ ready: true, salesforce: salesforce.url, hubspot: hubspot.url, ...(pipedrive ? { pipedrive: pipedrive.url } : {}), ...(dynamics ? { dynamics: dynamics.url } : {}), seed: seedDir ?? 'demo' }));
  console.error(`Salesforce sandbox on ${salesforce.url} (client id customer-graph, secret sandbox)`);
  console.error(`HubSpot sandbox on ${hubspot.url} (private-app token sandbox-token)`);
  if (pipedrive) console.error(`Pipedrive sandbox on ${pipedrive.url} (API token ${pipedrive.apiToken})`);
  if (dynamics) console.error(`Dynamics 365 sandbox on ${dynamics.url} (tenant ${dynamics.tenantId}, client id ${dynamics.clientId}, secret ${dynamics.clientSecret})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (values['exit-with-parent']) {
      process.stdin.once('close', () => resolve());
      process.stdin.once('end', () => resolve());
      process.stdin.resume();
    }
  });
  process.stdin.destroy(); // a resumed stdin would keep this process alive after a SIGTERM
  await Promise.all([salesforce.close(), hubspot.close(), pipedrive?.close(), dynamics?.close()]);
  return 0;
}

process.exitCode = await main();
