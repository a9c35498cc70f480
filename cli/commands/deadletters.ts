/**
 * `customer-graph deadletters list [--json] [--limit N]` and `customer-graph deadletters replay (--id <id>... | --all)`:
 * write-back rows a CRM refused for good, listed with the CRM's code and reason, and re-enqueued once the cause is
 * fixed (each dead letter once, as a new outbox row: db/writeback-store.ts). The command opens the database only —
 * no CRM, no gateway — and the write-back worker (`customer-graph start` or `worker`) delivers what it re-enqueued.
 *
 * Exit codes (lib/product-error.ts): 0 all done; 2 bad arguments; 3 (NOT_FOUND) an id is no dead letter; 4 (CONFLICT)
 * an id was already replayed. Ids that could be replayed are replayed even when others fail, and the output says which.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/open-database.ts';
import type { DatabaseHandle } from '../../db/open-database.ts';
import { probeDatabase } from '../../db/probe-database.ts';
import { listDeadLetters, replayDeadLetters } from '../../db/writeback-store.ts';
import type { DeadLetterRow } from '../../db/writeback-store.ts';
import { loadConfig } from '../../lib/config.ts';
import { ProductError } from '../../lib/product-error.ts';
import { fieldsToSend } from '../../sync/writeback/concurrency.ts';
import { formatHelp } from '../command-help.ts';
import type { Command } from './command.ts';

const USAGE = 'customer-graph deadletters list [--json] [--limit N] | customer-graph deadletters replay (--id <id>... | --all)';
const help = {
  usage: USAGE,
  description: 'Write-back rows a CRM refused for good, listed with the CRM\'s code and reason, and re-enqueued once the cause is\n' +
    'fixed (each once). Opens the database only; the write-back worker (start or worker) delivers what is re-enqueued.\n' +
    'The embedded database serves one process at a time: stop the gateway first, or use the replayDeadLetters mutation.',
  positionals: [
    ['list', 'open (not yet replayed) dead letters, oldest first: id, CRM record, the CRM\'s code and reason'],
    ['replay', 're-enqueue the dead letters named with --id, or all open ones with --all (up to 1000)'],
  ],
  options: {
    json: { type: 'boolean', description: 'list: as a JSON array' },
    limit: { type: 'string', value: 'N', default: '100, at most 1000', description: 'list: at most N' },
    id: { type: 'string', multiple: true, value: 'ID', description: 'replay: these dead letters (or ids separated by commas)' },
    all: { type: 'boolean', description: 'replay: every open dead letter' },
  },
  env: [
    ['DATABASE_URL', 'Postgres; unset: the embedded database'],
    ['CUSTOMER_GRAPH_DATA_DIR', 'folder of the embedded database (default .data)'],
  ],
  exitCodes: [
    [2, 'bad arguments (BAD_USER_INPUT)'],
    [3, 'an id is no dead letter (NOT_FOUND); the others are replayed'],
    [4, 'an id was already replayed (CONFLICT); the others are replayed'],
    [69, 'the database cannot be reached (DATABASE_UNREACHABLE)'],
    [74, 'no customer-graph database in the data folder (DATA_DIR_UNUSABLE)'],
  ],
} satisfies Command['help'];

async function open(): Promise<DatabaseHandle> {
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
  if (config.databaseUrl) {
    await probeDatabase(config.databaseUrl);
    return openDatabase({ url: config.databaseUrl, maxConnections: 1 });
  }
  // Listing an empty database made by mistake in the wrong folder would say "no dead letters" — say where to look.
  const folder = path.join(config.dataDir, 'pglite');
  if (!fs.existsSync(path.join(folder, 'PG_VERSION'))) {
    throw new ProductError('DATA_DIR_UNUSABLE', `No customer-graph database in ${config.dataDir}. Set CUSTOMER_GRAPH_DATA_DIR to the folder the gateway uses, or DATABASE_URL for Postgres.`, { folder });
  }
  return openDatabase({ dataDir: config.dataDir });
}

function parseIds(raw: readonly string[]): number[] {
  const ids = raw.flatMap((r) => r.split(',')).map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new ProductError('BAD_USER_INPUT', `--id needs a dead letter id. Usage: ${USAGE}`);
  return ids.map((s) => {
    if (!/^[1-9]\d{0,15}$/.test(s)) throw new ProductError('BAD_USER_INPUT', `--id: '${s}' is not a dead letter id (a positive whole number; see customer-graph deadletters list)`);
    return Number(s);
  });
}

function describe(d: DeadLetterRow): string {
  const code = d.nativeCode ? `${d.code}/${d.nativeCode}` : d.code;
  return [
    `  #${d.id}  ${d.createdAt.toISOString()}  ${d.connectorId} ${d.objectType}/${d.recordId ?? '-'}  golden ${d.goldenId ?? '-'}`,
    `       [${code}] ${d.reason}`,
    `       fields ${JSON.stringify(fieldsToSend(d))}`,
  ].join('\n');
}

async function list(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, limit: { type: 'string' } }, strict: true, allowPositionals: false });
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ProductError('BAD_USER_INPUT', `--limit: '${values.limit}' must be a whole number from 1 to 1000`);
  const database = await open();
  try {
    const letters = await listDeadLetters(database.db, { limit });
    if (values.json) {
      console.log(JSON.stringify(letters.map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), replayedAt: d.replayedAt?.toISOString() ?? null })), null, 2));
      return 0;
    }
    if (letters.length === 0) {
      console.log('No open dead letters.');
      return 0;
    }
    console.log(`${letters.length} open dead letter${letters.length === 1 ? '' : 's'}${letters.length === limit ? ` (the first ${limit}; --limit for more)` : ''}:`);
    for (const d of letters) console.log(describe(d));
    console.log(`\nFix the cause (the CRM's reason above), then: customer-graph deadletters replay --id ${letters[0]!.id}   (or --all)`);
    return 0;
  } finally {
    await database.close();
  }
}

async function replay(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { id: { type: 'string', multiple: true }, all: { type: 'boolean' } }, strict: true, allowPositionals: false });
  if (values.all && values.id) throw new ProductError('BAD_USER_INPUT', `Give either --id or --all, not both. Usage: ${USAGE}`);
  if (!values.all && !values.id) throw new ProductError('BAD_USER_INPUT', `Say which dead letters to replay: --id <id> (see customer-graph deadletters list) or --all. Usage: ${USAGE}`);
  const ids = values.id ? parseIds(values.id) : undefined;
  const database = await open();
  let result;
  try {
    result = await replayDeadLetters(database.db, ids);
  } finally {
    await database.close();
  }
  for (const r of result.replayed) console.log(`Re-enqueued dead letter ${r.deadLetterId} as outbox row ${r.outboxId}.`);
  if (result.replayed.length > 0) console.log(`${result.replayed.length} re-enqueued; the write-back worker (customer-graph start or worker) delivers them.`);
  if (!ids && result.replayed.length === 0 && result.skipped.length === 0) console.log('No open dead letters to replay.');
  const unknown = result.skipped.filter((s) => s.reason.startsWith('no dead letter'));
  const repeated = result.skipped.filter((s) => !unknown.includes(s));
  for (const s of result.skipped) console.error(`Not replayed: ${s.reason}.`);
  if (unknown.length > 0) {
    throw new ProductError('NOT_FOUND', `No dead letter with id ${unknown.map((s) => s.deadLetterId).join(', ')}. Run customer-graph deadletters list to see the open ones.`, { ids: unknown.map((s) => s.deadLetterId) });
  }
  if (repeated.length > 0) {
    throw new ProductError('CONFLICT', `Dead letter ${repeated.map((s) => s.deadLetterId).join(', ')} ${repeated.length === 1 ? 'was' : 'were'} already replayed; a replay happens once. If the CRM refused it again, that refusal is a new dead letter: see customer-graph deadletters list.`, { ids: repeated.map((s) => s.deadLetterId) });
  }
  return 0;
}

export const deadLettersCommand: Command = {
  name: 'deadletters',
  summary: 'List write-back dead letters (--json), or replay them (--id <id>... | --all)',
  help,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'list') return list(rest);
    if (sub === 'replay') return replay(rest);
    if (sub === 'help') {
      console.log(formatHelp('deadletters', help));
      return 0;
    }
    console.error(`${sub ? `Unknown subcommand "${sub}".` : 'Missing subcommand.'}\n\n${formatHelp('deadletters', help)}`);
    return 2;
  },
};
