/** One structured logger for every process (pino). Secrets are redacted by path before anything is written. */
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** `destination` is a file descriptor: 1 (stdout, the default) or 2 for commands whose stdout is their output. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'), destination: 1 | 2 = 1): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['*.password', '*.secret', '*.clientSecret', '*.accessToken', '*.refreshToken', '*.access_token', '*.refresh_token', '*.authorization', 'headers.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  }, pino.destination(destination));
}

export const rootLogger = createLogger('customer-graph');
