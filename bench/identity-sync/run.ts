/**
 * Identity resolution on the sync path, measured on the demo data set (300 people, ground truth known): the backfill
 * linker in 'email' mode (customers joined by normalised email) and in 'identity' mode (the matcher), each on a fresh
 * in-memory database against the sandboxes in this process. Prints, per mode: records read, customers created and
 * merged, pairs queued for review, time of the first and of a second (idempotent) run, and pairwise precision and
 * recall of "same customer" against the truth (Salesforce Contacts and HubSpot contacts).
 * Run: npm run bench -- identity-sync
 */
import type { Connector } from '../../connectors/contract/index.ts';
import { openDatabase } from '../../db/open-database.ts';
import { createHubSpotConnector } from '../../connectors/hubspot/index.ts';
import { createSalesforceConnector } from '../../connectors/salesforce/index.ts';
import { RateBudgetRegistry } from '../../connectors/runtime/index.ts';
import { DEFAULT_MAPPING_CONFIG } from '../../resolver-engine/index.ts';
import { generateDemoSeed } from '../../sandboxes/demo/index.ts';
import { startHubSpotSandbox } from '../../sandboxes/hubspot/index.ts';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, startSalesforceSandbox } from '../../sandboxes/salesforce/index.ts';
import { runEmailLinker } from '../../sync/email-linker.ts';
import { sql } from 'drizzle-orm';

const seed = generateDemoSeed();
const sf = await startSalesforceSandbox({ port: 0, demoSeed: seed.salesforce });
const hs = await startHubSpotSandbox({ port: 0, demoSeed: seed.hubspot });
const connectors = new Map<string, Connector>([
  ['salesforce', createSalesforceConnector({ connectorId: 'sf', loginUrl: sf.url, registry: new RateBudgetRegistry(), auth: { kind: 'client-credentials', clientId: DEFAULT_CLIENT_ID, clientSecret: DEFAULT_CLIENT_SECRET } })],
  ['hubspot', createHubSpotConnector({ connectorId: 'hs', baseUrl: hs.url, registry: new RateBudgetRegistry(), auth: { kind: 'static', accessToken: 'sandbox-token' } })],
]);
const config = { ...DEFAULT_MAPPING_CONFIG, types: { Customer: DEFAULT_MAPPING_CONFIG.types.Customer! } };
for (const mode of ['email', 'identity'] as const) {
  const db = await openDatabase({ dataDir: 'memory://' });
  let t = Date.now();
  const r = await runEmailLinker({ db: db.db, config, connectors, matchCustomers: mode });
  const first = Date.now() - t; t = Date.now();
  const r2 = await runEmailLinker({ db: db.db, config, connectors, matchCustomers: mode });
  const second = Date.now() - t;
  // precision / recall of record pairs vs truth
  const rows = (await db.db.execute(sql`select l.golden_id, l.crm, l.record_id from record_links l join golden_records g on g.id = l.golden_id where l.entity_type='Customer'`)) as unknown as { rows: { golden_id: string; crm: string; record_id: string }[] };
  const gold = new Map<string, string>(); for (const x of rows.rows) gold.set(`${x.crm}:${x.record_id}`, x.golden_id);
  const personOf = new Map<string, string>();
  for (const p of seed.truth.people) { for (const s of p.salesforce) if (s.object === 'Contact') personOf.set(`salesforce:${s.id}`, p.key); for (const h of p.hubspot) personOf.set(`hubspot:${h.id}`, p.key); }
  const keys = [...gold.keys()].filter((k) => personOf.has(k));
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < keys.length; i++) for (let j = i + 1; j < keys.length; j++) {
    const same = personOf.get(keys[i]!) === personOf.get(keys[j]!); const linked = gold.get(keys[i]!) === gold.get(keys[j]!);
    if (same && linked) tp++; else if (linked) fp++; else if (same) fn++;
  }
  console.log(mode, { records: r.recordsRead, golden: r.goldenCreated, merged: r.customersMerged, reviews: r.reviewsQueued, firstMs: first, secondMs: second, second: { created: r2.goldenCreated, links: r2.linksCreated, merged: r2.customersMerged, reviews: r2.reviewsQueued, snaps: r2.snapshotsChanged }, tp, fp, fn, precision: (tp / (tp + fp)).toFixed(3), recall: (tp / (tp + fn)).toFixed(3) });
  await db.close();
}
await sf.close(); await hs.close();
