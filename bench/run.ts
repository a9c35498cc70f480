/**
 * The bench runner: lists the benchmarks under `bench/` and runs the ones named, each in its own child process
 * (tsx), so every benchmark keeps its own command line, memory and exit code.
 *
 *   npm run bench                                   list the benchmarks
 *   npm run bench -- golden-query --write-docs      run one; everything after the names goes to each benchmark
 *   npm run bench -- identity golden-query          run several, one after the other
 *   npm run bench -- all                            run every benchmark with its defaults
 *
 * A benchmark is found by convention: a folder `bench/<name>/run.ts` (a script with its own CLI), or a module
 * `bench/<name>.ts`. A module either runs on import or exports `run(args)` (named, or on a default export
 * `{ name, description, run }`); the runner calls it with the remaining arguments. The description shown in the
 * listing is the first paragraph of the file's leading doc comment, read without executing the file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(benchDir);
const tsxBin = path.join(root, 'node_modules/.bin/tsx');

export interface BenchEntry {
  name: string;
  /** The file run in the child process. */
  file: string;
  kind: 'script' | 'module';
  description: string;
}

/** Benchmarks by convention, sorted by name. Files of this runner and helpers with a leading `_` are not benchmarks. */
export function discoverBenchmarks(dir = benchDir): BenchEntry[] {
  const found: BenchEntry[] = [];
  for (const dirent of fs.readdirSync(dir, { withFileTypes: true })) {
    if (dirent.name.startsWith('.') || dirent.name.startsWith('_')) continue;
    if (dirent.isDirectory()) {
      const file = path.join(dir, dirent.name, 'run.ts');
      if (fs.existsSync(file)) found.push({ name: dirent.name, file, kind: 'script', description: leadingDescription(file) });
    } else if (dirent.isFile() && dirent.name.endsWith('.ts') && !dirent.name.endsWith('.d.ts') && dirent.name !== 'run.ts') {
      const file = path.join(dir, dirent.name);
      found.push({ name: dirent.name.slice(0, -3), file, kind: 'module', description: leadingDescription(file) });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** First paragraph of the leading `/** … *\/` comment, on one line; a `description: '…'` literal otherwise. */
export function leadingDescription(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const doc = /^\s*(?:#![^\n]*\n\s*)?\/\*\*([\s\S]*?)\*\//.exec(text);
  if (doc) {
    const lines = doc[1]!.split('\n').map((l) => l.replace(/^\s*\*\s?/, ''));
    const paragraph: string[] = [];
    for (const line of lines) {
      if (!line.trim()) {
        if (paragraph.length) break;
        continue;
      }
      paragraph.push(line.trim());
    }
    if (paragraph.length) return paragraph.join(' ');
  }
  const literal = /description:\s*(['"`])((?:(?!\1).)*)\1/.exec(text);
  return literal?.[2] ?? '';
}

/**
 * Splits the command line into benchmark names and the arguments passed to each: names are the leading
 * arguments that name a benchmark (or `all`); everything from the first other argument (or after `--`) is
 * passed on unchanged.
 */
export function splitArgs(argv: string[], known: readonly string[]): { names: string[]; rest: string[] } {
  const names: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a === 'all' || known.includes(a)) names.push(a);
    else break;
  }
  const expanded = names.includes('all') ? [...known] : names;
  return { names: [...new Set(expanded)], rest: argv.slice(i) };
}

function printList(entries: BenchEntry[]): void {
  console.log('Benchmarks (npm run bench -- <name> [args…]):\n');
  const width = Math.max(...entries.map((e) => e.name.length), 4);
  for (const e of entries) {
    const lines = wrap(e.description || '(no description)', 96);
    lines.forEach((line, i) => console.log(`  ${(i ? '' : e.name).padEnd(width)}  ${line}`));
  }
  console.log('\nEach benchmark takes its own arguments; most print their usage in their first comment.');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

function runChild(entry: BenchEntry, args: string[]): Promise<number> {
  // A module is imported by this same file in `--module` mode, in the child, so it also gets a process of its own.
  const argv = entry.kind === 'script' ? [entry.file, ...args] : [fileURLToPath(import.meta.url), '--module', entry.file, '--', ...args];
  const child = spawn(tsxBin, argv, { cwd: root, stdio: 'inherit', env: process.env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.once('SIGINT', forward);
  process.once('SIGTERM', forward);
  return new Promise((resolve) => {
    child.once('error', (err) => {
      console.error(`bench ${entry.name}: could not start: ${err.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

/** Child side of a module benchmark: import it, then call its `run(args)` if it has one. */
async function runModule(file: string, args: string[]): Promise<void> {
  const mod = (await import(pathToFileURL(file).href)) as { run?: unknown; default?: { run?: unknown } };
  const run = typeof mod.run === 'function' ? mod.run : typeof mod.default?.run === 'function' ? mod.default.run : undefined;
  if (run) await (run as (a: string[]) => unknown)(args);
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--module') {
    const sep = argv.indexOf('--');
    await runModule(argv[1]!, sep >= 0 ? argv.slice(sep + 1) : []);
    return 0;
  }
  const entries = discoverBenchmarks();
  if (argv.length === 0 || argv[0] === '--list' || argv[0] === '--help' || argv[0] === '-h') {
    printList(entries);
    return 0;
  }
  const { names, rest } = splitArgs(argv, entries.map((e) => e.name));
  if (!names.length) {
    console.error(`Unknown benchmark "${argv[0]}".\n`);
    printList(entries);
    return 2;
  }
  let failed = 0;
  for (const name of names) {
    const entry = entries.find((e) => e.name === name)!;
    if (names.length > 1) console.error(`\n=== ${name} ===`);
    const code = await runChild(entry, rest);
    if (code !== 0) {
      failed++;
      console.error(`bench ${name} exited with ${code}`);
    }
  }
  return failed ? 1 : 0;
}

// Importable (tests use discoverBenchmarks/splitArgs) without running: main only when this file is the entry point.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
