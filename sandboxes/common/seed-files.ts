/**
 * A sandbox's seed folder, read the same way for every CRM: `<dir>/<crm>/<object>.json`, each file a JSON array of
 * records in that CRM's shape; a missing file means no records of that object. A file that cannot be read, is not
 * JSON or holds no array stops the start (or the reset) naming the file, through the sandbox's own error class, so a
 * typo in an export is found before any client sees a half-seeded CRM.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface SeedFiles {
  /** The records of each object whose file exists. */
  records: Record<string, object[]>;
  /** The file each object's records came from, for errors that name a record. */
  files: Record<string, string>;
}

export async function readSeedFiles(
  dir: string, crm: string, objects: readonly string[],
  fail: (message: string, cause?: unknown) => Error = (message, cause) => new Error(message, { cause }),
): Promise<SeedFiles> {
  const out: SeedFiles = { records: {}, files: {} };
  for (const object of objects) {
    const file = path.join(dir, crm, `${object}.json`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw fail(`${file}: ${(err as Error).message}`, err);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw fail(`${file} is not valid JSON: ${(err as Error).message}`, err);
    }
    if (!Array.isArray(parsed)) throw fail(`${file} must hold a JSON array of ${object} records`);
    out.records[object] = parsed as object[];
    out.files[object] = file;
  }
  return out;
}
