/**
 * Waiting for SIGINT/SIGTERM in the long-running commands (start, worker, subgraph). The listeners stay installed
 * while the command shuts down: a library using signal-exit re-raises a signal it sees nobody else listening for,
 * which killed the process a few milliseconds into `close()` — the embedded database not closed, its data-folder
 * lock left behind, the write-back round cut short. A second signal means "now": the process exits at once (exit
 * hooks still run, so the lock is released).
 *
 * Commands listen before they start anything (`listenForShutdown`), not after their ready line: until a process
 * listens for a signal, the signal's default action applies, and SIGTERM ends the process on the spot. An orchestrator
 * or a script that stops the process the moment it reads the ready line got exactly that (the listener came a few
 * milliseconds after the line). A signal before `started()` still ends the process at once, as before — nothing is
 * ready to close, and a start can take long — but through `process.exit`, so exit hooks (the data-folder lock) run.
 */
import os from 'node:os';

export interface ShutdownSignal {
  /** Called once the command is ready: from then on a signal asks for the clean shutdown. */
  started(): void;
  /** Settles with the first signal after `started()`. */
  signalled: Promise<NodeJS.Signals>;
}

const exitCode = (signal: NodeJS.Signals) => 128 + (os.constants.signals[signal] ?? 15);

export function listenForShutdown(): ShutdownSignal {
  let received: NodeJS.Signals | undefined;
  let started = false;
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (!started) {
        process.stderr.write(`${signal} while starting: exiting without finishing the start.\n`);
        process.exit(exitCode(signal));
      }
      if (received) {
        process.stderr.write(`${signal} again: exiting without finishing the shutdown.\n`);
        process.exit(exitCode(signal));
      }
      received = signal;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return { started: () => { started = true; }, signalled };
}
