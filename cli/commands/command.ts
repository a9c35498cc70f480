/** A CLI subcommand: parses its own arguments and resolves to the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
