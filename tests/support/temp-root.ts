/**
 * Vitest global setup: every temporary folder the suite makes (data folders of test apps, seed folders, PGlite
 * databases, browser profiles) goes under one folder of this run, removed when the run ends. Tests still remove
 * what they make, but an app reopened on a closed app's data folder, a test that fails half-way or a forgotten
 * `rm` no longer leaves hundreds of megabytes in the system temp folder on every run.
 *
 * Workers are forked after this runs and inherit TMPDIR, so `os.tmpdir()` in them is the run's folder.
 * Set CUSTOMER_GRAPH_KEEP_TEST_TMP=1 to keep it (its path is printed) for a look after a failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-test-run-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (process.env.CUSTOMER_GRAPH_KEEP_TEST_TMP === '1') console.log(`test temporary files kept in ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  };
}
