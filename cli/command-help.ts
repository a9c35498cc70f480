/**
 * One description per command — usage, options with their defaults, the environment variables it reads and its exit
 * codes — from which both `customer-graph <command> --help` (and `help <command>`) and its argument parsing are made,
 * so the help cannot list an option the parser refuses, or miss one it takes.
 */
import { parseArgs } from 'node:util';
import { ProductError } from '../lib/product-error.ts';

export interface OptionHelp {
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** The value's placeholder in the help (`N`, `DIR`); string options only. */
  value?: string;
  /** What applies when the option is absent, as shown in the help. Parsing does not fill it in. */
  default?: string;
  description: string;
}

export interface CommandHelp<O extends Record<string, OptionHelp> = Record<string, OptionHelp>> {
  usage: string;
  /** A few sentences under the usage line. */
  description: string;
  /** Positional arguments (and subcommands) with their meaning; absent: the command takes none. */
  positionals?: [string, string][];
  options: O;
  env: [string, string][];
  exitCodes: [number, string][];
}

/** Exit codes every command that starts the composition shares (lib/product-error.ts). */
export const STARTUP_EXIT_CODES: [number, string][] = [
  [2, 'bad usage or input (BAD_USER_INPUT)'],
  [69, 'the database (DATABASE_UNREACHABLE) or a CRM (CRM_UNAVAILABLE) cannot be reached'],
  [74, 'the embedded data folder is unusable (DATA_DIR_UNUSABLE)'],
  [78, 'invalid configuration or secret key (CONFIG_INVALID, SECRET_KEY_INVALID)'],
  [1, 'an unexpected failure (a bug: the stack is printed)'],
];

/** Environment variables every command that opens the database reads. */
export const DATABASE_ENV: [string, string][] = [
  ['DATABASE_URL', 'Postgres; unset: the embedded database'],
  ['CUSTOMER_GRAPH_DATA_DIR', 'folder of the embedded database and generated key (default .data)'],
  ['CUSTOMER_GRAPH_SECRET_KEY', 'key that encrypts CRM credentials (required with DATABASE_URL)'],
  ['LOG_LEVEL', 'fatal, error, warn, info, debug, trace or silent'],
];

export function formatHelp(name: string, help: CommandHelp): string {
  const table = (rows: [string, string][]) => {
    const width = Math.max(...rows.map(([left]) => left.length));
    return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
  };
  const options: [string, string][] = Object.entries(help.options).map(([flag, o]) => [
    `--${flag}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    `${o.description}${o.multiple ? ' (repeatable)' : ''}${o.default !== undefined ? ` (default ${o.default})` : ''}`,
  ]);
  options.push(['-h, --help', 'this help']);
  return [
    `Usage: ${help.usage}`,
    '',
    help.description,
    ...(help.positionals?.length ? ['', 'Arguments:', ...table(help.positionals)] : []),
    '',
    'Options:',
    ...table(options),
    ...(help.env.length ? ['', 'Environment:', ...table(help.env)] : []),
    '',
    'Exit codes:',
    // In order, with 1 (a bug, not a condition to handle) last.
    ...table([[0, 'success'] as [number, string], ...[...help.exitCodes].sort(([a], [b]) => (a === 1 ? 1000 : a) - (b === 1 ? 1000 : b))].map(([code, text]) => [String(code), text])),
  ].join('\n');
}

type Values<O extends Record<string, OptionHelp>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? (O[K]['multiple'] extends true ? boolean[] : boolean) : O[K]['multiple'] extends true ? string[] : string;
};

/**
 * Strict parsing against the help's options. An unknown option or a missing value is BAD_USER_INPUT (exit 2) with
 * the usage line, not node's TypeError.
 */
export function parseCommandArgs<O extends Record<string, OptionHelp>>(name: string, help: CommandHelp<O>, argv: string[]): { values: Values<O>; positionals: string[] } {
  const options = Object.fromEntries(Object.entries(help.options).map(([flag, o]) => [flag, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]));
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: help.positionals !== undefined });
    return { values: values as Values<O>, positionals };
  } catch (err) {
    if (!(err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw err;
    throw usageError(name, help, err.message);
  }
}

export function usageError(name: string, help: CommandHelp, problem: string): ProductError {
  return new ProductError('BAD_USER_INPUT', `${problem}\nUsage: ${help.usage}\n(customer-graph ${name} --help for the options)`);
}

/** `--help` or `-h` before any `--`: the command answers with its help, whatever else was given. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** A TCP port from an option or variable: a whole number 0–65535 (0 picks a free port), else BAD_USER_INPUT. */
export function parsePortOption(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port > 65535) {
    throw new ProductError('BAD_USER_INPUT', `${flag} "${value}" is not a port number (a whole number 0–65535; 0 picks a free port).`);
  }
  return port;
}
