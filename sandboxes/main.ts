/**
 * Runs the CRM sandboxes standalone: `customer-graph sandbox [--seed DIR] [--salesforce-port 4101]
 * [--hubspot-port 4102] [--pipedrive-port 4103|off] [--dynamics-port 4104|off] [--zoho-port 4105|off]` (the table in
 * cli/demo-sandboxes.ts). Without --seed they load the built-in demo set (overlapping customers with realistic
 * conflicts; one sales division in Pipedrive, one service division in Dynamics 365, the partner channel in Zoho CRM).
 * Prints one JSON line `{"ready":true,...}` on stdout once all listen, so a parent process (the embedded demo of
 * `customer-graph start`) can wait for it; exits cleanly on SIGINT/SIGTERM.
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
import { startZohoSandbox } from './zoho/index.ts';
import type { RunningSandbox } from './common/running-sandbox.ts';
import { DEMO_SANDBOXES, portFlag } from '../cli/demo-sandboxes.ts';
import type { DemoSeed } from './demo/index.ts';

const USAGE = `Usage: customer-graph sandbox [--seed DIR] ${DEMO_SANDBOXES.map((d) => `[--${portFlag(d)} ${d.defaultPort}${d.optional ? '|off' : ''}]`).join(' ')} [--host 127.0.0.1] [--customers N]`;

/** How each CRM's sandbox starts: on the seed folder when given, else on its part of the demo set. */
const STARTERS: Record<string, (port: number, host: string, seedDir: string | undefined, demo: DemoSeed | undefined) => Promise<RunningSandbox>> = {
  salesforce: (port, host, seedDir, demo) =>
    startSalesforceSandbox({ port, host, ...(seedDir ? { seedDir } : { demoSeed: { ...demo!.salesforce, User: DEMO_SALESFORCE_USERS } as never }) }),
  hubspot: (port, host, seedDir, demo) => startHubSpotSandbox({ port, host, ...(seedDir ? { seedDir } : { demoSeed: demo!.hubspot }) }),
  pipedrive: (port, host, seedDir, demo) => startPipedriveSandbox({ port, host, ...(seedDir ? { seedDir } : { seed: demo!.pipedrive }) }),
  dynamics: (port, host, seedDir, demo) => startDynamicsSandbox({ port, host, ...(seedDir ? { seedDir } : { seed: demo!.dynamics }) }),
  zoho: (port, host, seedDir, demo) => startZohoSandbox({ port, host, ...(seedDir ? { seedDir } : { seed: demo!.zoho }) }),
};

/** A port option: a whole number 0–65535 (0: a free port); anything else is a usage error, not NaN passed to listen. */
function portOption(flag: string, value: string): number | string {
  const port = Number(value);
  const what = DEMO_SANDBOXES.some((d) => d.optional && portFlag(d) === flag) ? 'a port number or off' : 'a port number';
  return /^\d+$/.test(value.trim()) && port <= 65535 ? port : `--${flag} must be ${what} (a whole number 0–65535; 0 picks a free port), got "${value}"`;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        seed: { type: 'string' },
        ...Object.fromEntries(DEMO_SANDBOXES.map((d) => [portFlag(d), { type: 'string' as const, default: String(d.defaultPort) }])),
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
  const ports = new Map<string, number>();
  for (const d of DEMO_SANDBOXES) {
    const value = (values as Record<string, string | boolean | undefined>)[portFlag(d)] as string;
    if (d.optional && value === 'off') continue; // 'off': no such sandbox
    const port = portOption(portFlag(d), value);
    if (typeof port === 'string') {
      console.error(`error: ${port}`);
      return 2;
    }
    ports.set(d.crm, port);
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
  // Which sandbox was starting when a listen failed: its port option is named in the error (and cli/sandbox-process.ts
  // turns that option into the environment variable the embedded demo reads).
  const running: { crm: string; sandbox: RunningSandbox }[] = [];
  let starting = DEMO_SANDBOXES[0]!;
  try {
    for (const d of DEMO_SANDBOXES) {
      const port = ports.get(d.crm);
      if (port === undefined) continue;
      starting = d;
      running.push({ crm: d.crm, sandbox: await STARTERS[d.crm]!(port, host, seedDir, demo) });
    }
  } catch (err) {
    await Promise.all(running.map((r) => r.sandbox.close()));
    const e = err as NodeJS.ErrnoException;
    console.error(e.code === 'EADDRINUSE' ? `error: port already in use (${e.message}); pick another with --${portFlag(starting)} N (0: a free port)` : `error: ${e.message}`);
    return e.code === 'EADDRINUSE' ? 75 : 2;
  }
  console.log(JSON.stringify({ ready: true, ...Object.fromEntries(running.map((r) => [r.crm, r.sandbox.url])), seed: seedDir ?? 'demo' }));
  for (const { crm, sandbox } of running) {
    const d = DEMO_SANDBOXES.find((x) => x.crm === crm)!;
    console.error(`${d.name} sandbox on ${sandbox.url} (${d.howToConnect})`);
  }
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
  await Promise.all(running.map((r) => r.sandbox.close()));
  return 0;
}

process.exitCode = await main();
