/**
 * `customer-graph sandbox`: the CRM sandboxes standalone. They are test and demo infrastructure, so the CLI runs
 * them as a child process rather than importing them (product code never imports sandboxes/). The arguments are
 * checked here first, so a typo is a usage error (exit 2) rather than the child's crash.
 */
import { spawn } from 'node:child_process';
import { ProductError } from '../../lib/product-error.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, parsePortOption } from '../command-help.ts';
import { DEMO_SANDBOXES, portFlag } from '../demo-sandboxes.ts';
import { sandboxEntry, tsxLoader } from '../sandbox-process.ts';

const PORT_FLAGS = DEMO_SANDBOXES.map((d) => `[--${portFlag(d)} ${d.defaultPort}${d.optional ? '|off' : ''}]`).join(' ');
const NAMES = DEMO_SANDBOXES.map((d) => d.name);
const NAMED = `${NAMES.slice(0, -1).join(', ')} and ${NAMES.at(-1)}`;

const help = {
  usage: `customer-graph sandbox [--seed DIR] ${PORT_FLAGS}`,
  description: `Runs the ${NAMED} sandboxes (local servers speaking each CRM's HTTP API) on the demo\n` +
    'set or your seed folder, until SIGINT/SIGTERM. Prints one JSON line {"ready":true,...} on stdout once all listen.',
  options: {
    seed: { type: 'string', value: 'DIR', description: 'load DIR/salesforce/Contact.json, DIR/hubspot/contacts.json, … instead of the demo set' },
    ...Object.fromEntries(DEMO_SANDBOXES.map((d) => [portFlag(d), {
      type: 'string' as const, value: d.optional ? 'N|off' : 'N', default: String(d.defaultPort),
      description: `port of the ${d.name} sandbox (${d.optional ? 'off: none' : '0: a free port'})`,
    }])),
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', description: 'interface to listen on' },
    customers: { type: 'string', value: 'N', description: 'size of the generated demo set' },
  },
  env: [],
  exitCodes: [
    [2, 'bad usage: an unknown option, a port that is no port number, a seed folder that does not exist'],
    [75, `a sandbox port is in use (pick others with ${DEMO_SANDBOXES.map((d) => `--${portFlag(d)}`).join('/')})`],
    [1, 'an unexpected failure'],
  ],
} satisfies Command['help'];

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: `Run the ${NAMED} sandboxes (demo data, or --seed DIR)`,
  help,
  async run(argv) {
    const { values } = parseCommandArgs('sandbox', help, argv);
    for (const d of DEMO_SANDBOXES) {
      const value = (values as Record<string, string | undefined>)[portFlag(d)];
      if (value !== undefined && !(d.optional && value === 'off')) parsePortOption(`--${portFlag(d)}`, value);
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
