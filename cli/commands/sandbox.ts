/**
 * `customer-graph sandbox`: the CRM sandboxes standalone. They are test and demo infrastructure, so the CLI runs
 * them as a child process rather than importing them (product code never imports sandboxes/).
 */
import { spawn } from 'node:child_process';
import type { Command } from './command.ts';
import { sandboxEntry, tsxLoader } from '../sandbox-process.ts';

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run the Salesforce, HubSpot and Pipedrive sandboxes (demo data, or --seed DIR)',
  usage: 'customer-graph sandbox [--seed DIR] [--salesforce-port 4101] [--hubspot-port 4102] [--pipedrive-port 4103|off]',
  async run(argv) {
    const child = spawn(process.execPath, ['--import', tsxLoader(), sandboxEntry(), ...argv], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  },
};
