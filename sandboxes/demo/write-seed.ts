/**
 * Writes the demo set as a seed folder, for `customer-graph sandbox --seed DIR` or for inspecting it:
 *   npx tsx sandboxes/demo/write-seed.ts <dir> [--customers 300] [--seed 20261101] [--truth]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_CUSTOMERS, DEFAULT_DEMO_SEED, generateDemoSeed, writeSeedFolder } from './index.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { customers: { type: 'string' }, seed: { type: 'string' }, truth: { type: 'boolean' } },
});
const dir = positionals[0];
if (!dir) {
  console.error('usage: write-seed.ts <dir> [--customers N] [--seed S] [--truth]');
  process.exit(2);
}
const seed = generateDemoSeed({
  customers: values.customers ? Number(values.customers) : DEFAULT_DEMO_CUSTOMERS,
  seed: values.seed ? Number(values.seed) : DEFAULT_DEMO_SEED,
});
for (const file of writeSeedFolder(dir, seed, { includeTruth: values.truth ?? false })) console.log(file);
