/** One structured logger for every process (pino). Secrets are redacted by path before anything is written. */
import { pino } from 'pino';
import type { Logger } from 'pino';
import { ProductError } from './product-error.ts';

export type { Logger };

/** `destination` is a file descriptor: 1 (stdout, the default) or 2 for commands whose stdout is their output. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'), destination: 1 | 2 = 1): Logger {
  // pino throws a bare Error with a stack on an unknown level; a typo in LOG_LEVEL is a configuration mistake.
  if (!isLogLevel(level)) throw new ProductError('CONFIG_INVALID', `Invalid configuration: LOG_LEVEL "${level}" is not a log level; use one of ${LOG_LEVELS.join(', ')}.`);
  return pino({
    name,
    level,
    redact: {
      paths: ['*.password', '*.secret', '*.clientSecret', '*.accessToken', '*.refreshToken', '*.access_token', '*.refresh_token', '*.authorization', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  }, pino.destination(destination));
}

/** pino's levels, and `silent`; lib/config.ts checks LOG_LEVEL against the same list. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function isLogLevel(level: string): boolean {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

// Made when this module is imported, before any command can report a bad LOG_LEVEL: it falls back to info, and
// the command's own logger (or lib/config.ts) then stops the process with CONFIG_INVALID.
export const rootLogger = createLogger('customer-graph', isLogLevel(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : process.env.VITEST ? 'silent' : 'info');
