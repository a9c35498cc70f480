/** The line protocol between the write-back bench and its gateway process (see gateway-process.ts). */

/** Marks the gateway process' own lines on stdout, which pino's log lines share. */
export const PREFIX = '@@writeback ';

export interface Hello {
  url: string;
  salesforceUrl: string;
  hubspotUrl: string;
  pid: number;
  startMs: number;
}
