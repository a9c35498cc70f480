/**
 * `customer-graph sync --backfill`: reads every record of every connected CRM object, links it to a golden record
 * (customers by identity resolution: matcher links merged, review pairs queued, decisions respected) and writes the
 * golden snapshots, with a progress bar and a summary. Every object read completely gets a change cursor at the moment the
 * backfill began, so change polling then reads only what changed since. Re-running it is harmless: linked records
 * keep their links, queued pairs are not queued again and unchanged snapshots are not rewritten.
 *
 * Exit codes: 0 every connected CRM object was read; 69 a CRM could not be read (at start: its metadata; or an object
 * while reading) — the others were backfilled, the failed ones are named; 2 bad usage; others as for `start`.
 */
import cliProgress from 'cli-progress';
import { loadConfig } from '../../lib/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { probeDatabase } from '../../db/probe-database.ts';
import { resolveCipher } from '../secret-key.ts';
import { DATABASE_ENV, STARTUP_EXIT_CODES, parseCommandArgs } from '../command-help.ts';
import { demoPortVariablesHelp } from '../demo-sandboxes.ts';
import type { Command } from './command.ts';

const help = {
  usage: 'customer-graph sync --backfill [--seed DIR]',
  description: 'Reads every record of every connected CRM object, links it to golden records and writes the snapshots, with\n' +
    'progress and a summary; leaves a change cursor per object read. Re-running it is harmless. Incremental sync runs\n' +
    'inside `customer-graph start` (and `worker`).',
  options: {
    backfill: { type: 'boolean', description: 'import every record (required)' },
    seed: { type: 'string', value: 'DIR', description: 'seed the demo sandboxes from DIR instead of the demo set' },
  },
  env: [
    ...DATABASE_ENV.map(([name, text]): [string, string] => [name, name === 'LOG_LEVEL' ? `${text} (default warn: progress goes to the terminal)` : text]),
    ['CUSTOMER_GRAPH_DEMO', 'auto (default) or off: no demo sandboxes'],
    ...demoPortVariablesHelp(),
  ],
  exitCodes: [
    ...STARTUP_EXIT_CODES.map(([code, text]): [number, string] => [code, code === 69 ? `${text}, or a CRM object could not be read (the others are backfilled and it is named)` : text]),
    [75, 'a demo sandbox port is in use (PORT_IN_USE)'],
  ],
} satisfies Command['help'];

export const syncCommand: Command = {
  name: 'sync',
  summary: 'Import everything from the connected CRMs (--backfill), with progress and a summary',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('sync', help, argv);
    if (!values.backfill) {
      console.error('Nothing to do: pass --backfill to import every record (incremental sync runs inside `customer-graph start`).');
      return 2;
    }
    const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
    // Progress goes to the terminal; only warnings and errors are logged, to stderr.
    const logger = createLogger('customer-graph', process.env.LOG_LEVEL ?? 'warn');
    const cipher = resolveCipher(config, logger);
    if (config.databaseUrl) await probeDatabase(config.databaseUrl);
    const { startApp } = await import('../app.ts');
    // The backfill reads every record itself: no change polling beside it (a first poll round has no cursor and
    // would read everything a second time) and no write-back worker (a running `customer-graph start` has one).
    // It leaves a change cursor per object read, so the next poller resumes from when it began.
    const env = { ...process.env, CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0' };
    // A CRM that cannot be read does not stop the others' backfill; it is named at the end (exit 69), not retried.
    const app = await startApp(config, logger, cipher, { env, linkOnStart: false, retryUnavailable: false, ...(values.seed ? { seedDir: values.seed } : {}) });
    await app.writebackWorker.stop();
    // Counts, not bars: a CRM's total is not known before its last page (asking costs calls), so a bar would read 100 %.
    const bars = new cliProgress.MultiBar({ format: ' {object} {value} records  {phase}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, cliProgress.Presets.shades_classic);
    // Stopping renders the lines once more when stderr is not a terminal: only once, or logs show every line twice.
    let barsStopped = false;
    const stopBars = () => {
      if (barsStopped) return;
      barsStopped = true;
      bars.stop();
    };
    const perObject = new Map<string, cliProgress.SingleBar>();
    const started = Date.now();
    try {
      const report = await app.link((p) => {
        const key = p.phase === 'reading' ? `${p.crm}/${p.objectType}` : `${p.goldenType} snapshots`;
        let bar = perObject.get(key);
        if (!bar) {
          bar = bars.create(0, 0, { object: key.padEnd(28), phase: '' });
          perObject.set(key, bar);
        }
        bar.setTotal(Math.max(p.records, 1));
        bar.update(p.records, { phase: p.phase === 'reading' ? 'read' : 'resolved' });
      });
      stopBars();
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `Backfill done in ${seconds.toFixed(1)} s: ${report.recordsRead} records read (${(report.recordsRead / Math.max(seconds, 0.001)).toFixed(0)}/s), ` +
          `${report.goldenCreated} golden records created, ${report.linksCreated} links created, ${report.snapshotsChanged} snapshots changed; ` +
          `${report.customersMerged ?? 0} customers merged, ${report.reviewsQueued ?? 0} pairs queued for review.`,
      );
      const cursors = report.changeCursors;
      // Where change polling starts after this (sync/backfill-cursors.ts): from this backfill, or from a cursor kept.
      const kept = cursors.kept.length > 0 ? `${cursors.kept.length} CRM object(s) already had a change cursor and keep it` : '';
      if (cursors.stored.length > 0) {
        // Each cursor starts at the CRM's newest change, or up to an hour before the backfill, for clock skew.
        const earliest = new Date(Math.min(...cursors.stored.map((c) => c.resumeAt.getTime())));
        console.log(`Change polling picks up what changed since this backfill began (${cursors.from.toISOString()}) for ${cursors.stored.length} CRM object(s), ` +
          `reading again from ${earliest.toISOString()} at the earliest, in case a CRM's clock is behind ours${kept ? `; ${kept}` : ''}.`);
      } else if (kept) console.log(`${kept}: change polling resumes where it was.`);
      for (const f of report.failed) console.error(`  ${f.crm}/${f.objectType} could not be read: [${f.code}] ${f.message}. Fix the connection and run the backfill again; nothing already linked is lost (until then, change polling reads all of it).`);
      const failed = (k: { crm: string; objectType: string }) => report.failed.some((f) => f.crm === k.crm && f.objectType === k.objectType);
      for (const s of cursors.skipped.filter((k) => !failed(k))) console.error(`  ${s.crm}/${s.objectType}: no change cursor stored (${s.reason}); change polling reads all of it once.`);
      const down = app.unavailableCrms();
      for (const d of down) console.error(`  ${d.name} (${d.crm}, connector ${d.id}) could not be read: [${d.code}] ${d.message}. None of its records were read: fix its address or credentials and run the backfill again.`);
      for (const n of report.notConnected.filter((k) => !down.some((d) => d.crm === k.crm))) console.error(`  ${n.crm}/${n.objectType} is mapped but no ${n.crm} connector is configured.`);
      return report.failed.length > 0 || down.length > 0 ? 69 : 0;
    } finally {
      stopBars();
      await app.close();
    }
  },
};
