/**
 * `customer-graph <command>`: the table of subcommands and one place that turns errors into messages and exit
 * codes (a ProductError's code decides the exit code; anything else is a bug and prints its stack).
 */
import { ProductError } from '../lib/product-error.ts';
import { formatHelp, wantsHelp } from './command-help.ts';
import type { Command } from './commands/command.ts';
import { deadLettersCommand } from './commands/deadletters.ts';
import { sandboxCommand } from './commands/sandbox.ts';
import { startCommand } from './commands/start.ts';
import { subgraphCommand } from './commands/subgraph.ts';
import { supergraphCommand } from './commands/supergraph.ts';
import { syncCommand } from './commands/sync.ts';
import { workerCommand } from './commands/worker.ts';

export const commands: Command[] = [startCommand, sandboxCommand, supergraphCommand, subgraphCommand, syncCommand, workerCommand, deadLettersCommand];

function usage(): string {
  return [
    'Usage: customer-graph <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
    '',
    'customer-graph <command> --help (or customer-graph help <command>) for its options, environment and exit codes.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0) {
    const about = commands.find((c) => c.name === rest[0]);
    if (!about) {
      console.error(`Unknown command "${rest[0]}".\n\n${usage()}`);
      return 2;
    }
    console.log(formatHelp(about.name, about.help));
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  // Answered here for every command, before it parses anything or opens a database.
  if (wantsHelp(rest)) {
    console.log(formatHelp(command.name, command.help));
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof ProductError) {
      console.error(`error [${err.code}]: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`error: ${err.message}\nUsage: ${command.help.usage}`);
      return 2;
    }
    console.error(err);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
// Pools and timers of a failed start must not keep the process alive.
if (process.exitCode !== 0) process.exit(process.exitCode);
