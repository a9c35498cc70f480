/**
 * Waiting for SIGINT/SIGTERM in the long-running commands (start, worker, subgraph). The listeners stay installed
 * while the command shuts down: a library using signal-exit re-raises a signal it sees nobody else listening for,
 * which killed the process a few milliseconds into `close()` — the embedded database not closed, its data-folder
 * lock left behind, the write-back round cut short. A second signal means "now": the process exits at once (exit
 * hooks still run, so the lock is released).
 */
import os from 'node:os';

export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        process.stderr.write(`${signal} again: exiting without finishing the shutdown.\n`);
        process.exit(128 + (os.constants.signals[signal] ?? 15));
      }
      received = signal;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
