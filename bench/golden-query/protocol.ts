/** The line protocol between the golden-query bench and its gateway process (see gateway-process.ts). */

/** Marks the gateway process' own lines on stdout, which pino's log lines share. */
export const PREFIX = '@@golden-query ';
