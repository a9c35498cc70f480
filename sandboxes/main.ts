/**
 * Runs the CRM sandboxes standalone: `customer-graph sandbox [--seed DIR] [--salesforce-port 4101]
 * [--hubspot-port 4102] [--pipedrive-port 4103|off]`. Without --seed they load the built-in demo set (overlapping
 * customers with realistic conflicts; one sales division in Pipedrive). Prints one JSON line `{"ready":true,...}` on
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
import { startHubSpotSandbox } from './hubspot/index.ts';
import { startPipedriveSandbox } from './pipedrive/index.ts';
import { startSalesforceSandbox } from './salesforce/index.ts';

export const DEFAULT_SALESFORCE_PORT = 4101;
export const DEFAULT_HUBSPOT_PORT = 4102;
export const DEFAULT_PIPEDRIVE_PORT = 4103;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      'salesforce-port': { type: 'string', default: String(DEFAULT_SALESFORCE_PORT) },
      'hubspot-port': { type: 'string', default: String(DEFAULT_HUBSPOT_PORT) },
      // 'off': no Pipedrive sandbox (a demo of two CRMs).
      'pipedrive-port': { type: 'string', default: String(DEFAULT_PIPEDRIVE_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      customers: { type: 'string' },
      'exit-with-parent': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const seedDir = values.seed ? path.resolve(values.seed) : undefined;
  if (seedDir && !fs.existsSync(seedDir)) {
    console.error(`error: seed folder ${seedDir} does not exist (expected ${seedDir}/salesforce/Contact.json, ${seedDir}/hubspot/contacts.json, ...)`);
    return 2;
  }
  const demo = seedDir ? undefined : generateDemoSeed(values.customers ? { customers: Number(values.customers) } : {});
  const host = values.host!;
  const pipedrivePort = values['pipedrive-port'] === 'off' ? undefined : Number(values['pipedrive-port']);
  if (pipedrivePort !== undefined && !(Number.isInteger(pipedrivePort) && pipedrivePort >= 0 && pipedrivePort < 65536)) {
    console.error(`error: --pipedrive-port must be a port number or off, got ${values['pipedrive-port']}`);
    return 2;
  }
  let salesforce;
  let hubspot;
  let pipedrive;
  try {
    salesforce = await startSalesforceSandbox({
      port: Number(values['salesforce-port']),
      host,
      ...(seedDir ? { seedDir } : { demoSeed: { ...demo!.salesforce, User: DEMO_SALESFORCE_USERS } as never }),
    });
    hubspot = await startHubSpotSandbox({ port: Number(values['hubspot-port']), host, ...(seedDir ? { seedDir } : { demoSeed: demo!.hubspot }) });
    if (pipedrivePort !== undefined) pipedrive = await startPipedriveSandbox({ port: pipedrivePort, host, ...(seedDir ? { seedDir } : { seed: demo!.pipedrive }) });
  } catch (err) {
    await Promise.all([salesforce?.close(), hubspot?.close()]);
    const e = err as NodeJS.ErrnoException;
    console.error(e.code === 'EADDRINUSE' ? `error: port already in use (${e.message}); pick others with --salesforce-port/--hubspot-port/--pipedrive-port` : `error: ${e.message}`);
    return e.code === 'EADDRINUSE' ? 75 : 2;
  }
  console.log(JSON.stringify({ ready: true, salesforce: salesforce.url, hubspot: hubspot.url, ...(pipedrive ? { pipedrive: pipedrive.url } : {}), seed: seedDir ?? 'demo' }));
  console.error(`Salesforce sandbox on ${salesforce.url} (client id customer-graph, secret sandbox)`);
  console.error(`HubSpot sandbox on ${hubspot.url} (private-app token sandbox-token)`);
  if (pipedrive) console.error(`Pipedrive sandbox on ${pipedrive.url} (API token ${pipedrive.apiToken})`);
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
  await Promise.all([salesforce.close(), hubspot.close(), pipedrive?.close()]);
  return 0;
}

process.exitCode = await main();
