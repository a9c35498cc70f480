import type { CommandHelp } from '../command-help.ts';

/** A CLI subcommand: parses its own arguments and resolves to the process exit code. */
export interface Command {
  name: string;
  summary: string;
  /** What `customer-graph <name> --help` prints (cli/command-help.ts); main.ts answers --help before `run`. */
  help: CommandHelp;
  run(argv: string[]): Promise<number>;
}
