/**
 * `customer-graph sandbox`: the CRM sandboxes standalone. They are test and demo infrastructure, so the CLI runs
 * them as a child process rather than importing them (product code never imports sandboxes/). The arguments are
 * checked here first, so a typo is a usage error (exit 2) rather than the child's crash.
 */
import { spawn } from 'node:child_process';
import { ProductError } from '../../lib/product-error.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, parsePortOption } from '../command-help.ts';
import { sandboxEntry, tsxLoader } from '../sandbox-process.ts';

const help = {
  usage: 'customer-graph sandbox [--seed DIR] [--salesforce-port 4101] [--hubspot-port 4102] [--pipedrive-port 4103|off] [--dynamics-port 4104|off]',
  description: 'Runs the Salesforce, HubSpot, Pipedrive and Dynamics 365 sandboxes (local servers speaking each CRM\'s HTTP API) on the demo\n' +
    'set or your seed folder, until SIGINT/SIGTERM. Prints one JSON line {"ready":true,...} on stdout once all listen.',
  options: {
    seed: { type: 'string', value: 'DIR', description: 'load DIR/salesforce/Contact.json, DIR/hubspot/contacts.json, … instead of the demo set' },
    'salesforce-port': { type: 'string', value: 'N', default: '4101', description: 'port of the Salesforce sandbox (0: a free port)' },
    'hubspot-port': { type: 'string', value: 'N', default: '4102', description: 'port of the HubSpot sandbox (0: a free port)' },
    'pipedrive-port': { type: 'string', value: 'N|off', default: '4103', description: 'port of the Pipedrive sandbox (off: none)' },
    'dynamics-port': { type: 'string', value: 'N|off', default: '4104', description: 'port of the Dynamics 365 sandbox (off: none)' },
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'interface to listen on' },
    customers: { type: 'string', value: 'N', description: 'size of the generated demo set' },
  },
  env: [],
  exitCodes: [
    [2, 'bad usage: an unknown option, a port that is no port number, a seed folder that does not exist'],
    [75, 'a sandbox port is in use (pick others with --salesforce-port/--hubspot-port/--pipedrive-port/--dynamics-port)'],
    [1, 'an unexpected failure'],
  ],
} satisfies Command['help'];

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the Salesforce, HubSpot, Pipedrive and Dynamics 365 sandboxes (demo data, or --seed DIR)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('sandbox', help, argv);
    for (const flag of ['salesforce-port', 'hubspot-port', 'pipedrive-port', 'dynamics-port'] as const) {
      const value = values[flag];
      if (value !== undefined && !((flag === 'pipedrive-port' || flag === 'dynamics-port') && value === 'off')) parsePortOption(`--${flag}`, value);
    }
    const customers = values.customers;
    if (customers !== undefined && !/^[1-9]\d{0,6}$/.test(customers)) throw new ProductError('BAD_USER_INPUT', `--customers "${customers}" is not a whole number of customers (1 or more).`);
    const child = spawn(process.execPath, ['--import', tsxLoader(), sandboxEntry(), ...argv], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  },
};
