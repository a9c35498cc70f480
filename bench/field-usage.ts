/**
 * Field usage counting: what `gateway/field-usage.ts` adds to each request — a TypeInfo walk of the operation over
 * the API schema and a few map updates — measured on the real composed API schema (the embedded demo's gateway,
 * read by introspection) for the golden page query and for a wide query selecting every golden Customer field with
 * provenance and sources. Prints microseconds per operation (median of 7 rounds of 5,000) and the share of a golden
 * query's p50 latency in docs/benchmarks.md (84 ms at concurrency 1).
 *
 *   npx tsx bench/field-usage.ts
 */
import { buildClientSchema, getIntrospectionQuery, parse } from 'graphql';
import type { GraphQLObjectType, IntrospectionQuery } from 'graphql';
import { startApp } from '../cli/app.ts';
import { createFieldUsageRecorder, selectedCoordinates } from '../gateway/field-usage.ts';
import { loadConfig } from '../lib/config.ts';
import { createLogger } from '../lib/logger.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GOLDEN_PAGE = 'query GoldenCustomers { customers(first: 100) { edges { node { email phone title provenance { field rule source { crm } } } } } }';
const ROUNDS = 7;
const PER_ROUND = 5_000;
const GOLDEN_P50_MS = 84;

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-bench-usage-'));
  const logger = createLogger('bench', 'silent');
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', CUSTOMER_GRAPH_DATA_DIR: dataDir, CUSTOMER_GRAPH_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') });
  const app = await startApp(config, logger, undefined, { env: { CUSTOMER_GRAPH_DEMO_SALESFORCE_PORT: '0', CUSTOMER_GRAPH_DEMO_HUBSPOT_PORT: '0', CUSTOMER_GRAPH_DEMO_PIPEDRIVE_PORT: 'off', CUSTOMER_GRAPH_DEMO_DYNAMICS_PORT: 'off', CUSTOMER_GRAPH_DEMO_ZOHO_PORT: 'off', CUSTOMER_GRAPH_POLL_INTERVAL_MS: '0' } });
  try {
    const res = await fetch(`${app.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
    const schema = buildClientSchema(((await res.json()) as { data: IntrospectionQuery }).data);
    const customer = schema.getType('Customer') as GraphQLObjectType;
    const customerFields = Object.keys(customer.getFields()).filter((f) => !['provenance', 'conflicts', 'sources'].includes(f));
    const wide = `query Wide { customers(first: 100) { edges { node { ${customerFields.join(' ')} sources { crm objectType recordId } provenance { field rule value source { crm } } conflicts { field } } } pageInfo { hasNextPage endCursor } } }`;
    const recorder = createFieldUsageRecorder({ sink: async () => {}, logger, flushMs: 0 });
    console.log(`field usage counting, ${ROUNDS} rounds of ${PER_ROUND.toLocaleString('en-US')} operations (median round)`);
    console.log('| operation | coordinates | µs per operation | share of an 84 ms golden query |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, text] of [['golden page query', GOLDEN_PAGE], ['every Customer field', wide]] as const) {
      const document = parse(text);
      const rounds: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < PER_ROUND; i++) recorder.record(schema, document, 'bench');
        rounds.push(Number(process.hrtime.bigint() - started) / 1e3 / PER_ROUND);
        await recorder.flush();
      }
      const median = rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
      const count = selectedCoordinates(schema, document).size;
      console.log(`| ${name} | ${count} | ${median.toFixed(1)} | ${((median / 1000 / GOLDEN_P50_MS) * 100).toFixed(3)} % |`);
    }
    console.log(`Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0]!.toFixed(2)}`);
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
